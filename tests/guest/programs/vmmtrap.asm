; The VMM made visible: the sensitive instructions (the 17 that make x86 fail the
; Popek-Goldberg test, plus CLI as a privileged one) executed from ring 3 and from
; virtual-8086 mode with IOPL 0. For each, the program checks what the guest sees
; (SDM vol. 3: SGDT returns the real GDTR, POPF ignores IF, PUSH CS shows RPL 3,
; loading a DPL-0 selector faults, ...) and the trap record trapdoor's VMM kept of
; it, read back through the VMM info port (docs/internals.md): the op, and whether
; the VMM emulated it or reflected it to the guest as an exception, with the vector
; and error code. It ends by printing "vmm-expect OP N" lines for the ops only its
; test cases execute; run_vmmtrap.sh checks them against the -d stats report and
; the -d trap log. Needs trapdoor (the info port); not an oracle program for QEMU.
%define PROG_NAME "vmmtrap"
%include "lib.inc"
%include "pm.inc"
%include "x86_ops.inc"

VMMINFO_INDEX   equ     0x5D0
VMMINFO_DATA    equ     0x5D4
VI_RECORD       equ     0x0300                  ; + 8 * k + field
VI_OP           equ     0x0100                  ; + op: VMM calls of that op
VI_NONE         equ     0xFFF0                  ; an index that reads all ones
NONE            equ     0xFFFFFFFF
EMULATED        equ     0
REFLECTED       equ     1
RES             equ     0x20100                 ; ring-3 and v86 results, dwords
RES16           equ     0x2010
V86_SEG         equ     ROM_SEG
V86_SS          equ     0x0800
V86_SP          equ     0x0400
EXIT_ESP        equ     0x05C8
CS3             equ     SEL_CODE32_3 | 3

main:
        PM_RUN  vmm_tests
        ret

        bits    32
vmm_tests:
        mov     al, 0xFF
        out     0x21, al
        out     0xA1, al
        SETGATE IDT_BASE + 3 * 8, SEL_CODE32, v86_exit, 0xEE
        call    t_ring3
        call    t_v86
        call    t_counts
        ret

; vmm_get: EAX = info port index -> EAX = its value
vmm_get:
        push    edx
        mov     dx, VMMINFO_INDEX
        out     dx, ax
        mov     dx, VMMINFO_DATA
        in      eax, dx
        pop     edx
        ret

; find_rec: EBX = EIP, ECX = CS of an instruction -> EDI = info index of its most
; recent trap record, EAX = 1; or EDI = VI_NONE, EAX = 0 when there is none
find_rec:
        mov     edi, VI_RECORD
.next:  lea     eax, [edi + 2]
        call    vmm_get
        cmp     eax, ebx
        jne     .skip
        lea     eax, [edi + 3]
        call    vmm_get
        cmp     eax, ecx
        jne     .skip
        mov     eax, 1
        ret
.skip:  add     edi, 8
        cmp     edi, VI_RECORD + 8 * 32
        jb      .next
        mov     edi, VI_NONE
        xor     eax, eax
        ret

; FETCHREC at, cs, slot: copy the VMM's most recent record of the instruction at
; cs:at into REC + 32 * slot (found, op, outcome, vector, error). Nothing in
; between may be a VMM call outside the info port: each would push the records
; one place further back in the history.
REC             equ     0x20400
%macro FETCHREC 3
        mov     ebx, %1
        mov     ecx, %2
        call    find_rec
        mov     [REC + 32 * (%3)], eax
        mov     eax, edi
        call    vmm_get
        mov     [REC + 32 * (%3) + 4], eax
        lea     eax, [edi + 4]
        call    vmm_get
        mov     [REC + 32 * (%3) + 8], eax
        lea     eax, [edi + 5]
        call    vmm_get
        mov     [REC + 32 * (%3) + 12], eax
        lea     eax, [edi + 6]
        call    vmm_get
        mov     [REC + 32 * (%3) + 16], eax
%endmacro

; CHECKREC slot, op, outcome, vector, error, "name"
%macro CHECKREC 6
        PCHECK  [REC + 32 * (%1)], 1, {%6, ": trap record present"}
        PCHECK  [REC + 32 * (%1) + 4], %2, {%6, ": trap record op"}
        PCHECK  [REC + 32 * (%1) + 8], %3, {%6, ": outcome"}
        PCHECK  [REC + 32 * (%1) + 12], %4, {%6, ": vector"}
        PCHECK  [REC + 32 * (%1) + 16], %5, {%6, ": error code"}
%endmacro

