/* VGA BIOS, register side: the standard modes' register sets, their DAC
 * palettes, loading fonts into plane 2, and INT 10h AH=10h (palette and DAC),
 * 11h (fonts), 12h (alternate select), 1Ah and 1Bh. Register values from the
 * IBM VGA technical reference's mode descriptions (as FreeVGA documents them),
 * written out for this project; functions per RBIL INT 10h. */
#include <string.h>

#include "bios_internal.h"

enum {
    VGA_AR = 0x3C0, VGA_AR_READ = 0x3C1, VGA_MISC_W = 0x3C2, VGA_SEQ = 0x3C4,
    VGA_PEL_MASK = 0x3C6, VGA_DAC_READ = 0x3C7, VGA_DAC_WRITE = 0x3C8, VGA_DAC_DATA = 0x3C9,
    VGA_MISC_R = 0x3CC, VGA_GC = 0x3CE, VGA_ST1_MONO = 0x3BA, VGA_ST1_COLOR = 0x3DA,
    AR_PAS = 0x20,
};

/* ---------------------------------------------------------------- tables */

#define CRTC_T40 {0x2D, 0x27, 0x28, 0x90, 0x2B, 0xA0, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, \
                  0, 0, 0, 0, 0x9C, 0x8E, 0x8F, 0x14, 0x1F, 0x96, 0xB9, 0xA3, 0xFF}
#define CRTC_T80 {0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, \
                  0, 0, 0, 0, 0x9C, 0x8E, 0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3, 0xFF}
#define CRTC_MONO {0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, \
                   0, 0, 0, 0, 0x9C, 0x8E, 0x8F, 0x28, 0x0F, 0x96, 0xB9, 0xA3, 0xFF}
#define CRTC_CGA2 {0x2D, 0x27, 0x28, 0x90, 0x2B, 0x80, 0xBF, 0x1F, 0x00, 0xC1, 0, 0, \
                   0, 0, 0, 0, 0x9C, 0x8E, 0x8F, 0x14, 0x00, 0x96, 0xB9, 0xA2, 0xFF}
#define CRTC_CGA1 {0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00, 0xC1, 0, 0, \
                   0, 0, 0, 0, 0x9C, 0x8E, 0x8F, 0x28, 0x00, 0x96, 0xB9, 0xC2, 0xFF}
#define CRTC_P320 {0x2D, 0x27, 0x28, 0x90, 0x2B, 0x80, 0xBF, 0x1F, 0x00, 0xC0, 0, 0, \
                   0, 0, 0, 0, 0x9C, 0x8E, 0x8F, 0x14, 0x00, 0x96, 0xB9, 0xE3, 0xFF}
#define CRTC_P640 {0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00, 0xC0, 0, 0, \
                   0, 0, 0, 0, 0x9C, 0x8E, 0x8F, 0x28, 0x00, 0x96, 0xB9, 0xE3, 0xFF}
#define CRTC_P350 {0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00, 0x40, 0, 0, \
                   0, 0, 0, 0, 0x83, 0x85, 0x5D, 0x28, 0x0F, 0x63, 0xBA, 0xE3, 0xFF}
#define CRTC_P480 {0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0x0B, 0x3E, 0x00, 0x40, 0, 0, \
                   0, 0, 0, 0, 0xEA, 0x8C, 0xDF, 0x28, 0x00, 0xE7, 0x04, 0xE3, 0xFF}
#define CRTC_L256 {0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00, 0x41, 0, 0, \
                   0, 0, 0, 0, 0x9C, 0x8E, 0x8F, 0x28, 0x40, 0x96, 0xB9, 0xA3, 0xFF}

/* attribute palette (16), mode control, overscan, plane enable, panning, colour select */
#define AR_TEXT {0, 1, 2, 3, 4, 5, 0x14, 7, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, \
                 0x0C, 0, 0x0F, 0x08, 0}
#define AR_MONO {0, 8, 8, 8, 8, 8, 8, 8, 0x10, 0x18, 0x18, 0x18, 0x18, 0x18, 0x18, 0x18, \
                 0x0E, 0, 0x0F, 0x08, 0}
