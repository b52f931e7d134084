/*
 * likeness/catalog.h — the reference catalog (src/catalog/): rightsholders' works,
 * their files and indexed entries in SQLite (the source of truth), the
 * derived search segment, import/export and verification.
 */
#ifndef LIKENESS_CATALOG_H
#define LIKENESS_CATALOG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "likeness/error.h"
#include "likeness/features.h"
#include "likeness/style.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Catalog.  An index is a SQLite database at PATH (the source of truth:
 * owners, works, files, frames, parameters) plus a derived search segment
 * at PATH-seg holding the contiguous PDQ array and, per position, the
 * (file row, entry number) it came from.  The segment carries the
 * catalog's generation counter and checksums; it is rebuilt (temp file,
 * fsync, rename) whenever it is missing, stale or damaged, and kept in
 * memory only when it cannot be written (read-only directory, full disk).
 *
 * An lk_index handle is used by one thread at a time.  Several processes
 * may open the same index: SQLite's WAL gives readers a consistent
 * snapshot while one writer adds.
 */

/** Version of the stored features (PDQ, pHash, dHash, style layout; 2:
 *  works keep style prototypes after their mean style, see
 *  lk_index_work_prototypes). */
#define LK_INDEX_FEATURE_VERSION 2
/** Version of the catalog schema, the frame record layout and the blob and
 *  segment checksums; an index of any other version is refused
 *  (LK_EVERSION: rebuild it), but for LK_INDEX_FORMAT_NO_LOCAL.  2:
 *  entries carry a view (enum lk_view).  4: checksums are XXH3-64
 *  (libxxhash), files keep their absolute path.  5: the text of works and
 *  files (work id, owner, title, tags, paths) is checksummed too; a file's
 *  entries may be stored in several parts.  6: local features of reference
 *  frames (lk_index_add_file_locals). */
#define LK_INDEX_FORMAT_VERSION 6
/** The previous format, still opened, read, added to and scanned: it has
 *  no local features (lk_index_has_locals() is 0; rebuild to get them). */
#define LK_INDEX_FORMAT_NO_LOCAL 5
/** Consecutive frames of one scene within this PDQ distance collapse
 *  into one entry spanning their times (see lk_ref_collapse in scan.h). */
#define LK_INDEX_COLLAPSE_DISTANCE 8
/**
 * Reference frames sampled per second when a new index gets no --fps.
 * Denser than a suspect's default (2): a suspect's samples fall at any
 * phase of the reference's, and at 4 per second the nearest reference
 * sample is at most 0.125 s away.  Measured on the accuracy corpus (make
 * accuracy): recall 0.43 -> 0.60 at the same precision, for about twice
 * the entries of moving footage (still shots collapse either way).
 */
#define LK_INDEX_DEFAULT_FPS 4.0
/** Entry times are in [0, LK_INDEX_TIME_MAX] seconds (about 115 days):
 *  anything else is refused when added or imported, and is damage to
 *  verify. */
#define LK_INDEX_TIME_MAX 1e7
/** Entries of one file stored in one part (one catalog row, one blob of
 *  at most 17 MB); longer files, an imported hash list of millions of
 *  lines for one, are stored in several parts, so no single blob is copied
 *  whole when the segment is rebuilt.  Parts are one file to the user. */
#define LK_INDEX_PART_ENTRIES 65536
/** Seconds a write waits for another process's write transaction before
 *  failing with LK_EBUSY ($LIKENESS_BUSY_TIMEOUT overrides it). */
#define LK_INDEX_BUSY_TIMEOUT 300
/** Length of a work id, at most (without the NUL). */
#define LK_WORK_ID_MAX 64

/** lk_index_open flags. */
enum lk_index_open_flags {
    LK_INDEX_READONLY = 1u << 0, /**< never write (catalog or segment file) */
    LK_INDEX_CREATE = 1u << 1    /**< create the index when PATH does not exist */
};

/** Which features an entry holds (imported hashes have PDQ only). */
enum lk_entry_flags {
    LK_ENTRY_PHASH = 1u << 0,    /**< phash is valid */
    LK_ENTRY_DHASH = 1u << 1,    /**< dhash is valid */
    LK_ENTRY_STYLE = 1u << 2,    /**< style is valid */
    LK_ENTRY_SCENECUT = 1u << 3, /**< the entry starts at a detected scene cut */
    LK_ENTRY_ALL = 0x7u          /**< every feature of a hashed frame */
};

