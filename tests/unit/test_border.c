/*
 * test_border.c — constant border detection and the crop rule: exact bands
 * of any colour under noise, minimum and maximum band, pairing, uniform
 * pictures, small pictures, and the hysteresis between video frames.
 */
#include <stdlib.h>
#include "test.h"
#include "likeness/likeness.h"
#include "decode/decode_internal.h"

enum { W = 320, H = 180 };
static uint8_t img[H][W * 3];
static uint64_t seed = 42;

/* Busy content everywhere. */
static void content(void)
{
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W * 3; x++)
            img[y][x] = (uint8_t)(t_rand(&seed) >> 56);
}

/* Paints [x0,x1) x [y0,y1) with colour c plus noise of +-noise. */
static void fill(int x0, int y0, int x1, int y1, const uint8_t c[3], int noise)
{
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            for (int k = 0; k < 3; k++) {
                int v = c[k] + (noise ? (int)(t_rand(&seed) % (2 * noise + 1)) - noise : 0);
                img[y][3 * x + k] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
            }
}

/* Crop of the current picture as a still. */
static lk_rect still_crop(int w, int h)
{
    lk_border b;
    lk_rect r;
    lki_border_detect(&img[0][0], w, h, W * 3, &b);
    lki_border_crop(&b, w, h, NULL, &r);
    return r;
}

#define CHECK_RECT(r, X, Y, WW, HH)                                                       \
    do {                                                                                  \
        CHECK_INT((r).x, X);                                                              \
        CHECK_INT((r).y, Y);                                                              \
        CHECK_INT((r).width, WW);                                                         \
        CHECK_INT((r).height, HH);                                                        \
    } while (0)

static void test_stills(void)
{
    static const uint8_t black[3] = { 0, 0, 0 }, white[3] = { 255, 255, 255 },
                         teal[3] = { 20, 140, 130 }, red[3] = { 200, 10, 10 };
    content();
    CHECK_RECT(still_crop(W, H), 0, 0, W, H);
    /* Letterbox with compression-like noise, unequal bars. */
    fill(0, 0, W, 22, black, 6);
    fill(0, H - 25, W, H, black, 6);
    CHECK_RECT(still_crop(W, H), 0, 22, W, H - 47);
    /* A few stray pixels in a bar row (a logo) do not stop the band. */
    fill(10, 5, 14, 6, white, 0);
    CHECK_RECT(still_crop(W, H), 0, 22, W, H - 47);
    /* Window box in white. */
    content();
    fill(0, 0, W, 10, white, 3);
    fill(0, H - 10, W, H, white, 3);
    fill(0, 0, 40, H, white, 3);
    fill(W - 40, 0, W, H, white, 3);
    CHECK_RECT(still_crop(W, H), 40, 10, W - 80, H - 20);
    /* Pillarbox of a non-black colour. */
    content();
    fill(0, 0, 50, H, teal, 2);
    fill(W - 50, 0, W, H, teal, 2);
    CHECK_RECT(still_crop(W, H), 50, 0, W - 100, H);
    /* Bars of different colours, or on one side only: content, not border. */
    fill(W - 50, 0, W, H, red, 2);
    CHECK_RECT(still_crop(W, H), 0, 0, W, H);
    content();
    fill(0, 0, 50, H, teal, 2);
    CHECK_RECT(still_crop(W, H), 0, 0, W, H);
    /* Below the minimum band (2% of 180 = 4 rows): kept. */
    content();
    fill(0, 0, W, 3, black, 0);
    fill(0, H - 3, W, H, black, 0);
    CHECK_RECT(still_crop(W, H), 0, 0, W, H);
    fill(0, 0, W, 4, black, 0);
    fill(0, H - 4, W, H, black, 0);
    CHECK_RECT(still_crop(W, H), 0, 4, W, H - 8);
    /* Wider than 35% of the side: more likely content, not cropped. */
    content();
    fill(0, 0, W, 70, black, 0);
    fill(0, H - 20, W, H, black, 0);
    CHECK_RECT(still_crop(W, H), 0, 0, W, H);
    /* Uniform picture: nothing to crop. */
    fill(0, 0, W, H, teal, 1);
    CHECK_RECT(still_crop(W, H), 0, 0, W, H);
    /* A gradient is not a constant band. */
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W * 3; x++)
            img[y][x] = (uint8_t)(y * 255 / H);
    CHECK_RECT(still_crop(W, H), 0, 0, W, H);
    /* Tiny pictures are never cropped. */
    content();
    fill(0, 0, 15, 3, black, 0);
    fill(0, 9, 15, 12, black, 0);
    CHECK_RECT(still_crop(15, 12), 0, 0, 15, 12);
}

/* Video: the crop holds unless a detection differs clearly. */
static void test_video(void)
{
    static const uint8_t black[3] = { 0, 0, 0 };
    lk_rect prev = { 0, 20, W, H - 40 }, r;
    lk_border b = { 21, 19, 0, 0 };
    lki_border_crop(&b, W, H, &prev, &r);
    CHECK_RECT(r, 0, 20, W, H - 40); /* jitter of one row: unchanged */
    b.top = b.bottom = LK_BORDER_UNKNOWN;
    lki_border_crop(&b, W, H, &prev, &r);
    CHECK_RECT(r, 0, 20, W, H - 40); /* unknown (fade to black): unchanged */
    b.top = b.bottom = 0;
    lki_border_crop(&b, W, H, &prev, &r);
    CHECK_RECT(r, 0, 0, W, H); /* bars gone: follows */
    b.top = b.bottom = 30;
    lki_border_crop(&b, W, H, &prev, &r);
    CHECK_RECT(r, 0, 30, W, H - 60); /* clearly larger: follows */
    /* Through detection: a black frame after a letterboxed one. */
    content();
    fill(0, 0, W, 20, black, 0);
    fill(0, H - 20, W, H, black, 0);
    lki_border_detect(&img[0][0], W, H, W * 3, &b);
    lki_border_crop(&b, W, H, NULL, &prev);
    CHECK_RECT(prev, 0, 20, W, H - 40);
    fill(0, 0, W, H, black, 0);
    lki_border_detect(&img[0][0], W, H, W * 3, &b);
    CHECK(b.top == LK_BORDER_UNKNOWN && b.left == LK_BORDER_UNKNOWN);
    lki_border_crop(&b, W, H, &prev, &r);
    CHECK_RECT(r, 0, 20, W, H - 40);
    /* An invalid previous rectangle is ignored. */
    lk_rect bad = { 300, 0, 100, 10 };
    b.top = b.bottom = 0;
    b.left = b.right = LK_BORDER_UNKNOWN;
    lki_border_crop(&b, W, H, &bad, &r);
    CHECK_RECT(r, 0, 0, W, H);
}

int main(void)
{
    test_stills();
    test_video();
    TEST_DONE("border");
}
