/*
 * pdq_scalar.c — scalar reference kernels for PDQ's image path: RGB to
 * float luma, the 1-D box filter run along rows or columns, and the
 * dense float matrix product behind the DCTs.
 *
 * The arithmetic and its order follow facebook/ThreatExchange pdq/cpp
 * (downscaling.cpp, pdqhashing.cpp) so that hashes match the reference bit
 * for bit; SIMD versions must reproduce these results exactly.
 */
#include "simd/simd_internal.h"

void lki_luma_rgb24_scalar(const uint8_t *rgb, int stride, int w, int h, float *out)
{
    const float cr = 0.299f, cg = 0.587f, cb = 0.114f;
    for (int i = 0; i < h; i++) {
        const uint8_t *p = rgb + (size_t)i * (size_t)stride;
        float *o = out + (size_t)i * (size_t)w;
        for (int j = 0; j < w; j++, p += 3)
            o[j] = cr * (float)p[0] + cg * (float)p[1] + cb * (float)p[2];
    }
}

/*
 * One box filter over a strided vector: the window grows from half size at
 * the start, runs full in the middle and shrinks at the end; each output is
 * the running float sum divided by the current count.
 * Invariant: 1 <= window <= len.
 */
static void box1d(const float *in, float *out, int len, size_t stride, int window)
{
    int half = (window + 2) / 2;
    int p1 = half - 1, p2 = window - half + 1, p3 = len - window, p4 = half - 1;
    size_t li = 0, ri = 0, oi = 0;
    float sum = 0.0f;
    int count = 0;

    for (int i = 0; i < p1; i++, ri += stride) {
        sum += in[ri];
        count++;
    }
    for (int i = 0; i < p2; i++, ri += stride, oi += stride) {
        sum += in[ri];
        count++;
        out[oi] = sum / (float)count;
    }
    for (int i = 0; i < p3; i++, li += stride, ri += stride, oi += stride) {
        sum += in[ri];
        sum -= in[li];
        out[oi] = sum / (float)count;
    }
    for (int i = 0; i < p4; i++, li += stride, oi += stride) {
        sum -= in[li];
        count--;
        out[oi] = sum / (float)count;
    }
}

void lki_box_rows_scalar(const float *in, float *out, int rows, int cols, int window)
{
    for (int i = 0; i < rows; i++)
        box1d(in + (size_t)i * (size_t)cols, out + (size_t)i * (size_t)cols, cols, 1, window);
}

void lki_box_cols_scalar(const float *in, float *out, int rows, int cols, int window)
{
    for (int j = 0; j < cols; j++)
        box1d(in + j, out + j, rows, (size_t)cols, window);
}

void lki_matmul_scalar(const float *a, const float *b, float *c, int m, int k, int n)
{
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
            float sum = 0.0f;
            for (int t = 0; t < k; t++)
                sum += a[(size_t)i * k + t] * b[(size_t)t * n + j];
            c[(size_t)i * n + j] = sum;
        }
    }
}
