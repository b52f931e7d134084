/*
 * hash_writer.c — output of `likeness hash`: a table for people, JSON and
 * JSON Lines through cJSON, and the reference PDQ / vPDQ line formats.
 *
 * Invariants: at most one file is open between begin() and end(); in JSON
 * mode `files` counts the file objects already written, so the separator
 * before the next one is known; JSON Lines are written whole and flushed.
 */
#include <math.h>
#include <string.h>
#include <cJSON.h>
#include "common/common.h"
#include "common/hex.h"
#include "likeness/report.h"
#include "report/report_internal.h"

struct lk_hash_writer {
    FILE *fp;              /* output stream, not owned */
    int format;            /* enum lk_hash_format */
    unsigned flags;        /* enum lk_hash_writer_flags */
    const char *path;      /* current file as given, between begin and end */
    cJSON *file;           /* JSON mode: the current file object */
    long files;            /* JSON mode: file objects written so far */
    int still;             /* current file is a still picture */
    int io_error;          /* a write failed */
};

LK_API void lk_format_timecode(double s, char *buf, size_t n)
{
    if (!(s >= 0))
        s = 0;
    long long ms = llround(s * 1000.0);
    snprintf(buf, n, "%02lld:%02lld:%02lld.%03lld", ms / 3600000, ms / 60000 % 60,
             ms / 1000 % 60, ms % 1000);
}

LK_API int lk_hash_writer_new(lk_hash_writer **out, FILE *fp, int format, unsigned flags)
{
    *out = NULL;
    if (!fp || format < LK_HASHFMT_TABLE || format > LK_HASHFMT_VPDQ)
        return LK_EINVAL;
    lk_hash_writer *w = lki_calloc(1, sizeof *w);
    if (!w)
        return LK_ENOMEM;
    w->fp = fp;
    w->format = format;
    w->flags = flags;
    *out = w;
    return 0;
}

LK_API void lk_hash_writer_free(lk_hash_writer **w)
{
    if (!w || !*w)
        return;
    cJSON_Delete((*w)->file);
    lk_freep(w);
}

/* Rounds to microseconds so JSON shows 0.5, not 0.50000000000000011. */
static double round_us(double t)
{
    return round(t * 1e6) / 1e6;
}

/* Writes pre, one JSON value, post (lki_json_put); remembers a failed write. */
static int put(lk_hash_writer *w, const char *pre, cJSON *o, const char *post)
{
    int rc = lk_json_make_valid(o);
    if (rc == 0)
        rc = lki_json_put(w->fp, pre, o, post);
    if (rc == LK_EIO)
        w->io_error = 1;
    return rc;
}

static void add_info(cJSON *o, const lk_media_info *info)
{
    cJSON_AddStringToObject(o, "format", info->format);
    cJSON_AddStringToObject(o, "codec", info->codec);
    cJSON_AddNumberToObject(o, "width", info->width);
    cJSON_AddNumberToObject(o, "height", info->height);
    cJSON_AddNumberToObject(o, "duration", round_us(info->duration));
    cJSON_AddNumberToObject(o, "fps", round_us(info->fps));
    cJSON_AddNumberToObject(o, "rotation", info->rotation);
}

static void print_table_header(lk_hash_writer *w, const char *path, const lk_media_info *info)
{
    if (info->is_still)
        fprintf(w->fp, "%s  (%s %dx%d)\n", LKI_ESC(path), LKI_ESC(info->codec), info->width, info->height);
    else
        fprintf(w->fp, "%s  (%s %dx%d, %.3f s, %.3f fps)\n", LKI_ESC(path),
                LKI_ESC(info->codec), info->width,
                info->height, info->duration, info->fps);
    fprintf(w->fp, "  %7s  %-12s  %4s  %-64s  %-16s  %s\n", "frame", "time", "qual", "pdq",
            "phash", "dhash");
}

LK_API int lk_hash_writer_begin(lk_hash_writer *w, const char *path, const lk_media_info *info)
{
    LK_ASSERT(!w->path);
    w->path = path;
    w->still = info->is_still;
    if (w->format == LK_HASHFMT_TABLE) {
        print_table_header(w, path, info);
    } else if (w->format == LK_HASHFMT_JSON) {
        w->file = cJSON_CreateObject();
        if (!w->file)
            return LK_ENOMEM;
        cJSON_AddStringToObject(w->file, "file", path);
        add_info(w->file, info);
        if (!cJSON_AddArrayToObject(w->file, "frames"))
            return LK_ENOMEM;
    }
    return 0;
}

static void add_hex256(cJSON *o, const char *key, const lk_hash256 *h)
{
    char hex[65];
    lk_hash256_to_hex(h, hex);
    cJSON_AddStringToObject(o, key, hex);
}

static void add_hex64(cJSON *o, const char *key, uint64_t h)
{
    char hex[17];
    lk_hash64_to_hex(h, hex);
    cJSON_AddStringToObject(o, key, hex);
}

static void add_style(cJSON *o, const uint8_t *style)
{
    char hex[2 * LK_STYLE_BYTES + 1];
    lki_hex_encode(style, LK_STYLE_BYTES, hex);
    cJSON_AddStringToObject(o, "style", hex);
}

