/*
 * check_merge.c - merging (HACKING.md section 5, google/pprof's profile.Merge),
 * one test per rule. Results are written, unpacked and rendered as text
 * (testlib.h), so each assertion checks ids, order, labels and values at once.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "testlib.h"

static void merger_free_cb(void *m)
{
	pprof_merger_free(m);
}
static pprof_merger *merger(void)
{
	pprof_merger *m = pprof_merger_new();

	ck_assert_ptr_nonnull(m);
	return defer(m, merger_free_cb);
}

static void add_ok(pprof_merger *m, const pprof_profile *p, unsigned flags)
{
	int rc = pprof_merger_add(m, p, flags);

	ck_assert_msg(rc == PPROF_OK, "merger_add: %d (%s)", rc, pprof_merger_error(m));
}

static pprof_profile *finish_ok(pprof_merger *m)
{
	pprof_profile *out = NULL;
	int rc = pprof_merger_finish(m, &out);

	ck_assert_msg(rc == PPROF_OK, "merger_finish: %d (%s)", rc, pprof_merger_error(m));
	ck_assert_ptr_nonnull(out);
	return defer(out, profile_free_cb);
}

/* Merges two profiles with flags for the second. */
static pprof_profile *merge_with(pprof_profile *a, pprof_profile *b, unsigned flags_b)
{
	const unsigned flags[] = { 0, flags_b };

	return merge(2, (pprof_profile *[]){ a, b }, flags);
}

