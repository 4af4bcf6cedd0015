/*
 * progress.c - progress of a long read on stderr (pprof-merge); see
 * progress.h. Messages clear its line first (cli_before_messages).
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "progress.h"

#define PROGRESS_DELAY 1.0      /* seconds before anything shows */
#define PROGRESS_TTY_EVERY 0.25 /* redraw interval on a terminal */
#define PROGRESS_LOG_EVERY 5.0  /* line interval into a file or pipe */

static struct {
	bool enabled, forced, tty;
	bool on_screen; /* a progress line is drawn and not ended */
	bool shown;     /* anything was printed */
	double start, last;
	unsigned long profiles;
	uint64_t bytes_in;
} progress;

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Clears a progress line from the terminal before a message. */
static void progress_clear(void)
{
	if (progress.on_screen) {
		fputs("\r\033[K", stderr);
		progress.on_screen = false;
	}
}

void cli_progress_start(int mode)
{
	progress.tty = isatty(STDERR_FILENO);
	progress.forced = mode == CLI_PROGRESS_ON;
	progress.enabled = progress.forced || (mode == CLI_PROGRESS_AUTO && progress.tty);
	progress.start = progress.last = now_seconds();
	cli_before_messages(progress_clear);
}

/* Prints the progress line; final ends it. */
static void progress_print(double now, bool final)
{
	double secs = now - progress.start;
	double mb = (double)progress.bytes_in / 1e6;

	fprintf(stderr, "%s%s: %lu profile%s, %.1f MB read", progress.tty ? "\r\033[K" : "",
	        cli_program_name(), progress.profiles, progress.profiles == 1 ? "" : "s", mb);
	if (secs > 0)
		fprintf(stderr, ", %.1f MB/s", mb / secs);
	if (final)
		fprintf(stderr, " in %.1f s", secs);
	progress.on_screen = progress.tty && !final;
	if (!progress.on_screen)
		fputc('\n', stderr);
	progress.shown = true;
	progress.last = now;
}

void cli_progress_profile(const cli_profile_info *info)
{
	cli_progress_count(1, info->compressed);
}

void cli_progress_count(unsigned long profiles, uint64_t bytes)
{
	double now;

	progress.profiles += profiles;
	progress.bytes_in += bytes;
	if (!progress.enabled)
		return;
	now = now_seconds();
	if (now - progress.start < PROGRESS_DELAY)
		return;
	if (now - progress.last >= (progress.tty ? PROGRESS_TTY_EVERY : PROGRESS_LOG_EVERY) ||
	    !progress.shown)
		progress_print(now, false);
}

void cli_progress_end(void)
{
	if (progress.enabled && (progress.shown || progress.forced))
		progress_print(now_seconds(), true);
	progress.enabled = false;
}
