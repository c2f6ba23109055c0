/* trapdoor's command-line entry point: parse options, load the BIOS image, build
 * the board, run it, and turn why it stopped into an exit status. The only
 * place that decides the process's exit status. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "log.h"
#include "machine.h"
#include "options.h"

/* The demo ROM, assembled from roms/demo.asm and embedded by roms/demo_rom.S. */
extern const uint8_t td_demo_rom[];
extern const uint32_t td_demo_rom_size;

static const char demo_rom_name[] = "built-in demo ROM";

/* Files and buffers a run owns, released by release(). */
struct run_files {
    FILE *log_file;
    FILE *debugcon_file;
    uint8_t *bios;
    size_t bios_size;
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

/* Open the -D and -debugcon files and load the BIOS. */
static bool acquire(const struct options *o, struct run_files *rf, char *err, size_t errlen)
{
    if (o->log_path && !(rf->log_file = open_output(o->log_path, "log", err, errlen)))
        return false;
    if (o->debugcon == OPTIONS_DEBUGCON_FILE &&
        !(rf->debugcon_file = open_output(o->debugcon_path, "debugcon", err, errlen)))
        return false;
    if (o->bios_path)
        return load_bios(o->bios_path, rf, err, errlen);
    return true;
}

static void release(struct run_files *rf)
{
    if (rf->log_file)
        fclose(rf->log_file);
    if (rf->debugcon_file)
        fclose(rf->debugcon_file);
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

static struct machine_config make_config(const struct options *o, const struct run_files *rf,
                                         struct log *log)
{
    struct machine_config cfg = {
        .ram_size = o->ram_size,
        .bios = o->bios_path ? rf->bios : td_demo_rom,
        .bios_size = o->bios_path ? rf->bios_size : td_demo_rom_size,
        .bios_name = o->bios_path ? o->bios_path : demo_rom_name,
        .debugcon = debugcon_stream(o, rf),
        .debug_exit = o->debug_exit,
        .debug_exit_iobase = o->debug_exit_iobase,
        .cpu_model = o->cpu_model,
        .max_insns = o->max_insns,
        .log = log,
    };
    return cfg;
}

static int exit_status(const struct machine_result *r)
{
    static const int statuses[] = {
        [MACHINE_STOP_HALTED] = OPTIONS_EXIT_HALTED,
        [MACHINE_STOP_IDLE] = OPTIONS_EXIT_IDLE,
        [MACHINE_STOP_BUDGET] = OPTIONS_EXIT_BUDGET,
    };

    if (r->stop == MACHINE_STOP_DEBUG_EXIT)
        return r->exit_code;
    return statuses[r->stop];
}

/* Build the machine, run it, report. Returns the process exit status. */
static int run_machine(const struct options *o, struct run_files *rf, struct log *log)
{
    struct machine_config cfg = make_config(o, rf, log);
    struct machine_result r;
    char err[512];
    struct machine *m = machine_create(&cfg, err, sizeof(err));

    if (!m) {
        fprintf(stderr, "trapdoor: %s\n", err);
        return OPTIONS_EXIT_ERROR;
    }
    r = machine_run(m);
    fflush(stdout);
    if (r.stop != MACHINE_STOP_DEBUG_EXIT)
        fprintf(stderr, "trapdoor: %s after %llu instructions\n", machine_stop_reason(r.stop),
                (unsigned long long)r.insns);
    if (log_enabled(log, LOG_STATS))
        machine_print_stats(m, log->out);
    machine_destroy(m);
    return exit_status(&r);
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
    return run(&o);
}
