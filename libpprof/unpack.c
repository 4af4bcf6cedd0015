/*
 * unpack.c - profile.proto bytes to protobuf-c structs, the bulk of them
 * decoded here, the rest by protobuf-c's generated unpacker.
 *
 * Why: samples, locations, functions and strings are nearly all of a
 * profile, and protobuf-c's generic unpacker spent a third of a merge of
 * many profiles on them (a field-table lookup and a call a field, two scans
 * a message, an allocation a message). Their encodings are small and fixed:
 * messages of varint fields (location ids and values packed or not: Go
 * writes two or fewer unpacked), lines in locations, labels in samples.
 *
 * The decoder takes only what protobuf-c would take and decodes it the same
 * way. Anything else in those messages (an unknown field, another wire type,
 * a varint that runs on, a truncation) makes pp_unpack_fast give up, and the
 * caller gives the whole message to protobuf-c, whose verdict stands. The
 * other top-level fields (header, sample types, mappings, comments and
 * unknown ones) go to protobuf-c as they are, in their order. The unit test
 * check_unpack and the fuzz target compare the two ways on every input.
 */
#include <stdlib.h>
#include <string.h>

#include "codec.h"

#define WIRE_VARINT 0
#define WIRE_64BIT 1
#define WIRE_LEN 2
#define WIRE_32BIT 5
#define MAX_VARINT 10

/* Profile's fields decoded here. */
#define PROFILE_SAMPLE 2
#define PROFILE_LOCATION 4
#define PROFILE_FUNCTION 5
#define PROFILE_STRING 6

/* Tags of the nested messages' fields: all fit in one byte. */
#define TAG(field, wire) ((field) << 3 | (wire))

/* ---- wire format ------------------------------------------------------- */

/* get_varint's loop, for varints of more than one byte. */
static bool get_long_varint(const uint8_t **pp, const uint8_t *end, uint64_t *out)
{
	const uint8_t *p = *pp;
	uint64_t v = 0;
	unsigned shift;

	if (end - p > MAX_VARINT)
		end = p + MAX_VARINT;
	for (shift = 0; p < end; shift += 7) {
		uint8_t b = *p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (b < 0x80) {
			*out = v;
			*pp = p;
			return true;
		}
	}
	return false;
}

/* Reads a varint of at most 10 bytes, as protobuf-c does (bits past the
 * 64th are dropped); false when it runs past end or on. Most are one byte. */
static inline bool get_varint(const uint8_t **pp, const uint8_t *end, uint64_t *out)
{
	if (*pp < end && **pp < 0x80) {
		*out = *(*pp)++;
		return true;
	}
	return get_long_varint(pp, end, out);
}

/* Reads a length-delimited field's length and checks the bytes are there.
 * protobuf-c reads a length of at most 5 bytes into 32 bits; longer or
 * wider ones are left to it. */
static inline bool get_length(const uint8_t **pp, const uint8_t *end, size_t *len)
{
	const uint8_t *start = *pp;
	uint64_t v;

	if (!get_varint(pp, end, &v) || *pp - start > 5 || v > UINT32_MAX ||
	    v > (uint64_t)(end - *pp))
		return false;
	*len = (size_t)v;
	return true;
}

/* Reads a varint field's value as protobuf-c reads a bool: true when any of
 * its bytes has a bit set besides the continuation bit. */
static bool get_bool(const uint8_t **pp, const uint8_t *end, protobuf_c_boolean *out)
{
	const uint8_t *start = *pp, *p;
	uint64_t v;

	if (!get_varint(pp, end, &v))
		return false;
	*out = 0;
	for (p = start; p < *pp; p++)
		*out |= (*p & 0x7f) != 0;
	return true;
}

/* Reads a tag as protobuf-c does: at most 5 bytes, field number not 0. */
static bool get_tag(const uint8_t **pp, const uint8_t *end, uint32_t *field, unsigned *wire)
{
	const uint8_t *start = *pp;
	uint64_t v;

	if (!get_varint(pp, end, &v) || *pp - start > 5 || v >> 3 == 0 || v > UINT32_MAX)
		return false;
	*field = (uint32_t)(v >> 3);
	*wire = (unsigned)(v & 7);
	return true;
}

