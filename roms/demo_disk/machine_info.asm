; The machine, as the guest sees it: BIOS services in real mode (INT 10h AH=0Fh
; video mode, INT 11h equipment, INT 12h base memory, INT 13h AH=08h drive
; parameters, INT 15h EAX=E820h memory map: IBM PC/AT technical reference, ACPI
; 6.4 ch. 15), CPUID (Intel SDM vol. 2A) and the VMM info port's strings.

        bits    16
gather_info:
        pushad
        push    es                              ; INT 13h AH=08h returns ES:DI
        int     0x12
        mov     [info_mem_kb], ax
        int     0x11
        mov     [info_equip], ax
        mov     ah, 0x0F
        int     0x10
        mov     [info_video], ax
        ; floppy drive 0 and the hard disk count
        mov     ah, 0x08
        xor     dx, dx
        xor     di, di
        int     0x13
        jc      .no_fd
        mov     [info_fd_type], bl
        mov     [info_fd_cx], cx
        mov     [info_fd_dh], dh
        mov     [info_fd_count], dl
.no_fd: mov     ah, 0x08
        mov     dl, 0x80
        xor     di, di
        int     0x13
        jc      .e820
        mov     [info_hd_count], dl
        ; the E820 map: EBX is the continuation, 0 after the last entry
.e820:  xor     ax, ax
        mov     es, ax
        xor     ebx, ebx
        mov     di, E820_BUF
.entry: mov     eax, 0xE820
        mov     edx, 0x534D4150                 ; "SMAP"
        mov     ecx, 24
        int     0x15
        jc      .done
        cmp     eax, 0x534D4150
        jne     .done
        inc     word [info_e820_n]
        add     di, 24
        test    ebx, ebx
        jz      .done
        cmp     word [info_e820_n], E820_MAX
        jb      .entry
.done:  pop     es
        popad
        ret

        bits    32
; print_machine: the first page
print_machine:
        call    con_clear
        COLOR   ATTR_TITLE
        PUTS    "trapdoor demo disk: trap-and-emulate, seen from inside the guest", 10
        COLOR   ATTR_NORMAL
        PUTS    "A program booted from its own floppy image, built from trapdoor's source.", 10, 10
        COLOR   ATTR_HEAD
        PUTS    "The machine", 10
        COLOR   ATTR_NORMAL
        call    print_vmm_line
        call    print_cpu
        call    print_memory
        call    print_disks
        PUTS    " video    mode "
        movzx   eax, byte [info_video]
        mov     ecx, 2
        call    con_hex
        PUTS    "h, "
        movzx   eax, byte [info_video + 1]
        call    con_dec
        PUTS    " columns (INT 10h AH=0Fh)", 10, 10
        ret

print_vmm_line:
        PUTS    " VMM      "
        cmp     byte [vmm_present], 0
        jne     .present
        COLOR   ATTR_TRAP
        PUTS    "VMM info port not present: not trapdoor, or a trapdoor without it", 10
        COLOR   ATTR_NORMAL
        ret
.present:
        PUTS    "trapdoor "
        mov     ax, VMM_STR_VERSION
        call    con_vmm_str
        PUTS    ", translated-code backend: "
        COLOR   ATTR_INFO
        mov     ax, VMM_STR_BACKEND
        call    con_vmm_str
        COLOR   ATTR_NORMAL
        PUTS    10
        ret

; the feature flags of CPUID leaf 1 EDX, bit 0 first ("-": reserved)
cpuid_edx_names:
        db      "FPU VME DE PSE TSC MSR PAE MCE CX8 APIC - SEP MTRR PGE MCA CMOV "
        db      "PAT PSE36 PSN CLFSH - DS ACPI MMX FXSR SSE SSE2 SS HTT TM - PBE", 0

