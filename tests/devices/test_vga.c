/* Unit tests for devices/vga.c, driven like a BIOS or a DOS program would: the
 * standard register sets of modes 03h, 04h, 12h, 13h and mode X through the
 * ports, then display memory through the bus window at A0000h (write modes 0-3,
 * read modes 0-1, latches, odd/even, chain-4, memory map select), the attribute
 * flip-flop, CRTC protection, the DAC and the retrace bits against virtual time. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bus.h"
#include "clock.h"
#include "ioport.h"
#include "vga.h"
#include "vga_render.h"
#include "vga_modes.h"
#include "vga_rig.h"

static uint8_t gc_r(struct rig *r, uint8_t index)
{
    outb(r, 0x3CE, index);
    return inb(r, 0x3CF);
}

static uint8_t crtc_r(struct rig *r, uint8_t index)
{
    outb(r, crtc_port(r), index);
    return inb(r, crtc_port(r) + 1);
}

/* Plane p's byte at offset, read in planar mode, restoring the mode's registers. */
static uint8_t plane_byte(struct rig *r, unsigned p, uint32_t offset)
{
    uint8_t sr4, gr4 = gc_r(r, 4), gr5 = gc_r(r, 5), gr6 = gc_r(r, 6), value;

    outb(r, 0x3C4, 4);
    sr4 = inb(r, 0x3C5);
    seq_w(r, 4, 0x06);
    gc_w(r, 4, (uint8_t)p);
    gc_w(r, 5, 0x00);
    gc_w(r, 6, 0x05);
    value = bus_read8(r->bus, 0xA0000 + offset);
    seq_w(r, 4, sr4);
    gc_w(r, 4, gr4);
    gc_w(r, 5, gr5);
    gc_w(r, 6, gr6);
    return value;
}

static void test_text_mode_odd_even(void **state)
{
    struct rig *r = *state;
    const char *msg = "Hello";
    char snap[2200];

    set_mode(r, &mode_03h);
    for (unsigned i = 0; msg[i]; i++)
        bus_write16(r->bus, 0xB8000 + 2 * i, (uint16_t)(0x1E00 | (uint8_t)msg[i]));
    /* row 1 column 3 through a dword write */
    bus_write32(r->bus, 0xB8000 + 160 + 6, 0x4F424F41);
    assert_int_equal(bus_read8(r->bus, 0xB8000), 'H');
    assert_int_equal(bus_read8(r->bus, 0xB8001), 0x1E);
    assert_int_equal(bus_read16(r->bus, 0xB8000 + 8), 0x1E00 | 'o');
    /* characters in plane 0 and attributes in plane 1 at the even offset */
    assert_int_equal(plane_byte(r, 0, 2), 'e');
    assert_int_equal(plane_byte(r, 1, 2), 0x1E);
    assert_int_equal(plane_byte(r, 0, 3), 0);
    assert_int_equal(plane_byte(r, 0, 166), 'A');
    assert_int_equal(plane_byte(r, 1, 166), 0x4F);
    assert_int_equal(plane_byte(r, 0, 168), 'B');
    assert_int_equal(vga_text_snapshot(r->vga, snap, sizeof(snap)), 6 + 6 + 23);
    assert_memory_equal(snap, "Hello\n   AB\n\n", 13);
    /* A0000h is outside the B8000h window: reads float, writes vanish */
    assert_int_equal(bus_read8(r->bus, 0xA0000), 0xFF);
    bus_write8(r->bus, 0xA0000, 'X');
    assert_int_equal(plane_byte(r, 0, 0), 'H');
}