/* Steps over a field's value; false for groups, unknown wire types and
 * truncation. */
static bool skip_value(const uint8_t **pp, const uint8_t *end, unsigned wire)
{
	uint64_t v;
	size_t len;

	switch (wire) {
	case WIRE_VARINT: return get_varint(pp, end, &v);
	case WIRE_64BIT: len = 8; break;
	case WIRE_32BIT: len = 4; break;
	case WIRE_LEN:
		if (!get_length(pp, end, &len))
			return false;
		break;
	default: return false;
	}
	if (len > (size_t)(end - *pp))
		return false;
	*pp += len;
	return true;
}

/* Decodes a message made only of varint fields 1 to n, field i into
 * *slot[i - 1], the last of a field counting; false on anything else. */
static bool get_varint_fields(const uint8_t *p, const uint8_t *end, uint64_t *const slot[],
                              unsigned n)
{
	while (p < end) {
		uint8_t tag = *p++;
		if ((tag & 7) != WIRE_VARINT || tag >> 3 == 0 || tag >> 3 > n ||
		    !get_varint(&p, end, slot[(tag >> 3) - 1]))
			return false;
	}
	return true;
}

/* ---- samples and locations --------------------------------------------- */

typedef VEC(uint64_t) u64_vec;

/* Where a sample's or a location's arrays are gathered before they are
 * copied to the arena at their exact size; reused from message to message. */
typedef struct {
	pp_arena *arena;
	u64_vec locations, values;
	VEC(pb_label) labels;
	VEC(pb_line) lines;
} scratch;

/* Appends an unpacked varint field's value. */
static bool append_varint(u64_vec *vec, const uint8_t **pp, const uint8_t *end)
{
	if (!VEC_RESERVE(*vec, vec->n + 1) || !get_varint(pp, end, &vec->v[vec->n]))
		return false;
	vec->n++;
	return true;
}

/* Appends a packed field's varints: len bytes hold at most len of them.
 * Location ids are mostly two bytes, which get their own case. */
static bool append_packed(u64_vec *vec, const uint8_t **pp, const uint8_t *end)
{
	const uint8_t *p, *stop;
	uint64_t *out;
	size_t len;

	if (!get_length(pp, end, &len) || !VEC_RESERVE(*vec, vec->n + len))
		return false;
	p = *pp;
	stop = *pp = p + len;
	out = vec->v + vec->n;
	while (p < stop) {
		if (p[0] < 0x80) {
			*out++ = *p++;
		} else if (stop - p >= 2 && p[1] < 0x80) {
			*out++ = (uint64_t)(p[0] & 0x7f) | (uint64_t)p[1] << 7;
			p += 2;
		} else if (!get_long_varint(&p, stop, out++)) {
			return false;
		}
	}
	vec->n = (size_t)(out - vec->v);
	return true;
}

/* Appends a Label: four varint fields. */
static bool append_label(scratch *sc, const uint8_t **pp, const uint8_t *end)
{
	pb_label *l;
	size_t len;

	if (!get_length(pp, end, &len) || !VEC_RESERVE(sc->labels, sc->labels.n + 1))
		return false;
	l = &sc->labels.v[sc->labels.n];
	*l = (pb_label)PERFTOOLS__PROFILES__LABEL__INIT;
	{
		uint64_t *const slot[] = { (uint64_t *)&l->key, (uint64_t *)&l->str,
			                   (uint64_t *)&l->num, (uint64_t *)&l->num_unit };
		if (!get_varint_fields(*pp, *pp + len, slot, 4))
			return false;
	}
	*pp += len;
	sc->labels.n++;
	return true;
}

/* Decodes a Sample's fields into the scratch arrays in the order they come,
 * as protobuf-c appends repeated fields. */
