/* System instructions: CPUID, RDTSC, descriptor-table registers, the machine
 * status word, control and debug registers, cache and TLB control.
 * SDM vol. 2 (each instruction's pseudo-code) and vol. 3 2.5 (CR0-CR4), 17.2 (DRs). */
#include <stdbool.h>

#include "cpu.h"
#include "cpuid.h"
#include "helpers.h"
#include "mem.h"
#include "mmu.h"

enum {
    DR6_BD = 1u << 13,
    DR7_GD = 1u << 13,
    /* DR6 bits that read as 1 / the bits that can be written (B0-B3, BD, BS, BT) */
    DR6_FIXED1 = 0xFFFF0FF0, DR6_WRITABLE = 0x0000E00F,
    /* DR7: bit 10 reads as 1; bits 11, 12, 14, 15 as 0 */
    DR7_FIXED1 = 0x00000400, DR7_WRITABLE = 0xFFFF23FF,
    /* CR0 bits a MOV can change; ET is fixed to 1 on the 486 and later */
    CR0_WRITABLE = CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_NE | CR0_WP | CR0_AM | CR0_NW |
                   CR0_CD | CR0_PG,
    /* CR3 without PAE: page directory base, PCD, PWT */
    CR3_WRITABLE = 0xFFFFF018,
};

static unsigned cpl(const struct cpu *cpu)
{
    return (cpu->mode & MODE_CPL) >> MODE_CPL_SHIFT;
}

/* Privileged instructions: #GP(0) outside ring 0 (real mode runs at CPL 0). */
static void require_cpl0(struct cpu *cpu)
{
    if (cpl(cpu) != 0)
        cpu_raise_exception(cpu, EXC_GP, 0);
}

uint32_t helper_cpuid(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint32_t out[4];

    if (!cpu->model->has_cpuid)
        cpu_raise_exception(cpu, EXC_UD, -1);
    cpu_model_cpuid(cpu->model, cpu->regs[R_EAX], out);
    cpu->regs[R_EAX] = out[0];
    cpu->regs[R_EBX] = out[1];
    cpu->regs[R_ECX] = out[2];
    cpu->regs[R_EDX] = out[3];
    return 0;
}

uint32_t helper_rdtsc(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    if (!(cpu->model->features & CPUID_TSC))
        cpu_raise_exception(cpu, EXC_UD, -1);
    /* SDM vol. 2 RDTSC: CR4.TSD restricts it to CPL 0 (not possible in real mode) */
    if ((cpu->cr[4] & CR4_TSD) && (cpu->cr[0] & CR0_PE) && cpl(cpu) != 0)
        cpu_raise_exception(cpu, EXC_GP, 0);
    /* virtual time: one tick per retired instruction (WRMSR 10h moves the offset) */
    uint64_t tsc = cpu->icount + cpu->tsc_offset;
    cpu->regs[R_EAX] = (uint32_t)tsc;
    cpu->regs[R_EDX] = (uint32_t)(tsc >> 32);
    return 0;
}

/* LGDT/LIDT: 16-bit limit then 32-bit base; with a 16-bit operand size only
 * 24 bits of base are used. The base is read first: if the 6-byte operand
 * crosses the limit nothing changes. */
static struct dtr load_dtr(struct cpu *cpu, uint32_t offset, int seg, unsigned osize)
{
    struct dtr d;
    uint32_t base = cpu_read(cpu, seg, offset + 2, 4);

    d.limit = (uint16_t)cpu_read(cpu, seg, offset, 2);
    d.base = osize == 2 ? base & 0x00FFFFFF : base;
    return d;
}

/* SGDT/SIDT: with a 16-bit operand size the 386 and 486 store bits 31-24 of
 * the base as 0 (the 286 stored FFh) (SDM vol. 2 SGDT, IA-32 compatibility). */
static void store_dtr(struct cpu *cpu, uint32_t offset, int seg, unsigned osize,
                      const struct dtr *d)
{
    cpu_write(cpu, seg, offset + 2, 4, osize == 2 ? d->base & 0x00FFFFFF : d->base);
    cpu_write(cpu, seg, offset, 2, d->limit);
}

uint32_t helper_lgdt(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    require_cpl0(cpu);
    cpu->gdtr = load_dtr(cpu, a, (int)b, imm);
    return 0;
}

uint32_t helper_lidt(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    require_cpl0(cpu);
    cpu->idtr = load_dtr(cpu, a, (int)b, imm);
    return 0;
}

uint32_t helper_sgdt(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    store_dtr(cpu, a, (int)b, imm, &cpu->gdtr);
    return 0;
}

uint32_t helper_sidt(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    store_dtr(cpu, a, (int)b, imm, &cpu->idtr);
    return 0;
}

/* All of CR0: a 16-bit store keeps the low word. SDM vol. 2 SMSW leaves bits
 * 31:16 of a 32-bit register undefined outside 64-bit mode; P6-family and
 * later parts store CR0[31:16] there (the 64-bit mode text: zero-extended
 * CR0), and so does this model. */
