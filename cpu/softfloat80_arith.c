/* x87 double-extended add, subtract, multiply, divide, square root and
 * compare, on top of softfloat80.c's rounding. Intel SDM vol. 1 4.8-4.9,
 * 8.5; vol. 2 FADD/FSUB/FMUL/FDIV/FSQRT/FCOM tables; IEEE 754-1985. */
#include "softfloat80.h"
#include "softfloat80_internal.h"

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
    return sf80_pack_ext(env, env->prec, (struct unp){ x.sign, exp - (int32_t)n, r.hi }, r.lo);
}

static struct fx80 addsub(struct sf_env *env, struct fx80 a, struct fx80 b, bool neg_b)
{
    enum sf_class ca = sf80_classify(a), cb = sf80_classify(b);
    bool sa = fx80_sign(a), sb = fx80_sign(b) ^ neg_b;
    if (ca == SF_CL_UNSUPPORTED || cb == SF_CL_UNSUPPORTED)
        return sf80_invalid(env);
    if (ca == SF_CL_NAN || cb == SF_CL_NAN)
        return sf80_propagate_nan(env, a, b);
    if (sf80_denormal_stop(env, ca, cb))
        return a;
    if (ca == SF_CL_INF || cb == SF_CL_INF) {
        if (ca == cb && sa != sb)
            return sf80_invalid(env);
        return sf80_inf(ca == SF_CL_INF ? sa : sb);
    }
    if (ca == SF_CL_ZERO && cb == SF_CL_ZERO)
        return fx80_make(sa == sb ? sa : env->rc == SF_RC_DOWN, 0, 0);
    if (ca == SF_CL_ZERO)
        return sf80_round_operand(env, b, sb);
    if (cb == SF_CL_ZERO)
        return sf80_round_operand(env, a, sa);
    struct unp x = sf80_unpack(a), y = sf80_unpack(b);
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
        return sf80_invalid(env);
    if (ca == SF_CL_NAN || cb == SF_CL_NAN)
        return sf80_propagate_nan(env, a, b);
    if (sf80_denormal_stop(env, ca, cb))
        return a;
    if (ca == SF_CL_INF || cb == SF_CL_INF) {
        if (ca == SF_CL_ZERO || cb == SF_CL_ZERO)
            return sf80_invalid(env);
        return sf80_inf(sign);
    }
    if (ca == SF_CL_ZERO || cb == SF_CL_ZERO)
        return fx80_make(sign, 0, 0);
    struct unp x = sf80_unpack(a), y = sf80_unpack(b);
    struct u128 p = u128_mul64(x.sig, y.sig);
    int32_t exp = x.exp + y.exp - SF_EXP_BIAS + 1;
    if (!(p.hi & J_BIT)) {
        p = u128_shl(p, 1);
        exp--;
    }
    return sf80_pack_ext(env, env->prec, (struct unp){ sign, exp, p.hi }, p.lo);
}

struct fx80 sf80_div(struct sf_env *env, struct fx80 a, struct fx80 b)
{
    enum sf_class ca = sf80_classify(a), cb = sf80_classify(b);
    bool sign = fx80_sign(a) ^ fx80_sign(b);
    if (ca == SF_CL_UNSUPPORTED || cb == SF_CL_UNSUPPORTED)
        return sf80_invalid(env);
    if (ca == SF_CL_NAN || cb == SF_CL_NAN)
        return sf80_propagate_nan(env, a, b);
    if ((ca == SF_CL_INF && cb == SF_CL_INF) || (ca == SF_CL_ZERO && cb == SF_CL_ZERO))
        return sf80_invalid(env);
    /* division by zero comes before the denormal-operand check */
    if (cb == SF_CL_ZERO && ca != SF_CL_INF) {
        env->flags |= SF_ZE;
        return sf80_inf(sign);
    }
    if (sf80_denormal_stop(env, ca, cb))
        return a;
    if (ca == SF_CL_INF)
        return sf80_inf(sign);
    if (ca == SF_CL_ZERO || cb == SF_CL_INF)
        return fx80_make(sign, 0, 0);
    struct unp x = sf80_unpack(a), y = sf80_unpack(b);
    int32_t exp = x.exp - y.exp + SF_EXP_BIAS;
    struct u128 n = u128_make(x.sig, 0);
    uint64_t r, r2;
    if (x.sig >= y.sig)
        n = u128_make(x.sig >> 1, x.sig << 63);
    else
        exp--;
    uint64_t q = u128_div64(n, y.sig, &r);
    uint64_t q2 = u128_div64(u128_make(r, 0), y.sig, &r2);
    return sf80_pack_ext(env, env->prec, (struct unp){ sign, exp, q }, q2 | (r2 != 0));
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
        return sf80_invalid(env);
    if (ca == SF_CL_NAN)
        return sf80_propagate_nan(env, a, a);
    if (ca == SF_CL_ZERO)
        return a;
    if (sign)
        return sf80_invalid(env);
    if (sf80_denormal_stop(env, ca, ca))
        return a;
    if (ca == SF_CL_INF)
        return a;
    struct unp x = sf80_unpack(a);
    int32_t e = x.exp - SF_EXP_BIAS;
    struct u128 n = (e & 1) ? u128_make(x.sig, 0) : u128_make(x.sig >> 1, x.sig << 63);
    struct u128 rem;
    uint64_t root = isqrt128(n, &rem);
    /* sqrt(n) > root + 1/2  <=>  rem > root (an exact half cannot occur) */
    uint64_t extra = u128_is_zero(rem) ? 0
                     : u128_lt(u128_make(0, root), rem) ? (J_BIT | 1) : 1;
    int32_t half = (e - (e & 1)) / 2;
    return sf80_pack_ext(env, env->prec, (struct unp){ false, half + SF_EXP_BIAS, root }, extra);
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
    sf80_denormal_stop(env, ca, cb);
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
        x = sf80_unpack(a);
    if (cb == SF_CL_INF)
        y.exp = 100000;
    else if (cb != SF_CL_ZERO)
        y = sf80_unpack(b);
    if (x.exp == y.exp && x.sig == y.sig)
        return SF_CMP_EQ;
    bool mag_lt = x.exp < y.exp || (x.exp == y.exp && x.sig < y.sig);
    return (mag_lt != sa) ? SF_CMP_LT : SF_CMP_GT;
}
