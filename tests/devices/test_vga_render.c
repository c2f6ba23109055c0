/* Unit tests for devices/vga_render.c: the chip is programmed through its ports
 * like a BIOS would (standard register sets, a test font loaded into plane 2,
 * a test DAC palette), then pictures are checked pixel by pixel: text glyphs
 * with the 9th-dot rule, cursor and attribute blink against virtual time, mono
 * underline, planar, CGA and 256-colour graphics, start address, panning,
 * line compare, screen off, the damage summary and the text snapshot (also
 * against the reference screens in ../shared/guests/expected). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
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

/* 28.322 MHz / (900 x 449): one mode 03h frame is 14.268 ms */
#define FRAME_03H_NS 14268060ull

static void attr_w(struct rig *r, uint8_t index, uint8_t value)
{
    inb(r, (inb(r, 0x3CC) & 1) ? 0x3DA : 0x3BA);
    outb(r, 0x3C0, index);
    outb(r, 0x3C0, value);
    outb(r, 0x3C0, 0x20);
}

/* Test DAC: entry i is (i, 5i, 63 - i) modulo 64. */
static uint32_t dac_color(unsigned i)
{
    unsigned rgb[3] = { i & 63, (i * 5) & 63, 63 - (i & 63) };
    uint32_t color = 0;

    for (unsigned c = 0; c < 3; c++)
        color = color << 8 | (rgb[c] << 2 | rgb[c] >> 4);
    return color;
}

static void load_dac(struct rig *r)
{
    outb(r, 0x3C8, 0);
    for (unsigned i = 0; i < 256; i++) {
        outb(r, 0x3C9, (uint8_t)(i & 63));
        outb(r, 0x3C9, (uint8_t)((i * 5) & 63));
        outb(r, 0x3C9, (uint8_t)(63 - (i & 63)));
    }
}

/* The mode's registers, then the DAC ramp the colour checks expect. */
static void set_mode_dac(struct rig *r, const struct vga_mode *m)
{
    set_mode(r, m);
    load_dac(r);
}

static uint8_t glyph_row(unsigned ch, unsigned row)
{
    return (uint8_t)((ch * 0x1D + row * 0x35) ^ (ch >> 3));
}

/* Load the test font into plane 2 as a BIOS does: planar access to A0000h. */
static void load_font(struct rig *r, const struct vga_mode *m, unsigned height)
{
    seq_w(r, 2, 0x04);
    seq_w(r, 4, 0x06);
    gc_w(r, 4, 0x02);
    gc_w(r, 5, 0x00);
    gc_w(r, 6, 0x04);
    for (unsigned ch = 0; ch < 256; ch++) {
        for (unsigned row = 0; row < 32; row++)
            bus_write8(r->bus, 0xA0000 + ch * 32 + row, row < height ? glyph_row(ch, row) : 0);
    }
    seq_w(r, 2, m->seq[2]);
    seq_w(r, 4, m->seq[4]);
    gc_w(r, 4, m->gc[4]);
    gc_w(r, 5, m->gc[5]);
    gc_w(r, 6, m->gc[6]);
}

static void text_mode(struct rig *r, const struct vga_mode *m, uint32_t base, unsigned height)
{
    set_mode_dac(r, m);
    load_font(r, m, height);
    /* cursor off the screen unless a test puts it somewhere */
    crtc_w(r, 0x0E, 0x3F);
    for (unsigned i = 0; i < 80 * 25; i++)
        bus_write16(r->bus, base + 2 * i, 0x0720);
}

static void put_char(struct rig *r, unsigned row, unsigned col, uint8_t ch, uint8_t attr)
{
    bus_write16(r->bus, 0xB8000 + (row * 80 + col) * 2, (uint16_t)(attr << 8 | ch));
}

static void render(struct rig *r, uint64_t now_ns)
{
    vga_render(r->vga, r->pixels, W, W, H, now_ns, &r->info);
}

static uint32_t px(struct rig *r, unsigned x, unsigned y)
{
    return r->pixels[y * W + x];
}

/* Cell (row, col) of a 9x16 text screen drawn with glyph rows from fn(ch, scan),
 * fg/bg DAC indices and the ninth dot repeating the eighth or not. */
