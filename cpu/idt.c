/* Interrupt and exception delivery in protected and virtual-8086 mode:
 * interrupt, trap and task gates, privilege changes with the TSS stack, the
 * v86 exit (GS FS DS ES pushed), and VME software-interrupt redirection.
 * Intel SDM vol. 2 INT n pseudo-code; vol. 3 6.10-6.13, 20.3. */
#include "cpu.h"
#include "cpuid.h"
#include "desc.h"
#include "mem.h"
#include "task.h"

/* The handler's code segment and where it runs. */
struct gate_target {
    struct desc gate, cs;
    uint16_t cs_sel;
    /* privilege level of the handler, and whether the stack changes */
    unsigned cpl;
    bool inner;
    /* pushes are 4 bytes (386 gate) or 2 (286 gate) */
    unsigned size;
};

static int32_t idt_error(const struct cpu *cpu, int vector)
{
    return (int32_t)((unsigned)vector * 8 + 2 + cpu->exc_ext);
}

static bool is_gate_type(unsigned type)
{
    return type == SYS_TASK || type == SYS_INT16 || type == SYS_TRAP16 || type == SYS_INT32 ||
           type == SYS_TRAP32;
}

/* Read and check the IDT gate (SDM vol. 2 INT n: limit, type, DPL for
 * software interrupts, present). */
static void read_gate(struct cpu *cpu, int vector, enum int_kind kind, struct desc *g)
{
    uint32_t offset = (uint32_t)vector * 8;

    if (offset + 7 > cpu->idtr.limit)
        cpu_raise_exception(cpu, EXC_GP, idt_error(cpu, vector));
    g->lo = cpu_read_linear(cpu, cpu->idtr.base + offset, 4);
    g->hi = cpu_read_linear(cpu, cpu->idtr.base + offset + 4, 4);
    if (!is_gate_type(desc_type(g)))
        cpu_raise_exception(cpu, EXC_GP, idt_error(cpu, vector));
    if (kind == INT_SOFTWARE && desc_dpl(g) < cpu_cpl_of(cpu))
        cpu_raise_exception(cpu, EXC_GP, idt_error(cpu, vector));
    if (!desc_present(g))
        cpu_raise_exception(cpu, EXC_NP, idt_error(cpu, vector));
}

/* The gate's code segment: code, DPL <= CPL, present; inner when it is
 * non-conforming with DPL < CPL. From v86 mode only a ring-0 non-conforming
 * handler is allowed (SDM vol. 3 20.3.1.1). */
static void gate_code(struct cpu *cpu, struct gate_target *t)
{
    unsigned cpl = cpu_cpl_of(cpu), dpl;
    int32_t err;

    t->cs_sel = gate_sel(&t->gate);
    if ((t->cs_sel & 0xFFFCu) == 0)
        cpu_raise_exception(cpu, EXC_GP, cpu->exc_ext);
    desc_fetch(cpu, t->cs_sel, &t->cs, EXC_GP);
    err = desc_error(cpu, t->cs_sel);
    dpl = desc_dpl(&t->cs);
    if (!desc_is_code(&t->cs) || dpl > cpl)
        cpu_raise_exception(cpu, EXC_GP, err);
    if (!desc_present(&t->cs))
        cpu_raise_exception(cpu, EXC_NP, err);
    t->inner = !desc_conforming(&t->cs) && dpl < cpl;
    if ((cpu->eflags & EFLAGS_VM) && (!t->inner || dpl != 0))
        cpu_raise_exception(cpu, EXC_GP, err);
    t->cpl = t->inner ? dpl : cpl;
    t->size = tss_is32(desc_type(&t->gate)) ? 4 : 2;
}

/* The stack of an inner-privilege handler, from the TSS (SDM vol. 3 6.12.1:
 * #TS for a bad SS, #SS if it is not present). */
