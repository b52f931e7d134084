/*
 * sample.h — which decoded frames of a video to keep, and scene-cut
 * detection.  Pure logic on timestamps and tiny luma signatures: no FFmpeg
 * and no pixels beyond LK_SIG_LEN bytes per frame, so it is unit-tested with
 * synthetic sequences (tests/unit/test_sample.c).
 *
 * Use: lki_sampler_init() once per stream; for every decoded frame, in
 * display order, optionally lki_sampler_scene() with its signature, then
 * lki_sampler_keep().  lki_sampler_next_time() tells the decoder how early a
 * frame can still matter, so it may skip decoding frames that cannot.
 */
#ifndef LK_DECODE_SAMPLE_H
#define LK_DECODE_SAMPLE_H

#include <stdint.h>
#include "likeness/decode.h"

/* Signature of one frame: a 16x9 grid of mean luma values (0..255), rows
 * top to bottom, taken from the frame as decoded (before rotation). */
#define LK_SIG_W 16
#define LK_SIG_H 9
#define LK_SIG_LEN (LK_SIG_W * LK_SIG_H)

/*
 * Sampling state of one stream.  Plain data, no allocation; one per stream,
 * not shared between threads.
 * Invariants: period > 0 when fps > 0; next_slot >= 1 once the first frame
 * was kept; dur_est > 0 once two frames were seen; avg_diff >= 0.
 */
typedef struct lk_sampler {
    double period;        /* 1/fps, or 0: keep every frame */
    int keyframes;        /* keep key frames only */
    int scene_cuts;       /* keep the first frame after each cut */
    int started;          /* a first frame was seen */
    double t0;            /* time of the first frame: grid origin */
    int64_t next_slot;    /* next grid multiple still to fill */
    double last_time;     /* time of the previous frame */
    double dur_est;       /* running estimate of the frame spacing, 0 unknown */
    int have_sig;         /* prev holds the previous frame's signature */
    uint8_t prev[LK_SIG_LEN];
    double avg_diff;      /* recent average signature difference */
    int n_diff;           /* differences seen so far (saturates) */
    int since_cut;        /* frames since the last cut (saturates) */
    int fixed_dur;        /* dur_est was set by lki_sampler_fix_spacing: kept */
} lk_sampler;

/* Starts sampling with opts->fps, opts->keyframes, opts->scene_cuts. */
void lki_sampler_init(lk_sampler *s, const lk_decode_opts *opts);

/*
 * Feeds the signature of the next decoded frame (display order) and returns
 * 1 when a scene cut happened between the previous frame and this one:
 * a mean absolute difference of at least LK_CUT_MIN_DIFF grey levels and
 * LK_CUT_RATIO times the recent average (so steady fast motion is no cut),
 * at least LK_CUT_MIN_GAP frames after the previous cut (so a flash or the
 * frame after a cut is not a second cut).  The first LK_CUT_WARMUP
 * differences only set the baseline: the first three frames are never cuts.
 */
int lki_sampler_scene(lk_sampler *s, const uint8_t sig[LK_SIG_LEN]);

#define LK_CUT_MIN_DIFF 24.0
#define LK_CUT_RATIO 4.0
#define LK_CUT_MIN_GAP 3
#define LK_CUT_WARMUP 2

/*
 * Decides whether the frame at @p time (seconds, display order) is kept.
 * fps > 0: the first frame at or after each multiple of 1/fps counted from
 * the first frame's time; a frame less than a quarter of the frame spacing
 * (and of the period) early counts as on time (the spacing is a running
 * average that ignores gaps of more than 4 spacings), so timestamp jitter neither
 * drops nor doubles a sample; a gap skips the missed multiples.  Frames
 * whose time goes backwards are not kept.  fps <= 0: every frame.
 * keyframes: key frames only.  @p is_cut (from lki_sampler_scene) keeps the
 * frame in every mode when scene_cuts is on.  Returns 1 to keep, else 0.
 */
int lki_sampler_keep(lk_sampler *s, double time, int is_key, int is_cut);

/*
 * Earliest time a frame not yet seen must have to be kept by the time
 * grid, with the jitter tolerance already subtracted; -inf before the first
 * frame and when every frame is kept; +inf in keyframes mode.  Frames
 * earlier than this matter only as scene-cut candidates.
 */
double lki_sampler_next_time(const lk_sampler *s);

/*
 * Fixes the frame spacing estimate at @p spacing seconds (> 0; the
 * stream's nominal frame duration) for the rest of the stream, so the
 * jitter tolerance no longer depends on which frames were decoded: a
 * decoder that skips frames samples a constant-rate stream exactly as one
 * that decodes every frame.  Call before the first frame.
 */
void lki_sampler_fix_spacing(lk_sampler *s, double spacing);

/*
 * Whether a frame at @p time, in a stream of frames @p spacing seconds
 * apart, may be kept by the time grid: 1 when it may be the first frame at
 * or after a grid multiple (with a margin of a quarter spacing either
 * way), before the first frame, when every frame is kept, and when time is
 * not finite; 0 when it cannot be (in keyframes mode: never by the grid).
 * A frame for which it returns 0 matters only as a scene-cut candidate.
 * With a fixed spacing, skipping only such frames leaves the grid's
 * choice of frames unchanged.
 */
int lki_sampler_may_keep(const lk_sampler *s, double time, double spacing);

#endif
