/* Running one SingleStepTests 80286 real-mode test (README.md "Using the
 * Tests"): set registers and RAM, run from CS:IP until the CPU halts on the
 * HLT that ends every test, compare the registers and RAM the test lists. */
#include "vec_run.h"
#include "vec_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "cpu.h"
#include "cpuid.h"
#include "exec.h"
#include "ioport.h"
#include "log.h"

enum {
    /* the 286 drives 24 address lines; the tests assume all 16 MiB is RAM */
    VEC_RAM_SIZE = 16u << 20,
    /* instructions per exec_run call, and calls before giving up on HLT: a test
     * is one instruction (REP: CX < 128 iterations), HLT, maybe an interrupt */
    VEC_BUDGET = 64,
    VEC_MAX_ROUNDS = 64,
    /* FLAGS bits 12-15 read as 0 in real mode on a 286, not on a 386+ (README) */
    VEC_FLAGS_286_REAL = 0x0FFF,
};

enum vec_reg_kind { VEC_GPR, VEC_SEG, VEC_IP, VEC_FLAGS };

struct vec_reg {
    const char *name;
    enum vec_reg_kind kind;
    int index;
};

enum {
    VR_AX, VR_BX, VR_CX, VR_DX, VR_CS, VR_SS, VR_DS, VR_ES,
    VR_SP, VR_BP, VR_SI, VR_DI, VR_IP, VR_FLAGS, VEC_NREGS,
};

/* The register file of a real-mode test, in the README's order. */
static const struct vec_reg vec_regs[VEC_NREGS] = {
    [VR_AX] = { "ax", VEC_GPR, R_EAX },   [VR_BX] = { "bx", VEC_GPR, R_EBX },
    [VR_CX] = { "cx", VEC_GPR, R_ECX },   [VR_DX] = { "dx", VEC_GPR, R_EDX },
    [VR_CS] = { "cs", VEC_SEG, SEG_CS },  [VR_SS] = { "ss", VEC_SEG, SEG_SS },
    [VR_DS] = { "ds", VEC_SEG, SEG_DS },  [VR_ES] = { "es", VEC_SEG, SEG_ES },
    [VR_SP] = { "sp", VEC_GPR, R_ESP },   [VR_BP] = { "bp", VEC_GPR, R_EBP },
    [VR_SI] = { "si", VEC_GPR, R_ESI },   [VR_DI] = { "di", VEC_GPR, R_EDI },
    [VR_IP] = { "ip", VEC_IP, 0 },        [VR_FLAGS] = { "flags", VEC_FLAGS, 0 },
};

/* One RAM byte a test names: initial entries first, then final ones. */
struct vec_byte {
    uint32_t paddr;
    uint8_t value;
    /* 0: from initial.ram, 1: from final.ram (wins over initial) */
    uint8_t from_final;
};

struct vec_machine {
    struct log log;
    struct bus *bus;
    struct ioports *io;
    struct exec *ex;
    struct cpu cpu;
    /* RAM bytes of the current test; their addresses are zeroed before the next */
    struct vec_byte *bytes;
    size_t nbytes, cap;
};

struct vec_machine *vec_machine_create(const char *model_name, uint32_t log_mask)
{
    const struct cpu_model *model = model_name ? cpu_model_find(model_name) : cpu_model_default();
    if (!model) {
        fprintf(stderr, "singlestep: unknown CPU model '%s'\n", model_name ? model_name : "(default)");
        return NULL;
    }
    struct vec_machine *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    log_init(&m->log);
    m->log.mask = log_mask;
    m->bus = bus_create(VEC_RAM_SIZE, &m->log);
    m->io = ioports_create(&m->log);
    if (!m->bus || !m->io)
        goto fail;
    /* addresses up to FFFF:FFFF = 10FFEFh are used as the 286 forms them */
    bus_set_a20(m->bus, true);
    cpu_init(&m->cpu, m->bus, m->io, &m->log, model);
    const struct exec_config cfg = { 0 };
    m->ex = exec_create(&m->cpu, &cfg);
    if (!m->ex)
        goto fail;
    return m;
fail:
    fprintf(stderr, "singlestep: cannot create the machine (out of memory)\n");
    vec_machine_destroy(m);
    return NULL;
}

void vec_machine_destroy(struct vec_machine *m)
{
    if (!m)
        return;
    if (m->ex)
        exec_destroy(m->ex);
    if (m->io)
        ioports_destroy(m->io);
    if (m->bus)
        bus_destroy(m->bus);
    free(m->bytes);
    free(m);
}

static void add_mismatch(struct vec_result *res, const char *field, uint32_t expected,
                         uint32_t got, uint32_t mask)
{
    if (res->nmismatch < VEC_MAX_MISMATCH) {
        struct vec_mismatch *mm = &res->mismatch[res->nmismatch];
        snprintf(mm->field, sizeof mm->field, "%s", field);
        mm->expected = expected;
        mm->got = got;
        mm->mask = mask;
    }
    res->nmismatch++;
}

