/* PC/AT system control port B, 61h (IBM PC/AT Technical Reference, "Speaker";
 * PIIX datasheet NMISC register): bits 0-3 as written, bit 4 the refresh toggle,
 * bit 5 PIT OUT2; the speaker is driven by OUT2 AND bit 1. */
#include "speaker.h"

#include <stdlib.h>

#include "clock.h"
#include "ioport.h"
#include "log.h"
#include "pit8254.h"

enum {
    PORTB_TIM2_GATE = 0x01,
    PORTB_SPKR_DATA = 0x02,
    /* bits 2 and 3 (parity and channel check disables) only read back here */
    PORTB_WRITABLE = 0x0F,
    PORTB_REF_TOGGLE = 0x10,
    PORTB_TMR2_OUT = 0x20,
    SPEAKER_PIT_CHANNEL = 2,
};

struct speaker {
    struct vclock *clk;
    struct pit8254 *pit;
    struct log *log;
    /* bits 0-3 as last written */
    uint8_t control;
    bool level;
    uint64_t edges;
    speaker_fn *fn;
    void *opaque;
};

static void speaker_update(struct speaker *spk, bool out2)
{
    bool level = (spk->control & PORTB_SPKR_DATA) && out2;

    if (level == spk->level)
        return;
    spk->level = level;
    spk->edges++;
    if (spk->fn)
        spk->fn(spk->opaque, level, vclock_now(spk->clk));
}

static void speaker_out2_changed(void *opaque, bool level, uint64_t now_ns)
{
    speaker_update(opaque, level);
}

static void speaker_write_control(struct speaker *spk, uint8_t value)
{
    spk->control = value & PORTB_WRITABLE;
    pit8254_set_gate(spk->pit, SPEAKER_PIT_CHANNEL, value & PORTB_TIM2_GATE);
    /* OUT2 edges are timed only while they reach the speaker */
    pit8254_set_out_callback(spk->pit, SPEAKER_PIT_CHANNEL,
                             (value & PORTB_SPKR_DATA) ? speaker_out2_changed : NULL, spk);
    speaker_update(spk, pit8254_out(spk->pit, SPEAKER_PIT_CHANNEL));
}

static uint32_t speaker_read(void *opaque, uint16_t port, unsigned size)
{
    struct speaker *spk = opaque;
    uint8_t value = spk->control;

    /* DRAM refresh requests toggle bit 4; BIOS delay loops count its flips */
    if ((vclock_now(spk->clk) / SPEAKER_REFRESH_NS) & 1)
        value |= PORTB_REF_TOGGLE;
    if (pit8254_out(spk->pit, SPEAKER_PIT_CHANNEL))
        value |= PORTB_TMR2_OUT;
    return value;
}

static void speaker_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    speaker_write_control(opaque, (uint8_t)value);
}

static const struct ioport_ops speaker_ops = {
    .read = speaker_read,
    .write = speaker_write,
    .sizes = 1,
};

void speaker_reset(struct speaker *spk, bool power_on)
{
    if (power_on)
        speaker_write_control(spk, 0);
}

struct speaker *speaker_create(struct ioports *io, struct vclock *clk, struct pit8254 *pit,
                               struct log *log)
{
    struct speaker *spk = calloc(1, sizeof(*spk));

    if (!spk)
        return NULL;
    spk->clk = clk;
    spk->pit = pit;
    spk->log = log;
    if (!ioports_register(io, SPEAKER_PORT, 1, &speaker_ops, spk, "port B (speaker)")) {
        free(spk);
        return NULL;
    }
    speaker_reset(spk, true);
    return spk;
}

void speaker_destroy(struct speaker *spk)
{
    if (!spk)
        return;
    pit8254_set_out_callback(spk->pit, SPEAKER_PIT_CHANNEL, NULL, NULL);
    free(spk);
}

void speaker_set_callback(struct speaker *spk, speaker_fn *fn, void *opaque)
{
    spk->fn = fn;
    spk->opaque = opaque;
}

bool speaker_level(const struct speaker *spk)
{
    return spk->level;
}

uint64_t speaker_edges(const struct speaker *spk)
{
    return spk->edges;
}
