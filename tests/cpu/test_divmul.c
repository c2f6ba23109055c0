/* Unit tests for cpu/divmul.c (MUL, IMUL, DIV, IDIV) and CMPXCHG from
 * cpu/bitops.c: known answers worked out from SDM vol. 2, and on x86-64 hosts
 * the host's own MUL/IMUL/DIV/IDIV on random operands. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cpu.h"
#include "flags.h"
#include "helpers.h"

enum { NO_EXC = -1, ALL_ARITH = EFLAGS_ARITH, KEEP_FLAGS = -1 };

static void cpu_blank(struct cpu *cpu, uint32_t arith)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->eflags = EFLAGS_FIXED1 | arith;
    cpu->flags.op = CC_EFLAGS;
}

static uint32_t arith_flags(const struct cpu *cpu)
{
    return cpu_get_eflags(cpu) & EFLAGS_ARITH;
}

/* Call fn; return the vector of the exception it raised, or NO_EXC. */
static int call_catching(struct cpu *cpu, helper_fn *fn, uint32_t a, uint32_t imm)
{
    sigjmp_buf env;
    cpu->exc_jmp = &env;
    cpu->exc_vector = NO_EXC;
    cpu->exc_depth = 0;
    if (sigsetjmp(env, 0) != 0) {
        cpu->exc_jmp = NULL;
        return cpu->exc_vector;
    }
    fn(cpu, a, 0, 0, imm);
    cpu->exc_jmp = NULL;
    return NO_EXC;
}

/* One accumulator instruction: inputs, then the expected outcome. */
struct acc_case {
    const char *name;
    helper_fn *fn;
    unsigned size;
    uint32_t eax, edx, src;
    int exc;
    uint32_t out_eax, out_edx;
    /* expected arithmetic flags, or KEEP_FLAGS: unchanged from the input */
    int64_t flags;
};

/* Flags going in: a mix so that "unchanged" and "cleared" are both visible. */
enum { IN_FLAGS = EFLAGS_SF | EFLAGS_PF | EFLAGS_AF | EFLAGS_OF };

