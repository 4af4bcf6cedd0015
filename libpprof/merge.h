/*
 * merge.h - what the files of the merger share (merge.c: the merger and the
 * merging of strings, objects and samples; merge_header.c: the header;
 * merge_result.c: numbering and building the result). Private to them;
 * merge.c says how a merge works.
 */
#ifndef PPROF_MERGE_H
#define PPROF_MERGE_H

#include "ops.h"

typedef struct {
	uint32_t name, system_name, filename;
	int64_t start_line;
} fn_rec;

typedef struct {
	uint64_t start, limit, offset;
	uint32_t filename, build_id;
	bool has_functions, has_filenames, has_line_numbers, has_inline_frames;
} map_rec;

typedef struct {
	uint64_t function; /* result id; 64 bits so the struct has no padding */
	int64_t line, column;
} line_rec;

typedef struct {
	uint64_t address;
	uint32_t mapping; /* result id, 0 for none */
	uint32_t nlines;
	size_t line0; /* first of its lines in the lines array */
	bool folded;
} loc_rec;

/* A label with result string ids; str != 0 for string labels, else numeric. */
typedef struct {
	uint32_t key, str, unit;
	int64_t num;
} label_rec;

/* What an input's mapping became: the result id and how far addresses move. */
typedef struct {
	uint32_t id;
	uint64_t delta;
} map_xlat;

/* An interned stack: location ids, and an interned label set. */
typedef struct {
	uint64_t *ids;
	size_t n;
} stack_rec;

typedef struct {
	pb_label **labels;
	size_t n;
} labelset_rec;

/* A result sample's key: its interned stack and label set. Keys and sums
 * are kept apart from the sample structs, in two dense arrays, so that
 * finding a sample and adding to it touches no sample struct: input samples
 * come in random order, and each touch would be a cache miss. */
typedef struct {
	uint32_t stack, labels;
} sample_ref;

struct pprof_merger {
	pp_strtab strings;
	unsigned long count;
	/* header */
	VEC(uint32_t) types; /* type, unit string ids per sample type */
	uint32_t period_type, period_unit, drop_frames, keep_frames;
	uint32_t default_sample_type, doc_url;
	int64_t time_nanos, duration_nanos, period;
	VEC(uint32_t) comments;
	/* objects */
	VEC(fn_rec) fns;
	VEC(map_rec) maps;
	VEC(loc_rec) locs;
	VEC(line_rec) lines;
	pp_arena *arena; /* the result's: samples, and at the end the rest */
	VEC(pb_sample *) samples;
	VEC(sample_ref) sample_refs; /* samples' keys, by index */
	VEC(int64_t) sums;           /* samples' values, types.n / 2 a sample */
	VEC(stack_rec) stacks;
	VEC(labelset_rec) labelsets;
	pp_htab fn_index, map_index, loc_index, sample_index, stack_index, labelset_index;
	/* per input: what its strings and objects became (0 = not yet) */
	VEC(uint32_t) str_xlat; /* result string id + 1 */
	VEC(uint32_t) fn_xlat;
	VEC(map_xlat) map_xlat;
	VEC(uint32_t) loc_xlat;
	/* per sample or location being merged */
	VEC(uint64_t) cand_locs;
	VEC(label_rec) cand_labels;
	VEC(int64_t) cand_values;
	VEC(line_rec) cand_lines;
	char err[PP_ERRLEN];
};

/* The input being merged and how. */
typedef struct {
	pprof_merger *m;
	const pprof_profile *p;
	unsigned flags;
	uint32_t base_key, base_value; /* "pprof::base", "true" */
} merge_input;

/* ---- merge.c: the merger, strings, zero values ------------------- */
/* (each described where it is defined) */

bool pm_merger_start(pprof_merger *m);
void pm_merger_clear(pprof_merger *m);
uint32_t pm_xlat_string(pprof_merger *m, const pprof_profile *p, int64_t i);
bool pm_is_zero(const int64_t *v, size_t n);

/* ---- merge_header.c: the header ---------------------------------- */
/* (each described where it is defined) */

int pm_check_compatible(const merge_input *in);
bool pm_take_first_header(const merge_input *in);
bool pm_combine_header(const merge_input *in);

/* ---- merge_result.c ---------------------------------------------- */
/* (each described where it is defined) */

#endif /* PPROF_MERGE_H */
