/*
 * merge.c - merging profiles the way google/pprof's profile.Merge does
 * (HACKING.md section 5), one input at a time.
 *
 * The result is kept in flat arrays, with hash sets over them for the keys
 * that make two objects the same: functions (name, system name, file, start
 * line), mappings (size rounded up to 4 KiB, offset, build id or else file),
 * locations (mapping, address relative to the mapping, lines, folded) and
 * samples (locations, labels). Ids in the result are indices + 1, given in
 * first-seen order, mapping then functions then location, as pprof does, so
 * only referenced objects exist. Per input, small tables remember what each
 * of its strings and objects became.
 *
 * Samples, the bulk of a large result, are built once, as the protobuf-c
 * structs the result profile is made of, in the arena that profile will own;
 * finishing does not copy them.
 *
 * This file holds the merger and the merging of strings, objects and
 * samples; merge_header.c the header, merge_result.c the numbering and
 * building of the result (merge.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"

/* Makes a cleared merger ready for its first input. */
bool pm_merger_start(pprof_merger *m)
{
	if (!pp_strtab_init(&m->strings))
		return false;
	m->arena = pp_arena_new();
	return m->arena != NULL;
}

pprof_merger *pprof_merger_new(void)
{
	pprof_merger *m = calloc(1, sizeof(*m));

	if (m && !pm_merger_start(m)) {
		pprof_merger_free(m);
		return NULL;
	}
	return m;
}

/* Releases everything the merger holds, leaving it zeroed. */
void pm_merger_clear(pprof_merger *m)
{
	pp_strtab_free(&m->strings);
	VEC_FREE(m->types);
	VEC_FREE(m->comments);
	VEC_FREE(m->fns);
	VEC_FREE(m->maps);
	VEC_FREE(m->locs);
	VEC_FREE(m->lines);
	VEC_FREE(m->samples);
	VEC_FREE(m->sample_refs);
	VEC_FREE(m->sums);
	pp_arena_free(m->arena);
	pp_htab_free(&m->fn_index);
	pp_htab_free(&m->map_index);
	pp_htab_free(&m->loc_index);
	pp_htab_free(&m->sample_index);
	pp_htab_free(&m->stack_index);
	pp_htab_free(&m->labelset_index);
	VEC_FREE(m->stacks);
	VEC_FREE(m->labelsets);
	VEC_FREE(m->str_xlat);
	VEC_FREE(m->fn_xlat);
	VEC_FREE(m->map_xlat);
	VEC_FREE(m->loc_xlat);
	VEC_FREE(m->cand_locs);
	VEC_FREE(m->cand_labels);
	VEC_FREE(m->cand_values);
	VEC_FREE(m->cand_lines);
	memset(m, 0, offsetof(pprof_merger, err));
}

void pprof_merger_free(pprof_merger *m)
{
	if (!m)
		return;
	pm_merger_clear(m);
	free(m);
}

unsigned long pprof_merger_count(const pprof_merger *m)
{
	return m->count;
}
const char *pprof_merger_error(const pprof_merger *m)
{
	return m->err;
}

/* ---- strings ---------------------------------------------------------- */

/* The result id of the input's string i, or UINT32_MAX when out of memory. */
uint32_t pm_xlat_string(pprof_merger *m, const pprof_profile *p, int64_t i)
{
	uint32_t *slot = &m->str_xlat.v[i];
	const ProtobufCBinaryData *s;

	if (*slot)
		return *slot - 1;
	s = pp_profile_string(p, i);
	uint32_t id = pp_strtab_intern(&m->strings, s->data, s->len);
	if (id != UINT32_MAX)
		*slot = id + 1;
	return id;
}

