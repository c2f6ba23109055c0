/* The disagreement categories of test_decode_capstone: why the decoder and
 * Capstone 4 may differ on lengths, verdicts (valid or #UD), operands and
 * mnemonics, each with who is right according to the Intel SDM. */
#include "capstone_categories.h"

#include <string.h>

/* the legacy prefixes (SDM vol. 2 2.1.1) */
const uint8_t prefix_bytes[PREFIX_BYTES] = { 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66,
                                             0x67, 0xF0, 0xF2, 0xF3 };

/* ---- one comparison ---- */

void run_cmp(struct cmp *c)
{
    c->st = x86_decode(c->bytes, c->avail, c->pc, c->code32, &c->in);
    c->cs_ok = disasm_decode(c->dis, c->bytes, c->avail, c->pc, &c->cs);
}

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

const struct category len_categories[] = {
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

int find_len_category(const struct cmp *c)
{
    for (size_t i = 0; i < ARRAY_SIZE(len_categories); i++)
        if (len_categories[i].match(c))
            return (int)i;
    return -1;
}

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

const struct opnd_category opnd_categories[] = {
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

int find_opnd_category(const struct cmp *c)
{
    if (!operands_comparable(&c->in))
        return OPND_NOT_COMPARED;
    struct items o = { 0 }, cs = { 0 };
    our_items(&c->in, &o);
    cs_items(&c->cs, c->in.addrsize, &cs);
    const char *want = expected_mnemonic(&c->in);
    bool same_name = !want || strcmp(want, base_mnemonic(c->cs.mnemonic)) == 0;
    if (same_name && items_eq(&o, &cs))
        return OPND_SAME;
    for (size_t i = 0; i < ARRAY_SIZE(opnd_categories); i++) {
        if (opnd_categories[i].mnemonic != !same_name)
            continue;
        if (opnd_categories[i].match(c, &o, &cs))
            return (int)i;
    }
    return OPND_UNCLASSIFIED;
}
