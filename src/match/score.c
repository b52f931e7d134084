/*
 * score.c — parameters, scores and verdict names of the match stage.
 *
 * Segment score (all constants provisional: they will be calibrated on a
 * benchmark corpus; the shape is what matters now):
 *
 *     s_seg = (1 - exp(-n_eff / K)) * g(d)            K = 6
 *     g(d)  = 1 - 0.5 * (d / R)^2                     d = mean PDQ distance
 *
 * R is the hit radius, so g falls from 1 at d = 0 to 0.5 at d = R: distances
 * well below the radius (re-encoding, scaling noise) cost little, those near
 * the radius (where unrelated pictures start to collide) cost more.
 *
 * n_eff, the amount of independent evidence, sums per aligned frame
 *     e = u * w,   u = 1 if the frame reaches a reference entry later than
 *                      every earlier frame of the segment, else 0.1;
 *                  w = min(1, 3 / (1 + a)), a = the frame's hits in the same
 *                      file OFF the line (other places it also matches).
 *  - u: many suspect frames on ONE entry (a still shot, a black screen held
 *    for seconds) are one picture match, not many: repeats add only 0.1.
 *  - w: a frame matching up to 3 places of a file (a chorus, a reused
 *    intro) keeps full weight; a generic frame matching dozens of places
 *    (black, a test pattern) carries little evidence of WHERE it comes
 *    from, so chance lines through such frames stay weak.
 *  A lone frame has n_eff <= 1, so its score is at most 1 - exp(-1/6) =
 *  0.15, far below min_score (0.5): a generic frame that happens to collide
 *  stays weak.  An aligned run grows fast: 5 distinct frames 0.57, 10 0.81,
 *  20 (10 s at 2 fps) 0.96, each times g(d); the demo's mirrored, graded,
 *  letterboxed 4 s excerpt (8 frames at d = 22.75) gives 0.74 * 0.73 = 0.54.
 *  - a still suspect or a still reference: one picture is all the evidence
 *    that can exist, so n_eff = N_STILL = 12 (1 - exp(-2) = 0.86) and the
 *    score is driven by the distance alone: 0.86 at d = 0, 0.82 at d = 10,
 *    0.68 at d = 20, 0.5 at d ~ 28.5.  (The caller does not search with
 *    flat, low-quality frames: the hit carries no quality.)
 *  A long still shot inside a reference VIDEO matched by a held suspect
 *  shot is deliberately not treated as a still: videos are full of long
 *  flat spans (black, fades, credits) that would otherwise match anything.
 *
 * Work score: noisy-or over its kept segments, s_work = 1 - prod(1 - s_seg);
 * align.c keeps at most max_segments, at most ONE segment of fewer than 3
 * frames (so scattered lone hits and chance pairs cannot add up) and no
 * segment whose frames are mostly covered already.
 * Several excerpts of one work reinforce each other; the result is in
 * [0,1] and never below the best segment.
 *
 * Style score: s = 1 / (1 + (d / 0.253)^2) for a style distance d in [0,1]
 * (lk_style_rank's mean nearest-prototype distance): 1 at d = 0, 0.5 at
 * d = 0.253, 0.1 at d = 0.76.  Calibrated on the style benchmark (make
 * style-eval, tune sets): 0.253 is the 5th percentile of the distance from
 * a suspect picture to the nearest work of an unrelated art set, so at the
 * default style_threshold 0.5 an unrelated set is reported as `resembles`
 * for about 5 % of suspects (README "Style benchmark" has the rates
 * measured on the tune and the measure-only sets).
 *
 * Defaults: min_score 0.5 (5 aligned frames at d <= 14, 8 at d <= 24, 10
 * at d <= 27, or a still at d <= 28), style_threshold 0.5.  First set by the shape above;
 * the accuracy benchmark (make accuracy) is where min_score is calibrated,
 * the style benchmark (make style-eval) where the style score is.
 */
#include <math.h>
#include "common/common.h"
#include "match/match_internal.h"

#define SCORE_K 6.0        /* frames of evidence for 1 - 1/e of the maximum */
#define SCORE_FLOOR 0.5    /* g at the radius */
#define SCORE_REPEAT 0.1   /* weight of a frame repeating the previous entry */
#define SCORE_N_STILL 12.0 /* n_eff of a still match */
#define SCORE_FREE_PLACES 3 /* a frame may match this many places of a file at full weight */
#define STYLE_D50 0.253    /* style distance scoring 0.5 (calibrated, see above) */

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

double lki_match_closeness(double dist, int radius)
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

double lki_match_frame_evidence(int new_entry, uint32_t ambiguity)
{
    double w = LK_MIN(1.0, SCORE_FREE_PLACES / (1.0 + ambiguity));
    return (new_entry ? 1.0 : SCORE_REPEAT) * w;
}

double lki_match_seg_score(double neff, double dist, int still, int radius)
{
    double n = still ? SCORE_N_STILL : neff;
    if (!(n > 0))
        n = 0;
    return (1.0 - exp(-n / SCORE_K)) * lki_match_closeness(dist, radius);
}

double lki_match_work_score(const lk_segment *s, size_t n)
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
