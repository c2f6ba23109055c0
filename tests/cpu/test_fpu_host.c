/* The x87 helpers (cpu/fpu_helpers.c over cpu/softfloat80.c) against the
 * host's own x87 on random operations: registers, status word (condition
 * codes, exception flags, ES/B, TOP), tags, memory results and EFLAGS must
 * match bit for bit. x86-64 hosts only (inline FRSTOR / op / FNSAVE); skipped
 * elsewhere. FPU_SEED and FPU_ITERS override the seed and the count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bus.h"
#include "cpu.h"
#include "cpuid.h"
#include "fpu.h"
#include "helpers.h"

#if defined(__x86_64__)

enum { RAM_SIZE = 1 << 20, DS_BASE = 0x10000, MEM_OFF = 0x100, MEM_LEN = 16 };

/* Operand kinds: what the memory operand holds, or a register form. */
enum kind { K_REG, K_F32, K_F64, K_F80, K_I16, K_I32, K_I64, K_BCD, K_CW };

/* Compare EFLAGS (FCOMI) or feed them (FCMOVcc). */
enum { X_FLAGS_OUT = 1, X_FLAGS_IN = 2, X_SCALE = 4, X_INT = 8 };

typedef void host_fn(uint8_t *img, uint8_t *mem, uint64_t *flags);

/* Each host function: FRSTOR the image, load RFLAGS, run the two opcode
 * bytes (memory operand [rax]), save RFLAGS, FNSAVE. */
#define HOST(b1, b2)                                                                    \
    static void host_##b1##_##b2(uint8_t *img, uint8_t *mem, uint64_t *flags)          \
    {                                                                                   \
        __asm__ volatile("frstor (%%rdi)\n\t"                                          \
                         "pushq (%%rsi)\n\tpopfq\n\t"                                   \
                         ".byte 0x" #b1 ", 0x" #b2 "\n\t"                               \
                         "pushfq\n\tpopq (%%rsi)\n\t"                                   \
                         "fnsave (%%rdi)"                                               \
                         :                                                              \
                         : "D"(img), "a"(mem), "S"(flags)                               \
                         : "memory", "cc");                                             \
    }

struct op_case {
    const char *name;
    uint8_t esc, modrm;
    host_fn *host;
    enum kind kind;
    unsigned extra;
};

/* register forms */
HOST(D8, C1) HOST(D8, C9) HOST(D8, E1) HOST(D8, E9) HOST(D8, F1) HOST(D8, F9)
HOST(DC, C1) HOST(DC, C9) HOST(DC, E1) HOST(DC, E9) HOST(DC, F1) HOST(DC, F9)
HOST(DE, C1) HOST(DE, C9) HOST(DE, E1) HOST(DE, E9) HOST(DE, F1) HOST(DE, F9)
HOST(D8, D1) HOST(D8, D9) HOST(DE, D9) HOST(DD, E1) HOST(DD, E9) HOST(DA, E9)
HOST(DB, F1) HOST(DB, E9) HOST(DF, F1) HOST(DF, E9)
HOST(D9, E0) HOST(D9, E1) HOST(D9, E4) HOST(D9, E5)
HOST(D9, E8) HOST(D9, E9) HOST(D9, EA) HOST(D9, EB) HOST(D9, EC) HOST(D9, ED) HOST(D9, EE)
HOST(D9, F4) HOST(D9, F5) HOST(D9, F6) HOST(D9, F7) HOST(D9, F8) HOST(D9, FA) HOST(D9, FC)
HOST(D9, FD)
HOST(D9, C1) HOST(D9, C9) HOST(DD, D1) HOST(DD, D9) HOST(DD, C1) HOST(D9, D0) HOST(DB, E2)
HOST(DA, C1) HOST(DA, C9) HOST(DA, D1) HOST(DA, D9) HOST(DB, C1) HOST(DB, C9) HOST(DB, D1)
HOST(DB, D9)
/* memory forms, [rax] */
HOST(D8, 00) HOST(D8, 08) HOST(D8, 10) HOST(D8, 18) HOST(D8, 20) HOST(D8, 28) HOST(D8, 30)
HOST(D8, 38)
HOST(DC, 00) HOST(DC, 08) HOST(DC, 10) HOST(DC, 18) HOST(DC, 20) HOST(DC, 28) HOST(DC, 30)
HOST(DC, 38)
HOST(DA, 00) HOST(DA, 08) HOST(DA, 10) HOST(DA, 18) HOST(DA, 20) HOST(DA, 28) HOST(DA, 30)
HOST(DA, 38)
HOST(DE, 00) HOST(DE, 08) HOST(DE, 10) HOST(DE, 18) HOST(DE, 20) HOST(DE, 28) HOST(DE, 30)
HOST(DE, 38)
HOST(D9, 00) HOST(D9, 10) HOST(D9, 18) HOST(DD, 00) HOST(DD, 10) HOST(DD, 18) HOST(DB, 28)
HOST(DB, 38)
HOST(DF, 00) HOST(DF, 10) HOST(DF, 18) HOST(DB, 00) HOST(DB, 10) HOST(DB, 18) HOST(DF, 28)
HOST(DF, 38)
HOST(DF, 20) HOST(DF, 30) HOST(D9, 28) HOST(D9, 38) HOST(DD, 38)

