/* x86-64 backend: one emitter per IR op (translate/ir_ops.def). Pure ops on
 * constants fold at compile time; the semantics are the portable backend's
 * (the reference): results truncated to the op size, temps 32-bit. */
#include "bits.h"
#include <stddef.h>

#include "backend_x86_64.h"
#include "cpu.h"
#include "exec.h"
#include "flags.h"
#include "helpers.h"
#include "jitmem.h"
#include "tb.h"
#include "x64_asm.h"

static uint32_t sext_from(uint32_t v, unsigned size)
{
    if (size == 1)
        return (uint32_t)(int32_t)(int8_t)v;
    if (size == 2)
        return (uint32_t)(int32_t)(int16_t)v;
    return v;
}

static void trunc_reg(struct x64_buf *b, unsigned size, int reg)
{
    if (size < 4)
        x64_movzx(b, size, reg, reg);
}

/* ---- C calls from the main path ---- */

enum carg_kind { CA_NONE, CA_CPU, CA_CTX, CA_IMM, CA_TEMP };

struct carg {
    uint8_t kind;
    uint32_t v;
};

static const int8_t arg_regs[5] = {X64_RDI, X64_RSI, X64_RDX, X64_RCX, X64_R8};
static const int8_t arg_scratch[3] = {X64_R11, X64_RAX, X64_RCX};

/* Load args into the SysV argument registers. Temps first go to scratch
 * registers (rcx's value is moved out first: it is also an argument register). */
static void load_args(struct xc *x, struct x64_buf *b, const struct carg *args)
{
    int at[5];
    unsigned ns = 0;
    for (unsigned k = 0; k < 5; k++) {
        at[k] = -1;
        if (args[k].kind == CA_TEMP) {
            at[k] = arg_scratch[ns++];
            xc_load_into(x, b, (ir_tmp)args[k].v, at[k]);
        }
    }
    for (unsigned k = 0; k < 5; k++) {
        if (at[k] == X64_RCX && arg_regs[k] != X64_RCX)
            x64_mov_rr(b, 4, arg_regs[k], X64_RCX);
    }
    for (unsigned k = 0; k < 5; k++) {
        if (at[k] >= 0 && at[k] != X64_RCX)
            x64_mov_rr(b, 4, arg_regs[k], at[k]);
    }
    for (unsigned k = 0; k < 5; k++) {
        if (args[k].kind == CA_CPU)
            x64_mov_rr(b, 8, arg_regs[k], XR_CPU);
        else if (args[k].kind == CA_CTX)
            x64_mov_rr(b, 8, arg_regs[k], XR_CTX);
        else if (args[k].kind == CA_IMM)
            x64_mov_ri(b, arg_regs[k], args[k].v);
    }
}

/* Call fn with args, keeping live caller-saved temps; d = the 32-bit result. */
static void ccall(struct xc *x, const void *fn, const struct carg *args, ir_tmp d)
{
    uint16_t saved;
    xc_alloc(x, d);
    int rd = xc_dst(x, d);
    xc_save_live(x, &x->b, rd, &saved);
    load_args(x, &x->b, args);
    x64_call_abs(&x->b, fn);
    if (rd != XR_S0)
        x64_mov_rr(&x->b, 4, XR_S2, X64_RAX);
    xc_restore_live(x, &x->b, saved);
    if (d && x->loc[d].kind != TL_NONE) {
        if (rd != XR_S0)
            x64_mov_rr(&x->b, 4, rd, XR_S2);
        xc_commit(x, d, rd);
    }
}

/* ---- moves and registers ---- */

static void emit_insn(struct xc *x, const struct ir_op *op)
{
    if (x->insn_may_smc) {
        /* a store may have rewritten this block: leave before this instruction */
        uint32_t cold = x64_pos(&x->cold);
        xc_writeback(x, &x->cold, true);
        xc_flags_store(x, &x->cold, true);
        xc_icount_sync(x, &x->cold, true);
        x64_store_imm(&x->cold, 4, x64_m(XR_CPU, offsetof(struct cpu, eip)), (int32_t)op->imm);
        x64_mov_ri(&x->cold, X64_RAX, 0xFFFFFFFFu);
        xc_jmp_epilogue(x, &x->cold);
        x64_alu_mi(&x->b, X64_CMP, 1, x64_m(XR_CTX, offsetof(struct backend_ctx, smc_self)), 0);
        xc_jcc_to_cold(x, X64_CC_NE, cold);
    }
    x->pending_insns++;
    x->cur_eip = op->imm;
    x->insn_may_smc = false;
}

static void emit_movi(struct xc *x, const struct ir_op *op)
{
    xc_set_const(x, op->d, op->imm);
}

/* d = a where a dies here: d takes over a's register (or home alias). */
static bool mov_rename(struct xc *x, const struct ir_op *op)
{
    struct tloc *la = &x->loc[op->a], *ld = &x->loc[op->d];
    if (!op->a || !op->d || op->a == op->d || la->kind != TL_REG || ld->kind != TL_NONE ||
        x->lastuse[op->a] > x->i)
        return false;
    if (la->alias) {
        xc_alias(x, op->d, la->alias - 1);
        return true;
    }
    *ld = *la;
    x->owner[la->reg] = op->d;
    la->kind = TL_NONE;
    return true;
}

static void emit_mov(struct xc *x, const struct ir_op *op)
{
    if (xc_is_const(x, op->a)) {
        xc_set_const(x, op->d, xc_const(x, op->a));
        return;
    }
    if (mov_rename(x, op))
        return;
    xc_alloc(x, op->d);
    int rd = xc_dst(x, op->d);
    xc_load_into(x, &x->b, op->a, rd);
    xc_commit(x, op->d, rd);
}

