/* x87 transcendental instructions (F2XM1, FYL2X, FYL2XP1, FPATAN, FSIN,
 * FCOS, FSINCOS, FPTAN) in the project's own wide arithmetic: a 128-bit
 * significand with an unbounded exponent, series evaluated to about 2^-90
 * relative error, arguments of the trigonometric functions reduced exactly
 * against a 256-bit 2/pi (Payne-Hanek), one final rounding to 64 bits with
 * RC. Results are within 1 ulp of the exact value (correctly rounded except
 * when the exact value lies within ~2^-90 of a rounding boundary). Special
 * operands follow the result tables of SDM vol. 2 for each instruction. */
#include "softfloat80.h"

/* value = (-1)^sign * sig * 2^(exp - 127); sig normalised (bit 127 set), or
 * zero (sig == 0). */
struct xf {
    struct u128 sig;
    int32_t exp;
    bool sign;
};

/* 2/pi * 2^256, most significant word first */
static const uint64_t two_over_pi[4] = {
    0xA2F9836E4E441529ull, 0xFC2757D1F534DDC0ull, 0xDB6295993C439041ull, 0xFE5163ABDEBBC561ull,
};
/* pi/2, ln 2 and log2(e) as 128-bit significands: pi/2 = PIO2 * 2^-127,
 * ln 2 = LN2 * 2^-128, log2(e) = LOG2E * 2^-127 */
static const struct xf XF_PIO2 = { { 0xC90FDAA22168C234ull, 0xC4C6628B80DC1CD1ull }, 0, false };
static const struct xf XF_LN2 = { { 0xB17217F7D1CF79ABull, 0xC9E3B39803F2F6AFull }, -1, false };
static const struct xf XF_LOG2E = { { 0xB8AA3B295C17F0BBull, 0xBE87FED0691D3E88ull }, 0, false };
static const struct xf XF_ONE = { { 1ull << 63, 0 }, 0, false };
/* sqrt(2) * 2^63, the split point of the logarithm's reduction */
static const uint64_t SQRT2_SIG = 0xB504F333F9DE6484ull;

/* ---- wide arithmetic ---- */

static struct xf xf_norm(bool sign, int32_t exp, struct u128 sig)
{
    unsigned n = u128_clz(sig);
    if (n == 128)
        return (struct xf){ sig, 0, sign };
    return (struct xf){ u128_shl(sig, n), exp - (int32_t)n, sign };
}

static bool xf_is_zero(struct xf a)
{
    return u128_is_zero(a.sig);
}

static struct xf xf_neg(struct xf a)
{
    a.sign = !a.sign;
    return a;
}

static struct xf xf_ldexp(struct xf a, int32_t n)
{
    a.exp += n;
    return a;
}

static struct xf xf_from_int(int64_t v)
{
    uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    return xf_norm(v < 0, 127, u128_make(0, m));
}

/* A finite nonzero extended value (denormals normalised). */
static struct xf xf_from80(struct fx80 a)
{
    int32_t e = fx80_exp(a) ? fx80_exp(a) : 1;
    return xf_norm(fx80_sign(a), e - SF_EXP_BIAS + 64, u128_make(0, a.sig));
}

static struct fx80 xf_to80(struct sf_env *env, struct xf a)
{
    if (xf_is_zero(a))
        return fx80_make(a.sign, 0, 0);
    return sf80_round_pack(env, a.sign, a.exp + SF_EXP_BIAS, a.sig.hi, a.sig.lo);
}

static struct xf xf_add(struct xf a, struct xf b)
{
    if (xf_is_zero(a))
        return b;
    if (xf_is_zero(b))
        return a;
    if (b.exp > a.exp || (b.exp == a.exp && u128_lt(a.sig, b.sig))) {
        struct xf t = a;
        a = b;
        b = t;
    }
    /* one bit of headroom for the carry */
    struct u128 x = u128_shr_jam(a.sig, 1);
    struct u128 y = u128_shr_jam(b.sig, (unsigned)(a.exp - b.exp) + 1);
    struct u128 r = a.sign == b.sign ? u128_add(x, y) : u128_sub(x, y);
    return xf_norm(a.sign, a.exp + 1, r);
}

static struct xf xf_sub(struct xf a, struct xf b)
{
    return xf_add(a, xf_neg(b));
}

