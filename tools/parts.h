/*
 * parts.h - merging many inputs in parts, with threads (pprof-merge -j N;
 * linked into pprof-merge alone). See parts.c.
 */
#ifndef PPROF_PARTS_H
#define PPROF_PARTS_H

#include "input.h"
#include "pprof.h"

/*
 * Merges the inputs into merger as adding their profiles in order with no
 * flags would, with workers threads (cli_plan_jobs) that each merge runs of
 * consecutive inputs into parts. Each input is read once: from the first
 * input of a run with anything to report, the profiles go through fn (with
 * ctx and skipped, as cli_read_inputs calls it), which reports as usual.
 * Returns the exit status.
 */
int cli_merge_in_parts(int argc, char **argv, const cli_read_options *ro, int workers,
                       pprof_merger *merger, cli_profile_fn fn, void *ctx, unsigned long *skipped);

#endif /* PPROF_PARTS_H */
