/*
 * test_decode_stills.c — the decoder front and the PNG/JPEG readers:
 * pixels of every PNG layout, JPEG flavours (progressive, gray, CMYK, EXIF
 * orientations), working-size reduction, border crops and every error
 * path; reference mode (pdq-photo-hasher's pixels: own size, CImg's
 * nearest-neighbour resize to 512x512, grey kept, 16-bit low bytes, EXIF
 * ignored).  Reads the media of tests/media/gen-stills.sh from $LK_MEDIA/stills
 * and writes the pictures it builds itself into a temporary directory.
 */
#include <errno.h>
#include <png.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <turbojpeg.h>
#include <unistd.h>
#include "test.h"
#include "likeness/likeness.h"
#include "common/common.h"
#include "decode/decode_internal.h"

static char media[512], tmpdir[64];

static const char *mpath(const char *name)
{
    static char buf[4][640];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/stills/%s", media, name);
    return buf[i];
}

static const char *tpath(const char *name)
{
    static char buf[4][640];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", tmpdir, name);
    return buf[i];
}

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)sz + 1);
    *n = fread(b, 1, (size_t)sz, f);
    fclose(f);
    return b;
}

static void spit(const char *path, const void *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK_INT(fwrite(b, 1, n, f), n);
    fclose(f);
}

/* A decoded still: dense copy of the frame plus what the decoder said. */
typedef struct pic {
    uint8_t *px; /* full, dense */
    int w, h;
    lk_rect crop;
    lk_media_info info;
    int rc;
} pic;

/* Decodes path's single frame; checks the still contract on the way. */
static pic decode(const char *path, int max_dim, int crop)
{
    pic p;
    memset(&p, 0, sizeof p);
    lk_decode_opts o;
    lk_decode_opts_default(&o);
    o.max_dim = max_dim;
    o.crop_borders = crop;
    lk_decoder *d = NULL;
    lk_errbuf e;
    lk_errbuf_clear(&e);
    p.rc = lk_decoder_open(&d, path, &o, &e);
    if (p.rc < 0) {
        CHECK(d == NULL);
        CHECK(strstr(e.msg, path) != NULL);
        CHECK_INT(e.code, p.rc);
        return p;
    }
    lk_decoder_info(d, &p.info);
    lk_frame f;
    memset(&f, 0, sizeof f);
    if (lk_decoder_next(d, &f, &e) != 1) {
        CHECK(0);
        lk_decoder_free(&d);
        p.rc = e.code ? e.code : LK_ESTATE;
        return p;
    }
    CHECK_INT(f.flags, LK_FRAME_STILL | LK_FRAME_KEY);
    CHECK(f.time == 0 && f.number == 0);
    CHECK_INT(f.full.fmt, LK_PIX_RGB24);
    p.w = f.full.width;
    p.h = f.full.height;
    p.crop = f.crop;
    p.px = malloc((size_t)p.w * p.h * 3);
    for (int y = 0; y < p.h; y++)
        memcpy(p.px + (size_t)y * p.w * 3, f.full.data + (size_t)y * f.full.stride, (size_t)p.w * 3);
    CHECK(f.image.data == f.full.data + (size_t)f.crop.y * f.full.stride + (size_t)f.crop.x * 3);
    CHECK(f.image.width == f.crop.width && f.image.height == f.crop.height);
    CHECK_INT(lk_decoder_next(d, &f, &e), 0);
    lk_decoder_free(&d);
    CHECK(d == NULL);
    return p;
}

static double mean_diff(const uint8_t *a, const uint8_t *b, size_t n, int *maxd)
{
    double s = 0;
    *maxd = 0;
    for (size_t i = 0; i < n; i++) {
        int d = abs(a[i] - b[i]);
        s += d;
        if (d > *maxd)
            *maxd = d;
    }
    return s / (double)n;
}

static int is_full(const pic *p)
{
    return p->crop.x == 0 && p->crop.y == 0 && p->crop.width == p->w && p->crop.height == p->h;
}

/* px (64x48 RGB24) equals the top byte of R, G, B of a raw file with
 * bpp bytes per pixel (4: rgba, 6: rgb48be): alpha dropped, 16 bits cut. */
static int same_as_raw(const uint8_t *px, const char *raw, int bpp)
{
    size_t n;
    uint8_t *r = slurp(raw, &n);
    int ok = r && n == (size_t)64 * 48 * bpp;
    for (int i = 0; ok && i < 64 * 48; i++)
        for (int c = 0; c < 3; c++)
            ok &= px[3 * i + c] == r[bpp * i + c * (bpp / 3 == 2 ? 2 : 1)];
    free(r);
    return ok;
}

