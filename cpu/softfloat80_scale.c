/* x87 exponent and remainder operations: FSCALE, FXTRACT, FPREM, FPREM1.
 * Intel SDM vol. 2 (each instruction's table of results), vol. 1 4.9. */
#include "softfloat80.h"
#include "softfloat80_internal.h"

/* ---- FSCALE, FXTRACT, FPREM/FPREM1 ---- */

/* trunc(b) for FSCALE, clamped: beyond +-2^16 every result over/underflows */
static int32_t scale_count(struct fx80 b)
{
    if (sf80_classify(b) == SF_CL_ZERO)
        return 0;
    struct unp y = sf80_unpack(b);
    int32_t e = y.exp - SF_EXP_BIAS, n;
    if (e < 0)
        return 0;
    n = e >= 16 ? 0x10000 : (int32_t)(y.sig >> (63 - e));
    return y.sign ? -n : n;
}

struct fx80 sf80_scale(struct sf_env *env, struct fx80 a, struct fx80 b)
{
    enum sf_class ca = sf80_classify(a), cb = sf80_classify(b);
    if (ca == SF_CL_UNSUPPORTED || cb == SF_CL_UNSUPPORTED)
        return sf80_invalid(env);
    if (ca == SF_CL_NAN || cb == SF_CL_NAN)
        return sf80_propagate_nan(env, a, b);
    if (sf80_denormal_stop(env, ca, cb))
        return a;
    if (cb == SF_CL_INF) {
        /* SDM FSCALE table: 0 * 2^+inf and inf * 2^-inf are sf80_invalid */
        if (!fx80_sign(b))
            return ca == SF_CL_ZERO ? sf80_invalid(env) : sf80_inf(fx80_sign(a));
        return ca == SF_CL_INF ? sf80_invalid(env) : fx80_make(fx80_sign(a), 0, 0);
    }
    if (ca == SF_CL_INF || ca == SF_CL_ZERO)
        return a;
    struct unp x = sf80_unpack(a);
    x.exp += scale_count(b);
    return sf80_pack_ext(env, 64, x, 0);
}

struct fx80 sf80_extract(struct sf_env *env, struct fx80 a, struct fx80 *exp_out)
{
    enum sf_class ca = sf80_classify(a);
    switch (ca) {
    case SF_CL_UNSUPPORTED:
        *exp_out = sf80_invalid(env);
        return *exp_out;
    case SF_CL_NAN:
        *exp_out = sf80_propagate_nan(env, a, a);
        return *exp_out;
    case SF_CL_ZERO:
        /* SDM FXTRACT: a zero source raises #Z and gives -inf as exponent */
        env->flags |= SF_ZE;
        *exp_out = sf80_inf(true);
        return a;
    case SF_CL_INF:
        *exp_out = sf80_inf(false);
        return a;
    default:
        break;
    }
    if (sf80_denormal_stop(env, ca, ca))
        return a;
    struct unp x = sf80_unpack(a);
    *exp_out = sf80_from_int(x.exp - SF_EXP_BIAS);
    return fx80_make(x.sign, SF_EXP_BIAS, x.sig);
}

/* FPREM1 with |b|/2 < |a| < |b| (exponent difference -1): quotient 1. */
static struct fx80 rem_near_half(struct sf_env *env, struct unp x, struct unp y, unsigned *q)
{
    struct u128 d = u128_sub(u128_make(y.sig >> 63, y.sig << 1), u128_make(0, x.sig));
    unsigned n = u128_clz(d);
    d = u128_shl(d, n);
    *q = 1;
    return sf80_pack_ext(env, 64, (struct unp){ !x.sign, x.exp + 64 - (int32_t)n, d.hi }, d.lo);
}

/* Long division of x.sig * 2^steps by y.sig: remainder, quotient bits in *qq. */
static uint64_t rem_divide(uint64_t xs, uint64_t ys, int32_t steps, uint64_t *qq)
{
    uint64_t r = xs, q = 0;
    if (r >= ys) {
        r -= ys;
        q = 1;
    }
    for (int32_t i = 0; i < steps; i++) {
        bool top = r >> 63;
        r <<= 1;
        q <<= 1;
        if (top || r >= ys) {
            r -= ys;
            q |= 1;
        }
    }
    *qq = q;
    return r;
}

struct fx80 sf80_rem(struct sf_env *env, struct fx80 a, struct fx80 b, bool nearest,
                     unsigned *q, bool *incomplete)
{
    enum sf_class ca = sf80_classify(a), cb = sf80_classify(b);
    *q = 0;
    *incomplete = false;
    if (ca == SF_CL_UNSUPPORTED || cb == SF_CL_UNSUPPORTED)
        return sf80_invalid(env);
    if (ca == SF_CL_NAN || cb == SF_CL_NAN)
        return sf80_propagate_nan(env, a, b);
    if (ca == SF_CL_INF || cb == SF_CL_ZERO)
        return sf80_invalid(env);
    if (sf80_denormal_stop(env, ca, cb))
        return a;
    if (ca == SF_CL_ZERO)
        return a;
    if (cb == SF_CL_INF)
        return sf80_pack_ext(env, 64, sf80_unpack(a), 0);
    struct unp x = sf80_unpack(a), y = sf80_unpack(b);
    int32_t d = x.exp - y.exp, steps = d;
    if (d < 0) {
        if (nearest && d == -1 && x.sig > y.sig)
            return rem_near_half(env, x, y, q);
        return sf80_pack_ext(env, 64, x, 0);
    }
    /* SDM FPREM: when D >= 64 only a partial reduction by N (32..63) bits */
    if (d >= 64) {
        *incomplete = true;
        steps = 32 | (d & 31);
    }
    uint64_t qq, r = rem_divide(x.sig, y.sig, steps, &qq);
    bool sign = x.sign;
    if (nearest && !*incomplete) {
        bool above = (r >> 63) || (r << 1) > y.sig, half = !(r >> 63) && (r << 1) == y.sig;
        if (above || (half && (qq & 1))) {
            r = y.sig - r;
            qq++;
            sign = !sign;
        }
    }
    *q = (unsigned)(qq & 7);
    if (!r)
        return fx80_make(x.sign, 0, 0);
    unsigned n = clz64(r);
    return sf80_pack_ext(env, 64, (struct unp){ sign, y.exp + d - steps - (int32_t)n, r << n }, 0);
}
