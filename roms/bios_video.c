/* INT 10h, memory side: mode set, cursor, pages, scrolling, characters and
 * pixels in text, CGA, planar and 256-colour modes, teletype and strings.
 * IBM VGA technical reference "Video BIOS"; RBIL INT 10h. Display memory is
 * reached through the CPU's linear accesses (A0000h-BFFFFh go to the VGA). */
#include <string.h>

#include "bios_internal.h"

enum { VGA_GC = 0x3CE, CURSOR_OFF = 0x20 };

/* The current screen, from the BDA. */
struct screen {
    const struct vga_mode *m;
    unsigned cols, rows, char_height;
    uint32_t base;
    uint16_t page_size;
};

static struct screen screen_of(struct bios *b)
{
    const struct vga_mode *m = bios_vga_current(b);
    struct screen s = {
        .m = m,
        .cols = bios_rd16(b, BDA_SEG, BDA_COLUMNS),
        .rows = bios_rd8(b, BDA_SEG, BDA_ROWS) + 1u,
        .char_height = bios_rd16(b, BDA_SEG, BDA_CHAR_HEIGHT),
        .base = bios_laddr(m->seg, 0),
        .page_size = bios_rd16(b, BDA_SEG, BDA_PAGE_SIZE),
    };
    if (!s.cols)
        s.cols = m->cols;
    if (!s.char_height || m->kind != VMODE_TEXT)
        s.char_height = m->char_height;
    return s;
}

static unsigned pages_of(const struct vga_mode *m)
{
    if (m->kind == VMODE_TEXT || m->mode == 0x0D)
        return 8;
    if (m->mode == 0x0E)
        return 4;
    return m->mode == 0x0F || m->mode == 0x10 ? 2 : 1;
}

static void gc_write(struct bios *b, uint8_t index, uint8_t v)
{
    bios_out8(b, VGA_GC, index);
    bios_out8(b, VGA_GC + 1, v);
}

static uint8_t vram_rd(struct bios *b, uint32_t laddr)
{
    return (uint8_t)cpu_read_linear(b->cpu, laddr, 1);
}

static void vram_wr(struct bios *b, uint32_t laddr, uint8_t v)
{
    cpu_write_linear(b->cpu, laddr, 1, v);
}

/* ---------------------------------------------------------------- cursor */

static uint16_t cursor_get(struct bios *b, unsigned page)
{
    return bios_rd16(b, BDA_SEG, (uint16_t)(BDA_CURSOR_POS + (page & 7) * 2));
}

static void cursor_crtc(struct bios *b, const struct screen *s, uint16_t pos)
{
    unsigned at = bios_rd16(b, BDA_SEG, BDA_PAGE_START) / 2 + (pos >> 8) * s->cols + (pos & 0xFF);
    bios_crtc_write(b, 0x0E, (uint8_t)(at >> 8));
    bios_crtc_write(b, 0x0F, (uint8_t)at);
}

static void cursor_set(struct bios *b, unsigned page, unsigned row, unsigned col)
{
    uint16_t pos = (uint16_t)(row << 8 | col);
    bios_wr16(b, BDA_SEG, (uint16_t)(BDA_CURSOR_POS + (page & 7) * 2), pos);
    if (page == bios_rd8(b, BDA_SEG, BDA_ACTIVE_PAGE)) {
        struct screen s = screen_of(b);
        cursor_crtc(b, &s, pos);
    }
}

/* AH=01h: CH start (bit 5: off), CL end; CGA shapes (lines 0-7) are scaled
 * to the character height unless emulation is off (40:87h bit 0). */
static void set_cursor_shape(struct bios *b)
{
    uint8_t ch = bios_hi(b, R_ECX), start = ch & 0x1F, end = bios_lo(b, R_ECX) & 0x1F;
    struct screen s = screen_of(b);
    unsigned h = s.char_height;

    bios_wr16(b, BDA_SEG, BDA_CURSOR_SHAPE, bios_reg16(b, R_ECX));
    if (s.m->kind == VMODE_TEXT && !(bios_rd8(b, BDA_SEG, BDA_VIDEO_CTL) & 1) && h > 8 &&
        start <= end && end < 8 && end > 3) {
        if (start <= 2) {
            end = (uint8_t)(h - 2);
        } else {
            start = (uint8_t)(h - (8 - start) - 1);
            end = (uint8_t)(h - (8 - end) - 1);
        }
    }
    bios_crtc_write(b, 0x0A, (uint8_t)((ch & 0x60) | start));
    bios_crtc_write(b, 0x0B, end);
}

