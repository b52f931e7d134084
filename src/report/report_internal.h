/*
 * report_internal.h — what the report writers share.
 */
#ifndef LK_REPORT_INTERNAL_H
#define LK_REPORT_INTERNAL_H

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

#endif
