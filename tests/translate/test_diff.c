/* Differential test of the backends (DESIGN.md section 9, "diff"): random but
 * valid instruction streams (the project's decoder filters random bytes), each
 * ending in HLT, run from random register, flag and segment values on the
 * portable backend (the reference) and on the native one. A 16-bit stream runs
 * in real mode, in real mode with 4 GiB data limits and as a 16-bit protected-
 * mode code segment; a 32-bit stream as a 32-bit one (SDM vol. 3 3.4.5). Each
 * run starts from a CPU reset and each stream from zeroed RAM, so a seed
 * reproduces alone. Any difference in the defined architectural state or in
 * RAM fails and prints the seed. Environment: TD_DIFF_INSNS (guest
 * instructions to run, default 1,000,000), TD_DIFF_SEED (first seed),
 * TD_DIFF_PROGRESS (print each seed). Exit 77 (skip) without a native backend. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "classify.h"
#include "cpu.h"
#include "cpuid.h"
#include "decode.h"
#include "desc.h"
#include "disasm.h"
#include "exec.h"
#include "ioport.h"

enum {
    RAM = 1u << 20,
    CODE = 0x0600,
    HALT_STUB = 0x0500,
    GDT = 0x10000,
    IDT = 0x11000,
    /* GDT selectors: flat 32-bit code, 64 KiB 16-bit code, flat 32-bit data
     * (also a 32-bit stack), 64 KiB data, expand-down data, read-only data */
    SEL_CODE32 = 0x08, SEL_CODE16 = 0x10, SEL_FLAT = 0x18, SEL_DATA16 = 0x20,
    SEL_DOWN = 0x28, SEL_RO = 0x30, GDT_ENTRIES = 7,
    MAX_STREAM = 2048,
    STREAM_INSNS = 200,
    RUNS_PER_STREAM = 24,
    SKIP = 77,
};

struct side {
    struct bus *bus;
    struct ioports *io;
    struct cpu cpu;
    struct exec *ex;
};

/* How a run sets up the CPU. */
enum run_mode { RUN_REAL, RUN_UNREAL, RUN_PM16, RUN_PM32 };

struct stream {
    uint8_t bytes[MAX_STREAM];
    /* decoded with a 32-bit default size: runs only as RUN_PM32 */
    bool code32;
    unsigned len;
    unsigned ninsns;
    /* the last instruction before the final HLT that writes flags */
    uint16_t last_flags_op;
};

static uint64_t rng_next(uint64_t *s)
{
    /* xorshift64* (Vigna) */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

/* Instructions a real-mode stream must not contain: they would leave real
 * mode, stop early or jump to random far code. */
static bool excluded(const struct x86_insn *in)
{
    static const uint16_t ops[] = {
        X86_OP_LGDT, X86_OP_LIDT, X86_OP_LMSW, X86_OP_MOV_TO_CR, X86_OP_MOV_TO_DR,
        X86_OP_LLDT, X86_OP_LTR, X86_OP_INVLPG, X86_OP_CLTS, X86_OP_HLT, X86_OP_INVD,
        X86_OP_WBINVD,
    };
    if (x86_op_class((enum x86_op)in->op) == CLASS_CONTROL)
        return true;
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        if (in->op == ops[i])
            return true;
    }
    return false;
}

/* Flags the SDM leaves undefined after an instruction (vol. 2 "Flags
 * Affected"), masked when that instruction wrote the final flags. */
