; Protected-mode self-check (Intel SDM vol. 3 ch. 3, 5, 6; vol. 2 instruction pages):
; real -> protected mode and back; segment-register loads with every check and their
; error codes (null, limit, type, DPL/RPL, not present -> #NP / #SS), the accessed bit,
; LDT selectors; byte/page-granular and expand-down limits; exceptions with their
; error codes and return addresses; IDT limit, gate type and present checks; ring 3
; reached by IRET (data segments nulled), the sensitive-but-unprivileged instructions
; run at CPL 3 with their guest-visible results, privileged instructions faulting,
; the I/O permission bitmap, a call gate with parameter copy and stack switch, RETF
; to an outer level nulling DS/ES, conforming code, interrupt vs trap gates,
; alignment checks (#AC) at ring 3, SYSENTER/SYSEXIT, MSRs and CMPXCHG8B. -DORACLE_QEMU leaves out what QEMU 7.2 TCG
; does not model: data-segment limit and type checks on access, the EXT bit for a
; fault while delivering an exception, #GP for unknown MSRs, TSC writes, MTRRcap,
; alignment checks (#AC).
%define PROG_NAME "pmode"
%include "lib.inc"
%include "pm.inc"

SEL_T1          equ     SEL_FREE                ; 48 scratch
SEL_T2          equ     SEL_FREE + 8            ; 50 scratch (LDT)
SEL_CONF        equ     SEL_FREE + 16           ; 58 conforming code, DPL 0
SEL_GATE_RET    equ     SEL_FREE + 24           ; 60 call gate DPL 3 -> r0_retf (1 param)
SEL_SE          equ     SEL_FREE + 32           ; 68..80 SYSENTER CS, SS, CS3, SS3
R3              equ     0x20100                 ; results written at ring 3
LDT_BASE        equ     0x3000
PROBE           equ     0x20200

main:
        PM_RUN  pm_tests
        GROUP   "back to real mode"
        mov     eax, cr0
        and     eax, 1
        CHECK32 eax, 0, "cr0.pe clear"
        mov     ax, cs
        CHECK16 ax, ROM_SEG, "cs"
        GROUP_END
        ret

        bits    32
pm_tests:
        call    t_entry
        call    t_segload
        call    t_limits
        call    t_exceptions
        call    t_gates
        call    t_ring3
        call    t_sysenter
        call    t_msr
        ret

t_entry:
        PGROUP  "protected mode entry"
        mov     eax, cr0
        and     eax, 1
        PCHECK  eax, 1, "cr0.pe"
        xor     eax, eax
        mov     ax, cs
        PCHECK  eax, SEL_CODE32, "cs"
        xor     eax, eax
        str     ax
        PCHECK  eax, SEL_TSS0, "str"
        movzx   eax, byte [GDT_BASE + SEL_TSS0 + 5]
        PCHECK  eax, 0x8B, "ltr marks the tss busy"
        PGROUP_END
        ret

t_segload:
        PGROUP  "segment loads"
%ifndef ORACLE_QEMU
        xor     eax, eax
        mov     es, ax
        EXPECT  .r1
.f1:    mov     eax, [es:0x100]
.r1:    CHECK_EXC 13, 0, .f1, "read through a null es"
%endif
        xor     eax, eax
        EXPECT  .r2
.f2:    mov     ss, ax
.r2:    CHECK_EXC 13, 0, .f2, "null ss"
        mov     ax, 0x800
        EXPECT  .r3
.f3:    mov     es, ax
.r3:    CHECK_EXC 13, 0x800, .f3, "selector past the gdt limit"
        SETDESC SEL_T1, 0, 0xFFFF, 0x98, 0
        mov     ax, SEL_T1
        EXPECT  .r4
.f4:    mov     es, ax
.r4:    CHECK_EXC 13, SEL_T1, .f4, "execute-only code into es"
        SETDESC SEL_T1, 0, 0xFFFF, 0x12, 0
        EXPECT  .r5
.f5:    mov     es, ax
.r5:    CHECK_EXC 11, SEL_T1, .f5, "not-present data: #np"
        SETDESC SEL_T1, 0, 0xFFFFF, 0x90, 0xC0
        EXPECT  .r6
.f6:    mov     ss, ax
.r6:    CHECK_EXC 13, SEL_T1, .f6, "read-only ss"
        SETDESC SEL_T1, 0, 0xFFFFF, 0x12, 0xC0
        EXPECT  .r7
.f7:    mov     ss, ax
.r7:    CHECK_EXC 12, SEL_T1, .f7, "not-present ss: #ss"
        SETDESC SEL_T1, 0, 0xFFFFF, 0x92, 0xC0
        mov     ax, SEL_T1 | 3
        EXPECT  .r8
.f8:    mov     es, ax
.r8:    CHECK_EXC 13, SEL_T1, .f8, "rpl 3 > dpl 0"
        EXPECT  .r8b
.f8b:   mov     ss, ax
.r8b:   CHECK_EXC 13, SEL_T1, .f8b, "ss with rpl != cpl"
        ; accessed bit and base
        SETDESC SEL_T1, 0x20000, 0xFFFF, 0x92, 0
        mov     dword [0x20010], 0x12345678
        mov     ax, SEL_T1
        mov     es, ax
        movzx   eax, byte [GDT_BASE + SEL_T1 + 5]
        PCHECK  eax, 0x93, "accessed bit set by the load"
        mov     eax, [es:0x10]
        PCHECK  eax, 0x12345678, "es base"
        ; readable code: reads fine, writes fault
        SETDESC SEL_T1, 0xF0000, 0xFFFF, 0x9A, 0x40
        mov     ax, SEL_T1
        mov     es, ax
        movzx   eax, word [es:gdt_image + 8]
        PCHECK  eax, 0xFFFF, "read through readable code"
%ifndef ORACLE_QEMU
        EXPECT  .r9
.f9:    mov     [es:0x8000], eax
.r9:    CHECK_EXC 13, 0, .f9, "write to code"
        SETDESC SEL_T1, 0x20000, 0xFFFF, 0x90, 0
        mov     ax, SEL_T1
        mov     es, ax
        EXPECT  .r10
.f10:   mov     [es:0], eax
.r10:   CHECK_EXC 13, 0, .f10, "write to read-only data"
%endif
        ; LDT: LLDT, SLDT, a TI=1 selector
        mov     dword [LDT_BASE], 0x0000FFFF
        mov     dword [LDT_BASE + 4], 0x00009202
        SETDESC SEL_T2, LDT_BASE, 7, 0x82, 0
        mov     ax, SEL_T2
        lldt    ax
        xor     eax, eax
        sldt    ax
        PCHECK  eax, SEL_T2, "sldt"
        mov     ax, 4
        mov     es, ax
        mov     eax, [es:0x10]
        PCHECK  eax, 0x12345678, "data through the ldt"
        mov     ax, 0x0C
        EXPECT  .r11
.f11:   mov     es, ax
.r11:   CHECK_EXC 13, 0x0C, .f11, "past the ldt limit"
        xor     eax, eax
        lldt    ax
        mov     ax, 4
        EXPECT  .r12
.f12:   mov     es, ax
.r12:   CHECK_EXC 13, 4, .f12, "ldt selector with a null ldtr"
        mov     ax, SEL_DATA
        mov     es, ax
        PGROUP_END
        ret

t_limits:
        PGROUP  "segment limits"
%ifndef ORACLE_QEMU
        SETDESC SEL_T1, 0x20000, 0xFF, 0x92, 0x40
        mov     ax, SEL_T1
        mov     es, ax
        mov     eax, [es:0xFC]
        EXPECT  .r1
.f1:    mov     eax, [es:0xFD]
.r1:    CHECK_EXC 13, 0, .f1, "dword past a byte limit"
        SETDESC SEL_T1, 0x20000, 0, 0x92, 0xC0
        mov     ax, SEL_T1
        mov     es, ax
        mov     eax, [es:0xFFC]
        EXPECT  .r2
.f2:    mov     eax, [es:0xFFD]
.r2:    CHECK_EXC 13, 0, .f2, "page-granular limit 0 = fffh"
        SETDESC SEL_T1, 0x20000, 0xFFF, 0x96, 0x40
        mov     ax, SEL_T1
        mov     es, ax
        mov     [es:0x1000], eax
        mov     eax, [es:0xFFFFFFF0]
        EXPECT  .r3
.f3:    mov     eax, [es:0xFFE]
.r3:    CHECK_EXC 13, 0, .f3, "expand-down: at or below the limit"
        SETDESC SEL_T1, 0x20000, 0xFFF, 0x96, 0x00
        mov     ax, SEL_T1
        mov     es, ax
        mov     ax, [es:0xFFFE]
        EXPECT  .r4
.f4:    mov     eax, [es:0xFFFE]
.r4:    CHECK_EXC 13, 0, .f4, "16-bit expand-down: past ffffh"
        SETDESC SEL_T1, 0, 0x9FFF, 0x92, 0x40
        mov     ax, SEL_T1
        mov     ss, ax
        mov     ebp, 0xA000
        EXPECT  .r5
.f5:    mov     eax, [ebp]
.r5:    mov     ax, SEL_DATA
        mov     ss, ax
        CHECK_EXC 12, 0, .f5, "stack limit: #ss(0)"
%endif
        mov     ax, SEL_DATA
        mov     es, ax
        PGROUP_END
        ret

t_exceptions:
        PGROUP  "exceptions"
        xor     ecx, ecx
        EXPECT  .r1
.f1:    div     ecx
.r1:    CHECK_EXC 0, -1, .f1, "#de"
        EXPECT  .r2
.f2:    ud2
.r2:    CHECK_EXC 6, -1, .f2, "#ud"
        mov     dword [0x20300], 1
        mov     dword [0x20304], 2
        mov     eax, 5
        EXPECT  .r3
.f3:    bound   eax, [0x20300]
.r3:    CHECK_EXC 5, -1, .f3, "#br"
        EXPECT  .r4
        int3
.a4:
.r4:    CHECK_EXC 3, -1, .a4, "int3 traps after"
        mov     al, 0x7F
        add     al, 1
        EXPECT  .r5
        into
.a5:
.r5:    CHECK_EXC 4, -1, .a5, "into traps after"
        ; IDT limit: only vectors 0-31
        mov     word [0x20310], 32 * 8 - 1
        mov     dword [0x20312], IDT_BASE
        lidt    [0x20310]
        EXPECT  .r6
.f6:    int     0x40
.r6:    lidt    [cs:pm_idtr]
        CHECK_EXC 13, 0x40 * 8 + 2, .f6, "int past the idt limit"
        and     byte [IDT_BASE + 0x41 * 8 + 5], 0x7F
        EXPECT  .r7
.f7:    int     0x41
.r7:    CHECK_EXC 11, 0x41 * 8 + 2, .f7, "not-present gate: #np"
        mov     byte [IDT_BASE + 0x42 * 8 + 5], 0x8C
        EXPECT  .r8
.f8:    int     0x42
.r8:    CHECK_EXC 13, 0x42 * 8 + 2, .f8, "call gate in the idt"
%ifndef ORACLE_QEMU
        ; a fault while delivering an exception: #GP(sel+EXT) for a bad handler CS
        mov     word [IDT_BASE + 6 * 8 + 2], 0x7F8
        EXPECT  .r9
.f9:    ud2
.r9:    mov     word [IDT_BASE + 6 * 8 + 2], SEL_CODE32
        CHECK_EXC 13, 0x7F8 + 1, .f9, "bad handler cs: ext bit"
%endif
        PGROUP_END
        ret

; interrupt vs trap gates (IF), software INT to a DPL 0 gate from ring 0
t_gates:
        PGROUP  "interrupt and trap gates"
        mov     al, 0xFF
        out     0x21, al
        out     0xA1, al
        SETGATE IDT_BASE + 0x52 * 8, SEL_CODE32, probe_handler, 0x8E
        SETGATE IDT_BASE + 0x53 * 8, SEL_CODE32, probe_handler, 0x8F
        sti
        int     0x52
        cli
        mov     eax, [PROBE]
        and     eax, 0x200
        PCHECK  eax, 0, "interrupt gate clears if"
        sti
        int     0x53
        cli
        mov     eax, [PROBE]
        and     eax, 0x200
        PCHECK  eax, 0x200, "trap gate keeps if"
        PGROUP_END
        ret

probe_handler:
        pushfd
        pop     dword [PROBE]
        mov     eax, [esp + 4]
        mov     [PROBE + 4], eax
        iretd

; ---------------------------------------------------------------------------
%macro R3PUT 2
        mov     [R3 + (%1) * 4], %2
%endmacro
%macro R3CHECK 3
        PCHECK  [R3 + (%1) * 4], %2, %3
%endmacro

t_ring3:
        PGROUP  "ring 3"
        SETGATE IDT_BASE + 0x50 * 8, SEL_CODE32, probe_handler, 0xEE
        SETDESC SEL_CONF, 0xF0000, 0xFFFF, 0x9E, 0x40
        SETGATE GDT_BASE + SEL_GATE_RET, SEL_CODE32, r0_retf, 0xEC | (1 << 8)
        and     byte [TSS0 + TSS0_IOMAP + 0xE9 / 8], ~(1 << (0xE9 & 7))
        mov     ax, SEL_DATA
        mov     fs, ax
        mov     eax, cr4
        or      eax, 4                          ; CR4.TSD
        mov     cr4, eax
        mov     eax, cr0
        or      eax, 0x40000                    ; CR0.AM
        mov     cr0, eax
        mov     edi, R3
        mov     ecx, 64
        xor     eax, eax
        rep     stosd
        mov     eax, r3_code
        call    ring3_call
        mov     eax, cr4
        and     eax, ~4
        mov     cr4, eax
        PCHECK  [GATE_CS], SEL_CODE32_3 | 3, "call gate: caller cs"
        PCHECK  [GATE_P1], 0x11111111, "call gate: parameter 1 copied"
        PCHECK  [GATE_P2], 0x22222222, "call gate: parameter 2 copied"
        PCHECK  [GATE_SS], SEL_DATA_3 | 3, "call gate: caller ss"
        PCHECK  [GATE_ESP], STACK3_TOP - 8, "call gate: caller esp"
        R3CHECK 0, SEL_CODE32_3 | 3, "mov from cs"
        R3CHECK 1, 0, "fs nulled by iret to ring 3"
        R3CHECK 2, 0x0002, "pushfd"
        R3CHECK 3, 0x0002, "popfd cannot set if or iopl"
        R3CHECK 4, GDT_LIMIT | (GDT_BASE << 16), "sgdt limit/base"
        R3CHECK 5, IDT_LIMIT | (IDT_BASE << 16), "sidt limit/base"
        R3CHECK 6, 0, "sldt"
        R3CHECK 7, SEL_TSS0, "str"
        R3CHECK 8, 0x0011, "smsw"
        R3CHECK 9, 0x00C0F300, "lar data3"
        R3CHECK 10, 0, "lar of a dpl-0 selector: zf clear"
        R3CHECK 11, 0xFFFFFFFF, "lsl data3"
        R3CHECK 12, 0x0101, "verr code3 / verw data3"
        R3CHECK 13, 0x0000, "verw code3 / verr data0"
        R3CHECK 14, 0x0113, "arpl raises rpl, zf"
        R3CHECK 15, SEL_CODE32_3 | 3, "push cs / pop"
        R3CHECK 16, (13 << 16) | SEL_DATA, "mov es, dpl-0 selector: #gp(sel)"
        R3CHECK 17, 13, "cli: #gp"
        R3CHECK 18, 13, "hlt: #gp"
        R3CHECK 19, 13, "mov eax, cr0: #gp"
        R3CHECK 20, 13, "lgdt: #gp"
        R3CHECK 21, 13, "in from a denied port: #gp"
        R3CHECK 22, 0xE9, "in from a port the bitmap allows"
        R3CHECK 23, SEL_CODE32_3 | 3, "int 50h (dpl-3 gate): pushed cs"
        R3CHECK 24, (13 << 16) | (0x51 * 8 + 2), "int 51h (dpl-0 gate): #gp"
        R3CHECK 25, SEL_CONF | 3, "call conforming dpl-0 code: cpl stays 3"
        R3CHECK 26, (13 << 16) | SEL_CODE32, "call dpl-0 code: #gp(sel)"
        R3CHECK 27, 13, "rdtsc with cr4.tsd: #gp"
        R3CHECK 28, 0x55555555, "retf to ring 3: parameter seen at ring 0"
        R3CHECK 29, 0, "retf to ring 3: ds nulled"
        R3CHECK 30, 0, "retf to ring 3: es nulled"
        R3CHECK 31, STACK3_TOP, "retf 4: esp back above the parameter"
        R3CHECK 32, 0x1234, "iret within ring 3"
        R3CHECK 33, 0x4321, "far jmp within ring 3"
        R3CHECK 34, 0x5678, "far call/retf within ring 3"
%ifndef ORACLE_QEMU
        R3CHECK 35, 17 << 16, "misaligned read with am and ac: #ac(0)"
        R3CHECK 36, 0, "#ac: eip at the access"
%endif
        PGROUP_END
        ret

; ring 0 through SEL_GATE_RET: note the parameter, load DPL-0 DS/ES, RETF 4
r0_retf:
        mov     ax, SEL_DATA
        mov     ds, ax
        mov     es, ax
        mov     eax, [esp + 8]
        R3PUT   28, eax
        retf    4

; the vector of the last exception, shifted, ORed with its error code
%macro R3EXC 1
        mov     eax, [EXC_VEC]
        shl     eax, 16
        or      ax, [EXC_ERR]
        R3PUT   %1, eax
%endmacro
%macro R3VEC 1
        mov     eax, [EXC_VEC]
        R3PUT   %1, eax
%endmacro

r3_code:
        xor     eax, eax
        mov     ax, cs
        R3PUT   0, eax
        mov     ax, fs
        R3PUT   1, eax
        pushfd
        pop     eax
        and     eax, 0x3302                     ; IOPL IF TF and bit 1
        R3PUT   2, eax
        push    dword 0x3202
        popfd
        pushfd
        pop     eax
        and     eax, 0x3302
        R3PUT   3, eax
        sgdt    [R3 + 0x100]
        mov     eax, [R3 + 0x100]
        R3PUT   4, eax
        sidt    [R3 + 0x108]
        mov     eax, [R3 + 0x108]
        R3PUT   5, eax
        mov     eax, -1
        sldt    ax
        movzx   eax, ax
        R3PUT   6, eax
        xor     eax, eax
        str     ax
        R3PUT   7, eax
        xor     eax, eax
        smsw    ax
        R3PUT   8, eax
        mov     ecx, SEL_DATA_3
        lar     eax, ecx
        R3PUT   9, eax
        mov     ecx, SEL_DATA
        mov     eax, 0
        lar     eax, ecx
        setz    al
        R3PUT   10, eax
        mov     ecx, SEL_DATA_3
        lsl     eax, ecx
        R3PUT   11, eax
        xor     eax, eax
        mov     cx, SEL_CODE32_3
        verr    cx
        setz    al
        mov     cx, SEL_DATA_3
        verw    cx
        setz    ah
        R3PUT   12, eax
        xor     eax, eax
        mov     cx, SEL_CODE32_3
        verw    cx
        setz    al
        mov     cx, SEL_DATA
        verr    cx
        setz    ah
        R3PUT   13, eax
        mov     ax, SEL_DATA
        mov     cx, 3
        arpl    ax, cx
        setz    bl
        movzx   eax, ax
        mov     ah, bl
        R3PUT   14, eax
        push    cs
        pop     eax
        movzx   eax, ax
        R3PUT   15, eax
        ; privilege checks
        mov     ax, SEL_DATA
        EXPECT  .g1
        mov     es, ax
.g1:    R3EXC   16
        EXPECT  .g2
        cli
.g2:    R3VEC   17
        EXPECT  .g3
        hlt
.g3:    R3VEC   18
        EXPECT  .g4
        mov     eax, cr0
.g4:    R3VEC   19
        EXPECT  .g5
        lgdt    [R3 + 0x100]
.g5:    R3VEC   20
        EXPECT  .g6
        in      al, 0x80
.g6:    R3VEC   21
        xor     eax, eax
        in      al, 0xE9
        R3PUT   22, eax
        int     0x50
        mov     eax, [PROBE + 4]
        R3PUT   23, eax
        EXPECT  .g7
        int     0x51
.g7:    R3EXC   24
        call    SEL_CONF:conf_fn
        R3PUT   25, eax
        EXPECT  .g8
        call    SEL_CODE32:conf_fn
.g8:    R3EXC   26
        EXPECT  .g9
        rdtsc
.g9:    R3VEC   27
        ; RETF from ring 0 nulls the DPL-0 DS/ES it loaded
        push    dword 0x55555555
        call    SEL_GATE_RET:0
        xor     eax, eax
        mov     ax, ds
        mov     [ss:R3 + 29 * 4], eax
        mov     ax, es
        mov     [ss:R3 + 30 * 4], eax
        mov     [ss:R3 + 31 * 4], esp
        mov     ax, SEL_DATA_3 | 3
        mov     ds, ax
        mov     es, ax
        ; IRET, far JMP, far CALL/RETF at ring 3
        pushfd
        push    dword SEL_CODE32_3 | 3
        push    dword .i1
        iretd
.i1:    R3PUT   32, dword 0x1234
        jmp     SEL_CODE32_3 | 3:.j1
.j1:    R3PUT   33, dword 0x4321
        call    SEL_CODE32_3 | 3:far_fn
        ; alignment check: CR0.AM (set by ring 0) and EFLAGS.AC
        pushfd
        or      dword [esp], 0x40000
        popfd
        EXPECT  .a1
.fa:    mov     eax, [R3 + 0x201]
.a1:    R3EXC   35
        mov     eax, [EXC_EIP]
        sub     eax, .fa
        R3PUT   36, eax
        pushfd
        and     dword [esp], ~0x40000
        popfd
        mov     eax, [R3 + 0x201]
        push    dword 0x11111111
        push    dword 0x22222222
        call    SEL_GATE_EXIT:0

conf_fn:
        xor     eax, eax
        mov     ax, cs
        retf

far_fn:
        R3PUT   34, dword 0x5678
        retf

; ---------------------------------------------------------------------------
; SYSENTER/SYSEXIT: ring 3 -> flat ring 0 -> ring 3 at a flat EIP
t_sysenter:
        PGROUP  "sysenter/sysexit"
        SETDESC SEL_SE, 0, 0xFFFFF, 0x9A, 0xC0
        SETDESC SEL_SE + 8, 0, 0xFFFFF, 0x92, 0xC0
        SETDESC SEL_SE + 16, 0, 0xFFFFF, 0xFA, 0xC0
        SETDESC SEL_SE + 24, 0, 0xFFFFF, 0xF2, 0xC0
        mov     ecx, 0x174
        xor     edx, edx
        mov     eax, SEL_SE
        wrmsr
        mov     ecx, 0x175
        mov     eax, 0x8800
        wrmsr
        mov     ecx, 0x176
        mov     eax, 0xF0000 + se_target
        wrmsr
        mov     ecx, 0x174
        rdmsr
        PCHECK  eax, SEL_SE, "rdmsr sysenter_cs"
        mov     eax, r3_sysenter
        call    ring3_call
        R3CHECK 40, SEL_SE, "sysenter: cs"
        R3CHECK 41, SEL_SE + 8, "sysenter: ss"
        R3CHECK 42, 0x8800, "sysenter: esp"
        R3CHECK 43, 0, "sysenter: if clear"
        R3CHECK 44, (SEL_SE + 16) | 3, "sysexit: cs"
        R3CHECK 45, (SEL_SE + 24) | 3, "sysexit: ss"
        R3CHECK 46, 0x9F00, "sysexit: esp = ecx"
        PGROUP_END
        ret

r3_sysenter:
        mov     ecx, 0x9F00
        mov     edx, 0xF0000 + r3_after_sysexit
        sysenter

se_target:
        xor     eax, eax
        mov     ax, cs
        R3PUT   40, eax
        mov     ax, ss
        R3PUT   41, eax
        R3PUT   42, esp
        pushfd
        pop     eax
        and     eax, 0x200
        R3PUT   43, eax
        sysexit

r3_after_sysexit:
        xor     eax, eax
        mov     ax, cs
        R3PUT   44, eax
        mov     ax, ss
        R3PUT   45, eax
        R3PUT   46, esp
        push    dword 0x11111111
        push    dword 0x22222222
        call    SEL_GATE_EXIT:0

; MSRs and CMPXCHG8B
t_msr:
        PGROUP  "msr and cmpxchg8b"
%ifndef ORACLE_QEMU
        mov     ecx, 0x12345
        EXPECT  .r1
.f1:    rdmsr
.r1:    CHECK_EXC 13, 0, .f1, "rdmsr of an unknown msr"
        mov     ecx, 0x10
        xor     eax, eax
        xor     edx, edx
        wrmsr
        rdtsc
        PCHECK  edx, 0, "tsc written to 0: high"
        cmp     eax, 0x100000
        setb    al
        movzx   eax, al
        PCHECK  eax, 1, "tsc written to 0: low is small"
        mov     ecx, 0xFE
        rdmsr
        and     eax, 0xFF
        PCHECK  eax, 8, "mtrrcap: 8 variable ranges"
%endif
        mov     dword [0x20400], 0x22222222
        mov     dword [0x20404], 0x11111111
        mov     eax, 0x22222222
        mov     edx, 0x11111111
        mov     ebx, 0x44444444
        mov     ecx, 0x33333333
        cmpxchg8b [0x20400]
        setz    al
        movzx   eax, al
        PCHECK  eax, 1, "cmpxchg8b equal: zf"
        PCHECK  [0x20400], 0x44444444, "cmpxchg8b equal: low stored"
        PCHECK  [0x20404], 0x33333333, "cmpxchg8b equal: high stored"
        xor     eax, eax
        xor     edx, edx
        cmpxchg8b [0x20400]
        setz    bl
        movzx   ebx, bl
        PCHECK  ebx, 0, "cmpxchg8b different: zf"
        PCHECK  eax, 0x44444444, "cmpxchg8b different: eax loaded"
        PCHECK  edx, 0x33333333, "cmpxchg8b different: edx loaded"
        PGROUP_END
        ret

        bits    16
ROM_END