/* PNG layouts from ffmpeg against the raw pixels they were made from. */
static void test_png_layouts(void)
{
    size_t n;
    uint8_t *rgb = slurp(mpath("rgb.rgb"), &n);
    CHECK(rgb && n == 64 * 48 * 3);
    const char *same[] = { "rgb.png", "interlaced.png", "rgba.png", "rgb16.png" };
    for (size_t i = 0; i < LK_ARRAY_SIZE(same); i++) {
        pic p = decode(mpath(same[i]), 512, 1);
        CHECK_INT(p.rc, 0);
        CHECK(p.w == 64 && p.h == 48 && p.info.width == 64 && p.info.height == 48);
        if (i < 2)
            CHECK(p.px && rgb && !memcmp(p.px, rgb, 64 * 48 * 3));
        else
            CHECK(p.px && same_as_raw(p.px, mpath(i == 2 ? "rgba.raw" : "rgb16.raw"), i == 2 ? 4 : 6));
        CHECK_STR(p.info.format, "png");
        CHECK_STR(p.info.codec, "png");
        CHECK(p.info.is_still == 1 && p.info.rotation == 0 && p.info.orientation == 1);
        CHECK(is_full(&p));
        free(p.px);
    }
    uint8_t *gray = slurp(mpath("gray.raw"), &n);
    pic p = decode(mpath("gray.png"), 512, 1);
    CHECK_INT(p.rc, 0);
    int ok = p.px && gray && n == 64 * 48;
    for (int i = 0; ok && i < 64 * 48; i++)
        ok = p.px[3 * i] == gray[i] && p.px[3 * i + 1] == gray[i] && p.px[3 * i + 2] == gray[i];
    CHECK(ok);
    free(p.px);
    free(gray);
    uint8_t *pal = slurp(mpath("pal.rgb"), &n);
    p = decode(mpath("pal.png"), 512, 1);
    CHECK(p.rc == 0 && pal && p.px && !memcmp(p.px, pal, 64 * 48 * 3));
    free(p.px);
    free(pal);
    free(rgb);
}

/* The first frame of an animated PNG is the first picture of the source,
 * whether FFmpeg reads the animation or libpng its default image. */
static void test_apng(void)
{
    size_t n;
    uint8_t *rgb = slurp(mpath("rgb.rgb"), &n);
    lk_decoder *d = NULL;
    lk_errbuf e;
    lk_frame f;
    memset(&f, 0, sizeof f);
    CHECK_INT(lk_decoder_open(&d, mpath("anim.png"), NULL, &e), 0);
    CHECK_INT(d ? lk_decoder_next(d, &f, &e) : -1, 1);
    int ok = rgb && n == 64 * 48 * 3 && f.full.width == 64 && f.full.height == 48;
    for (int y = 0; ok && y < 48; y++)
        ok = !memcmp(f.full.data + (size_t)y * f.full.stride, rgb + y * 64 * 3, 64 * 3);
    CHECK(ok);
    CHECK(f.flags & LK_FRAME_KEY);
    lk_decoder_free(&d);
    free(rgb);
}

/* Writes a PNG with libpng: rows of the given layout. */
static void write_png(const char *path, int w, int h, int ct, int depth, uint8_t **rows,
                      const png_color *plte, int nplte, const uint8_t *trns, int ntrns)
{
    FILE *f = fopen(path, "wb");
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    if (!f || !png || !info || setjmp(png_jmpbuf(png))) {
        CHECK(0);
        return;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, depth, ct, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (plte)
        png_set_PLTE(png, info, plte, nplte);
    if (trns)
        png_set_tRNS(png, info, trns, ntrns, NULL);
    png_write_info(png, info);
    png_write_image(png, rows);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    fclose(f);
}

/* Palette with tRNS, 16-bit gray + alpha, 1-bit gray. */
static void test_png_made_here(void)
{
    enum { W = 9, H = 5 };
    uint8_t buf[H][W * 4], *rows[H];
    png_color plte[3] = { { 10, 20, 30 }, { 200, 100, 50 }, { 255, 255, 0 } };
    uint8_t trns[2] = { 255, 0 };
    for (int y = 0; y < H; y++) {
        rows[y] = buf[y];
        for (int x = 0; x < W; x++)
            buf[y][x] = (uint8_t)((x + y) % 3);
    }
    write_png(tpath("trns.png"), W, H, PNG_COLOR_TYPE_PALETTE, 8, rows, plte, 3, trns, 2);
    pic p = decode(tpath("trns.png"), 512, 1);
    int ok = p.rc == 0 && p.w == W && p.h == H;
    for (int i = 0; ok && i < W * H; i++) {
        const png_color *c = &plte[(i % W + i / W) % 3];
        ok = p.px[3 * i] == c->red && p.px[3 * i + 1] == c->green && p.px[3 * i + 2] == c->blue;
    }
    CHECK(ok);
    free(p.px);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint16_t v = (uint16_t)(x * 7000 + y * 3000), a = (uint16_t)(x * 5000);
            uint8_t *q = buf[y] + 4 * x;
            q[0] = (uint8_t)(v >> 8), q[1] = (uint8_t)v, q[2] = (uint8_t)(a >> 8), q[3] = (uint8_t)a;
        }
    write_png(tpath("ga16.png"), W, H, PNG_COLOR_TYPE_GRAY_ALPHA, 16, rows, NULL, 0, NULL, 0);
    p = decode(tpath("ga16.png"), 512, 1);
    ok = p.rc == 0 && p.w == W && p.h == H;
    for (int i = 0; ok && i < W * H; i++) {
        uint8_t hi = buf[i / W][4 * (i % W)];
        ok = p.px[3 * i] == hi && p.px[3 * i + 1] == hi && p.px[3 * i + 2] == hi;
    }
    CHECK(ok);
    free(p.px);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < 2; x++)
            buf[y][x] = (uint8_t)(y & 1 ? 0xaa : 0x55);
    write_png(tpath("bw.png"), W, H, PNG_COLOR_TYPE_GRAY, 1, rows, NULL, 0, NULL, 0);
    p = decode(tpath("bw.png"), 512, 1);
    ok = p.rc == 0 && p.w == W && p.h == H;
    for (int i = 0; ok && i < W * H; i++) {
        int bit = ((i / W) & 1 ? 0xaa : 0x55) >> (7 - (i % W) % 8) & 1;
        ok = p.px[3 * i] == (bit ? 255 : 0) && p.px[3 * i + 2] == p.px[3 * i];
    }
    CHECK(ok);
    free(p.px);
}

