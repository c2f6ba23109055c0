/* A PS/2 mouse on the 8042's auxiliary port: the IBM PS/2 pointing device
 * commands and 3-byte packets, plus Microsoft IntelliMouse (wheel, ID 03) and
 * IntelliMouse Explorer (wheel and buttons 4/5, ID 04) 4-byte packets. */
#ifndef TD_PS2MOUSE_H
#define TD_PS2MOUSE_H

#include <stdbool.h>
#include <stdint.h>

struct log;
struct ps2mouse;

/* Bytes the mouse sends. */
enum {
    PS2MOUSE_ACK = 0xFA,
    PS2MOUSE_RESEND = 0xFE,
    PS2MOUSE_BAT_OK = 0xAA,
};

/* Device IDs reported by F2 (and after the BAT code). */
enum {
    PS2MOUSE_ID_STANDARD = 0x00,
    PS2MOUSE_ID_WHEEL = 0x03,
    PS2MOUSE_ID_5BUTTON = 0x04,
};

/* Commands from the host. */
enum {
    PS2MOUSE_CMD_SCALING_1_1 = 0xE6,
    PS2MOUSE_CMD_SCALING_2_1 = 0xE7,
    PS2MOUSE_CMD_SET_RESOLUTION = 0xE8,
    PS2MOUSE_CMD_STATUS = 0xE9,
    PS2MOUSE_CMD_STREAM = 0xEA,
    PS2MOUSE_CMD_READ_DATA = 0xEB,
    PS2MOUSE_CMD_RESET_WRAP = 0xEC,
    PS2MOUSE_CMD_WRAP = 0xEE,
    PS2MOUSE_CMD_REMOTE = 0xF0,
    PS2MOUSE_CMD_GET_ID = 0xF2,
    PS2MOUSE_CMD_SAMPLE_RATE = 0xF3,
    PS2MOUSE_CMD_ENABLE = 0xF4,
    PS2MOUSE_CMD_DISABLE = 0xF5,
    PS2MOUSE_CMD_DEFAULT = 0xF6,
    PS2MOUSE_CMD_RESEND = 0xFE,
    PS2MOUSE_CMD_RESET = 0xFF,
};

/* Buttons for ps2mouse_move, as in packet byte 0 (4 and 5 in byte 3 on ID 04). */
enum {
    PS2MOUSE_BUTTON_LEFT = 1u << 0,
    PS2MOUSE_BUTTON_RIGHT = 1u << 1,
    PS2MOUSE_BUTTON_MIDDLE = 1u << 2,
    PS2MOUSE_BUTTON_4 = 1u << 3,
    PS2MOUSE_BUTTON_5 = 1u << 4,
};

/*
 * Packet byte 0 (then X and Y low 8 bits; byte 3 with a wheel):
 *   7     6     5     4     3   2   1   0
 * | YOV | XOV | YS  | XS  | 1 | M | R | L |
 * byte 3 on ID 03: wheel -8..7; on ID 04: | 0 | 0 | B5 | B4 | Z3..Z0 |
 */
enum {
    PS2MOUSE_PKT_ALWAYS1 = 1u << 3,
    PS2MOUSE_PKT_XSIGN = 1u << 4,
    PS2MOUSE_PKT_YSIGN = 1u << 5,
    PS2MOUSE_PKT_XOVF = 1u << 6,
    PS2MOUSE_PKT_YOVF = 1u << 7,
};

/* Bytes the mouse buffers for the controller. */
enum { PS2MOUSE_QUEUE_SIZE = 16 };

/* Called whenever the mouse has queued a byte for the controller. */
typedef void ps2mouse_notify_fn(void *opaque);

/* A mouse in its power-on state (stream mode, reporting disabled, 100 samples/s,
 * 4 counts/mm, 1:1, ID 00). log may be NULL. NULL if memory runs out. */
struct ps2mouse *ps2mouse_create(struct log *log) __attribute__((warn_unused_result));
void ps2mouse_destroy(struct ps2mouse *m);

/* Power-on: as FF (defaults, ID 00) with AA 00 queued. Warm reset: nothing. */
void ps2mouse_reset(struct ps2mouse *m, bool power_on);

void ps2mouse_set_notify(struct ps2mouse *m, ps2mouse_notify_fn *fn, void *opaque);

/* Host motion: dx right, dy DOWN (screen convention; the packet's Y is up),
 * dz wheel notches toward the user, buttons PS2MOUSE_BUTTON_*. In stream mode
 * with reporting enabled, whole packets are queued at once (moves beyond the
 * 9-bit range are sent over several packets); otherwise motion accumulates for
 * the read data command (remote mode). */
void ps2mouse_move(struct ps2mouse *m, int dx, int dy, int dz, unsigned buttons);

/* Controller side, as for the keyboard. */
bool ps2mouse_read(struct ps2mouse *m, uint8_t *byte);
bool ps2mouse_has_data(const struct ps2mouse *m);
void ps2mouse_write(struct ps2mouse *m, uint8_t byte);

/* Current device ID (changes with the IntelliMouse sample-rate knock). */
uint8_t ps2mouse_id(const struct ps2mouse *m);

#endif
