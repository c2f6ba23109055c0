/* Internals shared by the x86-64 backend's files (backend_x86_64*.c): the
 * compile context, temp locations and the code-emission helpers. Not part of
 * the backend contract (backend.h). docs/internals.md "Native backend". */
#ifndef TD_BACKEND_X86_64_H
#define TD_BACKEND_X86_64_H

#include <stdbool.h>
#include <stdint.h>

#include "backend.h"
#include "ir.h"
#include "x64_asm.h"

/* Fixed host registers while generated code runs. */
enum {
    XR_CPU = X64_R15,   /* struct cpu * */
    XR_CTX = X64_R14,   /* struct backend_ctx * */
    /* scratch, never allocated: rax, rcx (shift counts), r11 */
    XR_S0 = X64_RAX,
    XR_S1 = X64_RCX,
    XR_S2 = X64_R11,
};

enum {
    /* spill slots in the frame set up by the entry trampoline */
    X64_SPILL_SLOTS = 256,
    /* frame bytes: spill slots + 8, so that rsp is 16-aligned after the six
     * callee-saved pushes (SysV ABI: rsp % 16 == 0 at a call) */
    X64_FRAME = X64_SPILL_SLOTS * 8 + 8,
    /* guest registers given a host register for a whole block */
    X64_MAX_HOMES = 4,
    X64_MAX_FIXUPS = 8192,
    X64_MAX_ALIASES = 64,
};

enum tloc_kind { TL_NONE, TL_REG, TL_SPILL, TL_CONST };

struct tloc {
    uint8_t kind;
    int8_t reg;
    /* TL_REG: guest register + 1 whose home reg the temp shares (a copy made
     * by getr that has not been needed yet), else 0 */
    int8_t alias;
    uint16_t slot;
    uint32_t val;
};

/* A rel32 to patch once the code is placed. */
enum fix_kind {
    FIX_MAIN_TO_COLD,   /* field in main, target offset in cold */
    FIX_COLD_TO_MAIN,   /* field in cold, target offset in main */
    FIX_MAIN_TO_EPI,    /* field in main, target the epilogue */
    FIX_COLD_TO_EPI,
};

struct fixup {
    uint8_t kind;
    uint32_t field;
    uint32_t target;
};

/* The lazily recorded flags of the last flags op not yet stored to cpu->flags. */
struct pending_flags {
    bool valid;
    uint32_t op;
    ir_tmp res, src1, src2;
    /* the op that computed res is exactly src1 + src2 / src1 - src2 (no
     * carry-in), so the host can recompute the flags with one instruction */
    bool plain;
};

/* Per-engine state (backend_ctx.priv). */
struct x64_state {
    struct jitmem *mem;
    /* int enter(struct backend_ctx *ctx, const void *code): runs code, returns the slot */
    const uint8_t *enter;
    const uint8_t *epilogue;
    /* bytes of the trampolines, kept across flushes */
    size_t keep;
    /* block code may use at most this much beyond keep (exec_config.cache_size) */
    size_t code_limit;
    /* bus A20 mask the fast-path map was filled with */
    uint32_t a20_mask;
    struct xc *xc;
    uint8_t *cold;
};

/* What each block's code starts with (read through the executable view). */
struct x64_block {
    /* offsets from this header: entered from cpu_exec / from a chained jump */
    uint32_t entry;
    uint32_t chain_entry;
    /* rel32 field of each direct exit's chained jmp (0: none) and the code it
     * falls back to when unlinked */
    uint32_t jmp_field[2];
    uint32_t exit_off[2];
    /* the indirect exit's one-entry cache (emit_exit_ind): the guest EIP it
     * last went to, that block, and its chained entry. The block's valid
     * flag is checked on every use; a flush throws the whole cache away. */
    uint32_t ind_eip;
    const struct tb *ind_tb;
    const uint8_t *ind_host;
};

/* Bytes before a block's code: its header, rounded to 16. */
enum { X64_HEADER = (sizeof(struct x64_block) + 15) & ~15u };

/* The block whose valid flag is false, for caches that hold nothing yet. */
extern const struct tb x64_no_tb;

/* The compile context of one block. */
struct xc {
    struct x64_buf b;
    struct x64_buf cold;
    struct backend_ctx *ctx;
    const struct ir_block *ir;
    struct tb *tb;
    uint32_t mode;
    /* real mode without paging or breakpoints: inline memory fast path */
    bool fastmem;
    /* op being compiled */
    unsigned i;

    struct tloc loc[IR_MAX_TEMPS];
    uint16_t lastuse[IR_MAX_TEMPS];
    /* op index that defined each temp */
    uint16_t def[IR_MAX_TEMPS];
    /* bytes each temp's value is known to fit in (1, 2 or 4), from its defs */
    uint8_t narrow[IR_MAX_TEMPS];
    /* temp owning each host register (0: free), or home guest reg + 1 as -(g+1) */
    int owner[16];
    uint16_t free_regs;
    /* temp in each spill slot (0: free); slots below spill_hi were used */
    uint16_t spill_owner[X64_SPILL_SLOTS];
    unsigned spill_hi;
    /* temps that share a guest register's home (tloc.alias) */
    ir_tmp aliases[X64_MAX_ALIASES];
    unsigned nalias;
    /* bytes pushed below the frame by the code being emitted */
    int push_depth;

    /* guest register homes: host reg or -1; loaded/dirty at this point */
    int home[8];
    bool loaded[8];
    bool dirty[8];

