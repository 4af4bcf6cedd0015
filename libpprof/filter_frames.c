/*
 * filter_frames.c - the filters on frames (HACKING.md section 7): focus,
 * ignore, hide, show (FilterSamplesByName), show-from and prune-from, as
 * google/pprof's profile/filter.go and prune.go apply them. filter.c says
 * how a filter runs.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "filter.h"

/* ---- focus, ignore, hide, show (FilterSamplesByName) ----------------- */

/* Marks ignored locations, then focused ones among the others. */
static void classify_locations(fctx *c, const pp_regex *focus, const pp_regex *ignore, bool *fm,
                               bool *im)
{
	size_t i;

	memset(c->loc_state, 0, c->pb->n_location);
	if (ignore) {
		pf_memo_reset(c);
		for (i = 0; i < c->pb->n_location; i++)
			if (pf_loc_matches(c, ignore, c->pb->location[i])) {
				c->loc_state[i] = LOC_IGNORED;
				*im = true;
			}
	}
	pf_memo_reset(c);
	for (i = 0; i < c->pb->n_location; i++)
		if (!c->loc_state[i] && (!focus || pf_loc_matches(c, focus, c->pb->location[i]))) {
			c->loc_state[i] = LOC_FOCUSED;
			*fm = true;
		}
}

/* Removes hidden lines; a location left without lines is hidden. */
static bool hide_lines(fctx *c, const pp_regex *hide, bool *hm, bool *any_hidden)
{
	size_t i;

	pf_memo_reset(c);
	for (i = 0; i < c->pb->n_location; i++) {
		pb_location *l = c->pb->location[i];
		if (!pf_loc_matches(c, hide, l))
			continue;
		*hm = true;
		if (pf_map_matches(c, hide, l))
			l->n_line = 0;
		else if (!pf_select_lines(c, hide, l, false))
			return false;
		if (l->n_line == 0) {
			c->loc_state[i] |= LOC_HIDDEN;
			*any_hidden = true;
		}
	}
	return true;
}

/* Keeps only shown lines; a location left without lines is hidden. */
static bool show_lines(fctx *c, const pp_regex *show, bool *hnm, bool *any_hidden)
{
	size_t i;

	pf_memo_reset(c);
	for (i = 0; i < c->pb->n_location; i++) {
		pb_location *l = c->pb->location[i];
		if (!pf_map_matches(c, show, l) && !pf_select_lines(c, show, l, true))
			return false;
		if (l->n_line == 0) {
			c->loc_state[i] |= LOC_HIDDEN;
			*any_hidden = true;
		} else {
			*hnm = true;
		}
	}
	return true;
}

/* focusedAndNotIgnored, then the sample without hidden locations. */
static int keep_by_name(fctx *c, pb_sample *s, void *any_hidden)
{
	size_t j, n = 0;
	bool focused = false;
	uint64_t *ids;

	for (j = 0; j < s->n_location_id; j++) {
		uint8_t st = pf_loc_state(c, s->location_id[j]);
		if (st & LOC_IGNORED)
			return DROP;
		focused |= (st & LOC_FOCUSED) != 0;
	}
	if (!focused)
		return DROP;
	if (!*(bool *)any_hidden)
		return KEEP;
	for (j = 0; j < s->n_location_id; j++)
		n += !(pf_loc_state(c, s->location_id[j]) & LOC_HIDDEN);
	if (n == 0 || n == s->n_location_id)
		return n ? KEEP : DROP;
	if (!(ids = pp_arena_alloc(c->p->arena, n * sizeof(*ids))))
		return FAILED;
	for (j = 0, n = 0; j < s->n_location_id; j++)
		if (!(pf_loc_state(c, s->location_id[j]) & LOC_HIDDEN))
			ids[n++] = s->location_id[j];
	s->location_id = ids;
	s->n_location_id = n;
	return KEEP;
}

/* pprof's FilterSamplesByName and its warnings. */
bool pf_filter_by_name(fctx *c)
{
	const pp_regex *focus = pf_option_re(c, PPROF_FILTER_FOCUS);
	const pp_regex *ignore = pf_option_re(c, PPROF_FILTER_IGNORE);
	const pp_regex *hide = pf_option_re(c, PPROF_FILTER_HIDE);
	const pp_regex *show = pf_option_re(c, PPROF_FILTER_SHOW);
	bool fm = false, im = false, hm = false, hnm = false, any_hidden = false;
	int i;

	if (!focus && !ignore && !hide && !show)
		return true;
	classify_locations(c, focus, ignore, &fm, &im);
	if ((hide && !hide_lines(c, hide, &hm, &any_hidden)) ||
	    (show && !show_lines(c, show, &hnm, &any_hidden)) ||
	    !pf_filter_samples(c, keep_by_name, &any_hidden))
		return false;
	for (i = PPROF_FILTER_FOCUS; i <= PPROF_FILTER_SHOW; i++)
		if (pf_option_re(c, i) && !(i == PPROF_FILTER_FOCUS    ? fm
		                            : i == PPROF_FILTER_IGNORE ? im
		                            : i == PPROF_FILTER_HIDE   ? hm
		                                                       : hnm))
			pf_unmatched(c, i, c->f->re[i].text);
	return true;
}

