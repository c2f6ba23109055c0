; Real-mode self-check of control transfer: JMP short/near/far/indirect (register,
; memory, far memory), CALL/RET near and far (with imm16), all 16 Jcc taken and not
; taken in short and near forms, JCXZ/JECXZ, LOOP/LOOPE/LOOPNE (16- and 32-bit
; counters), INT n / INT3 / INTO / IRET with handlers checking the pushed frame and
; the cleared IF/TF, and BOUND raising #BR (vector 5) with the BOUND as return
; address (Intel SDM vol. 2 Jcc, JMP, CALL, RET, LOOP, INT n/INTO/INT3, IRET, BOUND;
; vol. 3 20.1.4 real-mode interrupt handling).
%define PROG_NAME "control"
%include "lib.inc"

MEM             equ     0x0900
ALIAS_SEG       equ     0xEF00                  ; EF00:x+1000h = F000:x

main:
        call    ct_jmp
        call    ct_call
        call    ct_jcc
        call    ct_loop
        call    ct_int
        call    ct_bound
        ret

ct_jmp:
        GROUP   "jmp"
        xor     cx, cx
        jmp     short .s1
        inc     cx
.s1:    jmp     near .s2                        ; E9 rel16
        inc     cx
.s2:    mov     bx, .s3
        jmp     bx                              ; FF /4 register
        inc     cx
.s3:    mov     word [MEM], .s4
        mov     si, MEM
        jmp     word [si]                       ; FF /4 memory
        inc     cx
.s4:    jmp     ROM_SEG:.s5                     ; EA ptr16:16
        inc     cx
.s5:    CHECK16 cx, 0, "near/short/indirect jumps skip"
        jmp     ALIAS_SEG:.s6 + 0x1000          ; same code through another CS
.s6:    mov     ax, cs                          ; no library calls under the alias CS
        jmp     ROM_SEG:.s6b
.s6b:   CHECK16 ax, ALIAS_SEG, "jmp far: new cs"
        mov     word [MEM], .s7
        mov     word [MEM+2], ROM_SEG
        jmp     far [MEM]                       ; FF /5 m16:16
        inc     cx
.s7:    mov     ax, cs
        CHECK16 ax, ROM_SEG, "jmp far [mem]: cs"
        CHECK16 cx, 0, "jmp far [mem] skips"
        GROUP_END
        ret

ct_call:
        GROUP   "call/ret"
        mov     si, sp
        call    .probe                          ; E8: pushes the return IP
.ret1:  CHECK16 ax, .ret1, "call near pushed ip"
        mov     bx, .probe
        call    bx                              ; FF /2 register
.ret2:  CHECK16 ax, .ret2, "call r16 pushed ip"
        mov     word [MEM], .probe
        call    word [MEM]                      ; FF /2 memory
.ret3:  CHECK16 ax, .ret3, "call m16 pushed ip"
        call    ROM_SEG:.fprobe                 ; 9A: pushes CS then IP
.ret4:  CHECK16 ax, .ret4, "call far pushed ip"
        CHECK16 dx, ROM_SEG, "call far pushed cs"
        mov     word [MEM], .fprobe + 0x1000
        mov     word [MEM+2], ALIAS_SEG
        call    far [MEM]                       ; FF /3 m16:16
.ret5:  CHECK16 ax, .ret5, "call far [mem] pushed ip"
        CHECK16 dx, ROM_SEG, "call far [mem] pushed cs"
        CHECK16 cx, ALIAS_SEG, "call far [mem] new cs"
        push    word 0x1111
        push    word 0x2222
        call    .ret_imm                        ; RET 4 pops the two arguments
        mov     ax, sp
        CHECKEQ16 ax, si, "ret imm16 releases args"
        push    word 0x3333
        call    ROM_SEG:.retf_imm               ; RETF 2
        mov     ax, sp
        CHECKEQ16 ax, si, "retf imm16 releases args"
        GROUP_END
        ret

.probe: mov     bx, sp
        mov     ax, [ss:bx]                     ; return IP
        ret                                     ; C3
.fprobe:
        mov     bx, sp
        mov     ax, [ss:bx]
        mov     dx, [ss:bx+2]
        mov     cx, cs
        retf                                    ; CB
.ret_imm:
        ret     4                               ; C2 iw
