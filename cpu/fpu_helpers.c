/* The x87 instructions (escape opcodes D8-DF, WAIT, FXSAVE/FXRSTOR) as
 * helpers called from translated code: #NM and pending-#MF checks, the
 * last-instruction pointers, the dispatch tables and the control
 * instructions; the other families are in fpu_arith/ldst/func.c.
 * Intel SDM vol. 2 (each instruction), vol. 1 8.3-8.6, vol. 3 table 2-2. */
#include <string.h>

#include "cpu.h"
#include "cpuid.h"
#include "fpu.h"
#include "fpu_exec.h"
#include "helpers.h"
#include "mem.h"

/* ---- control instructions ---- */

static uint32_t r_fnclex(struct fpx *x)
{
    x->f->fsw &= (uint16_t)~(FSW_EXC | FSW_SF);
    fpu_update_es(x->f);
    return 0;
}

static uint32_t r_fninit(struct fpx *x)
{
    fpu_init(x->f);
    return 0;
}

static uint32_t r_fnstsw_ax(struct fpx *x)
{
    return x->f->fsw;
}

static uint32_t m_fnstsw(struct fpx *x)
{
    cpu_write(x->cpu, x->seg, x->ea, 2, x->f->fsw);
    return 0;
}

static uint32_t m_fnstcw(struct fpx *x)
{
    cpu_write(x->cpu, x->seg, x->ea, 2, x->f->fcw);
    return 0;
}

static uint32_t m_fldcw(struct fpx *x)
{
    fpu_set_fcw(x->f, (uint16_t)cpu_read(x->cpu, x->seg, x->ea, 2));
    return 0;
}

/* Protected-mode layouts outside real and virtual-8086 mode (SDM 8.1.10). */
static bool pm_layout(const struct cpu *cpu)
{
    return (cpu->mode & MODE_PE) && !(cpu->mode & MODE_VM86);
}

/* FNSTENV: store, then mask all exceptions (SDM FSTENV) */
static uint32_t m_fnstenv(struct fpx *x)
{
    uint8_t img[FPU_ENV32];
    fpu_store_env(x->f, img, x->o32, pm_layout(x->cpu));
    fpx_mem_write(x, img, x->o32 ? FPU_ENV32 : FPU_ENV16);
    x->f->fcw |= FSW_EXC;
    return 0;
}

static uint32_t m_fldenv(struct fpx *x)
{
    uint8_t img[FPU_ENV32];
    fpx_mem_read(x, img, x->o32 ? FPU_ENV32 : FPU_ENV16);
    fpu_load_env(x->f, img, x->o32, pm_layout(x->cpu));
    return 0;
}

/* FNSAVE: store, then FNINIT */
static uint32_t m_fnsave(struct fpx *x)
{
    uint8_t img[FPU_SAVE32];
    fpu_store_state(x->f, img, x->o32, pm_layout(x->cpu));
    fpx_mem_write(x, img, x->o32 ? FPU_SAVE32 : FPU_SAVE16);
    fpu_init(x->f);
    return 0;
}

static uint32_t m_frstor(struct fpx *x)
{
    uint8_t img[FPU_SAVE32];
    fpx_mem_read(x, img, x->o32 ? FPU_SAVE32 : FPU_SAVE16);
    fpu_load_state(x->f, img, x->o32, pm_layout(x->cpu));
    return 0;
}

/* ---- dispatch tables ---- */

#define A { fpx_m_arith, 0, 0 }
#define CTL (FX_CONTROL | FX_NOWAIT)
static const struct fpx_op mem_ops[8][8] = {
    { A, A, A, A, A, A, A, A },
    { { fpx_m_fld, 0, 0 }, { 0 }, { fpx_m_fst, 0, 0 }, { fpx_m_fst, 0, 0 }, { m_fldenv, FX_CONTROL, 0 },
      { m_fldcw, FX_CONTROL, 0 }, { m_fnstenv, CTL, 0 }, { m_fnstcw, CTL, 0 } },
    { A, A, A, A, A, A, A, A },
    { { fpx_m_fld, 0, 0 }, { 0 }, { fpx_m_fst, 0, 0 }, { fpx_m_fst, 0, 0 }, { 0 }, { fpx_m_fld_wide, 0, 0 },
      { 0 }, { fpx_m_fstp_wide, 0, 0 } },
    { A, A, A, A, A, A, A, A },
    { { fpx_m_fld, 0, 0 }, { 0 }, { fpx_m_fst, 0, 0 }, { fpx_m_fst, 0, 0 }, { m_frstor, FX_CONTROL, 0 },
      { 0 }, { m_fnsave, CTL, 0 }, { m_fnstsw, CTL, 0 } },
    { A, A, A, A, A, A, A, A },
    { { fpx_m_fld, 0, 0 }, { 0 }, { fpx_m_fst, 0, 0 }, { fpx_m_fst, 0, 0 }, { fpx_m_fld_wide, 0, 0 },
      { fpx_m_fld_wide, 0, 0 }, { fpx_m_fstp_wide, 0, 0 }, { fpx_m_fstp_wide, 0, 0 } },
};
#undef A

