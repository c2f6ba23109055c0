/* Hardware task switches through JMP, CALL, INT (task gates) and IRET (NT):
 * the 16- and 32-bit TSS layouts, busy bits, NT and the back link, CR3 and
 * LDTR loads, and the new task's segment checks. Intel SDM vol. 3 7.2-7.4
 * (table 7-2 for busy/NT/link by reason), vol. 2 JMP/CALL/IRET task paths. */
#include "task.h"

#include "cpuid.h"
#include "mem.h"

/* The register image of a TSS. */
struct tss_image {
    uint32_t eip, eflags, cr3;
    uint32_t regs[R_COUNT];
    uint16_t segs[SEG_COUNT];
    uint16_t ldt;
};

enum { TSS32_MIN_LIMIT = 0x67, TSS16_MIN_LIMIT = 0x2B, DR6_BT = 1u << 15 };

static void tss_read(struct cpu *cpu, uint32_t base, bool is32, struct tss_image *img)
{
    if (is32) {
        img->cr3 = cpu_read_linear(cpu, base + 0x1C, 4);
        img->eip = cpu_read_linear(cpu, base + 0x20, 4);
        img->eflags = cpu_read_linear(cpu, base + 0x24, 4);
        for (int r = 0; r < R_COUNT; r++)
            img->regs[r] = cpu_read_linear(cpu, base + 0x28 + 4 * (uint32_t)r, 4);
        for (int s = 0; s < SEG_COUNT; s++)
            img->segs[s] = (uint16_t)cpu_read_linear(cpu, base + 0x48 + 4 * (uint32_t)s, 2);
        img->ldt = (uint16_t)cpu_read_linear(cpu, base + 0x60, 2);
        return;
    }
    img->eip = cpu_read_linear(cpu, base + 0x0E, 2);
    img->eflags = cpu_read_linear(cpu, base + 0x10, 2);
    /* a 16-bit TSS holds the low halves; the upper halves are kept */
    for (int r = 0; r < R_COUNT; r++)
        img->regs[r] = (cpu->regs[r] & 0xFFFF0000u) |
                       cpu_read_linear(cpu, base + 0x12 + 2 * (uint32_t)r, 2);
    for (int s = 0; s < 4; s++)
        img->segs[s] = (uint16_t)cpu_read_linear(cpu, base + 0x22 + 2 * (uint32_t)s, 2);
    img->segs[SEG_FS] = img->segs[SEG_GS] = 0;
    img->ldt = (uint16_t)cpu_read_linear(cpu, base + 0x2A, 2);
}

/* Save the outgoing task's dynamic fields (SDM vol. 3 7.2.1). */
static void tss_save(struct cpu *cpu, uint32_t base, bool is32, uint32_t eip, uint32_t eflags)
{
    if (is32) {
        cpu_write_linear(cpu, base + 0x20, 4, eip);
        cpu_write_linear(cpu, base + 0x24, 4, eflags);
        for (int r = 0; r < R_COUNT; r++)
            cpu_write_linear(cpu, base + 0x28 + 4 * (uint32_t)r, 4, cpu->regs[r]);
        for (int s = 0; s < SEG_COUNT; s++)
            cpu_write_linear(cpu, base + 0x48 + 4 * (uint32_t)s, 2, cpu->seg[s].sel);
        return;
    }
    cpu_write_linear(cpu, base + 0x0E, 2, eip);
    cpu_write_linear(cpu, base + 0x10, 2, eflags);
    for (int r = 0; r < R_COUNT; r++)
        cpu_write_linear(cpu, base + 0x12 + 2 * (uint32_t)r, 2, cpu->regs[r]);
    for (int s = 0; s < 4; s++)
        cpu_write_linear(cpu, base + 0x22 + 2 * (uint32_t)s, 2, cpu->seg[s].sel);
}

void tss_inner_stack(struct cpu *cpu, unsigned dpl, uint16_t *ss, uint32_t *esp)
{
    bool is32 = tss_is32(cpu->tr.ar & 0xF);
    uint32_t offset = is32 ? 4 + dpl * 8 : 2 + dpl * 4, size = is32 ? 4 : 2;

    if (offset + 2 * size - 1 > cpu->tr.limit)
        cpu_raise_exception(cpu, EXC_TS, desc_error(cpu, cpu->tr.sel));
    *esp = cpu_read_linear(cpu, cpu->tr.base + offset, size);
    *ss = (uint16_t)cpu_read_linear(cpu, cpu->tr.base + offset + size, 2);
}

/* Busy bit (type bit 1) of a TSS descriptor in the GDT. */
static void set_busy(struct cpu *cpu, uint16_t sel, bool busy)
{
    struct desc d;

    if (!desc_read(cpu, sel, &d))
        return;
    d.hi = busy ? d.hi | (2u << 8) : d.hi & ~(2u << 8);
    desc_write_hi(cpu, sel, d.hi);
}

