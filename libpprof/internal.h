/*
 * internal.h - what libpprof's own files share and nobody else sees.
 *
 * Layers (HACKING.md section 3), each using only those below it:
 *   operations: filter.c -> pgo.c, merge.c; labels.c -> merge.c; report.c
 *   -> stream: stream.c (reader) -> codec.c; writer.c -> encode.c
 *   -> codec: codec.c (unpack.c decodes the bulk, protobuf-c the rest)
 *      -> profile.c (decoding builds the validated model)
 *   -> model: profile.c, strtab.c
 *   -> base: arena.c, htab.c, util.c, units.c
 */
#ifndef PPROF_INTERNAL_H
#define PPROF_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pprof.h"
#include "libpprof/profile.pb-c.h"

typedef Perftools__Profiles__Profile pb_profile;
typedef Perftools__Profiles__Sample pb_sample;
typedef Perftools__Profiles__Label pb_label;
typedef Perftools__Profiles__Location pb_location;
typedef Perftools__Profiles__Line pb_line;
typedef Perftools__Profiles__Function pb_function;
typedef Perftools__Profiles__Mapping pb_mapping;
typedef Perftools__Profiles__ValueType pb_value_type;

/* Room for one error text in a handle. */
#define PP_ERRLEN 512

/* Formats an error text into buf (PP_ERRLEN bytes). */
void pp_seterr(char *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Appends text to the *used bytes of buf (size bytes, NUL-terminated) while
 * there is room: fmt formats plain text, pp_append_escaped the len bytes of a
 * string from a profile as pprof_escape shows them. *used may pass size when
 * buf is full. */
void pp_append(char *buf, size_t size, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void pp_append_escaped(char *buf, size_t size, size_t *used, const char *s, size_t len);

/* Grows *ptr (an array of elsize-byte items with room for *cap) to hold at
 * least need items, doubling. Returns false when out of memory. */
bool pp_grow(void *ptr, size_t *cap, size_t need, size_t elsize);

/* A growable array: items v[0..n), room for cap; VEC_RESERVE makes room
 * for need items (false when out of memory), checking in line whether there
 * is, as hot loops call it for every item. */
#define VEC(type) struct { type *v; size_t n, cap; }
#define VEC_RESERVE(vec, need) \
	(((vec).cap && (need) <= (vec).cap) || pp_grow(&(vec).v, &(vec).cap, (need), sizeof(*(vec).v)))
#define VEC_FREE(vec) (free((vec).v), (vec).v = NULL, (vec).n = (vec).cap = 0)

/* ---- arena.c: bump allocation, freed all at once ---------------------- */

typedef struct pp_arena pp_arena;

pp_arena *pp_arena_new(void);
void pp_arena_free(pp_arena *a);
/* size bytes aligned for any scalar type; NULL when out of memory. */
void *pp_arena_alloc(pp_arena *a, size_t size);
/* Refuses allocations past limit bytes handed out in all (0: no limit), and
 * tells whether it had to. */
void pp_arena_set_limit(pp_arena *a, size_t limit);
bool pp_arena_over_limit(const pp_arena *a);
/* The allocator protobuf-c's unpacker uses to allocate in arena a. */
void pp_arena_protobuf_allocator(pp_arena *a, ProtobufCAllocator *out);

/* ---- hashing and htab.c: open-addressing sets of indices -------------- */

static inline uint64_t pp_hash_mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

/* Hash of size bytes at data, seeded with h. */
uint64_t pp_hash_bytes(uint64_t h, const void *data, size_t size);

/*
 * A set of 32-bit item indices, found by a caller-supplied hash and equality
 * test; the items themselves live in the caller's arrays. One slot is
 * { hash, index + 1 }, 0 marking an empty slot.
 */
typedef struct {
	uint64_t *slots;
	size_t mask;   /* capacity - 1; capacity a power of two, 0 when unallocated */
	size_t count;
} pp_htab;

/* Tests whether item idx equals the key the caller is looking for. */
typedef bool (*pp_htab_eq)(const void *ctx, uint32_t idx);

/* The index of an item with this hash that eq accepts, or UINT32_MAX. */
uint32_t pp_htab_find(const pp_htab *t, uint64_t hash, pp_htab_eq eq, const void *ctx);
/* Adds item idx (known to be absent) with this hash; false when out of memory. */
bool pp_htab_add(pp_htab *t, uint64_t hash, uint32_t idx);
void pp_htab_free(pp_htab *t);

/* ---- strtab.c: interned strings -------------------------------------- */

/* A string table that gives each distinct byte string one index; index 0 is
 * the empty string. Strings are kept in one growing byte pool. */
typedef struct {
	char *pool;
	size_t pool_len, pool_cap;
	size_t *offsets;  /* per string: start in pool; offsets[count] = pool_len */
	size_t count, offsets_cap;
	pp_htab index;
} pp_strtab;

bool pp_strtab_init(pp_strtab *t);
void pp_strtab_free(pp_strtab *t);
/* The index of the string (interning it if new), or UINT32_MAX when out of
 * memory. */
uint32_t pp_strtab_intern(pp_strtab *t, const void *data, size_t size);
/* The index of the string, or UINT32_MAX if it is not in the table. */
uint32_t pp_strtab_find(const pp_strtab *t, const void *data, size_t size);
static inline const char *pp_strtab_get(const pp_strtab *t, uint32_t i, size_t *size)
{
	*size = t->offsets[i + 1] - t->offsets[i];
	return t->pool + t->offsets[i];
}

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

/* The bytes of string i of a profile (i already validated). */
static inline const ProtobufCBinaryData *pp_profile_string(const pprof_profile *p, int64_t i)
{
	return &p->pb->string_table[i];
}

/* ---- codec.c and encode.c --------------------------------------------- */

/* Where the encoder puts bytes: a buffer that drain passes on (compressing or
 * writing it) and empties; drain returns false on failure. */
typedef struct pp_stage {
	uint8_t *buf;
	size_t len, cap;
	bool (*drain)(struct pp_stage *s);
} pp_stage;

/* Encodes a profile into the stage; false when out of memory or a drain
 * failed. */
bool pp_encode(const pb_profile *pb, pp_stage *s);

/* Decodes size bytes of protobuf into a new validated profile; on failure
 * NULL with err and *code set. */
pprof_profile *pp_decode(const uint8_t *data, size_t size, char *err, int *code);

/* unpack.c: size bytes of protobuf to protobuf-c structs in arena a,
 * samples, locations, functions and strings decoded there and the rest by
 * protobuf-c; NULL when the bytes hold anything it leaves to protobuf-c
 * (malformed or unusual messages) or the arena is full. What it returns is
 * what protobuf-c's unpacker would, but with the strings each followed by a
 * NUL in one block. */
pb_profile *pp_unpack_fast(pp_arena *a, const uint8_t *data, size_t size);

/* ---- labels.c: label edits ------------------------------------------- */

/* Sets ids[i] to the index in p's string table of the C string strs[i]:
 * that of an equal string, else of a copy appended to the table (in p's
 * arena, NUL-terminated like decoded strings). The table is searched, so
 * this is for a few strings per profile. False when out of memory. */
bool pp_profile_add_strings(pprof_profile *p, const char *const *strs, size_t n, int64_t *ids);
/* Appends n strings, their bytes already in p's arena and NUL-terminated, to
 * p's string table; they get the indices from the old count on. */
bool pp_profile_append_strings(pprof_profile *p, const ProtobufCBinaryData *strs, size_t n);

/* ---- filter.c and pgo.c: filters --------------------------------------- */

/*
 * Reduces p, in place and in its arena, to what `go build -pgo` reads
 * (HACKING.md section 9; pgo.c says why nothing the compiler uses changes).
 * Adds locations (leaf copies) with new ids, which p's id maps do not know:
 * merge a view of p->pb adopted anew. PPROF_ERR_DATA, with err, when Go
 * could not use the profile.
 */
int pp_pgo_reduce(pprof_profile *p, char *err);

#endif /* PPROF_INTERNAL_H */
