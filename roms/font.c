/* Builds the code page 437 fonts from the designs of font_glyphs.c: drawn
 * glyphs are parsed from their dot rows, accented letters are composed, box
 * drawing (B3h-DAh), shades and blocks are computed, and the 14- and 8-line
 * fonts are derived from the 16-line designs by dropping rows. */
#include "font.h"

#include <assert.h>
#include <string.h>

#include "font_glyphs.h"

/* A glyph in design space (16-line cell rows 2-14). */
struct design {
    uint8_t row[FONT_DESIGN_ROWS];
};

struct designs {
    struct design glyph[FONT_GLYPHS];
    bool drawn[FONT_GLYPHS];
};

/* ---------------------------------------------------------------- sheets */

static uint8_t parse_cell(const char *cell)
{
    uint8_t bits = 0;

    for (unsigned i = 0; i < 8; i++) {
        assert(cell[i] == '#' || cell[i] == '.');
        bits = (uint8_t)(bits << 1 | (cell[i] == '#'));
    }
    return bits;
}

/* Store row r of a block's glyphs into rows[c][top + r] (c the character). */
static void parse_block(const struct font_block *blk, unsigned nrows,
                        uint8_t (*rows)[FONT_DESIGN_ROWS], bool *drawn)
{
    for (unsigned r = 0; r < nrows - blk->top && blk->rows[r]; r++) {
        assert(strlen(blk->rows[r]) == blk->count * 9u - 1);
        for (unsigned i = 0; i < blk->count; i++)
            rows[blk->first + i][blk->top + r] = parse_cell(blk->rows[r] + i * 9);
    }
    for (unsigned i = 0; i < blk->count; i++)
        drawn[blk->first + i] = true;
}

static void parse_sheet(const struct font_block *sheet, size_t count, struct designs *d)
{
    uint8_t(*rows)[FONT_DESIGN_ROWS] = (uint8_t(*)[FONT_DESIGN_ROWS])d->glyph;

    for (size_t i = 0; i < count; i++)
        parse_block(&sheet[i], FONT_DESIGN_ROWS, rows, d->drawn);
}

/* ---------------------------------------------------------------- squeezing */

static unsigned ones(uint8_t v)
{
    return (unsigned)__builtin_popcount(v);
}

/* Which row of rows[0..n) to drop: one of the longest run of equal rows (a
 * stem or a gap loses a line, the shape keeps its features), else the first
 * blank row, else the second of the two most alike neighbours. */
static unsigned row_to_drop(const uint8_t *rows, unsigned n)
{
    unsigned best = n, best_run = 1;

    for (unsigned i = 0; i < n;) {
        unsigned j = i + 1;
        while (j < n && rows[j] == rows[i])
            j++;
        if (j - i > best_run) {
            best_run = j - i;
            best = j - 1;
        }
        i = j;
    }
    if (best < n)
        return best;
    for (unsigned i = 0; i < n; i++) {
        if (rows[i] == 0)
            return i;
    }
    unsigned best_diff = 9;
    for (unsigned i = 0; i + 1 < n; i++) {
        unsigned diff = ones(rows[i] ^ rows[i + 1]);
        if (diff < best_diff) {
            best_diff = diff;
            best = i + 1;
        }
    }
    return best;
}

/* Squeeze rows[0..n) into want rows, in place. */
static void squeeze(uint8_t *rows, unsigned n, unsigned want)
{
    while (n > want) {
        unsigned drop = row_to_drop(rows, n);
        memmove(rows + drop, rows + drop + 1, n - drop - 1);
        n--;
    }
}

/* 16-line design zones -> 8-line cell: ascenders 3 -> 2 rows, x-height 7 -> 5,
 * descenders 3 -> 1. */
static void design_to_8(const struct design *g, uint8_t *cell)
{
    static const struct { uint8_t from, n, to, want; } zones[] = {
        {0, 3, 0, 2}, {3, 7, 2, 5}, {10, 3, 7, 1},
    };

    for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
        uint8_t tmp[FONT_DESIGN_ROWS];
        memcpy(tmp, g->row + zones[z].from, zones[z].n);
        squeeze(tmp, zones[z].n, zones[z].want);
        memcpy(cell + zones[z].to, tmp, zones[z].want);
    }
}

/* ---------------------------------------------------------------- accents */

enum mark { MARK_ACUTE, MARK_GRAVE, MARK_CIRC, MARK_DIAER, MARK_RING, MARK_TILDE,
            MARK_CEDILLA, MARK_COUNT };

