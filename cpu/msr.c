/* Model-specific registers of the i686 model as a table (SDM vol. 4 "MSRs in
 * the P6 family"), RDMSR/WRMSR (#GP(0) outside ring 0 and for unknown
 * MSRs), and SYSENTER/SYSEXIT with their flat segments (SDM vol. 2
 * SYSENTER, SYSEXIT; vol. 3 5.8.7). */
#include <stddef.h>

#include "cpu.h"
#include "cpuid.h"
#include "desc.h"
#include "helpers.h"

enum msr_kind {
    MSR_TSC,          /* the time-stamp counter */
    MSR_SEP_CS,       /* IA32_SYSENTER_CS/ESP/EIP */
    MSR_SEP_ESP,
    MSR_SEP_EIP,
    MSR_CONST,        /* reads value, writes ignored */
    MSR_DATA,         /* plain storage in cpu->msr_store[slot] */
};

struct msr_def {
    uint32_t index;
    uint8_t kind;
    uint8_t slot;
    uint64_t value;
};

/* P6 family: APIC base (BSP, APIC disabled: CPUID has no APIC), MTRRcap
 * (8 variable ranges, fixed ranges, write-combining) and the MTRRs as data. */
static const struct msr_def msrs[] = {
    { 0x010, MSR_TSC, 0, 0 },
    { 0x017, MSR_CONST, 0, 0 },               /* IA32_PLATFORM_ID */
    { 0x01B, MSR_CONST, 0, 0xFEE00100u },     /* IA32_APIC_BASE */
    { 0x02A, MSR_CONST, 0, 0 },               /* EBL_CR_POWERON */
    { 0x08B, MSR_DATA, 0, 0 },                /* IA32_BIOS_SIGN_ID */
    { 0x0FE, MSR_CONST, 0, 0x508 },           /* IA32_MTRRCAP */
    { 0x174, MSR_SEP_CS, 0, 0 },
    { 0x175, MSR_SEP_ESP, 0, 0 },
    { 0x176, MSR_SEP_EIP, 0, 0 },
    { 0x179, MSR_CONST, 0, 0 },               /* IA32_MCG_CAP */
    { 0x17A, MSR_DATA, 1, 0 },                /* IA32_MCG_STATUS */
    { 0x1D9, MSR_DATA, 2, 0 },                /* DEBUGCTL */
    { 0x200, MSR_DATA, 3, 0 }, { 0x201, MSR_DATA, 4, 0 },   /* MTRRphysBase/Mask0-7 */
    { 0x202, MSR_DATA, 5, 0 }, { 0x203, MSR_DATA, 6, 0 },
    { 0x204, MSR_DATA, 7, 0 }, { 0x205, MSR_DATA, 8, 0 },
    { 0x206, MSR_DATA, 9, 0 }, { 0x207, MSR_DATA, 10, 0 },
    { 0x208, MSR_DATA, 11, 0 }, { 0x209, MSR_DATA, 12, 0 },
    { 0x20A, MSR_DATA, 13, 0 }, { 0x20B, MSR_DATA, 14, 0 },
    { 0x20C, MSR_DATA, 15, 0 }, { 0x20D, MSR_DATA, 16, 0 },
    { 0x20E, MSR_DATA, 17, 0 }, { 0x20F, MSR_DATA, 18, 0 },
    { 0x250, MSR_DATA, 19, 0 }, { 0x258, MSR_DATA, 20, 0 },  /* fixed-range MTRRs */
    { 0x259, MSR_DATA, 21, 0 }, { 0x268, MSR_DATA, 22, 0 },
    { 0x269, MSR_DATA, 23, 0 }, { 0x26A, MSR_DATA, 24, 0 },
    { 0x26B, MSR_DATA, 25, 0 }, { 0x26C, MSR_DATA, 26, 0 },
    { 0x26D, MSR_DATA, 27, 0 }, { 0x26E, MSR_DATA, 28, 0 },
    { 0x26F, MSR_DATA, 29, 0 }, { 0x2FF, MSR_DATA, 30, 0 },  /* MTRRdefType */
};

_Static_assert(31 <= sizeof(((struct cpu *)0)->msr_store) / sizeof(uint64_t),
               "cpu->msr_store too small for the MSR table");