.retf_imm:
        retf    2                               ; CA iw

; JT cc, taken_flags, not_taken_flags: Jcc short and near, both ways
%macro JT 3
%defstr JT_CC %1
        SETF    %2
        j%1     short %%t1
        FAIL_MSG {"j", JT_CC, " short not taken"}
%%t1:   SETF    %2
        j%1     near %%t2
        FAIL_MSG {"j", JT_CC, " near not taken"}
%%t2:   SETF    %3
        j%1     short %%bad
        SETF    %3
        j%1     near %%bad
        jmp     %%done
%%bad:  FAIL_MSG {"j", JT_CC, " taken when it must not"}
%%done:
%endmacro

ct_jcc:
        GROUP   "jcc"
        JT      o,  F_OF, F_ARITH & ~F_OF
        JT      no, 0, F_OF
        JT      b,  F_CF, F_ARITH & ~F_CF
        JT      ae, F_ARITH & ~F_CF, F_CF
        JT      e,  F_ZF, F_ARITH & ~F_ZF
        JT      ne, F_CF, F_ZF
        JT      be, F_ZF, F_ARITH & ~(F_CF|F_ZF)
        JT      be, F_CF, 0
        JT      a,  0, F_CF
        JT      a,  F_SF, F_ZF
        JT      s,  F_SF, F_ARITH & ~F_SF
        JT      ns, 0, F_SF
        JT      p,  F_PF, F_ARITH & ~F_PF
        JT      np, F_ARITH & ~F_PF, F_PF
        JT      l,  F_SF, F_SF|F_OF
        JT      l,  F_OF, 0
        JT      ge, F_SF|F_OF, F_SF
        JT      ge, 0, F_OF
        JT      le, F_ZF, F_SF|F_OF
        JT      le, F_OF, 0
        JT      g,  F_SF|F_OF, F_ZF|F_SF|F_OF
        JT      g,  0, F_SF
        GROUP_END
        ret

ct_loop:
        GROUP   "jcxz/loop"
        xor     dx, dx
        mov     ecx, 0x10000                    ; CX = 0, ECX != 0
        jcxz    .j1
        inc     dx
.j1:    jecxz   .j2                             ; not taken
        jmp     .j3
.j2:    inc     dx
.j3:    mov     cx, 1
        jcxz    .j4
        jmp     .j5
.j4:    inc     dx
.j5:    xor     ecx, ecx
        jecxz   .j6
        inc     dx
.j6:    CHECK16 dx, 0, "jcxz/jecxz"
        mov     cx, 5
        xor     ax, ax
.l1:    inc     ax
        loop    .l1
        CHECK16 ax, 5, "loop 5"
        CHECK16 cx, 0, "loop 5 cx"
        xor     cx, cx                          ; CX = 0: 65536 iterations
        xor     eax, eax
        mov     ecx, 0xABCD0000
.l2:    inc     eax
        loop    .l2
        CHECK32 eax, 0x10000, "loop with cx=0"
        CHECK32 ecx, 0xABCD0000, "loop cx keeps ecx upper"
        mov     ecx, 0x00010002
        xor     eax, eax
.l3:    inc     eax
        a32 loop .l3                            ; counter ECX
        CHECK32 eax, 0x00010002, "loop ecx"
        mov     cx, 10                          ; LOOPE: stop when ZF = 0
        xor     ax, ax
.l4:    inc     ax
        cmp     ax, 3
        setne   bl
        cmp     bl, 1                           ; ZF = (ax != 3)
        loope   .l4
        CHECK16 ax, 3, "loope stops on ZF=0"
        CHECK16 cx, 7, "loope cx"
        mov     cx, 10                          ; LOOPNE: stop when ZF = 1
        xor     ax, ax
.l5:    inc     ax
        cmp     ax, 4
        loopne  .l5
        CHECK16 ax, 4, "loopne stops on ZF=1"
        CHECK16 cx, 6, "loopne cx"
        mov     cx, 2                           ; LOOPE ends on CX = 0 with ZF = 1
        xor     ax, ax
.l6:    inc     ax
        cmp     ax, ax
        loope   .l6
        CHECK16 ax, 2, "loope stops on cx=0"
        GROUP_END
        ret

