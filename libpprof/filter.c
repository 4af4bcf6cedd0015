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
 */
#include "config.h"   /* POSIX interfaces: strdup, strndup */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "regex.h"

static double scale_value(int64_t value, const char *from, const char *to, const char **unit)
{
	double v;

	*unit = pprof_unit_scale(value, from, to, &v);
	return v;
}

/* ---- the filter and its options --------------------------------------- */

typedef struct {
	char *text;          /* as set; NULL when not set */
	pp_regex *re;
} re_option;

enum { CMP_EQ, CMP_GE, CMP_LE, CMP_RANGE };

/* A --tagfocus or --tagignore, compiled as pprof's compileTagFilter. */
typedef struct {
	char *text;          /* as set; NULL when not set */
	char *key;           /* KEY of KEY=..., NULL for any key */
	bool numeric;
	int cmp;             /* numeric: CMP_* against lo (and hi) */
	double lo, hi;
	char *unit;          /* numeric: the unit lo and hi are in */
	pp_regex **res;      /* otherwise the regexes */
	size_t n_res;
} tag_option;

typedef struct {
	char *text;          /* REGEX=REPLACEMENT as set */
	const char *replacement;
	pp_regex *re;
} rename_rule;

typedef struct {
	int option;
	const char *arg;
} unmatched_rec;

struct pprof_filter {
	re_option re[PPROF_FILTER_N_OPTIONS];   /* the options that are one regex */
	tag_option tag[2];                       /* TAG_FOCUS, TAG_IGNORE */
	rename_rule *renames;
	size_t n_renames;
	char *sample_type;
	double scale;
	bool scaled;
	unsigned flags;
	unmatched_rec *unmatched;                /* of the last apply */
	size_t n_unmatched;
	char err[PP_ERRLEN];
};

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
	free(f->unmatched);
	free(f);
}

const char *pprof_filter_error(const pprof_filter *f) { return f->err; }
size_t pprof_filter_unmatched_count(const pprof_filter *f) { return f->n_unmatched; }

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
	const char *start;   /* the whole match */
	size_t len;
	size_t digits;       /* sign and digits: start[0..digits) */
} range_token;

/* ASCII classes, as RE2's [[:digit:]] and [[:alpha:]]. */
static bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }
static bool is_alpha(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }

