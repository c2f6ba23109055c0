/* Basic IR emitters used by the gen_* files (translate/gen.h). */
#include <assert.h>

#include "gen.h"

static struct ir_op *emit(struct tcx *t, enum ir_opc opc, unsigned size)
{
    struct ir_op *op = ir_emit(t->ir, opc);
    op->size = (uint8_t)size;
    return op;
}

static ir_tmp emit_d(struct tcx *t, enum ir_opc opc, unsigned size, ir_tmp a, ir_tmp b,
                     uint32_t imm)
{
    ir_tmp d = ir_new_temp(t->ir);
    struct ir_op *op = emit(t, opc, size);
    op->d = d;
    op->a = a;
    op->b = b;
    op->imm = imm;
    return d;
}

ir_tmp gen_movi(struct tcx *t, uint32_t imm)
{
    return emit_d(t, IR_movi, 4, 0, 0, imm);
}

ir_tmp gen_copy(struct tcx *t, ir_tmp a)
{
    return emit_d(t, IR_mov, 4, a, 0, 0);
}

ir_tmp gen_getr(struct tcx *t, int reg, unsigned size)
{
    assert(reg >= 0 && reg < R_COUNT);
    return emit_d(t, IR_getr, size, 0, 0, (uint32_t)reg);
}

void gen_setr(struct tcx *t, int reg, unsigned size, ir_tmp v)
{
    assert(reg >= 0 && reg < R_COUNT);
    struct ir_op *op = emit(t, IR_setr, size);
    op->a = v;
    op->imm = (uint32_t)reg;
}

ir_tmp gen_getseg(struct tcx *t, int seg)
{
    return emit_d(t, IR_getseg, 2, 0, 0, (uint32_t)seg);
}

ir_tmp gen_getbase(struct tcx *t, int seg)
{
    return emit_d(t, IR_getbase, 4, 0, 0, (uint32_t)seg);
}

ir_tmp gen_op2(struct tcx *t, enum ir_opc opc, unsigned size, ir_tmp a, ir_tmp b)
{
    return emit_d(t, opc, size, a, b, 0);
}

ir_tmp gen_op1(struct tcx *t, enum ir_opc opc, unsigned size, ir_tmp a)
{
    return emit_d(t, opc, size, a, 0, 0);
}

ir_tmp gen_select(struct tcx *t, ir_tmp cond, ir_tmp if_true, ir_tmp if_false)
{
    ir_tmp d = ir_new_temp(t->ir);
    struct ir_op *op = emit(t, IR_select, 4);
    op->d = d;
    op->a = cond;
    op->b = if_true;
    op->c = if_false;
    return d;
}

void gen_flags(struct tcx *t, enum cc_kind kind, unsigned size, ir_tmp res, ir_tmp src1,
               ir_tmp src2)
{
    struct ir_op *op = emit(t, IR_flags, size);
    op->d = res;
    op->a = src1 ? src1 : res;
    op->b = src2 ? src2 : res;
    op->imm = CC_OP(kind, size);
}

ir_tmp gen_geteflags(struct tcx *t)
{
    return emit_d(t, IR_getflags, 4, 0, 0, 0);
}

void gen_seteflags(struct tcx *t, ir_tmp v, uint32_t mask)
{
    struct ir_op *op = emit(t, IR_setflags, 4);
    op->a = v;
    op->imm = mask;
}

ir_tmp gen_getcf(struct tcx *t)
{
    return emit_d(t, IR_getcf, 4, 0, 0, 0);
}

ir_tmp gen_cond(struct tcx *t, unsigned cc)
{
    return emit_d(t, IR_cond, 4, 0, 0, cc & 15);
}

ir_tmp gen_ld(struct tcx *t, int seg, ir_tmp offset, unsigned size)
{
    return emit_d(t, IR_ld, size, offset, 0, (uint32_t)seg);
}

void gen_st(struct tcx *t, int seg, ir_tmp offset, ir_tmp v, unsigned size)
{
    struct ir_op *op = emit(t, IR_st, size);
    op->a = offset;
    op->b = v;
    op->imm = (uint32_t)seg;
}

ir_tmp gen_helper(struct tcx *t, enum helper_id h, ir_tmp a, ir_tmp b, ir_tmp c, uint32_t imm)
{
    ir_tmp d = ir_new_temp(t->ir);
    struct ir_op *op = emit(t, IR_call, 4);
    op->hid = (uint8_t)h;
    op->d = d;
    op->a = a;
    op->b = b;
    op->c = c;
    op->imm = imm;
    return d;
}

void gen_exit_jmp(struct tcx *t, uint32_t eip)
{
    /* slot 0 for the first direct exit of the block, slot 1 for the second */
    struct ir_op *op = emit(t, IR_exit_jmp, 0);
    op->imm = eip;
    t->ended = true;
}

void gen_exit_ind(struct tcx *t, ir_tmp eip)
{
    emit(t, IR_exit_ind, 4)->a = eip;
    t->ended = true;
}

void gen_exit(struct tcx *t, uint32_t eip)
{
    emit(t, IR_exit, 0)->imm = eip;
    t->ended = true;
}

void gen_exit_cur(struct tcx *t)
{
    emit(t, IR_exit_cur, 0);
    t->ended = true;
}

unsigned gen_new_label(struct tcx *t)
{
    return ir_new_label(t->ir);
}

void gen_label(struct tcx *t, unsigned label)
{
    emit(t, IR_label, 0)->imm = label;
}

void gen_brz(struct tcx *t, ir_tmp a, unsigned label)
{
    struct ir_op *op = emit(t, IR_brz, 0);
    op->a = a;
    op->imm = label;
}

void gen_brnz(struct tcx *t, ir_tmp a, unsigned label)
{
    struct ir_op *op = emit(t, IR_brnz, 0);
    op->a = a;
    op->imm = label;
}

void gen_exit_cond(struct tcx *t, ir_tmp cond, uint32_t taken, uint32_t not_taken)
{
    unsigned l = gen_new_label(t);
    gen_brz(t, cond, l);
    gen_exit_jmp(t, taken);
    gen_label(t, l);
    gen_exit_jmp(t, not_taken);
}

void gen_raise(struct tcx *t, int vector)
{
    gen_helper(t, HELPER_raise, 0, 0, 0, (uint32_t)vector);
    gen_exit_cur(t);
}
