/* The contract every backend implements: compile a block's IR into code in the
 * cache, and run a block (following direct chains) until it leaves. The
 * optional hooks (NULL in the portable backend) serve backends that emit host
 * code: per-engine state, code memory flushes and patched chains. */
#ifndef TD_BACKEND_H
#define TD_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;
struct ir_block;
struct tb;
struct tb_cache;
struct exec_stats;

/* A direct-mapped linear-page map for a backend's inline memory fast path
 * (real mode, no paging): host = laddr + addend when the page of the access's
 * last byte equals tag_read (loads) or tag_write (stores). An invalid tag has
 * low bits set, so it never equals a page address. */
enum { BACKEND_TLB_BITS = 8, BACKEND_TLB_SIZE = 1u << BACKEND_TLB_BITS,
       BACKEND_TLB_INVALID = 1 };

struct backend_tlb_entry {
    uint32_t tag_read;
    uint32_t tag_write;
    uintptr_t addend;
};

/* State shared between cpu_exec and a running block. */
struct backend_ctx {
    struct cpu *cpu;
    struct exec_stats *stats;
    /* chaining stops once cpu->icount reaches this */
    uint64_t icount_limit;
    /* the block now running: stored at exits and before calls into C that may
     * write guest memory (the code-write hook reads it to spot a block that
     * rewrites itself), not on every chained entry */
    struct tb *current;
    /* set when a store invalidated the running block: leave at the next
     * instruction boundary */
    bool smc_self;
    /* the engine's block cache */
    struct tb_cache *cache;
    /* The block for the CPU's current CS:EIP if it is already translated and
     * can be entered without a fault, else NULL (for in-code lookups of
     * indirect jumps; set by cpu_exec). */
    struct tb *(*lookup)(struct backend_ctx *ctx);
    /* blocks entered by a chained jump since cpu_exec last added them to
     * stats (chained, blocks_executed) */
    uint64_t chained;
    /* the backend's own per-engine state (create/destroy) */
    void *priv;
    /* physical page of each tlb entry (for dropping write tags) */
    uint32_t tlb_ppage[BACKEND_TLB_SIZE];
    struct backend_tlb_entry tlb[BACKEND_TLB_SIZE];
};

struct backend_ops {
    const char *name;
    /* Compile ir into tb->code. false: the code area is full (flush, retry). */
    bool (*compile)(struct tb_cache *cache, struct tb *tb, const struct ir_block *ir);
    /* Run tb and whatever it chains to. Returns the last block run; *slot is the
     * direct-exit slot it left through (0 or 1), or -1 for any other exit. */
    struct tb *(*run)(struct backend_ctx *ctx, struct tb *tb, int *slot);

    /* ---- optional ---- */
    /* Set up ctx->priv with code_bytes of code memory; false on failure. */
    bool (*create)(struct backend_ctx *ctx, uint32_t code_bytes);
    void (*destroy)(struct backend_ctx *ctx);
    /* Replaces compile when set: the same contract, with the engine's state. */
    bool (*compile_ctx)(struct backend_ctx *ctx, struct tb *tb, const struct ir_block *ir);
    /* Every block is gone (tb_flush): free all code. */
    void (*flush)(struct backend_ctx *ctx);
    /* from's exit slot now chains to to (after tb_link), or no longer (after
     * tb.c dropped the link). */
    void (*link)(struct backend_ctx *ctx, struct tb *from, unsigned slot, struct tb *to);
    void (*unlink)(struct backend_ctx *ctx, struct tb *from, unsigned slot);
    /* Guest code now lies in physical [paddr, paddr + len): stores there must
     * take the slow path (self-modifying code checks). */
    void (*code_added)(struct backend_ctx *ctx, uint32_t paddr, uint32_t len);
};

extern const struct backend_ops backend_portable;
#if defined(__x86_64__)
extern const struct backend_ops backend_x86_64;
#endif

/* Drop every fast-path entry of ctx's TLB. */
static inline void backend_tlb_flush(struct backend_ctx *ctx)
{
    for (unsigned i = 0; i < BACKEND_TLB_SIZE; i++) {
        ctx->tlb[i].tag_read = ctx->tlb[i].tag_write = BACKEND_TLB_INVALID;
        ctx->tlb_ppage[i] = BACKEND_TLB_INVALID;
    }
}

/* Stores to physical page paddr_page (4 KiB aligned) must take the slow path. */
static inline void backend_tlb_drop_writes(struct backend_ctx *ctx, uint32_t paddr_page)
{
    for (unsigned i = 0; i < BACKEND_TLB_SIZE; i++) {
        if (ctx->tlb_ppage[i] == paddr_page)
            ctx->tlb[i].tag_write = BACKEND_TLB_INVALID;
    }
}

#endif
