/* Opcode tables of the x86 decoder (included by decode.c only): the one-byte map,
 * the two-byte 0F map and the ModRM.reg groups, after Intel SDM vol. 2 appendix A
 * (tables) restricted to what an i686-class integer CPU decodes. */
#ifndef TD_DECODE_TABLES_H
#define TD_DECODE_TABLES_H

/* Operand templates (SDM vol. 2 A.2 notation). E = ModRM r/m, G = ModRM.reg,
 * I = immediate, Z = register in the opcode's low 3 bits, M = memory-only r/m,
 * O = moffs, J = relative target, A = direct far pointer. The X* templates put an
 * immediate into in->imm/imm2 without producing an operand (INT n, RET n, ENTER). */
enum tpl {
    T_NONE, T_EB, T_EV, T_EW, T_GB, T_GV, T_GW, T_IB, T_IBS, T_IZ, T_I1,
    T_AL, T_EAX, T_CL, T_DX, T_ZB, T_ZV, T_SW, T_SWD, T_ES, T_CS, T_SS, T_DS, T_FS,
    T_GS, T_M, T_MP, T_MA, T_MS, T_RVMW, T_RD, T_CD, T_DD, T_OB, T_OV, T_JB, T_JZ,
    T_AP, T_XW, T_XB, T_XB2, T_X3, T_MESC, T_COUNT
};

/* Entry flags. */
enum {
    /* the entry exists (zeroed table slots are invalid opcodes) */
    F_VALID = 1u << 0,
    F_MODRM = 1u << 1,
    /* LOCK allowed (when the destination is memory) */
    F_LOCK = 1u << 2,
    /* ModRM.reg selects the entry in groups[arg] */
    F_GRP = 1u << 3,
    /* condition code in the opcode's low 4 bits */
    F_CC = 1u << 4,
    /* x87 escape: the memory operand size comes from esc_mem_size */
    F_ESC = 1u << 5,
    /* SDM MOV CR/DR: "the 2 bits in the mod field are ignored": r/m is a register */
    F_RMREG = 1u << 6,
};

/* First CPU generation with the encoding (documentation; the decoder targets i686). */
enum { C86, C186, C286, C386, C486, C586, C686 };

struct op_entry {
    /* enum x86_op */
    uint8_t op;
    /* enum tpl, in Intel operand order */
    uint8_t tpl[3];
    uint8_t flags;
    /* group index for F_GRP */
    uint8_t arg;
    /* C86 .. C686 */
    uint8_t cpu;
};

#define OP(o, a, b, c, fl, lv) { X86_OP_##o, { T_##a, T_##b, T_##c }, (fl) | F_VALID, 0, lv }
#define GR(g, a, b, c, lv) { 0, { T_##a, T_##b, T_##c }, F_GRP | F_MODRM | F_VALID, g, lv }
/* The six ALU forms at 8*n .. 8*n+5: Eb,Gb  Ev,Gv  Gb,Eb  Gv,Ev  AL,Ib  eAX,Iz. */
#define ALU6(base, o, lk) \
    [base + 0] = OP(o, EB, GB, NONE, F_MODRM | (lk), C86), \
    [base + 1] = OP(o, EV, GV, NONE, F_MODRM | (lk), C86), \
    [base + 2] = OP(o, GB, EB, NONE, F_MODRM, C86), \
    [base + 3] = OP(o, GV, EV, NONE, F_MODRM, C86), \
    [base + 4] = OP(o, AL, IB, NONE, 0, C86), \
    [base + 5] = OP(o, EAX, IZ, NONE, 0, C86)
#define X8(base, ...) \
    [base + 0] = __VA_ARGS__, [base + 1] = __VA_ARGS__, [base + 2] = __VA_ARGS__, \
    [base + 3] = __VA_ARGS__, [base + 4] = __VA_ARGS__, [base + 5] = __VA_ARGS__, \
    [base + 6] = __VA_ARGS__, [base + 7] = __VA_ARGS__
