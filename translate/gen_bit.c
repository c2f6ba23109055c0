/* Translator: bit test and modify (BT, BTS, BTR, BTC), bit scans (BSF, BSR),
 * SETcc and CMOVcc. Intel SDM vol. 2 instruction pages; BT's "bit base" and
 * signed bit offset for memory operands: SDM vol. 2 BT, table 3-2. */
#include "gen.h"

struct bt_info {
    /* IR op applying the mask, 0 for BT (read only) */
    uint8_t opc;
    /* BTR: the mask is inverted before the AND */
    bool invert;
};

/* indexed by enum x86_op, BT..BTC */
static const struct bt_info bt_table[X86_OP_COUNT] = {
    [X86_OP_BT] = {0, false},
    [X86_OP_BTS] = {IR_or, false},
    [X86_OP_BTR] = {IR_and, true},
    [X86_OP_BTC] = {IR_xor, false},
};

/* Register offset into memory: the operand addressed is at
 * ea + size * (offset SAR log2(size * 8)), the offset taken as signed. */
static ir_tmp bt_bit_base(struct tcx *t, const struct x86_insn *in, ir_tmp offset)
{
    unsigned size = in->opnd[0].size;
    ir_tmp soff = size == 2 ? gen_op1(t, IR_sext, 2, offset) : offset;
    ir_tmp units = gen_op2(t, IR_sar, 4, soff, gen_movi(t, size == 2 ? 4 : 5));
    ir_tmp bytes = gen_op2(t, IR_shl, 4, units, gen_movi(t, size == 2 ? 1 : 2));

    return gen_op2(t, IR_add, in->addrsize, gen_ea(t, in), bytes);
}

/* Bit number within the operand; fills *ea for a memory operand. An
 * immediate offset is taken modulo the operand width, also for memory. */
static ir_tmp bt_bit_index(struct tcx *t, const struct x86_insn *in, ir_tmp *ea)
{
    unsigned size = in->opnd[0].size;
    uint32_t width_mask = size * 8 - 1;
    bool mem = in->opnd[0].kind == OPND_MEM;
    ir_tmp offset;

    if (in->opnd[1].kind == OPND_IMM) {
        if (mem)
            *ea = gen_ea(t, in);
        return gen_movi(t, in->imm & width_mask);
    }
    offset = gen_getr(t, in->opnd[1].reg, size);
    if (mem)
        *ea = bt_bit_base(t, in, offset);
    return gen_op2(t, IR_and, 4, offset, gen_movi(t, width_mask));
}

/* CF = the selected bit. OF, SF, AF and PF are undefined (SDM vol. 2 BT); they
 * keep their values here, as only CF is written. */
void gen_bt(struct tcx *t, const struct x86_insn *in)
{
    const struct bt_info *bi = &bt_table[in->op];
    unsigned size = in->opnd[0].size;
    bool mem = in->opnd[0].kind == OPND_MEM;
    ir_tmp ea = 0;
    ir_tmp bit = bt_bit_index(t, in, &ea);
    ir_tmp val = mem ? gen_ld(t, in->mem.seg, ea, size) : gen_getr(t, in->opnd[0].reg, size);
    ir_tmp cf = gen_op2(t, IR_and, 4, gen_op2(t, IR_shr, size, val, bit), gen_movi(t, 1));

    if (bi->opc != 0) {
        ir_tmp mask = gen_op2(t, IR_shl, size, gen_movi(t, 1), bit);
        ir_tmp res = gen_op2(t, bi->opc, size, val, bi->invert ? gen_op1(t, IR_not, size, mask) : mask);

        if (mem)
            gen_st(t, in->mem.seg, ea, res, size);
        else
            gen_setr(t, in->opnd[0].reg, size, res);
    }
    gen_seteflags(t, cf, EFLAGS_CF);
}

/* BSF/BSR r, r/m: the helper returns the old destination for a zero source. */
void gen_bsx(struct tcx *t, const struct x86_insn *in)
{
    unsigned size = in->opnd[0].size;
    enum helper_id h = in->op == X86_OP_BSF ? HELPER_bsf : HELPER_bsr;
    ir_tmp src = gen_load_opnd(t, in, 1);
    ir_tmp old = gen_load_opnd(t, in, 0);

    gen_store_opnd(t, in, 0, gen_helper(t, h, src, old, 0, size));
}

void gen_setcc(struct tcx *t, const struct x86_insn *in)
{
    gen_store_opnd(t, in, 0, gen_cond(t, in->cc));
}

/* The source is read (and may fault) whatever the condition; the destination
 * register is rewritten with its own value when false, which on IA-32 (no
 * upper halves to clear) is the same as not writing it. */
void gen_cmovcc(struct tcx *t, const struct x86_insn *in)
{
    ir_tmp cond = gen_cond(t, in->cc);
    ir_tmp src = gen_load_opnd(t, in, 1);
    ir_tmp old = gen_load_opnd(t, in, 0);

    gen_store_opnd(t, in, 0, gen_select(t, cond, src, old));
}
