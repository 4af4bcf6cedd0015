/* testlib.c - helpers shared by the Check suites (see testlib.h). */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "testlib.h"

/* ---- cleanup ---------------------------------------------------------- */

typedef struct {
	void *ptr;
	void (*fn)(void *);
} deferred;

static deferred *defers;
static size_t ndefers, capdefers;

static void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p) {
		fprintf(stderr, "testlib: out of memory\n");
		abort();
	}
	return p;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p) {
		fprintf(stderr, "testlib: out of memory\n");
		abort();
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xcalloc(n, 1), s, n);
}

void *defer(void *ptr, void (*fn)(void *))
{
	if (ndefers == capdefers) {
		capdefers = capdefers ? 2 * capdefers : 64;
		defers = xrealloc(defers, capdefers * sizeof(*defers));
	}
	defers[ndefers].ptr = ptr;
	defers[ndefers].fn = fn;
	ndefers++;
	return ptr;
}

void tl_setup(void)
{
	ndefers = 0;
}

void tl_teardown(void)
{
	while (ndefers > 0) {
		deferred *d = &defers[--ndefers];
		d->fn(d->ptr);
	}
	free(defers);
	defers = NULL;
	capdefers = 0;
}

TCase *tl_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, tl_setup, tl_teardown);
	tcase_set_timeout(tc, 120);
	return tc;
}

/* ---- bytes ------------------------------------------------------------ */

static void buf_free(void *p)
{
	buf *b = p;

	free(b->data);
	free(b);
}

buf *buf_new(void)
{
	return defer(xcalloc(1, sizeof(buf)), buf_free);
}

void buf_add(buf *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		b->cap = b->cap ? b->cap : 256;
		while (b->cap < b->len + len)
			b->cap *= 2;
		b->data = xrealloc(b->data, b->cap);
	}
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
}

buf *buf_join(size_t n, buf *const *parts)
{
	buf *b = buf_new();
	size_t i;

	for (i = 0; i < n; i++)
		buf_add(b, parts[i]->data, parts[i]->len);
	return b;
}

buf *buf_prefix(const buf *b, size_t len)
{
	buf *out = buf_new();

	ck_assert_uint_le(len, b->len);
	buf_add(out, b->data, len);
	return out;
}

/* Streams size bytes (from data, or zeros when data is NULL) into a gzip member. */
static buf *gz_stream(const void *data, uint64_t size, int level)
{
	static const uint8_t zeros[64 * 1024];
	uint8_t out[64 * 1024];
	buf *b = buf_new();
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	do {
		size_t chunk = size > sizeof(zeros) ? sizeof(zeros) : (size_t)size;
		z.next_in = (Bytef *)(data ? data : zeros);
		z.avail_in = (uInt)chunk;
		size -= chunk;
		do {
			z.next_out = out;
			z.avail_out = sizeof(out);
			rc = deflate(&z, size ? Z_NO_FLUSH : Z_FINISH);
			ck_assert_int_ne(rc, Z_STREAM_ERROR);
			buf_add(b, out, sizeof(out) - z.avail_out);
		} while (z.avail_out == 0 || (size == 0 && rc != Z_STREAM_END));
		if (data)
			data = (const uint8_t *)data + chunk;
	} while (size > 0);
	deflateEnd(&z);
	return b;
}

buf *gz(const void *data, size_t len, int level)
{
	return gz_stream(data ? data : "", len, level);
}

buf *gz_zeros(uint64_t size, int level)
{
	return gz_stream(NULL, size, level);
}

/* ---- building profiles ------------------------------------------------ */

static void pb_free(void *p)
{
	perftools__profiles__profile__free_unpacked(p, NULL);
}

/* Appends one item to a protobuf-c repeated field (array and count). */
#define PUSH(arr, n, item)                                           \
	do {                                                         \
		(arr) = xrealloc((arr), ((n) + 1) * sizeof(*(arr))); \
		(arr)[(n)++] = (item);                               \
	} while (0)

PbProfile *pb_new(void)
{
	PbProfile *p = xcalloc(1, sizeof(*p));
	ProtobufCBinaryData empty = { 0, NULL };

	perftools__profiles__profile__init(p);
	PUSH(p->string_table, p->n_string_table, empty);
	return defer(p, pb_free);
}

