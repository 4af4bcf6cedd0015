/*
 * check_unpack.c - libpprof's own decoder (libpprof/unpack.c) against
 * protobuf-c's unpacker: whatever pp_unpack_fast takes, protobuf-c must take
 * too and make the same profile of (compared by packing both with
 * protobuf-c); whatever it leaves, the library hands to protobuf-c.
 *
 * Inputs: every real profile in tests/data and every input in the fuzz
 * corpus, wire-level cases written here byte by byte (Go's unpacked
 * encoding of short repeated fields, fields out of order, repeated scalars,
 * overlong varints, unknown fields, truncations), every prefix of a real
 * profile, and random byte changes to one.
 *
 * This program compiles unpack.c and what it uses itself, as the shared
 * library does not export them.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <zlib.h>

#include "libpprof/codec.h"

/* ---- comparing the two decoders -------------------------------------- */

typedef struct {
	uint8_t *data;
	size_t len;
} bytes;

static bytes pack(const pb_profile *pb)
{
	bytes b;

	b.len = perftools__profiles__profile__get_packed_size(pb);
	b.data = malloc(b.len + 1);
	ck_assert_ptr_nonnull(b.data);
	ck_assert_uint_eq(perftools__profiles__profile__pack(pb, b.data), b.len);
	return b;
}

/* Checks the strings are followed by a NUL, as decode.c's callers expect. */
static void check_terminated(const pb_profile *pb)
{
	size_t i;

	for (i = 0; i < pb->n_string_table; i++)
		ck_assert_int_eq(pb->string_table[i].data[pb->string_table[i].len], 0);
}

/* Decodes size bytes both ways; returns whether the fast way took them.
 * When it did, protobuf-c must have too, with the same result. */
static bool same_as_protobuf_c(const char *what, const uint8_t *data, size_t size)
{
	pp_arena *a = pp_arena_new();
	pb_profile *fast, *ref;
	bool took;

	ck_assert_ptr_nonnull(a);
	fast = pp_unpack_fast(a, data, size);
	ref = perftools__profiles__profile__unpack(NULL, size, data);
	took = fast != NULL;
	if (fast) {
		bytes x, y;
		ck_assert_msg(ref != NULL, "%s: taken by pp_unpack_fast, refused by protobuf-c",
		              what);
		check_terminated(fast);
		x = pack(fast);
		y = pack(ref);
		ck_assert_msg(x.len == y.len && memcmp(x.data, y.data, x.len) == 0,
		              "%s: pp_unpack_fast and protobuf-c differ", what);
		free(x.data);
		free(y.data);
	}
	if (ref)
		perftools__profiles__profile__free_unpacked(ref, NULL);
	pp_arena_free(a);
	return took;
}

/* ---- files ------------------------------------------------------------ */

/* The whole of a file, gunzipped when gunzip is set. */
static bytes read_file(const char *path, bool gunzip)
{
	gzFile f = gunzip ? gzopen(path, "rb") : NULL;
	FILE *raw = gunzip ? NULL : fopen(path, "rb");
	bytes b = { NULL, 0 };
	size_t cap = 0;
	int n;

	ck_assert_msg(f || raw, "%s: cannot open", path);
	do {
		if (cap - b.len < 65536) {
			cap = cap * 2 + 65536;
			b.data = realloc(b.data, cap);
			ck_assert_ptr_nonnull(b.data);
		}
		n = f ? gzread(f, b.data + b.len, (unsigned)(cap - b.len))
		      : (int)fread(b.data + b.len, 1, cap - b.len, raw);
		ck_assert_msg(n >= 0, "%s: read error", path);
		b.len += (size_t)n;
	} while (n > 0);
	if (f)
		gzclose(f);
	else
		fclose(raw);
	return b;
}

static const char *srcdir(void)
{
	const char *top = getenv("top_srcdir");

	ck_assert_msg(top != NULL, "top_srcdir is not set (make check sets it)");
	return top;
}

static bytes read_fixture(const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/tests/data/%s", srcdir(), name);
	return read_file(path, true);
}

/* Real profiles (runtime/pprof's, pprof-written synthetic ones) are all
 * taken the fast way, and come out as protobuf-c makes them. */
