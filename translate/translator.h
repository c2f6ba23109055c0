/* The translator: guest code at CS:EIP -> one block of IR, by fetching,
 * decoding and calling each instruction's gen function (x86_ops.def). */
#ifndef TD_TRANSLATOR_H
#define TD_TRANSLATOR_H

struct cpu;
struct tb;
struct ir_block;
struct exec_stats;

struct translator;

struct translator *translator_create(struct cpu *cpu);
void translator_destroy(struct translator *tr);

/* Build the IR for the block starting at the CPU's CS:EIP with tb->pc,
 * tb->cs_base and tb->mode already set; fills tb's guest ranges and
 * instruction count. At most max_insns instructions (1 in single-step mode),
 * never more than two guest pages. May raise a guest exception when the very
 * first instruction cannot be fetched. */
const struct ir_block *translator_build(struct translator *tr, struct tb *tb, unsigned max_insns,
                                        struct exec_stats *stats);

#endif
