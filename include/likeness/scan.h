/*
 * likeness/scan.h — the scanner: one suspect from decode to verdict, and the
 * one policy of what the index stores and what a scan queries.
 *
 * Data flow: decode -> sample -> features -> search / catalog -> scan ->
 * report.  This stage owns the decisions: which regions of a reference
 * frame are stored (lk_ref_entries_add_frame), which regions of a suspect
 * frame are queried, the minimum PDQ quality of both, how a frame's hits
 * are merged, how references are resolved, how style is ranked and which
 * verdict follows.  src/cli/ only walks inputs, orders and prints.
 *
 * Threads: one lk_scanner is opened per run and shared (read-only after
 * lk_scanner_open, except for an internal lock around catalog reads); each
 * thread creates its own lk_scan_worker.  The scanner reads the whole run
 * from one snapshot of the catalog (one read transaction, one mapping of
 * the search segment), whatever other processes add or remove meanwhile.
 */
#ifndef LIKENESS_SCAN_H
#define LIKENESS_SCAN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "likeness/error.h"
#include "likeness/decode.h"
#include "likeness/features.h"
#include "likeness/catalog.h"
#include "likeness/local.h"
#include "likeness/match.h"
#include "likeness/style.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the view policy (src/scan/policy.c) ---- */

/** Regions (stored views and queried windows) whose PDQ quality is below
 *  this are neither stored nor searched: flat or nearly flat pictures
 *  (black frames, fades) hash to noise.  The whole frame's entry is always
 *  stored (it carries pHash, dHash and style too) but queried only at this
 *  quality or above. */
#define LK_SCAN_MIN_QUALITY 50
/** Picture-in-picture insets (lk_find_insets) queried per suspect frame,
 *  at most, and only those scoring LK_INSET_CONFIDENT or more. */
#define LK_SCAN_MAX_INSETS 2
/** Evidence pictures per matched work, at most. */
#define LK_SCAN_MAX_EVIDENCE 3

/** Where a region of the policy table is used. */
enum lk_region_use {
    LK_REGION_STORED = 1u << 0,  /**< hashed into the index from reference frames */
    LK_REGION_QUERIED = 1u << 1  /**< hashed from suspect frames and searched */
};

/** One row of the policy table. */
typedef struct lk_scan_region {
    const char *name;  /**< e.g. "whole frame", "centre 80%" */
    int view;          /**< enum lk_view stored, or -1 if never stored */
    int window;        /**< suspect window (lk_window_rect) queried; -1: the whole
                            frame or not a window; -2: detected insets */
    unsigned use;      /**< enum lk_region_use */
} lk_scan_region;

/**
 * The policy table: every region stored or queried, in the order queries
 * are made.  Sets *@p out to a static array and returns its length.
 * Thread-safe.
 */
LK_API size_t lk_scan_regions(const lk_scan_region **out);

/* ---- how much of a file was decoded (src/scan/reference.c) ---- */

/** A video whose decoding ends more than this many seconds before its
 *  container's duration is reported as cut short (a truncated download). */
#define LK_SCAN_TRUNCATED_SLACK 1.0
/** Sampling interval assumed for key frames only (lk_decode_opts.keyframes):
 *  a common longest GOP. */
#define LK_SCAN_KEYFRAME_INTERVAL 10.0

/**
 * How much of a video was decoded: @p last is the time of its last
 * sampled frame (< 0: none), sampled with @p dec from media @p info.  The
 * seconds decoded are @p last plus one sampling interval (the larger of
 * 1/fps and the average frame duration; LK_SCAN_KEYFRAME_INTERVAL for key
 * frames only), at most the duration; 0 for a still or no frame.  Returns
 * 1 when the file was cut short (duration known and more than
 * LK_SCAN_TRUNCATED_SLACK beyond what was decoded), else 0, with the
 * seconds in *@p decoded.  Thread-safe.
 */
LK_API int lk_scan_decoded(const lk_decode_opts *dec, const lk_media_info *info, double last,
                           double *decoded);

/* ---- reference side: entries of a file (src/scan/reference.c) ---- */

/**
 * The entries of one reference file being built: collapsed runs of whole
 * frames and of each stored view.  Init with {0}, free with
 * lk_ref_entries_release().
 */
