/*
 * pprof-stat - report on a stream of pprof profiles: a summary and a top
 * table like `go tool pprof -top`, a breakdown by a label, collapsed stacks
 * for flame graphs, or just a validity check. libpprof computes every
 * number; this file picks what to show and formats it.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "input.h"
#include "options.h"
#include "output.h"

static const char usage_text[] =
	"Usage: pprof-stat [--top N] [--cum] [--sample-type TYPE] [--by KEY]\n"
	"                  [--json | --folded | --check] [--each] [--max-size BYTES]\n"
	"                  [FILE...]\n"
	"Report on the profiles of the FILEs (or stdin; - is stdin), merged into one\n"
	"report, or one report per profile with --each: sample types, period, time,\n"
	"counts, totals, label keys, sizes, and the functions with the most flat\n"
	"(or cumulative) value, as 'go tool pprof -top' shows them.\n"
	"\n"
	"      --top N              show N functions (default 10; 0: all)\n"
	"      --cum                sort them by cumulative value\n"
	"      --sample-type TYPE   report on this sample type (a name or a 0-based\n"
	"                           index; default: the profile's default one)\n"
	"      --by KEY             instead of the functions, break the total down by\n"
	"                           the values of label KEY\n"
	"      --json               write one JSON document per report\n"
	"      --folded             write collapsed stacks (root;...;leaf VALUE), the\n"
	"                           input of flamegraph.pl, inferno and speedscope\n"
	"      --check              only validate the profiles: print nothing and exit 0,\n"
	"                           or say what is wrong and exit 1\n"
	"      --each               one report per profile instead of one for the merge\n"
	"      --max-size BYTES     refuse profiles larger than this uncompressed\n"
	"                           (default 2G; suffixes K, M, G)\n"
	"      --help               show this help\n"
	"      --version            show versions\n"
	"\n"
	"pprof's spellings work too: --nodecount N (--top N), --sample_index TYPE\n"
	"(--sample-type TYPE), --inuse_space, --inuse_objects, --alloc_space,\n"
	"--alloc_objects, --contentions (--sample-type of that name) and\n"
	"--total_delay (--sample-type delay).\n"
	"\n"
	"Exit status: 0 success, 1 bad data or I/O error, 2 usage error.\n";

enum {
	OPT_TOP = OPT_FIRST_TOOL_OPTION, OPT_CUM, OPT_SAMPLE_TYPE, OPT_BY, OPT_JSON,
	OPT_FOLDED, OPT_CHECK, OPT_EACH,
	OPT_PPROF_SAMPLE   /* + the index in pprof_sample_flags */
};

/* pprof's flags that stand for -sample_index=TYPE, and their TYPEs. */
static const char *const pprof_sample_flags[][2] = {
	{ "inuse_space", "inuse_space" }, { "inuse_objects", "inuse_objects" },
	{ "alloc_space", "alloc_space" }, { "alloc_objects", "alloc_objects" },
	{ "contentions", "contentions" }, { "total_delay", "delay" }
};
#define N_PPROF_SAMPLE_FLAGS (sizeof(pprof_sample_flags) / sizeof(pprof_sample_flags[0]))

static const struct option long_options[] = {
	{ "top", required_argument, NULL, OPT_TOP },
	{ "nodecount", required_argument, NULL, OPT_TOP },
	{ "cum", no_argument, NULL, OPT_CUM },
	{ "sample-type", required_argument, NULL, OPT_SAMPLE_TYPE },
	{ "sample_index", required_argument, NULL, OPT_SAMPLE_TYPE },
	{ "inuse_space", no_argument, NULL, OPT_PPROF_SAMPLE + 0 },
	{ "inuse_objects", no_argument, NULL, OPT_PPROF_SAMPLE + 1 },
	{ "alloc_space", no_argument, NULL, OPT_PPROF_SAMPLE + 2 },
	{ "alloc_objects", no_argument, NULL, OPT_PPROF_SAMPLE + 3 },
	{ "contentions", no_argument, NULL, OPT_PPROF_SAMPLE + 4 },
	{ "total_delay", no_argument, NULL, OPT_PPROF_SAMPLE + 5 },
	{ "by", required_argument, NULL, OPT_BY },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "folded", no_argument, NULL, OPT_FOLDED },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "each", no_argument, NULL, OPT_EACH },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

/* What to do instead of pprof's flags that pprof-stat has no option for. */
#define NO_FILTER(flag, ours) \
	CLI_ADVICE(flag, "pprof-stat does not filter: filter with pprof-filter --" ours " and pipe " \
	           "its output into pprof-stat")
