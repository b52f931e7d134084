/*
 * init.c — library-wide initialisation and version.
 */
#include "likeness/likeness.h"

LK_API int lk_init(void)
{
    (void)lk_simd_ops_get();
    return 0;
}

LK_API const char *lk_version(void) { return LK_VERSION_STRING; }
