/* The code cache: translation blocks in a fixed pool, backend code in a bump
 * area, a hash for lookup, per-page lists for invalidation (docs/internals.md). */
#include "tb.h"

#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "exec.h"

enum { TB_HASH_BITS = 16, TB_HASH_SIZE = 1u << TB_HASH_BITS, PAGE_SHIFT = 12 };

struct tb_cache {
    struct bus *bus;
    struct exec_stats *stats;
    struct tb *pool;
    unsigned max_tbs;
    unsigned ntbs;
    uint8_t *code;
    uint32_t code_size;
    uint32_t code_used;
    struct tb *hash[TB_HASH_SIZE];
    /* per RAM page: blocks whose code lies (partly) in the page */
    struct tb **pages;
    uint32_t npages;
    tb_unlink_fn *unlink_fn;
    void *unlink_opaque;
};

static unsigned tb_hash(uint32_t pc, uint32_t cs_base, uint32_t mode)
{
    uint32_t h = (pc + cs_base) * 0x9E3779B1u ^ mode * 0x85EBCA77u;
    return h >> (32 - TB_HASH_BITS);
}

struct tb_cache *tb_cache_create(struct bus *bus, unsigned max_tbs, uint32_t code_bytes,
                                 struct exec_stats *stats)
{
    struct tb_cache *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->bus = bus;
    c->stats = stats;
    c->max_tbs = max_tbs;
    c->code_size = code_bytes;
    c->npages = bus_ram_size(bus) >> PAGE_SHIFT;
    c->pool = calloc(max_tbs, sizeof(*c->pool));
    c->code = malloc(code_bytes);
    c->pages = calloc(c->npages, sizeof(*c->pages));
    if (!c->pool || !c->code || !c->pages) {
        tb_cache_destroy(c);
        return NULL;
    }
    return c;
}

void tb_cache_destroy(struct tb_cache *c)
{
    if (!c)
        return;
    free(c->pool);
    free(c->code);
    free(c->pages);
    free(c);
}

struct tb *tb_lookup(struct tb_cache *c, uint32_t pc, uint32_t cs_base, uint32_t mode,
                     uint32_t paddr0)
{
    for (struct tb *tb = c->hash[tb_hash(pc, cs_base, mode)]; tb; tb = tb->hash_next) {
        if (tb->pc == pc && tb->cs_base == cs_base && tb->mode == mode &&
            tb->paddr[0] == paddr0)
            return tb;
    }
    return NULL;
}

struct tb *tb_alloc(struct tb_cache *c)
{
    if (c->ntbs >= c->max_tbs)
        return NULL;
    struct tb *tb = &c->pool[c->ntbs++];
    if (c->ntbs > c->stats->cache_blocks_peak)
        c->stats->cache_blocks_peak = c->ntbs;
    memset(tb, 0, sizeof(*tb));
    tb->paddr[0] = tb->paddr[1] = TB_NO_PAGE;
    return tb;
}

void *tb_code_alloc(struct tb_cache *c, uint32_t n)
{
    n = (n + 15u) & ~15u;
    if (n > c->code_size - c->code_used)
        return NULL;
    void *p = c->code + c->code_used;
    c->code_used += n;
    if (c->code_used > c->stats->cache_code_peak)
        c->stats->cache_code_peak = c->code_used;
    return p;
}

static bool page_tracked(const struct tb_cache *c, uint32_t paddr)
{
    return paddr != TB_NO_PAGE && (paddr >> PAGE_SHIFT) < c->npages;
}

void tb_insert(struct tb_cache *c, struct tb *tb)
{
    unsigned h = tb_hash(tb->pc, tb->cs_base, tb->mode);
    tb->hash_next = c->hash[h];
    c->hash[h] = tb;
    tb->valid = true;
    for (unsigned i = 0; i < TB_MAX_PAGES; i++) {
        if (!page_tracked(c, tb->paddr[i]))
            continue;
        struct tb **head = &c->pages[tb->paddr[i] >> PAGE_SHIFT];
        tb->page_next[i] = *head;
        *head = tb;
        bus_code_mark(c->bus, tb->paddr[i], tb->plen[i]);
    }
}

void tb_cache_set_unlink_hook(struct tb_cache *c, tb_unlink_fn *fn, void *opaque)
{
    c->unlink_fn = fn;
    c->unlink_opaque = opaque;
}

void tb_link(struct tb *from, unsigned slot, struct tb *to)
{
    if (from->jmp_target[slot])
        return;
    from->jmp_target[slot] = to;
    from->jmp_next[slot] = to->jmp_in;
    from->jmp_next_slot[slot] = to->jmp_in_slot;
    to->jmp_in = from;
    to->jmp_in_slot = (uint8_t)slot;
}

