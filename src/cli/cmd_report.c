/*
 * cmd_report.c — `likeness report --html FILE RESULTS...`: the HTML report
 * made later from saved scan output (JSON Lines of --jsonl or --resume, or
 * a --json array), the same page `likeness scan --html` writes.  Also
 * lk_write_html_report, which both commands use: the page is written to a
 * temporary file next to FILE (mode 0666 less the umask), flushed to disk
 * and renamed into place, so a reader never sees half a report.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "likeness/likeness.h"

static const char *const usage[] = {
    "likeness report --html <file> <results>...",
    "",
    "Writes the HTML report of saved scan output: JSON Lines (scan --jsonl,",
    "a --resume file) or a JSON array (scan --json); '-' reads standard input.",
    "The page is self-contained (pictures embedded) and loads nothing.",
    NULL,
};

/* Opens a new temporary file next to path; its name goes to tmp. */
static FILE *open_temp(const char *path, char *tmp, size_t n)
{
    for (int tries = 0; tries < 32; tries++) {
        snprintf(tmp, n, "%s.tmp-%ld-%d", path, (long)getpid(), tries);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0)
            return fdopen(fd, "w");
        if (errno != EEXIST)
            return NULL;
    }
    return NULL;
}

int lk_write_html_report(const char *path, const lk_scan_report *rep)
{
    lk_errbuf err;
    lk_errbuf_clear(&err);
    if (!strcmp(path, "-")) {
        if (lk_scan_report_html(rep, stdout, &err) == 0)
            return 0;
        lk_error("%s", err.msg);
        return -1;
    }
    size_t n = strlen(path) + 48;
    char *tmp = malloc(n);
    FILE *fp = tmp ? open_temp(path, tmp, n) : NULL;
    if (!fp) {
        lk_error("cannot write '%s': %s", path, strerror(tmp ? errno : ENOMEM));
        free(tmp);
        return -1;
    }
    int rc = lk_scan_report_html(rep, fp, &err);
    int bad = rc < 0 || fflush(fp) != 0 || fsync(fileno(fp)) != 0;
    bad |= fclose(fp) != 0;
    if (bad || rename(tmp, path) != 0) {
        lk_error("cannot write '%s': %s", path, rc < 0 ? err.msg : strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

/* Adds the suspects of one input ("-": standard input).  0 or -1. */
static int read_input(lk_scan_report *rep, const char *name)
{
    lk_errbuf err;
    lk_errbuf_clear(&err);
    FILE *fp = strcmp(name, "-") ? fopen(name, "r") : stdin;
    if (!fp) {
        lk_error("cannot open '%s': %s", name, strerror(errno));
        return -1;
    }
    long n = lk_scan_report_read(rep, fp, strcmp(name, "-") ? name : "standard input", &err);
    if (fp != stdin)
        fclose(fp);
    if (n < 0) {
        lk_error("%s", err.msg);
        return -1;
    }
    if (n == 0)
        lk_warning("'%s' holds no scan report", name);
    return 0;
}

static int cmd_report(int argc, char **argv)
{
    const char *html = NULL;
    const lk_option options[] = {
        LK_OPT_STRING_(0, "html", &html, "FILE", "write the HTML report to FILE ('-': stdout)"),
        LK_OPT_END_,
    };
    int n = lk_parse_options(usage, options, argc, argv);
    if (n < 0)
        return n == -2 ? LK_EXIT_OK : LK_EXIT_ERROR;
    if (!html || n == 0) {
        lk_error(html ? "no scan results to report on" : "report needs --html FILE");
        lk_print_usage(usage, options, stderr);
        return LK_EXIT_ERROR;
    }
    lk_scan_report *rep = NULL;
    if (lk_scan_report_new(&rep) < 0) {
        lk_error("out of memory");
        return LK_EXIT_ERROR;
    }
    int status = LK_EXIT_OK;
    for (int i = 0; i < n && status == LK_EXIT_OK; i++)
        if (read_input(rep, argv[i]) < 0)
            status = LK_EXIT_ERROR;
    if (status == LK_EXIT_OK && lk_write_html_report(html, rep) < 0)
        status = LK_EXIT_ERROR;
    lk_scan_report_free(&rep);
    return status;
}

const lk_cmd lk_cmd_report = { "report", cmd_report,
                               "write the HTML report of saved scan results", 0 };
