/*
 * stat-traces.c - pprof-stat --traces: every sample's stack, labels and
 * value, as `go tool pprof -traces` prints them (report.printTraces), byte
 * for byte from its first separator on. Text from the profile is escaped
 * (pprof_escape), which pprof does not do.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "stat.h"

static const char separator[] =
	"-----------+-------------------------------------------------------\n";

/* What print_trace works with: the output, the sample type's unit, and a
 * buffer for escaped text. */
typedef struct {
	stat_writer *w;
	const char *unit;
	char *buf;
	size_t cap;
} tracer;

/* Text from the profile escaped, in t's buffer (valid until the next call);
 * NULL when out of memory. */
static const char *escaped(tracer *t, const char *s, size_t len)
{
	size_t n = pprof_escape(NULL, 0, s, len);

	if (n + 1 > t->cap) {
		char *grown = realloc(t->buf, n + 1);
		if (!grown)
			return NULL;
		t->buf = grown;
		t->cap = n + 1;
	}
	pprof_escape(t->buf, n + 1, s, len);
	return t->buf;
}

/* Appends s (len bytes) to the line *line of *len bytes. */
static bool append(char **line, size_t *len, const char *s, size_t n)
{
	char *grown = realloc(*line, *len + n + 1);

	if (!grown)
		return false;
	memcpy(grown + *len, s, n);
	grown[*len + n] = '\0';
	*line = grown;
	*len += n;
	return true;
}

/* The characters of UTF-8 text, as Go's %10s counts them for padding. */
static size_t utf8_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* One label line, fmt.Sprintf("%10s:  %s", key, values joined by spaces);
 * NULL when out of memory. */
static char *label_line(tracer *t, const pprof_trace_label *l)
{
	char value[STAT_VALUE_LEN], *line = NULL;
	const char *key = escaped(t, l->key, l->key_len), *text;
	size_t i, len = 0, width;

	if (!key)
		return NULL;
	for (width = utf8_width(key); width < 10; width++)
		if (!append(&line, &len, " ", 1))
			return NULL;
	key = escaped(t, l->key, l->key_len);
	if (!append(&line, &len, key, strlen(key)) || !append(&line, &len, ":  ", 3))
		goto fail;
	for (i = 0; i < l->n_values; i++) {
		const pprof_label_value *v = &l->values[i];
		text = l->numeric ? stat_auto_label(value, v->num, l->unit)
		                  : escaped(t, v->str, v->str_len);
		if (!text || (i && !append(&line, &len, " ", 1)) ||
		    !append(&line, &len, text, strlen(text)))
			goto fail;
	}
	return line;
fail:
	free(line);
	return NULL;
}

static int compare_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints the label lines of kind numeric, sorted as pprof sorts them. */
static bool print_labels(tracer *t, const pprof_trace *tr, int numeric)
{
	char **lines = calloc(tr->n_labels + 1, sizeof(*lines));
	size_t i, n = 0;
	bool ok = lines != NULL;

	for (i = 0; ok && i < tr->n_labels; i++)
		if (tr->labels[i].numeric == numeric)
			ok = (lines[n++] = label_line(t, &tr->labels[i])) != NULL;
	if (ok)
		qsort(lines, n, sizeof(*lines), compare_lines);
	for (i = 0; ok && i < n; i++)
		PUT(t->w, "%s\n", lines[i]);
	for (i = 0; lines && i < n; i++)
		free(lines[i]);
	free(lines);
	return ok;
}

/* pprof_trace_fn: one trace. */
static int print_trace(void *ctx, const pprof_trace *tr)
{
	tracer *t = ctx;
	char value[STAT_VALUE_LEN];
	size_t i;

	PUT(t->w, "%s", separator);
	if (!print_labels(t, tr, 0) || !print_labels(t, tr, 1))
		return PPROF_ERR_NOMEM;
	stat_pprof_label(value, tr->value, t->unit, "minimum");
	for (i = 0; i < tr->n_frames; i++) {
		const char *name = escaped(t, tr->frames[i].name, tr->frames[i].name_len);
		if (!name)
			return PPROF_ERR_NOMEM;
		PUT(t->w, "%10s   %s%s\n", i ? "" : value, name,
		    tr->frames[i].inlined ? " (inline)" : "");
	}
	return t->w->ok ? PPROF_OK : PPROF_ERR_IO;
}

int stat_traces(stat_writer *w, const stat_facts *f, pprof_report *r, size_t st)
{
	tracer t = { w, NULL, NULL, 0 };
	const char *unit, *type = pprof_profile_sample_type(f->p, st, &unit);
	char *type_text = NULL;
	int rc = PPROF_ERR_NOMEM;

	if (f->input)
		PUT(w, "%s==> %s: profile %lu <==%s\n", w->bold, f->input, f->index, w->plain);
	if (!(type = escaped(&t, type, strlen(type))) || !(type_text = strdup(type)) ||
	    !(unit = escaped(&t, unit, strlen(unit))) || !(t.unit = strdup(unit)))
		goto done;
	PUT(w, "Type: %s\n", type_text); /* pprof's first heading line */
	rc = pprof_report_traces(r, st, print_trace, &t);
	if (rc == PPROF_OK)
		PUT(w, "%s", separator);
done:
	free(type_text);
	free((char *)t.unit);
	free(t.buf);
	return rc;
}
