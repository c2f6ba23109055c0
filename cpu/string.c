/* String instructions MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS with REP/REPE/
 * REPNE (SDM vol. 2 each instruction, and REP/REPE/REPNE). A REP runs at most
 * STRING_CHUNK iterations per call so the block can take interrupts between
 * chunks; registers are updated after every iteration, so a fault mid-way
 * leaves them as the SDM requires (the restarted REP resumes where it was). */
#include "bits.h"
#include <stdbool.h>

#include "cpu.h"
#include "cpuid.h"
#include "flags.h"
#include "helpers.h"
#include "ioport.h"
#include "mem.h"
#include "task.h"

enum { STRING_CHUNK = 1024, REP_NONE = 0, REP_E = 1, REP_NE = 2 };

/* One decoded STR_IMM operand plus the per-call step. */
struct str_op {
    unsigned size;
    /* index/counter width mask: 0xFFFF (SI, DI, CX) or 0xFFFFFFFF */
    uint32_t amask;
    int seg;
    unsigned rep;
    /* +size or -size by EFLAGS.DF */
    uint32_t step;
};

/* One iteration; returns ZF of a CMPS/SCAS comparison, true for the others. */
typedef bool str_iter_fn(struct cpu *cpu, const struct str_op *op);

static uint32_t index_get(const struct cpu *cpu, int reg, const struct str_op *op)
{
    return cpu->regs[reg] & op->amask;
}

/* Advance an index (or decrement the counter): wraps within the address size,
 * the upper half of a 16-bit register is kept. */
static void index_add(struct cpu *cpu, int reg, const struct str_op *op, uint32_t delta)
{
    uint32_t value = (cpu->regs[reg] + delta) & op->amask;
    cpu->regs[reg] = (cpu->regs[reg] & ~op->amask) | value;
}

/* Memory access of one iteration. A 386 and later fault before changing
 * anything; the 80286 steps each index register as it uses it, so a limit
 * fault leaves it already stepped (cpuid.h string_step_first; the 80286
 * vectors show it). str_step does the 386 steps after the iteration. */
static uint32_t str_load(struct cpu *cpu, int seg, int reg, const struct str_op *op)
{
    uint32_t offset = index_get(cpu, reg, op);
    if (cpu->model->string_step_first)
        index_add(cpu, reg, op, op->step);
    return cpu_read(cpu, seg, offset, op->size);
}

static void str_store(struct cpu *cpu, int reg, const struct str_op *op, uint32_t value)
{
    uint32_t offset = index_get(cpu, reg, op);
    if (cpu->model->string_step_first)
        index_add(cpu, reg, op, op->step);
    cpu_write(cpu, SEG_ES, offset, op->size, value);
}

static void str_step(struct cpu *cpu, int reg, const struct str_op *op)
{
    if (!cpu->model->string_step_first)
        index_add(cpu, reg, op, op->step);
}

static void acc_set(struct cpu *cpu, unsigned size, uint32_t value)
{
    uint32_t mask = size_mask(size);
    cpu->regs[R_EAX] = (cpu->regs[R_EAX] & ~mask) | (value & mask);
}

/* CMPS/SCAS set the flags of CMP src1, src2, lazily (flags.h CC_SUB). */
static bool compare(struct cpu *cpu, unsigned size, uint32_t src1, uint32_t src2)
{
    uint32_t res = (src1 - src2) & size_mask(size);
    cpu->flags = (struct lazy_flags){CC_OP(CC_SUB, size), res, src1, src2};
    return res == 0;
}

static bool iter_movs(struct cpu *cpu, const struct str_op *op)
{
    uint32_t value = str_load(cpu, op->seg, R_ESI, op);
    str_store(cpu, R_EDI, op, value);
    str_step(cpu, R_ESI, op);
    str_step(cpu, R_EDI, op);
    return true;
}

static bool iter_cmps(struct cpu *cpu, const struct str_op *op)
{
    /* the 80286 reads ES:DI first: it is the one stepped when DS:SI faults */
    bool di_first = cpu->model->string_step_first;
    uint32_t src2 = di_first ? str_load(cpu, SEG_ES, R_EDI, op) : 0;
    uint32_t src1 = str_load(cpu, op->seg, R_ESI, op);
    if (!di_first)
        src2 = str_load(cpu, SEG_ES, R_EDI, op);
    str_step(cpu, R_ESI, op);
    str_step(cpu, R_EDI, op);
    return compare(cpu, op->size, src1, src2);
}

