/*
 * ffmpeg.c — TEMPORARY stub of lk_backend_ffmpeg so that the decode branch
 * links on its own.  open() always refuses the file.  The real backend
 * lives on another branch; drop this file at merge.
 */
#include "common/common.h"
#include "decode/decode_internal.h"

static int stub_open(void **state, const char *path, const lk_decode_opts *opts,
                     lk_media_info *info, lk_errbuf *err)
{
    (void)opts;
    (void)info;
    *state = NULL;
    return lk_err(err, LK_EFORMAT, "'%s': unrecognised file format", path);
}

static int stub_next(void *state, lk_rawframe *f, lk_errbuf *err)
{
    (void)state;
    (void)f;
    return lk_err(err, LK_ESTATE, "ffmpeg backend stub has no frames");
}

static void stub_close(void *state) { (void)state; }

const lk_backend lk_backend_ffmpeg = { "ffmpeg", stub_open, stub_next, stub_close };
