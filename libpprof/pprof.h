/*
 * pprof.h - libpprof, the library behind pprof-tools.
 *
 * Reads streams of pprof profiles (gzip'd or plain profile.proto), validates
 * them, merges them as google/pprof's profile.Merge does, and writes them back.
 *
 * Conventions:
 *  - Every object is an opaque handle made by a _new (or a _next/_finish that
 *    says so) and released by its _free; _free(NULL) does nothing.
 *  - Calls that can fail return one of the PPROF_* codes below. A handle keeps
 *    the text of its last error, read with its _error function; the text stays
 *    valid until the next call on that handle. pprof_strerror() names a code.
 *  - A transform is int pprof_X_apply(const X *, pprof_profile **p): on
 *    PPROF_OK *p is the result (the old profile freed, or changed in place);
 *    on failure *p is the same profile, unchanged. The one exception to
 *    const is pprof_filter_apply: the filter records the last apply's error
 *    text and the options that matched nothing in it (read with
 *    pprof_filter_error and pprof_filter_unmatched), so a filter is used by
 *    one thread at a time. pprof_merger_add is no transform but an
 *    accumulator (p is const).
 *  - Strings returned by accessors are owned by the profile and live as long
 *    as it does. The library keeps no global mutable state: handles may be used
 *    from different threads as long as each handle is used by one at a time.
 */
#ifndef PPROF_H
#define PPROF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PPROF_VERSION "0.1.0"

/* Return codes. */
enum {
	PPROF_OK = 0,            /* success */
	PPROF_END = 1,           /* pprof_reader_next: no more profiles */
	PPROF_ERR_DATA = -1,     /* malformed or invalid profile data */
	PPROF_ERR_IO = -2,       /* reading or writing failed (errno kept) */
	PPROF_ERR_NOMEM = -3,    /* out of memory */
	PPROF_ERR_LIMIT = -4,    /* input larger than the configured limit */
	PPROF_ERR_MISMATCH = -5, /* profiles with incompatible sample types */
	PPROF_ERR_ARG = -6       /* invalid argument */
};

/* The text for a return code, e.g. "malformed profile data". */
const char *pprof_strerror(int code);

/* The library's version, e.g. "0.1.0", and those of the zlib and protobuf-c
 * libraries it runs with. */
const char *pprof_version(void);
const char *pprof_zlib_version(void);
const char *pprof_protobuf_c_version(void);

/* Default limit on the uncompressed size of one profile: 2 GiB. */
#define PPROF_DEFAULT_MAX_SIZE ((uint64_t)2 << 30)

/* ---- Units, as google/pprof's measurement package knows them -------- */

/*
 * value, in unit (a sample type's unit such as "nanoseconds" or "bytes"),
 * expressed in to_unit ("ms", "MB", ...; "auto" or "minimum" for the largest
 * unit it is at least 1 of), as pprof's measurement.Scale does: returns the
 * name of the unit *scaled is in, "" for counts. A static string.
 */
const char *pprof_unit_scale(int64_t value, const char *unit, const char *to_unit, double *scaled);

/* Room for any label pprof_unit_label writes. */
#define PPROF_UNIT_LABEL_LEN 64

/* value as pprof's measurement.ScaledLabel writes it: scaled from unit to
 * to_unit (pprof_unit_scale), "%.2f" without a ".00", the unit appended
 * ("1.50kB", "10ms"); "0" for what prints as zero. Written to buf (size
 * bytes, PPROF_UNIT_LABEL_LEN is enough), which is returned. */
const char *pprof_unit_label(char *buf, size_t size, int64_t value, const char *unit,
                             const char *to_unit);

/* Kinds of unit, for pprof_unit_kind. */
enum { PPROF_UNIT_OTHER, PPROF_UNIT_BYTES, PPROF_UNIT_TIME, PPROF_UNIT_GCU };

/* The kind of a unit name, and in *factor its size in the kind's base unit
 * (bytes, nanoseconds, GCU); 1 for other units. */
int pprof_unit_kind(const char *unit, double *factor);

/* ---- Text from profiles, for terminals and messages ----------------- */

