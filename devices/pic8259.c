/* Intel 8259A programmable interrupt controller (Intel 8259A datasheet, 231468),
 * two of them cascaded as on the PC/AT, with the PIIX edge/level control registers
 * (PIIX datasheet 2.1.17 ELCR1/ELCR2). 8080/85 call vectors are not modelled. */
#include "pic8259.h"

#include <stdlib.h>

#include "ioport.h"
#include "log.h"

enum {
    PIC_ICW1_IC4 = 0x01,
    PIC_ICW1_SNGL = 0x02,
    PIC_ICW1_LTIM = 0x08,
    PIC_ICW1_INIT = 0x10,
    PIC_ICW2_VECTOR = 0xF8,
    PIC_ICW3_ID = 0x07,
    PIC_ICW4_UPM = 0x01,
    PIC_ICW4_AEOI = 0x02,
    PIC_ICW4_SFNM = 0x10,
    PIC_OCW2_LEVEL = 0x07,
    PIC_OCW3_RIS = 0x01,
    PIC_OCW3_RR = 0x02,
    PIC_OCW3_P = 0x04,
    PIC_OCW3_SEL = 0x08,
    PIC_OCW3_SMM = 0x20,
    PIC_OCW3_ESMM = 0x40,
    PIC_POLL_I = 0x80,
    /* the vector the data bus floats to when no chip answers INTA */
    PIC_NO_VECTOR = 0xFF,
};

/* ELCR bits that exist: IRQ 0, 1, 2, 8 and 13 are always edge-triggered on a PC */
static const uint8_t pic_elcr_writable[2] = { 0xF8, 0xDE };

enum pic_step { PIC_READY, PIC_WANT_ICW2, PIC_WANT_ICW3, PIC_WANT_ICW4 };

enum pic_note {
    PIC_NOTE_8080 = 1u << 0,
    PIC_NOTE_BAD_ID = 1u << 1,
};

struct pic_chip {
    bool primary;
    enum pic_step step;
    /* requests latched by rising edges on edge-triggered inputs */
    uint8_t irr_edge;
    /* current level of the IR0-7 inputs */
    uint8_t pins;
    uint8_t isr;
    uint8_t imr;
    uint8_t elcr;
    uint8_t icw1;
    /* vector base (T7-T3) */
    uint8_t icw2;
    /* primary: inputs with a secondary; secondary: its cascade ID */
    uint8_t icw3;
    uint8_t icw4;
    /* the IR with the lowest priority (7 after ICW1) */
    uint8_t lowest;
    /* OCW3: reads of the command port return ISR instead of IRR */
    bool read_isr;
    /* OCW3 P: the next read is a poll (an INTA without the CPU) */
    bool poll;
    bool special_mask;
    bool rotate_aeoi;
};

struct pic8259 {
    struct pic_chip chip[2];
    struct log *log;
    pic8259_intr_fn *intr;
    void *opaque;
    bool intr_level;
    uint32_t noted;
};

/* OCW2 R, SL, EOI (bits 7-5) -> operation (8259A datasheet, "Operation Command Words") */
enum pic_eoi { PIC_EOI_NONE, PIC_EOI_NONSPECIFIC, PIC_EOI_SPECIFIC };

struct pic_ocw2_op {
    enum pic_eoi eoi;
    /* the IR whose ISR bit the EOI clears becomes the lowest priority */
    bool rotate;
    /* set priority: L2-L0 becomes the lowest priority */
    bool set_lowest;
    /* rotate in AEOI mode: -1 unchanged, else the new setting */
    signed char rotate_aeoi;
};

static const struct pic_ocw2_op pic_ocw2_ops[8] = {
    [0] = { PIC_EOI_NONE, false, false, 0 },
    [1] = { PIC_EOI_NONSPECIFIC, false, false, -1 },
    [2] = { PIC_EOI_NONE, false, false, -1 },
    [3] = { PIC_EOI_SPECIFIC, false, false, -1 },
    [4] = { PIC_EOI_NONE, false, false, 1 },
    [5] = { PIC_EOI_NONSPECIFIC, true, false, -1 },
    [6] = { PIC_EOI_NONE, false, true, -1 },
    [7] = { PIC_EOI_SPECIFIC, true, false, -1 },
};

static void pic_note(struct pic8259 *p, enum pic_note note, const char *what)
{
    if (p->noted & note)
        return;
    p->noted |= note;
    log_printf(p->log, LOG_UNIMP, "pic8259: %s (logged once)\n", what);
}

