/* Unit tests for devices/dma8237.c: channels programmed through the ports as a
 * BIOS does, transfers through the device API, results checked in guest RAM and
 * in the registers read back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "bus.h"
#include "dma8237.h"
#include "ioport.h"
#include "log.h"

enum {
    MODE_VERIFY = 0x00, MODE_WRITE = 0x04, MODE_READ = 0x08, MODE_AUTOINIT = 0x10,
    MODE_DECREMENT = 0x20, MODE_SINGLE = 0x40, MODE_BLOCK = 0x80, MODE_CASCADE = 0xC0,
};

struct rig {
    struct log log;
    struct ioports *io;
    struct bus *bus;
    struct dma8237 *dma;
};

static const uint8_t page_port[8] = { 0x87, 0x83, 0x81, 0x82, 0x8F, 0x8B, 0x89, 0x8A };

static void out(struct rig *r, uint16_t port, uint8_t value)
{
    ioports_write(r->io, port, 1, value);
}

static uint8_t in(struct rig *r, uint16_t port)
{
    return (uint8_t)ioports_read(r->io, port, 1);
}

/* Port of controller register reg (0-15) for channel's controller. */
static uint16_t reg_port(unsigned channel, unsigned reg)
{
    return channel < 4 ? (uint16_t)reg : (uint16_t)(0xC0 + 2 * reg);
}

static void rig_init(struct rig *r, uint32_t ram)
{
    log_init(&r->log);
    r->log.out = tmpfile();
    r->log.mask = LOG_UNIMP;
    r->io = ioports_create(NULL);
    r->bus = bus_create(ram, NULL);
    assert_non_null(r->log.out);
    assert_non_null(r->io);
    assert_non_null(r->bus);
    r->dma = dma8237_create(r->io, r->bus, &r->log);
    assert_non_null(r->dma);
    /* the BIOS sets DMA2 channel 4 to cascade and unmasks it */
    out(r, 0xD6, MODE_CASCADE);
    out(r, 0xD4, 0x00);
}

static void rig_free(struct rig *r)
{
    dma8237_destroy(r->dma);
    bus_destroy(r->bus);
    ioports_destroy(r->io);
    fclose(r->log.out);
}

/* Lines of the log that contain what. */
static unsigned log_lines(struct rig *r, const char *what)
{
    char line[256];
    unsigned n = 0;

    rewind(r->log.out);
    while (fgets(line, sizeof(line), r->log.out))
        n += strstr(line, what) != NULL;
    return n;
}

/* Program a channel the way a BIOS does: mask, clear flip-flop, mode, address,
 * page, count, unmask. addr and count are in the channel's units. */
static void program(struct rig *r, unsigned ch, uint8_t mode, uint8_t page, uint16_t addr,
                    uint16_t count)
{
    unsigned sel = ch & 3;

    out(r, reg_port(ch, 0xA), (uint8_t)(0x04 | sel));
    out(r, reg_port(ch, 0xC), 0);
    out(r, reg_port(ch, 0xB), (uint8_t)(mode | sel));
    out(r, reg_port(ch, 2 * sel), (uint8_t)addr);
    out(r, reg_port(ch, 2 * sel), (uint8_t)(addr >> 8));
    out(r, page_port[ch], page);
    out(r, reg_port(ch, 2 * sel + 1), (uint8_t)count);
    out(r, reg_port(ch, 2 * sel + 1), (uint8_t)(count >> 8));
    out(r, reg_port(ch, 0xA), (uint8_t)sel);
}

static uint16_t read_word(struct rig *r, unsigned ch, unsigned reg)
{
    uint16_t lo;

    out(r, reg_port(ch, 0xC), 0);
    lo = in(r, reg_port(ch, reg));
    return (uint16_t)(lo | in(r, reg_port(ch, reg)) << 8);
}

static void fill(uint8_t *buf, size_t len, uint8_t seed)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)(seed + i * 7);
}

