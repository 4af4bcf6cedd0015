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
 * status. A problem of the input is described in message (CLI_MESSAGE_LEN
 * bytes, "" when there is none or fn reported it), not printed, so a worker
 * thread can leave it for the reader of its profiles. With inflate_ahead, a
 * thread of the reader inflates while the caller decodes. */
int cli_read_one_input(const char *path, const cli_read_options *ro, bool inflate_ahead,
                       cli_profile_fn fn, void *ctx, char *message);

/* cli_read_inputs with ro->jobs worker threads (readahead.c). */
int cli_read_inputs_parallel(int argc, char **argv, const cli_read_options *ro,
                             cli_profile_fn fn, void *ctx, unsigned long *skipped);

/* One malloc arena for all threads (why: readahead.c). */
void cli_use_one_malloc_arena(void);

#endif /* PPROF_CLI_INTERNAL_H */
