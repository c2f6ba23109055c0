/* The VGA test rig shared by test_vga.c and test_vga_render.c: a VGA on its
 * own port space, bus and clock, and the register writes a BIOS mode set does
 * (the standard register sets are in vga_modes.h). */
#ifndef TD_TEST_VGA_RIG_H
#define TD_TEST_VGA_RIG_H

#include <stdint.h>
#include <stdlib.h>

#include "bus.h"
#include "clock.h"
#include "ioport.h"
#include "vga.h"
#include "vga_modes.h"
#include "vga_render.h"

enum { W = VGA_RENDER_MAX_WIDTH, H = VGA_RENDER_MAX_HEIGHT };

struct rig {
    struct ioports *io;
    struct bus *bus;
    struct vclock *clk;
    struct vga *vga;
    uint32_t pixels[W * H];
    struct vga_render_info info;
};

static inline int rig_setup(void **state)
{
    struct rig *r = calloc(1, sizeof(*r));

    assert_non_null(r);
    r->io = ioports_create(NULL);
    r->bus = bus_create(1u << 20, NULL);
    r->clk = vclock_create();
    assert_non_null(r->io);
    assert_non_null(r->bus);
    assert_non_null(r->clk);
    r->vga = vga_create(r->io, r->bus, r->clk, NULL);
    assert_non_null(r->vga);
    *state = r;
    return 0;
}

static inline int rig_teardown(void **state)
{
    struct rig *r = *state;

    vga_destroy(r->vga);
    vclock_destroy(r->clk);
    bus_destroy(r->bus);
    ioports_destroy(r->io);
    free(r);
    return 0;
}

static inline void outb(struct rig *r, uint16_t port, uint8_t value)
{
    ioports_write(r->io, port, 1, value);
}

static inline uint8_t inb(struct rig *r, uint16_t port)
{
    return (uint8_t)ioports_read(r->io, port, 1);
}

static inline uint16_t crtc_port(struct rig *r)
{
    return (inb(r, 0x3CC) & 1) ? 0x3D4 : 0x3B4;
}

static inline void seq_w(struct rig *r, uint8_t index, uint8_t value)
{
    /* one word OUT, as BIOSes do: the port space splits it into 3C4h, 3C5h */
    ioports_write(r->io, 0x3C4, 2, (uint32_t)value << 8 | index);
}

static inline void gc_w(struct rig *r, uint8_t index, uint8_t value)
{
    outb(r, 0x3CE, index);
    outb(r, 0x3CF, value);
}

static inline void crtc_w(struct rig *r, uint8_t index, uint8_t value)
{
    outb(r, crtc_port(r), index);
    outb(r, crtc_port(r) + 1, value);
}

static inline void set_mode(struct rig *r, const struct vga_mode *m)
{
    seq_w(r, 0, 0x01);
    for (uint8_t i = 1; i < 5; i++)
        seq_w(r, i, m->seq[i]);
    outb(r, 0x3C2, m->misc);
    seq_w(r, 0, 0x03);
    crtc_w(r, 0x11, m->crtc[0x11] & 0x7F);
    for (uint8_t i = 0; i < 25; i++)
        crtc_w(r, i, m->crtc[i]);
    for (uint8_t i = 0; i < 9; i++)
        gc_w(r, i, m->gc[i]);
    inb(r, (m->misc & 1) ? 0x3DA : 0x3BA);
    for (uint8_t i = 0; i < 21; i++) {
        outb(r, 0x3C0, i);
        outb(r, 0x3C0, m->attr[i]);
    }
    outb(r, 0x3C0, 0x20);
}

#endif
