/* test_local.c — local features (likeness/local.h) and their geometric
 * verification (likeness/geometry.h) on synthetic pictures: keypoints and
 * descriptors follow a shift exactly; a shifted, a rotated and a mirrored
 * copy verify with the right transform; the fit recovers a known
 * similarity among outliers; unrelated pictures do not verify; every SIMD
 * level gives the same bits; bad arguments are refused. */
#include <math.h>
#include "test.h"
#include "likeness/likeness.h"
#include "features/local_internal.h"

/* 384 x 288 divides by 2 and 3 down to scale 6, so a shift by 12 pixels
 * moves every level by whole pixels. */
enum { W = 384, H = 288, BIG = 420 };

/* A grey picture of random boxes and discs at several sizes (corners at
 * many scales), side x side, from seed. */
static uint8_t *texture(uint64_t seed, int side)
{
    uint8_t *p = malloc((size_t)side * side);
    uint64_t s = seed;
    memset(p, 90, (size_t)side * side);
    for (int k = 0; k < 420; k++) {
        int r = 3 + (int)(t_rand(&s) % (k < 60 ? 40 : 12));
        int cx = (int)(t_rand(&s) % side), cy = (int)(t_rand(&s) % side);
        uint8_t v = (uint8_t)(t_rand(&s) % 256);
        int disc = (int)(t_rand(&s) % 3) == 0, rh = 3 + (int)(t_rand(&s) % (uint64_t)(2 * r));
        for (int y = cy - rh; y <= cy + rh; y++)
            for (int x = cx - r; x <= cx + r; x++) {
                if (x < 0 || y < 0 || x >= side || y >= side)
                    continue;
                if (disc && (x - cx) * (x - cx) + (y - cy) * (y - cy) > r * r)
                    continue;
                p[(size_t)y * side + x] = v;
            }
    }
    return p;
}

static lk_image view(const uint8_t *big, int side, int x0, int y0, int w, int h)
{
    return (lk_image){big + (size_t)y0 * side + x0, w, h, side, LK_PIX_GRAY8};
}

static int extract(lk_local_extractor *e, const lk_image *img, int mirror, lk_local_features *f)
{
    lk_local_params p;
    lk_local_params_default(&p);
    p.mirror = mirror;
    return lk_local_extract(e, img, &p, f);
}

/* Share of a's keypoints at least 40 pixels inside that b has at a +
 * (dx, dy), same level, same descriptor. */
static double shared_share(const lk_local_features *a, const lk_local_features *b, float dx,
                           float dy)
{
    int inner = 0, same = 0;
    for (size_t i = 0; i < a->count; i++) {
        const lk_keypoint *k = &a->kp[i];
        float x = k->x + dx, y = k->y + dy;
        if (x < 40 || y < 40 || x > b->width - 41 || y > b->height - 41)
            continue;
        inner++;
        for (size_t j = 0; j < b->count; j++) {
            const lk_keypoint *q = &b->kp[j];
            if (q->level == k->level && q->x == x && q->y == y &&
                !memcmp(&a->desc[i], &b->desc[j], sizeof a->desc[i])) {
                same++;
                break;
            }
        }
    }
    return inner ? (double)same / inner : 0;
}

static void check_shift(lk_local_extractor *e, lk_geo_matcher *g, const uint8_t *big)
{
    lk_local_features a = {0}, b = {0};
    lk_image ia = view(big, BIG, 0, 0, W, H), ib = view(big, BIG, 12, 12, W, H);
    CHECK_INT(extract(e, &ia, 1, &a), 300);
    CHECK_INT(extract(e, &ib, 0, &b), 300);
    double sh = shared_share(&a, &b, -12, -12);
    CHECK(sh > 0.6);
    lk_geo_result r;
    CHECK_INT(lk_geo_verify(g, NULL, &a, &b, &r), 1);
    CHECK_INT(r.mirror, 0);
    CHECK(r.inliers > 100);
    CHECK(fabs(r.scale - 1) < 0.01 && fabs(r.angle) < 0.01);
    CHECK(fabs(r.m[2] + 12) < 0.5 && fabs(r.m[5] + 12) < 0.5);
    /* the matched region: all of the suspect but its first 12 columns and rows */
    CHECK(fabs(r.sus.x - 12) < 1 && fabs(r.sus.y - 12) < 1);
    CHECK(fabs(r.sus.w - (W - 12)) < 1 && fabs(r.sus.h - (H - 12)) < 1);
    CHECK(fabs(r.ref.x) < 1 && fabs(r.ref.w - (W - 12)) < 1);
    lk_local_features_release(&a);
    lk_local_features_release(&b);
}

