/*
 * pool.c — the worker pool of likeness/pool.h: workers take job indices
 * from one counter, the creating thread waits for them in order.
 *
 * Invariants (all under mu): next <= n; done[i] is set once, after job i
 * ran, and i < next then; alive counts the workers that may still take a
 * job (started, with a state, not exited), so a job i >= next will run
 * only while alive > 0 and not stopped.  In the caller-thread mode
 * (nthreads == 0) the same fields are used by the creating thread alone,
 * with the state made at the first job.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include "common/common.h"
#include "likeness/pool.h"

int lki_pool_fault_threads = -1;

/* The pool.  Invariants above. */
struct lk_pool {
    pthread_mutex_t mu;      /* guards every field below but ops, ctx, n, tids */
    pthread_cond_t cv;       /* broadcast when a job ends or a worker exits */
    lk_pool_ops ops;         /* callbacks (copy) */
    void *ctx;               /* passed to the callbacks */
    size_t n;                /* jobs */
    size_t next;             /* next job to take */
    unsigned char *done;     /* [n]: 1 once the job ran */
    int stopped;             /* lk_pool_stop() was called */
    int alive;               /* workers that may still take jobs */
    int state_err;           /* a state_new failure, 0 if none */
    int nthreads;            /* threads started (0: caller-thread mode) */
    pthread_t *tids;         /* [nthreads] */
    void *own_state;         /* caller-thread mode: the state */
    int own_ready;           /* caller-thread mode: own_state made */
};

/* Takes the next job for a worker: its index, or n when there is none
 * (the worker then counts itself out). */
static size_t take(lk_pool *p)
{
    pthread_mutex_lock(&p->mu);
    size_t i = p->n;
    if (!p->stopped && p->next < p->n) {
        i = p->next++;
    } else {
        p->alive--;
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    return i;
}

static void finish(lk_pool *p, size_t i)
{
    pthread_mutex_lock(&p->mu);
    p->done[i] = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

static void *worker(void *arg)
{
    lk_pool *p = arg;
    void *state = NULL;
    int rc = p->ops.state_new ? p->ops.state_new(p->ctx, &state) : 0;
    if (rc < 0) {
        pthread_mutex_lock(&p->mu);
        p->state_err = rc;
        p->alive--;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        return NULL;
    }
    size_t i;
    while ((i = take(p)) < p->n) {
        p->ops.run(p->ctx, state, i);
        finish(p, i);
    }
    if (p->ops.state_free)
        p->ops.state_free(p->ctx, state);
    return NULL;
}

/* Starts up to want threads; the count started is p->nthreads. */
static void start(lk_pool *p, int want)
{
    pthread_mutex_lock(&p->mu);
    for (int t = 0; t < want; t++) {
        if (lki_pool_fault_threads >= 0 && t >= lki_pool_fault_threads)
            break;
        p->alive++;
        if (pthread_create(&p->tids[t], NULL, worker, p) != 0) {
            p->alive--;
            break;
        }
        p->nthreads++;
    }
    pthread_mutex_unlock(&p->mu);
}

LK_API int lk_pool_new(lk_pool **out, int nthreads, size_t njobs, const lk_pool_ops *ops,
                       void *ctx)
{
    *out = NULL;
    if (!ops || !ops->run || nthreads < 0)
        return LK_EINVAL;
    size_t want = LK_MIN((size_t)LK_MIN(nthreads, LK_POOL_MAX_THREADS), njobs);
    lk_pool *p = lki_calloc(1, sizeof *p);
    if (!p)
        return LK_ENOMEM;
    p->done = lki_calloc(njobs, 1);
    p->tids = lki_calloc(want, sizeof *p->tids);
    if (!p->done || !p->tids) {
        lki_free(p->done);
        lki_free(p->tids);
        lki_free(p);
        return LK_ENOMEM;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->ops = *ops, p->ctx = ctx, p->n = njobs;
    start(p, (int)want);
    LK_TESTCASE(p->nthreads < (int)want);
    *out = p;
    return 0;
}

/* Caller-thread mode: runs jobs next..i here. */
static int run_here(lk_pool *p, size_t i)
{
    while (p->next <= i) {
        pthread_mutex_lock(&p->mu);
        int stopped = p->stopped;
        pthread_mutex_unlock(&p->mu);
        if (stopped)
            return LK_EINTR;
        if (!p->own_ready && !p->state_err) {
            int rc = p->ops.state_new ? p->ops.state_new(p->ctx, &p->own_state) : 0;
            if (rc < 0)
                p->state_err = rc;
            else
                p->own_ready = 1;
        }
        if (p->state_err)
            return p->state_err;
        size_t j = p->next++;
        p->ops.run(p->ctx, p->own_state, j);
        p->done[j] = 1;
    }
    return 0;
}

LK_API int lk_pool_wait_timed(lk_pool *p, size_t index, int timeout_ms)
{
    if (index >= p->n || timeout_ms < -1)
        return LK_EINVAL;
    if (p->nthreads == 0)
        return run_here(p, index);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    if (timeout_ms >= 0) {
        until.tv_sec += timeout_ms / 1000;
        until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L)
            until.tv_sec++, until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&p->mu);
    int timed_out = 0;
    while (!p->done[index] && !(index >= p->next && (p->stopped || p->alive == 0)) &&
           !timed_out) {
        if (timeout_ms < 0)
            pthread_cond_wait(&p->cv, &p->mu);
        else
            timed_out = pthread_cond_timedwait(&p->cv, &p->mu, &until) == ETIMEDOUT;
    }
    int rc = p->done[index] ? 0 : timed_out && !p->stopped && p->alive > 0 ? 1
             : p->stopped ? LK_EINTR : p->state_err;
    pthread_mutex_unlock(&p->mu);
    /* alive == 0 with jobs left happens only after state_new failures */
    LK_ASSERT(rc == 1 || (rc <= 0 && (rc < 0 || p->done[index])));
    return rc;
}

LK_API int lk_pool_wait(lk_pool *p, size_t index)
{
    return lk_pool_wait_timed(p, index, -1);
}

LK_API void lk_pool_stop(lk_pool *p)
{
    pthread_mutex_lock(&p->mu);
    p->stopped = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

LK_API int lk_pool_threads(const lk_pool *p)
{
    return p->nthreads;
}

LK_API void lk_pool_free(lk_pool **pp)
{
    lk_pool *p = *pp;
    if (!p)
        return;
    lk_pool_stop(p);
    for (int t = 0; t < p->nthreads; t++)
        pthread_join(p->tids[t], NULL);
    if (p->own_ready && p->ops.state_free)
        p->ops.state_free(p->ctx, p->own_state);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    lki_free(p->done);
    lki_free(p->tids);
    lki_free(p);
    *pp = NULL;
}
