/*
 * likeness/decode.h — open any picture or video and yield sampled frames.
 *
 * Stills (PNG through libpng, JPEG through libjpeg-turbo) yield one frame;
 * videos and animated images go through libavformat/libavcodec.  Every
 * frame comes out as RGB24 reduced to fit the working size, rotation
 * metadata applied, constant borders (letterbox, pillarbox) detected and
 * cropped.  FFmpeg types never appear in this API.
 */
#ifndef LIKENESS_DECODE_H
#define LIKENESS_DECODE_H

#include <signal.h>
#include <stdint.h>
#include "likeness/error.h"
#include "likeness/image.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Sampling and output options.  Start from lk_decode_opts_default(). */
typedef struct lk_decode_opts {
    double fps;        /**< samples per second of video; <= 0: every frame (default 2) */
    int keyframes;     /**< 1: sample key frames only (fps ignored) */
    int scene_cuts;    /**< 1: also sample the first frame after each scene cut (default 1) */
    int max_dim;       /**< frames are scaled down to fit max_dim x max_dim, aspect kept (default 512) */
    int crop_borders;  /**< 1: detect and crop constant borders (default 1) */
    int threads;       /**< decoder threads, 0 = automatic (default 0) */
    int backend;       /**< enum lk_decode_backend (default LK_BACKEND_AUTO) */
    /** Stop request (default NULL: none).  When not NULL, the decoder reads
     *  *interrupt before every read of the file, between frames and packets,
     *  between rows or scanlines of a still and while FFmpeg probes; once it
     *  is non-zero, the call under way returns LK_EINTR ("interrupted")
     *  within a fraction of a second (the longest step that cannot be
     *  interrupted is one video frame or one swscale conversion, both bounded
     *  by the budgets below).  Meant for a flag a SIGINT/SIGTERM handler
     *  sets; it must outlive the decoder. */
    const volatile sig_atomic_t *interrupt;
} lk_decode_opts;

/** Which reader opens a file. */
enum lk_decode_backend {
    LK_BACKEND_AUTO = 0,  /**< PNG and JPEG directly, everything else through FFmpeg */
    LK_BACKEND_FFMPEG = 1 /**< FFmpeg for everything (for comparisons and benchmarks) */
};

/** Frame flags. */
enum lk_frame_flags {
    LK_FRAME_KEY = 1u << 0,      /**< a key frame of its stream */
    LK_FRAME_SCENECUT = 1u << 1, /**< first frame after a detected cut */
    LK_FRAME_STILL = 1u << 2     /**< the only frame of a still picture */
};

/**
 * One sampled frame.  All pixel memory belongs to the decoder and stays
 * valid until the next lk_decoder_next() or lk_decoder_free().
 */
typedef struct lk_frame {
    lk_image image;   /**< RGB24, borders cropped: what features should see */
    lk_image full;    /**< RGB24, the whole (scaled, rotated) picture */
    lk_rect crop;     /**< where image lies inside full; the whole of full when
                           nothing was cropped (or crop_borders is 0) */
    double time;      /**< presentation time in seconds from the stream start */
    int64_t number;   /**< index of the frame in display order, from 0 */
    unsigned flags;   /**< enum lk_frame_flags */
} lk_frame;

/** What is known about the opened media. */
typedef struct lk_media_info {
    int width, height;    /**< coded size before scaling, after rotation */
    double duration;      /**< seconds; 0 for a still, < 0 if unknown */
    double fps;           /**< average frame rate, 0 if unknown or a still */
    int64_t frame_count;  /**< frames in the stream if known, else -1 */
    int rotation;         /**< degrees clockwise applied: 0, 90, 180, 270 */
    int is_still;         /**< 1 for a single picture */
    char format[32];      /**< "png", "jpeg", or the demuxer name */
    char codec[32];       /**< "png", "jpeg", or the decoder name */
    int orientation;      /**< EXIF orientation applied, 1..8 (1: none; 2, 4, 5, 7
                               also mirror, see decode_internal.h); rotation is
                               its rotation part */
} lk_media_info;

/** An open media file. */
typedef struct lk_decoder lk_decoder;

/** Fills @p opts with the defaults documented above. */
LK_API void lk_decode_opts_default(lk_decode_opts *opts);

/**
 * Opens @p path (a regular file) and probes it.  On success *out must be
 * freed with lk_decoder_free().  @p opts may be NULL for the defaults.
 * Anything but a regular file (after symbolic links) is refused before a
 * byte is read and without a blocking open: a FIFO, a device or a socket is
 * LK_EFORMAT ("not a regular file"), a directory LK_EISDIR, a loop of links
 * LK_ENOENT ("too many levels of symbolic links").
 * Refuses pictures larger than 65535 pixels on a side or 2^28 pixels in
 * all before allocating for them (LK_ETOOBIG).  An empty file is
 * LK_EFORMAT; data that starts like PNG or JPEG but is cut short or damaged
 * is LK_ECORRUPT; anything not PNG/JPEG is offered to FFmpeg.  Stills are
 * decoded completely here, so their damage is reported by this call.
 * Thread safety: distinct decoders may be used from distinct threads.
 * Returns 0, or LK_ENOENT, LK_EACCES, LK_EISDIR, LK_EFORMAT, LK_ECORRUPT,
 * LK_ETOOBIG, LK_ENOFRAMES (e.g. audio only), LK_ENOMEM, LK_EIO, LK_EINTR
 * (stop request); the message in @p err names the file.
 */
LK_API int lk_decoder_open(lk_decoder **out, const char *path,
                           const lk_decode_opts *opts, lk_errbuf *err);

/**
 * Decodes up to the next sampled frame.  Returns 1 with @p frame filled,
 * 0 at the end of the media, or a negative LK_E* code (the message names
 * the file).  A stream that ends before its first frame gives LK_ENOFRAMES;
 * a stop request (lk_decode_opts.interrupt) gives LK_EINTR.
 */
LK_API int lk_decoder_next(lk_decoder *d, lk_frame *frame, lk_errbuf *err);

/** Copies what is known about the media into @p info. */
LK_API void lk_decoder_info(const lk_decoder *d, lk_media_info *info);

/**
 * The content hash of the opened file: the SHA-256 of all its bytes (the
 * same digest as lk_sha256_file()) into @p sha256 and its size in bytes
 * into @p size (may be NULL).  The file is read once: the digest is computed
 * from the bytes the decoder reads, as it reads them; what the decoder has
 * not read (the caller stopped early, or the reader skipped or sought over
 * part of the file) is read and hashed by this call.  May be called at any
 * time after a successful open, repeatedly (later calls return the same
 * digest), and decoding may go on afterwards.  Same thread rule as the
 * decoder's other calls.  Returns 0, LK_EINVAL, LK_EIO, LK_ENOMEM, LK_EINTR
 * (the message names the file).
 */
LK_API int lk_decoder_content_hash(lk_decoder *d, uint8_t sha256[32], int64_t *size,
                                   lk_errbuf *err);

/** Closes *d (NULL allowed) and sets *d to NULL. */
LK_API void lk_decoder_free(lk_decoder **d);

/**
 * Sets how much FFmpeg itself may print on stderr: 0 nothing (the library's
 * own errors carry FFmpeg's reason in their message), 1 its errors, 2 its
 * warnings too.  FFmpeg's log level is process-wide: call this once, before
 * threads start, from the program (the likeness command calls it with 0
 * unless LIKENESS_DEBUG is set); the library never changes it by itself.
 */
LK_API void lk_decode_set_log_level(int level);

#ifdef __cplusplus
}
#endif
#endif
