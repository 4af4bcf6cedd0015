/*
 * check_profile.c - profile.c: what a decoded profile must satisfy (HACKING.md section 6),
 * one test per rule, each checking the code and the whole error text (the
 * object, its 1-based position, the offending value); and the accessors of a
 * profile that passed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

/* Reading p packed fails with PPROF_ERR_DATA and "profile 1: <want>". */
static void assert_invalid(const PbProfile *p, const char *want)
{
	const char *msg;
	char full[512];

	ck_assert_int_eq(load_err(p, &msg), PPROF_ERR_DATA);
	snprintf(full, sizeof(full), "profile 1: %s", want);
	ck_assert_str_eq(msg, full);
}

/* Reading p fails because string index idx, used by what, is out of range. */
static void assert_bad_string(const PbProfile *p, const char *what, long long idx)
{
	char want[256];

	snprintf(want, sizeof(want), "%s: string index %lld out of range (%zu strings)", what, idx,
	         p->n_string_table);
	assert_invalid(p, want);
}

/* pb_small (8 strings: "", samples, count, cpu, nanoseconds, main, work,
 * idle) with a mapping, a comment, labels and everything else that holds a
 * string index, all valid. */
static PbProfile *full_profile(void)
{
	PbProfile *p = pb_small(1, 2);

	pb_mapping(p, 1, 0x400000, 0x500000, 0, "/bin/app", "abc123");
	p->location[0]->mapping_id = 1;
	p->location[0]->address = 0x401000;
	p->function[0]->system_name = pb_str(p, "main.main");
	p->function[0]->filename = pb_str(p, "main.go");
	pb_label(p, p->sample[0], "endpoint", "/api");
	pb_numlabel(p, p->sample[1], "bytes", 64, "bytes");
	pb_comment(p, "first");
	pb_comment(p, "second");
	p->drop_frames = pb_str(p, "runtime\\..*");
	p->keep_frames = pb_str(p, "main\\..*");
	p->default_sample_type = pb_str(p, "cpu");
	p->doc_url = pb_str(p, "https://example.com/doc");
	return p;
}

#define NSTR(p) ((int64_t)(p)->n_string_table)

START_TEST(test_full_profile_is_valid)
{
	pprof_profile *p = load(full_profile());

	ck_assert_uint_eq(pprof_profile_sample_count(p), 2);
	ck_assert_uint_eq(pprof_profile_mapping_count(p), 1);
}
END_TEST

/* ---- the string table ------------------------------------------------- */

START_TEST(test_string_table_empty)
{
	PbProfile *p = pb_new();

	p->n_string_table = 0; /* entry 0 owns no memory */
	p->period = 1;         /* something to encode: zero bytes is another error */
	assert_invalid(p, "string table is empty");
}
END_TEST

START_TEST(test_string_table_entry0_not_empty)
{
	PbProfile *p = pb_small(1, 1);

	p->string_table[0].data = (uint8_t *)strdup("x");
	p->string_table[0].len = 1;
	assert_invalid(p, "string table entry 0 is not empty");
}
END_TEST

START_TEST(test_string_index_last_is_in_range)
{
	PbProfile *p = full_profile();

	p->doc_url = NSTR(p) - 1;
	load(p);
}
END_TEST

START_TEST(test_string_index_sample_type)
{
	PbProfile *p = full_profile();

	p->sample_type[1]->type = NSTR(p); /* one past the end */
	assert_bad_string(p, "sample type 2", NSTR(p));
	p = full_profile();
	p->sample_type[0]->unit = 99;
	assert_bad_string(p, "sample type 1", 99);
}
END_TEST

START_TEST(test_string_index_negative)
{
	PbProfile *p = full_profile();

	p->sample_type[0]->type = -1;
	assert_bad_string(p, "sample type 1", -1);
}
END_TEST

START_TEST(test_string_index_period_type)
{
	PbProfile *p = full_profile();

	p->period_type->type = 100;
	assert_bad_string(p, "period type", 100);
	p = full_profile();
	p->period_type->unit = NSTR(p);
	assert_bad_string(p, "period type", NSTR(p));
}
END_TEST

START_TEST(test_string_index_label_key)
{
	PbProfile *p = full_profile();

	p->sample[1]->label[0]->key = 50;
	assert_bad_string(p, "sample 2", 50);
}
END_TEST