static const cli_pprof_advice pprof_advice[] = {
	CLI_ADVICE("proto", "pprof-stat writes reports; pprof-merge writes the merged profile"),
	CLI_ADVICE("symbolize", "pprof-stat never symbolizes (as with pprof's -symbolize=none); "
	           "drop the flag"),
	CLI_ADVICE("text", "pprof-stat's report has the table of pprof's -text and -top; "
	           "--top N for N rows"),
	CLI_ADVICE("traces", "pprof-stat has no -traces; --folded writes each stack with its value"),
	CLI_ADVICE("tags", "--by KEY breaks the total down by the values of label KEY"),
	CLI_ADVICE("flat", "the table is sorted by flat value unless --cum; drop the flag"),
	CLI_ADVICE("relative_percentages", "percentages are of the profile pprof-stat reads (after "
	           "pprof-filter, the filtered one); drop the flag"),
	CLI_ADVICE("output", "pprof-stat writes to standard output; redirect it"),
	NO_FILTER("focus", "focus"), NO_FILTER("ignore", "ignore"), NO_FILTER("hide", "hide"),
	NO_FILTER("show", "show"), NO_FILTER("show_from", "show-from"),
	NO_FILTER("prune_from", "prune-from"), NO_FILTER("tagfocus", "tagfocus"),
	NO_FILTER("tagignore", "tagignore"), NO_FILTER("tagshow", "tagshow"),
	NO_FILTER("taghide", "taghide"),
	CLI_ADVICE("base", "subtract a base with pprof-merge --base FILE, then report on the result"),
	CLI_ADVICE("diff_base", "subtract a base with pprof-merge --diff-base FILE, then report on "
	           "the result"),
	CLI_ADVICE(NULL, NULL)
};

enum { MODE_TEXT, MODE_JSON, MODE_FOLDED, MODE_CHECK };

typedef struct {
	int mode;
	bool each;
	size_t top;
	bool cum;
	const char *sample_type;   /* NULL: the default one */
	const char *by;
	cli_read_options in;
} stat_options;

/* Text output: the output, whether every write so far worked, the escape
 * codes for bold ("" without colour), and the texts shown() escaped for the
 * report at hand. */
typedef struct {
	cli_output *out;
	bool ok;
	const char *bold, *plain;
	char **escaped;
	size_t n_escaped;
} writer;

#define PUT(w, ...) ((w)->ok &= cli_output_printf((w)->out, __VA_ARGS__))

/* Text from a profile (len bytes, NULs and all) as a report shows it: with
 * control characters and bytes that are not UTF-8 escaped (pprof_escape),
 * so that a profile cannot drive the terminal. s itself when nothing needs
 * escaping, else a copy that lives until forget_shown. */
static const char *shown(writer *w, const char *s, size_t len)
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
static const char *shown_str(writer *w, const char *s)
{
	return shown(w, s, strlen(s));
}

/* Frees the copies shown() made. */
static void forget_shown(writer *w)
{
	while (w->n_escaped)
		free(w->escaped[--w->n_escaped]);
	free(w->escaped);
	w->escaped = NULL;
}

/* Everything one report shows. */
typedef struct {
	const char *input;           /* --each: the input's name, else NULL */
	unsigned long index;         /* --each: the profile's position in it */
	unsigned long profiles;      /* profiles merged into it */
	uint64_t compressed, uncompressed;
	const pprof_profile *p;
	size_t st;                   /* the sample type reported on */
	const pprof_label_key *keys;
	size_t n_keys;
	const pprof_top *top;        /* NULL with --by or without sample types */
	const pprof_breakdown *by;   /* with --by */
} facts;

/* ---- options ---------------------------------------------------------- */

/* Parses --top's count. */
static size_t parse_count(const char *arg)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end || errno || n > SIZE_MAX)
		cli_usage_error("invalid --top '%s': not a number of rows", arg);
	return (size_t)n;
}

/* Sets the mode, refusing a second one. */
static void set_mode(stat_options *o, int mode)
{
	if (o->mode != MODE_TEXT && o->mode != mode)
		cli_usage_error("--json, --folded and --check cannot be used together");
	o->mode = mode;
}

