; Protected mode for the demo (Intel SDM vol. 3: 9.9 mode switching, 6.12
; exception and interrupt handling, 20.2 virtual-8086 mode): a flat GDT with
; ring-0 and ring-3 segments and a TSS whose I/O bitmap lets ring 3 and v86
; code use the VMM info port, an IDT whose stubs record an expected exception
; and resume the ring-0 code that started the ring-3 or v86 excursion.

; DESC base, limit, access, flags (G=80h, D/B=40h)
%macro DESC 4
        dw      (%2) & 0xFFFF
        dw      (%1) & 0xFFFF
        db      ((%1) >> 16) & 0xFF
        db      %3
        db      (((%2) >> 16) & 0x0F) | (%4)
        db      ((%1) >> 24) & 0xFF
%endmacro

        bits    16
gdt_image:
        dq      0
        DESC    0, 0xFFFFF, 0x9A, 0xC0          ; 08 code32 ring 0, flat
        DESC    0, 0xFFFFF, 0x92, 0xC0          ; 10 data ring 0, flat
        DESC    0, 0xFFFF, 0x9A, 0x00           ; 18 code16 (back to real mode)
        DESC    0, 0xFFFF, 0x92, 0x00           ; 20 data16 (back to real mode)
        DESC    0, 0xFFFFF, 0xFA, 0xC0          ; 28 code32 ring 3, flat
        DESC    0, 0xFFFFF, 0xF2, 0xC0          ; 30 data ring 3, flat
        DESC    TSS_BASE, TSS_LIMIT, 0x89, 0x00 ; 38 32-bit TSS
gdt_image_len   equ     $ - gdt_image

pm_gdtr:        dw      GDT_LIMIT
                dd      GDT_BASE
pm_idtr:        dw      IDT_LIMIT
                dd      IDT_BASE
real_idtr:      dw      0x3FF
                dd      0

; pm_setup: build the GDT, IDT and TSS in low memory (real mode)
pm_setup:
        pusha
        cld
        mov     di, GDT_BASE
        mov     cx, (GDT_LIMIT + 1) / 2
        xor     ax, ax
        rep     stosw
        mov     si, gdt_image
        mov     di, GDT_BASE
        mov     cx, gdt_image_len
        rep     movsb
        ; IDT: vectors 0-31 to their stubs, the rest to the last stub;
        ; 30h, the ring-3 code's way back, is reachable from ring 3
        mov     di, IDT_BASE
        xor     bx, bx
.gate:  mov     ax, bx
        cmp     ax, 32
        jb      .stub
        mov     ax, 32
.stub:  shl     ax, 4
        add     ax, exc_stubs
        mov     [di], ax
        mov     word [di + 2], SEL_CODE32
        mov     word [di + 4], 0x8E00
        mov     word [di + 6], 0
        add     di, 8
        inc     bx
        cmp     bx, 256
        jb      .gate
        mov     word [IDT_BASE + 0x30 * 8], ring3_done
        mov     word [IDT_BASE + 0x30 * 8 + 4], 0xEE00
        ; TSS: ring-0 stack for entries from ring 3 and v86 mode; I/O bitmap
        ; all ones (no port) but the info port's 8 ports and the debug console
        mov     di, TSS_BASE
        mov     cx, TSS_LIMIT + 1
        xor     al, al
        rep     stosb
        mov     dword [TSS_BASE + 4], ISTACK_TOP
        mov     word [TSS_BASE + 8], SEL_DATA
        mov     word [TSS_BASE + 0x66], TSS_IOMAP
        mov     di, TSS_BASE + TSS_IOMAP
        mov     cx, TSS_IOMAP_PORTS / 8 + 1
        mov     al, 0xFF
        rep     stosb
        mov     byte [TSS_BASE + TSS_IOMAP + VMM_INDEX_PORT / 8], 0
        and     byte [TSS_BASE + TSS_IOMAP + DEBUGCON / 8], ~(1 << (DEBUGCON & 7))
        popa
        ret

; pm_run: EAX = a 32-bit ring-0 routine. Enter protected mode, call it (on the
; same stack), come back to real mode. Interrupts stay disabled.
pm_run:
        cli
        pushad
        mov     [pm_target], eax
        mov     [pm_real_sp], sp
        lgdt    [pm_gdtr]
        lidt    [pm_idtr]
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax
        jmp     dword SEL_CODE32:pm_entry32

