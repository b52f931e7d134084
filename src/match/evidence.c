/*
 * evidence.c — the evidence model of the match stage: what one frame match
 * is worth (a log-likelihood ratio), what a segment and a work are worth,
 * and how likely that much evidence is by chance in THIS index.
 *
 * One frame match: suspect frame q hits reference entry e at PDQ distance
 * d, inside the band of a segment's line (align.c).  Two hypotheses:
 *   H1 (copy): q is a copy of the reference around the line;
 *   H0 (chance): q is unrelated to that reference.
 * LLR  lambda = ln T(d) - ln C(d) - ln 2, where
 *   T(d) = P(D <= d | true copy): measured on the accuracy corpus (table
 *          below, seed 1);
 *   C(d) = P(a hit <= d inside the band | unrelated)
 *        = (nb(d) * H + m) * B / N    (capped at 1), with
 *     nb(d) = expected number of entries of OTHER works within d of a
 *             picture of the index: the index's own background, sampled
 *             when the scanner opens a snapshot (lk_match_background: per
 *             sampled entry, its neighbours in other works);
 *     m     = how often THIS frame's picture occurs elsewhere in the index:
 *             its hits on other works within d + 8 (black, flat, test
 *             patterns, a shared intro hit many works, so m is large and
 *             the frame is worth little; an ordinary frame has m = 0).
 *             Hits on the segment's own work are not background: a
 *             reference that repeats its footage (a loop, a recap) keeps
 *             the full evidence of a copy of it;
 *     H     = hashes searched per suspect frame (its windows times the 8
 *             dihedral variants, lk_match_params.hashes_per_frame): each
 *             is a chance of a chance hit;
 *     B / N = the share of the index one line's band covers (B = 16
 *             entries: +-1 s at 2 fps, several views; N = index entries);
 *             for a still on either side B = 1 (there is no band: the hit
 *             entry is the picture);
 *   ln 2  = the price of counting only the frames that hit: E_H0[e^lambda]
 *           <= 1 + T <= 2 per frame, so subtracting ln 2 makes exp(sum) a
 *           super-martingale under H0 and the bound below valid.
 * lambda(d) is made non-increasing in d (lambda(d) = max over d' >= d of the
 * raw value): a closer hit is never weaker evidence.  Where the sample
 * cannot resolve nb (few or no neighbours seen that close), nb has a floor:
 * the measured nb at any farther distance d' extrapolated towards 0 at one
 * decade per 8 bits (nb(d') * 10^((d - d') / 8)), and at least half a
 * neighbour in the sample at d = 31 (0.5 / (samples + 8192 + 1)) falling at
 * the same slope.  The 8192 are a measured prior: pictures of unrelated
 * works rarely come within 31 bits of each other, and in the accuracy
 * corpus no two entries of different works do (0 pairs among all 8,231
 * entries of seed 2, 0 in 1,024 samples of seed 1's 9,100), so a small
 * index, whose own sample cannot say much, is not taken for a dense one.  Independent bits would fall a decade per ~1.1 bit near
 * d = 30, so the floor is far more pessimistic than the random-hash model.
 * Later frames of a segment are not independent of the frames before under
 * H0 either (consecutive frames of a shot look alike, so do consecutive
 * entries of a reference): once a chance line has started, a later frame
 * lands on it with probability at least
 *   rho * nb(d) / nb(R)        (R the radius; the background's own slope)
 * with rho = 0.5 for a frame on the same entry as the frame before (a held
 * shot, a slow pan collapsed into one entry) and rho = 0.05 for a frame
 * reaching the next entry of the line; C is the larger of the two.  So a
 * held picture near the radius adds almost nothing per repeated frame
 * (0.3 nats at d = 30) while a close one still does (5 nats at d = 10).
 * The benchmark's chance segments (seed 2: up to 4 frames at d = 30 on one
 * generic still reference) stay far from the default; no chance segment
 * of 2 or more entries occurs in either seed, so rho = 0.05 is a
 * conservative guess, not a measurement.
 * A frame verified by local features (lk_hit.inliers = k > 0; PROVISIONAL,
 * not measured yet, to be replaced by the local-feature branch's own
 * measurement): T = 1/2 and P(>= k inliers | unrelated) = 10^(-(k-3)/2)
 * per compared entry, so C = B * 10^(-(k-3)/2) (k = 15: lambda = 9.6 nats;
 * k <= 4: no evidence); later frames of a segment as below, with rho
 * scaled by P(>= k) / P(>= 8).  A verified frame is never credited more
 * than an identical PDQ hash (d = 0) of it in the same place: the table's
 * tail is a guess (tests/tools/local-eval.sh measured 1 false
 * verification in 3229 hard candidate pairs at the decision rule, none at
 * 20 inliers or more; nothing about 100), while the d = 0 evidence is
 * measured on the index's own background.
 *
 * Segment evidence S = sum of its frames' lambda (aligned and temporally
 * consistent: the band and runs of chain.c).  Chance of that much evidence:
 *   E = N_tests * e^-S,   N_tests = nq * (N / B) * V
 * nq suspect frames, N / B bands, V = 17 speeds (1 for stills): a union
 * bound over every line the alignment could have followed (Markov's
 * inequality on the likelihood ratio: P(e^S >= e^x | H0) <= e^-x).  E is
 * the expected number of chance segments that strong per scanned suspect.
 * Work: E_w = min(E_best, k * prod of the E < 1 of the k kept segments that
 * show distinct reference material) — several excerpts of a work reinforce
 * each other, never below the best alone; the same reference span matched
 * again and again (a loop in the suspect, a generic entry hit all along)
 * counts once.
 * Score: lk_match_score_of_chance (match.h), 0.5 at LK_MATCH_DEFAULT_RATE.
 *
 * Without a background (lk_match_params.background NULL: unit tests, a
 * caller without an index) the model assumes an index of 10^5 entries and
 * only the prior (the floor).
 *
 * Invariants: pure functions of their inputs; no global state.
 */