static void assert_cell(struct rig *r, unsigned row, unsigned col, uint8_t ch, unsigned fg,
                        unsigned bg, bool ninth_repeats)
{
    for (unsigned scan = 0; scan < 16; scan++) {
        uint8_t bits = glyph_row(ch, scan);

        for (unsigned dot = 0; dot < 9; dot++) {
            bool on = dot < 8 ? (bits << dot) & 0x80 : ninth_repeats && (bits & 1);

            assert_int_equal(px(r, col * 9 + dot, row * 16 + scan), dac_color(on ? fg : bg));
        }
    }
}

static void test_text_glyphs(void **state)
{
    struct rig *r = *state;

    text_mode(r, &mode_03h, 0xB8000, 16);
    put_char(r, 0, 0, 'A', 0x1F);
    put_char(r, 0, 1, 0xC4, 0x1F);
    put_char(r, 0, 2, 0xDF, 0x1F);
    put_char(r, 0, 3, 0xE0, 0x1F);
    put_char(r, 0, 4, 0xBF, 0x1F);
    put_char(r, 3, 79, 'z', 0x2E);
    render(r, 0);
    assert_int_equal(r->info.width, 720);
    assert_int_equal(r->info.height, 400);
    assert_true(r->info.text);
    assert_int_equal(r->info.aspect_num * 3, r->info.aspect_den * 4);
    /* attribute palette: 0Fh -> DAC 3Fh = (63, 59, 0), 6-bit values widened */
    assert_int_equal(dac_color(0x3F), 0xFFEF00);
    assert_cell(r, 0, 0, 'A', 0x3F, 0x01, false);
    assert_cell(r, 0, 1, 0xC4, 0x3F, 0x01, true);
    assert_cell(r, 0, 2, 0xDF, 0x3F, 0x01, true);
    assert_cell(r, 0, 3, 0xE0, 0x3F, 0x01, false);
    assert_cell(r, 0, 4, 0xBF, 0x3F, 0x01, false);
    assert_cell(r, 3, 79, 'z', 0x3E, 0x02, false);
    /* line graphics off: the ninth dot of C4h is background */
    attr_w(r, 0x10, 0x08);
    render(r, 0);
    assert_cell(r, 0, 1, 0xC4, 0x3F, 0x01, false);
    /* pel panning 0 shifts 9-dot text left by one dot (8 means none) */
    attr_w(r, 0x13, 0x00);
    render(r, 0);
    for (unsigned dot = 0; dot < 7; dot++) {
        bool on = (glyph_row('A', 5) << (dot + 1)) & 0x80;

        assert_int_equal(px(r, dot, 5), dac_color(on ? 0x3F : 0x01));
    }
}

static void test_cursor_blink(void **state)
{
    struct rig *r = *state;
    uint8_t bits = glyph_row('c', 12);

    text_mode(r, &mode_03h, 0xB8000, 16);
    put_char(r, 1, 2, 'c', 0x4A);
    crtc_w(r, 0x0E, 0x00);
    crtc_w(r, 0x0F, 82);
    /* mode 03h cursor: scan lines 13-14 (CR0A 0Dh, CR0B 0Eh) */
    render(r, 0);
    for (unsigned dot = 0; dot < 9; dot++) {
        assert_int_equal(px(r, 18 + dot, 16 + 13), dac_color(0x3A));
        assert_int_equal(px(r, 18 + dot, 16 + 14), dac_color(0x3A));
    }
    assert_int_equal(px(r, 18, 16 + 12), dac_color((bits & 0x80) ? 0x3A : 0x04));
    assert_int_equal(px(r, 26, 16 + 15), dac_color(0x04));
    /* frames 8-15: cursor off, the glyph shows */
    render(r, 8 * FRAME_03H_NS + FRAME_03H_NS / 2);
    for (unsigned dot = 0; dot < 8; dot++) {
        bool on = (glyph_row('c', 14) << dot) & 0x80;

        assert_int_equal(px(r, 18 + dot, 16 + 14), dac_color(on ? 0x3A : 0x04));
    }
    render(r, 16 * FRAME_03H_NS + FRAME_03H_NS / 2);
    assert_int_equal(px(r, 18, 16 + 14), dac_color(0x3A));
    /* cursor disable bit; then a block cursor from scan line 0 */
    crtc_w(r, 0x0A, 0x2E);
    render(r, 0);
    assert_int_equal(px(r, 22, 16 + 14), dac_color((glyph_row('c', 14) << 4) & 0x80 ? 0x3A : 0x04));
    crtc_w(r, 0x0A, 0x00);
    render(r, 0);
    for (unsigned scan = 0; scan < 15; scan++)
        assert_int_equal(px(r, 26, 16 + scan), dac_color(0x3A));
    assert_int_equal(px(r, 26, 16 + 15), dac_color(0x04));
}

