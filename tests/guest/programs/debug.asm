; Debug-register self-check (Intel SDM vol. 3 17.2-17.3): an instruction
; breakpoint (DR0, RW=00) is a fault before the instruction with DR6.B0, and RF
; in the IRET image lets it run once; a data write breakpoint (DR1, RW=01,
; 4 bytes) and a read/write breakpoint (DR2, RW=11) are traps after the access,
; with EIP at the next instruction and DR6.B1/B2; a disabled breakpoint never
; fires; MOV to DR7 with a breakpoint on the very next instruction.
%define PROG_NAME "debug"
%include "lib.inc"
%include "pm.inc"

DBG_HITS        equ     0x20200
DBG_DR6         equ     0x20204
DBG_EIP         equ     0x20208
WATCH           equ     0x20300

main:
        PM_RUN  dbg_tests
        ret

        bits    32
; #DB handler: count, record DR6 and EIP, clear DR6, set RF in the image
db_handler:
        push    eax
        inc     dword [DBG_HITS]
        mov     eax, dr6
        mov     [DBG_DR6], eax
        mov     eax, [esp + 4]
        mov     [DBG_EIP], eax
        xor     eax, eax
        mov     dr6, eax
        or      dword [esp + 12], 0x10000
        pop     eax
        iretd

%macro DBG_RESET 0
        mov     dword [DBG_HITS], 0
        mov     dword [DBG_DR6], 0
        mov     dword [DBG_EIP], 0
%endmacro

dbg_tests:
        SETGATE IDT_BASE + 1 * 8, SEL_CODE32, db_handler, 0x8E
        xor     eax, eax
        mov     dr6, eax
        PGROUP  "instruction breakpoint"
        DBG_RESET
        mov     eax, 0xF0000 + .bp
        mov     dr0, eax
        mov     eax, 0x00000001                 ; L0, RW0 = 00, LEN0 = 00
        mov     dr7, eax
        xor     ecx, ecx
.bp:    inc     ecx
        inc     ecx
        xor     eax, eax
        mov     dr7, eax
        PCHECK  [DBG_HITS], 1, "one #db"
        PCHECK  [DBG_EIP], .bp, "fault: eip at the instruction"
        mov     eax, [DBG_DR6]
        and     eax, 0xF
        PCHECK  eax, 1, "dr6.b0"
        PCHECK  ecx, 2, "rf: the instruction ran once"
        PGROUP_END

        PGROUP  "data breakpoints"
        DBG_RESET
        mov     eax, WATCH
        mov     dr1, eax
        mov     eax, WATCH + 8
        mov     dr2, eax
        ; L1 RW1 = 01 LEN1 = 11; L2 RW2 = 11 LEN2 = 11
        mov     eax, (1 << 2) | (1 << 4) | (0xD << 20) | (0xF << 24)
        mov     dr7, eax
        mov     eax, [WATCH]                    ; a read: no write breakpoint
        PCHECK  [DBG_HITS], 0, "read does not hit a write breakpoint"
        mov     byte [WATCH + 2], 1
.w1:    PCHECK  [DBG_HITS], 1, "write hits"
        PCHECK  [DBG_EIP], .w1, "trap: eip after the write"
        mov     eax, [DBG_DR6]
        and     eax, 0xF
        PCHECK  eax, 2, "dr6.b1"
        DBG_RESET
        mov     eax, [WATCH + 8]
.r1:    PCHECK  [DBG_HITS], 1, "read hits a read/write breakpoint"
        PCHECK  [DBG_EIP], .r1, "trap: eip after the read"
        mov     eax, [DBG_DR6]
        and     eax, 0xF
        PCHECK  eax, 4, "dr6.b2"
        DBG_RESET
        mov     dword [WATCH + 4], 0
        PCHECK  [DBG_HITS], 0, "neighbouring dword: no hit"
        xor     eax, eax
        mov     dr7, eax
        mov     byte [WATCH], 5
        PCHECK  [DBG_HITS], 0, "disabled: no hit"
        PGROUP_END
        ret

        bits    16
ROM_END
