/*
 * check_sampletype.c - sampletype.c and strings.c, the model's lookups:
 * which sample type is the default and which one a spelling names, as
 * pprof's DefaultSampleType and -sample_index read them (an index as
 * strconv.Atoi reads it, else a type's name, "inuse_" optional), and the
 * strings that label edits add to a profile's string table.
 */
#include "config.h"

#include <string.h>

#include "testlib.h"
#include "testlib_internal.h"

/* Sample types alloc_objects, alloc_space, inuse_objects, inuse_space
 * (heap's, in Go's order), default_sample_type as given (NULL: none). */
static pprof_profile *heap_types(const char *default_type)
{
	PbProfile *p = pb_new();

	pb_sample_type(p, "alloc_objects", "count");
	pb_sample_type(p, "alloc_space", "bytes");
	pb_sample_type(p, "inuse_objects", "count");
	pb_sample_type(p, "inuse_space", "bytes");
	if (default_type)
		p->default_sample_type = pb_str(p, default_type);
	return load(p);
}

/* What spec names in p: its index, or -1 when out of range, -2 unknown. */
static long found(const pprof_profile *p, const char *spec)
{
	size_t index = 99;

	switch (pp_find_sample_type(p, spec, &index)) {
	case PP_TYPE_FOUND: return (long)index;
	case PP_TYPE_OUT_OF_RANGE: return -1;
	default: return -2;
	}
}

START_TEST(test_default_is_the_named_type_else_the_last)
{
	ck_assert_uint_eq(pprof_profile_default_sample_type(heap_types(NULL)), 3);
	ck_assert_uint_eq(pprof_profile_default_sample_type(heap_types("alloc_space")), 1);
	/* A default that names no type: pprof falls back to the last. */
	ck_assert_uint_eq(pprof_profile_default_sample_type(heap_types("nothing")), 3);
	ck_assert_uint_eq(pprof_profile_default_sample_type(load(pb_new())), 0);
}
END_TEST

START_TEST(test_index_as_atoi_reads_it)
{
	const pprof_profile *p = heap_types(NULL);

	ck_assert_int_eq(found(p, "0"), 0);
	ck_assert_int_eq(found(p, "3"), 3);
	ck_assert_int_eq(found(p, "+2"), 2);
	ck_assert_int_eq(found(p, "002"), 2);
	ck_assert_int_eq(found(p, "007"), -1); /* 7: out of range */
	ck_assert_int_eq(found(p, "4"), -1);
	ck_assert_int_eq(found(p, "-1"), -1);
	/* Past int64: Atoi fails, so it is a name, and no type has it. */
	ck_assert_int_eq(found(p, "99999999999999999999"), -2);
	/* Not all digits: a name. */
	ck_assert_int_eq(found(p, "1x"), -2);
}
END_TEST

START_TEST(test_names_with_or_without_inuse)
{
	PbProfile *legacy = pb_new();
	const pprof_profile *p = heap_types(NULL);

	ck_assert_int_eq(found(p, "alloc_space"), 1);
	ck_assert_int_eq(found(p, "inuse_space"), 3);
	ck_assert_int_eq(found(p, "space"), -2); /* the prefix is taken off, not added */
	ck_assert_int_eq(found(p, "Alloc_space"), -2);
	/* Old heap profiles name their types "objects" and "space". */
	pb_sample_type(legacy, "objects", "count");
	pb_sample_type(legacy, "space", "bytes");
	ck_assert_int_eq(found(load(legacy), "inuse_space"), 1);
	ck_assert_int_eq(found(load(legacy), "inuse_objects"), 0);
}
END_TEST

START_TEST(test_public_lookup_says_ok_or_arg)
{
	const pprof_profile *p = heap_types(NULL);
	size_t index = 99;

	ck_assert_int_eq(pprof_profile_find_sample_type(p, "inuse_objects", &index), PPROF_OK);
	ck_assert_uint_eq(index, 2);
	index = 99;
	ck_assert_int_eq(pprof_profile_find_sample_type(p, "4", &index), PPROF_ERR_ARG);
	ck_assert_int_eq(pprof_profile_find_sample_type(p, "cpu", &index), PPROF_ERR_ARG);
	ck_assert_uint_eq(index, 99);
}
END_TEST

START_TEST(test_add_strings_finds_or_appends)
{
	pprof_profile *p = heap_types(NULL);
	size_t before = pprof_profile_string_count(p);
	const char *strs[] = { "alloc_space", "new-key", "new-key", "" };
	int64_t ids[4];

	ck_assert(pp_profile_add_strings(p, strs, 4, ids));
	ck_assert_str_eq(pp_profile_cstr(p, ids[0]), "alloc_space");
	ck_assert_int_lt(ids[0], (int64_t)before); /* found, not appended */
	ck_assert_int_eq(ids[1], (int64_t)before); /* appended once */
	ck_assert_int_eq(ids[2], ids[1]);
	ck_assert_str_eq(pp_profile_cstr(p, ids[1]), "new-key");
	ck_assert_int_eq(ids[3], 0);
	ck_assert_uint_eq(pprof_profile_string_count(p), before + 1);
}
END_TEST

Suite *sampletype_suite(void)
{
	Suite *s = suite_create("sampletype");
	TCase *tc = tl_tcase("lookups");

	tcase_add_test(tc, test_default_is_the_named_type_else_the_last);
	tcase_add_test(tc, test_index_as_atoi_reads_it);
	tcase_add_test(tc, test_names_with_or_without_inuse);
	tcase_add_test(tc, test_public_lookup_says_ok_or_arg);
	tcase_add_test(tc, test_add_strings_finds_or_appends);
	suite_add_tcase(s, tc);
	return s;
}