#define AR_CGA2 {0, 0x13, 0x15, 0x17, 2, 4, 6, 7, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, \
                 0x17, 0x01, 0, 0x03, 0, 0}
#define AR_CGA1 {0, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, \
                 0x17, 0x17, 0x17, 0x01, 0, 0x01, 0, 0}
#define AR_P16 {0, 1, 2, 3, 4, 5, 6, 7, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, \
                0x01, 0, 0x0F, 0, 0}
#define AR_PMONO {0, 8, 0, 0, 0x18, 0x18, 0, 0, 0, 8, 0, 0, 0, 0x18, 0, 0, 0x0B, 0, 0x05, 0, 0}
#define AR_P64 {0, 1, 2, 3, 4, 5, 0x14, 7, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, \
                0x01, 0, 0x0F, 0, 0}
#define AR_P2 {0, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, \
               0x3F, 0x3F, 0x3F, 0x01, 0, 0x0F, 0, 0}
#define AR_L256 {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0x41, 0, 0x0F, 0, 0}

#define GC_TEXT {0, 0, 0, 0, 0, 0x10, 0x0E, 0, 0xFF}
#define GC_MONO {0, 0, 0, 0, 0, 0x10, 0x0A, 0, 0xFF}
#define GC_CGA2 {0, 0, 0, 0, 0, 0x30, 0x0F, 0, 0xFF}
#define GC_CGA1 {0, 0, 0, 0, 0, 0x00, 0x0D, 0, 0xFF}
#define GC_PLANAR {0, 0, 0, 0, 0, 0x00, 0x05, 0x0F, 0xFF}
#define GC_L256 {0, 0, 0, 0, 0, 0x40, 0x05, 0x0F, 0xFF}

static const struct vga_mode modes[] = {
    {0x00, VMODE_TEXT, VDAC_EGA, 40, 25, 16, 0xB800, 0x0800, 360, 400, 0x2C, 0x30, 0x67,
     {0x08, 0x03, 0x00, 0x02}, CRTC_T40, AR_TEXT, GC_TEXT},
    {0x01, VMODE_TEXT, VDAC_EGA, 40, 25, 16, 0xB800, 0x0800, 360, 400, 0x28, 0x30, 0x67,
     {0x08, 0x03, 0x00, 0x02}, CRTC_T40, AR_TEXT, GC_TEXT},
    {0x02, VMODE_TEXT, VDAC_EGA, 80, 25, 16, 0xB800, 0x1000, 720, 400, 0x2D, 0x30, 0x67,
     {0x00, 0x03, 0x00, 0x02}, CRTC_T80, AR_TEXT, GC_TEXT},
    {0x03, VMODE_TEXT, VDAC_EGA, 80, 25, 16, 0xB800, 0x1000, 720, 400, 0x29, 0x30, 0x67,
     {0x00, 0x03, 0x00, 0x02}, CRTC_T80, AR_TEXT, GC_TEXT},
    {0x04, VMODE_CGA2, VDAC_EGA, 40, 25, 8, 0xB800, 0x4000, 320, 200, 0x2A, 0x30, 0x63,
     {0x09, 0x03, 0x00, 0x02}, CRTC_CGA2, AR_CGA2, GC_CGA2},
    {0x05, VMODE_CGA2, VDAC_EGA, 40, 25, 8, 0xB800, 0x4000, 320, 200, 0x2E, 0x30, 0x63,
     {0x09, 0x03, 0x00, 0x02}, CRTC_CGA2, AR_CGA2, GC_CGA2},
    {0x06, VMODE_CGA1, VDAC_EGA, 80, 25, 8, 0xB800, 0x4000, 640, 200, 0x1E, 0x3F, 0x63,
     {0x01, 0x01, 0x00, 0x06}, CRTC_CGA1, AR_CGA1, GC_CGA1},
    {0x07, VMODE_TEXT, VDAC_MONO, 80, 25, 16, 0xB000, 0x1000, 720, 400, 0x29, 0x00, 0x66,
     {0x00, 0x03, 0x00, 0x02}, CRTC_MONO, AR_MONO, GC_MONO},
    {0x0D, VMODE_PLANAR, VDAC_EGA, 40, 25, 8, 0xA000, 0x2000, 320, 200, 0, 0, 0x63,
     {0x09, 0x0F, 0x00, 0x06}, CRTC_P320, AR_P16, GC_PLANAR},
    {0x0E, VMODE_PLANAR, VDAC_EGA, 80, 25, 8, 0xA000, 0x4000, 640, 200, 0, 0, 0x63,
     {0x01, 0x0F, 0x00, 0x06}, CRTC_P640, AR_P16, GC_PLANAR},
    {0x0F, VMODE_PLANAR, VDAC_MONO, 80, 25, 14, 0xA000, 0x8000, 640, 350, 0, 0, 0xA2,
     {0x01, 0x0F, 0x00, 0x06}, CRTC_P350, AR_PMONO, GC_PLANAR},
    {0x10, VMODE_PLANAR, VDAC_EGA, 80, 25, 14, 0xA000, 0x8000, 640, 350, 0, 0, 0xA3,
     {0x01, 0x0F, 0x00, 0x06}, CRTC_P350, AR_P64, GC_PLANAR},
    {0x11, VMODE_PLANAR, VDAC_EGA, 80, 30, 16, 0xA000, 0xA000, 640, 480, 0, 0, 0xE3,
     {0x01, 0x0F, 0x00, 0x06}, CRTC_P480, AR_P2, GC_PLANAR},
    {0x12, VMODE_PLANAR, VDAC_EGA, 80, 30, 16, 0xA000, 0xA000, 640, 480, 0, 0, 0xE3,
     {0x01, 0x0F, 0x00, 0x06}, CRTC_P480, AR_P64, GC_PLANAR},
    {0x13, VMODE_LINEAR, VDAC_VGA256, 40, 25, 8, 0xA000, 0xFA00, 320, 200, 0, 0, 0x63,
     {0x01, 0x0F, 0x00, 0x0E}, CRTC_L256, AR_L256, GC_L256},
};

