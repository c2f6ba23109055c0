/* The x86 I/O port space (SDM vol. 1 18.2: 64 K 8-bit ports, 16/32-bit accesses
 * use consecutive ports, little-endian). A per-port owner table indexes the
 * registrations; unmapped ports float high (all ones), as on the ISA bus. */
#include "bits.h"
#include "ioport.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

enum {
    IOPORT_COUNT = 0x10000,
    /* owner indices are uint8_t, 0 meaning unmapped */
    IOPORT_MAX_REGS = 255,
    IOPORT_NAME_LEN = 32,
};

struct ioport_reg {
    const struct ioport_ops *ops;
    void *opaque;
    char name[IOPORT_NAME_LEN];
};

struct ioports {
    struct log *log;
    unsigned nregs;
    /* owner of each port: 0 = unmapped, n = regs[n - 1] */
    uint8_t owner[IOPORT_COUNT];
    /* unmapped ports already logged */
    uint8_t noted[IOPORT_COUNT / 8];
    struct ioport_reg regs[IOPORT_MAX_REGS];
};

struct ioports *ioports_create(struct log *log)
{
    struct ioports *io = calloc(1, sizeof(*io));

    if (io)
        io->log = log;
    return io;
}

void ioports_destroy(struct ioports *io)
{
    free(io);
}

bool ioports_register(struct ioports *io, uint16_t first, uint32_t count,
                      const struct ioport_ops *ops, void *opaque, const char *name)
{
    struct ioport_reg *reg;

    if (!ops || count == 0 || count > IOPORT_COUNT - (uint32_t)first ||
        io->nregs == IOPORT_MAX_REGS)
        return false;
    for (uint32_t port = first; port < first + count; port++) {
        if (io->owner[port] != 0)
            return false;
    }
    reg = &io->regs[io->nregs++];
    reg->ops = ops;
    reg->opaque = opaque;
    snprintf(reg->name, sizeof(reg->name), "%s", name ? name : "?");
    for (uint32_t port = first; port < first + count; port++)
        io->owner[port] = (uint8_t)io->nregs;
    return true;
}

static const struct ioport_reg *ioports_reg(const struct ioports *io, uint16_t port)
{
    uint8_t idx = io->owner[port];

    return idx ? &io->regs[idx - 1] : NULL;
}

const char *ioports_owner(const struct ioports *io, uint16_t port)
{
    const struct ioport_reg *reg = ioports_reg(io, port);

    return reg ? reg->name : NULL;
}

/* Can the access go to one owner (or be one unmapped access) at its size? */
static bool ioports_whole(const struct ioports *io, uint16_t port, unsigned size)
{
    const struct ioport_reg *reg = ioports_reg(io, port);

    for (unsigned i = 1; i < size; i++) {
        if (io->owner[(uint16_t)(port + i)] != io->owner[port])
            return false;
    }
    return !reg || size == 1 || (reg->ops->sizes & size);
}

static void ioports_note(struct ioports *io, uint16_t port, const char *dir)
{
    if (!log_enabled(io->log, LOG_UNIMP) || (io->noted[port >> 3] & (1u << (port & 7))))
        return;
    io->noted[port >> 3] |= (uint8_t)(1u << (port & 7));
    log_printf(io->log, LOG_UNIMP, "ioport: unmapped port 0x%04x (%s; logged once)\n", port, dir);
}

static uint32_t ioports_read_unit(struct ioports *io, uint16_t port, unsigned size)
{
    const struct ioport_reg *reg = ioports_reg(io, port);

    if (!reg) {
        ioports_note(io, port, "in");
        return size_mask(size);
    }
    if (!reg->ops->read)
        return size_mask(size);
    return reg->ops->read(reg->opaque, port, size) & size_mask(size);
}

static void ioports_write_unit(struct ioports *io, uint16_t port, unsigned size, uint32_t value)
{
    const struct ioport_reg *reg = ioports_reg(io, port);

    if (!reg) {
        ioports_note(io, port, "out");
        return;
    }
    if (reg->ops->write)
        reg->ops->write(reg->opaque, port, size, value & size_mask(size));
}

static void ioports_trace(const struct ioports *io, const char *dir, uint16_t port,
                          unsigned size, uint32_t value)
{
    const char *owner = ioports_owner(io, port);

    log_printf(io->log, LOG_IOPORT, "ioport: %s 0x%04x size %u value 0x%0*x (%s)\n", dir, port,
               size, (int)(2 * size), value, owner ? owner : "unmapped");
}

uint32_t ioports_read(struct ioports *io, uint16_t port, unsigned size)
{
    uint32_t value = 0;

    assert(size == 1 || size == 2 || size == 4);
    if (ioports_whole(io, port, size)) {
        value = ioports_read_unit(io, port, size);
    } else {
        for (unsigned i = 0; i < size; i++)
            value |= ioports_read_unit(io, (uint16_t)(port + i), 1) << (8 * i);
    }
    ioports_trace(io, "in", port, size, value);
    return value;
}

void ioports_write(struct ioports *io, uint16_t port, unsigned size, uint32_t value)
{
    assert(size == 1 || size == 2 || size == 4);
    value &= size_mask(size);
    ioports_trace(io, "out", port, size, value);
    if (ioports_whole(io, port, size)) {
        ioports_write_unit(io, port, size, value);
        return;
    }
    for (unsigned i = 0; i < size; i++)
        ioports_write_unit(io, (uint16_t)(port + i), 1, (value >> (8 * i)) & 0xFF);
}
