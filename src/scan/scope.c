/*
 * scope.c — which works a scan considers (lk_scan_scope): work ids,
 * owners and tags, each list a set of alternatives, the lists restricting
 * together.  Applied once at lk_scanner_open: every work gets its
 * in_scope flag; the scan then drops hits on works out of scope before
 * alignment and skips them in style ranking (suspect.c).
 *
 * Invariant: a scope whose entries name nothing in the index is refused
 * (LK_ENOENT naming the entry), so a mistyped id or owner is an error,
 * never an empty, "all clean" scan.
 */
#include <string.h>
#include "common/common.h"
#include "scan/scan_internal.h"

/* 1 if the catalog's tag list (pairs "k=v" joined by ", ") holds tag. */
static int has_tag(const char *list, const char *tag)
{
    size_t n = strlen(tag);
    for (const char *p = list; p && *p;) {
        const char *end = strstr(p, ", ");
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && !strncmp(p, tag, n))
            return 1;
        p = end ? end + 2 : NULL;
    }
    return 0;
}

static int in_list(const char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return 1;
    return 0;
}

static int tags_match(const lk_scan_scope *sc, const char *tags)
{
    for (size_t i = 0; i < sc->ntags; i++)
        if (has_tag(tags, sc->tags[i]))
            return 1;
    return 0;
}

int lki_scope_empty(const lk_scan_scope *sc)
{
    return !sc->nwork_ids && !sc->nowners && !sc->ntags;
}

int lki_scope_admits(const lk_scan_scope *sc, const lk_index_work_info *w)
{
    return (!sc->nwork_ids || in_list(sc->work_ids, sc->nwork_ids, w->work_id)) &&
           (!sc->nowners || in_list(sc->owners, sc->nowners, w->owner)) &&
           (!sc->ntags || tags_match(sc, w->tags ? w->tags : ""));
}

void lki_scope_seen(const lk_scan_scope *sc, const lk_index_work_info *w, uint8_t *seen)
{
    size_t k = 0;
    for (size_t i = 0; i < sc->nwork_ids; i++, k++)
        seen[k] |= !strcmp(sc->work_ids[i], w->work_id);
    for (size_t i = 0; i < sc->nowners; i++, k++)
        seen[k] |= !strcmp(sc->owners[i], w->owner);
    for (size_t i = 0; i < sc->ntags; i++, k++)
        seen[k] |= has_tag(w->tags ? w->tags : "", sc->tags[i]);
}

int lki_scope_check(const lk_scan_scope *sc, const uint8_t *seen, size_t in_scope,
                    const char *index_path, lk_errbuf *err)
{
    size_t k = 0;
    for (size_t i = 0; i < sc->nwork_ids; i++, k++)
        if (!seen[k])
            return lki_err(err, LK_ENOENT, "%s: no work '%s'", index_path, sc->work_ids[i]);
    for (size_t i = 0; i < sc->nowners; i++, k++)
        if (!seen[k])
            return lki_err(err, LK_ENOENT, "%s: no work of owner '%s'", index_path,
                           sc->owners[i]);
    for (size_t i = 0; i < sc->ntags; i++, k++)
        if (!seen[k])
            return lki_err(err, LK_ENOENT, "%s: no work tagged '%s'", index_path, sc->tags[i]);
    if (!in_scope && !lki_scope_empty(sc))
        return lki_err(err, LK_ENOENT, "%s: no work has all of the work ids, owners and tags "
                       "asked for", index_path);
    return 0;
}
