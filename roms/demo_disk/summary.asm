; The last page: VMM calls by class and the translator's statistics, read from
; the VMM info port (devices/machine_vmminfo.c), and the self-modifying step.
        bits    32
stat_names:
        db      "blocks translated       ", 0
        db      "instructions translated ", 0
        db      "block lookups           ", 0
        db      "lookup hits             ", 0
        db      "chained exits           ", 0
        db      "SMC invalidations       ", 0
        db      "code cache flushes      ", 0
        db      "blocks executed         ", 0
        db      "instructions retired    ", 0
        db      "exceptions delivered    ", 0
        db      "external interrupts     ", 0
STAT_NAME_LEN   equ     25
STAT_COUNT      equ     11

print_summary:
        cmp     byte [wait_flag], 0
        je      .head
        call    con_clear
.head:  COLOR   ATTR_HEAD
        PUTS    "Summary", 10
        COLOR   ATTR_NORMAL
        call    print_smc
        cmp     byte [vmm_present], 0
        jne     .classes
        PUTS    "VMM info port not present: no VMM counters to show", 10
        ret
.classes:
        PUTS    "VMM calls by class, this whole run (the BIOS's too):", 10
        xor     ebx, ebx
.class: COLUMN  2
        lea     eax, [ebx + VMM_STR_CLASS]
        call    con_vmm_str
        COLUMN  14
        lea     eax, [ebx + VMM_CLASS_CALLS]
        call    vmm_read32
        mov     ecx, 10
        call    con_dec_width
        PUTS    10
        inc     ebx
        cmp     ebx, VMM_CLASS_CONTROL + 1
        jb      .class
        PUTS    "Translation:", 10
        xor     ebx, ebx
        mov     esi, stat_names
.stat:  COLUMN  2
        call    con_puts
        lea     eax, [ebx + VMM_STATS]
        call    vmm_read32
        mov     ecx, 10
        call    con_dec_width
        PUTS    10
        add     esi, STAT_NAME_LEN
        inc     ebx
        cmp     ebx, STAT_COUNT
        jb      .stat
        ret

; print_smc: the self-modifying step; without the info port only the values
print_smc:
        PUTS    "Self-modifying code: a translated block returned "
        mov     eax, [smc_first]
        call    con_dec
        PUTS    "; after the guest", 10, "rewrote its immediate it returned "
        mov     eax, [smc_second]
        call    con_dec
        cmp     dword [smc_first], 1
        jne     .fail
        cmp     dword [smc_second], 2
        jne     .fail
        cmp     byte [vmm_present], 0
        je      .done
        PUTS    "; SMC invalidations "
        mov     eax, [smc_before]
        call    con_dec
        PUTS    " -> "
        mov     eax, [smc_after]
        call    con_dec
        cmp     eax, [smc_before]
        je      .fail
.done:  PUTS    10, 10
        ret
.fail:  COLOR   ATTR_TRAP
        PUTS    " (NOT AS EXPECTED)"
        COLOR   ATTR_NORMAL
        inc     dword [failures]
        jmp     .done
