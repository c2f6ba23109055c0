; x87: a recurrence over a table of 64 doubles in RAM, t' = sqrt(t*t/2 + 1)
; + t/4 - k/3 with k = round(t) through FISTP/FILD, and a compare (FCOMP,
; FNSTSW AX, SAHF) choosing between two updates; loads and stores of qword
; and dword operands, FADD/FMUL/FDIV/FSQRT/FXCH. Deterministic (no
; transcendental instructions); bench/fpu.c is the same loop in C with long
; double (the host's x87). About 24 guest instructions per iteration.
        org     0
TABLE   equ     0x1000

bench:
        fninit
        mov     ebp, ITERS
        xor     si, si
        mov     cx, 64                  ; table[i] = i / 4
.init:  mov     [TEMP], si
        fild    word [TEMP]
        fmul    qword [cs:quarter]
        mov     bx, si
        shl     bx, 3
        fstp    qword [bx + TABLE]
        inc     si
        loop    .init
        xor     si, si
.loop:
        mov     bx, si
        and     bx, 63 << 3
        fld     qword [bx + TABLE]      ; t
        fld     st0                     ; t t
        fmul    st0, st0                ; t*t t
        fmul    qword [cs:half]
        fadd    qword [cs:one]
        fsqrt                           ; s t
        fxch                            ; t s
        fld     st0                     ; t t s
        fistp   dword [TEMP]            ; k = round(t)
        fmul    qword [cs:quarter]
        faddp   st1, st0                ; s + t/4
        fild    dword [TEMP]
        fdiv    qword [cs:three]
        fsubp   st1, st0                ; t'
        fcom    qword [cs:limit]
        fnstsw  ax
        sahf
        jb      .store
        fmul    qword [cs:half]         ; t' >= limit: halve it
.store:
        fstp    qword [bx + TABLE]
        add     si, 8 * 5
        dec     ebp
        jnz     .loop
        ret

TEMP    equ     0x0F00
        align   8
quarter: dq     0.25
half:   dq      0.5
one:    dq      1.0
three:  dq      3.0
limit:  dq      4.0

%include "rom.inc"