; TRAPREC at, cs, op, outcome, vector, error, "name": the VMM's record of the
; instruction at cs:at
%macro TRAPREC 7
        FETCHREC %1, %2, 0
        CHECKREC 0, %3, %4, %5, %6, %7
%endmacro

; R3 routine: run a ring-3 routine (ends with jmp r3_done)
%macro R3 1
        mov     eax, %1
        call    ring3_call
%endmacro

%macro CHECKR 3
        PCHECK  [RES + (%1) * 4], %2, %3
%endmacro

; ---------------------------------------------------------------- ring 3
t_ring3:
        PGROUP  "sensitive instructions at ring 3, iopl 0"
        R3      r3_sgdt
        TRAPREC r3_sgdt.at, CS3, VMM_OP_SGDT, EMULATED, NONE, NONE, "sgdt"
        CHECKR  0, GDT_LIMIT, "sgdt: the real gdtr limit"
        CHECKR  1, GDT_BASE, "sgdt: the real gdtr base"
        R3      r3_sidt
        TRAPREC r3_sidt.at, CS3, VMM_OP_SIDT, EMULATED, NONE, NONE, "sidt"
        CHECKR  0, IDT_LIMIT, "sidt: the real idtr limit"
        R3      r3_sldt
        TRAPREC r3_sldt.at, CS3, VMM_OP_SLDT, EMULATED, NONE, NONE, "sldt"
        CHECKR  0, 0, "sldt: no ldt"
        mov     eax, cr0
        and     eax, 0xFFFF
        mov     [RES + 8 * 4], eax
        R3      r3_smsw
        TRAPREC r3_smsw.at, CS3, VMM_OP_SMSW, EMULATED, NONE, NONE, "smsw"
        mov     eax, [RES + 8 * 4]
        CHECKR  0, eax, "smsw: the real cr0 low word"
        R3      r3_str
        TRAPREC r3_str.at, CS3, VMM_OP_STR, EMULATED, NONE, NONE, "str"
        CHECKR  0, SEL_TSS0, "str: the real task register"
        R3      r3_pushf
        TRAPREC r3_pushf.at, CS3, VMM_OP_PUSHF, EMULATED, NONE, NONE, "pushf"
        CHECKR  0, 0, "pushf: iopl 0 and if 0 visible"
        R3      r3_popf
        TRAPREC r3_popf.at, CS3, VMM_OP_POPF, EMULATED, NONE, NONE, "popf"
        CHECKR  0, 0, "popf: if=1 silently ignored"
        R3      r3_lar
        TRAPREC r3_lar.at, CS3, VMM_OP_LAR, EMULATED, NONE, NONE, "lar"
        CHECKR  0, 0x00C0F300, "lar: access rights of the ring-3 data segment (accessed)"
        R3      r3_lsl
        TRAPREC r3_lsl.at, CS3, VMM_OP_LSL, EMULATED, NONE, NONE, "lsl"
        CHECKR  0, 0xFFFFFFFF, "lsl: limit of the flat segment"
        R3      r3_verr
        TRAPREC r3_verr.at, CS3, VMM_OP_VERR, EMULATED, NONE, NONE, "verr"
        CHECKR  0, 0, "verr: a dpl-0 segment is not readable from ring 3"
        R3      r3_verw
        TRAPREC r3_verw.at, CS3, VMM_OP_VERW, EMULATED, NONE, NONE, "verw"
        CHECKR  0, 1, "verw: the ring-3 data segment is writable"
        R3      r3_push_cs
        TRAPREC r3_push_cs.at, CS3, VMM_OP_PUSH_SREG, EMULATED, NONE, NONE, "push cs"
        CHECKR  0, CS3, "push cs: rpl 3 shows the real cpl"
        R3      r3_mov_from
        TRAPREC r3_mov_from.at, CS3, VMM_OP_MOV_FROM_SREG, EMULATED, NONE, NONE, "mov ax, cs"
        CHECKR  0, CS3, "mov ax, cs: rpl 3"
        R3      r3_pop_ds
        TRAPREC r3_pop_ds.at, CS3, VMM_OP_POP_SREG, REFLECTED, 13, SEL_DATA, "pop ds (dpl 0)"
        CHECKR  0, 13, "pop ds: #gp seen by the guest"
        R3      r3_mov_es
        TRAPREC r3_mov_es.at, CS3, VMM_OP_MOV_TO_SREG, REFLECTED, 13, SEL_DATA, "mov es (dpl 0)"
        CHECKR  0, SEL_DATA, "mov es: #gp error code seen by the guest"
        R3      r3_jmp_far
        TRAPREC r3_jmp_far.at, CS3, VMM_OP_JMP_FAR, EMULATED, NONE, NONE, "jmp far (ring 3)"
        CHECKR  0, 0x600D, "jmp far: arrived"
        R3      r3_call_far
        TRAPREC r3_call_far.at, CS3, VMM_OP_CALL_FAR, REFLECTED, 13, SEL_CODE32, "call far (ring 0 code)"
        CHECKR  0, SEL_CODE32, "call far: #gp error code seen by the guest"
        R3      r3_retf
        TRAPREC r3_retf.at, CS3, VMM_OP_RETF, EMULATED, NONE, NONE, "retf (ring 3)"
        CHECKR  0, 0x600D, "retf: arrived"
        R3      r3_int
        TRAPREC r3_int.at, CS3, VMM_OP_INT, REFLECTED, 13, 0x40 * 8 + 2, "int 40h (dpl-0 gate)"
        CHECKR  0, 0x40 * 8 + 2, "int 40h: #gp error code seen by the guest"
        R3      r3_iret
        TRAPREC r3_iret.at, CS3, VMM_OP_IRET, EMULATED, NONE, NONE, "iret (ring 3)"
        CHECKR  0, 0x600D, "iret: arrived"
        R3      r3_cli
        TRAPREC r3_cli.at, CS3, VMM_OP_CLI, REFLECTED, 13, 0, "cli"
        CHECKR  0, 13, "cli: #gp seen by the guest"
        PGROUP_END
        ret