/* ---- one chip: requests and priorities ---- */

static uint8_t pic_level_mask(const struct pic_chip *c)
{
    return (c->icw1 & PIC_ICW1_LTIM) ? 0xFF : c->elcr;
}

/* IRR: latched edges on edge-triggered inputs, the input level on level-triggered */
static uint8_t pic_irr(const struct pic_chip *c)
{
    uint8_t level = pic_level_mask(c);

    return (uint8_t)((c->irr_edge & ~level) | (c->pins & level));
}

/* Rank 0 is the highest priority: lowest+1, lowest+2, ..., lowest. */
static unsigned pic_rank(const struct pic_chip *c, unsigned ir)
{
    return (ir - c->lowest - 1) & 7;
}

/* The highest-priority IR set in bits, or -1. */
static int pic_highest(const struct pic_chip *c, uint8_t bits)
{
    for (unsigned i = 1; i <= 8; i++) {
        unsigned ir = (c->lowest + i) & 7;

        if (bits & (1u << ir))
            return (int)ir;
    }
    return -1;
}

static uint8_t pic_cascade_bits(const struct pic_chip *c)
{
    return (c->primary && !(c->icw1 & PIC_ICW1_SNGL)) ? c->icw3 : 0;
}

/* The IR the chip would raise INT for, or -1. In special mask mode every unmasked
 * level not in service may interrupt; in special fully nested mode a cascade input
 * in service does not block a further request from its secondary. */
static int pic_request(const struct pic_chip *c)
{
    uint8_t req = (uint8_t)(pic_irr(c) & ~c->imr);
    uint8_t blocking = c->isr;
    int ir;
    int cur;

    if (c->step != PIC_READY)
        return -1;
    if (c->special_mask) {
        req &= (uint8_t)~c->isr;
        blocking = 0;
    } else if (c->icw4 & PIC_ICW4_SFNM) {
        blocking &= (uint8_t)~pic_cascade_bits(c);
    }
    ir = pic_highest(c, req);
    if (ir < 0)
        return -1;
    cur = pic_highest(c, blocking);
    if (cur >= 0 && pic_rank(c, (unsigned)cur) <= pic_rank(c, (unsigned)ir))
        return -1;
    return ir;
}

/* The second INTA pulse: IRR -> ISR, or in AEOI mode an automatic EOI. */
static void pic_accept(struct pic_chip *c, unsigned ir)
{
    c->irr_edge &= (uint8_t)~(1u << ir);
    if (!(c->icw4 & PIC_ICW4_AEOI))
        c->isr |= (uint8_t)(1u << ir);
    else if (c->rotate_aeoi)
        c->lowest = (uint8_t)ir;
}

static void pic_set_pin(struct pic_chip *c, unsigned pin, bool level)
{
    uint8_t bit = (uint8_t)(1u << pin);

    if (level && !(c->pins & bit))
        c->irr_edge |= bit;
    c->pins = level ? (uint8_t)(c->pins | bit) : (uint8_t)(c->pins & ~bit);
}

/* Propagate the secondary's INT to primary IR2 and the primary's INT to the CPU. */
static void pic_update(struct pic8259 *p)
{
    bool level;

    pic_set_pin(&p->chip[0], PIC_CASCADE_IRQ, pic_request(&p->chip[1]) >= 0);
    level = pic_request(&p->chip[0]) >= 0;
    if (level == p->intr_level)
        return;
    p->intr_level = level;
    if (p->intr)
        p->intr(p->opaque, level);
}

/* ---- acknowledge: INTA and poll ---- */

static uint8_t pic_ack_secondary(struct pic8259 *p, unsigned cascade_ir)
{
    struct pic_chip *sec = &p->chip[1];
    int ir;

    if ((sec->icw3 & PIC_ICW3_ID) != cascade_ir) {
        pic_note(p, PIC_NOTE_BAD_ID, "INTA on a cascade input no secondary answers");
        return PIC_NO_VECTOR;
    }
    ir = pic_request(sec);
    /* The secondary's INT ends with the INTA cycle; a request still pending there
     * (AEOI, or one that arrived meanwhile) raises it again and re-latches the
     * primary's edge-triggered IR2, instead of being lost. */
    pic_set_pin(&p->chip[0], PIC_CASCADE_IRQ, false);
    if (ir < 0)
        return (uint8_t)(sec->icw2 | 7);
    pic_accept(sec, (unsigned)ir);
    return (uint8_t)(sec->icw2 + ir);
}

