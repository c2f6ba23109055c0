; Real-mode self-check of the x87: the FNINIT state, sqrt(2), pi*r^2, FIST in each
; rounding mode, precision control, packed BCD, compares through FNSTSW AX, #NM from
; CR0.TS (escapes) and CR0.MP+TS (WAIT), and #MF (CR0.NE) raised at the next waiting
; instruction with FIP still at the faulting one (SDM vol. 1 8.6-8.7, vol. 3 table
; 2-2). Expected values were worked out with exact rational arithmetic and agree with
; the x86-64 build host's own x87. -DORACLE_QEMU leaves out what QEMU 7.2 TCG gets
; wrong: it moves FIP on FNSTSW, keeps no FOP, and stores the result of an
; instruction whose unmasked #Z should leave the destination alone.
%define PROG_NAME "fpu"
%include "lib.inc"

MEM             equ     0x0900

main:
        call    fp_init
        call    fp_sqrt
        call    fp_circle
        call    fp_round
        call    fp_precision
        call    fp_bcd
        call    fp_compare
        call    fp_nm
        call    fp_mf
        ret

fp_init:
        GROUP   "fninit state"
        fninit
        fnstcw  [MEM]
        CHECK16 word [MEM], 0x037F, "control word"
        fnstsw  ax
        CHECK16 ax, 0, "status word"
        fnstenv [MEM]                           ; 14-byte real-mode layout
        CHECK16 word [MEM+4], 0xFFFF, "tag word: all empty"
        GROUP_END
        ret

fp_sqrt:
        GROUP   "sqrt(2)"
        fld1
        fadd    st0, st0
        fsqrt
        fst     qword [MEM]
        fstp    tword [MEM+8]
        CHECK32 dword [MEM], 0x667F3BCD, "double, low"
        CHECK32 dword [MEM+4], 0x3FF6A09E, "double, high"
        CHECK32 dword [MEM+8], 0xF9DE6484, "extended, low"
        CHECK32 dword [MEM+12], 0xB504F333, "extended, high"
        CHECK16 word [MEM+16], 0x3FFF, "extended, exponent"
        fnstsw  ax
        CHECK16 ax, 0x0020, "status: PE, TOP 0"
        GROUP_END
        ret

fp_circle:
        GROUP   "pi*r^2"
        fninit
        fild    word [cs:.radius]
        fmul    st0, st0
        fldpi
        fmulp   st1, st0
        fist    dword [MEM]
        CHECK32 dword [MEM], 28, "fist 9*pi"
        fstp    qword [MEM]
        CHECK32 dword [MEM], 0xBECCB2BB, "9*pi double, low"
        CHECK32 dword [MEM+4], 0x403C463A, "9*pi double, high"
        GROUP_END
        ret
.radius: dw     3

; FIST of +2.5 and -2.5 under RC = nearest, down, up, toward zero
%macro FIST_RC 4
        mov     word [MEM], %1
        fldcw   [MEM]
        fld     qword [cs:fp_p25]
        fistp   word [MEM+2]
        fld     qword [cs:fp_m25]
        fistp   word [MEM+4]
        CHECK16 word [MEM+2], %2, {%4, ": +2.5"}
        CHECK16 word [MEM+4], %3, {%4, ": -2.5"}
%endmacro

fp_round:
        GROUP   "fist rounding"
        fninit
        FIST_RC 0x037F, 2, -2, "nearest"
        FIST_RC 0x077F, 2, -3, "down"
        FIST_RC 0x0B7F, 3, -2, "up"
        FIST_RC 0x0F7F, 2, -2, "toward zero"
        mov     word [MEM], 0x0B7F
        fldcw   [MEM]
        fld     qword [cs:fp_p25]
        frndint
        fistp   word [MEM+2]
        CHECK16 word [MEM+2], 3, "frndint up: 3"
        GROUP_END
        ret
fp_p25: dq      2.5
fp_m25: dq      -2.5

; PC = single: 1/3 keeps 24 significand bits (rounded to nearest)
fp_precision:
        GROUP   "precision control"
        fninit
        mov     word [MEM], 0x007F
        fldcw   [MEM]
        fld1
        fild    word [cs:.three]
        fdivp   st1, st0
        fstp    tword [MEM]
        CHECK32 dword [MEM], 0, "1/3 single: low"
        CHECK32 dword [MEM+4], 0xAAAAAB00, "1/3 single: high"
        CHECK16 word [MEM+8], 0x3FFD, "1/3 single: exponent"
        GROUP_END
        ret
