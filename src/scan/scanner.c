/*
 * scanner.c — opening an index for scanning: one catalog handle pinned to
 * one read snapshot (lk_index_snapshot) for the whole run, the search
 * structure over that snapshot's PDQ array, every work with its mean style,
 * the snapshot's background for the evidence model (background.c), the
 * sampling of suspects and the run's provenance (version, index id and
 * generation, parameters, start time); per-thread workers.
 *
 * Invariants: the searcher, works and sampling never change after open;
 * the catalog handle is used only under `lock` (lki_scanner_entry), so the
 * search positions every worker gets and the records they resolve to come
 * from the same snapshot and the same mapping of the search segment.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "common/common.h"
#include "scan/scan_internal.h"

LK_API void lk_scan_params_default(lk_scan_params *p)
{
    memset(p, 0, sizeof *p);
    lk_match_params_default(&p->match);
    p->list_score = -1;
    p->fps = -1;
    p->style_top = LK_STYLE_TOP_DEFAULT;
}

/* Collects every work of the index, marking those in scope. */
struct works_acc {
    struct lki_scan_work *v;
    size_t n, cap;
    const lk_scan_scope *scope;
    uint8_t *seen;             /* per scope entry: it named a work */
    size_t in_scope;           /* works in scope */
};

static int add_work(const lk_index_work_info *w, void *ctx)
{
    struct works_acc *a = ctx;
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 64;
        struct lki_scan_work *v = lki_realloc(a->v, cap * sizeof *v);
        if (!v)
            return LK_ENOMEM;
        a->v = v, a->cap = cap;
    }
    struct lki_scan_work *s = &a->v[a->n++];
    memset(s, 0, sizeof *s);
    s->row = w->row;
    s->in_scope = lki_scope_admits(a->scope, w);
    a->in_scope += (size_t)s->in_scope;
    lki_scope_seen(a->scope, w, a->seen);
    s->work_id = lki_strdup(w->work_id);
    s->owner = lki_strdup(w->owner);
    s->title = lki_strdup(w->title);
    s->files = w->files;
    return s->work_id && s->owner && s->title ? 0 : LK_ENOMEM;
}

static int cmp_row(const void *a, const void *b)
{
    int64_t x = ((const struct lki_scan_work *)a)->row, y = ((const struct lki_scan_work *)b)->row;
    return x < y ? -1 : x > y;
}

/* Loads every work with its style, sorted by row, and applies the scope. */
static int load_works(lk_scanner *s, lk_errbuf *err)
{
    const lk_scan_scope *sc = &s->p.scope;
    struct works_acc acc = { .scope = sc };
    acc.seen = lki_calloc(sc->nwork_ids + sc->nowners + sc->ntags + 1, 1);
    int rc = acc.seen ? lk_index_list(s->ix, add_work, &acc, err) : LK_ENOMEM;
    if (rc == LK_ENOMEM)
        lki_err(err, rc, "%s: out of memory", s->index_path);
    if (rc >= 0)
        rc = lki_scope_check(sc, acc.seen, acc.in_scope, s->index_path, err);
    lki_free(acc.seen);
    if (acc.n)
        qsort(acc.v, acc.n, sizeof *acc.v, cmp_row);
    s->works = acc.v, s->nworks = acc.n;
    if (rc >= 0 && !(s->style_works = lki_calloc(acc.n ? acc.n : 1, sizeof *s->style_works)))
        rc = lki_err(err, LK_ENOMEM, "%s: out of memory", s->index_path);
    for (size_t i = 0; rc >= 0 && i < acc.n; i++) {
        rc = lk_index_work_prototypes(s->ix, acc.v[i].work_id, acc.v[i].protos, err);
        s->style_works[i] = (lk_style_work){ &acc.v[i].protos[0][0], rc > 0 ? rc : 0 };
    }
    return rc < 0 ? rc : 0;
}

