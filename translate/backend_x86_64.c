/* The x86-64 backend: IR -> host machine code in W^X memory (jitmem.c).
 * Guest registers stay in host registers within a block, flags are recorded
 * lazily and stored only where visible, memory has an inline real-mode fast
 * path, blocks chain through patched jmp rel32. docs/internals.md, "Native
 * backend"; the portable backend is the reference for every op's meaning. */
#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "backend_x86_64.h"
#include "cpu.h"
#include "exec.h"
#include "jitmem.h"
#include "tb.h"

/* Valgrind translates guest code once and sees writes only at the address
 * they are made: a chain patch or a flush through the RW view must be told
 * (valgrind.h client request; a few no-op instructions when not under it). */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define X64_CODE_CHANGED(rx, len) VALGRIND_DISCARD_TRANSLATIONS(rx, len)
#endif
#endif
#ifndef X64_CODE_CHANGED
#define X64_CODE_CHANGED(rx, len) ((void)(rx), (void)(len))
#endif

enum {
    /* code space reserved while one block is compiled (main, then cold) */
    X64_RESERVE_MAIN = 192u << 10,
    X64_RESERVE_COLD = 192u << 10,
};

static const int8_t home_regs[X64_MAX_HOMES] = {X64_RBX, X64_RBP, X64_R12, X64_R13};
static const int8_t alloc_regs[] = {
    X64_RBX, X64_RBP, X64_R12, X64_R13, X64_RDX, X64_RSI, X64_RDI, X64_R8, X64_R9, X64_R10,
};

/* enter(ctx, code): save callee-saved registers, set up the frame and the
 * fixed registers, jump to code; the epilogue returns eax (the exit slot). */
static bool build_trampolines(struct x64_state *st)
{
    static const int8_t saved[6] = {X64_RBX, X64_RBP, X64_R12, X64_R13, X64_R14, X64_R15};
    uint8_t *rw = jitmem_alloc(st->mem, 128);
    struct x64_buf b;
    if (!rw)
        return false;
    x64_init(&b, rw, rw + 128);
    for (int k = 0; k < 6; k++)
        x64_push(&b, saved[k]);
    x64_alu_ri(&b, X64_SUB, 8, X64_RSP, X64_FRAME);
    x64_mov_rr(&b, 8, XR_CTX, X64_RDI);
    x64_load(&b, 8, XR_CPU, x64_m(X64_RDI, offsetof(struct backend_ctx, cpu)));
    x64_jmp_reg(&b, X64_RSI);
    uint32_t epi = x64_pos(&b);
    x64_alu_ri(&b, X64_ADD, 8, X64_RSP, X64_FRAME);
    for (int k = 5; k >= 0; k--)
        x64_pop(&b, saved[k]);
    x64_ret(&b);
    if (b.overflow)
        return false;
    st->enter = jitmem_rx(st->mem, rw);
    st->epilogue = st->enter + epi;
    st->keep = jitmem_used(st->mem);
    return true;
}

static void x64_destroy(struct backend_ctx *ctx)
{
    struct x64_state *st = ctx->priv;
    if (!st)
        return;
    jitmem_destroy(st->mem);
    free(st->xc);
    free(st->cold);
    free(st);
    ctx->priv = NULL;
}

static bool x64_create(struct backend_ctx *ctx, uint32_t code_bytes)
{
    struct x64_state *st = calloc(1, sizeof(*st));
    ctx->priv = st;
    if (!st)
        return false;
    st->mem = jitmem_create(code_bytes + X64_RESERVE_MAIN + X64_RESERVE_COLD + 4096);
    st->xc = malloc(sizeof(*st->xc));
    st->cold = malloc(X64_RESERVE_COLD);
    if (!st->mem || !st->xc || !st->cold || !build_trampolines(st)) {
        x64_destroy(ctx);
        return false;
    }
    st->a20_mask = 0;
    st->code_limit = code_bytes;
    backend_tlb_flush(ctx);
    return true;
}

/* ---- compile ---- */

static void note_use(struct xc *x, ir_tmp t, unsigned k)
{
    if (t && x->lastuse[t] < k)
        x->lastuse[t] = (uint16_t)k;
}

/* Does op end the life of a pending flags record? */
static bool ends_flags(const struct ir_op *op)
{
    uint32_t f = ir_op_table[op->opc].flags;
    return (op->opc == IR_flags && !op->dead) || op->opc == IR_call || op->opc == IR_label ||
           (f & (IRF_END | IRF_BRANCH));
}

