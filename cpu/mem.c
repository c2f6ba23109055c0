/* Guest memory as the CPU sees it: segment checks (SDM vol. 3 5.3 limits,
 * 5.4-5.6 type and null selectors; real mode: vol. 3 ch. 22 "Segment
 * Wraparound"), linear -> physical through the TLB and page walk when CR0.PG
 * (vol. 3 ch. 4), data breakpoints (cpu/debug.c), then the bus (A20). */
#include "mem.h"

#include <assert.h>
#include <stdbool.h>

#include "bus.h"
#include "cpu.h"
#include "cpuid.h"
#include "debug.h"
#include "desc.h"
#include "mmu.h"

/* #SS(0) for the stack segment, #GP(0) for every other (SDM vol. 3 6.15);
 * the 80286 raises #GP for both in real mode. */
static _Noreturn void seg_fault(struct cpu *cpu, int seg)
{
    bool stack = seg == SEG_SS && !cpu->model->stack_limit_gp;
    cpu_raise_exception(cpu, stack ? EXC_SS : EXC_GP, 0);
}

/* Protected mode: a null (unusable) segment, a write to code or read-only
 * data, a read of execute-only code, or an offset outside the (possibly
 * expand-down) limit fault (SDM vol. 3 5.3, 5.4.1, 6.15 #GP/#SS). */
static void seg_check_pm(struct cpu *cpu, int seg, uint32_t offset, unsigned size, bool write)
{
    const struct seg *s = &cpu->seg[seg];
    uint16_t ar = s->ar;

    if (!(ar & AR_P))
        seg_fault(cpu, seg);
    if ((ar & AR_CODE) ? (write || !(ar & AR_RW)) : (write && !(ar & AR_RW)))
        cpu_raise_exception(cpu, EXC_GP, 0);
    if (!seg_range_ok(ar, s->limit, offset, size))
        seg_fault(cpu, seg);
}

/* Checks [offset, offset + size - 1] against the segment. Real mode and
 * present writable expand-up data (the common case) need only the limit: a
 * word at FFFF faults on a 286 and later instead of wrapping as on the 8086. */
static inline void seg_check(struct cpu *cpu, int seg, uint32_t offset, unsigned size,
                             bool write)
{
    const struct seg *s = &cpu->seg[seg];

    assert(seg >= 0 && seg < SEG_COUNT);
    if (!(cpu->mode & MODE_PE) || (s->ar & (AR_P | AR_S | AR_CODE | AR_DC | AR_RW)) ==
                                      (AR_P | AR_S | AR_RW)) {
        if (offset > s->limit || s->limit - offset < size - 1)
            seg_fault(cpu, seg);
        return;
    }
    seg_check_pm(cpu, seg, offset, size, write);
}

/* Page walk on a TLB miss; #PF with CR2 = laddr when it fails (SDM vol. 3 4.7). */
static uint32_t walk(struct cpu *cpu, uint32_t laddr, unsigned access)
{
    struct mmu_walk w;
    uint32_t error;

    if (!mmu_walk(cpu->bus, cpu->cr[0], cpu->cr[3], cpu->cr[4], laddr, access, &w, &error)) {
        cpu->cr[2] = laddr;
        cpu_raise_exception(cpu, EXC_PF, (int32_t)error);
    }
    mmu_tlb_fill(&cpu->tlb, laddr, &w);
    return w.paddr;
}

/* Linear -> physical. Without CR0.PG the two are the same. */
static inline uint32_t linear_to_phys(struct cpu *cpu, uint32_t laddr, unsigned access)
{
    uint32_t paddr;

    if (!(cpu->cr[0] & CR0_PG))
        return laddr;
    if (mmu_tlb_lookup(&cpu->tlb, laddr, access, &paddr))
        return paddr;
    return walk(cpu, laddr, access);
}

