/*
 * pprof-merge - merge a stream of pprof profiles into one, as
 * `go tool pprof -proto` does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "input.h"
#include "options.h"
#include "output.h"
#include "parts.h"
#include "progress.h"

static const char usage_text[] =
	"Usage: pprof-merge [-o FILE] [-0..-9 | --level N] [--uncompressed] [-f]\n"
	"                   [--base FILE | --diff-base FILE] [--normalize] [--keep-going]\n"
	"                   [--allow-empty] [--max-size BYTES] [-j N]\n"
	"                   [--progress | --no-progress] [FILE...]\n"
	"Merge the profiles of the FILEs (or stdin; - is stdin) into one profile,\n"
	"as 'go tool pprof -proto' does, and write it gzip'd to stdout.\n"
	"A gzip'd FILE may hold several profiles, one per gzip member.\n"
	"\n" CLI_OUTPUT_HELP
	"      --base FILE        subtract the profiles of FILE (like pprof -base);\n"
	"                         may be repeated\n"
	"      --diff-base FILE   subtract them and label them pprof::base=true\n"
	"                         (like pprof -diff_base)\n"
	"      --normalize        first scale the profile so that the total of each\n"
	"                         sample type is the base's (like pprof -normalize)\n"
	"  -k, --keep-going       skip broken inputs with a warning\n"
	"      --allow-empty      an empty input gives an empty profile, not an error\n" CLI_MAX_SIZE_HELP
	"  -j, --jobs N           read, decode and compress in N threads (default:\n"
	"                         the number of CPUs, at most 8); same output for any N\n"
	"      --progress         show progress on stderr (default: when it is a\n"
	"                         terminal and reading takes over a second)\n"
	"      --no-progress      never show progress\n" CLI_HELP_END
	"pprof's spellings work too: --diff_base FILE (--diff-base FILE).\n";

enum {
	OPT_BASE = OPT_FIRST_TOOL_OPTION,
	OPT_DIFF_BASE,
	OPT_ALLOW_EMPTY,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_NORMALIZE
};

static const struct option long_options[] = {
	CLI_OUTPUT_LONGOPTS,
	{ "base", required_argument, NULL, OPT_BASE },
	{ "diff-base", required_argument, NULL, OPT_DIFF_BASE },
	{ "diff_base", required_argument, NULL, OPT_DIFF_BASE },
	{ "normalize", no_argument, NULL, OPT_NORMALIZE },
	{ "keep-going", no_argument, NULL, 'k' },
	{ "allow-empty", no_argument, NULL, OPT_ALLOW_EMPTY },
	{ "jobs", required_argument, NULL, 'j' },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ NULL, 0, NULL, 0 }
};
static const char short_options[] = CLI_OUTPUT_SHORTOPTS "kj:";

/* What to do instead of pprof's flags that pprof-merge has no option for. */
#define NO_FILTER(flag, ours) \
	CLI_ADVICE(flag, "pprof-merge does not filter: pipe its output into pprof-filter --" ours)
#define NO_REPORT(flag)                                                                     \
	CLI_ADVICE(flag, "pprof-merge writes a profile: pipe it into pprof-stat (--top N) " \
	                 "for a report")
static const cli_pprof_advice pprof_advice[] = {
	CLI_ADVICE("proto", "pprof-merge always writes a profile; drop the flag"),
	CLI_ADVICE("symbolize", "pprof-merge never symbolizes (as with pprof's -symbolize=none); "
	                        "drop the flag"),
	NO_REPORT("top"),
	NO_REPORT("text"),
	NO_REPORT("traces"),
	NO_REPORT("nodecount"),
	CLI_ADVICE("tags", "pprof-merge writes a profile: pipe it into pprof-stat --tags"),
	CLI_ADVICE("sample_index", "pprof-merge keeps every sample type: pipe its output into "
	                           "pprof-stat --sample-type TYPE"),
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
	CLI_ADVICE("add_comment", "pprof-tag --comment TEXT adds a comment"),
	CLI_ADVICE(NULL, NULL)
};

typedef struct {
	cli_options out;
	cli_read_options in;
	char **bases; /* --base or --diff-base FILEs */
	int n_bases;
	unsigned base_flags; /* how base profiles are added */
	bool normalize;      /* --normalize */
	int progress;        /* CLI_PROGRESS_* */
} merge_options;

/* State for merge_one: the merger and how to add profiles to it. */
typedef struct {
	pprof_merger *merger;
	unsigned flags;
	bool keep_going;
	bool hold_first; /* keep the first profile apart (in held) until a
	                        second one comes: see subtract_normalized */
	pprof_profile *held;
} merge_state;

