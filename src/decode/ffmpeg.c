/*
 * ffmpeg.c — the FFmpeg backend of the decode stage (FFmpeg 5.1 API:
 * libavformat 59, libavcodec 59, libavutil 57, libswscale 6): opens any
 * container FFmpeg knows, decodes its best video stream and yields the
 * sampled frames as upright RGB24 at the working size.
 *
 * Invariants and choices:
 * - The file is read through the decoder's lki_source (hashed as it is
 *   read) by an AVIOContext of our own (read and seek callbacks, size from
 *   the open); the URL "file:" + path only names it (for messages and
 *   extension hints); nested opens (playlists) are limited to the file
 *   protocol.  A format that would open the file itself (AVFMT_NOFILE:
 *   image2, chosen by the file name) is replaced by image2pipe, which reads
 *   our I/O context and guesses the codec the same way.  Probing is bounded
 *   (LK_FF_PROBESIZE bytes, 5 s).
 * - Streams that are only an attached picture (cover art) do not count as
 *   video.
 * - Budgets (decode.h): sizes beyond LK_DECODE_MAX_SIDE or the pixel budget
 *   are refused from the headers (before stream analysis decodes anything,
 *   and again after it), then per frame; the codec's max_pixels is the
 *   budget, for stream analysis too.  Memory: every frame buffer comes from
 *   get_counted_buffer(), FFmpeg's own allocator wrapped so that the bytes
 *   of the buffers alive at once are counted against the memory budget;
 *   a buffer beyond it is refused and the decode fails (LK_ETOOBIG) even
 *   when the codec would carry on over the hole.  One frame (two for an
 *   animated picture) beyond the budget is refused from the header, and
 *   frame threads are fitted to it (LK_FF_HELD_FRAMES).  An animated
 *   picture (GIF, APNG, image2 and *_pipe pictures) also counts its decoded
 *   pixels against the animation budget.
 * - Every decoded frame gets a time (best-effort timestamp minus the stream
 *   start, in seconds; extrapolated by one frame duration when missing) and
 *   goes through the sampler (sample.c); only kept frames are converted.
 * - Decoding effort follows sampling: keyframes mode discards non-key
 *   frames; with fps sampling far below the frame rate, a packet whose
 *   frame cannot be the first at or after a grid time (judged from its own
 *   time and the nominal frame spacing, lki_sampler_may_keep, so frames
 *   still held by the decoder for reordering do not matter) is decoded
 *   with AVDISCARD_NONREF: non-reference frames that cannot be sampled are
 *   never decoded, while the frames the grid picks are decoded exactly as
 *   without skipping.  The sampler's frame spacing is then fixed at the
 *   nominal one, so that its jitter tolerance, and with it the grid's
 *   choice in a constant-rate stream, does not depend on what was
 *   skipped.  Scene cuts are looked for among the decoded frames only.
 *   Once anything was skipped, frame numbers are estimated as
 *   round(time * average fps) (kept increasing).
 * - Conversion: one swscale context straight to RGB24 at the working size
 *   (SWS_AREA, accurate rounding), the frame's colour matrix and range
 *   honoured; alpha is dropped; sample aspect ratio is ignored.  Interlaced
 *   material is not deinterlaced: both fields are scaled as one picture,
 *   and the area filter's vertical averaging at the working size blends
 *   them, which is what perceptual hashes need.
 * - Rotation: the stream's display matrix, rounded to the nearest right
 *   angle and its mirror, becomes an EXIF orientation for lki_orient_rgb24.
 * - Damaged packets are skipped; read errors end the stream; the end with
 *   no decoded frame at all is LK_ECORRUPT (damage seen) or LK_ENOFRAMES.
 * - Stop requests (lk_decode_opts.interrupt) are seen by every read of the
 *   source, by FFmpeg's interrupt callback (probing, stream analysis) and
 *   before every packet or frame; they end the call with LK_EINTR.
 * - Reference mode (decode.h, "Reference decoding"): what vpdq-hash-video
 *   does instead of all of the above that concerns pixels and sampling —
 *   the first video stream, no rotation, every decoded frame counted (no
 *   skipping, no key-frame mode, no scene cuts), kept every frame_mod-th,
 *   converted at its own size by a context made as the reference makes
 *   its (SWS_AREA, no colour details, so swscale's defaults apply), time
 *   number / rate in single precision; a still is then resized as
 *   pdq-photo-hasher resizes (lk_picker).
 * - FFmpeg's own log output is not touched here (process-wide state).
 */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/cpu.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
#include "common/common.h"
#include "decode/decode_internal.h"
#include "decode/sample.h"

#define LK_FF_PROBESIZE (5 << 20)
#define LK_FF_ANALYZE_US (5 * (int64_t)AV_TIME_BASE)
/* Non-reference skipping only when the stream has this many frames or
 * more per sample. */
#define LK_FF_SKIP_RATIO 4.0
/* Consecutive decoder errors after which the stream is given up. */
#define LK_FF_MAX_ERRORS 256
/* Frames a codec may hold besides one per frame thread when threads are
 * fitted to the memory budget: H.264/HEVC keep up to 16 references, plus
 * the frame being output and the one being decoded. */
#define LK_FF_HELD_FRAMES 18
/* Frame threads FFmpeg uses at most when left to choose (MAX_AUTO_THREADS). */
#define LK_FF_AUTO_THREADS 16