uint32_t helper_smsw(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    return cpu->cr[0];
}

uint32_t helper_lmsw(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint32_t msw = CR0_PE | CR0_MP | CR0_EM | CR0_TS;

    require_cpl0(cpu);
    /* SDM vol. 2 LMSW: loads PE MP EM TS; it can set PE but never clear it */
    cpu->cr[0] = (cpu->cr[0] & ~msw) | (a & msw) | (cpu->cr[0] & CR0_PE);
    cpu_update_mode(cpu);
    return 0;
}

uint32_t helper_clts(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    require_cpl0(cpu);
    cpu->cr[0] &= ~(uint32_t)CR0_TS;
    return 0;
}

/* CR1, CR5-CR7, and CR4 on a processor without it, are #UD (SDM vol. 2 MOV CR). */
static void check_cr_exists(struct cpu *cpu, uint32_t n)
{
    if (n == 1 || n > 4 || (n == 4 && cpu->model->cr4_mask == 0))
        cpu_raise_exception(cpu, EXC_UD, -1);
}

uint32_t helper_read_cr(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    check_cr_exists(cpu, imm);
    require_cpl0(cpu);
    return cpu->cr[imm];
}

/* SDM vol. 2 MOV CR: #GP(0) for PG without PE and for NW without CD;
 * other reserved CR0 bits are ignored. A change of PG, WP or PE flushes the
 * TLB (SDM vol. 3 4.10.4.1). */
static void write_cr0(struct cpu *cpu, uint32_t value)
{
    uint32_t old = cpu->cr[0];

    if (((value & CR0_PG) && !(value & CR0_PE)) || ((value & CR0_NW) && !(value & CR0_CD)))
        cpu_raise_exception(cpu, EXC_GP, 0);
    cpu->cr[0] = (value & CR0_WRITABLE) | CR0_ET;
    if ((old ^ cpu->cr[0]) & (CR0_PG | CR0_WP | CR0_PE))
        mmu_tlb_flush(&cpu->tlb, false);
    cpu_update_mode(cpu);
}

/* SDM vol. 2 MOV CR: setting a reserved CR4 bit is #GP(0); a change of PSE,
 * PGE or PAE flushes the whole TLB, global pages included (vol. 3 4.10.4.1). */
static void write_cr4(struct cpu *cpu, uint32_t value)
{
    uint32_t old = cpu->cr[4];

    if (value & ~cpu->model->cr4_mask)
        cpu_raise_exception(cpu, EXC_GP, 0);
    cpu->cr[4] = value;
    if ((old ^ value) & (CR4_PSE | CR4_PGE | CR4_PAE))
        mmu_tlb_flush(&cpu->tlb, false);
}

uint32_t helper_write_cr(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    check_cr_exists(cpu, imm);
    require_cpl0(cpu);
    switch (imm) {
    case 0:
        write_cr0(cpu, a);
        break;
    case 2:
        cpu->cr[2] = a;
        break;
    case 3:
        /* global pages survive a CR3 load when CR4.PGE is set */
        cpu->cr[3] = a & CR3_WRITABLE;
        mmu_tlb_flush(&cpu->tlb, (cpu->cr[4] & CR4_PGE) != 0);
        break;
    default:
        write_cr4(cpu, a);
        break;
    }
    return 0;
}

/* DR4/DR5 alias DR6/DR7 unless CR4.DE makes them #UD; DR7.GD turns the access
 * into a #DB fault with DR6.BD set (SDM vol. 3 17.2.2, 17.2.4). */
static unsigned dr_index(struct cpu *cpu, uint32_t n)
{
    require_cpl0(cpu);
    if (n == 4 || n == 5) {
        if (cpu->cr[4] & CR4_DE)
            cpu_raise_exception(cpu, EXC_UD, -1);
        n += 2;
    }
    if (cpu->dr[7] & DR7_GD) {
        cpu->dr[6] |= DR6_BD;
        cpu->dr[7] &= ~(uint32_t)DR7_GD;
        cpu_raise_exception(cpu, EXC_DB, -1);
    }
    return n & 7;
}

uint32_t helper_read_dr(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    return cpu->dr[dr_index(cpu, imm)];
}

uint32_t helper_write_dr(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    unsigned n = dr_index(cpu, imm);

    if (n == 6)
        a = (a & DR6_WRITABLE) | DR6_FIXED1;
    else if (n == 7)
        a = (a & DR7_WRITABLE) | DR7_FIXED1;
    cpu->dr[n] = a;
    /* enabled breakpoints switch to one-instruction blocks (MODE_DEBUG) */
    cpu_update_mode(cpu);
    return 0;
}

uint32_t helper_invd(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    /* no cache is modelled: only the privilege check remains */
    require_cpl0(cpu);
    return 0;
}

uint32_t helper_invlpg(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    require_cpl0(cpu);
    mmu_tlb_flush_page(&cpu->tlb, a);
    return 0;
}
