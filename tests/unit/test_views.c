/*
 * test_views.c — view and window geometry (src/features/views.c): every
 * rectangle inside the frame, the documented proportions and positions,
 * views that do not apply, bad arguments; borrowed sub-images hash exactly
 * like a dense copy of the same pixels.
 */
#include <math.h>
#include "likeness/likeness.h"
#include "test.h"

static uint64_t seed = 7;

static int inside(const lk_rect *r, int w, int h)
{
    return r->x >= 0 && r->y >= 0 && r->width >= 1 && r->height >= 1 && r->x + r->width <= w &&
           r->y + r->height <= h;
}

static void test_views(void)
{
    static const int sizes[][2] = { { 512, 288 }, { 384, 288 }, { 288, 288 }, { 288, 512 },
                                    { 1, 1 }, { 7, 3 }, { 512, 96 } };
    lk_rect r;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        int w = sizes[i][0], h = sizes[i][1];
        for (int v = 0; v < LK_VIEW_COUNT; v++) {
            int rc = lk_view_rect(v, w, h, &r);
            CHECK(rc == 0 || rc == 1);
            CHECK(rc == 0 || inside(&r, w, h));
            if (v == LK_VIEW_STRIP)  /* strips exactly for frames at least square */
                CHECK_INT(rc, w >= h);
        }
    }
    CHECK_INT(lk_view_rect(LK_VIEW_FULL, 512, 288, &r), 1);
    CHECK(r.x == 0 && r.y == 0 && r.width == 512 && r.height == 288);
    CHECK_INT(lk_view_rect(LK_VIEW_CENTER, 500, 300, &r), 1);
    CHECK(r.x == 50 && r.y == 30 && r.width == 400 && r.height == 240);
    /* 16:9: a 9:16 strip of full height at the centre */
    CHECK_INT(lk_view_rect(LK_VIEW_STRIP, 512, 288, &r), 1);
    CHECK(r.height == 288 && r.width == 162 && r.x == 175);
    /* portrait frames have no strip */
    CHECK_INT(lk_view_rect(LK_VIEW_STRIP, 288, 512, &r), 0);
    CHECK_INT(lk_view_rect(LK_VIEW_COUNT, 512, 288, &r), LK_EINVAL);
    CHECK_INT(lk_view_rect(-1, 512, 288, &r), LK_EINVAL);
    CHECK_INT(lk_view_rect(LK_VIEW_FULL, 0, 288, &r), LK_EINVAL);
    CHECK_INT(lk_view_rect(LK_VIEW_FULL, 512, 288, NULL), LK_EINVAL);
}

static void test_windows(void)
{
    lk_rect r;
    int w = 512, h = 288, ww = (int)lround(512 * LK_WINDOW_SCALE),
        wh = (int)lround(288 * LK_WINDOW_SCALE);
    for (int k = 0; k < LK_WINDOW_COUNT; k++) {
        CHECK_INT(lk_window_rect(k, w, h, &r), 1);
        CHECK(inside(&r, w, h));
        CHECK_INT(lk_window_rect(k, 3, 2, &r), 1);
        CHECK(inside(&r, 3, 2));
    }
    /* the four corners, flush */
    lk_window_rect(0, w, h, &r);
    CHECK(r.x == 0 && r.y == 0 && r.width == ww && r.height == wh);
    lk_window_rect(3, w, h, &r);
    CHECK(r.x == w - ww && r.y == h - wh);
    /* the centre, and the central region last */
    lk_window_rect(4, w, h, &r);
    CHECK(abs(2 * r.x + r.width - w) <= 1 && abs(2 * r.y + r.height - h) <= 1);
    lk_window_rect(LK_WINDOW_COUNT - 2, w, h, &r);
    lk_rect c;
    lk_view_rect(LK_VIEW_CENTER, w, h, &c);
    CHECK(r.x == c.x && r.y == c.y && r.width == c.width && r.height == c.height);
    /* the core window is the reference's CORE view: 60% x 50%, centred */
    lk_window_rect(LK_WINDOW_COUNT - 1, w, h, &r);
    lk_view_rect(LK_VIEW_CORE, w, h, &c);
    CHECK(r.x == c.x && r.y == c.y && r.width == c.width && r.height == c.height);
    CHECK(c.width == 307 && c.height == 144 && abs(2 * c.x + c.width - w) <= 1 &&
          abs(2 * c.y + c.height - h) <= 1);
    CHECK_INT(lk_window_rect(LK_WINDOW_COUNT, w, h, &r), LK_EINVAL);
    CHECK_INT(lk_window_rect(0, w, -1, &r), LK_EINVAL);
}

static void test_sub_image(void)
{
    enum { W = 96, H = 64 };
    static uint8_t px[W * H * 3], dense[W * H * 3];
    for (size_t i = 0; i < sizeof px; i++)
        px[i] = (uint8_t)(t_rand(&seed) >> 11);
    lk_image img = { px, W, H, W * 3, LK_PIX_RGB24 }, sub;
    lk_rect r = { 10, 7, 50, 40 };
    CHECK_INT(lk_image_sub(&img, &r, &sub), 0);
    CHECK(sub.data == px + 7 * W * 3 + 30 && sub.width == 50 && sub.height == 40 &&
          sub.stride == W * 3 && sub.fmt == LK_PIX_RGB24);
    for (int y = 0; y < 40; y++)
        memcpy(dense + y * 50 * 3, sub.data + y * sub.stride, 50 * 3);
    lk_image copy = { dense, 50, 40, 150, LK_PIX_RGB24 };
    lk_hasher *h = NULL;
    lk_features a, b;
    CHECK_INT(lk_hasher_new(&h), 0);
    CHECK_INT(lk_hasher_compute(h, &sub, LK_FEAT_PDQ | LK_FEAT_DIHEDRAL, &a), 0);
    CHECK_INT(lk_hasher_compute(h, &copy, LK_FEAT_PDQ | LK_FEAT_DIHEDRAL, &b), 0);
    CHECK(!memcmp(a.pdq_dihedral, b.pdq_dihedral, sizeof a.pdq_dihedral));
    CHECK_INT(a.pdq_quality, b.pdq_quality);
    lk_hasher_free(&h);
    lk_rect bad[] = { { -1, 0, 5, 5 }, { 0, 0, 0, 5 }, { 90, 0, 7, 5 }, { 0, 60, 5, 5 },
                      { 0, 0, W, H + 1 } };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_INT(lk_image_sub(&img, &bad[i], &sub), LK_EINVAL);
    r = (lk_rect){ 0, 0, W, H };
    CHECK_INT(lk_image_sub(&img, &r, &sub), 0);
    CHECK(sub.data == px);
    CHECK_INT(lk_image_sub(NULL, &r, &sub), LK_EINVAL);
}

int main(void)
{
    lk_init();
    test_views();
    test_windows();
    test_sub_image();
    TEST_DONE("views");
}
