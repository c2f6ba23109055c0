; Real-mode self-check of the integer ALU family: ADD OR ADC SBB AND SUB XOR CMP TEST
; INC DEC NOT NEG at 8/16/32 bits, register, immediate and memory forms, and flags.
; Expected values follow Intel SDM vol. 2 (each instruction's "Flags Affected"); the
; XT lines were re-run natively on an x86-64 host. AF is undefined after AND/OR/XOR/TEST.
%define PROG_NAME "alu"
%include "lib.inc"

LOGIC           equ     F_ARITH & ~F_AF
MEM             equ     0x0800                  ; scratch RAM at 0000:0800

main:
        call    alu_add
        call    alu_sub
        call    alu_logic
        call    alu_unary
        call    alu_mem
        ret

alu_add:
        GROUP   "add/adc"
        XT {add al, bl},   0x7F, 0x01, 0, 0, 0, 0x80, 0, F_OF|F_SF|F_AF, F_ARITH
        XT {add al, bl},   0xFF, 0x01, 0, 0, 0, 0x00, 0, F_CF|F_ZF|F_AF|F_PF, F_ARITH
        XT {add ah, bh},   0x7000, 0x2000, 0, 0, 0, 0x9000, 0, F_OF|F_SF|F_PF, F_ARITH
        XT {add ax, bx},   0x8000, 0x8000, 0, 0, 0, 0x0000, 0, F_CF|F_OF|F_ZF|F_PF, F_ARITH
        XT {add eax, ebx}, 0x12345678, 0x11111111, 0, 0, F_CF, 0x23456789, 0, 0, F_ARITH
        XT {add eax, ebx}, 0xFFFFFFFF, 0x00000001, 0, 0, 0, 0, 0, F_CF|F_ZF|F_AF|F_PF, F_ARITH
        XT {add al, 0x80}, 0x80, 0, 0, 0, 0, 0x00, 0, F_CF|F_OF|F_ZF|F_PF, F_ARITH
        XT {add ax, 0x7FFF}, 0x0001, 0, 0, 0, 0, 0x8000, 0, F_OF|F_SF|F_AF|F_PF, F_ARITH
        XT {add edx, -2},  0, 0, 0, 1, 0, 0, 0xFFFFFFFF, F_SF|F_PF, F_ARITH
        XT {adc al, bl},   0x0F, 0x00, 0, 0, F_CF, 0x10, 0, F_AF, F_ARITH
        XT {adc al, bl},   0x0F, 0x00, 0, 0, 0, 0x0F, 0, F_PF, F_ARITH
        XT {adc ax, bx},   0xFFFF, 0xFFFF, 0, 0, F_CF, 0xFFFF, 0, F_CF|F_SF|F_AF|F_PF, F_ARITH
        XT {adc eax, ebx}, 0x7FFFFFFF, 0, 0, 0, F_CF, 0x80000000, 0, F_OF|F_SF|F_AF|F_PF, F_ARITH
        XT {adc eax, 1},   0xFFFFFFFE, 0, 0, 0, F_CF, 0, 0, F_CF|F_ZF|F_AF|F_PF, F_ARITH
        XT {adc dx, ax},   0x0001, 0, 0, 0x7FFE, F_CF, 0x0001, 0x8000, F_OF|F_SF|F_AF|F_PF, F_ARITH
        GROUP_END
        ret

alu_sub:
        GROUP   "sub/sbb/cmp"
        XT {sub al, bl},   0x00, 0x01, 0, 0, 0, 0xFF, 0, F_CF|F_SF|F_AF|F_PF, F_ARITH
        XT {sub ax, bx},   0x8000, 0x0001, 0, 0, 0, 0x7FFF, 0, F_OF|F_AF|F_PF, F_ARITH
        XT {sub eax, ebx}, 5, 5, 0, 0, F_CF, 0, 0, F_ZF|F_PF, F_ARITH
        XT {sub eax, ebx}, 0x80000000, 0x7FFFFFFF, 0, 0, 0, 1, 0, F_OF|F_AF, F_ARITH
        XT {sub ax, -1},   0x0000, 0, 0, 0, 0, 0x0001, 0, F_CF|F_AF, F_ARITH
        XT {sub dl, 0x30}, 0, 0, 0, 0x1239, 0, 0, 0x1209, F_PF, F_ARITH
        XT {sbb al, bl},   0x10, 0x0F, 0, 0, F_CF, 0x00, 0, F_ZF|F_AF|F_PF, F_ARITH
        XT {sbb ax, bx},   0x0000, 0xFFFF, 0, 0, F_CF, 0x0000, 0, F_CF|F_ZF|F_AF|F_PF, F_ARITH
        XT {sbb eax, ebx}, 0x80000000, 1, 0, 0, 0, 0x7FFFFFFF, 0, F_OF|F_AF|F_PF, F_ARITH
        XT {sbb eax, 0},   0, 0, 0, 0, F_CF, 0xFFFFFFFF, 0, F_CF|F_SF|F_AF|F_PF, F_ARITH
        XT {cmp al, bl},   0x40, 0x80, 0, 0, 0, 0x40, 0, F_CF|F_OF|F_SF|F_PF, F_ARITH
        XT {cmp ax, bx},   0x1234, 0x1234, 0, 0, F_CF, 0x1234, 0, F_ZF|F_PF, F_ARITH
        XT {cmp eax, ebx}, 1, 2, 0, 0, 0, 1, 0, F_CF|F_SF|F_AF|F_PF, F_ARITH
        XT {cmp eax, -1},  0x7FFFFFFF, 0, 0, 0, 0, 0x7FFFFFFF, 0, F_CF|F_OF|F_SF|F_PF, F_ARITH
        XT {cmp al, 0x7F}, 0x80, 0, 0, 0, 0, 0x80, 0, F_OF|F_AF, F_ARITH
        GROUP_END
        ret

alu_logic:
        GROUP   "and/or/xor/test"
        XT {and al, bl},   0xF0, 0x3C, 0, 0, F_CF|F_OF, 0x30, 0, F_PF, LOGIC
        XT {and ax, 0x00FF}, 0xAB80, 0, 0, 0, 0, 0x0080, 0, 0, LOGIC
        XT {and eax, ebx}, 0x80000001, 0x80000000, 0, 0, 0, 0x80000000, 0, F_SF|F_PF, LOGIC
        XT {or ax, bx},    0x8000, 0x0001, 0, 0, F_CF|F_OF, 0x8001, 0, F_SF, LOGIC
        XT {or al, 0},     0x00, 0, 0, 0, F_CF, 0, 0, F_ZF|F_PF, LOGIC
        XT {or eax, ebx},  0x00F0000F, 0x0F000070, 0, 0, 0, 0x0FF0007F, 0, 0, LOGIC
        XT {xor eax, ebx}, 0xDEADBEEF, 0xDEADBEEF, 0, 0, F_CF, 0, 0, F_ZF|F_PF, LOGIC
        XT {xor eax, 0xFFFF0000}, 0x12345678, 0, 0, 0, 0, 0xEDCB5678, 0, F_SF|F_PF, LOGIC
        XT {xor dh, 0xFF}, 0, 0, 0, 0x0F00, 0, 0, 0xF000, F_SF|F_PF, LOGIC
        XT {test al, bl},  0x80, 0x80, 0, 0, F_OF, 0x80, 0, F_SF, LOGIC
        XT {test eax, ebx}, 0x0000FF00, 0x0000F000, 0, 0, F_CF, 0xFF00, 0, F_PF, LOGIC
        XT {test ax, 0x0001}, 0xFFFE, 0, 0, 0, 0, 0xFFFE, 0, F_ZF|F_PF, LOGIC
        GROUP_END
        ret

alu_unary:
        GROUP   "inc/dec/not/neg"
        XT {inc al},       0x7F, 0, 0, 0, F_CF, 0x80, 0, F_CF|F_OF|F_SF|F_AF, F_ARITH
        XT {inc ax},       0xFFFF, 0, 0, 0, 0, 0, 0, F_ZF|F_AF|F_PF, F_ARITH
        XT {inc edx},      0, 0, 0, 0x0000FFFF, F_CF, 0, 0x10000, F_CF|F_AF|F_PF, F_ARITH
        XT {dec eax},      0x80000000, 0, 0, 0, F_CF, 0x7FFFFFFF, 0, F_CF|F_OF|F_AF|F_PF, F_ARITH
        XT {dec al},       0x01, 0, 0, 0, 0, 0, 0, F_ZF|F_PF, F_ARITH
        XT {dec dx},       0, 0, 0, 0x0000, 0, 0, 0xFFFF, F_SF|F_AF|F_PF, F_ARITH
        XT {not al},       0x5A, 0, 0, 0, F_ARITH, 0xA5, 0, F_ARITH, F_ARITH
        XT {not eax},      0, 0, 0, 0, 0, 0xFFFFFFFF, 0, 0, F_ARITH
        XT {not dx},       0, 0, 0, 0x12345678, F_ZF, 0, 0x1234A987, F_ZF, F_ARITH
        XT {neg al},       0x00, 0, 0, 0, F_CF, 0, 0, F_ZF|F_PF, F_ARITH
        XT {neg al},       0x80, 0, 0, 0, 0, 0x80, 0, F_CF|F_OF|F_SF, F_ARITH
        XT {neg ax},       0x0001, 0, 0, 0, 0, 0xFFFF, 0, F_CF|F_SF|F_AF|F_PF, F_ARITH
        XT {neg eax},      5, 0, 0, 0, 0, 0xFFFFFFFB, 0, F_CF|F_SF|F_AF, F_ARITH
        XT {neg edx},      0, 0, 0, 0x80000000, 0, 0, 0x80000000, F_CF|F_OF|F_SF|F_PF, F_ARITH
        GROUP_END
        ret

; memory forms: same semantics through ModRM memory operands (DS = 0)
alu_mem:
        GROUP   "memory forms"
        mov     dword [MEM], 0x11223344
        mov     dword [MEM+4], 0xFFFFFFFF
        add     byte [MEM], 0xBC                ; 44h + BCh = 100h
        CHECKF  F_ARITH, F_CF|F_ZF|F_AF|F_PF, "add m8,imm8 flags"
        CHECK32 dword [MEM], 0x11223300, "add m8,imm8"
        mov     ax, 0x0100
        add     [MEM+2], ax                     ; 1122h + 0100h
        CHECK32 dword [MEM], 0x12223300, "add m16,r16"
        mov     bx, MEM
        mov     si, 4
        mov     eax, 0x100
        add     eax, [bx+si]                    ; 00000100h + FFFFFFFFh
        CHECK32 eax, 0x000000FF, "add r32,[bx+si]"
        CHECKF  F_ARITH, F_CF|F_PF, "add r32,[bx+si] flags"
        stc
        adc     dword [MEM+4], 0                ; FFFFFFFFh + 0 + 1
        CHECK32 dword [MEM+4], 0, "adc m32,imm8"
        CHECKF  F_CF|F_ZF, F_CF|F_ZF, "adc m32 flags"
        sbb     word [bx+4], 1                  ; 0 - 1 - 1
        CHECK16 word [MEM+4], 0xFFFE, "sbb m16,imm8"
        CHECKF  F_CF|F_SF, F_CF|F_SF, "sbb m16 flags"
        mov     dl, 0x33
        sub     [bx+1], dl                      ; 33h - 33h
        CHECK32 dword [MEM], 0x12220000, "sub m8,r8"
        CHECKF  F_ARITH, F_ZF|F_PF, "sub m8 flags"
        mov     dword [MEM+8], 0x0F0F0F0F
        or      dword [MEM+8], 0xF0000000
        CHECK32 dword [MEM+8], 0xFF0F0F0F, "or m32,imm32"
        xor     di, di
        and     word [bx+di+8], 0x00FF
        xor     byte [MEM+9], 0xFF
        CHECK32 dword [MEM+8], 0xFF0FFF0F, "and m16 / xor m8"
        mov     di, 8
        mov     ecx, 0xFFFFFFFF
        xor     [bx+di], ecx
        CHECK32 dword [MEM+8], 0x00F000F0, "xor m32,r32 [bx+di]"
        cmp     byte [MEM+8], 0xF0
        CHECKF  F_ARITH, F_ZF|F_PF, "cmp m8,imm8"
        cmp     [MEM+10], cx                    ; 00F0h - FFFFh
        CHECKF  F_CF|F_ZF, F_CF, "cmp m16,r16"
        test    dword [MEM+8], 0x80000000
        CHECKF  F_ZF|F_SF, F_ZF, "test m32,imm32"
        test    [MEM+8], cl
        CHECKF  F_ZF|F_SF, F_SF, "test m8,r8"
        mov     dword [MEM+12], 0x7FFF
        inc     word [MEM+12]
        CHECK16 word [MEM+12], 0x8000, "inc m16"
        CHECKF  F_OF|F_SF, F_OF|F_SF, "inc m16 flags"
        dec     byte [MEM+13]
        CHECK16 word [MEM+12], 0x7F00, "dec m8"
        not     dword [MEM+12]
        CHECK32 dword [MEM+12], 0xFFFF80FF, "not m32"
        neg     word [MEM+12]
        CHECK32 dword [MEM+12], 0xFFFF7F01, "neg m16"
        CHECKF  F_CF, F_CF, "neg m16 CF"
        ; BP-based addressing defaults to SS (= 0 here, same memory)
        mov     bp, MEM
        mov     dword [MEM+16], 40
        add     dword [bp+16], 2
        CHECK32 dword [MEM+16], 42, "add [bp+disp8]"
        ; LOCK-prefixed read-modify-write is legal on a memory destination
        lock add dword [MEM+16], 0x100
        CHECK32 dword [MEM+16], 0x12A, "lock add m32"
        ; 32-bit addressing in real mode (67h prefix)
        mov     esi, MEM
        mov     ebx, 4
        sub     dword [esi+ebx*4], 0x2A         ; [MEM+16]
        CHECK32 dword [MEM+16], 0x100, "sub [esi+ebx*4]"
        GROUP_END
        ret

ROM_END
