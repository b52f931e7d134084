/*
 * views.c — geometry of the sub-regions ("views") hashed besides the whole
 * frame, so that global PDQ still finds crops, vertical reframings,
 * picture-in-picture and overlays; and borrowed sub-images over them.
 *
 * Reference views (stored in the index, enum lk_view):
 *   FULL          the whole frame;
 *   CENTER        the central 80% of width and height (a 20% border crop,
 *                 overlays near the edges);
 *   STRIP         a full-height 9:16 strip at the centre of the width (a
 *                 16:9 work reframed for short-video apps); only for frames
 *                 at least LK_VIEW_STRIP_MIN_ASPECT wide.  Strips at other
 *                 offsets (30%, 70%) were measured and dropped: PDQ moves by
 *                 16-32 bits for a 1% shift, so a fixed offset only catches a
 *                 reframing at exactly that offset, at 2 more entries per frame.
 *   CORE          the central LK_VIEW_CORE_W x LK_VIEW_CORE_H (60 % x 50 %): what
 *                 logos in the corners, caption bars and tickers leave alone.
 * Suspect windows (searched, never stored; lk_window_rect): squares of the
 * frame's proportions, LK_WINDOW_SCALE of each side, at the four corners
 * and the centre, the central LK_VIEW_CENTER_SCALE region and the CORE.
 *
 * Invariants: every rectangle returned lies inside the frame, has a size
 * of at least 1x1 and depends only on (view, width, height).
 */
#include <math.h>
#include "common/common.h"
#include "likeness/features.h"

/* Rounds v to the nearest integer, clamped to [lo, hi]. */
static int clampi(double v, int lo, int hi)
{
    long r = lround(v);
    return r < lo ? lo : r > hi ? hi : (int)r;
}

/* A w x h rectangle centred at (cx, cy) (fractions of the frame), moved
 * inside the frame. */
static void place(int width, int height, int w, int h, double cx, double cy, lk_rect *out)
{
    w = w < 1 ? 1 : w > width ? width : w;
    h = h < 1 ? 1 : h > height ? height : h;
    out->width = w;
    out->height = h;
    out->x = clampi(cx * width - w / 2.0, 0, width - w);
    out->y = clampi(cy * height - h / 2.0, 0, height - h);
}

/* The 9:16 strip of a width x height frame centred at cx; 0 if the frame
 * is too narrow for it (or, for a shifted strip, too narrow for a shift to
 * differ from the centre strip). */
static int strip(int width, int height, double cx, lk_rect *out)
{
    double sw = height * 9.0 / 16.0;
    if ((double)width < LK_VIEW_STRIP_MIN_ASPECT * height)
        return 0;
    if (cx != 0.5 && fabs(cx - 0.5) * width < sw / 3.0)
        return 0;
    place(width, height, clampi(sw, 1, width), height, cx, 0.5, out);
    return 1;
}

LK_API int lk_view_rect(int view, int width, int height, lk_rect *out)
{
    if (!out || width < 1 || height < 1 || view < 0 || view >= LK_VIEW_COUNT)
        return LK_EINVAL;
    switch (view) {
    case LK_VIEW_FULL:
        *out = (lk_rect){ 0, 0, width, height };
        return 1;
    case LK_VIEW_CENTER:
        place(width, height, clampi(width * LK_VIEW_CENTER_SCALE, 1, width),
              clampi(height * LK_VIEW_CENTER_SCALE, 1, height), 0.5, 0.5, out);
        return 1;
    case LK_VIEW_CORE:
        place(width, height, clampi(width * LK_VIEW_CORE_W, 1, width),
              clampi(height * LK_VIEW_CORE_H, 1, height), 0.5, 0.5, out);
        return 1;
    default: /* LK_VIEW_STRIP */
        return strip(width, height, 0.5, out);
    }
}

LK_API int lk_window_rect(int window, int width, int height, lk_rect *out)
{
    /* centres of the corner and centre windows, then the central region */
    static const double cx[LK_WINDOW_COUNT - 1] = { 0.0, 1.0, 0.0, 1.0, 0.5, 0.5 };
    static const double cy[LK_WINDOW_COUNT - 1] = { 0.0, 0.0, 1.0, 1.0, 0.5, 0.5 };
    if (!out || width < 1 || height < 1 || window < 0 || window >= LK_WINDOW_COUNT)
        return LK_EINVAL;
    if (window == LK_WINDOW_COUNT - 1) /* the core, as the reference's CORE view */
        return lk_view_rect(LK_VIEW_CORE, width, height, out);
    double s = window == LK_WINDOW_COUNT - 2 ? LK_VIEW_CENTER_SCALE : LK_WINDOW_SCALE;
    place(width, height, clampi(width * s, 1, width), clampi(height * s, 1, height), cx[window],
          cy[window], out);
    return 1;
}

LK_API int lk_image_sub(const lk_image *img, const lk_rect *r, lk_image *out)
{
    if (!img || !r || !out || !img->data || r->x < 0 || r->y < 0 || r->width < 1 ||
        r->height < 1 || r->width > img->width - r->x || r->height > img->height - r->y)
        return LK_EINVAL;
    *out = *img;
    out->data = img->data + (size_t)r->y * (size_t)img->stride + (size_t)r->x * (size_t)img->fmt;
    out->width = r->width;
    out->height = r->height;
    return 0;
}
