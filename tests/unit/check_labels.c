/*
 * check_labels.c - label edits (HACKING.md section 8, pprof-tag), one test per
 * rule: each edit as google/pprof's Profile methods would do it, the order
 * of edits, samples merged when their labels became equal, reserved keys,
 * refused arguments, and the profile's string table. Results are written,
 * unpacked and rendered as text (testlib.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "testlib.h"

static void edits_free_cb(void *e)
{
	pprof_label_edits_free(e);
}
static pprof_label_edits *edits(void)
{
	pprof_label_edits *e = pprof_label_edits_new();

	ck_assert_ptr_nonnull(e);
	return defer(e, edits_free_cb);
}

/* Asserts that an edit was accepted. */
#define OK(call)                                                      \
	do {                                                          \
		int rc_ = (call);                                     \
		ck_assert_msg(rc_ == PPROF_OK, "%s: %d", #call, rc_); \
	} while (0)

/* The profile p gives after the edits, written and read back. */
static PbProfile *apply(pprof_label_edits *e, pprof_profile *p)
{
	buf *b = write_profile(p, PPROF_UNCOMPRESSED);
	pprof_reader *r = pprof_reader_new_buffer(b->data, b->len);
	pprof_profile *out = NULL, *before;
	int rc;

	/* p stays the caller's (load defers its free): apply to a copy of it. */
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(pprof_reader_next(r, &out), PPROF_OK);
	pprof_reader_free(r);
	before = out;
	rc = pprof_label_edits_apply(e, &out);
	ck_assert_msg(rc == PPROF_OK, "apply: %d (%s)", rc, pprof_strerror(rc));
	ck_assert_ptr_ne(out, before);
	defer(out, profile_free_cb);
	return dump(out);
}

/* render_samples of p after the edits. */
static const char *tagged(pprof_label_edits *e, const PbProfile *p)
{
	return render_samples(apply(e, load(p)));
}

/*
 * Samples of one stack (main;work, ids 2,1 in, 1,2 out) with these labels
 * and values 1,10: sample 1 {host=a,bytes=64:bytes}, sample 2 {host=b},
 * sample 3 {} and sample 4 {bytes=8} (numeric, no unit).
 */
static PbProfile *four(void)
{
	PbProfile *p = pb_small(1, 1);
	PbSample *s1 = p->sample[0], *s2, *s3, *s4;

	p->sample[1]->location_id[0] = 2; /* main;work too */
	s2 = p->sample[1];
	s3 = pb_sample(p, LOCS(2, 1), VALS(1, 10));
	s4 = pb_sample(p, LOCS(2, 1), VALS(1, 10));
	pb_label(p, s1, "host", "a");
	pb_numlabel(p, s1, "bytes", 64, "bytes");
	pb_label(p, s2, "host", "b");
	(void)s3;
	pb_numlabel(p, s4, "bytes", 8, NULL);
	return p;
}

/* ---- each edit -------------------------------------------------------- */

START_TEST(test_set_replaces_string_values)
{
	pprof_label_edits *e = edits();
	PbProfile *p = four();

	pb_label(p, p->sample[0], "host", "a2"); /* host=[a a2] */
	OK(pprof_label_edits_set(e, "host", "web-1"));
	/* Every sample has host=web-1 alone; numeric labels stay. The samples
	 * without bytes became equal and were merged (pprof's SetLabel). */
	ck_assert_str_eq(tagged(e, p), "1,2 {host=web-1,bytes=64:bytes} = 1,10\n"
	                               "1,2 {host=web-1} = 2,20\n"
	                               "1,2 {host=web-1,bytes=8} = 1,10\n");
}
END_TEST

START_TEST(test_set_keeps_numeric_of_same_key)
{
	pprof_label_edits *e = edits();

	OK(pprof_label_edits_set(e, "bytes", "big"));
	ck_assert_str_eq(tagged(e, four()), "1,2 {bytes=big,host=a,bytes=64:bytes} = 1,10\n"
	                                    "1,2 {bytes=big,host=b} = 1,10\n"
	                                    "1,2 {bytes=big} = 1,10\n"
	                                    "1,2 {bytes=big,bytes=8} = 1,10\n");
}
END_TEST

START_TEST(test_add_appends_unless_present)
{
	pprof_label_edits *e = edits();

	OK(pprof_label_edits_add(e, "host", "b"));
	OK(pprof_label_edits_add(e, "host", "c"));
	ck_assert_str_eq(tagged(e, four()), "1,2 {host=a,host=b,host=c,bytes=64:bytes} = 1,10\n"
	                                    "1,2 {host=b,host=c} = 2,20\n"
	                                    "1,2 {host=b,host=c,bytes=8} = 1,10\n");
}
END_TEST

START_TEST(test_set_if_missing)
{
	pprof_label_edits *e = edits();

	/* host: only the samples without one; bytes: a numeric label counts. */
	OK(pprof_label_edits_set_if_missing(e, "host", "none"));
	OK(pprof_label_edits_set_if_missing(e, "bytes", "none"));
	ck_assert_str_eq(tagged(e, four()), "1,2 {host=a,bytes=64:bytes} = 1,10\n"
	                                    "1,2 {bytes=none,host=b} = 1,10\n"
	                                    "1,2 {bytes=none,host=none} = 1,10\n"
	                                    "1,2 {host=none,bytes=8} = 1,10\n");
}
END_TEST

START_TEST(test_set_if_missing_ignores_empty_labels)
{
	/* A label with neither string nor number nor unit is no label to pprof. */
	pprof_label_edits *e = edits();
	PbProfile *p = pb_small(1, 2);

	pb_label(p, p->sample[0], "host", NULL);
	OK(pprof_label_edits_set_if_missing(e, "host", "x"));
	ck_assert_str_eq(tagged(e, p), "1,2 {host=x} = 1,10\n3,2 {host=x} = 2,20\n");
}
END_TEST

START_TEST(test_num_replaces_numeric_values)
{
	pprof_label_edits *e = edits();
	PbProfile *p = four();

	pb_label(p, p->sample[1], "bytes", "str");
	OK(pprof_label_edits_num(e, "bytes", 4096, "bytes"));
	OK(pprof_label_edits_num(e, "n", -3, NULL));
	OK(pprof_label_edits_num(e, "z", 0, "ms"));
	ck_assert_str_eq(tagged(e, p),
	                 "1,2 {host=a,bytes=4096:bytes,n=-3,z=0:ms} = 1,10\n"
	                 "1,2 {bytes=str,host=b,bytes=4096:bytes,n=-3,z=0:ms} = 1,10\n"
	                 "1,2 {bytes=4096:bytes,n=-3,z=0:ms} = 2,20\n");
}
END_TEST

START_TEST(test_delete_string_and_numeric)
{
	pprof_label_edits *e = edits();
	PbProfile *p = four();

	pb_label(p, p->sample[3], "bytes", "str");
	OK(pprof_label_edits_delete(e, "bytes"));
	OK(pprof_label_edits_delete(e, "absent"));
	ck_assert_str_eq(tagged(e, p), "1,2 {host=a} = 1,10\n"
	                               "1,2 {host=b} = 1,10\n"
	                               "1,2 = 2,20\n");
}
END_TEST

START_TEST(test_rename_per_kind)
{
	pprof_label_edits *e = edits();
	PbProfile *p = four();

	/* Sample 1 gets the string label size=1, sample 2 the numeric size=9. */
	pb_label(p, p->sample[0], "size", "1");
	pb_numlabel(p, p->sample[1], "size", 9, "bytes");
	OK(pprof_label_edits_rename(e, "bytes", "size"));
	/* Sample 1: its numeric bytes become size; the string size=1 is of the
	 * other kind and stays. Sample 2 has no bytes: its size stays. Sample 4:
	 * bytes=8 becomes size=8. */
	ck_assert_str_eq(tagged(e, p), "1,2 {host=a,size=1,size=64:bytes} = 1,10\n"
	                               "1,2 {host=b,size=9:bytes} = 1,10\n"
	                               "1,2 = 1,10\n"
	                               "1,2 {size=8} = 1,10\n");
}
END_TEST

START_TEST(test_rename_replaces_same_kind)
{
	pprof_label_edits *e = edits();
	PbProfile *p = pb_small(1, 2);

	pb_label(p, p->sample[0], "old", "x");
	pb_label(p, p->sample[0], "old", "y");
	pb_label(p, p->sample[0], "new", "z");
	pb_numlabel(p, p->sample[0], "new", 5, NULL);
	pb_label(p, p->sample[1], "new", "z");
	OK(pprof_label_edits_rename(e, "old", "new"));
	OK(pprof_label_edits_rename(e, "same", "same"));
	ck_assert_str_eq(tagged(e, p), "1,2 {new=x,new=y,new=5} = 1,10\n"
	                               "3,2 {new=z} = 2,20\n");
}
END_TEST

START_TEST(test_keep)
{
	pprof_label_edits *e = edits();
	PbProfile *p = four();

	pb_label(p, p->sample[0], "other", "o");
	pb_numlabel(p, p->sample[1], "n", 1, NULL);
	OK(pprof_label_edits_keep(e, (const char *[]){ "bytes", "nothing" }, 2));
	ck_assert_str_eq(tagged(e, p), "1,2 {bytes=64:bytes} = 1,10\n"
	                               "1,2 = 2,20\n"
	                               "1,2 {bytes=8} = 1,10\n");
}
END_TEST

START_TEST(test_comment)
{
	pprof_label_edits *e = edits();
	PbProfile *p = pb_small(1, 2);

	pb_comment(p, "old");
	OK(pprof_label_edits_comment(e, "new"));
	OK(pprof_label_edits_comment(e, "old"));
	OK(pprof_label_edits_comment(e, "later"));
	ck_assert_str_eq(render_comments(apply(e, load(p))), "old,new,later");
	ck_assert_uint_eq(pprof_label_edits_count(e), 3);
}
END_TEST

/* ---- order, merging, reserved keys ------------------------------------ */

START_TEST(test_order_of_edits)
{
	pprof_label_edits *a = edits(), *b = edits();
	PbProfile *p = pb_small(1, 2);

	pb_label(p, p->sample[0], "host", "h");
	OK(pprof_label_edits_rename(a, "host", "node"));
	OK(pprof_label_edits_set(a, "host", "x"));
	OK(pprof_label_edits_set(b, "host", "x"));
	OK(pprof_label_edits_rename(b, "host", "node"));
	ck_assert_str_eq(tagged(a, p), "1,2 {host=x,node=h} = 1,10\n3,2 {host=x} = 2,20\n");
	ck_assert_str_eq(tagged(b, p), "1,2 {node=x} = 1,10\n3,2 {node=x} = 2,20\n");
}
END_TEST

START_TEST(test_equal_samples_merged_in_first_seen_order)
{
	/* Samples that differ only in a deleted label become one, values summed,
	 * at the place of the first; others keep their order. */
	pprof_label_edits *e = edits();
	PbProfile *p = pb_cpu();
	const char *workers[] = { "w0", "w1", "w0", "w2" };
	size_t i;

	pb_fn(p, 1, "main");
	pb_fn(p, 2, "work");
	pb_loc(p, 1, 1, 10);
	pb_loc(p, 2, 2, 20);
	for (i = 0; i < 4; i++) {
		PbSample *s =
			pb_sample(p, LOCS(2, 1), VALS((int64_t)i + 1, 100 * ((int64_t)i + 1)));
		pb_label(p, s, "worker", workers[i]);
		pb_label(p, s, "host", i == 1 ? "b" : "a");
	}
	pb_sample(p, LOCS(1), VALS(7, 70));
	OK(pprof_label_edits_delete(e, "worker"));
	ck_assert_str_eq(tagged(e, p), "1,2 {host=a} = 8,800\n"
	                               "1,2 {host=b} = 2,200\n"
	                               "2 = 7,70\n");
}
END_TEST

START_TEST(test_reserved_labels_untouched)
{
	/* A -diff_base profile's pprof::base labels survive --keep, and no edit
	 * can name them. */
	pprof_label_edits *e = edits();
	PbProfile *p = pb_small(1, 2);

	pb_label(p, p->sample[0], "pprof::base", "true");
	pb_label(p, p->sample[0], "host", "a");
	OK(pprof_label_edits_keep(e, (const char *[]){ "x" }, 1));
	ck_assert_str_eq(tagged(e, p), "1,2 {pprof::base=true} = 1,10\n3,2 = 2,20\n");
}
END_TEST

START_TEST(test_refused_arguments)
{
	pprof_label_edits *e = edits();

	ck_assert_int_eq(pprof_label_edits_set(e, "", "v"), PPROF_ERR_ARG);
	ck_assert_str_eq(pprof_label_edits_error(e), "empty key");
	ck_assert_int_eq(pprof_label_edits_set(e, "pprof::base", "false"), PPROF_ERR_ARG);
	ck_assert_str_eq(pprof_label_edits_error(e), "key 'pprof::base' is reserved: keys "
	                                             "starting with pprof:: are pprof's own");
	ck_assert_int_eq(pprof_label_edits_add(e, "pprof::x", "v"), PPROF_ERR_ARG);
	ck_assert_int_eq(pprof_label_edits_set_if_missing(e, "pprof::", "v"), PPROF_ERR_ARG);
	ck_assert_int_eq(pprof_label_edits_num(e, "pprof::n", 1, NULL), PPROF_ERR_ARG);
	ck_assert_int_eq(pprof_label_edits_delete(e, "pprof::base"), PPROF_ERR_ARG);
	ck_assert_int_eq(pprof_label_edits_delete(e, ""), PPROF_ERR_ARG);
	ck_assert_int_eq(pprof_label_edits_rename(e, "pprof::base", "b"), PPROF_ERR_ARG);
	ck_assert_int_eq(pprof_label_edits_rename(e, "a", "pprof::base"), PPROF_ERR_ARG);
	ck_assert_int_eq(pprof_label_edits_rename(e, "a", ""), PPROF_ERR_ARG);
	ck_assert_int_eq(pprof_label_edits_keep(e, (const char *[]){ "a", "" }, 2), PPROF_ERR_ARG);
	ck_assert_int_eq(pprof_label_edits_keep(e, (const char *[]){ "pprof::base" }, 1),
	                 PPROF_ERR_ARG);
	ck_assert_int_eq(pprof_label_edits_set(e, "k", ""), PPROF_ERR_ARG);
	ck_assert_str_eq(pprof_label_edits_error(e), "empty value for key 'k': pprof reads a "
	                                             "label with an empty value as no label");
	ck_assert_int_eq(pprof_label_edits_add(e, "k", ""), PPROF_ERR_ARG);
	ck_assert_int_eq(pprof_label_edits_set_if_missing(e, "k", ""), PPROF_ERR_ARG);
	ck_assert_int_eq(pprof_label_edits_num(e, "k", 0, NULL), PPROF_ERR_ARG);
	ck_assert_int_eq(pprof_label_edits_num(e, "k", 0, ""), PPROF_ERR_ARG);
	ck_assert_str_eq(pprof_label_edits_error(e), "numeric label 'k' of 0 needs a unit: "
	                                             "pprof reads 0 without a unit as no label");
	ck_assert_int_eq(pprof_label_edits_comment(e, ""), PPROF_ERR_ARG);
	ck_assert_str_eq(pprof_label_edits_error(e), "empty comment");
	/* Nothing refused was added; pprof:: inside a key is no prefix. */
	ck_assert_uint_eq(pprof_label_edits_count(e), 0);
	OK(pprof_label_edits_set(e, "my pprof::x", "v"));
	ck_assert_uint_eq(pprof_label_edits_count(e), 1);
}
END_TEST

/* ---- strings and profiles ---------------------------------------------- */

/* Appends s to the string table even if it is there already. */
static int64_t dup_str(PbProfile *p, const char *s)
{
	ProtobufCBinaryData *t = realloc(p->string_table, (p->n_string_table + 1) * sizeof(*t));

	ck_assert_ptr_nonnull(t);
	t[p->n_string_table].len = strlen(s);
	t[p->n_string_table].data = (uint8_t *)strdup(s);
	p->string_table = t;
	return (int64_t)p->n_string_table++;
}

START_TEST(test_duplicate_strings_in_table)
{
	/* Keys and values are compared by their bytes, not their indices. */
	pprof_label_edits *e = edits();
	PbProfile *p = pb_small(1, 2);

	pb_label(p, p->sample[0], "host", "a");
	pb_label(p, p->sample[1], "host", "a");
	p->sample[1]->label[0]->key = dup_str(p, "host");
	p->sample[1]->label[0]->str = dup_str(p, "a");
	OK(pprof_label_edits_add(e, "host", "a"));
	OK(pprof_label_edits_rename(e, "host", "h"));
	ck_assert_str_eq(tagged(e, p), "1,2 {h=a} = 1,10\n3,2 {h=a} = 2,20\n");
}
END_TEST

START_TEST(test_strings_reused_and_added)
{
	/* An edit's string that the profile has is not added again; new ones
	 * are, once each; unused ones are gone after the merge. The input
	 * stays as it was. */
	pprof_label_edits *e = edits();
	PbProfile *p = pb_small(1, 2);
	pprof_profile *in;
	size_t before;

	OK(pprof_label_edits_set(e, "main", "work"));
	OK(pprof_label_edits_set(e, "k", "v"));
	OK(pprof_label_edits_add(e, "k", "v2"));
	OK(pprof_label_edits_delete(e, "unused"));
	in = load(p);
	before = pprof_profile_string_count(in);
	ck_assert_str_eq(render_samples(apply(e, in)),
	                 "1,2 {k=v,k=v2,main=work} = 1,10\n3,2 {k=v,k=v2,main=work} = 2,20\n");
	ck_assert_uint_eq(pprof_profile_string_count(in), before);
}
END_TEST

START_TEST(test_input_unchanged_and_handle_reusable)
{
	/* The input of an apply is not changed; one edit list serves several
	 * profiles, and a profile can take several lists. */
	pprof_label_edits *e = edits(), *more = edits();
	PbProfile *p = four();
	pprof_profile *a = load(p), *b = load(p);
	buf *before = write_profile(a, PPROF_UNCOMPRESSED), *after;

	OK(pprof_label_edits_set(e, "host", "x"));
	OK(pprof_label_edits_comment(e, "tagged"));
	OK(pprof_label_edits_num(more, "n", 2, "ms"));
	ck_assert_str_eq(render_samples(apply(e, a)), render_samples(apply(e, b)));
	after = write_profile(a, PPROF_UNCOMPRESSED);
	ck_assert_uint_eq(after->len, before->len);
	ck_assert_mem_eq(after->data, before->data, before->len);
	a = load(apply(e, a));
	ck_assert_str_eq(render_samples(apply(more, a)),
	                 "1,2 {host=x,bytes=64:bytes,n=2:ms} = 1,10\n"
	                 "1,2 {host=x,n=2:ms} = 2,20\n"
	                 "1,2 {host=x,bytes=8,n=2:ms} = 1,10\n");
	ck_assert_str_eq(render_comments(apply(more, a)), "tagged");
}
END_TEST

START_TEST(test_zero_samples_dropped_empty_profile)
{
	pprof_label_edits *e = edits();
	pprof_profile *empty = pprof_profile_new_empty();

	defer(empty, profile_free_cb);
	OK(pprof_label_edits_set(e, "host", "x"));
	ck_assert_str_eq(tagged(e, pb_small(0, 2)), "1,2 {host=x} = 2,20\n");
	ck_assert_str_eq(render_samples(apply(e, empty)), "");
}
END_TEST

Suite *labels_suite(void)
{
	Suite *s = suite_create("labels");
	TCase *tc = tl_tcase("edits");

	tcase_add_test(tc, test_set_replaces_string_values);
	tcase_add_test(tc, test_set_keeps_numeric_of_same_key);
	tcase_add_test(tc, test_add_appends_unless_present);
	tcase_add_test(tc, test_set_if_missing);
	tcase_add_test(tc, test_set_if_missing_ignores_empty_labels);
	tcase_add_test(tc, test_num_replaces_numeric_values);
	tcase_add_test(tc, test_delete_string_and_numeric);
	tcase_add_test(tc, test_rename_per_kind);
	tcase_add_test(tc, test_rename_replaces_same_kind);
	tcase_add_test(tc, test_keep);
	tcase_add_test(tc, test_comment);
	suite_add_tcase(s, tc);

	tc = tl_tcase("rules");
	tcase_add_test(tc, test_order_of_edits);
	tcase_add_test(tc, test_equal_samples_merged_in_first_seen_order);
	tcase_add_test(tc, test_reserved_labels_untouched);
	tcase_add_test(tc, test_refused_arguments);
	suite_add_tcase(s, tc);

	tc = tl_tcase("profiles");
	tcase_add_test(tc, test_duplicate_strings_in_table);
	tcase_add_test(tc, test_strings_reused_and_added);
	tcase_add_test(tc, test_input_unchanged_and_handle_reusable);
	tcase_add_test(tc, test_zero_samples_dropped_empty_profile);
	suite_add_tcase(s, tc);
	return s;
}
