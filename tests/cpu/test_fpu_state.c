/* Unit tests of the x87 state machinery through the helpers, on a fake CPU
 * over a real bus: FSTENV/FSAVE/FRSTOR layouts (SDM vol. 1 figures 8-9..8-12),
 * FXSAVE, the tag word, stack overflow/underflow, masked responses, pending
 * exceptions delivered as #MF or FERR# at the next waiting instruction, #NM
 * from CR0.EM/TS/MP, and the last-instruction pointers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bus.h"
#include "cpu.h"
#include "cpuid.h"
#include "fpu.h"
#include "helpers.h"

enum { RAM_SIZE = 1 << 20, DS_BASE = 0x20000, NO_EXC = -1 };

struct fixture {
    struct cpu cpu;
    struct bus *bus;
    /* FERR# as the board would see it */
    int ferr_level;
    int ferr_calls;
};

static void ferr_hook(void *opaque, bool level)
{
    struct fixture *fx = opaque;
    fx->ferr_level = level;
    fx->ferr_calls++;
}

static void set_pm(struct fixture *fx, bool pm)
{
    struct cpu *cpu = &fx->cpu;
    cpu->mode = pm ? MODE_PE | MODE_CS32 | MODE_SS32 : 0;
    cpu->cr[0] = (pm ? CR0_PE : 0) | CR0_NE | CR0_ET | CR0_MP;
    cpu->seg[SEG_DS] = (struct seg){ pm ? 0x10 : DS_BASE >> 4, DS_BASE, 0xFFFF, 0x93 };
    cpu->seg[SEG_CS] = (struct seg){ pm ? 0x08 : 0xF000, pm ? 0 : 0xF0000, 0xFFFF, 0x9B };
}

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    if (!fx)
        return -1;
    fx->bus = bus_create(RAM_SIZE, NULL);
    if (!fx->bus)
        return -1;
    fx->cpu.bus = fx->bus;
    fx->cpu.model = cpu_model_find("pentium-pro");
    fx->cpu.eflags = EFLAGS_FIXED1;
    set_pm(fx, true);
    fpu_reset(&fx->cpu.fpu);
    fx->cpu.fpu.ferr = ferr_hook;
    fx->cpu.fpu.ferr_opaque = fx;
    fx->cpu.eip = 0x1000;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    bus_destroy(fx->bus);
    free(fx);
    return 0;
}

/* Run one x87 instruction (escape byte, ModRM; memory forms at DS:offset).
 * Returns the exception vector raised, or NO_EXC. */
static int run_o(struct fixture *fx, uint8_t esc, uint8_t modrm, uint32_t offset, bool o32)
{
    struct cpu *cpu = &fx->cpu;
    sigjmp_buf env;
    uint32_t imm = (uint32_t)(esc & 7) << 8 | modrm;
    cpu->exc_jmp = &env;
    cpu->exc_vector = NO_EXC;
    if (sigsetjmp(env, 0) != 0) {
        cpu->exc_jmp = NULL;
        return cpu->exc_vector;
    }
    if (modrm < 0xC0)
        helper_fpu_mem(cpu, offset, 0, 0, imm | SEG_DS << 16 | (uint32_t)o32 << 20);
    else
        helper_fpu_reg(cpu, 0, 0, 0, imm);
    cpu->exc_jmp = NULL;
    return NO_EXC;
}

static int run(struct fixture *fx, uint8_t esc, uint8_t modrm)
{
    return run_o(fx, esc, modrm, 0x100, true);
}

static int run_wait(struct fixture *fx)
{
    struct cpu *cpu = &fx->cpu;
    sigjmp_buf env;
    cpu->exc_jmp = &env;
    cpu->exc_vector = NO_EXC;
    if (sigsetjmp(env, 0) != 0) {
        cpu->exc_jmp = NULL;
        return cpu->exc_vector;
    }
    helper_fwait(cpu, 0, 0, 0, 0);
    cpu->exc_jmp = NULL;
    return NO_EXC;
}

static uint32_t rd(struct fixture *fx, uint32_t offset, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)bus_read8(fx->bus, DS_BASE + offset + i) << (8 * i);
    return v;
}

static void wr(struct fixture *fx, uint32_t offset, uint64_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        bus_write8(fx->bus, DS_BASE + offset + i, (uint8_t)(v >> (8 * i)));
}

