/*
 * likeness/pool.h — a worker pool for "run n jobs on N threads, consume
 * the results in input order": the shape of `likeness scan` and `likeness
 * index add` (zstd's lib/common/pool.h serves the same purpose).
 *
 * Jobs are the indices 0..n-1.  Worker threads take them in increasing
 * order from one shared counter and call ops->run(ctx, state, index),
 * where state is the worker's own (created by ops->state_new in that
 * thread, freed by ops->state_free in that thread).  The creating thread
 * calls lk_pool_wait(i) for i = 0, 1, ... and consumes job i's result
 * (which the job wrote wherever ctx says) while the workers run ahead.
 * Where the results go, and whether a job failed, is the caller's
 * business: the pool only says whether job i ran.
 *
 * When no thread can be started at all (or 0 threads are asked for), the
 * pool runs the jobs in the caller's thread, inside lk_pool_wait(): the
 * same results in the same order, without parallelism.
 */
#ifndef LIKENESS_POOL_H
#define LIKENESS_POOL_H

#include <stddef.h>
#include "likeness/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most threads one pool starts. */
#define LK_POOL_MAX_THREADS 256

/** What a pool runs.  Copied by lk_pool_new(). */
typedef struct lk_pool_ops {
    /**
     * Creates a worker's state in the worker's thread (may be NULL: the
     * state is then NULL).  Returns 0, or < 0: that worker takes no job;
     * when no worker has a state, jobs not yet taken are never run and
     * lk_pool_wait() returns this code for them.
     */
    int (*state_new)(void *ctx, void **state);
    /** Frees a state made by state_new, in the same thread (may be NULL). */
    void (*state_free)(void *ctx, void *state);
    /**
     * Runs job @p index with the worker's @p state.  Called exactly once
     * for each job that runs, from any worker thread, concurrently with
     * other jobs: it must write only what job @p index owns (or lock).
     */
    void (*run)(void *ctx, void *state, size_t index);
} lk_pool_ops;

/** A running pool. */
typedef struct lk_pool lk_pool;

/**
 * Starts up to @p nthreads workers (at most @p njobs and
 * LK_POOL_MAX_THREADS; 0 runs every job in the caller's thread, within
 * lk_pool_wait()) over jobs 0..@p njobs - 1.  Threads that cannot be
 * created are done without; if none can, the jobs run in the caller's
 * thread.  @p ctx is passed to every callback and must outlive the pool.
 * Returns 0, LK_EINVAL (no ops->run, nthreads < 0) or LK_ENOMEM.  Free
 * with lk_pool_free().
 */
LK_API int lk_pool_new(lk_pool **out, int nthreads, size_t njobs, const lk_pool_ops *ops,
                       void *ctx);

/**
 * Waits until job @p index has run; in the caller-thread mode, runs the
 * jobs up to @p index itself.  Once it returns 0, everything job @p index
 * wrote is visible to the caller.  Returns 0 (the job ran), LK_EINTR (the
 * pool was stopped before the job started: it never will), the
 * state_new error (no worker could create its state), or LK_EINVAL
 * (@p index out of range).  Call it from the creating thread only.
 */
LK_API int lk_pool_wait(lk_pool *p, size_t index);

/**
 * As lk_pool_wait(), but gives up after @p timeout_ms milliseconds (-1:
 * never) and returns 1 when job @p index has not run by then and still
 * may (the caller can redraw a progress line and wait again).  In the
 * caller-thread mode it runs the jobs up to @p index and never returns 1.
 * Call it from the creating thread only.
 */
LK_API int lk_pool_wait_timed(lk_pool *p, size_t index, int timeout_ms);

/**
 * Stops the pool: no job starts after this call; jobs running finish.
 * Thread-safe (a job may call it); not async-signal-safe: from a signal
 * handler, set a flag that ops->run checks instead.
 */
LK_API void lk_pool_stop(lk_pool *p);

/** Worker threads started (0: jobs run in the caller's thread). */
LK_API int lk_pool_threads(const lk_pool *p);

/**
 * Stops the pool (as lk_pool_stop), waits for the running jobs and the
 * workers to end, frees everything and sets *pp to NULL (NULL allowed).
 * Jobs not started are never run.  Call it from the creating thread.
 */
LK_API void lk_pool_free(lk_pool **pp);

#ifdef __cplusplus
}
#endif
#endif