const struct vga_mode *bios_vga_mode(uint8_t mode)
{
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        if (modes[i].mode == (mode & 0x7F))
            return &modes[i];
    }
    return NULL;
}

const struct vga_mode *bios_vga_current(struct bios *b)
{
    const struct vga_mode *m = bios_vga_mode(bios_rd8(b, BDA_SEG, BDA_VIDEO_MODE));
    return m ? m : &modes[3];
}

/* ---------------------------------------------------------------- registers */

uint16_t bios_crtc_port(struct bios *b)
{
    return bios_in8(b, VGA_MISC_R) & 1 ? 0x3D4 : 0x3B4;
}

void bios_crtc_write(struct bios *b, uint8_t index, uint8_t v)
{
    uint16_t port = bios_crtc_port(b);
    bios_out8(b, port, index);
    bios_out8(b, port + 1, v);
}

static void seq_write(struct bios *b, uint8_t index, uint8_t v)
{
    bios_out8(b, VGA_SEQ, index);
    bios_out8(b, VGA_SEQ + 1, v);
}

static void gc_write(struct bios *b, uint8_t index, uint8_t v)
{
    bios_out8(b, VGA_GC, index);
    bios_out8(b, VGA_GC + 1, v);
}

/* Reset the attribute flip-flop to "index" (read input status 1). */
static void ar_reset(struct bios *b)
{
    (void)bios_in8(b, bios_crtc_port(b) + 6);
}

static void ar_write(struct bios *b, uint8_t index, uint8_t v)
{
    ar_reset(b);
    bios_out8(b, VGA_AR, index);
    bios_out8(b, VGA_AR, v);
    bios_out8(b, VGA_AR, AR_PAS);
}

static uint8_t ar_read(struct bios *b, uint8_t index)
{
    ar_reset(b);
    bios_out8(b, VGA_AR, index);
    uint8_t v = bios_in8(b, VGA_AR_READ);
    ar_reset(b);
    bios_out8(b, VGA_AR, AR_PAS);
    return v;
}

static void dac_write(struct bios *b, uint8_t index, uint8_t r, uint8_t g, uint8_t bl)
{
    bios_out8(b, VGA_DAC_WRITE, index);
    bios_out8(b, VGA_DAC_DATA, r);
    bios_out8(b, VGA_DAC_DATA, g);
    bios_out8(b, VGA_DAC_DATA, bl);
}

