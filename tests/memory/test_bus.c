/* Unit tests for memory/bus.c: RAM, ROM, MMIO, A20, straddling, unmapped reads,
 * the code-chunk map and its write hook, bulk copies and host pointers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "bus.h"
#include "log.h"

enum { MIB = 1024 * 1024, FAKE_MAX_CALLS = 16 };

/* ---- a fake MMIO device recording its calls ---- */

struct fake_call {
    int write;
    uint32_t offset;
    unsigned size;
    uint32_t value;
};

struct fake_mmio {
    struct fake_call calls[FAKE_MAX_CALLS];
    unsigned ncalls;
};

static uint32_t fake_read(void *opaque, uint32_t offset, unsigned size)
{
    struct fake_mmio *dev = opaque;

    assert_true(dev->ncalls < FAKE_MAX_CALLS);
    dev->calls[dev->ncalls++] = (struct fake_call){ 0, offset, size, 0 };
    /* the low byte names the offset, so split reads are visible */
    return 0xC0DE0000u | (size << 8) | (offset & 0xFF);
}

static void fake_write(void *opaque, uint32_t offset, unsigned size, uint32_t value)
{
    struct fake_mmio *dev = opaque;

    assert_true(dev->ncalls < FAKE_MAX_CALLS);
    dev->calls[dev->ncalls++] = (struct fake_call){ 1, offset, size, value };
}

static const struct mmio_ops fake_ops_dword = { fake_read, fake_write, 4 };
static const struct mmio_ops fake_ops_all = { fake_read, fake_write, 1 | 2 | 4 };

static void assert_call(const struct fake_mmio *dev, unsigned i, int write, uint32_t offset,
                        unsigned size, uint32_t value)
{
    assert_true(i < dev->ncalls);
    assert_int_equal(dev->calls[i].write, write);
    assert_int_equal(dev->calls[i].offset, offset);
    assert_int_equal(dev->calls[i].size, size);
    if (write)
        assert_int_equal(dev->calls[i].value, value);
}

/* ---- a code-write hook recording calls and the RAM byte it saw ---- */

struct hook_rec {
    struct bus *bus;
    unsigned calls;
    uint32_t paddr;
    unsigned len;
    uint8_t seen;
    int clear;
};

static void hook_fn(void *opaque, uint32_t paddr, unsigned len)
{
    struct hook_rec *rec = opaque;

    rec->calls++;
    rec->paddr = paddr;
    rec->len = len;
    assert_true(bus_read_ram(rec->bus, paddr, &rec->seen, 1));
    if (rec->clear)
        bus_code_clear(rec->bus, paddr, len);
}

static void test_create_sizes(void **state)
{
    struct bus *bus;

    assert_null(bus_create(0, NULL));
    assert_null(bus_create(60 * 1024, NULL));
    assert_null(bus_create(64 * 1024 + 1, NULL));
    assert_null(bus_create(1 * MIB + 512, NULL));
    assert_null(bus_create(3u * 1024 * MIB + 4096, NULL));
    assert_null(bus_create(UINT32_MAX, NULL));
    bus = bus_create(64 * 1024, NULL);
    assert_non_null(bus);
    assert_int_equal(bus_ram_size(bus), 64 * 1024);
    assert_int_equal(bus_read32(bus, 0x1234), 0);
    bus_destroy(bus);
    bus_destroy(NULL);
}

static void test_ram_sizes(void **state)
{
    struct bus *bus = bus_create(MIB, NULL);

    bus_write8(bus, 0x10, 0xAB);
    assert_int_equal(bus_read8(bus, 0x10), 0xAB);
    bus_write16(bus, 0x20, 0x1234);
    assert_int_equal(bus_read16(bus, 0x20), 0x1234);
    assert_int_equal(bus_read8(bus, 0x20), 0x34);
    assert_int_equal(bus_read8(bus, 0x21), 0x12);
    bus_write32(bus, 0x30, 0xDEADBEEF);
    assert_int_equal(bus_read32(bus, 0x30), 0xDEADBEEF);
    assert_int_equal(bus_read16(bus, 0x32), 0xDEAD);
    assert_int_equal(bus_read8(bus, 0x30), 0xEF);
    bus_write32(bus, MIB - 4, 0x01020304);
    assert_int_equal(bus_read32(bus, MIB - 4), 0x01020304);
    bus_destroy(bus);
}