/*
 * The len bytes at s (a name from a profile, NULs and all) made safe to
 * print: printable UTF-8 stays as it is; every other byte (control
 * characters, NUL, DEL, the C1 controls U+0080..U+009F, bytes that are not
 * UTF-8) becomes "\xHH" (lower-case hex), so that a profile cannot drive a
 * terminal. Writes what fits into buf (size bytes, whole characters and
 * escapes only, ending in a NUL when size > 0) and returns the length of
 * the whole escaped text, as snprintf does: it is len exactly when nothing
 * needed escaping, and at most 4 * len.
 */
size_t pprof_escape(char *buf, size_t size, const char *s, size_t len);

/* ---- Profiles ------------------------------------------------------- */

typedef struct pprof_profile pprof_profile;

/* A profile with no samples and no sample types (what merging nothing gives).
 * NULL when out of memory. */
pprof_profile *pprof_profile_new_empty(void);

void pprof_profile_free(pprof_profile *p);

/* Counts of the objects a profile holds. */
size_t pprof_profile_sample_count(const pprof_profile *p);
size_t pprof_profile_location_count(const pprof_profile *p);
size_t pprof_profile_function_count(const pprof_profile *p);
size_t pprof_profile_mapping_count(const pprof_profile *p);
size_t pprof_profile_string_count(const pprof_profile *p);

/* Sample types: how many, and the type and unit of the i-th (0-based). */
size_t pprof_profile_sample_type_count(const pprof_profile *p);
const char *pprof_profile_sample_type(const pprof_profile *p, size_t i, const char **unit);
/* The index of the sample type reports use by default, as pprof picks it: the
 * one named by default_sample_type, else the last. 0 when there are none. */
size_t pprof_profile_default_sample_type(const pprof_profile *p);

/* Finds a sample type as pprof's -sample_index does: a 0-based index, or a
 * type name ("inuse_space" also finds "space"). PPROF_ERR_ARG when there is
 * no such sample type. */
int pprof_profile_find_sample_type(const pprof_profile *p, const char *spec, size_t *index);

/* The period type (type, and *unit if unit is not NULL); "" when absent. */
const char *pprof_profile_period_type(const pprof_profile *p, const char **unit);
int64_t pprof_profile_period(const pprof_profile *p);
int64_t pprof_profile_time_nanos(const pprof_profile *p);
int64_t pprof_profile_duration_nanos(const pprof_profile *p);

/* The sum over all samples of the i-th value (wrapping as int64, like pprof). */
int64_t pprof_profile_total(const pprof_profile *p, size_t i);

/* ---- Reading a stream of profiles ----------------------------------- */

typedef struct pprof_reader pprof_reader;

/*
 * A reader of the profiles in a file descriptor (not closed by the reader) or
 * in a memory buffer (not copied: it must outlive the reader). Input that
 * starts with the gzip magic is a sequence of gzip members, one profile each;
 * any other input is one uncompressed profile. NULL when out of memory.
 */
pprof_reader *pprof_reader_new_fd(int fd);
pprof_reader *pprof_reader_new_buffer(const void *data, size_t size);

/* Refuse profiles whose uncompressed size exceeds max_size bytes (default
 * PPROF_DEFAULT_MAX_SIZE): reading stops after at most that many bytes. */
void pprof_reader_set_max_size(pprof_reader *r, uint64_t max_size);

/*
 * Reads, decodes and validates the next profile. On PPROF_OK, *out is a new
 * profile owned by the caller. PPROF_END when the input is exhausted (an
 * input with no bytes at all gives PPROF_END at once; pprof_reader_count
 * tells it apart). Any other code is an error; the reader is then done.
 * Error texts start with "profile N: " (1-based position in the stream).
 */
int pprof_reader_next(pprof_reader *r, pprof_profile **out);

/*
 * Starts a thread that reads and inflates up to two profiles ahead while the
 * caller decodes (and uses) the current one, so a long stream on one
 * descriptor keeps two cores busy. Call it after pprof_reader_set_max_size
 * and before the first pprof_reader_next (later, it does nothing). The
 * thread ends with the reader: pprof_reader_free cancels it even when it
 * waits for input. Costs up to two more profiles' bytes of memory. PPROF_OK,
 * or PPROF_ERR_NOMEM when no thread could be started (the reader then works
 * without).
 */
int pprof_reader_inflate_ahead(pprof_reader *r);

