/* Unit tests for cpu/bcd.c (DAA, DAS, AAA, AAS, AAM, AAD) with worked values
 * from the SDM vol. 2 pseudo-code and examples, and for cpu/string.c (MOVS,
 * CMPS, STOS, LODS, SCAS, INS, OUTS with REP) on a real-mode CPU over a bus.
 * (The string tests live here because this change had no test_string.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bus.h"
#include "cpu.h"
#include "cpuid.h"
#include "flags.h"
#include "helpers.h"
#include "ioport.h"

enum { CF = EFLAGS_CF, PF = EFLAGS_PF, AF = EFLAGS_AF, ZF = EFLAGS_ZF, SF = EFLAGS_SF,
       OF = EFLAGS_OF, NO_EXC = -1 };

static void cpu_blank(struct cpu *cpu, uint32_t arith)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->model = cpu_model_default();
    cpu->eflags = EFLAGS_FIXED1 | arith;
    cpu->flags.op = CC_EFLAGS;
}

static uint32_t arith_flags(const struct cpu *cpu)
{
    return cpu_get_eflags(cpu) & EFLAGS_ARITH;
}

/* Call fn(cpu, 0, 0, 0, imm); the vector it raised or NO_EXC, and its result. */
static int call_catching(struct cpu *cpu, helper_fn *fn, uint32_t imm, uint32_t *ret)
{
    sigjmp_buf env;
    cpu->exc_jmp = &env;
    cpu->exc_vector = NO_EXC;
    cpu->exc_depth = 0;
    if (sigsetjmp(env, 0) != 0) {
        cpu->exc_jmp = NULL;
        return cpu->exc_vector;
    }
    *ret = fn(cpu, 0, 0, 0, imm);
    cpu->exc_jmp = NULL;
    return NO_EXC;
}

/* ---------------------------------------------------------------- BCD */

struct bcd_case {
    const char *name;
    helper_fn *fn;
    uint32_t imm, eax, flags_in;
    int exc;
    uint32_t out_eax, flags_out;
};

static const struct bcd_case bcd_cases[] = {
    /* SDM vol. 2 DAA example: 79H + 35H = AEH, DAA -> 14H, CF = AF = 1 */
    {"daa sdm", helper_daa, 0, 0xAE, 0, NO_EXC, 0x14, CF | AF | PF},
    {"daa low nibble", helper_daa, 0, 0x2E, 0, NO_EXC, 0x34, AF},
    {"daa 9A", helper_daa, 0, 0x9A, 0, NO_EXC, 0x00, CF | AF | ZF | PF},
    {"daa CF AF in", helper_daa, 0, 0x00, CF | AF, NO_EXC, 0x66, CF | AF | PF},
    {"daa valid", helper_daa, 0, 0xABCD1215, SF | ZF | OF, NO_EXC, 0xABCD1215, 0},
    {"daa FA", helper_daa, 0, 0xFA, 0, NO_EXC, 0x60, CF | AF | PF},
    /* SDM vol. 2 DAS example: 35H - 47H = EEH (CF = AF = 1), DAS -> 88H */
    {"das sdm", helper_das, 0, 0xEE, CF | AF | SF, NO_EXC, 0x88, CF | AF | SF | PF},
    {"das borrow kept", helper_das, 0, 0x05, AF, NO_EXC, 0xFF, CF | AF | SF | PF},
    {"das 9A", helper_das, 0, 0x9A, 0, NO_EXC, 0x34, CF | AF},
    {"das CF in", helper_das, 0, 0x15, CF, NO_EXC, 0xB5, CF | SF},
    /* SDM vol. 2 AAA example: 38H + 39H = 71H with AF = 1, AAA -> AH + 1, AL = 7 */
    {"aaa sdm", helper_aaa, 0, 0x0071, AF, NO_EXC, 0x0107, CF | AF},
    {"aaa 0F", helper_aaa, 0, 0x000F, 0, NO_EXC, 0x0105, CF | AF | PF},
    {"aaa no adjust", helper_aaa, 0, 0x0005, SF | ZF | OF, NO_EXC, 0x0005, PF},
    {"aaa high nibble cleared", helper_aaa, 0, 0x0335, 0, NO_EXC, 0x0305, PF},
    /* 286 and later: the carry of AL + 6 reaches AH (AX + 106H) */
    {"aaa carry into AH", helper_aaa, 0, 0x00FA, 0, NO_EXC, 0x0200, CF | AF | ZF | PF},
    {"aaa upper EAX kept", helper_aaa, 0, 0xDEAD0009, AF, NO_EXC, 0xDEAD010F, CF | AF | PF},
    {"aas no adjust", helper_aas, 0, 0x0208, CF, NO_EXC, 0x0208, 0},
    {"aas 0B", helper_aas, 0, 0x020B, 0, NO_EXC, 0x0105, CF | AF | PF},
    {"aas borrow into AH", helper_aas, 0, 0x0103, AF, NO_EXC, 0xFF0D, CF | AF},
    {"aas zero", helper_aas, 0, 0x0000, AF, NO_EXC, 0xFE0A, CF | AF | PF},
    {"aam 79", helper_aam, 10, 0x1234004F, CF | OF | AF, NO_EXC, 0x12340709, PF},
    {"aam 0", helper_aam, 10, 0x00000000, 0, NO_EXC, 0x00000000, ZF | PF},
    {"aam base 16", helper_aam, 16, 0x000000FF, 0, NO_EXC, 0x00000F0F, PF},
    {"aam base 0", helper_aam, 0, 0x00004F4F, CF, EXC_DE, 0x00004F4F, CF},
    {"aad 79", helper_aad, 10, 0x55550709, CF | ZF, NO_EXC, 0x5555004F, 0},
    {"aad base 16", helper_aad, 16, 0x0F0F, 0, NO_EXC, 0x00FF, SF | PF},
    {"aad carry", helper_aad, 10, 0x01F8, 0, NO_EXC, 0x0002, CF | AF},
    {"aad overflow", helper_aad, 16, 0x0450, 0, NO_EXC, 0x0090, OF | SF | PF},
    {"aad zero", helper_aad, 10, 0x0000, SF, NO_EXC, 0x0000, ZF | PF},
};

