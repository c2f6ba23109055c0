/* MUL, IMUL, DIV and IDIV with the accumulator (SDM vol. 2 MUL, IMUL, DIV, IDIV).
 * SF, ZF, PF and AF are undefined after MUL/IMUL on the 486; we take SF, ZF and
 * PF from the low half of the product and clear AF. DIV/IDIV leave all flags. */
#include "bits.h"
#include "cpu.h"
#include "flags.h"
#include "helpers.h"

static int64_t sign_extend(uint64_t value, unsigned bits)
{
    uint64_t sign = 1ull << (bits - 1);
    uint64_t field = (sign << 1) - 1;
    value &= field;
    /* negative: value - 2^bits, written so no step overflows (bits may be 64) */
    return value & sign ? -(int64_t)(field - value) - 1 : (int64_t)value;
}

/* The accumulator pair of a size: AH:AL, DX:AX or EDX:EAX. */
static uint64_t acc_pair_read(const struct cpu *cpu, unsigned size)
{
    unsigned bits = size * 8;
    uint32_t mask = size_mask(size);
    uint32_t low = cpu->regs[R_EAX] & mask;
    uint32_t high = size == 1 ? (cpu->regs[R_EAX] >> 8) & 0xFF : cpu->regs[R_EDX] & mask;
    return (uint64_t)high << bits | low;
}

static void acc_pair_write(struct cpu *cpu, unsigned size, uint32_t low, uint32_t high)
{
    uint32_t mask = size_mask(size);
    if (size == 1) {
        cpu->regs[R_EAX] = (cpu->regs[R_EAX] & ~0xFFFFu) | (high & 0xFF) << 8 | (low & 0xFF);
        return;
    }
    cpu->regs[R_EAX] = (cpu->regs[R_EAX] & ~mask) | (low & mask);
    cpu->regs[R_EDX] = (cpu->regs[R_EDX] & ~mask) | (high & mask);
}

/* CF = OF = overflow; SF, ZF, PF from the low half (our choice, see above). */
static void mul_set_flags(struct cpu *cpu, uint32_t low, unsigned size, bool overflow)
{
    uint32_t sign = 1u << (size * 8 - 1);
    uint32_t fl = flags_parity(low) ? EFLAGS_PF : 0;
    if ((low & size_mask(size)) == 0)
        fl |= EFLAGS_ZF;
    if (low & sign)
        fl |= EFLAGS_SF;
    if (overflow)
        fl |= EFLAGS_CF | EFLAGS_OF;
    cpu_set_eflags(cpu, fl, EFLAGS_ARITH);
}

uint32_t helper_mul(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint32_t mask = size_mask(imm);
    uint64_t product = (uint64_t)(cpu->regs[R_EAX] & mask) * (a & mask);
    uint32_t low = (uint32_t)product & mask;
    uint32_t high = (uint32_t)(product >> (imm * 8)) & mask;
    acc_pair_write(cpu, imm, low, high);
    mul_set_flags(cpu, low, imm, high != 0);
    return 0;
}

uint32_t helper_imul(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    unsigned bits = imm * 8;
    int64_t product = sign_extend(cpu->regs[R_EAX], bits) * sign_extend(a, bits);
    uint32_t mask = size_mask(imm);
    uint32_t low = (uint32_t)product & mask;
    uint32_t high = (uint32_t)((uint64_t)product >> bits) & mask;
    acc_pair_write(cpu, imm, low, high);
    mul_set_flags(cpu, low, imm, sign_extend(low, bits) != product);
    return 0;
}

uint32_t helper_imul2(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    unsigned bits = imm * 8;
    int64_t product = sign_extend(a, bits) * sign_extend(b, bits);
    uint32_t low = (uint32_t)product & size_mask(imm);
    mul_set_flags(cpu, low, imm, sign_extend(low, bits) != product);
    return low;
}

uint32_t helper_div(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint32_t mask = size_mask(imm);
    uint64_t divisor = a & mask;
    if (divisor == 0)
        cpu_raise_exception(cpu, EXC_DE, -1);
    uint64_t dividend = acc_pair_read(cpu, imm);
    uint64_t quotient = dividend / divisor;
    if (quotient > mask)
        cpu_raise_exception(cpu, EXC_DE, -1);
    acc_pair_write(cpu, imm, (uint32_t)quotient, (uint32_t)(dividend % divisor));
    return 0;
}

uint32_t helper_idiv(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    unsigned bits = imm * 8;
    int64_t divisor = sign_extend(a, bits);
    int64_t dividend = sign_extend(acc_pair_read(cpu, imm), bits * 2);
    int64_t limit = (int64_t)1 << (bits - 1);
    if (divisor == 0)
        cpu_raise_exception(cpu, EXC_DE, -1);
    /* INT64_MIN / -1 would overflow the host; its quotient is out of range anyway */
    if (divisor == -1 && dividend == INT64_MIN)
        cpu_raise_exception(cpu, EXC_DE, -1);
    int64_t quotient = dividend / divisor;
    /* SDM vol. 2 IDIV: #DE unless -2^(n-1) <= quotient <= 2^(n-1) - 1 */
    if (quotient < -limit || quotient >= limit)
        cpu_raise_exception(cpu, EXC_DE, -1);
    acc_pair_write(cpu, imm, (uint32_t)quotient, (uint32_t)(dividend % divisor));
    return 0;
}