/**
 * One indexed entry: a sampled frame, or a run of near-identical
 * consecutive frames, of one file, seen through one view (enum lk_view:
 * the whole frame or a sub-region; a file's entries of all views share its
 * timeline).  Invariant: 0 <= t0 <= t1, quality 0..100, 0 <= view <
 * LK_VIEW_COUNT, fields not named in flags are zero (view entries other
 * than LK_VIEW_FULL carry PDQ only).
 */
typedef struct lk_index_frame {
    double t0, t1;                 /**< time span in seconds */
    lk_hash256 pdq;                /**< PDQ of the run's first frame */
    uint64_t phash, dhash;         /**< 64-bit hashes (if flags say so) */
    int quality;                   /**< PDQ quality */
    unsigned flags;                /**< enum lk_entry_flags */
    uint8_t style[LK_STYLE_BYTES]; /**< style descriptor (if flags say so) */
    int view;                      /**< enum lk_view the PDQ was computed on */
} lk_index_frame;

/** Sampling parameters an index is bound to (stored at creation). */
typedef struct lk_index_params {
    double fps;       /**< lk_decode_opts.fps */
    int keyframes;    /**< lk_decode_opts.keyframes */
    int scene_cuts;   /**< lk_decode_opts.scene_cuts */
    int max_dim;      /**< lk_decode_opts.max_dim */
    int crop_borders; /**< lk_decode_opts.crop_borders */
} lk_index_params;

/** A work to add files to.  Strings are borrowed for the call. */
typedef struct lk_index_work {
    const char *work_id;          /**< 1..LK_WORK_ID_MAX printable characters */
    const char *owner;            /**< rightsholder, non-empty */
    const char *title;            /**< title, non-empty */
    const char *const *tags;      /**< "key=value" strings, may be NULL */
    int ntags;                    /**< number of tags */
} lk_index_work;

/** One file of a work.  Strings are borrowed for the call. */
typedef struct lk_index_file {
    const char *path;       /**< as given by the user (stored for display) */
    int64_t size;           /**< bytes */
    uint8_t sha256[32];     /**< content hash: the file's identity */
    double duration;        /**< seconds (0 for a still) */
    int width, height;      /**< coded size, 0 if unknown */
    double fps;             /**< average frame rate, 0 if unknown */
    int64_t sampled;        /**< frames sampled before collapsing runs */
    const char *format;     /**< container/codec description, may be NULL */
    int imported;           /**< 1: pre-computed hashes, no media */
    const char *abs_path;   /**< absolute path to store, or NULL: resolved from
                                 path (media only; lossless imports give it) */
} lk_index_file;

/** A work as listed.  Strings belong to the callback's caller. */
typedef struct lk_index_work_info {
    int64_t row;              /**< catalog row of the work */
    const char *work_id;      /**< stable id */
    const char *owner;        /**< rightsholder */
    const char *title;        /**< title */
    const char *tags;         /**< "k=v" pairs joined by ", " ("" if none) */
    int64_t files;            /**< number of files */
    int64_t entries;          /**< stored entries (after collapsing) */
    int64_t sampled;          /**< sampled frames (before collapsing) */
    double duration;          /**< sum of the files' durations, seconds */
} lk_index_work_info;

/** Totals and parameters of an index. */
typedef struct lk_index_stats {
    int64_t works, files, entries, sampled, owners;
    uint64_t generation;      /**< bumped by every change of the frames */
    int feature_version;      /**< LK_INDEX_FEATURE_VERSION when created */
    int format_version;       /**< LK_INDEX_FORMAT_VERSION when created */
    int has_params;           /**< 0 until the first media file was added */
    lk_index_params params;   /**< sampling parameters (if has_params) */
    int64_t catalog_bytes;    /**< SQLite file + WAL on disk */
    int64_t segment_bytes;    /**< search segment on disk (0 if none) */
    char index_uuid[33];      /**< random id given at creation */
} lk_index_stats;

