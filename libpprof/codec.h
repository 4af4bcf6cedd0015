/*
 * codec.h - profile.proto bytes to the model and back (HACKING.md section 3):
 * decode.c, unpack.c, encode.c. Uses model.h and base.h.
 */
#ifndef PPROF_CODEC_H
#define PPROF_CODEC_H

#include "model.h"

/* ---- decode.c, unpack.c and encode.c ---------------------------------- */

/* Where the encoder puts bytes: a buffer that drain passes on (compressing or
 * writing it) and empties; drain returns false on failure. */
typedef struct pp_stage {
	uint8_t *buf;
	size_t len, cap;
	bool (*drain)(struct pp_stage *s);
} pp_stage;

/* Encodes a profile into the stage; false when out of memory or a drain
 * failed. */
bool pp_encode(const pb_profile *pb, pp_stage *s);

/* Decodes size bytes of protobuf into a new validated profile; on failure
 * NULL with err and *code set. */
pprof_profile *pp_decode(const uint8_t *data, size_t size, char *err, int *code);

/* unpack.c: size bytes of protobuf to protobuf-c structs in arena a,
 * samples, locations, functions and strings decoded there and the rest by
 * protobuf-c; NULL when the bytes hold anything it leaves to protobuf-c
 * (malformed or unusual messages) or the arena is full. What it returns is
 * what protobuf-c's unpacker would, but with the strings each followed by a
 * NUL in one block. */
pb_profile *pp_unpack_fast(pp_arena *a, const uint8_t *data, size_t size);

#endif /* PPROF_CODEC_H */