static uint32_t undefined_flags(uint16_t op)
{
    static const struct {
        uint16_t op;
        uint32_t mask;
    } table[] = {
        {X86_OP_MUL, EFLAGS_SF | EFLAGS_ZF | EFLAGS_AF | EFLAGS_PF},
        {X86_OP_IMUL, EFLAGS_SF | EFLAGS_ZF | EFLAGS_AF | EFLAGS_PF},
        {X86_OP_DIV, EFLAGS_ARITH},
        {X86_OP_IDIV, EFLAGS_ARITH},
        {X86_OP_AND, EFLAGS_AF}, {X86_OP_OR, EFLAGS_AF}, {X86_OP_XOR, EFLAGS_AF},
        {X86_OP_TEST, EFLAGS_AF},
        {X86_OP_SHL, EFLAGS_AF | EFLAGS_OF}, {X86_OP_SAL, EFLAGS_AF | EFLAGS_OF},
        {X86_OP_SHR, EFLAGS_AF | EFLAGS_OF}, {X86_OP_SAR, EFLAGS_AF | EFLAGS_OF},
        {X86_OP_ROL, EFLAGS_OF}, {X86_OP_ROR, EFLAGS_OF}, {X86_OP_RCL, EFLAGS_OF},
        {X86_OP_RCR, EFLAGS_OF},
        {X86_OP_SHLD, EFLAGS_AF | EFLAGS_OF}, {X86_OP_SHRD, EFLAGS_AF | EFLAGS_OF},
        {X86_OP_BSF, EFLAGS_ARITH & ~EFLAGS_ZF}, {X86_OP_BSR, EFLAGS_ARITH & ~EFLAGS_ZF},
        {X86_OP_DAA, EFLAGS_OF}, {X86_OP_DAS, EFLAGS_OF},
        {X86_OP_AAA, EFLAGS_OF | EFLAGS_SF | EFLAGS_ZF | EFLAGS_PF},
        {X86_OP_AAS, EFLAGS_OF | EFLAGS_SF | EFLAGS_ZF | EFLAGS_PF},
        {X86_OP_AAM, EFLAGS_CF | EFLAGS_OF | EFLAGS_AF},
        {X86_OP_AAD, EFLAGS_CF | EFLAGS_OF | EFLAGS_AF},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (table[i].op == op)
            return table[i].mask;
    }
    return 0;
}

/* Opcode bytes favoured as the first byte: the ALU, moves, stack, shifts,
 * Jcc, string and the 0F map, so that streams are dense in common code. */
static uint8_t first_byte(uint64_t *rng)
{
    static const uint8_t common[] = {
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x08, 0x09, 0x10, 0x11, 0x18, 0x19, 0x20, 0x21,
        0x28, 0x29, 0x30, 0x31, 0x38, 0x39, 0x3C, 0x3D, 0x40, 0x43, 0x48, 0x4E, 0x50, 0x53,
        0x58, 0x5B, 0x66, 0x67, 0x70, 0x72, 0x74, 0x75, 0x77, 0x7C, 0x7E, 0x80, 0x81, 0x83,
        0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8D, 0x91, 0x98, 0x99, 0xA4, 0xA5,
        0xAA, 0xAB, 0xAC, 0xAE, 0xB0, 0xB8, 0xBB, 0xC0, 0xC1, 0xC6, 0xC7, 0xD0, 0xD1, 0xD3,
        0xE2, 0xE3, 0xEB, 0xF3, 0xF6, 0xF7, 0xFE, 0xFF, 0x0F, 0x26, 0x2E, 0x36, 0x3E,
    };
    uint64_t r = rng_next(rng);
    if (r & 1)
        return (uint8_t)(r >> 8);
    return common[(r >> 8) % sizeof(common)];
}

static bool is_prefix(uint8_t b)
{
    return b == 0x66 || b == 0x67 || b == 0xF2 || b == 0xF3 || b == 0x26 || b == 0x2E ||
           b == 0x36 || b == 0x3E || b == 0x64 || b == 0x65;
}

static void gen_stream(struct stream *s, uint64_t *rng)
{
    s->code32 = rng_next(rng) % 3 == 0;
    s->len = 0;
    s->ninsns = 0;
    s->last_flags_op = 0xFFFF;
    while (s->ninsns < STREAM_INSNS && s->len + 16 < MAX_STREAM) {
        uint8_t cand[16];
        struct x86_insn in;
        unsigned at = 0;
        for (unsigned i = 0; i < 16; i++)
            cand[i] = (uint8_t)rng_next(rng);
        /* up to two prefixes, then an opcode from the common set */
        while (at < 2 && is_prefix(cand[at] = first_byte(rng)))
            at++;
        if (cand[at] == 0x0F)
            at++;
        /* register-register forms half the time: ModRM mod = 3 */
        if (at + 1 < 16 && (rng_next(rng) & 1))
            cand[at + 1] |= 0xC0;
        if (x86_decode(cand, 16, CODE + s->len, s->code32, &in) != DECODE_OK || excluded(&in))
            continue;
        memcpy(s->bytes + s->len, cand, in.len);
        s->len += in.len;
        s->ninsns++;
        s->last_flags_op = in.op;
    }
    s->bytes[s->len++] = 0xF4;
}

