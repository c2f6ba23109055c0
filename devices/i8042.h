/* The PC/AT and PS/2 keyboard controller (Intel 8042 running IBM's firmware) at
 * ports 60h/64h: command byte, output port (reset and A20), set 2 -> set 1
 * translation, and the keyboard (IRQ 1) and auxiliary/mouse (IRQ 12) ports. */
#ifndef TD_I8042_H
#define TD_I8042_H

#include <stdbool.h>
#include <stdint.h>

#include "irq.h"

struct ioports;
struct log;
struct ps2kbd;
struct ps2mouse;
struct i8042;

enum {
    I8042_DATA_PORT = 0x60,
    I8042_STATUS_PORT = 0x64,
};

/* Status register (read 64h). */
enum {
    /* output buffer full: a byte waits at 60h */
    I8042_STR_OBF = 1u << 0,
    /* input buffer full (never seen: writes are taken at once) */
    I8042_STR_IBF = 1u << 1,
    /* system flag: 0 after power-on, 1 after self test (command byte bit 2) */
    I8042_STR_SYSF = 1u << 2,
    /* last write was to 64h (command) rather than 60h (data) */
    I8042_STR_A2 = 1u << 3,
    /* keyboard not inhibited by the key lock */
    I8042_STR_INH = 1u << 4,
    /* the byte at 60h came from the auxiliary device */
    I8042_STR_AUXB = 1u << 5,
    /* a device did not answer (no device attached) */
    I8042_STR_TIMEOUT = 1u << 6,
    I8042_STR_PARITY = 1u << 7,
};

/* Command byte (read with 20h, written with 60h). */
enum {
    I8042_CB_KBD_INT = 1u << 0,
    I8042_CB_AUX_INT = 1u << 1,
    I8042_CB_SYS = 1u << 2,
    I8042_CB_KBD_DISABLE = 1u << 4,
    I8042_CB_AUX_DISABLE = 1u << 5,
    I8042_CB_XLAT = 1u << 6,
};

/* Output port (read with D0, written with D1). */
enum {
    /* 0 holds the CPU in reset */
    I8042_OUT_RESET = 1u << 0,
    I8042_OUT_A20 = 1u << 1,
    I8042_OUT_AUX_DATA = 1u << 2,
    I8042_OUT_AUX_CLOCK = 1u << 3,
    I8042_OUT_KBD_OBF = 1u << 4,
    I8042_OUT_AUX_OBF = 1u << 5,
    I8042_OUT_KBD_CLOCK = 1u << 6,
    I8042_OUT_KBD_DATA = 1u << 7,
};

/* Controller commands (write 64h). 20h-3Fh read and 60h-7Fh write the internal
 * RAM (byte 0 is the command byte); F0h-FFh pulse output port bits 0-3 that are 0
 * in the command (FEh pulses reset). */
enum {
    I8042_CMD_READ_RAM = 0x20,
    I8042_CMD_WRITE_RAM = 0x60,
    I8042_CMD_AUX_DISABLE = 0xA7,
    I8042_CMD_AUX_ENABLE = 0xA8,
    I8042_CMD_AUX_TEST = 0xA9,
    I8042_CMD_SELF_TEST = 0xAA,
    I8042_CMD_KBD_TEST = 0xAB,
    I8042_CMD_KBD_DISABLE = 0xAD,
    I8042_CMD_KBD_ENABLE = 0xAE,
    I8042_CMD_READ_INPUT = 0xC0,
    I8042_CMD_READ_OUTPUT = 0xD0,
    I8042_CMD_WRITE_OUTPUT = 0xD1,
    I8042_CMD_WRITE_KBD_OBUF = 0xD2,
    I8042_CMD_WRITE_AUX_OBUF = 0xD3,
    I8042_CMD_WRITE_AUX = 0xD4,
    I8042_CMD_A20_OFF = 0xDD,
    I8042_CMD_A20_ON = 0xDF,
    I8042_CMD_READ_TEST = 0xE0,
    I8042_CMD_PULSE = 0xF0,
};

/* Self-test and interface-test results. */
enum {
    I8042_SELF_TEST_OK = 0x55,
    I8042_INTERFACE_OK = 0x00,
};

/* What the controller's output port drives on the board. Both may be NULL. */
struct i8042_board_ops {
    /* the CPU reset line was pulsed (FEh, or D1 with bit 0 clear) */
    void (*reset)(void *opaque);
    /* the A20 gate changed (and once at power-on reset: on) */
    void (*set_a20)(void *opaque, bool on);
};

/* Register ports 60h and 64h and take the keyboard's and mouse's notify hooks
 * (either may be NULL: no device on that port; writes to it time out). The
 * controller starts in its power-on state (command byte 61h: translation,
 * keyboard interrupt, auxiliary port disabled; A20 on). irq1 and irq12 are
 * driven as levels: high while the output buffer holds a byte for that port and
 * its interrupt is enabled. NULL if a port is taken or memory runs out. */
struct i8042 *i8042_create(struct ioports *io, struct irq_line irq1, struct irq_line irq12,
                           struct ps2kbd *kbd, struct ps2mouse *mouse,
                           const struct i8042_board_ops *ops, void *opaque, struct log *log)
    __attribute__((warn_unused_result));

/* Free the state (the ports stay registered: destroy io first or stop using it). */
void i8042_destroy(struct i8042 *c);

/* Power-on: RAM, output buffer and output port to their power-on values (SYS
 * flag clear). Warm reset (a CPU reset): the controller keeps its state, only
 * an unfinished two-byte command is forgotten. The keyboard and mouse are
 * devices of their own, reset by the board. */
void i8042_reset(struct i8042 *c, bool power_on);

#endif
