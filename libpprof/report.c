/*
 * report.c - the facts pprof-stat reports (HACKING.md section 8), computed the
 * way google/pprof's report and graph packages compute `go tool pprof -top`,
 * `-tags` and `-traces` at its granularities, so that the numbers are theirs:
 *
 *  - Nodes. A frame's node is pprof's NodeInfo of it after driver.aggregate:
 *    at the default "functions" granularity pprof clears file names, line
 *    numbers and addresses, so a node is its function's name; a nameless
 *    function's frame is a node per (mapping file, start line), and a
 *    location without lines one per mapping file, shown as "[base name]" or
 *    "<unknown>". Other granularities keep the file, line or address too
 *    (granularity_keeps), and a node is shown as pprof's PrintableName.
 *  - Frames. Every Line of a Location is a frame, the last Line rootmost;
 *    the frames of Lines before the last are inlined calls (noinlines
 *    keeps the last alone).
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
 * stacks; the results are made in report_top.c, report_labels.c,
 * report_folded.c and report_traces.c (report.h).
 */
#include <inttypes.h>
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

/* What set_key_eq compares: a key of size bytes with those of a set. */
typedef struct {
	const rp_set *set;
	const void *key;
	size_t size;
} set_lookup;

static bool set_key_eq(const void *ctx, uint32_t idx)
{
	const set_lookup *l = ctx;

	return memcmp(rp_set_key(l->set, idx, l->size), l->key, l->size) == 0;
}

/* The index of the key of size bytes at k in s (whose keys all have that
 * size), adding a copy if new (*added says so); NONE when out of memory. */
uint32_t rp_set_intern(rp_set *s, const void *k, size_t size, bool *added)
{
	uint64_t hash = pp_hash_bytes(7, k, size);
	set_lookup l = { s, k, size };
	uint32_t idx = pp_htab_find(&s->index, hash, set_key_eq, &l);

	*added = false;
	if (idx != NONE)
		return idx;
	idx = (uint32_t)s->n;
	if (s->n >= NONE - 1 || !pp_grow(&s->keys, &s->cap, s->n + 1, size) ||
	    !pp_htab_add(&s->index, hash, idx))
		return NONE;
	memcpy(s->keys + s->n * size, k, size);
	s->n++;
	*added = true;
	return idx;
}

/* Key i of s, whose keys have size bytes. */
const void *rp_set_key(const rp_set *s, uint32_t i, size_t size)
{
	return s->keys + (size_t)i * size;
}

