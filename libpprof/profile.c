/*
 * profile.c - a decoded profile: validation (HACKING.md section 6), id maps and
 * accessors. After pp_profile_adopt succeeds, every index and id in the
 * profile can be trusted.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"

/* ---- id maps ---------------------------------------------------------- */

static uint64_t id_slot(uint64_t id, size_t mask)
{
	return pp_hash_mix(0, id) & mask;
}

/* Prepares m for count ids of which the largest is max_id. */
static bool idmap_init(pp_idmap *m, pp_arena *a, size_t count, uint64_t max_id)
{
	size_t cap = 16;

	memset(m, 0, sizeof(*m));
	if (max_id <= 2 * (uint64_t)count + 1024) {
		m->dense_len = max_id + 1;
		m->dense = pp_arena_alloc(a, m->dense_len * sizeof(*m->dense));
		if (!m->dense)
			return false;
		memset(m->dense, 0, m->dense_len * sizeof(*m->dense));
		return true;
	}
	while (cap < 2 * count)
		cap *= 2;
	m->mask = cap - 1;
	m->keys = pp_arena_alloc(a, cap * sizeof(*m->keys));
	m->vals = pp_arena_alloc(a, cap * sizeof(*m->vals));
	if (!m->keys || !m->vals)
		return false;
	memset(m->keys, 0, cap * sizeof(*m->keys));
	return true;
}

/* Records id -> idx; false if id is already there. */
static bool idmap_put(pp_idmap *m, uint64_t id, uint32_t idx)
{
	size_t i;

	if (m->dense) {
		if (m->dense[id])
			return false;
		m->dense[id] = idx + 1;
		return true;
	}
	for (i = id_slot(id, m->mask); m->keys[i]; i = (i + 1) & m->mask)
		if (m->keys[i] == id)
			return false;
	m->keys[i] = id;
	m->vals[i] = idx;
	return true;
}

uint32_t pp_idmap_get_sparse(const pp_idmap *m, uint64_t id)
{
	size_t i;

	if (!m->keys)
		return UINT32_MAX;
	for (i = id_slot(id, m->mask); m->keys[i]; i = (i + 1) & m->mask)
		if (m->keys[i] == id)
			return m->vals[i];
	return UINT32_MAX;
}

/* ---- validation ------------------------------------------------------- */

/* What validation needs at hand: the profile, where to say what is wrong. */
typedef struct {
	pprof_profile *p;
	char *err;
} checker;

static bool string_ok(const checker *c, int64_t idx, const char *what, size_t pos)
{
	if (idx >= 0 && (uint64_t)idx < c->p->pb->n_string_table)
		return true;
	if (pos)
		pp_seterr(c->err, "%s %zu: string index %lld out of range (%zu strings)", what, pos,
		          (long long)idx, c->p->pb->n_string_table);
	else
		pp_seterr(c->err, "%s: string index %lld out of range (%zu strings)", what,
		          (long long)idx, c->p->pb->n_string_table);
	return false;
}

static bool value_type_ok(const checker *c, const pb_value_type *vt, const char *what, size_t pos)
{
	return !vt || (string_ok(c, vt->type, what, pos) && string_ok(c, vt->unit, what, pos));
}

/* The string table and every string index in the profile's header. */
static bool check_header(const checker *c)
{
	const pb_profile *pb = c->p->pb;
	size_t i;

	if (pb->n_string_table == 0) {
		pp_seterr(c->err, "string table is empty");
		return false;
	}
	if (pb->string_table[0].len != 0) {
		pp_seterr(c->err, "string table entry 0 is not empty");
		return false;
	}
	for (i = 0; i < pb->n_sample_type; i++)
		if (!value_type_ok(c, pb->sample_type[i], "sample type", i + 1))
			return false;
	for (i = 0; i < pb->n_comment; i++)
		if (!string_ok(c, pb->comment[i], "comment", i + 1))
			return false;
	return value_type_ok(c, pb->period_type, "period type", 0) &&
	       string_ok(c, pb->drop_frames, "drop_frames", 0) &&
	       string_ok(c, pb->keep_frames, "keep_frames", 0) &&
	       string_ok(c, pb->default_sample_type, "default_sample_type", 0) &&
	       string_ok(c, pb->doc_url, "doc_url", 0);
}

