/*
 * check_writer.c - the writer: raw protobuf byte for byte as protobuf-c packs
 * it, gzip members the reader reads back, levels, sinks that fail; and real
 * profiles from tests/data through reader, merger, writer and reader again.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "testlib.h"

static void writer_free_cb(void *w)
{
	pprof_writer_free(w);
}
static void reader_free_cb(void *r)
{
	pprof_reader_free(r);
}
static void assert_same_bytes(const buf *a, const buf *b)
{
	size_t i;

	for (i = 0; i < a->len && i < b->len && a->data[i] == b->data[i]; i++)
		;
	ck_assert_msg(a->len == b->len && i == a->len,
	              "outputs differ (%zu and %zu bytes, first at offset %zu)", a->len, b->len, i);
}

/* A profile that uses every field, with negative, large and zero values. */
static PbProfile *rich_profile(void)
{
	PbProfile *p = pb_cpu();
	PbMapping *m;
	PbLocation *l;
	PbSample *s;

	m = pb_mapping(p, 1, 0x400000, 0x4a0000, 0x1000, "/bin/app", "0123abcd");
	m->has_filenames = m->has_line_numbers = m->has_inline_frames = 1;
	pb_mapping(p, 2, 0x7f0000000000, 0x7f0000100000, 0, "libc.so.6", NULL);
	pb_function(p, 1, "main.main", "main.main", "main.go", 12);
	pb_function(p, 2, "main.work", "main.work·f", "work.go", -1);
	pb_function(p, 300, "memcpy", NULL, NULL, 0);
	l = pb_location(p, 1, 1, 0x401234);
	pb_line(l, 2, 40);
	pb_line(l, 1, 20);
	l->line[0]->column = 7;
	pb_line(pb_location(p, 2, 1, 0x400010), 1, 13);
	pb_line(pb_location(p, 5000, 2, 0x7f0000000100), 300, 0)->is_folded = 1;
	pb_location(p, 6, 0, 0xdead); /* no lines */
	s = pb_sample(p, LOCS(5000, 1, 2), VALS(3, 30000000));
	pb_label(p, s, "endpoint", "/api/search");
	pb_numlabel(p, s, "bytes", -4096, "bytes");
	pb_numlabel(p, s, "zero", 0, "count");
	s = pb_sample(p, LOCS(6, 2), VALS(-1, INT64_MIN));
	pb_label(p, s, "thread", "worker-1");
	pb_sample(p, LOCS(2), VALS(INT64_MAX, 0));
	pb_sample(p, NOLOCS, VALS(1, 1));
	pb_comment(p, "comment one");
	pb_comment(p, "comment two");
	p->drop_frames = pb_str(p, "runtime\\..*");
	p->keep_frames = pb_str(p, "keep");
	p->time_nanos = -5;
	p->duration_nanos = 1LL << 40;
	p->period = 10000000;
	p->default_sample_type = pb_str(p, "cpu");
	p->doc_url = pb_str(p, "https://example.com/doc");
	pb_str(p, "a string nothing refers to");
	return p;
}

/* A profile of about size bytes: many samples and one long string. */
static PbProfile *big_profile(size_t nsamples, size_t string_len)
{
	PbProfile *p = pb_cpu();
	char *text = malloc(string_len + 1);
	size_t i;

	ck_assert_ptr_nonnull(text);
	defer(text, free);
	srand(7);
	for (i = 0; i < string_len; i++)
		text[i] = (char)('a' + rand() % 26);
	text[string_len] = '\0';
	pb_comment(p, text);
	pb_fn(p, 1, "main");
	for (i = 1; i <= 100; i++)
		pb_loc(p, i, 1, (int64_t)i);
	for (i = 0; i < nsamples; i++) {
		PbSample *s = pb_sample(p, LOCS(1 + i % 100, 1 + (i / 100) % 100, 1),
		                        VALS((int64_t)i, (int64_t)i * 1000003));
		pb_numlabel(p, s, "i", (int64_t)i, NULL);
	}
	return p;
}

/* ---- raw protobuf ------------------------------------------------------ */

START_TEST(test_raw_is_protobuf_c_packing)
{
	/* Decoding and encoding again gives protobuf-c's own bytes. */
	PbProfile *p = rich_profile();
	buf *raw = pb_bytes(p);

	assert_same_bytes(write_profile(load_buf(raw), PPROF_UNCOMPRESSED), raw);
}
END_TEST

