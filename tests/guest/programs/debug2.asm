; Debug traps beyond debug.asm (Intel SDM vol. 3 17.2-17.3, 7.2.1): the T flag of
; a TSS (a #DB trap with DR6.BT once the switch completes, EIP at the new task's
; first instruction, in the new task; also after an exception through a task gate,
; with its error code already on the new stack), I/O breakpoints (CR4.DE, DR7
; RW = 10: a trap after IN, OUT or OUTS touching the port range, DR6.Bn), general
; detect (DR7.GD: a MOV DR is a #DB fault with DR6.BD and GD cleared), and the
; single-step trap in protected mode (DR6.BS, one trap per instruction).
; -DORACLE_QEMU leaves out what QEMU 7.2 TCG does not model: the T flag and
; general detect.
%define PROG_NAME "debug2"
%include "lib.inc"
%include "pm.inc"

TSS_B           equ     0x2200
SEL_TSSB        equ     SEL_FREE
RES             equ     0x20100
DBG_HITS        equ     0x20200
DBG_DR6         equ     0x20204
DBG_EIP         equ     0x20208
DBG_TR          equ     0x2020C
DBG_ESP         equ     0x20210
MEM             equ     0x20300

main:
        PM_RUN  dbg_tests
        ret

        bits    32
%macro CHECKR 3
        PCHECK  [RES + (%1) * 4], %2, %3
%endmacro
%macro DBG_RESET 0
        mov     dword [DBG_HITS], 0
        mov     dword [DBG_DR6], 0
        mov     dword [DBG_EIP], 0
%endmacro

; #DB: count; record DR6 (B0-B3 BD BS BT), EIP, TR and ESP of the first hit;
; clear DR6; resume with RF
db_handler:
        push    eax
        inc     dword [DBG_HITS]
        cmp     dword [DBG_HITS], 1
        jne     .later
        mov     eax, dr6
        and     eax, 0xE00F
        mov     [DBG_DR6], eax
        mov     eax, [esp + 4]
        mov     [DBG_EIP], eax
        xor     eax, eax
        str     ax
        mov     [DBG_TR], eax
        lea     eax, [esp + 16]                 ; ESP before the #DB frame
        mov     [DBG_ESP], eax
.later: xor     eax, eax
        mov     dr6, eax
        or      dword [esp + 12], 0x10000
        pop     eax
        iretd

dbg_tests:
        SETGATE IDT_BASE + 1 * 8, SEL_CODE32, db_handler, 0x8E
        xor     eax, eax
        mov     dr6, eax
        mov     dr7, eax
%ifndef ORACLE_QEMU
        call    t_tbit
%endif
        call    t_io
%ifndef ORACLE_QEMU
        call    t_gd
%endif
        call    t_step
        ret

; ---------------------------------------------------------------------------
t_tbit:
        PGROUP  "tss t flag"
        SETDESC SEL_TSSB, TSS_B, 0x67, 0x89, 0
        mov     edi, TSS_B
        mov     eax, task_b
        mov     ebx, 0x9C00
        call    make_tss32
        DBG_RESET
        jmp     SEL_TSSB:0                      ; T clear: no trap
        PCHECK  [DBG_HITS], 0, "t clear: no #db"
        mov     edi, TSS_B
        mov     eax, task_b
        mov     ebx, 0x9C00
        call    make_tss32
        mov     word [TSS_B + 0x64], 1          ; T
        DBG_RESET
        jmp     SEL_TSSB:0
        PCHECK  [DBG_HITS], 1, "t set: one #db"
        PCHECK  [DBG_DR6], 0x8000, "dr6.bt"
        PCHECK  [DBG_EIP], task_b, "eip: the new task's first instruction"
        PCHECK  [DBG_TR], SEL_TSSB, "taken in the new task"
        PCHECK  [RES], 1, "the new task then ran"
        ; #GP through a task gate to a task with T: the error code is pushed
        ; first, then the trap comes before the handler's first instruction
        mov     edi, TSS_B
        mov     eax, task_b_gp
        mov     ebx, 0x9C00
        call    make_tss32
        mov     word [TSS_B + 0x64], 1
        SETGATE IDT_BASE + 13 * 8, SEL_TSSB, 0, 0x85
        DBG_RESET
        mov     ax, 0x7F8
.f1:    mov     es, ax
.resume:
        SETGATE IDT_BASE + 13 * 8, SEL_CODE32, pm_stubs + 13 * 16, 0x8E
        mov     ax, SEL_DATA
        mov     es, ax
        PCHECK  [DBG_HITS], 1, "task gate with t: one #db"
        PCHECK  [DBG_EIP], task_b_gp, "task gate: eip is the handler task's first"
        PCHECK  [DBG_ESP], 0x9C00 - 4, "task gate: error code pushed before the trap"
        PCHECK  [RES + 4], 0x7F8, "the handler task saw its error code"
        clts
        PGROUP_END
        ret

task_b:
        mov     dword [RES], 1
        jmp     SEL_TSS0:0

task_b_gp:
        pop     eax
        mov     [RES + 4], eax
        mov     dword [TSS0 + 0x20], t_tbit.resume
        iretd

; ---------------------------------------------------------------------------
; DR0: port 80h, 1 byte; DR1: ports 84h-87h (LEN 11, 4 bytes)
t_io:
        PGROUP  "i/o breakpoints"
        mov     eax, cr4
        or      eax, 8                          ; CR4.DE
        mov     cr4, eax
        mov     eax, 0x80
        mov     dr0, eax
        mov     eax, 0x86                       ; aligned down to 84h
        mov     dr1, eax
        ; L0 RW0 = 10 LEN0 = 00; L1 RW1 = 10 LEN1 = 11
        mov     eax, 1 | 4 | (2 << 16) | (0xE << 20)
        mov     dr7, eax
        DBG_RESET
        mov     al, 0x55
        out     0x80, al
.o1:    PCHECK  [DBG_HITS], 1, "out to the port: #db"
        PCHECK  [DBG_EIP], .o1, "trap: eip after the out"
        PCHECK  [DBG_DR6], 1, "dr6.b0"
        DBG_RESET
        in      al, 0x80
.i1:    PCHECK  [DBG_HITS], 1, "in from the port: #db"
        PCHECK  [DBG_EIP], .i1, "trap: eip after the in"
        DBG_RESET
        in      al, 0x81
        PCHECK  [DBG_HITS], 0, "the next port: no hit"
        DBG_RESET
        mov     dx, 0x7F
        in      ax, dx
.i2:    PCHECK  [DBG_HITS], 1, "a word at 7fh covers 80h"
        PCHECK  [DBG_EIP], .i2, "word: eip after the in"
        DBG_RESET
        in      al, 0x87
        PCHECK  [DBG_HITS], 1, "len 4: port 87h hits"
        PCHECK  [DBG_DR6], 2, "dr6.b1"
        DBG_RESET
        mov     dx, 0x80
        mov     esi, MEM
        outsb
.s1:    PCHECK  [DBG_HITS], 1, "outsb: #db"
        PCHECK  [DBG_EIP], .s1, "outsb: eip after"
        DBG_RESET
        mov     eax, cr4
        and     eax, ~8
        mov     cr4, eax
        mov     eax, 1                          ; L0 alone, RW0 = 00 at address 80h
        mov     dr7, eax
        out     0x80, al
        PCHECK  [DBG_HITS], 0, "execute breakpoint at 80h: ports do not hit"
        xor     eax, eax
        mov     dr7, eax
        PGROUP_END
        ret

; ---------------------------------------------------------------------------
t_gd:
        PGROUP  "general detect"
        DBG_RESET
        mov     eax, 0x2000                     ; GD
        mov     dr7, eax
.f1:    mov     eax, dr0
        PCHECK  [DBG_HITS], 1, "mov from dr0 with gd: #db"
        PCHECK  [DBG_EIP], .f1, "fault: eip at the mov"
        PCHECK  [DBG_DR6], 0x2000, "dr6.bd"
        mov     eax, dr7
        and     eax, 0x2000
        PCHECK  eax, 0, "gd cleared on entry to the handler"
        PGROUP_END
        ret

; ---------------------------------------------------------------------------
t_step:
        PGROUP  "single step"
        DBG_RESET
        xor     ecx, ecx
        pushfd
        or      dword [esp], 0x100
        popfd
        inc     ecx
.s1:    inc     ecx
        pushfd
        and     dword [esp], ~0x100
        popfd
        PCHECK  ecx, 2, "stepped code ran"
        PCHECK  [DBG_EIP], .s1, "first trap after popf's next instruction"
        PCHECK  [DBG_DR6], 0x4000, "dr6.bs"
        PCHECK  [DBG_HITS], 5, "one trap per instruction (popfd traps too)"
        PGROUP_END
        ret

        bits    16
ROM_END
