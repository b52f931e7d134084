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

/** Starts the report of one file; @p path is printed as given, escaped
 *  in the text forms (lk_text_escape) and made valid UTF-8 in JSON
 *  (lk_json_make_valid). */
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
    LK_SCANFMT_JSONL = 2, /**< one JSON object per suspect per line */
    LK_SCANFMT_CSV = 3    /**< one row per segment (and per style resemblance, or one
                               row for a suspect with neither), RFC 4180, header first */
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
 * (prints "[]" when there was none).  CSV: @p first = 1 writes the header
 * row first; the suspect's rows are written with one fwrite, flushed.
 * Returns 0, LK_ENOMEM or LK_EIO.
 */
LK_API int lk_scan_write(FILE *fp, int format, unsigned flags, const lk_scan_result *r,
                         int first);

/**
 * Appends one suspect's report as one JSON line to the file open at @p fd
 * (a --resume file): one write of the whole line; when it fails (disk
 * full, I/O error), the file is cut back to its length before the call, so
 * it holds only whole lines and a later append, once space returns, follows
 * a whole line.  When @p fd is open for reading too (O_RDWR), a partial
 * line left because that cut failed as well is cut off before the next
 * append (nothing is appended while it cannot be).  Returns 0, LK_ENOSPC,
 * LK_EIO, LK_ENOMEM or LK_EINVAL.  Not thread-safe for one fd; one writer
 * per file (another process's line being written could be taken for a
 * partial one).
 */
LK_API int lk_scan_append_jsonl(int fd, const lk_scan_result *r);

/** Ends the output: closes the JSON array (LK_SCANFMT_JSON), or writes the
 *  CSV header when no suspect was written (LK_SCANFMT_CSV); @p any = 0 if
 *  nothing was written.  Returns 0 or LK_EIO. */
LK_API int lk_scan_write_end(FILE *fp, int format, int any);

/**
 * The text report's summary line of a run: "3 suspects scanned: 2 match,
 * 1 clean", verdicts with no suspect left out, and "(N already reported,
 * skipped)" when @p skipped.  @p counts[v] is the number of suspects of
 * verdict v (enum lk_verdict).  Returns 0 or LK_EIO.
 */
LK_API int lk_scan_write_summary(FILE *fp, const size_t counts[4], size_t skipped);

/* ---- the HTML report (src/report/scan_set.c, html.c) ---------------- */

/**
 * The suspects of one report, gathered from scans (lk_scan_report_add) or
 * from saved JSON (lk_scan_report_read), kept in their JSON form so that a
 * report made during a scan and one made later from its JSON Lines are the
 * same.  Not thread-safe: one thread adds and writes.
 */
typedef struct lk_scan_report lk_scan_report;

/** Creates an empty report.  Returns 0 or LK_ENOMEM; free with lk_scan_report_free(). */
LK_API int lk_scan_report_new(lk_scan_report **out);

/** Frees *rep (NULL allowed) and sets it to NULL. */
LK_API void lk_scan_report_free(lk_scan_report **rep);

/** Number of suspects in @p rep. */
LK_API size_t lk_scan_report_count(const lk_scan_report *rep);

/**
 * Adds a copy of @p r (nothing of it is kept; skipped results are left
 * out).  Relative evidence paths are read from the current directory.
 * Returns 0 or LK_ENOMEM.
 */
LK_API int lk_scan_report_add(lk_scan_report *rep, const lk_scan_result *r);

/**
 * Adds the suspects of saved scan output read from @p fp: JSON Lines (a
 * --jsonl or --resume file; blank lines ignored) or one JSON array or
 * object (--json).  @p name names the input in messages, and a relative
 * evidence path that does not exist from the current directory is looked
 * for next to @p name too.  Returns the number of suspects added, or
 * LK_ECORRUPT (not JSON, or not scan output: each object needs "file" and
 * "verdict"), LK_EIO or LK_ENOMEM with a message naming @p name and the line.
 */
LK_API long lk_scan_report_read(lk_scan_report *rep, FILE *fp, const char *name,
                                lk_errbuf *err);

/**
 * Writes @p rep as one self-contained HTML page onto @p fp: inline CSS and
 * SVG, evidence pictures embedded as data: URIs, a Content-Security-Policy
 * that forbids every load, no script; readable without JavaScript and
 * printable.  A summary (suspects, verdict counts, each run's index
 * identity, parameters, date and tool version), then per suspect its
 * verdict and per matched work a card (owner, title, work id, reference
 * files, score in words, an SVG timeline of the segments on both clocks,
 * the frame pairs with times, frame numbers and matched regions, a table of
 * the segments), style resemblances apart as weaker evidence, and the
 * errors.  A picture that cannot be read is named instead.  Returns 0,
 * LK_ENOMEM or LK_EIO (with a message in @p err).
 */
LK_API int lk_scan_report_html(const lk_scan_report *rep, FILE *fp, lk_errbuf *err);

/** Human name of a PDQ dihedral variant: "as is", "mirrored left-right", ... */
LK_API const char *lk_variant_name(int variant);

