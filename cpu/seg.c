/* Segment register loads by MOV, POP and LDS/LES/LFS/LGS/LSS in every mode,
 * with the protected-mode descriptor checks (SDM vol. 2 MOV and POP
 * pseudo-code; vol. 3 5.6 data-segment privilege rules, 5.7 SS), and stack
 * frames on an explicit SS for privilege changes (vol. 3 5.8.5, 6.12.1). */
#include <assert.h>

#include "desc.h"
#include "helpers.h"
#include "mem.h"

void seg_load_null(struct cpu *cpu, int seg, uint16_t sel)
{
    struct seg *s = &cpu->seg[seg];

    s->sel = sel;
    s->base = 0;
    s->limit = 0;
    s->ar = 0;
}

void seg_load_v86(struct cpu *cpu, int seg, uint16_t sel)
{
    struct seg *s = &cpu->seg[seg];

    s->sel = sel;
    s->base = (uint32_t)sel << 4;
    s->limit = 0xFFFF;
    s->ar = AR_V86;
}

void seg_check_ss(struct cpu *cpu, uint16_t sel, const struct desc *d, unsigned cpl, int fault)
{
    int32_t err = desc_error(cpu, sel);

    if ((sel & 3) != cpl || !desc_is_data(d) || !(desc_type(d) & AR_RW) || desc_dpl(d) != cpl)
        cpu_raise_exception(cpu, fault, err);
    if (!desc_present(d))
        cpu_raise_exception(cpu, EXC_SS, err);
}

/* DS ES FS GS: data or readable code; data and non-conforming code need
 * max(CPL, RPL) <= DPL (SDM vol. 3 5.6). */
static void check_data_seg(struct cpu *cpu, uint16_t sel, const struct desc *d, unsigned cpl,
                           int fault)
{
    int32_t err = desc_error(cpu, sel);
    unsigned dpl = desc_dpl(d), rpl = sel & 3;

    if (!desc_is_data(d) && !(desc_is_code(d) && (desc_type(d) & AR_RW)))
        cpu_raise_exception(cpu, fault, err);
    if (!desc_conforming(d) && (rpl > dpl || cpl > dpl))
        cpu_raise_exception(cpu, fault, err);
    if (!desc_present(d))
        cpu_raise_exception(cpu, EXC_NP, err);
}

void seg_load_pm(struct cpu *cpu, int seg, uint16_t sel, int fault, unsigned cpl)
{
    struct desc d;

    if ((sel & 0xFFFCu) == 0) {
        /* SDM vol. 2 MOV: a null SS is #GP(0); null DS..GS load fine and fault
         * on use */
        if (seg == SEG_SS)
            cpu_raise_exception(cpu, fault, fault == EXC_GP ? 0 : desc_error(cpu, sel));
        seg_load_null(cpu, seg, sel);
        return;
    }
    desc_fetch(cpu, sel, &d, fault);
    if (seg == SEG_SS)
        seg_check_ss(cpu, sel, &d, cpl, fault);
    else
        check_data_seg(cpu, sel, &d, cpl, fault);
    desc_set_accessed(cpu, sel, &d);
    seg_from_desc(&cpu->seg[seg], sel, &d);
}

void seg_load(struct cpu *cpu, int seg, uint16_t sel)
{
    if (!(cpu->cr[0] & CR0_PE))
        cpu_load_seg_real(cpu, seg, sel);
    else if (cpu->eflags & EFLAGS_VM)
        seg_load_v86(cpu, seg, sel);
    else
        seg_load_pm(cpu, seg, sel, EXC_GP, cpu_cpl_of(cpu));
}

void seg_load_cs(struct cpu *cpu, uint16_t sel, struct desc *d, unsigned cpl)
{
    desc_set_accessed(cpu, sel, d);
    seg_from_desc(&cpu->seg[SEG_CS], (uint16_t)((sel & 0xFFFCu) | cpl), d);
}

void seg_invalidate_outer(struct cpu *cpu)
{
    static const int segs[] = {SEG_ES, SEG_DS, SEG_FS, SEG_GS};
    unsigned cpl = cpu_cpl_of(cpu);

    for (unsigned i = 0; i < 4; i++) {
        const struct seg *s = &cpu->seg[segs[i]];
        bool conforming_code = (s->ar & (AR_CODE | AR_DC)) == (AR_CODE | AR_DC);
        if ((s->ar & AR_P) && !conforming_code && ((s->ar >> AR_DPL_SHIFT) & 3) < cpl)
            seg_load_null(cpu, segs[i], 0);
    }
}

uint32_t helper_load_seg(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    int seg = (int)imm;

    /* CS changes only through far transfers (far.c) and interrupts */
    assert(seg >= 0 && seg < SEG_COUNT && seg != SEG_CS);
    seg_load(cpu, seg, (uint16_t)a);
    /* SDM vol. 2 MOV: a load of SS holds off interrupts until after the next
     * instruction, so SS:SP can be set by a MOV SS / MOV SP pair */
    if (seg == SEG_SS) {
        cpu->inhibit_irq = true;
        cpu_update_mode(cpu);
    }
    return 0;
}

void pm_stack_current(const struct cpu *cpu, struct pm_stack *st)
{
    const struct seg *ss = &cpu->seg[SEG_SS];

    st->base = ss->base;
    st->limit = ss->limit;
    st->ar = ss->ar;
    st->mask = (ss->ar & AR_B) ? 0xFFFFFFFFu : 0xFFFFu;
    st->sp = cpu->regs[R_ESP] & st->mask;
    st->error = cpu->exc_ext;
    st->user = cpu_cpl_of(cpu) == 3;
}

void pm_stack_new(const struct cpu *cpu, struct pm_stack *st, uint16_t sel,
                  const struct desc *d, uint32_t sp)
{
    st->base = desc_base(d);
    st->limit = desc_limit(d);
    st->ar = desc_ar(d);
    st->mask = (st->ar & AR_B) ? 0xFFFFFFFFu : 0xFFFFu;
    st->sp = sp & st->mask;
    st->error = desc_error(cpu, sel);
    st->user = desc_dpl(d) == 3;
}

void pm_stack_push(struct cpu *cpu, struct pm_stack *st, unsigned size, uint32_t value)
{
    uint32_t sp = (st->sp - size) & st->mask;

    if (!seg_range_ok(st->ar, st->limit, sp, size))
        cpu_raise_exception(cpu, EXC_SS, st->error);
    cpu_write_linear_priv(cpu, st->base + sp, size, value, st->user);
    st->sp = sp;
}

uint32_t pm_stack_pop(struct cpu *cpu, struct pm_stack *st, unsigned size)
{
    uint32_t value;

    if (!seg_range_ok(st->ar, st->limit, st->sp, size))
        cpu_raise_exception(cpu, EXC_SS, st->error);
    value = cpu_read_linear_priv(cpu, st->base + st->sp, size, st->user);
    st->sp = (st->sp + size) & st->mask;
    return value;
}

void pm_stack_set_sp(struct cpu *cpu, const struct pm_stack *st)
{
    cpu->regs[R_ESP] = (cpu->regs[R_ESP] & ~st->mask) | (st->sp & st->mask);
}