static bool side_init(struct side *sd, const char *backend)
{
    struct exec_config cfg = {.backend = backend, .cache_size = 4u << 20};
    sd->bus = bus_create(RAM, NULL);
    sd->io = ioports_create(NULL);
    if (!sd->bus || !sd->io)
        return false;
    cpu_init(&sd->cpu, sd->bus, sd->io, NULL, cpu_model_default());
    sd->ex = exec_create(&sd->cpu, &cfg);
    return sd->ex != NULL;
}

static void side_free(struct side *sd)
{
    exec_destroy(sd->ex);
    ioports_destroy(sd->io);
    bus_destroy(sd->bus);
}

/* GDT entry i (SDM vol. 3 3.4.5): base, 20-bit limit, access rights with G/B. */
static struct desc gdt_entry(unsigned i)
{
    static const struct {
        uint32_t base, limit;
        uint16_t ar;
    } table[GDT_ENTRIES] = {
        {0, 0, 0},
        {0, 0xFFFFF, 0x9B | AR_B | AR_G},
        {0, 0xFFFF, 0x9B},
        {0, 0xFFFFF, 0x93 | AR_B | AR_G},
        {0x20000, 0xFFFF, 0x93},
        {0x30000, 0x0FFF, 0x97},
        {0x40000, 0xFFFF, 0x91},
    };
    uint32_t base = table[i].base, limit = table[i].limit;
    return (struct desc){
        .lo = (limit & 0xFFFF) | (base << 16),
        .hi = ((base >> 16) & 0xFF) | ((uint32_t)table[i].ar << 8) | (limit & 0xF0000) |
              (base & 0xFF000000u),
    };
}

/* The protected-mode tables: the GDT above and an IDT whose 256 interrupt
 * gates (type 0Eh, SDM vol. 3 6.11) all lead to the HLT stub. */
static void load_tables(struct side *sd)
{
    uint8_t gdt[GDT_ENTRIES * 8], idt[256 * 8];
    for (unsigned i = 0; i < GDT_ENTRIES; i++) {
        struct desc d = gdt_entry(i);
        memcpy(gdt + 8 * i, &d.lo, 4);
        memcpy(gdt + 8 * i + 4, &d.hi, 4);
    }
    for (unsigned v = 0; v < 256; v++) {
        struct desc g = {.lo = (HALT_STUB & 0xFFFFu) | (SEL_CODE32 << 16),
                         .hi = (HALT_STUB & 0xFFFF0000u) | 0x8E00u};
        memcpy(idt + 8 * v, &g.lo, 4);
        memcpy(idt + 8 * v + 4, &g.hi, 4);
    }
    (void)!bus_write_ram(sd->bus, GDT, gdt, sizeof(gdt));
    (void)!bus_write_ram(sd->bus, IDT, idt, sizeof(idt));
}

/* Zeroed RAM at the start of each stream: no run sees an earlier stream's
 * stores, so TD_DIFF_SEED reproduces a failure on its own. */
static void clear_ram(struct side *sd)
{
    static const uint8_t zero[4096];
    for (uint32_t p = 0; p < RAM; p += sizeof(zero))
        (void)!bus_write_ram(sd->bus, p, zero, sizeof(zero));
}

/* The code, the interrupt table (every vector to a HLT), the HLT stub and the
 * protected-mode tables. */
static void load_code(struct side *sd, const struct stream *s)
{
    uint8_t ivt[1024];
    uint8_t cur[MAX_STREAM];
    for (unsigned v = 0; v < 256; v++) {
        ivt[4 * v] = (uint8_t)HALT_STUB;
        ivt[4 * v + 1] = (uint8_t)(HALT_STUB >> 8);
        ivt[4 * v + 2] = ivt[4 * v + 3] = 0;
    }
    uint8_t hlt = 0xF4;
    if (!bus_read_ram(sd->bus, CODE, cur, s->len) || memcmp(cur, s->bytes, s->len) != 0)
        (void)!bus_write_ram(sd->bus, CODE, s->bytes, s->len);
    if (!bus_read_ram(sd->bus, 0, cur, sizeof(ivt)) || memcmp(cur, ivt, sizeof(ivt)) != 0)
        (void)!bus_write_ram(sd->bus, 0, ivt, sizeof(ivt));
    (void)!bus_write_ram(sd->bus, HALT_STUB, &hlt, 1);
    load_tables(sd);
}