static bool iter_stos(struct cpu *cpu, const struct str_op *op)
{
    str_store(cpu, R_EDI, op, cpu->regs[R_EAX] & size_mask(op->size));
    str_step(cpu, R_EDI, op);
    return true;
}

static bool iter_lods(struct cpu *cpu, const struct str_op *op)
{
    acc_set(cpu, op->size, str_load(cpu, op->seg, R_ESI, op));
    str_step(cpu, R_ESI, op);
    return true;
}

static bool iter_scas(struct cpu *cpu, const struct str_op *op)
{
    uint32_t src2 = str_load(cpu, SEG_ES, R_EDI, op);
    str_step(cpu, R_EDI, op);
    return compare(cpu, op->size, cpu->regs[R_EAX] & size_mask(op->size), src2);
}

/* SDM vol. 2 INS: the destination is checked before the port is read, so a
 * fault does not lose the device's data (the 80286 steps DI first: its
 * vectors show the fault after the step) */
static bool iter_ins(struct cpu *cpu, const struct str_op *op)
{
    if (!cpu->model->string_step_first)
        cpu_check_write(cpu, SEG_ES, index_get(cpu, R_EDI, op), op->size);
    uint32_t value = ioports_read(cpu->io, (uint16_t)cpu->regs[R_EDX], op->size);
    str_store(cpu, R_EDI, op, value);
    str_step(cpu, R_EDI, op);
    return true;
}

static bool iter_outs(struct cpu *cpu, const struct str_op *op)
{
    uint32_t value = str_load(cpu, op->seg, R_ESI, op);
    ioports_write(cpu->io, (uint16_t)cpu->regs[R_EDX], op->size, value);
    str_step(cpu, R_ESI, op);
    return true;
}

static struct str_op str_decode(const struct cpu *cpu, uint32_t imm)
{
    struct str_op op = {
        .size = STR_SIZE(imm),
        .amask = STR_ASIZE(imm) == 4 ? 0xFFFFFFFFu : 0xFFFFu,
        .seg = (int)STR_SEG(imm),
        .rep = STR_REP(imm),
    };
    /* DF is not an arithmetic flag, so cpu->eflags always holds it */
    op.step = (cpu->eflags & EFLAGS_DF) ? 0u - op.size : op.size;
    return op;
}

/* Run one instruction. compares: REPE/REPNE end on ZF; for the others REPNE
 * acts as REP. Returns 1 when a REP has iterations left after this chunk. */
static uint32_t str_run(struct cpu *cpu, uint32_t imm, str_iter_fn *iter, bool compares)
{
    struct str_op op = str_decode(cpu, imm);
    if (op.rep == REP_NONE) {
        iter(cpu, &op);
        return 0;
    }
    if (index_get(cpu, R_ECX, &op) == 0)
        return 0;
    /* the 80286 counts an iteration down before it runs it, so a fault inside
     * leaves the counter already decremented (cpuid.h string_step_first) */
    bool count_first = cpu->model->string_step_first;
    for (unsigned i = 0; i < STRING_CHUNK; i++) {
        if (count_first)
            index_add(cpu, R_ECX, &op, 0xFFFFFFFFu);
        bool zf = iter(cpu, &op);
        if (!count_first)
            index_add(cpu, R_ECX, &op, 0xFFFFFFFFu);
        if (index_get(cpu, R_ECX, &op) == 0)
            return 0;
        if (compares && zf != (op.rep == REP_E))
            return 0;
    }
    return 1;
}

uint32_t helper_movs(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    return str_run(cpu, imm, iter_movs, false);
}

uint32_t helper_cmps(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    return str_run(cpu, imm, iter_cmps, true);
}

uint32_t helper_stos(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    return str_run(cpu, imm, iter_stos, false);
}

uint32_t helper_lods(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    return str_run(cpu, imm, iter_lods, false);
}

uint32_t helper_scas(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    return str_run(cpu, imm, iter_scas, true);
}

/* INS/OUTS check I/O permission (IOPL, TSS bitmap) first (SDM vol. 2 INS). */
uint32_t helper_ins(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    cpu_io_check(cpu, (uint16_t)cpu->regs[R_EDX], STR_SIZE(imm));
    return str_run(cpu, imm, iter_ins, false);
}

uint32_t helper_outs(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    cpu_io_check(cpu, (uint16_t)cpu->regs[R_EDX], STR_SIZE(imm));
    return str_run(cpu, imm, iter_outs, false);
}