/**
 * A full record: of a search position (lk_index_entry_at) or of a walk
 * (lk_index_foreach).  The strings belong to the index.  From
 * lk_index_entry_at() they stay valid until the next lk_index_entry_at(),
 * a write (lk_index_add_file, lk_index_import, lk_index_rename_work,
 * lk_index_remove_work, a first lk_index_bind_params), lk_index_rollback(),
 * lk_index_verify(), lk_index_vacuum() or lk_index_close() on the same
 * handle; in an lk_index_foreach() callback, during the call only.
 */
typedef struct lk_index_entry {
    const char *work_id, *owner, *title, *file; /**< identity; file as given to add */
    const char *file_abs;         /**< the file's absolute path when it was added, or NULL */
    int64_t work_row, file_row;   /**< catalog rows (file_row: the file's part
                                       holding the entry, see LK_INDEX_PART_ENTRIES) */
    uint32_t number;              /**< entry number inside that part */
    double file_duration;         /**< the file's duration, s (0 for a still picture) */
    int file_imported;            /**< 1 if the file holds imported hashes (no media) */
    lk_index_frame frame;         /**< the entry's features */
    uint8_t file_sha256[32];      /**< SHA-256 of the file's content when it was added */
    double file_fps;              /**< the file's average frame rate (0 if unknown or a still) */
    int file_width, file_height;  /**< the file's coded size, after rotation (0 if imported) */
} lk_index_entry;

/** An open index. */
typedef struct lk_index lk_index;

/**
 * Opens (or with LK_INDEX_CREATE creates) the index at @p path.  Checks the
 * stored format and feature versions (LK_EVERSION when they differ from
 * this build's) and that the file is a likeness index.  Does not touch the
 * search segment.  Returns 0, LK_ENOENT, LK_EACCES, LK_EROFS, LK_EVERSION,
 * LK_ECORRUPT (not a database, damaged), LK_EDB or LK_ENOMEM; the message
 * names @p path.  Free with lk_index_close().
 */
LK_API int lk_index_open(lk_index **out, const char *path, unsigned flags, lk_errbuf *err);

/** Closes *ix (NULL allowed), unmaps the segment, sets *ix to NULL. */
LK_API void lk_index_close(lk_index **ix);

/** The path given to lk_index_open (owned by the index). */
LK_API const char *lk_index_path(const lk_index *ix);

/**
 * Binds the index to sampling parameters: stores @p p when the index has
 * none yet, else returns LK_EVERSION (message lists both) when they
 * differ.  Returns 0, LK_EVERSION, or a write error.
 */
LK_API int lk_index_bind_params(lk_index *ix, const lk_index_params *p, lk_errbuf *err);

/** Copies the stored parameters to @p p; returns 1, 0 if none, or < 0. */
LK_API int lk_index_get_params(lk_index *ix, lk_index_params *p, lk_errbuf *err);

/**
 * Caps the catalog at about @p max_bytes (SQLite max_page_count; 0 lifts
 * the cap): writes beyond fail with LK_ENOSPC and store nothing.  For
 * quotas and for testing the full-disk path.  Returns 0 or < 0.
 */
LK_API int lk_index_set_size_limit(lk_index *ix, int64_t max_bytes, lk_errbuf *err);

/**
 * Starts a write transaction: everything added until lk_index_commit()
 * becomes visible at once, or not at all after a crash or
 * lk_index_rollback().  Without it every lk_index_add_file() commits
 * alone.  Returns 0, LK_ESTATE (already in one), LK_EROFS, LK_EDB.
 */
LK_API int lk_index_begin(lk_index *ix, lk_errbuf *err);
/**
 * Pins a read snapshot for a long reader (a scan): everything read through
 * this handle until lk_index_close() (works, entries, the search array)
 * comes from the catalog as it is now, whatever other processes add,
 * remove or vacuum meanwhile (SQLite WAL keeps the snapshot's pages).
 * The handle must not write afterwards.  Returns 0, LK_ESTATE (a
 * transaction is open) or LK_EDB.
 */
LK_API int lk_index_snapshot(lk_index *ix, lk_errbuf *err);
/** Commits (durably: synchronous=FULL) the transaction.  Returns 0 or < 0
 *  (LK_ENOSPC, LK_EIO...; then everything since begin is rolled back). */
LK_API int lk_index_commit(lk_index *ix, lk_errbuf *err);
/** Abandons the transaction (no-op without one). */
LK_API void lk_index_rollback(lk_index *ix);

/**
 * 1 if a file with content hash @p sha256 is indexed (its work id copied
 * into @p work_id when not NULL, LK_WORK_ID_MAX + 1 bytes), 0 if not, < 0
 * on error.
 */