static void test_attribute_blink(void **state)
{
    struct rig *r = *state;

    text_mode(r, &mode_03h, 0xB8000, 16);
    put_char(r, 2, 0, 'X', 0x9F);
    render(r, 0);
    assert_cell(r, 2, 0, 'X', 0x3F, 0x01, false);
    /* frames 16-31: blinking characters are hidden */
    render(r, 20 * FRAME_03H_NS);
    for (unsigned scan = 0; scan < 16; scan++)
        assert_int_equal(px(r, 3, 32 + scan), dac_color(0x01));
    /* blink off in the mode control: bit 7 is background intensity */
    attr_w(r, 0x10, 0x04);
    render(r, 20 * FRAME_03H_NS);
    assert_cell(r, 2, 0, 'X', 0x3F, 0x39, false);
}

/* Character Map Select: attribute bit 3 picks map A or map B (512 characters). */
static void test_char_map_select(void **state)
{
    struct rig *r = *state;

    text_mode(r, &mode_03h, 0xB8000, 16);
    /* a second font, every row inverted, as map 1 (16 KiB) and map 4 (8 KiB) */
    seq_w(r, 2, 0x04);
    seq_w(r, 4, 0x06);
    gc_w(r, 5, 0x00);
    gc_w(r, 6, 0x04);
    for (unsigned row = 0; row < 16; row++) {
        bus_write8(r->bus, 0xA4000 + 'K' * 32 + row, (uint8_t)~glyph_row('K', row));
        bus_write8(r->bus, 0xA2000 + 'K' * 32 + row, (uint8_t)(glyph_row('K', row) ^ 0x0F));
    }
    seq_w(r, 2, 0x03);
    seq_w(r, 4, 0x02);
    gc_w(r, 5, 0x10);
    gc_w(r, 6, 0x0E);
    put_char(r, 0, 0, 'K', 0x0F);
    put_char(r, 0, 1, 'K', 0x07);
    /* map A = 1 (SR03 bits 5,3,2 = 0,0,1), map B = 0 */
    seq_w(r, 3, 0x04);
    render(r, 0);
    for (unsigned scan = 0; scan < 16; scan++) {
        for (unsigned dot = 0; dot < 8; dot++) {
            bool on_a = ((uint8_t)~glyph_row('K', scan) << dot) & 0x80;
            bool on_b = (glyph_row('K', scan) << dot) & 0x80;

            assert_int_equal(px(r, dot, scan), dac_color(on_a ? 0x3F : 0x00));
            assert_int_equal(px(r, 9 + dot, scan), dac_color(on_b ? 0x07 : 0x00));
        }
    }
    /* map A = 4 (bit 5): 8 KiB into plane 2 */
    seq_w(r, 3, 0x20);
    render(r, 0);
    for (unsigned dot = 0; dot < 8; dot++) {
        bool on = ((uint8_t)(glyph_row('K', 3) ^ 0x0F) << dot) & 0x80;

        assert_int_equal(px(r, dot, 3), dac_color(on ? 0x3F : 0x00));
    }
}

