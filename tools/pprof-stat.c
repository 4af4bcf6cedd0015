/*
 * pprof-stat - report on a stream of pprof profiles: a summary and a top
 * table like `go tool pprof -top`, a breakdown by a label, collapsed stacks
 * for flame graphs, a flame graph, or just a validity check. libpprof computes every
 * number; this file reads its options and the stream, and merges; the
 * report is made in stat-report.c and written by stat-text.c, stat-json.c,
 * stat-folded.c or stat-flame.c (see stat.h).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "cli.h"
#include "input.h"
#include "options.h"
#include "stat.h"

static const char usage_text[] =
	"Usage: pprof-stat [--top N] [--cum] [--sample-type TYPE] [--by KEY]\n"
	"                  [--json | --folded | --check] [--each] [--max-size BYTES]\n"
	"                  [FILE...]\n"
	"       pprof-stat [--flamegraph] [--inverted] [--min-width PX] [--title TEXT]\n"
	"                  [--width PX] [--sample-type TYPE] [FILE...] > flame.svg\n"
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
	"      --flamegraph         write a flame graph of the stacks of --folded: one\n"
	"                           SVG with its script, to open in a browser\n"
	"      --inverted           the flame graph's root on top (an icicle)\n"
	"      --min-width PX       leave out frames narrower than PX (default 0.1)\n"
	"      --title TEXT         the flame graph's title (default \"Flame graph\")\n"
	"      --width PX           the flame graph's width (default 1200)\n"
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
	OPT_TOP = OPT_FIRST_TOOL_OPTION,
	OPT_CUM,
	OPT_SAMPLE_TYPE,
	OPT_BY,
	OPT_JSON,
	OPT_FOLDED,
	OPT_CHECK,
	OPT_EACH,
	OPT_FLAMEGRAPH,
	OPT_INVERTED,
	OPT_MIN_WIDTH,
	OPT_TITLE,
	OPT_WIDTH,
	OPT_PPROF_SAMPLE /* + the index in pprof_sample_flags */
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
	{ "flamegraph", no_argument, NULL, OPT_FLAMEGRAPH },
	{ "inverted", no_argument, NULL, OPT_INVERTED },
	{ "min-width", required_argument, NULL, OPT_MIN_WIDTH },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "width", required_argument, NULL, OPT_WIDTH },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

/* What to do instead of pprof's flags that pprof-stat has no option for. */
#define NO_FILTER(flag, ours)                                                                  \
	CLI_ADVICE(flag,                                                                       \
	           "pprof-stat does not filter: filter with pprof-filter --" ours " and pipe " \
	           "its output into pprof-stat")
static const cli_pprof_advice pprof_advice[] = {
	CLI_ADVICE("proto", "pprof-stat writes reports; pprof-merge writes the merged profile"),
	CLI_ADVICE("symbolize", "pprof-stat never symbolizes (as with pprof's -symbolize=none); "
	                        "drop the flag"),
	CLI_ADVICE("text", "pprof-stat's report has the table of pprof's -text and -top; "
	                   "--top N for N rows"),
	CLI_ADVICE("traces",
	           "pprof-stat has no -traces; --folded writes each stack with its value"),
	CLI_ADVICE("tags", "--by KEY breaks the total down by the values of label KEY"),
	CLI_ADVICE("flat", "the table is sorted by flat value unless --cum; drop the flag"),
	CLI_ADVICE("relative_percentages", "percentages are of the profile pprof-stat reads (after "
	                                   "pprof-filter, the filtered one); drop the flag"),
	CLI_ADVICE("output", "pprof-stat writes to standard output; redirect it"),
	NO_FILTER("focus", "focus"),
	NO_FILTER("ignore", "ignore"),
	NO_FILTER("hide", "hide"),
	NO_FILTER("show", "show"),
	NO_FILTER("show_from", "show-from"),
	NO_FILTER("prune_from", "prune-from"),
	NO_FILTER("tagfocus", "tagfocus"),
	NO_FILTER("tagignore", "tagignore"),
	NO_FILTER("tagshow", "tagshow"),
	NO_FILTER("taghide", "taghide"),
	CLI_ADVICE("base",
	           "subtract a base with pprof-merge --base FILE, then report on the result"),
	CLI_ADVICE("diff_base", "subtract a base with pprof-merge --diff-base FILE, then report on "
	                        "the result"),
	CLI_ADVICE(NULL, NULL)
};

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
	if (o->mode != MODE_TEXT && o->mode != mode &&
	    (mode == MODE_FLAME || o->mode == MODE_FLAME))
		cli_usage_error("--flamegraph cannot be used with --json, --folded or --check");
	if (o->mode != MODE_TEXT && o->mode != mode)
		cli_usage_error("--json, --folded and --check cannot be used together");
	o->mode = mode;
}