static void test_write_transfer(void **state)
{
    struct rig r;
    uint8_t src[512], dst[512];
    bool tc = true;

    rig_init(&r, 1u << 20);
    fill(src, sizeof(src), 3);
    program(&r, 2, MODE_SINGLE | MODE_WRITE, 0x02, 0x1000, 511);
    assert_true(dma8237_channel_ready(r.dma, 2));
    assert_int_equal(dma8237_transfer(r.dma, 2, src, 256, &tc), 256);
    assert_false(tc);
    assert_int_equal(read_word(&r, 2, 4), 0x1100);
    assert_int_equal(read_word(&r, 2, 5), 255);
    assert_int_equal(dma8237_transfer(r.dma, 2, src + 256, 512, &tc), 256);
    assert_true(tc);
    assert_true(bus_read_ram(r.bus, 0x21000, dst, sizeof(dst)));
    assert_memory_equal(src, dst, sizeof(dst));
    assert_int_equal(bus_read8(r.bus, 0x21200), 0);
    /* TC bit 2 in status, cleared by the read; the channel masked itself */
    assert_int_equal(in(&r, 0x08) & 0x0F, 0x04);
    assert_int_equal(in(&r, 0x08) & 0x0F, 0);
    assert_false(dma8237_channel_ready(r.dma, 2));
    assert_int_equal(in(&r, 0x0F) & 0x04, 0x04);
    assert_int_equal(dma8237_transfer(r.dma, 2, src, 16, &tc), 0);
    assert_int_equal(read_word(&r, 2, 5), 0xFFFF);
    rig_free(&r);
}

static void test_read_and_verify_transfer(void **state)
{
    struct rig r;
    uint8_t src[64], dst[64];
    bool tc = false;

    rig_init(&r, 1u << 20);
    fill(src, sizeof(src), 9);
    assert_true(bus_write_ram(r.bus, 0x5000, src, sizeof(src)));
    program(&r, 1, MODE_BLOCK | MODE_READ, 0x00, 0x5000, 63);
    memset(dst, 0, sizeof(dst));
    assert_int_equal(dma8237_transfer(r.dma, 1, dst, 100, &tc), 64);
    assert_true(tc);
    assert_memory_equal(src, dst, sizeof(dst));
    /* verify: counts down to TC, memory and buffer untouched */
    program(&r, 1, MODE_SINGLE | MODE_VERIFY, 0x00, 0x5000, 63);
    memset(dst, 0xAA, sizeof(dst));
    assert_int_equal(dma8237_transfer(r.dma, 1, dst, 64, &tc), 64);
    assert_true(tc);
    assert_int_equal(dst[0], 0xAA);
    assert_int_equal(bus_read8(r.bus, 0x5000), src[0]);
    assert_int_equal(in(&r, 0x08) & 0x0F, 0x02);
    rig_free(&r);
}

static void test_autoinit_reload(void **state)
{
    struct rig r;
    uint8_t a[16], b[16], dst[16];
    bool tc = false;

    rig_init(&r, 1u << 20);
    fill(a, sizeof(a), 1);
    fill(b, sizeof(b), 100);
    program(&r, 3, MODE_SINGLE | MODE_WRITE | MODE_AUTOINIT, 0x01, 0x2000, 15);
    assert_int_equal(dma8237_transfer(r.dma, 3, a, 16, &tc), 16);
    assert_true(tc);
    assert_true(dma8237_channel_ready(r.dma, 3));
    assert_int_equal(read_word(&r, 3, 6), 0x2000);
    assert_int_equal(read_word(&r, 3, 7), 15);
    assert_int_equal(dma8237_transfer(r.dma, 3, b, 16, &tc), 16);
    assert_true(tc);
    assert_true(bus_read_ram(r.bus, 0x12000, dst, sizeof(dst)));
    assert_memory_equal(b, dst, sizeof(dst));
    rig_free(&r);
}

static void test_decrement_and_page_wrap(void **state)
{
    struct rig r;
    uint8_t src[32];
    bool tc = false;

    rig_init(&r, 1u << 20);
    fill(src, sizeof(src), 5);
    program(&r, 2, MODE_SINGLE | MODE_WRITE | MODE_DECREMENT, 0x00, 0x100F, 15);
    assert_int_equal(dma8237_transfer(r.dma, 2, src, 16, &tc), 16);
    for (unsigned i = 0; i < 16; i++)
        assert_int_equal(bus_read8(r.bus, 0x100F - i), src[i]);
    assert_int_equal(read_word(&r, 2, 4), 0x0FFF);
    /* the address counter wraps inside the 64 KiB page: the page stays 1 */
    program(&r, 2, MODE_SINGLE | MODE_WRITE, 0x01, 0xFFF0, 31);
    assert_int_equal(dma8237_transfer(r.dma, 2, src, 32, &tc), 32);
    assert_true(tc);
    assert_int_equal(bus_read8(r.bus, 0x1FFF0), src[0]);
    assert_int_equal(bus_read8(r.bus, 0x1FFFF), src[15]);
    assert_int_equal(bus_read8(r.bus, 0x10000), src[16]);
    assert_int_equal(bus_read8(r.bus, 0x1000F), src[31]);
    assert_int_equal(bus_read8(r.bus, 0x20000), 0);
    /* decrement across address 0 wraps to FFFFh of the same page */
    program(&r, 2, MODE_SINGLE | MODE_WRITE | MODE_DECREMENT, 0x03, 0x0001, 3);
    assert_int_equal(dma8237_transfer(r.dma, 2, src, 4, &tc), 4);
    assert_int_equal(bus_read8(r.bus, 0x30001), src[0]);
    assert_int_equal(bus_read8(r.bus, 0x30000), src[1]);
    assert_int_equal(bus_read8(r.bus, 0x3FFFF), src[2]);
    assert_int_equal(bus_read8(r.bus, 0x3FFFE), src[3]);
    rig_free(&r);
}

