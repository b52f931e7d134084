/*
 * insets.c — finds picture-in-picture insets: axis-aligned rectangles of
 * another picture composited over a frame (lk_find_insets).
 *
 * Method.  Luma at full resolution.  A horizontal boundary b (between rows
 * b-1 and b) is marked at column x (every second column) when the step
 * d = |L(b,x) - L(b-1,x)| is at least EDGE_MIN and clearly larger than the
 * smaller of the steps just above and below it: a composited edge is a
 * break between two pictures, so on at least one side (the smoother
 * picture) the neighbouring steps are small, while inside a texture every
 * step is large and inside a smooth area every step is small.  Vertical
 * boundaries likewise, on every second row.  Each boundary keeps a prefix
 * count of its marks (so the marks on any span are O(1)) and its longest
 * run of marks (gaps up to RUN_GAP samples).  Boundaries whose run covers
 * at least MIN_SIDE of the frame become candidate lines (non-maximum
 * suppressed, the longest first); the frame borders are candidates too.
 * Every pair of rows and pair of columns forms a rectangle, kept when its
 * size is within [MIN_SIDE, MAX_SIDE] of the frame's, its aspect within
 * [MIN_ASPECT, MAX_ASPECT], at least two of its sides are inner (not the
 * frame border) and every inner side is marked along SIDE_MIN of its length
 * (the best of the boundary and its two neighbours).  Its score is the mean
 * mark coverage of its inner sides, reduced for rectangles with only two
 * inner sides (flush in a corner: less evidence).  Overlapping rectangles
 * keep the best; of nested near-duplicates (a picture with a border line)
 * the inner one, the picture itself, is kept.
 *
 * Invariants: every rectangle returned lies inside the image, scores are
 * in (0, 1], best first, and the result depends only on the pixels.  One
 * allocation per call (the scratch maps), none in the loops.
 */
#include <stdlib.h>
#include <string.h>
#include "common/common.h"
#include "likeness/features.h"

#define EDGE_MIN 8         /* smallest luma step marked as an edge */
#define STEP 4       /* sampling step along a boundary, pixels */
#define RUN_GAP 1          /* unmarked samples allowed inside a run */
#define MIN_SIDE 0.20      /* smallest inset side, fraction of the frame's */
#define MAX_SIDE 0.85      /* largest inset side, fraction of the frame's */
#define MIN_ASPECT 0.4     /* inset width / height bounds */
#define MAX_ASPECT 2.5
#define SIDE_MIN 0.5       /* least mark coverage of an inner side */
#define MAX_LINES 16       /* candidate lines per direction besides the borders */
#define MAX_FOUND 64       /* rectangles kept before overlap removal */

/* Scratch maps of one image.  rp[b * rs + i]: marks of boundary row b
 * among column samples 0..i-1 (rs = column samples + 1); cp[i * cs + x]:
 * marks of boundary column x among row samples 0..i-1 (cs = w + 1);
 * rrun[b], crun[x]: longest run, in samples; cstart/clast: run state of
 * each column while the rows are scanned.  Boundary rows 1..h-1, columns
 * 1..w-1 are marked; 0, h and w (the frame border) never are. */
struct maps {
    int w, h, nxs, nys, rs, cs;
    uint8_t *luma;
    uint16_t *rp, *cp;
    int *rrun, *crun, *cstart, *clast, *cbest;
    uint8_t *vstep;          /* vstep[b * nxs + i]: step of boundary row b, column STEP*i */
    uint8_t *hstep, *mark;   /* one line of steps / marks (w + 1) */
    int16_t *before, *after; /* neighbour step sums of one line (w + 1) */
};

/* A candidate line: boundary position and run length (samples). */
struct line {
    int pos, run;
};

/* Luma (BT.601 weights, 8-bit) of the pixels the maps read: every pixel
 * of the rows sampled for the column boundaries (y % STEP == 0), every
 * STEP-th pixel of the other rows. */
static void to_luma(const lk_image *img, uint8_t *out)
{
    for (int y = 0; y < img->height; y++) {
        const uint8_t *p = img->data + (size_t)y * (size_t)img->stride;
        uint8_t *o = out + (size_t)y * (size_t)img->width;
        int step = y % STEP ? STEP : 1;
        if (img->fmt == LK_PIX_GRAY8) {
            for (int x = 0; x < img->width; x += step)
                o[x] = p[x];
            continue;
        }
        for (int x = 0; x < img->width; x += step)
            o[x] = (uint8_t)((77 * p[3 * x] + 150 * p[3 * x + 1] + 29 * p[3 * x + 2]) >> 8);
    }
}

