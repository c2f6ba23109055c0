/* Unit tests for cpu/shift.c (shifts, rotates, SHLD/SHRD) and BSF/BSR from
 * cpu/bitops.c. Every shift is checked at sizes 8/16/32 and counts 0-33 against
 * a bit-at-a-time model of the SDM vol. 2 pseudo-code, against hand-worked
 * cases, and on x86-64 hosts against the host CPU for the defined flags. */
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

enum shift_op { OP_ROL, OP_ROR, OP_RCL, OP_RCR, OP_SHL, OP_SHR, OP_SAR, OP_SHLD, OP_SHRD, OP_COUNT };

static const char *const op_names[OP_COUNT] = {"rol", "ror", "rcl", "rcr", "shl",
                                               "shr", "sar", "shld", "shrd"};

static helper_fn *const op_helpers[OP_COUNT] = {helper_rol, helper_ror, helper_rcl,
                                                helper_rcr, helper_shl, helper_shr,
                                                helper_sar, helper_shld, helper_shrd};

enum { CF = EFLAGS_CF, PF = EFLAGS_PF, AF = EFLAGS_AF, ZF = EFLAGS_ZF, SF = EFLAGS_SF,
       OF = EFLAGS_OF };

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

/* Run one helper: a=value, src for SHLD/SHRD. */
static uint32_t run_op(enum shift_op op, unsigned size, uint32_t value, uint32_t src,
                       uint32_t count, uint32_t flags_in, uint32_t *flags_out)
{
    struct cpu cpu;
    cpu_blank(&cpu, flags_in);
    uint32_t res = op >= OP_SHLD ? op_helpers[op](&cpu, value, src, count, size)
                                 : op_helpers[op](&cpu, value, count, 0, size);
    *flags_out = arith_flags(&cpu);
    return res;
}

/* ---- reference model: one bit per step, as the SDM pseudo-code loops ---- */

struct ref_state {
    unsigned bits;
    uint32_t mask, value, src, cf;
};

static uint32_t bit_top(const struct ref_state *s, uint32_t v)
{
    return (v >> (s->bits - 1)) & 1;
}

static void step_rol(struct ref_state *s)
{
    s->cf = bit_top(s, s->value);
    s->value = ((s->value << 1) | s->cf) & s->mask;
}

static void step_ror(struct ref_state *s)
{
    s->cf = s->value & 1;
    s->value = (s->value >> 1) | (s->cf << (s->bits - 1));
}

static void step_rcl(struct ref_state *s)
{
    uint32_t out = bit_top(s, s->value);
    s->value = ((s->value << 1) | s->cf) & s->mask;
    s->cf = out;
}

static void step_rcr(struct ref_state *s)
{
    uint32_t out = s->value & 1;
    s->value = (s->value >> 1) | (s->cf << (s->bits - 1));
    s->cf = out;
}

static void step_shl(struct ref_state *s)
{
    s->cf = bit_top(s, s->value);
    s->value = (s->value << 1) & s->mask;
}

static void step_shr(struct ref_state *s)
{
    s->cf = s->value & 1;
    s->value >>= 1;
}

static void step_sar(struct ref_state *s)
{
    s->cf = s->value & 1;
    s->value = (s->value >> 1) | (s->value & (1u << (s->bits - 1)));
}

static void step_shld(struct ref_state *s)
{
    s->cf = bit_top(s, s->value);
    s->value = ((s->value << 1) | bit_top(s, s->src)) & s->mask;
    s->src = (s->src << 1) & s->mask;
}

static void step_shrd(struct ref_state *s)
{
    s->cf = s->value & 1;
    s->value = (s->value >> 1) | ((s->src & 1) << (s->bits - 1));
    s->src >>= 1;
}

static void (*const ref_steps[OP_COUNT])(struct ref_state *s) = {
    step_rol, step_ror, step_rcl, step_rcr, step_shl, step_shr, step_sar, step_shld, step_shrd};

