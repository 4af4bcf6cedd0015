/*
 * reader.c - a stream of profiles (HACKING.md section 2). Input that starts with
 * the gzip magic is a sequence of gzip members, one profile each; any other
 * input is one uncompressed profile. One profile's bytes are held at a time,
 * and never more than the size limit: a decompression bomb is refused after
 * inflating at most max_size + 1 bytes.
 *
 * The read side (reading, inflating: reader_read_next) and the decoding side
 * (pprof_reader_next) keep apart what they write, so that with
 * pprof_reader_inflate_ahead a thread of the reader's own can run the read
 * side, a few profiles ahead of the caller decoding.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "stream.h"

#define READ_SIZE (256 * 1024)
#define KEEP_BUFFER_SIZE (4 * 1024 * 1024) /* reused between profiles up to this */

#define AHEAD_QUEUE_LEN 2 /* inflated profiles waiting to be decoded */

enum reader_mode { MODE_START, MODE_GZIP, MODE_PLAIN, MODE_DONE };

/* One profile's bytes, or how reading ended, handed from the read side. */
typedef struct {
	uint8_t *data; /* malloc'd, the taker's */
	size_t len, cap;
	int rc;                       /* PPROF_OK, PPROF_END, or an error described in err */
	uint64_t bytes_in, bytes_out; /* the read side's counts after it */
	char err[PP_ERRLEN];
} ahead_item;

/* The inflate-ahead thread and what it shares with the decoding side. */
typedef struct {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed; /* broadcast on every change below */
	ahead_item queue[AHEAD_QUEUE_LEN];
	size_t head, count;
	bool stop;      /* the reader is being freed */
	uint8_t *spare; /* a decoded profile's buffer, for reuse */
	size_t spare_cap;
} ahead_state;

/* A reader's share of a budget. */
typedef struct budget_share {
	struct budget_share *next;
	uint64_t order;
	uint64_t held; /* bytes of buffers the reader holds */
	bool closing;  /* the reader is being freed: stop waiting */
	struct pprof_reader *reader;
} budget_share;

struct pprof_budget {
	pthread_mutex_t lock;
	pthread_cond_t changed; /* room given back, a share gone or closing */
	uint64_t size, held;
	budget_share *shares;
};

struct pprof_reader {
	int fd;            /* source: a file descriptor, or -1 for memory */
	const uint8_t *in; /* unread input: in[0..in_len) */
	size_t in_len;
	bool in_eof;      /* the source has no more bytes */
	uint8_t *readbuf; /* what read(2) fills, for an fd */
	enum reader_mode mode;
	z_stream z;
	bool z_ready;
	uint8_t *out; /* the current profile's bytes */
	size_t out_len, out_cap;
	uint64_t max_size;
	pprof_budget *budget; /* NULL: none */
	budget_share share;
	/* the read side's */
	unsigned long members; /* profiles read */
	uint64_t bytes_in, bytes_out;
	char read_err[PP_ERRLEN];
	/* the decoding side's (what the caller sees) */
	ahead_state *ahead; /* NULL: the caller's thread reads too */
	bool done;
	unsigned long count;        /* profiles returned */
	uint64_t seen_in, seen_out; /* bytes_in, bytes_out after the last one */
	char err[PP_ERRLEN];
};

static pprof_reader *reader_new(void)
{
	pprof_reader *r = calloc(1, sizeof(*r));

	if (r) {
		r->fd = -1;
		r->max_size = PPROF_DEFAULT_MAX_SIZE;
	}
	return r;
}

pprof_reader *pprof_reader_new_fd(int fd)
{
	pprof_reader *r = reader_new();

	if (!r)
		return NULL;
	r->fd = fd;
	r->readbuf = malloc(READ_SIZE);
	if (!r->readbuf) {
		free(r);
		return NULL;
	}
	return r;
}

pprof_reader *pprof_reader_new_buffer(const void *data, size_t size)
{
	pprof_reader *r = reader_new();

	if (!r)
		return NULL;
	r->in = data;
	r->in_len = size;
	r->in_eof = true;
	r->bytes_in = size;
	r->seen_in = size;
	return r;
}

void pprof_reader_set_max_size(pprof_reader *r, uint64_t max_size)
{
	r->max_size = max_size;
}

/* ---- a budget shared by readers ----------------------------------------- */

pprof_budget *pprof_budget_new(uint64_t bytes)
{
	pprof_budget *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	if (pthread_mutex_init(&b->lock, NULL) != 0) {
		free(b);
		return NULL;
	}
	if (pthread_cond_init(&b->changed, NULL) != 0) {
		pthread_mutex_destroy(&b->lock);
		free(b);
		return NULL;
	}
	b->size = bytes;
	return b;
}

