/*
 * check_report.c - report.c: what pprof-stat shows, as `go tool pprof`
 * computes -top, -tags and -traces (HACKING.md section 8), and how it
 * picks a sample type. Expected values are worked out by hand from the
 * profiles built here.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

static void report_free_cb(void *r)
{
	pprof_report_free(r);
}

static pprof_report *report(const PbProfile *pb)
{
	pprof_report *r = pprof_report_new(load(pb));

	ck_assert_ptr_nonnull(r);
	return defer(r, report_free_cb);
}

/* The rows of a top report as "name flat cum" lines, "(inline)" marked. */
static const char *top_text(const pprof_top *t)
{
	char *text = defer(calloc(1, 4096), free);
	size_t i, used = 0;

	for (i = 0; i < t->n_rows; i++)
		used += (size_t)snprintf(text + used, 4096 - used, "%s %lld %lld%s\n",
		                         t->rows[i].name, (long long)t->rows[i].flat,
		                         (long long)t->rows[i].cum,
		                         t->rows[i].inlined == PPROF_INLINED ? " (inline)" : "");
	return text;
}

static const pprof_top *top(const PbProfile *pb, const pprof_top_options *o)
{
	const pprof_top *t = NULL;
	pprof_report *r = report(pb);

	ck_assert_int_eq(pprof_report_top(r, o, &t), PPROF_OK);
	return t;
}

START_TEST(test_top_flat_and_cum_per_function)
{
	/* [work, main] = 1,10 and [idle, main] = 3,30; the default type is the
	 * last, cpu. */
	pprof_top_options o;
	const pprof_top *t;

	pprof_top_options_init(&o);
	t = top(pb_small(1, 3), &o);
	ck_assert_uint_eq(t->sample_type, 1);
	ck_assert_int_eq(t->total, 40);
	ck_assert_uint_eq(t->nodes, 3);
	ck_assert_str_eq(top_text(t), "idle 30 30\nwork 10 10\nmain 0 40\n");
	o.sort_cum = 1;
	o.sample_type = 0;
	ck_assert_str_eq(top_text(top(pb_small(1, 3), &o)), "main 0 4\nidle 3 3\nwork 1 1\n");
}
END_TEST

START_TEST(test_top_counts_recursion_once_and_inlined_frames)
{
	/* [helper inlined into work, work, main] = 5: work is on the stack
	 * twice (recursion), its cum counts the sample once. Equal flat values
	 * sort by name (pprof's FlatNameOrder). */
	PbProfile *p = pb_cpu();
	pprof_top_options o;

	pb_fn(p, 1, "main");
	pb_fn(p, 2, "work");
	pb_fn(p, 3, "helper");
	pb_loc(p, 1, 1, 1);
	pb_loc(p, 2, 2, 2);
	pb_line(pb_loc(p, 3, 3, 3), 2, 4);
	pb_sample(p, LOCS(3, 2, 1), VALS(1, 5));
	pprof_top_options_init(&o);
	ck_assert_str_eq(top_text(top(p, &o)), "helper 5 5 (inline)\nmain 0 5\nwork 0 5\n");
}
END_TEST

START_TEST(test_top_limits_rows_and_drops_small_nodes)
{
	pprof_top_options o;
	const pprof_top *t;

	pprof_top_options_init(&o);
	o.max_rows = 1;
	t = top(pb_small(1, 3), &o);
	ck_assert_uint_eq(t->n_rows, 1);
	ck_assert_int_eq(t->shown, 30);
	ck_assert_uint_eq(t->nodes, 3);
	/* Nodes under 30% of 40 (12) go: work (10). */
	pprof_top_options_init(&o);
	o.node_fraction = 0.3;
	t = top(pb_small(1, 3), &o);
	ck_assert_uint_eq(t->dropped, 1);
	ck_assert_int_eq(t->drop_limit, 12);
	ck_assert_str_eq(top_text(t), "idle 30 30\nmain 0 40\n");
	o.sample_type = 2;
	ck_assert_int_eq(pprof_report_top(report(pb_small(1, 3)), &o, &t), PPROF_ERR_ARG);
}
END_TEST