typedef struct lk_ref_entries {
    lk_index_frame *v;  /**< entries, in order of their first frame */
    size_t n, cap;      /**< count, capacity */
    int64_t sampled;    /**< frames added (before collapsing) */
    double decoded;     /**< lk_ref_hash_file: seconds decoded (lk_scan_decoded) */
    int truncated;      /**< lk_ref_hash_file: decoding stopped short of the
                             container's duration (lk_scan_decoded) */
    lk_local_extractor *local; /**< borrowed, set by the caller: with it the
                                    local features of whole-frame entries
                                    are kept in loc (see LK_REF_LOCAL_*);
                                    NULL: none */
    lk_index_local *loc; /**< packed local sets by entry (data owned) */
    size_t nloc, loccap; /**< count, capacity */
    double last_local;  /**< time of the last set kept (internal) */
} lk_ref_entries;

/** Keypoints kept per reference frame (the measured choice of
 *  src/features/local.c). */
#define LK_REF_LOCAL_KEYPOINTS 300
/**
 * A new whole-frame entry (a scene cut, the first frame of a run, a
 * still) gets local features when it is a scene cut or at least this
 * many seconds after the last entry that got them: 38 bytes x 300
 * keypoints = 11.4 kB a set, so about 41 MB per hour of moving footage at
 * one set a second (stills and still shots: one set per run).  Suspects
 * are sampled at 2 per second, so each suspect frame lies within 0.5 s of
 * a reference set.
 */
#define LK_REF_LOCAL_INTERVAL 1.0

/**
 * Adds one sampled reference frame: its whole-frame entry (all features)
 * and the PDQ of each stored view of usable quality, each collapsed into
 * the run of the same view when it continues it (lk_ref_collapse_view);
 * with e->local, the local features of a new whole-frame entry as
 * LK_REF_LOCAL_INTERVAL says.
 * Returns 0, LK_ENOMEM or LK_EINVAL.  Not thread-safe for one @p h.
 */
LK_API int lk_ref_entries_add_frame(lk_ref_entries *e, lk_hasher *h, const lk_frame *fr);

/** Frees what @p e holds and zeroes it. */
LK_API void lk_ref_entries_release(lk_ref_entries *e);

/**
 * Progress within one file, for long decodes: called from the decoding
 * thread after each sampled frame with the file's path (as given), the
 * seconds decoded so far and its duration (0 for a still picture, < 0 when
 * the container does not say).  Must be cheap and thread-safe: several
 * threads call it at once, each for its own file.
 */
typedef void (*lk_progress_fn)(void *ctx, const char *path, double decoded, double duration);

/**
 * Decodes @p path with @p dec and builds its entries into @p out (which
 * must be empty), filling @p info.  Returns 0 or < 0 with a message naming
 * the file.  Not thread-safe for one @p h.
 */
LK_API int lk_ref_hash_file(const char *path, const lk_decode_opts *dec, lk_hasher *h,
                            lk_ref_entries *out, lk_media_info *info, lk_errbuf *err);

/**
 * lk_ref_hash_file, calling @p progress (when not NULL) with @p ctx after
 * each sampled frame (see lk_progress_fn).
 */
LK_API int lk_ref_hash_file_progress(const char *path, const lk_decode_opts *dec, lk_hasher *h,
                                     lk_ref_entries *out, lk_media_info *info,
                                     lk_progress_fn progress, void *ctx, lk_errbuf *err);

/** lk_ref_collapse_view looks back at most this many entries for the
 *  last one of the same view. */
#define LK_REF_COLLAPSE_LOOKBACK (2 * LK_VIEW_COUNT)

/**
 * Collapses runs: appends whole frame @p f (view LK_VIEW_FULL, at @p time,
 * scene cut @p cut, all its features) to @p v of *n entries, extending
 * instead the t1 of the last LK_VIEW_FULL entry (see lk_ref_collapse_view).
 * @p v must have room for one more entry.  Returns 1 if appended, 0 if merged.
 */
LK_API int lk_ref_collapse(lk_index_frame *v, size_t *n, const lk_features *f, double time,
                           int cut);