PbProfile *pb_cpu(void)
{
	PbProfile *p = pb_new();

	pb_sample_type(p, "samples", "count");
	pb_sample_type(p, "cpu", "nanoseconds");
	pb_period_type(p, "cpu", "nanoseconds");
	p->period = 10000000;
	return p;
}

int64_t pb_str(PbProfile *p, const char *s)
{
	size_t i, len = s ? strlen(s) : 0;
	ProtobufCBinaryData d;

	if (len == 0)
		return 0;
	for (i = 0; i < p->n_string_table; i++)
		if (p->string_table[i].len == len && memcmp(p->string_table[i].data, s, len) == 0)
			return (int64_t)i;
	d.len = len;
	d.data = (uint8_t *)xstrdup(s);
	PUSH(p->string_table, p->n_string_table, d);
	return (int64_t)p->n_string_table - 1;
}

static PbValueType *value_type(PbProfile *p, const char *type, const char *unit)
{
	PbValueType *vt = xcalloc(1, sizeof(*vt));

	perftools__profiles__value_type__init(vt);
	vt->type = pb_str(p, type);
	vt->unit = pb_str(p, unit);
	return vt;
}

void pb_sample_type(PbProfile *p, const char *type, const char *unit)
{
	PUSH(p->sample_type, p->n_sample_type, value_type(p, type, unit));
}

void pb_period_type(PbProfile *p, const char *type, const char *unit)
{
	if (p->period_type)
		perftools__profiles__value_type__free_unpacked(p->period_type, NULL);
	p->period_type = value_type(p, type, unit);
}

void pb_comment(PbProfile *p, const char *text)
{
	int64_t i = pb_str(p, text);

	PUSH(p->comment, p->n_comment, i);
}

PbMapping *pb_mapping(PbProfile *p, uint64_t id, uint64_t start, uint64_t limit, uint64_t offset,
                      const char *file, const char *build_id)
{
	PbMapping *m = xcalloc(1, sizeof(*m));

	perftools__profiles__mapping__init(m);
	m->id = id;
	m->memory_start = start;
	m->memory_limit = limit;
	m->file_offset = offset;
	m->filename = pb_str(p, file);
	m->build_id = pb_str(p, build_id);
	m->has_functions = 1;
	PUSH(p->mapping, p->n_mapping, m);
	return m;
}

PbFunction *pb_function(PbProfile *p, uint64_t id, const char *name, const char *system_name,
                        const char *file, int64_t start_line)
{
	PbFunction *f = xcalloc(1, sizeof(*f));

	perftools__profiles__function__init(f);
	f->id = id;
	f->name = pb_str(p, name);
	f->system_name = pb_str(p, system_name);
	f->filename = pb_str(p, file);
	f->start_line = start_line;
	PUSH(p->function, p->n_function, f);
	return f;
}

PbFunction *pb_fn(PbProfile *p, uint64_t id, const char *name)
{
	return pb_function(p, id, name, NULL, NULL, 0);
}

PbLocation *pb_location(PbProfile *p, uint64_t id, uint64_t mapping_id, uint64_t address)
{
	PbLocation *l = xcalloc(1, sizeof(*l));

	perftools__profiles__location__init(l);
	l->id = id;
	l->mapping_id = mapping_id;
	l->address = address;
	PUSH(p->location, p->n_location, l);
	return l;
}

PbLocation *pb_line(PbLocation *l, uint64_t function_id, int64_t line)
{
	Perftools__Profiles__Line *ln = xcalloc(1, sizeof(*ln));

	perftools__profiles__line__init(ln);
	ln->function_id = function_id;
	ln->line = line;
	PUSH(l->line, l->n_line, ln);
	return l;
}

PbLocation *pb_loc(PbProfile *p, uint64_t id, uint64_t function_id, int64_t line)
{
	PbLocation *l = pb_location(p, id, 0, 0);

	pb_line(l, function_id, line);
	return l;
}

PbSample *pb_sample(PbProfile *p, const uint64_t *locs, size_t nlocs, const int64_t *values,
                    size_t nvalues)
{
	PbSample *s = xcalloc(1, sizeof(*s));
	size_t i;

	perftools__profiles__sample__init(s);
	for (i = 0; i < nlocs; i++)
		PUSH(s->location_id, s->n_location_id, locs[i]);
	for (i = 0; i < nvalues; i++)
		PUSH(s->value, s->n_value, values[i]);
	PUSH(p->sample, p->n_sample, s);
	return s;
}

