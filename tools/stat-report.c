/*
 * stat-report.c - one report of pprof-stat: picks the sample type, has
 * libpprof compute what the report shows, and hands it to the writer of the
 * mode (text, JSON, folded, traces, tags, flame graph) at the granularity asked
 * for.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stat.h"

/* Prints "pprof-stat: [FILE: profile N: ]message". */
static void report_error(const stat_facts *f, const char *msg)
{
	if (f->input)
		cli_warn("%s: profile %lu: %s", f->input, f->index, msg);
	else
		cli_warn("%s", msg);
}

/* Appends plain text and then text (escaped, as the text report shows it) to the
 * *len bytes of msg while there is room. */
static void append(char *msg, size_t size, size_t *len, const char *plain, const char *text)
{
	size_t n = strlen(plain);

	if (*len + n >= size)
		return;
	memcpy(msg + *len, plain, n + 1);
	*len += n;
	*len += pprof_escape(msg + *len, size - *len, text, strlen(text));
}

/* The sample type --sample-type names, or the default; false after a
 * message when there is no such type. */
static bool choose_type(const stat_facts *f, const char *spec, size_t *st)
{
	const pprof_profile *p = f->p;
	size_t i, n = pprof_profile_sample_type_count(p);
	char msg[1024];
	size_t len = 0;
	const char *unit;

	*st = pprof_profile_default_sample_type(p);
	if (!spec || pprof_profile_find_sample_type(p, spec, st) == PPROF_OK)
		return true;
	append(msg, sizeof(msg), &len, "no sample type '", spec);
	append(msg, sizeof(msg), &len, "' (there are:", "");
	for (i = 0; i < n; i++)
		append(msg, sizeof(msg), &len, " ", pprof_profile_sample_type(p, i, &unit));
	append(msg, sizeof(msg), &len, n ? ")" : " none)", "");
	report_error(f, msg);
	return false;
}

/* The tables of --by, copied out of the report (whose results last only
 * until its next call of the same function), and their keys. */
typedef struct {
	char **keys;
	pprof_breakdown *tables;
	size_t n;
} by_tables;

static void free_by(by_tables *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		free((void *)b->tables[i].values);
	for (i = 0; b->keys && b->keys[i]; i++)
		free(b->keys[i]);
	free(b->keys);
	free(b->tables);
}

/* Breaks the total down by each key of --by's list, a table each. */
static int gather_by(stat_facts *f, pprof_report *r, const char *list, by_tables *b)
{
	size_t n = 1, len;
	const char *s;
	int rc;

	for (s = list; *s; s++)
		n += *s == ',';
	b->keys = calloc(n + 1, sizeof(*b->keys));
	b->tables = calloc(n, sizeof(*b->tables));
	if (!b->keys || !b->tables)
		return PPROF_ERR_NOMEM;
	for (s = list; b->n < n; s += len + 1) {
		const pprof_breakdown *one;
		pprof_label_value *copy;
		len = strcspn(s, ",");
		if (!(b->keys[b->n] = strndup(s, len)))
			return PPROF_ERR_NOMEM;
		if ((rc = pprof_report_by_label(r, b->keys[b->n], f->st, &one)) != PPROF_OK)
			return rc;
		if (!(copy = malloc(one->n_values * sizeof(*copy) + 1)))
			return PPROF_ERR_NOMEM;
		if (one->n_values)
			memcpy(copy, one->values, one->n_values * sizeof(*copy));
		b->tables[b->n] = *one;
		b->tables[b->n++].values = copy;
	}
	f->by = b->tables;
	f->by_keys = (const char *const *)b->keys;
	f->n_by = b->n;
	return PPROF_OK;
}

/* Warns about each key of --by that no sample has. */
static void warn_missing_keys(const stat_facts *f)
{
	char msg[256];
	size_t i;

	for (i = 0; i < f->n_by; i++)
		if (f->by[i].n_values == 0) {
			snprintf(msg, sizeof(msg), "warning: no sample has label key '%.200s'",
			         f->by_keys[i]);
			report_error(f, msg);
		}
}

