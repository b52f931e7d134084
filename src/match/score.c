/*
 * score.c — parameters, the style score and verdict names of the match
 * stage.  Copy evidence (frame LLRs, segment and work chance, the score of
 * a chance) is the evidence model of evidence.c.
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
 * Defaults: min_score 0.5 (a chance rate of LK_MATCH_DEFAULT_RATE per
 * suspect, evidence.c; calibrated on the accuracy benchmark, make
 * accuracy, README), style_threshold 0.5 (the style benchmark, make
 * style-eval).
 */
#include <math.h>
#include "common/common.h"
#include "match/match_internal.h"

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
    p->hashes_per_frame = 0;
    p->background = NULL;
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
