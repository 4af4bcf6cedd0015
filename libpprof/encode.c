/*
 * encode.c - a profile to profile.proto bytes, deterministically: fields in
 * field-number order, zero scalars and empty repeated fields left out, as
 * protobuf-c and Go write them. Samples (the bulk of a profile) and the
 * top-level fields are encoded here directly into the stage buffer; the
 * other messages by protobuf-c's packer. Going through protobuf-c's
 * pack_to_buffer instead costs a callback per field, about a third of the
 * time of writing a large profile.
 */
#include <stdlib.h>
#include <string.h>

#include "codec.h"

#define MAX_VARINT 10
#define WIRE_VARINT 0
#define WIRE_BYTES 2

/* Room for n more bytes at the end of the stage, draining it first if
 * needed; NULL when out of memory or draining failed. */
static uint8_t *stage_reserve(pp_stage *s, size_t n)
{
	if (s->cap - s->len < n) {
		if (!s->drain(s))
			return NULL;
		if (n > s->cap) {
			uint8_t *grown = realloc(s->buf, n);
			if (!grown)
				return NULL;
			s->buf = grown;
			s->cap = n;
		}
	}
	return s->buf + s->len;
}

static size_t varint_size(uint64_t v)
{
	size_t n = 1;

	for (; v >= 0x80; v >>= 7)
		n++;
	return n;
}

static uint8_t *put_varint(uint8_t *p, uint64_t v)
{
	for (; v >= 0x80; v >>= 7)
		*p++ = (uint8_t)(v | 0x80);
	*p++ = (uint8_t)v;
	return p;
}

static uint8_t *put_tag(uint8_t *p, unsigned field, unsigned wire)
{
	return put_varint(p, (uint64_t)field << 3 | wire);
}

/* A varint field, left out when zero (proto3). */
static bool put_scalar(pp_stage *s, unsigned field, uint64_t v)
{
	uint8_t *p;

	if (v == 0)
		return true;
	if (!(p = stage_reserve(s, 2 * MAX_VARINT)))
		return false;
	s->len = (size_t)(put_varint(put_tag(p, field, WIRE_VARINT), v) - s->buf);
	return true;
}

/* A length-delimited field holding size bytes of data. */
static bool put_bytes(pp_stage *s, unsigned field, const void *data, size_t size)
{
	uint8_t *p = stage_reserve(s, 2 * MAX_VARINT + size);

	if (!p)
		return false;
	p = put_varint(put_tag(p, field, WIRE_BYTES), size);
	if (size)
		memcpy(p, data, size);
	s->len = (size_t)(p + size - s->buf);
	return true;
}

/* A message field packed by protobuf-c. */
static bool put_message(pp_stage *s, unsigned field, const ProtobufCMessage *msg)
{
	size_t size = protobuf_c_message_get_packed_size(msg);
	uint8_t *p = stage_reserve(s, 2 * MAX_VARINT + size);

	if (!p)
		return false;
	p = put_varint(put_tag(p, field, WIRE_BYTES), size);
	s->len = (size_t)(p + protobuf_c_message_pack(msg, p) - s->buf);
	return true;
}

/* Packed repeated varints: the size of their payload, then the field. */
static size_t packed_size(const uint64_t *v, size_t n)
{
	size_t i, size = 0;

	for (i = 0; i < n; i++)
		size += varint_size(v[i]);
	return size;
}

static uint8_t *put_packed(uint8_t *p, unsigned field, const uint64_t *v, size_t n, size_t size)
{
	size_t i;

	if (n == 0)
		return p;
	p = put_varint(put_tag(p, field, WIRE_BYTES), size);
	for (i = 0; i < n; i++)
		p = put_varint(p, v[i]);
	return p;
}

static size_t label_size(const pb_label *l)
{
	return (l->key ? 1 + varint_size((uint64_t)l->key) : 0) +
	       (l->str ? 1 + varint_size((uint64_t)l->str) : 0) +
	       (l->num ? 1 + varint_size((uint64_t)l->num) : 0) +
	       (l->num_unit ? 1 + varint_size((uint64_t)l->num_unit) : 0);
}

