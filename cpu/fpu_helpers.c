/* The x87 instructions (escape opcodes D8-DF, WAIT, FXSAVE/FXRSTOR) as
 * helpers called from translated code: #NM and pending-#MF checks, the
 * last-instruction pointers, and each instruction's semantics.
 * Intel SDM vol. 2 (each instruction), vol. 1 8.3-8.6, vol. 3 table 2-2. */
#include <string.h>

#include "cpu.h"
#include "cpuid.h"
#include "fpu.h"
#include "helpers.h"
#include "mem.h"

/* One x87 instruction being executed. */
struct fpx {
    struct cpu *cpu;
    struct fpu *f;
    /* escape byte & 7, ModRM and its fields */
    unsigned esc, modrm, reg, rm;
    /* memory operand: segment, offset, 32-bit operand size (env layouts) */
    int seg;
    uint32_t ea;
    bool o32;
    /* FCMOVcc: the condition holds */
    bool cond;
};

typedef uint32_t fpx_fn(struct fpx *x);

enum {
    /* FN* control instructions: no check for pending exceptions (SDM 8.6) */
    FX_NOWAIT = 1u << 0,
    /* control instructions leave FIP/FCS/FOP/FDP/FDS alone (SDM 8.1.8) */
    FX_CONTROL = 1u << 1,
    /* P6 additions (FCMOVcc, FCOMI): #UD unless the model has CMOV */
    FX_P6 = 1u << 2,
};

struct fpx_op {
    fpx_fn *fn;
    uint8_t flags;
    /* register forms: nonzero selects a ModRM.rm sub-table */
    uint8_t group;
};

/* ---- memory access ---- */

static void mem_read(struct fpx *x, uint8_t *buf, unsigned len)
{
    for (unsigned i = 0; i < len;) {
        unsigned n = len - i >= 4 ? 4 : 2;
        uint32_t v = cpu_read(x->cpu, x->seg, x->ea + i, n);
        for (unsigned k = 0; k < n; k++)
            buf[i + k] = (uint8_t)(v >> (8 * k));
        i += n;
    }
}

static void mem_write(struct fpx *x, const uint8_t *buf, unsigned len)
{
    for (unsigned i = 0; i < len;) {
        unsigned n = len - i >= 4 ? 4 : 2;
        uint32_t v = 0;
        for (unsigned k = 0; k < n; k++)
            v |= (uint32_t)buf[i + k] << (8 * k);
        cpu_write(x->cpu, x->seg, x->ea + i, n, v);
        i += n;
    }
}

