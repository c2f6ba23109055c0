/* Stack and segment-register instructions: PUSH/POP, PUSHA/POPA, ENTER/LEAVE,
 * PUSHF/POPF, PUSH/POP/MOV Sreg, LDS..LSS. SDM vol. 2 instruction pages.
 * Precise exceptions: every load and store that may fault comes before the
 * first register or (E)SP write. */
#include "gen.h"

static unsigned stack_size(const struct tcx *t)
{
    return (t->mode & MODE_SS32) ? 4 : 2;
}

/* (E)SP + delta, wrapped to the stack size. */
static ir_tmp stack_offset(struct tcx *t, ir_tmp sp, int32_t delta)
{
    return gen_op2(t, IR_add, stack_size(t), sp, gen_movi(t, (uint32_t)delta));
}

/* Offset + delta, wrapped to the address size of in. */
static ir_tmp addr_offset(struct tcx *t, const struct x86_insn *in, ir_tmp ea, uint32_t delta)
{
    return gen_op2(t, IR_add, in->addrsize, ea, gen_movi(t, delta));
}

/* SDM PUSH: PUSH (E)SP pushes the value before the decrement (286 and later);
 * gen_load_opnd reads it before gen_push moves the pointer. */
void gen_push_op(struct tcx *t, const struct x86_insn *in)
{
    gen_push(t, gen_load_opnd(t, in, 0), in->opsize);
}

/* SDM POP: a memory destination addressed through ESP uses ESP after the
 * increment. To stay precise, (E)SP is incremented only to form the address,
 * put back for the store (which may fault) and incremented again after it. */
void gen_pop_op(struct tcx *t, const struct x86_insn *in)
{
    unsigned size = in->opsize;

    if (in->opnd[0].kind != OPND_MEM) {
        /* POP ESP: gen_pop moves ESP first, then the popped value lands in it */
        gen_setr(t, in->opnd[0].reg, size, gen_pop(t, size));
        return;
    }
    ir_tmp v = gen_peek(t, 0, size);
    if (in->mem.base == R_ESP) {
        gen_adjust_sp(t, (int32_t)size);
        ir_tmp ea = gen_ea(t, in);
        gen_adjust_sp(t, -(int32_t)size);
        gen_st(t, in->mem.seg, ea, v, size);
    } else {
        gen_store_opnd(t, in, 0, v);
    }
    gen_adjust_sp(t, (int32_t)size);
}

/* PUSHA order: EAX ECX EDX EBX (original ESP) EBP ESI EDI. All eight stores
 * happen before ESP moves, so a fault in the middle leaves ESP unchanged. */
void gen_pusha(struct tcx *t, const struct x86_insn *in)
{
    unsigned size = in->opsize;
    ir_tmp sp = gen_getr(t, R_ESP, stack_size(t));
    ir_tmp vals[R_COUNT];

    for (int r = 0; r < R_COUNT; r++)
        vals[r] = gen_getr(t, r, size);
    for (int r = 0; r < R_COUNT; r++) {
        ir_tmp off = stack_offset(t, sp, -(int32_t)((unsigned)(r + 1) * size));
        gen_st(t, SEG_SS, off, vals[r], size);
    }
    gen_adjust_sp(t, -(int32_t)(R_COUNT * size));
}

/* POPA: the saved (E)SP slot is skipped (SDM POPA). */
void gen_popa(struct tcx *t, const struct x86_insn *in)
{
    unsigned size = in->opsize;
    ir_tmp vals[R_COUNT];

    for (int r = 0; r < R_COUNT; r++)
        vals[r] = gen_peek(t, (unsigned)(R_COUNT - 1 - r) * size, size);
    for (int r = 0; r < R_COUNT; r++) {
        if (r != R_ESP)
            gen_setr(t, r, size, vals[r]);
    }
    gen_adjust_sp(t, (int32_t)(R_COUNT * size));
}

/* ENTER frame size, nesting level: the helper builds the frame (SDM ENTER:
 * the level is taken modulo 32). */
void gen_enter(struct tcx *t, const struct x86_insn *in)
{
    gen_helper(t, HELPER_enter, gen_movi(t, in->imm & 0xFFFFu), gen_movi(t, in->imm2 & 31u), 0,
               in->opsize);
}

/* LEAVE: (E)SP = (E)BP at the stack size, then POP (E)BP. The load from
 * SS:(E)BP comes first so a fault changes neither register. */
void gen_leave(struct tcx *t, const struct x86_insn *in)
{
    unsigned ssize = stack_size(t);
    ir_tmp bp = gen_getr(t, R_EBP, ssize);
    ir_tmp v = gen_ld(t, SEG_SS, bp, in->opsize);
    ir_tmp sp = stack_offset(t, bp, (int32_t)in->opsize);

    gen_setr(t, R_ESP, ssize, sp);
    gen_setr(t, R_EBP, in->opsize, v);
}