/* Last uses of temps; a flags op's temps live until its record is replaced. */
static void prepass_temps(struct xc *x)
{
    const struct ir_block *ir = x->ir;
    memset(x->lastuse, 0, ir->ntemps * sizeof(x->lastuse[0]));
    memset(x->def, 0, ir->ntemps * sizeof(x->def[0]));
    memset(x->loc, 0, ir->ntemps * sizeof(x->loc[0]));
    unsigned end = ir->nops;
    for (unsigned k = ir->nops; k-- > 0;) {
        const struct ir_op *op = &ir->ops[k];
        if (op->opc == IR_label || (op->opc == IR_flags && op->dead))
            continue;
        note_use(x, op->a, k);
        note_use(x, op->b, k);
        note_use(x, op->c, k);
        if (op->opc == IR_flags) {
            note_use(x, op->d, end);
            note_use(x, op->a, end);
            note_use(x, op->b, end);
            note_use(x, op->d, k);
        } else if (op->d) {
            x->def[op->d] = (uint16_t)k;
        }
        if (ends_flags(op))
            end = k;
    }
}

/* What an op's result fits in: NW_SIZE its size (the IR truncates pure
 * arithmetic, getr and ld zero-extend), NW_BIT 0 or 1, else 32 bits. */
enum { NW_ANY, NW_SIZE, NW_BIT };
static const uint8_t narrow_kind[IR_COUNT] = {
    [IR_getr] = NW_SIZE, [IR_ld] = NW_SIZE, [IR_add] = NW_SIZE, [IR_sub] = NW_SIZE,
    [IR_and] = NW_SIZE, [IR_or] = NW_SIZE, [IR_xor] = NW_SIZE, [IR_shl] = NW_SIZE,
    [IR_shr] = NW_SIZE, [IR_sar] = NW_SIZE, [IR_mul] = NW_SIZE, [IR_not] = NW_SIZE,
    [IR_neg] = NW_SIZE, [IR_zext] = NW_SIZE,
    [IR_getcf] = NW_BIT, [IR_cond] = NW_BIT, [IR_seteq] = NW_BIT,
};

/* xc.narrow: the widest of every definition of each temp. */
static void prepass_narrow(struct xc *x)
{
    memset(x->narrow, 0, x->ir->ntemps * sizeof(x->narrow[0]));
    for (unsigned k = 0; k < x->ir->nops; k++) {
        const struct ir_op *op = &x->ir->ops[k];
        if (!op->d || op->opc == IR_flags)
            continue;
        unsigned w = narrow_kind[op->opc] == NW_BIT ? 1 : 4;
        if (narrow_kind[op->opc] == NW_SIZE && op->size < 4)
            w = op->size;
        if (w > x->narrow[op->d])
            x->narrow[op->d] = (uint8_t)w;
    }
}

/* The most used guest registers get a host register for the whole block. */
static void prepass_homes(struct xc *x)
{
    unsigned count[8] = {0};
    for (unsigned k = 0; k < x->ir->nops; k++) {
        const struct ir_op *op = &x->ir->ops[k];
        if (op->opc == IR_getr || op->opc == IR_setr)
            count[op->size == 1 ? op->imm & 3 : op->imm & 7]++;
    }
    for (int g = 0; g < 8; g++)
        x->home[g] = -1;
    for (int h = 0; h < X64_MAX_HOMES; h++) {
        int best = -1;
        for (int g = 0; g < 8; g++) {
            if (x->home[g] < 0 && count[g] >= 2 && (best < 0 || count[g] > count[best]))
                best = g;
        }
        if (best < 0)
            break;
        x->home[best] = home_regs[h];
        x->owner[home_regs[h]] = -(best + 1);
        x->free_regs &= (uint16_t)~(1u << home_regs[h]);
    }
}