#define R(name, b1, b2, extra) { name, 0x##b1, 0x##b2, host_##b1##_##b2, K_REG, extra }
#define M(name, b1, b2, kind, extra) { name, 0x##b1, 0x##b2, host_##b1##_##b2, kind, extra }
static const struct op_case cases[] = {
    R("fadd st,st1", D8, C1, 0), R("fmul st,st1", D8, C9, 0), R("fsub st,st1", D8, E1, 0),
    R("fsubr st,st1", D8, E9, 0), R("fdiv st,st1", D8, F1, 0), R("fdivr st,st1", D8, F9, 0),
    R("fadd st1,st", DC, C1, 0), R("fmul st1,st", DC, C9, 0), R("fsubr st1,st", DC, E1, 0),
    R("fsub st1,st", DC, E9, 0), R("fdivr st1,st", DC, F1, 0), R("fdiv st1,st", DC, F9, 0),
    R("faddp", DE, C1, 0), R("fmulp", DE, C9, 0), R("fsubrp", DE, E1, 0),
    R("fsubp", DE, E9, 0), R("fdivrp", DE, F1, 0), R("fdivp", DE, F9, 0),
    R("fcom st1", D8, D1, 0), R("fcomp st1", D8, D9, 0), R("fcompp", DE, D9, 0),
    R("fucom st1", DD, E1, 0), R("fucomp st1", DD, E9, 0), R("fucompp", DA, E9, 0),
    R("fcomi st1", DB, F1, X_FLAGS_OUT), R("fucomi st1", DB, E9, X_FLAGS_OUT),
    R("fcomip st1", DF, F1, X_FLAGS_OUT), R("fucomip st1", DF, E9, X_FLAGS_OUT),
    R("fchs", D9, E0, 0), R("fabs", D9, E1, 0), R("ftst", D9, E4, 0), R("fxam", D9, E5, 0),
    R("fld1", D9, E8, 0), R("fldl2t", D9, E9, 0), R("fldl2e", D9, EA, 0),
    R("fldpi", D9, EB, 0), R("fldlg2", D9, EC, 0), R("fldln2", D9, ED, 0),
    R("fldz", D9, EE, 0), R("fxtract", D9, F4, 0), R("fprem1", D9, F5, 0),
    R("fdecstp", D9, F6, 0), R("fincstp", D9, F7, 0), R("fprem", D9, F8, 0),
    R("fsqrt", D9, FA, 0), R("frndint", D9, FC, X_INT), R("fscale", D9, FD, X_SCALE),
    R("fld st1", D9, C1, 0), R("fxch st1", D9, C9, 0), R("fst st1", DD, D1, 0),
    R("fstp st1", DD, D9, 0), R("ffree st1", DD, C1, 0), R("fnop", D9, D0, 0),
    R("fnclex", DB, E2, 0),
    R("fcmovb", DA, C1, X_FLAGS_IN), R("fcmove", DA, C9, X_FLAGS_IN),
    R("fcmovbe", DA, D1, X_FLAGS_IN), R("fcmovu", DA, D9, X_FLAGS_IN),
    R("fcmovnb", DB, C1, X_FLAGS_IN), R("fcmovne", DB, C9, X_FLAGS_IN),
    R("fcmovnbe", DB, D1, X_FLAGS_IN), R("fcmovnu", DB, D9, X_FLAGS_IN),
    M("fadd m32", D8, 00, K_F32, 0), M("fmul m32", D8, 08, K_F32, 0),
    M("fcom m32", D8, 10, K_F32, 0), M("fcomp m32", D8, 18, K_F32, 0),
    M("fsub m32", D8, 20, K_F32, 0), M("fsubr m32", D8, 28, K_F32, 0),
    M("fdiv m32", D8, 30, K_F32, 0), M("fdivr m32", D8, 38, K_F32, 0),
    M("fadd m64", DC, 00, K_F64, 0), M("fmul m64", DC, 08, K_F64, 0),
    M("fcom m64", DC, 10, K_F64, 0), M("fcomp m64", DC, 18, K_F64, 0),
    M("fsub m64", DC, 20, K_F64, 0), M("fsubr m64", DC, 28, K_F64, 0),
    M("fdiv m64", DC, 30, K_F64, 0), M("fdivr m64", DC, 38, K_F64, 0),
    M("fiadd m32", DA, 00, K_I32, 0), M("fimul m32", DA, 08, K_I32, 0),
    M("ficom m32", DA, 10, K_I32, 0), M("ficomp m32", DA, 18, K_I32, 0),
    M("fisub m32", DA, 20, K_I32, 0), M("fisubr m32", DA, 28, K_I32, 0),
    M("fidiv m32", DA, 30, K_I32, 0), M("fidivr m32", DA, 38, K_I32, 0),
    M("fiadd m16", DE, 00, K_I16, 0), M("fimul m16", DE, 08, K_I16, 0),
    M("ficom m16", DE, 10, K_I16, 0), M("ficomp m16", DE, 18, K_I16, 0),
    M("fisub m16", DE, 20, K_I16, 0), M("fisubr m16", DE, 28, K_I16, 0),
    M("fidiv m16", DE, 30, K_I16, 0), M("fidivr m16", DE, 38, K_I16, 0),
    M("fld m32", D9, 00, K_F32, 0), M("fst m32", D9, 10, K_F32, 0),
    M("fstp m32", D9, 18, K_F32, 0), M("fld m64", DD, 00, K_F64, 0),
    M("fst m64", DD, 10, K_F64, 0), M("fstp m64", DD, 18, K_F64, 0),
    M("fld m80", DB, 28, K_F80, 0), M("fstp m80", DB, 38, K_F80, 0),
    M("fild m16", DF, 00, K_I16, 0), M("fist m16", DF, 10, K_I16, X_INT),
    M("fistp m16", DF, 18, K_I16, X_INT), M("fild m32", DB, 00, K_I32, 0),
    M("fist m32", DB, 10, K_I32, X_INT), M("fistp m32", DB, 18, K_I32, X_INT),
    M("fild m64", DF, 28, K_I64, 0), M("fistp m64", DF, 38, K_I64, X_INT),
    M("fbld", DF, 20, K_BCD, 0), M("fbstp", DF, 30, K_BCD, X_INT),
    M("fldcw", D9, 28, K_CW, 0), M("fnstcw", D9, 38, K_CW, 0), M("fnstsw", DD, 38, K_CW, 0),
};
#undef R
#undef M

