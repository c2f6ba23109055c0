/* VGA scan-out as the IBM VGA technical reference describes it: the CRTC's
 * address counter (byte/word/doubleword modes, CGA row-scan substitution, line
 * compare, start address, preset row scan), the character generator for text,
 * the shift register modes for graphics, then attribute palette and DAC. */
#include "vga_render.h"

#include <string.h>

#include "vga_regs.h"

enum {
    VGA_MAX_CHARS = 256,
    VGA_GLYPH_STRIDE = 32,
    /* one extra character clock feeds horizontal pel panning */
    VGA_LINE_MAX = (VGA_MAX_CHARS + 1) * 9,
    /* blink phase bits: cursor on, blinking characters shown */
    VGA_PHASE_CURSOR = 1, VGA_PHASE_BLINK = 2,
};

/* What one frame's scan-out needs, worked out once from the registers. */
struct vga_scan {
    const struct vga *vga;
    bool text;
    /* character clocks displayed per line, dots per clock in text modes, pixels
     * per clock produced (text dots; 8 planar; 4 in 256-colour mode) */
    unsigned hchars, char_dots, pixels_per_clock;
    unsigned width, height;
    /* character clocks per address counter step (CR17 count by 2, CR14 by 4) */
    unsigned clock_div;
    bool cursor_on, blink_on;
    uint32_t cursor_addr;
    unsigned cursor_start, cursor_end;
    unsigned pan;
    /* 4-bit attribute -> DAC index; DAC index -> XRGB */
    uint8_t attr_map[16];
    uint32_t colors[VGA_DAC_ENTRIES];
    /* DAC indices of the line being drawn */
    uint8_t line[VGA_LINE_MAX];
};

/* The CRTC's memory address counter as the planes see it: doubleword mode puts
 * MA12-13 at bits 0-1, word mode MA13 or MA15 (CR17 AW) at bit 0; with CR17 bits
 * 0-1 clear the row scan counter replaces address bits 13-14 (CGA banks). */
static uint32_t vga_scan_addr(const uint8_t *cr, uint32_t ma, unsigned row_scan)
{
    uint32_t addr;

    ma &= 0xFFFF;
    if (cr[VGA_CR_UNDERLINE] & VGA_CR14_DW)
        addr = (ma << 2) | ((ma >> 12) & 3);
    else if (!(cr[VGA_CR_MODE] & VGA_CR17_WB))
        addr = (ma << 1) | ((ma >> ((cr[VGA_CR_MODE] & VGA_CR17_AW) ? 15 : 13)) & 1);
    else
        addr = ma;
    if (!(cr[VGA_CR_MODE] & VGA_CR17_MAP13))
        addr = (addr & ~0x2000u) | (row_scan & 1u) << 13;
    if (!(cr[VGA_CR_MODE] & VGA_CR17_MAP14))
        addr = (addr & ~0x4000u) | (row_scan & 2u) << 13;
    return addr & (VGA_PLANE_SIZE - 1);
}

static uint32_t vga_start_addr(const struct vga *vga)
{
    return (uint32_t)vga->crtc[VGA_CR_START_HI] << 8 | vga->crtc[VGA_CR_START_LO];
}

/* Character Map Select: attribute bit 3 picks map A (SR03 bits 5,3,2) or map B
 * (bits 4,1,0); maps 0-3 start at 16 KiB steps in plane 2, maps 4-7 8 KiB later. */
static uint32_t vga_font_base(uint8_t sr3, uint8_t attr)
{
    unsigned map = (attr & 0x08) ? ((sr3 >> 2) & 3) | ((sr3 >> 3) & 4)
                                 : (sr3 & 3) | ((sr3 >> 2) & 4);

    return (map & 3) * 0x4000u + (map >> 2) * 0x2000u;
}

/* Blink phases at now_ns: the cursor toggles every 8 frames, blinking
 * characters every 16 (IBM VGA: 1/16 and 1/32 of the vertical rate). */
static uint8_t vga_blink_phase(const struct vga *vga, uint64_t now_ns)
{
    uint64_t frame;

    if (vga->gc[VGA_GR_MISC] & VGA_GR06_GRAPHICS)
        return 0;
    frame = vga_frame_at(vga, now_ns);
    return (((frame >> 3) & 1) ? 0 : VGA_PHASE_CURSOR) | (((frame >> 4) & 1) ? 0 : VGA_PHASE_BLINK);
}

/* Horizontal pel panning in output pixels: 9-dot text counts 8,0,1..7 as 0-8;
 * 256-colour mode pans in half pixels. */
static unsigned vga_pel_pan(const struct vga_scan *s)
{
    unsigned v = s->vga->attr[VGA_AR_PEL_PAN] & 0xF;

    if (s->text && s->char_dots == 9)
        return v < 8 ? v + 1 : 0;
    if (s->pixels_per_clock == 4)
        return (v & 7) >> 1;
    return v & 7;
}

