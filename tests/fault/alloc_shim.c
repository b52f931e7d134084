/*
 * alloc_shim.c — an LD_PRELOAD library for tests only: makes allocations
 * that FFmpeg, libjpeg, libpng and swscale make for themselves fail, which
 * the library's own fault hook (lki_fault_arm, src/common/alloc.c) cannot
 * reach: FFmpeg has no allocator hook (av_max_alloc only caps sizes) and
 * libjpeg's memory manager calls malloc directly.
 *
 *   LK_ALLOC_FAIL="N[:K]"   the Nth allocation (from 1) whose caller lies in
 *                           one of those libraries fails, and with K the K-1
 *                           after it too (default 1)
 *   LK_ALLOC_COUNT=FILE     writes the number of such allocations made to
 *                           FILE at exit (to choose N)
 *
 * malloc, calloc, realloc, posix_memalign, memalign and aligned_alloc are
 * interposed; the caller is the return address, matched against the
 * address ranges of the libraries (found once, at load, by
 * dl_iterate_phdr, which does not allocate).  Allocations of anything else
 * (libc, SQLite, likeness) are untouched.  Not for sanitized programs (ASan
 * replaces the allocator itself).  tests/cli/t0106-fault-alloc-libs.sh
 * drives it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

/* The libraries whose allocations are failed (a prefix of the file name). */
static const char *const libs[] = { "libavutil.so", "libavcodec.so", "libavformat.so",
                                    "libswscale.so", "libswresample.so", "libjpeg.so",
                                    "libturbojpeg.so", "libpng16.so" };

#define MAX_RANGES 64
static struct { uintptr_t lo, hi; } ranges[MAX_RANGES];
static int nranges;
static long fail_at = -1, fail_count = 1;
static atomic_long seen;
static char count_file[512];

/* dl_iterate_phdr callback: the executable segments of the chosen libs. */
static int add_ranges(struct dl_phdr_info *info, size_t size, void *ctx)
{
    (void)size, (void)ctx;
    const char *base = strrchr(info->dlpi_name, '/');
    base = base ? base + 1 : info->dlpi_name;
    int want = 0;
    for (size_t i = 0; i < sizeof libs / sizeof *libs; i++)
        want |= strncmp(base, libs[i], strlen(libs[i])) == 0;
    for (int i = 0; want && i < info->dlpi_phnum && nranges < MAX_RANGES; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
            ranges[nranges].lo = info->dlpi_addr + ph->p_vaddr;
            ranges[nranges].hi = ranges[nranges].lo + ph->p_memsz;
            nranges++;
        }
    }
    return 0;
}

__attribute__((constructor)) static void setup(void)
{
    const char *s = getenv("LK_ALLOC_FAIL");
    if (s && sscanf(s, "%ld:%ld", &fail_at, &fail_count) < 1)
        fail_at = -1;
    const char *c = getenv("LK_ALLOC_COUNT");
    if (c)
        snprintf(count_file, sizeof count_file, "%s", c);
    dl_iterate_phdr(add_ranges, NULL);
}

__attribute__((destructor)) static void report(void)
{
    if (!count_file[0])
        return;
    int fd = open(count_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    char b[32];
    int n = snprintf(b, sizeof b, "%ld\n", atomic_load(&seen));
    if (fd >= 0) {
        (void)!write(fd, b, (size_t)n);
        close(fd);
    }
}

/* 1 if this allocation, called from caller, must fail. */
static int must_fail(const void *caller)
{
    uintptr_t a = (uintptr_t)caller;
    int ours = 0;
    for (int i = 0; i < nranges && !ours; i++)
        ours = a >= ranges[i].lo && a < ranges[i].hi;
    if (!ours)
        return 0;
    long k = atomic_fetch_add(&seen, 1) + 1;
    return fail_at > 0 && k >= fail_at && k < fail_at + fail_count;
}

void *malloc(size_t n)
{
    if (must_fail(__builtin_return_address(0)))
        return errno = ENOMEM, NULL;
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    if (must_fail(__builtin_return_address(0)))
        return errno = ENOMEM, NULL;
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    if (n && must_fail(__builtin_return_address(0)))
        return errno = ENOMEM, NULL;
    return __libc_realloc(p, n);
}

void *memalign(size_t align, size_t n)
{
    if (must_fail(__builtin_return_address(0)))
        return errno = ENOMEM, NULL;
    return __libc_memalign(align, n);
}

void *aligned_alloc(size_t align, size_t n)
{
    if (must_fail(__builtin_return_address(0)))
        return errno = ENOMEM, NULL;
    return __libc_memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    if (must_fail(__builtin_return_address(0)))
        return ENOMEM;
    if (align < sizeof(void *) || (align & (align - 1)))
        return EINVAL;
    void *p = __libc_memalign(align, n);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}