static void test_sizes(void)
{
    size_t n;
    uint8_t *ref = slurp(mpath("1x1.rgb"), &n);
    pic p = decode(mpath("1x1.png"), 512, 1);
    CHECK(p.rc == 0 && p.w == 1 && p.h == 1 && ref && n == 3 && !memcmp(p.px, ref, 3));
    CHECK(p.px && abs(p.px[0] - 0x33) < 4 && abs(p.px[1] - 0x66) < 4 && abs(p.px[2] - 0x99) < 4);
    free(p.px);
    free(ref);
    ref = slurp(mpath("17x9.rgb"), &n);
    p = decode(mpath("17x9.png"), 512, 1);
    CHECK(p.rc == 0 && p.w == 17 && p.h == 9 && ref && n == 17 * 9 * 3 && !memcmp(p.px, ref, n));
    CHECK(is_full(&p));
    free(p.px);
    free(ref);
    /* 8K: reduced to 512x288 by area averaging, as ffmpeg's area scaler. */
    ref = slurp(mpath("big512.rgb"), &n);
    const char *big[] = { "big.png", "big.jpg" };
    const double tol[] = { 0.5, 3.0 };
    for (int i = 0; i < 2; i++) {
        p = decode(mpath(big[i]), 512, 1);
        CHECK(p.rc == 0 && p.w == 512 && p.h == 288);
        CHECK(p.info.width == 7680 && p.info.height == 4320);
        int maxd = 0;
        double md = p.px && ref && n == 512 * 288 * 3 ? mean_diff(p.px, ref, n, &maxd) : 99;
        printf("%s vs ffmpeg area 512x288: mean %.3f max %d\n", big[i], md, maxd);
        CHECK(md < tol[i]);
        free(p.px);
    }
    free(ref);
    /* Never upscaled; max_dim 0 keeps the coded size. */
    p = decode(mpath("rgb.png"), 4096, 1);
    CHECK(p.rc == 0 && p.w == 64 && p.h == 48);
    free(p.px);
    p = decode(mpath("big.png"), 0, 0);
    CHECK(p.rc == 0 && p.w == 7680 && p.h == 4320);
    free(p.px);
    p = decode(mpath("rgb.png"), 32, 1);
    CHECK(p.rc == 0 && p.w == 32 && p.h == 24);
    free(p.px);
}

/* Inserts an APP1 Exif segment with the orientation tag after SOI. */
static uint8_t *with_exif(const uint8_t *jpg, size_t n, int orient, int big_endian, size_t *out_n)
{
    static const uint8_t le[] = { 'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0,
                                  0, 0, 0, 0, 0, 0, 0, 0 };
    static const uint8_t be[] = { 'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1,
                                  0, 0, 0, 0, 0, 0, 0, 0 };
    uint8_t tiff[sizeof le];
    memcpy(tiff, big_endian ? be : le, sizeof tiff);
    tiff[big_endian ? 19 : 18] = (uint8_t)orient;
    size_t seg = 2 + 6 + sizeof tiff;
    uint8_t *o = malloc(n + 2 + seg);
    memcpy(o, jpg, 2);
    uint8_t hdr[10] = { 0xff, 0xe1, (uint8_t)(seg >> 8), (uint8_t)seg, 'E', 'x', 'i', 'f', 0, 0 };
    memcpy(o + 2, hdr, 10);
    memcpy(o + 12, tiff, sizeof tiff);
    memcpy(o + 12 + sizeof tiff, jpg + 2, n - 2);
    *out_n = n + 2 + seg;
    return o;
}

static void test_jpeg_orientation(void)
{
    static const int rot[9] = { 0, 0, 0, 180, 180, 270, 90, 90, 270 };
    size_t n, m;
    uint8_t *jpg = slurp(mpath("wide.jpg"), &n);
    pic base = decode(mpath("wide.jpg"), 512, 1);
    CHECK(jpg && base.rc == 0 && base.w == 96 && base.h == 40);
    CHECK_STR(base.info.format, "jpeg");
    if (!jpg || base.rc)
        return;
    uint8_t *want = malloc((size_t)96 * 40 * 3);
    for (int o = 1; o <= 8; o++) {
        uint8_t *x = with_exif(jpg, n, o, o & 1, &m);
        spit(tpath("exif.jpg"), x, m);
        pic p = decode(tpath("exif.jpg"), 512, 1);
        int ww, wh;
        lki_orient_rgb24(base.px, 96, 40, 96 * 3, o, want, &ww, &wh);
        CHECK(p.rc == 0 && p.w == ww && p.h == wh && !memcmp(p.px, want, (size_t)ww * wh * 3));
        CHECK(p.info.width == (o >= 5 ? 40 : 96) && p.info.height == (o >= 5 ? 96 : 40));
        CHECK_INT(p.info.orientation, o);
        CHECK_INT(p.info.rotation, rot[o]);
        free(p.px);
        /* Damaged EXIF: IFD offset out of range; the picture stays as stored. */
        x[12 + 4 + (o & 1 ? 0 : 3)] = 0xf0; /* the most significant byte */
        spit(tpath("exif.jpg"), x, m);
        p = decode(tpath("exif.jpg"), 512, 1);
        CHECK(p.rc == 0 && p.w == 96 && p.info.orientation == 1 && !memcmp(p.px, base.px, 96 * 40 * 3));
        free(p.px);
        free(x);
    }
    free(want);
    free(base.px);
    free(jpg);
}

