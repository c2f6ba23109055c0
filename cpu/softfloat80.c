/* Software IEEE 754 double-extended arithmetic with the x87's operand rules
 * and masked/unmasked responses: classification, NaN propagation, rounding
 * and packing; the operations are in softfloat80_arith/conv/scale.c.
 * Intel SDM vol. 1 4.8-4.9 (special values, exceptions), 8.1.5 (precision
 * and rounding control), 8.5 (x87 exceptions). */
#include "softfloat80.h"
#include "softfloat80_internal.h"

/* SDM vol. 1 4.9.1.5: the x87 detects tininess before rounding. */
#define TININESS_BEFORE_ROUNDING 1
/* SDM vol. 1 4.9.1.4-5: bias adjustment of unmasked overflow/underflow results */
#define WRAP_BIAS 24576

/* ---- classification ---- */

enum sf_class sf80_classify(struct fx80 a)
{
    int32_t e = fx80_exp(a);
    if (e == SF_EXP_MAX) {
        if (!(a.sig & J_BIT))
            return SF_CL_UNSUPPORTED;
        return (a.sig << 1) ? SF_CL_NAN : SF_CL_INF;
    }
    if (e == 0)
        return a.sig ? SF_CL_DENORMAL : SF_CL_ZERO;
    return (a.sig & J_BIT) ? SF_CL_NORMAL : SF_CL_UNSUPPORTED;
}

bool sf80_is_snan(struct fx80 a)
{
    return sf80_classify(a) == SF_CL_NAN && !(a.sig & QUIET_BIT);
}

struct fx80 sf80_indefinite(void)
{
    return fx80_make(true, SF_EXP_MAX, J_BIT | QUIET_BIT);
}

struct fx80 sf80_quiet(struct fx80 a)
{
    a.sig |= QUIET_BIT;
    return a;
}

struct fx80 sf80_invalid(struct sf_env *env)
{
    env->flags |= SF_IE;
    return sf80_indefinite();
}

struct fx80 sf80_inf(bool sign)
{
    return fx80_make(sign, SF_EXP_MAX, J_BIT);
}

/* SDM vol. 1 table 4-7 (x87 column): an SNaN is made quiet; of two NaNs a
 * QNaN beats an SNaN, else the larger significand wins. */
struct fx80 sf80_propagate_nan(struct sf_env *env, struct fx80 a, struct fx80 b)
{
    bool an = sf80_classify(a) == SF_CL_NAN, bn = sf80_classify(b) == SF_CL_NAN;
    bool as = an && !(a.sig & QUIET_BIT), bs = bn && !(b.sig & QUIET_BIT);
    if (as || bs)
        env->flags |= SF_IE;
    if (!bn)
        return sf80_quiet(a);
    if (!an)
        return sf80_quiet(b);
    if (as != bs)
        return as ? b : a;
    a = sf80_quiet(a);
    b = sf80_quiet(b);
    if (a.sig != b.sig)
        return a.sig > b.sig ? a : b;
    return a.se < b.se ? a : b;
}

struct unp sf80_unpack(struct fx80 a)
{
    struct unp u = { fx80_sign(a), fx80_exp(a), a.sig };
    if (u.exp == 0) {
        /* denormal: value sig * 2^(1 - bias - 63); pseudo-denormals have J set */
        unsigned n = clz64(u.sig);
        u.exp = 1 - (int32_t)n;
        u.sig <<= n;
    }
    return u;
}

/* DE for a denormal operand. True when DE is unmasked: a pre-computation
 * exception, the operation goes no further (SDM vol. 1 8.7). */
bool sf80_denormal_stop(struct sf_env *env, enum sf_class a, enum sf_class b)
{
    if (a != SF_CL_DENORMAL && b != SF_CL_DENORMAL && !env->denormal_in)
        return false;
    env->flags |= SF_DE;
    return !(env->masks & SF_DE);
}

/* ---- rounding ---- */

/* Round sig (then the bits of extra below it) to its top prec bits. Sets
 * *inexact and returns true when the result was incremented. A carry out of
 * bit 63 leaves sig = J_BIT and sets *carry. */
bool sf80_round_sig(const struct sf_env *env, bool sign, unsigned prec, uint64_t *sig,
                    uint64_t extra, bool *inexact, bool *carry)
{
    unsigned shift = 64 - prec;
    uint64_t d_hi = shift ? (*sig << (64 - shift)) | (extra >> shift) : extra;
    uint64_t d_lo = shift ? extra << (64 - shift) : 0;
    uint64_t kept = shift ? *sig >> shift : *sig;
    bool half = d_hi == J_BIT && !d_lo, above = d_hi > J_BIT || (d_hi == J_BIT && d_lo);
    bool incr = false;

    *inexact = d_hi || d_lo;
    *carry = false;
    switch (env->rc) {
    case SF_RC_NEAR: incr = above || (half && (kept & 1)); break;
    case SF_RC_DOWN: incr = *inexact && sign; break;
    case SF_RC_UP: incr = *inexact && !sign; break;
    default: break;
    }
    if (incr) {
        kept++;
        if (prec == 64 ? kept == 0 : (kept >> prec) != 0) {
            *carry = true;
            *sig = J_BIT;
            return true;
        }
    }
    *sig = shift ? kept << shift : kept;
    return incr;
}

