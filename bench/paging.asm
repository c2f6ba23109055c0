; Paging: protected mode with 4 KiB pages (Intel SDM vol. 3 4.3). 16 MiB of
; linear space (4 page tables, 4096 pages) aliases 128 physical pages below
; 640 KiB; each iteration reads and writes one dword at a pseudo-random
; linear address (xorshift32), so most accesses miss a small TLB. Every 64th
; iteration loads CR3, switching between two page directories that map the
; four tables in opposite orders (a process switch); every 16th does INVLPG
; on the page just touched. About 20 guest instructions per iteration.
        org     0

PD_A            equ     0x10000
PD_B            equ     0x11000
PT0             equ     0x12000         ; 0-4 MiB identity: code, stack, tables
PT_WORK         equ     0x13000         ; 4 tables for linear 4-20 MiB
POOL            equ     0x20000         ; the 128 physical pages they alias
WORK_LIN        equ     0x400000
PTE_PW          equ     3               ; present, writable
SEL_CODE        equ     8
SEL_DATA        equ     16

bench:
        o32 lgdt [cs:gdtr]
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax
        jmp     dword SEL_CODE:pm_entry

; code segment based at the ROM (F0000h) so the offsets of org 0 hold in it;
; accessed bits preset: the descriptors are in ROM (SDM vol. 3 3.4.5)
        align   8
gdt:    dq      0
        dw      0xFFFF, 0x0000
        db      0x0F, 0x9B, 0x40, 0x00
        dw      0xFFFF, 0x0000
        db      0x00, 0x93, 0xCF, 0x00
gdtr:   dw      gdtr - gdt - 1
        dd      0xF0000 + gdt

        bits    32
pm_entry:
        mov     ax, SEL_DATA
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     esp, STACK_TOP
        call    build_tables
        mov     eax, PD_A
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax
        call    work
        mov     al, 0
        out     EXIT_PORT, al
.hang:  hlt
        jmp     .hang

build_tables:
        mov     edi, PT0
        mov     eax, PTE_PW
        mov     ecx, 1024
.ident: stosd
        add     eax, 0x1000
        loop    .ident
        xor     ecx, ecx                ; PT_WORK: 4096 entries over 128 pages
.alias: mov     eax, ecx
        and     eax, 127
        shl     eax, 12
        add     eax, POOL | PTE_PW
        mov     [PT_WORK + ecx * 4], eax
        inc     ecx
        cmp     ecx, 4096
        jb      .alias
        mov     edi, PD_A
        xor     eax, eax
        mov     ecx, 2048
        rep     stosd
        mov     dword [PD_A], PT0 | PTE_PW
        mov     dword [PD_B], PT0 | PTE_PW
        xor     ecx, ecx
.pde:   mov     eax, ecx                ; PDE 1 + ecx of PD_A, 4 - ecx of PD_B
        shl     eax, 12
        add     eax, PT_WORK | PTE_PW
        mov     [PD_A + 4 + ecx * 4], eax
        mov     edx, 4
        sub     edx, ecx
        mov     [PD_B + edx * 4], eax
        inc     ecx
        cmp     ecx, 4
        jb      .pde
        ret

work:
        mov     ebp, ITERS
        mov     esi, 0x12345678
.loop:
        mov     eax, esi
        shl     eax, 13
        xor     esi, eax
        mov     eax, esi
        shr     eax, 17
        xor     esi, eax
        mov     eax, esi
        shl     eax, 5
        xor     esi, eax
        mov     ebx, esi
        and     ebx, 0x00FFFFFC
        mov     eax, [ebx + WORK_LIN]
        add     eax, ebp
        mov     [ebx + WORK_LIN], eax
        test    ebp, 63
        jnz     .no_cr3
        mov     eax, cr3
        xor     eax, PD_A ^ PD_B
        mov     cr3, eax
.no_cr3:
        test    ebp, 15
        jnz     .next
        invlpg  [ebx + WORK_LIN]
.next:
        dec     ebp
        jnz     .loop
        ret

        bits    16
%include "rom.inc"
