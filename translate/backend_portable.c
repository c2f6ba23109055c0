/* The portable backend: IR -> compact bytecode (ops specialised by operand size,
 * helpers resolved to function pointers, dead flag writes dropped), run by a C
 * loop with computed goto where the compiler has it. Runs on any host. */
#include "bits.h"
#include <assert.h>
#include <stddef.h>
#include <string.h>

#include "backend.h"
#include "cpu.h"
#include "exec.h"
#include "flags.h"
#include "helpers.h"
#include "ir.h"
#include "mem.h"
#include "tb.h"

#define BC_OPS(X) \
    X(insn) X(movi) X(mov) X(getr32) X(getr16) X(getr8l) X(getr8h) \
    X(setr32) X(setr16) X(setr8l) X(setr8h) X(getseg) X(getbase) \
    X(add) X(sub) X(and) X(or) X(xor) X(shl) X(shr) X(sar) X(mul) X(not) X(neg) \
    X(sext) X(zext) X(bswap) X(seteq) X(select) \
    X(flags) X(getflags) X(setflags) X(getcf) X(cond) X(ld) X(st) X(call) \
    X(brz) X(brnz) X(exit_jmp) X(exit_ind) X(exit) X(exit_cur)

enum bc_opc {
#define BC_ENUM(name) BC_##name,
    BC_OPS(BC_ENUM)
#undef BC_ENUM
    BC_COUNT
};

struct bc {
    uint16_t op;
    uint8_t size;
    uint8_t slot;
    uint16_t d, a, b, c;
    /* constant; for ALU ops the result mask; for branches the target index */
    uint32_t imm;
    helper_fn *fn;
    uint32_t hid;
};

struct bc_block {
    uint32_t n;
    struct bc code[];
};

/* IR ops that map one-to-one onto a bytecode op with a result mask. */
static const uint16_t alu_map[IR_COUNT] = {
    [IR_add] = BC_add, [IR_sub] = BC_sub, [IR_and] = BC_and, [IR_or] = BC_or,
    [IR_xor] = BC_xor, [IR_shl] = BC_shl, [IR_shr] = BC_shr, [IR_sar] = BC_sar,
    [IR_mul] = BC_mul, [IR_not] = BC_not, [IR_neg] = BC_neg, [IR_sext] = BC_sext,
    [IR_zext] = BC_zext, [IR_bswap] = BC_bswap, [IR_seteq] = BC_seteq,
};

static const uint16_t plain_map[IR_COUNT] = {
    [IR_insn] = BC_insn, [IR_movi] = BC_movi, [IR_mov] = BC_mov, [IR_getseg] = BC_getseg,
    [IR_getbase] = BC_getbase, [IR_select] = BC_select, [IR_flags] = BC_flags,
    [IR_getflags] = BC_getflags, [IR_setflags] = BC_setflags, [IR_getcf] = BC_getcf,
    [IR_cond] = BC_cond, [IR_ld] = BC_ld, [IR_st] = BC_st, [IR_call] = BC_call,
    [IR_brz] = BC_brz, [IR_brnz] = BC_brnz, [IR_exit_jmp] = BC_exit_jmp,
    [IR_exit_ind] = BC_exit_ind, [IR_exit] = BC_exit, [IR_exit_cur] = BC_exit_cur,
};

static uint16_t reg_op(const struct ir_op *op)
{
    bool set = op->opc == IR_setr;
    if (op->size == 4)
        return set ? BC_setr32 : BC_getr32;
    if (op->size == 2)
        return set ? BC_setr16 : BC_getr16;
    if (op->imm >= 4)
        return set ? BC_setr8h : BC_getr8h;
    return set ? BC_setr8l : BC_getr8l;
}

static void lower(const struct ir_op *op, struct bc *bc, unsigned *exit_slots)
{
    memset(bc, 0, sizeof(*bc));
    bc->size = op->size;
    bc->d = op->d;
    bc->a = op->a;
    bc->b = op->b;
    bc->c = op->c;
    bc->imm = op->imm;
    if (op->opc == IR_getr || op->opc == IR_setr) {
        bc->op = reg_op(op);
        /* 8-bit registers 4-7 are AH..BH: the high byte of registers 0-3 */
        bc->imm = op->size == 1 ? op->imm & 3 : op->imm;
    } else if (alu_map[op->opc]) {
        bc->op = alu_map[op->opc];
        bc->imm = size_mask(op->size);
    } else {
        bc->op = plain_map[op->opc];
    }
    if (op->opc == IR_call) {
        bc->fn = helper_table[op->hid].fn;
        bc->hid = op->hid;
    }
    if (op->opc == IR_exit_jmp)
        bc->slot = (uint8_t)((*exit_slots)++ & 1);
}

