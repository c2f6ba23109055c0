/* End-to-end tests of the execution engine on hand-assembled real-mode code:
 * translation, chaining, self-modifying code, exceptions, single-step and a
 * bounded code cache. */
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
#include "exec.h"
#include "ioport.h"

enum { CODE = 0x1000, STACK = 0x8000 };

struct vm {
    struct bus *bus;
    struct ioports *io;
    struct cpu cpu;
    struct exec *ex;
};

static struct vm *vm_new_model(uint32_t cache_size, const struct cpu_model *model)
{
    struct vm *vm = calloc(1, sizeof(*vm));
    assert_non_null(vm);
    vm->bus = bus_create(1u << 20, NULL);
    vm->io = ioports_create(NULL);
    assert_non_null(vm->bus);
    assert_non_null(vm->io);
    cpu_init(&vm->cpu, vm->bus, vm->io, NULL, model);
    struct exec_config cfg = {.cache_size = cache_size};
    vm->ex = exec_create(&vm->cpu, &cfg);
    assert_non_null(vm->ex);
    cpu_load_seg_real(&vm->cpu, SEG_CS, 0);
    cpu_load_seg_real(&vm->cpu, SEG_SS, 0);
    cpu_load_seg_real(&vm->cpu, SEG_DS, 0);
    cpu_update_mode(&vm->cpu);
    vm->cpu.eip = CODE;
    /* RESET leaves the processor signature in EDX */
    memset(vm->cpu.regs, 0, sizeof(vm->cpu.regs));
    vm->cpu.regs[R_ESP] = STACK;
    return vm;
}

static struct vm *vm_new(uint32_t cache_size)
{
    return vm_new_model(cache_size, cpu_model_default());
}

static void vm_free(struct vm *vm)
{
    exec_destroy(vm->ex);
    ioports_destroy(vm->io);
    bus_destroy(vm->bus);
    free(vm);
}

static void put(struct vm *vm, uint32_t paddr, const uint8_t *bytes, size_t n)
{
    assert_true(bus_write_ram(vm->bus, paddr, bytes, n));
}

static void set_vector(struct vm *vm, unsigned vector, uint16_t offset)
{
    bus_write16(vm->bus, vector * 4, offset);
    bus_write16(vm->bus, vector * 4 + 2, 0);
}

static void run_to_hlt(struct vm *vm)
{
    assert_int_equal(exec_run(vm->ex, 1000000), EXEC_HALTED);
}

static void test_straight_line(void **state)
{
    (void)state;
    struct vm *vm = vm_new(0);
    /* mov ax,5; add ax,7; mov bx,ax; hlt */
    static const uint8_t code[] = {0xB8, 5, 0, 0x05, 7, 0, 0x89, 0xC3, 0xF4};
    put(vm, CODE, code, sizeof(code));
    run_to_hlt(vm);
    assert_int_equal(vm->cpu.regs[R_EBX] & 0xFFFF, 12);
    assert_int_equal(vm->cpu.eip, CODE + sizeof(code));
    assert_int_equal(vm->cpu.icount, 4);
    vm_free(vm);
}

static void test_loop_chains(void **state)
{
    (void)state;
    struct vm *vm = vm_new(0);
    /* mov cx,100; l: inc ax; loop l; hlt */
    static const uint8_t code[] = {0xB9, 100, 0, 0x40, 0xE2, 0xFD, 0xF4};
    put(vm, CODE, code, sizeof(code));
    run_to_hlt(vm);
    assert_int_equal(vm->cpu.regs[R_EAX] & 0xFFFF, 100);
    assert_true(exec_stats(vm->ex)->chained > 50);
    assert_true(exec_stats(vm->ex)->blocks_translated < 10);
    vm_free(vm);
}