static bool scan_sample(scratch *sc, const uint8_t *p, const uint8_t *end)
{
	sc->locations.n = sc->values.n = sc->labels.n = 0;
	while (p < end) {
		bool ok;
		switch (*p++) {
		case TAG(1, WIRE_VARINT): ok = append_varint(&sc->locations, &p, end); break;
		case TAG(1, WIRE_LEN): ok = append_packed(&sc->locations, &p, end); break;
		case TAG(2, WIRE_VARINT): ok = append_varint(&sc->values, &p, end); break;
		case TAG(2, WIRE_LEN): ok = append_packed(&sc->values, &p, end); break;
		case TAG(3, WIRE_LEN): ok = append_label(sc, &p, end); break;
		default: ok = false;
		}
		if (!ok)
			return false;
	}
	return true;
}

/* Copies n items of size bytes from src to *block and advances it; NULL for
 * none, as protobuf-c leaves an empty array. */
static void *take(char **block, const void *src, size_t n, size_t size)
{
	void *dst = *block;

	if (n == 0)
		return NULL;
	memcpy(dst, src, n * size);
	*block += n * size;
	return dst;
}

/* Points ptrs[i] at items[i]: protobuf-c's arrays of messages are arrays of
 * pointers. */
#define POINT_AT(ptrs, items, n)                    \
	do {                                        \
		for (size_t i_ = 0; i_ < (n); i_++) \
			(ptrs)[i_] = &(items)[i_];  \
	} while (0)

/* Decodes one Sample into s, its arrays in one arena block. */
static bool decode_sample(scratch *sc, const uint8_t *p, size_t len, pb_sample *s)
{
	size_t nlab, size;
	pb_label *labels;
	char *block;

	*s = (pb_sample)PERFTOOLS__PROFILES__SAMPLE__INIT;
	if (!scan_sample(sc, p, p + len))
		return false;
	nlab = sc->labels.n;
	/* Counts are bounded by len, so the sum cannot overflow. */
	size = (sc->locations.n + sc->values.n) * sizeof(uint64_t) +
	       nlab * (sizeof(pb_label *) + sizeof(pb_label));
	if (size == 0)
		return true;
	if (!(block = pp_arena_alloc(sc->arena, size)))
		return false;
	s->n_location_id = sc->locations.n;
	s->location_id = take(&block, sc->locations.v, sc->locations.n, sizeof(uint64_t));
	s->n_value = sc->values.n;
	s->value = take(&block, sc->values.v, sc->values.n, sizeof(int64_t));
	s->n_label = nlab;
	s->label = nlab ? (pb_label **)block : NULL;
	block += nlab * sizeof(pb_label *);
	labels = take(&block, sc->labels.v, nlab, sizeof(pb_label));
	POINT_AT(s->label, labels, nlab);
	return true;
}

/* Appends a Line: three varint fields. */
static bool append_line(scratch *sc, const uint8_t **pp, const uint8_t *end)
{
	pb_line *l;
	size_t len;

	if (!get_length(pp, end, &len) || !VEC_RESERVE(sc->lines, sc->lines.n + 1))
		return false;
	l = &sc->lines.v[sc->lines.n];
	*l = (pb_line)PERFTOOLS__PROFILES__LINE__INIT;
	{
		uint64_t *const slot[] = { &l->function_id, (uint64_t *)&l->line,
			                   (uint64_t *)&l->column };
		if (!get_varint_fields(*pp, *pp + len, slot, 3))
			return false;
	}
	*pp += len;
	sc->lines.n++;
	return true;
}

