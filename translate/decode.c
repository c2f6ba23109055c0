/* Table-driven x86 decoder: prefixes, one- and two-byte opcode maps, ModRM/SIB
 * addressing and operand templates. Intel SDM vol. 2 ch. 2 (instruction format)
 * and appendix A (opcode maps). Tables live in decode_tables.h. */
#include "bits.h"
#include "decode.h"

#include <string.h>

#include "cpu.h"
#include "decode_tables.h"

_Static_assert(X86_OP_COUNT <= 256, "op_entry.op is 8 bits");

/* SDM vol. 2 2.3.11: an instruction longer than 15 bytes raises #GP(0) */
enum { MAX_INSN_LEN = 15 };

struct dec {
    const uint8_t *buf;
    size_t avail;
    /* index of the next byte to fetch */
    unsigned pos;
    /* DECODE_OK, or why the first unavailable byte could not be fetched */
    uint8_t fetch_fail;
    /* #UD known before the end (LOCK, register form of a memory-only operand...):
     * decoding continues so that missing bytes still report NEED_MORE, as the
     * instruction fetch faults before decode faults (SDM vol. 3 table 6-2) */
    bool ud;
    uint8_t mod, reg, rm;
    struct x86_insn *in;
};

/* ---- byte fetch ---- */

static uint8_t fetch8(struct dec *d)
{
    unsigned i = d->pos++;
    if (d->fetch_fail != DECODE_OK)
        return 0;
    if (i >= MAX_INSN_LEN) {
        d->fetch_fail = DECODE_TOO_LONG;
        return 0;
    }
    if (i >= d->avail) {
        d->fetch_fail = DECODE_NEED_MORE;
        return 0;
    }
    return d->buf[i];
}

/* Little-endian value of n (1, 2 or 4) bytes. */
static uint32_t fetch(struct dec *d, unsigned n)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint32_t)fetch8(d) << (8 * i);
    return v;
}

static uint32_t sign_extend(uint32_t v, unsigned size)
{
    if (size >= 4)
        return v;
    uint32_t sign = 1u << (8 * size - 1);
    return ((v & size_mask(size)) ^ sign) - sign;
}

/* ---- prefixes (SDM vol. 2 2.1.1) ---- */

enum { P_NONE, P_SEG, P_OPSIZE, P_ADDRSIZE, P_LOCK, P_REPNE, P_REP };

struct prefix {
    uint8_t kind;
    uint8_t seg;
};

static const struct prefix prefixes[256] = {
    [0x26] = { P_SEG, SEG_ES }, [0x2E] = { P_SEG, SEG_CS }, [0x36] = { P_SEG, SEG_SS },
    [0x3E] = { P_SEG, SEG_DS }, [0x64] = { P_SEG, SEG_FS }, [0x65] = { P_SEG, SEG_GS },
    [0x66] = { P_OPSIZE, 0 }, [0x67] = { P_ADDRSIZE, 0 }, [0xF0] = { P_LOCK, 0 },
    [0xF2] = { P_REPNE, 0 }, [0xF3] = { P_REP, 0 },
};

/* Consume prefixes in any order and number; return the first opcode byte. The
 * last segment override and the last of F2/F3 win. */
static uint8_t decode_prefixes(struct dec *d, bool code32)
{
    struct x86_insn *in = d->in;
    bool opsize_flip = false, addrsize_flip = false;
    for (;;) {
        uint8_t b = fetch8(d);
        const struct prefix *p = &prefixes[b];
        if (p->kind == P_NONE || d->fetch_fail != DECODE_OK) {
            in->opsize = code32 != opsize_flip ? 4 : 2;
            in->addrsize = code32 != addrsize_flip ? 4 : 2;
            return b;
        }
        if (p->kind == P_SEG)
            in->seg_override = p->seg;
        opsize_flip |= p->kind == P_OPSIZE;
        addrsize_flip |= p->kind == P_ADDRSIZE;
        in->lock |= p->kind == P_LOCK;
        if (p->kind == P_REPNE || p->kind == P_REP)
            in->rep = p->kind == P_REP ? REP_E : REP_NE;
    }
}

/* ---- ModRM and SIB (SDM vol. 2 tables 2-1, 2-2, 2-3) ---- */