; ring-3 routines: DS = ES = flat ring-3 data, results in RES
r3_done:
        push    dword 0
        push    dword 0
        call    SEL_GATE_EXIT:0

r3_sgdt:
.at:    sgdt    [RES + 0x40]
        movzx   eax, word [RES + 0x40]
        mov     [RES], eax
        mov     eax, [RES + 0x42]
        mov     [RES + 4], eax
        jmp     r3_done
r3_sidt:
.at:    sidt    [RES + 0x40]
        movzx   eax, word [RES + 0x40]
        mov     [RES], eax
        jmp     r3_done
r3_sldt:
        mov     eax, 0x1234
.at:    sldt    ax
        movzx   eax, ax
        mov     [RES], eax
        jmp     r3_done
r3_smsw:
        xor     eax, eax
.at:    smsw    ax
        mov     [RES], eax
        jmp     r3_done
r3_str:
        xor     eax, eax
.at:    str     ax
        mov     [RES], eax
        jmp     r3_done
r3_pushf:
.at:    pushfd
        pop     eax
        and     eax, 0x3200                     ; IOPL and IF
        mov     [RES], eax
        jmp     r3_done
r3_popf:
        push    dword 0x0202                    ; IF = 1
.at:    popfd
        pushfd
        pop     eax
        and     eax, 0x0200
        mov     [RES], eax
        jmp     r3_done
r3_lar:
        mov     ecx, SEL_DATA_3 | 3
        xor     eax, eax
.at:    lar     eax, ecx
        and     eax, 0x00F0FF00
        mov     [RES], eax
        jmp     r3_done
r3_lsl:
        mov     ecx, SEL_DATA_3 | 3
        xor     eax, eax
.at:    lsl     eax, ecx
        mov     [RES], eax
        jmp     r3_done
r3_verr:
        mov     ecx, SEL_DATA
.at:    verr    cx
        setz    al
        movzx   eax, al
        mov     [RES], eax
        jmp     r3_done
r3_verw:
        mov     ecx, SEL_DATA_3 | 3
.at:    verw    cx
        setz    al
        movzx   eax, al
        mov     [RES], eax
        jmp     r3_done
r3_push_cs:
.at:    push    cs
        pop     eax
        movzx   eax, ax
        mov     [RES], eax
        jmp     r3_done
r3_mov_from:
        xor     eax, eax
.at:    mov     ax, cs
        mov     [RES], eax
        jmp     r3_done
r3_pop_ds:
        EXPECT  .res
        push    dword SEL_DATA
.at:    pop     ds
.res:   mov     eax, [EXC_VEC]
        mov     [RES], eax
        add     esp, 4
        jmp     r3_done
r3_mov_es:
        EXPECT  .res
        mov     eax, SEL_DATA
.at:    mov     es, ax
.res:   mov     eax, [EXC_ERR]
        mov     [RES], eax
        jmp     r3_done
r3_jmp_far:
        mov     dword [RES], 0
.at:    jmp     CS3:.there
.there: mov     dword [RES], 0x600D
        jmp     r3_done
r3_call_far:
        EXPECT  .res
