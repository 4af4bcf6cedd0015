/*
 * regex.h - the regular expressions of libpprof's filters: RE2, the engine
 * of Go's regexp, behind a small C interface (regex.cc says why RE2).
 * Patterns are Go's regexp syntax, searched for anywhere in the text, in
 * time linear in the text; a handle may be used by several threads at once.
 * No C++ exception leaves these functions: running out of memory is an
 * error code.
 */
#ifndef PPROF_REGEX_H
#define PPROF_REGEX_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pp_regex pp_regex;

/* What pp_regex_compile returns. */
enum { PP_REGEX_OK, PP_REGEX_SYNTAX, PP_REGEX_NOMEM };

/* Compiles pattern (a C string) into *out as Go's regexp.Compile would.
 * PP_REGEX_SYNTAX when Go would refuse it, with the reason (RE2's words)
 * in why, why_size bytes with the NUL; PP_REGEX_NOMEM when out of memory. */
int pp_regex_compile(const char *pattern, pp_regex **out, char *why, size_t why_size);

/* Frees re; NULL is a no-op. */
void pp_regex_free(pp_regex *re);

/* The number of capturing groups of re. */
size_t pp_regex_groups(const pp_regex *re);

/* Whether re matches somewhere in text[0..len): 1 or 0; -1 when out of
 * memory. text may hold NULs. */
int pp_regex_match(const pp_regex *re, const char *text, size_t len);

/* The leftmost-first match (Go's) of re in text[0..len) that starts at or
 * after from, with the whole text as the context of ^, $, \A, \z and \b: 1
 * with group i (0: the whole match) at text[m[2i]..m[2i+1]), both -1 when
 * the group took no part, for i < n_groups; 0 when there is none; -1 when
 * out of memory. */
int pp_regex_search(const pp_regex *re, const char *text, size_t len, size_t from, ptrdiff_t *m,
                    size_t n_groups);

#ifdef __cplusplus
}
#endif

#endif
