/*
 * test_pdq_kernels.c — every SIMD level of the PDQ image kernels (luma,
 * box_rows, box_cols, matmul) gives the scalar reference's bits exactly
 * (memcmp on floats), on random data with fixed seeds, odd sizes, every box
 * window for small sizes, buffers offset by one element, and guard elements
 * after each output that must stay untouched.
 */
#include "test.h"
#include "likeness/likeness.h"
#include "simd/simd_internal.h"

#define GUARD 19 /* floats after each output that no kernel may write */
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t seed = 0x9e3779b97f4a7c15ULL;

/* Random floats with varied exponents and signs (sign only if sgn). */
static void fill_f(float *p, size_t n, int sgn)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t r = t_rand(&seed);
        float v = (float)(r >> 40) / (float)(1u << 24) * (float)(1u << (r & 15));
        p[i] = (sgn && (r & 16)) ? -v : v;
    }
}

/* Allocates n floats + 1 + GUARD, returns the base; *p is base + 1 (offset
 * by one element so no vector load is aligned by chance). */
static float *alloc_f(size_t n, float **p)
{
    float *b = malloc((n + 1 + GUARD) * sizeof *b);
    memset(b, 0xa5, (n + 1 + GUARD) * sizeof *b);
    *p = b + 1;
    return b;
}

typedef void (*box_fn)(const float *, float *, int, int, int);

/* Runs one box kernel and the reference on the same input; 1 if equal. */
static int box_same(box_fn ref, box_fn f, const float *in, int rows, int cols, int window)
{
    size_t n = (size_t)rows * (size_t)cols;
    float *o1, *o2;
    float *b1 = alloc_f(n, &o1), *b2 = alloc_f(n, &o2);
    ref(in, o1, rows, cols, window);
    f(in, o2, rows, cols, window);
    int same = !memcmp(b1, b2, (n + 1 + GUARD) * sizeof *b1);
    free(b1);
    free(b2);
    return same;
}

/* All windows 1..len of both directions when small, a spread otherwise. */
static void test_box(const lk_simd_ops *o, int rows, int cols)
{
    size_t n = (size_t)rows * (size_t)cols;
    float *in;
    float *base = alloc_f(n, &in);
    fill_f(in, n, 1);
    int maxlen = rows > cols ? rows : cols;
    int bad_r = 0, bad_c = 0, step = maxlen <= 80 ? 1 : 37;
    for (int w = 1; w <= maxlen; w += step) {
        if (w <= cols && !box_same(lki_box_rows_scalar, o->box_rows, in, rows, cols, w))
            bad_r++;
        if (w <= rows && !box_same(lki_box_cols_scalar, o->box_cols, in, rows, cols, w))
            bad_c++;
    }
    int ends[4] = {2, 3, cols, rows}; /* PDQ-like and full-length windows */
    for (int e = 0; e < 4; e++) {
        if (ends[e] <= cols && !box_same(lki_box_rows_scalar, o->box_rows, in, rows, cols, ends[e]))
            bad_r++;
        if (ends[e] <= rows && !box_same(lki_box_cols_scalar, o->box_cols, in, rows, cols, ends[e]))
            bad_c++;
    }
    if (bad_r || bad_c)
        fprintf(stderr, "%s box %dx%d: %d row and %d column windows differ\n", o->name, rows,
                cols, bad_r, bad_c);
    CHECK_INT(bad_r, 0);
    CHECK_INT(bad_c, 0);
    free(base);
}

static void test_luma(const lk_simd_ops *o, int w, int h, int pad)
{
    int stride = 3 * w + pad;
    size_t nb = (size_t)stride * (size_t)h + 1, n = (size_t)w * (size_t)h;
    uint8_t *rgb = malloc(nb);
    for (size_t i = 0; i < nb; i++)
        rgb[i] = (uint8_t)t_rand(&seed);
    float *o1, *o2;
    float *b1 = alloc_f(n, &o1), *b2 = alloc_f(n, &o2);
    lki_luma_rgb24_scalar(rgb + 1, stride, w, h, o1);
    o->luma_rgb24(rgb + 1, stride, w, h, o2);
    int same = !memcmp(b1, b2, (n + 1 + GUARD) * sizeof *b1);
    if (!same)
        fprintf(stderr, "%s luma %dx%d pad %d differs\n", o->name, w, h, pad);
    CHECK(same);
    free(rgb);
    free(b1);
    free(b2);
}

static void test_matmul(const lk_simd_ops *o, int m, int k, int n)
{
    float *a, *b, *c1, *c2;
    float *ba = alloc_f((size_t)m * k, &a), *bb = alloc_f((size_t)k * n, &b);
    float *b1 = alloc_f((size_t)m * n, &c1), *b2 = alloc_f((size_t)m * n, &c2);
    fill_f(a, (size_t)m * k, 1);
    fill_f(b, (size_t)k * n, 1);
    lki_matmul_scalar(a, b, c1, m, k, n);
    o->matmul(a, b, c2, m, k, n);
    int same = !memcmp(b1, b2, ((size_t)m * n + 1 + GUARD) * sizeof *b1);
    if (!same)
        fprintf(stderr, "%s matmul %dx%dx%d differs\n", o->name, m, k, n);
    CHECK(same);
    free(ba);
    free(bb);
    free(b1);
    free(b2);
}

/* A reference result that is not trivially zero: the check has teeth. */
static void test_reference_nontrivial(void)
{
    float in[6] = {1, 2, 3, 4, 5, 6}, out[6];
    lki_box_rows_scalar(in, out, 1, 6, 3);
    CHECK(out[0] == 1.5f && out[1] == 2.0f && out[5] == 5.5f);
}

int main(void)
{
    static const int box_sizes[][2] = {{1, 1}, {1, 40}, {40, 1}, {17, 9},  {9, 17},  {63, 65},
                                       {8, 8}, {16, 7}, {33, 31}, {24, 300}, {300, 24},
                                       {288, 512}, {512, 288}};
    static const int luma_sizes[][3] = {{1, 1, 0}, {1, 5, 2}, {7, 3, 0}, {16, 2, 1}, {17, 9, 0},
                                        {63, 65, 5}, {512, 288, 0}, {33, 4, 3}};
    static const int mm_sizes[][3] = {{1, 1, 1},  {16, 64, 64}, {16, 64, 16}, {3, 5, 7},
                                      {17, 9, 33}, {2, 70, 100}, {1, 1, 65}, {5, 3, 1},
                                      {4, 8, 8},  {2, 3, 128},  {3, 2, 47}};
    test_reference_nontrivial();
    int levels = 0;
    for (int lvl = LK_SIMD_AVX2; lvl <= LK_SIMD_AVX512; lvl++) {
        lk_simd_ops o;
        if (lk_simd_ops_for(lvl, &o) != 0)
            continue;
        levels++;
        for (size_t i = 0; i < NELEM(box_sizes); i++)
            test_box(&o, box_sizes[i][0], box_sizes[i][1]);
        for (size_t i = 0; i < NELEM(luma_sizes); i++)
            test_luma(&o, luma_sizes[i][0], luma_sizes[i][1], luma_sizes[i][2]);
        for (size_t i = 0; i < NELEM(mm_sizes); i++)
            test_matmul(&o, mm_sizes[i][0], mm_sizes[i][1], mm_sizes[i][2]);
    }
    printf("pdq_kernels: %d SIMD level(s) compared with scalar\n", levels);
    TEST_DONE("simd_pdq_kernels");
}