static void parse_options(int argc, char **argv, stat_options *o)
{
	int c;

	o->mode = MODE_TEXT;
	o->top = 10;
	o->in.max_size = PPROF_DEFAULT_MAX_SIZE;
	cli_check_pprof_habits(argc, argv, ":", long_options, pprof_advice);
	while ((c = getopt_long(argc, argv, ":", long_options, NULL)) != -1) {
		if (c >= OPT_PPROF_SAMPLE && c < OPT_PPROF_SAMPLE + (int)N_PPROF_SAMPLE_FLAGS) {
			o->sample_type = pprof_sample_flags[c - OPT_PPROF_SAMPLE][1];
			continue;
		}
		switch (c) {
		case OPT_TOP: o->top = parse_count(optarg); break;
		case OPT_CUM: o->cum = true; break;
		case OPT_SAMPLE_TYPE: o->sample_type = optarg; break;
		case OPT_BY: o->by = optarg; break;
		case OPT_JSON: set_mode(o, MODE_JSON); break;
		case OPT_FOLDED: set_mode(o, MODE_FOLDED); break;
		case OPT_CHECK: set_mode(o, MODE_CHECK); break;
		case OPT_EACH: o->each = true; break;
		case OPT_MAX_SIZE: o->in.max_size = cli_parse_size("--max-size", optarg); break;
		case OPT_HELP: cli_help(usage_text);
		case OPT_VERSION: cli_version();
		default: cli_bad_option(c, argv);
		}
	}
	if (o->by && (o->mode == MODE_FOLDED || o->mode == MODE_CHECK))
		cli_usage_error("--by cannot be used with --folded or --check");
	o->in.keep_going = o->mode == MODE_CHECK;   /* check every input */
	o->in.broken_is_error = true;
}

/* ---- small formatting helpers ------------------------------------------ */

