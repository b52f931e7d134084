/*
 * options.c — the option parser every subcommand shares, driven by a
 * static lk_option table, and the usage printer.
 *
 * Accepted forms: --name, --name=value, --name value, -x, -x value, -xvalue,
 * grouped short flags (-qk), and "--" to end options.  A lone "-" is an
 * operand (standard input).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "likeness/report.h"

const char *lk_esc(const char *s, char *buf, size_t n)
{
    if (lk_text_escape(s, buf, n) >= n && n >= 4) {
        size_t len = strlen(buf);
        memcpy(buf + (len > n - 4 ? n - 4 : len), "...", 4);
    }
    return buf;
}

/* prefix ": " message "\n" on stderr, the message escaped, in one write. */
static void vmessage(const char *prefix, const char *fmt, va_list ap)
{
    char raw[4096], *heap = NULL;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(raw, sizeof raw, fmt, ap);
    if (n >= (int)sizeof raw && (heap = malloc((size_t)n + 1)))
        vsnprintf(heap, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    const char *msg = heap ? heap : raw;
    size_t len = lk_text_escape(msg, NULL, 0);
    char *out = malloc(len + 1);
    if (out)
        lk_text_escape(msg, out, len + 1);
    fprintf(stderr, "%s: %s\n", prefix, out ? out : "(out of memory)");
    free(out);
    free(heap);
}

void lk_message(const char *prefix, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(prefix, fmt, ap);
    va_end(ap);
}

void lk_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage("error", fmt, ap);
    va_end(ap);
}

int lk_cli_err(lk_errbuf *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

void lk_warning(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage("warning", fmt, ap);
    va_end(ap);
}

static int takes_arg(const lk_option *o)
{
    return o->kind != LK_OPT_FLAG;
}

static const lk_option *find_long(const lk_option *t, const char *name, size_t len)
{
    for (; t && t->kind != LK_OPT_END; t++)
        if (t->long_name && strlen(t->long_name) == len && !strncmp(t->long_name, name, len))
            return t;
    return NULL;
}

static const lk_option *find_short(const lk_option *t, char c)
{
    for (; t && t->kind != LK_OPT_END; t++)
        if (t->short_name == c)
            return t;
    return NULL;
}

/* Describes o as it was typed, for messages: "--fps" or "-j". */
static const char *opt_label(const lk_option *o, char *buf, size_t n)
{
    if (o->long_name)
        snprintf(buf, n, "--%s", o->long_name);
    else
        snprintf(buf, n, "-%c", o->short_name);
    return buf;
}

static int set_number(const lk_option *o, const char *arg)
{
    char *end;
    char label[64];
    errno = 0;
    double v = strtod(arg, &end);
    if (errno || end == arg || *end || !isfinite(v) ||
        (o->kind == LK_OPT_INT && v != floor(v))) {
        lk_error("option '%s' expects a %s, not '%s'", opt_label(o, label, sizeof label),
                 o->kind == LK_OPT_INT ? "whole number" : "number", arg);
        return -1;
    }
    if (v < o->min || v > o->max) {
        lk_error("option '%s' must be between %g and %g, not '%s'",
                 opt_label(o, label, sizeof label), o->min, o->max, arg);
        return -1;
    }
    if (o->kind == LK_OPT_INT)
        *(int *)o->dest = (int)v;
    else
        *(double *)o->dest = v;
    return 0;
}

static int set_choice(const lk_option *o, const char *arg)
{
    char label[64];
    for (int i = 0; o->choices[i]; i++) {
        if (!strcmp(o->choices[i], arg)) {
            *(int *)o->dest = i;
            return 0;
        }
    }
    lk_error("option '%s' does not accept '%s'", opt_label(o, label, sizeof label), arg);
    fputs("hint: choose one of:", stderr);
    for (int i = 0; o->choices[i]; i++)
        fprintf(stderr, " %s", o->choices[i]);
    fputc('\n', stderr);
    return -3; /* the hint is given */
}

static int append(const lk_option *o, const char *arg)
{
    char label[64];
    lk_strlist *l = o->dest;
    if (l->n >= LK_STRLIST_MAX) {
        lk_error("option '%s' given more than %d times", opt_label(o, label, sizeof label),
                 LK_STRLIST_MAX);
        return -1;
    }
    l->v[l->n++] = arg;
    return 0;
}

/* Stores arg (NULL for flags) into o->dest; -1 on a bad value. */
static int apply(const lk_option *o, const char *arg)
{
    switch (o->kind) {
    case LK_OPT_FLAG: *(int *)o->dest = o->value ? o->value : 1; return 0;
    case LK_OPT_INT:
    case LK_OPT_DOUBLE: return set_number(o, arg);
    case LK_OPT_STRING: *(const char **)o->dest = arg; return 0;
    case LK_OPT_CHOICE: return set_choice(o, arg);
    case LK_OPT_LIST: return append(o, arg);
    default: return -1;
    }
}

size_t lk_edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
    size_t rows[3][64], *pp, *prev, *cur;
    if (na >= 64 || nb >= 64)
        return (size_t)-1;
    for (size_t j = 0; j <= nb; j++) /* row k of the table is rows[k % 3] */
        rows[0][j] = j;
    for (size_t i = 1; i <= na; i++) {
        pp = rows[(i + 1) % 3], prev = rows[(i + 2) % 3], cur = rows[i % 3];
        cur[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t best = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                pp[j - 2] + 1 < best)
                best = pp[j - 2] + 1; /* two neighbours swapped */
            cur[j] = best;
        }
    }
    return rows[na % 3][nb];
}

