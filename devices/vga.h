/* IBM VGA: 256 KiB of display memory in four planes, the sequencer, graphics and
 * attribute controllers, CRTC, DAC and the general registers, at ports 3C0h-3CFh
 * and 3B4h/3B5h/3BAh or 3D4h/3D5h/3DAh, with CPU access at A0000h-BFFFFh.
 * Scan-out to pixels lives in vga_render.h. */
#ifndef TD_VGA_H
#define TD_VGA_H

#include <stdbool.h>
#include <stdint.h>

struct bus;
struct ioports;
struct log;
struct vclock;
struct vga;

enum {
    VGA_MEM_BASE = 0xA0000,
    VGA_MEM_SIZE = 0x20000,
    /* general registers, sequencer, graphics controller, attribute, DAC */
    VGA_PORT_FIRST = 0x3C0,
    VGA_PORT_COUNT = 16,
    /* CRTC index/data and input status 1: mono (Misc Output bit 0 = 0) or colour */
    VGA_PORT_CRTC_MONO = 0x3B4,
    VGA_PORT_CRTC_COLOR = 0x3D4,
    VGA_PORT_STATUS1_MONO = 0x3BA,
    VGA_PORT_STATUS1_COLOR = 0x3DA,
};

/* Register the VGA's ports on io and its memory window (VGA_MEM_BASE,
 * VGA_MEM_SIZE, byte accesses; wider ones are split by the bus) on bus, and
 * power-on reset it. clk drives the retrace bits of input status 1 and the blink
 * rates (may be NULL: time stands at 0). log may be NULL.
 * Returns NULL if a port or the memory window is taken or memory runs out. */
struct vga *vga_create(struct ioports *io, struct bus *bus, struct vclock *clk,
                       struct log *log) __attribute__((warn_unused_result));

/* Free the state. Ports and the memory window cannot be unregistered: destroy
 * the VGA only after its ioports and bus are destroyed or no longer used. */
void vga_destroy(struct vga *vga);

/* Reset every register to 0 (sequencer running, DAC pel mask FFh, attribute
 * flip-flop at index). No video mode is set: that is the BIOS's job.
 * power_on also clears display memory and the DAC; a warm reset keeps them. */
void vga_reset(struct vga *vga, bool power_on);

#endif
