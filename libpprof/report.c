/*
 * report.c - the facts pprof-stat reports (HACKING.md section 8), computed the
 * way google/pprof's report and graph packages compute `go tool pprof -top`,
 * `-tags` and `-traces` at the default "functions" granularity, so that the
 * numbers are theirs:
 *
 *  - Nodes. pprof clears file names, line numbers and addresses at this
 *    granularity, so a frame's node is its function's name; a nameless
 *    function's frame is a node per (mapping file, start line), and a
 *    location without lines one per mapping file, shown as "[base name]" or
 *    "<unknown>".
 *  - Frames. Every Line of a Location is a frame, the last Line rootmost;
 *    the frames of Lines before the last are inlined calls.
 *  - Values. A sample adds its value to the cum of each node on its stack
 *    once, and to the flat of its leaf frame's node; samples whose value is
 *    zero add nothing.
 *  - Top. Nodes whose |cum| is under node_fraction of the summed flat are
 *    dropped; the rest are sorted by |flat| (or |cum|), then name, then
 *    |cum| (or |flat|), then pprof's printed NodeInfo; the first max_rows are
 *    kept. A row is "(inline)" when the call edges into it that survive (among
 *    the kept nodes, at least edge_fraction of the flat sum) are all inline
 *    calls, "(partial-inline)" when only some are.
 *
 * The report keeps the profile's strings canonical (equal bytes, one index),
 * its nodes and each location's frames; results live until the next call
 * that makes the same kind of result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"

#define NONE UINT32_MAX

/* A set of keys of three numbers, each given a dense index in first-seen
 * order: nodes, edges, label values and keys are all such sets. */
typedef struct {
	uint64_t a, b, c;
} key3;

typedef struct {
	VEC(key3) keys;
	pp_htab index;
} key3_set;

/* A node of the call graph and what the current top computation gave it. */
typedef struct {
	const char *name;     /* pprof's NodeInfo.Name: "" for nameless frames */
	const char *objfile;  /* NodeInfo.Objfile: the mapping file, nameless only */
	int64_t start_line;   /* NodeInfo.StartLine: nameless functions only */
	const char *label;    /* as pprof prints it */
	size_t label_len;     /* its bytes (a name may hold NULs) */
	const char *folded;   /* label fit for collapsed stacks */
	int64_t flat, cum;
	size_t stamp;         /* 1 + the last sample that added to cum */
	bool kept;
	unsigned in_edges;    /* bit 0: an inline call edge in, bit 1: another */
} rnode;

/* A frame of a sample's stack. */
typedef struct {
	uint32_t node;
	bool inlined;         /* a Line other than its Location's last */
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
	pp_arena *arena;          /* node labels */
	uint32_t *canon;          /* per string: the first index with equal bytes */
	key3_set node_keys;       /* (name, objfile, start line), canonical */
	rnode *nodes;
	uint32_t *loc_first;      /* per location: its first entry in line_nodes */
	uint32_t *line_nodes;     /* per Line (one for a location without), the node */
	VEC(frame) frames;        /* the stack of the sample at hand */
	/* the samples' distinct stacks (lists of location ids) */
	uint32_t *sample_stack;   /* per sample: its stack */
	VEC(const pb_sample *) stacks;   /* per stack: its first sample */
	int64_t *stack_sum;       /* per stack: its samples' values summed, */
	bool *stack_weighed;      /* and whether one of them is not zero */
	size_t *loc_stamp;        /* per location: 1 + the last stack that had it */
	/* results */
	VEC(pprof_label_key) keys;
	VEC(pprof_top_row) rows;
	pprof_top top;
	VEC(pprof_label_value) values;
	pprof_breakdown breakdown;
	char err[PP_ERRLEN];
};

/* ---- small helpers ---------------------------------------------------- */

/* The length of string i, which may hold NULs. */
static size_t slen(const pb_profile *pb, uint64_t i)
{
	return pb->string_table[i].len;
}

/* Orders byte strings as Go orders strings. */
static int compare_bytes(const char *a, size_t a_len, const char *b, size_t b_len)
{
	int c = memcmp(a, b, a_len < b_len ? a_len : b_len);

	return c ? c : (a_len > b_len) - (a_len < b_len);
}

/* |v| as Go's abs64 computes it (wrapping at the minimum). */
static int64_t abs64(int64_t v)
{
	return v < 0 ? (int64_t)(0 - (uint64_t)v) : v;
}

/* a + b wrapping like Go's int64. */
static int64_t add64(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}

/* Go's int64(float64(v) * f): pprof's cutoffs. */
static int64_t scale64(int64_t v, double f)
{
	double x = (double)v * f;

	if (x >= 9223372036854775807.0 || x < -9223372036854775807.0)
		return INT64_MIN;   /* what Go gives on amd64 for out-of-range values */
	return (int64_t)x;
}

static bool key3_eq(const void *ctx, uint32_t idx)
{
	const key3_set *s = ((const void *const *)ctx)[0];
	const key3 *k = ((const void *const *)ctx)[1];
	const key3 *have = &s->keys.v[idx];

	return have->a == k->a && have->b == k->b && have->c == k->c;
}

/* The index of key k in s, adding it if new (*added says so); NONE when out
 * of memory. */
static uint32_t key3_intern(key3_set *s, key3 k, bool *added)
{
	uint64_t hash = pp_hash_mix(pp_hash_mix(pp_hash_mix(7, k.a), k.b), k.c);
	const void *ctx[2] = { s, &k };
	uint32_t idx = pp_htab_find(&s->index, hash, key3_eq, ctx);

	*added = false;
	if (idx != NONE)
		return idx;
	idx = (uint32_t)s->keys.n;
	if (s->keys.n >= NONE - 1 || !VEC_RESERVE(s->keys, s->keys.n + 1) ||
	    !pp_htab_add(&s->index, hash, idx))
		return NONE;
	s->keys.v[s->keys.n++] = k;
	*added = true;
	return idx;
}

