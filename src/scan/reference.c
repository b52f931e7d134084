/*
 * reference.c — the entries of a reference file: decoding it with the
 * index's sampling and collapsing runs of near-identical consecutive
 * frames per view (lk_ref_collapse_view), so that a still shot of a minute
 * is one entry spanning its times, not 240; and how much of a file was
 * decoded (lk_scan_decoded), for references and suspects alike.
 *
 * Invariant: within the last LK_REF_COLLAPSE_LOOKBACK entries at most one
 * open run per view exists; a scene cut always starts new runs.
 */
#include <string.h>
#include "common/common.h"
#include "scan/scan_internal.h"

/* The position of the last entry of view `view` among the last
 * LK_REF_COLLAPSE_LOOKBACK of v[0..n), or -1. */
static long last_of_view(const lk_index_frame *v, size_t n, int view)
{
    for (size_t k = 0; k < n && k < LK_REF_COLLAPSE_LOOKBACK; k++)
        if (v[n - 1 - k].view == view)
            return (long)(n - 1 - k);
    return -1;
}

/* Extends the last entry of `view` to `time` if `pdq` continues its run. */
static int extend(lk_index_frame *v, size_t n, int view, const lk_hash256 *pdq, double time,
                  int cut)
{
    long last = last_of_view(v, n, view);
    if (cut || last < 0 || lk_hamming256(&v[last].pdq, pdq) > LK_INDEX_COLLAPSE_DISTANCE ||
        time < v[last].t1)
        return 0;
    v[last].t1 = time;
    return 1;
}

LK_API int lk_ref_collapse_view(lk_index_frame *v, size_t *n, int view, const lk_hash256 *pdq,
                                  int quality, double time, int cut)
{
    if (extend(v, *n, view, pdq, time, cut))
        return 0;
    lk_index_frame *e = &v[(*n)++];
    memset(e, 0, sizeof *e);
    e->t0 = e->t1 = time < 0 ? 0 : time;
    e->pdq = *pdq;
    e->quality = quality;
    e->view = view;
    e->flags = cut ? LK_ENTRY_SCENECUT : 0;
    return 1;
}

LK_API int lk_ref_collapse(lk_index_frame *v, size_t *n, const lk_features *f, double time,
                             int cut)
{
    if (extend(v, *n, LK_VIEW_FULL, &f->pdq, time, cut))
        return 0;
    lk_index_frame *e = &v[(*n)++];
    memset(e, 0, sizeof *e);
    e->t0 = e->t1 = time < 0 ? 0 : time;
    e->pdq = f->pdq;
    e->quality = f->pdq_quality;
    e->phash = f->phash;
    e->dhash = f->dhash;
    memcpy(e->style, f->style, LK_STYLE_BYTES);
    e->flags = LK_ENTRY_ALL | (cut ? LK_ENTRY_SCENECUT : 0);
    return 1;
}

LK_API int lk_scan_decoded(const lk_decode_opts *dec, const lk_media_info *info, double last,
                           double *decoded)
{
    *decoded = 0;
    if (!info || info->is_still || last < 0)
        return 0;
    double step = dec && dec->keyframes ? LK_SCAN_KEYFRAME_INTERVAL
                : dec && dec->fps > 0 ? 1.0 / dec->fps : 0;
    if (info->fps > 0 && 1.0 / info->fps > step)
        step = 1.0 / info->fps;
    *decoded = last + step;
    if (info->duration > 0 && *decoded > info->duration)
        *decoded = info->duration;
    return info->duration > 0 && info->duration - *decoded > LK_SCAN_TRUNCATED_SLACK;
}

LK_API void lk_ref_entries_release(lk_ref_entries *e)
{
    if (!e)
        return;
    lki_free(e->v);
    lki_ref_locals_release(e);
    memset(e, 0, sizeof *e);
}

LK_API int lk_ref_hash_file(const char *path, const lk_decode_opts *dec, lk_hasher *h,
                            lk_ref_entries *out, lk_media_info *info, lk_errbuf *err)
{
    return lk_ref_hash_file_progress(path, dec, h, out, info, NULL, NULL, err);
}

LK_API int lk_ref_hash_file_progress(const char *path, const lk_decode_opts *dec, lk_hasher *h,
                                     lk_ref_entries *out, lk_media_info *info,
                                     lk_progress_fn progress, void *ctx, lk_errbuf *err)
{
    lk_decoder *d = NULL;
    lk_frame fr;
    if (!path || !h || !out || !info)
        return lki_err(err, LK_EINVAL, "invalid argument");
    int rc = lk_decoder_open(&d, path, dec, err);
    if (rc < 0)
        return rc;
    lk_decoder_info(d, info);
    double last = -1;
    while ((rc = lk_decoder_next(d, &fr, err)) > 0) {
        last = fr.time > last ? fr.time : last;
        if ((rc = lk_ref_entries_add_frame(out, h, &fr)) < 0) {
            rc = lki_err(err, rc, "%s: cannot hash frame %lld: %s", path,
                         (long long)fr.number, lk_strerror(rc));
            break;
        }
        if (progress)
            progress(ctx, path, fr.time, info->duration);
    }
    lk_decoder_free(&d);
    out->truncated = lk_scan_decoded(dec, info, last, &out->decoded);
    return rc < 0 ? rc : 0;
}
