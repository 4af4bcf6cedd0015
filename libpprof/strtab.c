/* strtab.c - interned strings: one index per distinct byte string. */
#include <stdlib.h>
#include <string.h>

#include "base.h"

typedef struct {
	const pp_strtab *t;
	const void *data;
	size_t size;
} str_key;

static bool str_eq(const void *ctx, uint32_t idx)
{
	const str_key *k = ctx;
	size_t size;
	const char *s = pp_strtab_get(k->t, idx, &size);

	return size == k->size && memcmp(s, k->data, size) == 0;
}

bool pp_strtab_init(pp_strtab *t)
{
	memset(t, 0, sizeof(*t));
	if (!pp_grow(&t->offsets, &t->offsets_cap, 2, sizeof(*t->offsets)) ||
	    !pp_grow(&t->pool, &t->pool_cap, 1, 1))
		return false;
	t->offsets[0] = t->offsets[1] = 0;
	t->count = 1; /* the empty string, index 0, never in the hash set */
	return true;
}

void pp_strtab_free(pp_strtab *t)
{
	free(t->pool);
	free(t->offsets);
	pp_htab_free(&t->index);
	memset(t, 0, sizeof(*t));
}

uint32_t pp_strtab_find(const pp_strtab *t, const void *data, size_t size)
{
	str_key key = { t, data, size };

	if (size == 0)
		return 0;
	return pp_htab_find(&t->index, pp_hash_bytes(0, data, size), str_eq, &key);
}

uint32_t pp_strtab_intern(pp_strtab *t, const void *data, size_t size)
{
	str_key key = { t, data, size };
	uint64_t hash;
	uint32_t idx;

	if (size == 0)
		return 0;
	hash = pp_hash_bytes(0, data, size);
	idx = pp_htab_find(&t->index, hash, str_eq, &key);
	if (idx != UINT32_MAX)
		return idx;
	if (t->count >= UINT32_MAX - 1 || !pp_grow(&t->pool, &t->pool_cap, t->pool_len + size, 1) ||
	    !pp_grow(&t->offsets, &t->offsets_cap, t->count + 2, sizeof(*t->offsets)))
		return UINT32_MAX;
	idx = (uint32_t)t->count;
	if (!pp_htab_add(&t->index, hash, idx))
		return UINT32_MAX;
	memcpy(t->pool + t->pool_len, data, size);
	t->pool_len += size;
	t->count++;
	t->offsets[t->count] = t->pool_len;
	return idx;
}
