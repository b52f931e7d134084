/*
 * scan.h — what cmd_scan.c (the command: inputs, threads, output order,
 * resume, signals) and scan_suspect.c (one suspect through decode ->
 * features -> search -> alignment -> verdict -> evidence) share.
 */
#ifndef LK_CLI_SCAN_H
#define LK_CLI_SCAN_H

#include <signal.h>
#include "likeness/likeness.h"
#include "likeness/report.h"

/* Frames whose PDQ quality is below this are not searched: flat or nearly
 * flat pictures (black frames, fades) have hashes made of noise. */
#define LK_SCAN_MIN_QUALITY 50
/* Picture-in-picture insets (lk_find_insets) queried per suspect frame, at most. */
#define LK_SCAN_MAX_INSETS 2
/* Style resemblances reported at most. */
#define LK_SCAN_MAX_STYLE 3
/* Evidence pictures per matched work, at most. */
#define LK_SCAN_MAX_EVIDENCE 3

/* One indexed work, as the scan needs it. */
struct scan_work {
    int64_t row;                   /* catalog row (sort key) */
    char *work_id, *owner, *title; /* owned */
    int has_style;                 /* style holds the work's mean descriptor */
    uint8_t style[LK_STYLE_BYTES];
};

/* Read-only state shared by every worker once set up. */
struct scan_ctx {
    const char *index_path;        /* each worker opens its own handle */
    lk_searcher *searcher;         /* over the index's PDQ array */
    struct scan_work *works;       /* sorted by row */
    size_t nworks;
    lk_match_params mp;            /* thresholds and tolerances */
    lk_decode_opts suspect_dec;    /* sampling of suspects */
    lk_decode_opts ref_dec;        /* sampling the index was built with */
    const char *evidence_dir;      /* --evidence, or NULL */
    const char *const *done;       /* --resume: hex content hashes already reported, sorted */
    size_t ndone;
    volatile sig_atomic_t *stop;   /* set by SIGINT/SIGTERM */
};

/* One reported work of a suspect. */
struct scan_hit_work {
    size_t work;                   /* index into ctx->works */
    double score;
    lk_segment *segs;              /* owned */
    size_t nsegs;
    char **evidence;               /* owned, per segment (entries may be NULL) */
};

/* Everything found about one suspect (owned by its job). */
struct scan_result {
    int verdict;                   /* enum lk_verdict */
    double duration;
    long frames;
    char content_hash[65];         /* hex SHA-256 of the file, "" if unknown */
    int skipped;                   /* content already in the resume file: not scanned */
    char error[LK_ERRMSG_MAX];     /* when verdict is LK_VERDICT_ERROR */
    struct scan_hit_work *works;   /* reported copy evidence, best first */
    size_t nworks;
    lk_scan_style style[LK_SCAN_MAX_STYLE];
    size_t nstyle;
};

/* Per-thread state of a worker. */
struct scan_worker {
    lk_hasher *hasher;
    lk_index *ix;                  /* read-only handle of the worker */
};

/* Scans suspect @p path into @p r (zeroed first): its content hash first,
 * and nothing more (r->skipped) when that is in ctx->done.  Never fails as a
 * whole: errors become verdict LK_VERDICT_ERROR with a message. */
void lk_scan_suspect(const struct scan_ctx *c, struct scan_worker *w, const char *path,
                     struct scan_result *r);

/* Frees what @p r owns. */
void lk_scan_result_release(struct scan_result *r);

/* Fills the report structure for writing (pointers into r and c). */
void lk_scan_result_report(const struct scan_ctx *c, const struct scan_result *r,
                           const char *path, lk_scan_report *out, lk_scan_match *matches);

#endif
