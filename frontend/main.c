/* trapdoor's command-line entry point: parse options, load the BIOS image (or
 * stage the built-in demo disk), build the board, run it, and turn why it
 * stopped into an exit status. The only place that decides the process's exit
 * status. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "demo_disk/demo_disk.h"
#include "log.h"
#include "machine.h"
#include "options.h"
#include "session.h"

/* The demo's isa-debug-exit value for "every step as expected" (roms/demo_disk/
 * demo.asm EXIT_OK), which the device turns into (0 << 1) | 1. */
enum { DEMO_EXIT_OK_STATUS = 1 };

/* Files and buffers a run owns, released by release(). */
struct run_files {
    FILE *log_file;
    FILE *debugcon_file;
    FILE *serial_file;
    uint8_t *bios;
    size_t bios_size;
    /* the demo disk image (DEMO_DISK_SIZE bytes) */
    uint8_t *demo;
};

/* Read at most MACHINE_BIOS_MAX bytes of path; machine_create checks the size
 * further. */
static bool load_bios(const char *path, struct run_files *rf, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    struct stat st;

    if (!f) {
        snprintf(err, errlen, "cannot open BIOS image '%s': %s", path, strerror(errno));
        return false;
    }
    rf->bios = malloc(MACHINE_BIOS_MAX + 1);
    if (!rf->bios) {
        snprintf(err, errlen, "out of memory reading '%s'", path);
        goto close_file;
    }
    rf->bios_size = fread(rf->bios, 1, MACHINE_BIOS_MAX + 1, f);
    if (ferror(f)) {
        snprintf(err, errlen, "cannot read BIOS image '%s': %s", path, strerror(errno));
        goto close_file;
    }
    if (rf->bios_size > MACHINE_BIOS_MAX) {
        long long size = fstat(fileno(f), &st) == 0 ? (long long)st.st_size : -1;
        snprintf(err, errlen, "BIOS image '%s' is too large (%lld bytes): the maximum is "
                 "%d bytes (256 KiB)", path, size, MACHINE_BIOS_MAX);
        goto close_file;
    }
    fclose(f);
    return true;

close_file:
    fclose(f);
    return false;
}

static FILE *open_output(const char *path, const char *what, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");

    if (!f)
        snprintf(err, errlen, "cannot open %s file '%s': %s", what, path, strerror(errno));
    return f;
}

/* The demo disk as a 1.44 MB floppy image in memory: the embedded sectors
 * with the configuration block's flags set, then zeros. The board copies it
 * into an in-memory block device, so the guest's writes stay in memory. */
static bool stage_demo_disk(const struct options *o, struct run_files *rf, char *err,
                            size_t errlen)
{
    size_t magic_len = strlen(DEMO_DISK_MAGIC);

    if (td_demo_disk_size > DEMO_DISK_SIZE ||
        memcmp(td_demo_disk + DEMO_DISK_MAGIC_OFFSET, DEMO_DISK_MAGIC, magic_len) != 0) {
        snprintf(err, errlen, "the built-in demo disk lacks its configuration block");
        return false;
    }
    rf->demo = calloc(1, DEMO_DISK_SIZE);
    if (!rf->demo) {
        snprintf(err, errlen, "cannot stage the built-in demo disk in memory: out of memory");
        return false;
    }
    memcpy(rf->demo, td_demo_disk, td_demo_disk_size);
    if (options_demo_waits(o))
        rf->demo[DEMO_DISK_FLAGS_OFFSET] |= DEMO_DISK_FLAG_WAIT;
    return true;
}

/* Open the -D and -debugcon files and load the BIOS (or the demo disk). */
static bool acquire(const struct options *o, struct run_files *rf, char *err, size_t errlen)
{
    if (o->log_path && !(rf->log_file = open_output(o->log_path, "log", err, errlen)))
        return false;
    if (o->debugcon == OPTIONS_DEBUGCON_FILE &&
        !(rf->debugcon_file = open_output(o->debugcon_path, "debugcon", err, errlen)))
        return false;
    if (o->serial == OPTIONS_SERIAL_FILE &&
        !(rf->serial_file = open_output(o->serial_path, "serial", err, errlen)))
        return false;
    if (o->bios_path)
        return load_bios(o->bios_path, rf, err, errlen);
    if (options_wants_demo(o))
        return stage_demo_disk(o, rf, err, errlen);
    return true;
}

