/* x87 conversions: rounding to integer (FRNDINT, FIST), integer, single,
 * double and packed BCD to and from double-extended. Intel SDM vol. 1 4.2,
 * 4.7 (formats), 4.9 (exceptions); vol. 2 FLD/FST/FIST/FBLD/FBSTP. */
#include <string.h>

#include "softfloat80.h"
#include "softfloat80_internal.h"

/* ---- integer rounding ---- */

/* Round finite nonzero x to an integer with env->rc: sig is the integer
 * magnitude (0 .. 2^64-1) when *big is false; *big when |x| >= 2^64. */
static uint64_t round_to_integer(struct sf_env *env, struct unp x, bool *inexact, bool *big)
{
    int32_t e = x.exp - SF_EXP_BIAS;
    bool carry = false;
    *inexact = false;
    *big = e > 63;
    if (*big || e == 63)
        return x.sig;
    if (e < 0) {
        /* |x| < 1: the fraction below a one-bit integer part */
        struct u128 v = u128_shr_jam(u128_make(x.sig, 0), (unsigned)(-e));
        env->c1 = sf80_round_sig(env, x.sign, 1, &v.hi, v.lo, inexact, &carry);
        return v.hi >> 63;
    }
    uint64_t sig = x.sig;
    env->c1 = sf80_round_sig(env, x.sign, (unsigned)e + 1, &sig, 0, inexact, &carry);
    if (carry) {
        if (e == 62) {
            *big = false;
            return J_BIT;
        }
        return 1ull << (e + 1);
    }
    return sig >> (63 - e);
}

struct fx80 sf80_round_int(struct sf_env *env, struct fx80 a)
{
    enum sf_class ca = sf80_classify(a);
    bool inexact, big;
    if (ca == SF_CL_UNSUPPORTED)
        return sf80_invalid(env);
    if (ca == SF_CL_NAN)
        return sf80_propagate_nan(env, a, a);
    if (ca == SF_CL_INF || ca == SF_CL_ZERO)
        return a;
    if (sf80_denormal_stop(env, ca, ca))
        return a;
    struct unp x = sf80_unpack(a);
    uint64_t m = round_to_integer(env, x, &inexact, &big);
    if (inexact)
        env->flags |= SF_PE;
    if (big)
        return fx80_make(x.sign, x.exp, x.sig);
    if (!m)
        return fx80_make(x.sign, 0, 0);
    unsigned n = clz64(m);
    return fx80_make(x.sign, SF_EXP_BIAS + 63 - (int32_t)n, m << n);
}

struct fx80 sf80_from_int(int64_t v)
{
    bool sign = v < 0;
    uint64_t m = sign ? 0 - (uint64_t)v : (uint64_t)v;
    if (!m)
        return fx80_make(false, 0, 0);
    unsigned n = clz64(m);
    return fx80_make(sign, SF_EXP_BIAS + 63 - (int32_t)n, m << n);
}

int64_t sf80_to_int(struct sf_env *env, struct fx80 a, unsigned bits)
{
    enum sf_class ca = sf80_classify(a);
    int64_t indefinite = (int64_t)(UINT64_MAX << (bits - 1));
    bool inexact, big;
    if (ca == SF_CL_ZERO)
        return 0;
    if (ca != SF_CL_NORMAL && ca != SF_CL_DENORMAL) {
        env->flags |= SF_IE;
        return indefinite;
    }
    /* SDM FIST: no #D for a denormal source */
    struct unp x = sf80_unpack(a);
    uint64_t m = round_to_integer(env, x, &inexact, &big);
    uint64_t limit = (1ull << (bits - 1)) - !x.sign;
    if (big || m > limit) {
        env->flags |= SF_IE;
        env->c1 = false;
        return indefinite;
    }
    if (inexact)
        env->flags |= SF_PE;
    return x.sign ? (int64_t)(0 - m) : (int64_t)m;
}

/* ---- single and double precision memory formats ---- */

struct mem_fmt {
    unsigned frac_bits, exp_bits;
    int32_t bias;
};

static const struct mem_fmt fmt_f32 = { 23, 8, 127 };
static const struct mem_fmt fmt_f64 = { 52, 11, 1023 };

