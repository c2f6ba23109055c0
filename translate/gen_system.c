/* I/O and system instructions: IN/OUT, CLI/STI/HLT, descriptor-table and
 * control/debug register access, cache control, CPUID/RDTSC, WAIT. SDM
 * vol. 2 instruction pages; the checks live in cpu/ helpers. */
#include "cpuid.h"
#include "gen.h"

/* The port operand of IN/OUT: imm8 (zero-extended) or DX. */
static ir_tmp port_operand(struct tcx *t, const struct x86_insn *in, int i)
{
    if (in->opnd[i].kind == OPND_IMM)
        return gen_movi(t, in->imm & 0xFFu);
    return gen_getr(t, R_EDX, 2);
}

/* IN AL/AX/EAX, imm8|DX */
void gen_in(struct tcx *t, const struct x86_insn *in)
{
    unsigned size = in->opnd[0].size;
    ir_tmp v = gen_helper(t, HELPER_in, port_operand(t, in, 1), 0, 0, size);

    gen_setr(t, R_EAX, size, v);
}

/* OUT imm8|DX, AL/AX/EAX */
void gen_out(struct tcx *t, const struct x86_insn *in)
{
    unsigned size = in->opnd[1].size;
    ir_tmp port = port_operand(t, in, 0);

    gen_helper(t, HELPER_out, port, gen_getr(t, R_EAX, size), gen_movi(t, t->next_eip), size);
    gen_exit_cur(t);
}

void gen_cli(struct tcx *t, const struct x86_insn *in)
{
    gen_helper(t, HELPER_cli, 0, 0, 0, 0);
}

/* SDM STI: interrupts stay inhibited until the next instruction retires; the
 * block ends so cpu_exec sees the shadow the helper set. */
void gen_sti(struct tcx *t, const struct x86_insn *in)
{
    gen_helper(t, HELPER_sti, 0, 0, 0, 0);
    gen_exit(t, t->next_eip);
}

/* The helper halts the CPU and sets EIP to the instruction after HLT. */
void gen_hlt(struct tcx *t, const struct x86_insn *in)
{
    gen_helper(t, HELPER_hlt, gen_movi(t, t->next_eip), 0, 0, 0);
    gen_exit_cur(t);
}

/* LGDT LIDT SGDT SIDT m16&32: the helper reads or writes the 6-byte operand
 * (with a 16-bit operand size LGDT/LIDT keep 24 base bits: the helper's job). */
void gen_dtr(struct tcx *t, const struct x86_insn *in)
{
    _Static_assert(X86_OP_SIDT - X86_OP_LGDT == 3, "x86_ops.def lists LGDT LIDT SGDT SIDT");
    static const uint8_t dtr_helper[] = {HELPER_lgdt, HELPER_lidt, HELPER_sgdt, HELPER_sidt};

    if (in->opnd[0].kind != OPND_MEM) {
        gen_raise(t, EXC_UD);
        return;
    }
    gen_helper(t, (enum helper_id)dtr_helper[in->op - X86_OP_LGDT], gen_ea(t, in),
               gen_movi(t, in->mem.seg), 0, in->opsize);
}

/* A 16-bit r/m source: memory is always read as a word. */
static ir_tmp load_word_opnd(struct tcx *t, const struct x86_insn *in, int i)
{
    if (in->opnd[i].kind == OPND_MEM)
        return gen_ld(t, in->mem.seg, gen_ea(t, in), 2);
    return gen_getr(t, in->opnd[i].reg, 2);
}

/* SMSW stores a word to memory, or the operand size to a register. LMSW may
 * set CR0.PE, so the block ends without chaining. */
