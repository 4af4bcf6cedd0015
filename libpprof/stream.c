/*
 * stream.c - a stream of profiles (DESIGN section 2). Input that starts with
 * the gzip magic is a sequence of gzip members, one profile each; any other
 * input is one uncompressed profile. One profile's bytes are held at a time,
 * and never more than the size limit: a decompression bomb is refused after
 * inflating at most max_size + 1 bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "internal.h"

#define READ_SIZE (256 * 1024)
#define KEEP_BUFFER_SIZE (4 * 1024 * 1024)   /* reused between profiles up to this */

enum reader_mode { MODE_START, MODE_GZIP, MODE_PLAIN, MODE_DONE };


struct pprof_reader {
	int fd;                  /* source: a file descriptor, or -1 for memory */
	const uint8_t *in;       /* unread input: in[0..in_len) */
	size_t in_len;
	bool in_eof;             /* the source has no more bytes */
	uint8_t *readbuf;        /* what read(2) fills, for an fd */
	enum reader_mode mode;
	z_stream z;
	bool z_ready;
	uint8_t *out;            /* the current profile's bytes */
	size_t out_len, out_cap;
	uint64_t max_size;
	unsigned long count;
	uint64_t bytes_in, bytes_out;
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
	return r;
}

void pprof_reader_set_max_size(pprof_reader *r, uint64_t max_size)
{
	r->max_size = max_size;
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
	do
		n = read(r->fd, r->readbuf + r->in_len, READ_SIZE - r->in_len);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		pp_seterr(r->err, "read error: %s", strerror(errno));
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

/* Room for at least one more output byte, within the size limit + 1. */
static int reader_grow_out(pprof_reader *r)
{
	uint64_t limit = r->max_size + 1;
	size_t want = r->out_cap ? r->out_cap * 2 : READ_SIZE;
	uint8_t *grown;

	if (limit > SIZE_MAX)
		limit = SIZE_MAX;
	if (want > limit)
		want = (size_t)limit;
	if (want <= r->out_len) {
		pp_seterr(r->err, "profile %lu: larger than the limit of %llu bytes uncompressed",
		          r->count + 1, (unsigned long long)r->max_size);
		return PPROF_ERR_LIMIT;
	}
	grown = realloc(r->out, want);
	if (!grown) {
		pp_seterr(r->err, "profile %lu: out of memory", r->count + 1);
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
		pp_seterr(r->err, "profile %lu: larger than the limit of %llu bytes uncompressed",
		          r->count + 1, (unsigned long long)r->max_size);
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
	r->z.avail_out = (uInt)((r->out_cap - r->out_len) > UINT_MAX ? UINT_MAX
	                                                              : r->out_cap - r->out_len);
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
			pp_seterr(r->err, "out of memory");
			return PPROF_ERR_NOMEM;
		}
		r->z_ready = true;
	} else if (inflateReset(&r->z) != Z_OK) {
		pp_seterr(r->err, "zlib: inflateReset failed");
		return PPROF_ERR_NOMEM;
	}
	for (;;) {
		if (!reader_fill(r, 1))
			return PPROF_ERR_IO;
		if (r->in_len == 0) {
			pp_seterr(r->err, "profile %lu: truncated gzip data", r->count + 1);
			return PPROF_ERR_DATA;
		}
		if (r->out_len == r->out_cap && (rc = reader_grow_out(r)) != PPROF_OK)
			return rc;
		zrc = reader_inflate_step(r);
		if (zrc == Z_STREAM_END)
			return reader_check_size(r);
		if (zrc == Z_NEED_DICT || zrc == Z_DATA_ERROR || zrc == Z_STREAM_ERROR) {
			pp_seterr(r->err, "profile %lu: corrupt gzip data: %s", r->count + 1,
			          r->z.msg ? r->z.msg : "inflate failed");
			return PPROF_ERR_DATA;
		}
		if (zrc == Z_MEM_ERROR) {
			pp_seterr(r->err, "profile %lu: out of memory", r->count + 1);
			return PPROF_ERR_NOMEM;
		}
	}
}

/* Reads the next profile's bytes into r->out. */
static int reader_read_next(pprof_reader *r)
{
	r->out_len = 0;
	if (r->mode == MODE_DONE)
		return PPROF_END;
	if (!reader_fill(r, 2))
		return PPROF_ERR_IO;
	if (r->in_len == 0)
		return PPROF_END;   /* an empty input, or the end after the last member */
	if (r->mode == MODE_START) {
		r->mode = at_gzip_magic(r) ? MODE_GZIP : MODE_PLAIN;
		if (r->mode == MODE_PLAIN) {
			r->mode = MODE_DONE;
			return reader_read_plain(r);
		}
	}
	if (!at_gzip_magic(r)) {
		pp_seterr(r->err, "profile %lu: trailing garbage after gzip data", r->count + 1);
		return PPROF_ERR_DATA;
	}
	return reader_read_member(r);
}

int pprof_reader_next(pprof_reader *r, pprof_profile **out)
{
	char err[PP_ERRLEN];
	int rc;

	*out = NULL;
	rc = reader_read_next(r);
	if (rc != PPROF_OK) {
		if (rc != PPROF_END)
			r->mode = MODE_DONE;
		return rc;
	}
	r->bytes_out += r->out_len;
	*out = pp_decode(r->out, r->out_len, err, &rc);
	/* The decoded profile holds copies of everything: a large buffer goes
	 * now rather than sit beside the profile and whatever the caller builds. */
	if (r->out_cap > KEEP_BUFFER_SIZE) {
		free(r->out);
		r->out = NULL;
		r->out_cap = 0;
	}
	if (!*out) {
		pp_seterr(r->err, "profile %lu: %s", r->count + 1, err);
		r->mode = MODE_DONE;
		return rc;
	}
	r->count++;
	return PPROF_OK;
}

unsigned long pprof_reader_count(const pprof_reader *r) { return r->count; }
uint64_t pprof_reader_bytes_in(const pprof_reader *r) { return r->bytes_in; }
uint64_t pprof_reader_bytes_out(const pprof_reader *r) { return r->bytes_out; }
const char *pprof_reader_error(const pprof_reader *r) { return r->err; }

void pprof_reader_free(pprof_reader *r)
{
	if (!r)
		return;
	if (r->z_ready)
		inflateEnd(&r->z);
	free(r->readbuf);
	free(r->out);
	free(r);
}