static void inner_stack(struct cpu *cpu, const struct gate_target *t, struct pm_stack *st,
                        uint16_t *ss_sel, struct desc *ss)
{
    uint32_t esp;

    tss_inner_stack(cpu, t->cpl, ss_sel, &esp);
    if ((*ss_sel & 0xFFFCu) == 0)
        cpu_raise_exception(cpu, EXC_TS, cpu->exc_ext);
    desc_fetch(cpu, *ss_sel, ss, EXC_TS);
    seg_check_ss(cpu, *ss_sel, ss, t->cpl, EXC_TS);
    pm_stack_new(cpu, st, *ss_sel, ss, esp);
    cpu->regs[R_ESP] = esp;
}

static void push_frame(struct cpu *cpu, struct pm_stack *st, const struct gate_target *t,
                       int32_t error, uint32_t return_eip)
{
    pm_stack_push(cpu, st, t->size, cpu_get_eflags(cpu));
    pm_stack_push(cpu, st, t->size, cpu->seg[SEG_CS].sel);
    pm_stack_push(cpu, st, t->size, return_eip);
    if (error >= 0)
        pm_stack_push(cpu, st, t->size, (uint32_t)error);
}

/* Enter the handler: CS:EIP, and the EFLAGS changes of SDM vol. 3 6.12.1.2
 * (TF NT RF VM cleared; IF too through an interrupt gate). */
static void enter_handler(struct cpu *cpu, struct gate_target *t)
{
    uint32_t offset = gate_offset(&t->gate), clear = EFLAGS_TF | EFLAGS_NT | EFLAGS_RF | EFLAGS_VM;

    if (t->size == 2)
        offset &= 0xFFFF;
    seg_load_cs(cpu, t->cs_sel, &t->cs, t->cpl);
    cpu->eip = offset;
    if ((desc_type(&t->gate) & 7) == SYS_INT16)
        clear |= EFLAGS_IF;
    cpu_set_eflags(cpu, 0, clear);
    cpu_update_mode(cpu);
}

static void deliver_gate(struct cpu *cpu, struct gate_target *t, int32_t error,
                         uint32_t return_eip)
{
    struct pm_stack st;
    struct desc ss;
    uint16_t ss_sel = 0, old_ss = cpu->seg[SEG_SS].sel;
    uint32_t old_esp = cpu->regs[R_ESP];
    bool v86 = cpu->eflags & EFLAGS_VM;

    gate_code(cpu, t);
    /* SDM vol. 2 INT n: #GP(0) when the handler's EIP is past its limit */
    if ((gate_offset(&t->gate) & (t->size == 4 ? 0xFFFFFFFFu : 0xFFFFu)) > desc_limit(&t->cs))
        cpu_raise_exception(cpu, EXC_GP, cpu->exc_ext);
    if (!t->inner) {
        pm_stack_current(cpu, &st);
        push_frame(cpu, &st, t, error, return_eip);
        pm_stack_set_sp(cpu, &st);
        enter_handler(cpu, t);
        return;
    }
    inner_stack(cpu, t, &st, &ss_sel, &ss);
    if (v86) {
        static const int segs[] = {SEG_GS, SEG_FS, SEG_DS, SEG_ES};
        for (unsigned i = 0; i < 4; i++)
            pm_stack_push(cpu, &st, t->size, cpu->seg[segs[i]].sel);
    }
    pm_stack_push(cpu, &st, t->size, old_ss);
    pm_stack_push(cpu, &st, t->size, old_esp);
    push_frame(cpu, &st, t, error, return_eip);
    if (v86) {
        for (int s = SEG_ES; s <= SEG_GS; s++) {
            if (s != SEG_CS && s != SEG_SS)
                seg_load_null(cpu, s, 0);
        }
    }
    desc_set_accessed(cpu, ss_sel, &ss);
    seg_from_desc(&cpu->seg[SEG_SS], ss_sel, &ss);
    pm_stack_set_sp(cpu, &st);
    enter_handler(cpu, t);
}

/* Through a task gate: switch tasks, then push the error code on the new
 * task's stack (SDM vol. 3 6.12.2). */
