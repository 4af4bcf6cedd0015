/*
 * writer.c - encoded profiles to the caller's sink: raw, or one gzip member
 * per profile. The encoder (encode.c) fills blocks of about BLOCK_SIZE
 * bytes; each block is deflated on its own, primed with the last 32 KiB of
 * the block before it (as pigz does), and ends on a byte boundary, so the
 * blocks concatenate into one deflate stream. Blocks of a batch are
 * compressed by up to `jobs` threads at once; because block boundaries and
 * dictionaries depend only on the data, the bytes are the same for any
 * number of jobs. The threads are a worker pool (pool.c) of jobs - 1: the
 * calling thread compresses the batch's first block itself. Compression, not encoding, is most of the cost of writing
 * a large profile.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "stream.h"
#include "pool.h"

#define BLOCK_SIZE (256 * 1024)
#define DICT_SIZE (32 * 1024)
#define MAX_JOBS 64

/* One block: its bytes, its deflate output, and what it is primed with. */
typedef struct {
	uint8_t *in, *out;
	size_t in_len, out_len, out_cap; /* in holds at least BLOCK_SIZE bytes */
	const uint8_t *dict;             /* the tail of the block before, or NULL */
	size_t dict_len;
	bool last; /* ends the gzip member */
	uint32_t crc;
	z_stream z;
	bool z_ready, failed;
} block;

struct pprof_writer {
	pp_stage stage; /* first: drain gets the writer from it */
	pprof_sink sink;
	void *ctx;
	int level, jobs;
	pprof_pool *pool;        /* jobs - 1 threads; NULL: compress here */
	block *blocks;           /* jobs of them: one batch */
	int filled;              /* blocks of the batch filled so far */
	uint8_t tail[DICT_SIZE]; /* the end of the last block written */
	size_t tail_len;
	uint32_t crc; /* of the member so far */
	uint64_t size;
	bool failed; /* a sink or zlib error happened */
	uint64_t bytes_out;
	char err[PP_ERRLEN];
};

/* Hands bytes to the sink, remembering the first failure. */
static void writer_emit(pprof_writer *w, const uint8_t *data, size_t size)
{
	if (w->failed || size == 0)
		return;
	if (w->sink(w->ctx, data, size) != 0) {
		pp_seterr(w->err, "write error: %s", strerror(errno));
		w->failed = true;
		return;
	}
	w->bytes_out += size;
}

/* Deflates a block into its out buffer: raw deflate, primed with its
 * dictionary, ending with a sync flush (or the final block). */