static void test_ram_unaligned(void **state)
{
    struct bus *bus = bus_create(MIB, NULL);

    bus_write32(bus, 0x1001, 0xA1B2C3D4);
    assert_int_equal(bus_read8(bus, 0x1001), 0xD4);
    assert_int_equal(bus_read8(bus, 0x1004), 0xA1);
    assert_int_equal(bus_read32(bus, 0x1001), 0xA1B2C3D4);
    assert_int_equal(bus_read16(bus, 0x1003), 0xA1B2);
    bus_write16(bus, 0x1FFF, 0x5566);
    assert_int_equal(bus_read8(bus, 0x1FFF), 0x66);
    assert_int_equal(bus_read8(bus, 0x2000), 0x55);
    bus_destroy(bus);
}

static void test_a20(void **state)
{
    struct bus *bus = bus_create(2 * MIB, NULL);

    assert_true(bus_a20(bus));
    assert_int_equal(bus_a20_mask(bus), 0xFFFFFFFF);
    bus_write8(bus, 0x000000, 0x55);
    bus_write8(bus, 0x100000, 0xAA);
    bus_write8(bus, 0x0FFFFF, 0x77);
    bus_set_a20(bus, false);
    assert_false(bus_a20(bus));
    assert_int_equal(bus_a20_mask(bus), ~(uint32_t)(1u << 20));
    assert_int_equal(bus_read8(bus, 0x100000), 0x55);
    assert_int_equal(bus_read8(bus, 0x1FFFFF), 0x77);
    /* FFFF:0010 style wrap: a word at 0xFFFFF takes its high byte from 0 */
    assert_int_equal(bus_read16(bus, 0x0FFFFF), 0x5577);
    bus_write16(bus, 0x0FFFFF, 0x1122);
    bus_write8(bus, 0x100001, 0x33);
    bus_set_a20(bus, true);
    assert_int_equal(bus_read8(bus, 0x000000), 0x11);
    assert_int_equal(bus_read8(bus, 0x0FFFFF), 0x22);
    assert_int_equal(bus_read8(bus, 0x000001), 0x33);
    assert_int_equal(bus_read8(bus, 0x100000), 0xAA);
    assert_int_equal(bus_read16(bus, 0x0FFFFF), 0xAA22);
    bus_destroy(bus);
}

static void test_rom(void **state)
{
    static const uint8_t pattern[4] = { 0xEA, 0x5B, 0xE0, 0x00 };
    uint8_t data[0x10000];
    struct bus *bus = bus_create(2 * MIB, NULL);

    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 7);
    memcpy(data + 0xFFF0, pattern, sizeof(pattern));
    assert_true(bus_write_ram(bus, 0xF0000, "\x99\x99", 2));
    assert_true(bus_add_rom(bus, 0xF0000, data, sizeof(data), "bios"));
    assert_true(bus_add_rom(bus, 0xFFFF0000, data, sizeof(data), "bios alias"));
    data[0xFFF0] = 0;
    assert_int_equal(bus_read8(bus, 0xF0000), 0);
    assert_int_equal(bus_read8(bus, 0xF0001), 7);
    assert_int_equal(bus_read32(bus, 0xFFFF0), 0x00E05BEA);
    assert_int_equal(bus_read32(bus, 0xFFFFFFF0), 0x00E05BEA);
    bus_write8(bus, 0xFFFF0, 0x90);
    bus_write32(bus, 0xFFFFFFF0, 0);
    assert_int_equal(bus_read8(bus, 0xFFFF0), 0xEA);
    assert_int_equal(bus_read32(bus, 0xFFFFFFF0), 0x00E05BEA);
    /* the shadowed RAM keeps its own contents */
    uint8_t ram[2];
    assert_true(bus_read_ram(bus, 0xF0000, ram, 2));
    assert_int_equal(ram[0], 0x99);
    bus_destroy(bus);
}

