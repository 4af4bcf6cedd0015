/*
 * parts.c - merging many inputs with threads, in parts (pprof-merge -j N).
 *
 * Why: with the read-ahead of input.c, workers decode and one thread
 * merges every profile, and that thread is the bottleneck on two cores; the
 * decoded profiles it reads were also written on another core. Here each
 * worker merges runs of consecutive inputs into a part of its own, reading,
 * decoding and merging on one core, and the calling thread only adds the
 * finished parts in input order (PPROF_MERGE_PART), which gives the same
 * result as merging the inputs one by one (pprof_merger_finish_part says
 * why), so the output is the same for any -j.
 *
 * Every input is read once, by one thread, whatever happens: a pipe, a FIFO,
 * /dev/stdin or <(...) cannot be read twice, and a file read again may have
 * changed. So a run with anything to say (a broken or empty input, a profile
 * that does not fit the part's first) stops there and hands over: its part
 * holds the profiles merged before that point; the worker passes the rest of
 * that input's profiles, and how reading it ended, to the calling thread
 * through a queue, and that thread merges them with the caller's callback,
 * which reports as usual; the inputs after it in the run, not read yet, the
 * calling thread reads itself, one at a time. A part that does not fit the
 * result (say, CPU profiles after a heap profile) is one whose every profile
 * has the same sample and period types, so each would have been refused with
 * the same message: that message is given for each, as pprof-merge's
 * merge_one gives it. Messages, --keep-going and exit statuses are so those of
 * -j 1. Inputs that read the same stream (standard input twice, /dev/stdin
 * beside "-", one FIFO named twice) must be read in order by one thread:
 * each is a run of its own that the calling thread reads.
 *
 * Runs are cut by file size, RUNS_PER_JOB per thread so that a slow one
 * holds the others up little. Workers take runs at most n - 1 past the one
 * the caller waits for, so that n are merged at once and memory holds at
 * most n parts, each at most the result's size (one more run ahead, for
 * slack, bought no time on 2,000 profiles with -j 2, and cost a part).
 * The workers are tasks of a worker pool (pprof_pool_new), one a thread.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "input.h"
#include "parts.h"
#include "progress.h"

#define RUNS_PER_JOB 4
/* What an input costs besides its bytes, so that empty or unknown-size
 * inputs (pipes) still spread. */
#define INPUT_OVERHEAD 4096

/* A run of consecutive inputs and the part merged from it. */
typedef struct {
	int first, end;         /* inputs [first, end) */
	bool by_caller;         /* one input that shares a stream: the caller reads it */
	pprof_profile *part;    /* NULL when nothing was merged */
	unsigned long profiles; /* merged, and bytes read, for the progress */
	uint64_t bytes;
	bool part_ready;         /* part is final: up to the end or to handed_over */
	int handed_over;         /* the input whose rest comes through the queue; -1 */
	cli_profile_queue queue; /* the handed-over input's profiles */
	bool done;               /* the worker is through with the run */
	int status;              /* how reading handed_over ended */
	char message[CLI_MESSAGE_LEN];
} run;

typedef struct {
	const cli_read_options *ro;
	char **paths;
	unsigned long *merged; /* per input: profiles of it in its run's part */
	run *runs;
	int n_runs;
	int next;    /* the next run a worker takes */
	int current; /* the run the caller waits for */
	int ahead;   /* how many runs past current workers may take */
	bool stop;
	pthread_mutex_t lock;
	pthread_cond_t changed;
} parts;

/* A worker's merge of one run. */
typedef struct {
	parts *parts;
	run *run;
	int input; /* being read */
	pprof_merger *merger;
} run_merge;

