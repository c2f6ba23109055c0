; Triple fault and robustness self-check (Intel SDM vol. 3 6.15, interrupt 8): a
; fault while delivering #DF shuts the CPU down and the board resets it with RAM
; kept (a warm reset; a stage counter at 0600h survives it). Three shutdowns: real
; mode (IDT limit 0), protected mode (IDT limit 0), and paging with the IDT's page
; not present (#PF delivering #PF -> #DF -> shutdown). Then garbage descriptors
; are loaded into every segment register from a GDT of pseudo-random bytes: each
; load either works or faults, and the emulator must neither crash nor hang.
%define PROG_NAME "triple"
%include "lib.inc"
%include "pm.inc"

STAGE           equ     0x0600                  ; outside lib.inc's cleared area
PD              equ     0x30000
PT0             equ     0x31000

main:
        mov     eax, [STAGE]
        cmp     eax, 1
        je      .s1
        cmp     eax, 2
        je      .s2
        cmp     eax, 3
        je      .s3
        mov     dword [STAGE], 1
        lidt    [cs:zero_idtr]
        int3                                    ; #GP (limit) -> #DF -> shutdown
        FAIL_MSG "real mode: no reset after a triple fault"
        jmp     .done
.s1:    PRINT   "ok reset after a real-mode triple fault", 10
        mov     dword [STAGE], 2
        PM_RUN  pm_triple
        FAIL_MSG "protected mode: no reset after a triple fault"
        jmp     .done
.s2:    PRINT   "ok reset after a protected-mode triple fault", 10
        mov     dword [STAGE], 3
        PM_RUN  pg_triple
        FAIL_MSG "paging: no reset after a triple fault"
        jmp     .done
.s3:    PRINT   "ok reset after a page-fault loop", 10
        mov     dword [STAGE], 0
        PM_RUN  garbage
.done:  mov     dword [STAGE], 0
        ret

zero_idtr:      dw      0
                dd      0

        bits    32
pm_triple:
        lidt    [cs:zero_idtr]
        ud2
        ret

pg_triple:
        mov     edi, PD
        mov     ecx, 2 * 1024
        xor     eax, eax
        rep     stosd
        mov     edi, PT0
        mov     eax, 7
        mov     ecx, 1024
.map:   stosd
        add     eax, 0x1000
        loop    .map
        mov     dword [PT0 + 1 * 4], 0          ; GDT and IDT page not present
        mov     dword [PD], PT0 | 7
        mov     eax, PD
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax
        mov     eax, [0x400000]                 ; no PDE: #PF, and the IDT faults too
        ret

; xorshift32 bytes into GDT entries 9-255, then every selector into DS ES FS GS
; SS (and LAR/VERR on it); every fault resumes at the next load.
garbage:
        PGROUP  "garbage descriptors"
        mov     edi, GDT_BASE + 9 * 8
        mov     ecx, (256 - 9) * 2
        mov     eax, 0x12345678
.rnd:   mov     edx, eax
        shl     edx, 13
        xor     eax, edx
        mov     edx, eax
        shr     edx, 17
        xor     eax, edx
        mov     edx, eax
        shl     edx, 5
        xor     eax, edx
        stosd
        loop    .rnd
        mov     ebx, 9 * 8
.sel:   mov     dword [EXC_COUNT], 0
        EXPECT  .n0
        mov     es, bx
.n0:    EXPECT  .n1
        mov     fs, bx
.n1:    EXPECT  .n2
        mov     gs, bx
.n2:    EXPECT  .n3
        mov     ss, bx
        mov     ax, SEL_DATA
        mov     ss, ax
.n3:
        mov     dword [EXC_RESUME], 0
        lar     eax, ebx
        verr    bx
        verw    bx
        mov     ax, SEL_DATA
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        add     ebx, 8
        cmp     ebx, 256 * 8
        jb      .sel
        PCHECK  ebx, 256 * 8, "every selector tried"
        PGROUP_END
        ret

        bits    16
ROM_END