/* The entry for index; #GP(0) outside ring 0 or for an unknown MSR; #UD
 * when the model has no MSRs (SDM vol. 2 RDMSR). */
static const struct msr_def *msr_find(struct cpu *cpu, uint32_t index)
{
    if (!(cpu->model->features & CPUID_MSR))
        cpu_raise_exception(cpu, EXC_UD, -1);
    if ((cpu->mode & MODE_CPL) != 0)
        cpu_raise_exception(cpu, EXC_GP, 0);
    for (size_t i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++) {
        if (msrs[i].index == index)
            return &msrs[i];
    }
    cpu_raise_exception(cpu, EXC_GP, 0);
}

static uint64_t msr_get(const struct cpu *cpu, const struct msr_def *m)
{
    switch (m->kind) {
    case MSR_TSC: return cpu->icount + cpu->tsc_offset;
    case MSR_SEP_CS: return cpu->sysenter_cs;
    case MSR_SEP_ESP: return cpu->sysenter_esp;
    case MSR_SEP_EIP: return cpu->sysenter_eip;
    case MSR_CONST: return m->value;
    default: return cpu->msr_store[m->slot];
    }
}

static void msr_set(struct cpu *cpu, const struct msr_def *m, uint64_t v)
{
    switch (m->kind) {
    case MSR_TSC: cpu->tsc_offset = v - cpu->icount; break;
    case MSR_SEP_CS: cpu->sysenter_cs = (uint32_t)v; break;
    case MSR_SEP_ESP: cpu->sysenter_esp = (uint32_t)v; break;
    case MSR_SEP_EIP: cpu->sysenter_eip = (uint32_t)v; break;
    case MSR_CONST: break;
    default: cpu->msr_store[m->slot] = v; break;
    }
}

uint32_t helper_rdmsr(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint64_t v = msr_get(cpu, msr_find(cpu, cpu->regs[R_ECX]));

    cpu->regs[R_EAX] = (uint32_t)v;
    cpu->regs[R_EDX] = (uint32_t)(v >> 32);
    return 0;
}

uint32_t helper_wrmsr(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    const struct msr_def *m = msr_find(cpu, cpu->regs[R_ECX]);

    msr_set(cpu, m, (uint64_t)cpu->regs[R_EDX] << 32 | cpu->regs[R_EAX]);
    return 0;
}

/* A flat 4 GiB segment of the given type byte (P S DPL type) with G and D/B. */
static void load_flat(struct seg *s, uint16_t sel, uint16_t access)
{
    s->sel = sel;
    s->base = 0;
    s->limit = 0xFFFFFFFFu;
    s->ar = (uint16_t)(access | AR_G | AR_B);
}

static void check_sep(struct cpu *cpu)
{
    if (!(cpu->model->features & CPUID_SEP))
        cpu_raise_exception(cpu, EXC_UD, -1);
    if (!(cpu->cr[0] & CR0_PE) || (cpu->sysenter_cs & 0xFFFCu) == 0)
        cpu_raise_exception(cpu, EXC_GP, 0);
}

uint32_t helper_sysenter(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint16_t cs = (uint16_t)(cpu->sysenter_cs & 0xFFFCu);

    check_sep(cpu);
    cpu_set_eflags(cpu, 0, EFLAGS_VM | EFLAGS_IF | EFLAGS_RF);
    load_flat(&cpu->seg[SEG_CS], cs, 0x9B);
    load_flat(&cpu->seg[SEG_SS], (uint16_t)(cs + 8), 0x93);
    cpu->regs[R_ESP] = cpu->sysenter_esp;
    cpu->eip = cpu->sysenter_eip;
    cpu_update_mode(cpu);
    return 0;
}

uint32_t helper_sysexit(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    uint16_t cs = (uint16_t)cpu->sysenter_cs;

    check_sep(cpu);
    if ((cpu->mode & MODE_CPL) != 0)
        cpu_raise_exception(cpu, EXC_GP, 0);
    load_flat(&cpu->seg[SEG_CS], (uint16_t)((cs + 16) | 3), 0xFB);
    load_flat(&cpu->seg[SEG_SS], (uint16_t)((cs + 24) | 3), 0xF3);
    cpu->regs[R_ESP] = cpu->regs[R_ECX];
    cpu->eip = cpu->regs[R_EDX];
    cpu_update_mode(cpu);
    return 0;
}
