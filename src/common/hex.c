/*
 * hex.c — hexadecimal text of byte strings (hex.h).
 */
#include "common/common.h"
#include "common/hex.h"

static const char digits[] = "0123456789abcdef";

void lki_hex_encode(const void *in, size_t n, char *out)
{
    const unsigned char *p = in;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

/* The value of hex digit c, or -1. */
static int digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int lki_hex_decode(const char *in, size_t n, void *out)
{
    unsigned char *p = out;
    for (size_t i = 0; i < n; i++) {
        int hi = digit(in[2 * i]);
        int lo = hi < 0 ? -1 : digit(in[2 * i + 1]);
        if (lo < 0)
            return LK_EINVAL;
        p[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}
