/* The board: the one place that knows every piece. PC/AT memory map (RAM from 0,
 * VGA at A0000h, the BIOS ending at 1 MiB and at 4 GiB so the reset vector
 * FFFFFFF0h is ROM; SDM vol. 3 9.1.4), the PC chips at their AT resources (IBM
 * PC/AT technical reference "System board"), port 92h (PS/2 system control port
 * A), port 80h (POST codes), QEMU's isa-debugcon and isa-debug-exit, and the
 * virtual clock driven by retired instructions. */
#include "machine.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bios.h"
#include "block.h"
#include "bus.h"
#include "clock.h"
#include "cpu.h"
#include "cpuid.h"
#include "debugcon.h"
#include "debugexit.h"
#include "dma8237.h"
#include "exec.h"
#include "fdc82077.h"
#include "i8042.h"
#include "ide.h"
#include "ioport.h"
#include "log.h"
#include "pic8259.h"
#include "pit8254.h"
#include "ps2kbd.h"
#include "ps2mouse.h"
#include "rtc146818.h"
#include "speaker.h"
#include "uart16550.h"
#include "vga.h"
#include "vga_render.h"

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
};

static const char *const stop_reasons[] = {
    [MACHINE_STOP_DEBUG_EXIT] = "guest wrote the isa-debug-exit port",
    [MACHINE_STOP_HALTED] = "guest halted with interrupts disabled",
    [MACHINE_STOP_IDLE] = "guest halted waiting for an interrupt, but no device "
                          "raised one in 10 s of virtual time",
    [MACHINE_STOP_BUDGET] = "instruction budget (--max-insns) exhausted",
    [MACHINE_STOP_TIME] = "the virtual time asked for has passed",
};

/* ---------------------------------------------------------------- firmware */

