/* Flag and processor control: POPF, CLI, STI, HLT, ENTER. Privilege rules
 * follow SDM vol. 2 (POPF, CLI, STI, HLT pseudo-code, without the CR4.VME/PVI
 * virtual-interrupt paths, which come with v86 mode). */
#include <assert.h>

#include "cpu.h"
#include "cpuid.h"
#include "helpers.h"
#include "mem.h"

static unsigned cpl(const struct cpu *cpu)
{
    return (cpu->mode & MODE_CPL) >> MODE_CPL_SHIFT;
}

static unsigned iopl(const struct cpu *cpu)
{
    return (cpu->eflags & EFLAGS_IOPL) >> 12;
}

/* EFLAGS bits POPF may write: all non-reserved ones but RF VM VIF VIP; in
 * protected mode IOPL only at CPL 0 and IF only at CPL <= IOPL. v86 mode
 * with IOPL < 3 faults. */
static uint32_t popf_mask(struct cpu *cpu, unsigned osize)
{
    /* CF PF AF ZF SF TF IF DF OF IOPL NT */
    uint32_t mask = 0x7FD5;

    if (osize == 4)
        mask |= EFLAGS_AC | (cpu->model->has_cpuid ? EFLAGS_ID : 0);
    if (!(cpu->cr[0] & CR0_PE))
        return mask;
    if (cpu->eflags & EFLAGS_VM) {
        if (iopl(cpu) < 3)
            cpu_raise_exception(cpu, EXC_GP, 0);
        return mask & ~(uint32_t)EFLAGS_IOPL;
    }
    if (cpl(cpu) > 0)
        mask &= ~(uint32_t)EFLAGS_IOPL;
    if (cpl(cpu) > iopl(cpu))
        mask &= ~(uint32_t)EFLAGS_IF;
    return mask;
}

uint32_t helper_popf(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint32_t mask;

    assert(imm == 2 || imm == 4);
    mask = popf_mask(cpu, imm);
    /* SDM vol. 2 POPF: a 32-bit POPF clears RF; a 16-bit one keeps bits 16-31 */
    if (imm == 4)
        mask |= EFLAGS_RF;
    cpu_set_eflags(cpu, a & ~(uint32_t)EFLAGS_RF, mask);
    cpu_update_mode(cpu);
    return 0;
}

/* CLI/STI fault when CPL > IOPL (always in v86 mode with IOPL < 3, where CPL is 3) */
static void check_iopl(struct cpu *cpu)
{
    if ((cpu->cr[0] & CR0_PE) && cpl(cpu) > iopl(cpu))
        cpu_raise_exception(cpu, EXC_GP, 0);
}

uint32_t helper_cli(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    check_iopl(cpu);
    cpu->eflags &= ~(uint32_t)EFLAGS_IF;
    return 0;
}

uint32_t helper_sti(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    check_iopl(cpu);
    /* SDM vol. 2 STI: interrupts stay off until after the next instruction,
     * but only when IF was clear */
    if (!(cpu->eflags & EFLAGS_IF))
        cpu->inhibit_irq = true;
    cpu->eflags |= EFLAGS_IF;
    return 0;
}

uint32_t helper_hlt(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    if (cpl(cpu) != 0)
        cpu_raise_exception(cpu, EXC_GP, 0);
    cpu->halted = true;
    cpu->eip = a;
    return 0;
}

/* ENTER per the SDM vol. 2 pseudo-code: push (E)BP, copy level-1 frame
 * pointers from the old frame, push the new frame pointer, reserve the frame.
 * Offsets wrap at the stack size; registers change only once every access
 * succeeded. */
uint32_t helper_enter(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    unsigned osize = imm, level = b & 31;
    uint32_t mask = (cpu->mode & MODE_SS32) ? 0xFFFFFFFFu : 0xFFFFu;
    uint32_t sp = (cpu->regs[R_ESP] - osize) & mask, bp = cpu->regs[R_EBP] & mask;
    uint32_t frame_temp = sp;

    assert(osize == 2 || osize == 4);
    cpu_write(cpu, SEG_SS, sp, osize, cpu->regs[R_EBP]);
    if (level > 0) {
        for (unsigned i = 1; i < level; i++) {
            bp = (bp - osize) & mask;
            sp = (sp - osize) & mask;
            cpu_write(cpu, SEG_SS, sp, osize, cpu_read(cpu, SEG_SS, bp, osize));
        }
        sp = (sp - osize) & mask;
        cpu_write(cpu, SEG_SS, sp, osize, frame_temp);
    }
    sp = (sp - (a & 0xFFFF)) & mask;
    /* #SS(0) when the new stack pointer is outside the segment; expand-down
     * stacks need the protected-mode check here */
    if (sp > cpu->seg[SEG_SS].limit)
        cpu_raise_exception(cpu, EXC_SS, 0);
    cpu->regs[R_ESP] = (cpu->regs[R_ESP] & ~mask) | sp;
    if (osize == 4)
        cpu->regs[R_EBP] = frame_temp;
    else
        cpu->regs[R_EBP] = (cpu->regs[R_EBP] & 0xFFFF0000u) | (frame_temp & 0xFFFF);
    return 0;
}