static uint8_t *put_label(uint8_t *p, const pb_label *l)
{
	const int64_t fields[4] = { l->key, l->str, l->num, l->num_unit };
	unsigned i;

	p = put_varint(put_tag(p, 3, WIRE_BYTES), label_size(l));
	for (i = 0; i < 4; i++)
		if (fields[i])
			p = put_varint(put_tag(p, i + 1, WIRE_VARINT), (uint64_t)fields[i]);
	return p;
}

/* Sample, field 2: location_id (1, packed), value (2, packed), label (3). */
static bool put_sample(pp_stage *s, const pb_sample *smp)
{
	const uint64_t *values = (const uint64_t *)smp->value; /* int64 varints are their bits */
	size_t locs = packed_size(smp->location_id, smp->n_location_id);
	size_t vals = packed_size(values, smp->n_value);
	size_t size = 0, i;
	uint8_t *p;

	if (smp->n_location_id)
		size += 1 + varint_size(locs) + locs;
	if (smp->n_value)
		size += 1 + varint_size(vals) + vals;
	for (i = 0; i < smp->n_label; i++) {
		size_t ls = label_size(smp->label[i]);
		size += 1 + varint_size(ls) + ls;
	}
	if (!(p = stage_reserve(s, 2 * MAX_VARINT + size)))
		return false;
	p = put_varint(put_tag(p, 2, WIRE_BYTES), size);
	p = put_packed(p, 1, smp->location_id, smp->n_location_id, locs);
	p = put_packed(p, 2, values, smp->n_value, vals);
	for (i = 0; i < smp->n_label; i++)
		p = put_label(p, smp->label[i]);
	s->len = (size_t)(p - s->buf);
	return true;
}

/* Fields 1 to 6: the repeated ones. */
static bool put_objects(pp_stage *s, const pb_profile *pb)
{
	size_t i;

	for (i = 0; i < pb->n_sample_type; i++)
		if (!put_message(s, 1, &pb->sample_type[i]->base))
			return false;
	for (i = 0; i < pb->n_sample; i++)
		if (!put_sample(s, pb->sample[i]))
			return false;
	for (i = 0; i < pb->n_mapping; i++)
		if (!put_message(s, 3, &pb->mapping[i]->base))
			return false;
	for (i = 0; i < pb->n_location; i++)
		if (!put_message(s, 4, &pb->location[i]->base))
			return false;
	for (i = 0; i < pb->n_function; i++)
		if (!put_message(s, 5, &pb->function[i]->base))
			return false;
	for (i = 0; i < pb->n_string_table; i++)
		if (!put_bytes(s, 6, pb->string_table[i].data, pb->string_table[i].len))
			return false;
	return true;
}

bool pp_encode(const pb_profile *pb, pp_stage *s)
{
	const uint64_t *comments = (const uint64_t *)pb->comment;
	size_t csize = packed_size(comments, pb->n_comment);
	uint8_t *p;

	if (!put_objects(s, pb) || !put_scalar(s, 7, (uint64_t)pb->drop_frames) ||
	    !put_scalar(s, 8, (uint64_t)pb->keep_frames) ||
	    !put_scalar(s, 9, (uint64_t)pb->time_nanos) ||
	    !put_scalar(s, 10, (uint64_t)pb->duration_nanos) ||
	    (pb->period_type && !put_message(s, 11, &pb->period_type->base)) ||
	    !put_scalar(s, 12, (uint64_t)pb->period))
		return false;
	if (!(p = stage_reserve(s, 2 * MAX_VARINT + csize)))
		return false;
	s->len = (size_t)(put_packed(p, 13, comments, pb->n_comment, csize) - s->buf);
	return put_scalar(s, 14, (uint64_t)pb->default_sample_type) &&
	       put_scalar(s, 15, (uint64_t)pb->doc_url);
}
