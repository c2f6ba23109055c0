; The trapdoor VMM info port (devices/machine_vmminfo.c): a 16-bit write of an
; index to 5D0h selects a value, a 32-bit read of 5D4h returns it (an 8-bit read:
; the next character of a string). Absent (another PC, an older trapdoor), reads
; return all ones. The step records of the walk-through are filled here: pre
; reads the op's VMM call counter and the exceptions delivered just before the
; instruction; post reads the fields of trap record 0 (the most recent VMM
; call) right after it, then the counters again. The port keeps a history that
; leaves its own IN/OUT out, so every field read describes the same call: the
; step's instruction.
VMM_INDEX_PORT  equ     0x5D0
VMM_DATA_PORT   equ     0x5D4
VMM_CLASS_CALLS equ     0x0000                  ; + class
VMM_OP_CALLS    equ     0x0100                  ; + op
VMM_STATS       equ     0x0200                  ; + statistic (summary.asm)
VMM_TRAP_OP     equ     0x0300
VMM_TRAP_CLASS  equ     0x0301
VMM_TRAP_EIP    equ     0x0302
VMM_TRAP_CS     equ     0x0303
VMM_TRAP_OUTCOME equ    0x0304
VMM_TRAP_VECTOR equ     0x0305
VMM_TRAP_ERROR  equ     0x0306
VMM_TRAP_FIELDS equ     7                       ; op .. error, REC_OP .. REC_ERROR
VMM_STR_OP_NAME equ     0x4000                  ; + op
VMM_STR_MNEMONIC equ    0x6000                  ; + op
VMM_STR_CLASS   equ     0x7000                  ; + class
VMM_STR_BACKEND equ     0x7100
VMM_STR_VERSION equ     0x7101
VMM_STR_CPU     equ     0x7102
VMM_STR_REASON  equ     0x8000                  ; + op
VMM_OUTCOME_REFLECTED equ 1

; a step record (REC_BASE + step * REC_SIZE); -1 where nothing was recorded
REC_BEFORE      equ     0                       ; the op's VMM calls before
REC_AFTER       equ     4                       ; ... and after
REC_OP          equ     8                       ; the trap record, field f at
                                                ; REC_OP + 4 * f
REC_CLASS       equ     12
REC_EIP         equ     16
REC_CS          equ     20
REC_OUTCOME     equ     24
REC_VECTOR      equ     28
REC_ERROR       equ     32
REC_GVEC        equ     36                      ; what the guest's handler saw
REC_GERR        equ     40
REC_VALUE       equ     44                      ; what the instruction returned
REC_EXC_BEFORE  equ     48                      ; exceptions delivered before
REC_EXC_AFTER   equ     52                      ; ... and after
REC_SIZE        equ     64
VMM_STAT_SMC    equ     VMM_STATS + 5
VMM_STAT_EXCEPTIONS equ VMM_STATS + 9

; The routines for 16-bit (real and v86 mode) and 32-bit code: memory through
; SS, whose base is 0 in every mode the demo uses (a v86-mode exit nulls DS).
; They use no instruction the VMM handles but IN and OUT (and clobber the flags:
; PUSHF would be a VMM call of its own).
%macro VMM_ROUTINES 1
; vmm_read: AX = index -> EAX = the value
vmm_read%1:
        push    edx
        mov     dx, VMM_INDEX_PORT
        out     dx, ax
        mov     dx, VMM_DATA_PORT
        in      eax, dx
        pop     edx
        ret

; vmm_pre: start the record [cur_rec] for op [cur_op]
vmm_pre%1:
        push    eax
        push    ebx
        push    ecx
        mov     ebx, [ss:cur_rec]
        mov     ecx, REC_SIZE / 4
.clear: mov     dword [ss:ebx + ecx * 4 - 4], -1
        dec     ecx
        jnz     .clear
        mov     ax, VMM_STAT_EXCEPTIONS
        call    vmm_read%1
        mov     [ss:ebx + REC_EXC_BEFORE], eax
        mov     ax, [ss:cur_op]
        add     ax, VMM_OP_CALLS
        call    vmm_read%1
        mov     [ss:ebx + REC_BEFORE], eax
        pop     ecx
        pop     ebx
        pop     eax
        ret

; vmm_post: every field of trap record 0 (the last VMM call) into the record
; [cur_rec], then the counters after it
vmm_post%1:
        push    eax
        push    ebx
        push    ecx
        mov     ebx, [ss:cur_rec]
        xor     ecx, ecx
.field: lea     eax, [ecx + VMM_TRAP_OP]
        call    vmm_read%1
        mov     [ss:ebx + REC_OP + ecx * 4], eax
        inc     ecx
        cmp     ecx, VMM_TRAP_FIELDS
        jb      .field
        mov     ax, [ss:cur_op]
        add     ax, VMM_OP_CALLS
        call    vmm_read%1
        mov     [ss:ebx + REC_AFTER], eax
        mov     ax, VMM_STAT_EXCEPTIONS
        call    vmm_read%1
        mov     [ss:ebx + REC_EXC_AFTER], eax
        pop     ecx
        pop     ebx
        pop     eax
        ret
%endmacro

; STEP_PRE step, bits: select the step's record and op and read the counter
%macro STEP_PRE 2
        mov     dword [ss:cur_rec], REC_BASE + (%1) * REC_SIZE
        mov     word [ss:cur_op], STEP_OP_%1
        call    vmm_pre%2
%endmacro

        bits    16
VMM_ROUTINES 16

; vmm_detect: vmm_present = 1 when the info port answers (real mode)
vmm_detect:
        mov     ax, VMM_STR_BACKEND
        mov     dx, VMM_INDEX_PORT
        out     dx, ax
        mov     dx, VMM_DATA_PORT
        in      al, dx
        cmp     al, 0xFF
        setne   [vmm_present]
        ret

        bits    32
VMM_ROUTINES 32
