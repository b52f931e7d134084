/*
 * pdq_x86.h — small x86 helpers shared by pdq_avx2.c and pdq_avx512.c:
 * splitting packed RGB24 into channel bytes and the 8x8 float transpose.
 * Static inline only, so each including file compiles them with its own
 * -m flags; they need SSSE3 and AVX, which both levels imply.
 * Invariant: nothing here reads past the bytes or floats it is given.
 */
#ifndef LK_PDQ_X86_H
#define LK_PDQ_X86_H

#include <immintrin.h>
#include <stdint.h>

/* pshufb masks that move channel c of 16 pixels out of 16-byte block b of
 * their 48 bytes: one mask per (channel, block), 0x80 zeroes a byte. */
typedef struct lk_rgb_masks {
    __m128i m[3][3]; /* [channel][block] */
} lk_rgb_masks;

static inline void lk_rgb_masks_init(lk_rgb_masks *mk)
{
    for (int c = 0; c < 3; c++) {
        for (int b = 0; b < 3; b++) {
            uint8_t idx[16];
            for (int px = 0; px < 16; px++) {
                int src = 3 * px + c - 16 * b;
                idx[px] = (src >= 0 && src < 16) ? (uint8_t)src : 0x80;
            }
            mk->m[c][b] = _mm_loadu_si128((const __m128i *)idx);
        }
    }
}

/* Splits 16 RGB24 pixels (48 bytes at p) into 16 R, G and B bytes. */
static inline void lk_rgb_split16(const uint8_t *p, const lk_rgb_masks *mk, __m128i ch[3])
{
    __m128i b0 = _mm_loadu_si128((const __m128i *)p);
    __m128i b1 = _mm_loadu_si128((const __m128i *)(p + 16));
    __m128i b2 = _mm_loadu_si128((const __m128i *)(p + 32));
    for (int c = 0; c < 3; c++)
        ch[c] = _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(b0, mk->m[c][0]),
                                          _mm_shuffle_epi8(b1, mk->m[c][1])),
                             _mm_shuffle_epi8(b2, mk->m[c][2]));
}

/* The scalar luma of one pixel, in the reference's order of operations. */
static inline float lk_luma1(const uint8_t *p)
{
    return 0.299f * (float)p[0] + 0.587f * (float)p[1] + 0.114f * (float)p[2];
}

/* Transposes the 8x8 float matrix held in r[0..7] (row i in r[i]). */
static inline void lk_transpose8_ps(__m256 r[8])
{
    __m256 t[8], u[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        u[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
        u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
        u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
        u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int i = 0; i < 4; i++) {
        r[i] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x20);
        r[i + 4] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x31);
    }
}

/* Mask selecting the first n (0..8) float lanes, for maskload/maskstore. */
static inline __m256i lk_lane_mask8(int n)
{
    static const int32_t bits[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
    return _mm256_loadu_si256((const __m256i *)(bits + 8 - n));
}

/*
 * Row-group transposes for the row box filter: lk_rows_to_cols copies the
 * g rows (g a multiple of 8) of a dense g x cols block at src into t with
 * t[c*g + r] = src[r*cols + c]; lk_cols_to_rows is its inverse.  8x8 tiles,
 * masked at the last partial tile, so nothing outside the block is touched.
 */
/* One 8x8 tile of lk_rows_to_cols; n (1..8) valid columns. */
static inline void lk_tile_to_cols(const float *src, size_t cols, int g, float *t, int n)
{
    __m256 v[8];
    if (n == 8) {
        for (int r = 0; r < 8; r++)
            v[r] = _mm256_loadu_ps(src + (size_t)r * cols);
        lk_transpose8_ps(v);
        for (int c = 0; c < 8; c++)
            _mm256_storeu_ps(t + (size_t)c * (size_t)g, v[c]);
        return;
    }
    __m256i m = lk_lane_mask8(n);
    for (int r = 0; r < 8; r++)
        v[r] = _mm256_maskload_ps(src + (size_t)r * cols, m);
    lk_transpose8_ps(v);
    for (int c = 0; c < n; c++)
        _mm256_storeu_ps(t + (size_t)c * (size_t)g, v[c]);
}

/* One 8x8 tile of lk_cols_to_rows; n (1..8) valid columns. */
static inline void lk_tile_to_rows(const float *t, int g, size_t cols, float *dst, int n)
{
    __m256 v[8];
    if (n == 8) {
        for (int c = 0; c < 8; c++)
            v[c] = _mm256_loadu_ps(t + (size_t)c * (size_t)g);
        lk_transpose8_ps(v);
        for (int r = 0; r < 8; r++)
            _mm256_storeu_ps(dst + (size_t)r * cols, v[r]);
        return;
    }
    __m256i m = lk_lane_mask8(n);
    for (int c = 0; c < 8; c++)
        v[c] = c < n ? _mm256_loadu_ps(t + (size_t)c * (size_t)g) : _mm256_setzero_ps();
    lk_transpose8_ps(v);
    for (int r = 0; r < 8; r++)
        _mm256_maskstore_ps(dst + (size_t)r * cols, m, v[r]);
}

static inline void lk_rows_to_cols(const float *src, size_t cols, int g, float *t)
{
    for (int r0 = 0; r0 < g; r0 += 8)
        for (size_t c0 = 0; c0 < cols; c0 += 8)
            lk_tile_to_cols(src + (size_t)r0 * cols + c0, cols, g, t + c0 * (size_t)g + r0,
                            cols - c0 < 8 ? (int)(cols - c0) : 8);
}

static inline void lk_cols_to_rows(const float *t, int g, size_t cols, float *dst)
{
    for (int r0 = 0; r0 < g; r0 += 8)
        for (size_t c0 = 0; c0 < cols; c0 += 8)
            lk_tile_to_rows(t + c0 * (size_t)g + r0, g, cols, dst + (size_t)r0 * cols + c0,
                            cols - c0 < 8 ? (int)(cols - c0) : 8);
}

/* The reference box filter's phase lengths for a vector of len elements:
 * p1 sums without output, p2 grows the window, p3 slides it, p4 shrinks it. */
typedef struct lk_box_phases {
    int p1, p2, p3, p4;
} lk_box_phases;

static inline lk_box_phases lk_box_phases_of(int len, int window)
{
    int half = (window + 2) / 2;
    lk_box_phases ph = {half - 1, window - half + 1, len - window, half - 1};
    return ph;
}

#endif
