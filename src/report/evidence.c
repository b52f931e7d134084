/*
 * evidence.c — evidence pictures: the suspect frame and the matched
 * reference frame side by side in one PNG (libpng).  The labelled form
 * (lk_evidence_write) adds a heading with the work and the score, outlines
 * each side's matched region, writes under each picture its role, file,
 * time, frame number and region in the built-in font (font.c), and stores
 * the same facts whole as iTXt chunks, so the picture explains itself when
 * it travels alone.
 *
 * Layout (pixels): a margin of GAP around everything and between the
 * columns; the heading (HEAD_LINES lines of LINE_H); the pictures, top
 * aligned, each in a column at least MIN_COL wide; CAPTION_LINES under each.
 * Files are encoded in memory and written atomically and durably
 * (common/atomic_file.h: a reader never sees a partial picture), with mode
 * 0666 less the umask, as any file the user creates.
 */
#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/atomic_file.h"
#include "common/common.h"
#include "likeness/report.h"
#include "report/report_internal.h"

#define GAP 16        /* pixels between and around the pictures */
#define BG 0x20       /* background grey level */
#define SCALE 2       /* label font scale */
#define LINE_H (LKI_FONT_CELL_H * SCALE)
#define CHAR_W (LKI_FONT_CELL_W * SCALE)
#define MIN_COL 360   /* narrowest column: 30 characters of a caption */
#define HEAD_LINES 2
#define CAPTION_LINES 4
#define MAX_SIDE 8192 /* largest picture side accepted */

static const uint8_t WHITE[3] = { 0xf0, 0xf0, 0xf0 };
static const uint8_t GREY[3] = { 0xa8, 0xa8, 0xa8 };
static const uint8_t SUSPECT_INK[3] = { 0xff, 0xb0, 0x00 };   /* amber */
static const uint8_t REFERENCE_INK[3] = { 0x30, 0xc8, 0xff }; /* sky blue */
static const uint8_t DARK[3] = { 0x00, 0x00, 0x00 };

LK_API const char *lk_score_words(double s)
{
    return s >= 0.85 ? "very strong" : s >= 0.7 ? "strong" : s >= 0.5 ? "moderate"
         : s >= 0.3 ? "weak" : s > 0 ? "very weak" : "none";
}

/* An RGB24 picture being drawn. */
struct canvas {
    uint8_t *px;
    int w, h;
};

/* Copies img (RGB24 or GRAY8) into the canvas at (x, y). */
static void blit(struct canvas *c, const lk_image *img, int x, int y)
{
    for (int r = 0; r < img->height; r++) {
        const uint8_t *src = img->data + (size_t)r * (size_t)img->stride;
        uint8_t *dst = c->px + ((size_t)(y + r) * (size_t)c->w + (size_t)x) * 3;
        if (img->fmt == LK_PIX_RGB24) {
            memcpy(dst, src, (size_t)img->width * 3);
        } else {
            for (int k = 0; k < img->width; k++)
                dst[3 * k] = dst[3 * k + 1] = dst[3 * k + 2] = src[k];
        }
    }
}

static void put(struct canvas *c, int x, int y, const uint8_t col[3])
{
    if (x >= 0 && y >= 0 && x < c->w && y < c->h)
        memcpy(c->px + ((size_t)y * (size_t)c->w + (size_t)x) * 3, col, 3);
}

/* The outline of rectangle (x, y, w, h): a line of colour col two pixels
 * wide just inside it, with a dark pixel on each side for contrast. */
static void outline(struct canvas *c, int x, int y, int w, int h, const uint8_t col[3])
{
    for (int t = -1; t <= 2; t++) {
        const uint8_t *ink = t == -1 || t == 2 ? DARK : col;
        int x0 = x + t, y0 = y + t, x1 = x + w - 1 - t, y1 = y + h - 1 - t;
        if (x1 < x0 || y1 < y0)
            break;
        for (int i = x0; i <= x1; i++)
            put(c, i, y0, ink), put(c, i, y1, ink);
        for (int j = y0; j <= y1; j++)
            put(c, x0, j, ink), put(c, x1, j, ink);
    }
}

static int valid(const lk_image *i)
{
    return i && i->data && i->width > 0 && i->height > 0 && i->width <= MAX_SIDE &&
           i->height <= MAX_SIDE && (i->fmt == LK_PIX_RGB24 || i->fmt == LK_PIX_GRAY8) &&
           i->stride >= i->width * i->fmt;
}

