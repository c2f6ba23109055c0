/* x86-64 instruction encoder (see x64_asm.h). Prefix order, REX, ModRM and
 * SIB: Intel SDM vol. 2 2.1-2.2; every emit goes through enc(). */
#include "x64_asm.h"

#include <assert.h>
#include <string.h>

enum { MAX_INSN = 16 };

/* The r/m operand of an instruction: a register or a memory reference. */
struct rm {
    bool is_reg;
    int reg;
    struct x64_mem m;
};

static struct rm rm_reg(int reg)
{
    return (struct rm){true, reg, {0, X64_NOREG, 1, 0}};
}

static struct rm rm_mem(struct x64_mem m)
{
    return (struct rm){false, X64_NOREG, m};
}

/* How enc() treats its register fields. */
enum {
    /* the reg field names an 8-bit register (spl..dil need a REX prefix) */
    ENC_REG8 = 1u << 0,
    /* the r/m register is 8-bit */
    ENC_RM8 = 1u << 1,
};

void x64_init(struct x64_buf *b, uint8_t *start, uint8_t *end)
{
    b->start = start;
    b->p = start;
    b->end = end;
    b->overflow = false;
}

static void put(struct x64_buf *b, const uint8_t *bytes, unsigned n)
{
    if (b->overflow || (unsigned)(b->end - b->p) < n) {
        b->overflow = true;
        return;
    }
    memcpy(b->p, bytes, n);
    b->p += n;
}

void x64_byte(struct x64_buf *b, uint8_t v)
{
    put(b, &v, 1);
}

