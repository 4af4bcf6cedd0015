/*
 * input.c - the inputs of every pprof-tools program: files and stdin, read
 * in order by the calling thread, or read ahead by worker threads (-j N);
 * and the one place that decides how the -j threads are used. See input.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "input.h"

void cli_report_input(const cli_read_options *ro, const char *message)
{
	cli_input_problem(ro->keep_going && !ro->broken_is_error, "%s", message);
}

const char *cli_input_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "(stdin)" : path;
}

/*
 * With threads, each reads its own input, and each input's profile may take
 * up to --max-size: a set of decompression bombs would take -j times that.
 * So the readers share a budget, half of --max-size: the one the caller
 * needs first may still take --max-size of its own (pprof_budget_new says
 * why), so together they hold at most 1.5 times --max-size whatever -j.
 */
pprof_budget *cli_read_budget(const cli_read_options *ro, pprof_budget **made)
{
	*made = NULL;
	if (ro->budget)
		return ro->budget;
	return *made = pprof_budget_new(ro->max_size / 2);
}

int cli_read_one_input(const char *path, const cli_read_options *ro, bool inflate_ahead,
                       unsigned long order, cli_profile_fn fn, void *ctx, char *message)
{
	cli_profile_info info = { cli_input_name(path), 0, 0, 0 };
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY);
	uint64_t in = 0, out = 0;
	pprof_reader *r;
	pprof_profile *p;
	int rc, status = EXIT_OK;

	message[0] = '\0';
	if (fd < 0) {
		snprintf(message, CLI_MESSAGE_LEN, "%s: %s", info.name, strerror(errno));
		return EXIT_DATA;
	}
	r = pprof_reader_new_fd(fd);
	if (!r) {
		snprintf(message, CLI_MESSAGE_LEN, "%s: out of memory", info.name);
		status = EXIT_DATA;
		goto done;
	}
	pprof_reader_set_max_size(r, ro->max_size);
	if (ro->budget)
		pprof_reader_set_budget(r, ro->budget, order);
	if (inflate_ahead)
		pprof_reader_inflate_ahead(r); /* without a thread, it reads as usual */
	while ((rc = pprof_reader_next(r, &p)) == PPROF_OK) {
		info.index = pprof_reader_count(r);
		info.compressed = pprof_reader_bytes_in(r) - in;
		info.uncompressed = pprof_reader_bytes_out(r) - out;
		in += info.compressed;
		out += info.uncompressed;
		if ((status = fn(ctx, &info, p)) != EXIT_OK)
			goto done; /* fn said why */
	}
	if (rc != PPROF_END) {
		snprintf(message, CLI_MESSAGE_LEN, "%s: %s", info.name, pprof_reader_error(r));
		status = EXIT_DATA;
	} else if (pprof_reader_count(r) == 0 && !ro->allow_empty) {
		snprintf(message, CLI_MESSAGE_LEN, "%s: empty input", info.name);
		status = EXIT_DATA;
	}
done:
	pprof_reader_free(r);
	if (fd != STDIN_FILENO)
		close(fd);
	return status;
}

/* What an input reads that another input may read too: a stream (pipe,
 * FIFO, socket, device) by its device and inode, and "-", which reads fd 0
 * from where it is, even when that is a regular file. */
typedef struct {
	int kind; /* 0: a file of its own (a regular file, or not there) */
	dev_t dev;
	ino_t ino;
} stream_key;

static stream_key input_stream(const char *path)
{
	stream_key key = { 0, 0, 0 };
	bool is_stdin = strcmp(path, "-") == 0;
	struct stat st;

	if ((is_stdin ? fstat(STDIN_FILENO, &st) : stat(path, &st)) != 0)
		return key;
	if (!S_ISREG(st.st_mode))
		key.kind = 1, key.dev = st.st_dev, key.ino = st.st_ino;
	else if (is_stdin)
		key.kind = 2;
	return key;
}