enum { G_NONE, G_D9_2, G_D9_4, G_D9_5, G_D9_6, G_D9_7, G_DA_5, G_DB_4, G_DE_3, G_DF_4, G_COUNT };

#define AR { fpx_r_arith, 0, 0 }
#define CO { fpx_r_com, 0, 0 }
#define CM { fpx_r_fcmov, FX_P6, 0 }
#define CI { fpx_r_comi, FX_P6, 0 }
#define G(n) { 0, 0, n }
static const struct fpx_op reg_ops[8][8] = {
    { AR, AR, CO, CO, AR, AR, AR, AR },
    { { fpx_r_fld, 0, 0 }, { fpx_r_fxch, 0, 0 }, G(G_D9_2), { fpx_r_fst, 0, 0 }, G(G_D9_4), G(G_D9_5),
      G(G_D9_6), G(G_D9_7) },
    { CM, CM, CM, CM, { 0 }, G(G_DA_5), { 0 }, { 0 } },
    { CM, CM, CM, CM, G(G_DB_4), CI, CI, { 0 } },
    { AR, AR, CO, CO, AR, AR, AR, AR },
    { { fpx_r_ffree, 0, 0 }, { fpx_r_fxch, 0, 0 }, { fpx_r_fst, 0, 0 }, { fpx_r_fst, 0, 0 }, CO, CO, { 0 }, { 0 } },
    { AR, AR, CO, G(G_DE_3), AR, AR, AR, AR },
    { { fpx_r_ffree, 0, 0 }, { fpx_r_fxch, 0, 0 }, { fpx_r_fst, 0, 0 }, { fpx_r_fst, 0, 0 }, G(G_DF_4), CI, CI,
      { 0 } },
};
#undef AR
#undef CO
#undef CM
#undef CI
#undef G

#define R(fn) { fn, 0, 0 }
static const struct fpx_op group_ops[G_COUNT][8] = {
    [G_D9_2] = { R(fpx_r_nop) },
    [G_D9_4] = { R(fpx_r_fchs_fabs), R(fpx_r_fchs_fabs), { 0 }, { 0 }, R(fpx_r_ftst), R(fpx_r_fxam) },
    [G_D9_5] = { R(fpx_r_fldconst), R(fpx_r_fldconst), R(fpx_r_fldconst), R(fpx_r_fldconst), R(fpx_r_fldconst),
                 R(fpx_r_fldconst), R(fpx_r_fldconst) },
    [G_D9_6] = { R(fpx_r_f2xm1), R(fpx_r_binary_pop), R(fpx_r_fptan), R(fpx_r_binary_pop), R(fpx_r_fxtract),
                 R(fpx_r_fprem), R(fpx_r_fincdecstp), R(fpx_r_fincdecstp) },
    [G_D9_7] = { R(fpx_r_fprem), R(fpx_r_binary_pop), R(fpx_r_fsqrt), R(fpx_r_fsincos), R(fpx_r_frndint),
                 R(fpx_r_fscale), R(fpx_r_fsin_fcos), R(fpx_r_fsin_fcos) },
    [G_DA_5] = { [1] = R(fpx_r_compp) },
    /* FENI, FDISI, FSETPM: 8087/287 leftovers, no-ops since the 387 */
    [G_DB_4] = { { fpx_r_nop, CTL, 0 }, { fpx_r_nop, CTL, 0 }, { r_fnclex, CTL, 0 },
                 { r_fninit, CTL, 0 }, { fpx_r_nop, CTL, 0 } },
    [G_DE_3] = { [1] = R(fpx_r_compp) },
    [G_DF_4] = { { r_fnstsw_ax, CTL, 0 } },
};
#undef R
#undef CTL

/* ---- entry points ---- */

/* SDM vol. 3 table 2-2: CR0.EM or CR0.TS makes every escape opcode #NM. */
static void check_nm(struct cpu *cpu)
{
    if (cpu->cr[0] & (CR0_EM | CR0_TS))
        cpu_raise_exception(cpu, EXC_NM, -1);
}

