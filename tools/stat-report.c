/*
 * stat-report.c - one report of pprof-stat: picks the sample type, has
 * libpprof compute what the report shows, and hands it to the writer of the
 * mode (text, JSON, folded, traces) at the granularity asked for.
 */
#include "config.h"

#include <stdio.h>
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

/* Computes what the report shows; false after a message. */
static bool gather(stat_facts *f, pprof_report *r, const stat_options *o)
{
	bool typed = pprof_profile_sample_type_count(f->p) > 0; /* else no ranking */
	pprof_top_options to;
	char msg[256];
	int rc = PPROF_OK;
	bool streams = o->mode == MODE_FOLDED || o->mode == MODE_TRACES; /* no summary */

	if (!choose_type(f, o->sample_type, &f->st))
		return false;
	pprof_top_options_init(&to);
	to.sample_type = f->st;
	to.max_rows = o->top;
	to.sort_cum = o->cum;
	if (!streams)
		rc = pprof_report_label_keys(r, &f->keys, &f->n_keys);
	if (rc == PPROF_OK && typed && o->by)
		rc = pprof_report_by_label(r, o->by, f->st, &f->by);
	else if (rc == PPROF_OK && typed && !streams)
		rc = pprof_report_top(r, &to, &f->top);
	if (rc != PPROF_OK) {
		report_error(f, pprof_report_error(r));
		return false;
	}
	if (f->by && f->by->n_values == 0) {
		snprintf(msg, sizeof(msg), "warning: no sample has label key '%.200s'", o->by);
		report_error(f, msg);
	}
	return true;
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
	pprof_report_options ro;
	pprof_report *r;
	int status = EXIT_DATA;

	pprof_report_options_init(&ro);
	ro.granularity = o->granularity;
	ro.noinlines = o->noinlines;
	if (pprof_report_new_with(&r, f->p, &ro) != PPROF_OK) {
		report_error(f, "out of memory"); /* (the granularity is one of ours) */
		return EXIT_DATA;
	}
	if (!gather(f, r, o))
		goto done;
	if ((o->mode == MODE_TEXT || o->mode == MODE_TRACES) && w->reports++)
		PUT(w, "\n");
	if (o->mode == MODE_TEXT)
		stat_text(w, f, o);
	else if (o->mode == MODE_JSON)
		stat_json(w, f, o);
	else if (!write_stacks(w, f, r, o))
		goto done;
	status = w->ok ? EXIT_OK : EXIT_DATA;
done:
	stat_text_forget(w);
	pprof_report_free(r);
	return status;
}
