/*
 * cli.h - what the pprof-tools programs share: messages and exit codes,
 * the output options, safe output (checked writes, atomic -o), and the loop
 * over the profiles of the inputs.
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

/* "prog: message" on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: message", a hint to try --help, and exit with EXIT_USAGE. */
void cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

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
	const char *path;       /* -o FILE, or NULL for stdout */
	int level;              /* zlib level, or PPROF_UNCOMPRESSED */
	bool force;             /* -f: write binary data to a terminal */
	uint64_t max_size;      /* --max-size */
	int jobs;               /* threads compressing the output (-j) */
} cli_options;

/* Long options every writing program accepts; include with CLI_OUTPUT_LONGOPTS
 * in a getopt_long table and "o:fv0123456789" in the short options. */
enum {
	OPT_LEVEL = 1000, OPT_UNCOMPRESSED, OPT_MAX_SIZE, OPT_HELP, OPT_VERSION,
	OPT_FIRST_TOOL_OPTION = 1100
};
#define CLI_OUTPUT_LONGOPTS                                                   \
	{ "output", required_argument, NULL, 'o' },                           \
	{ "level", required_argument, NULL, OPT_LEVEL },                      \
	{ "uncompressed", no_argument, NULL, OPT_UNCOMPRESSED },              \
	{ "force", no_argument, NULL, 'f' },                                  \
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },                \
	{ "help", no_argument, NULL, OPT_HELP },                              \
	{ "version", no_argument, NULL, OPT_VERSION }
/* Their lines in --help, and the lines that end every writing program's
 * --help (with --max-size, which each program places itself). */
#define CLI_OUTPUT_HELP                                                                 \
	"  -o, --output FILE      write to FILE (atomically: replaced only on success)\n" \
	"  -0 .. -9, --level N    zlib compression level (default 6)\n"                    \
	"      --uncompressed     write raw protobuf (one profile only)\n"                 \
	"  -f, --force            write compressed data to a terminal\n"
#define CLI_MAX_SIZE_HELP                                                      \
	"      --max-size BYTES   refuse profiles larger than this uncompressed\n" \
	"                         (default 2G; suffixes K, M, G)\n"
#define CLI_HELP_END                                                                \
	"      --help             show this help\n"                                   \
	"      --version          show versions\n"                                    \
	"\n"                                                                         \
	"Exit status: 0 success, 1 bad data or I/O error, 2 usage error.\n"
#define CLI_OUTPUT_SHORTOPTS ":o:f0123456789"   /* ':' first: see cli_bad_option */

void cli_options_init(cli_options *o);
/* Handles one of the shared options (getopt_long's result c and optarg);
 * returns false if c is not one of them. Help text comes from the caller. */
bool cli_options_handle(cli_options *o, int c, const char *arg, const char *help);

/* Parses a byte count with an optional K, M, G or T suffix (powers of 1024,
 * "KiB" and "k" spellings too); a usage error when it is not one. */
uint64_t cli_parse_size(const char *what, const char *arg);

/* ---- output ----------------------------------------------------------- */

typedef struct cli_output cli_output;

/*
 * Opens the output: stdout, or for -o a temporary file beside FILE that only
 * cli_output_commit renames over it. When FILE is a symbolic link, the file
 * it leads to is replaced and the link stays (a dangling link: the file it
 * names is created); a device, a FIFO, or our own stdout or stderr is
 * written directly. Refuses (returns NULL after a message) binary output to
 * a terminal unless forced, as gzip does. binary is false for text reports.
 */
cli_output *cli_output_open(const cli_options *o, bool binary);
/* The checks of cli_output_open that create nothing, to fail before any
 * work: binary data to a terminal; an -o FILE that is empty or a directory
 * (usage errors: exit 2) or whose directory is missing. */
bool cli_output_allowed(const cli_options *o, bool binary);
/* The writer that encodes profiles into the output. */
pprof_writer *cli_output_writer(cli_output *out);
/* Writes text (reports) to the output; false after a message on failure.
 * When the reader of a text report stops reading (a closed pipe: stat |
 * head), the program exits 0 here, quietly. */
