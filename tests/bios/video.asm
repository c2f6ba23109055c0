; INT 10h: mode 03h state, teletype into B800h with wrap and scroll, cursor
; get/set, write/read character and attribute, scroll window, font pointers,
; display combination, EGA info, pixels in mode 13h and mode 12h.
%include "lib.inc"

main:
        ; mode 03h as POST left it: 80 columns, page 0
        mov     ah, 0x0F
        int     0x10
        CHECK   al, 0x03, "FAIL: AH=0Fh mode"
        CHECK   ah, 80, "FAIL: AH=0Fh columns"
        CHECK   bh, 0, "FAIL: AH=0Fh page"

        ; clear the screen (AH=06h AL=0) and home the cursor
        mov     ax, 0x0600
        mov     bh, 0x07
        xor     cx, cx
        mov     dx, 0x184F
        int     0x10
        mov     ah, 0x02
        xor     bh, bh
        xor     dx, dx
        int     0x10

        ; teletype "AB", CR LF, "C": B800:0000 'A' 07, B800:00A0 'C'
        mov     si, text_abc
        call    tty
        mov     ax, 0xB800
        mov     es, ax
        CHECK   word [es:0], 0x0741, "FAIL: teletype A"
        CHECK   byte [es:2], 'B', "FAIL: teletype B"
        CHECK   byte [es:160], 'C', "FAIL: CR LF"
        mov     ah, 0x03
        xor     bh, bh
        int     0x10
        CHECK   dx, 0x0101, "FAIL: cursor after CR LF C"

        ; backspace moves left, BEL writes nothing
        mov     ax, 0x0E08
        int     0x10
        mov     ax, 0x0E07
        int     0x10
        mov     ah, 0x03
        int     0x10
        CHECK   dx, 0x0100, "FAIL: backspace"

        ; AH=09h: 3 x 'Z' attribute 1Eh at row 5 col 10; AH=08h reads it back
        mov     ah, 0x02
        mov     dx, 0x050A
        int     0x10
        mov     ax, 0x095A
        mov     bx, 0x001E
        mov     cx, 3
        int     0x10
        CHECK   word [es:5*160+12*2], 0x1E5A, "FAIL: AH=09h third copy"
        mov     ah, 0x08
        xor     bh, bh
        int     0x10
        CHECK   ax, 0x1E5A, "FAIL: AH=08h"
        ; AH=0Ah keeps the attribute
        mov     ax, 0x0A51
        mov     cx, 1
        int     0x10
        CHECK   word [es:5*160+10*2], 0x1E51, "FAIL: AH=0Ah"

        ; teletype at the bottom right wraps and scrolls the screen up
        mov     ah, 0x02
        xor     bh, bh
        mov     dx, 0x184F
        int     0x10
        mov     ax, 0x0E58
        int     0x10
        CHECK   byte [es:0], 'C', "FAIL: scroll moved row 1 to row 0"
        CHECK   word [es:4*160+10*2], 0x1E51, "FAIL: scroll moved row 5 to row 4"
        CHECK   byte [es:23*160+79*2], 'X', "FAIL: X on the last column"
        mov     ah, 0x03
        int     0x10
        CHECK   dx, 0x1800, "FAIL: cursor after the scroll"

        ; AH=07h scroll down a window by 1, fill attribute 70h
        mov     ax, 0x0701
        mov     bh, 0x70
        mov     cx, 0x0000
        mov     dx, 0x0501
        int     0x10
        CHECK   word [es:0], 0x7020, "FAIL: AH=07h fill"
        CHECK   byte [es:160], 'C', "FAIL: AH=07h moved row 0 down"

        ; AH=11h AL=30h BH=06h: the 8x16 font in the F000 segment
        mov     ax, 0x1130
        mov     bh, 0x06
        push    es
        int     0x10
        mov     ax, es
        pop     es
        CHECK   ax, 0xF000, "FAIL: font segment"
        CHECK   cx, 16, "FAIL: font height"
        CHECK   dl, 24, "FAIL: rows - 1"

        ; AH=1Ah: VGA with colour display; AH=12h BL=10h: colour, 256K
        mov     ax, 0x1A00
        int     0x10
        CHECK   al, 0x1A, "FAIL: AH=1Ah supported"
        CHECK   bl, 0x08, "FAIL: AH=1Ah display code"
        mov     ah, 0x12
        mov     bl, 0x10
        int     0x10
        CHECK   bx, 0x0003, "FAIL: AH=12h BL=10h"

        ; mode 13h: pixels through AH=0Ch/0Dh and memory at A000h
        mov     ax, 0x0013
        int     0x10
        mov     ax, 0x0C2A
        xor     bh, bh
        mov     cx, 17
        mov     dx, 3
        int     0x10
        mov     ax, 0xA000
        mov     es, ax
        CHECK   byte [es:3*320+17], 0x2A, "FAIL: mode 13h pixel in memory"
        mov     ah, 0x0D
        int     0x10
        CHECK   al, 0x2A, "FAIL: mode 13h AH=0Dh"

        ; mode 12h: planar pixel, XOR
        mov     ax, 0x0012
        int     0x10
        mov     ax, 0x0C05
        xor     bh, bh
        mov     cx, 100
        mov     dx, 200
        int     0x10
        mov     ah, 0x0D
        int     0x10
        CHECK   al, 0x05, "FAIL: mode 12h AH=0Dh"
        mov     ax, 0x0C83
        int     0x10
        mov     ah, 0x0D
        int     0x10
        CHECK   al, 0x06, "FAIL: mode 12h XOR pixel"
        mov     ah, 0x0D
        mov     cx, 101
        int     0x10
        CHECK   al, 0x00, "FAIL: mode 12h neighbour pixel"

        ; back to text: the driver reads this line from the screen
        mov     ax, 0x0003
        int     0x10
        mov     si, text_done
        call    tty
        jmp     pass

tty:
        lodsb
        test    al, al
        jz      .done
        mov     ah, 0x0E
        xor     bx, bx
        int     0x10
        jmp     tty
.done:
        ret

text_abc:       db      "AB", 13, 10, "C", 0
text_done:      db      "video test done", 13, 10, 0

        times   1474560 - ($ - $$) db 0