static void test_memory_map_select(void **state)
{
    struct rig *r = *state;

    set_mode(r, &mode_12h);
    bus_write8(r->bus, 0xA0010, 0x5A);
    assert_int_equal(bus_read8(r->bus, 0xA0010), 0x5A);
    assert_int_equal(bus_read8(r->bus, 0xB0000), 0xFF);
    /* 128K map: B0000h aliases A0000h (planes are 64 KiB) */
    gc_w(r, 6, 0x01);
    assert_int_equal(bus_read8(r->bus, 0xB0010), 0x5A);
    /* B0000h 32K map */
    gc_w(r, 6, 0x09);
    assert_int_equal(bus_read8(r->bus, 0xA0010), 0xFF);
    assert_int_equal(bus_read8(r->bus, 0xB0010), 0x5A);
    assert_int_equal(bus_read8(r->bus, 0xB8010), 0xFF);
    /* Misc Output bit 1 clear: host access to display memory is off */
    gc_w(r, 6, 0x05);
    outb(r, 0x3C2, 0xE1);
    assert_int_equal(bus_read8(r->bus, 0xA0010), 0xFF);
    outb(r, 0x3C2, 0xE3);
    assert_int_equal(bus_read8(r->bus, 0xA0010), 0x5A);
}

static void read_planes(struct rig *r, uint32_t offset, uint8_t out[4])
{
    for (unsigned p = 0; p < 4; p++) {
        gc_w(r, 4, (uint8_t)p);
        out[p] = bus_read8(r->bus, 0xA0000 + offset);
    }
}

static void assert_planes(struct rig *r, uint32_t offset, uint8_t p0, uint8_t p1, uint8_t p2,
                          uint8_t p3)
{
    uint8_t got[4];

    read_planes(r, offset, got);
    assert_int_equal(got[0], p0);
    assert_int_equal(got[1], p1);
    assert_int_equal(got[2], p2);
    assert_int_equal(got[3], p3);
}

static void test_write_mode_0(void **state)
{
    struct rig *r = *state;

    set_mode(r, &mode_12h);
    /* map mask */
    seq_w(r, 2, 0x05);
    bus_write8(r->bus, 0xA0000, 0xA5);
    seq_w(r, 2, 0x0F);
    assert_planes(r, 0, 0xA5, 0x00, 0xA5, 0x00);
    /* set/reset on planes 0 and 1 only; planes 2 and 3 take the CPU data */
    gc_w(r, 0, 0x09);
    gc_w(r, 1, 0x03);
    bus_write8(r->bus, 0xA0001, 0x3C);
    assert_planes(r, 1, 0xFF, 0x00, 0x3C, 0x3C);
    gc_w(r, 1, 0x00);
    /* rotate right by 4 */
    gc_w(r, 3, 0x04);
    bus_write8(r->bus, 0xA0002, 0x1E);
    assert_planes(r, 2, 0xE1, 0xE1, 0xE1, 0xE1);
    /* bit mask keeps the latched bits: latches loaded from offset 0 */
    gc_w(r, 3, 0x00);
    gc_w(r, 8, 0x0F);
    (void)bus_read8(r->bus, 0xA0000);
    bus_write8(r->bus, 0xA0000, 0xFF);
    assert_planes(r, 0, 0xAF, 0x0F, 0xAF, 0x0F);
    gc_w(r, 8, 0xFF);
    /* functions AND, OR, XOR against the latches (A5h in planes 0 and 2) */
    static const struct {
        uint8_t gr3, expect_even, expect_odd;
    } funcs[] = { { 0x08, 0x81, 0x00 }, { 0x10, 0xE7, 0xC3 }, { 0x18, 0x66, 0xC3 } };
    bus_write8(r->bus, 0xA0000, 0xA5);
    seq_w(r, 2, 0x0A);
    bus_write8(r->bus, 0xA0000, 0x00);
    seq_w(r, 2, 0x0F);
    for (unsigned i = 0; i < 3; i++) {
        gc_w(r, 3, 0);
        (void)bus_read8(r->bus, 0xA0000);
        gc_w(r, 3, funcs[i].gr3);
        bus_write8(r->bus, 0xA0003, 0xC3);
        gc_w(r, 3, 0);
        assert_planes(r, 3, funcs[i].expect_even, funcs[i].expect_odd, funcs[i].expect_even,
                      funcs[i].expect_odd);
    }
}