/*
 * A budget for the bytes of the profiles that readers in several threads hold
 * at once (each profile's uncompressed bytes, from reading it until it is
 * decoded): bytes in all. A reader that needs more room than is left waits
 * for it, except the reader of lowest order among those sharing the budget
 * (while it has nothing read ahead waiting): it always gets room, up to its
 * own max size, so that it finishes and gives room back whatever the others
 * hold. So readers that are consumed in their order never wait for each other
 * in a circle, and together hold at most bytes plus one max size. A profile
 * over the max size is refused as without a budget. The budget is safe to
 * share between threads and must outlive its readers; NULL when out of
 * memory.
 */
typedef struct pprof_budget pprof_budget;
pprof_budget *pprof_budget_new(uint64_t bytes);
void pprof_budget_free(pprof_budget *b);

/* Makes r take room for its profiles' bytes from b; order ranks it (the
 * caller consumes readers of lower order first: the input's position). Call
 * before pprof_reader_inflate_ahead and the first pprof_reader_next;
 * PPROF_ERR_ARG after them or with a budget already. */
int pprof_reader_set_budget(pprof_reader *r, pprof_budget *b, uint64_t order);

/* Profiles returned so far, and the bytes read and inflated up to the end
 * of the last one returned (input is read in blocks, so bytes_in may count
 * some of the next). */
unsigned long pprof_reader_count(const pprof_reader *r);
uint64_t pprof_reader_bytes_in(const pprof_reader *r);
uint64_t pprof_reader_bytes_out(const pprof_reader *r);

const char *pprof_reader_error(const pprof_reader *r);
void pprof_reader_free(pprof_reader *r);

/* ---- Writing -------------------------------------------------------- */

/* Where encoded bytes go: returns 0, or -1 with errno set on failure. */
typedef int (*pprof_sink)(void *ctx, const void *data, size_t size);

typedef struct pprof_writer pprof_writer;

/* Level for pprof_writer_new: write raw protobuf instead of gzip. */
#define PPROF_UNCOMPRESSED (-1)

/*
 * A writer that encodes profiles to sink: each profile as one gzip member at
 * zlib level 0..9 (Go writes 6), or as raw protobuf with PPROF_UNCOMPRESSED.
 * On PPROF_OK *out is the new writer; else *out is NULL and the code says
 * why: PPROF_ERR_ARG for a level out of range or no sink, PPROF_ERR_NOMEM.
 */
int pprof_writer_new(pprof_writer **out, pprof_sink sink, void *ctx, int level);

/* Compresses with up to jobs threads (1 to 64; default 1). Each profile is
 * compressed in independent blocks, so the bytes are the same for any jobs. */
int pprof_writer_set_jobs(pprof_writer *w, int jobs);

/* Encodes p (deterministically: same profile, same bytes) and sends it on. */
int pprof_writer_put(pprof_writer *w, const pprof_profile *p);

/* Bytes passed to the sink so far. */
uint64_t pprof_writer_bytes_out(const pprof_writer *w);

const char *pprof_writer_error(const pprof_writer *w);
void pprof_writer_free(pprof_writer *w);

/* ---- Merging -------------------------------------------------------- */

typedef struct pprof_merger pprof_merger;

/* Flags for pprof_merger_add. */
enum {
	PPROF_MERGE_SUBTRACT = 1u << 0,  /* add the profile's values negated (a base) */
	PPROF_MERGE_MARK_BASE = 1u << 1, /* label its samples pprof::base=true */
	PPROF_MERGE_PART = 1u << 2       /* p is a part (pprof_merger_finish_part):
	                                    its zero samples keep their place */
};

pprof_merger *pprof_merger_new(void);

/*
 * Merges profile p into the result (p is not changed or kept). Errors:
 * PPROF_ERR_MISMATCH when p's sample types or period type differ from those
 * of the first profile added; the result is unchanged then.
 */
int pprof_merger_add(pprof_merger *m, const pprof_profile *p, unsigned flags);

/* Profiles merged so far. */
unsigned long pprof_merger_count(const pprof_merger *m);

/*
 * The merged profile, new and owned by the caller; the merger is reset to
 * empty. With nothing added, the result is an empty profile.
 */
int pprof_merger_finish(pprof_merger *m, pprof_profile **out);

/*
 * pprof_merger_finish for a part of a larger merge: samples whose values
 * cancelled out stay, with zero values. Parts of consecutive inputs, each
 * merged with the same flags as in one merge and then added in order with
 * PPROF_MERGE_PART, give the same result as one merge of the inputs.
 */
