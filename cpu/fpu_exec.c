/* Shared pieces of the x87 instruction helpers: memory operand access and
 * conversion, stack checks, flag and result commit. Intel SDM vol. 1 8.5-8.7
 * (stack faults, masked responses), vol. 2 (operand formats). */
#include "cpu.h"
#include "fpu.h"
#include "fpu_exec.h"
#include "mem.h"

/* ---- memory access ---- */

void fpx_mem_read(struct fpx *x, uint8_t *buf, unsigned len)
{
    for (unsigned i = 0; i < len;) {
        unsigned n = len - i >= 4 ? 4 : 2;
        uint32_t v = cpu_read(x->cpu, x->seg, x->ea + i, n);
        for (unsigned k = 0; k < n; k++)
            buf[i + k] = (uint8_t)(v >> (8 * k));
        i += n;
    }
}

void fpx_mem_write(struct fpx *x, const uint8_t *buf, unsigned len)
{
    for (unsigned i = 0; i < len;) {
        unsigned n = len - i >= 4 ? 4 : 2;
        uint32_t v = 0;
        for (unsigned k = 0; k < n; k++)
            v |= (uint32_t)buf[i + k] << (8 * k);
        cpu_write(x->cpu, x->seg, x->ea + i, n, v);
        i += n;
    }
}

static uint64_t le64(const uint8_t *p, unsigned len)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < len; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void put_le(uint8_t *p, uint64_t v, unsigned len)
{
    for (unsigned i = 0; i < len; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- memory operand types ---- */

const uint8_t fpx_mtype_size[] = { 4, 8, 10, 2, 4, 8, 10 };

/* Read and convert a memory operand; load: FLD semantics for SNaN. */
struct fx80 fpx_read_operand(struct fpx *x, enum mtype t, struct sf_env *env, bool load)
{
    uint8_t b[10];
    fpx_mem_read(x, b, fpx_mtype_size[t]);
    switch (t) {
    case MT_F32: return sf80_from_f32(env, (uint32_t)le64(b, 4), load);
    case MT_F64: return sf80_from_f64(env, le64(b, 8), load);
    case MT_F80: return fpu_get80(b);
    case MT_I16: return sf80_from_int((int16_t)le64(b, 2));
    case MT_I32: return sf80_from_int((int32_t)le64(b, 4));
    case MT_I64: return sf80_from_int((int64_t)le64(b, 8));
    default: return sf80_from_bcd(b);
    }
}

/* Convert ST(0) for a store into the memory image b. */
void fpx_convert_store(enum mtype t, struct sf_env *env, struct fx80 v, uint8_t *b)
{
    switch (t) {
    case MT_F32: put_le(b, sf80_to_f32(env, v), 4); break;
    case MT_F64: put_le(b, sf80_to_f64(env, v), 8); break;
    case MT_F80: fpu_put80(b, v); break;
    case MT_I16: put_le(b, (uint64_t)sf80_to_int(env, v, 16), 2); break;
    case MT_I32: put_le(b, (uint64_t)sf80_to_int(env, v, 32), 4); break;
    case MT_I64: put_le(b, (uint64_t)sf80_to_int(env, v, 64), 8); break;
    default: sf80_to_bcd(env, v, b); break;
    }
}

/* ---- common instruction skeletons ---- */

/* Apply an operation's flags and C1; false when an unmasked pre-computation
 * exception (IE, DE, ZE) leaves destination and stack unchanged (SDM 8.7). */
bool fpx_apply_flags(struct fpu *f, const struct sf_env *env)
{
    fpu_raise(f, env->flags);
    return !(env->flags & ~env->masks & (SF_IE | SF_DE | SF_ZE));
}

/* C1 after a rounded result: set when rounded up (SDM vol. 1 8.1.3.1) */
void fpx_set_c1(struct fpu *f, const struct sf_env *env)
{
    fpu_set_cc(f, FSW_C1, env->c1 ? FSW_C1 : 0);
}

void fpx_commit(struct fpu *f, const struct sf_env *env, unsigned dst, struct fx80 r,
                bool pop)
{
    fpx_set_c1(f, env);
    if (!fpx_apply_flags(f, env))
        return;
    fpu_set_st(f, dst, r);
    if (pop)
        fpu_pop(f);
}

/* Stack underflow on reading empty registers; masked response: dst gets the
 * indefinite (then the pop). True when the operands are present. */
bool fpx_need_regs(struct fpu *f, unsigned i, unsigned j, unsigned dst, bool pop)
{
    if (!fpu_empty(f, i) && !fpu_empty(f, j))
        return true;
    if (fpu_stack_fault(f, false)) {
        fpu_set_st(f, dst, sf80_indefinite());
        if (pop)
            fpu_pop(f);
    }
    return false;
}

/* Push with the stack-overflow check (SDM 8.5.1.1): ST(7) must be empty. */
void fpx_push_value(struct fpu *f, const struct sf_env *env, struct fx80 v)
{
    if (!fpu_empty(f, 7)) {
        if (fpu_stack_fault(f, true))
            fpu_push(f, sf80_indefinite());
        return;
    }
    fpx_set_c1(f, env);
    fpu_raise(f, env->flags);
    /* only an unmasked IE stops a load: a denormal is loaded even when DE
     * is unmasked (as the x86-64 oracle does) */
    if (!(env->flags & ~env->masks & SF_IE))
        fpu_push(f, v);
}
