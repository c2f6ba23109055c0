/* The display interface (DESIGN.md section 8): an SDL2 window, a terminal, or
 * nothing. Each backend is a static const struct display_ops with an opaque
 * state pointer; the run loop (runloop.h) hands it pictures and polls input. */
#ifndef TD_DISPLAY_H
#define TD_DISPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keymap.h"

struct display_config {
    /* window title */
    const char *title;
    /* SDL: stretch the picture to its monitor shape (4:3) rather than show
     * its pixels 1:1 */
    bool keep_aspect;
    /* SDL: scale by whole multiples only (black borders fill the rest) */
    bool integer_scale;
    /* SDL: linear filtering when scaling (otherwise nearest pixel) */
    bool linear;
};

/* Where a display delivers host input. Any callback may be NULL. */
struct display_input {
    void *opaque;
    /* a key went down or up */
    void (*key)(void *opaque, enum key key, bool down);
    /* relative motion (dy down), wheel notches toward the user, PS2MOUSE_BUTTON_* */
    void (*mouse)(void *opaque, int dx, int dy, int dz, unsigned buttons);
    /* the user closed the window (or the terminal went away) */
    void (*quit)(void *opaque);
};

/* The text screen, as vga_text_cells reports it. */
struct display_text {
    /* cols x rows cells, row-major, character | attribute << 8 */
    const uint16_t *cells;
    unsigned cols, rows;
    unsigned cursor_col, cursor_row;
    bool cursor_visible;
};

struct display_ops {
    /* the -display name */
    const char *name;
    /* Open the display. NULL with a message in err when it cannot be opened. */
    void *(*create)(const struct display_config *cfg, char *err, size_t errlen);
    void (*destroy)(void *state);
    /* Show a picture: width x height pixels 0x00RRGGBB, stride pixels per line,
     * meant to be seen with the shape aspect_num:aspect_den. NULL for a display
     * that shows nothing (the run loop then renders nothing). */
    void (*present)(void *state, const uint32_t *pixels, unsigned stride, unsigned width,
                    unsigned height, unsigned aspect_num, unsigned aspect_den);
    /* Optional: show a text screen as characters. A display that has it gets
     * text modes here and only graphics modes through present. */
    void (*text_mode)(void *state, const struct display_text *text);
    /* Deliver pending host input; never blocks. */
    void (*poll_input)(void *state, const struct display_input *in);
    /* Optional (tests, screenshots of what the user sees): copy the window's
     * current contents into pixels (max_width x max_height, stride max_width),
     * setting *width and *height. false if the display cannot read back. */
    bool (*read_back)(void *state, uint32_t *pixels, unsigned max_width, unsigned max_height,
                      unsigned *width, unsigned *height);
};

extern const struct display_ops display_none_ops;
extern const struct display_ops display_curses_ops;
extern const struct display_ops display_sdl_ops;

/* The display called name ("sdl", "curses", "none"), or NULL when there is no
 * such display or it was not built in. */
const struct display_ops *display_find(const char *name);

/* The default: "sdl" when it is built in and $DISPLAY or $WAYLAND_DISPLAY is
 * set, "none" otherwise. */
const char *display_default_name(void);

/* The names of the displays built in, for messages ("sdl, curses, none"). */
const char *display_names(void);

#endif
