/*
 * score.c — parameters, scores and verdict names of the match stage.
 *
 * Segment score (all constants provisional: they will be calibrated on a
 * benchmark corpus; the shape is what matters now):
 *
 *     s_seg = (1 - exp(-n_eff / K)) * g(d)            K = 6
 *     g(d)  = 1 - 0.7 * (d / R)^2                     d = mean PDQ distance
 *
 * R is the hit radius, so g falls from 1 at d = 0 to 0.3 at d = R: distances
 * well below the radius (re-encoding, scaling noise) cost little, those near
 * the radius (where unrelated pictures start to collide) cost a lot.
 *
 * n_eff, the amount of independent evidence:
 *  - video against video: n_eff = E + 0.1 * (F - E), where F is the number
 *    of aligned suspect frames and E the number of distinct reference
 *    entries along the segment.  Many suspect frames on ONE entry (a still
 *    shot, a black screen held for seconds) are one picture match, not
 *    many: they add only a little.  A lone frame has n_eff = 1, so its
 *    score is at most 1 - exp(-1/6) = 0.154, far below min_score (0.5):
 *    a generic frame that happens to collide stays weak.  An aligned run
 *    grows fast: 5 entries 0.57, 10 entries 0.81, 20 entries (10 s at
 *    2 fps) 0.96, each times g(d); 20 entries at d = 20 (R = 31) give 0.68.
 *  - a still suspect or a still reference: one picture is all the evidence
 *    that can exist, so n_eff = N_STILL = 12 (1 - exp(-2) = 0.86) and the
 *    score is driven by the distance alone: 0.86 at d = 0, 0.80 at d = 10,
 *    0.61 at d = 20, 0.5 at d ~ 23.5, 0.26 at d = 31.  (The caller should
 *    not search with flat, low-quality frames: the hit carries no quality.)
 *
 * Work score: noisy-or over its segments, s_work = 1 - prod(1 - s_seg),
 * where the caller keeps at most max_segments segments and at most ONE
 * lone-frame segment per work (so scattered lone hits cannot add up).
 * Several excerpts of one work reinforce each other; the result is in
 * [0,1] and never below the best segment.
 *
 * Style score: s = 1 / (1 + (d / 0.15)^2) for a style distance d in [0,1]:
 * 1 at d = 0, 0.5 at d = 0.15, 0.1 at d = 0.45 (provisional, the style
 * descriptor is not calibrated yet).
 *
 * Defaults: min_score 0.5 (a 10 s run at d = 20, or about 3 s of distinct
 * aligned frames at small distance, or a still at d <= 23), style_threshold
 * 0.5.  Provisional until the benchmark corpus calibrates them.
 */
#include <math.h>
#include "match/match_internal.h"

#define SCORE_K 6.0        /* frames of evidence for 1 - 1/e of the maximum */
#define SCORE_FLOOR 0.3    /* g at the radius */
#define SCORE_REPEAT 0.1   /* weight of a frame repeating the previous entry */
#define SCORE_N_STILL 12.0 /* n_eff of a still match */
#define STYLE_D50 0.15     /* style distance scoring 0.5 */

LK_API void lk_match_params_default(lk_match_params *p)
{
    if (!p)
        return;
    p->radius = 31;
    p->min_speed = 0.75;
    p->max_speed = 1.25;
    p->max_gap = 4.0;
    p->min_score = 0.5;
    p->style_threshold = 0.5;
    p->max_works = 20;
    p->max_segments = 16;
}

double lk_match_closeness(double dist, int radius)
{
    if (radius <= 0)
        return dist <= 0 ? 1.0 : SCORE_FLOOR;
    double x = dist / radius;
    if (x < 0)
        x = 0;
    if (x > 1)
        x = 1;
    return 1.0 - (1.0 - SCORE_FLOOR) * x * x;
}

double lk_match_seg_score(int frames, int entries, double dist, int still, int radius)
{
    double n;
    if (still) {
        n = SCORE_N_STILL;
    } else {
        if (entries > frames)
            entries = frames;
        n = entries + SCORE_REPEAT * (frames - entries);
    }
    if (n < 0)
        n = 0;
    return (1.0 - exp(-n / SCORE_K)) * lk_match_closeness(dist, radius);
}

double lk_match_work_score(const lk_segment *s, size_t n)
{
    double miss = 1.0;
    for (size_t i = 0; i < n; i++) {
        double v = s[i].score < 0 ? 0 : s[i].score > 1 ? 1 : s[i].score;
        miss *= 1.0 - v;
    }
    double w = 1.0 - miss;
    return w < 0 ? 0 : w > 1 ? 1 : w;
}

LK_API double lk_style_score(double distance)
{
    if (isnan(distance))
        return 0.0;
    if (distance <= 0)
        return 1.0;
    double x = distance / STYLE_D50;
    return 1.0 / (1.0 + x * x);
}

LK_API const char *lk_verdict_name(int verdict)
{
    switch (verdict) {
    case LK_VERDICT_CLEAN: return "clean";
    case LK_VERDICT_RESEMBLES: return "resembles";
    case LK_VERDICT_MATCH: return "match";
    case LK_VERDICT_ERROR: return "error";
    default: return "unknown";
    }
}
