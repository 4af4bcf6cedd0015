/*
 * fuzz_decode.c - a libFuzzer target for libpprof: the bytes go through the
 * stream reader (gzip members or plain protobuf, with a small size limit),
 * validation, a merge with a fixed real profile (the file named by
 * FUZZ_FIXED_PROFILE, when set) and with itself as a base, label edits and
 * one of a few fixed filters (picked from the input's length, so a run is
 * deterministic; one uses RE2's syntax in every regex option), and the
 * writer; what the writer makes must read back as valid profiles. The last
 * bytes of the input are also a regular expression: compiled (a refusal
 * must say why) and, when RE2 takes it, applied as --focus and in a
 * --rename-function to every profile of the input. The bytes also go to the library's own decoder
 * (pp_unpack_fast, linked in statically) and to protobuf-c's unpacker:
 * whatever the first takes, the second must take the same. Any crash,
 * sanitizer report or failed assertion is a finding.
 *
 * Build: ./configure CC=clang CXX=clang++ --enable-fuzzing && make tests/fuzz/fuzz_decode
 * Run:   make fuzz FUZZ_SECONDS=60   (seeds: tests/data, tests/fuzz/corpus)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pprof.h"
#include "libpprof/codec.h"

#define MAX_SIZE (8u << 20) /* per profile; keeps runs fast and memory low */

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
	pprof_writer *w = NULL;
	pprof_reader *r;
	pprof_profile *back = NULL;

	if (pprof_writer_new(&w, buffer_sink, &b, level) != PPROF_OK ||
	    pprof_writer_put(w, p) != PPROF_OK)
		abort();
	r = pprof_reader_new_buffer(b.data, b.len);
	if (!r || pprof_reader_next(r, &back) != PPROF_OK) {
		fprintf(stderr, "re-read failed: %s\n", r ? pprof_reader_error(r) : "no memory");
		abort();
	}
	if (pprof_profile_sample_count(back) > pprof_profile_sample_count(p))
		abort(); /* a merged profile may only shrink (equal samples sum) */
	pprof_profile_free(back);
	if (pprof_reader_next(r, &back) != PPROF_END)
		abort();
	pprof_reader_free(r);
	pprof_writer_free(w);
	free(b.data);
}

/* The fixed profile every input is merged with; read once. */
static pprof_profile *fixed;

/* The filters an input goes through, one per input, and the label edits
 * every decoded profile gets; made once. */
#define N_FILTERS 5
static pprof_filter *filters[N_FILTERS];
static pprof_label_edits *edits;

/* Sets a filter option the target depends on; a refusal is a bug here. */
static void must_set(pprof_filter *f, int option, const char *arg)
{
	if (pprof_filter_set(f, option, arg) != PPROF_OK) {
		fprintf(stderr, "filter option %d %s: %s\n", option, arg, pprof_filter_error(f));
		abort();
	}
}

/* Filters that between them use every option and flag: name regexes
 * (which match names of the real profiles and of the corpus), label
 * filters by string and by numeric range, renames, scaling and PGO; the
 * fifth RE2's syntax (Perl classes, flags, non-greedy and empty matches,
 * Unicode classes, quoting) in every regex option. */
