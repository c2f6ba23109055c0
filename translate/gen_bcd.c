/* Translator: decimal adjust (DAA, DAS, AAA, AAS, AAM, AAD) through the helpers
 * in cpu/bcd.c, and the undocumented SALC. Intel SDM vol. 2; SALC: D6, AL =
 * CF ? FFh : 00h, flags unchanged (present on every x86 up to today). */
#include "gen.h"

/* indexed by enum x86_op; AAM/AAD take the base (imm8, 10 for the plain form) */
static const uint8_t bcd_helper[X86_OP_COUNT] = {
    [X86_OP_DAA] = HELPER_daa,
    [X86_OP_DAS] = HELPER_das,
    [X86_OP_AAA] = HELPER_aaa,
    [X86_OP_AAS] = HELPER_aas,
    [X86_OP_AAM] = HELPER_aam,
    [X86_OP_AAD] = HELPER_aad,
};

static void gen_salc(struct tcx *t)
{
    /* -CF at byte size is FFh or 00h */
    gen_setr(t, R_EAX, 1, gen_op1(t, IR_neg, 1, gen_getcf(t)));
}

void gen_bcd(struct tcx *t, const struct x86_insn *in)
{
    if (in->op == X86_OP_SALC) {
        gen_salc(t);
        return;
    }
    gen_helper(t, bcd_helper[in->op], 0, 0, 0, in->imm);
}