static bool getr_unneeded(const struct xc *x, const struct ir_op *op, int g);
static bool writes_reg(const struct ir_op *op, int g);

/* Is a 16-bit getr of g read only by a 16-bit setr soon after, with g
 * unchanged in between? Then the setr copies from g's home directly. */
static bool getr_copy_only(const struct xc *x, const struct ir_op *op, int g)
{
    unsigned k = x->lastuse[op->d];
    if (op->size != 2 || x->copy_tmp || k <= x->i || k - x->i > 8)
        return false;
    const struct ir_op *use = &x->ir->ops[k];
    if (use->opc != IR_setr || use->a != op->d || use->size != 2)
        return false;
    for (unsigned j = x->i + 1; j < k; j++) {
        const struct ir_op *o = &x->ir->ops[j];
        if (writes_reg(o, g) || o->a == op->d || o->b == op->d || o->c == op->d ||
            o->d == op->d)
            return false;
    }
    return true;
}

/* The register holding the value a setr stores (getr_copy_only's home). */
static int setr_value(struct xc *x, const struct ir_op *op)
{
    if (x->copy_tmp && op->a == x->copy_tmp) {
        x->copy_tmp = 0;
        return x->copy_reg;
    }
    return xc_src(x, &x->b, op->a, XR_S1);
}

static void emit_getr(struct xc *x, const struct ir_op *op)
{
    bool high = op->size == 1 && op->imm >= 4;
    int g = (int)(op->size == 1 ? op->imm & 3 : op->imm);
    int h = xc_home(x, g);
    if (h >= 0 && op->size == 4) {
        xc_alias(x, op->d, g);
        return;
    }
    if (h >= 0 && getr_unneeded(x, op, g))
        return;
    if (h >= 0 && getr_copy_only(x, op, g)) {
        x->copy_tmp = op->d;
        x->copy_reg = h;
        return;
    }
    xc_alloc(x, op->d);
    int rd = xc_dst(x, op->d);
    if (h < 0) {
        x64_load(&x->b, op->size, rd, x64_m(XR_CPU, xc_reg_off(g) + (high ? 1 : 0)));
    } else if (op->size == 4) {
        x64_mov_rr(&x->b, 4, rd, h);
    } else if (!high) {
        x64_movzx(&x->b, op->size, rd, h);
    } else {
        x64_mov_rr(&x->b, 4, rd, h);
        x64_shift_ri(&x->b, X64_SHR, 4, rd, 8);
        x64_movzx(&x->b, 1, rd, rd);
    }
    xc_commit(x, op->d, rd);
}

static void setr_memory(struct xc *x, const struct ir_op *op, int g, bool high)
{
    struct x64_mem m = x64_m(XR_CPU, xc_reg_off(g) + (high ? 1 : 0));
    if (xc_is_const(x, op->a))
        x64_store_imm(&x->b, op->size, m, (int32_t)xc_const(x, op->a));
    else
        x64_store(&x->b, op->size, m, setr_value(x, op));
}

static void emit_setr(struct xc *x, const struct ir_op *op)
{
    bool high = op->size == 1 && op->imm >= 4;
    int g = (int)(op->size == 1 ? op->imm & 3 : op->imm);
    if (x->home[g] < 0) {
        setr_memory(x, op, g, high);
        return;
    }
    if (x->setr_done == x->i + 1) {
        /* emit_alu2_narrow_home updated the home already */
        x->dirty[g] = true;
        return;
    }
    if (op->size == 4 && x->loaded[g] && x->loc[op->a].kind == TL_REG &&
        x->loc[op->a].alias == g + 1) {
        /* the value is already in the home (emit_alu2_home, or g = g) */
        x->dirty[g] = true;
        return;
    }
    xc_unalias(x, g);
    if (op->size == 4) {
        xc_load_into(x, &x->b, op->a, x->home[g]);
        x->loaded[g] = true;
    } else {
        int h = xc_home(x, g);
        int rv = setr_value(x, op);
        if (high)
            x64_shift_ri(&x->b, X64_ROR, 4, h, 8);
        x64_mov_rr(&x->b, op->size, h, rv);
        if (high)
            x64_shift_ri(&x->b, X64_ROL, 4, h, 8);
    }
    x->dirty[g] = true;
}

static int32_t seg_off(uint32_t seg, size_t field)
{
    return (int32_t)(offsetof(struct cpu, seg) + seg * sizeof(struct seg) + field);
}

static void emit_getseg(struct xc *x, const struct ir_op *op)
{
    xc_alloc(x, op->d);
    int rd = xc_dst(x, op->d);
    x64_load(&x->b, 2, rd, x64_m(XR_CPU, seg_off(op->imm, offsetof(struct seg, sel))));
    xc_commit(x, op->d, rd);
}

static void emit_getbase(struct xc *x, const struct ir_op *op)
{
    xc_alloc(x, op->d);
    int rd = xc_dst(x, op->d);
    x64_load(&x->b, 4, rd, x64_m(XR_CPU, seg_off(op->imm, offsetof(struct seg, base))));
    xc_commit(x, op->d, rd);
}

/* ---- arithmetic ---- */

static uint32_t fold2(unsigned opc, unsigned size, uint32_t a, uint32_t b)
{
    uint32_t m = size_mask(size);
    switch (opc) {
    case IR_add: return (a + b) & m;
    case IR_sub: return (a - b) & m;
    case IR_and: return a & b & m;
    case IR_or: return (a | b) & m;
    case IR_xor: return (a ^ b) & m;
    case IR_shl: return (a << (b & 31)) & m;
    case IR_shr: return ((a & m) >> (b & 31)) & m;
    case IR_sar: return (uint32_t)((int32_t)sext_from(a, size) >> (b & 31)) & m;
    case IR_mul: return (a * b) & m;
    default: return a == b;
    }
}

