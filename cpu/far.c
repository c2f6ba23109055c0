/* Far JMP, CALL and RET in real mode (SDM vol. 2 JMP, CALL, RET pseudo-code,
 * REAL-ADDRESS-MODE paths). Protected-mode gates and privilege changes are a
 * later issue. */
#include <assert.h>

#include "cpu.h"
#include "helpers.h"
#include "log.h"
#include "mem.h"

static uint32_t sp_mask(const struct cpu *cpu)
{
    return (cpu->mode & MODE_SS32) ? 0xFFFFFFFFu : 0xFFFFu;
}

static void require_real_mode(struct cpu *cpu, const char *what)
{
    if (cpu->cr[0] & CR0_PE) {
        log_printf(cpu->log, LOG_UNIMP, "%s: protected mode not implemented\n", what);
        cpu_raise_exception(cpu, EXC_UD, -1);
    }
}

/* The target offset of a far transfer: 16 bits with a 16-bit operand size,
 * then checked against the CS limit, which real-mode loads keep. */
static uint32_t far_target(struct cpu *cpu, uint32_t offset, unsigned osize)
{
    uint32_t eip = osize == 2 ? offset & 0xFFFF : offset;

    if (eip > cpu->seg[SEG_CS].limit)
        cpu_raise_exception(cpu, EXC_GP, 0);
    return eip;
}

static void set_cs_eip(struct cpu *cpu, uint16_t sel, uint32_t eip)
{
    cpu_load_seg_real(cpu, SEG_CS, sel);
    cpu->eip = eip;
    cpu_update_mode(cpu);
}

uint32_t helper_jmp_far(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint32_t eip;

    assert(imm == 2 || imm == 4);
    require_real_mode(cpu, "jmp far");
    eip = far_target(cpu, b, imm);
    set_cs_eip(cpu, (uint16_t)a, eip);
    return 0;
}

uint32_t helper_call_far(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint32_t mask = sp_mask(cpu), sp = cpu->regs[R_ESP], eip;

    assert(imm == 2 || imm == 4);
    require_real_mode(cpu, "call far");
    /* SDM vol. 2 CALL: the stack check (#SS) comes before the target check
     * (#GP); a 32-bit push of CS is zero-extended. (E)SP moves last. */
    cpu_write(cpu, SEG_SS, (sp - imm) & mask, imm, cpu->seg[SEG_CS].sel);
    cpu_write(cpu, SEG_SS, (sp - 2 * imm) & mask, imm, imm == 2 ? c & 0xFFFF : c);
    eip = far_target(cpu, b, imm);
    cpu->regs[R_ESP] = (sp & ~mask) | ((sp - 2 * imm) & mask);
    set_cs_eip(cpu, (uint16_t)a, eip);
    return 0;
}

uint32_t helper_retf(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint32_t mask = sp_mask(cpu), sp = cpu->regs[R_ESP], offset, eip;
    uint16_t sel;

    assert(imm == 2 || imm == 4);
    require_real_mode(cpu, "retf");
    offset = cpu_read(cpu, SEG_SS, sp & mask, imm);
    sel = (uint16_t)cpu_read(cpu, SEG_SS, (sp + imm) & mask, imm);
    eip = far_target(cpu, offset, imm);
    cpu->regs[R_ESP] = (sp & ~mask) | ((sp + 2 * imm + a) & mask);
    set_cs_eip(cpu, sel, eip);
    return 0;
}
