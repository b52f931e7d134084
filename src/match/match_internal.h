/*
 * match_internal.h — internal interface of the match stage: the flattened
 * hit items align.c builds, the per-(work, file) chain finder (chain.c) and
 * the evidence model (evidence.c).
 *
 * Invariants: items of one group (same work and file) are contiguous and
 * sorted by (query, distance, ref); an item's `used` flag is set once it
 * belongs to an emitted segment (each hit is used at most once); a segment
 * refers to its frame matches through a range of `picks` (item indices, one
 * per suspect frame, in suspect-time order).
 */
#ifndef LK_MATCH_INTERNAL_H
#define LK_MATCH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "likeness/match.h"

/* Provisional constants (to be calibrated with the benchmark corpus). */
#define LK_MATCH_SPEED_STEP 0.03  /* spacing of the voted speed buckets */
#define LK_MATCH_BIN 1.0          /* width of a voted offset bin, seconds */
#define LK_MATCH_TOL 1.0          /* band half-width around a line, seconds */
#define LK_MATCH_STEP_TOL 0.75    /* error allowed on one frame-to-frame step, s */
#define LK_MATCH_WEAK_FRAMES 3    /* segments shorter than this are weak evidence */
#define LK_MATCH_SPAN_BINS 64     /* a long reference span votes at most this many bins */
#define LK_MATCH_MAX_PEAKS 48     /* candidate lines tried per (work, file) */
#define LK_MATCH_MAX_SPEEDS 64    /* speed buckets at most */

/* One valid hit, with everything the alignment needs next to it. */
typedef struct lk_mitem {
    double s;          /* suspect time of the query frame */
    double t0, t1;     /* reference span of the indexed entry */
    uint32_t work;     /* refs[ref].work */
    uint32_t file;     /* refs[ref].file */
    uint32_t query;    /* suspect frame */
    uint32_t ref;      /* search-array position */
    uint16_t dist;     /* PDQ distance (<= radius) */
    uint8_t variant;   /* dihedral variant 0..7 */
    uint16_t inliers;  /* lk_hit.inliers (0: a PDQ hit) */
    uint8_t used;      /* 1 once part of an emitted segment */
    uint8_t rstill;    /* 1 if the reference file is a still */
    uint8_t paired;    /* 1 if a later hit of the group could chain with it */
} lk_mitem;

/* A segment being built: the public fields plus its picks. */
typedef struct lk_mseg {
    lk_segment seg;    /* filled by lk_match_emit (score included) */
    size_t p0, p1;     /* its picks: ctx->picks[p0..p1) */
} lk_mseg;

/* A voted (speed, offset bin) cell. */
typedef struct lk_mvote {
    int64_t bin;       /* offset bin (offset = bin * LK_MATCH_BIN) */
    uint32_t count;    /* distinct suspect frames that voted; 0 = empty slot */
    uint32_t lastq;    /* last voting frame (votes arrive in frame order) */
} lk_mvote;

/* A candidate line r = v * s + c. */
typedef struct lk_mpeak {
    double v, c;       /* speed and offset */
    uint32_t count;    /* votes */
    int bucket;        /* speed bucket (tie-break) */
} lk_mpeak;

/* Working state of one lk_match_align call. */
typedef struct lk_mctx {
    const lk_match_params *p;
    int still_q;              /* the suspect is a still */
    size_t nq;                /* suspect frames */
    uint32_t *qoff;           /* per frame q: its hits are qhit[qoff[q]..qoff[q+1]) */
    struct lk_mqhit { uint16_t dist; uint32_t work; } *qhit; /* every hit, by frame */
    double nb[257];           /* lki_ev_near_table of the parameters */
    lk_mitem *it;             /* all valid hits, grouped */
    size_t nit;
    double speeds[LK_MATCH_MAX_SPEEDS]; /* speed buckets, closest to 1 first */
    int nspeeds;
    lk_mvote *tab;            /* vote hash table (power-of-two size) */
    size_t tabcap;
    lk_mpeak peaks[LK_MATCH_MAX_PEAKS];
    int npeaks;
    uint32_t *cand;           /* band members, one item per frame (capacity nit) */
    size_t ncand;
    lk_mseg *segs;            /* emitted segments */
    size_t nsegs, segcap;
    uint32_t *picks;          /* item indices of the segments' frame matches */
    size_t npicks, pickcap;
} lk_mctx;

/* chain.c: fills ctx->speeds from the parameters. */
void lki_match_speeds(lk_mctx *ctx);

/* chain.c: finds the segments of the group it[g0..g1) (one work and file)
 * and appends them to ctx->segs.  Returns 0 or LK_ENOMEM. */
int lki_match_group(lk_mctx *ctx, size_t g0, size_t g1);

/* align.c: how often the picture of item @p x's frame occurs in other works
 * (its hits on other works within the distance + lki_ev_slack()). */
double lki_match_others(const lk_mctx *ctx, const lk_mitem *x);

/* evidence.c: lambda (nats) of the first frame match of a segment at PDQ distance @p dist
 * (or with @p inliers > 0 local-feature inliers) whose picture occurs
 * @p others times in other works; @p still: either side is a still. */
double lki_ev_frame_llr(const lk_match_params *p, int dist, uint16_t inliers, double others,
                        int still);

/* evidence.c: nb[d], d = 0..radius: expected neighbours of other works
 * within d of a picture of the index (with the floor); nb has radius + 1
 * slots. */
void lki_ev_near_table(const lk_match_params *p, double *nb);

/* Kinds of frame match in a segment (the evidence model's H0 differs). */
enum {
    LKI_EV_FIRST = 0,  /* the segment's first frame: where a chance line starts */
    LKI_EV_LINE = 1,   /* a later frame reaching a later entry of the line */
    LKI_EV_REPEAT = 2  /* a later frame on the entry of the frame before */
};

/* evidence.c: lki_ev_frame_llr with the table of lki_ev_near_table, for a
 * frame of kind @p kind (LKI_EV_*). */
double lki_ev_frame_llr_nb(const lk_match_params *p, const double *nb, int dist,
                           uint16_t inliers, double others, int still, int kind);

/* evidence.c: a frame's other places are its hits within distance + this. */
int lki_ev_slack(void);

/* evidence.c: expected chance segments per suspect of evidence @p llr for a
 * suspect of @p nq frames. */
double lki_ev_chance(const lk_match_params *p, double llr, size_t nq, int still);

/* evidence.c: the chance of a work from its kept segments' chances. */
double lki_ev_work_chance(const lk_segment *s, size_t n);

#endif
