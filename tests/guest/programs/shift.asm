; Real-mode self-check of shifts and rotates: ROL ROR RCL RCR SHL SHR SAR SHLD SHRD
; at 8/16/32 bits with counts 0, 1, n (imm8) and CL, count masking to 5 bits, RCL/RCR
; modulo 9/17, register and memory forms. Flags per Intel SDM vol. 2 SAL/SAR/SHL/SHR,
; RCL/RCR/ROL/ROR, SHLD, SHRD: a masked count of 0 changes no flag; OF is checked only
; for 1-bit counts; AF never; CF not where the count >= the operand size (undefined).
; The XT lines were re-run natively on an x86-64 host.
%define PROG_NAME "shift"
%include "lib.inc"

SH1             equ     F_CF|F_OF|F_SF|F_ZF|F_PF        ; shift by 1
SHN             equ     F_CF|F_SF|F_ZF|F_PF             ; shift by n > 1
SZP             equ     F_SF|F_ZF|F_PF                  ; count >= size: CF undefined
RO1             equ     F_CF|F_OF                       ; rotate by 1
RON             equ     F_CF                            ; rotate by n > 1
MEM             equ     0x0800

main:
        call    sh_shift8
        call    sh_rot8
        call    sh_16
        call    sh_32
        call    sh_double
        call    sh_mem
        ret

sh_shift8:
        GROUP   "shl/shr/sar 8"
        XT {shl al, 1},  0x81, 0, 0, 0, 0, 0x02, 0, F_CF|F_OF, SH1
        XT {shl al, 1},  0x40, 0, 0, 0, F_CF, 0x80, 0, F_OF|F_SF, SH1
        XT {shl al, 4},  0x1F, 0, 0, 0, 0, 0xF0, 0, F_CF|F_SF|F_PF, SHN
        XT {shl al, cl}, 0x01, 0, 8, 0, 0, 0x00, 0, F_ZF|F_PF, SZP
        XT {shl al, 0},  0x01, 0, 0, 0, F_ARITH, 0x01, 0, F_ARITH, F_ARITH
        XT {shr al, 1},  0x81, 0, 0, 0, 0, 0x40, 0, F_CF|F_OF, SH1
        XT {shr al, cl}, 0xFF, 0, 3, 0, 0, 0x1F, 0, F_CF, SHN
        XT {sar al, 1},  0x81, 0, 0, 0, F_OF, 0xC0, 0, F_CF|F_SF|F_PF, SH1
        XT {sar al, 7},  0x80, 0, 0, 0, F_CF, 0xFF, 0, F_SF|F_PF, SHN
        XT {sar al, cl}, 0x80, 0, 0x20, 0, F_CF|F_ZF|F_OF, 0x80, 0, F_CF|F_ZF|F_OF, F_ARITH
        XT {shl al, strict byte 1}, 0x81, 0, 0, 0, 0, 0x02, 0, F_CF|F_OF, SH1 ; nohost: C0 /4 ib 1
        XT {shl ah, cl}, 0x0180, 0, 0x21, 0, 0, 0x0280, 0, 0, SH1
        GROUP_END
        ret

sh_rot8:
        GROUP   "rol/ror/rcl/rcr 8"
        XT {rol al, 1},  0x81, 0, 0, 0, 0, 0x03, 0, F_CF|F_OF, RO1
        XT {rol al, 4},  0x1E, 0, 0, 0, 0, 0xE1, 0, F_CF, RON
        XT {rol al, cl}, 0x1E, 0, 0, 0, F_CF|F_OF, 0x1E, 0, F_CF|F_OF, RO1
        XT {ror al, 1},  0x01, 0, 0, 0, 0, 0x80, 0, F_CF|F_OF, RO1
        XT {ror al, cl}, 0x0E, 0, 3, 0, 0, 0xC1, 0, F_CF, RON
        XT {rcl al, 1},  0x80, 0, 0, 0, 0, 0x00, 0, F_CF|F_OF, RO1
        XT {rcl al, cl}, 0x55, 0, 9, 0, F_CF, 0x55, 0, F_CF, RON
        XT {rcl al, 2},  0x40, 0, 0, 0, F_CF, 0x02, 0, F_CF, RON
        XT {rcr al, 1},  0x01, 0, 0, 0, F_CF, 0x80, 0, F_CF|F_OF, RO1
        XT {rcr al, cl}, 0x0D, 0, 3, 0, 0, 0x41, 0, F_CF, RON
        XT {rcr al, cl}, 0x0D, 0, 12, 0, 0, 0x41, 0, F_CF, RON
        GROUP_END
        ret

sh_16:
        GROUP   "shifts/rotates 16"
        XT {shl ax, 1},  0x4000, 0, 0, 0, 0, 0x8000, 0, F_OF|F_SF|F_PF, SH1
        XT {shl ax, 33}, 0x8001, 0, 0, 0, 0, 0x0002, 0, F_CF|F_OF, SH1
        XT {shr ax, cl}, 0x8000, 0, 15, 0, F_CF, 0x0001, 0, 0, SHN
        XT {shr ax, 16}, 0x8000, 0, 0, 0, 0, 0x0000, 0, F_ZF|F_PF, SZP
        XT {sar ax, cl}, 0x8765, 0, 4, 0, 0, 0xF876, 0, F_SF, SHN
        XT {sar dx, 1},  0, 0, 0, 0x7FFF, 0, 0, 0x3FFF, F_CF|F_PF, SH1
        XT {rol ax, 8},  0x1234, 0, 0, 0, F_CF, 0x3412, 0, 0, RON
        XT {ror ax, cl}, 0x1234, 0, 4, 0, F_CF, 0x4123, 0, 0, RON
        XT {ror ax, strict byte 1}, 0x0001, 0, 0, 0, 0, 0x8000, 0, F_CF|F_OF, RO1 ; nohost: C1 /1 ib 1
        XT {rcl ax, 1},  0x8000, 0, 0, 0, F_CF, 0x0001, 0, F_CF|F_OF, RO1
        XT {rcr ax, cl}, 0x8001, 0, 17, 0, 0, 0x8001, 0, 0, RON
        XT {rcr ax, cl}, 0x8001, 0, 16, 0, 0, 0x0002, 0, F_CF, RON
        GROUP_END
        ret

