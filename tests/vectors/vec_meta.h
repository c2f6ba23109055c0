/* What the suite says about its own tests: metadata.json (per-opcode status and
 * mask of undefined flags, per ModRM reg for group opcodes) and
 * revocation_list.txt (hashes of tests found bad). SingleStepTests 80286 README. */
#ifndef TD_VEC_META_H
#define TD_VEC_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vec_meta;

/* The metadata entry that applies to one test. */
struct vec_meta_info {
    /* "normal", "alias", "undocumented", "undefined", "fpu", ... ("unknown" if
     * the opcode has no entry); points into the metadata, valid until destroy */
    const char *status;
    /* FLAGS bits that are defined after the instruction (1 = compare) */
    uint16_t flags_mask;
    /* metadata key: "80", "0F01", ... and the ModRM reg (-1: not a group) */
    char opcode[8];
    int reg;
    /* offset of the opcode byte in the test's bytes (after prefixes) */
    size_t opcode_at;
};

/* Load dir/metadata.json and dir/revocation_list.txt (the latter may be absent).
 * Returns NULL after printing a message on failure. */
struct vec_meta *vec_meta_load(const char *dir);
void vec_meta_destroy(struct vec_meta *meta);

/* Entry for the instruction in bytes[0..len): prefixes are skipped, group
 * opcodes use the ModRM reg field. Always fills *info (defaults when unknown). */
void vec_meta_lookup(const struct vec_meta *meta, const uint8_t *bytes, size_t len,
                     struct vec_meta_info *info);

/* Is the test with this hash (hex SHA-1 string) revoked? */
bool vec_meta_revoked(const struct vec_meta *meta, const char *hash);

/* Number of revoked hashes loaded. */
size_t vec_meta_revoked_count(const struct vec_meta *meta);

#endif
