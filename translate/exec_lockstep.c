/* Lock-step mode (--lockstep, $TRAPDOOR_LOCKSTEP): a shadow CPU with its own
 * copy of RAM and ROM runs every block on the portable backend (the
 * reference) right after the machine ran it on its own backend; the first
 * difference in registers, EIP, EFLAGS, segments or RAM stops the run with
 * both states and the block's disassembly. Blocks that touched I/O ports or
 * took an interrupt cannot be replayed without the devices: the shadow is
 * resynchronised from the machine after them instead. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "cpu.h"
#include "disasm.h"
#include "exec.h"
#include "helpers.h"
#include "ioport.h"

enum { LS_PAGE = 4096, LS_RAM_CHECK_EVERY = 256 };

struct lockstep {
    struct bus *bus;
    struct ioports *io;
    struct cpu cpu;
    struct exec *ex;
    uint8_t *ram_a;
    uint8_t *ram_b;
    uint32_t ram_size;
    uint64_t blocks;
};

/* ROM pages of the machine (readable host pointer, not writable) become ROM
 * regions of the shadow bus, merged while contiguous. */
static bool clone_rom(struct lockstep *ls, struct bus *bus, uint64_t start, uint64_t end)
{
    uint64_t run = 0, run_len = 0;
    for (uint64_t p = start; p <= end; p += LS_PAGE) {
        bool rom = p < end && bus_host_ptr(bus, (uint32_t)p, LS_PAGE, false) &&
                   !bus_host_ptr(bus, (uint32_t)p, LS_PAGE, true);
        if (rom && run_len == 0)
            run = p;
        if (rom) {
            run_len += LS_PAGE;
            continue;
        }
        if (run_len) {
            uint8_t *data = malloc(run_len);
            bool ok = data;
            for (uint64_t q = 0; ok && q < run_len; q += LS_PAGE)
                memcpy(data + q, bus_host_ptr(bus, (uint32_t)(run + q), LS_PAGE, false), LS_PAGE);
            ok = ok && bus_add_rom(ls->bus, (uint32_t)run, data, (uint32_t)run_len, "rom copy");
            free(data);
            if (!ok)
                return false;
            run_len = 0;
        }
    }
    return true;
}

void exec_lockstep_destroy(struct lockstep *ls)
{
    if (!ls)
        return;
    exec_destroy(ls->ex);
    ioports_destroy(ls->io);
    bus_destroy(ls->bus);
    free(ls->ram_a);
    free(ls->ram_b);
    free(ls);
}

struct lockstep *exec_lockstep_create(struct cpu *cpu)
{
    struct lockstep *ls = calloc(1, sizeof(*ls));
    struct exec_config cfg = {.backend = "portable", .lockstep = -1};
    if (!ls)
        return NULL;
    ls->ram_size = bus_ram_size(cpu->bus);
    ls->bus = bus_create(ls->ram_size, NULL);
    ls->io = ioports_create(NULL);
    ls->ram_a = malloc(ls->ram_size);
    ls->ram_b = malloc(ls->ram_size);
    if (!ls->bus || !ls->io || !ls->ram_a || !ls->ram_b ||
        !clone_rom(ls, cpu->bus, 0, ls->ram_size) ||
        !clone_rom(ls, cpu->bus, 0xFFF00000u, 0x100000000ull))
        goto fail;
    cpu_init(&ls->cpu, ls->bus, ls->io, NULL, cpu->model);
    ls->ex = exec_create(&ls->cpu, &cfg);
    if (!ls->ex)
        goto fail;
    return ls;
fail:
    exec_lockstep_destroy(ls);
    return NULL;
}

/* The shadow takes the machine's architectural state and RAM. */
static void resync(struct lockstep *ls, const struct cpu *cpu)
{
    struct cpu copy = *cpu;
    copy.bus = ls->bus;
    copy.io = ls->io;
    copy.log = NULL;
    copy.irq_ops = NULL;
    copy.irq_opaque = NULL;
    copy.exc_jmp = NULL;
    copy.intr = false;
    copy.exit_request = 0;
    ls->cpu = copy;
    bus_set_a20(ls->bus, bus_a20(cpu->bus));
    if (bus_read_ram(cpu->bus, 0, ls->ram_a, ls->ram_size))
        (void)!bus_write_ram(ls->bus, 0, ls->ram_a, ls->ram_size);
}

static void print_block(const struct cpu *cpu, uint32_t cs_base, uint32_t eip, bool code32)
{
    struct disasm *dis = disasm_create(code32);
    for (int n = 0; n < 16 && dis; n++) {
        uint8_t buf[16];
        char text[128];
        for (unsigned i = 0; i < sizeof(buf); i++)
            buf[i] = bus_read8(cpu->bus, cs_base + eip + i);
        unsigned len = disasm_one(dis, buf, sizeof(buf), eip, text, sizeof(text));
        fprintf(stderr, "    %08x  %s\n", eip, len ? text : "(bad)");
        if (!len)
            break;
        eip += len;
    }
    disasm_destroy(dis);
}

