/*
 * report_internal.h — what the report writers share.
 */
#ifndef LK_REPORT_INTERNAL_H
#define LK_REPORT_INTERNAL_H

#include <stdint.h>
#include <stdio.h>
#include <cJSON.h>

/*
 * Writes @p pre, the compact JSON text of @p o, then @p post to @p fp with
 * one fwrite, and flushes: a JSON line is never left half written by this
 * process.  @p o may be NULL (out of memory while building it).  Returns 0,
 * LK_ENOMEM or LK_EIO.
 */
int lki_json_put(FILE *fp, const char *pre, const cJSON *o, const char *post);

/* Writes the CSV rows of r (scan_csv.c), after the header when first; r
 * may be NULL for the header alone.  0, LK_ENOMEM or LK_EIO. */
struct lk_scan_result;
int lki_scan_csv(FILE *fp, const struct lk_scan_result *r, int first);

/* The label font (font.c): glyphs LKI_FONT_W x LKI_FONT_H in cells of
 * LKI_FONT_CELL_W x LKI_FONT_CELL_H pixels, before scaling. */
#define LKI_FONT_W 5
#define LKI_FONT_H 8
#define LKI_FONT_CELL_W 6
#define LKI_FONT_CELL_H 10

/* 1 if the glyph table is well formed (for tests and asserts). */
int lki_font_check(void);
/* 1 if pixel (col, row) of character c's glyph is ink; characters outside
 * printable ASCII are drawn as '?'. */
int lki_font_ink(int c, int col, int row);
/* Draws text (ASCII; others as '?') into a w x h RGB24 canvas with its top
 * left corner at (x, y), each glyph pixel a scale x scale square, clipped
 * to the canvas.  Returns the x after the last cell. */
int lki_font_draw(uint8_t *rgb, int w, int h, int x, int y, int scale, const uint8_t color[3],
                  const char *text);

#endif
