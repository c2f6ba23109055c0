/* Internal interface of the software double-extended arithmetic, shared by
 * softfloat80.c (classification, rounding) and softfloat80_arith/conv/scale.c.
 * Intel SDM vol. 1 4.8-4.9. */
#ifndef TD_SOFTFLOAT80_INTERNAL_H
#define TD_SOFTFLOAT80_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "softfloat80.h"

static const uint64_t J_BIT = 1ull << 63;
static const uint64_t QUIET_BIT = 1ull << 62;

/* Unpacked finite nonzero value: sig normalised, exp biased (may be < 1). */
struct unp {
    bool sign;
    int32_t exp;
    uint64_t sig;
};

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

/* IE raised; returns the QNaN indefinite. */
struct fx80 sf80_invalid(struct sf_env *env);
/* Infinity of the given sign. */
struct fx80 sf80_inf(bool sign);
/* A finite nonzero value unpacked, denormals normalised. */
struct unp sf80_unpack(struct fx80 a);
/* DE for a denormal operand (or env->denormal_in). True when DE is unmasked:
 * a pre-computation exception, the operation goes no further (SDM vol. 1 8.7). */
bool sf80_denormal_stop(struct sf_env *env, enum sf_class a, enum sf_class b);
/* Round sig (then the bits of extra below it) to its top prec bits. Sets
 * *inexact and returns true when the result was incremented. A carry out of
 * bit 63 leaves sig = J_BIT and sets *carry. */
bool sf80_round_sig(const struct sf_env *env, bool sign, unsigned prec, uint64_t *sig,
                    uint64_t extra, bool *inexact, bool *carry);
/* Round to format f; u.exp biased in f's bias, with the over/underflow
 * responses. Returns (sign, exp, sig) ready to pack: exp 0 with J clear for
 * denormals, emax for infinity. */
struct unp sf80_round_fmt(struct sf_env *env, const struct rfmt *f, struct unp u,
                          uint64_t extra);
/* Round (u . extra) to extended with prec significand bits, and pack. */
struct fx80 sf80_pack_ext(struct sf_env *env, unsigned prec, struct unp u, uint64_t extra);
/* A finite operand passed through rounding at the current precision. */
struct fx80 sf80_round_operand(struct sf_env *env, struct fx80 a, bool sign);

#endif
