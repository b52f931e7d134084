/*
 * bench_decode.c — still decoding speed: the direct readers (libpng,
 * libjpeg with DCT scaling) against FFmpeg for the same files, open to
 * first frame at the default working size.  Both paths must give the same
 * frame size before their times are trusted.  Media are made with the
 * ffmpeg CLI into o->media on first use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "harness.h"
#include "likeness/likeness.h"

typedef struct dec_case {
    char path[512];
    int backend; /* enum lk_decode_backend */
    int w, h;    /* frame size of the last run */
    int rc;      /* last error, 0 if none */
} dec_case;

/* Opens, decodes the first frame, closes. */
static void decode_once(void *arg)
{
    dec_case *c = arg;
    lk_decode_opts o;
    lk_decode_opts_default(&o);
    o.backend = c->backend;
    lk_decoder *d = NULL;
    lk_frame f;
    c->rc = lk_decoder_open(&d, c->path, &o, NULL);
    if (c->rc == 0 && lk_decoder_next(d, &f, NULL) == 1) {
        c->w = f.full.width;
        c->h = f.full.height;
    } else if (c->rc == 0) {
        c->rc = LK_ENOFRAMES;
    }
    lk_decoder_free(&d);
}

/* Makes dir/name with the ffmpeg CLI unless it exists; 0 on success. */
static int make_media(const char *dir, const char *name, int w, int h, const char *extra)
{
    char path[512], cmd[1400];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (stat(path, &st) == 0 && st.st_size > 0)
        return 0;
    snprintf(cmd, sizeof cmd,
             "ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i testsrc2=s=%dx%d "
             "-frames:v 1 %s '%s'", w, h, extra, path);
    return system(cmd) == 0 ? 0 : -1;
}

/* Times one file through both backends; non-zero when they disagree. */
static int bench_file(const bench_opts *o, const char *name)
{
    dec_case a, f;
    memset(&a, 0, sizeof a);
    snprintf(a.path, sizeof a.path, "%s/%s", o->media, name);
    f = a;
    a.backend = LK_BACKEND_AUTO;
    f.backend = LK_BACKEND_FFMPEG;
    decode_once(&a);
    decode_once(&f);
    if (a.rc != 0) {
        fprintf(stderr, "bench_decode: %s: auto backend failed (%d)\n", name, a.rc);
        return 1;
    }
    if (f.rc == 0 && (f.w != a.w || f.h != a.h)) {
        fprintf(stderr, "bench_decode: %s: auto %dx%d, ffmpeg %dx%d\n", name, a.w, a.h, f.w, f.h);
        return 1;
    }
    double ta = bench_median(o, decode_once, &a);
    double tf = f.rc == 0 ? bench_median(o, decode_once, &f) : 0;
    if (f.rc == 0)
        bench_report("decode", name, "ffmpeg", tf, 1, "images/s", 0);
    else
        fprintf(stderr, "bench_decode: %s: ffmpeg backend unavailable (%d)\n", name, f.rc);
    bench_report("decode", name, "direct", ta, 1, "images/s", tf > 0 ? tf / ta : 0);
    return a.rc != 0;
}

int bench_decode(const bench_opts *o)
{
    static const struct { const char *name; int w, h; const char *extra; } files[] = {
        { "decode-1920x1080.png", 1920, 1080, "-pix_fmt rgb24" },
        { "decode-1920x1080.jpg", 1920, 1080, "-q:v 3 -pix_fmt yuvj420p" },
        { "decode-512x512.png", 512, 512, "-pix_fmt rgb24" },
        { "decode-512x512.jpg", 512, 512, "-q:v 3 -pix_fmt yuvj420p" },
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (make_media(o->media, files[i].name, files[i].w, files[i].h, files[i].extra) < 0) {
            fprintf(stderr, "bench_decode: cannot make %s\n", files[i].name);
            return 1;
        }
        bad |= bench_file(o, files[i].name);
    }
    return bad;
}