/* The leftmost match at or after *pos, which moves past it. */
static bool next_range_token(const char **pos, range_token *t)
{
	const char *s;

	for (s = *pos; *s; s++)
		if (is_digit(s[0]) || ((s[0] == '+' || s[0] == '-') && is_digit(s[1])))
			break;
	if (!*s)
		return false;
	t->start = s++;
	while (is_digit(*s))
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
	t->lo = scale_value(v0, u0, u0, &unit);
	if (!(t->unit = strdup(unit)))
		return RANGE_NOMEM;
	if (n == 1)
		return RANGE_OK;
	t->cmp = CMP_RANGE;
	t->hi = scale_value(v1, u1, t->unit, &unit);
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
		if (is_digit(*s) && (size_t)(*s - '0') <= groups)
			continue;
		if (*s == '\\')
			continue;
		if (is_digit(*s))
			pp_seterr(f->err, "'\\%c' in the replacement, but the expression has %zu "
			          "group%s", *s, groups, groups == 1 ? "" : "s");
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

int pprof_filter_set(pprof_filter *f, int option, const char *arg)
{
	char *copy;

	switch (option) {
	case PPROF_FILTER_FOCUS: case PPROF_FILTER_IGNORE: case PPROF_FILTER_HIDE:
	case PPROF_FILTER_SHOW: case PPROF_FILTER_SHOW_FROM: case PPROF_FILTER_PRUNE_FROM:
	case PPROF_FILTER_TAG_SHOW: case PPROF_FILTER_TAG_HIDE:
		return set_re_option(f, &f->re[option], arg);
	case PPROF_FILTER_TAG_FOCUS: case PPROF_FILTER_TAG_IGNORE:
		return set_tag_option(f, &f->tag[option - PPROF_FILTER_TAG_FOCUS], arg);
	case PPROF_FILTER_RENAME:
		return add_rename(f, arg);
	case PPROF_FILTER_SAMPLE_TYPE:
		copy = *arg ? strdup(arg) : NULL;
		if (*arg && !copy) {
			pp_seterr(f->err, "out of memory");
			return PPROF_ERR_NOMEM;
		}
		free(f->sample_type);
		f->sample_type = copy;
		return PPROF_OK;
	}
	pp_seterr(f->err, "unknown filter option %d", option);
	return PPROF_ERR_ARG;
}

/* ---- applying: the context and matching ------------------------------- */

/* Per-location marks of the name filters. */
enum { LOC_FOCUSED = 1, LOC_IGNORED = 2, LOC_HIDDEN = 4, LOC_MARKED = 8 };
/* Sample callbacks' answers. */
enum { DROP = 0, KEEP = 1, FAILED = -1 };

typedef struct {
	char *v;
	size_t n, cap;
} strbuf;

/* A label's key and string value, as indices. */
typedef struct {
	int64_t key, str;
} label_pair;

/* What applying a filter to one profile works with; tables by index. */
typedef struct {
	pprof_filter *f;
	pprof_profile *p;
	pb_profile *pb;
	bool nomem;            /* a match ran out of memory: the apply fails */
	int8_t *str_memo;      /* per string: -1 unknown, else whether the
	                          regex of the current step matches it */
	int8_t *tag_memo[2];   /* per string, for a tag filter with a key: -1
	                          unknown, else whether its regexes match it */
	VEC(label_pair) pairs; /* for a tag filter without one: the labels seen, */
	uint8_t *pair_memo;    /* whether each of its regexes matches each one: */
	size_t pair_memo_cap;  /* int8s, -1 unknown; a row of pair_width per */
	size_t pair_width;     /* pair, tag filter k's from column pair_col[k] */
	size_t pair_col[2];
	pp_htab pair_index;
	uint8_t *loc_state;    /* per location: LOC_* */
	uint8_t *key_memo;     /* per string: 0 unknown, else 1 + TAG_* bits */
	int64_t *key_unit;     /* per string, as a key: the unit of its numeric
	                          labels (pprof's NumLabelUnits), -1 for none */
	strbuf text;           /* scratch */
	ProtobufCBinaryData *added;   /* strings to add to the table */
	size_t n_added, cap_added;
} fctx;

/* String i of the profile as a C string. */
static const char *cstr(const fctx *c, int64_t i)
{
	const ProtobufCBinaryData *s = pp_profile_string(c->p, i);

	return s->len ? (const char *)s->data : "";
}

/* The length of string i of the profile. */
static size_t cstr_len(const fctx *c, int64_t i)
{
	return pp_profile_string(c->p, i)->len;
}

/* Whether re matches somewhere in text[0..len); false, and c->nomem set,
 * when out of memory. */
static bool re_match(fctx *c, const pp_regex *re, const char *text, size_t len)
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
		c->str_memo[i] = re_match(c, re, cstr(c, i), cstr_len(c, i));
	return c->str_memo[i];
}

/* Appends len bytes to b, keeping a NUL after them. */
static bool sb_add(strbuf *b, const char *data, size_t len)
{
	if (!pp_grow(&b->v, &b->cap, b->n + len + 1, 1))
		return false;
	memcpy(b->v + b->n, data, len);
	b->n += len;
	b->v[b->n] = '\0';
	return true;
}

/* Forgets what the string memo knows (a new regex). */
static void memo_reset(fctx *c)
{
	memset(c->str_memo, -1, c->pb->n_string_table);
}

/* Whether re matches the function of line ln: its name or its file name. */
static bool fn_matches(fctx *c, const pp_regex *re, const pb_line *ln)
{
	uint32_t i = pp_idmap_get(&c->p->functions, ln->function_id);
	const pb_function *fn = c->pb->function[i];

	return str_matches(c, re, fn->name) || str_matches(c, re, fn->filename);
}

