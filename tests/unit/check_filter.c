/*
 * check_filter.c - filter.c and filter_*.c: filters (HACKING.md section 7:
 * google/pprof's rules in profile/filter.go, prune.go, driver_focus.go and
 * tagroot.go), one test per rule (the reduction for go build -pgo is
 * check_pgo.c's).
 * Results are written, unpacked and rendered as text (testlib.h): stacks
 * are function names, leaf first.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

static pprof_filter *filter(void)
{
	pprof_filter *f = pprof_filter_new();

	ck_assert_ptr_nonnull(f);
	return defer(f, filter_free_cb);
}

static void set_ok(pprof_filter *f, int option, const char *arg)
{
	int rc = pprof_filter_set(f, option, arg);

	ck_assert_msg(rc == PPROF_OK, "set %d '%s': %d (%s)", option, arg, rc,
	              pprof_filter_error(f));
}

/* The error text of a set that must fail with PPROF_ERR_ARG. */
static const char *set_err(pprof_filter *f, int option, const char *arg)
{
	ck_assert_int_eq(pprof_filter_set(f, option, arg), PPROF_ERR_ARG);
	return pprof_filter_error(f);
}

/* p filtered by f, as written and unpacked. */
static PbProfile *apply_pp(pprof_filter *f, pprof_profile *p)
{
	int rc = pprof_filter_apply(f, &p);

	defer(p, profile_free_cb);
	ck_assert_msg(rc == PPROF_OK, "apply: %d (%s)", rc, pprof_filter_error(f));
	return dump(p);
}

static PbProfile *apply(pprof_filter *f, const PbProfile *p)
{
	return apply_pp(f, fresh(p));
}

/* The stacks of p filtered with one option. */
static const char *stacks_with(const PbProfile *p, int option, const char *arg)
{
	pprof_filter *f = filter();

	set_ok(f, option, arg);
	return render_stacks(apply(f, p));
}

/*
 * Functions 1 main (main.go), 2 work (work.go), 3 helper (util.go), 4 idle;
 * locations 1 main:10, 2 work:20, 3 [helper:30 inlined into work:21],
 * 4 idle:40 in mapping 1 (/lib/libidle.so); samples [2,1] = 1,10,
 * [3,1] = 2,20 and [4,1] = 4,40.
 */
static PbProfile *pb_inl_objects(void)
{
	PbProfile *p = pb_cpu();

	pb_mapping(p, 1, 0x1000, 0x2000, 0, "/lib/libidle.so", NULL);
	pb_function(p, 1, "main", NULL, "main.go", 1);
	pb_function(p, 2, "work", NULL, "work.go", 2);
	pb_function(p, 3, "helper", NULL, "util.go", 3);
	pb_function(p, 4, "idle", NULL, NULL, 4);
	pb_loc(p, 1, 1, 10);
	pb_loc(p, 2, 2, 20);
	pb_line(pb_location(p, 3, 0, 0), 3, 30);
	pb_line(p->location[2], 2, 21);
	pb_line(pb_location(p, 4, 1, 0x1100), 4, 40);
	return p;
}

static PbProfile *pb_inl(void)
{
	PbProfile *p = pb_inl_objects();

	pb_sample(p, LOCS(2, 1), VALS(1, 10));
	pb_sample(p, LOCS(3, 1), VALS(2, 20));
	pb_sample(p, LOCS(4, 1), VALS(4, 40));
	return p;
}

/* ---- focus, ignore, hide, show ---------------------------------------- */

START_TEST(test_no_options_merges)
{
	PbProfile *p = pb_inl();

	pb_sample(p, LOCS(2, 1), VALS(8, 80));
	ck_assert_str_eq(render_stacks(apply(filter(), p)),
	                 "work;main = 9,90\nhelper;work;main = 2,20\nidle;main = 4,40\n");
}
END_TEST

START_TEST(test_focus_matches_name_file_mapping_and_inlined_lines)
{
	ck_assert_str_eq(stacks_with(pb_inl(), PPROF_FILTER_FOCUS, "work"),
	                 "work;main = 1,10\nhelper;work;main = 2,20\n");
	ck_assert_str_eq(stacks_with(pb_inl(), PPROF_FILTER_FOCUS, "util\\.go"),
	                 "helper;work;main = 2,20\n");
	ck_assert_str_eq(stacks_with(pb_inl(), PPROF_FILTER_FOCUS, "libidle"),
	                 "idle;main = 4,40\n");
	ck_assert_str_eq(stacks_with(pb_inl(), PPROF_FILTER_FOCUS, "^ork"), "");
}
END_TEST

