/*
 * model.h - a decoded, validated profile and what reads it (HACKING.md
 * section 3): profile.c. Uses base.h.
 */
#ifndef PPROF_MODEL_H
#define PPROF_MODEL_H

#include "base.h"
#include "libpprof/profile.pb-c.h"

typedef Perftools__Profiles__Profile pb_profile;
typedef Perftools__Profiles__Sample pb_sample;
typedef Perftools__Profiles__Label pb_label;
typedef Perftools__Profiles__Location pb_location;
typedef Perftools__Profiles__Line pb_line;
typedef Perftools__Profiles__Function pb_function;
typedef Perftools__Profiles__Mapping pb_mapping;
typedef Perftools__Profiles__ValueType pb_value_type;

/* ---- profile.c: a decoded, validated profile -------------------------- */

/*
 * Maps the ids of a profile's objects (non-zero, unique) to their indices:
 * a plain array by id when the ids are small, as writers usually make them,
 * else an open-addressing table. Lives in the profile's arena.
 */
typedef struct {
	uint32_t *dense;   /* dense[id] = index + 1, for id < dense_len */
	uint64_t dense_len;
	uint64_t *keys;    /* sparse: ids (0 = empty slot) */
	uint32_t *vals;    /* sparse: indices */
	size_t mask;       /* sparse: capacity - 1 */
} pp_idmap;

struct pprof_profile {
	pp_arena *arena;   /* holds pb and everything it points to */
	pb_profile *pb;
	pp_idmap locations, functions, mappings;
};

/* Wraps a decoded message (in arena a, which the profile then owns): checks
 * it per HACKING.md section 6 and builds its id maps. On failure returns NULL,
 * describes the problem in err (PP_ERRLEN) and sets *code; a is then freed. */
pprof_profile *pp_profile_adopt(pp_arena *a, pb_profile *pb, char *err, int *code);

/* Appends n strings, their bytes already in p's arena and NUL-terminated, to
 * p's string table; they get the indices from the old count on. */
bool pp_profile_append_strings(pprof_profile *p, const ProtobufCBinaryData *strs, size_t n);

/* Index of the object with this id, or UINT32_MAX if there is none. Inline
 * for the dense case: merging looks up every location id of every sample. */
uint32_t pp_idmap_get_sparse(const pp_idmap *m, uint64_t id);
static inline uint32_t pp_idmap_get(const pp_idmap *m, uint64_t id)
{
	if (m->dense)
		return id < m->dense_len ? m->dense[id] - 1 : UINT32_MAX;
	return pp_idmap_get_sparse(m, id);
}

/* The bytes of string i of a profile (i already validated). */
static inline const ProtobufCBinaryData *pp_profile_string(const pprof_profile *p, int64_t i)
{
	return &p->pb->string_table[i];
}

#endif /* PPROF_MODEL_H */
