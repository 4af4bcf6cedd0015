/*
 * progress.h - progress of a long read on stderr (pprof-merge only: linked
 * into pprof-merge alone).
 */
#ifndef PPROF_PROGRESS_H
#define PPROF_PROGRESS_H

#include <stdint.h>

#include "input.h"

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

#endif /* PPROF_PROGRESS_H */
