/* Translator: data movement (MOV, MOVZX/MOVSX, LEA, XCHG, XLAT, CBW/CWDE,
 * CWD/CDQ, LAHF/SAHF, BSWAP, XADD, CMPXCHG), NOP and the flag instructions
 * CLC/STC/CMC/CLD/STD. Semantics: Intel SDM vol. 2 instruction pages. */
#include "gen.h"

/* MOV in all its forms: r/m<->r, r/m<-imm, r<-imm, AL/AX/EAX<->moffs. */
void gen_mov(struct tcx *t, const struct x86_insn *in)
{
    gen_store_opnd(t, in, 0, gen_load_opnd(t, in, 1));
}

/* MOVZX/MOVSX r, r/m8 or r/m16: opnd[1].size is the source width. */
void gen_movx(struct tcx *t, const struct x86_insn *in)
{
    enum ir_opc ext = in->op == X86_OP_MOVSX ? IR_sext : IR_zext;
    ir_tmp v = gen_load_opnd(t, in, 1);

    gen_store_opnd(t, in, 0, gen_op1(t, ext, in->opnd[1].size, v));
}

/* LEA computes the offset only (no memory access); the register store
 * truncates it to the operand size or zero-extends a 16-bit address. */
void gen_lea(struct tcx *t, const struct x86_insn *in)
{
    gen_store_opnd(t, in, 0, gen_ea(t, in));
}

/* XCHG: both values read first; memory is written before the register. */
void gen_xchg(struct tcx *t, const struct x86_insn *in)
{
    int m = in->opnd[1].kind == OPND_MEM ? 1 : 0;
    int r = 1 - m;
    ir_tmp ea = 0;
    ir_tmp mval = gen_load_rmw(t, in, m, &ea);
    ir_tmp rval = gen_load_opnd(t, in, r);

    gen_store_rmw(t, in, m, ea, rval);
    gen_store_opnd(t, in, r, mval);
}

/* XLAT: AL = [seg:(E)BX + AL], seg DS unless overridden. */
void gen_xlat(struct tcx *t, const struct x86_insn *in)
{
    int seg = in->seg_override != SEG_NONE ? in->seg_override : SEG_DS;
    ir_tmp base = gen_getr(t, R_EBX, in->addrsize);
    ir_tmp offset = gen_op2(t, IR_add, in->addrsize, base, gen_getr(t, R_EAX, 1));

    gen_setr(t, R_EAX, 1, gen_ld(t, seg, offset, 1));
}

/* CBW (AX = sext AL) or CWDE (EAX = sext AX). */
void gen_cbw(struct tcx *t, const struct x86_insn *in)
{
    unsigned half = in->opsize / 2;
    ir_tmp v = gen_getr(t, R_EAX, half);

    gen_setr(t, R_EAX, in->opsize, gen_op1(t, IR_sext, half, v));
}

/* CWD (DX = sign of AX) or CDQ (EDX = sign of EAX). */
void gen_cwd(struct tcx *t, const struct x86_insn *in)
{
    unsigned size = in->opsize;
    ir_tmp v = gen_getr(t, R_EAX, size);

    gen_setr(t, R_EDX, size, gen_op2(t, IR_sar, size, v, gen_movi(t, size * 8 - 1)));
}

enum { AH = 4, LAHF_MASK = EFLAGS_SF | EFLAGS_ZF | EFLAGS_AF | EFLAGS_PF | EFLAGS_CF };

/* LAHF: AH = SF ZF 0 AF 0 PF 1 CF (SDM vol. 2 LAHF). */
void gen_lahf(struct tcx *t, const struct x86_insn *in)
{
    ir_tmp f = gen_op2(t, IR_and, 1, gen_geteflags(t), gen_movi(t, LAHF_MASK));

    gen_setr(t, AH, 1, gen_op2(t, IR_or, 1, f, gen_movi(t, EFLAGS_FIXED1)));
}

void gen_sahf(struct tcx *t, const struct x86_insn *in)
{
    gen_seteflags(t, gen_getr(t, AH, 1), LAHF_MASK);
}

/* BSWAP r16 is undefined (SDM vol. 2 BSWAP); real 486 and later Intel parts
 * leave the 16-bit register zero, and so does this. */
void gen_bswap(struct tcx *t, const struct x86_insn *in)
{
    int reg = in->opnd[0].reg;

    if (in->opnd[0].size != 4) {
        gen_setr(t, reg, 2, gen_movi(t, 0));
        return;
    }
    gen_setr(t, reg, 4, gen_op1(t, IR_bswap, 4, gen_getr(t, reg, 4)));
}

/* XADD r/m, r: TEMP = dest + src; src = dest; dest = TEMP; flags as ADD.
 * Memory is stored before the register; with two registers src is written
 * first so XADD r, r (same register) ends with the sum, as in the SDM. */
void gen_xadd(struct tcx *t, const struct x86_insn *in)
{
    unsigned size = in->opnd[0].size;
    ir_tmp ea = 0;
    ir_tmp dst = gen_load_rmw(t, in, 0, &ea);
    ir_tmp src = gen_load_opnd(t, in, 1);
    ir_tmp sum = gen_op2(t, IR_add, size, dst, src);

    if (in->opnd[0].kind == OPND_MEM) {
        gen_store_rmw(t, in, 0, ea, sum);
        gen_store_opnd(t, in, 1, dst);
    } else {
        gen_store_opnd(t, in, 1, dst);
        gen_store_rmw(t, in, 0, ea, sum);
    }
    gen_flags(t, CC_ADD, size, sum, dst, src);
}

/* CMPXCHG r/m, r: the helper compares with the accumulator, updates it and
 * the flags, and returns what the destination gets. The 486 always writes the
 * destination back; the old value is written first so a write fault comes
 * before the helper has changed the accumulator or flags. */
void gen_cmpxchg(struct tcx *t, const struct x86_insn *in)
{
    unsigned size = in->opnd[0].size;
    ir_tmp ea = 0;
    ir_tmp dst = gen_load_rmw(t, in, 0, &ea);
    ir_tmp src = gen_load_opnd(t, in, 1);

    if (in->opnd[0].kind == OPND_MEM)
        gen_store_rmw(t, in, 0, ea, dst);
    gen_store_rmw(t, in, 0, ea, gen_helper(t, HELPER_cmpxchg, dst, src, 0, size));
}

void gen_nop(struct tcx *t, const struct x86_insn *in)
{
}

struct flagop_info {
    uint32_t mask;
    uint32_t value;
    /* CMC: value is CF ^ 1 */
    bool toggle;
};

/* indexed by enum x86_op, CLC..STD */
static const struct flagop_info flagop_table[X86_OP_COUNT] = {
    [X86_OP_CLC] = {EFLAGS_CF, 0, false},
    [X86_OP_STC] = {EFLAGS_CF, EFLAGS_CF, false},
    [X86_OP_CMC] = {EFLAGS_CF, 0, true},
    [X86_OP_CLD] = {EFLAGS_DF, 0, false},
    [X86_OP_STD] = {EFLAGS_DF, EFLAGS_DF, false},
};

void gen_flagop(struct tcx *t, const struct x86_insn *in)
{
    const struct flagop_info *fi = &flagop_table[in->op];
    ir_tmp v = fi->toggle ? gen_op2(t, IR_xor, 4, gen_getcf(t), gen_movi(t, 1))
                          : gen_movi(t, fi->value);

    gen_seteflags(t, v, fi->mask);
}
