/*
 * check_encode.c - encode.c: a profile to bytes as protobuf-c writes them
 * (fields in number order, zeros left out), so that its output can be
 * compared byte for byte with protobuf-c's packer; through a small stage
 * that must be drained and grown on the way.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "testlib_internal.h"

/* A stage whose drain appends to out. */
typedef struct {
	pp_stage stage;
	buf *out;
	size_t drains;
} sink;

static bool drain_to_buf(pp_stage *s)
{
	sink *k = (sink *)s;

	buf_add(k->out, s->buf, s->len);
	s->len = 0;
	k->drains++;
	return true;
}

static bool drain_fails(pp_stage *s)
{
	(void)s;
	return false;
}

static void stage_free_cb(void *k)
{
	free(((sink *)k)->stage.buf);
	free(k);
}

/* A sink with room for cap bytes. */
static sink *new_sink(size_t cap, bool (*drain)(pp_stage *))
{
	sink *k = calloc(1, sizeof(*k));

	ck_assert_ptr_nonnull(k);
	k->stage.buf = malloc(cap);
	k->stage.cap = cap;
	k->stage.drain = drain;
	k->out = buf_new();
	return defer(k, stage_free_cb);
}

/* pb encoded by pp_encode through a stage of cap bytes. */
static buf *encode(const PbProfile *pb, size_t cap, size_t *drains)
{
	sink *k = new_sink(cap, drain_to_buf);

	ck_assert(pp_encode(pb, &k->stage));
	ck_assert(drain_to_buf(&k->stage));
	*drains = k->drains;
	return k->out;
}

/* A profile with every field set, some values negative or large. */
static PbProfile *pb_rich(void)
{
	PbProfile *p = pb_cpu();
	PbSample *s;

	pb_mapping(p, 1, 0x400000, 0x500000, 0x1000, "/bin/app", "build-1");
	pb_function(p, 1, "main", "main_sys", "main.go", 3);
	pb_function(p, 2, "work", NULL, "work.go", 0);
	pb_line(pb_line(pb_location(p, 1, 1, 0x401234), 2, 20), 1, 10);
	pb_loc(p, 2, 1, 11);
	s = pb_sample(p, LOCS(1, 2), VALS(1, -5));
	pb_label(p, s, "thread", "worker 1");
	pb_numlabel(p, s, "bytes", 1 << 20, "bytes");
	pb_sample(p, LOCS(2), VALS(1000000, INT64_MAX));
	pb_sample(p, NOLOCS, VALS(0, 0));
	pb_comment(p, "made by check_encode");
	p->drop_frames = pb_str(p, "runtime\\..*");
	p->keep_frames = pb_str(p, "main");
	p->time_nanos = 1700000000123456789;
	p->duration_nanos = 10000000000;
	p->default_sample_type = 3;
	p->doc_url = pb_str(p, "https://example.com/doc");
	return p;
}

START_TEST(test_bytes_are_protobuf_cs)
{
	PbProfile *pb = pb_rich();
	buf *want = pb_bytes(pb);
	size_t drains;
	buf *got = encode(pb, 1 << 16, &drains);

	ck_assert_uint_eq(got->len, want->len);
	ck_assert(memcmp(got->data, want->data, want->len) == 0);
}
END_TEST

START_TEST(test_small_stage_drains_and_grows)
{
	PbProfile *pb = pb_rich();
	buf *want = pb_bytes(pb);
	size_t drains;
	buf *got = encode(pb, 8, &drains);

	ck_assert_uint_gt(drains, 5);
	ck_assert_uint_eq(got->len, want->len);
	ck_assert(memcmp(got->data, want->data, want->len) == 0);
}
END_TEST

START_TEST(test_round_trip_through_the_reader)
{
	PbProfile *pb = pb_rich(), *u;
	size_t drains;

	u = dump(load_buf(encode(pb, 64, &drains)));
	ck_assert_str_eq(render_samples(u), render_samples(pb));
	ck_assert_str_eq(render_locations(u), render_locations(pb));
	ck_assert_str_eq(render_functions(u), render_functions(pb));
	ck_assert_str_eq(render_mappings(u), render_mappings(pb));
	ck_assert_str_eq(render_comments(u), "made by check_encode");
	ck_assert_int_eq(u->time_nanos, 1700000000123456789);
	ck_assert_str_eq(S(u, u->doc_url), "https://example.com/doc");
}
END_TEST

START_TEST(test_empty_profile_is_its_string_table)
{
	size_t drains;
	buf *got = encode(pb_new(), 64, &drains);

	/* Field 6 (string_table), length 0: the one string "". */
	ck_assert_uint_eq(got->len, 2);
	ck_assert_uint_eq(got->data[0], 0x32);
	ck_assert_uint_eq(got->data[1], 0x00);
}
END_TEST

START_TEST(test_failed_drain_fails)
{
	sink *k = new_sink(4, drain_fails);

	ck_assert(!pp_encode(pb_rich(), &k->stage));
}
END_TEST

Suite *encode_suite(void)
{
	Suite *s = suite_create("encode");
	TCase *tc = tl_tcase("encode");

	tcase_add_test(tc, test_bytes_are_protobuf_cs);
	tcase_add_test(tc, test_small_stage_drains_and_grows);
	tcase_add_test(tc, test_round_trip_through_the_reader);
	tcase_add_test(tc, test_empty_profile_is_its_string_table);
	tcase_add_test(tc, test_failed_drain_fails);
	suite_add_tcase(s, tc);
	return s;
}
