/*
 * filter_tags.c - the filters on labels (HACKING.md section 7): tagfocus,
 * tagignore (FilterSamplesByTag), tagshow and taghide (FilterTagsByName), as
 * google/pprof applies them. filter.c says how a filter runs.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "filter.h"

/* ---- tagfocus, tagignore (FilterSamplesByTag) -------------------------- */

/* pprof's NumLabelUnits: per key, the first unit its numeric labels give,
 * in sample order (taken before any filter, as pprof does). */
void pf_find_label_units(fctx *c)
{
	size_t i, j;

	for (i = 0; i < c->pb->n_string_table; i++)
		c->key_unit[i] = -1;
	for (i = 0; i < c->pb->n_sample; i++) {
		const pb_sample *s = c->pb->sample[i];
		for (j = 0; j < s->n_label; j++) {
			const pb_label *l = s->label[j];
			if (pp_label_kind(l) == PP_LABEL_NUM &&
			    *pp_profile_cstr(c->p, l->num_unit) && c->key_unit[l->key] < 0)
				c->key_unit[l->key] = l->num_unit;
		}
	}
}

/* The unit of a key's numeric labels, or the one pprof guesses. */
static const char *label_unit(const fctx *c, int64_t key)
{
	if (c->key_unit[key] >= 0)
		return pp_profile_cstr(c->p, c->key_unit[key]);
	return pp_guessed_label_unit(pp_profile_cstr(c->p, key));
}

/* Whether a number in unit is in the range of t. */
static bool in_range(const tag_option *t, int64_t value, const char *unit)
{
	const char *u;
	double v = pf_scale_value(value, unit, t->unit, &u);

	if (strcmp(u, t->unit) != 0)
		return false;
	switch (t->cmp) {
	case CMP_EQ: return v == t->lo;
	case CMP_GE: return v >= t->lo;
	case CMP_LE: return v <= t->lo;
	}
	return v >= t->lo && v <= t->hi;
}

/* Whether one of the regexes of tag filter t (number which) matches
 * string value i, memoised per string. */
static bool value_matches(fctx *c, const tag_option *t, int which, int64_t i)
{
	int8_t *memo = &c->tag_memo[which][i];
	size_t k;

	for (k = 0; *memo < 0 && k < t->n_res; k++)
		if (pf_re_match(c, t->res[k], pp_profile_cstr(c->p, i), pf_cstr_len(c, i)))
			*memo = 1;
	if (*memo < 0)
		*memo = 0;
	return *memo;
}

/* What pair_eq looks for. */
typedef struct {
	const fctx *c;
	label_pair want;
} pair_query;

static bool pair_eq(const void *ctx, uint32_t idx)
{
	const pair_query *q = ctx;
	const label_pair *have = &q->c->pairs.v[idx];

	return have->key == q->want.key && have->str == q->want.str;
}

/* The row of the pair memo for the key and value of l, a new one (of
 * unknowns) the first time; -1 when out of memory. */
static ptrdiff_t pair_row(fctx *c, const pb_label *l)
{
	pair_query q = { c, { l->key, l->str } };
	uint64_t hash = pp_hash_mix(pp_hash_mix(0, (uint64_t)l->key), (uint64_t)l->str);
	uint32_t i = pp_htab_find(&c->pair_index, hash, pair_eq, &q);
	size_t n = c->pairs.n, w = c->pair_width;

	if (i != UINT32_MAX)
		return i;
	if (n >= UINT32_MAX || !VEC_RESERVE(c->pairs, n + 1) ||
	    !pp_grow(&c->pair_memo, &c->pair_memo_cap, (n + 1) * w, 1) ||
	    !pp_htab_add(&c->pair_index, hash, (uint32_t)n))
		return -1;
	c->pairs.v[c->pairs.n++] = q.want;
	memset(c->pair_memo + n * w, 0xff, w);
	return (ptrdiff_t)n;
}

/* Whether re (column col of the pair memo) matches "key:value" of one of
 * the string labels, memoised per key and value; -1 when out of memory. */
static int some_label_matches(fctx *c, const pp_regex *re, size_t col, const pb_sample *s)
{
	size_t j;

	for (j = 0; j < s->n_label; j++) {
		const pb_label *l = s->label[j];
		ptrdiff_t row;
		int8_t *memo;
		if (pp_label_kind(l) != PP_LABEL_STR)
			continue;
		if ((row = pair_row(c, l)) < 0)
			return -1;
		memo = (int8_t *)&c->pair_memo[(size_t)row * c->pair_width + col];
		if (*memo < 0) {
			c->text.n = 0;
			if (!pf_sb_add(&c->text, pp_profile_cstr(c->p, l->key),
			               pf_cstr_len(c, l->key)) ||
			    !pf_sb_add(&c->text, ":", 1) ||
			    !pf_sb_add(&c->text, pp_profile_cstr(c->p, l->str),
			               pf_cstr_len(c, l->str)))
				return -1;
			*memo = pf_re_match(c, re, c->text.v, c->text.n);
		}
		if (*memo)
			return 1;
	}
	return 0;
}

/* Whether the sample matches tag filter t, number which (pprof's
 * compileTagFilter): a range matches a number of the key (of any key
 * without one); regexes match a string of the key, or without a key each
 * one some "key:value". -1 when out of memory. */