/* Remove the link (src, slot) from target's incoming list. */
static void unlink_in(struct tb *target, struct tb *src, unsigned slot)
{
    struct tb **pp = &target->jmp_in;
    uint8_t *ps = &target->jmp_in_slot;
    while (*pp) {
        struct tb *cur = *pp;
        unsigned cs = *ps;
        if (cur == src && cs == slot) {
            *pp = cur->jmp_next[cs];
            *ps = cur->jmp_next_slot[cs];
            return;
        }
        pp = &cur->jmp_next[cs];
        ps = &cur->jmp_next_slot[cs];
    }
}

static void tb_unlink_all(struct tb_cache *c, struct tb *tb)
{
    for (unsigned s = 0; s < 2; s++) {
        if (tb->jmp_target[s])
            unlink_in(tb->jmp_target[s], tb, s);
        tb->jmp_target[s] = NULL;
    }
    struct tb *src = tb->jmp_in;
    unsigned slot = tb->jmp_in_slot;
    while (src) {
        struct tb *next = src->jmp_next[slot];
        unsigned next_slot = src->jmp_next_slot[slot];
        src->jmp_target[slot] = NULL;
        if (c->unlink_fn)
            c->unlink_fn(c->unlink_opaque, src, slot);
        src = next;
        slot = next_slot;
    }
    tb->jmp_in = NULL;
}

static void hash_remove(struct tb_cache *c, struct tb *tb)
{
    struct tb **pp = &c->hash[tb_hash(tb->pc, tb->cs_base, tb->mode)];
    while (*pp && *pp != tb)
        pp = &(*pp)->hash_next;
    if (*pp)
        *pp = tb->hash_next;
}

static void page_remove(struct tb_cache *c, struct tb *tb)
{
    for (unsigned i = 0; i < TB_MAX_PAGES; i++) {
        if (!page_tracked(c, tb->paddr[i]))
            continue;
        uint32_t page = tb->paddr[i] >> PAGE_SHIFT;
        struct tb **pp = &c->pages[page];
        while (*pp && *pp != tb) {
            struct tb *cur = *pp;
            unsigned j = (cur->paddr[0] >> PAGE_SHIFT) == page ? 0 : 1;
            pp = &cur->page_next[j];
        }
        if (*pp)
            *pp = tb->page_next[i];
    }
}

static bool overlaps(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
    return a < b + blen && b < a + alen;
}

/* Re-mark the code chunks of a page from the blocks still in it. */
static void page_remark(struct tb_cache *c, uint32_t page)
{
    bus_code_clear(c->bus, page << PAGE_SHIFT, 1u << PAGE_SHIFT);
    for (struct tb *tb = c->pages[page]; tb;) {
        unsigned i = (tb->paddr[0] >> PAGE_SHIFT) == page ? 0 : 1;
        bus_code_mark(c->bus, tb->paddr[i], tb->plen[i]);
        tb = tb->page_next[i];
    }
}

static bool invalidate_page(struct tb_cache *c, uint32_t page, uint32_t paddr, unsigned len,
                            const struct tb *running)
{
    bool hit_running = false;
    struct tb *tb = c->pages[page];
    while (tb) {
        unsigned i = (tb->paddr[0] >> PAGE_SHIFT) == page ? 0 : 1;
        struct tb *next = tb->page_next[i];
        if (overlaps(tb->paddr[i], tb->plen[i], paddr, len)) {
            tb->valid = false;
            hit_running |= tb == running;
            hash_remove(c, tb);
            page_remove(c, tb);
            tb_unlink_all(c, tb);
            c->stats->smc_invalidations++;
        }
        tb = next;
    }
    page_remark(c, page);
    return hit_running;
}

bool tb_invalidate_range(struct tb_cache *c, uint32_t paddr, unsigned len,
                         const struct tb *running)
{
    bool hit = false;
    uint32_t first = paddr >> PAGE_SHIFT;
    uint32_t last = (paddr + len - 1) >> PAGE_SHIFT;
    for (uint32_t page = first; page <= last && page < c->npages; page++)
        hit |= invalidate_page(c, page, paddr, len, running);
    return hit;
}

void tb_discard(struct tb_cache *c, struct tb *tb)
{
    tb->valid = false;
    hash_remove(c, tb);
    page_remove(c, tb);
    tb_unlink_all(c, tb);
    for (unsigned i = 0; i < TB_MAX_PAGES; i++) {
        if (page_tracked(c, tb->paddr[i]))
            page_remark(c, tb->paddr[i] >> PAGE_SHIFT);
    }
}

void tb_flush(struct tb_cache *c)
{
    memset(c->hash, 0, sizeof(c->hash));
    memset(c->pages, 0, c->npages * sizeof(*c->pages));
    c->ntbs = 0;
    c->code_used = 0;
    bus_code_clear_all(c->bus);
    c->stats->flushes++;
}