static void dac_read(struct bios *b, uint8_t index, uint8_t rgb[3])
{
    bios_out8(b, VGA_DAC_READ, index);
    for (int i = 0; i < 3; i++)
        rgb[i] = bios_in8(b, VGA_DAC_DATA);
}

/* EGA colour number rgbRGB (bit 0 blue ... bit 5 secondary red) -> 6-bit DAC. */
static uint8_t ega_level(unsigned i, unsigned primary, unsigned secondary)
{
    return (uint8_t)((i >> primary & 1) * 0x2A + (i >> secondary & 1) * 0x15);
}

/* The 256-colour default: the 16 EGA colours, a grey ramp, then 9 rings of
 * 24 hues (3 intensities x 3 saturations), then black. */
static void dac_vga256(uint8_t index, uint8_t rgb[3])
{
    static const uint8_t ega16[16] = {0, 1, 2, 3, 4, 5, 0x14, 7,
                                      0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F};
    if (index < 16) {
        unsigned e = ega16[index];
        rgb[0] = ega_level(e, 2, 5), rgb[1] = ega_level(e, 1, 4), rgb[2] = ega_level(e, 0, 3);
    } else if (index < 32) {
        rgb[0] = rgb[1] = rgb[2] = (uint8_t)((index - 16) * 63 / 15);
    } else if (index < 248) {
        static const uint8_t level[3] = {63, 28, 16};
        static const uint8_t sat_pct[3] = {0, 45, 70};
        unsigned g = (index - 32) / 24, h = (index - 32) % 24;
        unsigned hi = level[g / 3], lo = hi * sat_pct[g % 3] / 100;
        /* hue ring: each channel's ramp position, 0 (lo) .. 4 (hi) */
        static const int8_t ramp[6][3] = {{4, 0, 0}, {4, 4, 0}, {0, 4, 0},
                                          {0, 4, 4}, {0, 0, 4}, {4, 0, 4}};
        unsigned seg = h / 4, k = h % 4;
        for (int c = 0; c < 3; c++) {
            int from = ramp[seg][c], to = ramp[(seg + 1) % 6][c];
            int pos = from + (to - from) * (int)k / 4;
            rgb[c] = (uint8_t)(lo + (hi - lo) * (unsigned)pos / 4);
        }
    } else {
        rgb[0] = rgb[1] = rgb[2] = 0;
    }
}

static void load_dac(struct bios *b, enum vmode_dac kind)
{
    bios_out8(b, VGA_PEL_MASK, 0xFF);
    for (unsigned i = 0; i < 256; i++) {
        uint8_t rgb[3] = {0, 0, 0};
        if (kind == VDAC_VGA256) {
            dac_vga256((uint8_t)i, rgb);
        } else if (kind == VDAC_MONO && i < 64) {
            rgb[0] = rgb[1] = rgb[2] = (uint8_t)((i & 0x08 ? 0x2A : 0) + (i & 0x10 ? 0x15 : 0));
        } else if (kind == VDAC_EGA && i < 64) {
            rgb[0] = ega_level(i, 2, 5), rgb[1] = ega_level(i, 1, 4), rgb[2] = ega_level(i, 0, 3);
        }
        dac_write(b, (uint8_t)i, rgb[0], rgb[1], rgb[2]);
    }
}

void bios_vga_program(struct bios *b, const struct vga_mode *m)
{
    seq_write(b, 0, 0x01);
    for (uint8_t i = 0; i < 4; i++)
        seq_write(b, (uint8_t)(i + 1), m->seq[i]);
    bios_out8(b, VGA_MISC_W, m->misc);
    seq_write(b, 0, 0x03);
    /* unprotect CR0-CR7 before writing them (CR11 bit 7) */
    bios_crtc_write(b, 0x11, m->crtc[0x11] & 0x7F);
    for (uint8_t i = 0; i < 25; i++)
        bios_crtc_write(b, i, m->crtc[i]);
    for (uint8_t i = 0; i < 9; i++)
        gc_write(b, i, m->gc[i]);
    ar_reset(b);
    for (uint8_t i = 0; i < 21; i++) {
        bios_out8(b, VGA_AR, i);
        bios_out8(b, VGA_AR, m->attr[i]);
    }
    bios_out8(b, VGA_AR, AR_PAS);
    load_dac(b, (enum vmode_dac)m->dac);
}