int pprof_merger_finish_part(pprof_merger *m, pprof_profile **out);

const char *pprof_merger_error(const pprof_merger *m);
void pprof_merger_free(pprof_merger *m);

/* ---- Normalizing (pprof -normalize) --------------------------------- */

/*
 * Scales *p's values so that the total of each sample type equals base's, as
 * google/pprof's Profile.Normalize (what `go tool pprof -normalize` does to
 * the profile before subtracting the base): values of type i are multiplied
 * by base's total over p's (0 when p's is 0) and rounded to the nearest
 * integer, halves away from zero. As in pprof, samples are dropped whose
 * scaled values are all zero (values of a type whose factor is exactly 1
 * are not looked at), and nothing changes when every factor is 1. Errors:
 * PPROF_ERR_MISMATCH when the period or sample types differ, PPROF_ERR_NOMEM;
 * *p is then unchanged. On PPROF_OK *p is the same profile, scaled in place.
 */
int pprof_normalize_apply(const pprof_profile *base, pprof_profile **p);

/* ---- Threads -------------------------------------------------------- */

/*
 * A worker pool: threads that run the tasks queued to them, in the order
 * queued. The writer compresses in one of its own; the tools read ahead and
 * merge in parts in theirs.
 */
typedef struct pprof_pool pprof_pool;

/* Starts up to threads threads (1 to 64): fewer when the system refuses
 * more (pprof_pool_threads says how many, maybe none). NULL when out of
 * memory or threads is out of range. */
pprof_pool *pprof_pool_new(int threads);
/* How many threads the pool runs; 0 for NULL. */
int pprof_pool_threads(const pprof_pool *pool);
/* Queues run(arg) for a thread of the pool. PPROF_ERR_ARG when the pool has
 * no thread, PPROF_ERR_NOMEM when out of memory: then run was not queued. */
int pprof_pool_run(pprof_pool *pool, void (*run)(void *), void *arg);
/* Waits until every task queued so far has returned. */
void pprof_pool_wait(pprof_pool *pool);
/* Waits for the tasks, then ends the threads and frees the pool. */
void pprof_pool_free(pprof_pool *pool);

/* ---- Reports -------------------------------------------------------- */
/*
 * What pprof-stat shows, computed as `go tool pprof` computes its -top, -tags
 * and -traces reports, at its default granularity ("functions") unless the
 * report is made with other options (pprof_report_new_with): a node of the
 * call graph is a function by name, and every Line of a Location is a frame
 * of its own (inlined calls included), the last Line rootmost. Values are
 * raw numbers in the sample type's unit; formatting is the caller's.
 */

typedef struct pprof_report pprof_report;

/* A report on profile p, which must outlive it unchanged. NULL when out of
 * memory. Results returned by the calls below belong to the report and stay
 * valid until the next call of the same function or pprof_report_free. */
pprof_report *pprof_report_new(const pprof_profile *p);

/*
 * What a node of the call graph is: pprof's granularity flags, which every
 * view of the report (top, traces, folded stacks) uses. A node is what the
 * granularity keeps of a frame (pprof's Profile.Aggregate and NodeInfo):
 *   PPROF_FUNCTIONS      the function's name (pprof's default);
 *   PPROF_FILEFUNCTIONS  name and source file;
 *   PPROF_FILES          the source file alone;
 *   PPROF_LINES          name, file and line number;
 *   PPROF_ADDRESSES      the location's address, name, file and line (and
 *                        column, unless noinlines: pprof then aggregates).
 * A frame is named as pprof prints a node: the address ("%016x"), the name,
 * then "file:line" (or the file), or "[binary]" or "<unknown>" when there is
 * nothing else. File names are cleaned as Go's filepath.Clean does, and in
 * top tables a "/proc/self/cwd/" prefix is trimmed (pprof's trimPath); pprof
 * does not trim them in traces and neither do traces and folded stacks here.
 * With noinlines, a location is one frame, its last (outermost) Line: pprof's
 * -noinlines.
 */
enum { PPROF_FUNCTIONS = 0, PPROF_FILEFUNCTIONS, PPROF_FILES, PPROF_LINES, PPROF_ADDRESSES };

