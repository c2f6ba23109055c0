/* Reading the SingleStepTests JSON files: the whole file is gunzipped into one
 * buffer and handed to json-c's tokener in one call. */
#include "vec_json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

enum { VEC_JSON_CHUNK = 1u << 20 };

/* Gunzip path into a NUL-terminated malloc'd buffer; *len gets its length. */
static char *read_gz(const char *path, size_t *len)
{
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
        fprintf(stderr, "singlestep: cannot open %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 0, used = 0;
    char *buf = NULL;
    for (;;) {
        if (cap - used < VEC_JSON_CHUNK + 1) {
            char *grown = realloc(buf, cap + 4 * VEC_JSON_CHUNK);
            if (!grown)
                goto fail;
            buf = grown;
            cap += 4 * VEC_JSON_CHUNK;
        }
        int got = gzread(gz, buf + used, VEC_JSON_CHUNK);
        if (got < 0)
            goto fail;
        if (got == 0)
            break;
        used += (size_t)got;
    }
    gzclose(gz);
    buf[used] = '\0';
    *len = used;
    return buf;
fail:
    fprintf(stderr, "singlestep: cannot read %s\n", path);
    free(buf);
    gzclose(gz);
    return NULL;
}

struct json_object *vec_json_load(const char *path)
{
    size_t len = 0;
    char *text = read_gz(path, &len);
    if (!text)
        return NULL;
    struct json_object *root = NULL;
    struct json_tokener *tok = json_tokener_new();
    if (tok && len <= (size_t)INT32_MAX) {
        root = json_tokener_parse_ex(tok, text, (int)len);
        enum json_tokener_error err = json_tokener_get_error(tok);
        if (err != json_tokener_success) {
            fprintf(stderr, "singlestep: %s: JSON error: %s\n", path,
                    json_tokener_error_desc(err));
            json_object_put(root);
            root = NULL;
        }
    } else {
        fprintf(stderr, "singlestep: %s: cannot parse (out of memory or too large)\n", path);
    }
    if (tok)
        json_tokener_free(tok);
    free(text);
    return root;
}

struct json_object *vec_json_get(const struct json_object *obj, const char *key)
{
    struct json_object *member = NULL;
    if (!obj || !json_object_is_type(obj, json_type_object))
        return NULL;
    if (!json_object_object_get_ex(obj, key, &member))
        return NULL;
    return member;
}

bool vec_json_int(const struct json_object *obj, const char *key, int32_t *out)
{
    struct json_object *member = vec_json_get(obj, key);
    if (!member || !json_object_is_type(member, json_type_int))
        return false;
    *out = json_object_get_int(member);
    return true;
}

bool vec_json_pair(const struct json_object *array, size_t i, int32_t *a, int32_t *b)
{
    struct json_object *pair = json_object_array_get_idx(array, i);
    if (!pair || !json_object_is_type(pair, json_type_array) ||
        json_object_array_length(pair) != 2)
        return false;
    struct json_object *first = json_object_array_get_idx(pair, 0);
    struct json_object *second = json_object_array_get_idx(pair, 1);
    if (!json_object_is_type(first, json_type_int) || !json_object_is_type(second, json_type_int))
        return false;
    *a = json_object_get_int(first);
    *b = json_object_get_int(second);
    return true;
}
