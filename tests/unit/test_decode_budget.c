/*
 * test_decode_budget.c — decompression bombs inside the size limit (the
 * budgets of decode.h): tiny files that declare huge pictures are refused
 * from their headers with LK_ETOOBIG, quickly and with bounded memory — a
 * progressive JPEG of 16384x16384 (1.5 GiB of coefficients), an interlaced
 * PNG of 16384x16384 (768 MiB for the whole picture), a GIF with a
 * 16000x16000 canvas and 300 frames — while a baseline JPEG of that size
 * still decodes in bounded memory; the animation budget stops a GIF whose
 * frames add up; the FFmpeg frame-buffer accounting stops a video whose
 * codec holds more than a (lowered) memory budget and fits threads to it;
 * every budget is the caller's to change.  Peak memory is checked with
 * getrusage.  The inputs are made here; media from tests/media ($LK_MEDIA).
 */
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <turbojpeg.h>
#include <unistd.h>
#include "test.h"
#include "likeness/likeness.h"

static char media_dir[512], tmpdir[64];

static const char *media(const char *name)
{
    static char buf[4][1024];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", media_dir, name);
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
    rewind(f);
    uint8_t *b = malloc((size_t)sz + 1);
    *n = fread(b, 1, (size_t)sz, f);
    fclose(f);
    return b;
}

static void spit(const char *path, const void *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        CHECK_INT(fwrite(b, 1, n, f), n);
        fclose(f);
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static long peak_rss_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024;
}

/* Opens and decodes path to the end with o; the code of the first failure
 * (0 when all went well), the message in *e, the seconds it took in *secs. */
static int decode_all(const char *path, const lk_decode_opts *o, lk_errbuf *e, double *secs)
{
    double t0 = now();
    lk_decoder *d = NULL;
    lk_frame f;
    lk_errbuf_clear(e);
    int rc = lk_decoder_open(&d, path, o, e);
    while (rc == 0 && (rc = lk_decoder_next(d, &f, e)) == 1)
        rc = 0;
    lk_decoder_free(&d);
    *secs = now() - t0;
    return rc;
}

/* path fails with LK_ETOOBIG, naming itself and saying want (the time it
 * took is printed, not asserted: unit tests are not timed, and under
 * qemu-user in the aarch64 CI step it is many times slower). */
static void expect_too_big(const char *path, const lk_decode_opts *o, const char *want)
{
    lk_errbuf e;
    double secs;
    int rc = decode_all(path, o, &e, &secs);
    CHECK_INT(rc, LK_ETOOBIG);
    CHECK(strstr(e.msg, path) && strstr(e.msg, want));
    printf("%.3f s: %s\n", secs, e.msg);
}

/* ---- JPEG ------------------------------------------------------------- */

/* Sets the size in the first SOF marker of a JPEG in place. */
static int set_jpeg_size(uint8_t *b, size_t n, int w, int h)
{
    size_t pos = 2;
    while (pos + 9 < n && b[pos] == 0xff && (b[pos + 1] < 0xc0 || b[pos + 1] > 0xc2))
        pos += 2 + ((size_t)b[pos + 2] << 8 | b[pos + 3]);
    if (pos + 9 >= n)
        return -1;
    b[pos + 5] = (uint8_t)(h >> 8), b[pos + 6] = (uint8_t)h;
    b[pos + 7] = (uint8_t)(w >> 8), b[pos + 8] = (uint8_t)w;
    return 0;
}

/* base.jpg (64x48, 4:4:4) made progressive, or kept baseline, declaring w x h. */
static void write_jpeg_bomb(const char *path, int progressive, int w, int h)
{
    size_t n;
    uint8_t *b = slurp(media("stills/base.jpg"), &n), *dst = NULL;
    CHECK(b != NULL);
    if (!b)
        return;
    unsigned long dn = n;
    tjhandle t = tjInitTransform();
    tjtransform xf;
    memset(&xf, 0, sizeof xf);
    xf.options = progressive ? TJXOPT_PROGRESSIVE : 0;
    CHECK_INT(tjTransform(t, b, (unsigned long)n, 1, &dst, &dn, &xf, 0), 0);
    CHECK_INT(set_jpeg_size(dst, dn, w, h), 0);
    spit(path, dst, dn);
    tjFree(dst);
    tjDestroy(t);
    free(b);
}

