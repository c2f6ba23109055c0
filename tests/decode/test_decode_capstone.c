/* The decoder (translate/decode.c) against Capstone 4 on real 16- and 32-bit code
 * and on random bytes: instruction lengths (>= 99.9% agreement where both decode),
 * verdicts (valid or #UD), operands and mnemonics. Every disagreement must fall
 * into a category below that says who is right according to the Intel SDM; an
 * unclassified one fails the test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "decode.h"
#include "disasm.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* agreement required, in parts per 100000 */
enum { MIN_AGREE_PPM100K = 99900 };
enum { RANDOM_COUNT = 100000, MAX_REPORTED = 20 };

/* the legacy prefixes (SDM vol. 2 2.1.1) */
static const uint8_t prefix_bytes[] = { 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67,
                                        0xF0, 0xF2, 0xF3 };

/* ---- one comparison ---- */

struct cmp {
    struct disasm *dis;
    const uint8_t *bytes;
    size_t avail;
    uint32_t pc;
    bool code32;
    enum decode_status st;
    struct x86_insn in;
    bool cs_ok;
    struct disasm_insn cs;
};

/* Capstone's mnemonic without the prefix words it folds in ("lock cmpxchg8b"). */
static const char *base_mnemonic(const char *mnemonic)
{
    const char *s = strrchr(mnemonic, ' ');
    return s ? s + 1 : mnemonic;
}

