/*
 * main.c — the `likeness` command: dispatches to one function per
 * subcommand (src/cli/cmd_<name>.c).  Exit status: 0 success, 1 only for a
 * scan that found a resemblance, 2 any error (usage errors included).
 */
#include <stdio.h>
#include <string.h>
#include "likeness/likeness.h"

int main(int argc, char **argv)
{
    lk_init();
    if (argc > 1 && !strcmp(argv[1], "--version")) {
        printf("likeness %s (simd: %s)\n", lk_version(), lk_simd_ops_get()->name);
        return 0;
    }
    fprintf(stderr, "usage: likeness <command> [<args>]\n");
    return 2;
}