static Perftools__Profiles__Label *label_new(PbSample *s)
{
	Perftools__Profiles__Label *l = xcalloc(1, sizeof(*l));

	perftools__profiles__label__init(l);
	PUSH(s->label, s->n_label, l);
	return l;
}

void pb_label(PbProfile *p, PbSample *s, const char *key, const char *str)
{
	Perftools__Profiles__Label *l = label_new(s);

	l->key = pb_str(p, key);
	l->str = pb_str(p, str);
}

void pb_numlabel(PbProfile *p, PbSample *s, const char *key, int64_t num, const char *unit)
{
	Perftools__Profiles__Label *l = label_new(s);

	l->key = pb_str(p, key);
	l->num = num;
	l->num_unit = pb_str(p, unit);
}

buf *pb_bytes(const PbProfile *p)
{
	buf *b = buf_new();
	size_t len = perftools__profiles__profile__get_packed_size(p);

	b->data = xrealloc(NULL, len);
	b->cap = len;
	b->len = perftools__profiles__profile__pack(p, b->data);
	ck_assert_uint_eq(b->len, len);
	return b;
}

buf *pb_gz(const PbProfile *p)
{
	buf *raw = pb_bytes(p);

	return gz(raw->data, raw->len, 6);
}

PbProfile *pb_small(int64_t v1, int64_t v2)
{
	PbProfile *p = pb_cpu();

	pb_fn(p, 1, "main");
	pb_fn(p, 2, "work");
	pb_fn(p, 3, "idle");
	pb_loc(p, 1, 1, 10);
	pb_loc(p, 2, 2, 20);
	pb_loc(p, 3, 3, 30);
	/* unsigned: the wrap-around tests pass INT64_MAX */
	pb_sample(p, LOCS(2, 1), VALS(v1, (int64_t)((uint64_t)v1 * 10)));
	pb_sample(p, LOCS(3, 1), VALS(v2, (int64_t)((uint64_t)v2 * 10)));
	return p;
}

/* ---- libpprof --------------------------------------------------------- */

static void profile_free(void *p)
{
	pprof_profile_free(p);
}
static void reader_free(void *r)
{
	pprof_reader_free(r);
}
static void merger_free(void *m)
{
	pprof_merger_free(m);
}
static void writer_free(void *w)
{
	pprof_writer_free(w);
}

pprof_profile *load_buf(const buf *b)
{
	pprof_reader *r = defer(pprof_reader_new_buffer(b->data, b->len), reader_free);
	pprof_profile *p, *extra;
	int rc;

	ck_assert_ptr_nonnull(r);
	rc = pprof_reader_next(r, &p);
	ck_assert_msg(rc == PPROF_OK, "reading failed (%d): %s", rc, pprof_reader_error(r));
	defer(p, profile_free);
	ck_assert_int_eq(pprof_reader_next(r, &extra), PPROF_END);
	ck_assert_ptr_null(extra);
	return p;
}

pprof_profile *load(const PbProfile *p)
{
	return load_buf(pb_bytes(p));
}

int read_all(const buf *b, const char **msg)
{
	pprof_reader *r = defer(pprof_reader_new_buffer(b->data, b->len), reader_free);
	pprof_profile *p;
	int rc;

	ck_assert_ptr_nonnull(r);
	while ((rc = pprof_reader_next(r, &p)) == PPROF_OK)
		pprof_profile_free(p);
	ck_assert_ptr_null(p);
	*msg = defer(xstrdup(rc == PPROF_END ? "" : pprof_reader_error(r)), free);
	return rc;
}

int load_err(const PbProfile *p, const char **msg)
{
	int rc = read_all(pb_bytes(p), msg);

	ck_assert_msg(rc != PPROF_OK && rc != PPROF_END, "the profile was accepted");
	return rc;
}

