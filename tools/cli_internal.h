/* cli_internal.h - what cli.c and readahead.c share, and no program sees. */
#ifndef PPROF_CLI_INTERNAL_H
#define PPROF_CLI_INTERNAL_H

#include "cli.h"

/* Room for one message about an input. */
#define CLI_MESSAGE_LEN 1024

/* Prints message, a problem with an input, as cli_input_problem does: as
 * skipped with ro->keep_going, else as an error. */
void cli_report_input(const cli_read_options *ro, const char *message);

/* Reads the profiles of one input, calling fn for each; returns the exit
 * status. With ro->budget, its reader shares it, ranked by order. A problem of the input is described in message (CLI_MESSAGE_LEN
 * bytes, "" when there is none or fn reported it), not printed, so a worker
 * thread can leave it for the reader of its profiles. With inflate_ahead, a
 * thread of the reader inflates while the caller decodes. */
int cli_read_one_input(const char *path, const cli_read_options *ro, bool inflate_ahead,
                       unsigned long order, cli_profile_fn fn, void *ctx, char *message);

/* The budget that readers in threads share (ro->budget, or in *made a new
 * one for ro->max_size, which the caller frees); NULL when out of memory. */
pprof_budget *cli_read_budget(const cli_read_options *ro, pprof_budget **made);

/* cli_read_inputs with ro->jobs worker threads (readahead.c). */
int cli_read_inputs_parallel(int argc, char **argv, const cli_read_options *ro,
                             cli_profile_fn fn, void *ctx, unsigned long *skipped);

/* Whether some inputs read the same stream: "-" twice, /dev/stdin beside
 * "-" on a pipe, a FIFO named twice. Such inputs must be read in order by
 * one thread; with shared (argc flags, or NULL), says which. */
bool cli_inputs_sharing_streams(int argc, char **argv, bool *shared);

/* One malloc arena for all threads (why: readahead.c). */
void cli_use_one_malloc_arena(void);

#endif /* PPROF_CLI_INTERNAL_H */
