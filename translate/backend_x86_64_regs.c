/* x86-64 backend: where temps and guest registers live while a block is
 * compiled, and the code that brings struct cpu up to date before anything
 * that may look at it (helpers, slow paths, exits). docs/internals.md. */
#include <stddef.h>

#include "backend_x86_64.h"
#include "cpu.h"

/* Temps go to caller-saved registers first: they rarely live across a call. */
static const int8_t temp_order[] = {
    X64_RDX, X64_RSI, X64_RDI, X64_R8, X64_R9, X64_R10, X64_RBX, X64_RBP, X64_R12, X64_R13,
};

static bool caller_saved(int r)
{
    return r == X64_RDX || r == X64_RSI || r == X64_RDI || (r >= X64_R8 && r <= X64_R10);
}

int32_t xc_reg_off(int g)
{
    return (int32_t)(offsetof(struct cpu, regs) + 4u * (unsigned)g);
}

static struct x64_mem spill_mem(const struct xc *x, unsigned slot)
{
    return x64_m(X64_RSP, x->push_depth + 8 * (int32_t)slot);
}

bool xc_is_const(const struct xc *x, ir_tmp t)
{
    return t == 0 || x->loc[t].kind == TL_CONST;
}

uint32_t xc_const(const struct xc *x, ir_tmp t)
{
    return t == 0 ? 0 : x->loc[t].val;
}

bool xc_fits(const struct xc *x, ir_tmp t, unsigned size)
{
    if (size >= 4)
        return true;
    if (xc_is_const(x, t))
        return xc_const(x, t) >> (8 * size) == 0;
    return x->narrow[t] && x->narrow[t] <= size;
}

void xc_load_into(struct xc *x, struct x64_buf *b, ir_tmp t, int reg)
{
    const struct tloc *l = &x->loc[t];
    if (t == 0 || l->kind == TL_CONST || l->kind == TL_NONE)
        x64_mov_ri(b, reg, t == 0 || l->kind == TL_NONE ? 0 : l->val);
    else if (l->kind == TL_SPILL)
        x64_load(b, 4, reg, spill_mem(x, l->slot));
    else if (l->reg != reg)
        x64_mov_rr(b, 4, reg, l->reg);
}

int xc_src(struct xc *x, struct x64_buf *b, ir_tmp t, int scratch)
{
    if (t != 0 && x->loc[t].kind == TL_REG)
        return x->loc[t].reg;
    xc_load_into(x, b, t, scratch);
    return scratch;
}

int xc_dst(struct xc *x, ir_tmp d)
{
    return d != 0 && x->loc[d].kind == TL_REG ? x->loc[d].reg : XR_S0;
}

void xc_commit(struct xc *x, ir_tmp d, int reg)
{
    if (d != 0 && x->loc[d].kind == TL_SPILL)
        x64_store(&x->b, 4, spill_mem(x, x->loc[d].slot), reg);
}

static void free_loc(struct xc *x, ir_tmp t)
{
    struct tloc *l = &x->loc[t];
    if (l->kind == TL_REG && !l->alias) {
        x->owner[l->reg] = 0;
        x->free_regs |= (uint16_t)(1u << l->reg);
    } else if (l->kind == TL_SPILL) {
        x->spill_owner[l->slot] = 0;
    }
    l->kind = TL_NONE;
    l->alias = 0;
}

void xc_set_const(struct xc *x, ir_tmp d, uint32_t v)
{
    if (d == 0)
        return;
    free_loc(x, d);
    x->loc[d].kind = TL_CONST;
    x->loc[d].val = v;
}

/* A location for t, which is live. */
static void xc_alloc_live(struct xc *x, ir_tmp d)
{
    struct tloc *l = &x->loc[d];
    for (unsigned k = 0; k < sizeof(temp_order); k++) {
        int r = temp_order[k];
        if (x->free_regs & (1u << r)) {
            x->free_regs &= (uint16_t)~(1u << r);
            x->owner[r] = d;
            l->kind = TL_REG;
            l->reg = (int8_t)r;
            return;
        }
    }
    for (unsigned s = 0; s < X64_SPILL_SLOTS; s++) {
        if (!x->spill_owner[s]) {
            x->spill_owner[s] = d;
            x->spill_hi = s + 1 > x->spill_hi ? s + 1 : x->spill_hi;
            l->kind = TL_SPILL;
            l->slot = (uint16_t)s;
            return;
        }
    }
    x->overflow = true;
}