START_TEST(test_real_profiles)
{
	static const char *const names[] = {
		"cpu-1.pb.gz",      "cpu-2.pb.gz",  "cpu-3.pb.gz",         "cpu-4.pb.gz",
		"cpu-5.pb.gz",      "cpu-6.pb.gz",  "go119-cpu.pb.gz",     "goroutine.pb.gz",
		"heap-1.pb.gz",     "heap-2.pb.gz", "synth-small-1.pb.gz", "synth-small-2.pb.gz",
		"synth-100k.pb.gz",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(*names); i++) {
		bytes b = read_fixture(names[i]);
		ck_assert_msg(same_as_protobuf_c(names[i], b.data, b.len),
		              "%s: not taken by pp_unpack_fast", names[i]);
		free(b.data);
	}
}
END_TEST

/* The fuzz corpus: odd inputs that once took the fuzzer somewhere new, as
 * the fuzzer gives them (most are plain protobuf). */
START_TEST(test_fuzz_corpus)
{
	char path[4096];
	struct dirent *e;
	DIR *d;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus", srcdir());
	d = opendir(path);
	ck_assert_msg(d != NULL, "%s: cannot open", path);
	while ((e = readdir(d))) {
		bytes b;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/%s", srcdir(), e->d_name);
		b = read_file(path, false);
		same_as_protobuf_c(e->d_name, b.data, b.len);
		free(b.data);
		n++;
	}
	closedir(d);
	ck_assert_uint_gt(n, 10);
}
END_TEST

/* Every prefix of a real profile: a cut can fall anywhere. */
START_TEST(test_prefixes)
{
	bytes b = read_fixture("cpu-3.pb.gz");
	size_t len, taken = 0;

	for (len = 0; len <= b.len; len++)
		taken += same_as_protobuf_c("a prefix of cpu-3", b.data, len);
	/* Only cuts between top-level fields leave a message protobuf-c takes. */
	ck_assert_uint_gt(taken, 100);
	ck_assert_uint_lt(taken, b.len / 4);
	free(b.data);
}
END_TEST

/* Random changes of one to four bytes, from a fixed seed. */
START_TEST(test_random_changes)
{
	bytes b = read_fixture("cpu-1.pb.gz");
	uint8_t *copy = malloc(b.len);
	uint64_t state = 0x9e3779b97f4a7c15ull;
	size_t round, taken = 0;

	ck_assert_ptr_nonnull(copy);
	for (round = 0; round < 3000; round++) {
		unsigned k, changes = 1 + (unsigned)(round % 4);
		memcpy(copy, b.data, b.len);
		for (k = 0; k < changes; k++) {
			state ^= state << 13;
			state ^= state >> 7;
			state ^= state << 17;
			copy[(state >> 8) % b.len] = (uint8_t)state;
		}
		taken += same_as_protobuf_c("cpu-1 with bytes changed", copy, b.len);
	}
	/* About a third of the changes leave a message protobuf-c takes. */
	ck_assert_uint_gt(taken, 600);
	free(copy);
	free(b.data);
}
END_TEST

/* ---- wire-level cases --------------------------------------------------- */

/* A message being written: up to 256 bytes. */
typedef struct {
	uint8_t b[256];
	size_t n;
} msg;

static void put_byte(msg *m, unsigned byte)
{
	ck_assert_uint_lt(m->n, sizeof(m->b));
	m->b[m->n++] = (uint8_t)byte;
}

static void put_varint(msg *m, uint64_t v)
{
	for (; v >= 0x80; v >>= 7)
		put_byte(m, (unsigned)(v & 0x7f) | 0x80);
	put_byte(m, (unsigned)v);
}

static void put_tag(msg *m, unsigned field, unsigned wire)
{
	put_varint(m, (uint64_t)field << 3 | wire);
}

static void put_field(msg *m, unsigned field, uint64_t v)
{
	put_tag(m, field, 0);
	put_varint(m, v);
}

static void put_message(msg *m, unsigned field, const msg *inner)
{
	put_tag(m, field, 2);
	put_varint(m, inner->n);
	ck_assert_uint_le(m->n + inner->n, sizeof(m->b));
	memcpy(m->b + m->n, inner->b, inner->n);
	m->n += inner->n;
}