static void make_filters(void)
{
	for (int i = 0; i < N_FILTERS; i++)
		if (!(filters[i] = pprof_filter_new()))
			abort();
	must_set(filters[0], PPROF_FILTER_FOCUS, "main|runtime");
	must_set(filters[0], PPROF_FILTER_IGNORE, "gc[A-Z]");
	must_set(filters[0], PPROF_FILTER_HIDE, "^runtime\\.");
	must_set(filters[0], PPROF_FILTER_TAG_FOCUS, "a=.,b");
	must_set(filters[0], PPROF_FILTER_SAMPLE_TYPE, "0");
	must_set(filters[1], PPROF_FILTER_SHOW, "\\.");
	must_set(filters[1], PPROF_FILTER_SHOW_FROM, "main");
	must_set(filters[1], PPROF_FILTER_PRUNE_FROM, "(sync|time)\\.");
	must_set(filters[1], PPROF_FILTER_TAG_IGNORE, "bytes=1kb:64mb");
	must_set(filters[1], PPROF_FILTER_TAG_SHOW, "^[a-m]");
	must_set(filters[1], PPROF_FILTER_RENAME, "^([a-z]+)\\.(.*)$=\\2.\\1");
	must_set(filters[1], PPROF_FILTER_RENAME, "a=");
	if (pprof_filter_set_scale(filters[1], -0.5) != PPROF_OK)
		abort();
	must_set(filters[2], PPROF_FILTER_TAG_HIDE, "x");
	must_set(filters[2], PPROF_FILTER_TAG_FOCUS, ":10ms");
	must_set(filters[2], PPROF_FILTER_SAMPLE_TYPE, "cpu");
	pprof_filter_set_flags(filters[2], PPROF_FILTER_DROP_LABELS | PPROF_FILTER_DROP_ADDRESSES);
	pprof_filter_set_flags(filters[3], PPROF_FILTER_PGO);
	must_set(filters[4], PPROF_FILTER_FOCUS, "(?i)MAIN|\\pL+\\.\\p{Lu}");
	must_set(filters[4], PPROF_FILTER_IGNORE, "\\Qgc(\\E|\\bsweep\\w*?\\z");
	must_set(filters[4], PPROF_FILTER_HIDE, "\\A[[:alpha:]]+\\.\\d");
	must_set(filters[4], PPROF_FILTER_SHOW, "(?s).+?");
	must_set(filters[4], PPROF_FILTER_SHOW_FROM, "(?P<pkg>\\w+)/|\\S");
	must_set(filters[4], PPROF_FILTER_PRUNE_FROM, "(?U)\\.a+$");
	must_set(filters[4], PPROF_FILTER_TAG_FOCUS, "(?i)\\p{Greek}|.*?,\\W?");
	must_set(filters[4], PPROF_FILTER_TAG_SHOW, "^\\B|[^\\x00-\\x7f]|\\w");
	must_set(filters[4], PPROF_FILTER_TAG_HIDE, "(?m)^x$");
	must_set(filters[4], PPROF_FILTER_RENAME, "(\\w*?)(\\d*)=\\2\\1");
	must_set(filters[4], PPROF_FILTER_RENAME, "x*=-");
	must_set(filters[4], PPROF_FILTER_RENAME, "(?i)(A|ab)(c|bcd)(d*)=[\\3\\2\\1]");
}

/* A filter with the input's last bytes (up to 32, from after its last NUL)
 * as --focus and in a --rename-function, or NULL when the regex is refused
 * (with a reason: anything else is a finding). */
static pprof_filter *fuzzed_regex_filter(const unsigned char *data, size_t size)
{
	char pattern[40];
	size_t n = size < 32 ? size : 32, i;
	pprof_filter *f = pprof_filter_new();
	int rc;

	if (!f)
		abort();
	for (i = 0; i < n && data[size - n + i]; i++)
		pattern[i] = (char)data[size - n + i];
	pattern[i] = '\0';
	rc = pprof_filter_set(f, PPROF_FILTER_FOCUS, pattern);
	if (rc == PPROF_OK) {
		memcpy(pattern + i, "=<\\0>", 6); /* the same regex unless it has an '=' */
		rc = pprof_filter_set(f, PPROF_FILTER_RENAME, pattern);
	}
	if (rc == PPROF_OK)
		return f;
	if (rc != PPROF_ERR_ARG || pprof_filter_error(f)[0] == '\0')
		abort();
	pprof_filter_free(f);
	return NULL;
}

/* Label edits of every kind, reserved keys aside. */
static void make_edits(void)
{
	static const char *const keep[] = { "a", "b", "n", "host", "bytes" };

	edits = pprof_label_edits_new();
	if (!edits || pprof_label_edits_set(edits, "a", "x") != PPROF_OK ||
	    pprof_label_edits_add(edits, "b", "y") != PPROF_OK ||
	    pprof_label_edits_set_if_missing(edits, "host", "h") != PPROF_OK ||
	    pprof_label_edits_num(edits, "n", -3, "bytes") != PPROF_OK ||
	    pprof_label_edits_rename(edits, "bytes", "b") != PPROF_OK ||
	    pprof_label_edits_delete(edits, "c") != PPROF_OK ||
	    pprof_label_edits_keep(edits, keep, sizeof(keep) / sizeof(keep[0])) != PPROF_OK ||
	    pprof_label_edits_comment(edits, "fuzz") != PPROF_OK)
		abort();
}

