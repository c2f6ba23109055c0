/* Decimal adjust instructions DAA, DAS, AAA, AAS, AAM, AAD (SDM vol. 2 pseudo-
 * code). Undefined flags, our choices (QEMU makes the same ones): OF = 0 after
 * DAA/DAS/AAA/AAS/AAM; SF, ZF, PF from the final AL after AAA/AAS; CF = AF = 0
 * after AAM; AAD sets all six as the 8-bit ADD AL + (AH * base). */
#include "cpu.h"
#include "flags.h"
#include "helpers.h"

static uint32_t get_al(const struct cpu *cpu)
{
    return cpu->regs[R_EAX] & 0xFF;
}

static uint32_t get_ah(const struct cpu *cpu)
{
    return (cpu->regs[R_EAX] >> 8) & 0xFF;
}

static void set_ax(struct cpu *cpu, uint32_t ah, uint32_t al)
{
    cpu->regs[R_EAX] = (cpu->regs[R_EAX] & ~0xFFFFu) | (ah & 0xFF) << 8 | (al & 0xFF);
}

/* SF, ZF, PF of an 8-bit result plus the given CF/AF/OF bits. */
static void set_flags_al(struct cpu *cpu, uint32_t al, uint32_t other)
{
    uint32_t fl = other;
    if (flags_parity(al))
        fl |= EFLAGS_PF;
    if ((al & 0xFF) == 0)
        fl |= EFLAGS_ZF;
    if (al & 0x80)
        fl |= EFLAGS_SF;
    cpu_set_eflags(cpu, fl, EFLAGS_ARITH);
}

uint32_t helper_daa(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint32_t fl = cpu_get_eflags(cpu);
    uint32_t old_al = get_al(cpu), al = old_al, out = 0;
    /* SDM vol. 2 DAA: the carry out of AL + 6 only matters when old AL > 0x99,
     * where the second step sets CF anyway */
    if ((al & 0x0F) > 9 || (fl & EFLAGS_AF)) {
        al += 6;
        out |= EFLAGS_AF;
    }
    if (old_al > 0x99 || (fl & EFLAGS_CF)) {
        al += 0x60;
        out |= EFLAGS_CF;
    }
    al &= 0xFF;
    set_ax(cpu, get_ah(cpu), al);
    set_flags_al(cpu, al, out);
    return 0;
}

uint32_t helper_das(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint32_t fl = cpu_get_eflags(cpu);
    uint32_t old_al = get_al(cpu), al = old_al, out = 0;
    if ((al & 0x0F) > 9 || (fl & EFLAGS_AF)) {
        out |= EFLAGS_AF | ((fl & EFLAGS_CF) || al < 6 ? EFLAGS_CF : 0);
        al -= 6;
    }
    /* SDM vol. 2 DAS: unlike DAA there is no "else CF = 0" here */
    if (old_al > 0x99 || (fl & EFLAGS_CF)) {
        al -= 0x60;
        out |= EFLAGS_CF;
    }
    al &= 0xFF;
    set_ax(cpu, get_ah(cpu), al);
    set_flags_al(cpu, al, out);
    return 0;
}

/* AAA/AAS: since the 286 the carry of AL +/- 6 reaches AH (AX +/- 0x106 form of
 * the current SDM); the 8086 added 6 to AL alone. Same result for valid BCD. */
uint32_t helper_aaa(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint32_t ax = cpu->regs[R_EAX] & 0xFFFF, out = 0;
    if ((ax & 0x0F) > 9 || (cpu_get_eflags(cpu) & EFLAGS_AF)) {
        ax += 0x106;
        out = EFLAGS_AF | EFLAGS_CF;
    }
    set_ax(cpu, ax >> 8, ax & 0x0F);
    set_flags_al(cpu, ax & 0x0F, out);
    return 0;
}

uint32_t helper_aas(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint32_t ax = cpu->regs[R_EAX] & 0xFFFF, out = 0;
    if ((ax & 0x0F) > 9 || (cpu_get_eflags(cpu) & EFLAGS_AF)) {
        ax -= 0x106;
        out = EFLAGS_AF | EFLAGS_CF;
    }
    set_ax(cpu, ax >> 8, ax & 0x0F);
    set_flags_al(cpu, ax & 0x0F, out);
    return 0;
}

uint32_t helper_aam(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint32_t base = imm & 0xFF, al = get_al(cpu);
    if (base == 0)
        cpu_raise_exception(cpu, EXC_DE, -1);
    set_ax(cpu, al / base, al % base);
    set_flags_al(cpu, al % base, 0);
    return 0;
}

uint32_t helper_aad(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint32_t al = get_al(cpu), addend = (get_ah(cpu) * (imm & 0xFF)) & 0xFF;
    uint32_t sum = al + addend, res = sum & 0xFF, out = 0;
    if (sum > 0xFF)
        out |= EFLAGS_CF;
    if ((al ^ addend ^ res) & 0x10)
        out |= EFLAGS_AF;
    if ((al ^ res) & (addend ^ res) & 0x80)
        out |= EFLAGS_OF;
    set_ax(cpu, 0, res);
    set_flags_al(cpu, res, out);
    return 0;
}