static struct fpu *fpu_of(struct fixture *fx)
{
    return &fx->cpu.fpu;
}

/* FLD1, FLDZ, FLDPI: the stack after FNINIT */
static void load_three(struct fixture *fx)
{
    assert_int_equal(run(fx, 0xDB, 0xE3), NO_EXC);   /* FNINIT */
    assert_int_equal(run(fx, 0xD9, 0xE8), NO_EXC);   /* FLD1 */
    assert_int_equal(run(fx, 0xD9, 0xEE), NO_EXC);   /* FLDZ */
    assert_int_equal(run(fx, 0xD9, 0xEB), NO_EXC);   /* FLDPI */
}

static void test_reset_and_init(void **state)
{
    struct fixture *fx = *state;
    struct fpu *f = fpu_of(fx);
    assert_int_equal(f->fcw, 0x0040);
    assert_int_equal(f->ftw, 0x5555);
    assert_int_equal(run(fx, 0xDB, 0xE3), NO_EXC);
    assert_int_equal(f->fcw, 0x037F);
    assert_int_equal(f->fsw, 0);
    assert_int_equal(f->ftw, 0xFFFF);
}

static void test_tags_and_stack(void **state)
{
    struct fixture *fx = *state;
    struct fpu *f = fpu_of(fx);
    load_three(fx);
    /* TOP = 5: R5 = pi (valid), R6 = +0 (zero), R7 = 1 (valid) */
    assert_int_equal(fpu_top(f), 5);
    assert_int_equal(f->ftw, 0x13FF);
    assert_int_equal(f->regs[5].se, 0x4000);
    assert_true(f->regs[5].sig == 0xC90FDAA22168C235ull);
    /* FDIV ST, ST(1) = pi / 0: masked #Z gives +inf, tag special */
    assert_int_equal(run(fx, 0xD8, 0xF1), NO_EXC);
    assert_int_equal(f->fsw & FSW_EXC, FSW_ZE);
    assert_int_equal((f->ftw >> 10) & 3, FTAG_SPECIAL);
    /* FINCSTP/FDECSTP move TOP only; FFREE ST(1) empties R6 */
    assert_int_equal(run(fx, 0xD9, 0xF7), NO_EXC);
    assert_int_equal(fpu_top(f), 6);
    assert_int_equal(run(fx, 0xD9, 0xF6), NO_EXC);
    assert_int_equal(run(fx, 0xDD, 0xC1), NO_EXC);
    assert_int_equal((f->ftw >> 12) & 3, FTAG_EMPTY);
}

static void test_stack_overflow(void **state)
{
    struct fixture *fx = *state;
    struct fpu *f = fpu_of(fx);
    assert_int_equal(run(fx, 0xDB, 0xE3), NO_EXC);
    for (int i = 0; i < 8; i++)
        assert_int_equal(run(fx, 0xD9, 0xE8), NO_EXC);
    assert_int_equal(f->fsw & (FSW_IE | FSW_SF), 0);
    /* the ninth push: #IS with C1 = 1, masked response: the indefinite */
    assert_int_equal(run(fx, 0xD9, 0xEB), NO_EXC);
    assert_int_equal(f->fsw & (FSW_IE | FSW_SF | FSW_C1), FSW_IE | FSW_SF | FSW_C1);
    assert_int_equal(fpu_st(f, 0).se, 0xFFFF);
    assert_true(fpu_st(f, 0).sig == 0xC000000000000000ull);
    /* unmasked: nothing pushed, ES and B set */
    f->fcw &= (uint16_t)~FSW_IE;
    unsigned top = fpu_top(f);
    f->fsw &= (uint16_t)~(FSW_EXC | FSW_SF);
    assert_int_equal(run(fx, 0xD9, 0xE8), NO_EXC);
    assert_int_equal(fpu_top(f), top);
    assert_int_equal(f->fsw & (FSW_ES | FSW_B | FSW_IE), FSW_ES | FSW_B | FSW_IE);
}