static bool check_bios(const struct machine_config *cfg, char *err, size_t errlen)
{
    const char *name = cfg->bios_name ? cfg->bios_name : "(BIOS)";

    if (cfg->bios_size == 0) {
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

/* The trapdoor BIOS (a 64 KiB image with its header) gets its VMM half, which
 * writes the fonts and tables into the copy before it is mapped. */
static bool attach_bios(struct machine *m, const struct machine_config *cfg, size_t size,
                        char *err, size_t errlen)
{
    if (size != BIOS_IMAGE_SIZE || memcmp(m->bios_image, "TDBIOS", 6) != 0)
        return true;
    struct bios_config bc = {
        .cpu = &m->cpu, .bus = m->bus, .io = m->io, .log = m->log,
        .ram_size = cfg->ram_size, .floppy = {m->fd[0], m->fd[1]},
        .disk = {m->hd[0], m->hd[1]}, .cdrom = m->cd, .boot_order = cfg->boot_order,
    };
    m->bios = bios_create(&bc, m->bios_image, size, err, errlen);
    return m->bios != NULL;
}

/* Map the image so that it ends at 4 GiB, and its last 128 KiB at most so that
 * they end at 1 MiB (the F000 segment real-mode code jumps to). */
static bool map_bios(struct machine *m, const struct machine_config *cfg, char *err,
                     size_t errlen)
{
    const uint8_t *src = cfg->bios ? cfg->bios : td_bios_rom;
    uint32_t size = cfg->bios ? (uint32_t)cfg->bios_size : td_bios_rom_size;
    uint32_t low_size = size < MACHINE_BIOS_LOW_MAX ? size : MACHINE_BIOS_LOW_MAX;

    m->bios_image = malloc(size);
    if (!m->bios_image) {
        snprintf(err, errlen, "out of memory copying the BIOS image");
        return false;
    }
    memcpy(m->bios_image, src, size);
    if (!attach_bios(m, cfg, size, err, errlen))
        return false;
    if (!bus_add_rom(m->bus, (uint32_t)(0x100000000ull - size), m->bios_image, size, "bios") ||
        !bus_add_rom(m->bus, 0x100000 - low_size, m->bios_image + (size - low_size), low_size,
                     "isa-bios")) {
        snprintf(err, errlen, "cannot map the BIOS image into the physical address space");
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------- board wiring */

static void on_debug_exit(void *opaque, int code)
{
    struct machine *m = opaque;

    m->exited = true;
    m->exit_code = code;
    m->cpu.exit_request = 1;
}

static void on_intr(void *opaque, bool level)
{
    struct machine *m = opaque;

    m->cpu.intr = level;
    if (level && m->in_exec)
        m->cpu.exit_request = 1;
}

static uint8_t on_inta(void *opaque)
{
    struct machine *m = opaque;
    return pic8259_ack(m->pic);
}

static const struct cpu_irq_ops irq_ops = {.ack = on_inta};

static void request_reset(struct machine *m)
{
    m->reset_pending = true;
    m->cpu.exit_request = 1;
}

/* A20 is the 8042's output port bit 1 OR port 92h bit 1. Translated blocks
 * are chained by physical address: a change throws them away (between blocks). */
static void a20_update(struct machine *m)
{
    bool on = m->a20_kbc || (m->sysctl_a & SYSCTL_A_A20);

    if (on == bus_a20(m->bus))
        return;
    bus_set_a20(m->bus, on);
    if (m->cpu_ready) {
        mmu_tlb_flush(&m->cpu.tlb, false);
        m->flush_pending = true;
        m->cpu.exit_request = 1;
    }
}

static void kbc_reset(void *opaque)
{
    request_reset(opaque);
}

static void kbc_a20(void *opaque, bool on)
{
    struct machine *m = opaque;
    m->a20_kbc = on;
    a20_update(m);
}

static const struct i8042_board_ops kbc_ops = {.reset = kbc_reset, .set_a20 = kbc_a20};

static uint32_t sysctl_read(void *opaque, uint16_t port, unsigned size)
{
    struct machine *m = opaque;
    return port == PORT_POST ? m->post_code : m->sysctl_a;
}

/* Port 92h: bit 1 fast A20, bit 0 (rising) resets the CPU. Port 80h: POST codes. */
static void sysctl_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct machine *m = opaque;

    if (port == PORT_POST) {
        m->post_code = (uint8_t)value;
        log_printf(m->log, LOG_UNIMP, "POST code %02Xh\n", m->post_code);
        return;
    }
    if ((value & SYSCTL_A_RESET) && !(m->sysctl_a & SYSCTL_A_RESET))
        request_reset(m);
    m->sysctl_a = (uint8_t)(value & ~SYSCTL_A_RESET);
    a20_update(m);
}

static const struct ioport_ops sysctl_ops = {.read = sysctl_read, .write = sysctl_write,
                                             .sizes = 1};

static void serial_out(void *opaque, uint8_t byte)
{
    struct machine *m = opaque;

    if (!m->serial)
        return;
    fputc(byte, m->serial);
    if (byte == '\n')
        fflush(m->serial);
}

static const struct uart_backend serial_backend = {.write = serial_out};

static bool add_debug_devices(struct machine *m, const struct machine_config *cfg, char *err,
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

static bool add_timers(struct machine *m)
{
    m->pic = pic8259_create(m->io, m->log, on_intr, m);
    if (!m->pic)
        return false;
    m->pit = pit8254_create(m->io, m->clock, pic8259_line(m->pic, 0), m->log);
    if (!m->pit)
        return false;
    m->speaker = speaker_create(m->io, m->clock, m->pit, m->log);
    m->rtc = rtc146818_create(m->io, m->clock, pic8259_line(m->pic, RTC146818_IRQ), NULL,
                              m->log);
    return m->speaker && m->rtc;
}

static bool add_input(struct machine *m)
{
    m->kbd = ps2kbd_create(m->clock, m->log);
    m->mouse = ps2mouse_create(m->log);
    if (!m->kbd || !m->mouse)
        return false;
    m->kbc = i8042_create(m->io, pic8259_line(m->pic, 1), pic8259_line(m->pic, 12), m->kbd,
                          m->mouse, &kbc_ops, m, m->log);
    return m->kbc && ioports_register(m->io, PORT_SYSCTL_A, 1, &sysctl_ops, m, "port 92h") &&
           ioports_register(m->io, PORT_POST, 1, &sysctl_ops, m, "POST code");
}

static bool add_storage(struct machine *m)
{
    m->dma = dma8237_create(m->io, m->bus, m->log);
    if (!m->dma)
        return false;
    m->fdc = fdc82077_create(m->io, m->dma, pic8259_line(m->pic, FDC82077_IRQ), m->log);
    m->ide[0] = ide_create(m->io, IDE_PRIMARY_CMD, IDE_PRIMARY_CTL,
                           pic8259_line(m->pic, IDE_PRIMARY_IRQ), m->log);
    m->ide[1] = ide_create(m->io, IDE_SECONDARY_CMD, IDE_SECONDARY_CTL,
                           pic8259_line(m->pic, IDE_SECONDARY_IRQ), m->log);
    return m->fdc && m->ide[0] && m->ide[1];
}

static bool add_pc_chips(struct machine *m, char *err, size_t errlen)
{
    bool ok = add_timers(m) && add_input(m) && add_storage(m);

    if (ok) {
        m->vga = vga_create(m->io, m->bus, m->clock, m->log);
        m->com1 = uart16550_create(m->io, UART16550_COM1_BASE, m->clock,
                                   pic8259_line(m->pic, UART16550_COM1_IRQ), &serial_backend,
                                   m, m->log);
        ok = m->vga && m->com1;
    }
    if (!ok)
        snprintf(err, errlen, "cannot create the PC chips (out of memory or a port conflict)");
    return ok;
}

/* ---------------------------------------------------------------- disks */

static bool open_image(const char *path, bool snapshot, struct block **out, char *err,
                       size_t errlen)
{
    if (!path)
        return true;
    *out = block_open(path, snapshot, err, errlen);
    return *out != NULL;
}

static bool open_images(struct machine *m, const struct machine_config *cfg, char *err,
                        size_t errlen)
{
    return open_image(cfg->fda, cfg->snapshot, &m->fd[0], err, errlen) &&
           open_image(cfg->fdb, cfg->snapshot, &m->fd[1], err, errlen) &&
           open_image(cfg->hda, cfg->snapshot, &m->hd[0], err, errlen) &&
           open_image(cfg->hdb, cfg->snapshot, &m->hd[1], err, errlen) &&
           open_image(cfg->cdrom, true, &m->cd, err, errlen);
}

static bool attach_images(struct machine *m, char *err, size_t errlen)
{
    for (unsigned i = 0; i < 2; i++) {
        if (m->fd[i] && !fdc82077_attach(m->fdc, i, m->fd[i], err, errlen))
            return false;
        if (m->hd[i] && !ide_attach_disk(m->ide[0], i, m->hd[i])) {
            snprintf(err, errlen, "cannot attach '%s' to the IDE channel", block_path(m->hd[i]));
            return false;
        }
    }
    if (m->cd && !ide_attach_cdrom(m->ide[1], 0, m->cd)) {
        snprintf(err, errlen, "cannot attach CD-ROM image '%s'", block_path(m->cd));
        return false;
    }
    return true;
}

/* CMOS as the AT's setup leaves it: drives, equipment, memory sizes, checksum. */
static void fill_cmos(struct machine *m, uint32_t ram_size)
{
    unsigned fa = fdc82077_drive_type(m->fdc, 0), fb = fdc82077_drive_type(m->fdc, 1);
    unsigned floppies = (fa != 0) + (fb != 0);
    uint32_t ext_kb = ram_size > 0x100000 ? (ram_size - 0x100000) >> 10 : 0;
    uint32_t above16 = ram_size > 0x1000000 ? (ram_size - 0x1000000) >> 16 : 0;
    const struct {
        uint8_t index;
        uint32_t value;
    } bytes[] = {
        {CMOS_FLOPPY_TYPES, fa << 4 | fb},
        /* type 15: see 19h/1Ah, where 47 is the user-defined type */
        {CMOS_DISK_TYPES, (m->hd[0] ? 0xF0u : 0) | (m->hd[1] ? 0x0Fu : 0)},
        {CMOS_DISK0_TYPE, m->hd[0] ? 47 : 0},
        {CMOS_DISK1_TYPE, m->hd[1] ? 47 : 0},
        {CMOS_EQUIPMENT, (floppies ? 0x01u | (floppies - 1) << 6 : 0) |
                             (m->cpu.model->features & CPUID_FPU ? 0x02u : 0)},
        {CMOS_BASE_MEM_LO, 640 & 0xFF}, {CMOS_BASE_MEM_HI, 640 >> 8},
        {CMOS_EXT_MEM_LO, ext_kb > 0xFFFF ? 0xFF : ext_kb & 0xFF},
        {CMOS_EXT_MEM_HI, ext_kb > 0xFFFF ? 0xFF : ext_kb >> 8},
        {CMOS_EXT_MEM2_LO, ext_kb > 0xFFFF ? 0xFF : ext_kb & 0xFF},
        {CMOS_EXT_MEM2_HI, ext_kb > 0xFFFF ? 0xFF : ext_kb >> 8},
        {CMOS_MEM_16M_LO, above16 & 0xFF}, {CMOS_MEM_16M_HI, above16 >> 8},
    };

    for (size_t i = 0; i < sizeof(bytes) / sizeof(bytes[0]); i++)
        rtc146818_nvram_set(m->rtc, bytes[i].index, (uint8_t)bytes[i].value);
    rtc146818_update_checksum(m->rtc);
}

/* ---------------------------------------------------------------- create */

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

    if (!model || !check_ram(cfg->ram_size, err, errlen) ||
        (cfg->bios && !check_bios(cfg, err, errlen)) || !open_images(m, cfg, err, errlen))
        return false;
    m->bus = bus_create(cfg->ram_size, m->log);
    m->io = ioports_create(m->log);
    m->clock = vclock_create();
    if (!m->bus || !m->io || !m->clock) {
        snprintf(err, errlen, "out of memory allocating %" PRIu32 " bytes of RAM",
                 cfg->ram_size);
        return false;
    }
    if (!add_debug_devices(m, cfg, err, errlen) || !add_pc_chips(m, err, errlen) ||
        !attach_images(m, err, errlen) || !map_bios(m, cfg, err, errlen))
        return false;
    cpu_init(&m->cpu, m->bus, m->io, m->log, model);
    m->cpu.irq_ops = &irq_ops;
    m->cpu.irq_opaque = m;
    m->cpu_ready = true;
    fill_cmos(m, cfg->ram_size);
    m->exec = exec_create(&m->cpu, &(struct exec_config){0});
    if (!m->exec) {
        snprintf(err, errlen, "out of memory creating the execution engine");
        return false;
    }
    return true;
}

static uint64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
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
    m->serial = cfg->serial;
    m->speed = cfg->speed;
    m->ns_per_insn = cfg->ns_per_insn ? cfg->ns_per_insn : MACHINE_NS_PER_INSN;
    if (!build(m, cfg, err, errlen)) {
        machine_destroy(m);
        return NULL;
    }
    m->wall_base = wall_ns();
    return m;
}

static void destroy_chips(struct machine *m)
{
    if (m->bios)
        bios_destroy(m->bios);
    if (m->com1)
        uart16550_destroy(m->com1);
    if (m->vga)
        vga_destroy(m->vga);
    for (unsigned i = 0; i < 2; i++)
        if (m->ide[i])
            ide_destroy(m->ide[i]);
    if (m->fdc)
        fdc82077_destroy(m->fdc);
    if (m->dma)
        dma8237_destroy(m->dma);
    if (m->kbc)
        i8042_destroy(m->kbc);
    if (m->mouse)
        ps2mouse_destroy(m->mouse);
    if (m->kbd)
        ps2kbd_destroy(m->kbd);
    if (m->rtc)
        rtc146818_destroy(m->rtc);
    if (m->speaker)
        speaker_destroy(m->speaker);
    if (m->pit)
        pit8254_destroy(m->pit);
    if (m->pic)
        pic8259_destroy(m->pic);
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
    destroy_chips(m);
    if (m->debugcon)
        debugcon_destroy(m->debugcon);
    if (m->debugexit)
        debugexit_destroy(m->debugexit);
    if (m->clock)
        vclock_destroy(m->clock);
    if (m->bus)
        bus_destroy(m->bus);
    struct block *images[] = {m->fd[0], m->fd[1], m->hd[0], m->hd[1], m->cd};
    for (size_t i = 0; i < sizeof(images) / sizeof(images[0]); i++)
        if (images[i])
            block_close(images[i]);
    free(m->bios_image);
    free(m);
}

/* ---------------------------------------------------------------- time */

static uint64_t vtime(const struct machine *m)
{
    return m->cpu.icount * m->ns_per_insn + m->idle_ns;
}

/* --speed real: sleep while virtual time is ahead of the wall clock. */
static void pace(struct machine *m)
{
    uint64_t v = vtime(m) - m->vt_base, w = wall_ns() - m->wall_base;

    if (m->speed != MACHINE_SPEED_REAL)
        return;
    if (v > w + PACE_AHEAD_NS) {
        uint64_t ns = v - w;
        struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000u),
                              .tv_nsec = (long)(ns % 1000000000u)};
        nanosleep(&ts, NULL);
    } else if (w > v + PACE_BEHIND_NS) {
        m->wall_base = wall_ns() - v;
    }
}