/* Whether re matches the file of the location's mapping. */
static bool map_matches(fctx *c, const pp_regex *re, const pb_location *l)
{
	uint32_t i;

	if (!l->mapping_id)
		return false;
	i = pp_idmap_get(&c->p->mappings, l->mapping_id);
	return str_matches(c, re, c->pb->mapping[i]->filename);
}

/* pprof's Location.matchesName. */
static bool loc_matches(fctx *c, const pp_regex *re, const pb_location *l)
{
	size_t j;

	for (j = 0; j < l->n_line; j++)
		if (fn_matches(c, re, l->line[j]))
			return true;
	return map_matches(c, re, l);
}

/* Keeps the lines of l whose function matches re (want) or does not
 * (!want), in a new array if that is fewer; false when out of memory. */
static bool select_lines(fctx *c, const pp_regex *re, pb_location *l, bool want)
{
	size_t j, n = 0;
	pb_line **kept;

	for (j = 0; j < l->n_line; j++)
		n += fn_matches(c, re, l->line[j]) == want;
	if (n == l->n_line)
		return true;
	if (!(kept = pp_arena_alloc(c->p->arena, n * sizeof(*kept) + 1)))
		return false;
	for (j = 0, n = 0; j < l->n_line; j++)
		if (fn_matches(c, re, l->line[j]) == want)
			kept[n++] = l->line[j];
	l->line = kept;
	l->n_line = n;
	return true;
}

/* The LOC_* marks of the location with this id. */
static uint8_t loc_state(const fctx *c, uint64_t id)
{
	return c->loc_state[pp_idmap_get(&c->p->locations, id)];
}

/* Keeps the samples fn says KEEP to, in order; false when fn FAILED. */
static bool filter_samples(fctx *c, int (*fn)(fctx *, pb_sample *, void *), void *arg)
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
static void unmatched(fctx *c, int option, const char *arg)
{
	unmatched_rec *r = &c->f->unmatched[c->f->n_unmatched++];

	r->option = option;
	r->arg = arg;
}

/* The regex of an option, or NULL when it is not set. */
static const pp_regex *option_re(const fctx *c, int option)
{
	return c->f->re[option].re;
}

/* ---- focus, ignore, hide, show (FilterSamplesByName) ----------------- */

/* Marks ignored locations, then focused ones among the others. */
static void classify_locations(fctx *c, const pp_regex *focus, const pp_regex *ignore,
                               bool *fm, bool *im)
{
	size_t i;

	memset(c->loc_state, 0, c->pb->n_location);
	if (ignore) {
		memo_reset(c);
		for (i = 0; i < c->pb->n_location; i++)
			if (loc_matches(c, ignore, c->pb->location[i])) {
				c->loc_state[i] = LOC_IGNORED;
				*im = true;
			}
	}
	memo_reset(c);
	for (i = 0; i < c->pb->n_location; i++)
		if (!c->loc_state[i] && (!focus || loc_matches(c, focus, c->pb->location[i]))) {
			c->loc_state[i] = LOC_FOCUSED;
			*fm = true;
		}
}

