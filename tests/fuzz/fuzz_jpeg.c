/*
 * fuzz_jpeg.c — the JPEG reader (src/decode/jpeg.c: libjpeg with our source
 * manager and APP1 reader, the EXIF orientation parser, DCT scaling, CMYK,
 * warning codes, the coefficient budget) on untrusted bytes given as a file,
 * every input sent to this reader whatever it starts with. Any outcome but a
 * crash, a leak, a sanitizer report or a broken contract (see fuzz_backend in
 * fuzz_helpers.h: frame layout, messages naming the file, the content hash of
 * the bytes) is fine.
 */
#define LK_FUZZ_BACKEND
#include "fuzz/fuzz_helpers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_backend(&lki_backend_jpeg, data, size);
}
