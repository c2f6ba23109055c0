; INT 13h: floppy geometry (1.44M), CHS reads of marked sectors, write and read
; back, the DMA 64 KiB boundary error, status; the hard disk the driver attaches
; (2 cylinders of 16 heads x 63 sectors, each sector's first dword = its LBA):
; geometry, CHS read, EDD check, extended read and write, drive parameters.
%include "lib.inc"

BUF     equ     0x1000          ; 0000:1000 scratch buffer
DAP     equ     0x0F00

main:
        ; AH=08h floppy: 80 cylinders, 18 sectors, 2 heads, type 4 (1.44M)
        mov     ah, 0x08
        xor     dl, dl
        int     0x13
        CHECK_NC "FAIL: AH=08h floppy"
        CHECK   cx, 0x4F12, "FAIL: AH=08h floppy CX"
        CHECK   dx, 0x0101, "FAIL: AH=08h floppy DX"
        CHECK   bl, 4, "FAIL: AH=08h floppy type"
        mov     ax, es
        CHECK   ax, 0xF000, "FAIL: AH=08h diskette table segment"
        xor     ax, ax
        mov     es, ax

        ; C=1 H=1 S=5 is LBA 58: "SECTOR58"
        mov     ax, 0x0201
        mov     cx, 0x0105
        mov     dx, 0x0100
        mov     bx, BUF
        int     0x13
        CHECK_NC "FAIL: floppy read"
        CHECK   al, 1, "FAIL: floppy read count"
        CHECK   dword [BUF], 'SECT', "FAIL: floppy read data"
        CHECK   dword [BUF + 4], 'OR58', "FAIL: floppy read data"

        ; write LBA 100 (C=2 H=1 S=11) and read it back
        mov     dword [BUF], 0x12345678
        mov     ax, 0x0301
        mov     cx, 0x020B
        mov     dx, 0x0100
        int     0x13
        CHECK_NC "FAIL: floppy write"
        mov     dword [BUF], 0
        mov     ax, 0x0201
        int     0x13
        CHECK_NC "FAIL: floppy read after write"
        CHECK   dword [BUF], 0x12345678, "FAIL: floppy read back"

        ; a 2-sector read at 0000:FF00 crosses 10000h: DMA boundary (09h)
        mov     ax, 0x0202
        mov     cx, 0x0001
        xor     dx, dx
        mov     bx, 0xFF00
        int     0x13
        CHECK_C "FAIL: DMA boundary not reported"
        CHECK   ah, 0x09, "FAIL: DMA boundary status"
        mov     ah, 0x01
        xor     dl, dl
        int     0x13
        CHECK   ah, 0x09, "FAIL: AH=01h last status"
        ; sector 19 of an 18-sector track does not exist
        mov     ax, 0x0201
        mov     cx, 0x0013
        xor     dx, dx
        mov     bx, BUF
        int     0x13
        CHECK_C "FAIL: sector 19 read"
        CHECK   ah, 0x04, "FAIL: sector 19 status"

        ; AH=15h: floppy with change line
        mov     ah, 0x15
        xor     dl, dl
        int     0x13
        CHECK   ah, 0x02, "FAIL: AH=15h floppy"

        ; hard disk 80h: AH=08h -> max cylinder 1, 63 sectors, 16 heads, 1 disk
        mov     ah, 0x08
        mov     dl, 0x80
        int     0x13
        CHECK_NC "FAIL: AH=08h hard disk"
        CHECK   cx, 0x013F, "FAIL: AH=08h hard disk CX"
        CHECK   dx, 0x0F01, "FAIL: AH=08h hard disk DX"
        xor     ax, ax
        mov     es, ax

        ; C=1 H=2 S=3 is LBA (1*16+2)*63+2 = 1136
        mov     ax, 0x0201
        mov     cx, 0x0103
        mov     dx, 0x0280
        mov     bx, BUF
        int     0x13
        CHECK_NC "FAIL: hard disk CHS read"
        CHECK   dword [BUF], 1136, "FAIL: hard disk CHS data"

        ; AH=15h: fixed disk, CX:DX = 2016 sectors
        mov     ah, 0x15
        mov     dl, 0x80
        int     0x13
        CHECK   ah, 0x03, "FAIL: AH=15h hard disk type"
        CHECK   dx, 2016, "FAIL: AH=15h sectors"

        ; EDD: AH=41h
        mov     ah, 0x41
        mov     bx, 0x55AA
        mov     dl, 0x80
        int     0x13
        CHECK_NC "FAIL: AH=41h"
        CHECK   bx, 0xAA55, "FAIL: AH=41h signature"
        test    cl, 1
        jnz     .edd_ok
        PRINT   "FAIL: AH=41h no packet functions"
        jmp     fail
.edd_ok:
        ; AH=42h: 2 sectors from LBA 2000 to 0000:1000
        mov     word [DAP], 0x0010
        mov     word [DAP + 2], 2
        mov     word [DAP + 4], BUF
        mov     word [DAP + 6], 0
        mov     dword [DAP + 8], 2000
        mov     dword [DAP + 12], 0
        mov     si, DAP
        mov     ah, 0x42
        mov     dl, 0x80
        int     0x13
        CHECK_NC "FAIL: AH=42h"
        CHECK   dword [BUF], 2000, "FAIL: AH=42h first sector"
        CHECK   dword [BUF + 512], 2001, "FAIL: AH=42h second sector"

        ; AH=43h write LBA 7, read it back
        mov     dword [BUF], 0xCAFEF00D
        mov     word [DAP + 2], 1
        mov     dword [DAP + 8], 7
        mov     ax, 0x4300
        mov     dl, 0x80
        int     0x13
        CHECK_NC "FAIL: AH=43h"
        mov     dword [BUF], 0
        mov     ah, 0x42
        int     0x13
        CHECK   dword [BUF], 0xCAFEF00D, "FAIL: AH=43h read back"

        ; beyond the end: LBA 2016
        mov     dword [DAP + 8], 2016
        mov     ah, 0x42
        int     0x13
        CHECK_C "FAIL: AH=42h past the end"

        ; AH=48h: 30-byte buffer, 2016 sectors of 512 bytes
        mov     word [BUF], 30
        mov     si, BUF
        mov     ah, 0x48
        mov     dl, 0x80
        int     0x13
        CHECK_NC "FAIL: AH=48h"
        CHECK   dword [BUF + 16], 2016, "FAIL: AH=48h sectors"
        CHECK   word [BUF + 24], 512, "FAIL: AH=48h sector size"
        CHECK   dword [BUF + 8], 16, "FAIL: AH=48h heads"

        ; no second hard disk
        mov     ah, 0x02
        mov     al, 1
        mov     cx, 1
        mov     dx, 0x0081
        mov     bx, BUF
        int     0x13
        CHECK_C "FAIL: drive 81h exists"
        jmp     pass

        times   58 * 512 - ($ - $$) db 0
        db      "SECTOR58"
        times   1474560 - ($ - $$) db 0