/* ---------------------------------------------------------------- fonts */

uint32_t bios_rom_font(const struct bios *b, unsigned height)
{
    uint16_t off = height == 8 ? b->font8 : height == 14 ? b->font14 : b->font16;
    return bios_laddr(BIOS_SEG, off);
}

/* Character block n's offset in plane 2 (VGA: 0-3 at 16 KiB steps, 4-7 in
 * between). */
static uint32_t block_base(unsigned blk)
{
    return (blk & 3) * 0x4000u + (blk & 4) * 0x800u;
}

void bios_vga_load_font(struct bios *b, uint32_t laddr, unsigned first, unsigned count,
                        unsigned height, unsigned blk)
{
    const struct vga_mode *m = bios_vga_current(b);
    uint32_t base = 0xA0000 + block_base(blk & 7);

    seq_write(b, 2, 0x04);
    seq_write(b, 4, 0x07);
    gc_write(b, 4, 0x02);
    gc_write(b, 5, 0x00);
    gc_write(b, 6, 0x04);
    for (unsigned c = first; c < first + count && c < 256; c++) {
        uint8_t glyph[32] = {0};
        bios_copy_from_guest(b, laddr + (c - first) * height, glyph, height > 32 ? 32 : height);
        bios_copy_to_guest(b, base + c * 32, glyph, 32);
    }
    seq_write(b, 2, m->seq[1]);
    seq_write(b, 4, m->seq[3]);
    gc_write(b, 4, m->gc[4]);
    gc_write(b, 5, m->gc[5]);
    gc_write(b, 6, m->gc[6]);
}

/* AH=11h AL=1xh: a font loaded into block 0 resizes the text screen. */
static void text_resize(struct bios *b, unsigned height)
{
    unsigned rows = 400 / height, cols = bios_rd16(b, BDA_SEG, BDA_COLUMNS);

    bios_crtc_write(b, 0x09, (uint8_t)(0x40 | (height - 1)));
    bios_crtc_write(b, 0x0A, (uint8_t)(height - 3));
    bios_crtc_write(b, 0x0B, (uint8_t)(height - 2));
    bios_crtc_write(b, 0x12, (uint8_t)((rows * height - 1) & 0xFF));
    bios_wr8(b, BDA_SEG, BDA_ROWS, (uint8_t)(rows - 1));
    bios_wr16(b, BDA_SEG, BDA_CHAR_HEIGHT, (uint16_t)height);
    bios_wr16(b, BDA_SEG, BDA_PAGE_SIZE, (uint16_t)((rows * cols * 2 + 0xFF) & ~0xFFu));
    bios_wr16(b, BDA_SEG, BDA_CURSOR_SHAPE, (uint16_t)((height - 3) << 8 | (height - 2)));
}

static void set_vector(struct bios *b, uint8_t vector, uint16_t seg, uint16_t off)
{
    bios_wr16(b, 0, (uint16_t)(vector * 4), off);
    bios_wr16(b, 0, (uint16_t)(vector * 4 + 2), seg);
}

/* AL=20h-24h: fonts for graphics modes (INT 1Fh, INT 43h) and the row count. */
static void font_graphics(struct bios *b, uint8_t al)
{
    static const uint8_t heights[5] = {0, 0, 14, 8, 16};
    unsigned h = al == 0x21 ? bios_reg16(b, R_ECX) : heights[al - 0x20];
    uint8_t bl = bios_lo(b, R_EBX);
    unsigned rows = bl == 1 ? 14 : bl == 2 ? 25 : bl == 3 ? 43 : bios_lo(b, R_EDX);

    if (al == 0x20) {
        set_vector(b, 0x1F, bios_seg(b, SEG_ES), bios_reg16(b, R_EBP));
        return;
    }
    if (al == 0x21)
        set_vector(b, 0x43, bios_seg(b, SEG_ES), bios_reg16(b, R_EBP));
    else
        set_vector(b, 0x43, BIOS_SEG, (uint16_t)(bios_rom_font(b, h) & 0xFFFF));
    bios_wr8(b, BDA_SEG, BDA_ROWS, (uint8_t)(rows ? rows - 1 : 24));
    bios_wr16(b, BDA_SEG, BDA_CHAR_HEIGHT, (uint16_t)h);
}

