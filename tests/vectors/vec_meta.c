/* metadata.json and revocation_list.txt of SingleStepTests 80286 (README.md,
 * sections "Using the Tests" and the revocation paragraph of "Accuracy"). */
#include "vec_meta.h"
#include "vec_json.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vec_meta {
    struct json_object *root;
    /* the "opcodes" member of root */
    struct json_object *opcodes;
    /* sorted revoked hashes */
    char **revoked;
    size_t nrevoked;
};

/* Prefixes the generator prepends at random (README "Prefixes"; F1 is not one). */
static const uint8_t vec_prefixes[] = { 0x26, 0x2E, 0x36, 0x3E, 0xF0, 0xF2, 0xF3 };

static bool is_prefix(uint8_t byte)
{
    return memchr(vec_prefixes, byte, sizeof vec_prefixes) != NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One hash per line; '#' starts a comment line. */
static bool load_revoked(struct vec_meta *meta, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return true;
    char line[256];
    size_t cap = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        char hash[128];
        if (line[0] == '#' || sscanf(line, "%127s", hash) != 1)
            continue;
        /* test files spell hashes in lower case */
        for (char *c = hash; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        if (meta->nrevoked == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = realloc(meta->revoked, cap * sizeof *grown);
            ok = grown != NULL;
            if (ok)
                meta->revoked = grown;
        }
        if (ok && (meta->revoked[meta->nrevoked] = strdup(hash)) != NULL)
            meta->nrevoked++;
        else
            ok = false;
    }
    fclose(f);
    if (!ok) {
        fprintf(stderr, "singlestep: out of memory reading %s\n", path);
        return false;
    }
    if (meta->nrevoked)
        qsort(meta->revoked, meta->nrevoked, sizeof *meta->revoked, cmp_str);
    return true;
}

struct vec_meta *vec_meta_load(const char *dir)
{
    char path[4096];
    struct vec_meta *meta = calloc(1, sizeof *meta);
    if (!meta)
        return NULL;
    snprintf(path, sizeof path, "%s/metadata.json", dir);
    meta->root = vec_json_load(path);
    if (!meta->root)
        goto fail;
    meta->opcodes = vec_json_get(meta->root, "opcodes");
    if (!meta->opcodes) {
        fprintf(stderr, "singlestep: %s has no \"opcodes\" object\n", path);
        goto fail;
    }
    snprintf(path, sizeof path, "%s/revocation_list.txt", dir);
    if (!load_revoked(meta, path))
        goto fail;
    return meta;
fail:
    vec_meta_destroy(meta);
    return NULL;
}

void vec_meta_destroy(struct vec_meta *meta)
{
    if (!meta)
        return;
    for (size_t i = 0; i < meta->nrevoked; i++)
        free(meta->revoked[i]);
    free(meta->revoked);
    json_object_put(meta->root);
    free(meta);
}

/* Fill status and mask from one metadata entry (an opcode or a reg member). */
static void take_entry(const struct json_object *entry, struct vec_meta_info *info)
{
    struct json_object *status = vec_json_get(entry, "status");
    int32_t mask;
    if (status && json_object_is_type(status, json_type_string))
        info->status = json_object_get_string(status);
    if (vec_json_int(entry, "flags-mask", &mask))
        info->flags_mask = (uint16_t)mask;
}

void vec_meta_lookup(const struct vec_meta *meta, const uint8_t *bytes, size_t len,
                     struct vec_meta_info *info)
{
    size_t at = 0;
    while (at < len && is_prefix(bytes[at]))
        at++;
    *info = (struct vec_meta_info){ .status = "unknown", .flags_mask = 0xFFFF, .reg = -1,
                                    .opcode_at = at };
    if (at >= len)
        return;
    size_t modrm_at = at + 1;
    if (bytes[at] == 0x0F && at + 1 < len) {
        snprintf(info->opcode, sizeof info->opcode, "0F%02X", bytes[at + 1]);
        modrm_at++;
    } else {
        snprintf(info->opcode, sizeof info->opcode, "%02X", bytes[at]);
    }
    struct json_object *entry = vec_json_get(meta->opcodes, info->opcode);
    struct json_object *regs = vec_json_get(entry, "reg");
    if (regs && modrm_at < len) {
        char key[4];
        info->reg = (bytes[modrm_at] >> 3) & 7;
        snprintf(key, sizeof key, "%d", info->reg);
        entry = vec_json_get(regs, key);
    }
    if (entry)
        take_entry(entry, info);
}

bool vec_meta_revoked(const struct vec_meta *meta, const char *hash)
{
    if (!hash || meta->nrevoked == 0)
        return false;
    return bsearch(&hash, meta->revoked, meta->nrevoked, sizeof *meta->revoked, cmp_str) != NULL;
}

size_t vec_meta_revoked_count(const struct vec_meta *meta)
{
    return meta->nrevoked;
}