static bool in_list(const char *mnemonic, const char *const *list)
{
    const char *s = base_mnemonic(mnemonic);
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

static bool cs_valid_we_ud(const struct cmp *c)
{
    return c->cs_ok && c->st == DECODE_UD;
}

static unsigned modrm_reg(const struct cmp *c)
{
    return (c->in.modrm >> 3) & 7;
}

/* ---- length categories ---- */

static bool cat_simd(const struct cmp *c)
{
    if (!cs_valid_we_ud(c))
        return false;
    if (c->cs.ext & DIS_EXT_SIMD)
        return true;
    for (unsigned i = 0; i < c->cs.nopnd; i++)
        if (c->cs.opnd[i].kind == DIS_OPND_REG && c->cs.opnd[i].reg_class == DIS_REG_SIMD)
            return true;
    return false;
}

static const char *const post_i686[] = {
    "syscall", "sysret", "sysretd", "getsec", "xbegin", "xabort", "xend", "xtest", "rdtscp",
    "monitor", "mwait", "xgetbv", "xsetbv", "swapgs", "clflush", "clflushopt", "popcnt",
    "lzcnt", "movbe", "crc32", "rdrand", "rdseed", "prefetchw", "femms", "invpcid", "clac",
    "stac", "encls", "enclu", "xsave", "xsaveopt", "xsavec", "xsaves", "xrstor", "xrstors",
    "vmcall", "vmlaunch", "vmresume", "vmxoff", "vmread", "vmwrite", "vmptrld", "vmptrst",
    "vmclear", "vmxon", "vmfunc", "vmrun", "vmmcall", "vmload", "vmsave", "invept", "invvpid",
    "stgi", "clgi", "skinit", "invlpga", "rdpkru", "wrpkru", "clwb", "pcommit", "rdpid",
    "ptwrite", "wbnoinvd", "fxsave", "fxrstor", "ldmxcsr", "stmxcsr", "prefetch",
    /* VIA PadLock (0F A6/A7) */
    "xstorerng", "xstore", "xcryptecb", "xcryptcbc", "xcryptctr", "xcryptcfb", "xcryptofb",
    "xsha1", "xsha256", "montmul", NULL
};

static bool cat_post_i686(const struct cmp *c)
{
    return cs_valid_we_ud(c) &&
           ((c->cs.ext & DIS_EXT_OTHER) || in_list(c->cs.mnemonic, post_i686));
}

static const char *const absent_i686[] = {
    "rdmsr", "wrmsr", "rdpmc", "sysenter", "sysexit", "cmpxchg8b", "rsm", NULL
};

static bool cat_absent_i686(const struct cmp *c)
{
    return cs_valid_we_ud(c) && in_list(c->cs.mnemonic, absent_i686);
}

static bool cat_icebp(const struct cmp *c)
{
    return cs_valid_we_ud(c) && c->in.opcode == 0xF1;
}

static bool is_prefix(uint8_t b)
{
    for (size_t i = 0; i < ARRAY_SIZE(prefix_bytes); i++)
        if (b == prefix_bytes[i])
            return true;
    return false;
}

/* Copy the bytes with the prefixes `from` (in the leading prefix run) replaced
 * by a DS override, which changes no length. Returns the copy's size. */
static size_t replace_prefix(const struct cmp *c, uint8_t from, uint8_t from2, uint8_t copy[16])
{
    size_t n = c->avail < 16 ? c->avail : 16;
    memcpy(copy, c->bytes, n);
    for (size_t i = 0; i < n && is_prefix(copy[i]); i++)
        if (copy[i] == from || copy[i] == from2)
            copy[i] = 0x3E;
    return n;
}

static void run_cmp(struct cmp *c)
{
    c->st = x86_decode(c->bytes, c->avail, c->pc, c->code32, &c->in);
    c->cs_ok = disasm_decode(c->dis, c->bytes, c->avail, c->pc, &c->cs);
}

static int find_len_category(const struct cmp *c);

/* Without its LOCK prefixes the instruction decodes and matches Capstone's
 * length, or differs from it only in another known way. */
static bool cat_lock(const struct cmp *c)
{
    if (!cs_valid_we_ud(c) || !c->in.lock)
        return false;
    uint8_t copy[16];
    struct cmp m = *c;
    m.bytes = copy;
    m.avail = replace_prefix(c, 0xF0, 0xF0, copy);
    run_cmp(&m);
    if (m.st != DECODE_OK)
        return false;
    return (m.cs_ok && m.cs.len == m.in.len) || find_len_category(&m) >= 0;
}

/* 66 with F2/F3 in 32-bit code; without the F2/F3 Capstone agrees on the length. */
static bool cat_66_rep(const struct cmp *c)
{
    if (!c->code32 || c->st != DECODE_OK || c->in.opsize != 2 || c->in.rep == REP_NONE)
        return false;
    uint8_t copy[16];
    size_t n = replace_prefix(c, 0xF2, 0xF3, copy);
    struct disasm_insn cs;
    return disasm_decode(c->dis, copy, n, c->pc, &cs) && cs.len == c->in.len;
}

static bool cat_mov_cs(const struct cmp *c)
{
    return cs_valid_we_ud(c) && c->in.opcode == 0x8E && modrm_reg(c) == 1;
}

static bool cat_cr_reserved(const struct cmp *c)
{
    unsigned r = modrm_reg(c);
    return cs_valid_we_ud(c) && (c->in.opcode == 0x0F20 || c->in.opcode == 0x0F22) &&
           (r == 1 || r >= 5);
}

static bool cat_ud0(const struct cmp *c)
{
    return cs_valid_we_ud(c) && c->in.opcode == 0x0FFF;
}

static bool cat_ud1(const struct cmp *c)
{
    return c->st == DECODE_OK && c->in.opcode == 0x0FB9 && c->cs_ok && c->cs.len < c->in.len;
}

static bool cat_x87_reserved(const struct cmp *c)
{
    return c->st == DECODE_OK && c->in.op == X86_OP_ESC && !c->cs_ok;
}

static bool cat_hint_nop(const struct cmp *c)
{
    return c->st == DECODE_OK && c->in.op == X86_OP_NOP && c->in.opcode >= 0x0F18 &&
           c->in.opcode <= 0x0F1F && !c->cs_ok;
}

static bool cat_wait_merge(const struct cmp *c)
{
    return c->st == DECODE_OK && c->in.opcode == 0x9B && c->cs_ok && c->cs.len > c->in.len &&
           c->cs.mnemonic[0] == 'f';
}

/* in->len counts the bytes the instruction would take, missing ones included */
static bool cat_truncated(const struct cmp *c)
{
    return c->st == DECODE_NEED_MORE && c->in.len > c->avail;
}

static bool cat_too_long(const struct cmp *c)
{
    return c->st == DECODE_TOO_LONG && c->in.len > 15;
}

struct category {
    const char *name;
    /* who is right, per the SDM */
    const char *why;
    /* false: an extension the decoder does not model (left out of "same verdict") */
    bool in_scope;
    bool (*match)(const struct cmp *c);
};

static const struct category len_categories[] = {
    { "simd", "MMX/SSE/AVX/3DNow!/XOP: outside the i686 integer set the decoder "
      "models; #UD is what the modelled CPU does", false, cat_simd },
    { "post-i686", "instructions newer than the Pentium Pro or from other vendors "
      "(SYSCALL, TSX, VMX, XSAVE, POPCNT, VIA PadLock, ...): #UD on the modelled CPU",
      false, cat_post_i686 },
    { "absent-i686", "RDMSR/WRMSR/RDPMC/SYSENTER/SYSEXIT/CMPXCHG8B/RSM: Capstone is "
      "right, x86_ops.def has no op for them yet, so the decoder reports #UD (the CPU "
      "model must not advertise MSR/SEP/CX8 until they exist)", true, cat_absent_i686 },
    { "icebp", "F1 (INT1/ICEBP): Capstone is right, a 386+ raises #DB; x86_ops.def has "
      "no op for it yet, so the decoder reports #UD", true, cat_icebp },
    { "lock", "LOCK on a non-lockable instruction or with a register destination: "
      "SDM vol. 2 LOCK says #UD; Capstone accepts it (without the LOCK, the bytes "
      "agree or fall in another category)", true, cat_lock },
    { "66-rep", "66 with F2/F3 in 32-bit code: SDM vol. 2 2.1: 66 selects 16-bit "
      "operands, F2/F3 are ignored (or BND) outside string instructions; Capstone "
      "drops the 66 (bnd call rel32) or refuses the bytes (MOV moffs)", true, cat_66_rep },
    { "mov-cs", "MOV CS, r/m (8E /1): SDM MOV raises #UD when the destination is CS "
      "(only the 8086 executed it); Capstone accepts it", true, cat_mov_cs },
    { "cr-reserved", "MOV to/from CR1, CR5-CR7: SDM MOV CR raises #UD; Capstone "
      "accepts them", true, cat_cr_reserved },
    { "ud0", "0F FF (UD0): #UD on every CPU; Capstone gives it 2 bytes, the decoder "
      "stops at the opcode. Both raise #UD", true, cat_ud0 },
    { "ud1", "0F B9 (UD1): the SDM lists UD1 r32, r/m32 with a ModRM; Capstone 4 "
      "(ud2b) ends after the opcode. Both raise #UD", true, cat_ud1 },
    { "x87-reserved", "reserved x87 encodings: Capstone refuses them; the length "
      "follows from ModRM (SDM vol. 2 A.5, escape opcode maps) and the x87 unit "
      "decides what they do", true, cat_x87_reserved },
    { "hint-nop", "0F 18-1F with ModRM forms Capstone refuses: SDM table A-3 lists "
      "0F 18 (prefetch hints) and 0F 19-1F as NOP Ev for every ModRM", true,
      cat_hint_nop },
    { "wait-merge", "9B (WAIT) before an x87 instruction: Capstone folds both into "
      "one (FINIT = 9B DB E3); the SDM documents WAIT as an instruction of its own",
      true, cat_wait_merge },
    { "truncated", "instruction runs past the end of the buffer: NEED_MORE is right",
      true, cat_truncated },
    { "too-long", "more than 15 bytes: SDM vol. 2 2.3.11 raises #GP; Capstone "
      "accepts it", true, cat_too_long },
};

/* ---- operand categories ---- */

struct item {
    /* R gpr, S sreg, C creg, D dreg, M memory, I immediate, X other register */
    char t;
    uint8_t num;
    uint8_t size;
    uint32_t val;
    int8_t base, index;
    uint8_t scale, seg;
};

struct items {
    unsigned n;
    struct item it[8];
};

static uint32_t mask_of(unsigned size)
{
    return size >= 4 || size == 0 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

static void push_item(struct items *l, struct item it)
{
    if (l->n < ARRAY_SIZE(l->it))
        l->it[l->n++] = it;
}

static void push_imm(struct items *l, uint32_t val, unsigned size)
{
    push_item(l, (struct item){ .t = 'I', .size = (uint8_t)size, .val = val & mask_of(size) });
}

static struct item mem_item(const struct x86_insn *in)
{
    const struct x86_mem *m = &in->mem;
    struct item it = { .t = 'M', .base = m->base, .index = m->index, .seg = in->seg_override };
    it.scale = m->index >= 0 ? m->scale : 0;
    it.val = m->disp & mask_of(in->addrsize);
    return it;
}

/* The immediates the decoder keeps outside opnd[] (decode.h), in Capstone's order. */
static void push_hidden_imm(struct items *l, const struct x86_insn *in)
{
    switch (in->op) {
    case X86_OP_JCC: case X86_OP_JMP: case X86_OP_CALL: case X86_OP_LOOP:
    case X86_OP_LOOPE: case X86_OP_LOOPNE: case X86_OP_JCXZ:
        push_imm(l, in->imm, in->opsize);
        break;
    case X86_OP_JMP_FAR: case X86_OP_CALL_FAR:
        push_imm(l, in->imm2, 2);
        push_imm(l, in->imm, in->opsize);
        break;
    case X86_OP_ENTER:
        push_imm(l, in->imm, 2);
        push_imm(l, in->imm2, 1);
        break;
    case X86_OP_RET: case X86_OP_RETF:
        if (in->opcode == 0xC2 || in->opcode == 0xCA)
            push_imm(l, in->imm, 2);
        break;
    case X86_OP_INT:
        push_imm(l, in->imm, 1);
        break;
    case X86_OP_AAM: case X86_OP_AAD:
        /* Capstone omits the default base 10 */
        if (in->imm != 10)
            push_imm(l, in->imm, 1);
        break;
    default:
        break;
    }
}

static const char our_kind_char[] = {
    [OPND_REG] = 'R', [OPND_SREG] = 'S', [OPND_CREG] = 'C', [OPND_DREG] = 'D',
    [OPND_MEM] = 'M', [OPND_IMM] = 'I',
};

static void our_items(const struct x86_insn *in, struct items *l)
{
    for (unsigned i = 0; i < in->nopnd; i++) {
        const struct x86_opnd *o = &in->opnd[i];
        if (o->kind == OPND_MEM)
            push_item(l, mem_item(in));
        else if (o->kind == OPND_IMM)
            push_imm(l, in->imm, o->size);
        else
            push_item(l, (struct item){ .t = our_kind_char[o->kind], .num = o->reg,
                                        .size = o->size });
    }
    push_hidden_imm(l, in);
}

static const char cs_reg_char[] = {
    [DIS_REG_GPR] = 'R', [DIS_REG_SEG] = 'S', [DIS_REG_CR] = 'C', [DIS_REG_DR] = 'D',
    [DIS_REG_NONE] = 'X', [DIS_REG_X87] = 'X', [DIS_REG_SIMD] = 'X', [DIS_REG_PC] = 'X',
    [DIS_REG_OTHER] = 'X',
};

static void cs_items(const struct disasm_insn *cs, unsigned addrsize, struct items *l)
{
    for (unsigned i = 0; i < cs->nopnd; i++) {
        const struct disasm_opnd *o = &cs->opnd[i];
        struct item it = { .t = 'X', .size = o->size };
        if (o->kind == DIS_OPND_REG) {
            it.t = cs_reg_char[o->reg_class];
            it.num = o->reg;
        } else if (o->kind == DIS_OPND_IMM) {
            it.t = 'I';
            it.val = (uint32_t)o->imm;
        } else if (o->kind == DIS_OPND_MEM) {
            it = (struct item){ .t = 'M', .base = o->base, .index = o->index, .seg = o->seg };
            it.scale = o->index >= 0 ? o->scale : 0;
            it.val = (uint32_t)o->disp & mask_of(addrsize);
        }
        push_item(l, it);
    }
}

static bool item_eq(const struct item *ours, const struct item *cs)
{
    if (ours->t != cs->t)
        return false;
    switch (ours->t) {
    case 'I': return ours->val == (cs->val & mask_of(ours->size));
    case 'M':
        return ours->base == cs->base && ours->index == cs->index &&
               ours->scale == cs->scale && ours->val == cs->val && ours->seg == cs->seg;
    case 'R': return ours->num == cs->num && ours->size == cs->size;
    default: return ours->num == cs->num;
    }
}

static bool items_eq(const struct items *a, const struct items *b)
{
    if (a->n != b->n)
        return false;
    for (unsigned i = 0; i < a->n; i++)
        if (!item_eq(&a->it[i], &b->it[i]))
            return false;
    return true;
}

/* Instructions whose operands the two decoders describe differently by design:
 * string instructions and XLAT (decode.h: no operands; Capstone lists the
 * implicit memory), x87 escapes (the decoder keeps register forms in modrm),
 * NOPs (Capstone gives the 0F 19-1F hint NOPs a second, meaningless operand). */
static bool operands_comparable(const struct x86_insn *in)
{
    static const uint16_t skip[] = { X86_OP_MOVS, X86_OP_CMPS, X86_OP_STOS, X86_OP_LODS,
                                     X86_OP_SCAS, X86_OP_INS, X86_OP_OUTS, X86_OP_XLAT,
                                     X86_OP_ESC, X86_OP_NOP };
    for (size_t i = 0; i < ARRAY_SIZE(skip); i++)
        if (in->op == skip[i])
            return false;
    return true;
}

/* Ops whose x86_op_name() differs from Capstone's mnemonic by design
 * (condition or size suffixes, AT&T-style far names, UD flavours). */
static bool mnemonic_comparable(const struct x86_insn *in)
{
    static const uint16_t skip[] = {
        X86_OP_JCC, X86_OP_SETCC, X86_OP_CMOVCC, X86_OP_MOVS, X86_OP_CMPS, X86_OP_STOS,
        X86_OP_LODS, X86_OP_SCAS, X86_OP_INS, X86_OP_OUTS, X86_OP_XLAT, X86_OP_PUSHA,
        X86_OP_POPA, X86_OP_PUSHF, X86_OP_POPF, X86_OP_IRET, X86_OP_JCXZ, X86_OP_ESC,
        X86_OP_JMP_FAR, X86_OP_CALL_FAR, X86_OP_JMP_FAR_IND, X86_OP_CALL_FAR_IND,
        X86_OP_UD, X86_OP_NOP, X86_OP_CBW, X86_OP_CWD,
    };
    for (size_t i = 0; i < ARRAY_SIZE(skip); i++)
        if (in->op == skip[i])
            return false;
    return true;
}

/* CBW/CWDE and CWD/CDQ: the mnemonic is the only trace of the operand size. */
static const char *expected_mnemonic(const struct x86_insn *in)
{
    if (in->op == X86_OP_CBW)
        return in->opsize == 2 ? "cbw" : "cwde";
    if (in->op == X86_OP_CWD)
        return in->opsize == 2 ? "cwd" : "cdq";
    return mnemonic_comparable(in) ? x86_op_name(in->op) : NULL;
}

static bool ocat_cbw_cwd(const struct cmp *c, const struct items *o, const struct items *s)
{
    const char *m = base_mnemonic(c->cs.mnemonic);
    return c->in.opsize == 2 && ((c->in.op == X86_OP_CBW && strcmp(m, "cwde") == 0) ||
                                 (c->in.op == X86_OP_CWD && strcmp(m, "cdq") == 0));
}

/* F3 0F BC/BD: TZCNT/LZCNT on BMI1/ABM CPUs, BSF/BSR with an ignored REP before. */
static bool ocat_tzcnt(const struct cmp *c, const struct items *o, const struct items *s)
{
    const char *m = base_mnemonic(c->cs.mnemonic);
    return c->in.rep == REP_E && ((c->in.op == X86_OP_BSF && strcmp(m, "tzcnt") == 0) ||
                                  (c->in.op == X86_OP_BSR && strcmp(m, "lzcnt") == 0)) &&
           items_eq(o, s);
}

static bool ocat_enter_sign(const struct cmp *c, const struct items *o, const struct items *s)
{
    return c->in.op == X86_OP_ENTER && c->in.imm >= 0x8000 && s->n == 2 && o->n == 2 &&
           s->it[0].val == (0xFFFF0000u | c->in.imm) && item_eq(&o->it[1], &s->it[1]);
}

/* True if both lists are equal once every pair of GPR items where ours is 16-bit
 * and Capstone's is 32-bit is counted as equal. */
static bool eq_but_r16_r32(const struct items *o, const struct items *s)
{
    if (o->n != s->n)
        return false;
    for (unsigned i = 0; i < o->n; i++) {
        struct item cs = s->it[i];
        if (cs.t == 'R' && o->it[i].t == 'R' && o->it[i].size == 2 && cs.size == 4)
            cs.size = 2;
        if (!item_eq(&o->it[i], &cs))
            return false;
    }
    return true;
}

/* MOV Sreg/LAR/LSL with a register source and a 32-bit operand size: Capstone
 * names the 32-bit register, the decoder gives the 16 bits the instruction reads. */
static bool ocat_selector_r32(const struct cmp *c, const struct items *o,
                              const struct items *s)
{
    bool sel_op = c->in.op == X86_OP_MOV_TO_SREG || c->in.op == X86_OP_LAR ||
                  c->in.op == X86_OP_LSL;
    return sel_op && c->in.opsize == 4 && eq_but_r16_r32(o, s);
}

/* Relative branch with a 32-bit operand size: Capstone truncates the target to
 * 16 bits (and sign-extends it) in 16-bit code or under a 67 prefix. */
static bool ocat_rel_truncated(const struct cmp *c, const struct items *o,
                               const struct items *s)
{
    return (!c->code32 || c->in.addrsize == 2) && c->in.opsize == 4 && c->in.nopnd == 0 &&
           o->n == 1 && s->n == 1 && s->it[0].t == 'I' && o->it[0].val != s->it[0].val &&
           (o->it[0].val & 0xFFFF) == (s->it[0].val & 0xFFFF);
}

/* 66 then F2/F3 in 32-bit code: Capstone takes 66 F2/F3 for an SSE mandatory
 * prefix pair and names 32-bit registers, while its immediates are 16-bit. */
static bool ocat_66_rep(const struct cmp *c, const struct items *o, const struct items *s)
{
    return c->code32 && c->in.opsize == 2 && c->in.rep != REP_NONE && eq_but_r16_r32(o, s);
}

static const struct {
    const char *name;
    const char *why;
    /* the category explains a different mnemonic (else: same mnemonic, other operands) */
    bool mnemonic;
    bool (*match)(const struct cmp *c, const struct items *o, const struct items *s);
} opnd_categories[] = {
    { "66-rep", "66 with F2/F3 on a non-string instruction in 32-bit code: SDM vol. 2 "
      "2.1: 66 selects 16-bit operands and F2/F3 are ignored; Capstone names 32-bit "
      "registers (its immediates stay 16-bit)", false, ocat_66_rep },
    { "cbw-cwd", "98/99 with a 16-bit operand size: SDM CBW/CWD; Capstone says "
      "CWDE/CDQ in 16-bit code, and in 32-bit code when a segment prefix follows the "
      "66 (it loses the 66)", true, ocat_cbw_cwd },
    { "tzcnt", "F3 0F BC/BD: BSF/BSR (F3 ignored) on the modelled i686, as on every "
      "CPU before BMI1/ABM; Capstone decodes TZCNT/LZCNT. Same operands", true, ocat_tzcnt },
    { "enter-sign", "ENTER's frame size: SDM ENTER takes an unsigned imm16; Capstone "
      "sign-extends it", false, ocat_enter_sign },
    { "selector-r32", "MOV Sreg/LAR/LSL from a 32-bit register: the SDM reads r/m16 "
      "(\"LAR r32, r32/m16\"); Capstone shows the 32-bit register (cosmetic)",
      false, ocat_selector_r32 },
    { "rel-truncated", "Jcc/JMP/CALL with a 32-bit operand size in 16-bit code or "
      "under 67: SDM Jcc truncates EIP + rel to 16 bits only when the operand size is "
      "16; Capstone truncates by mode or address size", false, ocat_rel_truncated },
};

/* ---- statistics ---- */

struct stats {
    const char *name;
    unsigned long insns, bytes;
    /* both decode, and of those, with the same length: the length agreement */
    unsigned long both_ok, both_ok_agree;
    /* both refuse the bytes */
    unsigned long both_refuse;
    unsigned long out_of_scope;
    unsigned long cat[ARRAY_SIZE(len_categories)];
    unsigned long unclassified;
    unsigned long opnd_checked, opnd_agree, opnd_unclassified;
    unsigned long opnd_cat[ARRAY_SIZE(opnd_categories)];
};

static void print_bytes(const struct cmp *c)
{
    for (size_t i = 0; i < c->avail && i < 12; i++)
        fprintf(stderr, " %02x", c->bytes[i]);
}

static void report(const char *what, const struct cmp *c, unsigned long count)
{
    if (count > MAX_REPORTED)
        return;
    fprintf(stderr, "unclassified %s at %08x (%d-bit):", what, c->pc, c->code32 ? 32 : 16);
    print_bytes(c);
    fprintf(stderr, "\n  ours: status %d len %u op %s nopnd %u | capstone: %s len %u %s %s\n",
            c->st, c->in.len, x86_op_name(c->in.op), c->in.nopnd, c->cs_ok ? "ok" : "fails",
            c->cs.len, c->cs.mnemonic, c->cs.operands);
}

static void compare_operands(struct stats *s, const struct cmp *c)
{
    if (!operands_comparable(&c->in))
        return;
    struct items o = { 0 }, cs = { 0 };
    our_items(&c->in, &o);
    cs_items(&c->cs, c->in.addrsize, &cs);
    s->opnd_checked++;
    const char *want = expected_mnemonic(&c->in);
    bool same_name = !want || strcmp(want, base_mnemonic(c->cs.mnemonic)) == 0;
    if (same_name && items_eq(&o, &cs)) {
        s->opnd_agree++;
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(opnd_categories); i++) {
        if (opnd_categories[i].mnemonic != !same_name)
            continue;
        if (opnd_categories[i].match(c, &o, &cs)) {
            s->opnd_cat[i]++;
            return;
        }
    }
    report("operand difference", c, ++s->opnd_unclassified);
}

static int find_len_category(const struct cmp *c)
{
    for (size_t i = 0; i < ARRAY_SIZE(len_categories); i++)
        if (len_categories[i].match(c))
            return (int)i;
    return -1;
}

static void classify(struct stats *s, const struct cmp *c)
{
    int i = find_len_category(c);
    if (i < 0) {
        report("length difference", c, ++s->unclassified);
        return;
    }
    s->cat[i]++;
    s->out_of_scope += !len_categories[i].in_scope;
}

/* Decode one instruction both ways, account for it; returns how far to advance. */
static unsigned compare_one(struct stats *s, struct disasm *dis, const uint8_t *buf,
                            size_t avail, uint32_t pc, bool code32)
{
    struct cmp c = { .dis = dis, .bytes = buf, .avail = avail, .pc = pc, .code32 = code32 };
    run_cmp(&c);
    bool ok = c.st == DECODE_OK;
    s->insns++;
    s->both_ok += ok && c.cs_ok;
    if (ok && c.cs_ok && c.in.len == c.cs.len) {
        s->both_ok_agree++;
        compare_operands(s, &c);
    } else if (c.st == DECODE_UD && !c.cs_ok) {
        s->both_refuse++;
    } else {
        classify(s, &c);
    }
    /* stay in step with Capstone past instructions the decoder does not model */
    return ok ? c.in.len : c.cs_ok ? c.cs.len : 1;
}

static void sweep(struct stats *s, struct disasm *dis, const uint8_t *buf, size_t size,
                  uint32_t pc, bool code32)
{
    size_t off = 0;
    /* IP wraps at 64 KiB in 16-bit code */
    uint32_t pc_mask = code32 ? 0xFFFFFFFFu : 0xFFFFu;
    while (off < size)
        off += compare_one(s, dis, buf + off, size - off, (pc + (uint32_t)off) & pc_mask, code32);
    s->bytes += size;
}

static unsigned long in_scope(const struct stats *s)
{
    return s->insns - s->out_of_scope;
}

static double percent(unsigned long part, unsigned long whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 100.0;
}

static void print_categories(const struct stats *s)
{
    for (size_t i = 0; i < ARRAY_SIZE(len_categories); i++)
        if (s->cat[i])
            printf("    %-13s %8lu  %s\n", len_categories[i].name, s->cat[i],
                   len_categories[i].why);
    for (size_t i = 0; i < ARRAY_SIZE(opnd_categories); i++)
        if (s->opnd_cat[i])
            printf("    operands %-13s %8lu  %s\n", opnd_categories[i].name, s->opnd_cat[i],
                   opnd_categories[i].why);
}

static unsigned long same_verdict(const struct stats *s)
{
    return s->both_ok_agree + s->both_refuse;
}

static void print_stats(const struct stats *s)
{
    printf("decode-vs-capstone %s: %lu instructions, %lu bytes\n"
           "  length agreement where both decode: %lu/%lu = %.4f%%\n"
           "  same verdict (same length or both invalid), excluding %lu outside the "
           "modelled ISA: %lu/%lu = %.4f%%\n"
           "  operands and mnemonic identical: %lu/%lu = %.4f%%\n",
           s->name, s->insns, s->bytes, s->both_ok_agree, s->both_ok,
           percent(s->both_ok_agree, s->both_ok), s->out_of_scope, same_verdict(s),
           in_scope(s), percent(same_verdict(s), in_scope(s)), s->opnd_agree,
           s->opnd_checked, percent(s->opnd_agree, s->opnd_checked));
    print_categories(s);
}

static void add_stats(struct stats *to, const struct stats *from)
{
    to->insns += from->insns;
    to->bytes += from->bytes;
    to->both_ok += from->both_ok;
    to->both_ok_agree += from->both_ok_agree;
    to->both_refuse += from->both_refuse;
    to->out_of_scope += from->out_of_scope;
    to->opnd_checked += from->opnd_checked;
    to->opnd_agree += from->opnd_agree;
    for (size_t i = 0; i < ARRAY_SIZE(len_categories); i++)
        to->cat[i] += from->cat[i];
    for (size_t i = 0; i < ARRAY_SIZE(opnd_categories); i++)
        to->opnd_cat[i] += from->opnd_cat[i];
}

/* Lengths must agree where both decode; every difference in lengths, verdicts,
 * operands or mnemonics must fall in a category. Operand agreement has no
 * threshold: Capstone's CBW/CWD naming in 16-bit code alone costs 0.5%. */
static void check_stats(const struct stats *s)
{
    print_stats(s);
    assert_int_equal(s->unclassified, 0);
    assert_int_equal(s->opnd_unclassified, 0);
    assert_true(s->both_ok_agree * 100000 >= s->both_ok * MIN_AGREE_PPM100K);
}

/* ---- test material ---- */

struct totals {
    struct stats real16, real32;
    /* some material was missing */
    bool skipped;
};

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    if (fseek(f, 0, SEEK_END) != 0)
        goto out;
    long n = ftell(f);
    if (n <= 0 || fseek(f, 0, SEEK_SET) != 0)
        goto out;
    buf = malloc((size_t)n);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    *size = (size_t)n;
out:
    fclose(f);
    return buf;
}

static uint32_t rd16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t rd32(const uint8_t *p)
{
    return rd16(p) | rd16(p + 2) << 16;
}

/* ELF32 (System V gABI): find .text; returns false if absent or not i386 ELF. */
static bool elf_text(const uint8_t *img, size_t size, size_t *off, size_t *len, uint32_t *addr)
{
    if (size < 52 || memcmp(img, "\177ELF", 4) != 0 || img[4] != 1 || rd16(img + 18) != 3)
        return false;
    uint32_t shoff = rd32(img + 32), shentsize = rd16(img + 46), shnum = rd16(img + 48);
    uint32_t shstrndx = rd16(img + 50);
    if (shentsize < 40 || shstrndx >= shnum || shoff + (uint64_t)shnum * shentsize > size)
        return false;
    const uint8_t *strsh = img + shoff + shstrndx * shentsize;
    uint32_t stroff = rd32(strsh + 16);
    for (uint32_t i = 0; i < shnum; i++) {
        const uint8_t *sh = img + shoff + i * shentsize;
        uint32_t name = stroff + rd32(sh);
        if (name + 6 > size || memcmp(img + name, ".text", 6) != 0)
            continue;
        *addr = rd32(sh + 12);
        *off = rd32(sh + 16);
        *len = rd32(sh + 20);
        return *off + (uint64_t)*len <= size;
    }
    return false;
}

static const char i686_lib_dir[] = "/usr/i686-linux-gnu/lib";

static bool sweep_elf(struct stats *s, struct disasm *dis, const char *path)
{
    struct stat st;
    size_t size, off, len;
    uint32_t addr;
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    uint8_t *img = read_file(path, &size);
    bool ok = img && elf_text(img, size, &off, &len, &addr);
    if (ok)
        sweep(s, dis, img + off, len, addr, true);
    free(img);
    return ok;
}

static void test_i686_libs(void **state)
{
    struct totals *t = *state;
    struct stats s = { .name = "i686 glibc .text (32-bit)" };
    DIR *dir = opendir(i686_lib_dir);
    if (!dir) {
        t->skipped = true;
        printf("SKIP: %s absent (package libc6-dev-i386-cross)\n", i686_lib_dir);
        skip();
    }
    struct disasm *dis = disasm_create(true);
    assert_non_null(dis);
    unsigned files = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        char path[512];
        if (!strstr(e->d_name, ".so"))
            continue;
        snprintf(path, sizeof path, "%s/%s", i686_lib_dir, e->d_name);
        files += sweep_elf(&s, dis, path);
    }
    closedir(dir);
    disasm_destroy(dis);
    printf("%u ELF files\n", files);
    add_stats(&t->real32, &s);
    check_stats(&s);
}