static struct xf xf_mul(struct xf a, struct xf b)
{
    bool sign = a.sign ^ b.sign;
    if (xf_is_zero(a) || xf_is_zero(b))
        return (struct xf){ u128_make(0, 0), 0, sign };
    struct u128 hh = u128_mul64(a.sig.hi, b.sig.hi), hl = u128_mul64(a.sig.hi, b.sig.lo);
    struct u128 lh = u128_mul64(a.sig.lo, b.sig.hi), ll = u128_mul64(a.sig.lo, b.sig.lo);
    /* middle 128 bits, then the top 128 with the carries out of the middle */
    struct u128 mid = u128_add(u128_make(0, hl.hi), u128_make(0, lh.hi));
    mid = u128_add(mid, u128_make(0, hh.lo));
    struct u128 low = u128_add(u128_make(0, hl.lo), u128_make(0, lh.lo));
    low = u128_add(low, u128_make(0, ll.hi));
    mid = u128_add(mid, u128_make(0, low.hi));
    struct u128 top = u128_make(hh.hi + mid.hi, mid.lo);
    bool sticky = low.lo || ll.lo;
    top.lo |= sticky;
    /* the product of two [1, 2) significands is in [1, 4) */
    return xf_norm(sign, a.exp + b.exp + 1, top);
}

/* a / b by restoring division, 128 quotient bits. */
static struct xf xf_div(struct xf a, struct xf b)
{
    struct u128 r = a.sig, q = u128_make(0, 0);
    bool carry = false;
    for (int i = 0; i < 128; i++) {
        q = u128_shl(q, 1);
        if (carry || !u128_lt(r, b.sig)) {
            r = u128_sub(r, b.sig);
            q.lo |= 1;
        }
        carry = r.hi >> 63;
        r = u128_shl(r, 1);
    }
    return xf_norm(a.sign ^ b.sign, a.exp - b.exp, q);
}

static struct xf xf_div_small(struct xf a, uint64_t n)
{
    uint64_t r;
    uint64_t hi = a.sig.hi / n;
    uint64_t lo = u128_div64(u128_make(a.sig.hi % n, a.sig.lo), n, &r);
    return xf_norm(a.sign, a.exp, u128_make(hi, lo));
}

/* ---- series ---- */

/* e^y - 1 for |y| <= 0.35 (Taylor, Horner form). */
static struct xf xf_expm1(struct xf y)
{
    struct xf t = XF_ONE;
    for (uint64_t k = 24; k >= 2; k--)
        t = xf_add(XF_ONE, xf_div_small(xf_mul(t, y), k));
    return xf_mul(y, t);
}

/* Terms needed for a series in s^2 to reach 2^-90, |s| < 2^(s.exp + 1). */
static uint64_t series_terms(struct xf s)
{
    int32_t bits = -(s.exp + 1);
    return bits < 1 ? 46 : (uint64_t)(46 / bits + 2);
}

/* atanh(s) = s (1 + s^2/3 + s^4/5 + ...) for |s| <= 1/5.8 */
static struct xf xf_atanh(struct xf s)
{
    struct xf s2 = xf_mul(s, s), t = XF_ONE;
    uint64_t n = series_terms(s);
    /* the initial 1 stands for a tail below 2^-90 */
    for (uint64_t k = n; k >= 1; k--)
        t = xf_add(xf_div_small(XF_ONE, 2 * k - 1), xf_mul(s2, t));
    return xf_mul(s, t);
}

/* atan(t) = t (1 - t^2/3 + t^4/5 - ...) for |t| <= 1/2 */
static struct xf xf_atan_series(struct xf t)
{
    struct xf t2 = xf_mul(t, t), p = XF_ONE;
    uint64_t n = series_terms(t);
    /* the initial 1 stands for a tail below 2^-90 */
    for (uint64_t k = n; k >= 1; k--)
        p = xf_sub(xf_div_small(XF_ONE, 2 * k - 1), xf_mul(t2, p));
    return xf_mul(t, p);
}

/* atan(t) for 0 <= t <= 1: atan t = pi/4 + atan((t - 1) / (t + 1)) above 1/2 */
static struct xf xf_atan01(struct xf t)
{
    if (xf_is_zero(t) || t.exp < -1)
        return xf_atan_series(t);
    struct xf u = xf_div(xf_sub(t, XF_ONE), xf_add(t, XF_ONE));
    return xf_add(xf_ldexp(XF_PIO2, -1), xf_atan_series(u));
}

/* sin r and cos r for |r| <= pi/4 (Taylor, Horner form). */
static struct xf xf_sin_small(struct xf r)
{
    struct xf r2 = xf_mul(r, r), t = XF_ONE;
    for (uint64_t k = 14; k >= 1; k--)
        t = xf_sub(XF_ONE, xf_div_small(xf_mul(r2, t), (2 * k) * (2 * k + 1)));
    return xf_mul(r, t);
}

