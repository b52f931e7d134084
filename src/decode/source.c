/*
 * source.c — the one reading of a media file: every backend (libpng,
 * libjpeg, FFmpeg's I/O context) reads its bytes through an lki_source,
 * which computes the file's SHA-256 from exactly those bytes while they go
 * by, so a suspect is read once for its content hash and its pixels.
 *
 * Hash rule: `hashed` is the length of the prefix [0, hashed) already fed
 * to the SHA-256, in order.  A read that covers offset `hashed` extends the
 * prefix with the bytes beyond it; a read that starts past it (the reader
 * skipped or sought forward, e.g. FFmpeg jumping to an MP4 index at the
 * end) feeds nothing, and a read behind it (a seek back) feeds nothing
 * again.  lki_source_digest() reads and hashes whatever lies between
 * `hashed` and the end of the file, so the digest is always the SHA-256 of
 * the whole file, equal to lk_sha256_file()'s, however the reader moved;
 * usually that tail is empty or short (an index read out of order).
 *
 * The first LK_PROBE_BYTES are read at open and kept (the probe needs
 * them, and every backend starts by reading them again): reads inside
 * them are served from memory.  Reads use pread() at the source's own
 * position, so nothing depends on the descriptor's offset.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common/common.h"
#include "decode/decode_internal.h"

/* Bytes per read when hashing the unread tail. */
#define TAIL_CHUNK ((size_t)1 << 16)

/* Feeds the part of [at, at + n) that extends the hashed prefix. */
static void hash_span(lki_source *s, const uint8_t *buf, int64_t at, size_t n)
{
    int64_t end = at + (int64_t)n;
    if (s->finished || at > s->hashed || end <= s->hashed)
        return;
    lk_sha256_update(&s->sha, buf + (s->hashed - at), (size_t)(end - s->hashed));
    s->hashed = end;
}

int lki_source_stopped(const lki_source *s, lk_errbuf *err)
{
    return lki_err(err, LK_EINTR, "'%s': %s", s->path, lk_strerror(LK_EINTR));
}

/* One pread at offset at, EINTR retried; bytes read (0 at the end) or LK_E*
 * (LK_EINTR when the stop request is set). */
static int64_t read_at(lki_source *s, void *buf, size_t n, int64_t at, lk_errbuf *err)
{
    for (;;) {
        if (lki_interrupted(s))
            return lki_source_stopped(s, err);
        ssize_t r = pread(s->fd, buf, n, (off_t)at);
        if (r >= 0) {
            s->bytes_read += r;
            return r;
        }
        if (errno != EINTR)
            return lki_err(err, LK_EIO, "cannot read '%s': %s", s->path, strerror(errno));
    }
}

/* Checks the opened descriptor (a non-empty regular file) and makes its
 * reads blocking again. */
static int check_file(lki_source *s, lk_errbuf *err)
{
    struct stat st;
    if (fstat(s->fd, &st) < 0)
        return lki_err(err, LK_EIO, "cannot open '%s': %s", s->path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return lki_err(err, LK_EISDIR, "cannot open '%s': %s", s->path, lk_strerror(LK_EISDIR));
    if (!S_ISREG(st.st_mode))
        return lki_err(err, LK_EFORMAT, "'%s': not a regular file", s->path);
    if (st.st_size == 0)
        return lki_err(err, LK_EFORMAT, "'%s': empty file", s->path);
    int fl = fcntl(s->fd, F_GETFL);
    if (fl < 0 || fcntl(s->fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
        return lki_err(err, LK_EIO, "cannot open '%s': %s", s->path, strerror(errno));
    s->size = (int64_t)st.st_size;
    return 0;
}

/* The message and code of a failed open(). */
static int open_failure(const char *path, int e, lk_errbuf *err)
{
    if (e == ENXIO || e == EOPNOTSUPP) /* a socket, or a device without a driver */
        return lki_err(err, LK_EFORMAT, "'%s': not a regular file", path);
    int code = lki_err_from_errno(e);
    if (e == ELOOP)
        return lki_err(err, code, "cannot open '%s': too many levels of symbolic links", path);
    if (e == ENAMETOOLONG)
        return lki_err(err, code, "cannot open '%s': file name too long", path);
    return lki_err(err, code, "cannot open '%s': %s", path, lk_strerror(code));
}

/* Reads the head (up to LK_PROBE_BYTES) into s->head. */
static int read_head(lki_source *s, lk_errbuf *err)
{
    if (!(s->head = lki_malloc(LK_PROBE_BYTES)))
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", s->path);
    while (s->head_n < LK_PROBE_BYTES) {
        int64_t r = read_at(s, s->head + s->head_n, LK_PROBE_BYTES - s->head_n,
                            (int64_t)s->head_n, err);
        if (r < 0)
            return (int)r;
        if (r == 0)
            break;
        hash_span(s, s->head + s->head_n, (int64_t)s->head_n, (size_t)r);
        s->head_n += (size_t)r;
    }
    return 0;
}

int lki_source_open(lki_source *s, const char *path, const volatile sig_atomic_t *interrupt,
                    lk_errbuf *err)
{
    memset(s, 0, sizeof *s);
    s->path = path;
    s->interrupt = interrupt;
    lk_sha256_init(&s->sha);
    /* Non-blocking, so that a FIFO without a writer (or a device) cannot
     * block the open; no controlling terminal from a tty. */
    s->fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    s->is_open = s->fd >= 0;
    if (!s->is_open)
        return open_failure(path, errno, err);
    int rc = check_file(s, err);
    if (rc == 0)
        rc = read_head(s, err);
    if (rc < 0)
        lki_source_close(s);
    return rc;
}

int64_t lki_source_read(lki_source *s, void *buf, size_t n, lk_errbuf *err)
{
    if (lki_interrupted(s))
        return lki_source_stopped(s, err);
    if (n == 0)
        return 0;
    if (s->pos < (int64_t)s->head_n) {
        size_t take = LK_MIN(n, s->head_n - (size_t)s->pos);
        memcpy(buf, s->head + s->pos, take);
        s->pos += (int64_t)take;
        return (int64_t)take;
    }
    int64_t r = read_at(s, buf, n, s->pos, err);
    if (r > 0) {
        hash_span(s, buf, s->pos, (size_t)r);
        s->pos += r;
    }
    return r;
}

int64_t lki_source_seek(lki_source *s, int64_t offset, int whence)
{
    int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? s->pos
                 : whence == SEEK_END ? s->size : -1;
    if (base < 0 || (offset < 0 && offset < -base) || (offset > 0 && offset > INT64_MAX - base))
        return LK_EINVAL;
    s->pos = base + offset;
    return s->pos;
}

int lki_source_digest(lki_source *s, uint8_t out[32], int64_t *size, lk_errbuf *err)
{
    if (!s->finished) {
        uint8_t *buf = lki_malloc(TAIL_CHUNK);
        if (!buf)
            return lki_err(err, LK_ENOMEM, "'%s': out of memory", s->path);
        int64_t r;
        while ((r = read_at(s, buf, TAIL_CHUNK, s->hashed, err)) > 0)
            hash_span(s, buf, s->hashed, (size_t)r);
        lki_free(buf);
        if (r < 0)
            return (int)r;
        s->finished = 1;
        lk_sha256_final(&s->sha, s->digest);
    }
    memcpy(out, s->digest, 32);
    if (size)
        *size = s->hashed;
    return 0;
}

void lki_source_close(lki_source *s)
{
    if (s->is_open)
        close(s->fd);
    s->is_open = 0;
    s->fd = -1;
    lk_freep(&s->head);
    s->head_n = 0;
}