static void key3_set_free(key3_set *s)
{
	VEC_FREE(s->keys);
	pp_htab_free(&s->index);
}

static int nomem(pprof_report *r)
{
	pp_seterr(r->err, "out of memory");
	return PPROF_ERR_NOMEM;
}

/* ---- sample types ----------------------------------------------------- */

/* The sample type asked for (SIZE_MAX: the default), or false with the
 * error set. */
static bool pick_sample_type(pprof_report *r, size_t *st)
{
	if (r->pb->n_sample_type == 0) {
		pp_seterr(r->err, "profile has no sample types");
		return false;
	}
	if (*st == SIZE_MAX)
		*st = pprof_profile_default_sample_type(r->p);
	if (*st >= r->pb->n_sample_type) {
		pp_seterr(r->err, "sample type %zu out of range (0..%zu)", *st,
		          r->pb->n_sample_type - 1);
		return false;
	}
	return true;
}

/* ---- the report handle ------------------------------------------------ */

pprof_report *pprof_report_new(const pprof_profile *p)
{
	pprof_report *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->p = p;
	r->pb = p->pb;
	r->arena = pp_arena_new();
	if (!r->arena) {
		free(r);
		return NULL;
	}
	return r;
}

const char *pprof_report_error(const pprof_report *r)
{
	return r->err;
}

void pprof_report_free(pprof_report *r)
{
	if (!r)
		return;
	pp_arena_free(r->arena);
	free(r->canon);
	key3_set_free(&r->node_keys);
	free(r->nodes);
	free(r->loc_first);
	free(r->line_nodes);
	VEC_FREE(r->frames);
	free(r->sample_stack);
	VEC_FREE(r->stacks);
	free(r->stack_sum);
	free(r->stack_weighed);
	free(r->loc_stamp);
	VEC_FREE(r->keys);
	VEC_FREE(r->rows);
	VEC_FREE(r->values);
	free(r);
}

/* ---- canonical strings ------------------------------------------------ */

/* What canon_eq compares a string of the table with. */
typedef struct {
	const pb_profile *pb;
	const ProtobufCBinaryData *s;
} str_key;

static bool canon_eq(const void *ctx, uint32_t idx)
{
	const str_key *k = ctx;
	const ProtobufCBinaryData *have = &k->pb->string_table[idx];

	return have->len == k->s->len && memcmp(have->data, k->s->data, have->len) == 0;
}

/* Maps every string to the first string with the same bytes, so that
 * comparing indices compares contents (a table may repeat a string). */
static bool build_canon(pprof_report *r)
{
	const pb_profile *pb = r->pb;
	pp_htab index = { 0 };
	size_t i;

	if (r->canon)
		return true;
	r->canon = malloc(pb->n_string_table * sizeof(*r->canon));
	if (!r->canon)
		return false;
	for (i = 0; i < pb->n_string_table; i++) {
		str_key k = { pb, &pb->string_table[i] };
		uint64_t hash = pp_hash_bytes(8, k.s->data, k.s->len);
		uint32_t found = pp_htab_find(&index, hash, canon_eq, &k);
		if (found == NONE && !pp_htab_add(&index, hash, (uint32_t)i)) {
			pp_htab_free(&index);
			free(r->canon);
			r->canon = NULL;
			return false;
		}
		r->canon[i] = found == NONE ? (uint32_t)i : found;
	}
	pp_htab_free(&index);
	return true;
}

/* The canonical index of a string with these bytes, or NONE if the profile
 * has none. */
static uint32_t find_string(const pprof_report *r, const char *s)
{
	size_t i, len = strlen(s);

	for (i = 0; i < r->pb->n_string_table; i++) {
		const ProtobufCBinaryData *t = &r->pb->string_table[i];
		if (t->len == len && memcmp(t->data, s, len) == 0)
			return r->canon[i];
	}
	return NONE;
}

/* ---- nodes and frames ------------------------------------------------- */

/* filepath.Base of a mapping file (len bytes), in brackets: pprof's name for
 * a frame that has only its binary; *label_len is its length. */
static const char *objfile_label(pprof_report *r, const char *path, size_t len,
                                 size_t *label_len)
{
	size_t start;
	char *label;

	while (len > 1 && path[len - 1] == '/')
		len--;
	start = len;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (start == len && len == 1)   /* "/" */
		start = 0;
	label = pp_arena_alloc(r->arena, len - start + 3);
	if (!label)
		return NULL;
	label[0] = '[';
	memcpy(label + 1, path + start, len - start);
	memcpy(label + 1 + len - start, "]", 2);
	*label_len = len - start + 2;
	return label;
}

/* Fills in a new node's names from its key. */
static bool init_node(pprof_report *r, rnode *n, const key3 *k)
{
	memset(n, 0, sizeof(*n));
	n->name = pp_profile_cstr(r->p, k->a);
	n->objfile = pp_profile_cstr(r->p, k->b);
	n->start_line = (int64_t)k->c;
	n->label = n->name;
	n->label_len = slen(r->pb, k->a);
	if (!n->label_len && slen(r->pb, k->b))
		n->label = objfile_label(r, n->objfile, slen(r->pb, k->b), &n->label_len);
	else if (!n->label_len)
		n->label_len = strlen(n->label = "<unknown>");
	return n->label != NULL;
}

/* The node of a frame: a function's Line (fn != NULL) or a location
 * without lines, in a mapping with file objfile (canonical index). */
static uint32_t frame_node(pprof_report *r, const pb_function *fn, uint32_t objfile)
{
	key3 k = { 0, objfile, 0 };
	size_t cap = r->node_keys.keys.cap;
	bool added;
	uint32_t idx;

	if (fn && r->canon[fn->name]) {
		k.a = r->canon[fn->name];
		k.b = 0;
	} else if (fn) {
		k.c = (uint64_t)fn->start_line;
	}
	idx = key3_intern(&r->node_keys, k, &added);
	if (idx == NONE || !added)
		return idx;
	if (r->node_keys.keys.cap != cap) {
		rnode *grown = realloc(r->nodes, r->node_keys.keys.cap * sizeof(*grown));
		if (!grown)
			return NONE;
		r->nodes = grown;
	}
	return init_node(r, &r->nodes[idx], &r->node_keys.keys.v[idx]) ? idx : NONE;
}