/* Byte-wise comparison of two result strings, as Go compares strings. */
static int compare_strings(const pprof_merger *m, uint32_t a, uint32_t b)
{
	size_t la, lb;
	const char *sa, *sb;
	int c;

	if (a == b) /* interned: the same id is the same string */
		return 0;
	sa = pp_strtab_get(&m->strings, a, &la);
	sb = pp_strtab_get(&m->strings, b, &lb);
	c = memcmp(sa, sb, la < lb ? la : lb);
	return c ? c : (la > lb) - (la < lb);
}

/* ---- functions and mappings ------------------------------------------- */

typedef struct {
	const pprof_merger *m;
	const fn_rec *want;
} fn_key;

static bool fn_eq(const void *ctx, uint32_t idx)
{
	const fn_key *k = ctx;
	const fn_rec *f = &k->m->fns.v[idx];

	return f->name == k->want->name && f->system_name == k->want->system_name &&
	       f->filename == k->want->filename && f->start_line == k->want->start_line;
}

/* The result id of the input's function at index idx; 0 when out of memory. */
static uint32_t xlat_function(const merge_input *in, uint32_t idx)
{
	pprof_merger *m = in->m;
	const pb_function *src = in->p->pb->function[idx];
	fn_rec f;
	fn_key key = { m, &f };
	uint64_t hash;
	uint32_t found;

	if (m->fn_xlat.v[idx])
		return m->fn_xlat.v[idx];
	f.name = pm_xlat_string(m, in->p, src->name);
	f.system_name = pm_xlat_string(m, in->p, src->system_name);
	f.filename = pm_xlat_string(m, in->p, src->filename);
	f.start_line = src->start_line;
	if (f.name == UINT32_MAX || f.system_name == UINT32_MAX || f.filename == UINT32_MAX)
		return 0;
	hash = pp_hash_mix(
		pp_hash_mix(pp_hash_mix(pp_hash_mix(1, f.name), f.system_name), f.filename),
		(uint64_t)f.start_line);
	found = pp_htab_find(&m->fn_index, hash, fn_eq, &key);
	if (found == UINT32_MAX) {
		found = (uint32_t)m->fns.n;
		if (!VEC_RESERVE(m->fns, m->fns.n + 1) || !pp_htab_add(&m->fn_index, hash, found))
			return 0;
		m->fns.v[m->fns.n++] = f;
	}
	return m->fn_xlat.v[idx] = found + 1;
}

/* The size pprof compares mappings by: rounded up to 4 KiB, wrapping. */
static uint64_t mapping_size(uint64_t start, uint64_t limit)
{
	uint64_t size = limit - start + 0xfff;

	return size - size % 0x1000;
}

typedef struct {
	const pprof_merger *m;
	uint64_t size, offset;
	uint32_t ident; /* build id, else file name, else 0 */
} map_key;

static uint32_t mapping_ident(const map_rec *r)
{
	return r->build_id ? r->build_id : r->filename;
}

static bool map_eq(const void *ctx, uint32_t idx)
{
	const map_key *k = ctx;
	const map_rec *r = &k->m->maps.v[idx];

	return mapping_size(r->start, r->limit) == k->size && r->offset == k->offset &&
	       mapping_ident(r) == k->ident;
}

/* What the input's mapping at index idx became; id 0 when out of memory. */
static map_xlat xlat_mapping(const merge_input *in, uint32_t idx)
{
	pprof_merger *m = in->m;
	const pb_mapping *src = in->p->pb->mapping[idx];
	map_xlat *x = &m->map_xlat.v[idx];
	map_rec r = { src->memory_start,
		      src->memory_limit,
		      src->file_offset,
		      pm_xlat_string(m, in->p, src->filename),
		      pm_xlat_string(m, in->p, src->build_id),
		      src->has_functions,
		      src->has_filenames,
		      src->has_line_numbers,
		      src->has_inline_frames };
	map_key key = { m, mapping_size(r.start, r.limit), r.offset, mapping_ident(&r) };
	map_xlat none = { 0, 0 };
	uint64_t hash;
	uint32_t found;

	if (x->id)
		return *x;
	if (r.filename == UINT32_MAX || r.build_id == UINT32_MAX)
		return none;
	hash = pp_hash_mix(pp_hash_mix(pp_hash_mix(2, key.size), key.offset), key.ident);
	found = pp_htab_find(&m->map_index, hash, map_eq, &key);
	if (found == UINT32_MAX) {
		found = (uint32_t)m->maps.n;
		if (!VEC_RESERVE(m->maps, m->maps.n + 1) ||
		    !pp_htab_add(&m->map_index, hash, found))
			return none;
		m->maps.v[m->maps.n++] = r;
	}
	x->id = found + 1;
	x->delta = m->maps.v[found].start - src->memory_start;
	return *x;
}

