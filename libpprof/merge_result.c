/*
 * merge_result.c - the result of a merge (HACKING.md section 5): the kept
 * objects numbered in pprof's order and built as the protobuf-c structs of a
 * new profile, which takes the samples as they are. merge.c says how a merge
 * works.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"

/* ---- the result ------------------------------------------------------- */

/* Arrays of n structs of the given type and of pointers to them, in arena a,
 * each struct initialised with init; NULL when out of memory. */
#define PB_ARRAY(a, type, init, n) ((type **)pb_array((a), sizeof(type), (n), (init)))

static void **pb_array(pp_arena *a, size_t size, size_t n, void (*init)(void *))
{
	void **ptrs = pp_arena_alloc(a, n * sizeof(void *) + 1);
	char *items = pp_arena_alloc(a, n * size + 1);
	size_t i;

	if (!ptrs || !items)
		return NULL;
	for (i = 0; i < n; i++) {
		ptrs[i] = items + i * size;
		init(ptrs[i]);
	}
	return ptrs;
}

static void init_value_type(void *p)
{
	perftools__profiles__value_type__init(p);
}
static void init_function(void *p)
{
	perftools__profiles__function__init(p);
}
static void init_mapping(void *p)
{
	perftools__profiles__mapping__init(p);
}
static void init_location(void *p)
{
	perftools__profiles__location__init(p);
}
static void init_line(void *p)
{
	perftools__profiles__line__init(p);
}

/*
 * Renumbering strings. The result's strings are numbered as met while
 * merging; before writing they are renumbered in the order Go's encoder
 * numbers them (sample types, then each sample's labels, mappings, functions,
 * the rest of the header). So a profile gets the same string table whatever
 * order its strings were met in, strings no longer used go, and label
 * strings, which samples repeat most, get the shortest varints.
 */
typedef struct {
	uint32_t *new_id; /* by old id; 0 = not numbered yet (old 0 is new 0) */
	uint32_t *old_id; /* by new id */
	uint32_t count;
} renumbering;

static void number(renumbering *r, uint32_t old)
{
	if (old && !r->new_id[old]) {
		r->new_id[old] = r->count;
		r->old_id[r->count++] = old;
	}
}

/* Numbers the strings of samples' labels, each label set once. */
static void number_labels(pprof_merger *m, renumbering *r)
{
	size_t i, j;

	for (i = 0; i < m->samples.n; i++) {
		const pb_sample *s = m->samples.v[i];
		for (j = 0; j < s->n_label; j++) {
			number(r, (uint32_t)s->label[j]->key);
			number(r, (uint32_t)(s->label[j]->str ? s->label[j]->str
			                                      : s->label[j]->num_unit));
		}
	}
}

static void number_all(pprof_merger *m, renumbering *r)
{
	size_t i;

	for (i = 0; i < m->types.n; i++)
		number(r, m->types.v[i]);
	number_labels(m, r);
	for (i = 0; i < m->maps.n; i++) {
		number(r, m->maps.v[i].filename);
		number(r, m->maps.v[i].build_id);
	}
	for (i = 0; i < m->fns.n; i++) {
		number(r, m->fns.v[i].name);
		number(r, m->fns.v[i].system_name);
		number(r, m->fns.v[i].filename);
	}
	number(r, m->drop_frames);
	number(r, m->keep_frames);
	number(r, m->period_type);
	number(r, m->period_unit);
	for (i = 0; i < m->comments.n; i++)
		number(r, m->comments.v[i]);
	number(r, m->default_sample_type);
	number(r, m->doc_url);
}

/* Rewrites every string id the merger holds to its new number. */
static void apply_numbering(pprof_merger *m, const renumbering *r)
{
	const uint32_t *n = r->new_id;
	size_t i, j;

	for (i = 0; i < m->types.n; i++)
		m->types.v[i] = n[m->types.v[i]];
	for (i = 0; i < m->labelsets.n; i++)
		for (j = 0; j < m->labelsets.v[i].n; j++) {
			pb_label *l = m->labelsets.v[i].labels[j];
			l->key = n[l->key];
			l->str = n[l->str];
			l->num_unit = n[l->num_unit];
		}
	for (i = 0; i < m->maps.n; i++) {
		m->maps.v[i].filename = n[m->maps.v[i].filename];
		m->maps.v[i].build_id = n[m->maps.v[i].build_id];
	}
	for (i = 0; i < m->fns.n; i++) {
		m->fns.v[i].name = n[m->fns.v[i].name];
		m->fns.v[i].system_name = n[m->fns.v[i].system_name];
		m->fns.v[i].filename = n[m->fns.v[i].filename];
	}
	for (i = 0; i < m->comments.n; i++)
		m->comments.v[i] = n[m->comments.v[i]];
	m->drop_frames = n[m->drop_frames];
	m->keep_frames = n[m->keep_frames];
	m->period_type = n[m->period_type];
	m->period_unit = n[m->period_unit];
	m->default_sample_type = n[m->default_sample_type];
	m->doc_url = n[m->doc_url];
}