/* Progressive (lossless transform of a baseline file) decodes identically. */
static void test_jpeg_progressive(void)
{
    size_t n;
    uint8_t *jpg = slurp(mpath("base.jpg"), &n);
    tjhandle t = tjInitTransform();
    tjtransform xf;
    memset(&xf, 0, sizeof xf);
    xf.op = TJXOP_NONE;
    xf.options = TJXOPT_PROGRESSIVE;
    unsigned char *dst = NULL;
    unsigned long dn = 0;
    CHECK(jpg && tjTransform(t, jpg, n, 1, &dst, &dn, &xf, 0) == 0);
    int sof2 = 0;
    for (unsigned long i = 0; i + 1 < dn; i++)
        sof2 |= dst[i] == 0xff && dst[i + 1] == 0xc2;
    CHECK(sof2);
    spit(tpath("prog.jpg"), dst, dn);
    pic a = decode(mpath("base.jpg"), 512, 1), b = decode(tpath("prog.jpg"), 512, 1);
    CHECK(a.rc == 0 && b.rc == 0 && a.w == 64 && b.w == 64 && !memcmp(a.px, b.px, 64 * 48 * 3));
    /* At or under the working size: exactly TurboJPEG's own full decode. */
    uint8_t direct[64 * 48 * 3];
    tjhandle dj = tjInitDecompress();
    CHECK(jpg && tjDecompress2(dj, jpg, n, direct, 64, 0, 48, TJPF_RGB, 0) == 0);
    CHECK(a.px && !memcmp(a.px, direct, sizeof direct));
    tjDestroy(dj);
    size_t rn;
    uint8_t *rgb = slurp(mpath("base.rgb"), &rn);
    int maxd = 0;
    double md = a.px && rgb && rn == 64 * 48 * 3 ? mean_diff(a.px, rgb, rn, &maxd) : 99;
    printf("base.jpg vs ffmpeg's decoding: mean %.3f max %d\n", md, maxd);
    CHECK(md < 1.0 && maxd <= 4); /* IDCT and colour conversion rounding only */
    free(rgb);
    free(a.px);
    free(b.px);
    tjFree(dst);
    tjDestroy(t);
    free(jpg);
}

/* Gray and CMYK JPEGs made with TurboJPEG. */
static void test_jpeg_gray_cmyk(void)
{
    enum { W = 64, H = 64 };
    uint8_t src[W * H * 4];
    for (int i = 0; i < W * H; i++)
        src[i] = (uint8_t)((i % W) * 4);
    tjhandle c = tjInitCompress();
    unsigned char *jpg = NULL;
    unsigned long n = 0;
    CHECK(tjCompress2(c, src, W, 0, H, TJPF_GRAY, &jpg, &n, TJSAMP_GRAY, 95, 0) == 0);
    spit(tpath("gray.jpg"), jpg, n);
    pic p = decode(tpath("gray.jpg"), 512, 1);
    int ok = p.rc == 0 && p.w == W && p.h == H;
    for (int i = 0; ok && i < W * H; i++)
        ok = p.px[3 * i] == p.px[3 * i + 1] && p.px[3 * i] == p.px[3 * i + 2] &&
             abs(p.px[3 * i] - src[i]) <= 6;
    CHECK(ok);
    free(p.px);
    /* Quadrants red, green, blue, black in Adobe (inverted) CMYK. */
    static const uint8_t cmyk[4][4] = { { 255, 0, 0, 255 }, { 0, 255, 0, 255 },
                                        { 0, 0, 255, 255 }, { 255, 255, 255, 0 } };
    static const uint8_t rgb[4][3] = { { 255, 0, 0 }, { 0, 255, 0 }, { 0, 0, 255 }, { 0, 0, 0 } };
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            memcpy(src + 4 * (y * W + x), cmyk[(y >= H / 2) * 2 + (x >= W / 2)], 4);
    CHECK(tjCompress2(c, src, W, 0, H, TJPF_CMYK, &jpg, &n, TJSAMP_444, 95, 0) == 0);
    spit(tpath("cmyk.jpg"), jpg, n);
    p = decode(tpath("cmyk.jpg"), 512, 1);
    CHECK(p.rc == 0 && p.w == W && p.h == H);
    for (int q = 0; p.rc == 0 && q < 4; q++) {
        const uint8_t *px = p.px + 3 * ((q / 2 * H / 2 + H / 4) * W + q % 2 * W / 2 + W / 4);
        CHECK(abs(px[0] - rgb[q][0]) <= 8 && abs(px[1] - rgb[q][1]) <= 8 && abs(px[2] - rgb[q][2]) <= 8);
    }
    free(p.px);
    tjFree(jpg);
    tjDestroy(c);
}

static void test_crops(void)
{
    static const struct { const char *name; int max_dim; lk_rect want; } cases[] = {
        { "letterbox.png", 1024, { 0, 60, 640, 240 } },
        { "pillarbox.png", 1024, { 80, 0, 480, 360 } },
        { "letterbox.png", 512, { 0, 48, 512, 192 } },
        { "pillarbox.png", 512, { 64, 0, 384, 288 } },
        { "uniform.png", 512, { 0, 0, 320, 240 } },
        { "rgb.png", 512, { 0, 0, 64, 48 } },
        { "big.png", 512, { 0, 0, 512, 288 } },
    };
    for (size_t i = 0; i < LK_ARRAY_SIZE(cases); i++) {
        pic p = decode(mpath(cases[i].name), cases[i].max_dim, 1);
        const lk_rect *w = &cases[i].want;
        CHECK_INT(p.rc, 0);
        CHECK(p.crop.x == w->x && p.crop.y == w->y && p.crop.width == w->width &&
              p.crop.height == w->height);
        if (p.crop.x != w->x || p.crop.y != w->y || p.crop.width != w->width)
            printf("%s: crop %d,%d %dx%d\n", cases[i].name, p.crop.x, p.crop.y, p.crop.width,
                   p.crop.height);
        free(p.px);
    }
    pic p = decode(mpath("letterbox.png"), 1024, 0);
    CHECK(p.rc == 0 && is_full(&p));
    free(p.px);
    /* Compression noise and ringing: within a few rows of the bars. */
    p = decode(mpath("letterbox.jpg"), 1024, 1);
    printf("letterbox.jpg: crop %d,%d %dx%d\n", p.crop.x, p.crop.y, p.crop.width, p.crop.height);
    CHECK(p.rc == 0 && p.crop.x == 0 && p.crop.width == 640);
    CHECK(p.crop.y >= 56 && p.crop.y <= 60 && p.crop.y + p.crop.height >= 300 &&
          p.crop.y + p.crop.height <= 304);
    free(p.px);
}