START_TEST(test_raw_without_period_type)
{
	PbProfile *p = pb_small(1, 2);
	buf *raw;

	perftools__profiles__value_type__free_unpacked(p->period_type, NULL);
	p->period_type = NULL;
	raw = pb_bytes(p);
	assert_same_bytes(write_profile(load_buf(raw), PPROF_UNCOMPRESSED), raw);
}
END_TEST

START_TEST(test_raw_large_profile)
{
	/* Bigger than any staging buffer, with one string bigger still. */
	PbProfile *p = big_profile(30000, 700 * 1024);
	buf *raw = pb_bytes(p);
	pprof_profile *loaded = load_buf(raw);

	ck_assert_uint_gt(raw->len, 1 << 20);
	assert_same_bytes(write_profile(loaded, PPROF_UNCOMPRESSED), raw);
	/* gzip'd, it reads back to the same profile. */
	assert_same_bytes(write_profile(load_buf(write_profile(loaded, 1)), PPROF_UNCOMPRESSED),
	                  raw);
}
END_TEST

START_TEST(test_raw_merged_profile_reads_back)
{
	/* What the merger builds (shared stacks and label sets) encodes to a
	 * message protobuf-c unpacks and libpprof accepts. */
	pprof_profile *a = load(rich_profile());
	pprof_profile *merged = MERGE(a, a);
	buf *raw = write_profile(merged, PPROF_UNCOMPRESSED);
	pprof_profile *back = load_buf(raw);

	ck_assert_str_eq(render_stacks(dump(back)), render_stacks(dump(merged)));
	ck_assert_int_eq(pprof_profile_total(back, 1), pprof_profile_total(merged, 1));
	assert_same_bytes(write_profile(back, PPROF_UNCOMPRESSED), raw);
	/* protobuf-c packs the unpacked message to the same bytes. */
	assert_same_bytes(pb_bytes(dump(merged)), raw);
}
END_TEST

/* ---- gzip --------------------------------------------------------------- */

/* Inflates the single gzip member in b, asserting nothing follows it. */
static buf *gunzip_one(const buf *b)
{
	buf *out = buf_new();
	uint8_t chunk[64 * 1024];
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = b->data;
	z.avail_in = (uInt)b->len;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		rc = inflate(&z, Z_NO_FLUSH);
		ck_assert_msg(rc == Z_OK || rc == Z_STREAM_END, "inflate: %d", rc);
		buf_add(out, chunk, sizeof(chunk) - z.avail_out);
	} while (rc != Z_STREAM_END);
	ck_assert_msg(z.avail_in == 0, "%u bytes after the first gzip member", z.avail_in);
	inflateEnd(&z);
	return out;
}

START_TEST(test_gzip_is_one_member_of_the_raw_bytes)
{
	pprof_profile *p = load(rich_profile());
	buf *raw = write_profile(p, PPROF_UNCOMPRESSED);
	buf *gzipped = write_profile(p, 6);

	ck_assert_uint_ge(gzipped->len, 18);
	ck_assert_uint_eq(gzipped->data[0], 0x1f);
	ck_assert_uint_eq(gzipped->data[1], 0x8b);
	ck_assert_uint_eq(gzipped->data[3], 0); /* no flags: no name, no comment */
	ck_assert_msg(memcmp(gzipped->data + 4, "\0\0\0\0", 4) == 0, "mtime is not 0");
	assert_same_bytes(gunzip_one(gzipped), raw);
	/* And the reader reads it back to an equal profile. */
	assert_same_bytes(write_profile(load_buf(gzipped), PPROF_UNCOMPRESSED), raw);
}
END_TEST

START_TEST(test_every_level_reads_back)
{
	pprof_profile *p = load(big_profile(2000, 100));
	buf *raw = write_profile(p, PPROF_UNCOMPRESSED);
	size_t stored = 0, best = SIZE_MAX;
	int level;

	for (level = 0; level <= 9; level++) {
		buf *gzipped = write_profile(p, level);
		assert_same_bytes(gunzip_one(gzipped), raw);
		if (level == 0)
			stored = gzipped->len;
		if (gzipped->len < best)
			best = gzipped->len;
	}
	ck_assert_uint_gt(stored, raw->len);   /* level 0 stores */
	ck_assert_uint_lt(best, raw->len / 2); /* the others compress */
}
END_TEST

static int buf_sink(void *ctx, const void *data, size_t size)
{
	buf_add(ctx, data, size);
	return 0;
}