static void xc_begin(struct xc *x, struct backend_ctx *ctx, struct tb *tb,
                     const struct ir_block *ir, uint8_t *main_rw, uint8_t *cold)
{
    x->ctx = ctx;
    x->tb = tb;
    x->ir = ir;
    x->mode = tb->mode;
    x->fastmem = !(tb->mode & (MODE_PE | MODE_DEBUG));
    x64_init(&x->b, main_rw, main_rw + X64_RESERVE_MAIN - X64_HEADER);
    x64_init(&x->cold, cold, cold + X64_RESERVE_COLD);
    memset(x->owner, 0, sizeof(x->owner));
    memset(x->spill_owner, 0, sizeof(x->spill_owner));
    x->spill_hi = 0;
    x->nalias = 0;
    memset(x->loaded, 0, sizeof(x->loaded));
    memset(x->dirty, 0, sizeof(x->dirty));
    memset(&x->fl, 0, sizeof(x->fl));
    x->fused_cc = -1;
    x->setr_done = 0;
    x->copy_tmp = 0;
    x->free_regs = 0;
    for (unsigned k = 0; k < sizeof(alloc_regs); k++)
        x->free_regs |= (uint16_t)(1u << alloc_regs[k]);
    x->push_depth = 0;
    x->pending_insns = 0;
    x->cur_eip = tb->pc;
    x->insn_may_smc = x->block_may_smc = false;
    x->exit_slots = 0;
    x->nfix = x->nlfix = 0;
    x->jmp_field[0] = x->jmp_field[1] = 0;
    x->exit_off[0] = x->exit_off[1] = 0;
    x->overflow = false;
    prepass_temps(x);
    prepass_narrow(x);
    prepass_homes(x);
}

/* A chained jump lands here: the block is counted (ctx->current is stored
 * only where it is read: xc_sync_all, xc_jmp_epilogue). */
static void emit_chain_entry(struct xc *x)
{
    x64_alu_mi(&x->b, X64_ADD, 8, x64_m(XR_CTX, offsetof(struct backend_ctx, chained)), 1);
}

/* Is op's only effect its result d, which nobody reads? */
static bool dead_pure(const struct xc *x, const struct ir_op *op)
{
    uint32_t f = ir_op_table[op->opc].flags;
    return (f & ~(uint32_t)IRF_RFLAGS) == 0 && op->d && x->lastuse[op->d] <= x->i;
}

static void emit_body(struct xc *x)
{
    for (unsigned k = 0; k < x->ir->nops && !x->overflow; k++) {
        const struct ir_op *op = &x->ir->ops[k];
        x->i = k;
        if ((op->opc == IR_flags && op->dead) || dead_pure(x, op))
            continue;
        xc_emit_table[op->opc](x, op);
        xc_release(x);
    }
}

/* Copy the cold code after the main code and resolve every rel32. */
static void place(struct xc *x, struct x64_state *st, uint8_t *hdr_rw)
{
    uint8_t *main_rw = hdr_rw + X64_HEADER;
    uint32_t main_len = x64_pos(&x->b);
    memcpy(main_rw + main_len, x->cold.start, x64_pos(&x->cold));
    const uint8_t *main_rx = jitmem_rx(st->mem, main_rw);
    for (unsigned k = 0; k < x->nfix; k++) {
        const struct fixup *f = &x->fix[k];
        bool in_cold = f->kind == FIX_COLD_TO_MAIN || f->kind == FIX_COLD_TO_EPI;
        uint32_t field = f->field + (in_cold ? main_len : 0);
        const uint8_t *target;
        if (f->kind == FIX_MAIN_TO_COLD)
            target = main_rx + main_len + f->target;
        else if (f->kind == FIX_COLD_TO_MAIN)
            target = main_rx + f->target;
        else
            target = st->epilogue;
        x64_write_rel32(main_rw + field, main_rx + field, target);
    }
    jitmem_trim(st->mem, main_rw + main_len + x64_pos(&x->cold));
}

static bool x64_compile(struct backend_ctx *ctx, struct tb *tb, const struct ir_block *ir)
{
    struct x64_state *st = ctx->priv;
    struct xc *x = st->xc;
    uint8_t *hdr_rw = jitmem_alloc(st->mem, X64_RESERVE_MAIN + X64_RESERVE_COLD);
    if (!hdr_rw)
        return false;
    xc_begin(x, ctx, tb, ir, hdr_rw + X64_HEADER, st->cold);
    emit_chain_entry(x);
    uint32_t entry = x64_pos(&x->b);
    emit_body(x);
    /* an empty cache always has room for one block: overflow is a bug */
    assert(!x->overflow && !x->b.overflow && !x->cold.overflow);
    if (x->overflow || x->b.overflow || x->cold.overflow) {
        jitmem_trim(st->mem, hdr_rw);
        return false;
    }
    place(x, st, hdr_rw);
    /* the reserve lets a block be emitted before its size is known; only
     * code_limit bytes of blocks may stay (flush and retry beyond) */
    size_t used = jitmem_used(st->mem) - st->keep;
    if (used > st->code_limit) {
        jitmem_trim(st->mem, hdr_rw);
        return false;
    }
    if (used > ctx->stats->cache_code_peak)
        ctx->stats->cache_code_peak = used;
    struct x64_block hdr = {
        .entry = X64_HEADER + entry,
        .chain_entry = X64_HEADER,
        .jmp_field = {x->jmp_field[0] ? X64_HEADER + x->jmp_field[0] : 0,
                      x->jmp_field[1] ? X64_HEADER + x->jmp_field[1] : 0},
        .exit_off = {X64_HEADER + x->exit_off[0], X64_HEADER + x->exit_off[1]},
        .ind_tb = &x64_no_tb,
    };
    memcpy(hdr_rw, &hdr, sizeof(hdr));
    tb->code = (void *)jitmem_rx(st->mem, hdr_rw);
    return true;
}

