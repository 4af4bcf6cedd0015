/* util.c - error texts, version, text for terminals, array growth, byte
 * hashing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "base.h"

const char *pprof_version(void)
{
	return PPROF_VERSION;
}

const char *pprof_zlib_version(void)
{
	return zlibVersion();
}

const char *pprof_protobuf_c_version(void)
{
	return protobuf_c_version();
}

const char *pprof_strerror(int code)
{
	switch (code) {
	case PPROF_OK: return "success";
	case PPROF_END: return "end of stream";
	case PPROF_ERR_DATA: return "malformed profile data";
	case PPROF_ERR_IO: return "input/output error";
	case PPROF_ERR_NOMEM: return "out of memory";
	case PPROF_ERR_LIMIT: return "size limit exceeded";
	case PPROF_ERR_MISMATCH: return "incompatible profiles";
	case PPROF_ERR_ARG: return "invalid argument";
	}
	return "unknown error";
}

/* The length of the UTF-8 sequence of a printable character at s (at most
 * n bytes), or 0 when s starts no such sequence: invalid or overlong UTF-8,
 * surrogates, or the C1 controls U+0080..U+009F. */
static size_t printable_utf8(const unsigned char *s, size_t n)
{
	size_t len, i;

	if (s[0] < 0x80)
		return s[0] >= 0x20 && s[0] != 0x7f;
	len = s[0] >= 0xc2 && s[0] <= 0xdf   ? 2
	      : s[0] >= 0xe0 && s[0] <= 0xef ? 3
	      : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4
	                                     : 0;
	if (len == 0 || len > n)
		return 0;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xc2 && s[1] < 0xa0) || (s[0] == 0xe0 && s[1] < 0xa0) ||
	    (s[0] == 0xed && s[1] > 0x9f) || (s[0] == 0xf0 && s[1] < 0x90) ||
	    (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	return len;
}

size_t pprof_escape(char *buf, size_t size, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t in = 0, out = 0, end = 0, room = size ? size - 1 : 0, n;

	while (in < len) {
		char esc[4] = { '\\', 'x', hex[p[in] >> 4], hex[p[in] & 15] };
		const char *unit = (const char *)p + in;
		if ((n = printable_utf8(p + in, len - in)) == 0) {
			unit = esc;
			in++;
			n = 4;
		} else {
			in += n;
		}
		if (end == out && out + n <= room) { /* whole units only, in order */
			memcpy(buf + out, unit, n);
			end = out + n;
		}
		out += n;
	}
	if (size)
		buf[end] = '\0';
	return out;
}

void pp_seterr(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, PP_ERRLEN, fmt, ap);
	va_end(ap);
}

void pp_append(char *buf, size_t size, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, size - *used, fmt, ap);
	va_end(ap);
	*used = n < 0 ? size : *used + (size_t)n;
}

void pp_append_escaped(char *buf, size_t size, size_t *used, const char *s, size_t len)
{
	if (*used < size)
		*used += pprof_escape(buf + *used, size - *used, s, len);
}

bool pp_grow(void *ptr, size_t *cap, size_t need, size_t elsize)
{
	void **items = ptr;
	size_t n = *cap ? *cap : 16;
	void *grown;

	if (need <= *cap && *items)
		return true; /* an array is allocated even for 0 items: no NULL to memcpy */
	while (n < need) {
		if (n > SIZE_MAX / 2 / elsize)
			return false;
		n *= 2;
	}
	grown = realloc(*items, n * elsize);
	if (!grown)
		return false;
	*items = grown;
	*cap = n;
	return true;
}

uint64_t pp_hash_bytes(uint64_t h, const void *data, size_t size)
{
	const unsigned char *p = data;
	uint64_t word;

	h = pp_hash_mix(h, size);
	for (; size >= 8; p += 8, size -= 8) {
		memcpy(&word, p, 8);
		h = pp_hash_mix(h, word);
	}
	if (size) {
		word = 0;
		memcpy(&word, p, size);
		h = pp_hash_mix(h, word);
	}
	return h;
}
