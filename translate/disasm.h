/* Disassembly through Capstone, for traces (-d in_asm), the monitor and as the
 * decoder's oracle in tests. Not the translator's decoder (DESIGN.md section 2).
 * Capstone's headers stay inside disasm.c: its enum x86_insn collides with
 * decode.h's struct x86_insn. */
#ifndef TD_DISASM_H
#define TD_DISASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A Capstone handle for one mode (16- or 32-bit code). */
struct disasm;

/* Create a handle for 32-bit (code32) or 16-bit code. NULL if Capstone fails. */
struct disasm *disasm_create(bool code32);
void disasm_destroy(struct disasm *dis);

/* Disassemble the instruction at buf[0..avail), whose address is pc, into text
 * as "mnemonic operands" (NUL-terminated, truncated to text_size). Returns its
 * length in bytes, or 0 if Capstone cannot decode it (text is then "(bad)"). */
unsigned disasm_one(struct disasm *dis, const uint8_t *buf, size_t avail, uint32_t pc,
                    char *text, size_t text_size);

/* ---- Capstone's view of one instruction's operands (for tests and views) ---- */

enum { DIS_OPND_REG, DIS_OPND_IMM, DIS_OPND_MEM, DIS_OPND_OTHER };
enum { DIS_REG_NONE, DIS_REG_GPR, DIS_REG_SEG, DIS_REG_CR, DIS_REG_DR, DIS_REG_X87,
       DIS_REG_SIMD, DIS_REG_PC, DIS_REG_OTHER };
/* Instruction set extensions from Capstone's groups. */
enum {
    /* MMX, SSE*, AVX*, 3DNow!, XOP, FMA, F16C, AES, SHA, PCLMUL, AVX-512 parts */
    DIS_EXT_SIMD = 1u << 0,
    /* VMX/SVM, BMI, ADX, TBM, RTM/HLE, SGX, SMAP, FSGSBASE */
    DIS_EXT_OTHER = 1u << 1,
    DIS_EXT_FPU = 1u << 2,
    DIS_EXT_CMOV = 1u << 3,
};

struct disasm_opnd {
    uint8_t kind;
    /* bytes, as Capstone reports it */
    uint8_t size;
    /* DIS_OPND_REG: class and number (GPRs in ModRM order, at size 1 AH..BH are
     * 4-7; segments in SEG_* order) */
    uint8_t reg_class;
    uint8_t reg;
    int64_t imm;
    /* DIS_OPND_MEM: GPR numbers or -1; seg is an explicit override (SEG_* order)
     * or 7 when none */
    int8_t base;
    int8_t index;
    uint8_t scale;
    uint8_t seg;
    int64_t disp;
};

struct disasm_insn {
    unsigned len;
    char mnemonic[32];
    char operands[160];
    /* DIS_EXT_* */
    uint32_t ext;
    uint8_t nopnd;
    struct disasm_opnd opnd[8];
};

/* Decode with operand detail. Returns false (out->len = 0) if Capstone fails. */
bool disasm_decode(struct disasm *dis, const uint8_t *buf, size_t avail, uint32_t pc,
                   struct disasm_insn *out);

#endif