/* ---- locations -------------------------------------------------------- */

typedef struct {
	const pprof_merger *m;
	uint64_t rel_address; /* address minus its mapping's start */
	uint32_t mapping;
	bool folded;
} loc_key;

static bool loc_eq(const void *ctx, uint32_t idx)
{
	const loc_key *k = ctx;
	const pprof_merger *m = k->m;
	const loc_rec *l = &m->locs.v[idx];
	uint64_t rel = l->address - (l->mapping ? m->maps.v[l->mapping - 1].start : 0);

	return l->mapping == k->mapping && rel == k->rel_address && l->folded == k->folded &&
	       l->nlines == m->cand_lines.n &&
	       memcmp(&m->lines.v[l->line0], m->cand_lines.v, l->nlines * sizeof(line_rec)) == 0;
}

/* Fills cand_lines with the location's lines in result ids. */
static bool gather_lines(const merge_input *in, const pb_location *src)
{
	pprof_merger *m = in->m;
	size_t j;

	if (!VEC_RESERVE(m->cand_lines, src->n_line))
		return false;
	for (j = 0; j < src->n_line; j++) {
		uint32_t fn_idx = pp_idmap_get(&in->p->functions, src->line[j]->function_id);
		line_rec *ln = &m->cand_lines.v[j];
		ln->function = xlat_function(in, fn_idx);
		ln->line = src->line[j]->line;
		ln->column = src->line[j]->column;
		if (!ln->function)
			return false;
	}
	m->cand_lines.n = src->n_line;
	return true;
}

/* Adds the candidate location (lines in cand_lines); its index, or UINT32_MAX. */
static uint32_t add_location(pprof_merger *m, const loc_key *key, uint64_t address, uint64_t hash)
{
	uint32_t idx = (uint32_t)m->locs.n;
	loc_rec *l;

	if (!VEC_RESERVE(m->locs, m->locs.n + 1) ||
	    !VEC_RESERVE(m->lines, m->lines.n + m->cand_lines.n) ||
	    !pp_htab_add(&m->loc_index, hash, idx))
		return UINT32_MAX;
	l = &m->locs.v[m->locs.n++];
	l->address = address;
	l->mapping = key->mapping;
	l->nlines = (uint32_t)m->cand_lines.n;
	l->line0 = m->lines.n;
	l->folded = key->folded;
	memcpy(&m->lines.v[m->lines.n], m->cand_lines.v, m->cand_lines.n * sizeof(line_rec));
	m->lines.n += m->cand_lines.n;
	return idx;
}

static uint32_t xlat_new_location(const merge_input *in, uint32_t idx);

/* The result id of the input's location at index idx; 0 when out of memory. */
static inline uint32_t xlat_location(const merge_input *in, uint32_t idx)
{
	pprof_merger *m = in->m;

	if (m->loc_xlat.v[idx]) /* before touching the location: most are known */
		return m->loc_xlat.v[idx];
	return xlat_new_location(in, idx);
}

