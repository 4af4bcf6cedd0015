/*
 * stat-tags.c - pprof-stat --tags: every label key's values and their
 * weights, byte for byte as `go tool pprof -tags` prints them
 * (report.printTags through a text/tabwriter with padding 1, aligned
 * right). libpprof computes them (pprof_report_tags); text from the profile
 * is shown escaped.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "stat.h"

/* The width of text as Go's tabwriter counts it: UTF-8 runes (what
 * stat_shown gives is valid UTF-8, so the bytes that start one). */
static size_t runes(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* n spaces. */
static void pad(stat_writer *w, size_t n)
{
	PUT(w, "%*s", (int)n, "");
}

/* A weight as printTags prints it: measurement.Scale to "minimum", "%.1f"
 * and the unit ("1.9s", "570.0ms", "14.0"). */
static const char *tenths(char *buf, int64_t value, const char *unit)
{
	double v;
	const char *name = pprof_unit_scale(value, unit, "minimum", &v);

	snprintf(buf, STAT_VALUE_LEN, "%.1f%s", v, name);
	return buf;
}

/* A value's cell: "570.0ms (30.32%):", or without a share when the total
 * is not positive. */
static const char *value_cell(char *buf, const pprof_tag_value *v, const pprof_tag_key *k,
                              const char *unit)
{
	char x[STAT_VALUE_LEN], y[STAT_VALUE_LEN];

	if (k->total > 0)
		snprintf(buf, 3 * STAT_VALUE_LEN, "%s (%s):", tenths(x, v->weight, unit),
		         stat_pprof_percent(y, v->weight, k->total));
	else
		snprintf(buf, 3 * STAT_VALUE_LEN, "%s:", tenths(x, v->weight, unit));
	return buf;
}

/* One key's block: its total, its values, a blank line. The tabwriter's
 * first column holds "key:" and the values' " ", its second the values'
 * cells; each is as wide as its widest cell plus one, text to the right. */
static void print_key(stat_writer *w, const pprof_tag_key *k, const char *unit)
{
	char cell[3 * STAT_VALUE_LEN], x[STAT_VALUE_LEN];
	const char *key = stat_shown(w, k->key, k->key_len);
	size_t i, first = runes(key) + 1, second = 0; /* "key:" is the widest */

	for (i = 0; i < k->n_values; i++)
		if (runes(value_cell(cell, &k->values[i], k, unit)) > second)
			second = runes(cell);
	PUT(w, " %s: Total %s\n", key, tenths(x, k->total, unit));
	for (i = 0; i < k->n_values; i++) {
		const pprof_tag_value *v = &k->values[i];
		value_cell(cell, v, k, unit);
		pad(w, first);
		PUT(w, " ");
		pad(w, second + 1 - runes(cell));
		PUT(w, "%s %s\n", cell, stat_shown(w, v->name, v->name_len));
	}
	PUT(w, "\n");
}

void stat_tags(stat_writer *w, const stat_facts *f)
{
	const char *unit;
	size_t i;

	if (f->input)
		PUT(w, "%s==> %s: profile %lu <==%s\n", w->bold, f->input, f->index, w->plain);
	if (!f->tags)
		return; /* no sample types */
	pprof_profile_sample_type(f->p, f->tags->sample_type, &unit);
	for (i = 0; i < f->tags->n_keys; i++)
		print_key(w, &f->tags->keys[i], unit);
}