/* ---- writing ---- */

/* Everything libpng needs for one file, for longjmp-safe cleanup, and the
 * memory the PNG is encoded into. */
struct png_job {
    const struct canvas *c;
    png_text *text;
    int ntext;
    uint8_t *buf;      /* encoded bytes (lki_malloc'd) */
    size_t n, cap;     /* used, allocated */
    int nomem;         /* an append failed */
};

static void mem_write(png_structp png, png_bytep data, size_t len)
{
    struct png_job *j = png_get_io_ptr(png);
    if (j->n + len > j->cap) {
        size_t cap = LK_MAX(j->cap * 2, j->n + len + 65536);
        uint8_t *b = lki_realloc(j->buf, cap);
        if (!b) {
            j->nomem = 1;
            png_error(png, "out of memory");
        }
        j->buf = b, j->cap = cap;
    }
    memcpy(j->buf + j->n, data, len);
    j->n += len;
}

static void mem_flush(png_structp png)
{
    (void)png;
}

/* Encodes the canvas with its text chunks into j->buf.  0, LK_ENOMEM or
 * LK_EIO (libpng failed). */
static int encode_png(struct png_job *j)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        return LK_ENOMEM;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return j->nomem ? LK_ENOMEM : LK_EIO;
    }
    png_set_write_fn(png, j, mem_write, mem_flush);
    png_set_IHDR(png, info, (png_uint_32)j->c->w, (png_uint_32)j->c->h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (j->ntext)
        png_set_text(png, info, j->text, j->ntext);
    png_write_info(png, info);
    for (int y = 0; y < j->c->h; y++)
        png_write_row(png, j->c->px + (size_t)y * (size_t)j->c->w * 3);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return 0;
}

/* Writes the canvas with its text chunks to path, whole or not at all
 * (common/atomic_file.h: temporary file, fsync, rename). */
static int write_file(const char *path, struct png_job *j, lk_errbuf *err)
{
    int rc = encode_png(j);
    if (rc == 0)
        rc = lki_write_file_atomic(path, 0666, 0, j->buf, j->n, "evidence", err);
    else
        lki_err(err, rc, "cannot write evidence '%s': %s", path,
                rc == LK_ENOMEM ? "out of memory" : "cannot encode the picture");
    lk_freep(&j->buf);
    j->n = j->cap = 0;
    return rc;
}

static int new_canvas(struct canvas *c, int w, int h)
{
    c->w = w, c->h = h;
    c->px = lki_malloc((size_t)w * (size_t)h * 3);
    if (c->px)
        memset(c->px, BG, (size_t)w * (size_t)h * 3);
    return c->px ? 0 : -1;
}

LK_API int lk_evidence_write_png(const char *path, const lk_image *left, const lk_image *right,
                                 lk_errbuf *err)
{
    if (!path || !valid(left) || !valid(right))
        return lki_err(err, LK_EINVAL, "cannot write evidence '%s': invalid pictures",
                      path ? path : "");
    struct canvas c;
    if (new_canvas(&c, left->width + right->width + 3 * GAP,
                   LK_MAX(left->height, right->height) + 2 * GAP) < 0)
        return lki_err(err, LK_ENOMEM, "cannot write evidence '%s': out of memory", path);
    blit(&c, left, GAP, (c.h - left->height) / 2);
    blit(&c, right, 2 * GAP + left->width, (c.h - right->height) / 2);
    struct png_job j = { &c, NULL, 0, NULL, 0, 0, 0 };
    int rc = write_file(path, &j, err);
    lki_free(c.px);
    return rc;
}

/* ---- the labelled picture ---- */

/* Copies s into out (n bytes) as at most max characters of ASCII: each
 * UTF-8 sequence or control byte becomes one '?', and a longer text keeps
 * its start and end around "...". */
static void fit(const char *s, size_t max, char *out, size_t n)
{
    char a[512];
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && k + 1 < sizeof a;
         p++) {
        if ((*p & 0xc0) == 0x80)
            continue; /* a continuation byte: its sequence is one '?' already */
        a[k++] = *p >= 32 && *p < 127 ? (char)*p : '?';
    }
    a[k] = '\0';
    if (max >= n)
        max = n - 1;
    if (k <= max || max < 5) {
        snprintf(out, n, "%.*s", (int)max, a);
        return;
    }
    size_t head = (max - 3) / 2, tail = max - 3 - head;
    snprintf(out, n, "%.*s...%s", (int)head, a, a + k - tail);
}