print_cpu:
        PUTS    " CPU      "
        xor     eax, eax
        cpuid
        push    eax
        mov     [cpu_vendor], ebx
        mov     [cpu_vendor + 4], edx
        mov     [cpu_vendor + 8], ecx
        mov     esi, cpu_vendor
        call    con_puts
        pop     eax
        PUTS    ", max leaf "
        call    con_dec
        PUTS    ", family "
        mov     eax, 1
        cpuid
        push    edx
        mov     ebx, eax
        shr     eax, 8
        and     eax, 0x0F
        call    con_dec
        PUTS    " model "
        mov     eax, ebx
        shr     eax, 4
        and     eax, 0x0F
        call    con_dec
        PUTS    " stepping "
        mov     eax, ebx
        and     eax, 0x0F
        call    con_dec
        PUTS    10
        cmp     byte [vmm_present], 0
        je      .flags
        PUTS    " model    "
        mov     ax, VMM_STR_CPU
        call    con_vmm_str
        PUTS    " (the -cpu model the VMM emulates)", 10
.flags: PUTS    " features"
        pop     edx
        mov     esi, cpuid_edx_names
        xor     ecx, ecx                        ; bit
.flag:  bt      edx, ecx
        jnc     .skip
        cmp     byte [esi], '-'
        je      .skip
        mov     al, ' '
        call    con_putc
.name:  mov     al, [esi]
        cmp     al, ' '
        je      .next
        test    al, al
        jz      .next
        call    con_putc
        inc     esi
        jmp     .name
.skip:  mov     al, [esi]                       ; past this name
        cmp     al, ' '
        je      .next
        test    al, al
        jz      .next
        inc     esi
        jmp     .skip
.next:  cmp     byte [esi], 0
        je      .done
        inc     esi
        inc     ecx
        cmp     ecx, 32
        jb      .flag
.done:  PUTS    10
        ret

e820_types:     db      "?        usable   reserved ACPI     NVS      bad      "

print_memory:
        PUTS    " memory   "
        movzx   eax, word [info_mem_kb]
        call    con_dec
        PUTS    " KiB below 640 KiB (INT 12h); the E820 map:", 10
        mov     esi, E820_BUF
        movzx   ecx, word [info_e820_n]
        test    ecx, ecx
        jz      .done
.entry: push    ecx
        COLUMN  10
        mov     eax, [esi]
        mov     ecx, 8
        call    con_hex
        PUTS    "-"
        mov     eax, [esi]
        add     eax, [esi + 8]
        dec     eax
        call    con_hex
        PUTS    "  "
        mov     eax, [esi + 16]
        cmp     eax, 5
        jbe     .type
        xor     eax, eax
.type:  lea     ebx, [eax + eax * 8]
        add     ebx, e820_types
        mov     ecx, 9
.char:  mov     al, [ebx]
        call    con_putc
        inc     ebx
        loop    .char
        mov     eax, [esi + 8]
        shr     eax, 10
        call    con_dec
        PUTS    " KiB", 10
        pop     ecx
        add     esi, 24
        dec     ecx
        jnz     .entry
.done:  ret

print_disks:
        PUTS    " disks    booted from drive "
        movzx   eax, byte [boot_from]
        mov     ecx, 2
        call    con_hex
        PUTS    "h; floppy drives: "
        movzx   eax, byte [info_fd_count]
        call    con_dec
        cmp     byte [info_fd_count], 0
        je      .hd
        PUTS    " (A: type "
        movzx   eax, byte [info_fd_type]
        call    con_dec
        PUTS    ", "
        ; INT 13h AH=08h: CH = low 8 bits of the last cylinder, CL bits 7-6 its
        ; high bits, CL bits 5-0 the sectors per track, DH the last head
        movzx   eax, byte [info_fd_cx + 1]
        movzx   ebx, byte [info_fd_cx]
        shl     ebx, 2
        and     ebx, 0x300
        or      eax, ebx
        inc     eax
        call    con_dec
        PUTS    " cylinders, "
        movzx   eax, byte [info_fd_dh]
        inc     eax
        call    con_dec
        PUTS    " heads, "
        movzx   eax, byte [info_fd_cx]
        and     eax, 0x3F
        call    con_dec
        PUTS    " sectors)"
.hd:    PUTS    "; hard disks: "
        movzx   eax, byte [info_hd_count]
        call    con_dec
        PUTS    10
        ret