static bool portable_compile(struct tb_cache *cache, struct tb *tb, const struct ir_block *ir)
{
    uint32_t label_at[IR_MAX_LABELS];
    uint32_t n = 0;
    for (unsigned i = 0; i < ir->nops; i++) {
        const struct ir_op *op = &ir->ops[i];
        if (op->opc == IR_label)
            label_at[op->imm] = n;
        else if (!op->dead)
            n++;
    }
    struct bc_block *blk = tb_code_alloc(cache, sizeof(*blk) + n * sizeof(struct bc));
    if (!blk)
        return false;
    blk->n = n;
    unsigned exit_slots = 0;
    uint32_t k = 0;
    for (unsigned i = 0; i < ir->nops; i++) {
        const struct ir_op *op = &ir->ops[i];
        if (op->opc == IR_label || op->dead)
            continue;
        lower(op, &blk->code[k], &exit_slots);
        if (op->opc == IR_brz || op->opc == IR_brnz)
            blk->code[k].imm = label_at[op->imm];
        k++;
    }
    assert(exit_slots <= 2);
    tb->code = blk;
    return true;
}

static uint32_t sext_from(uint32_t v, unsigned size)
{
    if (size == 1)
        return (uint32_t)(int32_t)(int8_t)v;
    if (size == 2)
        return (uint32_t)(int32_t)(int16_t)v;
    return v;
}

/* May the block chain straight into its successor? */
static bool may_chain(const struct backend_ctx *ctx)
{
    return !ctx->cpu->exit_request && ctx->cpu->icount < ctx->icount_limit && !ctx->smc_self &&
           !ctx->cpu->intr;
}

#if defined(__GNUC__)
#define DISPATCH() goto *labels[pc->op]
#define CASE(name) L_##name:
#define NEXT() do { pc++; DISPATCH(); } while (0)
#else
#define DISPATCH() switch (pc->op)
#define CASE(name) case BC_##name:
#define NEXT() do { pc++; goto dispatch; } while (0)
#endif

