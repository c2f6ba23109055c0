; Virtual-8086 mode self-check (Intel SDM vol. 3 ch. 20): entry by IRET from ring 0
; with VM set, real-mode style segments (base = selector * 16), the exit through an
; interrupt to ring 0 pushing GS FS DS ES and nulling them, the sensitive
; instructions with IOPL 0 (CLI STI PUSHF POPF INT n IRET fault with #GP(0); SGDT
; SIDT SMSW, PUSH/POP/MOV Sreg, far JMP/CALL/RET do not; SLDT STR LAR LSL VERR VERW
; ARPL are #UD), IOPL 3 (they run; INT n goes through the IDT), the I/O permission
; bitmap (used whatever IOPL is), and CR4.VME: CLI/STI/PUSHF/POPF on VIF and INT n
; redirected to the v86 program's own IVT through the TSS redirection bitmap.
; -DORACLE_QEMU leaves out the CR4.VME group: QEMU 7.2 TCG does not model VIF
; (its results differ from the SDM's CLI/STI/PUSHF/INT n tables for VME).
%define PROG_NAME "v86"
%include "lib.inc"
%include "pm.inc"

V86_SEG         equ     ROM_SEG                 ; v86 code runs at F000:label
V86_SS          equ     0x0800                  ; v86 stack 0800:0400 (linear 8400h)
V86_SP          equ     0x0400
RES             equ     0x20100                 ; results, dwords, as RES + 4 * n
RES16           equ     0x2010                  ; the same area as segment 2010h
EXIT_ESP        equ     0x05C8
IVT_REDIR       equ     0x66                    ; v86 vector used for VME redirection

main:
        PM_RUN  v86_tests
        ret

        bits    32
v86_tests:
        mov     al, 0xFF
        out     0x21, al
        out     0xA1, al
        SETGATE IDT_BASE + 3 * 8, SEL_CODE32, v86_exit, 0xEE
        and     byte [TSS0 + TSS0_IOMAP + 0xE9 / 8], ~(1 << (0xE9 & 7))
        mov     edi, RES
        mov     ecx, 64
        xor     eax, eax
        rep     stosd
        call    t_iopl0
        call    t_iopl3
%ifndef ORACLE_QEMU
        call    t_vme
%endif
        ret

; v86_enter: EAX = v86 entry offset, EBX = EFLAGS (VM is added). Returns when
; the v86 code executes INT3, with the v86 frame's segments in RES + 40..55.
v86_enter:
        pushad
        mov     [EXIT_ESP], esp
        push    dword 0                         ; gs
        push    dword 0x1234                    ; fs
        push    dword 0                         ; ds
        push    dword 0                         ; es
        push    dword V86_SS
        push    dword V86_SP
        or      ebx, 0x20002
        push    ebx
        push    dword V86_SEG
        push    eax
        iretd

; INT3 from v86 (DPL-3 interrupt gate): record the frame and segment state
v86_exit:
        mov     ax, SEL_DATA
        mov     ds, ax
        mov     eax, [esp + 4]
        mov     [RES + 40 * 4], eax             ; cs
        mov     eax, [esp + 8]
        mov     [RES + 41 * 4], eax             ; eflags
        mov     eax, [esp + 20]
        mov     [RES + 42 * 4], eax             ; es
        mov     eax, [esp + 28]
        mov     [RES + 43 * 4], eax             ; fs
        xor     eax, eax
        mov     ax, es
        mov     [RES + 44 * 4], eax             ; es in the handler: null
        mov     ax, ss
        mov     [RES + 45 * 4], eax
        mov     ax, SEL_DATA
        mov     es, ax
        mov     esp, [EXIT_ESP]
        popad
        ret

%macro CHECKR 3
        PCHECK  [RES + (%1) * 4], %2, %3
%endmacro

t_iopl0:
        PGROUP  "v86 with iopl 0"
        mov     eax, v86_iopl0
        mov     ebx, 0
        call    v86_enter
        CHECKR  40, V86_SEG, "exit frame: cs"
        CHECKR  42, 0x2010, "exit frame: es pushed"
        CHECKR  43, RES16, "exit frame: fs pushed (loaded by pop fs)"
        CHECKR  44, 0, "es nulled on exit"
        CHECKR  45, SEL_DATA, "ring-0 stack from the tss"
        CHECKR  0, 0x5A5A, "segments are real-mode style"
        CHECKR  1, 13, "cli: #gp"
        CHECKR  2, 13, "sti: #gp"
        CHECKR  3, 13, "pushf: #gp"
        CHECKR  4, 13, "popf: #gp"
        CHECKR  5, 13, "int 21h: #gp"
        CHECKR  6, 13, "iret: #gp"
        CHECKR  7, 13, "in from a denied port: #gp"
        CHECKR  8, 0xE9, "in from an allowed port"
        CHECKR  9, 6, "sldt: #ud"
        CHECKR  10, 6, "lar: #ud"
        CHECKR  11, 6, "verr: #ud"
        CHECKR  12, 6, "arpl: #ud"
        CHECKR  13, 6, "str: #ud"
        CHECKR  14, GDT_LIMIT, "sgdt limit"
        CHECKR  15, 0x0011, "smsw"
        CHECKR  16, 0x4321, "far call / retf"
        CHECKR  17, 0, "exception error code"
        CHECKR  18, IDT_LIMIT, "sidt limit"
        CHECKR  19, 6, "lsl: #ud"
        CHECKR  26, 6, "verw: #ud"
        CHECKR  27, 0x0F5F, "push es / pop fs: same base"
        CHECKR  28, RES16, "mov from fs"
        CHECKR  29, V86_SEG, "far jmp: cs"
        PGROUP_END
        ret


        bits    16
; v86 code: DS = ES = 0 on entry; results through ES = RES16 (linear 20100h)
v86_iopl0:
        mov     ax, RES16
        mov     es, ax
        mov     word [es:0], 0x5A5A
        mov     eax, [es:0]
        mov     [es:0], eax
        EXPECT  .g1
        cli
.g1:    mov     eax, [EXC_VEC]
        mov     [es:1 * 4], eax
        mov     eax, [EXC_ERR]
        mov     [es:17 * 4], eax
        EXPECT  .g2
        sti
.g2:    mov     eax, [EXC_VEC]
        mov     [es:2 * 4], eax
        EXPECT  .g3
        pushf
.g3:    mov     eax, [EXC_VEC]
        mov     [es:3 * 4], eax
        EXPECT  .g4
        popf
.g4:    mov     eax, [EXC_VEC]
        mov     [es:4 * 4], eax
        EXPECT  .g5
        int     0x21
.g5:    mov     eax, [EXC_VEC]
        mov     [es:5 * 4], eax
        EXPECT  .g6
        iret
.g6:    mov     eax, [EXC_VEC]
        mov     [es:6 * 4], eax
        EXPECT  .g7
        in      al, 0x80
.g7:    mov     eax, [EXC_VEC]
        mov     [es:7 * 4], eax
        xor     eax, eax
        in      al, 0xE9
        mov     [es:8 * 4], eax
        EXPECT  .u1
        sldt    ax
.u1:    mov     eax, [EXC_VEC]
        mov     [es:9 * 4], eax
        EXPECT  .u2
        lar     ax, bx
.u2:    mov     eax, [EXC_VEC]
        mov     [es:10 * 4], eax
        EXPECT  .u3
        verr    ax
.u3:    mov     eax, [EXC_VEC]
        mov     [es:11 * 4], eax
        EXPECT  .u4
        arpl    ax, bx
.u4:    mov     eax, [EXC_VEC]
        mov     [es:12 * 4], eax
        EXPECT  .u5
        str     ax
.u5:    mov     eax, [EXC_VEC]
        mov     [es:13 * 4], eax
        sgdt    [es:0x200]
        movzx   eax, word [es:0x200]
        mov     [es:14 * 4], eax
        xor     eax, eax
        smsw    ax
        mov     [es:15 * 4], eax
        call    V86_SEG:v86_far
        mov     [es:16 * 4], eax
        sidt    [es:0x200]
        movzx   eax, word [es:0x200]
        mov     [es:18 * 4], eax
        EXPECT  .u6
        lsl     ax, bx
.u6:    mov     eax, [EXC_VEC]
        mov     [es:19 * 4], eax
        EXPECT  .u7
        verw    ax
.u7:    mov     eax, [EXC_VEC]
        mov     [es:26 * 4], eax
        push    es
        pop     fs
        mov     dword [fs:27 * 4], 0x0F5F
        mov     ax, fs
        mov     [es:28 * 4], ax
        jmp     V86_SEG:.jf
.jf:    mov     ax, cs
        mov     [es:29 * 4], ax
        int3

v86_far:
        mov     eax, 0x4321
        retf

        bits    32
t_iopl3:
        PGROUP  "v86 with iopl 3"
        SETGATE IDT_BASE + 0x21 * 8, SEL_CODE32, v86_int21, 0xEE
        mov     eax, v86_iopl3
        mov     ebx, 0x3000
        call    v86_enter
        CHECKR  20, 0x0200, "sti/pushf: if"
        CHECKR  21, 0, "cli/pushf: if"
        CHECKR  22, 0x3000, "pushf: iopl 3"
        CHECKR  23, 0x7777, "int 21h through the idt"
        CHECKR  24, 0x0000, "ds in the ring-0 handler"
        CHECKR  25, 0x0202, "popf sets if"
        PGROUP_END
        ret

; INT 21h from v86 mode reaches ring 0: DS was nulled; return to v86 with IRET
v86_int21:
        xor     eax, eax
        mov     ax, ds
        push    dword SEL_DATA
        pop     ds
        mov     [RES + 24 * 4], eax
        mov     eax, 0x7777
        iretd

        bits    16
v86_iopl3:
        mov     ax, RES16
        mov     es, ax
        sti
        pushf
        pop     ax
        and     ax, 0x200
        mov     [es:20 * 4], ax
        cli
        pushf
        pop     ax
        and     ax, 0x200
        mov     [es:21 * 4], ax
        pushf
        pop     ax
        and     ax, 0x3000
        mov     [es:22 * 4], ax
        int     0x21
        mov     [es:23 * 4], eax
        push    word 0x0202
        popf
        pushf
        pop     ax
        and     ax, 0x0202
        mov     [es:25 * 4], ax
        cli
        int3

        bits    32
t_vme:
        PGROUP  "v86 with cr4.vme"
        mov     eax, cr4
        or      eax, 1
        mov     cr4, eax
        ; the v86 program's own handler for INT 66h, through the real-mode IVT
        mov     word [IVT_REDIR * 4], v86_ivt_handler
        mov     word [IVT_REDIR * 4 + 2], V86_SEG
        mov     eax, v86_vme
        mov     ebx, 0
        call    v86_enter
        mov     eax, cr4
        and     eax, ~1
        mov     cr4, eax
        CHECKR  30, 0, "cli under vme: no fault"
        CHECKR  31, 0, "cli clears vif"
        CHECKR  32, 0x80000, "sti sets vif, iopl stays 0"
        CHECKR  33, 0x0200, "pushf shows vif as if"
        CHECKR  34, 0x6666, "int 66h redirected to the v86 ivt"
        CHECKR  35, 0, "redirected handler entered with vif clear"
        CHECKR  36, 0x80000, "iret restores vif"
        PGROUP_END
        ret

        bits    16
v86_vme:
        mov     ax, RES16
        mov     es, ax
        mov     dword [EXC_COUNT], 0
        mov     dword [EXC_RESUME], v86_vme_fail
        cli
        mov     eax, [EXC_COUNT]
        mov     [es:30 * 4], eax
        call    v86_flags
        and     eax, 0x80000
        mov     [es:31 * 4], eax
        sti
        call    v86_flags
        and     eax, 0x83000
        mov     [es:32 * 4], eax
        pushf
        pop     ax
        and     ax, 0x0200
        mov     [es:33 * 4], ax
        int     IVT_REDIR
        mov     [es:34 * 4], eax
        call    v86_flags
        and     eax, 0x80000
        mov     [es:36 * 4], eax
        mov     dword [EXC_RESUME], 0
        int3
v86_vme_fail:
        int3

; EFLAGS as ring 0 sees them: the VME image of PUSHF hides VIF, so the
; 32-bit value comes from PUSHFD... which faults with IOPL < 3; read it
; through the exception handler instead.
v86_flags:
        mov     dword [EXC_RESUME], .back
        pushfd
.back:  mov     eax, [EXC_EFL]
        mov     dword [EXC_RESUME], v86_vme_fail
        ret

v86_ivt_handler:
        call    v86_flags
        and     eax, 0x80000
        mov     [es:35 * 4], eax
        mov     eax, 0x6666
        iret

        bits    16
ROM_END
