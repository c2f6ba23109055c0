/* The board: the one place that knows every piece. PC memory map (RAM from 0,
 * the BIOS ending at 1 MiB and at 4 GiB so the reset vector FFFFFFF0h is ROM;
 * SDM vol. 3 9.1.4), QEMU's isa-debugcon and isa-debug-exit. */
#include "machine.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "cpu.h"
#include "cpuid.h"
#include "debugcon.h"
#include "debugexit.h"
#include "exec.h"
#include "ioport.h"
#include "log.h"

/* Guest instructions per exec_run call between checks of the stop conditions. */
enum { MACHINE_SLICE = 1000000 };

struct machine {
    struct log *log;
    struct bus *bus;
    struct ioports *io;
    struct cpu cpu;
    struct exec *exec;
    struct debugcon *debugcon;
    struct debugexit *debugexit;
    uint64_t max_insns;
    /* set by the debug-exit callback */
    bool exited;
    int exit_code;
};

static const char *const stop_reasons[] = {
    [MACHINE_STOP_DEBUG_EXIT] = "guest wrote the isa-debug-exit port",
    [MACHINE_STOP_HALTED] = "guest halted with interrupts disabled",
    [MACHINE_STOP_IDLE] = "guest halted waiting for an interrupt, but no device on this "
                          "board can raise one",
    [MACHINE_STOP_BUDGET] = "instruction budget (--max-insns) exhausted",
};

static bool check_bios(const struct machine_config *cfg, char *err, size_t errlen)
{
    const char *name = cfg->bios_name ? cfg->bios_name : "(BIOS)";

    if (cfg->bios == NULL || cfg->bios_size == 0) {
        snprintf(err, errlen, "BIOS image '%s' is empty", name);
        return false;
    }
    if (cfg->bios_size > MACHINE_BIOS_MAX || cfg->bios_size < MACHINE_BIOS_MIN ||
        cfg->bios_size % MACHINE_BIOS_UNIT != 0) {
        snprintf(err, errlen,
                 "BIOS image '%s' is %zu bytes: it must be 64, 128, 192 or 256 KiB "
                 "(a multiple of 64 KiB, at most 256 KiB)", name, cfg->bios_size);
        return false;
    }
    return true;
}

/* Map the image so that it ends at 4 GiB, and its last 128 KiB at most so that
 * they end at 1 MiB (the F000 segment real-mode code jumps to). */
static bool map_bios(struct machine *m, const struct machine_config *cfg, char *err,
                     size_t errlen)
{
    uint32_t size = (uint32_t)cfg->bios_size;
    uint32_t low_size = size < MACHINE_BIOS_LOW_MAX ? size : MACHINE_BIOS_LOW_MAX;
    const uint8_t *low = cfg->bios + (size - low_size);

    if (!bus_add_rom(m->bus, (uint32_t)(0x100000000ull - size), cfg->bios, size, "bios") ||
        !bus_add_rom(m->bus, 0x100000 - low_size, low, low_size, "isa-bios")) {
        snprintf(err, errlen, "cannot map the BIOS image into the physical address space");
        return false;
    }
    return true;
}

static void on_debug_exit(void *opaque, int code)
{
    struct machine *m = opaque;

    m->exited = true;
    m->exit_code = code;
    m->cpu.exit_request = 1;
}

static bool add_devices(struct machine *m, const struct machine_config *cfg, char *err,
                        size_t errlen)
{
    if (cfg->debugcon) {
        m->debugcon = debugcon_create(m->io, DEBUGCON_PORT, cfg->debugcon);
        if (!m->debugcon) {
            snprintf(err, errlen, "cannot add the debug console at port 0x%x",
                     (unsigned)DEBUGCON_PORT);
            return false;
        }
    }
    if (cfg->debug_exit) {
        m->debugexit = debugexit_create(m->io, cfg->debug_exit_iobase, on_debug_exit, m);
        if (!m->debugexit) {
            snprintf(err, errlen,
                     "cannot add isa-debug-exit at iobase=0x%x: "
                     "ports 0x%x-0x%x overlap another device",
                     (unsigned)cfg->debug_exit_iobase, (unsigned)cfg->debug_exit_iobase,
                     (unsigned)cfg->debug_exit_iobase + DEBUGEXIT_IOSIZE - 1);
            return false;
        }
    }
    return true;
}

static const struct cpu_model *find_model(const char *name, char *err, size_t errlen)
{
    const struct cpu_model *model = name ? cpu_model_find(name) : cpu_model_default();

    if (!model)
        snprintf(err, errlen, "unknown CPU model '%s' (-cpu help lists them)", name);
    return model;
}