typedef struct {
	int granularity; /* PPROF_FUNCTIONS ... PPROF_ADDRESSES */
	int noinlines;   /* a location is its outermost Line alone */
} pprof_report_options;

/* Sets pprof's defaults: PPROF_FUNCTIONS, inlined frames kept. */
void pprof_report_options_init(pprof_report_options *o);

/* pprof_report_new with options: *r is the report on PPROF_OK;
 * PPROF_ERR_ARG for a granularity out of range, PPROF_ERR_NOMEM. */
int pprof_report_new_with(pprof_report **r, const pprof_profile *p, const pprof_report_options *o);
const char *pprof_report_error(const pprof_report *r);
void pprof_report_free(pprof_report *r);

/* A label key of the profile's samples. Labels count as pprof reads them: a
 * label with a string is a string label; one without, with a number or a
 * unit, is a numeric label; others are ignored. */
typedef struct {
	const char *key;
	size_t strings;   /* distinct string values */
	size_t numbers;   /* distinct numeric values */
	size_t samples;   /* samples with the key */
	const char *unit; /* numbers' unit as pprof takes it (the first one
	                        given, else guessed from the key); "" if none */
	size_t key_len;   /* the bytes of key, which may hold NULs */
} pprof_label_key;

/* The label keys of the samples, sorted by key. */
int pprof_report_label_keys(pprof_report *r, const pprof_label_key **keys, size_t *n);

/* What pprof_report_top computes. */
typedef struct {
	size_t sample_type;   /* value column; SIZE_MAX for the default one */
	size_t max_rows;      /* at most this many rows (pprof -nodecount); 0: all */
	double node_fraction; /* drop nodes whose |cum| is under this share of the
	                          total flat (pprof -nodefraction, 0.005) */
	double edge_fraction; /* likewise for call edges, which only decide the
	                          inline marks (pprof -edgefraction, 0.001) */
	int sort_cum;         /* sort by cum (pprof -cum) instead of flat */
} pprof_top_options;

/* Sets pprof's defaults, all rows, and the default sample type. */
void pprof_top_options_init(pprof_top_options *o);

/* How a row's function was reached: pprof's "(inline)" and
 * "(partial-inline)" marks, from the call edges it keeps into it. */
enum { PPROF_CALLED = 0, PPROF_INLINED = 1, PPROF_PARTLY_INLINED = 2 };

typedef struct {
	const char *name; /* function, "[file]" of a mapping, or "<unknown>" */
	int64_t flat, cum;
	int inlined;     /* PPROF_CALLED, PPROF_INLINED or PPROF_PARTLY_INLINED */
	size_t name_len; /* the bytes of name, which may hold NULs */
} pprof_top_row;

typedef struct {
	size_t sample_type; /* the value column used */
	int64_t total;      /* pprof's report total: the sum of |value| over all
	                        samples (over the pprof::base=true ones only, in a
	                        -diff_base profile) */
	int64_t shown;      /* flat summed over the rows */
	size_t nodes;       /* nodes left after dropping small ones */
	size_t dropped;     /* nodes dropped for a small cum */
	int64_t drop_limit; /* |total * node_fraction|, as pprof shows it */
	size_t n_rows;      /* min(nodes, max_rows), sorted */
	const pprof_top_row *rows;
} pprof_top;

/* Flat and cumulative values per function, like `go tool pprof -top`.
 * PPROF_ERR_ARG for a sample type out of range. */
int pprof_report_top(pprof_report *r, const pprof_top_options *o, const pprof_top **out);

/* One value of a label key and the weight of the samples that have it. */
typedef struct {
	const char *str; /* value of a string label; NULL for a number */
	int64_t num;     /* value of a numeric label */
	int64_t weight;  /* the sample type summed over those samples */
	size_t samples;
	size_t str_len; /* the bytes of str, which may hold NULs */
} pprof_label_value;

typedef struct {
	size_t sample_type;
	const char *unit;   /* of numeric values, as in pprof_label_key */
	int64_t total;      /* the weights summed (pprof -tags "Total") */
	int64_t unlabelled; /* the sample type summed over samples without
	                              the key */
	size_t unlabelled_samples;
	size_t n_values; /* values sorted by |weight|, then by value */
	const pprof_label_value *values;
} pprof_breakdown;

/* The weight of each value of label key, like `go tool pprof -tags` shows
 * it for one key: a sample adds its value once per label it has with key.
 * sample_type SIZE_MAX is the default one. */