/* Marks of n boundaries from their steps: mark[i] when step[i] is at
 * least EDGE_MIN and clearly larger than the smaller of the two steps
 * before it (before[i]) and the two after it (after[i]).  Branch-free. */
static void mark_edges(const uint8_t *step, const int16_t *before, const int16_t *after, int n,
                       uint8_t *mark)
{
    for (int i = 0; i < n; i++) {
        int d = step[i], mn = before[i] < after[i] ? before[i] : after[i];
        mark[i] = (uint8_t)((d >= EDGE_MIN) & (2 * d > 3 * mn + EDGE_MIN / 2));
    }
}

/* Updates a run state with a mark at sample i. */
static inline void run_step(int i, int *start, int *last, int *best)
{
    if (*last < 0 || i - *last > RUN_GAP + 1)
        *start = i;
    *last = i;
    if (i - *start + 1 > *best)
        *best = i - *start + 1;
}

/* Steps between two rows at the sampled columns: out[i] = |a - b|. */
static void row_steps(const uint8_t *a, const uint8_t *b, int nxs, uint8_t *out)
{
    for (int i = 0; i < nxs; i++) {
        int x = STEP * i;
        out[i] = (uint8_t)(a[x] > b[x] ? a[x] - b[x] : b[x] - a[x]);
    }
}

/* Sum of the steps of boundary rows k and k2 (k2 absent: k alone; k
 * absent: "no smooth side", 255). */
static void pair_sum(const struct maps *m, int k, int k2, int16_t *out)
{
    const uint8_t *s = m->vstep + (size_t)k * m->nxs, *s2 = m->vstep + (size_t)k2 * m->nxs;
    int has = k >= 1 && k < m->h, has2 = k2 >= 1 && k2 < m->h;
    for (int i = 0; i < m->nxs; i++)
        out[i] = (int16_t)(!has ? 255 : has2 ? s[i] + s2[i] : s[i]);
}

/* Marks, prefix counts and longest runs of every boundary row. */
static void scan_rows(struct maps *m)
{
    for (int b = 1; b < m->h; b++)
        row_steps(m->luma + (size_t)b * m->w, m->luma + (size_t)(b - 1) * m->w, m->nxs,
                  m->vstep + (size_t)b * m->nxs);
    for (int b = 1; b < m->h; b++) {
        uint16_t *p = m->rp + (size_t)b * m->rs;
        int start = 0, last = -1, best = 0;
        pair_sum(m, b - 1, b - 2, m->before);
        pair_sum(m, b + 1, b + 2, m->after);
        mark_edges(m->vstep + (size_t)b * m->nxs, m->before, m->after, m->nxs, m->mark);
        p[0] = 0;
        for (int i = 0; i < m->nxs; i++) {
            p[i + 1] = (uint16_t)(p[i] + m->mark[i]);
            if (m->mark[i])
                run_step(i, &start, &last, &best);
        }
        m->rrun[b] = best;
    }
}

/* Marks of every boundary column on row sample i (row STEP * i). */
static void scan_cols(struct maps *m, int i)
{
    const uint8_t *r = m->luma + (size_t)(STEP * i) * m->w;
    const uint16_t *prev = m->cp + (size_t)i * m->cs;
    uint16_t *p = m->cp + (size_t)(i + 1) * m->cs;
    uint8_t *st = m->hstep;  /* st[x]: step of boundary column x, 1..w-1 */
    int w = m->w;
    for (int x = 1; x < w; x++)
        st[x] = (uint8_t)(r[x] > r[x - 1] ? r[x] - r[x - 1] : r[x - 1] - r[x]);
    st[0] = st[w] = 0;
    for (int x = 1; x < w; x++) {
        m->before[x] = (int16_t)(x >= 2 ? st[x - 1] + st[x - 2] : 255);
        m->after[x] = (int16_t)(x + 1 < w ? st[x + 1] + (x + 2 < w ? st[x + 2] : 0) : 255);
    }
    mark_edges(st + 1, m->before + 1, m->after + 1, w - 1, m->mark + 1);
    p[0] = prev[0];
    p[w] = prev[w];
    for (int x = 1; x < w; x++) {
        p[x] = (uint16_t)(prev[x] + m->mark[x]);
        if (m->mark[x])
            run_step(i, &m->cstart[x], &m->clast[x], &m->cbest[x]);
    }
}