/* xlat_location for a location not seen yet in this input. */
static uint32_t xlat_new_location(const merge_input *in, uint32_t idx)
{
	pprof_merger *m = in->m;
	const pb_location *src = in->p->pb->location[idx];
	loc_key key = { m, src->address, 0, src->is_folded };
	map_xlat mx = { 0, 0 };
	uint64_t hash;
	uint32_t found;
	size_t j;

	if (src->mapping_id) {
		uint32_t map_idx = pp_idmap_get(&in->p->mappings, src->mapping_id);
		mx = xlat_mapping(in, map_idx);
		if (!mx.id)
			return 0;
		key.mapping = mx.id;
		key.rel_address = src->address - in->p->pb->mapping[map_idx]->memory_start;
	}
	if (!gather_lines(in, src))
		return 0;
	hash = pp_hash_mix(pp_hash_mix(pp_hash_mix(3, key.mapping), key.rel_address),
	                   key.folded + 2 * (uint64_t)m->cand_lines.n);
	for (j = 0; j < m->cand_lines.n; j++) {
		const line_rec *ln = &m->cand_lines.v[j];
		hash = pp_hash_mix(pp_hash_mix(pp_hash_mix(hash, ln->function), (uint64_t)ln->line),
		                   (uint64_t)ln->column);
	}
	found = pp_htab_find(&m->loc_index, hash, loc_eq, &key);
	if (found == UINT32_MAX)
		found = add_location(m, &key, src->address + mx.delta, hash);
	if (found == UINT32_MAX)
		return 0;
	return m->loc_xlat.v[idx] = found + 1;
}

/* ---- samples ---------------------------------------------------------- */

/* pprof's label order: string labels before numeric ones, each group by key;
 * labels with equal keys keep their order. */
static int compare_labels(const pprof_merger *m, const label_rec *a, const label_rec *b)
{
	bool anum = a->str == 0, bnum = b->str == 0;

	if (anum != bnum)
		return anum ? 1 : -1;
	return compare_strings(m, a->key, b->key);
}