START_TEST(test_ignore_wins_over_focus)
{
	pprof_filter *f = filter();

	ck_assert_str_eq(stacks_with(pb_inl(), PPROF_FILTER_IGNORE, "helper"),
	                 "work;main = 1,10\nidle;main = 4,40\n");
	set_ok(f, PPROF_FILTER_FOCUS, "main");
	set_ok(f, PPROF_FILTER_IGNORE, "idle");
	ck_assert_str_eq(render_stacks(apply(f, pb_inl())),
	                 "work;main = 1,10\nhelper;work;main = 2,20\n");
}
END_TEST

START_TEST(test_hide_removes_lines_and_locations)
{
	ck_assert_str_eq(stacks_with(pb_inl(), PPROF_FILTER_HIDE, "helper"),
	                 "work;main = 1,10\nwork;main = 2,20\nidle;main = 4,40\n");
	ck_assert_str_eq(stacks_with(pb_inl(), PPROF_FILTER_HIDE, "work"),
	                 "main = 1,10\nhelper;main = 2,20\nidle;main = 4,40\n");
	/* A mapping that matches hides all of a location. */
	ck_assert_str_eq(stacks_with(pb_inl(), PPROF_FILTER_HIDE, "libidle"),
	                 "work;main = 1,10\nhelper;work;main = 2,20\nmain = 4,40\n");
}
END_TEST

START_TEST(test_hide_everything_drops_samples)
{
	ck_assert_str_eq(stacks_with(pb_inl(), PPROF_FILTER_HIDE, "."), "");
}
END_TEST

START_TEST(test_hidden_samples_that_become_equal_merge)
{
	ck_assert_str_eq(stacks_with(pb_inl(), PPROF_FILTER_HIDE, "work|idle|helper"),
	                 "main = 7,70\n");
}
END_TEST

START_TEST(test_show_keeps_matching_lines)
{
	ck_assert_str_eq(stacks_with(pb_inl(), PPROF_FILTER_SHOW, "work"),
	                 "work = 1,10\nwork = 2,20\n");
	ck_assert_str_eq(stacks_with(pb_inl(), PPROF_FILTER_SHOW, "libidle"), "idle = 4,40\n");
}
END_TEST

START_TEST(test_sample_without_locations_dropped_by_name_filters)
{
	/* pprof's focusedAndNotIgnored: a sample needs a focused location. */
	PbProfile *p = pb_inl();

	pb_sample(p, NOLOCS, VALS(16, 160));
	ck_assert_str_eq(
		render_stacks(apply(filter(), p)),
		"work;main = 1,10\nhelper;work;main = 2,20\nidle;main = 4,40\n = 16,160\n");
	ck_assert_str_eq(stacks_with(p, PPROF_FILTER_IGNORE, "nothing"),
	                 "work;main = 1,10\nhelper;work;main = 2,20\nidle;main = 4,40\n");
}
END_TEST

/* ---- show-from, prune-from -------------------------------------------- */

START_TEST(test_show_from_cuts_above_the_rootmost_match)
{
	ck_assert_str_eq(stacks_with(pb_inl(), PPROF_FILTER_SHOW_FROM, "work"),
	                 "work = 1,10\nhelper;work = 2,20\n");
	ck_assert_str_eq(stacks_with(pb_inl(), PPROF_FILTER_SHOW_FROM, "helper"),
	                 "helper = 2,20\n");
	ck_assert_str_eq(stacks_with(pb_inl(), PPROF_FILTER_SHOW_FROM, "libidle"), "idle = 4,40\n");
	ck_assert_str_eq(stacks_with(pb_inl(), PPROF_FILTER_SHOW_FROM, "main"),
	                 "work;main = 1,10\nhelper;work;main = 2,20\nidle;main = 4,40\n");
}
END_TEST

START_TEST(test_prune_from_cuts_below_the_leafmost_match)
{
	ck_assert_str_eq(stacks_with(pb_inl(), PPROF_FILTER_PRUNE_FROM, "work"),
	                 "work;main = 1,10\nwork;main = 2,20\nidle;main = 4,40\n");
	ck_assert_str_eq(stacks_with(pb_inl(), PPROF_FILTER_PRUNE_FROM, "main"), "main = 7,70\n");
	/* Function names only, not files or mappings. */
	ck_assert_str_eq(stacks_with(pb_inl(), PPROF_FILTER_PRUNE_FROM, "libidle|util"),
	                 "work;main = 1,10\nhelper;work;main = 2,20\nidle;main = 4,40\n");
}
END_TEST