static void test_mono_underline(void **state)
{
    struct rig *r = *state;

    text_mode(r, &mode_07h, 0xB0000, 14);
    bus_write16(r->bus, 0xB0000, 0x0141);
    bus_write16(r->bus, 0xB0002, 0x0741);
    bus_write16(r->bus, 0xB0004, 0x0941);
    bus_write16(r->bus, 0xB0006, 0x7141);
    render(r, 0);
    assert_int_equal(r->info.width, 720);
    assert_int_equal(r->info.height, 350);
    /* attribute 01h: underline on scan line 13 (CR14), all nine dots */
    for (unsigned dot = 0; dot < 9; dot++)
        assert_int_equal(px(r, dot, 13), dac_color(0x08));
    for (unsigned dot = 0; dot < 8; dot++) {
        bool on12 = (glyph_row('A', 12) << dot) & 0x80;
        bool on13 = (glyph_row('A', 13) << dot) & 0x80;

        assert_int_equal(px(r, dot, 12), dac_color(on12 ? 0x08 : 0x00));
        assert_int_equal(px(r, 9 + dot, 12), dac_color(on12 ? 0x08 : 0x00));
        assert_int_equal(px(r, 9 + dot, 13), dac_color(on13 ? 0x08 : 0x00));
    }
    assert_int_equal(px(r, 17, 13), dac_color(0x00));
    /* 09h is underlined too (bright); 71h (reverse video) is not */
    for (unsigned dot = 0; dot < 9; dot++)
        assert_int_equal(px(r, 18 + dot, 13), dac_color(0x18));
    attr_w(r, 0x07, 0x3F);
    render(r, 0);
    assert_int_equal(px(r, 27 + 8, 13), dac_color(0x3F));
}

static void test_planar_graphics(void **state)
{
    struct rig *r = *state;
    static const uint8_t colors[8] = { 0, 1, 6, 7, 8, 14, 15, 9 };

    set_mode_dac(r, &mode_12h);
    gc_w(r, 5, 0x02);
    for (unsigned i = 0; i < 8; i++) {
        gc_w(r, 8, (uint8_t)(0x80 >> i));
        (void)bus_read8(r->bus, 0xA0000 + 479 * 80 + 79);
        bus_write8(r->bus, 0xA0000 + 479 * 80 + 79, colors[i]);
    }
    render(r, 0);
    assert_int_equal(r->info.width, 640);
    assert_int_equal(r->info.height, 480);
    assert_false(r->info.text);
    static const uint8_t palette[16] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07,
                                         0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F };
    for (unsigned i = 0; i < 8; i++)
        assert_int_equal(px(r, 632 + i, 479), dac_color(palette[colors[i]]));
    /* palette register, colour select with P54S, colour plane enable, pel mask */
    attr_w(r, 0x07, 0x2A);
    attr_w(r, 0x14, 0x0A);
    render(r, 0);
    assert_int_equal(px(r, 635, 479), dac_color(0xAA));
    attr_w(r, 0x10, 0x81);
    render(r, 0);
    assert_int_equal(px(r, 635, 479), dac_color(0xAA));
    assert_int_equal(px(r, 633, 479), dac_color(0xA1));
    attr_w(r, 0x10, 0x01);
    attr_w(r, 0x14, 0x00);
    attr_w(r, 0x12, 0x07);
    render(r, 0);
    assert_int_equal(px(r, 637, 479), dac_color(0x14));
    attr_w(r, 0x12, 0x0F);
    outb(r, 0x3C6, 0x0F);
    render(r, 0);
    assert_int_equal(px(r, 637, 479), dac_color(0x0E));
}

static void test_cga_graphics(void **state)
{
    struct rig *r = *state;

    set_mode_dac(r, &mode_04h);
    bus_write8(r->bus, 0xB8000, 0x1B);
    bus_write8(r->bus, 0xB8001, 0xE4);
    bus_write8(r->bus, 0xBA000, 0xFF);
    render(r, 0);
    assert_int_equal(r->info.width, 320);
    assert_int_equal(r->info.height, 400);
    static const uint8_t even[8] = { 0x00, 0x13, 0x15, 0x17, 0x17, 0x15, 0x13, 0x00 };
    for (unsigned x = 0; x < 8; x++) {
        /* CGA line 0 double-scanned, then line 1 from the odd bank at 2000h */
        assert_int_equal(px(r, x, 0), dac_color(even[x]));
        assert_int_equal(px(r, x, 1), dac_color(even[x]));
        assert_int_equal(px(r, x, 2), dac_color(x < 4 ? 0x17 : 0x00));
        assert_int_equal(px(r, x, 3), dac_color(x < 4 ? 0x17 : 0x00));
        assert_int_equal(px(r, x, 4), dac_color(0x00));
    }
}