/* ---- random inputs ---- */

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Dull;
}

static struct fx80 rand_special(uint64_t *s, unsigned pick)
{
    uint64_t r = rnd(s);
    uint16_t sign = (uint16_t)((r & 1) << 15);
    uint64_t sig = rnd(s);
    switch (pick) {
    case 0: return (struct fx80){ 0, sign };
    case 1: return (struct fx80){ 1ull << 63, (uint16_t)(sign | 0x7FFF) };
    case 2: return (struct fx80){ sig | (3ull << 62), (uint16_t)(sign | 0x7FFF) };
    case 3: return (struct fx80){ ((sig & ~(3ull << 62)) | 1) | (1ull << 63), (uint16_t)(sign | 0x7FFF) };
    case 4: return (struct fx80){ (sig >> (r >> 8) % 64) & ~(1ull << 63) ? (sig >> (r >> 8) % 64) & ~(1ull << 63) : 1, sign };
    case 5: return (struct fx80){ sig | (1ull << 63), sign };
    case 6: return (struct fx80){ sig & ~(1ull << 63), (uint16_t)(sign | (1 + (r >> 16) % 0x7FFE)) };
    default: return (struct fx80){ sig & ~(1ull << 63), (uint16_t)(sign | 0x7FFF) };
    }
}