static const int8_t alu_host[IR_COUNT] = {
    [IR_add] = X64_ADD + 1, [IR_sub] = X64_SUB + 1, [IR_and] = X64_AND + 1,
    [IR_or] = X64_OR + 1, [IR_xor] = X64_XOR + 1,
};

static const int8_t shift_host[IR_COUNT] = {
    [IR_shl] = X64_SHL + 1, [IR_shr] = X64_SHR + 1, [IR_sar] = X64_SAR + 1,
};

/* a_ready: rd holds a already */
static void emit_shift(struct xc *x, const struct ir_op *op, int rd, bool a_ready)
{
    struct x64_buf *b = &x->b;
    enum x64_shift sh = (enum x64_shift)(shift_host[op->opc] - 1);
    if (!xc_is_const(x, op->b))
        xc_load_into(x, b, op->b, X64_RCX);
    if (!a_ready)
        xc_load_into(x, b, op->a, rd);
    if (op->opc == IR_shr && !xc_fits(x, op->a, op->size))
        trunc_reg(b, op->size, rd);
    else if (op->opc == IR_sar && op->size < 4)
        x64_movsx(b, op->size, rd, rd);
    if (!xc_is_const(x, op->b))
        x64_shift_cl(b, sh, 4, rd);
    else if (xc_const(x, op->b) & 31)
        x64_shift_ri(b, sh, 4, rd, (uint8_t)(xc_const(x, op->b) & 31));
    if (op->opc != IR_shr)
        trunc_reg(b, op->size, rd);
}

static void emit_seteq(struct xc *x, const struct ir_op *op, int rd)
{
    int ra = xc_src(x, &x->b, op->a, XR_S1);
    if (xc_is_const(x, op->b))
        x64_alu_ri(&x->b, X64_CMP, 4, ra, (int32_t)xc_const(x, op->b));
    else
        x64_alu_rr(&x->b, X64_CMP, 4, ra, xc_src(x, &x->b, op->b, XR_S2));
    x64_setcc(&x->b, X64_CC_E, X64_RAX);
    x64_movzx(&x->b, 1, rd, X64_RAX);
}

/* The host operand size for a 1- or 2-byte add sub and or xor that needs no
 * truncation after it (4: truncate). and/or/xor of values that fit stay in
 * range at any width; otherwise a narrow op on a zero-extended a keeps the
 * upper bits zero. */
static unsigned arith_width(const struct xc *x, const struct ir_op *op, bool *trunc)
{
    *trunc = op->size < 4;
    if (op->size >= 4 || op->opc == IR_mul || !xc_fits(x, op->a, op->size))
        return 4;
    *trunc = false;
    if (op->opc == IR_and || (op->opc != IR_add && op->opc != IR_sub &&
                              xc_fits(x, op->b, op->size)))
        return 4;
    return op->size;
}

/* add of a register and a constant or two registers into another register:
 * one lea. False when it does not apply. */
static bool arith_lea(struct xc *x, const struct ir_op *op, int rd, unsigned w)
{
    ir_tmp ta = op->a, tb = op->b;
    if (op->opc != IR_add || w != 4)
        return false;
    if (xc_is_const(x, ta)) {
        ta = op->b;
        tb = op->a;
    }
    const struct tloc *la = &x->loc[ta], *lb = &x->loc[tb];
    if (!ta || la->kind != TL_REG || la->reg == rd)
        return false;
    if (xc_is_const(x, tb))
        x64_lea(&x->b, 4, rd, x64_m(la->reg, (int32_t)xc_const(x, tb)));
    else if (lb->kind == TL_REG)
        x64_lea(&x->b, 4, rd, x64_mi(la->reg, lb->reg, 1, 0));
    else
        return false;
    return true;
}

/* add sub and or xor mul: rd = a op b, truncated (a_ready: rd holds a). */
static void emit_arith(struct xc *x, const struct ir_op *op, int rd, bool a_ready)
{
    struct x64_buf *b = &x->b;
    bool bconst = xc_is_const(x, op->b) && op->opc != IR_mul;
    bool trunc;
    unsigned w = arith_width(x, op, &trunc);
    if (!a_ready && arith_lea(x, op, rd, w)) {
        if (trunc)
            trunc_reg(b, op->size, rd);
        return;
    }
    int rb = bconst ? -1 : xc_src(x, b, op->b, XR_S2);
    if (!a_ready)
        xc_load_into(x, b, op->a, rd);
    if (op->opc == IR_mul)
        x64_imul_rr(b, 4, rd, rb);
    else if (bconst)
        x64_alu_ri(b, (enum x64_alu)(alu_host[op->opc] - 1), w, rd, (int32_t)xc_const(x, op->b));
    else
        x64_alu_rr(b, (enum x64_alu)(alu_host[op->opc] - 1), w, rd, rb);
    if (trunc)
        trunc_reg(b, op->size, rd);
}

/* Is d = v op c just v (c a neutral constant, v already in range)? */
static bool neutral(const struct xc *x, const struct ir_op *op, ir_tmp v, ir_tmp c)
{
    if (!xc_is_const(x, c) || !xc_fits(x, v, op->size))
        return false;
    uint32_t k = xc_const(x, c);
    switch (op->opc) {
    case IR_add: case IR_or: case IR_xor:
        return k == 0;
    case IR_sub:
        return k == 0 && c == op->b;
    case IR_shl: case IR_shr: case IR_sar:
        return (k & 31) == 0 && c == op->b;
    case IR_and:
        return (k & size_mask(op->size)) == size_mask(op->size);
    case IR_mul:
        return k == 1;
    default:
        return false;
    }
}

/* The operand d = a op b equals (neutral b, or a for the commutative ops),
 * else 0. */