/* SeaBIOS keeps its 16-bit entry code in the last 64 KiB (the F segment) and
 * links the 32-bit flat code below it; both regions also hold data, which both
 * decoders see alike. */
static const char seabios_path[] = "/usr/share/seabios/bios-256k.bin";
enum { SEABIOS_16BIT_TAIL = 0x10000 };

static void test_seabios(void **state)
{
    struct totals *t = *state;
    size_t size, start = 0;
    uint8_t *img = read_file(seabios_path, &size);
    if (!img || size < 2 * SEABIOS_16BIT_TAIL) {
        free(img);
        t->skipped = true;
        printf("SKIP: %s absent (package seabios)\n", seabios_path);
        skip();
    }
    while (start < size - SEABIOS_16BIT_TAIL && img[start] == 0)
        start++;
    struct stats s32 = { .name = "SeaBIOS flat code (32-bit)" };
    struct stats s16 = { .name = "SeaBIOS F segment (16-bit)" };
    struct disasm *d32 = disasm_create(true), *d16 = disasm_create(false);
    assert_non_null(d32);
    assert_non_null(d16);
    size_t tail = size - SEABIOS_16BIT_TAIL;
    sweep(&s32, d32, img + start, tail - start, 0xFFFFFFFFu - (uint32_t)(size - 1 - start), true);
    sweep(&s16, d16, img + tail, SEABIOS_16BIT_TAIL, 0, false);
    disasm_destroy(d32);
    disasm_destroy(d16);
    free(img);
    add_stats(&t->real32, &s32);
    add_stats(&t->real16, &s16);
    check_stats(&s32);
    check_stats(&s16);
}

