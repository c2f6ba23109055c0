/* Unit tests of the code cache: lookup, chaining and unlinking, invalidation
 * by physical range with code marks on the bus, flush, bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bus.h"
#include "exec.h"
#include "tb.h"

struct fixture {
    struct bus *bus;
    struct tb_cache *cache;
    struct exec_stats stats;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->bus = bus_create(1u << 20, NULL);
    f->cache = tb_cache_create(f->bus, 8, 4096, &f->stats);
    if (!f->bus || !f->cache)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    tb_cache_destroy(f->cache);
    bus_destroy(f->bus);
    free(f);
    return 0;
}

static struct tb *make_tb(struct fixture *f, uint32_t pc, uint32_t paddr, uint16_t len)
{
    struct tb *tb = tb_alloc(f->cache);
    assert_non_null(tb);
    tb->pc = pc;
    tb->cs_base = 0;
    tb->mode = 0;
    tb->paddr[0] = paddr;
    tb->plen[0] = len;
    tb_insert(f->cache, tb);
    return tb;
}

static void test_lookup_by_key(void **state)
{
    struct fixture *f = *state;
    struct tb *tb = make_tb(f, 0x100, 0x100, 16);
    assert_ptr_equal(tb_lookup(f->cache, 0x100, 0, 0, 0x100), tb);
    assert_null(tb_lookup(f->cache, 0x100, 0, 1, 0x100));    /* other mode */
    assert_null(tb_lookup(f->cache, 0x100, 0x10, 0, 0x100)); /* other CS base */
    assert_null(tb_lookup(f->cache, 0x100, 0, 0, 0x2100));   /* other physical page */
}

static void test_insert_marks_code(void **state)
{
    struct fixture *f = *state;
    make_tb(f, 0x1000, 0x1000, 10);
    assert_true(bus_code_is_marked(f->bus, 0x1005, 1));
    assert_false(bus_code_is_marked(f->bus, 0x1000 + BUS_CODE_CHUNK, 1));
}

static void test_invalidate_overlapping_only(void **state)
{
    struct fixture *f = *state;
    struct tb *a = make_tb(f, 0x2000, 0x2000, 16);
    struct tb *b = make_tb(f, 0x2100, 0x2100, 16);
    assert_false(tb_invalidate_range(f->cache, 0x2108, 2, a));
    assert_true(a->valid);
    assert_false(b->valid);
    assert_null(tb_lookup(f->cache, 0x2100, 0, 0, 0x2100));
    assert_ptr_equal(tb_lookup(f->cache, 0x2000, 0, 0, 0x2000), a);
    /* b's chunk is no longer marked; a's still is */
    assert_false(bus_code_is_marked(f->bus, 0x2108, 1));
    assert_true(bus_code_is_marked(f->bus, 0x2000, 1));
    assert_int_equal(f->stats.smc_invalidations, 1);
}

static void test_invalidate_reports_running_block(void **state)
{
    struct fixture *f = *state;
    struct tb *a = make_tb(f, 0x3000, 0x3000, 16);
    assert_true(tb_invalidate_range(f->cache, 0x300f, 1, a));
    assert_false(a->valid);
}

static void test_unlink_on_invalidate(void **state)
{
    struct fixture *f = *state;
    struct tb *a = make_tb(f, 0x4000, 0x4000, 8);
    struct tb *b = make_tb(f, 0x5000, 0x5000, 8);
    struct tb *c = make_tb(f, 0x6000, 0x6000, 8);
    tb_link(a, 0, b);
    tb_link(c, 1, b);
    tb_link(b, 0, a);
    assert_ptr_equal(a->jmp_target[0], b);
    assert_ptr_equal(c->jmp_target[1], b);
    tb_invalidate_range(f->cache, 0x5000, 1, NULL);
    /* every jump into b is undone, and b's own jump out of the list of a */
    assert_null(a->jmp_target[0]);
    assert_null(c->jmp_target[1]);
    assert_null(a->jmp_in);
    assert_true(a->valid);
}

/* A write through the bus into marked code reaches the hook. */
static void count_hook(void *opaque, uint32_t paddr, unsigned len)
{
    (void)paddr;
    (void)len;
    (*(unsigned *)opaque)++;
}

static void test_bus_write_hook(void **state)
{
    struct fixture *f = *state;
    make_tb(f, 0x7000, 0x7000, 4);
    unsigned hook_calls = 0;
    bus_set_code_write_hook(f->bus, count_hook, &hook_calls);
    bus_write8(f->bus, 0x7000 + 2 * BUS_CODE_CHUNK, 1);
    assert_int_equal(hook_calls, 0);
    bus_write16(f->bus, 0x7002, 1);
    assert_int_equal(hook_calls, 1);
    bus_set_code_write_hook(f->bus, NULL, NULL);
}

static void test_pool_bound_and_flush(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < 8; i++)
        make_tb(f, 0x100u * (unsigned)i, 0x100u * (unsigned)i, 4);
    assert_null(tb_alloc(f->cache));
    assert_null(tb_code_alloc(f->cache, 8192));
    assert_non_null(tb_code_alloc(f->cache, 4096));
    assert_null(tb_code_alloc(f->cache, 16));
    tb_flush(f->cache);
    assert_int_equal(f->stats.flushes, 1);
    assert_null(tb_lookup(f->cache, 0, 0, 0, 0));
    assert_false(bus_code_is_marked(f->bus, 0, 0x1000));
    assert_non_null(tb_alloc(f->cache));
    assert_non_null(tb_code_alloc(f->cache, 4096));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lookup_by_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_insert_marks_code, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalidate_overlapping_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalidate_reports_running_block, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unlink_on_invalidate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bus_write_hook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pool_bound_and_flush, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