static void get_cursor(struct bios *b)
{
    bios_set_reg16(b, R_EDX, cursor_get(b, bios_hi(b, R_EBX)));
    bios_set_reg16(b, R_ECX, bios_rd16(b, BDA_SEG, BDA_CURSOR_SHAPE));
}

static void set_page(struct bios *b)
{
    struct screen s = screen_of(b);
    unsigned page = bios_lo(b, R_EAX);
    uint16_t start;

    if (page >= pages_of(s.m))
        return;
    start = (uint16_t)(page * s.page_size);
    bios_wr8(b, BDA_SEG, BDA_ACTIVE_PAGE, (uint8_t)page);
    bios_wr16(b, BDA_SEG, BDA_PAGE_START, start);
    if (s.m->kind == VMODE_TEXT)
        start /= 2;
    bios_crtc_write(b, 0x0C, (uint8_t)(start >> 8));
    bios_crtc_write(b, 0x0D, (uint8_t)start);
    cursor_crtc(b, &s, cursor_get(b, page));
}

/* ---------------------------------------------------------------- graphics */

/* Offset of pixel line y in a CGA mode: even lines first, odd at 2000h. */
static uint32_t cga_line(unsigned y)
{
    return (y >> 1) * 80u + (y & 1) * 0x2000u;
}

static uint32_t planar_line(const struct screen *s, unsigned page, unsigned y)
{
    return s->base + page * s->page_size + y * (s->m->width / 8u);
}

static void pixel_write(struct bios *b, const struct screen *s, unsigned page, unsigned x,
                        unsigned y, uint8_t color)
{
    bool xor = color & 0x80;
    uint32_t at;

    if (x >= s->m->width || y >= s->m->height)
        return;
    switch (s->m->kind) {
    case VMODE_CGA2: {
        at = s->base + cga_line(y) + x / 4;
        unsigned shift = (3 - (x & 3)) * 2;
        uint8_t v = vram_rd(b, at), c = (uint8_t)((color & 3) << shift);
        vram_wr(b, at, xor ? (uint8_t)(v ^ c) : (uint8_t)((v & ~(3u << shift)) | c));
        break;
    }
    case VMODE_CGA1: {
        at = s->base + cga_line(y) + x / 8;
        uint8_t v = vram_rd(b, at), bit = (uint8_t)(0x80 >> (x & 7));
        vram_wr(b, at, xor ? (color & 1 ? (uint8_t)(v ^ bit) : v)
                           : (color & 1 ? (uint8_t)(v | bit) : (uint8_t)(v & ~bit)));
        break;
    }
    case VMODE_PLANAR:
        at = planar_line(s, page, y) + x / 8;
        gc_write(b, 5, 0x02);
        gc_write(b, 3, xor ? 0x18 : 0x00);
        gc_write(b, 8, (uint8_t)(0x80 >> (x & 7)));
        (void)vram_rd(b, at);
        vram_wr(b, at, color & 0x0F);
        gc_write(b, 8, 0xFF);
        gc_write(b, 3, 0x00);
        gc_write(b, 5, s->m->gc[5]);
        break;
    case VMODE_LINEAR:
        at = s->base + y * 320u + x;
        vram_wr(b, at, xor ? (uint8_t)(vram_rd(b, at) ^ (color & 0x7F)) : color);
        break;
    default:
        break;
    }
}