static uint32_t szp(uint32_t v, unsigned bits)
{
    uint32_t f = (v >> (bits - 1)) & 1 ? SF : 0;
    if (v == 0)
        f |= ZF;
    if (__builtin_popcount(v & 0xFF) % 2 == 0)
        f |= PF;
    return f;
}

/* The step count the SDM loops use: ROL/ROR modulo the size, RCL/RCR modulo
 * size + 1 (for 8/16 bits), shifts the masked count itself. */
static unsigned ref_steps_for(enum shift_op op, unsigned bits, unsigned masked)
{
    if (op == OP_ROL || op == OP_ROR)
        return masked % bits;
    if ((op == OP_RCL || op == OP_RCR) && bits < 32)
        return masked % (bits + 1);
    return masked;
}

static uint32_t ref_op(enum shift_op op, unsigned size, uint32_t value, uint32_t src,
                       uint32_t count, uint32_t flags_in, uint32_t *flags_out)
{
    unsigned bits = size * 8, masked = count & 31;
    struct ref_state s = {bits, size == 4 ? 0xFFFFFFFFu : (1u << bits) - 1, 0, 0, flags_in & CF};
    s.value = value & s.mask;
    s.src = src & s.mask;
    uint32_t orig = s.value;
    *flags_out = flags_in;
    if (masked == 0)
        return s.value;
    /* the operand and CF before the last 1-bit step: OF of SHR and RCR for
     * counts above 1 comes from that step (the 80286 vectors show it) */
    uint32_t last_value = s.value, last_cf = s.cf;
    unsigned steps = ref_steps_for(op, bits, masked);
    if (op == OP_RCR && steps == 0) {
        /* a multiple of size + 1: the state before the last of those steps is
         * the operand rotated left by one through CF */
        last_value = ((s.value << 1) | s.cf) & s.mask;
        last_cf = bit_top(&s, s.value);
    }
    for (unsigned i = steps; i > 0; i--) {
        last_value = s.value;
        last_cf = s.cf;
        ref_steps[op](&s);
    }
    uint32_t top = bit_top(&s, s.value), of;
    if (op == OP_ROL)
        s.cf = s.value & 1;
    if (op == OP_ROR)
        s.cf = top;
    switch (op) {
    case OP_ROR: of = top ^ ((s.value >> (bits - 2)) & 1); break;
    case OP_RCR: of = bit_top(&s, last_value) ^ last_cf; break;
    case OP_SHR: of = bit_top(&s, last_value); break;
    case OP_SAR: of = 0; break;
    case OP_SHLD: case OP_SHRD: of = top ^ bit_top(&s, orig); break;
    default: of = top ^ s.cf; break;
    }
    uint32_t fl = (s.cf ? CF : 0) | (of ? OF : 0);
    if (op <= OP_RCR)
        *flags_out = (flags_in & ~(CF | OF)) | fl;
    else
        *flags_out = fl | szp(s.value, bits);
    return s.value;
}

static const uint32_t values[] = {0,          1,          0x80,       0x7F,      0xFF,
                                  0x8000,     0x7FFF,     0x8001,     0xFFFF,    0x12345678,
                                  0x80000000, 0x7FFFFFFF, 0xFFFFFFFF, 0xDEADBEEF, 0x0F0F0F0F,
                                  0x00C3A596};

static const uint32_t flag_inputs[] = {0, CF, EFLAGS_ARITH & ~CF, EFLAGS_ARITH};

static const unsigned sizes[] = {1, 2, 4};

static void check_case(enum shift_op op, unsigned size, uint32_t v, uint32_t src,
                       uint32_t count, uint32_t fin)
{
    uint32_t mask = size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
    uint32_t got_fl, want_fl;
    uint32_t got = run_op(op, size, v, src, count, fin, &got_fl) & mask;
    uint32_t want = ref_op(op, size, v, src, count, fin, &want_fl);
    if (got != want || got_fl != want_fl) {
        print_error("%s size %u value %08x src %08x count %u flags %03x: got %08x fl %03x, "
                    "model %08x fl %03x\n", op_names[op], size, v, src, count, fin, got,
                    got_fl, want, want_fl);
        fail();
    }
}