START_TEST(test_prune_from_simplifies_names)
{
	PbProfile *p = pb_cpu();

	pb_fn(p, 1, "main");
	pb_fn(p, 2, "ns::Foo::bar(int) const");
	pb_fn(p, 3, "(anonymous namespace)::f(int)");
	pb_fn(p, 4, "Cls::operator()(long)");
	pb_fn(p, 5, ".dotted");
	pb_fn(p, 6, "leaf");
	for (uint64_t i = 1; i <= 6; i++)
		pb_loc(p, i, i, 1);
	pb_sample(p, LOCS(6, 2, 1), VALS(1, 1));
	pb_sample(p, LOCS(6, 3, 1), VALS(2, 2));
	pb_sample(p, LOCS(6, 4, 1), VALS(4, 4));
	pb_sample(p, LOCS(6, 5, 1), VALS(8, 8));
	ck_assert_str_eq(
		stacks_with(
			p, PPROF_FILTER_PRUNE_FROM,
			"^(ns::Foo::bar|\\(anonymous namespace\\)::f|Cls::operator\\(\\)|dotted)$"),
		"ns::Foo::bar(int) const;main = 1,1\n"
		"(anonymous namespace)::f(int);main = 2,2\n"
		"Cls::operator()(long);main = 4,4\n"
		".dotted;main = 8,8\n");
}
END_TEST

/* ---- tag filters -------------------------------------------------------- */

/* pb_inl's functions and locations, samples of main alone with labels. */
static PbProfile *pb_labeled(void)
{
	PbProfile *p = pb_inl_objects();
	PbSample *s;

	s = pb_sample(p, LOCS(1), VALS(1, 0));
	pb_label(p, s, "endpoint", "/a");
	pb_label(p, s, "worker", "w1");
	s = pb_sample(p, LOCS(1), VALS(2, 0));
	pb_label(p, s, "endpoint", "/b");
	pb_label(p, s, "worker", "w2");
	pb_numlabel(p, pb_sample(p, LOCS(1), VALS(3, 0)), "bytes", 2048, "bytes");
	s = pb_sample(p, LOCS(1), VALS(4, 0));
	pb_numlabel(p, s, "request", 100, NULL);
	pb_numlabel(p, s, "size", 5, "kb");
	pb_numlabel(p, pb_sample(p, LOCS(1), VALS(5, 0)), "lat", 10, "ms");
	pb_numlabel(p, pb_sample(p, LOCS(1), VALS(6, 0)), "mixed", 5, "ms");
	pb_numlabel(p, pb_sample(p, LOCS(1), VALS(7, 0)), "mixed", 2, "s");
	return p;
}

/* The first values of the samples of p filtered with one option, "1,2". */
static const char *firsts_with(int option, const char *arg)
{
	pprof_filter *f = filter();
	static char text[64];
	size_t i, n = 0;
	PbProfile *u;

	set_ok(f, option, arg);
	u = apply(f, pb_labeled());
	text[0] = '\0';
	for (i = 0; i < u->n_sample; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%lld", i ? "," : "",
		                      (long long)u->sample[i]->value[0]);
	return text;
}

START_TEST(test_tagfocus_strings)
{
	ck_assert_str_eq(firsts_with(PPROF_FILTER_TAG_FOCUS, "endpoint=/a"), "1");
	ck_assert_str_eq(firsts_with(PPROF_FILTER_TAG_FOCUS, "endpoint=^/a$,b"), "1,2");
	ck_assert_str_eq(firsts_with(PPROF_FILTER_TAG_FOCUS, "worker=/a"), "");
	/* Without a key: every regex matches some "key:value". */
	ck_assert_str_eq(firsts_with(PPROF_FILTER_TAG_FOCUS, "endpoint:/b,worker:w2"), "2");
	ck_assert_str_eq(firsts_with(PPROF_FILTER_TAG_FOCUS, "endpoint:/b,w1"), "");
	ck_assert_str_eq(firsts_with(PPROF_FILTER_TAG_FOCUS, "=w"), "1,2");
	ck_assert_str_eq(firsts_with(PPROF_FILTER_TAG_IGNORE, "worker=w1"), "2,3,4,5,6,7");
}
END_TEST