static const int8_t rm16_base[8] = { R_EBX, R_EBX, R_EBP, R_EBP, R_ESI, R_EDI, R_EBP, R_EBX };
static const int8_t rm16_index[8] = { R_ESI, R_EDI, R_ESI, R_EDI, -1, -1, -1, -1 };

static void decode_mem16(struct dec *d, struct x86_mem *m)
{
    if (d->mod == 0 && d->rm == 6) {
        m->disp = fetch(d, 2);
        return;
    }
    m->base = rm16_base[d->rm];
    m->index = rm16_index[d->rm];
    if (d->mod == 1)
        m->disp = sign_extend(fetch8(d), 1) & 0xFFFF;
    else if (d->mod == 2)
        m->disp = fetch(d, 2);
}

static void decode_mem32(struct dec *d, struct x86_mem *m)
{
    int base = d->rm;
    if (d->rm == 4) {
        uint8_t sib = fetch8(d);
        int index = (sib >> 3) & 7;
        base = sib & 7;
        /* index 100b means "no index" */
        if (index != 4) {
            m->index = (int8_t)index;
            m->scale = (uint8_t)(1u << (sib >> 6));
        }
    }
    /* mod 00 with base 101b: disp32 and no base (SDM table 2-2 and 2-3) */
    if (base == R_EBP && d->mod == 0) {
        m->disp = fetch(d, 4);
        return;
    }
    m->base = (int8_t)base;
    if (d->mod == 1)
        m->disp = sign_extend(fetch8(d), 1);
    else if (d->mod == 2)
        m->disp = fetch(d, 4);
}

/* Memory form of ModRM: fills in->mem with the default segment (SS for BP,
 * ESP or EBP bases, SDM vol. 1 3.7.5) unless an override was given. */
static void decode_mem(struct dec *d)
{
    struct x86_mem *m = &d->in->mem;
    if (d->in->addrsize == 2)
        decode_mem16(d, m);
    else
        decode_mem32(d, m);
    if (d->in->seg_override != SEG_NONE)
        m->seg = d->in->seg_override;
    else if (m->base == R_EBP || m->base == R_ESP)
        m->seg = SEG_SS;
}

static void decode_modrm(struct dec *d, uint8_t flags)
{
    uint8_t m = fetch8(d);
    d->in->has_modrm = true;
    d->in->modrm = m;
    d->mod = m >> 6;
    d->reg = (m >> 3) & 7;
    d->rm = m & 7;
    if (d->mod != 3 && !(flags & F_RMREG))
        decode_mem(d);
}

/* ---- operands ---- */

/* Where a template's operand comes from. */
enum src {
    S_NONE, S_RM, S_MEM, S_RMREG, S_GREG, S_SREG, S_CREG, S_DREG, S_IMM, S_IMMS,
    S_CONST, S_REG, S_SEG, S_OPCREG, S_MOFFS, S_REL, S_FAR, S_XIMM, S_XIMM2,
    S_XCONST, S_ESCMEM, S_COUNT
};

/* Operand sizes: fixed, the operand size (V), V for a register but 2 for memory
 * (MOV r/m,Sreg, SMSW, SLDT, STR: SDM "r32/m16"), a far pointer (V + 2), a pair
 * of V (BOUND), a descriptor-table pseudo-descriptor (6), x87 memory. */
enum zsize { Z_0, Z_1, Z_2, Z_4, Z_6, Z_V, Z_VM2, Z_FAR, Z_2V, Z_ESC };

struct tpl_desc {
    uint8_t src;
    uint8_t size;
    /* fixed register, segment or constant; for S_SREG: 1 if CS is refused */
    uint8_t arg;
};

