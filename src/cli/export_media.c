/*
 * export_media.c — `likeness index export --format pdq|vpdq`: the sharing
 * formats hashed as the reference hashers hash, from the indexed media.
 *
 * The index keeps working-size hashes (borders cropped, upright), which
 * differ from what pdq-photo-hasher and vpdq-hash-video compute, so a
 * partner comparing lists would miss.  This export therefore reads each
 * indexed file again at the path it was added from (its absolute path
 * first, then the path as given), decodes it as `hash --format pdq|vpdq`
 * does (the reference pixels, borders kept, the index's sampling rate)
 * and writes those hashes.  Invariants:
 *   - a file's lines are written only once its bytes proved to be the
 *     ones indexed (their SHA-256 is the catalog's), so a moved, edited
 *     or replaced file is an error naming it, never a wrong list;
 *   - files holding imported hashes (no media) are written from the
 *     catalog as stored: they are a partner's reference hashes already;
 *   - every selected file is tried; the status counts the failures.
 * `--from-index` keeps the catalog-only export (lk_index_export).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/export_media.h"
#include "likeness/likeness.h"
#include "likeness/report.h"

/* One indexed file of the selection, copied out of the walk. */
struct xfile {
    char *path;          /* as given to add */
    char *abs_path;      /* absolute path at add time, or NULL */
    uint8_t sha256[32];  /* content hash the catalog holds */
    int imported;        /* pre-computed hashes, no media */
    double duration;     /* seconds, 0 for a still */
    lk_frame *frames;    /* imported: the whole-frame entries (number, time) */
    lk_features *feats;  /* imported: their PDQ and quality */
    size_t n, cap;
};

struct xlist {
    struct xfile *v;
    size_t n, cap;
    int oom;
};

static void xlist_free(struct xlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].path);
        free(l->v[i].abs_path);
        free(l->v[i].frames);
        free(l->v[i].feats);
    }
    free(l->v);
}

/* Keeps an imported entry's hash so that it can be written as stored. */
static int keep_entry(struct xfile *f, const lk_index_entry *e)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 64;
        lk_frame *fr = realloc(f->frames, cap * sizeof *fr);
        if (fr)
            f->frames = fr;
        lk_features *ft = fr ? realloc(f->feats, cap * sizeof *ft) : NULL;
        if (!ft)
            return -1;
        f->feats = ft, f->cap = cap;
    }
    memset(&f->frames[f->n], 0, sizeof f->frames[f->n]);
    memset(&f->feats[f->n], 0, sizeof f->feats[f->n]);
    f->frames[f->n].number = (int64_t)f->n;
    f->frames[f->n].time = e->frame.t0;
    f->feats[f->n].pdq = e->frame.pdq;
    f->feats[f->n].pdq_quality = e->frame.quality;
    f->n++;
    return 0;
}

/* lk_index_foreach callback: one struct xfile per file (its parts are
 * consecutive and share the content hash). */
static int collect(const lk_index_entry *e, void *ctx)
{
    struct xlist *l = ctx;
    struct xfile *last = l->n ? &l->v[l->n - 1] : NULL;
    if (!last || memcmp(last->sha256, e->file_sha256, 32) != 0) {
        if (l->n == l->cap) {
            size_t cap = l->cap ? 2 * l->cap : 16;
            struct xfile *v = realloc(l->v, cap * sizeof *v);
            if (!v)
                return l->oom = 1, -1;
            l->v = v, l->cap = cap;
        }
        last = &l->v[l->n++];
        memset(last, 0, sizeof *last);
        memcpy(last->sha256, e->file_sha256, 32);
        last->imported = e->file_imported;
        last->duration = e->file_duration;
        last->path = strdup(e->file);
        last->abs_path = e->file_abs ? strdup(e->file_abs) : NULL;
        if (!last->path || (e->file_abs && !last->abs_path))
            return l->oom = 1, -1;
    }
    if (last->imported && e->frame.view == LK_VIEW_FULL && keep_entry(last, e) < 0)
        return l->oom = 1, -1;
    return 0;
}

/* The path to read f from: the absolute one if it is there, else the path
 * as given (relative to where add ran). */
static const char *media_path(const struct xfile *f)
{
    if (f->abs_path && access(f->abs_path, R_OK) == 0)
        return f->abs_path;
    return f->path;
}