static const char *base_name(const char *path)
{
    const char *s = path ? strrchr(path, '/') : NULL;
    return s ? s + 1 : path ? path : "";
}

/* "00:00:02.520  frame 63", "still picture", ... */
static void when(const lk_evidence_side *s, char *out, size_t n)
{
    char tc[32], fr[40] = "";
    if (s->frame >= 0)
        snprintf(fr, sizeof fr, "frame %lld", (long long)s->frame);
    if (s->still) {
        snprintf(out, n, "still picture");
        return;
    }
    lk_format_timecode(s->time, tc, sizeof tc);
    snprintf(out, n, "%s  %s", tc, fr);
}

/* Draws one side: picture at (x, y), outline, caption below. */
static void draw_side(struct canvas *c, const lk_evidence_side *s, const char *role,
                      const uint8_t ink[3], int x, int y, int colw, int pich)
{
    char line[128], buf[128];
    size_t chars = (size_t)colw / CHAR_W;
    blit(c, s->image, x, y);
    const lk_rect *r = &s->region;
    if (r->width > 0 && r->height > 0 && r->x >= 0 && r->y >= 0 &&
        r->x + r->width <= s->image->width && r->y + r->height <= s->image->height)
        outline(c, x + r->x, y + r->y, r->width, r->height, ink);
    int ty = y + pich + GAP / 2;
    lki_font_draw(c->px, c->w, c->h, x, ty, SCALE, ink, role);
    fit(base_name(s->file), chars, line, sizeof line);
    lki_font_draw(c->px, c->w, c->h, x, ty + LINE_H, SCALE, WHITE, line);
    when(s, buf, sizeof buf);
    fit(buf, chars, line, sizeof line);
    lki_font_draw(c->px, c->w, c->h, x, ty + 2 * LINE_H, SCALE, WHITE, line);
    snprintf(buf, sizeof buf, "region: %s", s->region_name ? s->region_name : "not known");
    fit(buf, chars, line, sizeof line);
    lki_font_draw(c->px, c->w, c->h, x, ty + 3 * LINE_H, SCALE, GREY, line);
}

/* The two heading lines. */
static void draw_heading(struct canvas *c, const lk_evidence_info *ev)
{
    char buf[512], line[256];
    size_t chars = (size_t)(c->w - 2 * GAP) / CHAR_W;
    snprintf(buf, sizeof buf, "\"%s\" (%s)  id %s", ev->title ? ev->title : "",
             ev->owner ? ev->owner : "", ev->work_id ? ev->work_id : "");
    fit(buf, chars, line, sizeof line);
    lki_font_draw(c->px, c->w, c->h, GAP, GAP, SCALE, WHITE, line);
    char dist[64] = "found by local features";
    if (ev->distance >= 0)
        snprintf(dist, sizeof dist, "distance %.1f of 256 bits", ev->distance);
    int n = snprintf(buf, sizeof buf, "score %.2f (%s)  %s", ev->score,
                     lk_score_words(ev->score), dist);
    if (ev->transform && strcmp(ev->transform, "as is") && n > 0 && (size_t)n < sizeof buf)
        snprintf(buf + n, sizeof buf - (size_t)n, "  %s", ev->transform);
    fit(buf, chars, line, sizeof line);
    lki_font_draw(c->px, c->w, c->h, GAP, GAP + LINE_H, SCALE, GREY, line);
}

/* The iTXt chunks: keys and values in one buffer (texts point into it). */
#define NTEXT 19
struct chunks {
    png_text t[NTEXT];
    char val[NTEXT][600];
    int n;
};