static void test_jpeg(void)
{
    lk_decode_opts o;
    lk_decode_opts_default(&o);
    write_jpeg_bomb(tpath("prog16k.jpg"), 1, 16384, 16384);
    expect_too_big(tpath("prog16k.jpg"), &o, "progressive JPEG");
    /* 3 components x 2048 x 2048 blocks x 128 bytes, plus 12 MiB at 1/8 scale. */
    expect_too_big(tpath("prog16k.jpg"), &o, "needs 1548 MiB to decode, more than the 512 MiB");
    /* Baseline of the same size: streamed at 1/8 scale, memory bounded;
     * the data ends early, so it is damaged, not too big. */
    write_jpeg_bomb(tpath("base16k.jpg"), 0, 16384, 16384);
    lk_errbuf e;
    double secs;
    CHECK_INT(decode_all(tpath("base16k.jpg"), &o, &e, &secs), LK_ECORRUPT);
    printf("%.3f s: %s\n", secs, e.msg);
    /* A real progressive picture against a budget the caller lowers. */
    write_jpeg_bomb(tpath("prog.jpg"), 1, 64, 48);
    CHECK_INT(decode_all(tpath("prog.jpg"), &o, &e, &secs), 0);
    o.max_memory = 40000; /* coefficients: 3 x 8 x 6 blocks x 128 B = 18 KiB, picture 9 KiB */
    CHECK_INT(decode_all(tpath("prog.jpg"), &o, &e, &secs), 0);
    o.max_memory = 20000;
    expect_too_big(tpath("prog.jpg"), &o, "more than the 20 KiB memory budget");
    o.max_memory = 0;
    o.max_pixels = 64 * 48 - 1;
    expect_too_big(tpath("prog.jpg"), &o, "64x48 pixels is more than the limit");
}

/* ---- PNG -------------------------------------------------------------- */

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static uint32_t crc32_of(uint32_t c, const uint8_t *p, size_t n)
{
    c ^= 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xffffffffu;
}

/* A zlib stream holding data in one stored (uncompressed) block. */
static size_t zlib_stored(const uint8_t *data, uint16_t n, uint8_t *out)
{
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < n; i++) {
        a = (a + data[i]) % 65521;
        b = (b + a) % 65521;
    }
    out[0] = 0x78, out[1] = 0x01, out[2] = 0x01;
    out[3] = (uint8_t)n, out[4] = (uint8_t)(n >> 8);
    out[5] = (uint8_t)~n, out[6] = (uint8_t)(~n >> 8);
    memcpy(out + 7, data, n);
    put32(out + 7 + n, b << 16 | a);
    return 11 + (size_t)n;
}

/* Appends chunk type+data with its length and CRC at b + *n. */
static void chunk(uint8_t *b, size_t *n, const char *type, const uint8_t *data, uint32_t len)
{
    put32(b + *n, len);
    memcpy(b + *n + 4, type, 4);
    if (len)
        memcpy(b + *n + 8, data, len);
    put32(b + *n + 8 + len, crc32_of(crc32_of(0, (const uint8_t *)type, 4), data, len));
    *n += 12 + len;
}

/* An 8-bit RGB PNG header for w x h (interlaced or not), 1 KiB of zero
 * image data and IEND (1.1 KiB in all). */
static void write_png_bomb(const char *path, uint32_t w, uint32_t h, int interlaced)
{
    static uint8_t b[4096];
    uint8_t ihdr[13] = {0}, row[1025] = {0}, z[2048];
    size_t n = 8;
    memcpy(b, "\x89PNG\r\n\x1a\n", 8);
    put32(ihdr, w);
    put32(ihdr + 4, h);
    ihdr[8] = 8, ihdr[9] = 2, ihdr[12] = (uint8_t)interlaced;
    chunk(b, &n, "IHDR", ihdr, 13);
    size_t zn = zlib_stored(row, sizeof row, z);
    chunk(b, &n, "IDAT", z, (uint32_t)zn);
    chunk(b, &n, "IEND", NULL, 0);
    spit(path, b, n);
}

static void test_png(void)
{
    lk_decode_opts o;
    lk_decode_opts_default(&o);
    write_png_bomb(tpath("inter16k.png"), 16384, 16384, 1);
    expect_too_big(tpath("inter16k.png"), &o, "interlaced PNG");
    /* 16384 rows of 49152 bytes, and a pointer per row. */
    expect_too_big(tpath("inter16k.png"), &o, "needs 769 MiB to decode, more than the 512 MiB");
    /* Not interlaced: streamed row by row; the data ends early. */
    write_png_bomb(tpath("flat16k.png"), 16384, 16384, 0);
    lk_errbuf e;
    double secs;
    CHECK_INT(decode_all(tpath("flat16k.png"), &o, &e, &secs), LK_ECORRUPT);
    /* A real interlaced picture (64x48: 9 KiB) against a lowered budget. */
    CHECK_INT(decode_all(media("stills/interlaced.png"), &o, &e, &secs), 0);
    o.max_memory = 8192;
    expect_too_big(media("stills/interlaced.png"), &o, "more than the 8 KiB memory budget");
    o.max_memory = 0;
    o.max_pixels = 1000;
    expect_too_big(media("stills/rgb.png"), &o, "64x48 pixels is more than the limit (65535 a "
                   "side, 1000 pixels in all)");
}

