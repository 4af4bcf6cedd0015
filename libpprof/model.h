/*
 * model.h - a decoded, validated profile and what reads it (HACKING.md
 * section 3): profile.c. Uses base.h.
 */
#ifndef PPROF_MODEL_H
#define PPROF_MODEL_H

#include <string.h>

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
	uint32_t *dense; /* dense[id] = index + 1, for id < dense_len */
	uint64_t dense_len;
	uint64_t *keys; /* sparse: ids (0 = empty slot) */
	uint32_t *vals; /* sparse: indices */
	size_t mask;    /* sparse: capacity - 1 */
} pp_idmap;

struct pprof_profile {
	pp_arena *arena; /* holds pb and everything it points to */
	pb_profile *pb;
	pp_idmap locations, functions, mappings;
};

/* Wraps a decoded message (in arena a, which the profile then owns): checks
 * it per HACKING.md section 6 and builds its id maps. On failure returns NULL,
 * describes the problem in err (PP_ERRLEN) and sets *code; a is then freed. */
pprof_profile *pp_profile_adopt(pp_arena *a, pb_profile *pb, char *err, int *code);

/* Index of the object with this id, or UINT32_MAX if there is none. Inline
 * for the dense case: merging looks up every location id of every sample. */
uint32_t pp_idmap_get_sparse(const pp_idmap *m, uint64_t id);
static inline uint32_t pp_idmap_get(const pp_idmap *m, uint64_t id)
{
	if (m->dense)
		return id < m->dense_len ? m->dense[id] - 1 : UINT32_MAX;
	return pp_idmap_get_sparse(m, id);
}

/* A copy of p, in an arena of its own, that a transform may change while p
 * stays as it was: the message, its objects (samples, locations and their
 * lines, functions, mappings, value types) and the arrays of pointers to
 * them are copied. The rest is p's, so the copy must not outlive p: the id
 * maps, the string table and comments, the labels, and the arrays of
 * samples' location ids, values and labels. Transforms give a sample or a
 * profile a new such array (in the copy's arena), never write into one. NULL
 * when out of memory. */
pprof_profile *pp_profile_work_copy(const pprof_profile *p);

/* Builds p's id maps of functions and locations afresh, in p's arena, after
 * a transform added some (with ids it made unique). False when out of
 * memory. */
bool pp_profile_reindex(pprof_profile *p);

/* The bytes of string i of a profile (i already validated). */
static inline const ProtobufCBinaryData *pp_profile_string(const pprof_profile *p, int64_t i)
{
	return &p->pb->string_table[i];
}

/* String i of the profile as a C string. Decoded strings are not
 * NUL-terminated on the wire; decode.c stores each one with a NUL after it. */
static inline const char *pp_profile_cstr(const pprof_profile *p, int64_t i)
{
	const ProtobufCBinaryData *s = pp_profile_string(p, i);

	return s->len ? (const char *)s->data : "";
}

/* ---- strings.c: adding to a profile's string table -------------------- */

/* Sets ids[i] to the index in p's string table of the C string strs[i]:
 * that of an equal string, else of a copy appended to the table (in p's
 * arena, NUL-terminated like decoded strings). The table is searched, so
 * this is for a few strings per profile. False when out of memory. */
bool pp_profile_add_strings(pprof_profile *p, const char *const *strs, size_t n, int64_t *ids);
/* Appends n strings, their bytes already in p's arena and NUL-terminated, to
 * p's string table; they get the indices from the old count on. */
bool pp_profile_append_strings(pprof_profile *p, const ProtobufCBinaryData *strs, size_t n);

/* ---- label kinds -------------------------------------------------------- */

/* How pprof's decoder reads a label: a string label has a string (any
 * number it has is ignored); a numeric one has none, but a number or a unit;
 * a label with neither (NONE) it drops. Bits, to test against masks. */
enum { PP_LABEL_NONE = 1, PP_LABEL_STR = 2, PP_LABEL_NUM = 4 };

static inline unsigned pp_label_kind(const pb_label *l)
{
	if (l->str)
		return PP_LABEL_STR;
	return l->num || l->num_unit ? PP_LABEL_NUM : PP_LABEL_NONE;
}

/* The unit pprof gives the numbers of a label key when no label of the key
 * gives one (identifyNumLabelUnits): bytes for "alignment" and "request",
 * else the key itself. */
static inline const char *pp_guessed_label_unit(const char *key)
{
	return strcmp(key, "alignment") == 0 || strcmp(key, "request") == 0 ? "bytes" : key;
}

/* ---- sampletype.c: sample types ------------------------------------------ */

/* What pp_find_sample_type found. */
enum { PP_TYPE_FOUND, PP_TYPE_OUT_OF_RANGE, PP_TYPE_UNKNOWN };

/* pprof's SampleIndexByName: spec is a 0-based index (as Go's strconv.Atoi
 * reads it: optional sign, decimal digits), else a type name, "inuse_" in
 * front allowed. PP_TYPE_FOUND with *index set; PP_TYPE_OUT_OF_RANGE for an
 * index with no type; PP_TYPE_UNKNOWN for a name no type has. The callers
 * word the failures. */
int pp_find_sample_type(const pprof_profile *p, const char *spec, size_t *index);

#endif /* PPROF_MODEL_H */
