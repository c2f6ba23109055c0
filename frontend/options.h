/* Command-line options in QEMU's vocabulary (-bios, -m, -cpu, -debugcon, -device,
 * -d, -D, -fda, -fdb, -hda, -hdb, -cdrom, -boot, -kernel, -append, -snapshot,
 * -serial, -display, -nographic) and a positional disk image, parsed into a
 * struct: no globals, no exit(). */
#ifndef TD_OPTIONS_H
#define TD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "session.h"

/* What main should do after parsing. */
enum options_action {
    OPTIONS_RUN,
    OPTIONS_HELP,
    OPTIONS_VERSION,
    /* -d help */
    OPTIONS_LOG_HELP,
    /* -cpu help */
    OPTIONS_CPU_HELP,
};

enum options_debugcon {
    OPTIONS_DEBUGCON_STDIO,
    OPTIONS_DEBUGCON_FILE,
    OPTIONS_DEBUGCON_NONE,
};

enum options_serial {
    OPTIONS_SERIAL_NONE,
    OPTIONS_SERIAL_STDIO,
    OPTIONS_SERIAL_FILE,
};

enum options_speed {
    /* real when stdin is a terminal, max otherwise */
    OPTIONS_SPEED_DEFAULT,
    OPTIONS_SPEED_MAX,
    OPTIONS_SPEED_REAL,
};

/* QEMU's isa-debug-exit defaults (hw/misc/debugexit.c). */
enum { OPTIONS_DEBUG_EXIT_IOBASE = 0x501 };

/* main's exit statuses, documented by --help. A debug-exit status is always odd. */
enum {
    OPTIONS_EXIT_HALTED = 0,
    OPTIONS_EXIT_ERROR = 1,
    OPTIONS_EXIT_BUDGET = 2,
    OPTIONS_EXIT_IDLE = 4,
};

/* Default RAM size, as QEMU's (128 MiB). */
#define OPTIONS_DEFAULT_RAM (128u << 20)

struct options {
    enum options_action action;
    /* -bios FILE; NULL: the built-in trapdoor BIOS */
    const char *bios_path;
    /* -m, in bytes, a multiple of 4 KiB */
    uint32_t ram_size;
    /* -cpu MODEL; NULL: the default model */
    const char *cpu_model;
    /* -debugcon; debugcon_path for OPTIONS_DEBUGCON_FILE */
    enum options_debugcon debugcon;
    const char *debugcon_path;
    /* -device isa-debug-exit[,iobase=N] */
    bool debug_exit;
    uint16_t debug_exit_iobase;
    /* -d items (enum log_item bits) and -D FILE (NULL: stderr) */
    uint32_t log_mask;
    const char *log_path;
    /* --max-insns N; 0: no limit */
    uint64_t max_insns;
    /* --backend NAME (NULL: $TRAPDOOR_BACKEND or the native one) and
     * --lockstep (every block also runs on the portable backend, compared) */
    const char *backend;
    bool lockstep;
    /* disk images (NULL: none): -fda, -fdb, -hda, -hdb, -cdrom or positional */
    const char *fda, *fdb, *hda, *hdb, *cdrom;
    /* -kernel FILE (a Multiboot kernel) and -append ARGS; NULL: not given */
    const char *kernel, *kernel_cmdline;
    /* -snapshot: image writes stay in memory */
    bool snapshot;
    /* -boot: the order letters (a, c, d), "" when not given */
    char boot_order[8];
    /* -serial (and -nographic: stdio); serial_path for OPTIONS_SERIAL_FILE */
    enum options_serial serial;
    const char *serial_path;
    /* -display none or -nographic */
    bool display_none;
    /* --speed */
    enum options_speed speed;

    /* ---- display and input ---- */
    /* -display NAME[,props] (the name is resolved after parsing: "none" with
     * display_none) and -monitor */
    struct session_config session;
    /* -debugcon was given: otherwise a terminal display turns the debug
     * console off, as both would write to the terminal */
    bool debugcon_given;
};

/* Does o ask for a PC boot (a disk image, -boot or -kernel)? */
bool options_wants_boot(const struct options *o);

/* Neither a boot nor -bios: boot the built-in demo disk. */
bool options_wants_demo(const struct options *o);

/* Does the demo wait for a key at the end of each page (a display shows it)? */
bool options_demo_waits(const struct options *o);

/* Fill o with the defaults (boot the demo disk, 128 MiB, debugcon on stdio). */
void options_init(struct options *o);

/* Parse argv[1..argc). Strings in o point into argv. Returns false with a message
 * naming the bad option or value in err (size errlen). Parsing stops at the
 * first option that sets an action other than OPTIONS_RUN. */
bool options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* The --help text. */
void options_print_usage(FILE *f);

#endif
