/*
 * common.h — internal helpers shared by every stage: error reporting,
 * assertions and allocation.  Depends on no stage.
 */
#ifndef LK_COMMON_H
#define LK_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include "likeness/error.h"

/*
 * Assertions (SQLite's assert, ALWAYS, NEVER and testcase).
 *
 * LK_ASSERT(x): x must hold; checked in debug builds (no NDEBUG), no code
 * in release builds, so x must have no side effects.
 *
 * LK_ALWAYS(x) / LK_NEVER(x) wrap the test of a defensive branch, a
 * condition believed always true / never true that the code still handles
 * (`if (LK_NEVER(n > UINT32_MAX)) return LK_ETOOBIG;`).  Debug builds
 * assert the belief, so tests find out when it is wrong; release builds
 * evaluate x as a plain test and take the defensive branch.  Never wrap
 * what bad input can cause: that is an error, not an assertion.
 *
 * LK_TESTCASE(x) marks a boundary that tests should reach both ways (x
 * true and false).  Debug builds evaluate x (so it must compile and stay
 * meaningful); release builds generate no code.
 */
#ifdef NDEBUG
#define LK_ASSERT(x) ((void)0)
#define LK_ALWAYS(x) (__builtin_expect(!!(x), 1))
#define LK_NEVER(x) (__builtin_expect(!!(x), 0))
#define LK_TESTCASE(x) ((void)0)
#else
#include <assert.h>
#define LK_ASSERT(x) assert(x)
#define LK_ALWAYS(x) ((x) ? 1 : (assert(!"LK_ALWAYS(" #x ")"), 0))
#define LK_NEVER(x) ((x) ? (assert(!"LK_NEVER(" #x ")"), 1) : 0)
#define LK_TESTCASE(x) ((void)(x))
#endif

/* Returns early from the calling function when expr is negative. */
#define LK_TRY(expr)                 \
    do {                             \
        int lk_try_rc_ = (expr);     \
        if (lk_try_rc_ < 0)          \
            return lk_try_rc_;       \
    } while (0)

#define LK_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define LK_MIN(a, b) ((a) < (b) ? (a) : (b))
#define LK_MAX(a, b) ((a) > (b) ? (a) : (b))

/*
 * Writes code and a printf-style message into err (may be NULL) and returns
 * code, so that `return lki_err(err, LK_EIO, "...")` is one line.
 */
int lki_err(lk_errbuf *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Maps an errno value to an LK_E* code. */
int lki_err_from_errno(int e);

/* Allocation: every allocation of the library goes through these. */
void *lki_malloc(size_t n);
void *lki_calloc(size_t count, size_t size);
void *lki_realloc(void *p, size_t n);
void lki_free(void *p);
/* Aligned (to 64 bytes) allocation, freed with lki_free_aligned(). */
void *lki_malloc_aligned(size_t n);
/* The same for large arrays built at once: from 4 MB on, aligned to 2 MB
 * and asked for transparent huge pages (MADV_HUGEPAGE), so that filling
 * it faults 2 MB at a time instead of 4 KB.  Freed with lki_free_aligned(). */
void *lki_malloc_huge(size_t n);
void lki_free_aligned(void *p);
/* Copies of strings (lki_malloc'd, freed with lki_free), or NULL when out
 * of memory: s whole, or a followed by b (paths built from a prefix). */
char *lki_strdup(const char *s);
char *lki_concat(const char *a, const char *b);
/* Frees *pp and sets it to NULL. */
#define lk_freep(pp) do { lki_free(*(pp)); *(pp) = NULL; } while (0)

/* Fault injection for tests (alloc.c): lki_fault_arm(n, keep) makes the
 * n-th lki_* allocation from now fail (n >= 1), and every later one too
 * when keep is set; lki_fault_disarm() stops it and reports what happened
 * since arming: calls, failures, and blocks still live (allocated minus
 * freed: 0 after an operation that cleaned up).  Test programs only; one
 * armed test at a time. */
typedef struct lki_fault_stats {
    long calls;             /* allocation calls while armed */
    long failed;            /* of them made to fail */
    long live;              /* blocks allocated and not freed while armed */
} lki_fault_stats;
void lki_fault_arm(long nth, int keep_failing);
void lki_fault_disarm(lki_fault_stats *st);

/* Fault injection for tests: when >= 0, lk_pool_new() starts at most this
 * many threads, as if pthread_create() failed for the others.  Set it
 * only while no pool is being created.  -1 (off) by default. */
extern int lki_pool_fault_threads;

/* Overflow-checked a*b; returns 0 and sets *out, or -1 on overflow. */
static inline int lk_mul_size(size_t a, size_t b, size_t *out)
{
    return __builtin_mul_overflow(a, b, out) ? -1 : 0;
}

#endif
