/*
 * likeness/decode.h — open any picture or video and yield sampled frames.
 *
 * Stills (PNG through libpng, JPEG through libjpeg-turbo) yield one frame;
 * videos and animated images go through libavformat/libavcodec.  Every
 * frame comes out as RGB24 reduced to fit the working size, rotation
 * metadata applied, constant borders (letterbox, pillarbox) detected and
 * cropped; reference decoding (below) gives the reference PDQ hashers'
 * pixels instead.  FFmpeg types never appear in this API.
 *
 * Budgets.  Each file is decoded within three budgets, fields of
 * lk_decode_opts (0 means the default), so that a small hostile file cannot
 * make a decoder take unbounded memory or time; a file beyond one is
 * refused with LK_ETOOBIG and a message naming the file and the budget:
 * - max_pixels: pixels of one picture or frame, from the headers before
 *   any allocation for pixels (default and ceiling 2^28, i.e. 16384x16384;
 *   a side is at most 65535 whatever the budget).
 * - max_anim_pixels: decoded pixels of all the frames of an animated
 *   picture (GIF, APNG, and any picture format FFmpeg reads) together,
 *   counted as frames are decoded (default 2^30, some 500 frames of
 *   1920x1080).  Videos are bounded by their length and the stop request
 *   instead.
 * - max_memory: bytes of decoding memory that grow with the input (default
 *   512 MiB).  It covers the full picture an interlaced (Adam7) PNG needs
 *   and the coefficient arrays of a progressive (multi-scan) JPEG, whatever
 *   the DCT scale (libjpeg keeps every coefficient of the picture: 6 bytes a
 *   pixel at 4:4:4, 3 at 4:2:0), both refused from the header beyond it;
 *   libjpeg's own allocations are capped at it too.  For FFmpeg it covers
 *   every frame buffer the codec holds at once (references, reordering,
 *   frame threads), counted as the codec allocates them: a stream header
 *   whose one frame (two for an animated picture: canvas and output) would
 *   not fit is refused at once, frame threads are reduced when their
 *   frames would not fit, and an allocation beyond the budget stops the
 *   decode.
 * Memory bound: one decoder holds at most max_memory bytes of such memory
 * plus a fixed part that does not grow with the input: the working-size
 * frames (max_dim^2 x 3 bytes, a few of them: about 3 MiB at 512), the
 * 64 KiB head and I/O buffers, swscale contexts and codec tables.  The
 * fixed part measured at most 25 MiB of resident memory for H.264 up to
 * 3840x2160 10-bit with one thread (the frames aside), about 55 MiB with
 * three frame threads; the process itself (code, libraries) takes about
 * 30 MiB once.  N decoders at once with one thread each (`index add
 * --jobs N`) are thus bounded by about 30 + N x (512 + 25) MiB with the
 * defaults; each further decoding thread adds about 15 MiB at 4K.
 * Time: a still is bounded by its pixels; an animated picture by its
 * pixel budget (2^30 pixels decode in some tens of seconds at worst); a
 * video by its length; all stop at once on a stop request.
 *
 * Reference decoding (lk_decode_opts.reference = 1).  The pixels the
 * reference PDQ hashers of facebook/ThreatExchange hash, so that PDQ of
 * the frames is theirs bit for bit; slower than the working size, and
 * meant for the sharing formats (`hash --format pdq|vpdq`):
 * - Stills, as pdq-photo-hasher reads them (CImg over libpng/libjpeg): the
 *   picture at its own size, EXIF orientation ignored, grey pictures kept
 *   grey (GRAY8, unless crop_borders), palette expanded, alpha dropped,
 *   16-bit samples reduced to their low byte (CImg's cast); a JPEG is
 *   decoded at full scale.  A picture larger than 512 pixels on either side
 *   is resized to exactly 512x512 (aspect not kept) by CImg's
 *   nearest-neighbour rule: output pixel (x, y) is source pixel
 *   (floor(x * w / 512), floor(y * h / 512)).  max_dim is not used.
 * - Videos, as vpdq-hash-video decodes them: the first video stream, every
 *   frame converted by swscale to RGB24 at its coded size with SWS_AREA and
 *   swscale's default colour conversion (no colour matrix or range from
 *   the stream beyond what the pixel format implies), display-matrix
 *   rotation ignored, no scene cuts, no frame skipping; frame numbers count
 *   the decoder's output frames from 0, and with fps > 0 a frame is kept
 *   when its number is a multiple of (int)(rate / fps) (at least 1; rate:
 *   the stream's average frame rate, else its real base rate), the
 *   reference's --seconds-per-hash 1/fps; time is number / rate in single
 *   precision.  keyframes and scene_cuts are not used.  A still that
 *   FFmpeg reads (GIF, BMP, WebP...) is converted so too, then resized as
 *   stills are above.
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
    int reference;     /**< 1: the reference hashers' pixels ("Reference decoding"
                            above; default 0) */
    /** Stop request (default NULL: none).  When not NULL, the decoder reads
     *  *interrupt before every read of the file, between frames and packets,
     *  between rows or scanlines of a still and while FFmpeg probes; once it
     *  is non-zero, the call under way returns LK_EINTR ("interrupted")
     *  within a fraction of a second (the longest step that cannot be
     *  interrupted is one video frame or one swscale conversion, both bounded
     *  by the budgets below).  Meant for a flag a SIGINT/SIGTERM handler
     *  sets; it must outlive the decoder. */
    const volatile sig_atomic_t *interrupt;
    /** Budget: pixels of one picture or frame; 0 (or more than
     *  LK_DECODE_MAX_PIXELS_DEFAULT): LK_DECODE_MAX_PIXELS_DEFAULT. */
    int64_t max_pixels;
    /** Budget: decoded pixels of all frames of an animated picture;
     *  0: LK_DECODE_MAX_ANIM_PIXELS_DEFAULT. */
    int64_t max_anim_pixels;
    /** Budget: bytes of decoding memory that grows with the input;
     *  0: LK_DECODE_MAX_MEMORY_DEFAULT. */
    int64_t max_memory;
} lk_decode_opts;

/** Default (and largest) pixels of one picture or frame: 2^28. */
#define LK_DECODE_MAX_PIXELS_DEFAULT ((int64_t)1 << 28)
/** Default decoded pixels of all frames of an animated picture: 2^30. */
#define LK_DECODE_MAX_ANIM_PIXELS_DEFAULT ((int64_t)1 << 30)
/** Default decoding memory budget of one decoder: 512 MiB. */
#define LK_DECODE_MAX_MEMORY_DEFAULT ((int64_t)512 << 20)

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
    lk_image image;   /**< RGB24 (GRAY8: a grey still in reference mode without
                           crop_borders), borders cropped: what features should see */
    lk_image full;    /**< same format, the whole (scaled, rotated) picture */
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
 * Refuses pictures larger than 65535 pixels on a side or than the pixel
 * budget, and files beyond the memory budget, before allocating for them
 * (LK_ETOOBIG; see "Budgets" above).  An empty file is
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
 * a stop request (lk_decode_opts.interrupt) gives LK_EINTR, and a file
 * that goes beyond a budget while it is decoded LK_ETOOBIG.
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
