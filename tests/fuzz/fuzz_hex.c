/*
 * fuzz_hex.c — hash text parsing: lk_hash256_from_hex / lk_hash64_from_hex
 * on arbitrary bytes; whatever parses must format back to the same digits
 * (lowercased).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz/fuzz_helpers.h"
#include "likeness/features.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    lk_hash256 h;
    uint64_t v;
    char back[65];
    if (lk_hash256_from_hex(s, &h) == 0) {
        lk_hash256_to_hex(&h, back);
        for (int i = 0; i < 64; i++)
            if (tolower((unsigned char)s[i]) != back[i])
                abort();
    }
    if (lk_hash64_from_hex(s, &v) == 0) {
        lk_hash64_to_hex(v, back);
        for (int i = 0; i < 16; i++)
            if (tolower((unsigned char)s[i]) != back[i])
                abort();
    }
    free(s);
    return 0;
}