.at:    call    SEL_CODE32:r3_done
.res:   mov     eax, [EXC_ERR]
        mov     [RES], eax
        jmp     r3_done
r3_retf:
        mov     dword [RES], 0
        push    dword CS3
        push    dword .there
.at:    retf
.there: mov     dword [RES], 0x600D
        jmp     r3_done
r3_int:
        EXPECT  .res
.at:    int     0x40
.res:   mov     eax, [EXC_ERR]
        mov     [RES], eax
        jmp     r3_done
r3_iret:
        mov     dword [RES], 0
        pushfd
        push    dword CS3
        push    dword .there
.at:    iretd
.there: mov     dword [RES], 0x600D
        jmp     r3_done
r3_cli:
        EXPECT  .res
.at:    cli
.res:   mov     eax, [EXC_VEC]
        mov     [RES], eax
        jmp     r3_done

; ---------------------------------------------------------------- v86
; v86_enter: EAX = v86 entry offset (in V86_SEG). Returns when the v86 code
; executes INT3; IOPL 0.
v86_enter:
        pushad
        mov     [EXIT_ESP], esp
        push    dword 0                         ; gs
        push    dword 0                         ; fs
        push    dword 0                         ; ds
        push    dword 0                         ; es
        push    dword V86_SS
        push    dword V86_SP
        push    dword 0x20002
        push    dword V86_SEG
        push    eax
        iretd

v86_exit:
        mov     ax, SEL_DATA
        mov     ds, ax
        mov     es, ax
        mov     esp, [EXIT_ESP]
        popad
        ret

; V86 routine: run a v86 routine (ends with int3)
%macro V86 1
        mov     eax, %1
        call    v86_enter
%endmacro

t_v86:
        PGROUP  "sensitive instructions in v86 mode, iopl 0"
        V86     v_sgdt
        TRAPREC v_sgdt.at, V86_SEG, VMM_OP_SGDT, EMULATED, NONE, NONE, "v86 sgdt"
        CHECKR  0, GDT_LIMIT, "v86 sgdt: the real gdtr limit"
        V86     v_sidt
        TRAPREC v_sidt.at, V86_SEG, VMM_OP_SIDT, EMULATED, NONE, NONE, "v86 sidt"
        CHECKR  0, IDT_LIMIT, "v86 sidt: the real idtr limit"
        V86     v_smsw
        TRAPREC v_smsw.at, V86_SEG, VMM_OP_SMSW, EMULATED, NONE, NONE, "v86 smsw"
        V86     v_sldt
        TRAPREC v_sldt.at, V86_SEG, VMM_OP_SLDT, REFLECTED, 6, NONE, "v86 sldt"
        V86     v_str
        TRAPREC v_str.at, V86_SEG, VMM_OP_STR, REFLECTED, 6, NONE, "v86 str"
        V86     v_lar
        TRAPREC v_lar.at, V86_SEG, VMM_OP_LAR, REFLECTED, 6, NONE, "v86 lar"
        V86     v_lsl
        TRAPREC v_lsl.at, V86_SEG, VMM_OP_LSL, REFLECTED, 6, NONE, "v86 lsl"
        V86     v_verr
        TRAPREC v_verr.at, V86_SEG, VMM_OP_VERR, REFLECTED, 6, NONE, "v86 verr"
        V86     v_verw
        TRAPREC v_verw.at, V86_SEG, VMM_OP_VERW, REFLECTED, 6, NONE, "v86 verw"
        V86     v_pushf
        TRAPREC v_pushf.at, V86_SEG, VMM_OP_PUSHF, REFLECTED, 13, 0, "v86 pushf"
        CHECKR  0, 13, "v86 pushf: #gp seen by the monitor"
        V86     v_popf
        TRAPREC v_popf.at, V86_SEG, VMM_OP_POPF, REFLECTED, 13, 0, "v86 popf"
        V86     v_int
        TRAPREC v_int.at, V86_SEG, VMM_OP_INT, REFLECTED, 13, 0, "v86 int 21h"
        V86     v_iret
        TRAPREC v_iret.at, V86_SEG, VMM_OP_IRET, REFLECTED, 13, 0, "v86 iret"
        V86     v_push_es
        TRAPREC v_push_es.at, V86_SEG, VMM_OP_PUSH_SREG, EMULATED, NONE, NONE, "v86 push es"
        CHECKR  0, RES16, "v86 push es: the real-mode selector"
        V86     v_pop_fs
        TRAPREC v_pop_fs.at, V86_SEG, VMM_OP_POP_SREG, EMULATED, NONE, NONE, "v86 pop fs"
        V86     v_mov_from
        TRAPREC v_mov_from.at, V86_SEG, VMM_OP_MOV_FROM_SREG, EMULATED, NONE, NONE, "v86 mov ax, cs"
        CHECKR  0, V86_SEG, "v86 mov ax, cs"
        V86     v_mov_to
        TRAPREC v_mov_to.at, V86_SEG, VMM_OP_MOV_TO_SREG, EMULATED, NONE, NONE, "v86 mov ds, ax"
        V86     v_jmp_far
        TRAPREC v_jmp_far.at, V86_SEG, VMM_OP_JMP_FAR, EMULATED, NONE, NONE, "v86 jmp far"
        V86     v_call_far
        FETCHREC v_call_far.at, V86_SEG, 0
        FETCHREC v_far_ret.at, V86_SEG, 1
        CHECKREC 0, VMM_OP_CALL_FAR, EMULATED, NONE, NONE, "v86 call far"
        CHECKREC 1, VMM_OP_RETF, EMULATED, NONE, NONE, "v86 retf"
        CHECKR  0, 0x600D, "v86 call far / retf: returned"
        PGROUP_END
        ret