static void test_stack_underflow(void **state)
{
    struct fixture *fx = *state;
    struct fpu *f = fpu_of(fx);
    assert_int_equal(run(fx, 0xDB, 0xE3), NO_EXC);
    assert_int_equal(run(fx, 0xD9, 0xE8), NO_EXC);
    /* FADD ST, ST(1) with ST(1) empty: #IS, C1 = 0, ST(0) = indefinite */
    f->fsw |= FSW_C1;
    assert_int_equal(run(fx, 0xD8, 0xC1), NO_EXC);
    assert_int_equal(f->fsw & (FSW_IE | FSW_SF | FSW_C1), FSW_IE | FSW_SF);
    assert_int_equal(fpu_st(f, 0).se, 0xFFFF);
    /* FSTP m32 from an empty register stores the single indefinite */
    assert_int_equal(run(fx, 0xDD, 0xD8), NO_EXC);   /* FSTP ST(0): pop */
    assert_int_equal(run(fx, 0xD9, 0x18), NO_EXC);   /* FSTP m32 */
    assert_int_equal(rd(fx, 0x100, 4), 0xFFC00000u);
    /* FISTP m16 from an empty register: the integer indefinite */
    assert_int_equal(run(fx, 0xDF, 0x18), NO_EXC);
    assert_int_equal(rd(fx, 0x100, 2), 0x8000);
}

/* FNSAVE, 32-bit protected-mode layout (SDM vol. 1 figure 8-9 + registers) */
static void test_fsave32_pm(void **state)
{
    struct fixture *fx = *state;
    struct fpu *f = fpu_of(fx);
    load_three(fx);
    fx->cpu.eip = 0x12345678;
    wr(fx, 0x40, 0x3FF8000000000000ull, 8);
    assert_int_equal(run_o(fx, 0xDC, 0x00, 0x40, true), NO_EXC);   /* FADD m64 (1.5) */
    fx->cpu.eip = 0x2000;
    assert_int_equal(run(fx, 0xDD, 0x30), NO_EXC);                   /* FNSAVE [100] */
    assert_int_equal(rd(fx, 0x100, 4), 0xFFFF037Fu);
    assert_int_equal(rd(fx, 0x104, 2) & ~FSW_C1, 5u << 11 | FSW_PE);
    assert_int_equal(rd(fx, 0x108, 4), 0xFFFF13FFu);
    assert_int_equal(rd(fx, 0x10C, 4), 0x12345678u);                  /* FIP */
    assert_int_equal(rd(fx, 0x110, 4), 0x08u | (0x400u << 16));       /* FCS, FOP = DC 00 */
    assert_int_equal(rd(fx, 0x114, 4), 0x40u);                        /* FDP */
    assert_int_equal(rd(fx, 0x118, 2), 0x10u);                        /* FDS */
    /* ST(0) = pi + 1.5 at 28, ST(1) = 0 at 38, ST(2) = 1 at 48 */
    assert_int_equal(rd(fx, 0x11C + 8, 2), 0x4001);
    assert_int_equal(rd(fx, 0x126 + 8, 2), 0);
    assert_int_equal(rd(fx, 0x130 + 4, 4), 0x80000000u);
    assert_int_equal(rd(fx, 0x130 + 8, 2), 0x3FFF);
    /* FNSAVE re-initialises; FRSTOR brings everything back */
    assert_int_equal(f->ftw, 0xFFFF);
    assert_int_equal(run(fx, 0xDD, 0x20), NO_EXC);
    assert_int_equal(fpu_top(f), 5);
    assert_int_equal(f->ftw, 0x13FF);
    assert_int_equal(f->fip, 0x12345678u);
    assert_int_equal(f->fop, 0x400);
    assert_int_equal(fpu_st(f, 2).se, 0x3FFF);
}

