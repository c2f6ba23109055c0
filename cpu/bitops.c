/* BSF, BSR, CMPXCHG and CMPXCHG8B (SDM vol. 2 BSF, BSR, CMPXCHG; 486
 * behaviour; CMPXCHG8B of the Pentium). */
#include "bits.h"
#include <stdbool.h>

#include "cpu.h"
#include "flags.h"
#include "helpers.h"
#include "mem.h"

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

/* CMPXCHG8B m64: a = offset, b = offset + 4 (wrapped to the address size),
 * imm = segment. Compare EDX:EAX with m64: equal -> store ECX:EBX, ZF = 1;
 * else load EDX:EAX, ZF = 0. The CPU writes the destination either way (the
 * old value back), so both halves are checked for writing before anything
 * changes (SDM vol. 2 CMPXCHG8B). Only ZF changes. */
uint32_t helper_cmpxchg8b(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    int seg = (int)imm;
    uint32_t lo = cpu_read(cpu, seg, a, 4), hi = cpu_read(cpu, seg, b, 4);
    bool equal = lo == cpu->regs[R_EAX] && hi == cpu->regs[R_EDX];

    cpu_check_write(cpu, seg, a, 4);
    cpu_check_write(cpu, seg, b, 4);
    cpu_write(cpu, seg, a, 4, equal ? cpu->regs[R_EBX] : lo);
    cpu_write(cpu, seg, b, 4, equal ? cpu->regs[R_ECX] : hi);
    if (!equal) {
        cpu->regs[R_EAX] = lo;
        cpu->regs[R_EDX] = hi;
    }
    cpu_set_eflags(cpu, equal ? EFLAGS_ZF : 0, EFLAGS_ZF);
    return 0;
}
