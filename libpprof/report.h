/*
 * report.h - what the files of the report share (report.c: the handle,
 * canonical strings, nodes, frames and stacks; report_top.c: top;
 * report_labels.c: label keys and breakdowns; report_tags.c: pprof -tags;
 * report_folded.c: folded stacks; report_traces.c: traces). Private to
 * them; report.c says what a report computes.
 */
#ifndef PPROF_REPORT_H
#define PPROF_REPORT_H

#include "ops.h"

#define NONE UINT32_MAX

/* A set of keys of one size, each given a dense index in first-seen order:
 * nodes, edges, label keys and values are all such sets (rp_set_intern).
 * Keys are hashed and compared as bytes, so make them with an initializer
 * or memset (padding too). Zero-initialised, it is empty. */
typedef struct {
	unsigned char *keys; /* n keys, each of the size the set is used with */
	size_t n, cap;
	pp_htab index;
} rp_set;

/* A key of three numbers, the most common kind. */
typedef struct {
	uint64_t a, b, c;
} key3;

/* What makes a node: pprof's NodeInfo, as the granularity leaves it
 * (strings as canonical indices of the profile, the file as an index into
 * report->files: it is cleaned). */
typedef struct {
	uint64_t address;
	int64_t start_line, line, column;
	uint32_t name, file, objfile;
} node_key;

/* A node of the call graph and what the current top computation gave it. */
typedef struct {
	const char *name;     /* pprof's NodeInfo.Name: "" for nameless frames */
	const char *objfile;  /* NodeInfo.Objfile: the mapping file, nameless only */
	const char *file;     /* NodeInfo.File: cleaned; "" unless kept */
	uint64_t address;     /* NodeInfo.Address: 0 unless kept */
	int64_t start_line;   /* NodeInfo.StartLine: nameless functions only */
	int64_t line, column; /* NodeInfo.Lineno, Columnno: 0 unless kept */
	const char *label;    /* as pprof prints it */
	size_t label_len;     /* its bytes (a name may hold NULs) */
	const char *folded;   /* label fit for collapsed stacks */
	int64_t flat, cum;
	size_t stamp; /* 1 + the last sample that added to cum */
	bool kept;
	unsigned in_edges; /* bit 0: an inline call edge in, bit 1: another */
} rnode;

/* A frame of a sample's stack. */
typedef struct {
	uint32_t node;
	bool inlined; /* a Line other than its Location's last */
} frame;

/* A call edge between nodes (key3 a -> b) while computing inline marks. */
typedef struct {
	int64_t weight;
	size_t stamp;
	bool inlined;
} redge;

typedef VEC(redge) redge_vec;

struct pprof_report {
	const pprof_profile *p;
	const pb_profile *pb;
	pp_arena *arena; /* node labels */
	uint32_t *canon; /* per string: the first index with equal bytes */
	pprof_report_options opt;
	rp_set node_keys; /* the nodes' NodeInfo (node_key) */
	rnode *nodes;
	pp_strtab files;      /* cleaned file names of nodes */
	bool nodes_trimmed;   /* whether the nodes' files had pprof's trimPath */
	uint32_t *loc_first;  /* per location: its first entry in line_nodes */
	uint32_t *line_nodes; /* per Line (one for a location without), the node */
	VEC(frame) frames;    /* the stack of the sample at hand */
	/* the samples' distinct stacks (lists of location ids) */
	uint32_t *sample_stack;        /* per sample: its stack */
	VEC(const pb_sample *) stacks; /* per stack: its first sample */
	int64_t *stack_sum;            /* per stack: its samples' values summed, */
	bool *stack_weighed;           /* and whether one of them is not zero */
	size_t *loc_stamp;             /* per location: 1 + the last stack that had it */
	/* results */
	VEC(pprof_label_key) keys;
	VEC(pprof_top_row) rows;
	pprof_top top;
	VEC(pprof_label_value) values;
	pprof_breakdown breakdown;
	struct rp_tags *tags; /* pprof_report_tags's (report_tags.c) */
	char err[PP_ERRLEN];
};

/* ---- report.c: helpers, canonical strings, nodes, stacks --------- */
/* (each described where it is defined) */

size_t rp_slen(const pb_profile *pb, uint64_t i);
int rp_compare_bytes(const char *a, size_t a_len, const char *b, size_t b_len);
int64_t rp_abs64(int64_t v);
int64_t rp_add64(int64_t a, int64_t b);
int64_t rp_scale64(int64_t v, double f);
uint32_t rp_set_intern(rp_set *s, const void *k, size_t size, bool *added);
const void *rp_set_key(const rp_set *s, uint32_t i, size_t size);
void rp_set_free(rp_set *s);
int rp_nomem(pprof_report *r);
bool rp_pick_sample_type(pprof_report *r, size_t *st);
bool rp_build_canon(pprof_report *r);
uint32_t rp_find_string(const pprof_report *r, const char *s);
bool rp_build_nodes(pprof_report *r, bool trim_paths);
bool rp_sample_frames(pprof_report *r, const pb_sample *s);
bool rp_sum_stacks(pprof_report *r, size_t st);
uint32_t rp_location_at(const pprof_report *r, const pb_sample *s, size_t i);
bool rp_seen_location(pprof_report *r, uint32_t l, size_t stamp);

/* The sets of key3 (the key's size given once, here). */
static inline uint32_t rp_key3_intern(rp_set *s, key3 k, bool *added)
{
	return rp_set_intern(s, &k, sizeof(k), added);
}

static inline const key3 *rp_key3_at(const rp_set *s, uint32_t i)
{
	return rp_set_key(s, i, sizeof(key3));
}

/* ---- report_top.c ------------------------------------------------ */
/* (each described where it is defined) */

int rp_compare_abs_desc(int64_t x, int64_t y);

/* ---- report_tags.c ----------------------------------------------- */

/* Frees pprof_report_tags's results (NULL: nothing). */
void rp_tags_free(struct rp_tags *t);

#endif /* PPROF_REPORT_H */