static uint32_t crc32_of(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xffffffffu;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

/* A valid PNG signature and IHDR claiming w x h, then IEND. */
static void write_png_header(const char *path, uint32_t w, uint32_t h)
{
    uint8_t b[8 + 25 + 12 + 12] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    put32(b + 8, 13);
    memcpy(b + 12, "IHDR", 4);
    put32(b + 16, w);
    put32(b + 20, h);
    b[24] = 8, b[25] = 2; /* 8-bit RGB, no interlace */
    put32(b + 29, crc32_of(b + 12, 17));
    memcpy(b + 33 + 4, "IDAT", 4); /* empty: the reader must stop before */
    put32(b + 41, crc32_of(b + 37, 4));
    memcpy(b + 45 + 4, "IEND", 4);
    put32(b + 53, crc32_of(b + 49, 4));
    spit(path, b, sizeof b);
}

/* Opens path and expects code, with the path and want (if any) in the message. */
static void expect_error(const char *path, int code, const char *want)
{
    lk_decoder *d = (lk_decoder *)&d;
    lk_errbuf e;
    lk_errbuf_clear(&e);
    int rc = lk_decoder_open(&d, path, NULL, &e);
    CHECK_INT(rc, code);
    CHECK(d == NULL);
    CHECK_INT(e.code, code);
    CHECK(strstr(e.msg, path) != NULL && (!want || strstr(e.msg, want)));
    if (rc != code || !strstr(e.msg, path) || (want && !strstr(e.msg, want)))
        printf("%s: got %d \"%s\"\n", path, rc, e.msg);
}

/* JPEG damage judged by libjpeg's warning codes: cut short and closed with
 * an EOI marker ("premature end of data segment") or not ("premature end of
 * JPEG file") is damaged; bytes between markers are tolerated. */
static void test_jpeg_damage(void)
{
    size_t n;
    uint8_t *b = slurp(mpath("big.jpg"), &n);
    CHECK(b && n > 1000);
    if (!b)
        return;
    b[n / 2] = 0xff, b[n / 2 + 1] = 0xd9;
    spit(tpath("cut-eoi.jpg"), b, n / 2 + 2);
    expect_error(tpath("cut-eoi.jpg"), LK_ECORRUPT, "premature end of data segment");
    spit(tpath("cut.jpg"), b, n / 2);
    expect_error(tpath("cut.jpg"), LK_ECORRUPT, "premature end of JPEG file");
    free(b);
    b = slurp(mpath("base.jpg"), &n);
    CHECK(b && n > 300);
    if (!b)
        return;
    uint8_t *c = malloc(n + 2);
    memcpy(c, b, n - 300);
    memcpy(c + n - 302, "\xff\xd9", 2);
    spit(tpath("cut-small.jpg"), c, n - 300);
    expect_error(tpath("cut-small.jpg"), LK_ECORRUPT, "truncated or damaged JPEG data");
    /* Two stray bytes after the first marker segment: libjpeg warns
     * (extraneous data), the pixels are intact. */
    size_t at = 4 + ((size_t)b[4] << 8 | b[5]);
    CHECK(b[2] == 0xff && at < n);
    memcpy(c, b, at);
    c[at] = 0x12, c[at + 1] = 0x34;
    memcpy(c + at + 2, b + at, n - at);
    spit(tpath("stray.jpg"), c, n + 2);
    pic p = decode(tpath("stray.jpg"), 512, 0), q = decode(mpath("base.jpg"), 512, 0);
    CHECK_INT(p.rc, 0);
    CHECK(p.px && q.px && p.w == q.w && p.h == q.h && !memcmp(p.px, q.px, (size_t)p.w * p.h * 3));
    free(p.px);
    free(q.px);
    free(c);
    free(b);
}

static void test_errors(void)
{
    expect_error(tpath("missing.png"), LK_ENOENT, "cannot open '");
    expect_error(tpath("missing.png"), LK_ENOENT, "no such file or directory");
    expect_error(tmpdir, LK_EISDIR, "is a directory");
    expect_error(mpath("empty.png"), LK_EFORMAT, "empty file");
    expect_error(mpath("random.bin"), LK_EFORMAT, NULL);
    expect_error(mpath("trunc.png"), LK_ECORRUPT, "truncated or damaged PNG data");
    expect_error(mpath("trunc.jpg"), LK_ECORRUPT, "truncated or damaged JPEG data");
    write_png_header(tpath("huge.png"), 100000, 100000);
    expect_error(tpath("huge.png"), LK_ETOOBIG, "100000x100000 pixels is more than");
    write_png_header(tpath("wide.png"), 70000, 1);
    expect_error(tpath("wide.png"), LK_ETOOBIG, "70000x1");
    write_png_header(tpath("zero.png"), 0, 10);
    expect_error(tpath("zero.png"), LK_ECORRUPT, NULL);
    size_t n;
    uint8_t *b = slurp(mpath("rgb.png"), &n);
    spit(tpath("sig.png"), b, 5);
    expect_error(tpath("sig.png"), LK_ECORRUPT, NULL);
    b[n - 20] ^= 0x5a; /* inside the IDAT data: CRC mismatch */
    spit(tpath("crc.png"), b, n);
    expect_error(tpath("crc.png"), LK_ECORRUPT, NULL);
    free(b);
    /* A JPEG header claiming 65000x65000 (fits a side, not the pixel limit). */
    b = slurp(mpath("base.jpg"), &n);
    size_t pos = 2;
    while (b && pos + 9 < n && b[pos] == 0xff && (b[pos + 1] < 0xc0 || b[pos + 1] > 0xc2))
        pos += 2 + ((size_t)b[pos + 2] << 8 | b[pos + 3]);
    CHECK(b && pos + 9 < n && b[pos + 1] >= 0xc0);
    if (b && pos + 9 < n) {
        b[pos + 5] = 0xfd, b[pos + 6] = 0xe8, b[pos + 7] = 0xfd, b[pos + 8] = 0xe8;
        spit(tpath("huge.jpg"), b, n);
        expect_error(tpath("huge.jpg"), LK_ETOOBIG, "65000x65000");
    }
    free(b);
    test_jpeg_damage();
    b = slurp(mpath("rgb.png"), &n);
    spit(tpath("locked.png"), b, n);
    free(b);
    chmod(tpath("locked.png"), 0);
    if (geteuid() == 0)
        printf("decode_stills: running as root, unreadable-file case skipped\n");
    else
        expect_error(tpath("locked.png"), LK_EACCES, "permission denied");
    lk_errbuf e;
    lk_decoder *d = NULL;
    CHECK_INT(lk_decoder_open(NULL, mpath("rgb.png"), NULL, &e), LK_EINVAL);
    CHECK_INT(lk_decoder_open(&d, NULL, NULL, &e), LK_EINVAL);
    CHECK(d == NULL);
    lk_decoder_free(&d);
    lk_decoder_free(NULL);
}

/* The area reducer against hand-computed averages. */
static void test_scaler(void)
{
    uint8_t src[2][9] = { { 0, 0, 0, 255, 255, 255, 30, 60, 90 }, { 0, 0, 0, 255, 255, 255, 30, 60, 90 } };
    uint8_t dst[6] = { 0 };
    lk_scaler *s = NULL;
    CHECK_INT(lki_scaler_new(&s, 3, 2, 2, 1), 0);
    lki_scaler_push(s, src[0], dst);
    lki_scaler_push(s, src[1], dst);
    lki_scaler_free(&s);
    CHECK(s == NULL);
    /* out0 = (2*p0 + p1)/3, out1 = (p1 + 2*p2)/3 */
    CHECK_INT(dst[0], 85);
    CHECK_INT(dst[3], (255 + 60 + 1) / 3);
    CHECK_INT(dst[5], (255 + 180 + 1) / 3);
    CHECK_INT(lki_scaler_new(&s, 2, 2, 3, 1), LK_EINVAL);
    CHECK(s == NULL);
    uint8_t img[4 * 4 * 3], out[2 * 2 * 3];
    for (int i = 0; i < 48; i++)
        img[i] = (uint8_t)(i * 5);
    uint8_t *o = NULL;
    int ow, oh;
    CHECK_INT(lki_still_finish(img, 4, 4, 12, 1, 2, 2, &o, &ow, &oh), 0);
    CHECK(o && ow == 2 && oh == 2);
    for (int y = 0; o && y < 2; y++)
        for (int x = 0; x < 2; x++)
            for (int c = 0; c < 3; c++) {
                int sum = 0;
                for (int k = 0; k < 4; k++)
                    sum += img[(2 * y + k / 2) * 12 + (2 * x + k % 2) * 3 + c];
                out[(y * 2 + x) * 3 + c] = (uint8_t)((sum + 2) / 4);
            }
    CHECK(o && !memcmp(o, out, 12));
    lki_free(o);
    CHECK_INT(lki_check_dims("x", 65535, 4096, LK_DECODE_MAX_PIXELS, NULL), 0);
    CHECK_INT(lki_check_dims("x", 16384, 16384, LK_DECODE_MAX_PIXELS, NULL), 0);
    CHECK_INT(lki_check_dims("x", 16384, 16385, LK_DECODE_MAX_PIXELS, NULL), LK_ETOOBIG);
    CHECK_INT(lki_check_dims("x", 65536, 1, LK_DECODE_MAX_PIXELS, NULL), LK_ETOOBIG);
    CHECK_INT(lki_check_dims("x", 0, 5, LK_DECODE_MAX_PIXELS, NULL), LK_ECORRUPT);
    CHECK_INT(lki_check_dims("x", 100, 100, 10000, NULL), 0);
    CHECK_INT(lki_check_dims("x", 100, 101, 10000, NULL), LK_ETOOBIG);
}

/* ---- reference mode -------------------------------------------------- */

/* A decoded still in reference mode: dense copy and its format. */
typedef struct refpic {
    uint8_t *px;
    int w, h, fmt;
    lk_media_info info;
    int rc;
} refpic;

static refpic decode_ref(const char *path, int crop)
{
    refpic p;
    memset(&p, 0, sizeof p);
    lk_decode_opts o;
    lk_decode_opts_default(&o);
    o.reference = 1;
    o.crop_borders = crop;
    lk_decoder *d = NULL;
    lk_errbuf e;
    lk_frame f;
    lk_errbuf_clear(&e);
    p.rc = lk_decoder_open(&d, path, &o, &e);
    if (p.rc == 0 && lk_decoder_next(d, &f, &e) != 1)
        p.rc = LK_ESTATE;
    if (p.rc < 0) {
        lk_decoder_free(&d);
        return p;
    }
    lk_decoder_info(d, &p.info);
    p.w = f.full.width;
    p.h = f.full.height;
    p.fmt = f.full.fmt;
    CHECK(f.image.data == f.full.data && f.image.fmt == f.full.fmt);
    p.px = malloc((size_t)p.w * p.h * (size_t)p.fmt);
    for (int y = 0; y < p.h; y++)
        memcpy(p.px + (size_t)y * p.w * p.fmt, f.full.data + (size_t)y * f.full.stride,
               (size_t)p.w * p.fmt);
    lk_decoder_free(&d);
    return p;
}

/* CImg's nearest-neighbour index, as its resize() computes it (double). */
static int cimg_index(int i, int from, int to)
{
    return i == 0 ? 0 : (int)(unsigned long)(((i - 1) + 1.0) * from / to);
}

/* out (dw x dh, bpp) is CImg's nearest resize of src (sw x sh, dense). */
static int is_cimg_resize(const uint8_t *out, int dw, int dh, const uint8_t *src, int sw, int sh,
                          int bpp)
{
    for (int y = 0; y < dh; y++)
        for (int x = 0; x < dw; x++) {
            const uint8_t *a = out + ((size_t)y * dw + x) * bpp;
            const uint8_t *b = src + ((size_t)cimg_index(y, sh, dh) * sw + cimg_index(x, sw, dw)) * bpp;
            if (memcmp(a, b, (size_t)bpp))
                return 0;
        }
    return 1;
}

/* Each pixel names its own coordinates. */
static void coord_picture(uint8_t *px, int w, int h, int bpp)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t *q = px + ((size_t)y * w + x) * bpp;
            q[0] = (uint8_t)(x * 7 + y * 13);
            if (bpp == 3) {
                q[1] = (uint8_t)x;
                q[2] = (uint8_t)(y + (x >> 8) * 100);
            }
        }
}

