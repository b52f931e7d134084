/*
 * report_internal.h — what the report writers share.
 */
#ifndef LK_REPORT_INTERNAL_H
#define LK_REPORT_INTERNAL_H

#include <stdint.h>
#include <stdio.h>
#include <cJSON.h>
#include "likeness/scan.h"

/*
 * Writes @p pre, the compact JSON text of @p o, then @p post to @p fp with
 * one fwrite, and flushes: a JSON line is never left half written by this
 * process.  @p o may be NULL (out of memory while building it).  Returns 0,
 * LK_ENOMEM or LK_EIO.
 */
int lki_json_put(FILE *fp, const char *pre, const cJSON *o, const char *post);
/* Adds the "region" object of r to segment object seg, when r has one
 * (region_out.c). */
void lki_region_json(cJSON *seg, const lk_scan_region_match *r);
/* Prints r's region line, when it has one (region_out.c). */
void lki_region_print(FILE *fp, const lk_scan_region_match *r);

/* Untrusted text for a text output: s escaped (lk_text_escape) into buf
 * of n bytes, ending in "..." when it did not fit; returns buf.
 * LKI_ESC(s) does it into a block-scoped buffer, for printf arguments. */
const char *lki_esc(const char *s, char *buf, size_t n);
#define LKI_ESC_MAX 8192
#define LKI_ESC(s) lki_esc((s), (char[LKI_ESC_MAX]){ 0 }, LKI_ESC_MAX)

/* The suspect object of the JSON forms of r (scan_writer.c); NULL when out
 * of memory.  Free with cJSON_Delete. */
struct lk_scan_result;
cJSON *lki_scan_json(const struct lk_scan_result *r);

/* Writes the CSV rows of r (scan_csv.c), after the header when first; r
 * may be NULL for the header alone.  0, LK_ENOMEM or LK_EIO. */
int lki_scan_csv(FILE *fp, const struct lk_scan_result *r, int first);

/* One suspect of an HTML report: its JSON object (owned) and the directory
 * in which its relative evidence paths are looked for second (owned, or
 * NULL for none). */
struct lki_report_item {
    cJSON *o;
    char *base;
};

struct lk_scan_report {
    struct lki_report_item *v;  /* in the order added */
    size_t n, cap;
};

/* Pieces of the HTML report (html_parts.c). */
/* Writes s escaped for text (lk_text_escape: control characters and
 * invalid UTF-8 as C escapes), then with &, <, >, " and ' as entities. */
void lki_html_text(FILE *fp, const char *s);
/* String member key of o, or "" when absent or not a string. */
const char *lki_jstr(const cJSON *o, const char *key);
/* Number member key of o, or def. */
double lki_jnum(const cJSON *o, const char *key, double def);
/* The part of path after its last '/'. */
const char *lki_base_name(const char *path);
/* The SVG timeline of match's segments: the suspect's clock (duration s,
 * 0 for a still) above one bar per reference file, spans joined by bands. */
void lki_html_timeline(FILE *fp, const cJSON *match, double suspect_duration);
/* An SVG diagram of region (a JSON region object; nothing if absent) in a
 * picture, class and data-side `side` ("suspect" or "reference"). */
void lki_html_region(FILE *fp, const cJSON *region, const char *side);
/* The region in words: "centre 80%: 10-90% across, 10-90% down". */
void lki_html_region_words(FILE *fp, const cJSON *region);
/* Embeds the PNG at path (or base/path) as an <img> data: URI with alt
 * text alt.  Returns 0, or -1 (nothing written) when it cannot be read or
 * is not a PNG. */
int lki_html_picture(FILE *out, const char *path, const char *base, const char *alt);

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
