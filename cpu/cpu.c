/* CPU state: power-on reset, mode bits, EFLAGS with lazy arithmetic flags and
 * real-mode segment loads. Intel SDM vol. 3 9.1.1 (reset state), vol. 1 3.4.3. */
#include "cpu.h"

#include <assert.h>
#include <string.h>

#include "cpuid.h"
#include "debug.h"
#include "flags.h"

/* access rights kept in real mode: present, DPL 0, accessed read/write data;
 * CS as accessed execute/read code (SDM vol. 3 table 9-1) */
enum {
    AR_DATA_RW = 0x93, AR_CODE_RX = 0x9B, AR_LDT = 0x82, AR_TSS32_BUSY = 0x8B,
    AR_DB = 1u << 14,
};

/* reset values of the debug status and control registers (SDM vol. 3 table 9-1) */
enum { DR6_RESET = 0xFFFF0FF0, DR7_RESET = 0x00000400 };

/* EFLAGS bits that read as 0 whatever is written (3, 5, 15 and 22-31) */
enum { EFLAGS_RESERVED0 = (1u << 3) | (1u << 5) | (1u << 15) | 0xFFC00000u };

void cpu_init(struct cpu *cpu, struct bus *bus, struct ioports *io, struct log *log,
              const struct cpu_model *model)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->bus = bus;
    cpu->io = io;
    cpu->log = log;
    cpu->model = model ? model : cpu_model_default();
    cpu_reset(cpu);
}

static void seg_reset(struct seg *s, uint16_t sel, uint32_t base, uint16_t ar)
{
    s->sel = sel;
    s->base = base;
    s->limit = 0xFFFF;
    s->ar = ar;
}

void cpu_reset(struct cpu *cpu)
{
    memset(cpu->regs, 0, sizeof(cpu->regs));
    cpu->regs[R_EDX] = cpu_model_signature(cpu->model);
    fpu_reset(&cpu->fpu);
    cpu->eip = 0xFFF0;
    cpu->eflags = EFLAGS_FIXED1;
    cpu->flags = (struct lazy_flags){ .op = CC_OP(CC_EFLAGS, 0) };
    for (int i = 0; i < SEG_COUNT; i++)
        seg_reset(&cpu->seg[i], 0, 0, AR_DATA_RW);
    /* the first fetch is at FFFFFFF0: the CS base is FFFF0000 until CS is reloaded */
    seg_reset(&cpu->seg[SEG_CS], 0xF000, 0xFFFF0000, AR_CODE_RX);
    seg_reset(&cpu->ldtr, 0, 0, AR_LDT);
    seg_reset(&cpu->tr, 0, 0, AR_TSS32_BUSY);
    cpu->gdtr = (struct dtr){ .base = 0, .limit = 0xFFFF };
    /* SDM vol. 3 20.1.4: the real-mode interrupt table is 256 four-byte entries */
    cpu->idtr = (struct dtr){ .base = 0, .limit = 0x3FF };
    memset(cpu->cr, 0, sizeof(cpu->cr));
    cpu->cr[0] = CR0_CD | CR0_NW | CR0_ET;
    memset(cpu->dr, 0, sizeof(cpu->dr));
    cpu->dr[6] = DR6_RESET;
    cpu->dr[7] = DR7_RESET;
    cpu->halted = false;
    cpu->inhibit_irq = false;
    cpu->exc_vector = -1;
    cpu->exc_error = -1;
    cpu->exc_depth = 0;
    cpu->exc_ext = 0;
    cpu->shutdown = false;
    cpu->dr6_pending = 0;
    mmu_tlb_flush(&cpu->tlb, false);
    cpu->sysenter_cs = cpu->sysenter_esp = cpu->sysenter_eip = 0;
    /* SDM vol. 3 17.17: RESET clears the time-stamp counter */
    cpu->tsc_offset = 0 - cpu->icount;
    memset(cpu->msr_store, 0, sizeof(cpu->msr_store));
    cpu_update_mode(cpu);
}

static uint32_t cpu_cpl(const struct cpu *cpu)
{
    if (!(cpu->cr[0] & CR0_PE))
        return 0;
    if (cpu->eflags & EFLAGS_VM)
        return 3;
    /* SDM vol. 3 5.5: CPL equals the DPL of the stack segment; unlike CS.RPL it
     * is also right just after CR0.PE is set, before the far jump */
    return (cpu->seg[SEG_SS].ar >> 5) & 3;
}

void cpu_update_mode(struct cpu *cpu)
{
    uint32_t mode = 0;

    if (cpu->cr[0] & CR0_PE)
        mode |= MODE_PE;
    if (cpu->seg[SEG_CS].ar & AR_DB)
        mode |= MODE_CS32;
    if (cpu->seg[SEG_SS].ar & AR_DB)
        mode |= MODE_SS32;
    if ((cpu->cr[0] & CR0_PE) && (cpu->eflags & EFLAGS_VM))
        mode |= MODE_VM86;
    if (cpu->eflags & EFLAGS_TF)
        mode |= MODE_TF;
    mode |= cpu_cpl(cpu) << MODE_CPL_SHIFT;
    if (cpu->cr[0] & CR0_PG)
        mode |= MODE_PG;
    if (cpu->dr[7] & DR7_ENABLES)
        mode |= MODE_DEBUG;
    cpu->mode = mode;
}

uint32_t cpu_get_eflags(const struct cpu *cpu)
{
    const struct lazy_flags *lf = &cpu->flags;

    if (CC_KIND(lf->op) == CC_EFLAGS)
        return cpu->eflags | EFLAGS_FIXED1;
    return (cpu->eflags & ~(uint32_t)EFLAGS_ARITH) | EFLAGS_FIXED1 |
           flags_compute(lf->op, lf->res, lf->src1, lf->src2);
}

void cpu_set_eflags(struct cpu *cpu, uint32_t value, uint32_t mask)
{
    uint32_t old = cpu_get_eflags(cpu);
    uint32_t v = (old & ~mask) | (value & mask);

    cpu->eflags = (v & ~(uint32_t)EFLAGS_RESERVED0) | EFLAGS_FIXED1;
    /* materialise: the lazy record no longer describes the arithmetic flags */
    if (mask & EFLAGS_ARITH)
        cpu->flags.op = CC_OP(CC_EFLAGS, 0);
    if ((old ^ cpu->eflags) & (EFLAGS_VM | EFLAGS_TF))
        cpu_update_mode(cpu);
}

void cpu_load_seg_real(struct cpu *cpu, int seg, uint16_t sel)
{
    assert(seg >= 0 && seg < SEG_COUNT);
    /* only selector and base change; the cached limit and attributes stay
     * (SDM vol. 3 9.9.2 relies on it; so does "unreal" mode) */
    cpu->seg[seg].sel = sel;
    cpu->seg[seg].base = (uint32_t)sel << 4;
}
