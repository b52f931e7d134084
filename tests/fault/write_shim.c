/*
 * write_shim.c — an LD_PRELOAD library for tests only: makes writes,
 * syncs, truncations, renames and links of chosen files fail, as a full or
 * failing disk would.
 *
 *   LK_WRITE_FAIL="PATTERN:N:ERR[:OPS[:K]]"
 *
 * Calls of the operations OPS on a file whose path contains PATTERN fail
 * with errno ERR (EIO or ENOSPC) after the first N of them succeed; with
 * K, only K calls fail and later ones succeed again (space came back).
 * The first write that fails is a short one, as on a disk filling up: it
 * writes half of its bytes (at least one) and returns that count; the
 * following failing calls write nothing.  OPS is a comma-separated list of
 *
 *   write      write, pwrite, pwrite64, writev
 *   fsync      fsync, fdatasync
 *   ftruncate  ftruncate, ftruncate64
 *   rename     rename (PATTERN in the old or the new name)
 *   link       link, linkat (PATTERN in either name)
 *
 * and defaults to "write,fsync".  Only calls of the chosen operations on
 * matching files are counted.  A descriptor's path is read from
 * /proc/self/fd at each call; other files are untouched.
 * tests/cli/t0105-fault-writes.sh drives it.
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

enum { OP_WRITE = 1, OP_FSYNC = 2, OP_FTRUNCATE = 4, OP_RENAME = 8, OP_LINK = 16 };

static char pattern[256];
static long allow = -1;
static long nfail = -1; /* calls failing after the first `allow` (< 0: all) */
static int fail_errno = EIO;
static unsigned ops = OP_WRITE | OP_FSYNC;
static atomic_long seen;
static atomic_int ready;

/* The OP_* bits named in the comma-separated list s (0 if one is unknown). */
static unsigned parse_ops(const char *s)
{
    static const struct { const char *name; unsigned bit; } names[] = {
        { "write", OP_WRITE },       { "fsync", OP_FSYNC }, { "ftruncate", OP_FTRUNCATE },
        { "rename", OP_RENAME },     { "link", OP_LINK },
    };
    unsigned bits = 0;
    while (*s) {
        size_t n = strcspn(s, ",");
        unsigned bit = 0;
        for (size_t i = 0; i < sizeof names / sizeof *names; i++)
            if (strlen(names[i].name) == n && !strncmp(s, names[i].name, n))
                bit = names[i].bit;
        if (!bit)
            return 0;
        bits |= bit;
        s += n + (s[n] == ',');
    }
    return bits;
}

static void setup(void)
{
    if (atomic_load(&ready))
        return;
    const char *s = getenv("LK_WRITE_FAIL");
    char err[16] = "", list[128] = "";
    int n = s ? sscanf(s, "%255[^:]:%ld:%15[^:]:%127[^:]:%ld", pattern, &allow, err, list,
                       &nfail)
              : 0;
    if (n >= 2) {
        fail_errno = strcmp(err, "ENOSPC") == 0 ? ENOSPC : EIO;
        if (n >= 4 && !(ops = parse_ops(list))) {
            fprintf(stderr, "write_shim: bad operation list '%s'\n", list);
            abort();
        }
    } else {
        allow = -1;
    }
    atomic_store(&ready, 1);
}

/* 0 if a call of op on a file named by one of the paths goes through,
 * else 1 (errno set), or 2 for the first failing call; a and b may be
 * NULL. */
static int must_fail_paths(unsigned op, const char *a, const char *b)
{
    setup();
    if (allow < 0 || !(ops & op))
        return 0;
    if (!(a && strstr(a, pattern)) && !(b && strstr(b, pattern)))
        return 0;
    long k = atomic_fetch_add(&seen, 1);
    if (k < allow || (nfail >= 0 && k >= allow + nfail))
        return 0;
    errno = fail_errno;
    return k == allow ? 2 : 1;
}

/* must_fail_paths for fd. */
static int must_fail(unsigned op, int fd)
{
    setup();
    if (allow < 0 || !(ops & op))
        return 0;
    char link[64], target[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n <= 0)
        return 0;
    target[n] = '\0';
    return must_fail_paths(op, target, NULL);
}

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*writev_fn)(int, const struct iovec *, int);
typedef int (*sync_fn)(int);
typedef int (*truncate_fn)(int, off_t);
typedef int (*names_fn)(const char *, const char *);
typedef int (*linkat_fn)(int, const char *, int, const char *, int);

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
    int m = must_fail(OP_WRITE, fd);
    if (m == 2 && n > 1)
        return f(fd, buf, n / 2);
    return m ? -1 : f(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    static pwrite_fn f;
    if (!f)
        f = (pwrite_fn)next("pwrite");
    int m = must_fail(OP_WRITE, fd);
    if (m == 2 && n > 1)
        return f(fd, buf, n / 2, off);
    return m ? -1 : f(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    static pwrite_fn f;
    if (!f)
        f = (pwrite_fn)next("pwrite64");
    int m = must_fail(OP_WRITE, fd);
    if (m == 2 && n > 1)
        return f(fd, buf, n / 2, off);
    return m ? -1 : f(fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec *v, int n)
{
    static writev_fn f;
    if (!f)
        f = (writev_fn)next("writev");
    int m = must_fail(OP_WRITE, fd);
    if (m == 2 && n > 0 && v[0].iov_len > 1) {
        struct iovec half = { v[0].iov_base, v[0].iov_len / 2 };
        return f(fd, &half, 1);
    }
    return m ? -1 : f(fd, v, n);
}

int fsync(int fd)
{
    static sync_fn f;
    if (!f)
        f = (sync_fn)next("fsync");
    return must_fail(OP_FSYNC, fd) ? -1 : f(fd);
}

int fdatasync(int fd)
{
    static sync_fn f;
    if (!f)
        f = (sync_fn)next("fdatasync");
    return must_fail(OP_FSYNC, fd) ? -1 : f(fd);
}

int ftruncate(int fd, off_t len)
{
    static truncate_fn f;
    if (!f)
        f = (truncate_fn)next("ftruncate");
    return must_fail(OP_FTRUNCATE, fd) ? -1 : f(fd, len);
}

/* off_t is 64 bits wide where these tests run (x86-64, aarch64), so the
 * 64-bit variant, which _FILE_OFFSET_BITS=64 callers use, has the same
 * type. */
int ftruncate64(int fd, off_t len)
{
    static truncate_fn f;
    if (!f)
        f = (truncate_fn)next("ftruncate64");
    return must_fail(OP_FTRUNCATE, fd) ? -1 : f(fd, len);
}

int rename(const char *from, const char *to)
{
    static names_fn f;
    if (!f)
        f = (names_fn)next("rename");
    return must_fail_paths(OP_RENAME, from, to) ? -1 : f(from, to);
}

int link(const char *from, const char *to)
{
    static names_fn f;
    if (!f)
        f = (names_fn)next("link");
    return must_fail_paths(OP_LINK, from, to) ? -1 : f(from, to);
}

int linkat(int dfrom, const char *from, int dto, const char *to, int flags)
{
    static linkat_fn f;
    if (!f)
        f = (linkat_fn)next("linkat");
    return must_fail_paths(OP_LINK, from, to) ? -1 : f(dfrom, from, dto, to, flags);
}
