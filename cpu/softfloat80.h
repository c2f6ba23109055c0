/* The project's own software IEEE 754 double-extended arithmetic as the x87
 * performs it: 64-bit significand with explicit integer bit, 15-bit exponent,
 * four rounding modes, precision control, x87 masked/unmasked responses.
 * Intel SDM vol. 1 ch. 4 and ch. 8; IEEE 754-1985. No host long double. */
#ifndef TD_SOFTFLOAT80_H
#define TD_SOFTFLOAT80_H

#include <stdbool.h>
#include <stdint.h>

/* An 80-bit register value as stored in memory (m80fp):
 *   79  78      64 63 62                0
 *   +--+----------+--+-------------------+
 *   |S | exponent |J | fraction          |   sig = J:fraction
 *   +--+----------+--+-------------------+   se  = S:exponent          */
struct fx80 {
    uint64_t sig;
    uint16_t se;
};

/* Exception flags, at their status-word bit positions (SDM vol. 1 8.1.3). */
enum {
    SF_IE = 1u << 0, SF_DE = 1u << 1, SF_ZE = 1u << 2,
    SF_OE = 1u << 3, SF_UE = 1u << 4, SF_PE = 1u << 5,
    SF_ALL = 0x3F,
};

/* Rounding control (FCW bits 10-11). */
enum { SF_RC_NEAR, SF_RC_DOWN, SF_RC_UP, SF_RC_ZERO };

/* Per-operation environment: inputs from the control word, outputs the flags
 * raised and the C1 round-up indication. */
struct sf_env {
    /* SF_RC_* */
    uint8_t rc;
    /* significand bits kept by add/sub/mul/div/sqrt: 24, 53 or 64 */
    uint8_t prec;
    /* FCW exception masks (SF_* bits set = masked): the unmasked responses
     * to overflow and underflow differ (SDM vol. 1 4.9.1.4-5) */
    uint8_t masks;
    /* in: an operand was a denormal in its memory format (single/double),
     * normal once widened: it still raises DE where a register one would */
    bool denormal_in;
    /* out: SF_* raised */
    uint8_t flags;
    /* out: the result was rounded up in magnitude (C1) */
    bool c1;
};

/* Result of a comparison (SDM FCOM table: C3 C2 C0). */
enum sf_cmp { SF_CMP_GT, SF_CMP_LT, SF_CMP_EQ, SF_CMP_UN };

/* Operand classes as FXAM names them, plus the x87's internal distinctions. */
enum sf_class {
    SF_CL_UNSUPPORTED,  /* unnormal, pseudo-NaN, pseudo-infinity */
    SF_CL_NAN,
    SF_CL_NORMAL,
    SF_CL_INF,
    SF_CL_ZERO,
    SF_CL_DENORMAL,     /* includes pseudo-denormals (exponent 0, J = 1) */
};

#define SF_EXP_BIAS 16383
#define SF_EXP_MAX 0x7FFF

static inline bool fx80_sign(struct fx80 a) { return a.se >> 15; }
static inline int32_t fx80_exp(struct fx80 a) { return a.se & 0x7FFF; }
static inline struct fx80 fx80_make(bool sign, int32_t exp, uint64_t sig)
{
    return (struct fx80){ sig, (uint16_t)(((unsigned)sign << 15) | (uint32_t)exp) };
}

enum sf_class sf80_classify(struct fx80 a);
bool sf80_is_snan(struct fx80 a);
/* The QNaN floating-point indefinite (SDM vol. 1 table 4-3). */
struct fx80 sf80_indefinite(void);
/* A NaN operand made quiet. */
struct fx80 sf80_quiet(struct fx80 a);

/* Arithmetic: rounded to env->prec with env->rc. The caller decides what
 * an unmasked pre-computation exception (IE, DE, ZE) means for the
 * destination: the returned value is then not to be stored. */
struct fx80 sf80_add(struct sf_env *env, struct fx80 a, struct fx80 b);
struct fx80 sf80_sub(struct sf_env *env, struct fx80 a, struct fx80 b);
struct fx80 sf80_mul(struct sf_env *env, struct fx80 a, struct fx80 b);
struct fx80 sf80_div(struct sf_env *env, struct fx80 a, struct fx80 b);
struct fx80 sf80_sqrt(struct sf_env *env, struct fx80 a);
/* FRNDINT: a rounded to an integer with env->rc (precision ignored). */
struct fx80 sf80_round_int(struct sf_env *env, struct fx80 a);
/* FSCALE: a * 2^trunc(b). */
struct fx80 sf80_scale(struct sf_env *env, struct fx80 a, struct fx80 b);
/* FXTRACT: *exp_out = unbiased exponent as a value, returns the significand
 * with exponent 0 (biased 3FFFh). */