/* Insertion sort: samples have few labels, and it is stable. */
static void sort_labels(const pprof_merger *m, label_rec *v, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		label_rec x = v[i];
		for (j = i; j > 0 && compare_labels(m, &v[j - 1], &x) > 0; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Fills cand_labels with the sample's labels in result ids, in canonical
 * order. Like pprof, labels with neither a string nor a number nor a unit are
 * dropped, and a string label ignores its number. */
static bool gather_labels(const merge_input *in, const pb_sample *s)
{
	pprof_merger *m = in->m;
	size_t j;

	if (!VEC_RESERVE(m->cand_labels, s->n_label + 1))
		return false;
	m->cand_labels.n = 0;
	for (j = 0; j < s->n_label; j++) {
		const pb_label *l = s->label[j];
		label_rec r = { 0, 0, 0, 0 };
		if (pp_label_kind(l) == PP_LABEL_NONE)
			continue;
		r.key = pm_xlat_string(m, in->p, l->key);
		if (l->str) {
			r.str = pm_xlat_string(m, in->p, l->str);
			if (r.str == UINT32_MAX)
				return false;
			if ((in->flags & PPROF_MERGE_MARK_BASE) && r.key == in->base_key)
				continue; /* replaced below, as pprof's SetLabel does */
		} else {
			r.num = l->num;
			r.unit = pm_xlat_string(m, in->p, l->num_unit);
		}
		if (r.key == UINT32_MAX || r.unit == UINT32_MAX)
			return false;
		m->cand_labels.v[m->cand_labels.n++] = r;
	}
	if (in->flags & PPROF_MERGE_MARK_BASE) {
		label_rec base = { in->base_key, in->base_value, 0, 0 };
		m->cand_labels.v[m->cand_labels.n++] = base;
	}
	sort_labels(m, m->cand_labels.v, m->cand_labels.n);
	return true;
}

/*
 * Stacks and label sets are interned: samples that share a stack (with other
 * labels) or a label set (as most do) point to one array, which keeps a large
 * result small. Samples are then keyed by the pair, compared by identity.
 */

static bool stack_eq(const void *ctx, uint32_t idx)
{
	const pprof_merger *m = ctx;
	const stack_rec *st = &m->stacks.v[idx];

	return st->n == m->cand_locs.n &&
	       memcmp(st->ids, m->cand_locs.v, st->n * sizeof(uint64_t)) == 0;
}

/* The index of the stack in cand_locs among the result's stacks. */
static uint32_t intern_stack(pprof_merger *m)
{
	uint64_t hash = m->cand_locs.n;
	uint32_t idx;
	stack_rec *st;
	size_t j;

	/* A polynomial over the ids, mixed once at the end: one multiply a
	 * frame, where pp_hash_mix's chain is twice as long, and stacks are the
	 * longest keys hashed for every input sample. */
	for (j = 0; j < m->cand_locs.n; j++)
		hash = (hash + m->cand_locs.v[j]) * 0x9e3779b97f4a7c15ull;
	hash = pp_hash_mix(hash, 4);
	idx = pp_htab_find(&m->stack_index, hash, stack_eq, m);
	if (idx != UINT32_MAX)
		return idx;
	idx = (uint32_t)m->stacks.n;
	if (!VEC_RESERVE(m->stacks, m->stacks.n + 1) || !pp_htab_add(&m->stack_index, hash, idx))
		return UINT32_MAX;
	st = &m->stacks.v[m->stacks.n];
	st->n = m->cand_locs.n;
	st->ids = pp_arena_alloc(m->arena, st->n * sizeof(uint64_t));
	if (!st->ids)
		return UINT32_MAX;
	memcpy(st->ids, m->cand_locs.v, st->n * sizeof(uint64_t));
	m->stacks.n++;
	return idx;
}

static bool labelset_eq(const void *ctx, uint32_t idx)
{
	const pprof_merger *m = ctx;
	const labelset_rec *ls = &m->labelsets.v[idx];
	size_t i;

	if (ls->n != m->cand_labels.n)
		return false;
	for (i = 0; i < ls->n; i++) {
		const pb_label *a = ls->labels[i];
		const label_rec *b = &m->cand_labels.v[i];
		if (a->key != b->key || a->str != b->str || a->num_unit != b->unit ||
		    a->num != b->num)
			return false;
	}
	return true;
}

/* The candidate's labels as protobuf-c structs in the result's arena. */
static pb_label **new_labels(pprof_merger *m)
{
	size_t i, n = m->cand_labels.n;
	pb_label **ptrs = pp_arena_alloc(m->arena, n * sizeof(*ptrs));
	pb_label *labels = pp_arena_alloc(m->arena, n * sizeof(*labels));

	if (!ptrs || !labels)
		return NULL;
	for (i = 0; i < n; i++) {
		const label_rec *r = &m->cand_labels.v[i];
		perftools__profiles__label__init(&labels[i]);
		labels[i].key = r->key;
		labels[i].str = r->str;
		labels[i].num = r->num;
		labels[i].num_unit = r->unit;
		ptrs[i] = &labels[i];
	}
	return ptrs;
}

/* The index of the label set in cand_labels among the result's label sets. */
static uint32_t intern_labelset(pprof_merger *m)
{
	uint64_t hash = pp_hash_mix(5, m->cand_labels.n);
	uint32_t idx;
	labelset_rec *ls;
	size_t j;

	for (j = 0; j < m->cand_labels.n; j++) {
		const label_rec *l = &m->cand_labels.v[j];
		hash = pp_hash_mix(pp_hash_mix(hash, (uint64_t)l->key << 32 | l->str),
		                   (uint64_t)l->num ^ ((uint64_t)l->unit << 40));
	}
	idx = pp_htab_find(&m->labelset_index, hash, labelset_eq, m);
	if (idx != UINT32_MAX)
		return idx;
	idx = (uint32_t)m->labelsets.n;
	if (!VEC_RESERVE(m->labelsets, m->labelsets.n + 1) ||
	    !pp_htab_add(&m->labelset_index, hash, idx))
		return UINT32_MAX;
	ls = &m->labelsets.v[m->labelsets.n];
	ls->n = m->cand_labels.n;
	ls->labels = new_labels(m);
	if (!ls->labels)
		return UINT32_MAX;
	m->labelsets.n++;
	return idx;
}

/* The sample being looked for. */
typedef struct {
	const pprof_merger *m;
	sample_ref ref;
} sample_key;

static bool sample_eq(const void *ctx, uint32_t idx)
{
	const sample_key *k = ctx;
	const sample_ref *r = &k->m->sample_refs.v[idx];

	return r->stack == k->ref.stack && r->labels == k->ref.labels;
}

/* Adds a sample with the key's stack and labels and cand_values. Its value
 * array is made when the result is (build_samples), from sums. */
static bool add_sample(pprof_merger *m, const sample_key *key, uint64_t hash)
{
	size_t nv = m->types.n / 2, n = m->samples.n;
	const stack_rec *stack = &m->stacks.v[key->ref.stack];
	const labelset_rec *labels = &m->labelsets.v[key->ref.labels];
	pb_sample *s = pp_arena_alloc(m->arena, sizeof(*s));

	if (!s || n >= UINT32_MAX - 1 || !VEC_RESERVE(m->samples, n + 1) ||
	    !VEC_RESERVE(m->sample_refs, n + 1) || !VEC_RESERVE(m->sums, (n + 1) * nv) ||
	    !pp_htab_add(&m->sample_index, hash, (uint32_t)n))
		return false;
	perftools__profiles__sample__init(s);
	s->n_location_id = stack->n;
	s->location_id = stack->ids;
	s->n_value = nv;
	s->n_label = labels->n;
	s->label = labels->labels;
	memcpy(&m->sums.v[n * nv], m->cand_values.v, nv * sizeof(int64_t));
	m->sample_refs.v[n] = key->ref;
	m->samples.v[m->samples.n++] = s;
	return true;
}

bool pm_is_zero(const int64_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i])
			return false;
	return true;
}