/* The picker against CImg's rule: reductions, enlargements, both at once. */
static void test_picker(void)
{
    static const int sizes[][4] = { { 700, 300, 512, 512 }, { 3001, 97, 512, 512 },
                                    { 5, 3, 512, 512 }, { 3, 2, 5, 4 }, { 512, 513, 512, 512 } };
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        for (int bpp = 1; bpp <= 3; bpp += 2) {
            int sw = sizes[k][0], sh = sizes[k][1], dw = sizes[k][2], dh = sizes[k][3];
            uint8_t *src = malloc((size_t)sw * sh * bpp), *dst = malloc((size_t)dw * dh * bpp);
            coord_picture(src, sw, sh, bpp);
            memset(dst, 0xee, (size_t)dw * dh * bpp);
            lk_picker *p = NULL;
            CHECK_INT(lki_picker_new(&p, sw, sh, dw, dh, bpp), 0);
            for (int y = 0; p && y < sh + 2; y++) /* extra rows are ignored */
                lki_picker_push(p, src + (size_t)LK_MIN(y, sh - 1) * sw * bpp, dst);
            lki_picker_free(&p);
            CHECK(p == NULL);
            CHECK(is_cimg_resize(dst, dw, dh, src, sw, sh, bpp));
            free(src);
            free(dst);
        }
    lk_picker *p = NULL;
    CHECK_INT(lki_picker_new(&p, 0, 1, 1, 1, 3), LK_EINVAL);
    CHECK_INT(lki_picker_new(&p, 1, 1, 1, 1, 2), LK_EINVAL);
    CHECK(p == NULL);
    int w, h;
    lki_ref_photo_size(512, 512, &w, &h);
    CHECK(w == 512 && h == 512);
    lki_ref_photo_size(513, 20, &w, &h);
    CHECK(w == 512 && h == 512);
    lki_ref_photo_size(300, 17, &w, &h);
    CHECK(w == 300 && h == 17);
}