static void test_16bit_channel(void **state)
{
    struct rig r;
    uint8_t src[16];
    bool tc = false;

    rig_init(&r, 1u << 20);
    fill(src, sizeof(src), 40);
    /* page bit 0 is not used: page 03h selects 20000h; word address 0100h is
     * byte offset 200h */
    program(&r, 5, MODE_SINGLE | MODE_WRITE, 0x03, 0x0100, 3);
    assert_true(dma8237_channel_ready(r.dma, 5));
    assert_int_equal(dma8237_transfer(r.dma, 5, src, 7, &tc), 6);
    assert_false(tc);
    assert_int_equal(read_word(&r, 5, 2), 0x0103);
    assert_int_equal(dma8237_transfer(r.dma, 5, src + 6, 10, &tc), 2);
    assert_true(tc);
    for (unsigned i = 0; i < 8; i++)
        assert_int_equal(bus_read8(r.bus, 0x20200 + i), src[i]);
    assert_int_equal(bus_read8(r.bus, 0x30200), 0);
    /* TC of channel 5 is bit 1 of DMA2 status */
    assert_int_equal(in(&r, 0xD0) & 0x0F, 0x02);
    /* the word counter wraps inside the 128 KiB page */
    program(&r, 6, MODE_SINGLE | MODE_WRITE, 0x02, 0xFFFF, 1);
    assert_int_equal(dma8237_transfer(r.dma, 6, src, 4, &tc), 4);
    assert_int_equal(bus_read8(r.bus, 0x3FFFE), src[0]);
    assert_int_equal(bus_read8(r.bus, 0x3FFFF), src[1]);
    assert_int_equal(bus_read8(r.bus, 0x20000), src[2]);
    assert_int_equal(bus_read8(r.bus, 0x20001), src[3]);
    /* channel 4 is the cascade: never a transfer channel */
    assert_false(dma8237_channel_ready(r.dma, 4));
    assert_int_equal(dma8237_transfer(r.dma, 4, src, 4, &tc), 0);
    rig_free(&r);
}

static void test_out_of_ram_refused(void **state)
{
    struct rig r;
    uint8_t src[32];
    bool tc = true;

    /* 96 KiB of RAM: 17FF0h + 32 crosses its end */
    rig_init(&r, 0x18000);
    fill(src, sizeof(src), 77);
    program(&r, 2, MODE_SINGLE | MODE_WRITE, 0x01, 0x7FF0, 31);
    assert_int_equal(dma8237_transfer(r.dma, 2, src, 32, &tc), 0);
    assert_false(tc);
    assert_int_equal(bus_read8(r.bus, 0x17FF0), 0);
    /* nothing advanced */
    assert_int_equal(read_word(&r, 2, 4), 0x7FF0);
    assert_int_equal(read_word(&r, 2, 5), 31);
    /* going down from 10003h wraps to 1FFFFh, outside RAM: not even the part
     * inside is written */
    program(&r, 2, MODE_SINGLE | MODE_WRITE | MODE_DECREMENT, 0x01, 0x0003, 7);
    assert_int_equal(dma8237_transfer(r.dma, 2, src, 8, &tc), 0);
    assert_int_equal(bus_read8(r.bus, 0x10003), 0);
    assert_int_equal(bus_read8(r.bus, 0x10000), 0);
    program(&r, 2, MODE_SINGLE | MODE_READ, 0x40, 0x0000, 31);
    assert_int_equal(dma8237_transfer(r.dma, 2, src, 32, &tc), 0);
    program(&r, 7, MODE_SINGLE | MODE_WRITE, 0xFE, 0x0000, 15);
    assert_int_equal(dma8237_transfer(r.dma, 7, src, 32, &tc), 0);
    assert_int_equal(log_lines(&r, "outside guest RAM"), 1);
    rig_free(&r);
}

