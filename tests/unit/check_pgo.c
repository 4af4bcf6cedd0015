/*
 * check_pgo.c - pgo.c: the reduction for go build -pgo (HACKING.md section 9,
 * the rules in libpprof/pgo.c), one test per rule, through the filter's
 * --pgo (which merges what pp_pgo_reduce leaves) and pp_pgo_reduce itself.
 * Results are written, unpacked and rendered as text (testlib.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "testlib_internal.h"

/* A filter that reduces for PGO. */
static pprof_filter *pgo_filter(void)
{
	pprof_filter *f = pprof_filter_new();

	ck_assert_ptr_nonnull(f);
	pprof_filter_set_flags(f, PPROF_FILTER_PGO);
	return defer(f, filter_free_cb);
}

/* p filtered by f, as written and unpacked. */
static PbProfile *apply(pprof_filter *f, const PbProfile *pb)
{
	pprof_profile *p = fresh(pb);
	int rc = pprof_filter_apply(f, &p);

	defer(p, profile_free_cb);
	ck_assert_msg(rc == PPROF_OK, "apply: %d (%s)", rc, pprof_filter_error(f));
	return dump(p);
}

/*
 * Functions 1 f (start 10, file x.go, system name f_sys), 2 g (start 20),
 * 3 h (start 30); locations 1 0x1000 [g:22 f:12] in mapping 1, 2 0x2000
 * [f:12], 3 0x3000 [g:25], 4 0x2000 [g:26], 5 0x5000 [f:14 f:0], 6 0x6000 [],
 * 7 0x7000 []; sample types alloc/bytes, cpu/nanoseconds, samples/count.
 */
static PbProfile *pb_pgo(void)
{
	PbProfile *p = pb_new();

	pb_sample_type(p, "alloc", "bytes");
	pb_sample_type(p, "cpu", "nanoseconds");
	pb_sample_type(p, "samples", "count");
	pb_mapping(p, 1, 0x1000, 0x8000, 0, "bin", "abc");
	pb_function(p, 1, "f", "f_sys", "x.go", 10);
	pb_function(p, 2, "g", NULL, "x.go", 20);
	pb_function(p, 3, "h", NULL, NULL, 30);
	pb_line(pb_line(pb_location(p, 1, 1, 0x1000), 2, 22), 1, 12);
	pb_line(pb_location(p, 2, 1, 0x2000), 1, 12);
	pb_line(pb_location(p, 3, 1, 0x3000), 2, 25);
	pb_line(pb_location(p, 4, 1, 0x2000), 2, 26);
	pb_line(pb_line(pb_location(p, 5, 1, 0x5000), 1, 14), 1, 0);
	pb_location(p, 6, 1, 0x6000);
	pb_location(p, 7, 1, 0x7000);
	return p;
}

/* The locations and samples of p reduced for PGO, "locations|samples". */
static const char *pgo(PbProfile *p)
{
	pprof_filter *f = pgo_filter();
	PbProfile *u;
	char *text;

	u = apply(f, p);
	ck_assert_uint_eq(u->n_sample_type, 1);
	ck_assert_str_eq(S(u, u->sample_type[0]->type), "cpu");
	ck_assert_str_eq(render_mappings(u), "");
	text = malloc(strlen(render_locations(u)) + strlen(render_samples(u)) + 2);
	strcat(strcat(strcpy(text, render_locations(u)), "|"), render_samples(u));
	return defer(text, free);
}

START_TEST(test_pgo_leaf_drops_its_line)
{
	PbProfile *p = pb_pgo();

	pb_sample(p, LOCS(3, 2, 1), VALS(9, 5, 1));
	ck_assert_str_eq(pgo(p), "1 m0 0x0 [1:0]\n2 m0 0x0 [2:12]\n|1,2 = 5\n");
}
END_TEST