static bool same_cpu(const struct cpu *a, const struct cpu *b)
{
    bool ok = memcmp(a->regs, b->regs, sizeof(a->regs)) == 0 && a->eip == b->eip &&
              cpu_get_eflags(a) == cpu_get_eflags(b) && a->icount == b->icount &&
              a->halted == b->halted;
    for (int s = 0; s < SEG_COUNT; s++)
        ok = ok && a->seg[s].sel == b->seg[s].sel && a->seg[s].base == b->seg[s].base &&
             a->seg[s].limit == b->seg[s].limit;
    return ok;
}

static void report(struct lockstep *ls, const struct cpu *a, uint32_t cs_base, uint32_t eip,
                   const char *backend)
{
    static const char *const names[R_COUNT] = {"eax", "ecx", "edx", "ebx",
                                               "esp", "ebp", "esi", "edi"};
    const struct cpu *b = &ls->cpu;
    fprintf(stderr, "lockstep: %s and portable differ after the block at %08x (block %" PRIu64
            "):\n", backend, cs_base + eip, ls->blocks);
    print_block(a, cs_base, eip, a->mode & MODE_CS32);
    for (int r = 0; r < R_COUNT; r++)
        fprintf(stderr, "  %s %08x %08x%s\n", names[r], a->regs[r], b->regs[r],
                a->regs[r] != b->regs[r] ? "  <--" : "");
    fprintf(stderr, "  eip %08x %08x\n  eflags %08x %08x\n  icount %" PRIu64 " %" PRIu64 "\n",
            a->eip, b->eip, cpu_get_eflags(a), cpu_get_eflags(b), a->icount, b->icount);
    for (int s = 0; s < SEG_COUNT; s++)
        fprintf(stderr, "  seg%d %04x/%08x %04x/%08x\n", s, a->seg[s].sel, a->seg[s].base,
                b->seg[s].sel, b->seg[s].base);
    unsigned shown = 0;
    for (uint32_t p = 0; p < ls->ram_size && shown < 16; p++) {
        if (ls->ram_a[p] != ls->ram_b[p]) {
            fprintf(stderr, "  ram %08x %02x %02x\n", p, ls->ram_a[p], ls->ram_b[p]);
            shown++;
        }
    }
}

static bool same_ram(struct lockstep *ls, struct cpu *cpu)
{
    return bus_read_ram(cpu->bus, 0, ls->ram_a, ls->ram_size) &&
           bus_read_ram(ls->bus, 0, ls->ram_b, ls->ram_size) &&
           memcmp(ls->ram_a, ls->ram_b, ls->ram_size) == 0;
}

/* Calls that reach devices or the interrupt controller (not replayable). */
static uint64_t io_calls(const struct exec_stats *s)
{
    return s->helper_calls[HELPER_in] + s->helper_calls[HELPER_out] +
           s->helper_calls[HELPER_ins] + s->helper_calls[HELPER_outs];
}

enum exec_status exec_lockstep_run(struct lockstep *ls, struct exec *ex, struct cpu *cpu,
                                   const char *backend, uint64_t max_insns)
{
    uint64_t limit = cpu->icount + max_insns;
    enum exec_status st = EXEC_BUDGET;
    if (ls->blocks == 0)
        resync(ls, cpu);
    while (cpu->icount < limit && st == EXEC_BUDGET) {
        uint32_t cs_base = cpu->seg[SEG_CS].base, eip = cpu->eip;
        uint64_t io = io_calls(exec_stats(ex)), irqs = cpu->stats.interrupts;
        uint64_t before = cpu->icount;
        st = exec_run_plain(ex, 1);
        if (cpu->icount == before && !cpu->halted)
            break;  /* stopped before running a block (exit request) */
        ls->blocks++;
        if (io_calls(exec_stats(ex)) != io || cpu->stats.interrupts != irqs) {
            resync(ls, cpu);
            continue;
        }
        exec_run_plain(ls->ex, 1);
        bool ram_ok = ls->blocks % LS_RAM_CHECK_EVERY != 0 || same_ram(ls, cpu);
        if (!same_cpu(cpu, &ls->cpu) || !ram_ok) {
            if (ram_ok)
                (void)same_ram(ls, cpu);
            report(ls, cpu, cs_base, eip, backend);
            cpu->exit_request = 1;
            return EXEC_REQUEST;
        }
    }
    return st;
}
