/*
 * likeness/sha256.h — SHA-256 of byte strings and files (content identity of
 * media files and works).
 */
#ifndef LIKENESS_SHA256_H
#define LIKENESS_SHA256_H

#include <stddef.h>
#include <stdint.h>
#include "likeness/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** SHA-256 of a message in pieces. */
typedef struct lk_sha256_ctx {
    uint32_t h[8];       /**< chaining state */
    uint64_t len;        /**< bytes hashed so far */
    uint8_t buf[64];     /**< pending partial block */
} lk_sha256_ctx;

/** Starts a SHA-256 computation. */
LK_API void lk_sha256_init(lk_sha256_ctx *c);
/** Feeds @p n bytes. */
LK_API void lk_sha256_update(lk_sha256_ctx *c, const void *data, size_t n);
/** Writes the 32-byte digest. */
LK_API void lk_sha256_final(lk_sha256_ctx *c, uint8_t out[32]);
/**
 * Writes the 64 lowercase hex digits of @p digest and a NUL into @p hex
 * (the form reports and --resume files use).  Thread-safe.
 */
LK_API void lk_sha256_to_hex(const uint8_t digest[32], char hex[65]);
/**
 * SHA-256 of the file at @p path into @p out, its size into @p size.
 * Returns 0, LK_ENOENT, LK_EACCES, LK_EISDIR, LK_EIO (message names it).
 */
LK_API int lk_sha256_file(const char *path, uint8_t out[32], int64_t *size, lk_errbuf *err);

#ifdef __cplusplus
}
#endif
#endif
