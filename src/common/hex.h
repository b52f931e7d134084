/*
 * hex.h — the library's one hexadecimal encoder and decoder (hash text
 * forms, digests, ids).  Output is lowercase; input accepts either case.
 */
#ifndef LK_HEX_H
#define LK_HEX_H

#include <stddef.h>

/* Writes the 2n lowercase hex digits of the n bytes at in, first byte
 * first, and a NUL into out (2n + 1 bytes). */
void lki_hex_encode(const void *in, size_t n, char *out);

/* Parses exactly 2n hex digits at in (either case) into the n bytes at
 * out.  Reads no further than the first non-digit, so a shorter string
 * (its NUL) fails.  Does not look at in[2n].  Returns 0, or LK_EINVAL
 * with out partly written. */
int lki_hex_decode(const char *in, size_t n, void *out);

#endif