static const struct tpl_desc tpl_descs[T_COUNT] = {
    [T_EB] = { S_RM, Z_1, 0 }, [T_EV] = { S_RM, Z_V, 0 }, [T_EW] = { S_RM, Z_2, 0 },
    [T_GB] = { S_GREG, Z_1, 0 }, [T_GV] = { S_GREG, Z_V, 0 }, [T_GW] = { S_GREG, Z_2, 0 },
    [T_IB] = { S_IMM, Z_1, 0 }, [T_IBS] = { S_IMMS, Z_V, 0 }, [T_IZ] = { S_IMM, Z_V, 0 },
    [T_I1] = { S_CONST, Z_1, 1 },
    [T_AL] = { S_REG, Z_1, R_EAX }, [T_EAX] = { S_REG, Z_V, R_EAX },
    [T_CL] = { S_REG, Z_1, R_ECX }, [T_DX] = { S_REG, Z_2, R_EDX },
    [T_ZB] = { S_OPCREG, Z_1, 0 }, [T_ZV] = { S_OPCREG, Z_V, 0 },
    [T_SW] = { S_SREG, Z_2, 0 }, [T_SWD] = { S_SREG, Z_2, 1 },
    [T_ES] = { S_SEG, Z_2, SEG_ES }, [T_CS] = { S_SEG, Z_2, SEG_CS },
    [T_SS] = { S_SEG, Z_2, SEG_SS }, [T_DS] = { S_SEG, Z_2, SEG_DS },
    [T_FS] = { S_SEG, Z_2, SEG_FS }, [T_GS] = { S_SEG, Z_2, SEG_GS },
    [T_M] = { S_MEM, Z_0, 0 }, [T_MP] = { S_MEM, Z_FAR, 0 }, [T_MA] = { S_MEM, Z_2V, 0 },
    [T_MS] = { S_MEM, Z_6, 0 }, [T_RVMW] = { S_RM, Z_VM2, 0 },
    [T_RD] = { S_RMREG, Z_4, 0 }, [T_CD] = { S_CREG, Z_4, 0 }, [T_DD] = { S_DREG, Z_4, 0 },
    [T_OB] = { S_MOFFS, Z_1, 0 }, [T_OV] = { S_MOFFS, Z_V, 0 },
    [T_JB] = { S_REL, Z_1, 0 }, [T_JZ] = { S_REL, Z_V, 0 }, [T_AP] = { S_FAR, Z_V, 0 },
    [T_XW] = { S_XIMM, Z_2, 0 }, [T_XB] = { S_XIMM, Z_1, 0 }, [T_XB2] = { S_XIMM2, Z_1, 0 },
    [T_X3] = { S_XCONST, Z_0, 3 }, [T_MESC] = { S_ESCMEM, Z_ESC, 0 },
};

static unsigned esc_size(const struct dec *d)
{
    unsigned sz = esc_mem_size[d->in->opcode & 7][d->reg];
    /* SDM vol. 1 figures 8-9..8-12: 14/28-byte environment, 94/108-byte state */
    if (sz == ESC_ENV)
        return d->in->opsize == 2 ? 14 : 28;
    if (sz == ESC_STATE)
        return d->in->opsize == 2 ? 94 : 108;
    return sz;
}

static unsigned resolve_size(const struct dec *d, enum zsize z)
{
    static const uint8_t fixed[] = { [Z_0] = 0, [Z_1] = 1, [Z_2] = 2, [Z_4] = 4, [Z_6] = 6 };
    unsigned v = d->in->opsize;
    switch (z) {
    case Z_V: return v;
    case Z_VM2: return d->mod == 3 ? v : 2;
    case Z_FAR: return v + 2;
    case Z_2V: return 2 * v;
    case Z_ESC: return esc_size(d);
    default: return fixed[z];
    }
}

static void add_opnd(struct dec *d, enum x86_opnd_kind kind, unsigned size, unsigned reg)
{
    struct x86_opnd *o = &d->in->opnd[d->in->nopnd++];
    o->kind = (uint8_t)kind;
    o->size = (uint8_t)size;
    o->reg = (uint8_t)reg;
}

typedef void opnd_fn(struct dec *d, const struct tpl_desc *t, unsigned size);

static void opnd_rm(struct dec *d, const struct tpl_desc *t, unsigned size)
{
    add_opnd(d, d->mod == 3 ? OPND_REG : OPND_MEM, size, d->rm);
}

static void opnd_mem(struct dec *d, const struct tpl_desc *t, unsigned size)
{
    d->ud |= d->mod == 3;
    add_opnd(d, OPND_MEM, size, 0);
}

static void opnd_rmreg(struct dec *d, const struct tpl_desc *t, unsigned size)
{
    add_opnd(d, OPND_REG, size, d->rm);
}

static void opnd_greg(struct dec *d, const struct tpl_desc *t, unsigned size)
{
    add_opnd(d, OPND_REG, size, d->reg);
}

