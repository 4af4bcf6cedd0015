/*
 * stat-flame.c - pprof-stat --flamegraph: the stacks of --folded as one
 * self-contained SVG (HACKING.md section 13). The stacks are added into a
 * tree of frames (a frame: a name under a parent) and the frames wide enough
 * to draw are chosen here; stat-flame-svg.c lays them out and writes each as
 * a <g class="frame"> whose <title> says everything about it. A profile of
 * pprof-merge --diff-base is split with the filter into its base part and
 * the whole, so that each frame has NEW's value and OLD's.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "stat-flame.h"

/* ---- hashing, the tables -------------------------------------------- */

static uint32_t hash_child(uint32_t parent, uint32_t name)
{
	uint64_t h = ((uint64_t)parent << 32 | name) * 0x9E3779B97F4A7C15ull;
	return (uint32_t)(h >> 32);
}

/* Doubles t when half full; false when out of memory. */
static bool itab_grow(itab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1024, i, j;
	islot *slot;

	if (t->n * 2 < t->cap)
		return true;
	if (!(slot = calloc(cap, sizeof(*slot))))
		return false;
	for (i = 0; i < t->cap; i++) {
		if (!t->slot[i].index)
			continue;
		for (j = t->slot[i].hash & (cap - 1); slot[j].index; j = (j + 1) & (cap - 1))
			;
		slot[j] = t->slot[i];
	}
	free(t->slot);
	t->slot = slot;
	t->cap = cap;
	return true;
}

/* The index of name s, added if new; NONE when out of memory. */
static uint32_t intern(flame *fl, const char *s)
{
	uint32_t h = hash_bytes(s), i;
	size_t j;

	if (!itab_grow(&fl->name_index))
		return NONE;
	for (j = h & (fl->name_index.cap - 1); fl->name_index.slot[j].index;
	     j = (j + 1) & (fl->name_index.cap - 1)) {
		i = fl->name_index.slot[j].index - 1;
		if (fl->name_index.slot[j].hash == h && strcmp(fl->names[i], s) == 0)
			return i;
	}
	if (fl->n_names == fl->cap_names) {
		size_t cap = fl->cap_names ? fl->cap_names * 2 : 256;
		char **names = realloc(fl->names, cap * sizeof(*names));
		size_t *xml = names ? realloc(fl->name_xml, cap * sizeof(*xml)) : NULL;
		if (names)
			fl->names = names;
		if (!xml)
			return NONE;
		fl->name_xml = xml;
		fl->cap_names = cap;
	}
	i = (uint32_t)fl->n_names;
	if (!(fl->names[i] = strdup(s)))
		return NONE;
	fl->name_xml[i] = flame_xml_length(s);
	fl->n_names++;
	fl->name_index.slot[j] = (islot){ i + 1, h };
	fl->name_index.n++;
	return i;
}

/* A new frame; NONE when out of memory. */
static uint32_t new_node(flame *fl, uint32_t parent, uint32_t name)
{
	fnode *n;

	if (fl->n_nodes >= NONE - 1)
		return NONE;
	if (fl->n_nodes == fl->cap_nodes) {
		size_t cap = fl->cap_nodes ? fl->cap_nodes * 2 : 1024;
		fnode *nodes = realloc(fl->nodes, cap * sizeof(*nodes));
		if (!nodes)
			return NONE;
		fl->nodes = nodes;
		fl->cap_nodes = cap;
	}
	n = &fl->nodes[fl->n_nodes];
	memset(n, 0, sizeof(*n));
	n->name = name;
	n->parent = parent;
	n->child = n->sibling = NONE;
	if (parent != NONE) {
		n->depth = fl->nodes[parent].depth + 1;
		n->sibling = fl->nodes[parent].child;
		fl->nodes[parent].child = (uint32_t)fl->n_nodes;
	}
	return (uint32_t)fl->n_nodes++;
}

/* The child of parent named s, added if new; NONE when out of memory.
 * fresh: parent is new in this stack, so the child is new too. */
static uint32_t child_of(flame *fl, uint32_t parent, const char *s, bool fresh)
{
	uint32_t name = intern(fl, s), h, i;
	islot *slot;
	size_t j, mask;

	if (name == NONE || !itab_grow(&fl->child_index))
		return NONE;
	h = hash_child(parent, name);
	mask = fl->child_index.cap - 1;
	for (j = h & mask; (slot = &fl->child_index.slot[j])->index; j = (j + 1) & mask) {
		const fnode *c = &fl->nodes[slot->index - 1];
		if (!fresh && slot->hash == h && c->parent == parent && c->name == name)
			return slot->index - 1;
	}
	if ((i = new_node(fl, parent, name)) == NONE)
		return NONE;
	*slot = (islot){ i + 1, h };
	fl->child_index.n++;
	return i;
}

