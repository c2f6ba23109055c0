/* The project's own table-driven x86 decoder (8086-486 integer opcode space,
 * one- and two-byte maps, x87 escapes by length). Intel SDM vol. 2 ch. 2 and
 * appendix A. */
#ifndef TD_DECODE_H
#define TD_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum x86_op {
#define X86_OP(id, mnem, cls, gen, reason) X86_OP_##id,
#include "x86_ops.def"
#undef X86_OP
    X86_OP_COUNT
};

enum x86_opnd_kind {
    OPND_NONE,
    OPND_REG,    /* general register: reg = R_* (size 1: 0-3 AL..BL, 4-7 AH..BH) */
    OPND_SREG,   /* segment register: reg = SEG_* */
    OPND_CREG,   /* control register: reg = n */
    OPND_DREG,   /* debug register: reg = n */
    OPND_MEM,    /* memory operand described by insn->mem */
    OPND_IMM,    /* immediate: value in insn->imm (sign-/zero-extended to size) */
};

struct x86_opnd {
    uint8_t kind;
    /* operand size in bytes: 1, 2, 4; 6 for a 16:32 far pointer in memory,
     * 4 for 16:16; 0 where meaningless (LEA's memory operand) */
    uint8_t size;
    uint8_t reg;
};

/* Memory operand: seg:[base + index*scale + disp], masked to the address size.
 * base/index are R_* or -1. seg is the effective segment (override applied,
 * SS for BP/ESP/EBP bases, DS otherwise). */
struct x86_mem {
    int8_t base;
    int8_t index;
    uint8_t scale;
    uint8_t seg;
    uint32_t disp;
};

enum { REP_NONE, REP_E, REP_NE };   /* F3 (REP/REPE) and F2 (REPNE) */

/* One decoded instruction. Operands are in Intel order (destination first) and
 * include the implicit register operands of the short forms (ADD AL, imm8 has
 * opnd[0] = AL); string instructions and a few others have no operands and are
 * described by opsize/addrsize/seg/rep.
 *   Jcc/JMP/CALL rel, LOOP*, JCXZ: imm = target offset already computed
 *       ((pc + len + rel) masked to the operand size); no operands.
 *   JMP/CALL far ptr16:16/32: imm = offset, imm2 = selector.
 *   ENTER: imm = frame size, imm2 = nesting level. RET/RETF imm16: imm.
 *   INT n: imm = n; INT3: imm = 3. AAM/AAD: imm = base.
 *   Jcc/SETcc/CMOVcc: cc = condition 0-15.
 *   SHL etc: opnd[1] is IMM 1, IMM n or REG CL.
 *   IN/OUT: the port is an IMM (size 1) or REG DX (size 2) operand.
 *   ESC (x87): opcode holds the escape byte, modrm is valid, the memory operand
 *       (if any) is opnd[0]. */
struct x86_insn {
    /* offset (EIP) of the first byte, including prefixes */
    uint32_t pc;
    uint8_t len;
    /* 2 or 4 */
    uint8_t opsize;
    uint8_t addrsize;
    /* SEG_* override or SEG_NONE */
    uint8_t seg_override;
    /* REP_* */
    uint8_t rep;
    bool lock;
    /* the only fault is a LOCK the instruction does not allow: DECODE_UD is
     * returned, but op and the operands describe the instruction (an 80286
     * runs it, ignoring the LOCK) */
    bool lock_invalid;
    /* enum x86_op */
    uint16_t op;
    /* primary opcode byte; 0x0F00 | byte for the two-byte map */
    uint16_t opcode;
    bool has_modrm;
    uint8_t modrm;
    uint8_t cc;
    uint8_t nopnd;
    struct x86_opnd opnd[3];
    struct x86_mem mem;
    uint32_t imm;
    uint32_t imm2;
};

enum decode_status {
    DECODE_OK,
    DECODE_NEED_MORE,   /* the bytes ended before the instruction (e.g. page end) */
    DECODE_UD,          /* invalid opcode or LOCK where the CPU raises #UD */
    DECODE_TOO_LONG,    /* longer than 15 bytes: #GP(0) */
};

/* Decode one instruction from buf[0..avail) at offset pc. code32: the default
 * operand and address size is 32 bits. On DECODE_OK fills *in. On DECODE_UD,
 * in->len is the length consumed so far and in->op is X86_OP_UD, unless
 * in->lock_invalid is set (see there). */
enum decode_status x86_decode(const uint8_t *buf, size_t avail, uint32_t pc, bool code32,
                              struct x86_insn *in);

/* Mnemonic of an op, for logs. */
const char *x86_op_name(enum x86_op op);

#endif
