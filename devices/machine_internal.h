/* The board's private state, shared by its files: machine.c (building and
 * wiring the chips), machine_run.c (the run loop and virtual time) and
 * machine_io.c (what frontends read and drive). Nothing outside the board
 * includes this. */
#ifndef TD_MACHINE_INTERNAL_H
#define TD_MACHINE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu.h"
#include "machine.h"

enum {
    /* most guest instructions per exec_run call (100 us of virtual time at
     * the default rate): devices polled in a loop see time move */
    MACHINE_SLICE = 10000,
    PORT_POST = 0x80,
    PORT_SYSCTL_A = 0x92,
    SYSCTL_A_RESET = 0x01,
    SYSCTL_A_A20 = 0x02,
    /* --speed real: sleep when ahead by more than this, forget a lag beyond */
    PACE_AHEAD_NS = 2000000,
    PACE_BEHIND_NS = 200000000,
};

struct machine {
    struct log *log;
    struct bus *bus;
    struct ioports *io;
    struct cpu cpu;
    bool cpu_ready;
    struct exec *exec;
    struct vclock *clock;
    struct debugcon *debugcon;
    struct debugexit *debugexit;
    /* the PC chips */
    struct pic8259 *pic;
    struct pit8254 *pit;
    struct speaker *speaker;
    struct rtc146818 *rtc;
    struct ps2kbd *kbd;
    struct ps2mouse *mouse;
    struct i8042 *kbc;
    struct dma8237 *dma;
    struct fdc82077 *fdc;
    struct ide *ide[2];
    struct vga *vga;
    struct uart16550 *com1;
    FILE *serial;
    /* the trapdoor BIOS's VMM half (NULL for other firmware) and the image */
    struct bios *bios;
    uint8_t *bios_image;
    /* disk images: A:, B:, primary master and slave, CD-ROM */
    struct block *fd[2], *hd[2], *cd;
    /* port 92h, port 80h, the 8042's A20 output */
    uint8_t sysctl_a, post_code;
    bool a20_kbc;
    /* a reset of the CPU or a flush of translations waits for the run loop */
    bool reset_pending, flush_pending, in_exec;
    uint64_t max_insns;
    /* virtual time: icount * ns_per_insn + idle_ns (time skipped halted) */
    unsigned ns_per_insn;
    uint64_t idle_ns;
    /* the CPU halted waiting since this virtual time, with this many
     * interrupts taken so far */
    uint64_t halt_since, halt_irqs;
    enum machine_speed speed;
    uint64_t wall_base, vt_base;
    /* set by the debug-exit callback */
    bool exited;
    int exit_code;
    /* warm resets after a CPU shutdown (triple fault) or a reset request */
    uint64_t resets;
    /* the VMM info port (machine_vmminfo.c) */
    struct vmminfo *vmminfo;
};

/* Virtual time since power-on: icount * ns_per_insn + time skipped halted. */
static inline uint64_t machine_vtime(const struct machine *m)
{
    return m->cpu.icount * m->ns_per_insn + m->idle_ns;
}

/* The host's monotonic clock in nanoseconds (--speed real). */
uint64_t machine_wall_ns(void);

/* Reset the CPU at the start of the next run (8042 pulse, port 92h, button). */
void machine_request_reset(struct machine *m);

/* Recompute A20 from the 8042 output port and port 92h; a change flushes
 * translations between blocks. */
void machine_a20_update(struct machine *m);

/* The VMM info port at 5D0h-5D7h (machine_vmminfo.c); false when out of
 * memory or the ports are taken. */
bool machine_add_vmminfo(struct machine *m);
void machine_free_vmminfo(struct machine *m);

#endif