/* ---- the tree ------------------------------------------------------- */

/* pprof_stack_fn: adds a stack. Stacks come sorted by their joined names,
 * so most share a start with the one before: that part is walked by
 * comparing names, the rest found in the table of children (a frame's
 * stacks need not be adjacent: "f;g" sorts after "f.func1;h"). */
static int add_stack(void *ctx, const char *const *frames, size_t n, int64_t value)
{
	flame *fl = ctx;
	size_t k = 0, j;
	uint32_t node;
	bool fresh = false;

	if (n + 1 > fl->path_cap) {
		size_t cap = (n + 1) * 2;
		uint32_t *path = realloc(fl->path, cap * sizeof(*path));
		if (!path)
			return PPROF_ERR_NOMEM;
		fl->path = path;
		fl->path_cap = cap;
	}
	fl->path[0] = 0;
	while (k < n && k + 1 < fl->path_n &&
	       strcmp(frames[k], fl->names[fl->nodes[fl->path[k + 1]].name]) == 0)
		k++;
	node = fl->path[k];
	for (j = k; j < n; j++) {
		uint32_t parent = node;
		if ((node = child_of(fl, parent, frames[j], fresh)) == NONE)
			return PPROF_ERR_NOMEM;
		fresh = node + 1 == fl->n_nodes && fl->nodes[node].child == NONE;
		fl->path[j + 1] = node;
	}
	fl->path_n = n + 1;
	if (fl->base_part)
		fl->nodes[node].old = add64(fl->nodes[node].old, value);
	else
		fl->nodes[node].now = add64(fl->nodes[node].now, value);
	fl->negative |= value < 0;
	return PPROF_OK;
}

/* Sums the stacks into their frames: children come after their parents, so
 * one pass from the last frame adds each into its parent. */
static void sum_frames(flame *fl)
{
	size_t i;

	for (i = 0; i < fl->n_nodes; i++) {
		fnode *n = &fl->nodes[i];
		int64_t base = n->old; /* the base part's: OLD negated */
		int64_t old = (int64_t)(0 - (uint64_t)base);
		n->now = fl->kind == DIFF ? add64(n->now, old) : n->now;
		n->old = fl->kind == DIFF ? old : 0;
		n->width = abs64(n->now);
	}
	for (i = fl->n_nodes; i-- > 1;) {
		fnode *n = &fl->nodes[i], *p = &fl->nodes[n->parent];
		p->now = add64(p->now, n->now);
		p->old = add64(p->old, n->old);
		p->width = add64(p->width, n->width);
	}
	fl->total = fl->nodes[0].width;
}

/* ---- which frames are drawn ------------------------------------------ */

/* Bytes a frame takes in the SVG, at most about: the markup and numbers
 * (198 at most in a plain graph of synth-100k.pb.gz, with values of 13
 * digits; a diff's two more values and line more), its name twice, and the
 * part of it shown (in characters of up to 4 bytes). */
static double frame_cost(const flame *fl, const fnode *n)
{
	double markup = fl->kind == DIFF ? 340 : fl->kind == SIGNED ? 275 : 215;
	double name = (double)fl->name_xml[n->name], room = (px(fl, n->width) - 6) / CHAR_W;

	return markup + 2 * name + (room < 3 ? 0 : name < 4 * room + 2 ? name : 4 * room + 2);
}

/* A frame and its width, to sort by. */
typedef struct {
	int64_t width;
	uint32_t node;
} wide;

/* Widest first, then parents first (a parent comes before its children). */
static int by_width(const void *pa, const void *pb)
{
	const wide *a = pa, *b = pb;

	if (a->width != b->width)
		return a->width > b->width ? -1 : 1;
	return (a->node > b->node) - (a->node < b->node);
}

/* When the frames at least --min-width wide (kept) would make too large an
 * SVG, only the widest that fit are drawn: the width of the first left out
 * becomes the limit. */
static void fit_budget(flame *fl, wide *kept, size_t n_kept)
{
	double cost = 0;
	size_t i;

	for (i = 0; i < n_kept; i++)
		cost += frame_cost(fl, &fl->nodes[kept[i].node]);
	if (cost <= FRAME_BUDGET)
		return;
	qsort(kept, n_kept, sizeof(*kept), by_width);
	for (cost = 0, i = 0; i < n_kept; i++) {
		cost += frame_cost(fl, &fl->nodes[kept[i].node]);
		if (cost > FRAME_BUDGET)
			break;
	}
	if (i < n_kept) {
		int64_t limit = kept[i].width;
		fl->min_px = px(fl, limit);
		for (i = 0; i < n_kept; i++)
			if (kept[i].width <= limit && kept[i].node != 0)
				fl->nodes[kept[i].node].drawn = false;
	}
}