START_TEST(test_string_index_label_str)
{
	PbProfile *p = full_profile();

	p->sample[0]->label[0]->str = 51;
	assert_bad_string(p, "sample 1", 51);
}
END_TEST

START_TEST(test_string_index_label_unit)
{
	PbProfile *p = full_profile();

	p->sample[1]->label[0]->num_unit = 52;
	assert_bad_string(p, "sample 2", 52);
}
END_TEST

START_TEST(test_string_index_function_name)
{
	PbProfile *p = full_profile();

	p->function[2]->name = 60;
	assert_bad_string(p, "function 3", 60);
}
END_TEST

START_TEST(test_string_index_function_system_name)
{
	PbProfile *p = full_profile();

	p->function[1]->system_name = 61;
	assert_bad_string(p, "function 2", 61);
}
END_TEST

START_TEST(test_string_index_function_filename)
{
	PbProfile *p = full_profile();

	p->function[0]->filename = 62;
	assert_bad_string(p, "function 1", 62);
}
END_TEST

START_TEST(test_string_index_mapping_filename)
{
	PbProfile *p = full_profile();

	pb_mapping(p, 2, 0x600000, 0x601000, 0, "lib.so", NULL)->filename = 70;
	assert_bad_string(p, "mapping 2", 70);
}
END_TEST

START_TEST(test_string_index_mapping_build_id)
{
	PbProfile *p = full_profile();

	p->mapping[0]->build_id = 71;
	assert_bad_string(p, "mapping 1", 71);
}
END_TEST

START_TEST(test_string_index_comment)
{
	PbProfile *p = full_profile();

	p->comment[1] = 80;
	assert_bad_string(p, "comment 2", 80);
}
END_TEST

START_TEST(test_string_index_drop_frames)
{
	PbProfile *p = full_profile();

	p->drop_frames = 81;
	assert_bad_string(p, "drop_frames", 81);
}
END_TEST

START_TEST(test_string_index_keep_frames)
{
	PbProfile *p = full_profile();

	p->keep_frames = 82;
	assert_bad_string(p, "keep_frames", 82);
}
END_TEST

START_TEST(test_string_index_default_sample_type)
{
	PbProfile *p = full_profile();

	p->default_sample_type = 83;
	assert_bad_string(p, "default_sample_type", 83);
}
END_TEST

START_TEST(test_string_index_doc_url)
{
	PbProfile *p = full_profile();

	p->doc_url = NSTR(p);
	assert_bad_string(p, "doc_url", NSTR(p));
}
END_TEST

/* ---- ids -------------------------------------------------------------- */

START_TEST(test_mapping_id_zero)
{
	PbProfile *p = full_profile();

	pb_mapping(p, 0, 0x600000, 0x601000, 0, "lib.so", NULL);
	assert_invalid(p, "mapping 2: id is zero");
}
END_TEST

START_TEST(test_function_id_zero)
{
	PbProfile *p = full_profile();

	p->function[1]->id = 0;
	assert_invalid(p, "function 2: id is zero");
}
END_TEST

START_TEST(test_location_id_zero)
{
	PbProfile *p = full_profile();

	pb_loc(p, 0, 1, 5);
	assert_invalid(p, "location 4: id is zero");
}
END_TEST

START_TEST(test_mapping_id_duplicate)
{
	PbProfile *p = full_profile();

	pb_mapping(p, 1, 0x600000, 0x601000, 0, "lib.so", NULL);
	assert_invalid(p, "mapping 2: id 1 is not unique");
}
END_TEST

START_TEST(test_function_id_duplicate)
{
	PbProfile *p = full_profile();

	pb_fn(p, 2, "other");
	assert_invalid(p, "function 4: id 2 is not unique");
}
END_TEST

START_TEST(test_location_id_duplicate)
{
	PbProfile *p = full_profile();

	p->location[2]->id = 1;
	assert_invalid(p, "location 3: id 1 is not unique");
}
END_TEST

/* ---- references ------------------------------------------------------- */

START_TEST(test_location_missing_mapping)
{
	PbProfile *p = full_profile();

	p->location[1]->mapping_id = 7;
	assert_invalid(p, "location 2: mapping id 7 does not exist");
}
END_TEST