/**
 * The same for the PDQ @p pdq (quality @p quality) of view @p view of a
 * frame: the last entry of that view among the last
 * LK_REF_COLLAPSE_LOOKBACK entries is extended when its PDQ is within
 * LK_INDEX_COLLAPSE_DISTANCE, @p cut is 0 and @p time >= its t1; else a
 * PDQ-only entry (flags 0 or LK_ENTRY_SCENECUT) is appended.  So runs
 * collapse per view when a frame's views are added one after another.
 * Returns 1 if appended, 0 if merged.
 */
LK_API int lk_ref_collapse_view(lk_index_frame *v, size_t *n, int view, const lk_hash256 *pdq,
                                int quality, double time, int cut);

/* ---- the scanner (src/scan/scanner.c, suspect.c, provenance.c, evidence.c) ---- */

/** A rectangle as fractions of a whole picture (its borders included):
 *  0 <= x, y and x + w, y + h <= 1.  w == 0 when unknown. */
typedef struct lk_scan_box {
    float x, y, w, h;
} lk_scan_box;

/**
 * Provenance of one segment: which reference file, and which frames and
 * regions of both sides its closest frame match (best_query, best_ref)
 * joined.  The suspect side is exact (recorded while the suspect was
 * hashed).  The reference side comes from the catalog: ref_frame numbers
 * are times x the file's frame rate, and ref_region is the stored view's
 * rectangle on the file's coded size; both are made exact from the decoded
 * reference frame when an evidence picture is written (the catalog does not
 * keep the borders cropped from a reference).
 */
typedef struct lk_scan_detail {
    char *ref_file;                /**< path of the reference file as indexed (owned) */
    char ref_sha256[65];           /**< hex SHA-256 of that file when indexed, or "" */
    double ref_duration;           /**< its duration, s (0: a still picture) */
    int ref_imported;              /**< 1: imported hashes, no media to show */
    double suspect_time, ref_time; /**< times of the closest frame pair, s */
    int64_t suspect_frame, ref_frame; /**< their frame numbers (display order from 0),
                                        -1 if unknown */
    int64_t suspect_first, suspect_last; /**< suspect frame numbers at s0 and s1 */
    int64_t ref_first, ref_last;   /**< reference frame numbers at r0 and r1, -1 unknown */
    const char *suspect_view;      /**< region of the suspect queried (policy name, static) */
    const char *ref_view;          /**< stored view matched (policy name, static) */
    lk_scan_box suspect_region;    /**< that region in the suspect's picture */
    lk_scan_box ref_region;        /**< that view in the reference picture */
} lk_scan_detail;

/**
 * Where a segment's strongest frame match verified by local features lies,
 * on both sides.  Boxes are fractions of their frame (x, y of the top-left
 * corner, width, height, each in [0,1]): the part of the suspect frame
 * that shows the reference, and the part of the reference it shows.
 */
typedef struct lk_scan_region_match {
    int inliers;            /**< 0: no verified local match in the segment
                                 (the fields below are zero) */
    float sus[4];           /**< suspect box: x, y, w, h */
    float ref[4];           /**< reference box: x, y, w, h */
    float scale;            /**< reference pixels per suspect pixel (frames at
                                 the index's working size) */
    int mirror;             /**< 1: the suspect shows the reference mirrored */
    double s_time, r_time;  /**< suspect and reference time of that match, s */
    uint32_t frame;         /**< the suspect's usable frame of that match (as
                                 lk_segment.best_query) */
    uint32_t ref_pos;       /**< search position of its reference entry (as
                                 lk_segment.best_ref) */
} lk_scan_region_match;

/** One reference work with copy evidence. */
typedef struct lk_scan_match {
    const char *work_id, *title, *owner; /**< borrowed from the scanner */
    uint32_t work;                       /**< dense work number in the scanner */
    double score;                        /**< 0..1: lk_match_score_of_chance(chance) */
    double chance;                       /**< expected chance matches this strong per
                                              scanned suspect (src/match/evidence.c) */
    lk_segment *segs;                    /**< aligned segments, best first (owned) */
    size_t nsegs;                        /**< number of segments */
    char **evidence;                     /**< per segment: PNG path or NULL (owned);
                                              the array may be NULL */
    lk_scan_detail *details;             /**< per segment (owned); may be NULL */
    int64_t files;                       /**< files of the work in the index (0: unknown) */
    int candidate;                       /**< 1: listed (score >= the list threshold)
                                              but below match.min_score: not a copy
                                              verdict; 0: a match */
    lk_scan_region_match *regions;       /**< per segment: matched regions (owned);
                                              the array may be NULL */
} lk_scan_match;