static pprof_writer *writer(pprof_sink sink, void *ctx, int level)
{
	pprof_writer *w = NULL;

	ck_assert_int_eq(pprof_writer_new(&w, sink, ctx, level), PPROF_OK);
	ck_assert_ptr_nonnull(w);
	return defer(w, writer_free_cb);
}

START_TEST(test_puts_are_members_of_a_stream)
{
	buf *out = buf_new();
	pprof_writer *w = writer(buf_sink, out, 6);
	pprof_reader *r;
	pprof_profile *p;
	int i;

	for (i = 1; i <= 3; i++) {
		PbProfile *b = pb_small(i, 0);
		b->period = i;
		ck_assert_int_eq(pprof_writer_put(w, load(b)), PPROF_OK);
		ck_assert_uint_eq(pprof_writer_bytes_out(w), out->len);
	}
	r = defer(pprof_reader_new_buffer(out->data, out->len), reader_free_cb);
	for (i = 1; i <= 3; i++) {
		ck_assert_int_eq(pprof_reader_next(r, &p), PPROF_OK);
		defer(p, profile_free_cb);
		ck_assert_int_eq(pprof_profile_period(p), i);
	}
	ck_assert_int_eq(pprof_reader_next(r, &p), PPROF_END);
}
END_TEST

START_TEST(test_jobs_give_the_same_bytes)
{
	/* Many compression blocks (one string bigger than a block, too): any
	 * number of threads gives the bytes one thread gives, one valid gzip
	 * member holding the raw encoding, reused writers included. */
	pprof_profile *p = load(big_profile(30000, 700 * 1024));
	buf *raw = write_profile(p, PPROF_UNCOMPRESSED);
	buf *one = buf_new(), *many = buf_new();
	pprof_writer *w1 = writer(buf_sink, one, 6), *wn = writer(buf_sink, many, 6);

	ck_assert_int_eq(pprof_writer_set_jobs(wn, 3), PPROF_OK);
	ck_assert_int_eq(pprof_writer_put(w1, p), PPROF_OK);
	ck_assert_int_eq(pprof_writer_put(wn, p), PPROF_OK);
	ck_assert_uint_gt(raw->len, 1u << 20); /* over four blocks: two batches of 3 */
	assert_same_bytes(many, one);
	assert_same_bytes(gunzip_one(one), raw);
	ck_assert_int_eq(pprof_writer_set_jobs(wn, 0), PPROF_ERR_ARG);
	ck_assert_int_eq(pprof_writer_set_jobs(wn, 65), PPROF_ERR_ARG);
	/* A second put on the same writers: the same member again. */
	ck_assert_int_eq(pprof_writer_put(w1, p), PPROF_OK);
	ck_assert_int_eq(pprof_writer_put(wn, p), PPROF_OK);
	assert_same_bytes(many, one);
	ck_assert_uint_eq(one->len % 2, 0);
	ck_assert_int_eq(memcmp(one->data, one->data + one->len / 2, one->len / 2), 0);
}
END_TEST

START_TEST(test_same_profile_same_bytes)
{
	/* One writer, the same profile twice: two identical members. */
	buf *out = buf_new();
	pprof_writer *w = writer(buf_sink, out, 6);
	pprof_profile *p = load(rich_profile());
	size_t first;

	ck_assert_int_eq(pprof_writer_put(w, p), PPROF_OK);
	first = out->len;
	ck_assert_int_eq(pprof_writer_put(w, p), PPROF_OK);
	ck_assert_uint_eq(out->len, 2 * first);
	ck_assert_mem_eq(out->data, out->data + first, first);
	assert_same_bytes(buf_prefix(out, first), write_profile(p, 6));
}
END_TEST

START_TEST(test_invalid_level)
{
	buf *out = buf_new();

	pprof_writer *w = (pprof_writer *)out;

	ck_assert_int_eq(pprof_writer_new(&w, buf_sink, out, 10), PPROF_ERR_ARG);
	ck_assert_ptr_null(w);
	ck_assert_int_eq(pprof_writer_new(&w, buf_sink, out, -2), PPROF_ERR_ARG);
	ck_assert_int_eq(pprof_writer_new(&w, buf_sink, out, INT_MAX), PPROF_ERR_ARG);
	ck_assert_int_eq(pprof_writer_new(&w, buf_sink, out, INT_MIN), PPROF_ERR_ARG);
	ck_assert_int_eq(pprof_writer_new(&w, NULL, out, 6), PPROF_ERR_ARG);
	ck_assert_ptr_null(w);
	pprof_writer_free(NULL);
	writer(buf_sink, out, 0);
	writer(buf_sink, out, 9);
	writer(buf_sink, out, PPROF_UNCOMPRESSED);
}
END_TEST