static void test_write_modes_1_2_3(void **state)
{
    struct rig *r = *state;

    set_mode(r, &mode_12h);
    seq_w(r, 2, 0x01);
    bus_write8(r->bus, 0xA0100, 0x11);
    seq_w(r, 2, 0x02);
    bus_write8(r->bus, 0xA0100, 0x22);
    seq_w(r, 2, 0x04);
    bus_write8(r->bus, 0xA0100, 0x44);
    seq_w(r, 2, 0x08);
    bus_write8(r->bus, 0xA0100, 0x88);
    seq_w(r, 2, 0x0F);
    /* write mode 1: the latches of one address copied to another in one move */
    gc_w(r, 5, 0x01);
    (void)bus_read8(r->bus, 0xA0100);
    gc_w(r, 8, 0x00);
    bus_write8(r->bus, 0xA0200, 0x00);
    gc_w(r, 5, 0x00);
    gc_w(r, 8, 0xFF);
    assert_planes(r, 0x200, 0x11, 0x22, 0x44, 0x88);
    /* write mode 2: CPU bits 0-3 are colours, under the bit mask, over the latches */
    (void)bus_read8(r->bus, 0xA0100);
    gc_w(r, 5, 0x02);
    gc_w(r, 8, 0xF0);
    bus_write8(r->bus, 0xA0300, 0x06);
    gc_w(r, 5, 0x00);
    gc_w(r, 8, 0xFF);
    assert_planes(r, 0x300, 0x01, 0xF2, 0xF4, 0x08);
    /* write mode 3: set/reset is the colour, rotated CPU data AND bit mask the mask */
    (void)bus_read8(r->bus, 0xA0100);
    gc_w(r, 5, 0x03);
    gc_w(r, 0, 0x0C);
    gc_w(r, 3, 0x01);
    gc_w(r, 8, 0x7E);
    bus_write8(r->bus, 0xA0400, 0xE1);
    gc_w(r, 5, 0x00);
    gc_w(r, 3, 0x00);
    gc_w(r, 8, 0xFF);
    /* ror(E1h, 1) = F0h, & 7Eh = 70h */
    assert_planes(r, 0x400, 0x01, 0x02, 0x74, 0xF8);
}

static void test_read_modes(void **state)
{
    struct rig *r = *state;

    set_mode(r, &mode_12h);
    /* write mode 2 draws pixels of colours 5, 5, 3, 0, 13, 5, 12, 5 */
    static const uint8_t colors[8] = { 5, 5, 3, 0, 13, 5, 12, 5 };
    gc_w(r, 5, 0x02);
    for (unsigned i = 0; i < 8; i++) {
        gc_w(r, 8, (uint8_t)(0x80 >> i));
        (void)bus_read8(r->bus, 0xA0000 + 80);
        bus_write8(r->bus, 0xA0000 + 80, colors[i]);
    }
    gc_w(r, 8, 0xFF);
    /* read mode 0: the plane Read Map Select names */
    gc_w(r, 5, 0x00);
    gc_w(r, 4, 0);
    assert_int_equal(bus_read8(r->bus, 0xA0050), 0xED);
    gc_w(r, 4, 2);
    assert_int_equal(bus_read8(r->bus, 0xA0050), 0xCF);
    /* read mode 1: which pixels have colour 5 */
    gc_w(r, 5, 0x08);
    gc_w(r, 2, 0x05);
    gc_w(r, 7, 0x0F);
    assert_int_equal(bus_read8(r->bus, 0xA0050), 0xC5);
    /* don't care about plane 3: colour 13 matches too */
    gc_w(r, 7, 0x07);
    assert_int_equal(bus_read8(r->bus, 0xA0050), 0xCD);
    /* nothing cared about: every pixel matches */
    gc_w(r, 7, 0x00);
    assert_int_equal(bus_read8(r->bus, 0xA0050), 0xFF);
}