/* Edits the labels of *pp (replacing it), filters a copy of the result
 * with the filter picked for this input and checks what comes out encodes
 * and reads back. */
static void edit_and_filter(pprof_profile **pp, pprof_filter *f)
{
	pprof_merger *m = pprof_merger_new();
	pprof_profile *edited = NULL;
	int rc;

	if (pprof_label_edits_apply(edits, pp) != PPROF_OK)
		abort(); /* fails only for want of memory */
	check_round_trip(*pp, PPROF_UNCOMPRESSED);
	if (!m || pprof_merger_add(m, *pp, 0) != PPROF_OK ||
	    pprof_merger_finish(m, &edited) != PPROF_OK)
		abort();
	pprof_merger_free(m);
	rc = pprof_filter_apply(f, &edited);
	if (rc == PPROF_OK)
		check_round_trip(edited, PPROF_UNCOMPRESSED);
	else if (rc != PPROF_ERR_DATA || pprof_filter_error(f)[0] == '\0')
		abort(); /* a profile may lack the sample type; nothing else */
	pprof_profile_free(edited);
}

/* pp_unpack_fast takes only what protobuf-c takes, and makes the same
 * profile of it (compared by packing both). */
static void check_unpack(const unsigned char *data, size_t size)
{
	pp_arena *a = pp_arena_new();
	pb_profile *fast, *ref;

	if (!a)
		abort();
	fast = pp_unpack_fast(a, data, size);
	ref = perftools__profiles__profile__unpack(NULL, size, data);
	if (fast) {
		size_t n = perftools__profiles__profile__get_packed_size(fast);
		unsigned char *x = malloc(n + 1), *y = malloc(n + 1);
		if (!ref || !x || !y || perftools__profiles__profile__get_packed_size(ref) != n)
			abort();
		perftools__profiles__profile__pack(fast, x);
		perftools__profiles__profile__pack(ref, y);
		if (memcmp(x, y, n) != 0)
			abort();
		free(x);
		free(y);
	}
	if (ref)
		perftools__profiles__profile__free_unpacked(ref, NULL);
	pp_arena_free(a);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *path = getenv("FUZZ_FIXED_PROFILE");
	FILE *f = path ? fopen(path, "rb") : NULL;
	static unsigned char bytes[1 << 20];
	size_t n;
	pprof_reader *r;

	(void)argc;
	(void)argv;
	make_filters();
	make_edits();
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
	pprof_filter *f = filters[size % N_FILTERS];
	pprof_filter *fuzzed = fuzzed_regex_filter(data, size);
	int rc;

	if (!r || !m)
		abort();
	if (size <= MAX_SIZE)
		check_unpack(data, size);
	pprof_reader_set_max_size(r, MAX_SIZE);
	if (fixed && pprof_merger_add(m, fixed, 0) != PPROF_OK)
		abort();
	while ((rc = pprof_reader_next(r, &p)) == PPROF_OK) {
		/* Merge it twice, once as a base: values cancel, objects stay. */
		if (pprof_merger_add(m, p, 0) == PPROF_OK)
			pprof_merger_add(m, p, PPROF_MERGE_SUBTRACT | PPROF_MERGE_MARK_BASE);
		check_round_trip(p, PPROF_UNCOMPRESSED);
		edit_and_filter(&p, f);
		if (fuzzed)
			edit_and_filter(&p, fuzzed);
		pprof_profile_free(p);
	}
	if (rc != PPROF_END && pprof_reader_error(r)[0] == '\0')
		abort(); /* every error must say what is wrong */
	if (pprof_merger_finish(m, &merged) == PPROF_OK) {
		check_round_trip(merged, 1);
		edit_and_filter(&merged, f);
		pprof_profile_free(merged);
	}
	pprof_merger_free(m);
	pprof_reader_free(r);
	pprof_filter_free(fuzzed);
	return 0;
}
