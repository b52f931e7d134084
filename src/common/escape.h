/*
 * escape.h — text made safe for terminals and line-based logs: every
 * control character and every byte that is not valid UTF-8 is written as a
 * C-style escape, so an untrusted file name, title or owner can neither
 * move the cursor nor start a line of its own.
 *
 * Representation (stable, documented in the README): "\\" for a
 * backslash, "\n", "\t" and "\r" for those three, "\xHH" (lowercase hex)
 * for every other C0 control byte (0x00-0x1f) and DEL (0x7f), for each of
 * the two bytes of a C1 control (U+0080-U+009F, "\xc2\x80".."\xc2\x9f"),
 * and for each byte that does not belong to a valid UTF-8 sequence
 * (overlong forms, surrogates and code points above U+10FFFF included).
 * Everything else, valid UTF-8 beyond ASCII included, is kept as is.
 * Reading the result back with C escape rules gives the original bytes.
 */
#ifndef LK_ESCAPE_H
#define LK_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* Length in bytes (1-4) of the valid UTF-8 sequence starting at s, or 0
 * when s[0] does not start one (a lone continuation, a truncated, overlong
 * or surrogate sequence).  *cp gets its code point when not 0. */
size_t lki_utf8_next(const char *s, long *cp);

/* 1 when s (NUL-terminated) is entirely valid UTF-8, else 0. */
int lki_utf8_valid(const char *s);

/* Writes the escaped form of s (NULL is taken as "") into out, at most
 * n bytes with the NUL (truncated between escapes, never inside one).
 * Returns the length of the whole escaped form, NUL excluded, as snprintf
 * does, so a return >= n means out was too small. */
size_t lki_escape_text(const char *s, char *out, size_t n);

/* Writes the escaped form of s to fp.  Returns 0, or -1 on a write error. */
int lki_escape_fputs(const char *s, FILE *fp);

/* JSON strings (json_text.c), as lk_json_make_valid() and
 * lk_json_restore_bytes() of likeness/report.h: every string of the cJSON
 * tree made valid UTF-8 (U+FFFD per invalid byte, a "<key>_bytes" sibling
 * with the original bytes in hex), and the reverse.  0 or LK_ENOMEM. */
struct cJSON;
int lki_json_make_valid(struct cJSON *root);
int lki_json_restore_bytes(struct cJSON *root);

#endif