static void test_mode_13h_chain4(void **state)
{
    struct rig *r = *state;

    set_mode(r, &mode_13h);
    for (unsigned x = 0; x < 8; x++)
        bus_write8(r->bus, 0xA0000 + 320 + x, (uint8_t)(0x40 + x));
    for (unsigned x = 0; x < 8; x++)
        assert_int_equal(bus_read8(r->bus, 0xA0000 + 320 + x), 0x40 + x);
    /* chain 4: the plane is address bits 0-1; every fourth byte of a plane is used */
    assert_int_equal(plane_byte(r, 0, 320), 0x40);
    assert_int_equal(plane_byte(r, 1, 320), 0x41);
    assert_int_equal(plane_byte(r, 3, 324), 0x47);
    assert_int_equal(plane_byte(r, 0, 321), 0x00);
    assert_int_equal(plane_byte(r, 0, 80), 0x00);
    /* address bits 14-15 take the place of bits 0-1, as the CRTC's doubleword mode */
    bus_write8(r->bus, 0xA0000 + 0x8002 + 320, 0x77);
    assert_int_equal(bus_read8(r->bus, 0xA0000 + 0x8002 + 320), 0x77);
    assert_int_equal(plane_byte(r, 2, 0x8002 + 320), 0x77);
    assert_int_equal(plane_byte(r, 2, 0x8000 + 320), 0x00);
}

static void test_mode_x_planes(void **state)
{
    struct rig *r = *state;
    static uint32_t pixels[VGA_RENDER_MAX_WIDTH * VGA_RENDER_MAX_HEIGHT];
    struct vga_render_info info;

    set_mode(r, &mode_x);
    /* DAC: entry i is (i, 0, 63 - i) for i < 64 */
    outb(r, 0x3C8, 0);
    for (unsigned i = 0; i < 64; i++) {
        outb(r, 0x3C9, (uint8_t)i);
        outb(r, 0x3C9, 0);
        outb(r, 0x3C9, (uint8_t)(63 - i));
    }
    /* pixel (x, y) lives in plane x & 3 at offset y * 80 + x / 4 */
    for (unsigned p = 0; p < 4; p++) {
        seq_w(r, 2, (uint8_t)(1u << p));
        bus_write8(r->bus, 0xA0000 + 239 * 80 + 1, (uint8_t)(10 + p));
    }
    seq_w(r, 2, 0x0F);
    gc_w(r, 4, 2);
    assert_int_equal(bus_read8(r->bus, 0xA0000 + 239 * 80 + 1), 12);
    vga_render(r->vga, pixels, VGA_RENDER_MAX_WIDTH, VGA_RENDER_MAX_WIDTH,
               VGA_RENDER_MAX_HEIGHT, 0, &info);
    assert_int_equal(info.width, 320);
    assert_int_equal(info.height, 480);
    for (unsigned p = 0; p < 4; p++) {
        unsigned i = 10 + p;
        /* (i, 0, 63 - i) with 6-bit values widened to 8 bits */
        uint32_t want = (i << 2 | i >> 4) << 16 | ((63 - i) << 2 | (63 - i) >> 4);

        /* line 239 is double-scanned to output lines 478 and 479 */
        assert_int_equal(pixels[478 * VGA_RENDER_MAX_WIDTH + 4 + p], want);
        assert_int_equal(pixels[479 * VGA_RENDER_MAX_WIDTH + 4 + p], want);
    }
    assert_int_equal(pixels[477 * VGA_RENDER_MAX_WIDTH + 4], 0x0000FF);
}

static void test_cga_mode_04h(void **state)
{
    struct rig *r = *state;

    set_mode(r, &mode_04h);
    /* even lines at B8000h, odd lines at BA000h; 4 pixels of 2 bits per byte */
    bus_write8(r->bus, 0xB8000, 0x1B);
    bus_write8(r->bus, 0xB8001, 0xE4);
    bus_write8(r->bus, 0xBA000, 0xFF);
    assert_int_equal(bus_read8(r->bus, 0xB8001), 0xE4);
    assert_int_equal(plane_byte(r, 0, 0), 0x1B);
    assert_int_equal(plane_byte(r, 1, 0), 0xE4);
    assert_int_equal(plane_byte(r, 0, 0x2000), 0xFF);
}