int pprof_report_by_label(pprof_report *r, const char *key, size_t sample_type,
                          const pprof_breakdown **out);

/* One value of a label key as `go tool pprof -tags` shows it: a string
 * label's string, or a numeric label's number scaled and written in its
 * key's unit ("1kB", "5ms"; numbers that print alike are one value). */
typedef struct {
	const char *name;
	int64_t weight;  /* the sample type summed over the labels with it */
	size_t name_len; /* the bytes of name, which may hold NULs */
} pprof_tag_value;

typedef struct {
	const char *key;
	int64_t total;   /* the weights summed (pprof's "Total") */
	size_t n_values; /* sorted by |weight| decreasing, then by name */
	const pprof_tag_value *values;
	size_t key_len; /* the bytes of key */
} pprof_tag_key;

typedef struct {
	size_t sample_type;
	size_t n_keys; /* sorted by key */
	const pprof_tag_key *keys;
} pprof_tags;

/* Every label key's values and their weights, as `go tool pprof -tags`
 * computes them: a sample adds its value once per label it has; numbers are
 * written in their key's unit (the first one a label gives, else pprof's
 * guess) scaled as pprof's default -unit does. sample_type SIZE_MAX is the
 * default one; PPROF_ERR_ARG for one out of range. */
int pprof_report_tags(pprof_report *r, size_t sample_type, const pprof_tags **out);

/* Receives one stack of pprof_report_folded: frame names, root first, and
 * the summed value. Returns PPROF_OK to go on, or a PPROF code (such as
 * PPROF_ERR_IO) to stop, which pprof_report_folded then returns. */
typedef int (*pprof_stack_fn)(void *ctx, const char *const *frames, size_t n, int64_t value);

/*
 * Collapsed stacks: the samples' values (of sample_type, SIZE_MAX for the
 * default) summed per distinct stack of frame names, inlined frames
 * included, passed to fn in byte order of the names joined with ';'. These
 * names are text for one line each: ';' is replaced by ':' (the frame
 * separator), and other bytes as pprof_escape makes them ("\x0a" for a line
 * break). Stacks whose sum is zero are left out. PPROF_OK,
 * PPROF_ERR_ARG for a sample type out of range, PPROF_ERR_NOMEM, or the
 * code fn stopped with.
 */
int pprof_report_folded(pprof_report *r, size_t sample_type, pprof_stack_fn fn, void *ctx);

/* A frame of a trace: a node's name as pprof prints it (see
 * pprof_report_options), and whether it is an inlined call (a Line of its
 * Location other than the last: pprof's "(inline)"). */
typedef struct {
	const char *name;
	size_t name_len; /* the bytes of name, which may hold NULs */
	int inlined;
} pprof_frame;

/* The labels of one key on a sample, in the order the sample has them:
 * strings (str, str_len) or numbers (num, in unit as pprof_label_key has
 * it). weight is the sample's value, samples 1. */
typedef struct {
	const char *key;
	size_t key_len;
	int numeric;      /* values are numbers, else strings */
	const char *unit; /* numbers: the key's unit; "" for strings */
	size_t n_values;
	const pprof_label_value *values;
} pprof_trace_label;

/* One sample as pprof -traces prints it. */
typedef struct {
	size_t sample;                   /* its index in the profile */
	int64_t value;                   /* of the sample type asked for */
	size_t n_frames;                 /* >= 1 */
	const pprof_frame *frames;       /* leaf first */
	size_t n_labels;                 /* keys with string labels first, then */
	const pprof_trace_label *labels; /* those with numbers, each in order of
	                                      first appearance */
} pprof_trace;

/* Receives one trace; the trace is valid during the call. Returns PPROF_OK to
 * go on, or a PPROF code to stop, which pprof_report_traces then returns. */
typedef int (*pprof_trace_fn)(void *ctx, const pprof_trace *t);

/*
 * Every sample with a stack, in the profile's order, its value of
 * sample_type (SIZE_MAX for the default; zero values included), frames and
 * labels: what `go tool pprof -traces` prints. Samples are not summed: a
 * profile read as one (not merged) gives pprof's order. PPROF_OK,
 * PPROF_ERR_ARG for a sample type out of range, PPROF_ERR_NOMEM, or the code
 * fn stopped with.
 */
