/*
 * decode.c - profile.proto bytes to a validated profile, allocated in an
 * arena: unpack.c decodes the bulk and protobuf-c's unpacker the rest, or
 * protobuf-c all of it when unpack.c leaves it that. Encoding is in
 * encode.c, the writer that compresses and sends it on in writer.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "codec.h"

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
	return size > (SIZE_MAX - DECODED_BASE) / DECODED_RATIO
	               ? SIZE_MAX
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

/* Decodes and validates the bytes: pp_decode without its look at text. */
static pprof_profile *decode(const uint8_t *data, size_t size, char *err, int *code)
{
	pp_arena *a = decode_arena(size);
	pb_profile *pb = NULL;

	*code = !a ? PPROF_ERR_NOMEM : size == 0 ? PPROF_ERR_DATA : unpack(&a, data, size, &pb);
	switch (*code) {
	case PPROF_OK: return pp_profile_adopt(a, pb, err, code);
	case PPROF_ERR_LIMIT:
		pp_seterr(err,
		          "decoded, it would take more than %zu bytes (%d times its size):"
		          " not a plausible profile",
		          decoded_limit(size), DECODED_RATIO);
		break;
	case PPROF_ERR_DATA:
		/* protobuf-c does not say why; an arena that could not grow is the
		 * one cause we can tell apart. */
		pp_seterr(err, size ? "not a valid profile.proto message (malformed protobuf)"
		                    : "empty profile");
		break;
	default: pp_seterr(err, "out of memory");
	}
	pp_arena_free(a);
	return NULL;
}

/* How many bytes of the input tell text from a protobuf, and how many of its
 * first line an error quotes. */
#define TEXT_SNIFF_LEN 256
#define TEXT_QUOTE_LEN 72

/* The length of the UTF-8 sequence at data[0..n) (n > 0, data[0] >= 0x80),
 * or 0 when it is none; a sequence cut by the end of the data counts. */
static size_t utf8_length(const uint8_t *data, size_t n)
{
	size_t len = data[0] >= 0xc2 && data[0] <= 0xdf   ? 2
	             : data[0] >= 0xe0 && data[0] <= 0xef ? 3
	             : data[0] >= 0xf0 && data[0] <= 0xf4 ? 4
	                                                  : 0;
	size_t i;

	for (i = 1; i < len; i++)
		if (i < n && (data[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* Whether the input looks like text (a curl error page, an HTML page, a
 * message) rather than a protobuf, whose tags and lengths are mostly control
 * bytes: its first bytes are printable ASCII, tab, CR, LF or UTF-8, and some
 * are visible (a lone LF is a protobuf's first tag as well). */
static bool looks_like_text(const uint8_t *data, size_t size)
{
	size_t i, len, n = size < TEXT_SNIFF_LEN ? size : TEXT_SNIFF_LEN;
	bool visible = false;

	for (i = 0; i < n; i += len) {
		len = 1;
		if (data[i] >= 0x80 && !(len = utf8_length(data + i, n - i)))
			return false;
		if ((data[i] < 0x20 && data[i] != '\t' && data[i] != '\n' && data[i] != '\r') ||
		    data[i] == 0x7f)
			return false;
		visible |= data[i] > 0x20;
	}
	return visible;
}

/* Appends byte c to q (at *len) as it goes between double quotes in a
 * message: \" \\ \t \r, and \xNN for other control and non-ASCII bytes. */
static void quote_byte(char *q, size_t *len, uint8_t c)
{
	static const char hex[] = "0123456789abcdef";

	if (c == '"' || c == '\\' || c == '\t' || c == '\r') {
		q[(*len)++] = '\\';
		q[(*len)++] = c == '\t' ? 't' : c == '\r' ? 'r' : (char)c;
	} else if (c < 0x20 || c >= 0x7f) {
		q[(*len)++] = '\\';
		q[(*len)++] = 'x';
		q[(*len)++] = hex[c >> 4];
		q[(*len)++] = hex[c & 15];
	} else {
		q[(*len)++] = (char)c;
	}
}

/* Describes a text input in err: "not a profile: input is text: " and its
 * first line that is not blank, quoted, at most TEXT_QUOTE_LEN bytes
 * ("..." after it when it is longer). */
static void describe_text(char *err, const uint8_t *data, size_t size)
{
	char q[TEXT_QUOTE_LEN * 4 + 1];
	size_t i = 0, n, len = 0;

	while (i < size &&
	       (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	for (n = 0; i < size && data[i] != '\n' && n < TEXT_QUOTE_LEN; i++, n++)
		quote_byte(q, &len, data[i]);
	while (len >= 2 && q[len - 2] == '\\' && q[len - 1] == 'r')
		len -= 2; /* a CRLF line end */
	q[len] = '\0';
	pp_seterr(err, "not a profile: input is text: \"%s\"%s", q,
	          i < size && data[i] != '\n' ? "..." : "");
}

pprof_profile *pp_decode(const uint8_t *data, size_t size, char *err, int *code)
{
	pprof_profile *p = decode(data, size, err, code);

	if (!p && *code == PPROF_ERR_DATA && looks_like_text(data, size))
		describe_text(err, data, size);
	return p;
}
