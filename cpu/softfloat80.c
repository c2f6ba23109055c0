/* Software IEEE 754 double-extended arithmetic with the x87's operand rules
 * and masked/unmasked responses. Intel SDM vol. 1 4.8-4.9 (special values,
 * exceptions), 8.1.5 (precision and rounding control), 8.5 (x87 exceptions). */
#include "softfloat80.h"

#include <string.h>

/* SDM vol. 1 4.9.1.5: the x87 detects tininess before rounding. */
#define TININESS_BEFORE_ROUNDING 1
/* SDM vol. 1 4.9.1.4-5: bias adjustment of unmasked overflow/underflow results */
#define WRAP_BIAS 24576

static const uint64_t J_BIT = 1ull << 63;
static const uint64_t QUIET_BIT = 1ull << 62;

/* ---- 128-bit helpers ---- */

unsigned clz64(uint64_t v)
{
    unsigned n = 0;
    if (!v)
        return 64;
    while (!(v & J_BIT)) {
        v <<= 1;
        n++;
    }
    return n;
}

unsigned u128_clz(struct u128 a)
{
    return a.hi ? clz64(a.hi) : 64 + clz64(a.lo);
}

struct u128 u128_shl(struct u128 a, unsigned n)
{
    if (n == 0)
        return a;
    if (n >= 64)
        return u128_make(n >= 128 ? 0 : a.lo << (n - 64), 0);
    return u128_make((a.hi << n) | (a.lo >> (64 - n)), a.lo << n);
}

struct u128 u128_shr_jam(struct u128 a, unsigned n)
{
    struct u128 r;
    bool lost;
    if (n == 0)
        return a;
    if (n >= 128) {
        r = u128_make(0, 0);
        lost = !u128_is_zero(a);
    } else if (n >= 64) {
        r = u128_make(0, a.hi >> (n - 64));
        lost = a.lo || (n > 64 && (a.hi << (128 - n)));
    } else {
        r = u128_make(a.hi >> n, (a.lo >> n) | (a.hi << (64 - n)));
        lost = (a.lo << (64 - n)) != 0;
    }
    r.lo |= lost;
    return r;
}

#if defined(__SIZEOF_INT128__) && !defined(SF80_PORTABLE)
struct u128 u128_mul64(uint64_t a, uint64_t b)
{
    unsigned __int128 p = (unsigned __int128)a * b;
    return u128_make((uint64_t)(p >> 64), (uint64_t)p);
}

uint64_t u128_div64(struct u128 n, uint64_t d, uint64_t *rem)
{
    unsigned __int128 x = ((unsigned __int128)n.hi << 64) | n.lo;
    *rem = (uint64_t)(x % d);
    return (uint64_t)(x / d);
}
#else
struct u128 u128_mul64(uint64_t a, uint64_t b)
{
    uint64_t al = a & 0xFFFFFFFFu, ah = a >> 32, bl = b & 0xFFFFFFFFu, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (lh & 0xFFFFFFFFu) + (hl & 0xFFFFFFFFu);
    return u128_make(hh + (lh >> 32) + (hl >> 32) + (mid >> 32),
                     (mid << 32) | (ll & 0xFFFFFFFFu));
}

/* One 96/64 step of long division in base 2^32 (Knuth vol. 2 4.3.1 D). */
static uint64_t div_digit(uint64_t top, uint64_t next, uint64_t v, uint64_t *rem)
{
    const uint64_t b = 1ull << 32;
    uint64_t vh = v >> 32, vl = v & 0xFFFFFFFFu;
    uint64_t q = top / vh, rhat = top - q * vh;
    while (q >= b || q * vl > ((rhat << 32) | next)) {
        q--;
        rhat += vh;
        if (rhat >= b)
            break;
    }
    *rem = ((top << 32) | next) - q * v;
    return q;
}

uint64_t u128_div64(struct u128 n, uint64_t d, uint64_t *rem)
{
    unsigned s = clz64(d);
    uint64_t v = d << s;
    uint64_t hi = s ? (n.hi << s) | (n.lo >> (64 - s)) : n.hi;
    uint64_t lo = n.lo << s;
    uint64_t r1, r0;
    uint64_t q1 = div_digit(hi, lo >> 32, v, &r1);
    uint64_t q0 = div_digit(r1, lo & 0xFFFFFFFFu, v, &r0);
    *rem = r0 >> s;
    return (q1 << 32) | q0;
}
#endif

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