#define X16(base, ...) X8(base, __VA_ARGS__), X8(base + 8, __VA_ARGS__)

enum {
    GRP1, GRP1A, GRP2, GRP3B, GRP3V, GRP4, GRP5, GRP11B, GRP11V, GRP6, GRP7, GRP8, GRP9,
    GRP_COUNT
};

/* One-byte map (SDM table A-2). Prefixes (26 2E 36 3E 64-67 F0 F2 F3) and the 0F
 * escape are handled before the table is consulted. F1 (ICEBP) has no x86_op and
 * decodes as invalid. */
static const struct op_entry map1[256] = {
    ALU6(0x00, ADD, F_LOCK),
    [0x06] = OP(PUSH_SREG, ES, NONE, NONE, 0, C86),
    [0x07] = OP(POP_SREG, ES, NONE, NONE, 0, C86),
    ALU6(0x08, OR, F_LOCK),
    [0x0E] = OP(PUSH_SREG, CS, NONE, NONE, 0, C86),
    ALU6(0x10, ADC, F_LOCK),
    [0x16] = OP(PUSH_SREG, SS, NONE, NONE, 0, C86),
    [0x17] = OP(POP_SREG, SS, NONE, NONE, 0, C86),
    ALU6(0x18, SBB, F_LOCK),
    [0x1E] = OP(PUSH_SREG, DS, NONE, NONE, 0, C86),
    [0x1F] = OP(POP_SREG, DS, NONE, NONE, 0, C86),
    ALU6(0x20, AND, F_LOCK),
    [0x27] = OP(DAA, NONE, NONE, NONE, 0, C86),
    ALU6(0x28, SUB, F_LOCK),
    [0x2F] = OP(DAS, NONE, NONE, NONE, 0, C86),
    ALU6(0x30, XOR, F_LOCK),
    [0x37] = OP(AAA, NONE, NONE, NONE, 0, C86),
    ALU6(0x38, CMP, 0),
    [0x3F] = OP(AAS, NONE, NONE, NONE, 0, C86),
    X8(0x40, OP(INC, ZV, NONE, NONE, 0, C86)),
    X8(0x48, OP(DEC, ZV, NONE, NONE, 0, C86)),
    X8(0x50, OP(PUSH, ZV, NONE, NONE, 0, C86)),
    X8(0x58, OP(POP, ZV, NONE, NONE, 0, C86)),
    [0x60] = OP(PUSHA, NONE, NONE, NONE, 0, C186),
    [0x61] = OP(POPA, NONE, NONE, NONE, 0, C186),
    [0x62] = OP(BOUND, GV, MA, NONE, F_MODRM, C186),
    [0x63] = OP(ARPL, EW, GW, NONE, F_MODRM, C286),
    [0x68] = OP(PUSH, IZ, NONE, NONE, 0, C186),
    [0x69] = OP(IMUL2, GV, EV, IZ, F_MODRM, C186),
    [0x6A] = OP(PUSH, IBS, NONE, NONE, 0, C186),
    [0x6B] = OP(IMUL2, GV, EV, IBS, F_MODRM, C186),
    [0x6C] = OP(INS, NONE, NONE, NONE, 0, C186),
    [0x6D] = OP(INS, NONE, NONE, NONE, 0, C186),
    [0x6E] = OP(OUTS, NONE, NONE, NONE, 0, C186),
    [0x6F] = OP(OUTS, NONE, NONE, NONE, 0, C186),
    X16(0x70, OP(JCC, JB, NONE, NONE, F_CC, C86)),
    [0x80] = GR(GRP1, EB, IB, NONE, C86),
    [0x81] = GR(GRP1, EV, IZ, NONE, C86),
    /* SDM table A-2: 82 is an alias of 80, invalid only in 64-bit mode */
    [0x82] = GR(GRP1, EB, IB, NONE, C86),
    [0x83] = GR(GRP1, EV, IBS, NONE, C86),
    [0x84] = OP(TEST, EB, GB, NONE, F_MODRM, C86),
    [0x85] = OP(TEST, EV, GV, NONE, F_MODRM, C86),
    [0x86] = OP(XCHG, EB, GB, NONE, F_MODRM | F_LOCK, C86),
    [0x87] = OP(XCHG, EV, GV, NONE, F_MODRM | F_LOCK, C86),
    [0x88] = OP(MOV, EB, GB, NONE, F_MODRM, C86),
    [0x89] = OP(MOV, EV, GV, NONE, F_MODRM, C86),
    [0x8A] = OP(MOV, GB, EB, NONE, F_MODRM, C86),
    [0x8B] = OP(MOV, GV, EV, NONE, F_MODRM, C86),
    [0x8C] = OP(MOV_FROM_SREG, RVMW, SW, NONE, F_MODRM, C86),
    [0x8D] = OP(LEA, GV, M, NONE, F_MODRM, C86),
    [0x8E] = OP(MOV_TO_SREG, SWD, EW, NONE, F_MODRM, C86),
    [0x8F] = GR(GRP1A, NONE, NONE, NONE, C86),
    /* 90 is XCHG eAX,eAX: architecturally a NOP (also F3 90, PAUSE) */
    [0x90] = OP(NOP, NONE, NONE, NONE, 0, C86),
    [0x91] = OP(XCHG, EAX, ZV, NONE, 0, C86),
    [0x92] = OP(XCHG, EAX, ZV, NONE, 0, C86),
    [0x93] = OP(XCHG, EAX, ZV, NONE, 0, C86),
    [0x94] = OP(XCHG, EAX, ZV, NONE, 0, C86),
    [0x95] = OP(XCHG, EAX, ZV, NONE, 0, C86),
    [0x96] = OP(XCHG, EAX, ZV, NONE, 0, C86),
    [0x97] = OP(XCHG, EAX, ZV, NONE, 0, C86),
    [0x98] = OP(CBW, NONE, NONE, NONE, 0, C86),
    [0x99] = OP(CWD, NONE, NONE, NONE, 0, C86),
    [0x9A] = OP(CALL_FAR, AP, NONE, NONE, 0, C86),
    [0x9B] = OP(WAIT, NONE, NONE, NONE, 0, C86),
    [0x9C] = OP(PUSHF, NONE, NONE, NONE, 0, C86),
    [0x9D] = OP(POPF, NONE, NONE, NONE, 0, C86),
    [0x9E] = OP(SAHF, NONE, NONE, NONE, 0, C86),
    [0x9F] = OP(LAHF, NONE, NONE, NONE, 0, C86),
    [0xA0] = OP(MOV, AL, OB, NONE, 0, C86),
    [0xA1] = OP(MOV, EAX, OV, NONE, 0, C86),
    [0xA2] = OP(MOV, OB, AL, NONE, 0, C86),
    [0xA3] = OP(MOV, OV, EAX, NONE, 0, C86),
    [0xA4] = OP(MOVS, NONE, NONE, NONE, 0, C86),
    [0xA5] = OP(MOVS, NONE, NONE, NONE, 0, C86),
    [0xA6] = OP(CMPS, NONE, NONE, NONE, 0, C86),
    [0xA7] = OP(CMPS, NONE, NONE, NONE, 0, C86),
    [0xA8] = OP(TEST, AL, IB, NONE, 0, C86),
    [0xA9] = OP(TEST, EAX, IZ, NONE, 0, C86),
    [0xAA] = OP(STOS, NONE, NONE, NONE, 0, C86),
    [0xAB] = OP(STOS, NONE, NONE, NONE, 0, C86),
    [0xAC] = OP(LODS, NONE, NONE, NONE, 0, C86),
    [0xAD] = OP(LODS, NONE, NONE, NONE, 0, C86),
    [0xAE] = OP(SCAS, NONE, NONE, NONE, 0, C86),
    [0xAF] = OP(SCAS, NONE, NONE, NONE, 0, C86),
    X8(0xB0, OP(MOV, ZB, IB, NONE, 0, C86)),
    X8(0xB8, OP(MOV, ZV, IZ, NONE, 0, C86)),
    [0xC0] = GR(GRP2, EB, IB, NONE, C186),
    [0xC1] = GR(GRP2, EV, IB, NONE, C186),
    [0xC2] = OP(RET, XW, NONE, NONE, 0, C86),
    [0xC3] = OP(RET, NONE, NONE, NONE, 0, C86),
    [0xC4] = OP(LES, GV, MP, NONE, F_MODRM, C86),
    [0xC5] = OP(LDS, GV, MP, NONE, F_MODRM, C86),
    [0xC6] = GR(GRP11B, NONE, NONE, NONE, C86),
    [0xC7] = GR(GRP11V, NONE, NONE, NONE, C86),
    [0xC8] = OP(ENTER, XW, XB2, NONE, 0, C186),
    [0xC9] = OP(LEAVE, NONE, NONE, NONE, 0, C186),
    [0xCA] = OP(RETF, XW, NONE, NONE, 0, C86),
    [0xCB] = OP(RETF, NONE, NONE, NONE, 0, C86),
    [0xCC] = OP(INT3, X3, NONE, NONE, 0, C86),
    [0xCD] = OP(INT, XB, NONE, NONE, 0, C86),
    [0xCE] = OP(INTO, NONE, NONE, NONE, 0, C86),
    [0xCF] = OP(IRET, NONE, NONE, NONE, 0, C86),
    [0xD0] = GR(GRP2, EB, I1, NONE, C86),
    [0xD1] = GR(GRP2, EV, I1, NONE, C86),
    [0xD2] = GR(GRP2, EB, CL, NONE, C86),
    [0xD3] = GR(GRP2, EV, CL, NONE, C86),
    [0xD4] = OP(AAM, XB, NONE, NONE, 0, C86),
    [0xD5] = OP(AAD, XB, NONE, NONE, 0, C86),
    [0xD6] = OP(SALC, NONE, NONE, NONE, 0, C86),
    [0xD7] = OP(XLAT, NONE, NONE, NONE, 0, C86),
    X8(0xD8, OP(ESC, MESC, NONE, NONE, F_MODRM | F_ESC, C86)),
    [0xE0] = OP(LOOPNE, JB, NONE, NONE, 0, C86),
    [0xE1] = OP(LOOPE, JB, NONE, NONE, 0, C86),
    [0xE2] = OP(LOOP, JB, NONE, NONE, 0, C86),
    [0xE3] = OP(JCXZ, JB, NONE, NONE, 0, C86),
    [0xE4] = OP(IN, AL, IB, NONE, 0, C86),
    [0xE5] = OP(IN, EAX, IB, NONE, 0, C86),
    [0xE6] = OP(OUT, IB, AL, NONE, 0, C86),
    [0xE7] = OP(OUT, IB, EAX, NONE, 0, C86),
    [0xE8] = OP(CALL, JZ, NONE, NONE, 0, C86),
    [0xE9] = OP(JMP, JZ, NONE, NONE, 0, C86),
    [0xEA] = OP(JMP_FAR, AP, NONE, NONE, 0, C86),
    [0xEB] = OP(JMP, JB, NONE, NONE, 0, C86),
    [0xEC] = OP(IN, AL, DX, NONE, 0, C86),
    [0xED] = OP(IN, EAX, DX, NONE, 0, C86),
    [0xEE] = OP(OUT, DX, AL, NONE, 0, C86),
    [0xEF] = OP(OUT, DX, EAX, NONE, 0, C86),
    [0xF4] = OP(HLT, NONE, NONE, NONE, 0, C86),
    [0xF5] = OP(CMC, NONE, NONE, NONE, 0, C86),
    [0xF6] = GR(GRP3B, NONE, NONE, NONE, C86),
    [0xF7] = GR(GRP3V, NONE, NONE, NONE, C86),
    [0xF8] = OP(CLC, NONE, NONE, NONE, 0, C86),
    [0xF9] = OP(STC, NONE, NONE, NONE, 0, C86),
    [0xFA] = OP(CLI, NONE, NONE, NONE, 0, C86),
    [0xFB] = OP(STI, NONE, NONE, NONE, 0, C86),
    [0xFC] = OP(CLD, NONE, NONE, NONE, 0, C86),
    [0xFD] = OP(STD, NONE, NONE, NONE, 0, C86),
    [0xFE] = GR(GRP4, NONE, NONE, NONE, C86),
    [0xFF] = GR(GRP5, NONE, NONE, NONE, C86),
};