; ---------------------------------------------------------------- counts
; VMM_COUNT op, n: the guest's view of the op's VMM calls, and a line for
; run_vmmtrap.sh to compare with the -d stats report
%macro VMM_COUNT 3
        mov     eax, VI_OP + %1
        call    vmm_get
        PCHECK  eax, %2, {"vmm calls of ", %3}
        mov     esi, %%line
        call    pm_puts
        jmp     %%after
%%line: db      "vmm-expect ", %3, " ", '0' + %2, 10, 0
%%after:
%endmacro

t_counts:
        PGROUP  "vmm call counts"
        VMM_COUNT VMM_OP_SGDT, 2, "SGDT"
        VMM_COUNT VMM_OP_SIDT, 2, "SIDT"
        VMM_COUNT VMM_OP_SLDT, 2, "SLDT"
        VMM_COUNT VMM_OP_SMSW, 2, "SMSW"
        VMM_COUNT VMM_OP_STR, 2, "STR"
        VMM_COUNT VMM_OP_LAR, 2, "LAR"
        VMM_COUNT VMM_OP_LSL, 2, "LSL"
        VMM_COUNT VMM_OP_VERR, 2, "VERR"
        VMM_COUNT VMM_OP_VERW, 2, "VERW"
        PGROUP_END
        ret

        bits    16
; v86 routines: DS = ES = 0 on entry; results through ES = RES16
%macro V86_START 0
        mov     ax, RES16
        mov     es, ax
%endmacro

v_sgdt:
        V86_START
.at:    sgdt    [es:0x40]
        movzx   eax, word [es:0x40]
        mov     [es:0], eax
        int3
v_sidt:
        V86_START
.at:    sidt    [es:0x40]
        movzx   eax, word [es:0x40]
        mov     [es:0], eax
        int3
v_smsw:
.at:    smsw    ax
        int3
v_sldt:
        EXPECT  .res
.at:    sldt    ax
.res:   int3
v_str:
        EXPECT  .res
.at:    str     ax
.res:   int3
v_lar:
        EXPECT  .res
.at:    lar     ax, bx
.res:   int3
v_lsl:
        EXPECT  .res
.at:    lsl     ax, bx
.res:   int3
v_verr:
        EXPECT  .res
.at:    verr    ax
.res:   int3
v_verw:
        EXPECT  .res
.at:    verw    ax
.res:   int3
v_pushf:
        V86_START
        EXPECT  .res
.at:    pushf
.res:   mov     eax, [EXC_VEC]
        mov     [es:0], eax
        int3
v_popf:
        EXPECT  .res
.at:    popf
.res:   int3
v_int:
        EXPECT  .res
.at:    int     0x21
.res:   int3
v_iret:
        EXPECT  .res
.at:    iret
.res:   int3
v_push_es:
        V86_START
.at:    push    es
        pop     ax
        movzx   eax, ax
        mov     [es:0], eax
        int3
v_pop_fs:
        push    word RES16
.at:    pop     fs
        int3
v_mov_from:
        V86_START
.at:    mov     ax, cs
        movzx   eax, ax
        mov     [es:0], eax
        int3
v_mov_to:
        mov     ax, RES16
.at:    mov     ds, ax
        int3
v_jmp_far:
.at:    jmp     V86_SEG:.there
.there: int3
v_call_far:
        V86_START
        mov     dword [es:0], 0
.at:    call    V86_SEG:v_far_ret
        mov     dword [es:0], 0x600D
        int3
v_far_ret:
.at:    retf

        ROM_END
