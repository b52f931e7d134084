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

/** Formats seconds as HH:MM:SS.mmm into buf (at least 16 bytes). */
LK_API void lk_format_timecode(double seconds, char *buf, size_t n);

#ifdef __cplusplus
}
#endif
#endif
