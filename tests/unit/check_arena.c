/*
 * check_arena.c - arena.c: bump allocation, alignment, large requests and
 * the size limit (HACKING.md section 2 says why the limit).
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "testlib.h"
#include "testlib_internal.h"

static void arena_free_cb(void *a)
{
	pp_arena_free(a);
}

static pp_arena *arena(void)
{
	pp_arena *a = pp_arena_new();

	ck_assert_ptr_nonnull(a);
	return defer(a, arena_free_cb);
}

START_TEST(test_allocations_are_aligned_and_apart)
{
	pp_arena *a = arena();
	char *p[100];
	size_t i;

	for (i = 0; i < 100; i++) {
		p[i] = pp_arena_alloc(a, i % 13); /* sizes 0..12, 0 included */
		ck_assert_ptr_nonnull(p[i]);
		ck_assert_uint_eq((uintptr_t)p[i] % 8, 0);
		memset(p[i], (int)i, i % 13);
	}
	/* No two overlap: each still holds what was written to it. */
	for (i = 0; i < 100; i++)
		ck_assert(i % 13 == 0 || (p[i][0] == (char)i && p[i][i % 13 - 1] == (char)i));
}
END_TEST

START_TEST(test_large_requests_and_many_blocks)
{
	pp_arena *a = arena();
	unsigned char *big = pp_arena_alloc(a, 10u << 20), *small;
	size_t i;

	ck_assert_ptr_nonnull(big);
	memset(big, 0xab, 10u << 20);
	for (i = 0; i < 100000; i++) {
		small = pp_arena_alloc(a, 100);
		ck_assert_ptr_nonnull(small);
		memset(small, 0, 100);
	}
	ck_assert_uint_eq(big[0], 0xab);
	ck_assert_uint_eq(big[(10u << 20) - 1], 0xab);
	ck_assert(!pp_arena_over_limit(a));
}
END_TEST

START_TEST(test_limit_refuses_and_says_so)
{
	pp_arena *a = arena();

	pp_arena_set_limit(a, 1000);
	ck_assert_ptr_nonnull(pp_arena_alloc(a, 600));
	ck_assert(!pp_arena_over_limit(a));
	ck_assert_ptr_null(pp_arena_alloc(a, 600)); /* 1200 > 1000 */
	ck_assert(pp_arena_over_limit(a));
	ck_assert_ptr_nonnull(pp_arena_alloc(a, 300)); /* 904 still fits */
	ck_assert_ptr_null(pp_arena_alloc(a, SIZE_MAX));
}
END_TEST

START_TEST(test_protobuf_allocator_uses_the_arena)
{
	pp_arena *a = arena();
	ProtobufCAllocator al;

	pp_arena_set_limit(a, 64);
	pp_arena_protobuf_allocator(a, &al);
	ck_assert_ptr_nonnull(al.alloc(al.allocator_data, 64));
	ck_assert_ptr_null(al.alloc(al.allocator_data, 1)); /* the arena's limit holds */
	ck_assert(pp_arena_over_limit(a));
}
END_TEST

Suite *arena_suite(void)
{
	Suite *s = suite_create("arena");
	TCase *tc = tl_tcase("arena");

	tcase_add_test(tc, test_allocations_are_aligned_and_apart);
	tcase_add_test(tc, test_large_requests_and_many_blocks);
	tcase_add_test(tc, test_limit_refuses_and_says_so);
	tcase_add_test(tc, test_protobuf_allocator_uses_the_arena);
	suite_add_tcase(s, tc);
	return s;
}
