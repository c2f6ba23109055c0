/* The dot designs the fonts are built from (font_glyphs.c), shared with the
 * builder (font.c). Not for other users: they use font.h. */
#ifndef TD_FONT_GLYPHS_H
#define TD_FONT_GLYPHS_H

#include <stddef.h>
#include <stdint.h>

/* The 16-line designs cover scan lines 2-14 of the 16-line cell: capitals on
 * design rows 0-9, lower case x-height rows 3-9, descenders rows 10-12. */
enum { FONT_DESIGN_ROWS = 13, FONT_SMALL_ROWS = 8 };

/* A sheet of consecutive characters drawn side by side. */
struct font_block {
    /* first character and the number of characters drawn */
    uint8_t first, count;
    /* design row of rows[0]; rows past the last one given are blank */
    uint8_t top;
    /* one string per row: count cells of 8 dots ('#' lit, '.' dark), left to
     * right, separated by one space */
    const char *rows[FONT_DESIGN_ROWS];
};

/* ASCII 20h-7Fh and the other drawn characters of the 16-line font. */
extern const struct font_block font_ascii16[];
extern const size_t font_ascii16_count;
extern const struct font_block font_symbols16[];
extern const size_t font_symbols16_count;
/* 8-line designs that replace the squeezed 16-line ones (rows are scan lines). */
extern const struct font_block font_small8[];
extern const size_t font_small8_count;

#endif
