/*
 * codec.c - profile.proto bytes to a validated profile, allocated in an
 * arena: unpack.c decodes the bulk and protobuf-c's unpacker the rest, or
 * protobuf-c all of it when unpack.c leaves it that. Encoding is in
 * encode.c, the writer that compresses and sends it on in writer.c.
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

/* An arena for decoding size bytes, with its limit set; NULL when out of
 * memory. */
static pp_arena *decode_arena(size_t size)
{
	pp_arena *a = pp_arena_new();

	if (a)
		pp_arena_set_limit(a, decoded_limit(size));
	return a;
}

/* Unpacks the bytes into arena *ap: the fast way (unpack.c) when it takes
 * them, else, in a fresh arena, with protobuf-c's unpacker for all, which
 * then decides. Returns PPROF_OK, or the error; *ap is NULL when there was
 * no memory for a new arena. */
static int unpack(pp_arena **ap, const uint8_t *data, size_t size, pb_profile **out)
{
	ProtobufCAllocator alloc;

	if ((*out = pp_unpack_fast(*ap, data, size)))
		return PPROF_OK;
	pp_arena_free(*ap);
	if (!(*ap = decode_arena(size)))
		return PPROF_ERR_NOMEM;
	pp_arena_protobuf_allocator(*ap, &alloc);
	*out = perftools__profiles__profile__unpack(&alloc, size, data);
	if (*out && terminate_strings(*ap, *out))
		return PPROF_OK;
	if (pp_arena_over_limit(*ap))
		return PPROF_ERR_LIMIT;
	return *out ? PPROF_ERR_NOMEM : PPROF_ERR_DATA;
}

pprof_profile *pp_decode(const uint8_t *data, size_t size, char *err, int *code)
{
	pp_arena *a = decode_arena(size);
	pb_profile *pb = NULL;

	*code = !a ? PPROF_ERR_NOMEM : size == 0 ? PPROF_ERR_DATA : unpack(&a, data, size, &pb);
	switch (*code) {
	case PPROF_OK:
		return pp_profile_adopt(a, pb, err, code);
	case PPROF_ERR_LIMIT:
		pp_seterr(err, "decoded, it would take more than %zu bytes (%d times its size):"
		          " not a plausible profile", decoded_limit(size), DECODED_RATIO);
		break;
	case PPROF_ERR_DATA:
		/* protobuf-c does not say why; an arena that could not grow is the
		 * one cause we can tell apart. */
		pp_seterr(err, size ? "not a valid profile.proto message (malformed protobuf)"
		                    : "empty profile");
		break;
	default:
		pp_seterr(err, "out of memory");
	}
	pp_arena_free(a);
	return NULL;
}