#include <math.h>
#include <string.h>
#include <stdio.h>
#include "common/common.h"
#include "match/match_internal.h"

#define LK_EV_BAND 16.0        /* entries one line's band covers */
#define LK_EV_SPEEDS 17.0      /* speeds a line may take (0.75..1.25 by 0.03) */
#define LK_EV_SLACK 8          /* a frame's other places: hits within d + this */
#define LK_EV_RHO_REPEAT 0.5   /* P(the next frame repeats a chance hit's entry), d = R */
#define LK_EV_RHO_LINE 0.05    /* P(a chance line goes on to its next entry), d = R */
#define LK_EV_DEFAULT_HASHES 8 /* hashes searched per frame by default: 8 variants */
#define LK_EV_TMAX 31          /* T is measured up to this distance */
#define LK_EV_DECADE 8.0       /* the background falls at most a decade per this many bits */
#define LK_EV_DEFAULT_N 1e5    /* entries assumed without a background */
#define LK_EV_PRIOR_SAMPLES 8192.0 /* prior: samples seen with no neighbour (see above) */

/*
 * T(d) = P(D <= d | true copy, hit within the radius), d = 0..31.
 * Measured: frame-weighted cumulative histogram of the mean PDQ distance of
 * the segments that `likeness scan --jsonl --min-score 0` reported for the
 * TRUE (suspect, work) pairs of the accuracy corpus, seed 1 (445 suspects,
 * 453 true pairs, 3388 frames in 237 listed pairs, every transform), from
 * `make accuracy SEEDS="1 2"` on main e6a9c06 (2026-12-01; the provisional
 * score, whose segments are the same alignment), with:
 *   jq -r '.file as $f|.matches[]?|.work_id as $w|.segments[]|
 *          "\($f|split("/")[-1]) \($w) \(.frames) \(.distance)"' likeness.jsonl
 *   jq -r '.suspects[]|.file as $f|.positives[]?|
 *          "\($f|split("/")[-1]) \(.work_id)"' truth.json   (the true pairs)
 * joined on (suspect, work), d = floor(distance), weighted by frames.  Monotone by
 * construction; the values below d = 2 (exact copies are rare in the
 * corpus) are raised to the d = 2 share / 4 so no exact hit is penalised.
 */