static void test_against_model(void **state)
{
    for (int op = 0; op < OP_COUNT; op++)
        for (size_t s = op >= OP_SHLD ? 1 : 0; s < 3; s++)
            for (uint32_t count = 0; count < 34; count++)
                for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++)
                    for (size_t f = 0; f < 4; f++)
                        check_case((enum shift_op)op, sizes[s], values[v],
                                   values[(v + 5) % (sizeof(values) / sizeof(values[0]))],
                                   count, flag_inputs[f]);
}

/* Worked by hand from the SDM descriptions. */
struct known_case {
    enum shift_op op;
    unsigned size;
    uint32_t value, src, count, flags_in, res, flags_out;
};

static const struct known_case known_cases[] = {
    {OP_ROL, 1, 0x81, 0, 1, 0, 0x03, CF | OF},
    {OP_ROL, 1, 0x81, 0, 8, ZF, 0x81, ZF | CF},
    {OP_ROL, 4, 0x80000000, 0, 31, 0, 0x40000000, 0},
    {OP_ROR, 2, 0x0001, 0, 1, 0, 0x8000, CF | OF},
    {OP_ROR, 2, 0x0001, 0, 32, 0, 0x0001, 0},
    {OP_RCL, 1, 0x80, 0, 1, 0, 0x00, CF | OF},
    {OP_RCL, 1, 0x55, 0, 9, CF, 0x55, CF | OF},
    {OP_RCL, 2, 0x0000, 0, 17, CF, 0x0000, CF | OF},
    {OP_RCL, 4, 0x00000001, 0, 31, CF, 0xC0000000, OF},
    {OP_RCR, 1, 0x01, 0, 1, CF, 0x80, CF | OF},
    {OP_RCR, 2, 0x8000, 0, 16, 0, 0x0000, CF},
    {OP_SHL, 2, 0x8001, 0, 16, 0, 0x0000, CF | ZF | PF | OF},
    {OP_SHL, 2, 0x8001, 0, 17, CF, 0x0000, ZF | PF},
    {OP_SHL, 4, 0x00000003, 0, 31, 0, 0x80000000, CF | SF | PF},
    {OP_SHR, 1, 0x80, 0, 8, 0, 0x00, CF | ZF | PF},
    {OP_SHR, 1, 0x80, 0, 9, 0, 0x00, ZF | PF},
    {OP_SAR, 1, 0x80, 0, 31, 0, 0xFF, CF | SF | PF},
    {OP_SAR, 2, 0x4000, 0, 15, 0, 0x0000, CF | ZF | PF},
    {OP_SAR, 4, 0x80000001, 0, 1, 0, 0xC0000000, CF | SF | PF},
    {OP_SHL, 1, 0x40, 0, 0, AF | OF, 0x40, AF | OF},
    {OP_SHL, 1, 0x40, 0, 32, AF | OF, 0x40, AF | OF},
    {OP_SHLD, 4, 0x12345678, 0x9ABCDEF0, 4, 0, 0x23456789, CF},
    {OP_SHRD, 4, 0x12345678, 0x9ABCDEF0, 4, 0, 0x01234567, CF},
    {OP_SHLD, 2, 0x1234, 0x5678, 16, 0, 0x5678, PF},
    {OP_SHLD, 2, 0x1234, 0x5678, 20, 0, 0x6780, CF},
    {OP_SHRD, 2, 0x1234, 0x5678, 20, 0, 0x0567, CF},
    {OP_SHRD, 4, 0x00000001, 0xFFFFFFFF, 1, 0, 0x80000000, CF | SF | PF | OF},
};

