/*
 * report_top.c - pprof -top at the "functions" granularity (HACKING.md
 * section 8): values per node, the cutoffs, the order and the inline marks.
 * report.c says what a report computes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* ---- top -------------------------------------------------------------- */

/* Whether sample s is one of a -diff_base profile's base samples. */
static bool is_base_sample(const pprof_report *r, const pb_sample *s, uint32_t key, uint32_t value)
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
	uint32_t key = rp_find_string(r, "pprof::base"), value = rp_find_string(r, "true");
	int64_t total = 0, base = 0;
	size_t i;

	for (i = 0; i < r->pb->n_sample; i++) {
		const pb_sample *s = r->pb->sample[i];
		int64_t v = rp_abs64(s->value[st]);
		total = rp_add64(total, v);
		if (key != NONE && value != NONE && is_base_sample(r, s, key, value))
			base = rp_add64(base, v);
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
		uint32_t l = rp_location_at(r, s, i);
		if (rp_seen_location(r, l, stamp))
			continue;
		for (j = r->loc_first[l]; j < r->loc_first[l + 1]; j++) {
			rnode *n = &r->nodes[r->line_nodes[j]];
			if (n->stamp != stamp) {
				n->stamp = stamp;
				n->cum = rp_add64(n->cum, w);
			}
		}
	}
	if (s->n_location_id) { /* the leaf: the first Line of the first location */
		rnode *leaf = &r->nodes[r->line_nodes[r->loc_first[rp_location_at(r, s, 0)]]];
		leaf->flat = rp_add64(leaf->flat, w);
		*flat_sum = rp_add64(*flat_sum, w);
	}
}

/* Sets every node's flat and cum for sample type st, as pprof's full graph
 * has them, and returns the flat sum. */
static bool add_values(pprof_report *r, size_t st, int64_t *flat_sum)
{
	size_t i, n_nodes = r->node_keys.n;

	for (i = 0; i < n_nodes; i++) {
		r->nodes[i].flat = r->nodes[i].cum = 0;
		r->nodes[i].stamp = 0;
	}
	*flat_sum = 0;
	if (!rp_sum_stacks(r, st))
		return false;
	for (i = 0; i < r->stacks.n; i++)
		if (r->stack_weighed[i])
			add_stack_values(r, r->stacks.v[i], r->stack_sum[i], i + 1, flat_sum);
	return true;
}

/* fmt.Sprint of the NodeInfo pprof keeps for n, its last tie-break; NULL
 * when out of memory. */
