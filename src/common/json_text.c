/*
 * json_text.c — valid UTF-8 for JSON strings (escape.h): a string that is
 * not valid UTF-8 gets U+FFFD for each byte outside a valid sequence, and
 * its object a sibling "<key>_bytes" with the original bytes in lowercase
 * hex; lki_json_restore_bytes() undoes it after parsing.
 *
 * Invariant: after lki_json_make_valid() every string of the tree is valid
 * UTF-8, so cJSON prints valid JSON.
 */
#include <string.h>
#include <cJSON.h>
#include "common/common.h"
#include "common/escape.h"
#include "common/hex.h"

#define BYTES_SUFFIX "_bytes"

/* s with U+FFFD for each invalid byte (lki_malloc'd), or NULL. */
static char *replace_invalid(const char *s)
{
    size_t n = strlen(s), k = 0, len;
    long cp;
    char *out = lki_malloc(3 * n + 1);
    if (!out)
        return NULL;
    for (; *s; s += len) {
        len = lki_utf8_next(s, &cp);
        if (len) {
            memcpy(out + k, s, len), k += len;
        } else {
            memcpy(out + k, "\xef\xbf\xbd", 3), k += 3;
            len = 1;
        }
    }
    out[k] = '\0';
    return out;
}

/* Makes the string item (child of obj, or of an array when obj is NULL)
 * valid, adding its "_bytes" sibling to obj.  0 or LK_ENOMEM. */
static int fix_string(cJSON *obj, cJSON *item)
{
    const char *s = item->valuestring;
    size_t n = strlen(s);
    char *hex = obj && item->string ? lki_malloc(2 * n + 1) : NULL;
    char *key = hex ? lki_concat(item->string, BYTES_SUFFIX) : NULL;
    char *good = replace_invalid(s);
    int rc = good && (!obj || !item->string || key) ? 0 : LK_ENOMEM;
    if (rc == 0 && key) {
        lki_hex_encode(s, n, hex);
        cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
        if (!cJSON_AddStringToObject(obj, key, hex))
            rc = LK_ENOMEM;
    }
    if (rc == 0 && !cJSON_SetValuestring(item, good))
        rc = LK_ENOMEM;
    lki_free(good), lki_free(key), lki_free(hex);
    return rc;
}

int lki_json_make_valid(struct cJSON *root)
{
    if (!root)
        return 0;
    for (cJSON *c = root->child; c; c = c->next) {
        if (cJSON_IsString(c) && c->valuestring && !lki_utf8_valid(c->valuestring))
            LK_TRY(fix_string(cJSON_IsObject(root) ? root : NULL, c));
        else if (cJSON_IsObject(c) || cJSON_IsArray(c))
            LK_TRY(lki_json_make_valid(c));
    }
    return 0;
}

/* Restores item from the hex string b when b decodes to a string with no
 * NUL.  0 or LK_ENOMEM (a malformed b is ignored). */
static int restore_one(cJSON *item, const char *b)
{
    size_t n = strlen(b) / 2;
    if (strlen(b) % 2)
        return 0;
    char *raw = lki_malloc(n + 1);
    if (!raw)
        return LK_ENOMEM;
    int ok = lki_hex_decode(b, n, raw) == 0 && !memchr(raw, 0, n);
    raw[n] = '\0';
    int rc = ok && !cJSON_SetValuestring(item, raw) ? LK_ENOMEM : 0;
    lki_free(raw);
    return rc;
}

int lki_json_restore_bytes(struct cJSON *root)
{
    if (!root)
        return 0;
    size_t ns = strlen(BYTES_SUFFIX);
    for (cJSON *c = root->child; c; c = c->next) {
        if (cJSON_IsObject(c) || cJSON_IsArray(c))
            LK_TRY(lki_json_restore_bytes(c));
        size_t kl = c->string ? strlen(c->string) : 0;
        if (!cJSON_IsObject(root) || !cJSON_IsString(c) || kl <= ns ||
            strcmp(c->string + kl - ns, BYTES_SUFFIX))
            continue;
        char key[128];
        if (kl - ns >= sizeof key)
            continue;
        memcpy(key, c->string, kl - ns), key[kl - ns] = '\0';
        cJSON *item = cJSON_GetObjectItemCaseSensitive(root, key);
        if (cJSON_IsString(item))
            LK_TRY(restore_one(item, c->valuestring));
    }
    return 0;
}