/* ---- FAT12 floppy images (Microsoft FAT specification: BPB, FAT12 chains) ---- */

struct fat {
    const uint8_t *img;
    size_t size;
    uint32_t cluster_bytes, fat_off, root_off, root_entries, data_off;
};

static bool fat_open(struct fat *f, const uint8_t *img, size_t size)
{
    if (size < 512)
        return false;
    uint32_t bps = rd16(img + 11), spc = img[13], res = rd16(img + 14), nfats = img[16];
    uint32_t spf = rd16(img + 22);
    f->img = img;
    f->size = size;
    f->cluster_bytes = bps * spc;
    f->fat_off = res * bps;
    f->root_off = (res + nfats * spf) * bps;
    f->root_entries = rd16(img + 17);
    f->data_off = f->root_off + f->root_entries * 32;
    return bps == 512 && spc && f->data_off < size;
}

static unsigned fat_next(const struct fat *f, unsigned cl)
{
    size_t at = f->fat_off + cl * 3 / 2;
    if (at + 2 > f->size)
        return 0xFFF;
    unsigned v = rd16(f->img + at);
    return cl & 1 ? v >> 4 : v & 0xFFF;
}

/* Copy a cluster chain (at most max bytes) into a new buffer. */
static uint8_t *fat_read_chain(const struct fat *f, unsigned cl, size_t max, size_t *len)
{
    uint8_t *buf = malloc(max ? max : 1);
    size_t n = 0;
    for (unsigned guard = 0; buf && cl >= 2 && cl < 0xFF8 && n < max && guard < 4096; guard++) {
        size_t at = f->data_off + (size_t)(cl - 2) * f->cluster_bytes;
        size_t chunk = max - n < f->cluster_bytes ? max - n : f->cluster_bytes;
        if (at + chunk > f->size)
            break;
        memcpy(buf + n, f->img + at, chunk);
        n += chunk;
        cl = fat_next(f, cl);
    }
    *len = n;
    return buf;
}

