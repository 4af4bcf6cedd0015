/*
 * stat-text.c - pprof-stat's text report: the summary, the label keys, and
 * the top table (`go tool pprof -top`) or the breakdowns by labels (--by).
 * Text from the profile is shown escaped, so that it cannot drive the
 * terminal.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stat.h"

/* ---- text from the profile ------------------------------------------------ */

/* Text from a profile (len bytes, NULs and all) as a report shows it: with
 * control characters and bytes that are not UTF-8 escaped (pprof_escape),
 * so that a profile cannot drive the terminal. s itself when nothing needs
 * escaping, else a copy that lives until stat_text_forget. */
static const char *shown(stat_writer *w, const char *s, size_t len)
{
	size_t n = pprof_escape(NULL, 0, s, len);
	char **grown, *copy = NULL;

	if (n == len)
		return s;
	grown = realloc(w->escaped, (w->n_escaped + 1) * sizeof(*grown));
	if (grown) {
		w->escaped = grown;
		copy = malloc(n + 1);
	}
	if (!copy) {
		cli_warn("out of memory");
		w->ok = false;
		return "?";
	}
	pprof_escape(copy, n + 1, s, len);
	return w->escaped[w->n_escaped++] = copy;
}

/* shown() of a C string. */
static const char *shown_str(stat_writer *w, const char *s)
{
	return shown(w, s, strlen(s));
}

const char *stat_shown(stat_writer *w, const char *s, size_t len)
{
	return shown(w, s, len);
}

/* Frees the copies shown() made. */
void stat_text_forget(stat_writer *w)
{
	while (w->n_escaped)
		free(w->escaped[--w->n_escaped]);
	free(w->escaped);
	w->escaped = NULL;
}

/* ---- the report ------------------------------------------------------------ */

/* |v| (wrapping at the minimum, like Go's abs64). */
static int64_t abs_value(int64_t v)
{
	return v < 0 ? (int64_t)(0 - (uint64_t)v) : v;
}

/* The smallest non-zero |flat| (else |cum|) of the rows, as pprof picks it. */
static int64_t smallest_row(const pprof_top *t)
{
	int64_t min = 0;
	size_t i;

	for (i = 0; i < t->n_rows; i++) {
		int64_t v = abs_value(t->rows[i].flat);
		if (v == 0)
			v = abs_value(t->rows[i].cum);
		if (v > 0 && (min == 0 || v < min))
			min = v;
	}
	return min;
}

/* "samples/count, cpu/nanoseconds (default)". */
static void print_types(stat_writer *w, const pprof_profile *p)
{
	size_t i, n = pprof_profile_sample_type_count(p),
		  def = pprof_profile_default_sample_type(p);
	const char *unit, *type;

	PUT(w, "%s%-14s%s", w->bold, "Sample types:", w->plain);
	for (i = 0; i < n; i++) {
		type = pprof_profile_sample_type(p, i, &unit);
		PUT(w, "%s%s/%s%s", i ? ", " : "", shown_str(w, type), shown_str(w, unit),
		    i == def ? " (default)" : "");
	}
	PUT(w, "%s\n", n ? "" : "(none)");
}

/* One "Name:  value" line of the summary. */
static void print_field(stat_writer *w, const char *name, const char *value)
{
	PUT(w, "%s%-14s%s%s\n", w->bold, name, w->plain, value);
}

/* Period, time and duration. */
static void print_times(stat_writer *w, const pprof_profile *p)
{
	char buf[STAT_VALUE_LEN], line[3 * STAT_VALUE_LEN];
	const char *unit, *type = pprof_profile_period_type(p, &unit);
	int64_t t = pprof_profile_time_nanos(p), d = pprof_profile_duration_nanos(p);

	if (*type) {
		PUT(w, "%s%-14s%s%s (%s/%s)\n", w->bold, "Period:", w->plain,
		    stat_auto_label(buf, pprof_profile_period(p), unit), shown_str(w, type),
		    shown_str(w, unit));
	} else {
		snprintf(line, sizeof(line), "%" PRId64, pprof_profile_period(p));
		print_field(w, "Period:", line);
	}
	print_field(w, "Time:", t ? stat_format_time(line, sizeof(line), t, false) : "(none)");
	print_field(w, "Duration:", d ? stat_auto_label(buf, d, "nanoseconds") : "(none)");
}

