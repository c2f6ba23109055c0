/* x87 escape opcodes D8-DF: each becomes one call into cpu/fpu_helpers.c,
 * which does the #NM and pending-#MF checks and the work. FCOMI writes
 * EFLAGS and FCMOVcc reads them, so they get their own helpers; FNSTSW AX
 * writes AX from the helper's result. Intel SDM vol. 2 (x87 instructions). */
#include "gen.h"

enum { MODRM_MEM = 0xC0 };

/* FCMOVcc: DA /0-/3 = B E BE U, DB /0-/3 = their negations (Jcc codes). */
static unsigned fcmov_cc(const struct x86_insn *in)
{
    static const uint8_t cc[4] = { 2, 4, 6, 10 };
    unsigned reg = (in->modrm >> 3) & 7;
    return cc[reg] | ((in->opcode & 7) == 3);
}

void gen_fpu(struct tcx *t, const struct x86_insn *in)
{
    unsigned esc = in->opcode & 7, reg = (in->modrm >> 3) & 7;
    uint32_t imm = esc << 8 | in->modrm;

    if ((in->modrm & MODRM_MEM) != MODRM_MEM) {
        imm |= (uint32_t)in->mem.seg << 16 | (uint32_t)(in->opsize == 4) << 20;
        gen_helper(t, HELPER_fpu_mem, gen_ea(t, in), 0, 0, imm);
    } else if ((esc == 3 || esc == 7) && (reg == 5 || reg == 6)) {
        gen_helper(t, HELPER_fpu_fcomi, 0, 0, 0, imm);
    } else if ((esc == 2 || esc == 3) && reg < 4) {
        gen_helper(t, HELPER_fpu_fcmov, gen_cond(t, fcmov_cc(in)), 0, 0, imm);
    } else if (esc == 7 && in->modrm == 0xE0) {
        gen_setr(t, R_EAX, 2, gen_helper(t, HELPER_fpu_reg, 0, 0, 0, imm));
    } else {
        gen_helper(t, HELPER_fpu_reg, 0, 0, 0, imm);
    }
}
