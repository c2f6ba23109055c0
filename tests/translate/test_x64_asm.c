/* The x86-64 encoder (translate/x64_asm.c) against Capstone's x86-64
 * disassembler: every emitter, over registers that need REX, SIB or a
 * displacement byte, must produce the instruction Capstone reads back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <capstone/capstone.h>
#include <cmocka.h>

#include "x64_asm.h"

static const char *const reg64[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                      "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
static const char *const reg32[16] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
                                      "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d",
                                      "r15d"};
static const char *const reg16[16] = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
                                      "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w",
                                      "r15w"};
static const char *const reg8[16] = {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
                                     "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b",
                                     "r15b"};

/* Disassemble exactly one instruction filling buf[0..n) into "mnem ops". */
static void one(const uint8_t *buf, size_t n, char *out, size_t outlen)
{
    csh h;
    cs_insn *insn;
    assert_int_equal(cs_open(CS_ARCH_X86, CS_MODE_64, &h), CS_ERR_OK);
    size_t count = cs_disasm(h, buf, n, 0x1000, 1, &insn);
    assert_int_equal(count, 1);
    assert_int_equal(insn[0].size, n);
    snprintf(out, outlen, "%s %s", insn[0].mnemonic, insn[0].op_str);
    cs_free(insn, count);
    cs_close(&h);
}

#define EXPECT(emit, ...)                                                  \
    do {                                                                   \
        uint8_t code[32];                                                  \
        struct x64_buf b;                                                  \
        char want[96], got[256];                                            \
        x64_init(&b, code, code + sizeof(code));                           \
        emit;                                                              \
        assert_false(b.overflow);                                          \
        snprintf(want, sizeof(want), __VA_ARGS__);                         \
        one(code, x64_pos(&b), got, sizeof(got));                          \
        if (strcmp(got, want) != 0)                                        \
            fail_msg("got '%s' want '%s'", got, want);                     \
    } while (0)

static void test_alu_all_registers(void **state)
{
    (void)state;
    for (int d = 0; d < 16; d++) {
        for (int s = 0; s < 16; s++) {
            EXPECT(x64_alu_rr(&b, X64_ADD, 4, d, s), "add %s, %s", reg32[d], reg32[s]);
            EXPECT(x64_alu_rr(&b, X64_SUB, 8, d, s), "sub %s, %s", reg64[d], reg64[s]);
            EXPECT(x64_alu_rr(&b, X64_CMP, 2, d, s), "cmp %s, %s", reg16[d], reg16[s]);
            EXPECT(x64_alu_rr(&b, X64_XOR, 1, d, s), "xor %s, %s", reg8[d], reg8[s]);
            EXPECT(x64_mov_rr(&b, 1, d, s), "mov %s, %s", reg8[d], reg8[s]);
            EXPECT(x64_movzx(&b, 1, d, s), "movzx %s, %s", reg32[d], reg8[s]);
            EXPECT(x64_movsx(&b, 2, d, s), "movsx %s, %s", reg32[d], reg16[s]);
            EXPECT(x64_cmov(&b, X64_CC_NE, 4, d, s), "cmovne %s, %s", reg32[d], reg32[s]);
            EXPECT(x64_imul_rr(&b, 4, d, s), "imul %s, %s", reg32[d], reg32[s]);
        }
        EXPECT(x64_alu_ri(&b, X64_AND, 4, d, 0x1FE), "and %s, 0x1fe", reg32[d]);
        EXPECT(x64_alu_ri(&b, X64_OR, 4, d, -2), "or %s, 0xfffffffe", reg32[d]);
        EXPECT(x64_alu_ri(&b, X64_CMP, 1, d, 0x7F), "cmp %s, 0x7f", reg8[d]);
        EXPECT(x64_shift_ri(&b, X64_SHL, 4, d, 13), "shl %s, 0xd", reg32[d]);
        EXPECT(x64_shift_cl(&b, X64_SAR, 4, d), "sar %s, cl", reg32[d]);
        EXPECT(x64_setcc(&b, X64_CC_B, d), "setb %s", reg8[d]);
        EXPECT(x64_bswap(&b, d), "bswap %s", reg32[d]);
        EXPECT(x64_not(&b, 4, d), "not %s", reg32[d]);
        EXPECT(x64_neg(&b, 4, d), "neg %s", reg32[d]);
        EXPECT(x64_inc(&b, 2, d), "inc %s", reg16[d]);
        EXPECT(x64_dec(&b, 1, d), "dec %s", reg8[d]);
        EXPECT(x64_bt_ri(&b, d, 0), "bt %s, 0", reg32[d]);
        EXPECT(x64_mov_ri(&b, d, 0x12345678), "mov %s, 0x12345678", reg32[d]);
        EXPECT(x64_mov_ri64(&b, d, 0x123456789AULL), "movabs %s, 0x123456789a", reg64[d]);
        EXPECT(x64_push(&b, d), "push %s", reg64[d]);
        EXPECT(x64_pop(&b, d), "pop %s", reg64[d]);
    }
}

static void test_memory_forms(void **state)
{
    (void)state;
    for (int base = 0; base < 16; base++) {
        EXPECT(x64_load(&b, 4, X64_RAX, x64_m(base, 0)), "mov eax, dword ptr [%s]",
               reg64[base]);
        EXPECT(x64_load(&b, 2, X64_R9, x64_m(base, 8)), "movzx r9d, word ptr [%s + 8]",
               reg64[base]);
        EXPECT(x64_load(&b, 1, X64_RSI, x64_m(base, 0x440)), "movzx esi, byte ptr [%s + 0x440]",
               reg64[base]);
        EXPECT(x64_store(&b, 1, x64_m(base, -8), X64_RDI), "mov byte ptr [%s - 8], dil",
               reg64[base]);
        EXPECT(x64_store(&b, 2, x64_m(base, 0x10), X64_R11), "mov word ptr [%s + 0x10], r11w",
               reg64[base]);
        EXPECT(x64_store_imm(&b, 4, x64_m(base, 0x18), -1),
               "mov dword ptr [%s + 0x18], 0xffffffff", reg64[base]);
        EXPECT(x64_alu_mi(&b, X64_ADD, 8, x64_m(base, 0x30), 3), "add qword ptr [%s + 0x30], 3",
               reg64[base]);
        EXPECT(x64_alu_rm(&b, X64_CMP, 4, X64_R11, x64_mi(base, X64_RCX, 1, 0x444)),
               "cmp r11d, dword ptr [%s + rcx + 0x444]", reg64[base]);
        EXPECT(x64_lea(&b, 8, X64_RAX, x64_mi(base, X64_R13, 8, 1)),
               "lea rax, [%s + r13*8 + 1]", reg64[base]);
    }
}

static void test_jumps(void **state)
{
    (void)state;
    uint8_t code[32];
    struct x64_buf b;
    char got[256];
    x64_init(&b, code, code + sizeof(code));
    uint32_t f = x64_jcc32(&b, X64_CC_NE);
    x64_patch_rel32(&b, f, 0x20);
    one(code, x64_pos(&b), got, sizeof(got));
    assert_string_equal(got, "jne 0x1020");
    x64_init(&b, code, code + 4);
    x64_jmp32(&b);
    assert_true(b.overflow);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alu_all_registers),
        cmocka_unit_test(test_memory_forms),
        cmocka_unit_test(test_jumps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