; int_probe: handler recording the pushed frame and its own FLAGS
INT_IP          equ     0x0980
INT_CS          equ     0x0982
INT_FL          equ     0x0984
INT_IN_FL       equ     0x0986
INT_COUNT       equ     0x0988

int_probe:
        push    bp
        mov     bp, sp
        push    ax
        pushf
        pop     ax
        mov     [ss:INT_IN_FL], ax
        mov     ax, [bp+2]
        mov     [ss:INT_IP], ax
        mov     ax, [bp+4]
        mov     [ss:INT_CS], ax
        mov     ax, [bp+6]
        mov     [ss:INT_FL], ax
        inc     word [ss:INT_COUNT]
        pop     ax
        pop     bp
        iret

ct_int:
        GROUP   "int/iret"
        SET_VEC 0x60, int_probe
        SET_VEC 3, int_probe
        SET_VEC 4, int_probe
        mov     word [INT_COUNT], 0
        SETF    F_CF|F_ZF|F_DF
        int     0x60
.i1:    CHECKF  F_CF|F_ZF|F_DF, F_CF|F_ZF|F_DF, "iret restores flags"
        cld
        CHECK16 word [INT_IP], .i1, "int n pushed ip"
        CHECK16 word [INT_CS], ROM_SEG, "int n pushed cs"
        CHECK16 word [INT_FL], F_CF|F_ZF|F_DF|2, "int n pushed flags"
        CHECK16 word [INT_IN_FL], F_CF|F_ZF|F_DF|2, "int n handler flags"
        int3                                    ; CC
.i2:    CHECK16 word [INT_IP], .i2, "int3 pushed ip"
        int     3                               ; CD 03
.i3:    CHECK16 word [INT_IP], .i3, "int 3 pushed ip"
        SETF    0
        into                                    ; OF = 0: no interrupt
        CHECK16 word [INT_COUNT], 3, "into with OF=0"
        SETF    F_OF
        into
.i4:    CHECK16 word [INT_COUNT], 4, "into with OF=1"
        CHECK16 word [INT_IP], .i4, "into pushed ip"
        CHECK16 word [INT_FL], F_OF|2, "into pushed flags"
        ; IRET from a hand-made frame
        SETF    0
        push    word F_CF|F_SF|F_OF
        push    cs
        push    word .i5
        iret
        FAIL_MSG "iret did not jump"
.i5:    CHECKF  F_ARITH, F_CF|F_SF|F_OF, "iret frame flags"
        push    word 0
        push    word ALIAS_SEG
        push    word .i6 + 0x1000
        iret
.i6:    mov     ax, cs
        jmp     ROM_SEG:.i7
.i7:    CHECK16 ax, ALIAS_SEG, "iret cs"
        RESET_VEC 3
        RESET_VEC 4
        GROUP_END
        ret

ct_bound:
        GROUP   "bound"
        SET_VEC 5, lib_trap
        mov     word [MEM], -10                 ; signed bounds [-10, 20]
        mov     word [MEM+2], 20
        mov     dword [MEM+4], 0x10000
        mov     dword [MEM+8], 0x20000
        TRAP_ARM 0
        mov     ax, -10
        bound   ax, [MEM]
        mov     ax, 20
        bound   ax, [MEM]
        mov     eax, 0x1FFFF
        bound   eax, [MEM+4]
        CHECK16 word [TRAP_COUNT], 0, "bound in range"
        TRAP_ARM .b1_end - .b1
        mov     ax, 21
.b1:    bound   ax, [MEM]
.b1_end:
        CHECK16 word [TRAP_COUNT], 1, "bound above: #BR"
        CHECK16 word [TRAP_IP], .b1, "bound above: pushed ip"
        TRAP_ARM .b2_end - .b2
        mov     ax, -11
.b2:    bound   ax, [MEM]
.b2_end:
        CHECK16 word [TRAP_COUNT], 1, "bound below (signed): #BR"
        CHECK16 word [TRAP_IP], .b2, "bound below: pushed ip"
        TRAP_ARM .b3_end - .b3
        mov     eax, 0xFFFF
.b3:    bound   eax, [MEM+4]
.b3_end:
        CHECK16 word [TRAP_COUNT], 1, "bound r32 below: #BR"
        CHECK16 word [TRAP_IP], .b3, "bound r32: pushed ip"
        RESET_VEC 5
        GROUP_END
        ret

ROM_END
