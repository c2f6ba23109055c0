/* Categories of known failures: a 286 and the CPU trapdoor models (a 386 or
 * later) differ in places; each failure in known_failures.txt carries a reason
 * that starts with its category tag ("lock: ..."). */
#ifndef TD_VEC_REASON_H
#define TD_VEC_REASON_H

#include <stddef.h>
#include <stdint.h>

struct vec_meta_info;
struct vec_result;

/* A first guess at the reason a test fails, written into reason (size len):
 * "<tag>: <detail>". Used by --write-known for failures it has no reason for;
 * a guess from the instruction bytes and metadata, to be checked by a person.
 * exception: the vector the test says the 286 took, or -1. */
void vec_reason_guess(const uint8_t *bytes, size_t nbytes, const struct vec_meta_info *info,
                      int exception, const struct vec_result *res, char *reason, size_t len);

/* The comment block (lines starting "# ", newline-terminated) explaining a
 * category, or NULL for a tag with no built-in explanation. */
const char *vec_reason_header(const char *tag);

/* Tag i of the built-in categories in the order the file lists them (NULL past
 * the last). */
const char *vec_reason_tag(size_t i);

/* Length of the tag at the start of reason (up to the first ':' or space). */
size_t vec_reason_tag_len(const char *reason);

#endif