static struct xf xf_cos_small(struct xf r)
{
    struct xf r2 = xf_mul(r, r), t = XF_ONE;
    for (uint64_t k = 14; k >= 1; k--)
        t = xf_sub(XF_ONE, xf_div_small(xf_mul(r2, t), (2 * k - 1) * (2 * k)));
    return t;
}

/* ln x for finite x > 0: x = m 2^e with m in [sqrt(1/2), sqrt(2)),
 * ln m = 2 atanh((m - 1) / (m + 1)). Returns log2 x. */
static struct xf xf_log2(struct xf x)
{
    int32_t e = x.exp;
    struct xf m = x;
    m.exp = 0;
    if (m.sig.hi > SQRT2_SIG) {
        m.exp = -1;
        e++;
    }
    struct xf s = xf_div(xf_sub(m, XF_ONE), xf_add(m, XF_ONE));
    struct xf ln_m = xf_ldexp(xf_atanh(s), 1);
    return xf_add(xf_from_int(e), xf_mul(ln_m, XF_LOG2E));
}

/* ---- argument reduction ---- */

/* Bits [lo, lo + 128) of the 320-bit number w (w[0] least significant). */
static struct u128 bits320(const uint64_t w[5], unsigned lo)
{
    unsigned i = lo / 64, s = lo % 64;
    uint64_t a = w[i], b = i + 1 < 5 ? w[i + 1] : 0, c = i + 2 < 5 ? w[i + 2] : 0;
    if (!s)
        return u128_make(b, a);
    return u128_make((b >> s) | (c << (64 - s)), (a >> s) | (b << (64 - s)));
}

/* |x| = m 2^(e - 63), -1 <= e <= 62: x mod pi/2 as r in [-pi/4, pi/4] and
 * the quadrant. x * 2/pi = m * G * 2^(e - 319) with G = 2/pi * 2^256. */
static struct xf reduce(uint64_t m, int32_t e, unsigned *quadrant)
{
    uint64_t w[5] = { 0 };
    for (int i = 0; i < 4; i++) {
        struct u128 p = u128_mul64(m, two_over_pi[3 - i]);
        struct u128 acc = u128_add(u128_make(w[i + 1], w[i]), p);
        w[i] = acc.lo;
        w[i + 1] = acc.hi;
    }
    unsigned point = (unsigned)(319 - e);
    unsigned q = point >= 320 ? 0 : (unsigned)(w[point / 64] >> (point % 64)) & 3;
    if (point % 64 == 63 && point / 64 + 1 < 5)
        q = (q & 1) | (unsigned)(w[point / 64 + 1] & 1) << 1;
    struct u128 f = bits320(w, point - 128);
    bool neg = f.hi >> 63;
    if (neg) {
        f = u128_sub(u128_make(0, 0), f);
        q++;
    }
    *quadrant = q & 3;
    /* f / 2^128 quarter turns */
    return xf_mul(xf_norm(neg, -1, f), XF_PIO2);
}

/* ---- instructions ---- */

static struct fx80 invalid(struct sf_env *env)
{
    env->flags |= SF_IE;
    return sf80_indefinite();
}

static bool is_finite_class(enum sf_class c)
{
    return c == SF_CL_NORMAL || c == SF_CL_DENORMAL;
}

/* DE for a denormal operand; true when DE is unmasked (nothing computed). */
static bool denormal_stop(struct sf_env *env, enum sf_class a, enum sf_class b)
{
    if (a != SF_CL_DENORMAL && b != SF_CL_DENORMAL)
        return false;
    env->flags |= SF_DE;
    return !(env->masks & SF_DE);
}

/* 2^x - 1 = 2^n e^(f ln 2) - 1 with n = round(x), |f| <= 1/2. The
 * instruction's domain is [-1, 1]; beyond 2^20 the result has overflowed
 * (or is -1 to any precision) anyway. */
static struct xf xf_exp2m1(struct xf x)
{
    int32_t n = 0;
    if (x.exp >= 20)
        return x.sign ? xf_neg(XF_ONE) : xf_ldexp(XF_ONE, 1 << 20);
    if (x.exp >= -1) {
        struct xf r = xf_add((struct xf){ x.sig, x.exp, false }, xf_ldexp(XF_ONE, -1));
        int32_t ip = r.exp < 0 ? 0 : (int32_t)(r.sig.hi >> (63 - r.exp));
        n = x.sign ? -ip : ip;
    }
    struct xf f = xf_sub(x, xf_from_int(n));
    struct xf em1 = xf_expm1(xf_mul(f, XF_LN2));
    if (n == 0)
        return em1;
    return xf_sub(xf_ldexp(xf_add(em1, XF_ONE), n), XF_ONE);
}