static uint64_t le64(const uint8_t *p, unsigned len)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < len; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void put_le(uint8_t *p, uint64_t v, unsigned len)
{
    for (unsigned i = 0; i < len; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- memory operand types ---- */

enum mtype { MT_F32, MT_F64, MT_F80, MT_I16, MT_I32, MT_I64, MT_BCD };

static const uint8_t mtype_size[] = { 4, 8, 10, 2, 4, 8, 10 };

/* Read and convert a memory operand; load: FLD semantics for SNaN. */
static struct fx80 read_operand(struct fpx *x, enum mtype t, struct sf_env *env, bool load)
{
    uint8_t b[10];
    mem_read(x, b, mtype_size[t]);
    switch (t) {
    case MT_F32: return sf80_from_f32(env, (uint32_t)le64(b, 4), load);
    case MT_F64: return sf80_from_f64(env, le64(b, 8), load);
    case MT_F80: return fpu_get80(b);
    case MT_I16: return sf80_from_int((int16_t)le64(b, 2));
    case MT_I32: return sf80_from_int((int32_t)le64(b, 4));
    case MT_I64: return sf80_from_int((int64_t)le64(b, 8));
    default: return sf80_from_bcd(b);
    }
}

/* Convert ST(0) for a store into the memory image b. */
static void convert_store(enum mtype t, struct sf_env *env, struct fx80 v, uint8_t *b)
{
    switch (t) {
    case MT_F32: put_le(b, sf80_to_f32(env, v), 4); break;
    case MT_F64: put_le(b, sf80_to_f64(env, v), 8); break;
    case MT_F80: fpu_put80(b, v); break;
    case MT_I16: put_le(b, (uint64_t)sf80_to_int(env, v, 16), 2); break;
    case MT_I32: put_le(b, (uint64_t)sf80_to_int(env, v, 32), 4); break;
    case MT_I64: put_le(b, (uint64_t)sf80_to_int(env, v, 64), 8); break;
    default: sf80_to_bcd(env, v, b); break;
    }
}

/* ---- common instruction skeletons ---- */

/* Apply an operation's flags and C1; false when an unmasked pre-computation
 * exception (IE, DE, ZE) leaves destination and stack unchanged (SDM 8.7). */
static bool apply_flags(struct fpu *f, const struct sf_env *env)
{
    fpu_raise(f, env->flags);
    return !(env->flags & ~env->masks & (SF_IE | SF_DE | SF_ZE));
}

/* C1 after a rounded result: set when rounded up (SDM vol. 1 8.1.3.1) */
static void set_c1(struct fpu *f, const struct sf_env *env)
{
    fpu_set_cc(f, FSW_C1, env->c1 ? FSW_C1 : 0);
}

static void commit(struct fpu *f, const struct sf_env *env, unsigned dst, struct fx80 r,
                   bool pop)
{
    set_c1(f, env);
    if (!apply_flags(f, env))
        return;
    fpu_set_st(f, dst, r);
    if (pop)
        fpu_pop(f);
}

/* Stack underflow on reading empty registers; masked response: dst gets the
 * indefinite (then the pop). True when the operands are present. */
static bool need_regs(struct fpu *f, unsigned i, unsigned j, unsigned dst, bool pop)
{
    if (!fpu_empty(f, i) && !fpu_empty(f, j))
        return true;
    if (fpu_stack_fault(f, false)) {
        fpu_set_st(f, dst, sf80_indefinite());
        if (pop)
            fpu_pop(f);
    }
    return false;
}

/* Push with the stack-overflow check (SDM 8.5.1.1): ST(7) must be empty. */
static void push_value(struct fpu *f, const struct sf_env *env, struct fx80 v)
{
    if (!fpu_empty(f, 7)) {
        if (fpu_stack_fault(f, true))
            fpu_push(f, sf80_indefinite());
        return;
    }
    set_c1(f, env);
    fpu_raise(f, env->flags);
    /* only an unmasked IE stops a load: a denormal is loaded even when DE
     * is unmasked (as the x86-64 oracle does) */
    if (!(env->flags & ~env->masks & SF_IE))
        fpu_push(f, v);
}

/* ---- arithmetic ---- */

/* ModRM.reg order of D8/DC/DA/DE. */
enum { AR_ADD, AR_MUL, AR_COM, AR_COMP, AR_SUB, AR_SUBR, AR_DIV, AR_DIVR };

static struct fx80 arith(struct sf_env *env, unsigned op, struct fx80 d, struct fx80 s)
{
    switch (op) {
    case AR_ADD: return sf80_add(env, d, s);
    case AR_MUL: return sf80_mul(env, d, s);
    case AR_SUB: return sf80_sub(env, d, s);
    case AR_SUBR: return sf80_sub(env, s, d);
    case AR_DIV: return sf80_div(env, d, s);
    default: return sf80_div(env, s, d);
    }
}

static const uint16_t cmp_cc[] = {
    [SF_CMP_GT] = 0, [SF_CMP_LT] = FSW_C0, [SF_CMP_EQ] = FSW_C3,
    [SF_CMP_UN] = FSW_C3 | FSW_C2 | FSW_C0,
};

static void compare(struct fpu *f, struct fx80 a, struct fx80 b, bool quiet, unsigned pops)
{
    struct sf_env env = fpu_env(f, false);
    enum sf_cmp r = sf80_compare(&env, a, b, quiet);
    /* the condition codes are written even when the exception is unmasked */
    fpu_set_cc(f, FSW_CC, cmp_cc[r]);
    if (!apply_flags(f, &env))
        return;
    while (pops--)
        fpu_pop(f);
}

/* Compare with an empty operand: masked response "unordered". */
static bool compare_regs_ok(struct fpu *f, unsigned i, unsigned pops)
{
    if (!fpu_empty(f, 0) && !fpu_empty(f, i))
        return true;
    fpu_set_cc(f, FSW_C3 | FSW_C2 | FSW_C0, FSW_C3 | FSW_C2 | FSW_C0);
    if (fpu_stack_fault(f, false))
        while (pops--)
            fpu_pop(f);
    return false;
}

static const uint8_t arith_mtype[8] = { [0] = MT_F32, [2] = MT_I32, [4] = MT_F64, [6] = MT_I16 };

/* FADD..FDIVR, FCOM(P), FIADD..FIDIVR, FICOM(P) with a memory operand */
static uint32_t m_arith(struct fpx *x)
{
    struct fpu *f = x->f;
    struct sf_env env = fpu_env(f, true), conv = env;
    struct fx80 m = read_operand(x, arith_mtype[x->esc], &conv, false);
    /* a denormal single/double operand raises DE where the operation checks
     * for denormals, as a register operand would */
    env.denormal_in = conv.flags & SF_DE;
    if (x->reg == AR_COM || x->reg == AR_COMP) {
        unsigned pops = x->reg == AR_COMP;
        if (!compare_regs_ok(f, 0, pops))
            return 0;
        enum sf_cmp r = sf80_compare(&env, fpu_st(f, 0), m, false);
        fpu_set_cc(f, FSW_CC, cmp_cc[r]);
        if (apply_flags(f, &env) && pops)
            fpu_pop(f);
        return 0;
    }
    if (need_regs(f, 0, 0, 0, false))
        commit(f, &env, 0, arith(&env, x->reg, fpu_st(f, 0), m), false);
    return 0;
}

/* D8 ST(0) op= ST(i); DC/DE ST(i) op= ST(0) (DE pops), where the
 * subtract/divide pairs swap: DC E0+i is FSUBR ST(i), ST(0) (SDM vol. 2). */
static uint32_t r_arith(struct fpx *x)
{
    struct fpu *f = x->f;
    bool to_sti = x->esc != 0, pop = x->esc == 6;
    unsigned op = to_sti && x->reg >= AR_SUB ? x->reg ^ 1 : x->reg;
    unsigned dst = to_sti ? x->rm : 0, src = to_sti ? 0 : x->rm;
    if (!need_regs(f, dst, src, dst, pop))
        return 0;
    struct sf_env env = fpu_env(f, true);
    commit(f, &env, dst, arith(&env, op, fpu_st(f, dst), fpu_st(f, src)), pop);
    return 0;
}

/* FCOM/FCOMP ST(i) (D8, DC, DE D0+i aliases), FUCOM/FUCOMP (DD) */
static uint32_t r_com(struct fpx *x)
{
    bool quiet = x->esc == 5;
    unsigned pops = quiet ? x->reg == 5 : (x->reg == AR_COMP || x->esc == 6);
    if (compare_regs_ok(x->f, x->rm, pops))
        compare(x->f, fpu_st(x->f, 0), fpu_st(x->f, x->rm), quiet, pops);
    return 0;
}

/* FCOMPP (DE D9), FUCOMPP (DA E9) */
static uint32_t r_compp(struct fpx *x)
{
    if (compare_regs_ok(x->f, 1, 2))
        compare(x->f, fpu_st(x->f, 0), fpu_st(x->f, 1), x->esc == 2, 2);
    return 0;
}

/* FCOMI/FUCOMI (DB), FCOMIP/FUCOMIP (DF): ZF PF CF like FCOM's C3 C2 C0,
 * OF SF AF cleared, "unordered" also for an exception (the x86-64 oracle
 * writes EFLAGS even when IE is unmasked). C1 is left as it was (the SDM
 * says cleared; the oracle keeps it). */
static uint32_t r_comi(struct fpx *x)
{
    static const uint32_t fl[] = {
        [SF_CMP_GT] = 0, [SF_CMP_LT] = EFLAGS_CF, [SF_CMP_EQ] = EFLAGS_ZF,
        [SF_CMP_UN] = EFLAGS_ZF | EFLAGS_PF | EFLAGS_CF,
    };
    struct fpu *f = x->f;
    enum sf_cmp r = SF_CMP_UN;
    bool pop = x->esc == 7;
    if (fpu_empty(f, 0) || fpu_empty(f, x->rm)) {
        pop &= fpu_stack_fault(f, false);
    } else {
        struct sf_env env = fpu_env(f, false);
        r = sf80_compare(&env, fpu_st(f, 0), fpu_st(f, x->rm), x->reg == 5);
        pop &= apply_flags(f, &env);
    }
    cpu_set_eflags(x->cpu, fl[r], EFLAGS_ARITH);
    if (pop)
        fpu_pop(f);
    return 0;
}

/* ---- loads and stores ---- */

static const uint8_t load_mtype[8] = {
    [1] = MT_F32, [3] = MT_I32, [5] = MT_F64, [7] = MT_I16,
};

/* FLD m32/m64, FILD m16/m32 (reg 0) */
static uint32_t m_fld(struct fpx *x)
{
    struct sf_env env = fpu_env(x->f, false);
    struct fx80 v = read_operand(x, load_mtype[x->esc], &env, true);
    push_value(x->f, &env, v);
    return 0;
}

/* FLD m80 (DB /5), FBLD (DF /4), FILD m64 (DF /5) */
static uint32_t m_fld_wide(struct fpx *x)
{
    enum mtype t = x->esc == 3 ? MT_F80 : x->reg == 4 ? MT_BCD : MT_I64;
    struct sf_env env = fpu_env(x->f, false);
    struct fx80 v = read_operand(x, t, &env, true);
    push_value(x->f, &env, v);
    return 0;
}

/* Masked response to storing from an empty ST(0) (SDM 8.5.1.2). */
static void indefinite_image(enum mtype t, uint8_t *b)
{
    struct sf_env env = { 0 };
    convert_store(t, &env, sf80_indefinite(), b);
}

/* FST/FSTP/FIST/FISTP/FBSTP to memory: convert, write, then the flags and
 * the pop (a faulting write leaves the FPU untouched for the restart). */
static void store_st0(struct fpx *x, enum mtype t, bool pop)
{
    struct fpu *f = x->f;
    struct sf_env env = fpu_env(f, false);
    uint8_t b[10];
    if (fpu_empty(f, 0)) {
        if (!(f->fcw & FSW_IE)) {
            fpu_stack_fault(f, false);
            return;
        }
        indefinite_image(t, b);
        mem_write(x, b, mtype_size[t]);
        fpu_stack_fault(f, false);
    } else {
        convert_store(t, &env, fpu_st(f, 0), b);
        /* unmasked invalid, overflow, underflow: nothing stored, and no
         * precision exception reported either */
        if (!(env.flags & ~env.masks & (SF_IE | SF_OE | SF_UE))) {
            mem_write(x, b, mtype_size[t]);
        } else {
            pop = false;
            if (env.flags & ~env.masks & (SF_OE | SF_UE)) {
                env.flags &= (uint8_t)~SF_PE;
                env.c1 = false;
            }
        }
        fpu_raise(f, env.flags);
        fpu_set_cc(f, FSW_C1, env.c1 ? FSW_C1 : 0);
    }
    if (pop)
        fpu_pop(f);
}

static const uint8_t store_mtype[8] = {
    [1] = MT_F32, [3] = MT_I32, [5] = MT_F64, [7] = MT_I16,
};

/* FST/FSTP m32/m64, FIST/FISTP m16/m32 (reg 2, 3) */
static uint32_t m_fst(struct fpx *x)
{
    store_st0(x, store_mtype[x->esc], x->reg == 3);
    return 0;
}

/* FSTP m80 (DB /7), FBSTP (DF /6), FISTP m64 (DF /7) */
static uint32_t m_fstp_wide(struct fpx *x)
{
    store_st0(x, x->esc == 3 ? MT_F80 : x->reg == 6 ? MT_BCD : MT_I64, true);
    return 0;
}

/* FLD ST(i): copies the register as is (no SNaN check, SDM FLD) */
static uint32_t r_fld(struct fpx *x)
{
    struct fpu *f = x->f;
    struct sf_env env = fpu_env(f, false);
    if (fpu_empty(f, x->rm)) {
        if (fpu_stack_fault(f, false))
            fpu_push(f, sf80_indefinite());
        return 0;
    }
    push_value(f, &env, fpu_st(f, x->rm));
    return 0;
}

/* FST/FSTP ST(i) (DD /2 /3 and the D9 D8+i, DF D0+i, DF D8+i aliases) */
static uint32_t r_fst(struct fpx *x)
{
    struct fpu *f = x->f;
    bool pop = !(x->esc == 5 && x->reg == 2);
    fpu_set_cc(f, FSW_C1, 0);
    if (!need_regs(f, 0, 0, x->rm, pop))
        return 0;
    fpu_set_st(f, x->rm, fpu_st(f, 0));
    if (pop)
        fpu_pop(f);
    return 0;
}

/* FXCH ST(i) (D9 /1 and the DD /1, DF /1 aliases) */
static uint32_t r_fxch(struct fpx *x)
{
    struct fpu *f = x->f;
    struct fx80 a = fpu_st(f, 0), b = fpu_st(f, x->rm);
    fpu_set_cc(f, FSW_C1, 0);
    if (fpu_empty(f, 0) || fpu_empty(f, x->rm)) {
        if (!fpu_stack_fault(f, false))
            return 0;
        if (fpu_empty(f, 0))
            a = sf80_indefinite();
        if (fpu_empty(f, x->rm))
            b = sf80_indefinite();
    }
    fpu_set_st(f, 0, b);
    fpu_set_st(f, x->rm, a);
    return 0;
}

/* FFREE ST(i) (DD /0), FFREEP ST(i) (DF /0, undocumented: free then pop) */
static uint32_t r_ffree(struct fpx *x)
{
    fpu_set_cc(x->f, FSW_C1, 0);
    fpu_free(x->f, x->rm);
    if (x->esc == 7)
        fpu_pop(x->f);
    return 0;
}

/* FCMOVcc ST(0), ST(i) (DA/DB /0-/3) */
static uint32_t r_fcmov(struct fpx *x)
{
    struct fpu *f = x->f;
    if (fpu_empty(f, 0) || fpu_empty(f, x->rm)) {
        /* the masked response happens whether or not the condition holds */
        if (fpu_stack_fault(f, false))
            fpu_set_st(f, 0, sf80_indefinite());
        return 0;
    }
    if (x->cond)
        fpu_set_st(f, 0, fpu_st(f, x->rm));
    return 0;
}

/* ---- D9 E0-FF: sign, test, constants, functions ---- */

static uint32_t r_fchs_fabs(struct fpx *x)
{
    struct fpu *f = x->f;
    fpu_set_cc(f, FSW_C1, 0);
    if (!need_regs(f, 0, 0, 0, false))
        return 0;
    struct fx80 v = fpu_st(f, 0);
    v.se = x->rm == 0 ? v.se ^ 0x8000 : v.se & 0x7FFF;
    fpu_set_st(f, 0, v);
    return 0;
}

static uint32_t r_ftst(struct fpx *x)
{
    if (compare_regs_ok(x->f, 0, 0))
        compare(x->f, fpu_st(x->f, 0), fx80_make(false, 0, 0), false, 0);
    return 0;
}

/* FXAM: C3 C2 C0 give the class, C1 the sign (SDM FXAM table) */
static uint32_t r_fxam(struct fpx *x)
{
    static const uint16_t cls[] = {
        [SF_CL_UNSUPPORTED] = 0, [SF_CL_NAN] = FSW_C0, [SF_CL_NORMAL] = FSW_C2,
        [SF_CL_INF] = FSW_C2 | FSW_C0, [SF_CL_ZERO] = FSW_C3,
        [SF_CL_DENORMAL] = FSW_C3 | FSW_C2,
    };
    struct fpu *f = x->f;
    struct fx80 v = fpu_st(f, 0);
    unsigned cc = fpu_empty(f, 0) ? FSW_C3 | FSW_C0 : cls[sf80_classify(v)];
    fpu_set_cc(f, FSW_CC, cc | (fx80_sign(v) ? FSW_C1 : 0));
    return 0;
}

/* FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ: the constants' 64-bit
 * truncations and whether the bits beyond are above one half, for rounding
 * with RC (SDM vol. 1 8.3.8). All are positive. */
static uint32_t r_fldconst(struct fpx *x)
{
    static const struct { uint16_t se; uint64_t sig; bool inexact, near_up; } k[7] = {
        { 0x3FFF, 0x8000000000000000ull, false, false },  /* 1 */
        { 0x4000, 0xD49A784BCD1B8AFEull, true, false },   /* log2(10) */
        { 0x3FFF, 0xB8AA3B295C17F0BBull, true, true },    /* log2(e) */
        { 0x4000, 0xC90FDAA22168C234ull, true, true },    /* pi */
        { 0x3FFD, 0x9A209A84FBCFF798ull, true, true },    /* log10(2) */
        { 0x3FFE, 0xB17217F7D1CF79ABull, true, true },    /* ln(2) */
        { 0x0000, 0, false, false },                      /* +0 */
    };
    struct sf_env env = fpu_env(x->f, false);
    struct fx80 v = { k[x->rm].sig, k[x->rm].se };
    if (k[x->rm].inexact &&
        ((env.rc == SF_RC_NEAR && k[x->rm].near_up) || env.rc == SF_RC_UP))
        v.sig++;
    push_value(x->f, &env, v);
    return 0;
}

static uint32_t r_fincdecstp(struct fpx *x)
{
    fpu_set_cc(x->f, FSW_C1, 0);
    fpu_set_top(x->f, fpu_top(x->f) + (x->rm == 7 ? 1 : 7));
    return 0;
}

typedef struct fx80 unary_fn(struct sf_env *env, struct fx80 a);

static void unary(struct fpx *x, unary_fn *fn, bool prec_ctl)
{
    struct fpu *f = x->f;
    if (!need_regs(f, 0, 0, 0, false))
        return;
    struct sf_env env = fpu_env(f, prec_ctl);
    commit(f, &env, 0, fn(&env, fpu_st(f, 0)), false);
}

static uint32_t r_fsqrt(struct fpx *x)
{
    unary(x, sf80_sqrt, true);
    return 0;
}

static uint32_t r_frndint(struct fpx *x)
{
    unary(x, sf80_round_int, false);
    return 0;
}

static uint32_t r_f2xm1(struct fpx *x)
{
    unary(x, sf80_f2xm1, false);
    return 0;
}

/* FSCALE: ST(0) = scale(ST(0), ST(1)) */
static uint32_t r_fscale(struct fpx *x)
{
    struct fpu *f = x->f;
    if (!need_regs(f, 0, 1, 0, false))
        return 0;
    struct sf_env env = fpu_env(f, false);
    commit(f, &env, 0, sf80_scale(&env, fpu_st(f, 0), fpu_st(f, 1)), false);
    return 0;
}

/* FYL2X, FYL2XP1, FPATAN: ST(1) = fn(ST(0), ST(1)), then pop */
static uint32_t r_binary_pop(struct fpx *x)
{
    struct fpu *f = x->f;
    if (!need_regs(f, 0, 1, 1, true))
        return 0;
    struct sf_env env = fpu_env(f, false);
    struct fx80 a = fpu_st(f, 0), b = fpu_st(f, 1), r;
    if (x->reg == 6 && x->rm == 1)
        r = sf80_yl2x(&env, a, b);
    else if (x->reg == 7)
        r = sf80_yl2xp1(&env, a, b);
    else
        r = sf80_atan2(&env, b, a);
    commit(f, &env, 1, r, true);
    return 0;
}

/* FPREM (D9 F8), FPREM1 (D9 F5): C2 = incomplete, C0 C3 C1 = Q2 Q1 Q0 of
 * a complete reduction (0 after a partial one). Without a result (stack
 * underflow, invalid or NaN operands) C2 and C1 are cleared and C0, C3 kept. */
static uint32_t r_fprem(struct fpx *x)
{
    struct fpu *f = x->f;
    unsigned q;
    bool incomplete;
    fpu_set_cc(f, FSW_C2 | FSW_C1, 0);
    if (!need_regs(f, 0, 1, 0, false))
        return 0;
    struct sf_env env = fpu_env(f, false);
    struct fx80 a = fpu_st(f, 0), b = fpu_st(f, 1);
    struct fx80 r = sf80_rem(&env, a, b, x->reg == 6, &q, &incomplete);
    if (!apply_flags(f, &env))
        return 0;
    fpu_set_st(f, 0, r);
    if (sf80_classify(r) == SF_CL_NAN)
        return 0;
    if (incomplete)
        q = 0;
    fpu_set_cc(f, FSW_CC, (q & 4 ? FSW_C0 : 0) | (q & 2 ? FSW_C3 : 0) | (q & 1 ? FSW_C1 : 0) |
                          (incomplete ? FSW_C2 : 0));
    return 0;
}

/* FXTRACT, FPTAN, FSINCOS replace ST(0) and push a second result: ST(7)
 * must be empty too. Masked underflow or overflow: both results are the
 * indefinite. */
static bool room_for_two(struct fpu *f)
{
    if (!fpu_empty(f, 0) && fpu_empty(f, 7))
        return true;
    if (fpu_stack_fault(f, !fpu_empty(f, 0))) {
        fpu_set_st(f, 0, sf80_indefinite());
        fpu_push(f, sf80_indefinite());
    }
    return false;
}

static void commit_two(struct fpu *f, const struct sf_env *env, struct fx80 st1, struct fx80 st0)
{
    set_c1(f, env);
    if (!apply_flags(f, env))
        return;
    fpu_set_st(f, 0, st1);
    fpu_push(f, st0);
}

static uint32_t r_fxtract(struct fpx *x)
{
    struct fpu *f = x->f;
    struct fx80 e;
    if (!room_for_two(f))
        return 0;
    struct sf_env env = fpu_env(f, false);
    struct fx80 m = sf80_extract(&env, fpu_st(f, 0), &e);
    commit_two(f, &env, e, m);
    return 0;
}

/* |x| >= 2^63: C2 = 1 and ST(0) unchanged (SDM FSIN/FCOS/FPTAN/FSINCOS) */
static bool trig_range(struct fpu *f, bool ok)
{
    fpu_set_cc(f, FSW_C2, ok ? 0 : FSW_C2);
    return ok;
}

static uint32_t r_fptan(struct fpx *x)
{
    struct fpu *f = x->f;
    struct fx80 t;
    if (!room_for_two(f))
        return 0;
    struct sf_env env = fpu_env(f, false);
    if (trig_range(f, sf80_tan(&env, fpu_st(f, 0), &t)))
        commit_two(f, &env, t, sf80_classify(t) == SF_CL_NAN ? t : sf80_from_int(1));
    return 0;
}

static uint32_t r_fsincos(struct fpx *x)
{
    struct fpu *f = x->f;
    struct fx80 s, c;
    if (!room_for_two(f))
        return 0;
    struct sf_env env = fpu_env(f, false);
    if (trig_range(f, sf80_sincos(&env, fpu_st(f, 0), &s, &c)))
        commit_two(f, &env, s, c);
    return 0;
}

/* FSIN (D9 FE), FCOS (D9 FF) */
static uint32_t r_fsin_fcos(struct fpx *x)
{
    struct fpu *f = x->f;
    struct fx80 s, c;
    if (!need_regs(f, 0, 0, 0, false))
        return 0;
    struct sf_env env = fpu_env(f, false);
    bool sin = x->rm == 6;
    if (trig_range(f, sf80_sincos(&env, fpu_st(f, 0), sin ? &s : NULL, sin ? NULL : &c)))
        commit(f, &env, 0, sin ? s : c, false);
    return 0;
}

static uint32_t r_nop(struct fpx *x)
{
    return 0;
}

/* ---- control instructions ---- */

static uint32_t r_fnclex(struct fpx *x)
{
    x->f->fsw &= (uint16_t)~(FSW_EXC | FSW_SF);
    fpu_update_es(x->f);
    return 0;
}

static uint32_t r_fninit(struct fpx *x)
{
    fpu_init(x->f);
    return 0;
}

static uint32_t r_fnstsw_ax(struct fpx *x)
{
    return x->f->fsw;
}

static uint32_t m_fnstsw(struct fpx *x)
{
    cpu_write(x->cpu, x->seg, x->ea, 2, x->f->fsw);
    return 0;
}

static uint32_t m_fnstcw(struct fpx *x)
{
    cpu_write(x->cpu, x->seg, x->ea, 2, x->f->fcw);
    return 0;
}

static uint32_t m_fldcw(struct fpx *x)
{
    fpu_set_fcw(x->f, (uint16_t)cpu_read(x->cpu, x->seg, x->ea, 2));
    return 0;
}

/* Protected-mode layouts outside real and virtual-8086 mode (SDM 8.1.10). */
static bool pm_layout(const struct cpu *cpu)
{
    return (cpu->mode & MODE_PE) && !(cpu->mode & MODE_VM86);
}

/* FNSTENV: store, then mask all exceptions (SDM FSTENV) */
static uint32_t m_fnstenv(struct fpx *x)
{
    uint8_t img[FPU_ENV32];
    fpu_store_env(x->f, img, x->o32, pm_layout(x->cpu));
    mem_write(x, img, x->o32 ? FPU_ENV32 : FPU_ENV16);
    x->f->fcw |= FSW_EXC;
    return 0;
}

static uint32_t m_fldenv(struct fpx *x)
{
    uint8_t img[FPU_ENV32];
    mem_read(x, img, x->o32 ? FPU_ENV32 : FPU_ENV16);
    fpu_load_env(x->f, img, x->o32, pm_layout(x->cpu));
    return 0;
}

/* FNSAVE: store, then FNINIT */
static uint32_t m_fnsave(struct fpx *x)
{
    uint8_t img[FPU_SAVE32];
    fpu_store_state(x->f, img, x->o32, pm_layout(x->cpu));
    mem_write(x, img, x->o32 ? FPU_SAVE32 : FPU_SAVE16);
    fpu_init(x->f);
    return 0;
}

static uint32_t m_frstor(struct fpx *x)
{
    uint8_t img[FPU_SAVE32];
    mem_read(x, img, x->o32 ? FPU_SAVE32 : FPU_SAVE16);
    fpu_load_state(x->f, img, x->o32, pm_layout(x->cpu));
    return 0;
}

/* ---- dispatch tables ---- */

#define A { m_arith, 0, 0 }
#define CTL (FX_CONTROL | FX_NOWAIT)
static const struct fpx_op mem_ops[8][8] = {
    { A, A, A, A, A, A, A, A },
    { { m_fld, 0, 0 }, { 0 }, { m_fst, 0, 0 }, { m_fst, 0, 0 }, { m_fldenv, FX_CONTROL, 0 },
      { m_fldcw, FX_CONTROL, 0 }, { m_fnstenv, CTL, 0 }, { m_fnstcw, CTL, 0 } },
    { A, A, A, A, A, A, A, A },
    { { m_fld, 0, 0 }, { 0 }, { m_fst, 0, 0 }, { m_fst, 0, 0 }, { 0 }, { m_fld_wide, 0, 0 },
      { 0 }, { m_fstp_wide, 0, 0 } },
    { A, A, A, A, A, A, A, A },
    { { m_fld, 0, 0 }, { 0 }, { m_fst, 0, 0 }, { m_fst, 0, 0 }, { m_frstor, FX_CONTROL, 0 },
      { 0 }, { m_fnsave, CTL, 0 }, { m_fnstsw, CTL, 0 } },
    { A, A, A, A, A, A, A, A },
    { { m_fld, 0, 0 }, { 0 }, { m_fst, 0, 0 }, { m_fst, 0, 0 }, { m_fld_wide, 0, 0 },
      { m_fld_wide, 0, 0 }, { m_fstp_wide, 0, 0 }, { m_fstp_wide, 0, 0 } },
};
#undef A

enum { G_NONE, G_D9_2, G_D9_4, G_D9_5, G_D9_6, G_D9_7, G_DA_5, G_DB_4, G_DE_3, G_DF_4, G_COUNT };

#define AR { r_arith, 0, 0 }
#define CO { r_com, 0, 0 }
#define CM { r_fcmov, FX_P6, 0 }
#define CI { r_comi, FX_P6, 0 }
#define G(n) { 0, 0, n }
static const struct fpx_op reg_ops[8][8] = {
    { AR, AR, CO, CO, AR, AR, AR, AR },
    { { r_fld, 0, 0 }, { r_fxch, 0, 0 }, G(G_D9_2), { r_fst, 0, 0 }, G(G_D9_4), G(G_D9_5),
      G(G_D9_6), G(G_D9_7) },
    { CM, CM, CM, CM, { 0 }, G(G_DA_5), { 0 }, { 0 } },
    { CM, CM, CM, CM, G(G_DB_4), CI, CI, { 0 } },
    { AR, AR, CO, CO, AR, AR, AR, AR },
    { { r_ffree, 0, 0 }, { r_fxch, 0, 0 }, { r_fst, 0, 0 }, { r_fst, 0, 0 }, CO, CO, { 0 }, { 0 } },
    { AR, AR, CO, G(G_DE_3), AR, AR, AR, AR },
    { { r_ffree, 0, 0 }, { r_fxch, 0, 0 }, { r_fst, 0, 0 }, { r_fst, 0, 0 }, G(G_DF_4), CI, CI,
      { 0 } },
};
#undef AR
#undef CO
#undef CM
#undef CI
#undef G

#define R(fn) { fn, 0, 0 }
static const struct fpx_op group_ops[G_COUNT][8] = {
    [G_D9_2] = { R(r_nop) },
    [G_D9_4] = { R(r_fchs_fabs), R(r_fchs_fabs), { 0 }, { 0 }, R(r_ftst), R(r_fxam) },
    [G_D9_5] = { R(r_fldconst), R(r_fldconst), R(r_fldconst), R(r_fldconst), R(r_fldconst),
                 R(r_fldconst), R(r_fldconst) },
    [G_D9_6] = { R(r_f2xm1), R(r_binary_pop), R(r_fptan), R(r_binary_pop), R(r_fxtract),
                 R(r_fprem), R(r_fincdecstp), R(r_fincdecstp) },
    [G_D9_7] = { R(r_fprem), R(r_binary_pop), R(r_fsqrt), R(r_fsincos), R(r_frndint),
                 R(r_fscale), R(r_fsin_fcos), R(r_fsin_fcos) },
    [G_DA_5] = { [1] = R(r_compp) },
    /* FENI, FDISI, FSETPM: 8087/287 leftovers, no-ops since the 387 */
    [G_DB_4] = { { r_nop, CTL, 0 }, { r_nop, CTL, 0 }, { r_fnclex, CTL, 0 },
                 { r_fninit, CTL, 0 }, { r_nop, CTL, 0 } },
    [G_DE_3] = { [1] = R(r_compp) },
    [G_DF_4] = { { r_fnstsw_ax, CTL, 0 } },
};
#undef R
#undef CTL

/* ---- entry points ---- */

/* SDM vol. 3 table 2-2: CR0.EM or CR0.TS makes every escape opcode #NM. */
static void check_nm(struct cpu *cpu)
{
    if (cpu->cr[0] & (CR0_EM | CR0_TS))
        cpu_raise_exception(cpu, EXC_NM, -1);
}

/* An unmasked exception recorded by an earlier instruction is signalled at
 * this waiting instruction: #MF with CR0.NE, else FERR# (the PC's IRQ 13)
 * and the instruction goes on, as with IGNNE# (SDM vol. 1 8.7, D.2). */
static void check_pending(struct cpu *cpu)
{
    struct fpu *f = &cpu->fpu;
    if (!(f->fsw & FSW_ES))
        return;
    if (cpu->cr[0] & CR0_NE)
        cpu_raise_exception(cpu, EXC_MF, -1);
    if (f->ferr)
        f->ferr(f->ferr_opaque, true);
}

static const struct fpx_op *lookup(const struct fpx *x, bool mem)
{
    const struct fpx_op *op = mem ? &mem_ops[x->esc][x->reg] : &reg_ops[x->esc][x->reg];
    if (!mem && op->group)
        op = &group_ops[op->group][x->rm];
    return op;
}

static uint32_t execute(struct cpu *cpu, struct fpx *x, bool mem)
{
    const struct fpx_op *op = lookup(x, mem);
    check_nm(cpu);
    /* a model without an FPU (the 286 alone): escapes compute and store
     * nothing, so FNSTSW AX leaves AX as it was */
    if (!(cpu->model->features & CPUID_FPU))
        return cpu->regs[R_EAX] & 0xFFFF;
    if (!op->fn || ((op->flags & FX_P6) && !(cpu->model->features & CPUID_CMOV)))
        cpu_raise_exception(cpu, EXC_UD, -1);
    if (!(op->flags & FX_NOWAIT))
        check_pending(cpu);
    if (!(op->flags & FX_CONTROL)) {
        struct fpu *f = x->f;
        f->fip = cpu->eip;
        f->fcs = cpu->seg[SEG_CS].sel;
        f->fop = (uint16_t)(x->esc << 8 | x->modrm);
        if (mem) {
            f->fdp = x->ea;
            f->fds = cpu->seg[x->seg].sel;
        }
    }
    return op->fn(x);
}

static struct fpx decode_imm(struct cpu *cpu, uint32_t imm)
{
    struct fpx x = {
        .cpu = cpu, .f = &cpu->fpu, .esc = (imm >> 8) & 7, .modrm = imm & 0xFF,
        .seg = (int)((imm >> 16) & 7), .o32 = (imm >> 20) & 1,
    };
    x.reg = (x.modrm >> 3) & 7;
    x.rm = x.modrm & 7;
    return x;
}

uint32_t helper_fpu_reg(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    struct fpx x = decode_imm(cpu, imm);
    return execute(cpu, &x, false);
}

uint32_t helper_fpu_mem(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    struct fpx x = decode_imm(cpu, imm);
    x.ea = a;
    return execute(cpu, &x, true);
}

uint32_t helper_fpu_fcomi(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    struct fpx x = decode_imm(cpu, imm);
    return execute(cpu, &x, false);
}

uint32_t helper_fpu_fcmov(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    struct fpx x = decode_imm(cpu, imm);
    x.cond = a != 0;
    return execute(cpu, &x, false);
}

/* SDM WAIT: #NM only when both CR0.MP and CR0.TS are set */
uint32_t helper_fwait(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    if ((cpu->cr[0] & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS))
        cpu_raise_exception(cpu, EXC_NM, -1);
    check_pending(cpu);
    return 0;
}

/* FXSAVE/FXRSTOR m512 (0F AE /0 /1): #NM as the escapes, #GP(0) unless the
 * linear address is 16-byte aligned; no pending-exception check. The SSE
 * part (MXCSR, XMM) is not modelled: those bytes are written as zero. */
static struct fpx fx_operand(struct cpu *cpu, uint32_t ea, uint32_t seg)
{
    struct fpx x = { .cpu = cpu, .f = &cpu->fpu, .seg = (int)(seg & 7), .ea = ea, .o32 = true };
    check_nm(cpu);
    if ((cpu->seg[x.seg].base + ea) & 15)
        cpu_raise_exception(cpu, EXC_GP, 0);
    return x;
}

uint32_t helper_fxsave(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    struct fpx x = fx_operand(cpu, a, imm);
    uint8_t img[FPU_FXSAVE];
    memset(img, 0, sizeof(img));
    fpu_fxsave(x.f, img);
    mem_write(&x, img, 288);
    return 0;
}

uint32_t helper_fxrstor(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    struct fpx x = fx_operand(cpu, a, imm);
    uint8_t img[FPU_FXSAVE];
    mem_read(&x, img, 160);
    fpu_fxrstor(x.f, img);
    return 0;
}
