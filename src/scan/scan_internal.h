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
    int has_style;                 /* style holds the work's mean descriptor */
    int in_scope;                  /* lk_scan_params.scope admits it */
    uint8_t style[LK_STYLE_BYTES];
};

struct lk_scanner {
    char *index_path;              /* owned copy */
    lk_scan_params p;              /* settings (strings borrowed) */
    lk_index *ix;                  /* the one catalog handle, in a read snapshot */
    pthread_mutex_t lock;          /* serialises every use of ix */
    size_t nhashes;                /* entries in the search array */
    lk_searcher *searcher;         /* over the snapshot's PDQ array; NULL if empty */
    struct lki_scan_work *works;   /* sorted by row */
    size_t nworks;
    lk_decode_opts suspect_dec;    /* sampling of suspects */
    lk_decode_opts ref_dec;        /* sampling the index was built with */
};

struct lk_scan_worker {
    lk_scanner *s;                 /* borrowed */
    lk_hasher *hasher;             /* owned */
};

/* The sampled frames and queries of one suspect.  Invariant: queries[8k ..
 * 8k+7] are query k's dihedral variants and qframe[k] its frame; qtimes[i]
 * is the time of usable frame i (one with at least one query). */
struct lki_frameset {
    double *qtimes;                /* time of each usable frame */
    size_t n, cap;                 /* usable frames, capacity */
    lk_hash256 *queries;           /* 8 variants per query */
    uint32_t *qframe;              /* frame of each query */
    size_t nq, qcap;               /* queries, capacity */
    uint64_t style_sum[LK_STYLE_BYTES]; /* sum of all frames' descriptors */
    long style_n;                  /* frames summed */
    long frames;                   /* frames sampled */
    int still;                     /* the suspect is a still picture */
    double duration;               /* seconds */
    double decoded;                /* seconds decoded (lk_scan_decoded) */
    int truncated;                 /* cut short (lk_scan_decoded) */
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

/* Writes evidence pictures of r's matched segments (scan_evidence.c). */
void lki_scan_evidence(lk_scan_worker *w, const char *path, const double *qtimes,
                       lk_scan_result *r);

/* The catalog entry behind search position pos, under the scanner's lock;
 * strings copied into the caller's buffers are not needed: only numbers
 * and the file path (malloc'd into *file when file is not NULL). */
int lki_scanner_entry(lk_scanner *s, uint32_t pos, lk_index_entry *e, char **file,
                      lk_errbuf *err);

/* Resolves the n search positions pos[] into where their frames lie
 * (work number, file row, times, still), under the lock.  0 or < 0. */
int lki_scanner_resolve(lk_scanner *s, const uint32_t *pos, size_t n, lk_ref_frame *out,
                        lk_errbuf *err);

#endif