pprof_profile *merge(size_t n, pprof_profile *const *ps, const unsigned *flags)
{
	pprof_merger *m = defer(pprof_merger_new(), merger_free);
	pprof_profile *out;
	size_t i;
	int rc;

	ck_assert_ptr_nonnull(m);
	for (i = 0; i < n; i++) {
		rc = pprof_merger_add(m, ps[i], flags ? flags[i] : 0);
		ck_assert_msg(rc == PPROF_OK, "adding profile %zu failed (%d): %s", i + 1, rc,
		              pprof_merger_error(m));
	}
	ck_assert_uint_eq(pprof_merger_count(m), n);
	rc = pprof_merger_finish(m, &out);
	ck_assert_msg(rc == PPROF_OK, "finish failed (%d): %s", rc, pprof_merger_error(m));
	ck_assert_ptr_nonnull(out);
	return defer(out, profile_free);
}

static int buf_sink(void *ctx, const void *data, size_t size)
{
	buf_add(ctx, data, size);
	return 0;
}

buf *write_profile(const pprof_profile *p, int level)
{
	buf *b = buf_new();
	pprof_writer *w = NULL;
	int rc = pprof_writer_new(&w, buf_sink, b, level);

	ck_assert_int_eq(rc, PPROF_OK);
	defer(w, writer_free);
	rc = pprof_writer_put(w, p);
	ck_assert_msg(rc == PPROF_OK, "writing failed (%d): %s", rc, pprof_writer_error(w));
	ck_assert_uint_eq(pprof_writer_bytes_out(w), b->len);
	return b;
}

PbProfile *dump(const pprof_profile *p)
{
	buf *b = write_profile(p, PPROF_UNCOMPRESSED);
	PbProfile *u = perftools__profiles__profile__unpack(NULL, b->len, b->data);

	ck_assert_msg(u != NULL, "protobuf-c cannot unpack what the writer wrote");
	return defer(u, pb_free);
}

/* ---- rendering -------------------------------------------------------- */

const char *S(const PbProfile *u, int64_t i)
{
	char *s;

	ck_assert_msg(i >= 0 && (uint64_t)i < u->n_string_table,
	              "string index %" PRId64 " out of range", i);
	s = xcalloc(u->string_table[i].len + 1, 1);
	if (u->string_table[i].len)
		memcpy(s, u->string_table[i].data, u->string_table[i].len);
	return defer(s, free);
}

/* A growing text, deferred. */
typedef struct {
	buf *b;
} text;

static text text_new(void)
{
	text t = { buf_new() };

	buf_add(t.b, "", 1);
	return t;
}