/* Mostly finite values from several exponent ranges and significand shapes
 * (short significands make exact results and ties), some specials. */
static struct fx80 rand_value(uint64_t *s)
{
    uint64_t r = rnd(s), sig = rnd(s) | (1ull << 63);
    uint16_t sign = (uint16_t)((r & 1) << 15);
    unsigned pick = (unsigned)(r >> 1) % 32;
    int32_t e;
    if (pick < 8)
        return rand_special(s, pick);
    switch (pick) {
    case 8: e = 0x7FF0 + (int32_t)((r >> 8) % 15); break;
    case 9: e = 1 + (int32_t)((r >> 8) % 0x48); break;
    case 10: case 11: e = 0x3FFF + (int32_t)((r >> 8) % 140) - 70; break;
    case 12: e = 0x3FFF + (int32_t)((r >> 8) % 8) - 2; sig &= ~0ull << (40 + (r >> 20) % 24); break;
    case 13: e = 0x3FFF + (int32_t)((r >> 8) % 70); sig |= (1ull << ((r >> 20) % 40)) - 1; break;
    case 14: e = 0x3FFF + (int32_t)((r >> 8) % 64); sig &= ~0ull << ((r >> 20) % 64); break;
    default: e = 1 + (int32_t)((r >> 8) % 0x7FFE); break;
    }
    sig |= 1ull << 63;
    return (struct fx80){ sig, (uint16_t)(sign | e) };
}

/* A second operand close to the first one half of the time. */
static struct fx80 rand_partner(uint64_t *s, struct fx80 a)
{
    uint64_t r = rnd(s);
    if ((r & 3) || (a.se & 0x7FFF) == 0x7FFF || (a.se & 0x7FFF) < 8)
        return rand_value(s);
    struct fx80 b = a;
    b.se = (uint16_t)((b.se & 0x8000) ^ ((r >> 2) & 1 ? 0x8000 : 0)) |
           (uint16_t)((a.se & 0x7FFF) + (int)((r >> 3) % 5) - 2);
    b.sig ^= rnd(s) >> (r >> 8) % 64;
    b.sig |= 1ull << 63;
    return b;
}

static struct fx80 from_double_bits(int64_t v)
{
    return sf80_from_int(v);
}

/* FSCALE's ST(1): mostly integers of every useful size, some fractions. */
static struct fx80 rand_scale(uint64_t *s)
{
    uint64_t r = rnd(s);
    int64_t n = (int64_t)(r >> 8) % ((r & 3) == 0 ? 40000 : (r & 3) == 1 ? 200 : 17000);
    if (r & 4)
        n = -n;
    if ((r & 0x30) == 0x30)
        return rand_value(s);
    struct fx80 v = from_double_bits(n);
    if ((r & 0xC0) == 0xC0 && (v.se & 0x7FFF) > 0)
        v.sig |= rnd(s) >> ((v.se & 0x7FFF) - 0x3FFF + 2);
    return v;
}

