/*
 * pprof-filter - filter each profile of a stream as `go tool pprof` filters
 * (--focus, --ignore, --hide, --show, --show-from, --prune-from, --tagfocus,
 * --tagignore, --tagshow, --taghide, --tagroot, --tagleaf, --sample-type),
 * and more: select
 * profiles by time, scale values, rename functions, drop labels or
 * addresses, and reduce a profile to what `go build -pgo` reads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "input.h"
#include "options.h"
#include "output.h"

static const char usage_text[] =
	"Usage: pprof-filter [options] [FILE...]\n"
	"Filter each profile of the FILEs (or stdin; - is stdin) as 'go tool pprof'\n"
	"does with the options of the same names, and write the results, one gzip\n"
	"member each, to stdout. Regular expressions are Go's (RE2 syntax).\n"
	"\n"
	"As go tool pprof (applied in its order):\n"
	"      --tagroot KEY[,KEY]\n"
	"                         add each sample's values of label KEY as a frame\n"
	"                         at its root (the first KEY rootmost)\n"
	"      --tagleaf KEY[,KEY]\n"
	"                         the same at its leaf (the last KEY leafmost)\n"
	"      --focus RE         keep samples with a frame that matches RE\n"
	"      --ignore RE        drop samples with a frame that matches RE\n"
	"      --hide RE          remove frames that match RE\n"
	"      --show RE          keep only frames that match RE\n"
	"      --show-from RE     remove frames above the rootmost that matches RE\n"
	"      --tagfocus SPEC    keep samples with a matching label: KEY=RE[,RE],\n"
	"                         RE[,RE] (on key:value), or a range such as\n"
	"                         bytes=1mb:, :64kb, 2kb:4kb, latency=10ms\n"
	"      --tagignore SPEC   drop samples with a matching label\n"
	"      --tagshow RE       keep only label keys that match RE\n"
	"      --taghide RE       remove label keys that match RE\n"
	"      --prune-from RE    remove frames below the leafmost that matches RE\n"
	"      --sample-type T    keep one sample type (a name or a 0-based index)\n"
	"pprof's spellings work too: --show_from RE (--show-from RE), --prune_from RE\n"
	"(--prune-from RE).\n"
	"Beyond pprof:\n"
	"      --since TIME       keep only profiles from TIME on (RFC 3339, or\n"
	"                         seconds since 1970)\n"
	"      --until TIME       keep only profiles from before TIME\n"
	"      --rename-function RE=REPLACEMENT\n"
	"                         rewrite function names (\\1..\\9: groups);\n"
	"                         may be repeated\n"
	"      --drop-labels      remove all labels\n"
	"      --drop-addresses   remove mappings and addresses\n"
	"      --scale F          multiply values by F (rounding to nearest)\n"
	"      --pgo              keep only what 'go build -pgo' reads\n"
	"Output and input:\n" CLI_OUTPUT_HELP
	"  -k, --keep-going       skip broken inputs with a warning\n" CLI_MAX_SIZE_HELP
		CLI_HELP_END;

enum {
	OPT_FILTER = OPT_FIRST_TOOL_OPTION, /* + PPROF_FILTER_* */
	OPT_SINCE = OPT_FIRST_TOOL_OPTION + 50,
	OPT_UNTIL,
	OPT_SCALE,
	OPT_DROP_LABELS,
	OPT_DROP_ADDRESSES,
	OPT_PGO
};

