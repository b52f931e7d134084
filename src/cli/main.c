/*
 * main.c — the `likeness` command: global options, then dispatch to one
 * function per subcommand (src/cli/cmd_<name>.c), git style.
 * Exit status: 0 success, 1 only for a scan that found a resemblance,
 * 2 any error (usage errors included).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "likeness/likeness.h"

const lk_cmd *const lk_commands[] = {
    &lk_cmd_hash,
    &lk_cmd_index,
    &lk_cmd_scan,
    &lk_cmd_report,
    &lk_cmd_merge,
    &lk_cmd_help,
    &lk_cmd_version,
    &lk_cmd_completion,
    NULL,
};

static const lk_cmd *find_command(const char *name)
{
    for (int i = 0; lk_commands[i]; i++)
        if (!strcmp(lk_commands[i]->name, name))
            return lk_commands[i];
    return NULL;
}

static void print_overview(FILE *fp)
{
    fputs("usage: likeness [--version] [--help] <command> [<args>]\n\n"
          "likeness finds which reference works a picture or video resembles.\n\n"
          "commands:\n", fp);
    for (int i = 0; lk_commands[i]; i++)
        if (!lk_commands[i]->hidden)
            fprintf(fp, "    %-10s %s\n", lk_commands[i]->name, lk_commands[i]->summary);
    fputs("\n'likeness help <command>' or 'likeness <command> --help' describes a command.\n",
          fp);
}

/* "error: 'x' is not a likeness command" and the nearest one as a hint. */
static void unknown_command(const char *name)
{
    const char *names[16];
    size_t n = 0;
    for (; lk_commands[n] && n < 16; n++)
        names[n] = lk_commands[n]->hidden ? NULL : lk_commands[n]->name;
    const char *near = lk_nearest(name, strlen(name), names, n);
    lk_error("'%s' is not a likeness command", name);
    if (near)
        fprintf(stderr, "hint: did you mean '%s'?\n", near);
    else
        fputs("hint: 'likeness help' lists the commands\n", stderr);
}

/* `likeness help [COMMAND [SUBCOMMAND...]]`: the usage of that command,
 * as `likeness COMMAND [SUBCOMMAND...] --help` prints it. */
static int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        print_overview(stdout);
        return LK_EXIT_OK;
    }
    const lk_cmd *c = find_command(argv[1]);
    if (!c) {
        unknown_command(argv[1]);
        return LK_EXIT_ERROR;
    }
    char *sub[8];
    int n = 0;
    for (int i = 1; i < argc && n < 6; i++)
        sub[n++] = argv[i];
    sub[n++] = "--help";
    sub[n] = NULL;
    return c->fn(n, sub);
}

static int cmd_version(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        lk_error("'version' takes no arguments");
        return LK_EXIT_ERROR;
    }
    const lk_simd_ops *ops = lk_simd_ops_get();
    static const char *const names[] = { "scalar", "avx2", "avx512" };
    printf("likeness %s\n", lk_version());
    printf("simd: %s (cpu supports %s; LIKENESS_SIMD=scalar|avx2|avx512 caps it)\n", ops->name,
           names[lk_simd_detect()]);
    return LK_EXIT_OK;
}

const lk_cmd lk_cmd_help = { "help", cmd_help, "show help for likeness or one of its commands",
                             0 };
const lk_cmd lk_cmd_version = { "version", cmd_version, "print the version and the SIMD path",
                                0 };

int main(int argc, char **argv)
{
    lk_init();
    const char *debug = getenv("LIKENESS_DEBUG");
    lk_decode_set_log_level(debug && *debug ? 2 : 0);
    if (argc < 2) {
        print_overview(stderr);
        return LK_EXIT_ERROR;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--version") || !strcmp(name, "-V"))
        name = "version";
    else if (!strcmp(name, "--help") || !strcmp(name, "-h"))
        name = "help";
    else if (name[0] == '-') {
        lk_error("unknown option '%s'", name);
        fputs("hint: 'likeness --help' lists the commands and options\n", stderr);
        return LK_EXIT_ERROR;
    }
    const lk_cmd *c = find_command(name);
    if (!c) {
        unknown_command(name);
        return LK_EXIT_ERROR;
    }
    return c->fn(argc - 1, argv + 1);
}
