/* Lazy arithmetic flags: CF, PF, AF, ZF, SF, OF from a recorded operation.
 * Carry/overflow formulas: SDM vol. 1 appendix A and vol. 2 instruction pages;
 * shifts follow the 486 (AF cleared, CF the last bit shifted out). */
#include "flags.h"

#include "cpu.h"

/* Operands already reduced to the operation size; sign is its top bit. */
struct cc_in {
    uint32_t res, s1, s2, sign;
    /* bits to shift a sign-bit-aligned value down to bit 31 (32 - size*8) */
    unsigned pad;
};

typedef uint32_t cc_fn(const struct cc_in *in);

static inline uint32_t top(uint32_t x, uint32_t sign)
{
    return (x & sign) != 0;
}

/* carry out of the top bit, valid with a carry-in (ADC) */
static uint32_t cf_add(const struct cc_in *in)
{
    return top((in->s1 & in->s2) | ((in->s1 | in->s2) & ~in->res), in->sign);
}

/* borrow out of the top bit, valid with a borrow-in (SBB) */
static uint32_t cf_sub(const struct cc_in *in)
{
    return top((~in->s1 & in->s2) | ((~in->s1 | in->s2) & in->res), in->sign);
}

static uint32_t cf_zero(const struct cc_in *in)
{
    return 0;
}

static uint32_t cf_keep(const struct cc_in *in)
{
    return in->s2 & 1;
}

/* the last bit shifted out; 0 once the count passes the operand size */
static uint32_t cf_shl(const struct cc_in *in)
{
    return top(in->s1 << ((in->s2 - 1) & 31), in->sign);
}

static uint32_t cf_shr(const struct cc_in *in)
{
    return (in->s1 >> ((in->s2 - 1) & 31)) & 1;
}

/* sign copies shift in, so a count past the size leaves CF = sign */
static uint32_t cf_sar(const struct cc_in *in)
{
    int32_t v = (int32_t)(in->s1 << in->pad) >> in->pad;
    return (uint32_t)(v >> ((in->s2 - 1) & 31)) & 1;
}

static uint32_t cf_mul(const struct cc_in *in)
{
    return in->s1 != 0;
}

static inline uint32_t af_of(uint32_t af, uint32_t of)
{
    return (af & EFLAGS_AF) | (of ? EFLAGS_OF : 0);
}

static uint32_t rest_add(const struct cc_in *in)
{
    return af_of(in->s1 ^ in->s2 ^ in->res, top((in->s1 ^ in->res) & (in->s2 ^ in->res), in->sign));
}

static uint32_t rest_sub(const struct cc_in *in)
{
    return af_of(in->s1 ^ in->s2 ^ in->res, top((in->s1 ^ in->s2) & (in->s1 ^ in->res), in->sign));
}

static uint32_t rest_inc(const struct cc_in *in)
{
    return af_of(in->s1 ^ 1 ^ in->res, top(~in->s1 & in->res, in->sign));
}

static uint32_t rest_dec(const struct cc_in *in)
{
    return af_of(in->s1 ^ 1 ^ in->res, top(in->s1 & ~in->res, in->sign));
}

static uint32_t rest_shl(const struct cc_in *in)
{
    return af_of(0, top(in->res, in->sign) ^ cf_shl(in));
}

/* OF = MSB of the operand for a 1-bit shift; for longer counts (undefined) the
 * MSB before the last 1-bit step, as the 80286 vectors show. */
static uint32_t rest_shr(const struct cc_in *in)
{
    return af_of(0, top(in->s1 >> (in->s2 - 1), in->sign));
}

static uint32_t rest_mul(const struct cc_in *in)
{
    return af_of(0, in->s1 != 0);
}

/* CF and the kind-specific rest (AF, OF) per kind. CC_EFLAGS has no lazy
 * record: callers read cpu->eflags for it. */
static cc_fn *const cf_table[CC_KIND_COUNT] = {
    [CC_EFLAGS] = cf_zero, [CC_ADD] = cf_add, [CC_SUB] = cf_sub, [CC_LOGIC] = cf_zero,
    [CC_INC] = cf_keep, [CC_DEC] = cf_keep, [CC_SHL] = cf_shl, [CC_SHR] = cf_shr,
    [CC_SAR] = cf_sar, [CC_MUL] = cf_mul,
};

static cc_fn *const rest_table[CC_KIND_COUNT] = {
    [CC_EFLAGS] = cf_zero, [CC_ADD] = rest_add, [CC_SUB] = rest_sub, [CC_LOGIC] = cf_zero,
    [CC_INC] = rest_inc, [CC_DEC] = rest_dec, [CC_SHL] = rest_shl, [CC_SHR] = rest_shr,
    [CC_SAR] = cf_zero, [CC_MUL] = rest_mul,
};

/* indexed by operand size in bytes */
static const uint32_t size_mask[8] = { 0, 0xFF, 0xFFFF, 0, 0xFFFFFFFF, 0, 0, 0 };

static inline struct cc_in cc_in_make(uint32_t op, uint32_t res, uint32_t src1, uint32_t src2)
{
    unsigned size = CC_SIZE(op) & 7;
    uint32_t mask = size_mask[size];
    return (struct cc_in){
        .res = res & mask,
        .s1 = CC_KIND(op) == CC_MUL ? src1 : src1 & mask,
        .s2 = src2 & mask,
        .sign = mask ^ (mask >> 1),
        .pad = (32 - size * 8) & 31,
    };
}

uint32_t flags_parity(uint32_t value)
{
    /* 0x9669: bit n set when nibble n has an even number of ones */
    return ((0x9669u >> ((value ^ (value >> 4)) & 0xF)) & 1) ? EFLAGS_PF : 0;
}

uint32_t flags_compute(uint32_t op, uint32_t res, uint32_t src1, uint32_t src2)
{
    unsigned kind = CC_KIND(op);
    struct cc_in in;

    /* CC_EFLAGS (0) wraps around: its flags are in cpu->eflags, not here */
    if (kind - 1u >= CC_KIND_COUNT - 1u)
        return 0;
    in = cc_in_make(op, res, src1, src2);
    return cf_table[kind](&in) | rest_table[kind](&in) | flags_parity(in.res) |
           (in.res == 0 ? EFLAGS_ZF : 0) | (top(in.res, in.sign) ? EFLAGS_SF : 0);
}

uint32_t flags_compute_cf(uint32_t op, uint32_t res, uint32_t src1, uint32_t src2)
{
    unsigned kind = CC_KIND(op);
    struct cc_in in;

    if (kind >= CC_KIND_COUNT)
        return 0;
    in = cc_in_make(op, res, src1, src2);
    return cf_table[kind](&in);
}

uint32_t flags_cond(const struct cpu *cpu, unsigned cc)
{
    const struct lazy_flags *lf = &cpu->flags;
    uint32_t f = CC_KIND(lf->op) == CC_EFLAGS ? cpu->eflags
                                               : flags_compute(lf->op, lf->res, lf->src1, lf->src2);
    uint32_t of = (f >> 11) & 1, cf = f & 1, zf = (f >> 6) & 1, sf = (f >> 7) & 1;
    uint32_t pf = (f >> 2) & 1, lt = sf ^ of;
    /* one bit per condition pair O, B, E, BE, S, P, L, LE; odd cc negates */
    uint32_t v = of | cf << 1 | zf << 2 | (cf | zf) << 3 | sf << 4 | pf << 5 | lt << 6 |
                 (zf | lt) << 7;

    return ((v >> ((cc >> 1) & 7)) & 1) ^ (cc & 1);
}