/* ---- show-from (ShowFrom) and prune-from (PruneFrom) ------------------ */

/* Keeps the frames of a sample up to its rootmost marked location. */
static int cut_above(fctx *c, pb_sample *s, void *unused)
{
	size_t j;

	(void)unused;
	for (j = s->n_location_id; j-- > 0;)
		if (pf_loc_state(c, s->location_id[j]) & LOC_MARKED) {
			s->n_location_id = j + 1;
			return KEEP;
		}
	return DROP;
}

/* pprof's ShowFrom: a location matches by its mapping (keeping its lines)
 * or by a line (dropping the lines above the last that matches). */
bool pf_show_from(fctx *c)
{
	const pp_regex *re = pf_option_re(c, PPROF_FILTER_SHOW_FROM);
	bool matched = false;
	size_t i, j;

	if (!re)
		return true;
	pf_memo_reset(c);
	memset(c->loc_state, 0, c->pb->n_location);
	for (i = 0; i < c->pb->n_location; i++) {
		pb_location *l = c->pb->location[i];
		if (!pf_map_matches(c, re, l)) {
			for (j = l->n_line; j > 0 && !pf_fn_matches(c, re, l->line[j - 1]); j--)
				;
			if (j == 0)
				continue;
			l->n_line = j;
		}
		c->loc_state[i] = LOC_MARKED;
		matched = true;
	}
	if (!matched)
		pf_unmatched(c, PPROF_FILTER_SHOW_FROM, c->f->re[PPROF_FILTER_SHOW_FROM].text);
	return pf_filter_samples(c, cut_above, NULL);
}

/* pprof's simplifyFunc: the name without a leading '.' and from its first
 * '(' that does not start "(anonymous namespace)" or "operator()" on. */
static const char *simplify_name(fctx *c, const char *name)
{
	size_t i = 0;

	if (*name == '.')
		name++;
	while (name[i]) {
		if (strncmp(name + i, "(anonymous namespace)", 21) == 0)
			i += 21;
		else if (strncmp(name + i, "operator()", 10) == 0)
			i += 10;
		else if (name[i] == '(')
			break;
		else
			i++;
	}
	c->text.n = 0;
	return pf_sb_add(&c->text, name, i) ? c->text.v : NULL;
}

/* Whether a line's function has a name whose simple form re matches
 * (memoised per name); -1 when out of memory. */
static int prune_matches(fctx *c, const pp_regex *re, const pb_line *ln)
{
	uint32_t i = pp_idmap_get(&c->p->functions, ln->function_id);
	int64_t k = c->pb->function[i]->name;
	const char *name = pp_profile_cstr(c->p, k), *simple;

	if (c->str_memo[k] < 0 && *name) {
		if (!(simple = simplify_name(c, name)))
			return -1;
		c->str_memo[k] = pf_re_match(c, re, simple, c->text.n);
	}
	return *name && c->str_memo[k] > 0;
}

/* Keeps the frames of a sample from its leafmost marked location on. */
static int cut_below(fctx *c, pb_sample *s, void *unused)
{
	size_t j;

	(void)unused;
	for (j = 0; j < s->n_location_id; j++)
		if (pf_loc_state(c, s->location_id[j]) & LOC_MARKED) {
			s->location_id += j;
			s->n_location_id -= j;
			break;
		}
	return KEEP;
}

/* pprof's PruneFrom: a location matches by a line, dropping the lines
 * below the first that matches. */
bool pf_prune_from(fctx *c)
{
	const pp_regex *re = pf_option_re(c, PPROF_FILTER_PRUNE_FROM);
	bool matched = false;
	size_t i, j;
	int m = 0;

	if (!re)
		return true;
	pf_memo_reset(c);
	memset(c->loc_state, 0, c->pb->n_location);
	for (i = 0; i < c->pb->n_location; i++) {
		pb_location *l = c->pb->location[i];
		for (j = 0; j < l->n_line && !(m = prune_matches(c, re, l->line[j])); j++)
			;
		if (m < 0)
			return false;
		if (j < l->n_line) {
			l->line += j;
			l->n_line -= j;
			c->loc_state[i] = LOC_MARKED;
			matched = true;
		}
	}
	if (!matched)
		pf_unmatched(c, PPROF_FILTER_PRUNE_FROM, c->f->re[PPROF_FILTER_PRUNE_FROM].text);
	return pf_filter_samples(c, cut_below, NULL);
}
