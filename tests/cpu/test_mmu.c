/* Unit tests of the pure page walk and the software TLB (cpu/mmu.c) against a
 * bus with hand-built page tables: translation, #PF error codes (P, W/R, U/S,
 * RSVD), CR0.WP, accessed/dirty bits, 4 MiB pages, global pages and flushes.
 * Intel SDM vol. 3 4.3, 4.6, 4.7, 4.10. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "bus.h"
#include "mmu.h"

enum {
    PD = 0x10000, PT = 0x11000,
    CR0_WP = 1u << 16, CR4_PSE = 1u << 4, CR4_PGE = 1u << 7,
};

static struct bus *setup_bus(void)
{
    struct bus *bus = bus_create(1u << 20, NULL);
    assert_non_null(bus);
    /* 0x00400000-0x007FFFFF through PT; page 0 user rw, page 1 supervisor ro,
     * page 2 not present, page 3 user ro (global) */
    bus_write32(bus, PD + 1 * 4, PT | PTE_P | PTE_W | PTE_U);
    bus_write32(bus, PT + 0 * 4, 0x20000 | PTE_P | PTE_W | PTE_U);
    bus_write32(bus, PT + 1 * 4, 0x21000 | PTE_P);
    bus_write32(bus, PT + 3 * 4, 0x23000 | PTE_P | PTE_U | PTE_G);
    return bus;
}

static void test_translate(void **state)
{
    struct bus *bus = setup_bus();
    struct mmu_walk w;
    uint32_t err = 0xDEAD;
    (void)state;
    assert_true(mmu_walk(bus, 0, PD, 0, 0x400123, MMU_USER, &w, &err));
    assert_int_equal(w.paddr, 0x20123);
    assert_true(w.user && w.user_write && w.sup_write);
    assert_false(w.dirty);
    assert_int_equal(bus_read32(bus, PT) & (PTE_A | PTE_D), PTE_A);
    assert_int_equal(bus_read32(bus, PD + 4) & PTE_A, PTE_A);
    assert_true(mmu_walk(bus, 0, PD, 0, 0x400123, MMU_WRITE, &w, &err));
    assert_true(w.dirty);
    assert_int_equal(bus_read32(bus, PT) & PTE_D, PTE_D);
    bus_destroy(bus);
}

static void test_errors(void **state)
{
    struct bus *bus = setup_bus();
    struct mmu_walk w;
    uint32_t err;
    (void)state;
    /* no page table at all (PDE 0 not present) */
    assert_false(mmu_walk(bus, 0, PD, 0, 0x1000, 0, &w, &err));
    assert_int_equal(err, 0);
    assert_false(mmu_walk(bus, 0, PD, 0, 0x402000, MMU_WRITE | MMU_USER, &w, &err));
    assert_int_equal(err, PF_W | PF_U);
    assert_false(mmu_walk(bus, 0, PD, 0, 0x401000, MMU_USER, &w, &err));
    assert_int_equal(err, PF_P | PF_U);
    assert_false(mmu_walk(bus, 0, PD, 0, 0x403000, MMU_USER | MMU_WRITE, &w, &err));
    assert_int_equal(err, PF_P | PF_W | PF_U);
    /* supervisor write to read-only: allowed unless CR0.WP */
    assert_true(mmu_walk(bus, 0, PD, 0, 0x401000, MMU_WRITE, &w, &err));
    assert_false(mmu_walk(bus, CR0_WP, PD, 0, 0x401000, MMU_WRITE, &w, &err));
    assert_int_equal(err, PF_P | PF_W);
    /* a failed walk sets no accessed bit on the last level */
    assert_int_equal(bus_read32(bus, PT + 3 * 4) & PTE_A, 0);
    bus_destroy(bus);
}

static void test_large_pages(void **state)
{
    struct bus *bus = setup_bus();
    struct mmu_walk w;
    uint32_t err;
    (void)state;
    bus_write32(bus, PD + 2 * 4, 0x00000000 | PTE_PS | PTE_P | PTE_W | PTE_G);
    /* without CR4.PSE the PS bit is ignored: the PDE names a page table at 0,
     * whose entry 12h is zero (not present) */
    assert_false(mmu_walk(bus, 0, PD, 0, 0x812345, 0, &w, &err));
    assert_int_equal(err, 0);
    assert_true(mmu_walk(bus, 0, PD, CR4_PSE, 0x812345, 0, &w, &err));
    assert_int_equal(w.paddr, 0x012345);
    assert_true(w.large);
    assert_false(w.global);
    assert_true(mmu_walk(bus, 0, PD, CR4_PSE | CR4_PGE, 0x812345, 0, &w, &err));
    assert_true(w.global);
    bus_write32(bus, PD + 2 * 4, 0x00200000 | PTE_PS | PTE_P);
    assert_false(mmu_walk(bus, 0, PD, CR4_PSE, 0x800000, 0, &w, &err));
    assert_int_equal(err, PF_P | PF_RSVD);
    bus_destroy(bus);
}

static void test_tlb(void **state)
{
    struct bus *bus = setup_bus();
    struct tlb tlb = {0};
    struct mmu_walk w;
    uint32_t err, paddr;
    (void)state;
    assert_false(mmu_tlb_lookup(&tlb, 0x400010, 0, &paddr));
    assert_true(mmu_walk(bus, 0, PD, 0, 0x400010, MMU_USER, &w, &err));
    mmu_tlb_fill(&tlb, 0x400010, &w);
    assert_true(mmu_tlb_lookup(&tlb, 0x400FF0, MMU_USER, &paddr));
    assert_int_equal(paddr, 0x20FF0);
    /* not dirty yet: a write must walk again to set D */
    assert_false(mmu_tlb_lookup(&tlb, 0x400010, MMU_WRITE, &paddr));
    assert_true(mmu_walk(bus, 0, PD, CR4_PGE, 0x403000, MMU_USER, &w, &err));
    mmu_tlb_fill(&tlb, 0x403000, &w);
    assert_false(mmu_tlb_lookup(&tlb, 0x403000, MMU_USER | MMU_WRITE, &paddr));
    mmu_tlb_flush(&tlb, true);
    assert_false(mmu_tlb_lookup(&tlb, 0x400010, 0, &paddr));
    assert_true(mmu_tlb_lookup(&tlb, 0x403000, MMU_USER, &paddr));
    mmu_tlb_flush_page(&tlb, 0x403FFF);
    assert_false(mmu_tlb_lookup(&tlb, 0x403000, MMU_USER, &paddr));
    bus_destroy(bus);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_translate),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_large_pages),
        cmocka_unit_test(test_tlb),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