typedef struct av_input {
    char *path;               /* for messages; owned */
    lki_source *src;          /* the file; the decoder's */
    int io_rc;                /* LK_E* of the last failed source read, 0 if none */
    lk_errbuf io_err;         /* its message */
    AVIOContext *pb;          /* our own I/O context over src; owned, with its buffer */
    AVFormatContext *fmt;     /* demuxer; owned */
    AVCodecContext *dec;      /* decoder; owned */
    AVPacket *pkt;            /* reused packet; pending says it holds one */
    AVFrame *frame;           /* reused frame */
    struct SwsContext *sws;   /* frame -> RGB24 at working size */
    struct SwsContext *sig_sws; /* frame -> 16x9 grey, non-YUV formats */
    int sws_w, sws_h, sws_fmt, sws_cs, sws_range; /* what sws was made for */
    int sig_w, sig_h, sig_fmt;  /* what sig_sws was made for */
    int stream;               /* index of the video stream */
    AVRational tb;            /* its time base */
    int64_t start_pts;        /* stream start, AV_NOPTS_VALUE until known */
    int orientation;          /* EXIF orientation 1..8 */
    int is_still;             /* single picture */
    int is_anim;              /* a picture format (GIF, APNG, image2...): anim budget */
    lki_budget budget;        /* the file's budgets */
    int64_t anim_pixels;      /* pixels of the frames decoded so far (is_anim) */
    _Atomic int64_t live_bytes; /* bytes of frame buffers the codec holds now */
    atomic_int over_budget;   /* a frame buffer was refused for the memory budget */
    int max_dim;              /* working size */
    int reference;            /* reference mode (decode.h) */
    int frame_mod;            /* reference mode: keep frames whose number is a multiple */
    float ref_rate;           /* reference mode: frame rate for times, 0 unknown */
    int skip_ok;              /* non-reference skipping allowed */
    int estimate_numbers;     /* frames were skipped: numbers estimated */
    double fps;               /* average frame rate, 0 unknown */
    double last_time;         /* time of the previous decoded frame */
    int64_t decoded;          /* frames out of the decoder */
    int64_t last_number;      /* number of the previous decoded frame */
    int pending;              /* pkt holds a packet the decoder refused */
    int eof_sent;             /* the decoder was told the input ended */
    int damage;               /* damaged packets or read errors seen */
    int last_av_err;          /* last of them, for messages */
    int consecutive_errors;   /* decoder errors in a row */
    lk_sampler sampler;
    uint8_t *rgb;             /* scaled RGB24; lki_malloc_aligned */
    size_t rgb_cap;
    uint8_t *rot;             /* rotated copy; lki_malloc_aligned */
    size_t rot_cap;
    _Alignas(64) uint8_t sig[LK_SIG_LEN];
} av_input;

/* ---- errors ---------------------------------------------------------- */

static int map_averror(int e)
{
    switch (e) {
    case AVERROR(ENOMEM): return LK_ENOMEM;
    case AVERROR(ENOENT): return LK_ENOENT;
    case AVERROR(EACCES):
    case AVERROR(EPERM): return LK_EACCES;
    case AVERROR(EISDIR): return LK_EISDIR;
    case AVERROR(EIO): return LK_EIO;
    case AVERROR(ENOSYS):
    case AVERROR_PATCHWELCOME:
    case AVERROR_DEMUXER_NOT_FOUND:
    case AVERROR_DECODER_NOT_FOUND: return LK_EFORMAT;
    case AVERROR_INVALIDDATA:
    case AVERROR_EOF: return LK_ECORRUPT;
    default: return LK_EDECODE;
    }
}

/* Writes "'path': what: av_strerror text" and returns the mapped code. */
static int av_fail(lk_errbuf *err, const char *path, const char *what, int e)
{
    char buf[AV_ERROR_MAX_STRING_SIZE];
    if (av_strerror(e, buf, sizeof buf) < 0)
        snprintf(buf, sizeof buf, "error %d", e);
    return lki_err(err, map_averror(e), "'%s': %s: %s", path, what, buf);
}

/* ---- I/O through the source ----------------------------------------- */

/* Bytes of the I/O context's buffer. */
#define LK_FF_IO_BUFFER (1 << 16)

static int io_read(void *opaque, uint8_t *buf, int n)
{
    av_input *s = opaque;
    int64_t r = lki_source_read(s->src, buf, n > 0 ? (size_t)n : 0, &s->io_err);
    if (r < 0) {
        s->io_rc = (int)r;
        return r == LK_EINTR ? AVERROR_EXIT : r == LK_ENOMEM ? AVERROR(ENOMEM) : AVERROR(EIO);
    }
    return r == 0 ? AVERROR_EOF : (int)r;
}

static int64_t io_seek(void *opaque, int64_t offset, int whence)
{
    av_input *s = opaque;
    if (whence & AVSEEK_SIZE)
        return s->src->size;
    int64_t pos = lki_source_seek(s->src, offset, whence & ~AVSEEK_FORCE);
    return pos < 0 ? AVERROR(EINVAL) : pos;
}

/* The I/O context over s->src; 0 or LK_ENOMEM. */
static int open_io(av_input *s, lk_errbuf *err)
{
    uint8_t *buf = av_malloc(LK_FF_IO_BUFFER);
    if (buf)
        s->pb = avio_alloc_context(buf, LK_FF_IO_BUFFER, 0, s, io_read, NULL, io_seek);
    if (!s->pb) {
        av_free(buf);
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", s->path);
    }
    return 0;
}

static void close_io(av_input *s)
{
    if (s->pb)
        av_freep(&s->pb->buffer);
    avio_context_free(&s->pb);
}

/* FFmpeg's interrupt callback: the stop request. */
static int on_interrupt(void *opaque)
{
    const av_input *s = opaque;
    return lki_interrupted(s->src);
}

/* av_fail, unless the failure was the source's own (its message is kept)
 * or a stop request. */
static int io_fail(av_input *s, lk_errbuf *err, const char *what, int e)
{
    if (lki_interrupted(s->src))
        return lki_source_stopped(s->src, err);
    if (s->io_rc < 0) {
        if (err)
            *err = s->io_err;
        return s->io_rc;
    }
    return av_fail(err, s->path, what, e);
}