int pprof_report_traces(pprof_report *r, size_t sample_type, pprof_trace_fn fn, void *ctx);

/* ---- Label edits (pprof-tag) ---------------------------------------- */
/*
 * An ordered list of changes to the labels of every sample of a profile, and
 * to its comments, applied as google/pprof's Profile methods would apply them
 * (SetLabel, RemoveLabel, SetNumLabel, ...). A sample's labels are as pprof
 * reads them: a label with a string is a string label; one without, with a
 * number or a unit, is a numeric label; others are no labels. Keys that start
 * with "pprof::" are pprof's own: edits refuse them, and no edit changes or
 * drops such a label.
 *
 * The calls that add an edit copy their strings and return PPROF_OK,
 * PPROF_ERR_NOMEM, or PPROF_ERR_ARG for an empty or reserved key and for
 * what profile.proto cannot hold (a label with an empty string; 0 without a
 * unit; an empty comment); the handle's error text says which.
 */
typedef struct pprof_label_edits pprof_label_edits;

pprof_label_edits *pprof_label_edits_new(void);
const char *pprof_label_edits_error(const pprof_label_edits *e);
void pprof_label_edits_free(pprof_label_edits *e);

/* The string values of key become value alone (pprof's SetLabel); numeric
 * labels with the key stay. */
int pprof_label_edits_set(pprof_label_edits *e, const char *key, const char *value);
/* Appends value to the string values of key, unless it is one already. */
int pprof_label_edits_add(pprof_label_edits *e, const char *key, const char *value);
/* Sets key to value on the samples that have no label with key, string or
 * numeric. */
int pprof_label_edits_set_if_missing(pprof_label_edits *e, const char *key, const char *value);
/* The numeric values of key become num alone, in unit ("" or NULL for none)
 * (pprof's SetNumLabel); string labels with the key stay. */
int pprof_label_edits_num(pprof_label_edits *e, const char *key, int64_t num, const char *unit);
/* Removes the labels with key, string and numeric (RemoveLabel and
 * RemoveNumLabel). */
int pprof_label_edits_delete(pprof_label_edits *e, const char *key);
/* Renames key from to key to. Per kind (string, numeric): if a sample has
 * labels of that kind with key from, they replace those with key to. */
int pprof_label_edits_rename(pprof_label_edits *e, const char *from, const char *to);
/* Removes the labels whose key is none of the n keys (and not reserved). */
int pprof_label_edits_keep(pprof_label_edits *e, const char *const *keys, size_t n);
/* Adds a comment to the profile (kept once, where it is there already). */
int pprof_label_edits_comment(pprof_label_edits *e, const char *text);

/* Edits added so far. */
size_t pprof_label_edits_count(const pprof_label_edits *e);

/*
 * Applies the edits, in the order they were added, to *p, then merges the
 * result on its own, so that samples whose labels became the same are one,
 * their values summed, as pprof merges them; ids and strings are renumbered
 * as pprof_merger_finish does. On PPROF_OK *p is the new profile (the old
 * one is freed). Fails only with PPROF_ERR_NOMEM; *p is then unchanged (and
 * e's error text too: it is that of the calls that add an edit). e is not
 * changed, so threads may share it.
 */
int pprof_label_edits_apply(const pprof_label_edits *e, pprof_profile **p);

/* ---- Filters -------------------------------------------------------- */
/*
 * What pprof-filter does to each profile of a stream: google/pprof's filters
 * (`go tool pprof` options of the same names, in the order pprof applies
 * them), then edits of our own, then a merge of the result on its own (as
 * pprof_merger does), which drops what nothing references any more, adds up
 * samples that became the same and numbers ids afresh.
 *
 * Regular expressions are Go's, as pprof's are: RE2's syntax and semantics
 * (RE2 matches them, in time linear in the text), found anywhere in the
 * text. A name filter matches a
 * location when one of its lines' function names or file names does, or its
 * mapping's file name does; hide, show, show-from and prune-from remove lines
 * of a location (inlined frames) as pprof does.
 */

typedef struct pprof_filter pprof_filter;

/* The options of a filter, in the order they apply; but TAG_ROOT and
 * TAG_LEAF, last so that the others keep their numbers, apply first of all,
 * as pprof adds its -tagroot and -tagleaf frames before it filters. */