sh_32:
        GROUP   "shifts/rotates 32"
        XT {shl eax, 31},  3, 0, 0, 0, 0, 0x80000000, 0, F_CF|F_SF|F_PF, SHN
        XT {shr eax, 1},   0xFFFFFFFF, 0, 0, 0, 0, 0x7FFFFFFF, 0, F_CF|F_OF|F_PF, SH1
        XT {sar eax, cl},  0x80000000, 0, 31, 0, F_CF, 0xFFFFFFFF, 0, F_SF|F_PF, SHN
        XT {shl eax, cl},  0x12345678, 0, 32, 0, F_CF|F_ZF, 0x12345678, 0, F_CF|F_ZF, F_ARITH
        XT {rol eax, 1},   0x80000000, 0, 0, 0, 0, 0x00000001, 0, F_CF|F_OF, RO1
        XT {ror eax, cl},  0x12345678, 0, 8, 0, F_CF, 0x78123456, 0, 0, RON
        XT {rcl eax, 31},  0x00000001, 0, 0, 0, F_CF, 0xC0000000, 0, 0, RON
        XT {rcr eax, 1},   0x00000003, 0, 0, 0, F_OF, 0x00000001, 0, F_CF, RO1
        XT {rcl edx, cl},  0, 0, 0x40, 0x1234, F_CF, 0, 0x1234, F_CF, RON
        GROUP_END
        ret

sh_double:
        GROUP   "shld/shrd"
        XT {shld ax, bx, 4},   0x1234, 0xABCD, 0, 0, 0, 0x234A, 0, F_CF, SHN
        XT {shld eax, ebx, cl}, 0x12345678, 0x9ABCDEF0, 8, 0, F_CF, 0x3456789A, 0, F_PF, SHN
        XT {shld eax, ebx, 1}, 0x40000000, 0x80000000, 0, 0, F_CF, 0x80000001, 0, F_OF|F_SF, SH1
        XT {shrd ax, bx, 4},   0x1234, 0xABCD, 0, 0, 0, 0xD123, 0, F_SF, SHN
        XT {shrd eax, ebx, cl}, 0x12345678, 0x9ABCDEF0, 16, 0, F_CF, 0xDEF01234, 0, F_SF, SHN
        XT {shrd eax, edx, 1}, 0x00000001, 0, 0, 0, 0, 0, 0, F_CF|F_ZF|F_PF, SH1
        XT {shld eax, ebx, cl}, 0x12345678, 0xFFFFFFFF, 32, 0, F_ARITH, 0x12345678, 0, F_ARITH, F_ARITH
        XT {shrd dx, bx, 15},  0, 0x0001, 0, 0x8000, 0, 0, 0x0003, F_PF, SHN
        GROUP_END
        ret

sh_mem:
        GROUP   "memory forms"
        mov     dword [MEM], 0x80008001
        shl     word [MEM], 1                   ; 8001h -> 0002h
        CHECK32 dword [MEM], 0x80000002, "shl m16,1"
        CHECKF  F_CF|F_OF, F_CF|F_OF, "shl m16,1 flags"
        mov     cl, 4
        sar     dword [MEM], cl                 ; 80000002h -> F8000000h
        CHECK32 dword [MEM], 0xF8000000, "sar m32,cl"
        CHECKF  F_CF|F_SF, F_SF, "sar m32,cl flags"
        rol     byte [MEM+3], 3                 ; F8h -> C7h
        CHECK32 dword [MEM], 0xC7000000, "rol m8,imm8"
        CHECKF  F_CF, F_CF, "rol m8 CF"
        mov     ax, 0xBEEF
        mov     bx, MEM
        shld    [bx+2], ax, 4                   ; C700h -> 700Bh
        CHECK32 dword [MEM], 0x700B0000, "shld m16,r16,imm8"
        CHECKF  F_CF, 0, "shld m16 CF"
        mov     eax, 0x12345678
        mov     cl, 8
        shrd    [bx], eax, cl                   ; 700B0000h -> 78700B00h
        CHECK32 dword [MEM], 0x78700B00, "shrd m32,r32,cl"
        stc
        rcr     byte [MEM+1], 1                 ; CF:0Bh -> 85h, CF=1
        CHECK32 dword [MEM], 0x78708500, "rcr m8,1"
        CHECKF  F_CF, F_CF, "rcr m8 CF"
        mov     byte [MEM+4], 0x81
        shr     byte [MEM+4], 0                 ; count 0: no change, no flags
        CHECKF  F_CF, F_CF, "shr m8,0 flags"
        CHECK8  byte [MEM+4], 0x81, "shr m8,0"
        GROUP_END
        ret

ROM_END