    struct pending_flags fl;
    /* condition (0-15) of a cond op left for the branch after it, or -1 */
    int fused_cc;
    /* op index + 1 of a setr already done by the op before it (0: none) */
    unsigned setr_done;
    /* a 16-bit getr not emitted because a setr is its only reader (0: none),
     * and the home register holding its value */
    ir_tmp copy_tmp;
    int copy_reg;
    /* guest instructions begun since cpu->icount was last brought up to date */
    unsigned pending_insns;
    uint32_t cur_eip;
    /* the instruction so far / the block so far may have written memory */
    bool insn_may_smc;
    bool block_may_smc;
    unsigned exit_slots;

    uint32_t label_pos[IR_MAX_LABELS];
    struct fixup fix[X64_MAX_FIXUPS];
    unsigned nfix;
    /* label fixups inside main: (field, label) */
    uint32_t lfix_field[IR_MAX_LABELS * 2];
    uint16_t lfix_label[IR_MAX_LABELS * 2];
    unsigned nlfix;

    /* offsets in main of what the block descriptor records */
    uint32_t jmp_field[2];
    uint32_t exit_off[2];
    bool overflow;
};

/* ---- backend_x86_64_regs.c: temps, guest registers, syncing ---- */
bool xc_is_const(const struct xc *x, ir_tmp t);
uint32_t xc_const(const struct xc *x, ir_tmp t);
/* Does t's value fit in size bytes (zero-extended)? */
bool xc_fits(const struct xc *x, ir_tmp t, unsigned size);
/* The register holding t's value: its own, or scratch after loading it. */
int xc_src(struct xc *x, struct x64_buf *b, ir_tmp t, int scratch);
/* Copy t's value into reg. */
void xc_load_into(struct xc *x, struct x64_buf *b, ir_tmp t, int reg);
/* Where to compute d: its register, or rax when it lives in a spill slot or is unused. */
int xc_dst(struct xc *x, ir_tmp d);
/* Store d's value from reg (computed by xc_dst) to its home if that is a slot. */
void xc_commit(struct xc *x, ir_tmp d, int reg);
/* d becomes the constant v (no code). */
void xc_set_const(struct xc *x, ir_tmp d, uint32_t v);
/* Allocate d's location (before computing it). */
void xc_alloc(struct xc *x, ir_tmp d);
/* Release every temp whose last use is op i. */
void xc_release(struct xc *x);
/* Make temps sharing guest register g's home into copies before it changes. */
void xc_unalias(struct xc *x, int g);
/* The same for the temps read after op i only: op i reads its operands
 * before it writes g's home. */
void xc_unalias_later(struct xc *x, int g);
/* d = guest register g (32 bits) without a copy, while g is unchanged. */
void xc_alias(struct xc *x, ir_tmp d, int g);

/* Guest register g's home, loaded (or -1 if it lives in memory only). */
int xc_home(struct xc *x, int g);
/* Write dirty homes back to cpu->regs (stub: the main path still sees them dirty). */
void xc_writeback(struct xc *x, struct x64_buf *b, bool stub);
/* All homes must be reloaded before use (after a helper or at a label). */
void xc_forget_homes(struct xc *x);
/* Store pending flags to cpu->flags (stub: keep them pending on the main path). */
void xc_flags_store(struct xc *x, struct x64_buf *b, bool stub);
/* Bring cpu->icount up to date (stub: undo with xc_icount_undo after the call). */
void xc_icount_sync(struct xc *x, struct x64_buf *b, bool stub);
void xc_icount_undo(struct xc *x, struct x64_buf *b);
/* Everything a C function may look at: registers, flags, EIP, icount. */
void xc_sync_all(struct xc *x, struct x64_buf *b, bool stub);

/* Push the caller-saved registers live after op i (except keep_out); returns
 * the count pushed, including alignment padding as one slot. */
unsigned xc_save_live(struct xc *x, struct x64_buf *b, int except_reg, uint16_t *saved);
void xc_restore_live(struct xc *x, struct x64_buf *b, uint16_t saved);

/* Jumps between the main and the cold buffer, and to the epilogue. */
void xc_jcc_to_cold(struct xc *x, enum x64_cc cc, uint32_t cold_off);
void xc_jmp_cold_to_main(struct xc *x, uint32_t main_off);
void xc_jmp_epilogue(struct xc *x, struct x64_buf *b);
void xc_add_fix(struct xc *x, enum fix_kind kind, uint32_t field, uint32_t target);

/* Guest register offsets in struct cpu. */
int32_t xc_reg_off(int g);

/* ---- backend_x86_64_ops.c: one emitter per IR op ---- */
typedef void xc_emit_fn(struct xc *x, const struct ir_op *op);
extern xc_emit_fn *const xc_emit_table[IR_COUNT];

/* ---- backend_x86_64_mem.c: loads, stores and their slow paths ---- */
void xc_emit_ld(struct xc *x, const struct ir_op *op);
void xc_emit_st(struct xc *x, const struct ir_op *op);
/* C entry points called from generated code. */
uint32_t x64_rt_read(struct backend_ctx *ctx, uint32_t seg, uint32_t offset, uint32_t size);
void x64_rt_write(struct backend_ctx *ctx, uint32_t seg, uint32_t offset, uint32_t size,
                  uint32_t value);
/* Refill the fast-path map after A20 may have changed. */
void x64_rt_check_a20(struct backend_ctx *ctx);

#endif
