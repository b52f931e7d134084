/*
 * scan_internal.h — what the files of the scan stage share: the scanner
 * (scanner.c), one suspect's frames and queries (suspect.c, policy.c) and
 * evidence pictures (evidence.c).
 *
 * Invariants: after lk_scanner_open nothing in struct lk_scanner changes
 * but what `lock` guards (the catalog handle, whose reads are serialised);
 * works[] is sorted by catalog row; the searcher borrows the hash array of
 * the same catalog handle and snapshot.
 */
#ifndef LK_SCAN_INTERNAL_H
#define LK_SCAN_INTERNAL_H

#include <pthread.h>
#include "likeness/likeness.h"
#include "likeness/scan.h"

/* One indexed work, as the scan needs it. */
struct lki_scan_work {
    int64_t row;                   /* catalog row (sort key) */
    char *work_id, *owner, *title; /* owned */
    int64_t files;                 /* files of the work */
    uint8_t protos[LK_STYLE_PROTOS][LK_STYLE_BYTES]; /* style prototypes */
    int in_scope;                  /* lk_scan_params.scope admits it */
};

struct lk_scanner {
    char *index_path;              /* owned copy */
    lk_scan_params p;              /* settings (strings borrowed) */
    lk_index *ix;                  /* the one catalog handle, in a read snapshot */
    pthread_mutex_t lock;          /* serialises every use of ix */
    size_t nhashes;                /* entries in the search array */
    lk_searcher *searcher;         /* over the snapshot's PDQ array; NULL if empty */
    struct lki_scan_work *works;   /* sorted by row */
    lk_style_work *style_works;    /* per work: its prototypes, for lk_style_rank */
    size_t nworks;
    lk_decode_opts suspect_dec;    /* sampling of suspects */
    lk_decode_opts ref_dec;        /* sampling the index was built with */
    const lk_hash256 *hashes;      /* the snapshot's PDQ array (nhashes, borrowed from ix) */
    lk_scan_run run;               /* provenance of the run */
    lk_match_background bg;        /* the snapshot's background; p.match.background
                                      points here (background.c) */
    struct lki_local_db *local;    /* local features of the index (local_scan.c);
                                      NULL when it has none */
    int has_locals;                /* the index's format can hold them */
};

/* Entries sampled for the background, at most. */
#define LKI_SCAN_BG_SAMPLES 8192

/* Samples the background of the snapshot into s->bg and points
 * s->p.match.background at it (background.c).  0 or < 0 with err set. */
int lki_scanner_background(lk_scanner *s, const lk_hash256 *hashes, lk_errbuf *err);
/* A statistic `likeness index shard` stored beside the background for this
 * very generation (background.c): 1 with it in buf, else 0. */
int lki_scanner_stored(lk_scanner *s, const char *key, char *buf, size_t n);

struct lk_scan_worker {
    lk_scanner *s;                 /* borrowed */
    lk_hasher *hasher;             /* owned */
    struct lki_local_worker *local; /* owned; NULL when the index has no local sets */
};

/* A suspect frame verified against an indexed frame by local features. */
struct lki_local_hit {
    uint32_t frame;                /* usable frame (index into qtimes) */
    uint32_t pos;                  /* search position of the reference entry */
    uint16_t inliers;              /* of the fit */
    lk_scan_region_match region;   /* boxes, scale, mirror (times unset) */
};

/* A decoded picture kept for later: the whole frame (dense RGB24, borders
 * included, px owned), where the analysed picture lies in it, its time and
 * number. */
struct lki_pic {
    uint8_t *px;
    lk_image img;
    lk_rect crop;
    double time;
    int64_t number;
};

/* Copies the whole picture of fr into p.  0 or LK_ENOMEM. */
int lki_pic_keep(struct lki_pic *p, const lk_frame *fr);

/* With an evidence directory, the pictures of a suspect's usable frames are
 * kept while they fit in this many bytes, so that evidence needs no second
 * decode of the suspect (about 150 frames of 512x288, 75 s at 2 per
 * second); frames past it are decoded again only if a segment needs them. */
#define LKI_SCAN_KEEP_BYTES (64u << 20)

/* Where one query of a suspect frame lies. */
struct lki_query_where {
    uint32_t region;               /* row of the policy table (lk_scan_regions) */
    lk_scan_box box;               /* the rectangle in the frame's whole picture */
};

/* The sampled frames and queries of one suspect.  Invariant: queries[8k ..
 * 8k+7] are query k's dihedral variants, qframe[k] its frame (non-decreasing
 * in k) and qwhere[k] its region; qtimes[i] and qnumber[i] are the time and
 * frame number of usable frame i (one with at least one query). */
struct lki_frameset {
    double *qtimes;                /* time of each usable frame */
    int64_t *qnumber;              /* frame number of each usable frame */
    size_t n, cap;                 /* usable frames, capacity */
    lk_hash256 *queries;           /* 8 variants per query */
    uint32_t *qframe;              /* frame of each query */
    struct lki_query_where *qwhere; /* region of each query */
    size_t nq, qcap;               /* queries, capacity */
    uint8_t *styles;               /* style descriptor of every sampled frame */
    size_t style_n, style_cap;     /* descriptors, capacity */
    long frames;                   /* frames sampled */
    int still;                     /* the suspect is a still picture */
    double duration;               /* seconds */
    struct lki_pic *pics;          /* with evidence: pics[i] of usable frame i, px
                                      NULL past the budget; capacity cap */
    size_t pic_bytes;              /* bytes kept in pics */
    double decoded;                /* seconds decoded (lk_scan_decoded) */
    int truncated;                 /* cut short (lk_scan_decoded) */
    struct lki_local_hit *lhits;   /* verified local matches, by frame */
    size_t nlh, lhcap;
};

