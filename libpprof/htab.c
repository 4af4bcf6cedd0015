/*
 * htab.c - open-addressing hash sets of item indices, with linear probing.
 * The caller keeps the items; a slot holds the upper 32 bits of the item's
 * hash (to skip most unequal items without calling eq) and index + 1.
 */
#include <stdlib.h>

#include "base.h"

#define SLOT(hash, idx) (((hash)&0xffffffff00000000ull) | ((uint64_t)(idx) + 1))
#define SLOT_INDEX(slot) ((uint32_t)((slot)&0xffffffffu) - 1)
#define SLOT_HASH_MATCH(slot, hash) (((slot) ^ (hash)) >> 32 == 0)

uint32_t pp_htab_find(const pp_htab *t, uint64_t hash, pp_htab_eq eq, const void *ctx)
{
	size_t i;

	if (!t->slots)
		return UINT32_MAX;
	for (i = (hash >> 32) & t->mask; t->slots[i]; i = (i + 1) & t->mask) {
		uint64_t slot = t->slots[i];

		if (SLOT_HASH_MATCH(slot, hash) && eq(ctx, SLOT_INDEX(slot)))
			return SLOT_INDEX(slot);
	}
	return UINT32_MAX;
}

/* Puts a slot in the first free place of its probe sequence. */
static void htab_place(uint64_t *slots, size_t mask, uint64_t slot, uint64_t hash)
{
	size_t i = hash & mask;

	while (slots[i])
		i = (i + 1) & mask;
	slots[i] = slot;
}

/* Doubles the table. Positions come from the upper 32 bits of the hash, the
 * part a slot keeps, so slots move without looking at the items. */
static bool htab_grow(pp_htab *t)
{
	size_t cap = t->slots ? (t->mask + 1) * 2 : 64;
	uint64_t *slots = calloc(cap, sizeof(*slots));
	size_t i;

	if (!slots)
		return false;
	for (i = 0; t->slots && i <= t->mask; i++)
		if (t->slots[i])
			htab_place(slots, cap - 1, t->slots[i], t->slots[i] >> 32);
	free(t->slots);
	t->slots = slots;
	t->mask = cap - 1;
	return true;
}

bool pp_htab_add(pp_htab *t, uint64_t hash, uint32_t idx)
{
	if (!t->slots || (t->count + 1) * 2 > t->mask + 1)
		if (!htab_grow(t))
			return false;
	htab_place(t->slots, t->mask, SLOT(hash, idx), hash >> 32);
	t->count++;
	return true;
}

void pp_htab_free(pp_htab *t)
{
	free(t->slots);
	t->slots = NULL;
	t->mask = t->count = 0;
}
