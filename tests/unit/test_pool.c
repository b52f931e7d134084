/*
 * test_pool.c — the worker pool: every job runs exactly once, results are
 * visible in input order, per-worker states are made and freed in pairs,
 * stop, one thread, the caller-thread mode, thread creation and state
 * creation failures.
 */
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include "test.h"
#include "common/common.h"
#include "likeness/pool.h"

#define NJOBS 600

/* What the jobs of one test write.  Counters are atomics (__atomic). */
struct t_ctx {
    int runs[NJOBS];          /* times each job ran */
    uint64_t result[NJOBS];   /* written by the job, read after lk_pool_wait */
    pthread_t thread[NJOBS];  /* thread that ran the job */
    int states_made, states_freed;
    int fail_states;          /* state_new fails this many times */
    size_t stop_at;           /* the job of this index stops the pool (NJOBS: none) */
    lk_pool *pool;            /* for stop_at */
    int stopped;              /* job stop_at has stopped the pool */
    int slow;                 /* jobs sleep a little (workers run unevenly) */
    int hold;                 /* job 0 waits while this is set */
};

static int state_new(void *vctx, void **state)
{
    struct t_ctx *c = vctx;
    if (__atomic_sub_fetch(&c->fail_states, 1, __ATOMIC_SEQ_CST) >= 0)
        return LK_ENOMEM;
    int *s = malloc(sizeof *s);
    if (!s)
        return LK_ENOMEM;
    *s = __atomic_add_fetch(&c->states_made, 1, __ATOMIC_SEQ_CST);
    *state = s;
    return 0;
}

static void state_free(void *vctx, void *state)
{
    struct t_ctx *c = vctx;
    __atomic_add_fetch(&c->states_freed, 1, __ATOMIC_SEQ_CST);
    free(state);
}

static void run(void *vctx, void *state, size_t i)
{
    struct t_ctx *c = vctx;
    if (c->slow && i % 7 == 0) {
        struct timespec ts = { 0, 200000 };
        nanosleep(&ts, NULL);
    }
    if (!state)
        c->result[i] = 0; /* a state must always be given */
    else
        c->result[i] = i * 2654435761u + 1;
    while (i == 0 && __atomic_load_n(&c->hold, __ATOMIC_ACQUIRE))
        sched_yield();
    c->thread[i] = pthread_self();
    __atomic_add_fetch(&c->runs[i], 1, __ATOMIC_SEQ_CST);
    if (i == c->stop_at) {
        lk_pool *p; /* set once lk_pool_new has returned */
        while (!(p = __atomic_load_n(&c->pool, __ATOMIC_ACQUIRE)))
            sched_yield();
        lk_pool_stop(p);
        __atomic_store_n(&c->stopped, 1, __ATOMIC_RELEASE);
    }
    /* the jobs after stop_at end only once it stopped the pool, so each
     * other worker can have taken at most one of them */
    while (i > c->stop_at && !__atomic_load_n(&c->stopped, __ATOMIC_ACQUIRE))
        sched_yield();
}

static const lk_pool_ops ops = { state_new, state_free, run };

static struct t_ctx *new_ctx(void)
{
    struct t_ctx *c = calloc(1, sizeof *c);
    c->stop_at = NJOBS;
    return c;
}

/* Waits for every job in order; returns how many returned 0. */
static size_t consume(struct t_ctx *c, lk_pool *p, size_t n)
{
    size_t ok = 0;
    for (size_t i = 0; i < n; i++) {
        int rc = lk_pool_wait(p, i);
        if (rc == 0) {
            ok++;
            CHECK(c->result[i] == i * 2654435761u + 1);
        }
    }
    return ok;
}

