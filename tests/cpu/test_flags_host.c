/* cpu/flags.c against the host CPU: on x86-64 hosts the host's own EFLAGS after
 * ADD ADC SUB SBB AND OR XOR INC DEC NEG SHL SHR SAR MUL (8/16/32 bits) on
 * random operands are the oracle; known values and condition codes run on every
 * host. Set TRAPDOOR_SEED to replay a run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "cpu.h"
#include "flags.h"

enum { ITERATIONS = 200000 };

struct rng {
    uint64_t s;
};

static uint64_t seed_from_env(void)
{
    const char *s = getenv("TRAPDOOR_SEED");
    return s ? strtoull(s, NULL, 0) : 0x7d0f1a65u;
}

static uint32_t rng_next(struct rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return (uint32_t)(r->s >> 16);
}

/* A quarter of the operands come from the values where flags change. */
static uint32_t rand_operand(struct rng *r, unsigned size)
{
    static const uint32_t edges[] = {
        0, 1, 2, 0x0F, 0x10, 0x7F, 0x80, 0x81, 0xFF, 0x100, 0x7FFF, 0x8000, 0x8001,
        0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFE, 0xFFFFFFFF,
    };
    uint32_t mask = size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
    uint32_t v = rng_next(r);

    if ((v & 3) == 0)
        v = edges[rng_next(r) % (sizeof(edges) / sizeof(edges[0]))];
    return v & mask;
}

#if defined(__x86_64__)

static const uint32_t ALL6 = EFLAGS_ARITH;
static const uint32_t NO_AF = EFLAGS_ARITH & ~(uint32_t)EFLAGS_AF;

/* Host result of one operation; *flags gets the host EFLAGS. cin is the carry
 * flag before the instruction, count the shift count. */
typedef uint32_t host_fn(uint32_t a, uint32_t b, uint32_t cin, uint32_t *flags);

/* pushfq below the red zone the compiler may be using */
#define SAVE_FLAGS(out) "lea -128(%%rsp), %%rsp\n\tpushfq\n\tpopq %" out "\n\tlea 128(%%rsp), %%rsp"

#define HOST_BIN(fn, insn, type)                                                     \
    static uint32_t fn(uint32_t a, uint32_t b, uint32_t cin, uint32_t *flags)        \
    {                                                                                \
        type r = (type)a;                                                            \
        uint64_t f;                                                                  \
        __asm__("btl $0, %k3\n\t" insn " %2, %0\n\t" SAVE_FLAGS("1")                  \
                : "+q"(r), "=&r"(f)                                                  \
                : "q"((type)b), "r"(cin)                                             \
                : "cc", "memory");                                                   \
        *flags = (uint32_t)f;                                                        \
        return r;                                                                    \
    }

#define HOST_UN(fn, insn, type)                                                      \
    static uint32_t fn(uint32_t a, uint32_t b, uint32_t cin, uint32_t *flags)        \
    {                                                                                \
        type r = (type)a;                                                            \
        uint64_t f;                                                                  \
        __asm__("btl $0, %k2\n\t" insn " %0\n\t" SAVE_FLAGS("1")                      \
                : "+q"(r), "=&r"(f)                                                  \
                : "r"(cin)                                                           \
                : "cc", "memory");                                                   \
        *flags = (uint32_t)f;                                                        \
        return r;                                                                    \
    }

#define HOST_SHIFT(fn, insn, type)                                                   \
    static uint32_t fn(uint32_t a, uint32_t b, uint32_t cin, uint32_t *flags)        \
    {                                                                                \
        type r = (type)a;                                                            \
        uint64_t f;                                                                  \
        __asm__(insn " %%cl, %0\n\t" SAVE_FLAGS("1")                                  \
                : "+q"(r), "=&r"(f)                                                  \
                : "c"((uint8_t)b)                                                    \
                : "cc", "memory");                                                   \
        *flags = (uint32_t)f;                                                        \
        return r;                                                                    \
    }

