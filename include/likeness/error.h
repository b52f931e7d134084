/*
 * likeness/error.h — error codes and the error buffer every stage fills.
 *
 * Every public function returns 0 (or a count) on success and a negative
 * LK_E* code on failure.  Functions that can fail for reasons a user must
 * see also take an optional `lk_errbuf *` and write a one-line, lowercase
 * message into it (no trailing period, no newline).  The codes have fixed
 * values: they may be stored and compared across versions.
 */
#ifndef LIKENESS_ERROR_H
#define LIKENESS_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define LK_API __attribute__((visibility("default")))
#else
#define LK_API
#endif

/** Error codes; fixed values, never renumbered. */
enum lk_error {
    LK_OK = 0,
    LK_ENOMEM = -1,     /**< out of memory */
    LK_EINVAL = -2,     /**< invalid argument (a caller's bug or bad option) */
    LK_EIO = -3,        /**< read or write failed */
    LK_ENOENT = -4,     /**< no such file */
    LK_EACCES = -5,     /**< permission denied */
    LK_EISDIR = -6,     /**< a directory where a file was expected */
    LK_EFORMAT = -7,    /**< unrecognised or unsupported file format */
    LK_ECORRUPT = -8,   /**< damaged or truncated data */
    LK_ETOOBIG = -9,    /**< dimensions or sizes beyond the supported limits */
    LK_ENOFRAMES = -10, /**< the media holds no video frame */
    LK_EDECODE = -11,   /**< the decoder failed on otherwise valid-looking data */
    LK_ENOTSUP = -12,   /**< feature not available (e.g. a SIMD level on this CPU) */
    LK_EVERSION = -13,  /**< incompatible feature version or parameters */
    LK_EDB = -14,       /**< catalog (SQLite) error */
    LK_ENOSPC = -15,    /**< no space left on device */
    LK_EROFS = -16,     /**< read-only file or file system */
    LK_EINTR = -17,     /**< interrupted by a signal */
    LK_EEXIST = -18,    /**< already exists */
    LK_ESTATE = -19,    /**< operation not valid in the object's state */
    LK_EBUSY = -20,     /**< the index is in use by another process (busy timeout) */
    LK_ERROR_MIN = -20  /**< lowest assigned code */
};

/** Room for one message, path included. */
#define LK_ERRMSG_MAX 512

/**
 * An error code plus a human-readable message.  Owned by the caller, usually
 * on the stack; functions write into it only on failure.
 */
typedef struct lk_errbuf {
    int code;                 /**< last LK_E* code written, 0 if none */
    char msg[LK_ERRMSG_MAX];  /**< NUL-terminated message, "" if none */
} lk_errbuf;

/**
 * Returns a static, lowercase description of an LK_E* code ("unknown error"
 * for anything else).  Thread-safe; never NULL.
 */
LK_API const char *lk_strerror(int code);

/** Resets @p err to "no error".  @p err may be NULL. */
LK_API void lk_errbuf_clear(lk_errbuf *err);

#ifdef __cplusplus
}
#endif
#endif