static const struct option long_options[] = {
	CLI_OUTPUT_LONGOPTS,
	{ "focus", required_argument, NULL, OPT_FILTER + PPROF_FILTER_FOCUS },
	{ "ignore", required_argument, NULL, OPT_FILTER + PPROF_FILTER_IGNORE },
	{ "hide", required_argument, NULL, OPT_FILTER + PPROF_FILTER_HIDE },
	{ "show", required_argument, NULL, OPT_FILTER + PPROF_FILTER_SHOW },
	{ "show-from", required_argument, NULL, OPT_FILTER + PPROF_FILTER_SHOW_FROM },
	{ "show_from", required_argument, NULL, OPT_FILTER + PPROF_FILTER_SHOW_FROM },
	{ "tagfocus", required_argument, NULL, OPT_FILTER + PPROF_FILTER_TAG_FOCUS },
	{ "tagignore", required_argument, NULL, OPT_FILTER + PPROF_FILTER_TAG_IGNORE },
	{ "tagshow", required_argument, NULL, OPT_FILTER + PPROF_FILTER_TAG_SHOW },
	{ "taghide", required_argument, NULL, OPT_FILTER + PPROF_FILTER_TAG_HIDE },
	{ "prune-from", required_argument, NULL, OPT_FILTER + PPROF_FILTER_PRUNE_FROM },
	{ "prune_from", required_argument, NULL, OPT_FILTER + PPROF_FILTER_PRUNE_FROM },
	{ "rename-function", required_argument, NULL, OPT_FILTER + PPROF_FILTER_RENAME },
	{ "sample-type", required_argument, NULL, OPT_FILTER + PPROF_FILTER_SAMPLE_TYPE },
	{ "tagroot", required_argument, NULL, OPT_FILTER + PPROF_FILTER_TAG_ROOT },
	{ "tagleaf", required_argument, NULL, OPT_FILTER + PPROF_FILTER_TAG_LEAF },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "scale", required_argument, NULL, OPT_SCALE },
	{ "drop-labels", no_argument, NULL, OPT_DROP_LABELS },
	{ "drop-addresses", no_argument, NULL, OPT_DROP_ADDRESSES },
	{ "pgo", no_argument, NULL, OPT_PGO },
	{ "keep-going", no_argument, NULL, 'k' },
	{ NULL, 0, NULL, 0 }
};
static const char short_options[] = CLI_OUTPUT_SHORTOPTS "k";

/* What to do instead of pprof's flags that pprof-filter has no option for.
 * pprof's -sample_index picks the value a report shows and leaves the
 * profile's sample types be (-proto writes them all), so it is not
 * --sample-type, which keeps only one. */
#define NO_REPORT(flag)                                                                       \
	CLI_ADVICE(flag,                                                                      \
	           "pprof-filter writes profiles: pipe them into pprof-stat (--top N) for a " \
	           "report")
#define NO_SAMPLE_INDEX(flag)                                                                      \
	CLI_ADVICE(flag, "pipe the output into pprof-stat --sample-type TYPE to report on a type " \
	                 "(--sample-type here keeps only that one)")
static const cli_pprof_advice pprof_advice[] = {
	CLI_ADVICE("proto", "pprof-filter always writes profiles; drop the flag"),
	CLI_ADVICE("symbolize", "pprof-filter never symbolizes (as with pprof's -symbolize=none); "
	                        "drop the flag"),
	NO_REPORT("top"),
	NO_REPORT("text"),
	NO_REPORT("traces"),
	NO_REPORT("nodecount"),
	CLI_ADVICE("tags", "pprof-filter writes profiles: pipe them into pprof-stat --tags"),
	NO_SAMPLE_INDEX("sample_index"),
	NO_SAMPLE_INDEX("inuse_space"),
	NO_SAMPLE_INDEX("inuse_objects"),
	NO_SAMPLE_INDEX("alloc_space"),
	NO_SAMPLE_INDEX("alloc_objects"),
	NO_SAMPLE_INDEX("contentions"),
	NO_SAMPLE_INDEX("total_delay"),
	CLI_ADVICE("relative_percentages", "pipe the output into pprof-stat, whose percentages are "
	                                   "of the filtered profile"),
	CLI_ADVICE("base", "subtract a base with pprof-merge --base FILE"),
	CLI_ADVICE("diff_base", "subtract a base with pprof-merge --diff-base FILE"),
	CLI_ADVICE("add_comment", "pprof-tag --comment TEXT adds a comment"),
	CLI_ADVICE(NULL, NULL)
};

/* The option names in messages, by PPROF_FILTER_* option. */
static const char *const filter_names[PPROF_FILTER_N_OPTIONS] = {
	"--focus",           "--ignore",      "--hide",    "--show",    "--show-from",
	"--tagfocus",        "--tagignore",   "--tagshow", "--taghide", "--prune-from",
	"--rename-function", "--sample-type", "--tagroot", "--tagleaf"
};

typedef struct {
	cli_options out;
	cli_read_options in;
	pprof_filter *filter;
	unsigned flags;
	bool has_since, has_until;
	bool label_frames;     /* --tagroot or --tagleaf given */
	int64_t since, until;  /* nanoseconds since 1970 */
	unsigned long written; /* profiles written */
} filter_options;

/* ---- times ------------------------------------------------------------ */

