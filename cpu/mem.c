/* Guest memory as the CPU sees it: segment limit checks (SDM vol. 3 5.3; real
 * mode: vol. 3 ch. 22 "Segment Wraparound"), linear -> physical, then the bus
 * (which applies the A20 gate). Paging is added in a later issue. */
#include "mem.h"

#include <assert.h>
#include <stdbool.h>

#include "bus.h"
#include "cpu.h"
#include "cpuid.h"
#include "log.h"

/* #SS(0) for the stack segment, #GP(0) for every other (SDM vol. 3 6.15);
 * the 80286 raises #GP for both in real mode. */
static _Noreturn void seg_fault(struct cpu *cpu, int seg)
{
    bool stack = seg == SEG_SS && !cpu->model->stack_limit_gp;
    cpu_raise_exception(cpu, stack ? EXC_SS : EXC_GP, 0);
}

/* Checks [offset, offset + size - 1] against the segment. In real mode only
 * the limit applies: a word at FFFF faults on a 286 and later instead of
 * wrapping as on the 8086 (SDM vol. 3 ch. 22 "Segment Wraparound"). Protected-mode type, expand-down
 * and null-selector checks go here. */
static void seg_check(struct cpu *cpu, int seg, uint32_t offset, unsigned size)
{
    const struct seg *s = &cpu->seg[seg];

    assert(seg >= 0 && seg < SEG_COUNT);
    if (offset > s->limit || s->limit - offset < size - 1)
        seg_fault(cpu, seg);
}

/* Linear -> physical. Without CR0.PG the two are the same. */
static uint32_t linear_to_phys(struct cpu *cpu, uint32_t laddr)
{
    if (cpu->cr[0] & CR0_PG)
        log_printf(cpu->log, LOG_UNIMP, "cpu: paging not implemented, linear %08X used as physical\n",
                   laddr);
    return laddr;
}

uint32_t cpu_read_linear(struct cpu *cpu, uint32_t laddr, unsigned size)
{
    uint32_t paddr = linear_to_phys(cpu, laddr);

    switch (size) {
    case 1: return bus_read8(cpu->bus, paddr);
    case 2: return bus_read16(cpu->bus, paddr);
    default:
        assert(size == 4);
        return bus_read32(cpu->bus, paddr);
    }
}

void cpu_write_linear(struct cpu *cpu, uint32_t laddr, unsigned size, uint32_t value)
{
    uint32_t paddr = linear_to_phys(cpu, laddr);

    switch (size) {
    case 1: bus_write8(cpu->bus, paddr, (uint8_t)value); break;
    case 2: bus_write16(cpu->bus, paddr, (uint16_t)value); break;
    default:
        assert(size == 4);
        bus_write32(cpu->bus, paddr, value);
        break;
    }
}

uint32_t cpu_read(struct cpu *cpu, int seg, uint32_t offset, unsigned size)
{
    seg_check(cpu, seg, offset, size);
    return cpu_read_linear(cpu, cpu->seg[seg].base + offset, size);
}

void cpu_write(struct cpu *cpu, int seg, uint32_t offset, unsigned size, uint32_t value)
{
    seg_check(cpu, seg, offset, size);
    cpu_write_linear(cpu, cpu->seg[seg].base + offset, size, value);
}

uint32_t cpu_translate_code(struct cpu *cpu, uint32_t laddr)
{
    return linear_to_phys(cpu, laddr) & bus_a20_mask(cpu->bus);
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