const char *lk_nearest(const char *typed, size_t len, const char *const *names, size_t n)
{
    const char *best = NULL, *prefix_of = NULL;
    size_t dist = (size_t)-1;
    int prefixes = 0;
    for (size_t i = 0; i < n; i++) {
        if (!names[i])
            continue;
        size_t d = lk_edit_distance(typed, len, names[i], strlen(names[i]));
        if (d < dist)
            dist = d, best = names[i];
        if (len >= 2 && !strncmp(names[i], typed, len))
            prefix_of = names[i], prefixes++;
    }
    if (prefixes == 1)
        return prefix_of;
    return best && dist <= (len < 6 ? 1 : 2) ? best : NULL;
}

/* The long option nearest to name[0..len), or NULL. */
static const char *nearest_option(const lk_option *t, const char *name, size_t len)
{
    const char *names[128];
    size_t n = 0;
    for (; t && t->kind != LK_OPT_END && n < 128; t++)
        if (t->long_name)
            names[n++] = t->long_name;
    return lk_nearest(name, len, names, n);
}

/* Handles argv[*i], a "--name[=value]"; advances *i past a separate value. */
static int parse_long(const lk_option *opts, int argc, char **argv, int *i)
{
    const char *name = argv[*i] + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const lk_option *o = find_long(opts, name, len);
    if (!o) {
        const char *near = nearest_option(opts, name, len);
        lk_error("unknown option '%.*s'", (int)len + 2, argv[*i]);
        if (near)
            fprintf(stderr, "hint: did you mean '--%s'?\n", near);
        return near ? -3 : -1;
    }
    if (!takes_arg(o)) {
        if (eq) {
            lk_error("option '--%s' takes no value", o->long_name);
            return -1;
        }
        return apply(o, NULL);
    }
    if (eq)
        return apply(o, eq + 1);
    if (*i + 1 >= argc) {
        lk_error("option '--%s' requires a value", o->long_name);
        return -1;
    }
    return apply(o, argv[++*i]);
}

/* Handles argv[*i], one or more grouped short options. */
static int parse_short(const lk_option *opts, int argc, char **argv, int *i)
{
    for (const char *p = argv[*i] + 1; *p; p++) {
        const lk_option *o = find_short(opts, *p);
        if (!o) {
            lk_error("unknown option '-%c'", *p);
            return -1;
        }
        if (!takes_arg(o)) {
            if (apply(o, NULL) < 0)
                return -1;
            continue;
        }
        if (p[1])
            return apply(o, p + 1);
        if (*i + 1 >= argc) {
            lk_error("option '-%c' requires a value", *p);
            return -1;
        }
        return apply(o, argv[++*i]);
    }
    return 0;
}

