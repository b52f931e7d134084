/*
 * fuzz_ffmpeg.c — the FFmpeg wrapper (src/decode/ffmpeg.c: our AVIOContext
 * over the file source, probing with image2 swapped for image2pipe, stream
 * choice, counted frame buffers, sampling, swscale, rotation) on untrusted
 * bytes given as a file, every input sent to this reader. Any outcome but a
 * crash, a leak, a sanitizer report or a broken contract (see fuzz_backend in
 * fuzz_helpers.h: frame layout, messages naming the file, the content hash of
 * the bytes) is fine.
 */
#define LK_FUZZ_BACKEND
#include "fuzz/fuzz_helpers.h"

static int quiet;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!quiet) {
        quiet = 1;
        lk_decode_set_log_level(0);
    }
    return fuzz_backend(&lki_backend_ffmpeg, data, size);
}