/* The picture flipped left-right, and turned by 90 degrees. */
static void check_mirror_rotate(lk_local_extractor *e, lk_geo_matcher *g, const uint8_t *big)
{
    uint8_t *mir = malloc((size_t)W * H), *rot = malloc((size_t)W * H);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            mir[(size_t)y * W + x] = big[(size_t)y * BIG + W - 1 - x];
            rot[(size_t)x * H + (H - 1 - y)] = big[(size_t)y * BIG + x]; /* H x W picture */
        }
    lk_local_features a = {0}, m = {0}, am = {0}, r = {0};
    lk_image ia = view(big, BIG, 0, 0, W, H), im = {mir, W, H, W, LK_PIX_GRAY8};
    lk_image ir = {rot, H, W, H, LK_PIX_GRAY8};
    extract(e, &ia, 1, &a);
    extract(e, &im, 1, &m);
    /* lk_local_mirror(a) is what the mirrored picture gives */
    CHECK_INT(lk_local_mirror(&a, &am), (int)a.count);
    CHECK(shared_share(&am, &m, 0, 0) > 0.6);
    lk_geo_result res;
    lk_geo_params gp;
    lk_geo_params_default(&gp);
    CHECK_INT(lk_geo_verify(g, &gp, &a, &m, &res), 1);
    CHECK_INT(res.mirror, 1);
    CHECK(fabs(res.m[0] + 1) < 0.01 && fabs(res.m[4] - 1) < 0.01 && fabs(res.m[2] - (W - 1)) < 1);
    gp.mirror = 0; /* without the mirrored descriptors it cannot verify */
    CHECK_INT(lk_geo_verify(g, &gp, &a, &m, &res), 0);
    extract(e, &ir, 0, &r);
    CHECK_INT(lk_geo_verify(g, NULL, &a, &r, &res), 1);
    CHECK_INT(res.mirror, 0);
    CHECK(fabs(res.angle - M_PI / 2) < 0.02 && fabs(res.scale - 1) < 0.02);
    lk_local_features_release(&a);
    lk_local_features_release(&m);
    lk_local_features_release(&am);
    lk_local_features_release(&r);
    free(mir);
    free(rot);
}

/* A reduced crop: the middle 60 % of the picture at half size. */
static void check_crop_scale(lk_local_extractor *e, lk_geo_matcher *g, const uint8_t *big)
{
    int cw = 230, ch = 172, x0 = 77, y0 = 58; /* 2x2-averaged to 115 x 86 */
    uint8_t *small = malloc((size_t)(cw / 2) * (ch / 2));
    for (int y = 0; y < ch / 2; y++)
        for (int x = 0; x < cw / 2; x++) {
            const uint8_t *s = big + (size_t)(y0 + 2 * y) * BIG + x0 + 2 * x;
            small[(size_t)y * (cw / 2) + x] = (uint8_t)((s[0] + s[1] + s[BIG] + s[BIG + 1] + 2) / 4);
        }
    lk_local_features a = {0}, b = {0};
    lk_image ia = view(big, BIG, 0, 0, W, H), ib = {small, cw / 2, ch / 2, cw / 2, LK_PIX_GRAY8};
    extract(e, &ib, 1, &b);
    extract(e, &ia, 0, &a);
    lk_geo_result r;
    CHECK_INT(lk_geo_verify(g, NULL, &b, &a, &r), 1);
    CHECK(fabs(r.scale - 2) < 0.05);
    /* suspect (x, y) is reference (x0 + 2x + 0.5, y0 + 2y + 0.5): checked
     * at the suspect's centre and corners */
    for (int k = 0; k < 5; k++) {
        double x = k == 4 ? 57 : (k & 1) * 114, y = k == 4 ? 43 : (k >> 1) * 85;
        double u = r.m[0] * x + r.m[1] * y + r.m[2], v = r.m[3] * x + r.m[4] * y + r.m[5];
        CHECK(fabs(u - (x0 + 2 * x + 0.5)) < (k == 4 ? 1.5 : 3.5));
        CHECK(fabs(v - (y0 + 2 * y + 0.5)) < (k == 4 ? 1.5 : 3.5));
    }
    CHECK(fabs(r.ref.x - x0) < 3 && fabs(r.ref.w - cw) < 4);
    lk_local_features_release(&a);
    lk_local_features_release(&b);
    free(small);
}