/* A sink that accepts ok_calls calls, then fails with ENOSPC. */
typedef struct {
	int ok_calls, calls;
	buf *out;
} flaky;

static int flaky_sink(void *ctx, const void *data, size_t size)
{
	flaky *f = ctx;

	if (f->calls++ >= f->ok_calls) {
		errno = ENOSPC;
		return -1;
	}
	buf_add(f->out, data, size);
	return 0;
}

static void check_failing_sink(int level, int ok_calls, const pprof_profile *p)
{
	flaky f = { ok_calls, 0, buf_new() };
	pprof_writer *w = writer(flaky_sink, &f, level);
	char want[128];

	snprintf(want, sizeof(want), "write error: %s", strerror(ENOSPC));
	ck_assert_int_eq(pprof_writer_put(w, p), PPROF_ERR_IO);
	ck_assert_str_eq(pprof_writer_error(w), want);
	ck_assert_uint_eq(pprof_writer_bytes_out(w), f.out->len); /* what got through */
	/* The writer stays failed. */
	ck_assert_int_eq(pprof_writer_put(w, p), PPROF_ERR_IO);
	ck_assert_str_eq(pprof_writer_error(w), want);
}

START_TEST(test_failing_sink)
{
	pprof_profile *small = load(rich_profile());

	check_failing_sink(6, 0, small);
	check_failing_sink(PPROF_UNCOMPRESSED, 0, small);
}
END_TEST

START_TEST(test_sink_failing_midway)
{
	/* The first write goes through, a later one fails: a profile big enough
	 * to take several writes, compressed (level 0: output ~ input) and raw. */
	pprof_profile *big = load(big_profile(30000, 700 * 1024));

	check_failing_sink(0, 1, big);
	check_failing_sink(PPROF_UNCOMPRESSED, 1, big);
}
END_TEST

/* ---- real profiles ----------------------------------------------------- */

static void close_fd(void *p)
{
	close(*(int *)p);
	free(p);
}

/* The profiles in tests/data/name, read through an fd. */
static size_t read_fixture(const char *name, pprof_profile **out, size_t max)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	int *fd = malloc(sizeof(int));
	pprof_reader *r;
	size_t n = 0;
	int rc;

	ck_assert_msg(top != NULL, "top_srcdir is not set (make check sets it)");
	ck_assert_ptr_nonnull(fd);
	snprintf(path, sizeof(path), "%s/tests/data/%s", top, name);
	*fd = open(path, O_RDONLY);
	ck_assert_msg(*fd >= 0, "%s: %s", path, strerror(errno));
	defer(fd, close_fd);
	r = defer(pprof_reader_new_fd(*fd), reader_free_cb);
	for (;;) {
		pprof_profile *p;
		rc = pprof_reader_next(r, &p);
		if (rc != PPROF_OK)
			break;
		defer(p, profile_free_cb);
		ck_assert_msg(n < max, "%s: more than %zu profiles", name, max);
		out[n++] = p;
	}
	ck_assert_msg(rc == PPROF_END, "%s: %s", name, pprof_reader_error(r));
	ck_assert_uint_eq(pprof_reader_count(r), n);
	return n;
}

