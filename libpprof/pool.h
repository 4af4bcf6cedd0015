/*
 * pool.h - the worker pool (pool.c) as the library's own files use it. The
 * pool itself is in pprof.h ("Threads"), for the tools' read-ahead and
 * merging in parts; this adds what the writer's compression needs.
 */
#ifndef PPROF_POOL_H
#define PPROF_POOL_H

#include "pprof.h"

/* Runs task(arg) in the pool, or here, now, when there is no pool (NULL) or
 * no room to queue it: either way it runs, so that work never depends on
 * threads. */
void pp_pool_run_or_here(pprof_pool *pool, void (*task)(void *), void *arg);

#endif /* PPROF_POOL_H */