/* Parses --min-width's pixels: a number, 0 or more. */
static double parse_pixels(const char *arg)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (end == arg || *end || errno || !(v >= 0 && v <= 1e6))
		cli_usage_error("invalid --min-width '%s': not a number of pixels (0 or more)",
		                arg);
	return v;
}

/* Parses --width's pixels: a whole number from 100 to 100000. */
static unsigned parse_width(const char *arg)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end || errno || v < 100 || v > 100000)
		cli_usage_error("invalid --width '%s': not a whole number of pixels from 100 to "
		                "100000",
		                arg);
	return (unsigned)v;
}

/* Refuses what does not go together with --flamegraph, and its options
 * without it. */
static void check_flame_options(const stat_options *o, bool flame_options)
{
	if (flame_options && o->mode != MODE_FLAME)
		cli_usage_error("--inverted, --min-width, --title and --width need --flamegraph");
	if (o->mode == MODE_FLAME && o->each)
		cli_usage_error("--flamegraph makes one SVG: it cannot be used with --each");
	if (o->mode == MODE_FLAME && o->by)
		cli_usage_error("--by cannot be used with --flamegraph");
}

static void parse_options(int argc, char **argv, stat_options *o)
{
	int c;
	bool flame_options = false;

	o->mode = MODE_TEXT;
	o->top = 10;
	o->flame.min_width = 0.1;
	o->flame.width = 1200;
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
		case OPT_FLAMEGRAPH: set_mode(o, MODE_FLAME); break;
		case OPT_INVERTED: o->flame.inverted = flame_options = true; break;
		case OPT_MIN_WIDTH:
			o->flame.min_width = parse_pixels(optarg);
			flame_options = true;
			break;
		case OPT_TITLE: o->flame.title = optarg, flame_options = true; break;
		case OPT_WIDTH: o->flame.width = parse_width(optarg), flame_options = true; break;
		case OPT_MAX_SIZE: o->in.max_size = cli_parse_size("--max-size", optarg); break;
		case OPT_HELP: cli_help(usage_text);
		case OPT_VERSION: cli_version();
		default: cli_bad_option(c, argv);
		}
	}
	if (o->by && (o->mode == MODE_FOLDED || o->mode == MODE_CHECK))
		cli_usage_error("--by cannot be used with --folded or --check");
	check_flame_options(o, flame_options);
	o->in.keep_going = o->mode == MODE_CHECK; /* check every input */
	o->in.broken_is_error = true;
}

/* ---- the stream ---------------------------------------------------------- */

/* State across the stream: the options, the output, and the merge. */
typedef struct {
	const stat_options *o;
	stat_writer w;
	pprof_merger *merger;
	pprof_profile *first; /* the first profile, until a second comes */
	uint64_t compressed, uncompressed;
} stat_state;

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
	stat_facts f = {
		info->name, info->index, 1,   info->compressed, info->uncompressed, p, 0, NULL,
		0,          NULL,        NULL
	};
	int status;

	st->compressed += info->compressed;
	st->uncompressed += info->uncompressed;
	if (st->o->mode == MODE_CHECK) {
		pprof_profile_free(p);
		return EXIT_OK;
	}
	if (st->o->each) {
		status = stat_report(&st->w, &f, st->o);
		pprof_profile_free(p);
		return status;
	}
	if (!st->first && pprof_merger_count(st->merger) == 0) {
		st->first = p; /* reported as it is if no other comes */
		return EXIT_OK;
	}
	return merge(st, info, p);
}

/* The report of the merged stream; returns the exit status. */
static int report_merged(stat_state *st)
{
	stat_facts f = { NULL, 0,    1,   st->compressed, st->uncompressed, st->first, 0, NULL,
		         0,    NULL, NULL };
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
	status = stat_report(&st->w, &f, st->o);
	pprof_profile_free(merged);
	return status;
}

int main(int argc, char **argv)
{
	stat_options o = { 0 };
	cli_options out_opts;
	stat_state st = { &o, { NULL, true, "", "", NULL, 0, 0 }, NULL, NULL, 0, 0 };
	unsigned long skipped = 0;
	int status;

	cli_init("pprof-stat");
	parse_options(argc, argv, &o);
	cli_refuse_terminal_input(argc - optind, argv + optind);
	cli_options_init(&out_opts);
	if (o.mode == MODE_TEXT)
		stat_text_color(&st.w);
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
		status = EXIT_DATA; /* --check found a broken input */
	if (status == EXIT_OK && o.mode != MODE_CHECK && !o.each)
		status = report_merged(&st);
	pprof_profile_free(st.first);
	pprof_merger_free(st.merger);
	if (cli_output_commit(st.w.out) != EXIT_OK)
		status = EXIT_DATA;
	return status;
}
