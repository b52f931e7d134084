/*
 * write_shim.c — an LD_PRELOAD library for tests only: makes writes and
 * syncs of chosen files fail, as a full or failing disk would.
 *
 *   LK_WRITE_FAIL="PATTERN:N:ERR"  calls of write, pwrite, pwrite64, writev,
 *                                  fsync and fdatasync on a descriptor whose
 *                                  path contains PATTERN fail with errno ERR
 *                                  (EIO or ENOSPC) after the first N succeed
 *
 * The path is read from /proc/self/fd at each call; other descriptors are
 * untouched.  tests/cli/t0105-fault-writes.sh drives it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static char pattern[256];
static long allow = -1;
static int fail_errno = EIO;
static atomic_long seen;
static atomic_int ready;

static void setup(void)
{
    if (atomic_load(&ready))
        return;
    const char *s = getenv("LK_WRITE_FAIL");
    char err[16] = "";
    if (s && sscanf(s, "%255[^:]:%ld:%15s", pattern, &allow, err) >= 2)
        fail_errno = strcmp(err, "ENOSPC") == 0 ? ENOSPC : EIO;
    else
        allow = -1;
    atomic_store(&ready, 1);
}

/* 1 if this call on fd must fail (errno set). */
static int must_fail(int fd)
{
    setup();
    if (allow < 0)
        return 0;
    char link[64], target[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n <= 0)
        return 0;
    target[n] = '\0';
    if (!strstr(target, pattern))
        return 0;
    if (atomic_fetch_add(&seen, 1) < allow)
        return 0;
    errno = fail_errno;
    return 1;
}

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*writev_fn)(int, const struct iovec *, int);
typedef int (*sync_fn)(int);

/* The next definition of name (libc's). */
static void *next(const char *name)
{
    return dlsym(RTLD_NEXT, name);
}

ssize_t write(int fd, const void *buf, size_t n)
{
    static write_fn f;
    if (!f)
        f = (write_fn)next("write");
    return must_fail(fd) ? -1 : f(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    static pwrite_fn f;
    if (!f)
        f = (pwrite_fn)next("pwrite");
    return must_fail(fd) ? -1 : f(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    static pwrite_fn f;
    if (!f)
        f = (pwrite_fn)next("pwrite64");
    return must_fail(fd) ? -1 : f(fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec *v, int n)
{
    static writev_fn f;
    if (!f)
        f = (writev_fn)next("writev");
    return must_fail(fd) ? -1 : f(fd, v, n);
}

int fsync(int fd)
{
    static sync_fn f;
    if (!f)
        f = (sync_fn)next("fsync");
    return must_fail(fd) ? -1 : f(fd);
}

int fdatasync(int fd)
{
    static sync_fn f;
    if (!f)
        f = (sync_fn)next("fdatasync");
    return must_fail(fd) ? -1 : f(fd);
}
