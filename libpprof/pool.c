/*
 * pool.c - one small worker pool: a fixed set of threads that run the tasks
 * queued to them, first in, first out. The writer compresses blocks in it;
 * the tools read ahead and merge in parts in it (pprof.h, "Threads"). The
 * queue of tasks is unbounded: its users bound what they queue (a batch of
 * blocks, one task per worker).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "pool.h"

#define MAX_THREADS 64

typedef struct task {
	void (*run)(void *);
	void *arg;
	struct task *next;
} task;

struct pprof_pool {
	pthread_mutex_t lock;
	pthread_cond_t queued; /* for the threads: a task, or stop */
	pthread_cond_t idle;   /* for pprof_pool_wait: no task left */
	task *head, *tail;
	int pending; /* tasks queued or running */
	bool stop;
	int threads; /* started */
	pthread_t thread[MAX_THREADS];
};

/* Takes the next task, waiting for one; NULL once the pool stops. */
static task *next_task(pprof_pool *pool)
{
	task *t;

	while (!pool->head && !pool->stop)
		pthread_cond_wait(&pool->queued, &pool->lock);
	t = pool->head;
	if (t) {
		pool->head = t->next;
		if (!pool->head)
			pool->tail = NULL;
	}
	return t;
}

static void *pool_thread(void *arg)
{
	pprof_pool *pool = arg;
	task *t;

	pthread_mutex_lock(&pool->lock);
	while ((t = next_task(pool))) {
		pthread_mutex_unlock(&pool->lock);
		t->run(t->arg);
		free(t);
		pthread_mutex_lock(&pool->lock);
		if (--pool->pending == 0)
			pthread_cond_broadcast(&pool->idle);
	}
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

pprof_pool *pprof_pool_new(int threads)
{
	pprof_pool *pool;

	if (threads < 1 || threads > MAX_THREADS)
		return NULL;
	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return NULL;
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->queued, NULL);
	pthread_cond_init(&pool->idle, NULL);
	while (pool->threads < threads &&
	       pthread_create(&pool->thread[pool->threads], NULL, pool_thread, pool) == 0)
		pool->threads++;
	return pool;
}

int pprof_pool_threads(const pprof_pool *pool)
{
	return pool ? pool->threads : 0;
}

int pprof_pool_run(pprof_pool *pool, void (*run)(void *), void *arg)
{
	task *t;

	if (!pool || !run || pool->threads == 0)
		return PPROF_ERR_ARG;
	t = malloc(sizeof(*t));
	if (!t)
		return PPROF_ERR_NOMEM;
	*t = (task){ run, arg, NULL };
	pthread_mutex_lock(&pool->lock);
	if (pool->tail)
		pool->tail->next = t;
	else
		pool->head = t;
	pool->tail = t;
	pool->pending++;
	pthread_cond_signal(&pool->queued);
	pthread_mutex_unlock(&pool->lock);
	return PPROF_OK;
}

void pp_pool_run_or_here(pprof_pool *pool, void (*run)(void *), void *arg)
{
	if (pprof_pool_run(pool, run, arg) != PPROF_OK)
		run(arg);
}

void pprof_pool_wait(pprof_pool *pool)
{
	if (!pool)
		return;
	pthread_mutex_lock(&pool->lock);
	while (pool->pending > 0)
		pthread_cond_wait(&pool->idle, &pool->lock);
	pthread_mutex_unlock(&pool->lock);
}

void pprof_pool_free(pprof_pool *pool)
{
	int i;

	if (!pool)
		return;
	pprof_pool_wait(pool);
	pthread_mutex_lock(&pool->lock);
	pool->stop = true;
	pthread_cond_broadcast(&pool->queued);
	pthread_mutex_unlock(&pool->lock);
	for (i = 0; i < pool->threads; i++)
		pthread_join(pool->thread[i], NULL);
	pthread_cond_destroy(&pool->idle);
	pthread_cond_destroy(&pool->queued);
	pthread_mutex_destroy(&pool->lock);
	free(pool);
}