START_TEST(test_line_missing_function)
{
	PbProfile *p = full_profile();

	pb_line(p->location[1], 9, 1); /* its second line */
	assert_invalid(p, "location 2: line 2: function id 9 does not exist");
}
END_TEST

START_TEST(test_line_function_id_zero)
{
	PbProfile *p = full_profile();

	p->location[2]->line[0]->function_id = 0;
	assert_invalid(p, "location 3: line 1: function id 0 does not exist");
}
END_TEST

START_TEST(test_sample_missing_location)
{
	PbProfile *p = full_profile();

	p->sample[1]->location_id[1] = 42;
	assert_invalid(p, "sample 2: location id 42 does not exist");
}
END_TEST

START_TEST(test_sample_location_id_zero)
{
	PbProfile *p = full_profile();

	p->sample[0]->location_id[0] = 0;
	assert_invalid(p, "sample 1: location id 0 does not exist");
}
END_TEST

START_TEST(test_sample_too_few_values)
{
	PbProfile *p = full_profile();

	p->sample[0]->n_value = 1;
	assert_invalid(p, "sample 1: has 1 values for 2 sample types");
}
END_TEST

START_TEST(test_sample_too_many_values)
{
	PbProfile *p = full_profile();

	pb_sample(p, LOCS(1), VALS(1, 2, 3));
	assert_invalid(p, "sample 3: has 3 values for 2 sample types");
}
END_TEST

START_TEST(test_sample_values_without_sample_types)
{
	PbProfile *p = pb_new();

	pb_fn(p, 1, "main");
	pb_loc(p, 1, 1, 1);
	pb_sample(p, LOCS(1), VALS(5));
	assert_invalid(p, "sample 1: has 1 values for 0 sample types");
}
END_TEST

/* ---- malformed protobuf ----------------------------------------------- */

static void assert_malformed(const buf *b)
{
	const char *msg;

	ck_assert_int_eq(read_all(b, &msg), PPROF_ERR_DATA);
	ck_assert_str_eq(msg, "profile 1: not a valid profile.proto message (malformed protobuf)");
}

START_TEST(test_malformed_protobuf)
{
	buf *junk = buf_new();
	buf *whole = pb_bytes(full_profile());

	/* field 1 (sample_type), length 127: runs past the end */
	buf_add(junk, "\x0a\x7f\x08\x01", 4);
	assert_malformed(junk);
	/* a valid message cut short */
	assert_malformed(buf_prefix(whole, whole->len - 1));
	/* the same, gzip'd: the position prefix is the same */
	{
		buf *cut = buf_prefix(whole, whole->len - 1);
		assert_malformed(gz(cut->data, cut->len, 6));
	}
}
END_TEST

START_TEST(test_malformed_wire_type)
{
	buf *b = buf_new();

	/* field 1 with wire type 7, which does not exist */
	buf_add(b, "\x0f\x01", 2);
	assert_malformed(b);
}
END_TEST

/* ---- sparse ids ------------------------------------------------------- */

#define BIG ((uint64_t)1 << 63)

static PbProfile *sparse_profile(void)
{
	PbProfile *p = pb_cpu();

	pb_mapping(p, 1000000, 0x400000, 0x500000, 0, "/bin/app", NULL);
	pb_mapping(p, BIG, 0x700000, 0x710000, 0, "lib.so", NULL);
	pb_mapping(p, 1, 0x800000, 0x801000, 0, "vdso", NULL);
	pb_fn(p, BIG, "main");
	pb_fn(p, 1, "work");
	pb_fn(p, 1000000, "leaf");
	pb_line(pb_location(p, 1, 1000000, 0x401000), BIG, 10);
	pb_line(pb_location(p, BIG, BIG, 0x700100), 1, 20);
	pb_line(pb_location(p, UINT64_MAX, 1, 0x800010), 1000000, 30);
	pb_sample(p, LOCS(UINT64_MAX, BIG, 1), VALS(1, 100));
	pb_sample(p, LOCS(BIG, 1), VALS(2, 200));
	return p;
}