static void test_mmio_dispatch(void **state)
{
    struct fake_mmio wide = { 0 }, dword = { 0 };
    struct bus *bus = bus_create(2 * MIB, NULL);

    assert_true(bus_add_mmio(bus, 0xA0000, 0x100, &fake_ops_all, &wide, "wide"));
    assert_true(bus_add_mmio(bus, 0xFEC00000, 0x1000, &fake_ops_dword, &dword, "dword"));
    assert_int_equal(bus_read32(bus, 0xA0010), 0xC0DE0410);
    assert_call(&wide, 0, 0, 0x10, 4, 0);
    bus_write16(bus, 0xA0022, 0xBEEF);
    assert_call(&wide, 1, 1, 0x22, 2, 0xBEEF);
    bus_write8(bus, 0xA0003, 0x5A);
    assert_call(&wide, 2, 1, 0x03, 1, 0x5A);
    assert_int_equal(wide.ncalls, 3);

    bus_write32(bus, 0xFEC00010, 0xCAFEF00D);
    assert_call(&dword, 0, 1, 0x10, 4, 0xCAFEF00D);
    /* a word access to a dword-only device is split into bytes, little-endian */
    bus_write16(bus, 0xFEC00020, 0x1234);
    assert_call(&dword, 1, 1, 0x20, 1, 0x34);
    assert_call(&dword, 2, 1, 0x21, 1, 0x12);
    assert_int_equal(bus_read16(bus, 0xFEC00004), 0x0504);
    assert_call(&dword, 3, 0, 0x04, 1, 0);
    assert_call(&dword, 4, 0, 0x05, 1, 0);
    assert_int_equal(dword.ncalls, 5);
    /* MMIO shadows RAM */
    assert_true(bus_write_ram(bus, 0xA0010, "\x01", 1));
    assert_int_not_equal(bus_read8(bus, 0xA0010), 0x01);
    bus_destroy(bus);
}

static void test_overlap_refused(void **state)
{
    struct fake_mmio dev = { 0 };
    uint8_t rom[0x10000] = { 0 };
    struct bus *bus = bus_create(MIB, NULL);

    assert_true(bus_add_rom(bus, 0xF0000, rom, sizeof(rom), "bios"));
    assert_false(bus_add_rom(bus, 0xF8000, rom, 0x100, "inside"));
    assert_false(bus_add_mmio(bus, 0xFFFFF, 1, &fake_ops_all, &dev, "last byte"));
    assert_false(bus_add_mmio(bus, 0xEFFFF, 2, &fake_ops_all, &dev, "first byte"));
    assert_false(bus_add_mmio(bus, 0xE0000, 0x30000, &fake_ops_all, &dev, "covering"));
    assert_true(bus_add_mmio(bus, 0xE0000, 0x10000, &fake_ops_all, &dev, "adjacent below"));
    assert_true(bus_add_mmio(bus, 0x100000, 0x10, &fake_ops_all, &dev, "adjacent above"));
    assert_false(bus_add_rom(bus, 0xE8000, rom, 0x10, "on mmio"));
    /* wrapping past 4 GiB and empty regions */
    assert_false(bus_add_mmio(bus, 0xFFFFFFFF, 2, &fake_ops_all, &dev, "wrap"));
    assert_false(bus_add_rom(bus, 0xFFFFF000, rom, 0x2000, "wrap"));
    assert_false(bus_add_mmio(bus, 0x200000, 0, &fake_ops_all, &dev, "empty"));
    assert_true(bus_add_mmio(bus, 0xFFFFFFFF, 1, &fake_ops_all, &dev, "top byte"));
    /* the refused regions did not take effect */
    assert_int_equal(bus_read8(bus, 0xF8000), 0);
    assert_int_equal(dev.ncalls, 0);
    bus_destroy(bus);
}