static void put_string(msg *m, const char *s)
{
	put_tag(m, 6, 2);
	put_varint(m, strlen(s));
	while (*s)
		put_byte(m, (unsigned char)*s++);
}

/* A profile with a string table, a function, a location and the sample. */
static msg profile_with(const msg *sample)
{
	msg p = { .n = 0 }, fn = { .n = 0 }, loc = { .n = 0 }, line = { .n = 0 };

	put_field(&fn, 1, 1);
	put_field(&fn, 2, 1);
	put_field(&line, 1, 1);
	put_field(&line, 2, 42);
	put_field(&loc, 1, 1);
	put_message(&loc, 4, &line);
	put_message(&p, 2, sample);
	put_message(&p, 4, &loc);
	put_message(&p, 5, &fn);
	put_string(&p, "");
	put_string(&p, "main");
	return p;
}

static bool sample_taken(const char *what, const msg *sample)
{
	msg p = profile_with(sample);
	return same_as_protobuf_c(what, p.b, p.n);
}

START_TEST(test_sample_encodings)
{
	msg s = { .n = 0 }, label = { .n = 0 }, packed = { .n = 0 };

	/* Go writes two or fewer ids and values unpacked. */
	put_field(&s, 1, 1);
	put_field(&s, 1, 300);
	put_field(&s, 2, 7);
	put_field(&s, 2, (uint64_t)-7);
	ck_assert(sample_taken("unpacked ids and values", &s));

	/* Packed runs and unpacked ones of one field are appended in order. */
	put_varint(&packed, 1);
	put_varint(&packed, 20000);
	put_varint(&packed, UINT64_MAX);
	put_message(&s, 1, &packed);
	put_field(&s, 1, 5);
	put_message(&s, 2, &packed);
	ck_assert(sample_taken("packed and unpacked mixed", &s));

	/* A label's fields in any order, the last of each counting. */
	put_field(&label, 3, 9);
	put_field(&label, 1, 1);
	put_field(&label, 1, 2);
	put_field(&label, 4, 1);
	put_message(&s, 3, &label);
	put_message(&s, 3, &label);
	ck_assert(sample_taken("labels", &s));

	/* Empty: a sample of nothing, an empty packed field, an empty label. */
	ck_assert(sample_taken("empty sample", &(msg){ .n = 0 }));
	s.n = 0;
	put_message(&s, 1, &(msg){ .n = 0 });
	put_message(&s, 3, &(msg){ .n = 0 });
	ck_assert(sample_taken("empty packed field and label", &s));
}
END_TEST

START_TEST(test_varints)
{
	static const uint8_t ten_bytes[] = { 0x08, 0x80, 0x80, 0x80, 0x80, 0x80,
		                             0x80, 0x80, 0x80, 0x80, 0x7f };
	static const uint8_t eleven_bytes[] = { 0x08, 0x80, 0x80, 0x80, 0x80, 0x80,
		                                0x80, 0x80, 0x80, 0x80, 0x80, 0x01 };
	msg s = { .n = 0 };

	/* Ten bytes: bits past the 64th are dropped, as protobuf-c does. */
	memcpy(s.b, ten_bytes, sizeof(ten_bytes));
	s.n = sizeof(ten_bytes);
	ck_assert(sample_taken("a ten-byte varint", &s));
	/* Eleven: refused both ways. */
	memcpy(s.b, eleven_bytes, sizeof(eleven_bytes));
	s.n = sizeof(eleven_bytes);
	ck_assert(!sample_taken("an eleven-byte varint", &s));
	/* A packed field whose last varint runs off its end. */
	s.n = 0;
	put_tag(&s, 1, 2);
	put_varint(&s, 2);
	put_byte(&s, 0x81);
	put_byte(&s, 0x81);
	put_field(&s, 2, 1);
	ck_assert(!sample_taken("a packed varint cut short", &s));
}
END_TEST