/* Sampling: the index's, suspects' fps as asked. */
static int load_sampling(lk_scanner *s, lk_errbuf *err)
{
    lk_index_params ip;
    int rc = lk_index_get_params(s->ix, &ip, err);
    lk_decode_opts_default(&s->ref_dec);
    if (rc == 1) {
        s->ref_dec.fps = ip.fps, s->ref_dec.keyframes = ip.keyframes;
        s->ref_dec.scene_cuts = ip.scene_cuts, s->ref_dec.max_dim = ip.max_dim;
        s->ref_dec.crop_borders = ip.crop_borders;
    }
    s->ref_dec.interrupt = s->p.stop; /* a stop request ends a decode within a second */
    s->ref_dec.threads = s->p.decoder_threads > 0 ? s->p.decoder_threads : 0;
    s->suspect_dec = s->ref_dec;
    if (s->p.fps >= 0)
        s->suspect_dec.fps = s->p.fps;
    return rc < 0 ? rc : 0;
}

/* Creates directory dir and its missing parents (mode 0777 less the umask). */
static int make_dirs(const char *dir, lk_errbuf *err)
{
    struct stat sb;
    char *p = lki_strdup(dir);
    if (!p)
        return lki_err(err, LK_ENOMEM, "%s: out of memory", dir);
    int rc = 0;
    for (char *c = p + 1; rc == 0; c++) {
        if (*c != '/' && *c != '\0')
            continue;
        char saved = *c;
        *c = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            rc = lki_err(err, lki_err_from_errno(errno), "cannot create the evidence "
                         "directory '%s': %s", p, strerror(errno));
        *c = saved;
        if (saved == '\0')
            break;
    }
    if (rc == 0 && (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)))
        rc = lki_err(err, LK_EEXIST, "the evidence directory '%s' is not a directory", dir);
    lki_free(p);
    return rc;
}

/* The provenance of the run: version, index identity, parameters, time. */
static int load_run(lk_scanner *s, lk_errbuf *err)
{
    lk_index_stats st;
    LK_TRY(lk_index_stats_get(s->ix, &st, err));
    lk_scan_run *run = &s->run;
    run->version = lk_version();
    run->index_path = s->index_path;
    memcpy(run->index_id, st.index_uuid, sizeof run->index_id);
    run->generation = st.generation;
    run->match = s->p.match;
    run->list_score = s->p.list_score < 0 ? s->p.match.min_score : s->p.list_score;
    run->sampling = s->suspect_dec;
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm) ||
        !strftime(run->started, sizeof run->started, "%Y-%m-%dT%H:%M:%SZ", &tm))
        run->started[0] = '\0';
    return 0;
}

static int setup(lk_scanner *s, lk_errbuf *err)
{
    LK_TRY(lk_index_open(&s->ix, s->index_path, LK_INDEX_READONLY, err));
    LK_TRY(lk_index_snapshot(s->ix, err));
    LK_TRY(load_sampling(s, err));
    LK_TRY(load_run(s, err));
    if (s->p.evidence_dir)
        LK_TRY(make_dirs(s->p.evidence_dir, err));
    LK_TRY(lk_index_hashes(s->ix, &s->hashes, &s->nhashes, err));
    if (s->nhashes) {
        int rc = lk_searcher_new(&s->searcher, s->hashes, s->nhashes, LK_SEARCH_AUTO);
        if (rc < 0)
            return lki_err(err, rc, "%s: cannot build the search structure: %s",
                           s->index_path, lk_strerror(rc));
    }
    LK_TRY(load_works(s, err));
    LK_TRY(lki_scanner_background(s, s->hashes, err));
    return lki_scanner_local_open(s, err);
}

LK_API int lk_scanner_open(lk_scanner **out, const char *index_path, const lk_scan_params *p,
                           lk_errbuf *err)
{
    *out = NULL;
    if (!index_path || !p || !(p->list_score <= 1))
        return lki_err(err, LK_EINVAL, "invalid argument");
    lk_scanner *s = lki_calloc(1, sizeof *s);
    if (!s || !(s->index_path = lki_strdup(index_path))) {
        lki_free(s);
        return lki_err(err, LK_ENOMEM, "%s: out of memory", index_path);
    }
    s->p = *p;
    pthread_mutex_init(&s->lock, NULL);
    int rc = setup(s, err);
    memset(&s->p.scope, 0, sizeof s->p.scope); /* read during set-up only */
    if (rc < 0) {
        lk_scanner_free(&s);
        return rc;
    }
    *out = s;
    return 0;
}

