/*
 * codec.c - profile.proto bytes to a validated profile: protobuf-c's
 * unpacker, allocating in an arena. Encoding is in encode.c, the writer
 * that compresses and sends it on in writer.c.
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
