/* Far JMP, CALL and RET (SDM vol. 2 JMP, CALL, RET pseudo-code): real and
 * virtual-8086 mode, and protected mode with direct code segments
 * (conforming or not), call gates with the privilege change and stack switch
 * from the TSS (parameters copied), task gates and TSS descriptors, and
 * RETF to an outer level (data segments invalidated). Vol. 3 5.8. */
#include "bits.h"
#include <assert.h>

#include "cpu.h"
#include "desc.h"
#include "helpers.h"
#include "mem.h"
#include "task.h"

/* ---- real and virtual-8086 mode ---- */

static void set_cs_real(struct cpu *cpu, uint16_t sel, uint32_t eip)
{
    if (cpu->eflags & EFLAGS_VM)
        seg_load_v86(cpu, SEG_CS, sel);
    else
        cpu_load_seg_real(cpu, SEG_CS, sel);
    cpu->eip = eip;
    cpu_update_mode(cpu);
}

/* The target offset, at the operand size, within the CS limit (kept by
 * real-mode loads, FFFFh in v86 mode). */
static uint32_t far_target(struct cpu *cpu, uint32_t offset, unsigned osize)
{
    uint32_t eip = offset & size_mask(osize);

    if (eip > cpu->seg[SEG_CS].limit)
        cpu_raise_exception(cpu, EXC_GP, 0);
    return eip;
}

static bool real_like(const struct cpu *cpu)
{
    return !(cpu->cr[0] & CR0_PE) || (cpu->eflags & EFLAGS_VM);
}

/* ---- protected mode ---- */

/* A direct code-segment target (SDM vol. 3 5.8.1): conforming needs
 * DPL <= CPL, non-conforming RPL <= CPL and DPL = CPL; then present. */
static void check_direct_code(struct cpu *cpu, uint16_t sel, const struct desc *d)
{
    unsigned cpl = cpu_cpl_of(cpu), dpl = desc_dpl(d);

    if (desc_conforming(d) ? dpl > cpl : ((sel & 3) > cpl || dpl != cpl))
        cpu_raise_exception(cpu, EXC_GP, desc_error(cpu, sel));
    if (!desc_present(d))
        cpu_raise_exception(cpu, EXC_NP, desc_error(cpu, sel));
}

/* Gates and TSS descriptors: DPL >= max(CPL, RPL), present. */
static void check_gate(struct cpu *cpu, uint16_t sel, const struct desc *d)
{
    unsigned cpl = cpu_cpl_of(cpu), dpl = desc_dpl(d);

    if (dpl < cpl || dpl < (sel & 3u))
        cpu_raise_exception(cpu, EXC_GP, desc_error(cpu, sel));
    if (!desc_present(d))
        cpu_raise_exception(cpu, EXC_NP, desc_error(cpu, sel));
}

/* The TSS a task gate or a TSS descriptor names: available, in the GDT. */
static void far_task(struct cpu *cpu, uint16_t sel, struct desc *d, enum task_reason why,
                     uint32_t next_eip)
{
    struct desc tss;
    uint16_t tss_sel = sel;

    if (desc_type(d) == SYS_TASK) {
        tss_sel = gate_sel(d);
        if (tss_sel & 4)
            cpu_raise_exception(cpu, EXC_GP, desc_error(cpu, tss_sel));
        desc_fetch(cpu, tss_sel, &tss, EXC_GP);
        if (desc_type(&tss) != SYS_TSS16 && desc_type(&tss) != SYS_TSS32)
            cpu_raise_exception(cpu, EXC_GP, desc_error(cpu, tss_sel));
        if (!desc_present(&tss))
            cpu_raise_exception(cpu, EXC_NP, desc_error(cpu, tss_sel));
        d = &tss;
    }
    task_switch(cpu, tss_sel, d, why, next_eip);
    task_debug_trap(cpu);
}

/* The code segment a call gate leads to (SDM vol. 3 5.8.4): code with
 * DPL <= CPL; a JMP needs conforming or DPL = CPL. */