static void add_base(merge_options *o, const char *path, unsigned flags)
{
	if (o->n_bases && o->base_flags != flags)
		cli_usage_error("--base and --diff-base cannot be used together");
	o->bases = realloc(o->bases, (size_t)(o->n_bases + 1) * sizeof(*o->bases));
	if (!o->bases) {
		cli_warn("out of memory");
		exit(EXIT_DATA);
	}
	o->bases[o->n_bases++] = (char *)path;
	o->base_flags = flags;
}

static void parse_options(int argc, char **argv, merge_options *o)
{
	int c;

	cli_options_init(&o->out);
	o->in.keep_going = o->in.allow_empty = false;
	o->in.jobs = cli_default_jobs();
	cli_check_pprof_habits(argc, argv, short_options, long_options, pprof_advice);
	while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		if (cli_options_handle(&o->out, c, optarg, usage_text))
			continue;
		switch (c) {
		case OPT_BASE: add_base(o, optarg, PPROF_MERGE_SUBTRACT); break;
		case OPT_DIFF_BASE:
			add_base(o, optarg, PPROF_MERGE_SUBTRACT | PPROF_MERGE_MARK_BASE);
			break;
		case OPT_NORMALIZE: o->normalize = true; break;
		case 'k': o->in.keep_going = true; break;
		case OPT_ALLOW_EMPTY: o->in.allow_empty = true; break;
		case 'j': o->in.jobs = cli_parse_jobs(optarg); break;
		case OPT_PROGRESS: o->progress = CLI_PROGRESS_ON; break;
		case OPT_NO_PROGRESS: o->progress = CLI_PROGRESS_OFF; break;
		default: cli_bad_option(c, argv);
		}
	}
	if (o->normalize && !o->n_bases)
		cli_usage_error("--normalize needs --base or --diff-base");
	o->in.max_size = o->out.max_size;
}

/* Merges one profile of the stream; a mismatch is an error or, with
 * --keep-going, a skipped profile. */
static int merge_one(void *ctx, const cli_profile_info *info, pprof_profile *p)
{
	merge_state *st = ctx;
	int rc;

	cli_progress_profile(info);
	if (st->hold_first && !st->held && pprof_merger_count(st->merger) == 0) {
		st->held = p;
		return EXIT_OK;
	}
	if (st->held) {
		rc = pprof_merger_add(st->merger, st->held, st->flags);
		pprof_profile_free(st->held);
		st->held = NULL;
		if (rc != PPROF_OK) {
			pprof_profile_free(p);
			cli_warn("%s", pprof_merger_error(st->merger));
			return EXIT_DATA;
		}
	}
	rc = pprof_merger_add(st->merger, p, st->flags);
	pprof_profile_free(p);
	if (rc == PPROF_OK)
		return EXIT_OK;
	cli_input_problem(st->keep_going, "%s: profile %lu: %s", info->name, info->index,
	                  pprof_merger_error(st->merger));
	return st->keep_going && rc == PPROF_ERR_MISMATCH ? EXIT_OK : EXIT_DATA;
}

/* Writes the merged profile to the output; returns the exit status. */
static int write_result(const cli_options *o, pprof_profile *result)
{
	cli_output *out = cli_output_open(o, true);
	pprof_writer *w;

	if (!out)
		return EXIT_DATA;
	w = cli_output_writer(out);
	if (!w || pprof_writer_put(w, result) != PPROF_OK) {
		cli_warn("%s: %s", o->path ? o->path : "(stdout)",
		         w ? pprof_writer_error(w) : "out of memory");
		cli_output_abort(out);
		return EXIT_DATA;
	}
	return cli_output_commit(out);
}

/* Takes the merge so far into *out; false after a message. */
static bool take_merge(merge_state *st, pprof_profile **out)
{
	if (pprof_merger_finish(st->merger, out) == PPROF_OK)
		return true;
	cli_warn("%s", pprof_merger_error(st->merger));
	return false;
}

/* Adds a merged profile (of the inputs, or of the bases: what names them)
 * to the merger; false after a message. With --keep-going, bases that do
 * not merge with the profiles are skipped, as they would be one by one. */
static bool add_merged(merge_state *st, const char *what, const pprof_profile *p, unsigned flags)
{
	int rc = pprof_merger_add(st->merger, p, flags);
	bool skip = st->keep_going && rc == PPROF_ERR_MISMATCH;

	if (rc == PPROF_OK)
		return true;
	cli_warn("%s: %s%s", what, pprof_merger_error(st->merger), skip ? " (skipped)" : "");
	return skip;
}

