/* Unit tests of the x86 decoder (translate/decode.c) on hand-picked encodings:
 * lengths, ops, operands, sizes, prefixes, ModRM/SIB forms, NEED_MORE vs #UD vs
 * the 15-byte limit, LOCK rules. Expected values from Intel SDM vol. 2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "decode.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static size_t parse_hex(const char *hex, uint8_t *buf, size_t max)
{
    size_t n = 0;
    while (*hex && n < max) {
        char *end;
        unsigned long v = strtoul(hex, &end, 16);
        if (end == hex)
            break;
        buf[n++] = (uint8_t)v;
        hex = end;
    }
    return n;
}

static enum decode_status decode_hex(const char *hex, bool code32, uint32_t pc,
                                     struct x86_insn *in)
{
    uint8_t buf[32];
    size_t n = parse_hex(hex, buf, sizeof buf);
    return x86_decode(buf, n, pc, code32, in);
}

/* Operands as text: r<size>:<reg> s<seg> c<n> d<n> m<size> i<size>, space-separated. */
static void format_opnds(const struct x86_insn *in, char *out, size_t size)
{
    static const char kind[] = { [OPND_REG] = 'r', [OPND_SREG] = 's', [OPND_CREG] = 'c',
                                 [OPND_DREG] = 'd', [OPND_MEM] = 'm', [OPND_IMM] = 'i' };
    size_t n = 0;
    out[0] = 0;
    for (unsigned i = 0; i < in->nopnd && n < size; i++) {
        const struct x86_opnd *o = &in->opnd[i];
        const char *sep = i ? " " : "";
        if (o->kind == OPND_REG)
            n += (size_t)snprintf(out + n, size - n, "%sr%u:%u", sep, o->size, o->reg);
        else if (o->kind == OPND_MEM || o->kind == OPND_IMM)
            n += (size_t)snprintf(out + n, size - n, "%s%c%u", sep, kind[o->kind], o->size);
        else
            n += (size_t)snprintf(out + n, size - n, "%s%c%u", sep, kind[o->kind], o->reg);
    }
}

/* ---- decode vectors ---- */

struct vec {
    bool code32;
    const char *hex;
    enum decode_status st;
    unsigned len;
    enum x86_op op;
    /* format_opnds() text; NULL: not checked */
    const char *opnds;
    bool check_imm;
    uint32_t imm, imm2;
    /* operand size; 0: not checked */
    unsigned opsize;
};

#define OK32(h, l, o, d) { true, h, DECODE_OK, l, X86_OP_##o, d, false, 0, 0, 0 }
#define OK16(h, l, o, d) { false, h, DECODE_OK, l, X86_OP_##o, d, false, 0, 0, 0 }
#define IMM32(h, l, o, d, i, i2) { true, h, DECODE_OK, l, X86_OP_##o, d, true, i, i2, 0 }
#define IMM16(h, l, o, d, i, i2) { false, h, DECODE_OK, l, X86_OP_##o, d, true, i, i2, 0 }
#define UD32(h, l) { true, h, DECODE_UD, l, X86_OP_UD, NULL, false, 0, 0, 0 }
#define UD16(h, l) { false, h, DECODE_UD, l, X86_OP_UD, NULL, false, 0, 0, 0 }