static struct fx80 from_mem(struct sf_env *env, uint64_t v, const struct mem_fmt *m, bool load)
{
    bool sign = (v >> (m->frac_bits + m->exp_bits)) & 1;
    int32_t emax = (1 << m->exp_bits) - 1;
    int32_t e = (int32_t)((v >> m->frac_bits) & (uint64_t)emax);
    uint64_t frac = v & ((1ull << m->frac_bits) - 1);
    unsigned up = 63 - m->frac_bits;
    if (e == emax) {
        if (!frac)
            return sf80_inf(sign);
        if (!load)
            return fx80_make(sign, SF_EXP_MAX, J_BIT | (frac << up));
        if (!(frac >> (m->frac_bits - 1)))
            env->flags |= SF_IE;
        return fx80_make(sign, SF_EXP_MAX, J_BIT | QUIET_BIT | (frac << up));
    }
    if (e == 0) {
        if (!frac)
            return fx80_make(sign, 0, 0);
        env->flags |= SF_DE;
        unsigned n = clz64(frac);
        /* frac * 2^(1 - bias - frac_bits) with frac << n normalised */
        return fx80_make(sign, 1 - m->bias - (int32_t)m->frac_bits + 63 - (int32_t)n + SF_EXP_BIAS,
                         frac << n);
    }
    return fx80_make(sign, e - m->bias + SF_EXP_BIAS, J_BIT | (frac << up));
}

struct fx80 sf80_from_f32(struct sf_env *env, uint32_t v, bool load)
{
    return from_mem(env, v, &fmt_f32, load);
}

struct fx80 sf80_from_f64(struct sf_env *env, uint64_t v, bool load)
{
    return from_mem(env, v, &fmt_f64, load);
}

static uint64_t to_mem(struct sf_env *env, struct fx80 a, const struct mem_fmt *m)
{
    enum sf_class ca = sf80_classify(a);
    uint64_t sign = (uint64_t)fx80_sign(a) << (m->frac_bits + m->exp_bits);
    uint64_t emax = (1ull << m->exp_bits) - 1;
    unsigned down = 63 - m->frac_bits;
    uint64_t frac_mask = (1ull << m->frac_bits) - 1;
    if (ca == SF_CL_UNSUPPORTED) {
        env->flags |= SF_IE;
        return (1ull << (m->frac_bits + m->exp_bits)) | (emax << m->frac_bits) |
               (1ull << (m->frac_bits - 1));
    }
    if (ca == SF_CL_NAN) {
        if (!(a.sig & QUIET_BIT))
            env->flags |= SF_IE;
        return sign | (emax << m->frac_bits) | (((a.sig | QUIET_BIT) >> down) & frac_mask);
    }
    if (ca == SF_CL_INF)
        return sign | (emax << m->frac_bits);
    if (ca == SF_CL_ZERO)
        return sign;
    /* SDM FST: no #D for a denormal source */
    struct rfmt f = { m->frac_bits + 1, m->bias, (int32_t)emax, 0 };
    struct unp u = sf80_unpack(a);
    u.exp += m->bias - SF_EXP_BIAS;
    u = sf80_round_fmt(env, &f, u, 0);
    return sign | ((uint64_t)u.exp << m->frac_bits) | ((u.sig >> down) & frac_mask);
}

uint32_t sf80_to_f32(struct sf_env *env, struct fx80 a)
{
    return (uint32_t)to_mem(env, a, &fmt_f32);
}

uint64_t sf80_to_f64(struct sf_env *env, struct fx80 a)
{
    return to_mem(env, a, &fmt_f64);
}

/* ---- packed BCD ---- */

struct fx80 sf80_from_bcd(const uint8_t bcd[10])
{
    uint64_t v = 0;
    for (int i = 8; i >= 0; i--)
        v = (v * 10 + (bcd[i] >> 4)) * 10 + (bcd[i] & 15);
    struct fx80 r = sf80_from_int((int64_t)v);
    if (bcd[9] & 0x80)
        r.se |= 0x8000;
    return r;
}

static void bcd_indefinite(struct sf_env *env, uint8_t bcd[10])
{
    /* SDM vol. 1 table 4-4: packed BCD integer indefinite */
    env->flags |= SF_IE;
    memset(bcd, 0, 10);
    bcd[9] = 0xFF;
    bcd[8] = 0xFF;
    bcd[7] = 0xC0;
}

void sf80_to_bcd(struct sf_env *env, struct fx80 a, uint8_t bcd[10])
{
    enum sf_class ca = sf80_classify(a);
    uint64_t m = 0;
    bool inexact = false, big = false;
    if (ca == SF_CL_UNSUPPORTED || ca == SF_CL_NAN || ca == SF_CL_INF) {
        bcd_indefinite(env, bcd);
        return;
    }
    if (ca != SF_CL_ZERO) {
        m = round_to_integer(env, sf80_unpack(a), &inexact, &big);
        if (big || m > 999999999999999999ull) {
            env->c1 = false;
            bcd_indefinite(env, bcd);
            return;
        }
    }
    if (inexact)
        env->flags |= SF_PE;
    for (int i = 0; i < 9; i++) {
        uint8_t lo = (uint8_t)(m % 10);
        m /= 10;
        bcd[i] = (uint8_t)(lo | (m % 10) << 4);
        m /= 10;
    }
    bcd[9] = fx80_sign(a) ? 0x80 : 0;
}