START_TEST(test_pgo_leaf_and_caller_apart)
{
	/* g:0 f:12 under f:12: without addresses f:12 and f:12 would be one
	 * node of Go's graph; the leaf gets address 1. */
	PbProfile *p = pb_pgo();

	pb_sample(p, LOCS(1, 2), VALS(0, 5, 1));
	ck_assert_str_eq(pgo(p), "1 m0 0x1 [1:0,2:12]\n2 m0 0x0 [2:12]\n|1,2 = 5\n");
	/* Two locations without lines (and a sample with start lines). */
	p = pb_pgo();
	pb_sample(p, LOCS(6, 7), VALS(0, 3, 1));
	pb_sample(p, LOCS(3, 2), VALS(0, 1, 1));
	ck_assert_str_eq(pgo(p), "1 m0 0x1 []\n2 m0 0x0 []\n3 m0 0x0 [1:0]\n4 m0 0x0 [2:12]\n"
	                         "|1,2 = 3\n3,4 = 1\n");
}
END_TEST

START_TEST(test_pgo_same_address_keeps_caller_form)
{
	/* Leaf and caller at one address: their nodes could be equal, and stay
	 * as they were; so does a location that is its own caller. */
	PbProfile *p = pb_pgo();

	pb_sample(p, LOCS(4, 2), VALS(0, 5, 1));
	pb_sample(p, LOCS(2, 2), VALS(0, 7, 1));
	ck_assert_str_eq(pgo(p), "1 m0 0x0 [1:26]\n2 m0 0x0 [2:12]\n|1,2 = 5\n2,2 = 7\n");
}
END_TEST

START_TEST(test_pgo_leaf_keeps_line_of_a_repeated_function)
{
	/* f:14 f:0: with 14 dropped, its two nodes would be one. */
	PbProfile *p = pb_pgo();

	pb_sample(p, LOCS(5), VALS(0, 2, 1));
	ck_assert_str_eq(pgo(p), "1 m0 0x0 [1:14,1:0]\n|1 = 2\n");
}
END_TEST

START_TEST(test_pgo_leaf_copies_shared)
{
	/* Location 2 is a caller (keeps its line) and a leaf (a copy without);
	 * leaves that differ only in their line merge. */
	PbProfile *p = pb_pgo();

	pb_line(pb_location(p, 8, 1, 0x4100), 1, 16);
	pb_sample(p, LOCS(3, 2), VALS(0, 1, 1));
	pb_sample(p, LOCS(2, 3), VALS(0, 2, 1));
	pb_sample(p, LOCS(8, 3), VALS(0, 4, 1));
	ck_assert_str_eq(pgo(p), "1 m0 0x0 [1:0]\n2 m0 0x0 [2:12]\n3 m0 0x0 [2:0]\n"
	                         "4 m0 0x0 [1:25]\n|1,2 = 1\n3,4 = 6\n");
}
END_TEST

START_TEST(test_pgo_strips_functions_and_labels)
{
	pprof_filter *f = pgo_filter();
	PbProfile *p = pb_pgo(), *u;

	pb_label(p, pb_sample(p, LOCS(3, 2), VALS(0, 5, 1)), "k", "v");
	u = apply(f, p);
	ck_assert_str_eq(render_functions(u), "1 g///20\n2 f///10\n");
	ck_assert_str_eq(render_samples(u), "1,2 = 5\n");
}
END_TEST