static int is_help(const char *a)
{
    return !strcmp(a, "-h") || !strcmp(a, "--help");
}

/* Where lk_parse_options records its table instead of parsing, when set. */
static lk_described *describing;

void lk_describe(lk_described *d)
{
    describing = d;
}

/* Records usage and opts into *describing (option tables end up copied:
 * their dest pointers, into the caller's locals, are cleared). */
static void record(const char *const *usage, const lk_option *opts)
{
    lk_described *d = describing;
    d->usage = usage;
    d->n = 0;
    for (; opts && opts->kind != LK_OPT_END && d->n < LK_DESCRIBE_MAX; opts++) {
        d->opts[d->n] = *opts;
        d->opts[d->n++].dest = NULL;
    }
    d->seen = 1;
}

int lk_parse_options(const char *const *usage, const lk_option *opts, int argc, char **argv)
{
    int nops = 0, only_operands = 0;
    if (describing) {
        record(usage, opts);
        return -2;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int rc = 0;
        if (only_operands || a[0] != '-' || !a[1]) {
            argv[nops++] = argv[i];
            continue;
        }
        if (!strcmp(a, "--")) {
            only_operands = 1;
            continue;
        }
        if (is_help(a)) {
            lk_print_usage(usage, opts, stdout);
            return -2;
        }
        rc = a[1] == '-' ? parse_long(opts, argc, argv, &i) : parse_short(opts, argc, argv, &i);
        if (rc < 0) {
            if (rc != -3) /* a suggestion was the hint */
                lk_usage_hint(usage);
            return -1;
        }
    }
    argv[nops] = NULL;
    return nops;
}

/* The command of a usage text: the words of its first line before the
 * first option or operand ("likeness index add"). */
static void command_of(const char *const *usage, char *out, size_t n)
{
    const char *u = usage && usage[0] ? usage[0] : "likeness";
    size_t k = 0;
    while (u[k] && u[k] != '[' && u[k] != '<' && u[k] != '-' && u[k] != '{' && k + 1 < n)
        k++;
    while (k > 0 && u[k - 1] == ' ')
        k--;
    snprintf(out, n, "%.*s", (int)k, u);
}

void lk_usage_hint(const char *const *usage)
{
    char cmd[128];
    command_of(usage, cmd, sizeof cmd);
    fprintf(stderr, "hint: '%s --help' describes the options\n", cmd);
}

static void print_option(const lk_option *o, FILE *fp)
{
    char left[80];
    int n = 0;
    if (o->short_name && o->long_name)
        n = snprintf(left, sizeof left, "-%c, --%s", o->short_name, o->long_name);
    else if (o->short_name)
        n = snprintf(left, sizeof left, "-%c", o->short_name);
    else
        n = snprintf(left, sizeof left, "    --%s", o->long_name);
    if (takes_arg(o) && n > 0 && (size_t)n < sizeof left)
        snprintf(left + n, sizeof left - (size_t)n, o->long_name ? "=%s" : " %s",
                 o->argname ? o->argname : "VALUE");
    if (strlen(left) <= 24)
        fprintf(fp, "    %-24s  %s\n", left, o->help);
    else
        fprintf(fp, "    %s\n    %-24s  %s\n", left, "", o->help);
}

void lk_print_usage(const char *const *usage, const lk_option *opts, FILE *fp)
{
    int text = 0; /* after the first blank line, lines are prose */
    for (int i = 0; usage && usage[i]; i++) {
        if (!usage[i][0])
            text = 1;
        fprintf(fp, "%s%s\n", i == 0 ? "usage: " : (text ? "" : "   or: "), usage[i]);
    }
    if (opts && opts[0].kind != LK_OPT_END) {
        fputc('\n', fp);
        for (const lk_option *o = opts; o->kind != LK_OPT_END; o++)
            print_option(o, fp);
    }
}