static void test_unmapped(void **state)
{
    struct bus *bus = bus_create(MIB, NULL);

    assert_int_equal(bus_read8(bus, 0x200000), 0xFF);
    assert_int_equal(bus_read16(bus, 0x200000), 0xFFFF);
    assert_int_equal(bus_read32(bus, 0x200000), 0xFFFFFFFF);
    assert_int_equal(bus_read32(bus, 0xFFFFFFFC), 0xFFFFFFFF);
    bus_write32(bus, 0x200000, 0);
    assert_int_equal(bus_read32(bus, 0x200000), 0xFFFFFFFF);
    bus_destroy(bus);
}

static unsigned count_lines(FILE *f)
{
    char line[256];
    unsigned n = 0;

    rewind(f);
    while (fgets(line, sizeof(line), f))
        n++;
    return n;
}

static void test_unmapped_logged_once(void **state)
{
    struct log log;
    struct bus *bus;

    log_init(&log);
    log.out = tmpfile();
    assert_non_null(log.out);
    bus = bus_create(MIB, &log);
    bus_read8(bus, 0x200000);
    assert_int_equal(count_lines(log.out), 0);
    log.mask = LOG_UNIMP;
    bus_read8(bus, 0x200000);
    bus_read32(bus, 0x200100);
    assert_int_equal(count_lines(log.out), 1);
    bus_read8(bus, 0x201000);
    assert_int_equal(count_lines(log.out), 2);
    bus_write8(bus, 0x201000, 0);
    bus_write8(bus, 0x201001, 0);
    assert_int_equal(count_lines(log.out), 3);
    bus_destroy(bus);
    fclose(log.out);
}

static void test_straddling(void **state)
{
    struct fake_mmio dev = { 0 };
    uint8_t rom[0x1000];
    struct bus *bus = bus_create(MIB, NULL);

    memset(rom, 0xC3, sizeof(rom));
    assert_true(bus_add_rom(bus, 0xF0000, rom, sizeof(rom), "rom"));
    assert_true(bus_add_mmio(bus, 0xA0000, 0x100, &fake_ops_dword, &dev, "dev"));
    /* RAM then unmapped at the end of RAM */
    bus_write32(bus, MIB - 2, 0x44332211);
    assert_int_equal(bus_read32(bus, MIB - 2), 0xFFFF2211);
    /* RAM then ROM */
    bus_write32(bus, 0xEFFFE, 0x44332211);
    assert_int_equal(bus_read32(bus, 0xEFFFE), 0xC3C32211);
    /* ROM then RAM */
    bus_write16(bus, 0xF1000, 0xABCD);
    assert_int_equal(bus_read16(bus, 0xF0FFF), 0xCDC3);
    /* RAM then MMIO: the MMIO part arrives as byte accesses */
    bus_write32(bus, 0x9FFFE, 0x44332211);
    assert_int_equal(bus_read16(bus, 0x9FFFE), 0x2211);
    assert_call(&dev, 0, 1, 0, 1, 0x33);
    assert_call(&dev, 1, 1, 1, 1, 0x44);
    assert_int_equal(dev.ncalls, 2);
    /* wrap at 4 GiB: bytes 0xFFFFFFFE.. then 0, 1 (RAM) */
    bus_write16(bus, 0, 0xBBAA);
    assert_int_equal(bus_read32(bus, 0xFFFFFFFE), 0xBBAAFFFF);
    bus_destroy(bus);
}

