/*
 * stat-report.c - one report of pprof-stat: picks the sample type, has
 * libpprof compute what the report shows, and hands it to the writer of the
 * mode (text, JSON, folded, flame graph).
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
	bool stacks = o->mode == MODE_FOLDED || o->mode == MODE_FLAME;
	pprof_top_options to;
	char msg[256];
	int rc = PPROF_OK;

	if (!choose_type(f, o->sample_type, &f->st))
		return false;
	pprof_top_options_init(&to);
	to.sample_type = f->st;
	to.max_rows = o->top;
	to.sort_cum = o->cum;
	if (o->mode != MODE_FOLDED)
		rc = pprof_report_label_keys(r, &f->keys, &f->n_keys);
	if (rc == PPROF_OK && typed && o->by)
		rc = pprof_report_by_label(r, o->by, f->st, &f->by);
	else if (rc == PPROF_OK && typed && !stacks)
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

pprof_report *stat_new_report(const pprof_profile *p, const stat_options *o)
{
	(void)o;
	return pprof_report_new(p);
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

int stat_report(stat_writer *w, stat_facts *f, const stat_options *o)
{
	pprof_report *r = stat_new_report(f->p, o);
	int status = EXIT_DATA;

	if (!r) {
		report_error(f, "out of memory");
		return EXIT_DATA;
	}
	if (!gather(f, r, o))
		goto done;
	if (o->mode == MODE_TEXT && w->reports++)
		PUT(w, "\n");
	if (o->mode == MODE_TEXT)
		stat_text(w, f, o);
	else if (o->mode == MODE_JSON)
		stat_json(w, f, o);
	else if (o->mode == MODE_FLAME) {
		if (!flame(w, f, r, o))
			goto done;
	} else if (pprof_profile_sample_type_count(f->p) &&
	           stat_folded(w, r, f->st) == PPROF_ERR_NOMEM)
		report_error(f, "out of memory");
	status = w->ok ? EXIT_OK : EXIT_DATA;
done:
	stat_text_forget(w);
	pprof_report_free(r);
	return status;
}