void rp_set_free(rp_set *s)
{
	free(s->keys);
	s->keys = NULL;
	s->n = s->cap = 0;
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

void pprof_report_options_init(pprof_report_options *o)
{
	o->granularity = PPROF_FUNCTIONS;
	o->noinlines = 0;
}

int pprof_report_new_with(pprof_report **out, const pprof_profile *p, const pprof_report_options *o)
{
	pprof_report *r;

	*out = NULL;
	if (o->granularity < PPROF_FUNCTIONS || o->granularity > PPROF_ADDRESSES)
		return PPROF_ERR_ARG;
	if (!(r = calloc(1, sizeof(*r))))
		return PPROF_ERR_NOMEM;
	r->p = p;
	r->pb = p->pb;
	r->opt = *o;
	r->arena = pp_arena_new();
	if (!r->arena || !pp_strtab_init(&r->files)) {
		pp_arena_free(r->arena);
		free(r);
		return PPROF_ERR_NOMEM;
	}
	*out = r;
	return PPROF_OK;
}

pprof_report *pprof_report_new(const pprof_profile *p)
{
	pprof_report_options o;
	pprof_report *r;

	pprof_report_options_init(&o);
	return pprof_report_new_with(&r, p, &o) == PPROF_OK ? r : NULL;
}

const char *pprof_report_error(const pprof_report *r)
{
	return r->err;
}

static void drop_nodes(pprof_report *r);

void pprof_report_free(pprof_report *r)
{
	if (!r)
		return;
	pp_arena_free(r->arena);
	free(r->canon);
	drop_nodes(r);
	pp_strtab_free(&r->files);
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

/* ---- file names --------------------------------------------------------- */

/* Go's filepath.Clean of path (len > 0 bytes) into out (room for len + 1):
 * one '/' between elements, "." elements dropped, ".." with the element
 * before it, ".." at the root dropped; "." when nothing is left. Returns the
 * cleaned length. */
static size_t clean_path(const char *path, size_t len, char *out)
{
	bool rooted = path[0] == '/';
	size_t r = 0, w = 0, dotdot = 0;

	if (rooted) {
		out[w++] = '/';
		r = dotdot = 1;
	}
	while (r < len) {
		if (path[r] == '/') {
			r++;
		} else if (path[r] == '.' && (r + 1 == len || path[r + 1] == '/')) {
			r++;
		} else if (path[r] == '.' && path[r + 1] == '.' &&
		           (r + 2 == len || path[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				for (w--; w > dotdot && out[w] != '/'; w--)
					;
			} else if (!rooted) {
				if (w > 0)
					out[w++] = '/';
				out[w++] = '.';
				out[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				out[w++] = '/';
			for (; r < len && path[r] != '/'; r++)
				out[w++] = path[r];
		}
	}
	if (w == 0)
		out[w++] = '.';
	return w;
}

/* The prefix pprof's trimPath removes from a file name without -trim_path
 * or -source_path (0 when none). */
static size_t trimmed_prefix(const char *path, size_t len)
{
	static const char *const prefixes[] = { "/proc/self/cwd/./", "/proc/self/cwd/" };
	size_t i, n;

	for (i = 0; i < 2; i++) {
		n = strlen(prefixes[i]);
		if (len >= n && memcmp(path, prefixes[i], n) == 0)
			return n;
	}
	return 0;
}

/* The index in r->files of a function's file name (string i) as pprof's
 * NodeInfo.File has it: trimmed (in top tables) and cleaned; 0 for "". */
static uint32_t node_file(pprof_report *r, uint64_t i, bool trim)
{
	const char *path = pp_profile_cstr(r->p, i);
	size_t len = rp_slen(r->pb, i), cut = trim ? trimmed_prefix(path, len) : 0;
	char *clean;
	uint32_t idx;

	if (len == cut)
		return 0;
	if (!(clean = malloc(len - cut + 1)))
		return NONE;
	idx = pp_strtab_intern(&r->files, clean, clean_path(path + cut, len - cut, clean));
	free(clean);
	return idx;
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

/* pprof's NodeInfo.PrintableName when it is more than one part: the
 * address, the name, then "file:line[:column]", the file, or the tail (the
 * binary or "<unknown>", tail_len bytes) of a frame with neither name nor
 * file. */
static const char *compose_label(pprof_report *r, const rnode *n, size_t name_len, const char *tail,
                                 size_t tail_len, size_t *label_len)
{
	size_t file_len = strlen(n->file), size = name_len + file_len + tail_len + 80, len = 0;
	char *label = pp_arena_alloc(r->arena, size);

	if (!label)
		return NULL;
	if (n->address)
		len += (size_t)snprintf(label, size, "%016" PRIx64, n->address);
	if (name_len) {
		if (len)
			label[len++] = ' ';
		memcpy(label + len, n->name, name_len);
		len += name_len;
	}
	if (n->line || file_len || tail_len) {
		if (len)
			label[len++] = ' ';
		memcpy(label + len, n->line || file_len ? n->file : tail,
		       n->line || file_len ? file_len : tail_len);
		len += n->line || file_len ? file_len : tail_len;
	}
	if (n->line)
		len += (size_t)snprintf(label + len, size - len, ":%" PRId64, n->line);
	if (n->line && n->column)
		len += (size_t)snprintf(label + len, size - len, ":%" PRId64, n->column);
	label[len] = '\0';
	*label_len = len;
	return label;
}

/* Fills in a new node's names from its key: the label is pprof's
 * NodeInfo.PrintableName. */
static bool init_node(pprof_report *r, rnode *n, const node_key *k)
{
	size_t name_len = rp_slen(r->pb, k->name), objfile_len = rp_slen(r->pb, k->objfile);
	size_t file_len, tail_len = 0;
	const char *file = pp_strtab_get(&r->files, k->file, &file_len), *tail = "";
	char *copy = pp_arena_alloc(r->arena, file_len + 1);

	memset(n, 0, sizeof(*n));
	if (!copy)
		return false;
	memcpy(copy, file, file_len);
	copy[file_len] = '\0';
	n->name = pp_profile_cstr(r->p, k->name);
	n->objfile = pp_profile_cstr(r->p, k->objfile);
	n->file = copy;
	n->address = k->address;
	n->start_line = k->start_line;
	n->line = k->line;
	n->column = k->column;
	if (!name_len && !n->line && !file_len && objfile_len)
		tail = objfile_label(r, n->objfile, objfile_len, &tail_len);
	else if (!name_len && !n->line && !file_len)
		tail_len = strlen(tail = "<unknown>");
	if (!tail)
		return false;
	if (n->address || n->line || file_len)
		n->label = compose_label(r, n, name_len, tail, tail_len, &n->label_len);
	else if (name_len)
		n->label = n->name, n->label_len = name_len;
	else
		n->label = tail, n->label_len = tail_len;
	return n->label != NULL;
}

/* What the granularity keeps of a frame (pprof's driver.aggregate). */
typedef struct {
	bool name, file, line, address, column;
} kept_info;

static kept_info granularity_keeps(const pprof_report_options *o)
{
	kept_info k = { 0 };
	int g = o->granularity;

	k.name = g == PPROF_FUNCTIONS || g == PPROF_FILEFUNCTIONS || g == PPROF_LINES ||
	         g == PPROF_ADDRESSES;
	k.file = g != PPROF_FUNCTIONS;
	k.line = g == PPROF_LINES || g == PPROF_ADDRESSES;
	k.address = g == PPROF_ADDRESSES;
	k.column = g == PPROF_ADDRESSES && !o->noinlines; /* pprof does not aggregate */
	return k;
}

/* The node of a frame of location l: a Line (line != NULL, of function fn)
 * or a location without lines, in a mapping with file objfile (canonical
 * index); pprof's graph.nodeInfo. */
static uint32_t frame_node(pprof_report *r, const pb_location *l, const pb_line *line,
                           const pb_function *fn, uint32_t objfile, bool trim)
{
	kept_info keep = granularity_keeps(&r->opt);
	size_t cap = r->node_keys.cap;
	node_key k;
	bool added;
	uint32_t idx;

	memset(&k, 0, sizeof(k));
	k.address = keep.address ? l->address : 0;
	k.objfile = objfile;
	if (fn) {
		k.name = keep.name ? r->canon[fn->name] : 0;
		k.line = keep.line ? line->line : 0;
		k.column = keep.column ? line->column : 0;
		k.file = keep.file ? node_file(r, fn->filename, trim) : 0;
		if (k.file == NONE)
			return NONE;
		if (k.name)
			k.objfile = 0; /* pprof keeps the binary of nameless frames only */
		else
			k.start_line = fn->start_line;
	}
	idx = rp_set_intern(&r->node_keys, &k, sizeof(k), &added);
	if (idx == NONE || !added)
		return idx;
	if (r->node_keys.cap != cap) {
		rnode *grown = realloc(r->nodes, r->node_keys.cap * sizeof(*grown));
		if (!grown)
			return NONE;
		r->nodes = grown;
	}
	return init_node(r, &r->nodes[idx], rp_set_key(&r->node_keys, idx, sizeof(k))) ? idx : NONE;
}

/* The frames of one location into line_nodes from position *pos on: one per
 * Line, or the last Line alone with noinlines. */
static bool location_nodes(pprof_report *r, const pb_location *l, size_t *pos, bool trim)
{
	const pprof_profile *p = r->p;
	uint32_t objfile = 0;
	size_t j;

	if (l->mapping_id) {
		const pb_mapping *m = r->pb->mapping[pp_idmap_get(&p->mappings, l->mapping_id)];
		objfile = r->canon[m->filename];
	}
	if (l->n_line == 0)
		return (r->line_nodes[(*pos)++] = frame_node(r, l, NULL, NULL, objfile, trim)) !=
		       NONE;
	for (j = r->opt.noinlines ? l->n_line - 1 : 0; j < l->n_line; j++) {
		const pb_line *line = l->line[j];
		uint32_t f = pp_idmap_get(&p->functions, line->function_id);
		if ((r->line_nodes[(*pos)++] =
		             frame_node(r, l, line, r->pb->function[f], objfile, trim)) == NONE)
			return false;
	}
	return true;
}

/* Forgets the nodes and frames, to build them again. */
static void drop_nodes(pprof_report *r)
{
	free(r->loc_first);
	free(r->line_nodes);
	free(r->nodes);
	r->loc_first = NULL;
	r->line_nodes = NULL;
	r->nodes = NULL;
	rp_set_free(&r->node_keys);
}

/* Builds the nodes and every location's frames, once, with file names
 * trimmed as pprof's top tables have them or not, as its traces do (which
 * makes a difference only at granularities that keep files). */
bool rp_build_nodes(pprof_report *r, bool trim_paths)
{
	const pb_profile *pb = r->pb;
	size_t i, n = 0, pos = 0;

	if (r->loc_first && (r->nodes_trimmed == trim_paths || !granularity_keeps(&r->opt).file))
		return true;
	drop_nodes(r);
	r->nodes_trimmed = trim_paths;
	if (!rp_build_canon(r))
		return false;
	for (i = 0; i < pb->n_location; i++)
		n += pb->location[i]->n_line && !r->opt.noinlines ? pb->location[i]->n_line : 1;
	r->loc_first = malloc((pb->n_location + 1) * sizeof(*r->loc_first));
	r->line_nodes = malloc((n + 1) * sizeof(*r->line_nodes));
	if (!r->loc_first || !r->line_nodes || n >= NONE)
		goto fail;
	for (i = 0; i < pb->n_location; i++) {
		r->loc_first[i] = (uint32_t)pos;
		if (!location_nodes(r, pb->location[i], &pos, trim_paths))
			goto fail;
	}
	r->loc_first[pb->n_location] = (uint32_t)pos;
	return true;
fail: /* start again next time: the keys may lack their nodes */
	drop_nodes(r);
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