/* The frames of one location into line_nodes from position *pos on. */
static bool location_nodes(pprof_report *r, const pb_location *l, size_t *pos)
{
	const pprof_profile *p = r->p;
	uint32_t objfile = 0;
	size_t j;

	if (l->mapping_id) {
		const pb_mapping *m = r->pb->mapping[pp_idmap_get(&p->mappings, l->mapping_id)];
		objfile = r->canon[m->filename];
	}
	if (l->n_line == 0)
		return (r->line_nodes[(*pos)++] = frame_node(r, NULL, objfile)) != NONE;
	for (j = 0; j < l->n_line; j++) {
		uint32_t f = pp_idmap_get(&p->functions, l->line[j]->function_id);
		if ((r->line_nodes[(*pos)++] = frame_node(r, r->pb->function[f], objfile)) == NONE)
			return false;
	}
	return true;
}

/* Builds the nodes and every location's frames, once. */
static bool build_nodes(pprof_report *r)
{
	const pb_profile *pb = r->pb;
	size_t i, n = 0, pos = 0;

	if (r->loc_first)
		return true;
	if (!build_canon(r))
		return false;
	for (i = 0; i < pb->n_location; i++)
		n += pb->location[i]->n_line ? pb->location[i]->n_line : 1;
	r->loc_first = malloc((pb->n_location + 1) * sizeof(*r->loc_first));
	r->line_nodes = malloc((n + 1) * sizeof(*r->line_nodes));
	if (!r->loc_first || !r->line_nodes || n >= NONE)
		goto fail;
	for (i = 0; i < pb->n_location; i++) {
		r->loc_first[i] = (uint32_t)pos;
		if (!location_nodes(r, pb->location[i], &pos))
			goto fail;
	}
	r->loc_first[pb->n_location] = (uint32_t)pos;
	return true;
fail:   /* start again next time: the keys may lack their nodes */
	free(r->loc_first);
	free(r->line_nodes);
	r->loc_first = NULL;
	r->line_nodes = NULL;
	key3_set_free(&r->node_keys);
	return false;
}

/* Fills r->frames with the frames of sample s, root first. */
static bool sample_frames(pprof_report *r, const pb_sample *s)
{
	size_t i, total = 0;

	r->frames.n = 0;
	for (i = 0; i < s->n_location_id; i++) {
		uint32_t l = pp_idmap_get(&r->p->locations, s->location_id[i]);
		total += r->loc_first[l + 1] - r->loc_first[l];
	}
	if (!VEC_RESERVE(r->frames, total))
		return false;
	for (i = s->n_location_id; i-- > 0;) {
		uint32_t l = pp_idmap_get(&r->p->locations, s->location_id[i]);
		uint32_t first = r->loc_first[l], j = r->loc_first[l + 1];
		while (j-- > first) {
			frame f = { r->line_nodes[j], j != r->loc_first[l + 1] - 1 };
			r->frames.v[r->frames.n++] = f;
		}
	}
	return true;
}

/* ---- distinct stacks ---------------------------------------------------- */
/*
 * Reports walk each distinct stack once, with the values of its samples
 * summed, and each distinct location of a stack once: their work grows with
 * the distinct stacks and locations, not with samples times frames, which a
 * location of a long inline chain that a stack repeats makes huge. The sums
 * wrap as the per-sample ones do, so every result is the same.
 */

/* What stack_eq compares a stack with: a sample's location ids. */
typedef struct {
	const pprof_report *r;
	const pb_sample *s;
} stack_probe;

static bool same_locations(const void *ctx, uint32_t idx)
{
	const stack_probe *k = ctx;
	const pb_sample *have = k->r->stacks.v[idx];

	return have->n_location_id == k->s->n_location_id &&
	       (have->n_location_id == 0 ||
	        memcmp(have->location_id, k->s->location_id,
	               have->n_location_id * sizeof(*have->location_id)) == 0);
}

/* Groups the samples by stack, once. */
static bool build_stacks(pprof_report *r)
{
	const pb_profile *pb = r->pb;
	pp_htab index = { 0 };
	bool ok;
	size_t i;

	if (r->sample_stack)
		return true;
	r->sample_stack = malloc((pb->n_sample + 1) * sizeof(*r->sample_stack));
	ok = r->sample_stack && pb->n_sample < NONE;
	for (i = 0; ok && i < pb->n_sample; i++) {
		const pb_sample *s = pb->sample[i];
		stack_probe k = { r, s };
		uint64_t hash = pp_hash_bytes(10, s->location_id,
		                              s->n_location_id * sizeof(*s->location_id));
		uint32_t idx = pp_htab_find(&index, hash, same_locations, &k);
		if (idx == NONE) {
			idx = (uint32_t)r->stacks.n;
			ok = VEC_RESERVE(r->stacks, r->stacks.n + 1) && pp_htab_add(&index, hash, idx);
			if (ok)
				r->stacks.v[r->stacks.n++] = s;
		}
		r->sample_stack[i] = idx;
	}
	pp_htab_free(&index);
	if (ok) {
		r->stack_sum = malloc((r->stacks.n + 1) * sizeof(*r->stack_sum));
		r->stack_weighed = malloc((r->stacks.n + 1) * sizeof(*r->stack_weighed));
		r->loc_stamp = malloc((pb->n_location + 1) * sizeof(*r->loc_stamp));
		ok = r->stack_sum && r->stack_weighed && r->loc_stamp;
	}
	if (!ok) {   /* start again next time */
		free(r->sample_stack);
		free(r->stack_sum);
		free(r->stack_weighed);
		free(r->loc_stamp);
		r->sample_stack = NULL;
		r->stack_sum = NULL;
		r->stack_weighed = NULL;
		r->loc_stamp = NULL;
		r->stacks.n = 0;
	}
	return ok;
}