#define HOST_ALL_SIZES(MAC, name, insn) \
    MAC(name##8, insn, uint8_t) MAC(name##16, insn, uint16_t) MAC(name##32, insn, uint32_t)

HOST_ALL_SIZES(HOST_BIN, host_add, "add")
HOST_ALL_SIZES(HOST_BIN, host_adc, "adc")
HOST_ALL_SIZES(HOST_BIN, host_sub, "sub")
HOST_ALL_SIZES(HOST_BIN, host_sbb, "sbb")
HOST_ALL_SIZES(HOST_BIN, host_and, "and")
HOST_ALL_SIZES(HOST_BIN, host_or, "or")
HOST_ALL_SIZES(HOST_BIN, host_xor, "xor")
HOST_ALL_SIZES(HOST_UN, host_inc, "inc")
HOST_ALL_SIZES(HOST_UN, host_dec, "dec")
HOST_ALL_SIZES(HOST_UN, host_neg, "neg")
HOST_ALL_SIZES(HOST_SHIFT, host_shl, "shl")
HOST_ALL_SIZES(HOST_SHIFT, host_shr, "shr")
HOST_ALL_SIZES(HOST_SHIFT, host_sar, "sar")

/* MUL a * b at size: returns the low half, *high the high half (AH, DX, EDX). */
static uint32_t host_mul(unsigned size, uint32_t a, uint32_t b, uint32_t *high, uint32_t *flags)
{
    uint64_t f;

    if (size == 1) {
        uint16_t ax = (uint8_t)a;
        __asm__("mulb %2\n\t" SAVE_FLAGS("1") : "+a"(ax), "=&r"(f) : "q"((uint8_t)b) : "cc", "memory");
        *high = ax >> 8;
        *flags = (uint32_t)f;
        return ax & 0xFF;
    }
    if (size == 2) {
        uint16_t ax = (uint16_t)a, dx;
        __asm__("mulw %3\n\t" SAVE_FLAGS("2") : "+a"(ax), "=d"(dx), "=&r"(f) : "r"((uint16_t)b)
                : "cc", "memory");
        *high = dx;
        *flags = (uint32_t)f;
        return ax;
    }
    uint32_t eax = a, edx;
    __asm__("mull %3\n\t" SAVE_FLAGS("2") : "+a"(eax), "=d"(edx), "=&r"(f) : "r"(b) : "cc", "memory");
    *high = edx;
    *flags = (uint32_t)f;
    return eax;
}

/* How the translator records each operation in the lazy state. */
enum rec { REC_BIN, REC_NEG, REC_INCDEC, REC_SHIFT };

struct host_case {
    const char *name;
    host_fn *fn;
    unsigned size;
    enum cc_kind kind;
    enum rec rec;
    /* flags the architecture defines for this operation */
    uint32_t defined;
};

#define CASES3(name, kind, rec, defined)                     \
    { #name "8", host_##name##8, 1, kind, rec, defined },    \
    { #name "16", host_##name##16, 2, kind, rec, defined },  \
    { #name "32", host_##name##32, 4, kind, rec, defined }

static const struct host_case host_cases[] = {
    CASES3(add, CC_ADD, REC_BIN, ALL6),
    CASES3(adc, CC_ADD, REC_BIN, ALL6),
    CASES3(sub, CC_SUB, REC_BIN, ALL6),
    CASES3(sbb, CC_SUB, REC_BIN, ALL6),
    /* AF is undefined after logic ops */
    CASES3(and, CC_LOGIC, REC_BIN, NO_AF),
    CASES3(or, CC_LOGIC, REC_BIN, NO_AF),
    CASES3(xor, CC_LOGIC, REC_BIN, NO_AF),
    CASES3(inc, CC_INC, REC_INCDEC, ALL6),
    CASES3(dec, CC_DEC, REC_INCDEC, ALL6),
    CASES3(neg, CC_SUB, REC_NEG, ALL6),
    /* AF undefined; OF defined only for a count of 1 (added below) */
    CASES3(shl, CC_SHL, REC_SHIFT, EFLAGS_CF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_PF),
    CASES3(shr, CC_SHR, REC_SHIFT, EFLAGS_CF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_PF),
    CASES3(sar, CC_SAR, REC_SHIFT, EFLAGS_CF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_PF),
};

static void lazy_inputs(const struct host_case *hc, uint32_t a, uint32_t b, uint32_t cin,
                        uint32_t *s1, uint32_t *s2)
{
    *s1 = hc->rec == REC_NEG ? 0 : a;
    *s2 = hc->rec == REC_NEG ? a : hc->rec == REC_INCDEC ? cin : b;
}

static int run_case(const struct host_case *hc, struct rng *r, uint64_t seed)
{
    for (unsigned i = 0; i < ITERATIONS; i++) {
        uint32_t a = rand_operand(r, hc->size), b = rand_operand(r, hc->size);
        uint32_t cin = rng_next(r) & 1, hostf, s1, s2, defined = hc->defined;

        if (hc->rec == REC_SHIFT)
            b = 1 + rng_next(r) % 31;
        if (hc->rec == REC_SHIFT && b == 1)
            defined |= EFLAGS_OF;
        uint32_t res = hc->fn(a, b, cin, &hostf);
        lazy_inputs(hc, a, b, cin, &s1, &s2);
        uint32_t got = flags_compute(CC_OP(hc->kind, hc->size), res, s1, s2);
        if ((got ^ hostf) & defined) {
            print_error("%s a=%#x b=%#x cin=%u res=%#x: host %#05x, flags_compute %#05x "
                        "(mask %#05x, seed %#llx)\n", hc->name, a, b, cin, res,
                        hostf & defined, got & defined, defined, (unsigned long long)seed);
            return 1;
        }
        if (flags_compute_cf(CC_OP(hc->kind, hc->size), res, s1, s2) != (got & EFLAGS_CF)) {
            print_error("%s a=%#x b=%#x: flags_compute_cf disagrees with flags_compute\n",
                        hc->name, a, b);
            return 1;
        }
    }
    return 0;
}

static void test_host_alu(void **state)
{
    uint64_t seed = seed_from_env();
    struct rng r = { seed | 1 };
    int failures = 0;

    for (size_t i = 0; i < sizeof(host_cases) / sizeof(host_cases[0]); i++)
        failures += run_case(&host_cases[i], &r, seed);
    assert_int_equal(failures, 0);
}

static void test_host_mul(void **state)
{
    struct rng r = { seed_from_env() | 1 };

    for (unsigned size = 1; size <= 4; size *= 2) {
        for (unsigned i = 0; i < ITERATIONS; i++) {
            uint32_t a = rand_operand(&r, size), b = rand_operand(&r, size), high, hostf;
            uint32_t lo = host_mul(size, a, b, &high, &hostf);
            uint32_t got = flags_compute(CC_OP(CC_MUL, size), lo, high, 0);
            /* SF ZF AF PF are undefined after MUL */
            assert_int_equal(got & (EFLAGS_CF | EFLAGS_OF), hostf & (EFLAGS_CF | EFLAGS_OF));
        }
    }
}

#else

static void test_host_alu(void **state)
{
    skip();
}

static void test_host_mul(void **state)
{
    skip();
}

#endif

enum { CF = EFLAGS_CF, PF = EFLAGS_PF, AF = EFLAGS_AF, ZF = EFLAGS_ZF, SF = EFLAGS_SF,
       OF = EFLAGS_OF };

struct known {
    uint32_t op, res, s1, s2, flags;
};

/* Worked by hand from the SDM definitions; the 486 clears AF after shifts. */
static const struct known known_values[] = {
    { CC_OP(CC_ADD, 1), 0x00, 0xFF, 0x01, CF | PF | AF | ZF },
    { CC_OP(CC_ADD, 1), 0x80, 0x7F, 0x01, AF | SF | OF },
    /* ADC 0xFFFF + 0xFFFF + 1 */
    { CC_OP(CC_ADD, 2), 0xFFFF, 0xFFFF, 0xFFFF, CF | PF | AF | SF },
    { CC_OP(CC_ADD, 4), 0x00000000, 0x80000000, 0x80000000, CF | PF | ZF | OF },
    { CC_OP(CC_SUB, 4), 0xFFFFFFFF, 0, 1, CF | PF | AF | SF },
    /* SBB 0x80 - 0x7F - 1 */
    { CC_OP(CC_SUB, 1), 0x00, 0x80, 0x7F, PF | AF | ZF | OF },
    /* NEG 0x80 */
    { CC_OP(CC_SUB, 1), 0x80, 0x00, 0x80, CF | SF | OF },
    { CC_OP(CC_LOGIC, 2), 0x0000, 0x00F0, 0x0F00, PF | ZF },
    { CC_OP(CC_LOGIC, 4), 0x80000001, 0, 0, SF },
    /* INC 0x7F keeps CF = 1 */
    { CC_OP(CC_INC, 1), 0x80, 0x7F, 1, CF | AF | SF | OF },
    { CC_OP(CC_DEC, 2), 0x7FFF, 0x8000, 0, PF | AF | OF },
    { CC_OP(CC_DEC, 4), 0x00000000, 0x00000001, 1, CF | PF | ZF },
    { CC_OP(CC_SHL, 1), 0x02, 0x81, 1, CF | OF },
    /* count == size: the last bit out is bit 0; past the size only zeros */
    { CC_OP(CC_SHL, 1), 0x00, 0x01, 8, CF | PF | ZF | OF },
    { CC_OP(CC_SHL, 1), 0x00, 0x01, 9, PF | ZF },
    { CC_OP(CC_SHL, 2), 0x0000, 0x8000, 17, PF | ZF },
    { CC_OP(CC_SHR, 2), 0x4000, 0x8001, 1, CF | PF | OF },
    /* SHR: OF is the operand's top bit before the last 1-bit step */
    { CC_OP(CC_SHR, 1), 0x00, 0x80, 8, CF | PF | ZF },
    { CC_OP(CC_SHR, 1), 0x00, 0x80, 9, PF | ZF },
    { CC_OP(CC_SAR, 1), 0xFF, 0x80, 31, CF | PF | SF },
    { CC_OP(CC_SAR, 4), 0xFFFFFFFF, 0x80000000, 31, PF | SF },
    { CC_OP(CC_SAR, 2), 0x0000, 0x0001, 1, CF | PF | ZF },
    { CC_OP(CC_MUL, 2), 0x0000, 0x0001, 0, CF | PF | ZF | OF },
    { CC_OP(CC_MUL, 4), 0x00000003, 0, 0, PF },
};

static void test_known_values(void **state)
{
    for (size_t i = 0; i < sizeof(known_values) / sizeof(known_values[0]); i++) {
        const struct known *k = &known_values[i];
        uint32_t got = flags_compute(k->op, k->res, k->s1, k->s2);
        if (got != k->flags)
            print_error("known value %zu: got %#05x, want %#05x\n", i, got, k->flags);
        assert_int_equal(got, k->flags);
        assert_int_equal(flags_compute_cf(k->op, k->res, k->s1, k->s2), k->flags & CF);
    }
}

static void test_parity(void **state)
{
    for (uint32_t v = 0; v < 0x400; v++) {
        unsigned ones = (unsigned)__builtin_popcount(v & 0xFF);
        assert_int_equal(flags_parity(v), (ones % 2 == 0) ? EFLAGS_PF : 0);
    }
}

/* Reference: SDM vol. 2 appendix B table "Conditions", written out plainly. */
static uint32_t cond_reference(uint32_t f, unsigned cc)
{
    int of = !!(f & OF), cf = !!(f & CF), zf = !!(f & ZF), sf = !!(f & SF), pf = !!(f & PF);
    int v;

    switch (cc >> 1) {
    case 0: v = of; break;
    case 1: v = cf; break;
    case 2: v = zf; break;
    case 3: v = cf || zf; break;
    case 4: v = sf; break;
    case 5: v = pf; break;
    case 6: v = sf != of; break;
    default: v = zf || (sf != of); break;
    }
    return (uint32_t)((cc & 1) ? !v : v);
}

static void test_cond_eflags(void **state)
{
    struct cpu cpu = { 0 };
    static const uint32_t bits[] = { OF, CF, ZF, SF, PF };

    cpu.flags.op = CC_OP(CC_EFLAGS, 0);
    for (unsigned combo = 0; combo < 32; combo++) {
        cpu.eflags = EFLAGS_FIXED1;
        for (unsigned b = 0; b < 5; b++)
            if (combo & (1u << b))
                cpu.eflags |= bits[b];
        for (unsigned cc = 0; cc < 16; cc++)
            assert_int_equal(flags_cond(&cpu, cc), cond_reference(cpu.eflags, cc));
    }
}

/* CMP a, b as the translator records it: the conditions are the comparisons. */
static void test_cond_cmp(void **state)
{
    struct cpu cpu = { 0 };
    struct rng r = { seed_from_env() | 1 };

    for (unsigned i = 0; i < ITERATIONS; i++) {
        uint32_t a = rand_operand(&r, 4), b = rand_operand(&r, 4);
        cpu.flags = (struct lazy_flags){ CC_OP(CC_SUB, 4), a - b, a, b };
        assert_int_equal(flags_cond(&cpu, 0x2), a < b);                      /* B */
        assert_int_equal(flags_cond(&cpu, 0x3), a >= b);                     /* AE */
        assert_int_equal(flags_cond(&cpu, 0x4), a == b);                     /* E */
        assert_int_equal(flags_cond(&cpu, 0x6), a <= b);                     /* BE */
        assert_int_equal(flags_cond(&cpu, 0x7), a > b);                      /* A */
        assert_int_equal(flags_cond(&cpu, 0xC), (int32_t)a < (int32_t)b);    /* L */
        assert_int_equal(flags_cond(&cpu, 0xD), (int32_t)a >= (int32_t)b);   /* GE */
        assert_int_equal(flags_cond(&cpu, 0xE), (int32_t)a <= (int32_t)b);   /* LE */
        assert_int_equal(flags_cond(&cpu, 0xF), (int32_t)a > (int32_t)b);    /* G */
        uint16_t a16 = (uint16_t)a, b16 = (uint16_t)b;
        cpu.flags = (struct lazy_flags){ CC_OP(CC_SUB, 2), (uint16_t)(a16 - b16), a16, b16 };
        assert_int_equal(flags_cond(&cpu, 0x2), a16 < b16);
        assert_int_equal(flags_cond(&cpu, 0xC), (int16_t)a16 < (int16_t)b16);
        assert_int_equal(flags_cond(&cpu, 0xF), (int16_t)a16 > (int16_t)b16);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_values),
        cmocka_unit_test(test_parity),
        cmocka_unit_test(test_cond_eflags),
        cmocka_unit_test(test_cond_cmp),
        cmocka_unit_test(test_host_alu),
        cmocka_unit_test(test_host_mul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
