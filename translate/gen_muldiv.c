/* Translator: MUL, IMUL (one, two and three operands), DIV, IDIV, all through
 * the helpers in cpu/divmul.c. Semantics: Intel SDM vol. 2 MUL/IMUL/DIV/IDIV. */
#include "gen.h"

/* one-operand forms, indexed by enum x86_op */
static const uint8_t muldiv_helper[X86_OP_COUNT] = {
    [X86_OP_MUL] = HELPER_mul,
    [X86_OP_IMUL] = HELPER_imul,
    [X86_OP_DIV] = HELPER_div,
    [X86_OP_IDIV] = HELPER_idiv,
};

/* IMUL r, r/m (0F AF) and IMUL r, r/m, imm (69, 6B): opnd[0] = product. */
static void gen_imul2(struct tcx *t, const struct x86_insn *in)
{
    unsigned size = in->opnd[0].size;
    int first = in->nopnd == 3 ? 1 : 0;
    ir_tmp a = gen_load_opnd(t, in, first);
    ir_tmp b = gen_load_opnd(t, in, first + 1);

    gen_store_opnd(t, in, 0, gen_helper(t, HELPER_imul2, a, b, 0, size));
}

/* The source is the last operand, so a decoder that lists the implicit
 * accumulator first is served as well as one that lists only r/m. */
void gen_muldiv(struct tcx *t, const struct x86_insn *in)
{
    int i = in->nopnd - 1;

    if (in->op == X86_OP_IMUL2) {
        gen_imul2(t, in);
        return;
    }
    gen_helper(t, muldiv_helper[in->op], gen_load_opnd(t, in, i), 0, 0, in->opnd[i].size);
}
