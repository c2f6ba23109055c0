; Memory-heavy: word loads and stores over a 32 KiB array at 1000:0000 with
; a data-dependent index (a running sum), 16-bit registers. About 14 guest
; instructions per iteration, 4 memory accesses.
        org     0

bench:
        mov     ax, 0x1000
        mov     es, ax
        mov     ecx, ITERS
        xor     bx, bx
        xor     dx, dx
.loop:
        mov     ax, [es:bx]
        add     dx, ax
        add     ax, cx
        mov     [es:bx], ax
        mov     si, dx
        and     si, 0x7FFE
        mov     ax, [es:si]
        xor     ax, bx
        mov     [es:si + 2], ax
        add     bx, 2
        and     bx, 0x7FFE
        dec     ecx
        jnz     .loop
        ret

%include "rom.inc"
