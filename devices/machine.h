/* The board: a PC-style machine that wires RAM, the BIOS ROM, the I/O port space,
 * the CPU, the execution engine and the debug devices together. The memory map
 * follows the PC's: RAM from 0, BIOS ending at 1 MiB and at 4 GiB. */
#ifndef TD_MACHINE_H
#define TD_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

struct machine_config {
    /* bytes of RAM at physical address 0 */
    uint32_t ram_size;
    /* BIOS image (copied by machine_create) and a name for messages */
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
};

/* Why machine_run returned. */
enum machine_stop {
    /* the guest wrote the isa-debug-exit port */
    MACHINE_STOP_DEBUG_EXIT,
    /* HLT with EFLAGS.IF = 0: nothing can ever wake the CPU */
    MACHINE_STOP_HALTED,
    /* HLT with EFLAGS.IF = 1, but this board has no device that can interrupt */
    MACHINE_STOP_IDLE,
    /* max_insns guest instructions retired */
    MACHINE_STOP_BUDGET,
};

struct machine_result {
    enum machine_stop stop;
    /* the debug-exit code ((value << 1) | 1) when stop is MACHINE_STOP_DEBUG_EXIT */
    int exit_code;
    /* guest instructions retired by this run */
    uint64_t insns;
};

/* Build the machine described by cfg and reset it. Returns NULL and writes a
 * message naming the problem (bad BIOS size, bad RAM size, unknown CPU model,
 * port conflict, out of memory) into err on failure. */
struct machine *machine_create(const struct machine_config *cfg, char *err, size_t errlen)
    __attribute__((warn_unused_result));
void machine_destroy(struct machine *m);

/* Run the guest until one of the enum machine_stop conditions. */
struct machine_result machine_run(struct machine *m);

/* One line saying why the run stopped ("guest halted with interrupts disabled"). */
const char *machine_stop_reason(enum machine_stop stop);

/* List the CPU models -cpu accepts (for -cpu help). */
void machine_print_cpu_models(FILE *f);

/* The -d stats exit report: translation statistics, VMM calls, exceptions. */
void machine_print_stats(const struct machine *m, FILE *f);

#endif
