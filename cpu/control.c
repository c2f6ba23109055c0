/* Flag and processor control: PUSHF (v86), POPF, CLI, STI, HLT, ENTER.
 * Privilege rules follow SDM vol. 2 (PUSHF, POPF, CLI, STI, HLT pseudo-code)
 * with the virtual-interrupt flag of CR4.VME (v86) and CR4.PVI (ring 3),
 * SDM vol. 3 20.3 and 20.4. */
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

static bool vme_applies(const struct cpu *cpu, unsigned osize)
{
    return (cpu->eflags & EFLAGS_VM) && iopl(cpu) < 3 && osize == 2 && (cpu->cr[4] & CR4_VME);
}

/* v86 POPF with IOPL < 3 under VME: the popped IF goes to VIF; #GP(0) when
 * it would set IF with VIP pending, or set TF (SDM vol. 2 POPF). */
static void popf_vme(struct cpu *cpu, uint32_t value)
{
    uint32_t mask = 0x7FD5 & ~(uint32_t)(EFLAGS_IF | EFLAGS_IOPL);

    if (((value & EFLAGS_IF) && (cpu->eflags & EFLAGS_VIP)) || (value & EFLAGS_TF))
        cpu_raise_exception(cpu, EXC_GP, 0);
    value = (value & 0xFFFF) | ((value & EFLAGS_IF) ? EFLAGS_VIF : 0);
    cpu_set_eflags(cpu, value, mask | EFLAGS_VIF);
}

uint32_t helper_popf(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint32_t mask;

    assert(imm == 2 || imm == 4);
    if (vme_applies(cpu, imm)) {
        popf_vme(cpu, a);
        cpu_update_mode(cpu);
        return 0;
    }
    mask = popf_mask(cpu, imm);
    /* SDM vol. 2 POPF: a 32-bit POPF clears RF; a 16-bit one keeps bits 16-31 */
    if (imm == 4)
        mask |= EFLAGS_RF;
    cpu_set_eflags(cpu, a & ~(uint32_t)EFLAGS_RF, mask);
    cpu_update_mode(cpu);
    return 0;
}

/* PUSHF in v86 mode (the only mode where it can fault): IOPL 3 pushes the
 * flags (VM and RF clear in the image); with IOPL < 3 a 16-bit PUSHF under
 * VME pushes VIF as IF and IOPL as 3; anything else is #GP(0). Returns the
 * image. imm: osize. */
uint32_t helper_pushf(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint32_t fl = cpu_get_eflags(cpu);

    if (iopl(cpu) == 3)
        return fl & ~(uint32_t)(EFLAGS_VM | EFLAGS_RF);
    if (!vme_applies(cpu, imm))
        cpu_raise_exception(cpu, EXC_GP, 0);
    fl = (fl & 0xFFFF & ~(uint32_t)EFLAGS_IF) | EFLAGS_IOPL;
    return fl | ((cpu->eflags & EFLAGS_VIF) ? EFLAGS_IF : 0);
}

/* Where CLI/STI act on IF (0), on VIF (1), or fault (-1): real mode and
 * CPL <= IOPL use IF; v86 with VME and ring 3 with PVI use VIF when IOPL is
 * too low (SDM vol. 2 CLI, STI decision tables). */
static int if_target(const struct cpu *cpu)
{
    if (!(cpu->cr[0] & CR0_PE) || cpl(cpu) <= iopl(cpu))
        return 0;
    if ((cpu->eflags & EFLAGS_VM) ? (cpu->cr[4] & CR4_VME)
                                  : (cpl(cpu) == 3 && (cpu->cr[4] & CR4_PVI)))
        return 1;
    return -1;
}

uint32_t helper_cli(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    int target = if_target(cpu);

    if (target < 0)
        cpu_raise_exception(cpu, EXC_GP, 0);
    cpu->eflags &= ~(uint32_t)(target ? EFLAGS_VIF : EFLAGS_IF);
    return 0;
}

uint32_t helper_sti(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    int target = if_target(cpu);

    if (target < 0 || (target > 0 && (cpu->eflags & EFLAGS_VIP)))
        cpu_raise_exception(cpu, EXC_GP, 0);
    if (target > 0) {
        cpu->eflags |= EFLAGS_VIF;
        return 0;
    }
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