/* Allocates the maps of a w x h image in one block.  0 or LK_ENOMEM. */
static int maps_new(struct maps *m, int w, int h, void **block)
{
    m->w = w, m->h = h;
    m->nxs = (w + STEP - 1) / STEP, m->nys = (h + STEP - 1) / STEP;
    m->rs = m->nxs + 1, m->cs = w + 1;
    size_t nl = (size_t)w * h, nr = (size_t)(h + 1) * m->rs, nc = (size_t)(m->nys + 1) * m->cs;
    size_t ni = (size_t)(h + 1) + 4 * (size_t)(w + 1);
    size_t nv = (size_t)(h + 1) * m->nxs, nt = (size_t)w + 1;
    size_t bytes = sizeof(int) * ni + 2 * (nr + nc) + 2 * 2 * nt + nl + nv + 2 * nt + 16;
    uint8_t *p = lki_malloc(bytes);
    if (!p)
        return LK_ENOMEM;
    *block = p;
    int *ints = (int *)(void *)p;
    m->rrun = ints, m->crun = ints + h + 1;
    m->cstart = m->crun + w + 1, m->clast = m->cstart + w + 1, m->cbest = m->clast + w + 1;
    m->rp = (uint16_t *)(void *)(ints + ni);
    m->cp = m->rp + nr;
    m->before = (int16_t *)(void *)(m->cp + nc);
    m->after = m->before + nt;
    m->luma = (uint8_t *)(m->after + nt);
    m->vstep = m->luma + nl;
    m->hstep = m->vstep + nv;
    m->mark = m->hstep + nt;
    return 0;
}

/* Fills the maps from the image. */
static void maps_fill(struct maps *m, const lk_image *img)
{
    to_luma(img, m->luma);
    memset(m->rp, 0, (size_t)m->rs * sizeof *m->rp);                 /* boundary row 0 */
    memset(m->rp + (size_t)m->h * m->rs, 0, (size_t)m->rs * sizeof *m->rp); /* row h */
    m->rrun[0] = m->rrun[m->h] = 0;
    scan_rows(m);
    memset(m->cp, 0, (size_t)m->cs * sizeof *m->cp);
    for (int x = 0; x <= m->w; x++)
        m->cstart[x] = 0, m->clast[x] = -1, m->cbest[x] = 0;
    for (int i = 0; i < m->nys; i++)
        scan_cols(m, i);
    memcpy(m->crun, m->cbest, (size_t)(m->w + 1) * sizeof *m->crun);
}

/* Picks candidate lines among n boundaries by run length (at least minrun),
 * suppressing neighbours within 2; the borders 0 and n-1 are always
 * candidates.  Returns the count, sorted by position. */
static int pick_lines(const int *run, int n, int minrun, struct line *out)
{
    int k = 0;
    out[k++] = (struct line){ 0, 0 };
    for (int b = 1; b < n - 1; b++) {
        if (run[b] < minrun)
            continue;
        int peak = 1;
        for (int j = b - 2; j <= b + 2 && peak; j++)
            if (j != b && j > 0 && j < n - 1 && (run[j] > run[b] || (run[j] == run[b] && j < b)))
                peak = 0;
        if (!peak)
            continue;
        int at = k;
        if (k == MAX_LINES + 1 && run[b] <= out[k - 1].run)
            continue;
        if (k == MAX_LINES + 1)
            at = --k;
        while (at > 1 && out[at - 1].run < run[b])
            at--;
        memmove(&out[at + 1], &out[at], (size_t)(k - at) * sizeof *out);
        out[at] = (struct line){ b, run[b] };
        k++;
    }
    for (int i = 2; i < k; i++)  /* by position: insertion sort */
        for (int j = i; j > 1 && out[j - 1].pos > out[j].pos; j--) {
            struct line t = out[j];
            out[j] = out[j - 1], out[j - 1] = t;
        }
    out[k++] = (struct line){ n - 1, 0 };
    return k;
}

/* Mark coverage of boundary row b over columns [x0, x1), the best of b
 * and its two neighbours. */
static double row_support(const struct maps *m, int b, int x0, int x1)
{
    int i0 = (x0 + STEP - 1) / STEP, i1 = (x1 + STEP - 1) / STEP, best = 0;
    if (i1 <= i0)
        return 0.0;
    for (int j = b - 1; j <= b + 1; j++) {
        if (j < 1 || j >= m->h)
            continue;
        const uint16_t *p = m->rp + (size_t)j * m->rs;
        int c = p[i1] - p[i0];
        best = c > best ? c : best;
    }
    return (double)best / (i1 - i0);
}

