/* The interactive run loop (runloop.h): virtual-time slices, display refresh,
 * input, monitor, and wall-clock pacing with clock_nanosleep. */
#include "runloop.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "monitor.h"
#include "vga_render.h"

/* Cells of the biggest text screen kept (256 columns by 128 rows). */
enum { RUNLOOP_MAX_CELLS = 256 * 128 };

/* Falling this far behind the wall clock (a slow host) drops the lost time
 * instead of running flat out to catch up. */
enum { RUNLOOP_MAX_LAG_NS = 100000000 };

bool runloop_init(struct runloop *rl, struct machine *m, const struct display_ops *display,
                  void *display_state, struct monitor *monitor, bool real_time)
{
    *rl = (struct runloop){
        .machine = m,
        .display = display,
        .display_state = display_state,
        .monitor = monitor,
        .real_time = real_time,
        .redraw = true,
    };
    keyqueue_init(&rl->keys);
    rl->pixels = malloc(sizeof(uint32_t) * VGA_RENDER_MAX_WIDTH * VGA_RENDER_MAX_HEIGHT);
    rl->cells = malloc(sizeof(uint16_t) * RUNLOOP_MAX_CELLS);
    if (!rl->pixels || !rl->cells) {
        runloop_fini(rl);
        return false;
    }
    return true;
}

void runloop_fini(struct runloop *rl)
{
    free(rl->pixels);
    free(rl->cells);
    rl->pixels = NULL;
    rl->cells = NULL;
}

/* ---- input ---- */

static void on_key(void *opaque, enum key key, bool down)
{
    struct runloop *rl = opaque;

    (void)keyqueue_push(&rl->keys, key, down);
}

static void on_mouse(void *opaque, int dx, int dy, int dz, unsigned buttons)
{
    struct runloop *rl = opaque;

    machine_mouse(rl->machine, dx, dy, dz, buttons);
}

static void on_quit(void *opaque)
{
    struct runloop *rl = opaque;

    rl->quit = true;
}

/* Give the keyboard the next queued event once it has handed the last one to
 * the controller and the gap has passed. */
static void feed_key(struct runloop *rl)
{
    uint64_t now = machine_time_ns(rl->machine);
    struct key_event ev;

    if (now < rl->next_key_ns || machine_key_pending(rl->machine) ||
        !keyqueue_pop(&rl->keys, &ev))
        return;
    machine_key(rl->machine, ev.key, ev.down);
    rl->next_key_ns = now + RUNLOOP_KEY_GAP_NS;
}

/* COM1 on stdio: bytes typed on stdin go to the UART as it takes them. */
static void feed_serial(struct runloop *rl)
{
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    size_t took;

    if (!rl->serial_stdin)
        return;
    if (!rl->serial_eof && rl->serial_len < sizeof(rl->serial_buf) && poll(&p, 1, 0) > 0) {
        ssize_t n = read(STDIN_FILENO, rl->serial_buf + rl->serial_len,
                         sizeof(rl->serial_buf) - rl->serial_len);
        rl->serial_eof = n <= 0;
        rl->serial_len += n > 0 ? (size_t)n : 0;
    }
    took = machine_serial_input(rl->machine, rl->serial_buf, rl->serial_len);
    memmove(rl->serial_buf, rl->serial_buf + took, rl->serial_len - took);
    rl->serial_len -= took;
}

/* ---- the guest ---- */

/* Run frame_ns of virtual time, in key-gap slices while keys wait. A guest
 * halted waiting for an interrupt that no timer will bring (MACHINE_STOP_IDLE)
 * waits for host input: time stands still and keys go in at once. */
static void run_guest(struct runloop *rl, uint64_t frame_ns)
{
    uint64_t left = frame_ns;

    rl->waiting = false;
    while (left > 0 && !rl->stopped) {
        uint64_t slice = left;
        struct machine_result r;

        if (!keyqueue_empty(&rl->keys)) {
            feed_key(rl);
            slice = slice < RUNLOOP_KEY_GAP_NS ? slice : RUNLOOP_KEY_GAP_NS;
        }
        r = machine_run_for(rl->machine, slice);
        rl->insns += r.insns;
        if (r.stop == MACHINE_STOP_IDLE) {
            rl->waiting = true;
            rl->next_key_ns = 0;
            break;
        }
        if (r.stop != MACHINE_STOP_TIME) {
            rl->stopped = true;
            rl->stop = r;
            rl->stop.insns = rl->insns;
        }
        left -= slice;
    }
    feed_serial(rl);
}

