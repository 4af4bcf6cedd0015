/*
 * filter.c - google/pprof's filters (HACKING.md section 7), applied as `go tool
 * pprof` applies its options of the same names (driver.applyFocus), then
 * edits of our own, then a merge of the profile on its own.
 *
 * The steps change the profile's protobuf-c structs in place, in its arena:
 * a sample or location that loses entries gets a new array (arrays may be
 * shared: a merged profile's samples share interned stacks and label sets),
 * or the same array with a shorter count or a later start; ids stay valid.
 * The final merge (pprof_merger) drops what nothing references any more,
 * adds up samples that became the same, drops all-zero ones and numbers
 * everything afresh; its result is canonical.
 *
 * Matching follows profile/filter.go and prune.go: a regex matches a line
 * when it matches its function's name or file name, and a location when it
 * matches one of its lines or its mapping's file name. Regexes are Go's
 * (RE2's, regex.h), searched for anywhere in the text as Go's MatchString
 * does. Matching is memoised per string of the profile (many functions may
 * share one name), so that it takes time linear in the profile's strings.
 *
 * This file holds the options, the matching helpers and the applying; the
 * steps are in filter_frames.c, filter_tags.c and filter_edits.c, and the
 * frames of tagroot and tagleaf, added first, in filter_tagroot.c (filter.h).
 */
#include "config.h" /* POSIX interfaces: strdup, strndup */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

double pf_scale_value(int64_t value, const char *from, const char *to, const char **unit)
{
	double v;

	*unit = pprof_unit_scale(value, from, to, &v);
	return v;
}

/* ---- the filter and its options --------------------------------------- */

pprof_filter *pprof_filter_new(void)
{
	return calloc(1, sizeof(pprof_filter));
}

/* Unsets a regex option. */
static void free_re_option(re_option *o)
{
	pp_regex_free(o->re);
	free(o->text);
	o->text = NULL;
	o->re = NULL;
}

/* Unsets a tag filter. */
static void free_tag_option(tag_option *t)
{
	size_t i;

	for (i = 0; i < t->n_res; i++)
		pp_regex_free(t->res[i]);
	free(t->res);
	free(t->text);
	free(t->key);
	free(t->unit);
	memset(t, 0, sizeof(*t));
}

void pprof_filter_free(pprof_filter *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < PPROF_FILTER_N_OPTIONS; i++)
		free_re_option(&f->re[i]);
	free_tag_option(&f->tag[0]);
	free_tag_option(&f->tag[1]);
	for (i = 0; i < f->n_renames; i++) {
		pp_regex_free(f->renames[i].re);
		free(f->renames[i].text);
	}
	free(f->renames);
	free(f->sample_type);
	free(f->frame_keys[0]);
	free(f->frame_keys[1]);
	free(f->unmatched);
	free(f);
}

const char *pprof_filter_error(const pprof_filter *f)
{
	return f->err;
}
size_t pprof_filter_unmatched_count(const pprof_filter *f)
{
	return f->n_unmatched;
}

int pprof_filter_unmatched(const pprof_filter *f, size_t i, int *option, const char **arg)
{
	if (i >= f->n_unmatched)
		return PPROF_ERR_ARG;
	*option = f->unmatched[i].option;
	*arg = f->unmatched[i].arg;
	return PPROF_OK;
}

void pprof_filter_set_flags(pprof_filter *f, unsigned flags)
{
	f->flags = flags;
}

int pprof_filter_set_scale(pprof_filter *f, double factor)
{
	if (!isfinite(factor)) {
		pp_seterr(f->err, "the factor must be a finite number");
		return PPROF_ERR_ARG;
	}
	f->scale = factor;
	f->scaled = true;
	return PPROF_OK;
}

/* Compiles regex text into *re, or says why not (in RE2's words). */
static int compile_re(pprof_filter *f, pp_regex **re, const char *text)
{
	char why[200];
	int rc = pp_regex_compile(text, re, why, sizeof(why));

	if (rc == PP_REGEX_OK)
		return PPROF_OK;
	if (rc == PP_REGEX_NOMEM) {
		pp_seterr(f->err, "out of memory");
		return PPROF_ERR_NOMEM;
	}
	pp_seterr(f->err, "invalid regular expression '%s': %s", text, why);
	return PPROF_ERR_ARG;
}