struct swept_file {
    size_t size;
    uint32_t hash;
};

/* The same KERNEL.SYS and COMMAND.COM are on both images: sweep each content once. */
struct file_set {
    struct swept_file files[256];
    unsigned n;
};

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    while (n--)
        h = (h ^ *p++) * 16777619u;
    return h;
}

static bool file_seen(struct file_set *set, const uint8_t *buf, size_t len)
{
    struct swept_file sf = { len, fnv1a(buf, len) };
    for (unsigned i = 0; i < set->n; i++)
        if (set->files[i].size == sf.size && set->files[i].hash == sf.hash)
            return true;
    if (set->n < ARRAY_SIZE(set->files))
        set->files[set->n++] = sf;
    return false;
}

static bool is_code_file(const uint8_t *ent)
{
    return memcmp(ent + 8, "COM", 3) == 0 || memcmp(ent + 8, "EXE", 3) == 0 ||
           memcmp(ent, "KERNEL  SYS", 11) == 0;
}

struct fat_walk {
    const struct fat *fat;
    struct stats *s;
    struct disasm *dis;
    struct file_set *seen;
    unsigned files;
};

/* MZ executables: code starts after the header (header size in paragraphs at 8). */
static void sweep_dos_file(struct fat_walk *w, const uint8_t *buf, size_t len)
{
    size_t start = 0;
    if (len >= 28 && buf[0] == 'M' && buf[1] == 'Z')
        start = rd16(buf + 8) * 16u;
    if (start >= len || file_seen(w->seen, buf, len))
        return;
    sweep(w->s, w->dis, buf + start, len - start, 0x100, false);
    w->files++;
}

