; Real-mode self-check of the stack family: PUSH/POP of registers, memory, immediates
; and segment registers at 16 and 32 bits, PUSH SP (the value before the decrement,
; 286 and later), POP SP, POP m with an ESP base (address computed after the
; increment), PUSHA/POPA(D), PUSHF/POPF(D) incl. IOPL/NT/AC, ENTER with nesting levels
; 0/1/3 and LEAVE, and SP wrap-around at 64 KiB (Intel SDM vol. 2 PUSH, POP, PUSHA,
; POPA, PUSHF, POPF, ENTER, LEAVE).
%define PROG_NAME "stack"
%include "lib.inc"

MEM             equ     0x0900
WRAP_SEG        equ     0x2000

main:
        call    st_basic
        call    st_sp
        call    st_all
        call    st_flags
        call    st_enter
        call    st_seg
        call    st_wrap
        ret

st_basic:
        GROUP   "push/pop"
        mov     bp, sp
        mov     ax, 0x1234
        push    ax                              ; 50+r
        mov     bx, bp
        sub     bx, sp
        CHECK16 bx, 2, "push r16 sp delta"
        CHECK16 word [bp-2], 0x1234, "push r16 value"
        push    word 0x5678                     ; 68 iw
        push    word -2                         ; 6A ib, sign-extended
        CHECK16 word [bp-6], 0xFFFE, "push imm8 sign-extended"
        pop     cx                              ; 58+r
        pop     dx
        CHECK16 cx, 0xFFFE, "pop r16 (1)"
        CHECK16 dx, 0x5678, "pop r16 (2)"
        mov     word [MEM], 0xAAAA
        push    word [MEM]                      ; FF /6
        pop     word [MEM+2]                    ; 8F /0
        CHECK16 word [MEM+2], 0xAAAA, "push/pop m16"
        mov     eax, 0x89ABCDEF
        push    eax                             ; 66 50+r
        mov     bx, bp
        sub     bx, sp
        CHECK16 bx, 6, "push r32 sp delta"
        CHECK32 dword [bp-6], 0x89ABCDEF, "push r32 value"
        push    dword 0x01020304                ; 66 68 id
        push    dword -3                        ; 66 6A ib
        CHECK32 dword [bp-14], 0xFFFFFFFD, "push imm8 as dword"
        pop     ecx
        pop     edx
        CHECK32 edx, 0x01020304, "pop r32"
        mov     dword [MEM+4], 0x11223344
        push    dword [MEM+4]
        pop     dword [MEM+8]
        CHECK32 dword [MEM+8], 0x11223344, "push/pop m32"
        pop     esi
        pop     di
        CHECK32 esi, 0x89ABCDEF, "pop r32 value"
        mov     bx, sp
        CHECKEQ16 bx, bp, "push/pop balance"
        GROUP_END
        ret

st_sp:
        GROUP   "push sp/pop sp"
        mov     bx, sp
        push    sp                              ; pushes SP before the decrement
        pop     ax
        CHECKEQ16 ax, bx, "push sp value"
        mov     si, sp
        lea     bx, [si-0x10]
        push    bx
        pop     sp                              ; SP = popped value, no increment after
        mov     ax, sp
        mov     sp, si
        CHECKEQ16 ax, bx, "pop sp value"
        movzx   esp, sp
        mov     ebx, esp
        push    esp
        pop     eax
        CHECKEQ32 eax, ebx, "push esp value"
        push    word 0x1111
        push    word 0x2222
        pop     word [esp]                      ; address after the increment
        pop     ax
        CHECK16 ax, 0x2222, "pop [esp] uses incremented esp"
        mov     ax, sp
        CHECKEQ16 ax, si, "pop [esp] balance"
        GROUP_END
        ret