/* Hashes the media of f into w; 0, or -1 with err set (naming the file). */
static int hash_media(const struct xfile *f, const lk_decode_opts *dec, lk_hasher *h,
                      lk_hash_writer *w, lk_errbuf *err)
{
    const char *path = media_path(f);
    lk_decoder *d = NULL;
    lk_media_info info;
    lk_frame fr;
    lk_features feat;
    uint8_t sha[32];
    int rc = lk_decoder_open(&d, path, dec, err);
    if (rc < 0)
        return -1;
    lk_decoder_info(d, &info);
    lk_hash_writer_begin(w, f->path, &info);
    while ((rc = lk_decoder_next(d, &fr, err)) > 0) {
        if ((rc = lk_hasher_compute(h, &fr.image, LK_FEAT_PDQ, &feat)) < 0 ||
            (rc = lk_hash_writer_frame(w, &fr, &feat)) < 0) {
            snprintf(err->msg, sizeof err->msg, "%s: frame %lld: %s", LK_ESC(path),
                     (long long)fr.number, lk_strerror(rc));
            break;
        }
    }
    if (rc == 0)
        rc = lk_decoder_content_hash(d, sha, NULL, err);
    lk_decoder_free(&d);
    if (rc == 0 && memcmp(sha, f->sha256, 32) != 0) {
        snprintf(err->msg, sizeof err->msg, "%s: the content differs from what was indexed "
                 "(SHA-256); re-add the file, or export with --from-index", LK_ESC(path));
        rc = -1;
    }
    lk_hash_writer_end(w, NULL);
    return rc < 0 ? -1 : 0;
}

/* Writes one file's list into a memory buffer first, then to out: nothing
 * of a file that fails reaches out.  0, or -1 (printed). */
static int export_one(const struct xfile *f, const lk_decode_opts *dec, lk_hasher *h,
                      int format, FILE *out)
{
    char *buf = NULL;
    size_t len = 0;
    lk_hash_writer *w = NULL;
    lk_errbuf err;
    lk_errbuf_clear(&err);
    FILE *mem = open_memstream(&buf, &len);
    if (!mem || lk_hash_writer_new(&w, mem, format, 0) < 0) {
        lk_error("out of memory");
        if (mem)
            fclose(mem);
        free(buf);
        return -1;
    }
    int rc = 0;
    if (f->imported) {
        lk_media_info info = { .is_still = f->duration <= 0 };
        lk_hash_writer_begin(w, f->path, &info);
        for (size_t i = 0; i < f->n && rc == 0; i++)
            rc = lk_hash_writer_frame(w, &f->frames[i], &f->feats[i]);
        lk_hash_writer_end(w, NULL);
        if (rc < 0)
            snprintf(err.msg, sizeof err.msg, "out of memory");
    } else {
        rc = hash_media(f, dec, h, w, &err);
    }
    int bad = lk_hash_writer_finish(w) < 0;
    lk_hash_writer_free(&w);
    bad |= fclose(mem) != 0;
    if (rc < 0) {
        lk_error("%s", err.msg);
    } else if (bad || (len && fwrite(buf, 1, len, out) != len)) {
        lk_error("cannot write the hashes of '%s'", LK_ESC(f->path));
        rc = -1;
    }
    free(buf);
    return rc;
}

/* The sampling of `hash --format pdq|vpdq` at the index's own rate. */
static int decode_opts(lk_index *ix, lk_decode_opts *dec)
{
    lk_index_stats st;
    lk_errbuf err;
    lk_decode_opts_default(dec);
    if (lk_index_stats_get(ix, &st, &err) < 0) {
        lk_error("%s", err.msg);
        return -1;
    }
    if (st.has_params) {
        dec->fps = st.params.fps;
        dec->scene_cuts = st.params.scene_cuts;
    }
    dec->keyframes = 0;      /* the references sample by time */
    dec->crop_borders = 0;   /* and keep borders */
    dec->reference = 1;      /* and hash their own pixels */
    return 0;
}

int lk_cli_export_media(lk_index *ix, const char *work, int format, const char *dir)
{
    struct xlist l = { 0 };
    lk_errbuf err;
    lk_decode_opts dec;
    lk_hasher *h = NULL;
    if (decode_opts(ix, &dec) < 0)
        return LK_EXIT_ERROR;
    int rc = lk_index_foreach(ix, work, collect, &l, &err);
    if (rc < 0 || lk_hasher_new(&h) < 0) {
        lk_error("%s", rc < 0 && !l.oom ? err.msg : "out of memory");
        xlist_free(&l);
        return LK_EXIT_ERROR;
    }
    int hash_fmt = format == LK_HASHLIST_VPDQ ? LK_HASHFMT_VPDQ : LK_HASHFMT_PDQ;
    size_t failed = 0;
    for (size_t i = 0; i < l.n; i++) {
        FILE *out = dir ? lk_open_in_dir(dir, l.v[i].path, " (two videos of that name, or an "
                                                           "earlier export)") : stdout;
        if (!out) {
            failed++;
            continue;
        }
        failed += export_one(&l.v[i], &dec, h, hash_fmt, out) < 0;
        if (dir && fclose(out) != 0) {
            lk_error("cannot write the hashes of '%s' into '%s'", LK_ESC(l.v[i].path),
                     LK_ESC(dir));
            failed++;
        }
    }
    if (!dir && fflush(stdout) != 0) {
        lk_error("cannot write to standard output: %s", strerror(errno));
        failed++;
    }
    if (failed && l.n > 1)
        lk_message("export", "%zu of %zu files failed", failed, l.n);
    if (failed)
        fputs("hint: these lists are hashed from the media; --from-index writes the "
              "index's own hashes without it\n", stderr);
    lk_hasher_free(&h);
    xlist_free(&l);
    return failed ? LK_EXIT_ERROR : LK_EXIT_OK;
}