void xc_alloc(struct xc *x, ir_tmp d)
{
    struct tloc *l = &x->loc[d];
    if (l->alias)
        free_loc(x, d);
    if (d == 0 || l->kind == TL_REG || l->kind == TL_SPILL)
        return;
    l->kind = TL_NONE;
    if (x->lastuse[d] > x->i)
        xc_alloc_live(x, d);
}

void xc_release(struct xc *x)
{
    for (int r = 0; r < 16; r++) {
        int t = x->owner[r];
        if (t > 0 && x->lastuse[t] <= x->i)
            free_loc(x, (ir_tmp)t);
    }
    for (unsigned s = 0; s < x->spill_hi; s++) {
        ir_tmp t = x->spill_owner[s];
        if (t && x->lastuse[t] <= x->i)
            free_loc(x, t);
    }
    for (unsigned k = 0; k < x->nalias; k++) {
        ir_tmp t = x->aliases[k];
        if (x->loc[t].alias && x->lastuse[t] <= x->i)
            free_loc(x, t);
        if (!x->loc[t].alias)
            x->aliases[k--] = x->aliases[--x->nalias];
    }
}

void xc_alias(struct xc *x, ir_tmp d, int g)
{
    struct tloc *l = &x->loc[d];
    free_loc(x, d);
    if (x->nalias >= X64_MAX_ALIASES) {
        xc_alloc(x, d);
        int rd = xc_dst(x, d);
        x64_mov_rr(&x->b, 4, rd, x->home[g]);
        xc_commit(x, d, rd);
        return;
    }
    l->kind = TL_REG;
    l->reg = (int8_t)x->home[g];
    l->alias = (int8_t)(g + 1);
    x->aliases[x->nalias++] = d;
}

/* Turn alias k into a copy of its home if it is read at op live_from or
 * later; else just drop it. */
static void unalias_one(struct xc *x, unsigned k, unsigned live_from)
{
    ir_tmp t = x->aliases[k];
    struct tloc *l = &x->loc[t];
    int home = l->reg;
    l->kind = TL_NONE;
    l->alias = 0;
    x->aliases[k] = x->aliases[--x->nalias];
    if (x->lastuse[t] < live_from)
        return;
    xc_alloc_live(x, t);
    if (l->kind == TL_REG)
        x64_mov_rr(&x->b, 4, l->reg, home);
    else
        x64_store(&x->b, 4, spill_mem(x, l->slot), home);
}

void xc_unalias(struct xc *x, int g)
{
    for (unsigned k = 0; k < x->nalias; k++) {
        /* the op being compiled may still read it */
        if (x->loc[x->aliases[k]].alias == g + 1)
            unalias_one(x, k--, x->i);
    }
}

void xc_unalias_later(struct xc *x, int g)
{
    for (unsigned k = 0; k < x->nalias; k++) {
        ir_tmp t = x->aliases[k];
        if (x->loc[t].alias == g + 1 && x->lastuse[t] > x->i)
            unalias_one(x, k--, x->i + 1);
    }
}

int xc_home(struct xc *x, int g)
{
    int r = x->home[g];
    if (r < 0)
        return -1;
    if (!x->loaded[g]) {
        xc_unalias(x, g);
        x64_load(&x->b, 4, r, x64_m(XR_CPU, xc_reg_off(g)));
        x->loaded[g] = true;
    }
    return r;
}

void xc_writeback(struct xc *x, struct x64_buf *b, bool stub)
{
    for (int g = 0; g < 8; g++) {
        if (x->home[g] < 0 || !x->dirty[g])
            continue;
        x64_store(b, 4, x64_m(XR_CPU, xc_reg_off(g)), x->home[g]);
        if (!stub)
            x->dirty[g] = false;
    }
}

void xc_forget_homes(struct xc *x)
{
    for (int g = 0; g < 8; g++)
        x->loaded[g] = false;
}

static void store_temp(struct xc *x, struct x64_buf *b, int32_t off, ir_tmp t)
{
    if (xc_is_const(x, t))
        x64_store_imm(b, 4, x64_m(XR_CPU, off), (int32_t)xc_const(x, t));
    else
        x64_store(b, 4, x64_m(XR_CPU, off), xc_src(x, b, t, XR_S0));
}