/* A store rewrites the immediate of the very next instruction of the block. */
static void test_smc_next_instruction(void **state)
{
    (void)state;
    struct vm *vm = vm_new(0);
    /* mov byte [CODE+6],0x42; mov al,0x11; hlt */
    static const uint8_t code[] = {0xC6, 0x06, 0x06, 0x10, 0x42, 0xB0, 0x11, 0xF4};
    put(vm, CODE, code, sizeof(code));
    run_to_hlt(vm);
    assert_int_equal(vm->cpu.regs[R_EAX] & 0xFF, 0x42);
    assert_true(exec_stats(vm->ex)->smc_invalidations >= 1);
    vm_free(vm);
}

/* Code that already ran is rewritten from outside and runs again. */
static void test_smc_rerun(void **state)
{
    (void)state;
    struct vm *vm = vm_new(0);
    static const uint8_t code[] = {0xB0, 0x11, 0xF4}; /* mov al,0x11; hlt */
    put(vm, CODE, code, sizeof(code));
    run_to_hlt(vm);
    assert_int_equal(vm->cpu.regs[R_EAX] & 0xFF, 0x11);
    bus_write8(vm->bus, CODE + 1, 0x22);
    vm->cpu.halted = false;
    vm->cpu.eip = CODE;
    run_to_hlt(vm);
    assert_int_equal(vm->cpu.regs[R_EAX] & 0xFF, 0x22);
    vm_free(vm);
}

/* #DE is a fault: the handler sees the address of the DIV itself. */
static void test_divide_error_return_address(void **state)
{
    (void)state;
    struct vm *vm = vm_new(0);
    /* xor bl,bl; mov ax,1; div bl; hlt */
    static const uint8_t code[] = {0x30, 0xDB, 0xB8, 1, 0, 0xF6, 0xF3, 0xF4};
    static const uint8_t handler[] = {0xF4};
    put(vm, CODE, code, sizeof(code));
    put(vm, 0x2000, handler, sizeof(handler));
    set_vector(vm, EXC_DE, 0x2000);
    run_to_hlt(vm);
    assert_int_equal(vm->cpu.eip, 0x2001);
    /* the frame is FLAGS, CS, IP from the top down */
    assert_int_equal(bus_read16(vm->bus, STACK - 6), CODE + 5);
    assert_int_equal(bus_read16(vm->bus, STACK - 4), 0);
    vm_free(vm);
}

/* A word at offset 0xFFFF straddles the segment limit: #GP (SDM vol. 3 20.1.2). */
static void test_segment_wrap_gp(void **state)
{
    (void)state;
    struct vm *vm = vm_new(0);
    static const uint8_t code[] = {0xA1, 0xFF, 0xFF, 0xF4}; /* mov ax,[0xffff]; hlt */
    static const uint8_t handler[] = {0xF4};
    put(vm, CODE, code, sizeof(code));
    put(vm, 0x2000, handler, sizeof(handler));
    set_vector(vm, EXC_GP, 0x2000);
    run_to_hlt(vm);
    assert_int_equal(vm->cpu.eip, 0x2001);
    assert_int_equal(bus_read16(vm->bus, STACK - 6), CODE);
    vm_free(vm);
}

/* TF: one #DB after every instruction from the one after the POPF that set it
 * up to and including the POPF that clears it. */
static void test_single_step(void **state)
{
    (void)state;
    struct vm *vm = vm_new(0);
    static const uint8_t code[] = {
        0x9C, 0x58, 0x80, 0xCC, 0x01, 0x50, 0x9D,   /* pushf; pop ax; or ah,1; push ax; popf */
        0x90, 0x90, 0x90,                           /* nop x3 */
        0x9C, 0x58, 0x80, 0xE4, 0xFE, 0x50, 0x9D,   /* clear TF the same way */
        0xF4,
    };
    static const uint8_t handler[] = {0x42, 0xCF}; /* inc dx; iret */
    put(vm, CODE, code, sizeof(code));
    put(vm, 0x2000, handler, sizeof(handler));
    set_vector(vm, EXC_DB, 0x2000);
    run_to_hlt(vm);
    assert_int_equal(vm->cpu.regs[R_EDX] & 0xFFFF, 8);
    vm_free(vm);
}

