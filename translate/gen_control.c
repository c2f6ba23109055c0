/* Control transfers: near JMP/CALL/RET, Jcc, JCXZ, LOOPcc, far JMP/CALL/RETF,
 * INT/INT3/INTO/IRET, BOUND. SDM vol. 2 instruction pages. Near targets come
 * from the decoder (in->imm); far ones and interrupts go through VMM helpers. */
#include "gen.h"

/* Condition codes of Jcc (SDM vol. 2 appendix B.1). */
enum { CC_Z = 4, CC_NZ = 5 };

void gen_jmp(struct tcx *t, const struct x86_insn *in)
{
    gen_exit_jmp(t, in->imm);
}

/* The return address is pushed at the operand size; the push may fault before
 * anything else changes. */
void gen_call(struct tcx *t, const struct x86_insn *in)
{
    gen_push(t, gen_movi(t, t->next_eip), in->opsize);
    gen_exit_jmp(t, in->imm);
}

/* FF /4: the operand is read at the operand size, so a 16-bit target is
 * already zero-extended (EIP = target & 0xFFFF). */
void gen_jmp_ind(struct tcx *t, const struct x86_insn *in)
{
    gen_exit_ind(t, gen_load_opnd(t, in, 0));
}

/* FF /2: the target is read before the push (CALL [ESP] sees the old ESP). */
void gen_call_ind(struct tcx *t, const struct x86_insn *in)
{
    ir_tmp target = gen_load_opnd(t, in, 0);

    gen_push(t, gen_movi(t, t->next_eip), in->opsize);
    gen_exit_ind(t, target);
}

/* RET / RET imm16: pop EIP, then release imm16 bytes. */
void gen_ret(struct tcx *t, const struct x86_insn *in)
{
    ir_tmp target = gen_pop(t, in->opsize);

    if (in->imm & 0xFFFFu)
        gen_adjust_sp(t, (int32_t)(in->imm & 0xFFFFu));
    gen_exit_ind(t, target);
}

void gen_jcc(struct tcx *t, const struct x86_insn *in)
{
    gen_exit_cond(t, gen_cond(t, in->cc), in->imm, t->next_eip);
}

/* JCXZ/JECXZ: the counter is CX or ECX by the address size. */
void gen_jcxz(struct tcx *t, const struct x86_insn *in)
{
    ir_tmp count = gen_getr(t, R_ECX, in->addrsize);
    ir_tmp zero = gen_op2(t, IR_seteq, 4, count, gen_movi(t, 0));

    gen_exit_cond(t, zero, in->imm, t->next_eip);
}

/* LOOP/LOOPE/LOOPNE: decrement CX or ECX (address size; a 16-bit count keeps
 * the upper half of ECX), no flags change, taken while the count is not zero
 * (and ZF = 1 / ZF = 0). */
void gen_loop(struct tcx *t, const struct x86_insn *in)
{
    ir_tmp count = gen_op2(t, IR_sub, in->addrsize, gen_getr(t, R_ECX, in->addrsize),
                           gen_movi(t, 1));
    ir_tmp taken = count;

    gen_setr(t, R_ECX, in->addrsize, count);
    if (in->op != X86_OP_LOOP) {
        ir_tmp zf = gen_cond(t, in->op == X86_OP_LOOPE ? CC_Z : CC_NZ);
        taken = gen_select(t, count, zf, gen_movi(t, 0));
    }
    gen_exit_cond(t, taken, in->imm, t->next_eip);
}

/* Far pointer operand (ptr16:16/32 immediate, or m16:16/32 in memory: offset
 * at ea, selector at ea + opsize). Returns false for a register operand,
 * which is #UD (SDM JMP, CALL: FF /3, /5 need memory). */
static bool load_far_target(struct tcx *t, const struct x86_insn *in, ir_tmp *sel, ir_tmp *off)
{
    if (in->op == X86_OP_JMP_FAR || in->op == X86_OP_CALL_FAR) {
        *off = gen_movi(t, in->imm);
        *sel = gen_movi(t, in->imm2 & 0xFFFFu);
        return true;
    }
    if (in->opnd[0].kind != OPND_MEM)
        return false;
    ir_tmp ea = gen_ea(t, in);
    *off = gen_ld(t, in->mem.seg, ea, in->opsize);
    ir_tmp sel_ea = gen_op2(t, IR_add, in->addrsize, ea, gen_movi(t, in->opsize));
    *sel = gen_ld(t, in->mem.seg, sel_ea, 2);
    return true;
}

void gen_jmp_far(struct tcx *t, const struct x86_insn *in)
{
    ir_tmp sel, off;

    if (!load_far_target(t, in, &sel, &off)) {
        gen_raise(t, EXC_UD);
        return;
    }
    /* the next EIP is what a task switch saves in the old TSS */
    gen_helper(t, HELPER_jmp_far, sel, off, gen_movi(t, t->next_eip), in->opsize);
    gen_exit_cur(t);
}

void gen_call_far(struct tcx *t, const struct x86_insn *in)
{
    ir_tmp sel, off;

    if (!load_far_target(t, in, &sel, &off)) {
        gen_raise(t, EXC_UD);
        return;
    }
    gen_helper(t, HELPER_call_far, sel, off, gen_movi(t, t->next_eip), in->opsize);
    gen_exit_cur(t);
}

void gen_retf(struct tcx *t, const struct x86_insn *in)
{
    gen_helper(t, HELPER_retf, gen_movi(t, in->imm & 0xFFFFu), 0, 0, in->opsize);
    gen_exit_cur(t);
}

/* INT n, INT3 (vector 3), INTO. The helpers set EIP in every case: INT/INT3
 * to the handler; INTO to the handler when OF = 1, else to the return EIP it
 * is given (contract for helper_into), so all three leave with exit_cur. */
void gen_int(struct tcx *t, const struct x86_insn *in)
{
    ir_tmp ret = gen_movi(t, t->next_eip);

    if (in->op == X86_OP_INTO) {
        gen_helper(t, HELPER_into, ret, 0, 0, 0);
    } else {
        uint32_t vector = in->op == X86_OP_INT3 ? EXC_BP : in->imm & 0xFFu;
        /* imm 1: INT n, which v86 mode treats apart from INT3 (IOPL, VME) */
        gen_helper(t, HELPER_int, gen_movi(t, vector), ret, 0, in->op == X86_OP_INT);
    }
    gen_exit_cur(t);
}

void gen_iret(struct tcx *t, const struct x86_insn *in)
{
    /* a task return (NT) saves the next EIP in the outgoing TSS */
    gen_helper(t, HELPER_iret, gen_movi(t, t->next_eip), 0, 0, in->opsize);
    gen_exit_cur(t);
}

/* BOUND r, m16&16 / m32&32: the helper reads both bounds and raises #BR.
 * A register second operand is #UD (SDM BOUND). */
void gen_bound(struct tcx *t, const struct x86_insn *in)
{
    if (in->opnd[1].kind != OPND_MEM) {
        gen_raise(t, EXC_UD);
        return;
    }
    ir_tmp index = gen_getr(t, in->opnd[0].reg, in->opsize);
    gen_helper(t, HELPER_bound, index, gen_ea(t, in), gen_movi(t, in->mem.seg), in->opsize);
}
