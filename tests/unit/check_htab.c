/*
 * check_htab.c - htab.c: sets of indices found by the caller's hash and
 * equality, through growth and colliding hashes.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "testlib.h"
#include "testlib_internal.h"

/* The items: keys[i] is item i's key; the ctx of a lookup is the key. */
static uint64_t keys[5000];

static bool key_eq(const void *ctx, uint32_t idx)
{
	return keys[idx] == *(const uint64_t *)ctx;
}

/* Frees the table a test made with calloc, and its slots. */
static void htab_free_cb(void *t)
{
	pp_htab_free(t);
	free(t);
}

START_TEST(test_finds_every_item_after_growth)
{
	pp_htab *t = defer(calloc(1, sizeof(*t)), htab_free_cb);
	uint32_t i;
	uint64_t absent = 7;

	for (i = 0; i < 5000; i++) {
		keys[i] = (uint64_t)i * 1000003 + 11;
		ck_assert(pp_htab_add(t, pp_hash_mix(0, keys[i]), i));
	}
	ck_assert_uint_eq(t->count, 5000);
	for (i = 0; i < 5000; i++)
		ck_assert_uint_eq(pp_htab_find(t, pp_hash_mix(0, keys[i]), key_eq, &keys[i]), i);
	ck_assert_uint_eq(pp_htab_find(t, pp_hash_mix(0, absent), key_eq, &absent), UINT32_MAX);
}
END_TEST

START_TEST(test_equal_hashes_told_apart_by_eq)
{
	pp_htab *t = defer(calloc(1, sizeof(*t)), htab_free_cb);
	uint32_t i;
	uint64_t absent = 99;

	/* Every item with hash 42: only eq tells them apart. */
	for (i = 0; i < 40; i++) {
		keys[i] = i + 1000;
		ck_assert(pp_htab_add(t, 42, i));
	}
	for (i = 0; i < 40; i++)
		ck_assert_uint_eq(pp_htab_find(t, 42, key_eq, &keys[i]), i);
	ck_assert_uint_eq(pp_htab_find(t, 42, key_eq, &absent), UINT32_MAX);
}
END_TEST

START_TEST(test_empty_table_finds_nothing)
{
	pp_htab t = { 0 };
	uint64_t k = 1;

	ck_assert_uint_eq(pp_htab_find(&t, 1, key_eq, &k), UINT32_MAX);
	pp_htab_free(&t);
}
END_TEST

START_TEST(test_hash_bytes_depends_on_every_byte_and_length)
{
	const char a[] = "abcdefghijk", b[] = "abcdefghijK";

	ck_assert_uint_eq(pp_hash_bytes(1, a, 11), pp_hash_bytes(1, a, 11));
	ck_assert_uint_ne(pp_hash_bytes(1, a, 11), pp_hash_bytes(1, b, 11)); /* tail byte */
	ck_assert_uint_ne(pp_hash_bytes(1, a, 11), pp_hash_bytes(2, a, 11)); /* seed */
	/* "a" and "a\0" differ only in length. */
	ck_assert_uint_ne(pp_hash_bytes(1, "a", 1), pp_hash_bytes(1, "a\0", 2));
}
END_TEST

Suite *htab_suite(void)
{
	Suite *s = suite_create("htab");
	TCase *tc = tl_tcase("htab");

	tcase_add_test(tc, test_finds_every_item_after_growth);
	tcase_add_test(tc, test_equal_hashes_told_apart_by_eq);
	tcase_add_test(tc, test_empty_table_finds_nothing);
	tcase_add_test(tc, test_hash_bytes_depends_on_every_byte_and_length);
	suite_add_tcase(s, tc);
	return s;
}
