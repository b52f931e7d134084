/*
 * style_kernels.h — constants shared by the style kernels (style_*.c) and
 * the descriptor (src/features/style.c).  Changing any of them changes the
 * descriptor: stored descriptors would have to be recomputed.
 */
#ifndef LK_SIMD_STYLE_KERNELS_H
#define LK_SIMD_STYLE_KERNELS_H

#define LK_STYLE_CBINS 56       /* colour bins: 8 grey + 16 mid-sat + 32 high-sat */
#define LK_STYLE_GREY_C 24      /* chroma (max-min) below this: grey */
#define LK_STYLE_GREY_V 40      /* value (max) below this: grey (near black) */
#define LK_STYLE_BRIGHT_V 160   /* value at or above this: "bright" half of a hue */
#define LK_STYLE_MAG_T0 32      /* Sobel |gx|+|gy| class thresholds (a luma step */
#define LK_STYLE_MAG_T1 96      /*  of d gives 4d): 8, 24 and 64 levels; class 0 */
#define LK_STYLE_MAG_T2 256     /*  is "flat" even under JPEG-like noise */
#define LK_STYLE_RIDGE_T 24     /* dark thin line: both neighbours >= 24 brighter */

#endif
