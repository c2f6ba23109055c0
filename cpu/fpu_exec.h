/* Internal interface of the x87 instruction helpers (fpu_helpers.c and the
 * family files fpu_exec/arith/ldst/func.c): the instruction being executed,
 * the dispatch entry, and the shared skeletons. Intel SDM vol. 1 ch. 8. */
#ifndef TD_FPU_EXEC_H
#define TD_FPU_EXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "fpu.h"

struct cpu;

/* One x87 instruction being executed. */
struct fpx {
    struct cpu *cpu;
    struct fpu *f;
    /* escape byte & 7, ModRM and its fields */
    unsigned esc, modrm, reg, rm;
    /* memory operand: segment, offset, 32-bit operand size (env layouts) */
    int seg;
    uint32_t ea;
    bool o32;
    /* FCMOVcc: the condition holds */
    bool cond;
};

typedef uint32_t fpx_fn(struct fpx *x);

enum {
    /* FN* control instructions: no check for pending exceptions (SDM 8.6) */
    FX_NOWAIT = 1u << 0,
    /* control instructions leave FIP/FCS/FOP/FDP/FDS alone (SDM 8.1.8) */
    FX_CONTROL = 1u << 1,
    /* P6 additions (FCMOVcc, FCOMI): #UD unless the model has CMOV */
    FX_P6 = 1u << 2,
};

struct fpx_op {
    fpx_fn *fn;
    uint8_t flags;
    /* register forms: nonzero selects a ModRM.rm sub-table */
    uint8_t group;
};
/* Memory operand types and their sizes in bytes. */
enum mtype { MT_F32, MT_F64, MT_F80, MT_I16, MT_I32, MT_I64, MT_BCD };
extern const uint8_t fpx_mtype_size[];

/* ---- shared pieces (fpu_exec.c) ---- */

/* The memory operand at x->seg:x->ea, len bytes, in 4- and 2-byte accesses. */
void fpx_mem_read(struct fpx *x, uint8_t *buf, unsigned len);
void fpx_mem_write(struct fpx *x, const uint8_t *buf, unsigned len);
/* Read and convert a memory operand; load: FLD semantics for SNaN. */
struct fx80 fpx_read_operand(struct fpx *x, enum mtype t, struct sf_env *env, bool load);
/* Convert ST(0) for a store into the memory image b. */
void fpx_convert_store(enum mtype t, struct sf_env *env, struct fx80 v, uint8_t *b);
/* Apply an operation's flags; false when an unmasked pre-computation
 * exception (IE, DE, ZE) leaves destination and stack unchanged (SDM 8.7). */
bool fpx_apply_flags(struct fpu *f, const struct sf_env *env);
/* C1 after a rounded result: set when rounded up (SDM vol. 1 8.1.3.1). */
void fpx_set_c1(struct fpu *f, const struct sf_env *env);
/* C1, flags, then ST(dst) = r (and a pop) unless an unmasked exception. */
void fpx_commit(struct fpu *f, const struct sf_env *env, unsigned dst, struct fx80 r,
                bool pop);
/* Stack underflow on reading empty registers; masked response: dst gets the
 * indefinite (then the pop). True when the operands are present. */
bool fpx_need_regs(struct fpu *f, unsigned i, unsigned j, unsigned dst, bool pop);
/* Push with the stack-overflow check (SDM 8.5.1.1): ST(7) must be empty. */
void fpx_push_value(struct fpu *f, const struct sf_env *env, struct fx80 v);

/* ---- comparisons (fpu_arith.c) ---- */

/* Compare a with b into C3 C2 C0, then pop pops times unless an unmasked
 * exception. */
void fpx_compare(struct fpu *f, struct fx80 a, struct fx80 b, bool quiet, unsigned pops);
/* Compare with an empty operand: masked response "unordered"; true when
 * ST(0) and ST(i) are both present. */
bool fpx_compare_regs_ok(struct fpu *f, unsigned i, unsigned pops);

/* ---- instructions for the dispatch tables: m_ memory, r_ register forms ---- */

/* fpu_arith.c */
fpx_fn fpx_m_arith, fpx_r_arith, fpx_r_com, fpx_r_compp, fpx_r_comi;
/* fpu_ldst.c */
fpx_fn fpx_m_fld, fpx_m_fld_wide, fpx_m_fst, fpx_m_fstp_wide, fpx_r_fld, fpx_r_fst, fpx_r_fxch,
    fpx_r_ffree, fpx_r_fcmov;
/* fpu_func.c */
fpx_fn fpx_r_fchs_fabs, fpx_r_ftst, fpx_r_fxam, fpx_r_fldconst, fpx_r_fincdecstp, fpx_r_fsqrt,
    fpx_r_frndint, fpx_r_f2xm1, fpx_r_fscale, fpx_r_binary_pop, fpx_r_fprem, fpx_r_fxtract,
    fpx_r_fptan, fpx_r_fsincos, fpx_r_fsin_fcos, fpx_r_nop;

#endif
