; The demo disk's boot sector (IBM PC boot protocol: loaded at 0:7C00h, DL = the
; boot drive): it loads prog_sectors sectors from LBA 1 to PROG_ADDR, one INT 13h
; AH=02h read per sector (so no read crosses a track), and jumps there with DL.
; Bytes 3-11 are the configuration block the frontend patches (demo_disk.h).
        bits    16
        jmp     short boot_start
        nop
        db      "TDDEMO01"                      ; DISK_CONFIG_MAGIC
boot_flags:
        db      0                               ; DISK_CONFIG_FLAGS
%if boot_flags - $$ != DISK_CONFIG_FLAGS
%error "the configuration block moved"
%endif
boot_drive:
        db      0

boot_start:
        cli
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     sp, STACK0_TOP
        sti
        cld
        mov     [boot_drive], dl
        mov     bx, PROG_ADDR
        mov     si, 1                           ; LBA
        mov     di, prog_sectors
.sector:
        ; LBA -> CHS: sector = LBA mod 18 + 1, head = (LBA / 18) mod 2,
        ; cylinder = LBA / 36
        mov     ax, si
        xor     dx, dx
        mov     cx, DISK_SECTORS_PER_TRACK
        div     cx
        mov     cl, dl
        inc     cl
        mov     dh, al
        and     dh, 1
        shr     ax, 1
        mov     ch, al
        mov     dl, [boot_drive]
        mov     bp, 3                           ; tries
.read:  mov     ax, 0x0201
        int     0x13
        jnc     .next
        xor     ax, ax                          ; reset the drive, try again
        int     0x13
        dec     bp
        jnz     .read
        jmp     boot_fail
.next:  add     bx, 512
        inc     si
        dec     di
        jnz     .sector
        mov     dl, [boot_drive]
        jmp     0:PROG_ADDR

boot_fail:
        mov     si, boot_msg
.char:  lodsb
        test    al, al
        jz      .halt
        out     DEBUGCON, al
        mov     ah, 0x0E
        mov     bx, 7
        int     0x10
        jmp     .char
.halt:  cli
        hlt
        jmp     .halt

boot_msg:
        db      "demo disk: cannot read the program (INT 13h)", 13, 10, 0

        times   510 - ($ - $$) db 0
        dw      0xAA55