START_TEST(test_sparse_ids_work)
{
	pprof_profile *p = load(sparse_profile());
	PbProfile *u;

	ck_assert_uint_eq(pprof_profile_location_count(p), 3);
	ck_assert_int_eq(pprof_profile_total(p, 1), 300);
	/* Merging follows every reference: ids are resolved right. */
	u = dump(MERGE(p));
	ck_assert_str_eq(render_stacks(u), "leaf;work;main = 1,100\nwork;main = 2,200\n");
	ck_assert_str_eq(render_samples(u), "1,2,3 = 1,100\n2,3 = 2,200\n");
	ck_assert_str_eq(render_mappings(u), "1 0x400000-0x500000+0 /bin/app \n"
	                                     "2 0x800000-0x801000+0 vdso \n"
	                                     "3 0x700000-0x710000+0 lib.so \n");
}
END_TEST

START_TEST(test_sparse_id_duplicate)
{
	PbProfile *p = sparse_profile();

	pb_fn(p, BIG, "again");
	assert_invalid(p, "function 4: id 9223372036854775808 is not unique");
}
END_TEST

START_TEST(test_sparse_id_missing)
{
	PbProfile *p = sparse_profile();

	p->sample[1]->location_id[0] = BIG + 1;
	assert_invalid(p, "sample 2: location id 9223372036854775809 does not exist");
}
END_TEST

START_TEST(test_sparse_location_missing_mapping)
{
	PbProfile *p = sparse_profile();

	p->location[0]->mapping_id = 999999;
	assert_invalid(p, "location 1: mapping id 999999 does not exist");
}
END_TEST

/* ---- accessors -------------------------------------------------------- */

START_TEST(test_accessors)
{
	PbProfile *b = full_profile();
	pprof_profile *p;
	const char *unit = NULL;

	b->time_nanos = 1700000000000000000;
	b->duration_nanos = 30000000000;
	p = load(b);
	ck_assert_uint_eq(pprof_profile_sample_count(p), 2);
	ck_assert_uint_eq(pprof_profile_location_count(p), 3);
	ck_assert_uint_eq(pprof_profile_function_count(p), 3);
	ck_assert_uint_eq(pprof_profile_mapping_count(p), 1);
	ck_assert_uint_eq(pprof_profile_string_count(p), b->n_string_table);
	ck_assert_uint_eq(pprof_profile_sample_type_count(p), 2);
	/* Strings come back as C strings of exactly their bytes. */
	ck_assert_str_eq(pprof_profile_sample_type(p, 0, &unit), "samples");
	ck_assert_str_eq(unit, "count");
	ck_assert_str_eq(pprof_profile_sample_type(p, 1, &unit), "cpu");
	ck_assert_str_eq(unit, "nanoseconds");
	ck_assert_ptr_null(pprof_profile_sample_type(p, 2, &unit));
	ck_assert_str_eq(pprof_profile_period_type(p, &unit), "cpu");
	ck_assert_str_eq(unit, "nanoseconds");
	ck_assert_int_eq(pprof_profile_period(p), 10000000);
	ck_assert_int_eq(pprof_profile_time_nanos(p), 1700000000000000000);
	ck_assert_int_eq(pprof_profile_duration_nanos(p), 30000000000);
	ck_assert_int_eq(pprof_profile_total(p, 0), 3);
	ck_assert_int_eq(pprof_profile_total(p, 1), 30);
	ck_assert_int_eq(pprof_profile_total(p, 2), 0);
}
END_TEST

START_TEST(test_accessors_no_period_type)
{
	PbProfile *b = pb_small(1, 1);
	const char *unit = NULL;
	pprof_profile *p;

	perftools__profiles__value_type__free_unpacked(b->period_type, NULL);
	b->period_type = NULL;
	p = load(b);
	ck_assert_str_eq(pprof_profile_period_type(p, &unit), "");
	ck_assert_str_eq(unit, "");
	ck_assert_str_eq(pprof_profile_period_type(p, NULL), "");
}
END_TEST

START_TEST(test_total_wraps)
{
	PbProfile *b = pb_small(INT64_MAX, 1);
	pprof_profile *p;

	b->sample[0]->value[1] = 1;
	p = load(b);
	ck_assert_int_eq(pprof_profile_total(p, 0), INT64_MIN);
}
END_TEST