struct fx80 sf80_f2xm1(struct sf_env *env, struct fx80 a)
{
    switch (sf80_classify(a)) {
    case SF_CL_UNSUPPORTED: return invalid(env);
    case SF_CL_NAN: return sf80_propagate_nan(env, a, a);
    case SF_CL_ZERO: return a;
    case SF_CL_INF: return fx80_sign(a) ? sf80_from_int(-1) : a;
    default: break;
    }
    if (denormal_stop(env, sf80_classify(a), SF_CL_NORMAL))
        return a;
    return xf_to80(env, xf_exp2m1(xf_from80(a)));
}

/* y * L where L is log2(x): the IEEE product rules for the special cases. */
static struct fx80 times_log(struct sf_env *env, struct fx80 y, bool l_neg, bool l_zero,
                             bool l_inf)
{
    enum sf_class cy = sf80_classify(y);
    bool sign = fx80_sign(y) ^ l_neg;
    if ((cy == SF_CL_ZERO && l_inf) || (cy == SF_CL_INF && l_zero))
        return invalid(env);
    if (cy == SF_CL_INF || l_inf)
        return fx80_make(sign, SF_EXP_MAX, 1ull << 63);
    return fx80_make(sign, 0, 0);
}

struct fx80 sf80_yl2x(struct sf_env *env, struct fx80 x, struct fx80 y)
{
    enum sf_class cx = sf80_classify(x), cy = sf80_classify(y);
    if (cx == SF_CL_UNSUPPORTED || cy == SF_CL_UNSUPPORTED)
        return invalid(env);
    if (cx == SF_CL_NAN || cy == SF_CL_NAN)
        return sf80_propagate_nan(env, x, y);
    if (fx80_sign(x) && cx != SF_CL_ZERO)
        return invalid(env);
    if (cx == SF_CL_ZERO) {
        /* SDM FYL2X: log2(0) = -inf, #Z for a finite nonzero y */
        if (is_finite_class(cy))
            env->flags |= SF_ZE;
        return times_log(env, y, true, false, true);
    }
    if (denormal_stop(env, cx, cy))
        return x;
    struct xf lx = cx == SF_CL_INF ? XF_ONE : xf_log2(xf_from80(x));
    if (cx == SF_CL_INF || cy == SF_CL_INF || cy == SF_CL_ZERO || xf_is_zero(lx))
        return times_log(env, y, lx.sign, xf_is_zero(lx), cx == SF_CL_INF);
    return xf_to80(env, xf_mul(xf_from80(y), lx));
}

/* log2(1 + x): 2 atanh(x / (x + 2)) / ln 2 near 0, else the general log. */
static struct xf xf_log2_1p(struct xf x)
{
    if (x.exp < -2) {
        struct xf s = xf_div(x, xf_add(x, xf_ldexp(XF_ONE, 1)));
        return xf_mul(xf_ldexp(xf_atanh(s), 1), XF_LOG2E);
    }
    return xf_log2(xf_add(x, XF_ONE));
}

struct fx80 sf80_yl2xp1(struct sf_env *env, struct fx80 x, struct fx80 y)
{
    enum sf_class cx = sf80_classify(x), cy = sf80_classify(y);
    if (cx == SF_CL_UNSUPPORTED || cy == SF_CL_UNSUPPORTED)
        return invalid(env);
    if (cx == SF_CL_NAN || cy == SF_CL_NAN)
        return sf80_propagate_nan(env, x, y);
    if (cx == SF_CL_INF && fx80_sign(x))
        return invalid(env);
    if (denormal_stop(env, cx, cy))
        return x;
    if (cx == SF_CL_ZERO || cx == SF_CL_INF)
        return times_log(env, y, fx80_sign(x), cx == SF_CL_ZERO, cx == SF_CL_INF);
    struct xf xx = xf_from80(x);
    struct xf one_plus = xf_add(xx, XF_ONE);
    if (one_plus.sign && !xf_is_zero(one_plus))
        return invalid(env);
    if (xf_is_zero(one_plus)) {
        if (is_finite_class(cy))
            env->flags |= SF_ZE;
        return times_log(env, y, true, false, true);
    }
    if (cy == SF_CL_ZERO || cy == SF_CL_INF)
        return times_log(env, y, fx80_sign(x), false, false);
    return xf_to80(env, xf_mul(xf_from80(y), xf_log2_1p(xx)));
}

/* The angle before the sign of y: theta0 in [0, pi/2] from |y| and |x|,
 * then pi - theta0 when x is negative (SDM FPATAN table). */
