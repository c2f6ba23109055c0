/* The board: a PC/AT-compatible machine that wires RAM, the BIOS ROM, the I/O
 * port space, the CPU, the execution engine, the PC chips (8259 pair, 8254,
 * speaker port, MC146818, 8042 with keyboard and mouse, 8237 pair, 82077 floppy
 * controller, two IDE channels, VGA, 16550 COM1) and the debug devices. Memory
 * map: RAM from 0, VGA at A0000h-BFFFFh, the BIOS ending at 1 MiB and at 4 GiB. */
#ifndef TD_MACHINE_H
#define TD_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "keymap.h"

struct log;
struct machine;

/* BIOS image sizes the board accepts: a multiple of 64 KiB (as QEMU requires),
 * from 64 KiB to 256 KiB. The last min(size, 128 KiB) bytes also appear below
 * 1 MiB (as QEMU's isa-bios alias does). */
enum {
    MACHINE_BIOS_UNIT = 64 * 1024,
    MACHINE_BIOS_MIN = 64 * 1024,
    MACHINE_BIOS_MAX = 256 * 1024,
    MACHINE_BIOS_LOW_MAX = 128 * 1024,
};

/* RAM sizes the board accepts (bytes, a multiple of 4 KiB). */
#define MACHINE_RAM_MIN (1u << 20)
#define MACHINE_RAM_MAX (3u << 30)

/* Virtual time per retired guest instruction by default: 10 ns (100 MIPS). */
enum { MACHINE_NS_PER_INSN = 10 };

/* How virtual time relates to the host's. */
enum machine_speed {
    /* as fast as the host can: virtual time only follows the guest */
    MACHINE_SPEED_MAX,
    /* sleep whenever virtual time runs ahead of the wall clock */
    MACHINE_SPEED_REAL,
};

struct machine_config {
    /* bytes of RAM at physical address 0 */
    uint32_t ram_size;
    /* BIOS image (copied by machine_create) and a name for messages. An image
     * whose F000 segment starts with the trapdoor BIOS header gets the BIOS's
     * services (roms/bios.h); NULL: the built-in trapdoor BIOS. */
    const uint8_t *bios;
    size_t bios_size;
    const char *bios_name;
    /* debug console at port 0xE9 writes here; NULL: no debug console */
    FILE *debugcon;
    /* isa-debug-exit device present, and its first port */
    bool debug_exit;
    uint16_t debug_exit_iobase;
    /* CPU model name or alias (cpu/cpuid.h); NULL: the default model */
    const char *cpu_model;
    /* stop after this many guest instructions; 0: no limit */
    uint64_t max_insns;
    /* -d / -D settings; must outlive the machine; may be NULL */
    struct log *log;
    /* disk image files (NULL: none): floppies A: and B:, IDE primary master
     * and slave, CD-ROM (ISO) as secondary master */
    const char *fda, *fdb, *hda, *hdb, *cdrom;
    /* floppy A: held in memory instead of the fda file (NULL: none): fda_size
     * bytes, copied; the guest's writes change only the copy */
    const uint8_t *fda_data;
    size_t fda_size;
    /* writes to the images stay in memory */
    bool snapshot;
    /* QEMU -boot order letters (a, c, d); NULL: a, then c, then d */
    const char *boot_order;
    /* QEMU -kernel and -append: a Multiboot kernel the trapdoor BIOS loads and
     * enters instead of booting a disk (NULL: none), and its arguments */
    const char *kernel, *kernel_cmdline;
    /* where COM1's output goes; NULL: nowhere */
    FILE *serial;
    enum machine_speed speed;
    /* virtual nanoseconds per instruction; 0: MACHINE_NS_PER_INSN */
    unsigned ns_per_insn;
};

/* Why machine_run returned. */
enum machine_stop {
    /* the guest wrote the isa-debug-exit port */
    MACHINE_STOP_DEBUG_EXIT,
    /* HLT with EFLAGS.IF = 0: nothing can ever wake the CPU */
    MACHINE_STOP_HALTED,
    /* HLT with EFLAGS.IF = 1, and no interrupt came for MACHINE_IDLE_LIMIT_S
     * seconds of virtual time */
    MACHINE_STOP_IDLE,
    /* max_insns guest instructions retired */
    MACHINE_STOP_BUDGET,
    /* machine_run_for: the virtual time asked for has passed */
    MACHINE_STOP_TIME,
};

enum { MACHINE_IDLE_LIMIT_S = 10 };

struct machine_result {
    enum machine_stop stop;
    /* the debug-exit code ((value << 1) | 1) when stop is MACHINE_STOP_DEBUG_EXIT */
    int exit_code;
    /* guest instructions retired by this run */
    uint64_t insns;
};

/* Build the machine described by cfg and reset it. Returns NULL and writes a
 * message naming the problem (bad BIOS size, bad RAM size, unknown CPU model,
 * missing or unusable disk image, port conflict, out of memory) into err. */
struct machine *machine_create(const struct machine_config *cfg, char *err, size_t errlen)
    __attribute__((warn_unused_result));
void machine_destroy(struct machine *m);

/* Run the guest until one of the enum machine_stop conditions. */
struct machine_result machine_run(struct machine *m);

/* Run for at most ns nanoseconds of virtual time (MACHINE_STOP_TIME when they
 * have passed), or until another stop condition. */
struct machine_result machine_run_for(struct machine *m, uint64_t ns);

/* Virtual time since power-on, in nanoseconds. */
uint64_t machine_time_ns(const struct machine *m);

/* The VGA text screen as characters (vga_render.h's vga_text_snapshot):
 * returns the full length, 0 in graphics modes. */
size_t machine_screen_text(const struct machine *m, char *out, size_t size);

/* A key of the PS/2 keyboard went down or up. */
void machine_key(struct machine *m, enum key key, bool down);

/* Bytes typed on COM1's line; returns how many the UART took. */
size_t machine_serial_input(struct machine *m, const uint8_t *bytes, size_t n);

/* One line saying why the run stopped ("guest halted with interrupts disabled"). */
const char *machine_stop_reason(enum machine_stop stop);

/* List the CPU models -cpu accepts (for -cpu help). */
void machine_print_cpu_models(FILE *f);

/* The -d stats exit report: translation statistics, VMM calls, exceptions. */
void machine_print_stats(const struct machine *m, FILE *f);

/* ---- display and input (frontend/: display, monitor) ---- */

struct vga;

/* The VGA, for rendering (vga_render.h). */
struct vga *machine_vga(struct machine *m);

/* The keyboard still holds bytes the 8042 has not taken: a frontend feeding
 * many keys waits for this to clear (the keyboard buffers only 16 bytes). */
bool machine_key_pending(const struct machine *m);

/* Host mouse motion (dy down), wheel and PS2MOUSE_BUTTON_* (ps2mouse_move). */
void machine_mouse(struct machine *m, int dx, int dy, int dz, unsigned buttons);

/* The reset button (QEMU's system_reset): the chips reset, the CPU at the
 * start of the next run; RAM, CMOS and the clock are kept. */
void machine_reset(struct machine *m);

/* Copy len bytes of guest physical memory at paddr into buf as the CPU would
 * read them (RAM, ROM, device memory; all ones where nothing is). false when
 * the range goes beyond 4 GiB. */
bool machine_read_phys(struct machine *m, uint64_t paddr, void *buf, size_t len)
    __attribute__((warn_unused_result));

/* The CPU's registers in the layout of QEMU's "info registers". */
void machine_print_registers(const struct machine *m, FILE *f);

#endif