static void vga_palette_init(struct vga_scan *s)
{
    const struct vga *vga = s->vga;
    uint8_t select = vga->attr[VGA_AR_COLOR_SELECT];
    uint8_t enable = vga->attr[VGA_AR_PLANE_ENABLE] & 0xF;

    for (unsigned v = 0; v < 16; v++) {
        uint8_t p = vga->attr[v & enable];

        if (vga->attr[VGA_AR_MODE] & VGA_AR10_P54S)
            p = (uint8_t)((p & 0x0F) | (select & 3) << 4);
        s->attr_map[v] = (uint8_t)((p & 0x3F) | (select & 0x0C) << 4);
    }
    for (unsigned i = 0; i < VGA_DAC_ENTRIES; i++) {
        const uint8_t *rgb = vga->dac[i & vga->dac_mask];
        uint32_t color = 0;

        /* 6-bit DAC values widened to 8 bits */
        for (unsigned c = 0; c < 3; c++)
            color = color << 8 | (uint32_t)(rgb[c] << 2 | rgb[c] >> 4);
        s->colors[i] = color;
    }
}

static void vga_scan_init(struct vga_scan *s, const struct vga *vga, uint64_t now_ns)
{
    const uint8_t *cr = vga->crtc;
    uint8_t phase = vga_blink_phase(vga, now_ns);
    struct vga_timing t;

    vga_timing_get(vga, &t);
    s->vga = vga;
    s->text = !(vga->gc[VGA_GR_MISC] & VGA_GR06_GRAPHICS);
    s->hchars = t.hdisp;
    s->char_dots = t.char_dots;
    if (s->text)
        s->pixels_per_clock = t.char_dots;
    else
        s->pixels_per_clock = (vga->gc[VGA_GR_MODE] & VGA_GR05_SHIFT_256) ? 4 : 8;
    s->width = s->hchars * s->pixels_per_clock;
    s->height = t.vdisp;
    s->clock_div = (cr[VGA_CR_UNDERLINE] & VGA_CR14_CB4) ? 4
                   : (cr[VGA_CR_MODE] & VGA_CR17_CB2)    ? 2
                                                         : 1;
    s->blink_on = phase & VGA_PHASE_BLINK;
    s->cursor_on = (phase & VGA_PHASE_CURSOR) && !(cr[VGA_CR_CURSOR_START] & VGA_CR0A_CD);
    /* cursor skew delays the cursor by 0-3 character clocks */
    s->cursor_addr = ((uint32_t)cr[VGA_CR_CURSOR_HI] << 8 | cr[VGA_CR_CURSOR_LO]) +
                     (cr[VGA_CR_CURSOR_END] >> VGA_CR0B_SKEW_SHIFT & 3);
    s->cursor_start = cr[VGA_CR_CURSOR_START] & 0x1F;
    s->cursor_end = cr[VGA_CR_CURSOR_END] & 0x1F;
    s->pan = vga_pel_pan(s);
    vga_palette_init(s);
}

/* The cursor, or the underline of monochrome attribute 01h/09h at the CR14 scan
 * line: the whole cell, ninth dot included, in the foreground colour. */
static bool vga_text_solid(const struct vga_scan *s, uint32_t ma, unsigned row_scan, uint8_t at)
{
    const uint8_t *cr = s->vga->crtc;

    if (row_scan == (cr[VGA_CR_UNDERLINE] & VGA_CR14_UNDERLINE) && (at & 0x77) == 0x01)
        return true;
    return s->cursor_on && (ma & 0xFFFF) == (s->cursor_addr & 0xFFFF) &&
           row_scan >= s->cursor_start && row_scan <= s->cursor_end;
}

/* One character clock of text: character from plane 0, attribute from plane 1,
 * glyph row from plane 2. Returns the dots written. */
static unsigned vga_text_clock(struct vga_scan *s, uint32_t ma, unsigned row_scan, uint8_t *dst)
{
    const struct vga *vga = s->vga;
    uint32_t addr = vga_scan_addr(vga->crtc, ma, row_scan);
    uint8_t ch = vga->plane[0][addr], at = vga->plane[1][addr];
    uint32_t glyph = vga_font_base(vga->seq[VGA_SR_CHAR_MAP_SELECT], at) +
                     ch * VGA_GLYPH_STRIDE + row_scan;
    uint8_t bits = vga->plane[2][glyph & (VGA_PLANE_SIZE - 1)];
    uint8_t fg = at & 0xF, bg = at >> 4;
    bool solid = vga_text_solid(s, ma, row_scan, at);
    bool ninth;

    if (vga->attr[VGA_AR_MODE] & VGA_AR10_BLINK) {
        bg &= 7;
        if ((at & 0x80) && !s->blink_on && !solid)
            fg = bg;
    }
    if (solid)
        bits = 0xFF;
    for (unsigned i = 0; i < 8; i++)
        dst[i] = s->attr_map[(bits << i) & 0x80 ? fg : bg];
    if (s->char_dots == 8)
        return 8;
    /* line graphics C0h-DFh repeat the eighth dot; others show background */
    ninth = solid || ((vga->attr[VGA_AR_MODE] & VGA_AR10_LGE) && ch >= 0xC0 && ch <= 0xDF);
    dst[8] = s->attr_map[ninth && (bits & 1) ? fg : bg];
    return 9;
}

