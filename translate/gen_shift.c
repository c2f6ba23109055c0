/* Translator: shifts and rotates (C0/C1/D0-D3) and SHLD/SHRD. Counts masked to
 * 5 bits, a zero count changes nothing (SDM vol. 2 SAL/SAR/SHL/SHR). SHL/SHR/SAR
 * by an immediate are inlined with lazy flags; the rest call cpu/shift.c. */
#include "gen.h"

struct shift_info {
    uint8_t helper;
    /* IR op for the inline immediate form, 0 for rotates (always a helper) */
    uint8_t opc;
    uint8_t kind;
};

/* indexed by enum x86_op, ROL..SAR */
static const struct shift_info shift_table[X86_OP_COUNT] = {
    [X86_OP_ROL] = {HELPER_rol, 0, 0},
    [X86_OP_ROR] = {HELPER_ror, 0, 0},
    [X86_OP_RCL] = {HELPER_rcl, 0, 0},
    [X86_OP_RCR] = {HELPER_rcr, 0, 0},
    [X86_OP_SHL] = {HELPER_shl, IR_shl, CC_SHL},
    [X86_OP_SAL] = {HELPER_shl, IR_shl, CC_SHL},
    [X86_OP_SHR] = {HELPER_shr, IR_shr, CC_SHR},
    [X86_OP_SAR] = {HELPER_sar, IR_sar, CC_SAR},
};

/* A helper writes the flags before the result is stored. For a memory
 * destination write the old value back first, so a write fault (read-only
 * page) is raised before any state has changed: exceptions stay precise. */
static void probe_store(struct tcx *t, const struct x86_insn *in, ir_tmp ea, ir_tmp old)
{
    if (in->opnd[0].kind == OPND_MEM)
        gen_store_rmw(t, in, 0, ea, old);
}

static void shift_helper(struct tcx *t, const struct x86_insn *in, ir_tmp val, ir_tmp ea,
                         ir_tmp count)
{
    unsigned size = in->opnd[0].size;
    ir_tmp res;

    probe_store(t, in, ea, val);
    res = gen_helper(t, shift_table[in->op].helper, val, count, 0, size);
    gen_store_rmw(t, in, 0, ea, res);
}

static void shift_imm(struct tcx *t, const struct x86_insn *in, ir_tmp val, ir_tmp ea,
                      uint32_t count)
{
    const struct shift_info *si = &shift_table[in->op];
    unsigned size = in->opnd[0].size;
    ir_tmp cnt = gen_movi(t, count);
    ir_tmp res;

    /* counts of at least the width (8/16-bit operands) have special flag
     * results; the helper knows them */
    if (si->opc == 0 || count >= size * 8) {
        shift_helper(t, in, val, ea, cnt);
        return;
    }
    res = gen_op2(t, si->opc, size, val, cnt);
    gen_store_rmw(t, in, 0, ea, res);
    gen_flags(t, si->kind, size, res, val, cnt);
}

void gen_shift(struct tcx *t, const struct x86_insn *in)
{
    ir_tmp ea = 0;
    /* loaded even for a zero count, so a bad memory operand still faults */
    ir_tmp val = gen_load_rmw(t, in, 0, &ea);
    uint32_t count = in->imm & 31;

    if (in->opnd[1].kind != OPND_IMM)
        shift_helper(t, in, val, ea, gen_load_opnd(t, in, 1));
    else if (count != 0)
        shift_imm(t, in, val, ea, count);
}

/* SHLD/SHRD r/m, r, imm8/CL: opnd[2] is the count. */
void gen_shxd(struct tcx *t, const struct x86_insn *in)
{
    unsigned size = in->opnd[0].size;
    enum helper_id h = in->op == X86_OP_SHLD ? HELPER_shld : HELPER_shrd;
    ir_tmp ea = 0;
    ir_tmp dst = gen_load_rmw(t, in, 0, &ea);
    ir_tmp src = gen_load_opnd(t, in, 1);
    ir_tmp count;

    if (in->opnd[2].kind == OPND_IMM) {
        if ((in->imm & 31) == 0)
            return;
        count = gen_movi(t, in->imm & 31);
    } else {
        count = gen_load_opnd(t, in, 2);
    }
    probe_store(t, in, ea, dst);
    gen_store_rmw(t, in, 0, ea, gen_helper(t, h, dst, src, count, size));
}