/* ---- budgets (decode.h) ---------------------------------------------- */

/* One frame buffer's accounting: released with the buffer. */
typedef struct counted_buf {
    AVBufferRef *orig;  /* the buffer FFmpeg's pool gave */
    av_input *s;
    int64_t bytes;      /* all planes of the frame */
} counted_buf;

static void release_counted(void *opaque, uint8_t *data)
{
    (void)data;
    counted_buf *c = opaque;
    atomic_fetch_sub(&c->s->live_bytes, c->bytes);
    av_buffer_unref(&c->orig);
    av_free(c);
}

static int64_t frame_buffer_bytes(const AVFrame *f)
{
    int64_t n = 0;
    for (int i = 0; i < AV_NUM_DATA_POINTERS && f->buf[i]; i++)
        n += (int64_t)f->buf[i]->size;
    for (int i = 0; i < f->nb_extended_buf; i++)
        n += (int64_t)f->extended_buf[i]->size;
    return n;
}

/* get_buffer2: FFmpeg's own allocation, counted against the memory budget
 * while the frame's memory lives (buf[0] is wrapped in a buffer whose
 * release gives the bytes back).  May run on codec threads: atomics only. */
static int get_counted_buffer(AVCodecContext *avctx, AVFrame *f, int flags)
{
    av_input *s = avctx->opaque;
    int rc = avcodec_default_get_buffer2(avctx, f, flags);
    if (rc < 0 || !f->buf[0])
        return rc;
    int64_t bytes = frame_buffer_bytes(f);
    counted_buf *c = NULL;
    if (atomic_fetch_add(&s->live_bytes, bytes) + bytes > s->budget.max_memory) {
        atomic_store(&s->over_budget, 1);
    } else if ((c = av_malloc(sizeof *c)) != NULL) {
        c->orig = f->buf[0];
        c->s = s;
        c->bytes = bytes;
        AVBufferRef *w = av_buffer_create(c->orig->data, c->orig->size, release_counted, c, 0);
        if (w) {
            f->buf[0] = w;
            return 0;
        }
        av_free(c);
    }
    atomic_fetch_sub(&s->live_bytes, bytes);
    av_frame_unref(f);
    return AVERROR(ENOMEM);
}

/* Bytes of one frame of par (two for an animated picture: the codec's
 * canvas and the frame out); an estimate when the format is unknown. */
static int64_t frame_bytes(const AVCodecParameters *par, int anim)
{
    int64_t px = (int64_t)par->width * par->height;
    int sz = par->format >= 0 && px <= LK_DECODE_MAX_PIXELS
                 ? av_image_get_buffer_size(par->format, par->width, par->height, 1) : -1;
    int64_t one = sz > 0 ? sz : anim ? px * 4 : px * 3 / 2;
    return anim ? 2 * one : one;
}

/* Whether the streams' headers fit the budgets (pixels, memory); 0 or
 * LK_ETOOBIG.  Streams whose size is not known yet pass. */
static int check_streams(av_input *s, lk_errbuf *err)
{
    for (unsigned i = 0; i < s->fmt->nb_streams; i++) {
        const AVCodecParameters *par = s->fmt->streams[i]->codecpar;
        if (par->codec_type != AVMEDIA_TYPE_VIDEO || par->width <= 0 || par->height <= 0)
            continue;
        LK_TRY(lki_check_dims(s->path, par->width, par->height, s->budget.max_pixels, err));
        int64_t need = frame_bytes(par, s->is_anim);
        if (need > s->budget.max_memory)
            return lki_over_memory(err, s->path, s->is_anim ? "an animated picture's canvas"
                                                            : "one frame", need,
                                   s->budget.max_memory);
    }
    return 0;
}

/* avformat_find_stream_info decodes a few frames with codec contexts of its
 * own: they get the pixel limit as an option (for an animated picture also
 * what its canvas may take of the memory budget). */
static int find_stream_info(av_input *s)
{
    unsigned n = s->fmt->nb_streams;
    AVDictionary **o = n ? av_calloc(n, sizeof *o) : NULL;
    int64_t px = s->budget.max_pixels;
    if (s->is_anim)
        px = LK_MIN(px, s->budget.max_memory / 8);
    for (unsigned i = 0; o && i < n; i++)
        av_dict_set_int(&o[i], "max_pixels", LK_MAX(px, 1), 0);
    int rc = n && !o ? AVERROR(ENOMEM) : avformat_find_stream_info(s->fmt, o);
    for (unsigned i = 0; o && i < n; i++)
        av_dict_free(&o[i]);
    av_free(o);
    return rc;
}

/* Frame threads that fit the memory budget: the caller's count (0: FFmpeg's
 * choice) unless its frames and LK_FF_HELD_FRAMES would not fit. */
static int fitted_threads(const av_input *s, const AVCodecParameters *par, int requested)
{
    int n = requested > 0 ? requested : LK_MIN(av_cpu_count() + 1, LK_FF_AUTO_THREADS);
    int64_t frame = frame_bytes(par, 0);
    int64_t fit = frame > 0 ? s->budget.max_memory / frame - LK_FF_HELD_FRAMES : n;
    if (fit >= n)
        return requested > 0 ? requested : 0;
    return (int)LK_MAX(fit, 1);
}

/* The error of a decode that ran out of memory: the budget's when the
 * budget refused a frame buffer. */
static int memory_fail(av_input *s, lk_errbuf *err, const char *what, int e)
{
    char b[24];
    if (atomic_load(&s->over_budget))
        return lki_err(err, LK_ETOOBIG, "'%s': the frames the codec holds at once need more than "
                       "the %s memory budget", s->path, lki_bytes_text(s->budget.max_memory, b));
    return av_fail(err, s->path, what, e);
}

