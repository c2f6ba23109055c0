/* Architectural state of the emulated x86 CPU and the entry points the
 * translator and the board use. Intel SDM vol. 1 ch. 3, vol. 3 ch. 2. */
#ifndef TD_CPU_H
#define TD_CPU_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "fpu.h"
#include "mmu.h"

struct bus;
struct ioports;
struct log;
struct cpu_model;

/* General registers in ModRM encoding order. */
enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI, R_COUNT };

/* Segment registers in ModRM sreg encoding order. SEG_NONE: no override. */
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_COUNT, SEG_NONE = 7 };

/* EFLAGS bits (SDM vol. 1 3.4.3). */
enum {
    EFLAGS_CF = 1u << 0,
    EFLAGS_FIXED1 = 1u << 1,
    EFLAGS_PF = 1u << 2,
    EFLAGS_AF = 1u << 4,
    EFLAGS_ZF = 1u << 6,
    EFLAGS_SF = 1u << 7,
    EFLAGS_TF = 1u << 8,
    EFLAGS_IF = 1u << 9,
    EFLAGS_DF = 1u << 10,
    EFLAGS_OF = 1u << 11,
    EFLAGS_IOPL = 3u << 12,
    EFLAGS_NT = 1u << 14,
    EFLAGS_RF = 1u << 16,
    EFLAGS_VM = 1u << 17,
    EFLAGS_AC = 1u << 18,
    EFLAGS_VIF = 1u << 19,
    EFLAGS_VIP = 1u << 20,
    EFLAGS_ID = 1u << 21,
    /* the six arithmetic flags, kept lazily (see flags.h) */
    EFLAGS_ARITH = EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_OF,
};

enum {
    CR0_PE = 1u << 0, CR0_MP = 1u << 1, CR0_EM = 1u << 2, CR0_TS = 1u << 3,
    CR0_ET = 1u << 4, CR0_NE = 1u << 5, CR0_WP = 1u << 16, CR0_AM = 1u << 18,
    CR0_NW = 1u << 29, CR0_CD = 1u << 30, CR0_PG = 1u << 31,
};

/* Exception vectors (SDM vol. 3 table 6-1). */
enum {
    EXC_DE = 0, EXC_DB = 1, EXC_NMI = 2, EXC_BP = 3, EXC_OF = 4, EXC_BR = 5, EXC_UD = 6,
    EXC_NM = 7, EXC_DF = 8, EXC_TS = 10, EXC_NP = 11, EXC_SS = 12, EXC_GP = 13,
    EXC_PF = 14, EXC_MF = 16, EXC_AC = 17,
};

/* Bits of cpu->mode: everything a translated block depends on besides its
 * address. Part of the block lookup key. */
enum {
    MODE_PE = 1u << 0,     /* CR0.PE */
    MODE_CS32 = 1u << 1,   /* default operand/address size 32 */
    MODE_SS32 = 1u << 2,   /* stack pointer is ESP, not SP */
    MODE_VM86 = 1u << 3,   /* EFLAGS.VM */
    MODE_TF = 1u << 4,     /* single-step: one-instruction blocks */
    MODE_CPL_SHIFT = 5,    /* two bits: current privilege level */
    MODE_CPL = 3u << MODE_CPL_SHIFT,
    MODE_PG = 1u << 7,     /* CR0.PG: blocks chain only within one linear page */
    MODE_DEBUG = 1u << 8,  /* a DR7 breakpoint is enabled: one-instruction blocks */
};

/* A segment register with its hidden descriptor cache. */
struct seg {
    uint16_t sel;
    uint32_t base;
    /* highest valid offset (byte granular, after G scaling) */
    uint32_t limit;
    /* access rights byte and flags nibble as in descriptor bits 40-55 */
    uint16_t ar;
};

struct dtr {
    uint32_t base;
    uint16_t limit;
};

/* Lazily evaluated arithmetic flags: see flags.h for cc_op values. */
struct lazy_flags {
    uint32_t op;
    uint32_t res;
    uint32_t src1;
    uint32_t src2;
};

/* Interrupt controller hooks wired by the board. */
struct cpu_irq_ops {
    /* acknowledge the highest pending interrupt and return its vector */
    uint8_t (*ack)(void *opaque);
};

/* The VMM's trap hook (translate/vmm_trace.c): helper_vmm calls it at the
 * start of every instruction whose class is not SAFE (translate/x86_ops.def),
 * with cpu->eip at that instruction; info = x86 op | length << 16, and
 * bit 24 when it has a REP prefix. */
