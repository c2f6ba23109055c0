/* IR block construction, flag liveness and dumping (docs/internals.md, "IR"). */
#include "ir.h"

#include <assert.h>
#include <string.h>

#include "helpers.h"

const struct ir_op_info ir_op_table[IR_COUNT] = {
#define IR_OP(name, flags, desc) [IR_##name] = {#name, flags, desc},
#include "ir_ops.def"
#undef IR_OP
};

void ir_reset(struct ir_block *b)
{
    b->nops = 0;
    b->ntemps = 1;
    b->nlabels = 0;
    b->overflow = false;
}

struct ir_op *ir_emit(struct ir_block *b, enum ir_opc opc)
{
    /* the last slot is kept as scratch so an overflowing emit never writes out of bounds */
    static_assert(IR_MAX_OPS > 1, "room for scratch");
    struct ir_op *op;
    if (b->nops >= IR_MAX_OPS - 1) {
        b->overflow = true;
        op = &b->ops[IR_MAX_OPS - 1];
    } else {
        op = &b->ops[b->nops++];
    }
    memset(op, 0, sizeof(*op));
    op->opc = (uint8_t)opc;
    return op;
}

ir_tmp ir_new_temp(struct ir_block *b)
{
    if (b->ntemps >= IR_MAX_TEMPS - 1) {
        b->overflow = true;
        return IR_MAX_TEMPS - 1;
    }
    return (ir_tmp)b->ntemps++;
}

unsigned ir_new_label(struct ir_block *b)
{
    if (b->nlabels >= IR_MAX_LABELS - 1) {
        b->overflow = true;
        return IR_MAX_LABELS - 1;
    }
    return b->nlabels++;
}

/* Does op observe the arithmetic flags (or may it leave the block, where the
 * flags become architecturally visible)? */
static bool ir_observes_flags(const struct ir_op *op)
{
    uint32_t f = ir_op_table[op->opc].flags;
    if (f & (IRF_RFLAGS | IRF_FAULT | IRF_END | IRF_BRANCH))
        return true;
    if (op->opc == IR_call)
        return (helper_table[op->hid].flags & (HF_RFLAGS | HF_FAULT | HF_ENDS)) != 0;
    return op->opc == IR_label;
}

static bool ir_overwrites_flags(const struct ir_op *op)
{
    if (op->opc == IR_flags)
        return true;
    return op->opc == IR_call && (helper_table[op->hid].flags & HF_WFLAGS) &&
           !(helper_table[op->hid].flags & (HF_RFLAGS | HF_FAULT));
}

unsigned ir_flags_liveness(struct ir_block *b)
{
    bool live = true;   /* flags are live at the end of a block */
    unsigned removed = 0;
    for (unsigned i = b->nops; i-- > 0;) {
        struct ir_op *op = &b->ops[i];
        if (op->opc == IR_flags) {
            op->dead = !live;
            removed += op->dead;
            live = false;
            continue;
        }
        if (ir_observes_flags(op))
            live = true;
        else if (ir_overwrites_flags(op))
            live = false;
    }
    return removed;
}

void ir_dump(const struct ir_block *b, FILE *f)
{
    for (unsigned i = 0; i < b->nops; i++) {
        const struct ir_op *op = &b->ops[i];
        if (op->opc == IR_insn) {
            fprintf(f, " ---- %08x\n", op->imm);
            continue;
        }
        fprintf(f, "  %-9s", ir_op_table[op->opc].name);
        if (op->size)
            fprintf(f, " .%u", op->size);
        if (op->d)
            fprintf(f, " t%u =", op->d);
        if (op->opc == IR_call)
            fprintf(f, " %s", helper_table[op->hid].name);
        if (op->a)
            fprintf(f, " t%u", op->a);
        if (op->b)
            fprintf(f, " t%u", op->b);
        if (op->c)
            fprintf(f, " t%u", op->c);
        fprintf(f, " #0x%x%s\n", op->imm, op->dead ? "  (dead)" : "");
    }
}