/* ---- opening --------------------------------------------------------- */

static int is_still_format(const char *name)
{
    size_t n = strlen(name);
    return !strcmp(name, "image2") || !strcmp(name, "image2pipe") ||
           (n > 5 && !strcmp(name + n - 5, "_pipe"));
}

/* Probes the bytes; returns the probe score or LK_E*. */
static int open_input(av_input *s, lk_errbuf *err)
{
    size_t n = strlen(s->path) + 6;
    char *url = lki_malloc(n);
    if (!url)
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", s->path);
    snprintf(url, n, "file:%s", s->path);
    const AVInputFormat *ifmt = NULL;
    int rc = open_io(s, err);
    if (rc < 0) {
        lki_free(url);
        return rc;
    }
    int score = av_probe_input_buffer2(s->pb, &ifmt, url, NULL, 0, 0);
    if (score >= 0 && ifmt && (ifmt->flags & AVFMT_NOFILE))
        ifmt = !strcmp(ifmt->name, "image2") ? av_find_input_format("image2pipe") : NULL;
    if (score == AVERROR_INVALIDDATA || (score >= 0 && !ifmt)) {
        lki_free(url);
        return lki_err(err, LK_EFORMAT, "'%s': unrecognised file format", s->path);
    }
    if (score < 0) {
        lki_free(url);
        return io_fail(s, err, "cannot open", score);
    }
    AVDictionary *dict = NULL;
    av_dict_set(&dict, "protocol_whitelist", "file", 0);
    av_dict_set(&dict, "pattern_type", "none", 0);
    s->fmt = avformat_alloc_context();
    if (s->fmt) {
        s->fmt->pb = s->pb;
        s->fmt->interrupt_callback.callback = on_interrupt;
        s->fmt->interrupt_callback.opaque = s;
        s->fmt->probesize = LK_FF_PROBESIZE;
        s->fmt->max_analyze_duration = LK_FF_ANALYZE_US;
        rc = avformat_open_input(&s->fmt, url, ifmt, &dict);
    } else {
        rc = AVERROR(ENOMEM);
    }
    av_dict_free(&dict);
    lki_free(url);
    if (rc < 0)
        return score < AVPROBE_SCORE_RETRY && rc != AVERROR(ENOMEM) && s->io_rc == 0 &&
                       !lki_interrupted(s->src)
                   ? lki_err(err, LK_EFORMAT, "'%s': unrecognised file format", s->path)
                   : io_fail(s, err, "cannot read the header", rc);
    s->is_still = is_still_format(s->fmt->iformat->name);
    s->is_anim = s->is_still || !strcmp(s->fmt->iformat->name, "gif") ||
                 !strcmp(s->fmt->iformat->name, "apng");
    LK_TRY(check_streams(s, err));
    return score;
}

/* Index of the largest real video stream (reference mode: the first video
 * stream, as vpdq-hash-video takes), or -1. */
static int pick_stream(const AVFormatContext *fmt, int reference, int *has_audio)
{
    int best = -1;
    int64_t best_area = -1;
    *has_audio = 0;
    for (unsigned i = 0; i < fmt->nb_streams; i++) {
        const AVStream *st = fmt->streams[i];
        enum AVMediaType t = st->codecpar->codec_type;
        if (t == AVMEDIA_TYPE_AUDIO)
            *has_audio = 1;
        if (t == AVMEDIA_TYPE_VIDEO && reference && best < 0)
            best = (int)i;
        if (t != AVMEDIA_TYPE_VIDEO || (st->disposition & AV_DISPOSITION_ATTACHED_PIC) ||
            reference)
            continue;
        int64_t area = (int64_t)st->codecpar->width * st->codecpar->height;
        if (st->disposition & AV_DISPOSITION_DEFAULT)
            area += (int64_t)1 << 40;
        if (area > best_area) {
            best_area = area;
            best = (int)i;
        }
    }
    return best;
}

/* EXIF orientation (1..8) from a display matrix, nearest right angle. */
static int matrix_orientation(const int32_t *m)
{
    double a = m[0], b = m[1], c = m[3], d = m[4];
    if (fabs(a) + fabs(d) >= fabs(b) + fabs(c)) {
        if (a >= 0)
            return d >= 0 ? 1 : 4;
        return d >= 0 ? 2 : 3;
    }
    if (b >= 0)
        return c >= 0 ? 5 : 6;
    return c >= 0 ? 8 : 7;
}

static int orientation_degrees(int o)
{
    static const int deg[9] = {0, 0, 0, 180, 180, 90, 90, 270, 270};
    return o >= 1 && o <= 8 ? deg[o] : 0;
}

static int stream_orientation(const AVStream *st)
{
    size_t size = 0;
    const uint8_t *sd = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (!sd || size < 9 * sizeof(int32_t))
        return 1;
    int32_t m[9];
    memcpy(m, sd, sizeof m);
    return matrix_orientation(m);
}

