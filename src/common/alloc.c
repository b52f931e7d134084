/*
 * alloc.c — the library's only allocator entry points.
 *
 * Keeping every allocation behind these functions gives one place to add
 * accounting or fault injection.  Aligned blocks are 64-byte aligned so
 * that AVX-512 kernels may use aligned loads on buffers they allocate.
 */
#include <stdlib.h>
#include <string.h>
#include "common/common.h"

void *lki_malloc(size_t n) { return malloc(n ? n : 1); }
void *lki_calloc(size_t count, size_t size) { return calloc(count ? count : 1, size ? size : 1); }
void *lki_realloc(void *p, size_t n) { return realloc(p, n ? n : 1); }
void lki_free(void *p) { free(p); }

void *lki_malloc_aligned(size_t n)
{
    void *p = NULL;
    n = (n + 63) & ~(size_t)63;
    if (posix_memalign(&p, 64, n ? n : 64) != 0)
        return NULL;
    return p;
}

void lki_free_aligned(void *p) { free(p); }

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