/* PNG in reference mode: 8- and 16-bit RGB, grey kept grey, the resize. */
static void test_reference_png(void)
{
    enum { W = 700, H = 300 };
    uint8_t *px = malloc((size_t)W * H * 3), *rows[H];
    coord_picture(px, W, H, 3);
    for (int y = 0; y < H; y++)
        rows[y] = px + (size_t)y * W * 3;
    write_png(tpath("coord.png"), W, H, PNG_COLOR_TYPE_RGB, 8, rows, NULL, 0, NULL, 0);
    refpic p = decode_ref(tpath("coord.png"), 0);
    CHECK(p.rc == 0 && p.w == 512 && p.h == 512 && p.fmt == LK_PIX_RGB24);
    CHECK(p.info.width == W && p.info.height == H);
    CHECK(p.rc == 0 && is_cimg_resize(p.px, 512, 512, px, W, H, 3));
    free(p.px);
    free(px);

    size_t n;
    uint8_t *raw = slurp(mpath("gray.raw"), &n);
    p = decode_ref(mpath("gray.png"), 0);
    CHECK(raw && n == 64 * 48 && p.rc == 0 && p.fmt == LK_PIX_GRAY8 && p.w == 64 && p.h == 48);
    CHECK(raw && p.px && !memcmp(p.px, raw, 64 * 48));
    free(p.px);
    p = decode_ref(mpath("gray.png"), 1); /* cropping works on RGB */
    int ok = p.rc == 0 && p.fmt == LK_PIX_RGB24 && raw;
    for (int i = 0; ok && i < 64 * 48; i++)
        ok = p.px[3 * i] == raw[i] && p.px[3 * i + 1] == raw[i] && p.px[3 * i + 2] == raw[i];
    CHECK(ok);
    free(p.px);
    free(raw);

    /* alpha is dropped as in the working-size path */
    raw = slurp(mpath("rgba.raw"), &n);
    p = decode_ref(mpath("rgba.png"), 0);
    ok = raw && p.rc == 0 && p.fmt == LK_PIX_RGB24;
    for (int i = 0; ok && i < 64 * 48; i++)
        ok = !memcmp(p.px + 3 * i, raw + 4 * i, 3);
    CHECK(ok);
    free(p.px);
    free(raw);
}