static void fat_walk_dir(struct fat_walk *w, const uint8_t *dir, size_t n, int depth);

static void fat_visit(struct fat_walk *w, const uint8_t *ent, int depth)
{
    unsigned attr = ent[11], cl = rd16(ent + 26);
    size_t len;
    if (attr & 0x10) {
        if (ent[0] == '.' || depth >= 4)
            return;
        uint8_t *sub = fat_read_chain(w->fat, cl, 64 * 1024, &len);
        if (sub)
            fat_walk_dir(w, sub, len / 32, depth + 1);
        free(sub);
    } else if (is_code_file(ent)) {
        uint8_t *buf = fat_read_chain(w->fat, cl, rd32(ent + 28), &len);
        if (buf)
            sweep_dos_file(w, buf, len);
        free(buf);
    }
}

static void fat_walk_dir(struct fat_walk *w, const uint8_t *dir, size_t n, int depth)
{
    for (size_t i = 0; i < n; i++) {
        const uint8_t *ent = dir + 32 * i;
        if (ent[0] == 0)
            return;
        /* deleted entries, long-name pieces (attr 0x0F) and the volume label */
        if (ent[0] == 0xE5 || (ent[11] & 0x08))
            continue;
        fat_visit(w, ent, depth);
    }
}

static const char *const floppies[] = {
    "guests/floppy/freedos-minimal-1440k.img",
    "guests/floppy/freedos-ripcord-v86-720k.img",
};