/* Days from 1970-01-01 to the date (proleptic Gregorian calendar). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* Reads n digits at *s into *v, moving *s past them. */
static bool digits(const char **s, int n, int *v)
{
	*v = 0;
	while (n-- > 0) {
		if (**s < '0' || **s > '9')
			return false;
		*v = *v * 10 + (*(*s)++ - '0');
	}
	return true;
}

/* Reads a fraction of a second (".123456789", any number of digits) into
 * nanoseconds. */
static bool fraction(const char **s, int64_t *ns)
{
	int64_t scale = 100000000;

	*ns = 0;
	if (**s != '.' && **s != ',')
		return true;
	if (!((*s)[1] >= '0' && (*s)[1] <= '9'))
		return false;
	for ((*s)++; **s >= '0' && **s <= '9'; (*s)++, scale /= 10)
		*ns += (**s - '0') * scale;
	return true;
}

/* Parses an RFC 3339 date-time ("2026-11-22T10:00:00Z", "...+02:00",
 * "...T10:00:00.5Z"; 't', 'z' or a space also allowed) into nanoseconds. */
static bool parse_rfc3339(const char *s, int64_t *ns)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	int64_t frac;

	if (!digits(&s, 4, &y) || *s++ != '-' || !digits(&s, 2, &mo) || *s++ != '-' ||
	    !digits(&s, 2, &d) || (*s != 'T' && *s != 't' && *s != ' '))
		return false;
	s++;
	if (!digits(&s, 2, &h) || *s++ != ':' || !digits(&s, 2, &mi) || *s++ != ':' ||
	    !digits(&s, 2, &sec) || !fraction(&s, &frac))
		return false;
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s++ == '+' ? 1 : -1;
		if (!digits(&s, 2, &oh) || *s++ != ':' || !digits(&s, 2, &om) || oh > 23 || om > 59)
			return false;
	} else {
		return false;
	}
	if (*s || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
	    sec > 60 || (mo == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400))))
		return false;
	*ns = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) -
	       sign * (oh * 3600 + om * 60)) *
	              1000000000 +
	      frac;
	return true;
}

/* Parses seconds since 1970 ("1700000000", "1700000000.25", "-5"). */
static bool parse_unix(const char *s, int64_t *ns)
{
	bool neg = *s == '-';
	int64_t secs, frac;
	char *end;

	if (!((*s >= '0' && *s <= '9') || (neg && s[1] >= '0' && s[1] <= '9')))
		return false;
	errno = 0;
	secs = strtoll(s, &end, 10);
	s = end;
	if (errno || !fraction(&s, &frac) || *s || secs > INT64_MAX / 1000000000 - 1 ||
	    secs < INT64_MIN / 1000000000 + 1)
		return false;
	*ns = secs * 1000000000 + (neg ? -frac : frac);
	return true;
}

/* A --since or --until argument in nanoseconds; a usage error if bad. */
static int64_t parse_time(const char *opt, const char *arg)
{
	int64_t ns;

	if (!parse_unix(arg, &ns) && !parse_rfc3339(arg, &ns))
		cli_usage_error("invalid %s '%s': use RFC 3339 (2026-11-22T10:00:00Z) or "
		                "seconds since 1970",
		                opt, arg);
	return ns;
}

/* ---- options ---------------------------------------------------------- */

/* A --scale argument: a finite number; a usage error if not. */
static double parse_scale(const char *arg)
{
	char *end;
	double f;

	errno = 0;
	f = strtod(arg, &end);
	if (errno || end == arg || *end || f != f || f - f != 0)
		cli_usage_error("invalid --scale '%s': use a number such as 0.5 or 2", arg);
	return f;
}

/* Hands a filter option to the library; a bad one is a usage error. */
static void set_filter(filter_options *o, int option, const char *arg)
{
	int rc = pprof_filter_set(o->filter, option, arg);

	if (rc == PPROF_ERR_NOMEM) {
		cli_warn("out of memory");
		exit(EXIT_DATA);
	}
	if (rc != PPROF_OK)
		cli_usage_error("%s: %s", filter_names[option], pprof_filter_error(o->filter));
}

