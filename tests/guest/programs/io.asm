; Real-mode self-check of port I/O: IN/OUT with an imm8 port and with DX, at byte,
; word and dword size, and the string forms INS/OUTS with REP (Intel SDM vol. 2 IN,
; OUT, INS, OUTS). The debug console (port E9h) reads back E9h; a port with no
; device reads all ones (FFh / FFFFh / FFFFFFFFh) and ignores writes.
%define PROG_NAME "io"
%include "lib.inc"

UNMAPPED        equ     0x02E0                  ; no device on a PC/AT
UNMAPPED_IMM    equ     0xEE                    ; no device below 100h either
MEM             equ     0x0900

main:
        call    io_console
        call    io_unmapped
        call    io_string
        ret

io_console:
        GROUP   "in/out e9"
        PRINT   "out forms: "
        mov     al, 'i'
        out     DEBUGCON, al                    ; E6 ib
        mov     dx, DEBUGCON
        mov     al, 'm'
        out     dx, al                          ; EE
        mov     al, 'm'
        out     DEBUGCON, al
        mov     al, 10
        out     dx, al
        mov     al, 0
        in      al, DEBUGCON                    ; E4 ib
        CHECK8  al, 0xE9, "in al,imm8 from e9"
        mov     ax, 0x1200
        in      al, dx                          ; EC
        CHECK16 ax, 0x12E9, "in al,dx from e9 (ah kept)"
        GROUP_END
        ret

io_unmapped:
        GROUP   "unmapped ports"
        mov     dx, UNMAPPED
        mov     eax, 0x12345678
        in      al, dx
        CHECK32 eax, 0x123456FF, "in al,dx unmapped"
        in      ax, dx                          ; ED
        CHECK32 eax, 0x1234FFFF, "in ax,dx unmapped"
        xor     eax, eax
        in      eax, dx                         ; 66 ED
        CHECK32 eax, 0xFFFFFFFF, "in eax,dx unmapped"
        mov     al, 0
        in      al, UNMAPPED_IMM
        CHECK8  al, 0xFF, "in al,imm8 unmapped"
        mov     ax, 0
        in      ax, UNMAPPED_IMM                ; E5 ib
        CHECK16 ax, 0xFFFF, "in ax,imm8 unmapped"
        mov     al, 0x55
        out     dx, al                          ; ignored
        mov     ax, 0x5555
        out     dx, ax                          ; EF
        mov     eax, 0x55555555
        out     dx, eax
        out     UNMAPPED_IMM, ax                ; E7 ib
        in      al, dx
        CHECK8  al, 0xFF, "unmapped port ignores writes"
        GROUP_END
        ret

io_string:
        GROUP   "ins/outs"
        PRINT   "outs: "
        mov     si, outs_text
        mov     cx, outs_len
        mov     dx, DEBUGCON
        cld
        rep cs outsb                            ; 6E with a CS: source
        CHECK16 si, outs_text + outs_len, "rep outsb si"
        CHECK16 cx, 0, "rep outsb cx"
        mov     dword [MEM], 0
        mov     di, MEM
        mov     cx, 3
        rep insb                                ; 6C: ES:DI
        CHECK32 dword [MEM], 0x00E9E9E9, "rep insb from e9"
        CHECK16 di, MEM+3, "rep insb di"
        mov     dx, UNMAPPED
        mov     dword [MEM+4], 0
        mov     di, MEM+4
        insw                                    ; 6D
        CHECK32 dword [MEM+4], 0x0000FFFF, "insw unmapped"
        std
        mov     di, MEM+8
        insb
        cld
        CHECK16 di, MEM+7, "insb DF=1 di"
        CHECK8  byte [MEM+8], 0xFF, "insb DF=1 data"
        GROUP_END
        ret

outs_text:      db      "ok", 10
outs_len        equ     $ - outs_text

ROM_END
