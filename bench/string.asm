; String instructions: REP STOSW, REP MOVSW, REPE CMPSB and LODSB/SCASB loops
; over 4 KiB buffers in segment 2000h. ITERS rounds; each round moves about
; 8 KiB.
        org     0

bench:
        mov     ax, 0x2000
        mov     ds, ax
        mov     es, ax
        mov     ebp, ITERS
.round:
        xor     di, di
        mov     ax, bp
        mov     cx, 2048
        rep stosw
        xor     si, si
        mov     di, 0x1000
        mov     cx, 2048
        rep movsw
        xor     si, si
        mov     di, 0x1000
        mov     cx, 4096
        repe cmpsb
        mov     si, 0x1000
        mov     cx, 64
.lod:   lodsb
        add     dl, al
        loop    .lod
        xor     di, di
        mov     al, 0xFF
        mov     cx, 512
        repne scasb
        dec     ebp
        jnz     .round
        ret

%include "rom.inc"