void pprof_budget_free(pprof_budget *b)
{
	if (!b)
		return;
	pthread_cond_destroy(&b->changed);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

int pprof_reader_set_budget(pprof_reader *r, pprof_budget *b, uint64_t order)
{
	if (r->budget || r->ahead || r->count || r->done)
		return PPROF_ERR_ARG;
	r->budget = b;
	r->share.order = order;
	r->share.reader = r;
	pthread_mutex_lock(&b->lock);
	r->share.next = b->shares;
	b->shares = &r->share;
	pthread_mutex_unlock(&b->lock);
	return PPROF_OK;
}

static bool ahead_has_items(pprof_reader *r);

/* Whether share may take room beyond the budget: it is the lowest order's,
 * and (inflating ahead) nothing it already read waits to be decoded: the
 * caller waits for what it reads now. Called with the budget's lock held. */
static bool budget_needed_first(const pprof_budget *b, const budget_share *share)
{
	const budget_share *s;

	for (s = b->shares; s; s = s->next)
		if (s->order < share->order)
			return false;
	return !share->reader->ahead || !ahead_has_items(share->reader);
}

/* Takes bytes of room for r, waiting for it as the budget says. False
 * when the reader is being freed. */
static bool budget_take(pprof_reader *r, uint64_t bytes)
{
	pprof_budget *b = r->budget;
	bool ok;

	pthread_mutex_lock(&b->lock);
	while (!r->share.closing && b->held + bytes > b->size && !budget_needed_first(b, &r->share))
		pthread_cond_wait(&b->changed, &b->lock);
	ok = !r->share.closing;
	if (ok) {
		b->held += bytes;
		r->share.held += bytes;
	}
	pthread_mutex_unlock(&b->lock);
	return ok;
}

/* Gives back bytes of r's room. */
static void budget_give(pprof_reader *r, uint64_t bytes)
{
	pprof_budget *b = r->budget;

	if (!b || !bytes)
		return;
	pthread_mutex_lock(&b->lock);
	b->held -= bytes;
	r->share.held -= bytes;
	pthread_cond_broadcast(&b->changed);
	pthread_mutex_unlock(&b->lock);
}

/* Wakes r's waits for room, then (closing) makes them give up. */
static void budget_wake(pprof_reader *r, bool closing)
{
	pprof_budget *b = r->budget;

	if (!b)
		return;
	pthread_mutex_lock(&b->lock);
	if (closing)
		r->share.closing = true;
	pthread_cond_broadcast(&b->changed);
	pthread_mutex_unlock(&b->lock);
}

/* Gives back what r still holds and leaves the budget. */
static void budget_leave(pprof_reader *r)
{
	pprof_budget *b = r->budget;
	budget_share **s;

	if (!b)
		return;
	pthread_mutex_lock(&b->lock);
	b->held -= r->share.held;
	for (s = &b->shares; *s; s = &(*s)->next)
		if (*s == &r->share) {
			*s = r->share.next;
			break;
		}
	pthread_cond_broadcast(&b->changed);
	pthread_mutex_unlock(&b->lock);
}

/* Reads more input after the unread bytes (moved to the front of readbuf).
 * Returns false (with the error set) on a read error. */
static bool reader_read_more(pprof_reader *r)
{
	ssize_t n;

	if (r->in_eof)
		return true;
	if (r->in_len)
		memmove(r->readbuf, r->in, r->in_len);
	r->in = r->readbuf;
	/* The inflate-ahead thread can be cancelled only while it waits here:
	 * a reader freed early must not wait for a pipe's writer. */
	if (r->ahead)
		pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
	do
		n = read(r->fd, r->readbuf + r->in_len, READ_SIZE - r->in_len);
	while (n < 0 && errno == EINTR);
	if (r->ahead)
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	if (n < 0) {
		pp_seterr(r->read_err, "read error: %s", strerror(errno));
		return false;
	}
	if (n == 0)
		r->in_eof = true;
	r->in_len += (size_t)n;
	r->bytes_in += (uint64_t)n;
	return true;
}

/* Makes sure at least want bytes (1 or 2) are at hand unless the input ends
 * first. Returns false on a read error. */
static bool reader_fill(pprof_reader *r, size_t want)
{
	while (r->in_len < want && !r->in_eof)
		if (!reader_read_more(r))
			return false;
	return true;
}

/* Whether the unread input starts with the gzip magic. */
static bool at_gzip_magic(const pprof_reader *r)
{
	return r->in_len >= 2 && r->in[0] == 0x1f && r->in[1] == 0x8b;
}

/* Room for at least one more output byte, within the size limit + 1 (one
 * byte over the limit tells a profile over it; the largest limit is none). */
static int reader_grow_out(pprof_reader *r)
{
	uint64_t limit = r->max_size == UINT64_MAX ? UINT64_MAX : r->max_size + 1;
	size_t want = r->out_cap ? r->out_cap * 2 : READ_SIZE;
	uint8_t *grown;

	if (limit > SIZE_MAX)
		limit = SIZE_MAX;
	if (want > limit)
		want = (size_t)limit;
	if (want <= r->out_len) {
		pp_seterr(r->read_err,
		          "profile %lu: larger than the limit of %llu bytes uncompressed",
		          r->members + 1, (unsigned long long)r->max_size);
		return PPROF_ERR_LIMIT;
	}
	if (r->budget && !budget_take(r, want - r->out_cap)) {
		pp_seterr(r->read_err, "profile %lu: reading stopped", r->members + 1);
		return PPROF_ERR_IO; /* (the reader is being freed: nobody sees it) */
	}
	grown = realloc(r->out, want);
	if (!grown) {
		budget_give(r, want - r->out_cap);
		pp_seterr(r->read_err, "profile %lu: out of memory", r->members + 1);
		return PPROF_ERR_NOMEM;
	}
	r->out = grown;
	r->out_cap = want;
	return PPROF_OK;
}

/* The size check that reader_grow_out makes when the buffer is full. */
static int reader_check_size(pprof_reader *r)
{
	if (r->out_len > r->max_size) {
		pp_seterr(r->read_err,
		          "profile %lu: larger than the limit of %llu bytes uncompressed",
		          r->members + 1, (unsigned long long)r->max_size);
		return PPROF_ERR_LIMIT;
	}
	return PPROF_OK;
}

/* Reads the rest of a plain (uncompressed) input as one profile. */
static int reader_read_plain(pprof_reader *r)
{
	int rc;

	for (;;) {
		if (!reader_fill(r, 1))
			return PPROF_ERR_IO;
		if (r->in_len == 0)
			return reader_check_size(r);
		if (r->out_len == r->out_cap && (rc = reader_grow_out(r)) != PPROF_OK)
			return rc;
		size_t n = r->out_cap - r->out_len;
		if (n > r->in_len)
			n = r->in_len;
		memcpy(r->out + r->out_len, r->in, n);
		r->out_len += n;
		r->in += n;
		r->in_len -= n;
	}
}

/* Runs inflate over the input at hand into the output buffer. */
static int reader_inflate_step(pprof_reader *r)
{
	int zrc;

	r->z.next_in = (Bytef *)r->in;
	r->z.avail_in = r->in_len > UINT_MAX ? UINT_MAX : (uInt)r->in_len;
	r->z.next_out = r->out + r->out_len;
	r->z.avail_out =
		(uInt)((r->out_cap - r->out_len) > UINT_MAX ? UINT_MAX : r->out_cap - r->out_len);
	size_t before_in = r->z.avail_in, before_out = r->z.avail_out;
	zrc = inflate(&r->z, Z_NO_FLUSH);
	r->in += before_in - r->z.avail_in;
	r->in_len -= before_in - r->z.avail_in;
	r->out_len += before_out - r->z.avail_out;
	return zrc;
}

/* Inflates one gzip member (the input is at its first byte). */
static int reader_read_member(pprof_reader *r)
{
	int rc, zrc;

	if (!r->z_ready) {
		if (inflateInit2(&r->z, 15 + 16) != Z_OK) {
			pp_seterr(r->read_err, "out of memory");
			return PPROF_ERR_NOMEM;
		}
		r->z_ready = true;
	} else if (inflateReset(&r->z) != Z_OK) {
		pp_seterr(r->read_err, "zlib: inflateReset failed");
		return PPROF_ERR_NOMEM;
	}
	for (;;) {
		if (!reader_fill(r, 1))
			return PPROF_ERR_IO;
		if (r->in_len == 0) {
			pp_seterr(r->read_err, "profile %lu: truncated gzip data", r->members + 1);
			return PPROF_ERR_DATA;
		}
		if (r->out_len == r->out_cap && (rc = reader_grow_out(r)) != PPROF_OK)
			return rc;
		zrc = reader_inflate_step(r);
		if (zrc == Z_STREAM_END)
			return reader_check_size(r);
		if (zrc == Z_NEED_DICT || zrc == Z_DATA_ERROR || zrc == Z_STREAM_ERROR) {
			pp_seterr(r->read_err, "profile %lu: corrupt gzip data: %s", r->members + 1,
			          r->z.msg ? r->z.msg : "inflate failed");
			return PPROF_ERR_DATA;
		}
		if (zrc == Z_MEM_ERROR) {
			pp_seterr(r->read_err, "profile %lu: out of memory", r->members + 1);
			return PPROF_ERR_NOMEM;
		}
	}
}

static int reader_read_profile(pprof_reader *r);

/* Reads the next profile's bytes into r->out, and counts it. */
static int reader_read_next(pprof_reader *r)
{
	int rc = reader_read_profile(r);

	if (rc == PPROF_OK) {
		r->members++;
		r->bytes_out += r->out_len;
	} else if (rc != PPROF_END) {
		r->mode = MODE_DONE;
	}
	return rc;
}

/* Reads the next profile's bytes into r->out. */
static int reader_read_profile(pprof_reader *r)
{
	r->out_len = 0;
	if (r->mode == MODE_DONE)
		return PPROF_END;
	if (!reader_fill(r, 2))
		return PPROF_ERR_IO;
	if (r->in_len == 0)
		return PPROF_END; /* an empty input, or the end after the last member */
	if (r->mode == MODE_START) {
		r->mode = at_gzip_magic(r) ? MODE_GZIP : MODE_PLAIN;
		if (r->mode == MODE_PLAIN) {
			r->mode = MODE_DONE;
			return reader_read_plain(r);
		}
	}
	if (!at_gzip_magic(r)) {
		pp_seterr(r->read_err, "profile %lu: trailing garbage after gzip data",
		          r->members + 1);
		return PPROF_ERR_DATA;
	}
	return reader_read_member(r);
}

/* ---- inflating ahead in a thread ---------------------------------------- */

/* Waits for room in the queue; false when the reader is being freed. */
static bool ahead_wait_room(ahead_state *a)
{
	bool go_on;

	pthread_mutex_lock(&a->lock);
	while (a->count == AHEAD_QUEUE_LEN && !a->stop)
		pthread_cond_wait(&a->changed, &a->lock);
	go_on = !a->stop;
	pthread_mutex_unlock(&a->lock);
	return go_on;
}

/* The thread: reads a profile only when the queue has room for it, so at
 * most AHEAD_QUEUE_LEN profiles' bytes wait, the one being read included. */
static void *ahead_main(void *arg)
{
	pprof_reader *r = arg;
	ahead_state *a = r->ahead;
	int rc;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	do {
		if (!ahead_wait_room(a))
			break;
		rc = reader_read_next(r);
		pthread_mutex_lock(&a->lock); /* room still: only this thread adds */
		ahead_item *it = &a->queue[(a->head + a->count) % AHEAD_QUEUE_LEN];
		it->data = r->out;
		it->len = r->out_len;
		it->cap = r->out_cap;
		it->rc = rc;
		it->bytes_in = r->bytes_in;
		it->bytes_out = r->bytes_out;
		memcpy(it->err, r->read_err, sizeof(it->err));
		r->out = a->spare;
		r->out_cap = a->spare_cap;
		r->out_len = 0;
		a->spare = NULL;
		a->spare_cap = 0;
		a->count++;
		pthread_cond_broadcast(&a->changed);
		pthread_mutex_unlock(&a->lock);
	} while (rc == PPROF_OK);
	return NULL;
}

int pprof_reader_inflate_ahead(pprof_reader *r)
{
	ahead_state *a;

	if (r->ahead || r->count || r->done)
		return PPROF_OK; /* already, or too late: reading goes on as it was */
	a = calloc(1, sizeof(*a));
	if (!a)
		return PPROF_ERR_NOMEM;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->changed, NULL);
	r->ahead = a;
	if (pthread_create(&a->thread, NULL, ahead_main, r) != 0) {
		r->ahead = NULL;
		pthread_cond_destroy(&a->changed);
		pthread_mutex_destroy(&a->lock);
		free(a);
		return PPROF_ERR_NOMEM;
	}
	return PPROF_OK;
}