/* Marks above sit on design rows 0-2, the cedilla on rows 10-12. */
static const char *const mark_rows[MARK_COUNT][3] = {
    [MARK_ACUTE] = {"....##..", "...##...", "........"},
    [MARK_GRAVE] = {"..##....", "...##...", "........"},
    [MARK_CIRC] = {"..###...", ".##.##..", "........"},
    [MARK_DIAER] = {"........", ".##.##..", "........"},
    [MARK_RING] = {"..###...", ".##.##..", "..###..."},
    [MARK_TILDE] = {".###.##.", "##.###..", "........"},
    [MARK_CEDILLA] = {"...##...", "....##..", "..###..."},
};

static const struct { uint8_t code, base, mark; } accented[] = {
    {0x80, 'C', MARK_CEDILLA}, {0x81, 'u', MARK_DIAER}, {0x82, 'e', MARK_ACUTE},
    {0x83, 'a', MARK_CIRC}, {0x84, 'a', MARK_DIAER}, {0x85, 'a', MARK_GRAVE},
    {0x86, 'a', MARK_RING}, {0x87, 'c', MARK_CEDILLA}, {0x88, 'e', MARK_CIRC},
    {0x89, 'e', MARK_DIAER}, {0x8A, 'e', MARK_GRAVE}, {0x8B, 'i', MARK_DIAER},
    {0x8C, 'i', MARK_CIRC}, {0x8D, 'i', MARK_GRAVE}, {0x8E, 'A', MARK_DIAER},
    {0x8F, 'A', MARK_RING}, {0x90, 'E', MARK_ACUTE}, {0x93, 'o', MARK_CIRC},
    {0x94, 'o', MARK_DIAER}, {0x95, 'o', MARK_GRAVE}, {0x96, 'u', MARK_CIRC},
    {0x97, 'u', MARK_GRAVE}, {0x98, 'y', MARK_DIAER}, {0x99, 'O', MARK_DIAER},
    {0x9A, 'U', MARK_DIAER}, {0xA0, 'a', MARK_ACUTE}, {0xA1, 'i', MARK_ACUTE},
    {0xA2, 'o', MARK_ACUTE}, {0xA3, 'u', MARK_ACUTE}, {0xA4, 'n', MARK_TILDE},
    {0xA5, 'N', MARK_TILDE},
};

static void compose(struct design *out, const struct design *base, enum mark mark)
{
    bool below = mark == MARK_CEDILLA;
    unsigned at = below ? 10 : 0;

    *out = *base;
    if (!below && out->row[0]) {
        /* a capital: squeeze its 10 rows into 7 below the mark */
        uint8_t tmp[10];
        memcpy(tmp, base->row, 10);
        squeeze(tmp, 10, 7);
        memset(out->row, 0, 3);
        memcpy(out->row + 3, tmp, 7);
    }
    for (unsigned i = 0; i < 3; i++)
        out->row[at + i] = below ? (uint8_t)(out->row[at + i] | parse_cell(mark_rows[mark][i]))
                                 : parse_cell(mark_rows[mark][i]);
}

static void compose_all(struct designs *d)
{
    for (size_t i = 0; i < sizeof(accented) / sizeof(accented[0]); i++) {
        compose(&d->glyph[accented[i].code], &d->glyph[accented[i].base], accented[i].mark);
        d->drawn[accented[i].code] = true;
    }
}

/* ---------------------------------------------------------------- box drawing */

/* Arms of a box-drawing character: none, single or double line. */
enum { ARM_NONE, ARM_SINGLE, ARM_DOUBLE };

/* (up, down, left, right) of B3h-DAh, two bits each: the code page's own
 * structure, from which every height is drawn. */
#define BOX(u, d, l, r) ((u) << 6 | (d) << 4 | (l) << 2 | (r))
static const uint8_t box_arms[0xDA - 0xB3 + 1] = {
    BOX(1, 1, 0, 0), BOX(1, 1, 1, 0), BOX(1, 1, 2, 0), BOX(2, 2, 1, 0), /* B3-B6 */
    BOX(0, 2, 1, 0), BOX(0, 1, 2, 0), BOX(2, 2, 2, 0), BOX(2, 2, 0, 0), /* B7-BA */
    BOX(0, 2, 2, 0), BOX(2, 0, 2, 0), BOX(2, 0, 1, 0), BOX(1, 0, 2, 0), /* BB-BE */
    BOX(0, 1, 1, 0), BOX(1, 0, 0, 1), BOX(1, 0, 1, 1), BOX(0, 1, 1, 1), /* BF-C2 */
    BOX(1, 1, 0, 1), BOX(0, 0, 1, 1), BOX(1, 1, 1, 1), BOX(1, 1, 0, 2), /* C3-C6 */
    BOX(2, 2, 0, 1), BOX(2, 0, 0, 2), BOX(0, 2, 0, 2), BOX(2, 0, 2, 2), /* C7-CA */
    BOX(0, 2, 2, 2), BOX(2, 2, 0, 2), BOX(0, 0, 2, 2), BOX(2, 2, 2, 2), /* CB-CE */
    BOX(1, 0, 2, 2), BOX(2, 0, 1, 1), BOX(0, 1, 2, 2), BOX(0, 2, 1, 1), /* CF-D2 */
    BOX(2, 0, 0, 1), BOX(1, 0, 0, 2), BOX(0, 1, 0, 2), BOX(0, 2, 0, 1), /* D3-D6 */
    BOX(2, 2, 1, 1), BOX(1, 1, 2, 2), BOX(1, 0, 1, 0), BOX(0, 1, 0, 1), /* D7-DA */
};