static void clock_sync(struct machine *m)
{
    vclock_advance_to(m->clock, vtime(m));
    pace(m);
}

/* The CPU halted with interrupts enabled: let virtual time jump to the next
 * timer deadline. false when nothing has interrupted it for too long. */
static bool idle_skip(struct machine *m, uint64_t until)
{
    uint64_t now = vtime(m), next = vclock_next_deadline(m->clock);

    if (m->cpu.intr)
        return true;
    if (m->cpu.stats.interrupts != m->halt_irqs || m->halt_since > now) {
        m->halt_irqs = m->cpu.stats.interrupts;
        m->halt_since = now;
    }
    if (next == UINT64_MAX || next - m->halt_since > MACHINE_IDLE_LIMIT_S * 1000000000ull)
        return false;
    if (next > until)
        next = until;
    if (next > now)
        m->idle_ns += next - now;
    clock_sync(m);
    return true;
}

/* A reset of the CPU alone (8042 pulse, port 92h, triple fault): RAM and the
 * chips keep their state, as on the AT; the BIOS's POST starts again. */
static void warm_reset(struct machine *m)
{
    m->resets++;
    log_printf(m->log, LOG_INT, "machine: CPU %s, warm reset %" PRIu64 "\n",
               m->cpu.shutdown ? "shutdown" : "reset requested", m->resets);
    m->reset_pending = false;
    cpu_reset(&m->cpu);
    m->cpu.intr = pic8259_pending(m->pic);
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

/* Instructions to run before the next timer deadline (or stop). */
static uint64_t slice_insns(const struct machine *m, uint64_t until)
{
    uint64_t now = vtime(m), next = vclock_next_deadline(m->clock), n;

    if (next > until)
        next = until;
    n = next > now ? (next - now + m->ns_per_insn - 1) / m->ns_per_insn : 1;
    if (n > MACHINE_SLICE)
        n = MACHINE_SLICE;
    if (m->max_insns && m->max_insns - m->cpu.icount < n)
        n = m->max_insns - m->cpu.icount;
    return n ? n : 1;
}

static bool stop_now(struct machine *m, uint64_t until, enum machine_stop *stop)
{
    if (m->exited)
        *stop = MACHINE_STOP_DEBUG_EXIT;
    else if (m->max_insns && m->cpu.icount >= m->max_insns)
        *stop = MACHINE_STOP_BUDGET;
    else if (vtime(m) >= until)
        *stop = MACHINE_STOP_TIME;
    else
        return false;
    return true;
}

static struct machine_result run_until(struct machine *m, uint64_t until)
{
    uint64_t start = m->cpu.icount;
    enum machine_stop stop;

    m->vt_base = vtime(m);
    m->wall_base = wall_ns();
    while (!stop_now(m, until, &stop)) {
        if (m->cpu.shutdown || m->reset_pending)
            warm_reset(m);
        if (m->flush_pending) {
            m->flush_pending = false;
            exec_flush(m->exec);
        }
        m->in_exec = true;
        enum exec_status status = exec_run(m->exec, slice_insns(m, until));
        m->in_exec = false;
        if (status == EXEC_REQUEST)
            m->cpu.exit_request = 0;
        clock_sync(m);
        if (status == EXEC_HALTED && !m->cpu.shutdown && !m->exited && !m->reset_pending) {
            if (!(m->cpu.eflags & EFLAGS_IF)) {
                stop = MACHINE_STOP_HALTED;
                break;
            }
            if (!idle_skip(m, until)) {
                stop = MACHINE_STOP_IDLE;
                break;
            }
        }
    }
    if (m->serial)
        fflush(m->serial);
    return result(m, stop, start);
}

struct machine_result machine_run(struct machine *m)
{
    return run_until(m, UINT64_MAX);
}

struct machine_result machine_run_for(struct machine *m, uint64_t ns)
{
    uint64_t now = vtime(m);
    return run_until(m, ns > UINT64_MAX - now ? UINT64_MAX : now + ns);
}

uint64_t machine_time_ns(const struct machine *m)
{
    return vtime(m);
}

/* ---------------------------------------------------------------- I/O for frontends */

size_t machine_screen_text(const struct machine *m, char *out, size_t size)
{
    return vga_text_snapshot(m->vga, out, size);
}

void machine_key(struct machine *m, enum key key, bool down)
{
    ps2kbd_key(m->kbd, key, down);
}

size_t machine_serial_input(struct machine *m, const uint8_t *bytes, size_t n)
{
    return uart16550_receive(m->com1, bytes, n);
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
    fprintf(f, "cpu: %" PRIu64 " exceptions, %" PRIu64 " external interrupts, %" PRIu64
            " resets after shutdown\n",
            m->cpu.stats.exceptions, m->cpu.stats.interrupts, m->resets);
    fprintf(f, "time: %" PRIu64 " ns virtual (%" PRIu64 " ns skipped while halted)\n", vtime(m),
            m->idle_ns);
    exec_print_stats(m->exec, f);
}

/* ---------------------------------------------------------------- display and input */

struct vga *machine_vga(struct machine *m)
{
    return m->vga;
}

bool machine_key_pending(const struct machine *m)
{
    return ps2kbd_has_data(m->kbd);
}

void machine_mouse(struct machine *m, int dx, int dy, int dz, unsigned buttons)
{
    ps2mouse_move(m->mouse, dx, dy, dz, buttons);
}

/* The reset button (QEMU's system_reset): every chip to its reset state, the
 * CPU reset at the start of the next run; RAM, CMOS and the clock are kept. */
void machine_reset(struct machine *m)
{
    pic8259_reset(m->pic, true);
    pit8254_reset(m->pit, true);
    speaker_reset(m->speaker, true);
    rtc146818_reset(m->rtc, false);
    ps2kbd_reset(m->kbd, true);
    ps2mouse_reset(m->mouse, true);
    i8042_reset(m->kbc, true);
    dma8237_reset(m->dma, true);
    fdc82077_reset(m->fdc, true);
    ide_reset(m->ide[0], true);
    ide_reset(m->ide[1], true);
    vga_reset(m->vga, false);
    uart16550_reset(m->com1, true);
    m->sysctl_a = 0;
    a20_update(m);
    request_reset(m);
}

bool machine_read_phys(struct machine *m, uint64_t paddr, void *buf, size_t len)
{
    uint8_t *out = buf;

    if (paddr > 0x100000000ull || len > 0x100000000ull - paddr)
        return false;
    for (size_t i = 0; i < len; i++)
        out[i] = bus_read8(m->bus, (uint32_t)(paddr + i));
    return true;
}

static void print_seg(FILE *f, const char *name, const struct seg *s)
{
    fprintf(f, "%-3s=%04x %08x %08x %08x\n", name, s->sel, s->base, s->limit,
            (uint32_t)s->ar << 8);
}

/* QEMU's x86_cpu_dump_state layout (target/i386/cpu-dump.c), 32-bit part. */
void machine_print_registers(const struct machine *m, FILE *f)
{
    static const char *const seg_names[SEG_COUNT] = {"ES", "CS", "SS", "DS", "FS", "GS"};
    static const char flag_letters[] = "DOSZAPC";
    static const uint32_t flag_bits[] = {EFLAGS_DF, EFLAGS_OF, EFLAGS_SF, EFLAGS_ZF,
                                         EFLAGS_AF, EFLAGS_PF, EFLAGS_CF};
    const struct cpu *c = &m->cpu;
    uint32_t fl = cpu_get_eflags(c);

    fprintf(f, "EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n", c->regs[R_EAX], c->regs[R_EBX],
            c->regs[R_ECX], c->regs[R_EDX]);
    fprintf(f, "ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n", c->regs[R_ESI], c->regs[R_EDI],
            c->regs[R_EBP], c->regs[R_ESP]);
    fprintf(f, "EIP=%08x EFL=%08x [", c->eip, fl);
    for (size_t i = 0; i < sizeof(flag_bits) / sizeof(flag_bits[0]); i++)
        fputc(fl & flag_bits[i] ? flag_letters[i] : '-', f);
    fprintf(f, "] CPL=%u A20=%d HLT=%d\n", (c->mode & MODE_CPL) >> MODE_CPL_SHIFT,
            bus_a20(c->bus), c->halted);
    for (unsigned i = 0; i < SEG_COUNT; i++)
        print_seg(f, seg_names[i], &c->seg[i]);
    print_seg(f, "LDT", &c->ldtr);
    print_seg(f, "TR", &c->tr);
    fprintf(f, "GDT=     %08x %08x\nIDT=     %08x %08x\n", c->gdtr.base, c->gdtr.limit,
            c->idtr.base, c->idtr.limit);
    fprintf(f, "CR0=%08x CR2=%08x CR3=%08x CR4=%08x\n", c->cr[0], c->cr[2], c->cr[3],
            c->cr[4]);
    fprintf(f, "DR0=%08x DR1=%08x DR2=%08x DR3=%08x\nDR6=%08x DR7=%08x\n", c->dr[0],
            c->dr[1], c->dr[2], c->dr[3], c->dr[6], c->dr[7]);
}