/* The JSON object of one frame (JSON and JSON Lines forms). */
static cJSON *frame_json(const lk_hash_writer *w, const lk_frame *fr, const lk_features *f)
{
    char tc[32];
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    if (w->format == LK_HASHFMT_JSONL)
        cJSON_AddStringToObject(o, "file", w->path);
    cJSON_AddNumberToObject(o, "frame", (double)fr->number);
    cJSON_AddNumberToObject(o, "time", round_us(fr->time));
    lk_format_timecode(fr->time, tc, sizeof tc);
    cJSON_AddStringToObject(o, "timecode", tc);
    add_hex256(o, "pdq", &f->pdq);
    cJSON_AddNumberToObject(o, "quality", f->pdq_quality);
    add_hex64(o, "phash", f->phash);
    add_hex64(o, "dhash", f->dhash);
    cJSON *crop = cJSON_AddObjectToObject(o, "crop");
    if (crop) {
        cJSON_AddNumberToObject(crop, "x", fr->crop.x);
        cJSON_AddNumberToObject(crop, "y", fr->crop.y);
        cJSON_AddNumberToObject(crop, "width", fr->crop.width);
        cJSON_AddNumberToObject(crop, "height", fr->crop.height);
    }
    cJSON_AddBoolToObject(o, "keyframe", (fr->flags & LK_FRAME_KEY) != 0);
    cJSON_AddBoolToObject(o, "scenecut", (fr->flags & LK_FRAME_SCENECUT) != 0);
    if (w->flags & LK_HW_DIHEDRAL) {
        cJSON *arr = cJSON_AddArrayToObject(o, "dihedral");
        for (int i = 0; arr && i < LK_DIHEDRAL_COUNT; i++) {
            char hex[65];
            lk_hash256_to_hex(&f->pdq_dihedral[i], hex);
            cJSON_AddItemToArray(arr, cJSON_CreateString(hex));
        }
    }
    if (w->flags & LK_HW_STYLE)
        add_style(o, f->style);
    return o;
}

static int frame_text(lk_hash_writer *w, const lk_frame *fr, const lk_features *f)
{
    char pdq[65], ph[17], dh[17], tc[32];
    lk_hash256_to_hex(&f->pdq, pdq);
    switch (w->format) {
    case LK_HASHFMT_TABLE:
        lk_hash64_to_hex(f->phash, ph);
        lk_hash64_to_hex(f->dhash, dh);
        lk_format_timecode(fr->time, tc, sizeof tc);
        fprintf(w->fp, "  %7lld  %-12s  %4d  %s  %s  %s\n", (long long)fr->number, tc,
                f->pdq_quality, pdq, ph, dh);
        break;
    case LK_HASHFMT_PDQ:
        if (w->still)
            fprintf(w->fp, "%s,%d,%s\n", pdq, f->pdq_quality, LKI_ESC(w->path));
        else
            fprintf(w->fp, "%s,%d,%s,%.3f\n", pdq, f->pdq_quality, LKI_ESC(w->path),
                    fr->time);
        break;
    default: /* LK_HASHFMT_VPDQ */
        fprintf(w->fp, "%lld,%d,%s,%.3f\n", (long long)fr->number, f->pdq_quality, pdq, fr->time);
        break;
    }
    return ferror(w->fp) ? (w->io_error = 1, LK_EIO) : 0;
}

LK_API int lk_hash_writer_frame(lk_hash_writer *w, const lk_frame *fr, const lk_features *f)
{
    LK_ASSERT(w->path);
    if (w->format != LK_HASHFMT_JSON && w->format != LK_HASHFMT_JSONL)
        return frame_text(w, fr, f);
    cJSON *o = frame_json(w, fr, f);
    if (!o)
        return LK_ENOMEM;
    if (w->format == LK_HASHFMT_JSON) {
        cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(w->file, "frames"), o);
        return 0;
    }
    int rc = put(w, "", o, "\n");
    cJSON_Delete(o);
    return rc;
}

/* JSON mode: writes the finished file object, preceded by the document
 * head or a comma. */
static int emit_file(lk_hash_writer *w, cJSON *file)
{
    return put(w, w->files++ ? ",\n" : "{\"schema\":1,\"files\":[\n", file, "");
}

/* JSON Lines: {"file":..,"error":..} as one line. */
static int error_line(lk_hash_writer *w, const char *path, const char *errmsg)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return LK_ENOMEM;
    cJSON_AddStringToObject(o, "file", path);
    cJSON_AddStringToObject(o, "error", errmsg);
    int rc = put(w, "", o, "\n");
    cJSON_Delete(o);
    return rc;
}

LK_API int lk_hash_writer_end(lk_hash_writer *w, const char *errmsg)
{
    int rc = 0;
    LK_ASSERT(w->path);
    if (w->format == LK_HASHFMT_JSON) {
        if (errmsg)
            cJSON_AddStringToObject(w->file, "error", errmsg);
        rc = emit_file(w, w->file);
        cJSON_Delete(w->file);
        w->file = NULL;
    } else if (w->format == LK_HASHFMT_JSONL && errmsg) {
        rc = error_line(w, w->path, errmsg);
    } else if (w->format == LK_HASHFMT_TABLE) {
        if (errmsg)
            fprintf(w->fp, "  error: %s\n", LKI_ESC(errmsg));
        fputc('\n', w->fp);
    }
    w->path = NULL;
    return rc;
}

LK_API int lk_hash_writer_fail(lk_hash_writer *w, const char *path, const char *errmsg)
{
    if (w->format == LK_HASHFMT_JSONL)
        return error_line(w, path, errmsg);
    if (w->format != LK_HASHFMT_JSON)
        return 0; /* text forms: the error goes to stderr only */
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return LK_ENOMEM;
    cJSON_AddStringToObject(o, "file", path);
    cJSON_AddStringToObject(o, "error", errmsg);
    int rc = emit_file(w, o);
    cJSON_Delete(o);
    return rc;
}

LK_API int lk_hash_writer_finish(lk_hash_writer *w)
{
    if (w->format == LK_HASHFMT_JSON)
        fputs(w->files ? "\n]}\n" : "{\"schema\":1,\"files\":[]}\n", w->fp);
    if (fflush(w->fp) != 0 || ferror(w->fp))
        w->io_error = 1;
    return w->io_error ? LK_EIO : 0;
}
