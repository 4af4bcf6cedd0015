/*
 * pprof-tag - change the labels of every sample, and the comments, of each
 * profile of a stream, and write the stream back.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "input.h"
#include "options.h"
#include "output.h"

static const char usage_text[] =
	"Usage: pprof-tag [--set KEY=VALUE] [--add KEY=VALUE]\n"
	"                 [--set-if-missing KEY=VALUE] [--num KEY=NUMBER[UNIT]]\n"
	"                 [--delete KEY] [--rename OLD=NEW] [--keep KEY[,KEY...]]\n"
	"                 [--comment TEXT] [-o FILE] [-0..-9 | --level N]\n"
	"                 [--uncompressed] [-f] [--keep-going] [--max-size BYTES]\n"
	"                 [FILE...]\n"
	"Change the labels of every sample of each profile of the FILEs (or stdin;\n"
	"- is stdin), in the order the options are given, and write the profiles\n"
	"gzip'd to stdout, one gzip member each. Samples whose labels become the\n"
	"same are merged, their values added, as pprof merges them.\n"
	"\n"
	"      --set KEY=VALUE    the string values of KEY become VALUE alone\n"
	"      --add KEY=VALUE    add VALUE to the string values of KEY\n"
	"      --set-if-missing KEY=VALUE\n"
	"                         set KEY=VALUE where a sample has no label KEY\n"
	"      --num KEY=NUMBER[UNIT]\n"
	"                         the numeric values of KEY become NUMBER alone, in\n"
	"                         UNIT if given (e.g. 4096bytes, 150ms, -3)\n"
	"      --delete KEY       remove the labels KEY, string and numeric\n"
	"      --rename OLD=NEW   rename the labels OLD to NEW (replacing NEW's)\n"
	"      --keep KEY[,KEY...]\n"
	"                         remove the labels of all other keys\n"
	"      --comment TEXT     add a comment to the profile\n" CLI_OUTPUT_HELP
	"  -k, --keep-going       skip broken inputs with a warning\n" CLI_MAX_SIZE_HELP
		CLI_HELP_END
	"Keys starting with pprof:: are pprof's own: refused, and their labels kept.\n"
	"pprof's spellings work too: --add_comment TEXT (--comment TEXT).\n";

enum {
	OPT_SET = OPT_FIRST_TOOL_OPTION,
	OPT_ADD,
	OPT_SET_IF_MISSING,
	OPT_NUM,
	OPT_DELETE,
	OPT_RENAME,
	OPT_KEEP,
	OPT_COMMENT
};

static const struct option long_options[] = {
	CLI_OUTPUT_LONGOPTS,
	{ "set", required_argument, NULL, OPT_SET },
	{ "add", required_argument, NULL, OPT_ADD },
	{ "set-if-missing", required_argument, NULL, OPT_SET_IF_MISSING },
	{ "num", required_argument, NULL, OPT_NUM },
	{ "delete", required_argument, NULL, OPT_DELETE },
	{ "rename", required_argument, NULL, OPT_RENAME },
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "comment", required_argument, NULL, OPT_COMMENT },
	{ "add_comment", required_argument, NULL, OPT_COMMENT },
	{ "keep-going", no_argument, NULL, 'k' },
	{ NULL, 0, NULL, 0 }
};
static const char short_options[] = CLI_OUTPUT_SHORTOPTS "k";

/* What to do instead of pprof's flags that pprof-tag has no option for. */
#define NO_FILTER(flag, ours) \
	CLI_ADVICE(flag, "pprof-tag edits labels and does not filter: use pprof-filter --" ours)
#define NO_REPORT(flag)                                                                    \
	CLI_ADVICE(flag, "pprof-tag writes profiles: pipe them into pprof-stat (--top N) " \
	                 "for a report")