/* Sets an option that is one regex; "" unsets it, as in pprof. */
static int set_re_option(pprof_filter *f, re_option *o, const char *arg)
{
	re_option new_o = { NULL, NULL };
	int rc;

	if (*arg) {
		if ((rc = compile_re(f, &new_o.re, arg)) != PPROF_OK)
			return rc;
		if (!(new_o.text = strdup(arg))) {
			pp_regex_free(new_o.re);
			goto nomem;
		}
	}
	free_re_option(o);
	*o = new_o;
	return PPROF_OK;
nomem:
	pp_seterr(f->err, "out of memory");
	return PPROF_ERR_NOMEM;
}

/* ---- numeric ranges of tag filters (parseTagFilterRange) ------------- */

/* One match of pprof's ([+-]?[[:digit:]]+)([[:alpha:]]+)? in a filter. */
typedef struct {
	const char *start; /* the whole match */
	size_t len;
	size_t digits; /* sign and digits: start[0..digits) */
} range_token;

/* ASCII classes, as RE2's [[:digit:]] and [[:alpha:]]. */
bool pf_is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}
static bool is_alpha(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* The leftmost match at or after *pos, which moves past it. */
static bool next_range_token(const char **pos, range_token *t)
{
	const char *s;

	for (s = *pos; *s; s++)
		if (pf_is_digit(s[0]) || ((s[0] == '+' || s[0] == '-') && pf_is_digit(s[1])))
			break;
	if (!*s)
		return false;
	t->start = s++;
	while (pf_is_digit(*s))
		s++;
	t->digits = (size_t)(s - t->start);
	while (is_alpha(*s))
		s++;
	t->len = (size_t)(s - t->start);
	*pos = s;
	return true;
}

/* The number and unit of a token; false when the number is out of range
 * (where pprof panics). */
static bool token_value(const range_token *t, int64_t *value, char *unit, size_t unit_size)
{
	char digits[32];
	size_t ulen = t->len - t->digits;
	long long v;
	char *end;

	if (t->digits >= sizeof(digits) || ulen >= unit_size)
		return false;
	memcpy(digits, t->start, t->digits);
	digits[t->digits] = '\0';
	errno = 0;
	v = strtoll(digits, &end, 10);
	if (errno)
		return false;
	memcpy(unit, t->start + t->digits, ulen);
	unit[ulen] = '\0';
	*value = v;
	return true;
}

enum { NOT_RANGE, RANGE_OK, RANGE_BAD, RANGE_NOMEM };

/* The form of a filter with one token: "32kb", "4mb:", ":64kb", or none. */
static bool one_token_form(const char *text, const range_token *t, int *cmp)
{
	size_t len = strlen(text);

	if (t->start == text && t->len == len)
		*cmp = CMP_EQ;
	else if (t->start == text && t->len + 1 == len && text[len - 1] == ':')
		*cmp = CMP_GE;
	else if (text[0] == ':' && t->start == text + 1 && t->len + 1 == len)
		*cmp = CMP_LE;
	else
		return false;
	return true;
}

/* Parses text as pprof's parseTagFilterRange does. A range pprof would not
 * take for one (its units differ) or that would panic pprof (a number out
 * of range) or that holds nothing is RANGE_BAD here, with f's error set. */
static int parse_range(pprof_filter *f, const char *text, tag_option *t)
{
	const char *pos = text, *unit;
	range_token tok[2];
	char u0[32], u1[32];
	int64_t v0, v1;
	size_t n = 0;

	while (n < 2 && next_range_token(&pos, &tok[n]))
		n++;
	if (n == 0 || (n == 1 && !one_token_form(text, &tok[0], &t->cmp)))
		return NOT_RANGE;
	if (n == 2 && !(tok[0].start == text && text[tok[0].len] == ':' &&
	                tok[1].start == text + tok[0].len + 1 && tok[1].start[tok[1].len] == '\0'))
		return NOT_RANGE;
	if (!token_value(&tok[0], &v0, u0, sizeof(u0)) ||
	    (n == 2 && !token_value(&tok[1], &v1, u1, sizeof(u1)))) {
		pp_seterr(f->err, "invalid range '%s': number or unit too large", text);
		return RANGE_BAD;
	}
	t->lo = pf_scale_value(v0, u0, u0, &unit);
	if (!(t->unit = strdup(unit)))
		return RANGE_NOMEM;
	if (n == 1)
		return RANGE_OK;
	t->cmp = CMP_RANGE;
	t->hi = pf_scale_value(v1, u1, t->unit, &unit);
	if (strcmp(unit, t->unit) != 0) {
		pp_seterr(f->err, "invalid range '%s': units %s and %s differ", text,
		          *t->unit ? t->unit : "(none)", *unit ? unit : "(none)");
		return RANGE_BAD;
	}
	if (t->hi < t->lo) {
		pp_seterr(f->err, "invalid range '%s': the start is above the end", text);
		return RANGE_BAD;
	}
	return RANGE_OK;
}

/* Compiles the comma-separated regexes of a tag filter. */
static int compile_tag_regexes(pprof_filter *f, tag_option *t, const char *value)
{
	size_t n = 1, len;
	const char *s;
	char *one;
	int rc;

	for (s = value; *s; s++)
		n += *s == ',';
	if (!(t->res = calloc(n, sizeof(*t->res))))
		return PPROF_ERR_NOMEM;
	for (s = value; t->n_res < n; s += len + 1) {
		len = strcspn(s, ",");
		if (!(one = strndup(s, len)))
			return PPROF_ERR_NOMEM;
		rc = compile_re(f, &t->res[t->n_res], one);
		free(one);
		if (rc != PPROF_OK)
			return rc;
		t->n_res++;
	}
	return PPROF_OK;
}

/* Compiles a tag filter as pprof's compileTagFilter: KEY=VALUE or VALUE;
 * VALUE a numeric range or comma-separated regexes. */
static int compile_tag(pprof_filter *f, tag_option *t, const char *arg)
{
	const char *eq = strchr(arg, '='), *value = eq ? eq + 1 : arg;
	int range;

	if (!(t->text = strdup(arg)))
		return PPROF_ERR_NOMEM;
	if (eq && eq > arg && !(t->key = strndup(arg, (size_t)(eq - arg))))
		return PPROF_ERR_NOMEM;
	range = parse_range(f, value, t);
	if (range == RANGE_BAD || range == RANGE_NOMEM)
		return range == RANGE_BAD ? PPROF_ERR_ARG : PPROF_ERR_NOMEM;
	t->numeric = range == RANGE_OK;
	return t->numeric ? PPROF_OK : compile_tag_regexes(f, t, value);
}

/* Sets --tagfocus or --tagignore; "" unsets it. */
static int set_tag_option(pprof_filter *f, tag_option *t, const char *arg)
{
	tag_option new_t;
	int rc = PPROF_OK;

	memset(&new_t, 0, sizeof(new_t));
	if (*arg && (rc = compile_tag(f, &new_t, arg)) != PPROF_OK) {
		if (rc == PPROF_ERR_NOMEM)
			pp_seterr(f->err, "out of memory");
		free_tag_option(&new_t);
		return rc;
	}
	free_tag_option(t);
	*t = new_t;
	return PPROF_OK;
}

/* Checks the \N of a replacement against the groups of re. */
static int check_replacement(pprof_filter *f, const char *repl, size_t groups)
{
	const char *s;

	for (s = repl; *s; s++) {
		if (*s != '\\')
			continue;
		s++;
		if (pf_is_digit(*s) && (size_t)(*s - '0') <= groups)
			continue;
		if (*s == '\\')
			continue;
		if (pf_is_digit(*s))
			pp_seterr(f->err,
			          "'\\%c' in the replacement, but the expression has %zu "
			          "group%s",
			          *s, groups, groups == 1 ? "" : "s");
		else
			pp_seterr(f->err, "'\\' in the replacement must be followed by a digit or "
			                  "'\\'");
		return PPROF_ERR_ARG;
	}
	return PPROF_OK;
}

/* Adds a REGEX=REPLACEMENT rule (split at the first '='). */
static int add_rename(pprof_filter *f, const char *arg)
{
	const char *eq = strchr(arg, '=');
	rename_rule r, *grown;
	char *pattern;
	int rc;

	if (!eq || eq == arg) {
		pp_seterr(f->err, "'%s' is not REGEX=REPLACEMENT", arg);
		return PPROF_ERR_ARG;
	}
	if (!(pattern = strndup(arg, (size_t)(eq - arg))))
		goto nomem;
	rc = compile_re(f, &r.re, pattern);
	free(pattern);
	if (rc != PPROF_OK)
		return rc;
	if ((rc = check_replacement(f, eq + 1, pp_regex_groups(r.re))) != PPROF_OK) {
		pp_regex_free(r.re);
		return rc;
	}
	r.text = strdup(arg);
	grown = realloc(f->renames, (f->n_renames + 1) * sizeof(*grown));
	if (!r.text || !grown) {
		free(r.text);
		pp_regex_free(r.re);
		if (grown)
			f->renames = grown;
		goto nomem;
	}
	r.replacement = r.text + (eq - arg) + 1;
	f->renames = grown;
	f->renames[f->n_renames++] = r;
	return PPROF_OK;
nomem:
	pp_seterr(f->err, "out of memory");
	return PPROF_ERR_NOMEM;
}

/* Sets an option kept as text: a copy of arg, or NULL for "". */
static int set_text(pprof_filter *f, char **text, const char *arg)
{
	char *copy = *arg ? strdup(arg) : NULL;

	if (*arg && !copy) {
		pp_seterr(f->err, "out of memory");
		return PPROF_ERR_NOMEM;
	}
	free(*text);
	*text = copy;
	return PPROF_OK;
}

int pprof_filter_set(pprof_filter *f, int option, const char *arg)
{
	switch (option) {
	case PPROF_FILTER_FOCUS:
	case PPROF_FILTER_IGNORE:
	case PPROF_FILTER_HIDE:
	case PPROF_FILTER_SHOW:
	case PPROF_FILTER_SHOW_FROM:
	case PPROF_FILTER_PRUNE_FROM:
	case PPROF_FILTER_TAG_SHOW:
	case PPROF_FILTER_TAG_HIDE: return set_re_option(f, &f->re[option], arg);
	case PPROF_FILTER_TAG_FOCUS:
	case PPROF_FILTER_TAG_IGNORE:
		return set_tag_option(f, &f->tag[option - PPROF_FILTER_TAG_FOCUS], arg);
	case PPROF_FILTER_RENAME: return add_rename(f, arg);
	case PPROF_FILTER_SAMPLE_TYPE: return set_text(f, &f->sample_type, arg);
	case PPROF_FILTER_TAG_ROOT:
	case PPROF_FILTER_TAG_LEAF:
		return set_text(f, &f->frame_keys[option - PPROF_FILTER_TAG_ROOT], arg);
	}
	pp_seterr(f->err, "unknown filter option %d", option);
	return PPROF_ERR_ARG;
}

/* ---- applying: the context and matching ------------------------------- */

/* The length of string i of the profile. */
size_t pf_cstr_len(const fctx *c, int64_t i)
{
	return pp_profile_string(c->p, i)->len;
}

/* Whether re matches somewhere in text[0..len); false, and c->nomem set,
 * when out of memory. */
bool pf_re_match(fctx *c, const pp_regex *re, const char *text, size_t len)
{
	int m = pp_regex_match(re, text, len);

	if (m < 0)
		c->nomem = true;
	return m > 0;
}

/* Whether re, the regex of the current step, matches string i. */
static bool str_matches(fctx *c, const pp_regex *re, int64_t i)
{
	if (c->str_memo[i] < 0)
		c->str_memo[i] = pf_re_match(c, re, pp_profile_cstr(c->p, i), pf_cstr_len(c, i));
	return c->str_memo[i];
}

/* Appends len bytes to b, keeping a NUL after them. */
bool pf_sb_add(strbuf *b, const char *data, size_t len)
{
	if (!pp_grow(&b->v, &b->cap, b->n + len + 1, 1))
		return false;
	memcpy(b->v + b->n, data, len);
	b->n += len;
	b->v[b->n] = '\0';
	return true;
}

/* Forgets what the string memo knows (a new regex). */
void pf_memo_reset(fctx *c)
{
	memset(c->str_memo, -1, c->pb->n_string_table);
}

/* Whether re matches the function of line ln: its name or its file name. */
bool pf_fn_matches(fctx *c, const pp_regex *re, const pb_line *ln)
{
	uint32_t i = pp_idmap_get(&c->p->functions, ln->function_id);
	const pb_function *fn = c->pb->function[i];

	return str_matches(c, re, fn->name) || str_matches(c, re, fn->filename);
}

/* Whether re matches the file of the location's mapping. */
bool pf_map_matches(fctx *c, const pp_regex *re, const pb_location *l)
{
	uint32_t i;

	if (!l->mapping_id)
		return false;
	i = pp_idmap_get(&c->p->mappings, l->mapping_id);
	return str_matches(c, re, c->pb->mapping[i]->filename);
}

/* pprof's Location.matchesName. */
bool pf_loc_matches(fctx *c, const pp_regex *re, const pb_location *l)
{
	size_t j;

	for (j = 0; j < l->n_line; j++)
		if (pf_fn_matches(c, re, l->line[j]))
			return true;
	return pf_map_matches(c, re, l);
}

/* Keeps the lines of l whose function matches re (want) or does not
 * (!want), in a new array if that is fewer; false when out of memory. */
bool pf_select_lines(fctx *c, const pp_regex *re, pb_location *l, bool want)
{
	size_t j, n = 0;
	pb_line **kept;

	for (j = 0; j < l->n_line; j++)
		n += pf_fn_matches(c, re, l->line[j]) == want;
	if (n == l->n_line)
		return true;
	if (!(kept = pp_arena_alloc(c->p->arena, n * sizeof(*kept) + 1)))
		return false;
	for (j = 0, n = 0; j < l->n_line; j++)
		if (pf_fn_matches(c, re, l->line[j]) == want)
			kept[n++] = l->line[j];
	l->line = kept;
	l->n_line = n;
	return true;
}

/* The LOC_* marks of the location with this id. */
uint8_t pf_loc_state(const fctx *c, uint64_t id)
{
	return c->loc_state[pp_idmap_get(&c->p->locations, id)];
}

/* Keeps the samples fn says KEEP to, in order; false when fn FAILED. */
bool pf_filter_samples(fctx *c, int (*fn)(fctx *, pb_sample *, void *), void *arg)
{
	pb_profile *pb = c->pb;
	size_t i, n = 0;

	for (i = 0; i < pb->n_sample; i++) {
		int r = fn(c, pb->sample[i], arg);
		if (r == FAILED)
			return false;
		if (r == KEEP)
			pb->sample[n++] = pb->sample[i];
	}
	pb->n_sample = n;
	return true;
}

/* Records that an option matched nothing. */
void pf_unmatched(fctx *c, int option, const char *arg)
{
	unmatched_rec *r = &c->f->unmatched[c->f->n_unmatched++];

	r->option = option;
	r->arg = arg;
}

/* The regex of an option, or NULL when it is not set. */
const pp_regex *pf_option_re(const fctx *c, int option)
{
	return c->f->re[option].re;
}

/* ---- applying ---------------------------------------------------------- */

/* Allocates the memos of the tag filters: per string for one with a key
 * and regexes, per label for one without. */
static bool tag_memos_init(fctx *c)
{
	size_t n = c->pb->n_string_table;
	int k;

	for (k = 0; k < 2; k++) {
		const tag_option *t = &c->f->tag[k];
		if (!t->text || t->numeric)
			continue;
		if (!t->key) {
			c->pair_col[k] = c->pair_width;
			c->pair_width += t->n_res;
		} else if (!(c->tag_memo[k] = malloc(n + 1))) {
			return false;
		} else {
			memset(c->tag_memo[k], -1, n);
		}
	}
	return true;
}

/* Allocates the tables of c for profile p. */
static bool ctx_init(fctx *c, pprof_filter *f, pprof_profile *p)
{
	const pb_profile *pb = p->pb;

	memset(c, 0, sizeof(*c));
	c->f = f;
	c->p = p;
	c->pb = p->pb;
	c->str_memo = malloc(pb->n_string_table + 1);
	c->loc_state = malloc(pb->n_location + 1);
	c->key_memo = malloc(pb->n_string_table + 1);
	if (f->tag[0].numeric || f->tag[1].numeric)
		c->key_unit = malloc(pb->n_string_table * sizeof(*c->key_unit) + 1);
	return c->str_memo && c->loc_state && c->key_memo &&
	       (c->key_unit || !(f->tag[0].numeric || f->tag[1].numeric)) && tag_memos_init(c);
}

/* Frees the tables of c (not the profile). */
static void ctx_free(fctx *c)
{
	free(c->str_memo);
	free(c->tag_memo[0]);
	free(c->tag_memo[1]);
	VEC_FREE(c->pairs);
	free(c->pair_memo);
	pp_htab_free(&c->pair_index);
	free(c->loc_state);
	free(c->key_memo);
	free(c->key_unit);
	free(c->text.v);
	free(c->added);
}

/* The steps, in order: pprof's (driver.applyFocus), then ours. (The frames
 * of tagroot and tagleaf come before, in filter_work_copy: they add
 * strings, functions and locations, which the tables of c count.) */
static bool run_steps(fctx *c, size_t column)
{
	static bool (*const pprof_steps[])(fctx *) = {
		pf_filter_by_name,    pf_show_from,  pf_filter_by_tags,
		pf_filter_label_keys, pf_prune_from, pf_rename_functions,
	};
	size_t i;

	if (c->key_unit)
		pf_find_label_units(c);
	for (i = 0; i < sizeof(pprof_steps) / sizeof(pprof_steps[0]); i++)
		if (!pprof_steps[i](c) || c->nomem)
			return false;
	if (c->f->flags & PPROF_FILTER_DROP_LABELS)
		pf_drop_labels(c);
	if (c->f->flags & PPROF_FILTER_DROP_ADDRESSES)
		pf_drop_addresses(c);
	if (c->f->sample_type && !pf_keep_column(c, column))
		return false;
	return !c->f->scaled || pf_scale_values(c);
}

/* Runs the steps on w, a work copy, then merges it on its own, replacing w. */
static int filter_work_copy(pprof_filter *f, pprof_profile **w, size_t column)
{
	bool pgo = f->flags & PPROF_FILTER_PGO;
	pprof_merger *m = NULL;
	pprof_profile *out = NULL;
	fctx c;
	bool ok;
	int rc;

	memset(&c, 0, sizeof(c));
	ok = (!f->frame_keys[0] && !f->frame_keys[1]) || pf_add_label_frames(f, *w);
	ok = ok && ctx_init(&c, f, *w) && run_steps(&c, column);
	ctx_free(&c);
	if (!ok) {
		pp_seterr(f->err, "out of memory");
		return PPROF_ERR_NOMEM;
	}
	if (pgo && (rc = pp_pgo_reduce(*w, f->err)) != PPROF_OK)
		return rc;
	rc = pp_merge_alone(&m, *w, pgo, &out, f->err);
	pprof_merger_free(m);
	if (rc == PPROF_OK) {
		pprof_profile_free(*w);
		*w = out;
	}
	return rc;
}

/* The steps change the profile in place: they run on a work copy, so that
 * *pp stays as it was when one fails. */
int pprof_filter_apply(pprof_filter *f, pprof_profile **pp)
{
	pprof_profile *w;
	size_t column = 0;
	int rc;

	f->n_unmatched = 0;
	free(f->unmatched);
	f->unmatched = malloc((PPROF_FILTER_N_OPTIONS + f->n_renames) * sizeof(*f->unmatched));
	if (f->sample_type && (rc = pf_find_sample_type(f, *pp, &column)) != PPROF_OK)
		return rc;
	if (!f->unmatched || !(w = pp_profile_work_copy(*pp))) {
		pp_seterr(f->err, "out of memory");
		return PPROF_ERR_NOMEM;
	}
	rc = filter_work_copy(f, &w, column);
	if (rc != PPROF_OK) {
		pprof_profile_free(w);
		return rc;
	}
	pprof_profile_free(*pp);
	*pp = w;
	return PPROF_OK;
}