static void test_masks_and_clears(void **state)
{
    struct rig r;
    uint8_t src[4] = { 1, 2, 3, 4 };
    bool tc;

    rig_init(&r, 1u << 20);
    /* never programmed: not ready even when unmasked */
    out(&r, 0x0E, 0);
    assert_false(dma8237_channel_ready(r.dma, 0));
    program(&r, 0, MODE_SINGLE | MODE_WRITE, 0x00, 0x4000, 3);
    assert_true(dma8237_channel_ready(r.dma, 0));
    /* write-all-mask, then clear-mask */
    out(&r, 0x0F, 0x01);
    assert_false(dma8237_channel_ready(r.dma, 0));
    assert_int_equal(in(&r, 0x0F), 0xF1);
    out(&r, 0x0E, 0);
    assert_true(dma8237_channel_ready(r.dma, 0));
    /* DMA1 reaches the bus through channel 4: masking it stops channel 0 */
    out(&r, 0xD4, 0x04);
    assert_false(dma8237_channel_ready(r.dma, 0));
    assert_int_equal(dma8237_transfer(r.dma, 0, src, 4, &tc), 0);
    out(&r, 0xD4, 0x00);
    /* controller disable in the command register */
    out(&r, 0x08, 0x04);
    assert_false(dma8237_channel_ready(r.dma, 0));
    out(&r, 0x08, 0x00);
    assert_true(dma8237_channel_ready(r.dma, 0));
    /* software request shows in status bits 4-7 */
    out(&r, 0x09, 0x04 | 1);
    assert_int_equal(in(&r, 0x08) & 0xF0, 0x20);
    /* master clear: every channel masked, flip-flop cleared, mode kept */
    out(&r, 0x00, 0x12);
    out(&r, 0x0D, 0);
    assert_int_equal(in(&r, 0x08), 0);
    assert_false(dma8237_channel_ready(r.dma, 0));
    out(&r, 0x00, 0x34);
    out(&r, 0x00, 0x12);
    out(&r, 0x0E, 0);
    assert_int_equal(dma8237_transfer(r.dma, 0, src, 4, &tc), 4);
    assert_int_equal(bus_read8(r.bus, 0x1234), 1);
    rig_free(&r);
}

static void test_ports_and_latches(void **state)
{
    struct rig r;

    rig_init(&r, 1u << 20);
    assert_null(ioports_owner(r.io, 0x80));
    assert_non_null(ioports_owner(r.io, 0x81));
    assert_non_null(ioports_owner(r.io, 0x8F));
    assert_non_null(ioports_owner(r.io, 0xDF));
    out(&r, 0x84, 0x5A);
    assert_int_equal(in(&r, 0x84), 0x5A);
    out(&r, 0x89, 0x12);
    assert_int_equal(in(&r, 0x89), 0x12);
    /* a stray byte leaves the flip-flop on the high byte until it is cleared */
    out(&r, 0x0B, MODE_SINGLE | MODE_WRITE | 1);
    out(&r, 0x02, 0x99);
    out(&r, 0x0C, 0);
    out(&r, 0x02, 0x78);
    out(&r, 0x02, 0x56);
    out(&r, 0x03, 0);
    out(&r, 0x03, 0);
    out(&r, 0x0A, 0x01);
    assert_int_equal(dma8237_transfer(r.dma, 1, (uint8_t[]){ 0xA5 }, 1, NULL), 1);
    assert_int_equal(bus_read8(r.bus, 0x5678), 0xA5);
    /* DMA2 odd ports alias the even ones (A0 not decoded) */
    out(&r, 0xD9, 0);
    out(&r, 0xC5, 0x34);
    out(&r, 0xC4, 0x12);
    assert_int_equal(read_word(&r, 5, 2), 0x1234);
    dma8237_reset(r.dma, true);
    assert_int_equal(in(&r, 0x84), 0);
    rig_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_transfer),
        cmocka_unit_test(test_read_and_verify_transfer),
        cmocka_unit_test(test_autoinit_reload),
        cmocka_unit_test(test_decrement_and_page_wrap),
        cmocka_unit_test(test_16bit_channel),
        cmocka_unit_test(test_out_of_ram_refused),
        cmocka_unit_test(test_masks_and_clears),
        cmocka_unit_test(test_ports_and_latches),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