/* Read all registers of regs (the initial set: every one must be present). */
static bool read_regs(const struct json_object *regs, uint16_t out[VEC_NREGS])
{
    for (int i = 0; i < VEC_NREGS; i++) {
        int32_t value;
        if (!vec_json_int(regs, vec_regs[i].name, &value) || value < 0 || value > 0xFFFF) {
            fprintf(stderr, "singlestep: malformed test: register %s\n", vec_regs[i].name);
            return false;
        }
        out[i] = (uint16_t)value;
    }
    return true;
}

/* Overlay the registers listed in final.regs (only changed ones are listed). */
static bool overlay_regs(const struct json_object *regs, uint16_t inout[VEC_NREGS])
{
    for (int i = 0; i < VEC_NREGS; i++) {
        int32_t value;
        if (!vec_json_get(regs, vec_regs[i].name))
            continue;
        if (!vec_json_int(regs, vec_regs[i].name, &value) || value < 0 || value > 0xFFFF) {
            fprintf(stderr, "singlestep: malformed test: final %s\n", vec_regs[i].name);
            return false;
        }
        inout[i] = (uint16_t)value;
    }
    return true;
}

static void load_regs(struct cpu *cpu, const uint16_t regs[VEC_NREGS])
{
    for (int i = 0; i < VEC_NREGS; i++) {
        const struct vec_reg *r = &vec_regs[i];
        if (r->kind == VEC_GPR)
            cpu->regs[r->index] = regs[i];
        else if (r->kind == VEC_SEG)
            cpu_load_seg_real(cpu, r->index, regs[i]);
        else if (r->kind == VEC_IP)
            cpu->eip = regs[i];
        else
            /* README FAQ: the initial FLAGS are LOADALL input; a 286 in real mode
             * cannot hold IOPL/NT, so they are cleared before loading */
            cpu_set_eflags(cpu, regs[i] & VEC_FLAGS_286_REAL, 0xFFFFFFFFu);
    }
    cpu_update_mode(cpu);
}

static uint32_t reg_value(const struct cpu *cpu, const struct vec_reg *r)
{
    switch (r->kind) {
    case VEC_GPR:
        return cpu->regs[r->index];
    case VEC_SEG:
        return cpu->seg[r->index].sel;
    case VEC_IP:
        return cpu->eip;
    default:
        return cpu_get_eflags(cpu);
    }
}

static void compare_regs(const struct cpu *cpu, const uint16_t expected[VEC_NREGS],
                         uint16_t flags_mask, struct vec_result *res)
{
    for (int i = 0; i < VEC_NREGS; i++) {
        const struct vec_reg *r = &vec_regs[i];
        uint32_t got = reg_value(cpu, r);
        /* GPRs, IP, selectors: all 32 bits, since 16-bit code must leave the
         * upper halves zero */
        uint32_t mask = r->kind == VEC_FLAGS ? (uint32_t)(flags_mask & VEC_FLAGS_286_REAL)
                                             : 0xFFFFFFFFu;
        if ((got & mask) != (expected[i] & mask))
            add_mismatch(res, r->name, expected[i], got, mask);
    }
}

static bool push_byte(struct vec_machine *m, int32_t paddr, int32_t value, uint8_t from_final)
{
    if (paddr < 0 || (uint32_t)paddr >= VEC_RAM_SIZE || value < 0 || value > 0xFF) {
        fprintf(stderr, "singlestep: malformed test: RAM entry [%d, %d]\n", paddr, value);
        return false;
    }
    if (m->nbytes == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 1024;
        struct vec_byte *grown = realloc(m->bytes, cap * sizeof *grown);
        if (!grown) {
            fprintf(stderr, "singlestep: out of memory\n");
            return false;
        }
        m->bytes = grown;
        m->cap = cap;
    }
    m->bytes[m->nbytes++] = (struct vec_byte){ (uint32_t)paddr, (uint8_t)value, from_final };
    return true;
}

/* Append the [address, byte] pairs of ram (an initial or final "ram" array). */
static bool collect_ram(struct vec_machine *m, const struct json_object *ram, uint8_t from_final)
{
    if (!ram || !json_object_is_type(ram, json_type_array)) {
        fprintf(stderr, "singlestep: malformed test: no ram array\n");
        return false;
    }
    size_t n = json_object_array_length(ram);
    for (size_t i = 0; i < n; i++) {
        int32_t paddr, value;
        if (!vec_json_pair(ram, i, &paddr, &value)) {
            fprintf(stderr, "singlestep: malformed test: ram entry %zu\n", i);
            return false;
        }
        if (!push_byte(m, paddr, value, from_final))
            return false;
    }
    return true;
}

/* Order by address, final entries after initial ones for the same address. */
static int cmp_byte(const void *pa, const void *pb)
{
    const struct vec_byte *a = pa, *b = pb;
    if (a->paddr != b->paddr)
        return a->paddr < b->paddr ? -1 : 1;
    return (int)a->from_final - (int)b->from_final;
}

