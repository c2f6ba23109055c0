/* BSF, BSR and CMPXCHG (SDM vol. 2 BSF, BSR, CMPXCHG; 486 behaviour). */
#include "cpu.h"
#include "flags.h"
#include "helpers.h"

static uint32_t size_mask(unsigned size)
{
    return size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
}

/* Source 0: ZF = 1 and the destination keeps its old value (what the 486 does;
 * the SDM calls it undefined). Only ZF changes: the other flags are undefined
 * and we leave them. */
uint32_t helper_bsf(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint32_t value = a & size_mask(imm);
    if (value == 0) {
        cpu_set_eflags(cpu, EFLAGS_ZF, EFLAGS_ZF);
        return b;
    }
    cpu_set_eflags(cpu, 0, EFLAGS_ZF);
    return (uint32_t)__builtin_ctz(value);
}

uint32_t helper_bsr(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint32_t value = a & size_mask(imm);
    if (value == 0) {
        cpu_set_eflags(cpu, EFLAGS_ZF, EFLAGS_ZF);
        return b;
    }
    cpu_set_eflags(cpu, 0, EFLAGS_ZF);
    return 31u - (uint32_t)__builtin_clz(value);
}

/* Flags as CMP accumulator, dest. Not equal: the accumulator is loaded with
 * dest and dest is written back unchanged (the 486 always writes). */
uint32_t helper_cmpxchg(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint32_t mask = size_mask(imm);
    uint32_t acc = cpu->regs[R_EAX] & mask;
    uint32_t dest = a & mask;
    cpu->flags = (struct lazy_flags){CC_OP(CC_SUB, imm), (acc - dest) & mask, acc, dest};
    if (acc == dest)
        return b;
    cpu->regs[R_EAX] = (cpu->regs[R_EAX] & ~mask) | dest;
    return a;
}