/** One style resemblance. */
typedef struct lk_scan_style {
    const char *work_id, *title, *owner; /**< borrowed from the scanner */
    double score;                        /**< 0..1 */
} lk_scan_style;

/** What a scan ran with: provenance shared by every result of a run. */
typedef struct lk_scan_run {
    const char *version;           /**< lk_version() of the scanner */
    const char *index_path;        /**< as given to lk_scanner_open */
    char index_id[33];             /**< the index's random id (lk_index_stats.index_uuid) */
    uint64_t generation;           /**< the catalog generation scanned */
    char started[32];              /**< when the scanner opened, UTC, "YYYY-MM-DDTHH:MM:SSZ" */
    lk_match_params match;         /**< thresholds and tolerances in force */
    double list_score;             /**< works scoring at least this are listed */
    lk_decode_opts sampling;       /**< how suspects are sampled */
    size_t local_sets;             /**< indexed frames with local features in use
                                        (0: PDQ only, lk_scan_params.no_local or
                                        an index without them) */
} lk_scan_run;

/**
 * Everything found about one suspect.  Strings of works are borrowed from
 * the scanner (valid until lk_scanner_free); the rest is owned and freed by
 * lk_scan_result_release().  A result built by hand (tests, reports read
 * back from JSON) may point anywhere, as long as it is not released.
 */
typedef struct lk_scan_result {
    const char *file;              /**< path exactly as given (borrowed) */
    int verdict;                   /**< enum lk_verdict */
    double duration;               /**< seconds (0 for a still) */
    double decoded;                /**< seconds decoded (lk_scan_decoded): the
                                        duration unless cut short */
    int truncated;                 /**< 1: the file was cut short; only `decoded`
                                        seconds were scanned (warning says so) */
    long frames;                   /**< sampled frames */
    int skipped;                   /**< 1: skip_fn said so; nothing else is set
                                        but file and content_hash */
    const char *duplicate_of;      /**< set by the caller, not the scanner: the
                                        path of an earlier report of the same
                                        content (whose findings these are), or
                                        NULL (borrowed) */
    char content_hash[65];         /**< hex SHA-256 of the file, "" if unknown */
    char error[LK_ERRMSG_MAX];     /**< message when verdict is LK_VERDICT_ERROR */
    int error_code;                /**< its LK_E* code (LK_EINTR: stopped by the stop
                                        flag), 0 when not an error */
    char warning[LK_ERRMSG_MAX];   /**< the first problem that did not stop the scan
                                        (e.g. no evidence for a segment), or "" */
    lk_scan_match *matches;        /**< best first */
    size_t nmatches;
    lk_scan_style *style;          /**< best first */
    size_t nstyle;
    const lk_scan_run *run;        /**< provenance of the run (borrowed), or NULL */
} lk_scan_result;

/**
 * Which works a scan considers.  An empty list does not restrict; a work
 * is in scope when, for every non-empty list, it matches one entry of it
 * (entries of one list are alternatives, lists restrict together).  Works
 * out of scope are neither aligned, ranked by style nor reported: their
 * hits are dropped before alignment.  The strings are read only during
 * lk_scanner_open.
 */
typedef struct lk_scan_scope {
    const char *const *work_ids;   /**< work ids, compared exactly */
    size_t nwork_ids;
    const char *const *owners;     /**< owners, compared exactly */
    size_t nowners;
    const char *const *tags;       /**< "key=value" tags, compared exactly */
    size_t ntags;
} lk_scan_scope;