static void release(struct run_files *rf)
{
    if (rf->log_file)
        fclose(rf->log_file);
    if (rf->debugcon_file)
        fclose(rf->debugcon_file);
    if (rf->serial_file)
        fclose(rf->serial_file);
    free(rf->demo);
    free(rf->bios);
}

static FILE *debugcon_stream(const struct options *o, const struct run_files *rf)
{
    if (o->debugcon == OPTIONS_DEBUGCON_STDIO)
        return stdout;
    if (o->debugcon == OPTIONS_DEBUGCON_FILE)
        return rf->debugcon_file;
    return NULL;
}

static FILE *serial_stream(const struct options *o, const struct run_files *rf)
{
    if (o->serial == OPTIONS_SERIAL_STDIO)
        return stdout;
    return o->serial == OPTIONS_SERIAL_FILE ? rf->serial_file : NULL;
}

static enum machine_speed speed_of(const struct options *o)
{
    if (o->speed == OPTIONS_SPEED_DEFAULT)
        return isatty(STDIN_FILENO) || session_interactive(&o->session) ? MACHINE_SPEED_REAL
                                                                         : MACHINE_SPEED_MAX;
    return o->speed == OPTIONS_SPEED_REAL ? MACHINE_SPEED_REAL : MACHINE_SPEED_MAX;
}

/* Firmware: -bios, else the trapdoor BIOS (NULL). The demo boots its disk as
 * A: from memory (writes never reach a file), and powers off through
 * isa-debug-exit, added at its usual port unless the options placed it. */
static void choose_bios(const struct options *o, const struct run_files *rf,
                        struct machine_config *cfg)
{
    if (o->bios_path) {
        cfg->bios = rf->bios;
        cfg->bios_size = rf->bios_size;
        cfg->bios_name = o->bios_path;
        return;
    }
    cfg->bios = NULL;
    cfg->bios_name = "built-in trapdoor BIOS";
    if (options_wants_demo(o)) {
        cfg->fda_data = rf->demo;
        cfg->fda_size = DEMO_DISK_SIZE;
        cfg->boot_order = "a";
        cfg->debug_exit = true;
    }
}

static struct machine_config make_config(const struct options *o, const struct run_files *rf,
                                         struct log *log)
{
    struct machine_config cfg = {
        .ram_size = o->ram_size,
        .debugcon = debugcon_stream(o, rf),
        .debug_exit = o->debug_exit,
        .debug_exit_iobase = o->debug_exit_iobase,
        .cpu_model = o->cpu_model,
        .max_insns = o->max_insns,
        .log = log,
        .fda = o->fda,
        .fdb = o->fdb,
        .hda = o->hda,
        .hdb = o->hdb,
        .cdrom = o->cdrom,
        .snapshot = o->snapshot,
        .boot_order = o->boot_order[0] ? o->boot_order : NULL,
        .kernel = o->kernel,
        .kernel_cmdline = o->kernel_cmdline,
        .serial = serial_stream(o, rf),
        .speed = speed_of(o),
    };
    choose_bios(o, rf, &cfg);
    return cfg;
}

/* Run with COM1 on stdio: between slices of virtual time, bytes read from stdin
 * go to the UART's input. */
static struct machine_result run_with_input(struct machine *m)
{
    uint8_t pending[256];
    size_t have = 0;
    struct machine_result total = {0};
    bool eof = false;

    for (;;) {
        struct machine_result r = machine_run_for(m, 10000000);
        total.insns += r.insns;
        if (r.stop != MACHINE_STOP_TIME) {
            total.stop = r.stop;
            total.exit_code = r.exit_code;
            return total;
        }
        struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
        if (!eof && have < sizeof(pending) && poll(&pfd, 1, 0) > 0) {
            ssize_t n = read(STDIN_FILENO, pending + have, sizeof(pending) - have);
            eof = n <= 0;
            have += n > 0 ? (size_t)n : 0;
        }
        size_t took = machine_serial_input(m, pending, have);
        memmove(pending, pending + took, have - took);
        have -= took;
    }
}