/* An unmasked exception recorded by an earlier instruction is signalled at
 * this waiting instruction: #MF with CR0.NE, else FERR# (the PC's IRQ 13)
 * and the instruction goes on, as with IGNNE# (SDM vol. 1 8.7, D.2). */
static void check_pending(struct cpu *cpu)
{
    struct fpu *f = &cpu->fpu;
    if (!(f->fsw & FSW_ES))
        return;
    if (cpu->cr[0] & CR0_NE)
        cpu_raise_exception(cpu, EXC_MF, -1);
    if (f->ferr)
        f->ferr(f->ferr_opaque, true);
}

static const struct fpx_op *lookup(const struct fpx *x, bool mem)
{
    const struct fpx_op *op = mem ? &mem_ops[x->esc][x->reg] : &reg_ops[x->esc][x->reg];
    if (!mem && op->group)
        op = &group_ops[op->group][x->rm];
    return op;
}

static uint32_t execute(struct cpu *cpu, struct fpx *x, bool mem)
{
    const struct fpx_op *op = lookup(x, mem);
    check_nm(cpu);
    /* a model without an FPU (the 286 alone): escapes compute and store
     * nothing, so FNSTSW AX leaves AX as it was */
    if (!(cpu->model->features & CPUID_FPU))
        return cpu->regs[R_EAX] & 0xFFFF;
    if (!op->fn || ((op->flags & FX_P6) && !(cpu->model->features & CPUID_CMOV)))
        cpu_raise_exception(cpu, EXC_UD, -1);
    if (!(op->flags & FX_NOWAIT))
        check_pending(cpu);
    if (!(op->flags & FX_CONTROL)) {
        struct fpu *f = x->f;
        f->fip = cpu->eip;
        f->fcs = cpu->seg[SEG_CS].sel;
        f->fop = (uint16_t)(x->esc << 8 | x->modrm);
        if (mem) {
            f->fdp = x->ea;
            f->fds = cpu->seg[x->seg].sel;
        }
    }
    return op->fn(x);
}

static struct fpx decode_imm(struct cpu *cpu, uint32_t imm)
{
    struct fpx x = {
        .cpu = cpu, .f = &cpu->fpu, .esc = (imm >> 8) & 7, .modrm = imm & 0xFF,
        .seg = (int)((imm >> 16) & 7), .o32 = (imm >> 20) & 1,
    };
    x.reg = (x.modrm >> 3) & 7;
    x.rm = x.modrm & 7;
    return x;
}

uint32_t helper_fpu_reg(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    struct fpx x = decode_imm(cpu, imm);
    return execute(cpu, &x, false);
}

uint32_t helper_fpu_mem(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    struct fpx x = decode_imm(cpu, imm);
    x.ea = a;
    return execute(cpu, &x, true);
}

uint32_t helper_fpu_fcomi(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    struct fpx x = decode_imm(cpu, imm);
    return execute(cpu, &x, false);
}

uint32_t helper_fpu_fcmov(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    struct fpx x = decode_imm(cpu, imm);
    x.cond = a != 0;
    return execute(cpu, &x, false);
}

/* SDM WAIT: #NM only when both CR0.MP and CR0.TS are set */
uint32_t helper_fwait(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    if ((cpu->cr[0] & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS))
        cpu_raise_exception(cpu, EXC_NM, -1);
    check_pending(cpu);
    return 0;
}

/* FXSAVE/FXRSTOR m512 (0F AE /0 /1): #NM as the escapes, #GP(0) unless the
 * linear address is 16-byte aligned; no pending-exception check. The SSE
 * part (MXCSR, XMM) is not modelled: those bytes are written as zero. */
static struct fpx fx_operand(struct cpu *cpu, uint32_t ea, uint32_t seg)
{
    struct fpx x = { .cpu = cpu, .f = &cpu->fpu, .seg = (int)(seg & 7), .ea = ea, .o32 = true };
    check_nm(cpu);
    if ((cpu->seg[x.seg].base + ea) & 15)
        cpu_raise_exception(cpu, EXC_GP, 0);
    return x;
}

uint32_t helper_fxsave(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    struct fpx x = fx_operand(cpu, a, imm);
    uint8_t img[FPU_FXSAVE];
    memset(img, 0, sizeof(img));
    fpu_fxsave(x.f, img);
    fpx_mem_write(&x, img, 288);
    return 0;
}

uint32_t helper_fxrstor(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    struct fpx x = fx_operand(cpu, a, imm);
    uint8_t img[FPU_FXSAVE];
    fpx_mem_read(&x, img, 160);
    fpu_fxrstor(x.f, img);
    return 0;
}