/* All at pc 0x1000. */
static const struct vec vecs[] = {
    /* ALU: the six forms, group 1 and its sign-extended imm8 (SDM table A-2) */
    OK32("00 c8", 2, ADD, "r1:0 r1:1"),
    OK32("01 18", 2, ADD, "m4 r4:3"),
    OK16("01 18", 2, ADD, "m2 r2:3"),
    OK32("02 e0", 2, ADD, "r1:4 r1:0"),
    OK32("2b 45 08", 3, SUB, "r4:0 m4"),
    IMM32("04 7f", 2, ADD, "r1:0 i1", 0x7F, 0),
    IMM32("05 78 56 34 12", 5, ADD, "r4:0 i4", 0x12345678, 0),
    IMM16("05 34 12", 3, ADD, "r2:0 i2", 0x1234, 0),
    IMM16("66 05 78 56 34 12", 6, ADD, "r4:0 i4", 0x12345678, 0),
    IMM32("66 05 34 12", 4, ADD, "r2:0 i2", 0x1234, 0),
    IMM32("0c 80", 2, OR, "r1:0 i1", 0x80, 0),
    IMM32("14 01", 2, ADC, "r1:0 i1", 1, 0),
    IMM32("1c 01", 2, SBB, "r1:0 i1", 1, 0),
    IMM32("24 0f", 2, AND, "r1:0 i1", 0x0F, 0),
    IMM32("34 ff", 2, XOR, "r1:0 i1", 0xFF, 0),
    IMM32("3d 00 00 00 80", 5, CMP, "r4:0 i4", 0x80000000u, 0),
    IMM32("80 c3 ff", 3, ADD, "r1:3 i1", 0xFF, 0),
    IMM32("82 f9 01", 3, CMP, "r1:1 i1", 1, 0),
    IMM32("81 38 78 56 34 12", 6, CMP, "m4 i4", 0x12345678, 0),
    IMM32("83 c0 ff", 3, ADD, "r4:0 i4", 0xFFFFFFFFu, 0),
    IMM32("66 83 c0 80", 4, ADD, "r2:0 i2", 0xFF80, 0),
    IMM16("83 e8 7f", 3, SUB, "r2:0 i2", 0x7F, 0),
    IMM32("83 60 04 f0", 4, AND, "m4 i4", 0xFFFFFFF0u, 0),
    OK32("84 c0", 2, TEST, "r1:0 r1:0"),
    OK32("85 06", 2, TEST, "m4 r4:0"),
    IMM32("a8 01", 2, TEST, "r1:0 i1", 1, 0),
    IMM16("a9 00 80", 3, TEST, "r2:0 i2", 0x8000, 0),
    /* INC/DEC/PUSH/POP with the register in the opcode */
    OK32("40", 1, INC, "r4:0"),
    OK16("4f", 1, DEC, "r2:7"),
    OK32("55", 1, PUSH, "r4:5"),
    OK16("5e", 1, POP, "r2:6"),
    IMM32("6a ff", 2, PUSH, "i4", 0xFFFFFFFFu, 0),
    IMM16("6a 80", 2, PUSH, "i2", 0xFF80, 0),
    IMM32("68 00 10 00 00", 5, PUSH, "i4", 0x1000, 0),
    IMM16("68 34 12", 3, PUSH, "i2", 0x1234, 0),
    OK32("8f 00", 2, POP, "m4"),
    OK32("ff 30", 2, PUSH, "m4"),
    OK16("06", 1, PUSH_SREG, "s0"),
    OK16("0e", 1, PUSH_SREG, "s1"),
    OK16("17", 1, POP_SREG, "s2"),
    OK16("1f", 1, POP_SREG, "s3"),
    OK32("0f a0", 2, PUSH_SREG, "s4"),
    OK32("0f a9", 2, POP_SREG, "s5"),
    OK32("60", 1, PUSHA, ""),
    OK32("61", 1, POPA, ""),
    OK32("9c", 1, PUSHF, ""),
    OK32("9d", 1, POPF, ""),
    /* multiply/divide */
    IMM32("69 c3 10 00 00 00", 6, IMUL2, "r4:0 r4:3 i4", 0x10, 0),
    IMM32("6b c3 fe", 3, IMUL2, "r4:0 r4:3 i4", 0xFFFFFFFEu, 0),
    IMM16("6b 07 fe", 3, IMUL2, "r2:0 m2 i2", 0xFFFE, 0),
    OK32("0f af c1", 3, IMUL2, "r4:0 r4:1"),
    IMM32("f6 c1 01", 3, TEST, "r1:1 i1", 1, 0),
    IMM32("f6 c9 01", 3, TEST, "r1:1 i1", 1, 0),
    IMM32("f7 c1 00 01 00 00", 6, TEST, "r4:1 i4", 0x100, 0),
    OK32("f6 d0", 2, NOT, "r1:0"),
    OK32("f7 d8", 2, NEG, "r4:0"),
    OK32("f6 e1", 2, MUL, "r1:1"),
    OK32("f7 2e", 2, IMUL, "m4"),
    OK16("f7 f3", 2, DIV, "r2:3"),
    OK32("f6 f9", 2, IDIV, "r1:1"),
    OK32("fe c0", 2, INC, "r1:0"),
    OK32("fe 08", 2, DEC, "m1"),
    OK32("ff c0", 2, INC, "r4:0"),
    OK32("ff 08", 2, DEC, "m4"),
    /* BCD and friends */
    OK32("27", 1, DAA, ""),
    OK32("2f", 1, DAS, ""),
    OK32("37", 1, AAA, ""),
    OK32("3f", 1, AAS, ""),
    IMM32("d4 0a", 2, AAM, "", 10, 0),
    IMM32("d5 07", 2, AAD, "", 7, 0),
    OK32("d6", 1, SALC, ""),
    OK32("d7", 1, XLAT, ""),
    OK32("98", 1, CBW, ""),
    OK16("99", 1, CWD, ""),
    OK32("9e", 1, SAHF, ""),
    OK32("9f", 1, LAHF, ""),
    OK32("9b", 1, WAIT, ""),
    OK32("f5", 1, CMC, ""),
    OK32("f8", 1, CLC, ""),
    OK32("f9", 1, STC, ""),
    OK32("fc", 1, CLD, ""),
    OK32("fd", 1, STD, ""),
    OK32("fa", 1, CLI, ""),
    OK32("fb", 1, STI, ""),
    OK32("f4", 1, HLT, ""),
    /* shifts: D0/D1 count 1, D2/D3 count CL, C0/C1 imm8; /6 is SAL */
    IMM32("d0 e0", 2, SHL, "r1:0 i1", 1, 0),
    IMM32("d1 f8", 2, SAR, "r4:0 i1", 1, 0),
    OK32("d2 c0", 2, ROL, "r1:0 r1:1"),
    OK16("d3 28", 2, SHR, "m2 r1:1"),
    IMM32("c0 c8 03", 3, ROR, "r1:0 i1", 3, 0),
    IMM32("c1 10 1f", 3, RCL, "m4 i1", 0x1F, 0),
    IMM32("c1 d8 02", 3, RCR, "r4:0 i1", 2, 0),
    IMM32("d1 f0", 2, SAL, "r4:0 i1", 1, 0),
    IMM32("0f a4 c2 04", 4, SHLD, "r4:2 r4:0 i1", 4, 0),
    OK32("0f a5 c2", 3, SHLD, "r4:2 r4:0 r1:1"),
    IMM16("0f ac 07 04", 4, SHRD, "m2 r2:0 i1", 4, 0),
    OK32("0f ad c2", 3, SHRD, "r4:2 r4:0 r1:1"),
    /* bits */
    OK32("0f a3 c8", 3, BT, "r4:0 r4:1"),
    OK32("0f ab 08", 3, BTS, "m4 r4:1"),
    OK32("0f b3 c8", 3, BTR, "r4:0 r4:1"),
    OK32("0f bb c8", 3, BTC, "r4:0 r4:1"),
    IMM32("0f ba e0 05", 4, BT, "r4:0 i1", 5, 0),
    IMM32("0f ba 28 05", 4, BTS, "m4 i1", 5, 0),
    IMM32("0f ba f0 05", 4, BTR, "r4:0 i1", 5, 0),
    IMM32("0f ba f8 05", 4, BTC, "r4:0 i1", 5, 0),
    OK32("0f bc c1", 3, BSF, "r4:0 r4:1"),
    OK16("0f bd c1", 3, BSR, "r2:0 r2:1"),
    OK32("f3 0f bc c1", 4, BSF, "r4:0 r4:1"),
    /* data movement */
    OK32("88 e0", 2, MOV, "r1:0 r1:4"),
    OK32("89 c8", 2, MOV, "r4:0 r4:1"),
    OK16("8a 07", 2, MOV, "r1:0 m1"),
    OK32("8b 04 24", 3, MOV, "r4:0 m4"),
    IMM32("b0 12", 2, MOV, "r1:0 i1", 0x12, 0),
    IMM32("b7 12", 2, MOV, "r1:7 i1", 0x12, 0),
    IMM32("bb 78 56 34 12", 5, MOV, "r4:3 i4", 0x12345678, 0),
    IMM16("bf 34 12", 3, MOV, "r2:7 i2", 0x1234, 0),
    IMM32("c6 00 ff", 3, MOV, "m1 i1", 0xFF, 0),
    IMM32("c7 40 04 01 00 00 00", 7, MOV, "m4 i4", 1, 0),
    IMM16("c7 06 34 12 78 56", 6, MOV, "m2 i2", 0x5678, 0),
    OK32("a0 78 56 34 12", 5, MOV, "r1:0 m1"),
    OK32("a1 78 56 34 12", 5, MOV, "r4:0 m4"),
    OK16("a2 34 12", 3, MOV, "m1 r1:0"),
    OK16("a3 34 12", 3, MOV, "m2 r2:0"),
    OK16("67 a1 78 56 34 12", 6, MOV, "r2:0 m2"),
    OK32("67 a1 34 12", 4, MOV, "r4:0 m4"),
    OK32("8c d8", 2, MOV_FROM_SREG, "r4:0 s3"),
    OK32("8c 18", 2, MOV_FROM_SREG, "m2 s3"),
    OK16("8c c8", 2, MOV_FROM_SREG, "r2:0 s1"),
    OK32("8e d8", 2, MOV_TO_SREG, "s3 r2:0"),
    OK16("8e 16 34 12", 4, MOV_TO_SREG, "s2 m2"),
    OK32("8e e0", 2, MOV_TO_SREG, "s4 r2:0"),
    OK32("8d 44 24 04", 4, LEA, "r4:0 m0"),
    OK16("8d 00", 2, LEA, "r2:0 m0"),
    OK16("c4 1e 00 01", 4, LES, "r2:3 m4"),
    OK32("c5 30", 2, LDS, "r4:6 m6"),
    OK32("0f b2 20", 3, LSS, "r4:4 m6"),
    OK16("0f b4 07", 3, LFS, "r2:0 m4"),
    OK32("0f b5 07", 3, LGS, "r4:0 m6"),
    OK32("0f b6 c1", 3, MOVZX, "r4:0 r1:1"),
    OK32("0f b7 00", 3, MOVZX, "r4:0 m2"),
    OK16("0f be c4", 3, MOVSX, "r2:0 r1:4"),
    OK32("0f bf c1", 3, MOVSX, "r4:0 r2:1"),
    OK32("86 c4", 2, XCHG, "r1:4 r1:0"),
    OK32("87 08", 2, XCHG, "m4 r4:1"),
    OK32("91", 1, XCHG, "r4:0 r4:1"),
    OK16("97", 1, XCHG, "r2:0 r2:7"),
    OK32("90", 1, NOP, ""),
    OK32("f3 90", 2, NOP, ""),
    OK32("66 90", 2, NOP, ""),
    OK32("0f 1f 00", 3, NOP, "m4"),
    OK32("66 0f 1f 44 00 00", 6, NOP, "m2"),
    OK32("0f c8", 2, BSWAP, "r4:0"),
    OK32("0f cf", 2, BSWAP, "r4:7"),
    OK32("0f c0 c8", 3, XADD, "r1:0 r1:1"),
    OK32("0f c1 08", 3, XADD, "m4 r4:1"),
    OK32("0f b0 0b", 3, CMPXCHG, "m1 r1:1"),
    OK32("0f b1 cb", 3, CMPXCHG, "r4:3 r4:1"),
    OK32("62 03", 2, BOUND, "r4:0 m8"),
    OK16("62 03", 2, BOUND, "r2:0 m4"),
    OK32("63 c8", 2, ARPL, "r2:0 r2:1"),
    OK32("0f 44 c1", 3, CMOVCC, "r4:0 r4:1"),
    OK32("0f 9f c0", 3, SETCC, "r1:0"),
    OK32("0f 92 00", 3, SETCC, "m1"),
    /* strings: no operands */
    OK32("a4", 1, MOVS, ""),
    OK32("f3 a5", 2, MOVS, ""),
    OK16("a6", 1, CMPS, ""),
    OK32("f3 ab", 2, STOS, ""),
    OK32("ac", 1, LODS, ""),
    OK32("f2 ae", 2, SCAS, ""),
    OK32("6c", 1, INS, ""),
    OK32("66 6d", 2, INS, ""),
    OK32("6e", 1, OUTS, ""),
    OK32("f3 6f", 2, OUTS, ""),
    /* I/O: port as IMM size 1 or REG DX size 2 */
    IMM32("e4 60", 2, IN, "r1:0 i1", 0x60, 0),
    IMM32("e5 60", 2, IN, "r4:0 i1", 0x60, 0),
    IMM32("e6 80", 2, OUT, "i1 r1:0", 0x80, 0),
    IMM16("e7 80", 2, OUT, "i1 r2:0", 0x80, 0),
    OK32("ec", 1, IN, "r1:0 r2:2"),
    OK16("ed", 1, IN, "r2:0 r2:2"),
    OK32("ee", 1, OUT, "r2:2 r1:0"),
    OK32("ef", 1, OUT, "r2:2 r4:0"),
    /* control transfers: rel targets computed at pc 0x1000 and masked by opsize */
    IMM32("eb fe", 2, JMP, "", 0x1000, 0),
    IMM32("e9 fb ff ff ff", 5, JMP, "", 0x1000, 0),
    IMM32("e8 00 00 00 00", 5, CALL, "", 0x1005, 0),
    IMM16("e8 f0 ef", 3, CALL, "", 0xFFF3, 0),
    IMM16("e9 00 f0", 3, JMP, "", 0x0003, 0),
    IMM32("66 e9 00 f0", 4, JMP, "", 0x0004, 0),
    IMM16("66 e9 00 00 01 00", 6, JMP, "", 0x11006, 0),
    IMM32("74 10", 2, JCC, "", 0x1012, 0),
    IMM32("0f 85 00 01 00 00", 6, JCC, "", 0x1106, 0),
    IMM16("0f 8c fc ff", 4, JCC, "", 0x1000, 0),
    IMM32("e2 fe", 2, LOOP, "", 0x1000, 0),
    IMM32("e1 00", 2, LOOPE, "", 0x1002, 0),
    IMM32("e0 00", 2, LOOPNE, "", 0x1002, 0),
    IMM32("e3 00", 2, JCXZ, "", 0x1002, 0),
    IMM32("67 e3 00", 3, JCXZ, "", 0x1003, 0),
    IMM16("ea 00 01 00 f0", 5, JMP_FAR, "", 0x0100, 0xF000),
    IMM32("ea 78 56 34 12 08 00", 7, JMP_FAR, "", 0x12345678, 0x0008),
    IMM32("9a 78 56 34 12 10 00", 7, CALL_FAR, "", 0x12345678, 0x0010),
    IMM16("9a 34 12 00 f0", 5, CALL_FAR, "", 0x1234, 0xF000),
    OK32("ff d0", 2, CALL_IND, "r4:0"),
    OK16("ff 17", 2, CALL_IND, "m2"),
    OK32("ff 18", 2, CALL_FAR_IND, "m6"),
    OK16("ff 2f", 2, JMP_FAR_IND, "m4"),
    OK32("ff e0", 2, JMP_IND, "r4:0"),
    OK32("ff 24 85 00 10 00 00", 7, JMP_IND, "m4"),
    OK32("c3", 1, RET, ""),
    IMM32("c2 08 00", 3, RET, "", 8, 0),
    OK32("cb", 1, RETF, ""),
    IMM16("ca 04 00", 3, RETF, "", 4, 0),
    IMM32("cc", 1, INT3, "", 3, 0),
    IMM32("cd 80", 2, INT, "", 0x80, 0),
    OK32("ce", 1, INTO, ""),
    OK32("cf", 1, IRET, ""),
    IMM32("c8 00 80 01", 4, ENTER, "", 0x8000, 1),
    IMM16("c8 10 00 00", 4, ENTER, "", 0x10, 0),
    OK32("c9", 1, LEAVE, ""),
    /* x87 escapes: length from ModRM; memory operand (with its size) if mod != 3 */
    OK32("d9 c0", 2, ESC, ""),
    OK32("de e9", 2, ESC, ""),
    OK32("df e0", 2, ESC, ""),
    OK32("d8 00", 2, ESC, "m4"),
    OK16("dd 06 34 12", 4, ESC, "m8"),
    OK32("db 28", 2, ESC, "m10"),
    OK32("d9 20", 2, ESC, "m28"),
    OK16("d9 30", 2, ESC, "m14"),
    OK32("dd 30", 2, ESC, "m108"),
    OK16("dd 20", 2, ESC, "m94"),
    OK32("df 2c 24", 3, ESC, "m8"),
    OK32("de 44 24 04", 4, ESC, "m2"),
    OK32("d9 7c 24 fe", 4, ESC, "m2"),
    /* system */
    OK32("0f 00 c0", 3, SLDT, "r4:0"),
    OK32("0f 00 00", 3, SLDT, "m2"),
    OK16("0f 00 c8", 3, STR, "r2:0"),
    OK32("0f 00 d0", 3, LLDT, "r2:0"),
    OK32("0f 00 18", 3, LTR, "m2"),
    OK32("0f 00 e0", 3, VERR, "r2:0"),
    OK32("0f 00 e8", 3, VERW, "r2:0"),
    OK32("0f 01 00", 3, SGDT, "m6"),
    OK16("0f 01 0f", 3, SIDT, "m6"),
    OK32("0f 01 15 00 10 00 00", 7, LGDT, "m6"),
    OK32("0f 01 18", 3, LIDT, "m6"),
    OK32("0f 01 e0", 3, SMSW, "r4:0"),
    OK32("0f 01 20", 3, SMSW, "m2"),
    OK32("0f 01 f0", 3, LMSW, "r2:0"),
    OK32("0f 01 38", 3, INVLPG, "m0"),
    OK32("0f 02 c1", 3, LAR, "r4:0 r2:1"),
    OK16("0f 03 07", 3, LSL, "r2:0 m2"),
    OK32("0f 06", 2, CLTS, ""),
    OK32("0f 08", 2, INVD, ""),
    OK32("0f 09", 2, WBINVD, ""),
    OK32("0f 0b", 2, UD, ""),
    OK32("0f b9 00", 3, UD, ""),
    OK32("0f 20 c0", 3, MOV_FROM_CR, "r4:0 c0"),
    OK32("0f 20 d3", 3, MOV_FROM_CR, "r4:3 c2"),
    OK32("0f 22 d8", 3, MOV_TO_CR, "c3 r4:0"),
    OK32("0f 22 e0", 3, MOV_TO_CR, "c4 r4:0"),
    /* SDM MOV CR: mod is ignored, no displacement follows */
    OK32("0f 20 00", 3, MOV_FROM_CR, "r4:0 c0"),
    OK16("0f 20 c0", 3, MOV_FROM_CR, "r4:0 c0"),
    OK32("0f 21 f8", 3, MOV_FROM_DR, "r4:0 d7"),
    OK32("0f 23 c1", 3, MOV_TO_DR, "d0 r4:1"),
    OK32("0f 23 e1", 3, MOV_TO_DR, "d4 r4:1"),
    OK32("0f 31", 2, RDTSC, ""),
    OK32("0f a2", 2, CPUID, ""),
};