st_all:
        GROUP   "pusha/popa"
        mov     si, sp
        mov     eax, 0x0A0A0001
        mov     ecx, 0x0C0C0002
        mov     edx, 0x0D0D0003
        mov     ebx, 0x0B0B0004
        mov     ebp, 0x05050005
        mov     esi, 0x06060006
        mov     edi, 0x07070007
        mov     [MEM], sp                       ; the SP pushed by PUSHA
        pusha
        mov     bp, sp
        CHECK16 word [bp+14], 0x0001, "pusha ax"
        CHECK16 word [bp+12], 0x0002, "pusha cx"
        CHECK16 word [bp+10], 0x0003, "pusha dx"
        CHECK16 word [bp+8], 0x0004, "pusha bx"
        mov     ax, [MEM]
        CHECKEQ16 word [bp+6], ax, "pusha sp (before)"
        CHECK16 word [bp+4], 0x0005, "pusha bp"
        CHECK16 word [bp+2], 0x0006, "pusha si"
        CHECK16 word [bp+0], 0x0007, "pusha di"
        mov     word [bp+6], 0x1234             ; POPA discards the SP slot
        mov     eax, 0xFFFF0000
        xor     ebx, ebx
        mov     ecx, ebx
        mov     edx, ebx
        mov     esi, ebx
        mov     edi, ebx
        popa
        mov     bp, sp
        CHECKEQ16 bp, word [MEM], "popa skips sp"
        CHECK32 eax, 0xFFFF0001, "popa ax (upper kept)"
        CHECK32 edi, 0x0007, "popa di"
        CHECK16 dx, 0x0003, "popa dx"
        mov     ebx, 0xB0000004
        mov     ebp, 0xB5000005
        pushad
        mov     bp, sp
        CHECK32 dword [bp+16], 0xB0000004, "pushad ebx"
        CHECK32 dword [bp+8], 0xB5000005, "pushad ebp"
        movzx   eax, word [MEM]
        CHECKEQ32 dword [bp+12], eax, "pushad esp"
        mov     dword [bp+28], 0xA0000001
        popad
        CHECK32 eax, 0xA0000001, "popad eax"
        CHECK32 ebp, 0xB5000005, "popad ebp"
        mov     ax, sp
        CHECKEQ16 ax, word [MEM], "popad balance"
        GROUP_END
        ret

st_flags:
        GROUP   "pushf/popf"
        SETF    0xFCFF                          ; all but TF and IF (bit 15 reads 0)
        pushf
        pop     ax
        CHECK16 ax, 0x7CD7, "popf/pushf all writable bits"
        SETF    0x0000
        pushf
        pop     ax
        CHECK16 ax, 0x0002, "popf/pushf zero (bit 1 reads 1)"
        push    dword 0x00040CD5                ; AC | OF DF | SF ZF AF PF CF
        popfd
        pushfd
        pop     eax
        CHECK32 eax, 0x00040CD7, "popfd/pushfd AC"
        push    dword 0
        popfd
        stc
        pushfd
        pop     eax
        CHECK32 eax, 0x00000003, "pushfd after stc"
        GROUP_END
        ret

st_enter:
        GROUP   "enter/leave"
        mov     si, sp                          ; S0
        mov     bp, MEM+0x40                    ; outer frame with a 2-entry display
        mov     word [MEM+0x3E], 0xD1D1
        mov     word [MEM+0x3C], 0xD2D2
        enter   6, 3
        lea     ax, [si-2]
        CHECKEQ16 bp, ax, "enter 6,3 bp"
        lea     ax, [si-14]
        mov     bx, sp
        CHECKEQ16 bx, ax, "enter 6,3 sp"
        CHECK16 word [si-2], MEM+0x40, "enter 6,3 saved bp"
        CHECK16 word [si-4], 0xD1D1, "enter 6,3 display 1"
        CHECK16 word [si-6], 0xD2D2, "enter 6,3 display 2"
        lea     ax, [si-2]
        CHECKEQ16 word [si-8], ax, "enter 6,3 frame pointer"
        leave
        CHECK16 bp, MEM+0x40, "leave bp"
        mov     bx, sp
        CHECKEQ16 bx, si, "leave sp"
        enter   4, 1
        lea     ax, [si-2]
        CHECKEQ16 bp, ax, "enter 4,1 bp"
        CHECKEQ16 word [si-4], ax, "enter 4,1 frame pointer"
        lea     ax, [si-8]
        mov     bx, sp
        CHECKEQ16 bx, ax, "enter 4,1 sp"
        leave
        enter   0x100, 0
        lea     ax, [si-2]
        CHECKEQ16 bp, ax, "enter 100h,0 bp"
        lea     ax, [si-0x102]
        mov     bx, sp
        CHECKEQ16 bx, ax, "enter 100h,0 sp"
        leave
        mov     ebp, 0x12340000 + MEM+0x40
        movzx   esp, sp
        o32 enter 8, 0                          ; 66 C8: pushes EBP, sets EBP
        lea     ax, [si-4]
        CHECKEQ16 bp, ax, "o32 enter bp"
        CHECK32 dword [si-4], 0x12340000 + MEM+0x40, "o32 enter saved ebp"
        o32 leave
        CHECK32 ebp, 0x12340000 + MEM+0x40, "o32 leave ebp"
        mov     bx, sp
        CHECKEQ16 bx, si, "o32 leave sp"
        GROUP_END
        ret