/* AL=30h: ES:BP = the font BH asks for, CX = height, DL = rows - 1. */
static void font_info(struct bios *b)
{
    uint8_t bh = bios_hi(b, R_EBX);
    uint16_t seg = BIOS_SEG, off;

    switch (bh) {
    case 0x00:
    case 0x01:
        off = bios_rd16(b, 0, bh ? 0x43 * 4 : 0x1F * 4);
        seg = bios_rd16(b, 0, bh ? 0x43 * 4 + 2 : 0x1F * 4 + 2);
        break;
    case 0x02: off = b->font14; break;
    case 0x03: off = b->font8; break;
    case 0x04: off = (uint16_t)(b->font8 + 128 * 8); break;
    case 0x06: off = b->font16; break;
    default: off = ROM_EMPTY_ALT_FONT; break;
    }
    bios_set_seg(b, SEG_ES, seg);
    bios_set_reg16(b, R_EBP, off);
    bios_set_reg16(b, R_ECX, bios_rd16(b, BDA_SEG, BDA_CHAR_HEIGHT));
    bios_set_lo(b, R_EDX, bios_rd8(b, BDA_SEG, BDA_ROWS));
}

void bios_video_font(struct bios *b)
{
    uint8_t al = bios_lo(b, R_EAX), sub = al & 0x0F, blk = bios_lo(b, R_EBX);
    static const uint8_t rom_heights[5] = {0, 14, 8, 0, 16};

    if (al == 0x30) {
        font_info(b);
    } else if (al >= 0x20 && al <= 0x24) {
        font_graphics(b, al);
    } else if (al == 0x03) {
        seq_write(b, 3, blk);
    } else if ((al & 0xE0) == 0 && (sub == 0 || (sub <= 4 && rom_heights[sub]))) {
        unsigned h = sub ? rom_heights[sub] : bios_hi(b, R_EBX);
        uint32_t src = sub ? bios_rom_font(b, h)
                           : bios_laddr(bios_seg(b, SEG_ES), bios_reg16(b, R_EBP));
        unsigned first = sub ? 0 : bios_reg16(b, R_EDX), count = sub ? 256 : bios_reg16(b, R_ECX);
        if (h == 0 || h > 32)
            return;
        bios_vga_load_font(b, src, first, count, h, sub ? blk : bios_lo(b, R_EBX));
        if (al & 0x10)
            text_resize(b, h);
    } else {
        bios_unsupported(b, 0x10);
    }
}

/* ---------------------------------------------------------------- palette */

static void pal_set_all(struct bios *b)
{
    uint32_t src = bios_laddr(bios_seg(b, SEG_ES), bios_reg16(b, R_EDX));
    for (uint8_t i = 0; i < 16; i++)
        ar_write(b, i, (uint8_t)cpu_read_linear(b->cpu, src + i, 1));
    ar_write(b, 0x11, (uint8_t)cpu_read_linear(b->cpu, src + 16, 1));
}

static void pal_get_all(struct bios *b)
{
    uint32_t dst = bios_laddr(bios_seg(b, SEG_ES), bios_reg16(b, R_EDX));
    for (uint8_t i = 0; i < 16; i++)
        cpu_write_linear(b->cpu, dst + i, 1, ar_read(b, i));
    cpu_write_linear(b->cpu, dst + 16, 1, ar_read(b, 0x11));
}

/* AL=12h/17h: a block of DAC registers to or from ES:DX, 3 bytes each. */
static void dac_block(struct bios *b, bool set)
{
    uint32_t p = bios_laddr(bios_seg(b, SEG_ES), bios_reg16(b, R_EDX));
    unsigned first = bios_reg16(b, R_EBX), count = bios_reg16(b, R_ECX);

    for (unsigned i = 0; i < count && first + i < 256; i++, p += 3) {
        uint8_t rgb[3];
        if (set) {
            bios_copy_from_guest(b, p, rgb, 3);
            dac_write(b, (uint8_t)(first + i), rgb[0], rgb[1], rgb[2]);
        } else {
            dac_read(b, (uint8_t)(first + i), rgb);
            bios_copy_to_guest(b, p, rgb, 3);
        }
    }
}