static void check_vec(const struct vec *v)
{
    struct x86_insn in;
    uint8_t buf[32];
    size_t n = parse_hex(v->hex, buf, sizeof buf);
    enum decode_status st = x86_decode(buf, n, 0x1000, v->code32, &in);
    char opnds[128];
    format_opnds(&in, opnds, sizeof opnds);
    bool ok = st == v->st && in.len == v->len && in.op == v->op && in.pc == 0x1000 &&
              (!v->opnds || strcmp(opnds, v->opnds) == 0) &&
              (!v->check_imm || (in.imm == v->imm && in.imm2 == v->imm2));
    if (!ok)
        print_error("%d-bit %s: got status %d len %u op %s opnds \"%s\" imm %#x imm2 %#x; "
                    "want status %d len %u op %s opnds \"%s\" imm %#x imm2 %#x\n",
                    v->code32 ? 32 : 16, v->hex, st, in.len, x86_op_name(in.op), opnds,
                    in.imm, in.imm2, v->st, v->len, x86_op_name(v->op),
                    v->opnds ? v->opnds : "-", v->imm, v->imm2);
    assert_true(ok);
}

static void test_vectors(void **state)
{
    for (size_t i = 0; i < ARRAY_SIZE(vecs); i++)
        check_vec(&vecs[i]);
}

