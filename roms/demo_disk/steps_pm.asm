; The protected-mode steps (Intel SDM vol. 3: 2.8 system instructions and their
; privilege, 6.15 #GP, 20.2.7 sensitive instructions in virtual-8086 mode):
; ring 0, ring 3 (where SGDT, SIDT, SMSW, STR and POPF run without a trap: the
; Popek-Goldberg violators) and v86 mode with IOPL 0, a self-modifying code
; step, and the printing of the step records.
        bits    32
walk_pm:
        xor     eax, eax
        STEP_PRE S_CPUID0, 32
        cpuid
        call    vmm_post32
        mov     [RECORD(S_CPUID0) + REC_VALUE], eax
        STEP_PRE S_RDTSC0, 32
        rdtsc
        call    vmm_post32
        mov     [RECORD(S_RDTSC0) + REC_VALUE], eax
        mov     eax, r3_sgdt
        call    ring3_run
        mov     eax, r3_sidt
        call    ring3_run
        mov     eax, r3_smsw
        call    ring3_run
        mov     eax, r3_str
        call    ring3_run
        mov     eax, r3_popf
        call    ring3_run
        mov     eax, r3_cli
        mov     ebx, ring3_run
        call    faulting_step
        mov     eax, r3_mov_cr0
        call    faulting_step
        mov     eax, v86_int
        mov     ebx, v86_run
        call    faulting_step
        mov     eax, v86_iret
        call    faulting_step
        call    smc_step
        ret

; faulting_step: run the step EAX with the runner EBX (ring3_run, v86_run);
; the exception ends the run, and exc_common reads the trap record
faulting_step:
        mov     byte [exc_armed], 1
        call    ebx
        ret

; ---- ring 3 (each ends with INT 30h or a #GP) ----
r3_sgdt:
        STEP_PRE S_SGDT3, 32
        sgdt    [r3_buf]
        call    vmm_post32
        mov     eax, [r3_buf + 2]
        mov     [RECORD(S_SGDT3) + REC_VALUE], eax
        int     0x30

r3_sidt:
        STEP_PRE S_SIDT3, 32
        sidt    [r3_buf]
        call    vmm_post32
        mov     eax, [r3_buf + 2]
        mov     [RECORD(S_SIDT3) + REC_VALUE], eax
        int     0x30

r3_smsw:
        STEP_PRE S_SMSW3, 32
        smsw    ax
        call    vmm_post32
        movzx   eax, ax
        mov     [RECORD(S_SMSW3) + REC_VALUE], eax
        int     0x30

r3_str:
        STEP_PRE S_STR3, 32
        str     ax
        call    vmm_post32
        movzx   eax, ax
        mov     [RECORD(S_STR3) + REC_VALUE], eax
        int     0x30

; POPF at CPL 3 with IOPL 0 leaves IF alone without a fault (SDM vol. 2B POPF)
r3_popf:
        pushfd
        or      dword [esp], 0x200
        STEP_PRE S_POPF3, 32
        popfd
        call    vmm_post32
        pushfd
        pop     eax
        shr     eax, 9
        and     eax, 1
        mov     [RECORD(S_POPF3) + REC_VALUE], eax
        int     0x30

r3_cli:
        STEP_PRE S_CLI3, 32
        cli
        int     0x30                            ; not reached: #GP

r3_mov_cr0:
        mov     eax, 0x11
        STEP_PRE S_MOV_CR3, 32
        mov     cr0, eax
        int     0x30                            ; not reached: #GP

; ---- virtual-8086 mode (each ends with a #GP) ----
        bits    16
v86_int:
        STEP_PRE S_INT_V86, 16
        int     0x21
        jmp     v86_int                         ; not reached

v86_iret:
        STEP_PRE S_IRET_V86, 16
        iret
        jmp     v86_iret                        ; not reached

        bits    32
; ---- self-modifying code: a block runs, the guest rewrites its immediate,
; the next run must see the new byte (the translation is invalidated) ----
smc_template:
        mov     eax, 1
        ret
smc_template_len equ $ - smc_template

smc_step:
        mov     esi, smc_template
        mov     edi, SMC_PAGE
        mov     ecx, smc_template_len
        cld
        rep     movsb
        mov     ax, VMM_STAT_SMC
        call    vmm_read32
        mov     [smc_before], eax
        mov     ebx, SMC_PAGE
        call    ebx
        call    ebx
        mov     [smc_first], eax
        mov     byte [SMC_PAGE + 1], 2
        call    ebx
        mov     [smc_second], eax
        mov     ax, VMM_STAT_SMC
        call    vmm_read32
        mov     [smc_after], eax
        ret

; ---- printing ----
vector_names:   db      "DEDBNIBPOFBRUDNMDF??TSNPSSGPPF"

; print_vector: "#GP(0000)" for EAX = vector, EDX = error code
print_vector:
        push    eax
        push    ecx
        mov     ecx, eax
        mov     al, '#'
        call    con_putc
        cmp     ecx, 14
        ja      .number
        mov     al, [vector_names + ecx * 2]
        call    con_putc
        mov     al, [vector_names + ecx * 2 + 1]
        call    con_putc
        jmp     .error
.number:
        mov     eax, ecx
        call    con_dec
.error: cmp     edx, -1
        je      .done
        mov     al, '('
        call    con_putc
        mov     eax, edx
        mov     ecx, 4
        call    con_hex
        mov     al, ')'
        call    con_putc
.done:  pop     ecx
        pop     eax
        ret

; print_page: steps page_first .. page_first + STEPS_PER_PAGE - 1
print_page:
        cmp     byte [wait_flag], 0
        je      .head
        call    con_clear
.head:  COLOR   ATTR_HEAD
        PUTS    "Trap-and-emulate walk-through ("
        mov     eax, [page_first]
        xor     edx, edx
        mov     ecx, STEPS_PER_PAGE
        div     ecx
        inc     eax
        call    con_dec
        PUTS    "/"
        mov     eax, (STEP_COUNT + STEPS_PER_PAGE - 1) / STEPS_PER_PAGE
        call    con_dec
        PUTS    ")", 10
        COLOR   ATTR_NORMAL
        mov     ebx, [page_first]
        mov     ecx, STEPS_PER_PAGE
.step:  cmp     ebx, STEP_COUNT
        jae     .done
        call    print_step
        inc     ebx
        loop    .step
.done:  ret

; print_step: step EBX. Line 1: the outcome; line 2: the VMM's record;
; line 3: the VMM's reason for handling the op.
print_step:
        pushad
        imul    esi, ebx, STEP_ENTRY
        add     esi, step_table
        imul    edi, ebx, REC_SIZE
        add     edi, REC_BASE
        lea     eax, [ebx + 1]
        mov     ecx, 2
        call    con_dec_width
        PUTS    ". "
        push    esi
        add     esi, STEP_TITLE
        call    con_puts
        pop     esi
        PUTS    ": "
        call    print_outcome
        cmp     byte [esi + STEP_LABEL], 0
        je      .line2
        COLOR   ATTR_NORMAL
        PUTS    ", "
        push    esi
        add     esi, STEP_LABEL
        call    con_puts
        pop     esi
        PUTS    " "
        COLOR   ATTR_INFO
        mov     eax, [edi + REC_VALUE]
        mov     ecx, 8
        call    con_hex
.line2: COLOR   ATTR_NORMAL
        PUTS    10
        cmp     byte [vmm_present], 0
        je      .done
        call    print_record
.done:  popad
        ret

; print_outcome: ESI = the step's table entry, EDI = its record. The VMM's
; record (op, class, outcome, vector, error code), checked against the expected
; step, against the counters and against what the guest's own exception
; handler saw; a difference counts as a failure.
print_outcome:
        cmp     byte [vmm_present], 0
        je      .guest
        movzx   eax, word [esi + STEP_OP]
        cmp     eax, [edi + REC_OP]
        jne     .other_op
        mov     eax, [esi + STEP_CLASS]
        cmp     eax, [edi + REC_CLASS]
        jne     .other_class
        mov     eax, [edi + REC_AFTER]
        cmp     eax, [edi + REC_BEFORE]
        je      .not_counted
        ; the exceptions delivered by the step: one exactly when reflected
        mov     eax, [edi + REC_EXC_AFTER]
        sub     eax, [edi + REC_EXC_BEFORE]
        cmp     dword [edi + REC_OUTCOME], VMM_OUTCOME_REFLECTED
        je      .reflected
        test    eax, eax
        jnz     .bad_outcome
        COLOR   ATTR_GOOD
        PUTS    "emulated"
        cmp     word [esi + STEP_VECTOR], NO_EXCEPTION
        jne     .fail
        cmp     dword [edi + REC_GVEC], -1
        jne     .fail
        ret
.reflected:
        cmp     eax, 1
        jne     .bad_outcome
        COLOR   ATTR_TRAP
        PUTS    "reflected as "
        mov     eax, [edi + REC_VECTOR]
        mov     edx, [edi + REC_ERROR]
        call    print_vector
        movzx   eax, word [esi + STEP_VECTOR]
        cmp     eax, [edi + REC_VECTOR]
        jne     .fail
        cmp     eax, [edi + REC_GVEC]
        jne     .fail
        mov     eax, [edi + REC_GERR]
        cmp     eax, [edi + REC_ERROR]
        jne     .fail
        ret
.other_op:
        COLOR   ATTR_TRAP
        PUTS    "the VMM's last call was op "
        mov     eax, [edi + REC_OP]
        call    con_dec
        PUTS    " ("
        add     ax, VMM_STR_OP_NAME
        call    con_vmm_str
        PUTS    ")"
        jmp     .fail
.other_class:
        COLOR   ATTR_TRAP
        PUTS    "the VMM classed it as "
        mov     eax, [edi + REC_CLASS]
        add     ax, VMM_STR_CLASS
        call    con_vmm_str
        jmp     .fail
.not_counted:
        COLOR   ATTR_TRAP
        PUTS    "the op's VMM call counter did not move"
        jmp     .fail
.bad_outcome:
        COLOR   ATTR_TRAP
        PUTS    "the VMM's outcome is "
        push    eax
        mov     eax, [edi + REC_OUTCOME]
        call    con_dec
        PUTS    " but the exceptions delivered "
        pop     eax
        call    con_dec
        jmp     .fail
.guest:
        ; no info port: what the guest's handler saw
        mov     eax, [edi + REC_GVEC]
        cmp     eax, -1
        je      .ran
        COLOR   ATTR_TRAP
        mov     edx, [edi + REC_GERR]
        call    print_vector
        PUTS    " seen by the guest's handler"
        movzx   ecx, word [esi + STEP_VECTOR]
        cmp     eax, ecx
        jne     .fail
        ret
.ran:   COLOR   ATTR_GOOD
        PUTS    "ran without an exception"
        cmp     word [esi + STEP_VECTOR], NO_EXCEPTION
        jne     .fail
        ret
.fail:  COLOR   ATTR_TRAP
        PUTS    " (NOT AS EXPECTED)"
        inc     dword [failures]
        ret

; print_record: "     SGDT (sgdt), SENSITIVE: VMM calls 0 -> 1, exceptions 3 -> 3"
; and "     why: <reason>", the reason wrapped on the screen under its start
WHY_INDENT      equ     10
print_record:
        COLOR   ATTR_DIM
        PUTS    "     "
        movzx   eax, word [esi + STEP_OP]
        push    eax
        add     ax, VMM_STR_OP_NAME
        call    con_vmm_str
        PUTS    " ("
        pop     eax
        push    eax
        add     ax, VMM_STR_MNEMONIC
        call    con_vmm_str
        PUTS    "), "
        mov     eax, [edi + REC_CLASS]
        add     ax, VMM_STR_CLASS
        call    con_vmm_str
        PUTS    ": VMM calls "
        mov     eax, [edi + REC_BEFORE]
        call    con_dec
        PUTS    " -> "
        mov     eax, [edi + REC_AFTER]
        call    con_dec
        PUTS    ", exceptions "
        mov     eax, [edi + REC_EXC_BEFORE]
        call    con_dec
        PUTS    " -> "
        mov     eax, [edi + REC_EXC_AFTER]
        call    con_dec
        PUTS    10, "     why: "
        pop     eax
        add     ax, VMM_STR_REASON
        mov     ecx, WHY_INDENT
        call    con_vmm_str_wrap
        PUTS    10
        COLOR   ATTR_NORMAL
        ret