/* Mark coverage of boundary column x over rows [y0, y1), the best of x and
 * its two neighbours. */
static double col_support(const struct maps *m, int x, int y0, int y1)
{
    int i0 = (y0 + STEP - 1) / STEP, i1 = (y1 + STEP - 1) / STEP, best = 0;
    if (i1 <= i0)
        return 0.0;
    for (int j = x - 1; j <= x + 1; j++) {
        if (j < 1 || j >= m->w)
            continue;
        int c = m->cp[(size_t)i1 * m->cs + j] - m->cp[(size_t)i0 * m->cs + j];
        best = c > best ? c : best;
    }
    return (double)best / (i1 - i0);
}

/* Score of rectangle [l, r) x [t, b) in (0, 1], or 0 when it is not an
 * inset: too few inner sides, or an inner side too weakly marked. */
static double rect_score(const struct maps *m, int l, int r, int t, int b)
{
    double sum = 0.0, s[4];
    int inner[4] = { t > 0, b < m->h, l > 0, r < m->w }, n = 0;
    s[0] = inner[0] ? row_support(m, t, l, r) : 0.0;
    s[1] = inner[1] ? row_support(m, b, l, r) : 0.0;
    s[2] = inner[2] ? col_support(m, l, t, b) : 0.0;
    s[3] = inner[3] ? col_support(m, r, t, b) : 0.0;
    for (int k = 0; k < 4; k++) {
        if (!inner[k])
            continue;
        if (s[k] < SIDE_MIN)
            return 0.0;
        sum += s[k];
        n++;
    }
    if (n < 2)
        return 0.0;
    return sum / n * (n == 4 ? 1.0 : n == 3 ? 0.95 : 0.9);
}

/* Whether a w x h rectangle has an inset's size and shape. */
static int plausible(const struct maps *m, int w, int h)
{
    return w >= MIN_SIDE * m->w && w <= MAX_SIDE * m->w && h >= MIN_SIDE * m->h &&
           h <= MAX_SIDE * m->h && w >= MIN_ASPECT * h && w <= MAX_ASPECT * h;
}

/* Every plausible rectangle of the candidate lines with a score > 0, at
 * most MAX_FOUND (the best).  Returns the count. */
static int enumerate(const struct maps *m, const struct line *rows, int nr,
                     const struct line *cols, int nc, lk_inset *found)
{
    int n = 0;
    for (int a = 0; a < nr; a++)
        for (int b = a + 1; b < nr; b++) {
            int t = rows[a].pos, bt = rows[b].pos;
            for (int c = 0; c < nc; c++)
                for (int d = c + 1; d < nc; d++) {
                    int l = cols[c].pos, r = cols[d].pos;
                    if (!plausible(m, r - l, bt - t))
                        continue;
                    double s = rect_score(m, l, r, t, bt);
                    if (s <= 0.0)
                        continue;
                    /* Full: the new one replaces the worst, if better. */
                    if (n == MAX_FOUND && found[MAX_FOUND - 1].score >= s)
                        continue;
                    int at = n < MAX_FOUND ? n++ : MAX_FOUND - 1;
                    while (at > 0 && found[at - 1].score < s)
                        found[at] = found[at - 1], at--;
                    found[at] = (lk_inset){ { l, t, r - l, bt - t }, (float)s };
                }
        }
    return n;
}

static long overlap(const lk_rect *a, const lk_rect *b)
{
    int x0 = a->x > b->x ? a->x : b->x, y0 = a->y > b->y ? a->y : b->y;
    int x1 = a->x + a->width < b->x + b->width ? a->x + a->width : b->x + b->width;
    int y1 = a->y + a->height < b->y + b->height ? a->y + a->height : b->y + b->height;
    return x1 > x0 && y1 > y0 ? (long)(x1 - x0) * (y1 - y0) : 0;
}

/* Whether b lies inside a with each side within 4 pixels of a's. */
static int nested_near(const lk_rect *a, const lk_rect *b)
{
    int dl = b->x - a->x, dt = b->y - a->y;
    int dr = a->x + a->width - b->x - b->width, db = a->y + a->height - b->y - b->height;
    return dl >= 0 && dt >= 0 && dr >= 0 && db >= 0 && dl <= 4 && dt <= 4 && dr <= 4 &&
           db <= 4 && (dl | dt | dr | db) != 0;
}

/* Keeps the best of overlapping rectangles (intersection over half of the
 * smaller), each replaced by its innermost near-duplicate scoring at
 * least 85% as well.  Writes at most max into out; returns the count. */
