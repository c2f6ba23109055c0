/* x87 loads, stores and register moves: FLD/FILD/FBLD, FST(P)/FIST(P)/FBSTP,
 * FXCH, FFREE, FCMOVcc. Intel SDM vol. 2 (each instruction), vol. 1 8.5.1
 * (stack overflow and underflow). */
#include "fpu.h"
#include "fpu_exec.h"

/* ---- loads and stores ---- */

static const uint8_t load_mtype[8] = {
    [1] = MT_F32, [3] = MT_I32, [5] = MT_F64, [7] = MT_I16,
};

/* FLD m32/m64, FILD m16/m32 (reg 0) */
uint32_t fpx_m_fld(struct fpx *x)
{
    struct sf_env env = fpu_env(x->f, false);
    struct fx80 v = fpx_read_operand(x, load_mtype[x->esc], &env, true);
    fpx_push_value(x->f, &env, v);
    return 0;
}

/* FLD m80 (DB /5), FBLD (DF /4), FILD m64 (DF /5) */
uint32_t fpx_m_fld_wide(struct fpx *x)
{
    enum mtype t = x->esc == 3 ? MT_F80 : x->reg == 4 ? MT_BCD : MT_I64;
    struct sf_env env = fpu_env(x->f, false);
    struct fx80 v = fpx_read_operand(x, t, &env, true);
    fpx_push_value(x->f, &env, v);
    return 0;
}

/* Masked response to storing from an empty ST(0) (SDM 8.5.1.2). */
static void indefinite_image(enum mtype t, uint8_t *b)
{
    struct sf_env env = { 0 };
    fpx_convert_store(t, &env, sf80_indefinite(), b);
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
        fpx_mem_write(x, b, fpx_mtype_size[t]);
        fpu_stack_fault(f, false);
    } else {
        fpx_convert_store(t, &env, fpu_st(f, 0), b);
        /* unmasked invalid, overflow, underflow: nothing stored, and no
         * precision exception reported either */
        if (!(env.flags & ~env.masks & (SF_IE | SF_OE | SF_UE))) {
            fpx_mem_write(x, b, fpx_mtype_size[t]);
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
uint32_t fpx_m_fst(struct fpx *x)
{
    store_st0(x, store_mtype[x->esc], x->reg == 3);
    return 0;
}

/* FSTP m80 (DB /7), FBSTP (DF /6), FISTP m64 (DF /7) */
uint32_t fpx_m_fstp_wide(struct fpx *x)
{
    store_st0(x, x->esc == 3 ? MT_F80 : x->reg == 6 ? MT_BCD : MT_I64, true);
    return 0;
}

/* FLD ST(i): copies the register as is (no SNaN check, SDM FLD) */
uint32_t fpx_r_fld(struct fpx *x)
{
    struct fpu *f = x->f;
    struct sf_env env = fpu_env(f, false);
    if (fpu_empty(f, x->rm)) {
        if (fpu_stack_fault(f, false))
            fpu_push(f, sf80_indefinite());
        return 0;
    }
    fpx_push_value(f, &env, fpu_st(f, x->rm));
    return 0;
}

/* FST/FSTP ST(i) (DD /2 /3 and the D9 D8+i, DF D0+i, DF D8+i aliases) */
uint32_t fpx_r_fst(struct fpx *x)
{
    struct fpu *f = x->f;
    bool pop = !(x->esc == 5 && x->reg == 2);
    fpu_set_cc(f, FSW_C1, 0);
    if (!fpx_need_regs(f, 0, 0, x->rm, pop))
        return 0;
    fpu_set_st(f, x->rm, fpu_st(f, 0));
    if (pop)
        fpu_pop(f);
    return 0;
}

/* FXCH ST(i) (D9 /1 and the DD /1, DF /1 aliases) */
uint32_t fpx_r_fxch(struct fpx *x)
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
uint32_t fpx_r_ffree(struct fpx *x)
{
    fpu_set_cc(x->f, FSW_C1, 0);
    fpu_free(x->f, x->rm);
    if (x->esc == 7)
        fpu_pop(x->f);
    return 0;
}

/* FCMOVcc ST(0), ST(i) (DA/DB /0-/3) */
uint32_t fpx_r_fcmov(struct fpx *x)
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