static bool buf_eq(const buf *a, const buf *b)
{
	return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

static void assert_same_bytes(const buf *a, const buf *b)
{
	ck_assert_msg(buf_eq(a, b), "outputs differ (%zu and %zu bytes)", a->len, b->len);
}

/* ---- compatibility ---------------------------------------------------- */

START_TEST(test_incompatible_sample_types)
{
	pprof_merger *m = merger();
	PbProfile *other_type = pb_small(1, 1), *one_type = pb_small(1, 1), *swapped;

	other_type->sample_type[1]->type = pb_str(other_type, "wall");
	add_ok(m, load(pb_small(1, 2)), 0);
	ck_assert_int_eq(pprof_merger_add(m, load(other_type), 0), PPROF_ERR_MISMATCH);
	ck_assert_str_eq(pprof_merger_error(m),
	                 "incompatible sample types "
	                 "[samples/count,cpu/nanoseconds] and [samples/count,wall/nanoseconds]");

	/* Fewer sample types. */
	perftools__profiles__value_type__free_unpacked(one_type->sample_type[1], NULL);
	one_type->n_sample_type = 1;
	one_type->sample[0]->n_value = one_type->sample[1]->n_value = 1;
	ck_assert_int_eq(pprof_merger_add(m, load(one_type), 0), PPROF_ERR_MISMATCH);
	ck_assert_contains(pprof_merger_error(m), "incompatible sample types");

	/* The same types in another order. */
	swapped = pb_small(1, 1);
	{
		PbValueType *t = swapped->sample_type[0];
		swapped->sample_type[0] = swapped->sample_type[1];
		swapped->sample_type[1] = t;
	}
	ck_assert_int_eq(pprof_merger_add(m, load(swapped), 0), PPROF_ERR_MISMATCH);
	ck_assert_contains(pprof_merger_error(m), "incompatible sample types");

	/* None of them counted or merged. */
	ck_assert_uint_eq(pprof_merger_count(m), 1);
	pprof_profile *out = finish_ok(m);
	ck_assert_int_eq(pprof_profile_total(out, 0), 3);
	ck_assert_int_eq(pprof_profile_total(out, 1), 30);
}
END_TEST

START_TEST(test_incompatible_period_types)
{
	pprof_merger *m = merger();
	PbProfile *wall = pb_small(1, 1), *none = pb_small(1, 1);

	pb_period_type(wall, "wall", "nanoseconds");
	perftools__profiles__value_type__free_unpacked(none->period_type, NULL);
	none->period_type = NULL;
	add_ok(m, load(pb_small(1, 2)), 0);
	ck_assert_int_eq(pprof_merger_add(m, load(wall), 0), PPROF_ERR_MISMATCH);
	ck_assert_str_eq(pprof_merger_error(m),
	                 "incompatible period types cpu/nanoseconds and wall/nanoseconds");
	ck_assert_int_eq(pprof_merger_add(m, load(none), 0), PPROF_ERR_MISMATCH);
	ck_assert_contains(pprof_merger_error(m), "incompatible period types");
	ck_assert_uint_eq(pprof_merger_count(m), 1);
	ck_assert_int_eq(pprof_profile_total(finish_ok(m), 1), 30);
}
END_TEST

START_TEST(test_refused_add_leaves_result_unchanged)
{
	/* "the result is unchanged then" (pprof.h): byte for byte, what merging
	 * only the accepted profile writes. */
	PbProfile *a = pb_small(1, 2), *wall = pb_small(5, 5), *alloc = pb_small(5, 5);
	pprof_merger *m = merger();

	pb_period_type(wall, "wall", "seconds");
	alloc->sample_type[1]->type = pb_str(alloc, "alloc_space");
	alloc->sample_type[1]->unit = pb_str(alloc, "bytes");
	add_ok(m, load(a), 0);
	ck_assert_int_eq(pprof_merger_add(m, load(wall), 0), PPROF_ERR_MISMATCH);
	ck_assert_int_eq(pprof_merger_add(m, load(alloc), 0), PPROF_ERR_MISMATCH);
	pprof_profile *got = finish_ok(m);
	pprof_profile *want = MERGE(load(a));
	ck_assert_uint_eq(pprof_profile_string_count(got), pprof_profile_string_count(want));
	assert_same_bytes(write_profile(got, PPROF_UNCOMPRESSED),
	                  write_profile(want, PPROF_UNCOMPRESSED));
}
END_TEST

/* ---- header ----------------------------------------------------------- */

static pprof_profile *with_header(int64_t duration, int64_t period, int64_t time)
{
	PbProfile *p = pb_small(1, 1);

	p->duration_nanos = duration;
	p->period = period;
	p->time_nanos = time;
	return load(p);
}

START_TEST(test_header_duration_summed_period_max)
{
	pprof_profile *out =
		MERGE(with_header(10, 5, 0), with_header(20, 7, 0), with_header(5, 6, 0));

	ck_assert_int_eq(pprof_profile_duration_nanos(out), 35);
	ck_assert_int_eq(pprof_profile_period(out), 7);
}
END_TEST

START_TEST(test_header_period_max_of_negative)
{
	/* The maximum of the periods is one of them, even when all are
	 * negative (pprof gives -3 here); one profile keeps its own. */
	pprof_profile *two = MERGE(with_header(0, -5, 0), with_header(0, -3, 0));
	pprof_profile *one = MERGE(with_header(0, -4, 0));

	ck_assert_int_eq(pprof_profile_period(two), -3);
	ck_assert_int_eq(pprof_profile_period(one), -4);
}
END_TEST

START_TEST(test_header_time_earliest_nonzero)
{
	ck_assert_int_eq(
		pprof_profile_time_nanos(MERGE(with_header(0, 1, 0), with_header(0, 1, 300),
	                                       with_header(0, 1, 200), with_header(0, 1, 0))),
		200);
	ck_assert_int_eq(
		pprof_profile_time_nanos(MERGE(with_header(0, 1, 200), with_header(0, 1, 300))),
		200);
	ck_assert_int_eq(
		pprof_profile_time_nanos(MERGE(with_header(0, 1, 0), with_header(0, 1, 0))), 0);
}
END_TEST

static pprof_profile *with_comments(const char *const *comments)
{
	PbProfile *p = pb_small(1, 1);

	for (; *comments; comments++)
		pb_comment(p, *comments);
	return load(p);
}

START_TEST(test_header_comments_union_in_order)
{
	PbProfile *u = dump(MERGE(with_comments((const char *[]){ "a", "b", "a", NULL }),
	                          with_comments((const char *[]){ "b", "c", "a", NULL }),
	                          with_comments((const char *[]){ NULL }),
	                          with_comments((const char *[]){ "d", "c", NULL })));

	ck_assert_str_eq(render_comments(u), "a,b,c,d");
}
END_TEST

static pprof_profile *with_strings(const char *default_type, const char *doc_url, const char *drop,
                                   const char *keep)
{
	PbProfile *p = pb_small(1, 1);

	p->default_sample_type = pb_str(p, default_type);
	p->doc_url = pb_str(p, doc_url);
	p->drop_frames = pb_str(p, drop);
	p->keep_frames = pb_str(p, keep);
	return load(p);
}

START_TEST(test_header_default_sample_type_and_doc_url_first_nonempty)
{
	PbProfile *u = dump(MERGE(with_strings(NULL, NULL, NULL, NULL),
	                          with_strings("cpu", NULL, NULL, NULL),
	                          with_strings("samples", "https://one", NULL, NULL),
	                          with_strings(NULL, "https://two", NULL, NULL)));

	ck_assert_str_eq(S(u, u->default_sample_type), "cpu");
	ck_assert_str_eq(S(u, u->doc_url), "https://one");
}
END_TEST

START_TEST(test_header_frames_from_first)
{
	PbProfile *u = dump(MERGE(with_strings(NULL, NULL, NULL, "keep1"),
	                          with_strings(NULL, NULL, "drop2", "keep2")));

	ck_assert_str_eq(S(u, u->drop_frames), ""); /* the first's, though empty */
	ck_assert_str_eq(S(u, u->keep_frames), "keep1");
	ck_assert_uint_eq(u->n_sample_type, 2);
	ck_assert_str_eq(S(u, u->sample_type[1]->type), "cpu");
	ck_assert_str_eq(S(u, u->period_type->unit), "nanoseconds");
}
END_TEST

/* ---- functions -------------------------------------------------------- */

START_TEST(test_function_key)
{
	PbProfile *a = pb_cpu(), *b = pb_cpu();
	PbProfile *u;
	uint64_t i;

	pb_function(a, 1, "f", "f_sys", "f.go", 10);
	pb_loc(a, 1, 1, 1);
	pb_sample(a, LOCS(1), VALS(1, 10));
	/* The same function under another id, then one differing in each field. */
	pb_function(b, 7, "f", "f_sys", "f.go", 10);
	pb_function(b, 2, "g", "f_sys", "f.go", 10);
	pb_function(b, 3, "f", "g_sys", "f.go", 10);
	pb_function(b, 4, "f", "f_sys", "g.go", 10);
	pb_function(b, 5, "f", "f_sys", "f.go", 11);
	for (i = 0; i < 5; i++) {
		pb_loc(b, 10 + i, b->function[i]->id, 1);
		pb_sample(b, LOCS(10 + i), VALS(1, 10));
	}
	u = dump(MERGE(load(a), load(b)));
	ck_assert_str_eq(render_functions(u), "1 f/f_sys/f.go/10\n"
	                                      "2 g/f_sys/f.go/10\n"
	                                      "3 f/g_sys/f.go/10\n"
	                                      "4 f/f_sys/g.go/10\n"
	                                      "5 f/f_sys/f.go/11\n");
	ck_assert_str_eq(render_samples(u), "1 = 2,20\n2 = 1,10\n3 = 1,10\n4 = 1,10\n5 = 1,10\n");
}
END_TEST

/* ---- mappings --------------------------------------------------------- */

/* A profile with one mapping [start, limit) and one location at address in
 * it, function "main" line 10, one sample (1, 10). */
static PbProfile *mapped(uint64_t start, uint64_t limit, uint64_t offset, const char *file,
                         const char *build_id, uint64_t address)
{
	PbProfile *p = pb_cpu();

	pb_mapping(p, 1, start, limit, offset, file, build_id);
	pb_fn(p, 1, "main");
	pb_line(pb_location(p, 1, 1, address), 1, 10);
	pb_sample(p, LOCS(1), VALS(1, 10));
	return p;
}

START_TEST(test_mapping_size_rounded_to_4k)
{
	/* Sizes 0x1000, 0x800 and 0x1 round up to 0x1000: one mapping. 0x1001
	 * rounds to 0x2000: another. */
	PbProfile *u = dump(MERGE(load(mapped(0x400000, 0x401000, 0, "/bin/app", NULL, 0x400100)),
	                          load(mapped(0x400000, 0x400800, 0, "/bin/app", NULL, 0x400100)),
	                          load(mapped(0x400000, 0x400001, 0, "/bin/app", NULL, 0x400100)),
	                          load(mapped(0x400000, 0x401001, 0, "/bin/app", NULL, 0x400100))));

	ck_assert_str_eq(render_mappings(u), "1 0x400000-0x401000+0 /bin/app \n"
	                                     "2 0x400000-0x401001+0 /bin/app \n");
	ck_assert_str_eq(render_locations(u), "1 m1 0x400100 [1:10]\n2 m2 0x400100 [1:10]\n");
	ck_assert_str_eq(render_samples(u), "1 = 3,30\n2 = 1,10\n");
}
END_TEST

START_TEST(test_mapping_file_offset_in_key)
{
	PbProfile *u =
		dump(MERGE(load(mapped(0x400000, 0x401000, 0, "/bin/app", NULL, 0x400100)),
	                   load(mapped(0x400000, 0x401000, 0x1000, "/bin/app", NULL, 0x400100))));

	ck_assert_uint_eq(u->n_mapping, 2);
	ck_assert_uint_eq(u->n_sample, 2);
}
END_TEST

START_TEST(test_mapping_build_id_preferred_over_file)
{
	/* Same build id, other file: one mapping (the first's file). Same file,
	 * other build id: two. */
	PbProfile *u = dump(MERGE(load(mapped(0x400000, 0x401000, 0, "/a", "b1", 0x400100)),
	                          load(mapped(0x500000, 0x501000, 0, "/other", "b1", 0x500100)),
	                          load(mapped(0x400000, 0x401000, 0, "/a", "b2", 0x400100))));

	ck_assert_str_eq(render_mappings(u), "1 0x400000-0x401000+0 /a b1\n"
	                                     "2 0x400000-0x401000+0 /a b2\n");
	ck_assert_str_eq(render_samples(u), "1 = 2,20\n2 = 1,10\n");
}
END_TEST

START_TEST(test_mapping_without_file_or_build_id_shared)
{
	/* Fake mappings (neither file nor build id) of one size share one key,
	 * wherever they are loaded; a named mapping of that size does not. */
	PbProfile *u = dump(MERGE(load(mapped(0x1000, 0x2000, 0, NULL, NULL, 0x1010)),
	                          load(mapped(0x5000, 0x6000, 0, NULL, NULL, 0x5010)),
	                          load(mapped(0x1000, 0x2000, 0, "named", NULL, 0x1010))));

	ck_assert_str_eq(render_mappings(u), "1 0x1000-0x2000+0  \n"
	                                     "2 0x1000-0x2000+0 named \n");
	ck_assert_str_eq(render_locations(u), "1 m1 0x1010 [1:10]\n2 m2 0x1010 [1:10]\n");
	ck_assert_str_eq(render_samples(u), "1 = 2,20\n2 = 1,10\n");
}
END_TEST

START_TEST(test_first_mapping_stays_first)
{
	/* The main binary's mapping comes first in the input and stays first in
	 * the result though no location uses it; other unused mappings go. */
	PbProfile *a = pb_cpu(), *b = pb_cpu();

	pb_mapping(a, 1, 0x400000, 0x500000, 0, "/bin/app", NULL);
	pb_mapping(a, 2, 0x7f0000, 0x7f1000, 0, "libc.so", NULL);
	pb_mapping(a, 3, 0x800000, 0x801000, 0, "unused.so", NULL);
	pb_fn(a, 1, "memcpy");
	pb_line(pb_location(a, 1, 2, 0x7f0010), 1, 1);
	pb_sample(a, LOCS(1), VALS(1, 10));
	/* b's own first mapping is not special: it is unused, so it goes. */
	pb_mapping(b, 1, 0x900000, 0x901000, 0, "/bin/other", NULL);
	pb_mapping(b, 2, 0x7f0000, 0x7f1000, 0, "libc.so", NULL);
	pb_fn(b, 1, "memcpy");
	pb_line(pb_location(b, 1, 2, 0x7f0010), 1, 1);
	pb_sample(b, LOCS(1), VALS(1, 10));

	PbProfile *u = dump(MERGE(load(a), load(b)));
	ck_assert_str_eq(render_mappings(u), "1 0x400000-0x500000+0 /bin/app \n"
	                                     "2 0x7f0000-0x7f1000+0 libc.so \n");
	ck_assert_str_eq(render_locations(u), "1 m2 0x7f0010 [1:1]\n");
	ck_assert_str_eq(render_samples(u), "1 = 2,20\n");
}
END_TEST

START_TEST(test_first_mapping_from_first_profile_with_mappings)
{
	/* The first profile has no mappings: the first mapping seen is the
	 * next profile's first, used or not. */
	PbProfile *b = pb_cpu();

	pb_mapping(b, 1, 0x400000, 0x500000, 0, "/bin/app", NULL);
	pb_mapping(b, 2, 0x7f0000, 0x7f1000, 0, "libc.so", NULL);
	pb_fn(b, 1, "memcpy");
	pb_line(pb_location(b, 1, 2, 0x7f0010), 1, 1);
	pb_sample(b, LOCS(1), VALS(1, 10));

	PbProfile *u = dump(MERGE(load(pb_small(1, 1)), load(b)));
	ck_assert_str_eq(render_mappings(u), "1 0x400000-0x500000+0 /bin/app \n"
	                                     "2 0x7f0000-0x7f1000+0 libc.so \n");
}
END_TEST

/* ---- locations -------------------------------------------------------- */

START_TEST(test_location_rebased_onto_first_mapping)
{
	/* The same binary loaded at two addresses (ASLR): one mapping, at the
	 * first profile's address; b's locations are moved onto it. */
	PbProfile *a = mapped(0x400000, 0x500000, 0, "/bin/app", NULL, 0x401234);
	PbProfile *b = pb_cpu();
	const uint64_t base = 0x7f0000000000;

	pb_mapping(b, 3, base, base + 0x100000, 0, "/bin/app", NULL);
	pb_fn(b, 4, "work");
	pb_fn(b, 5, "main");
	pb_line(pb_location(b, 6, 3, base + 0x2000), 4, 20);
	pb_line(pb_location(b, 7, 3, base + 0x1234), 5, 10);
	pb_sample(b, LOCS(6, 7), VALS(1, 10));
	pb_sample(b, LOCS(7), VALS(2, 20));

	PbProfile *u = dump(MERGE(load(a), load(b)));
	ck_assert_str_eq(render_mappings(u), "1 0x400000-0x500000+0 /bin/app \n");
	ck_assert_str_eq(render_functions(u), "1 main///0\n2 work///0\n");
	ck_assert_str_eq(render_locations(u), "1 m1 0x401234 [1:10]\n2 m1 0x402000 [2:20]\n");
	ck_assert_str_eq(render_samples(u), "1 = 3,30\n2,1 = 1,10\n");
}
END_TEST

START_TEST(test_location_key_lines_and_folded)
{
	/* Same mapping and address; every other part of the key differs once. */
	PbProfile *a = mapped(0x400000, 0x500000, 0, "/bin/app", NULL, 0x401000);
	PbProfile *b = pb_cpu();
	PbLocation *l;
	uint64_t i;

	pb_mapping(b, 1, 0x400000, 0x500000, 0, "/bin/app", NULL);
	pb_fn(b, 1, "main");
	pb_fn(b, 2, "inlined");
	pb_line(pb_location(b, 1, 1, 0x401000), 1, 10); /* the same as a's */
	pb_line(pb_location(b, 2, 1, 0x401000), 1, 11); /* other line */
	pb_line(pb_location(b, 3, 1, 0x401000), 2, 10); /* other function */
	l = pb_location(b, 4, 1, 0x401000);             /* an inlined frame more */
	pb_line(l, 2, 5);
	pb_line(l, 1, 10);
	l = pb_location(b, 5, 1, 0x401000); /* other column */
	pb_line(l, 1, 10);
	l->line[0]->column = 3;
	pb_line(pb_location(b, 6, 1, 0x401000), 1, 10)->is_folded = 1;
	pb_line(pb_location(b, 7, 1, 0x401004), 1, 10); /* other address */
	for (i = 1; i <= 7; i++)
		pb_sample(b, LOCS(i), VALS(1, 10));

	PbProfile *u = dump(MERGE(load(a), load(b)));
	ck_assert_str_eq(render_locations(u), "1 m1 0x401000 [1:10]\n"
	                                      "2 m1 0x401000 [1:11]\n"
	                                      "3 m1 0x401000 [2:10]\n"
	                                      "4 m1 0x401000 [2:5,1:10]\n"
	                                      "5 m1 0x401000 [1:10:3]\n"
	                                      "6 m1 0x401000 [1:10] folded\n"
	                                      "7 m1 0x401004 [1:10]\n");
	ck_assert_str_eq(render_samples(u), "1 = 2,20\n2 = 1,10\n3 = 1,10\n4 = 1,10\n"
	                                    "5 = 1,10\n6 = 1,10\n7 = 1,10\n");
}
END_TEST

/* ---- samples ---------------------------------------------------------- */

/* pb_small with only its first sample, [2,1] = (1, 10), for the caller to
 * label. */
static PbProfile *one_sample(void)
{
	PbProfile *p = pb_small(1, 0);

	p->n_sample = 1;
	perftools__profiles__sample__free_unpacked(p->sample[1], NULL);
	return p;
}

START_TEST(test_sample_same_stack_and_labels_summed)
{
	PbProfile *a = one_sample(), *b = one_sample();

	pb_label(a, a->sample[0], "k", "v");
	pb_label(b, b->sample[0], "k", "v");
	b->sample[0]->value[0] = 5;
	b->sample[0]->value[1] = 50;
	ck_assert_str_eq(render_samples(dump(MERGE(load(a), load(b)))), "1,2 {k=v} = 6,60\n");
}
END_TEST

START_TEST(test_sample_label_order_irrelevant)
{
	PbProfile *a = one_sample(), *b = one_sample();

	pb_label(a, a->sample[0], "a", "1");
	pb_label(a, a->sample[0], "b", "2");
	pb_numlabel(a, a->sample[0], "n", 5, "bytes");
	pb_numlabel(b, b->sample[0], "n", 5, "bytes");
	pb_label(b, b->sample[0], "b", "2");
	pb_label(b, b->sample[0], "a", "1");
	ck_assert_str_eq(render_samples(dump(MERGE(load(a), load(b)))),
	                 "1,2 {a=1,b=2,n=5:bytes} = 2,20\n");
}
END_TEST

START_TEST(test_sample_labels_distinguish)
{
	PbProfile *ps[7];
	pprof_profile *loaded[7];
	int i;

	for (i = 0; i < 7; i++)
		ps[i] = one_sample();
	pb_label(ps[0], ps[0]->sample[0], "k", "v");
	pb_label(ps[1], ps[1]->sample[0], "k", "w"); /* other value */
	/* ps[2]: no labels */
	pb_numlabel(ps[3], ps[3]->sample[0], "n", 5, "bytes");
	pb_numlabel(ps[4], ps[4]->sample[0], "n", 5, "kilobytes"); /* other unit */
	pb_numlabel(ps[5], ps[5]->sample[0], "n", 6, "bytes");     /* other number */
	pb_numlabel(ps[6], ps[6]->sample[0], "n", 5, NULL);        /* no unit */
	for (i = 0; i < 7; i++)
		loaded[i] = load(ps[i]);
	ck_assert_str_eq(render_samples(dump(merge(7, loaded, NULL))),
	                 "1,2 {k=v} = 1,10\n"
	                 "1,2 {k=w} = 1,10\n"
	                 "1,2 = 1,10\n"
	                 "1,2 {n=5:bytes} = 1,10\n"
	                 "1,2 {n=5:kilobytes} = 1,10\n"
	                 "1,2 {n=6:bytes} = 1,10\n"
	                 "1,2 {n=5} = 1,10\n");
}
END_TEST

START_TEST(test_sample_stack_order_matters)
{
	PbProfile *a = one_sample(), *b = one_sample();

	b->sample[0]->location_id[0] = 1;
	b->sample[0]->location_id[1] = 2;
	ck_assert_str_eq(render_samples(dump(MERGE(load(a), load(b)))), "1,2 = 1,10\n2,1 = 1,10\n");
}
END_TEST

START_TEST(test_sample_labels_sorted_string_then_numeric)
{
	PbProfile *a = one_sample();

	pb_label(a, a->sample[0], "z", "1");
	pb_numlabel(a, a->sample[0], "n", 5, "bytes");
	pb_label(a, a->sample[0], "a", "2");
	pb_numlabel(a, a->sample[0], "m", 3, "count");
	ck_assert_str_eq(render_samples(dump(MERGE(load(a)))),
	                 "1,2 {a=2,z=1,m=3:count,n=5:bytes} = 1,10\n");
}
END_TEST

START_TEST(test_sample_repeated_key_keeps_value_order)
{
	/* Values of one key keep their order; a different order is another
	 * label set (pprof keys them as the list of values). */
	PbProfile *a = one_sample(), *b = one_sample();

	pb_label(a, a->sample[0], "k", "b");
	pb_label(a, a->sample[0], "j", "x");
	pb_label(a, a->sample[0], "k", "a");
	pb_label(b, b->sample[0], "k", "a");
	pb_label(b, b->sample[0], "k", "b");
	ck_assert_str_eq(render_samples(dump(MERGE(load(a), load(b)))), "1,2 {j=x,k=b,k=a} = 1,10\n"
	                                                                "1,2 {k=a,k=b} = 1,10\n");
}
END_TEST

START_TEST(test_sample_empty_label_ignored)
{
	/* A label with neither string, number nor unit is no label (pprof). */
	PbProfile *a = one_sample(), *b = one_sample();

	pb_label(a, a->sample[0], "x", NULL);
	ck_assert_str_eq(render_samples(dump(MERGE(load(a), load(b)))), "1,2 = 2,20\n");
}
END_TEST

/* ---- zero samples ----------------------------------------------------- */

START_TEST(test_zero_input_samples_dropped)
{
	/* pb_small(5, 0): the idle sample is all zero; it goes, and with it the
	 * location and function only it used. A sample with one zero stays. */
	PbProfile *a = pb_small(5, 0);
	PbProfile *u;

	pb_fn(a, 4, "half");
	pb_loc(a, 4, 4, 40);
	pb_sample(a, LOCS(4), VALS(0, 7));
	u = dump(MERGE(load(a)));
	ck_assert_str_eq(render_stacks(u), "work;main = 5,50\nhalf = 0,7\n");
	ck_assert_str_eq(render_functions(u), "1 work///0\n2 main///0\n3 half///0\n");
	ck_assert_str_eq(render_locations(u),
	                 "1 m0 0x0 [1:20]\n2 m0 0x0 [2:10]\n3 m0 0x0 [3:40]\n");
}
END_TEST

START_TEST(test_subtract_cancels_and_compacts)
{
	/* a - b: the work stack cancels out; what only it used goes, and the
	 * ids left are dense from 1. */
	pprof_profile *out =
		merge_with(load(pb_small(3, 4)), load(pb_small(3, 1)), PPROF_MERGE_SUBTRACT);
	PbProfile *u = dump(out);

	ck_assert_str_eq(render_samples(u), "1,2 = 3,30\n");
	ck_assert_str_eq(render_locations(u), "1 m0 0x0 [1:30]\n2 m0 0x0 [2:10]\n");
	ck_assert_str_eq(render_functions(u), "1 idle///0\n2 main///0\n");
	ck_assert_int_eq(pprof_profile_total(out, 1), 30);
}
END_TEST

START_TEST(test_subtract_goes_negative)
{
	PbProfile *u =
		dump(merge_with(load(pb_small(3, 4)), load(pb_small(5, 4)), PPROF_MERGE_SUBTRACT));

	ck_assert_str_eq(render_stacks(u), "work;main = -2,-20\n");
}
END_TEST

START_TEST(test_subtract_everything)
{
	pprof_profile *a = load(pb_small(3, 4));
	pprof_profile *out = merge_with(a, a, PPROF_MERGE_SUBTRACT);

	ck_assert_uint_eq(pprof_profile_sample_count(out), 0);
	ck_assert_uint_eq(pprof_profile_location_count(out), 0);
	ck_assert_uint_eq(pprof_profile_function_count(out), 0);
	ck_assert_uint_eq(pprof_profile_sample_type_count(out), 2);
	ck_assert_int_eq(pprof_profile_period(out), 10000000);
}
END_TEST

START_TEST(test_mark_base_labels_samples)
{
	PbProfile *b = pb_small(1, 1);
	PbProfile *u;

	pb_label(b, b->sample[1], "pprof::base", "false"); /* replaced */
	pb_label(b, b->sample[1], "zone", "eu");
	u = dump(merge_with(load(pb_small(2, 2)), load(b), PPROF_MERGE_MARK_BASE));
	ck_assert_str_eq(render_stacks(u), "work;main = 2,20\n"
	                                   "idle;main = 2,20\n"
	                                   "work;main {pprof::base=true} = 1,10\n"
	                                   "idle;main {pprof::base=true,zone=eu} = 1,10\n");
}
END_TEST

START_TEST(test_diff_base_subtract_and_mark)
{
	PbProfile *u = dump(merge_with(load(pb_small(2, 2)), load(pb_small(2, 1)),
	                               PPROF_MERGE_SUBTRACT | PPROF_MERGE_MARK_BASE));

	/* Marked, base samples do not cancel the others. */
	ck_assert_str_eq(render_stacks(u), "work;main = 2,20\n"
	                                   "idle;main = 2,20\n"
	                                   "work;main {pprof::base=true} = -2,-20\n"
	                                   "idle;main {pprof::base=true} = -1,-10\n");
}
END_TEST

/* ---- ids and what is written ------------------------------------------ */

START_TEST(test_ids_dense_in_first_seen_order)
{
	PbProfile *a = pb_cpu();

	pb_mapping(a, 9, 0x400000, 0x500000, 0, "/bin/app", NULL);
	pb_mapping(a, 8, 0x7f0000, 0x7f1000, 0, "lib.so", NULL);
	pb_fn(a, 30, "c");
	pb_fn(a, 20, "b");
	pb_fn(a, 10, "a");
	pb_line(pb_location(a, 100, 9, 0x400100), 30, 3);
	pb_line(pb_location(a, 200, 9, 0x400200), 20, 2);
	pb_line(pb_location(a, 300, 8, 0x7f0300), 10, 1);
	pb_sample(a, LOCS(200, 300), VALS(1, 10));
	pb_sample(a, LOCS(100), VALS(2, 20));

	PbProfile *u = dump(MERGE(load(a)));
	ck_assert_str_eq(render_mappings(u), "1 0x400000-0x500000+0 /bin/app \n"
	                                     "2 0x7f0000-0x7f1000+0 lib.so \n");
	ck_assert_str_eq(render_functions(u), "1 b///0\n2 a///0\n3 c///0\n");
	ck_assert_str_eq(render_locations(u), "1 m1 0x400200 [1:2]\n"
	                                      "2 m2 0x7f0300 [2:1]\n"
	                                      "3 m1 0x400100 [3:3]\n");
	ck_assert_str_eq(render_samples(u), "1,2 = 1,10\n3 = 2,20\n");
}
END_TEST

START_TEST(test_unreferenced_objects_not_written)
{
	PbProfile *a = pb_small(1, 1);
	pprof_profile *out;

	pb_mapping(a, 1, 0x400000, 0x500000, 0, "/bin/app", NULL); /* first: kept */
	pb_mapping(a, 2, 0x600000, 0x601000, 0, "unused.so", NULL);
	pb_fn(a, 4, "unused_fn");
	pb_fn(a, 5, "only_in_unused_location");
	pb_loc(a, 4, 5, 1);
	pb_line(pb_location(a, 5, 2, 0x600010), 1, 10);
	out = MERGE(load(a));
	ck_assert_uint_eq(pprof_profile_mapping_count(out), 1);
	ck_assert_uint_eq(pprof_profile_function_count(out), 3);
	ck_assert_uint_eq(pprof_profile_location_count(out), 3);
	ck_assert_str_eq(render_functions(dump(out)), "1 work///0\n2 main///0\n3 idle///0\n");
}
END_TEST

START_TEST(test_merge_nothing_is_empty)
{
	pprof_merger *m = merger();
	pprof_profile *out = finish_ok(m);

	ck_assert_uint_eq(pprof_merger_count(m), 0);
	ck_assert_uint_eq(pprof_profile_sample_count(out), 0);
	ck_assert_uint_eq(pprof_profile_sample_type_count(out), 0);
	ck_assert_uint_eq(pprof_profile_location_count(out), 0);
	ck_assert_uint_eq(pprof_profile_function_count(out), 0);
	ck_assert_uint_eq(pprof_profile_mapping_count(out), 0);
	ck_assert_uint_eq(pprof_profile_string_count(out), 1);
	ck_assert_str_eq(pprof_profile_period_type(out, NULL), "");
	ck_assert_int_eq(pprof_profile_duration_nanos(out), 0);
	/* And it reads back. */
	load_buf(write_profile(out, 6));
}
END_TEST

START_TEST(test_values_wrap_like_int64)
{
	/* pprof sums int64 values without overflow checks: they wrap. */
	PbProfile *a = pb_small(INT64_MAX, INT64_MIN), *b = pb_small(1, INT64_MIN);
	PbProfile *u;

	a->sample[0]->value[1] = 1;
	b->sample[0]->value[1] = 1;
	a->sample[1]->value[1] = 0;
	b->sample[1]->value[1] = 0;
	u = dump(MERGE(load(a), load(b)));
	/* INT64_MAX + 1 wraps to INT64_MIN; INT64_MIN + INT64_MIN wraps to 0,
	 * an all-zero sample, which is dropped. */
	ck_assert_str_eq(render_stacks(u), "work;main = -9223372036854775808,2\n");
}
END_TEST

/* ---- merger lifecycle ------------------------------------------------- */

START_TEST(test_merger_count)
{
	pprof_merger *m = merger();
	PbProfile *wall = pb_small(1, 1);

	pb_period_type(wall, "wall", "nanoseconds");
	ck_assert_uint_eq(pprof_merger_count(m), 0);
	add_ok(m, load(pb_small(1, 1)), 0);
	ck_assert_uint_eq(pprof_merger_count(m), 1);
	ck_assert_int_eq(pprof_merger_add(m, load(wall), 0), PPROF_ERR_MISMATCH);
	ck_assert_uint_eq(pprof_merger_count(m), 1);
	add_ok(m, load(pb_small(1, 1)), PPROF_MERGE_SUBTRACT);
	ck_assert_uint_eq(pprof_merger_count(m), 2);
}
END_TEST

START_TEST(test_merger_reusable_after_finish)
{
	pprof_merger *m = merger();
	pprof_profile *b = load(pb_small(7, 8));
	PbProfile *wall = pb_small(1, 1);

	add_ok(m, load(pb_small(1, 2)), 0);
	finish_ok(m);
	ck_assert_uint_eq(pprof_merger_count(m), 0);
	/* Starts afresh: another period type is no mismatch now. */
	pb_period_type(wall, "wall", "nanoseconds");
	add_ok(m, load(wall), 0);
	finish_ok(m);
	add_ok(m, b, 0);
	assert_same_bytes(write_profile(finish_ok(m), 6), write_profile(MERGE(b), 6));
}
END_TEST

START_TEST(test_merger_reusable_after_finish_with_cancelled_samples)
{
	/* A finish that had to drop cancelled samples resets the merger like
	 * any other finish. */
	pprof_merger *m = merger();
	pprof_profile *a = load(pb_small(3, 4)), *b = load(pb_small(7, 8));

	add_ok(m, a, 0);
	add_ok(m, load(pb_small(3, 1)), PPROF_MERGE_SUBTRACT);
	ck_assert_str_eq(render_stacks(dump(finish_ok(m))), "idle;main = 3,30\n");
	add_ok(m, b, 0);
	ck_assert_uint_eq(pprof_merger_count(m), 1);
	assert_same_bytes(write_profile(finish_ok(m), 6), write_profile(MERGE(b), 6));
}
END_TEST

/* ---- determinism and associativity ------------------------------------ */

/* Three profiles that overlap: shared and own stacks, labels, the binary at
 * different addresses. */
static pprof_profile *assoc_profile(int which)
{
	const uint64_t base[] = { 0x400000, 0x7f0000000000, 0x555555554000 };
	PbProfile *p = pb_cpu();
	PbSample *s;

	pb_mapping(p, 1, base[which], base[which] + 0x10000, 0, "/bin/app", "bid");
	pb_fn(p, 1, "main");
	pb_fn(p, 2, "work");
	pb_fn(p, 3 + which, which == 0 ? "a" : which == 1 ? "b" : "c");
	pb_line(pb_location(p, 1, 1, base[which] + 0x100), 1, 10);
	pb_line(pb_location(p, 2, 1, base[which] + 0x200), 2, 20);
	pb_line(pb_location(p, 3, 1, base[which] + 0x300 + 0x10 * which), 3 + which, 30);
	s = pb_sample(p, LOCS(2, 1), VALS(1 + which, 10));
	pb_label(p, s, "endpoint", which == 1 ? "/b" : "/a");
	pb_sample(p, LOCS(3, 2, 1), VALS(which, 100 * which + 1));
	s = pb_sample(p, LOCS(1), VALS(5, 50));
	pb_numlabel(p, s, "bytes", 1024 * (which % 2), "bytes");
	p->duration_nanos = 1000 * (which + 1);
	p->time_nanos = 3000 - 1000 * which;
	pb_comment(p, which == 2 ? "two" : "shared");
	return load(p);
}

START_TEST(test_deterministic_output)
{
	pprof_profile *a = assoc_profile(0), *b = assoc_profile(1), *c = assoc_profile(2);
	buf *first = write_profile(MERGE(a, b, c), 6);

	assert_same_bytes(first, write_profile(MERGE(a, b, c), 6));
	assert_same_bytes(write_profile(MERGE(a, b, c), PPROF_UNCOMPRESSED),
	                  write_profile(MERGE(a, b, c), PPROF_UNCOMPRESSED));
}
END_TEST

START_TEST(test_associative)
{
	pprof_profile *a = assoc_profile(0), *b = assoc_profile(1), *c = assoc_profile(2);
	pprof_profile *flat = MERGE(a, b, c);
	pprof_profile *left = MERGE(MERGE(a, b), c);
	pprof_profile *right = MERGE(a, MERGE(b, c));
	PbProfile *uf = dump(flat), *ul = dump(left);
	size_t i;

	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(pprof_profile_total(left, i), pprof_profile_total(flat, i));
		ck_assert_int_eq(pprof_profile_total(right, i), pprof_profile_total(flat, i));
	}
	ck_assert_uint_eq(pprof_profile_sample_count(left), pprof_profile_sample_count(flat));
	ck_assert_uint_eq(pprof_profile_sample_count(right), pprof_profile_sample_count(flat));
	ck_assert_uint_eq(pprof_profile_location_count(right), pprof_profile_location_count(flat));
	ck_assert_uint_eq(pprof_profile_function_count(right), pprof_profile_function_count(flat));
	ck_assert_uint_eq(pprof_profile_mapping_count(right), pprof_profile_mapping_count(flat));
	ck_assert_int_eq(pprof_profile_duration_nanos(right), 6000);
	ck_assert_int_eq(pprof_profile_time_nanos(right), 1000);
	/* Left to right, even the order of everything is the same. */
	ck_assert_str_eq(render_stacks(ul), render_stacks(uf));
	ck_assert_str_eq(render_samples(ul), render_samples(uf));
	ck_assert_str_eq(render_locations(ul), render_locations(uf));
	ck_assert_str_eq(render_stacks(uf), "work;main {endpoint=/a} = 4,20\n"
	                                    "a;work;main = 0,1\n"
	                                    "main {bytes=0:bytes} = 10,100\n"
	                                    "work;main {endpoint=/b} = 2,10\n"
	                                    "b;work;main = 1,101\n"
	                                    "main {bytes=1024:bytes} = 5,50\n"
	                                    "c;work;main = 2,201\n");
}
END_TEST

