/* Reading the SingleStepTests JSON files: gunzip with zlib, parse with json-c,
 * and small typed accessors. Format: SingleStepTests 80286 README.md. */
#ifndef TD_VEC_JSON_H
#define TD_VEC_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include <json.h>

/* Read path (gzip-compressed or plain: zlib reads both) and parse it as one JSON
 * document. Returns NULL after printing a message naming the file on failure.
 * Release with json_object_put(). */
struct json_object *vec_json_load(const char *path);

/* Member key of obj, or NULL if obj is not an object or lacks it. */
struct json_object *vec_json_get(const struct json_object *obj, const char *key);

/* Integer member key of obj into *out. false if missing or not a number. */
bool vec_json_int(const struct json_object *obj, const char *key, int32_t *out)
    __attribute__((warn_unused_result));

/* Element i of an array of two integers [a, b] (a RAM entry [address, byte]).
 * false if it is not such a pair. */
bool vec_json_pair(const struct json_object *array, size_t i, int32_t *a, int32_t *b)
    __attribute__((warn_unused_result));

#endif
