/* CPU models as data: the CPUID leaves, reset signature and optional registers
 * of each emulated processor. Intel SDM vol. 2 CPUID; AP-485 for the 486. */
#ifndef TD_CPUID_H
#define TD_CPUID_H

#include <stdbool.h>
#include <stdint.h>

/* CPUID.1:EDX feature bits (SDM vol. 2 table "Feature Information in EDX"). */
enum {
    CPUID_FPU = 1u << 0, CPUID_VME = 1u << 1, CPUID_DE = 1u << 2, CPUID_PSE = 1u << 3,
    CPUID_TSC = 1u << 4, CPUID_MSR = 1u << 5, CPUID_PAE = 1u << 6, CPUID_MCE = 1u << 7,
    CPUID_CX8 = 1u << 8, CPUID_APIC = 1u << 9, CPUID_SEP = 1u << 11, CPUID_MTRR = 1u << 12,
    CPUID_PGE = 1u << 13, CPUID_MCA = 1u << 14, CPUID_CMOV = 1u << 15,
};

/* CR4 bits (SDM vol. 3 2.5). */
enum {
    CR4_VME = 1u << 0, CR4_PVI = 1u << 1, CR4_TSD = 1u << 2, CR4_DE = 1u << 3,
    CR4_PSE = 1u << 4, CR4_PAE = 1u << 5, CR4_MCE = 1u << 6, CR4_PGE = 1u << 7,
    CR4_PCE = 1u << 8,
};

/* One CPUID leaf beyond the two basic ones the model's fields describe. */
struct cpuid_leaf {
    uint32_t leaf;
    uint32_t eax, ebx, ecx, edx;
};

struct cpu_model {
    /* -cpu name and an optional alias (NULL if none) */
    const char *name;
    const char *alias;
    const char *description;
    /* the signature in CPUID.1:EAX and in EDX after RESET */
    uint8_t family, model, stepping;
    /* 12 characters: CPUID.0 EBX, EDX, ECX */
    const char *vendor;
    /* CPUID exists (and EFLAGS.ID is writable); else CPUID raises #UD */
    bool has_cpuid;
    /* highest basic leaf */
    uint32_t max_leaf;
    /* CPUID.1:EDX */
    uint32_t features;
    /* writable CR4 bits; 0: the processor has no CR4 (MOV CR4 raises #UD) */
    uint32_t cr4_mask;
    /* leaves 2..max_leaf */
    const struct cpuid_leaf *leaves;
    unsigned leaf_count;
    /* Where an 80286 differs from the 386 and later in real mode (each false or
     * 0 on a 386+; see the "286" model in cpuid.c):
     * longest instruction in bytes, #GP(0) beyond it (0: 15) */
    uint8_t max_insn_len;
    /* LOCK is accepted on any instruction (386+: #UD unless lockable) */
    bool lock_any;
    /* no FS and GS: MOV to/from Sreg 4 and 5 raise #UD */
    bool no_fs_gs;
    /* a stack-segment limit violation raises #GP, not #SS */
    bool stack_limit_gp;
    /* string instructions step SI/DI as they use them, so a limit fault
     * leaves them stepped (386+: nothing changes before the fault) */
    bool string_step_first;
};

/* Model by name or alias (case-insensitive), NULL if unknown. */
const struct cpu_model *cpu_model_find(const char *name);
/* The model used when none is chosen. */
const struct cpu_model *cpu_model_default(void);
/* Models in table order, for -cpu help: NULL past the end. */
const struct cpu_model *cpu_model_at(unsigned index);

/* family << 8 | model << 4 | stepping (SDM vol. 2 CPUID figure "Version Information"). */
uint32_t cpu_model_signature(const struct cpu_model *m);

/* CPUID for leaf: out = EAX, EBX, ECX, EDX. A leaf above max_leaf returns the
 * highest basic leaf, as Intel processors do. */
void cpu_model_cpuid(const struct cpu_model *m, uint32_t leaf, uint32_t out[4]);

#endif