/* ---- run, chain, flush ---- */

typedef int enter_fn(struct backend_ctx *ctx, const uint8_t *code);

static struct tb *x64_run(struct backend_ctx *ctx, struct tb *tb, int *slot)
{
    struct x64_state *st = ctx->priv;
    const struct x64_block *blk = tb->code;
    enter_fn *enter;
    memcpy(&enter, &st->enter, sizeof(enter));
    x64_rt_check_a20(ctx);
    *slot = enter(ctx, (const uint8_t *)blk + blk->entry);
    return ctx->current;
}

const struct tb x64_no_tb = {.valid = false};

/* The slow path of an indirect exit (emit_exit_ind): look the block up and
 * remember it in the exiting block's cache (written through the RW view). */
const uint8_t *x64_rt_lookup_ind(struct backend_ctx *ctx, const struct x64_block *from);
const uint8_t *x64_rt_lookup_ind(struct backend_ctx *ctx, const struct x64_block *from)
{
    struct x64_state *st = ctx->priv;
    struct tb *tb = ctx->lookup ? ctx->lookup(ctx) : NULL;
    if (!tb)
        return NULL;
    const struct x64_block *blk = tb->code;
    const uint8_t *host = (const uint8_t *)blk + blk->chain_entry;
    struct x64_block *rw = (struct x64_block *)jitmem_rw(st->mem, (const uint8_t *)from);
    rw->ind_eip = tb->pc;
    rw->ind_tb = tb;
    rw->ind_host = host;
    return host;
}

static void patch_exit(struct backend_ctx *ctx, struct tb *from, unsigned slot,
                       const uint8_t *target)
{
    struct x64_state *st = ctx->priv;
    const struct x64_block *blk = from->code;
    if (!blk->jmp_field[slot])
        return;
    const uint8_t *field = (const uint8_t *)blk + blk->jmp_field[slot];
    x64_write_rel32(jitmem_rw(st->mem, field), field, target);
    X64_CODE_CHANGED(field, 4);
}

static void x64_link(struct backend_ctx *ctx, struct tb *from, unsigned slot, struct tb *to)
{
    const struct x64_block *dst = to->code;
    patch_exit(ctx, from, slot, (const uint8_t *)dst + dst->chain_entry);
}

static void x64_unlink(struct backend_ctx *ctx, struct tb *from, unsigned slot)
{
    const struct x64_block *blk = from->code;
    patch_exit(ctx, from, slot, (const uint8_t *)blk + blk->exit_off[slot]);
}

static void x64_flush(struct backend_ctx *ctx)
{
    struct x64_state *st = ctx->priv;
    /* the trampolines are the first allocation */
    X64_CODE_CHANGED(st->enter + st->keep, jitmem_used(st->mem) - st->keep);
    jitmem_reset(st->mem, st->keep);
}

static void x64_code_added(struct backend_ctx *ctx, uint32_t paddr, uint32_t len)
{
    uint32_t last = (paddr + len - 1) & ~0xFFFu;
    for (uint32_t page = paddr & ~0xFFFu;; page += 0x1000) {
        backend_tlb_drop_writes(ctx, page);
        if (page == last)
            break;
    }
}

const struct backend_ops backend_x86_64 = {
    .name = "x86_64",
    .run = x64_run,
    .create = x64_create,
    .destroy = x64_destroy,
    .compile_ctx = x64_compile,
    .flush = x64_flush,
    .link = x64_link,
    .unlink = x64_unlink,
    .code_added = x64_code_added,
};
