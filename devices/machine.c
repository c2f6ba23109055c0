/* The board: the one place that knows every piece. PC/AT memory map (RAM from 0,
 * VGA at A0000h, the BIOS ending at 1 MiB and at 4 GiB so the reset vector
 * FFFFFFF0h is ROM; SDM vol. 3 9.1.4), the PC chips at their AT resources (IBM
 * PC/AT technical reference "System board"), port 92h (PS/2 system control port
 * A), port 80h (POST codes), QEMU's isa-debugcon and isa-debug-exit, and the
 * virtual clock driven by retired instructions. */
#include "machine.h"
#include "machine_internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

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
    bool trapdoor = size == BIOS_IMAGE_SIZE && memcmp(m->bios_image, "TDBIOS", 6) == 0;

    if (!trapdoor && cfg->kernel) {
        snprintf(err, errlen, "-kernel needs the trapdoor BIOS, and '%s' is another firmware",
                 cfg->bios_name ? cfg->bios_name : "(BIOS)");
        return false;
    }
    if (!trapdoor)
        return true;
    struct bios_config bc = {
        .cpu = &m->cpu, .bus = m->bus, .io = m->io, .log = m->log,
        .ram_size = cfg->ram_size, .floppy = {m->fd[0], m->fd[1]},
        .disk = {m->hd[0], m->hd[1]}, .cdrom = m->cd, .boot_order = cfg->boot_order,
        .kernel = cfg->kernel, .kernel_cmdline = cfg->kernel_cmdline,
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

void machine_request_reset(struct machine *m)
{
    m->reset_pending = true;
    m->cpu.exit_request = 1;
}

/* A20 is the 8042's output port bit 1 OR port 92h bit 1. Translated blocks
 * are chained by physical address: a change throws them away (between blocks). */
void machine_a20_update(struct machine *m)
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
    machine_request_reset(opaque);
}

static void kbc_a20(void *opaque, bool on)
{
    struct machine *m = opaque;
    m->a20_kbc = on;
    machine_a20_update(m);
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
        machine_request_reset(m);
    m->sysctl_a = (uint8_t)(value & ~SYSCTL_A_RESET);
    machine_a20_update(m);
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

/* Floppy A: from memory (fda_data) or a file. */
static bool open_floppy_a(struct machine *m, const struct machine_config *cfg, char *err,
                          size_t errlen)
{
    if (!cfg->fda_data)
        return open_image(cfg->fda, cfg->snapshot, &m->fd[0], err, errlen);
    m->fd[0] = block_open_memory(cfg->fda_data, cfg->fda_size, false, "in-memory A: image",
                                 err, errlen);
    return m->fd[0] != NULL;
}

static bool open_images(struct machine *m, const struct machine_config *cfg, char *err,
                        size_t errlen)
{
    return open_floppy_a(m, cfg, err, errlen) &&
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
    if (!machine_add_vmminfo(m)) {
        snprintf(err, errlen, "cannot add the VMM info port at 0x5d0-0x5d7");
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
    m->serial = cfg->serial;
    m->speed = cfg->speed;
    m->ns_per_insn = cfg->ns_per_insn ? cfg->ns_per_insn : MACHINE_NS_PER_INSN;
    if (!build(m, cfg, err, errlen)) {
        machine_destroy(m);
        return NULL;
    }
    m->wall_base = machine_wall_ns();
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
    machine_free_vmminfo(m);
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
