; Real-mode self-check of MUL, IMUL (one, two and three operands), DIV and IDIV at
; 8/16/32 bits, register and memory forms, and the divide error (#DE, vector 0):
; on a 486 the pushed return address is the faulting DIV itself and the destination
; registers are unchanged (Intel SDM vol. 2 DIV/IDIV, vol. 3 6.15 "Interrupt 0").
; MUL/IMUL define only CF and OF; DIV/IDIV leave all flags undefined. The XT lines
; were re-run natively on an x86-64 host.
%define PROG_NAME "muldiv"
%include "lib.inc"

CO              equ     F_CF|F_OF
MEM             equ     0x0800

main:
        call    md_mul
        call    md_imul
        call    md_div
        call    md_mem
        call    md_fault
        ret

md_mul:
        GROUP   "mul"
        XT {mul bl},  0x12340080, 0x02, 0, 0, 0, 0x12340100, 0, CO, CO
        XT {mul bl},  0x0F, 0x0F, 0, 0, CO, 0xE1, 0, 0, CO
        XT {mul bh},  0xFF, 0xFF00, 0, 0, 0, 0xFE01, 0, CO, CO
        XT {mul bx},  0x5555FFFF, 0xFFFF, 0, 0xAAAA0000, 0, 0x55550001, 0xAAAAFFFE, CO, CO
        XT {mul bx},  0x1000, 0x000F, 0, 0x1234, CO, 0xF000, 0, 0, CO
        XT {mul ebx}, 0x80000000, 4, 0, 0, 0, 0, 2, CO, CO
        XT {mul ebx}, 0x10000, 0x10, 0, 0xFFFF, CO, 0x100000, 0, 0, CO
        XT {mul edx}, 0xFFFFFFFF, 0, 0, 0xFFFFFFFF, 0, 1, 0xFFFFFFFE, CO, CO
        GROUP_END
        ret

md_imul:
        GROUP   "imul"
        XT {imul bl},  0xFF, 0x80, 0, 0, 0, 0x0080, 0, CO, CO
        XT {imul bl},  0xFE, 0x03, 0, 0, CO, 0xFFFA, 0, 0, CO
        XT {imul bx},  0x8000, 0xFFFF, 0, 0x1234, 0, 0x8000, 0, CO, CO
        XT {imul bx},  0xFFFF, 0x0002, 0, 0, CO, 0xFFFE, 0xFFFF, 0, CO
        XT {imul ebx}, 0xFFFFFFFD, 7, 0, 0, CO, 0xFFFFFFEB, 0xFFFFFFFF, 0, CO
        XT {imul ebx}, 0x40000000, 2, 0, 0, 0, 0x80000000, 0, CO, CO
        XT {imul ax, bx},   0x0100, 0x0100, 0, 0x77, 0, 0, 0x77, CO, CO
        XT {imul ax, bx},   0xFFFF, 0x7FFF, 0, 0, CO, 0x8001, 0, 0, CO
        XT {imul eax, ebx}, 0xFFFFFFFB, 0xFFFFFFFA, 0, 0, CO, 30, 0, 0, CO
        XT {imul edx, eax, 3}, 0x2AAAAAAB, 0, 0, 0, 0, 0x2AAAAAAB, 0x80000001, CO, CO
        XT {imul ax, bx, -2},  0, 0x4000, 0, 0, CO, 0x8000, 0, 0, CO
        XT {imul eax, ebx, 0x10000}, 0, 0x12345, 0, 0, 0, 0x23450000, 0, CO, CO
        XT {imul dx, cx, 1000}, 0, 0, 33, 0, CO, 0, 33000, CO, CO
        GROUP_END
        ret

md_div:
        GROUP   "div/idiv"
        XT {div bl},  0x0100, 7, 0, 0, 0, 0x0424, 0, 0, 0
        XT {div bl},  0x00FF, 0xFF, 0, 0, 0, 0x0001, 0, 0, 0
        XT {div bx},  0x0000, 3, 0, 0x0001, 0, 0x5555, 0x0001, 0, 0
        XT {div ebx}, 0, 0x10, 0, 1, 0, 0x10000000, 0, 0, 0
        XT {div ebx}, 0xFFFFFFFF, 0x10, 0, 0x0F, 0, 0xFFFFFFFF, 0x0F, 0, 0
        XT {idiv bl},  0xFFF9, 2, 0, 0, 0, 0xFFFD, 0, 0, 0
        XT {idiv bl},  0xFF80, 1, 0, 0, 0, 0x0080, 0, 0, 0
        XT {idiv bl},  0x00FE, 2, 0, 0, 0, 0x007F, 0, 0, 0
        XT {idiv bx},  0xFF00, 0xFFF0, 0, 0xFFFF, 0, 0x0010, 0, 0, 0
        XT {idiv ebx}, 100, 0xFFFFFFF9, 0, 0, 0, 0xFFFFFFF2, 2, 0, 0
        XT {idiv ebx}, 0xFFFFFF9C, 7, 0, 0xFFFFFFFF, 0, 0xFFFFFFF2, 0xFFFFFFFE, 0, 0
        XT {idiv ecx}, 0x80000000, 0, 1, 0xFFFFFFFF, 0, 0x80000000, 0, 0, 0
        GROUP_END
        ret

md_mem:
        GROUP   "memory forms"
        mov     dword [MEM], 0x00000010
        mov     dword [MEM+4], 0xFFFFFFFE
        mov     ax, 0x0FFF
        mul     word [MEM]                      ; FFFh * 10h = FFF0h
        CHECK16 ax, 0xFFF0, "mul m16 ax"
        CHECK16 dx, 0, "mul m16 dx"
        CHECKF  CO, 0, "mul m16 flags"
        mov     eax, 3
        imul    eax, [MEM+4]                    ; 3 * -2
        CHECK32 eax, -6, "imul r32,m32"
        mov     bx, MEM
        imul    cx, [bx+4], 0x100               ; FFFEh * 100h = FE00h
        CHECK16 cx, 0xFE00, "imul r16,m16,imm16"
        CHECKF  CO, 0, "imul r16,m16,imm16 flags"
        mov     edx, 0
        mov     eax, 1000
        div     dword [bx]                      ; 1000 / 16 = 62 r 8
        CHECK32 eax, 62, "div m32 eax"
        CHECK32 edx, 8, "div m32 edx"
        mov     ax, -100
        idiv    byte [bx+4]                     ; -100 / -2 = 50 r 0
        CHECK16 ax, 0x0032, "idiv m8"
        mov     al, 0x20
        imul    byte [bx]                       ; 20h * 10h = 200h
        CHECK16 ax, 0x0200, "imul m8"
        CHECKF  CO, CO, "imul m8 flags"
        GROUP_END
        ret

; DE_TEST {insn}, eax, edx, ebx: the instruction must raise #DE with the pushed
; CS:IP at the instruction and EAX/EDX unchanged; lib_trap skips it.
%macro DE_TEST 4
%defstr DE_TEXT %1
        TRAP_ARM %%end - %%insn
        mov     eax, %2
        mov     edx, %3
        mov     ebx, %4
%%insn: %1
%%end:
        CHECK16 word [TRAP_COUNT], 1, {DE_TEXT, ": #DE count"}
        CHECK16 word [TRAP_IP], %%insn, {DE_TEXT, ": pushed IP"}
        CHECK16 word [TRAP_CS], ROM_SEG, {DE_TEXT, ": pushed CS"}
        CHECK32 eax, %2, {DE_TEXT, ": eax kept"}
        CHECK32 edx, %3, {DE_TEXT, ": edx kept"}
%endmacro

md_fault:
        GROUP   "#DE"
        SET_VEC 0, lib_trap
        DE_TEST {div bl},  0x1234, 0, 0
        DE_TEST {div bl},  0x0100, 0, 1
        DE_TEST {idiv bl}, 0x0080, 0, 1
        DE_TEST {idiv bl}, 0x8000, 0, 0xFF
        DE_TEST {div bx},  0x0000, 0x0001, 0x0001
        DE_TEST {idiv bx}, 0x0000, 0x0001, 0x0001
        DE_TEST {div ebx}, 0, 5, 5
        DE_TEST {idiv ebx}, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFF
%ifndef ORACLE_QEMU
        ; the most negative dividend over -1: QEMU 7.2 TCG dies with a host SIGFPE
        DE_TEST {idiv bx}, 0x0000, 0x8000, 0xFFFF
        DE_TEST {idiv ebx}, 0, 0x80000000, 0xFFFFFFFF
%endif
        mov     dword [MEM+8], 0
        DE_TEST {div word [MEM+8]}, 0x1111, 0x2222, 0
        DE_TEST {idiv dword [es:MEM+8]}, 7, 0, 0
        RESET_VEC 0
        GROUP_END
        ret

ROM_END