static const cli_pprof_advice pprof_advice[] = {
	CLI_ADVICE("proto", "pprof-tag always writes profiles; drop the flag"),
	CLI_ADVICE("symbolize", "pprof-tag never symbolizes (as with pprof's -symbolize=none); "
	                        "drop the flag"),
	NO_REPORT("top"),
	NO_REPORT("text"),
	NO_REPORT("traces"),
	NO_REPORT("nodecount"),
	CLI_ADVICE("tags", "pprof-tag writes profiles: pipe them into pprof-stat --by KEY"),
	NO_FILTER("focus", "focus"),
	NO_FILTER("ignore", "ignore"),
	NO_FILTER("tagfocus", "tagfocus"),
	NO_FILTER("tagignore", "tagignore"),
	NO_FILTER("tagshow", "tagshow"),
	NO_FILTER("taghide", "taghide"),
	CLI_ADVICE(NULL, NULL)
};

/* What the command line asks for. */
typedef struct {
	cli_options out;
	cli_read_options in;
	pprof_label_edits *edits;
} tag_options;

/* The name of the option getopt_long returned c for, for messages. */
static const char *option_name(int c)
{
	const struct option *o;

	for (o = long_options; o->name; o++)
		if (o->val == c)
			return o->name;
	return "?";
}

/* A copy of s, or exit when out of memory. */
static char *copy_string(const char *s, size_t len)
{
	char *copy = malloc(len + 1);

	if (!copy) {
		cli_warn("out of memory");
		exit(EXIT_DATA);
	}
	memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

/* Splits the argument of option c at its first '=' into a new *key (to free)
 * and *value (in arg); a usage error when there is none. */
static void split_pair(int c, const char *arg, char **key, const char **value)
{
	const char *eq = strchr(arg, '=');

	if (!eq)
		cli_usage_error("--%s '%s': expected %s", option_name(c), arg,
		                c == OPT_RENAME ? "OLD=NEW"
		                : c == OPT_NUM  ? "KEY=NUMBER[UNIT]"
		                                : "KEY=VALUE");
	*key = copy_string(arg, (size_t)(eq - arg));
	*value = eq + 1;
}

/* Whether byte c may be in a unit: letters (any non-ASCII byte too, for
 * UTF-8 like "µs"), and '_', '*' and '/' after the first ("n*GCU"). */
static bool unit_byte(unsigned char c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80)
		return true;
	return !first && (c == '_' || c == '*' || c == '/');
}

/* Parses NUMBER[UNIT]: a decimal 64-bit integer with an optional sign, then
 * an optional unit; false when s is not one. */
static bool parse_number(const char *s, int64_t *num, const char **unit)
{
	const char *digits = s + (*s == '-' || *s == '+');
	char *end;
	long long n;

	if (*digits < '0' || *digits > '9')
		return false;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno)
		return false;
	*num = n;
	*unit = end;
	for (; *end; end++)
		if (!unit_byte((unsigned char)*end, end == *unit))
			return false;
	return true;
}

/* Adds the edit of option c with argument arg; a usage error if it is bad. */
static void add_pair_edit(pprof_label_edits *e, int c, const char *arg)
{
	char *key;
	const char *value, *unit;
	int64_t num;
	int rc = PPROF_OK;

	split_pair(c, arg, &key, &value);
	switch (c) {
	case OPT_SET: rc = pprof_label_edits_set(e, key, value); break;
	case OPT_ADD: rc = pprof_label_edits_add(e, key, value); break;
	case OPT_SET_IF_MISSING: rc = pprof_label_edits_set_if_missing(e, key, value); break;
	case OPT_RENAME: rc = pprof_label_edits_rename(e, key, value); break;
	case OPT_NUM:
		if (!parse_number(value, &num, &unit)) {
			free(key);
			cli_usage_error("--num '%s': '%s' is not NUMBER[UNIT] (an integer, then "
			                "letters: 4096, 150ms, 64kB)",
			                arg, value);
		}
		rc = pprof_label_edits_num(e, key, num, unit);
		break;
	}
	free(key);
	if (rc == PPROF_ERR_ARG)
		cli_usage_error("--%s '%s': %s", option_name(c), arg, pprof_label_edits_error(e));
	if (rc != PPROF_OK) {
		cli_warn("%s", pprof_label_edits_error(e));
		exit(EXIT_DATA);
	}
}

