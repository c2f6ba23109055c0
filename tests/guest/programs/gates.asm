; Gate self-check (Intel SDM vol. 3 5.8, 6.11-6.12; vol. 2 CALL, INT n, IRET, RET):
; 16-bit interrupt and trap gates (a FLAGS CS IP frame of words, IF cleared or
; kept, a 16-bit error code for an exception), a 16-bit interrupt gate from ring 3
; (SS SP FLAGS CS IP as words on the ring-0 stack, IRET back to ring 3), a 16-bit
; call gate from ring 3 copying word parameters and returning with RETF n, a
; 32-bit call gate reached by JMP and by CALL at the same privilege, and a
; 32-bit interrupt gate from ring 3 (the SS ESP EFLAGS CS EIP frame). The
; handlers are 32-bit code: the gate's size alone sets the frame's.
%define PROG_NAME "gates"
%include "lib.inc"
%include "pm.inc"

SEL_CG16        equ     SEL_FREE                ; 48 16-bit call gate, DPL 3, 2 words
SEL_CG32        equ     SEL_FREE + 8            ; 50 32-bit call gate, DPL 0
RES             equ     0x20100

main:
        PM_RUN  gate_tests
        ret

        bits    32
%macro CHECKR 3
        PCHECK  [RES + (%1) * 4], %2, %3
%endmacro

gate_tests:
        mov     edi, RES
        mov     ecx, 128
        xor     eax, eax
        rep     stosd
        mov     al, 0xFF
        out     0x21, al
        out     0xA1, al
        call    t_int16
        call    t_exc16
        call    t_ring3
        call    t_cg32
        ret

; 16-bit gate handlers: record the words above ESP and ESP itself, then IRET
; with a 16-bit operand size
h16_int:
        mov     [RES + 0 * 4], esp
        movzx   eax, word [esp]
        mov     [RES + 1 * 4], eax              ; ip
        movzx   eax, word [esp + 2]
        mov     [RES + 2 * 4], eax              ; cs
        movzx   eax, word [esp + 4]
        mov     [RES + 3 * 4], eax              ; flags image
        pushfd
        pop     eax
        mov     [RES + 4 * 4], eax              ; flags in the handler
        o16 iret

t_int16:
        PGROUP  "16-bit interrupt and trap gates"
        SETGATE IDT_BASE + 0x60 * 8, SEL_CODE32, h16_int, 0x86
        SETGATE IDT_BASE + 0x61 * 8, SEL_CODE32, h16_int, 0x87
        mov     ebx, esp
        sti
        int     0x60
.a1:    cli
        sub     ebx, 6
        PCHECK  [RES + 0 * 4], ebx, "interrupt gate: three words pushed"
        PCHECK  [RES + 1 * 4], .a1, "interrupt gate: ip"
        PCHECK  [RES + 2 * 4], SEL_CODE32, "interrupt gate: cs"
        mov     eax, [RES + 3 * 4]
        and     eax, 0x200
        PCHECK  eax, 0x200, "interrupt gate: flags image has if"
        mov     eax, [RES + 4 * 4]
        and     eax, 0x200
        PCHECK  eax, 0, "interrupt gate clears if"
        add     ebx, 6
        mov     ecx, esp
        PCHECK  ecx, ebx, "iret (16-bit) pops three words"
        sti
        int     0x61
.a2:    cli
        PCHECK  [RES + 1 * 4], .a2, "trap gate: ip"
        mov     eax, [RES + 4 * 4]
        and     eax, 0x200
        PCHECK  eax, 0x200, "trap gate keeps if"
        PGROUP_END
        ret

; #GP through a 16-bit trap gate: a word error code under IP CS FLAGS
h16_gp:
        mov     [RES + 8 * 4], esp
        movzx   eax, word [esp]
        mov     [RES + 9 * 4], eax              ; error code
        movzx   eax, word [esp + 2]
        mov     [RES + 10 * 4], eax             ; ip
        movzx   eax, word [esp + 4]
        mov     [RES + 11 * 4], eax             ; cs
        mov     word [esp + 2], t_exc16.resume
        add     esp, 2
        o16 iret

t_exc16:
        PGROUP  "16-bit gate for an exception"
        SETGATE IDT_BASE + 13 * 8, SEL_CODE32, h16_gp, 0x87
        mov     ebx, esp
        mov     ax, 0x7F8
.f1:    mov     es, ax
        PCHECK  1, 0, "the faulting load: not skipped"
.resume:
        SETGATE IDT_BASE + 13 * 8, SEL_CODE32, pm_stubs + 13 * 16, 0x8E
        sub     ebx, 8
        PCHECK  [RES + 8 * 4], ebx, "four words pushed"
        PCHECK  [RES + 9 * 4], 0x7F8, "error code (a word)"
        PCHECK  [RES + 10 * 4], .f1, "ip of the faulting instruction"
        PCHECK  [RES + 11 * 4], SEL_CODE32, "cs"
        mov     ax, SEL_DATA
        mov     es, ax
        PGROUP_END
        ret

