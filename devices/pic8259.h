/* The PC/AT pair of Intel 8259A interrupt controllers: the primary at 20h-21h, the
 * secondary at A0h-A1h cascaded on primary IR2, and the edge/level control registers
 * (ELCR, as in the PIIX) at 4D0h-4D1h. */
#ifndef TD_PIC8259_H
#define TD_PIC8259_H

#include <stdbool.h>
#include <stdint.h>

#include "irq.h"

struct ioports;
struct log;
struct pic8259;

enum {
    PIC_PRIMARY_PORT = 0x20,
    PIC_SECONDARY_PORT = 0xA0,
    PIC_ELCR_PORT = 0x4D0,
    /* inputs 0-7 on the primary, 8-15 on the secondary */
    PIC_IRQS = 16,
    /* the primary input the secondary's INT drives */
    PIC_CASCADE_IRQ = 2,
};

/* Called with the primary's INT output (the CPU's INTR pin) whenever it changes. */
typedef void pic8259_intr_fn(void *opaque, bool level);

/* Register the three port pairs and return the pair in its power-on state, or NULL
 * if a port is taken or memory runs out. intr may be NULL; log may be NULL. */
struct pic8259 *pic8259_create(struct ioports *io, struct log *log, pic8259_intr_fn *intr,
                               void *opaque) __attribute__((warn_unused_result));

/* Free the state (the port space has no unregistration: destroy it first or stop
 * using it). */
void pic8259_destroy(struct pic8259 *p);

/* power_on: everything cleared (no vectors programmed, all unmasked, edge-triggered).
 * Warm (CPU-only) reset keeps the programming: the 8259A has no RESET pin. Input
 * levels are kept either way, since the chips driving them keep driving. */
void pic8259_reset(struct pic8259 *p, bool power_on);

/* The input line for IRQ irq (0-15), for a chip to drive with irq_set/irq_pulse.
 * IRQ 2 is the cascade input: as on the AT bus, a line asked for IRQ 2 drives IRQ 9.
 * irq >= 16 gives an unconnected line. */
struct irq_line pic8259_line(struct pic8259 *p, unsigned irq);

/* The INTR level: the primary has a request the CPU should acknowledge. */
bool pic8259_pending(const struct pic8259 *p);

/* The CPU's INTA cycle: return the vector of the highest-priority request and move
 * it from IRR to ISR (or not, in AEOI mode), acknowledging through the secondary for
 * a cascaded request. With no request any more (it went away since INTR rose), the
 * spurious vector base+7 is returned and no ISR bit is set; on the secondary the
 * primary's IR2 ISR bit is still set, as on the hardware. */
uint8_t pic8259_ack(struct pic8259 *p);

#endif