/* Line positions in a cell of h rows: single lines on the centre row and the
 * two middle columns; double lines one row/two columns either side. */
struct box_geom {
    unsigned h, hc, t1, t2;
};

enum { COL_S0 = 3, COL_S1 = 4, COL_D1 = 1, COL_D2 = 5 };

static void hline(uint8_t *cell, unsigned row, unsigned x0, unsigned x1)
{
    for (unsigned x = x0; x <= x1; x++)
        cell[row] |= (uint8_t)(0x80u >> x);
}

/* A 2-dot-wide vertical stroke at columns x, x+1 over rows y0..y1. */
static void vline(uint8_t *cell, unsigned x, unsigned y0, unsigned y1)
{
    for (unsigned y = y0; y <= y1; y++)
        cell[y] |= (uint8_t)(0xC0u >> x);
}

/* Single vertical line (with single or double horizontal arms). */
static void box_v1(uint8_t *cell, const struct box_geom *g, unsigned u, unsigned d,
                   unsigned l, unsigned r)
{
    unsigned hh = l > r ? l : r;
    unsigned top = hh == ARM_DOUBLE ? g->t1 : g->hc, bot = hh == ARM_DOUBLE ? g->t2 : g->hc;

    vline(cell, COL_S0, u ? 0 : top, d ? g->h - 1 : bot);
    for (unsigned pass = 0; pass < 2; pass++) {
        unsigned row = hh == ARM_DOUBLE ? (pass ? g->t2 : g->t1) : g->hc;
        if (l)
            hline(cell, row, 0, COL_S1);
        if (r)
            hline(cell, row, COL_S0, 7);
    }
}

/* Double vertical line with single horizontal arms. */
static void box_v2h1(uint8_t *cell, const struct box_geom *g, unsigned u, unsigned d,
                     unsigned l, unsigned r)
{
    bool through = u && d;

    vline(cell, COL_D1, u ? 0 : g->hc, d ? g->h - 1 : g->hc);
    vline(cell, COL_D2, u ? 0 : g->hc, d ? g->h - 1 : g->hc);
    if (l)
        hline(cell, g->hc, 0, through ? COL_D1 : COL_D2 + 1);
    if (r)
        hline(cell, g->hc, through ? COL_D2 + 1 : COL_D1, 7);
}

/* Double lines both ways: nested corners, closed sides where an arm is missing. */
static void box_v2h2(uint8_t *cell, const struct box_geom *g, unsigned u, unsigned d,
                     unsigned l, unsigned r)
{
    unsigned last = g->h - 1, c1e = COL_D1 + 1, c2e = COL_D2 + 1;

    if (!u)
        hline(cell, g->t1, l ? 0 : COL_D1, r ? 7 : c2e);
    if (!d)
        hline(cell, g->t2, l ? 0 : COL_D1, r ? 7 : c2e);
    if (!l)
        vline(cell, COL_D1, u ? 0 : g->t1, d ? last : g->t2);
    if (!r)
        vline(cell, COL_D2, u ? 0 : g->t1, d ? last : g->t2);
    if (u && l) {
        vline(cell, COL_D1, 0, g->t1);
        hline(cell, g->t1, 0, c1e);
    }
    if (u && r) {
        vline(cell, COL_D2, 0, g->t1);
        hline(cell, g->t1, COL_D2, 7);
    }
    if (d && l) {
        vline(cell, COL_D1, g->t2, last);
        hline(cell, g->t2, 0, c1e);
    }
    if (d && r) {
        vline(cell, COL_D2, g->t2, last);
        hline(cell, g->t2, COL_D2, 7);
    }
}

