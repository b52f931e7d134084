/*
 * test.h — the smallest harness that serves: checks count and never abort,
 * each failure prints file:line and the expression, and the program ends
 * with one "NAME: N passed, N failed" line and exit status 1 on failure.
 */
#ifndef LK_TEST_H
#define LK_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_passed, t_failed;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (cond) {                                                              \
            t_passed++;                                                          \
        } else {                                                                 \
            t_failed++;                                                          \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                        \
    } while (0)

#define CHECK_INT(a, b)                                                          \
    do {                                                                         \
        long long ta_ = (long long)(a), tb_ = (long long)(b);                    \
        if (ta_ == tb_) {                                                        \
            t_passed++;                                                          \
        } else {                                                                 \
            t_failed++;                                                          \
            fprintf(stderr, "%s:%d: check failed: %s == %s (%lld != %lld)\n",   \
                    __FILE__, __LINE__, #a, #b, ta_, tb_);                       \
        }                                                                        \
    } while (0)

#define CHECK_STR(a, b)                                                          \
    do {                                                                         \
        const char *ta_ = (a), *tb_ = (b);                                       \
        if (ta_ && tb_ && !strcmp(ta_, tb_)) {                                   \
            t_passed++;                                                          \
        } else {                                                                 \
            t_failed++;                                                          \
            fprintf(stderr, "%s:%d: check failed: %s == %s (\"%s\" != \"%s\")\n", \
                    __FILE__, __LINE__, #a, #b, ta_ ? ta_ : "(null)",            \
                    tb_ ? tb_ : "(null)");                                       \
        }                                                                        \
    } while (0)

/* Ends main(): prints the summary line and returns the exit status. */
#define TEST_DONE(name)                                                          \
    do {                                                                         \
        printf("%s: %d passed, %d failed\n", (name), t_passed, t_failed);        \
        return t_failed ? 1 : 0;                                                 \
    } while (0)

/* Deterministic generator for test data (xorshift64*). */
static inline uint64_t t_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

#endif
