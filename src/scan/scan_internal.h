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
    uint8_t protos[LK_STYLE_PROTOS][LK_STYLE_BYTES]; /* style prototypes */
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
    struct lki_local_db *local;    /* local features of the index (local_scan.c);
                                      NULL when it has none */
    int has_locals;                /* the index's format can hold them */
};

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

/* A decoded picture kept for later (dense RGB24, px owned). */
struct lki_pic {
    uint8_t *px;
    lk_image img;
};

/* Copies src into p.  0 or LK_ENOMEM. */
int lki_pic_keep(struct lki_pic *p, const lk_image *src);

/* With an evidence directory, the pictures of a suspect's usable frames are
 * kept while they fit in this many bytes, so that evidence needs no second
 * decode of the suspect (about 150 frames of 512x288, 75 s at 2 per
 * second); frames past it are decoded again only if a segment needs them. */
#define LKI_SCAN_KEEP_BYTES (64u << 20)

/* The sampled frames and queries of one suspect.  Invariant: queries[8k ..
 * 8k+7] are query k's dihedral variants and qframe[k] its frame; qtimes[i]
 * is the time of usable frame i (one with at least one query). */
struct lki_frameset {
    double *qtimes;                /* time of each usable frame */
    size_t n, cap;                 /* usable frames, capacity */
    lk_hash256 *queries;           /* 8 variants per query */
    uint32_t *qframe;              /* frame of each query */
    size_t nq, qcap;               /* queries, capacity */
    uint8_t *styles;               /* style descriptor of every sampled frame */
    size_t style_n, style_cap;     /* descriptors, capacity */
    long frames;                   /* frames sampled */
    int still;                     /* the suspect is a still picture */
    double duration;               /* seconds */
    struct lki_pic *pics;          /* with evidence: pics[i] of usable frame i, px
                                      NULL past the budget; capacity cap */
    size_t pic_bytes;              /* bytes kept in pics */
    struct lki_local_hit *lhits;   /* verified local matches, by frame */
    size_t nlh, lhcap;
};

/* Adds the queries of one sampled suspect frame (features f of the whole
 * frame already computed, with dihedral variants) as the policy says.
 * 0 or < 0. */
int lki_scan_add_frame(struct lki_frameset *fs, lk_hasher *h, const lk_frame *fr,
                       const lk_features *f);
void lki_frameset_release(struct lki_frameset *fs);

/* Keeps the local features of frame fr for the whole-frame entry just
 * appended to e (e->n - 1), as LK_REF_LOCAL_INTERVAL says (local_ref.c).
 * 0 or < 0. */
int lki_ref_add_local(lk_ref_entries *e, const lk_frame *fr, int cut);
/* Appends a usable frame at time t (policy.c).  0 or LK_ENOMEM. */
int lki_frameset_push_time(struct lki_frameset *fs, double t);

/* Local features in the scan (local_scan.c): loading the index's sets
 * and building the voting index (0 or < 0 with err), freeing them; a
 * worker's extractor and matcher (0 or LK_ENOMEM); one sampled frame
 * (usable: fs->n before the frame was added) voted for and verified, a
 * verified match making the frame usable (0 or < 0); the verified
 * matches appended to a suspect's frame hits, merged per (frame, entry)
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

/* Writes evidence pictures of r's matched segments (scan_evidence.c). */
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