static void test_bcd(void **state)
{
    for (size_t i = 0; i < sizeof(bcd_cases) / sizeof(bcd_cases[0]); i++) {
        const struct bcd_case *t = &bcd_cases[i];
        struct cpu cpu;
        uint32_t ret = 0;
        cpu_blank(&cpu, t->flags_in);
        cpu.regs[R_EAX] = t->eax;
        cpu.regs[R_EDX] = 0x5A5A5A5A;
        int exc = call_catching(&cpu, t->fn, t->imm, &ret);
        if (exc != t->exc || cpu.regs[R_EAX] != t->out_eax || arith_flags(&cpu) != t->flags_out ||
            cpu.regs[R_EDX] != 0x5A5A5A5A) {
            print_error("%s: exc %d eax %08x flags %03x; want exc %d eax %08x flags %03x\n",
                        t->name, exc, cpu.regs[R_EAX], arith_flags(&cpu), t->exc, t->out_eax,
                        t->flags_out);
            fail();
        }
    }
}

/* DAA/DAS over every AL, CF, AF: valid packed BCD sums/differences must come
 * out as decimal arithmetic. */
static void test_daa_das_decimal(void **state)
{
    for (unsigned x = 0; x < 100; x++) {
        for (unsigned y = 0; y < 100; y++) {
            unsigned bx = (x / 10) << 4 | (x % 10), by = (y / 10) << 4 | (y % 10);
            unsigned sum = bx + by, diff = (bx - by) & 0xFF;
            struct cpu cpu;
            cpu_blank(&cpu, (sum > 0xFF ? CF : 0) | (((bx & 0xF) + (by & 0xF)) > 0xF ? AF : 0));
            cpu.regs[R_EAX] = sum & 0xFF;
            helper_daa(&cpu, 0, 0, 0, 0);
            unsigned dec = (x + y) % 100;
            assert_int_equal(cpu.regs[R_EAX], (dec / 10) << 4 | (dec % 10));
            assert_int_equal(!!(arith_flags(&cpu) & CF), x + y >= 100);

            cpu_blank(&cpu, (bx < by ? CF : 0) | ((bx & 0xF) < (by & 0xF) ? AF : 0));
            cpu.regs[R_EAX] = diff;
            helper_das(&cpu, 0, 0, 0, 0);
            dec = (x + 100 - y) % 100;
            assert_int_equal(cpu.regs[R_EAX], (dec / 10) << 4 | (dec % 10));
            assert_int_equal(!!(arith_flags(&cpu) & CF), x < y);
        }
    }
}