/* Handles one of pprof-filter's own options; false if c is none of them. */
static bool handle_option(filter_options *o, int c, const char *arg)
{
	if (c >= OPT_FILTER && c < OPT_FILTER + PPROF_FILTER_N_OPTIONS) {
		set_filter(o, c - OPT_FILTER, arg);
		if (c == OPT_FILTER + PPROF_FILTER_TAG_ROOT ||
		    c == OPT_FILTER + PPROF_FILTER_TAG_LEAF)
			o->label_frames |= *arg != '\0';
		return true;
	}
	switch (c) {
	case OPT_SINCE:
		o->since = parse_time("--since", arg);
		o->has_since = true;
		break;
	case OPT_UNTIL:
		o->until = parse_time("--until", arg);
		o->has_until = true;
		break;
	case OPT_SCALE: pprof_filter_set_scale(o->filter, parse_scale(arg)); break;
	case OPT_DROP_LABELS: o->flags |= PPROF_FILTER_DROP_LABELS; break;
	case OPT_DROP_ADDRESSES: o->flags |= PPROF_FILTER_DROP_ADDRESSES; break;
	case OPT_PGO: o->flags |= PPROF_FILTER_PGO; break;
	case 'k': o->in.keep_going = true; break;
	default: return false;
	}
	return true;
}

/* Parses the command line into o and its filter. */
static void parse_options(int argc, char **argv, filter_options *o)
{
	int c;

	cli_options_init(&o->out);
	cli_check_pprof_habits(argc, argv, short_options, long_options, pprof_advice);
	while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1)
		if (!cli_options_handle(&o->out, c, optarg, usage_text) &&
		    !handle_option(o, c, optarg))
			cli_bad_option(c, argv);
	if (o->has_since && o->has_until && o->since >= o->until)
		cli_usage_error("--since must be before --until");
	if (o->label_frames && (o->flags & PPROF_FILTER_PGO))
		cli_usage_error(
			"--tagroot and --tagleaf add frames that are no calls: not with --pgo");
	o->in.max_size = o->out.max_size;
	pprof_filter_set_flags(o->filter, o->flags);
}

/* ---- filtering -------------------------------------------------------- */

/* Whether the profile's time is in the --since/--until window. */
static bool in_window(const filter_options *o, const char *name, unsigned long index,
                      const pprof_profile *p)
{
	int64_t t = pprof_profile_time_nanos(p);

	if (!o->has_since && !o->has_until)
		return true;
	if (t == 0) {
		cli_warn("%s: profile %lu: has no time; skipped", name, index);
		return false;
	}
	return (!o->has_since || t >= o->since) && (!o->has_until || t < o->until);
}

/* Warns about each filter option that matched nothing in the profile. */
static void warn_unmatched(const filter_options *o, const char *name, unsigned long index)
{
	size_t i, n = pprof_filter_unmatched_count(o->filter);
	const char *arg;
	int option;

	for (i = 0; i < n; i++) {
		if (pprof_filter_unmatched(o->filter, i, &option, &arg) != PPROF_OK)
			break;
		cli_warn("%s: profile %lu: %s '%s' matched nothing", name, index,
		         filter_names[option], arg);
	}
}

/* cli_map_fn: the profile filtered, or NULL to write nothing for it. */
static pprof_profile *filter_one(void *ctx, const char *name, unsigned long index, pprof_profile *p,
                                 int *status)
{
	filter_options *o = ctx;
	int rc;

	if (!in_window(o, name, index, p)) {
		pprof_profile_free(p);
		return NULL;
	}
	rc = pprof_filter_apply(o->filter, &p);
	if (rc != PPROF_OK) {
		cli_input_problem(o->in.keep_going, "%s: profile %lu: %s", name, index,
		                  pprof_filter_error(o->filter));
		pprof_profile_free(p);
		*status = EXIT_DATA;
		return NULL;
	}
	warn_unmatched(o, name, index);
	o->written++;
	return p;
}

int main(int argc, char **argv)
{
	filter_options o;
	int status;

	cli_init("pprof-filter");
	memset(&o, 0, sizeof(o));
	if (!(o.filter = pprof_filter_new())) {
		cli_warn("out of memory");
		return EXIT_DATA;
	}
	parse_options(argc, argv, &o);
	cli_refuse_terminal_input(argc - optind, argv + optind);
	status = cli_map_inputs(argc - optind, argv + optind, &o.out, &o.in, filter_one, &o);
	if (status == EXIT_OK && o.written == 0 && (o.has_since || o.has_until))
		cli_warn("no profile is in the time window");
	pprof_filter_free(o.filter);
	return status;
}