static int select_best(const lk_inset *found, int n, lk_inset *out, int max)
{
    int k = 0;
    for (int i = 0; i < n && k < max; i++) {
        int dup = 0;
        for (int j = 0; j < k && !dup; j++) {
            long ai = (long)found[i].rect.width * found[i].rect.height;
            long aj = (long)out[j].rect.width * out[j].rect.height;
            dup = 2 * overlap(&found[i].rect, &out[j].rect) > (ai < aj ? ai : aj);
        }
        if (dup)
            continue;
        lk_inset best = found[i];
        for (int j = 0; j < n; j++)
            if (found[j].score >= 0.85f * found[i].score && nested_near(&best.rect, &found[j].rect))
                best.rect = found[j].rect, best.score = found[j].score > best.score ?
                                                        best.score : found[j].score;
        out[k++] = best;
    }
    return k;
}

/* Exact mark coverage (no neighbours) of a side: horizontal boundary
 * row pos over [a, b) when horiz, else vertical boundary column pos. */
static double exact_support(const struct maps *m, int horiz, int pos, int a, int b)
{
    int i0 = (a + STEP - 1) / STEP, i1 = (b + STEP - 1) / STEP;
    if (i1 <= i0 || pos < 1 || pos >= (horiz ? m->h : m->w))
        return 0.0;
    if (horiz)
        return (double)(m->rp[(size_t)pos * m->rs + i1] - m->rp[(size_t)pos * m->rs + i0]) /
               (i1 - i0);
    return (double)(m->cp[(size_t)i1 * m->cs + pos] - m->cp[(size_t)i0 * m->cs + pos]) /
           (i1 - i0);
}

/* Moves one side to the innermost boundary within REFINE pixels (inward
 * direction dir: +1 or -1) whose exact coverage is at least 70% of the
 * best there: a border line or a blurred edge yields several marked
 * boundaries, and the picture begins at the innermost. */
static int refine_side(const struct maps *m, int horiz, int pos, int dir, int a, int b)
{
    enum { REFINE = 4 };
    double best = 0.0, s[2 * REFINE + 1];
    for (int k = -REFINE; k <= REFINE; k++) {
        s[k + REFINE] = exact_support(m, horiz, pos + k, a, b);
        best = s[k + REFINE] > best ? s[k + REFINE] : best;
    }
    if (best < SIDE_MIN)
        return pos;
    for (int k = REFINE; k >= -REFINE; k--)
        if (s[dir * k + REFINE] >= 0.7 * best)
            return pos + dir * k;
    return pos;
}

/* Refines the four sides of r (a side on the frame border moves only if
 * a marked boundary lies within reach inside). */
static void refine(const struct maps *m, lk_rect *r)
{
    int l = r->x, t = r->y, rr = r->x + r->width, b = r->y + r->height;
    int nt = refine_side(m, 1, t, +1, l, rr), nb = refine_side(m, 1, b, -1, l, rr);
    int nl = refine_side(m, 0, l, +1, t, b), nr = refine_side(m, 0, rr, -1, t, b);
    if (nr - nl >= 1 && nb - nt >= 1)
        *r = (lk_rect){ nl, nt, nr - nl, nb - nt };
}

LK_API int lk_find_insets(const lk_image *img, lk_inset *out, int max)
{
    if (!img || !img->data || img->width < 1 || img->height < 1 || max < 0 || (max && !out) ||
        (img->fmt != LK_PIX_GRAY8 && img->fmt != LK_PIX_RGB24) ||
        img->stride < img->width * img->fmt)
        return LK_EINVAL;
    if (img->width < 16 || img->height < 16 || img->width > 4096 || img->height > 4096 ||
        max == 0)
        return 0;
    struct maps m;
    void *block;
    if (maps_new(&m, img->width, img->height, &block) < 0)
        return LK_ENOMEM;
    maps_fill(&m, img);
    struct line rows[MAX_LINES + 2], cols[MAX_LINES + 2];
    int nr = pick_lines(m.rrun, m.h + 1, (int)(MIN_SIDE * 0.6 * m.nxs), rows);
    int nc = pick_lines(m.crun, m.w + 1, (int)(MIN_SIDE * 0.6 * m.nys), cols);
    lk_inset found[MAX_FOUND];
    int n = enumerate(&m, rows, nr, cols, nc, found);
    n = select_best(found, n, out, max);
    for (int i = 0; i < n; i++)
        refine(&m, &out[i].rect);
    lki_free(block);
    return n;
}