static unsigned user_access(const struct cpu *cpu)
{
    return (cpu->mode & MODE_CPL) == MODE_CPL ? MMU_USER : 0;
}

/* #AC(0): a misaligned data access at CPL 3 with CR0.AM and EFLAGS.AC
 * (SDM vol. 3 6.15 interrupt 17; a word needs 2-byte, a dword 4-byte
 * alignment). Only explicit accesses at CPL 3 are checked. */
static inline void check_alignment(struct cpu *cpu, uint32_t laddr, unsigned size)
{
    if ((cpu->mode & MODE_CPL) == MODE_CPL && (laddr & (size - 1)) &&
        (cpu->cr[0] & CR0_AM) && (cpu->eflags & EFLAGS_AC))
        cpu_raise_exception(cpu, EXC_AC, 0);
}

/* An access that crosses a page boundary with paging on: both pages are
 * translated (and may fault) before any byte moves. */
static bool crosses_page(const struct cpu *cpu, uint32_t laddr, unsigned size)
{
    return (cpu->cr[0] & CR0_PG) && (laddr & 0xFFFu) + size > 0x1000u;
}

static uint32_t read_split(struct cpu *cpu, uint32_t laddr, unsigned size, unsigned access)
{
    uint32_t first = 0x1000u - (laddr & 0xFFFu), value = 0;
    uint32_t p0 = linear_to_phys(cpu, laddr, access);
    uint32_t p1 = linear_to_phys(cpu, laddr + first, access);

    for (unsigned i = 0; i < size; i++)
        value |= (uint32_t)bus_read8(cpu->bus, i < first ? p0 + i : p1 + (i - first)) << (8 * i);
    return value;
}

static void write_split(struct cpu *cpu, uint32_t laddr, unsigned size, uint32_t value,
                        unsigned access)
{
    uint32_t first = 0x1000u - (laddr & 0xFFFu);
    uint32_t p0 = linear_to_phys(cpu, laddr, access);
    uint32_t p1 = linear_to_phys(cpu, laddr + first, access);

    for (unsigned i = 0; i < size; i++)
        bus_write8(cpu->bus, i < first ? p0 + i : p1 + (i - first), (uint8_t)(value >> (8 * i)));
}

static uint32_t read_lin(struct cpu *cpu, uint32_t laddr, unsigned size, unsigned access)
{
    uint32_t paddr;

    if (cpu->mode & MODE_DEBUG)
        debug_check_data(cpu, laddr, size, false);
    if (crosses_page(cpu, laddr, size))
        return read_split(cpu, laddr, size, access);
    paddr = linear_to_phys(cpu, laddr, access);
    switch (size) {
    case 1: return bus_read8(cpu->bus, paddr);
    case 2: return bus_read16(cpu->bus, paddr);
    default:
        assert(size == 4);
        return bus_read32(cpu->bus, paddr);
    }
}

static void write_lin(struct cpu *cpu, uint32_t laddr, unsigned size, uint32_t value,
                      unsigned access)
{
    uint32_t paddr;

    access |= MMU_WRITE;
    if (cpu->mode & MODE_DEBUG)
        debug_check_data(cpu, laddr, size, true);
    if (crosses_page(cpu, laddr, size)) {
        write_split(cpu, laddr, size, value, access);
        return;
    }
    paddr = linear_to_phys(cpu, laddr, access);
    switch (size) {
    case 1: bus_write8(cpu->bus, paddr, (uint8_t)value); break;
    case 2: bus_write16(cpu->bus, paddr, (uint16_t)value); break;
    default:
        assert(size == 4);
        bus_write32(cpu->bus, paddr, value);
        break;
    }
}

uint32_t cpu_read_linear(struct cpu *cpu, uint32_t laddr, unsigned size)
{
    return read_lin(cpu, laddr, size, 0);
}

void cpu_write_linear(struct cpu *cpu, uint32_t laddr, unsigned size, uint32_t value)
{
    write_lin(cpu, laddr, size, value, 0);
}