/* Marks the frames to draw: the root, and those at least --min-width wide
 * (a child is never wider than its parent, so no drawn frame lacks its
 * parent), within the budget. */
static bool choose_frames(flame *fl)
{
	wide *kept = malloc(fl->n_nodes * sizeof(*kept));
	size_t i, n_kept = 0;

	if (!kept)
		return false;
	fl->min_px = fl->o->flame.min_width;
	for (i = 0; i < fl->n_nodes; i++) {
		fnode *n = &fl->nodes[i];
		n->drawn = i == 0 || (n->width > 0 && px(fl, n->width) >= fl->min_px);
		if (n->drawn)
			kept[n_kept++] = (wide){ n->width, (uint32_t)i };
	}
	fit_budget(fl, kept, n_kept);
	free(kept);
	fl->max_depth = 0;
	fl->left_out = 0;
	for (i = 0; i < fl->n_nodes; i++) {
		if (!fl->nodes[i].drawn)
			fl->left_out++;
		else if (fl->nodes[i].depth > fl->max_depth)
			fl->max_depth = fl->nodes[i].depth;
	}
	return true;
}

/* ---- the stacks of a --diff-base profile's base ---------------------- */

/* Adds the stacks of f->p's samples labelled pprof::base=true (a copy of the
 * profile, filtered) as the base part. */
static int add_base_part(flame *fl, const stat_facts *f, const stat_options *o)
{
	pprof_merger *m = pprof_merger_new();
	pprof_filter *filter = pprof_filter_new();
	pprof_profile *part = NULL;
	pprof_report *r = NULL;
	int rc = m && filter ? PPROF_OK : PPROF_ERR_NOMEM;

	if (rc == PPROF_OK)
		rc = pprof_merger_add(m, f->p, 0);
	if (rc == PPROF_OK)
		rc = pprof_merger_finish(m, &part);
	if (rc == PPROF_OK)
		rc = pprof_filter_set(filter, PPROF_FILTER_TAG_FOCUS, "pprof::base=^true$");
	if (rc == PPROF_OK)
		rc = pprof_filter_apply(filter, &part);
	if (rc == PPROF_OK && !(r = stat_new_report(part, o)))
		rc = PPROF_ERR_NOMEM;
	fl->base_part = true;
	fl->path_n = 0;
	if (rc == PPROF_OK)
		rc = pprof_report_folded(r, f->st, add_stack, fl);
	pprof_report_free(r);
	pprof_profile_free(part);
	pprof_filter_free(filter);
	pprof_merger_free(m);
	return rc;
}

/* Whether f's profile has samples labelled pprof::base (pprof-merge
 * --diff-base). */
static bool has_base_labels(const stat_facts *f)
{
	size_t i;

	for (i = 0; i < f->n_keys; i++)
		if (f->keys[i].key_len == 11 && memcmp(f->keys[i].key, "pprof::base", 11) == 0)
			return true;
	return false;
}

static void flame_free(flame *fl)
{
	size_t i;

	for (i = 0; i < fl->n_names; i++)
		free(fl->names[i]);
	free(fl->names);
	free(fl->name_xml);
	free(fl->name_index.slot);
	free(fl->nodes);
	free(fl->child_index.slot);
	free(fl->path);
	free(fl->buf[0]);
	free(fl->buf[1]);
}

int stat_flame(stat_writer *w, const stat_facts *f, pprof_report *r, const stat_options *o)
{
	flame fl;
	int rc = PPROF_OK;

	memset(&fl, 0, sizeof(fl));
	fl.w = w;
	fl.o = o;
	if (intern(&fl, "root") == NONE || new_node(&fl, NONE, 0) == NONE)
		rc = PPROF_ERR_NOMEM;
	if (rc == PPROF_OK && pprof_profile_sample_type_count(f->p))
		rc = pprof_report_folded(r, f->st, add_stack, &fl);
	fl.kind = fl.negative ? SIGNED : PLAIN;
	if (rc == PPROF_OK && has_base_labels(f)) {
		fl.kind = DIFF;
		rc = add_base_part(&fl, f, o);
	}
	if (rc == PPROF_OK) {
		sum_frames(&fl);
		if (!choose_frames(&fl) || !flame_put_svg(&fl, f))
			rc = PPROF_ERR_NOMEM;
	}
	flame_free(&fl);
	return rc == PPROF_OK && !w->ok ? PPROF_ERR_IO : rc;
}
