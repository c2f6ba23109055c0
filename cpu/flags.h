/* Lazy arithmetic flags. An ALU instruction records (kind, size, result,
 * sources) in cpu->flags; the six arithmetic flags are computed only when read.
 * Flag definitions: SDM vol. 2 instruction pages and vol. 1 appendix A. */
#ifndef TD_FLAGS_H
#define TD_FLAGS_H

#include <stdint.h>

struct cpu;

/* What produced the flags. Operands, per kind:
 *   CC_EFLAGS  flags are in cpu->eflags (no lazy state)
 *   CC_ADD     res = src1 + src2 (+ carry-in): ADD, ADC
 *   CC_SUB     res = src1 - src2 (- borrow-in): SUB, SBB, CMP, NEG (src1 = 0)
 *   CC_LOGIC   res only; CF = OF = AF = 0: AND, OR, XOR, TEST
 *   CC_INC     res = src1 + 1; src2 = the CF to keep (0 or 1)
 *   CC_DEC     res = src1 - 1; src2 = the CF to keep
 *   CC_SHL     res = src1 << src2, src2 = masked count, 1..31
 *   CC_SHR     res = src1 >> src2 (logical)
 *   CC_SAR     res = src1 >> src2 (arithmetic)
 *   CC_MUL     res = low half (SF, ZF, PF from it); src1 != 0 sets CF = OF: MUL, IMUL
 * The carry formulas hold with a carry/borrow-in, so ADC and SBB need no kind of
 * their own. The operand size (1, 2 or 4 bytes) is part of the op value. */
enum cc_kind {
    CC_EFLAGS,
    CC_ADD,
    CC_SUB,
    CC_LOGIC,
    CC_INC,
    CC_DEC,
    CC_SHL,
    CC_SHR,
    CC_SAR,
    CC_MUL,
    CC_KIND_COUNT,
};

#define CC_OP(kind, size) ((uint32_t)(kind) | ((uint32_t)(size) << 8))
#define CC_KIND(op) ((enum cc_kind)((op) & 0xff))
#define CC_SIZE(op) ((unsigned)((op) >> 8))

/* The six arithmetic flags (EFLAGS_ARITH bits) for lazy state f. */
uint32_t flags_compute(uint32_t op, uint32_t res, uint32_t src1, uint32_t src2);

/* CF alone (cheaper than flags_compute for ADC/SBB/RCL/RCR). */
uint32_t flags_compute_cf(uint32_t op, uint32_t res, uint32_t src1, uint32_t src2);

/* Condition code cc (0-15, the low nibble of Jcc/SETcc/CMOVcc) evaluated on the
 * current flags of cpu: returns 0 or 1. */
uint32_t flags_cond(const struct cpu *cpu, unsigned cc);

/* Parity flag of the low byte: PF set when an even number of bits is set. */
uint32_t flags_parity(uint32_t value);

#endif