bool cli_inputs_sharing_streams(int argc, char **argv, bool *shared)
{
	stream_key *keys = malloc((size_t)argc * sizeof(*keys));
	int *streams = malloc((size_t)argc * sizeof(*streams)); /* inputs with a key */
	int i, j, n = 0;
	bool any = false;

	if (!keys || !streams) { /* then say all do: read in order, as without threads */
		for (i = 0; shared && i < argc; i++)
			shared[i] = true;
		free(keys);
		free(streams);
		return true;
	}
	for (i = 0; i < argc; i++) {
		if ((keys[i] = input_stream(argv[i])).kind)
			streams[n++] = i;
		if (shared)
			shared[i] = false;
	}
	/* (streams are few: pipes and FIFOs are bounded by the open files) */
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			const stream_key *a = &keys[streams[i]], *b = &keys[streams[j]];
			if (a->kind == b->kind && a->dev == b->dev && a->ino == b->ino) {
				any = true;
				if (shared)
					shared[streams[i]] = shared[streams[j]] = true;
			}
		}
	free(keys);
	free(streams);
	return any;
}

/* ---- the queue of profiles a worker hands over ------------------------ */

int cli_queue_put(cli_profile_queue *q, pthread_mutex_t *lock, pthread_cond_t *room,
                  pthread_cond_t *filled, const bool *stop, const cli_profile_info *info,
                  pprof_profile *p)
{
	size_t tail;

	pthread_mutex_lock(lock);
	while (q->count == CLI_QUEUE_LEN && !*stop)
		pthread_cond_wait(room, lock);
	if (*stop) {
		pthread_mutex_unlock(lock);
		pprof_profile_free(p);
		return EXIT_DATA;
	}
	tail = (q->head + q->count) % CLI_QUEUE_LEN;
	q->profile[tail] = p;
	q->info[tail] = *info;
	q->count++;
	pthread_cond_broadcast(filled);
	pthread_mutex_unlock(lock);
	return EXIT_OK;
}

bool cli_queue_take(cli_profile_queue *q, pthread_mutex_t *lock, pthread_cond_t *filled,
                    pthread_cond_t *room, const bool *done, cli_profile_info *info,
                    pprof_profile **p)
{
	bool took;

	pthread_mutex_lock(lock);
	while (q->count == 0 && !*done)
		pthread_cond_wait(filled, lock);
	took = q->count > 0;
	if (took) {
		*p = q->profile[q->head];
		*info = q->info[q->head];
		q->head = (q->head + 1) % CLI_QUEUE_LEN;
		q->count--;
		pthread_cond_broadcast(room);
	}
	pthread_mutex_unlock(lock);
	return took;
}

void cli_queue_clear(cli_profile_queue *q)
{
	for (; q->count > 0; q->count--, q->head = (q->head + 1) % CLI_QUEUE_LEN)
		pprof_profile_free(q->profile[q->head]);
}

/* ---- read-ahead ------------------------------------------------------- */

/*
 * Reading the inputs with worker threads (-j N, CLI_READ_AHEAD). Workers
 * take whole inputs in order, read and decode their profiles ahead, and hand
 * them over in input order, so the caller does the same work in the same
 * order for any N and writes the same bytes. Memory stays bounded whatever
 * the number of inputs: at most N inputs are taken ahead of the one being
 * consumed, each with at most CLI_QUEUE_LEN decoded profiles waiting, in a
 * ring of N + 1 slots (input k in slot k mod (N + 1)). With fewer inputs
 * than threads (one long stream on stdin), each worker's reader inflates
 * ahead in a thread of its own while the worker decodes. The readers share a
 * budget for the profiles' bytes (cli_read_budget): the input being consumed
 * has the lowest order, so it always gets room. The workers are tasks of a
 * worker pool (pprof_pool_new), one each.
 */

typedef struct read_ahead read_ahead;

/* An input being read: its decoded profiles waiting, and how reading it
 * ended. */
typedef struct {
	read_ahead *ra;
	int index; /* of the input in the slot; -1 before the first */
	const char *path;
	cli_profile_queue queue;
	bool done;
	int status;
	char message[CLI_MESSAGE_LEN]; /* printed by the consumer, in order */
} input_slot;

