/* The debug console port: Bochs's port E9 hack and QEMU's isa-debugcon. Both read
 * back 0xE9 (QEMU's default "readback" property), which guests use to detect it. */
#include "debugcon.h"

#include <stdlib.h>

#include "ioport.h"

enum { DEBUGCON_READBACK = 0xE9 };

struct debugcon {
    FILE *out;
};

static uint32_t debugcon_read(void *opaque, uint16_t port, unsigned size)
{
    return DEBUGCON_READBACK;
}

static void debugcon_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct debugcon *con = opaque;

    fputc((int)(value & 0xFF), con->out);
    if ((value & 0xFF) == '\n')
        fflush(con->out);
}

static const struct ioport_ops debugcon_ops = {
    .read = debugcon_read,
    .write = debugcon_write,
    .sizes = 1,
};

struct debugcon *debugcon_create(struct ioports *io, uint16_t port, FILE *out)
{
    struct debugcon *con;

    if (!out)
        return NULL;
    con = calloc(1, sizeof(*con));
    if (!con)
        return NULL;
    con->out = out;
    if (!ioports_register(io, port, 1, &debugcon_ops, con, "debugcon")) {
        free(con);
        return NULL;
    }
    return con;
}

void debugcon_destroy(struct debugcon *con)
{
    if (!con)
        return;
    fflush(con->out);
    free(con);
}