static const struct acc_case acc_cases[] = {
    {"div8", helper_div, 1, 0xAABB1234, 0x77, 0x56, NO_EXC, 0xAABB1036, 0x77, KEEP_FLAGS},
    {"div8 overflow", helper_div, 1, 0x1000, 0, 0x10, EXC_DE, 0x1000, 0, KEEP_FLAGS},
    {"div8 by zero (masked)", helper_div, 1, 0x1234, 0, 0xFF00, EXC_DE, 0x1234, 0, KEEP_FLAGS},
    {"div16", helper_div, 2, 0xCCCC0000, 0xDDDD0001, 3, NO_EXC, 0xCCCC5555, 0xDDDD0001, KEEP_FLAGS},
    {"div16 overflow", helper_div, 2, 0, 3, 3, EXC_DE, 0, 3, KEEP_FLAGS},
    {"div16 by zero", helper_div, 2, 5, 0, 0x10000, EXC_DE, 5, 0, KEEP_FLAGS},
    {"div32", helper_div, 4, 0x9ABCDEF0, 0x12345678, 0xFFFFFFFF, NO_EXC, 0x12345678, 0xACF13568,
     KEEP_FLAGS},
    {"div32 overflow", helper_div, 4, 0, 1, 1, EXC_DE, 0, 1, KEEP_FLAGS},
    {"div32 by zero", helper_div, 4, 1, 0, 0, EXC_DE, 1, 0, KEEP_FLAGS},
    {"idiv8 -7/2", helper_idiv, 1, 0xFFF9, 0, 2, NO_EXC, 0xFFFD, 0, KEEP_FLAGS},
    {"idiv8 -256/2", helper_idiv, 1, 0xFF00, 0, 2, NO_EXC, 0x0080, 0, KEEP_FLAGS},
    {"idiv8 256/2", helper_idiv, 1, 0x0100, 0, 2, EXC_DE, 0x0100, 0, KEEP_FLAGS},
    {"idiv8 -128/-1", helper_idiv, 1, 0xFF80, 0, 0xFF, EXC_DE, 0xFF80, 0, KEEP_FLAGS},
    {"idiv8 -32768/-1", helper_idiv, 1, 0x8000, 0, 0xFF, EXC_DE, 0x8000, 0, KEEP_FLAGS},
    {"idiv8 by zero", helper_idiv, 1, 0x8000, 0, 0, EXC_DE, 0x8000, 0, KEEP_FLAGS},
    {"idiv16 -100000/7", helper_idiv, 2, 0x7960, 0xFFFE, 7, NO_EXC, 0xC833, 0xFFFB, KEEP_FLAGS},
    {"idiv16 100/-7", helper_idiv, 2, 100, 0, 0xFFF9, NO_EXC, 0xFFF2, 2, KEEP_FLAGS},
    {"idiv16 -65536/2", helper_idiv, 2, 0, 0xFFFF, 2, NO_EXC, 0x8000, 0, KEEP_FLAGS},
    {"idiv16 65536/2", helper_idiv, 2, 0, 1, 2, EXC_DE, 0, 1, KEEP_FLAGS},
    {"idiv32 min/-1", helper_idiv, 4, 0, 0x80000000, 0xFFFFFFFF, EXC_DE, 0, 0x80000000,
     KEEP_FLAGS},
    {"idiv32 -2^31/1", helper_idiv, 4, 0x80000000, 0xFFFFFFFF, 1, NO_EXC, 0x80000000, 0,
     KEEP_FLAGS},
    {"idiv32 2^31/1", helper_idiv, 4, 0x80000000, 0, 1, EXC_DE, 0x80000000, 0, KEEP_FLAGS},
    {"idiv32 -100/7", helper_idiv, 4, 0xFFFFFF9C, 0xFFFFFFFF, 7, NO_EXC, 0xFFFFFFF2, 0xFFFFFFFE,
     KEEP_FLAGS},
    {"idiv32 by zero", helper_idiv, 4, 1, 0, 0, EXC_DE, 1, 0, KEEP_FLAGS},
    {"mul8 carry", helper_mul, 1, 0x11112280, 0x99, 2, NO_EXC, 0x11110100, 0x99,
     EFLAGS_CF | EFLAGS_OF | EFLAGS_ZF | EFLAGS_PF},
    {"mul8", helper_mul, 1, 0x0F, 0, 0x0F, NO_EXC, 0xE1, 0, EFLAGS_SF | EFLAGS_PF},
    {"mul16", helper_mul, 2, 0x1234FFFF, 0x5678AAAA, 0xFFFF, NO_EXC, 0x12340001, 0x5678FFFE,
     EFLAGS_CF | EFLAGS_OF},
    {"mul32", helper_mul, 4, 0x12345678, 0, 0x9ABCDEF0, NO_EXC, 0x242D2080, 0x0B00EA4E,
     EFLAGS_CF | EFLAGS_OF},
    {"mul32 small", helper_mul, 4, 3, 0xFFFF, 5, NO_EXC, 15, 0, EFLAGS_PF},
    {"imul8 -2*3", helper_imul, 1, 0xFE, 0, 3, NO_EXC, 0xFFFA, 0, EFLAGS_SF | EFLAGS_PF},
    {"imul8 64*2", helper_imul, 1, 0x40, 0, 2, NO_EXC, 0x0080, 0,
     EFLAGS_CF | EFLAGS_OF | EFLAGS_SF},
    {"imul16 -32768*-1", helper_imul, 2, 0x8000, 0x1234, 0xFFFF, NO_EXC, 0x8000, 0,
     EFLAGS_CF | EFLAGS_OF | EFLAGS_SF | EFLAGS_PF},
    {"imul32 max*2", helper_imul, 4, 0x7FFFFFFF, 0, 2, NO_EXC, 0xFFFFFFFE, 0,
     EFLAGS_CF | EFLAGS_OF | EFLAGS_SF},
    {"imul32 -1*-1", helper_imul, 4, 0xFFFFFFFF, 7, 0xFFFFFFFF, NO_EXC, 1, 0, 0},
    {"imul32 min*min", helper_imul, 4, 0x80000000, 0, 0x80000000, NO_EXC, 0, 0x40000000,
     EFLAGS_CF | EFLAGS_OF | EFLAGS_ZF | EFLAGS_PF},
    {"imul32 -3*5", helper_imul, 4, 0xFFFFFFFD, 0, 5, NO_EXC, 0xFFFFFFF1, 0xFFFFFFFF, EFLAGS_SF},
};

