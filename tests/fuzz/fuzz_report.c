/*
 * fuzz_report.c — saved scan output read back for `likeness report`
 * (lk_scan_report_read) on arbitrary bytes, then written as HTML: reading
 * either fails cleanly or yields suspects, and the page of whatever was
 * read is whole (ends with </html>), never holds a <script> and never
 * points outside itself, whatever strings the input smuggles in.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz/fuzz_helpers.h"
#include "likeness/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *in = fmemopen((void *)data, size ? size : 1, "r");
    lk_scan_report *rep = NULL;
    lk_errbuf err;
    if (!in || lk_scan_report_new(&rep) < 0) {
        if (in)
            fclose(in);
        return 0;
    }
    long n = size ? lk_scan_report_read(rep, in, "fuzz.jsonl", &err) : 0;
    fclose(in);
    if (n < 0 && n != LK_ECORRUPT && n != LK_ENOMEM && n != LK_EIO)
        abort();
    char *page = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&page, &len);
    if (out && lk_scan_report_html(rep, out, &err) == 0) {
        fclose(out);
        out = NULL;
        if (len < 8 || strcmp(page + len - 8, "</html>\n") || strstr(page, "<script") ||
            strstr(page, "src=\"http") || strstr(page, "href=\"http"))
            abort();
    }
    if (out)
        fclose(out);
    free(page);
    lk_scan_report_free(&rep);
    return 0;
}