static ir_tmp identity_of(const struct xc *x, const struct ir_op *op)
{
    if (neutral(x, op, op->a, op->b))
        return op->a;
    if (op->b && neutral(x, op, op->b, op->a))
        return op->b;
    return 0;
}

/* The setr storing op's result right after it (past getcf and movi, which
 * touch no guest register: INC/DEC read CF in between), else NULL. */
static const struct ir_op *setr_after_at(const struct xc *x, const struct ir_op *op,
                                         unsigned at)
{
    for (unsigned k = at + 1; k < x->ir->nops && k <= at + 2; k++) {
        const struct ir_op *o = &x->ir->ops[k];
        if (o->opc == IR_setr)
            return o->a == op->d ? o : NULL;
        if (o->opc != IR_getcf && o->opc != IR_movi)
            return NULL;
    }
    return NULL;
}

static const struct ir_op *setr_after(const struct xc *x, const struct ir_op *op)
{
    return setr_after_at(x, op, x->i);
}

/* The guest register whose home a 32-bit op may compute into: the setr
 * after it stores d there, and b is not read from that home after it
 * changes. -1 if none. */
static int alu2_home(const struct xc *x, const struct ir_op *op)
{
    if (op->size != 4 || op->opc == IR_seteq)
        return -1;
    const struct ir_op *next = setr_after(x, op);
    if (!next || next->size != 4 || x->home[next->imm] < 0)
        return -1;
    int h = x->home[next->imm];
    const struct tloc *la = &x->loc[op->a], *lb = &x->loc[op->b];
    bool a_in_h = op->a && la->kind == TL_REG && la->reg == h;
    bool b_in_h = op->b && lb->kind == TL_REG && lb->reg == h;
    if ((b_in_h && !a_in_h && !shift_host[op->opc]) || (op->d == op->b && op->d != op->a))
        return -1;
    return (int)next->imm;
}

/* d = a op b computed in guest register g's home; d becomes its alias, so
 * the setr that follows costs nothing. */
static void emit_alu2_home(struct xc *x, const struct ir_op *op, int g)
{
    int h = x->home[g];
    const struct tloc *la = &x->loc[op->a];
    bool a_in_h = op->a && la->kind == TL_REG && la->reg == h;
    xc_unalias_later(x, g);
    if (shift_host[op->opc])
        emit_shift(x, op, h, a_in_h);
    else
        emit_arith(x, op, h, a_in_h);
    x->loaded[g] = true;
    xc_alias(x, op->d, g);
}

/* May op change guest register g (or its home)? */
static bool writes_reg(const struct ir_op *op, int g)
{
    if (op->opc == IR_call || op->opc == IR_label)
        return true;
    return op->opc == IR_setr && (int)(op->size == 1 ? op->imm & 3 : op->imm) == g;
}

/* The guest register whose home a 1/2-byte add sub and or xor can update in
 * place (op h16, b): the setr after it stores d there at the op's size, and
 * a is a getr of the same register part, unchanged since. -1 if none. */
static int alu2_narrow_home_at(const struct xc *x, const struct ir_op *op, unsigned at)
{
    const struct ir_op *next = setr_after_at(x, op, at);
    if (op->size == 4 || !alu_host[op->opc] || !op->a || xc_is_const(x, op->a) || !next ||
        next->size != op->size || (op->size == 1 && next->imm >= 4) || x->home[next->imm] < 0 ||
        !x->loaded[next->imm])
        return -1;
    unsigned k = x->def[op->a];
    const struct ir_op *def = &x->ir->ops[k];
    if (def->opc != IR_getr || def->d != op->a || def->size != op->size ||
        def->imm != next->imm || k >= at || at - k > 8)
        return -1;
    for (unsigned j = k + 1; j < at; j++) {
        const struct ir_op *o = &x->ir->ops[j];
        if (writes_reg(o, (int)next->imm) || (o->d == op->a && o->opc != IR_flags))
            return -1;
    }
    return (int)next->imm;
}

static int alu2_narrow_home(const struct xc *x, const struct ir_op *op)
{
    return alu2_narrow_home_at(x, op, x->i);
}

/* Is getr op's result read only as a of an op that will update g's home in
 * place (alu2_narrow_home)? Then it needs no code: nothing reads it. */
static bool getr_unneeded(const struct xc *x, const struct ir_op *op, int g)
{
    unsigned k = x->lastuse[op->d];
    if (op->size == 4 || (op->size == 1 && op->imm >= 4) || k <= x->i || k - x->i > 8)
        return false;
    const struct ir_op *use = &x->ir->ops[k];
    if (use->a != op->d || use->b == op->d || alu2_narrow_home_at(x, use, k) != g)
        return false;
    for (unsigned j = x->i + 1; j < k; j++) {
        const struct ir_op *o = &x->ir->ops[j];
        if (o->a == op->d || o->b == op->d || o->c == op->d || o->d == op->d)
            return false;
    }
    return true;
}

/* op h, b on guest register g's home (alu2_narrow_home); d, if read after
 * the setr that this makes redundant, is the home's low part. */
static void emit_alu2_narrow_home(struct xc *x, const struct ir_op *op, int g)
{
    struct x64_buf *b = &x->b;
    int h = x->home[g];
    enum x64_alu alu = (enum x64_alu)(alu_host[op->opc] - 1);
    xc_unalias_later(x, g);
    if (xc_is_const(x, op->b))
        x64_alu_ri(b, alu, op->size, h, (int32_t)xc_const(x, op->b));
    else
        x64_alu_rr(b, alu, op->size, h, xc_src(x, b, op->b, XR_S2));
    unsigned at = (unsigned)(setr_after(x, op) - x->ir->ops);
    x->setr_done = at + 1;
    if (x->lastuse[op->d] > at) {
        xc_alloc(x, op->d);
        int rd = xc_dst(x, op->d);
        x64_movzx(b, op->size, rd, h);
        xc_commit(x, op->d, rd);
    }
}