static struct fx80 invalid(struct sf_env *env)
{
    env->flags |= SF_IE;
    return sf80_indefinite();
}

static struct fx80 inf80(bool sign)
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

/* Unpacked finite nonzero value: sig normalised, exp biased (may be < 1). */
struct unp {
    bool sign;
    int32_t exp;
    uint64_t sig;
};

static struct unp unpack(struct fx80 a)
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
static bool denormal_stop(struct sf_env *env, enum sf_class a, enum sf_class b)
{
    if (a != SF_CL_DENORMAL && b != SF_CL_DENORMAL && !env->denormal_in)
        return false;
    env->flags |= SF_DE;
    return !(env->masks & SF_DE);
}

/* ---- rounding ---- */

/* A destination format: extended (with the precision in force), or the
 * single/double memory formats, all held with the integer bit at bit 63. */
struct rfmt {
    unsigned prec;
    int32_t bias;
    /* the all-ones (infinity/NaN) biased exponent */
    int32_t emax;
    /* exponent adjustment of unmasked overflow/underflow results */
    int32_t wrap;
};

/* Round sig (then the bits of extra below it) to its top prec bits. Sets
 * *inexact and returns true when the result was incremented. A carry out of
 * bit 63 leaves sig = J_BIT and sets *carry. */
static bool round_sig(const struct sf_env *env, bool sign, unsigned prec, uint64_t *sig,
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
    round_sig(env, sign, f->prec, &sig, extra, &inexact, &carry);
    return !carry;
}

static void round_denormal(struct sf_env *env, const struct rfmt *f, struct unp *u,
                           uint64_t extra, bool tiny)
{
    struct u128 v = u128_shr_jam(u128_make(u->sig, extra), (unsigned)(1 - u->exp));
    bool inexact, carry;
    u->sig = v.hi;
    env->c1 = round_sig(env, u->sign, f->prec, &u->sig, v.lo, &inexact, &carry);
    u->exp = (u->sig & J_BIT) ? 1 : 0;
    if (inexact)
        env->flags |= SF_PE | (tiny ? SF_UE : 0);
}

/* Round to format f; u->exp biased in f's bias. Returns the packed-ready
 * (sign, exp, sig): exp 0 with J clear for denormals, emax for infinity. */
