/* What the gen_* instruction-family files use to turn one decoded guest
 * instruction into IR: the translation context and the emit helpers
 * (implemented in translate/translate.c and translate/gen_operand.c). */
#ifndef TD_GEN_H
#define TD_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "bits.h"
#include "cpu.h"
#include "decode.h"
#include "flags.h"
#include "helpers.h"
#include "ir.h"

struct tcx {
    struct ir_block *ir;
    struct cpu *cpu;
    /* cpu->mode at translation */
    uint32_t mode;
    /* CS base of the block */
    uint32_t cs_base;
    /* the instruction being translated */
    const struct x86_insn *in;
    /* offset of the next instruction (masked to 16 bits in a 16-bit segment) */
    uint32_t next_eip;
    /* set by a gen function that ended the block (emitted an exit) */
    bool ended;
};

/* A gen function translates in (== t->in). One function may serve several
 * x86 ops (gen_alu handles ADD..CMP and TEST); it dispatches on in->op. */
typedef void gen_fn(struct tcx *t, const struct x86_insn *in);
#define X86_OP(id, mnem, cls, gen, reason) gen_fn gen;
#include "x86_ops.def"
#undef X86_OP

/* ---- basic emitters (translate.c) ---- */
ir_tmp gen_movi(struct tcx *t, uint32_t imm);
/* d = a (a copy; the instruction MOV is gen_mov) */
ir_tmp gen_copy(struct tcx *t, ir_tmp a);
/* Guest register at size 1, 2 or 4 (size 1: reg 0-3 = AL..BL, 4-7 = AH..BH). */
ir_tmp gen_getr(struct tcx *t, int reg, unsigned size);
void gen_setr(struct tcx *t, int reg, unsigned size, ir_tmp v);
ir_tmp gen_getseg(struct tcx *t, int seg);
ir_tmp gen_getbase(struct tcx *t, int seg);
/* Two-operand pure op (IR_add .. IR_mul, IR_seteq), result truncated to size. */
ir_tmp gen_op2(struct tcx *t, enum ir_opc opc, unsigned size, ir_tmp a, ir_tmp b);
/* One-operand pure op (IR_not, IR_neg, IR_sext, IR_zext, IR_bswap). */
ir_tmp gen_op1(struct tcx *t, enum ir_opc opc, unsigned size, ir_tmp a);
ir_tmp gen_select(struct tcx *t, ir_tmp cond, ir_tmp if_true, ir_tmp if_false);

/* Record lazy flags (cpu/flags.h): kind at size, result res, sources. */
void gen_flags(struct tcx *t, enum cc_kind kind, unsigned size, ir_tmp res, ir_tmp src1,
               ir_tmp src2);
ir_tmp gen_geteflags(struct tcx *t);
/* EFLAGS bits in mask = v (other bits kept). */
void gen_seteflags(struct tcx *t, ir_tmp v, uint32_t mask);
ir_tmp gen_getcf(struct tcx *t);
/* 0/1: condition cc (0-15) of Jcc holds. */
ir_tmp gen_cond(struct tcx *t, unsigned cc);

/* Memory at seg:offset (offset already masked to the address size). */
ir_tmp gen_ld(struct tcx *t, int seg, ir_tmp offset, unsigned size);
void gen_st(struct tcx *t, int seg, ir_tmp offset, ir_tmp v, unsigned size);

/* Call a helper (cpu/helpers.def). Pass 0 for unused temps. Returns d. If the
 * helper has HF_ENDS the caller must end the block (gen_exit_cur or similar). */
ir_tmp gen_helper(struct tcx *t, enum helper_id h, ir_tmp a, ir_tmp b, ir_tmp c, uint32_t imm);

/* Block exits. Each sets t->ended. */
void gen_exit_jmp(struct tcx *t, uint32_t eip);      /* direct, chainable */
void gen_exit_ind(struct tcx *t, ir_tmp eip);        /* computed target */
void gen_exit(struct tcx *t, uint32_t eip);          /* no chaining: mode may have changed */
void gen_exit_cur(struct tcx *t);                    /* a helper has set EIP */
/* if cond != 0 go to taken else to not_taken; both chainable. */
void gen_exit_cond(struct tcx *t, ir_tmp cond, uint32_t taken, uint32_t not_taken);
/* Labels for short forward branches inside one instruction. */
unsigned gen_new_label(struct tcx *t);
void gen_label(struct tcx *t, unsigned label);
void gen_brz(struct tcx *t, ir_tmp a, unsigned label);
void gen_brnz(struct tcx *t, ir_tmp a, unsigned label);

/* Raise an exception at this instruction (ends the block). */
void gen_raise(struct tcx *t, int vector);

/* ---- operands (gen_operand.c) ---- */
/* Effective address offset of in->mem, masked to the address size. */
ir_tmp gen_ea(struct tcx *t, const struct x86_insn *in);
/* Read/write operand i (REG, SREG, MEM, IMM) at its size. */
ir_tmp gen_load_opnd(struct tcx *t, const struct x86_insn *in, int i);
void gen_store_opnd(struct tcx *t, const struct x86_insn *in, int i, ir_tmp v);
/* Read-modify-write helpers: for a MEM operand the offset is computed once.
 * gen_load_rmw returns the value and fills *ea (0 for a register). */
ir_tmp gen_load_rmw(struct tcx *t, const struct x86_insn *in, int i, ir_tmp *ea);
void gen_store_rmw(struct tcx *t, const struct x86_insn *in, int i, ir_tmp ea, ir_tmp v);

/* Stack: push/pop size bytes on SS:(E)SP honouring MODE_SS32. Push writes
 * memory before updating (E)SP, so a faulting push changes nothing. */
void gen_push(struct tcx *t, ir_tmp v, unsigned size);
ir_tmp gen_pop(struct tcx *t, unsigned size);
/* Read the stack without moving (E)SP: the value at (E)SP + offset. */
ir_tmp gen_peek(struct tcx *t, unsigned offset, unsigned size);
/* (E)SP += delta, honouring the stack size. */
void gen_adjust_sp(struct tcx *t, int32_t delta);

/* Mask of the address size in use: 0xFFFF or 0xFFFFFFFF. */
static inline uint32_t gen_addr_mask(const struct x86_insn *in)
{
    return in->addrsize == 4 ? 0xFFFFFFFFu : 0xFFFFu;
}

#endif