/* SDM PUSHF: PUSHFD clears VM and RF in the pushed image. In v86 mode PUSHF
 * is IOPL-sensitive (and VME changes the image): a helper decides. */
void gen_pushf(struct tcx *t, const struct x86_insn *in)
{
    if (t->mode & MODE_VM86) {
        gen_push(t, gen_helper(t, HELPER_pushf, 0, 0, 0, in->opsize), in->opsize);
        return;
    }
    ir_tmp f = gen_geteflags(t);

    if (in->opsize == 4)
        f = gen_op2(t, IR_and, 4, f, gen_movi(t, ~(uint32_t)(EFLAGS_VM | EFLAGS_RF)));
    gen_push(t, f, in->opsize);
}

/* POPF may change IF and TF (TF is a mode bit): leave without chaining. The
 * value is peeked and (E)SP moved only after the helper, which may fault. */
void gen_popf(struct tcx *t, const struct x86_insn *in)
{
    ir_tmp v = gen_peek(t, 0, in->opsize);

    gen_helper(t, HELPER_popf, v, 0, 0, in->opsize);
    gen_adjust_sp(t, (int32_t)in->opsize);
    gen_exit(t, t->next_eip);
}

/* SDM PUSH: with a 32-bit operand size a segment register takes a 4-byte
 * slot; some CPUs write only its low 16 bits, trapdoor stores the
 * zero-extended selector (what the 486 leaves is not architecturally fixed). */
void gen_push_sreg(struct tcx *t, const struct x86_insn *in)
{
    gen_push(t, gen_getseg(t, in->opnd[0].reg), in->opsize);
}

/* After a load of SS: MOV/POP SS inhibit interrupts for one instruction and
 * SS.B keys translation (MODE_SS32), so the block ends without chaining.
 * DS/ES/FS/GS do not key translation: the block continues. */
static void end_after_seg_load(struct tcx *t, int seg)
{
    if (seg == SEG_SS)
        gen_exit(t, t->next_eip);
}

void gen_pop_sreg(struct tcx *t, const struct x86_insn *in)
{
    int seg = in->opnd[0].reg;
    ir_tmp v = gen_peek(t, 0, in->opsize);

    gen_helper(t, HELPER_load_seg, gen_op1(t, IR_zext, 2, v), 0, 0, (uint32_t)seg);
    gen_adjust_sp(t, (int32_t)in->opsize);
    end_after_seg_load(t, seg);
}

/* SDM MOV: a memory destination is always 16 bits; a 32-bit register gets the
 * zero-extended selector (486 and later; older CPUs leave the top undefined). */
void gen_mov_from_sreg(struct tcx *t, const struct x86_insn *in)
{
    ir_tmp sel = gen_getseg(t, in->opnd[1].reg);

    if (in->opnd[0].kind == OPND_MEM)
        gen_st(t, in->mem.seg, gen_ea(t, in), sel, 2);
    else
        gen_setr(t, in->opnd[0].reg, in->opsize == 4 ? 4 : 2, sel);
}

/* SDM MOV: loading CS with MOV is #UD; the source is always 16 bits. */
void gen_mov_to_sreg(struct tcx *t, const struct x86_insn *in)
{
    int seg = in->opnd[0].reg;
    ir_tmp sel;

    if (seg == SEG_CS) {
        gen_raise(t, EXC_UD);
        return;
    }
    if (in->opnd[1].kind == OPND_MEM)
        sel = gen_ld(t, in->mem.seg, gen_ea(t, in), 2);
    else
        sel = gen_getr(t, in->opnd[1].reg, 2);
    gen_helper(t, HELPER_load_seg, sel, 0, 0, (uint32_t)seg);
    end_after_seg_load(t, seg);
}

/* LDS LES LFS LGS LSS: offset (operand size) then selector at ea + opsize.
 * Both loads and the segment load precede the register write. LSS changes
 * SS.B, so it ends the block (without an interrupt shadow: SDM LSS). */
void gen_lxs(struct tcx *t, const struct x86_insn *in)
{
    _Static_assert(X86_OP_LSS - X86_OP_LDS == 4, "x86_ops.def lists LDS LES LFS LGS LSS");
    static const uint8_t lxs_seg[] = {SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS};
    int seg = lxs_seg[in->op - X86_OP_LDS];

    if (in->opnd[1].kind != OPND_MEM) {
        gen_raise(t, EXC_UD);
        return;
    }
    ir_tmp ea = gen_ea(t, in);
    ir_tmp off = gen_ld(t, in->mem.seg, ea, in->opsize);
    ir_tmp sel = gen_ld(t, in->mem.seg, addr_offset(t, in, ea, in->opsize), 2);

    gen_helper(t, HELPER_load_seg, sel, 0, 0, (uint32_t)seg);
    gen_setr(t, in->opnd[0].reg, in->opsize, off);
    end_after_seg_load(t, seg);
}