static void emit_alu2(struct xc *x, const struct ir_op *op)
{
    if (xc_is_const(x, op->a) && xc_is_const(x, op->b)) {
        xc_set_const(x, op->d, fold2(op->opc, op->size,
                                     xc_const(x, op->a), xc_const(x, op->b)));
        return;
    }
    /* first: getr_unneeded left a without a value for this case */
    int g = alu2_narrow_home(x, op);
    if (g >= 0) {
        emit_alu2_narrow_home(x, op, g);
        return;
    }
    ir_tmp same = identity_of(x, op);
    if (same) {
        struct ir_op mv = {.opc = IR_mov, .size = 4, .d = op->d, .a = same};
        emit_mov(x, &mv);
        return;
    }
    g = alu2_home(x, op);
    if (g >= 0) {
        emit_alu2_home(x, op, g);
        return;
    }
    xc_alloc(x, op->d);
    /* a destination sharing b's temp would be overwritten before b is read */
    int rd = op->d == op->b && op->d != op->a ? XR_S0 : xc_dst(x, op->d);
    if (shift_host[op->opc])
        emit_shift(x, op, rd, false);
    else if (op->opc == IR_seteq)
        emit_seteq(x, op, rd);
    else
        emit_arith(x, op, rd, false);
    if (rd != xc_dst(x, op->d))
        x64_mov_rr(&x->b, 4, xc_dst(x, op->d), rd);
    xc_commit(x, op->d, xc_dst(x, op->d));
}

static uint32_t fold1(unsigned opc, unsigned size, uint32_t a)
{
    switch (opc) {
    case IR_not: return ~a & size_mask(size);
    case IR_neg: return (0u - a) & size_mask(size);
    case IR_sext: return sext_from(a, size);
    case IR_zext: return a & size_mask(size);
    default: return __builtin_bswap32(a);
    }
}

static void emit_alu1(struct xc *x, const struct ir_op *op)
{
    struct x64_buf *b = &x->b;
    if (xc_is_const(x, op->a)) {
        xc_set_const(x, op->d, fold1(op->opc, op->size, xc_const(x, op->a)));
        return;
    }
    if (op->opc == IR_zext && xc_fits(x, op->a, op->size)) {
        struct ir_op mv = {.opc = IR_mov, .size = 4, .d = op->d, .a = op->a};
        emit_mov(x, &mv);
        return;
    }
    xc_alloc(x, op->d);
    int rd = xc_dst(x, op->d);
    if ((op->opc == IR_sext || op->opc == IR_zext) && op->size < 4) {
        int ra = xc_src(x, b, op->a, XR_S1);
        if (op->opc == IR_sext)
            x64_movsx(b, op->size, rd, ra);
        else
            x64_movzx(b, op->size, rd, ra);
    } else {
        xc_load_into(x, b, op->a, rd);
        if (op->opc == IR_not)
            x64_not(b, 4, rd);
        else if (op->opc == IR_neg)
            x64_neg(b, 4, rd);
        else if (op->opc == IR_bswap)
            x64_bswap(b, rd);
        if (op->opc == IR_not || op->opc == IR_neg)
            trunc_reg(b, op->size, rd);
    }
    xc_commit(x, op->d, rd);
}

static void emit_select(struct xc *x, const struct ir_op *op)
{
    struct x64_buf *b = &x->b;
    if (xc_is_const(x, op->a)) {
        ir_tmp pick = xc_const(x, op->a) ? op->b : op->c;
        struct ir_op mv = {.opc = IR_mov, .size = 4, .d = op->d, .a = pick};
        emit_mov(x, &mv);
        return;
    }
    xc_alloc(x, op->d);
    int rd = op->d == op->a || op->d == op->b ? XR_S0 : xc_dst(x, op->d);
    xc_load_into(x, b, op->c, rd);
    x64_test_rr(b, 4, xc_src(x, b, op->a, XR_S1), xc_src(x, b, op->a, XR_S1));
    x64_cmov(b, X64_CC_NE, 4, rd, xc_src(x, b, op->b, XR_S2));
    if (rd != xc_dst(x, op->d))
        x64_mov_rr(b, 4, xc_dst(x, op->d), rd);
    xc_commit(x, op->d, xc_dst(x, op->d));
}

/* ---- flags ---- */

static void emit_flags(struct xc *x, const struct ir_op *op)
{
    struct pending_flags *f = &x->fl;
    const struct ir_op *def = &x->ir->ops[x->def[op->d]];
    enum cc_kind kind = CC_KIND(op->imm);
    f->valid = true;
    f->op = op->imm;
    f->res = op->d;
    f->src1 = op->a;
    f->src2 = op->b;
    f->plain = false;
    if (x->def[op->d] == 0 || def->d != op->d || def->size != op->size)
        return;
    if (kind == CC_SUB)
        f->plain = (def->opc == IR_sub && def->a == op->a && def->b == op->b) ||
                   (def->opc == IR_neg && def->a == op->b && xc_is_const(x, op->a) &&
                    xc_const(x, op->a) == 0);
    else if (kind == CC_ADD)
        f->plain = def->opc == IR_add && ((def->a == op->a && def->b == op->b) ||
                                         (def->a == op->b && def->b == op->a));
}

/* Can host_flags recreate the pending flags? */
static bool host_flags_ok(const struct xc *x)
{
    const struct pending_flags *f = &x->fl;
    enum cc_kind k = CC_KIND(f->op);
    return f->valid && (k == CC_LOGIC || k == CC_INC || k == CC_DEC ||
                        ((k == CC_ADD || k == CC_SUB) && f->plain));
}