/* LDTR of the new task: null, or an LDT descriptor in the GDT (#TS). */
static void load_task_ldt(struct cpu *cpu, uint16_t sel)
{
    struct desc d;

    cpu->ldtr.sel = sel;
    if ((sel & 0xFFFCu) == 0) {
        cpu->ldtr.ar = 0;
        cpu->ldtr.base = cpu->ldtr.limit = 0;
        return;
    }
    if ((sel & 4) || !desc_read(cpu, sel, &d) || desc_type(&d) != SYS_LDT)
        cpu_raise_exception(cpu, EXC_TS, desc_error(cpu, sel));
    if (!desc_present(&d))
        cpu_raise_exception(cpu, EXC_TS, desc_error(cpu, sel));
    seg_from_desc(&cpu->ldtr, sel, &d);
}

/* CS of the new task (SDM vol. 3 7.3 step 13): #TS unless a code segment
 * with the right DPL for its RPL; #NP if not present. */
static void load_task_cs(struct cpu *cpu, uint16_t sel)
{
    struct desc d;
    int32_t err = desc_error(cpu, sel);
    unsigned rpl = sel & 3, dpl;

    if ((sel & 0xFFFCu) == 0)
        cpu_raise_exception(cpu, EXC_TS, err);
    desc_fetch(cpu, sel, &d, EXC_TS);
    dpl = desc_dpl(&d);
    if (!desc_is_code(&d) || (desc_conforming(&d) ? dpl > rpl : dpl != rpl))
        cpu_raise_exception(cpu, EXC_TS, err);
    if (!desc_present(&d))
        cpu_raise_exception(cpu, EXC_NP, err);
    seg_load_cs(cpu, sel, &d, rpl);
}

/* Load the new task's registers, then check its segments in its context. */
static void load_task_state(struct cpu *cpu, const struct tss_image *img, bool is32)
{
    if (is32 && (cpu->cr[0] & CR0_PG)) {
        cpu->cr[3] = img->cr3 & 0xFFFFF018u;
        mmu_tlb_flush(&cpu->tlb, (cpu->cr[4] & CR4_PGE) != 0);
    }
    for (int r = 0; r < R_COUNT; r++)
        cpu->regs[r] = img->regs[r];
    cpu->eip = img->eip;
    cpu_set_eflags(cpu, img->eflags, is32 ? 0xFFFFFFFFu : 0xFFFFu);
    /* selectors first, so a fault below shows the new task's values */
    for (int s = 0; s < SEG_COUNT; s++)
        seg_load_null(cpu, s, img->segs[s]);
    cpu_update_mode(cpu);
    load_task_ldt(cpu, img->ldt);
    if (cpu->eflags & EFLAGS_VM) {
        for (int s = 0; s < SEG_COUNT; s++)
            seg_load_v86(cpu, s, img->segs[s]);
        cpu_update_mode(cpu);
        return;
    }
    load_task_cs(cpu, img->segs[SEG_CS]);
    seg_load_pm(cpu, SEG_SS, img->segs[SEG_SS], EXC_TS, img->segs[SEG_CS] & 3);
    cpu_update_mode(cpu);
    for (int s = SEG_ES; s <= SEG_GS; s++) {
        if (s != SEG_CS && s != SEG_SS)
            seg_load_pm(cpu, s, img->segs[s], EXC_TS, img->segs[SEG_CS] & 3);
    }
}

/* SDM vol. 3 7.2.1, 17.3.1.5: the T flag (bit 0 of the word at 64h of a
 * 32-bit TSS) raises a debug trap once the switch completes, before the new
 * task's first instruction: the saved EIP is that instruction. */
void task_debug_trap(struct cpu *cpu)
{
    if (!tss_is32(cpu->tr.ar & 0xF) || !(cpu_read_linear(cpu, cpu->tr.base + 0x64, 2) & 1))
        return;
    cpu->dr[6] |= DR6_BT;
    cpu_raise_exception(cpu, EXC_DB, -1);
}

void task_switch(struct cpu *cpu, uint16_t sel, struct desc *d, enum task_reason why,
                 uint32_t next_eip)
{
    bool new32 = tss_is32(desc_type(d)), old32 = tss_is32(cpu->tr.ar & 0xF);
    uint32_t base = desc_base(d), eflags = cpu_get_eflags(cpu);
    uint16_t old_tr = cpu->tr.sel;
    struct tss_image img;

    if (desc_limit(d) < (new32 ? TSS32_MIN_LIMIT : TSS16_MIN_LIMIT))
        cpu_raise_exception(cpu, EXC_TS, desc_error(cpu, sel));
    tss_read(cpu, base, new32, &img);
    if (why == TASK_IRET)
        eflags &= ~(uint32_t)EFLAGS_NT;
    tss_save(cpu, cpu->tr.base, old32, next_eip, eflags);
    if (why == TASK_JMP || why == TASK_IRET)
        set_busy(cpu, old_tr, false);
    if (why == TASK_CALL || why == TASK_INT) {
        cpu_write_linear(cpu, base, 2, old_tr);
        img.eflags |= EFLAGS_NT;
    }
    if (why != TASK_IRET)
        set_busy(cpu, sel, true);
    d->hi |= 2u << 8;
    seg_from_desc(&cpu->tr, sel, d);
    cpu->cr[0] |= CR0_TS;
    load_task_state(cpu, &img, new32);
    /* SDM vol. 3 7.3 step 14: the new EIP must lie within CS */
    if (cpu->eip > cpu->seg[SEG_CS].limit)
        cpu_raise_exception(cpu, EXC_GP, 0);
}