/* Merges one input sample (not all zero, unless the input is a part). */
static bool merge_sample(const merge_input *in, const pb_sample *s)
{
	pprof_merger *m = in->m;
	size_t nv = s->n_value, j;
	sample_key key = { m, { 0, 0 } };
	uint64_t hash;
	uint32_t found, stack, labels;

	if (!VEC_RESERVE(m->cand_locs, s->n_location_id) || !VEC_RESERVE(m->cand_values, nv))
		return false;
	for (j = 0; j < s->n_location_id; j++) {
		uint32_t loc =
			xlat_location(in, pp_idmap_get(&in->p->locations, s->location_id[j]));
		if (!loc)
			return false;
		m->cand_locs.v[j] = loc;
	}
	m->cand_locs.n = s->n_location_id;
	if (!gather_labels(in, s))
		return false;
	for (j = 0; j < nv; j++) /* unsigned arithmetic: wraps like Go's int64 */
		m->cand_values.v[j] = (in->flags & PPROF_MERGE_SUBTRACT)
		                              ? (int64_t)(0 - (uint64_t)s->value[j])
		                              : s->value[j];
	stack = intern_stack(m);
	labels = intern_labelset(m);
	if (stack == UINT32_MAX || labels == UINT32_MAX)
		return false;
	key.ref.stack = stack;
	key.ref.labels = labels;
	hash = pp_hash_mix(pp_hash_mix(6, stack), labels);
	found = pp_htab_find(&m->sample_index, hash, sample_eq, &key);
	if (found == UINT32_MAX)
		return add_sample(m, &key, hash);
	int64_t *sum = &m->sums.v[(size_t)found * nv];
	for (j = 0; j < nv; j++)
		sum[j] = (int64_t)((uint64_t)sum[j] + (uint64_t)m->cand_values.v[j]);
	return true;
}

