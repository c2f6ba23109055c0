/* The debug console port (Bochs "port E9 hack", QEMU -debugcon): bytes written to
 * the port go to a host stream; reading the port returns 0xE9 so guests can detect it. */
#ifndef TD_DEBUGCON_H
#define TD_DEBUGCON_H

#include <stdint.h>
#include <stdio.h>

struct ioports;
struct debugcon;

enum { DEBUGCON_PORT = 0xE9 };

/* Register the console at port (one byte-wide port; wider writes are split by the
 * port space, so only the low byte reaches it). Bytes go to out, which must stay
 * open until debugcon_destroy; out is flushed at each newline.
 * Returns NULL if the port is taken or memory runs out. */
struct debugcon *debugcon_create(struct ioports *io, uint16_t port, FILE *out)
    __attribute__((warn_unused_result));

/* Flush out and free the state. The port space has no unregistration: destroy the
 * console only after its ioports is destroyed or no longer used. */
void debugcon_destroy(struct debugcon *con);

#endif