static void check_unrelated(lk_local_extractor *e, lk_geo_matcher *g, const uint8_t *big)
{
    uint8_t *other = texture(99, BIG);
    lk_local_features a = {0}, b = {0};
    lk_image ia = view(big, BIG, 0, 0, W, H), ib = view(other, BIG, 0, 0, W, H);
    extract(e, &ia, 1, &a);
    extract(e, &ib, 0, &b);
    lk_geo_result r;
    CHECK_INT(lk_geo_verify(g, NULL, &a, &b, &r), 0);
    CHECK(r.inliers < 10);
    lk_local_features_release(&a);
    lk_local_features_release(&b);
    free(other);
}

/* Random descriptor with bits flipped: w flips. */
static lk_hash256 noisy(const lk_hash256 *d, int flips, uint64_t *s)
{
    lk_hash256 h = *d;
    for (int i = 0; i < flips; i++) {
        int b = (int)(t_rand(s) % 256);
        h.w[b / 64] ^= 1ULL << (b % 64);
    }
    return h;
}

/* Synthetic correspondences: 60 true under a known similarity, 140
 * outliers that copy reference descriptors at wrong places. */
static void check_known_fit(lk_geo_matcher *g)
{
    enum { NR = 200, NT = 60 };
    lk_local_features s = {0}, r = {0};
    uint64_t z = 0x5eedULL;
    r.kp = calloc(NR, sizeof *r.kp); r.desc = calloc(NR, sizeof *r.desc);
    s.kp = calloc(NR, sizeof *s.kp); s.desc = calloc(NR, sizeof *s.desc);
    r.count = s.count = NR;
    r.width = 640; r.height = 480; s.width = 400; s.height = 300;
    double sc = 1.6, an = 0.3, tx = 120, ty = 40, ca = cos(an), sa = sin(an);
    for (int i = 0; i < NR; i++) {
        for (int w = 0; w < 4; w++)
            r.desc[i].w[w] = t_rand(&z);
        double x = 20 + (double)(t_rand(&z) % 360), y = 20 + (double)(t_rand(&z) % 260);
        s.kp[i] = (lk_keypoint){(float)x, (float)y, 1, (float)((t_rand(&z) % 600) / 100.0 - 3), 1, 0};
        s.desc[i] = noisy(&r.desc[(i + 7) % NR], 20, &z); /* outlier: someone else's */
        r.kp[i] = (lk_keypoint){(float)(t_rand(&z) % 640), (float)(t_rand(&z) % 480), 1.5f, 0, 1, 1};
        if (i < NT) { /* true: ref = T(sus) with a pixel of noise */
            s.desc[i] = noisy(&r.desc[i], 20, &z);
            r.kp[i].x = (float)(sc * (ca * x - sa * y) + tx + (double)(t_rand(&z) % 3) - 1);
            r.kp[i].y = (float)(sc * (sa * x + ca * y) + ty + (double)(t_rand(&z) % 3) - 1);
            r.kp[i].angle = (float)(s.kp[i].angle + an);
        }
    }
    lk_geo_params p;
    lk_geo_params_default(&p);
    p.mirror = 0;
    lk_geo_result res;
    CHECK_INT(lk_geo_verify(g, &p, &s, &r, &res), 1);
    CHECK(res.inliers >= NT - 3 && res.inliers <= NT);
    CHECK(fabs(res.scale - sc) < 0.02 && fabs(res.angle - an) < 0.01);
    CHECK(fabs(res.m[2] - tx) < 3 && fabs(res.m[5] - ty) < 3);
    CHECK(res.mean_distance > 15 && res.mean_distance < 25);
    /* the same result again: deterministic */
    lk_geo_result res2;
    lk_geo_verify(g, &p, &s, &r, &res2);
    CHECK(!memcmp(&res, &res2, sizeof res));
    /* too few: with 61 required it is not verified */
    p.min_inliers = p.sure_inliers = NT + 1;
    CHECK_INT(lk_geo_verify(g, &p, &s, &r, &res), 0);
    lk_local_features_release(&s);
    lk_local_features_release(&r);
}