.three: dw      3

fp_bcd:
        GROUP   "packed BCD"
        fninit
        fild    dword [cs:.n]
        fbstp   tword [MEM]
        CHECK32 dword [MEM], 0x01234567, "fbstp 1234567: digits"
        CHECK16 word [MEM+8], 0, "fbstp 1234567: sign byte"
        fild    word [cs:.neg]
        fbstp   tword [MEM+16]
        CHECK32 dword [MEM+16], 0x42, "fbstp -42: digits"
        CHECK8  byte [MEM+25], 0x80, "fbstp -42: sign"
        fbld    tword [MEM]
        fistp   dword [MEM+32]
        CHECK32 dword [MEM+32], 1234567, "fbld round trip"
        GROUP_END
        ret
.n:     dd      1234567
.neg:   dw      -42

fp_compare:
        GROUP   "compares"
        fninit
        fld1
        fldz
        fcompp                                  ; 0 < 1: C0
        fnstsw  ax
        and     ah, 0x45
        CHECK8  ah, 0x01, "fcompp 0 < 1"
        fldz
        ftst                                    ; = 0: C3
        fnstsw  ax
        and     ah, 0x45
        CHECK8  ah, 0x40, "ftst 0"
        fld1
        fchs
        fxam                                    ; negative normal: C2 and C1
        fnstsw  ax
        and     ah, 0x47
        CHECK8  ah, 0x06, "fxam -1"
        GROUP_END
        ret

nm_handler:
        clts
        jmp     lib_trap

fp_nm:
        GROUP   "#NM"
        fninit
        SET_VEC 7, nm_handler
        TRAP_ARM 0
        mov     eax, cr0
        or      eax, 8                          ; TS
        mov     cr0, eax
.esc:   fld1                                    ; #NM; the handler clears TS, FLD1 reruns
        CHECK16 word [TRAP_COUNT], 1, "escape with TS: #NM"
        CHECK16 word [TRAP_IP], .esc, "#NM: pushed IP is the escape"
        fnstsw  ax
        CHECK16 ax, 0x3800, "fld1 done after the handler"
        mov     eax, cr0
        and     eax, ~2                         ; MP clear
        or      eax, 8                          ; TS
        mov     cr0, eax
        fwait
        CHECK16 word [TRAP_COUNT], 1, "wait with TS alone: no #NM"
        mov     eax, cr0
        or      eax, 0x0A                       ; MP and TS
        mov     cr0, eax
.wt:    fwait
        CHECK16 word [TRAP_COUNT], 2, "wait with MP and TS: #NM"
        CHECK16 word [TRAP_IP], .wt, "#NM: pushed IP is the wait"
        mov     eax, cr0
        and     eax, ~0x0A
        mov     cr0, eax
        RESET_VEC 7
        GROUP_END
        ret

mf_handler:
        fnclex
        jmp     lib_trap

fp_mf:
        GROUP   "#MF"
        fninit
        mov     eax, cr0
        or      eax, 0x20                       ; NE: native error reporting
        mov     cr0, eax
        SET_VEC 16, mf_handler
        TRAP_ARM 0
        mov     word [MEM], 0x037B              ; ZE unmasked
        fldcw   [MEM]
        fldz
        fld1
.div:   fdiv    st0, st1                        ; 1/0: recorded, not signalled
        fnstsw  ax                              ; non-waiting: no #MF
        CHECK16 word [TRAP_COUNT], 0, "no #MF at the faulting instruction"
        and     ax, 0x0084
        CHECK16 ax, 0x0084, "ZE and ES pending"
.wt:    fwait
        CHECK16 word [TRAP_COUNT], 1, "#MF at the next waiting instruction"
        CHECK16 word [TRAP_IP], .wt, "#MF: pushed IP is the wait"
        fnstenv [MEM]
        fstp    dword [MEM+16]                  ; 1/0 was not stored: 1.0
%ifndef ORACLE_QEMU
        CHECK16 word [MEM+6], .div, "FIP is the FDIV"
        CHECK16 word [MEM+8], 0xF0F1, "FIP 19:16 and FOP (D8 F1)"
        CHECK32 dword [MEM+16], 0x3F800000, "destination unchanged"
%endif
        mov     eax, cr0
        and     eax, ~0x20
        mov     cr0, eax
        RESET_VEC 16
        GROUP_END
        ret

        ROM_END
