/*
 * fuzz_helpers.h — shared by the fuzz targets: the libFuzzer entry point's
 * prototype and a way to hand bytes to APIs that take a path.
 */
#ifndef LK_FUZZ_HELPERS_H
#define LK_FUZZ_HELPERS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Puts data into an anonymous in-memory file and writes a path to it
 * ("/proc/self/fd/N") into path.  Returns the descriptor (close it when
 * done) or -1.
 */
static inline int fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t n)
{
    int fd = memfd_create("fuzz", 0);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0) {
            close(fd);
            return -1;
        }
        off += (size_t)w;
    }
    snprintf(path, n, "/proc/self/fd/%d", fd);
    return fd;
}

/* Removes the files of a flat temporary directory, then the directory. */
#include <dirent.h>
static inline void fuzz_rmdir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[512];
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* ---- one decode backend on untrusted bytes (fuzz_png, fuzz_jpeg, fuzz_ffmpeg) ---- */
#ifdef LK_FUZZ_BACKEND
#include <stdlib.h>
#include <string.h>
#include "decode/decode_internal.h"

/*
 * Runs backend be on data through the decode stage's own file source, as
 * lk_decoder_open would (but without the probe, so every input reaches
 * this reader): up to 16 frames, each checked against the frame contract
 * and read whole (ASan sees any short buffer), then the content hash,
 * which must be the SHA-256 of the bytes, however the reader moved in them.
 * Budgets are lowered (16 Mpixels, 64 MiB, 2^26 animation pixels) so that
 * inputs stay fast; the budget code paths are the same.  Returns 0.
 */
static inline int fuzz_backend(const lk_backend *be, const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_memfile(data, size, path, sizeof path);
    if (fd < 0)
        return 0;
    lk_decode_opts o;
    lk_decode_opts_default(&o);
    o.fps = 0;
    o.threads = 1;
    o.max_pixels = (int64_t)1 << 24;
    o.max_memory = (int64_t)64 << 20;
    o.max_anim_pixels = (int64_t)1 << 26;
    lki_source src;
    lk_errbuf err;
    void *st = NULL;
    lk_media_info info;
    if (lki_source_open(&src, path, NULL, &err) == 0) {
        if (be->open(&st, &src, &o, &info, &err) == 0) {
            lk_rawframe f;
            unsigned sum = 0;
            for (int i = 0; i < 16 && be->next(st, &f, &err) == 1; i++) {
                if (!f.data || f.width < 1 || f.height < 1 || f.width > o.max_dim ||
                    f.height > o.max_dim || f.stride < 3 * f.width)
                    abort();
                for (int y = 0; y < f.height; y++)
                    for (int x = 0; x < 3 * f.width; x++)
                        sum += f.data[(size_t)y * (size_t)f.stride + (size_t)x];
            }
            (void)sum;
            be->close(st);
        } else if (!strstr(err.msg, path)) {
            abort(); /* every message names the file */
        }
        uint8_t got[32], want[32];
        int64_t n = -1;
        lk_sha256_ctx c;
        lk_sha256_init(&c);
        lk_sha256_update(&c, data, size);
        lk_sha256_final(&c, want);
        if (lki_source_digest(&src, got, &n, &err) != 0 || n != (int64_t)size ||
            memcmp(got, want, 32))
            abort();
        lki_source_close(&src);
    }
    close(fd);
    return 0;
}
#endif

#endif