/** Settings of a scan; start from lk_scan_params_default(). */
typedef struct lk_scan_params {
    lk_match_params match;         /**< thresholds and tolerances; match.min_score
                                        is the match threshold: a listed work
                                        scoring at least this makes the verdict
                                        LK_VERDICT_MATCH */
    double list_score;             /**< the list threshold: works scoring at least
                                        this are reported (those below
                                        match.min_score as candidates, which leave
                                        the verdict alone); 0 lists every work with
                                        any evidence and every style resemblance
                                        ranked; < 0 (default): match.min_score */
    lk_scan_scope scope;           /**< works considered (default: all) */
    double fps;                    /**< suspect samples per second; < 0: as the index */
    const char *evidence_dir;      /**< write evidence PNGs here (created if missing,
                                        with its parents), or NULL */
    const volatile sig_atomic_t *stop; /**< when non-NULL and set, scans stop early
                                        (LK_EINTR); may be set from a signal handler */
    /** When non-NULL, called with the file's hex SHA-256 before decoding;
     *  a non-zero return skips the file (result.skipped = 1). Must be
     *  thread-safe. */
    int (*skip_fn)(const char *content_hash, void *ctx);
    void *skip_ctx;                /**< passed to skip_fn */
    int style_top;                 /**< style resemblances listed at most
                                        (default LK_STYLE_TOP_DEFAULT) */
    lk_progress_fn progress_fn;    /**< when non-NULL, called while a suspect is
                                        decoded (after each sampled frame) */
    void *progress_ctx;            /**< passed to progress_fn */
    int decoder_threads;           /**< threads of each suspect's and evidence
                                        decoder (lk_decode_opts.threads; 0, the
                                        default: automatic); 1 when several
                                        suspects are scanned at once */
    int no_local;                  /**< 1: leave the index's local features
                                        unused (PDQ only: faster, crops and
                                        insets found through the fixed windows
                                        alone) */
} lk_scan_params;

/** The scanner: an index opened for scanning.  Shared by threads. */
typedef struct lk_scanner lk_scanner;
/** Per-thread state of a scan. */
typedef struct lk_scan_worker lk_scan_worker;

/** Fills @p p with the defaults (lk_match_params_default, list_score -1,
 *  fps -1, no scope, no callbacks). */
LK_API void lk_scan_params_default(lk_scan_params *p);

/**
 * Opens the index at @p index_path read-only for scanning with @p p
 * (copied; the strings and the stop flag it points to must outlive the
 * scanner): one snapshot of the catalog, the search structure over its
 * hashes, every work with its style, and the run's provenance
 * (lk_scanner_run); creates the evidence directory when one is set.
 * Returns 0 or < 0 (the catalog's errors, LK_EINVAL for bad parameters,
 * LK_ENOENT when a work id, owner or tag of the scope names no work of the
 * index, or when no work is in the scope, the errors of mkdir for the
 * evidence directory) with a message naming the index or the directory.
 * Free with lk_scanner_free().
 */
LK_API int lk_scanner_open(lk_scanner **out, const char *index_path, const lk_scan_params *p,
                           lk_errbuf *err);

/** Frees *s (NULL allowed; after every worker is freed) and sets it to NULL. */
LK_API void lk_scanner_free(lk_scanner **s);

/** The provenance of the run (owned by @p s, valid until lk_scanner_free). */
LK_API const lk_scan_run *lk_scanner_run(const lk_scanner *s);

/** Number of indexed entries (0: every suspect will be clean). */
LK_API size_t lk_scanner_entries(const lk_scanner *s);

/** Number of indexed frames with local features (0: crops, reframings
 *  and insets are found only through the fixed windows). */
LK_API size_t lk_scanner_local_sets(const lk_scanner *s);

/**
 * The descriptor count the scanner's local search caps its buckets by: the
 * index's own, or the whole index's when `likeness index shard` stored it
 * in a shard for this generation (key "stat.local_descriptors"), so that a
 * shard votes as its parent does.  0 when no local features are loaded.
 * Thread-safe (read-only).
 */
LK_API size_t lk_scanner_local_descriptors(const lk_scanner *s);

/** 1 when the index can hold local features; 0 for an index made before
 *  them (format LK_INDEX_FORMAT_NO_LOCAL: rebuild it to get them). */
LK_API int lk_scanner_has_locals(const lk_scanner *s);

/**
 * Creates a worker of @p s for one thread.  Returns 0 or LK_ENOMEM.  Free
 * with lk_scan_worker_free() before the scanner.
 */
LK_API int lk_scan_worker_new(lk_scanner *s, lk_scan_worker **out);

/** Frees *w (NULL allowed) and sets it to NULL. */
LK_API void lk_scan_worker_free(lk_scan_worker **w);

/**
 * Scans the suspect at @p path (borrowed: stored in r->file) into @p r
 * (overwritten): content hash, decode and sample, the queries of the
 * policy, search, alignment, style ranking, verdict and, with an evidence
 * directory, evidence pictures.  Never fails as a whole: errors become
 * verdict LK_VERDICT_ERROR with a message naming the file.  Returns the
 * verdict.  One worker per thread.
 */