/* Computes what the report shows; false after a message. */
static bool gather(stat_facts *f, pprof_report *r, const stat_options *o, by_tables *by)
{
	bool typed = pprof_profile_sample_type_count(f->p) > 0; /* else no ranking */
	/* folded stacks and traces show no summary; they and flame graphs no top */
	bool streams = o->mode == MODE_FOLDED || o->mode == MODE_TRACES;
	bool stacks = streams || o->mode == MODE_FLAME;
	pprof_top_options to;
	int rc = PPROF_OK;

	if (!choose_type(f, o->sample_type, &f->st))
		return false;
	pprof_top_options_init(&to);
	to.sample_type = f->st;
	to.max_rows = o->top;
	to.sort_cum = o->cum;
	if (!streams)
		rc = pprof_report_label_keys(r, &f->keys, &f->n_keys);
	if (rc == PPROF_OK && typed && o->by)
		rc = gather_by(f, r, o->by, by);
	else if (rc == PPROF_OK && typed && o->tags)
		rc = pprof_report_tags(r, f->st, &f->tags);
	else if (rc == PPROF_OK && typed && !stacks)
		rc = pprof_report_top(r, &to, &f->top);
	if (rc != PPROF_OK) {
		report_error(f, rc == PPROF_ERR_NOMEM ? "out of memory" : pprof_report_error(r));
		return false;
	}
	warn_missing_keys(f);
	return true;
}

pprof_report *stat_new_report(const pprof_profile *p, const stat_options *o)
{
	pprof_report_options ro;
	pprof_report *r;

	pprof_report_options_init(&ro);
	ro.granularity = o->granularity;
	ro.noinlines = o->noinlines;
	if (pprof_report_new_with(&r, p, &ro) != PPROF_OK)
		return NULL; /* out of memory (the granularity is one of ours) */
	return r;
}

/* Writes the flame graph; false after a message. */
static bool flame(stat_writer *w, const stat_facts *f, pprof_report *r, const stat_options *o)
{
	int rc = stat_flame(w, f, r, o);

	if (rc == PPROF_ERR_NOMEM)
		report_error(f, "out of memory");
	else if (rc != PPROF_OK && rc != PPROF_ERR_IO)
		report_error(f, pprof_strerror(rc)); /* (none expected: a bug) */
	return rc == PPROF_OK;
}

/* The stacks of the report in the mode's form; false after a message. */
static bool write_stacks(stat_writer *w, const stat_facts *f, pprof_report *r,
                         const stat_options *o)
{
	int rc;

	if (!pprof_profile_sample_type_count(f->p))
		return true;
	if (o->mode == MODE_FOLDED)
		rc = stat_folded(w, r, f->st);
	else
		rc = stat_traces(w, f, r, f->st);
	if (rc == PPROF_ERR_NOMEM)
		report_error(f, "out of memory");
	return rc != PPROF_ERR_NOMEM;
}

int stat_report(stat_writer *w, stat_facts *f, const stat_options *o)
{
	pprof_report *r = stat_new_report(f->p, o);
	by_tables by = { NULL, NULL, 0 };
	int status = EXIT_DATA;

	if (!r) {
		report_error(f, "out of memory");
		return EXIT_DATA;
	}
	if (!gather(f, r, o, &by))
		goto done;
	if ((o->mode == MODE_TEXT && !o->tags) || o->mode == MODE_TRACES) {
		if (w->reports++)
			PUT(w, "\n"); /* (the tags end with a blank line) */
	}
	if (o->mode == MODE_TEXT && o->tags)
		stat_tags(w, f);
	else if (o->mode == MODE_TEXT)
		stat_text(w, f, o);
	else if (o->mode == MODE_JSON)
		stat_json(w, f, o);
	else if (o->mode == MODE_FLAME) {
		if (!flame(w, f, r, o))
			goto done;
	} else if (!write_stacks(w, f, r, o))
		goto done;
	status = w->ok ? EXIT_OK : EXIT_DATA;
done:
	free_by(&by);
	stat_text_forget(w);
	pprof_report_free(r);
	return status;
}
