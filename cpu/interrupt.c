/* Exceptions and interrupts: raising, double/triple-fault escalation (SDM vol. 3
 * 6.15 tables 6-4, 6-5), real-mode delivery through the IVT (SDM vol. 3 20.1.4,
 * vol. 2 INT n pseudo-code), and the INT/INTO/BOUND helpers. Protected-mode
 * and v86 delivery is in idt.c, IRET in iret.c. */
#include <assert.h>
#include <stdbool.h>

#include "cpu.h"
#include "cpuid.h"
#include "flags.h"
#include "helpers.h"
#include "log.h"
#include "mem.h"
#include "task.h"

static const char *const int_kind_name[] = {
    [INT_EXCEPTION] = "exception", [INT_SOFTWARE] = "software", [INT_EXTERNAL] = "external",
};

/* SDM vol. 3 table 6-4: the contributory exceptions */
static bool contributory(int vector)
{
    return vector == EXC_DE || vector == EXC_TS || vector == EXC_NP || vector == EXC_SS ||
           vector == EXC_GP;
}

/* Vectors that push an error code in protected mode (SDM vol. 3 table 6-1). */
static bool has_error_code(int vector)
{
    return vector == EXC_DF || vector == EXC_TS || vector == EXC_NP || vector == EXC_SS ||
           vector == EXC_GP || vector == EXC_PF || vector == EXC_AC;
}

/* Shutdown: only NMI, INIT or RESET leave it (SDM vol. 3 6.15, interrupt 8).
 * IF is cleared so that INTR cannot wake the halted CPU; the board resets. */
static void shutdown(struct cpu *cpu)
{
    log_printf(cpu->log, LOG_INT, "int: triple fault at %04X:%04X, CPU shut down\n",
               cpu->seg[SEG_CS].sel, cpu->eip);
    cpu->eflags &= ~(uint32_t)EFLAGS_IF;
    cpu->halted = true;
    cpu->shutdown = true;
    cpu->exit_request = 1;
    cpu->exc_depth = 0;
    cpu->exc_ext = 0;
}

/* A fault while delivering cpu->exc_vector (-1: an interrupt, not an exception).
 * Returns the vector to deliver instead, or -1 after a shutdown. */
static int escalate(struct cpu *cpu, int vector, int32_t *error)
{
    int first = cpu->exc_vector;

    if (first == EXC_DF) {
        shutdown(cpu);
        return -1;
    }
    if ((contributory(first) && contributory(vector)) ||
        (first == EXC_PF && (contributory(vector) || vector == EXC_PF))) {
        *error = 0;
        return EXC_DF;
    }
    return vector;
}

_Noreturn void cpu_raise_exception(struct cpu *cpu, int vector, int32_t error)
{
    assert(cpu->exc_jmp);
    if (cpu->exc_depth > 0)
        vector = escalate(cpu, vector, &error);
    cpu->exc_vector = vector;
    cpu->exc_error = vector < 0 ? -1 : error;
    siglongjmp(*cpu->exc_jmp, 1);
}

static void log_delivery(struct cpu *cpu, int vector, int32_t error, uint32_t eip,
                         enum int_kind kind)
{
    if (!log_enabled(cpu->log, LOG_INT))
        return;
    if (error >= 0)
        log_printf(cpu->log, LOG_INT, "int: vector 0x%02x error 0x%04x at %04X:%04X (%s)\n",
                   vector, (unsigned)error, cpu->seg[SEG_CS].sel, eip, int_kind_name[kind]);
    else
        log_printf(cpu->log, LOG_INT, "int: vector 0x%02x at %04X:%04X (%s)\n", vector,
                   cpu->seg[SEG_CS].sel, eip, int_kind_name[kind]);
}

static uint32_t sp_mask(const struct cpu *cpu)
{
    return (cpu->mode & MODE_SS32) ? 0xFFFFFFFFu : 0xFFFFu;
}

/* Real mode: push FLAGS, CS, IP (no error code), clear IF TF AC RF, jump
 * through the 4-byte IVT entry. All writes happen before SP moves. */