/* The string table in the new order, each string followed by a NUL as
 * decoded ones are; the merger's ids are rewritten to match. */
static bool build_strings(pprof_merger *m, pp_arena *a, pb_profile *pb)
{
	const pp_strtab *t = &m->strings;
	renumbering r = { calloc(t->count, sizeof(uint32_t)), malloc(t->count * sizeof(uint32_t)),
		          1 };
	char *text = pp_arena_alloc(a, t->pool_len + t->count);
	size_t i;

	pb->string_table = pp_arena_alloc(a, t->count * sizeof(*pb->string_table));
	if (!r.new_id || !r.old_id || !text || !pb->string_table) {
		free(r.new_id);
		free(r.old_id);
		return false;
	}
	r.old_id[0] = 0;
	number_all(m, &r);
	apply_numbering(m, &r);
	for (i = 0; i < r.count; i++) {
		size_t len;
		const char *s = pp_strtab_get(t, r.old_id[i], &len);
		memcpy(text, s, len);
		text[len] = '\0';
		pb->string_table[i].data = (uint8_t *)text;
		pb->string_table[i].len = len;
		text += len + 1;
	}
	pb->n_string_table = r.count;
	free(r.new_id);
	free(r.old_id);
	return true;
}

static bool build_header(const pprof_merger *m, pp_arena *a, pb_profile *pb)
{
	size_t i, n = m->types.n / 2;

	pb->sample_type = PB_ARRAY(a, pb_value_type, init_value_type, n);
	pb->period_type = pp_arena_alloc(a, sizeof(*pb->period_type));
	pb->comment = pp_arena_alloc(a, m->comments.n * sizeof(*pb->comment) + 1);
	if (!pb->sample_type || !pb->period_type || !pb->comment)
		return false;
	for (i = 0; i < n; i++) {
		pb->sample_type[i]->type = m->types.v[2 * i];
		pb->sample_type[i]->unit = m->types.v[2 * i + 1];
	}
	pb->n_sample_type = n;
	perftools__profiles__value_type__init(pb->period_type);
	pb->period_type->type = m->period_type;
	pb->period_type->unit = m->period_unit;
	for (i = 0; i < m->comments.n; i++)
		pb->comment[i] = m->comments.v[i];
	pb->n_comment = m->comments.n;
	pb->drop_frames = m->drop_frames;
	pb->keep_frames = m->keep_frames;
	pb->time_nanos = m->time_nanos;
	pb->duration_nanos = m->duration_nanos;
	pb->period = m->period;
	pb->default_sample_type = m->default_sample_type;
	pb->doc_url = m->doc_url;
	return true;
}

static bool build_functions(const pprof_merger *m, pp_arena *a, pb_profile *pb)
{
	size_t i;

	pb->function = PB_ARRAY(a, pb_function, init_function, m->fns.n);
	if (!pb->function)
		return false;
	for (i = 0; i < m->fns.n; i++) {
		pb_function *f = pb->function[i];
		f->id = i + 1;
		f->name = m->fns.v[i].name;
		f->system_name = m->fns.v[i].system_name;
		f->filename = m->fns.v[i].filename;
		f->start_line = m->fns.v[i].start_line;
	}
	pb->n_function = m->fns.n;
	return true;
}