static void overflow_result(struct sf_env *env, const struct rfmt *f, struct unp *u)
{
    bool to_inf = env->rc == SF_RC_NEAR || (env->rc == SF_RC_UP && !u->sign) ||
                  (env->rc == SF_RC_DOWN && u->sign);
    env->flags |= SF_OE | SF_PE;
    env->c1 = to_inf;
    if (to_inf) {
        u->exp = f->emax;
        u->sig = J_BIT;
    } else {
        u->exp = f->emax - 1;
        u->sig = ~0ull << (64 - f->prec);
    }
}

/* Is (sig, extra) at biased exponent exp <= 0 tiny (SDM vol. 1 4.9.1.5)? */
static bool is_tiny(const struct sf_env *env, const struct rfmt *f, bool sign, int32_t exp,
                    uint64_t sig, uint64_t extra)
{
    bool inexact, carry;
    if (TININESS_BEFORE_ROUNDING || exp < 0)
        return true;
    sf80_round_sig(env, sign, f->prec, &sig, extra, &inexact, &carry);
    return !carry;
}

static void round_denormal(struct sf_env *env, const struct rfmt *f, struct unp *u,
                           uint64_t extra, bool tiny)
{
    struct u128 v = u128_shr_jam(u128_make(u->sig, extra), (unsigned)(1 - u->exp));
    bool inexact, carry;
    u->sig = v.hi;
    env->c1 = sf80_round_sig(env, u->sign, f->prec, &u->sig, v.lo, &inexact, &carry);
    u->exp = (u->sig & J_BIT) ? 1 : 0;
    if (inexact)
        env->flags |= SF_PE | (tiny ? SF_UE : 0);
}

/* Round to format f; u->exp biased in f's bias. Returns the packed-ready
 * (sign, exp, sig): exp 0 with J clear for denormals, emax for infinity. */
struct unp sf80_round_fmt(struct sf_env *env, const struct rfmt *f, struct unp u,
                          uint64_t extra)
{
    bool inexact, carry;
    if (!u.sig && !extra)
        return (struct unp){ u.sign, 0, 0 };
    if (!(u.sig & J_BIT)) {
        struct u128 v = u128_make(u.sig, extra);
        unsigned n = u128_clz(v);
        v = u128_shl(v, n);
        u.sig = v.hi;
        extra = v.lo;
        u.exp -= (int32_t)n;
    }
    if (u.exp <= 0) {
        bool tiny = is_tiny(env, f, u.sign, u.exp, u.sig, extra);
        if (!tiny || (env->masks & SF_UE)) {
            round_denormal(env, f, &u, extra, tiny);
            return u;
        }
        env->flags |= SF_UE;
        u.exp += f->wrap;
        if (u.exp <= 0 && f->wrap) {
            /* beyond the bias adjustment too: a zero */
            env->flags |= SF_PE;
            env->c1 = false;
            return (struct unp){ u.sign, 0, 0 };
        }
    }
    env->c1 = sf80_round_sig(env, u.sign, f->prec, &u.sig, extra, &inexact, &carry);
    u.exp += carry;
    if (inexact)
        env->flags |= SF_PE;
    if (u.exp >= f->emax) {
        if (env->masks & SF_OE) {
            overflow_result(env, f, &u);
            return u;
        }
        env->flags |= SF_OE;
        u.exp -= f->wrap;
        if (u.exp >= f->emax && f->wrap) {
            /* beyond the bias adjustment too: an infinity whatever RC says */
            env->flags |= SF_PE;
            env->c1 = true;
            return (struct unp){ u.sign, f->emax, J_BIT };
        }
    }
    return u;
}

static struct rfmt ext_fmt(unsigned prec)
{
    return (struct rfmt){ prec, SF_EXP_BIAS, SF_EXP_MAX, WRAP_BIAS };
}

struct fx80 sf80_pack_ext(struct sf_env *env, unsigned prec, struct unp u, uint64_t extra)
{
    struct rfmt f = ext_fmt(prec);
    u = sf80_round_fmt(env, &f, u, extra);
    return fx80_make(u.sign, u.exp & SF_EXP_MAX, u.sig);
}

struct fx80 sf80_round_pack(struct sf_env *env, bool sign, int32_t exp, uint64_t sig,
                            uint64_t extra)
{
    return sf80_pack_ext(env, env->prec, (struct unp){ sign, exp, sig }, extra);
}

/* A finite operand passed through rounding at the current precision. */
struct fx80 sf80_round_operand(struct sf_env *env, struct fx80 a, bool sign)
{
    struct unp u = sf80_unpack(a);
    u.sign = sign;
    return sf80_pack_ext(env, env->prec, u, 0);
}
