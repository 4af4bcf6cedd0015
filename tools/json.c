/*
 * json.c - the small JSON emitter of json.h.
 */
#include "config.h"

#include <assert.h>
#include <inttypes.h>
#include <string.h>

#include "json.h"

/* A checked write: a failure is remembered in j->ok. */
#define PUT(j, ...) ((j)->ok &= cli_output_printf((j)->out, __VA_ARGS__))

void json_init(json *j, cli_output *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->ok = true;
	j->depth = -1;
}

bool json_ok(const json *j)
{
	return j->ok;
}

/* Writes the len bytes at s as a JSON string: escapes (a NUL is \u0000;
 * DEL and the C1 controls are escaped too, so that no control character
 * reaches a terminal), and U+FFFD for bytes that are not UTF-8. */
static void json_string_n(json *j, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *run = p, *end = p + len;

	PUT(j, "\"");
	while (p < end) {
		size_t n = *p < 0x80                  ? 1
		           : *p >= 0xc2 && *p <= 0xdf ? 2
		           : *p >= 0xe0 && *p <= 0xef ? 3
		           : *p >= 0xf0 && *p <= 0xf4 ? 4
		                                      : 0;
		size_t i;
		bool ok = n > 0 && n <= (size_t)(end - p);
		for (i = 1; ok && i < n; i++)
			ok = (p[i] & 0xc0) == 0x80;
		if (ok && n == 3) /* no overlong forms, no surrogates */
			ok = !(p[0] == 0xe0 && p[1] < 0xa0) && !(p[0] == 0xed && p[1] > 0x9f);
		if (ok && n == 4)
			ok = !(p[0] == 0xf0 && p[1] < 0x90) && !(p[0] == 0xf4 && p[1] > 0x8f);
		bool control = *p < 0x20 || *p == 0x7f || (*p == 0xc2 && n == 2 && p[1] < 0xa0);
		if (ok && !control && *p != '"' && *p != '\\') {
			p += n;
			continue;
		}
		PUT(j, "%.*s", (int)(p - run), (const char *)run);
		if (!ok)
			PUT(j, "\\ufffd");
		else if (*p == '"' || *p == '\\')
			PUT(j, "\\%c", *p);
		else if (*p == '\n')
			PUT(j, "\\n");
		else if (*p == '\t')
			PUT(j, "\\t");
		else if (*p == 0xc2) /* a C1 control: escaped too, for terminals */
			PUT(j, "\\u%04x", *++p);
		else
			PUT(j, "\\u%04x", *p);
		run = ++p;
	}
	PUT(j, "%.*s\"", (int)(p - run), (const char *)run);
}

/* json_string_n of a C string. */
static void json_string(json *j, const char *s)
{
	json_string_n(j, s, strlen(s));
}

/* Starts a member (key, or NULL in an array): separator and indentation. */
static void json_member(json *j, const char *key)
{
	if (j->oneline[j->depth])
		PUT(j, "%s", j->started[j->depth] ? ", " : "");
	else
		PUT(j, "%s\n%*s", j->started[j->depth] ? "," : "", 2 * (j->depth + 1), "");
	j->started[j->depth] = true;
	if (key) {
		json_string(j, key);
		PUT(j, ": ");
	}
}

/* Within a container on one line, everything is on that line. */
void json_open(json *j, const char *key, char bracket, bool oneline)
{
	assert(j->depth + 1 < JSON_MAX_DEPTH);
	if (j->depth >= 0)
		json_member(j, key);
	PUT(j, "%c", bracket);
	j->depth++;
	j->started[j->depth] = false;
	j->oneline[j->depth] = oneline || (j->depth > 0 && j->oneline[j->depth - 1]);
}

void json_close(json *j, char bracket)
{
	bool had = j->started[j->depth], oneline = j->oneline[j->depth];

	j->depth--;
	if (had && !oneline)
		PUT(j, "\n%*s", 2 * (j->depth + 1), "");
	PUT(j, "%c", bracket);
	if (j->depth < 0)
		PUT(j, "\n");
}

void json_int(json *j, const char *key, int64_t v)
{
	json_member(j, key);
	PUT(j, "%" PRId64, v);
}

void json_str(json *j, const char *key, const char *s)
{
	json_member(j, key);
	if (s)
		json_string(j, s);
	else
		PUT(j, "null");
}

void json_str_n(json *j, const char *key, const char *s, size_t len)
{
	json_member(j, key);
	json_string_n(j, s, len);
}

void json_bool(json *j, const char *key, bool b)
{
	json_member(j, key);
	PUT(j, b ? "true" : "false");
}
