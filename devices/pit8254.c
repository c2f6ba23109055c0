/* Intel 8254 programmable interval timer (Intel 8254 datasheet, 231164): modes 0-5,
 * binary and BCD, counter latch and read-back. Nothing is clocked: each channel
 * keeps a segment (its state at one CLK edge and whether it counts since) that is
 * evaluated in closed form at any later edge. */
#include "pit8254.h"

#include <stdlib.h>

#include "clock.h"
#include "ioport.h"
#include "log.h"
#include "pit8254_internal.h"

/* control word: SC1 SC0 RW1 RW0 M2 M1 M0 BCD */
enum {
    PIT_CONTROL_PORT = PIT_PORT + 3,
    PIT_CW_BCD = 0x01,
    PIT_CW_MODE_SHIFT = 1,
    PIT_CW_RW_SHIFT = 4,
    PIT_CW_SC_SHIFT = 6,
    PIT_SC_READBACK = 3,
    PIT_RW_LATCH = 0, PIT_RW_LSB = 1, PIT_RW_MSB = 2, PIT_RW_BOTH = 3,
    /* read-back: 1 1 /COUNT /STATUS CNT2 CNT1 CNT0 0; status: OUT NULL RW1 RW0 M2 M1 M0 BCD */
    PIT_RB_CNT0 = 0x02,
    PIT_RB_STATUS_N = 0x10,
    PIT_RB_COUNT_N = 0x20,
    PIT_STATUS_NULL = 0x40,
    PIT_STATUS_OUT = 0x80,
    /* power-on control word: mode 3, LSB then MSB, binary */
    PIT_CW_POWER_ON = 0x36,
};

/* ns per PIT_CLOCK_NUM ticks */
#define PIT_NS_SCALE (PIT_CLOCK_DEN * 1000000000ull)

enum pit_note { PIT_NOTE_TIMERS = 1u << 0, PIT_NOTE_COUNT1 = 1u << 1 };

struct pit8254 {
    struct vclock *clk;
    struct irq_line irq0;
    struct log *log;
    uint32_t noted;
    struct pit_channel ch[PIT_CHANNELS];
};

static void pit_note(struct pit8254 *pit, enum pit_note note, const char *what)
{
    if (pit->noted & note)
        return;
    pit->noted |= note;
    log_printf(pit->log, LOG_UNIMP, "pit8254: %s (logged once)\n", what);
}

/* ---- time: CLK edge k happens at the first ns where floor(ns * f) >= k ---- */

static uint64_t pit_tick_at(uint64_t ns)
{
    return ns / PIT_NS_SCALE * PIT_CLOCK_NUM + ns % PIT_NS_SCALE * PIT_CLOCK_NUM / PIT_NS_SCALE;
}

static uint64_t pit_ns_of_tick(uint64_t tick)
{
    uint64_t r = tick % PIT_CLOCK_NUM;

    return tick / PIT_CLOCK_NUM * PIT_NS_SCALE +
           (r * PIT_NS_SCALE + PIT_CLOCK_NUM - 1) / PIT_CLOCK_NUM;
}

static uint64_t pit_now_tick(const struct pit8254 *pit)
{
    return pit_tick_at(vclock_now(pit->clk));
}

/* ---- BCD counts ---- */

static uint32_t pit_from_bcd(uint32_t raw)
{
    uint32_t v = ((raw >> 12) & 15) * 1000 + ((raw >> 8) & 15) * 100 + ((raw >> 4) & 15) * 10 +
                 (raw & 15);

    return v % PIT_MODULUS_BCD;
}

