; Exception self-check, each with its error code and return address (Intel SDM
; vol. 3 6.15, 7.3 table 7-1, 6.9 table 6-2; vol. 2 SMSW): #TS for a TSS below its
; minimum limit (before the commit point: the old task's context) and for a bad LDT
; or SS in the new TSS (after it: the new task's context), #TS and #SS(sel) for a
; bad inner stack in the TSS on a call gate from ring 3 (handled by a task gate, as
; the CPU cannot deliver them on that stack), #NP for a not-present code segment
; and call gate, #UD encodings, #NM from CR0.EM, CR0.TS and MP+TS, #MF (CR0.NE) at
; the next waiting instruction, #BR, #DF from #NP while delivering #GP, SMSW with a
; 32-bit register (the whole CR0, as P6-family parts store), the I/O bitmap (a word
; whose second port is denied, ports past the TSS limit, IOPL 3 skipping the
; bitmap), and priorities between competing faults: #GP(type) before #NP on a
; segment load, #GP(gate DPL) before #NP on INT n, #NM before a memory operand's
; #GP, a code breakpoint before #UD. -DORACLE_QEMU leaves out what QEMU 7.2 TCG
; does not model: null-segment checks on data accesses, the new task's EIP for a
; fault after the commit point (QEMU keeps the old one), #SS for a not-present
; SS in the new TSS (QEMU: #NP) and for a not-present SS0 (QEMU: #TS), and the
; code breakpoint on UD2 (QEMU 7.2 crashes with SIGSEGV there).
%define PROG_NAME "faults"
%include "lib.inc"
%include "pm.inc"

TSS_B           equ     0x2200
TSS_H           equ     0x2300                  ; handler task for #TS / #SS
SEL_TSSB        equ     SEL_FREE                ; 48
SEL_TSSH        equ     SEL_FREE + 8            ; 50
SEL_SHORT       equ     SEL_FREE + 16           ; 58 a TSS with limit 50h
SEL_T1          equ     SEL_FREE + 24           ; 60 scratch
SEL_NPGATE      equ     SEL_FREE + 32           ; 68 not-present call gate
SEL_BADSS       equ     SEL_FREE + 40           ; 70 not-present ring-0 data
RES             equ     0x20100
TS_ERR          equ     0x20800
TS_LINK         equ     0x20804
TS_EIP          equ     0x20808
TS_RESUME       equ     0x2080C
TS_COUNT        equ     0x20810
MEM             equ     0x20900

main:
        PM_RUN  fault_tests
        ret

        bits    32
fault_tests:
        mov     edi, RES
        mov     ecx, 128
        xor     eax, eax
        rep     stosd
        call    t_ts
        call    t_inner_stack
        call    t_np
        call    t_ud
        call    t_fpu
        call    t_misc
        call    t_iomap
        call    t_priority
        ret

%macro CHECKR 3
        PCHECK  [RES + (%1) * 4], %2, %3
%endmacro

; TS_ARM vector, resume: route the vector to the handler task (fresh TSS)
%macro TS_ARM 2
        mov     edi, TSS_H
        mov     eax, ts_task
        mov     ebx, 0x9E00
        call    make_tss32
        SETGATE IDT_BASE + (%1) * 8, SEL_TSSH, 0, 0x85
        mov     dword [TS_ERR], -1
        mov     dword [TS_LINK], -1
        mov     dword [TS_EIP], -1
        mov     dword [TS_RESUME], %2
%endmacro
%macro TS_DISARM 1
        SETGATE IDT_BASE + (%1) * 8, SEL_CODE32, pm_stubs + (%1) * 16, 0x8E
%endmacro

; The handler task: records the error code, the task it interrupted (back link)
; and that task's saved EIP. A fault in TSS0 returns there (at TS_RESUME if set);
; a fault in task B (after a switch's commit point) abandons B: back to TSS0.
ts_task:
        inc     dword [TS_COUNT]
        pop     eax
        mov     [TS_ERR], eax
        movzx   eax, word [TSS_H]
        mov     [TS_LINK], eax
        mov     word [TSS0 + 8], SEL_DATA       ; a bad SS0 repaired
        cmp     eax, SEL_TSS0
        jne     .abandon
        mov     eax, [TSS0 + 0x20]
        mov     [TS_EIP], eax
        mov     eax, [TS_RESUME]
        test    eax, eax
        jz      .ret
        mov     [TSS0 + 0x20], eax
.ret:   iretd
.abandon:
        mov     eax, [TSS_B + 0x20]
        mov     [TS_EIP], eax
        and     byte [GDT_BASE + SEL_TSSB + 5], ~2
        jmp     SEL_TSS0:0

t_ts:
        PGROUP  "#ts"
        SETDESC SEL_TSSH, TSS_H, 0x67, 0x89, 0
        SETDESC SEL_SHORT, TSS_B, 0x50, 0x89, 0
        TS_ARM  10, .r1
.f1:    jmp     SEL_SHORT:0
.r1:    PCHECK  [TS_ERR], SEL_SHORT, "tss limit below 67h: error code"
        PCHECK  [TS_LINK], SEL_TSS0, "tss limit: the old task's context"
        PCHECK  [TS_EIP], .f1, "tss limit: return eip is the jmp"
        movzx   eax, byte [GDT_BASE + SEL_TSS0 + 5]
        PCHECK  eax, 0x8B, "tss limit: the old task stays busy"
        ; a bad LDT selector in the new TSS: a data segment
        SETDESC SEL_TSSB, TSS_B, 0x67, 0x89, 0
        mov     edi, TSS_B
        mov     eax, task_b
        mov     ebx, 0x9C00
        call    make_tss32
        mov     word [TSS_B + 0x60], SEL_DATA
        TS_ARM  10, 0
        jmp     SEL_TSSB:0
        PCHECK  [TS_ERR], SEL_DATA, "bad ldt in the new tss: error code"
        PCHECK  [TS_LINK], SEL_TSSB, "bad ldt: the new task's context"
%ifndef ORACLE_QEMU
        PCHECK  [TS_EIP], task_b, "bad ldt: eip is the new task's first"
%endif
        ; SS of the new task: a code segment
        mov     edi, TSS_B
        mov     eax, task_b
        mov     ebx, 0x9C00
        call    make_tss32
        mov     word [TSS_B + 0x50], SEL_CODE32
        TS_ARM  10, 0
        jmp     SEL_TSSB:0
        PCHECK  [TS_ERR], SEL_CODE32, "code segment as the new ss: error code"
        PCHECK  [TS_LINK], SEL_TSSB, "bad ss: the new task's context"
        ; SS of the new task with RPL != CPL
        mov     edi, TSS_B
        mov     eax, task_b
        mov     ebx, 0x9C00
        call    make_tss32
        mov     word [TSS_B + 0x50], SEL_DATA | 1
        TS_ARM  10, 0
        jmp     SEL_TSSB:0
        PCHECK  [TS_ERR], SEL_DATA, "ss rpl != cpl: error code"
%ifndef ORACLE_QEMU
        ; a not-present SS in the new TSS is #SS(sel) (SDM vol. 3 table 7-1)
        SETDESC SEL_BADSS, 0, 0xFFFFF, 0x12, 0xC0
        mov     edi, TSS_B
        mov     eax, task_b
        mov     ebx, 0x9C00
        call    make_tss32
        mov     word [TSS_B + 0x50], SEL_BADSS
        TS_ARM  12, 0
        jmp     SEL_TSSB:0
        PCHECK  [TS_ERR], SEL_BADSS, "not-present ss in the new tss: #ss(sel)"
        PCHECK  [TS_LINK], SEL_TSSB, "not-present ss: the new task's context"
        TS_DISARM 12
%endif
        TS_DISARM 10
        clts
        PGROUP_END
        ret

task_b:
        mov     dword [RES], 0xBAD
        jmp     SEL_TSS0:0

; a call gate from ring 3 needs the ring-0 stack named in TSS0
t_inner_stack:
        PGROUP  "bad inner stack"
        TS_ARM  10, 0
        mov     word [TSS0 + 8], SEL_CODE32     ; SS0: a code segment
        mov     dword [TS_COUNT], 0
        mov     eax, r3_exit
        call    ring3_call
        PCHECK  [TS_COUNT], 1, "#ts once, then the call went through"
        PCHECK  [TS_ERR], SEL_CODE32, "ss0 a code segment: #ts(ss0)"
        PCHECK  [TS_EIP], r3_exit.call, "#ts: return eip is the call"
        PCHECK  [GATE_CS], SEL_CODE32_3 | 3, "the call, rerun, reached ring 0"
        TS_DISARM 10
%ifndef ORACLE_QEMU
        TS_ARM  12, 0
        SETDESC SEL_BADSS, 0, 0xFFFFF, 0x12, 0xC0
        mov     word [TSS0 + 8], SEL_BADSS
        mov     dword [TS_COUNT], 0
        mov     eax, r3_exit
        call    ring3_call
        PCHECK  [TS_COUNT], 1, "#ss once"
        PCHECK  [TS_ERR], SEL_BADSS, "ss0 not present: #ss(ss0)"
        PCHECK  [TS_EIP], r3_exit.call, "#ss: return eip is the call"
        TS_DISARM 12
%endif
        clts
        PGROUP_END
        ret

; runs at ring 3; the handler task repairs SS0 in TSS0 and reruns the call
r3_exit:
        push    dword 1
        push    dword 2
.call:  call    SEL_GATE_EXIT:0

t_np:
        PGROUP  "#np"
        SETDESC SEL_T1, 0xF0000, 0xFFFF, 0x1A, 0x40
        EXPECT  .r1
.f1:    call    SEL_T1:.r1
.r1:    CHECK_EXC 11, SEL_T1, .f1, "far call to not-present code"
        EXPECT  .r2
.f2:    jmp     SEL_T1:.r2
.r2:    CHECK_EXC 11, SEL_T1, .f2, "far jmp to not-present code"
        SETGATE GDT_BASE + SEL_NPGATE, SEL_CODE32, .r3, 0x0C
        EXPECT  .r3
.f3:    call    SEL_NPGATE:0
.r3:    CHECK_EXC 11, SEL_NPGATE, .f3, "not-present call gate"
        ; the gate is fine, its target code segment is not present
        SETGATE GDT_BASE + SEL_NPGATE, SEL_T1, .r4, 0x8C
        EXPECT  .r4
.f4:    call    SEL_NPGATE:0
.r4:    CHECK_EXC 11, SEL_T1, .f4, "call gate to not-present code"
        PGROUP_END
        ret

t_ud:
        PGROUP  "#ud"
        EXPECT  .r1
.f1:    db      0x8E, 0xC8                      ; mov cs, eax
.r1:    CHECK_EXC 6, -1, .f1, "mov cs"
        EXPECT  .r2
.f2:    db      0x8D, 0xC3                      ; lea eax, ebx
.r2:    CHECK_EXC 6, -1, .f2, "lea with a register operand"
        EXPECT  .r3
.f3:    db      0x0F, 0xC7, 0xC8                ; cmpxchg8b eax
.r3:    CHECK_EXC 6, -1, .f3, "cmpxchg8b with a register operand"
        EXPECT  .r4
.f4:    db      0xF0, 0x01, 0xD8                ; lock add eax, ebx
.r4:    CHECK_EXC 6, -1, .f4, "lock with a register destination"
        EXPECT  .r5
.f5:    db      0xF0, 0x90                      ; lock nop
.r5:    CHECK_EXC 6, -1, .f5, "lock nop"
        PGROUP_END
        ret

t_fpu:
        PGROUP  "#nm and #mf"
        fninit
        mov     eax, cr0
        or      eax, 4                          ; EM
        mov     cr0, eax
        EXPECT  .r1
.f1:    fld1
.r1:    CHECK_EXC 7, -1, .f1, "escape with cr0.em"
        mov     eax, cr0
        and     eax, ~4
        or      eax, 8                          ; TS
        mov     cr0, eax
        EXPECT  .r2
.f2:    fldz
.r2:    CHECK_EXC 7, -1, .f2, "escape with cr0.ts"
        mov     eax, cr0
        or      eax, 0x0A                       ; MP and TS
        mov     cr0, eax
        EXPECT  .r3
.f3:    fwait
.r3:    CHECK_EXC 7, -1, .f3, "wait with cr0.mp and ts"
        mov     eax, cr0
        and     eax, ~0x0E
        or      eax, 0x20                       ; NE
        mov     cr0, eax
        fninit
        mov     word [MEM], 0x037B              ; ZE unmasked
        fldcw   [MEM]
        fldz
        fld1
        fdiv    st0, st1
        nop
        EXPECT  .r4
.f4:    fwait
.r4:    CHECK_EXC 16, -1, .f4, "#mf at the next waiting instruction"
        fnclex
        fninit
        PGROUP_END
        ret

t_misc:
        PGROUP  "#br, #df, smsw"
        mov     dword [MEM], 10
        mov     dword [MEM + 4], 20
        mov     eax, 9
        EXPECT  .r1
.f1:    bound   eax, [MEM]
.r1:    CHECK_EXC 5, -1, .f1, "bound below the lower limit"
        mov     word [MEM + 8], 10
        mov     word [MEM + 10], 20
        mov     eax, 0xFFFF0014                 ; ax = 20: in range
        o16 bound ax, [MEM + 8]
        mov     ax, 21
        EXPECT  .r2
.f2:    o16 bound ax, [MEM + 8]
.r2:    CHECK_EXC 5, -1, .f2, "16-bit bound above the upper limit"
        ; #NP while delivering #GP: contributory twice, #DF(0)
        and     byte [IDT_BASE + 13 * 8 + 5], 0x7F
        mov     ax, 0x7F8
        EXPECT  .r3
        mov     es, ax
.r3:    or      byte [IDT_BASE + 13 * 8 + 5], 0x80
        PCHECK  [EXC_VEC], 8, "#np delivering #gp: #df"
        PCHECK  [EXC_ERR], 0, "#df: error code 0"
        ; SMSW: a 32-bit register receives all of CR0, a word register and
        ; memory only the low word
        mov     eax, cr0
        or      eax, 0x50000                    ; WP and AM: upper bits
        mov     cr0, eax
        mov     ebx, eax
        mov     edx, 0xFFFFFFFF
        smsw    edx
        PCHECK  edx, ebx, "smsw r32: all of cr0"
        mov     edx, 0x12340000
        smsw    dx
        and     ebx, 0xFFFF
        or      ebx, 0x12340000
        PCHECK  edx, ebx, "smsw r16: upper half kept"
        mov     dword [MEM], 0xAAAAAAAA
        smsw    [MEM]
        mov     eax, [MEM]
        and     eax, 0xFFFF0000
        PCHECK  eax, 0xAAAA0000, "smsw m16: two bytes"
        mov     eax, cr0
        and     eax, ~0x50000
        mov     cr0, eax
        PGROUP_END
        ret

; ---------------------------------------------------------------------------
; I/O permission bitmap at ring 3 (SDM vol. 3 19.5.1-19.5.2)
t_iomap:
        PGROUP  "i/o bitmap"
        and     byte [TSS0 + TSS0_IOMAP + 0x80 / 8], ~1         ; port 80h allowed
        mov     eax, r3_iomap
        xor     ebx, ebx
        call    ring3_call_fl
        CHECKR  0, 0, "byte at an allowed port: no fault"
        CHECKR  1, 13, "word whose second port is denied: #gp"
        CHECKR  2, 0, "#gp(0)"
        CHECKR  3, r3_iomap.w1, "#gp: eip at the in"
        CHECKR  4, 13, "port past the tss limit: #gp"
        CHECKR  5, 13, "outsb to a denied port: #gp"
        mov     eax, r3_iopl3
        mov     ebx, 0x3000
        call    ring3_call_fl
        CHECKR  8, 0, "iopl 3: the bitmap is not consulted"
        or      byte [TSS0 + TSS0_IOMAP + 0x80 / 8], 1
        PGROUP_END
        ret

; ring3_call_fl: ring3_call with EBX ORed into the ring-3 EFLAGS (IOPL)
ring3_call_fl:
        pushad
        mov     [R0_ESP], esp
        push    dword SEL_DATA_3 | 3
        push    dword STACK3_TOP
        or      ebx, 2
        push    ebx
        push    dword SEL_CODE32_3 | 3
        push    eax
        mov     bx, SEL_DATA_3 | 3
        mov     ds, bx
        mov     es, bx
        iretd

%macro R3EXIT 0
        push    dword 0
        push    dword 0
        call    SEL_GATE_EXIT:0
%endmacro

r3_iomap:
        mov     dword [EXC_COUNT], 0
        in      al, 0x80
        mov     eax, [EXC_COUNT]
        mov     [RES + 0 * 4], eax
        EXPECT  .g1
.w1:    in      ax, 0x80
.g1:    mov     eax, [EXC_VEC]
        mov     [RES + 1 * 4], eax
        mov     eax, [EXC_ERR]
        mov     [RES + 2 * 4], eax
        mov     eax, [EXC_EIP]
        mov     [RES + 3 * 4], eax
        mov     dx, 0x400
        EXPECT  .g2
        in      al, dx
.g2:    mov     eax, [EXC_VEC]
        mov     [RES + 4 * 4], eax
        mov     dx, 0x81
        mov     esi, MEM
        EXPECT  .g3
        outsb
.g3:    mov     eax, [EXC_VEC]
        mov     [RES + 5 * 4], eax
        R3EXIT

r3_iopl3:
        mov     dword [EXC_COUNT], 0
        in      al, 0x81
        mov     dx, 0x400
        in      al, dx
        mov     eax, [EXC_COUNT]
        mov     [RES + 8 * 4], eax
        R3EXIT

; ---------------------------------------------------------------------------
; competing faults (SDM vol. 3 6.9 and the checks' order in the vol. 2 pages)
t_priority:
        PGROUP  "priorities"
        ; execute-only code, not present, into DS: the type check comes first
        SETDESC SEL_T1, 0, 0xFFFF, 0x18, 0
        mov     ax, SEL_T1
        EXPECT  .r1
.f1:    mov     ds, ax
.r1:    CHECK_EXC 13, SEL_T1, .f1, "wrong type and not present: #gp"
        ; writable data, not present, with DPL 0 and RPL 3: privilege first
        SETDESC SEL_T1, 0, 0xFFFF, 0x12, 0
        mov     ax, SEL_T1 | 3
        EXPECT  .r2
.f2:    mov     es, ax
.r2:    CHECK_EXC 13, SEL_T1, .f2, "rpl > dpl and not present: #gp"
        ; #NM (decode) before the memory operand's fault (execution)
%ifndef ORACLE_QEMU
        xor     eax, eax
        mov     es, ax
        mov     eax, cr0
        or      eax, 8
        mov     cr0, eax
        EXPECT  .r3
.f3:    fld     dword [es:0]
.r3:    CHECK_EXC 7, -1, .f3, "escape with ts and a null es: #nm first"
        clts
        EXPECT  .r3b
.f3b:   fld     dword [es:0]
.r3b:   CHECK_EXC 13, 0, .f3b, "then #gp(0) for the null es"
        mov     ax, SEL_DATA
        mov     es, ax
%endif
        ; INT n from ring 3 to a not-present DPL-0 gate: #GP before #NP
        SETGATE IDT_BASE + 0x71 * 8, SEL_CODE32, probe, 0x0E
        SETGATE IDT_BASE + 0x72 * 8, SEL_CODE32, probe, 0x6E
        mov     eax, r3_int
        call    ring3_call
        CHECKR  20, (13 << 16) | (0x71 * 8 + 2), "int to a dpl-0 not-present gate: #gp"
        CHECKR  21, (11 << 16) | (0x72 * 8 + 2), "int to a dpl-3 not-present gate: #np"
%ifndef ORACLE_QEMU
        ; code breakpoint (class 7) before #UD (class 9)
        SETGATE IDT_BASE + 1 * 8, SEL_CODE32, db_rf, 0x8E
        mov     dword [RES + 24 * 4], 0
        mov     eax, 0xF0000 + .ud
        mov     dr0, eax
        mov     eax, 1
        mov     dr7, eax
        EXPECT  .r5
.ud:    ud2
.r5:    xor     eax, eax
        mov     dr7, eax
        mov     dr6, eax
        SETGATE IDT_BASE + 1 * 8, SEL_CODE32, pm_stubs + 16, 0x8E
        PCHECK  [RES + 24 * 4], 0xF0000 + .ud, "breakpoint on ud2: #db first"
        CHECK_EXC 6, -1, .ud, "then #ud with rf set"
%endif
        PGROUP_END
        ret

probe:  iretd

; #DB: record the linear EIP of the first hit, resume with RF
db_rf:
        push    eax
        cmp     dword [RES + 24 * 4], 0
        jne     .seen
        mov     eax, [esp + 4]
        add     eax, 0xF0000
        mov     [RES + 24 * 4], eax
.seen:  or      dword [esp + 12], 0x10000
        pop     eax
        iretd

r3_int:
        EXPECT  .g1
        int     0x71
.g1:    mov     eax, [EXC_VEC]
        shl     eax, 16
        or      ax, [EXC_ERR]
        mov     [RES + 20 * 4], eax
        EXPECT  .g2
        int     0x72
.g2:    mov     eax, [EXC_VEC]
        shl     eax, 16
        or      ax, [EXC_ERR]
        mov     [RES + 21 * 4], eax
        R3EXIT

        bits    16
ROM_END