/* ---- the display ---- */

bool runloop_render(struct runloop *rl, unsigned *width, unsigned *height)
{
    struct vga *vga = machine_vga(rl->machine);
    struct vga_render_info info;

    if (!vga)
        return false;
    vga_render(vga, rl->pixels, VGA_RENDER_MAX_WIDTH, VGA_RENDER_MAX_WIDTH,
               VGA_RENDER_MAX_HEIGHT, machine_time_ns(rl->machine), &info);
    *width = info.width;
    *height = info.height;
    /* this render took the VGA's change flag: the display must not miss it */
    rl->redraw = true;
    return true;
}

static bool show_text(struct runloop *rl, struct vga *vga)
{
    struct vga_text_info ti;
    struct display_text text;

    if (!rl->display->text_mode ||
        !vga_text_cells(vga, rl->cells, RUNLOOP_MAX_CELLS, &ti) || ti.cols == 0)
        return false;
    text = (struct display_text){
        .cells = rl->cells,
        .cols = ti.cols,
        .rows = ti.rows < RUNLOOP_MAX_CELLS / ti.cols ? ti.rows : RUNLOOP_MAX_CELLS / ti.cols,
        .cursor_col = ti.cursor_col,
        .cursor_row = ti.cursor_row,
        .cursor_visible = ti.cursor_visible,
    };
    rl->display->text_mode(rl->display_state, &text);
    return true;
}

static void refresh_display(struct runloop *rl)
{
    struct vga *vga = machine_vga(rl->machine);
    uint64_t now = machine_time_ns(rl->machine);
    struct vga_render_info info;

    if (!vga || (!rl->display->present && !rl->display->text_mode))
        return;
    if (!rl->redraw && !vga_render_pending(vga, now))
        return;
    rl->redraw = false;
    vga_render(vga, rl->pixels, VGA_RENDER_MAX_WIDTH, VGA_RENDER_MAX_WIDTH,
               VGA_RENDER_MAX_HEIGHT, now, &info);
    if (info.text && show_text(rl, vga))
        return;
    if (rl->display->present)
        rl->display->present(rl->display_state, rl->pixels, VGA_RENDER_MAX_WIDTH, info.width,
                             info.height, info.aspect_num, info.aspect_den);
}

static void poll_input(struct runloop *rl)
{
    const struct display_input in = {
        .opaque = rl,
        .key = on_key,
        .mouse = on_mouse,
        .quit = on_quit,
    };

    rl->display->poll_input(rl->display_state, &in);
    if (rl->monitor)
        monitor_poll(rl->monitor, rl);
}

bool runloop_frame(struct runloop *rl, uint64_t frame_ns, struct runloop_result *res)
{
    if (!rl->paused && !rl->stopped && !rl->quit)
        run_guest(rl, frame_ns);
    if (rl->stopped && rl->stop.stop != MACHINE_STOP_HALTED) {
        *res = (struct runloop_result){.quit = false, .stop = rl->stop};
        return true;
    }
    refresh_display(rl);
    poll_input(rl);
    if (rl->quit) {
        *res = (struct runloop_result){.quit = true, .stop = rl->stop};
        res->stop.insns = rl->insns;
        return true;
    }
    return false;
}

/* ---- pacing ---- */

static uint64_t wall_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t deadline_ns)
{
    struct timespec ts = {
        .tv_sec = (time_t)(deadline_ns / 1000000000u),
        .tv_nsec = (long)(deadline_ns % 1000000000u),
    };

    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
}

/* Real time: sleep to the frame's wall-clock deadline (the machine paces
 * within the frame; this keeps whole frames exact). Otherwise sleep only while
 * nothing runs (paused, stopped, waiting), so that the loop does not spin. */
static void pace(struct runloop *rl, uint64_t *deadline)
{
    uint64_t now = wall_ns();

    *deadline += RUNLOOP_FRAME_NS;
    if (!rl->real_time && !rl->paused && !rl->stopped && !rl->waiting) {
        *deadline = now;
        return;
    }
    if (now > *deadline + RUNLOOP_MAX_LAG_NS)
        *deadline = now;
    if (*deadline > now)
        sleep_until(*deadline);
}

struct runloop_result runloop_run(struct runloop *rl)
{
    struct runloop_result res;
    uint64_t deadline = wall_ns();

    while (!runloop_frame(rl, RUNLOOP_FRAME_NS, &res))
        pace(rl, &deadline);
    return res;
}