/* Zero the bytes the previous test named, then write this test's initial RAM. */
static bool load_ram(struct vec_machine *m, const struct json_object *initial,
                     const struct json_object *final)
{
    static const uint8_t zero;
    for (size_t i = 0; i < m->nbytes; i++)
        if (!bus_write_ram(m->bus, m->bytes[i].paddr, &zero, 1))
            return false;
    m->nbytes = 0;
    if (!collect_ram(m, vec_json_get(initial, "ram"), 0) ||
        !collect_ram(m, vec_json_get(final, "ram"), 1))
        return false;
    for (size_t i = 0; i < m->nbytes; i++)
        if (!m->bytes[i].from_final &&
            !bus_write_ram(m->bus, m->bytes[i].paddr, &m->bytes[i].value, 1))
            return false;
    if (m->nbytes)
        qsort(m->bytes, m->nbytes, sizeof *m->bytes, cmp_byte);
    return true;
}

/* Mask for the byte at paddr: the FLAGS image an interrupt or exception pushed
 * holds the instruction's undefined flags. It lies above the pushed IP and CS,
 * at SS:SP+4 after the push (offsets wrap at 64 KiB). The test's flag_address
 * is that address rounded down to even, so it is not used. */
static uint8_t byte_mask(uint32_t paddr, bool pushed_flags, const uint16_t expected[VEC_NREGS],
                         uint16_t flags_mask)
{
    if (!pushed_flags)
        return 0xFF;
    uint32_t base = (uint32_t)expected[VR_SS] << 4;
    uint16_t offset = (uint16_t)(expected[VR_SP] + 4);
    if (paddr == base + offset)
        return (uint8_t)flags_mask;
    if (paddr == base + (uint16_t)(offset + 1))
        return (uint8_t)(flags_mask >> 8);
    return 0xFF;
}

/* Compare every byte the test names: its final value if final.ram lists it,
 * else its initial value (m->bytes is sorted, final after initial). */
static bool compare_ram(struct vec_machine *m, bool pushed_flags,
                        const uint16_t expected[VEC_NREGS], uint16_t flags_mask,
                        struct vec_result *res)
{
    for (size_t i = 0; i < m->nbytes; i++) {
        const struct vec_byte *b = &m->bytes[i];
        if (i + 1 < m->nbytes && m->bytes[i + 1].paddr == b->paddr)
            continue;
        uint8_t got;
        if (!bus_read_ram(m->bus, b->paddr, &got, 1))
            return false;
        uint8_t mask = byte_mask(b->paddr, pushed_flags, expected, flags_mask);
        if ((got & mask) != (b->value & mask)) {
            char field[24];
            snprintf(field, sizeof field, "ram[0x%06x]", (unsigned)b->paddr);
            add_mismatch(res, field, b->value, got, mask);
        }
    }
    return true;
}

/* Run until the CPU halts: on the test's HLT, or on the HLT at the interrupt
 * handler the IVT in the test's RAM points to. false if it never halts. */
static bool run_to_halt(struct vec_machine *m)
{
    for (unsigned round = 0; round < VEC_MAX_ROUNDS; round++) {
        if (exec_run(m->ex, VEC_BUDGET) == EXEC_HALTED || m->cpu.halted)
            return true;
        m->cpu.exit_request = 0;
    }
    return false;
}

/* A clean CPU each test: power-on state (so nothing, x87 state included,
 * leaks from the previous test), then the test's registers. */
static void start_cpu(struct vec_machine *m, const uint16_t initial[VEC_NREGS])
{
    cpu_reset(&m->cpu);
    load_regs(&m->cpu, initial);
    m->cpu.halted = false;
    m->cpu.exit_request = 0;
    m->cpu.intr = false;
    m->cpu.inhibit_irq = false;
    /* the tests rewrite code in place at addresses earlier tests used */
    exec_flush(m->ex);
}

bool vec_run_test(struct vec_machine *m, const struct json_object *test, uint16_t flags_mask,
                  struct vec_result *res)
{
    const struct json_object *initial = vec_json_get(test, "initial");
    const struct json_object *final = vec_json_get(test, "final");
    uint16_t start[VEC_NREGS], expected[VEC_NREGS];
    res->nmismatch = 0;
    if (!initial || !final || !read_regs(vec_json_get(initial, "regs"), start))
        return false;
    memcpy(expected, start, sizeof expected);
    if (!overlay_regs(vec_json_get(final, "regs"), expected) || !load_ram(m, initial, final))
        return false;
    start_cpu(m, start);
    if (!run_to_halt(m))
        add_mismatch(res, "halted", 1, 0, 1);
    compare_regs(&m->cpu, expected, flags_mask, res);
    return compare_ram(m, vec_json_get(test, "exception") != NULL, expected, flags_mask, res);
}