static void tprintf(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void tprintf(text *t, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	ck_assert_int_lt(n, (int)sizeof(tmp));
	t->b->len--; /* over the NUL */
	buf_add(t->b, tmp, (size_t)n + 1);
}

static const char *text_str(const text *t)
{
	return (const char *)t->b->data;
}

static void render_labels(text *t, const PbProfile *u, const PbSample *s)
{
	size_t j;

	if (s->n_label == 0)
		return;
	tprintf(t, " {");
	for (j = 0; j < s->n_label; j++) {
		const Perftools__Profiles__Label *l = s->label[j];
		tprintf(t, "%s%s=", j ? "," : "", S(u, l->key));
		if (l->str)
			tprintf(t, "%s", S(u, l->str));
		else
			tprintf(t, "%" PRId64 "%s%s", l->num, l->num_unit ? ":" : "",
			        S(u, l->num_unit));
	}
	tprintf(t, "}");
}

static void render_values(text *t, const PbSample *s)
{
	size_t j;

	tprintf(t, " =");
	for (j = 0; j < s->n_value; j++)
		tprintf(t, "%s%" PRId64, j ? "," : " ", s->value[j]);
	tprintf(t, "\n");
}

const char *render_samples(const PbProfile *u)
{
	text t = text_new();
	size_t i, j;

	for (i = 0; i < u->n_sample; i++) {
		const PbSample *s = u->sample[i];
		for (j = 0; j < s->n_location_id; j++)
			tprintf(&t, "%s%" PRIu64, j ? "," : "", s->location_id[j]);
		render_labels(&t, u, s);
		render_values(&t, s);
	}
	return text_str(&t);
}

const char *render_locations(const PbProfile *u)
{
	text t = text_new();
	size_t i, j;

	for (i = 0; i < u->n_location; i++) {
		const PbLocation *l = u->location[i];
		tprintf(&t, "%" PRIu64 " m%" PRIu64 " 0x%" PRIx64 " [", l->id, l->mapping_id,
		        l->address);
		for (j = 0; j < l->n_line; j++) {
			tprintf(&t, "%s%" PRIu64 ":%" PRId64, j ? "," : "", l->line[j]->function_id,
			        l->line[j]->line);
			if (l->line[j]->column)
				tprintf(&t, ":%" PRId64, l->line[j]->column);
		}
		tprintf(&t, "]%s\n", l->is_folded ? " folded" : "");
	}
	return text_str(&t);
}

const char *render_functions(const PbProfile *u)
{
	text t = text_new();
	size_t i;

	for (i = 0; i < u->n_function; i++) {
		const PbFunction *f = u->function[i];
		tprintf(&t, "%" PRIu64 " %s/%s/%s/%" PRId64 "\n", f->id, S(u, f->name),
		        S(u, f->system_name), S(u, f->filename), f->start_line);
	}
	return text_str(&t);
}

const char *render_mappings(const PbProfile *u)
{
	text t = text_new();
	size_t i;

	for (i = 0; i < u->n_mapping; i++) {
		const PbMapping *m = u->mapping[i];
		tprintf(&t, "%" PRIu64 " 0x%" PRIx64 "-0x%" PRIx64 "+%" PRIx64 " %s %s\n", m->id,
		        m->memory_start, m->memory_limit, m->file_offset, S(u, m->filename),
		        S(u, m->build_id));
	}
	return text_str(&t);
}

static const PbLocation *find_location(const PbProfile *u, uint64_t id)
{
	size_t i;

	for (i = 0; i < u->n_location; i++)
		if (u->location[i]->id == id)
			return u->location[i];
	ck_abort_msg("location id %" PRIu64 " not found", id);
	return NULL;
}

static const PbFunction *find_function(const PbProfile *u, uint64_t id)
{
	size_t i;

	for (i = 0; i < u->n_function; i++)
		if (u->function[i]->id == id)
			return u->function[i];
	ck_abort_msg("function id %" PRIu64 " not found", id);
	return NULL;
}

const char *render_stacks(const PbProfile *u)
{
	text t = text_new();
	size_t i, j, k;

	for (i = 0; i < u->n_sample; i++) {
		const PbSample *s = u->sample[i];
		bool first = true;
		for (j = 0; j < s->n_location_id; j++) {
			const PbLocation *l = find_location(u, s->location_id[j]);
			for (k = 0; k < l->n_line; k++) {
				tprintf(&t, "%s%s", first ? "" : ";",
				        S(u, find_function(u, l->line[k]->function_id)->name));
				first = false;
			}
		}
		render_labels(&t, u, s);
		render_values(&t, s);
	}
	return text_str(&t);
}

const char *render_comments(const PbProfile *u)
{
	text t = text_new();
	size_t i;

	for (i = 0; i < u->n_comment; i++)
		tprintf(&t, "%s%s", i ? "," : "", S(u, u->comment[i]));
	return text_str(&t);
}

/* ---- filters ---------------------------------------------------------- */

void filter_free_cb(void *f)
{
	pprof_filter_free(f);
}

void profile_free_cb(void *p)
{
	pprof_profile_free(p);
}

pprof_profile *fresh(const PbProfile *p)
{
	buf *b = pb_bytes(p);
	pprof_reader *r = pprof_reader_new_buffer(b->data, b->len);
	pprof_profile *out = NULL;

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(pprof_reader_next(r, &out), PPROF_OK);
	pprof_reader_free(r);
	return out;
}

const char *apply_err(pprof_filter *f, const PbProfile *pb, int code)
{
	pprof_profile *p = defer(fresh(pb), profile_free_cb), *before = p;
	buf *b = write_profile(p, PPROF_UNCOMPRESSED), *a;

	ck_assert_int_eq(pprof_filter_apply(f, &p), code);
	ck_assert_ptr_eq(p, before);
	a = write_profile(p, PPROF_UNCOMPRESSED);
	ck_assert_uint_eq(a->len, b->len);
	ck_assert_mem_eq(a->data, b->data, b->len);
	return pprof_filter_error(f);
}

int add_stack(void *ctx, const char *const *frames, size_t n, int64_t value)
{
	char *text = ctx;
	size_t i;

	for (i = 0; i < n; i++)
		strcat(strcat(text, frames[i]), i + 1 < n ? ";" : "");
	sprintf(text + strlen(text), " %" PRId64 "\n", value);
	return 0;
}