static void copy_name(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

/* Fills *info from the chosen stream. */
static void fill_info(av_input *s, const AVCodec *codec, lk_media_info *info)
{
    const AVStream *st = s->fmt->streams[s->stream];
    const AVCodecParameters *par = st->codecpar;
    int swap = s->orientation >= 5;
    memset(info, 0, sizeof *info);
    info->width = swap ? par->height : par->width;
    info->height = swap ? par->width : par->height;
    info->rotation = orientation_degrees(s->orientation);
    info->is_still = s->is_still;
    AVRational r = st->avg_frame_rate;
    s->fps = r.num > 0 && r.den > 0 ? av_q2d(r) : 0.0;
    if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
        info->duration = (double)st->duration * av_q2d(st->time_base);
    else if (s->fmt->duration != AV_NOPTS_VALUE && s->fmt->duration > 0)
        info->duration = (double)s->fmt->duration / AV_TIME_BASE;
    else
        info->duration = -1.0;
    info->fps = s->is_still ? 0.0 : s->fps;
    info->frame_count = s->is_still ? 1 : (st->nb_frames > 0 ? st->nb_frames : -1);
    if (s->is_still)
        info->duration = 0.0;
    copy_name(info->format, sizeof info->format, s->fmt->iformat->name);
    copy_name(info->codec, sizeof info->codec, codec->name);
}

/* Chooses the stream and checks it; 0 or LK_E*. */
static int choose_stream(av_input *s, int score, lk_errbuf *err)
{
    int has_audio;
    s->stream = pick_stream(s->fmt, s->reference, &has_audio);
    if (s->stream < 0) {
        if (score < AVPROBE_SCORE_RETRY)
            return lki_err(err, LK_EFORMAT, "'%s': unrecognised file format", s->path);
        return lki_err(err, LK_ENOFRAMES, "'%s': no video stream%s", s->path,
                      has_audio ? " (audio only)" : "");
    }
    for (unsigned i = 0; i < s->fmt->nb_streams; i++)
        if ((int)i != s->stream)
            s->fmt->streams[i]->discard = AVDISCARD_ALL;
    const AVCodecParameters *par = s->fmt->streams[s->stream]->codecpar;
    if (par->width < 0 || par->height < 0)
        return lki_err(err, LK_ECORRUPT, "'%s': invalid picture size", s->path);
    return check_streams(s, err);
}

/* Opens the decoder of the chosen stream; 0 or LK_E*. */
static int open_decoder(av_input *s, const lk_decode_opts *opts, const AVCodec **out,
                        lk_errbuf *err)
{
    AVStream *st = s->fmt->streams[s->stream];
    const AVCodec *codec = avcodec_find_decoder(st->codecpar->codec_id);
    if (!codec)
        return lki_err(err, LK_EFORMAT, "'%s': unsupported video codec '%s'", s->path,
                      avcodec_get_name(st->codecpar->codec_id));
    s->dec = avcodec_alloc_context3(codec);
    if (!s->dec)
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", s->path);
    int rc = avcodec_parameters_to_context(s->dec, st->codecpar);
    if (rc < 0)
        return av_fail(err, s->path, "cannot set up the decoder", rc);
    s->dec->pkt_timebase = st->time_base;
    s->dec->thread_count = fitted_threads(s, st->codecpar, opts->threads);
    s->dec->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
    s->dec->max_pixels = s->budget.max_pixels;
    s->dec->opaque = s;
    s->dec->get_buffer2 = get_counted_buffer;
#if LIBAVCODEC_VERSION_MAJOR < 60
    /* get_counted_buffer is thread-safe (atomics only); from libavcodec 60
     * on every callback must be, and the field is gone. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    s->dec->thread_safe_callbacks = 1;
#pragma GCC diagnostic pop
#endif
    if (opts->keyframes && !opts->reference)
        s->dec->skip_frame = AVDISCARD_NONKEY;
    rc = avcodec_open2(s->dec, codec, NULL);
    if (rc < 0)
        return av_fail(err, s->path, "cannot open the decoder", rc);
    *out = codec;
    return 0;
}

/* Reference mode's sampling: vpdq-hash-video's frame rate (average, else
 * the real base rate) and its frame_mod = (int)(seconds per hash * rate). */
static void reference_sampling(av_input *s, const AVStream *st, double fps)
{
    AVRational r = st->avg_frame_rate;
    if (r.num == 0 || r.den == 0)
        r = st->r_frame_rate;
    double rate = r.num > 0 && r.den > 0 ? av_q2d(r) : 0.0;
    s->ref_rate = (float)rate;
    s->frame_mod = fps > 0 ? (int)((1.0 / fps) * rate) : 1;
    if (s->frame_mod < 1)
        s->frame_mod = 1;
}

static int input_open_steps(av_input *s, const lk_decode_opts *opts, lk_media_info *info,
                         lk_errbuf *err)
{
    int score = open_input(s, err);
    if (score < 0)
        return score;
    int rc = find_stream_info(s);
    if (rc < 0)
        return score < AVPROBE_SCORE_RETRY && s->io_rc == 0 && !lki_interrupted(s->src)
                   ? lki_err(err, LK_EFORMAT, "'%s': unrecognised file format", s->path)
                   : io_fail(s, err, "cannot read the stream parameters", rc);
    LK_TRY(choose_stream(s, score, err));
    const AVCodec *codec = NULL;
    LK_TRY(open_decoder(s, opts, &codec, err));
    AVStream *st = s->fmt->streams[s->stream];
    s->tb = st->time_base;
    s->start_pts = st->start_time;
    s->orientation = s->reference ? 1 : stream_orientation(st);
    fill_info(s, codec, info);
    s->max_dim = opts->max_dim;
    s->skip_ok = !opts->keyframes && opts->fps > 0 && s->fps >= LK_FF_SKIP_RATIO * opts->fps &&
                 !s->reference;
    s->estimate_numbers = opts->keyframes != 0 && !s->reference;
    if (s->reference)
        reference_sampling(s, st, opts->fps);
    s->last_number = -1;
    lki_sampler_init(&s->sampler, opts);
    if (s->skip_ok)
        lki_sampler_fix_spacing(&s->sampler, 1.0 / s->fps);
    s->pkt = av_packet_alloc();
    s->frame = av_frame_alloc();
    if (!s->pkt || !s->frame)
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", s->path);
    return 0;
}

static void input_close(void *state)
{
    av_input *s = state;
    if (!s)
        return;
    sws_freeContext(s->sws);
    sws_freeContext(s->sig_sws);
    av_frame_free(&s->frame);
    av_packet_free(&s->pkt);
    avcodec_free_context(&s->dec);
    avformat_close_input(&s->fmt);
    close_io(s);
    lki_free_aligned(s->rgb);
    lki_free_aligned(s->rot);
    lki_free(s->path);
    lki_free(s);
}

static int input_open(void **state, lki_source *src, const lk_decode_opts *opts,
                   lk_media_info *info, lk_errbuf *err)
{
    const char *path = src->path;
    *state = NULL;
    if (!opts)
        return lki_err(err, LK_EINVAL, "'%s': no decoding options", path);
    av_input *s = lki_calloc(1, sizeof *s);
    size_t n = strlen(path) + 1;
    if (s)
        s->path = lki_malloc(n);
    if (!s || !s->path) {
        lki_free(s);
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", path);
    }
    memcpy(s->path, path, n);
    s->src = src;
    s->reference = opts->reference != 0;
    s->budget = lki_budget_of(opts);
    s->sws_fmt = s->sig_fmt = AV_PIX_FMT_NONE;
    int rc = input_open_steps(s, opts, info, err);
    if (rc < 0) {
        input_close(s);
        return rc;
    }
    *state = s;
    return 0;
}

/* ---- per-frame work -------------------------------------------------- */

/* Luma plane usable directly: planar YUV or grey, little-endian, 8..16 bit. */
static int direct_luma(const AVPixFmtDescriptor *desc)
{
    if (!desc || (desc->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL |
                                 AV_PIX_FMT_FLAG_BITSTREAM | AV_PIX_FMT_FLAG_HWACCEL |
                                 AV_PIX_FMT_FLAG_BE | AV_PIX_FMT_FLAG_FLOAT)))
        return 0;
    const AVComponentDescriptor *c = &desc->comp[0];
    if (c->plane != 0 || c->offset != 0 || c->shift != 0)
        return 0;
    return (c->step == 1 && c->depth == 8) || (c->step == 2 && c->depth > 8 && c->depth <= 16);
}

/* 16x9 signature by averaging 4x4 samples per cell of the luma plane. */
static void sig_from_luma(const AVFrame *f, int depth, uint8_t *sig)
{
    int w = f->width, h = f->height, wide = depth > 8;
    for (int cy = 0; cy < LK_SIG_H; cy++) {
        int y0 = cy * h / LK_SIG_H, y1 = LK_MAX(y0 + 1, (cy + 1) * h / LK_SIG_H);
        for (int cx = 0; cx < LK_SIG_W; cx++) {
            int x0 = cx * w / LK_SIG_W, x1 = LK_MAX(x0 + 1, (cx + 1) * w / LK_SIG_W);
            unsigned sum = 0;
            for (int j = 0; j < 4; j++) {
                int y = y0 + (2 * j + 1) * (y1 - y0) / 8;
                const uint8_t *row = f->data[0] + (ptrdiff_t)y * f->linesize[0];
                for (int i = 0; i < 4; i++) {
                    int x = x0 + (2 * i + 1) * (x1 - x0) / 8;
                    sum += wide ? (unsigned)(((const uint16_t *)row)[x] >> (depth - 8)) : row[x];
                }
            }
            sig[cy * LK_SIG_W + cx] = (uint8_t)LK_MIN(255u, (sum + 8) / 16);
        }
    }
}

/* Signature of any other format through a tiny swscale context. */
static int sig_from_sws(av_input *s, const AVFrame *f, uint8_t *sig)
{
    if (!s->sig_sws || s->sig_w != f->width || s->sig_h != f->height || s->sig_fmt != f->format) {
        sws_freeContext(s->sig_sws);
        s->sig_sws = sws_getContext(f->width, f->height, f->format, LK_SIG_W, LK_SIG_H,
                                    AV_PIX_FMT_GRAY8, SWS_AREA, NULL, NULL, NULL);
        if (!s->sig_sws)
            return lki_err(NULL, LK_EFORMAT, "no conversion");
        s->sig_w = f->width;
        s->sig_h = f->height;
        s->sig_fmt = f->format;
    }
    uint8_t *dst[4] = {sig, NULL, NULL, NULL};
    int stride[4] = {LK_SIG_W, 0, 0, 0};
    return sws_scale(s->sig_sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height,
                     dst, stride) < 0 ? LK_EDECODE : 0;
}

static int frame_signature(av_input *s, const AVFrame *f, uint8_t *sig)
{
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(f->format);
    if (direct_luma(desc)) {
        sig_from_luma(f, desc->comp[0].depth, sig);
        return 0;
    }
    return sig_from_sws(s, f, sig);
}

static int swscale_colorspace(const AVFrame *f)
{
    switch (f->colorspace) {
    case AVCOL_SPC_BT709: return SWS_CS_ITU709;
    case AVCOL_SPC_FCC: return SWS_CS_FCC;
    case AVCOL_SPC_SMPTE240M: return SWS_CS_SMPTE240M;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL: return SWS_CS_BT2020;
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M: return SWS_CS_ITU601;
    default: return f->height >= 720 ? SWS_CS_ITU709 : SWS_CS_ITU601;
    }
}

static int is_yuvj(int fmt)
{
    return fmt == AV_PIX_FMT_YUVJ420P || fmt == AV_PIX_FMT_YUVJ422P ||
           fmt == AV_PIX_FMT_YUVJ444P || fmt == AV_PIX_FMT_YUVJ440P ||
           fmt == AV_PIX_FMT_YUVJ411P;
}

/* (Re)creates the RGB24 context when the input or its colours changed. */
static int ensure_sws(av_input *s, const AVFrame *f, int ow, int oh)
{
    int cs = swscale_colorspace(f);
    int range = f->color_range == AVCOL_RANGE_JPEG || is_yuvj(f->format);
    if (s->sws && s->sws_w == f->width && s->sws_h == f->height && s->sws_fmt == f->format &&
        s->sws_cs == cs && s->sws_range == range)
        return 0;
    sws_freeContext(s->sws);
    /* reference mode: vpdq-hash-video's context, swscale's default colours */
    s->sws = sws_getContext(f->width, f->height, f->format, ow, oh, AV_PIX_FMT_RGB24,
                            s->reference ? SWS_AREA : SWS_AREA | SWS_ACCURATE_RND, NULL, NULL,
                            NULL);
    if (!s->sws)
        return lki_err(NULL, LK_EFORMAT, "no conversion");
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(f->format);
    if (desc && !(desc->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL)) &&
        desc->nb_components >= 3 && !s->reference) {
        const int *coef = sws_getCoefficients(cs);
        sws_setColorspaceDetails(s->sws, coef, range, coef, 1, 0, 1 << 16, 1 << 16);
    }
    s->sws_w = f->width;
    s->sws_h = f->height;
    s->sws_fmt = f->format;
    s->sws_cs = cs;
    s->sws_range = range;
    return 0;
}

