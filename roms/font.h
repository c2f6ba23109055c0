/* The project's own bitmap fonts for code page 437 (IBM PC character set): 8 dots
 * wide, 8, 14 and 16 scan lines high, one byte per scan line, bit 7 leftmost,
 * as the VGA's plane 2 and INT 10h AX=1130h expect. */
#ifndef TD_FONT_H
#define TD_FONT_H

#include <stdbool.h>
#include <stdint.h>

enum { FONT_GLYPHS = 256 };

/* Draw all 256 glyphs of the 8 x height font into out (FONT_GLYPHS * height bytes,
 * glyph c at out[c * height]). height is 8, 14 or 16; false (out untouched) for
 * any other. The fonts are built from the designs in font_glyphs.c: letters,
 * digits and symbols drawn as dot rows, accented letters composed from a base
 * letter and a mark, box-drawing and block characters computed from their
 * structure; the 14- and 8-line fonts are derived from the 16-line designs
 * (with 8-line designs of their own where squeezing would spoil a glyph). */
bool font_render(unsigned height, uint8_t *out);

#endif