static uint8_t pixel_read(struct bios *b, const struct screen *s, unsigned page, unsigned x,
                          unsigned y)
{
    uint8_t color = 0;

    if (x >= s->m->width || y >= s->m->height)
        return 0;
    switch (s->m->kind) {
    case VMODE_CGA2:
        return (uint8_t)(vram_rd(b, s->base + cga_line(y) + x / 4) >> ((3 - (x & 3)) * 2) & 3);
    case VMODE_CGA1:
        return (uint8_t)(vram_rd(b, s->base + cga_line(y) + x / 8) >> (7 - (x & 7)) & 1);
    case VMODE_PLANAR:
        for (uint8_t p = 0; p < 4; p++) {
            gc_write(b, 4, p);
            color |= (uint8_t)((vram_rd(b, planar_line(s, page, y) + x / 8) >> (7 - (x & 7)) & 1)
                               << p);
        }
        gc_write(b, 4, 0);
        return color;
    case VMODE_LINEAR:
        return vram_rd(b, s->base + y * 320u + x);
    default:
        return 0;
    }
}

/* The graphics-mode font: INT 43h (all 256 characters on a VGA). */
static uint32_t gfx_font(struct bios *b)
{
    return bios_laddr(bios_rd16(b, 0, 0x43 * 4 + 2), bios_rd16(b, 0, 0x43 * 4));
}

/* Planar cell row: clear to 0 (unless XOR), then set the glyph's dots. */
static void planar_row(struct bios *b, uint32_t at, uint8_t bits, uint8_t color)
{
    if (!(color & 0x80)) {
        gc_write(b, 8, 0xFF);
        (void)vram_rd(b, at);
        vram_wr(b, at, 0);
    }
    gc_write(b, 8, bits);
    (void)vram_rd(b, at);
    vram_wr(b, at, color & 0x0F);
}

static void gfx_char(struct bios *b, const struct screen *s, unsigned page, unsigned col,
                     unsigned row, uint8_t ch, uint8_t color)
{
    unsigned h = s->char_height;
    uint32_t glyph = gfx_font(b) + ch * h;

    if (s->m->kind == VMODE_PLANAR) {
        gc_write(b, 5, 0x02);
        gc_write(b, 3, color & 0x80 ? 0x18 : 0x00);
        for (unsigned y = 0; y < h; y++)
            planar_row(b, planar_line(s, page, row * h + y) + col, vram_rd(b, glyph + y), color);
        gc_write(b, 8, 0xFF);
        gc_write(b, 3, 0x00);
        gc_write(b, 5, s->m->gc[5]);
        return;
    }
    for (unsigned y = 0; y < h; y++) {
        uint8_t bits = vram_rd(b, glyph + y);
        for (unsigned x = 0; x < 8; x++) {
            bool on = bits & (0x80 >> x);
            if (on || !(color & 0x80))
                pixel_write(b, s, page, col * 8 + x, row * h + y, on ? color : 0);
        }
    }
}

/* AH=08h in graphics modes: the character whose glyph matches the cell. */
static uint8_t gfx_read_char(struct bios *b, const struct screen *s, unsigned page,
                             unsigned col, unsigned row)
{
    uint8_t cell[16], glyph[16];
    unsigned h = s->char_height > 16 ? 16 : s->char_height;

    for (unsigned y = 0; y < h; y++) {
        cell[y] = 0;
        for (unsigned x = 0; x < 8; x++)
            if (pixel_read(b, s, page, col * 8 + x, row * h + y))
                cell[y] |= (uint8_t)(0x80 >> x);
    }
    for (unsigned c = 0; c < 256; c++) {
        bios_copy_from_guest(b, gfx_font(b) + c * h, glyph, h);
        if (memcmp(glyph, cell, h) == 0)
            return (uint8_t)c;
    }
    return 0;
}

/* ---------------------------------------------------------------- cells */

static uint32_t text_cell(const struct screen *s, unsigned page, unsigned row, unsigned col)
{
    return s->base + page * s->page_size + (row * s->cols + col) * 2;
}

/* Write ch (and attr when with_attr; the colour in graphics modes). */
static void put_char(struct bios *b, const struct screen *s, unsigned page, unsigned row,
                     unsigned col, uint8_t ch, uint8_t attr, bool with_attr)
{
    if (s->m->kind != VMODE_TEXT) {
        gfx_char(b, s, page, col, row, ch, attr);
        return;
    }
    uint32_t at = text_cell(s, page, row, col);
    vram_wr(b, at, ch);
    if (with_attr)
        vram_wr(b, at + 1, attr);
}

