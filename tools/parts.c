/*
 * parts.c - merging many inputs with threads, in parts (pprof-merge -j N).
 *
 * Why: with the read-ahead of readahead.c, workers decode and one thread
 * merges every profile, and that thread is the bottleneck on two cores; the
 * decoded profiles it reads were also written on another core. Here each
 * worker merges runs of consecutive inputs into a part of its own, reading,
 * decoding and merging on one core, and the calling thread only adds the
 * finished parts in input order (PPROF_MERGE_PART), which gives the same
 * result as merging the inputs one by one (pprof_merger_finish_part says
 * why), so the output is the same for any -j.
 *
 * A run with anything to say (a broken or empty input, a profile that does
 * not fit the others) is not used: its inputs are merged one by one in its
 * place, through cli_read_inputs, which reports as usual, so messages,
 * --keep-going and exit statuses are those of a merge without parts; the
 * runs after it still come in parts. Runs are cut by file size, RUNS_PER_JOB per thread so that a slow
 * one holds the others up little. Workers take runs at most n - 1 past the
 * one the caller waits for, so that n are merged at once and memory holds
 * at most n parts, each at most the result's size (one more run ahead, for
 * slack, bought no time on 2,000 profiles with -j 2, and cost a part).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli_internal.h"

#define RUNS_PER_JOB 4
/* What an input costs besides its bytes, so that empty or unknown-size
 * inputs (pipes) still spread. */
#define INPUT_OVERHEAD 4096

/* A run of consecutive inputs and the part merged from it. */
typedef struct {
	int first, end;          /* inputs [first, end) */
	pprof_profile *part;     /* NULL when nothing was merged */
	unsigned long profiles;  /* merged, and bytes read, for the progress */
	uint64_t bytes;
	bool done, failed;
} run;

typedef struct {
	const cli_read_options *ro;
	char **paths;
	run *runs;
	int n_runs;
	int next;      /* the next run a worker takes */
	int current;   /* the run the caller waits for */
	int ahead;     /* how many runs past current workers may take */
	bool stop;
	pthread_mutex_t lock;
	pthread_cond_t changed;
} pool;

/* A worker's merge of one run. */
typedef struct {
	pool *pool;
	run *run;
	pprof_merger *merger;
} run_merge;