/* Whether the thread queued profiles' bytes that wait to be decoded. */
static bool ahead_has_items(pprof_reader *r)
{
	bool any;

	pthread_mutex_lock(&r->ahead->lock);
	any = r->ahead->count > 0;
	pthread_mutex_unlock(&r->ahead->lock);
	return any;
}

/* Takes the next item the thread queued, waiting for it. */
static void ahead_take(ahead_state *a, ahead_item *it)
{
	pthread_mutex_lock(&a->lock);
	while (a->count == 0)
		pthread_cond_wait(&a->changed, &a->lock);
	*it = a->queue[a->head];
	a->head = (a->head + 1) % AHEAD_QUEUE_LEN;
	a->count--;
	pthread_cond_broadcast(&a->changed);
	pthread_mutex_unlock(&a->lock);
}

/* Hands a decoded profile's buffer back to the thread, or frees it
 * (returns true then). */
static bool ahead_give_back(ahead_state *a, uint8_t *data, size_t cap)
{
	pthread_mutex_lock(&a->lock);
	if (!a->spare && cap <= KEEP_BUFFER_SIZE) {
		a->spare = data;
		a->spare_cap = cap;
		data = NULL;
	}
	pthread_mutex_unlock(&a->lock);
	free(data);
	return data != NULL;
}