/* Bytes of one character cell's pixel line, and the byte offset of column col. */
static unsigned cell_bytes(const struct screen *s)
{
    switch (s->m->kind) {
    case VMODE_CGA2: return 2;
    case VMODE_LINEAR: return 8;
    default: return 1;
    }
}

static uint32_t gfx_line(const struct screen *s, unsigned page, unsigned y)
{
    if (s->m->kind == VMODE_CGA2 || s->m->kind == VMODE_CGA1)
        return s->base + cga_line(y);
    if (s->m->kind == VMODE_LINEAR)
        return s->base + y * 320u;
    return planar_line(s, page, y);
}

/* Copy text row src to dst (or fill dst when fill) over columns left..right. */
static void row_move(struct bios *b, const struct screen *s, unsigned page, unsigned dst,
                     unsigned src, unsigned left, unsigned right, bool fill, uint8_t attr)
{
    if (s->m->kind == VMODE_TEXT) {
        for (unsigned c = left; c <= right; c++) {
            uint32_t to = text_cell(s, page, dst, c);
            uint16_t v = fill ? (uint16_t)(attr << 8 | ' ')
                              : (uint16_t)cpu_read_linear(b->cpu, text_cell(s, page, src, c), 2);
            cpu_write_linear(b->cpu, to, 2, v);
        }
        return;
    }
    unsigned h = s->char_height, bytes = cell_bytes(s);
    bool planar = s->m->kind == VMODE_PLANAR;
    if (planar)
        gc_write(b, 5, fill ? 0x02 : 0x01);
    for (unsigned y = 0; y < h; y++) {
        uint32_t to = gfx_line(s, page, dst * h + y), from = gfx_line(s, page, src * h + y);
        for (unsigned i = left * bytes; i < (right + 1) * bytes; i++) {
            /* write mode 1 copies all four planes through the latches */
            uint8_t v = fill ? (planar ? attr : 0) : vram_rd(b, from + i);
            vram_wr(b, to + i, v);
        }
    }
    if (planar)
        gc_write(b, 5, s->m->gc[5]);
}

static void scroll(struct bios *b, const struct screen *s, unsigned page, bool up, unsigned n,
                   unsigned top, unsigned left, unsigned bottom, unsigned right, uint8_t attr)
{
    if (bottom >= s->rows)
        bottom = s->rows - 1;
    if (right >= s->cols)
        right = s->cols - 1;
    if (top > bottom || left > right)
        return;
    unsigned height = bottom - top + 1;
    if (n == 0 || n > height)
        n = height;
    for (unsigned i = 0; i < height; i++) {
        unsigned dst = up ? top + i : bottom - i;
        bool fill = i >= height - n;
        unsigned src = up ? dst + n : dst - (fill ? 0 : n);
        row_move(b, s, page, dst, src, left, right, fill, attr);
    }
}

/* AH=06h/07h: window CH,CL..DH,DL of the active page, AL lines, BH fill. */
static void scroll_call(struct bios *b, bool up)
{
    struct screen s = screen_of(b);
    scroll(b, &s, bios_rd8(b, BDA_SEG, BDA_ACTIVE_PAGE), up, bios_lo(b, R_EAX),
           bios_hi(b, R_ECX), bios_lo(b, R_ECX), bios_hi(b, R_EDX), bios_lo(b, R_EDX),
           bios_hi(b, R_EBX));
}

static void read_char(struct bios *b)
{
    struct screen s = screen_of(b);
    unsigned page = bios_hi(b, R_EBX) & 7;
    uint16_t pos = cursor_get(b, page);

    if (s.m->kind == VMODE_TEXT)
        bios_set_reg16(b, R_EAX,
                       (uint16_t)cpu_read_linear(b->cpu, text_cell(&s, page, pos >> 8, pos & 0xFF), 2));
    else
        bios_set_reg16(b, R_EAX, gfx_read_char(b, &s, page, pos & 0xFF, pos >> 8));
}

