/*
 * report_folded.c - folded stacks, as pprof -traces gives them, with the
 * labels (HACKING.md section 8). report.c says what a report computes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

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
	uint32_t *same; /* per node: the first node with the same folded name */
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
		if (k->set->pool.v[s->first + j] != k->set->same[k->r->frames.v[j].node])
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
		hash = pp_hash_mix(hash, set->same[r->frames.v[j].node]);
	idx = pp_htab_find(&set->index, hash, stack_eq, &key);
	if (idx != NONE) {
		set->stacks.v[idx].value = rp_add64(set->stacks.v[idx].value, w);
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
		set->pool.v[set->pool.n++] = set->same[r->frames.v[j].node];
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
		return rp_nomem(r);
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

	for (i = 0; i < r->node_keys.n; i++) {
		rnode *n = &r->nodes[i];
		char *s;
		n->folded = n->label;
		len = pprof_escape(NULL, 0, n->label, n->label_len);
		if (len == n->label_len && !memchr(n->label, ';', len))
			continue; /* (no NUL either: it would have been escaped) */
		if (!(s = pp_arena_alloc(r->arena, len + 1)))
			return false;
		pprof_escape(s, len + 1, n->label, n->label_len);
		n->folded = s;
		for (; (s = strchr(s, ';')); s++)
			*s = ':';
	}
	return true;
}

static bool same_name(const void *ctx, uint32_t idx)
{
	const pprof_report *r = ((const void *const *)ctx)[0];
	const char *name = ((const void *const *)ctx)[1];

	return strcmp(r->nodes[idx].folded, name) == 0;
}

/* Maps each node to the first node with the same folded name: distinct
 * nodes may print alike (two nameless functions of a binary, at "files"
 * two functions of a file), and stacks are of names, as pprof's traces. */
static uint32_t *same_names(const pprof_report *r)
{
	size_t i, n = r->node_keys.n;
	uint32_t *same = malloc((n + 1) * sizeof(*same));
	pp_htab index = { 0 };
	bool ok = same != NULL;

	for (i = 0; ok && i < n; i++) {
		const char *name = r->nodes[i].folded;
		const void *ctx[2] = { r, name };
		uint64_t hash = pp_hash_bytes(12, name, strlen(name));
		uint32_t found = pp_htab_find(&index, hash, same_name, ctx);
		same[i] = found == NONE ? (uint32_t)i : found;
		ok = found != NONE || pp_htab_add(&index, hash, (uint32_t)i);
	}
	pp_htab_free(&index);
	if (!ok) {
		free(same);
		return NULL;
	}
	return same;
}

int pprof_report_folded(pprof_report *r, size_t sample_type, pprof_stack_fn fn, void *ctx)
{
	stack_set set = { { 0 }, { 0 }, { 0 }, NULL };
	size_t st = sample_type, i;
	int rc = PPROF_OK;

	if (!rp_pick_sample_type(r, &st))
		return PPROF_ERR_ARG;
	if (!rp_build_nodes(r, false) || !fold_labels(r) || !rp_sum_stacks(r, st) ||
	    !(set.same = same_names(r)))
		return rp_nomem(r);
	for (i = 0; i < r->stacks.n && rc == PPROF_OK; i++) {
		const pb_sample *s = r->stacks.v[i];
		if (r->stack_sum[i] != 0 && s->n_location_id &&
		    (!rp_sample_frames(r, s) || !add_stack(r, &set, r->stack_sum[i])))
			rc = rp_nomem(r);
	}
	if (rc == PPROF_OK)
		rc = emit_stacks(r, &set, fn, ctx);
	VEC_FREE(set.pool);
	VEC_FREE(set.stacks);
	pp_htab_free(&set.index);
	free(set.same);
	return rc;
}
