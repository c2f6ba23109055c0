/* QEMU's isa-debug-exit device: a write of value v to its ports ends the run with
 * exit status (v << 1) | 1, so a guest's "success" can never read as status 0. */
#ifndef TD_DEBUGEXIT_H
#define TD_DEBUGEXIT_H

#include <stdbool.h>
#include <stdint.h>

struct ioports;
struct debugexit;

/* The iobase commonly used with QEMU (-device isa-debug-exit,iobase=0xf4,iosize=4). */
enum { DEBUGEXIT_PORT = 0xF4, DEBUGEXIT_IOSIZE = 4 };

typedef void debugexit_fn(void *opaque, int code);

/* Register ports [iobase, iobase + DEBUGEXIT_IOSIZE); writes of 1, 2 or 4 bytes at
 * any of them record code (v << 1) | 1 and call on_exit(opaque, code), which
 * typically stops the machine. Reads return 0, as in QEMU. on_exit may be NULL.
 * Returns NULL if a port is taken or memory runs out. */
struct debugexit *debugexit_create(struct ioports *io, uint16_t iobase, debugexit_fn *on_exit,
                                   void *opaque) __attribute__((warn_unused_result));
void debugexit_destroy(struct debugexit *dev);

/* Has the guest written the port? If so, *code is the recorded exit code. */
bool debugexit_exited(const struct debugexit *dev, int *code);

#endif