static void test_code_marks(void **state)
{
    struct bus *bus = bus_create(MIB, NULL);

    assert_false(bus_code_is_marked(bus, 0, MIB));
    bus_code_mark(bus, 0x1000, 1);
    assert_true(bus_code_is_marked(bus, 0x1000, 1));
    assert_true(bus_code_is_marked(bus, 0x107F, 1));
    assert_false(bus_code_is_marked(bus, 0x1080, 1));
    assert_false(bus_code_is_marked(bus, 0x0FFF, 1));
    assert_true(bus_code_is_marked(bus, 0x0FFF, 2));
    assert_true(bus_code_is_marked(bus, 0, MIB));
    assert_false(bus_code_is_marked(bus, 0x1000, 0));
    bus_code_mark(bus, 0x207F, 2);
    assert_true(bus_code_is_marked(bus, 0x2000, 1));
    assert_true(bus_code_is_marked(bus, 0x2080, 1));
    assert_false(bus_code_is_marked(bus, 0x2100, 1));
    bus_code_clear(bus, 0x1010, 1);
    assert_false(bus_code_is_marked(bus, 0x1000, 0x80));
    assert_true(bus_code_is_marked(bus, 0x2000, 1));
    bus_code_clear_all(bus);
    assert_false(bus_code_is_marked(bus, 0, MIB));
    /* beyond RAM: ignored, never marked */
    bus_code_mark(bus, 0x200000, 0x100);
    assert_false(bus_code_is_marked(bus, 0x200000, 0x100));
    bus_code_mark(bus, MIB - 1, 0xFFFFFFFF);
    assert_true(bus_code_is_marked(bus, MIB - 1, 1));
    bus_destroy(bus);
}

static void test_code_write_hook(void **state)
{
    struct bus *bus = bus_create(2 * MIB, NULL);
    struct hook_rec rec = { .bus = bus };
    uint8_t rom[0x200] = { 0 };

    assert_true(bus_add_rom(bus, 0xF0000, rom, sizeof(rom), "rom"));
    bus_set_code_write_hook(bus, hook_fn, &rec);
    bus_write8(bus, 0x1000, 0x11);
    bus_code_mark(bus, 0x1000, 0x80);
    bus_write8(bus, 0x1080, 0x22);
    bus_write32(bus, 0x0FF0, 0x22);
    assert_int_equal(rec.calls, 0);
    /* the hook sees RAM before the store */
    bus_write8(bus, 0x1000, 0x33);
    assert_int_equal(rec.calls, 1);
    assert_int_equal(rec.paddr, 0x1000);
    assert_int_equal(rec.len, 1);
    assert_int_equal(rec.seen, 0x11);
    assert_int_equal(bus_read8(bus, 0x1000), 0x33);
    bus_write16(bus, 0x107F, 0x4444);
    assert_int_equal(rec.calls, 2);
    assert_int_equal(rec.paddr, 0x107F);
    bus_write32(bus, 0x0FFE, 0x55555555);
    assert_int_equal(rec.calls, 3);
    assert_int_equal(rec.len, 4);
    assert_true(bus_write_ram(bus, 0x0F00, rom, 0x200));
    assert_int_equal(rec.calls, 4);
    assert_int_equal(rec.paddr, 0x0F00);
    assert_int_equal(rec.len, 0x200);
    assert_true(bus_write_ram(bus, 0x2000, rom, 0x100));
    assert_int_equal(rec.calls, 4);
    /* slow-path RAM (above a ROM region) is tracked too */
    bus_code_mark(bus, 0x100000, 4);
    bus_write32(bus, 0x100000, 0xAABBCCDD);
    assert_int_equal(rec.calls, 5);
    assert_int_equal(rec.paddr, 0x100000);
    /* a hook that clears the marks: the next write is not reported */
    rec.clear = 1;
    bus_write8(bus, 0x1001, 0);
    bus_write8(bus, 0x1002, 0);
    assert_int_equal(rec.calls, 6);
    bus_destroy(bus);
}

static void test_bulk_bounds(void **state)
{
    uint8_t buf[16], big[64];
    struct bus *bus = bus_create(MIB, NULL);

    memset(buf, 0x5A, sizeof(buf));
    memset(big, 0x77, sizeof(big));
    assert_true(bus_write_ram(bus, MIB - 16, buf, 16));
    assert_true(bus_read_ram(bus, MIB - 16, big, 16));
    assert_memory_equal(big, buf, 16);
    assert_false(bus_write_ram(bus, MIB - 15, big, 16));
    assert_false(bus_read_ram(bus, MIB - 15, big, 16));
    assert_false(bus_write_ram(bus, MIB, big, 1));
    assert_true(bus_write_ram(bus, MIB, big, 0));
    /* paddr + len overflowing 32 bits, and absurd lengths */
    assert_false(bus_write_ram(bus, 0xFFFFFFF0, big, 0x20));
    assert_false(bus_read_ram(bus, 0xFFFFFFF0, big, 0x20));
    assert_false(bus_write_ram(bus, 16, big, SIZE_MAX));
    assert_false(bus_read_ram(bus, 16, big, SIZE_MAX - 8));
    assert_false(bus_write_ram(bus, 0, big, (size_t)MIB + 1));
    /* nothing was copied by the refused calls */
    assert_true(bus_read_ram(bus, MIB - 16, big, 16));
    assert_memory_equal(big, buf, 16);
    assert_int_equal(bus_read8(bus, 16), 0);
    assert_int_equal(bus_read8(bus, 0), 0);
    bus_destroy(bus);
}

