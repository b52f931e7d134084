/*
 * escape.c — escaping control characters and invalid UTF-8 for text
 * output (escape.h has the representation).
 *
 * Invariant: the escaped form of any input contains no byte below 0x20,
 * no 0x7f, no C1 control and no invalid UTF-8; it is produced one input
 * unit (a byte, or a valid UTF-8 sequence) at a time, so truncation never
 * splits an escape or a character.
 */
#include <string.h>
#include "common/escape.h"

size_t lki_utf8_next(const char *str, long *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t n = s[0] < 0x80 ? 1 : s[0] < 0xc2 ? 0 : s[0] < 0xe0 ? 2
             : s[0] < 0xf0 ? 3 : s[0] < 0xf5 ? 4 : 0;
    if (n <= 1) {
        *cp = n ? s[0] : -1;
        return n;
    }
    long c = s[0] & (0x7f >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3f);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
        (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return n;
}

int lki_utf8_valid(const char *s)
{
    long cp;
    for (size_t len; s && *s; s += len)
        if (!(len = lki_utf8_next(s, &cp)))
            return 0;
    return 1;
}

/* The escaped form of the unit at s into piece (at least 9 bytes); its
 * input length in *len.  Returns the length of the piece. */
static size_t escape_unit(const char *s, char piece[9], size_t *len)
{
    static const char digits[] = "0123456789abcdef";
    long cp;
    size_t n = lki_utf8_next(s, &cp), k = 0;
    *len = n ? n : 1;
    if (n && cp >= 0x20 && cp != 0x7f && cp != '\\' && (cp < 0x80 || cp > 0x9f)) {
        memcpy(piece, s, n);
        return n;
    }
    if (n == 1 && (cp == '\\' || cp == '\n' || cp == '\t' || cp == '\r')) {
        piece[0] = '\\';
        piece[1] = cp == '\\' ? '\\' : cp == '\n' ? 'n' : cp == '\t' ? 't' : 'r';
        return 2;
    }
    for (size_t i = 0; i < *len; i++) {
        unsigned char b = (unsigned char)s[i];
        piece[k++] = '\\', piece[k++] = 'x';
        piece[k++] = digits[b >> 4], piece[k++] = digits[b & 15];
    }
    return k;
}

size_t lki_escape_text(const char *s, char *out, size_t n)
{
    size_t total = 0, len;
    int full = 0;
    char piece[9];
    if (n)
        out[0] = '\0';
    for (; s && *s; s += len) {
        size_t k = escape_unit(s, piece, &len);
        if (!full && total + k < n) {
            memcpy(out + total, piece, k);
            out[total + k] = '\0';
        } else {
            full = 1;
        }
        total += k;
    }
    return total;
}

int lki_escape_fputs(const char *s, FILE *fp)
{
    char piece[9];
    for (size_t len; s && *s; s += len) {
        size_t k = escape_unit(s, piece, &len);
        if (fwrite(piece, 1, k, fp) != k)
            return -1;
    }
    return 0;
}