static uint16_t pit_to_bcd(uint32_t v)
{
    return (uint16_t)((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10);
}

/* ---- segments ---- */

static struct pit_view pit_eval(const struct pit_channel *c, uint64_t tick)
{
    const struct pit_seg *s = &c->seg;

    if (tick < s->start)
        return c->pre;
    return pit_modes[c->mode].eval(c, s->active ? tick - s->start : 0);
}

static uint64_t pit_next_edge(const struct pit_channel *c, uint64_t tick)
{
    const struct pit_seg *s = &c->seg;
    uint64_t rel;

    /* a pending load changes OUT at its edge, or the segment's own evolution does */
    if (tick < s->start && c->pre.out != pit_eval(c, s->start).out)
        return s->start;
    if (!s->active)
        return PIT_NEVER;
    rel = pit_modes[c->mode].next(c, tick < s->start ? 0 : tick - s->start);
    return rel == PIT_NEVER ? PIT_NEVER : s->start + rel;
}

/* Restart the segment at tick with the same evolution (before changing it). */
static void pit_sync(struct pit_channel *c, uint64_t tick)
{
    if (tick < c->seg.start)
        return;
    c->seg.at = pit_eval(c, tick);
    c->seg.start = tick;
}

/* Stop counting with OUT at out (control word; mode 0's first count byte). */
static void pit_halt(struct pit_channel *c, uint64_t tick, bool out)
{
    struct pit_view v = pit_eval(c, tick);

    c->seg = (struct pit_seg){ .start = tick, .at = { .ce = v.ce, .out = out }, .n = c->cr };
    c->loaded = false;
}

/* The count register reaches the CE on the next CLK edge (8254 datasheet: "the
 * count is loaded on the next CLK pulse" after it is written or triggered). */
static void pit_start_load(struct pit_channel *c, uint64_t tick)
{
    const struct pit_mode *m = &pit_modes[c->mode];
    uint32_t n = c->cr;

    c->pre = pit_eval(c, tick);
    c->seg.start = tick + 1;
    c->seg.n = n;
    c->seg.active = !m->gated || c->gate;
    c->seg.at = (struct pit_view){ .ce = n % pit_modulus(c), .rem = n - n / 2,
                                   .out = m->load_out, .armed = m->load_armed };
    if (c->mode == 3)
        c->seg.at.ce = (n & ~1u) % pit_modulus(c);
    c->loaded = true;
    if (c->null_until > tick + 1)
        c->null_until = tick + 1;
}

/* ---- OUT reporting ---- */

static bool pit_listened(const struct pit_channel *c)
{
    return c->out_fn || (c->index == 0 && c->pit->irq0.set);
}

/* Report OUT if it changed and time the next edge, for channels with a listener. */
static void pit_refresh(struct pit_channel *c, uint64_t tick)
{
    struct pit8254 *pit = c->pit;
    bool out = pit_eval(c, tick).out;
    uint64_t next;

    if (!pit_listened(c)) {
        timer_del(&c->timer);
        return;
    }
    if (out != c->out_reported) {
        c->out_reported = out;
        if (c->index == 0)
            irq_set(&pit->irq0, out);
        if (c->out_fn)
            c->out_fn(c->out_opaque, out, vclock_now(pit->clk));
    }
    next = pit_next_edge(c, tick);
    if (next == PIT_NEVER)
        timer_del(&c->timer);
    else if (!timer_mod(&c->timer, pit_ns_of_tick(next)))
        pit_note(pit, PIT_NOTE_TIMERS, "no free virtual timer: OUT edges are not timed");
}

static void pit_timer_fired(void *opaque, uint64_t now_ns)
{
    struct pit_channel *c = opaque;

    pit_refresh(c, pit_tick_at(now_ns));
}

/* ---- programming ---- */

static void pit_write_count(struct pit_channel *c, uint32_t raw, uint64_t tick)
{
    const struct pit_mode *m = &pit_modes[c->mode];
    uint32_t n = c->bcd ? pit_from_bcd(raw) : raw;
    bool first = !c->cr_valid;

    c->cr = n ? n : pit_modulus(c);
    c->cr_valid = true;
    c->null_until = PIT_NEVER;
    if (c->cr == 1 && (c->mode == 2 || c->mode == 3))
        pit_note(c->pit, PIT_NOTE_COUNT1, "count 1 in mode 2 or 3 (illegal)");
    if (m->triggered && !m->cycle_end)
        return;
    if (m->cycle_end && !first && tick >= c->seg.start) {
        pit_sync(c, tick);
        c->seg.n = c->cr;
        if (c->seg.active)
            c->null_until = tick + (c->mode == 3 ? c->seg.at.rem : pit_full(c, c->seg.at.ce));
        return;
    }
    pit_start_load(c, tick);
}

static void pit_write_data(struct pit_channel *c, uint8_t value, uint64_t tick)
{
    if (c->rw == PIT_RW_LSB) {
        pit_write_count(c, value, tick);
    } else if (c->rw == PIT_RW_MSB) {
        pit_write_count(c, (uint32_t)value << 8, tick);
    } else if (!c->write_msb) {
        c->lsb = value;
        c->write_msb = true;
        /* mode 0: writing the first byte stops counting and sets OUT low */
        if (c->mode == 0)
            pit_halt(c, tick, false);
    } else {
        c->write_msb = false;
        pit_write_count(c, c->lsb | (uint32_t)value << 8, tick);
    }
}

static uint16_t pit_count_value(const struct pit_channel *c, uint64_t tick)
{
    uint32_t ce = pit_eval(c, tick).ce;

    return c->bcd ? pit_to_bcd(ce) : (uint16_t)ce;
}

static uint8_t pit_read_data(struct pit_channel *c, uint64_t tick)
{
    uint16_t value;
    bool msb;

    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    value = c->count_latched ? c->latch : pit_count_value(c, tick);
    msb = c->rw == PIT_RW_MSB || (c->rw == PIT_RW_BOTH && c->read_msb);
    if (c->rw == PIT_RW_BOTH)
        c->read_msb = !c->read_msb;
    /* the latch holds until every byte of the format has been read */
    if (!(c->rw == PIT_RW_BOTH && c->read_msb))
        c->count_latched = false;
    return msb ? (uint8_t)(value >> 8) : (uint8_t)value;
}

static void pit_latch_count(struct pit_channel *c, uint64_t tick)
{
    if (c->count_latched)
        return;
    c->latch = pit_count_value(c, tick);
    c->count_latched = true;
}

static void pit_readback(struct pit8254 *pit, uint8_t value, uint64_t tick)
{
    for (unsigned i = 0; i < PIT_CHANNELS; i++) {
        struct pit_channel *c = &pit->ch[i];

        if (!(value & (PIT_RB_CNT0 << i)))
            continue;
        if (!(value & PIT_RB_COUNT_N))
            pit_latch_count(c, tick);
        if (!(value & PIT_RB_STATUS_N) && !c->status_latched) {
            c->status = (uint8_t)((pit_eval(c, tick).out ? PIT_STATUS_OUT : 0) |
                                  (tick < c->null_until ? PIT_STATUS_NULL : 0) |
                                  c->rw << PIT_CW_RW_SHIFT | c->mode_bits << PIT_CW_MODE_SHIFT |
                                  c->bcd);
            c->status_latched = true;
        }
    }
}

/* A control word resets the channel's control logic: OUT goes to its initial
 * level, counting stops until a count is written. */
static void pit_control(struct pit8254 *pit, uint8_t value, uint64_t tick)
{
    unsigned sc = value >> PIT_CW_SC_SHIFT;
    unsigned rw = (value >> PIT_CW_RW_SHIFT) & 3;
    struct pit_channel *c;

    if (sc == PIT_SC_READBACK) {
        pit_readback(pit, value, tick);
        return;
    }
    c = &pit->ch[sc];
    if (rw == PIT_RW_LATCH) {
        pit_latch_count(c, tick);
        return;
    }
    c->mode_bits = (value >> PIT_CW_MODE_SHIFT) & 7;
    c->mode = c->mode_bits > 5 ? c->mode_bits - 4 : c->mode_bits;
    c->rw = (uint8_t)rw;
    c->bcd = value & PIT_CW_BCD;
    c->write_msb = false;
    c->read_msb = false;
    c->count_latched = false;
    c->status_latched = false;
    c->cr_valid = false;
    c->null_until = PIT_NEVER;
    pit_halt(c, tick, pit_modes[c->mode].cw_out);
    pit_refresh(c, tick);
}

/* ---- gate ---- */

static void pit_gate_changed(struct pit_channel *c, uint64_t tick)
{
    const struct pit_mode *m = &pit_modes[c->mode];

    if (!m->triggered) {
        pit_sync(c, tick);
        c->seg.active = c->gate && c->loaded;
    } else if (c->gate) {
        if (c->cr_valid)
            pit_start_load(c, tick);
    } else if (m->gated) {
        /* modes 2 and 3: GATE low stops counting and sets OUT high at once */
        if (tick >= c->seg.start && c->null_until > tick)
            c->null_until = PIT_NEVER;
        pit_sync(c, tick);
        c->seg.active = false;
        c->seg.at.out = true;
        c->pre.out = true;
    }
}

void pit8254_set_gate(struct pit8254 *pit, unsigned ch, bool level)
{
    uint64_t tick = pit_now_tick(pit);
    struct pit_channel *c;

    if (ch >= PIT_CHANNELS || level == pit->ch[ch].gate)
        return;
    c = &pit->ch[ch];
    c->gate = level;
    pit_gate_changed(c, tick);
    pit_refresh(c, tick);
}

bool pit8254_out(struct pit8254 *pit, unsigned ch)
{
    return ch < PIT_CHANNELS && pit_eval(&pit->ch[ch], pit_now_tick(pit)).out;
}

void pit8254_set_out_callback(struct pit8254 *pit, unsigned ch, pit8254_out_fn *fn,
                              void *opaque)
{
    struct pit_channel *c;
    uint64_t tick = pit_now_tick(pit);

    if (ch >= PIT_CHANNELS)
        return;
    c = &pit->ch[ch];
    if (!pit_listened(c))
        c->out_reported = pit_eval(c, tick).out;
    c->out_fn = fn;
    c->out_opaque = opaque;
    pit_refresh(c, tick);
}

/* ---- ports ---- */

static uint32_t pit_read(void *opaque, uint16_t port, unsigned size)
{
    struct pit8254 *pit = opaque;

    /* the control word register cannot be read: the bus floats */
    if (port == PIT_CONTROL_PORT)
        return 0xFF;
    return pit_read_data(&pit->ch[port - PIT_PORT], pit_now_tick(pit));
}

static void pit_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct pit8254 *pit = opaque;
    uint64_t tick = pit_now_tick(pit);
    struct pit_channel *c;

    if (port == PIT_CONTROL_PORT) {
        pit_control(pit, (uint8_t)value, tick);
        return;
    }
    c = &pit->ch[port - PIT_PORT];
    pit_write_data(c, (uint8_t)value, tick);
    pit_refresh(c, tick);
}