static void add_text(struct chunks *k, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add_text(struct chunks *k, const char *key, const char *fmt, ...)
{
    va_list ap;
    if (k->n >= NTEXT)
        return;
    va_start(ap, fmt);
    vsnprintf(k->val[k->n], sizeof k->val[k->n], fmt, ap);
    va_end(ap);
    png_text *t = &k->t[k->n];
    memset(t, 0, sizeof *t);
    t->compression = PNG_ITXT_COMPRESSION_NONE;
    t->key = (char *)key;
    t->text = k->val[k->n];
    t->itxt_length = strlen(k->val[k->n]);
    t->lang = (char *)"";
    t->lang_key = (char *)"";
    k->n++;
}

static void side_text(struct chunks *k, const char *role, const lk_evidence_side *s)
{
    char tc[32];
    add_text(k, role, "%s", s->file ? s->file : "");
    if (s->sha256 && *s->sha256)
        add_text(k, role[0] == 'S' ? "Suspect SHA-256" : "Reference SHA-256", "%s", s->sha256);
    lk_format_timecode(s->time, tc, sizeof tc);
    add_text(k, role[0] == 'S' ? "Suspect time" : "Reference time", "%s", s->still ? "still"
             : tc);
    if (s->frame >= 0)
        add_text(k, role[0] == 'S' ? "Suspect frame" : "Reference frame", "%lld",
                 (long long)s->frame);
    if (s->region_name)
        add_text(k, role[0] == 'S' ? "Suspect region" : "Reference region",
                 "%s (x %d, y %d, %d x %d pixels of %d x %d)", s->region_name, s->region.x,
                 s->region.y, s->region.width, s->region.height, s->image->width,
                 s->image->height);
}

static void make_chunks(struct chunks *k, const lk_evidence_info *ev)
{
    k->n = 0;
    add_text(k, "Title", "likeness evidence: %s vs \"%s\"", base_name(ev->suspect.file),
             ev->title ? ev->title : "");
    if (ev->software)
        add_text(k, "Software", "%s", ev->software);
    char what[96] = "that local features matched";
    if (ev->distance >= 0)
        snprintf(what, sizeof what, "whose perceptual hashes matched (mean distance %.1f of "
                 "256 bits)", ev->distance);
    add_text(k, "Description", "Left: the suspect %s. Right: the reference %s of work "
             "\"%s\" (%s), id %s. Outlined: the regions %s; score %.2f (%s).", ev->suspect.file,
             ev->reference.file, ev->title ? ev->title : "", ev->owner ? ev->owner : "",
             ev->work_id ? ev->work_id : "",
             what, ev->score, lk_score_words(ev->score));
    side_text(k, "Suspect", &ev->suspect);
    side_text(k, "Reference", &ev->reference);
    add_text(k, "Work", "%s", ev->title ? ev->title : "");
    add_text(k, "Work ID", "%s", ev->work_id ? ev->work_id : "");
    add_text(k, "Owner", "%s", ev->owner ? ev->owner : "");
    add_text(k, "Score", "%.4f (%s)", ev->score, lk_score_words(ev->score));
    if (ev->distance >= 0)
        add_text(k, "Distance", "%.2f of 256 bits", ev->distance);
    else
        add_text(k, "Distance", "none: found by local features");
    if (ev->transform)
        add_text(k, "Transform", "%s", ev->transform);
}

LK_API int lk_evidence_write(const char *path, const lk_evidence_info *ev, lk_errbuf *err)
{
    if (!path || !ev || !valid(ev->suspect.image) || !valid(ev->reference.image))
        return lki_err(err, LK_EINVAL, "cannot write evidence '%s': invalid pictures",
                       path ? path : "");
    const lk_image *a = ev->suspect.image, *b = ev->reference.image;
    int cola = LK_MAX(a->width, MIN_COL), colb = LK_MAX(b->width, MIN_COL);
    int pich = LK_MAX(a->height, b->height);
    int top = GAP + HEAD_LINES * LINE_H + GAP / 2;
    struct canvas c;
    if (new_canvas(&c, cola + colb + 3 * GAP,
                   top + pich + GAP / 2 + CAPTION_LINES * LINE_H + GAP) < 0)
        return lki_err(err, LK_ENOMEM, "cannot write evidence '%s': out of memory", path);
    struct chunks *k = lki_malloc(sizeof *k);
    if (!k) {
        lki_free(c.px);
        return lki_err(err, LK_ENOMEM, "cannot write evidence '%s': out of memory", path);
    }
    draw_heading(&c, ev);
    draw_side(&c, &ev->suspect, "SUSPECT", SUSPECT_INK, GAP, top, cola, pich);
    draw_side(&c, &ev->reference, "REFERENCE", REFERENCE_INK, 2 * GAP + cola, top, colb, pich);
    make_chunks(k, ev);
    struct png_job j = { &c, k->t, k->n, NULL, 0, 0, 0 };
    int rc = write_file(path, &j, err);
    lki_free(k);
    lki_free(c.px);
    return rc;
}