/* Values near integer boundaries (FIST, FRNDINT, FBSTP). */
static struct fx80 rand_intlike(uint64_t *s)
{
    static const int32_t exps[] = { 0, 1, 14, 15, 16, 30, 31, 32, 58, 59, 62, 63, 64, -1, -2 };
    uint64_t r = rnd(s);
    if (r & 1)
        return rand_value(s);
    int32_t e = 0x3FFF + exps[(r >> 1) % (sizeof(exps) / sizeof(exps[0]))];
    uint64_t sig = (r & 2) ? ~0ull >> ((r >> 8) % 4) : rnd(s) | (1ull << 63);
    if (r & 4)
        sig &= ~0ull << ((r >> 12) % 64);
    sig |= 1ull << 63;
    return (struct fx80){ sig, (uint16_t)(((r >> 20) & 1) << 15 | e) };
}

static void rand_mem(uint64_t *s, enum kind k, uint8_t *mem)
{
    uint64_t r = rnd(s), v = rnd(s);
    switch (k) {
    case K_F32:
        if ((r & 3) == 0)
            v = (v & 0x807FFFFF) | ((r >> 4) & 1 ? 0x7F800000 : 0) | ((r >> 5) & 1 ? 0 : 0);
        if ((r & 12) == 4)
            v &= (r >> 8) & 1 ? 0x80000000 : 0xFF800000;
        break;
    case K_F64:
        if ((r & 3) == 0)
            v = (v & 0x800FFFFFFFFFFFFFull) | ((r >> 4) & 1 ? 0x7FF0000000000000ull : 0);
        if ((r & 12) == 4)
            v &= (r >> 8) & 1 ? 0x8000000000000000ull : 0xFFF0000000000000ull;
        break;
    case K_F80: {
        struct fx80 x = rand_value(s);
        fpu_put80(mem, x);
        return;
    }
    case K_I16: case K_I32: case K_I64:
        if (r & 1)
            v = (uint64_t)((int64_t)v >> ((r >> 1) % 64));
        break;
    case K_BCD:
        for (int i = 0; i < 9; i++)
            mem[i] = (uint8_t)(((rnd(s) % 10) << 4) | (rnd(s) % 10));
        mem[9] = (uint8_t)(r & 0x80);
        return;
    case K_CW:
        v = (v & 0x1F3F) | ((r & 1) ? 0x3F : 0);
        break;
    default:
        break;
    }
    for (int i = 0; i < 8; i++)
        mem[i] = (uint8_t)(v >> (8 * i));
}

/* ---- the run ---- */

struct host_fixture {
    struct cpu cpu;
    struct bus *bus;
};

struct input {
    uint8_t img[FPU_SAVE32];
    uint8_t mem[MEM_LEN];
    uint64_t flags;
};

static void make_input(uint64_t *s, const struct op_case *c, struct input *in)
{
    static const uint16_t pcs[] = { 0, 2, 3, 3 };
    uint64_t r = rnd(s);
    struct fpu f;
    memset(&f, 0, sizeof(f));
    fpu_init(&f);
    f.fcw = (uint16_t)(0x40 | (r & 3) << 10 | (uint16_t)(pcs[(r >> 2) & 3] << 8) |
                       ((r >> 4) & 3 ? 0x3F : (r >> 8) & 0x3F));
    /* masked sticky flags only, so that nothing is pending on entry */
    f.fsw = (uint16_t)((r >> 16) & 0x4700) | (uint16_t)((r >> 24) & f.fcw & 0x3F);
    fpu_set_top(&f, (unsigned)(r >> 32));
    struct fx80 a = (c->extra & X_INT) ? rand_intlike(s) : rand_value(s);
    struct fx80 b = (c->extra & X_SCALE) ? rand_scale(s) : rand_partner(s, a);
    for (unsigned i = 2; i < 8; i++)
        if ((r >> (40 + i)) % 8 == 0 || (i == 7 && (r >> 50) % 4 == 0))
            fpu_set_st(&f, i, rand_value(s));
    if ((r >> 52) % 16)
        fpu_set_st(&f, 0, a);
    if ((r >> 56) % 16)
        fpu_set_st(&f, 1, b);
    fpu_store_state(&f, in->img, true, true);
    memset(in->mem, 0xA5, MEM_LEN);
    rand_mem(s, c->kind, in->mem);
    in->flags = 0x202 | (rnd(s) & (EFLAGS_CF | EFLAGS_PF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_OF |
                                   EFLAGS_AF));
}