/* ---------------------------------------------------------------- strings */

enum { RAM_SIZE = 1u << 20, DS_BASE = 0x10000, ES_BASE = 0x20000, TEST_PORT = 0x1F0 };

/* A port device that records what is written and reads back a counter. */
struct port_log {
    uint8_t written[16];
    unsigned nwritten;
    uint32_t next_read;
};

static uint32_t port_read(void *opaque, uint16_t port, unsigned size)
{
    struct port_log *p = opaque;
    return p->next_read++;
}

static void port_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct port_log *p = opaque;
    for (unsigned i = 0; i < size && p->nwritten < sizeof(p->written); i++)
        p->written[p->nwritten++] = (uint8_t)(value >> (8 * i));
}

static const struct ioport_ops port_ops = {port_read, port_write, 1 | 2 | 4};

struct str_fixture {
    struct cpu cpu;
    struct bus *bus;
    struct ioports *io;
    struct port_log port;
};

static void seg_real(struct cpu *cpu, int seg, uint16_t sel, uint16_t ar)
{
    cpu->seg[seg] = (struct seg){sel, (uint32_t)sel << 4, 0xFFFF, ar};
}

static int str_setup(void **state)
{
    struct str_fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    f->bus = bus_create(RAM_SIZE, NULL);
    f->io = ioports_create(NULL);
    if (!f->bus || !f->io ||
        !ioports_register(f->io, TEST_PORT, 4, &port_ops, &f->port, "test port"))
        return -1;
    cpu_blank(&f->cpu, 0);
    f->cpu.bus = f->bus;
    f->cpu.io = f->io;
    /* real mode after a far jump: data segments present, writable, accessed */
    seg_real(&f->cpu, SEG_CS, 0xF000, 0x9B);
    seg_real(&f->cpu, SEG_DS, DS_BASE >> 4, 0x93);
    seg_real(&f->cpu, SEG_ES, ES_BASE >> 4, 0x93);
    seg_real(&f->cpu, SEG_SS, 0x3000, 0x93);
    *state = f;
    return 0;
}

static int str_teardown(void **state)
{
    struct str_fixture *f = *state;
    bus_destroy(f->bus);
    ioports_destroy(f->io);
    free(f);
    return 0;
}

static void poke(struct bus *bus, uint32_t paddr, const char *bytes, size_t len)
{
    for (size_t i = 0; i < len; i++)
        bus_write8(bus, paddr + (uint32_t)i, (uint8_t)bytes[i]);
}

static void expect_bytes(struct bus *bus, uint32_t paddr, const char *bytes, size_t len)
{
    for (size_t i = 0; i < len; i++)
        assert_int_equal(bus_read8(bus, paddr + (uint32_t)i), (uint8_t)bytes[i]);
}

static void set_df(struct cpu *cpu, bool df)
{
    cpu->eflags = df ? cpu->eflags | EFLAGS_DF : cpu->eflags & ~(uint32_t)EFLAGS_DF;
}

static void test_rep_movsb_forward(void **state)
{
    struct str_fixture *f = *state;
    poke(f->bus, DS_BASE + 0x100, "hello", 5);
    f->cpu.regs[R_ESI] = 0xABCD0100;
    f->cpu.regs[R_EDI] = 0x12340200;
    f->cpu.regs[R_ECX] = 0x77770005;
    assert_int_equal(helper_movs(&f->cpu, 0, 0, 0, STR_IMM(1, 2, SEG_DS, 1)), 0);
    expect_bytes(f->bus, ES_BASE + 0x200, "hello", 5);
    assert_int_equal(f->cpu.regs[R_ESI], 0xABCD0105);
    assert_int_equal(f->cpu.regs[R_EDI], 0x12340205);
    assert_int_equal(f->cpu.regs[R_ECX], 0x77770000);
}

