/* QEMU's isa-debug-exit (hw/misc/debugexit): the guest writes v, the emulator exits
 * with (v << 1) | 1. Here the code is recorded and handed to a callback; only the
 * frontend turns it into a process exit status. */
#include "debugexit.h"

#include <stdlib.h>

#include "ioport.h"

struct debugexit {
    debugexit_fn *on_exit;
    void *opaque;
    bool exited;
    int code;
};

static uint32_t debugexit_read(void *opaque, uint16_t port, unsigned size)
{
    return 0;
}

static void debugexit_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct debugexit *dev = opaque;

    /* unsigned arithmetic: QEMU passes the same shifted value to exit() */
    dev->code = (int)((value << 1) | 1);
    dev->exited = true;
    if (dev->on_exit)
        dev->on_exit(dev->opaque, dev->code);
}

static const struct ioport_ops debugexit_ops = {
    .read = debugexit_read,
    .write = debugexit_write,
    .sizes = 1 | 2 | 4,
};

struct debugexit *debugexit_create(struct ioports *io, uint16_t iobase, debugexit_fn *on_exit,
                                   void *opaque)
{
    struct debugexit *dev = calloc(1, sizeof(*dev));

    if (!dev)
        return NULL;
    dev->on_exit = on_exit;
    dev->opaque = opaque;
    if (!ioports_register(io, iobase, DEBUGEXIT_IOSIZE, &debugexit_ops, dev, "debug-exit")) {
        free(dev);
        return NULL;
    }
    return dev;
}

void debugexit_destroy(struct debugexit *dev)
{
    free(dev);
}

bool debugexit_exited(const struct debugexit *dev, int *code)
{
    if (dev->exited && code)
        *code = dev->code;
    return dev->exited;
}
