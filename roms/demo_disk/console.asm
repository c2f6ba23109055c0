; The demo's console (32-bit protected mode, flat DS and ES): every character
; goes to the debug console (port E9h) and to the VGA text screen at B8000h
; (80x25 colour text, IBM VGA technical reference), which the program scrolls
; itself; the hardware cursor follows (CRTC registers 0Eh/0Fh).
        bits    32
VGA_TEXT        equ     0xB8000
VGA_COLS        equ     80
VGA_ROWS        equ     25
VGA_CRTC        equ     0x3D4
ATTR_NORMAL     equ     0x07
ATTR_TITLE      equ     0x0F
ATTR_HEAD       equ     0x0E
ATTR_GOOD       equ     0x0A
ATTR_TRAP       equ     0x0C
ATTR_DIM        equ     0x08
ATTR_INFO       equ     0x0B

; PUTS "text"[, more bytes]: print a string literal
%macro PUTS 1+
        jmp     %%after
%%text: db      %1, 0
%%after:
        push    esi
        mov     esi, %%text
        call    con_puts
        pop     esi
%endmacro

; COLOR attr: the attribute of what follows on the screen
%macro COLOR 1
        mov     byte [con_attr], %1
%endmacro

; COLUMN n: pad with spaces to column n
%macro COLUMN 1
        push    ecx
        mov     ecx, %1
        call    con_column
        pop     ecx
%endmacro

; con_putc: AL, to the debug console and the screen
con_putc:
        out     DEBUGCON, al
; con_screen_putc: AL, to the screen only
con_screen_putc:
        pushad
        cmp     al, 10
        je      .newline
        mov     ebx, [con_pos]
        mov     ah, [con_attr]
        mov     [VGA_TEXT + ebx * 2], ax
        inc     ebx
        mov     [con_pos], ebx
        cmp     ebx, VGA_COLS * VGA_ROWS
        jb      .done
        call    con_scroll
        jmp     .done
.newline:
        mov     eax, [con_pos]
        xor     edx, edx
        mov     ecx, VGA_COLS
        div     ecx
        inc     eax
        mul     ecx
        mov     [con_pos], eax
        cmp     eax, VGA_COLS * VGA_ROWS
        jb      .cursor
        call    con_scroll
.cursor:
        call    con_cursor
.done:  popad
        ret

; con_scroll: the screen up one line, the last line blank
con_scroll:
        pushad
        cld
        mov     esi, VGA_TEXT + VGA_COLS * 2
        mov     edi, VGA_TEXT
        mov     ecx, VGA_COLS * (VGA_ROWS - 1) / 2
        rep     movsd
        mov     ecx, VGA_COLS / 2
        mov     eax, 0x07200720
        rep     stosd
        sub     dword [con_pos], VGA_COLS
        popad
        ret

; con_clear: a blank screen, the cursor at the top left (the debug console
; does not see it)
con_clear:
        pushad
        cld
        mov     edi, VGA_TEXT
        mov     ecx, VGA_COLS * VGA_ROWS / 2
        mov     eax, 0x07200720
        rep     stosd
        mov     dword [con_pos], 0
        call    con_cursor
        popad
        ret

; con_cursor: the hardware cursor to con_pos
con_cursor:
        pushad
        mov     ebx, [con_pos]
        mov     dx, VGA_CRTC
        mov     al, 0x0E
        mov     ah, bh
        out     dx, ax
        mov     al, 0x0F
        mov     ah, bl
        out     dx, ax
        popad
        ret

; con_puts: the NUL-terminated string at ESI
con_puts:
        push    eax
        push    esi
.next:  mov     al, [esi]
        test    al, al
        jz      .done
        call    con_putc
        inc     esi
        jmp     .next
.done:  pop     esi
        pop     eax
        ret

; con_hex: EAX as ECX hex digits (the low ones)
con_hex:
        pushad
        mov     edx, eax
        mov     ebx, ecx
        shl     ecx, 2
        ror     edx, cl
