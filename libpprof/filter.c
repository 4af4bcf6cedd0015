/*
 * filter.c - google/pprof's filters (DESIGN section 7), applied as `go tool
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
 * matches one of its lines or its mapping's file name. Regexes are POSIX
 * extended ones, searched for anywhere in the text as Go's MatchString does.
 */
#include "config.h"   /* POSIX interfaces: strdup, strndup */

#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static double scale_value(int64_t value, const char *from, const char *to, const char **unit)
{
	double v;

	*unit = pprof_unit_scale(value, from, to, &v);
	return v;
}

/* ---- the filter and its options --------------------------------------- */

typedef struct {
	char *text;          /* as set; NULL when not set */
	regex_t re;
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
	regex_t *res;        /* otherwise the regexes */
	size_t n_res;
} tag_option;

typedef struct {
	char *text;          /* REGEX=REPLACEMENT as set */
	const char *replacement;
	regex_t re;
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
	if (o->text)
		regfree(&o->re);
	free(o->text);
	o->text = NULL;
}

/* Unsets a tag filter. */
static void free_tag_option(tag_option *t)
{
	size_t i;

	for (i = 0; i < t->n_res; i++)
		regfree(&t->res[i]);
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
		regfree(&f->renames[i].re);
		free(f->renames[i].text);
	}
	free(f->renames);
	free(f->sample_type);
	free(f->unmatched);
	free(f);
}

const char *pprof_filter_error(const pprof_filter *f) { return f->err; }
size_t pprof_filter_unmatched_count(const pprof_filter *f) { return f->n_unmatched; }