/* Every proper prefix of a valid instruction is NEED_MORE, never #UD. */
static void test_need_more(void **state)
{
    for (size_t i = 0; i < ARRAY_SIZE(vecs); i++) {
        uint8_t buf[32];
        size_t n = parse_hex(vecs[i].hex, buf, sizeof buf);
        for (size_t k = 0; k < n; k++) {
            struct x86_insn in;
            enum decode_status st = x86_decode(buf, k, 0, vecs[i].code32, &in);
            if (st != DECODE_NEED_MORE)
                print_error("%s truncated to %zu bytes: status %d\n", vecs[i].hex, k, st);
            assert_int_equal(st, DECODE_NEED_MORE);
        }
    }
}

/* ---- invalid encodings ---- */

static const struct vec ud_vecs[] = {
    UD32("f1", 1),
    UD32("0f 0f", 2),
    UD32("0f 38", 2),
    UD32("0f 33", 2),
    UD32("0f aa", 2),
    /* CMPXCHG8B needs a memory operand */
    UD32("0f c7 c8", 3),
    UD32("0f ff", 2),
    UD32("0f a6", 2),
    UD32("0f 24 c0", 2),
    /* memory-only operands with mod == 3: the whole length is still consumed */
    UD32("8d c0", 2),
    UD16("c4 c0", 2),
    UD32("c5 c0", 2),
    UD32("62 c0", 2),
    UD32("0f b2 c0", 3),
    UD32("ff d8", 2),
    UD32("ff e8", 2),
    UD32("0f 01 c0", 3),
    UD32("0f 01 d8", 3),
    UD32("0f 01 f8", 3),
    /* group members that do not exist */
    UD32("fe 10", 2),
    UD32("ff 38", 2),
    UD32("8f 08", 2),
    UD32("c6 08", 2),
    UD32("c7 f8", 2),
    UD32("0f 00 30", 3),
    UD32("0f 01 28", 3),
    UD32("0f ba 18", 3),
    /* segment registers 6 and 7; MOV CS */
    UD32("8c f0", 2),
    UD32("8e f8", 2),
    UD32("8e c8", 2),
    UD16("8e 0e 34 12", 4),
    /* CR1, CR5-CR7 */
    UD32("0f 20 c8", 3),
    UD32("0f 22 e8", 3),
    UD32("0f 22 f8", 3),
};