void xc_flags_store(struct xc *x, struct x64_buf *b, bool stub)
{
    if (!x->fl.valid)
        return;
    x64_store_imm(b, 4, x64_m(XR_CPU, offsetof(struct cpu, flags.op)), (int32_t)x->fl.op);
    store_temp(x, b, offsetof(struct cpu, flags.res), x->fl.res);
    store_temp(x, b, offsetof(struct cpu, flags.src1), x->fl.src1);
    store_temp(x, b, offsetof(struct cpu, flags.src2), x->fl.src2);
    if (!stub)
        x->fl.valid = false;
}

void xc_icount_sync(struct xc *x, struct x64_buf *b, bool stub)
{
    if (x->pending_insns)
        x64_alu_mi(b, X64_ADD, 8, x64_m(XR_CPU, offsetof(struct cpu, icount)),
                   (int32_t)x->pending_insns);
    if (!stub)
        x->pending_insns = 0;
}

void xc_icount_undo(struct xc *x, struct x64_buf *b)
{
    if (x->pending_insns)
        x64_alu_mi(b, X64_SUB, 8, x64_m(XR_CPU, offsetof(struct cpu, icount)),
                   (int32_t)x->pending_insns);
}

/* ctx->current is stored where C code or cpu_exec may read it (not on every
 * chained entry): the SMC check of a store through C, and the exits. */
static void set_current(struct xc *x, struct x64_buf *b)
{
    x64_mov_ri64(b, XR_S1, (uint64_t)(uintptr_t)x->tb);
    x64_store(b, 8, x64_m(XR_CTX, offsetof(struct backend_ctx, current)), XR_S1);
}

void xc_sync_all(struct xc *x, struct x64_buf *b, bool stub)
{
    set_current(x, b);
    xc_writeback(x, b, stub);
    xc_flags_store(x, b, stub);
    x64_store_imm(b, 4, x64_m(XR_CPU, offsetof(struct cpu, eip)), (int32_t)x->cur_eip);
    xc_icount_sync(x, b, stub);
}

unsigned xc_save_live(struct xc *x, struct x64_buf *b, int except_reg, uint16_t *saved)
{
    unsigned n = 0;
    *saved = 0;
    for (int r = 0; r < 16; r++) {
        int t = x->owner[r];
        if (!caller_saved(r) || t <= 0 || r == except_reg || x->lastuse[t] <= x->i)
            continue;
        x64_push(b, r);
        *saved |= (uint16_t)(1u << r);
        n++;
    }
    x->push_depth += 8 * (int)n;
    if (n & 1) {
        x64_alu_ri(b, X64_SUB, 8, X64_RSP, 8);
        x->push_depth += 8;
    }
    return n;
}

void xc_restore_live(struct xc *x, struct x64_buf *b, uint16_t saved)
{
    unsigned n = (unsigned)__builtin_popcount(saved);
    if (n & 1) {
        x64_alu_ri(b, X64_ADD, 8, X64_RSP, 8);
        x->push_depth -= 8;
    }
    for (int r = 15; r >= 0; r--) {
        if (saved & (1u << r))
            x64_pop(b, r);
    }
    x->push_depth -= 8 * (int)n;
}

void xc_add_fix(struct xc *x, enum fix_kind kind, uint32_t field, uint32_t target)
{
    if (x->nfix >= X64_MAX_FIXUPS) {
        x->overflow = true;
        return;
    }
    x->fix[x->nfix++] = (struct fixup){(uint8_t)kind, field, target};
}

void xc_jcc_to_cold(struct xc *x, enum x64_cc cc, uint32_t cold_off)
{
    xc_add_fix(x, FIX_MAIN_TO_COLD, x64_jcc32(&x->b, cc), cold_off);
}

void xc_jmp_cold_to_main(struct xc *x, uint32_t main_off)
{
    xc_add_fix(x, FIX_COLD_TO_MAIN, x64_jmp32(&x->cold), main_off);
}

void xc_jmp_epilogue(struct xc *x, struct x64_buf *b)
{
    set_current(x, b);
    uint32_t field = x64_jmp32(b);
    xc_add_fix(x, b == &x->b ? FIX_MAIN_TO_EPI : FIX_COLD_TO_EPI, field, 0);
}
