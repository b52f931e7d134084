/*
 * test_hamming.c — every SIMD level of the Hamming kernels (ham256_1xn,
 * ham256_mxn, ham64_1xn) equals the scalar reference on random hashes,
 * all-zero/all-one hashes, n = 0, 1, 7, 33, 1000 and sizes around the
 * vector widths and the mxn tile, buffers offset by one element, guard
 * elements after each output; and mxn equals m runs of 1xn.
 */
#include "test.h"
#include "likeness/likeness.h"
#include "simd/simd_internal.h"

#define GUARD 9
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t seed = 0x243f6a8885a308d3ULL;

/* Random hashes; kind 1 = all zero, 2 = all one, 3 = mixed rows of the
 * three (so distances 0 and 256 appear next to random ones). */
static void fill_h(uint64_t *p, size_t words, int kind)
{
    for (size_t i = 0; i < words; i++) {
        uint64_t r = t_rand(&seed);
        int k = kind == 3 ? (int)(t_rand(&seed) % 3) : kind;
        p[i] = k == 1 ? 0 : k == 2 ? ~0ULL : r;
    }
}

static int same_u16(const uint16_t *a, const uint16_t *b, size_t n)
{
    return !memcmp(a, b, (n + GUARD) * sizeof *a);
}

static void test_1xn(const lk_simd_ops *o, size_t n, int qkind, int dkind)
{
    uint64_t *qb = malloc(5 * 8), *db = malloc((4 * n + 1) * 8);
    uint16_t *o1 = malloc((n + 1 + GUARD) * 2), *o2 = malloc((n + 1 + GUARD) * 2);
    fill_h(qb + 1, 4, qkind);
    fill_h(db + 1, 4 * n, dkind);
    memset(o1, 0x5a, (n + 1 + GUARD) * 2);
    memset(o2, 0x5a, (n + 1 + GUARD) * 2);
    lki_ham256_1xn_scalar(qb + 1, db + 1, n, o1 + 1);
    o->ham256_1xn(qb + 1, db + 1, n, o2 + 1);
    int same = same_u16(o1 + 1, o2 + 1, n) && o2[0] == o1[0];
    if (!same)
        fprintf(stderr, "%s ham256_1xn n=%zu kinds %d/%d differs\n", o->name, n, qkind, dkind);
    CHECK(same);
    if (qkind == 1 && dkind == 2 && n > 0)
        CHECK_INT(o2[1], 256);
    free(qb);
    free(db);
    free(o1);
    free(o2);
}

static void test_mxn(const lk_simd_ops *o, size_t m, size_t n, int kind)
{
    size_t no = m * n + 1 + GUARD;
    uint64_t *qb = malloc((4 * m + 1) * 8), *db = malloc((4 * n + 1) * 8);
    uint16_t *o1 = malloc(no * 2), *o2 = malloc(no * 2), *o3 = malloc(no * 2);
    fill_h(qb + 1, 4 * m, kind);
    fill_h(db + 1, 4 * n, kind);
    memset(o1, 0x5a, no * 2);
    memset(o2, 0x5a, no * 2);
    memset(o3, 0x5a, no * 2);
    lki_ham256_mxn_scalar(qb + 1, m, db + 1, n, o1 + 1);
    o->ham256_mxn(qb + 1, m, db + 1, n, o2 + 1);
    for (size_t i = 0; i < m; i++)
        o->ham256_1xn(qb + 1 + 4 * i, db + 1, n, o3 + 1 + i * n);
    int ref = !memcmp(o1, o2, no * 2), rows = !memcmp(o2, o3, no * 2);
    if (!ref || !rows)
        fprintf(stderr, "%s ham256_mxn %zux%zu differs\n", o->name, m, n);
    CHECK(ref);
    CHECK(rows);
    free(qb);
    free(db);
    free(o1);
    free(o2);
    free(o3);
}

static void test_64(const lk_simd_ops *o, size_t n, int qkind, int dkind)
{
    uint64_t q, *db = malloc((n + 1) * 8);
    uint8_t *o1 = malloc(n + 1 + GUARD), *o2 = malloc(n + 1 + GUARD);
    fill_h(&q, 1, qkind);
    fill_h(db + 1, n, dkind);
    memset(o1, 0x5a, n + 1 + GUARD);
    memset(o2, 0x5a, n + 1 + GUARD);
    lki_ham64_1xn_scalar(q, db + 1, n, o1 + 1);
    o->ham64_1xn(q, db + 1, n, o2 + 1);
    int same = !memcmp(o1, o2, n + 1 + GUARD);
    if (!same)
        fprintf(stderr, "%s ham64_1xn n=%zu kinds %d/%d differs\n", o->name, n, qkind, dkind);
    CHECK(same);
    free(db);
    free(o1);
    free(o2);
}

/* The reference itself gives known distances (so equality is meaningful). */
static void test_reference(void)
{
    uint64_t q[4] = {0, 0, 0, 0}, db[8] = {~0ULL, ~0ULL, ~0ULL, ~0ULL, 1, 3, 0, 1ULL << 63};
    uint16_t out[2];
    lki_ham256_1xn_scalar(q, db, 2, out);
    CHECK_INT(out[0], 256);
    CHECK_INT(out[1], 4);
}

int main(void)
{
    static const size_t ns[] = {0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 100, 1000, 1023,
                                1024, 1025, 2100};
    static const size_t ms[] = {0, 1, 3, 17};
    static const size_t mns[] = {0, 1, 7, 33, 1000, 1030, 2049};
    test_reference();
    /* Each level the CPU runs, plus (on AVX-512 CPUs) the AVX-512BW Hamming
     * table that CPUs without VPOPCNTDQ get. */
    int levels = 0;
    for (int lvl = LK_SIMD_AVX2; lvl <= LK_SIMD_AVX512 + 1; lvl++) {
        lk_simd_ops o;
        if (lvl <= LK_SIMD_AVX512 && lk_simd_ops_for(lvl, &o) != 0)
            continue;
        if (lvl > LK_SIMD_AVX512) {
            if (lk_simd_detect() < LK_SIMD_AVX512)
                continue;
#if LK_ARCH_X86_64
            lki_simd_fill_scalar(&o);
            lki_simd_fill_avx512(&o, 0);
#endif
        }
        levels++;
        for (size_t i = 0; i < NELEM(ns); i++) {
            for (int qk = 0; qk <= 2; qk++) {
                for (int dk = 0; dk <= 3; dk++) {
                    test_1xn(&o, ns[i], qk, dk);
                    test_64(&o, ns[i], qk, dk);
                }
            }
        }
        for (size_t i = 0; i < NELEM(ms); i++)
            for (size_t j = 0; j < NELEM(mns); j++)
                test_mxn(&o, ms[i], mns[j], j % 2 ? 3 : 0);
    }
    printf("hamming: %d SIMD table(s) compared with scalar\n", levels);
    TEST_DONE("simd_hamming");
}