; ---------------------------------------------------------------------------
; from ring 3: a 16-bit interrupt gate, a 16-bit call gate, a 32-bit interrupt gate
t_ring3:
        PGROUP  "gates from ring 3"
        SETGATE IDT_BASE + 0x62 * 8, SEL_CODE32, h16_r3, 0xE6
        SETGATE IDT_BASE + 0x63 * 8, SEL_CODE32, h32_r3, 0xEE
        SETGATE GDT_BASE + SEL_CG16, SEL_CODE32, cg16_target, 0xE4 | (2 << 8)
        mov     eax, r3_gates
        call    ring3_call
        CHECKR  20, ISTACK_TOP - 10, "16-bit int gate: five words on the tss stack"
        CHECKR  21, r3_gates.a1, "16-bit int gate: ip"
        CHECKR  22, SEL_CODE32_3 | 3, "16-bit int gate: cs"
        CHECKR  23, STACK3_TOP - 4, "16-bit int gate: sp"
        CHECKR  24, SEL_DATA_3 | 3, "16-bit int gate: ss"
        CHECKR  25, STACK3_TOP - 4, "16-bit iret: back at ring 3, same esp"
        CHECKR  26, SEL_CODE32_3 | 3, "16-bit iret: ring-3 cs"
        CHECKR  30, ISTACK_TOP - 12, "16-bit call gate: six words on the tss stack"
        CHECKR  31, r3_gates.a2, "16-bit call gate: ip"
        CHECKR  32, SEL_CODE32_3 | 3, "16-bit call gate: cs"
        CHECKR  33, 0x2222, "16-bit call gate: last parameter"
        CHECKR  34, 0x1111, "16-bit call gate: first parameter"
        CHECKR  35, STACK3_TOP - 8, "16-bit call gate: caller sp"
        CHECKR  36, SEL_DATA_3 | 3, "16-bit call gate: caller ss"
        CHECKR  37, SEL_CODE32, "16-bit call gate: cpl 0 in the target"
        CHECKR  38, STACK3_TOP - 4, "retf 4 (16-bit): parameters dropped"
        CHECKR  40, ISTACK_TOP - 20, "32-bit int gate: five dwords"
        CHECKR  41, r3_gates.a3, "32-bit int gate: eip"
        CHECKR  42, SEL_CODE32_3 | 3, "32-bit int gate: cs"
        CHECKR  43, STACK3_TOP - 4, "32-bit int gate: esp"
        CHECKR  44, SEL_DATA_3 | 3, "32-bit int gate: ss"
        PGROUP_END
        ret

h16_r3:
        mov     ax, SEL_DATA
        mov     ds, ax
        mov     [RES + 20 * 4], esp
        movzx   eax, word [esp]
        mov     [RES + 21 * 4], eax
        movzx   eax, word [esp + 2]
        mov     [RES + 22 * 4], eax
        movzx   eax, word [esp + 6]
        mov     [RES + 23 * 4], eax
        movzx   eax, word [esp + 8]
        mov     [RES + 24 * 4], eax
        o16 iret

h32_r3:
        mov     ax, SEL_DATA
        mov     ds, ax
        mov     [RES + 40 * 4], esp
        mov     eax, [esp]
        mov     [RES + 41 * 4], eax
        mov     eax, [esp + 4]
        mov     [RES + 42 * 4], eax
        mov     eax, [esp + 12]
        mov     [RES + 43 * 4], eax
        mov     eax, [esp + 16]
        mov     [RES + 44 * 4], eax
        iretd

cg16_target:
        mov     ax, SEL_DATA
        mov     ds, ax
        mov     [RES + 30 * 4], esp
        movzx   eax, word [esp]
        mov     [RES + 31 * 4], eax
        movzx   eax, word [esp + 2]
        mov     [RES + 32 * 4], eax
        movzx   eax, word [esp + 4]
        mov     [RES + 33 * 4], eax
        movzx   eax, word [esp + 6]
        mov     [RES + 34 * 4], eax
        movzx   eax, word [esp + 8]
        mov     [RES + 35 * 4], eax
        movzx   eax, word [esp + 10]
        mov     [RES + 36 * 4], eax
        xor     eax, eax
        mov     ax, cs
        mov     [RES + 37 * 4], eax
        o16 retf 4

; ring 3 (DS = SEL_DATA_3); the ring-0 handlers reload DS, IRET/RETF to ring 3
; null it again, so it is reloaded after each
r3_gates:
        push    dword 0x5A5A5A5A                ; ESP = STACK3_TOP - 4
        int     0x62
.a1:    mov     [ss:RES + 25 * 4], esp
        xor     eax, eax
        mov     ax, cs
        mov     [ss:RES + 26 * 4], eax
        push    word 0x1111
        push    word 0x2222
        call    SEL_CG16 | 3:0
.a2:    mov     [ss:RES + 38 * 4], esp
        int     0x63
.a3:    pop     eax
        mov     ax, SEL_DATA_3 | 3
        mov     ds, ax
        mov     es, ax
        push    dword 0
        push    dword 0
        call    SEL_GATE_EXIT:0

; ---------------------------------------------------------------------------
; a 32-bit call gate at the same privilege, by CALL (CS EIP pushed) and JMP
t_cg32:
        PGROUP  "32-bit call gate at ring 0"
        SETGATE GDT_BASE + SEL_CG32, SEL_CODE32, cg32_target, 0x8C
        mov     ebx, esp
        call    SEL_CG32:0x12345678             ; the offset is ignored
.a1:    sub     ebx, 8
        PCHECK  [RES + 50 * 4], ebx, "call: two dwords pushed"
        PCHECK  [RES + 51 * 4], .a1, "call: eip"
        PCHECK  [RES + 52 * 4], SEL_CODE32, "call: cs"
        SETGATE GDT_BASE + SEL_CG32, SEL_CODE32, .jt, 0x8C
        mov     ebx, esp
        jmp     SEL_CG32:0
        PCHECK  1, 0, "jmp through a call gate: not reached"
.jt:    mov     ecx, esp
        PCHECK  ecx, ebx, "jmp through a call gate: nothing pushed"
        PGROUP_END
        ret

cg32_target:
        mov     [RES + 50 * 4], esp
        mov     eax, [esp]
        mov     [RES + 51 * 4], eax
        mov     eax, [esp + 4]
        mov     [RES + 52 * 4], eax
        retf

        bits    16
ROM_END
