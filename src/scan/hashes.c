/*
 * hashes.c — shared hash lists (PDQ, vPDQ) scanned as suspects: which
 * suspects a list holds (a vPDQ list is one video, a PDQ list one still per
 * hash) and the frameset of one, made of whole-frame queries at the hashes'
 * timestamps, then the same search, alignment, provenance and verdict as a
 * decoded suspect (suspect.c).
 *
 * Invariant: a list's suspect k covers entries first[k] .. first[k+1]-1 of
 * v; names[k] is its report name.  Each query's 8 dihedral slots hold the
 * variants estimated from the hash (lk_pdq_dihedral_from_hash: a hash does
 * not give its flips' exactly), so mirrored and rotated copies are found
 * within a few bits more than from the media; a hit's variant says which.
 * sha[k] is suspect k's content hash, which --resume (skip_fn) goes by:
 * a vPDQ list's is the file's SHA-256, as a media file's; a PDQ list's
 * suspect k's is the SHA-256 of "pdq HASH QUALITY\n" (its one picture
 * hash), so the same picture hash met again, in any list, is the same
 * content.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/common.h"
#include "scan/scan_internal.h"

struct lk_scan_hashlist {
    lk_index_frame *v;   /* every hash of the list, in file order */
    size_t n;            /* hashes */
    int format;          /* LK_HASHLIST_PDQ or LK_HASHLIST_VPDQ */
    size_t nsus;         /* suspects */
    char **names;        /* per suspect, owned */
    char (*sha)[65];     /* per suspect, its content hash (hex) */
};

/* The content hashes of the suspects (see the top of the file). */
static int hash_suspects(lk_scan_hashlist *l, const char *path, lk_errbuf *err)
{
    uint8_t d[32];
    if (!(l->sha = lki_calloc(l->nsus, sizeof *l->sha)))
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", path);
    if (l->format == LK_HASHLIST_VPDQ) {
        LK_TRY(lk_sha256_file(path, d, NULL, err));
        lk_sha256_to_hex(d, l->sha[0]);
        return 0;
    }
    for (size_t k = 0; k < l->nsus; k++) {
        char hex[65], line[96];
        lk_sha256_ctx c;
        lk_hash256_to_hex(&l->v[k].pdq, hex);
        int n = snprintf(line, sizeof line, "pdq %s %d\n", hex, l->v[k].quality);
        lk_sha256_init(&c);
        lk_sha256_update(&c, line, (size_t)n);
        lk_sha256_final(&c, d);
        lk_sha256_to_hex(d, l->sha[k]);
    }
    return 0;
}

static int name_suspects(lk_scan_hashlist *l, const char *path)
{
    l->nsus = l->format == LK_HASHLIST_VPDQ ? 1 : l->n;
    l->names = lki_calloc(l->nsus, sizeof *l->names);
    if (!l->names)
        return LK_ENOMEM;
    for (size_t k = 0; k < l->nsus; k++) {
        size_t len = strlen(path) + 24;
        if (!(l->names[k] = lki_malloc(len)))
            return LK_ENOMEM;
        if (l->format == LK_HASHLIST_VPDQ)
            snprintf(l->names[k], len, "%s", path);
        else
            snprintf(l->names[k], len, "%s:%zu", path, k + 1);
    }
    return 0;
}

LK_API long lk_scan_hashlist_open(lk_scan_hashlist **out, const char *path, lk_errbuf *err)
{
    *out = NULL;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return lki_err(err, lki_err_from_errno(errno), "'%s': %s", path, strerror(errno));
    lk_scan_hashlist *l = lki_calloc(1, sizeof *l);
    int rc = l ? 0 : lki_err(err, LK_ENOMEM, "'%s': out of memory", path);
    if (rc == 0)
        rc = lk_hashlist_read(fp, path, &l->format, &l->v, &l->n, err);
    fclose(fp);
    if (rc == 0 && name_suspects(l, path) < 0)
        rc = lki_err(err, LK_ENOMEM, "'%s': out of memory", path);
    if (rc == 0)
        rc = hash_suspects(l, path, err);
    if (rc < 0) {
        lk_scan_hashlist_free(&l);
        return rc;
    }
    *out = l;
    return (long)l->nsus;
}