static void test_threads(int nthreads)
{
    struct t_ctx *c = new_ctx();
    c->slow = 1;
    lk_pool *p;
    CHECK_INT(lk_pool_new(&p, nthreads, NJOBS, &ops, c), 0);
    CHECK_INT(lk_pool_threads(p), nthreads);
    CHECK_INT(consume(c, p, NJOBS), NJOBS);
    int once = 1;
    for (size_t i = 0; i < NJOBS; i++)
        once &= c->runs[i] == 1 && !pthread_equal(c->thread[i], pthread_self());
    CHECK(once);
    lk_pool_free(&p);
    CHECK(p == NULL);
    CHECK_INT(c->states_made, nthreads);
    CHECK_INT(c->states_freed, nthreads);
    free(c);
}

/* Job 40 stops the pool: the jobs taken before run, the rest never, and
 * once a wait says LK_EINTR every later one does. */
static void test_stop(void)
{
    struct t_ctx *c = new_ctx();
    lk_pool *p;
    c->stop_at = 40;
    CHECK_INT(lk_pool_new(&p, 4, NJOBS, &ops, c), 0);
    __atomic_store_n(&c->pool, p, __ATOMIC_RELEASE);
    size_t ran = 0, first_intr = NJOBS;
    int consistent = 1;
    for (size_t i = 0; i < NJOBS; i++) {
        int rc = lk_pool_wait(p, i);
        consistent &= rc == 0 ? c->runs[i] == 1 && first_intr == NJOBS
                              : rc == LK_EINTR;
        if (rc == 0)
            ran++;
        else if (first_intr == NJOBS)
            first_intr = i;
    }
    lk_pool_free(&p);
    CHECK(consistent);
    CHECK(ran > 40 && ran <= 44); /* job 40 and at most one job per other worker */
    CHECK_INT(first_intr, ran);
    for (size_t i = ran; i < NJOBS; i++)
        consistent &= c->runs[i] == 0;
    CHECK(consistent);
    CHECK_INT(c->states_freed, c->states_made);
    free(c);
}

/* 0 threads: the jobs run in the caller's thread, only when waited for. */
static void test_caller_thread(void)
{
    struct t_ctx *c = new_ctx();
    lk_pool *p;
    CHECK_INT(lk_pool_new(&p, 0, 10, &ops, c), 0);
    CHECK_INT(lk_pool_threads(p), 0);
    CHECK_INT(c->states_made, 0);
    CHECK_INT(lk_pool_wait(p, 3), 0);
    CHECK_INT(c->runs[3], 1);
    CHECK_INT(c->runs[4], 0);
    CHECK(pthread_equal(c->thread[0], pthread_self()));
    CHECK_INT(lk_pool_wait(p, 1), 0); /* already ran: not again */
    CHECK_INT(c->runs[1], 1);
    CHECK_INT(lk_pool_wait(p, 10), LK_EINVAL);
    lk_pool_stop(p);
    CHECK_INT(lk_pool_wait(p, 5), LK_EINTR);
    CHECK_INT(c->runs[4], 0);
    CHECK_INT(lk_pool_wait(p, 2), 0);
    lk_pool_free(&p);
    CHECK_INT(c->states_made, 1);
    CHECK_INT(c->states_freed, 1);
    free(c);
}

/* pthread_create failing: fewer threads, or the caller's thread. */
static void test_thread_failure(void)
{
    struct t_ctx *c = new_ctx();
    lk_pool *p;
    lki_pool_fault_threads = 2;
    CHECK_INT(lk_pool_new(&p, 8, NJOBS, &ops, c), 0);
    lki_pool_fault_threads = -1;
    CHECK_INT(lk_pool_threads(p), 2);
    CHECK_INT(consume(c, p, NJOBS), NJOBS);
    lk_pool_free(&p);
    free(c);

    c = new_ctx();
    lki_pool_fault_threads = 0;
    CHECK_INT(lk_pool_new(&p, 8, NJOBS, &ops, c), 0);
    lki_pool_fault_threads = -1;
    CHECK_INT(lk_pool_threads(p), 0);
    CHECK_INT(consume(c, p, NJOBS), NJOBS);
    CHECK(pthread_equal(c->thread[NJOBS - 1], pthread_self()));
    lk_pool_free(&p);
    CHECK_INT(c->states_made, 1);
    free(c);
}