static void test_ud(void **state)
{
    for (size_t i = 0; i < ARRAY_SIZE(ud_vecs); i++)
        check_vec(&ud_vecs[i]);
}

/* A known #UD still reports NEED_MORE while bytes of its length are missing
 * (instruction fetch faults come before decode faults, SDM vol. 3 table 6-2). */
static void test_ud_truncated(void **state)
{
    struct x86_insn in;
    assert_int_equal(decode_hex("8e 0e 34", false, 0, &in), DECODE_NEED_MORE);
    assert_int_equal(decode_hex("f0 05 00 00", true, 0, &in), DECODE_NEED_MORE);
    assert_int_equal(decode_hex("f0 05 00 00 00 00", true, 0, &in), DECODE_UD);
    assert_int_equal(in.len, 6);
    assert_int_equal(decode_hex("0f ba", true, 0, &in), DECODE_NEED_MORE);
    assert_int_equal(decode_hex("", true, 0, &in), DECODE_NEED_MORE);
}

/* ---- LOCK (SDM vol. 2 LOCK) ---- */

struct lock_vec {
    const char *hex;
    enum decode_status st;
};

static const struct lock_vec lock_vecs[] = {
    { "f0 00 00", DECODE_OK },          /* add [eax], al */
    { "f0 00 c0", DECODE_UD },          /* register destination */
    { "f0 02 00", DECODE_UD },          /* add al, [eax]: destination is a register */
    { "f0 38 00", DECODE_UD },          /* cmp */
    { "f0 84 00", DECODE_UD },          /* test */
    { "f0 88 00", DECODE_UD },          /* mov */
    { "f0 90", DECODE_UD },
    { "f0 91", DECODE_UD },             /* xchg eax, ecx: no memory */
    { "f0 87 08", DECODE_OK },
    { "f0 86 c8", DECODE_UD },
    { "f0 80 08 01", DECODE_OK },       /* or */
    { "f0 80 38 01", DECODE_UD },       /* cmp */
    { "f0 81 30 01 00 00 00", DECODE_OK },
    { "f0 83 10 01", DECODE_OK },       /* adc */
    { "f0 83 18 01", DECODE_OK },       /* sbb */
    { "f0 83 20 01", DECODE_OK },       /* and */
    { "f0 83 28 01", DECODE_OK },       /* sub */
    { "f0 f6 10", DECODE_OK },          /* not */
    { "f0 f7 18", DECODE_OK },          /* neg */
    { "f0 f6 00 01", DECODE_UD },       /* test */
    { "f0 f7 20", DECODE_UD },          /* mul */
    { "f0 fe 00", DECODE_OK },          /* inc */
    { "f0 ff 08", DECODE_OK },          /* dec */
    { "f0 ff 10", DECODE_UD },          /* call */
    { "f0 40", DECODE_UD },             /* inc eax */
    { "f0 0f ab 00", DECODE_OK },       /* bts */
    { "f0 0f b3 00", DECODE_OK },       /* btr */
    { "f0 0f bb 00", DECODE_OK },       /* btc */
    { "f0 0f a3 00", DECODE_UD },       /* bt */
    { "f0 0f ba 28 01", DECODE_OK },
    { "f0 0f ba 20 01", DECODE_UD },
    { "f0 0f c1 00", DECODE_OK },       /* xadd */
    { "f0 0f b1 08", DECODE_OK },       /* cmpxchg */
    { "f0 0f b1 c8", DECODE_UD },
    { "f0 d1 20", DECODE_UD },          /* shl */
    { "f0 d9 00", DECODE_UD },          /* x87 */
    { "f0 0f 20 c0", DECODE_UD },       /* mov eax, cr0 (CR8 on AMD) */
    { "f0 f3 a4", DECODE_UD },          /* movs */
    { "2e f0 66 01 00", DECODE_OK },    /* prefixes in any order */
};