/* Two-byte map (SDM table A-3), integer part up to the Pentium Pro. Absent on
 * purpose (no x86_op, so #UD): RDPMC (0F 33), RSM (0F AA), the 386/486 test
 * registers (0F 24/26), MMX/SSE. */
static const struct op_entry map2[256] = {
    [0x00] = GR(GRP6, NONE, NONE, NONE, C286),
    [0x01] = GR(GRP7, NONE, NONE, NONE, C286),
    [0x02] = OP(LAR, GV, EW, NONE, F_MODRM, C286),
    [0x03] = OP(LSL, GV, EW, NONE, F_MODRM, C286),
    [0x06] = OP(CLTS, NONE, NONE, NONE, 0, C286),
    [0x08] = OP(INVD, NONE, NONE, NONE, 0, C486),
    [0x09] = OP(WBINVD, NONE, NONE, NONE, 0, C486),
    [0x0B] = OP(UD, NONE, NONE, NONE, 0, C286),
    /* SDM table A-3: 0F 18 (prefetch hints) and 0F 19-1F (reserved NOP Ev) */
    X8(0x18, OP(NOP, EV, NONE, NONE, F_MODRM, C686)),
    [0x20] = OP(MOV_FROM_CR, RD, CD, NONE, F_MODRM | F_RMREG, C386),
    [0x21] = OP(MOV_FROM_DR, RD, DD, NONE, F_MODRM | F_RMREG, C386),
    [0x22] = OP(MOV_TO_CR, CD, RD, NONE, F_MODRM | F_RMREG, C386),
    [0x23] = OP(MOV_TO_DR, DD, RD, NONE, F_MODRM | F_RMREG, C386),
    [0x30] = OP(WRMSR, NONE, NONE, NONE, 0, C586),
    [0x31] = OP(RDTSC, NONE, NONE, NONE, 0, C586),
    [0x32] = OP(RDMSR, NONE, NONE, NONE, 0, C586),
    [0x34] = OP(SYSENTER, NONE, NONE, NONE, 0, C686),
    [0x35] = OP(SYSEXIT, NONE, NONE, NONE, 0, C686),
    X16(0x40, OP(CMOVCC, GV, EV, NONE, F_MODRM | F_CC, C686)),
    X16(0x80, OP(JCC, JZ, NONE, NONE, F_CC, C386)),
    X16(0x90, OP(SETCC, EB, NONE, NONE, F_MODRM | F_CC, C386)),
    [0xA0] = OP(PUSH_SREG, FS, NONE, NONE, 0, C386),
    [0xA1] = OP(POP_SREG, FS, NONE, NONE, 0, C386),
    [0xA2] = OP(CPUID, NONE, NONE, NONE, 0, C586),
    [0xA3] = OP(BT, EV, GV, NONE, F_MODRM, C386),
    [0xA4] = OP(SHLD, EV, GV, IB, F_MODRM, C386),
    [0xA5] = OP(SHLD, EV, GV, CL, F_MODRM, C386),
    [0xA8] = OP(PUSH_SREG, GS, NONE, NONE, 0, C386),
    [0xA9] = OP(POP_SREG, GS, NONE, NONE, 0, C386),
    [0xAB] = OP(BTS, EV, GV, NONE, F_MODRM | F_LOCK, C386),
    [0xAC] = OP(SHRD, EV, GV, IB, F_MODRM, C386),
    [0xAD] = OP(SHRD, EV, GV, CL, F_MODRM, C386),
    [0xAF] = OP(IMUL2, GV, EV, NONE, F_MODRM, C386),
    [0xB0] = OP(CMPXCHG, EB, GB, NONE, F_MODRM | F_LOCK, C486),
    [0xB1] = OP(CMPXCHG, EV, GV, NONE, F_MODRM | F_LOCK, C486),
    [0xB2] = OP(LSS, GV, MP, NONE, F_MODRM, C386),
    [0xB3] = OP(BTR, EV, GV, NONE, F_MODRM | F_LOCK, C386),
    [0xB4] = OP(LFS, GV, MP, NONE, F_MODRM, C386),
    [0xB5] = OP(LGS, GV, MP, NONE, F_MODRM, C386),
    [0xB6] = OP(MOVZX, GV, EB, NONE, F_MODRM, C386),
    [0xB7] = OP(MOVZX, GV, EW, NONE, F_MODRM, C386),
    /* UD1 (SDM: "UD1 r32, r/m32"): raises #UD, has a ModRM */
    [0xB9] = OP(UD, NONE, NONE, NONE, F_MODRM, C286),
    [0xBA] = GR(GRP8, EV, IB, NONE, C386),
    [0xBB] = OP(BTC, EV, GV, NONE, F_MODRM | F_LOCK, C386),
    [0xBC] = OP(BSF, GV, EV, NONE, F_MODRM, C386),
    [0xBD] = OP(BSR, GV, EV, NONE, F_MODRM, C386),
    [0xBE] = OP(MOVSX, GV, EB, NONE, F_MODRM, C386),
    [0xBF] = OP(MOVSX, GV, EW, NONE, F_MODRM, C386),
    [0xC0] = OP(XADD, EB, GB, NONE, F_MODRM | F_LOCK, C486),
    [0xC1] = OP(XADD, EV, GV, NONE, F_MODRM | F_LOCK, C486),
    [0xC7] = GR(GRP9, NONE, NONE, NONE, C586),
    X8(0xC8, OP(BSWAP, ZV, NONE, NONE, 0, C486)),
};