static void deliver_real(struct cpu *cpu, int vector, uint32_t return_eip)
{
    uint32_t entry = (uint32_t)vector * 4, ivt, sp, mask = sp_mask(cpu);

    if (entry + 3 > cpu->idtr.limit)
        cpu_raise_exception(cpu, EXC_GP, 0);
    ivt = cpu_read_linear(cpu, cpu->idtr.base + entry, 4);
    sp = cpu->regs[R_ESP];
    cpu_write(cpu, SEG_SS, (sp - 2) & mask, 2, cpu_get_eflags(cpu));
    cpu_write(cpu, SEG_SS, (sp - 4) & mask, 2, cpu->seg[SEG_CS].sel);
    cpu_write(cpu, SEG_SS, (sp - 6) & mask, 2, return_eip);
    cpu->regs[R_ESP] = (sp & ~mask) | ((sp - 6) & mask);
    cpu_set_eflags(cpu, 0, EFLAGS_IF | EFLAGS_TF | EFLAGS_AC | EFLAGS_RF);
    cpu_load_seg_real(cpu, SEG_CS, (uint16_t)(ivt >> 16));
    cpu->eip = ivt & 0xFFFF;
    cpu_update_mode(cpu);
}

/* int_n: an INT n instruction (CD ib), which v86 mode treats differently
 * from INT3 and INTO (SDM vol. 3 20.2.7: only INT n is IOPL-sensitive). */
static void deliver(struct cpu *cpu, int vector, int32_t error, uint32_t return_eip,
                    enum int_kind kind, bool int_n)
{
    log_delivery(cpu, vector, error, return_eip, kind);
    /* exec counts the exceptions and external interrupts it delivers */
    if (kind == INT_SOFTWARE)
        cpu->stats.interrupts++;
    /* what a fault during this delivery escalates from */
    cpu->exc_vector = kind == INT_EXCEPTION ? vector : -1;
    cpu->exc_ext = kind == INT_SOFTWARE ? 0 : 1;
    cpu->exc_depth++;
    /* a faulting instruction did not complete: no data breakpoint trap */
    if (kind == INT_EXCEPTION)
        cpu->dr6_pending = 0;
    if (!(cpu->cr[0] & CR0_PE))
        deliver_real(cpu, vector, return_eip);
    else if (int_n && (cpu->eflags & EFLAGS_VM))
        v86_int(cpu, vector, return_eip);
    else
        idt_deliver(cpu, vector, kind == INT_EXCEPTION ? error : -1, return_eip, kind);
    cpu->exc_depth = 0;
    cpu->exc_ext = 0;
    cpu->exc_vector = -1;
    cpu->exc_error = -1;
    /* an interrupt or exception ends HLT */
    cpu->halted = false;
}

void cpu_deliver_interrupt(struct cpu *cpu, int vector, int32_t error, uint32_t return_eip)
{
    /* vector -1: the raise ended in shutdown; nothing to deliver */
    if (vector < 0)
        return;
    /* an exception comes here from cpu_raise_exception's record; anything
     * else is an external interrupt (INTR or NMI) */
    deliver(cpu, vector, error, return_eip,
            vector == cpu->exc_vector ? INT_EXCEPTION : INT_EXTERNAL, false);
}

/* imm: 1 for INT n, 0 for INT3 */
uint32_t helper_int(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    deliver(cpu, (int)(a & 0xFF), -1, b, INT_SOFTWARE, imm != 0);
    return 0;
}

uint32_t helper_into(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    /* a trap: the pushed EIP is the instruction after INTO */
    if (flags_cond(cpu, 0))
        deliver(cpu, EXC_OF, -1, a, INT_SOFTWARE, false);
    else
        cpu->eip = a;
    return 0;
}

/* imm: bits 0-7 vector; bit 8 set: error code in bits 16-31. Without one, a
 * vector that architecturally has an error code gets 0. */
uint32_t helper_raise(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    int vector = (int)(imm & 0xFF);
    int32_t error = (imm & 0x100) ? (int32_t)(imm >> 16) : has_error_code(vector) ? 0 : -1;

    cpu_raise_exception(cpu, vector, error);
}

static int32_t sign_extend(uint32_t v, unsigned size)
{
    return size == 2 ? (int32_t)(int16_t)v : (int32_t)v;
}

uint32_t helper_bound(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    int32_t index = sign_extend(a, imm);
    int32_t lower = sign_extend(cpu_read(cpu, (int)c, b, imm), imm);
    /* past the segment limit the second bound faults like any operand */
    int32_t upper = sign_extend(cpu_read(cpu, (int)c, b + imm, imm), imm);

    assert(imm == 2 || imm == 4);
    if (index < lower || index > upper)
        cpu_raise_exception(cpu, EXC_BR, -1);
    return 0;
}