static void test_lock(void **state)
{
    for (size_t i = 0; i < ARRAY_SIZE(lock_vecs); i++) {
        struct x86_insn in;
        enum decode_status st = decode_hex(lock_vecs[i].hex, true, 0, &in);
        if (st != lock_vecs[i].st)
            print_error("%s: status %d, want %d\n", lock_vecs[i].hex, st, lock_vecs[i].st);
        assert_int_equal(st, lock_vecs[i].st);
        assert_true(in.lock);
        if (st == DECODE_UD && !in.lock_invalid)
            assert_int_equal(in.op, X86_OP_UD);
    }
}

/* A LOCK that is the only fault is reported (an 80286 ignores it) with the
 * instruction still described; any other fault hides the instruction. */
static void test_lock_invalid(void **state)
{
    struct x86_insn in;
    assert_int_equal(decode_hex("f0 01 c0", true, 0, &in), DECODE_UD);   /* lock add eax,eax */
    assert_true(in.lock_invalid);
    assert_int_equal(in.op, X86_OP_ADD);
    assert_int_equal(in.len, 3);
    assert_int_equal(decode_hex("f0 8b 00", true, 0, &in), DECODE_UD);   /* lock mov eax,[eax] */
    assert_true(in.lock_invalid);
    assert_int_equal(in.op, X86_OP_MOV);
    assert_int_equal(decode_hex("f0 01 00", true, 0, &in), DECODE_OK);   /* lock add [eax],eax */
    assert_false(in.lock_invalid);
    assert_int_equal(decode_hex("f0 8d c0", true, 0, &in), DECODE_UD);   /* lea eax,eax: #UD anyway */
    assert_false(in.lock_invalid);
    assert_int_equal(in.op, X86_OP_UD);
    assert_int_equal(decode_hex("f0 01", true, 0, &in), DECODE_NEED_MORE);
}

/* ---- prefixes ---- */

