/* Translation blocks and the code cache that holds them: lookup by
 * (linear pc, CS base, mode), direct chaining, invalidation by physical
 * range (self-modifying code) and flush-all when full. */
#ifndef TD_TB_H
#define TD_TB_H

#include <stdbool.h>
#include <stdint.h>

struct bus;
struct exec_stats;

enum { TB_NO_PAGE = 0xFFFFFFFFu, TB_MAX_PAGES = 2 };

struct tb {
    /* lookup key */
    uint32_t pc;
    uint32_t cs_base;
    uint32_t mode;
    /* physical range(s) of the guest code: [paddr[i], paddr[i] + plen[i]) */
    uint32_t paddr[TB_MAX_PAGES];
    uint16_t plen[TB_MAX_PAGES];
    uint16_t ninsns;
    bool valid;
    /* backend code (bytecode for the portable backend) */
    void *code;
    /* direct-exit targets, set by chaining */
    struct tb *jmp_target[2];
    /* list of blocks chained to this one: (jmp_in, jmp_in_slot) heads a list
     * threaded through the source blocks' jmp_next/jmp_next_slot */
    struct tb *jmp_in;
    uint8_t jmp_in_slot;
    struct tb *jmp_next[2];
    uint8_t jmp_next_slot[2];
    /* hash chain and per-physical-page lists */
    struct tb *hash_next;
    struct tb *page_next[TB_MAX_PAGES];
};

struct tb_cache;

/* max_tbs blocks, code_bytes bytes of backend code. */
struct tb_cache *tb_cache_create(struct bus *bus, unsigned max_tbs, uint32_t code_bytes,
                                 struct exec_stats *stats);
void tb_cache_destroy(struct tb_cache *c);

struct tb *tb_lookup(struct tb_cache *c, uint32_t pc, uint32_t cs_base, uint32_t mode,
                     uint32_t paddr0);

/* A fresh block (not yet visible), or NULL when the cache is full (flush first). */
struct tb *tb_alloc(struct tb_cache *c);
/* Room for n bytes of backend code, or NULL when the code area is full. */
void *tb_code_alloc(struct tb_cache *c, uint32_t n);
/* Make tb findable and mark its guest code for SMC detection. */
void tb_insert(struct tb_cache *c, struct tb *tb);

/* Called when tb.c drops the chained jump of from's exit slot (its target was
 * invalidated), so a backend that patched the jump can restore it. */
typedef void tb_unlink_fn(void *opaque, struct tb *from, unsigned slot);
void tb_cache_set_unlink_hook(struct tb_cache *c, tb_unlink_fn *fn, void *opaque);

/* Chain from's exit slot to to (both valid). */
void tb_link(struct tb *from, unsigned slot, struct tb *to);

/* Invalidate every block overlapping physical [paddr, paddr+len). Returns true
 * if the block `running` was among them. */
bool tb_invalidate_range(struct tb_cache *c, uint32_t paddr, unsigned len,
                         const struct tb *running);

void tb_flush(struct tb_cache *c);

/* Invalidate one block (found stale by the lookup: its second page is now
 * mapped elsewhere). */
void tb_discard(struct tb_cache *c, struct tb *tb);

#endif