struct start {
    uint32_t regs[R_COUNT];
    uint32_t flags;
    uint16_t sel[SEG_COUNT];
    enum run_mode mode;
};

/* A 16-bit stream's runs cycle through real, big-real and 16-bit protected
 * mode; protected-mode selectors come from the GDT (null allowed for data). */
static void random_start(struct start *st, const struct stream *s, unsigned run,
                         uint64_t *rng)
{
    static const uint16_t data_sels[] = {0,        SEL_FLAT, SEL_FLAT, SEL_FLAT,
                                         SEL_FLAT, SEL_DATA16, SEL_DOWN, SEL_RO};
    static const uint16_t stack_sels[] = {SEL_FLAT, SEL_DATA16};
    st->mode = s->code32 ? RUN_PM32 : (enum run_mode)(run % 3);
    for (int r = 0; r < R_COUNT; r++)
        st->regs[r] = (uint32_t)rng_next(rng);
    st->flags = (uint32_t)rng_next(rng) & (EFLAGS_ARITH | EFLAGS_DF);
    for (int sg = 0; sg < SEG_COUNT; sg++) {
        uint64_t r = rng_next(rng);
        if (st->mode < RUN_PM16)
            st->sel[sg] = (uint16_t)r;
        else if (sg == SEG_SS)
            st->sel[sg] = stack_sels[r % 2];
        else
            st->sel[sg] = data_sels[r % 8];
    }
    /* flat segments with random 32-bit offsets fault at once: keep the
     * registers within the first 128 KiB in most protected-mode runs */
    if (st->mode >= RUN_PM16 && (rng_next(rng) & 3) != 0) {
        for (int r = 0; r < R_COUNT; r++)
            st->regs[r] &= 0x1FFFFu;
    }
    /* keep SP away from the very top so pushes do not fault most of the time */
    if (rng_next(rng) & 1)
        st->regs[R_ESP] &= 0xFFFF0FFEu;
}

/* Protected mode at CPL 0 without paging: the segment caches as a load from
 * the GDT would fill them. */
static void set_start_pm(struct cpu *cpu, const struct start *st)
{
    cpu->cr[0] |= CR0_PE;
    cpu->gdtr = (struct dtr){.base = GDT, .limit = GDT_ENTRIES * 8 - 1};
    cpu->idtr = (struct dtr){.base = IDT, .limit = 256 * 8 - 1};
    for (int sg = 0; sg < SEG_COUNT; sg++) {
        uint16_t sel = sg == SEG_CS ? (st->mode == RUN_PM32 ? SEL_CODE32 : SEL_CODE16)
                                    : st->sel[sg];
        struct desc d = gdt_entry(sel >> 3);
        if (sel == 0)
            seg_load_null(cpu, sg, 0);
        else
            seg_from_desc(&cpu->seg[sg], sel, &d);
    }
}

static void set_start(struct side *sd, const struct start *st)
{
    struct cpu *cpu = &sd->cpu;
    /* nothing a run left behind (CR0, DR7, IDTR, x87, MSRs) reaches the next */
    cpu_reset(cpu);
    memcpy(cpu->regs, st->regs, sizeof(cpu->regs));
    if (st->mode >= RUN_PM16) {
        set_start_pm(cpu, st);
    } else {
        for (int sg = 0; sg < SEG_COUNT; sg++) {
            if (sg == SEG_CS)
                continue;
            cpu_load_seg_real(cpu, sg, st->sel[sg]);
            /* big real mode: limits left at 4 GiB by an earlier protected-mode
             * load (SDM vol. 3 20.1.1 addresses only the real-mode case) */
            if (st->mode == RUN_UNREAL)
                cpu->seg[sg].limit = 0xFFFFFFFFu;
        }
        cpu_load_seg_real(cpu, SEG_CS, 0);
    }
    cpu_set_eflags(cpu, st->flags | EFLAGS_FIXED1, 0xFFFFFFFFu);
    cpu->eip = CODE;
    cpu->halted = false;
    cpu->inhibit_irq = false;
    cpu_update_mode(cpu);
}

static void print_stream_at(const struct stream *s, uint32_t base)
{
    struct disasm *dis = disasm_create(s->code32);
    unsigned at = 0;
    while (at < s->len) {
        char text[128];
        unsigned n = dis ? disasm_one(dis, s->bytes + at, s->len - at, base + at, text,
                                      sizeof(text))
                         : 0;
        if (n == 0) {
            snprintf(text, sizeof(text), "(bad)");
            n = 1;
        }
        fprintf(stderr, "    %04x  %s\n", base + at, text);
        at += n;
    }
    disasm_destroy(dis);
}

