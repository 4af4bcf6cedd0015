/*
 * check_normalize.c - normalize.c: pprof's Profile.Normalize (values of
 * type i times base's total over p's, rounded halves away from zero;
 * samples whose scaled values are all zero dropped, those of a factor of 1
 * not looked at), with totals chosen so the factors are exact.
 */
#include "config.h"

#include "testlib.h"

/* pb_small's two samples with values (a0, a1) and (b0, b1). */
static PbProfile *pb_two(int64_t a0, int64_t a1, int64_t b0, int64_t b1)
{
	PbProfile *p = pb_small(0, 0);

	p->sample[0]->value[0] = a0;
	p->sample[0]->value[1] = a1;
	p->sample[1]->value[0] = b0;
	p->sample[1]->value[1] = b1;
	return p;
}

/* The samples of p normalized against base. */
static const char *normalized(const PbProfile *p, const PbProfile *base)
{
	pprof_profile *pp = load(p);

	ck_assert_int_eq(pprof_normalize_apply(load(base), &pp), PPROF_OK);
	return render_samples(dump(pp));
}

START_TEST(test_scales_each_type_to_the_base_total)
{
	/* totals 4, 40 against 8, 200: factors 2 and 5. */
	ck_assert_str_eq(normalized(pb_small(1, 3), pb_two(4, 100, 4, 100)),
	                 "2,1 = 2,50\n3,1 = 6,150\n");
}
END_TEST

START_TEST(test_rounds_halves_away_from_zero)
{
	/* Factor 1.5 for both types: 1.5 -> 2, 4.5 -> 5, -1.5 -> -2, -4.5 -> -5. */
	ck_assert_str_eq(normalized(pb_two(1, -1, 3, -3), pb_two(3, -3, 3, -3)),
	                 "2,1 = 2,-2\n3,1 = 5,-5\n");
}
END_TEST

START_TEST(test_drops_samples_scaled_to_zero)
{
	/* Factor 0.1: (1,1) -> (0,0) goes, (9,9) -> (1,1) stays. */
	ck_assert_str_eq(normalized(pb_two(1, 1, 9, 9), pb_two(1, 1, 0, 0)), "3,1 = 1,1\n");
	/* Factors 1 and 0.1: the first sample's 5 is not looked at, so it goes. */
	ck_assert_str_eq(normalized(pb_two(5, 1, 5, 9), pb_two(10, 1, 0, 0)), "3,1 = 5,1\n");
	/* p's total 0: factor 0, every sample goes. */
	ck_assert_str_eq(normalized(pb_two(0, 0, 0, 0), pb_two(1, 1, 1, 1)), "");
}
END_TEST

START_TEST(test_factors_of_one_change_nothing)
{
	/* A sample of zeros stays when every factor is 1. */
	ck_assert_str_eq(normalized(pb_two(0, 0, 4, 7), pb_two(2, 3, 2, 4)),
	                 "2,1 = 0,0\n3,1 = 4,7\n");
}
END_TEST

START_TEST(test_mismatch_leaves_p_unchanged)
{
	PbProfile *other = pb_small(1, 1);
	pprof_profile *p = load(pb_small(1, 3));

	other->sample_type[1]->unit = pb_str(other, "seconds");
	pprof_profile *before = p;

	ck_assert_int_eq(pprof_normalize_apply(load(other), &p), PPROF_ERR_MISMATCH);
	ck_assert_ptr_eq(p, before);
	ck_assert_str_eq(render_samples(dump(p)), "2,1 = 1,10\n3,1 = 3,30\n");
	other = pb_new(); /* one sample type of the two */
	pb_sample_type(other, "samples", "count");
	pb_period_type(other, "cpu", "nanoseconds");
	ck_assert_int_eq(pprof_normalize_apply(load(other), &p), PPROF_ERR_MISMATCH);
	ck_assert_ptr_eq(p, before);
	ck_assert_uint_eq(pprof_profile_sample_type_count(p), 2);
	ck_assert_str_eq(render_samples(dump(p)), "2,1 = 1,10\n3,1 = 3,30\n");
}
END_TEST

Suite *normalize_suite(void)
{
	Suite *s = suite_create("normalize");
	TCase *tc = tl_tcase("normalize");

	tcase_add_test(tc, test_scales_each_type_to_the_base_total);
	tcase_add_test(tc, test_rounds_halves_away_from_zero);
	tcase_add_test(tc, test_drops_samples_scaled_to_zero);
	tcase_add_test(tc, test_factors_of_one_change_nothing);
	tcase_add_test(tc, test_mismatch_leaves_p_unchanged);
	suite_add_tcase(s, tc);
	return s;
}
