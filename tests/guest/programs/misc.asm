; Real-mode self-check of the remaining families: CPUID (vendor string), CLC STC CMC
; CLD STD CLI STI, NOP, SALC, LDS LES LFS LGS LSS, LGDT/SGDT/LIDT/SIDT round trips
; (16-bit operand size keeps a 24-bit base), SMSW and MOV r32,CR0 (reset value
; 60000010h, SDM vol. 3 table 9-1), #UD (UD2, LOCK on a register) with the faulting
; IP pushed, single-step traps (TF set by POPF traps after the next instruction;
; SDM vol. 3 17.3.1.4), and self-modifying code in RAM, including a store into the
; very next instruction, which must take effect.
%define PROG_NAME "misc"
%include "lib.inc"
        cpu     586                             ; nasm files CPUID under Pentium

MEM             equ     0x0900
SMC_SEG         equ     0x1000                  ; self-modifying code runs at 1000:0000
STEP_COUNT      equ     0x0980
STEP_FIRST      equ     0x0982
STEP_LAST       equ     0x0984
STEP_FL         equ     0x0986

main:
        call    ms_cpuid
        call    ms_flags
        call    ms_farptr
        call    ms_tables
        call    ms_ud
        call    ms_step
        call    ms_smc
        ret

ms_cpuid:
        GROUP   "cpuid"
        xor     eax, eax
        cpuid
        mov     [MEM], ebx
        mov     [MEM+4], edx
        mov     [MEM+8], ecx
        mov     byte [MEM+12], 0
        cmp     eax, 1
        setae   al
        CHECK8  al, 1, "cpuid leaf 0: max leaf >= 1"
        mov     si, MEM
        mov     cx, 12
        xor     dx, dx                          ; DX = non-printable bytes
.chr:   mov     al, [si]
        cmp     al, 0x20
        jb      .bad
        cmp     al, 0x7E
        jbe     .good
.bad:   inc     dx
.good:  inc     si
        loop    .chr
        CHECK16 dx, 0, "cpuid vendor is 12 printable characters"
        PRINT   "cpuid vendor: "
        mov     si, MEM
        mov     cx, 12
.put:   mov     al, [si]
        out     DEBUGCON, al
        inc     si
        loop    .put
        PRINT   10
        GROUP_END
        ret

ms_flags:
        GROUP   "flag instructions"
        SETF    0
        stc
        CHECKF  F_ARITH, F_CF, "stc"
        cmc
        CHECKF  F_CF, 0, "cmc 1->0"
        cmc
        CHECKF  F_CF, F_CF, "cmc 0->1"
        SETF    F_ARITH
        clc
        CHECKF  F_ARITH, F_ARITH & ~F_CF, "clc"
        std
        CHECKF  F_DF, F_DF, "std"
        cld
        CHECKF  F_DF, 0, "cld"
        mov     al, 0xFF                        ; mask both PICs before STI
        out     0x21, al
        out     0xA1, al
        sti
        pushf                                   ; in STI's one-instruction shadow
        cli
        pop     ax
        CHECK16 ax, F_IF | 2 | F_ARITH & ~F_CF, "sti"
        pushf
        pop     ax
        CHECK16 ax, 2 | F_ARITH & ~F_CF, "cli"
        mov     eax, 0x12345678
        SETF    F_ZF
        nop
        xchg    ax, ax
        CHECK32 eax, 0x12345678, "nop keeps eax"
        CHECKF  F_ARITH, F_ZF, "nop keeps flags"
        mov     ax, 0x1234
        stc
        salc                                    ; D6: AL = CF ? FFh : 00h
        CHECK16 ax, 0x12FF, "salc CF=1"
        CHECKF  F_CF, F_CF, "salc keeps CF"
        clc
        salc
        CHECK16 ax, 0x1200, "salc CF=0"
        GROUP_END
        ret