/* Does condition cc (0-15) read CF? B, AE, BE, A. */
static bool cc_reads_cf(unsigned cc)
{
    return (cc & 0xC) == 0 ? (cc & 0xE) == 2 : (cc & 0xE) == 6;
}

/* Set the host flags as the pending guest flags op would have (CF only if
 * need_cf). False when that takes more than one instruction (the caller
 * then asks flags.c). */
static bool host_flags(struct xc *x, bool need_cf)
{
    struct x64_buf *b = &x->b;
    const struct pending_flags *f = &x->fl;
    unsigned size = CC_SIZE(f->op);
    if (!host_flags_ok(x))
        return false;
    switch (CC_KIND(f->op)) {
    case CC_LOGIC: {
        int r = xc_src(x, b, f->res, XR_S0);
        x64_test_rr(b, size, r, r);
        return true;
    }
    case CC_SUB:
    case CC_ADD: {
        if (!f->plain)
            return false;
        bool sub = CC_KIND(f->op) == CC_SUB;
        /* cmp leaves src1 alone; add needs a copy */
        int r1 = XR_S0;
        if (sub)
            r1 = xc_src(x, b, f->src1, XR_S0);
        else
            xc_load_into(x, b, f->src1, r1);
        if (xc_is_const(x, f->src2))
            x64_alu_ri(b, sub ? X64_CMP : X64_ADD, size, r1, (int32_t)xc_const(x, f->src2));
        else
            x64_alu_rr(b, sub ? X64_CMP : X64_ADD, size, r1, xc_src(x, b, f->src2, XR_S2));
        return true;
    }
    case CC_INC:
    case CC_DEC:
        /* CF is kept from src2; INC/DEC leave the host CF alone too */
        if (need_cf)
            x64_bt_ri(b, xc_src(x, b, f->src2, XR_S2), 0);
        xc_load_into(x, b, f->src1, XR_S0);
        if (CC_KIND(f->op) == CC_INC)
            x64_inc(b, size, XR_S0);
        else
            x64_dec(b, size, XR_S0);
        return true;
    default:
        return false;
    }
}

static void set_from_host_cc(struct xc *x, ir_tmp d, enum x64_cc cc)
{
    xc_alloc(x, d);
    int rd = xc_dst(x, d);
    x64_setcc(&x->b, cc, XR_S1);
    x64_movzx(&x->b, 1, rd, XR_S1);
    xc_commit(x, d, rd);
}

static void emit_cond(struct xc *x, const struct ir_op *op)
{
    const struct ir_op *next = op + 1;
    if (host_flags_ok(x) && x->i + 1 < x->ir->nops && next->a == op->d &&
        (next->opc == IR_brz || next->opc == IR_brnz) && x->lastuse[op->d] == x->i + 1) {
        /* emit_branch tests the host flags itself */
        x->fused_cc = (int)(op->imm & 15);
        return;
    }
    if (host_flags(x, cc_reads_cf(op->imm & 15))) {
        set_from_host_cc(x, op->d, (enum x64_cc)(op->imm & 15));
        return;
    }
    xc_flags_store(x, &x->b, false);
    struct carg args[5] = {{CA_CPU, 0}, {CA_IMM, op->imm & 15}};
    ccall(x, (const void *)flags_cond, args, op->d);
}

uint32_t x64_rt_getcf(struct cpu *cpu);
uint32_t x64_rt_getcf(struct cpu *cpu)
{
    const struct lazy_flags *f = &cpu->flags;
    if (CC_KIND(f->op) == CC_EFLAGS)
        return cpu->eflags & EFLAGS_CF;
    return flags_compute_cf(f->op, f->res, f->src1, f->src2);
}

/* d = CF of the record already in cpu->flags (none pending). INC/DEC keep
 * CF in src2 (flags.h), read inline; other kinds call x64_rt_getcf from a
 * cold stub. */
static void getcf_stored(struct xc *x, ir_tmp d)
{
    struct x64_buf *b = &x->b;
    uint16_t saved;
    xc_alloc(x, d);
    int rd = xc_dst(x, d);
    uint32_t cold = x64_pos(&x->cold);
    xc_save_live(x, &x->cold, rd, &saved);
    x64_mov_rr(&x->cold, 8, X64_RDI, XR_CPU);
    x64_call_abs(&x->cold, (const void *)x64_rt_getcf);
    x64_mov_rr(&x->cold, 4, XR_S2, X64_RAX);
    xc_restore_live(x, &x->cold, saved);
    x64_mov_rr(&x->cold, 4, rd, XR_S2);
    uint32_t back = x64_jmp32(&x->cold);
    _Static_assert((CC_INC ^ CC_DEC) == 1, "INC and DEC differ in bit 0 only");
    x64_load(b, 1, XR_S0, x64_m(XR_CPU, offsetof(struct cpu, flags.op)));
    x64_alu_ri(b, X64_OR, 4, XR_S0, 1);
    x64_alu_ri(b, X64_CMP, 4, XR_S0, CC_DEC);
    xc_jcc_to_cold(x, X64_CC_NE, cold);
    x64_load(b, 4, rd, x64_m(XR_CPU, offsetof(struct cpu, flags.src2)));
    xc_add_fix(x, FIX_COLD_TO_MAIN, back, x64_pos(b));
    xc_commit(x, d, rd);
}

