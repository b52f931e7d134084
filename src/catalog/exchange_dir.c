/*
 * exchange_dir.c — vPDQ export as the reference vPDQ hasher writes it: one
 * file of "frame,quality,hash,timestamp" lines per video, named after the
 * video (DIR/BASENAME.txt), frame numbers counting that file's whole-frame
 * entries from 0.  Invariant: a name already present in DIR is never
 * overwritten (O_EXCL): two indexed files of the same base name are an
 * error naming both.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/common.h"
#include "catalog/catalog_internal.h"

struct dir_ctx {
    const char *dir;
    FILE *fp;            /* the current file's output, or NULL */
    int64_t file_row;    /* its catalog row */
    uint32_t frame;      /* whole-frame entries written to it */
    long files;          /* outputs written */
    lk_errbuf *err;
};

/* Opens DIR/BASENAME.txt for the file at path (never overwriting). */
static int open_out(struct dir_ctx *c, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(c->dir) + strlen(base) + 6;
    char *name = lki_malloc(len);
    if (!name)
        return lki_err(c->err, LK_ENOMEM, "out of memory");
    snprintf(name, len, "%s/%s.txt", c->dir, base);
    int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    c->fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    int rc = c->fp ? 0 : lki_err(c->err, lki_err_from_errno(errno), "'%s': %s%s", name,
                                 strerror(errno), errno == EEXIST ?
                                 " (two videos of that name, or an earlier export)" : "");
    if (fd >= 0 && !c->fp)
        close(fd);
    lki_free(name);
    c->files += rc == 0;
    return rc;
}

static int close_out(struct dir_ctx *c)
{
    int bad = c->fp && fclose(c->fp) != 0;
    c->fp = NULL;
    return bad ? lki_err(c->err, LK_EIO, "cannot write to '%s'", c->dir) : 0;
}

static int one(const lk_index_entry *e, void *vctx)
{
    struct dir_ctx *c = vctx;
    char hex[65];
    if (!c->fp || e->file_row != c->file_row) {
        LK_TRY(close_out(c));
        LK_TRY(open_out(c, e->file));
        c->file_row = e->file_row, c->frame = 0;
    }
    if (e->frame.view != LK_VIEW_FULL)
        return 0;
    lk_hash256_to_hex(&e->frame.pdq, hex);
    if (fprintf(c->fp, "%u,%d,%s,%.3f\n", c->frame++, e->frame.quality, hex, e->frame.t0) < 0)
        return lki_err(c->err, LK_EIO, "cannot write to '%s'", c->dir);
    return 0;
}

LK_API long lk_index_export_vpdq_dir(lk_index *ix, const char *work_id, const char *dir,
                                     lk_errbuf *err)
{
    struct dir_ctx c = { dir, NULL, 0, 0, 0, err };
    int rc = lk_index_foreach(ix, work_id, one, &c, err);
    int rc2 = close_out(&c);
    if (rc == 0)
        rc = rc2;
    return rc < 0 ? rc : c.files;
}