static void test_known(void **state)
{
    for (size_t i = 0; i < sizeof(known_cases) / sizeof(known_cases[0]); i++) {
        const struct known_case *t = &known_cases[i];
        uint32_t mask = t->size == 4 ? 0xFFFFFFFFu : (1u << (t->size * 8)) - 1;
        uint32_t fl, res = run_op(t->op, t->size, t->value, t->src, t->count, t->flags_in, &fl);
        if ((res & mask) != t->res || fl != t->flags_out) {
            print_error("case %zu %s: got %08x fl %03x, want %08x fl %03x\n", i,
                        op_names[t->op], res & mask, fl, t->res, t->flags_out);
            fail();
        }
    }
}

#if defined(__x86_64__)
/* The host in 64-bit mode runs the 8/16/32-bit forms. The red zone is skipped
 * around the pushes. Flags in: only arithmetic bits (never TF). */
#define HOST_SHIFT(name, insn, type)                                                       \
    static uint32_t host_##name(uint32_t value, uint32_t src, uint32_t count, uint64_t fin,  \
                                uint64_t *fout)                                            \
    {                                                                                      \
        type x = (type)value, s = (type)src;                                               \
        uint64_t fl, f = fin | EFLAGS_FIXED1;                                              \
        __asm__("sub $128, %%rsp\n\tpush %[f]\n\tpopfq\n\t" insn                           \
                "\n\tpushfq\n\tpop %[fl]\n\tadd $128, %%rsp"                               \
                : [x] "+r"(x), [fl] "=&r"(fl)                                              \
                : [f] "r"(f), [s] "r"(s), "c"(count)                                       \
                : "cc");                                                                   \
        (void)s;                                                                           \
        *fout = fl;                                                                        \
        return x;                                                                          \
    }
