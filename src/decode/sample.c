/*
 * sample.c — frame sampling on a time grid and scene-cut detection from
 * tiny luma signatures (see sample.h for the rules).
 *
 * Invariants: the grid never drifts (slots are computed from absolute times
 * against the first frame, never by adding periods); a slot is filled at
 * most once; the scene-cut baseline excludes the cut differences themselves.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "decode/sample.h"

/* Weight of a new difference in the recent average once warmed up. */
#define AVG_ALPHA 0.2
/* Floor of the recent average, so a perfectly still start does not make
 * every small change a cut (the absolute minimum applies anyway). */
#define AVG_FLOOR 2.0
/* Frame spacings beyond this many times the estimate are gaps, not rate. */
#define GAP_FACTOR 4.0
/* Largest grid slot handled; beyond it times are nonsense. */
#define MAX_SLOT 1e15

void lki_sampler_init(lk_sampler *s, const lk_decode_opts *opts)
{
    memset(s, 0, sizeof *s);
    s->period = opts->fps > 0 ? 1.0 / opts->fps : 0.0;
    s->keyframes = opts->keyframes != 0;
    s->scene_cuts = opts->scene_cuts != 0;
    s->since_cut = LK_CUT_MIN_GAP;
}

static double sig_diff(const uint8_t *a, const uint8_t *b)
{
    unsigned sum = 0;
    for (int i = 0; i < LK_SIG_LEN; i++)
        sum += (unsigned)abs((int)a[i] - (int)b[i]);
    return (double)sum / LK_SIG_LEN;
}

int lki_sampler_scene(lk_sampler *s, const uint8_t sig[LK_SIG_LEN])
{
    int cut = 0;
    if (s->have_sig) {
        double d = sig_diff(sig, s->prev);
        double base = s->avg_diff > AVG_FLOOR ? s->avg_diff : AVG_FLOOR;
        cut = s->n_diff >= LK_CUT_WARMUP && d >= LK_CUT_MIN_DIFF &&
              d >= LK_CUT_RATIO * base && s->since_cut >= LK_CUT_MIN_GAP;
        if (!cut) {
            double a = s->n_diff < 4 ? 1.0 / (s->n_diff + 1) : AVG_ALPHA;
            s->avg_diff += a * (d - s->avg_diff);
            if (s->n_diff < 4)
                s->n_diff++;
        }
    }
    s->since_cut = cut ? 0 : (s->since_cut < LK_CUT_MIN_GAP ? s->since_cut + 1 : s->since_cut);
    memcpy(s->prev, sig, LK_SIG_LEN);
    s->have_sig = 1;
    return cut;
}

/* Jitter tolerance: a quarter of the frame spacing, at most of the period. */
static double tolerance(const lk_sampler *s)
{
    double d = s->dur_est > 0 && s->dur_est < s->period ? s->dur_est : s->period;
    return 0.25 * d;
}

/* Updates the spacing estimate and returns 1 when @p time fills a new slot. */
static int grid_take(lk_sampler *s, double time)
{
    if (!s->started) {
        s->started = 1;
        s->t0 = s->last_time = time;
        s->next_slot = 1;
        return 1;
    }
    double d = time - s->last_time;
    if (!s->fixed_dur && d > 0 && (s->dur_est <= 0 || d < GAP_FACTOR * s->dur_est))
        s->dur_est = s->dur_est > 0 ? 0.9 * s->dur_est + 0.1 * d : d;
    if (time > s->last_time)
        s->last_time = time;
    if (s->period <= 0)
        return 1;
    double pos = (time - s->t0 + tolerance(s)) / s->period;
    if (!(pos < MAX_SLOT))
        pos = MAX_SLOT;
    if (pos < 0)
        return 0;
    int64_t slot = (int64_t)floor(pos);
    if (slot < s->next_slot)
        return 0;
    s->next_slot = slot + 1;
    return 1;
}

int lki_sampler_keep(lk_sampler *s, double time, int is_key, int is_cut)
{
    if (!isfinite(time))
        return s->period <= 0 && !s->keyframes ? 1 : (s->scene_cuts && is_cut);
    int keep = grid_take(s, time);
    if (s->keyframes)
        keep = is_key != 0;
    if (s->scene_cuts && is_cut)
        keep = 1;
    return keep;
}

void lki_sampler_fix_spacing(lk_sampler *s, double spacing)
{
    if (!(spacing > 0) || !isfinite(spacing))
        return;
    s->dur_est = spacing;
    s->fixed_dur = 1;
}

/* The grid slot of a frame at @p time (may be negative). */
static double slot_of(const lk_sampler *s, double time)
{
    return floor((time - s->t0 + tolerance(s)) / s->period);
}

int lki_sampler_may_keep(const lk_sampler *s, double time, double spacing)
{
    if (s->keyframes)
        return 0;
    if (!s->started || s->period <= 0 || !isfinite(time) || !(spacing > 0))
        return 1;
    double m = 0.25 * spacing;
    /* first of its slot: the slot changes between the previous frame and
     * this one, each moved by the margin the way that widens the span */
    double hi = slot_of(s, time + m), lo = slot_of(s, time - spacing - m);
    return hi > lo && hi >= (double)s->next_slot;
}

double lki_sampler_next_time(const lk_sampler *s)
{
    if (s->keyframes)
        return INFINITY;
    if (!s->started || s->period <= 0)
        return -INFINITY;
    return s->t0 + (double)s->next_slot * s->period - tolerance(s);
}
