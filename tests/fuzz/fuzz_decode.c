/*
 * fuzz_decode.c - a libFuzzer target for libpprof: the bytes go through the
 * stream reader (gzip members or plain protobuf, with a small size limit),
 * validation, a merge with a fixed real profile (the file named by
 * FUZZ_FIXED_PROFILE, when set) and with itself as a base, and the writer;
 * what the writer makes must read back as valid profiles. Any crash,
 * sanitizer report or failed assertion is a finding.
 *
 * Build: ./configure CC=clang --enable-fuzzing && make tests/fuzz/fuzz_decode
 * Run:   make fuzz FUZZ_SECONDS=60   (seeds: tests/data, tests/fuzz/corpus)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pprof.h"

#define MAX_SIZE (8u << 20)   /* per profile; keeps runs fast and memory low */

/* A growing buffer that the writer fills. */
typedef struct {
	unsigned char *data;
	size_t len, cap;
} buffer;

static int buffer_sink(void *ctx, const void *data, size_t size)
{
	buffer *b = ctx;

	if (b->len + size > b->cap) {
		size_t cap = (b->len + size) * 2;
		unsigned char *grown = realloc(b->data, cap);
		if (!grown)
			return -1;
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, size);
	b->len += size;
	return 0;
}

/* Encodes p and checks the bytes read back as exactly one valid profile
 * with as many samples. */
static void check_round_trip(const pprof_profile *p, int level)
{
	buffer b = { NULL, 0, 0 };
	pprof_writer *w = pprof_writer_new(buffer_sink, &b, level);
	pprof_reader *r;
	pprof_profile *back = NULL;

	if (!w || pprof_writer_put(w, p) != PPROF_OK)
		abort();
	r = pprof_reader_new_buffer(b.data, b.len);
	if (!r || pprof_reader_next(r, &back) != PPROF_OK) {
		fprintf(stderr, "re-read failed: %s\n", r ? pprof_reader_error(r) : "no memory");
		abort();
	}
	if (pprof_profile_sample_count(back) > pprof_profile_sample_count(p))
		abort();   /* a merged profile may only shrink (equal samples sum) */
	pprof_profile_free(back);
	if (pprof_reader_next(r, &back) != PPROF_END)
		abort();
	pprof_reader_free(r);
	pprof_writer_free(w);
	free(b.data);
}

/* The fixed profile every input is merged with; read once. */
static pprof_profile *fixed;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *path = getenv("FUZZ_FIXED_PROFILE");
	FILE *f = path ? fopen(path, "rb") : NULL;
	static unsigned char bytes[1 << 20];
	size_t n;
	pprof_reader *r;

	(void)argc;
	(void)argv;
	if (!f)
		return 0;
	n = fread(bytes, 1, sizeof(bytes), f);
	fclose(f);
	r = pprof_reader_new_buffer(bytes, n);
	if (!r || pprof_reader_next(r, &fixed) != PPROF_OK) {
		fprintf(stderr, "FUZZ_FIXED_PROFILE %s: not a profile\n", path);
		abort();
	}
	pprof_reader_free(r);
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	pprof_reader *r = pprof_reader_new_buffer(data, size);
	pprof_merger *m = pprof_merger_new();
	pprof_profile *p, *merged = NULL;
	int rc;

	if (!r || !m)
		abort();
	pprof_reader_set_max_size(r, MAX_SIZE);
	if (fixed && pprof_merger_add(m, fixed, 0) != PPROF_OK)
		abort();
	while ((rc = pprof_reader_next(r, &p)) == PPROF_OK) {
		/* Merge it twice, once as a base: values cancel, objects stay. */
		if (pprof_merger_add(m, p, 0) == PPROF_OK)
			pprof_merger_add(m, p, PPROF_MERGE_SUBTRACT | PPROF_MERGE_MARK_BASE);
		check_round_trip(p, PPROF_UNCOMPRESSED);
		pprof_profile_free(p);
	}
	if (rc != PPROF_END && pprof_reader_error(r)[0] == '\0')
		abort();   /* every error must say what is wrong */
	if (pprof_merger_finish(m, &merged) == PPROF_OK) {
		check_round_trip(merged, 1);
		pprof_profile_free(merged);
	}
	pprof_merger_free(m);
	pprof_reader_free(r);
	return 0;
}