#define HOST_SIZES(op)                                                                     \
    HOST_SHIFT(op##8, #op "b %%cl, %[x]", uint8_t)                                         \
    HOST_SHIFT(op##16, #op "w %%cl, %[x]", uint16_t)                                       \
    HOST_SHIFT(op##32, #op "l %%cl, %[x]", uint32_t)
HOST_SIZES(rol)
HOST_SIZES(ror)
HOST_SIZES(rcl)
HOST_SIZES(rcr)
HOST_SIZES(shl)
HOST_SIZES(shr)
HOST_SIZES(sar)
HOST_SHIFT(shld16, "shldw %%cl, %[s], %[x]", uint16_t)
HOST_SHIFT(shld32, "shldl %%cl, %[s], %[x]", uint32_t)
HOST_SHIFT(shrd16, "shrdw %%cl, %[s], %[x]", uint16_t)
HOST_SHIFT(shrd32, "shrdl %%cl, %[s], %[x]", uint32_t)

typedef uint32_t host_fn(uint32_t value, uint32_t src, uint32_t count, uint64_t fin,
                         uint64_t *fout);

/* [op][size index]; SHLD/SHRD have no 8-bit form. */
static host_fn *const host_fns[OP_COUNT][3] = {
    {host_rol8, host_rol16, host_rol32}, {host_ror8, host_ror16, host_ror32},
    {host_rcl8, host_rcl16, host_rcl32}, {host_rcr8, host_rcr16, host_rcr32},
    {host_shl8, host_shl16, host_shl32}, {host_shr8, host_shr16, host_shr32},
    {host_sar8, host_sar16, host_sar32}, {NULL, host_shld16, host_shld32},
    {NULL, host_shrd16, host_shrd32},
};

/* Flags the SDM defines for this op and count (the rest are compared only
 * against the model). */
static uint32_t defined_flags(enum shift_op op, unsigned bits, unsigned masked)
{
    if (masked == 0)
        return EFLAGS_ARITH;
    uint32_t of = masked == 1 ? OF : 0;
    switch (op) {
    case OP_ROL: case OP_ROR: case OP_RCL: case OP_RCR:
        return CF | SF | ZF | PF | AF | of;
    case OP_SHL: case OP_SHR:
        return SF | ZF | PF | of | (masked < bits ? CF : 0);
    case OP_SAR:
        return SF | ZF | PF | CF | of;
    default:
        return masked > bits ? 0 : SF | ZF | PF | CF | of;
    }
}

static void check_host_case(enum shift_op op, size_t si, uint32_t value, uint32_t src,
                            uint32_t count, uint32_t fin)
{
    unsigned size = sizes[si], bits = size * 8, masked = count & 31;
    uint32_t mask = size == 4 ? 0xFFFFFFFFu : (1u << bits) - 1;
    uint32_t defined = defined_flags(op, bits, masked), fl;
    /* SHLD/SHRD beyond the operand size: the result is undefined too */
    bool result_defined = !(op >= OP_SHLD && masked > bits);
    uint64_t hfl;
    uint32_t got = run_op(op, size, value, src, count, fin, &fl) & mask;
    uint32_t want = host_fns[op][si](value, src, count, fin, &hfl) & mask;
    if ((result_defined && got != want) || ((fl ^ (uint32_t)hfl) & defined)) {
        print_error("%s size %u value %08x src %08x count %u fin %03x: got %08x fl %03x, "
                    "host %08x fl %03x (compared %03x)\n", op_names[op], size, value, src,
                    count, fin, got, fl, want, (uint32_t)hfl & EFLAGS_ARITH, defined);
        fail();
    }
}

static void test_against_host(void **state)
{
    size_t nvalues = sizeof(values) / sizeof(values[0]);
    for (int op = 0; op < OP_COUNT; op++)
        for (size_t si = 0; si < 3; si++)
            for (uint32_t count = 0; host_fns[op][si] && count < 34; count++)
                for (size_t v = 0; v < nvalues; v++)
                    for (size_t f = 0; f < 4; f++)
                        check_host_case((enum shift_op)op, si, values[v],
                                        values[(v + 5) % nvalues], count, flag_inputs[f]);
}
#else
static void test_against_host(void **state)
{
    skip();
}
#endif

struct bitscan_case {
    helper_fn *fn;
    unsigned size;
    uint32_t src, old_dest, res;
    bool zf;
};

static const struct bitscan_case bitscan_cases[] = {
    {helper_bsf, 2, 0x8000, 0x1111, 15, false},
    {helper_bsf, 4, 0x00010000, 0, 16, false},
    {helper_bsf, 4, 0xFFFFFFFF, 0, 0, false},
    {helper_bsf, 2, 0x10000, 0xBEEF, 0xBEEF, true},
    {helper_bsf, 4, 0, 0xCAFEBABE, 0xCAFEBABE, true},
    {helper_bsr, 4, 0x80000001, 0, 31, false},
    {helper_bsr, 2, 0x0001, 0x2222, 0, false},
    {helper_bsr, 2, 0xFFFF0300, 0, 9, false},
    {helper_bsr, 4, 0, 0x12345678, 0x12345678, true},
};

static void test_bitscan(void **state)
{
    for (size_t i = 0; i < sizeof(bitscan_cases) / sizeof(bitscan_cases[0]); i++) {
        const struct bitscan_case *t = &bitscan_cases[i];
        for (int zf_in = 0; zf_in < 2; zf_in++) {
            struct cpu cpu;
            uint32_t fin = CF | OF | SF | (zf_in ? ZF : 0);
            cpu_blank(&cpu, fin);
            uint32_t res = t->fn(&cpu, t->src, t->old_dest, 0, t->size);
            uint32_t want_fl = (fin & ~ZF) | (t->zf ? ZF : 0);
            if (res != t->res || arith_flags(&cpu) != want_fl) {
                print_error("bitscan case %zu: got %08x fl %03x, want %08x fl %03x\n", i, res,
                            arith_flags(&cpu), t->res, want_fl);
                fail();
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known),
        cmocka_unit_test(test_against_model),
        cmocka_unit_test(test_against_host),
        cmocka_unit_test(test_bitscan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