static void test_freedos(void **state)
{
    struct totals *t = *state;
    const char *shared = getenv("TRAPDOOR_SHARED");
    if (!shared) {
        t->skipped = true;
        printf("SKIP: TRAPDOOR_SHARED is not set: no FreeDOS images to sweep\n");
        skip();
    }
    struct stats s = { .name = "FreeDOS programs (16-bit)" };
    struct file_set *seen = calloc(1, sizeof *seen);
    struct disasm *dis = disasm_create(false);
    assert_non_null(seen);
    assert_non_null(dis);
    struct fat_walk w = { .s = &s, .dis = dis, .seen = seen };
    for (size_t i = 0; i < ARRAY_SIZE(floppies); i++) {
        char path[1024];
        size_t size;
        struct fat fat;
        snprintf(path, sizeof path, "%s/%s", shared, floppies[i]);
        uint8_t *img = read_file(path, &size);
        if (img && fat_open(&fat, img, size)) {
            w.fat = &fat;
            fat_walk_dir(&w, img + fat.root_off, fat.root_entries, 0);
        } else {
            t->skipped = true;
            printf("SKIP: cannot read FAT12 image %s\n", path);
        }
        free(img);
    }
    disasm_destroy(dis);
    free(seen);
    printf("%u distinct DOS programs\n", w.files);
    if (w.files == 0)
        skip();
    add_stats(&t->real16, &s);
    check_stats(&s);
}