.digit: rol     edx, 4
        mov     al, dl
        and     al, 0x0F
        add     al, '0'
        cmp     al, '9'
        jbe     .out
        add     al, 'A' - '0' - 10
.out:   call    con_putc
        dec     ebx
        jnz     .digit
        popad
        ret

; con_dec: EAX unsigned, in decimal
con_dec:
        pushad
        mov     ebx, 10
        xor     ecx, ecx
.div:   xor     edx, edx
        div     ebx
        push    edx
        inc     ecx
        test    eax, eax
        jnz     .div
.out:   pop     eax
        add     al, '0'
        call    con_putc
        loop    .out
        popad
        ret

; con_dec_width: EAX in decimal, right-aligned in ECX columns
con_dec_width:
        pushad
        mov     ebx, 10
        mov     esi, eax
        xor     edi, edi
.count: xor     edx, edx
        div     ebx
        inc     edi
        test    eax, eax
        jnz     .count
        mov     al, ' '
.pad:   cmp     edi, ecx
        jae     .num
        call    con_putc
        inc     edi
        jmp     .pad
.num:   mov     eax, esi
        call    con_dec
        popad
        ret

; con_column: spaces up to column ECX (at least one)
con_column:
        pushad
        mov     ebx, ecx
        mov     al, ' '
.pad:   call    con_putc
        mov     eax, [con_pos]
        xor     edx, edx
        mov     ecx, VGA_COLS
        div     ecx
        mov     al, ' '
        cmp     edx, ebx
        jb      .pad
        popad
        ret

; con_vmm_str: the VMM info string AX (nothing when the port is absent)
con_vmm_str:
        pushad
        cmp     byte [vmm_present], 0
        je      .done
        mov     dx, VMM_INDEX_PORT
        out     dx, ax
        mov     dx, VMM_DATA_PORT
        mov     ecx, 160
.next:  in      al, dx
        test    al, al
        jz      .done
        call    con_putc
        loop    .next
.done:  popad
        ret

; con_vmm_str_wrap: the VMM info string AX; on the screen a word that would
; cross the right edge starts a new line indented to column ECX (the debug
; console gets the text as one line)
con_vmm_str_wrap:
        pushad
        cmp     byte [vmm_present], 0
        je      .done
        mov     ebx, ecx
        mov     dx, VMM_INDEX_PORT
        out     dx, ax
        mov     dx, VMM_DATA_PORT
        mov     edi, str_buf
        mov     ecx, STR_BUF_LEN - 1
.read:  in      al, dx
        mov     [edi], al
        test    al, al
        jz      .print
        inc     edi
        loop    .read
        mov     byte [edi], 0
.print: mov     esi, str_buf
.next:  mov     al, [esi]
        test    al, al
        jz      .done
        cmp     al, ' '
        jne     .putc
        call    con_word_fits
        jc      .putc
        out     DEBUGCON, al
        mov     al, 10
        call    con_screen_putc
        mov     ecx, ebx
        mov     al, ' '
.indent:
        call    con_screen_putc
        loop    .indent
        jmp     .skip
.putc:  call    con_putc
.skip:  inc     esi
        jmp     .next
.done:  popad
        ret

; con_word_fits: CF set when the space at ESI and the word after it fit on
; the current screen line
con_word_fits:
        pushad
        lea     edi, [esi + 1]
        xor     ecx, ecx
.len:   mov     al, [edi + ecx]
        test    al, al
        jz      .measured
        cmp     al, ' '
        je      .measured
        inc     ecx
        jmp     .len
.measured:
        mov     eax, [con_pos]
        xor     edx, edx
        mov     ebx, VGA_COLS
        div     ebx
        lea     eax, [edx + ecx + 1]
        cmp     eax, VGA_COLS + 1               ; CF: column + 1 + length <= 80
        popad
        ret
