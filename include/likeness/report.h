/*
 * likeness/report.h — turning results into text for people and programs.
 *
 * A writer formats onto a stdio stream it does not own.  JSON goes through
 * cJSON; JSON Lines writers emit each line whole with one fwrite and flush,
 * so an interrupted run never leaves a partial line.
 */
#ifndef LIKENESS_REPORT_H
#define LIKENESS_REPORT_H

#include <stdio.h>
#include "likeness/error.h"
#include "likeness/decode.h"
#include "likeness/features.h"
#include "likeness/match.h"
#include "likeness/scan.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Output formats of `likeness hash`. */
enum lk_hash_format {
    LK_HASHFMT_TABLE = 0, /**< aligned text for people */
    LK_HASHFMT_JSON = 1,  /**< one JSON document for the whole run */
    LK_HASHFMT_JSONL = 2, /**< one JSON object per frame (and per failed file) */
    LK_HASHFMT_PDQ = 3,   /**< reference pdq-photo-hasher "hash,quality,file[,time]" */
    LK_HASHFMT_VPDQ = 4   /**< reference vPDQ "frame,quality,hash,timestamp" */
};

/** Writer flags. */
enum lk_hash_writer_flags {
    LK_HW_DIHEDRAL = 1u << 0, /**< include the 8 PDQ dihedral hashes (JSON forms) */
    LK_HW_STYLE = 1u << 1     /**< include the style descriptor in hex (JSON forms) */
};

/** Formats per-frame features of a run of files. */
typedef struct lk_hash_writer lk_hash_writer;

/**
 * Creates a writer onto @p fp (not owned; must outlive the writer).
 * Returns 0, LK_EINVAL (unknown format) or LK_ENOMEM.  Free with
 * lk_hash_writer_free().
 */
LK_API int lk_hash_writer_new(lk_hash_writer **out, FILE *fp, int format, unsigned flags);

/** Starts the report of one file; @p path is printed exactly as given. */
LK_API int lk_hash_writer_begin(lk_hash_writer *w, const char *path, const lk_media_info *info);

/** Adds one frame of the current file. */
LK_API int lk_hash_writer_frame(lk_hash_writer *w, const lk_frame *frame, const lk_features *f);

/**
 * Ends the current file.  @p errmsg, when non-NULL, records that the file
 * failed (after any frames already written) with that message.
 */
LK_API int lk_hash_writer_end(lk_hash_writer *w, const char *errmsg);

/**
 * Reports a file that could not be opened at all (no begin/end needed).
 */
LK_API int lk_hash_writer_fail(lk_hash_writer *w, const char *path, const char *errmsg);

/** Finishes the output (closes the JSON document).  Returns 0 or LK_EIO. */
LK_API int lk_hash_writer_finish(lk_hash_writer *w);

/** Frees *w (NULL allowed) and sets it to NULL; does not close the stream. */
LK_API void lk_hash_writer_free(lk_hash_writer **w);

/* ---- scan reports ---------------------------------------------------- */

/** Output formats of `likeness scan`. */
enum lk_scan_format {
    LK_SCANFMT_TEXT = 0,  /**< readable report per suspect */
    LK_SCANFMT_JSON = 1,  /**< one JSON array of suspect objects for the run */
    LK_SCANFMT_JSONL = 2  /**< one JSON object per suspect per line */
};

/** Scan writer flags. */
enum lk_scan_writer_flags {
    LK_SW_COLOR = 1u << 0,  /**< ANSI colours in text (caller checks isatty, NO_COLOR) */
    LK_SW_QUIET = 1u << 1   /**< text: print nothing for clean suspects */
};

/**
 * Writes one suspect's report to @p fp in @p format (enum lk_scan_format).
 * JSON Lines: one line, one fwrite, flushed.  JSON: call with @p first = 1
 * for the first suspect, then lk_scan_write_end() once after the last
 * (prints "[]" when there was none).  Returns 0, LK_ENOMEM or LK_EIO.
 */
LK_API int lk_scan_write(FILE *fp, int format, unsigned flags, const lk_scan_result *r,
                         int first);

/**
 * Appends one suspect's report as one JSON line to the file open at @p fd
 * (a --resume file): one write of the whole line; when it fails (disk
 * full, I/O error), the file is cut back to its length before the call, so
 * it holds only whole lines and a later append, once space returns, follows
 * a whole line.  Returns 0, LK_ENOSPC, LK_EIO, LK_ENOMEM or LK_EINVAL.
 * Not thread-safe for one fd.
 */
LK_API int lk_scan_append_jsonl(int fd, const lk_scan_result *r);

/** Closes the JSON array (format LK_SCANFMT_JSON); @p any = 0 if nothing was written. */
LK_API int lk_scan_write_end(FILE *fp, int format, int any);

/** Human name of a PDQ dihedral variant: "as is", "mirrored left-right", ... */
LK_API const char *lk_variant_name(int variant);

/**
 * Writes a PNG with @p left and @p right (RGB24 or GRAY8) side by side on
 * a dark background, each centred vertically, separated by a gap.  The
 * file is written to a temporary name beside @p path, fsynced and renamed
 * into place (an existing file is replaced; a reader never sees a partial
 * picture), with mode 0666 less the process's umask.  Thread-safe.
 * Returns 0, LK_EINVAL, LK_ENOMEM, LK_ENOENT (no such directory),
 * LK_EACCES, LK_ENOSPC or LK_EIO, with a message naming @p path.
 */
LK_API int lk_evidence_write_png(const char *path, const lk_image *left, const lk_image *right,
                                 lk_errbuf *err);

/** Formats seconds as HH:MM:SS.mmm into buf (at least 16 bytes). */
LK_API void lk_format_timecode(double seconds, char *buf, size_t n);

#ifdef __cplusplus
}
#endif
#endif