void gen_msw(struct tcx *t, const struct x86_insn *in)
{
    if (in->op == X86_OP_LMSW) {
        gen_helper(t, HELPER_lmsw, load_word_opnd(t, in, 0), 0, 0, 0);
        gen_exit(t, t->next_eip);
        return;
    }
    ir_tmp msw = gen_helper(t, HELPER_smsw, 0, 0, 0, 0);
    if (in->opnd[0].kind == OPND_MEM)
        gen_st(t, in->mem.seg, gen_ea(t, in), msw, 2);
    else
        gen_setr(t, in->opnd[0].reg, in->opsize, msw);
}

void gen_clts(struct tcx *t, const struct x86_insn *in)
{
    gen_helper(t, HELPER_clts, 0, 0, 0, 0);
}

/* MOV r32, CRn / MOV CRn, r32. Invalid n (#UD) is the helper's call, as the
 * CPU model decides whether CR4 exists. A CR write may change PE/PG: the
 * block ends without chaining. */
void gen_mov_cr(struct tcx *t, const struct x86_insn *in)
{
    if (in->op == X86_OP_MOV_FROM_CR) {
        ir_tmp v = gen_helper(t, HELPER_read_cr, 0, 0, 0, in->opnd[1].reg);
        gen_setr(t, in->opnd[0].reg, 4, v);
        return;
    }
    gen_helper(t, HELPER_write_cr, gen_getr(t, in->opnd[1].reg, 4), 0, 0, in->opnd[0].reg);
    gen_exit(t, t->next_eip);
}

void gen_mov_dr(struct tcx *t, const struct x86_insn *in)
{
    if (in->op == X86_OP_MOV_FROM_DR) {
        ir_tmp v = gen_helper(t, HELPER_read_dr, 0, 0, 0, in->opnd[1].reg);
        gen_setr(t, in->opnd[0].reg, 4, v);
        return;
    }
    gen_helper(t, HELPER_write_dr, gen_getr(t, in->opnd[1].reg, 4), 0, 0, in->opnd[0].reg);
    /* DR7 may enable breakpoints (MODE_DEBUG): leave without chaining */
    gen_exit(t, t->next_eip);
}

/* INVD, WBINVD; INVLPG m takes the linear address (segment base + offset) and
 * is #UD with a register operand (SDM INVLPG). */
void gen_cacheop(struct tcx *t, const struct x86_insn *in)
{
    if (in->op != X86_OP_INVLPG) {
        gen_helper(t, HELPER_invd, 0, 0, 0, 0);
        return;
    }
    if (in->opnd[0].kind != OPND_MEM) {
        gen_raise(t, EXC_UD);
        return;
    }
    ir_tmp laddr = gen_op2(t, IR_add, 4, gen_getbase(t, in->mem.seg), gen_ea(t, in));
    gen_helper(t, HELPER_invlpg, laddr, 0, 0, 0);
}

/* SLDT STR: the selector to memory (16 bits) or to a register (zero-extended
 * at a 32-bit operand size, as the P6 family does). */
static void gen_sldt_str(struct tcx *t, const struct x86_insn *in)
{
    ir_tmp sel = gen_helper(t, in->op == X86_OP_SLDT ? HELPER_sldt : HELPER_str, 0, 0, 0, 0);

    if (in->opnd[0].kind == OPND_MEM)
        gen_st(t, in->mem.seg, gen_ea(t, in), sel, 2);
    else
        gen_setr(t, in->opnd[0].reg, in->opsize == 4 ? 4 : 2, sel);
}

static void gen_lldt_ltr(struct tcx *t, const struct x86_insn *in)
{
    gen_helper(t, in->op == X86_OP_LLDT ? HELPER_lldt : HELPER_ltr, load_word_opnd(t, in, 0), 0,
               0, 0);
}

static void gen_verrw(struct tcx *t, const struct x86_insn *in)
{
    gen_helper(t, HELPER_verrw, load_word_opnd(t, in, 0), 0, 0, in->op == X86_OP_VERW);
}