static bool build_mappings(const pprof_merger *m, pp_arena *a, pb_profile *pb)
{
	size_t i;

	pb->mapping = PB_ARRAY(a, pb_mapping, init_mapping, m->maps.n);
	if (!pb->mapping)
		return false;
	for (i = 0; i < m->maps.n; i++) {
		const map_rec *r = &m->maps.v[i];
		pb_mapping *p = pb->mapping[i];
		p->id = i + 1;
		p->memory_start = r->start;
		p->memory_limit = r->limit;
		p->file_offset = r->offset;
		p->filename = r->filename;
		p->build_id = r->build_id;
		p->has_functions = r->has_functions;
		p->has_filenames = r->has_filenames;
		p->has_line_numbers = r->has_line_numbers;
		p->has_inline_frames = r->has_inline_frames;
	}
	pb->n_mapping = m->maps.n;
	return true;
}

static bool build_locations(const pprof_merger *m, pp_arena *a, pb_profile *pb)
{
	pb_line **lines = PB_ARRAY(a, pb_line, init_line, m->lines.n);
	size_t i;

	pb->location = PB_ARRAY(a, pb_location, init_location, m->locs.n);
	if (!pb->location || !lines)
		return false;
	for (i = 0; i < m->lines.n; i++) {
		lines[i]->function_id = m->lines.v[i].function;
		lines[i]->line = m->lines.v[i].line;
		lines[i]->column = m->lines.v[i].column;
	}
	for (i = 0; i < m->locs.n; i++) {
		const loc_rec *r = &m->locs.v[i];
		pb_location *l = pb->location[i];
		l->id = i + 1;
		l->mapping_id = r->mapping;
		l->address = r->address;
		l->is_folded = r->folded;
		l->n_line = r->nlines;
		l->line = lines + r->line0;
	}
	pb->n_location = m->locs.n;
	return true;
}

/* The samples are built already but for their values, which come from
 * sums; the result takes them as they are. */
static bool build_samples(const pprof_merger *m, pp_arena *a, pb_profile *pb)
{
	size_t i, nv = m->types.n / 2;

	pb->sample = pp_arena_alloc(a, m->samples.n * sizeof(*pb->sample));
	if (!pb->sample)
		return false;
	for (i = 0; i < m->samples.n; i++) {
		pb_sample *s = m->samples.v[i];
		s->value = pp_arena_alloc(a, nv * sizeof(int64_t));
		if (!s->value)
			return false;
		memcpy(s->value, &m->sums.v[i * nv], nv * sizeof(int64_t));
		pb->sample[i] = s;
	}
	pb->n_sample = m->samples.n;
	return true;
}

/* The result as a profile of its own (validated like any input), in the
 * merger's arena, which the profile takes over. */
static int merger_materialize(pprof_merger *m, pprof_profile **out, char *err)
{
	pp_arena *a = m->arena;
	pb_profile *pb = pp_arena_alloc(a, sizeof(*pb));
	int rc;

	if (pb)
		perftools__profiles__profile__init(pb);
	if (!pb || !build_strings(m, a, pb) || !build_header(m, a, pb) ||
	    !build_functions(m, a, pb) || !build_mappings(m, a, pb) || !build_locations(m, a, pb) ||
	    !build_samples(m, a, pb)) {
		pp_seterr(err, "out of memory");
		return PPROF_ERR_NOMEM;
	}
	m->arena = NULL; /* the profile's now, even if it is refused */
	*out = pp_profile_adopt(a, pb, err, &rc);
	return rc;
}

int pprof_merger_finish_part(pprof_merger *m, pprof_profile **out)
{
	int rc;

	*out = NULL;
	rc = merger_materialize(m, out, m->err);
	pm_merger_clear(m);
	if (!pm_merger_start(m)) {
		pprof_profile_free(*out);
		*out = NULL;
		pp_seterr(m->err, "out of memory");
		return PPROF_ERR_NOMEM;
	}
	return rc;
}

int pprof_merger_finish(pprof_merger *m, pprof_profile **out)
{
	bool zero = false;
	size_t i, nv = m->types.n / 2;
	int rc;

	for (i = 0; i < m->samples.n && !zero; i++)
		zero = pm_is_zero(&m->sums.v[i * nv], nv);
	rc = pprof_merger_finish_part(m, out);
	if (rc != PPROF_OK || !zero)
		return rc;
	/* Samples that cancelled out (a base): merge the result again on its
	 * own, as pprof does, so they go with whatever only they referenced. */
	pprof_profile *sparse = *out;
	*out = NULL;
	rc = pprof_merger_add(m, sparse, 0);
	pprof_profile_free(sparse);
	if (rc == PPROF_OK)
		rc = pprof_merger_finish(m, out);
	return rc;
}
