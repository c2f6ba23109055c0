/* x87 FPU state: register stack, control/status/tag words, last-instruction
 * pointers, exception signalling, and the FSAVE/FSTENV/FXSAVE images.
 * Intel SDM vol. 1 ch. 8 and 10.5; vol. 3 table 9-1 (reset state). */
#ifndef TD_FPU_H
#define TD_FPU_H

#include <stdbool.h>
#include <stdint.h>

#include "softfloat80.h"

/* Status word (SDM vol. 1 figure 8-4):
 *  15 14 13-11 10  9  8  7  6  5  4  3  2  1  0
 *  B  C3 TOP   C2 C1 C0 ES SF PE UE OE ZE DE IE */
enum {
    FSW_IE = 1u << 0, FSW_DE = 1u << 1, FSW_ZE = 1u << 2, FSW_OE = 1u << 3,
    FSW_UE = 1u << 4, FSW_PE = 1u << 5, FSW_SF = 1u << 6, FSW_ES = 1u << 7,
    FSW_C0 = 1u << 8, FSW_C1 = 1u << 9, FSW_C2 = 1u << 10, FSW_TOP_SHIFT = 11,
    FSW_TOP = 7u << 11, FSW_C3 = 1u << 14, FSW_B = 1u << 15,
    FSW_EXC = 0x3F,
    FSW_CC = FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3,
};

/* Control word (SDM vol. 1 figure 8-6): masks 0-5, bit 6 reads as 1,
 * PC 8-9, RC 10-11, IC 12 (kept, no effect since the 387). */
enum {
    FCW_PC_SHIFT = 8, FCW_RC_SHIFT = 10,
    FCW_WRITABLE = 0x1F3F, FCW_FIXED1 = 0x0040,
    FCW_INIT = 0x037F, FCW_RESET = 0x0040,
};

/* Tag values (SDM vol. 1 figure 8-7). */
enum { FTAG_VALID, FTAG_ZERO, FTAG_SPECIAL, FTAG_EMPTY };

/* Board hook for FERR#: level true when an unmasked exception is signalled
 * with CR0.NE = 0 (the PC routes it to IRQ 13), false when cleared. */
typedef void fpu_ferr_fn(void *opaque, bool level);

struct fpu {
    /* physical registers R0-R7; ST(i) is R((TOP + i) mod 8) */
    struct fx80 regs[8];
    uint16_t fcw;
    /* status word with TOP in bits 11-13 */
    uint16_t fsw;
    /* full tag word, two bits per physical register, kept consistent with
     * the register contents (the hardware recomputes non-empty tags) */
    uint16_t ftw;
    /* last non-control instruction: opcode (11 bits), offset and selector */
    uint16_t fop;
    uint32_t fip;
    uint16_t fcs;
    /* its memory operand: offset and selector */
    uint32_t fdp;
    uint16_t fds;
    fpu_ferr_fn *ferr;
    void *ferr_opaque;
};

/* Power-on/RESET state (SDM vol. 3 table 9-1): FCW 0040h, FTW all valid,
 * registers +0. The ferr hook is kept. */
void fpu_reset(struct fpu *f);
/* FNINIT: FCW 037Fh, FSW 0, all empty, pointers 0. */
void fpu_init(struct fpu *f);

static inline unsigned fpu_top(const struct fpu *f)
{
    return (f->fsw >> FSW_TOP_SHIFT) & 7;
}
static inline unsigned fpu_phys(const struct fpu *f, unsigned i)
{
    return (fpu_top(f) + i) & 7;
}
static inline struct fx80 fpu_st(const struct fpu *f, unsigned i)
{
    return f->regs[fpu_phys(f, i)];
}
unsigned fpu_tag(const struct fpu *f, unsigned phys);
bool fpu_empty(const struct fpu *f, unsigned i);
/* The tag a value gets when written. */
unsigned fpu_tag_of(struct fx80 v);
/* Write ST(i) (tag from the value). */
void fpu_set_st(struct fpu *f, unsigned i, struct fx80 v);
/* Mark ST(i) empty. */
void fpu_free(struct fpu *f, unsigned i);
/* TOP - 1 and write ST(0) / mark ST(0) empty and TOP + 1. No checks. */
void fpu_push(struct fpu *f, struct fx80 v);
void fpu_pop(struct fpu *f);
void fpu_set_top(struct fpu *f, unsigned top);

/* Set condition codes: cc is a mask of FSW_C0..C3 values, mask says which. */
static inline void fpu_set_cc(struct fpu *f, unsigned mask, unsigned cc)
{
    f->fsw = (uint16_t)((f->fsw & ~mask) | (cc & mask));
}

/* Record exception flags (FSW_IE..FSW_PE, and FSW_SF); ES and B are set
 * when any recorded flag is unmasked. */
void fpu_raise(struct fpu *f, unsigned flags);
/* Stack fault: IE + SF, C1 = 1 for overflow, 0 for underflow. Returns true
 * when IE is masked (the masked response applies). */
bool fpu_stack_fault(struct fpu *f, bool overflow);
/* Recompute ES/B from the flags and masks (after FLDCW, FLDENV, FRSTOR,
 * FNCLEX), telling the ferr hook when they clear. */
void fpu_update_es(struct fpu *f);
/* Load the control word (reserved bits forced). */
void fpu_set_fcw(struct fpu *f, uint16_t fcw);

/* The arithmetic environment of the control word; prec_ctl: honour PC
 * (only FADD/FSUB/FMUL/FDIV/FSQRT and their forms do, SDM vol. 1 8.1.5.2). */
struct sf_env fpu_env(const struct fpu *f, bool prec_ctl);

/* Environment and state images (SDM vol. 1 figures 8-9 to 8-12): o32 picks
 * the 28/108-byte layouts, pm the protected-mode (selector:offset) ones.
 * Saving does not change state; FNSTENV's masking and FNSAVE's
 * re-initialisation are the callers'. */
enum { FPU_ENV16 = 14, FPU_ENV32 = 28, FPU_SAVE16 = 94, FPU_SAVE32 = 108, FPU_FXSAVE = 512 };
void fpu_store_env(const struct fpu *f, uint8_t *img, bool o32, bool pm);
void fpu_load_env(struct fpu *f, const uint8_t *img, bool o32, bool pm);
void fpu_store_state(const struct fpu *f, uint8_t *img, bool o32, bool pm);
void fpu_load_state(struct fpu *f, const uint8_t *img, bool o32, bool pm);
/* FXSAVE/FXRSTOR x87 part of the 512-byte image (SDM vol. 2 FXSAVE table
 * "Legacy Non-64-bit-Mode FXSAVE Layout"); other bytes are left alone. */
void fpu_fxsave(const struct fpu *f, uint8_t *img);
void fpu_fxrstor(struct fpu *f, const uint8_t *img);

/* 80-bit memory format (m80fp): little endian, sig then sign/exponent. */
void fpu_put80(uint8_t *p, struct fx80 v);
struct fx80 fpu_get80(const uint8_t *p);

#endif