/* A part of a merge: the inputs merged and finished with finish_part. */
static pprof_profile *merge_part(size_t n, pprof_profile *const *ps, const unsigned *flags)
{
	pprof_merger *m = merger();
	pprof_profile *out = NULL;
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		add_ok(m, ps[i], flags ? flags[i] : 0);
	rc = pprof_merger_finish_part(m, &out);
	ck_assert_msg(rc == PPROF_OK, "merger_finish_part: %d (%s)", rc, pprof_merger_error(m));
	return defer(out, profile_free_cb);
}

/* Samples that cancel out in one part and come back in the next keep the
 * place they had: the parts added in order with PPROF_MERGE_PART give the
 * bytes of one merge. A part made by pprof_merger_finish, which drops them,
 * or added without the flag, which skips them, gives other bytes. */
START_TEST(test_parts_in_order_same_as_one_merge)
{
	pprof_profile *a = assoc_profile(0), *b = assoc_profile(1), *c = assoc_profile(2);
	pprof_profile *all[] = { a, a, b, c, a };
	const unsigned flags[] = { 0, PPROF_MERGE_SUBTRACT, 0, PPROF_MERGE_SUBTRACT, 0 };
	buf *one = write_profile(merge(5, all, flags), PPROF_UNCOMPRESSED);
	pprof_profile *part1 = merge_part(2, all, flags),
		      *part2 = merge_part(3, all + 2, flags + 2);
	pprof_merger *m = merger();

	ck_assert_uint_gt(pprof_profile_sample_count(part1), 0); /* all zero, kept */
	add_ok(m, part1, PPROF_MERGE_PART);
	add_ok(m, part2, PPROF_MERGE_PART);
	assert_same_bytes(write_profile(finish_ok(m), PPROF_UNCOMPRESSED), one);

	add_ok(m, part1, 0);
	add_ok(m, part2, 0);
	ck_assert_msg(!buf_eq(write_profile(finish_ok(m), PPROF_UNCOMPRESSED), one),
	              "parts added without PPROF_MERGE_PART gave the same bytes");
	add_ok(m, merge(2, all, flags), 0);
	add_ok(m, merge(3, all + 2, flags + 2), 0);
	ck_assert_msg(!buf_eq(write_profile(finish_ok(m), PPROF_UNCOMPRESSED), one),
	              "parts made by pprof_merger_finish gave the same bytes");
}
END_TEST

