/* Protected-mode segment instructions: SLDT, STR, LLDT, LTR, LAR, LSL, VERR,
 * VERW and ARPL (SDM vol. 2, each instruction's pseudo-code). The translator
 * raises #UD for them in real and virtual-8086 mode. LAR/LSL/VERR/VERW set
 * only ZF; a selector they cannot use clears ZF instead of faulting. */
#include "cpu.h"
#include "desc.h"
#include "helpers.h"
#include "mem.h"

static void set_zf(struct cpu *cpu, bool zf)
{
    cpu_set_eflags(cpu, zf ? EFLAGS_ZF : 0, EFLAGS_ZF);
}

static void require_cpl0(struct cpu *cpu)
{
    if (cpu_cpl_of(cpu) != 0)
        cpu_raise_exception(cpu, EXC_GP, 0);
}

uint32_t helper_sldt(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    return cpu->ldtr.sel;
}

uint32_t helper_str(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    return cpu->tr.sel;
}

/* A GDT descriptor for LLDT/LTR: #GP(sel) for an LDT selector, one past the
 * limit or of the wrong type, #NP(sel) if not present. */
static void system_desc(struct cpu *cpu, uint16_t sel, struct desc *d, unsigned t1, unsigned t2)
{
    if ((sel & 4) || !desc_read(cpu, sel, d) ||
        (desc_type(d) != t1 && desc_type(d) != t2))
        cpu_raise_exception(cpu, EXC_GP, (int32_t)(sel & 0xFFFCu));
    if (!desc_present(d))
        cpu_raise_exception(cpu, EXC_NP, (int32_t)(sel & 0xFFFCu));
}

uint32_t helper_lldt(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint16_t sel = (uint16_t)a;
    struct desc d;

    require_cpl0(cpu);
    if ((sel & 0xFFFCu) == 0) {
        cpu->ldtr.sel = sel;
        cpu->ldtr.ar = 0;
        cpu->ldtr.base = cpu->ldtr.limit = 0;
        return 0;
    }
    system_desc(cpu, sel, &d, SYS_LDT, SYS_LDT);
    seg_from_desc(&cpu->ldtr, sel, &d);
    return 0;
}

/* LTR marks the TSS busy (SDM vol. 2 LTR). */
uint32_t helper_ltr(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint16_t sel = (uint16_t)a;
    struct desc d;

    require_cpl0(cpu);
    if ((sel & 0xFFFCu) == 0)
        cpu_raise_exception(cpu, EXC_GP, 0);
    system_desc(cpu, sel, &d, SYS_TSS16, SYS_TSS32);
    d.hi |= 2u << 8;
    desc_write_hi(cpu, sel, d.hi);
    seg_from_desc(&cpu->tr, sel, &d);
    return 0;
}

/* Is a descriptor visible to LAR/LSL/VERR/VERW at CPL with sel's RPL?
 * Conforming code always; other code and data need DPL >= max(CPL, RPL);
 * system types only those the instruction lists (mask of types 0-15). */
static bool visible(struct cpu *cpu, uint16_t sel, struct desc *d, uint32_t system_types)
{
    unsigned dpl;

    if ((sel & 0xFFFCu) == 0 || !desc_read(cpu, sel, d))
        return false;
    if (!(desc_type(d) & AR_S))
        return ((system_types >> desc_type(d)) & 1) && desc_dpl(d) >= cpu_cpl_of(cpu) &&
               desc_dpl(d) >= (sel & 3u);
    if (desc_conforming(d))
        return true;
    dpl = desc_dpl(d);
    return dpl >= cpu_cpl_of(cpu) && dpl >= (sel & 3u);
}

/* LAR: TSS, LDT, call and task gates (types 1-5, 9, 11, 12). a: selector,
 * b: old destination (kept when ZF = 0), imm: operand size. */
uint32_t helper_lar(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    struct desc d;
    bool ok = visible(cpu, (uint16_t)a, &d, 0x1A3E);

    set_zf(cpu, ok);
    if (!ok)
        return b;
    /* SDM vol. 2 LAR: masked by 00FxFF00H, bits 16-19 undefined; they read
     * as 0 here, as on QEMU */
    return d.hi & (imm == 4 ? 0x00F0FF00u : 0xFF00u);
}

/* LSL: TSS and LDT (types 1-3, 9, 11); the limit after G scaling. */
uint32_t helper_lsl(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    struct desc d;
    bool ok = visible(cpu, (uint16_t)a, &d, 0x0A0E);

    set_zf(cpu, ok);
    if (!ok)
        return b;
    return imm == 4 ? desc_limit(&d) : desc_limit(&d) & 0xFFFF;
}

/* VERR (imm 0): readable code or data; VERW (imm 1): writable data. */
uint32_t helper_verrw(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    struct desc d;
    bool ok = visible(cpu, (uint16_t)a, &d, 0);

    if (ok && imm)
        ok = desc_is_data(&d) && (desc_type(&d) & AR_RW);
    else if (ok)
        ok = desc_is_data(&d) || (desc_type(&d) & AR_RW);
    set_zf(cpu, ok);
    return 0;
}

/* ARPL: raise the RPL of a (destination) to that of b, ZF when it changed. */
uint32_t helper_arpl(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    bool lower = (a & 3) < (b & 3);

    set_zf(cpu, lower);
    return lower ? (a & ~3u) | (b & 3) : a;
}