START_TEST(test_tagfocus_ranges)
{
	ck_assert_str_eq(firsts_with(PPROF_FILTER_TAG_FOCUS, "bytes=1kb:"), "3");
	ck_assert_str_eq(firsts_with(PPROF_FILTER_TAG_FOCUS, "2kb"), "3");
	ck_assert_str_eq(firsts_with(PPROF_FILTER_TAG_FOCUS, "bytes=2049b:"), "");
	/* request has no unit: bytes, as pprof guesses; lat's ms is no size. */
	ck_assert_str_eq(firsts_with(PPROF_FILTER_TAG_FOCUS, ":1kb"), "4");
	ck_assert_str_eq(firsts_with(PPROF_FILTER_TAG_FOCUS, "size=4kb:6kb"), "4");
	ck_assert_str_eq(firsts_with(PPROF_FILTER_TAG_FOCUS, "lat=:1s"), "5");
	ck_assert_str_eq(firsts_with(PPROF_FILTER_TAG_FOCUS, "lat=10000us"), "5");
	ck_assert_str_eq(firsts_with(PPROF_FILTER_TAG_FOCUS, "lat=11ms:"), "");
	/* A key's unit is the first one given: mixed=2 (s) counts as 2ms. */
	ck_assert_str_eq(firsts_with(PPROF_FILTER_TAG_FOCUS, "mixed=1s:"), "");
	ck_assert_str_eq(firsts_with(PPROF_FILTER_TAG_FOCUS, "mixed=2ms"), "7");
	/* Not a range: a regex on the string labels. */
	ck_assert_str_eq(firsts_with(PPROF_FILTER_TAG_FOCUS, "worker=w1x|w2"), "2");
	ck_assert_str_eq(firsts_with(PPROF_FILTER_TAG_IGNORE, "bytes=:4kb"), "1,2,4,5,6,7");
}
END_TEST

START_TEST(test_tagshow_taghide)
{
	PbProfile *u;
	pprof_filter *f = filter();

	set_ok(f, PPROF_FILTER_TAG_SHOW, "o");
	set_ok(f, PPROF_FILTER_TAG_HIDE, "^e");
	u = apply(f, pb_labeled());
	ck_assert_str_eq(render_samples(u), "1 {worker=w1} = 1,0\n1 {worker=w2} = 2,0\n"
	                                    "1 = 25,0\n"); /* samples left without labels merge */
	ck_assert_uint_eq(pprof_filter_unmatched_count(f), 0);
}
END_TEST

/* ---- our own edits ---------------------------------------------------------- */

START_TEST(test_rename_function)
{
	pprof_filter *f = filter();
	PbProfile *u;

	set_ok(f, PPROF_FILTER_RENAME, "^(w)(ork)$=\\2\\1");
	set_ok(f, PPROF_FILTER_RENAME, "i=<\\0>");
	set_ok(f, PPROF_FILTER_RENAME, "^ma=\\\\");
	u = apply(f, pb_small(1, 2));
	ck_assert_str_eq(render_stacks(u), "orkw;\\<i>n = 1,10\n<i>dle;\\<i>n = 2,20\n");
	ck_assert_uint_eq(pprof_filter_unmatched_count(f), 0);
}
END_TEST

START_TEST(test_rename_empty_matches_as_go)
{
	ck_assert_str_eq(stacks_with(pb_small(1, 2), PPROF_FILTER_RENAME, "x*=-"),
	                 "-w-o-r-k-;-m-a-i-n- = 1,10\n-i-d-l-e-;-m-a-i-n- = 2,20\n");
	ck_assert_str_eq(stacks_with(pb_small(1, 2), PPROF_FILTER_RENAME, "a*=-"),
	                 "-w-o-r-k-;-m-i-n- = 1,10\n-i-d-l-e-;-m-i-n- = 2,20\n");
	ck_assert_str_eq(stacks_with(pb_small(1, 2), PPROF_FILTER_RENAME, "$=!"),
	                 "work!;main! = 1,10\nidle!;main! = 2,20\n");
}
END_TEST

START_TEST(test_rename_merges_functions)
{
	pprof_filter *f = filter();
	PbProfile *u;

	set_ok(f, PPROF_FILTER_RENAME, "work|idle=w");
	u = apply(f, pb_small(1, 2));
	ck_assert_str_eq(render_functions(u), "1 w///0\n2 main///0\n");
	ck_assert_str_eq(render_stacks(u), "w;main = 1,10\nw;main = 2,20\n");
}
END_TEST

