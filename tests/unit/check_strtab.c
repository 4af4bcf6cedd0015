/*
 * check_strtab.c - strtab.c: one index per distinct byte string, "" at 0,
 * NULs inside strings, and growth.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "testlib_internal.h"

static void strtab_free_cb(void *t)
{
	pp_strtab_free(t);
}

static pp_strtab *strtab(void)
{
	pp_strtab *t = calloc(1, sizeof(*t));

	ck_assert_ptr_nonnull(t);
	ck_assert(pp_strtab_init(t));
	defer(t, free); /* runs after the table is freed: deferred first */
	return defer(t, strtab_free_cb);
}

START_TEST(test_empty_string_is_zero)
{
	pp_strtab *t = strtab();
	size_t len;

	ck_assert_uint_eq(t->count, 1);
	ck_assert_uint_eq(pp_strtab_find(t, "", 0), 0);
	ck_assert_uint_eq(pp_strtab_intern(t, "", 0), 0);
	pp_strtab_get(t, 0, &len);
	ck_assert_uint_eq(len, 0);
}
END_TEST

START_TEST(test_distinct_strings_get_indices_in_order)
{
	pp_strtab *t = strtab();
	size_t len;
	const char *s;

	ck_assert_uint_eq(pp_strtab_intern(t, "main", 4), 1);
	ck_assert_uint_eq(pp_strtab_intern(t, "a\0b", 3), 2);
	ck_assert_uint_eq(pp_strtab_intern(t, "a", 1), 3); /* a prefix is another string */
	ck_assert_uint_eq(pp_strtab_intern(t, "main", 4), 1);
	ck_assert_uint_eq(pp_strtab_find(t, "a\0b", 3), 2);
	ck_assert_uint_eq(pp_strtab_find(t, "mai", 3), UINT32_MAX);
	s = pp_strtab_get(t, 2, &len);
	ck_assert_uint_eq(len, 3);
	ck_assert(memcmp(s, "a\0b", 3) == 0);
	ck_assert_uint_eq(t->count, 4);
}
END_TEST

START_TEST(test_many_strings_survive_growth)
{
	pp_strtab *t = strtab();
	char name[32];
	size_t len;
	uint32_t i;

	for (i = 1; i <= 20000; i++) {
		snprintf(name, sizeof(name), "fn%u", i);
		ck_assert_uint_eq(pp_strtab_intern(t, name, strlen(name)), i);
	}
	for (i = 1; i <= 20000; i += 997) {
		snprintf(name, sizeof(name), "fn%u", i);
		ck_assert_uint_eq(pp_strtab_find(t, name, strlen(name)), i);
		ck_assert(memcmp(pp_strtab_get(t, i, &len), name, strlen(name)) == 0);
		ck_assert_uint_eq(len, strlen(name));
	}
}
END_TEST

Suite *strtab_suite(void)
{
	Suite *s = suite_create("strtab");
	TCase *tc = tl_tcase("strtab");

	tcase_add_test(tc, test_empty_string_is_zero);
	tcase_add_test(tc, test_distinct_strings_get_indices_in_order);
	tcase_add_test(tc, test_many_strings_survive_growth);
	suite_add_tcase(s, tc);
	return s;
}