/* What the fast way leaves to protobuf-c, which then decides. */
START_TEST(test_left_to_protobuf_c)
{
	msg s = { .n = 0 }, p = { .n = 0 }, loc = { .n = 0 };

	put_field(&s, 7, 1); /* unknown field in a sample: protobuf-c keeps it */
	ck_assert(!sample_taken("an unknown field in a sample", &s));
	s.n = 0;
	put_tag(&s, 1, 1); /* a location id as a fixed64 */
	for (int i = 0; i < 8; i++)
		put_byte(&s, 0);
	ck_assert(!sample_taken("a fixed64 location id", &s));

	put_field(&p, 2, 1); /* a sample as a varint */
	ck_assert(!same_as_protobuf_c("a sample as a varint", p.b, p.n));
	p.n = 0;
	put_tag(&loc, 5, 2); /* is_folded length-delimited */
	put_varint(&loc, 0);
	put_message(&p, 4, &loc);
	ck_assert(!same_as_protobuf_c("is_folded length-delimited", p.b, p.n));
	p.n = 0;
	put_tag(&p, 2, 2); /* a sample longer than the profile */
	put_varint(&p, 5);
	put_byte(&p, 0x08);
	ck_assert(!same_as_protobuf_c("a truncated sample", p.b, p.n));
}
END_TEST

START_TEST(test_profile_fields)
{
	msg p = { .n = 0 }, loc = { .n = 0 }, vt = { .n = 0 };

	/* Strings before samples, the header between them, fields unknown to
	 * profile.proto (kept by protobuf-c), a folded location with a bool
	 * that is not 1. */
	put_string(&p, "");
	put_string(&p, "cpu");
	put_field(&vt, 1, 1);
	put_message(&p, 11, &vt);
	put_field(&p, 12, 10000000);
	put_field(&p, 100, 5);
	put_message(&p, 2, &(msg){ .n = 0 });
	put_field(&p, 13, 1);
	put_field(&loc, 1, 3);
	put_field(&loc, 5, 2);
	put_field(&loc, 3, 0x401000);
	put_message(&p, 4, &loc);
	put_message(&p, 1, &vt);
	put_string(&p, "x");
	put_message(&p, 2, &(msg){ .n = 0 });
	ck_assert(same_as_protobuf_c("fields out of order", p.b, p.n));
	ck_assert(same_as_protobuf_c("no fields", p.b, 0));
}
END_TEST

/* protobuf-c reads a bool as true when any byte of its varint has a bit
 * set besides the continuation bit, even past the 64th. */
START_TEST(test_bools)
{
	static const uint8_t overlong_zero[] = { 0x80, 0x00 };
	static const uint8_t past_64_bits[] = { 0x80, 0x80, 0x80, 0x80, 0x80,
		                                0x80, 0x80, 0x80, 0x80, 0x7e };
	const struct {
		const uint8_t *b;
		size_t n;
	} cases[] = {
		{ overlong_zero, sizeof(overlong_zero) },
		{ past_64_bits, sizeof(past_64_bits) },
	};
	size_t i, j;

	for (i = 0; i < 2; i++) {
		msg p = { .n = 0 }, loc = { .n = 0 };
		put_field(&loc, 1, 1);
		put_tag(&loc, 5, 0);
		for (j = 0; j < cases[i].n; j++)
			put_byte(&loc, cases[i].b[j]);
		put_message(&p, 4, &loc);
		ck_assert(same_as_protobuf_c(i ? "is_folded past 64 bits" : "is_folded 0x80 0x00",
		                             p.b, p.n));
	}
}
END_TEST

static Suite *unpack_suite(void)
{
	Suite *s = suite_create("unpack");
	TCase *tc = tcase_create("unpack");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_real_profiles);
	tcase_add_test(tc, test_fuzz_corpus);
	tcase_add_test(tc, test_prefixes);
	tcase_add_test(tc, test_random_changes);
	tcase_add_test(tc, test_sample_encodings);
	tcase_add_test(tc, test_varints);
	tcase_add_test(tc, test_left_to_protobuf_c);
	tcase_add_test(tc, test_profile_fields);
	tcase_add_test(tc, test_bools);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(unpack_suite());
	int failed;

	srunner_run_all(sr, getenv("CK_VERBOSITY") ? CK_ENV : CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
