/*
 * export_media.h — the sharing formats of `index export` hashed from the
 * indexed media as the reference hashers hash (see export_media.c).
 */
#ifndef LK_CLI_EXPORT_MEDIA_H
#define LK_CLI_EXPORT_MEDIA_H

#include "likeness/catalog.h"

/*
 * Writes the PDQ or vPDQ list (format LK_HASHLIST_PDQ or LK_HASHLIST_VPDQ)
 * of work @p work (every work when NULL) to standard output, or one
 * DIR/NAME.txt per file when @p dir is set, hashing each file's media
 * again; prints every error.  Returns the exit status.
 */
int lk_cli_export_media(lk_index *ix, const char *work, int format, const char *dir);

#endif
