/* The translator's intermediate representation: a linear list of micro-ops
 * over 32-bit temporaries, built per translation block (docs/internals.md). */
#ifndef TD_IR_H
#define TD_IR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum ir_opc {
#define IR_OP(name, flags, desc) IR_##name,
#include "ir_ops.def"
#undef IR_OP
    IR_COUNT
};

enum {
    IRF_FAULT = 1u << 0,
    IRF_RFLAGS = 1u << 1,
    IRF_WFLAGS = 1u << 2,
    IRF_END = 1u << 3,
    IRF_BRANCH = 1u << 4,
    IRF_SIDE = 1u << 5,
};

struct ir_op_info {
    const char *name;
    uint32_t flags;
    const char *desc;
};
extern const struct ir_op_info ir_op_table[IR_COUNT];

/* Temp number. Temp 0 is never allocated (means "no temp"). */
typedef uint16_t ir_tmp;

struct ir_op {
    uint8_t opc;
    uint8_t size;
    /* helper id for IR_call */
    uint8_t hid;
    /* cleared by the liveness pass for dead flag writes */
    bool dead;
    ir_tmp d, a, b, c;
    uint32_t imm;
};

enum { IR_MAX_OPS = 4096, IR_MAX_TEMPS = 8192, IR_MAX_LABELS = 256 };

struct ir_block {
    struct ir_op ops[IR_MAX_OPS];
    unsigned nops;
    unsigned ntemps;
    unsigned nlabels;
    /* set when an emit ran out of room: the translator ends the block earlier */
    bool overflow;
};

void ir_reset(struct ir_block *b);
/* Append an op; returns it (or a scratch op when full, setting overflow). */
struct ir_op *ir_emit(struct ir_block *b, enum ir_opc opc);
ir_tmp ir_new_temp(struct ir_block *b);
unsigned ir_new_label(struct ir_block *b);

/* Flag liveness: mark IR_flags ops whose result no later op can observe as
 * dead. Flags are live at block exits, branches, may-fault ops and helper
 * calls that read flags or may fault. Returns the number of ops removed. */
unsigned ir_flags_liveness(struct ir_block *b);

/* Print the block, one op a line (for -d op). */
void ir_dump(const struct ir_block *b, FILE *f);

#endif