/* More distinct blocks than the cache holds: it flushes and keeps going. */
static void test_cache_bound(void **state)
{
    (void)state;
    enum { BLOCKS = 4000 };
    struct vm *vm = vm_new(64 * 1024);
    uint8_t *code = malloc(BLOCKS * 3 + 1);
    for (unsigned i = 0; i < BLOCKS; i++) {
        code[3 * i] = 0x40;      /* inc ax */
        code[3 * i + 1] = 0xEB;  /* jmp short next */
        code[3 * i + 2] = 0x00;
    }
    code[BLOCKS * 3] = 0xF4;
    put(vm, CODE, code, BLOCKS * 3 + 1);
    free(code);
    run_to_hlt(vm);
    assert_int_equal(vm->cpu.regs[R_EAX] & 0xFFFF, BLOCKS);
    assert_true(exec_stats(vm->ex)->flushes > 0);
    vm_free(vm);
}

/* Run code with #UD, #GP and #SS handlers that record their vector in BL. */
static struct vm *run_with_handlers(const char *model, const uint8_t *code, size_t n)
{
    struct vm *vm = vm_new_model(0, cpu_model_find(model));
    static const uint8_t handlers[] = {
        0xB3, EXC_UD, 0xF4,   /* mov bl,6; hlt */
        0xB3, EXC_SS, 0xF4,   /* mov bl,12; hlt */
        0xB3, EXC_GP, 0xF4,   /* mov bl,13; hlt */
    };
    put(vm, CODE, code, n);
    put(vm, 0x2000, handlers, sizeof(handlers));
    set_vector(vm, EXC_UD, 0x2000);
    set_vector(vm, EXC_SS, 0x2003);
    set_vector(vm, EXC_GP, 0x2006);
    run_to_hlt(vm);
    return vm;
}

/* The "286" model: LOCK ignored on any instruction, a 10-byte limit, and #GP
 * for stack-limit faults; a 386+ model raises #UD, runs 11 bytes, and #SS. */
static void test_model_286_differences(void **state)
{
    (void)state;
    static const uint8_t lock_mov[] = {0xF0, 0x89, 0xC1, 0xF4};  /* lock mov cx,ax */
    static const uint8_t long_insn[] = {0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E,
                                        0xB8, 0x34, 0x12, 0xF4}; /* 7 x cs: mov ax,1234h */
    static const uint8_t ss_wrap[] = {0xBD, 0xFF, 0xFF, 0x8B, 0x46, 0x00, 0xF4};
    /* mov bp,0ffffh; mov ax,[bp] */
    struct vm *vm = run_with_handlers("286", lock_mov, sizeof(lock_mov));
    assert_int_equal(vm->cpu.regs[R_EBX] & 0xFF, 0);
    vm_free(vm);
    vm = run_with_handlers("i686", lock_mov, sizeof(lock_mov));
    assert_int_equal(vm->cpu.regs[R_EBX] & 0xFF, EXC_UD);
    vm_free(vm);
    vm = run_with_handlers("286", long_insn, sizeof(long_insn));   /* 10 bytes: fine */
    assert_int_equal(vm->cpu.regs[R_EBX] & 0xFF, 0);
    vm_free(vm);
    static const uint8_t too_long[] = {0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E,
                                       0xB8, 0x34, 0x12, 0xF4}; /* 11 bytes */
    vm = run_with_handlers("286", too_long, sizeof(too_long));
    assert_int_equal(vm->cpu.regs[R_EBX] & 0xFF, EXC_GP);
    vm_free(vm);
    vm = run_with_handlers("i686", too_long, sizeof(too_long));
    assert_int_equal(vm->cpu.regs[R_EAX] & 0xFFFF, 0x1234);
    vm_free(vm);
    vm = run_with_handlers("286", ss_wrap, sizeof(ss_wrap));
    assert_int_equal(vm->cpu.regs[R_EBX] & 0xFF, EXC_GP);
    vm_free(vm);
    vm = run_with_handlers("i686", ss_wrap, sizeof(ss_wrap));
    assert_int_equal(vm->cpu.regs[R_EBX] & 0xFF, EXC_SS);
    vm_free(vm);
}