uint8_t pic8259_ack(struct pic8259 *p)
{
    struct pic_chip *pri = &p->chip[0];
    int ir = pic_request(pri);
    uint8_t vector;

    if (ir < 0) {
        /* 8259A datasheet: a request gone before INTA gets the IR7 vector, no ISR bit */
        vector = (uint8_t)(pri->icw2 | 7);
    } else {
        pic_accept(pri, (unsigned)ir);
        if (pic_cascade_bits(pri) & (1u << ir))
            vector = pic_ack_secondary(p, (unsigned)ir);
        else
            vector = (uint8_t)(pri->icw2 + ir);
    }
    pic_update(p);
    return vector;
}

bool pic8259_pending(const struct pic8259 *p)
{
    return p->intr_level;
}

/* Poll word: I (bit 7) set if a request was acknowledged, W2-W0 its level. */
static uint8_t pic_poll(struct pic8259 *p, struct pic_chip *c)
{
    int ir = pic_request(c);

    c->poll = false;
    if (ir < 0)
        return 0;
    pic_accept(c, (unsigned)ir);
    pic_update(p);
    return (uint8_t)(PIC_POLL_I | ir);
}

/* ---- command words ---- */

static void pic_eoi(struct pic_chip *c, const struct pic_ocw2_op *op, unsigned level)
{
    uint8_t candidates = c->isr;
    int ir = (int)level;

    /* 8259A datasheet: in special mask mode a non-specific EOI skips masked ISR bits */
    if (c->special_mask)
        candidates &= (uint8_t)~c->imr;
    if (op->eoi == PIC_EOI_NONSPECIFIC)
        ir = pic_highest(c, candidates);
    if (ir < 0)
        return;
    c->isr &= (uint8_t)~(1u << ir);
    if (op->rotate)
        c->lowest = (uint8_t)ir;
}

static void pic_ocw2(struct pic_chip *c, uint8_t value)
{
    const struct pic_ocw2_op *op = &pic_ocw2_ops[value >> 5];
    unsigned level = value & PIC_OCW2_LEVEL;

    if (op->eoi != PIC_EOI_NONE)
        pic_eoi(c, op, level);
    if (op->set_lowest)
        c->lowest = (uint8_t)level;
    if (op->rotate_aeoi >= 0)
        c->rotate_aeoi = op->rotate_aeoi != 0;
}

static void pic_ocw3(struct pic_chip *c, uint8_t value)
{
    if (value & PIC_OCW3_ESMM)
        c->special_mask = (value & PIC_OCW3_SMM) != 0;
    if (value & PIC_OCW3_P)
        c->poll = true;
    if (value & PIC_OCW3_RR)
        c->read_isr = (value & PIC_OCW3_RIS) != 0;
}

/* ICW1 (8259A datasheet "Initialization Command Words"): the edge sense circuit,
 * IMR and special mask are reset, IR7 gets the lowest priority, reads select IRR
 * and ICW4 is cleared unless it follows. ISR is cleared too, as PC BIOSes expect. */
static void pic_icw1(struct pic_chip *c, uint8_t value)
{
    c->icw1 = value;
    c->icw4 = 0;
    c->step = PIC_WANT_ICW2;
    c->irr_edge = 0;
    c->isr = 0;
    c->imr = 0;
    c->lowest = 7;
    c->read_isr = false;
    c->poll = false;
    c->special_mask = false;
    c->rotate_aeoi = false;
}

static enum pic_step pic_after_icw2(const struct pic_chip *c)
{
    if (!(c->icw1 & PIC_ICW1_SNGL))
        return PIC_WANT_ICW3;
    return (c->icw1 & PIC_ICW1_IC4) ? PIC_WANT_ICW4 : PIC_READY;
}

static void pic_icw(struct pic8259 *p, struct pic_chip *c, uint8_t value)
{
    switch (c->step) {
    case PIC_WANT_ICW2:
        c->icw2 = value & PIC_ICW2_VECTOR;
        c->step = pic_after_icw2(c);
        break;
    case PIC_WANT_ICW3:
        c->icw3 = value;
        c->step = (c->icw1 & PIC_ICW1_IC4) ? PIC_WANT_ICW4 : PIC_READY;
        break;
    case PIC_WANT_ICW4:
        c->icw4 = value;
        c->step = PIC_READY;
        break;
    case PIC_READY:
        break;
    }
    if (c->step == PIC_READY && !(c->icw4 & PIC_ICW4_UPM))
        pic_note(p, PIC_NOTE_8080, "8080/85 mode (ICW4 uPM=0) not supported, using 8086 vectors");
}