/* Every SIMD level gives the same keypoints and bits. */
static void check_levels(const uint8_t *big)
{
    lk_local_features ref = {0}, f = {0};
    lk_image img = view(big, BIG, 5, 3, 397, 251); /* odd sizes */
    int top = lk_simd_detect(), bad = 0;
    for (int lvl = LK_SIMD_SCALAR; lvl <= top; lvl++) {
        lk_simd_ops ops;
        lk_local_extractor *e;
        CHECK_INT(lk_simd_ops_for(lvl, &ops), 0);
        CHECK_INT(lki_local_new_with_ops(&e, &ops), 0);
        lk_local_features *out = lvl == LK_SIMD_SCALAR ? &ref : &f;
        CHECK(extract(e, &img, 1, out) > 100);
        if (lvl != LK_SIMD_SCALAR)
            bad += f.count != ref.count || memcmp(f.kp, ref.kp, f.count * sizeof *f.kp) ||
                   memcmp(f.desc, ref.desc, f.count * sizeof *f.desc) ||
                   memcmp(f.desc_mirror, ref.desc_mirror, f.count * sizeof *f.desc);
        lk_local_free(&e);
    }
    CHECK_INT(bad, 0);
    lk_local_features_release(&ref);
    lk_local_features_release(&f);
}

static void check_args(lk_local_extractor *e, lk_geo_matcher *g, const uint8_t *big)
{
    lk_local_features f = {0}, m = {0};
    lk_local_params p;
    lk_local_params_default(&p);
    lk_image tiny = view(big, BIG, 0, 0, 40, 40);
    CHECK_INT(lk_local_extract(e, &tiny, &p, &f), 0);
    p.max_keypoints = 0;
    CHECK_INT(lk_local_extract(e, &tiny, &p, &f), LK_EINVAL);
    lk_local_params_default(&p);
    p.levels = LK_LOCAL_MAX_LEVELS + 1;
    CHECK_INT(lk_local_extract(e, &tiny, &p, &f), LK_EINVAL);
    lk_image bad = tiny;
    bad.fmt = 2;
    CHECK_INT(lk_local_extract(e, &bad, NULL, &f), LK_EINVAL);
    lk_image ia = view(big, BIG, 0, 0, W, H);
    CHECK_INT(extract(e, &ia, 0, &f), 300);
    CHECK(f.desc_mirror == NULL);
    CHECK_INT(lk_local_mirror(&f, &m), LK_EINVAL);
    lk_geo_result r;
    CHECK_INT(lk_geo_verify(g, NULL, &f, &f, &r), LK_EINVAL); /* mirror needs desc_mirror */
    lk_geo_params gp;
    lk_geo_params_default(&gp);
    gp.mirror = 0;
    CHECK_INT(lk_geo_verify(g, &gp, &f, &f, &r), 1);
    CHECK_INT(r.inliers, 300);
    gp.min_inliers = 1;
    CHECK_INT(lk_geo_verify(g, &gp, &f, &f, &r), LK_EINVAL);
    gp.min_inliers = gp.sure_inliers + 1;
    CHECK_INT(lk_geo_verify(g, &gp, &f, &f, &r), LK_EINVAL);
    lk_local_features_release(&f);
    lk_local_features_release(&m);
}

int main(void)
{
    uint8_t *big = texture(7, BIG);
    lk_local_extractor *e;
    lk_geo_matcher *g;
    CHECK_INT(lk_local_new(&e), 0);
    CHECK_INT(lk_geo_new(&g), 0);
    check_shift(e, g, big);
    check_mirror_rotate(e, g, big);
    check_crop_scale(e, g, big);
    check_unrelated(e, g, big);
    check_known_fit(g);
    check_levels(big);
    check_args(e, g, big);
    lk_local_free(&e);
    lk_geo_free(&g);
    lk_local_free(&e); /* NULL is fine */
    free(big);
    TEST_DONE("local");
}