static uint8_t ack_0x20(void *opaque)
{
    struct cpu *cpu = opaque;
    cpu->intr = false;   /* one request, taken once */
    return 0x20;
}

static const struct cpu_irq_ops fake_pic = {.ack = ack_0x20};

/* An external interrupt is taken at an instruction boundary only once IF is
 * set and the STI shadow has passed, and it wakes a halted CPU. */
static void test_external_interrupt(void **state)
{
    (void)state;
    struct vm *vm = vm_new(0);
    static const uint8_t code[] = {
        0xFB, 0x90,   /* sti; nop (the interrupt may come after the nop) */
        0xF4,         /* hlt: woken by the interrupt */
        0xB1, 0x07,   /* mov cl,7 */
        0xF4,
    };
    static const uint8_t handler[] = {0x42, 0xCF}; /* inc dx; iret */
    put(vm, CODE, code, sizeof(code));
    put(vm, 0x2000, handler, sizeof(handler));
    set_vector(vm, 0x20, 0x2000);
    vm->cpu.irq_ops = &fake_pic;
    vm->cpu.irq_opaque = &vm->cpu;
    /* pending from the start, but IF is clear until the STI */
    vm->cpu.intr = true;
    assert_int_equal(exec_run(vm->ex, 1000), EXEC_HALTED);
    assert_int_equal(vm->cpu.regs[R_EDX] & 0xFFFF, 1);
    /* not inside the STI shadow (1001): blocks end at STI and HLT, so the
     * interrupt wakes the HLT and returns after it */
    assert_int_equal(bus_read16(vm->bus, STACK - 6), CODE + 3);
    assert_int_equal(vm->cpu.regs[R_ECX] & 0xFF, 7);
    assert_int_equal(vm->cpu.eip, CODE + 6);
    /* with IF clear nothing is taken: the run stops at the HLT */
    vm->cpu.halted = false;
    vm->cpu.eip = CODE + 2;
    cpu_set_eflags(&vm->cpu, 0, EFLAGS_IF);
    vm->cpu.intr = true;
    assert_int_equal(exec_run(vm->ex, 1000), EXEC_HALTED);
    assert_int_equal(vm->cpu.regs[R_EDX] & 0xFFFF, 1);
    assert_int_equal(vm->cpu.eip, CODE + 3);
    vm_free(vm);
}

/* An instruction breakpoint on the #DB handler's first instruction faults
 * again before anything retires (SDM vol. 3 17.3.1.1: delivery clears RF), a
 * guest livelock; exec_run must still come back once the budget is spent
 * rather than hang the host (test_diff seed 5566 hung this way). */
static void test_exception_livelock_bounded(void **state)
{
    (void)state;
    struct vm *vm = vm_new(0);
    static const uint8_t code[] = {0xF4};
    put(vm, CODE, code, sizeof(code));
    set_vector(vm, EXC_DB, CODE);
    vm->cpu.dr[0] = CODE;
    /* L0 with R/W0 = 00 (execute), LEN0 = 00 */
    vm->cpu.dr[7] |= 1u;
    cpu_update_mode(&vm->cpu);
    /* the pushes wrap inside a stack segment away from the code and IVT */
    cpu_load_seg_real(&vm->cpu, SEG_SS, 0x9000);
    assert_int_equal(exec_run(vm->ex, 500), EXEC_BUDGET);
    assert_int_equal(vm->cpu.icount, 0);
    assert_int_equal(vm->cpu.eip, CODE);
    assert_true(vm->cpu.stats.exceptions >= 500);
    /* progress resets the count: with the breakpoint gone the HLT runs */
    vm->cpu.dr[7] &= ~1u;
    cpu_update_mode(&vm->cpu);
    assert_int_equal(exec_run(vm->ex, 500), EXEC_HALTED);
    assert_int_equal(vm->cpu.icount, 1);
    vm_free(vm);
}

/* A guest that writes a new block (mov ax,i; add si,ax; ret) for every i into
 * a 16 KiB ring and calls it: every block is new, and each pass over the ring
 * rewrites code already translated (self-modifying code). */