START_TEST(test_sample_type_lookup)
{
	PbProfile *p = pb_new();
	size_t i = 99;

	pb_sample_type(p, "alloc_objects", "count");
	pb_sample_type(p, "alloc_space", "bytes");
	pb_sample_type(p, "space", "bytes");
	pb_sample_type(p, "objects", "count");
	ck_assert_uint_eq(pprof_profile_default_sample_type(load(p)), 3); /* the last */
	p->default_sample_type = pb_str(p, "alloc_space");
	ck_assert_uint_eq(pprof_profile_default_sample_type(load(p)), 1);
	ck_assert_int_eq(pprof_profile_find_sample_type(load(p), "2", &i), PPROF_OK);
	ck_assert_uint_eq(i, 2);
	ck_assert_int_eq(pprof_profile_find_sample_type(load(p), "alloc_objects", &i), PPROF_OK);
	ck_assert_uint_eq(i, 0);
	/* pprof drops "inuse_" from a name it does not find. */
	ck_assert_int_eq(pprof_profile_find_sample_type(load(p), "inuse_space", &i), PPROF_OK);
	ck_assert_uint_eq(i, 2);
	ck_assert_int_eq(pprof_profile_find_sample_type(load(p), "4", &i), PPROF_ERR_ARG);
	ck_assert_int_eq(pprof_profile_find_sample_type(load(p), "cpu", &i), PPROF_ERR_ARG);
}
END_TEST

/* pb_small with labels: [work, main] k=a n=5:bytes, [idle, main] k=b k=c. */
static PbProfile *pb_labelled(void)
{
	PbProfile *p = pb_small(1, 3);

	pb_label(p, p->sample[0], "k", "a");
	pb_numlabel(p, p->sample[0], "n", 5, "bytes");
	pb_label(p, p->sample[1], "k", "b");
	pb_label(p, p->sample[1], "k", "c");
	return p;
}