/* Adds the edit of --keep KEY[,KEY...]; a usage error if it is bad. */
static void add_keep_edit(pprof_label_edits *e, const char *arg)
{
	size_t n = 1, i, len;
	const char *p;
	char **keys;
	int rc;

	for (p = arg; *p; p++)
		n += *p == ',';
	keys = calloc(n, sizeof(*keys));
	if (!keys) {
		cli_warn("out of memory");
		exit(EXIT_DATA);
	}
	for (i = 0, p = arg; i < n; i++, p += len + 1) {
		len = strcspn(p, ",");
		keys[i] = copy_string(p, len);
	}
	rc = pprof_label_edits_keep(e, (const char *const *)keys, n);
	for (i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	if (rc == PPROF_ERR_ARG)
		cli_usage_error("--keep '%s': %s", arg, pprof_label_edits_error(e));
	if (rc != PPROF_OK) {
		cli_warn("%s", pprof_label_edits_error(e));
		exit(EXIT_DATA);
	}
}

/* Adds the edit of an option that takes one string (--delete, --comment). */
static void add_single_edit(pprof_label_edits *e, int c, const char *arg)
{
	int rc = c == OPT_DELETE ? pprof_label_edits_delete(e, arg)
	                         : pprof_label_edits_comment(e, arg);

	if (rc == PPROF_ERR_ARG)
		cli_usage_error("--%s '%s': %s", option_name(c), arg, pprof_label_edits_error(e));
	if (rc != PPROF_OK) {
		cli_warn("%s", pprof_label_edits_error(e));
		exit(EXIT_DATA);
	}
}

/* Parses the options, adding the edits in the order given. */
static void parse_options(int argc, char **argv, tag_options *o)
{
	int c;

	cli_options_init(&o->out);
	o->in.keep_going = o->in.allow_empty = false;
	cli_check_pprof_habits(argc, argv, short_options, long_options, pprof_advice);
	while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		if (cli_options_handle(&o->out, c, optarg, usage_text))
			continue;
		switch (c) {
		case OPT_SET:
		case OPT_ADD:
		case OPT_SET_IF_MISSING:
		case OPT_NUM:
		case OPT_RENAME: add_pair_edit(o->edits, c, optarg); break;
		case OPT_KEEP: add_keep_edit(o->edits, optarg); break;
		case OPT_DELETE:
		case OPT_COMMENT: add_single_edit(o->edits, c, optarg); break;
		case 'k': o->in.keep_going = true; break;
		default: cli_bad_option(c, argv);
		}
	}
	if (pprof_label_edits_count(o->edits) == 0)
		cli_usage_error("no edits: give --set, --add, --set-if-missing, --num, --delete, "
		                "--rename, --keep or --comment");
	o->in.max_size = o->out.max_size;
}

/* What tag_one needs. */
typedef struct {
	pprof_label_edits *edits;
	bool keep_going; /* a profile that cannot be edited is skipped */
} tag_state;

/* Edits one profile of the stream (cli_map_fn). */
static pprof_profile *tag_one(void *ctx, const char *name, unsigned long index, pprof_profile *p,
                              int *status)
{
	tag_state *st = ctx;
	int rc;

	rc = pprof_label_edits_apply(st->edits, &p);
	if (rc == PPROF_OK)
		return p;
	pprof_profile_free(p);
	cli_input_problem(st->keep_going, "%s: profile %lu: %s", name, index, pprof_strerror(rc));
	*status = EXIT_DATA;
	return NULL;
}

int main(int argc, char **argv)
{
	tag_options o = { 0 };
	tag_state st = { NULL };
	int status;

	cli_init("pprof-tag");
	o.edits = pprof_label_edits_new();
	if (!o.edits) {
		cli_warn("out of memory");
		return EXIT_DATA;
	}
	parse_options(argc, argv, &o);
	cli_refuse_terminal_input(argc - optind, argv + optind);
	st.edits = o.edits;
	st.keep_going = o.in.keep_going;
	status = cli_map_inputs(argc - optind, argv + optind, &o.out, &o.in, tag_one, &st);
	pprof_label_edits_free(o.edits);
	return status;
}
