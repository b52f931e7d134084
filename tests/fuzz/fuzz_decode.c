/*
 * fuzz_decode.c — the whole decode stage on untrusted bytes: probe, PNG,
 * JPEG and FFmpeg readers, scaling, rotation and border cropping, then all
 * features of every frame.  Any outcome but a crash, a leak or a sanitizer
 * report is fine; at most 16 frames are read per input.
 */
#include <unistd.h>
#include "fuzz/fuzz_helpers.h"
#include "likeness/likeness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_memfile(data, size, path, sizeof path);
    if (fd < 0)
        return 0;
    lk_decode_opts o;
    lk_decode_opts_default(&o);
    o.fps = 0;
    o.threads = 1;
    lk_decoder *d = NULL;
    lk_hasher *h = NULL;
    lk_errbuf err;
    if (lk_hasher_new(&h) == 0 && lk_decoder_open(&d, path, &o, &err) == 0) {
        lk_frame fr;
        lk_features f;
        for (int i = 0; i < 16 && lk_decoder_next(d, &fr, &err) > 0; i++)
            lk_hasher_compute(h, &fr.image, LK_FEAT_ALL | LK_FEAT_DIHEDRAL, &f);
    }
    lk_decoder_free(&d);
    lk_hasher_free(&h);
    close(fd);
    return 0;
}