LK_API void lk_scanner_free(lk_scanner **ps)
{
    lk_scanner *s = ps ? *ps : NULL;
    if (!s)
        return;
    lk_searcher_free(&s->searcher);
    lki_scanner_local_free(s);
    lk_index_close(&s->ix);
    for (size_t i = 0; i < s->nworks; i++) {
        lki_free(s->works[i].work_id);
        lki_free(s->works[i].owner);
        lki_free(s->works[i].title);
    }
    lki_free(s->works);
    lki_free(s->style_works);
    pthread_mutex_destroy(&s->lock);
    lki_free(s->index_path);
    lki_free(s);
    *ps = NULL;
}

LK_API const lk_scan_run *lk_scanner_run(const lk_scanner *s)
{
    return s ? &s->run : NULL;
}

LK_API size_t lk_scanner_entries(const lk_scanner *s)
{
    return s ? s->nhashes : 0;
}

LK_API int lk_scan_worker_new(lk_scanner *s, lk_scan_worker **out)
{
    *out = NULL;
    lk_scan_worker *w = lki_calloc(1, sizeof *w);
    if (!w)
        return LK_ENOMEM;
    w->s = s;
    if (lk_hasher_new(&w->hasher) < 0 || lki_worker_local_new(w) < 0) {
        lk_scan_worker_free(&w);
        return LK_ENOMEM;
    }
    *out = w;
    return 0;
}

LK_API void lk_scan_worker_free(lk_scan_worker **pw)
{
    if (!pw || !*pw)
        return;
    lk_hasher_free(&(*pw)->hasher);
    lki_worker_local_free(*pw);
    lki_free(*pw);
    *pw = NULL;
}

int lki_scanner_entry(lk_scanner *s, uint32_t pos, lk_index_entry *e, char **file,
                      char **file_abs, lk_errbuf *err)
{
    *file = *file_abs = NULL;
    pthread_mutex_lock(&s->lock);
    int rc = lk_index_entry_at(s->ix, pos, e, err);
    if (rc == 0 && (!(*file = lki_strdup(e->file)) ||
                    (e->file_abs && !(*file_abs = lki_strdup(e->file_abs)))))
        rc = lki_err(err, LK_ENOMEM, "%s: out of memory", s->index_path);
    /* the strings of e belong to the handle's cache: not valid past here */
    e->work_id = e->owner = e->title = e->file = e->file_abs = NULL;
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int cmp_work_row(const void *key, const void *elem)
{
    int64_t k = *(const int64_t *)key, r = ((const struct lki_scan_work *)elem)->row;
    return k < r ? -1 : k > r;
}

/* Resolves one position (under the lock). */
static int resolve_one(lk_scanner *s, uint32_t pos, lk_ref_frame *out, lk_errbuf *err)
{
    lk_index_entry e;
    LK_TRY(lk_index_entry_at(s->ix, pos, &e, err));
    const struct lki_scan_work *sw = bsearch(&e.work_row, s->works, s->nworks, sizeof *s->works,
                                             cmp_work_row);
    if (LK_NEVER(!sw)) /* one snapshot: every entry's work was listed */
        return lki_err(err, LK_ECORRUPT, "%s: work of entry %u is missing; run 'likeness "
                       "index verify'", s->index_path, pos);
    *out = (lk_ref_frame){ (uint32_t)(sw - s->works), (uint32_t)e.file_row, (float)e.frame.t0,
                           (float)e.frame.t1, (uint8_t)(e.file_duration <= 0) };
    return 0;
}

int lki_scanner_resolve(lk_scanner *s, const uint32_t *pos, size_t n, lk_ref_frame *out,
                        lk_errbuf *err)
{
    int rc = 0;
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = resolve_one(s, pos[i], &out[i], err);
    pthread_mutex_unlock(&s->lock);
    return rc;
}