START_TEST(test_empty_profile)
{
	pprof_profile *p = defer(pprof_profile_new_empty(), profile_free_cb);
	const char *unit = NULL;

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(pprof_profile_sample_count(p), 0);
	ck_assert_uint_eq(pprof_profile_sample_type_count(p), 0);
	ck_assert_uint_eq(pprof_profile_string_count(p), 1);
	ck_assert_str_eq(pprof_profile_period_type(p, &unit), "");
	ck_assert_int_eq(pprof_profile_total(p, 0), 0);
	/* It is a valid profile: written and read back. */
	load_buf(write_profile(p, 6));
	pprof_profile_free(NULL); /* does nothing */
}
END_TEST

START_TEST(test_strerror_and_versions)
{
	ck_assert_str_eq(pprof_strerror(PPROF_OK), "success");
	ck_assert_str_eq(pprof_strerror(PPROF_ERR_DATA), "malformed profile data");
	ck_assert_str_eq(pprof_strerror(PPROF_ERR_LIMIT), "size limit exceeded");
	ck_assert_str_eq(pprof_strerror(12345), "unknown error");
	ck_assert_str_eq(pprof_version(), PPROF_VERSION);
	ck_assert_str_ne(pprof_zlib_version(), "");
	ck_assert_str_ne(pprof_protobuf_c_version(), "");
}
END_TEST

Suite *profile_suite(void)
{
	Suite *s = suite_create("profile");
	TCase *tc = tl_tcase("strings");

	tcase_add_test(tc, test_full_profile_is_valid);
	tcase_add_test(tc, test_string_table_empty);
	tcase_add_test(tc, test_string_table_entry0_not_empty);
	tcase_add_test(tc, test_string_index_last_is_in_range);
	tcase_add_test(tc, test_string_index_sample_type);
	tcase_add_test(tc, test_string_index_negative);
	tcase_add_test(tc, test_string_index_period_type);
	tcase_add_test(tc, test_string_index_label_key);
	tcase_add_test(tc, test_string_index_label_str);
	tcase_add_test(tc, test_string_index_label_unit);
	tcase_add_test(tc, test_string_index_function_name);
	tcase_add_test(tc, test_string_index_function_system_name);
	tcase_add_test(tc, test_string_index_function_filename);
	tcase_add_test(tc, test_string_index_mapping_filename);
	tcase_add_test(tc, test_string_index_mapping_build_id);
	tcase_add_test(tc, test_string_index_comment);
	tcase_add_test(tc, test_string_index_drop_frames);
	tcase_add_test(tc, test_string_index_keep_frames);
	tcase_add_test(tc, test_string_index_default_sample_type);
	tcase_add_test(tc, test_string_index_doc_url);
	suite_add_tcase(s, tc);

	tc = tl_tcase("ids");
	tcase_add_test(tc, test_mapping_id_zero);
	tcase_add_test(tc, test_function_id_zero);
	tcase_add_test(tc, test_location_id_zero);
	tcase_add_test(tc, test_mapping_id_duplicate);
	tcase_add_test(tc, test_function_id_duplicate);
	tcase_add_test(tc, test_location_id_duplicate);
	tcase_add_test(tc, test_sparse_ids_work);
	tcase_add_test(tc, test_sparse_id_duplicate);
	tcase_add_test(tc, test_sparse_id_missing);
	tcase_add_test(tc, test_sparse_location_missing_mapping);
	suite_add_tcase(s, tc);

	tc = tl_tcase("references");
	tcase_add_test(tc, test_location_missing_mapping);
	tcase_add_test(tc, test_line_missing_function);
	tcase_add_test(tc, test_line_function_id_zero);
	tcase_add_test(tc, test_sample_missing_location);
	tcase_add_test(tc, test_sample_location_id_zero);
	tcase_add_test(tc, test_sample_too_few_values);
	tcase_add_test(tc, test_sample_too_many_values);
	tcase_add_test(tc, test_sample_values_without_sample_types);
	suite_add_tcase(s, tc);

	tc = tl_tcase("protobuf");
	tcase_add_test(tc, test_malformed_protobuf);
	tcase_add_test(tc, test_malformed_wire_type);
	suite_add_tcase(s, tc);

	tc = tl_tcase("accessors");
	tcase_add_test(tc, test_accessors);
	tcase_add_test(tc, test_accessors_no_period_type);
	tcase_add_test(tc, test_total_wraps);
	tcase_add_test(tc, test_empty_profile);
	tcase_add_test(tc, test_strerror_and_versions);
	suite_add_tcase(s, tc);
	return s;
}
