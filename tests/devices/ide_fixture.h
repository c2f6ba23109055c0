/* Shared fixture of the IDE channel tests (test_ide.c, test_atapi.c): the
 * channel's port space and IRQ probe, its task-file registers (ATA-4 7.2),
 * image files in /tmp, port access and interrupt acknowledgement. The
 * includer defines IDE_FIXTURE_CMD, IDE_FIXTURE_CTL and IDE_FIXTURE_IRQ. */
#ifndef TD_TEST_IDE_FIXTURE_H
#define TD_TEST_IDE_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "ide.h"
#include "ioport.h"

enum {
    CMD = IDE_FIXTURE_CMD,
    CTL = IDE_FIXTURE_CTL,
    REG_ERROR = CMD + 1,
    REG_FEATURES = CMD + 1,
    REG_NSECTOR = CMD + 2,
    REG_SECTOR = CMD + 3,
    REG_LCYL = CMD + 4,
    REG_HCYL = CMD + 5,
    REG_SELECT = CMD + 6,
    REG_STATUS = CMD + 7,
    REG_COMMAND = CMD + 7,
    ST_ERR = 0x01,
    ST_DRQ = 0x08,
    ST_READY = 0x50,
    ST_BSY = 0x80,
};

/* The channel's interrupt line: its level and the rising edges seen. */
struct irq_probe {
    bool level;
    unsigned edges;
};

struct ide_channel {
    struct ioports *io;
    struct ide *ide;
    struct irq_probe irq;
};

static inline void irq_probe_set(void *opaque, unsigned n, bool level)
{
    struct irq_probe *p = opaque;

    assert_int_equal(n, IDE_FIXTURE_IRQ);
    assert_true(level != p->level);
    if (level)
        p->edges++;
    p->level = level;
}

/* A port space with the channel and no devices attached. */
static inline void ide_channel_open(struct ide_channel *c)
{
    c->io = ioports_create(NULL);
    c->ide = ide_create(c->io, CMD, CTL,
                        (struct irq_line){ irq_probe_set, &c->irq, IDE_FIXTURE_IRQ }, NULL);
    assert_non_null(c->ide);
}

static inline void ide_channel_close(struct ide_channel *c)
{
    ide_destroy(c->ide);
    ioports_destroy(c->io);
}

/* Write size bytes of data to a new file /tmp/td-<name>-XXXXXX, its name in path. */
static inline void write_image(char *path, size_t pathlen, const char *name,
                               const uint8_t *data, size_t size)
{
    int fd;

    snprintf(path, pathlen, "/tmp/td-%s-XXXXXX", name);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, size), (ssize_t)size);
    close(fd);
}

static inline uint8_t inb(struct ide_channel *c, uint16_t port)
{
    return (uint8_t)ioports_read(c->io, port, 1);
}

static inline void outb(struct ide_channel *c, uint16_t port, uint8_t v)
{
    ioports_write(c->io, port, 1, v);
}

/* Expect an interrupt, then acknowledge it by reading status (returned). */
static inline uint8_t take_irq(struct ide_channel *c, unsigned *edges)
{
    uint8_t status;

    assert_int_equal(c->irq.edges, *edges + 1);
    assert_true(c->irq.level);
    /* the alternate status does not acknowledge */
    status = inb(c, CTL);
    assert_true(c->irq.level);
    assert_int_equal(inb(c, REG_STATUS), status);
    assert_false(c->irq.level);
    *edges = c->irq.edges;
    return status;
}

#endif