/* AH=09h/0Ah: CX copies of AL at the cursor, which does not move. */
static void write_chars(struct bios *b, bool with_attr)
{
    struct screen s = screen_of(b);
    unsigned page = s.m->kind == VMODE_TEXT ? bios_hi(b, R_EBX) & 7u
                                            : bios_rd8(b, BDA_SEG, BDA_ACTIVE_PAGE);
    uint16_t pos = cursor_get(b, page);
    unsigned row = pos >> 8, col = pos & 0xFF, n = bios_reg16(b, R_ECX);

    for (unsigned i = 0; i < n && row < s.rows; i++) {
        put_char(b, &s, page, row, col, bios_lo(b, R_EAX), bios_lo(b, R_EBX), with_attr);
        if (++col >= s.cols) {
            col = 0;
            row++;
        }
    }
}

/* ---------------------------------------------------------------- teletype */

static void teletype(struct bios *b, unsigned page, uint8_t ch, uint8_t attr, bool with_attr)
{
    struct screen s = screen_of(b);
    uint16_t pos = cursor_get(b, page);
    unsigned row = pos >> 8, col = pos & 0xFF;

    switch (ch) {
    case 0x07:
        break;
    case 0x08:
        if (col > 0)
            col--;
        break;
    case 0x0D:
        col = 0;
        break;
    case 0x0A:
        row++;
        break;
    default:
        put_char(b, &s, page, row, col, ch, attr, with_attr);
        col++;
    }
    if (col >= s.cols) {
        col = 0;
        row++;
    }
    if (row >= s.rows) {
        row = s.rows - 1;
        uint8_t fill = 0;
        if (s.m->kind == VMODE_TEXT)
            fill = vram_rd(b, text_cell(&s, page, row, col) + 1);
        scroll(b, &s, page, true, 1, 0, 0, s.rows - 1, s.cols - 1, fill);
    }
    cursor_set(b, page, row, col);
}

static unsigned teletype_page(struct bios *b)
{
    const struct vga_mode *m = bios_vga_current(b);
    return m->kind == VMODE_TEXT ? bios_hi(b, R_EBX) & 7u : bios_rd8(b, BDA_SEG, BDA_ACTIVE_PAGE);
}

void bios_video_puts(struct bios *b, const char *str)
{
    unsigned page = bios_rd8(b, BDA_SEG, BDA_ACTIVE_PAGE);
    for (; *str; str++)
        teletype(b, page, (uint8_t)*str, 0x07, false);
}

/* AH=13h: CX characters at ES:BP from DH,DL on page BH; AL bit 0 moves the
 * cursor, bit 1: the string alternates characters and attributes. */
static void write_string(struct bios *b)
{
    uint8_t al = bios_lo(b, R_EAX), attr = bios_lo(b, R_EBX);
    unsigned page = bios_hi(b, R_EBX) & 7u, n = bios_reg16(b, R_ECX);
    uint32_t p = bios_laddr(bios_seg(b, SEG_ES), bios_reg16(b, R_EBP));
    uint16_t saved = cursor_get(b, page);

    if (al > 3) {
        bios_unsupported(b, 0x10);
        return;
    }
    cursor_set(b, page, bios_hi(b, R_EDX), bios_lo(b, R_EDX));
    for (unsigned i = 0; i < n; i++) {
        uint8_t ch = (uint8_t)cpu_read_linear(b->cpu, p++, 1);
        if (al & 2)
            attr = (uint8_t)cpu_read_linear(b->cpu, p++, 1);
        bool control = ch == 7 || ch == 8 || ch == 10 || ch == 13;
        teletype(b, page, ch, attr, !control);
    }
    if (!(al & 1))
        cursor_set(b, page, saved >> 8, saved & 0xFF);
}

/* ---------------------------------------------------------------- mode set */

static void clear_screen(struct bios *b, const struct vga_mode *m)
{
    uint32_t base = bios_laddr(m->seg, 0);

    if (m->kind == VMODE_TEXT) {
        for (uint32_t i = 0; i < 0x8000; i += 4)
            cpu_write_linear(b->cpu, base + i, 4, 0x07200720);
    } else {
        uint32_t size = m->kind == VMODE_CGA1 || m->kind == VMODE_CGA2 ? 0x4000 : 0x10000;
        for (uint32_t i = 0; i < size; i += 4)
            cpu_write_linear(b->cpu, base + i, 4, 0);
    }
}

