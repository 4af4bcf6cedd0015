/*
 * json.h - a small JSON emitter for the reports of the pprof-tools
 * programs: objects and arrays (each written over several indented lines or
 * on one), members with their commas, strings escaped, integers, booleans,
 * null. Every write goes through cli_output_printf, which checks it; the
 * emitter remembers whether all of them worked.
 */
#ifndef PPROF_JSON_H
#define PPROF_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "output.h"

/* Containers open at once, at most (pprof-stat nests 4 deep). */
#define JSON_MAX_DEPTH 8

/* A JSON document being written: the output, whether every write worked,
 * the nesting depth (-1: none open), and whether the container at each
 * depth has a member yet and is written on one line. */
typedef struct {
	cli_output *out;
	bool ok;
	int depth;
	bool started[JSON_MAX_DEPTH], oneline[JSON_MAX_DEPTH];
} json;

/* Starts a document written to out. */
void json_init(json *j, cli_output *out);
/* Whether every write of the document worked. */
bool json_ok(const json *j);

/*
 * Opens an object or array (bracket '{' or '['): the member key of the
 * object open, or NULL in an array or for the document itself. oneline
 * writes it on one line (and all it holds). json_close closes it with '}'
 * or ']'; closing the document ends it with a newline.
 */
void json_open(json *j, const char *key, char bracket, bool oneline);
void json_close(json *j, char bracket);

/* Members (key NULL in an array): an integer, a string (NULL: null), a
 * string of len bytes (NULs and all), a boolean. */
void json_int(json *j, const char *key, int64_t v);
void json_str(json *j, const char *key, const char *s);
void json_str_n(json *j, const char *key, const char *s, size_t len);
void json_bool(json *j, const char *key, bool b);

#endif /* PPROF_JSON_H */