st_seg:
        GROUP   "push/pop sreg"
        mov     si, sp
        mov     ax, 0x1111
        mov     es, ax
        mov     ax, 0x2222
        mov     fs, ax
        mov     ax, 0x3333
        mov     gs, ax
        push    cs
        push    es
        push    fs
        push    gs
        push    ss
        push    ds
        mov     bp, sp
        CHECK16 word [bp+10], ROM_SEG, "push cs"
        CHECK16 word [bp+8], 0x1111, "push es"
        CHECK16 word [bp+6], 0x2222, "push fs"
        CHECK16 word [bp+4], 0x3333, "push gs"
        CHECK16 word [bp+2], 0, "push ss"
        pop     es                              ; ES = DS = 0
        pop     ss                              ; SS = 0
        pop     ds                              ; DS = GS value, then restore
        mov     ax, ds
        push    word 0
        pop     ds
        CHECK16 ax, 0x3333, "pop ds"
        pop     gs                              ; GS = FS value
        pop     fs                              ; FS = ES value
        mov     ax, gs
        CHECK16 ax, 0x2222, "pop gs"
        mov     ax, fs
        CHECK16 ax, 0x1111, "pop fs"
        mov     ax, es
        CHECK16 ax, 0, "pop es"
        pop     ax
        CHECK16 ax, ROM_SEG, "cs value"
        o32 push fs                             ; 32-bit: SP -= 4, low word = selector
        mov     bp, sp
        CHECK16 word [bp], 0x1111, "o32 push fs low word"
        lea     ax, [si-4]
        CHECKEQ16 bp, ax, "o32 push fs sp delta"
        mov     dword [bp], 0xFFFF0000
        o32 pop gs                              ; SP += 4, GS = low word
        mov     ax, gs
        CHECK16 ax, 0x0000, "o32 pop gs"
        mov     ax, sp
        CHECKEQ16 ax, si, "sreg balance"
        xor     ax, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        GROUP_END
        ret

; SP wraps within the 64 KiB stack segment
st_wrap:
        GROUP   "sp wrap"
        mov     di, sp
        mov     bx, ss
        mov     ax, WRAP_SEG
        cli
        mov     ss, ax
        xor     sp, sp
        push    word 0xBEEF                     ; SP 0000h -> FFFEh
        mov     cx, sp
        pop     dx                              ; SP FFFEh -> 0000h
        mov     si, sp
        mov     ss, bx
        mov     sp, di
        CHECK16 cx, 0xFFFE, "push at sp=0 wraps"
        CHECK16 si, 0, "pop at sp=fffe wraps"
        CHECK16 dx, 0xBEEF, "wrapped value"
        mov     ax, WRAP_SEG
        mov     es, ax
        CHECK16 word [es:0xFFFE], 0xBEEF, "wrapped write address"
        xor     ax, ax
        mov     es, ax
        GROUP_END
        ret

ROM_END