/* Decodes one Location into loc, its lines in one arena block. */
static bool decode_location(scratch *sc, const uint8_t *p, size_t len, pb_location *loc)
{
	const uint8_t *end = p + len;
	pb_line *lines;
	size_t n;
	char *block;

	*loc = (pb_location)PERFTOOLS__PROFILES__LOCATION__INIT;
	sc->lines.n = 0;
	while (p < end) {
		bool ok;
		switch (*p++) {
		case TAG(1, WIRE_VARINT): ok = get_varint(&p, end, &loc->id); break;
		case TAG(2, WIRE_VARINT): ok = get_varint(&p, end, &loc->mapping_id); break;
		case TAG(3, WIRE_VARINT): ok = get_varint(&p, end, &loc->address); break;
		case TAG(4, WIRE_LEN): ok = append_line(sc, &p, end); break;
		case TAG(5, WIRE_VARINT): ok = get_bool(&p, end, &loc->is_folded); break;
		default: ok = false;
		}
		if (!ok)
			return false;
	}
	if ((n = sc->lines.n) == 0)
		return true;
	if (!(block = pp_arena_alloc(sc->arena, n * (sizeof(pb_line *) + sizeof(pb_line)))))
		return false;
	loc->n_line = n;
	loc->line = (pb_line **)block;
	block += n * sizeof(pb_line *);
	lines = take(&block, sc->lines.v, n, sizeof(pb_line));
	POINT_AT(loc->line, lines, n);
	return true;
}

static bool decode_function(const uint8_t *p, size_t len, pb_function *f)
{
	uint64_t *const slot[] = { &f->id, (uint64_t *)&f->name, (uint64_t *)&f->system_name,
		                   (uint64_t *)&f->filename, (uint64_t *)&f->start_line };

	*f = (pb_function)PERFTOOLS__PROFILES__FUNCTION__INIT;
	return get_varint_fields(p, p + len, slot, 5);
}

/* ---- the profile ------------------------------------------------------- */

static bool decoded_here(uint32_t field)
{
	return field == PROFILE_SAMPLE || field == PROFILE_LOCATION || field == PROFILE_FUNCTION ||
	       field == PROFILE_STRING;
}

/* What the first pass finds: how many of each message there are, and the
 * sizes of the strings and of the fields left to protobuf-c. */
typedef struct {
	size_t samples, locations, functions, strings;
	size_t string_bytes; /* room for them, with a NUL after each */
	size_t rest_bytes;
} profile_counts;

static bool count_fields(const uint8_t *p, const uint8_t *end, profile_counts *c)
{
	memset(c, 0, sizeof(*c));
	while (p < end) {
		const uint8_t *field_start = p, *value;
		uint32_t field;
		unsigned wire;
		if (!get_tag(&p, end, &field, &wire))
			return false;
		value = p;
		if (!skip_value(&p, end, wire))
			return false;
		if (!decoded_here(field)) {
			c->rest_bytes += (size_t)(p - field_start);
			continue;
		}
		if (wire != WIRE_LEN)
			return false;
		switch (field) {
		case PROFILE_SAMPLE: c->samples++; break;
		case PROFILE_LOCATION: c->locations++; break;
		case PROFILE_FUNCTION: c->functions++; break;
		default: c->strings++; c->string_bytes += (size_t)(p - value) + 1;
		}
	}
	return true;
}

/* The arrays the second pass fills, allocated from the counts: the message
 * structs in blocks, the pointer arrays protobuf-c's structs want, and the
 * strings in one block, each followed by a NUL (as decode.c's
 * terminate_strings leaves protobuf-c's). */
static bool allocate_arrays(pp_arena *a, const profile_counts *c, pb_profile *pb)
{
	pb_sample *samples = pp_arena_alloc(a, c->samples * sizeof(*samples));
	pb_location *locations = pp_arena_alloc(a, c->locations * sizeof(*locations));
	pb_function *functions = pp_arena_alloc(a, c->functions * sizeof(*functions));

	pb->sample = pp_arena_alloc(a, c->samples * sizeof(*pb->sample));
	pb->location = pp_arena_alloc(a, c->locations * sizeof(*pb->location));
	pb->function = pp_arena_alloc(a, c->functions * sizeof(*pb->function));
	pb->string_table = pp_arena_alloc(a, c->strings * sizeof(*pb->string_table));
	if (!samples || !locations || !functions || !pb->sample || !pb->location || !pb->function ||
	    !pb->string_table)
		return false;
	POINT_AT(pb->sample, samples, c->samples);
	POINT_AT(pb->location, locations, c->locations);
	POINT_AT(pb->function, functions, c->functions);
	return true;
}

