; INT 11h/12h, INT 15h: extended memory sizes (88h, E801h), the E820h map,
; A20 off after POST and the wrap at 1 MiB, A20 on/off through AH=24h, the
; configuration table (C0h), a block move (87h) above 1 MiB. 64 MiB of RAM.
%include "lib.inc"

GDT     equ     0x0800
BUF     equ     0x1000

main:
        int     0x11
        test    al, 0x01
        jz      .no_floppy
        mov     bl, al
        and     bl, 0x30
        CHECK   bl, 0x20, "FAIL: INT 11h video bits"
        int     0x12
        CHECK   ax, 639, "FAIL: INT 12h"

        mov     ah, 0x88
        int     0x15
        CHECK_NC "FAIL: AH=88h"
        CHECK   ax, 0xFC00, "FAIL: AH=88h size"
        mov     ax, 0xE801
        int     0x15
        CHECK_NC "FAIL: E801h"
        CHECK   ax, 0x3C00, "FAIL: E801h AX"
        CHECK   bx, 768, "FAIL: E801h BX"

        ; E820h: walk the map; the entry at 1 MiB is 63 MiB of RAM
        xor     ebx, ebx
        xor     bp, bp
.e820:
        mov     eax, 0xE820
        mov     edx, 0x534D4150
        mov     ecx, 20
        mov     di, BUF
        int     0x15
        CHECK_NC "FAIL: E820h"
        CHECK   eax, 0x534D4150, "FAIL: E820h signature"
        cmp     dword [BUF], 0x100000
        jne     .next
        CHECK   dword [BUF + 8], 63 << 20, "FAIL: E820h RAM above 1 MiB"
        CHECK   dword [BUF + 16], 1, "FAIL: E820h type"
        inc     bp
.next:
        test    ebx, ebx
        jnz     .e820
        CHECK   bp, 1, "FAIL: E820h has no RAM at 1 MiB"

        ; A20 is off after POST: FFFF:0510 is 0000:0500
        mov     ax, 0x2402
        int     0x15
        CHECK_NC "FAIL: AX=2402h"
        CHECK   al, 0, "FAIL: A20 on after POST"
        mov     ax, 0xFFFF
        mov     fs, ax
        mov     byte [0x500], 0x11
        mov     byte [fs:0x510], 0x22
        CHECK   byte [0x500], 0x22, "FAIL: no wrap with A20 off"
        mov     ax, 0x2401
        int     0x15
        CHECK_NC "FAIL: AX=2401h"
        mov     byte [fs:0x510], 0x33
        CHECK   byte [0x500], 0x22, "FAIL: wrap with A20 on"
        CHECK   byte [fs:0x510], 0x33, "FAIL: memory at 1 MiB"
        mov     ax, 0x2402
        int     0x15
        CHECK   al, 1, "FAIL: AX=2402h after 2401h"
        mov     ax, 0x2400
        int     0x15
        CHECK   byte [fs:0x510], 0x22, "FAIL: no wrap after 2400h"
        mov     ax, 0x2403
        int     0x15
        CHECK   bx, 3, "FAIL: AX=2403h"

        ; AH=C0h: ES:BX -> table, model byte FCh
        mov     ah, 0xC0
        int     0x15
        CHECK_NC "FAIL: AH=C0h"
        CHECK   byte [es:bx + 2], 0xFC, "FAIL: AH=C0h model"
        xor     ax, ax
        mov     es, ax

        ; AH=87h: 8 words from 0000:1000 to 120000h and back to 0000:1100
        mov     di, GDT
        mov     cx, 24
        xor     ax, ax
        rep     stosw
        mov     word [GDT + 0x10], 0xFFFF
        mov     dword [GDT + 0x12], 0x93001000
        mov     word [GDT + 0x18], 0xFFFF
        mov     dword [GDT + 0x1A], 0x93120000
        mov     dword [BUF], 0x01234567
        mov     dword [BUF + 12], 0x89ABCDEF
        mov     si, GDT
        mov     cx, 8
        mov     ah, 0x87
        int     0x15
        CHECK_NC "FAIL: AH=87h to 1 MiB"
        mov     dword [GDT + 0x12], 0x93120000
        mov     dword [GDT + 0x1A], 0x93001100
        mov     ah, 0x87
        mov     cx, 8
        int     0x15
        CHECK_NC "FAIL: AH=87h back"
        CHECK   dword [BUF + 0x100], 0x01234567, "FAIL: AH=87h data"
        CHECK   dword [BUF + 0x10C], 0x89ABCDEF, "FAIL: AH=87h data end"
        ; A20 is back off after the move
        mov     ax, 0x2402
        int     0x15
        CHECK   al, 0, "FAIL: A20 left on by AH=87h"
        jmp     pass

.no_floppy:
        PRINT   "FAIL: INT 11h: no floppy"
        jmp     fail

        times   1474560 - ($ - $$) db 0
