/*
 * likeness/sha256.h — SHA-256 of byte strings and files (content identity of
 * media files and works), computed by libavutil's av_sha.
 */
#ifndef LIKENESS_SHA256_H
#define LIKENESS_SHA256_H

#include <stddef.h>
#include <stdint.h>
#include "likeness/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes reserved in lk_sha256_ctx for libavutil's state (av_sha_size,
 *  120 in libavutil 57: room to spare for its growth). */
#define LK_SHA256_STATE_BYTES 256

/**
 * SHA-256 of a message in pieces: libavutil's AVSHA state, held in place
 * (no allocation, nothing to free; copyable between computations, not
 * during one).  Opaque: use the functions below only.
 */
typedef struct lk_sha256_ctx {
    union {
        unsigned char bytes[LK_SHA256_STATE_BYTES]; /**< the AVSHA */
        uint64_t align_u64;                          /**< alignment only */
        void *align_ptr;                             /**< alignment only */
        double align_dbl;                            /**< alignment only */
    } state;
} lk_sha256_ctx;

/**
 * Starts a SHA-256 computation in @p c.  Returns 0, or LK_ENOTSUP when
 * the libavutil linked at run time needs more than LK_SHA256_STATE_BYTES
 * (then @p c must not be used; rebuild likeness against it).  Thread-safe
 * on distinct contexts.
 */
LK_API int lk_sha256_init(lk_sha256_ctx *c);
/** Feeds @p n bytes to a context started by lk_sha256_init(). */
LK_API void lk_sha256_update(lk_sha256_ctx *c, const void *data, size_t n);
/** Writes the 32-byte digest; @p c must be started again before reuse. */
LK_API void lk_sha256_final(lk_sha256_ctx *c, uint8_t out[32]);
/**
 * Writes the 64 lowercase hex digits of @p digest and a NUL into @p hex
 * (the form reports and --resume files use).  Thread-safe.
 */
LK_API void lk_sha256_to_hex(const uint8_t digest[32], char hex[65]);
/**
 * SHA-256 of the file at @p path into @p out, its size into @p size.
 * Returns 0, LK_ENOENT, LK_EACCES, LK_EISDIR, LK_EIO, LK_ENOMEM or
 * LK_ENOTSUP (see lk_sha256_init), with a message naming @p path.
 */
LK_API int lk_sha256_file(const char *path, uint8_t out[32], int64_t *size, lk_errbuf *err);

#ifdef __cplusplus
}
#endif
#endif
