; Paging self-check (Intel SDM vol. 3 ch. 4): 4 KiB pages through a page directory
; and page tables, accessed and dirty bits, #PF with CR2 and its error code (P, W/R,
; U/S, RSVD) for reads, writes, user accesses and instruction fetches, CR0.WP for
; supervisor writes, 4 MiB pages (CR4.PSE) and their reserved bits, INVLPG, global
; pages surviving a CR3 load (CR4.PGE), code modified through a second linear
; mapping of its physical page, and an instruction that straddles into an
; unmapped page (the fault names the page, EIP the instruction). -DORACLE_QEMU
; leaves out what QEMU 7.2 TCG does not model: global pages kept across CR3 loads,
; and P = 1 with RSVD (SDM vol. 3 4.7: RSVD implies P; QEMU reports 8).
%define PROG_NAME "paging"
%include "lib.inc"
%include "pm.inc"

PD              equ     0x30000                 ; page directory
PT0             equ     0x31000                 ; 0-4 MiB identity
PT1             equ     0x32000                 ; 4-8 MiB test pages
SEL_FLAT        equ     SEL_FREE                ; flat 32-bit code, ring 0
TEST_LIN        equ     0x400000
PTE_P           equ     1
PTE_W           equ     2
PTE_U           equ     4
PTE_A           equ     0x20
PTE_D           equ     0x40
PTE_PS          equ     0x80
PTE_G           equ     0x100

main:
        PM_RUN  pg_tests
        ret

        bits    32
pg_tests:
        call    pg_setup
        call    t_ad
        call    t_pf
        call    t_ring3
        call    t_pse
        call    t_tlb
        call    t_alias
        call    t_fetch
        ret

; identity-map 0-4 MiB (user, writable), PT1 empty, paging on
pg_setup:
        PGROUP  "paging on"
        mov     edi, PD
        mov     ecx, 3 * 1024
        xor     eax, eax
        rep     stosd
        mov     edi, PT0
        mov     eax, PTE_P | PTE_W | PTE_U
        mov     ecx, 1024
.map:   stosd
        add     eax, 0x1000
        loop    .map
        mov     dword [PD], PT0 | PTE_P | PTE_W | PTE_U
        mov     dword [PD + 4], PT1 | PTE_P | PTE_W | PTE_U
        SETDESC SEL_FLAT, 0, 0xFFFFF, 0x9A, 0xC0
        mov     eax, PD
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax
        mov     eax, cr0
        shr     eax, 31
        PCHECK  eax, 1, "cr0.pg"
        PGROUP_END
        ret

%macro MAP 2                                    ; MAP index in PT1, pte value
        mov     dword [PT1 + (%1) * 4], %2
        invlpg  [TEST_LIN + (%1) * 0x1000]
%endmacro

t_ad:
        PGROUP  "accessed and dirty bits"
        MAP     0, 0x40000 | PTE_P | PTE_W | PTE_U
        and     dword [PD + 4], ~PTE_A
        mov     dword [0x40010], 0xCAFE
        mov     eax, [TEST_LIN + 0x10]
        PCHECK  eax, 0xCAFE, "read through the mapping"
        mov     eax, [PT1]
        and     eax, PTE_A | PTE_D
        PCHECK  eax, PTE_A, "read sets a, not d"
        mov     eax, [PD + 4]
        and     eax, PTE_A
        PCHECK  eax, PTE_A, "pde accessed"
        mov     dword [TEST_LIN + 0x14], 1
        mov     eax, [PT1]
        and     eax, PTE_A | PTE_D
        PCHECK  eax, PTE_A | PTE_D, "write sets d"
        PGROUP_END
        ret

t_pf:
        PGROUP  "page faults"
        MAP     1, 0
        EXPECT  .r1
.f1:    mov     eax, [TEST_LIN + 0x1004]
.r1:    CHECK_EXC 14, 0, .f1, "read, not present"
        mov     eax, cr2
        PCHECK  eax, TEST_LIN + 0x1004, "cr2"
        EXPECT  .r2
.f2:    mov     dword [TEST_LIN + 0x1008], 0
.r2:    CHECK_EXC 14, 2, .f2, "write, not present"
        MAP     2, 0x42000 | PTE_P
        mov     dword [TEST_LIN + 0x2000], 0x77
        PCHECK  [0x42000], 0x77, "supervisor write to read-only, wp=0"
        mov     eax, cr0
        or      eax, 0x10000
        mov     cr0, eax
        EXPECT  .r3