/* state_new failing: the other workers do the jobs; with none left, the
 * waits return the state's error and no job runs. */
static void test_state_failure(void)
{
    struct t_ctx *c = new_ctx();
    lk_pool *p;
    c->fail_states = 1;
    CHECK_INT(lk_pool_new(&p, 3, NJOBS, &ops, c), 0);
    CHECK_INT(consume(c, p, NJOBS), NJOBS);
    lk_pool_free(&p);
    CHECK_INT(c->states_made, 2);
    free(c);

    for (int nthreads = 0; nthreads <= 3; nthreads += 3) {
        c = new_ctx();
        c->fail_states = 1000;
        CHECK_INT(lk_pool_new(&p, nthreads, 50, &ops, c), 0);
        int all = 1;
        for (size_t i = 0; i < 50; i++)
            all &= lk_pool_wait(p, i) == LK_ENOMEM && c->runs[i] == 0;
        CHECK(all);
        lk_pool_free(&p);
        CHECK_INT(c->states_made, 0);
        free(c);
    }
}

static void test_edges(void)
{
    struct t_ctx *c = new_ctx();
    lk_pool *p = (lk_pool *)1;
    lk_pool_ops bad = { NULL, NULL, NULL };
    CHECK_INT(lk_pool_new(&p, 2, 5, &bad, c), LK_EINVAL);
    CHECK(p == NULL);
    CHECK_INT(lk_pool_new(&p, -1, 5, &ops, c), LK_EINVAL);
    /* no jobs: no thread; more threads than jobs: one per job */
    CHECK_INT(lk_pool_new(&p, 4, 0, &ops, c), 0);
    CHECK_INT(lk_pool_threads(p), 0);
    CHECK_INT(lk_pool_wait(p, 0), LK_EINVAL);
    lk_pool_free(&p);
    CHECK_INT(lk_pool_new(&p, 8, 3, &ops, c), 0);
    CHECK_INT(lk_pool_threads(p), 3);
    CHECK_INT(consume(c, p, 3), 3);
    lk_pool_free(&p);
    lk_pool_free(&p); /* NULL allowed */
    free(c);
    /* freed without waiting: no hang, nothing runs twice, states paired */
    c = new_ctx();
    c->slow = 1;
    CHECK_INT(lk_pool_new(&p, 4, NJOBS, &ops, c), 0);
    lk_pool_free(&p);
    int once = 1;
    for (size_t i = 0; i < NJOBS; i++)
        once &= c->runs[i] <= 1;
    CHECK(once);
    CHECK_INT(c->states_freed, c->states_made);
    free(c);
}

/* A timed wait gives up (1) while the job runs on, then sees it done. */
static void test_timed_wait(void)
{
    struct t_ctx *c = new_ctx();
    lk_pool *p;
    c->hold = 1;
    CHECK_INT(lk_pool_new(&p, 2, 3, &ops, c), 0);
    CHECK_INT(lk_pool_wait_timed(p, 0, 20), 1);
    CHECK_INT(lk_pool_wait_timed(p, 0, 0), 1);
    CHECK_INT(c->runs[0], 0);
    CHECK_INT(lk_pool_wait_timed(p, 3, 0), LK_EINVAL);
    __atomic_store_n(&c->hold, 0, __ATOMIC_RELEASE);
    CHECK_INT(lk_pool_wait_timed(p, 0, -1), 0);
    CHECK(c->result[0] == 1 && c->runs[0] == 1);
    CHECK_INT(lk_pool_wait_timed(p, 2, 10000), 0);
    CHECK(c->result[2] == (uint64_t)2 * 2654435761u + 1);
    lk_pool_free(&p);
    CHECK_INT(c->states_freed, c->states_made);
    free(c);
}

int main(void)
{
    test_threads(1);
    test_threads(4);
    test_stop();
    test_caller_thread();
    test_thread_failure();
    test_state_failure();
    test_edges();
    test_timed_wait();
    TEST_DONE("pool");
}