START_TEST(test_fixture_round_trip)
{
	pprof_profile *in[1], *in2[1], *merged, *back, *doubled;
	PbProfile *u;
	buf *written;
	size_t i, j;

	ck_assert_uint_eq(read_fixture("cpu-1.pb.gz", in, 1), 1);
	ck_assert_uint_eq(read_fixture("cpu-2.pb.gz", in2, 1), 1);
	ck_assert_uint_gt(pprof_profile_sample_count(in[0]), 10);

	/* One profile merged alone: the same totals and header. */
	merged = MERGE(in[0]);
	written = write_profile(merged, 6);
	back = load_buf(written);
	ck_assert_uint_eq(pprof_profile_sample_type_count(back), 2);
	for (i = 0; i < 2; i++) {
		const char *u1, *u2;
		ck_assert_str_eq(pprof_profile_sample_type(back, i, &u1),
		                 pprof_profile_sample_type(in[0], i, &u2));
		ck_assert_str_eq(u1, u2);
		ck_assert_int_eq(pprof_profile_total(back, i), pprof_profile_total(in[0], i));
	}
	ck_assert_str_eq(pprof_profile_period_type(back, NULL), "cpu");
	ck_assert_int_eq(pprof_profile_period(back), pprof_profile_period(in[0]));
	ck_assert_int_eq(pprof_profile_time_nanos(back), pprof_profile_time_nanos(in[0]));
	ck_assert_int_eq(pprof_profile_duration_nanos(back), pprof_profile_duration_nanos(in[0]));
	ck_assert_uint_le(pprof_profile_sample_count(back), pprof_profile_sample_count(in[0]));
	ck_assert_uint_le(pprof_profile_mapping_count(back), pprof_profile_mapping_count(in[0]));
	/* What was written reads back to the same bytes. */
	assert_same_bytes(write_profile(back, 6), written);
	/* Merging it again changes nothing but the order of the string table
	 * (labels are interned as met, and met sorted the second time). */
	{
		PbProfile *x = dump(back), *y = dump(MERGE(back));
		ck_assert_str_eq(render_mappings(y), render_mappings(x));
		ck_assert_str_eq(render_functions(y), render_functions(x));
		ck_assert_str_eq(render_locations(y), render_locations(x));
		ck_assert_str_eq(render_stacks(y), render_stacks(x));
		ck_assert_uint_eq(y->n_string_table, x->n_string_table);
	}

	/* With itself: the same samples, every value doubled. */
	doubled = MERGE(in[0], in[0]);
	ck_assert_uint_eq(pprof_profile_sample_count(doubled), pprof_profile_sample_count(back));
	ck_assert_uint_eq(pprof_profile_location_count(doubled),
	                  pprof_profile_location_count(back));
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(pprof_profile_total(doubled, i),
		                 2 * pprof_profile_total(in[0], i));

	/* Two runs of the same program: totals add up; the binary's mapping (at
	 * the same address) and [vdso] (elsewhere) are shared, so no two
	 * mappings have the same file. */
	merged = MERGE(in[0], in2[0]);
	back = load_buf(write_profile(merged, 6));
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(pprof_profile_total(back, i),
		                 pprof_profile_total(in[0], i) + pprof_profile_total(in2[0], i));
	ck_assert_int_eq(pprof_profile_duration_nanos(back),
	                 pprof_profile_duration_nanos(in[0]) +
	                         pprof_profile_duration_nanos(in2[0]));
	ck_assert_uint_le(pprof_profile_sample_count(back),
	                  pprof_profile_sample_count(in[0]) + pprof_profile_sample_count(in2[0]));
	u = dump(back);
	ck_assert_uint_ge(u->n_mapping, 1);
	ck_assert_contains(S(u, u->mapping[0]->filename), "pprofgen-a");
	for (i = 0; i < u->n_mapping; i++)
		for (j = i + 1; j < u->n_mapping; j++)
			ck_assert_str_ne(S(u, u->mapping[i]->filename),
			                 S(u, u->mapping[j]->filename));
}
END_TEST

START_TEST(test_fixture_heap_round_trip)
{
	pprof_profile *in[1], *back;
	size_t i;

	ck_assert_uint_eq(read_fixture("heap-1.pb.gz", in, 1), 1);
	ck_assert_uint_eq(pprof_profile_sample_type_count(in[0]), 4);
	back = load_buf(write_profile(MERGE(in[0]), 9));
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(pprof_profile_total(back, i), pprof_profile_total(in[0], i));
}
END_TEST

Suite *writer_suite(void)
{
	Suite *s = suite_create("writer");
	TCase *tc = tl_tcase("encoding");

	tcase_add_test(tc, test_raw_is_protobuf_c_packing);
	tcase_add_test(tc, test_raw_without_period_type);
	tcase_add_test(tc, test_raw_large_profile);
	tcase_add_test(tc, test_raw_merged_profile_reads_back);
	tcase_add_test(tc, test_gzip_is_one_member_of_the_raw_bytes);
	tcase_add_test(tc, test_every_level_reads_back);
	tcase_add_test(tc, test_puts_are_members_of_a_stream);
	tcase_add_test(tc, test_same_profile_same_bytes);
	tcase_add_test(tc, test_jobs_give_the_same_bytes);
	suite_add_tcase(s, tc);

	tc = tl_tcase("errors");
	tcase_add_test(tc, test_invalid_level);
	tcase_add_test(tc, test_failing_sink);
	tcase_add_test(tc, test_sink_failing_midway);
	suite_add_tcase(s, tc);

	tc = tl_tcase("fixtures");
	tcase_add_test(tc, test_fixture_round_trip);
	tcase_add_test(tc, test_fixture_heap_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