static int tag_matches(fctx *c, const tag_option *t, int which, const pb_sample *s)
{
	size_t i, j;
	int m;

	if (!t->key && !t->numeric) {
		for (i = 0; i < t->n_res; i++)
			if ((m = some_label_matches(c, t->res[i], c->pair_col[which] + i, s)) <= 0)
				return m;
		return 1;
	}
	for (j = 0; j < s->n_label; j++) {
		const pb_label *l = s->label[j];
		if (t->key && strcmp(pp_profile_cstr(c->p, l->key), t->key) != 0)
			continue;
		if (t->numeric ? pp_label_kind(l) == PP_LABEL_NUM &&
		                         in_range(t, l->num, label_unit(c, l->key))
		               : pp_label_kind(l) == PP_LABEL_STR &&
		                         value_matches(c, t, which, l->str))
			return 1;
	}
	return 0;
}

/* What keep_by_tags needs: the filters and what they matched. */
typedef struct {
	const tag_option *focus, *ignore;
	bool fm, im;
} tag_pass;

/* Keeps a sample that tagfocus matches and tagignore does not. */
static int keep_by_tags(fctx *c, pb_sample *s, void *arg)
{
	tag_pass *t = arg;
	int focused = t->focus ? tag_matches(c, t->focus, 0, s) : 1;
	int ignored = t->ignore ? tag_matches(c, t->ignore, 1, s) : 0;

	if (focused < 0 || ignored < 0)
		return FAILED;
	t->fm |= focused;
	t->im |= ignored;
	return focused && !ignored ? KEEP : DROP;
}

/* pprof's FilterSamplesByTag and its warnings. */
bool pf_filter_by_tags(fctx *c)
{
	tag_option *tags = c->f->tag;
	tag_pass t = { tags[0].text ? &tags[0] : NULL, tags[1].text ? &tags[1] : NULL, false,
		       false };

	if (!t.focus && !t.ignore)
		return true;
	if (!pf_filter_samples(c, keep_by_tags, &t))
		return false;
	if (t.focus && !t.fm)
		pf_unmatched(c, PPROF_FILTER_TAG_FOCUS, t.focus->text);
	if (t.ignore && !t.im)
		pf_unmatched(c, PPROF_FILTER_TAG_IGNORE, t.ignore->text);
	return true;
}

/* ---- tagshow, taghide (FilterTagsByName) ------------------------------ */

enum { KEY_SHOWN = 2, KEY_HIDDEN = 4 };

/* What tagshow and taghide say of a label key (KEY_* bits), memoised. */
static uint8_t key_verdict(fctx *c, int64_t key)
{
	const pp_regex *show = pf_option_re(c, PPROF_FILTER_TAG_SHOW);
	const pp_regex *hide = pf_option_re(c, PPROF_FILTER_TAG_HIDE);
	const char *name = pp_profile_cstr(c->p, key);
	size_t len = pf_cstr_len(c, key);

	if (!c->key_memo[key])
		c->key_memo[key] =
			(uint8_t)(1 | ((!show || pf_re_match(c, show, name, len)) ? KEY_SHOWN : 0) |
		                  ((hide && pf_re_match(c, hide, name, len)) ? KEY_HIDDEN : 0));
	return c->key_memo[key];
}

/* Removes the labels tagshow and taghide remove; a new array when some go. */
static int edit_label_keys(fctx *c, pb_sample *s, void *matched)
{
	uint8_t *seen = matched;
	size_t j, n = 0;
	pb_label **kept;

	for (j = 0; j < s->n_label; j++) {
		const pb_label *l = s->label[j];
		uint8_t v = key_verdict(c, l->key);
		if (pp_label_kind(l) != PP_LABEL_NONE)
			*seen |= v;
		n += (v & (KEY_SHOWN | KEY_HIDDEN)) == KEY_SHOWN;
	}
	if (n == s->n_label)
		return KEEP;
	if (!(kept = pp_arena_alloc(c->p->arena, n * sizeof(*kept) + 1)))
		return FAILED;
	for (j = 0, n = 0; j < s->n_label; j++)
		if ((key_verdict(c, s->label[j]->key) & (KEY_SHOWN | KEY_HIDDEN)) == KEY_SHOWN)
			kept[n++] = s->label[j];
	s->label = kept;
	s->n_label = n;
	return KEEP;
}

/* pprof's FilterTagsByName and its warnings. */
bool pf_filter_label_keys(fctx *c)
{
	uint8_t seen = 0;
	int i;

	if (!pf_option_re(c, PPROF_FILTER_TAG_SHOW) && !pf_option_re(c, PPROF_FILTER_TAG_HIDE))
		return true;
	memset(c->key_memo, 0, c->pb->n_string_table);
	if (!pf_filter_samples(c, edit_label_keys, &seen))
		return false;
	for (i = PPROF_FILTER_TAG_SHOW; i <= PPROF_FILTER_TAG_HIDE; i++)
		if (pf_option_re(c, i) &&
		    !(seen & (i == PPROF_FILTER_TAG_SHOW ? KEY_SHOWN : KEY_HIDDEN)))
			pf_unmatched(c, i, c->f->re[i].text);
	return true;
}