static struct unp round_fmt(struct sf_env *env, const struct rfmt *f, struct unp u,
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
    env->c1 = round_sig(env, u.sign, f->prec, &u.sig, extra, &inexact, &carry);
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

static struct fx80 pack_ext(struct sf_env *env, unsigned prec, struct unp u, uint64_t extra)
{
    struct rfmt f = ext_fmt(prec);
    u = round_fmt(env, &f, u, extra);
    return fx80_make(u.sign, u.exp & SF_EXP_MAX, u.sig);
}

struct fx80 sf80_round_pack(struct sf_env *env, bool sign, int32_t exp, uint64_t sig,
                            uint64_t extra)
{
    return pack_ext(env, env->prec, (struct unp){ sign, exp, sig }, extra);
}

/* A finite operand passed through rounding at the current precision. */
static struct fx80 round_operand(struct sf_env *env, struct fx80 a, bool sign)
{
    struct unp u = unpack(a);
    u.sign = sign;
    return pack_ext(env, env->prec, u, 0);
}

/* ---- add, subtract ---- */

static struct fx80 add_finite(struct sf_env *env, struct unp x, struct unp y)
{
    struct u128 xs, ys, r;
    int32_t exp;
    if (y.exp > x.exp || (y.exp == x.exp && y.sig > x.sig)) {
        struct unp t = x;
        x = y;
        y = t;
    }
    /* one bit of headroom for a carry out of the sum */
    xs = u128_make(x.sig >> 1, x.sig << 63);
    ys = u128_shr_jam(u128_make(y.sig, 0), (unsigned)(x.exp - y.exp) + 1);
    exp = x.exp + 1;
    if (x.sign == y.sign) {
        r = u128_add(xs, ys);
    } else {
        r = u128_sub(xs, ys);
        if (u128_is_zero(r))
            return fx80_make(env->rc == SF_RC_DOWN, 0, 0);
    }
    unsigned n = u128_clz(r);
    r = u128_shl(r, n);
    return pack_ext(env, env->prec, (struct unp){ x.sign, exp - (int32_t)n, r.hi }, r.lo);
}

static struct fx80 addsub(struct sf_env *env, struct fx80 a, struct fx80 b, bool neg_b)
{
    enum sf_class ca = sf80_classify(a), cb = sf80_classify(b);
    bool sa = fx80_sign(a), sb = fx80_sign(b) ^ neg_b;
    if (ca == SF_CL_UNSUPPORTED || cb == SF_CL_UNSUPPORTED)
        return invalid(env);
    if (ca == SF_CL_NAN || cb == SF_CL_NAN)
        return sf80_propagate_nan(env, a, b);
    if (denormal_stop(env, ca, cb))
        return a;
    if (ca == SF_CL_INF || cb == SF_CL_INF) {
        if (ca == cb && sa != sb)
            return invalid(env);
        return inf80(ca == SF_CL_INF ? sa : sb);
    }
    if (ca == SF_CL_ZERO && cb == SF_CL_ZERO)
        return fx80_make(sa == sb ? sa : env->rc == SF_RC_DOWN, 0, 0);
    if (ca == SF_CL_ZERO)
        return round_operand(env, b, sb);
    if (cb == SF_CL_ZERO)
        return round_operand(env, a, sa);
    struct unp x = unpack(a), y = unpack(b);
    x.sign = sa;
    y.sign = sb;
    return add_finite(env, x, y);
}

struct fx80 sf80_add(struct sf_env *env, struct fx80 a, struct fx80 b)
{
    return addsub(env, a, b, false);
}

struct fx80 sf80_sub(struct sf_env *env, struct fx80 a, struct fx80 b)
{
    return addsub(env, a, b, true);
}

/* ---- multiply, divide ---- */

struct fx80 sf80_mul(struct sf_env *env, struct fx80 a, struct fx80 b)
{
    enum sf_class ca = sf80_classify(a), cb = sf80_classify(b);
    bool sign = fx80_sign(a) ^ fx80_sign(b);
    if (ca == SF_CL_UNSUPPORTED || cb == SF_CL_UNSUPPORTED)
        return invalid(env);
    if (ca == SF_CL_NAN || cb == SF_CL_NAN)
        return sf80_propagate_nan(env, a, b);
    if (denormal_stop(env, ca, cb))
        return a;
    if (ca == SF_CL_INF || cb == SF_CL_INF) {
        if (ca == SF_CL_ZERO || cb == SF_CL_ZERO)
            return invalid(env);
        return inf80(sign);
    }
    if (ca == SF_CL_ZERO || cb == SF_CL_ZERO)
        return fx80_make(sign, 0, 0);
    struct unp x = unpack(a), y = unpack(b);
    struct u128 p = u128_mul64(x.sig, y.sig);
    int32_t exp = x.exp + y.exp - SF_EXP_BIAS + 1;
    if (!(p.hi & J_BIT)) {
        p = u128_shl(p, 1);
        exp--;
    }
    return pack_ext(env, env->prec, (struct unp){ sign, exp, p.hi }, p.lo);
}

struct fx80 sf80_div(struct sf_env *env, struct fx80 a, struct fx80 b)
{
    enum sf_class ca = sf80_classify(a), cb = sf80_classify(b);
    bool sign = fx80_sign(a) ^ fx80_sign(b);
    if (ca == SF_CL_UNSUPPORTED || cb == SF_CL_UNSUPPORTED)
        return invalid(env);
    if (ca == SF_CL_NAN || cb == SF_CL_NAN)
        return sf80_propagate_nan(env, a, b);
    if ((ca == SF_CL_INF && cb == SF_CL_INF) || (ca == SF_CL_ZERO && cb == SF_CL_ZERO))
        return invalid(env);
    /* division by zero comes before the denormal-operand check */
    if (cb == SF_CL_ZERO && ca != SF_CL_INF) {
        env->flags |= SF_ZE;
        return inf80(sign);
    }
    if (denormal_stop(env, ca, cb))
        return a;
    if (ca == SF_CL_INF)
        return inf80(sign);
    if (ca == SF_CL_ZERO || cb == SF_CL_INF)
        return fx80_make(sign, 0, 0);
    struct unp x = unpack(a), y = unpack(b);
    int32_t exp = x.exp - y.exp + SF_EXP_BIAS;
    struct u128 n = u128_make(x.sig, 0);
    uint64_t r, r2;
    if (x.sig >= y.sig)
        n = u128_make(x.sig >> 1, x.sig << 63);
    else
        exp--;
    uint64_t q = u128_div64(n, y.sig, &r);
    uint64_t q2 = u128_div64(u128_make(r, 0), y.sig, &r2);
    return pack_ext(env, env->prec, (struct unp){ sign, exp, q }, q2 | (r2 != 0));
}

/* ---- square root ---- */

/* Integer square root of n (n < 2^128): root, and the remainder n - root^2. */
static uint64_t isqrt128(struct u128 n, struct u128 *rem)
{
    struct u128 r = u128_make(0, 0);
    uint64_t root = 0;
    for (int i = 0; i < 64; i++) {
        r = u128_shl(r, 2);
        r.lo |= n.hi >> 62;
        n = u128_shl(n, 2);
        /* trial 2 * root * 2 + 1 against the running remainder */
        struct u128 trial = u128_make(root >> 62, (root << 2) | 1);
        root <<= 1;
        if (!u128_lt(r, trial)) {
            r = u128_sub(r, trial);
            root |= 1;
        }
    }
    *rem = r;
    return root;
}

struct fx80 sf80_sqrt(struct sf_env *env, struct fx80 a)
{
    enum sf_class ca = sf80_classify(a);
    bool sign = fx80_sign(a);
    if (ca == SF_CL_UNSUPPORTED)
        return invalid(env);
    if (ca == SF_CL_NAN)
        return sf80_propagate_nan(env, a, a);
    if (ca == SF_CL_ZERO)
        return a;
    if (sign)
        return invalid(env);
    if (denormal_stop(env, ca, ca))
        return a;
    if (ca == SF_CL_INF)
        return a;
    struct unp x = unpack(a);
    int32_t e = x.exp - SF_EXP_BIAS;
    struct u128 n = (e & 1) ? u128_make(x.sig, 0) : u128_make(x.sig >> 1, x.sig << 63);
    struct u128 rem;
    uint64_t root = isqrt128(n, &rem);
    /* sqrt(n) > root + 1/2  <=>  rem > root (an exact half cannot occur) */
    uint64_t extra = u128_is_zero(rem) ? 0
                     : u128_lt(u128_make(0, root), rem) ? (J_BIT | 1) : 1;
    int32_t half = (e - (e & 1)) / 2;
    return pack_ext(env, env->prec, (struct unp){ false, half + SF_EXP_BIAS, root }, extra);
}

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
        env->c1 = round_sig(env, x.sign, 1, &v.hi, v.lo, inexact, &carry);
        return v.hi >> 63;
    }
    uint64_t sig = x.sig;
    env->c1 = round_sig(env, x.sign, (unsigned)e + 1, &sig, 0, inexact, &carry);
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
        return invalid(env);
    if (ca == SF_CL_NAN)
        return sf80_propagate_nan(env, a, a);
    if (ca == SF_CL_INF || ca == SF_CL_ZERO)
        return a;
    if (denormal_stop(env, ca, ca))
        return a;
    struct unp x = unpack(a);
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
    struct unp x = unpack(a);
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