LK_API int lk_index_has_content(lk_index *ix, const uint8_t sha256[32], char *work_id,
                                lk_errbuf *err);

/**
 * Adds file @p f with its @p n entries to work @p w, creating the work
 * (and owner) if @p w->work_id is new.  An existing work must have the
 * same owner (else LK_EEXIST); its title and tags are kept.  Content
 * already indexed gives LK_EEXIST.  Entries are validated (LK_EINVAL).
 * Recomputes the work's mean style descriptor and style prototypes
 * (lk_style_prototypes over every entry that has a style).  Returns 0 or
 * < 0.
 */
LK_API int lk_index_add_file(lk_index *ix, const lk_index_work *w, const lk_index_file *f,
                             const lk_index_frame *frames, size_t n, lk_errbuf *err);

/** The local features of one entry of a file, packed (lk_local_pack). */
typedef struct lk_index_local {
    uint32_t entry;        /**< entry number within the file (< its entries) */
    const uint8_t *data;   /**< the packed set (borrowed for the call) */
    size_t bytes;          /**< its size */
} lk_index_local;

/**
 * lk_index_add_file() with local features: @p locals (@p nlocals sets,
 * entry numbers strictly increasing, each < @p n, each a valid packed
 * set) are stored with the file, in the same transaction.  On an index of
 * format LK_INDEX_FORMAT_NO_LOCAL they are dropped (the file is added
 * without them).  Returns as lk_index_add_file(), LK_EINVAL for bad sets.
 */
LK_API int lk_index_add_file_locals(lk_index *ix, const lk_index_work *w,
                                    const lk_index_file *f, const lk_index_frame *frames,
                                    size_t n, const lk_index_local *locals, size_t nlocals,
                                    lk_errbuf *err);

/** 1 when the index can hold local features (format >= 5), else 0. */
LK_API int lk_index_has_locals(const lk_index *ix);

/**
 * Calls @p fn for every stored local set, in search-position order, with
 * the search position (lk_index_hashes) of the entry it belongs to and the
 * packed set (valid during the call only); checksums are verified first.
 * Read in the handle's snapshot, like the search array.  A non-zero return
 * of @p fn stops the walk and is returned.  Returns 0 (also on an index
 * without local features), LK_ECORRUPT or < 0.
 */
LK_API int lk_index_locals(lk_index *ix,
                           int (*fn)(uint32_t pos, const uint8_t *set, size_t bytes, void *ctx),
                           void *ctx, lk_errbuf *err);

/**
 * Renames work @p old_id to @p new_id (e.g. once its content is known).
 * Returns 0, LK_ENOENT, LK_EEXIST or < 0.
 */
LK_API int lk_index_rename_work(lk_index *ix, const char *old_id, const char *new_id,
                                lk_errbuf *err);

/** Removes work @p work_id and its files.  Returns 0, LK_ENOENT or < 0. */
LK_API int lk_index_remove_work(lk_index *ix, const char *work_id, lk_errbuf *err);

/**
 * Calls @p fn for every work, ordered by owner, title, work id; a
 * non-zero return stops the walk and is returned.  Returns 0 or < 0.
 */
LK_API int lk_index_list(lk_index *ix, int (*fn)(const lk_index_work_info *w, void *ctx),
                         void *ctx, lk_errbuf *err);

/**
 * Calls @p fn for every file of work @p work_id in the order added, with
 * its record (strings valid for the call) and its number of stored
 * entries; a non-zero return stops the walk and is returned.  Returns the
 * number of files walked, LK_ENOENT (no such work) or < 0.
 */
LK_API int lk_index_work_files(lk_index *ix, const char *work_id,
                               int (*fn)(const lk_index_file *f, int64_t entries, void *ctx),
                               void *ctx, lk_errbuf *err);

/** Fills @p st with totals and parameters.  Returns 0 or < 0. */
LK_API int lk_index_stats_get(lk_index *ix, lk_index_stats *st, lk_errbuf *err);

/**
 * The work's aggregated style: the element-wise mean (rounded) of its
 * entries' style descriptors.  Returns 1, 0 when none of its entries has
 * one, LK_ENOENT or < 0.
 */