static void test_acc_cases(void **state)
{
    for (size_t i = 0; i < sizeof(acc_cases) / sizeof(acc_cases[0]); i++) {
        const struct acc_case *t = &acc_cases[i];
        struct cpu cpu;
        cpu_blank(&cpu, IN_FLAGS);
        cpu.regs[R_EAX] = t->eax;
        cpu.regs[R_EDX] = t->edx;
        cpu.regs[R_EBX] = 0xB0B0B0B0;
        int exc = call_catching(&cpu, t->fn, t->src, t->size);
        uint32_t want_flags = t->flags == KEEP_FLAGS ? IN_FLAGS : (uint32_t)t->flags;
        if (exc != t->exc || cpu.regs[R_EAX] != t->out_eax || cpu.regs[R_EDX] != t->out_edx ||
            cpu.regs[R_EBX] != 0xB0B0B0B0 || arith_flags(&cpu) != want_flags) {
            print_error("%s: exc %d eax %08x edx %08x flags %03x; want exc %d eax %08x edx "
                        "%08x flags %03x\n", t->name, exc, cpu.regs[R_EAX], cpu.regs[R_EDX],
                        arith_flags(&cpu), t->exc, t->out_eax, t->out_edx, want_flags);
            fail();
        }
    }
}

struct imul2_case {
    unsigned size;
    uint32_t a, b, res, flags;
};

static const struct imul2_case imul2_cases[] = {
    {2, 0x100, 0x100, 0, EFLAGS_CF | EFLAGS_OF | EFLAGS_ZF | EFLAGS_PF},
    {4, 0xFFFFFFFD, 5, 0xFFFFFFF1, EFLAGS_SF},
    {2, 0xFFFF, 0x8000, 0x8000, EFLAGS_CF | EFLAGS_OF | EFLAGS_SF | EFLAGS_PF},
    {4, 0x10000, 0x10000, 0, EFLAGS_CF | EFLAGS_OF | EFLAGS_ZF | EFLAGS_PF},
    {2, 0x7FFF, 1, 0x7FFF, EFLAGS_PF},
    {4, 0xFFFF8000, 0xFFFF0000, 0x80000000, EFLAGS_CF | EFLAGS_OF | EFLAGS_SF | EFLAGS_PF},
    {4, 0xFFFF8000, 0xFFFF8000, 0x40000000, EFLAGS_PF},
    {4, 0x7FFFFFFF, 0xFFFFFFFF, 0x80000001, EFLAGS_SF},
};

static void test_imul2(void **state)
{
    for (size_t i = 0; i < sizeof(imul2_cases) / sizeof(imul2_cases[0]); i++) {
        const struct imul2_case *t = &imul2_cases[i];
        struct cpu cpu;
        cpu_blank(&cpu, ALL_ARITH);
        cpu.regs[R_EAX] = 0x11111111;
        cpu.regs[R_EDX] = 0x22222222;
        uint32_t res = helper_imul2(&cpu, t->a, t->b, 0, t->size);
        if (res != t->res || arith_flags(&cpu) != t->flags) {
            print_error("imul2 case %zu: res %08x flags %03x, want %08x %03x\n", i, res,
                        arith_flags(&cpu), t->res, t->flags);
            fail();
        }
        assert_int_equal(cpu.regs[R_EAX], 0x11111111);
        assert_int_equal(cpu.regs[R_EDX], 0x22222222);
    }
}

