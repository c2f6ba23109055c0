/* Intel 8254 programmable interval timer at 40h-43h, clocked at 14.31818 MHz / 12
 * (1.193182 MHz) from the virtual clock: counts are computed from elapsed time, and
 * a timer is armed only for the next output edge someone listens to. */
#ifndef TD_PIT8254_H
#define TD_PIT8254_H

#include <stdbool.h>
#include <stdint.h>

#include "irq.h"

struct ioports;
struct log;
struct vclock;
struct pit8254;

enum {
    PIT_PORT = 0x40,
    PIT_CHANNELS = 3,
    /* the input clock is PIT_CLOCK_NUM / PIT_CLOCK_DEN Hz = 14318180 / 12 Hz */
    PIT_CLOCK_NUM = 3579545,
    PIT_CLOCK_DEN = 3,
};

/* A channel's OUT changed to level at now_ns (the time of the clock edge). */
typedef void pit8254_out_fn(void *opaque, bool level, uint64_t now_ns);

/* Register ports 40h-43h. Channel 0's OUT drives irq0 (both edges are reported
 * with irq_set; the PC's IRQ0 is edge-triggered). Gates 0 and 1 are tied high,
 * gate 2 starts low (port 61h bit 0). Returns NULL if a port is taken or memory
 * runs out. log may be NULL. */
struct pit8254 *pit8254_create(struct ioports *io, struct vclock *clk, struct irq_line irq0,
                               struct log *log) __attribute__((warn_unused_result));

/* Disarm the timers and free the state (destroy before the clock). */
void pit8254_destroy(struct pit8254 *pit);

/* power_on: every channel as after a mode 3 / LSB-MSB / binary control word with no
 * count written (OUT high, not counting). Warm (CPU-only) reset keeps the counters
 * running: the 8254 has no RESET pin. */
void pit8254_reset(struct pit8254 *pit, bool power_on);

/* Drive the GATE input of channel ch (0-2). */
void pit8254_set_gate(struct pit8254 *pit, unsigned ch, bool level);

/* The level of channel ch's OUT at the current virtual time. */
bool pit8254_out(struct pit8254 *pit, unsigned ch);

/* Call fn at every OUT edge of channel ch from now on (fn NULL: stop; edges are
 * then not timed). Setting a callback does not report the current level. */
void pit8254_set_out_callback(struct pit8254 *pit, unsigned ch, pit8254_out_fn *fn,
                              void *opaque);

#endif