static void test_mode_13h(void **state)
{
    struct rig *r = *state;

    set_mode_dac(r, &mode_13h);
    for (unsigned y = 0; y < 200; y++)
        bus_write8(r->bus, 0xA0000 + y * 320 + 7, (uint8_t)(y + 1));
    bus_write8(r->bus, 0xA0000 + 319, 0xC8);
    render(r, 0);
    assert_int_equal(r->info.width, 320);
    assert_int_equal(r->info.height, 400);
    assert_int_equal(r->info.aspect_num * 3, r->info.aspect_den * 4);
    for (unsigned y = 0; y < 200; y++) {
        assert_int_equal(px(r, 7, 2 * y), dac_color(y + 1));
        assert_int_equal(px(r, 7, 2 * y + 1), dac_color(y + 1));
        assert_int_equal(px(r, 6, 2 * y), dac_color(0));
    }
    assert_int_equal(px(r, 319, 0), dac_color(0xC8));
    /* start address one line down (doubleword units), pel panning by one pixel */
    crtc_w(r, 0x0D, 80);
    attr_w(r, 0x13, 0x02);
    render(r, 0);
    assert_int_equal(px(r, 6, 0), dac_color(2));
    assert_int_equal(px(r, 6, 397), dac_color(200));
    /* line compare at line 100: the rest starts over at address 0 */
    crtc_w(r, 0x18, 100);
    crtc_w(r, 0x07, 0x0F);
    crtc_w(r, 0x09, 0x01);
    render(r, 0);
    assert_int_equal(px(r, 6, 99), dac_color(51));
    assert_int_equal(px(r, 6, 100), dac_color(1));
    assert_int_equal(px(r, 6, 101), dac_color(1));
    assert_int_equal(px(r, 6, 102), dac_color(2));
    /* pel panning mode: below the split, panning is off */
    attr_w(r, 0x10, 0x61);
    render(r, 0);
    assert_int_equal(px(r, 6, 0), dac_color(2));
    assert_int_equal(px(r, 7, 100), dac_color(1));
}

static void test_screen_off(void **state)
{
    struct rig *r = *state;

    set_mode_dac(r, &mode_13h);
    memset(r->pixels, 0x55, sizeof(r->pixels));
    render(r, 0);
    assert_int_equal(px(r, 0, 0), dac_color(0));
    seq_w(r, 1, 0x21);
    render(r, 0);
    assert_int_equal(px(r, 0, 0), 0);
    assert_int_equal(px(r, 319, 399), 0);
    seq_w(r, 1, 0x01);
    render(r, 0);
    assert_int_equal(px(r, 0, 0), dac_color(0));
    /* PAS clear (an index write without bit 5) blanks the screen */
    inb(r, 0x3DA);
    outb(r, 0x3C0, 0x00);
    render(r, 0);
    assert_int_equal(px(r, 0, 0), 0);
    /* the buffer bounds the picture */
    outb(r, 0x3C0, 0x00);
    outb(r, 0x3C0, 0x20);
    vga_render(r->vga, r->pixels, W, 100, 50, 0, &r->info);
    assert_int_equal(r->info.width, 100);
    assert_int_equal(r->info.height, 50);
}

static void test_damage(void **state)
{
    struct rig *r = *state;

    text_mode(r, &mode_03h, 0xB8000, 16);
    render(r, 0);
    assert_true(r->info.changed);
    assert_int_equal(r->info.frame, 1);
    assert_false(vga_render_pending(r->vga, 0));
    render(r, 1000);
    assert_false(r->info.changed);
    assert_int_equal(r->info.frame, 2);
    put_char(r, 0, 0, 'q', 0x07);
    assert_true(vga_render_pending(r->vga, 1000));
    render(r, 1000);
    assert_true(r->info.changed);
    render(r, 1000);
    assert_false(r->info.changed);
    crtc_w(r, 0x0C, 0x00);
    render(r, 1000);
    assert_true(r->info.changed);
    /* the cursor blink phase flips after 8 frames */
    assert_false(vga_render_pending(r->vga, 7 * FRAME_03H_NS));
    assert_true(vga_render_pending(r->vga, 9 * FRAME_03H_NS));
    render(r, 9 * FRAME_03H_NS);
    assert_true(r->info.changed);
    assert_int_equal(r->info.frame, 6);
    /* reads change nothing */
    (void)bus_read8(r->bus, 0xB8000);
    render(r, 9 * FRAME_03H_NS);
    assert_false(r->info.changed);
}