.f3:    mov     dword [TEST_LIN + 0x2000], 0x88
.r3:    CHECK_EXC 14, 3, .f3, "supervisor write to read-only, wp=1"
        mov     eax, cr2
        PCHECK  eax, TEST_LIN + 0x2000, "cr2 (wp)"
        mov     eax, cr0
        and     eax, ~0x10000
        mov     cr0, eax
        ; a dword that straddles into a not-present page: nothing is written
        MAP     3, 0x43000 | PTE_P | PTE_W
        mov     dword [0x43FFC], 0x11111111
        EXPECT  .r4
.f4:    mov     dword [TEST_LIN + 0x3FFE], 0x22222222
.r4:    CHECK_EXC 14, 2, .f4, "straddling write"
        mov     eax, cr2
        PCHECK  eax, TEST_LIN + 0x4000, "cr2 names the second page"
        PCHECK  [0x43FFC], 0x11111111, "straddling write changed nothing"
        PGROUP_END
        ret

; user accesses from ring 3: supervisor page, read-only user page, not present
t_ring3:
        PGROUP  "user/supervisor"
        MAP     5, 0x45000 | PTE_P | PTE_W
        MAP     6, 0x46000 | PTE_P | PTE_U
        MAP     7, 0
        mov     eax, r3_pf
        call    ring3_call
        PCHECK  [0x20100], 5, "user read of a supervisor page"
        PCHECK  [0x20104], 7, "user write to a read-only page"
        PCHECK  [0x20108], 4, "user read, not present"
        PCHECK  [0x2010C], TEST_LIN + 0x7000, "cr2 seen by the handler"
        PGROUP_END
        ret

r3_pf:
        EXPECT  .g1
        mov     eax, [TEST_LIN + 0x5000]
.g1:    mov     eax, [EXC_ERR]
        mov     [0x20100], eax
        EXPECT  .g2
        mov     dword [TEST_LIN + 0x6000], 1
.g2:    mov     eax, [EXC_ERR]
        mov     [0x20104], eax
        EXPECT  .g3
        mov     eax, [TEST_LIN + 0x7000]
.g3:    mov     eax, [EXC_ERR]
        mov     [0x20108], eax
        mov     eax, [EXC_CR2]
        mov     [0x2010C], eax
        push    dword 0
        push    dword 0
        call    SEL_GATE_EXIT:0

t_pse:
        PGROUP  "4 mib pages"
        mov     eax, cr4
        or      eax, 0x10                       ; PSE
        mov     cr4, eax
        mov     dword [PD + 3 * 4], 0 | PTE_PS | PTE_P | PTE_W
        mov     dword [0x20010], 0x5A5A5A5A
        mov     eax, [0xC00000 + 0x20010]
        PCHECK  eax, 0x5A5A5A5A, "read through a 4 mib page"
        mov     eax, [PD + 3 * 4]
        and     eax, PTE_A | PTE_D
        PCHECK  eax, PTE_A, "4 mib pde accessed"
        mov     dword [PD + 2 * 4], 0x00200000 | PTE_PS | PTE_P
        EXPECT  .r1
.f1:    mov     eax, [0x800000]
.r1:
%ifndef ORACLE_QEMU
        CHECK_EXC 14, 9, .f1, "reserved bit in a 4 mib pde: rsvd"
%else
        PCHECK  [EXC_VEC], 14, "reserved bit in a 4 mib pde: #pf"
%endif
        mov     dword [PD + 2 * 4], 0
        mov     eax, cr4
        and     eax, ~0x10
        mov     cr4, eax
        PGROUP_END
        ret

t_tlb:
        PGROUP  "tlb"
        MAP     8, 0x48000 | PTE_P | PTE_W
        mov     dword [0x48000], 0x48
        mov     dword [0x49000], 0x49
        mov     eax, [TEST_LIN + 0x8000]
        mov     dword [PT1 + 8 * 4], 0x49000 | PTE_P | PTE_W
        invlpg  [TEST_LIN + 0x8000]
        mov     eax, [TEST_LIN + 0x8000]
        PCHECK  eax, 0x49, "invlpg: the new mapping"
        mov     dword [PT1 + 8 * 4], 0x48000 | PTE_P | PTE_W
        mov     eax, cr3
        mov     cr3, eax
        mov     eax, [TEST_LIN + 0x8000]
        PCHECK  eax, 0x48, "cr3 load: the new mapping"