static bool cond_of(const struct op_case *c, uint64_t fl)
{
    bool cf = fl & EFLAGS_CF, zf = fl & EFLAGS_ZF, pf = fl & EFLAGS_PF, v;
    switch ((c->modrm >> 3) & 3) {
    case 0: v = cf; break;
    case 1: v = zf; break;
    case 2: v = cf || zf; break;
    default: v = pf; break;
    }
    return c->esc == 0xDB ? !v : v;
}

/* Run on the emulator: returns the exception vector raised, or -1. */
static int run_emul(struct host_fixture *fx, const struct op_case *c, const struct input *in,
                    uint8_t *img, uint8_t *mem, uint64_t *flags)
{
    struct cpu *cpu = &fx->cpu;
    sigjmp_buf env;
    uint32_t imm = (uint32_t)(c->esc & 7) << 8 | c->modrm;
    memset(&cpu->fpu, 0, sizeof(cpu->fpu));
    fpu_load_state(&cpu->fpu, in->img, true, true);
    assert_true(bus_write_ram(fx->bus, DS_BASE + MEM_OFF, in->mem, MEM_LEN));
    cpu_set_eflags(cpu, (uint32_t)in->flags, EFLAGS_ARITH);
    cpu->exc_jmp = &env;
    cpu->exc_vector = -1;
    if (sigsetjmp(env, 0) != 0) {
        cpu->exc_jmp = NULL;
        return cpu->exc_vector;
    }
    if (c->kind != K_REG)
        helper_fpu_mem(cpu, MEM_OFF, 0, 0, imm | SEG_DS << 16 | 1u << 20);
    else if (c->extra & X_FLAGS_OUT)
        helper_fpu_fcomi(cpu, 0, 0, 0, imm);
    else if (c->extra & X_FLAGS_IN)
        helper_fpu_fcmov(cpu, cond_of(c, in->flags), 0, 0, imm);
    else
        helper_fpu_reg(cpu, 0, 0, 0, imm);
    cpu->exc_jmp = NULL;
    fpu_store_state(&cpu->fpu, img, true, true);
    assert_true(bus_read_ram(fx->bus, DS_BASE + MEM_OFF, mem, MEM_LEN));
    *flags = cpu_get_eflags(cpu);
    return -1;
}

/* Bytes 12-27 of the image are FIP/FCS/FOP/FDP/FDS: host addresses. */
static bool same_state(const uint8_t *a, const uint8_t *b)
{
    return memcmp(a, b, 12) == 0 && memcmp(a + 28, b + 28, FPU_SAVE32 - 28) == 0;
}

static void dump_image(const char *what, const uint8_t *img)
{
    printf("    %s: fcw %04x fsw %04x ftw %04x\n", what, img[0] | img[1] << 8,
           img[4] | img[5] << 8, img[8] | img[9] << 8);
    for (int i = 0; i < 8; i++) {
        struct fx80 v = fpu_get80(img + 28 + 10 * i);
        printf("      st%d %04x %016llx\n", i, v.se, (unsigned long long)v.sig);
    }
}

static void report(const struct op_case *c, const struct input *in, const uint8_t *himg,
                   const uint8_t *eimg, const uint8_t *hmem, const uint8_t *emem,
                   uint64_t hfl, uint64_t efl)
{
    printf("  MISMATCH %s (%02x %02x)\n", c->name, c->esc, c->modrm);
    dump_image("input", in->img);
    printf("    mem in:");
    for (int i = 0; i < 10; i++)
        printf(" %02x", in->mem[i]);
    printf("  eflags in %03llx\n", (unsigned long long)in->flags);
    dump_image("host", himg);
    dump_image("emul", eimg);
    printf("    mem host/emul:");
    for (int i = 0; i < 10; i++)
        printf(" %02x/%02x", hmem[i], emem[i]);
    printf("\n    eflags host %03llx emul %03llx\n", (unsigned long long)hfl,
           (unsigned long long)efl);
}

