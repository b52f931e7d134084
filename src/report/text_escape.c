/*
 * text_escape.c — untrusted text (file names, titles, owners, tags, error
 * messages) made safe for output: the public face of the escaping of
 * src/common/escape.c for text, and valid UTF-8 for JSON.
 *
 * The JSON representation (U+FFFD and "<key>_bytes") is implemented in
 * src/common/json_text.c, so that the catalog's export shares it.
 */
#include <string.h>
#include <cJSON.h>
#include "common/common.h"
#include "common/escape.h"
#include "likeness/report.h"
#include "report/report_internal.h"

size_t lk_text_escape(const char *s, char *out, size_t n)
{
    return lki_escape_text(s, out, n);
}

int lk_text_escape_fputs(const char *s, FILE *fp)
{
    return lki_escape_fputs(s, fp) < 0 ? LK_EIO : 0;
}

const char *lki_esc(const char *s, char *buf, size_t n)
{
    if (lki_escape_text(s, buf, n) >= n && n >= 4)
        memcpy(buf + (strlen(buf) > n - 4 ? n - 4 : strlen(buf)), "...", 4);
    return buf;
}

int lk_json_make_valid(struct cJSON *root)
{
    return lki_json_make_valid(root);
}

int lk_json_restore_bytes(struct cJSON *root)
{
    return lki_json_restore_bytes(root);
}
