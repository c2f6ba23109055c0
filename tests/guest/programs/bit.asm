; Real-mode self-check of bit instructions: BT BTS BTR BTC (register, immediate and
; memory bases incl. register bit offsets that reach outside the addressed word),
; BSF BSR, all 16 SETcc conditions both ways, BSWAP, XADD, CMPXCHG.
; Flags per Intel SDM vol. 2: BTx define CF and leave ZF alone; BSF/BSR define only ZF
; (destination undefined for a zero source: not checked); XADD/CMPXCHG flag as
; ADD/CMP. The XT lines were re-run natively on an x86-64 host.
%define PROG_NAME "bit"
%include "lib.inc"
        cpu     586     ; nasm files CMPXCHG (0F B0/B1, a 486 instruction) under Pentium

CZ              equ     F_CF|F_ZF
MEM             equ     0x0810                  ; scratch RAM, 16 bytes below are used too

main:
        call    bit_bt
        call    bit_scan
        call    bit_setcc
        call    bit_atomic
        call    bit_mem
        ret

bit_bt:
        GROUP   "bt/bts/btr/btc"
        XT {bt eax, ebx},  0x100, 8, 0, 0, F_ZF, 0x100, 0, F_CF|F_ZF, CZ
        XT {bt eax, ebx},  0x100, 40, 0, 0, 0, 0x100, 0, F_CF, CZ
        XT {bt eax, ebx},  0x100, 7, 0, 0, F_CF, 0x100, 0, 0, CZ
        XT {bt ax, 17},    0x0002, 0, 0, 0, 0, 0x0002, 0, F_CF, CZ
        XT {bts eax, 31},  0, 0, 0, 0, F_CF|F_ZF, 0x80000000, 0, F_ZF, CZ
        XT {bts ax, 19},   0, 0, 0, 0, 0, 0x0008, 0, 0, CZ
        XT {btr ax, bx},   0xFFFF, 0x0F, 0, 0, 0, 0x7FFF, 0, F_CF, CZ
        XT {btr eax, ebx}, 0x0000FFFF, 0x10, 0, 0, F_CF, 0x0000FFFF, 0, 0, CZ
        XT {btc edx, 0},   0, 0, 0, 1, 0, 0, 0, F_CF, CZ
        XT {btc eax, ebx}, 0, 4, 0, 0, F_ZF, 0x10, 0, F_ZF, CZ
        XT {btc dx, cx},   0, 0, 0x1F, 0x8000, 0, 0, 0x0000, F_CF, CZ
        GROUP_END
        ret

bit_scan:
        GROUP   "bsf/bsr/bswap"
        XT {bsf eax, ebx}, 0, 0x00018000, 0, 0, F_ZF, 15, 0, 0, F_ZF
        XT {bsr eax, ebx}, 0, 0x00018000, 0, 0, F_ZF, 16, 0, 0, F_ZF
        XT {bsf ax, bx},   0xFFFF0000, 0x8000, 0, 0, 0, 0xFFFF000F, 0, 0, F_ZF
        XT {bsr ax, bx},   0xFFFFFFFF, 0x0001, 0, 0, F_ZF, 0xFFFF0000, 0, 0, F_ZF
        XT {bsr edx, ebx}, 0, 0xFFFFFFFF, 0, 0, 0, 0, 31, 0, F_ZF
        XT {bsf ecx, ebx}, 0, 0, 0, 0, 0, 0, 0, F_ZF, F_ZF
        XT {bsr cx, bx},   0, 0xFFFF0000, 0, 0, 0, 0, 0, F_ZF, F_ZF
        XT {bswap eax},    0x12345678, 0, 0, 0, 0, 0x78563412, 0, 0, 0
        XT {bswap edx},    0, 0, 0, 0x000000FF, 0, 0, 0xFF000000, 0, 0
        GROUP_END
        ret

