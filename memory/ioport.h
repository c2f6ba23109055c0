/* The 64 K x86 I/O port space: named registrations, overlaps refused, unmapped
 * reads return all ones (logged once per port). */
#ifndef TD_IOPORT_H
#define TD_IOPORT_H

#include <stdbool.h>
#include <stdint.h>

struct log;

/* Port callbacks. port is the absolute port number. sizes is a mask of access
 * sizes the device handles (1|2|4); other sizes are split into byte accesses to
 * consecutive ports. */
struct ioport_ops {
    uint32_t (*read)(void *opaque, uint16_t port, unsigned size);
    void (*write)(void *opaque, uint16_t port, unsigned size, uint32_t value);
    uint8_t sizes;
};

struct ioports;

/* log may be NULL. Accesses are traced under LOG_IOPORT. */
struct ioports *ioports_create(struct log *log);
void ioports_destroy(struct ioports *io);

/* Register ports [first, first+count). Returns false (and registers nothing) if
 * any port is already taken or the range passes 0xFFFF. */
bool ioports_register(struct ioports *io, uint16_t first, uint32_t count,
                      const struct ioport_ops *ops, void *opaque, const char *name)
    __attribute__((warn_unused_result));

/* Name of the device owning port, or NULL. */
const char *ioports_owner(const struct ioports *io, uint16_t port);

/* size is 1, 2 or 4. Unmapped ports read as all ones of that size. */
uint32_t ioports_read(struct ioports *io, uint16_t port, unsigned size);
void ioports_write(struct ioports *io, uint16_t port, unsigned size, uint32_t value);

#endif