START_TEST(test_sample_type)
{
	pprof_filter *f = filter();
	PbProfile *p = pb_new(), *u;

	pb_sample_type(p, "objects", "count");
	pb_sample_type(p, "space", "bytes");
	pb_fn(p, 1, "main");
	pb_loc(p, 1, 1, 1);
	pb_sample(p, LOCS(1), VALS(1, 10));
	pb_sample(p, LOCS(1, 1), VALS(0, 20));
	set_ok(f, PPROF_FILTER_SAMPLE_TYPE, "inuse_space");
	u = apply(f, p);
	ck_assert_str_eq(render_samples(u), "1 = 10\n1,1 = 20\n");
	ck_assert_str_eq(S(u, u->sample_type[0]->type), "space");
	ck_assert_str_eq(S(u, u->default_sample_type), "space");
	set_ok(f, PPROF_FILTER_SAMPLE_TYPE, "+0");
	ck_assert_str_eq(render_samples(apply(f, p)), "1 = 1\n"); /* all-zero: gone */
	set_ok(f, PPROF_FILTER_SAMPLE_TYPE, "x");
	ck_assert_str_eq(apply_err(f, p, PPROF_ERR_DATA),
	                 "no sample type 'x'; there are 2: objects space");
	set_ok(f, PPROF_FILTER_SAMPLE_TYPE, "2");
	ck_assert_str_eq(apply_err(f, p, PPROF_ERR_DATA),
	                 "sample type 2 is outside the range [0..1]");
}
END_TEST

/* Values at the limits: 2^61 * 4 is just over int64, -2^61 * 4 just in. */
static PbProfile *pb_limits(void)
{
	PbProfile *p = pb_cpu();

	pb_fn(p, 1, "main");
	pb_loc(p, 1, 1, 1);
	pb_sample(p, LOCS(1), VALS(INT64_C(1) << 61, -(INT64_C(1) << 61)));
	pb_sample(p, LOCS(1, 1), VALS(-(INT64_C(1) << 61) - 1, 3));
	return p;
}

START_TEST(test_scale_rounds_to_nearest)
{
	pprof_filter *f = filter();

	ck_assert_int_eq(pprof_filter_set_scale(f, 0.5), PPROF_OK);
	ck_assert_str_eq(render_stacks(apply(f, pb_small(3, 1))),
	                 "work;main = 2,15\nidle;main = 1,5\n");
	ck_assert_int_eq(pprof_filter_set_scale(f, -0.5), PPROF_OK);
	ck_assert_str_eq(render_stacks(apply(f, pb_small(3, 1))),
	                 "work;main = -2,-15\nidle;main = -1,-5\n");
	ck_assert_int_eq(pprof_filter_set_scale(f, 0.1), PPROF_OK);
	ck_assert_str_eq(render_stacks(apply(f, pb_small(3, 1))),
	                 "work;main = 0,3\nidle;main = 0,1\n");
	ck_assert_int_eq(pprof_filter_set_scale(f, 0.01), PPROF_OK);
	ck_assert_str_eq(render_stacks(apply(f, pb_small(3, 1))), "");
	ck_assert_int_eq(pprof_filter_set_scale(f, 4.0), PPROF_OK);
	ck_assert_str_eq(render_stacks(apply(f, pb_limits())),
	                 "main = 9223372036854775807,-9223372036854775808\n"
	                 "main;main = -9223372036854775808,12\n");
	ck_assert_int_eq(pprof_filter_set_scale(f, NAN), PPROF_ERR_ARG);
	ck_assert_int_eq(pprof_filter_set_scale(f, INFINITY), PPROF_ERR_ARG);
}
END_TEST

START_TEST(test_drop_labels_and_addresses)
{
	pprof_filter *f = filter();
	PbProfile *u;

	pprof_filter_set_flags(f, PPROF_FILTER_DROP_LABELS | PPROF_FILTER_DROP_ADDRESSES);
	u = apply(f, pb_labeled());
	ck_assert_str_eq(render_samples(u), "1 = 28,0\n");
	ck_assert_str_eq(render_mappings(u), "");
	pprof_filter_set_flags(f, PPROF_FILTER_DROP_ADDRESSES);
	u = apply(f, pb_inl());
	ck_assert_str_eq(render_locations(u), "1 m0 0x0 [1:20]\n2 m0 0x0 [2:10]\n"
	                                      "3 m0 0x0 [3:30,1:21]\n4 m0 0x0 [4:40]\n");
}
END_TEST

/* ---- options and warnings ----------------------------------------------- */