/* Removes hidden lines; a location left without lines is hidden. */
static bool hide_lines(fctx *c, const pp_regex *hide, bool *hm, bool *any_hidden)
{
	size_t i;

	memo_reset(c);
	for (i = 0; i < c->pb->n_location; i++) {
		pb_location *l = c->pb->location[i];
		if (!loc_matches(c, hide, l))
			continue;
		*hm = true;
		if (map_matches(c, hide, l))
			l->n_line = 0;
		else if (!select_lines(c, hide, l, false))
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

	memo_reset(c);
	for (i = 0; i < c->pb->n_location; i++) {
		pb_location *l = c->pb->location[i];
		if (!map_matches(c, show, l) && !select_lines(c, show, l, true))
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
		uint8_t st = loc_state(c, s->location_id[j]);
		if (st & LOC_IGNORED)
			return DROP;
		focused |= (st & LOC_FOCUSED) != 0;
	}
	if (!focused)
		return DROP;
	if (!*(bool *)any_hidden)
		return KEEP;
	for (j = 0; j < s->n_location_id; j++)
		n += !(loc_state(c, s->location_id[j]) & LOC_HIDDEN);
	if (n == 0 || n == s->n_location_id)
		return n ? KEEP : DROP;
	if (!(ids = pp_arena_alloc(c->p->arena, n * sizeof(*ids))))
		return FAILED;
	for (j = 0, n = 0; j < s->n_location_id; j++)
		if (!(loc_state(c, s->location_id[j]) & LOC_HIDDEN))
			ids[n++] = s->location_id[j];
	s->location_id = ids;
	s->n_location_id = n;
	return KEEP;
}

/* pprof's FilterSamplesByName and its warnings. */
static bool filter_by_name(fctx *c)
{
	const pp_regex *focus = option_re(c, PPROF_FILTER_FOCUS);
	const pp_regex *ignore = option_re(c, PPROF_FILTER_IGNORE);
	const pp_regex *hide = option_re(c, PPROF_FILTER_HIDE);
	const pp_regex *show = option_re(c, PPROF_FILTER_SHOW);
	bool fm = false, im = false, hm = false, hnm = false, any_hidden = false;
	int i;

	if (!focus && !ignore && !hide && !show)
		return true;
	classify_locations(c, focus, ignore, &fm, &im);
	if ((hide && !hide_lines(c, hide, &hm, &any_hidden)) ||
	    (show && !show_lines(c, show, &hnm, &any_hidden)) ||
	    !filter_samples(c, keep_by_name, &any_hidden))
		return false;
	for (i = PPROF_FILTER_FOCUS; i <= PPROF_FILTER_SHOW; i++)
		if (option_re(c, i) && !(i == PPROF_FILTER_FOCUS ? fm : i == PPROF_FILTER_IGNORE ? im
		                         : i == PPROF_FILTER_HIDE ? hm : hnm))
			unmatched(c, i, c->f->re[i].text);
	return true;
}

/* ---- show-from (ShowFrom) and prune-from (PruneFrom) ------------------ */

/* Keeps the frames of a sample up to its rootmost marked location. */
static int cut_above(fctx *c, pb_sample *s, void *unused)
{
	size_t j;

	(void)unused;
	for (j = s->n_location_id; j-- > 0;)
		if (loc_state(c, s->location_id[j]) & LOC_MARKED) {
			s->n_location_id = j + 1;
			return KEEP;
		}
	return DROP;
}

/* pprof's ShowFrom: a location matches by its mapping (keeping its lines)
 * or by a line (dropping the lines above the last that matches). */
static bool show_from(fctx *c)
{
	const pp_regex *re = option_re(c, PPROF_FILTER_SHOW_FROM);
	bool matched = false;
	size_t i, j;

	if (!re)
		return true;
	memo_reset(c);
	memset(c->loc_state, 0, c->pb->n_location);
	for (i = 0; i < c->pb->n_location; i++) {
		pb_location *l = c->pb->location[i];
		if (!map_matches(c, re, l)) {
			for (j = l->n_line; j > 0 && !fn_matches(c, re, l->line[j - 1]); j--)
				;
			if (j == 0)
				continue;
			l->n_line = j;
		}
		c->loc_state[i] = LOC_MARKED;
		matched = true;
	}
	if (!matched)
		unmatched(c, PPROF_FILTER_SHOW_FROM, c->f->re[PPROF_FILTER_SHOW_FROM].text);
	return filter_samples(c, cut_above, NULL);
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
	return sb_add(&c->text, name, i) ? c->text.v : NULL;
}

/* Whether a line's function has a name whose simple form re matches
 * (memoised per name); -1 when out of memory. */
static int prune_matches(fctx *c, const pp_regex *re, const pb_line *ln)
{
	uint32_t i = pp_idmap_get(&c->p->functions, ln->function_id);
	int64_t k = c->pb->function[i]->name;
	const char *name = cstr(c, k), *simple;

	if (c->str_memo[k] < 0 && *name) {
		if (!(simple = simplify_name(c, name)))
			return -1;
		c->str_memo[k] = re_match(c, re, simple, c->text.n);
	}
	return *name && c->str_memo[k] > 0;
}

/* Keeps the frames of a sample from its leafmost marked location on. */
static int cut_below(fctx *c, pb_sample *s, void *unused)
{
	size_t j;

	(void)unused;
	for (j = 0; j < s->n_location_id; j++)
		if (loc_state(c, s->location_id[j]) & LOC_MARKED) {
			s->location_id += j;
			s->n_location_id -= j;
			break;
		}
	return KEEP;
}

/* pprof's PruneFrom: a location matches by a line, dropping the lines
 * below the first that matches. */
static bool prune_from(fctx *c)
{
	const pp_regex *re = option_re(c, PPROF_FILTER_PRUNE_FROM);
	bool matched = false;
	size_t i, j;
	int m = 0;

	if (!re)
		return true;
	memo_reset(c);
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
		unmatched(c, PPROF_FILTER_PRUNE_FROM, c->f->re[PPROF_FILTER_PRUNE_FROM].text);
	return filter_samples(c, cut_below, NULL);
}

/* ---- tagfocus, tagignore (FilterSamplesByTag) -------------------------- */

/* How pprof reads a label: a string label has a string; a numeric one has
 * none, but a number or a unit; others it drops. */
static bool is_string_label(const pb_label *l) { return l->str != 0; }
static bool is_numeric_label(const pb_label *l) { return !l->str && (l->num || l->num_unit); }

/* pprof's NumLabelUnits: per key, the first unit its numeric labels give,
 * in sample order (taken before any filter, as pprof does). */
static void find_label_units(fctx *c)
{
	size_t i, j;

	for (i = 0; i < c->pb->n_string_table; i++)
		c->key_unit[i] = -1;
	for (i = 0; i < c->pb->n_sample; i++) {
		const pb_sample *s = c->pb->sample[i];
		for (j = 0; j < s->n_label; j++) {
			const pb_label *l = s->label[j];
			if (is_numeric_label(l) && *cstr(c, l->num_unit) && c->key_unit[l->key] < 0)
				c->key_unit[l->key] = l->num_unit;
		}
	}
}

/* The unit of a key's numeric labels; pprof guesses one when none is
 * given: bytes for "alignment" and "request", else the key itself. */
static const char *label_unit(const fctx *c, int64_t key)
{
	const char *name = cstr(c, key);

	if (c->key_unit[key] >= 0)
		return cstr(c, c->key_unit[key]);
	if (strcmp(name, "alignment") == 0 || strcmp(name, "request") == 0)
		return "bytes";
	return name;
}

/* Whether a number in unit is in the range of t. */
static bool in_range(const tag_option *t, int64_t value, const char *unit)
{
	const char *u;
	double v = scale_value(value, unit, t->unit, &u);

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
		if (re_match(c, t->res[k], cstr(c, i), cstr_len(c, i)))
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
		if (!is_string_label(l))
			continue;
		if ((row = pair_row(c, l)) < 0)
			return -1;
		memo = (int8_t *)&c->pair_memo[(size_t)row * c->pair_width + col];
		if (*memo < 0) {
			c->text.n = 0;
			if (!sb_add(&c->text, cstr(c, l->key), cstr_len(c, l->key)) ||
			    !sb_add(&c->text, ":", 1) ||
			    !sb_add(&c->text, cstr(c, l->str), cstr_len(c, l->str)))
				return -1;
			*memo = re_match(c, re, c->text.v, c->text.n);
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
		if (t->key && strcmp(cstr(c, l->key), t->key) != 0)
			continue;
		if (t->numeric ? is_numeric_label(l) && in_range(t, l->num, label_unit(c, l->key))
		               : is_string_label(l) && value_matches(c, t, which, l->str))
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
static bool filter_by_tags(fctx *c)
{
	tag_option *tags = c->f->tag;
	tag_pass t = { tags[0].text ? &tags[0] : NULL, tags[1].text ? &tags[1] : NULL,
	               false, false };

	if (!t.focus && !t.ignore)
		return true;
	if (!filter_samples(c, keep_by_tags, &t))
		return false;
	if (t.focus && !t.fm)
		unmatched(c, PPROF_FILTER_TAG_FOCUS, t.focus->text);
	if (t.ignore && !t.im)
		unmatched(c, PPROF_FILTER_TAG_IGNORE, t.ignore->text);
	return true;
}

/* ---- tagshow, taghide (FilterTagsByName) ------------------------------ */

enum { KEY_SHOWN = 2, KEY_HIDDEN = 4 };

/* What tagshow and taghide say of a label key (KEY_* bits), memoised. */
static uint8_t key_verdict(fctx *c, int64_t key)
{
	const pp_regex *show = option_re(c, PPROF_FILTER_TAG_SHOW);
	const pp_regex *hide = option_re(c, PPROF_FILTER_TAG_HIDE);
	const char *name = cstr(c, key);
	size_t len = cstr_len(c, key);

	if (!c->key_memo[key])
		c->key_memo[key] = (uint8_t)(1 |
		                             ((!show || re_match(c, show, name, len)) ? KEY_SHOWN : 0) |
		                             ((hide && re_match(c, hide, name, len)) ? KEY_HIDDEN : 0));
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
		if (is_string_label(l) || is_numeric_label(l))
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
static bool filter_label_keys(fctx *c)
{
	uint8_t seen = 0;
	int i;

	if (!option_re(c, PPROF_FILTER_TAG_SHOW) && !option_re(c, PPROF_FILTER_TAG_HIDE))
		return true;
	memset(c->key_memo, 0, c->pb->n_string_table);
	if (!filter_samples(c, edit_label_keys, &seen))
		return false;
	for (i = PPROF_FILTER_TAG_SHOW; i <= PPROF_FILTER_TAG_HIDE; i++)
		if (option_re(c, i) && !(seen & (i == PPROF_FILTER_TAG_SHOW ? KEY_SHOWN : KEY_HIDDEN)))
			unmatched(c, i, c->f->re[i].text);
	return true;
}

/* ---- rename-function ---------------------------------------------------- */

/* The groups a replacement can name: \0 to \9. */
#define MAX_GROUPS 10

/* Appends the replacement of a match to c->text: m holds the offsets in
 * subject of the groups, as pp_regex_search gives them. */
static bool expand(fctx *c, const char *repl, const char *subject, const ptrdiff_t *m)
{
	const char *s;

	for (s = repl; *s; s++) {
		if (*s == '\\' && is_digit(s[1])) {
			const ptrdiff_t *g = &m[2 * (*++s - '0')];
			if (g[0] >= 0 && !sb_add(&c->text, subject + g[0], (size_t)(g[1] - g[0])))
				return false;
		} else {
			if (*s == '\\')
				s++;
			if (!sb_add(&c->text, s, 1))
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
		if (!sb_add(&c->text, name + last, so - last))
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
	return found >= 0 && sb_add(&c->text, name + last, len - last);
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
	if (!substitute(c, r, cstr(c, i), cstr_len(c, i), &hit))
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
		unmatched(c, PPROF_FILTER_RENAME, r->text);
	return install_strings(c);
}

/* Applies the rename rules in the order given. */
static bool rename_functions(fctx *c)
{
	size_t i;

	for (i = 0; i < c->f->n_renames; i++)
		if (!rename_with(c, &c->f->renames[i]))
			return false;
	return true;
}

/* ---- edits of our own ------------------------------------------------- */

/* Removes the labels of every sample. */
static void drop_labels(fctx *c)
{
	size_t i;

	for (i = 0; i < c->pb->n_sample; i++) {
		c->pb->sample[i]->n_label = 0;
		c->pb->sample[i]->label = NULL;
	}
}

/* Removes mappings and addresses; locations keep their lines. */
static void drop_addresses(fctx *c)
{
	size_t i;

	for (i = 0; i < c->pb->n_location; i++) {
		c->pb->location[i]->mapping_id = 0;
		c->pb->location[i]->address = 0;
	}
	c->pb->n_mapping = 0;
}

/* pprof's SampleIndexByName: a 0-based index (as strconv.Atoi reads it),
 * else a type name, "inuse_" in front allowed. */
static int find_sample_type(pprof_filter *f, const pprof_profile *p, size_t *index)
{
	const char *spec = f->sample_type, *plain = spec;
	size_t i, n = p->pb->n_sample_type, used;
	long long k;
	char *end;

	errno = 0;
	k = strtoll(spec, &end, 10);
	if ((is_digit(*spec) || *spec == '-' || *spec == '+') && !*end && !errno) {
		if (k >= 0 && (unsigned long long)k < n) {
			*index = (size_t)k;
			return PPROF_OK;
		}
		pp_seterr(f->err, "sample type %s is outside the range [0..%lld]", spec,
		          (long long)n - 1);
		return PPROF_ERR_DATA;
	}
	if (strncmp(spec, "inuse_", 6) == 0)
		plain = spec + 6;
	for (i = 0; i < n; i++) {
		const char *type = pprof_profile_sample_type(p, i, NULL);
		if (strcmp(type, spec) == 0 || strcmp(type, plain) == 0) {
			*index = i;
			return PPROF_OK;
		}
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
static bool keep_column(fctx *c, size_t i)
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
static bool scale_values(fctx *c)
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

/* The steps, in order: pprof's (driver.applyFocus), then ours. */
static bool run_steps(fctx *c, size_t column)
{
	static bool (*const pprof_steps[])(fctx *) = {
		filter_by_name, show_from, filter_by_tags, filter_label_keys, prune_from,
		rename_functions,
	};
	size_t i;

	if (c->key_unit)
		find_label_units(c);
	for (i = 0; i < sizeof(pprof_steps) / sizeof(pprof_steps[0]); i++)
		if (!pprof_steps[i](c) || c->nomem)
			return false;
	if (c->f->flags & PPROF_FILTER_DROP_LABELS)
		drop_labels(c);
	if (c->f->flags & PPROF_FILTER_DROP_ADDRESSES)
		drop_addresses(c);
	if (c->f->sample_type && !keep_column(c, column))
		return false;
	return !c->f->scaled || scale_values(c);
}

/* Merges *pp on its own, replacing it. With new_ids, objects were added
 * that its id maps do not know: the merge reads a view with new ones. */
static int remerge(pprof_filter *f, pprof_profile **pp, bool new_ids)
{
	pprof_merger *m = pprof_merger_new();
	pprof_profile *view = *pp, *out = NULL;
	pp_arena *a;
	int rc = PPROF_ERR_NOMEM;

	if (new_ids && (a = pp_arena_new()))
		view = pp_profile_adopt(a, (*pp)->pb, f->err, &rc);
	if (m && view && (!new_ids || view != *pp)) {
		if ((rc = pprof_merger_add(m, view, 0)) == PPROF_OK)
			rc = pprof_merger_finish(m, &out);
		if (rc != PPROF_OK)
			pp_seterr(f->err, "%s", pprof_merger_error(m));
	}
	if (rc == PPROF_ERR_NOMEM)
		pp_seterr(f->err, "out of memory");
	if (view != *pp)
		pprof_profile_free(view);
	pprof_merger_free(m);
	if (rc == PPROF_OK) {
		pprof_profile_free(*pp);
		*pp = out;
	}
	return rc;
}

/* Runs the steps on w, a work copy, then merges it on its own, replacing w. */
static int filter_work_copy(pprof_filter *f, pprof_profile **w, size_t column)
{
	bool pgo = f->flags & PPROF_FILTER_PGO;
	fctx c;
	bool ok;
	int rc;

	memset(&c, 0, sizeof(c));
	ok = ctx_init(&c, f, *w) && run_steps(&c, column);
	ctx_free(&c);
	if (!ok) {
		pp_seterr(f->err, "out of memory");
		return PPROF_ERR_NOMEM;
	}
	if (pgo && (rc = pp_pgo_reduce(*w, f->err)) != PPROF_OK)
		return rc;
	return remerge(f, w, pgo);
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
	if (f->sample_type && (rc = find_sample_type(f, *pp, &column)) != PPROF_OK)
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