static int grow(uint8_t **buf, size_t *cap, size_t need)
{
    if (*cap >= need)
        return 0;
    lki_free_aligned(*buf);
    *cap = 0;
    *buf = lki_malloc_aligned(need);
    if (!*buf)
        return LK_ENOMEM;
    *cap = need;
    return 0;
}

/* Reference mode, a still: pdq-photo-hasher's resize of the converted
 * frame in out, into s->rot; 0 or LK_E*. */
static int reference_still(av_input *s, lk_rawframe *out, lk_errbuf *err)
{
    int ow, oh;
    lki_ref_photo_size(out->width, out->height, &ow, &oh);
    if (ow == out->width && oh == out->height)
        return 0;
    lk_picker *p = NULL;
    if (grow(&s->rot, &s->rot_cap, (size_t)ow * (size_t)oh * 3) < 0 ||
        lki_picker_new(&p, out->width, out->height, ow, oh, 3) < 0)
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", s->path);
    for (int y = 0; y < out->height; y++)
        lki_picker_push(p, out->data + (size_t)y * (size_t)out->stride, s->rot);
    lki_picker_free(&p);
    out->data = s->rot;
    out->width = ow;
    out->height = oh;
    out->stride = ow * 3;
    return 0;
}

/* Scales and rotates the current frame into out's pixels (reference mode:
 * converts it at its own size); 0 or LK_E*. */