static void deliver_task(struct cpu *cpu, const struct desc *gate, int32_t error,
                         uint32_t return_eip)
{
    uint16_t sel = gate_sel(gate);
    struct desc tss;
    struct pm_stack st;

    if (sel & 4)
        cpu_raise_exception(cpu, EXC_TS, desc_error(cpu, sel));
    desc_fetch(cpu, sel, &tss, EXC_TS);
    if (desc_type(&tss) != SYS_TSS16 && desc_type(&tss) != SYS_TSS32)
        cpu_raise_exception(cpu, EXC_TS, desc_error(cpu, sel));
    if (!desc_present(&tss))
        cpu_raise_exception(cpu, EXC_NP, desc_error(cpu, sel));
    task_switch(cpu, sel, &tss, TASK_INT, return_eip);
    if (error >= 0) {
        pm_stack_current(cpu, &st);
        pm_stack_push(cpu, &st, tss_is32(desc_type(&tss)) ? 4 : 2, (uint32_t)error);
        pm_stack_set_sp(cpu, &st);
    }
    task_debug_trap(cpu);
}

void idt_deliver(struct cpu *cpu, int vector, int32_t error, uint32_t return_eip,
                 enum int_kind kind)
{
    struct gate_target t;

    read_gate(cpu, vector, kind, &t.gate);
    if (desc_type(&t.gate) == SYS_TASK)
        deliver_task(cpu, &t.gate, error, return_eip);
    else
        deliver_gate(cpu, &t, error, return_eip);
}

/* VME redirection to the v86 program's own handler at IVT[vector]: a
 * real-mode style frame; with IOPL < 3 the pushed IF is VIF and IOPL reads 3,
 * and VIF (not IF) is cleared (SDM vol. 3 20.3.3.5 method 5). */
static void v86_redirect(struct cpu *cpu, int vector, uint32_t return_eip)
{
    uint32_t ivt = cpu_read_linear_priv(cpu, (uint32_t)vector * 4, 4, true);
    uint32_t fl = cpu_get_eflags(cpu) & 0xFFFF;
    bool iopl3 = (cpu->eflags & EFLAGS_IOPL) == EFLAGS_IOPL;
    struct pm_stack st;

    if (!iopl3)
        fl = (fl & ~(uint32_t)EFLAGS_IF) | ((cpu->eflags & EFLAGS_VIF) ? EFLAGS_IF : 0) |
             EFLAGS_IOPL;
    pm_stack_current(cpu, &st);
    pm_stack_push(cpu, &st, 2, fl);
    pm_stack_push(cpu, &st, 2, cpu->seg[SEG_CS].sel);
    pm_stack_push(cpu, &st, 2, return_eip);
    pm_stack_set_sp(cpu, &st);
    seg_load_v86(cpu, SEG_CS, (uint16_t)(ivt >> 16));
    cpu->eip = ivt & 0xFFFF;
    cpu_set_eflags(cpu, 0, EFLAGS_TF | (iopl3 ? EFLAGS_IF : EFLAGS_VIF));
}

/* The redirection bitmap: 32 bytes just below the I/O map base (SDM vol. 3
 * 20.3.3.4). A bitmap outside the TSS limit counts as bit set. */
static bool redirected(struct cpu *cpu, int vector)
{
    uint32_t iobase, offset;

    if (cpu->tr.limit < 0x67)
        return false;
    iobase = cpu_read_linear(cpu, cpu->tr.base + 0x66, 2);
    offset = iobase - 32 + (uint32_t)vector / 8;
    if (iobase < 32 || offset > cpu->tr.limit)
        return false;
    return !((cpu_read_linear(cpu, cpu->tr.base + offset, 1) >> (vector & 7)) & 1);
}

void v86_int(struct cpu *cpu, int vector, uint32_t return_eip)
{
    bool iopl3 = (cpu->eflags & EFLAGS_IOPL) == EFLAGS_IOPL;

    if ((cpu->cr[4] & CR4_VME) && redirected(cpu, vector)) {
        v86_redirect(cpu, vector, return_eip);
        return;
    }
    if (!iopl3)
        cpu_raise_exception(cpu, EXC_GP, 0);
    idt_deliver(cpu, vector, -1, return_eip, INT_SOFTWARE);
}