static char *node_info_text(const rnode *n)
{
	size_t size = strlen(n->name) + strlen(n->file) + strlen(n->objfile) + 128;
	char *s = malloc(size);

	if (s)
		snprintf(s, size, "{%s  %" PRIu64 " %s %" PRId64 " %" PRId64 " %" PRId64 " %s}",
		         n->name, n->address, n->file, n->start_line, n->line, n->column,
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
int rp_compare_abs_desc(int64_t x, int64_t y)
{
	int64_t ax = rp_abs64(x), ay = rp_abs64(y); /* signed, as Go compares them */

	return ax > ay ? -1 : ax < ay;
}

/* pprof's FlatNameOrder. */
static int compare_flat(const void *pa, const void *pb)
{
	const rnode *a = *(const rnode *const *)pa, *b = *(const rnode *const *)pb;
	int c = rp_compare_abs_desc(a->flat, b->flat);

	if (!c)
		c = rp_compare_bytes(a->label, a->label_len, b->label, b->label_len);
	if (!c)
		c = rp_compare_abs_desc(a->cum, b->cum);
	return c ? c : compare_info(a, b);
}

/* pprof's CumNameOrder. */
static int compare_cum(const void *pa, const void *pb)
{
	const rnode *a = *(const rnode *const *)pa, *b = *(const rnode *const *)pb;
	int c = rp_compare_abs_desc(a->cum, b->cum);

	if (!c)
		c = rp_compare_bytes(a->label, a->label_len, b->label, b->label_len);
	if (!c)
		c = rp_compare_abs_desc(a->flat, b->flat);
	return c ? c : compare_info(a, b);
}

/* The nodes of the graph (non-zero flat or cum) whose |cum| reaches cutoff,
 * sorted; *n_all counts the graph's nodes. NULL when out of memory. */
static rnode **select_nodes(pprof_report *r, int64_t cutoff, bool sort_cum, size_t *n,
                            size_t *n_all)
{
	size_t i, n_nodes = r->node_keys.n;
	rnode **order = malloc((n_nodes + 1) * sizeof(*order));

	if (!order)
		return NULL;
	*n = *n_all = 0;
	for (i = 0; i < n_nodes; i++) {
		rnode *node = &r->nodes[i];
		if (node->flat == 0 && node->cum == 0)
			continue;
		(*n_all)++;
		if (cutoff <= 0 || rp_abs64(node->cum) >= cutoff)
			order[(*n)++] = node;
	}
	qsort(order, *n, sizeof(*order), sort_cum ? compare_cum : compare_flat);
	return order;
}

/* Adds the call edge from node a to node b for sample number stamp. */
static bool add_edge(rp_set *edges, redge_vec *data, const frame *from, const frame *to, int64_t w,
                     size_t stamp)
{
	key3 k = { from->node, to->node, 0 };
	bool added;
	uint32_t e = rp_key3_intern(edges, k, &added);
	redge *d;

	if (e == NONE || !VEC_RESERVE(*data, edges->n))
		return false;
	d = &data->v[e];
	if (added) {
		d->weight = 0;
		d->stamp = 0;
		d->inlined = to->inlined;
	}
	if (d->stamp == stamp)
		return true; /* pprof counts an edge once per sample */
	d->stamp = stamp;
	d->weight = rp_add64(d->weight, w);
	if (!to->inlined)
		d->inlined = false;
	data->n = edges->n;
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
	VEC(frame) edges; /* from, to, from, to, ... */
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
                            size_t stamp, rp_set *edges, redge_vec *data)
{
	const frame *parent = NULL;
	size_t i, e, n_edges;

	for (i = s->n_location_id; i-- > 0;) {
		uint32_t l = rp_location_at(r, s, i);
		const kept_frames *kf = &k->locs[l];
		if (kf->n_kept == 0)
			continue;
		if (parent && parent->node != kf->first.node &&
		    !add_edge(edges, data, parent, &kf->first, w, stamp))
			return false;
		n_edges = rp_seen_location(r, l, stamp) ? 0 : kf->n_edges;
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
static bool add_edges(pprof_report *r, size_t st, rp_set *edges, redge_vec *data)
{
	kept_set k = { NULL, { 0 } };
	bool ok = rp_sum_stacks(r, st) && find_kept_frames(r, &k);
	size_t i;

	for (i = 0; ok && i < r->stacks.n; i++)
		if (r->stack_weighed[i])
			ok = add_stack_edges(r, &k, r->stacks.v[i], r->stack_sum[i], i + 1, edges,
			                     data);
	free(k.locs);
	VEC_FREE(k.edges);
	return ok;
}

/* Marks each kept node with the kinds of the edges into it that weigh at
 * least cutoff: what pprof's "(inline)" marks come from. */
static bool mark_inline(pprof_report *r, size_t st, int64_t cutoff)
{
	rp_set edges = { 0 };
	redge_vec data = { 0 };
	size_t i;
	bool ok = add_edges(r, st, &edges, &data);

	for (i = 0; i < r->node_keys.n; i++)
		r->nodes[i].in_edges = 0;
	for (i = 0; ok && i < edges.n; i++)
		if (rp_abs64(data.v[i].weight) >= cutoff)
			r->nodes[rp_key3_at(&edges, (uint32_t)i)->b].in_edges |=
				data.v[i].inlined ? 1u : 2u;
	rp_set_free(&edges);
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
		row->inlined = order[i]->in_edges == 1   ? PPROF_INLINED
		               : order[i]->in_edges == 3 ? PPROF_PARTLY_INLINED
		                                         : PPROF_CALLED;
		r->top.shown = rp_add64(r->top.shown, row->flat);
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

	for (i = 0; i < r->node_keys.n; i++)
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

	if (!rp_pick_sample_type(r, &st))
		return PPROF_ERR_ARG;
	if (!rp_build_nodes(r, true) || !add_values(r, st, &flat_sum))
		return rp_nomem(r);
	memset(&r->top, 0, sizeof(r->top));
	r->top.sample_type = st;
	r->top.total = report_total(r, st);
	r->top.drop_limit = rp_abs64(rp_scale64(r->top.total, o->node_fraction));
	order = select_nodes(r, rp_abs64(rp_scale64(flat_sum, o->node_fraction)), o->sort_cum, &n,
	                     &n_all);
	if (!order)
		return rp_nomem(r);
	r->top.nodes = n;
	r->top.dropped = n_all - n;
	rows = o->max_rows && o->max_rows < n ? o->max_rows : n;
	rebuilt = rows < n_all;
	keep_nodes(r, order, rows, rebuilt);
	if (!mark_inline(r, st, rp_abs64(rp_scale64(flat_sum, o->edge_fraction))) ||
	    !fill_rows(r, order, rows)) {
		free(order);
		return rp_nomem(r);
	}
	free(order);
	*out = &r->top;
	return PPROF_OK;
}
