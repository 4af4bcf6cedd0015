/*
 * output.h - the output of the pprof-tools programs: stdout or an atomic
 * -o FILE, checked writes, terminal checks, and the loop of the programs
 * that write one profile for each they read.
 */
#ifndef PPROF_OUTPUT_H
#define PPROF_OUTPUT_H

#include <stdbool.h>

#include "cli.h"
#include "input.h"
#include "pprof.h"

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
bool cli_output_printf(cli_output *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
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

#endif /* PPROF_OUTPUT_H */
