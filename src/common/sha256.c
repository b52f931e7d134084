/*
 * sha256.c — SHA-256, the content hash that identifies an indexed file (a
 * file is "already indexed" when its digest is), computed by libavutil's
 * av_sha (a well-kept implementation we link anyway for decoding).
 *
 * lk_sha256_ctx holds the AVSHA in place: av_sha_size is a run-time value,
 * checked against the room reserved (LK_SHA256_STATE_BYTES) at every
 * init, so nothing is allocated per hash.  The FFmpeg type stays in this
 * file.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libavutil/sha.h>
#include "common/common.h"
#include "common/hex.h"
#include "likeness/sha256.h"

static struct AVSHA *state(lk_sha256_ctx *c)
{
    return (struct AVSHA *)(void *)c->state.bytes;
}

LK_API int lk_sha256_init(lk_sha256_ctx *c)
{
    if (av_sha_size < 0 || (size_t)av_sha_size > sizeof c->state)
        return LK_ENOTSUP;
    int rc = av_sha_init(state(c), 256);
    return LK_ALWAYS(rc == 0) ? 0 : LK_ENOTSUP;
}

LK_API void lk_sha256_update(lk_sha256_ctx *c, const void *data, size_t n)
{
    av_sha_update(state(c), data, n);
}

LK_API void lk_sha256_final(lk_sha256_ctx *c, uint8_t out[32])
{
    av_sha_final(state(c), out);
}

LK_API int lk_sha256_file(const char *path, uint8_t out[32], int64_t *size, lk_errbuf *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int code = lki_err_from_errno(errno);
        return lki_err(err, code, "cannot open '%s': %s", path, lk_strerror(code));
    }
    struct stat sb;
    if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        close(fd);
        return lki_err(err, LK_EISDIR, "cannot open '%s': is a directory", path);
    }
    enum { CHUNK = 1 << 16 };
    uint8_t *buf = lki_malloc(CHUNK);
    if (!buf) {
        close(fd);
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", path);
    }
    lk_sha256_ctx c;
    if (lk_sha256_init(&c) < 0) {
        lki_free(buf);
        close(fd);
        return lki_err(err, LK_ENOTSUP, "'%s': libavutil's SHA-256 state does not fit", path);
    }
    int64_t total = 0;
    ssize_t got;
    while ((got = read(fd, buf, CHUNK)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            lki_free(buf);
            close(fd);
            return lki_err(err, lki_err_from_errno(e), "cannot read '%s': %s", path, strerror(e));
        }
        lk_sha256_update(&c, buf, (size_t)got);
        total += got;
    }
    lki_free(buf);
    close(fd);
    if (size)
        *size = total;
    lk_sha256_final(&c, out);
    return 0;
}

LK_API void lk_sha256_to_hex(const uint8_t digest[32], char hex[65])
{
    lki_hex_encode(digest, 32, hex);
}