static void draw_box(uint8_t *cell, unsigned h, uint8_t arms)
{
    struct box_geom g = {h, h / 2, h / 2 - 1, h / 2 + 1};
    unsigned u = arms >> 6, d = arms >> 4 & 3, l = arms >> 2 & 3, r = arms & 3;
    unsigned v = u > d ? u : d, hh = l > r ? l : r;

    if (v == ARM_SINGLE) {
        box_v1(cell, &g, u, d, l, r);
    } else if (v == ARM_DOUBLE && hh == ARM_DOUBLE) {
        box_v2h2(cell, &g, u, d, l, r);
    } else if (v == ARM_DOUBLE) {
        box_v2h1(cell, &g, u, d, l, r);
    } else {
        for (unsigned pass = 0; pass < hh; pass++)
            hline(cell, hh == ARM_DOUBLE ? (pass ? g.t2 : g.t1) : g.hc, 0, 7);
    }
}

/* ---------------------------------------------------------------- computed glyphs */

/* Shades B0h-B2h (a quarter, half and three quarters of the dots lit) and the
 * blocks DBh-DFh. */
static void draw_shades_blocks(uint8_t *out, unsigned h)
{
    static const uint8_t shade[3][2] = {{0x88, 0x22}, {0xAA, 0x55}, {0x77, 0xDD}};

    for (unsigned y = 0; y < h; y++) {
        for (unsigned s = 0; s < 3; s++)
            out[(0xB0 + s) * h + y] = shade[s][y & 1];
        out[0xDB * h + y] = 0xFF;
        out[0xDC * h + y] = y >= h / 2 ? 0xFF : 0;
        out[0xDD * h + y] = 0xF0;
        out[0xDE * h + y] = 0x0F;
        out[0xDF * h + y] = y < h / 2 ? 0xFF : 0;
    }
}

/* The integral halves F4h/F5h join across rows, and the inverse bullet and
 * circle (08h, 0Ah) fill the whole cell: they span every scan line. */
static void draw_full_height(uint8_t *out, unsigned h)
{
    unsigned t = h == 8 ? 0 : h == 14 ? 1 : 2, b = h - 1 - t;
    uint8_t *top = out + 0xF4 * h, *bottom = out + 0xF5 * h;

    top[t] = 0x0E;
    top[t + 1] = 0x1B;
    for (unsigned y = t + 2; y < h; y++)
        top[y] = 0x18;
    for (unsigned y = 0; y + 1 < b; y++)
        bottom[y] = 0x18;
    bottom[b - 1] = 0xD8;
    bottom[b] = 0x70;
    for (unsigned y = 0; y < h; y++) {
        out[0x08 * h + y] = (uint8_t)~out[0x07 * h + y];
        out[0x0A * h + y] = (uint8_t)~out[0x09 * h + y];
    }
}

static void place(const struct designs *d, unsigned h,
                  const uint8_t (*small)[FONT_DESIGN_ROWS], const bool *small_drawn,
                  uint8_t *out)
{
    for (unsigned c = 0; c < FONT_GLYPHS; c++) {
        uint8_t *cell = out + c * h;
        if (h == 8 && small_drawn[c])
            memcpy(cell, small[c], 8);
        else if (h == 8 && d->drawn[c])
            design_to_8(&d->glyph[c], cell);
        else if (d->drawn[c])
            memcpy(cell + (h == 16 ? 2 : 1), d->glyph[c].row, FONT_DESIGN_ROWS);
    }
}

bool font_render(unsigned height, uint8_t *out)
{
    struct designs d;
    /* the 8-line designs, in rows as wide as the 16-line ones */
    uint8_t small[FONT_GLYPHS][FONT_DESIGN_ROWS];
    bool small_drawn[FONT_GLYPHS] = {false};

    if (height != 8 && height != 14 && height != 16)
        return false;
    memset(&d, 0, sizeof(d));
    memset(small, 0, sizeof(small));
    parse_sheet(font_ascii16, font_ascii16_count, &d);
    parse_sheet(font_symbols16, font_symbols16_count, &d);
    for (size_t i = 0; i < font_small8_count; i++)
        parse_block(&font_small8[i], FONT_SMALL_ROWS, small, small_drawn);
    compose_all(&d);
    memset(out, 0, FONT_GLYPHS * height);
    place(&d, height, (const uint8_t(*)[FONT_DESIGN_ROWS])small, small_drawn, out);
    for (unsigned c = 0xB3; c <= 0xDA; c++)
        draw_box(out + c * height, height, box_arms[c - 0xB3]);
    draw_shades_blocks(out, height);
    draw_full_height(out, height);
    return true;
}