/* FNSTENV 16-bit real-mode layout (figure 8-12): 20-bit linear pointers */
static void test_fstenv16_real(void **state)
{
    struct fixture *fx = *state;
    struct fpu *f = fpu_of(fx);
    set_pm(fx, false);
    load_three(fx);
    fx->cpu.eip = 0x5678;
    fx->cpu.seg[SEG_CS].sel = 0x1234;
    wr(fx, 0x20, 0x3F800000u, 4);
    assert_int_equal(run_o(fx, 0xD8, 0x06, 0x20, false), NO_EXC);   /* FADD m32 */
    assert_int_equal(run_o(fx, 0xD9, 0x36, 0x100, false), NO_EXC);  /* FNSTENV */
    assert_int_equal(rd(fx, 0x100, 2), 0x037F);
    assert_int_equal(rd(fx, 0x104, 2), 0x13FF);
    /* linear IP 12340h + 5678h = 179B8h */
    assert_int_equal(rd(fx, 0x106, 2), 0x79B8);
    assert_int_equal(rd(fx, 0x108, 2), 0x1000 | 0x006);
    /* data: DS = 2000h: 20020h */
    assert_int_equal(rd(fx, 0x10A, 2), 0x0020);
    assert_int_equal(rd(fx, 0x10C, 2), 0x2000);
    /* FNSTENV masks every exception afterwards */
    f->fcw = 0x0360;
    assert_int_equal(run_o(fx, 0xD9, 0x36, 0x100, false), NO_EXC);
    assert_int_equal(f->fcw & FSW_EXC, FSW_EXC);
    /* FLDENV of the image restores the control word saved (0360h) */
    assert_int_equal(run_o(fx, 0xD9, 0x26, 0x100, false), NO_EXC);
    assert_int_equal(f->fcw, 0x0360);
    assert_int_equal(f->fip, 0x179B8u);
}

/* 32-bit real-mode layout (figure 8-10) and 16-bit protected (figure 8-11) */
static void test_fstenv_other_layouts(void **state)
{
    struct fixture *fx = *state;
    struct fpu *f = fpu_of(fx);
    set_pm(fx, false);
    load_three(fx);
    f->fcs = 0xF000;
    f->fip = 0xFFF0;
    f->fop = 0x5EB;
    f->fds = 0x2000;
    f->fdp = 0x10;
    assert_int_equal(run_o(fx, 0xD9, 0x36, 0x100, true), NO_EXC);
    assert_int_equal(rd(fx, 0x10C, 4), 0xFFFFFFF0u);               /* IP 15:0 */
    assert_int_equal(rd(fx, 0x110, 4), 0x5EBu | (0x000Fu << 12));  /* FOP, IP 31:16 */
    assert_int_equal(rd(fx, 0x114, 4), 0xFFFF0010u);
    assert_int_equal(rd(fx, 0x118, 4), 0x0002u << 12);
    set_pm(fx, true);
    f->fcs = 0x1B;
    f->fip = 0x4321;
    f->fds = 0x23;
    f->fdp = 0x8765;
    assert_int_equal(run_o(fx, 0xD9, 0x30, 0x100, false), NO_EXC);
    assert_int_equal(rd(fx, 0x106, 2), 0x4321);
    assert_int_equal(rd(fx, 0x108, 2), 0x1B);
    assert_int_equal(rd(fx, 0x10A, 2), 0x8765);
    assert_int_equal(rd(fx, 0x10C, 2), 0x23);
}

/* Tags follow the contents; FLDENV keeps only "empty" from the image. */
static void test_fldenv_tags(void **state)
{
    struct fixture *fx = *state;
    struct fpu *f = fpu_of(fx);
    load_three(fx);
    assert_int_equal(run(fx, 0xD9, 0x30), NO_EXC);
    /* claim R5 (pi) is zero and R7 (1.0) empty */
    wr(fx, 0x108, 0xD7FF, 2);
    assert_int_equal(run(fx, 0xD9, 0x20), NO_EXC);
    assert_int_equal(f->ftw, 0xD3FF);
    assert_true(fpu_empty(f, 2));
}

/* #MF at the next waiting instruction (CR0.NE = 1), FIP kept, no-wait
 * control instructions go through, FNCLEX clears. */
static void test_pending_mf(void **state)
{
    struct fixture *fx = *state;
    struct fpu *f = fpu_of(fx);
    load_three(fx);
    wr(fx, 0x10, 0x037B, 2);                           /* ZE unmasked */
    assert_int_equal(run_o(fx, 0xD9, 0x2E, 0x10, true), NO_EXC);
    fx->cpu.eip = 0x3000;
    assert_int_equal(run(fx, 0xD8, 0xF1), NO_EXC);   /* FDIV ST, ST(1): pi / 0 */
    assert_int_equal(f->fsw & (FSW_ZE | FSW_ES | FSW_B), FSW_ZE | FSW_ES | FSW_B);
    assert_int_equal(fpu_st(f, 0).se, 0x4000);        /* not stored */
    fx->cpu.eip = 0x3002;
    assert_int_equal(run(fx, 0xD9, 0xE8), EXC_MF);    /* FLD1: waiting */
    assert_int_equal(fpu_top(f), 5);
    assert_int_equal(f->fip, 0x3000u);
    assert_int_equal(run_wait(fx), EXC_MF);
    assert_int_equal(run(fx, 0xDD, 0x38), NO_EXC);    /* FNSTSW m16 */
    assert_int_equal(rd(fx, 0x100, 2) & FSW_ES, FSW_ES);
    assert_int_equal(run(fx, 0xDB, 0xE2), NO_EXC);    /* FNCLEX */
    assert_int_equal(f->fsw & (FSW_EXC | FSW_ES | FSW_B), 0);
    assert_int_equal(run_wait(fx), NO_EXC);
    assert_int_equal(run(fx, 0xD9, 0xE8), NO_EXC);
    assert_int_equal(fpu_top(f), 4);
}