LK_API int lk_index_work_style(lk_index *ix, const char *work_id,
                               uint8_t style[LK_STYLE_BYTES], lk_errbuf *err);

/**
 * The work's style prototypes (lk_style_prototypes of its entries' style
 * descriptors, largest cluster first), copied into @p protos; what
 * lk_style_rank reads as the work's lk_style_work.  Returns their number
 * (1..LK_STYLE_PROTOS), 0 when none of its entries has a style, LK_ENOENT,
 * LK_ECORRUPT or < 0.  Same thread rules as every lk_index call.
 */
LK_API int lk_index_work_prototypes(lk_index *ix, const char *work_id,
                                    uint8_t protos[LK_STYLE_PROTOS][LK_STYLE_BYTES],
                                    lk_errbuf *err);

/**
 * Calls @p fn for every entry of every file (of work @p work_id, or of all
 * works when NULL), in catalog order, with frame blobs checksum-verified
 * (every field of lk_index_entry is filled; its strings are valid during
 * the call only).  A non-zero return stops the walk and is returned.
 * Returns 0, LK_ENOENT (no work @p work_id) or < 0.
 */
LK_API int lk_index_foreach(lk_index *ix, const char *work_id,
                            int (*fn)(const lk_index_entry *e, void *ctx), void *ctx,
                            lk_errbuf *err);

/**
 * The search array: loads the segment (mapping it, verifying its header
 * and data checksums once per handle), rebuilding it first if missing,
 * stale or damaged.  *hashes belongs to the handle and stays valid until
 * one of these calls on it: a write (lk_index_add_file, lk_index_import,
 * lk_index_rename_work, lk_index_remove_work, a first
 * lk_index_bind_params), lk_index_rollback(), lk_index_verify() (always,
 * even when nothing is repaired), lk_index_vacuum() or lk_index_close();
 * call lk_index_hashes() again after them.  Other processes' writes do
 * not affect it (it is this handle's snapshot).  *n may be 0.  Returns 0
 * or < 0 (LK_ECORRUPT if the catalog itself is damaged).
 */
LK_API int lk_index_hashes(lk_index *ix, const lk_hash256 **hashes, size_t *n,
                           lk_errbuf *err);

/**
 * The full record behind search position @p pos (from lk_index_hashes).
 * The blob it comes from is checksum-verified and its PDQ compared with
 * the segment's.  Returns 0, LK_EINVAL (pos out of range), LK_ECORRUPT.
 */
LK_API int lk_index_entry_at(lk_index *ix, size_t pos, lk_index_entry *out, lk_errbuf *err);

/**
 * Checks everything: SQLite integrity, every frame blob's checksum and
 * size, the invariants of entries, works and files, and the segment's
 * checksums and agreement with the catalog (a stale or damaged segment is
 * counted in *@p repairs (may be NULL) and rebuilt unless
 * read-only).  Returns 0 or LK_ECORRUPT with the first damage in @p err;
 * after a repair, 0 with a note of it in @p err->msg (err->code stays 0).
 */
LK_API int lk_index_verify(lk_index *ix, int *repairs, lk_errbuf *err);

/** Reclaims free space (VACUUM, WAL checkpoint) and rewrites the segment. */
LK_API int lk_index_vacuum(lk_index *ix, lk_errbuf *err);

/** Hash list formats for export and import. */
enum lk_hashlist_format {
    LK_HASHLIST_AUTO = 0,  /**< import only: detect from the first line */
    LK_HASHLIST_JSONL = 1, /**< one JSON object per entry (export only) */
    LK_HASHLIST_PDQ = 2,   /**< "hash,quality[,...]" (pdq-photo-hasher) */
    LK_HASHLIST_VPDQ = 3,  /**< "frame,quality,hash,timestamp" (vPDQ) */
    LK_HASHLIST_LIKENESS = 4 /**< lossless JSON Lines: works, files, every entry
                                  (export; import with lk_index_import_lossless) */
};

/** Version of the lossless exchange format (LK_HASHLIST_LIKENESS). */
#define LK_EXPORT_VERSION 1

/** What lk_index_import_lossless added. */
typedef struct lk_index_import_totals {
    int64_t works;    /**< work lines read */
    int64_t files;    /**< files added */
    int64_t entries;  /**< entries added */
    int64_t skipped;  /**< files whose content the index already held */
} lk_index_import_totals;