bit_setcc:
        GROUP   "setcc"
        XT {seto al},   0x100, 0, 0, 0, F_OF, 0x101, 0, 0, 0
        XT {seto al},   0x1FF, 0, 0, 0, F_ARITH & ~F_OF, 0x100, 0, 0, 0
        XT {setno al},  0, 0, 0, 0, 0, 1, 0, 0, 0
        XT {setno al},  0, 0, 0, 0, F_OF, 0, 0, 0, 0
        XT {setb al},   0, 0, 0, 0, F_CF, 1, 0, 0, 0
        XT {setb al},   0, 0, 0, 0, F_ARITH & ~F_CF, 0, 0, 0, 0
        XT {setae al},  0, 0, 0, 0, 0, 1, 0, 0, 0
        XT {setae al},  0, 0, 0, 0, F_CF, 0, 0, 0, 0
        XT {sete al},   0, 0, 0, 0, F_ZF, 1, 0, 0, 0
        XT {sete al},   0, 0, 0, 0, F_ARITH & ~F_ZF, 0, 0, 0, 0
        XT {setne al},  0, 0, 0, 0, F_CF, 1, 0, 0, 0
        XT {setne al},  0, 0, 0, 0, F_ZF, 0, 0, 0, 0
        XT {setbe al},  0, 0, 0, 0, F_CF, 1, 0, 0, 0
        XT {setbe al},  0, 0, 0, 0, F_ZF, 1, 0, 0, 0
        XT {setbe al},  0, 0, 0, 0, F_ARITH & ~(F_CF|F_ZF), 0, 0, 0, 0
        XT {seta al},   0, 0, 0, 0, 0, 1, 0, 0, 0
        XT {seta al},   0, 0, 0, 0, F_ZF, 0, 0, 0, 0
        XT {sets al},   0, 0, 0, 0, F_SF, 1, 0, 0, 0
        XT {sets al},   0, 0, 0, 0, F_ARITH & ~F_SF, 0, 0, 0, 0
        XT {setns al},  0, 0, 0, 0, 0, 1, 0, 0, 0
        XT {setns al},  0, 0, 0, 0, F_SF, 0, 0, 0, 0
        XT {setp al},   0, 0, 0, 0, F_PF, 1, 0, 0, 0
        XT {setp al},   0, 0, 0, 0, F_ARITH & ~F_PF, 0, 0, 0, 0
        XT {setnp al},  0, 0, 0, 0, 0, 1, 0, 0, 0
        XT {setnp al},  0, 0, 0, 0, F_PF, 0, 0, 0, 0
        XT {setl al},   0, 0, 0, 0, F_SF, 1, 0, 0, 0
        XT {setl al},   0, 0, 0, 0, F_OF, 1, 0, 0, 0
        XT {setl al},   0, 0, 0, 0, F_SF|F_OF, 0, 0, 0, 0
        XT {setge al},  0, 0, 0, 0, F_SF|F_OF, 1, 0, 0, 0
        XT {setge al},  0, 0, 0, 0, F_OF, 0, 0, 0, 0
        XT {setle al},  0, 0, 0, 0, F_ZF|F_SF|F_OF, 1, 0, 0, 0
        XT {setle al},  0, 0, 0, 0, F_SF, 1, 0, 0, 0
        XT {setle al},  0, 0, 0, 0, F_SF|F_OF, 0, 0, 0, 0
        XT {setg al},   0, 0, 0, 0, 0, 1, 0, 0, 0
        XT {setg al},   0, 0, 0, 0, F_ZF, 0, 0, 0, 0
        XT {setg al},   0, 0, 0, 0, F_OF, 0, 0, 0, 0
        XT {setz dh},   0, 0, 0, 0xFFFF00FF, F_ZF, 0, 0xFFFF01FF, F_ZF, F_ARITH
        GROUP_END
        ret