static void test_bulk_no_a20(void **state)
{
    struct bus *bus = bus_create(2 * MIB, NULL);
    uint8_t b = 0;

    bus_set_a20(bus, false);
    assert_true(bus_write_ram(bus, 0x100000, "\x42", 1));
    assert_true(bus_read_ram(bus, 0x100000, &b, 1));
    assert_int_equal(b, 0x42);
    assert_int_equal(bus_read8(bus, 0x000000), 0);
    bus_set_a20(bus, true);
    assert_int_equal(bus_read8(bus, 0x100000), 0x42);
    bus_destroy(bus);
}

static void test_host_ptr(void **state)
{
    struct fake_mmio dev = { 0 };
    uint8_t rom[0x800];
    struct bus *bus = bus_create(MIB, NULL);
    uint8_t *p;

    memset(rom, 0xF4, sizeof(rom));
    assert_true(bus_add_rom(bus, 0xF0800, rom, sizeof(rom), "rom"));
    assert_true(bus_add_mmio(bus, 0xA0000, 0x1000, &fake_ops_all, &dev, "dev"));
    p = bus_host_ptr(bus, 0x1000, 4, true);
    assert_non_null(p);
    p[0] = 0x12;
    assert_int_equal(bus_read8(bus, 0x1000), 0x12);
    assert_non_null(bus_host_ptr(bus, 0x1FFC, 4, false));
    assert_null(bus_host_ptr(bus, 0x1FFE, 4, false));
    assert_null(bus_host_ptr(bus, 0x1000, 0, false));
    assert_non_null(bus_host_ptr(bus, 0x1000, 0x1000, false));
    assert_null(bus_host_ptr(bus, 0x1000, 0x1001, false));
    /* ROM: reads only */
    p = bus_host_ptr(bus, 0xF0800, 0x800, false);
    assert_non_null(p);
    assert_int_equal(p[0x7FF], 0xF4);
    assert_null(bus_host_ptr(bus, 0xF0800, 1, true));
    /* mixed RAM/ROM inside one page, MMIO, unmapped */
    assert_null(bus_host_ptr(bus, 0xF07FE, 4, false));
    assert_non_null(bus_host_ptr(bus, 0xF07FC, 4, true));
    assert_null(bus_host_ptr(bus, 0xA0000, 1, false));
    assert_null(bus_host_ptr(bus, 0x200000, 1, false));
    assert_null(bus_host_ptr(bus, MIB - 2, 4, false));
    assert_int_equal(dev.ncalls, 0);
    bus_destroy(bus);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_sizes),
        cmocka_unit_test(test_ram_sizes),
        cmocka_unit_test(test_ram_unaligned),
        cmocka_unit_test(test_a20),
        cmocka_unit_test(test_rom),
        cmocka_unit_test(test_mmio_dispatch),
        cmocka_unit_test(test_overlap_refused),
        cmocka_unit_test(test_unmapped),
        cmocka_unit_test(test_unmapped_logged_once),
        cmocka_unit_test(test_straddling),
        cmocka_unit_test(test_code_marks),
        cmocka_unit_test(test_code_write_hook),
        cmocka_unit_test(test_bulk_bounds),
        cmocka_unit_test(test_bulk_no_a20),
        cmocka_unit_test(test_host_ptr),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
