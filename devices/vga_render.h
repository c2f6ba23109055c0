/* VGA scan-out: the picture the CRTC, attribute controller and DAC would send to
 * the monitor, drawn into an XRGB8888 buffer, and the text screen as characters
 * for a terminal display, the monitor's screentext command and tests. */
#ifndef TD_VGA_RENDER_H
#define TD_VGA_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vga;

/* A buffer of this size holds every standard mode (720x400 text, 640x480) and
 * the usual tweaked ones; bigger pictures are clipped to the buffer. */
enum { VGA_RENDER_MAX_WIDTH = 1024, VGA_RENDER_MAX_HEIGHT = 768 };

struct vga_render_info {
    /* pixels written per line and lines written (the picture clipped to the
     * buffer). One pixel is one dot of text modes and one pixel of graphics
     * modes: 320x200 modes come out 320 wide and double-scanned to 400 lines. */
    unsigned width, height;
    /* shape of the whole picture on the monitor (4:3 for every VGA mode): the
     * frontend stretches width x height to it */
    unsigned aspect_num, aspect_den;
    /* vga_render calls so far, this one included */
    uint64_t frame;
    /* display memory, a register or the blink phase changed since the
     * previous render (always true for the first) */
    bool changed;
    /* the graphics controller is in alphanumeric mode */
    bool text;
};

/* Draw the current picture at virtual time now_ns (which sets the cursor and
 * attribute blink phases: the cursor blinks every 16 frames, blinking
 * characters every 32, as the VGA does) into pixels, stride pixels per line,
 * at most max_width x max_height (stride >= max_width). Pixels are 0x00RRGGBB. While the screen is
 * off (sequencer reset or screen disable, or attribute PAS clear) the picture
 * is black. info must not be NULL. */
void vga_render(struct vga *vga, uint32_t *pixels, unsigned stride, unsigned max_width,
                unsigned max_height, uint64_t now_ns, struct vga_render_info *info);

/* Would vga_render at now_ns report changed? Cheap: lets a frontend skip frames. */
bool vga_render_pending(const struct vga *vga, uint64_t now_ns);

struct vga_text_info {
    unsigned cols, rows;
    /* cursor cell, and whether the cursor is enabled and on the screen */
    unsigned cursor_col, cursor_row;
    bool cursor_visible;
};

/* The text screen's cells, row-major, each character | attribute << 8, at most
 * max_cells of them. Returns false (and fills nothing) in graphics modes. */
bool vga_text_cells(const struct vga *vga, uint16_t *cells, size_t max_cells,
                    struct vga_text_info *info);

/* The characters of the text screen: each row as its CP437 codes followed by
 * '\n', trailing blanks (20h and 00h) removed, 00h shown as a space, the whole
 * NUL-terminated and truncated to size - 1 bytes. Returns the length of the
 * complete snapshot (as snprintf does), or 0 in graphics modes. */
size_t vga_text_snapshot(const struct vga *vga, char *out, size_t size);

#endif