/* AL=1Bh: grey levels 30% red, 59% green, 11% blue. */
static void dac_grey(struct bios *b)
{
    unsigned first = bios_reg16(b, R_EBX), count = bios_reg16(b, R_ECX);

    for (unsigned i = 0; i < count && first + i < 256; i++) {
        uint8_t rgb[3];
        dac_read(b, (uint8_t)(first + i), rgb);
        uint8_t y = (uint8_t)((rgb[0] * 30 + rgb[1] * 59 + rgb[2] * 11 + 50) / 100);
        dac_write(b, (uint8_t)(first + i), y, y, y);
    }
}

static void pal_color_page(struct bios *b)
{
    uint8_t bh = bios_hi(b, R_EBX), mode = ar_read(b, 0x10);

    if (bios_lo(b, R_EBX) == 0)
        ar_write(b, 0x10, (uint8_t)((mode & 0x7F) | (bh & 1) << 7));
    else
        ar_write(b, 0x14, mode & 0x80 ? (uint8_t)(bh & 3) : (uint8_t)((bh & 15) >> 2));
}

void bios_video_palette(struct bios *b)
{
    uint8_t al = bios_lo(b, R_EAX), bl = bios_lo(b, R_EBX), bh = bios_hi(b, R_EBX);
    uint8_t rgb[3];

    switch (al) {
    case 0x00: ar_write(b, bl & 0x1F, bh); break;
    case 0x01: ar_write(b, 0x11, bh); break;
    case 0x02: pal_set_all(b); break;
    case 0x03:
        ar_write(b, 0x10, (uint8_t)((ar_read(b, 0x10) & ~0x08) | (bl & 1) << 3));
        break;
    case 0x07: bios_set_hi(b, R_EBX, ar_read(b, bl & 0x1F)); break;
    case 0x08: bios_set_hi(b, R_EBX, ar_read(b, 0x11)); break;
    case 0x09: pal_get_all(b); break;
    case 0x10:
        dac_write(b, bl, bios_hi(b, R_EDX), bios_hi(b, R_ECX), bios_lo(b, R_ECX));
        break;
    case 0x12: dac_block(b, true); break;
    case 0x13: pal_color_page(b); break;
    case 0x15:
        dac_read(b, bl, rgb);
        bios_set_hi(b, R_EDX, rgb[0]);
        bios_set_hi(b, R_ECX, rgb[1]);
        bios_set_lo(b, R_ECX, rgb[2]);
        break;
    case 0x17: dac_block(b, false); break;
    case 0x18: bios_out8(b, VGA_PEL_MASK, bl); break;
    case 0x19: bios_set_lo(b, R_EBX, bios_in8(b, VGA_PEL_MASK)); break;
    case 0x1A: {
        uint8_t mode = ar_read(b, 0x10), page = ar_read(b, 0x14);
        bios_set_lo(b, R_EBX, mode >> 7);
        bios_set_hi(b, R_EBX, mode & 0x80 ? (uint8_t)(page & 3) : (uint8_t)((page & 3) << 2));
        break;
    }
    case 0x1B: dac_grey(b); break;
    default: bios_unsupported(b, 0x10);
    }
}

/* ---------------------------------------------------------------- AH=12h, 1Ah, 1Bh */

void bios_video_alt(struct bios *b)
{
    uint8_t bl = bios_lo(b, R_EBX);

    if (bl == 0x10) {
        /* colour, 256 KiB, no feature bits, switches 1001b (EGA colour 80x25) */
        bios_set_reg16(b, R_EBX, 0x0003);
        bios_set_reg16(b, R_ECX, 0x0009);
    } else if (bl >= 0x30 && bl <= 0x36) {
        if (bl == 0x34)
            bios_wr8(b, BDA_SEG, BDA_VIDEO_CTL, (uint8_t)((bios_rd8(b, BDA_SEG, BDA_VIDEO_CTL) &
                                                          ~1) | (bios_lo(b, R_EAX) & 1)));
        bios_set_lo(b, R_EAX, 0x12);
    } else {
        bios_unsupported(b, 0x10);
    }
}

