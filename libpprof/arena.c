/*
 * arena.c - a bump allocator. A decoded profile makes many thousands of small
 * objects that all die together; allocating them from large blocks and freeing
 * the blocks at once is much faster than malloc and free for each.
 */
#include <stdlib.h>

#include "base.h"

#define ARENA_FIRST_BLOCK (64 * 1024)
#define ARENA_MAX_BLOCK (8 * 1024 * 1024)

typedef struct block {
	struct block *next;
	size_t size, used;
	max_align_t data[];
} block;

struct pp_arena {
	block *head;      /* the block being filled; older ones follow */
	size_t next_size; /* size of the next block to allocate */
	size_t used;
	size_t limit;    /* on used; 0 for none */
	bool over_limit; /* an allocation was refused for the limit */
};

pp_arena *pp_arena_new(void)
{
	pp_arena *a = calloc(1, sizeof(*a));

	if (a)
		a->next_size = ARENA_FIRST_BLOCK;
	return a;
}

void pp_arena_free(pp_arena *a)
{
	block *b, *next;

	if (!a)
		return;
	for (b = a->head; b; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

/* A new block of size bytes; NULL when out of memory. */
static block *block_new(size_t size)
{
	block *b;

	if (size > SIZE_MAX - sizeof(block))
		return NULL;
	b = malloc(sizeof(block) + size);
	if (b) {
		b->size = size;
		b->used = 0;
	}
	return b;
}

/* A large request gets a block of its own, linked behind the block being
 * filled so that block's free room is not abandoned. */
static void *arena_alloc_large(pp_arena *a, size_t size)
{
	block *b = block_new(size);

	if (!b)
		return NULL;
	b->used = size;
	if (a->head) {
		b->next = a->head->next;
		a->head->next = b;
	} else {
		b->next = NULL;
		a->head = b;
	}
	a->used += size;
	return b->data;
}

void *pp_arena_alloc(pp_arena *a, size_t size)
{
	const size_t align = 8; /* enough for every type protobuf-c allocates */
	block *b = a->head;
	void *p;

	if (size > SIZE_MAX - align)
		return NULL;
	size = size ? (size + align - 1) & ~(align - 1) : align;
	if (a->limit && size > a->limit - a->used) {
		a->over_limit = true;
		return NULL;
	}
	if (size > a->next_size / 4)
		return arena_alloc_large(a, size);
	if (!b || b->size - b->used < size) {
		b = block_new(a->next_size);
		if (!b)
			return NULL;
		b->next = a->head;
		a->head = b;
		if (a->next_size < ARENA_MAX_BLOCK)
			a->next_size *= 2;
	}
	p = (char *)b->data + b->used;
	b->used += size;
	a->used += size;
	return p;
}

void pp_arena_set_limit(pp_arena *a, size_t limit)
{
	a->limit = limit > a->used ? limit : a->used;
}

bool pp_arena_over_limit(const pp_arena *a)
{
	return a->over_limit;
}

static void *arena_pb_alloc(void *data, size_t size)
{
	return pp_arena_alloc(data, size);
}

static void arena_pb_free(void *data, void *ptr)
{
	(void)data;
	(void)ptr; /* freed with the arena */
}

void pp_arena_protobuf_allocator(pp_arena *a, ProtobufCAllocator *out)
{
	out->alloc = arena_pb_alloc;
	out->free = arena_pb_free;
	out->allocator_data = a;
}
