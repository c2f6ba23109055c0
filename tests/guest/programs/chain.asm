; One chain through every mode (Intel SDM vol. 3 9.9, 4, 20.2): real mode ->
; protected mode -> paging on -> virtual-8086 mode under paging (its segment
; 2000h mapped to another physical page, so v86 accesses go through the page
; tables) -> ring 0 through an interrupt -> paging off -> real mode, with the
; state checked at each step and the real-mode IVT and physical addressing
; working again at the end.
%define PROG_NAME "chain"
%include "lib.inc"
%include "pm.inc"

PD              equ     0x30000
PT0             equ     0x31000
REMAP_LIN       equ     0x20000                 ; v86 segment 2000h ...
REMAP_PHYS      equ     0x50000                 ; ... lands here under paging
RES             equ     0x21000                 ; results (identity-mapped)
EXIT_ESP        equ     0x05C8
V86_SS          equ     0x0800
V86_SP          equ     0x0400

main:
        GROUP   "real mode at the start"
        mov     eax, cr0
        and     eax, 0x80000001
        CHECK32 eax, 0, "cr0.pe and pg clear"
        push    ds
        mov     ax, REMAP_LIN >> 4
        mov     ds, ax
        mov     word [0], 0xBBBB                ; physical 20000h
        mov     ax, REMAP_PHYS >> 4
        mov     ds, ax
        mov     word [0], 0xAAAA                ; physical 50000h
        mov     word [4], 0
        pop     ds
        GROUP_END
        PM_RUN  chain_pm
        GROUP   "back in real mode"
        mov     eax, cr0
        and     eax, 0x80000001
        CHECK32 eax, 0, "cr0.pe and pg clear again"
        push    es
        mov     ax, REMAP_LIN >> 4
        mov     es, ax
        CHECK16 word [es:0], 0xBBBB, "segment 2000h is physical 20000h again"
        CHECK16 word [es:4], 0, "v86 did not write physical 20000h"
        mov     ax, REMAP_PHYS >> 4
        mov     es, ax
        CHECK16 word [es:4], 0xAAAA, "v86 wrote physical 50000h"
        pop     es
        SET_VEC 0x60, lib_trap
        TRAP_ARM 0
        int     0x60
.ret:   CHECK16 word [TRAP_COUNT], 1, "int 60h through the real-mode ivt"
        CHECK16 word [TRAP_IP], .ret, "real-mode frame: ip"
        CHECK16 word [TRAP_CS], ROM_SEG, "real-mode frame: cs"
        GROUP_END
        ret

        bits    32
chain_pm:
        PGROUP  "protected mode"
        mov     eax, cr0
        and     eax, 0x80000001
        PCHECK  eax, 1, "cr0.pe set, pg clear"
        mov     edi, RES
        mov     ecx, 32
        xor     eax, eax
        rep     stosd
        PGROUP_END
        PGROUP  "paging"
        mov     edi, PD
        mov     ecx, 2 * 1024
        xor     eax, eax
        rep     stosd
        mov     edi, PT0
        mov     eax, 7                          ; present, writable, user
        mov     ecx, 1024
.map:   stosd
        add     eax, 0x1000
        loop    .map
        mov     dword [PT0 + (REMAP_LIN >> 12) * 4], REMAP_PHYS | 7
        mov     dword [PD], PT0 | 7
        mov     eax, PD
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax
        mov     eax, cr0
        and     eax, 0x80000001
        PCHECK  eax, 0x80000001, "cr0.pe and pg set"
        PCHECK  [REMAP_LIN], 0xAAAA, "linear 20000h reads physical 50000h"
        PGROUP_END
        PGROUP  "v86 under paging"
        SETGATE IDT_BASE + 3 * 8, SEL_CODE32, v86_exit, 0xEE
        call    v86_enter
        PCHECK  [RES + 0], 0xAAAA, "v86 read through the page tables"
        PCHECK  [RES + 4], 1, "smsw in v86: pe"
        PCHECK  [RES + 8], ROM_SEG, "v86 cs"
        mov     eax, [RES + 12]
        and     eax, 0x20000
        PCHECK  eax, 0x20000, "exit frame: vm set"
        PCHECK  [RES + 16], SEL_DATA, "ring 0 again: ss from the tss"
        mov     eax, cr0
        shr     eax, 31
        PCHECK  eax, 1, "paging still on at ring 0"
        PGROUP_END
        ret                                     ; pm_run: paging off, real mode

; enter v86 at F000:v86_code with IOPL 3; returns when it executes INT3
v86_enter:
        pushad
        mov     [EXIT_ESP], esp
        push    dword 0                         ; gs
        push    dword 0                         ; fs
        push    dword 0                         ; ds
        push    dword 0                         ; es
        push    dword V86_SS
        push    dword V86_SP
        push    dword 0x23002                   ; VM, IOPL 3
        push    dword ROM_SEG
        push    dword v86_code
        iretd

v86_exit:
        mov     ax, SEL_DATA
        mov     ds, ax
        mov     es, ax
        mov     eax, [esp + 4]
        mov     [RES + 8], eax
        mov     eax, [esp + 8]
        mov     [RES + 12], eax
        xor     eax, eax
        mov     ax, ss
        mov     [RES + 16], eax
        mov     esp, [EXIT_ESP]
        popad
        ret

        bits    16
v86_code:
        mov     ax, REMAP_LIN >> 4
        mov     es, ax
        mov     ax, [es:0]                      ; linear 20000h -> physical 50000h
        mov     [es:4], ax
        mov     bx, RES >> 4
        mov     ds, bx
        movzx   eax, ax
        mov     [0], eax
        smsw    ax
        and     eax, 1
        mov     [4], eax
        int3

ROM_END
