/*
 * alloc.c — the library's only allocator entry points, with the test-only
 * fault injection SQLite's test_malloc.c does: fail the Nth allocation.
 *
 * Keeping every allocation behind these functions gives one place to add
 * accounting or fault injection.  Aligned blocks are 64-byte aligned so
 * that AVX-512 kernels may use aligned loads on buffers they allocate.
 *
 * Fault injection (lki_fault_*, declared in common.h, used by
 * tests/unit/test_fault.c only): while armed, every allocation counts
 * down, the one that reaches zero fails, and so does every later one when
 * `persist` is set; live blocks are counted so a test can see a leak
 * without ASan.  Disarmed (the default) it costs one relaxed atomic load
 * per call.
 */
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>
#include "common/common.h"

static atomic_int armed;         /* 1 while a test injects faults */
static atomic_long countdown;    /* allocations left before the failing one */
static atomic_int persist;       /* 1: keep failing after the first */
static atomic_long calls, failed, live; /* since lki_fault_arm() */

void lki_fault_arm(long nth, int keep_failing)
{
    atomic_store(&calls, 0);
    atomic_store(&failed, 0);
    atomic_store(&live, 0);
    atomic_store(&countdown, nth);
    atomic_store(&persist, keep_failing);
    atomic_store(&armed, 1);
}

void lki_fault_disarm(lki_fault_stats *st)
{
    atomic_store(&armed, 0);
    if (st) {
        st->calls = atomic_load(&calls);
        st->failed = atomic_load(&failed);
        st->live = atomic_load(&live);
    }
}

/* 1 if this allocation must fail. */
static int inject(void)
{
    if (!atomic_load_explicit(&armed, memory_order_relaxed))
        return 0;
    atomic_fetch_add(&calls, 1);
    long left = atomic_fetch_sub(&countdown, 1);
    if (left == 1 || (left < 1 && atomic_load(&persist) && left > LONG_MIN / 2)) {
        atomic_fetch_add(&failed, 1);
        return 1;
    }
    return 0;
}

static void *counted(void *p)
{
    if (p && atomic_load_explicit(&armed, memory_order_relaxed))
        atomic_fetch_add(&live, 1);
    return p;
}

static void uncount(const void *p)
{
    if (p && atomic_load_explicit(&armed, memory_order_relaxed))
        atomic_fetch_sub(&live, 1);
}

void *lki_malloc(size_t n) { return inject() ? NULL : counted(malloc(n ? n : 1)); }

void *lki_calloc(size_t count, size_t size)
{
    return inject() ? NULL : counted(calloc(count ? count : 1, size ? size : 1));
}

void *lki_realloc(void *p, size_t n)
{
    if (inject())
        return NULL;
    void *q = realloc(p, n ? n : 1);
    return p ? q : counted(q);
}

void lki_free(void *p)
{
    uncount(p);
    free(p);
}

void *lki_malloc_aligned(size_t n)
{
    void *p = NULL;
    n = (n + 63) & ~(size_t)63;
    if (inject() || posix_memalign(&p, 64, n ? n : 64) != 0)
        return NULL;
    return counted(p);
}

void *lki_malloc_huge(size_t n)
{
    void *p = NULL;
    size_t align = n >= ((size_t)4 << 20) ? (size_t)2 << 20 : 64;
    n = (n + 63) & ~(size_t)63;
    if (inject() || posix_memalign(&p, align, n ? n : 64) != 0)
        return NULL;
    if (align > 64) /* 2 MB at a time where the kernel offers it on request */
        (void)madvise(p, n & ~(align - 1), MADV_HUGEPAGE);
    return counted(p);
}

void lki_free_aligned(void *p)
{
    uncount(p);
    free(p);
}

char *lki_strdup(const char *s)
{
    return lki_concat(s, "");
}

char *lki_concat(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *s = lki_malloc(na + nb + 1);
    if (s) {
        memcpy(s, a, na);
        memcpy(s + na, b, nb + 1);
    }
    return s;
}
