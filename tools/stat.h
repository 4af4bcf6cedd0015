/*
 * stat.h - what the files of pprof-stat share (private to it): its options,
 * the text output, the facts one report shows, value formatting and the
 * writers of the text, JSON and folded reports.
 *
 *   pprof-stat.c    options, the loop over the stream, the merge, main
 *   stat-report.c   one report: the sample type, the facts, which writer
 *   stat-text.c     the text report (summary, --top table, --by)
 *   stat-json.c     the --json report, through json.c
 *   stat-folded.c   --folded: collapsed stacks
 *   stat-flame.c    --flamegraph: an SVG (stat-flame-svg.c writes it, with
 *                   tools/flame.js and flame.css, made into flame-assets.c
 *                   at build time; stat-flame.h is what they share)
 *   stat-format.c   values, percentages and times as pprof prints them
 */
#ifndef PPROF_STAT_H
#define PPROF_STAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "input.h"
#include "output.h"

enum { MODE_TEXT, MODE_JSON, MODE_FOLDED, MODE_CHECK, MODE_FLAME };

/* --flamegraph's options. */
typedef struct {
	bool inverted;     /* root on top (an icicle) */
	double min_width;  /* leave out frames narrower than this, in px */
	const char *title; /* NULL: "Flame graph" */
	unsigned width;    /* of the SVG, in px */
} stat_flame_options;

typedef struct {
	int mode;
	bool each;
	size_t top;
	bool cum;
	const char *sample_type; /* NULL: the default one */
	const char *by;
	cli_read_options in;
	stat_flame_options flame;
} stat_options;

/* The output: where it goes, whether every write so far worked, the escape
 * codes for bold ("" without colour), the texts stat_shown() escaped for the
 * report at hand, and how many reports were written (text reports are
 * separated by a blank line). */
typedef struct {
	cli_output *out;
	bool ok;
	const char *bold, *plain;
	char **escaped;
	size_t n_escaped;
	unsigned long reports;
} stat_writer;

/* A checked write to the output: a failure is remembered in w->ok. */
#define PUT(w, ...) ((w)->ok &= cli_output_printf((w)->out, __VA_ARGS__))

/* Everything one report shows. */
typedef struct {
	const char *input;      /* --each: the input's name, else NULL */
	unsigned long index;    /* --each: the profile's position in it */
	unsigned long profiles; /* profiles merged into it */
	uint64_t compressed, uncompressed;
	const pprof_profile *p;
	size_t st; /* the sample type reported on */
	const pprof_label_key *keys;
	size_t n_keys;
	const pprof_top *top;      /* NULL with --by or without sample types */
	const pprof_breakdown *by; /* with --by */
} stat_facts;

/* ---- stat-report.c ------------------------------------------------------ */

/* Writes the report of one profile (f->p, with what f says of where it
 * came from); returns the exit status. */
int stat_report(stat_writer *w, stat_facts *f, const stat_options *o);

/* A report on p as o asks for it; NULL when out of memory. */
pprof_report *stat_new_report(const pprof_profile *p, const stat_options *o);

/* ---- stat-text.c -------------------------------------------------------- */

/* Sets w's escape codes for bold when stdout is a terminal and NO_COLOR is
 * unset or empty. */
void stat_text_color(stat_writer *w);
/* The text report: summary, label keys, and the top table or --by. */
void stat_text(stat_writer *w, const stat_facts *f, const stat_options *o);
/* Frees the escaped copies of profile texts the text report made. */
void stat_text_forget(stat_writer *w);

/* ---- stat-json.c -------------------------------------------------------- */

/* One JSON document: the report (schema in pprof-stat(1)). */
void stat_json(stat_writer *w, const stat_facts *f, const stat_options *o);

/* ---- stat-folded.c ------------------------------------------------------ */

/* Writes the stacks of r's profile in sample type st as collapsed stacks,
 * "root;...;leaf VALUE" a line; returns pprof_report_folded's code. */
int stat_folded(stat_writer *w, pprof_report *r, size_t st);

/* ---- stat-flame.c ------------------------------------------------------- */

/* Writes the stacks of r's profile (f->p) in sample type f->st as a flame
 * graph, one SVG document; returns a PPROF code (PPROF_ERR_IO after a write
 * error, which the output reported). */
int stat_flame(stat_writer *w, const stat_facts *f, pprof_report *r, const stat_options *o);
/* tools/flame.css and tools/flame.js (flame-assets.c, made by make). */
extern const char stat_flame_css[], stat_flame_js[];

/* ---- stat-format.c: values for people ----------------------------------- */

/* Room for any formatted value below. */
#define STAT_VALUE_LEN 64

/* The value as pprof prints it in reports (measurement.ScaledLabel): scaled,
 * "%.2f" without a ".00", unit appended: "1.50kB", "10ms", "0". */
const char *stat_pprof_label(char *buf, int64_t value, const char *unit, const char *to_unit);
/* value's share of total as pprof prints it (measurement.Percentage):
 * "17.01%", "  100%", " 0.75%" ... */
const char *stat_pprof_percent(char *buf, int64_t value, int64_t total);
/* A value on its own (a total, a period, a size) as pprof shows one
 * (measurement.Label): in the largest unit it is at least 1 of, "%.2f"
 * without ".00", so that summary and table share pprof's unit style
 * ("23.37MB", "21204.76kB", "1.01s"); counts as they are. */
const char *stat_auto_label(char *buf, int64_t value, const char *unit);
/* The unit pprof's -top prints values in (report.selectOutputUnit): that of
 * the smallest non-zero value shown, or a larger one when the total is over
 * 100 times that. */
const char *stat_output_unit(const char *unit, int64_t min, int64_t total);
/* "YYYY-MM-DD HH:MM:SS UTC" (or RFC 3339 when rfc3339) of a time in ns. */
const char *stat_format_time(char *buf, size_t size, int64_t nanos, bool rfc3339);

#endif /* PPROF_STAT_H */