/* Sums the values of sample type st per stack, and forgets which stack
 * last had each location. */
static bool sum_stacks(pprof_report *r, size_t st)
{
	size_t i;

	if (!build_stacks(r))
		return false;
	memset(r->stack_sum, 0, r->stacks.n * sizeof(*r->stack_sum));
	memset(r->stack_weighed, 0, r->stacks.n * sizeof(*r->stack_weighed));
	memset(r->loc_stamp, 0, r->pb->n_location * sizeof(*r->loc_stamp));
	for (i = 0; i < r->pb->n_sample; i++) {
		int64_t w = r->pb->sample[i]->value[st];
		uint32_t g = r->sample_stack[i];
		if (w == 0)
			continue;
		r->stack_sum[g] = add64(r->stack_sum[g], w);
		r->stack_weighed[g] = true;
	}
	return true;
}

/* The index of location id i of sample s. */
static uint32_t location_at(const pprof_report *r, const pb_sample *s, size_t i)
{
	return pp_idmap_get(&r->p->locations, s->location_id[i]);
}

/* Whether stack number stamp already had location l; marks it had. */
static bool seen_location(pprof_report *r, uint32_t l, size_t stamp)
{
	if (r->loc_stamp[l] == stamp)
		return true;
	r->loc_stamp[l] = stamp;
	return false;
}

/* ---- label keys ------------------------------------------------------- */

/* pprof's unit for a numeric label key that no label gives a unit. */
static const char *guess_unit(const char *key)
{
	return strcmp(key, "alignment") == 0 || strcmp(key, "request") == 0 ? "bytes" : key;
}

/* Per key while counting: the last sample that had it (1-based), and its
 * unit (string index + 1; 0 for none yet). */
typedef struct {
	size_t stamp;
	uint32_t unit;
} key_state;

/* The index of label key (canonical string index) in r->keys and *state,
 * adding it if new; NONE when out of memory. */
static uint32_t intern_key(pprof_report *r, key3_set *keys, key_state **state, uint32_t key)
{
	key3 k = { key, 0, 0 };
	size_t cap = keys->keys.cap;
	bool added;
	uint32_t ki = key3_intern(keys, k, &added);

	if (ki == NONE)
		return NONE;
	if (keys->keys.cap != cap) {
		key_state *grown = realloc(*state, keys->keys.cap * sizeof(*grown));
		if (!grown)
			return NONE;
		*state = grown;
		if (!VEC_RESERVE(r->keys, keys->keys.cap))
			return NONE;
	}
	if (added) {
		memset(&r->keys.v[ki], 0, sizeof(r->keys.v[ki]));
		r->keys.v[ki].key = pp_profile_cstr(r->p, key);
		r->keys.v[ki].key_len = slen(r->pb, key);
		(*state)[ki].stamp = 0;
		(*state)[ki].unit = 0;
		r->keys.n++;
	}
	return ki;
}

/* Counts one label of sample number stamp. */
static bool count_label(pprof_report *r, key3_set *keys, key3_set *values,
                        key_state **state, const pb_label *l, size_t stamp)
{
	unsigned kind = pp_label_kind(l);
	key3 v = { r->canon[l->key], (uint64_t)kind, 0 };
	pprof_label_key *pk;
	bool added;
	uint32_t ki;

	if (kind == PP_LABEL_NONE)
		return true;
	if ((ki = intern_key(r, keys, state, r->canon[l->key])) == NONE)
		return false;
	pk = &r->keys.v[ki];
	if ((*state)[ki].stamp != stamp) {
		(*state)[ki].stamp = stamp;
		pk->samples++;
	}
	v.c = kind == PP_LABEL_STR ? r->canon[l->str] : (uint64_t)l->num;
	if (key3_intern(values, v, &added) == NONE)
		return false;
	if (added)
		kind == PP_LABEL_STR ? pk->strings++ : pk->numbers++;
	if (kind == PP_LABEL_NUM && l->num_unit && !(*state)[ki].unit)
		(*state)[ki].unit = (uint32_t)l->num_unit + 1;
	return true;
}

static int compare_keys(const void *pa, const void *pb)
{
	const pprof_label_key *a = pa, *b = pb;

	return compare_bytes(a->key, a->key_len, b->key, b->key_len);
}

/* Sets each numeric key's unit: the first one given, else pprof's guess. */
static void set_units(pprof_report *r, const key_state *state)
{
	size_t i;

	for (i = 0; i < r->keys.n; i++) {
		pprof_label_key *k = &r->keys.v[i];
		if (!k->numbers)
			k->unit = "";
		else if (state[i].unit)
			k->unit = pp_profile_cstr(r->p, state[i].unit - 1);
		else
			k->unit = guess_unit(k->key);
	}
}

int pprof_report_label_keys(pprof_report *r, const pprof_label_key **keys, size_t *n)
{
	key3_set key_set = { 0 }, value_set = { 0 };
	key_state *state = NULL;
	bool ok = build_canon(r);
	size_t i, j;

	r->keys.n = 0;
	for (i = 0; ok && i < r->pb->n_sample; i++) {
		const pb_sample *s = r->pb->sample[i];
		for (j = 0; ok && j < s->n_label; j++)
			ok = count_label(r, &key_set, &value_set, &state, s->label[j], i + 1);
	}
	if (ok && state)
		set_units(r, state);
	free(state);
	key3_set_free(&key_set);
	key3_set_free(&value_set);
	if (!ok)
		return nomem(r);
	if (r->keys.n)
		qsort(r->keys.v, r->keys.n, sizeof(*r->keys.v), compare_keys);
	*keys = r->keys.v;
	*n = r->keys.n;
	return PPROF_OK;
}

/* ---- top -------------------------------------------------------------- */

/* Whether sample s is one of a -diff_base profile's base samples. */
static bool is_base_sample(const pprof_report *r, const pb_sample *s, uint32_t key,
                           uint32_t value)
{
	size_t j;

	for (j = 0; j < s->n_label; j++)
		if (s->label[j]->str && r->canon[s->label[j]->key] == key &&
		    r->canon[s->label[j]->str] == value)
			return true;
	return false;
}

