; The walk-through's steps: the table (what each step executes, the op the VMM
; should report and the exception expected), then the real-mode steps, which
; end by entering protected mode one recorded instruction at a time (Intel SDM
; vol. 3 9.9.1) and continue in steps_pm.asm.

STEP_TITLE_LEN  equ     40
STEP_LABEL_LEN  equ     24
STEP_ENTRY      equ     STEP_TITLE + STEP_TITLE_LEN + STEP_LABEL_LEN
STEP_OP         equ     0               ; a table entry: the op id (word)
STEP_VECTOR     equ     2               ; the expected exception (word)
STEP_CLASS      equ     4
STEP_TITLE      equ     8
STEP_LABEL      equ     STEP_TITLE + STEP_TITLE_LEN
STEPS_PER_PAGE  equ     6
NO_EXCEPTION    equ     0xFFFF

%assign STEP_N 0
; STEP name, op, class, expected exception vector (NO_EXCEPTION: emulated),
; "title", "label of the value the instruction returned" ("": none). The class
; is x86_ops.def's, which the VMM's table is built from.
%macro STEP 6
S_%1    equ     STEP_N
%define STEP_OP_S_%1 VMM_OP_%2
        dw      VMM_OP_%2, %4
        dd      VMM_CLASS_%3
%%title:
        db      %5
        times   STEP_TITLE_LEN - ($ - %%title) db 0
%%label:
        db      %6
        times   STEP_LABEL_LEN - ($ - %%label) db 0
%assign STEP_N STEP_N + 1
%endmacro

step_table:
STEP CLI_REAL, CLI, PRIVILEGED, NO_EXCEPTION, "CLI in real mode", ""
STEP STI_REAL, STI, PRIVILEGED, NO_EXCEPTION, "STI in real mode", ""
STEP PUSHF_REAL, PUSHF, SENSITIVE, NO_EXCEPTION, "PUSHF in real mode", "FLAGS pushed"
STEP POPF_REAL, POPF, SENSITIVE, NO_EXCEPTION, "POPF in real mode", ""
STEP OUT_REAL, OUT, IO, NO_EXCEPTION, "OUT 70h (CMOS index 0: seconds)", ""
STEP IN_REAL, IN, IO, NO_EXCEPTION, "IN 71h (the RTC's seconds)", "read (BCD)"
STEP INT_REAL, INT, CONTROL, NO_EXCEPTION, "INT 60h to the guest's own handler", ""
STEP IRET_REAL, IRET, CONTROL, NO_EXCEPTION, "IRET back from it", ""
STEP LGDT, LGDT, PRIVILEGED, NO_EXCEPTION, "LGDT in real mode", ""
STEP MOV_CR0, MOV_TO_CR, PRIVILEGED, NO_EXCEPTION, "MOV CR0 setting PE", ""
STEP JMP_FAR, JMP_FAR, CONTROL, NO_EXCEPTION, "far JMP into the 32-bit code segment", ""
STEP MOV_DS, MOV_TO_SREG, SENSITIVE, NO_EXCEPTION, "MOV DS, a protected-mode selector", ""
STEP CPUID0, CPUID, SENSITIVE, NO_EXCEPTION, "CPUID leaf 0 at ring 0", "max leaf"
STEP RDTSC0, RDTSC, SENSITIVE, NO_EXCEPTION, "RDTSC at ring 0", "TSC, low 32 bits"
STEP SGDT3, SGDT, SENSITIVE, NO_EXCEPTION, "SGDT at ring 3", "GDT base revealed"
STEP SIDT3, SIDT, SENSITIVE, NO_EXCEPTION, "SIDT at ring 3", "IDT base revealed"
STEP SMSW3, SMSW, SENSITIVE, NO_EXCEPTION, "SMSW at ring 3", "MSW revealed"
STEP STR3, STR, SENSITIVE, NO_EXCEPTION, "STR at ring 3", "TR revealed"
STEP POPF3, POPF, SENSITIVE, NO_EXCEPTION, "POPF setting IF at ring 3", "IF after it"
STEP CLI3, CLI, PRIVILEGED, 13, "CLI at ring 3", ""
STEP MOV_CR3, MOV_TO_CR, PRIVILEGED, 13, "MOV CR0 at ring 3", ""
STEP INT_V86, INT, CONTROL, 13, "INT 21h in v86 mode with IOPL 0", ""
STEP IRET_V86, IRET, CONTROL, 13, "IRET in v86 mode with IOPL 0", ""
STEP_COUNT      equ     STEP_N

; RECORD step: the address of a step's record
%define RECORD(s) (REC_BASE + (s) * REC_SIZE)

        bits    16
; walk_through: the steps, with the PIC masked so that no interrupt handler's
; VMM calls come between a step and its record. Returns in real mode (through
; pm_entry_segs and pm_back16, as pm_run does).
walk_through:
        cli
        pushad
        in      al, 0xA1
        mov     ah, al
        in      al, 0x21
        mov     [pic_masks], ax
        mov     al, 0xFF
        out     0x21, al
        out     0xA1, al
        mov     word [0x60 * 4], int60_handler
        mov     word [0x60 * 4 + 2], 0
        STEP_PRE S_CLI_REAL, 16
        cli
        call    vmm_post16
        STEP_PRE S_STI_REAL, 16
        sti
        call    vmm_post16
        STEP_PRE S_PUSHF_REAL, 16
        pushf
        call    vmm_post16
        pop     ax
        movzx   eax, ax
        mov     [RECORD(S_PUSHF_REAL) + REC_VALUE], eax
        push    ax
        STEP_PRE S_POPF_REAL, 16
        popf
        call    vmm_post16
        mov     al, 0
        STEP_PRE S_OUT_REAL, 16
        out     0x70, al
        call    vmm_post16
        STEP_PRE S_IN_REAL, 16
        in      al, 0x71
        call    vmm_post16
        movzx   eax, al
        mov     [RECORD(S_IN_REAL) + REC_VALUE], eax
        STEP_PRE S_INT_REAL, 16
        int     0x60
        call    vmm_post16                      ; the IRET step (int60_handler)
        cli
        mov     [pm_real_sp], sp
        mov     dword [pm_target], walk_pm
        STEP_PRE S_LGDT, 16
        lgdt    [pm_gdtr]
        call    vmm_post16
        lidt    [pm_idtr]
        mov     eax, cr0
        or      al, 1
        STEP_PRE S_MOV_CR0, 16
        mov     cr0, eax
        call    vmm_post16                      ; protected mode, real-mode CS
        STEP_PRE S_JMP_FAR, 16
        jmp     dword SEL_CODE32:walk_entry32

int60_handler:
        call    vmm_post16
        STEP_PRE S_IRET_REAL, 16
        iret

pic_restore:
        mov     ax, [pic_masks]
        out     0x21, al
        mov     al, ah
        out     0xA1, al
        ret

        bits    32
; the far JMP's target: SS is still the real-mode one (16-bit SP)
walk_entry32:
        call    vmm_post32
        mov     ax, SEL_DATA
        STEP_PRE S_MOV_DS, 32
        mov     ds, ax
        call    vmm_post32
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        movzx   esp, sp
        mov     ss, ax
        jmp     pm_entry_segs