/* SDM MOV: Sreg 6 and 7 are reserved (#UD); loading CS with MOV is #UD */
static void opnd_sreg(struct dec *d, const struct tpl_desc *t, unsigned size)
{
    d->ud |= d->reg >= SEG_COUNT || (t->arg && d->reg == SEG_CS);
    add_opnd(d, OPND_SREG, size, d->reg);
}

/* SDM MOV CR: "#UD if an attempt is made to access CR1, CR5, CR6, or CR7" */
static void opnd_creg(struct dec *d, const struct tpl_desc *t, unsigned size)
{
    d->ud |= d->reg == 1 || d->reg >= 5;
    add_opnd(d, OPND_CREG, size, d->reg);
}

static void opnd_dreg(struct dec *d, const struct tpl_desc *t, unsigned size)
{
    add_opnd(d, OPND_DREG, size, d->reg);
}

static void opnd_imm(struct dec *d, const struct tpl_desc *t, unsigned size)
{
    d->in->imm = fetch(d, size);
    add_opnd(d, OPND_IMM, size, 0);
}

/* imm8 sign-extended to the operand size (83, 6B, 6A) */
static void opnd_imms(struct dec *d, const struct tpl_desc *t, unsigned size)
{
    d->in->imm = sign_extend(fetch8(d), 1) & size_mask(size);
    add_opnd(d, OPND_IMM, size, 0);
}

static void opnd_const(struct dec *d, const struct tpl_desc *t, unsigned size)
{
    d->in->imm = t->arg;
    add_opnd(d, OPND_IMM, size, 0);
}

static void opnd_reg(struct dec *d, const struct tpl_desc *t, unsigned size)
{
    add_opnd(d, OPND_REG, size, t->arg);
}

static void opnd_seg(struct dec *d, const struct tpl_desc *t, unsigned size)
{
    add_opnd(d, OPND_SREG, size, t->arg);
}

static void opnd_opcreg(struct dec *d, const struct tpl_desc *t, unsigned size)
{
    add_opnd(d, OPND_REG, size, d->in->opcode & 7);
}

/* A0-A3: the offset is an address-size displacement, no base or index */
static void opnd_moffs(struct dec *d, const struct tpl_desc *t, unsigned size)
{
    d->in->mem.disp = fetch(d, d->in->addrsize);
    add_opnd(d, OPND_MEM, size, 0);
}

/* SDM Jcc: the target is EIP + rel truncated to 16 bits when the operand size is 16 */
static void opnd_rel(struct dec *d, const struct tpl_desc *t, unsigned size)
{
    uint32_t rel = sign_extend(fetch(d, size), size);
    d->in->imm = (d->in->pc + d->pos + rel) & size_mask(d->in->opsize);
}

static void opnd_far(struct dec *d, const struct tpl_desc *t, unsigned size)
{
    d->in->imm = fetch(d, size);
    d->in->imm2 = fetch(d, 2);
}

static void opnd_ximm(struct dec *d, const struct tpl_desc *t, unsigned size)
{
    d->in->imm = fetch(d, size);
}

static void opnd_ximm2(struct dec *d, const struct tpl_desc *t, unsigned size)
{
    d->in->imm2 = fetch(d, size);
}

static void opnd_xconst(struct dec *d, const struct tpl_desc *t, unsigned size)
{
    d->in->imm = t->arg;
}

/* x87 escape: only the memory form has an operand; register forms are in modrm */
static void opnd_escmem(struct dec *d, const struct tpl_desc *t, unsigned size)
{
    if (d->mod != 3)
        add_opnd(d, OPND_MEM, size, 0);
}

static opnd_fn *const opnd_fns[S_COUNT] = {
    [S_RM] = opnd_rm, [S_MEM] = opnd_mem, [S_RMREG] = opnd_rmreg, [S_GREG] = opnd_greg,
    [S_SREG] = opnd_sreg, [S_CREG] = opnd_creg, [S_DREG] = opnd_dreg, [S_IMM] = opnd_imm,
    [S_IMMS] = opnd_imms, [S_CONST] = opnd_const, [S_REG] = opnd_reg, [S_SEG] = opnd_seg,
    [S_OPCREG] = opnd_opcreg, [S_MOFFS] = opnd_moffs, [S_REL] = opnd_rel, [S_FAR] = opnd_far,
    [S_XIMM] = opnd_ximm, [S_XIMM2] = opnd_ximm2, [S_XCONST] = opnd_xconst,
    [S_ESCMEM] = opnd_escmem,
};