/* 8-bit MUL/IMUL exhaustively against plain C arithmetic. */
static void test_mul8_exhaustive(void **state)
{
    for (uint32_t x = 0; x < 256; x++) {
        for (uint32_t y = 0; y < 256; y++) {
            struct cpu cpu;
            cpu_blank(&cpu, 0);
            cpu.regs[R_EAX] = 0xABCD0000 | x;
            helper_mul(&cpu, y, 0, 0, 1);
            assert_int_equal(cpu.regs[R_EAX], 0xABCD0000 | (x * y));
            assert_int_equal(!!(arith_flags(&cpu) & EFLAGS_CF), (x * y) > 0xFF);
            int32_t sprod = (int32_t)(int8_t)x * (int8_t)y;
            cpu.regs[R_EAX] = 0xABCD0000 | x;
            helper_imul(&cpu, y, 0, 0, 1);
            assert_int_equal(cpu.regs[R_EAX], 0xABCD0000 | ((uint32_t)sprod & 0xFFFF));
            assert_int_equal(!!(arith_flags(&cpu) & EFLAGS_OF), sprod != (int8_t)sprod);
        }
    }
}

/* 8-bit DIV/IDIV: every dividend against a spread of divisors. */
static void test_div8_sweep(void **state)
{
    static const uint8_t divisors[] = {0, 1, 2, 3, 7, 0x10, 0x7F, 0x80, 0x81, 0xFE, 0xFF};
    for (uint32_t ax = 0; ax < 0x10000; ax++) {
        for (size_t i = 0; i < sizeof(divisors); i++) {
            uint32_t d = divisors[i];
            struct cpu cpu;
            cpu_blank(&cpu, 0);
            cpu.regs[R_EAX] = ax;
            int exc = call_catching(&cpu, helper_div, d, 1);
            if (d == 0 || ax / d > 0xFF) {
                assert_int_equal(exc, EXC_DE);
                assert_int_equal(cpu.regs[R_EAX], ax);
            } else {
                assert_int_equal(exc, NO_EXC);
                assert_int_equal(cpu.regs[R_EAX], (ax % d) << 8 | ax / d);
            }
            int32_t sax = (int16_t)ax, sd = (int8_t)d;
            cpu.regs[R_EAX] = ax;
            exc = call_catching(&cpu, helper_idiv, d, 1);
            if (sd == 0 || sax / sd > 127 || sax / sd < -128) {
                assert_int_equal(exc, EXC_DE);
                assert_int_equal(cpu.regs[R_EAX], ax);
            } else {
                assert_int_equal(exc, NO_EXC);
                uint32_t want = ((uint32_t)(sax % sd) & 0xFF) << 8 | ((uint32_t)(sax / sd) & 0xFF);
                assert_int_equal(cpu.regs[R_EAX], want);
            }
        }
    }
}

#if defined(__x86_64__)
/* The host executes 8/16/32-bit MUL and IMUL in 64-bit mode: compare the
 * result registers and CF/OF (the flags the SDM defines). */
#define HOST_MUL(name, insn, type)                                                         \
    static uint32_t host_##name(uint32_t *eax, uint32_t *edx, uint32_t src)                \
    {                                                                                      \
        uint64_t rax = *eax, rdx = *edx, fl;                                               \
        type s = (type)src;                                                                \
        __asm__("sub $128, %%rsp\n\t" insn " %[s]\n\tpushfq\n\tpop %[fl]\n\tadd $128, %%rsp" \
                : "+a"(rax), "+d"(rdx), [fl] "=&r"(fl)                                     \
                : [s] "r"(s)                                                               \
                : "cc");                                                                   \
        *eax = (uint32_t)rax;                                                              \
        *edx = (uint32_t)rdx;                                                              \
        return (uint32_t)fl;                                                               \
    }
HOST_MUL(mul8, "mulb", uint8_t)
HOST_MUL(mul16, "mulw", uint16_t)
HOST_MUL(mul32, "mull", uint32_t)
HOST_MUL(imul8, "imulb", uint8_t)
HOST_MUL(imul16, "imulw", uint16_t)
HOST_MUL(imul32, "imull", uint32_t)