/* Counts and sizes. */
static void print_counts(stat_writer *w, const stat_facts *f)
{
	char a[STAT_VALUE_LEN], b[STAT_VALUE_LEN], line[3 * STAT_VALUE_LEN];
	const pprof_profile *p = f->p;

	PUT(w, "%s%-14s%s%zu\n", w->bold, "Samples:", w->plain, pprof_profile_sample_count(p));
	PUT(w, "%s%-14s%s%zu\n", w->bold, "Locations:", w->plain, pprof_profile_location_count(p));
	PUT(w, "%s%-14s%s%zu\n", w->bold, "Functions:", w->plain, pprof_profile_function_count(p));
	PUT(w, "%s%-14s%s%zu\n", w->bold, "Mappings:", w->plain, pprof_profile_mapping_count(p));
	PUT(w, "%s%-14s%s%zu\n", w->bold, "Strings:", w->plain, pprof_profile_string_count(p));
	snprintf(line, sizeof(line), "%s compressed, %s uncompressed",
	         stat_auto_label(a, (int64_t)f->compressed, "bytes"),
	         stat_auto_label(b, (int64_t)f->uncompressed, "bytes"));
	print_field(w, "Size:", line);
}

/* The total of every sample type. */
static void print_totals(stat_writer *w, const pprof_profile *p)
{
	size_t i, n = pprof_profile_sample_type_count(p), width = 0;
	char buf[STAT_VALUE_LEN];
	const char *unit;

	for (i = 0; i < n; i++)
		if (strlen(shown_str(w, pprof_profile_sample_type(p, i, &unit))) > width)
			width = strlen(shown_str(w, pprof_profile_sample_type(p, i, &unit)));
	PUT(w, "\n%sTotals:%s\n", w->bold, w->plain);
	for (i = 0; i < n; i++) {
		const char *type = shown_str(w, pprof_profile_sample_type(p, i, &unit));
		PUT(w, "  %-*s  %s\n", (int)width, type,
		    stat_auto_label(buf, pprof_profile_total(p, i), unit));
	}
	if (n == 0)
		PUT(w, "  (no sample types)\n");
}

/* The label keys and how many values each has. */
static void print_keys(stat_writer *w, const stat_facts *f)
{
	size_t i, width = 0, samples = pprof_profile_sample_count(f->p);

	for (i = 0; i < f->n_keys; i++)
		if (strlen(shown(w, f->keys[i].key, f->keys[i].key_len)) > width)
			width = strlen(shown(w, f->keys[i].key, f->keys[i].key_len));
	PUT(w, "\n%sLabel keys:%s\n", w->bold, w->plain);
	for (i = 0; i < f->n_keys; i++) {
		const pprof_label_key *k = &f->keys[i];
		PUT(w, "  %-*s  ", (int)width, shown(w, k->key, k->key_len));
		if (k->strings)
			PUT(w, "%zu value%s", k->strings, k->strings == 1 ? "" : "s");
		if (k->numbers)
			PUT(w, "%s%zu number%s (%s)", k->strings ? ", " : "", k->numbers,
			    k->numbers == 1 ? "" : "s", shown_str(w, k->unit));
		PUT(w, ", on %zu of %zu samples\n", k->samples, samples);
	}
	if (f->n_keys == 0)
		PUT(w, "  (none)\n");
}

/* pprof's legend above the table: what the rows add up to, what was left
 * out. */
static void print_legend(stat_writer *w, const pprof_top *t, const char *unit, const char *out)
{
	char a[STAT_VALUE_LEN], b[STAT_VALUE_LEN], c[STAT_VALUE_LEN];
	const char *pct = stat_pprof_percent(b, t->shown, t->total);

	while (*pct == ' ')
		pct++;
	PUT(w, "Showing nodes accounting for %s, %s of %s total\n",
	    stat_pprof_label(a, t->shown, unit, out), pct,
	    stat_pprof_label(c, t->total, unit, out));
	if (t->total == 0)
		return;
	if (t->dropped)
		PUT(w, "Dropped %zu node%s (cum <= %s)\n", t->dropped, t->dropped > 1 ? "s" : "",
		    stat_pprof_label(a, t->drop_limit, unit, out));
	if (t->n_rows && t->n_rows < t->nodes)
		PUT(w, "Showing top %zu nodes out of %zu\n", t->n_rows, t->nodes);
}

