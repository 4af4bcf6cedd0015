/*
 * testlib.h - what the Check suites of libpprof share: building profiles
 * with protobuf-c's generated code, packing and gzipping them, reading them
 * through libpprof, merging, writing to memory, and rendering a written
 * profile as short text that one assertion can compare exactly.
 *
 * Everything these helpers allocate is registered with defer() and freed by
 * the fixture's teardown, also when an assertion fails, so tests need no
 * cleanup code and valgrind (CK_FORK=no) sees no leaks.
 */
#ifndef TESTLIB_H
#define TESTLIB_H

#include <stddef.h>
#include <stdint.h>

#include <check.h>

#include "pprof.h"
#include "libpprof/profile.pb-c.h"

typedef Perftools__Profiles__Profile PbProfile;
typedef Perftools__Profiles__Sample PbSample;
typedef Perftools__Profiles__Location PbLocation;
typedef Perftools__Profiles__Function PbFunction;
typedef Perftools__Profiles__Mapping PbMapping;
typedef Perftools__Profiles__ValueType PbValueType;

/* The suites, one per file of the library (check_FILE.c tests FILE.c). */
Suite *arena_suite(void);
Suite *htab_suite(void);
Suite *strtab_suite(void);
Suite *util_suite(void);
Suite *units_suite(void);
Suite *profile_suite(void);
Suite *sampletype_suite(void);
Suite *decode_suite(void);
Suite *encode_suite(void);
Suite *reader_suite(void);
Suite *writer_suite(void);
Suite *merge_suite(void);
Suite *normalize_suite(void);
Suite *labels_suite(void);
Suite *filter_suite(void);
Suite *pgo_suite(void);
Suite *regex_suite(void);
Suite *report_suite(void);
Suite *report_traces_suite(void);
Suite *pool_suite(void);

/* ---- cleanup ---------------------------------------------------------- */

/* Frees ptr with fn at teardown; returns ptr. */
void *defer(void *ptr, void (*fn)(void *));
/* The checked fixture every test case uses. */
void tl_setup(void);
void tl_teardown(void);
/* A test case with the fixture and a generous timeout. */
TCase *tl_tcase(const char *name);

/* ---- bytes ------------------------------------------------------------ */

typedef struct {
	uint8_t *data;
	size_t len, cap;
} buf;

buf *buf_new(void);
void buf_add(buf *b, const void *data, size_t len);
/* A new buffer holding the concatenation of n buffers. */
buf *buf_join(size_t n, buf *const *parts);
#define BUF_JOIN(...) \
	buf_join(sizeof((buf *[]){ __VA_ARGS__ }) / sizeof(buf *), (buf *[]){ __VA_ARGS__ })
/* A new buffer with the first len bytes of b. */
buf *buf_prefix(const buf *b, size_t len);
/* One gzip member of data at zlib level (0..9). */
buf *gz(const void *data, size_t len, int level);
/* A gzip member of size zero bytes (compressed as a stream: no big buffer). */
buf *gz_zeros(uint64_t size, int level);

/* ---- building profiles ------------------------------------------------ */

/* An empty profile: the string table holds only "". */
PbProfile *pb_new(void);
/* pb_new with sample types samples/count and cpu/nanoseconds, period type
 * cpu/nanoseconds and period 10000000. */
PbProfile *pb_cpu(void);
/* The index of s in the string table, appended if new. */
int64_t pb_str(PbProfile *p, const char *s);
void pb_sample_type(PbProfile *p, const char *type, const char *unit);
void pb_period_type(PbProfile *p, const char *type, const char *unit);
void pb_comment(PbProfile *p, const char *text);
/* file and build_id may be NULL (index 0, ""). */
PbMapping *pb_mapping(PbProfile *p, uint64_t id, uint64_t start, uint64_t limit, uint64_t offset,
                      const char *file, const char *build_id);
/* NULL strings are index 0 (""). */
PbFunction *pb_function(PbProfile *p, uint64_t id, const char *name, const char *system_name,
                        const char *file, int64_t start_line);
/* A function with only a name. */
PbFunction *pb_fn(PbProfile *p, uint64_t id, const char *name);
PbLocation *pb_location(PbProfile *p, uint64_t id, uint64_t mapping_id, uint64_t address);
/* Appends a line (column 0) to l; returns l. */
PbLocation *pb_line(PbLocation *l, uint64_t function_id, int64_t line);
/* A location without mapping or address, with one line. */
PbLocation *pb_loc(PbProfile *p, uint64_t id, uint64_t function_id, int64_t line);
PbSample *pb_sample(PbProfile *p, const uint64_t *locs, size_t nlocs, const int64_t *values,
                    size_t nvalues);
