/* The contract every backend implements: compile a block's IR into code in the
 * cache, and run a block (following direct chains) until it leaves. */
#ifndef TD_BACKEND_H
#define TD_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;
struct ir_block;
struct tb;
struct tb_cache;
struct exec_stats;

/* State shared between cpu_exec and a running block. */
struct backend_ctx {
    struct cpu *cpu;
    struct exec_stats *stats;
    /* chaining stops once cpu->icount reaches this */
    uint64_t icount_limit;
    /* the block now running (kept current across chained jumps) */
    struct tb *current;
    /* set when a store invalidated the running block: leave at the next
     * instruction boundary */
    bool smc_self;
};

struct backend_ops {
    const char *name;
    /* Compile ir into tb->code. false: the code area is full (flush, retry). */
    bool (*compile)(struct tb_cache *cache, struct tb *tb, const struct ir_block *ir);
    /* Run tb and whatever it chains to. Returns the last block run; *slot is the
     * direct-exit slot it left through (0 or 1), or -1 for any other exit. */
    struct tb *(*run)(struct backend_ctx *ctx, struct tb *tb, int *slot);
};

extern const struct backend_ops backend_portable;

#endif