/* pprof's report total (computeTotal): the sum of |value|, or of the base
 * samples' |value| when there are some with a non-zero sum. */
static int64_t report_total(const pprof_report *r, size_t st)
{
	uint32_t key = find_string(r, "pprof::base"), value = find_string(r, "true");
	int64_t total = 0, base = 0;
	size_t i;

	for (i = 0; i < r->pb->n_sample; i++) {
		const pb_sample *s = r->pb->sample[i];
		int64_t v = abs64(s->value[st]);
		total = add64(total, v);
		if (key != NONE && value != NONE && is_base_sample(r, s, key, value))
			base = add64(base, v);
	}
	return base > 0 ? base : total;
}

/* Adds w to the cum of each node of stack number stamp (sample s's) once,
 * and to the flat of its leaf. */
static void add_stack_values(pprof_report *r, const pb_sample *s, int64_t w, size_t stamp,
                             int64_t *flat_sum)
{
	size_t i, j;

	for (i = 0; i < s->n_location_id; i++) {
		uint32_t l = location_at(r, s, i);
		if (seen_location(r, l, stamp))
			continue;
		for (j = r->loc_first[l]; j < r->loc_first[l + 1]; j++) {
			rnode *n = &r->nodes[r->line_nodes[j]];
			if (n->stamp != stamp) {
				n->stamp = stamp;
				n->cum = add64(n->cum, w);
			}
		}
	}
	if (s->n_location_id) {   /* the leaf: the first Line of the first location */
		rnode *leaf = &r->nodes[r->line_nodes[r->loc_first[location_at(r, s, 0)]]];
		leaf->flat = add64(leaf->flat, w);
		*flat_sum = add64(*flat_sum, w);
	}
}

/* Sets every node's flat and cum for sample type st, as pprof's full graph
 * has them, and returns the flat sum. */
static bool add_values(pprof_report *r, size_t st, int64_t *flat_sum)
{
	size_t i, n_nodes = r->node_keys.keys.n;

	for (i = 0; i < n_nodes; i++) {
		r->nodes[i].flat = r->nodes[i].cum = 0;
		r->nodes[i].stamp = 0;
	}
	*flat_sum = 0;
	if (!sum_stacks(r, st))
		return false;
	for (i = 0; i < r->stacks.n; i++)
		if (r->stack_weighed[i])
			add_stack_values(r, r->stacks.v[i], r->stack_sum[i], i + 1, flat_sum);
	return true;
}

/* fmt.Sprint of the NodeInfo pprof keeps for n at this granularity, its
 * last tie-break; NULL when out of memory. */
static char *node_info_text(const rnode *n)
{
	size_t size = strlen(n->name) + strlen(n->objfile) + 64;
	char *s = malloc(size);

	if (s)
		snprintf(s, size, "{%s  0  %lld 0 0 %s}", n->name, (long long)n->start_line,
		         n->objfile);
	return s;
}

static int compare_info(const rnode *a, const rnode *b)
{
	char *x = node_info_text(a), *y = node_info_text(b);
	int c = x && y ? strcmp(x, y) : (a < b ? -1 : a > b);

	free(x);
	free(y);
	return c;
}

/* Compares |x| and |y| for a decreasing order. */
static int compare_abs_desc(int64_t x, int64_t y)
{
	int64_t ax = abs64(x), ay = abs64(y);   /* signed, as Go compares them */

	return ax > ay ? -1 : ax < ay;
}

/* pprof's FlatNameOrder. */
static int compare_flat(const void *pa, const void *pb)
{
	const rnode *a = *(const rnode *const *)pa, *b = *(const rnode *const *)pb;
	int c = compare_abs_desc(a->flat, b->flat);

	if (!c)
		c = compare_bytes(a->label, a->label_len, b->label, b->label_len);
	if (!c)
		c = compare_abs_desc(a->cum, b->cum);
	return c ? c : compare_info(a, b);
}

/* pprof's CumNameOrder. */
static int compare_cum(const void *pa, const void *pb)
{
	const rnode *a = *(const rnode *const *)pa, *b = *(const rnode *const *)pb;
	int c = compare_abs_desc(a->cum, b->cum);

	if (!c)
		c = compare_bytes(a->label, a->label_len, b->label, b->label_len);
	if (!c)
		c = compare_abs_desc(a->flat, b->flat);
	return c ? c : compare_info(a, b);
}

/* The nodes of the graph (non-zero flat or cum) whose |cum| reaches cutoff,
 * sorted; *n_all counts the graph's nodes. NULL when out of memory. */
static rnode **select_nodes(pprof_report *r, int64_t cutoff, bool sort_cum, size_t *n,
                            size_t *n_all)
{
	size_t i, n_nodes = r->node_keys.keys.n;
	rnode **order = malloc((n_nodes + 1) * sizeof(*order));

	if (!order)
		return NULL;
	*n = *n_all = 0;
	for (i = 0; i < n_nodes; i++) {
		rnode *node = &r->nodes[i];
		if (node->flat == 0 && node->cum == 0)
			continue;
		(*n_all)++;
		if (cutoff <= 0 || abs64(node->cum) >= cutoff)
			order[(*n)++] = node;
	}
	qsort(order, *n, sizeof(*order), sort_cum ? compare_cum : compare_flat);
	return order;
}

/* Adds the call edge from node a to node b for sample number stamp. */
static bool add_edge(key3_set *edges, redge_vec *data, const frame *from, const frame *to,
                     int64_t w, size_t stamp)
{
	key3 k = { from->node, to->node, 0 };
	bool added;
	uint32_t e = key3_intern(edges, k, &added);
	redge *d;

	if (e == NONE || !VEC_RESERVE(*data, edges->keys.n))
		return false;
	d = &data->v[e];
	if (added) {
		d->weight = 0;
		d->stamp = 0;
		d->inlined = to->inlined;
	}
	if (d->stamp == stamp)
		return true;   /* pprof counts an edge once per sample */
	d->stamp = stamp;
	d->weight = add64(d->weight, w);
	if (!to->inlined)
		d->inlined = false;
	data->n = edges->keys.n;
	return true;
}