/* Builds an id map over n objects whose ids get_id reads, refusing zero and
 * duplicate ids. */
static bool index_ids(const checker *c, pp_idmap *m, void **objs, size_t n,
                      uint64_t (*get_id)(const void *), const char *what)
{
	uint64_t max_id = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t id = get_id(objs[i]);
		if (id == 0) {
			pp_seterr(c->err, "%s %zu: id is zero", what, i + 1);
			return false;
		}
		if (id > max_id)
			max_id = id;
	}
	if (!idmap_init(m, c->p->arena, n, max_id)) {
		pp_seterr(c->err, "out of memory");
		return false;
	}
	for (i = 0; i < n; i++)
		if (!idmap_put(m, get_id(objs[i]), (uint32_t)i)) {
			pp_seterr(c->err, "%s %zu: id %llu is not unique", what, i + 1,
			          (unsigned long long)get_id(objs[i]));
			return false;
		}
	return true;
}

static uint64_t mapping_id(const void *o)
{
	return ((const pb_mapping *)o)->id;
}
static uint64_t function_id(const void *o)
{
	return ((const pb_function *)o)->id;
}
static uint64_t location_id(const void *o)
{
	return ((const pb_location *)o)->id;
}

static bool check_mappings(const checker *c)
{
	const pb_profile *pb = c->p->pb;
	size_t i;

	for (i = 0; i < pb->n_mapping; i++)
		if (!string_ok(c, pb->mapping[i]->filename, "mapping", i + 1) ||
		    !string_ok(c, pb->mapping[i]->build_id, "mapping", i + 1))
			return false;
	return index_ids(c, &c->p->mappings, (void **)pb->mapping, pb->n_mapping, mapping_id,
	                 "mapping");
}

static bool check_functions(const checker *c)
{
	const pb_profile *pb = c->p->pb;
	size_t i;

	for (i = 0; i < pb->n_function; i++) {
		const pb_function *f = pb->function[i];
		if (!string_ok(c, f->name, "function", i + 1) ||
		    !string_ok(c, f->system_name, "function", i + 1) ||
		    !string_ok(c, f->filename, "function", i + 1))
			return false;
	}
	return index_ids(c, &c->p->functions, (void **)pb->function, pb->n_function, function_id,
	                 "function");
}

/* Locations need the mapping and function maps built first. */
static bool check_locations(const checker *c)
{
	const pb_profile *pb = c->p->pb;
	size_t i, j;

	for (i = 0; i < pb->n_location; i++) {
		const pb_location *l = pb->location[i];
		if (l->mapping_id && pp_idmap_get(&c->p->mappings, l->mapping_id) == UINT32_MAX) {
			pp_seterr(c->err, "location %zu: mapping id %llu does not exist", i + 1,
			          (unsigned long long)l->mapping_id);
			return false;
		}
		for (j = 0; j < l->n_line; j++)
			if (pp_idmap_get(&c->p->functions, l->line[j]->function_id) == UINT32_MAX) {
				pp_seterr(c->err,
				          "location %zu: line %zu: function id %llu does not exist",
				          i + 1, j + 1,
				          (unsigned long long)l->line[j]->function_id);
				return false;
			}
	}
	return index_ids(c, &c->p->locations, (void **)pb->location, pb->n_location, location_id,
	                 "location");
}