/*
 * --normalize, after the inputs were merged: merges the bases apart, scales
 * the inputs' merge so that its totals are the bases' (pprof_normalize_apply)
 * and merges the two, the bases subtracted. So does pprof: it merges the
 * profiles and the bases apart, normalizes, then merges the two. But it
 * does not merge a single profile, and scaling rounds each sample's values,
 * so samples that a merge would add up round apart: a single input profile
 * was held apart (merge_one) and is scaled as it is. (Not when the inputs
 * were merged in parts, with so many files that one profile is unlikely.)
 */
static int subtract_normalized(merge_options *o, merge_state *st, unsigned long *skipped)
{
	unsigned long n_profiles = pprof_merger_count(st->merger), n_bases;
	pprof_profile *profile = st->held, *base = NULL;
	int status;

	st->held = NULL;
	st->hold_first = false;
	if (profile)
		n_profiles = 1;
	else if (!take_merge(st, &profile))
		return EXIT_DATA;
	st->flags = 0;
	status = cli_read_inputs(o->n_bases, o->bases, &o->in, merge_one, st, skipped);
	n_bases = pprof_merger_count(st->merger);
	if (status == EXIT_OK && !take_merge(st, &base))
		status = EXIT_DATA;
	/* A mismatch leaves profile as it was, for pprof_merger_add to report. */
	if (status == EXIT_OK && n_profiles && n_bases &&
	    pprof_normalize_apply(base, &profile) == PPROF_ERR_NOMEM) {
		cli_warn("out of memory");
		status = EXIT_DATA;
	}
	if (status == EXIT_OK && n_profiles && !add_merged(st, "profiles", profile, 0))
		status = EXIT_DATA;
	if (status == EXIT_OK && n_bases &&
	    !add_merged(st, o->n_bases == 1 ? cli_input_name(o->bases[0]) : "the bases", base,
	                o->base_flags))
		status = EXIT_DATA;
	pprof_profile_free(profile);
	pprof_profile_free(base);
	return status;
}

/* Reads and merges the inputs, then the bases; returns the exit status. */
static int merge_all(merge_options *o, int argc, char **argv, merge_state *st)
{
	cli_jobs_plan plan = cli_plan_jobs(o->in.jobs, argc, argv, true);
	unsigned long skipped = 0;
	int status;

	o->out.jobs = plan.compressors;
	st->flags = 0;
	cli_progress_start(o->progress);
	if (plan.reading == CLI_READ_IN_PARTS) {
		status = cli_merge_in_parts(argc, argv, &o->in, plan.workers, st->merger, merge_one,
		                            st, &skipped);
	} else { /* cli_read_inputs reads ahead or in order, as the plan says */
		st->hold_first = o->normalize && o->n_bases;
		status = cli_read_inputs(argc, argv, &o->in, merge_one, st, &skipped);
	}
	if (status == EXIT_OK && o->n_bases && o->normalize) {
		status = subtract_normalized(o, st, &skipped);
	} else if (status == EXIT_OK && o->n_bases) {
		st->flags = o->base_flags;
		status = cli_read_inputs(o->n_bases, o->bases, &o->in, merge_one, st, &skipped);
	}
	cli_progress_end();
	if (status == EXIT_OK && skipped && pprof_merger_count(st->merger) == 0) {
		cli_warn("no profile could be merged");
		status = EXIT_DATA;
	}
	return status;
}

int main(int argc, char **argv)
{
	merge_options o = { 0 };
	merge_state st = { NULL, 0, false, false, NULL };
	pprof_profile *result = NULL;
	int status;

	cli_init("pprof-merge");
	parse_options(argc, argv, &o);
	cli_refuse_terminal_input(argc - optind, argv + optind);
	if (o.n_bases)
		cli_refuse_terminal_input(o.n_bases, o.bases);
	st.keep_going = o.in.keep_going;
	if (!cli_output_allowed(&o.out, true)) { /* before reading anything */
		free(o.bases);
		return EXIT_DATA;
	}
	st.merger = pprof_merger_new();
	if (!st.merger) {
		cli_warn("out of memory");
		free(o.bases);
		return EXIT_DATA;
	}
	status = merge_all(&o, argc - optind, argv + optind, &st);
	if (status == EXIT_OK && pprof_merger_finish(st.merger, &result) != PPROF_OK) {
		cli_warn("%s", pprof_merger_error(st.merger));
		status = EXIT_DATA;
	}
	if (status == EXIT_OK)
		status = write_result(&o.out, result);
	pprof_profile_free(result);
	pprof_profile_free(st.held);
	pprof_merger_free(st.merger);
	free(o.bases);
	return status;
}