static void set_mode_bda(struct bios *b, const struct vga_mode *m, bool no_clear)
{
    uint16_t equip = bios_rd16(b, BDA_SEG, BDA_EQUIPMENT) & ~0x30u;

    bios_wr16(b, BDA_SEG, BDA_EQUIPMENT, (uint16_t)(equip | (m->mode == 7 ? 0x30 : 0x20)));
    bios_wr8(b, BDA_SEG, BDA_VIDEO_MODE, m->mode);
    bios_wr16(b, BDA_SEG, BDA_COLUMNS, m->cols);
    bios_wr16(b, BDA_SEG, BDA_PAGE_SIZE, m->page_size);
    bios_wr16(b, BDA_SEG, BDA_PAGE_START, 0);
    for (uint16_t i = 0; i < 8; i++)
        bios_wr16(b, BDA_SEG, (uint16_t)(BDA_CURSOR_POS + i * 2), 0);
    bios_wr16(b, BDA_SEG, BDA_CURSOR_SHAPE, m->kind == VMODE_TEXT ? 0x0607 : 0);
    bios_wr8(b, BDA_SEG, BDA_ACTIVE_PAGE, 0);
    bios_wr16(b, BDA_SEG, BDA_CRTC_BASE, m->misc & 1 ? 0x3D4 : 0x3B4);
    bios_wr8(b, BDA_SEG, BDA_MODE_CTL, m->cga_mode);
    bios_wr8(b, BDA_SEG, BDA_PALETTE, m->cga_palette);
    bios_wr8(b, BDA_SEG, BDA_ROWS, (uint8_t)(m->rows - 1));
    bios_wr16(b, BDA_SEG, BDA_CHAR_HEIGHT, m->char_height);
    /* 256 KiB, active, bit 7: memory kept by the mode set */
    bios_wr8(b, BDA_SEG, BDA_VIDEO_CTL, (uint8_t)(0x60 | (no_clear ? 0x80 : 0)));
    bios_wr8(b, BDA_SEG, BDA_VIDEO_SWITCHES, 0x09);
    bios_wr8(b, BDA_SEG, BDA_VGA_FLAGS, m->height == 400 ? 0x11 : 0x01);
    bios_wr8(b, BDA_SEG, BDA_DCC, 0x0B);
}

void bios_video_set_mode(struct bios *b, uint8_t al)
{
    const struct vga_mode *m = bios_vga_mode(al);
    bool no_clear = al & 0x80;

    if (!m)
        return;
    bios_vga_program(b, m);
    set_mode_bda(b, m, no_clear);
    if (!no_clear)
        clear_screen(b, m);
    if (m->kind == VMODE_TEXT) {
        bios_vga_load_font(b, bios_rom_font(b, m->char_height), 0, 256, m->char_height, 0);
    } else {
        uint32_t font = bios_rom_font(b, m->char_height);
        bios_wr16(b, 0, 0x43 * 4, (uint16_t)(font & 0xFFFF));
        bios_wr16(b, 0, 0x43 * 4 + 2, BIOS_SEG);
    }
    bios_crtc_write(b, 0x0E, 0);
    bios_crtc_write(b, 0x0F, 0);
}

/* ---------------------------------------------------------------- dispatch */