enum {
	PPROF_FILTER_FOCUS,       /* keep samples with a matching location */
	PPROF_FILTER_IGNORE,      /* drop samples with a matching location */
	PPROF_FILTER_HIDE,        /* remove matching frames */
	PPROF_FILTER_SHOW,        /* keep only matching frames */
	PPROF_FILTER_SHOW_FROM,   /* remove frames above the rootmost match */
	PPROF_FILTER_TAG_FOCUS,   /* keep samples with a matching label: */
	PPROF_FILTER_TAG_IGNORE,  /*   KEY=REGEX[,REGEX], REGEX[,REGEX] (on
	                              "key:value"), or a numeric range with units
	                              (KEY=1mb:, :64kb, 2kb:4kb, 10ms) */
	PPROF_FILTER_TAG_SHOW,    /* keep only label keys that match */
	PPROF_FILTER_TAG_HIDE,    /* remove label keys that match */
	PPROF_FILTER_PRUNE_FROM,  /* remove frames below the leafmost match */
	PPROF_FILTER_RENAME,      /* "REGEX=REPLACEMENT" on function names, \1..\9
	                              for groups; may be given several times */
	PPROF_FILTER_SAMPLE_TYPE, /* keep one value column: a type name or a
	                              0-based index, as pprof's -sample_index */
	PPROF_FILTER_TAG_ROOT,    /* "KEY[,KEY]": each sample's values of each
	                              KEY as a frame at the root (the first KEY
	                              rootmost), a function named by the values
	                              joined with ',' (numbers as pprof formats
	                              them), its file name KEY; "" for a sample
	                              without KEY (pprof's -tagroot) */
	PPROF_FILTER_TAG_LEAF,    /* likewise at the leaf, the last KEY leafmost
	                              (pprof's -tagleaf) */
	PPROF_FILTER_N_OPTIONS
};

/* Flags for pprof_filter_set_flags. */
enum {
	PPROF_FILTER_DROP_LABELS = 1u << 0,    /* remove every label */
	PPROF_FILTER_DROP_ADDRESSES = 1u << 1, /* remove mappings and addresses */
	PPROF_FILTER_PGO = 1u << 2             /* keep only what go build -pgo
	                                           reads (last of all steps) */
};

/* A filter that changes nothing but merges; NULL when out of memory. */
pprof_filter *pprof_filter_new(void);
void pprof_filter_free(pprof_filter *f);
const char *pprof_filter_error(const pprof_filter *f);

/*
 * Sets one option (a PPROF_FILTER_* option) to the text arg, copied; a later
 * call replaces an earlier one, except for PPROF_FILTER_RENAME, which adds.
 * PPROF_ERR_ARG for an invalid regular expression or range, with the reason
 * in the filter's error text; the filter is then unchanged.
 */
int pprof_filter_set(pprof_filter *f, int option, const char *arg);

/* Multiplies every value by factor (rounding to the nearest integer, halves
 * away from zero) before samples are merged; PPROF_ERR_ARG unless finite. */
int pprof_filter_set_scale(pprof_filter *f, double factor);

/* Sets the PPROF_FILTER_DROP_* and PPROF_FILTER_PGO flags (replacing them). */
void pprof_filter_set_flags(pprof_filter *f, unsigned flags);

/*
 * Filters *p: on PPROF_OK, *p is a new profile (the old one is freed).
 * On failure *p is unchanged and the error text says why: PPROF_ERR_DATA
 * when the profile has no such sample type, or cannot be reduced for PGO
 * (no samples/count or cpu/nanoseconds sample type, or samples but no
 * function with a start line); PPROF_ERR_NOMEM. f is not const: it
 * records the error text and which options matched nothing in this
 * profile, read with the calls below (so one thread at a time).
 */
int pprof_filter_apply(pprof_filter *f, pprof_profile **p);

/* After pprof_filter_apply: how many options matched nothing in that
 * profile (pprof's "... expression matched no samples"), and the i-th of
 * them: *option its option, and *arg its text as set. PPROF_ERR_ARG when i
 * is not below the count. */
size_t pprof_filter_unmatched_count(const pprof_filter *f);
int pprof_filter_unmatched(const pprof_filter *f, size_t i, int *option, const char **arg);

#ifdef __cplusplus
}
#endif

#endif /* PPROF_H */