struct read_ahead {
	const cli_read_options *ro;
	char **paths;
	input_slot *slots; /* window of them */
	int n;
	int next;           /* the next input a worker takes */
	int current;        /* the input being consumed */
	int window;         /* how far ahead of current workers may go */
	bool stop;          /* the consumer gave up */
	bool inflate_ahead; /* spare threads: readers inflate in their own */
	pthread_mutex_t lock;
	pthread_cond_t produced; /* for the consumer: an input taken, a profile
	                              queued, an input done */
	pthread_cond_t consumed; /* for the workers: room in the window or a
	                              queue, or stop */
};

/* A worker's cli_profile_fn: queues the profile, waiting for room. Once the
 * consumer gave up, EXIT_DATA ends this worker's input: nobody reads it. */
static int enqueue(void *ctx, const cli_profile_info *info, pprof_profile *p)
{
	input_slot *in = ctx;
	read_ahead *ra = in->ra;

	return cli_queue_put(&in->queue, &ra->lock, &ra->consumed, &ra->produced, &ra->stop, info,
	                     p);
}

/* Input k's slot. The input that had it before, k - window, is consumed by
 * the time input k is taken. */
static input_slot *slot_of(read_ahead *ra, int k)
{
	return &ra->slots[k % ra->window];
}

/* Takes the next input within the window into its slot; NULL when there is
 * none or the consumer gave up. Called with the lock held. */
static input_slot *take_input(read_ahead *ra)
{
	input_slot *in;

	while (!ra->stop && ra->next < ra->n && ra->next >= ra->current + ra->window)
		pthread_cond_wait(&ra->consumed, &ra->lock);
	if (ra->stop || ra->next >= ra->n)
		return NULL;
	in = slot_of(ra, ra->next);
	memset(in, 0, sizeof(*in));
	in->ra = ra;
	in->index = ra->next;
	in->path = ra->paths[ra->next++];
	pthread_cond_signal(&ra->produced);
	return in;
}

/* A task of the pool: reads inputs until there are none. */
static void worker(void *arg)
{
	read_ahead *ra = arg;
	input_slot *in;

	pthread_mutex_lock(&ra->lock);
	while ((in = take_input(ra))) {
		pthread_mutex_unlock(&ra->lock);
		int status = cli_read_one_input(in->path, ra->ro, ra->inflate_ahead,
		                                ra->ro->order + (unsigned long)in->index, enqueue,
		                                in, in->message);
		pthread_mutex_lock(&ra->lock);
		in->status = status;
		in->done = true;
		pthread_cond_signal(&ra->produced);
	}
	pthread_mutex_unlock(&ra->lock);
}

/* Passes the profiles of input k to fn as they come; returns fn's first
 * failure, or EXIT_OK when the input is drained. */
static int consume_input(read_ahead *ra, int k, cli_profile_fn fn, void *ctx)
{
	input_slot *in = slot_of(ra, k);
	cli_profile_info info;
	pprof_profile *p;
	int status = EXIT_OK;

	pthread_mutex_lock(&ra->lock);
	ra->current = k;
	pthread_cond_broadcast(&ra->consumed);
	while (in->index != k) /* the slot may still hold input k - window */
		pthread_cond_wait(&ra->produced, &ra->lock);
	pthread_mutex_unlock(&ra->lock);
	while (status == EXIT_OK && cli_queue_take(&in->queue, &ra->lock, &ra->produced,
	                                           &ra->consumed, &in->done, &info, &p))
		status = fn(ctx, &info, p);
	return status;
}

/* Stops the workers and frees what they left queued. */
static void stop_workers(read_ahead *ra, pprof_pool *pool)
{
	int i;

	pthread_mutex_lock(&ra->lock);
	ra->stop = true;
	pthread_cond_broadcast(&ra->consumed);
	pthread_mutex_unlock(&ra->lock);
	pprof_pool_free(pool);
	for (i = 0; i < ra->window; i++)
		cli_queue_clear(&ra->slots[i].queue);
}