/* "YYYY-MM-DD HH:MM:SS UTC" (or RFC 3339 when rfc3339) of a time in ns. */
static const char *format_time(char *buf, size_t size, int64_t nanos, bool rfc3339)
{
	time_t secs = (time_t)(nanos / 1000000000 - (nanos % 1000000000 < 0));
	struct tm tm;

	if (!gmtime_r(&secs, &tm) ||
	    !strftime(buf, size, rfc3339 ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, size, "%" PRId64 "ns", nanos);
	return buf;
}

/* The unit pprof's -top prints values in (report.selectOutputUnit): that of
 * the smallest non-zero value shown, or a larger one when the total is over
 * 100 times that. */
static const char *output_unit(const char *unit, int64_t min, int64_t total)
{
	const char *min_unit, *max_unit, *u;
	double ignored;

	if (min == 0)
		min = total;
	min_unit = pprof_unit_scale(min, unit, "minimum", &ignored);
	max_unit = pprof_unit_scale(total, unit, "minimum", &ignored);
	u = min_unit;
	if (strcmp(min_unit, max_unit) != 0 && (int64_t)((uint64_t)min * 100) < total)
		u = pprof_unit_scale((int64_t)((uint64_t)min * 100), unit, "minimum", &ignored);
	return *u ? u : unit;
}

/* A value on its own (a total, a period, a size) as pprof shows one
 * (measurement.Label): in the largest unit it is at least 1 of, "%.2f"
 * without ".00", so that summary and table share pprof's unit style
 * ("23.37MB", "21204.76kB", "1.01s"); counts as they are. */
static const char *auto_label(char *buf, int64_t value, const char *unit)
{
	return cli_pprof_label(buf, value, unit, "auto");
}

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

/* ---- text report ------------------------------------------------------- */

/* "samples/count, cpu/nanoseconds (default)". */
static void print_types(writer *w, const pprof_profile *p)
{
	size_t i, n = pprof_profile_sample_type_count(p), def = pprof_profile_default_sample_type(p);
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
static void print_field(writer *w, const char *name, const char *value)
{
	PUT(w, "%s%-14s%s%s\n", w->bold, name, w->plain, value);
}

/* Period, time and duration. */
static void print_times(writer *w, const pprof_profile *p)
{
	char buf[CLI_VALUE_LEN], line[3 * CLI_VALUE_LEN];
	const char *unit, *type = pprof_profile_period_type(p, &unit);
	int64_t t = pprof_profile_time_nanos(p), d = pprof_profile_duration_nanos(p);

	if (*type) {
		PUT(w, "%s%-14s%s%s (%s/%s)\n", w->bold, "Period:", w->plain,
		    auto_label(buf, pprof_profile_period(p), unit), shown_str(w, type),
		    shown_str(w, unit));
	} else {
		snprintf(line, sizeof(line), "%" PRId64, pprof_profile_period(p));
		print_field(w, "Period:", line);
	}
	print_field(w, "Time:", t ? format_time(line, sizeof(line), t, false) : "(none)");
	print_field(w, "Duration:", d ? auto_label(buf, d, "nanoseconds") : "(none)");
}

/* Counts and sizes. */
static void print_counts(writer *w, const facts *f)
{
	char a[CLI_VALUE_LEN], b[CLI_VALUE_LEN], line[3 * CLI_VALUE_LEN];
	const pprof_profile *p = f->p;

	PUT(w, "%s%-14s%s%zu\n", w->bold, "Samples:", w->plain, pprof_profile_sample_count(p));
	PUT(w, "%s%-14s%s%zu\n", w->bold, "Locations:", w->plain, pprof_profile_location_count(p));
	PUT(w, "%s%-14s%s%zu\n", w->bold, "Functions:", w->plain, pprof_profile_function_count(p));
	PUT(w, "%s%-14s%s%zu\n", w->bold, "Mappings:", w->plain, pprof_profile_mapping_count(p));
	PUT(w, "%s%-14s%s%zu\n", w->bold, "Strings:", w->plain, pprof_profile_string_count(p));
	snprintf(line, sizeof(line), "%s compressed, %s uncompressed",
	         auto_label(a, (int64_t)f->compressed, "bytes"),
	         auto_label(b, (int64_t)f->uncompressed, "bytes"));
	print_field(w, "Size:", line);
}

/* The total of every sample type. */
static void print_totals(writer *w, const pprof_profile *p)
{
	size_t i, n = pprof_profile_sample_type_count(p), width = 0;
	char buf[CLI_VALUE_LEN];
	const char *unit;

	for (i = 0; i < n; i++)
		if (strlen(shown_str(w, pprof_profile_sample_type(p, i, &unit))) > width)
			width = strlen(shown_str(w, pprof_profile_sample_type(p, i, &unit)));
	PUT(w, "\n%sTotals:%s\n", w->bold, w->plain);
	for (i = 0; i < n; i++) {
		const char *type = shown_str(w, pprof_profile_sample_type(p, i, &unit));
		PUT(w, "  %-*s  %s\n", (int)width, type,
		    auto_label(buf, pprof_profile_total(p, i), unit));
	}
	if (n == 0)
		PUT(w, "  (no sample types)\n");
}

/* The label keys and how many values each has. */
static void print_keys(writer *w, const facts *f)
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
static void print_legend(writer *w, const pprof_top *t, const char *unit, const char *out)
{
	char a[CLI_VALUE_LEN], b[CLI_VALUE_LEN], c[CLI_VALUE_LEN];
	const char *pct = cli_pprof_percent(b, t->shown, t->total);

	while (*pct == ' ')
		pct++;
	PUT(w, "Showing nodes accounting for %s, %s of %s total\n",
	    cli_pprof_label(a, t->shown, unit, out), pct, cli_pprof_label(c, t->total, unit, out));
	if (t->total == 0)
		return;
	if (t->dropped)
		PUT(w, "Dropped %zu node%s (cum <= %s)\n", t->dropped, t->dropped > 1 ? "s" : "",
		    cli_pprof_label(a, t->drop_limit, unit, out));
	if (t->n_rows && t->n_rows < t->nodes)
		PUT(w, "Showing top %zu nodes out of %zu\n", t->n_rows, t->nodes);
}

/* The top table, as `go tool pprof -top` prints it. */
static void print_top(writer *w, const facts *f, const stat_options *o)
{
	static const char *const marks[] = { "", " (inline)", " (partial-inline)" };
	const pprof_top *t = f->top;
	const char *unit, *type = pprof_profile_sample_type(f->p, t->sample_type, &unit);
	const char *out;
	char a[CLI_VALUE_LEN], b[CLI_VALUE_LEN], c[CLI_VALUE_LEN], d[CLI_VALUE_LEN];
	char e[CLI_VALUE_LEN];
	int64_t sum = 0;
	size_t i;

	unit = shown_str(w, unit);   /* values of a unit pprof does not know show it */
	out = t->n_rows ? output_unit(unit, smallest_row(t), t->total) : "minimum";
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
		PUT(w, "%10s %s %s %10s %s  %s%s\n", cli_pprof_label(a, row->flat, unit, out),
		    cli_pprof_percent(b, row->flat, t->total), cli_pprof_percent(c, sum, t->total),
		    cli_pprof_label(d, row->cum, unit, out), cli_pprof_percent(e, row->cum, t->total),
		    shown(w, row->name, row->name_len), marks[row->inlined]);
	}
}

/* A label value as text: the string, or the number in pprof's units. */
static const char *value_text(writer *w, char *buf, const pprof_label_value *v,
                              const char *unit)
{
	return v->str ? shown(w, v->str, v->str_len) : cli_pprof_label(buf, v->num, unit, "minimum");
}

/* The breakdown by a label key, like `go tool pprof -tags` for that key. */
static void print_by(writer *w, const facts *f, const char *key)
{
	const pprof_breakdown *b = f->by;
	const char *unit, *type = pprof_profile_sample_type(f->p, b->sample_type, &unit);
	int64_t min = 0;
	char x[CLI_VALUE_LEN], y[CLI_VALUE_LEN], z[CLI_VALUE_LEN];
	const char *out;
	size_t i;

	unit = shown_str(w, unit);
	type = shown_str(w, type);
	key = shown_str(w, key);

	for (i = 0; i < b->n_values; i++)
		if (abs_value(b->values[i].weight) &&
		    (!min || abs_value(b->values[i].weight) < min))
			min = abs_value(b->values[i].weight);
	out = b->n_values ? output_unit(unit, min, b->total) : "minimum";
	PUT(w, "\n%s%s by %s:%s %s in %zu value%s", w->bold, type, key, w->plain,
	    cli_pprof_label(x, b->total, unit, out), b->n_values, b->n_values == 1 ? "" : "s");
	PUT(w, "; %s in %zu samples without %s\n", cli_pprof_label(y, b->unlabelled, unit, out),
	    b->unlabelled_samples, key);
	PUT(w, "%s%10s %6s  %s%s\n", w->bold, type, "%", key, w->plain);
	for (i = 0; i < b->n_values; i++) {
		const pprof_label_value *v = &b->values[i];
		PUT(w, "%10s %s  %s\n", cli_pprof_label(x, v->weight, unit, out),
		    b->total > 0 ? cli_pprof_percent(y, v->weight, b->total) : "     -",
		    value_text(w, z, v, b->unit));
	}
}

static void print_text(writer *w, const facts *f, const stat_options *o)
{
	char buf[CLI_VALUE_LEN];

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
	else if (f->by)
		print_by(w, f, o->by);
}

/* ---- JSON report -------------------------------------------------------- */

/* A JSON document being written: nesting depth, whether the container at
 * each depth has a member yet and is written on one line. */
typedef struct {
	writer *w;
	int depth;
	bool started[8], oneline[8];
} json;

/* Writes the len bytes at s as a JSON string: escapes (a NUL is \u0000;
 * DEL and the C1 controls are escaped too, so that no control character
 * reaches a terminal), and U+FFFD for bytes that are not UTF-8. */
static void json_string_n(writer *w, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *run = p, *end = p + len;

	PUT(w, "\"");
	while (p < end) {
		size_t n = *p < 0x80 ? 1 : *p >= 0xc2 && *p <= 0xdf ? 2 : *p >= 0xe0 && *p <= 0xef ? 3
		           : *p >= 0xf0 && *p <= 0xf4 ? 4 : 0;
		size_t i;
		bool ok = n > 0 && n <= (size_t)(end - p);
		for (i = 1; ok && i < n; i++)
			ok = (p[i] & 0xc0) == 0x80;
		if (ok && n == 3)   /* no overlong forms, no surrogates */
			ok = !(p[0] == 0xe0 && p[1] < 0xa0) && !(p[0] == 0xed && p[1] > 0x9f);
		if (ok && n == 4)
			ok = !(p[0] == 0xf0 && p[1] < 0x90) && !(p[0] == 0xf4 && p[1] > 0x8f);
		bool control = *p < 0x20 || *p == 0x7f || (*p == 0xc2 && n == 2 && p[1] < 0xa0);
		if (ok && !control && *p != '"' && *p != '\\') {
			p += n;
			continue;
		}
		PUT(w, "%.*s", (int)(p - run), (const char *)run);
		if (!ok)
			PUT(w, "\\ufffd");
		else if (*p == '"' || *p == '\\')
			PUT(w, "\\%c", *p);
		else if (*p == '\n')
			PUT(w, "\\n");
		else if (*p == '\t')
			PUT(w, "\\t");
		else if (*p == 0xc2)   /* a C1 control: escaped too, for terminals */
			PUT(w, "\\u%04x", *++p);
		else
			PUT(w, "\\u%04x", *p);
		run = ++p;
	}
	PUT(w, "%.*s\"", (int)(p - run), (const char *)run);
}

static void json_string(writer *w, const char *s)
{
	json_string_n(w, s, strlen(s));
}

/* Starts a member (key, or NULL in an array): separator and indentation. */
static void json_member(json *j, const char *key)
{
	if (j->oneline[j->depth])
		PUT(j->w, "%s", j->started[j->depth] ? ", " : "");
	else
		PUT(j->w, "%s\n%*s", j->started[j->depth] ? "," : "", 2 * (j->depth + 1), "");
	j->started[j->depth] = true;
	if (key) {
		json_string(j->w, key);
		PUT(j->w, ": ");
	}
}

/* Opens an object or array ('{' or '['), on one line if oneline. */
static void json_open(json *j, const char *key, char bracket, bool oneline)
{
	if (j->depth >= 0)
		json_member(j, key);
	PUT(j->w, "%c", bracket);
	j->depth++;
	j->started[j->depth] = false;
	j->oneline[j->depth] = oneline || (j->depth > 0 && j->oneline[j->depth - 1]);
}

static void json_close(json *j, char bracket)
{
	bool had = j->started[j->depth], oneline = j->oneline[j->depth];

	j->depth--;
	if (had && !oneline)
		PUT(j->w, "\n%*s", 2 * (j->depth + 1), "");
	PUT(j->w, "%c", bracket);
	if (j->depth < 0)
		PUT(j->w, "\n");
}

static void json_int(json *j, const char *key, int64_t v)
{
	json_member(j, key);
	PUT(j->w, "%" PRId64, v);
}

static void json_str(json *j, const char *key, const char *s)
{
	json_member(j, key);
	if (s)
		json_string(j->w, s);
	else
		PUT(j->w, "null");
}

/* A member whose string value is len bytes (NULs and all). */
static void json_str_n(json *j, const char *key, const char *s, size_t len)
{
	json_member(j, key);
	json_string_n(j->w, s, len);
}

static void json_bool(json *j, const char *key, bool b)
{
	json_member(j, key);
	PUT(j->w, b ? "true" : "false");
}

/* "sample_types" and "samples". */
static void json_types(json *j, const pprof_profile *p)
{
	size_t i, k, n = pprof_profile_sample_type_count(p), def = pprof_profile_default_sample_type(p);
	const char *unit, *other;

	json_open(j, "sample_types", '[', false);
	for (i = 0; i < n; i++) {
		json_open(j, NULL, '{', true);
		json_str(j, "type", pprof_profile_sample_type(p, i, &unit));
		json_str(j, "unit", unit);
		json_int(j, "total", pprof_profile_total(p, i));
		json_bool(j, "default", i == def);
		json_close(j, '}');
	}
	json_close(j, ']');
	json_open(j, "samples", '{', false);
	json_int(j, "count", (int64_t)pprof_profile_sample_count(p));
	json_open(j, "total", '{', true);
	for (i = 0; i < n; i++) {   /* a repeated type name keeps its first total */
		const char *type = pprof_profile_sample_type(p, i, &unit);
		for (k = 0; k < i && strcmp(pprof_profile_sample_type(p, k, &other), type) != 0; k++)
			;
		if (k == i)
			json_int(j, type, pprof_profile_total(p, i));
	}
	json_close(j, '}');
	json_close(j, '}');
}

/* Period, time, counts and sizes. */
static void json_header(json *j, const facts *f)
{
	const char *unit, *type = pprof_profile_period_type(f->p, &unit);
	int64_t t = pprof_profile_time_nanos(f->p);
	char buf[CLI_VALUE_LEN];

	json_open(j, "period_type", '{', true);
	json_str(j, "type", type);
	json_str(j, "unit", unit);
	json_close(j, '}');
	json_int(j, "period", pprof_profile_period(f->p));
	json_str(j, "time", t ? format_time(buf, sizeof(buf), t, true) : NULL);
	json_int(j, "time_nanos", t);
	json_int(j, "duration_nanos", pprof_profile_duration_nanos(f->p));
	json_int(j, "locations", (int64_t)pprof_profile_location_count(f->p));
	json_int(j, "functions", (int64_t)pprof_profile_function_count(f->p));
	json_int(j, "mappings", (int64_t)pprof_profile_mapping_count(f->p));
	json_int(j, "strings", (int64_t)pprof_profile_string_count(f->p));
	json_open(j, "size", '{', true);
	json_int(j, "compressed", (int64_t)f->compressed);
	json_int(j, "uncompressed", (int64_t)f->uncompressed);
	json_close(j, '}');
}

static void json_keys(json *j, const facts *f)
{
	size_t i;

	json_open(j, "labels", '[', false);
	for (i = 0; i < f->n_keys; i++) {
		const pprof_label_key *k = &f->keys[i];
		json_open(j, NULL, '{', true);
		json_str_n(j, "key", k->key, k->key_len);
		json_int(j, "strings", (int64_t)k->strings);
		json_int(j, "numbers", (int64_t)k->numbers);
		json_int(j, "samples", (int64_t)k->samples);
		json_str(j, "unit", k->numbers ? k->unit : NULL);
		json_close(j, '}');
	}
	json_close(j, ']');
}

static void json_top(json *j, const facts *f, const stat_options *o)
{
	static const char *const marks[] = { "", "inline", "partial-inline" };
	const pprof_top *t = f->top;
	const char *unit, *type = pprof_profile_sample_type(f->p, t->sample_type, &unit);
	size_t i;

	json_open(j, "top", '{', false);
	json_str(j, "sample_type", type);
	json_str(j, "unit", unit);
	json_str(j, "sort", o->cum ? "cum" : "flat");
	json_int(j, "total", t->total);
	json_int(j, "shown", t->shown);
	json_int(j, "nodes", (int64_t)t->nodes);
	json_int(j, "dropped_nodes", (int64_t)t->dropped);
	json_int(j, "drop_limit", t->drop_limit);
	json_open(j, "rows", '[', false);
	for (i = 0; i < t->n_rows; i++) {
		json_open(j, NULL, '{', true);
		json_str_n(j, "name", t->rows[i].name, t->rows[i].name_len);
		json_int(j, "flat", t->rows[i].flat);
		json_int(j, "cum", t->rows[i].cum);
		json_str(j, "inline", marks[t->rows[i].inlined]);
		json_close(j, '}');
	}
	json_close(j, ']');
	json_close(j, '}');
}

static void json_by(json *j, const facts *f, const char *key)
{
	const pprof_breakdown *b = f->by;
	const char *unit, *type = pprof_profile_sample_type(f->p, b->sample_type, &unit);
	size_t i;

	json_open(j, "by", '{', false);
	json_str(j, "key", key);
	json_str(j, "sample_type", type);
	json_str(j, "unit", unit);
	json_int(j, "total", b->total);
	json_int(j, "unlabelled", b->unlabelled);
	json_int(j, "unlabelled_samples", (int64_t)b->unlabelled_samples);
	json_str(j, "value_unit", *b->unit ? b->unit : NULL);
	json_open(j, "values", '[', false);
	for (i = 0; i < b->n_values; i++) {
		json_open(j, NULL, '{', true);
		if (b->values[i].str)
			json_str_n(j, "value", b->values[i].str, b->values[i].str_len);
		else
			json_int(j, "value", b->values[i].num);
		json_int(j, "weight", b->values[i].weight);
		json_int(j, "samples", (int64_t)b->values[i].samples);
		json_close(j, '}');
	}
	json_close(j, ']');
	json_close(j, '}');
}

static void print_json(writer *w, const facts *f, const stat_options *o)
{
	json j = { w, -1, { false }, { false } };

	json_open(&j, NULL, '{', false);
	if (f->input) {
		json_str(&j, "input", f->input);
		json_int(&j, "profile", (int64_t)f->index);
	}
	json_int(&j, "profiles", (int64_t)f->profiles);
	json_types(&j, f->p);
	json_header(&j, f);
	json_keys(&j, f);
	if (f->top)
		json_top(&j, f, o);
	else if (f->by)
		json_by(&j, f, o->by);
	json_close(&j, '}');
}

/* ---- folded stacks ------------------------------------------------------ */

/* Where print_stack writes: the writer and a line being built. */
typedef struct {
	writer *w;
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

/* ---- reports ------------------------------------------------------------ */

/* State across the stream: the options, the output, and the merge. */
typedef struct {
	const stat_options *o;
	writer w;
	pprof_merger *merger;
	pprof_profile *first;        /* the first profile, until a second comes */
	unsigned long reports;
	uint64_t compressed, uncompressed;
} stat_state;

/* Prints "pprof-stat: [FILE: profile N: ]message". */
static void report_error(const facts *f, const char *msg)
{
	if (f->input)
		cli_warn("%s: profile %lu: %s", f->input, f->index, msg);
	else
		cli_warn("%s", msg);
}

/* Appends plain text and then text (escaped, as shown() shows it) to the
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
static bool choose_type(const facts *f, const char *spec, size_t *st)
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
static bool gather(facts *f, pprof_report *r, const stat_options *o)
{
	bool typed = pprof_profile_sample_type_count(f->p) > 0;   /* else no ranking */
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
	else if (rc == PPROF_OK && typed && o->mode != MODE_FOLDED)
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

/* Writes the report of one profile; returns the exit status. */
static int report(stat_state *st, facts *f)
{
	pprof_report *r = pprof_report_new(f->p);
	folder fo = { &st->w, NULL, 0 };
	int status = EXIT_DATA;

	if (!r) {
		report_error(f, "out of memory");
		return EXIT_DATA;
	}
	if (!gather(f, r, st->o))
		goto done;
	if (st->o->mode == MODE_TEXT && st->reports++)
		PUT(&st->w, "\n");
	if (st->o->mode == MODE_TEXT)
		print_text(&st->w, f, st->o);
	else if (st->o->mode == MODE_JSON)
		print_json(&st->w, f, st->o);
	else if (pprof_profile_sample_type_count(f->p) &&
	         pprof_report_folded(r, f->st, print_stack, &fo) == PPROF_ERR_NOMEM)
		report_error(f, "out of memory");
	status = st->w.ok ? EXIT_OK : EXIT_DATA;
done:
	free(fo.line);
	forget_shown(&st->w);
	pprof_report_free(r);
	return status;
}

/* Adds a profile to the merge; returns the exit status. */
static int merge(stat_state *st, const cli_profile_info *info, pprof_profile *p)
{
	int rc = PPROF_OK;

	if (st->first) {
		rc = pprof_merger_add(st->merger, st->first, 0);
		pprof_profile_free(st->first);
		st->first = NULL;
	}
	if (rc == PPROF_OK)
		rc = pprof_merger_add(st->merger, p, 0);
	pprof_profile_free(p);
	if (rc == PPROF_OK)
		return EXIT_OK;
	cli_warn("%s: profile %lu: %s", info->name, info->index, pprof_merger_error(st->merger));
	return EXIT_DATA;
}

/* cli_profile_fn: takes each profile of the stream. */
static int take(void *ctx, const cli_profile_info *info, pprof_profile *p)
{
	stat_state *st = ctx;
	facts f = { info->name, info->index, 1, info->compressed, info->uncompressed, p,
	            0, NULL, 0, NULL, NULL };
	int status;

	st->compressed += info->compressed;
	st->uncompressed += info->uncompressed;
	if (st->o->mode == MODE_CHECK) {
		pprof_profile_free(p);
		return EXIT_OK;
	}
	if (st->o->each) {
		status = report(st, &f);
		pprof_profile_free(p);
		return status;
	}
	if (!st->first && pprof_merger_count(st->merger) == 0) {
		st->first = p;   /* reported as it is if no other comes */
		return EXIT_OK;
	}
	return merge(st, info, p);
}

/* The report of the merged stream; returns the exit status. */
static int report_merged(stat_state *st)
{
	facts f = { NULL, 0, 1, st->compressed, st->uncompressed, st->first, 0, NULL, 0,
	            NULL, NULL };
	pprof_profile *merged = NULL;
	int status;

	if (!st->first) {
		f.profiles = pprof_merger_count(st->merger);
		if (pprof_merger_finish(st->merger, &merged) != PPROF_OK) {
			cli_warn("%s", pprof_merger_error(st->merger));
			return EXIT_DATA;
		}
		f.p = merged;
	}
	status = report(st, &f);
	pprof_profile_free(merged);
	return status;
}

/* Whether to colour: stdout a terminal and NO_COLOR unset or empty. */
static bool want_color(void)
{
	const char *no = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && !(no && *no);
}

int main(int argc, char **argv)
{
	stat_options o = { 0 };
	cli_options out_opts;
	stat_state st = { &o, { NULL, true, "", "", NULL, 0 }, NULL, NULL, 0, 0, 0 };
	unsigned long skipped = 0;
	int status;

	cli_init("pprof-stat");
	parse_options(argc, argv, &o);
	cli_refuse_terminal_input(argc - optind, argv + optind);
	cli_options_init(&out_opts);
	if (want_color() && o.mode == MODE_TEXT) {
		st.w.bold = "\033[1m";
		st.w.plain = "\033[0m";
	}
	st.merger = pprof_merger_new();
	st.w.out = cli_output_open(&out_opts, false);
	if (!st.merger || !st.w.out) {
		if (!st.merger)
			cli_warn("out of memory");
		cli_output_abort(st.w.out);
		pprof_merger_free(st.merger);
		return EXIT_DATA;
	}
	status = cli_read_inputs(argc - optind, argv + optind, &o.in, take, &st, &skipped);
	if (status == EXIT_OK && skipped)
		status = EXIT_DATA;   /* --check found a broken input */
	if (status == EXIT_OK && o.mode != MODE_CHECK && !o.each)
		status = report_merged(&st);
	pprof_profile_free(st.first);
	pprof_merger_free(st.merger);
	if (cli_output_commit(st.w.out) != EXIT_OK)
		status = EXIT_DATA;
	return status;
}
