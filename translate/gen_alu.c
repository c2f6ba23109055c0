/* Translator: two-operand ALU (ADD..CMP, TEST), INC/DEC, NOT, NEG into IR with
 * lazy flags (cpu/flags.h). Semantics: Intel SDM vol. 2 instruction pages. */
#include "gen.h"

struct alu_info {
    /* IR op computing the result */
    uint8_t opc;
    /* lazy flag kind */
    uint8_t kind;
    /* result written back to opnd[0] (not for CMP, TEST) */
    bool store;
    /* ADC/SBB: the carry-in is added/subtracted too */
    bool carry;
};

/* indexed by enum x86_op, ADD..TEST */
static const struct alu_info alu_table[X86_OP_COUNT] = {
    [X86_OP_ADD] = {IR_add, CC_ADD, true, false},
    [X86_OP_OR] = {IR_or, CC_LOGIC, true, false},
    [X86_OP_ADC] = {IR_add, CC_ADD, true, true},
    [X86_OP_SBB] = {IR_sub, CC_SUB, true, true},
    [X86_OP_AND] = {IR_and, CC_LOGIC, true, false},
    [X86_OP_SUB] = {IR_sub, CC_SUB, true, false},
    [X86_OP_XOR] = {IR_xor, CC_LOGIC, true, false},
    [X86_OP_CMP] = {IR_sub, CC_SUB, false, false},
    [X86_OP_TEST] = {IR_and, CC_LOGIC, false, false},
};

void gen_alu(struct tcx *t, const struct x86_insn *in)
{
    const struct alu_info *ai = &alu_table[in->op];
    unsigned size = in->opnd[0].size;
    ir_tmp ea = 0;
    ir_tmp dst = ai->store ? gen_load_rmw(t, in, 0, &ea) : gen_load_opnd(t, in, 0);
    ir_tmp src = gen_load_opnd(t, in, 1);
    ir_tmp res = gen_op2(t, ai->opc, size, dst, src);

    /* flags.h: the CC_ADD/CC_SUB carry formulas hold with a carry-in */
    if (ai->carry)
        res = gen_op2(t, ai->opc, size, res, gen_getcf(t));
    if (ai->store)
        gen_store_rmw(t, in, 0, ea, res);
    gen_flags(t, ai->kind, size, res, dst, src);
}

/* INC/DEC leave CF alone: CC_INC/CC_DEC carry the old CF in src2. */
void gen_incdec(struct tcx *t, const struct x86_insn *in)
{
    bool inc = in->op == X86_OP_INC;
    unsigned size = in->opnd[0].size;
    ir_tmp ea = 0;
    ir_tmp dst = gen_load_rmw(t, in, 0, &ea);
    ir_tmp res = gen_op2(t, inc ? IR_add : IR_sub, size, dst, gen_movi(t, 1));
    ir_tmp cf = gen_getcf(t);

    gen_store_rmw(t, in, 0, ea, res);
    gen_flags(t, inc ? CC_INC : CC_DEC, size, res, dst, cf);
}

void gen_not(struct tcx *t, const struct x86_insn *in)
{
    unsigned size = in->opnd[0].size;
    ir_tmp ea = 0;
    ir_tmp dst = gen_load_rmw(t, in, 0, &ea);

    gen_store_rmw(t, in, 0, ea, gen_op1(t, IR_not, size, dst));
}

/* NEG is 0 - dest for the flags (SDM vol. 2 NEG: CF = dest != 0). */
void gen_neg(struct tcx *t, const struct x86_insn *in)
{
    unsigned size = in->opnd[0].size;
    ir_tmp ea = 0;
    ir_tmp dst = gen_load_rmw(t, in, 0, &ea);
    ir_tmp res = gen_op1(t, IR_neg, size, dst);

    gen_store_rmw(t, in, 0, ea, res);
    gen_flags(t, CC_SUB, size, res, gen_movi(t, 0), dst);
}
