/*
 * input.h - the inputs of the pprof-tools programs: files and stdin, read
 * in order or ahead with worker threads, and the one place that decides how
 * -j N threads are used (cli_plan_jobs).
 */
#ifndef PPROF_INPUT_H
#define PPROF_INPUT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "pprof.h"

/* Where a profile of the inputs came from, and what it took. */
typedef struct {
	const char *name;      /* the input's name in messages */
	unsigned long index;   /* the profile's 1-based position in the input */
	uint64_t compressed;   /* input bytes read while reading it: exact for
	                             an input of one profile; with several gzip
	                             members in one input, read-ahead may move
	                             bytes between members (the sum is exact) */
	uint64_t uncompressed; /* its size uncompressed */
} cli_profile_info;

/* Called with each profile of the inputs; returns EXIT_OK to go on, or
 * another status to stop. The callback owns p. */
typedef int (*cli_profile_fn)(void *ctx, const cli_profile_info *info, pprof_profile *p);

/* How cli_read_inputs reads. */
typedef struct {
	uint64_t max_size;
	bool keep_going;      /* warn about a broken input and go on */
	bool allow_empty;     /* an empty input is no error */
	bool broken_is_error; /* with keep_going: read every input, but a broken
	                         one is reported as an error (pprof-stat --check) */
	int jobs;             /* -j: threads to use; 0 or 1: none */
	pprof_budget *budget; /* shared by the readers of threads; NULL: made as
	                           needed (cli_read_budget) */
	unsigned long order;  /* the position of the first input among all the
	                           readers of budget */
} cli_read_options;

/*
 * Reads the profiles of the inputs (argv[0..argc), or stdin when argc is 0;
 * "-" is stdin) in order, calling fn for each. A broken input is an error
 * naming it ("prog: FILE: profile N: what"), so is an empty one. Returns
 * the exit status; with keep_going, broken inputs are warnings and *skipped
 * counts them. With jobs > 1, worker threads read and decode ahead
 * (cli_plan_jobs); fn still sees the same profiles in the same order, in the
 * calling thread.
 */
int cli_read_inputs(int argc, char **argv, const cli_read_options *ro, cli_profile_fn fn, void *ctx,
                    unsigned long *skipped);

/* The name of an input in messages: "(stdin)" for "-". */
const char *cli_input_name(const char *path);

/* ---- -j ------------------------------------------------------------- */

/* Parses a -j argument: a number of threads from 1 to 64. */
int cli_parse_jobs(const char *arg);
/* The default for -j: the number of online CPUs, at most 8. */
int cli_default_jobs(void);

typedef enum {
	CLI_READ_IN_ORDER, /* the calling thread reads every input */
	CLI_READ_AHEAD,    /* workers read and decode whole inputs ahead */
	CLI_READ_IN_PARTS  /* workers merge runs of inputs into parts (parts.h) */
} cli_reading;

/* How the threads of -j are used. */
typedef struct {
	cli_reading reading;
	int workers;        /* threads reading (or merging parts) */
	bool inflate_ahead; /* more threads than inputs: each reader inflates
	                         in a thread of its own while its worker decodes */
	int compressors;    /* threads compressing the output (cli_options.jobs) */
} cli_jobs_plan;

/*
 * The one place that decides how -j jobs threads are used for the inputs
 * (argv[0..argc), none: stdin). merging: the caller can merge in parts
 * (pprof-merge), which it does with enough inputs for each thread to have
 * several runs. Else workers read ahead, unless some inputs read the same
 * stream ("-" twice, a FIFO named twice), which one thread must read in
 * order. The output is compressed by jobs threads.
 */
cli_jobs_plan cli_plan_jobs(int jobs, int argc, char **argv, bool merging);

/* ---- for the readers in threads (input.c, parts.c) ------------------- */

/* Room for one message about an input. */
#define CLI_MESSAGE_LEN 1024

/* Prints message, a problem with an input, as cli_input_problem does: as
 * skipped with ro->keep_going, else as an error. */
void cli_report_input(const cli_read_options *ro, const char *message);

/* Reads the profiles of one input, calling fn for each; returns the exit
 * status. With ro->budget, its reader shares it, ranked by order. A problem
 * of the input is described in message (CLI_MESSAGE_LEN bytes, "" when there
 * is none or fn reported it), not printed, so a worker thread can leave it
 * for the reader of its profiles. With inflate_ahead, a thread of the reader
 * inflates while the caller decodes. */
int cli_read_one_input(const char *path, const cli_read_options *ro, bool inflate_ahead,
                       unsigned long order, cli_profile_fn fn, void *ctx, char *message);

/* The budget that readers in threads share (ro->budget, or in *made a new
 * one for ro->max_size, which the caller frees); NULL when out of memory. */
pprof_budget *cli_read_budget(const cli_read_options *ro, pprof_budget **made);

/* Whether some inputs read the same stream: "-" twice, /dev/stdin beside
 * "-" on a pipe, a FIFO named twice. Such inputs must be read in order by
 * one thread; with shared (argc flags, or NULL), says which. */
bool cli_inputs_sharing_streams(int argc, char **argv, bool *shared);

/* One malloc arena for all threads (why: input.c). */
void cli_use_one_malloc_arena(void);

/* Queues task(arg) n times in pool, once for each worker, at most one a
 * thread of the pool; returns how many (0 for a NULL pool). */
int cli_start_workers(pprof_pool *pool, int n, void (*task)(void *), void *arg);

/*
 * The bounded queue of decoded profiles that a worker hands to the calling
 * thread, in order (read-ahead's inputs, the parts merge's handed-over
 * input). Its users guard it with their own lock, which put and take hold
 * while they wait: put on room while the queue is full and *stop is false,
 * take on filled while it is empty and *done is false.
 */
#define CLI_QUEUE_LEN 2
typedef struct {
	pprof_profile *profile[CLI_QUEUE_LEN];
	cli_profile_info info[CLI_QUEUE_LEN];
	size_t head, count;
} cli_profile_queue;

/* Queues p; EXIT_DATA (p freed) once *stop is set: nobody reads it. Broadcasts
 * filled. */
int cli_queue_put(cli_profile_queue *q, pthread_mutex_t *lock, pthread_cond_t *room,
                  pthread_cond_t *filled, const bool *stop, const cli_profile_info *info,
                  pprof_profile *p);
/* Takes the next profile into *p and *info; false when the queue is empty and
 * *done. Broadcasts room. */
bool cli_queue_take(cli_profile_queue *q, pthread_mutex_t *lock, pthread_cond_t *filled,
                    pthread_cond_t *room, const bool *done, cli_profile_info *info,
                    pprof_profile **p);
/* Frees the profiles left in the queue (no thread uses it any more). */
void cli_queue_clear(cli_profile_queue *q);

#endif /* PPROF_INPUT_H */