static void test_rep_movsw_backward(void **state)
{
    struct str_fixture *f = *state;
    poke(f->bus, DS_BASE + 0x104, "abcdef", 6);
    set_df(&f->cpu, true);
    f->cpu.regs[R_ESI] = 0x108;
    f->cpu.regs[R_EDI] = 0x208;
    f->cpu.regs[R_ECX] = 3;
    /* the NE form of the prefix acts as REP for MOVS */
    assert_int_equal(helper_movs(&f->cpu, 0, 0, 0, STR_IMM(2, 2, SEG_DS, 2)), 0);
    expect_bytes(f->bus, ES_BASE + 0x202, "\0\0abcdef\0", 9);
    assert_int_equal(f->cpu.regs[R_ESI], 0x102);
    assert_int_equal(f->cpu.regs[R_EDI], 0x202);
    assert_int_equal(f->cpu.regs[R_ECX], 0);
}

static void test_index_wrap16(void **state)
{
    struct str_fixture *f = *state;
    poke(f->bus, DS_BASE + 0xFFFF, "X", 1);
    poke(f->bus, DS_BASE, "Y", 1);
    f->cpu.regs[R_ESI] = 0x0001FFFF;
    f->cpu.regs[R_EDI] = 0x00020010;
    f->cpu.regs[R_ECX] = 2;
    helper_movs(&f->cpu, 0, 0, 0, STR_IMM(1, 2, SEG_DS, 1));
    expect_bytes(f->bus, ES_BASE + 0x10, "XY", 2);
    assert_int_equal(f->cpu.regs[R_ESI], 0x00010001);

    set_df(&f->cpu, true);
    f->cpu.regs[R_EAX] = 0x5A;
    f->cpu.regs[R_EDI] = 0x00000000;
    f->cpu.regs[R_ECX] = 0xFFFF0002;
    helper_stos(&f->cpu, 0, 0, 0, STR_IMM(1, 2, SEG_DS, 1));
    expect_bytes(f->bus, ES_BASE, "Z", 1);
    expect_bytes(f->bus, ES_BASE + 0xFFFF, "Z", 1);
    assert_int_equal(f->cpu.regs[R_EDI], 0x0000FFFE);
    assert_int_equal(f->cpu.regs[R_ECX], 0xFFFF0000);
}

static void test_rep_stosd_chunks(void **state)
{
    struct str_fixture *f = *state;
    f->cpu.regs[R_EAX] = 0x11223344;
    f->cpu.regs[R_EDI] = 0x300;
    f->cpu.regs[R_ECX] = 4;
    assert_int_equal(helper_stos(&f->cpu, 0, 0, 0, STR_IMM(4, 4, SEG_DS, 1)), 0);
    expect_bytes(f->bus, ES_BASE + 0x300, "\x44\x33\x22\x11\x44\x33\x22\x11", 8);
    assert_int_equal(f->cpu.regs[R_EDI], 0x310);

    /* 3000 iterations: two full chunks that ask to continue, then the rest */
    f->cpu.regs[R_EDI] = 0x1000;
    f->cpu.regs[R_ECX] = 3000;
    assert_int_equal(helper_stos(&f->cpu, 0, 0, 0, STR_IMM(1, 2, SEG_DS, 1)), 1);
    assert_int_equal(f->cpu.regs[R_ECX], 3000 - 1024);
    assert_int_equal(f->cpu.regs[R_EDI], 0x1000 + 1024);
    assert_int_equal(helper_stos(&f->cpu, 0, 0, 0, STR_IMM(1, 2, SEG_DS, 1)), 1);
    assert_int_equal(helper_stos(&f->cpu, 0, 0, 0, STR_IMM(1, 2, SEG_DS, 1)), 0);
    assert_int_equal(f->cpu.regs[R_ECX], 0);
    assert_int_equal(f->cpu.regs[R_EDI], 0x1000 + 3000);
    assert_int_equal(bus_read8(f->bus, ES_BASE + 0x1000 + 2999), 0x44);
    assert_int_equal(bus_read8(f->bus, ES_BASE + 0x1000 + 3000), 0);

    /* REP with the counter at 0 does nothing */
    f->cpu.regs[R_ECX] = 0xFFFF0000;
    assert_int_equal(helper_stos(&f->cpu, 0, 0, 0, STR_IMM(1, 2, SEG_DS, 1)), 0);
    assert_int_equal(f->cpu.regs[R_EDI], 0x1000 + 3000);
    assert_int_equal(bus_read8(f->bus, ES_BASE + 0x1000 + 3000), 0);
}