static int convert_frame(av_input *s, const AVFrame *f, lk_rawframe *out, lk_errbuf *err)
{
    int ow, oh;
    lk_fit_size(f->width, f->height, s->reference ? 0 : s->max_dim, &ow, &oh);
    if (ensure_sws(s, f, ow, oh) < 0)
        return lki_err(err, LK_EFORMAT, "'%s': cannot convert pixel format %s", s->path,
                      av_get_pix_fmt_name(f->format) ? av_get_pix_fmt_name(f->format) : "?");
    int stride = FFALIGN(ow * 3, 64);
    if (grow(&s->rgb, &s->rgb_cap, (size_t)stride * (size_t)oh + 64) < 0)
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", s->path);
    uint8_t *dst[4] = {s->rgb, NULL, NULL, NULL};
    int dst_stride[4] = {stride, 0, 0, 0};
    int rc = sws_scale(s->sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height,
                       dst, dst_stride);
    if (rc < 0)
        return av_fail(err, s->path, "cannot convert the frame", rc);
    out->data = s->rgb;
    out->fmt = LK_PIX_RGB24;
    out->width = ow;
    out->height = oh;
    out->stride = stride;
    if (s->reference && s->is_still)
        return reference_still(s, out, err);
    if (s->orientation == 1)
        return 0;
    if (grow(&s->rot, &s->rot_cap, (size_t)ow * (size_t)oh * 3) < 0)
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", s->path);
    lki_orient_rgb24(s->rgb, ow, oh, stride, s->orientation, s->rot, &out->width, &out->height);
    out->data = s->rot;
    out->stride = out->width * 3;
    return 0;
}

/* Time in seconds and display number of the decoded frame. */
static void frame_time(av_input *s, const AVFrame *f, double *time, int64_t *number)
{
    int64_t pts = f->best_effort_timestamp;
    double dur = s->fps > 0 ? 1.0 / s->fps : 0.04;
    if (pts == AV_NOPTS_VALUE) {
        *time = s->decoded ? s->last_time + dur : 0.0;
    } else {
        if (s->start_pts == AV_NOPTS_VALUE)
            s->start_pts = pts;
        *time = (double)(pts - s->start_pts) * av_q2d(s->tb);
    }
    int64_t n = s->decoded;
    if (s->estimate_numbers && s->fps > 0)
        n = llround(*time * s->fps);
    if (n <= s->last_number)
        n = s->last_number + 1;
    *number = n;
    s->last_time = *time;
    s->last_number = n;
}

/* Runs one decoded frame through the sampler; 1 kept (out filled), 0 not,
 * or LK_E*. */