static void gate_target(struct cpu *cpu, const struct desc *gate, bool is_jmp, uint16_t *sel,
                        struct desc *cs)
{
    unsigned dpl, cpl = cpu_cpl_of(cpu);

    *sel = gate_sel(gate);
    if ((*sel & 0xFFFCu) == 0)
        cpu_raise_exception(cpu, EXC_GP, 0);
    desc_fetch(cpu, *sel, cs, EXC_GP);
    dpl = desc_dpl(cs);
    if (!desc_is_code(cs) || dpl > cpl || (is_jmp && !desc_conforming(cs) && dpl != cpl))
        cpu_raise_exception(cpu, EXC_GP, desc_error(cpu, *sel));
    if (!desc_present(cs))
        cpu_raise_exception(cpu, EXC_NP, desc_error(cpu, *sel));
}

static bool is_call_gate(const struct desc *d)
{
    return desc_type(d) == SYS_CALL16 || desc_type(d) == SYS_CALL32;
}

static bool is_task_target(const struct desc *d)
{
    unsigned type = desc_type(d);
    return type == SYS_TASK || type == SYS_TSS16 || type == SYS_TSS32;
}

/* Read the descriptor of a far target selector (#GP(0) for null). */
static void far_desc(struct cpu *cpu, uint16_t sel, struct desc *d)
{
    if ((sel & 0xFFFCu) == 0)
        cpu_raise_exception(cpu, EXC_GP, 0);
    desc_fetch(cpu, sel, d, EXC_GP);
    if (!desc_is_code(d) && !is_call_gate(d) && !is_task_target(d))
        cpu_raise_exception(cpu, EXC_GP, desc_error(cpu, sel));
}

static void enter_code(struct cpu *cpu, uint16_t sel, struct desc *cs, uint32_t eip,
                       unsigned cpl)
{
    if (eip > desc_limit(cs))
        cpu_raise_exception(cpu, EXC_GP, 0);
    seg_load_cs(cpu, sel, cs, cpl);
    cpu->eip = eip;
    cpu_update_mode(cpu);
}

static void jmp_pm(struct cpu *cpu, uint16_t sel, uint32_t offset, uint32_t next_eip,
                   unsigned osize)
{
    struct desc d, cs;
    uint16_t cs_sel;

    far_desc(cpu, sel, &d);
    if (desc_is_code(&d)) {
        check_direct_code(cpu, sel, &d);
        enter_code(cpu, sel, &d, offset & size_mask(osize), cpu_cpl_of(cpu));
        return;
    }
    check_gate(cpu, sel, &d);
    if (is_task_target(&d)) {
        far_task(cpu, sel, &d, TASK_JMP, next_eip);
        return;
    }
    gate_target(cpu, &d, true, &cs_sel, &cs);
    enter_code(cpu, cs_sel, &cs,
               gate_offset(&d) & size_mask(desc_type(&d) == SYS_CALL32 ? 4 : 2),
               cpu_cpl_of(cpu));
}

uint32_t helper_jmp_far(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    assert(imm == 2 || imm == 4);
    if (real_like(cpu))
        set_cs_real(cpu, (uint16_t)a, far_target(cpu, b, imm));
    else
        jmp_pm(cpu, (uint16_t)a, b, c, imm);
    return 0;
}

/* ---- CALL ---- */

/* CALL through a call gate to a more privileged level: new stack from the
 * TSS, old SS:ESP and the gate's parameter count copied (SDM vol. 3 5.8.5). */
static void call_inner(struct cpu *cpu, const struct desc *gate, uint16_t cs_sel,
                       struct desc *cs, uint32_t ret_eip)
{
    unsigned dpl = desc_dpl(cs), size = desc_type(gate) == SYS_CALL32 ? 4 : 2;
    unsigned nparams = gate_params(gate);
    struct pm_stack old, st;
    struct desc ss;
    uint16_t ss_sel;
    uint32_t esp, eip = gate_offset(gate) & size_mask(size);

