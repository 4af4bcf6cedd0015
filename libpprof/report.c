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
 *
 * This file holds the handle, the canonical strings, the nodes and the
 * stacks; the results are made in report_top.c, report_labels.c and
 * report_folded.c (report.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* ---- small helpers ---------------------------------------------------- */

/* The length of string i, which may hold NULs. */
size_t rp_slen(const pb_profile *pb, uint64_t i)
{
	return pb->string_table[i].len;
}

/* Orders byte strings as Go orders strings. */
int rp_compare_bytes(const char *a, size_t a_len, const char *b, size_t b_len)
{
	int c = memcmp(a, b, a_len < b_len ? a_len : b_len);

	return c ? c : (a_len > b_len) - (a_len < b_len);
}

/* |v| as Go's abs64 computes it (wrapping at the minimum). */
int64_t rp_abs64(int64_t v)
{
	return v < 0 ? (int64_t)(0 - (uint64_t)v) : v;
}

/* a + b wrapping like Go's int64. */
int64_t rp_add64(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}

/* Go's int64(float64(v) * f): pprof's cutoffs. */
int64_t rp_scale64(int64_t v, double f)
{
	double x = (double)v * f;

	if (x >= 9223372036854775807.0 || x < -9223372036854775807.0)
		return INT64_MIN; /* what Go gives on amd64 for out-of-range values */
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
uint32_t rp_key3_intern(key3_set *s, key3 k, bool *added)
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

void rp_key3_set_free(key3_set *s)
{
	VEC_FREE(s->keys);
	pp_htab_free(&s->index);
}

int rp_nomem(pprof_report *r)
{
	pp_seterr(r->err, "out of memory");
	return PPROF_ERR_NOMEM;
}

/* ---- sample types ----------------------------------------------------- */

/* The sample type asked for (SIZE_MAX: the default), or false with the
 * error set. */
bool rp_pick_sample_type(pprof_report *r, size_t *st)
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
	rp_key3_set_free(&r->node_keys);
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
	rp_tags_free(r->tags);
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
bool rp_build_canon(pprof_report *r)
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
uint32_t rp_find_string(const pprof_report *r, const char *s)
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
static const char *objfile_label(pprof_report *r, const char *path, size_t len, size_t *label_len)
{
	size_t start;
	char *label;

	while (len > 1 && path[len - 1] == '/')
		len--;
	start = len;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (start == len && len == 1) /* "/" */
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
	n->label_len = rp_slen(r->pb, k->a);
	if (!n->label_len && rp_slen(r->pb, k->b))
		n->label = objfile_label(r, n->objfile, rp_slen(r->pb, k->b), &n->label_len);
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
	idx = rp_key3_intern(&r->node_keys, k, &added);
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
bool rp_build_nodes(pprof_report *r)
{
	const pb_profile *pb = r->pb;
	size_t i, n = 0, pos = 0;

	if (r->loc_first)
		return true;
	if (!rp_build_canon(r))
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
fail: /* start again next time: the keys may lack their nodes */
	free(r->loc_first);
	free(r->line_nodes);
	r->loc_first = NULL;
	r->line_nodes = NULL;
	rp_key3_set_free(&r->node_keys);
	return false;
}

/* Fills r->frames with the frames of sample s, root first. */
bool rp_sample_frames(pprof_report *r, const pb_sample *s)
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

/* What same_locations compares a stack with: a sample's location ids. */
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
			ok = VEC_RESERVE(r->stacks, r->stacks.n + 1) &&
			     pp_htab_add(&index, hash, idx);
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
	if (!ok) { /* start again next time */
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
bool rp_sum_stacks(pprof_report *r, size_t st)
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
		r->stack_sum[g] = rp_add64(r->stack_sum[g], w);
		r->stack_weighed[g] = true;
	}
	return true;
}

/* The index of location id i of sample s. */
uint32_t rp_location_at(const pprof_report *r, const pb_sample *s, size_t i)
{
	return pp_idmap_get(&r->p->locations, s->location_id[i]);
}

/* Whether stack number stamp already had location l; marks it had. */
bool rp_seen_location(pprof_report *r, uint32_t l, size_t stamp)
{
	if (r->loc_stamp[l] == stamp)
		return true;
	r->loc_stamp[l] = stamp;
	return false;
}
