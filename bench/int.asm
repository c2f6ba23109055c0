; Integer mix: xorshift32 with 32-bit registers, a table of words in RAM
; updated with ADD/ADC, a near call per iteration with compares and
; conditional jumps. About 30 guest instructions per iteration.
        org     0
TABLE   equ     0x1000

bench:
        mov     ebp, ITERS
        mov     esi, 0x12345678
        xor     edi, edi
        xor     dx, dx
.loop:
        mov     eax, esi
        shl     eax, 13
        xor     esi, eax
        mov     eax, esi
        shr     eax, 17
        xor     esi, eax
        mov     eax, esi
        shl     eax, 5
        xor     esi, eax
        mov     bx, si
        and     bx, 0x1FE
        mov     ax, [bx + TABLE]
        add     ax, si
        adc     dx, 0
        mov     [bx + TABLE], ax
        call    mix
        dec     ebp
        jnz     .loop
        ret

mix:
        mov     cx, ax
        xor     cx, dx
        cmp     cx, 0x8000
        jb      .low
        sub     cx, 0x1234
        jmp     .done
.low:
        add     cx, 0x4321
.done:
        add     di, cx
        inc     di
        ret

%include "rom.inc"
