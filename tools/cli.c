/* cli.c - what every pprof-tools program shares: messages and option
 * helpers; see cli.h. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The program's name for messages. */
static const char *prog_name = "pprof-tools";

void cli_init(const char *prog)
{
	prog_name = prog;
	opterr = 0; /* cli_bad_option says it, with the program's name */
	signal(SIGPIPE, SIG_IGN);
}

/* Called before each message: progress.c clears its line. */
static void (*before_message)(void);

const char *cli_program_name(void)
{
	return prog_name;
}

void cli_before_messages(void (*fn)(void))
{
	before_message = fn;
}

static void vwarn(const char *fmt, va_list ap)
{
	if (before_message)
		before_message();
	fprintf(stderr, "%s: ", prog_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void cli_input_problem(bool skipped, const char *fmt, ...)
{
	va_list ap;

	if (before_message)
		before_message();
	fprintf(stderr, "%s: %s", prog_name, skipped ? "warning: " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(skipped ? "; skipped\n" : "\n", stderr);
}

void cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", prog_name);
	exit(EXIT_USAGE);
}

void cli_bad_option(int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		cli_usage_error("option '%s' requires an argument", arg);
	if (optopt && strncmp(arg, "--", 2) != 0)
		cli_usage_error("unknown option '-%c'", optopt);
	cli_usage_error("unknown option '%s'", arg);
}

/* Flushes and checks stdout, then exits: --help into a full disk is a failure. */
static __attribute__((noreturn)) void exit_after_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		cli_warn("write error: %s", strerror(errno));
		exit(EXIT_DATA);
	}
	exit(EXIT_OK);
}

void cli_version(void)
{
	printf("%s (pprof-tools) %s\n", prog_name, PACKAGE_VERSION);
	printf("libpprof %s, zlib %s, protobuf-c %s\n", pprof_version(), pprof_zlib_version(),
	       pprof_protobuf_c_version());
	exit_after_stdout();
}

void cli_help(const char *text)
{
	fputs(text, stdout);
	exit_after_stdout();
}

/* ---- options ---------------------------------------------------------- */

void cli_options_init(cli_options *o)
{
	o->path = NULL;
	o->level = 6; /* what Go's runtime/pprof writes */
	o->force = false;
	o->max_size = PPROF_DEFAULT_MAX_SIZE;
	o->jobs = 1;
}

uint64_t cli_parse_size(const char *what, const char *arg)
{
	static const char *const suffixes[] = { "", "K", "M", "G", "T" };
	char *end;
	uint64_t n;
	unsigned shift = 0, i;

	errno = 0;
	n = strtoull(arg, &end, 10);
	if (errno == ERANGE)
		cli_usage_error("invalid %s '%s': too large", what, arg);
	if (errno || end == arg || arg[0] == '-')
		cli_usage_error("invalid %s '%s': not a number", what, arg);
	for (i = 1; i < sizeof(suffixes) / sizeof(*suffixes); i++)
		if (*end && (end[0] == suffixes[i][0] || end[0] == suffixes[i][0] + 32) &&
		    (!end[1] || strcmp(end + 1, "iB") == 0 || strcmp(end + 1, "B") == 0))
			shift = 10 * i, end += strlen(end);
	if (*end)
		cli_usage_error("invalid %s '%s': use a number of bytes with K, M, G or T", what,
		                arg);
	if (shift && n > (UINT64_MAX >> shift))
		cli_usage_error("invalid %s '%s': too large", what, arg);
	return n << shift;
}

/* Parses a zlib level 0..9. */
static int parse_level(const char *arg)
{
	if (arg[0] >= '0' && arg[0] <= '9' && arg[1] == '\0')
		return arg[0] - '0';
	cli_usage_error("invalid compression level '%s': use 0 to 9", arg);
}

bool cli_options_handle(cli_options *o, int c, const char *arg, const char *help)
{
	switch (c) {
	case 'o': o->path = arg; return true;
	case 'f': o->force = true; return true;
	case OPT_LEVEL: o->level = parse_level(arg); return true;
	case OPT_UNCOMPRESSED: o->level = PPROF_UNCOMPRESSED; return true;
	case OPT_MAX_SIZE: o->max_size = cli_parse_size("--max-size", arg); return true;
	case OPT_HELP: cli_help(help);
	case OPT_VERSION: cli_version();
	}
	if (c >= '0' && c <= '9') {
		o->level = c - '0';
		return true;
	}
	return false;
}