/* Per location, its frames among the kept nodes, root first: the first and
 * the last, and the n_edges call edges between them (pairs of frames in
 * edges from position first_edge on); n_kept is 0 when it has none. */
typedef struct {
	frame first, last;
	size_t n_kept, first_edge, n_edges;
} kept_frames;

typedef struct {
	kept_frames *locs;
	VEC(frame) edges;   /* from, to, from, to, ... */
} kept_set;

/* The kept frames of every location. */
static bool find_kept_frames(const pprof_report *r, kept_set *k)
{
	size_t i, j;

	if (!(k->locs = calloc(r->pb->n_location + 1, sizeof(*k->locs))))
		return false;
	for (i = 0; i < r->pb->n_location; i++) {
		kept_frames *kf = &k->locs[i];
		uint32_t first = r->loc_first[i], end = r->loc_first[i + 1];
		kf->first_edge = k->edges.n;
		for (j = end; j-- > first;) {
			frame f = { r->line_nodes[j], j != end - 1 };
			if (!r->nodes[f.node].kept)
				continue;
			if (kf->n_kept++ == 0) {
				kf->first = f;
			} else if (kf->last.node != f.node) {
				if (!VEC_RESERVE(k->edges, k->edges.n + 2))
					return false;
				k->edges.v[k->edges.n++] = kf->last;
				k->edges.v[k->edges.n++] = f;
				kf->n_edges++;
			}
			kf->last = f;
		}
	}
	return true;
}

/* Adds the call edges between kept nodes of stack number stamp (sample s's)
 * with weight w, skipping the others as pprof's residual edges do. The
 * edges inside a location are added on its first visit only: a stack that
 * repeats it would add the same edges again, which add_edge ignores. */
static bool add_stack_edges(pprof_report *r, const kept_set *k, const pb_sample *s, int64_t w,
                            size_t stamp, key3_set *edges, redge_vec *data)
{
	const frame *parent = NULL;
	size_t i, e, n_edges;

	for (i = s->n_location_id; i-- > 0;) {
		uint32_t l = location_at(r, s, i);
		const kept_frames *kf = &k->locs[l];
		if (kf->n_kept == 0)
			continue;
		if (parent && parent->node != kf->first.node &&
		    !add_edge(edges, data, parent, &kf->first, w, stamp))
			return false;
		n_edges = seen_location(r, l, stamp) ? 0 : kf->n_edges;
		for (e = 0; e < n_edges; e++) {
			const frame *pair = &k->edges.v[kf->first_edge + 2 * e];
			if (!add_edge(edges, data, &pair[0], &pair[1], w, stamp))
				return false;
		}
		parent = &kf->last;
	}
	return true;
}

/* The call edges between kept nodes, for sample type st. */
static bool add_edges(pprof_report *r, size_t st, key3_set *edges, redge_vec *data)
{
	kept_set k = { NULL, { 0 } };
	bool ok = sum_stacks(r, st) && find_kept_frames(r, &k);
	size_t i;

	for (i = 0; ok && i < r->stacks.n; i++)
		if (r->stack_weighed[i])
			ok = add_stack_edges(r, &k, r->stacks.v[i], r->stack_sum[i], i + 1, edges, data);
	free(k.locs);
	VEC_FREE(k.edges);
	return ok;
}

/* Marks each kept node with the kinds of the edges into it that weigh at
 * least cutoff: what pprof's "(inline)" marks come from. */
static bool mark_inline(pprof_report *r, size_t st, int64_t cutoff)
{
	key3_set edges = { 0 };
	redge_vec data = { 0 };
	size_t i;
	bool ok = add_edges(r, st, &edges, &data);

	for (i = 0; i < r->node_keys.keys.n; i++)
		r->nodes[i].in_edges = 0;
	for (i = 0; ok && i < edges.keys.n; i++)
		if (abs64(data.v[i].weight) >= cutoff)
			r->nodes[edges.keys.v[i].b].in_edges |= data.v[i].inlined ? 1u : 2u;
	key3_set_free(&edges);
	VEC_FREE(data);
	return ok;
}

/* The rows from the first n of order. */
static bool fill_rows(pprof_report *r, rnode **order, size_t n)
{
	size_t i;

	if (!VEC_RESERVE(r->rows, n + 1))
		return false;
	r->top.shown = 0;
	for (i = 0; i < n; i++) {
		pprof_top_row *row = &r->rows.v[i];
		row->name = order[i]->label;
		row->name_len = order[i]->label_len;
		row->flat = order[i]->flat;
		row->cum = order[i]->cum;
		row->inlined = order[i]->in_edges == 1 ? PPROF_INLINED
		               : order[i]->in_edges == 3 ? PPROF_PARTLY_INLINED : PPROF_CALLED;
		r->top.shown = add64(r->top.shown, row->flat);
	}
	r->rows.n = n;
	r->top.rows = r->rows.v;
	r->top.n_rows = n;
	return true;
}

void pprof_top_options_init(pprof_top_options *o)
{
	o->sample_type = SIZE_MAX;
	o->max_rows = 0;
	o->node_fraction = 0.005;
	o->edge_fraction = 0.001;
	o->sort_cum = 0;
}

/* Keeps the first n of order (all nodes when rebuilt is false, as pprof's
 * graph then still has every node). */
static void keep_nodes(pprof_report *r, rnode **order, size_t n, bool rebuilt)
{
	size_t i;

	for (i = 0; i < r->node_keys.keys.n; i++)
		r->nodes[i].kept = !rebuilt;
	for (i = 0; i < n; i++)
		order[i]->kept = true;
}