static void test_repe_cmpsb(void **state)
{
    struct str_fixture *f = *state;
    poke(f->bus, DS_BASE + 0x40, "abcdXzz", 7);
    poke(f->bus, ES_BASE + 0x80, "abcdYzz", 7);
    f->cpu.regs[R_ESI] = 0x40;
    f->cpu.regs[R_EDI] = 0x80;
    f->cpu.regs[R_ECX] = 10;
    assert_int_equal(helper_cmps(&f->cpu, 0, 0, 0, STR_IMM(1, 2, SEG_DS, 1)), 0);
    assert_int_equal(f->cpu.regs[R_ECX], 5);
    assert_int_equal(f->cpu.regs[R_ESI], 0x45);
    assert_int_equal(f->cpu.regs[R_EDI], 0x85);
    /* 'X' - 'Y' = FFH: borrow, sign, parity of FFH even */
    assert_int_equal(arith_flags(&f->cpu), CF | SF | AF | PF);

    /* REPNE over equal strings stops at the first equal element */
    f->cpu.regs[R_ESI] = 0x40;
    f->cpu.regs[R_EDI] = 0x80;
    f->cpu.regs[R_ECX] = 10;
    assert_int_equal(helper_cmps(&f->cpu, 0, 0, 0, STR_IMM(1, 2, SEG_DS, 2)), 0);
    assert_int_equal(f->cpu.regs[R_ECX], 9);
    assert_int_equal(arith_flags(&f->cpu), ZF | PF);
}

static void test_scas(void **state)
{
    struct str_fixture *f = *state;
    poke(f->bus, ES_BASE + 0x500, "hello\0", 6);
    f->cpu.regs[R_EAX] = 0xFFFFFF00;
    f->cpu.regs[R_EDI] = 0x500;
    f->cpu.regs[R_ECX] = 0xFFFF;
    assert_int_equal(helper_scas(&f->cpu, 0, 0, 0, STR_IMM(1, 2, SEG_DS, 2)), 0);
    assert_int_equal(f->cpu.regs[R_ECX], 0xFFF9);
    assert_int_equal(f->cpu.regs[R_EDI], 0x506);
    assert_int_equal(arith_flags(&f->cpu) & ZF, ZF);

    /* REPE SCASW that runs out of count with every element equal */
    poke(f->bus, ES_BASE + 0x600, "\x34\x12\x34\x12\x34\x12\x00\x00", 8);
    f->cpu.regs[R_EAX] = 0x1234;
    f->cpu.regs[R_EDI] = 0x600;
    f->cpu.regs[R_ECX] = 3;
    assert_int_equal(helper_scas(&f->cpu, 0, 0, 0, STR_IMM(2, 2, SEG_DS, 1)), 0);
    assert_int_equal(f->cpu.regs[R_ECX], 0);
    assert_int_equal(f->cpu.regs[R_EDI], 0x606);
    assert_int_equal(arith_flags(&f->cpu), ZF | PF);

    /* backwards, no REP: one comparison, CX untouched */
    set_df(&f->cpu, true);
    f->cpu.regs[R_EAX] = 0x0001;
    f->cpu.regs[R_EDI] = 0x604;
    f->cpu.regs[R_ECX] = 3;
    assert_int_equal(helper_scas(&f->cpu, 0, 0, 0, STR_IMM(2, 2, SEG_DS, 0)), 0);
    assert_int_equal(f->cpu.regs[R_EDI], 0x602);
    assert_int_equal(f->cpu.regs[R_ECX], 3);
    /* 0001H - 1234H = EDCDH */
    assert_int_equal(arith_flags(&f->cpu), CF | SF | AF);
}