/* One character clock of graphics from the four planes at addr, per the shift
 * register mode. Returns the pixels written. */
static unsigned vga_gfx_clock(struct vga_scan *s, uint32_t addr, uint8_t *dst)
{
    const struct vga *vga = s->vga;
    uint8_t p[VGA_PLANES];
    uint8_t mode = vga->gc[VGA_GR_MODE];

    for (unsigned i = 0; i < VGA_PLANES; i++)
        p[i] = vga->plane[i][addr];
    if (mode & VGA_GR05_SHIFT_256) {
        /* one 8-bit pixel per plane; emulators and this model bypass the palette */
        memcpy(dst, p, VGA_PLANES);
        return 4;
    }
    for (unsigned i = 0; i < 8; i++) {
        unsigned v;

        if (mode & VGA_GR05_SHIFT_INTERLEAVE) {
            /* CGA 4-colour: two bits per pixel from planes 0/2, then 1/3 */
            unsigned shift = 6 - 2 * (i & 3);

            v = (p[i >> 2] >> shift & 3) | (p[2 + (i >> 2)] >> shift & 3) << 2;
        } else {
            unsigned bit = 7 - i;

            v = (p[0] >> bit & 1) | (p[1] >> bit & 1) << 1 | (p[2] >> bit & 1) << 2 |
                (p[3] >> bit & 1) << 3;
        }
        dst[i] = s->attr_map[v];
    }
    return 8;
}

static void vga_draw_line(struct vga_scan *s, uint32_t row_addr, unsigned row_scan, unsigned pan,
                          uint32_t *out, unsigned width)
{
    unsigned n = 0;

    for (unsigned c = 0; c <= s->hchars && n < width + pan; c++) {
        uint32_t ma = row_addr + c / s->clock_div;

        if (s->text)
            n += vga_text_clock(s, ma, row_scan, s->line + n);
        else
            n += vga_gfx_clock(s, vga_scan_addr(s->vga->crtc, ma, row_scan), s->line + n);
    }
    for (unsigned x = 0; x < width; x++)
        out[x] = s->colors[s->line[x + pan]];
}

static bool vga_screen_off(const struct vga *vga)
{
    return (vga->seq[VGA_SR_RESET] & 3) != 3 ||
           (vga->seq[VGA_SR_CLOCKING_MODE] & VGA_SR01_SD) || !(vga->attr_index & VGA_AR_PAS);
}

/* The frame's scan lines: row scan counter, double scan and line compare. */
static void vga_draw_frame(struct vga_scan *s, uint32_t *pixels, unsigned stride,
                           unsigned width, unsigned height)
{
    const uint8_t *cr = s->vga->crtc;
    unsigned max_scan = cr[VGA_CR_MAX_SCAN_LINE] & VGA_CR09_MSL;
    bool double_scan = cr[VGA_CR_MAX_SCAN_LINE] & VGA_CR09_SD;
    unsigned line_compare = cr[VGA_CR_LINE_COMPARE] |
                            (cr[VGA_CR_OVERFLOW] & VGA_CR07_LC8) << 4 |
                            (cr[VGA_CR_MAX_SCAN_LINE] & VGA_CR09_LC9) << 3;
    uint32_t row_addr = vga_start_addr(s->vga) +
                        (cr[VGA_CR_PRESET_ROW_SCAN] >> VGA_CR08_BYTE_PAN_SHIFT & 3);
    unsigned row_scan = cr[VGA_CR_PRESET_ROW_SCAN] & VGA_CR08_ROW_SCAN;
    unsigned pan = s->pan;
    bool second_half = false;

    for (unsigned y = 0; y < height; y++) {
        if (y == line_compare) {
            /* split screen: the lower part starts at address 0 */
            row_addr = 0;
            row_scan = 0;
            second_half = false;
            if (s->vga->attr[VGA_AR_MODE] & VGA_AR10_PPM)
                pan = 0;
        }
        vga_draw_line(s, row_addr, row_scan, pan, pixels + (size_t)y * stride, width);
        if (double_scan && !second_half) {
            second_half = true;
            continue;
        }
        second_half = false;
        if (row_scan >= max_scan) {
            row_scan = 0;
            row_addr += 2u * cr[VGA_CR_OFFSET];
        } else {
            row_scan++;
        }
    }
}