/* Stops the thread (cancelled if it waits for input) and frees its state. */
static void ahead_free(ahead_state *a)
{
	size_t i;

	pthread_mutex_lock(&a->lock);
	a->stop = true;
	pthread_cond_broadcast(&a->changed);
	pthread_mutex_unlock(&a->lock);
	pthread_cancel(a->thread);
	pthread_join(a->thread, NULL);
	for (i = 0; i < a->count; i++)
		free(a->queue[(a->head + i) % AHEAD_QUEUE_LEN].data);
	free(a->spare);
	pthread_cond_destroy(&a->changed);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

/* ---- the decoding side -------------------------------------------------- */

/* Decodes the next profile's bytes into *out; the reader is done on failure. */
static int reader_decode(pprof_reader *r, const uint8_t *data, size_t len, pprof_profile **out)
{
	char err[PP_ERRLEN];
	int rc;

	*out = pp_decode(data, len, err, &rc);
	if (!*out) {
		pp_seterr(r->err, "profile %lu: %s", r->count + 1, err);
		r->done = true;
		return rc;
	}
	r->count++;
	return PPROF_OK;
}

/* pprof_reader_next when the caller's thread reads too. */
static int next_here(pprof_reader *r, pprof_profile **out)
{
	int rc = reader_read_next(r);

	r->seen_in = r->bytes_in;
	r->seen_out = r->bytes_out;
	if (rc != PPROF_OK) {
		memcpy(r->err, r->read_err, sizeof(r->err));
		r->done = true;
		return rc;
	}
	rc = reader_decode(r, r->out, r->out_len, out);
	/* The decoded profile holds copies of everything: a large buffer goes
	 * now rather than sit beside the profile and whatever the caller builds. */
	if (r->out_cap > KEEP_BUFFER_SIZE) {
		budget_give(r, r->out_cap);
		free(r->out);
		r->out = NULL;
		r->out_cap = 0;
	}
	return rc;
}

/* pprof_reader_next with the inflate-ahead thread reading. */
static int next_ahead(pprof_reader *r, pprof_profile **out)
{
	ahead_item it;
	int rc;

	ahead_take(r->ahead, &it);
	r->seen_in = it.bytes_in;
	r->seen_out = it.bytes_out;
	if (it.rc != PPROF_OK) {
		memcpy(r->err, it.err, sizeof(r->err));
		free(it.data);
		budget_give(r, it.cap);
		r->done = true; /* the thread queues nothing after this */
		return it.rc;
	}
	rc = reader_decode(r, it.data, it.len, out);
	if (ahead_give_back(r->ahead, it.data, it.cap))
		budget_give(r, it.cap);
	budget_wake(r, false); /* the thread's next may be needed first now */
	return rc;
}

int pprof_reader_next(pprof_reader *r, pprof_profile **out)
{
	*out = NULL;
	if (r->done)
		return PPROF_END;
	return r->ahead ? next_ahead(r, out) : next_here(r, out);
}

unsigned long pprof_reader_count(const pprof_reader *r)
{
	return r->count;
}
uint64_t pprof_reader_bytes_in(const pprof_reader *r)
{
	return r->seen_in;
}
uint64_t pprof_reader_bytes_out(const pprof_reader *r)
{
	return r->seen_out;
}
const char *pprof_reader_error(const pprof_reader *r)
{
	return r->err;
}

void pprof_reader_free(pprof_reader *r)
{
	if (!r)
		return;
	budget_wake(r, true);
	if (r->ahead)
		ahead_free(r->ahead);
	if (r->z_ready)
		inflateEnd(&r->z);
	free(r->readbuf);
	free(r->out);
	budget_leave(r); /* gives back what the buffers freed here held */
	free(r);
}
