/*
 * stat-folded.c - pprof-stat --folded: collapsed stacks, one line
 * "root;...;leaf VALUE" a stack, the input of flamegraph.pl, inferno and
 * speedscope.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "stat.h"

/* Where print_stack writes: the writer and a line being built. */
typedef struct {
	stat_writer *w;
	char *line;
	size_t cap;
} folder;

/* Appends a frame name to the line. */
static bool fold_name(folder *fo, size_t *len, const char *name)
{
	size_t n = strlen(name);

	if (*len + n + 2 > fo->cap) {
		size_t cap = (*len + n + 2) * 2;
		char *grown = realloc(fo->line, cap);
		if (!grown)
			return false;
		fo->line = grown;
		fo->cap = cap;
	}
	memcpy(fo->line + *len, name, n);
	*len += n;
	return true;
}

/* pprof_stack_fn: one line "root;...;leaf VALUE". */
static int print_stack(void *ctx, const char *const *frames, size_t n, int64_t value)
{
	folder *fo = ctx;
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		if (!fold_name(fo, &len, frames[i]))
			return PPROF_ERR_NOMEM;
		if (i + 1 < n)
			fo->line[len++] = ';';
	}
	PUT(fo->w, "%.*s %" PRId64 "\n", (int)len, fo->line, value);
	return fo->w->ok ? 0 : PPROF_ERR_IO;
}

int stat_folded(stat_writer *w, pprof_report *r, size_t st)
{
	folder fo = { w, NULL, 0 };
	int rc = pprof_report_folded(r, st, print_stack, &fo);

	free(fo.line);
	return rc;
}