static struct tb *portable_run(struct backend_ctx *ctx, struct tb *tb, int *slot)
{
    struct cpu *cpu = ctx->cpu;
    uint32_t t[IR_MAX_TEMPS];
    const struct bc *base = ((const struct bc_block *)tb->code)->code;
    const struct bc *pc = base;
    t[0] = 0;
#if defined(__GNUC__)
    static const void *const labels[BC_COUNT] = {
#define BC_LABEL(name) [BC_##name] = &&L_##name,
        BC_OPS(BC_LABEL)
#undef BC_LABEL
    };
    DISPATCH();
#else
dispatch:
    DISPATCH() {
#endif
    CASE(insn) {
        if (ctx->smc_self) {
            /* a store rewrote this block: resume from fresh code at this insn */
            cpu->eip = pc->imm;
            *slot = -1;
            return tb;
        }
        cpu->eip = pc->imm;
        cpu->icount++;
        NEXT();
    }
    CASE(movi) { t[pc->d] = pc->imm; NEXT(); }
    CASE(mov) { t[pc->d] = t[pc->a]; NEXT(); }
    CASE(getr32) { t[pc->d] = cpu->regs[pc->imm]; NEXT(); }
    CASE(getr16) { t[pc->d] = cpu->regs[pc->imm] & 0xFFFF; NEXT(); }
    CASE(getr8l) { t[pc->d] = cpu->regs[pc->imm] & 0xFF; NEXT(); }
    CASE(getr8h) { t[pc->d] = (cpu->regs[pc->imm] >> 8) & 0xFF; NEXT(); }
    CASE(setr32) { cpu->regs[pc->imm] = t[pc->a]; NEXT(); }
    CASE(setr16) {
        cpu->regs[pc->imm] = (cpu->regs[pc->imm] & 0xFFFF0000u) | (t[pc->a] & 0xFFFF);
        NEXT();
    }
    CASE(setr8l) {
        cpu->regs[pc->imm] = (cpu->regs[pc->imm] & 0xFFFFFF00u) | (t[pc->a] & 0xFF);
        NEXT();
    }
    CASE(setr8h) {
        cpu->regs[pc->imm] = (cpu->regs[pc->imm] & 0xFFFF00FFu) | ((t[pc->a] & 0xFF) << 8);
        NEXT();
    }
    CASE(getseg) { t[pc->d] = cpu->seg[pc->imm].sel; NEXT(); }
    CASE(getbase) { t[pc->d] = cpu->seg[pc->imm].base; NEXT(); }
    CASE(add) { t[pc->d] = (t[pc->a] + t[pc->b]) & pc->imm; NEXT(); }
    CASE(sub) { t[pc->d] = (t[pc->a] - t[pc->b]) & pc->imm; NEXT(); }
    CASE(and) { t[pc->d] = (t[pc->a] & t[pc->b]) & pc->imm; NEXT(); }
    CASE(or) { t[pc->d] = (t[pc->a] | t[pc->b]) & pc->imm; NEXT(); }
    CASE(xor) { t[pc->d] = (t[pc->a] ^ t[pc->b]) & pc->imm; NEXT(); }
    CASE(shl) { t[pc->d] = (t[pc->a] << (t[pc->b] & 31)) & pc->imm; NEXT(); }
    CASE(shr) { t[pc->d] = ((t[pc->a] & pc->imm) >> (t[pc->b] & 31)) & pc->imm; NEXT(); }
    CASE(sar) {
        int32_t v = (int32_t)sext_from(t[pc->a], pc->size);
        t[pc->d] = (uint32_t)(v >> (t[pc->b] & 31)) & pc->imm;
        NEXT();
    }
    CASE(mul) { t[pc->d] = (t[pc->a] * t[pc->b]) & pc->imm; NEXT(); }
    CASE(not) { t[pc->d] = ~t[pc->a] & pc->imm; NEXT(); }
    CASE(neg) { t[pc->d] = (0u - t[pc->a]) & pc->imm; NEXT(); }
    CASE(sext) { t[pc->d] = sext_from(t[pc->a], pc->size); NEXT(); }
    CASE(zext) { t[pc->d] = t[pc->a] & pc->imm; NEXT(); }
    CASE(bswap) { t[pc->d] = __builtin_bswap32(t[pc->a]); NEXT(); }
    CASE(seteq) { t[pc->d] = t[pc->a] == t[pc->b]; NEXT(); }
    CASE(select) { t[pc->d] = t[pc->a] ? t[pc->b] : t[pc->c]; NEXT(); }
    CASE(flags) {
        cpu->flags.op = pc->imm;
        cpu->flags.res = t[pc->d];
        cpu->flags.src1 = t[pc->a];
        cpu->flags.src2 = t[pc->b];
        NEXT();
    }
    CASE(getflags) { t[pc->d] = cpu_get_eflags(cpu); NEXT(); }
    CASE(setflags) { cpu_set_eflags(cpu, t[pc->a], pc->imm); NEXT(); }
    CASE(getcf) {
        const struct lazy_flags *f = &cpu->flags;
        t[pc->d] = CC_KIND(f->op) == CC_EFLAGS
                       ? (cpu->eflags & EFLAGS_CF)
                       : flags_compute_cf(f->op, f->res, f->src1, f->src2);
        NEXT();
    }
    CASE(cond) { t[pc->d] = flags_cond(cpu, pc->imm); NEXT(); }
    CASE(ld) { t[pc->d] = cpu_read(cpu, (int)pc->imm, t[pc->a], pc->size); NEXT(); }
    CASE(st) { cpu_write(cpu, (int)pc->imm, t[pc->a], pc->size, t[pc->b]); NEXT(); }
    CASE(call) {
        ctx->stats->helper_calls[pc->hid]++;
        t[pc->d] = pc->fn(cpu, t[pc->a], t[pc->b], t[pc->c], pc->imm);
        NEXT();
    }
    CASE(brz) {
        if (!t[pc->a]) {
            pc = base + pc->imm;
            DISPATCH();
        }
        NEXT();
    }
    CASE(brnz) {
        if (t[pc->a]) {
            pc = base + pc->imm;
            DISPATCH();
        }
        NEXT();
    }
    CASE(exit_jmp) {
        cpu->eip = pc->imm;
        struct tb *next = tb->jmp_target[pc->slot];
        if (next && may_chain(ctx)) {
            ctx->stats->chained++;
            ctx->stats->blocks_executed++;
            tb = next;
            ctx->current = tb;
            base = ((const struct bc_block *)tb->code)->code;
            pc = base;
            DISPATCH();
        }
        *slot = pc->slot;
        return tb;
    }
    CASE(exit_ind) { cpu->eip = t[pc->a]; *slot = -1; return tb; }
    CASE(exit) { cpu->eip = pc->imm; *slot = -1; return tb; }
    CASE(exit_cur) { *slot = -1; return tb; }
#if !defined(__GNUC__)
    }
    assert(!"bad bytecode");
    return tb;
#endif
}

const struct backend_ops backend_portable = {
    .name = "portable",
    .compile = portable_compile,
    .run = portable_run,
};
