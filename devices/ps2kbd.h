/* A PS/2 (MF II) keyboard: the device behind the 8042's keyboard port. It sends
 * scan code set 2 (the 8042 translates), answers the host commands of the IBM
 * PS/2 keyboard interface and repeats the last held key on the virtual clock. */
#ifndef TD_PS2KBD_H
#define TD_PS2KBD_H

#include <stdbool.h>
#include <stdint.h>

#include "keymap.h"

struct vclock;
struct log;
struct ps2kbd;

/* Bytes the keyboard sends. */
enum {
    PS2KBD_ACK = 0xFA,
    PS2KBD_RESEND = 0xFE,
    PS2KBD_BAT_OK = 0xAA,
    PS2KBD_ECHO = 0xEE,
    PS2KBD_ID0 = 0xAB,
    PS2KBD_ID1 = 0x83,
};

/* Commands from the host. */
enum {
    PS2KBD_CMD_SET_LEDS = 0xED,
    PS2KBD_CMD_ECHO = 0xEE,
    PS2KBD_CMD_SCAN_SET = 0xF0,
    PS2KBD_CMD_IDENTIFY = 0xF2,
    PS2KBD_CMD_TYPEMATIC = 0xF3,
    PS2KBD_CMD_ENABLE = 0xF4,
    PS2KBD_CMD_DISABLE = 0xF5,
    PS2KBD_CMD_DEFAULT = 0xF6,
    PS2KBD_CMD_RESEND = 0xFE,
    PS2KBD_CMD_RESET = 0xFF,
};

/* LED bits of the ED command's option byte (and of ps2kbd_leds). */
enum {
    PS2KBD_LED_SCROLL = 1u << 0,
    PS2KBD_LED_NUM = 1u << 1,
    PS2KBD_LED_CAPS = 1u << 2,
};

/* Bytes the keyboard buffers for the controller (as real MF II keyboards do). */
enum { PS2KBD_QUEUE_SIZE = 16 };

/* Called whenever the keyboard has queued a byte for the controller. */
typedef void ps2kbd_notify_fn(void *opaque);

/* A keyboard in its power-on state (set 2, scanning, 10.9 cps after 500 ms).
 * clock drives typematic repeat (NULL: keys never repeat); log may be NULL.
 * NULL if memory runs out. */
struct ps2kbd *ps2kbd_create(struct vclock *clock, struct log *log)
    __attribute__((warn_unused_result));
void ps2kbd_destroy(struct ps2kbd *kbd);

/* Power-on: as the FF command (defaults, set 2, LEDs off, queue empty, BAT code
 * AA queued). Warm reset: nothing, a CPU reset does not reach the keyboard. */
void ps2kbd_reset(struct ps2kbd *kbd, bool power_on);

/* The controller's hook (the 8042 pulls bytes with ps2kbd_read when told). */
void ps2kbd_set_notify(struct ps2kbd *kbd, ps2kbd_notify_fn *fn, void *opaque);

/* A key went down or up on the host: queues its make or break sequence in the
 * current scan code set (whole, or an overrun code when it does not fit) and
 * starts or stops typematic repeat. Repeated downs and ups of a key not held
 * are ignored. Nothing is queued while scanning is disabled (F5). */
void ps2kbd_key(struct ps2kbd *kbd, enum key key, bool down);

/* Controller side: take the next byte the keyboard sends (command replies go
 * before queued key codes). false when there is none. */
bool ps2kbd_read(struct ps2kbd *kbd, uint8_t *byte);
bool ps2kbd_has_data(const struct ps2kbd *kbd);

/* Controller side: a byte from the host (a command or a command's parameter). */
void ps2kbd_write(struct ps2kbd *kbd, uint8_t byte);

/* LEDs last set by the host (PS2KBD_LED_*), for the frontend. */
uint8_t ps2kbd_leds(const struct ps2kbd *kbd);

/* Current scan code set (1 or 2). */
unsigned ps2kbd_scan_set(const struct ps2kbd *kbd);

#endif