static unsigned getenv_num(const char *name, unsigned long long *v)
{
    const char *s = getenv(name);
    if (!s)
        return 0;
    *v = strtoull(s, NULL, 0);
    return 1;
}

static void test_random_vs_host(void **state)
{
    struct host_fixture *fx = *state;
    unsigned long long seed = 0x5EED0F87ull, iters = 1000000;
    unsigned fails = 0;
    unsigned ncases = sizeof(cases) / sizeof(cases[0]);
    unsigned per_case[sizeof(cases) / sizeof(cases[0])] = { 0 };
    getenv_num("FPU_SEED", &seed);
    getenv_num("FPU_ITERS", &iters);
    /* FPU_ONLY=name: one form only, for debugging */
    const char *only = getenv("FPU_ONLY");
    printf("x87 vs host: seed %#llx, %llu operations over %u forms\n", seed, iters, ncases);
    uint64_t s = seed ? seed : 1;
    for (unsigned long long n = 0; n < iters; n++) {
        const struct op_case *c = &cases[rnd(&s) % ncases];
        if (only && strcmp(c->name, only) != 0)
            continue;
        struct input in;
        uint8_t himg[FPU_SAVE32], eimg[FPU_SAVE32], hmem[MEM_LEN], emem[MEM_LEN];
        uint64_t hfl, efl;
        make_input(&s, c, &in);
        memcpy(himg, in.img, sizeof(himg));
        memcpy(hmem, in.mem, MEM_LEN);
        hfl = in.flags;
        c->host(himg, hmem, &hfl);
        int exc = run_emul(fx, c, &in, eimg, emem, &efl);
        uint64_t mask = (c->extra & X_FLAGS_OUT) ? EFLAGS_ARITH : 0;
        if (exc < 0 && same_state(himg, eimg) && !memcmp(hmem, emem, MEM_LEN) &&
            !((hfl ^ efl) & mask))
            continue;
        per_case[c - cases]++;
        if (++fails <= 12) {
            if (exc >= 0)
                printf("  exception %d\n", exc);
            report(c, &in, himg, eimg, hmem, emem, hfl, efl);
        }
    }
    for (unsigned i = 0; i < ncases; i++)
        if (per_case[i])
            printf("  %-14s %u mismatches\n", cases[i].name, per_case[i]);
    printf("x87 vs host: %u mismatches in %llu operations\n", fails, iters);
    assert_int_equal(fails, 0);
}

static int fx_setup(void **state)
{
    struct host_fixture *fx = calloc(1, sizeof(*fx));
    if (!fx)
        return -1;
    fx->bus = bus_create(RAM_SIZE, NULL);
    if (!fx->bus)
        return -1;
    fx->cpu.bus = fx->bus;
    fx->cpu.model = cpu_model_find("pentium-pro");
    fx->cpu.eflags = EFLAGS_FIXED1;
    fx->cpu.cr[0] = CR0_PE | CR0_NE | CR0_ET;
    fx->cpu.mode = MODE_PE | MODE_CS32 | MODE_SS32;
    fx->cpu.seg[SEG_DS] = (struct seg){ 0x10, DS_BASE, 0xFFFFF, 0x93 | 0xC000 };
    fx->cpu.seg[SEG_CS] = (struct seg){ 0x08, 0, 0xFFFFFFFF, 0x9B | 0xC000 };
    *state = fx;
    return 0;
}

static int fx_teardown(void **state)
{
    struct host_fixture *fx = *state;
    bus_destroy(fx->bus);
    free(fx);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_random_vs_host, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else

static void test_skip(void **state)
{
    skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_skip) };
    printf("x87 vs host: not an x86-64 host, the host oracle is unavailable\n");
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif
