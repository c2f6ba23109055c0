/* The PC/AT DMA pair: two Intel 8237A controllers (8-bit channels 0-3 at 00h-0Fh,
 * 16-bit channels 4-7 at C0h-DFh, channel 4 cascading the first) and the 74LS612
 * page registers at 81h-8Fh. Transfers are calls from devices, not bus cycles. */
#ifndef TD_DMA8237_H
#define TD_DMA8237_H

#include <stdbool.h>
#include <stddef.h>

struct ioports;
struct bus;
struct log;
struct dma8237;

enum {
    DMA8237_CHANNELS = 8,
    /* channel 4 carries the first controller's requests (AT wiring) */
    DMA8237_CASCADE_CHANNEL = 4,
};

/* Register ports 00h-0Fh, 81h-8Fh (80h stays free for the POST code port) and
 * C0h-DFh. Memory goes through bus_read_ram/bus_write_ram only. log may be NULL.
 * Returns NULL if a port is taken or memory runs out. The state starts as after
 * dma8237_reset(d, true). */
struct dma8237 *dma8237_create(struct ioports *io, struct bus *bus, struct log *log)
    __attribute__((warn_unused_result));
/* The port space has no unregistration: destroy after io is no longer used. */
void dma8237_destroy(struct dma8237 *d);

/* RESET pin: clears command, status, request, temporary registers and the
 * flip-flop and masks every channel. power_on also clears the address, count,
 * mode and page registers (a warm reset keeps them, as the chips do). */
void dma8237_reset(struct dma8237 *d, bool power_on);

/* Is channel (0-7) able to serve a request now: its controller is enabled, the
 * channel is unmasked, its mode register was written since power-on and it is
 * not in cascade mode? */
bool dma8237_channel_ready(const struct dma8237 *d, unsigned channel);

/* A device requests len bytes on channel. The channel's mode decides the
 * direction: a write transfer copies buf into guest memory, a read transfer
 * fills buf from guest memory, verify moves nothing (buf untouched) but counts.
 * Addresses advance (or go down, in decrement mode) and wrap inside the 64 KiB
 * (8-bit) or 128 KiB (16-bit) page, as the chips do; 16-bit channels move whole
 * words (len is rounded down to even). Stops at terminal count: *tc (may be NULL)
 * tells whether TC was reached; the channel then reloads (autoinit) or masks
 * itself. Returns the bytes moved: 0 when the channel is not ready, or when any
 * byte would fall outside guest RAM (nothing is moved then; logged once). */
size_t dma8237_transfer(struct dma8237 *d, unsigned channel, void *buf, size_t len, bool *tc);

#endif
