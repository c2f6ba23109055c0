/* What frontends read and drive on the board: the text screen, keyboard,
 * mouse and serial input, the reset button, guest memory, the registers and
 * the -d stats report. */
#include "machine.h"
#include "machine_internal.h"

#include <inttypes.h>

#include "bus.h"
#include "cpuid.h"
#include "dma8237.h"
#include "exec.h"
#include "fdc82077.h"
#include "i8042.h"
#include "ide.h"
#include "pic8259.h"
#include "pit8254.h"
#include "ps2kbd.h"
#include "ps2mouse.h"
#include "rtc146818.h"
#include "speaker.h"
#include "uart16550.h"
#include "vga.h"
#include "vga_render.h"

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
    fprintf(f, "time: %" PRIu64 " ns virtual (%" PRIu64 " ns skipped while halted)\n", machine_vtime(m),
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
    machine_a20_update(m);
    machine_request_reset(m);
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