START_TEST(test_bad_options)
{
	pprof_filter *f = filter();

	ck_assert_prefix(set_err(f, PPROF_FILTER_FOCUS, "a("), "invalid regular expression 'a(': ");
	ck_assert_prefix(set_err(f, PPROF_FILTER_TAG_FOCUS, "k=a,("),
	                 "invalid regular expression '(': ");
	ck_assert_str_eq(set_err(f, PPROF_FILTER_TAG_FOCUS, "1kb:1s"),
	                 "invalid range '1kb:1s': units kB and s differ");
	ck_assert_str_eq(set_err(f, PPROF_FILTER_TAG_IGNORE, "bytes=4kb:2kb"),
	                 "invalid range '4kb:2kb': the start is above the end");
	ck_assert_str_eq(set_err(f, PPROF_FILTER_TAG_FOCUS, ":99999999999999999999"),
	                 "invalid range ':99999999999999999999': number or unit too large");
	ck_assert_str_eq(set_err(f, PPROF_FILTER_RENAME, "x"), "'x' is not REGEX=REPLACEMENT");
	ck_assert_str_eq(set_err(f, PPROF_FILTER_RENAME, "=x"), "'=x' is not REGEX=REPLACEMENT");
	ck_assert_str_eq(set_err(f, PPROF_FILTER_RENAME, "(a)=\\2"),
	                 "'\\2' in the replacement, but the expression has 1 group");
	ck_assert_str_eq(set_err(f, PPROF_FILTER_RENAME, "a=b\\"),
	                 "'\\' in the replacement must be followed by a digit or '\\'");
	ck_assert_str_eq(set_err(f, PPROF_FILTER_N_OPTIONS, "x"), "unknown filter option 14");
}
END_TEST

START_TEST(test_failed_set_keeps_the_option)
{
	pprof_filter *f = filter();

	set_ok(f, PPROF_FILTER_FOCUS, "work");
	set_err(f, PPROF_FILTER_FOCUS, "(");
	set_ok(f, PPROF_FILTER_TAG_FOCUS, "endpoint=/a");
	set_err(f, PPROF_FILTER_TAG_FOCUS, "2kb:1kb");
	ck_assert_str_eq(render_stacks(apply(f, pb_inl())), ""); /* both still on */
	set_ok(f, PPROF_FILTER_TAG_FOCUS, "");
	ck_assert_str_eq(render_stacks(apply(f, pb_inl())),
	                 "work;main = 1,10\nhelper;work;main = 2,20\n");
	set_ok(f, PPROF_FILTER_FOCUS, "");
	ck_assert_str_eq(render_stacks(apply(f, pb_inl())),
	                 "work;main = 1,10\nhelper;work;main = 2,20\nidle;main = 4,40\n");
}
END_TEST

START_TEST(test_unmatched_in_pprofs_order)
{
	static const int options[] = { PPROF_FILTER_PRUNE_FROM, PPROF_FILTER_TAG_HIDE,
		                       PPROF_FILTER_TAG_SHOW,   PPROF_FILTER_TAG_IGNORE,
		                       PPROF_FILTER_TAG_FOCUS,  PPROF_FILTER_SHOW_FROM,
		                       PPROF_FILTER_SHOW,       PPROF_FILTER_HIDE,
		                       PPROF_FILTER_IGNORE,     PPROF_FILTER_FOCUS,
		                       PPROF_FILTER_RENAME };
	pprof_filter *f = filter();
	const char *arg;
	int option;
	size_t i;

	for (i = 0; i < sizeof(options) / sizeof(*options); i++)
		set_ok(f, options[i], options[i] == PPROF_FILTER_RENAME ? "zz=y" : "zz");
	set_ok(f, PPROF_FILTER_RENAME, "main=y");
	apply(f, pb_inl());
	ck_assert_uint_eq(pprof_filter_unmatched_count(f), 11);
	for (i = 0; i < 10; i++) {
		ck_assert_int_eq(pprof_filter_unmatched(f, i, &option, &arg), PPROF_OK);
		ck_assert_int_eq(option, PPROF_FILTER_FOCUS + (int)i);
		ck_assert_str_eq(arg, "zz");
	}
	ck_assert_int_eq(pprof_filter_unmatched(f, 10, &option, &arg), PPROF_OK);
	ck_assert_int_eq(option, PPROF_FILTER_RENAME);
	ck_assert_str_eq(arg, "zz=y");
	ck_assert_int_eq(pprof_filter_unmatched(f, 11, &option, &arg), PPROF_ERR_ARG);
	/* Matching ones are not reported; each apply starts afresh. */
	set_ok(f, PPROF_FILTER_FOCUS, "");
	set_ok(f, PPROF_FILTER_IGNORE, "");
	set_ok(f, PPROF_FILTER_SHOW, "");
	set_ok(f, PPROF_FILTER_HIDE, "work");
	apply(f, pb_inl());
	ck_assert_int_eq(pprof_filter_unmatched(f, 0, &option, &arg), PPROF_OK);
	ck_assert_int_eq(option, PPROF_FILTER_SHOW_FROM);
}
END_TEST