void x64_u32(struct x64_buf *b, uint32_t v)
{
    uint8_t t[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(b, t, 4);
}

static unsigned put_le(uint8_t *t, unsigned n, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        t[n++] = (uint8_t)(v >> (8 * i));
    return n;
}

static uint8_t scale_bits(unsigned scale)
{
    return scale == 8 ? 3 : scale == 4 ? 2 : scale == 2 ? 1 : 0;
}

/* ModRM (+ SIB + displacement) for reg field r and operand rm. */
static unsigned modrm(uint8_t *t, unsigned n, int r, const struct rm *rm)
{
    uint8_t rf = (uint8_t)((r & 7) << 3);
    if (rm->is_reg) {
        t[n++] = (uint8_t)(0xC0 | rf | (rm->reg & 7));
        return n;
    }
    const struct x64_mem *m = &rm->m;
    int base = m->base;
    bool sib = m->index != X64_NOREG || (base & 7) == X64_RSP;
    uint8_t mod;
    assert(base != X64_NOREG && m->index != X64_RSP);
    /* SDM vol. 2 table 2-2: rbp/r13 as base with mod 00 means disp32 (RIP) */
    if (m->disp == 0 && (base & 7) != X64_RBP)
        mod = 0;
    else if (m->disp >= -128 && m->disp <= 127)
        mod = 1;
    else
        mod = 2;
    t[n++] = (uint8_t)((mod << 6) | rf | (sib ? 4 : (base & 7)));
    if (sib) {
        int idx = m->index == X64_NOREG ? 4 : (m->index & 7);
        t[n++] = (uint8_t)((scale_bits(m->scale) << 6) | (idx << 3) | (base & 7));
    }
    if (mod == 1)
        t[n++] = (uint8_t)(int8_t)m->disp;
    else if (mod == 2)
        n = put_le(t, n, (uint32_t)m->disp, 4);
    return n;
}

/* One instruction: [66] [REX] opcode (1-3 bytes, most significant first)
 * ModRM... then imm (immbytes, little-endian). */
static void enc(struct x64_buf *b, unsigned size, uint32_t opcode, unsigned oplen, int r,
                struct rm rm, unsigned flags, uint64_t imm, unsigned immbytes)
{
    uint8_t t[MAX_INSN];
    unsigned n = 0;
    uint8_t rex = 0x40;
    if (size == 2)
        t[n++] = 0x66;
    if (size == 8)
        rex |= 8;
    if (r >= 8)
        rex |= 4;
    if (rm.is_reg) {
        rex |= rm.reg >= 8 ? 1 : 0;
    } else {
        rex |= rm.m.base >= 8 ? 1 : 0;
        rex |= rm.m.index >= 8 ? 2 : 0;
    }
    bool need = rex != 0x40;
    /* SDM vol. 2 2.2.1.2: without REX, byte registers 4-7 are AH..BH */
    if ((flags & ENC_REG8) && r >= 4 && r <= 7)
        need = true;
    if ((flags & ENC_RM8) && rm.is_reg && rm.reg >= 4 && rm.reg <= 7)
        need = true;
    if (need)
        t[n++] = rex;
    for (unsigned i = oplen; i-- > 0;)
        t[n++] = (uint8_t)(opcode >> (8 * i));
    n = modrm(t, n, r, &rm);
    n = put_le(t, n, imm, immbytes);
    put(b, t, n);
}

/* Opcode with no ModRM, register in the low 3 bits (push, pop, bswap, mov imm). */
static void enc_plus_r(struct x64_buf *b, bool w, uint32_t opcode, unsigned oplen, int reg,
                       uint64_t imm, unsigned immbytes)
{
    uint8_t t[MAX_INSN];
    unsigned n = 0;
    uint8_t rex = (uint8_t)(0x40 | (w ? 8 : 0) | (reg >= 8 ? 1 : 0));
    if (rex != 0x40)
        t[n++] = rex;
    for (unsigned i = oplen; i-- > 0;)
        t[n++] = (uint8_t)((opcode >> (8 * i)) + (i == 0 ? (reg & 7) : 0));
    n = put_le(t, n, imm, immbytes);
    put(b, t, n);
}

static unsigned byte_flags(unsigned size)
{
    return size == 1 ? ENC_REG8 | ENC_RM8 : 0;
}

/* ALU r/m, reg: opcodes 00-3B in groups of 8; +0 byte form, +1 full size. */
void x64_alu_rr(struct x64_buf *b, enum x64_alu op, unsigned size, int dst, int src)
{
    uint32_t opc = (uint32_t)op * 8 + (size == 1 ? 0 : 1);
    enc(b, size, opc, 1, src, rm_reg(dst), byte_flags(size), 0, 0);
}

void x64_alu_rm(struct x64_buf *b, enum x64_alu op, unsigned size, int dst, struct x64_mem m)
{
    uint32_t opc = (uint32_t)op * 8 + (size == 1 ? 2 : 3);
    enc(b, size, opc, 1, dst, rm_mem(m), size == 1 ? ENC_REG8 : 0, 0, 0);
}

void x64_alu_mr(struct x64_buf *b, enum x64_alu op, unsigned size, struct x64_mem m, int src)
{
    uint32_t opc = (uint32_t)op * 8 + (size == 1 ? 0 : 1);
    enc(b, size, opc, 1, src, rm_mem(m), size == 1 ? ENC_REG8 : 0, 0, 0);
}

static void alu_imm(struct x64_buf *b, enum x64_alu op, unsigned size, struct rm rm,
                    int32_t imm)
{
    if (size == 1)
        enc(b, 1, 0x80, 1, op, rm, ENC_RM8, (uint8_t)imm, 1);
    else if (imm >= -128 && imm <= 127)
        enc(b, size, 0x83, 1, op, rm, 0, (uint8_t)imm, 1);
    else
        enc(b, size, 0x81, 1, op, rm, 0, (uint32_t)imm, size == 2 ? 2 : 4);
}

void x64_alu_ri(struct x64_buf *b, enum x64_alu op, unsigned size, int dst, int32_t imm)
{
    alu_imm(b, op, size, rm_reg(dst), imm);
}

void x64_alu_mi(struct x64_buf *b, enum x64_alu op, unsigned size, struct x64_mem m, int32_t imm)
{
    alu_imm(b, op, size, rm_mem(m), imm);
}

void x64_test_rr(struct x64_buf *b, unsigned size, int a, int c)
{
    enc(b, size, size == 1 ? 0x84 : 0x85, 1, c, rm_reg(a), byte_flags(size), 0, 0);
}

void x64_test_ri(struct x64_buf *b, unsigned size, int a, int32_t imm)
{
    if (size == 1)
        enc(b, 1, 0xF6, 1, 0, rm_reg(a), ENC_RM8, (uint8_t)imm, 1);
    else
        enc(b, size, 0xF7, 1, 0, rm_reg(a), 0, (uint32_t)imm, size == 2 ? 2 : 4);
}

void x64_mov_rr(struct x64_buf *b, unsigned size, int dst, int src)
{
    enc(b, size, size == 1 ? 0x88 : 0x89, 1, src, rm_reg(dst), byte_flags(size), 0, 0);
}

void x64_mov_ri(struct x64_buf *b, int dst, uint32_t imm)
{
    enc_plus_r(b, false, 0xB8, 1, dst, imm, 4);
}

void x64_mov_ri64(struct x64_buf *b, int dst, uint64_t imm)
{
    if (imm <= UINT32_MAX)
        x64_mov_ri(b, dst, (uint32_t)imm);
    else
        enc_plus_r(b, true, 0xB8, 1, dst, imm, 8);
}

void x64_load(struct x64_buf *b, unsigned size, int dst, struct x64_mem m)
{
    if (size == 1)
        enc(b, 4, 0x0FB6, 2, dst, rm_mem(m), 0, 0, 0);
    else if (size == 2)
        enc(b, 4, 0x0FB7, 2, dst, rm_mem(m), 0, 0, 0);
    else
        enc(b, size, 0x8B, 1, dst, rm_mem(m), 0, 0, 0);
}

void x64_store(struct x64_buf *b, unsigned size, struct x64_mem m, int src)
{
    enc(b, size, size == 1 ? 0x88 : 0x89, 1, src, rm_mem(m), size == 1 ? ENC_REG8 : 0, 0, 0);
}

void x64_store_imm(struct x64_buf *b, unsigned size, struct x64_mem m, int32_t imm)
{
    if (size == 1)
        enc(b, 1, 0xC6, 1, 0, rm_mem(m), 0, (uint8_t)imm, 1);
    else
        enc(b, size, 0xC7, 1, 0, rm_mem(m), 0, (uint32_t)imm, size == 2 ? 2 : 4);
}

void x64_lea(struct x64_buf *b, unsigned size, int dst, struct x64_mem m)
{
    enc(b, size, 0x8D, 1, dst, rm_mem(m), 0, 0, 0);
}

void x64_movzx(struct x64_buf *b, unsigned from, int dst, int src)
{
    enc(b, 4, from == 1 ? 0x0FB6 : 0x0FB7, 2, dst, rm_reg(src), from == 1 ? ENC_RM8 : 0, 0, 0);
}

void x64_movsx(struct x64_buf *b, unsigned from, int dst, int src)
{
    enc(b, 4, from == 1 ? 0x0FBE : 0x0FBF, 2, dst, rm_reg(src), from == 1 ? ENC_RM8 : 0, 0, 0);
}

void x64_shift_ri(struct x64_buf *b, enum x64_shift op, unsigned size, int reg, uint8_t count)
{
    enc(b, size, size == 1 ? 0xC0 : 0xC1, 1, op, rm_reg(reg), byte_flags(size) & ENC_RM8,
        count, 1);
}

void x64_shift_cl(struct x64_buf *b, enum x64_shift op, unsigned size, int reg)
{
    enc(b, size, size == 1 ? 0xD2 : 0xD3, 1, op, rm_reg(reg), byte_flags(size) & ENC_RM8, 0, 0);
}

void x64_imul_rr(struct x64_buf *b, unsigned size, int dst, int src)
{
    assert(size != 1);
    enc(b, size, 0x0FAF, 2, dst, rm_reg(src), 0, 0, 0);
}

static void group3(struct x64_buf *b, unsigned digit, unsigned size, int reg)
{
    enc(b, size, size == 1 ? 0xF6 : 0xF7, 1, (int)digit, rm_reg(reg), byte_flags(size) & ENC_RM8,
        0, 0);
}

void x64_not(struct x64_buf *b, unsigned size, int reg)
{
    group3(b, 2, size, reg);
}

void x64_neg(struct x64_buf *b, unsigned size, int reg)
{
    group3(b, 3, size, reg);
}

void x64_inc(struct x64_buf *b, unsigned size, int reg)
{
    enc(b, size, size == 1 ? 0xFE : 0xFF, 1, 0, rm_reg(reg), byte_flags(size) & ENC_RM8, 0, 0);
}

void x64_dec(struct x64_buf *b, unsigned size, int reg)
{
    enc(b, size, size == 1 ? 0xFE : 0xFF, 1, 1, rm_reg(reg), byte_flags(size) & ENC_RM8, 0, 0);
}

void x64_bswap(struct x64_buf *b, int reg)
{
    enc_plus_r(b, false, 0x0FC8, 2, reg, 0, 0);
}

void x64_bt_ri(struct x64_buf *b, int reg, uint8_t bit)
{
    enc(b, 4, 0x0FBA, 2, 4, rm_reg(reg), 0, bit, 1);
}

void x64_setcc(struct x64_buf *b, enum x64_cc cc, int reg)
{
    enc(b, 1, 0x0F90u + (uint32_t)cc, 2, 0, rm_reg(reg), ENC_RM8, 0, 0);
}

void x64_cmov(struct x64_buf *b, enum x64_cc cc, unsigned size, int dst, int src)
{
    enc(b, size, 0x0F40u + (uint32_t)cc, 2, dst, rm_reg(src), 0, 0, 0);
}

void x64_push(struct x64_buf *b, int reg)
{
    enc_plus_r(b, false, 0x50, 1, reg, 0, 0);
}

void x64_pop(struct x64_buf *b, int reg)
{
    enc_plus_r(b, false, 0x58, 1, reg, 0, 0);
}

void x64_ret(struct x64_buf *b)
{
    x64_byte(b, 0xC3);
}

void x64_call_abs(struct x64_buf *b, const void *fn)
{
    x64_mov_ri64(b, X64_RAX, (uint64_t)(uintptr_t)fn);
    enc(b, 4, 0xFF, 1, 2, rm_reg(X64_RAX), 0, 0, 0);
}

void x64_jmp_reg(struct x64_buf *b, int reg)
{
    enc(b, 4, 0xFF, 1, 4, rm_reg(reg), 0, 0, 0);
}

uint32_t x64_jmp32(struct x64_buf *b)
{
    x64_byte(b, 0xE9);
    uint32_t field = x64_pos(b);
    x64_u32(b, 0);
    return field;
}

uint32_t x64_jcc32(struct x64_buf *b, enum x64_cc cc)
{
    uint8_t t[2] = {0x0F, (uint8_t)(0x80 + cc)};
    put(b, t, 2);
    uint32_t field = x64_pos(b);
    x64_u32(b, 0);
    return field;
}

void x64_patch_rel32(struct x64_buf *b, uint32_t field, uint32_t target)
{
    if (b->overflow)
        return;
    uint32_t rel = target - (field + 4);
    memcpy(b->start + field, &rel, 4);
}

void x64_write_rel32(uint8_t *field_rw, const uint8_t *field_rx, const uint8_t *target_rx)
{
    int64_t rel = target_rx - (field_rx + 4);
    int32_t r32 = (int32_t)rel;
    assert(rel == r32);
    memcpy(field_rw, &r32, 4);
}