/* 16-bit PNG in reference mode: CImg casts the value to 8 bits, keeping
 * its low byte (the working-size path keeps the high one). */
static void test_reference_png16(void)
{
    enum { W16 = 20, H16 = 10 };
    uint8_t b16[H16][W16 * 6], *r16[H16];
    for (int y = 0; y < H16; y++) {
        r16[y] = b16[y];
        for (int i = 0; i < W16 * 3; i++) {
            b16[y][2 * i] = (uint8_t)(i * 11 + y);  /* high byte (PNG: big-endian) */
            b16[y][2 * i + 1] = (uint8_t)(y * 17 + i * 3 + 1);
        }
    }
    write_png(tpath("rgb16.png"), W16, H16, PNG_COLOR_TYPE_RGB, 16, r16, NULL, 0, NULL, 0);
    refpic p = decode_ref(tpath("rgb16.png"), 0);
    pic hi = decode(tpath("rgb16.png"), 512, 0);
    int ok = p.rc == 0 && p.fmt == LK_PIX_RGB24 && p.w == W16 && hi.rc == 0;
    for (int i = 0; ok && i < W16 * H16 * 3; i++)
        ok = p.px[i] == b16[i / (W16 * 3)][2 * (i % (W16 * 3)) + 1] &&
             hi.px[i] == b16[i / (W16 * 3)][2 * (i % (W16 * 3))];
    CHECK(ok);
    free(p.px);
    free(hi.px);
}

/* JPEG in reference mode: full scale then the resize, EXIF ignored, grey. */
static void test_reference_jpeg(void)
{
    size_t n, m;
    uint8_t *jpg = slurp(mpath("letterbox.jpg"), &n);
    tjhandle t = tjInitDecompress();
    int w = 0, h = 0, sub, cs;
    CHECK(jpg && tjDecompressHeader3(t, jpg, (unsigned long)n, &w, &h, &sub, &cs) == 0);
    uint8_t *full = malloc((size_t)w * h * 3);
    CHECK(tjDecompress2(t, jpg, (unsigned long)n, full, w, 0, h, TJPF_RGB, 0) == 0);
    refpic p = decode_ref(mpath("letterbox.jpg"), 0);
    CHECK(w == 640 && p.rc == 0 && p.w == 512 && p.h == 512 && p.fmt == LK_PIX_RGB24);
    CHECK(p.rc == 0 && is_cimg_resize(p.px, 512, 512, full, w, h, 3));
    free(p.px);
    free(full);
    free(jpg);
    tjDestroy(t);

    jpg = slurp(mpath("wide.jpg"), &n);
    refpic plain = decode_ref(mpath("wide.jpg"), 0);
    uint8_t *x = jpg ? with_exif(jpg, n, 6, 1, &m) : NULL;
    if (x)
        spit(tpath("exif6.jpg"), x, m);
    p = decode_ref(tpath("exif6.jpg"), 0);
    CHECK(plain.rc == 0 && p.rc == 0 && p.w == 96 && p.h == 40 && p.info.rotation == 0 &&
          p.info.orientation == 1 && !memcmp(p.px, plain.px, 96 * 40 * 3));
    free(p.px);
    free(plain.px);
    free(x);
    free(jpg);

    /* a grey JPEG stays grey: libjpeg's grey output, byte for byte */
    refpic g = decode_ref(tpath("gray.jpg"), 0); /* made by test_jpeg_gray_cmyk */
    jpg = slurp(tpath("gray.jpg"), &n);
    t = tjInitDecompress();
    uint8_t grey[64 * 64];
    CHECK(jpg && tjDecompress2(t, jpg, (unsigned long)n, grey, 64, 0, 64, TJPF_GRAY, 0) == 0);
    CHECK(g.rc == 0 && g.fmt == LK_PIX_GRAY8 && g.w == 64 && g.h == 64 &&
          !memcmp(g.px, grey, sizeof grey));
    free(g.px);
    free(jpg);
    tjDestroy(t);
}

int main(void)
{
    const char *m = getenv("LK_MEDIA");
    snprintf(media, sizeof media, "%s", m ? m : "build/media");
    snprintf(tmpdir, sizeof tmpdir, "/tmp/lk-decode-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_scaler();
    test_png_layouts();
    test_apng();
    test_png_made_here();
    test_sizes();
    test_jpeg_orientation();
    test_jpeg_progressive();
    test_jpeg_gray_cmyk();
    test_crops();
    test_errors();
    test_picker();
    test_reference_png();
    test_reference_png16();
    test_reference_jpeg();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        printf("could not remove %s\n", tmpdir);
    TEST_DONE("decode_stills");
}