bool cli_output_printf(cli_output *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Finishes: closes (checked) and, for -o, renames into place and syncs the
 * directory. Returns the exit status (or exits 0 as cli_output_printf
 * does); frees out. */
int cli_output_commit(cli_output *out);
/* Gives up: removes the temporary file, leaves FILE as it was; frees out. */
void cli_output_abort(cli_output *out);

/* Refuses (a usage error, exit 2) to read profiles from a terminal, as
 * gzip -d does, rather than wait silently: when stdin is one and the inputs
 * (argv[0..argc); none means stdin) include it. Call before any work. */
void cli_refuse_terminal_input(int argc, char **argv);

/* ---- input ------------------------------------------------------------ */

/* Where a profile of the inputs came from, and what it took. */
typedef struct {
	const char *name;         /* the input's name in messages */
	unsigned long index;      /* the profile's 1-based position in the input */
	uint64_t compressed;      /* input bytes read while reading it: exact for
	                             an input of one profile; with several gzip
	                             members in one input, read-ahead may move
	                             bytes between members (the sum is exact) */
	uint64_t uncompressed;    /* its size uncompressed */
} cli_profile_info;

/* Called with each profile of the inputs; returns EXIT_OK to go on, or
 * another status to stop. The callback owns p. */
typedef int (*cli_profile_fn)(void *ctx, const cli_profile_info *info, pprof_profile *p);

/* How cli_read_inputs reads. */
typedef struct {
	uint64_t max_size;
	bool keep_going;     /* warn about a broken input and go on */
	bool allow_empty;    /* an empty input is no error */
	bool broken_is_error; /* with keep_going: read every input, but a broken
	                         one is reported as an error (pprof-stat --check) */
	int jobs;            /* threads reading ahead; 0 or 1: none */
	pprof_budget *budget;   /* shared by the readers of threads; NULL: made as
	                           needed (cli_read_budget) */
	unsigned long order;    /* the position of the first input among all the
	                           readers of budget */
} cli_read_options;

/*
 * Reads the profiles of the inputs (argv[0..argc), or stdin when argc is 0;
 * "-" is stdin) in order, calling fn for each. A broken input is an error
 * naming it ("prog: FILE: profile N: what"), so is an empty one. Returns
 * the exit status; with keep_going, broken inputs are warnings and *skipped
 * counts them. With jobs > 1, worker threads read and decode ahead; fn still
 * sees the same profiles in the same order, in the calling thread.
 */
int cli_read_inputs(int argc, char **argv, const cli_read_options *ro, cli_profile_fn fn,
                    void *ctx, unsigned long *skipped);

/* Prints a problem with an input: "prog: MESSAGE" (an error), or when the
 * input is skipped (--keep-going) "prog: warning: MESSAGE; skipped", always
 * in that form so that scripts can find it. */
void cli_input_problem(bool skipped, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses a -j argument: a number of threads from 1 to 64. */
int cli_parse_jobs(const char *arg);
/* The default for -j: the number of online CPUs, at most 8. */
int cli_default_jobs(void);

/*
 * Merges the inputs into merger as adding their profiles in order with no
 * flags would, with ro->jobs threads that each merge runs of consecutive
 * inputs into parts (parts.c). Each input is read once: from the first
 * input of a run with anything to report, the profiles go through fn
 * (with ctx and skipped, as cli_read_inputs calls it), which reports as
 * usual. Returns the exit status.
 */
int cli_merge_in_parts(int argc, char **argv, const cli_read_options *ro, pprof_merger *merger,
                       cli_profile_fn fn, void *ctx, unsigned long *skipped);

/* The name of an input in messages: "(stdin)" for "-". */
const char *cli_input_name(const char *path);

/* ---- filters: one output profile per input profile --------------------- */

/* Turns one profile into the one to write, or NULL to write none for it (a
 * --since/--until style selection). The callback owns p and returns it or a
 * new profile (freeing p). On failure it prints a message, sets *status to
 * the exit status and returns NULL. */
typedef pprof_profile *(*cli_map_fn)(void *ctx, const char *name, unsigned long index,
                                     pprof_profile *p, int *status);

/*
 * The loop of the programs that map a stream (pprof-filter, pprof-tag): reads
 * the profiles of the inputs as cli_read_inputs does, passes each to fn and
 * writes what it returns to the output as a stream of gzip members, in order.
 * Any failure: nothing is left at -o FILE. Returns the exit status.
 */
int cli_map_inputs(int argc, char **argv, const cli_options *o, const cli_read_options *ro,
                   cli_map_fn fn, void *ctx);

/* ---- progress on stderr --------------------------------------------- */

enum { CLI_PROGRESS_AUTO, CLI_PROGRESS_ON, CLI_PROGRESS_OFF };

/*
 * Progress of a long read on stderr: profiles, bytes read, rate. AUTO shows
 * it when stderr is a terminal and reading takes more than a second; ON
 * (--progress) also into a file or pipe, a line every few seconds and a
 * last line at the end; OFF never. On a terminal it is one line redrawn in
 * place, and messages printed meanwhile clear it first.
 */
void cli_progress_start(int mode);
/* Counts a profile read (call from the thread that consumes them). */
void cli_progress_profile(const cli_profile_info *info);
/* Counts profiles read, bytes in all, at once. */
void cli_progress_count(unsigned long profiles, uint64_t bytes);
/* Ends the display with the totals (when it showed or was asked for). */
void cli_progress_end(void);

#endif /* PPROF_CLI_H */