/* LAR/LSL r, r/m16: the destination keeps its value when ZF ends up clear. */
static void gen_lar_lsl(struct tcx *t, const struct x86_insn *in)
{
    int reg = in->opnd[0].reg;
    ir_tmp old = gen_getr(t, reg, in->opsize);
    ir_tmp v = gen_helper(t, in->op == X86_OP_LAR ? HELPER_lar : HELPER_lsl,
                          load_word_opnd(t, in, 1), old, 0, in->opsize);

    gen_setr(t, reg, in->opsize, v);
}

static void gen_arpl(struct tcx *t, const struct x86_insn *in)
{
    ir_tmp ea;
    ir_tmp dest = gen_load_rmw(t, in, 0, &ea);
    ir_tmp v = gen_helper(t, HELPER_arpl, dest, gen_getr(t, in->opnd[1].reg, 2), 0, 0);

    gen_store_rmw(t, in, 0, ea, v);
}

/* SLDT STR LLDT LTR VERR VERW LAR LSL ARPL exist only in protected mode: in
 * real and virtual-8086 mode they are #UD (SDM vol. 2, "Real-Address Mode
 * Exceptions" and "Virtual-8086 Mode Exceptions" of each). */
void gen_pm_seg(struct tcx *t, const struct x86_insn *in)
{
    _Static_assert(X86_OP_ARPL - X86_OP_SLDT == 8,
                   "x86_ops.def lists SLDT STR LLDT LTR VERR VERW LAR LSL ARPL");
    static gen_fn *const gens[] = {
        gen_sldt_str, gen_sldt_str, gen_lldt_ltr, gen_lldt_ltr, gen_verrw, gen_verrw,
        gen_lar_lsl, gen_lar_lsl, gen_arpl,
    };

    if (!(t->mode & MODE_PE) || (t->mode & MODE_VM86)) {
        gen_raise(t, EXC_UD);
        return;
    }
    gens[in->op - X86_OP_SLDT](t, in);
}

/* RDMSR/WRMSR: the helper checks CPL 0 and the MSR table. */
void gen_msr(struct tcx *t, const struct x86_insn *in)
{
    gen_helper(t, in->op == X86_OP_RDMSR ? HELPER_rdmsr : HELPER_wrmsr, 0, 0, 0, 0);
}

/* SYSENTER/SYSEXIT change CS, SS and the CPL: the block ends. */
void gen_sysenter(struct tcx *t, const struct x86_insn *in)
{
    gen_helper(t, in->op == X86_OP_SYSENTER ? HELPER_sysenter : HELPER_sysexit, 0, 0, 0, 0);
    gen_exit_cur(t);
}

/* CMPXCHG8B m64 (0F C7 /1): #UD on a CPU without CX8. */
void gen_cmpxchg8b(struct tcx *t, const struct x86_insn *in)
{
    if (!(t->cpu->model->features & CPUID_CX8)) {
        gen_raise(t, EXC_UD);
        return;
    }
    ir_tmp ea = gen_ea(t, in);
    ir_tmp ea4 = gen_op2(t, IR_add, in->addrsize, ea, gen_movi(t, 4));
    gen_helper(t, HELPER_cmpxchg8b, ea, ea4, 0, in->mem.seg);
}

void gen_cpuid(struct tcx *t, const struct x86_insn *in)
{
    gen_helper(t, HELPER_cpuid, 0, 0, 0, 0);
}

void gen_rdtsc(struct tcx *t, const struct x86_insn *in)
{
    gen_helper(t, HELPER_rdtsc, 0, 0, 0, 0);
}

/* SDM WAIT: #NM when CR0.MP and CR0.TS are both set, else a pending unmasked
 * x87 exception is signalled (#MF, or FERR# with CR0.NE = 0). The x87
 * escapes themselves are translated by gen_fpu (gen_fpu.c). */
void gen_wait(struct tcx *t, const struct x86_insn *in)
{
    gen_helper(t, HELPER_fwait, 0, 0, 0, 0);
}

void gen_ud(struct tcx *t, const struct x86_insn *in)
{
    gen_raise(t, EXC_UD);
}