static void test_text_snapshot_and_cells(void **state)
{
    struct rig *r = *state;
    struct vga_text_info info;
    static uint16_t cells[80 * 25];
    char small[8];

    text_mode(r, &mode_03h, 0xB8000, 16);
    put_char(r, 0, 0, 'C', 0x07);
    put_char(r, 0, 1, ':', 0x07);
    put_char(r, 0, 2, 0xB3, 0x07);
    put_char(r, 0, 3, 0x00, 0x07);
    put_char(r, 0, 4, '>', 0x07);
    put_char(r, 24, 79, '$', 0x70);
    crtc_w(r, 0x0E, (24 * 80 + 5) >> 8);
    crtc_w(r, 0x0F, (24 * 80 + 5) & 0xFF);
    assert_true(vga_text_cells(r->vga, cells, 80 * 25, &info));
    assert_int_equal(info.cols, 80);
    assert_int_equal(info.rows, 25);
    assert_int_equal(info.cursor_row, 24);
    assert_int_equal(info.cursor_col, 5);
    assert_true(info.cursor_visible);
    assert_int_equal(cells[2], 0x07B3);
    assert_int_equal(cells[80 * 25 - 1], 0x7024);
    /* 00h reads as a space; rows end in '\n' without trailing blanks */
    assert_int_equal(vga_text_snapshot(r->vga, small, sizeof(small)), 6 + 23 + 81);
    assert_string_equal(small, "C:\xB3 >\n\n");
    /* scrolled by a start address of one row */
    crtc_w(r, 0x0D, 80);
    assert_true(vga_text_cells(r->vga, cells, 80 * 25, &info));
    assert_int_equal(cells[80 * 23 + 79], 0x7024);
    assert_int_equal(info.cursor_row, 23);
    /* graphics modes have no text */
    set_mode_dac(r, &mode_13h);
    assert_int_equal(vga_text_snapshot(r->vga, small, sizeof(small)), 0);
    assert_string_equal(small, "");
    assert_false(vga_text_cells(r->vga, cells, 80 * 25, &info));
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;

    if (!f)
        return NULL;
    buf = calloc(1, 8192);
    assert_non_null(buf);
    *len = fread(buf, 1, 8191, f);
    fclose(f);
    return buf;
}

/* Screens captured from QEMU: written into B8000h row by row, the snapshot must
 * give back the file byte for byte. */
static void test_snapshot_reference_screens(void **state)
{
    static const char *const names[] = {
        "freedos-minimal_ver_dir.qemu.txt", "freedos-ripcord_boot.qemu.txt",
        "freedos-ripcord_hello_cpulevel_ver.qemu.txt", "freedos-ripcord_pi.qemu.txt",
    };
    struct rig *r = *state;
    const char *shared = getenv("TRAPDOOR_SHARED");
    char path[512], snap[4096];

    if (!shared) {
        fprintf(stderr, "TRAPDOOR_SHARED not set: reference screens skipped\n");
        skip();
    }
    text_mode(r, &mode_03h, 0xB8000, 16);
    for (unsigned n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
        size_t len = 0, i = 0;
        char *text;

        snprintf(path, sizeof(path), "%s/guests/expected/%s", shared, names[n]);
        text = read_file(path, &len);
        if (!text) {
            fprintf(stderr, "%s missing: reference screens skipped\n", path);
            skip();
        }
        for (unsigned row = 0; row < 25; row++) {
            for (unsigned col = 0; col < 80; col++) {
                bool in_line = i < len && text[i] != '\n';

                put_char(r, row, col, in_line ? (uint8_t)text[i++] : ' ', 0x07);
            }
            assert_true(i >= len || text[i] == '\n');
            i++;
        }
        assert_int_equal(vga_text_snapshot(r->vga, snap, sizeof(snap)), len);
        assert_string_equal(snap, text);
        free(text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_text_glyphs, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_cursor_blink, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_attribute_blink, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_char_map_select, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_mono_underline, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_planar_graphics, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_cga_graphics, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_mode_13h, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_screen_off, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_damage, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_text_snapshot_and_cells, rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_reference_screens, rig_setup,
                                        rig_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
