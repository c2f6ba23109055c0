; El Torito no-emulation boot: the driver puts this 2048-byte image in an ISO
; (boot catalog at sector 19, image at sector 20) and boots with -boot d. The
; BIOS loads it at 07C0:0000 with DL = E0h; it checks INT 13h on drive E0h:
; EDD presence, a 2048-byte extended read of the primary volume descriptor,
; and the emulation status packet (AX=4B01h).
        bits    16
        cpu     386
        org     0

        cli
        mov     ax, cs
        mov     ds, ax
        xor     ax, ax
        mov     ss, ax
        mov     sp, 0x7000
        sti
        mov     si, msg_dl
        cmp     dl, 0xE0
        jne     fail

        mov     ah, 0x41
        mov     bx, 0x55AA
        int     0x13
        mov     si, msg_41
        jc      fail
        cmp     bx, 0xAA55
        jne     fail

        mov     si, dap
        mov     ah, 0x42
        mov     dl, 0xE0
        int     0x13
        mov     si, msg_42
        jc      fail
        xor     ax, ax
        mov     es, ax
        cmp     dword [es:0x1001], 'CD00'
        jne     fail
        cmp     byte [es:0x1000], 1
        jne     fail

        mov     ax, 0x4B01
        mov     dl, 0xE0
        mov     si, packet
        int     0x13
        mov     si, msg_4b
        jc      fail
        cmp     byte [packet + 2], 0xE0
        jne     fail
        cmp     dword [packet + 4], 20
        jne     fail

        mov     si, msg_pass
        call    puts
        mov     al, 0
        jmp     exit
fail:
        call    puts
        mov     al, 1
exit:
        mov     dx, 0x501
        out     dx, al
        jmp     $

puts:
        lodsb
        test    al, al
        jz      .done
        out     0xE9, al
        jmp     puts
.done:
        ret

dap:    db      0x10, 0
        dw      1, 0x1000, 0
        dq      16
packet: times   0x13 db 0

msg_dl:   db "FAIL: DL is not E0h", 10, 0
msg_41:   db "FAIL: AH=41h on the CD-ROM", 10, 0
msg_42:   db "FAIL: AH=42h of the volume descriptor", 10, 0
msg_4b:   db "FAIL: AX=4B01h status packet", 10, 0
msg_pass: db "PASS", 10, 0

        times   2048 - ($ - $$) db 0
