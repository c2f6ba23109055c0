; Real-mode self-check of the decimal-adjust family: DAA DAS AAA AAS AAM AAD,
; including AAM 0 raising #DE with the faulting AAM as return address.
; Expected values follow the Intel SDM vol. 2 pseudo-code of each instruction; only
; the flags the SDM defines are checked (DAA/DAS: CF AF SF ZF PF; AAA/AAS: CF AF;
; AAM/AAD: SF ZF PF). AAA/AAS inputs avoid AL >= FAh / AL < 6 with an adjust, where
; CPU generations disagree on the carry into AH. Not valid in 64-bit mode, so these
; were not re-run on the host (nohost).
%define PROG_NAME "bcd"
%include "lib.inc"

DFL             equ     F_CF|F_AF|F_SF|F_ZF|F_PF
AFL             equ     F_CF|F_AF
MFL             equ     F_SF|F_ZF|F_PF

main:
        call    bcd_daa_das
        call    bcd_ascii
        call    bcd_aam_aad
        call    bcd_chain
        ret

bcd_daa_das:
        GROUP   "daa/das"
        XT {daa}, 0x3C, 0, 0, 0, 0, 0x42, 0, F_AF|F_PF, DFL ; nohost
        XT {daa}, 0x9A, 0, 0, 0, 0, 0x00, 0, F_CF|F_AF|F_ZF|F_PF, DFL ; nohost
        XT {daa}, 0x32, 0, 0, 0, F_AF|F_CF, 0x98, 0, F_CF|F_AF|F_SF, DFL ; nohost
        XT {daa}, 0x12, 0, 0, 0, F_ZF, 0x12, 0, F_PF, DFL ; nohost
        XT {daa}, 0xFA, 0, 0, 0, 0, 0x60, 0, F_CF|F_AF|F_PF, DFL ; nohost
        XT {daa}, 0x1234A0, 0, 0, 0, 0, 0x123400, 0, F_CF|F_ZF|F_PF, DFL ; nohost
        XT {das}, 0x2D, 0, 0, 0, F_AF, 0x27, 0, F_AF|F_PF, DFL ; nohost
        XT {das}, 0xD3, 0, 0, 0, F_CF, 0x73, 0, F_CF, DFL ; nohost
        XT {das}, 0x03, 0, 0, 0, F_AF, 0xFD, 0, F_CF|F_AF|F_SF, DFL ; nohost
        XT {das}, 0x00, 0, 0, 0, F_CF|F_AF, 0x9A, 0, F_CF|F_AF|F_SF|F_PF, DFL ; nohost
        XT {das}, 0x00, 0, 0, 0, 0, 0x00, 0, F_ZF|F_PF, DFL ; nohost
        GROUP_END
        ret

bcd_ascii:
        GROUP   "aaa/aas"
        XT {aaa}, 0x0011, 0, 0, 0, F_AF, 0x0107, 0, F_CF|F_AF, AFL ; nohost
        XT {aaa}, 0x0505, 0, 0, 0, F_CF, 0x0505, 0, 0, AFL ; nohost
        XT {aaa}, 0x000B, 0, 0, 0, 0, 0x0101, 0, F_CF|F_AF, AFL ; nohost
        XT {aaa}, 0xABCD0035, 0, 0, 0, 0, 0xABCD0005, 0, 0, AFL ; nohost
        XT {aas}, 0x02FF, 0, 0, 0, F_AF|F_CF, 0x0109, 0, F_CF|F_AF, AFL ; nohost
        XT {aas}, 0x000C, 0, 0, 0, 0, 0xFF06, 0, F_CF|F_AF, AFL ; nohost
        XT {aas}, 0x0139, 0, 0, 0, F_CF, 0x0109, 0, 0, AFL ; nohost
        GROUP_END
        ret

bcd_aam_aad:
        GROUP   "aam/aad"
        XT {aam}, 0x3F, 0, 0, 0, 0, 0x0603, 0, F_PF, MFL ; nohost
        XT {aam 16}, 0x12FF, 0, 0, 0, 0, 0x0F0F, 0, F_PF, MFL ; nohost
        XT {aam}, 0x50, 0, 0, 0, F_SF, 0x0800, 0, F_ZF|F_PF, MFL ; nohost
        XT {aam 3}, 0x80, 0, 0, 0, 0, 0x2A02, 0, 0, MFL ; nohost
        XT {aad}, 0x0607, 0, 0, 0, 0, 0x0043, 0, 0, MFL ; nohost
        XT {aad 16}, 0x0909, 0, 0, 0, 0, 0x0099, 0, F_SF|F_PF, MFL ; nohost
        XT {aad}, 0x1A0A, 0, 0, 0, 0, 0x000E, 0, 0, MFL ; nohost
        XT {aad}, 0x0000, 0, 0, 0, F_SF, 0x0000, 0, F_ZF|F_PF, MFL ; nohost
        XT {aad 0}, 0x7F80, 0, 0, 0, 0, 0x0080, 0, F_SF, MFL ; nohost
        ; AAM 0: #DE, return address = the AAM (SDM vol. 2 AAM: "If imm8 = 0, #DE")
        SET_VEC 0, lib_trap
        TRAP_ARM .aam0_end - .aam0
        mov     ax, 0x1234
.aam0:  aam     0
.aam0_end:
        CHECK16 word [TRAP_COUNT], 1, "aam 0: #DE count"
        CHECK16 word [TRAP_IP], .aam0, "aam 0: pushed IP"
        CHECK16 word [TRAP_CS], ROM_SEG, "aam 0: pushed CS"
        CHECK16 ax, 0x1234, "aam 0: ax kept"
        RESET_VEC 0
        GROUP_END
        ret

; multi-digit arithmetic the way BCD code uses these instructions
bcd_chain:
        GROUP   "bcd chains"
        mov     ax, 0x1999                      ; packed BCD 1999 + 0001
        mov     bx, 0x0001
        add     al, bl
        daa
        mov     cl, al
        mov     al, ah
        adc     al, bh
        daa
        mov     ch, al
        CHECK16 cx, 0x2000, "packed 1999+0001"
        CHECKF  F_CF, 0, "packed 1999+0001 carry"
        mov     al, 0x00                        ; packed BCD 0000 - 0001
        sub     al, 0x01
        das
        CHECK8  al, 0x99, "packed 00-01"
        CHECKF  F_CF, F_CF, "packed 00-01 borrow"
        mov     ax, '9'                         ; ASCII 9 + 3 = 12
        add     al, '3'
        aaa
        or      ax, 0x3030
        CHECK16 ax, 0x3132, "ascii 9+3"
        mov     ax, 0x0703                      ; unpacked 73 / 4 = 18 r 1
        aad
        mov     bl, 4
        div     bl
        CHECK16 ax, 0x0112, "aad/div 73/4"
        mov     ah, 0
        aam
        CHECK16 ax, 0x0108, "aam 18"
        GROUP_END
        ret

ROM_END