/* CR0.NE = 0: FERR# (IRQ 13 on a PC) at the next waiting instruction, which
 * then executes; FNCLEX drops the line. */
static void test_pending_ferr(void **state)
{
    struct fixture *fx = *state;
    struct fpu *f = fpu_of(fx);
    fx->cpu.cr[0] &= ~(uint32_t)CR0_NE;
    load_three(fx);
    f->fcw = 0x037E;                                   /* IE unmasked */
    assert_int_equal(run(fx, 0xD9, 0xF8), NO_EXC);     /* FPREM: ST(1) = 0: invalid */
    assert_int_equal(fx->ferr_calls, 0);
    assert_int_equal(run_wait(fx), NO_EXC);
    assert_int_equal(fx->ferr_level, 1);
    assert_int_equal(run(fx, 0xD9, 0xE8), NO_EXC);     /* FLD1 runs */
    assert_int_equal(fpu_top(f), 4);
    assert_int_equal(run(fx, 0xDB, 0xE2), NO_EXC);
    assert_int_equal(fx->ferr_level, 0);
}

/* FLDCW unmasking a flag already set makes it pending (SDM 8.6). */
static void test_fldcw_unmask(void **state)
{
    struct fixture *fx = *state;
    struct fpu *f = fpu_of(fx);
    load_three(fx);
    assert_int_equal(run(fx, 0xD8, 0xF1), NO_EXC);     /* masked #Z */
    assert_int_equal(f->fsw & FSW_ES, 0);
    wr(fx, 0x10, 0x037B, 2);
    assert_int_equal(run_o(fx, 0xD9, 0x2E, 0x10, true), NO_EXC);
    assert_int_equal(f->fsw & FSW_ES, FSW_ES);
    assert_int_equal(run(fx, 0xD9, 0xC9), EXC_MF);     /* FXCH */
}

static void test_nm(void **state)
{
    struct fixture *fx = *state;
    struct cpu *cpu = &fx->cpu;
    cpu->cr[0] |= CR0_TS;
    assert_int_equal(run(fx, 0xDB, 0xE3), EXC_NM);     /* even FNINIT */
    assert_int_equal(run_wait(fx), EXC_NM);            /* MP and TS */
    cpu->cr[0] &= ~(uint32_t)CR0_MP;
    assert_int_equal(run_wait(fx), NO_EXC);            /* TS alone: WAIT runs */
    cpu->cr[0] = (cpu->cr[0] & ~(uint32_t)CR0_TS) | CR0_EM;
    assert_int_equal(run(fx, 0xD9, 0xE8), EXC_NM);
    assert_int_equal(run_wait(fx), NO_EXC);            /* EM does not affect WAIT */
    cpu->cr[0] &= ~(uint32_t)CR0_EM;
    /* #NM before a pending #MF */
    load_three(fx);
    fpu_of(fx)->fsw |= FSW_ES | FSW_IE;
    cpu->cr[0] |= CR0_TS;
    assert_int_equal(run(fx, 0xD9, 0xE8), EXC_NM);
}