static void put_code_generator(struct vm *vm, uint16_t n)
{
    const uint8_t code[] = {
        0x31, 0xF6,                   /* xor si,si */
        0xBF, 0x00, 0x20,             /* mov di,2000h */
        0x31, 0xC9,                   /* xor cx,cx */
        /* loop: */
        0xC6, 0x05, 0xB8,             /* mov byte [di],B8h (mov ax,imm16) */
        0x89, 0x4D, 0x01,             /* mov [di+1],cx */
        0xC7, 0x45, 0x03, 0x01, 0xC6, /* mov word [di+3],C601h (add si,ax) */
        0xC6, 0x45, 0x05, 0xC3,       /* mov byte [di+5],C3h (ret) */
        0xFF, 0xD7,                   /* call di */
        0x83, 0xC7, 0x08,             /* add di,8 */
        0x81, 0xFF, 0x00, 0x60,       /* cmp di,6000h */
        0x72, 0x03,                   /* jb +3 */
        0xBF, 0x00, 0x20,             /* mov di,2000h */
        0x41,                         /* inc cx */
        0x81, 0xF9, (uint8_t)n, (uint8_t)(n >> 8), /* cmp cx,n */
        0x75, 0xDC,                   /* jne loop */
        0xF4,
    };
    put(vm, CODE, code, sizeof(code));
}

/* The code cache stays within its bounds (bytes of block code and blocks)
 * while the guest generates code without end, flushes many times, and the
 * guest's sum of every i stays right. Small cache: the byte bound flushes. */
static void test_cache_bound_generated_code(void **state)
{
    (void)state;
    enum { N = 30000, CACHE = 64 * 1024 };
    struct vm *vm = vm_new(CACHE);
    put_code_generator(vm, N);
    run_to_hlt(vm);
    const struct exec_stats *st = exec_stats(vm->ex);
    assert_int_equal(vm->cpu.regs[R_ESI] & 0xFFFF, (uint16_t)((uint32_t)N * (N - 1) / 2));
    assert_int_equal(vm->cpu.regs[R_ECX] & 0xFFFF, N);
    assert_true(st->blocks_translated > N);
    assert_true(st->flushes > 1);
    assert_true(st->cache_code_peak > CACHE / 2);
    assert_true(st->cache_code_peak <= CACHE);
    assert_true(st->cache_blocks_peak <= EXEC_MAX_BLOCKS);
    vm_free(vm);
}

/* A cache large enough for 64 Ki blocks: the block-count bound is what
 * flushes, and blocks live long enough for the ring's rewrites to hit them. */
static void test_cache_block_bound(void **state)
{
    (void)state;
    enum { N = 65000 };
    struct vm *vm = vm_new(96u << 20);
    put_code_generator(vm, N);
    run_to_hlt(vm);
    put_code_generator(vm, N);
    vm->cpu.eip = CODE;
    vm->cpu.halted = false;
    run_to_hlt(vm);
    const struct exec_stats *st = exec_stats(vm->ex);
    assert_int_equal(vm->cpu.regs[R_ESI] & 0xFFFF, (uint16_t)((uint32_t)N * (N - 1) / 2));
    assert_true(st->flushes >= 1);
    assert_true(st->smc_invalidations > N / 2);
    assert_int_equal(st->cache_blocks_peak, EXEC_MAX_BLOCKS);
    assert_true(st->cache_code_peak <= 96u << 20);
    vm_free(vm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_straight_line),
        cmocka_unit_test(test_loop_chains),
        cmocka_unit_test(test_smc_next_instruction),
        cmocka_unit_test(test_smc_rerun),
        cmocka_unit_test(test_divide_error_return_address),
        cmocka_unit_test(test_segment_wrap_gp),
        cmocka_unit_test(test_single_step),
        cmocka_unit_test(test_cache_bound),
        cmocka_unit_test(test_model_286_differences),
        cmocka_unit_test(test_external_interrupt),
        cmocka_unit_test(test_exception_livelock_bounded),
        cmocka_unit_test(test_cache_bound_generated_code),
        cmocka_unit_test(test_cache_block_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