static void test_attribute_flip_flop(void **state)
{
    struct rig *r = *state;

    set_mode(r, &mode_03h);
    inb(r, 0x3DA);
    outb(r, 0x3C0, 0x11);
    outb(r, 0x3C0, 0x2A);
    /* the flip-flop is back at index: this write selects register 13h */
    outb(r, 0x3C0, 0x13);
    assert_int_equal(inb(r, 0x3C0), 0x13);
    assert_int_equal(inb(r, 0x3C1), 0x08);
    outb(r, 0x3C0, 0x05);
    assert_int_equal(inb(r, 0x3C1), 0x05);
    /* half-way (index written), a status read resets it: next write is an index */
    outb(r, 0x3C0, 0x31);
    inb(r, 0x3DA);
    outb(r, 0x3C0, 0x12);
    assert_int_equal(inb(r, 0x3C0), 0x12);
    outb(r, 0x3C0, 0x07);
    outb(r, 0x3C0, 0x31);
    assert_int_equal(inb(r, 0x3C1), 0x2A);
    /* PAS set: palette registers keep their values */
    inb(r, 0x3DA);
    outb(r, 0x3C0, 0x26);
    outb(r, 0x3C0, 0x3F);
    outb(r, 0x3C0, 0x06);
    assert_int_equal(inb(r, 0x3C1), 0x14);
    outb(r, 0x3C0, 0x0F);
    assert_int_equal(inb(r, 0x3C0), 0x06);
    assert_int_equal(inb(r, 0x3C1), 0x0F);
    /* a mono status read does nothing while the CRTC sits at 3Dxh */
    outb(r, 0x3C0, 0x31);
    inb(r, 0x3BA);
    outb(r, 0x3C0, 0x13);
    inb(r, 0x3DA);
    outb(r, 0x3C0, 0x31);
    assert_int_equal(inb(r, 0x3C1), 0x13);
}

static void test_crtc_protection_and_ports(void **state)
{
    struct rig *r = *state;

    set_mode(r, &mode_03h);
    crtc_w(r, 0x11, 0x8E);
    crtc_w(r, 0x00, 0x12);
    crtc_w(r, 0x06, 0x34);
    crtc_w(r, 0x07, 0x00);
    crtc_w(r, 0x0C, 0x07);
    assert_int_equal(crtc_r(r, 0x00), 0x5F);
    assert_int_equal(crtc_r(r, 0x06), 0xBF);
    /* CR07 bit 4 (line compare bit 8) stays writable */
    assert_int_equal(crtc_r(r, 0x07), 0x0F);
    assert_int_equal(crtc_r(r, 0x0C), 0x07);
    crtc_w(r, 0x11, 0x0E);
    crtc_w(r, 0x00, 0x12);
    assert_int_equal(crtc_r(r, 0x00), 0x12);
    assert_int_equal(crtc_r(r, 0x11), 0x0E);
    /* CRTC and status at 3Bxh only when Misc Output bit 0 is clear */
    assert_int_equal(inb(r, 0x3B5), 0xFF);
    outb(r, 0x3B4, 0x00);
    outb(r, 0x3B5, 0x77);
    outb(r, 0x3D4, 0x00);
    assert_int_equal(inb(r, 0x3D5), 0x12);
    outb(r, 0x3C2, 0x66);
    assert_int_equal(inb(r, 0x3CC), 0x66);
    assert_int_equal(inb(r, 0x3D5), 0xFF);
    assert_int_equal(inb(r, 0x3DA), 0xFF);
    outb(r, 0x3B4, 0x00);
    assert_int_equal(inb(r, 0x3B5), 0x12);
    /* index registers read back; sequencer and graphics data too */
    outb(r, 0x3C4, 0x02);
    assert_int_equal(inb(r, 0x3C4), 0x02);
    assert_int_equal(inb(r, 0x3C5), 0x03);
    assert_int_equal(gc_r(r, 6), 0x0E);
}

