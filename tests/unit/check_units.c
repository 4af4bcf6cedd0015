/*
 * check_units.c - units.c: pprof's measurement package (Scale, sniffUnit),
 * with values worked out from its tables: kB = 1024 B; time from ns to
 * hrs; GCU with SI prefixes; unknown units left as they are.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "testlib.h"
#include "testlib_internal.h"

/* Asserts that value in unit scales to want in want_unit. */
static void assert_scale(int64_t value, const char *unit, const char *to, double want,
                         const char *want_unit)
{
	double got = NAN;
	const char *name = pprof_unit_scale(value, unit, to, &got);

	ck_assert_msg(fabs(got - want) <= 1e-9 * fabs(want) && strcmp(name, want_unit) == 0,
	              "%lld %s to %s: %.17g %s, want %.17g %s", (long long)value, unit, to, got,
	              name, want, want_unit);
}

START_TEST(test_auto_picks_the_largest_unit_of_at_least_one)
{
	assert_scale(1536, "bytes", "auto", 1.5, "kB");
	assert_scale(1023, "bytes", "auto", 1023, "B");
	assert_scale(3 << 20, "bytes", "minimum", 3, "MB");
	assert_scale(2500000, "nanoseconds", "auto", 2.5, "ms");
	assert_scale(7200000000000, "nanoseconds", "auto", 2, "hrs");
	assert_scale(1500, "microseconds", "auto", 1.5, "ms");
	assert_scale(2000, "gcu", "auto", 2, "k*GCU");
	assert_scale(0, "bytes", "auto", 0, "B");
}
END_TEST

START_TEST(test_explicit_target_units)
{
	assert_scale(3 << 20, "bytes", "kb", 3072, "kB");
	assert_scale(1, "seconds", "ms", 1000, "ms");
	assert_scale(90, "minutes_unknown", "ms", 90, "ms"); /* not a unit pprof knows */
	/* A target of another family falls back to the family's default unit. */
	assert_scale(1, "seconds", "MB", 1, "s");
	assert_scale(2048, "bytes", "ns", 2048, "B");
}
END_TEST

START_TEST(test_spellings_and_negatives)
{
	/* sniffUnit: case folded, one trailing "s" dropped after 2 bytes. */
	assert_scale(2048, "BYTES", "auto", 2, "kB");
	assert_scale(2048, "Kilobytes", "auto", 2, "MB");
	assert_scale(5, "ms", "auto", 5, "ms");
	assert_scale(-1536, "bytes", "auto", -1.5, "kB");
	/* Counts: no unit. */
	assert_scale(42, "count", "auto", 42, "");
	assert_scale(42, "widgets", "auto", 42, "");
	assert_scale(42, "widgets", "widgets", 42, "widgets");
}
END_TEST

START_TEST(test_kind_and_factor)
{
	double f = 0;

	ck_assert_int_eq(pprof_unit_kind("megabytes", &f), PPROF_UNIT_BYTES);
	ck_assert(f == 1048576.0);
	ck_assert_int_eq(pprof_unit_kind("seconds", &f), PPROF_UNIT_TIME);
	ck_assert(f == 1e9);
	ck_assert_int_eq(pprof_unit_kind("us", &f), PPROF_UNIT_TIME);
	ck_assert(f == 1e3);
	ck_assert_int_eq(pprof_unit_kind("milligcu", &f), PPROF_UNIT_GCU);
	ck_assert(f == 1e-3);
	ck_assert_int_eq(pprof_unit_kind("count", &f), PPROF_UNIT_OTHER);
	ck_assert(f == 1);
}
END_TEST

START_TEST(test_scaled_label_as_pprof_writes_it)
{
	/* measurement.ScaledLabel: "%.2f", ".00" dropped, unit appended,
	 * zero as "0" whatever its unit. */
	char buf[PPROF_UNIT_LABEL_LEN];

	ck_assert_str_eq(pprof_unit_label(buf, sizeof(buf), 2048, "bytes", "minimum"), "2kB");
	ck_assert_str_eq(pprof_unit_label(buf, sizeof(buf), 1500000, "ns", "minimum"), "1.50ms");
	ck_assert_str_eq(pprof_unit_label(buf, sizeof(buf), 0, "ms", "minimum"), "0");
	ck_assert_str_eq(pprof_unit_label(buf, sizeof(buf), -3, "", ""), "-3");
	ck_assert_str_eq(pprof_unit_label(buf, sizeof(buf), 7, "requests", "minimum"), "7");
}
END_TEST

Suite *units_suite(void)
{
	Suite *s = suite_create("units");
	TCase *tc = tl_tcase("units");

	tcase_add_test(tc, test_auto_picks_the_largest_unit_of_at_least_one);
	tcase_add_test(tc, test_explicit_target_units);
	tcase_add_test(tc, test_spellings_and_negatives);
	tcase_add_test(tc, test_kind_and_factor);
	tcase_add_test(tc, test_scaled_label_as_pprof_writes_it);
	suite_add_tcase(s, tc);
	return s;
}
