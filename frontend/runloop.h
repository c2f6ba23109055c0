/* The interactive run loop: the guest runs in slices of virtual time between
 * display refreshes (60 a second), host input and monitor commands; with
 * real_time the slices are paced to the wall clock. */
#ifndef TD_RUNLOOP_H
#define TD_RUNLOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "display.h"
#include "keyqueue.h"
#include "machine.h"

struct monitor;

enum {
    /* one display frame of virtual time (60 Hz) */
    RUNLOOP_FRAME_NS = 16666667,
    /* queued key events reach the keyboard at most this often (virtual time):
     * a slow typist's pace that any polling loop or BIOS keeps up with */
    RUNLOOP_KEY_GAP_NS = 2000000,
};

struct runloop {
    struct machine *machine;
    /* the display and its state (display_none_ops when headless) */
    const struct display_ops *display;
    void *display_state;
    /* NULL: no monitor */
    struct monitor *monitor;
    bool real_time;
    /* COM1 reads stdin (-serial stdio): bytes read but not yet taken */
    bool serial_stdin, serial_eof;
    uint8_t serial_buf[256];
    size_t serial_len;
    /* key events for the guest keyboard, fed as it empties */
    struct keyqueue keys;
    uint64_t next_key_ns;
    /* set by the monitor (stop/cont, quit) and the display (window closed) */
    bool paused;
    bool quit;
    /* the guest stopped for good (HLT with interrupts disabled): the display
     * and the monitor stay up until quit or system_reset */
    bool stopped;
    /* the guest waits for an interrupt only host input can bring */
    bool waiting;
    struct machine_result stop;
    /* guest instructions retired so far */
    uint64_t insns;
    /* draw the screen at the next frame even if the VGA reports no change */
    bool redraw;
    /* the picture and text screen buffers */
    uint32_t *pixels;
    uint16_t *cells;
};

/* Why runloop_run returned. */
struct runloop_result {
    /* the user or the monitor quit (otherwise the guest stopped: stop says why;
     * stop.insns counts the whole run) */
    bool quit;
    struct machine_result stop;
};

/* Set up rl for machine m with an opened display (ops and state) and an
 * optional monitor. false when memory runs out. */
bool runloop_init(struct runloop *rl, struct machine *m, const struct display_ops *display,
                  void *display_state, struct monitor *monitor, bool real_time)
    __attribute__((warn_unused_result));
void runloop_fini(struct runloop *rl);

/* Run until the guest ends the run (debug exit, instruction budget) or the
 * user quits. A guest that halts for good leaves the display and the monitor
 * running until quit. */
struct runloop_result runloop_run(struct runloop *rl);

/* One frame: run the guest for frame_ns of virtual time (unless paused or
 * stopped), then refresh the display and serve input and the monitor. Returns
 * true when the run is over (*res says why). Tests drive this directly. */
bool runloop_frame(struct runloop *rl, uint64_t frame_ns, struct runloop_result *res);

/* Draw the screen into rl->pixels now; fills the picture's width and height.
 * false when the machine has no display adapter. */
bool runloop_render(struct runloop *rl, unsigned *width, unsigned *height);

#endif