static bool check_sample(const checker *c, const pb_sample *s, size_t pos)
{
	size_t j;

	if (s->n_value != c->p->pb->n_sample_type) {
		pp_seterr(c->err, "sample %zu: has %zu values for %zu sample types", pos,
		          s->n_value, c->p->pb->n_sample_type);
		return false;
	}
	for (j = 0; j < s->n_location_id; j++)
		if (pp_idmap_get(&c->p->locations, s->location_id[j]) == UINT32_MAX) {
			pp_seterr(c->err, "sample %zu: location id %llu does not exist", pos,
			          (unsigned long long)s->location_id[j]);
			return false;
		}
	for (j = 0; j < s->n_label; j++) {
		const pb_label *l = s->label[j];
		if (!string_ok(c, l->key, "sample", pos) || !string_ok(c, l->str, "sample", pos) ||
		    !string_ok(c, l->num_unit, "sample", pos))
			return false;
	}
	return true;
}

pprof_profile *pp_profile_adopt(pp_arena *a, pb_profile *pb, char *err, int *code)
{
	pprof_profile *p = pp_arena_alloc(a, sizeof(*p));
	checker c = { p, err };
	size_t i;

	if (!p) {
		pp_seterr(err, "out of memory");
		*code = PPROF_ERR_NOMEM;
		pp_arena_free(a);
		return NULL;
	}
	memset(p, 0, sizeof(*p));
	p->arena = a;
	p->pb = pb;
	*code = PPROF_ERR_DATA;
	if (!check_header(&c) || !check_mappings(&c) || !check_functions(&c) ||
	    !check_locations(&c))
		goto fail;
	for (i = 0; i < pb->n_sample; i++)
		if (!check_sample(&c, pb->sample[i], i + 1))
			goto fail;
	*code = PPROF_OK;
	return p;
fail:
	if (strcmp(err, "out of memory") == 0)
		*code = PPROF_ERR_NOMEM;
	pp_arena_free(a);
	return NULL;
}

/* ---- public accessors ------------------------------------------------- */

pprof_profile *pprof_profile_new_empty(void)
{
	static const ProtobufCBinaryData empty = { 0, (uint8_t *)"" };
	pp_arena *a = pp_arena_new();
	pb_profile *pb;
	char err[PP_ERRLEN];
	int code;

	if (!a)
		return NULL;
	pb = pp_arena_alloc(a, sizeof(*pb));
	if (!pb) {
		pp_arena_free(a);
		return NULL;
	}
	perftools__profiles__profile__init(pb);
	pb->n_string_table = 1;
	pb->string_table = (ProtobufCBinaryData *)&empty;
	return pp_profile_adopt(a, pb, err, &code);
}

void pprof_profile_free(pprof_profile *p)
{
	if (p)
		pp_arena_free(p->arena);
}

size_t pprof_profile_sample_count(const pprof_profile *p)
{
	return p->pb->n_sample;
}
size_t pprof_profile_location_count(const pprof_profile *p)
{
	return p->pb->n_location;
}
size_t pprof_profile_function_count(const pprof_profile *p)
{
	return p->pb->n_function;
}
size_t pprof_profile_mapping_count(const pprof_profile *p)
{
	return p->pb->n_mapping;
}
size_t pprof_profile_string_count(const pprof_profile *p)
{
	return p->pb->n_string_table;
}
size_t pprof_profile_sample_type_count(const pprof_profile *p)
{
	return p->pb->n_sample_type;
}
int64_t pprof_profile_period(const pprof_profile *p)
{
	return p->pb->period;
}
int64_t pprof_profile_time_nanos(const pprof_profile *p)
{
	return p->pb->time_nanos;
}
int64_t pprof_profile_duration_nanos(const pprof_profile *p)
{
	return p->pb->duration_nanos;
}

const char *pprof_profile_sample_type(const pprof_profile *p, size_t i, const char **unit)
{
	const pb_value_type *vt;

	if (i >= p->pb->n_sample_type)
		return NULL;
	vt = p->pb->sample_type[i];
	if (unit)
		*unit = pp_profile_cstr(p, vt->unit);
	return pp_profile_cstr(p, vt->type);
}