static bool check_ram(uint32_t ram_size, char *err, size_t errlen)
{
    if (ram_size < MACHINE_RAM_MIN || ram_size > MACHINE_RAM_MAX || ram_size % 4096 != 0) {
        snprintf(err, errlen,
                 "RAM size %" PRIu32 " bytes: it must be a multiple of 4 KiB "
                 "from 1 MiB to 3 GiB", ram_size);
        return false;
    }
    return true;
}

static bool build(struct machine *m, const struct machine_config *cfg, char *err,
                  size_t errlen)
{
    const struct cpu_model *model = find_model(cfg->cpu_model, err, errlen);

    if (!model || !check_ram(cfg->ram_size, err, errlen) || !check_bios(cfg, err, errlen))
        return false;
    m->bus = bus_create(cfg->ram_size, m->log);
    m->io = ioports_create(m->log);
    if (!m->bus || !m->io) {
        snprintf(err, errlen, "out of memory allocating %" PRIu32 " bytes of RAM",
                 cfg->ram_size);
        return false;
    }
    if (!map_bios(m, cfg, err, errlen) || !add_devices(m, cfg, err, errlen))
        return false;
    cpu_init(&m->cpu, m->bus, m->io, m->log, model);
    m->exec = exec_create(&m->cpu, &(struct exec_config){0});
    if (!m->exec) {
        snprintf(err, errlen, "out of memory creating the execution engine");
        return false;
    }
    return true;
}

struct machine *machine_create(const struct machine_config *cfg, char *err, size_t errlen)
{
    struct machine *m = calloc(1, sizeof(*m));

    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    m->log = cfg->log;
    m->max_insns = cfg->max_insns;
    if (!build(m, cfg, err, errlen)) {
        machine_destroy(m);
        return NULL;
    }
    return m;
}

void machine_destroy(struct machine *m)
{
    if (!m)
        return;
    if (m->exec)
        exec_destroy(m->exec);
    /* the port space has no unregistration: devices go after it (debugcon.h) */
    if (m->io)
        ioports_destroy(m->io);
    if (m->debugcon)
        debugcon_destroy(m->debugcon);
    if (m->debugexit)
        debugexit_destroy(m->debugexit);
    if (m->bus)
        bus_destroy(m->bus);
    free(m);
}

static struct machine_result result(const struct machine *m, enum machine_stop stop,
                                    uint64_t start)
{
    return (struct machine_result){
        .stop = stop,
        .exit_code = stop == MACHINE_STOP_DEBUG_EXIT ? m->exit_code : 0,
        .insns = m->cpu.icount - start,
    };
}

static enum machine_stop halt_kind(const struct cpu *cpu)
{
    return (cpu->eflags & EFLAGS_IF) ? MACHINE_STOP_IDLE : MACHINE_STOP_HALTED;
}

struct machine_result machine_run(struct machine *m)
{
    uint64_t start = m->cpu.icount;

    for (;;) {
        uint64_t done = m->cpu.icount - start;
        uint64_t slice = MACHINE_SLICE;
        enum exec_status status;

        if (m->max_insns && done >= m->max_insns)
            return result(m, MACHINE_STOP_BUDGET, start);
        if (m->max_insns && m->max_insns - done < slice)
            slice = m->max_insns - done;
        status = exec_run(m->exec, slice);
        if (m->exited)
            return result(m, MACHINE_STOP_DEBUG_EXIT, start);
        /* no interrupt controller yet: a halted CPU can never be woken */
        if (status == EXEC_HALTED)
            return result(m, halt_kind(&m->cpu), start);
        if (status == EXEC_REQUEST)
            m->cpu.exit_request = 0;
    }
}

const char *machine_stop_reason(enum machine_stop stop)
{
    if ((size_t)stop >= sizeof(stop_reasons) / sizeof(stop_reasons[0]))
        return "unknown stop";
    return stop_reasons[stop];
}

void machine_print_cpu_models(FILE *f)
{
    const struct cpu_model *model;

    for (unsigned i = 0; (model = cpu_model_at(i)) != NULL; i++) {
        fprintf(f, "  %-12s %s", model->name, model->description);
        if (model->alias)
            fprintf(f, " (alias: %s)", model->alias);
        fprintf(f, "%s\n", model == cpu_model_default() ? " [default]" : "");
    }
}

void machine_print_stats(const struct machine *m, FILE *f)
{
    fprintf(f, "cpu: %" PRIu64 " exceptions, %" PRIu64 " external interrupts\n",
            m->cpu.stats.exceptions, m->cpu.stats.interrupts);
    exec_print_stats(m->exec, f);
}