static void test_dac(void **state)
{
    struct rig *r = *state;

    outb(r, 0x3C8, 0xFE);
    assert_int_equal(inb(r, 0x3C7) & 3, 0);
    static const uint8_t rgb[6] = { 0x3F, 0x20, 0xC1, 0x01, 0x02, 0x03 };
    for (unsigned i = 0; i < 6; i++)
        outb(r, 0x3C9, rgb[i]);
    assert_int_equal(inb(r, 0x3C8), 0x00);
    outb(r, 0x3C7, 0xFE);
    assert_int_equal(inb(r, 0x3C7) & 3, 3);
    /* 6-bit values, auto-increment after each triple */
    static const uint8_t want[6] = { 0x3F, 0x20, 0x01, 0x01, 0x02, 0x03 };
    for (unsigned i = 0; i < 6; i++)
        assert_int_equal(inb(r, 0x3C9), want[i]);
    assert_int_equal(inb(r, 0x3C9), 0x00);
    /* a new write index restarts the RGB cycle: two writes then a reset */
    outb(r, 0x3C8, 0x10);
    outb(r, 0x3C9, 0x11);
    outb(r, 0x3C9, 0x12);
    outb(r, 0x3C8, 0x10);
    outb(r, 0x3C9, 0x21);
    outb(r, 0x3C9, 0x22);
    outb(r, 0x3C9, 0x23);
    outb(r, 0x3C7, 0x10);
    assert_int_equal(inb(r, 0x3C9), 0x21);
    assert_int_equal(inb(r, 0x3C9), 0x22);
    assert_int_equal(inb(r, 0x3C9), 0x23);
    outb(r, 0x3C6, 0x0F);
    assert_int_equal(inb(r, 0x3C6), 0x0F);
}

/* Rising edges of the vertical retrace bit polled every 10 us for 2 s, and the
 * display-disabled bit seen during retrace. */
static unsigned count_retraces(struct rig *r, uint16_t status)
{
    unsigned edges = 0;
    bool was = true;
    uint64_t start = vclock_now(r->clk);

    for (uint64_t t = 0; t <= 2000000000u; t += 10000) {
        uint8_t st;

        vclock_advance_to(r->clk, start + t);
        st = inb(r, status);
        if ((st & 8) && !was)
            edges++;
        if (st & 8)
            assert_true(st & 1);
        was = st & 8;
    }
    return edges;
}

static void test_retrace_timing(void **state)
{
    struct rig *r = *state;

    set_mode(r, &mode_03h);
    /* 28.322 MHz, 900 dots x 449 lines = 70.09 Hz; retrace at lines 412-413 */
    vclock_advance_to(r->clk, 1000);
    assert_int_equal(inb(r, 0x3DA) & 9, 0);
    /* line 399, column 85 (of 100): horizontal blanking, not retrace */
    vclock_advance_to(r->clk, (399 * 900 + 85 * 9) * 1000000000ull / 28322000 + 1);
    assert_int_equal(inb(r, 0x3DA) & 9, 1);
    /* line 412 */
    vclock_advance_to(r->clk, 412 * 900 * 1000000000ull / 28322000 + 100);
    assert_int_equal(inb(r, 0x3DA) & 9, 9);
    vclock_advance_to(r->clk, 414 * 900 * 1000000000ull / 28322000 + 100);
    assert_int_equal(inb(r, 0x3DA) & 9, 1);
    /* line 448 is the last of 449 (CR06 + 2): still blanked, then line 0 */
    vclock_advance_to(r->clk, 448 * 900 * 1000000000ull / 28322000 + 100);
    assert_int_equal(inb(r, 0x3DA) & 9, 1);
    vclock_advance_to(r->clk, 449 * 900 * 1000000000ull / 28322000 + 100);
    assert_int_equal(inb(r, 0x3DA) & 9, 0);
    /* 140 retraces in 2 s at 70 Hz */
    vclock_advance_to(r->clk, 1000000000u);
    assert_int_equal(count_retraces(r, 0x3DA), 140);
    /* mode 12h: 25.175 MHz, 800 x 525 = 59.94 Hz */
    set_mode(r, &mode_12h);
    assert_int_equal(count_retraces(r, 0x3DA), 120);
    /* mono ports once Misc Output bit 0 is clear */
    outb(r, 0x3C2, 0xE2);
    assert_int_equal(count_retraces(r, 0x3BA), 120);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_text_mode_odd_even, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_memory_map_select, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_write_mode_0, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_write_modes_1_2_3, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_read_modes, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_mode_13h_chain4, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_mode_x_planes, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_cga_mode_04h, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_attribute_flip_flop, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_crtc_protection_and_ports, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_dac, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_retrace_timing, rig_setup, rig_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