static void print_stream(const struct stream *s)
{
    print_stream_at(s, CODE);
}

static bool compare(struct side *a, struct side *b, const struct stream *s, uint8_t *ra,
                    uint8_t *rb)
{
    static const char *const names[R_COUNT] = {"eax", "ecx", "edx", "ebx",
                                               "esp", "ebp", "esi", "edi"};
    const struct cpu *ca = &a->cpu, *cb = &b->cpu;
    bool ok = true;
    uint32_t mask = 0xFFFFFFFFu;
    if (ca->halted && ca->eip == CODE + s->len)
        mask &= ~undefined_flags(s->last_flags_op);
    for (int r = 0; r < R_COUNT; r++) {
        if (ca->regs[r] != cb->regs[r]) {
            fprintf(stderr, "  %s: portable %08x native %08x\n", names[r], ca->regs[r],
                    cb->regs[r]);
            ok = false;
        }
    }
    uint32_t fa = cpu_get_eflags(ca) & mask, fb = cpu_get_eflags(cb) & mask;
    if (ca->eip != cb->eip || fa != fb || ca->icount != cb->icount ||
        ca->halted != cb->halted) {
        fprintf(stderr, "  eip %08x/%08x eflags %08x/%08x icount %" PRIu64 "/%" PRIu64
                " halted %d/%d\n", ca->eip, cb->eip, fa, fb, ca->icount, cb->icount,
                ca->halted, cb->halted);
        ok = false;
    }
    for (int sg = 0; sg < SEG_COUNT; sg++) {
        if (ca->seg[sg].sel != cb->seg[sg].sel || ca->seg[sg].base != cb->seg[sg].base ||
            ca->seg[sg].limit != cb->seg[sg].limit || ca->seg[sg].ar != cb->seg[sg].ar) {
            fprintf(stderr, "  seg %d: %04x/%04x\n", sg, ca->seg[sg].sel, cb->seg[sg].sel);
            ok = false;
        }
    }
    if (!bus_read_ram(a->bus, 0, ra, RAM) || !bus_read_ram(b->bus, 0, rb, RAM))
        return false;
    if (memcmp(ra, rb, RAM) != 0) {
        unsigned shown = 0;
        for (uint32_t p = 0; p < RAM && shown < 8; p++) {
            if (ra[p] != rb[p]) {
                fprintf(stderr, "  ram %05x: portable %02x native %02x\n", p, ra[p], rb[p]);
                shown++;
            }
        }
        ok = false;
    }
    return ok;
}

static uint64_t env_u64(const char *name, uint64_t def)
{
    const char *v = getenv(name);
    return v && *v ? strtoull(v, NULL, 0) : def;
}

/* Debugging aid: TD_DIFF_STEP="seed:run" runs that run one block at a time
 * and stops at the first block after which the sides differ. */
static bool step_here(uint64_t seed, unsigned run)
{
    const char *v = getenv("TD_DIFF_STEP");
    char *end;
    return v && strtoull(v, &end, 0) == seed && *end == ':' &&
           strtoul(end + 1, NULL, 0) == run;
}