/* FCOMI sets ZF PF CF; FCMOVcc moves on the condition. */
static void test_fcomi_fcmov(void **state)
{
    struct fixture *fx = *state;
    struct cpu *cpu = &fx->cpu;
    load_three(fx);
    helper_fpu_fcomi(cpu, 0, 0, 0, 3u << 8 | 0xF1);   /* FCOMI ST, ST(1): pi > 0 */
    assert_int_equal(cpu_get_eflags(cpu) & (EFLAGS_ZF | EFLAGS_PF | EFLAGS_CF), 0);
    helper_fpu_fcomi(cpu, 0, 0, 0, 7u << 8 | 0xF2);   /* FCOMIP ST, ST(2): pi > 1 */
    assert_int_equal(fpu_top(fpu_of(fx)), 6);
    helper_fpu_fcomi(cpu, 0, 0, 0, 3u << 8 | 0xF1);   /* 0 < 1 */
    assert_int_equal(cpu_get_eflags(cpu) & (EFLAGS_ZF | EFLAGS_PF | EFLAGS_CF), EFLAGS_CF);
    helper_fpu_fcmov(cpu, 1, 0, 0, 2u << 8 | 0xC1);   /* FCMOVB taken */
    assert_int_equal(fpu_st(fpu_of(fx), 0).se, 0x3FFF);
}

static void test_fxsave(void **state)
{
    struct fixture *fx = *state;
    struct cpu *cpu = &fx->cpu;
    struct fpu *f = fpu_of(fx);
    load_three(fx);
    f->fop = 0x123;
    f->fip = 0xABCDEF01;
    assert_int_equal(helper_fxsave(cpu, 0x200, 0, 0, SEG_DS), 0);
    assert_int_equal(rd(fx, 0x200, 2), 0x037F);
    assert_int_equal(rd(fx, 0x202, 2), 5u << 11);
    assert_int_equal(rd(fx, 0x204, 1), 0xE0);      /* R5 R6 R7 in use */
    assert_int_equal(rd(fx, 0x206, 2), 0x123);
    assert_int_equal(rd(fx, 0x208, 4), 0xABCDEF01u);
    assert_int_equal(rd(fx, 0x220 + 8, 2), 0x4000); /* ST(0) = pi at 32 */
    assert_int_equal(rd(fx, 0x230 + 8, 2), 0);      /* ST(1) = 0 at 48 */
    assert_int_equal(run(fx, 0xDB, 0xE3), NO_EXC);
    assert_int_equal(helper_fxrstor(cpu, 0x200, 0, 0, SEG_DS), 0);
    assert_int_equal(f->ftw, 0x13FF);
    assert_int_equal(fpu_top(f), 5);
    /* misaligned: #GP(0) */
    sigjmp_buf env;
    cpu->exc_jmp = &env;
    if (sigsetjmp(env, 0) == 0) {
        helper_fxsave(cpu, 0x208, 0, 0, SEG_DS);
        fail();
    }
    cpu->exc_jmp = NULL;
    assert_int_equal(cpu->exc_vector, EXC_GP);
}

/* Control instructions leave the instruction pointers alone. */
static void test_pointers(void **state)
{
    struct fixture *fx = *state;
    struct fpu *f = fpu_of(fx);
    load_three(fx);
    fx->cpu.eip = 0x4444;
    assert_int_equal(run(fx, 0xD9, 0xE1), NO_EXC);    /* FABS */
    assert_int_equal(f->fip, 0x4444u);
    assert_int_equal(f->fop, 0x1E1);
    fx->cpu.eip = 0x5555;
    assert_int_equal(run(fx, 0xD9, 0x38), NO_EXC);    /* FNSTCW */
    assert_int_equal(run(fx, 0xDD, 0x38), NO_EXC);    /* FNSTSW */
    assert_int_equal(f->fip, 0x4444u);
}

/* A model without an x87 (the 286): escapes do nothing. */
static void test_no_fpu(void **state)
{
    struct fixture *fx = *state;
    fx->cpu.model = cpu_model_find("286");
    fx->cpu.regs[R_EAX] = 0x1234;
    uint32_t ax = helper_fpu_reg(&fx->cpu, 0, 0, 0, 7u << 8 | 0xE0);
    assert_int_equal(ax, 0x1234);
    assert_int_equal(fpu_of(fx)->fcw, 0x0040);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_reset_and_init), T(test_tags_and_stack), T(test_stack_overflow),
        T(test_stack_underflow), T(test_fsave32_pm), T(test_fstenv16_real),
        T(test_fstenv_other_layouts), T(test_fldenv_tags), T(test_pending_mf),
        T(test_pending_ferr), T(test_fldcw_unmask), T(test_nm), T(test_fcomi_fcmov),
        T(test_fxsave), T(test_pointers), T(test_no_fpu),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
