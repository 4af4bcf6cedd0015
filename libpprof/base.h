/*
 * base.h - the floor of libpprof that knows no profile (HACKING.md section 3):
 * errors and text (util.c), growable arrays, arena.c, hashing and htab.c,
 * strtab.c; units.c is here too, with only the public API. Nothing here
 * includes a floor above.
 */
#ifndef PPROF_BASE_H
#define PPROF_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "pprof.h"

/* Room for one error text in a handle. */
#define PP_ERRLEN 512

/* Formats an error text into buf (PP_ERRLEN bytes). */
void pp_seterr(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

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
#define VEC(type)              \
	struct {               \
		type *v;       \
		size_t n, cap; \
	}
#define VEC_RESERVE(vec, need)                 \
	(((vec).cap && (need) <= (vec).cap) || \
	 pp_grow(&(vec).v, &(vec).cap, (need), sizeof(*(vec).v)))
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
	size_t mask; /* capacity - 1; capacity a power of two, 0 when unallocated */
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
	size_t *offsets; /* per string: start in pool; offsets[count] = pool_len */
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

#endif /* PPROF_BASE_H */
