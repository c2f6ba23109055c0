/* IRET in every mode (SDM vol. 2 IRET pseudo-code): real mode, virtual-8086
 * mode (IOPL 3, or CR4.VME for the 16-bit form), task return through the
 * back link when NT is set, protected-mode returns to the same or an outer
 * privilege level, and the return to virtual-8086 mode from ring 0. */
#include <assert.h>

#include "cpu.h"
#include "cpuid.h"
#include "desc.h"
#include "helpers.h"
#include "mem.h"
#include "task.h"

/* EFLAGS bits IRET writes at any privilege: CF PF AF ZF SF TF DF OF NT RF
 * AC ID (SDM vol. 2 IRET); IF needs CPL <= IOPL; IOPL, VIF, VIP need CPL 0. */
enum { IRET_ANY = 0x254DD5, IRET_CPL0 = EFLAGS_IF | EFLAGS_IOPL | EFLAGS_VIF | EFLAGS_VIP };

static unsigned iopl_of(const struct cpu *cpu)
{
    return (cpu->eflags & EFLAGS_IOPL) >> 12;
}

static uint32_t id_mask(const struct cpu *cpu)
{
    return cpu->model->has_cpuid ? 0xFFFFFFFFu : ~(uint32_t)EFLAGS_ID;
}

/* The IRET frame: EIP, CS, EFLAGS at the operand size. */
struct iret_frame {
    uint32_t eip, eflags;
    uint16_t cs;
};

static void pop_frame(struct cpu *cpu, struct pm_stack *st, unsigned osize,
                      struct iret_frame *f)
{
    f->eip = pm_stack_pop(cpu, st, osize);
    f->cs = (uint16_t)pm_stack_pop(cpu, st, osize);
    f->eflags = pm_stack_pop(cpu, st, osize);
}

/* The value size bytes at SS:(E)SP + offset, without moving (E)SP. */
static uint32_t stack_peek(struct cpu *cpu, uint32_t offset, unsigned size)
{
    uint32_t mask = (cpu->mode & MODE_SS32) ? 0xFFFFFFFFu : 0xFFFFu;
    return cpu_read(cpu, SEG_SS, (cpu->regs[R_ESP] + offset) & mask, size);
}

/* Real mode (SDM vol. 2 IRET: 257FD5H for a 32-bit IRET; VM VIF VIP kept).
 * Reads go through SS like any stack access (the 80286 model's #GP rule). */
static void iret_real(struct cpu *cpu, unsigned osize)
{
    uint32_t mask = (cpu->mode & MODE_SS32) ? 0xFFFFFFFFu : 0xFFFFu, sp = cpu->regs[R_ESP];
    uint32_t eip = stack_peek(cpu, 0, osize);
    uint16_t cs = (uint16_t)stack_peek(cpu, osize, osize);
    uint32_t fl = stack_peek(cpu, 2 * osize, osize);

    if (eip > cpu->seg[SEG_CS].limit)
        cpu_raise_exception(cpu, EXC_GP, 0);
    cpu->regs[R_ESP] = (sp & ~mask) | ((sp + 3 * osize) & mask);
    cpu_load_seg_real(cpu, SEG_CS, cs);
    cpu->eip = eip;
    cpu_set_eflags(cpu, fl, osize == 2 ? 0xFFFF : 0x257FD5 & id_mask(cpu));
    cpu_update_mode(cpu);
}

/* v86 mode: with IOPL 3 as in real mode but IOPL kept; with VME a 16-bit
 * IRET moves the popped IF into VIF (SDM vol. 3 20.3.3.5); else #GP(0). */
static void iret_v86(struct cpu *cpu, unsigned osize)
{
    struct pm_stack st;
    struct iret_frame f;
    uint32_t mask;
    bool vme = iopl_of(cpu) < 3;

    if (vme && (osize == 4 || !(cpu->cr[4] & CR4_VME)))
        cpu_raise_exception(cpu, EXC_GP, 0);
    pm_stack_current(cpu, &st);
    pop_frame(cpu, &st, osize, &f);
    if (osize == 4 && f.eip > 0xFFFF)
        cpu_raise_exception(cpu, EXC_GP, 0);
    mask = osize == 2 ? 0xFFFF & ~(uint32_t)EFLAGS_IOPL : 0x254FD5 & id_mask(cpu);
    if (vme) {
        if (((f.eflags & EFLAGS_IF) && (cpu->eflags & EFLAGS_VIP)) || (f.eflags & EFLAGS_TF))
            cpu_raise_exception(cpu, EXC_GP, 0);
        mask &= ~(uint32_t)EFLAGS_IF;
        f.eflags = (f.eflags & ~(uint32_t)EFLAGS_VIF) | ((f.eflags & EFLAGS_IF) ? EFLAGS_VIF : 0);
        mask |= EFLAGS_VIF;
    }
    pm_stack_set_sp(cpu, &st);
    seg_load_v86(cpu, SEG_CS, f.cs);
    cpu->eip = f.eip & 0xFFFF;
    cpu_set_eflags(cpu, f.eflags, mask);
    cpu_update_mode(cpu);
}

