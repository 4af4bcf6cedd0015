/*
 * readahead.c - reading the inputs with worker threads (-j N). Workers take
 * whole inputs in order, read and decode their profiles ahead, and hand them
 * over in input order, so the caller does the same work in the same order
 * for any N and writes the same bytes. Memory stays bounded whatever the
 * number of inputs: at most N inputs are taken ahead of the one being
 * consumed, each with at most QUEUE_LEN decoded profiles waiting, in a ring
 * of N + 1 slots (input k in slot k mod (N + 1)). With fewer inputs than
 * threads (one long stream on stdin), each worker's reader inflates ahead in
 * a thread of its own while the worker decodes. The readers share a budget
 * for the profiles' bytes (cli_read_budget): the input being consumed has
 * the lowest order, so it always gets room.
 */
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_internal.h"

#define QUEUE_LEN 2

typedef struct pool pool;

/* An input being read: its decoded profiles waiting, and how reading it
 * ended. */
typedef struct {
	pool *pool;
	int index;   /* of the input in the slot; -1 before the first */
	const char *path;
	pprof_profile *queue[QUEUE_LEN];
	cli_profile_info info[QUEUE_LEN];
	size_t head, count;
	bool done;
	int status;
	char message[CLI_MESSAGE_LEN];   /* printed by the consumer, in order */
} input_slot;

struct pool {
	const cli_read_options *ro;
	char **paths;
	input_slot *slots;   /* window of them */
	int n;
	int next;      /* the next input a worker takes */
	int current;   /* the input being consumed */
	int window;    /* how far ahead of current workers may go */
	bool stop;     /* the consumer gave up */
	bool inflate_ahead;   /* spare threads: readers inflate in their own */
	pthread_mutex_t lock;
	pthread_cond_t produced;   /* for the consumer: an input taken, a profile
	                              queued, an input done */
	pthread_cond_t consumed;   /* for the workers: room in the window or a
	                              queue, or stop */
};

/* A worker's cli_profile_fn: queues the profile, waiting for room. */
static int enqueue(void *ctx, const cli_profile_info *info, pprof_profile *p)
{
	input_slot *in = ctx;
	pool *pl = in->pool;
	size_t tail;

	pthread_mutex_lock(&pl->lock);
	while (in->count == QUEUE_LEN && !pl->stop)
		pthread_cond_wait(&pl->consumed, &pl->lock);
	if (pl->stop) {
		pthread_mutex_unlock(&pl->lock);
		pprof_profile_free(p);
		return EXIT_DATA;   /* ends this worker's input; nobody reads it */
	}
	tail = (in->head + in->count) % QUEUE_LEN;
	in->queue[tail] = p;
	in->info[tail] = *info;
	in->count++;
	pthread_cond_signal(&pl->produced);
	pthread_mutex_unlock(&pl->lock);
	return EXIT_OK;
}

/* Input k's slot. The input that had it before, k - window, is consumed by
 * the time input k is taken. */
static input_slot *slot_of(pool *pl, int k)
{
	return &pl->slots[k % pl->window];
}

/* Takes the next input within the window into its slot; NULL when there is
 * none or the consumer gave up. Called with the lock held. */
static input_slot *take_input(pool *pl)
{
	input_slot *in;

	while (!pl->stop && pl->next < pl->n && pl->next >= pl->current + pl->window)
		pthread_cond_wait(&pl->consumed, &pl->lock);
	if (pl->stop || pl->next >= pl->n)
		return NULL;
	in = slot_of(pl, pl->next);
	memset(in, 0, sizeof(*in));
	in->pool = pl;
	in->index = pl->next;
	in->path = pl->paths[pl->next++];
	pthread_cond_signal(&pl->produced);
	return in;
}

static void *worker(void *arg)
{
	pool *pl = arg;
	input_slot *in;

	pthread_mutex_lock(&pl->lock);
	while ((in = take_input(pl))) {
		pthread_mutex_unlock(&pl->lock);
		int status = cli_read_one_input(in->path, pl->ro, pl->inflate_ahead,
		                                pl->ro->order + (unsigned long)in->index, enqueue,
		                                in, in->message);
		pthread_mutex_lock(&pl->lock);
		in->status = status;
		in->done = true;
		pthread_cond_signal(&pl->produced);
	}
	pthread_mutex_unlock(&pl->lock);
	return NULL;
}

/* Passes the profiles of input k to fn as they come; returns fn's first
 * failure, or EXIT_OK when the input is drained. */