START_TEST(test_label_keys)
{
	const pprof_label_key *keys;
	size_t n;

	ck_assert_int_eq(pprof_report_label_keys(report(pb_labelled()), &keys, &n), PPROF_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(keys[0].key, "k");
	ck_assert_uint_eq(keys[0].strings, 3);
	ck_assert_uint_eq(keys[0].samples, 2);
	ck_assert_str_eq(keys[1].key, "n");
	ck_assert_uint_eq(keys[1].numbers, 1);
	ck_assert_uint_eq(keys[1].samples, 1);
	ck_assert_str_eq(keys[1].unit, "bytes");
}
END_TEST

START_TEST(test_by_label_weighs_each_value)
{
	const pprof_breakdown *b;
	pprof_report *r = report(pb_labelled());

	/* k=b and k=c both get the second sample's 30. */
	ck_assert_int_eq(pprof_report_by_label(r, "k", SIZE_MAX, &b), PPROF_OK);
	ck_assert_uint_eq(b->n_values, 3);
	ck_assert_str_eq(b->values[0].str, "b");
	ck_assert_int_eq(b->values[0].weight, 30);
	ck_assert_str_eq(b->values[1].str, "c");
	ck_assert_int_eq(b->values[1].weight, 30);
	ck_assert_str_eq(b->values[2].str, "a");
	ck_assert_int_eq(b->values[2].weight, 10);
	ck_assert_int_eq(b->total, 70);
	ck_assert_int_eq(b->unlabelled, 0);
	ck_assert_int_eq(pprof_report_by_label(r, "n", 0, &b), PPROF_OK);
	ck_assert_uint_eq(b->n_values, 1);
	ck_assert_ptr_null(b->values[0].str);
	ck_assert_int_eq(b->values[0].num, 5);
	ck_assert_int_eq(b->values[0].weight, 1);
	ck_assert_int_eq(b->unlabelled, 3);
	ck_assert_uint_eq(b->unlabelled_samples, 1);
}
END_TEST

/* "key=total: value weight, ..." of pprof_report_tags, one key a line. */
static const char *tags_text(pprof_report *r, size_t sample_type)
{
	char *text = defer(calloc(1, 4096), free);
	const pprof_tags *t;
	size_t i, j, used = 0;

	ck_assert_int_eq(pprof_report_tags(r, sample_type, &t), PPROF_OK);
	for (i = 0; i < t->n_keys; i++) {
		const pprof_tag_key *k = &t->keys[i];
		used += (size_t)snprintf(text + used, 4096 - used, "%s=%lld:", k->key,
		                         (long long)k->total);
		for (j = 0; j < k->n_values; j++)
			used += (size_t)snprintf(text + used, 4096 - used, " %s %lld",
			                         k->values[j].name, (long long)k->values[j].weight);
		used += (size_t)snprintf(text + used, 4096 - used, "\n");
	}
	return text;
}

START_TEST(test_tags_as_pprof_computes_them)
{
	PbProfile *p = pb_small(1, 3); /* values 1,10 and 3,30 */
	pprof_report *r;

	pb_label(p, p->sample[0], "k", "b");
	pb_label(p, p->sample[0], "k", "c");
	pb_numlabel(p, p->sample[0], "n", 1024, "bytes");
	pb_label(p, p->sample[1], "k", "a"); /* twice: counted twice */
	pb_label(p, p->sample[1], "k", "a");
	/* The key's unit is its first one: 1025 bytes print as 1kB too. */
	pb_numlabel(p, p->sample[1], "n", 1025, NULL);
	/* Without one: bytes for alignment, else the key, which no scale knows. */
	pb_numlabel(p, p->sample[1], "alignment", 3072, NULL);
	pb_numlabel(p, p->sample[1], "lat", 7, NULL);
	r = report(p);
	/* Keys by name; values by weight, then by name. */
	ck_assert_str_eq(tags_text(r, SIZE_MAX), "alignment=30: 3kB 30\n"
	                                         "k=80: a 60 b 10 c 10\n"
	                                         "lat=30: 7 30\n"
	                                         "n=40: 1kB 40\n");
	ck_assert_str_eq(tags_text(r, 0), "alignment=3: 3kB 3\n"
	                                  "k=8: a 6 b 1 c 1\n"
	                                  "lat=3: 7 3\n"
	                                  "n=4: 1kB 4\n");
}
END_TEST

static int stop_at_first(void *ctx, const char *const *frames, size_t n, int64_t value)
{
	(void)frames;
	(void)n;
	(void)value;
	++*(int *)ctx;
	return 7;
}

START_TEST(test_folded_stacks)
{
	PbProfile *p = pb_small(1, 3);
	char *text = defer(calloc(1, 4096), free);
	int calls = 0;

	/* A third sample on [work, main] adds up; one of zero and a name with
	 * ';' and a newline. */
	pb_sample(p, LOCS(2, 1), VALS(2, 20));
	pb_fn(p, 4, "a;b\nc");
	pb_loc(p, 4, 4, 1);
	pb_sample(p, LOCS(4), VALS(1, 0));
	pb_sample(p, LOCS(4, 1), VALS(0, 4));
	ck_assert_int_eq(pprof_report_folded(report(p), SIZE_MAX, add_stack, text), 0);
	ck_assert_str_eq(text, "main;a:b\\x0ac 4\nmain;idle 30\nmain;work 30\n");
	ck_assert_int_eq(pprof_report_folded(report(p), 0, stop_at_first, &calls), 7);
	ck_assert_int_eq(calls, 1);
}
END_TEST

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tl_tcase("top");

	tcase_add_test(tc, test_top_flat_and_cum_per_function);
	tcase_add_test(tc, test_top_counts_recursion_once_and_inlined_frames);
	tcase_add_test(tc, test_top_limits_rows_and_drops_small_nodes);
	tcase_add_test(tc, test_sample_type_lookup);
	suite_add_tcase(s, tc);

	tc = tl_tcase("labels");
	tcase_add_test(tc, test_label_keys);
	tcase_add_test(tc, test_by_label_weighs_each_value);
	tcase_add_test(tc, test_tags_as_pprof_computes_them);
	suite_add_tcase(s, tc);

	tc = tl_tcase("folded");
	tcase_add_test(tc, test_folded_stacks);
	suite_add_tcase(s, tc);
	return s;
}