static void test_lods_and_override(void **state)
{
    struct str_fixture *f = *state;
    poke(f->bus, DS_BASE + 0x20, "\xEF\xBE", 2);
    poke(f->bus, ES_BASE + 0x20, "Q", 1);
    f->cpu.regs[R_EAX] = 0x99990000;
    f->cpu.regs[R_ESI] = 0x20;
    f->cpu.regs[R_ECX] = 7;
    assert_int_equal(helper_lods(&f->cpu, 0, 0, 0, STR_IMM(2, 2, SEG_DS, 0)), 0);
    assert_int_equal(f->cpu.regs[R_EAX], 0x9999BEEF);
    assert_int_equal(f->cpu.regs[R_ESI], 0x22);
    assert_int_equal(f->cpu.regs[R_ECX], 7);

    /* ES: override on the source of MOVSB; the destination stays ES:DI */
    f->cpu.regs[R_ESI] = 0x20;
    f->cpu.regs[R_EDI] = 0x30;
    helper_movs(&f->cpu, 0, 0, 0, STR_IMM(1, 2, SEG_ES, 0));
    expect_bytes(f->bus, ES_BASE + 0x30, "Q", 1);
    expect_bytes(f->bus, DS_BASE + 0x30, "\0", 1);
}

/* A REP MOVSD that reaches the segment limit faults with the registers of the
 * iterations done. */
static void test_fault_midway(void **state)
{
    struct str_fixture *f = *state;
    sigjmp_buf env;
    f->cpu.regs[R_ESI] = 0xFFF8;
    f->cpu.regs[R_EDI] = 0x700;
    f->cpu.regs[R_ECX] = 4;
    f->cpu.exc_jmp = &env;
    f->cpu.exc_vector = NO_EXC;
    if (sigsetjmp(env, 0) == 0) {
        helper_movs(&f->cpu, 0, 0, 0, STR_IMM(4, 4, SEG_DS, 1));
        fail_msg("no fault at the segment limit");
    }
    f->cpu.exc_jmp = NULL;
    assert_int_equal(f->cpu.exc_vector, EXC_GP);
    assert_int_equal(f->cpu.regs[R_ESI], 0x10000);
    assert_int_equal(f->cpu.regs[R_EDI], 0x708);
    assert_int_equal(f->cpu.regs[R_ECX], 2);
}

static void test_ins_outs(void **state)
{
    struct str_fixture *f = *state;
    poke(f->bus, DS_BASE + 0x900, "xyz", 3);
    f->cpu.regs[R_EDX] = 0xFFFF0000 | TEST_PORT;
    f->cpu.regs[R_ESI] = 0x900;
    f->cpu.regs[R_ECX] = 3;
    assert_int_equal(helper_outs(&f->cpu, 0, 0, 0, STR_IMM(1, 2, SEG_DS, 1)), 0);
    assert_int_equal(f->port.nwritten, 3);
    assert_memory_equal(f->port.written, "xyz", 3);
    assert_int_equal(f->cpu.regs[R_ESI], 0x903);

    f->port.next_read = 0x4142;
    f->cpu.regs[R_EDI] = 0xA00;
    f->cpu.regs[R_ECX] = 2;
    assert_int_equal(helper_ins(&f->cpu, 0, 0, 0, STR_IMM(2, 2, SEG_DS, 1)), 0);
    expect_bytes(f->bus, ES_BASE + 0xA00, "\x42\x41\x43\x41", 4);
    assert_int_equal(f->cpu.regs[R_EDI], 0xA04);

    assert_int_equal(helper_in(&f->cpu, TEST_PORT, 0, 0, 1), 0x44);
    helper_out(&f->cpu, TEST_PORT, 0x1234, 0, 1);
    assert_int_equal(f->port.written[3], 0x34);
    assert_int_equal(f->port.nwritten, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bcd),
        cmocka_unit_test(test_daa_das_decimal),
        cmocka_unit_test_setup_teardown(test_rep_movsb_forward, str_setup, str_teardown),
        cmocka_unit_test_setup_teardown(test_rep_movsw_backward, str_setup, str_teardown),
        cmocka_unit_test_setup_teardown(test_index_wrap16, str_setup, str_teardown),
        cmocka_unit_test_setup_teardown(test_rep_stosd_chunks, str_setup, str_teardown),
        cmocka_unit_test_setup_teardown(test_repe_cmpsb, str_setup, str_teardown),
        cmocka_unit_test_setup_teardown(test_scas, str_setup, str_teardown),
        cmocka_unit_test_setup_teardown(test_lods_and_override, str_setup, str_teardown),
        cmocka_unit_test_setup_teardown(test_fault_midway, str_setup, str_teardown),
        cmocka_unit_test_setup_teardown(test_ins_outs, str_setup, str_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