/* ---- random bytes ---- */

static uint64_t xorshift64(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Random bytes; with prefixed, 1-4 random legacy prefixes in front. */
static void random_fill(uint8_t buf[16], uint64_t *x, bool prefixed)
{
    uint64_t a = xorshift64(x), b = xorshift64(x);
    memcpy(buf, &a, 8);
    memcpy(buf + 8, &b, 8);
    if (!prefixed)
        return;
    unsigned n = 1 + (unsigned)(xorshift64(x) & 3);
    for (unsigned i = 0; i < n; i++)
        buf[i] = prefix_bytes[xorshift64(x) % ARRAY_SIZE(prefix_bytes)];
}

static void random_sweep(bool code32, bool prefixed)
{
    const char *env = getenv("TD_DECODE_SEED");
    uint64_t seed = env ? strtoull(env, NULL, 0) : 0x7D15EA5Eu;
    uint64_t x = seed ? seed : 1;
    char name[64];
    snprintf(name, sizeof name, "random bytes%s (%d-bit)", prefixed ? " after prefixes" : "",
             code32 ? 32 : 16);
    struct stats s = { .name = name };
    struct disasm *dis = disasm_create(code32);
    assert_non_null(dis);
    for (unsigned i = 0; i < RANDOM_COUNT; i++) {
        uint8_t buf[16];
        random_fill(buf, &x, prefixed);
        compare_one(&s, dis, buf, sizeof buf, 0x1000, code32);
        s.bytes += sizeof buf;
    }
    disasm_destroy(dis);
    printf("random seed %#llx (set TD_DECODE_SEED to change)\n", (unsigned long long)seed);
    check_stats(&s);
}

static void test_random32(void **state)
{
    random_sweep(true, false);
}

static void test_random16(void **state)
{
    random_sweep(false, false);
}

static void test_random_prefixed32(void **state)
{
    random_sweep(true, true);
}

static void test_random_prefixed16(void **state)
{
    random_sweep(false, true);
}

/* ---- totals ---- */

static void test_totals(void **state)
{
    struct totals *t = *state;
    struct stats all = { .name = "real code, total" };
    add_stats(&all, &t->real16);
    add_stats(&all, &t->real32);
    t->real16.name = "real code, 16-bit total";
    t->real32.name = "real code, 32-bit total";
    print_stats(&t->real16);
    print_stats(&t->real32);
    print_stats(&all);
    assert_true(all.both_ok_agree * 100000 >= all.both_ok * MIN_AGREE_PPM100K);
    if (all.bytes < 1024 * 1024 && t->skipped) {
        printf("SKIP: material missing, less than the 1 MiB minimum was swept\n");
        skip();
    }
    assert_true(all.bytes >= 1024 * 1024);
}

static int group_setup(void **state)
{
    *state = calloc(1, sizeof(struct totals));
    return *state ? 0 : -1;
}

static int group_teardown(void **state)
{
    free(*state);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_i686_libs),
        cmocka_unit_test(test_seabios),
        cmocka_unit_test(test_freedos),
        cmocka_unit_test(test_random32),
        cmocka_unit_test(test_random16),
        cmocka_unit_test(test_random_prefixed32),
        cmocka_unit_test(test_random_prefixed16),
        cmocka_unit_test(test_totals),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