ms_farptr:
        GROUP   "lds/les/lfs/lgs/lss"
        mov     word [MEM], 0x1234
        mov     word [MEM+2], 0x5678
        mov     dword [MEM+4], 0x9ABCDEF0        ; 32-bit pointer: offset32, seg16
        mov     word [MEM+8], 0x4321
        les     bx, [MEM]
        mov     ax, es
        CHECK16 bx, 0x1234, "les offset"
        CHECK16 ax, 0x5678, "les segment"
        lfs     si, [MEM]
        mov     ax, fs
        CHECK16 si, 0x1234, "lfs offset"
        CHECK16 ax, 0x5678, "lfs segment"
        lgs     edi, [MEM+4]                    ; 66 0F B5: 48-bit pointer
        mov     ax, gs
        CHECK32 edi, 0x9ABCDEF0, "lgs r32 offset"
        CHECK16 ax, 0x4321, "lgs r32 segment"
        push    ds
        lds     cx, [MEM]
        mov     ax, ds
        pop     ds
        CHECK16 cx, 0x1234, "lds offset"
        CHECK16 ax, 0x5678, "lds segment"
        mov     [MEM+12], sp
        mov     [MEM+14], ss
        mov     word [MEM+16], 0x6000
        mov     word [MEM+18], 0x0000
        lss     sp, [MEM+16]
        mov     ax, sp
        mov     dx, ss
        lss     sp, [MEM+12]
        CHECK16 ax, 0x6000, "lss offset"
        CHECK16 dx, 0x0000, "lss segment"
        xor     ax, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        GROUP_END
        ret

ms_tables:
        GROUP   "lgdt/sgdt/lidt/sidt/smsw/cr0"
        mov     dword [MEM], 0xFFFFFFFF
        mov     word [MEM+4], 0xFFFF
        sidt    [MEM]                           ; reset IDTR: base 0
        ; reset limit: 03FFh in the i486 manual (table 10-1), FFFFh in the SDM
        ; (vol. 3 table 9-1, P6 and later): accept either
        mov     ax, [MEM]
        cmp     ax, 0x03FF
        je      .lim_ok
        cmp     ax, 0xFFFF
.lim_ok:
        CHECKF  F_ZF, F_ZF, "sidt limit at reset is 03FFh or FFFFh"
        CHECK32 dword [MEM+2], 0, "sidt base at reset"
        mov     word [MEM+8], 0x0123            ; limit
        mov     dword [MEM+10], 0x12345678      ; base
        lgdt    [MEM+8]                         ; 16-bit operand size: 24-bit base
        mov     dword [MEM+16], 0xFFFFFFFF
        mov     word [MEM+20], 0xFFFF
        sgdt    [MEM+16]
        CHECK16 word [MEM+16], 0x0123, "lgdt/sgdt o16 limit"
        CHECK32 dword [MEM+18], 0x00345678, "lgdt/sgdt o16 base (24 bits)"
        o32 lgdt [MEM+8]
        o32 sgdt [MEM+16]
        CHECK32 dword [MEM+18], 0x12345678, "lgdt/sgdt o32 base"
        mov     word [MEM+8], 0x0456
        mov     dword [MEM+10], 0x00ABCDEF
        lidt    [MEM+8]                         ; no interrupt may happen until restored
        sidt    [MEM+16]
        lidt    [MEM]
        CHECK16 word [MEM+16], 0x0456, "lidt/sidt limit"
        CHECK32 dword [MEM+18], 0x00ABCDEF, "lidt/sidt base"
        sidt    [MEM+16]
        CHECK32 dword [MEM+18], 0, "idtr restored"
        smsw    ax
        CHECK16 ax, 0x0010, "smsw r16 (ET set, PE clear)"
        mov     word [MEM+24], 0xFFFF
        smsw    [MEM+24]
        CHECK16 word [MEM+24], 0x0010, "smsw m16"
        mov     eax, cr0
        CHECK32 eax, 0x60000010, "mov eax,cr0 reset value"
        GROUP_END
        ret

ms_ud:
        GROUP   "#ud"
        SET_VEC 6, lib_trap
        TRAP_ARM .u1_end - .u1
.u1:    ud2                                     ; 0F 0B
.u1_end:
        CHECK16 word [TRAP_COUNT], 1, "ud2: #UD count"
        CHECK16 word [TRAP_IP], .u1, "ud2: pushed ip"
        CHECK16 word [TRAP_CS], ROM_SEG, "ud2: pushed cs"
        TRAP_ARM .u2_end - .u2
        mov     ax, 1