/**
 * Writes the whole-frame entries of work @p work_id (all works when NULL)
 * as the reference vPDQ hasher does: one file of vPDQ lines per indexed
 * file, @p dir/BASENAME.txt (BASENAME: the last component of the file's
 * path), frame numbers from 0 in each.  Never overwrites: an existing
 * name (two files of one base name) is LK_EEXIST naming it.  Returns the
 * number of files written or < 0.
 */
LK_API long lk_index_export_vpdq_dir(lk_index *ix, const char *work_id, const char *dir,
                                     lk_errbuf *err);

/**
 * Reads a PDQ or vPDQ hash list (the lines lk_index_import reads; *@p
 * format LK_HASHLIST_AUTO detects it and is set to the format found) from
 * @p fp (not owned, named @p name in messages) into *@p v (*@p n entries,
 * in file order: pdq, quality and t0 = t1 = the timestamp or 0; free with
 * lk_hashlist_free()).  Returns 0, LK_EFORMAT ("NAME:LINE: ..."), LK_ENOFRAMES (no
 * hash), LK_EIO or LK_ENOMEM.  Thread-safe.
 */
LK_API int lk_hashlist_read(FILE *fp, const char *name, int *format, lk_index_frame **v,
                            size_t *n, lk_errbuf *err);

/** Frees *@p v from lk_hashlist_read (NULL allowed) and sets it to NULL. */
LK_API void lk_hashlist_free(lk_index_frame **v);

/**
 * Reads a lossless export (LK_HASHLIST_LIKENESS, from lk_index_export) from
 * @p fp (not owned; named @p name in messages) into the index: its works
 * with their owners, titles and tags, their files with every stored field
 * and every entry, in the export's order (so works' style prototypes come
 * out the same).  Streams: memory holds one line and one file's entries.
 * One transaction: on any error nothing is added.  Files whose content is
 * already indexed are skipped (counted in @p tot, may be NULL).  Returns 0;
 * LK_EFORMAT for a bad line ("NAME:LINE: ..."); LK_EVERSION when the
 * export's format or feature version differs from this build's, or its
 * sampling parameters from the index's; LK_ECORRUPT when it is cut short;
 * LK_EEXIST when a work id exists with another owner; or < 0.
 */
LK_API int lk_index_import_lossless(lk_index *ix, FILE *fp, const char *name,
                                    lk_index_import_totals *tot, lk_errbuf *err);

/**
 * Writes the entries of work @p work_id (all works when NULL) to @p fp
 * (not owned) in @p format.  Returns 0, LK_EIO or < 0.
 */
LK_API int lk_index_export(lk_index *ix, const char *work_id, FILE *fp, int format,
                           lk_errbuf *err);

/**
 * Reads pre-computed PDQ hashes from @p fp (named @p name in messages and
 * stored as the file path; @p sha256 is its content hash) and adds them
 * as one file of work @p w (entries carry PDQ only).  Lines that are
 * empty or start with '#' are skipped; any other malformed line is
 * LK_EFORMAT naming @p name and the line number.  Returns the number of
 * entries added, or < 0.
 */
LK_API long lk_index_import(lk_index *ix, const lk_index_work *w, FILE *fp, const char *name,
                            const uint8_t sha256[32], int format, lk_errbuf *err);

/**
 * An index-wide statistic another stage keeps in the catalog (e.g. the
 * scan's background of chance hits), by @p key, which must start with
 * "stat." (so it never touches the catalog's own values).  Copied into
 * @p buf (@p n bytes, NUL-terminated).  Returns 1 (found), 0 (absent),
 * LK_ETOOBIG (longer than @p n - 1), LK_EINVAL or a catalog error.
 * Statistics are copied by lk_index_shard and are not versioned: store the
 * generation they were computed for beside them.  Not thread-safe per handle.
 */
LK_API int lk_index_stat_get(lk_index *ix, const char *key, char *buf, size_t n, lk_errbuf *err);

/**
 * Stores statistic @p key ("stat." prefix) with text @p value, replacing
 * an earlier one, without changing the index's generation.  Returns 0,
 * LK_EINVAL, LK_EROFS (opened read-only) or a catalog error.
 */
LK_API int lk_index_stat_put(lk_index *ix, const char *key, const char *value,
                             lk_errbuf *err);

#ifdef __cplusplus
}
#endif
#endif
