/* String instructions MOVS CMPS STOS LODS SCAS INS OUTS, with and without
 * REP/REPE/REPNE: each is one call to its helper in cpu/string.c (SDM vol. 2
 * instruction pages and "REP/REPE/REPZ/REPNE/REPNZ"). */
#include "gen.h"

struct string_op {
    uint8_t helper;
    /* F2 and F3 mean REPNE/REPE (CMPS, SCAS) rather than a plain REP */
    bool rep_cond;
};

_Static_assert(X86_OP_OUTS - X86_OP_MOVS == 6, "x86_ops.def lists the 7 string ops together");

/* Indexed by in->op - X86_OP_MOVS. */
static const struct string_op string_ops[] = {
    [X86_OP_MOVS - X86_OP_MOVS] = {HELPER_movs, false},
    [X86_OP_CMPS - X86_OP_MOVS] = {HELPER_cmps, true},
    [X86_OP_STOS - X86_OP_MOVS] = {HELPER_stos, false},
    [X86_OP_LODS - X86_OP_MOVS] = {HELPER_lods, false},
    [X86_OP_SCAS - X86_OP_MOVS] = {HELPER_scas, true},
    [X86_OP_INS - X86_OP_MOVS] = {HELPER_ins, false},
    [X86_OP_OUTS - X86_OP_MOVS] = {HELPER_outs, false},
};

/* A REP form runs a bounded chunk per call; the helper returns 1 while the
 * count is not done, and the block ends with a chainable exit back to this
 * same instruction (prefixes included) so interrupts are taken between
 * chunks, or on to the next one. Without REP the block continues. */
void gen_string(struct tcx *t, const struct x86_insn *in)
{
    const struct string_op *s = &string_ops[in->op - X86_OP_MOVS];
    /* byte forms have even opcodes: A4 A6 AA AC AE 6C 6E */
    unsigned size = (in->opcode & 1u) ? in->opsize : 1;
    /* the override applies to the DS:(E)SI source only; ES:(E)DI is fixed */
    unsigned seg = in->seg_override != SEG_NONE ? in->seg_override : SEG_DS;
    unsigned rep = in->rep;

    if (rep != REP_NONE && !s->rep_cond)
        rep = REP_E;
    ir_tmp more = gen_helper(t, (enum helper_id)s->helper, 0, 0, 0,
                             STR_IMM(size, in->addrsize, seg, rep));
    if (rep != REP_NONE)
        gen_exit_cond(t, more, in->pc, t->next_eip);
}
