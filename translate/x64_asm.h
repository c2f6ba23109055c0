/* A small x86-64 instruction encoder for the native backend: the REX, ModRM
 * and SIB rules live here and nowhere else. Intel SDM vol. 2 ch. 2
 * ("Instruction Format") and the opcode maps of appendix A. */
#ifndef TD_X64_ASM_H
#define TD_X64_ASM_H

#include <stdbool.h>
#include <stdint.h>

/* Host registers in encoding order. */
enum x64_reg {
    X64_RAX, X64_RCX, X64_RDX, X64_RBX, X64_RSP, X64_RBP, X64_RSI, X64_RDI,
    X64_R8, X64_R9, X64_R10, X64_R11, X64_R12, X64_R13, X64_R14, X64_R15,
    X64_NOREG = -1,
};

/* Condition codes (the low nibble of Jcc/SETcc/CMOVcc): the same numbering
 * as the guest's, SDM vol. 2 appendix B.1. */
enum x64_cc {
    X64_CC_O, X64_CC_NO, X64_CC_B, X64_CC_AE, X64_CC_E, X64_CC_NE, X64_CC_BE, X64_CC_A,
    X64_CC_S, X64_CC_NS, X64_CC_P, X64_CC_NP, X64_CC_L, X64_CC_GE, X64_CC_LE, X64_CC_G,
};

/* The eight classic ALU operations (the /digit of opcodes 80-83). */
enum x64_alu { X64_ADD, X64_OR, X64_ADC, X64_SBB, X64_AND, X64_SUB, X64_XOR, X64_CMP };

/* Shift group 2 (/digit of C1/D3). */
enum x64_shift { X64_ROL, X64_ROR, X64_RCL, X64_RCR, X64_SHL, X64_SHR, X64_SAR = 7 };

/* A memory operand [base + index * scale + disp]; index X64_NOREG for none.
 * base must be a register (no RIP-relative or absolute forms are needed). */
struct x64_mem {
    int8_t base;
    int8_t index;
    uint8_t scale;
    int32_t disp;
};

static inline struct x64_mem x64_m(int base, int32_t disp)
{
    return (struct x64_mem){(int8_t)base, X64_NOREG, 1, disp};
}

static inline struct x64_mem x64_mi(int base, int index, unsigned scale, int32_t disp)
{
    return (struct x64_mem){(int8_t)base, (int8_t)index, (uint8_t)scale, disp};
}

/* The output buffer. Emitting past end sets overflow (nothing is written). */
struct x64_buf {
    uint8_t *start;
    uint8_t *p;
    uint8_t *end;
    bool overflow;
};

void x64_init(struct x64_buf *b, uint8_t *start, uint8_t *end);
static inline uint32_t x64_pos(const struct x64_buf *b)
{
    return (uint32_t)(b->p - b->start);
}

void x64_byte(struct x64_buf *b, uint8_t v);
void x64_u32(struct x64_buf *b, uint32_t v);

/* Sizes are operand sizes in bytes: 1, 2, 4 or 8. A 32-bit result zero-extends
 * into the full register (SDM vol. 1 3.4.1.1). */
void x64_alu_rr(struct x64_buf *b, enum x64_alu op, unsigned size, int dst, int src);
void x64_alu_ri(struct x64_buf *b, enum x64_alu op, unsigned size, int dst, int32_t imm);
void x64_alu_rm(struct x64_buf *b, enum x64_alu op, unsigned size, int dst, struct x64_mem m);
void x64_alu_mr(struct x64_buf *b, enum x64_alu op, unsigned size, struct x64_mem m, int src);
void x64_alu_mi(struct x64_buf *b, enum x64_alu op, unsigned size, struct x64_mem m, int32_t imm);
void x64_test_rr(struct x64_buf *b, unsigned size, int a, int c);
void x64_test_ri(struct x64_buf *b, unsigned size, int a, int32_t imm);

void x64_mov_rr(struct x64_buf *b, unsigned size, int dst, int src);
/* mov r32, imm32 (zero-extending); imm 0 becomes xor r32, r32 only when the
 * caller asks for it (xor changes the flags). */
void x64_mov_ri(struct x64_buf *b, int dst, uint32_t imm);
void x64_mov_ri64(struct x64_buf *b, int dst, uint64_t imm);
/* Load size bytes into dst (1 and 2: zero-extended to 32 bits; 8: 64-bit). */
void x64_load(struct x64_buf *b, unsigned size, int dst, struct x64_mem m);
void x64_store(struct x64_buf *b, unsigned size, struct x64_mem m, int src);
void x64_store_imm(struct x64_buf *b, unsigned size, struct x64_mem m, int32_t imm);
void x64_lea(struct x64_buf *b, unsigned size, int dst, struct x64_mem m);
/* dst(32) = src zero/sign-extended from size 1 or 2. */
void x64_movzx(struct x64_buf *b, unsigned from, int dst, int src);
void x64_movsx(struct x64_buf *b, unsigned from, int dst, int src);

void x64_shift_ri(struct x64_buf *b, enum x64_shift op, unsigned size, int reg, uint8_t count);
void x64_shift_cl(struct x64_buf *b, enum x64_shift op, unsigned size, int reg);
void x64_imul_rr(struct x64_buf *b, unsigned size, int dst, int src);
void x64_not(struct x64_buf *b, unsigned size, int reg);
void x64_neg(struct x64_buf *b, unsigned size, int reg);
void x64_inc(struct x64_buf *b, unsigned size, int reg);
void x64_dec(struct x64_buf *b, unsigned size, int reg);
void x64_bswap(struct x64_buf *b, int reg);
/* bt r32, imm8: CF = bit imm of reg. */
void x64_bt_ri(struct x64_buf *b, int reg, uint8_t bit);
void x64_setcc(struct x64_buf *b, enum x64_cc cc, int reg);
void x64_cmov(struct x64_buf *b, enum x64_cc cc, unsigned size, int dst, int src);

void x64_push(struct x64_buf *b, int reg);
void x64_pop(struct x64_buf *b, int reg);
void x64_ret(struct x64_buf *b);
/* call through rax (any 64-bit address). Clobbers rax. */
void x64_call_abs(struct x64_buf *b, const void *fn);
void x64_jmp_reg(struct x64_buf *b, int reg);

/* Relative jumps. Each returns the position of its rel32 field, for
 * x64_patch_rel32 once the target is known. */
uint32_t x64_jmp32(struct x64_buf *b);
uint32_t x64_jcc32(struct x64_buf *b, enum x64_cc cc);
/* Point the rel32 field at offset field (in the buffer) to target offset. */
void x64_patch_rel32(struct x64_buf *b, uint32_t field, uint32_t target);
/* The same for code already placed: rel32 at field (host address) to target. */
void x64_write_rel32(uint8_t *field_rw, const uint8_t *field_rx, const uint8_t *target_rx);

#endif