int pprof_report_top(pprof_report *r, const pprof_top_options *o, const pprof_top **out)
{
	size_t st = o->sample_type, n, n_all, rows;
	int64_t flat_sum;
	rnode **order;
	bool rebuilt;

	if (!pick_sample_type(r, &st))
		return PPROF_ERR_ARG;
	if (!build_nodes(r) || !add_values(r, st, &flat_sum))
		return nomem(r);
	memset(&r->top, 0, sizeof(r->top));
	r->top.sample_type = st;
	r->top.total = report_total(r, st);
	r->top.drop_limit = abs64(scale64(r->top.total, o->node_fraction));
	order = select_nodes(r, abs64(scale64(flat_sum, o->node_fraction)), o->sort_cum, &n,
	                     &n_all);
	if (!order)
		return nomem(r);
	r->top.nodes = n;
	r->top.dropped = n_all - n;
	rows = o->max_rows && o->max_rows < n ? o->max_rows : n;
	rebuilt = rows < n_all;
	keep_nodes(r, order, rows, rebuilt);
	if (!mark_inline(r, st, abs64(scale64(flat_sum, o->edge_fraction))) ||
	    !fill_rows(r, order, rows)) {
		free(order);
		return nomem(r);
	}
	free(order);
	*out = &r->top;
	return PPROF_OK;
}

/* ---- breakdown by a label key ------------------------------------------ */

/* The values of the key being broken down, and which sample each last
 * counted (1-based). */
typedef struct {
	key3_set set;
	VEC(size_t) stamps;
} value_set;

/* Adds w to each value that sample s (number stamp) has for key; *had says
 * whether it has any. False when out of memory. */
static bool weigh_labels(pprof_report *r, value_set *vs, const pb_sample *s, uint32_t key,
                         int64_t w, size_t stamp, bool *had)
{
	pprof_breakdown *b = &r->breakdown;
	size_t j;

	*had = false;
	for (j = 0; j < s->n_label; j++) {
		const pb_label *l = s->label[j];
		unsigned kind = pp_label_kind(l);
		key3 k = { (uint64_t)kind, kind == PP_LABEL_STR ? r->canon[l->str] : (uint64_t)l->num,
		           0 };
		pprof_label_value *v;
		bool added;
		uint32_t idx;
		if (kind == PP_LABEL_NONE || r->canon[l->key] != key)
			continue;
		if ((idx = key3_intern(&vs->set, k, &added)) == NONE ||
		    !VEC_RESERVE(r->values, vs->set.keys.n) || !VEC_RESERVE(vs->stamps, vs->set.keys.n))
			return false;
		v = &r->values.v[idx];
		if (added) {
			v->str = kind == PP_LABEL_STR ? pp_profile_cstr(r->p, k.b) : NULL;
			v->str_len = kind == PP_LABEL_STR ? slen(r->pb, k.b) : 0;
			v->num = kind == PP_LABEL_NUM ? l->num : 0;
			v->weight = 0;
			v->samples = 0;
			vs->stamps.v[idx] = 0;
			r->values.n = vs->stamps.n = vs->set.keys.n;
		}
		if (vs->stamps.v[idx] != stamp) {
			vs->stamps.v[idx] = stamp;
			v->samples++;
		}
		if (kind == PP_LABEL_NUM && l->num_unit && !*b->unit)
			b->unit = pp_profile_cstr(r->p, l->num_unit);
		v->weight = add64(v->weight, w);
		b->total = add64(b->total, w);
		*had = true;
	}
	return true;
}

/* pprof -tags order: |weight| decreasing, then strings before numbers, by
 * value. */
static int compare_values(const void *pa, const void *pb)
{
	const pprof_label_value *a = pa, *b = pb;
	int c = compare_abs_desc(a->weight, b->weight);

	if (c)
		return c;
	if (!a->str != !b->str)
		return a->str ? -1 : 1;
	if (a->str)
		return compare_bytes(a->str, a->str_len, b->str, b->str_len);
	return a->num < b->num ? -1 : a->num > b->num;
}

/* Weighs every sample's labels with key (NONE: no label has it). */
static bool weigh_all(pprof_report *r, uint32_t key, size_t st)
{
	pprof_breakdown *b = &r->breakdown;
	value_set vs = { { { 0 }, { 0 } }, { 0 } };
	bool ok = true, had = false;
	size_t i;

	for (i = 0; ok && i < r->pb->n_sample; i++) {
		const pb_sample *s = r->pb->sample[i];
		if (key != NONE)
			ok = weigh_labels(r, &vs, s, key, s->value[st], i + 1, &had);
		if (ok && !had) {
			b->unlabelled = add64(b->unlabelled, s->value[st]);
			b->unlabelled_samples++;
		}
	}
	key3_set_free(&vs.set);
	VEC_FREE(vs.stamps);
	return ok;
}

int pprof_report_by_label(pprof_report *r, const char *key, size_t sample_type,
                          const pprof_breakdown **out)
{
	size_t st = sample_type, i;
	pprof_breakdown *b = &r->breakdown;

	if (!pick_sample_type(r, &st))
		return PPROF_ERR_ARG;
	if (!build_canon(r))
		return nomem(r);
	memset(b, 0, sizeof(*b));
	b->sample_type = st;
	b->unit = "";
	r->values.n = 0;
	if (!weigh_all(r, find_string(r, key), st))
		return nomem(r);
	for (i = 0; i < r->values.n && !*b->unit; i++)   /* numbers without a unit */
		if (!r->values.v[i].str)
			b->unit = guess_unit(key);
	if (r->values.n)
		qsort(r->values.v, r->values.n, sizeof(*r->values.v), compare_values);
	b->n_values = r->values.n;
	b->values = r->values.v;
	*out = b;
	return PPROF_OK;
}

/* ---- folded stacks ------------------------------------------------------ */

/* A distinct stack: its node indices (in the pool, root first) and sum. */
typedef struct {
	size_t first;
	uint32_t n;
	int64_t value;
} stack_rec;

/* A stack being sorted: its names at hand, since qsort passes no context. */
typedef struct {
	const uint32_t *ids;
	uint32_t n;
	int64_t value;
	const rnode *nodes;
} stack_ref;

