/*
 * filter.h - what the files of the filter share (filter.c: options and
 * applying, with the matching helpers; filter_frames.c: focus, ignore, hide,
 * show, show-from, prune-from; filter_tags.c: tagfocus, tagignore, tagshow,
 * taghide; filter_edits.c: rename-function and our own edits;
 * filter_tagroot.c: tagroot, tagleaf). Private to them; filter.c says how a
 * filter runs.
 */
#ifndef PPROF_FILTER_H
#define PPROF_FILTER_H

#include "ops.h"
#include "regex.h"

typedef struct {
	char *text; /* as set; NULL when not set */
	pp_regex *re;
} re_option;

enum { CMP_EQ, CMP_GE, CMP_LE, CMP_RANGE };

/* A --tagfocus or --tagignore, compiled as pprof's compileTagFilter. */
typedef struct {
	char *text; /* as set; NULL when not set */
	char *key;  /* KEY of KEY=..., NULL for any key */
	bool numeric;
	int cmp; /* numeric: CMP_* against lo (and hi) */
	double lo, hi;
	char *unit;     /* numeric: the unit lo and hi are in */
	pp_regex **res; /* otherwise the regexes */
	size_t n_res;
} tag_option;

typedef struct {
	char *text; /* REGEX=REPLACEMENT as set */
	const char *replacement;
	pp_regex *re;
} rename_rule;

typedef struct {
	int option;
	const char *arg;
} unmatched_rec;

struct pprof_filter {
	re_option re[PPROF_FILTER_N_OPTIONS]; /* the options that are one regex */
	tag_option tag[2];                    /* TAG_FOCUS, TAG_IGNORE */
	rename_rule *renames;
	size_t n_renames;
	char *sample_type;
	char *frame_keys[2]; /* --tagroot, --tagleaf as set; NULL when not */
	double scale;
	bool scaled;
	unsigned flags;
	unmatched_rec *unmatched; /* of the last apply */
	size_t n_unmatched;
	char err[PP_ERRLEN];
};

/* ---- applying: the context --------------------------------------- */

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
	uint8_t *loc_state;         /* per location: LOC_* */
	uint8_t *key_memo;          /* per string: 0 unknown, else 1 + TAG_* bits */
	int64_t *key_unit;          /* per string, as a key: the unit of its numeric
	                          labels (pprof's NumLabelUnits), -1 for none */
	strbuf text;                /* scratch */
	ProtobufCBinaryData *added; /* strings to add to the table */
	size_t n_added, cap_added;
} fctx;

/* ---- filter.c: the matching helpers ------------------------------ */
/* (each described where it is defined) */

double pf_scale_value(int64_t value, const char *from, const char *to, const char **unit);
bool pf_is_digit(char ch);
size_t pf_cstr_len(const fctx *c, int64_t i);
bool pf_re_match(fctx *c, const pp_regex *re, const char *text, size_t len);
bool pf_sb_add(strbuf *b, const char *data, size_t len);
void pf_memo_reset(fctx *c);
bool pf_fn_matches(fctx *c, const pp_regex *re, const pb_line *ln);
bool pf_map_matches(fctx *c, const pp_regex *re, const pb_location *l);
bool pf_loc_matches(fctx *c, const pp_regex *re, const pb_location *l);
bool pf_select_lines(fctx *c, const pp_regex *re, pb_location *l, bool want);
uint8_t pf_loc_state(const fctx *c, uint64_t id);
bool pf_filter_samples(fctx *c, int (*fn)(fctx *, pb_sample *, void *), void *arg);
void pf_unmatched(fctx *c, int option, const char *arg);
const pp_regex *pf_option_re(const fctx *c, int option);

/* ---- filter_tagroot.c: tagroot and tagleaf ---------------------- */

/* Adds the frames of --tagroot and --tagleaf to every sample of p (a work
 * copy), recording in f which of them matched nothing; false when out of
 * memory. */
bool pf_add_label_frames(pprof_filter *f, pprof_profile *p);

/* ---- filter_frames.c: the steps on frames ------------------------ */
/* (each described where it is defined) */

bool pf_filter_by_name(fctx *c);
bool pf_show_from(fctx *c);
bool pf_prune_from(fctx *c);

/* ---- filter_tags.c: the steps on labels -------------------------- */
/* (each described where it is defined) */

void pf_find_label_units(fctx *c);
bool pf_filter_by_tags(fctx *c);
bool pf_filter_label_keys(fctx *c);

/* ---- filter_edits.c: the edits ----------------------------------- */
/* (each described where it is defined) */

bool pf_rename_functions(fctx *c);
void pf_drop_labels(fctx *c);
void pf_drop_addresses(fctx *c);
int pf_find_sample_type(pprof_filter *f, const pprof_profile *p, size_t *index);
bool pf_keep_column(fctx *c, size_t i);
bool pf_scale_values(fctx *c);

#endif /* PPROF_FILTER_H */
