/* x87 arithmetic and comparison instructions: FADD..FDIVR, FCOM(P)(P),
 * FUCOM(P)(P), FCOMI/FUCOMI(P), their integer-operand forms.
 * Intel SDM vol. 2 (each instruction), vol. 1 8.1.3 (condition codes). */
#include "cpu.h"
#include "fpu.h"
#include "fpu_exec.h"

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

void fpx_compare(struct fpu *f, struct fx80 a, struct fx80 b, bool quiet, unsigned pops)
{
    struct sf_env env = fpu_env(f, false);
    enum sf_cmp r = sf80_compare(&env, a, b, quiet);
    /* the condition codes are written even when the exception is unmasked */
    fpu_set_cc(f, FSW_CC, cmp_cc[r]);
    if (!fpx_apply_flags(f, &env))
        return;
    while (pops--)
        fpu_pop(f);
}

/* Compare with an empty operand: masked response "unordered". */
bool fpx_compare_regs_ok(struct fpu *f, unsigned i, unsigned pops)
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
uint32_t fpx_m_arith(struct fpx *x)
{
    struct fpu *f = x->f;
    struct sf_env env = fpu_env(f, true), conv = env;
    struct fx80 m = fpx_read_operand(x, arith_mtype[x->esc], &conv, false);
    /* a denormal single/double operand raises DE where the operation checks
     * for denormals, as a register operand would */
    env.denormal_in = conv.flags & SF_DE;
    if (x->reg == AR_COM || x->reg == AR_COMP) {
        unsigned pops = x->reg == AR_COMP;
        if (!fpx_compare_regs_ok(f, 0, pops))
            return 0;
        enum sf_cmp r = sf80_compare(&env, fpu_st(f, 0), m, false);
        fpu_set_cc(f, FSW_CC, cmp_cc[r]);
        if (fpx_apply_flags(f, &env) && pops)
            fpu_pop(f);
        return 0;
    }
    if (fpx_need_regs(f, 0, 0, 0, false))
        fpx_commit(f, &env, 0, arith(&env, x->reg, fpu_st(f, 0), m), false);
    return 0;
}

/* D8 ST(0) op= ST(i); DC/DE ST(i) op= ST(0) (DE pops), where the
 * subtract/divide pairs swap: DC E0+i is FSUBR ST(i), ST(0) (SDM vol. 2). */
uint32_t fpx_r_arith(struct fpx *x)
{
    struct fpu *f = x->f;
    bool to_sti = x->esc != 0, pop = x->esc == 6;
    unsigned op = to_sti && x->reg >= AR_SUB ? x->reg ^ 1 : x->reg;
    unsigned dst = to_sti ? x->rm : 0, src = to_sti ? 0 : x->rm;
    if (!fpx_need_regs(f, dst, src, dst, pop))
        return 0;
    struct sf_env env = fpu_env(f, true);
    fpx_commit(f, &env, dst, arith(&env, op, fpu_st(f, dst), fpu_st(f, src)), pop);
    return 0;
}

/* FCOM/FCOMP ST(i) (D8, DC, DE D0+i aliases), FUCOM/FUCOMP (DD) */
uint32_t fpx_r_com(struct fpx *x)
{
    bool quiet = x->esc == 5;
    unsigned pops = quiet ? x->reg == 5 : (x->reg == AR_COMP || x->esc == 6);
    if (fpx_compare_regs_ok(x->f, x->rm, pops))
        fpx_compare(x->f, fpu_st(x->f, 0), fpu_st(x->f, x->rm), quiet, pops);
    return 0;
}

/* FCOMPP (DE D9), FUCOMPP (DA E9) */
uint32_t fpx_r_compp(struct fpx *x)
{
    if (fpx_compare_regs_ok(x->f, 1, 2))
        fpx_compare(x->f, fpu_st(x->f, 0), fpu_st(x->f, 1), x->esc == 2, 2);
    return 0;
}

/* FCOMI/FUCOMI (DB), FCOMIP/FUCOMIP (DF): ZF PF CF like FCOM's C3 C2 C0,
 * OF SF AF cleared, "unordered" also for an exception (the x86-64 oracle
 * writes EFLAGS even when IE is unmasked). C1 is left as it was (the SDM
 * says cleared; the oracle keeps it). */
uint32_t fpx_r_comi(struct fpx *x)
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
        pop &= fpx_apply_flags(f, &env);
    }
    cpu_set_eflags(x->cpu, fl[r], EFLAGS_ARITH);
    if (pop)
        fpu_pop(f);
    return 0;
}
