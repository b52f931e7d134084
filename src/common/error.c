/*
 * error.c — error codes to text, and filling an lk_errbuf.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "common/common.h"

static const char *const messages[] = {
    "success",
    "out of memory",
    "invalid argument",
    "input/output error",
    "no such file or directory",
    "permission denied",
    "is a directory",
    "unsupported file format",
    "damaged or truncated data",
    "too large",
    "no video frames",
    "decoding failed",
    "not supported",
    "incompatible version or parameters",
    "catalog error",
    "no space left on device",
    "read-only file system",
    "interrupted",
    "already exists",
    "invalid state",
    "in use by another process",
};

LK_API const char *lk_strerror(int code)
{
    if (code > 0 || code < LK_ERROR_MIN)
        return "unknown error";
    return messages[-code];
}

LK_API void lk_errbuf_clear(lk_errbuf *err)
{
    if (!err)
        return;
    err->code = 0;
    err->msg[0] = '\0';
}

int lki_err(lk_errbuf *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

int lki_err_from_errno(int e)
{
    switch (e) {
    case ENOMEM: return LK_ENOMEM;
    case ENOENT: case ENOTDIR: case ELOOP: case ENAMETOOLONG: return LK_ENOENT;
    case EACCES: case EPERM: return LK_EACCES;
    case EISDIR: return LK_EISDIR;
    case ENOSPC: case EDQUOT: return LK_ENOSPC;
    case EROFS: return LK_EROFS;
    case EINTR: return LK_EINTR;
    case EEXIST: return LK_EEXIST;
    case EFBIG: case E2BIG: return LK_ETOOBIG;
    case EINVAL: return LK_EINVAL;
    default: return LK_EIO;
    }
}