Suite *merge_suite(void)
{
	Suite *s = suite_create("merge");
	TCase *tc = tl_tcase("compatibility");

	tcase_add_test(tc, test_incompatible_sample_types);
	tcase_add_test(tc, test_incompatible_period_types);
	tcase_add_test(tc, test_refused_add_leaves_result_unchanged);
	suite_add_tcase(s, tc);

	tc = tl_tcase("header");
	tcase_add_test(tc, test_header_duration_summed_period_max);
	tcase_add_test(tc, test_header_period_max_of_negative);
	tcase_add_test(tc, test_header_time_earliest_nonzero);
	tcase_add_test(tc, test_header_comments_union_in_order);
	tcase_add_test(tc, test_header_default_sample_type_and_doc_url_first_nonempty);
	tcase_add_test(tc, test_header_frames_from_first);
	suite_add_tcase(s, tc);

	tc = tl_tcase("keys");
	tcase_add_test(tc, test_function_key);
	tcase_add_test(tc, test_mapping_size_rounded_to_4k);
	tcase_add_test(tc, test_mapping_file_offset_in_key);
	tcase_add_test(tc, test_mapping_build_id_preferred_over_file);
	tcase_add_test(tc, test_mapping_without_file_or_build_id_shared);
	tcase_add_test(tc, test_first_mapping_stays_first);
	tcase_add_test(tc, test_first_mapping_from_first_profile_with_mappings);
	tcase_add_test(tc, test_location_rebased_onto_first_mapping);
	tcase_add_test(tc, test_location_key_lines_and_folded);
	tcase_add_test(tc, test_sample_same_stack_and_labels_summed);
	tcase_add_test(tc, test_sample_label_order_irrelevant);
	tcase_add_test(tc, test_sample_labels_distinguish);
	tcase_add_test(tc, test_sample_stack_order_matters);
	tcase_add_test(tc, test_sample_labels_sorted_string_then_numeric);
	tcase_add_test(tc, test_sample_repeated_key_keeps_value_order);
	tcase_add_test(tc, test_sample_empty_label_ignored);
	suite_add_tcase(s, tc);

	tc = tl_tcase("zero");
	tcase_add_test(tc, test_zero_input_samples_dropped);
	tcase_add_test(tc, test_subtract_cancels_and_compacts);
	tcase_add_test(tc, test_subtract_goes_negative);
	tcase_add_test(tc, test_subtract_everything);
	tcase_add_test(tc, test_mark_base_labels_samples);
	tcase_add_test(tc, test_diff_base_subtract_and_mark);
	suite_add_tcase(s, tc);

	tc = tl_tcase("result");
	tcase_add_test(tc, test_ids_dense_in_first_seen_order);
	tcase_add_test(tc, test_unreferenced_objects_not_written);
	tcase_add_test(tc, test_merge_nothing_is_empty);
	tcase_add_test(tc, test_values_wrap_like_int64);
	tcase_add_test(tc, test_merger_count);
	tcase_add_test(tc, test_merger_reusable_after_finish);
	tcase_add_test(tc, test_merger_reusable_after_finish_with_cancelled_samples);
	tcase_add_test(tc, test_deterministic_output);
	tcase_add_test(tc, test_associative);
	tcase_add_test(tc, test_parts_in_order_same_as_one_merge);
	suite_add_tcase(s, tc);
	return s;
}
