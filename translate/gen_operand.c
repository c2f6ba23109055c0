/* Operand access for the gen_* files: effective addresses, register/memory/
 * immediate operands, and the stack (SDM vol. 2 2.1.5, vol. 1 6.2). */
#include <assert.h>

#include "gen.h"

ir_tmp gen_ea(struct tcx *t, const struct x86_insn *in)
{
    const struct x86_mem *m = &in->mem;
    unsigned asize = in->addrsize;
    ir_tmp ea = gen_movi(t, m->disp);
    if (m->base >= 0)
        ea = gen_op2(t, IR_add, 4, ea, gen_getr(t, m->base, asize));
    if (m->index >= 0) {
        ir_tmp idx = gen_getr(t, m->index, asize);
        if (m->scale > 1)
            idx = gen_op2(t, IR_shl, 4, idx, gen_movi(t, (uint32_t)__builtin_ctz(m->scale)));
        ea = gen_op2(t, IR_add, 4, ea, idx);
    }
    return asize == 2 ? gen_op1(t, IR_zext, 2, ea) : ea;
}

ir_tmp gen_load_opnd(struct tcx *t, const struct x86_insn *in, int i)
{
    const struct x86_opnd *o = &in->opnd[i];
    switch (o->kind) {
    case OPND_REG:
        return gen_getr(t, o->reg, o->size);
    case OPND_SREG:
        return gen_getseg(t, o->reg);
    case OPND_MEM:
        return gen_ld(t, in->mem.seg, gen_ea(t, in), o->size);
    case OPND_IMM:
        return gen_movi(t, in->imm & size_mask(o->size));
    default:
        assert(!"operand kind not loadable");
        return gen_movi(t, 0);
    }
}

void gen_store_opnd(struct tcx *t, const struct x86_insn *in, int i, ir_tmp v)
{
    const struct x86_opnd *o = &in->opnd[i];
    switch (o->kind) {
    case OPND_REG:
        gen_setr(t, o->reg, o->size, v);
        break;
    case OPND_MEM:
        gen_st(t, in->mem.seg, gen_ea(t, in), v, o->size);
        break;
    default:
        assert(!"operand kind not storable");
    }
}

ir_tmp gen_load_rmw(struct tcx *t, const struct x86_insn *in, int i, ir_tmp *ea)
{
    const struct x86_opnd *o = &in->opnd[i];
    if (o->kind != OPND_MEM) {
        *ea = 0;
        return gen_load_opnd(t, in, i);
    }
    *ea = gen_ea(t, in);
    return gen_ld(t, in->mem.seg, *ea, o->size);
}

void gen_store_rmw(struct tcx *t, const struct x86_insn *in, int i, ir_tmp ea, ir_tmp v)
{
    const struct x86_opnd *o = &in->opnd[i];
    if (o->kind == OPND_MEM)
        gen_st(t, in->mem.seg, ea, v, o->size);
    else
        gen_store_opnd(t, in, i, v);
}

static unsigned stack_size(const struct tcx *t)
{
    return (t->mode & MODE_SS32) ? 4 : 2;
}

/* (E)SP + delta at the stack size: a 16-bit SP wraps inside 64 KiB. */
static ir_tmp sp_plus(struct tcx *t, int32_t delta)
{
    unsigned ss = stack_size(t);
    ir_tmp sp = gen_getr(t, R_ESP, ss);
    return gen_op2(t, IR_add, ss, sp, gen_movi(t, (uint32_t)delta));
}

void gen_push(struct tcx *t, ir_tmp v, unsigned size)
{
    ir_tmp sp = sp_plus(t, -(int32_t)size);
    gen_st(t, SEG_SS, sp, v, size);
    gen_setr(t, R_ESP, stack_size(t), sp);
}

ir_tmp gen_pop(struct tcx *t, unsigned size)
{
    ir_tmp v = gen_ld(t, SEG_SS, gen_getr(t, R_ESP, stack_size(t)), size);
    gen_adjust_sp(t, (int32_t)size);
    return v;
}

ir_tmp gen_peek(struct tcx *t, unsigned offset, unsigned size)
{
    return gen_ld(t, SEG_SS, sp_plus(t, (int32_t)offset), size);
}

void gen_adjust_sp(struct tcx *t, int32_t delta)
{
    gen_setr(t, R_ESP, stack_size(t), sp_plus(t, delta));
}