/**
 * A score in words, for people: "very strong" (>= 0.85), "strong" (>= 0.7),
 * "moderate" (>= 0.5, the default --min-score), "weak" (>= 0.3), "very
 * weak" (> 0), "none".  The bands are as provisional as the scores
 * (src/match/score.c).  Returns a static string.  Thread-safe.
 */
LK_API const char *lk_score_words(double score);

/**
 * The chance of a match, in words (lk_scan_match.chance: matches that
 * strong expected by chance per scanned suspect): "about 1 in 740
 * suspects", "about 1 in 3 x 10^33 suspects", "about 0.8 per suspect
 * (weak)".  Writes at most @p n bytes to @p buf and returns it.
 * Thread-safe.
 */
LK_API const char *lk_chance_words(double chance, char *buf, size_t n);

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

/** One side of a labelled evidence picture.  Strings are borrowed for the call. */
typedef struct lk_evidence_side {
    const lk_image *image;    /**< the whole picture (RGB24 or GRAY8) */
    lk_rect region;           /**< matched region in image pixels, outlined; width 0: none */
    const char *region_name;  /**< e.g. "centre 80%", or NULL */
    const char *file;         /**< the file's path */
    const char *sha256;       /**< its hex SHA-256, or NULL */
    double time;              /**< seconds into the file */
    int64_t frame;            /**< frame number (display order from 0), < 0 unknown */
    int still;                /**< 1: a still picture (no time is drawn) */
} lk_evidence_side;

/** What a labelled evidence picture shows and says. */
typedef struct lk_evidence_info {
    lk_evidence_side suspect;    /**< drawn on the left, labelled SUSPECT */
    lk_evidence_side reference;  /**< drawn on the right, labelled REFERENCE */
    const char *work_id, *title, *owner; /**< the matched work */
    double score;                /**< the work's score in [0,1] */
    double distance;             /**< the segment's mean PDQ distance, bits of 256;
                                      < 0: local features alone found it */
    const char *transform;       /**< lk_variant_name of the copy, or NULL */
    const char *software;        /**< e.g. "likeness 0.1.0", or NULL */
} lk_evidence_info;

/**
 * Writes a labelled evidence PNG: a heading (work, owner, id, score in
 * numbers and words, distance with its scale, transform), the suspect and
 * the reference side by side with their matched regions outlined, and under
 * each its role, file name, time and frame number (stills: no time) and
 * region, drawn in a built-in bitmap font (ASCII; other characters as '?').
 * The same facts, file paths and hashes whole, are stored as PNG iTXt
 * chunks (keys "Title", "Software", "Description", "Suspect", "Suspect
 * SHA-256", "Suspect time", "Suspect frame", "Suspect region", the same for
 * "Reference", "Work", "Work ID", "Owner", "Score", "Distance",
 * "Transform").  Written to a temporary name (mode 0666 less the umask) and
 * renamed into place.  Returns 0 or LK_EIO / LK_ENOMEM / LK_EINVAL, with a
 * message naming @p path.  Thread-safe for distinct paths.
 */
LK_API int lk_evidence_write(const char *path, const lk_evidence_info *ev, lk_errbuf *err);

/* ---- untrusted text in output (src/report/text_escape.c) ------------ */

/**
 * Escapes @p s (NULL is taken as "") for a terminal or a line of a log:
 * "\\" for a backslash, "\n", "\t", "\r", "\xHH" (lowercase) for every
 * other C0 control and DEL, for both bytes of a C1 control (U+0080 to
 * U+009F) and for every byte that is not part of valid UTF-8; other valid
 * UTF-8 is kept.  Writes at most @p n bytes with the NUL into @p out,
 * never splitting an escape.  Returns the length of the whole escaped form
 * (NUL excluded), as snprintf does.  Thread-safe.
 */
LK_API size_t lk_text_escape(const char *s, char *out, size_t n);

/** Writes the escaped form of @p s (lk_text_escape) to @p fp.  Returns 0
 *  or LK_EIO.  Thread-safe as stdio is. */
LK_API int lk_text_escape_fputs(const char *s, FILE *fp);

struct cJSON;
/**
 * Makes every string of the cJSON tree @p root valid UTF-8, so that it
 * prints as valid JSON: each byte that is not part of a valid sequence
 * becomes U+FFFD, and a string that was a member "<key>" of an object gets
 * a sibling member "<key>_bytes" with its original bytes in lowercase hex.
 * Returns 0 or LK_ENOMEM (the tree is then partly fixed).  Not thread-safe
 * for one tree.
 */
LK_API int lk_json_make_valid(struct cJSON *root);

/**
 * The reverse of lk_json_make_valid() on a parsed tree: each string member
 * "<key>" with a string sibling "<key>_bytes" of valid hex gets back the
 * original bytes (the "_bytes" members stay).  Returns 0 or LK_ENOMEM.
 */
LK_API int lk_json_restore_bytes(struct cJSON *root);

/** Formats seconds as HH:MM:SS.mmm into buf (at least 16 bytes). */
LK_API void lk_format_timecode(double seconds, char *buf, size_t n);

#ifdef __cplusplus
}
#endif
#endif
