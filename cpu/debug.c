/* Breakpoints through DR0-DR3 and DR7 (SDM vol. 3 17.2.4-17.2.5, 17.3.1):
 * instruction breakpoints (RW=00, a fault before the instruction, RF
 * suppresses one), data write (01) and read/write (11) breakpoints (a trap
 * after the access), and with CR4.DE I/O breakpoints (RW=10, a trap after
 * the IN/OUT/INS/OUTS, SDM vol. 3 17.2.4-17.2.5). LEN 00/01/11 is 1/2/4
 * bytes, aligned down. */
#include "debug.h"

#include "cpu.h"
#include "cpuid.h"

enum { RW_EXEC = 0, RW_WRITE = 1, RW_IO = 2, RW_ACCESS = 3 };

static unsigned bp_rw(uint32_t dr7, unsigned n)
{
    return (dr7 >> (16 + 4 * n)) & 3;
}

static uint32_t bp_len(uint32_t dr7, unsigned n)
{
    static const uint8_t len[4] = {1, 2, 8, 4};
    return len[(dr7 >> (18 + 4 * n)) & 3];
}

static bool bp_enabled(uint32_t dr7, unsigned n)
{
    return (dr7 >> (2 * n)) & 3;
}

void debug_check_data(struct cpu *cpu, uint32_t laddr, unsigned size, bool write)
{
    uint32_t dr7 = cpu->dr[7];

    for (unsigned n = 0; n < 4; n++) {
        unsigned rw = bp_rw(dr7, n);
        if (!bp_enabled(dr7, n) || (rw != RW_ACCESS && (rw != RW_WRITE || !write)))
            continue;
        uint32_t len = bp_len(dr7, n);
        uint32_t start = cpu->dr[n] & ~(len - 1);
        if (laddr <= start + len - 1 && start <= laddr + size - 1)
            cpu->dr6_pending |= 1u << n;
    }
}

void debug_check_io(struct cpu *cpu, uint16_t port, unsigned size)
{
    uint32_t dr7 = cpu->dr[7];

    /* RW=10 is undefined without CR4.DE (SDM vol. 3 17.2.4) */
    if (!(cpu->cr[4] & CR4_DE))
        return;
    for (unsigned n = 0; n < 4; n++) {
        if (!bp_enabled(dr7, n) || bp_rw(dr7, n) != RW_IO)
            continue;
        uint32_t len = bp_len(dr7, n);
        uint32_t start = (cpu->dr[n] & 0xFFFFu) & ~(len - 1);
        if (port <= start + len - 1 && start <= port + size - 1u)
            cpu->dr6_pending |= 1u << n;
    }
}

static _Noreturn void debug_raise(struct cpu *cpu, uint32_t hits)
{
    cpu->dr[6] = (cpu->dr[6] & ~0xFu) | hits;
    cpu_raise_exception(cpu, EXC_DB, -1);
}

void cpu_debug_before_insn(struct cpu *cpu)
{
    uint32_t laddr = cpu->seg[SEG_CS].base + cpu->eip, dr7 = cpu->dr[7], hits = 0;

    if (cpu->dr6_pending) {
        hits = cpu->dr6_pending;
        cpu->dr6_pending = 0;
        debug_raise(cpu, hits);
    }
    if (cpu->eflags & EFLAGS_RF) {
        /* SDM vol. 3 17.3.1.1: RF lets the instruction run once */
        cpu->eflags &= ~(uint32_t)EFLAGS_RF;
        return;
    }
    for (unsigned n = 0; n < 4; n++) {
        if (bp_enabled(dr7, n) && bp_rw(dr7, n) == RW_EXEC && cpu->dr[n] == laddr)
            hits |= 1u << n;
    }
    if (hits)
        debug_raise(cpu, hits);
}