/* NT set: return to the task in the back link (SDM vol. 3 7.3, table 7-2). */
static void iret_task(struct cpu *cpu, uint32_t next_eip)
{
    uint16_t link = (uint16_t)cpu_read_linear(cpu, cpu->tr.base, 2);
    struct desc d;
    unsigned type;

    if (link & 4)
        cpu_raise_exception(cpu, EXC_TS, desc_error(cpu, link));
    desc_fetch(cpu, link, &d, EXC_TS);
    type = desc_type(&d);
    if (type != SYS_TSS16_BUSY && type != SYS_TSS32_BUSY)
        cpu_raise_exception(cpu, EXC_TS, desc_error(cpu, link));
    if (!desc_present(&d))
        cpu_raise_exception(cpu, EXC_NP, desc_error(cpu, link));
    task_switch(cpu, link, &d, TASK_IRET, next_eip);
    task_debug_trap(cpu);
}

/* From ring 0 to v86 mode: ESP SS ES DS FS GS follow the frame (SDM vol. 2
 * IRET, RETURN-TO-VIRTUAL-8086-MODE). */
static void iret_to_v86(struct cpu *cpu, struct pm_stack *st, const struct iret_frame *f)
{
    static const int segs[] = {SEG_ES, SEG_DS, SEG_FS, SEG_GS};
    uint32_t esp = pm_stack_pop(cpu, st, 4), sel[4];
    uint16_t ss = (uint16_t)pm_stack_pop(cpu, st, 4);

    for (unsigned i = 0; i < 4; i++)
        sel[i] = pm_stack_pop(cpu, st, 4);
    cpu_set_eflags(cpu, f->eflags, 0xFFFFFFFFu & id_mask(cpu));
    seg_load_v86(cpu, SEG_CS, f->cs);
    seg_load_v86(cpu, SEG_SS, ss);
    for (unsigned i = 0; i < 4; i++)
        seg_load_v86(cpu, segs[i], (uint16_t)sel[i]);
    cpu->regs[R_ESP] = esp;
    cpu->eip = f->eip & 0xFFFF;
    cpu_update_mode(cpu);
}

/* The return CS: code, RPL >= CPL, DPL by conformity, present. */
static void check_return_cs(struct cpu *cpu, uint16_t sel, struct desc *d)
{
    unsigned rpl = sel & 3, dpl;
    int32_t err = desc_error(cpu, sel);

    if ((sel & 0xFFFCu) == 0)
        cpu_raise_exception(cpu, EXC_GP, 0);
    desc_fetch(cpu, sel, d, EXC_GP);
    dpl = desc_dpl(d);
    if (!desc_is_code(d) || rpl < cpu_cpl_of(cpu) ||
        (desc_conforming(d) ? dpl > rpl : dpl != rpl))
        cpu_raise_exception(cpu, EXC_GP, err);
    if (!desc_present(d))
        cpu_raise_exception(cpu, EXC_NP, err);
}

static uint32_t iret_flags_mask(const struct cpu *cpu, unsigned osize)
{
    unsigned cpl = cpu_cpl_of(cpu);
    uint32_t mask = IRET_ANY & id_mask(cpu);

    if (cpl == 0)
        mask |= IRET_CPL0;
    else if (cpl <= iopl_of(cpu))
        mask |= EFLAGS_IF;
    return osize == 2 ? mask & 0xFFFF : mask;
}

static void iret_pm(struct cpu *cpu, unsigned osize)
{
    struct pm_stack st;
    struct iret_frame f;
    struct desc cs, ss;
    uint16_t ss_sel = 0;
    uint32_t esp = 0, mask;
    unsigned rpl;
    bool outer;

    pm_stack_current(cpu, &st);
    pop_frame(cpu, &st, osize, &f);
    if (osize == 4 && (f.eflags & EFLAGS_VM) && cpu_cpl_of(cpu) == 0) {
        iret_to_v86(cpu, &st, &f);
        return;
    }
    check_return_cs(cpu, f.cs, &cs);
    rpl = f.cs & 3;
    outer = rpl > cpu_cpl_of(cpu);
    if (outer) {
        esp = pm_stack_pop(cpu, &st, osize);
        ss_sel = (uint16_t)pm_stack_pop(cpu, &st, osize);
        if ((ss_sel & 0xFFFCu) == 0)
            cpu_raise_exception(cpu, EXC_GP, 0);
        desc_fetch(cpu, ss_sel, &ss, EXC_GP);
        seg_check_ss(cpu, ss_sel, &ss, rpl, EXC_GP);
    }
    if (osize == 2)
        f.eip &= 0xFFFF;
    if (f.eip > desc_limit(&cs))
        cpu_raise_exception(cpu, EXC_GP, 0);
    mask = iret_flags_mask(cpu, osize);
    cpu_set_eflags(cpu, f.eflags, mask);
    seg_load_cs(cpu, f.cs, &cs, rpl);
    cpu->eip = f.eip;
    if (!outer) {
        pm_stack_set_sp(cpu, &st);
    } else {
        desc_set_accessed(cpu, ss_sel, &ss);
        seg_from_desc(&cpu->seg[SEG_SS], ss_sel, &ss);
        cpu->regs[R_ESP] = osize == 2 ? (cpu->regs[R_ESP] & 0xFFFF0000u) | (esp & 0xFFFF) : esp;
    }
    cpu_update_mode(cpu);
    seg_invalidate_outer(cpu);
}

/* a: EIP of the next instruction (saved by a task return); imm: osize */
uint32_t helper_iret(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    assert(imm == 2 || imm == 4);
    if (!(cpu->cr[0] & CR0_PE))
        iret_real(cpu, imm);
    else if (cpu->eflags & EFLAGS_VM)
        iret_v86(cpu, imm);
    else if (cpu->eflags & EFLAGS_NT)
        iret_task(cpu, a);
    else
        iret_pm(cpu, imm);
    return 0;
}