/* The scope (scope.c): whether it restricts at all, whether it admits
 * work w, marks in seen[] (one byte per work id, owner, tag, in that
 * order) the entries w matches, and checks after every work was seen that
 * each entry named one and that some work is in scope (0 or LK_ENOENT). */
int lki_scope_empty(const lk_scan_scope *sc);
int lki_scope_admits(const lk_scan_scope *sc, const lk_index_work_info *w);
void lki_scope_seen(const lk_scan_scope *sc, const lk_index_work_info *w, uint8_t *seen);
int lki_scope_check(const lk_scan_scope *sc, const uint8_t *seen, size_t in_scope,
                    const char *index_path, lk_errbuf *err);

/* Adds the queries of one sampled suspect frame (features f of the whole
 * frame already computed, with dihedral variants) as the policy says.
 * 0 or < 0. */
int lki_scan_add_frame(struct lki_frameset *fs, lk_hasher *h, const lk_frame *fr,
                       const lk_features *f);
void lki_frameset_release(struct lki_frameset *fs);

/* Searches fs's usable queries over the index and aligns the hits into
 * r->matches (suspect.c).  0 or < 0 with err set. */
int lki_scan_find_copies(lk_scanner *s, const struct lki_frameset *fs, lk_scan_result *r,
                         lk_errbuf *err);
/* Sets r->verdict: an error (r emptied, rc and the message of err kept)
 * when rc < 0, else the verdict of its matches and style resemblances
 * (suspect.c).  Returns the verdict. */
int lki_scan_decide(const lk_scanner *s, lk_scan_result *r, int rc, const lk_errbuf *err);

/* Fills the provenance of r's segments (r->matches[i].details): reference
 * file, hash, frame numbers and regions (provenance.c).  0 or < 0. */
int lki_scan_details(lk_scanner *s, const struct lki_frameset *fs, lk_scan_result *r,
                     lk_errbuf *err);

/* The box of rectangle r of a w x h picture. */
lk_scan_box lki_scan_box(const lk_rect *r, int w, int h);

/* The policy table's name of stored view `view`. */
const char *lki_view_name(int view);

/* Keeps the local features of frame fr for the whole-frame entry just
 * appended to e (e->n - 1), as LK_REF_LOCAL_INTERVAL says (local_ref.c).
 * 0 or < 0. */
int lki_ref_add_local(lk_ref_entries *e, const lk_frame *fr, int cut);
/* Appends frame fr as a usable frame (policy.c).  0 or LK_ENOMEM. */
int lki_frameset_push_time(struct lki_frameset *fs, const lk_frame *fr);

/* Local features in the scan (local_scan.c): loading the index's sets
 * and building the voting index (0 or < 0 with err), freeing them; a
 * worker's extractor and matcher (0 or LK_ENOMEM); one sampled frame
 * (usable: fs->n before the frame was added) voted for and verified, a
 * verified match making the frame usable (0 or < 0); the verified
 * matches appended to a suspect's frame hits (the caller merges per (frame, entry))
 * (0 or LK_ENOMEM); the regions of segments (0 or LK_ENOMEM). */
int lki_scanner_local_open(lk_scanner *s, lk_errbuf *err);
void lki_scanner_local_free(lk_scanner *s);
int lki_worker_local_new(lk_scan_worker *w);
void lki_worker_local_free(lk_scan_worker *w);
int lki_scan_local_frame(lk_scan_worker *w, struct lki_frameset *fs, const lk_frame *fr,
                         size_t usable);
int lki_scan_local_hits(const lk_scanner *s, const struct lki_frameset *fs, lk_hits *hits);
int lki_scan_local_regions(const struct lki_frameset *fs, const uint32_t *gpos,
                           const lk_ref_frame *refs, size_t nrefs, lk_scan_match *m);

/* Frees e's local sets (local_ref.c). */
void lki_ref_locals_release(lk_ref_entries *e);

/* Writes evidence pictures of r's matched segments (evidence.c). */
void lki_scan_evidence(lk_scan_worker *w, const char *path, const struct lki_frameset *fs,
                       lk_scan_result *r);

/* The catalog entry behind search position pos, read under the scanner's
 * lock.  Its strings are not valid afterwards (set to NULL) but for the
 * file's path as given and its absolute path (NULL when unknown), copied
 * into *file and *file_abs (the caller frees both).  0 or < 0. */
int lki_scanner_entry(lk_scanner *s, uint32_t pos, lk_index_entry *e, char **file,
                      char **file_abs, lk_errbuf *err);

/* Resolves the n search positions pos[] into where their frames lie
 * (work number, file row, times, still), under the lock.  0 or < 0. */
int lki_scanner_resolve(lk_scanner *s, const uint32_t *pos, size_t n, lk_ref_frame *out,
                        lk_errbuf *err);

#endif