/* ---- ports ---- */

static struct pic_chip *pic_chip_at(struct pic8259 *p, uint16_t port)
{
    return &p->chip[port >= PIC_SECONDARY_PORT ? 1 : 0];
}

static uint32_t pic_read(void *opaque, uint16_t port, unsigned size)
{
    struct pic8259 *p = opaque;
    struct pic_chip *c = pic_chip_at(p, port);

    /* 8259A datasheet, poll command: the next RD pulse acts as INTA */
    if (c->poll)
        return pic_poll(p, c);
    if (port & 1)
        return c->imr;
    return c->read_isr ? c->isr : pic_irr(c);
}

static void pic_write_command(struct pic_chip *c, uint8_t value)
{
    if (value & PIC_ICW1_INIT)
        pic_icw1(c, value);
    else if (value & PIC_OCW3_SEL)
        pic_ocw3(c, value);
    else
        pic_ocw2(c, value);
}

static void pic_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct pic8259 *p = opaque;
    struct pic_chip *c = pic_chip_at(p, port);

    if (!(port & 1))
        pic_write_command(c, (uint8_t)value);
    else if (c->step != PIC_READY)
        pic_icw(p, c, (uint8_t)value);
    else
        c->imr = (uint8_t)value;
    pic_update(p);
}

static const struct ioport_ops pic_ops = {
    .read = pic_read,
    .write = pic_write,
    .sizes = 1,
};

static uint32_t pic_elcr_read(void *opaque, uint16_t port, unsigned size)
{
    struct pic8259 *p = opaque;

    return p->chip[port & 1].elcr;
}

static void pic_elcr_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct pic8259 *p = opaque;
    struct pic_chip *c = &p->chip[port & 1];

    c->elcr = (uint8_t)(value & pic_elcr_writable[port & 1]);
    /* a line switched to level keeps no stale edge for when it switches back */
    c->irr_edge &= (uint8_t)~c->elcr;
    pic_update(p);
}

static const struct ioport_ops pic_elcr_ops = {
    .read = pic_elcr_read,
    .write = pic_elcr_write,
    .sizes = 1,
};

/* ---- lines and lifecycle ---- */

static void pic_line_set(void *opaque, unsigned n, bool level)
{
    struct pic8259 *p = opaque;

    pic_set_pin(&p->chip[n >> 3], n & 7, level);
    pic_update(p);
}

struct irq_line pic8259_line(struct pic8259 *p, unsigned irq)
{
    struct irq_line line = { .set = NULL, .opaque = NULL, .n = irq };

    if (irq >= PIC_IRQS)
        return line;
    /* AT bus: the ISA IRQ2 pin is wired to the secondary's IR1 */
    line.n = irq == PIC_CASCADE_IRQ ? 9 : irq;
    line.set = pic_line_set;
    line.opaque = p;
    return line;
}

void pic8259_reset(struct pic8259 *p, bool power_on)
{
    if (power_on) {
        for (unsigned i = 0; i < 2; i++) {
            struct pic_chip *c = &p->chip[i];
            uint8_t pins = c->pins;

            *c = (struct pic_chip){ .primary = i == 0, .pins = pins, .lowest = 7 };
        }
    }
    pic_update(p);
}

struct pic8259 *pic8259_create(struct ioports *io, struct log *log, pic8259_intr_fn *intr,
                               void *opaque)
{
    static const uint16_t ports[] = { PIC_PRIMARY_PORT, PIC_SECONDARY_PORT, PIC_ELCR_PORT };
    struct pic8259 *p;

    /* all-or-nothing: the port space cannot unregister a half-done set */
    for (unsigned i = 0; i < 3; i++) {
        if (ioports_owner(io, ports[i]) || ioports_owner(io, (uint16_t)(ports[i] + 1)))
            return NULL;
    }
    p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->log = log;
    p->intr = intr;
    p->opaque = opaque;
    if (!ioports_register(io, PIC_PRIMARY_PORT, 2, &pic_ops, p, "8259 PIC primary") ||
        !ioports_register(io, PIC_SECONDARY_PORT, 2, &pic_ops, p, "8259 PIC secondary") ||
        !ioports_register(io, PIC_ELCR_PORT, 2, &pic_elcr_ops, p, "8259 ELCR")) {
        free(p);
        return NULL;
    }
    pic8259_reset(p, true);
    return p;
}

void pic8259_destroy(struct pic8259 *p)
{
    free(p);
}
