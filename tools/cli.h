/*
 * cli.h - what the pprof-tools programs share: messages and exit codes, and
 * the options. Inputs: input.h; output: output.h.
 */
#ifndef PPROF_CLI_H
#define PPROF_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "pprof.h"

/* Exit statuses: the same for every program (see the man pages). */
enum { EXIT_OK = 0, EXIT_DATA = 1, EXIT_USAGE = 2 };

/* Sets the program name used in messages; call first in main. Also makes
 * writes to a closed pipe fail with EPIPE instead of killing the program, so
 * the failure is reported. */
void cli_init(const char *prog);

/* The program's name, as cli_init set it. */
const char *cli_program_name(void);
/* Sets a function to call before each message on stderr (progress.c clears
 * its line); NULL for none. */
void cli_before_messages(void (*fn)(void));

/* "prog: message" on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: message", a hint to try --help, and exit with EXIT_USAGE. */
void cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Prints a problem with an input: "prog: MESSAGE" (an error), or when the
 * input is skipped (--keep-going) "prog: warning: MESSAGE; skipped", always
 * in that form so that scripts can find it. */
void cli_input_problem(bool skipped, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The usage error for what getopt_long returned as '?' or ':' (an unknown
 * option, or one without its argument): names the option; exits 2. Short
 * option strings start with ':' so the two cases differ. */
void cli_bad_option(int c, char **argv) __attribute__((noreturn));

/* Prints "prog (pprof-tools) VERSION" and the library versions; exits 0. */
void cli_version(void) __attribute__((noreturn));
/* Prints text to stdout and exits 0 (or 1 if stdout fails). */
void cli_help(const char *text) __attribute__((noreturn));

/* ---- output options shared by every program that writes profiles ------- */

typedef struct {
	const char *path;  /* -o FILE, or NULL for stdout */
	int level;         /* zlib level, or PPROF_UNCOMPRESSED */
	bool force;        /* -f: write binary data to a terminal */
	uint64_t max_size; /* --max-size */
	int jobs;          /* threads compressing the output (-j) */
} cli_options;

/* Long options every writing program accepts; include with CLI_OUTPUT_LONGOPTS
 * in a getopt_long table and "o:fv0123456789" in the short options. */
enum {
	OPT_LEVEL = 1000,
	OPT_UNCOMPRESSED,
	OPT_MAX_SIZE,
	OPT_HELP,
	OPT_VERSION,
	OPT_FIRST_TOOL_OPTION = 1100
};
#define CLI_OUTPUT_LONGOPTS                                              \
	{ "output", required_argument, NULL, 'o' },                      \
		{ "level", required_argument, NULL, OPT_LEVEL },         \
		{ "uncompressed", no_argument, NULL, OPT_UNCOMPRESSED }, \
		{ "force", no_argument, NULL, 'f' },                     \
		{ "max-size", required_argument, NULL, OPT_MAX_SIZE },   \
		{ "help", no_argument, NULL, OPT_HELP },                 \
	{                                                                \
		"version", no_argument, NULL, OPT_VERSION                \
	}
/* Their lines in --help, and the lines that end every writing program's
 * --help (with --max-size, which each program places itself). */
#define CLI_OUTPUT_HELP                                                                   \
	"  -o, --output FILE      write to FILE (atomically: replaced only on success)\n" \
	"  -0 .. -9, --level N    zlib compression level (default 6)\n"                   \
	"      --uncompressed     write raw protobuf (one profile only)\n"                \
	"  -f, --force            write compressed data to a terminal\n"
#define CLI_MAX_SIZE_HELP                                                          \
	"      --max-size BYTES   refuse profiles larger than this uncompressed\n" \
	"                         (default 2G; suffixes K, M, G)\n"
#define CLI_HELP_END                                \
	"      --help             show this help\n" \
	"      --version          show versions\n"  \
	"\n"                                        \
	"Exit status: 0 success, 1 bad data or I/O error, 2 usage error.\n"
#define CLI_OUTPUT_SHORTOPTS ":o:f0123456789" /* ':' first: see cli_bad_option */

void cli_options_init(cli_options *o);
/* Handles one of the shared options (getopt_long's result c and optarg);
 * returns false if c is not one of them. Help text comes from the caller. */
bool cli_options_handle(cli_options *o, int c, const char *arg, const char *help);

/* Parses a byte count with an optional K, M, G or T suffix (powers of 1024,
 * "KiB" and "k" spellings too); a usage error when it is not one. */
uint64_t cli_parse_size(const char *what, const char *arg);

#endif /* PPROF_CLI_H */
