; Hardware task switching self-check (Intel SDM vol. 3 ch. 7, table 7-2): JMP to a
; TSS (busy bits move, no link, NT clear), CALL to a TSS and through a task gate
; (NT set, back link, the caller stays busy) returning with IRET, INT through an
; IDT task gate, an exception through a task gate with its error code pushed on
; the handler task's stack, a 16-bit TSS, JMP to a busy TSS (#GP), CR0.TS set by
; every switch, and the registers of each task saved and restored.
%define PROG_NAME "tasks"
%include "lib.inc"
%include "pm.inc"

TSS_B           equ     0x2200
TSS_C           equ     0x2300
TSS_D           equ     0x2400
SEL_TSSB        equ     SEL_FREE
SEL_TSSC        equ     SEL_FREE + 8
SEL_TSSD        equ     SEL_FREE + 16
SEL_TGATE       equ     SEL_FREE + 24
RES             equ     0x20100

main:
        PM_RUN  task_tests
        ret

        bits    32
%macro CHECKR 3
        PCHECK  [RES + (%1) * 4], %2, %3
%endmacro
%macro BUSY 1                                   ; EAX = type byte of a TSS descriptor
        movzx   eax, byte [GDT_BASE + (%1) + 5]
%endmacro

task_tests:
        mov     edi, RES
        mov     ecx, 64
        xor     eax, eax
        rep     stosd
        SETDESC SEL_TSSB, TSS_B, 0x67, 0x89, 0
        SETDESC SEL_TSSC, TSS_C, 0x67, 0x89, 0
        SETDESC SEL_TSSD, TSS_D, 0x2B, 0x81, 0
        SETGATE GDT_BASE + SEL_TGATE, SEL_TSSB, 0, 0x85
        call    t_jmp
        call    t_call
        call    t_int
        call    t_fault
        call    t_tss16
        ret

t_jmp:
        PGROUP  "jmp to a task"
        mov     edi, TSS_B
        mov     eax, task_b_jmp
        mov     ebx, 0x9C00
        call    make_tss32
        mov     dword [TSS_B + 0x40], 0xBBBB    ; esi
        clts
        mov     esi, 0x51515151
        jmp     SEL_TSSB:0
.back:  PCHECK  esi, 0x51515151, "registers restored when the task resumes"
        CHECKR  0, SEL_TSSB, "str in the new task"
        CHECKR  1, 0x89, "jmp: the old task is no longer busy"
        CHECKR  2, 0x8B, "jmp: the new task is busy"
        CHECKR  3, 0, "jmp: nt clear"
        CHECKR  4, 0, "jmp: no back link"
        CHECKR  5, 0xBBBB, "the new task's registers come from its tss"
        BUSY    SEL_TSSB
        PCHECK  eax, 0x89, "jmp back: b no longer busy"
        BUSY    SEL_TSS0
        PCHECK  eax, 0x8B, "jmp back: a busy again"
        mov     eax, cr0
        and     eax, 8
        PCHECK  eax, 8, "cr0.ts set by the switch"
        clts
        PGROUP_END
        ret

task_b_jmp:
        xor     eax, eax
        str     ax
        mov     [RES + 0 * 4], eax
        BUSY    SEL_TSS0
        mov     [RES + 1 * 4], eax
        BUSY    SEL_TSSB
        mov     [RES + 2 * 4], eax
        pushfd
        pop     eax
        and     eax, 0x4000
        mov     [RES + 3 * 4], eax
        movzx   eax, word [TSS_B]
        mov     [RES + 4 * 4], eax
        mov     [RES + 5 * 4], esi
        jmp     SEL_TSS0:0

t_call:
        PGROUP  "call to a task, iret back"
        mov     edi, TSS_B
        mov     eax, task_b_call
        mov     ebx, 0x9C00
        call    make_tss32
        call    SEL_TSSB:0
        CHECKR  10, 0x4000, "call: nt set in the new task"
        CHECKR  11, SEL_TSS0, "call: back link"
        CHECKR  12, 0x8B, "call: the caller stays busy"
        CHECKR  13, 0x8B, "call: the new task is busy"
        BUSY    SEL_TSSB
        PCHECK  eax, 0x89, "iret: the returning task is no longer busy"
        pushfd
        pop     eax
        and     eax, 0x4000
        PCHECK  eax, 0, "iret: nt clear in the caller"
        ; through a task gate in the GDT
        mov     edi, TSS_B
        mov     eax, task_b_call
        mov     ebx, 0x9C00
        call    make_tss32
        mov     dword [RES + 11 * 4], 0
        call    SEL_TGATE:0
        CHECKR  11, SEL_TSS0, "call through a task gate: back link"
        ; a busy TSS cannot be entered
        EXPECT  .r1
