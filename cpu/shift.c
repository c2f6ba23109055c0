/* Shifts and rotates with a run-time count, as on the 486 (SDM vol. 2 RCL/RCR/
 * ROL/ROR, SAL/SAR/SHL/SHR, SHLD, SHRD). The count is masked to 5 bits; a masked
 * count of 0 changes nothing. Choices where the SDM says "undefined":
 *  - OF for counts above 1: SHR and RCR take it from the last 1-bit step (what
 *    the 80286 vectors show); the others use the count-1 formula;
 *  - AF is cleared by the shifts (rotates leave it, they touch only CF and OF);
 *  - SHLD/SHRD r16 with a count above 16 shift the 32-bit pattern dest:src
 *    (src:dest for SHRD), zeros coming in, CF the last bit shifted out. */
#include "bits.h"
#include "cpu.h"
#include "flags.h"
#include "helpers.h"

enum { SHIFT_COUNT_MASK = 0x1F, ROTATE_FLAGS = EFLAGS_CF | EFLAGS_OF };

static uint32_t msb(uint32_t value, unsigned size)
{
    return (value >> (size * 8 - 1)) & 1;
}

static uint32_t carry_in(const struct cpu *cpu)
{
    return cpu_get_eflags(cpu) & EFLAGS_CF;
}

static void set_rotate_flags(struct cpu *cpu, uint32_t cf, uint32_t of)
{
    cpu_set_eflags(cpu, (cf ? EFLAGS_CF : 0) | (of ? EFLAGS_OF : 0), ROTATE_FLAGS);
}

/* All six arithmetic flags of a shift: SF, ZF, PF from res, AF = 0. */
static void set_shift_flags(struct cpu *cpu, uint32_t res, unsigned size, uint32_t cf,
                            uint32_t of)
{
    uint32_t fl = flags_parity(res) ? EFLAGS_PF : 0;
    if (res == 0)
        fl |= EFLAGS_ZF;
    if (msb(res, size))
        fl |= EFLAGS_SF;
    if (cf)
        fl |= EFLAGS_CF;
    if (of)
        fl |= EFLAGS_OF;
    cpu_set_eflags(cpu, fl, EFLAGS_ARITH);
}

uint32_t helper_rol(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    unsigned bits = imm * 8, count = b & SHIFT_COUNT_MASK, n = count % bits;
    uint32_t value = a & size_mask(imm);
    if (count == 0)
        return a;
    uint32_t res = n ? ((value << n) | (value >> (bits - n))) & size_mask(imm) : value;
    uint32_t cf = res & 1;
    set_rotate_flags(cpu, cf, msb(res, imm) ^ cf);
    return res;
}

uint32_t helper_ror(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    unsigned bits = imm * 8, count = b & SHIFT_COUNT_MASK, n = count % bits;
    uint32_t value = a & size_mask(imm);
    if (count == 0)
        return a;
    uint32_t res = n ? ((value >> n) | (value << (bits - n))) & size_mask(imm) : value;
    uint32_t cf = msb(res, imm);
    set_rotate_flags(cpu, cf, cf ^ ((res >> (bits - 2)) & 1));
    return res;
}

/* RCL/RCR rotate the (size*8 + 1)-bit value CF:value; SDM: count mod 9 / mod 17
 * for 8/16-bit operands, after the 5-bit mask. */
static unsigned rcx_count(uint32_t count, unsigned size)
{
    count &= SHIFT_COUNT_MASK;
    return size == 4 ? count : count % (size * 8 + 1);
}

uint32_t helper_rcl(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    unsigned bits = imm * 8, n = rcx_count(b, imm);
    uint64_t width_mask = (2ull << bits) - 1;
    uint64_t wide = (uint64_t)carry_in(cpu) << bits | (a & size_mask(imm));
    if ((b & SHIFT_COUNT_MASK) == 0)
        return a;
    if (n)
        wide = ((wide << n) | (wide >> (bits + 1 - n))) & width_mask;
    uint32_t res = (uint32_t)wide & size_mask(imm);
    uint32_t cf = (uint32_t)(wide >> bits) & 1;
    set_rotate_flags(cpu, cf, msb(res, imm) ^ cf);
    return res;
}