bit_atomic:
        GROUP   "xadd/cmpxchg"
        XT {xadd eax, edx}, 5, 0, 0, 7, 0, 12, 5, F_PF, F_ARITH
        XT {xadd dl, al},   0x01, 0, 0, 0xFF, 0, 0xFF, 0x00, F_CF|F_ZF|F_AF|F_PF, F_ARITH
        XT {xadd ax, dx},   0x7FFF, 0, 0, 0x0001, 0, 0x8000, 0x7FFF, F_OF|F_SF|F_AF|F_PF, F_ARITH
        XT {cmpxchg edx, ebx}, 0x1234, 0x5678, 0, 0x1234, 0, 0x1234, 0x5678, F_ZF|F_PF, F_ARITH
        XT {cmpxchg edx, ebx}, 0x1234, 0x5678, 0, 0x1235, F_ZF, 0x1235, 0x1235, F_CF|F_SF|F_AF|F_PF, F_ARITH
        XT {cmpxchg dl, bl},   0x80, 0x01, 0, 0x80, 0, 0x80, 0x01, F_ZF|F_PF, F_ARITH
        XT {cmpxchg dx, bx},   0x0001, 0x7777, 0, 0x8000, 0, 0x8000, 0x8000, F_CF|F_OF|F_SF, F_ARITH
        GROUP_END
        ret

bit_mem:
        GROUP   "memory forms"
        xor     eax, eax
        mov     [MEM-4], eax
        mov     [MEM], eax
        mov     [MEM+4], eax
        mov     [MEM+8], eax
        bts     word [MEM], 3
        CHECK32 dword [MEM], 0x00000008, "bts m16,imm8"
        mov     ax, 35                          ; word MEM+4, bit 3
        bts     [MEM], ax
        CHECKF  F_CF, 0, "bts m16,r16 far CF"
        CHECK32 dword [MEM+4], 0x00000008, "bts m16,r16 far"
        mov     ax, -1                          ; word MEM-2, bit 15
        bts     [MEM], ax
        CHECK32 dword [MEM-4], 0x80000000, "bts m16,r16 negative"
        mov     eax, 64+31                      ; dword MEM+8, bit 31
        btc     [MEM], eax
        CHECK32 dword [MEM+8], 0x80000000, "btc m32,r32 far"
        btc     [MEM], eax
        CHECKF  F_CF, F_CF, "btc m32,r32 CF"
        CHECK32 dword [MEM+8], 0, "btc m32,r32 back"
        mov     eax, -29                        ; dword MEM-4, bit 3
        bt      [MEM], eax
        CHECKF  F_CF, 0, "bt m32,r32 negative 0"
        mov     eax, -1                         ; dword MEM-4, bit 31
        bt      [MEM], eax
        CHECKF  F_CF, F_CF, "bt m32,r32 negative 1"
        btr     dword [MEM-4], 31
        CHECK32 dword [MEM-4], 0, "btr m32,imm8"
        mov     bx, MEM
        bsf     cx, [bx+4]
        CHECK16 cx, 3, "bsf r16,m16"
        bsr     ecx, [bx]
        CHECK16 cx, 3, "bsr r32,m32"
        stc
        setc    byte [bx+12]
        setnc   byte [bx+13]
        CHECK16 word [MEM+12], 0x0001, "setcc m8"
        mov     word [MEM+12], 100
        mov     ax, 23
        xadd    [bx+12], ax
        CHECK16 word [MEM+12], 123, "xadd m16,r16"
        CHECK16 ax, 100, "xadd m16 old"
        mov     eax, 123
        mov     ecx, 0xCAFE
        lock cmpxchg [MEM+12], cx
        CHECK16 word [MEM+12], 0xCAFE, "cmpxchg m16 equal"
        CHECKF  F_ZF, F_ZF, "cmpxchg m16 equal ZF"
        cmpxchg [MEM+12], cx                    ; AX = 123 != CAFEh
        CHECK16 ax, 0xCAFE, "cmpxchg m16 not equal: ax"
        CHECKF  F_ZF, 0, "cmpxchg m16 not equal ZF"
        GROUP_END
        ret

ROM_END
