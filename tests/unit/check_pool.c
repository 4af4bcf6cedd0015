/*
 * check_pool.c - the worker pool (pool.c): every task queued runs once,
 * wait waits for them all, tasks of several threads overlap, and the
 * arguments out of range.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>

#include "testlib.h"

/* Counts the tasks that ran, under a lock. */
typedef struct {
	pthread_mutex_t lock;
	int ran;
} counter;

static void count_task(void *arg)
{
	counter *c = arg;

	pthread_mutex_lock(&c->lock);
	c->ran++;
	pthread_mutex_unlock(&c->lock);
}

START_TEST(test_pool_runs_every_task)
{
	counter c = { PTHREAD_MUTEX_INITIALIZER, 0 };
	pprof_pool *pool = pprof_pool_new(3);
	int i;

	ck_assert_ptr_nonnull(pool);
	ck_assert_int_eq(pprof_pool_threads(pool), 3);
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(pprof_pool_run(pool, count_task, &c), PPROF_OK);
	pprof_pool_wait(pool);
	ck_assert_int_eq(c.ran, 1000);
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(pprof_pool_run(pool, count_task, &c), PPROF_OK);
	pprof_pool_free(pool); /* waits for them */
	ck_assert_int_eq(c.ran, 1010);
}
END_TEST

/* Two tasks that each wait for the other: they finish only if two threads
 * run them at once (the tools' workers are such long tasks). */
typedef struct {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	int arrived;
} rendezvous;

static void meet_task(void *arg)
{
	rendezvous *r = arg;

	pthread_mutex_lock(&r->lock);
	r->arrived++;
	pthread_cond_broadcast(&r->changed);
	while (r->arrived < 2)
		pthread_cond_wait(&r->changed, &r->lock);
	pthread_mutex_unlock(&r->lock);
}

START_TEST(test_pool_threads_overlap)
{
	rendezvous r = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };
	pprof_pool *pool = pprof_pool_new(2);

	ck_assert_ptr_nonnull(pool);
	ck_assert_int_eq(pprof_pool_run(pool, meet_task, &r), PPROF_OK);
	ck_assert_int_eq(pprof_pool_run(pool, meet_task, &r), PPROF_OK);
	pprof_pool_free(pool);
	ck_assert_int_eq(r.arrived, 2);
}
END_TEST

START_TEST(test_pool_arguments)
{
	counter c = { PTHREAD_MUTEX_INITIALIZER, 0 };

	ck_assert_ptr_null(pprof_pool_new(0));
	ck_assert_ptr_null(pprof_pool_new(65));
	ck_assert_int_eq(pprof_pool_threads(NULL), 0);
	ck_assert_int_eq(pprof_pool_run(NULL, count_task, &c), PPROF_ERR_ARG);
	pprof_pool_wait(NULL);
	pprof_pool_free(NULL);
	ck_assert_int_eq(c.ran, 0);
}
END_TEST

Suite *pool_suite(void)
{
	Suite *s = suite_create("pool");
	TCase *tc = tcase_create("pool");

	tcase_add_test(tc, test_pool_runs_every_task);
	tcase_add_test(tc, test_pool_threads_overlap);
	tcase_add_test(tc, test_pool_arguments);
	suite_add_tcase(s, tc);
	return s;
}