static void test_prefixes(void **state)
{
    struct x86_insn in;
    /* the last segment override wins; REP and LOCK flags */
    assert_int_equal(decode_hex("26 2e 64 8b 00", true, 0, &in), DECODE_OK);
    assert_int_equal(in.seg_override, SEG_FS);
    assert_int_equal(in.mem.seg, SEG_FS);
    assert_int_equal(in.len, 5);
    assert_int_equal(decode_hex("f2 f3 a4", true, 0, &in), DECODE_OK);
    assert_int_equal(in.rep, REP_E);
    assert_int_equal(decode_hex("f3 f2 a6", true, 0, &in), DECODE_OK);
    assert_int_equal(in.rep, REP_NE);
    assert_int_equal(decode_hex("a4", true, 0, &in), DECODE_OK);
    assert_int_equal(in.rep, REP_NONE);
    assert_int_equal(in.seg_override, SEG_NONE);
    assert_false(in.lock);
    /* a repeated 66 or 67 is still one flip of the default */
    assert_int_equal(decode_hex("66 66 b8 34 12", true, 0, &in), DECODE_OK);
    assert_int_equal(in.opsize, 2);
    assert_int_equal(in.len, 5);
    assert_int_equal(decode_hex("67 67 8b 00", false, 0, &in), DECODE_OK);
    assert_int_equal(in.addrsize, 4);
    assert_int_equal(decode_hex("66 2e 67 f3 a5", false, 0, &in), DECODE_OK);
    assert_int_equal(in.opsize, 4);
    assert_int_equal(in.addrsize, 4);
    assert_int_equal(in.seg_override, SEG_CS);
    assert_int_equal(in.rep, REP_E);
    assert_int_equal(decode_hex("90", false, 0, &in), DECODE_OK);
    assert_int_equal(in.opsize, 2);
    assert_int_equal(in.addrsize, 2);
    /* string instructions: the source segment is in mem.seg */
    assert_int_equal(decode_hex("26 ac", true, 0, &in), DECODE_OK);
    assert_int_equal(in.mem.seg, SEG_ES);
    assert_int_equal(decode_hex("ac", true, 0, &in), DECODE_OK);
    assert_int_equal(in.mem.seg, SEG_DS);
}

/* SDM vol. 2 2.3.11: more than 15 bytes is #GP, however the bytes are spent. */
static void test_length_limit(void **state)
{
    uint8_t buf[32];
    struct x86_insn in;
    memset(buf, 0x26, sizeof buf);
    buf[14] = 0x90;
    assert_int_equal(x86_decode(buf, sizeof buf, 0, true, &in), DECODE_OK);
    assert_int_equal(in.len, 15);
    buf[14] = 0x26;
    buf[15] = 0x90;
    assert_int_equal(x86_decode(buf, sizeof buf, 0, true, &in), DECODE_TOO_LONG);
    /* 11 prefixes + add eax, imm32 = 16 bytes: #GP even before the last byte */
    memset(buf, 0x3e, 11);
    memcpy(buf + 11, "\x05\x01\x02\x03\x04", 5);
    assert_int_equal(x86_decode(buf, 16, 0, true, &in), DECODE_TOO_LONG);
    assert_int_equal(x86_decode(buf, 15, 0, true, &in), DECODE_TOO_LONG);
    assert_int_equal(x86_decode(buf, 14, 0, true, &in), DECODE_NEED_MORE);
    /* 10 prefixes: exactly 15 */
    assert_int_equal(x86_decode(buf + 1, 15, 0, true, &in), DECODE_OK);
    assert_int_equal(in.len, 15);
    /* redundant 66s count: 12 x 3E, 66 66, add [eax], imm16 = 18 bytes */
    memset(buf, 0x3e, 12);
    memcpy(buf + 12, "\x66\x66\x81\x00\x01\x02", 6);
    assert_int_equal(x86_decode(buf, 18, 0, true, &in), DECODE_TOO_LONG);
    /* 9 x 3E + 66 66 + 81 00 imm16 = 15 */
    assert_int_equal(x86_decode(buf + 3, 15, 0, true, &in), DECODE_OK);
    assert_int_equal(in.len, 15);
    assert_int_equal(in.opsize, 2);
}

/* ---- ModRM/SIB addressing (SDM vol. 2 tables 2-1, 2-2, 2-3) ---- */

struct mem_vec {
    bool code32;
    const char *hex;
    int8_t base, index;
    uint8_t scale, seg;
    uint32_t disp;
    uint8_t len;
};

