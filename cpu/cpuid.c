/* CPU model table and CPUID evaluation. Signatures and feature bits follow
 * Intel AP-485 "Processor Identification and the CPUID Instruction". */
#include "cpuid.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

/* Pentium Pro cache and TLB descriptors: ITLB 4K/4M, DTLB 4K/4M, 8 KB L1 I,
 * 8 KB L1 D, 256 KB L2 (SDM vol. 2 CPUID leaf 2 descriptor table). */
static const struct cpuid_leaf pentium_pro_leaves[] = {
    { 2, 0x03020101, 0, 0, 0x06040A42 },
};

/* IntelDX4: the later 486s that implement CPUID report FPU and VME. */
static const struct cpu_model model_486 = {
    .name = "486", .alias = "486dx4",
    .description = "Intel486 DX4: FPU, VME, CPUID",
    .family = 4, .model = 8, .stepping = 0,
    .vendor = "GenuineIntel", .has_cpuid = true, .max_leaf = 1,
    .features = CPUID_FPU | CPUID_VME,
    .cr4_mask = CR4_VME | CR4_PVI,
};

/* Early i486DX: no CPUID instruction, EFLAGS.ID not writable, no CR4. */
static const struct cpu_model model_486dx = {
    .name = "486dx", .alias = NULL,
    .description = "early Intel486 DX: FPU, no CPUID",
    .family = 4, .model = 1, .stepping = 1,
    .vendor = "GenuineIntel", .has_cpuid = false, .max_leaf = 0,
    .features = CPUID_FPU,
    .cr4_mask = 0,
};

/* Stepping 1 (signature 611h): by AP-485's rule software ignores the SEP bit
 * of family 6 models < 3 with steppings < 3, as the Pentium Pro requires. */
static const struct cpu_model model_pentium_pro = {
    .name = "pentium-pro", .alias = "i686",
    .description = "Pentium Pro class: FPU VME DE PSE TSC MSR CX8 SEP PGE CMOV",
    .family = 6, .model = 1, .stepping = 1,
    .vendor = "GenuineIntel", .has_cpuid = true, .max_leaf = 2,
    .features = CPUID_FPU | CPUID_VME | CPUID_DE | CPUID_PSE | CPUID_TSC | CPUID_MSR |
                CPUID_CX8 | CPUID_SEP | CPUID_PGE | CPUID_CMOV,
    .cr4_mask = CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_PGE | CR4_PCE,
    .leaves = pentium_pro_leaves,
    .leaf_count = sizeof(pentium_pro_leaves) / sizeof(pentium_pro_leaves[0]),
};

/* The 80286 in real mode, as far as it differs from the 386 in the integer
 * instructions both have: the model the SingleStepTests 80286 vectors were
 * captured from (tests/vectors). No CPUID, no CR4; 386 opcodes are still
 * decoded. Intel 80286 Programmer's Reference: 10-byte instruction limit, #GP
 * for every segment-limit violation in real mode. */
static const struct cpu_model model_286 = {
    .name = "286", .alias = "80286",
    .description = "80286 real mode: LOCK anywhere, 10-byte limit, no FS/GS, #GP for SS limits",
    .family = 2, .model = 0, .stepping = 0,
    .vendor = "GenuineIntel", .has_cpuid = false, .max_leaf = 0,
    .features = 0,
    .cr4_mask = 0,
    .max_insn_len = 10,
    .lock_any = true,
    .no_fs_gs = true,
    .stack_limit_gp = true,
    .string_step_first = true,
};

static const struct cpu_model *const models[] = {
    &model_pentium_pro,
    &model_486,
    &model_486dx,
    &model_286,
};

enum { MODEL_COUNT = sizeof(models) / sizeof(models[0]) };

const struct cpu_model *cpu_model_find(const char *name)
{
    for (unsigned i = 0; i < MODEL_COUNT; i++) {
        const struct cpu_model *m = models[i];
        if (strcasecmp(m->name, name) == 0 || (m->alias && strcasecmp(m->alias, name) == 0))
            return m;
    }
    return NULL;
}

const struct cpu_model *cpu_model_default(void)
{
    return models[0];
}

const struct cpu_model *cpu_model_at(unsigned index)
{
    return index < MODEL_COUNT ? models[index] : NULL;
}

uint32_t cpu_model_signature(const struct cpu_model *m)
{
    return (uint32_t)m->family << 8 | (uint32_t)m->model << 4 | m->stepping;
}

static uint32_t vendor_word(const char *vendor, unsigned i)
{
    uint32_t w = 0;
    for (unsigned k = 0; k < 4; k++)
        w |= (uint32_t)(uint8_t)vendor[i * 4 + k] << (8 * k);
    return w;
}

void cpu_model_cpuid(const struct cpu_model *m, uint32_t leaf, uint32_t out[4])
{
    if (leaf > m->max_leaf)
        leaf = m->max_leaf;
    memset(out, 0, 4 * sizeof(out[0]));
    if (leaf == 0) {
        /* the vendor string is spread over EBX, EDX, ECX in that order */
        out[0] = m->max_leaf;
        out[1] = vendor_word(m->vendor, 0);
        out[3] = vendor_word(m->vendor, 1);
        out[2] = vendor_word(m->vendor, 2);
        return;
    }
    if (leaf == 1) {
        out[0] = cpu_model_signature(m);
        out[3] = m->features;
        return;
    }
    for (unsigned i = 0; i < m->leaf_count; i++) {
        if (m->leaves[i].leaf == leaf) {
            out[0] = m->leaves[i].eax;
            out[1] = m->leaves[i].ebx;
            out[2] = m->leaves[i].ecx;
            out[3] = m->leaves[i].edx;
            return;
        }
    }
}
