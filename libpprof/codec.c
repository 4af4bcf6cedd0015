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

/*
 * How much memory decoding size bytes may take. protobuf-c's structs are
 * larger than their encoding: about 5 times for real profiles, 10 at most
 * for plausible ones (one-frame samples), but 40 and more for messages made
 * of nothing (an empty Sample is 2 bytes on the wire and about 80 decoded),
 * which is how a small input could ask for gigabytes after --max-size let
 * its bytes through.
 */
#define DECODED_RATIO 32
#define DECODED_BASE (16u << 20)

static size_t decoded_limit(size_t size)
{
	return size > (SIZE_MAX - DECODED_BASE) / DECODED_RATIO ? SIZE_MAX
	                                                         : DECODED_BASE + size * DECODED_RATIO;
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
	pp_arena_set_limit(a, decoded_limit(size));
	pb = perftools__profiles__profile__unpack(&alloc, size, data);
	if (!pb && pp_arena_over_limit(a)) {
		pp_seterr(err, "decoded, it would take more than %zu bytes (%d times its size):"
		          " not a plausible profile", decoded_limit(size), DECODED_RATIO);
		*code = PPROF_ERR_LIMIT;
		pp_arena_free(a);
		return NULL;
	}
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
