; INT 08h/1Ah: the tick count advances with IRQ 0 (18.2 Hz) while the CPU
; halts; INT 15h AH=86h waits on the RTC's periodic interrupt (INT 70h); INT 1Ah
; AH=01h sets the count; the RTC's time and date come back in BCD.
%include "lib.inc"

main:
        ; HLT until the tick count changes, 3 times
        mov     ah, 0x00
        int     0x1A
        mov     bp, dx
        mov     di, 3
.tick:
        hlt
        mov     ah, 0x00
        int     0x1A
        cmp     dx, bp
        je      .tick
        mov     bp, dx
        dec     di
        jnz     .tick

        ; INT 15h AH=86h: 500 ms = 0007:A120 us -> about 9 ticks
        mov     ah, 0x00
        int     0x1A
        mov     bp, dx
        mov     ah, 0x86
        mov     cx, 0x0007
        mov     dx, 0xA120
        int     0x15
        CHECK_NC "FAIL: AH=86h"
        mov     ah, 0x00
        int     0x1A
        sub     dx, bp
        cmp     dx, 8
        jb      .short
        cmp     dx, 10
        ja      .long
        ; a second wait works as well (the first one finished cleanly)
        mov     ah, 0x86
        xor     cx, cx
        mov     dx, 2000
        int     0x15
        CHECK_NC "FAIL: second AH=86h"

        ; AH=01h sets the count
        mov     ah, 0x01
        mov     cx, 0x0012
        mov     dx, 0x3456
        int     0x1A
        mov     ah, 0x00
        int     0x1A
        CHECK   cx, 0x0012, "FAIL: AH=01h high word"
        cmp     dx, 0x3456
        jb      .set_bad
        cmp     dx, 0x3460
        ja      .set_bad

        ; RTC time: BCD hours < 24, minutes and seconds < 60
        mov     ah, 0x02
        int     0x1A
        CHECK_NC "FAIL: AH=02h"
        cmp     ch, 0x23
        ja      .bcd_bad
        cmp     cl, 0x59
        ja      .bcd_bad
        cmp     dh, 0x59
        ja      .bcd_bad
        ; date: century 19h or 20h, month 1-12, day 1-31
        mov     ah, 0x04
        int     0x1A
        CHECK_NC "FAIL: AH=04h"
        cmp     ch, 0x19
        jb      .bcd_bad
        cmp     ch, 0x20
        ja      .bcd_bad
        cmp     dh, 0x12
        ja      .bcd_bad
        cmp     dl, 0x31
        ja      .bcd_bad
        jmp     pass

.short:
        PRINT   "FAIL: AH=86h returned too early"
        jmp     fail
.long:
        PRINT   "FAIL: AH=86h waited too long"
        jmp     fail
.set_bad:
        PRINT   "FAIL: AH=01h low word"
        jmp     fail
.bcd_bad:
        PRINT   "FAIL: RTC value out of range"
        jmp     fail

        times   1474560 - ($ - $$) db 0