START_TEST(test_filter_a_merged_profile)
{
	/* A merged profile's samples share stacks and label sets: filtering
	 * gives them new arrays and leaves the shared ones alone. */
	PbProfile *a = pb_labeled(), *u;
	pprof_merger *m = pprof_merger_new();
	pprof_profile *merged = NULL;
	pprof_filter *f = filter();

	pb_label(a, pb_sample(a, LOCS(2, 1), VALS(8, 0)), "worker", "w1");
	pb_label(a, pb_sample(a, LOCS(2, 1), VALS(16, 0)), "worker", "w1");
	ck_assert_int_eq(pprof_merger_add(m, load(a), 0), PPROF_OK);
	ck_assert_int_eq(pprof_merger_finish(m, &merged), PPROF_OK);
	pprof_merger_free(m);
	set_ok(f, PPROF_FILTER_TAG_HIDE, "end");
	set_ok(f, PPROF_FILTER_HIDE, "work");
	u = apply_pp(f, merged);
	ck_assert_str_eq(
		render_stacks(u),
		"main {worker=w1} = 25,0\nmain {worker=w2} = 2,0\n"
		"main {bytes=2048:bytes} = 3,0\nmain {request=100,size=5:kb} = 4,0\n"
		"main {lat=10:ms} = 5,0\nmain {mixed=5:ms} = 6,0\nmain {mixed=2:s} = 7,0\n");
}
END_TEST

/* ---- tagroot, tagleaf (pprof's driver/tagroot.go) ------------------------ */

/* The stacks of p with the frames of one option, labels dropped so that
 * only the frames show. */
static const char *frames_with(const PbProfile *p, int option, const char *keys)
{
	pprof_filter *f = filter();

	set_ok(f, option, keys);
	pprof_filter_set_flags(f, PPROF_FILTER_DROP_LABELS);
	return render_stacks(apply(f, p));
}

START_TEST(test_tagroot_tagleaf_order)
{
	/* The first root key is rootmost, the last leaf key leafmost; a
	 * sample without a key gets a frame with an empty name. */
	ck_assert_str_eq(frames_with(pb_labeled(), PPROF_FILTER_TAG_ROOT, "endpoint,worker"),
	                 "main;w1;/a = 1,0\nmain;w2;/b = 2,0\nmain;; = 25,0\n");
	ck_assert_str_eq(frames_with(pb_labeled(), PPROF_FILTER_TAG_LEAF, ",endpoint,,worker"),
	                 "w1;/a;main = 1,0\nw2;/b;main = 2,0\n;;main = 25,0\n");
}
END_TEST

START_TEST(test_tagroot_values_as_pprof_formats_them)
{
	PbProfile *p = pb_inl_objects(), *u;
	pprof_filter *f = filter();
	PbSample *s;

	pb_numlabel(p, pb_sample(p, LOCS(1), VALS(1, 0)), "k", 2048, "bytes");
	pb_numlabel(p, pb_sample(p, LOCS(1), VALS(2, 0)), "k", 100, NULL);
	pb_numlabel(p, pb_sample(p, LOCS(1), VALS(3, 0)), "k", 1500000, "ns");
	s = pb_sample(p, LOCS(1), VALS(4, 0));
	pb_numlabel(p, s, "k", 5, "ms");
	pb_label(p, s, "k", "x");              /* strings come first */
	s = pb_sample(p, LOCS(1), VALS(5, 0)); /* the last number has no unit: */
	pb_numlabel(p, s, "k", 5, "ms");       /* pprof leaves numbers out */
	pb_numlabel(p, s, "k", 7, NULL);
	s = pb_sample(p, LOCS(1), VALS(6, 0));
	pb_numlabel(p, s, "k", 7, NULL);
	pb_numlabel(p, s, "k", 5, "ms");
	s = pb_sample(p, LOCS(1), VALS(7, 0));
	pb_label(p, s, "k", "a");
	pb_label(p, s, "k", "b");
	set_ok(f, PPROF_FILTER_TAG_LEAF, "k");
	pprof_filter_set_flags(f, PPROF_FILTER_DROP_LABELS);
	u = apply(f, p);
	ck_assert_str_eq(render_stacks(u), "2kB;main = 1,0\n100;main = 2,0\n1.50ms;main = 3,0\n"
	                                   "x,5ms;main = 4,0\n;main = 5,0\n7,5ms;main = 6,0\n"
	                                   "a,b;main = 7,0\n");
	/* The frames' functions are in the key's file. */
	ck_assert_ptr_nonnull(strstr(render_functions(u), " 2kB//k/0\n"));
	ck_assert_ptr_nonnull(strstr(render_functions(u), " //k/0\n"));
}
END_TEST