LK_API int lk_scan_file(lk_scan_worker *w, const char *path, lk_scan_result *r);

/* ---- shared hash lists as suspects (src/scan/hashes.c) ---- */

/**
 * A PDQ or vPDQ hash list read as suspects, without the media.  A vPDQ
 * list ("frame,quality,hash,timestamp", one file per video as the
 * reference vPDQ hasher writes) is one suspect named by the list's path; a
 * PDQ list ("hash,quality[,...]", pdq-photo-hasher) is one suspect per
 * hash, a still picture named "PATH:N" (N-th hash, from 1).  Read-only
 * after lk_scan_hashlist_open: several workers may scan its suspects at
 * once.
 */
typedef struct lk_scan_hashlist lk_scan_hashlist;

/**
 * Reads the hash list at @p path (format detected from its first line).
 * Returns the number of suspects (>= 1) or < 0 (LK_ENOENT..., LK_EFORMAT
 * naming the line, LK_ENOFRAMES) with a message naming the file.  Free
 * with lk_scan_hashlist_free().
 */
LK_API long lk_scan_hashlist_open(lk_scan_hashlist **out, const char *path, lk_errbuf *err);

/** Frees *@p l (NULL allowed) and sets it to NULL. */
LK_API void lk_scan_hashlist_free(lk_scan_hashlist **l);

/** The name suspect @p k of @p l is reported under (owned by @p l). */
LK_API const char *lk_scan_hashlist_name(const lk_scan_hashlist *l, size_t k);

/**
 * Scans suspect @p k of @p l into @p r (overwritten; r->file is
 * lk_scan_hashlist_name) as lk_scan_file scans media, with what a shared
 * hash carries: each hash of usable quality (LK_SCAN_MIN_QUALITY) is one
 * whole-frame query at its timestamp with its 8 dihedral variants
 * estimated from the hash (lk_pdq_dihedral_from_hash: a PDQ hash does not
 * give its flips' exactly), searched against every stored view; there are
 * no sub-window queries and no style (so never LK_VERDICT_RESEMBLES).
 * No evidence pictures.  r->content_hash is the suspect's content (a vPDQ
 * list: the file's SHA-256; a PDQ list's suspect: the SHA-256 of
 * "pdq HASH QUALITY\n"), and with lk_scan_params.skip_fn the suspect is
 * skipped as lk_scan_file skips a file (r->skipped).  Returns the verdict.
 * One worker per thread.
 */
LK_API int lk_scan_hashes(lk_scan_worker *w, const lk_scan_hashlist *l, size_t k,
                          lk_scan_result *r);

/** Frees what @p r owns (after lk_scan_file) and empties it. */
LK_API void lk_scan_result_release(lk_scan_result *r);

/**
 * The background of chance hits the scanner measured on (or loaded for)
 * its snapshot, as text (lk_match_background_format), for keeping in the
 * catalog: `likeness index shard` stores the whole index's background in
 * every shard (statistics "stat.background" and
 * "stat.background_generation"), and a scanner opened on a catalog whose
 * stored background is of its own generation uses it instead of sampling,
 * so that scans against shards give the whole index's chances.  Returns 0
 * or LK_ETOOBIG.  Thread-safe.
 */
LK_API int lk_scanner_background_text(const lk_scanner *s, char *buf, size_t n);

/**
 * Measures the background of chance hits of the index at @p index_path
 * as a scanner with default parameters would at open, and keeps it in the
 * catalog for the index's current generation and the default match
 * radius (statistics "stat.background", "stat.background_radius",
 * "stat.background_generation"), so that scanners opened on that
 * generation load it instead of sampling: on a catalogue of 10^7 entries
 * the sampling is most of a scanner's open.  Any later write changes the
 * generation, and the kept background is then ignored until kept again.
 * Called by `likeness index add`, `import`, `remove` and `shard` after
 * their writes; does nothing when the background of the current
 * generation is kept already.  Needs write access.  Returns 0 (also for
 * an empty index, where nothing is kept) or < 0 with @p err set.
 */
LK_API int lk_scanner_keep_background(const char *index_path, lk_errbuf *err);

#ifdef __cplusplus
}
#endif
#endif
