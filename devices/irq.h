/* An interrupt request line from a chip to an interrupt controller. The board
 * wires each chip's line to a PIC input; chips only call irq_set. */
#ifndef TD_IRQ_H
#define TD_IRQ_H

#include <stdbool.h>

typedef void irq_set_fn(void *opaque, unsigned n, bool level);

struct irq_line {
    /* NULL: the line is not connected */
    irq_set_fn *set;
    void *opaque;
    /* input number on the receiving controller */
    unsigned n;
};

static inline void irq_set(const struct irq_line *line, bool level)
{
    if (line->set)
        line->set(line->opaque, line->n, level);
}

/* An edge for edge-triggered inputs: raise then lower. */
static inline void irq_pulse(const struct irq_line *line)
{
    irq_set(line, true);
    irq_set(line, false);
}

#endif
