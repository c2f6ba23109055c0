/* Paging: the pure two-level page walk (4 KiB pages, 4 MiB pages with CR4.PSE,
 * global pages with CR4.PGE) and the per-CPU software TLB. Intel SDM vol. 3
 * 4.3 (32-bit paging), 4.6 (access rights), 4.7 (page-fault error code), 4.10
 * (TLBs). Nothing here raises: mem.c turns a failed walk into #PF. */
#ifndef TD_MMU_H
#define TD_MMU_H

#include <stdbool.h>
#include <stdint.h>

struct bus;

/* #PF error code bits (SDM vol. 3 figure 4-12). */
enum { PF_P = 1u << 0, PF_W = 1u << 1, PF_U = 1u << 2, PF_RSVD = 1u << 3 };

/* Kind of access: a write, and/or at user privilege (CPL 3, not an implicit
 * supervisor access such as a descriptor-table read). */
enum { MMU_WRITE = 1u << 0, MMU_USER = 1u << 1 };

/* Page-table entry bits (SDM vol. 3 tables 4-4 to 4-6). */
enum {
    PTE_P = 1u << 0, PTE_W = 1u << 1, PTE_U = 1u << 2, PTE_A = 1u << 5, PTE_D = 1u << 6,
    PTE_PS = 1u << 7, PTE_G = 1u << 8,
    /* 4 MiB PDE: bits 21-13 are reserved without PSE-36 (SDM vol. 3 table 4-4) */
    PDE4M_RSVD = 0x003FE000u,
};

/* Result of a successful walk: the physical address and what the page allows. */
struct mmu_walk {
    uint32_t paddr;
    /* user code may access the page / write it; supervisor code may write it */
    bool user, user_write, sup_write;
    /* the dirty bit is set (after this walk) */
    bool dirty;
    /* a global page (G with CR4.PGE) and a 4 MiB page */
    bool global, large;
};

/* Walk the page tables at cr3 for laddr. cr0 supplies WP, cr4 PSE and PGE.
 * Sets accessed bits (and the dirty bit on a write) as the CPU does. Returns
 * true and fills *w, or false with *error set to the #PF error code. */
bool mmu_walk(struct bus *bus, uint32_t cr0, uint32_t cr3, uint32_t cr4, uint32_t laddr,
              unsigned access, struct mmu_walk *w, uint32_t *error);

/* The software TLB: direct-mapped, one entry per 4 KiB linear page (a 4 MiB
 * page fills one entry per 4 KiB piece used). */
enum { TLB_BITS = 8, TLB_SIZE = 1u << TLB_BITS };

enum {
    TLB_VALID = 1u << 0, TLB_USER = 1u << 1, TLB_UW = 1u << 2, TLB_SW = 1u << 3,
    TLB_DIRTY = 1u << 4, TLB_GLOBAL = 1u << 5, TLB_LARGE = 1u << 6,
};

struct tlb_entry {
    /* linear page number (laddr >> 12) */
    uint32_t vpage;
    /* physical page address (low 12 bits 0) */
    uint32_t ppage;
    /* TLB_* */
    uint32_t flags;
};

struct tlb {
    struct tlb_entry e[TLB_SIZE];
};

/* Translate through the TLB: true and *paddr when an entry allows the access
 * (a write needs the dirty bit already set), false on a miss. */
static inline bool mmu_tlb_lookup(const struct tlb *t, uint32_t laddr, unsigned access,
                                  uint32_t *paddr)
{
    const struct tlb_entry *e = &t->e[(laddr >> 12) & (TLB_SIZE - 1)];
    uint32_t need = TLB_VALID;

    if (access & MMU_USER)
        need |= TLB_USER;
    if (access & MMU_WRITE)
        need |= TLB_DIRTY | ((access & MMU_USER) ? TLB_UW : TLB_SW);
    if (e->vpage != laddr >> 12 || (e->flags & need) != need)
        return false;
    *paddr = e->ppage | (laddr & 0xFFFu);
    return true;
}

/* Remember a successful walk of laddr. */
void mmu_tlb_fill(struct tlb *t, uint32_t laddr, const struct mmu_walk *w);
/* Forget every entry; keep_global keeps global pages (MOV CR3 with CR4.PGE). */
void mmu_tlb_flush(struct tlb *t, bool keep_global);
/* INVLPG: forget the page holding laddr (all of it for a 4 MiB page), global or not. */
void mmu_tlb_flush_page(struct tlb *t, uint32_t laddr);

#endif
