; Frontend test ROM: a 64 KiB BIOS image that needs no BIOS. It programs the VGA
; for mode 03h itself (register values of the IBM VGA Technical Reference, mode
; 3 at 400 lines), loads a synthetic font (any distinct glyphs do for pixel
; comparisons), draws a known screen at B8000h and then echoes keys read by
; polling the 8042 (port 64h bit 0, data at 60h, scan code set 1 after the
; 8042's translation): letters, digits, punctuation with Shift, Ctrl+letter as
; ^X, Enter, Backspace. It prints "ready" on port E9h once the screen is drawn.
        bits    16
        cpu     386
        org     0

ROW_CHARS       equ     80
ECHO_ROW        equ     4
ATTR_ECHO       equ     0x0E
SHIFT_FLAG      equ     0x0600          ; byte in RAM, segment 0
CTRL_FLAG       equ     0x0601
CURSOR          equ     0x0602          ; word: cell index of the cursor

start:
        cli
        xor     ax, ax
        mov     ss, ax
        mov     sp, 0x7000
        mov     ds, ax
        mov     byte [SHIFT_FLAG], 0
        mov     byte [CTRL_FLAG], 0
        mov     word [CURSOR], ECHO_ROW * ROW_CHARS
        call    set_mode3
        call    load_dac
        call    load_font
        call    draw_screen
        call    set_cursor
        mov     si, ready_msg
.say:   mov     al, [cs:si]
        test    al, al
        jz      echo_loop
        out     0xE9, al
        inc     si
        jmp     .say

; ---- keyboard echo ----
echo_loop:
        in      al, 0x64
        test    al, 1
        jz      echo_loop
        test    al, 0x20                ; a mouse byte: not ours
        in      al, 0x60
        jnz     echo_loop
        call    on_scancode
        jmp     echo_loop

; AL = set 1 scan code
on_scancode:
        cmp     al, 0x2A
        je      .shift_down
        cmp     al, 0x36
        je      .shift_down
        cmp     al, 0xAA
        je      .shift_up
        cmp     al, 0xB6
        je      .shift_up
        cmp     al, 0x1D
        je      .ctrl_down
        cmp     al, 0x9D
        je      .ctrl_up
        cmp     al, 0x1C
        je      newline
        cmp     al, 0x0E
        je      backspace
        cmp     al, 0x3A
        jae     .done                   ; breaks, F keys, keypad: ignored
        movzx   bx, al
        mov     al, [cs:bx + keys_plain]
        cmp     byte [SHIFT_FLAG], 0
        je      .have
        mov     al, [cs:bx + keys_shift]
.have:  test    al, al
        jz      .done
        cmp     byte [CTRL_FLAG], 0
        je      put_char
        cmp     al, 'a'
        jb      put_char
        cmp     al, 'z'
        ja      put_char
        push    ax
        mov     al, '^'
        call    put_char
        pop     ax
        sub     al, 'a' - 'A'
        jmp     put_char
.shift_down:
        mov     byte [SHIFT_FLAG], 1
        ret
.shift_up:
        mov     byte [SHIFT_FLAG], 0
        ret
.ctrl_down:
        mov     byte [CTRL_FLAG], 1
        ret
.ctrl_up:
        mov     byte [CTRL_FLAG], 0
.done:  ret

; AL = character: write it at the cursor, advance
put_char:
        push    es
        mov     bx, 0xB800
        mov     es, bx
        mov     bx, [CURSOR]
        shl     bx, 1
        mov     ah, ATTR_ECHO
        mov     [es:bx], ax
        pop     es
        inc     word [CURSOR]
        jmp     set_cursor

newline:
        mov     ax, [CURSOR]
        xor     dx, dx
        mov     bx, ROW_CHARS
        div     bx
        inc     ax
        cmp     ax, 24
        jb      .ok
        mov     ax, ECHO_ROW
.ok:    mul     bx
        mov     [CURSOR], ax
        jmp     set_cursor

backspace:
        cmp     word [CURSOR], ECHO_ROW * ROW_CHARS
        je      .done
        dec     word [CURSOR]
        push    es
        mov     bx, 0xB800
        mov     es, bx
        mov     bx, [CURSOR]
        shl     bx, 1
        mov     word [es:bx], 0x0720
        pop     es
        jmp     set_cursor
.done:  ret

; CRTC cursor location (CR0E/CR0F) from [CURSOR]
set_cursor:
        mov     dx, 0x3D4
        mov     bx, [CURSOR]
        mov     al, 0x0E
        mov     ah, bh
        out     dx, ax
        mov     al, 0x0F
        mov     ah, bl
        out     dx, ax
        ret

; ---- VGA setup ----
; OUT each (index, value) of the table at CS:SI, CX entries, to index port DX
out_indexed:
.next:  mov     al, [cs:si]
        mov     ah, [cs:si + 1]
        out     dx, ax
        add     si, 2
        loop    .next
        ret

set_mode3:
        mov     dx, 0x3C2
        mov     al, 0x67
        out     dx, al
        mov     dx, 0x3C4
        mov     si, seq_regs
        mov     cx, seq_count
        call    out_indexed
        mov     dx, 0x3D4
        mov     si, crtc_regs
        mov     cx, crtc_count
        call    out_indexed
        mov     dx, 0x3CE
        mov     si, gc_regs
        mov     cx, gc_count
        call    out_indexed
        mov     dx, 0x3DA               ; reset the attribute flip-flop
        in      al, dx
        mov     dx, 0x3C0
        xor     bx, bx
.attr:  mov     al, bl
        out     dx, al
        mov     al, [cs:bx + attr_regs]
        out     dx, al
        inc     bx
        cmp     bx, attr_count
        jb      .attr
        mov     al, 0x20                ; palette address source: video on
        out     dx, al
        ret

; the EGA palette in DAC entries 0-63: colour bits rgbRGB (VGA BIOS default)
load_dac:
        mov     dx, 0x3C8
        xor     al, al
        out     dx, al
        inc     dx
        xor     bx, bx
.entry: mov     cl, 2                   ; red: bits 2 and 5
        call    dac_component
        mov     cl, 1                   ; green: bits 1 and 4
        call    dac_component
        mov     cl, 0                   ; blue: bits 0 and 3
        call    dac_component
        inc     bx
        cmp     bx, 64
        jb      .entry
        ret

; out DX, 2Ah * bit CL of BL + 15h * bit CL+3 of BL
dac_component:
        xor     al, al
        bt      bx, cx
        jnc     .low
        add     al, 0x2A
.low:   add     cl, 3
        bt      bx, cx
        jnc     .out
        add     al, 0x15
.out:   out     dx, al
        ret

; glyph row r of character c: (c * 5 + r * 3) XOR (c >> 2) at A000:c*32+r, plane 2
load_font:
        mov     dx, 0x3C4
        mov     ax, 0x0402              ; map mask: plane 2
        out     dx, ax
        mov     ax, 0x0704              ; memory mode: sequential, no odd/even
        out     dx, ax
        mov     dx, 0x3CE
        mov     ax, 0x0204              ; read map 2
        out     dx, ax
        mov     ax, 0x0005              ; write mode 0, no odd/even
        out     dx, ax
        mov     ax, 0x0406              ; A0000h-AFFFFh, alphanumeric
        out     dx, ax
        push    es
        mov     ax, 0xA000
        mov     es, ax
        xor     di, di
        xor     bx, bx                  ; BL = character
.char:  xor     cx, cx                  ; CL = row
.row:   mov     al, bl
        mov     ah, 5
        mul     ah
        mov     dl, cl
        imul    dx, 3
        add     al, dl
        mov     dl, bl
        shr     dl, 2
        xor     al, dl
        cmp     bl, 0x20                ; space and NUL stay blank
        je      .blank
        test    bl, bl
        jnz     .store
.blank: xor     al, al
.store: mov     [es:di], al
        inc     di
        inc     cx
        cmp     cx, 32
        jb      .row
        inc     bx
        cmp     bx, 256
        jb      .char
        pop     es
        mov     dx, 0x3C4
        mov     ax, 0x0302              ; planes 0 and 1
        out     dx, ax
        mov     ax, 0x0204              ; odd/even again
        out     dx, ax
        mov     dx, 0x3CE
        mov     ax, 0x0004
        out     dx, ax
        mov     ax, 0x1005
        out     dx, ax
        mov     ax, 0x0E06
        out     dx, ax
        ret

; ---- the known screen ----
draw_screen:
        push    es
        mov     ax, 0xB800
        mov     es, ax
        xor     di, di
        mov     cx, 80 * 25
        mov     ax, 0x0720
        rep     stosw
        xor     di, di                  ; row 0: title, white on blue
        mov     si, title_text
        mov     ah, 0x1F
        call    put_string
        mov     di, 1 * 160             ; row 1: prompt, light grey
        mov     si, prompt_text
        mov     ah, 0x07
        call    put_string
        mov     di, 2 * 160             ; row 2: "Colour" in each of 16 colours
        xor     bx, bx
.colour:
        mov     si, colour_text
        mov     ah, bl
        or      ah, 0x00
        call    put_string
        inc     bx
        cmp     bx, 16
        jb      .colour
        mov     di, 3 * 160             ; row 3: box drawing and CP437 letters
        mov     si, cp437_text
        mov     ah, 0x4E
        call    put_string
        pop     es
        ret

; string at CS:SI with attribute AH to ES:DI
put_string:
        mov     al, [cs:si]
        test    al, al
        jz      .done
        stosw
        inc     si
        jmp     put_string
.done:  ret

ready_msg:      db      "ready", 10, 0
title_text:     db      "TRAPDOOR FRONTEND TEST", 0
prompt_text:    db      "Type here:", 0
colour_text:    db      "Hue", 0
cp437_text:     db      0xC9, 0xCD, 0xBB, " caf", 0x82, " ", 0xE0, 0xE1, 0

seq_regs:       db      0, 0x01, 1, 0x00, 2, 0x03, 3, 0x00, 4, 0x02, 0, 0x03
seq_count       equ     ($ - seq_regs) / 2
crtc_regs:      db      0x00, 0x5F, 0x01, 0x4F, 0x02, 0x50, 0x03, 0x82, 0x04, 0x55
                db      0x05, 0x81, 0x06, 0xBF, 0x07, 0x1F, 0x08, 0x00, 0x09, 0x4F
                db      0x0A, 0x0D, 0x0B, 0x0E, 0x0C, 0x00, 0x0D, 0x00, 0x0E, 0x00
                db      0x0F, 0x00, 0x10, 0x9C, 0x11, 0x8E, 0x12, 0x8F, 0x13, 0x28
                db      0x14, 0x1F, 0x15, 0x96, 0x16, 0xB9, 0x17, 0xA3, 0x18, 0xFF
crtc_count      equ     ($ - crtc_regs) / 2
gc_regs:        db      0, 0x00, 1, 0x00, 2, 0x00, 3, 0x00, 4, 0x00, 5, 0x10
                db      6, 0x0E, 7, 0x00, 8, 0xFF
gc_count        equ     ($ - gc_regs) / 2
attr_regs:      db      0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07
                db      0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F
                db      0x0C, 0x00, 0x0F, 0x08, 0x00
attr_count      equ     $ - attr_regs

; set 1 make codes 00h-39h to ASCII, without and with Shift (0: no character)
keys_plain:     db      0, 0, "1234567890-=", 0, 0
                db      "qwertyuiop[]", 0, 0
                db      "asdfghjkl;'`", 0, "\"
                db      "zxcvbnm,./", 0, "*", 0, " "
keys_shift:     db      0, 0, "!@#$%^&*()_+", 0, 0
                db      "QWERTYUIOP{}", 0, 0
                db      "ASDFGHJKL:", 34, "~", 0, "|"
                db      "ZXCVBNM<>?", 0, "*", 0, " "

        times   0xFFF0 - ($ - $$) db 0xF4
reset_vector:
        jmp     0xF000:start
        times   0x10000 - ($ - $$) db 0xF4