LK_API void lk_scan_hashlist_free(lk_scan_hashlist **pl)
{
    lk_scan_hashlist *l = pl ? *pl : NULL;
    if (!l)
        return;
    for (size_t k = 0; l->names && k < l->nsus; k++)
        lki_free(l->names[k]);
    lki_free(l->names);
    lki_free(l->sha);
    lk_hashlist_free(&l->v);
    lki_free(l);
    *pl = NULL;
}

LK_API const char *lk_scan_hashlist_name(const lk_scan_hashlist *l, size_t k)
{
    return k < l->nsus ? l->names[k] : NULL;
}

/* The frameset of hashes v[0..n-1]: one usable frame per hash of usable
 * quality.  0 or LK_ENOMEM. */
static int hash_frames(const lk_index_frame *v, size_t n, int still, struct lki_frameset *fs)
{
    size_t m = n ? n : 1;
    fs->qtimes = lki_calloc(m, sizeof *fs->qtimes);
    fs->qnumber = lki_calloc(m, sizeof *fs->qnumber);
    fs->queries = lki_calloc(m * LK_DIHEDRAL_COUNT, sizeof *fs->queries);
    fs->qframe = lki_calloc(m, sizeof *fs->qframe);
    fs->qwhere = lki_calloc(m, sizeof *fs->qwhere);
    if (!fs->qtimes || !fs->qnumber || !fs->queries || !fs->qframe || !fs->qwhere)
        return LK_ENOMEM;
    fs->still = still;
    for (size_t i = 0; i < n; i++) {
        fs->frames++;
        fs->duration = LK_MAX(fs->duration, v[i].t0);
        if (v[i].quality < LK_SCAN_MIN_QUALITY)
            continue;
        lk_pdq_dihedral_from_hash(&v[i].pdq, &fs->queries[fs->nq * LK_DIHEDRAL_COUNT]);
        fs->qframe[fs->nq] = (uint32_t)fs->n;
        fs->qwhere[fs->nq] = (struct lki_query_where){ 0, { 0, 0, 1, 1 } }; /* whole frame */
        fs->nq++;
        fs->qtimes[fs->n] = v[i].t0;
        fs->qnumber[fs->n++] = (int64_t)i;
    }
    fs->decoded = fs->duration;
    return 0;
}

LK_API int lk_scan_hashes(lk_scan_worker *w, const lk_scan_hashlist *l, size_t k,
                          lk_scan_result *r)
{
    struct lki_frameset fs = { 0 };
    lk_errbuf err;
    memset(r, 0, sizeof *r);
    r->file = lk_scan_hashlist_name(l, k);
    r->run = &w->s->run;
    lk_errbuf_clear(&err);
    int vpdq = l->format == LK_HASHLIST_VPDQ;
    int rc = k < l->nsus ? 0 : lki_err(&err, LK_EINVAL, "no suspect %zu in the list", k);
    const lk_scan_params *p = &w->s->p;
    if (rc == 0)
        memcpy(r->content_hash, l->sha[k], sizeof r->content_hash);
    if (rc == 0 && p->skip_fn && p->skip_fn(r->content_hash, p->skip_ctx)) {
        r->skipped = 1;
        return r->verdict;
    }
    if (rc == 0 && w->s->p.stop && *w->s->p.stop)
        rc = lki_err(&err, LK_EINTR, "interrupted");
    if (rc == 0 && hash_frames(vpdq ? l->v : l->v + k, vpdq ? l->n : 1, !vpdq, &fs) < 0)
        rc = lki_err(&err, LK_ENOMEM, "'%s': out of memory", r->file);
    if (rc == 0)
        rc = lki_scan_find_copies(w->s, &fs, r, &err);
    if (rc == 0)
        rc = lki_scan_details(w->s, &fs, r, &err);
    r->frames = fs.frames;
    r->duration = r->decoded = fs.still ? 0 : fs.duration;
    lki_scan_decide(w->s, r, rc, &err);
    lki_frameset_release(&fs);
    return r->verdict;
}