struct cpu;
struct cpu_vmm_ops {
    void (*trap)(void *opaque, struct cpu *cpu, uint32_t info);
};

/* Statistics shown by -d stats. */
struct cpu_stats {
    uint64_t exceptions;
    uint64_t interrupts;
};

struct cpu {
    uint32_t regs[R_COUNT];
    uint32_t eip;
    /* non-arithmetic flags always; arithmetic ones only when flags.op == CC_EFLAGS */
    uint32_t eflags;
    struct lazy_flags flags;
    struct seg seg[SEG_COUNT];
    struct dtr gdtr, idtr;
    struct seg ldtr, tr;
    uint32_t cr[5];
    uint32_t dr[8];
    /* MODE_* bits, recomputed by cpu_update_mode() */
    uint32_t mode;

    /* execution control */
    bool halted;
    /* set by any thread or device to make cpu_exec return at the next block edge */
    volatile int exit_request;
    /* level of the INTR line (set by the board's PIC) */
    bool intr;
    /* instruction after MOV SS/POP SS/STI: no interrupts before it retires */
    bool inhibit_irq;
    /* retired-instruction counter, the basis of virtual time */
    uint64_t icount;

    /* where cpu_raise_exception() jumps: set by cpu_exec */
    sigjmp_buf *exc_jmp;
    /* exception being raised (vector, error code or -1) */
    int exc_vector;
    int32_t exc_error;
    /* nesting guard for double/triple fault */
    int exc_depth;
    /* 1 while delivering an exception or external interrupt: the EXT bit of
     * error codes raised meanwhile (SDM vol. 3 6.13) */
    uint8_t exc_ext;
    /* the CPU shut down (triple fault, SDM vol. 3 6.15 interrupt 8): it stays
     * halted until the board resets it (machine.c does a warm reset: RAM kept) */
    bool shutdown;
    /* DR6 B0-B3 bits of data breakpoints hit by the instruction running: the
     * #DB trap is taken before the next instruction (cpu/debug.c) */
    uint32_t dr6_pending;

    /* paging: the software TLB (cpu/mmu.h) */
    struct tlb tlb;
    /* MSRs (cpu/msr.c): SYSENTER_CS/ESP/EIP, TSC = icount + tsc_offset, and
     * the plain read/write ones (MTRRs...) by table slot */
    uint32_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t tsc_offset;
    uint64_t msr_store[32];

    const struct cpu_model *model;
    struct bus *bus;
    struct ioports *io;
    struct log *log;
    const struct cpu_irq_ops *irq_ops;
    void *irq_opaque;
    const struct cpu_vmm_ops *vmm_ops;
    void *vmm_opaque;
    struct cpu_stats stats;
    /* x87 FPU state (cpu/fpu.h) */
    struct fpu fpu;
};

/* Initialise cpu (zeroing it) with its bus, ports, log and model, then do a
 * power-on reset. */
void cpu_init(struct cpu *cpu, struct bus *bus, struct ioports *io, struct log *log,
              const struct cpu_model *model);

/* Power-on / RESET state: CS:EIP = F000:FFF0 with CS base FFFF0000, real mode,
 * EFLAGS = 2, EDX = processor signature (SDM vol. 3 9.1.1). */
void cpu_reset(struct cpu *cpu);

/* Recompute cpu->mode from CR0, EFLAGS and segment caches. */
void cpu_update_mode(struct cpu *cpu);

/* Full EFLAGS (materialising the lazy arithmetic flags). */
uint32_t cpu_get_eflags(const struct cpu *cpu);
/* Write the bits of value selected by mask into EFLAGS; bit 1 stays set. */
void cpu_set_eflags(struct cpu *cpu, uint32_t value, uint32_t mask);

/* Load a segment register in real mode (base = sel << 4, limit kept). */
void cpu_load_seg_real(struct cpu *cpu, int seg, uint16_t sel);

/* Raise a guest exception: records it and jumps back to cpu_exec, which
 * delivers it with cpu->eip at the faulting instruction. error is -1 when the
 * vector has no error code. Never returns. */
_Noreturn void cpu_raise_exception(struct cpu *cpu, int vector, int32_t error);

/* Deliver an interrupt or exception now (real mode: through the IVT).
 * return_eip is the EIP pushed. error is -1 for none. May itself raise. */
void cpu_deliver_interrupt(struct cpu *cpu, int vector, int32_t error, uint32_t return_eip);

#endif
