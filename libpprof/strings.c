/*
 * strings.c - the string table of a decoded profile: finding strings in it
 * and adding to it, in the profile's arena (model.h has the readers,
 * pp_profile_string and pp_profile_cstr).
 */
#include <string.h>

#include "model.h"

bool pp_profile_append_strings(pprof_profile *p, const ProtobufCBinaryData *strs, size_t n)
{
	pb_profile *pb = p->pb;
	ProtobufCBinaryData *table;

	if (n == 0)
		return true;
	table = pp_arena_alloc(p->arena, (pb->n_string_table + n) * sizeof(*table));
	if (!table)
		return false;
	memcpy(table, pb->string_table, pb->n_string_table * sizeof(*table));
	memcpy(table + pb->n_string_table, strs, n * sizeof(*table));
	pb->string_table = table;
	pb->n_string_table += n;
	return true;
}

/* The index of an entry of p's string table equal to s, or -1. */
static int64_t find_string(const pprof_profile *p, const char *s)
{
	size_t i, len = strlen(s);

	for (i = 0; i < p->pb->n_string_table; i++) {
		const ProtobufCBinaryData *t = &p->pb->string_table[i];
		if (t->len == len && (len == 0 || memcmp(t->data, s, len) == 0))
			return (int64_t)i;
	}
	return -1;
}

/* Sets ids[i] to an existing index of strs[i], or to the index it will get
 * when appended (equal new strings share one); returns how many are new. */
static size_t number_strings(const pprof_profile *p, const char *const *strs, size_t n,
                             int64_t *ids)
{
	int64_t next = (int64_t)p->pb->n_string_table;
	size_t i, j;

	for (i = 0; i < n; i++) {
		ids[i] = find_string(p, strs[i]);
		for (j = 0; j < i && ids[i] < 0; j++)
			if (ids[j] >= (int64_t)p->pb->n_string_table &&
			    strcmp(strs[j], strs[i]) == 0)
				ids[i] = ids[j];
		if (ids[i] < 0)
			ids[i] = next++;
	}
	return (size_t)(next - (int64_t)p->pb->n_string_table);
}

bool pp_profile_add_strings(pprof_profile *p, const char *const *strs, size_t n, int64_t *ids)
{
	size_t old = p->pb->n_string_table, added = number_strings(p, strs, n, ids), i, k = 0;
	ProtobufCBinaryData *fresh;

	if (added == 0)
		return true;
	fresh = pp_arena_alloc(p->arena, added * sizeof(*fresh));
	if (!fresh)
		return false;
	for (i = 0; i < n; i++) {
		size_t len = strlen(strs[i]);
		uint8_t *copy;
		if (ids[i] != (int64_t)(old + k))
			continue; /* an old string, or a new one copied already */
		copy = pp_arena_alloc(p->arena, len + 1);
		if (!copy)
			return false;
		memcpy(copy, strs[i], len + 1);
		fresh[k].data = copy;
		fresh[k].len = len;
		k++;
	}
	return pp_profile_append_strings(p, fresh, added);
}