/* Sizes and clears the per-input translation tables. */
static bool reset_xlat(pprof_merger *m, const pb_profile *pb)
{
	if (!VEC_RESERVE(m->str_xlat, pb->n_string_table) ||
	    !VEC_RESERVE(m->fn_xlat, pb->n_function) || !VEC_RESERVE(m->map_xlat, pb->n_mapping) ||
	    !VEC_RESERVE(m->loc_xlat, pb->n_location))
		return false;
	memset(m->str_xlat.v, 0, pb->n_string_table * sizeof(*m->str_xlat.v));
	memset(m->fn_xlat.v, 0, pb->n_function * sizeof(*m->fn_xlat.v));
	memset(m->map_xlat.v, 0, pb->n_mapping * sizeof(*m->map_xlat.v));
	memset(m->loc_xlat.v, 0, pb->n_location * sizeof(*m->loc_xlat.v));
	return true;
}

/* Merges the input's samples; false when out of memory. */
static bool merge_samples(merge_input *in)
{
	pprof_merger *m = in->m;
	const pb_profile *pb = in->p->pb;
	size_t i;

	if (in->flags & PPROF_MERGE_MARK_BASE) {
		in->base_key = pp_strtab_intern(&m->strings, "pprof::base", 11);
		in->base_value = pp_strtab_intern(&m->strings, "true", 4);
		if (in->base_key == UINT32_MAX || in->base_value == UINT32_MAX)
			return false;
	}
	/* The first mapping stands for the main binary: keep it first. */
	if (m->maps.n == 0 && pb->n_mapping > 0 && !xlat_mapping(in, 0).id)
		return false;
	for (i = 0; i < pb->n_sample; i++) {
		const pb_sample *s = pb->sample[i];
		if (((in->flags & PPROF_MERGE_PART) || !pm_is_zero(s->value, s->n_value)) &&
		    !merge_sample(in, s))
			return false;
	}
	return true;
}

int pprof_merger_add(pprof_merger *m, const pprof_profile *p, unsigned flags)
{
	merge_input in = { m, p, flags, 0, 0 };
	int rc;

	if (!m->arena) { /* a finish ran out of memory: start afresh */
		pm_merger_clear(m);
		if (!pm_merger_start(m))
			goto nomem;
	}
	if (!reset_xlat(m, p->pb))
		goto nomem;
	if (m->count == 0) {
		if (!pm_take_first_header(&in))
			goto nomem;
	} else if ((rc = pm_check_compatible(&in)) != PPROF_OK) {
		return rc;
	}
	if (!pm_combine_header(&in) || !merge_samples(&in))
		goto nomem;
	m->count++;
	return PPROF_OK;
nomem:
	pp_seterr(m->err, "out of memory");
	return PPROF_ERR_NOMEM;
}

/* ---- a profile on its own ------------------------------------------------ */

int pp_merge_alone(pprof_merger **m, const pprof_profile *p, bool new_ids, pprof_profile **out,
                   char *err)
{
	const pprof_profile *view = p;
	pprof_profile *fresh = NULL;
	pp_arena *a;
	int rc = PPROF_ERR_NOMEM;

	if (!*m)
		*m = pprof_merger_new();
	if (new_ids && (a = pp_arena_new()))
		view = fresh = pp_profile_adopt(a, p->pb, err, &rc);
	if (*m && view && (!new_ids || fresh)) {
		if ((rc = pprof_merger_add(*m, view, 0)) == PPROF_OK)
			rc = pprof_merger_finish(*m, out);
		if (rc != PPROF_OK) {
			pp_seterr(err, "%s", pprof_merger_error(*m));
			pprof_merger_free(*m);
			*m = pprof_merger_new();
		}
	}
	if (rc == PPROF_ERR_NOMEM)
		pp_seterr(err, "out of memory");
	pprof_profile_free(fresh);
	return rc;
}
