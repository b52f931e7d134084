/*
 * atomic_file.h — writing a file so that its name shows either the old
 * content (or nothing) or the complete new content, never a part
 * (git's lockfile.h serves the same purpose).
 *
 * The content goes to a temporary file in the destination's directory
 * (PATH.tmp.<pid>.<n>, created exclusively), which lki_afile_commit()
 * then renames over PATH (or, with LKI_AFILE_NOREPLACE, links to PATH
 * only if PATH does not exist yet).
 *
 * Durability, stated once for every writer of the library: before the
 * rename the file is fsynced (a failure is an error and PATH is left as
 * it was), so the new name never points at data a power cut could lose;
 * after it the directory is fsynced, so the new name itself survives a
 * power cut.  A failure of that last sync is not reported: the file is
 * complete and in place either way (some file systems cannot sync a
 * directory), only the rename might be undone by a crash.  There is no
 * "no fsync" option: the library's writers (the search segment, a new
 * index, evidence pictures) are few and each costs far more to compute
 * than to sync.
 *
 * Permissions: the temporary file is created with open(2)'s mode, so the
 * process's umask applies (mode 0666 gives what any new file gets).
 *
 * Not thread-safe per object; distinct objects may be used concurrently.
 */
#ifndef LK_ATOMIC_FILE_H
#define LK_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>
#include "likeness/error.h"

/** lki_afile_open flags. */
enum lki_afile_flags {
    LKI_AFILE_NOREPLACE = 1u << 0 /* commit fails with LK_EEXIST if PATH exists */
};

/*
 * One file being written.  Invariants: between open and commit/abort,
 * fd is open on tmp, a file this object created; after either, every
 * field is zero (fd -1) and nothing is left on disk but PATH.
 */
typedef struct lki_afile {
    char *path;        /* destination (owned copy) */
    char *tmp;         /* temporary file beside it (owned) */
    int fd;            /* open for writing on tmp, or -1 */
    unsigned flags;    /* enum lki_afile_flags */
    const char *what;  /* names the file in messages, e.g. "evidence" (static) */
} lki_afile;

/*
 * Creates the temporary file for @p path with permission bits @p mode
 * (before the umask).  Messages read "cannot write <what> '<path>': ...".
 * Another writer (thread or process) may write the same path at once:
 * the last commit wins.  On success the caller may also write af->tmp by
 * name (e.g. hand it to SQLite) while af->fd stays open.  Returns 0,
 * LK_ENOENT, LK_EACCES, LK_EROFS, LK_ENOSPC, LK_ENOMEM or LK_EIO; on
 * failure *af is released.
 */
int lki_afile_open(lki_afile *af, const char *path, mode_t mode, unsigned flags,
                   const char *what, lk_errbuf *err);

/* Appends @p n bytes.  Returns 0 or < 0 (then abort: the file is not usable). */
int lki_afile_write(lki_afile *af, const void *data, size_t n, lk_errbuf *err);

/*
 * Syncs, closes and renames (or links) the temporary file into place, then
 * syncs the directory (see the durability note above).  Always releases
 * *af, removing the temporary file on failure.  Returns 0, LK_EEXIST
 * (LKI_AFILE_NOREPLACE and PATH exists: PATH is untouched) or the error
 * of the failing step (LK_ENOSPC, LK_EIO, ...).
 */
int lki_afile_commit(lki_afile *af, lk_errbuf *err);

/* Abandons the file: closes and removes the temporary file, releases *af.
 * Harmless on a released object (after commit, abort or a failed open). */
void lki_afile_abort(lki_afile *af);

/* lki_afile_open, one write of @p n bytes at @p data, lki_afile_commit. */
int lki_write_file_atomic(const char *path, mode_t mode, unsigned flags, const void *data,
                          size_t n, const char *what, lk_errbuf *err);

#endif