uint32_t cpu_read_linear_priv(struct cpu *cpu, uint32_t laddr, unsigned size, bool user)
{
    return read_lin(cpu, laddr, size, user ? MMU_USER : 0);
}

void cpu_write_linear_priv(struct cpu *cpu, uint32_t laddr, unsigned size, uint32_t value,
                           bool user)
{
    write_lin(cpu, laddr, size, value, user ? MMU_USER : 0);
}

uint32_t cpu_read(struct cpu *cpu, int seg, uint32_t offset, unsigned size)
{
    uint32_t laddr = cpu->seg[seg].base + offset;

    seg_check(cpu, seg, offset, size, false);
    check_alignment(cpu, laddr, size);
    return read_lin(cpu, laddr, size, user_access(cpu));
}

void cpu_write(struct cpu *cpu, int seg, uint32_t offset, unsigned size, uint32_t value)
{
    uint32_t laddr = cpu->seg[seg].base + offset;

    seg_check(cpu, seg, offset, size, true);
    check_alignment(cpu, laddr, size);
    write_lin(cpu, laddr, size, value, user_access(cpu));
}

void cpu_check_write(struct cpu *cpu, int seg, uint32_t offset, unsigned size)
{
    uint32_t laddr = cpu->seg[seg].base + offset;

    seg_check(cpu, seg, offset, size, true);
    linear_to_phys(cpu, laddr, user_access(cpu) | MMU_WRITE);
    if (crosses_page(cpu, laddr, size))
        linear_to_phys(cpu, (laddr | 0xFFFu) + 1, user_access(cpu) | MMU_WRITE);
}

uint32_t cpu_translate_code(struct cpu *cpu, uint32_t laddr)
{
    return linear_to_phys(cpu, laddr, user_access(cpu)) & bus_a20_mask(cpu->bus);
}

bool cpu_probe_code(struct cpu *cpu, uint32_t laddr, uint32_t *paddr)
{
    struct mmu_walk w;
    uint32_t error, access = user_access(cpu);

    if (!(cpu->cr[0] & CR0_PG)) {
        *paddr = laddr & bus_a20_mask(cpu->bus);
        return true;
    }
    if (!mmu_tlb_lookup(&cpu->tlb, laddr, access, paddr)) {
        if (!mmu_walk(cpu->bus, cpu->cr[0], cpu->cr[3], cpu->cr[4], laddr, access, &w, &error))
            return false;
        mmu_tlb_fill(&cpu->tlb, laddr, &w);
        *paddr = w.paddr;
    }
    *paddr &= bus_a20_mask(cpu->bus);
    return true;
}

/* The stack pointer as an offset in SS: SP wraps at 16 bits unless SS is big. */
static uint32_t sp_mask(const struct cpu *cpu)
{
    return (cpu->mode & MODE_SS32) ? 0xFFFFFFFFu : 0xFFFFu;
}

static void set_sp(struct cpu *cpu, uint32_t sp)
{
    uint32_t mask = sp_mask(cpu);
    cpu->regs[R_ESP] = (cpu->regs[R_ESP] & ~mask) | (sp & mask);
}

void cpu_push(struct cpu *cpu, unsigned size, uint32_t value)
{
    uint32_t sp = (cpu->regs[R_ESP] - size) & sp_mask(cpu);

    assert(size == 2 || size == 4);
    /* memory first: a faulting push leaves (E)SP unchanged */
    cpu_write(cpu, SEG_SS, sp, size, value);
    set_sp(cpu, sp);
}

uint32_t cpu_pop(struct cpu *cpu, unsigned size)
{
    uint32_t sp = cpu->regs[R_ESP] & sp_mask(cpu);
    uint32_t value;

    assert(size == 2 || size == 4);
    value = cpu_read(cpu, SEG_SS, sp, size);
    set_sp(cpu, sp + size);
    return value;
}
