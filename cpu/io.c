/* IN and OUT with an immediate or DX port (SDM vol. 2 IN, OUT). The I/O
 * permission checks (IOPL, TSS bitmap) come with protected mode. */
#include "cpu.h"
#include "helpers.h"
#include "ioport.h"

static uint32_t size_mask(unsigned size)
{
    return size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
}

uint32_t helper_in(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    return ioports_read(cpu->io, (uint16_t)a, imm) & size_mask(imm);
}

/* EIP moves past the OUT before the device sees the write: a device at the
 * board level (the BIOS's hypercall port) may change any CPU state, EIP
 * included, and the block ends after every OUT (gen_out). */
uint32_t helper_out(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    cpu->eip = c;
    ioports_write(cpu->io, (uint16_t)a, imm, b & size_mask(imm));
    return 0;
}