static const double ev_true_cdf[LK_EV_TMAX + 1] = {
    0.0109, 0.0109, 0.0434, 0.0638, 0.0959, 0.1381, 0.1691, 0.2270,
    0.3191, 0.3601, 0.4188, 0.4808, 0.5319, 0.5862, 0.6396, 0.6694,
    0.7102, 0.7358, 0.7960, 0.8326, 0.8707, 0.8884, 0.9115, 0.9330,
    0.9489, 0.9613, 0.9799, 0.9897, 0.9973, 0.9985, 1.0000, 1.0000,
};

LK_API void lk_match_background_add(lk_match_background *bg, const uint16_t *dist, size_t n)
{
    if (!bg)
        return;
    bg->samples++;
    for (size_t i = 0; i < n; i++)
        if (dist[i] <= LK_BG_DMAX)
            bg->near[dist[i]]++;
}

LK_API int lk_match_background_format(const lk_match_background *bg, char *buf, size_t n)
{
    size_t at = 0;
    int k = snprintf(buf, n, "bg1 %llu %u", (unsigned long long)bg->entries, bg->samples);
    for (int d = 0; k > 0 && (size_t)k < n - at && d <= LK_BG_DMAX; d++) {
        at += (size_t)k;
        k = snprintf(buf + at, n - at, " %llu", (unsigned long long)bg->near[d]);
    }
    return k > 0 && (size_t)k < n - at ? 0 : LK_ETOOBIG;
}

LK_API int lk_match_background_parse(const char *text, lk_match_background *bg)
{
    lk_match_background b;
    unsigned long long v;
    unsigned s;
    int used = 0;
    memset(&b, 0, sizeof b);
    if (sscanf(text, "bg1 %llu %u%n", &v, &s, &used) != 2)
        return LK_ECORRUPT;
    b.entries = v, b.samples = s;
    for (int d = 0; d <= LK_BG_DMAX; d++) {
        int more = 0;
        if (sscanf(text + used, " %llu%n", &v, &more) != 1)
            return LK_ECORRUPT;
        b.near[d] = v, used += more;
    }
    if (text[used] != '\0' || b.samples == 0)
        return LK_ECORRUPT;
    *bg = b;
    return 0;
}

static double true_cdf(int d)
{
    return d < 0 ? ev_true_cdf[0] : d > LK_EV_TMAX ? 1.0 : ev_true_cdf[d];
}

/* Measured nb(d): expected neighbours of other works within d. */
static double measured_near(const lk_match_background *bg, int d)
{
    double sum = 0;
    if (!bg || !bg->samples)
        return 0;
    for (int k = 0; k <= d && k <= LK_BG_DMAX; k++)
        sum += (double)bg->near[k];
    return sum / bg->samples;
}

/* nb(d) with its floor: the sample's resolution (half a neighbour in the
 * sample and the prior's LK_EV_PRIOR_SAMPLES at d = 31) and the measured
 * tail extrapolated towards d = 0 at one decade per LK_EV_DECADE bits,
 * whichever is larger. */
static double background_near(const lk_match_background *bg, int d, int radius)
{
    double samples = (bg ? bg->samples : 0) + LK_EV_PRIOR_SAMPLES;
    double nb = measured_near(bg, d);
    double floor = 0.5 / (samples + 1) * pow(10.0, (d - LK_EV_TMAX) / LK_EV_DECADE);
    for (int k = d + 1; k <= radius && k <= LK_BG_DMAX; k++)
        floor = LK_MAX(floor, measured_near(bg, k) * pow(10.0, (d - k) / LK_EV_DECADE));
    return nb > floor ? nb : floor;
}

void lki_ev_near_table(const lk_match_params *p, double *nb)
{
    for (int d = 0; d <= p->radius; d++)
        nb[d] = background_near(p->background, d, p->radius);
}

static double index_entries(const lk_match_params *p)
{
    const lk_match_background *bg = p->background;
    return bg && bg->entries ? (double)bg->entries : LK_EV_DEFAULT_N;
}

static double hashes_per_frame(const lk_match_params *p)
{
    return p->hashes_per_frame >= 1 ? p->hashes_per_frame : LK_EV_DEFAULT_HASHES;
}