static const struct ioport_ops pit_ops = {
    .read = pit_read,
    .write = pit_write,
    .sizes = 1,
};

/* ---- lifecycle ---- */

void pit8254_reset(struct pit8254 *pit, bool power_on)
{
    uint64_t tick = pit_now_tick(pit);

    if (!power_on)
        return;
    for (unsigned i = 0; i < PIT_CHANNELS; i++) {
        struct pit_channel *c = &pit->ch[i];

        c->gate = i != 2;
        c->cr = PIT_MODULUS_BIN;
        pit_control(pit, (uint8_t)(i << PIT_CW_SC_SHIFT | PIT_CW_POWER_ON), tick);
    }
}

struct pit8254 *pit8254_create(struct ioports *io, struct vclock *clk, struct irq_line irq0,
                               struct log *log)
{
    struct pit8254 *pit = calloc(1, sizeof(*pit));

    if (!pit)
        return NULL;
    pit->clk = clk;
    pit->irq0 = irq0;
    pit->log = log;
    for (unsigned i = 0; i < PIT_CHANNELS; i++) {
        pit->ch[i].pit = pit;
        pit->ch[i].index = i;
        timer_init(&pit->ch[i].timer, clk, pit_timer_fired, &pit->ch[i]);
    }
    if (!ioports_register(io, PIT_PORT, 4, &pit_ops, pit, "8254 PIT")) {
        free(pit);
        return NULL;
    }
    pit8254_reset(pit, true);
    return pit;
}

void pit8254_destroy(struct pit8254 *pit)
{
    if (!pit)
        return;
    for (unsigned i = 0; i < PIT_CHANNELS; i++)
        timer_del(&pit->ch[i].timer);
    free(pit);
}