/* Consumes every input in order; returns the exit status. */
static int consume_all(read_ahead *ra, cli_profile_fn fn, void *ctx, unsigned long *skipped)
{
	int k, status;

	for (k = 0; k < ra->n; k++) {
		status = consume_input(ra, k, fn, ctx);
		if (status != EXIT_OK)
			return status;           /* fn said why */
		status = slot_of(ra, k)->status; /* input k + window waits for current */
		if (status == EXIT_OK)
			continue;
		if (slot_of(ra, k)->message[0])
			cli_report_input(ra->ro, slot_of(ra, k)->message);
		if (!ra->ro->keep_going)
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

int cli_start_workers(pprof_pool *pool, int n, void (*task)(void *), void *arg)
{
	int i, started = 0;

	for (i = 0; i < n && i < pprof_pool_threads(pool); i++)
		if (pprof_pool_run(pool, task, arg) == PPROF_OK)
			started++;
	return started;
}

/* cli_read_inputs with the plan's workers reading ahead. */
static int read_ahead_all(int argc, char **argv, const cli_read_options *ro,
                          const cli_jobs_plan *plan, cli_profile_fn fn, void *ctx,
                          unsigned long *skipped)
{
	/* The input being consumed and one for each worker: with only as many
	 * as workers, one of them would wait while the consumer merges. */
	int window = plan->workers + 1, i, status;
	cli_read_options shared = *ro; /* with the budget the workers share */
	pprof_budget *made;
	read_ahead ra = { &shared,
		          argv,
		          calloc((size_t)window, sizeof(input_slot)),
		          argc,
		          0,
		          0,
		          window,
		          false,
		          plan->inflate_ahead,
		          PTHREAD_MUTEX_INITIALIZER,
		          PTHREAD_COND_INITIALIZER,
		          PTHREAD_COND_INITIALIZER };
	pprof_pool *pool;

	shared.budget = cli_read_budget(ro, &made);
	if (!ra.slots || !shared.budget) {
		free(ra.slots);
		pprof_budget_free(made);
		cli_warn("out of memory");
		return EXIT_DATA;
	}
	for (i = 0; i < window; i++)
		ra.slots[i].index = -1;
	cli_use_one_malloc_arena();
	pool = pprof_pool_new(plan->workers);
	if (cli_start_workers(pool, plan->workers, worker, &ra) > 0) {
		status = consume_all(&ra, fn, ctx, skipped);
	} else {
		cli_warn(pool ? "cannot start a thread" : "out of memory");
		status = EXIT_DATA;
	}
	stop_workers(&ra, pool);
	free(ra.slots);
	pprof_budget_free(made);
	return status;
}

/* ---- reading the inputs ---------------------------------------------- */

int cli_read_inputs(int argc, char **argv, const cli_read_options *ro, cli_profile_fn fn, void *ctx,
                    unsigned long *skipped)
{
	static char *stdin_only[] = { "-", NULL };
	char message[CLI_MESSAGE_LEN];
	cli_jobs_plan plan;
	int i, status;

	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	plan = cli_plan_jobs(ro->jobs, argc, argv, false);
	if (plan.reading == CLI_READ_AHEAD)
		return read_ahead_all(argc, argv, ro, &plan, fn, ctx, skipped);
	for (i = 0; i < argc; i++) {
		status = cli_read_one_input(argv[i], ro, false, ro->order + (unsigned long)i, fn,
		                            ctx, message);
		if (status == EXIT_OK)
			continue;
		if (message[0])
			cli_report_input(ro, message);
		if (!ro->keep_going)
			return status;
		(*skipped)++;
	}
	return EXIT_OK;
}

/* ---- -j ------------------------------------------------------------- */

int cli_parse_jobs(const char *arg)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (end == arg || *end || n < 1 || n > 64)
		cli_usage_error("invalid number of jobs '%s': use 1 to 64", arg);
	return (int)n;
}

int cli_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

cli_jobs_plan cli_plan_jobs(int jobs, int argc, char **argv, bool merging)
{
	static char *stdin_only[] = { "-", NULL };
	cli_jobs_plan plan = { CLI_READ_IN_ORDER, 0, false, jobs > 1 ? jobs : 1 };

	if (jobs <= 1)
		return plan;
	if (merging && argc >= 4 * jobs) { /* several runs a thread (parts.c) */
		plan.reading = CLI_READ_IN_PARTS;
		plan.workers = jobs;
		return plan;
	}
	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	if (cli_inputs_sharing_streams(argc, argv, NULL))
		return plan;
	plan.reading = CLI_READ_AHEAD;
	plan.workers = jobs < argc ? jobs : argc;
	plan.inflate_ahead = jobs > argc;
	return plan;
}