/* AH=0Bh: BH=00h background/border colour BL, BH=01h CGA palette BL. */
static void cga_palette(struct bios *b)
{
    const struct vga_mode *m = bios_vga_current(b);
    uint8_t bl = bios_lo(b, R_EBX), reg = bios_rd8(b, BDA_SEG, BDA_PALETTE);

    reg = bios_hi(b, R_EBX) == 0 ? (uint8_t)((reg & 0xE0) | (bl & 0x1F))
                                 : (uint8_t)((reg & 0xDF) | (bl & 1) << 5);
    bios_wr8(b, BDA_SEG, BDA_PALETTE, reg);
    uint8_t bg = (uint8_t)((reg & 7) | (reg & 0x10 ? 0x10 : 0));
    uint8_t sets[2][3] = {{2, 4, 6}, {3, 5, 7}};
    uint16_t saved_ax = bios_reg16(b, R_EAX), saved_bx = bios_reg16(b, R_EBX);
    bios_set_reg16(b, R_EAX, 0x1001);
    bios_set_hi(b, R_EBX, bg);
    bios_video_palette(b);
    if (m->kind != VMODE_TEXT) {
        bios_set_reg16(b, R_EAX, 0x1000);
        bios_set_reg16(b, R_EBX, (uint16_t)(bg << 8));
        bios_video_palette(b);
    }
    if (m->kind == VMODE_CGA2) {
        for (uint8_t i = 0; i < 3; i++) {
            bios_set_reg16(b, R_EAX, 0x1000);
            bios_set_reg16(b, R_EBX, (uint16_t)((sets[reg >> 5 & 1][i] | (reg & 0x10)) << 8 |
                                                (i + 1)));
            bios_video_palette(b);
        }
    }
    bios_set_reg16(b, R_EAX, saved_ax);
    bios_set_reg16(b, R_EBX, saved_bx);
}

static void pixel_call(struct bios *b, bool write)
{
    struct screen s = screen_of(b);
    unsigned page = bios_hi(b, R_EBX) & 7u;

    if (s.m->kind == VMODE_TEXT)
        return;
    if (write)
        pixel_write(b, &s, page, bios_reg16(b, R_ECX), bios_reg16(b, R_EDX), bios_lo(b, R_EAX));
    else
        bios_set_lo(b, R_EAX, pixel_read(b, &s, page, bios_reg16(b, R_ECX), bios_reg16(b, R_EDX)));
}

static void get_mode(struct bios *b)
{
    bios_set_lo(b, R_EAX, (uint8_t)(bios_rd8(b, BDA_SEG, BDA_VIDEO_MODE) |
                                    (bios_rd8(b, BDA_SEG, BDA_VIDEO_CTL) & 0x80)));
    bios_set_hi(b, R_EAX, (uint8_t)bios_rd16(b, BDA_SEG, BDA_COLUMNS));
    bios_set_hi(b, R_EBX, bios_rd8(b, BDA_SEG, BDA_ACTIVE_PAGE));
}

void bios_int10(struct bios *b)
{
    uint8_t ah = bios_hi(b, R_EAX);

    switch (ah) {
    case 0x00:
        if (bios_vga_mode(bios_lo(b, R_EAX))) {
            bios_video_set_mode(b, bios_lo(b, R_EAX));
        } else {
            /* logged once; AX as the caller left it, as the VGA BIOS does */
            uint16_t ax = bios_reg16(b, R_EAX);
            bios_unsupported(b, 0x10);
            bios_set_reg16(b, R_EAX, ax);
        }
        break;
    case 0x01: set_cursor_shape(b); break;
    case 0x02:
        cursor_set(b, bios_hi(b, R_EBX) & 7u, bios_hi(b, R_EDX), bios_lo(b, R_EDX));
        break;
    case 0x03: get_cursor(b); break;
    case 0x04: bios_set_hi(b, R_EAX, 0); break;
    case 0x05: set_page(b); break;
    case 0x06: case 0x07: scroll_call(b, ah == 0x06); break;
    case 0x08: read_char(b); break;
    case 0x09: case 0x0A: write_chars(b, ah == 0x09); break;
    case 0x0B: cga_palette(b); break;
    case 0x0C: case 0x0D: pixel_call(b, ah == 0x0C); break;
    case 0x0E: teletype(b, teletype_page(b), bios_lo(b, R_EAX), bios_lo(b, R_EBX), false); break;
    case 0x0F: get_mode(b); break;
    case 0x10: bios_video_palette(b); break;
    case 0x11: bios_video_font(b); break;
    case 0x12: bios_video_alt(b); break;
    case 0x13: write_string(b); break;
    case 0x1A: bios_video_dcc(b); break;
    case 0x1B: bios_video_state(b); break;
    default: bios_unsupported(b, 0x10);
    }
}