struct fx80 sf80_extract(struct sf_env *env, struct fx80 a, struct fx80 *exp_out);
/* FPREM (nearest = false) / FPREM1 (nearest = true): partial remainder of
 * a / b. *q gets the low 3 quotient bits, *incomplete is C2. */
struct fx80 sf80_rem(struct sf_env *env, struct fx80 a, struct fx80 b, bool nearest,
                     unsigned *q, bool *incomplete);
/* Compare; quiet (FUCOM) raises IE only for SNaN and unsupported operands. */
enum sf_cmp sf80_compare(struct sf_env *env, struct fx80 a, struct fx80 b, bool quiet);

/* Conversions. Loads of int are exact; stores raise IE (integer indefinite
 * returned) when the value is NaN, infinite or out of range. bits: 16, 32, 64. */
struct fx80 sf80_from_int(int64_t v);
int64_t sf80_to_int(struct sf_env *env, struct fx80 a, unsigned bits);
/* Single/double to extended, exact; DE for a denormal. load: as FLD, an SNaN
 * raises IE and is made quiet; else (an arithmetic operand) it stays an SNaN
 * for the operation to see. */
struct fx80 sf80_from_f32(struct sf_env *env, uint32_t v, bool load);
struct fx80 sf80_from_f64(struct sf_env *env, uint64_t v, bool load);
uint32_t sf80_to_f32(struct sf_env *env, struct fx80 a);
uint64_t sf80_to_f64(struct sf_env *env, struct fx80 a);
/* Packed BCD (m80bcd): 18 digits, sign in bit 7 of byte 9. */
struct fx80 sf80_from_bcd(const uint8_t bcd[10]);
void sf80_to_bcd(struct sf_env *env, struct fx80 a, uint8_t bcd[10]);

/* Transcendental functions (fpu_trans.c): 64-bit precision, rounded once
 * with env->rc from a wider intermediate; accuracy is documented there. */
/* F2XM1: 2^a - 1 (meaningful for -1 <= a <= 1) */
struct fx80 sf80_f2xm1(struct sf_env *env, struct fx80 a);
/* FYL2X: y * log2(x); FYL2XP1: y * log2(x + 1) */
struct fx80 sf80_yl2x(struct sf_env *env, struct fx80 x, struct fx80 y);
struct fx80 sf80_yl2xp1(struct sf_env *env, struct fx80 x, struct fx80 y);
/* FPATAN: the angle of (x, y), in (-pi, pi] */
struct fx80 sf80_atan2(struct sf_env *env, struct fx80 y, struct fx80 x);
/* FSIN/FCOS/FSINCOS (s or c may be NULL) and FPTAN: false, with nothing
 * computed, when |a| >= 2^63 (the x87 sets C2 then). */
bool sf80_sincos(struct sf_env *env, struct fx80 a, struct fx80 *s, struct fx80 *c);
bool sf80_tan(struct sf_env *env, struct fx80 a, struct fx80 *t);

/* Round and pack sign * (sig . extra) * 2^(exp - 16383 - 63): sig normalised
 * (bit 63 set) or zero together with extra; exp may lie outside the format's
 * range. Used by the transcendental code (fpu_trans.c). */
struct fx80 sf80_round_pack(struct sf_env *env, bool sign, int32_t exp, uint64_t sig,
                            uint64_t extra);
/* NaN operand rules for two operands (SDM vol. 1 table 4-7); a or b is a NaN. */
struct fx80 sf80_propagate_nan(struct sf_env *env, struct fx80 a, struct fx80 b);

/* ---- 128-bit unsigned arithmetic shared with fpu_trans.c ---- */
struct u128 {
    uint64_t hi, lo;
};

static inline struct u128 u128_make(uint64_t hi, uint64_t lo)
{
    return (struct u128){ hi, lo };
}
static inline struct u128 u128_add(struct u128 a, struct u128 b)
{
    struct u128 r = { a.hi + b.hi, a.lo + b.lo };
    r.hi += r.lo < a.lo;
    return r;
}
static inline struct u128 u128_sub(struct u128 a, struct u128 b)
{
    struct u128 r = { a.hi - b.hi - (a.lo < b.lo), a.lo - b.lo };
    return r;
}
static inline bool u128_lt(struct u128 a, struct u128 b)
{
    return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo);
}
static inline bool u128_is_zero(struct u128 a) { return !(a.hi | a.lo); }
/* Shifts by 0..127 (left) and 0..any (right, with the lost bits ORed into bit 0). */
struct u128 u128_shl(struct u128 a, unsigned n);
struct u128 u128_shr_jam(struct u128 a, unsigned n);
unsigned u128_clz(struct u128 a);
/* Full product of two 64-bit numbers. */
struct u128 u128_mul64(uint64_t a, uint64_t b);
/* (n.hi:n.lo) / d with n.hi < d: quotient, and remainder in *rem. */
uint64_t u128_div64(struct u128 n, uint64_t d, uint64_t *rem);
unsigned clz64(uint64_t v);

#endif