struct host_mul {
    helper_fn *fn;
    unsigned size;
    uint32_t (*host)(uint32_t *eax, uint32_t *edx, uint32_t src);
};

static const struct host_mul host_muls[] = {
    {helper_mul, 1, host_mul8},   {helper_mul, 2, host_mul16},   {helper_mul, 4, host_mul32},
    {helper_imul, 1, host_imul8}, {helper_imul, 2, host_imul16}, {helper_imul, 4, host_imul32},
};

static uint32_t xorshift(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static void test_mul_host(void **state)
{
    uint32_t seed = 0x2545F491;
    for (int n = 0; n < 20000; n++) {
        const struct host_mul *m = &host_muls[n % 6];
        uint32_t eax = xorshift(&seed), edx = xorshift(&seed), src = xorshift(&seed);
        if (n & 8)
            src &= 0x00FF00FF;
        struct cpu cpu;
        cpu_blank(&cpu, 0);
        cpu.regs[R_EAX] = eax;
        cpu.regs[R_EDX] = edx;
        m->fn(&cpu, src, 0, 0, m->size);
        uint32_t fl = m->host(&eax, &edx, src);
        if (cpu.regs[R_EAX] != eax || cpu.regs[R_EDX] != edx ||
            (arith_flags(&cpu) & (EFLAGS_CF | EFLAGS_OF)) != (fl & (EFLAGS_CF | EFLAGS_OF))) {
            print_error("%s size %u src %08x: got %08x:%08x fl %03x, host %08x:%08x fl %03x\n",
                        m->fn == helper_mul ? "mul" : "imul", m->size, src, cpu.regs[R_EDX],
                        cpu.regs[R_EAX], arith_flags(&cpu), edx, eax, fl & EFLAGS_ARITH);
            fail();
        }
    }
}
#else
static void test_mul_host(void **state)
{
    skip();
}
#endif

struct cmpxchg_case {
    unsigned size;
    uint32_t eax, dest, src;
    uint32_t ret, out_eax, flags;
};

static const struct cmpxchg_case cmpxchg_cases[] = {
    {4, 5, 5, 9, 9, 5, EFLAGS_ZF | EFLAGS_PF},
    {4, 5, 7, 9, 7, 7, EFLAGS_CF | EFLAGS_SF | EFLAGS_AF},
    {1, 0x12345680, 0x80, 0x11, 0x11, 0x12345680, EFLAGS_ZF | EFLAGS_PF},
    {2, 0xAAAA1234, 0x5678, 0x9999, 0x5678, 0xAAAA5678, EFLAGS_CF | EFLAGS_SF | EFLAGS_AF},
    {1, 0xFFFFFF00, 0x01, 0x55, 0x01, 0xFFFFFF01, EFLAGS_CF | EFLAGS_SF | EFLAGS_AF | EFLAGS_PF},
};

static void test_cmpxchg(void **state)
{
    for (size_t i = 0; i < sizeof(cmpxchg_cases) / sizeof(cmpxchg_cases[0]); i++) {
        const struct cmpxchg_case *t = &cmpxchg_cases[i];
        struct cpu cpu;
        cpu_blank(&cpu, EFLAGS_OF);
        cpu.regs[R_EAX] = t->eax;
        uint32_t ret = helper_cmpxchg(&cpu, t->dest, t->src, 0, t->size);
        if (ret != t->ret || cpu.regs[R_EAX] != t->out_eax || arith_flags(&cpu) != t->flags) {
            print_error("cmpxchg case %zu: ret %08x eax %08x flags %03x, want %08x %08x %03x\n",
                        i, ret, cpu.regs[R_EAX], arith_flags(&cpu), t->ret, t->out_eax,
                        t->flags);
            fail();
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_acc_cases),   cmocka_unit_test(test_imul2),
        cmocka_unit_test(test_mul8_exhaustive), cmocka_unit_test(test_div8_sweep),
        cmocka_unit_test(test_mul_host),    cmocka_unit_test(test_cmpxchg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