static int take_frame(av_input *s, lk_rawframe *out, lk_errbuf *err)
{
    const AVFrame *f = s->frame;
    if (f->width < 1 || f->height < 1 || !f->data[0])
        return 0;
    LK_TRY(lki_check_dims(s->path, f->width, f->height, s->budget.max_pixels, err));
    if (s->is_anim && (s->anim_pixels += (int64_t)f->width * f->height) > s->budget.max_anim_pixels)
        return lki_err(err, LK_ETOOBIG, "'%s': the frames of this animated picture add up to more "
                       "than the budget of %lld pixels (%lld frames decoded)", s->path,
                       (long long)s->budget.max_anim_pixels, (long long)s->decoded + 1);
    double time;
    int64_t number;
    frame_time(s, f, &time, &number);
    s->decoded++;
    int cut = 0;
    if (s->reference) {
        if (number % s->frame_mod != 0)
            return 0;
        if (s->ref_rate > 0)
            time = (double)((float)number / s->ref_rate);
    } else {
        if (s->sampler.scene_cuts && frame_signature(s, f, s->sig) == 0)
            cut = lki_sampler_scene(&s->sampler, s->sig);
        if (!lki_sampler_keep(&s->sampler, time, f->key_frame, cut))
            return 0;
    }
    LK_TRY(convert_frame(s, f, out, err));
    out->time = time;
    out->number = number;
    out->flags = (f->key_frame ? LK_FRAME_KEY : 0u) | (cut ? LK_FRAME_SCENECUT : 0u) |
                 (s->is_still ? LK_FRAME_STILL : 0u);
    return 1;
}

/* ---- feeding the decoder --------------------------------------------- */

/* Sets skip_frame for the packet about to be sent. */
static void choose_skip(av_input *s, const AVPacket *pkt)
{
    if (!s->skip_ok)
        return;
    enum AVDiscard want = AVDISCARD_DEFAULT;
    if (pkt->pts != AV_NOPTS_VALUE && s->start_pts != AV_NOPTS_VALUE) {
        double t = (double)(pkt->pts - s->start_pts) * av_q2d(s->tb);
        if (!lki_sampler_may_keep(&s->sampler, t, 1.0 / s->fps))
            want = AVDISCARD_NONREF;
    }
    if (want != AVDISCARD_DEFAULT)
        s->estimate_numbers = 1;
    s->dec->skip_frame = want;
    s->dec->skip_loop_filter = want;
}

/* Reads the next packet of our stream and sends it (or the end); 0 or LK_E*. */
static int feed(av_input *s, lk_errbuf *err)
{
    int rc;
    if (s->eof_sent)
        return lki_err(err, LK_EDECODE, "'%s': the decoder wants input after the end", s->path);
    if (!s->pending) {
        do {
            av_packet_unref(s->pkt);
            rc = av_read_frame(s->fmt, s->pkt);
        } while (rc >= 0 && s->pkt->stream_index != s->stream);
        if (rc == AVERROR(ENOMEM) || s->io_rc < 0)
            return io_fail(s, err, "cannot read", rc);
        if (rc < 0) {
            if (rc != AVERROR_EOF) {
                s->damage = 1;
                s->last_av_err = rc;
            }
            s->eof_sent = 1;
            rc = avcodec_send_packet(s->dec, NULL);
            if (rc == AVERROR(ENOMEM))
                return av_fail(err, s->path, "cannot flush", rc);
            /* with frame threads an earlier packet's decoding error surfaces
             * here: damage like any other, judged at the end (at_end), so
             * the message does not depend on the thread count */
            if (rc < 0 && rc != AVERROR_EOF) {
                s->damage = 1;
                s->last_av_err = rc;
            }
            return 0;
        }
        choose_skip(s, s->pkt);
    }
    rc = avcodec_send_packet(s->dec, s->pkt);
    s->pending = rc == AVERROR(EAGAIN);
    if (s->pending)
        return 0;
    av_packet_unref(s->pkt);
    if (rc == AVERROR(ENOMEM))
        return memory_fail(s, err, "cannot decode", rc);
    if (rc < 0) {
        s->damage = 1;
        s->last_av_err = rc;
    }
    return 0;
}

/* The end of the stream: 0, or an error when no frame was ever decoded. */
static int at_end(av_input *s, lk_errbuf *err)
{
    if (s->decoded > 0)
        return 0;
    if (s->damage)
        return av_fail(err, s->path, "no frame could be decoded",
                       s->last_av_err == AVERROR(EIO) ? AVERROR(EIO) : AVERROR_INVALIDDATA);
    return lki_err(err, LK_ENOFRAMES, "'%s': no video frames", s->path);
}

static int input_next(void *state, lk_rawframe *out, lk_errbuf *err)
{
    av_input *s = state;
    for (;;) {
        if (lki_interrupted(s->src))
            return lki_source_stopped(s->src, err);
        int rc = avcodec_receive_frame(s->dec, s->frame);
        /* Codecs may treat a refused buffer as damage and go on: never. */
        if (atomic_load(&s->over_budget)) {
            av_frame_unref(s->frame);
            return memory_fail(s, err, "cannot decode", AVERROR(ENOMEM));
        }
        if (rc == 0) {
            s->consecutive_errors = 0;
            rc = take_frame(s, out, err);
            av_frame_unref(s->frame);
            if (rc != 0)
                return rc;
        } else if (rc == AVERROR(EAGAIN)) {
            LK_TRY(feed(s, err));
        } else if (rc == AVERROR_EOF) {
            return at_end(s, err);
        } else if (rc == AVERROR(ENOMEM)) {
            return memory_fail(s, err, "cannot decode", rc);
        } else {
            s->damage = 1;
            s->last_av_err = rc;
            if (++s->consecutive_errors > LK_FF_MAX_ERRORS)
                return av_fail(err, s->path, "cannot decode", rc);
        }
    }
}

const lk_backend lki_backend_ffmpeg = {"ffmpeg", input_open, input_next, input_close};

LK_API void lk_decode_set_log_level(int level)
{
    av_log_set_level(level <= 0 ? AV_LOG_QUIET : level == 1 ? AV_LOG_ERROR : AV_LOG_WARNING);
}