static const struct mem_vec mem_vecs[] = {
    { false, "8b 00", R_EBX, R_ESI, 1, SEG_DS, 0, 2 },
    { false, "8b 01", R_EBX, R_EDI, 1, SEG_DS, 0, 2 },
    { false, "8b 02", R_EBP, R_ESI, 1, SEG_SS, 0, 2 },
    { false, "8b 03", R_EBP, R_EDI, 1, SEG_SS, 0, 2 },
    { false, "8b 04", R_ESI, -1, 1, SEG_DS, 0, 2 },
    { false, "8b 05", R_EDI, -1, 1, SEG_DS, 0, 2 },
    { false, "8b 06 34 12", -1, -1, 1, SEG_DS, 0x1234, 4 },
    { false, "8b 07", R_EBX, -1, 1, SEG_DS, 0, 2 },
    { false, "8b 46 fe", R_EBP, -1, 1, SEG_SS, 0xFFFE, 3 },
    { false, "8b 47 7f", R_EBX, -1, 1, SEG_DS, 0x7F, 3 },
    { false, "8b 80 00 80", R_EBX, R_ESI, 1, SEG_DS, 0x8000, 4 },
    { false, "8b 86 00 01", R_EBP, -1, 1, SEG_SS, 0x100, 4 },
    { false, "26 8b 46 00", R_EBP, -1, 1, SEG_ES, 0, 4 },
    { false, "3e 8b 02", R_EBP, R_ESI, 1, SEG_DS, 0, 3 },
    { true, "8b 00", R_EAX, -1, 1, SEG_DS, 0, 2 },
    { true, "8b 05 78 56 34 12", -1, -1, 1, SEG_DS, 0x12345678, 6 },
    { true, "8b 45 f8", R_EBP, -1, 1, SEG_SS, 0xFFFFFFF8u, 3 },
    { true, "8b 85 00 01 00 00", R_EBP, -1, 1, SEG_SS, 0x100, 6 },
    { true, "8b 04 24", R_ESP, -1, 1, SEG_SS, 0, 3 },
    { true, "8b 44 24 04", R_ESP, -1, 1, SEG_SS, 4, 4 },
    { true, "8b 04 8b", R_EBX, R_ECX, 4, SEG_DS, 0, 3 },
    { true, "8b 44 c8 10", R_EAX, R_ECX, 8, SEG_DS, 0x10, 4 },
    { true, "8b 04 25 00 10 00 00", -1, -1, 1, SEG_DS, 0x1000, 7 },
    { true, "8b 04 85 00 10 00 00", -1, R_EAX, 4, SEG_DS, 0x1000, 7 },
    { true, "8b 04 6d 00 00 00 00", -1, R_EBP, 2, SEG_DS, 0, 7 },
    { true, "8b 44 2d 00", R_EBP, R_EBP, 1, SEG_SS, 0, 4 },
    { true, "8b 04 28", R_EAX, R_EBP, 1, SEG_DS, 0, 3 },
    { true, "8b 84 24 00 01 00 00", R_ESP, -1, 1, SEG_SS, 0x100, 7 },
    { true, "64 8b 04 24", R_ESP, -1, 1, SEG_FS, 0, 4 },
    { true, "67 8b 46 fe", R_EBP, -1, 1, SEG_SS, 0xFFFE, 4 },
    { false, "67 8b 04 24", R_ESP, -1, 1, SEG_SS, 0, 4 },
    { false, "67 66 8b 05 78 56 34 12", -1, -1, 1, SEG_DS, 0x12345678, 8 },
};

static void test_addressing(void **state)
{
    for (size_t i = 0; i < ARRAY_SIZE(mem_vecs); i++) {
        const struct mem_vec *v = &mem_vecs[i];
        struct x86_insn in;
        enum decode_status st = decode_hex(v->hex, v->code32, 0, &in);
        const struct x86_mem *m = &in.mem;
        bool ok = st == DECODE_OK && in.len == v->len && in.nopnd == 2 &&
                  in.opnd[1].kind == OPND_MEM && m->base == v->base && m->index == v->index &&
                  m->scale == v->scale && m->seg == v->seg && m->disp == v->disp;
        if (!ok)
            print_error("%s: status %d len %u base %d index %d scale %u seg %u disp %#x\n",
                        v->hex, st, in.len, m->base, m->index, m->scale, m->seg, m->disp);
        assert_true(ok);
    }
}

/* ---- other fields ---- */

static void test_fields(void **state)
{
    struct x86_insn in;
    assert_int_equal(decode_hex("66 0f b6 c3", true, 0x400, &in), DECODE_OK);
    assert_int_equal(in.opcode, 0x0FB6);
    assert_true(in.has_modrm);
    assert_int_equal(in.modrm, 0xC3);
    assert_int_equal(in.pc, 0x400);
    assert_int_equal(in.opsize, 2);
    assert_int_equal(decode_hex("90", true, 0, &in), DECODE_OK);
    assert_int_equal(in.opcode, 0x90);
    assert_false(in.has_modrm);
    /* condition codes of Jcc, SETcc, CMOVcc */
    for (unsigned cc = 0; cc < 16; cc++) {
        uint8_t jcc[2] = { (uint8_t)(0x70 + cc), 0 };
        uint8_t setcc[3] = { 0x0F, (uint8_t)(0x90 + cc), 0xC0 };
        uint8_t cmovcc[3] = { 0x0F, (uint8_t)(0x40 + cc), 0xC0 };
        assert_int_equal(x86_decode(jcc, 2, 0, true, &in), DECODE_OK);
        assert_int_equal(in.cc, cc);
        assert_int_equal(x86_decode(setcc, 3, 0, true, &in), DECODE_OK);
        assert_int_equal(in.cc, cc);
        assert_int_equal(x86_decode(cmovcc, 3, 0, true, &in), DECODE_OK);
        assert_int_equal(in.cc, cc);
    }
    /* ESC keeps the escape byte and ModRM */
    assert_int_equal(decode_hex("dd d9", true, 0, &in), DECODE_OK);
    assert_int_equal(in.opcode, 0xDD);
    assert_int_equal(in.modrm, 0xD9);
    assert_int_equal(in.nopnd, 0);
    /* 16-bit targets wrap at 64 KiB */
    assert_int_equal(decode_hex("eb 10", false, 0xFFF0, &in), DECODE_OK);
    assert_int_equal(in.imm, 0x0002);
}

static void test_op_names(void **state)
{
    assert_string_equal(x86_op_name(X86_OP_ADD), "add");
    assert_string_equal(x86_op_name(X86_OP_CMPXCHG), "cmpxchg");
    assert_string_equal(x86_op_name(X86_OP_COUNT), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_need_more),
        cmocka_unit_test(test_ud),
        cmocka_unit_test(test_ud_truncated),
        cmocka_unit_test(test_lock),
        cmocka_unit_test(test_lock_invalid),
        cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_length_limit),
        cmocka_unit_test(test_addressing),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_op_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