/* ---- comparisons ---- */

enum sf_cmp sf80_compare(struct sf_env *env, struct fx80 a, struct fx80 b, bool quiet)
{
    enum sf_class ca = sf80_classify(a), cb = sf80_classify(b);
    if (ca == SF_CL_UNSUPPORTED || cb == SF_CL_UNSUPPORTED) {
        env->flags |= SF_IE;
        return SF_CMP_UN;
    }
    if (ca == SF_CL_NAN || cb == SF_CL_NAN) {
        if (!quiet || sf80_is_snan(a) || sf80_is_snan(b))
            env->flags |= SF_IE;
        return SF_CMP_UN;
    }
    /* a compare goes on after an unmasked DE: the condition codes are
     * written all the same (as the x86-64 oracle shows) */
    denormal_stop(env, ca, cb);
    if (ca == SF_CL_ZERO && cb == SF_CL_ZERO)
        return SF_CMP_EQ;
    bool sa = fx80_sign(a) && ca != SF_CL_ZERO, sb = fx80_sign(b) && cb != SF_CL_ZERO;
    if (sa != sb)
        return sa ? SF_CMP_LT : SF_CMP_GT;
    /* same sign: order the magnitudes (zero < finite < infinity) */
    struct unp x = { 0, -100000, 0 }, y = { 0, -100000, 0 };
    if (ca == SF_CL_INF)
        x.exp = 100000;
    else if (ca != SF_CL_ZERO)
        x = unpack(a);
    if (cb == SF_CL_INF)
        y.exp = 100000;
    else if (cb != SF_CL_ZERO)
        y = unpack(b);
    if (x.exp == y.exp && x.sig == y.sig)
        return SF_CMP_EQ;
    bool mag_lt = x.exp < y.exp || (x.exp == y.exp && x.sig < y.sig);
    return (mag_lt != sa) ? SF_CMP_LT : SF_CMP_GT;
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
            return inf80(sign);
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
    struct unp u = unpack(a);
    u.exp += m->bias - SF_EXP_BIAS;
    u = round_fmt(env, &f, u, 0);
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

/* ---- FSCALE, FXTRACT, FPREM/FPREM1 ---- */

/* trunc(b) for FSCALE, clamped: beyond +-2^16 every result over/underflows */
static int32_t scale_count(struct fx80 b)
{
    if (sf80_classify(b) == SF_CL_ZERO)
        return 0;
    struct unp y = unpack(b);
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
        return invalid(env);
    if (ca == SF_CL_NAN || cb == SF_CL_NAN)
        return sf80_propagate_nan(env, a, b);
    if (denormal_stop(env, ca, cb))
        return a;
    if (cb == SF_CL_INF) {
        /* SDM FSCALE table: 0 * 2^+inf and inf * 2^-inf are invalid */
        if (!fx80_sign(b))
            return ca == SF_CL_ZERO ? invalid(env) : inf80(fx80_sign(a));
        return ca == SF_CL_INF ? invalid(env) : fx80_make(fx80_sign(a), 0, 0);
    }
    if (ca == SF_CL_INF || ca == SF_CL_ZERO)
        return a;
    struct unp x = unpack(a);
    x.exp += scale_count(b);
    return pack_ext(env, 64, x, 0);
}

struct fx80 sf80_extract(struct sf_env *env, struct fx80 a, struct fx80 *exp_out)
{
    enum sf_class ca = sf80_classify(a);
    switch (ca) {
    case SF_CL_UNSUPPORTED:
        *exp_out = invalid(env);
        return *exp_out;
    case SF_CL_NAN:
        *exp_out = sf80_propagate_nan(env, a, a);
        return *exp_out;
    case SF_CL_ZERO:
        /* SDM FXTRACT: a zero source raises #Z and gives -inf as exponent */
        env->flags |= SF_ZE;
        *exp_out = inf80(true);
        return a;
    case SF_CL_INF:
        *exp_out = inf80(false);
        return a;
    default:
        break;
    }
    if (denormal_stop(env, ca, ca))
        return a;
    struct unp x = unpack(a);
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
    return pack_ext(env, 64, (struct unp){ !x.sign, x.exp + 64 - (int32_t)n, d.hi }, d.lo);
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
        return invalid(env);
    if (ca == SF_CL_NAN || cb == SF_CL_NAN)
        return sf80_propagate_nan(env, a, b);
    if (ca == SF_CL_INF || cb == SF_CL_ZERO)
        return invalid(env);
    if (denormal_stop(env, ca, cb))
        return a;
    if (ca == SF_CL_ZERO)
        return a;
    if (cb == SF_CL_INF)
        return pack_ext(env, 64, unpack(a), 0);
    struct unp x = unpack(a), y = unpack(b);
    int32_t d = x.exp - y.exp, steps = d;
    if (d < 0) {
        if (nearest && d == -1 && x.sig > y.sig)
            return rem_near_half(env, x, y, q);
        return pack_ext(env, 64, x, 0);
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
    return pack_ext(env, 64, (struct unp){ sign, y.exp + d - steps - (int32_t)n, r << n }, 0);
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
        m = round_to_integer(env, unpack(a), &inexact, &big);
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