typedef struct {
	VEC(uint32_t) pool;
	VEC(stack_rec) stacks;
	pp_htab index;
} stack_set;

/* What stack_eq compares with: the frames at hand. */
typedef struct {
	const stack_set *set;
	const pprof_report *r;
} stack_key;

static bool stack_eq(const void *ctx, uint32_t idx)
{
	const stack_key *k = ctx;
	const stack_rec *s = &k->set->stacks.v[idx];
	size_t j;

	if (s->n != k->r->frames.n)
		return false;
	for (j = 0; j < s->n; j++)
		if (k->set->pool.v[s->first + j] != k->r->frames.v[j].node)
			return false;
	return true;
}

/* Adds w to the stack in r->frames. */
static bool add_stack(pprof_report *r, stack_set *set, int64_t w)
{
	stack_key key = { set, r };
	uint64_t hash = pp_hash_mix(9, r->frames.n);
	uint32_t idx;
	stack_rec *s;
	size_t j;

	for (j = 0; j < r->frames.n; j++)
		hash = pp_hash_mix(hash, r->frames.v[j].node);
	idx = pp_htab_find(&set->index, hash, stack_eq, &key);
	if (idx != NONE) {
		set->stacks.v[idx].value = add64(set->stacks.v[idx].value, w);
		return true;
	}
	idx = (uint32_t)set->stacks.n;
	if (idx >= NONE - 1 || !VEC_RESERVE(set->stacks, set->stacks.n + 1) ||
	    !VEC_RESERVE(set->pool, set->pool.n + r->frames.n) ||
	    !pp_htab_add(&set->index, hash, idx))
		return false;
	s = &set->stacks.v[set->stacks.n++];
	s->first = set->pool.n;
	s->n = (uint32_t)r->frames.n;
	s->value = w;
	for (j = 0; j < r->frames.n; j++)
		set->pool.v[set->pool.n++] = r->frames.v[j].node;
	return true;
}

/* Reads the names of a stack joined with ';', one byte at a time. */
typedef struct {
	const stack_ref *s;
	uint32_t frame;
	const char *at;
} joined;

/* The next byte, or -1 at the end. */
static int joined_next(joined *j)
{
	if (*j->at)
		return (unsigned char)*j->at++;
	if (j->frame + 1 >= j->s->n)
		return -1;
	j->frame++;
	j->at = j->s->nodes[j->s->ids[j->frame]].folded;
	return ';';
}

static int compare_stacks(const void *pa, const void *pb)
{
	const stack_ref *a = pa, *b = pb;
	joined x = { a, 0, a->n ? a->nodes[a->ids[0]].folded : "" };
	joined y = { b, 0, b->n ? b->nodes[b->ids[0]].folded : "" };
	int c, d;

	do {
		c = joined_next(&x);
		d = joined_next(&y);
	} while (c == d && c != -1);
	return c < d ? -1 : c > d;
}

/* Passes the stacks with non-zero sums to fn in order. */
static int emit_stacks(pprof_report *r, stack_set *set, pprof_stack_fn fn, void *ctx)
{
	stack_ref *refs = malloc((set->stacks.n + 1) * sizeof(*refs));
	const char **names = NULL;
	size_t i, j, n = 0, deepest = 0;
	int rc = PPROF_OK;

	for (i = 0; refs && i < set->stacks.n; i++) {
		const stack_rec *s = &set->stacks.v[i];
		stack_ref ref = { set->pool.v + s->first, s->n, s->value, r->nodes };
		if (s->value == 0)
			continue;
		refs[n++] = ref;
		if (s->n > deepest)
			deepest = s->n;
	}
	if (!refs || !(names = malloc((deepest + 1) * sizeof(*names)))) {
		free(refs);
		return nomem(r);
	}
	qsort(refs, n, sizeof(*refs), compare_stacks);
	for (i = 0; i < n && rc == PPROF_OK; i++) {
		for (j = 0; j < refs[i].n; j++)
			names[j] = r->nodes[refs[i].ids[j]].folded;
		rc = fn(ctx, names, refs[i].n, refs[i].value);
	}
	free(names);
	free(refs);
	return rc;
}

/* Sets each node's name for collapsed stacks, one line of text: its label
 * escaped (pprof_escape), with ';' (the frame separator) made ':'. */
static bool fold_labels(pprof_report *r)
{
	size_t i, len;

	for (i = 0; i < r->node_keys.keys.n; i++) {
		rnode *n = &r->nodes[i];
		char *s;
		n->folded = n->label;
		len = pprof_escape(NULL, 0, n->label, n->label_len);
		if (len == n->label_len && !memchr(n->label, ';', len))
			continue;   /* (no NUL either: it would have been escaped) */
		if (!(s = pp_arena_alloc(r->arena, len + 1)))
			return false;
		pprof_escape(s, len + 1, n->label, n->label_len);
		n->folded = s;
		for (; (s = strchr(s, ';')); s++)
			*s = ':';
	}
	return true;
}

int pprof_report_folded(pprof_report *r, size_t sample_type, pprof_stack_fn fn, void *ctx)
{
	stack_set set = { { 0 }, { 0 }, { 0 } };
	size_t st = sample_type, i;
	int rc = PPROF_OK;

	if (!pick_sample_type(r, &st))
		return PPROF_ERR_ARG;
	if (!build_nodes(r) || !fold_labels(r) || !sum_stacks(r, st))
		return nomem(r);
	for (i = 0; i < r->stacks.n && rc == PPROF_OK; i++) {
		const pb_sample *s = r->stacks.v[i];
		if (r->stack_sum[i] != 0 && s->n_location_id &&
		    (!sample_frames(r, s) || !add_stack(r, &set, r->stack_sum[i])))
			rc = nomem(r);
	}
	if (rc == PPROF_OK)
		rc = emit_stacks(r, &set, fn, ctx);
	VEC_FREE(set.pool);
	VEC_FREE(set.stacks);
	pp_htab_free(&set.index);
	return rc;
}