void bios_video_dcc(struct bios *b)
{
    if (bios_lo(b, R_EAX) > 1) {
        bios_unsupported(b, 0x10);
        return;
    }
    if (bios_lo(b, R_EAX) == 0)
        /* active display: VGA with analog colour monitor; no alternate */
        bios_set_reg16(b, R_EBX, 0x0008);
    bios_set_lo(b, R_EAX, 0x1A);
}

/* AH=1Bh: the 64-byte state record at ES:DI. */
void bios_video_state(struct bios *b)
{
    const struct vga_mode *m = bios_vga_current(b);
    uint8_t s[64] = {0};
    uint32_t dst = bios_laddr(bios_seg(b, SEG_ES), bios_reg16(b, R_EDI));

    s[0] = (uint8_t)ROM_FUNC_TABLE;
    s[1] = (uint8_t)(ROM_FUNC_TABLE >> 8);
    s[2] = (uint8_t)BIOS_SEG;
    s[3] = (uint8_t)(BIOS_SEG >> 8);
    bios_copy_from_guest(b, bios_laddr(BDA_SEG, BDA_VIDEO_MODE), s + 4, 30);
    s[0x22] = (uint8_t)(bios_rd8(b, BDA_SEG, BDA_ROWS) + 1);
    s[0x23] = bios_rd8(b, BDA_SEG, BDA_CHAR_HEIGHT);
    s[0x25] = 0x08;
    s[0x27] = m->kind == VMODE_LINEAR ? 0 : m->kind == VMODE_CGA1 ? 2 : 16;
    s[0x28] = m->kind == VMODE_LINEAR ? 1 : 0;
    s[0x29] = (uint8_t)(m->page_size ? (m->kind == VMODE_TEXT ? 8 : 1) : 1);
    s[0x2A] = m->height == 200 ? 0 : m->height == 350 ? 1 : m->height == 400 ? 2 : 3;
    s[0x31] = 3;
    bios_copy_to_guest(b, dst, s, sizeof(s));
    bios_set_lo(b, R_EAX, 0x1B);
}

/* ---------------------------------------------------------------- ROM tables */

void bios_video_rom_init(uint8_t *image)
{
    /* INT 1Dh: the 6845 values of the IBM CGA/MDA (40x25, 80x25, graphics,
     * monochrome), the regen lengths, columns and mode control values */
    static const uint8_t params[88] = {
        0x38, 0x28, 0x2D, 0x0A, 0x1F, 0x06, 0x19, 0x1C, 0x02, 0x07, 0x06, 0x07, 0, 0, 0, 0,
        0x71, 0x50, 0x5A, 0x0A, 0x1F, 0x06, 0x19, 0x1C, 0x02, 0x07, 0x06, 0x07, 0, 0, 0, 0,
        0x38, 0x28, 0x2D, 0x0A, 0x7F, 0x06, 0x64, 0x70, 0x02, 0x01, 0x06, 0x07, 0, 0, 0, 0,
        0x61, 0x50, 0x52, 0x0F, 0x19, 0x06, 0x19, 0x19, 0x02, 0x0D, 0x0B, 0x0C, 0, 0, 0, 0,
        0x00, 0x08, 0x00, 0x10, 0x00, 0x40, 0x00, 0x40,
        40, 40, 80, 80, 40, 40, 80, 80,
        0x2C, 0x28, 0x2D, 0x29, 0x2A, 0x2E, 0x1E, 0x29,
    };
    /* INT 10h AH=1Bh static functionality: modes 00h-07h, 0Dh-13h; 200, 350
     * and 400 lines; 8 font blocks, 2 active; every VGA function */
    static const uint8_t func[16] = {0xFF, 0xE0, 0x0F, 0, 0, 0, 0, 0x07,
                                     0x08, 0x02, 0xFF, 0x0C, 0, 0, 0, 0};
    memcpy(image + ROM_VIDEO_PARAMS, params, sizeof(params));
    memcpy(image + ROM_FUNC_TABLE, func, sizeof(func));
}