    tss_inner_stack(cpu, dpl, &ss_sel, &esp);
    if ((ss_sel & 0xFFFCu) == 0)
        cpu_raise_exception(cpu, EXC_TS, 0);
    desc_fetch(cpu, ss_sel, &ss, EXC_TS);
    seg_check_ss(cpu, ss_sel, &ss, dpl, EXC_TS);
    pm_stack_current(cpu, &old);
    pm_stack_new(cpu, &st, ss_sel, &ss, esp);
    pm_stack_push(cpu, &st, size, cpu->seg[SEG_SS].sel);
    pm_stack_push(cpu, &st, size, cpu->regs[R_ESP]);
    for (unsigned i = nparams; i-- > 0;) {
        struct pm_stack p = old;
        p.sp = (old.sp + i * size) & old.mask;
        pm_stack_push(cpu, &st, size, pm_stack_pop(cpu, &p, size));
    }
    pm_stack_push(cpu, &st, size, cpu->seg[SEG_CS].sel);
    pm_stack_push(cpu, &st, size, ret_eip);
    if (eip > desc_limit(cs))
        cpu_raise_exception(cpu, EXC_GP, 0);
    desc_set_accessed(cpu, ss_sel, &ss);
    seg_from_desc(&cpu->seg[SEG_SS], ss_sel, &ss);
    cpu->regs[R_ESP] = esp;
    pm_stack_set_sp(cpu, &st);
    enter_code(cpu, cs_sel, cs, eip, dpl);
}

/* Push CS:EIP at size on the current stack, then enter the code. */
static void call_same(struct cpu *cpu, uint16_t cs_sel, struct desc *cs, uint32_t eip,
                      uint32_t ret_eip, unsigned size)
{
    struct pm_stack st;

    pm_stack_current(cpu, &st);
    pm_stack_push(cpu, &st, size, cpu->seg[SEG_CS].sel);
    pm_stack_push(cpu, &st, size, ret_eip);
    if (eip > desc_limit(cs))
        cpu_raise_exception(cpu, EXC_GP, 0);
    pm_stack_set_sp(cpu, &st);
    enter_code(cpu, cs_sel, cs, eip, cpu_cpl_of(cpu));
}

static void call_pm(struct cpu *cpu, uint16_t sel, uint32_t offset, uint32_t ret_eip,
                    unsigned osize)
{
    struct desc d, cs;
    uint16_t cs_sel;
    unsigned size;

    far_desc(cpu, sel, &d);
    if (desc_is_code(&d)) {
        check_direct_code(cpu, sel, &d);
        call_same(cpu, sel, &d, offset & size_mask(osize), ret_eip, osize);
        return;
    }
    check_gate(cpu, sel, &d);
    if (is_task_target(&d)) {
        far_task(cpu, sel, &d, TASK_CALL, ret_eip);
        return;
    }
    gate_target(cpu, &d, false, &cs_sel, &cs);
    size = desc_type(&d) == SYS_CALL32 ? 4 : 2;
    if (!desc_conforming(&cs) && desc_dpl(&cs) < cpu_cpl_of(cpu))
        call_inner(cpu, &d, cs_sel, &cs, ret_eip);
    else
        call_same(cpu, cs_sel, &cs, gate_offset(&d) & size_mask(size), ret_eip, size);
}

static uint32_t sp_mask(const struct cpu *cpu)
{
    return (cpu->mode & MODE_SS32) ? 0xFFFFFFFFu : 0xFFFFu;
}

uint32_t helper_call_far(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint32_t mask = sp_mask(cpu), sp = cpu->regs[R_ESP], eip;

    assert(imm == 2 || imm == 4);
    if (!real_like(cpu)) {
        call_pm(cpu, (uint16_t)a, b, c, imm);
        return 0;
    }
    /* SDM vol. 2 CALL: the stack check (#SS) comes before the target check
     * (#GP); a 32-bit push of CS is zero-extended. (E)SP moves last. */
    cpu_write(cpu, SEG_SS, (sp - imm) & mask, imm, cpu->seg[SEG_CS].sel);
    cpu_write(cpu, SEG_SS, (sp - 2 * imm) & mask, imm, c & size_mask(imm));
    eip = far_target(cpu, b, imm);
    cpu->regs[R_ESP] = (sp & ~mask) | ((sp - 2 * imm) & mask);
    set_cs_real(cpu, (uint16_t)a, eip);
    return 0;
}

