/* 32-bit paging: the page walk (SDM vol. 3 4.3, with PSE 4 MiB pages and PGE
 * global pages), access rights (4.6: U/S, R/W, CR0.WP), accessed/dirty bits
 * (4.8) and the software TLB (4.10). Pure: faults come back as error codes. */
#include "mmu.h"

#include "bus.h"

enum { CR0_WP_BIT = 1u << 16, CR4_PSE_BIT = 1u << 4, CR4_PGE_BIT = 1u << 7 };

/* Error code of a fault: P for a protection fault on a present page, plus the
 * kind of access (SDM vol. 3 4.7). */
static uint32_t pf_error(unsigned access, bool present)
{
    return (present ? PF_P : 0) | ((access & MMU_WRITE) ? PF_W : 0) |
           ((access & MMU_USER) ? PF_U : 0);
}

/* Does a page with the combined rights u (user) and w (writable) allow the
 * access? Supervisor writes ignore R/W unless CR0.WP (SDM vol. 3 4.6.1). */
static bool allowed(unsigned access, bool u, bool w, uint32_t cr0)
{
    if (access & MMU_USER)
        return u && (!(access & MMU_WRITE) || w);
    return !(access & MMU_WRITE) || w || !(cr0 & CR0_WP_BIT);
}

/* Set the accessed bit (and dirty, for a write on the last level) if clear. */
static uint32_t mark(struct bus *bus, uint32_t addr, uint32_t entry, uint32_t bits)
{
    if ((entry & bits) != bits) {
        entry |= bits;
        bus_write32(bus, addr, entry);
    }
    return entry;
}

static void fill_rights(struct mmu_walk *w, bool u, bool wr, uint32_t cr0)
{
    w->user = u;
    w->user_write = u && wr;
    w->sup_write = wr || !(cr0 & CR0_WP_BIT);
}

bool mmu_walk(struct bus *bus, uint32_t cr0, uint32_t cr3, uint32_t cr4, uint32_t laddr,
              unsigned access, struct mmu_walk *w, uint32_t *error)
{
    uint32_t pde_addr = (cr3 & 0xFFFFF000u) | ((laddr >> 22) << 2);
    uint32_t pde = bus_read32(bus, pde_addr), pte_addr, pte, dirty;
    bool u, wr;

    if (!(pde & PTE_P))
        return *error = pf_error(access, false), false;
    dirty = (access & MMU_WRITE) ? PTE_D : 0;
    if ((cr4 & CR4_PSE_BIT) && (pde & PTE_PS)) {
        if (pde & PDE4M_RSVD)
            return *error = pf_error(access, true) | PF_RSVD, false;
        u = pde & PTE_U;
        wr = pde & PTE_W;
        if (!allowed(access, u, wr, cr0))
            return *error = pf_error(access, true), false;
        pde = mark(bus, pde_addr, pde, PTE_A | dirty);
        fill_rights(w, u, wr, cr0);
        w->paddr = (pde & 0xFFC00000u) | (laddr & 0x3FFFFFu);
        w->dirty = pde & PTE_D;
        w->global = (pde & PTE_G) && (cr4 & CR4_PGE_BIT);
        w->large = true;
        return true;
    }
    pte_addr = (pde & 0xFFFFF000u) | (((laddr >> 12) & 0x3FFu) << 2);
    pte = bus_read32(bus, pte_addr);
    if (!(pte & PTE_P))
        return *error = pf_error(access, false), false;
    u = (pde & PTE_U) && (pte & PTE_U);
    wr = (pde & PTE_W) && (pte & PTE_W);
    if (!allowed(access, u, wr, cr0))
        return *error = pf_error(access, true), false;
    mark(bus, pde_addr, pde, PTE_A);
    pte = mark(bus, pte_addr, pte, PTE_A | dirty);
    fill_rights(w, u, wr, cr0);
    w->paddr = (pte & 0xFFFFF000u) | (laddr & 0xFFFu);
    w->dirty = pte & PTE_D;
    w->global = (pte & PTE_G) && (cr4 & CR4_PGE_BIT);
    w->large = false;
    return true;
}

void mmu_tlb_fill(struct tlb *t, uint32_t laddr, const struct mmu_walk *w)
{
    struct tlb_entry *e = &t->e[(laddr >> 12) & (TLB_SIZE - 1)];

    e->vpage = laddr >> 12;
    e->ppage = w->paddr & 0xFFFFF000u;
    e->flags = TLB_VALID | (w->user ? TLB_USER : 0) | (w->user_write ? TLB_UW : 0) |
               (w->sup_write ? TLB_SW : 0) | (w->dirty ? TLB_DIRTY : 0) |
               (w->global ? TLB_GLOBAL : 0) | (w->large ? TLB_LARGE : 0);
}

void mmu_tlb_flush(struct tlb *t, bool keep_global)
{
    for (unsigned i = 0; i < TLB_SIZE; i++) {
        if (!keep_global || !(t->e[i].flags & TLB_GLOBAL))
            t->e[i].flags = 0;
    }
}

void mmu_tlb_flush_page(struct tlb *t, uint32_t laddr)
{
    uint32_t vpage = laddr >> 12;

    t->e[vpage & (TLB_SIZE - 1)].flags = 0;
    /* pieces of a 4 MiB page sit in other slots */
    for (unsigned i = 0; i < TLB_SIZE; i++) {
        const struct tlb_entry *e = &t->e[i];
        if ((e->flags & TLB_LARGE) && (e->vpage >> 10) == (vpage >> 10))
            t->e[i].flags = 0;
    }
}
