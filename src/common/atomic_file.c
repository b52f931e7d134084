/*
 * atomic_file.c — temp file, fsync, rename (or link), fsync of the
 * directory: the one way the library replaces a file (atomic_file.h).
 *
 * Temporary names are PATH.tmp.<pid>.<n> with n from a process-wide
 * counter, created with O_EXCL: unique among the threads of a process and
 * among processes; a leftover of a crashed process that had the same pid
 * only makes the counter move on.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "common/common.h"
#include "common/atomic_file.h"

/* Attempts at a fresh temporary name before giving up. */
#define TMP_TRIES 64

static unsigned tmp_counter;

static void release(lki_afile *af)
{
    lki_free(af->path);
    lki_free(af->tmp);
    memset(af, 0, sizeof *af);
    af->fd = -1;
}

/* Fills err from errno value e for af and returns the LK_E* code. */
static int fail(const lki_afile *af, const char *path, int e, lk_errbuf *err)
{
    int code = lki_err_from_errno(e);
    return lki_err(err, code, "cannot write %s '%s': %s", af->what, path, strerror(e));
}

/* Creates af->tmp exclusively; returns the fd or -1 (errno set). */
static int create_tmp(lki_afile *af, size_t cap, mode_t mode)
{
    for (int t = 0; t < TMP_TRIES; t++) {
        unsigned n = __atomic_fetch_add(&tmp_counter, 1, __ATOMIC_RELAXED);
        int len = snprintf(af->tmp, cap, "%s.tmp.%ld.%u", af->path, (long)getpid(), n);
        LK_ASSERT(len > 0 && (size_t)len < cap);
        (void)len;
        int fd = open(af->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

int lki_afile_open(lki_afile *af, const char *path, mode_t mode, unsigned flags,
                   const char *what, lk_errbuf *err)
{
    memset(af, 0, sizeof *af);
    af->fd = -1;
    af->flags = flags;
    af->what = what;
    size_t cap = strlen(path) + 48; /* ".tmp." + two decimal numbers */
    af->path = lki_strdup(path);
    af->tmp = lki_malloc(cap);
    if (!af->path || !af->tmp) {
        release(af);
        return lki_err(err, LK_ENOMEM, "cannot write %s '%s': out of memory", what, path);
    }
    af->fd = create_tmp(af, cap, mode);
    if (af->fd < 0) {
        int rc = fail(af, path, errno, err);
        release(af);
        return rc;
    }
    return 0;
}

int lki_afile_write(lki_afile *af, const void *data, size_t n, lk_errbuf *err)
{
    const unsigned char *p = data;
    while (n) {
        ssize_t w = write(af->fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return fail(af, af->path, errno, err);
        p += w, n -= (size_t)w;
    }
    return 0;
}

/* fsyncs the directory holding path, best effort (see the header). */
static void sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = NULL;
    if (slash && slash != path) {
        size_t n = (size_t)(slash - path);
        if ((dir = lki_malloc(n + 1))) {
            memcpy(dir, path, n);
            dir[n] = '\0';
        }
    }
    const char *d = dir ? dir : slash ? "/" : ".";
    int fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    lki_free(dir);
}

/* Puts tmp in place: rename, or link without replacing.  0 or errno. */
static int put_in_place(const lki_afile *af)
{
    if (!(af->flags & LKI_AFILE_NOREPLACE))
        return rename(af->tmp, af->path) == 0 ? 0 : errno;
    int e = link(af->tmp, af->path) == 0 ? 0 : errno;
    unlink(af->tmp);
    return e;
}

int lki_afile_commit(lki_afile *af, lk_errbuf *err)
{
    if (LK_NEVER(af->fd < 0))
        return lki_err(err, LK_ESTATE, "cannot write %s: not open", af->what);
    int e = fsync(af->fd) == 0 ? 0 : errno;
    if (close(af->fd) != 0 && !e)
        e = errno;
    af->fd = -1;
    if (!e && (e = put_in_place(af)) == EEXIST && (af->flags & LKI_AFILE_NOREPLACE)) {
        int rc = lki_err(err, LK_EEXIST, "cannot write %s '%s': already exists", af->what,
                         af->path);
        release(af);
        return rc;
    }
    int rc = 0;
    if (e) {
        rc = fail(af, af->path, e, err);
        unlink(af->tmp);
    } else {
        sync_dir(af->path);
    }
    release(af);
    return rc;
}

void lki_afile_abort(lki_afile *af)
{
    if (af->fd >= 0) {
        close(af->fd);
        unlink(af->tmp);
    }
    release(af);
}

int lki_write_file_atomic(const char *path, mode_t mode, unsigned flags, const void *data,
                          size_t n, const char *what, lk_errbuf *err)
{
    lki_afile af;
    LK_TRY(lki_afile_open(&af, path, mode, flags, what, err));
    int rc = lki_afile_write(&af, data, n, err);
    if (rc < 0) {
        lki_afile_abort(&af);
        return rc;
    }
    return lki_afile_commit(&af, err);
}
