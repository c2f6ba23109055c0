/* x87 D9 E0-FF forms: sign and test (FCHS, FABS, FTST, FXAM), constants,
 * FINCSTP/FDECSTP, and the functions FSQRT..FSCALE, FPREM, FXTRACT, trig.
 * Intel SDM vol. 2 (each instruction), vol. 1 8.3. */
#include <stddef.h>

#include "fpu.h"
#include "fpu_exec.h"

/* ---- D9 E0-FF: sign, test, constants, functions ---- */

uint32_t fpx_r_fchs_fabs(struct fpx *x)
{
    struct fpu *f = x->f;
    fpu_set_cc(f, FSW_C1, 0);
    if (!fpx_need_regs(f, 0, 0, 0, false))
        return 0;
    struct fx80 v = fpu_st(f, 0);
    v.se = x->rm == 0 ? v.se ^ 0x8000 : v.se & 0x7FFF;
    fpu_set_st(f, 0, v);
    return 0;
}

uint32_t fpx_r_ftst(struct fpx *x)
{
    if (fpx_compare_regs_ok(x->f, 0, 0))
        fpx_compare(x->f, fpu_st(x->f, 0), fx80_make(false, 0, 0), false, 0);
    return 0;
}

/* FXAM: C3 C2 C0 give the class, C1 the sign (SDM FXAM table) */
uint32_t fpx_r_fxam(struct fpx *x)
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
uint32_t fpx_r_fldconst(struct fpx *x)
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
    fpx_push_value(x->f, &env, v);
    return 0;
}

uint32_t fpx_r_fincdecstp(struct fpx *x)
{
    fpu_set_cc(x->f, FSW_C1, 0);
    fpu_set_top(x->f, fpu_top(x->f) + (x->rm == 7 ? 1 : 7));
    return 0;
}

typedef struct fx80 unary_fn(struct sf_env *env, struct fx80 a);

static void unary(struct fpx *x, unary_fn *fn, bool prec_ctl)
{
    struct fpu *f = x->f;
    if (!fpx_need_regs(f, 0, 0, 0, false))
        return;
    struct sf_env env = fpu_env(f, prec_ctl);
    fpx_commit(f, &env, 0, fn(&env, fpu_st(f, 0)), false);
}

uint32_t fpx_r_fsqrt(struct fpx *x)
{
    unary(x, sf80_sqrt, true);
    return 0;
}

uint32_t fpx_r_frndint(struct fpx *x)
{
    unary(x, sf80_round_int, false);
    return 0;
}

uint32_t fpx_r_f2xm1(struct fpx *x)
{
    unary(x, sf80_f2xm1, false);
    return 0;
}

/* FSCALE: ST(0) = scale(ST(0), ST(1)) */
uint32_t fpx_r_fscale(struct fpx *x)
{
    struct fpu *f = x->f;
    if (!fpx_need_regs(f, 0, 1, 0, false))
        return 0;
    struct sf_env env = fpu_env(f, false);
    fpx_commit(f, &env, 0, sf80_scale(&env, fpu_st(f, 0), fpu_st(f, 1)), false);
    return 0;
}

/* FYL2X, FYL2XP1, FPATAN: ST(1) = fn(ST(0), ST(1)), then pop */
uint32_t fpx_r_binary_pop(struct fpx *x)
{
    struct fpu *f = x->f;
    if (!fpx_need_regs(f, 0, 1, 1, true))
        return 0;
    struct sf_env env = fpu_env(f, false);
    struct fx80 a = fpu_st(f, 0), b = fpu_st(f, 1), r;
    if (x->reg == 6 && x->rm == 1)
        r = sf80_yl2x(&env, a, b);
    else if (x->reg == 7)
        r = sf80_yl2xp1(&env, a, b);
    else
        r = sf80_atan2(&env, b, a);
    fpx_commit(f, &env, 1, r, true);
    return 0;
}

/* FPREM (D9 F8), FPREM1 (D9 F5): C2 = incomplete, C0 C3 C1 = Q2 Q1 Q0 of
 * a complete reduction (0 after a partial one). Without a result (stack
 * underflow, invalid or NaN operands) C2 and C1 are cleared and C0, C3 kept. */
uint32_t fpx_r_fprem(struct fpx *x)
{
    struct fpu *f = x->f;
    unsigned q;
    bool incomplete;
    fpu_set_cc(f, FSW_C2 | FSW_C1, 0);
    if (!fpx_need_regs(f, 0, 1, 0, false))
        return 0;
    struct sf_env env = fpu_env(f, false);
    struct fx80 a = fpu_st(f, 0), b = fpu_st(f, 1);
    struct fx80 r = sf80_rem(&env, a, b, x->reg == 6, &q, &incomplete);
    if (!fpx_apply_flags(f, &env))
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
    fpx_set_c1(f, env);
    if (!fpx_apply_flags(f, env))
        return;
    fpu_set_st(f, 0, st1);
    fpu_push(f, st0);
}

uint32_t fpx_r_fxtract(struct fpx *x)
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

uint32_t fpx_r_fptan(struct fpx *x)
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

uint32_t fpx_r_fsincos(struct fpx *x)
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
uint32_t fpx_r_fsin_fcos(struct fpx *x)
{
    struct fpu *f = x->f;
    struct fx80 s, c;
    if (!fpx_need_regs(f, 0, 0, 0, false))
        return 0;
    struct sf_env env = fpu_env(f, false);
    bool sin = x->rm == 6;
    if (trig_range(f, sf80_sincos(&env, fpu_st(f, 0), sin ? &s : NULL, sin ? NULL : &c)))
        fpx_commit(f, &env, 0, sin ? s : c, false);
    return 0;
}

uint32_t fpx_r_nop(struct fpx *x)
{
    return 0;
}