/* Templates are in encoding order: ModRM-derived operands never follow an
 * immediate, and the only two-immediate forms (ENTER, far pointers) list them
 * in byte order. */
static void decode_operands(struct dec *d, const uint8_t tpl[3])
{
    for (int i = 0; i < 3 && tpl[i] != T_NONE; i++) {
        const struct tpl_desc *t = &tpl_descs[tpl[i]];
        opnd_fns[t->src](d, t, resolve_size(d, (enum zsize)t->size));
    }
}

/* ---- opcode lookup ---- */

/* The map entry for the opcode starting with byte b (reading 0F's second byte). */
static const struct op_entry *lookup_opcode(struct dec *d, uint8_t b)
{
    if (b != 0x0F) {
        d->in->opcode = b;
        return &map1[b];
    }
    uint8_t b2 = fetch8(d);
    d->in->opcode = 0x0F00 | b2;
    return &map2[b2];
}

/* Merge a ModRM.reg group member into the map entry: the member gives op and
 * flags; templates come from the map entry when it has any (80-83, C0-D3, 0FBA). */
static bool resolve_group(const struct dec *d, struct op_entry *e)
{
    const struct op_entry *g = &groups[e->arg][d->reg];
    if (!(g->flags & F_VALID))
        return false;
    e->op = g->op;
    e->flags = g->flags;
    if (e->tpl[0] == T_NONE)
        memcpy(e->tpl, g->tpl, sizeof e->tpl);
    return true;
}

/* SDM vol. 2 LOCK: #UD unless the instruction is one of the lockable forms and
 * its destination operand is memory. */
static bool lock_ok(const struct x86_insn *in, uint8_t flags)
{
    return (flags & F_LOCK) && in->nopnd > 0 && in->opnd[0].kind == OPND_MEM;
}

static enum decode_status finish(struct dec *d, bool invalid)
{
    d->in->len = (uint8_t)d->pos;
    if (d->fetch_fail != DECODE_OK)
        return (enum decode_status)d->fetch_fail;
    if (invalid || d->ud) {
        d->in->op = X86_OP_UD;
        return DECODE_UD;
    }
    return DECODE_OK;
}

static void init_insn(struct x86_insn *in, uint32_t pc)
{
    memset(in, 0, sizeof *in);
    in->pc = pc;
    in->seg_override = SEG_NONE;
    in->mem.base = -1;
    in->mem.index = -1;
    in->mem.scale = 1;
    in->mem.seg = SEG_DS;
}

enum decode_status x86_decode(const uint8_t *buf, size_t avail, uint32_t pc, bool code32,
                              struct x86_insn *in)
{
    struct dec d = { .buf = buf, .avail = avail, .in = in };
    init_insn(in, pc);
    struct op_entry e = *lookup_opcode(&d, decode_prefixes(&d, code32));
    if (in->seg_override != SEG_NONE)
        in->mem.seg = in->seg_override;
    if (!(e.flags & F_VALID))
        return finish(&d, true);
    if (e.flags & F_MODRM) {
        decode_modrm(&d, e.flags);
        if ((e.flags & F_GRP) && !resolve_group(&d, &e))
            return finish(&d, true);
    }
    in->op = e.op;
    if (e.flags & F_CC)
        in->cc = in->opcode & 15;
    decode_operands(&d, e.tpl);
    if (in->lock && !lock_ok(in, e.flags)) {
        if (!d.ud && d.fetch_fail == DECODE_OK) {
            in->len = (uint8_t)d.pos;
            in->lock_invalid = true;
            return DECODE_UD;
        }
        d.ud = true;
    }
    return finish(&d, false);
}

static const char *const op_names[X86_OP_COUNT] = {
#define X86_OP(id, mnem, cls, gen, reason) [X86_OP_##id] = mnem,
#include "x86_ops.def"
#undef X86_OP
};

const char *x86_op_name(enum x86_op op)
{
    return (unsigned)op < X86_OP_COUNT ? op_names[op] : "?";
}