static void emit_getcf(struct xc *x, const struct ir_op *op)
{
    const struct pending_flags *f = &x->fl;
    if (f->valid && CC_KIND(f->op) == CC_LOGIC) {
        xc_set_const(x, op->d, 0);
    } else if (f->valid && (CC_KIND(f->op) == CC_INC || CC_KIND(f->op) == CC_DEC)) {
        struct ir_op mv = {.opc = IR_mov, .size = 4, .d = op->d, .a = f->src2};
        emit_mov(x, &mv);
    } else if (f->valid && f->plain && host_flags(x, true)) {
        set_from_host_cc(x, op->d, X64_CC_B);
    } else if (!f->valid) {
        getcf_stored(x, op->d);
    } else {
        xc_flags_store(x, &x->b, false);
        struct carg args[5] = {{CA_CPU, 0}};
        ccall(x, (const void *)x64_rt_getcf, args, op->d);
    }
}

static void emit_getflags(struct xc *x, const struct ir_op *op)
{
    xc_flags_store(x, &x->b, false);
    struct carg args[5] = {{CA_CPU, 0}};
    ccall(x, (const void *)cpu_get_eflags, args, op->d);
}

static void emit_setflags(struct xc *x, const struct ir_op *op)
{
    xc_flags_store(x, &x->b, false);
    struct carg args[5] = {{CA_CPU, 0}, {CA_TEMP, op->a}, {CA_IMM, op->imm}};
    ccall(x, (const void *)cpu_set_eflags, args, 0);
}

/* ---- helper calls ---- */

static void emit_call(struct xc *x, const struct ir_op *op)
{
    xc_sync_all(x, &x->b, false);
    x64_mov_ri64(&x->b, X64_RAX, (uint64_t)(uintptr_t)&x->ctx->stats->helper_calls[op->hid]);
    x64_alu_mi(&x->b, X64_ADD, 8, x64_m(X64_RAX, 0), 1);
    struct carg args[5] = {{CA_CPU, 0}, {CA_TEMP, op->a}, {CA_TEMP, op->b}, {CA_TEMP, op->c},
                           {CA_IMM, op->imm}};
    ccall(x, (const void *)helper_table[op->hid].fn, args, op->d);
    /* helpers read and write guest registers in struct cpu */
    xc_forget_homes(x);
    x->insn_may_smc = x->block_may_smc = true;
    if (op->hid == HELPER_outs) {
        struct carg a20[5] = {{CA_CTX, 0}};
        ccall(x, (const void *)x64_rt_check_a20, a20, 0);
    }
}

/* ---- branches and exits ---- */

static void sync_for_branch(struct xc *x)
{
    xc_writeback(x, &x->b, false);
    xc_flags_store(x, &x->b, false);
    xc_icount_sync(x, &x->b, false);
}

/* The branch on a fused cond (emit_cond): sync first, as that changes the
 * host flags, then recreate the guest's; returns the jcc condition. */
static enum x64_cc branch_on_flags(struct xc *x, const struct ir_op *op)
{
    unsigned cc = (unsigned)x->fused_cc;
    x->fused_cc = -1;
    xc_writeback(x, &x->b, false);
    xc_icount_sync(x, &x->b, false);
    xc_flags_store(x, &x->b, true);
    host_flags(x, cc_reads_cf(cc));
    x->fl.valid = false;
    return (enum x64_cc)(op->opc == IR_brz ? cc ^ 1 : cc);
}

static void emit_branch(struct xc *x, const struct ir_op *op)
{
    enum x64_cc cc;
    if (x->fused_cc >= 0) {
        cc = branch_on_flags(x, op);
    } else {
        sync_for_branch(x);
        int ra = xc_src(x, &x->b, op->a, XR_S1);
        x64_test_rr(&x->b, 4, ra, ra);
        cc = op->opc == IR_brz ? X64_CC_E : X64_CC_NE;
    }
    uint32_t field = x64_jcc32(&x->b, cc);
    if (x->nlfix >= IR_MAX_LABELS * 2) {
        x->overflow = true;
        return;
    }
    x->lfix_field[x->nlfix] = field;
    x->lfix_label[x->nlfix++] = (uint16_t)op->imm;
}

static void emit_label(struct xc *x, const struct ir_op *op)
{
    sync_for_branch(x);
    xc_forget_homes(x);
    for (unsigned k = 0; k < x->nlfix; k++) {
        if (x->lfix_label[k] == op->imm)
            x64_patch_rel32(&x->b, x->lfix_field[k], x64_pos(&x->b));
    }
}

/* The chain conditions of the portable backend's may_chain(); jumps to
 * field-recorded exits when one fails. Returns the number of fields. */
static unsigned chain_checks(struct xc *x, uint32_t *fields)
{
    struct x64_buf *b = &x->b;
    unsigned n = 0;
    x64_load(b, 8, XR_S0, x64_m(XR_CPU, offsetof(struct cpu, icount)));
    x64_alu_rm(b, X64_CMP, 8, XR_S0, x64_m(XR_CTX, offsetof(struct backend_ctx, icount_limit)));
    fields[n++] = x64_jcc32(b, X64_CC_AE);
    x64_alu_mi(b, X64_CMP, 4, x64_m(XR_CPU, offsetof(struct cpu, exit_request)), 0);
    fields[n++] = x64_jcc32(b, X64_CC_NE);
    x64_alu_mi(b, X64_CMP, 1, x64_m(XR_CPU, offsetof(struct cpu, intr)), 0);
    fields[n++] = x64_jcc32(b, X64_CC_NE);
    if (x->block_may_smc) {
        x64_alu_mi(b, X64_CMP, 1, x64_m(XR_CTX, offsetof(struct backend_ctx, smc_self)), 0);
        fields[n++] = x64_jcc32(b, X64_CC_NE);
    }
    return n;
}

static void leave(struct xc *x, int slot)
{
    x64_mov_ri(&x->b, X64_RAX, (uint32_t)slot);
    xc_jmp_epilogue(x, &x->b);
}