static int consume_input(pool *pl, int k, cli_profile_fn fn, void *ctx)
{
	input_slot *in = slot_of(pl, k);
	int status = EXIT_OK;

	pthread_mutex_lock(&pl->lock);
	pl->current = k;
	pthread_cond_broadcast(&pl->consumed);
	while (status == EXIT_OK) {
		/* (the slot may still hold input k - window until k is taken) */
		while (in->index != k || (in->count == 0 && !in->done))
			pthread_cond_wait(&pl->produced, &pl->lock);
		if (in->count == 0)
			break;
		pprof_profile *p = in->queue[in->head];
		cli_profile_info info = in->info[in->head];
		in->head = (in->head + 1) % QUEUE_LEN;
		in->count--;
		pthread_cond_broadcast(&pl->consumed);
		pthread_mutex_unlock(&pl->lock);
		status = fn(ctx, &info, p);
		pthread_mutex_lock(&pl->lock);
	}
	pthread_mutex_unlock(&pl->lock);
	return status;
}

/* Stops the workers and frees what they left queued. */
static void pool_stop(pool *pl, pthread_t *threads, int n_threads)
{
	int i;

	pthread_mutex_lock(&pl->lock);
	pl->stop = true;
	pthread_cond_broadcast(&pl->consumed);
	pthread_mutex_unlock(&pl->lock);
	for (i = 0; i < n_threads; i++)
		pthread_join(threads[i], NULL);
	for (i = 0; i < pl->window; i++)
		while (pl->slots[i].count > 0) {
			input_slot *in = &pl->slots[i];
			pprof_profile_free(in->queue[in->head]);
			in->head = (in->head + 1) % QUEUE_LEN;
			in->count--;
		}
}

/* Consumes every input in order; returns the exit status. */
static int consume_all(pool *pl, cli_profile_fn fn, void *ctx, unsigned long *skipped)
{
	int k, status;

	for (k = 0; k < pl->n; k++) {
		status = consume_input(pl, k, fn, ctx);
		if (status != EXIT_OK)
			return status;   /* fn said why */
		status = slot_of(pl, k)->status;   /* input k + window waits for current */
		if (status == EXIT_OK)
			continue;
		if (slot_of(pl, k)->message[0])
			cli_report_input(pl->ro, slot_of(pl, k)->message);
		if (!pl->ro->keep_going)
			return status;
		(*skipped)++;
	}
	return EXIT_OK;
}

/*
 * glibc gives each thread its own malloc arena. A worker decodes a profile
 * into its arena and the consumer frees it, which leaves the arena empty, so
 * glibc trims it, and the next decode faults every page in again: about 300
 * page faults a profile, a third more CPU time on small profiles. One arena
 * for all threads keeps freed pages for reuse; the threads allocate in large
 * blocks, so they seldom wait for its lock.
 */
void cli_use_one_malloc_arena(void)
{
#ifdef M_ARENA_MAX
	mallopt(M_ARENA_MAX, 1);
#endif
}

int cli_read_inputs_parallel(int argc, char **argv, const cli_read_options *ro,
                             cli_profile_fn fn, void *ctx, unsigned long *skipped)
{
	int n_threads = ro->jobs < argc ? ro->jobs : argc, started, i, status;
	/* The input being consumed and one for each worker: with only as many
	 * as workers, one of them would wait while the consumer merges. */
	int window = n_threads + 1;
	cli_read_options shared = *ro;   /* with the budget the workers share */
	pprof_budget *made;
	pool pl = { &shared, argv, calloc((size_t)window, sizeof(input_slot)), argc, 0, 0, window,
	            false, ro->jobs > argc, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
	            PTHREAD_COND_INITIALIZER };
	pthread_t *threads = calloc((size_t)n_threads, sizeof(*threads));

	shared.budget = cli_read_budget(ro, &made);
	if (!pl.slots || !threads || !shared.budget) {
		free(pl.slots);
		free(threads);
		pprof_budget_free(made);
		cli_warn("out of memory");
		return EXIT_DATA;
	}
	for (i = 0; i < window; i++)
		pl.slots[i].index = -1;
	cli_use_one_malloc_arena();
	for (started = 0; started < n_threads; started++)
		if (pthread_create(&threads[started], NULL, worker, &pl) != 0)
			break;
	status = started ? consume_all(&pl, fn, ctx, skipped) : EXIT_DATA;
	if (!started)
		cli_warn("cannot start a thread");
	pool_stop(&pl, threads, started);
	free(pl.slots);
	free(threads);
	pprof_budget_free(made);
	return status;
}