/* ---- RETF ---- */

/* RETF to an outer level: SS:ESP follow CS:EIP; imm bytes are released on
 * both stacks; then DS..GS the new CPL may not use are nulled. */
static void retf_outer(struct cpu *cpu, struct pm_stack *st, uint16_t cs_sel, struct desc *cs,
                       uint32_t eip, uint32_t release, unsigned osize)
{
    unsigned rpl = cs_sel & 3;
    uint32_t esp;
    uint16_t ss_sel;
    struct desc ss;

    st->sp = (st->sp + release) & st->mask;
    esp = pm_stack_pop(cpu, st, osize);
    ss_sel = (uint16_t)pm_stack_pop(cpu, st, osize);
    if ((ss_sel & 0xFFFCu) == 0)
        cpu_raise_exception(cpu, EXC_GP, 0);
    desc_fetch(cpu, ss_sel, &ss, EXC_GP);
    seg_check_ss(cpu, ss_sel, &ss, rpl, EXC_GP);
    if (eip > desc_limit(cs))
        cpu_raise_exception(cpu, EXC_GP, 0);
    seg_load_cs(cpu, cs_sel, cs, rpl);
    cpu->eip = eip;
    desc_set_accessed(cpu, ss_sel, &ss);
    seg_from_desc(&cpu->seg[SEG_SS], ss_sel, &ss);
    pm_stack_new(cpu, st, ss_sel, &ss, esp + release);
    cpu->regs[R_ESP] = esp + release;
    pm_stack_set_sp(cpu, st);
    cpu_update_mode(cpu);
    seg_invalidate_outer(cpu);
}

static void retf_pm(struct cpu *cpu, uint32_t release, unsigned osize)
{
    struct pm_stack st;
    struct desc cs;
    uint32_t eip;
    uint16_t sel;
    unsigned rpl, dpl;

    pm_stack_current(cpu, &st);
    eip = pm_stack_pop(cpu, &st, osize);
    sel = (uint16_t)pm_stack_pop(cpu, &st, osize);
    rpl = sel & 3;
    if ((sel & 0xFFFCu) == 0)
        cpu_raise_exception(cpu, EXC_GP, 0);
    desc_fetch(cpu, sel, &cs, EXC_GP);
    dpl = desc_dpl(&cs);
    if (rpl < cpu_cpl_of(cpu) || !desc_is_code(&cs) ||
        (desc_conforming(&cs) ? dpl > rpl : dpl != rpl))
        cpu_raise_exception(cpu, EXC_GP, desc_error(cpu, sel));
    if (!desc_present(&cs))
        cpu_raise_exception(cpu, EXC_NP, desc_error(cpu, sel));
    if (rpl > cpu_cpl_of(cpu)) {
        retf_outer(cpu, &st, sel, &cs, eip, release, osize);
        return;
    }
    if (eip > desc_limit(&cs))
        cpu_raise_exception(cpu, EXC_GP, 0);
    st.sp = (st.sp + release) & st.mask;
    pm_stack_set_sp(cpu, &st);
    enter_code(cpu, sel, &cs, eip, rpl);
}

uint32_t helper_retf(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint32_t mask = sp_mask(cpu), sp = cpu->regs[R_ESP], offset, eip;
    uint16_t sel;

    assert(imm == 2 || imm == 4);
    if (!real_like(cpu)) {
        retf_pm(cpu, a, imm);
        return 0;
    }
    offset = cpu_read(cpu, SEG_SS, sp & mask, imm);
    sel = (uint16_t)cpu_read(cpu, SEG_SS, (sp + imm) & mask, imm);
    eip = far_target(cpu, offset, imm);
    cpu->regs[R_ESP] = (sp & ~mask) | ((sp + 2 * imm + a) & mask);
    set_cs_real(cpu, sel, eip);
    return 0;
}
