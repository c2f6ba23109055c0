/* IN and OUT with an immediate or DX port (SDM vol. 2 IN, OUT), and the I/O
 * permission check shared with INS/OUTS: in protected mode with CPL > IOPL,
 * and always in virtual-8086 mode, every port of the access needs a clear
 * bit in the TSS I/O permission bitmap (SDM vol. 3 19.5.1-19.5.2). */
#include "bits.h"
#include "cpu.h"
#include "debug.h"
#include "desc.h"
#include "helpers.h"
#include "ioport.h"
#include "mem.h"
#include "task.h"

/* The bitmap check: a 32-bit TSS whose limit covers the two bytes holding
 * the port's bits (SDM vol. 3 19.5.2: the CPU always reads two bytes). */
static bool bitmap_allows(struct cpu *cpu, uint16_t port, unsigned size)
{
    unsigned type = cpu->tr.ar & 0xF;
    uint32_t base, offset, bits;

    if ((type != SYS_TSS32 && type != SYS_TSS32_BUSY) || cpu->tr.limit < 0x67)
        return false;
    base = cpu_read_linear(cpu, cpu->tr.base + 0x66, 2);
    offset = base + port / 8u;
    if (offset + 1 > cpu->tr.limit)
        return false;
    bits = cpu_read_linear(cpu, cpu->tr.base + offset, 2) >> (port & 7);
    return (bits & ((1u << size) - 1)) == 0;
}

void cpu_io_check(struct cpu *cpu, uint16_t port, unsigned size)
{
    bool vm = cpu->eflags & EFLAGS_VM;

    /* a #GP below drops the pending hit: the access did not happen */
    if (cpu->mode & MODE_DEBUG)
        debug_check_io(cpu, port, size);
    if (!(cpu->cr[0] & CR0_PE))
        return;
    if (!vm && cpu_cpl_of(cpu) <= ((cpu->eflags & EFLAGS_IOPL) >> 12))
        return;
    if (!bitmap_allows(cpu, port, size))
        cpu_raise_exception(cpu, EXC_GP, 0);
}

uint32_t helper_in(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    cpu_io_check(cpu, (uint16_t)a, imm);
    return ioports_read(cpu->io, (uint16_t)a, imm) & size_mask(imm);
}

/* EIP moves past the OUT before the device sees the write: a device at the
 * board level (the BIOS's hypercall port) may change any CPU state, EIP
 * included, and the block ends after every OUT (gen_out). The permission
 * check comes first, so its #GP reports the OUT itself. */
uint32_t helper_out(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    cpu_io_check(cpu, (uint16_t)a, imm);
    cpu->eip = c;
    ioports_write(cpu->io, (uint16_t)a, imm, b & size_mask(imm));
    return 0;
}
