/*
 * text.c — columns of text for terminals: the display width of UTF-8
 * strings (wcwidth under a C.UTF-8 locale of this thread only, whatever
 * the process locale), cells shortened to a width with an ellipsis, and
 * padding by display width, so CJK titles and very long cells keep a table
 * aligned.
 *
 * Invariants: text is escaped first (lk_text_escape: control characters
 * and bytes that are not valid UTF-8 become C escapes such as "\x1b"), and
 * widths, fitting and padding are those of the escaped form, which is what
 * is printed; combining marks count none.
 */
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "cli/cli.h"
#include "likeness/report.h"

/* Decodes one UTF-8 character at s; its length in *len (1 for a byte
 * that does not start a valid sequence).  -1 for such a byte. */
static long decode(const unsigned char *s, size_t *len)
{
    static const unsigned char need[] = { 0, 0, 1, 2, 3 };
    int n = s[0] < 0x80 ? 1 : s[0] < 0xc2 ? 0 : s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3
          : s[0] < 0xf5 ? 4 : 0;
    *len = 1;
    if (n == 1)
        return s[0];
    if (n == 0)
        return -1;
    long c = s[0] & (0x3f >> need[n]);
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return -1;
        c = c << 6 | (s[i] & 0x3f);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
        (c >= 0xd800 && c <= 0xdfff))
        return -1;
    *len = (size_t)n;
    return c;
}

/* Columns of character c. */
static int char_width(long c)
{
    static locale_t utf8 = (locale_t)0;
    static int tried;
    if (c < 0)
        return 1;
    if (!tried) {
        tried = 1;
        utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    }
    if (!utf8)
        return 1;
    locale_t old = uselocale(utf8);
    int w = wcwidth((wchar_t)c);
    uselocale(old);
    return w < 0 ? 1 : w;
}

/* Width of text already escaped (no control or invalid bytes left). */
static int raw_width(const char *s)
{
    int w = 0;
    for (size_t len; s && *s; s += len)
        w += char_width(decode((const unsigned char *)s, &len));
    return w;
}

/* The escaped form of s (malloc'd), or NULL when out of memory. */
static char *escaped(const char *s)
{
    size_t n = lk_text_escape(s, NULL, 0);
    char *e = malloc(n + 1);
    if (e)
        lk_text_escape(s, e, n + 1);
    return e;
}

int lk_text_width(const char *s)
{
    char *e = escaped(s);
    int w = raw_width(e);
    free(e);
    return w;
}

/* raw_fit: lk_text_fit of text already escaped. */
static void raw_fit(const char *s, int width, char *out, size_t n)
{
    static const char ellipsis[] = "\xe2\x80\xa6"; /* U+2026, one column */
    if (raw_width(s) <= width) {
        snprintf(out, n, "%s", s);
        return;
    }
    size_t used = 0, len;
    int w = 0;
    for (const char *p = s; *p; p += len) {
        int cw = char_width(decode((const unsigned char *)p, &len));
        if (w + cw > width - 1 || used + len + sizeof ellipsis > n)
            break;
        memcpy(out + used, p, len);
        used += len, w += cw;
    }
    if (n >= used + sizeof ellipsis)
        memcpy(out + used, ellipsis, sizeof ellipsis);
    else if (n)
        out[used < n ? used : n - 1] = '\0';
}

void lk_text_fit(const char *s, int width, char *out, size_t n)
{
    char *e = escaped(s);
    raw_fit(e ? e : "", width, out, n);
    free(e);
}

void lk_text_cell(FILE *fp, const char *s, int width, int right)
{
    char buf[1024];
    lk_text_fit(s, width, buf, sizeof buf);
    int pad = width - raw_width(buf);
    if (right)
        fprintf(fp, "%*s%s", pad > 0 ? pad : 0, "", buf);
    else
        fprintf(fp, "%s%*s", buf, pad > 0 ? pad : 0, "");
}