/* Group members take the CPU generation of their map entry unless they name one. */
#define GOP(o, a, b, c, fl) OP(o, a, b, c, (fl) | F_MODRM, C86)
/* A group member that takes the templates of the map entry. */
#define GIN(o, fl) OP(o, NONE, NONE, NONE, (fl) | F_MODRM, C86)

/* ModRM.reg groups (SDM table A-6). Missing members are invalid opcodes. */
static const struct op_entry groups[GRP_COUNT][8] = {
    [GRP1] = { GIN(ADD, F_LOCK), GIN(OR, F_LOCK), GIN(ADC, F_LOCK), GIN(SBB, F_LOCK),
               GIN(AND, F_LOCK), GIN(SUB, F_LOCK), GIN(XOR, F_LOCK), GIN(CMP, 0) },
    [GRP1A] = { GOP(POP, EV, NONE, NONE, 0) },
    /* /6 is an undocumented alias of SHL (SAL) on every x86 */
    [GRP2] = { GIN(ROL, 0), GIN(ROR, 0), GIN(RCL, 0), GIN(RCR, 0),
               GIN(SHL, 0), GIN(SHR, 0), GIN(SAL, 0), GIN(SAR, 0) },
    /* /1 is an undocumented alias of TEST (AMD APM vol. 3 table A-6 lists it) */
    [GRP3B] = { GOP(TEST, EB, IB, NONE, 0), GOP(TEST, EB, IB, NONE, 0),
                GOP(NOT, EB, NONE, NONE, F_LOCK), GOP(NEG, EB, NONE, NONE, F_LOCK),
                GOP(MUL, EB, NONE, NONE, 0), GOP(IMUL, EB, NONE, NONE, 0),
                GOP(DIV, EB, NONE, NONE, 0), GOP(IDIV, EB, NONE, NONE, 0) },
    [GRP3V] = { GOP(TEST, EV, IZ, NONE, 0), GOP(TEST, EV, IZ, NONE, 0),
                GOP(NOT, EV, NONE, NONE, F_LOCK), GOP(NEG, EV, NONE, NONE, F_LOCK),
                GOP(MUL, EV, NONE, NONE, 0), GOP(IMUL, EV, NONE, NONE, 0),
                GOP(DIV, EV, NONE, NONE, 0), GOP(IDIV, EV, NONE, NONE, 0) },
    [GRP4] = { GOP(INC, EB, NONE, NONE, F_LOCK), GOP(DEC, EB, NONE, NONE, F_LOCK) },
    [GRP5] = { GOP(INC, EV, NONE, NONE, F_LOCK), GOP(DEC, EV, NONE, NONE, F_LOCK),
               GOP(CALL_IND, EV, NONE, NONE, 0), GOP(CALL_FAR_IND, MP, NONE, NONE, 0),
               GOP(JMP_IND, EV, NONE, NONE, 0), GOP(JMP_FAR_IND, MP, NONE, NONE, 0),
               GOP(PUSH, EV, NONE, NONE, 0) },
    [GRP11B] = { GOP(MOV, EB, IB, NONE, 0) },
    [GRP11V] = { GOP(MOV, EV, IZ, NONE, 0) },
    [GRP6] = { GOP(SLDT, RVMW, NONE, NONE, 0), GOP(STR, RVMW, NONE, NONE, 0),
               GOP(LLDT, EW, NONE, NONE, 0), GOP(LTR, EW, NONE, NONE, 0),
               GOP(VERR, EW, NONE, NONE, 0), GOP(VERW, EW, NONE, NONE, 0) },
    [GRP7] = { GOP(SGDT, MS, NONE, NONE, 0), GOP(SIDT, MS, NONE, NONE, 0),
               GOP(LGDT, MS, NONE, NONE, 0), GOP(LIDT, MS, NONE, NONE, 0),
               GOP(SMSW, RVMW, NONE, NONE, 0), [6] = GOP(LMSW, EW, NONE, NONE, 0),
               [7] = OP(INVLPG, M, NONE, NONE, F_MODRM, C486) },
    [GRP8] = { [4] = GIN(BT, 0), [5] = GIN(BTS, F_LOCK), [6] = GIN(BTR, F_LOCK),
               [7] = GIN(BTC, F_LOCK) },
    /* CMPXCHG8B m64: the memory operand's size is not used (the helper moves 8 bytes) */
    [GRP9] = { [1] = GOP(CMPXCHG8B, M, NONE, NONE, F_LOCK) },
};

/* x87 memory operand sizes by escape (D8-DF) and ModRM.reg (SDM vol. 1 8.x and
 * vol. 2 FLD/FILD/FBLD...). 0: reserved encoding. ENV/STATE: FLDENV/FNSTENV and
 * FRSTOR/FNSAVE, whose size depends on the operand size (SDM vol. 1 8.1.10). */
enum { ESC_ENV = 0xFE, ESC_STATE = 0xFF };
static const uint8_t esc_mem_size[8][8] = {
    { 4, 4, 4, 4, 4, 4, 4, 4 },
    { 4, 0, 4, 4, ESC_ENV, 2, ESC_ENV, 2 },
    { 4, 4, 4, 4, 4, 4, 4, 4 },
    { 4, 4, 4, 4, 0, 10, 0, 10 },
    { 8, 8, 8, 8, 8, 8, 8, 8 },
    { 8, 8, 8, 8, ESC_STATE, 0, ESC_STATE, 2 },
    { 2, 2, 2, 2, 2, 2, 2, 2 },
    { 2, 2, 2, 2, 10, 8, 10, 8 },
};

#undef OP
#undef GR
#undef ALU6
#undef X8
#undef X16
#undef GOP
#undef GIN

#endif