void vga_render(struct vga *vga, uint32_t *pixels, unsigned stride, unsigned max_width,
                unsigned max_height, uint64_t now_ns, struct vga_render_info *info)
{
    struct vga_scan s;
    uint8_t phase = vga_blink_phase(vga, now_ns);

    vga_scan_init(&s, vga, now_ns);
    info->width = s.width < max_width ? s.width : max_width;
    info->height = s.height < max_height ? s.height : max_height;
    info->aspect_num = 4;
    info->aspect_den = 3;
    info->text = s.text;
    info->frame = ++vga->render_count;
    info->changed = vga->dirty || phase != vga->render_blink || vga->render_count == 1;
    vga->dirty = false;
    vga->render_blink = phase;
    if (vga_screen_off(vga)) {
        for (unsigned y = 0; y < info->height; y++)
            memset(pixels + (size_t)y * stride, 0, info->width * sizeof(*pixels));
        return;
    }
    vga_draw_frame(&s, pixels, stride, info->width, info->height);
}

bool vga_render_pending(const struct vga *vga, uint64_t now_ns)
{
    return vga->dirty || vga_blink_phase(vga, now_ns) != vga->render_blink;
}

/* ---- the text screen as cells ---- */

static bool vga_text_geometry(const struct vga *vga, struct vga_text_info *info)
{
    const uint8_t *cr = vga->crtc;
    unsigned max_scan = cr[VGA_CR_MAX_SCAN_LINE] & VGA_CR09_MSL;
    unsigned char_height = (max_scan + 1) * ((cr[VGA_CR_MAX_SCAN_LINE] & VGA_CR09_SD) ? 2 : 1);
    unsigned pitch = 2u * cr[VGA_CR_OFFSET];
    uint32_t cursor = (uint32_t)cr[VGA_CR_CURSOR_HI] << 8 | cr[VGA_CR_CURSOR_LO];
    uint32_t rel = (cursor - vga_start_addr(vga)) & 0xFFFF;
    unsigned cursor_start = cr[VGA_CR_CURSOR_START] & 0x1F;
    struct vga_timing t;

    if (vga->gc[VGA_GR_MISC] & VGA_GR06_GRAPHICS)
        return false;
    vga_timing_get(vga, &t);
    info->cols = t.hdisp;
    info->rows = t.vdisp / char_height;
    info->cursor_row = pitch ? rel / pitch : 0;
    info->cursor_col = pitch ? rel % pitch : rel;
    info->cursor_visible = !(cr[VGA_CR_CURSOR_START] & VGA_CR0A_CD) &&
                           cursor_start <= (cr[VGA_CR_CURSOR_END] & 0x1Fu) &&
                           cursor_start <= max_scan && info->cursor_row < info->rows &&
                           info->cursor_col < info->cols;
    return true;
}

static uint16_t vga_text_cell(const struct vga *vga, unsigned row, unsigned col)
{
    uint32_t ma = vga_start_addr(vga) + row * 2u * vga->crtc[VGA_CR_OFFSET] + col;
    uint32_t addr = vga_scan_addr(vga->crtc, ma, 0);

    return (uint16_t)(vga->plane[0][addr] | vga->plane[1][addr] << 8);
}

bool vga_text_cells(const struct vga *vga, uint16_t *cells, size_t max_cells,
                    struct vga_text_info *info)
{
    size_t n = 0;

    if (!vga_text_geometry(vga, info))
        return false;
    for (unsigned r = 0; r < info->rows; r++) {
        for (unsigned c = 0; c < info->cols && n < max_cells; c++)
            cells[n++] = vga_text_cell(vga, r, c);
    }
    return true;
}

static void vga_put(char *out, size_t size, size_t *len, char c)
{
    if (*len + 1 < size)
        out[*len] = c;
    (*len)++;
}

size_t vga_text_snapshot(const struct vga *vga, char *out, size_t size)
{
    struct vga_text_info info;
    char row[VGA_MAX_CHARS];
    size_t len = 0;

    if (size)
        out[0] = '\0';
    if (!vga_text_geometry(vga, &info))
        return 0;
    for (unsigned r = 0; r < info.rows; r++) {
        unsigned n = info.cols;

        for (unsigned c = 0; c < info.cols; c++) {
            uint8_t ch = vga_text_cell(vga, r, c) & 0xFF;

            row[c] = (char)(ch ? ch : ' ');
        }
        while (n > 0 && row[n - 1] == ' ')
            n--;
        for (unsigned c = 0; c < n; c++)
            vga_put(out, size, &len, row[c]);
        vga_put(out, size, &len, '\n');
    }
    if (size)
        out[len < size ? len : size - 1] = '\0';
    return len;
}