/* One string into the block at *text, with a NUL after it. */
static void add_string(ProtobufCBinaryData *s, uint8_t **text, const uint8_t *p, size_t len)
{
	s->len = len;
	s->data = *text;
	if (len)
		memcpy(*text, p, len);
	(*text)[len] = '\0';
	*text += len + 1;
}

/* Decodes a top-level field the first pass counted, or copies it to *rest
 * for protobuf-c. */
static bool decode_field(scratch *sc, pb_profile *pb, const uint8_t **pp, const uint8_t *end,
                         uint8_t **rest, uint8_t **text)
{
	const uint8_t *field_start = *pp, *p;
	uint32_t field = 0;
	unsigned wire = 0;
	size_t len = 0;

	get_tag(pp, end, &field, &wire); /* checked by count_fields */
	if (!decoded_here(field)) {
		skip_value(pp, end, wire);
		memcpy(*rest, field_start, (size_t)(*pp - field_start));
		*rest += *pp - field_start;
		return true;
	}
	get_length(pp, end, &len);
	p = *pp;
	*pp += len;
	switch (field) {
	case PROFILE_SAMPLE: return decode_sample(sc, p, len, pb->sample[pb->n_sample++]);
	case PROFILE_LOCATION: return decode_location(sc, p, len, pb->location[pb->n_location++]);
	case PROFILE_FUNCTION: return decode_function(p, len, pb->function[pb->n_function++]);
	default: add_string(&pb->string_table[pb->n_string_table++], text, p, len); return true;
	}
}

/* Moves the arrays decoded here into the profile protobuf-c made. */
static void move_arrays(pb_profile *from, pb_profile *to)
{
	to->n_sample = from->n_sample;
	to->sample = from->sample;
	to->n_location = from->n_location;
	to->location = from->location;
	to->n_function = from->n_function;
	to->function = from->function;
	to->n_string_table = from->n_string_table;
	to->string_table = from->string_table;
}

/* The second pass: decodes the messages into parts and copies the other
 * fields to rest. */
static bool decode_fields(pp_arena *a, const uint8_t *p, const uint8_t *end, pb_profile *parts,
                          uint8_t *rest, uint8_t *text)
{
	scratch sc = { a, { NULL, 0, 0 }, { NULL, 0, 0 }, { NULL, 0, 0 }, { NULL, 0, 0 } };
	bool ok = true;

	while (ok && p < end)
		ok = decode_field(&sc, parts, &p, end, &rest, &text);
	VEC_FREE(sc.locations);
	VEC_FREE(sc.values);
	VEC_FREE(sc.labels);
	VEC_FREE(sc.lines);
	return ok;
}

pb_profile *pp_unpack_fast(pp_arena *a, const uint8_t *data, size_t size)
{
	/* Holds the arrays decoded here until protobuf-c has made the profile
	 * from the other fields. */
	pb_profile parts = PERFTOOLS__PROFILES__PROFILE__INIT;
	ProtobufCAllocator alloc;
	profile_counts c;
	pb_profile *pb = NULL;
	uint8_t *rest, *text;

	if (!count_fields(data, data + size, &c) || !allocate_arrays(a, &c, &parts) ||
	    !(text = pp_arena_alloc(a, c.string_bytes)) || !(rest = malloc(c.rest_bytes + 1)))
		return NULL;
	if (decode_fields(a, data, data + size, &parts, rest, text)) {
		pp_arena_protobuf_allocator(a, &alloc);
		pb = perftools__profiles__profile__unpack(&alloc, c.rest_bytes, rest);
	}
	free(rest);
	if (pb)
		move_arrays(&parts, pb);
	return pb;
}