#define LOCS(...)                          \
	(const uint64_t[]){ __VA_ARGS__ }, \
		sizeof((const uint64_t[]){ __VA_ARGS__ }) / sizeof(uint64_t)
#define VALS(...) \
	(const int64_t[]){ __VA_ARGS__ }, sizeof((const int64_t[]){ __VA_ARGS__ }) / sizeof(int64_t)
#define NOLOCS NULL, 0
void pb_label(PbProfile *p, PbSample *s, const char *key, const char *str);
void pb_numlabel(PbProfile *p, PbSample *s, const char *key, int64_t num, const char *unit);
/* The profile packed as protobuf, and as one gzip member (level 6). */
buf *pb_bytes(const PbProfile *p);
buf *pb_gz(const PbProfile *p);

/*
 * A small CPU profile without mappings:
 * functions 1 main, 2 work, 3 idle; locations 1 (main:10), 2 (work:20),
 * 3 (idle:30); samples [2,1]=(v1, v1*10) and [3,1]=(v2, v2*10).
 */
PbProfile *pb_small(int64_t v1, int64_t v2);

/* ---- libpprof --------------------------------------------------------- */

/* The only profile in b (asserts success and the end of the stream). */
pprof_profile *load_buf(const buf *b);
/* p packed and read back through a buffer reader. */
pprof_profile *load(const PbProfile *p);
/* Reads b to its end or first error; returns the first code that is not
 * PPROF_OK and sets *msg to the reader's error text then (copied). */
int read_all(const buf *b, const char **msg);
/* read_all of p packed; asserts that it failed. */
int load_err(const PbProfile *p, const char **msg);

/* Merges n profiles, with flags[i] for the i-th (flags may be NULL). */
pprof_profile *merge(size_t n, pprof_profile *const *ps, const unsigned *flags);
#define MERGE(...)                                                                  \
	merge(sizeof((pprof_profile *[]){ __VA_ARGS__ }) / sizeof(pprof_profile *), \
	      (pprof_profile *[]){ __VA_ARGS__ }, NULL)

/* The writer's output for p at level (0..9 or PPROF_UNCOMPRESSED). */
buf *write_profile(const pprof_profile *p, int level);
/* p written uncompressed and unpacked again with protobuf-c. */
PbProfile *dump(const pprof_profile *p);

/* pprof_stack_fn for pprof_report_folded: appends "a;b value\n" for each
 * stack to the text at ctx (which must have room). */
int add_stack(void *ctx, const char *const *frames, size_t n, int64_t value);

/* ---- filters ---------------------------------------------------------- */

/* defer() callbacks for a filter and a profile. */
void filter_free_cb(void *f);
void profile_free_cb(void *p);
/* p read back as a profile of its own, not deferred: pprof_filter_apply
 * frees it. */
pprof_profile *fresh(const PbProfile *p);
/* The error text of an apply of f to pb that must fail with code, leaving
 * the profile as it was: the same pointer, encoding to the same bytes. */
const char *apply_err(pprof_filter *f, const PbProfile *pb, int code);

/* ---- rendering a profile as text -------------------------------------- */

/* String i of u as a C string. */
const char *S(const PbProfile *u, int64_t i);
/* One line per object, in order, "\n" after each:
 *   samples:   "1,2 {k=v,n=5:bytes} = 10,20"   (labels only when present)
 *   locations: "1 m1 0x401000 [1:10,2:3]"      ("m0" no mapping, " folded", line:col)
 *   functions: "1 main/sys/file.go/12"
 *   mappings:  "1 0x400000-0x401000+0 file build"
 *   stacks:    "main;work {k=v} = 10,20"       (function names leaf first)
 */
const char *render_samples(const PbProfile *u);
const char *render_locations(const PbProfile *u);
const char *render_functions(const PbProfile *u);
const char *render_mappings(const PbProfile *u);
const char *render_stacks(const PbProfile *u);
/* The comments of u joined with ",". */
const char *render_comments(const PbProfile *u);

/* Assert that s starts with prefix / contains needle, printing both if not. */
#define ck_assert_prefix(s, prefix)                                \
	ck_assert_msg(strncmp((s), (prefix), strlen(prefix)) == 0, \
	              "\"%s\" does not start with \"%s\"", (s), (prefix))
#define ck_assert_contains(s, needle)                                                       \
	ck_assert_msg(strstr((s), (needle)) != NULL, "\"%s\" does not contain \"%s\"", (s), \
	              (needle))

#endif /* TESTLIB_H */
