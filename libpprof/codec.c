/*
 * codec.c - profile.proto bytes to a validated profile (protobuf-c's
 * unpacker, allocating in an arena), and the writer that sends encoded
 * profiles (encode.c) through zlib to the caller's sink without building
 * them in memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "internal.h"

/* Moves the strings into one block, each followed by a NUL, so that they can
 * be handed out as C strings (protobuf-c unpacks bytes without one). */
static bool terminate_strings(pp_arena *a, pb_profile *pb)
{
	size_t i, total = 0;
	uint8_t *text;

	for (i = 0; i < pb->n_string_table; i++)
		total += pb->string_table[i].len + 1;
	text = pp_arena_alloc(a, total);
	if (!text)
		return false;
	for (i = 0; i < pb->n_string_table; i++) {
		ProtobufCBinaryData *s = &pb->string_table[i];
		if (s->len)
			memcpy(text, s->data, s->len);
		text[s->len] = '\0';
		s->data = text;
		text += s->len + 1;
	}
	return true;
}

pprof_profile *pp_decode(const uint8_t *data, size_t size, char *err, int *code)
{
	pp_arena *a = pp_arena_new();
	ProtobufCAllocator alloc;
	pb_profile *pb;

	if (!a) {
		pp_seterr(err, "out of memory");
		*code = PPROF_ERR_NOMEM;
		return NULL;
	}
	if (size == 0) {
		pp_seterr(err, "empty profile");
		*code = PPROF_ERR_DATA;
		pp_arena_free(a);
		return NULL;
	}
	pp_arena_protobuf_allocator(a, &alloc);
	pb = perftools__profiles__profile__unpack(&alloc, size, data);
	if (!pb) {
		/* protobuf-c does not say why; an arena that could not grow is the
		 * one cause we can tell apart. */
		pp_seterr(err, "not a valid profile.proto message (malformed protobuf)");
		*code = PPROF_ERR_DATA;
		pp_arena_free(a);
		return NULL;
	}
	if (!terminate_strings(a, pb)) {
		pp_seterr(err, "out of memory");
		*code = PPROF_ERR_NOMEM;
		pp_arena_free(a);
		return NULL;
	}
	return pp_profile_adopt(a, pb, err, code);
}

/* ---- writer ----------------------------------------------------------- */

#define STAGE_SIZE (256 * 1024)

struct pprof_writer {
	pp_stage stage;          /* first: drain gets the writer from it */
	pprof_sink sink;
	void *ctx;
	int level;
	z_stream z;
	bool z_ready;
	bool failed;             /* a sink or zlib error happened */
	uint64_t bytes_out;
	uint8_t zout[STAGE_SIZE];
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

/* Compresses size bytes (flush: Z_NO_FLUSH or Z_FINISH) and emits the output.
 * zlib takes at most UINT_MAX bytes a call; the stage never holds more. */
static void writer_deflate(pprof_writer *w, const uint8_t *data, size_t size, int flush)
{
	int rc;

	w->z.next_in = (Bytef *)data;
	w->z.avail_in = (uInt)size;
	do {
		w->z.next_out = w->zout;
		w->z.avail_out = sizeof(w->zout);
		rc = deflate(&w->z, flush);
		if (rc == Z_STREAM_ERROR) {
			pp_seterr(w->err, "zlib: deflate failed");
			w->failed = true;
			return;
		}
		writer_emit(w, w->zout, sizeof(w->zout) - w->z.avail_out);
	} while (w->z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
}

/* Passes staged bytes on: compressed, or straight to the sink. */
static void writer_flush(pprof_writer *w, int flush)
{
	if (w->level == PPROF_UNCOMPRESSED)
		writer_emit(w, w->stage.buf, w->stage.len);
	else
		writer_deflate(w, w->stage.buf, w->stage.len, flush);
	w->stage.len = 0;
}

static bool writer_drain(pp_stage *stage)
{
	pprof_writer *w = (pprof_writer *)stage;

	writer_flush(w, Z_NO_FLUSH);
	return !w->failed;
}

pprof_writer *pprof_writer_new(pprof_sink sink, void *ctx, int level)
{
	pprof_writer *w;

	if (!sink || level < PPROF_UNCOMPRESSED || level > 9)
		return NULL;
	w = calloc(1, sizeof(*w));
	if (!w || !(w->stage.buf = malloc(STAGE_SIZE))) {
		free(w);
		return NULL;
	}
	w->stage.cap = STAGE_SIZE;
	w->stage.drain = writer_drain;
	w->sink = sink;
	w->ctx = ctx;
	w->level = level;
	if (level != PPROF_UNCOMPRESSED) {
		/* windowBits 15 + 16: a gzip member with a fixed header (no name,
		 * no time), so the same profile always gives the same bytes. */
		if (deflateInit2(&w->z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
			free(w->stage.buf);
			free(w);
			return NULL;
		}
		w->z_ready = true;
	}
	return w;
}

int pprof_writer_put(pprof_writer *w, const pprof_profile *p)
{
	if (w->failed)
		return PPROF_ERR_IO;
	w->stage.len = 0;
	if (w->z_ready && deflateReset(&w->z) != Z_OK) {
		pp_seterr(w->err, "zlib: deflateReset failed");
		return PPROF_ERR_NOMEM;
	}
	if (!pp_encode(p->pb, &w->stage) && !w->failed) {
		pp_seterr(w->err, "out of memory");
		return PPROF_ERR_NOMEM;
	}
	writer_flush(w, Z_FINISH);
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
	if (!w)
		return;
	if (w->z_ready)
		deflateEnd(&w->z);
	free(w->stage.buf);
	free(w);
}