START_TEST(test_pgo_refuses)
{
	pprof_filter *f = pgo_filter();
	PbProfile *p = pb_new(), *old = pb_small(1, 1);

	pb_sample_type(p, "alloc", "bytes");
	ck_assert_str_eq(apply_err(f, p, PPROF_ERR_DATA),
	                 "no sample type samples/count or "
	                 "cpu/nanoseconds, which is what go build -pgo reads");
	ck_assert_prefix(apply_err(f, old, PPROF_ERR_DATA), "no function has a start line");
	/* Samples without weight have no edges either: Go refuses them too. */
	old = pb_pgo();
	pb_sample(old, LOCS(3, 2), VALS(5, 0, 0));
	ck_assert_prefix(apply_err(f, old, PPROF_ERR_DATA), "no function has a start line");
	/* Refused after every other step changed the work copy: the input
	 * is as it was (apply_err compares its bytes). */
	f = pprof_filter_new();
	ck_assert_ptr_nonnull(f);
	defer(f, filter_free_cb);
	ck_assert_int_eq(pprof_filter_set(f, PPROF_FILTER_RENAME, "(.+)=x\\1"), PPROF_OK);
	ck_assert_int_eq(pprof_filter_set(f, PPROF_FILTER_HIDE, "work"), PPROF_OK);
	ck_assert_int_eq(pprof_filter_set(f, PPROF_FILTER_TAG_HIDE, "."), PPROF_OK);
	ck_assert_int_eq(pprof_filter_set_scale(f, 2), PPROF_OK);
	pprof_filter_set_flags(f, PPROF_FILTER_DROP_ADDRESSES | PPROF_FILTER_PGO);
	ck_assert_prefix(apply_err(f, pb_small(1, 2), PPROF_ERR_DATA),
	                 "no function has a start line");
	/* Refused after a sample type was kept (issue 15): nothing changed. */
	p = pb_new();
	pb_sample_type(p, "samples", "count");
	pb_sample_type(p, "alloc", "bytes");
	ck_assert_int_eq(pprof_filter_set(f, PPROF_FILTER_SAMPLE_TYPE, "alloc"), PPROF_OK);
	ck_assert_prefix(apply_err(f, p, PPROF_ERR_DATA), "no sample type");
	/* No samples at all: nothing for Go to do, no error. */
	ck_assert_str_eq(pgo(pb_pgo()), "|");
}
END_TEST

START_TEST(test_pgo_reduce_takes_the_first_type_go_reads)
{
	/* Go's preprofile takes the first of samples/count and cpu/nanoseconds,
	 * whichever comes first; pp_pgo_reduce works in place. */
	PbProfile *pb = pb_new();
	pprof_profile *p;
	char err[PP_ERRLEN] = "";

	pb_sample_type(pb, "alloc", "bytes");
	pb_sample_type(pb, "samples", "count");
	pb_sample_type(pb, "cpu", "nanoseconds");
	pb_function(pb, 1, "f", NULL, "x.go", 10);
	pb_loc(pb, 1, 1, 11);
	pb_sample(pb, LOCS(1), VALS(100, 3, 70));
	p = load(pb);
	ck_assert_int_eq(pp_pgo_reduce(p, err), PPROF_OK);
	ck_assert_str_eq(err, "");
	ck_assert_uint_eq(p->pb->n_sample_type, 1);
	ck_assert_str_eq((const char *)pp_profile_string(p, p->pb->sample_type[0]->type)->data,
	                 "samples");
	ck_assert_uint_eq(p->pb->n_sample, 1);
	ck_assert_uint_eq(p->pb->sample[0]->n_value, 1);
	ck_assert_int_eq(p->pb->sample[0]->value[0], 3);
}
END_TEST

START_TEST(test_pgo_reduce_refuses_with_a_reason)
{
	PbProfile *pb = pb_new();
	char err[PP_ERRLEN] = "";

	pb_sample_type(pb, "alloc", "bytes");
	ck_assert_int_eq(pp_pgo_reduce(load(pb), err), PPROF_ERR_DATA);
	ck_assert_prefix(err, "no sample type samples/count or cpu/nanoseconds");
}
END_TEST

Suite *pgo_suite(void)
{
	Suite *s = suite_create("pgo");
	TCase *tc = tl_tcase("rules");

	tcase_add_test(tc, test_pgo_leaf_drops_its_line);
	tcase_add_test(tc, test_pgo_leaf_and_caller_apart);
	tcase_add_test(tc, test_pgo_same_address_keeps_caller_form);
	tcase_add_test(tc, test_pgo_leaf_keeps_line_of_a_repeated_function);
	tcase_add_test(tc, test_pgo_leaf_copies_shared);
	tcase_add_test(tc, test_pgo_strips_functions_and_labels);
	tcase_add_test(tc, test_pgo_refuses);
	suite_add_tcase(s, tc);

	tc = tl_tcase("reduce");
	tcase_add_test(tc, test_pgo_reduce_takes_the_first_type_go_reads);
	tcase_add_test(tc, test_pgo_reduce_refuses_with_a_reason);
	suite_add_tcase(s, tc);
	return s;
}