/* Raw lambda at distance d with m other places, a frame of kind @p kind. */
static double raw_llr(const lk_match_params *p, const double *nb, int d, double m, int still,
                      int kind)
{
    double share = (still ? 1.0 : LK_EV_BAND) / index_entries(p);
    double c = (nb[d] * hashes_per_frame(p) + m) * share;
    if (kind != LKI_EV_FIRST) { /* correlated with the frame before under H0 too */
        double rho = kind == LKI_EV_REPEAT ? LK_EV_RHO_REPEAT : LK_EV_RHO_LINE;
        c = LK_MAX(c, rho * nb[d] / nb[p->radius]);
    }
    if (c > 1)
        c = 1;
    return log(true_cdf(d)) - log(c) - M_LN2;
}

/* Lambda of a PDQ frame match at distance @p dist: non-increasing in it. */
static double pdq_llr(const lk_match_params *p, const double *nb, int dist, double others,
                      int still, int kind)
{
    double best = -INFINITY;
    for (int d = LK_MIN(dist, p->radius); d <= p->radius; d++)
        best = LK_MAX(best, raw_llr(p, nb, d, others, still, kind));
    return best;
}

double lki_ev_frame_llr_nb(const lk_match_params *p, const double *nb, int dist,
                           uint16_t inliers, double others, int still, int kind)
{
    if (inliers > 0) { /* PROVISIONAL table, see the file comment */
        double pk = LK_MIN(1.0, pow(10.0, -(inliers - 3) / 2.0));
        double c = LK_MIN(1.0, (still ? 1.0 : LK_EV_BAND) * pk);
        if (kind != LKI_EV_FIRST)
            c = LK_MAX(c, (kind == LKI_EV_REPEAT ? LK_EV_RHO_REPEAT : LK_EV_RHO_LINE) *
                              LK_MIN(1.0, pk / pow(10.0, -2.5)));
        double lam = log(0.5) - log(LK_MIN(c, 1.0)) - M_LN2;
        /* never more than an identical PDQ hash of the frame would be */
        return LK_MIN(lam, pdq_llr(p, nb, 0, others, still, kind));
    }
    return pdq_llr(p, nb, dist, others, still, kind);
}

double lki_ev_frame_llr(const lk_match_params *p, int dist, uint16_t inliers, double others,
                        int still)
{
    double nb[257];
    lki_ev_near_table(p, nb);
    return lki_ev_frame_llr_nb(p, nb, dist, inliers, others, still, LKI_EV_FIRST);
}

int lki_ev_slack(void)
{
    return LK_EV_SLACK;
}

double lki_ev_chance(const lk_match_params *p, double llr, size_t nq, int still)
{
    double tests = (double)(nq ? nq : 1) *
                   (still ? index_entries(p) : index_entries(p) / LK_EV_BAND * LK_EV_SPEEDS);
    return tests * exp(-llr);
}

/* 1 if segment b shows reference material of segment a (same file,
 * overlapping reference ranges, within a second). */
static int same_material(const lk_segment *a, const lk_segment *b)
{
    return a->file == b->file && b->r0 <= a->r1 + 1.0 && a->r0 <= b->r1 + 1.0;
}

double lki_ev_work_chance(const lk_segment *s, size_t n)
{
    if (n == 0)
        return INFINITY;
    double best = s[0].chance, prod = 1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        best = LK_MIN(best, s[i].chance);
        int again = 0; /* the same material again is not new evidence */
        for (size_t j = 0; j < i && !again; j++)
            again = same_material(&s[j], &s[i]);
        if (s[i].chance < 1 && !again) {
            prod *= s[i].chance;
            k++;
        }
    }
    return k > 1 ? LK_MIN(best, (double)k * prod) : best;
}

LK_API double lk_match_score_of_chance(double chance)
{
    if (isnan(chance))
        return 0.0;
    if (chance <= 0)
        return 1.0;
    return 1.0 / (1.0 + sqrt(chance / LK_MATCH_DEFAULT_RATE));
}

LK_API double lk_match_chance_of_score(double score)
{
    if (!(score > 0))
        return INFINITY;
    if (score >= 1)
        return 0.0;
    double r = (1.0 - score) / score;
    return r * r * LK_MATCH_DEFAULT_RATE;
}