static void compress_block(block *b, int level)
{
	int rc;

	b->failed = true;
	b->crc = (uint32_t)crc32(0, b->in, (uInt)b->in_len);
	if (!b->z_ready) {
		if (deflateInit2(&b->z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			return;
		b->z_ready = true;
	} else if (deflateReset(&b->z) != Z_OK) {
		return;
	}
	if (b->dict_len && deflateSetDictionary(&b->z, b->dict, (uInt)b->dict_len) != Z_OK)
		return;
	b->out_len = 0;
	b->z.next_in = b->in;
	b->z.avail_in = (uInt)b->in_len;
	do {
		size_t need = deflateBound(&b->z, b->in_len) + 64;
		if (b->out_cap - b->out_len < need / 2 &&
		    !pp_grow(&b->out, &b->out_cap, b->out_len + need, 1))
			return;
		b->z.next_out = b->out + b->out_len;
		b->z.avail_out = (uInt)(b->out_cap - b->out_len);
		rc = deflate(&b->z, b->last ? Z_FINISH : Z_SYNC_FLUSH);
		b->out_len = b->out_cap - b->z.avail_out;
		if (rc == Z_STREAM_ERROR)
			return;
	} while (b->last ? rc != Z_STREAM_END : (b->z.avail_in > 0 || b->z.avail_out == 0));
	b->failed = false;
}

typedef struct {
	block *b;
	int level;
} job;

static void compress_job(void *arg)
{
	job *j = arg;

	compress_block(j->b, j->level);
}

/* Compresses blocks [0, n) of the batch, in the pool when there is one. */
static void compress_batch(pprof_writer *w, int n)
{
	job jobs[MAX_JOBS];
	int i;

	for (i = 1; i < n; i++) {
		jobs[i] = (job){ &w->blocks[i], w->level };
		pp_pool_run_or_here(w->pool, compress_job, &jobs[i]);
	}
	compress_block(&w->blocks[0], w->level);
	pprof_pool_wait(w->pool);
}

/* Points each block of the batch at the tail of the block before it. */
static void set_dictionaries(pprof_writer *w, int n)
{
	int i;

	w->blocks[0].dict = w->tail;
	w->blocks[0].dict_len = w->tail_len;
	for (i = 1; i < n; i++) {
		const block *prev = &w->blocks[i - 1];
		size_t len = prev->in_len < DICT_SIZE ? prev->in_len : DICT_SIZE;
		w->blocks[i].dict = prev->in + prev->in_len - len;
		w->blocks[i].dict_len = len;
	}
}

/* Compresses and writes the n filled blocks of the batch. */
static void write_batch(pprof_writer *w, int n)
{
	const block *lastb = &w->blocks[n - 1];
	size_t tail;
	int i;

	set_dictionaries(w, n);
	compress_batch(w, n);
	for (i = 0; i < n; i++) {
		block *b = &w->blocks[i];
		if (b->failed && !w->failed) {
			pp_seterr(w->err, "zlib: deflate failed");
			w->failed = true;
		}
		writer_emit(w, b->out, b->out_len);
		w->crc = (uint32_t)crc32_combine(w->crc, b->crc, (z_off_t)b->in_len);
		w->size += b->in_len;
	}
	tail = lastb->in_len < DICT_SIZE ? lastb->in_len : DICT_SIZE;
	memcpy(w->tail, lastb->in + lastb->in_len - tail, tail);
	w->tail_len = tail;
}

/* Makes block k the stage's buffer. The stage's capacity is BLOCK_SIZE
 * whatever the buffer's size, so block boundaries depend on the data only. */
static void stage_on_block(pprof_writer *w, int k)
{
	w->stage.buf = w->blocks[k].in;
	w->stage.cap = BLOCK_SIZE;
	w->stage.len = 0;
}

/* Takes the stage's bytes back into the block they were written to (the
 * encoder reallocates the buffer for an item larger than BLOCK_SIZE, to
 * that item's size, so it never holds less than BLOCK_SIZE). */
static void stage_to_block(pprof_writer *w, int k)
{
	w->blocks[k].in = w->stage.buf;
	w->blocks[k].in_len = w->stage.len;
	w->blocks[k].last = false;
}

static bool writer_drain(pp_stage *stage)
{
	pprof_writer *w = (pprof_writer *)stage;

	stage_to_block(w, w->filled);
	if (w->level == PPROF_UNCOMPRESSED) {
		writer_emit(w, stage->buf, stage->len);
		stage->len = 0;
		return !w->failed;
	}
	if (++w->filled == w->jobs) {
		write_batch(w, w->filled);
		w->filled = 0;
	}
	stage_on_block(w, w->filled);
	return !w->failed;
}

/* The fixed gzip header: no name, no time, so the same profile always gives
 * the same bytes; XFL as zlib sets it. */
static void write_gzip_header(pprof_writer *w)
{
	uint8_t h[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };

	h[8] = w->level == 9 ? 2 : w->level < 2 ? 4 : 0;
	writer_emit(w, h, sizeof(h));
}

static void write_gzip_trailer(pprof_writer *w)
{
	uint8_t t[8];
	int i;

	for (i = 0; i < 4; i++) {
		t[i] = (uint8_t)(w->crc >> (8 * i));
		t[4 + i] = (uint8_t)(w->size >> (8 * i));
	}
	writer_emit(w, t, sizeof(t));
}

int pprof_writer_new(pprof_writer **out, pprof_sink sink, void *ctx, int level)
{
	pprof_writer *w;

	*out = NULL;
	if (!sink || level < PPROF_UNCOMPRESSED || level > 9)
		return PPROF_ERR_ARG;
	w = calloc(1, sizeof(*w));
	if (!w)
		return PPROF_ERR_NOMEM;
	w->sink = sink;
	w->ctx = ctx;
	w->level = level;
	w->stage.drain = writer_drain;
	if (pprof_writer_set_jobs(w, 1) != PPROF_OK) {
		pprof_writer_free(w);
		return PPROF_ERR_NOMEM;
	}
	*out = w;
	return PPROF_OK;
}

/* Gives the writer a pool of w->jobs - 1 threads. Without one (no thread
 * could start, or out of memory), blocks are compressed here: the same
 * bytes, more slowly. */
static void set_pool(pprof_writer *w)
{
	pprof_pool_free(w->pool);
	w->pool = w->jobs > 1 ? pprof_pool_new(w->jobs - 1) : NULL;
}

int pprof_writer_set_jobs(pprof_writer *w, int jobs)
{
	block *blocks;
	int i;

	if (jobs < 1 || jobs > MAX_JOBS)
		return PPROF_ERR_ARG;
	if (jobs <= w->jobs)
		return PPROF_OK; /* blocks are kept; fewer threads gain nothing here */
	blocks = realloc(w->blocks, (size_t)jobs * sizeof(*blocks));
	if (!blocks)
		return PPROF_ERR_NOMEM;
	w->blocks = blocks;
	for (i = w->jobs; i < jobs; i++) {
		memset(&blocks[i], 0, sizeof(blocks[i]));
		blocks[i].in = malloc(BLOCK_SIZE);
		if (!blocks[i].in)
			return PPROF_ERR_NOMEM; /* the blocks so far stay usable */
		w->jobs = i + 1;
	}
	set_pool(w);
	return PPROF_OK;
}

int pprof_writer_put(pprof_writer *w, const pprof_profile *p)
{
	if (w->failed)
		return PPROF_ERR_IO;
	w->filled = 0;
	w->tail_len = 0;
	w->crc = (uint32_t)crc32(0, NULL, 0);
	w->size = 0;
	stage_on_block(w, 0);
	if (w->level != PPROF_UNCOMPRESSED)
		write_gzip_header(w);
	if (!pp_encode(p->pb, &w->stage) && !w->failed) {
		stage_to_block(w, w->filled); /* the buffer may have moved */
		pp_seterr(w->err, "out of memory");
		return PPROF_ERR_NOMEM;
	}
	stage_to_block(w, w->filled);
	if (w->level == PPROF_UNCOMPRESSED) {
		writer_emit(w, w->stage.buf, w->stage.len);
	} else {
		w->blocks[w->filled].last = true;
		write_batch(w, w->filled + 1);
		write_gzip_trailer(w);
	}
	stage_on_block(w, 0);
	return w->failed ? PPROF_ERR_IO : PPROF_OK;
}

uint64_t pprof_writer_bytes_out(const pprof_writer *w)
{
	return w->bytes_out;
}

const char *pprof_writer_error(const pprof_writer *w)
{
	return w->err;
}

void pprof_writer_free(pprof_writer *w)
{
	int i;

	if (!w)
		return;
	pprof_pool_free(w->pool);
	for (i = 0; i < w->jobs; i++) {
		if (w->blocks[i].z_ready)
			deflateEnd(&w->blocks[i].z);
		free(w->blocks[i].in);
		free(w->blocks[i].out);
	}
	free(w->blocks);
	free(w);
}