%ifndef ORACLE_QEMU
        mov     eax, cr4
        or      eax, 0x80                       ; PGE
        mov     cr4, eax
        mov     dword [PT1 + 8 * 4], 0x49000 | PTE_P | PTE_W | PTE_G
        invlpg  [TEST_LIN + 0x8000]
        mov     eax, [TEST_LIN + 0x8000]
        mov     dword [PT1 + 8 * 4], 0x48000 | PTE_P | PTE_W | PTE_G
        mov     eax, cr3
        mov     cr3, eax
        mov     eax, [TEST_LIN + 0x8000]
        PCHECK  eax, 0x49, "a global page survives a cr3 load"
        invlpg  [TEST_LIN + 0x8000]
        mov     eax, [TEST_LIN + 0x8000]
        PCHECK  eax, 0x48, "invlpg drops a global page"
        mov     eax, cr4
        and     eax, ~0x80
        mov     cr4, eax
%endif
        PGROUP_END
        ret

; one physical page (4A000h) at two linear pages; code written through one
; mapping, run through the other, then patched through the first again
ALIAS_A         equ     TEST_LIN + 0xA000
ALIAS_B         equ     TEST_LIN + 0xB000
t_alias:
        PGROUP  "code through two mappings"
        MAP     0xA, 0x4A000 | PTE_P | PTE_W
        MAP     0xB, 0x4A000 | PTE_P | PTE_W
        mov     byte [ALIAS_A], 0xB8            ; mov eax, imm32
        mov     dword [ALIAS_A + 1], 1
        mov     byte [ALIAS_A + 5], 0xCB        ; retf
        call    SEL_FLAT:ALIAS_B
        PCHECK  eax, 1, "run through b"
        mov     dword [ALIAS_A + 1], 2
        call    SEL_FLAT:ALIAS_B
        PCHECK  eax, 2, "patched through a, run through b"
        call    SEL_FLAT:ALIAS_A
        PCHECK  eax, 2, "run through a"
        mov     dword [ALIAS_B + 1], 3
        call    SEL_FLAT:ALIAS_A
        PCHECK  eax, 3, "patched through b, run through a"
        ; remap b to another page with different code: no stale block
        mov     byte [0x4C000], 0xB8
        mov     dword [0x4C001], 4
        mov     byte [0x4C005], 0xCB
        MAP     0xB, 0x4C000 | PTE_P | PTE_W
        call    SEL_FLAT:ALIAS_B
        PCHECK  eax, 4, "b remapped to other code"
        ; a block that runs from one page into the next: remapping only the
        ; second page must not leave the old translation in use
        MAP     0xF, 0x4F000 | PTE_P | PTE_W
        MAP     0x10, 0x50000 | PTE_P | PTE_W
        mov     word [0x4FFFE], 0x9090
        mov     dword [0x50000], 0x000011B8     ; mov eax, 11h; retf
        mov     dword [0x50004], 0x0000CB00
        mov     dword [0x51000], 0x000022B8     ; mov eax, 22h; retf
        mov     dword [0x51004], 0x0000CB00
        call    SEL_FLAT:TEST_LIN + 0xFFFE
        PCHECK  eax, 0x11, "two-page block"
        MAP     0x10, 0x51000 | PTE_P | PTE_W
        call    SEL_FLAT:TEST_LIN + 0xFFFE
        PCHECK  eax, 0x22, "two-page block, second page remapped"
        PGROUP_END
        ret

; instruction fetch faults: a not-present target, and an instruction that
; straddles into a not-present page after three NOPs that do run
FETCH_PAGE      equ     TEST_LIN + 0xD000
t_fetch:
        PGROUP  "instruction fetch"
        MAP     0xD, 0x4D000 | PTE_P | PTE_W
        MAP     0xE, 0
        EXPECT  0xF0000 + fetch_ret
.f1:    call    SEL_FLAT:TEST_LIN + 0xE000
        PCHECK  [EXC_VEC], 14, "fetch from a not-present page: #pf"
        PCHECK  [EXC_ERR], 0, "fetch from a not-present page: error code"
        PCHECK  [EXC_EIP], TEST_LIN + 0xE000, "fetch from a not-present page: eip"
        mov     eax, cr2
        PCHECK  eax, TEST_LIN + 0xE000, "fetch from a not-present page: cr2"
        ; FF8: nop nop nop inc eax nop nop, FFE: mov eax, imm32 into the next page
        mov     dword [0x4DFF8], 0x40909090
        mov     dword [0x4DFFC], 0x00B89090
        xor     eax, eax
        EXPECT  0xF0000 + fetch_ret
        call    SEL_FLAT:FETCH_PAGE + 0xFF8
        PCHECK  eax, 1, "the instructions before the straddling one ran"
        PCHECK  [EXC_EIP], FETCH_PAGE + 0xFFE, "straddling instruction: eip"
        mov     eax, cr2
        PCHECK  eax, FETCH_PAGE + 0x1000, "straddling instruction: cr2"
        PGROUP_END
        ret

fetch_ret:
        retf

        bits    16
ROM_END