int pprof_filter_unmatched(const pprof_filter *f, size_t i, const char **arg)
{
	if (i >= f->n_unmatched)
		return -1;
	*arg = f->unmatched[i].arg;
	return f->unmatched[i].option;
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

/* Compiles regex text into re (REG_EXTENDED plus cflags), or says why not. */
static int compile_re(pprof_filter *f, regex_t *re, const char *text, int cflags)
{
	char why[200];
	int rc = regcomp(re, text, REG_EXTENDED | cflags);

	if (rc == 0)
		return PPROF_OK;
	regerror(rc, re, why, sizeof(why));
	pp_seterr(f->err, "invalid regular expression '%s': %s", text, why);
	return rc == REG_ESPACE ? PPROF_ERR_NOMEM : PPROF_ERR_ARG;
}

/* Sets an option that is one regex; "" unsets it, as in pprof. */
static int set_re_option(pprof_filter *f, re_option *o, const char *arg)
{
	re_option new_o = { NULL, { 0 } };
	int rc;

	if (*arg) {
		if ((rc = compile_re(f, &new_o.re, arg, REG_NOSUB)) != PPROF_OK)
			return rc;
		if (!(new_o.text = strdup(arg))) {
			regfree(&new_o.re);
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
		rc = compile_re(f, &t->res[t->n_res], one, REG_NOSUB);
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
	rc = compile_re(f, &r.re, pattern, 0);
	free(pattern);
	if (rc != PPROF_OK)
		return rc;
	if ((rc = check_replacement(f, eq + 1, r.re.re_nsub)) != PPROF_OK) {
		regfree(&r.re);
		return rc;
	}
	r.text = strdup(arg);
	grown = realloc(f->renames, (f->n_renames + 1) * sizeof(*grown));
	if (!r.text || !grown) {
		free(r.text);
		regfree(&r.re);
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

/* What applying a filter to one profile works with; tables by index. */
typedef struct {
	pprof_filter *f;
	pprof_profile *p;
	pb_profile *pb;
	int8_t *fn_memo;       /* per function: -1 unknown, else whether it matches */
	int8_t *map_memo;      /* per mapping: likewise */
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

/* Whether re matches somewhere in s. */
static bool re_match(const regex_t *re, const char *s)
{
	return regexec(re, s, 0, NULL, 0) == 0;
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

/* Forgets what the function and mapping memos know (a new regex). */
static void memo_reset(fctx *c)
{
	memset(c->fn_memo, -1, c->pb->n_function);
	memset(c->map_memo, -1, c->pb->n_mapping);
}

/* Whether re matches the function of line ln: its name or its file name. */
static bool fn_matches(fctx *c, const regex_t *re, const pb_line *ln)
{
	uint32_t i = pp_idmap_get(&c->p->functions, ln->function_id);
	const pb_function *fn = c->pb->function[i];

	if (c->fn_memo[i] < 0)
		c->fn_memo[i] = re_match(re, cstr(c, fn->name)) || re_match(re, cstr(c, fn->filename));
	return c->fn_memo[i];
}

/* Whether re matches the file of the location's mapping. */
static bool map_matches(fctx *c, const regex_t *re, const pb_location *l)
{
	uint32_t i;

	if (!l->mapping_id)
		return false;
	i = pp_idmap_get(&c->p->mappings, l->mapping_id);
	if (c->map_memo[i] < 0)
		c->map_memo[i] = re_match(re, cstr(c, c->pb->mapping[i]->filename));
	return c->map_memo[i];
}

/* pprof's Location.matchesName. */
static bool loc_matches(fctx *c, const regex_t *re, const pb_location *l)
{
	size_t j;

	for (j = 0; j < l->n_line; j++)
		if (fn_matches(c, re, l->line[j]))
			return true;
	return map_matches(c, re, l);
}

/* Keeps the lines of l whose function matches re (want) or does not
 * (!want), in a new array if that is fewer; false when out of memory. */
static bool select_lines(fctx *c, const regex_t *re, pb_location *l, bool want)
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
static const regex_t *option_re(const fctx *c, int option)
{
	return c->f->re[option].text ? &c->f->re[option].re : NULL;
}

/* ---- focus, ignore, hide, show (FilterSamplesByName) ----------------- */

/* Marks ignored locations, then focused ones among the others. */
static void classify_locations(fctx *c, const regex_t *focus, const regex_t *ignore,
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
static bool hide_lines(fctx *c, const regex_t *hide, bool *hm, bool *any_hidden)
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
static bool show_lines(fctx *c, const regex_t *show, bool *hnm, bool *any_hidden)
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
	const regex_t *focus = option_re(c, PPROF_FILTER_FOCUS);
	const regex_t *ignore = option_re(c, PPROF_FILTER_IGNORE);
	const regex_t *hide = option_re(c, PPROF_FILTER_HIDE);
	const regex_t *show = option_re(c, PPROF_FILTER_SHOW);
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
	const regex_t *re = option_re(c, PPROF_FILTER_SHOW_FROM);
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

/* Whether a line's function has a name whose simple form re matches; -1
 * when out of memory. */
static int prune_matches(fctx *c, const regex_t *re, const pb_line *ln)
{
	uint32_t i = pp_idmap_get(&c->p->functions, ln->function_id);
	const char *name = cstr(c, c->pb->function[i]->name), *simple;

	if (c->fn_memo[i] < 0 && *name) {
		if (!(simple = simplify_name(c, name)))
			return -1;
		c->fn_memo[i] = re_match(re, simple);
	}
	return *name && c->fn_memo[i];
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
	const regex_t *re = option_re(c, PPROF_FILTER_PRUNE_FROM);
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

/* Whether one of t's regexes matches text. */
static bool any_re_matches(const tag_option *t, const char *text)
{
	size_t i;

	for (i = 0; i < t->n_res; i++)
		if (re_match(&t->res[i], text))
			return true;
	return false;
}

/* Whether re matches "key:value" of one of the string labels; -1 when out
 * of memory. */
static int some_label_matches(fctx *c, const regex_t *re, const pb_sample *s)
{
	size_t j;

	for (j = 0; j < s->n_label; j++) {
		const pb_label *l = s->label[j];
		const char *key = cstr(c, l->key), *value = cstr(c, l->str);
		if (!is_string_label(l))
			continue;
		c->text.n = 0;
		if (!sb_add(&c->text, key, strlen(key)) || !sb_add(&c->text, ":", 1) ||
		    !sb_add(&c->text, value, strlen(value)))
			return -1;
		if (re_match(re, c->text.v))
			return 1;
	}
	return 0;
}

/* Whether the sample matches tag filter t (pprof's compileTagFilter): a
 * range matches a number of the key (of any key without one); regexes
 * match a string of the key, or without a key each one some "key:value".
 * -1 when out of memory. */
static int tag_matches(fctx *c, const tag_option *t, const pb_sample *s)
{
	size_t i, j;
	int m;

	if (!t->key && !t->numeric) {
		for (i = 0; i < t->n_res; i++)
			if ((m = some_label_matches(c, &t->res[i], s)) <= 0)
				return m;
		return 1;
	}
	for (j = 0; j < s->n_label; j++) {
		const pb_label *l = s->label[j];
		if (t->key && strcmp(cstr(c, l->key), t->key) != 0)
			continue;
		if (t->numeric ? is_numeric_label(l) && in_range(t, l->num, label_unit(c, l->key))
		               : is_string_label(l) && any_re_matches(t, cstr(c, l->str)))
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
	int focused = t->focus ? tag_matches(c, t->focus, s) : 1;
	int ignored = t->ignore ? tag_matches(c, t->ignore, s) : 0;

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
	const regex_t *show = option_re(c, PPROF_FILTER_TAG_SHOW);
	const regex_t *hide = option_re(c, PPROF_FILTER_TAG_HIDE);
	const char *name = cstr(c, key);

	if (!c->key_memo[key])
		c->key_memo[key] = (uint8_t)(1 | ((!show || re_match(show, name)) ? KEY_SHOWN : 0) |
		                             ((hide && re_match(hide, name)) ? KEY_HIDDEN : 0));
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

/* Appends the replacement of a match to c->text. */
static bool expand(fctx *c, const char *repl, const char *subject, const regmatch_t *m)
{
	const char *s;

	for (s = repl; *s; s++) {
		if (*s == '\\' && is_digit(s[1])) {
			const regmatch_t *g = &m[*++s - '0'];
			if (g->rm_so >= 0 && !sb_add(&c->text, subject + g->rm_so,
			                             (size_t)(g->rm_eo - g->rm_so)))
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

/* name with every match of r replaced, in c->text, as Go's
 * ReplaceAllString does it (an empty match right after a match is left
 * alone); *hit says whether anything was. */
static bool substitute(fctx *c, const rename_rule *r, const char *name, bool *hit)
{
	size_t len = strlen(name), pos = 0, last = 0, so, eo;
	regmatch_t m[10];

	c->text.n = 0;
	*hit = false;
	while (pos <= len && regexec(&r->re, name + pos, 10, m, pos ? REG_NOTBOL : 0) == 0) {
		so = pos + (size_t)m[0].rm_so;
		eo = pos + (size_t)m[0].rm_eo;
		if (!sb_add(&c->text, name + last, so - last))
			return false;
		if (eo > last || so == 0) {
			*hit = true;
			if (!expand(c, r->replacement, name + pos, m))
				return false;
		}
		last = eo;
		pos = eo > pos ? eo : pos + 1;
	}
	return sb_add(&c->text, name + last, len - last);
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

/* Applies one rule to every function name. */
static bool rename_with(fctx *c, const rename_rule *r)
{
	bool hit, matched = false;
	int64_t id;
	size_t i;

	for (i = 0; i < c->pb->n_function; i++) {
		pb_function *fn = c->pb->function[i];
		if (!substitute(c, r, cstr(c, fn->name), &hit))
			return false;
		if (!hit)
			continue;
		if ((id = add_string(c)) < 0)
			return false;
		fn->name = id;
		matched = true;
	}
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

/* Allocates the tables of c for profile p. */
static bool ctx_init(fctx *c, pprof_filter *f, pprof_profile *p)
{
	const pb_profile *pb = p->pb;

	memset(c, 0, sizeof(*c));
	c->f = f;
	c->p = p;
	c->pb = p->pb;
	c->fn_memo = malloc(pb->n_function + 1);
	c->map_memo = malloc(pb->n_mapping + 1);
	c->loc_state = malloc(pb->n_location + 1);
	c->key_memo = malloc(pb->n_string_table + 1);
	if (f->tag[0].numeric || f->tag[1].numeric)
		c->key_unit = malloc(pb->n_string_table * sizeof(*c->key_unit) + 1);
	return c->fn_memo && c->map_memo && c->loc_state && c->key_memo &&
	       (c->key_unit || !(f->tag[0].numeric || f->tag[1].numeric));
}

/* Frees the tables of c (not the profile). */
static void ctx_free(fctx *c)
{
	free(c->fn_memo);
	free(c->map_memo);
	free(c->loc_state);
	free(c->key_memo);
	free(c->key_unit);
	free(c->text.v);
	free(c->added);
}

/* The steps, in order: pprof's (driver.applyFocus), then ours. */
static bool run_steps(fctx *c, size_t column)
{
	if (c->key_unit)
		find_label_units(c);
	if (!filter_by_name(c) || !show_from(c) || !filter_by_tags(c) ||
	    !filter_label_keys(c) || !prune_from(c) || !rename_functions(c))
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

int pprof_filter_apply(pprof_filter *f, pprof_profile **pp)
{
	bool pgo = f->flags & PPROF_FILTER_PGO;
	size_t column = 0;
	fctx c;
	bool ok;
	int rc;

	memset(&c, 0, sizeof(c));
	f->n_unmatched = 0;
	free(f->unmatched);
	f->unmatched = malloc((PPROF_FILTER_N_OPTIONS + f->n_renames) * sizeof(*f->unmatched));
	if (f->sample_type && (rc = find_sample_type(f, *pp, &column)) != PPROF_OK)
		return rc;
	ok = f->unmatched && ctx_init(&c, f, *pp) && run_steps(&c, column);
	ctx_free(&c);
	if (!ok) {
		pp_seterr(f->err, "out of memory");
		return PPROF_ERR_NOMEM;
	}
	if (pgo && (rc = pp_pgo_reduce(*pp, f->err)) != PPROF_OK)
		return rc;
	return remerge(f, pp, pgo);
}