static bool step_compare(struct side *sides, const struct stream *s, uint8_t *ra, uint8_t *rb)
{
    uint64_t limit = sides[0].cpu.icount + 4 * STREAM_INSNS;
    while (sides[0].cpu.icount < limit && !sides[0].cpu.halted) {
        uint32_t eip = sides[0].cpu.eip;
        uint64_t chunk = env_u64("TD_DIFF_CHUNK", 1);
        if (sides[0].cpu.icount >= env_u64("TD_DIFF_FINE", ~0ull))
            chunk = env_u64("TD_DIFF_CHUNK2", 1);
        if (getenv("TD_DIFF_VERBOSE")) {
            uint8_t code[160];
            struct stream cs = {.len = sizeof(code)};
            const struct cpu *c = &sides[0].cpu;
            fprintf(stderr, "block %04x icount %" PRIu64 " ax %08x cx %08x dx %08x bx %08x "
                    "sp %08x bp %08x si %08x di %08x fl %08x ds %04x es %04x ss %04x\n", eip,
                    c->icount, c->regs[0], c->regs[1], c->regs[2], c->regs[3], c->regs[4],
                    c->regs[5], c->regs[6], c->regs[7], cpu_get_eflags(c), c->seg[SEG_DS].sel,
                    c->seg[SEG_ES].sel, c->seg[SEG_SS].sel);
            if (getenv("TD_DIFF_PEEK")) {
                uint32_t a = (uint32_t)strtoul(getenv("TD_DIFF_PEEK"), NULL, 0);
                uint8_t p0 = 0, p1 = 0;
                (void)!bus_read_ram(sides[0].bus, a, &p0, 1);
                (void)!bus_read_ram(sides[1].bus, a, &p1, 1);
                fprintf(stderr, "  peek %05x: %02x %02x  native eip %04x icount %" PRIu64 "\n",
                        a, p0, p1, sides[1].cpu.eip, sides[1].cpu.icount);
            }
            if (bus_read_ram(sides[0].bus, eip, code, sizeof(code)) && getenv("TD_DIFF_DIS")) {
                memcpy(cs.bytes, code, sizeof(code));
                print_stream_at(&cs, eip);
            }
        }
        exec_run(sides[0].ex, chunk);
        exec_run(sides[1].ex, chunk);
        if (!compare(&sides[0], &sides[1], s, ra, rb)) {
            fprintf(stderr, "test_diff: first difference after the block at %04x\n", eip);
            return false;
        }
    }
    return true;
}


int main(void)
{
    static struct side sides[2];
    static struct stream s;
    uint64_t target = env_u64("TD_DIFF_INSNS", 1000000);
    uint64_t seed = env_u64("TD_DIFF_SEED", 1);
    uint64_t done = 0, streams = 0, per_mode[RUN_PM32 + 1] = {0};
    uint8_t *ra = malloc(RAM), *rb = malloc(RAM);

    if (!exec_backend_known("x86_64")) {
        printf("SKIP: no native backend on this host\n");
        return SKIP;
    }
    const char *native = getenv("TD_DIFF_NATIVE") ? getenv("TD_DIFF_NATIVE") : "x86_64";
    if (!ra || !rb || !side_init(&sides[0], "portable") || !side_init(&sides[1], native)) {
        fprintf(stderr, "test_diff: setup failed\n");
        return 1;
    }
    for (; done < target; seed++, streams++) {
        uint64_t rng = seed * 0x9E3779B97F4A7C15ULL + 1;
        if (getenv("TD_DIFF_PROGRESS"))
            fprintf(stderr, "seed %" PRIu64 "\n", seed);
        gen_stream(&s, &rng);
        clear_ram(&sides[0]);
        clear_ram(&sides[1]);
        for (unsigned run = 0; run < RUNS_PER_STREAM; run++) {
            struct start st;
            random_start(&st, &s, run, &rng);
            for (int k = 0; k < 2; k++) {
                load_code(&sides[k], &s);
                set_start(&sides[k], &st);
            }
            if (step_here(seed, run)) {
                if (!step_compare(sides, &s, ra, rb))
                    return 1;
                continue;
            }
            for (int k = 0; k < 2; k++) {
                uint64_t before = sides[k].cpu.icount;
                exec_run(sides[k].ex, 4 * STREAM_INSNS);
                if (k == 1) {
                    done += sides[k].cpu.icount - before;
                    per_mode[st.mode] += sides[k].cpu.icount - before;
                }
            }
            if (!compare(&sides[0], &sides[1], &s, ra, rb)) {
                fprintf(stderr, "test_diff: divergence with seed %" PRIu64 " run %u mode %d "
                        "(TD_DIFF_SEED=%" PRIu64 " reproduces it); stream:\n", seed, run,
                        (int)st.mode, seed);
                print_stream(&s);
                return 1;
            }
        }
    }
    printf("test_diff: %" PRIu64 " streams, %" PRIu64 " guest instructions (real %" PRIu64
           ", big real %" PRIu64 ", 16-bit protected %" PRIu64 ", 32-bit protected %" PRIu64
           "), no divergence\n", streams, done, per_mode[RUN_REAL], per_mode[RUN_UNREAL],
           per_mode[RUN_PM16], per_mode[RUN_PM32]);
    side_free(&sides[0]);
    side_free(&sides[1]);
    free(ra);
    free(rb);
    return 0;
}