.f1:    jmp     SEL_TSS0:0
.r1:    CHECK_EXC 13, SEL_TSS0, .f1, "jmp to a busy tss: #gp"
        PGROUP_END
        ret

task_b_call:
        pushfd
        pop     eax
        and     eax, 0x4000
        mov     [RES + 10 * 4], eax
        movzx   eax, word [TSS_B]
        mov     [RES + 11 * 4], eax
        BUSY    SEL_TSS0
        mov     [RES + 12 * 4], eax
        BUSY    SEL_TSSB
        mov     [RES + 13 * 4], eax
        iretd
        jmp     task_b_call                     ; a later call resumes here

t_int:
        PGROUP  "int through a task gate"
        mov     edi, TSS_C
        mov     eax, task_c_int
        mov     ebx, 0x9E00
        call    make_tss32
        SETGATE IDT_BASE + 0x70 * 8, SEL_TSSC, 0, 0x85
        int     0x70
        CHECKR  20, SEL_TSSC, "int: str in the handler task"
        CHECKR  21, SEL_TSS0, "int: back link"
        CHECKR  22, 0x9E00, "int: no error code pushed"
        PGROUP_END
        ret

task_c_int:
        xor     eax, eax
        str     ax
        mov     [RES + 20 * 4], eax
        movzx   eax, word [TSS_C]
        mov     [RES + 21 * 4], eax
        mov     [RES + 22 * 4], esp
        iretd

t_fault:
        PGROUP  "exception through a task gate"
        mov     edi, TSS_C
        mov     eax, task_c_fault
        mov     ebx, 0x9E00
        call    make_tss32
        SETGATE IDT_BASE + 13 * 8, SEL_TSSC, 0, 0x85
        mov     ax, 0x7F8
.f1:    mov     es, ax
.resume:
        mov     ax, SEL_DATA
        mov     es, ax
        SETGATE IDT_BASE + 13 * 8, SEL_CODE32, pm_stubs + 13 * 16, 0x8E
        CHECKR  30, 0x7F8, "error code on the handler task's stack"
        CHECKR  31, 0x9E00 - 4, "handler task esp after the push"
        CHECKR  32, .f1, "the faulting task's saved eip"
        PGROUP_END
        ret

; the faulting task resumes past the fault: its saved EIP is rewritten
task_c_fault:
        mov     [RES + 31 * 4], esp
        pop     eax
        mov     [RES + 30 * 4], eax
        mov     eax, [TSS0 + 0x20]
        mov     [RES + 32 * 4], eax
        mov     dword [TSS0 + 0x20], t_fault.resume
        iretd

t_tss16:
        PGROUP  "16-bit tss"
        mov     edi, TSS_D
        mov     ecx, 0x2C
        xor     al, al
        rep     stosb
        mov     word [TSS_D + 0x0E], task_d
        mov     word [TSS_D + 0x10], 2
        mov     word [TSS_D + 0x12 + 4 * 2], 0x9D00     ; sp
        mov     word [TSS_D + 0x12 + 6 * 2], 0xD0D0     ; si
        mov     word [TSS_D + 0x22], SEL_DATA           ; es
        mov     word [TSS_D + 0x24], SEL_CODE32         ; cs
        mov     word [TSS_D + 0x26], SEL_DATA           ; ss
        mov     word [TSS_D + 0x28], SEL_DATA           ; ds
        mov     esi, 0x12340000
        call    SEL_TSSD:0
        CHECKR  40, SEL_TSSD, "str in the 16-bit task"
        CHECKR  41, 0xD0D0, "si from the 16-bit tss"
        CHECKR  42, SEL_TSS0, "back link in the 16-bit tss"
        PCHECK  esi, 0x12340000, "caller registers restored"
        BUSY    SEL_TSSD
        PCHECK  eax, 0x81, "16-bit tss not busy after iret"
        PGROUP_END
        ret

task_d:
        xor     eax, eax
        str     ax
        mov     [RES + 40 * 4], eax
        movzx   eax, si
        mov     [RES + 41 * 4], eax
        movzx   eax, word [TSS_D]
        mov     [RES + 42 * 4], eax
        iretd

        bits    16
ROM_END