/* Each input's size in sizes, and the total of those read by workers. */
static uint64_t input_sizes(int argc, char **argv, const bool *by_caller, uint64_t *sizes)
{
	uint64_t total = 0;
	struct stat st;
	int i;

	for (i = 0; i < argc; i++) {
		sizes[i] =
			INPUT_OVERHEAD +
			(stat(argv[i], &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0);
		if (!by_caller[i])
			total += sizes[i];
	}
	return total;
}

/* Starts run k at input i. */
static void run_init(run *r, int i)
{
	memset(r, 0, sizeof(*r));
	r->first = i;
	r->handed_over = -1;
}

/* Cuts the inputs into about n_runs runs of about equal size, an input
 * that shares a stream being a run of its own for the caller; runs has room
 * for n_runs + 2 * argc. Returns how many. */
static int cut_runs(int argc, char **argv, const bool *by_caller, int n_runs, run *runs)
{
	uint64_t total, sum = 0, *sizes = malloc((size_t)argc * sizeof(*sizes));
	int i, k = 0, cuts = 0;

	if (!sizes)
		return 0;
	total = input_sizes(argc, argv, by_caller, sizes);
	run_init(&runs[0], 0);
	for (i = 0; i < argc; i++) {
		if (by_caller[i]) {
			if (i > runs[k].first) /* ends the run before it */
				runs[k].end = i, run_init(&runs[++k], i);
			runs[k].end = i + 1;
			runs[k].by_caller = true;
			run_init(&runs[++k], i + 1);
			continue;
		}
		sum += sizes[i];
		/* A run ends once the inputs so far reach (cuts + 1) / n_runs of all. */
		if (cuts < n_runs - 1 && sum * (uint64_t)n_runs >= total * (uint64_t)(cuts + 1)) {
			cuts++;
			runs[k].end = i + 1;
			run_init(&runs[++k], i + 1);
		}
	}
	free(sizes);
	return runs[k].first < argc ? (runs[k].end = argc, k + 1) : k;
}

/* Ends the run's part at what was merged so far, for the caller to add,
 * with the input whose rest is handed over (-1: none). Without a part (out
 * of memory), what was merged is lost and nothing is read again: an error. */
static void finish_part(run_merge *rm, int handed_over)
{
	run *r = rm->run;
	pprof_profile *part = NULL;

	if (pprof_merger_count(rm->merger) > 0 && /* nothing merged: no part */
	    pprof_merger_finish_part(rm->merger, &part) != PPROF_OK) {
		if (handed_over < 0)
			handed_over = r->end - 1;
		snprintf(r->message, CLI_MESSAGE_LEN, "%s: out of memory",
		         cli_input_name(rm->parts->paths[handed_over]));
	}
	pthread_mutex_lock(&rm->parts->lock);
	r->part = part;
	r->handed_over = handed_over;
	r->part_ready = true;
	pthread_cond_broadcast(&rm->parts->changed);
	pthread_mutex_unlock(&rm->parts->lock);
}

/* Queues a profile of the handed-over input for the caller, waiting for
 * room; EXIT_DATA when the caller gave up (which ends reading: nobody wants
 * the rest). */
static int enqueue(run_merge *rm, const cli_profile_info *info, pprof_profile *p)
{
	parts *pl = rm->parts;

	return cli_queue_put(&rm->run->queue, &pl->lock, &pl->changed, &pl->changed, &pl->stop,
	                     info, p);
}

/* A worker's cli_profile_fn: merges into the run's part, or once a profile
 * does not fit it, hands it and the rest of the input over. */
static int merge_into_part(void *ctx, const cli_profile_info *info, pprof_profile *p)
{
	run_merge *rm = ctx;
	bool stop;

	if (rm->run->handed_over < 0) {
		if (pprof_merger_add(rm->merger, p, 0) == PPROF_OK) {
			pprof_profile_free(p);
			rm->parts->merged[rm->input]++;
			rm->run->profiles++;
			rm->run->bytes += info->compressed;
			pthread_mutex_lock(&rm->parts->lock);
			stop = rm->parts->stop;
			pthread_mutex_unlock(&rm->parts->lock);
			return stop ? EXIT_DATA : EXIT_OK;
		}
		finish_part(rm, rm->input); /* a profile that does not fit: the caller says so */
	}
	return enqueue(rm, info, p);
}

/* Merges a run into its part, up to the first input with anything to say,
 * whose rest it hands over. */
static void merge_run(parts *pl, run *r, pprof_merger *m)
{
	run_merge rm = { pl, r, r->first, m };
	char message[CLI_MESSAGE_LEN];
	int status = EXIT_OK;

	for (; rm.input < r->end; rm.input++) {
		status = cli_read_one_input(pl->paths[rm.input], pl->ro, false,
		                            pl->ro->order + (unsigned long)rm.input,
		                            merge_into_part, &rm, message);
		if (r->handed_over < 0 && (status != EXIT_OK || message[0]))
			finish_part(&rm, rm.input); /* broken or empty: the caller says so */
		if (r->handed_over >= 0)
			break;
	}
	if (r->handed_over < 0)
		finish_part(&rm, -1);
	pthread_mutex_lock(&pl->lock);
	if (r->handed_over >= 0) {
		r->status = r->message[0] ? EXIT_DATA : status;
		if (!r->message[0])
			memcpy(r->message, message, sizeof(message));
	}
	r->done = true;
	pthread_cond_broadcast(&pl->changed);
	pthread_mutex_unlock(&pl->lock);
}

/* The next run for a worker, within reach of the caller; -1 when there is
 * none or the caller gave up. Called with the lock held. */
static int take_run(parts *pl)
{
	for (;;) {
		while (pl->next < pl->n_runs && pl->runs[pl->next].by_caller)
			pl->next++;
		if (pl->stop || pl->next >= pl->n_runs)
			return -1;
		if (pl->next <= pl->current + pl->ahead)
			return pl->next++;
		pthread_cond_wait(&pl->changed, &pl->lock);
	}
}

/* A task of the pool: merges runs until there are none. */
static void worker(void *arg)
{
	parts *pl = arg;
	pprof_merger *m = pprof_merger_new();
	int k;

	pthread_mutex_lock(&pl->lock);
	while ((k = take_run(pl)) >= 0) {
		run *r = &pl->runs[k];
		pthread_mutex_unlock(&pl->lock);
		if (m) {
			merge_run(pl, r, m); /* leaves m empty */
		} else {                     /* out of memory: the caller reads the run itself */
			pthread_mutex_lock(&pl->lock);
			r->part_ready = r->done = true;
			r->handed_over = -2;
			pthread_cond_broadcast(&pl->changed);
			pthread_mutex_unlock(&pl->lock);
		}
		pthread_mutex_lock(&pl->lock);
	}
	pthread_mutex_unlock(&pl->lock);
	pprof_merger_free(m);
}

/* What the caller reads itself: the caller's options with no threads (the
 * workers go on), and its callback. */
typedef struct {
	cli_read_options ro;
	cli_profile_fn fn;
	void *ctx;
	unsigned long *skipped;
} one_by_one;

/* Says, as merge_one in pprof-merge.c does, that each profile of the run's
 * part does not fit the result; rc and the message come from adding the
 * part, and every profile in it has the same types. Returns the exit status. */
static int report_part(parts *pl, const run *r, pprof_merger *merger, int rc)
{
	bool skip = pl->ro->keep_going && rc == PPROF_ERR_MISMATCH;
	int last = r->handed_over >= 0 ? r->handed_over : r->end - 1;
	unsigned long n;
	int i;

	for (i = r->first; i <= last; i++)
		for (n = 1; n <= pl->merged[i]; n++) {
			cli_input_problem(pl->ro->keep_going, "%s: profile %lu: %s",
			                  cli_input_name(pl->paths[i]), n,
			                  pprof_merger_error(merger));
			if (!skip)
				return EXIT_DATA;
		}
	return EXIT_OK;
}

/* Merges the profiles of the handed-over input that the worker queues, then
 * says how reading it ended. Returns the exit status. */
static int take_handed_over(parts *pl, run *r, const one_by_one *ob)
{
	cli_profile_info info;
	pprof_profile *p;
	int status = EXIT_OK;

	while (status == EXIT_OK && cli_queue_take(&r->queue, &pl->lock, &pl->changed, &pl->changed,
	                                           &r->done, &info, &p))
		status = ob->fn(ob->ctx, &info, p);
	if (status != EXIT_OK || r->status == EXIT_OK)
		return status;
	if (r->message[0])
		cli_report_input(pl->ro, r->message);
	if (!pl->ro->keep_going)
		return r->status;
	(*ob->skipped)++;
	return EXIT_OK;
}

/* Reads inputs [first, end) in this thread. */
static int read_here(parts *pl, int first, int end, const one_by_one *ob)
{
	cli_read_options ro = ob->ro;

	if (first >= end)
		return EXIT_OK;
	ro.order += (unsigned long)first;
	return cli_read_inputs(end - first, pl->paths + first, &ro, ob->fn, ob->ctx, ob->skipped);
}

/* Adds run k to merger once the worker is through with its part: the part,
 * then what was handed over, then the inputs after it. Returns the exit
 * status. */
static int add_run(parts *pl, run *r, pprof_merger *merger, const one_by_one *ob)
{
	int rc, status;

	pthread_mutex_lock(&pl->lock);
	while (!r->part_ready)
		pthread_cond_wait(&pl->changed, &pl->lock);
	pthread_mutex_unlock(&pl->lock);
	if (r->handed_over == -2)
		return read_here(pl, r->first, r->end, ob);
	cli_progress_count(r->profiles, r->bytes);
	if (r->part && (rc = pprof_merger_add(merger, r->part, PPROF_MERGE_PART)) != PPROF_OK &&
	    (status = report_part(pl, r, merger, rc)) != EXIT_OK)
		return status;
	pprof_profile_free(r->part);
	r->part = NULL;
	if (r->handed_over < 0)
		return EXIT_OK;
	if ((status = take_handed_over(pl, r, ob)) != EXIT_OK)
		return status;
	return read_here(pl, r->handed_over + 1, r->end, ob);
}

/* Adds the runs to merger in order. Returns the exit status. */
static int add_runs(parts *pl, pprof_merger *merger, const one_by_one *ob)
{
	int k, status;

	for (k = 0; k < pl->n_runs; k++) {
		run *r = &pl->runs[k];
		pthread_mutex_lock(&pl->lock);
		pl->current = k;
		pthread_cond_broadcast(&pl->changed);
		pthread_mutex_unlock(&pl->lock);
		status = r->by_caller ? read_here(pl, r->first, r->end, ob)
		                      : add_run(pl, r, merger, ob);
		if (status != EXIT_OK)
			return status;
	}
	return EXIT_OK;
}

/* Stops the workers and frees what they left. */
static void stop_workers(parts *pl, pprof_pool *pool)
{
	int i;

	pthread_mutex_lock(&pl->lock);
	pl->stop = true;
	pthread_cond_broadcast(&pl->changed);
	pthread_mutex_unlock(&pl->lock);
	pprof_pool_free(pool);
	for (i = 0; i < pl->n_runs; i++) {
		pprof_profile_free(pl->runs[i].part);
		cli_queue_clear(&pl->runs[i].queue);
	}
}

int cli_merge_in_parts(int argc, char **argv, const cli_read_options *ro, int workers,
                       pprof_merger *merger, cli_profile_fn fn, void *ctx, unsigned long *skipped)
{
	int n_threads = workers, status;
	one_by_one ob = { *ro, fn, ctx, skipped }; /* with the budget the workers share */
	pprof_budget *made;
	size_t max_runs = (size_t)n_threads * RUNS_PER_JOB + 2 * (size_t)argc;
	parts pl = { &ob.ro,
		     argv,
		     calloc((size_t)argc, sizeof(unsigned long)),
		     calloc(max_runs, sizeof(run)),
		     0,
		     0,
		     0,
		     n_threads - 1,
		     false,
		     PTHREAD_MUTEX_INITIALIZER,
		     PTHREAD_COND_INITIALIZER };
	bool *by_caller = calloc((size_t)argc, sizeof(bool));
	pprof_pool *pool;

	ob.ro.budget = cli_read_budget(ro, &made);
	ob.ro.jobs = 1; /* what the caller reads itself, it reads without threads */
	if (pl.merged && pl.runs && by_caller && ob.ro.budget) {
		cli_inputs_sharing_streams(argc, argv, by_caller);
		pl.n_runs = cut_runs(argc, argv, by_caller, n_threads * RUNS_PER_JOB, pl.runs);
	}
	free(by_caller);
	if (pl.n_runs == 0) {
		pprof_budget_free(made);
		free(pl.merged);
		free(pl.runs);
		cli_warn("out of memory");
		return EXIT_DATA;
	}
	cli_use_one_malloc_arena();
	pool = pprof_pool_new(n_threads);
	status = cli_start_workers(pool, n_threads, worker, &pl) > 0
	                 ? add_runs(&pl, merger, &ob)
	                 : cli_read_inputs(argc, argv, &ob.ro, fn, ctx, skipped); /* no thread */
	stop_workers(&pl, pool);
	pprof_budget_free(made);
	free(pl.merged);
	free(pl.runs);
	return status;
}
