/*
 * filter_edits.c - the filter's edits (HACKING.md section 7): pprof's
 * rename-function, then edits of our own (dropping labels or addresses,
 * keeping one sample type, scaling). filter.c says how a filter runs.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "filter.h"

/* ---- rename-function ---------------------------------------------------- */

/* The groups a replacement can name: \0 to \9. */
#define MAX_GROUPS 10

/* Appends the replacement of a match to c->text: m holds the offsets in
 * subject of the groups, as pp_regex_search gives them. */
static bool expand(fctx *c, const char *repl, const char *subject, const ptrdiff_t *m)
{
	const char *s;

	for (s = repl; *s; s++) {
		if (*s == '\\' && pf_is_digit(s[1])) {
			const ptrdiff_t *g = &m[2 * (*++s - '0')];
			if (g[0] >= 0 &&
			    !pf_sb_add(&c->text, subject + g[0], (size_t)(g[1] - g[0])))
				return false;
		} else {
			if (*s == '\\')
				s++;
			if (!pf_sb_add(&c->text, s, 1))
				return false;
		}
	}
	return true;
}

/* The length of the UTF-8 sequence at s (n bytes left), as Go's
 * utf8.DecodeRuneInString measures it: 1 for a byte that starts none. */
static size_t rune_width(const unsigned char *s, size_t n)
{
	unsigned lo = 0x80, hi = 0xbf;
	size_t w, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		w = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		w = 3, lo = s[0] == 0xe0 ? 0xa0 : lo, hi = s[0] == 0xed ? 0x9f : hi;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		w = 4, lo = s[0] == 0xf0 ? 0x90 : lo, hi = s[0] == 0xf4 ? 0x8f : hi;
	else
		return 1;
	if (n < w || s[1] < lo || s[1] > hi)
		return 1;
	for (i = 2; i < w; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 1;
	return w;
}

/* name (len bytes) with every match of r replaced, in c->text, as Go's
 * ReplaceAllString does it: matches searched for from after the last one,
 * the whole name their context; an empty match right after a match left
 * alone; a step of one character after an empty match. *hit says whether
 * anything was replaced. */
static bool substitute(fctx *c, const rename_rule *r, const char *name, size_t len, bool *hit)
{
	size_t n_groups = pp_regex_groups(r->re) + 1, pos = 0, last = 0, so, eo, width;
	ptrdiff_t m[2 * MAX_GROUPS];
	int found = 0;

	if (n_groups > MAX_GROUPS)
		n_groups = MAX_GROUPS;
	c->text.n = 0;
	*hit = false;
	while (pos <= len && (found = pp_regex_search(r->re, name, len, pos, m, n_groups)) > 0) {
		so = (size_t)m[0];
		eo = (size_t)m[1];
		if (!pf_sb_add(&c->text, name + last, so - last))
			return false;
		if (eo > last || so == 0) {
			*hit = true;
			if (!expand(c, r->replacement, name, m))
				return false;
		}
		last = eo;
		width = rune_width((const unsigned char *)name + pos, len - pos);
		if (pos + width > eo)
			pos += width;
		else if (pos + 1 > eo)
			pos++;
		else
			pos = eo;
	}
	return found >= 0 && pf_sb_add(&c->text, name + last, len - last);
}

/* The index of a new string with the bytes of c->text; -1 when out of
 * memory. The table gets it in install_strings. */
static int64_t add_string(fctx *c)
{
	char *copy = pp_arena_alloc(c->p->arena, c->text.n + 1);

	if (!copy || !pp_grow(&c->added, &c->cap_added, c->n_added + 1, sizeof(*c->added)))
		return -1;
	memcpy(copy, c->text.v ? c->text.v : "", c->text.n + 1);
	c->added[c->n_added].data = (uint8_t *)copy;
	c->added[c->n_added].len = c->text.n;
	return (int64_t)(c->pb->n_string_table + c->n_added++);
}

/* Puts the new strings at the end of the string table. */
static bool install_strings(fctx *c)
{
	if (!pp_profile_append_strings(c->p, c->added, c->n_added))
		return false;
	c->n_added = 0;
	return true;
}

enum { NAME_UNKNOWN = -2, NAME_KEPT = -1 };

/* The index of string i renamed by r (a new string), or NAME_KEPT, memoised
 * in renamed[i]: functions may share names. NAME_UNKNOWN when out of
 * memory. */
static int64_t renamed_name(fctx *c, const rename_rule *r, int64_t *renamed, int64_t i)
{
	bool hit;
	int64_t id;

	if (renamed[i] != NAME_UNKNOWN)
		return renamed[i];
	if (!substitute(c, r, pp_profile_cstr(c->p, i), pf_cstr_len(c, i), &hit))
		return NAME_UNKNOWN;
	if (!hit)
		return renamed[i] = NAME_KEPT;
	id = add_string(c);
	return renamed[i] = id < 0 ? NAME_UNKNOWN : id;
}

/* Applies one rule to every function name. */
static bool rename_with(fctx *c, const rename_rule *r)
{
	size_t i, n_strings = c->pb->n_string_table;
	int64_t *renamed = malloc(n_strings * sizeof(*renamed) + 1), id = NAME_KEPT;
	bool matched = false;

	for (i = 0; renamed && i < n_strings; i++)
		renamed[i] = NAME_UNKNOWN;
	for (i = 0; renamed && i < c->pb->n_function; i++) {
		pb_function *fn = c->pb->function[i];
		if ((id = renamed_name(c, r, renamed, fn->name)) == NAME_UNKNOWN)
			break;
		if (id != NAME_KEPT) {
			fn->name = id;
			matched = true;
		}
	}
	free(renamed);
	if (!renamed || id == NAME_UNKNOWN)
		return false;
	if (!matched)
		pf_unmatched(c, PPROF_FILTER_RENAME, r->text);
	return install_strings(c);
}

/* Applies the rename rules in the order given. */
bool pf_rename_functions(fctx *c)
{
	size_t i;

	for (i = 0; i < c->f->n_renames; i++)
		if (!rename_with(c, &c->f->renames[i]))
			return false;
	return true;
}

/* ---- edits of our own ------------------------------------------------- */

/* Removes the labels of every sample. */
void pf_drop_labels(fctx *c)
{
	size_t i;

	for (i = 0; i < c->pb->n_sample; i++) {
		c->pb->sample[i]->n_label = 0;
		c->pb->sample[i]->label = NULL;
	}
}

/* Removes mappings and addresses; locations keep their lines. */
void pf_drop_addresses(fctx *c)
{
	size_t i;

	for (i = 0; i < c->pb->n_location; i++) {
		c->pb->location[i]->mapping_id = 0;
		c->pb->location[i]->address = 0;
	}
	c->pb->n_mapping = 0;
}

/* Finds the filter's sample type in p, as pprof's SampleIndexByName does;
 * PPROF_ERR_DATA, with the error in pprof's words, when p has none such. */
int pf_find_sample_type(pprof_filter *f, const pprof_profile *p, size_t *index)
{
	const char *spec = f->sample_type;
	size_t i, n = p->pb->n_sample_type, used;
	int found = pp_find_sample_type(p, spec, index);

	if (found == PP_TYPE_FOUND)
		return PPROF_OK;
	if (found == PP_TYPE_OUT_OF_RANGE) {
		pp_seterr(f->err, "sample type %s is outside the range [0..%lld]", spec,
		          (long long)n - 1);
		return PPROF_ERR_DATA;
	}
	used = 0;
	pp_append(f->err, PP_ERRLEN, &used, "no sample type '");
	pp_append_escaped(f->err, PP_ERRLEN, &used, spec, strlen(spec));
	pp_append(f->err, PP_ERRLEN, &used, "'; there are %zu:", n);
	for (i = 0; i < n; i++) {
		const ProtobufCBinaryData *type = pp_profile_string(p, p->pb->sample_type[i]->type);
		pp_append(f->err, PP_ERRLEN, &used, " ");
		pp_append_escaped(f->err, PP_ERRLEN, &used, (const char *)type->data, type->len);
	}
	return PPROF_ERR_DATA;
}

/* Keeps value column i alone; it becomes the default sample type. */
bool pf_keep_column(fctx *c, size_t i)
{
	pb_profile *pb = c->pb;
	pb_value_type **types = pp_arena_alloc(c->p->arena, sizeof(*types));
	int64_t *values = pp_arena_alloc(c->p->arena, pb->n_sample * sizeof(*values) + 1);
	size_t k;

	if (!types || !values)
		return false;
	types[0] = pb->sample_type[i];
	pb->sample_type = types;
	pb->n_sample_type = 1;
	pb->default_sample_type = types[0]->type;
	for (k = 0; k < pb->n_sample; k++) {
		values[k] = pb->sample[k]->value[i];
		pb->sample[k]->value = &values[k];
		pb->sample[k]->n_value = 1;
	}
	return true;
}

/* v * factor rounded to the nearest integer, halves away from zero, within
 * the range of int64 (without libm). */
static int64_t scale_round(int64_t v, double factor)
{
	double x = (double)v * factor, t;

	if (x >= 9223372036854775807.0)
		return INT64_MAX;
	if (x <= -9223372036854775808.0)
		return INT64_MIN;
	t = (double)(int64_t)x;
	if (x - t >= 0.5)
		return (int64_t)t + 1;
	if (t - x >= 0.5)
		return (int64_t)t - 1;
	return (int64_t)t;
}

/* Multiplies every value by the filter's factor, into new arrays. */
bool pf_scale_values(fctx *c)
{
	pb_profile *pb = c->pb;
	size_t i, j, nv = pb->n_sample_type;
	int64_t *values = pp_arena_alloc(c->p->arena, pb->n_sample * nv * sizeof(*values) + 1);

	if (!values)
		return false;
	for (i = 0; i < pb->n_sample; i++, values += nv) {
		for (j = 0; j < nv; j++)
			values[j] = scale_round(pb->sample[i]->value[j], c->f->scale);
		pb->sample[i]->value = values;
	}
	return true;
}