/* The top table, as `go tool pprof -top` prints it. */
static void print_top(stat_writer *w, const stat_facts *f, const stat_options *o)
{
	static const char *const marks[] = { "", " (inline)", " (partial-inline)" };
	const pprof_top *t = f->top;
	const char *unit, *type = pprof_profile_sample_type(f->p, t->sample_type, &unit);
	const char *out;
	char a[STAT_VALUE_LEN], b[STAT_VALUE_LEN], c[STAT_VALUE_LEN], d[STAT_VALUE_LEN];
	char e[STAT_VALUE_LEN];
	int64_t sum = 0;
	size_t i;

	unit = shown_str(w, unit); /* values of a unit pprof does not know show it */
	out = t->n_rows ? stat_output_unit(unit, smallest_row(t), t->total) : "minimum";
	PUT(w, "\n%sTop", w->bold);
	if (o->top)
		PUT(w, " %zu", o->top);
	PUT(w, " by %s %s:%s\n", o->cum ? "cum" : "flat", shown_str(w, type), w->plain);
	print_legend(w, t, unit, out);
	PUT(w, "%s%10s %5s%% %5s%% %10s %5s%%%s\n", w->bold, "flat", "flat", "sum", "cum", "cum",
	    w->plain);
	for (i = 0; i < t->n_rows; i++) {
		const pprof_top_row *row = &t->rows[i];
		sum = (int64_t)((uint64_t)sum + (uint64_t)row->flat);
		PUT(w, "%10s %s %s %10s %s  %s%s\n", stat_pprof_label(a, row->flat, unit, out),
		    stat_pprof_percent(b, row->flat, t->total),
		    stat_pprof_percent(c, sum, t->total), stat_pprof_label(d, row->cum, unit, out),
		    stat_pprof_percent(e, row->cum, t->total), shown(w, row->name, row->name_len),
		    marks[row->inlined]);
	}
}

/* A label value as text: the string, or the number in pprof's units. */
static const char *value_text(stat_writer *w, char *buf, const pprof_label_value *v,
                              const char *unit)
{
	return v->str ? shown(w, v->str, v->str_len)
	              : stat_pprof_label(buf, v->num, unit, "minimum");
}

/* The breakdown by a label key, like `go tool pprof -tags` for that key. */
static void print_by(stat_writer *w, const stat_facts *f, const pprof_breakdown *b, const char *key)
{
	const char *unit, *type = pprof_profile_sample_type(f->p, b->sample_type, &unit);
	int64_t min = 0;
	char x[STAT_VALUE_LEN], y[STAT_VALUE_LEN], z[STAT_VALUE_LEN];
	const char *out;
	size_t i;

	unit = shown_str(w, unit);
	type = shown_str(w, type);
	key = shown_str(w, key);

	for (i = 0; i < b->n_values; i++)
		if (abs_value(b->values[i].weight) &&
		    (!min || abs_value(b->values[i].weight) < min))
			min = abs_value(b->values[i].weight);
	out = b->n_values ? stat_output_unit(unit, min, b->total) : "minimum";
	PUT(w, "\n%s%s by %s:%s %s in %zu value%s", w->bold, type, key, w->plain,
	    stat_pprof_label(x, b->total, unit, out), b->n_values, b->n_values == 1 ? "" : "s");
	PUT(w, "; %s in %zu samples without %s\n", stat_pprof_label(y, b->unlabelled, unit, out),
	    b->unlabelled_samples, key);
	PUT(w, "%s%10s %6s  %s%s\n", w->bold, type, "%", key, w->plain);
	for (i = 0; i < b->n_values; i++) {
		const pprof_label_value *v = &b->values[i];
		PUT(w, "%10s %s  %s\n", stat_pprof_label(x, v->weight, unit, out),
		    b->total > 0 ? stat_pprof_percent(y, v->weight, b->total) : "     -",
		    value_text(w, z, v, b->unit));
	}
}

void stat_text(stat_writer *w, const stat_facts *f, const stat_options *o)
{
	char buf[STAT_VALUE_LEN];
	size_t i;

	if (f->input)
		PUT(w, "%s==> %s: profile %lu <==%s\n", w->bold, f->input, f->index, w->plain);
	snprintf(buf, sizeof(buf), "%lu%s", f->profiles, f->profiles > 1 ? " (merged)" : "");
	print_field(w, "Profiles:", buf);
	print_types(w, f->p);
	print_times(w, f->p);
	print_counts(w, f);
	print_totals(w, f->p);
	print_keys(w, f);
	if (f->top)
		print_top(w, f, o);
	for (i = 0; !f->top && i < f->n_by; i++)
		print_by(w, f, &f->by[i], f->by_keys[i]);
}

void stat_text_color(stat_writer *w)
{
	const char *no = getenv("NO_COLOR");

	if (isatty(STDOUT_FILENO) && !(no && *no)) {
		w->bold = "\033[1m";
		w->plain = "\033[0m";
	}
}