uint32_t helper_rcr(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    unsigned bits = imm * 8, n = rcx_count(b, imm);
    uint64_t width_mask = (2ull << bits) - 1;
    uint32_t old_cf = carry_in(cpu);
    uint64_t wide = (uint64_t)old_cf << bits | (a & size_mask(imm));
    if ((b & SHIFT_COUNT_MASK) == 0)
        return a;
    if (n)
        wide = ((wide >> n) | (wide << (bits + 1 - n))) & width_mask;
    uint32_t res = (uint32_t)wide & size_mask(imm);
    /* SDM vol. 2 RCR: OF = MSB(operand) XOR CF before a 1-bit rotate. For longer
     * counts (undefined) the rotate is taken as n 1-bit steps and OF comes from
     * the last one, as the 80286 vectors show */
    /* (a count that is a multiple of size + 1 still runs its 1-bit steps) */
    uint64_t before_last = ((wide << 1) | (wide >> bits)) & width_mask;
    uint32_t of = (uint32_t)((before_last >> (bits - 1)) ^ (before_last >> bits)) & 1;
    set_rotate_flags(cpu, (uint32_t)(wide >> bits) & 1, of);
    return res;
}

uint32_t helper_shl(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    unsigned n = b & SHIFT_COUNT_MASK;
    if (n == 0)
        return a;
    /* 64-bit so the last bit shifted out lands at bit size*8 for any count */
    uint64_t wide = (uint64_t)(a & size_mask(imm)) << n;
    uint32_t res = (uint32_t)wide & size_mask(imm);
    uint32_t cf = (uint32_t)(wide >> (imm * 8)) & 1;
    set_shift_flags(cpu, res, imm, cf, msb(res, imm) ^ cf);
    return res;
}

uint32_t helper_shr(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    unsigned n = b & SHIFT_COUNT_MASK;
    uint32_t value = a & size_mask(imm);
    if (n == 0)
        return a;
    uint32_t res = value >> n;
    /* OF is MSB(operand) for a 1-bit shift; for longer counts (undefined) it is
     * taken from the last 1-bit step, as the 80286 vectors show */
    set_shift_flags(cpu, res, imm, (value >> (n - 1)) & 1, msb(value >> (n - 1), imm));
    return res;
}

uint32_t helper_sar(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    unsigned n = b & SHIFT_COUNT_MASK;
    uint32_t mask = size_mask(imm);
    uint32_t value = a & mask;
    if (n == 0)
        return a;
    /* sign-fill by hand: >> of a negative int is implementation-defined in C */
    bool negative = msb(value, imm);
    uint32_t wide = negative ? value | ~mask : value;
    uint32_t shifted = negative ? (wide >> n) | ~(0xFFFFFFFFu >> n) : wide >> n;
    set_shift_flags(cpu, shifted & mask, imm, (wide >> (n - 1)) & 1, 0);
    return shifted & mask;
}

/* SHLD: bits of the 2*size pattern dest:src shifted left, the top half kept. */
uint32_t helper_shld(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    unsigned bits = imm * 8, n = c & SHIFT_COUNT_MASK;
    uint32_t mask = size_mask(imm);
    uint64_t pattern = (uint64_t)(a & mask) << bits | (b & mask);
    if (n == 0)
        return a;
    uint32_t res = (uint32_t)((pattern << n) >> bits) & mask;
    uint32_t cf = (uint32_t)(pattern >> (2 * bits - n)) & 1;
    set_shift_flags(cpu, res, imm, cf, msb(res, imm) ^ msb(a, imm));
    return res;
}

/* SHRD: bits of the 2*size pattern src:dest shifted right, the low half kept. */
uint32_t helper_shrd(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    unsigned bits = imm * 8, n = c & SHIFT_COUNT_MASK;
    uint32_t mask = size_mask(imm);
    uint64_t pattern = (uint64_t)(b & mask) << bits | (a & mask);
    if (n == 0)
        return a;
    uint32_t res = (uint32_t)(pattern >> n) & mask;
    uint32_t cf = (uint32_t)(pattern >> (n - 1)) & 1;
    set_shift_flags(cpu, res, imm, cf, msb(res, imm) ^ msb(a, imm));
    return res;
}