START_TEST(test_tagroot_before_focus)
{
	pprof_filter *f = filter();
	const char *arg;
	int option;

	ck_assert_str_eq(stacks_with(pb_labeled(), PPROF_FILTER_FOCUS, "^/a$"), "");
	set_ok(f, PPROF_FILTER_FOCUS, "^/a$");
	set_ok(f, PPROF_FILTER_TAG_ROOT, "endpoint");
	pprof_filter_set_flags(f, PPROF_FILTER_DROP_LABELS);
	ck_assert_str_eq(render_stacks(apply(f, pb_labeled())), "main;/a = 1,0\n");
	/* A key no sample has matches nothing, and is the first warning. */
	set_ok(f, PPROF_FILTER_FOCUS, "zz");
	set_ok(f, PPROF_FILTER_TAG_ROOT, "");
	set_ok(f, PPROF_FILTER_TAG_LEAF, "nokey");
	apply(f, pb_labeled());
	ck_assert_uint_eq(pprof_filter_unmatched_count(f), 2);
	ck_assert_int_eq(pprof_filter_unmatched(f, 0, &option, &arg), PPROF_OK);
	ck_assert_int_eq(option, PPROF_FILTER_TAG_LEAF);
	ck_assert_str_eq(arg, "nokey");
	ck_assert_int_eq(pprof_filter_unmatched(f, 1, &option, &arg), PPROF_OK);
	ck_assert_int_eq(option, PPROF_FILTER_FOCUS);
}
END_TEST

Suite *filter_suite(void)
{
	Suite *s = suite_create("filter");
	TCase *tc = tl_tcase("names");

	tcase_add_test(tc, test_no_options_merges);
	tcase_add_test(tc, test_focus_matches_name_file_mapping_and_inlined_lines);
	tcase_add_test(tc, test_ignore_wins_over_focus);
	tcase_add_test(tc, test_hide_removes_lines_and_locations);
	tcase_add_test(tc, test_hide_everything_drops_samples);
	tcase_add_test(tc, test_hidden_samples_that_become_equal_merge);
	tcase_add_test(tc, test_show_keeps_matching_lines);
	tcase_add_test(tc, test_sample_without_locations_dropped_by_name_filters);
	tcase_add_test(tc, test_show_from_cuts_above_the_rootmost_match);
	tcase_add_test(tc, test_prune_from_cuts_below_the_leafmost_match);
	tcase_add_test(tc, test_prune_from_simplifies_names);
	suite_add_tcase(s, tc);

	tc = tl_tcase("labels");
	tcase_add_test(tc, test_tagfocus_strings);
	tcase_add_test(tc, test_tagfocus_ranges);
	tcase_add_test(tc, test_tagshow_taghide);
	tcase_add_test(tc, test_tagroot_tagleaf_order);
	tcase_add_test(tc, test_tagroot_values_as_pprof_formats_them);
	tcase_add_test(tc, test_tagroot_before_focus);
	suite_add_tcase(s, tc);

	tc = tl_tcase("edits");
	tcase_add_test(tc, test_rename_function);
	tcase_add_test(tc, test_rename_empty_matches_as_go);
	tcase_add_test(tc, test_rename_merges_functions);
	tcase_add_test(tc, test_sample_type);
	tcase_add_test(tc, test_scale_rounds_to_nearest);
	tcase_add_test(tc, test_drop_labels_and_addresses);
	suite_add_tcase(s, tc);

	tc = tl_tcase("options");
	tcase_add_test(tc, test_bad_options);
	tcase_add_test(tc, test_failed_set_keeps_the_option);
	tcase_add_test(tc, test_unmatched_in_pprofs_order);
	tcase_add_test(tc, test_filter_a_merged_profile);
	suite_add_tcase(s, tc);
	return s;
}