/* Cuts the inputs into runs of about equal size; returns how many. */
static int cut_runs(int argc, char **argv, int n_runs, run *runs)
{
	uint64_t total = 0, sum = 0, *sizes = malloc((size_t)argc * sizeof(*sizes));
	int i, k = 0;
	struct stat st;

	if (!sizes)
		return 0;
	for (i = 0; i < argc; i++) {
		sizes[i] = INPUT_OVERHEAD +
		           (stat(argv[i], &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0);
		total += sizes[i];
	}
	runs[0].first = 0;
	for (i = 0; i < argc; i++) {
		sum += sizes[i];
		/* Run k ends once the inputs so far reach (k + 1) / n_runs of all. */
		if (k < n_runs - 1 && sum * (uint64_t)n_runs >= total * (uint64_t)(k + 1) &&
		    i + 1 < argc) {
			runs[k].end = i + 1;
			runs[++k].first = i + 1;
		}
	}
	runs[k].end = argc;
	free(sizes);
	return k + 1;
}

/* A worker's cli_profile_fn: merges into the run's part. */
static int merge_into_part(void *ctx, const cli_profile_info *info, pprof_profile *p)
{
	run_merge *rm = ctx;
	int rc = pprof_merger_add(rm->merger, p, 0);
	bool stop;

	pprof_profile_free(p);
	rm->run->profiles++;
	rm->run->bytes += info->compressed;
	pthread_mutex_lock(&rm->pool->lock);
	stop = rm->pool->stop;
	pthread_mutex_unlock(&rm->pool->lock);
	return rc == PPROF_OK && !stop ? EXIT_OK : EXIT_DATA;
}

/* Merges a run into its part; false when the run is not to be used. */
static bool merge_run(pool *pl, run *r, pprof_merger *m)
{
	run_merge rm = { pl, r, m };
	char message[CLI_MESSAGE_LEN];
	int i;

	for (i = r->first; i < r->end; i++) {
		message[0] = '\0';
		if (cli_read_one_input(pl->paths[i], pl->ro, false, merge_into_part, &rm, message) !=
		    EXIT_OK || message[0])
			return false;
	}
	if (pprof_merger_count(m) == 0)
		return true;   /* empty inputs, allowed: no part */
	return pprof_merger_finish_part(m, &r->part) == PPROF_OK;
}

/* The next run for a worker, within reach of the caller; -1 when there is
 * none or the caller gave up. Called with the lock held. */
static int take_run(pool *pl)
{
	while (!pl->stop && pl->next < pl->n_runs && pl->next > pl->current + pl->ahead)
		pthread_cond_wait(&pl->changed, &pl->lock);
	return pl->stop || pl->next >= pl->n_runs ? -1 : pl->next++;
}

static void *worker(void *arg)
{
	pool *pl = arg;
	pprof_merger *m = pprof_merger_new();
	int k;

	pthread_mutex_lock(&pl->lock);
	while ((k = take_run(pl)) >= 0) {
		run *r = &pl->runs[k];
		pthread_mutex_unlock(&pl->lock);
		bool ok = m && merge_run(pl, r, m);
		if (!ok && m) {   /* a failed run leaves the merger as it was */
			pprof_merger_free(m);
			m = pprof_merger_new();
		}
		pthread_mutex_lock(&pl->lock);
		r->failed = !ok;
		r->done = true;
		pthread_cond_broadcast(&pl->changed);
	}
	pthread_mutex_unlock(&pl->lock);
	pprof_merger_free(m);
	return NULL;
}

/* How a run is merged when its part cannot be used: one input at a time,
 * in this thread, with the caller's callback. */
typedef struct {
	cli_read_options ro;   /* the caller's, with no threads: the workers go on */
	cli_profile_fn fn;
	void *ctx;
	unsigned long *skipped;
} one_by_one;

/* Adds the parts to merger in order; a run that failed, or whose part does
 * not fit, is merged one input at a time instead, which reports as usual.
 * Returns the exit status. */
static int add_parts(pool *pl, pprof_merger *merger, const one_by_one *ob)
{
	int k, status;

	for (k = 0; k < pl->n_runs; k++) {
		run *r = &pl->runs[k];
		pthread_mutex_lock(&pl->lock);
		pl->current = k;
		pthread_cond_broadcast(&pl->changed);
		while (!r->done)
			pthread_cond_wait(&pl->changed, &pl->lock);
		pthread_mutex_unlock(&pl->lock);
		if (!r->failed &&
		    (!r->part || pprof_merger_add(merger, r->part, PPROF_MERGE_PART) == PPROF_OK)) {
			cli_progress_count(r->profiles, r->bytes);
		} else {
			status = cli_read_inputs(r->end - r->first, pl->paths + r->first, &ob->ro, ob->fn,
			                         ob->ctx, ob->skipped);
			if (status != EXIT_OK)
				return status;
		}
		pprof_profile_free(r->part);
		r->part = NULL;
	}
	return EXIT_OK;
}

/* Stops the workers and frees the parts they left. */
static void pool_stop(pool *pl, pthread_t *threads, int n_threads)
{
	int i;

	pthread_mutex_lock(&pl->lock);
	pl->stop = true;
	pthread_cond_broadcast(&pl->changed);
	pthread_mutex_unlock(&pl->lock);
	for (i = 0; i < n_threads; i++)
		pthread_join(threads[i], NULL);
	for (i = 0; i < pl->n_runs; i++)
		pprof_profile_free(pl->runs[i].part);
}

int cli_merge_in_parts(int argc, char **argv, const cli_read_options *ro, pprof_merger *merger,
                       cli_profile_fn fn, void *ctx, unsigned long *skipped)
{
	int n_threads = ro->jobs, started, status;
	one_by_one ob = { *ro, fn, ctx, skipped };
	pool pl = { ro, argv, calloc((size_t)n_threads * RUNS_PER_JOB, sizeof(run)), 0, 0, 0,
	            n_threads - 1, false, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER };
	pthread_t *threads = calloc((size_t)n_threads, sizeof(*threads));

	if (pl.runs && threads)
		pl.n_runs = cut_runs(argc, argv, n_threads * RUNS_PER_JOB, pl.runs);
	if (pl.n_runs == 0) {
		free(pl.runs);
		free(threads);
		cli_warn("out of memory");
		return EXIT_DATA;
	}
	cli_use_one_malloc_arena();
	for (started = 0; started < n_threads; started++)
		if (pthread_create(&threads[started], NULL, worker, &pl) != 0)
			break;
	ob.ro.jobs = 1;
	status = started ? add_parts(&pl, merger, &ob)
	                 : cli_read_inputs(argc, argv, ro, fn, ctx, skipped);
	pool_stop(&pl, threads, started);
	free(pl.runs);
	free(threads);
	return status;
}
