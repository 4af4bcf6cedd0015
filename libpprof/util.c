/* util.c - error texts, version, array growth, byte hashing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "internal.h"

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

void pp_seterr(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, PP_ERRLEN, fmt, ap);
	va_end(ap);
}

bool pp_grow(void *ptr, size_t *cap, size_t need, size_t elsize)
{
	void **items = ptr;
	size_t n = *cap ? *cap : 16;
	void *grown;

	if (need <= *cap && *items)
		return true;   /* an array is allocated even for 0 items: no NULL to memcpy */
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