.u2:    db      0xF0                            ; LOCK: needs a memory destination
        add     ax, ax
.u2_end:
        CHECK16 word [TRAP_COUNT], 1, "lock add r,r: #UD count"
        CHECK16 word [TRAP_IP], .u2, "lock add r,r: pushed ip"
        CHECK16 ax, 1, "lock add r,r: not executed"
        TRAP_ARM .u3_end - .u3
.u3:    db      0x0F, 0xFF                      ; UD0 (no ModRM on a 486)
.u3_end:
        CHECK16 word [TRAP_COUNT], 1, "0f ff: #UD count"
        CHECK16 word [TRAP_IP], .u3, "0f ff: pushed ip"
        RESET_VEC 6
        GROUP_END
        ret

; step_trap: INT 1 handler counting single-step traps
step_trap:
        push    bp
        mov     bp, sp
        push    ax
        mov     ax, [bp+2]
        cmp     word [ss:STEP_COUNT], 0
        jne     .notfirst
        mov     [ss:STEP_FIRST], ax
.notfirst:
        mov     [ss:STEP_LAST], ax
        mov     ax, [bp+6]
        mov     [ss:STEP_FL], ax
        inc     word [ss:STEP_COUNT]
        pop     ax
        pop     bp
        iret

ms_step:
        GROUP   "single-step"
        SET_VEC 1, step_trap
        mov     word [STEP_COUNT], 0
        mov     word [STEP_FIRST], 0
        xor     bx, bx
        SETF    0
        pushf
        pop     ax
        or      ax, F_TF
        push    ax
        popf                                    ; TF=1: first trap after the next insn
        nop
.t1:    nop
        inc     bx
        pushf
        pop     ax
        and     ax, ~F_TF
        push    ax
        popf                                    ; TF was 1 at its start: traps too
.t8:    mov     cx, [STEP_COUNT]
        CHECK16 cx, 8, "trap count over 8 instructions"
        CHECK16 word [STEP_FIRST], .t1, "first trap ip"
        CHECK16 word [STEP_LAST], .t8, "last trap ip"
        CHECK16 word [STEP_FL], 2, "flags pushed by last trap (TF clear)"
        CHECK16 bx, 1, "stepped code ran once"
        RESET_VEC 1
        GROUP_END
        ret

; ---- self-modifying code, copied to SMC_SEG:0000 and called far ----
; Offsets inside the copy are (label - smc_code).
smc_code:
smc_imm:                                        ; far proc: AX = its immediate
        mov     ax, 0x1111
        retf
smc_loop:                                       ; patches an already-run insn
        xor     bx, bx
        mov     cx, 2
.again: mov     ax, 0x1111
        add     bx, ax
        mov     word [cs:.again + 1 - smc_code], 0x2222
        loop    .again
        retf
smc_next:                                       ; patches the very next insn
        mov     byte [cs:.next + 1 - smc_code], 0x42
.next:  mov     al, 0x00
        retf
smc_end:
SMC_LEN         equ     smc_end - smc_code

ms_smc:
        GROUP   "self-modifying code"
        mov     ax, SMC_SEG
        mov     es, ax
        mov     si, smc_code
        xor     di, di
        mov     cx, SMC_LEN
        cld
        rep cs movsb
        call    SMC_SEG:smc_imm - smc_code
        CHECK16 ax, 0x1111, "ram code runs"
        mov     word [es:smc_imm + 1 - smc_code], 0x2222
        call    SMC_SEG:smc_imm - smc_code
        CHECK16 ax, 0x2222, "patched immediate (from outside)"
        call    SMC_SEG:smc_loop - smc_code
        CHECK16 bx, 0x3333, "patched already-run insn in a loop"
        mov     al, 0xEE
        call    SMC_SEG:smc_next - smc_code
        CHECK8  al, 0x42, "patched next insn in the same block"
        mov     byte [es:smc_next.next + 1 - smc_code], 0x00
        mov     al, 0xEE
        call    SMC_SEG:smc_next - smc_code
        CHECK8  al, 0x42, "next insn patched again after an outside reset"
        xor     ax, ax
        mov     es, ax
        GROUP_END
        ret

ROM_END