static int exit_status(const struct options *o, const struct machine_result *r)
{
    static const int statuses[] = {
        [MACHINE_STOP_HALTED] = OPTIONS_EXIT_HALTED,
        [MACHINE_STOP_IDLE] = OPTIONS_EXIT_IDLE,
        [MACHINE_STOP_BUDGET] = OPTIONS_EXIT_BUDGET,
        [MACHINE_STOP_TIME] = OPTIONS_EXIT_HALTED,
    };

    if (r->stop == MACHINE_STOP_DEBUG_EXIT && options_wants_demo(o) &&
        r->exit_code == DEMO_EXIT_OK_STATUS)
        return 0;
    if (r->stop == MACHINE_STOP_DEBUG_EXIT)
        return r->exit_code;
    return statuses[r->stop];
}

/* ---- display and input ---- */

/* Run with the display and the monitor the options ask for (session.h). */
static bool run_session(const struct options *o, const struct machine_config *cfg,
                        struct machine *m, struct machine_result *r, bool *quit)
{
    struct session_config sc = o->session;
    char err[512];

    sc.real_time = cfg->speed == MACHINE_SPEED_REAL;
    sc.serial_stdin = o->serial == OPTIONS_SERIAL_STDIO;
    if (session_run(&sc, m, r, quit, err, sizeof(err)))
        return true;
    fprintf(stderr, "trapdoor: %s\n", err);
    return false;
}

/* Build the machine, run it, report. Returns the process exit status. */
static int run_machine(const struct options *o, struct run_files *rf, struct log *log)
{
    struct machine_config cfg = make_config(o, rf, log);
    struct machine_result r;
    char err[512];
    bool quit = false;
    struct machine *m = machine_create(&cfg, err, sizeof(err));

    if (!m) {
        fprintf(stderr, "trapdoor: %s\n", err);
        return OPTIONS_EXIT_ERROR;
    }
    if (!session_interactive(&o->session))
        r = o->serial == OPTIONS_SERIAL_STDIO ? run_with_input(m) : machine_run(m);
    else if (!run_session(o, &cfg, m, &r, &quit)) {
        machine_destroy(m);
        return OPTIONS_EXIT_ERROR;
    }
    fflush(stdout);
    if (!quit && r.stop != MACHINE_STOP_DEBUG_EXIT)
        fprintf(stderr, "trapdoor: %s after %llu instructions\n", machine_stop_reason(r.stop),
                (unsigned long long)r.insns);
    if (log_enabled(log, LOG_STATS))
        machine_print_stats(m, log->out);
    machine_destroy(m);
    /* the user or the monitor quit: a normal end, as in QEMU */
    return quit ? 0 : exit_status(o, &r);
}

static int run(const struct options *o)
{
    struct run_files rf = {0};
    struct log log;
    char err[512];
    int status = OPTIONS_EXIT_ERROR;

    if (!acquire(o, &rf, err, sizeof(err))) {
        fprintf(stderr, "trapdoor: %s\n", err);
        goto release_files;
    }
    log_init(&log);
    log.mask = o->log_mask;
    if (rf.log_file)
        log.out = rf.log_file;
    status = run_machine(o, &rf, &log);

release_files:
    release(&rf);
    return status;
}

int main(int argc, char **argv)
{
    struct options o;
    char err[512];

    options_init(&o);
    if (!options_parse(&o, argc, argv, err, sizeof(err))) {
        fprintf(stderr, "trapdoor: %s\nTry 'trapdoor --help' for more information.\n", err);
        return OPTIONS_EXIT_ERROR;
    }
    switch (o.action) {
    case OPTIONS_HELP:
        options_print_usage(stdout);
        return 0;
    case OPTIONS_VERSION:
        printf("trapdoor %s\n", TRAPDOOR_VERSION);
        return 0;
    case OPTIONS_LOG_HELP:
        log_items_help(stdout);
        return 0;
    case OPTIONS_CPU_HELP:
        printf("CPU models (-cpu NAME):\n");
        machine_print_cpu_models(stdout);
        return 0;
    case OPTIONS_RUN:
        break;
    }
    /* the board builds its engine with the default configuration, which
     * reads these (translate/exec.h) */
    if (o.backend)
        setenv("TRAPDOOR_BACKEND", o.backend, 1);
    if (o.lockstep)
        setenv("TRAPDOOR_LOCKSTEP", "1", 1);
    return run(&o);
}