static struct xf angle(enum sf_class cy, enum sf_class cx, struct fx80 y, struct fx80 x)
{
    struct xf t0;
    if (cy == SF_CL_ZERO)
        t0 = (struct xf){ u128_make(0, 0), 0, false };
    else if (cx == SF_CL_ZERO || (cy == SF_CL_INF && cx != SF_CL_INF))
        t0 = XF_PIO2;
    else if (cy == SF_CL_INF)
        t0 = xf_ldexp(XF_PIO2, -1);
    else if (cx == SF_CL_INF)
        t0 = (struct xf){ u128_make(0, 0), 0, false };
    else {
        struct xf ay = xf_from80(y), ax = xf_from80(x);
        ay.sign = ax.sign = false;
        bool swap = ax.exp < ay.exp || (ax.exp == ay.exp && u128_lt(ax.sig, ay.sig));
        t0 = swap ? xf_sub(XF_PIO2, xf_atan01(xf_div(ax, ay))) : xf_atan01(xf_div(ay, ax));
    }
    if (fx80_sign(x))
        t0 = xf_sub(xf_ldexp(XF_PIO2, 1), t0);
    return t0;
}

struct fx80 sf80_atan2(struct sf_env *env, struct fx80 y, struct fx80 x)
{
    enum sf_class cx = sf80_classify(x), cy = sf80_classify(y);
    if (cx == SF_CL_UNSUPPORTED || cy == SF_CL_UNSUPPORTED)
        return invalid(env);
    if (cx == SF_CL_NAN || cy == SF_CL_NAN)
        return sf80_propagate_nan(env, x, y);
    if (denormal_stop(env, cx, cy))
        return x;
    struct xf t = angle(cy, cx, y, x);
    t.sign = fx80_sign(y);
    return xf_to80(env, t);
}

/* Shared front of FSIN/FCOS/FSINCOS/FPTAN: special operands give *out and
 * true; *ok false when |a| >= 2^63. Otherwise r and the quadrant. */
static bool trig_special(struct sf_env *env, struct fx80 a, struct fx80 *out, bool *ok)
{
    enum sf_class c = sf80_classify(a);
    *ok = true;
    switch (c) {
    case SF_CL_UNSUPPORTED: case SF_CL_INF: *out = invalid(env); return true;
    case SF_CL_NAN: *out = sf80_propagate_nan(env, a, a); return true;
    case SF_CL_ZERO: *out = a; return true;
    default: break;
    }
    if (fx80_exp(a) >= SF_EXP_BIAS + 63) {
        *ok = false;
        return true;
    }
    *out = a;
    return denormal_stop(env, c, c);
}

static struct xf trig_reduce(struct fx80 a, unsigned *q)
{
    struct xf x = xf_from80(a);
    int32_t e = fx80_exp(a) - SF_EXP_BIAS;
    *q = 0;
    if (e < -1)
        return x;
    struct xf r = reduce(a.sig, e, q);
    if (x.sign) {
        r.sign = !r.sign;
        *q = (4 - *q) & 3;
    }
    return r;
}

bool sf80_sincos(struct sf_env *env, struct fx80 a, struct fx80 *s, struct fx80 *c)
{
    struct fx80 sp;
    bool ok;
    unsigned q;
    if (trig_special(env, a, &sp, &ok)) {
        bool zero = sf80_classify(a) == SF_CL_ZERO;
        if (s)
            *s = sp;
        if (c)
            *c = zero ? sf80_from_int(1) : sp;
        return ok;
    }
    struct xf r = trig_reduce(a, &q);
    struct xf sr = xf_sin_small(r), cr = xf_cos_small(r);
    /* sin(x) over the quadrants: sin r, cos r, -sin r, -cos r */
    struct xf sv = (q & 1) ? cr : sr, cv = (q & 1) ? sr : cr;
    if (q & 2)
        sv = xf_neg(sv);
    if (q == 1 || q == 2)
        cv = xf_neg(cv);
    if (s)
        *s = xf_to80(env, sv);
    if (c)
        *c = xf_to80(env, cv);
    return true;
}

bool sf80_tan(struct sf_env *env, struct fx80 a, struct fx80 *t)
{
    bool ok;
    unsigned q;
    if (trig_special(env, a, t, &ok))
        return ok;
    struct xf r = trig_reduce(a, &q);
    struct xf sr = xf_sin_small(r), cr = xf_cos_small(r);
    /* tan x = tan r in quadrants 0 and 2, -cot r in 1 and 3 */
    *t = xf_to80(env, (q & 1) ? xf_neg(xf_div(cr, sr)) : xf_div(sr, cr));
    return true;
}
