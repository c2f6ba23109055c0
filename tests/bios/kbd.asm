; INT 16h and INT 09h: the driver types keys at fixed virtual times while this
; program waits in INT 16h AH=00h/10h (the BIOS halts until IRQ 1 fills the
; buffer): letters, Shift, the grey cursor keys (E0 prefix), Ctrl, the keypad
; with Num Lock off, AH=05h, AH=01h on an empty buffer, AH=02h/12h flags.
%include "lib.inc"

main:
        mov     ah, 0x01
        int     0x16
        jz      .empty
        PRINT   "FAIL: AH=01h: buffer not empty at start"
        jmp     fail
.empty:
        mov     ah, 0x00
        int     0x16
        CHECK   ax, 0x1E61, "FAIL: 'a'"
        mov     ah, 0x00
        int     0x16
        CHECK   ax, 0x1E41, "FAIL: Shift+a"
        mov     ah, 0x10
        int     0x16
        CHECK   ax, 0x48E0, "FAIL: AH=10h grey Up"
        mov     ah, 0x00
        int     0x16
        CHECK   ax, 0x4800, "FAIL: AH=00h grey Up"
        mov     ah, 0x00
        int     0x16
        CHECK   ax, 0x2E03, "FAIL: Ctrl+c"
        mov     ah, 0x00
        int     0x16
        CHECK   ax, 0x4F00, "FAIL: keypad 1 with Num Lock off"
        ; AH=01h sees a key without taking it (poll until the space comes)
.peek:
        mov     ah, 0x01
        int     0x16
        jz      .peek
        CHECK   ax, 0x3920, "FAIL: AH=01h space"
        mov     ah, 0x00
        int     0x16
        CHECK   ax, 0x3920, "FAIL: space"
        ; AH=05h stores a key
        mov     ah, 0x05
        mov     cx, 0x1234
        int     0x16
        CHECK   al, 0, "FAIL: AH=05h"
        mov     ah, 0x00
        int     0x16
        CHECK   ax, 0x1234, "FAIL: AH=05h key"
        ; the driver now holds left Shift and presses Caps Lock
        mov     ah, 0x00
        int     0x16
        CHECK   ax, 0x1C0D, "FAIL: Enter"
        mov     ah, 0x02
        int     0x16
        CHECK   al, 0x42, "FAIL: AH=02h: left Shift + Caps Lock"
        mov     ah, 0x12
        int     0x16
        CHECK   ax, 0x0042, "FAIL: AH=12h"
        ; Caps Lock with Shift: lower case
        mov     ah, 0x00
        int     0x16
        CHECK   ax, 0x1071, "FAIL: Caps Lock + Shift + q"
        jmp     pass

        times   1474560 - ($ - $$) db 0
