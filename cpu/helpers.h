/* VMM and complex-instruction helpers called from translated code. Every one
 * has the same signature; cpu/helpers.def lists them once with their flags. */
#ifndef TD_HELPERS_H
#define TD_HELPERS_H

#include <stdint.h>

struct cpu;

/* a, b, c: values computed by the block; imm: a constant fixed at translation. */
typedef uint32_t helper_fn(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm);

/* Helper flags (the translator's liveness and block-ending rules use them). */
enum {
    HF_FAULT = 1u << 0,    /* may raise a guest exception */
    HF_RFLAGS = 1u << 1,   /* reads the arithmetic flags */
    HF_WFLAGS = 1u << 2,   /* writes all arithmetic flags */
    HF_ENDS = 1u << 3,     /* changes EIP/CS/mode: the block ends after it */
};

#define HELPER(name, flags, desc) helper_fn helper_##name;
#include "helpers.def"
#undef HELPER

enum helper_id {
#define HELPER(name, flags, desc) HELPER_##name,
#include "helpers.def"
#undef HELPER
    HELPER_COUNT
};

struct helper_info {
    const char *name;
    helper_fn *fn;
    uint32_t flags;
    const char *desc;
};

/* Indexed by enum helper_id. */
extern const struct helper_info helper_table[HELPER_COUNT];

/* Packed string-instruction operand for the string helpers' imm:
 *   bits 0-2 size (1,2,4) | bits 4-6 address size (2,4) | bits 8-10 segment |
 *   bits 12-13 rep (0 none, 1 REP/REPE, 2 REPNE) */
#define STR_IMM(size, asize, seg, rep) \
    ((uint32_t)(size) | ((uint32_t)(asize) << 4) | ((uint32_t)(seg) << 8) | ((uint32_t)(rep) << 12))
#define STR_SIZE(imm) ((imm) & 7u)
#define STR_ASIZE(imm) (((imm) >> 4) & 7u)
#define STR_SEG(imm) (((imm) >> 8) & 7u)
#define STR_REP(imm) (((imm) >> 12) & 3u)

#endif
