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

#endif
