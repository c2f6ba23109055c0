/* 8254 PIT internals shared by pit8254.c (ports, programming, gates, OUT
 * reporting) and pit8254_modes.c (the closed-form count and OUT of each mode):
 * a channel's state as a segment evaluated at any later CLK edge (Intel 8254
 * datasheet, 231164). */
#ifndef TD_PIT8254_INTERNAL_H
#define TD_PIT8254_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "clock.h"
#include "pit8254.h"

enum { PIT_MODULUS_BIN = 65536, PIT_MODULUS_BCD = 10000, PIT_MODES = 6 };

#define PIT_NEVER UINT64_MAX

/* A channel's state at one CLK edge. */
struct pit_view {
    /* counting element, as a binary number below the modulus */
    uint32_t ce;
    /* mode 3: edges left in the running half-cycle */
    uint32_t rem;
    bool out;
    /* modes 0, 1, 4, 5: the terminal count is still ahead */
    bool armed;
};

struct pit_seg {
    /* the CLK edge (tick number) at which `at` holds */
    uint64_t start;
    struct pit_view at;
    /* the count modes 2 and 3 reload (1..modulus) */
    uint32_t n;
    /* the CE counts on the edges after start */
    bool active;
};

struct pit_channel {
    struct pit8254 *pit;
    unsigned index;
    /* M2-M0 as written (6 and 7 read back as such) and the mode they select */
    uint8_t mode_bits;
    uint8_t mode;
    uint8_t rw;
    bool bcd;
    bool gate;
    /* byte flip-flops of two-byte accesses: the next byte is the MSB */
    bool write_msb;
    bool read_msb;
    uint8_t lsb;
    /* count register as a count (1..modulus); written since the control word */
    uint32_t cr;
    bool cr_valid;
    /* the CE holds a count written since the control word */
    bool loaded;
    /* NULL COUNT reads 1 before this tick (PIT_NEVER: until a load happens) */
    uint64_t null_until;
    bool count_latched;
    bool status_latched;
    uint16_t latch;
    uint8_t status;
    /* the state before seg.start: a load is pending on the next CLK edge */
    struct pit_view pre;
    struct pit_seg seg;
    struct timer timer;
    pit8254_out_fn *out_fn;
    void *out_opaque;
    bool out_reported;
};

/* eval: the state k counted edges after seg.start; next: the k of the next OUT
 * change after k (PIT_NEVER: none). gated: GATE low suspends counting; triggered:
 * a GATE rising edge loads the count; cycle_end: a count written while counting
 * waits for the end of the cycle; OUT after the control word and at a load. */
struct pit_mode {
    struct pit_view (*eval)(const struct pit_channel *c, uint64_t k);
    uint64_t (*next)(const struct pit_channel *c, uint64_t k);
    bool gated, triggered, cycle_end;
    bool cw_out, load_out, load_armed;
};

/* 8254 datasheet, "Modes" and "Gate Pin Operations Summary" (pit8254_modes.c) */
extern const struct pit_mode pit_modes[PIT_MODES];

/* The count's modulus: 10000 in BCD, 65536 in binary. */
uint32_t pit_modulus(const struct pit_channel *c);
/* Edges from CE value ce to the terminal count: a CE of 0 is the full count. */
uint32_t pit_full(const struct pit_channel *c, uint32_t ce);

#endif