/* ---- GIF -------------------------------------------------------------- */

/* A GIF89a with a w x h canvas and frames 1x1 pictures, 0.1 s each. */
static size_t write_gif(const char *path, int w, int h, int frames)
{
    size_t cap = 32 + (size_t)frames * 23, n = 0;
    uint8_t *b = malloc(cap);
    static const uint8_t frame[23] = {
        0x21, 0xf9, 0x04, 0x00, 0x0a, 0x00, 0x00, 0x00,             /* control: 0.1 s */
        0x2c, 0, 0, 0, 0, 0x01, 0x00, 0x01, 0x00, 0x00,             /* 1x1 at 0,0 */
        0x02, 0x02, 0x44, 0x01, 0x00,                               /* LZW: clear, 0, end */
    };
    memcpy(b, "GIF89a", 6);
    b[6] = (uint8_t)w, b[7] = (uint8_t)(w >> 8), b[8] = (uint8_t)h, b[9] = (uint8_t)(h >> 8);
    b[10] = 0x80, b[11] = 0, b[12] = 0;         /* 2-colour global table */
    memcpy(b + 13, "\x00\x00\x00\xff\xff\xff", 6);
    n = 19;
    for (int i = 0; i < frames; i++, n += sizeof frame)
        memcpy(b + n, frame, sizeof frame);
    b[n++] = 0x3b;
    spit(path, b, n);
    free(b);
    return n;
}

static void test_gif(void)
{
    lk_decode_opts o;
    lk_decode_opts_default(&o);
    size_t n = write_gif(tpath("canvas16k.gif"), 16000, 16000, 300);
    printf("canvas16k.gif: %zu bytes\n", n);
    expect_too_big(tpath("canvas16k.gif"), &o, "animated picture's canvas");
    expect_too_big(tpath("canvas16k.gif"), &o, "more than the 512 MiB memory budget");
    /* A 600x600 canvas fits; 100 frames of it are 3.6e7 pixels: within the
     * default animation budget, beyond a lowered one of 1e7 (27 frames). */
    write_gif(tpath("canvas600.gif"), 600, 600, 100);
    lk_errbuf e;
    double secs;
    CHECK_INT(decode_all(tpath("canvas600.gif"), &o, &e, &secs), 0);
    printf("canvas600.gif: 100 frames decoded in %.3f s\n", secs);
    o.max_anim_pixels = 10 * 1000 * 1000;
    expect_too_big(tpath("canvas600.gif"), &o, "more than the budget of 10000000 pixels "
                   "(28 frames decoded)");
}

/* ---- video: the frame buffers a codec holds ----------------------------- */

static void test_video(void)
{
    lk_decode_opts o;
    lk_decode_opts_default(&o);
    o.fps = 0;
    lk_errbuf e;
    double secs;
    /* 320x240 4:2:0 frames are 113 KiB: one fits 150 KiB, but P and B
     * frames need their references at the same time. */
    CHECK_INT(decode_all(media("h264.mp4"), &o, &e, &secs), 0);
    o.max_memory = 150 * 1024;
    expect_too_big(media("h264.mp4"), &o, "the frames the codec holds at once need more than the "
                   "150 KiB memory budget");
    o.max_memory = 100 * 1024;
    expect_too_big(media("h264.mp4"), &o, "one frame needs 113 KiB to decode");
    /* 8 threads asked for: their frames do not fit 1 MiB (measured: 8 frame
     * threads fail there), so they are fitted to it, down to one thread,
     * and the file decodes. */
    o.threads = 8;
    o.max_memory = 1 << 20;
    CHECK_INT(decode_all(media("h264.mp4"), &o, &e, &secs), 0);
    CHECK_INT(decode_all(media("cuts.mp4"), &o, &e, &secs), 0);
    if (e.code)
        printf("cuts.mp4: %s\n", e.msg);
    o.max_pixels = 320 * 240 - 1;
    o.max_memory = 0;
    expect_too_big(media("h264.mp4"), &o, "320x240 pixels is more than the limit");
}

int main(void)
{
    lk_decode_set_log_level(0);
    const char *m = getenv("LK_MEDIA");
    snprintf(media_dir, sizeof media_dir, "%s", m ? m : "build/media");
    snprintf(tmpdir, sizeof tmpdir, "/tmp/lk-budget-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    long before = peak_rss_mib();
    test_jpeg();
    test_png();
    test_gif();
    test_video();
    long peak = peak_rss_mib();
    printf("peak resident memory: %ld MiB (%ld MiB before the bombs)\n", peak, before);
    CHECK(peak < 128);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        printf("could not remove %s\n", tmpdir);
    TEST_DONE("decode_budget");
}