pm_back16:
        mov     ax, SEL_DATA16
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        mov     ss, ax
        mov     eax, cr0
        and     al, ~1
        mov     cr0, eax
        jmp     0:pm_real16
pm_real16:
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        mov     ss, ax
        mov     sp, [pm_real_sp]
        lidt    [real_idtr]
        popad
        ret

        bits    32
pm_entry32:
        mov     ax, SEL_DATA
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        movzx   esp, sp
        mov     ss, ax
pm_entry_segs:
        ; a TSS that was loaded before is marked busy: LTR needs it available
        and     byte [GDT_BASE + SEL_TSS + 5], ~2
        mov     ax, SEL_TSS
        ltr     ax
        call    [pm_target]
        cli
        jmp     SEL_CODE16:pm_back16

; ring3_run: EAX = a routine run at CPL 3 (DS = ES = SS = flat ring-3 data,
; IOPL 0). It ends with INT 30h, or with an exception: either way ring3_run
; returns (at ring 0, registers kept).
ring3_run:
        pushad
        mov     [r0_esp], esp
        push    dword SEL_DATA_3 | 3
        push    dword STACK3_TOP
        push    dword 0x0002
        push    dword SEL_CODE32_3 | 3
        push    eax
        mov     bx, SEL_DATA_3 | 3
        mov     ds, bx
        mov     es, bx
        iretd

; v86_run: EAX = the entry offset of 16-bit code run in virtual-8086 mode with
; CS = DS = ES = SS = 0 and IOPL 0. It ends with an exception.
v86_run:
        pushad
        mov     [r0_esp], esp
        push    dword 0                         ; gs
        push    dword 0                         ; fs
        push    dword 0                         ; ds
        push    dword 0                         ; es
        push    dword 0                         ; ss
        push    dword V86_STACK                 ; sp
        push    dword 0x20002                   ; EFLAGS: VM, IOPL 0, IF 0
        push    dword 0                         ; cs
        push    eax                             ; ip
        iretd

; ring3_done: INT 30h from ring 3
ring3_done:
        jmp     pm_resume

; Exception stubs, 16 bytes each: an error code of -1 where the CPU pushes
; none, the vector, then exc_common. Stub 32 serves every vector above 31.
exc_stubs:
%assign vec 0
%rep 33
%if vec == 8 || (vec >= 10 && vec <= 14) || vec == 17
        times   5 nop
%else
        push    strict dword -1
%endif
        push    strict dword vec
        jmp     strict near exc_common
        nop
%assign vec vec + 1
%endrep

; exc_common: an expected exception (exc_armed) reads the VMM's trap record
; first, before any other VMM call, records what the handler saw, and resumes
; ring3_run's or v86_run's caller. Any other one is a failure of the demo.
exc_common:
        cmp     byte [ss:exc_armed], 0
        je      exc_unexpected
        call    vmm_post32
        mov     byte [ss:exc_armed], 0
        mov     ebx, [ss:cur_rec]
        mov     eax, [esp]
        mov     [ss:ebx + REC_GVEC], eax
        mov     eax, [esp + 4]
        mov     [ss:ebx + REC_GERR], eax
pm_resume:
        mov     ax, SEL_DATA
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     esp, [r0_esp]
        popad
        ret

exc_unexpected:
        mov     ax, SEL_DATA
        mov     ds, ax
        mov     es, ax
        COLOR   ATTR_TRAP
        PUTS    10, "unexpected exception "
        mov     eax, [esp]
        mov     ecx, 2
        call    con_hex
        PUTS    " error "
        mov     eax, [esp + 4]
        mov     ecx, 8
        call    con_hex
        PUTS    " at "
        mov     eax, [esp + 12]
        mov     ecx, 4
        call    con_hex
        PUTS    ":"
        mov     eax, [esp + 8]
        mov     ecx, 8
        call    con_hex
        PUTS    10, "the demo failed", 10
        mov     dx, DEBUG_EXIT
        mov     al, EXIT_FAILED
        out     dx, al
.halt:  cli
        hlt
        jmp     .halt