static void emit_exit_jmp(struct xc *x, const struct ir_op *op)
{
    uint32_t fields[5];
    unsigned slot = x->exit_slots++ & 1;
    sync_for_branch(x);
    unsigned n = chain_checks(x, fields);
    fields[n++] = x->jmp_field[slot] = x64_jmp32(&x->b);
    x->exit_off[slot] = x64_pos(&x->b);
    for (unsigned k = 0; k < n; k++)
        x64_patch_rel32(&x->b, fields[k], x64_pos(&x->b));
    x64_store_imm(&x->b, 4, x64_m(XR_CPU, offsetof(struct cpu, eip)), (int32_t)op->imm);
    leave(x, (int)slot);
}

const uint8_t *x64_rt_lookup_ind(struct backend_ctx *ctx, const struct x64_block *from);

/* The block being compiled, as it will run (its header in the RX view). */
static const struct x64_block *block_rx(const struct xc *x)
{
    const struct x64_state *st = x->ctx->priv;
    return (const struct x64_block *)(jitmem_rx(st->mem, x->b.start) - X64_HEADER);
}

/* The in-code lookup of an indirect exit (near RET, JMP/CALL r/m): a near
 * transfer keeps CS and the mode, so the target block is known by its EIP
 * alone. Hit: jump straight to the block the header's cache names, if that
 * block is still valid. Miss: fall through to x64_rt_lookup_ind. */
static void ind_cache_probe(struct xc *x, int reip)
{
    struct x64_buf *b = &x->b;
    x64_mov_ri64(b, X64_RAX, (uint64_t)(uintptr_t)block_rx(x));
    x64_alu_rm(b, X64_CMP, 4, reip, x64_m(X64_RAX, offsetof(struct x64_block, ind_eip)));
    uint32_t miss = x64_jcc32(b, X64_CC_NE);
    x64_load(b, 8, XR_S1, x64_m(X64_RAX, offsetof(struct x64_block, ind_tb)));
    x64_alu_mi(b, X64_CMP, 1, x64_m(XR_S1, offsetof(struct tb, valid)), 0);
    uint32_t stale = x64_jcc32(b, X64_CC_E);
    x64_load(b, 8, X64_RAX, x64_m(X64_RAX, offsetof(struct x64_block, ind_host)));
    x64_jmp_reg(b, X64_RAX);
    x64_patch_rel32(b, miss, x64_pos(b));
    x64_patch_rel32(b, stale, x64_pos(b));
}

static void emit_exit_ind(struct xc *x, const struct ir_op *op)
{
    uint32_t fields[6];
    unsigned n = 0;
    sync_for_branch(x);
    /* the new EIP stays in reip through chain_checks (which uses rax only) */
    int reip = xc_src(x, &x->b, op->a, XR_S1);
    x64_store(&x->b, 4, x64_m(XR_CPU, offsetof(struct cpu, eip)), reip);
    /* single-step must return to cpu_exec after each block; with paging a
     * block chains only within its page (exec.c) */
    if (!(x->mode & (MODE_TF | MODE_PG | MODE_DEBUG))) {
        n = chain_checks(x, fields);
        ind_cache_probe(x, reip);
        x64_mov_rr(&x->b, 8, X64_RDI, XR_CTX);
        x64_mov_ri64(&x->b, X64_RSI, (uint64_t)(uintptr_t)block_rx(x));
        x64_call_abs(&x->b, (const void *)x64_rt_lookup_ind);
        x64_test_rr(&x->b, 8, X64_RAX, X64_RAX);
        fields[n++] = x64_jcc32(&x->b, X64_CC_E);
        x64_jmp_reg(&x->b, X64_RAX);
    }
    for (unsigned k = 0; k < n; k++)
        x64_patch_rel32(&x->b, fields[k], x64_pos(&x->b));
    leave(x, -1);
}

static void emit_exit(struct xc *x, const struct ir_op *op)
{
    sync_for_branch(x);
    x64_store_imm(&x->b, 4, x64_m(XR_CPU, offsetof(struct cpu, eip)), (int32_t)op->imm);
    leave(x, -1);
}

static void emit_exit_cur(struct xc *x, const struct ir_op *op)
{
    sync_for_branch(x);
    leave(x, -1);
}

xc_emit_fn *const xc_emit_table[IR_COUNT] = {
    [IR_insn] = emit_insn, [IR_movi] = emit_movi, [IR_mov] = emit_mov,
    [IR_getr] = emit_getr, [IR_setr] = emit_setr, [IR_getseg] = emit_getseg,
    [IR_getbase] = emit_getbase,
    [IR_add] = emit_alu2, [IR_sub] = emit_alu2, [IR_and] = emit_alu2, [IR_or] = emit_alu2,
    [IR_xor] = emit_alu2, [IR_shl] = emit_alu2, [IR_shr] = emit_alu2, [IR_sar] = emit_alu2,
    [IR_mul] = emit_alu2, [IR_seteq] = emit_alu2,
    [IR_not] = emit_alu1, [IR_neg] = emit_alu1, [IR_sext] = emit_alu1, [IR_zext] = emit_alu1,
    [IR_bswap] = emit_alu1, [IR_select] = emit_select,
    [IR_flags] = emit_flags, [IR_getflags] = emit_getflags, [IR_setflags] = emit_setflags,
    [IR_getcf] = emit_getcf, [IR_cond] = emit_cond,
    [IR_ld] = xc_emit_ld, [IR_st] = xc_emit_st, [IR_call] = emit_call,
    [IR_label] = emit_label, [IR_brz] = emit_branch, [IR_brnz] = emit_branch,
    [IR_exit_jmp] = emit_exit_jmp, [IR_exit_ind] = emit_exit_ind, [IR_exit] = emit_exit,
    [IR_exit_cur] = emit_exit_cur,
};