const char *pprof_profile_period_type(const pprof_profile *p, const char **unit)
{
	const pb_value_type *vt = p->pb->period_type;

	if (unit)
		*unit = vt ? pp_profile_cstr(p, vt->unit) : "";
	return vt ? pp_profile_cstr(p, vt->type) : "";
}

int64_t pprof_profile_total(const pprof_profile *p, size_t i)
{
	uint64_t sum = 0; /* unsigned: wraps like Go's int64 instead of overflowing */
	size_t k;

	if (i >= p->pb->n_sample_type)
		return 0;
	for (k = 0; k < p->pb->n_sample; k++)
		sum += (uint64_t)p->pb->sample[k]->value[i];
	return (int64_t)sum;
}

/* ---- working copies, so that a failed transform leaves its input as it was */

/* n items of size bytes at src, copied into a; src itself when n is 0. */
static void *dup_array(pp_arena *a, const void *src, size_t n, size_t size)
{
	void *dst;

	if (n == 0)
		return (void *)src;
	if ((dst = pp_arena_alloc(a, n * size)))
		memcpy(dst, src, n * size);
	return dst;
}

/* The n objects (of size bytes each) that the pointers at src point to,
 * copied into a, with a new array of pointers to the copies. */
static void **dup_objects(pp_arena *a, void *const *src, size_t n, size_t size)
{
	void **dst = dup_array(a, src, n, sizeof(*src));
	size_t i;

	if (n == 0 || !dst)
		return dst;
	for (i = 0; i < n; i++)
		if (!(dst[i] = dup_array(a, src[i], 1, size)))
			return NULL;
	return dst;
}

#define DUP_OBJECTS(a, field, n) \
	((field) = (void *)dup_objects((a), (void *const *)(field), (n), sizeof(**(field))))

static bool copy_locations(pp_arena *a, pb_profile *pb)
{
	size_t i;

	if (pb->n_location && !DUP_OBJECTS(a, pb->location, pb->n_location))
		return false;
	for (i = 0; i < pb->n_location; i++) {
		pb_location *l = pb->location[i];

		if (l->n_line && !DUP_OBJECTS(a, l->line, l->n_line))
			return false;
	}
	return true;
}

/* Copies into a the objects of pb (already a shallow copy) and the arrays
 * of pointers to them; see pp_profile_work_copy for what stays shared. */
static bool copy_message(pp_arena *a, pb_profile *pb)
{
	if ((pb->n_sample_type && !DUP_OBJECTS(a, pb->sample_type, pb->n_sample_type)) ||
	    (pb->n_sample && !DUP_OBJECTS(a, pb->sample, pb->n_sample)) ||
	    (pb->n_mapping && !DUP_OBJECTS(a, pb->mapping, pb->n_mapping)) ||
	    (pb->n_function && !DUP_OBJECTS(a, pb->function, pb->n_function)) ||
	    !copy_locations(a, pb))
		return false;
	return !pb->period_type ||
	       (pb->period_type = dup_array(a, pb->period_type, 1, sizeof(*pb->period_type)));
}

pprof_profile *pp_profile_work_copy(const pprof_profile *p)
{
	pp_arena *a = pp_arena_new();
	pprof_profile *c = a ? pp_arena_alloc(a, sizeof(*c)) : NULL;
	pb_profile *pb = c ? dup_array(a, p->pb, 1, sizeof(*pb)) : NULL;

	if (!pb || !copy_message(a, pb)) {
		pp_arena_free(a);
		return NULL;
	}
	*c = *p;
	c->arena = a;
	c->pb = pb;
	return c;
}

bool pp_profile_reindex(pprof_profile *p)
{
	char err[PP_ERRLEN];
	checker c = { p, err };
	pb_profile *pb = p->pb;

	return index_ids(&c, &p->functions, (void **)pb->function, pb->n_function, function_id,
	                 "function") &&
	       index_ids(&c, &p->locations, (void **)pb->location, pb->n_location, location_id,
	                 "location");
}
