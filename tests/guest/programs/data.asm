; Real-mode self-check of data movement: MOV (register, immediate, memory, moffs,
; segment registers), MOVZX MOVSX, LEA with 16- and 32-bit addressing (SIB, scales,
; no-base disp32, 16-bit wrap), XCHG, XLAT, CBW CWD CWDE CDQ, LAHF SAHF, segment
; overrides and default segments (BP/EBP/ESP -> SS), and the real-mode segment limit:
; a word access at offset FFFFh raises #GP (vector 13) on a 486 (Intel SDM vol. 3
; 20.1.1 and "Interrupt 13"). The XT lines were re-run natively on an x86-64 host
; except those marked nohost (16-bit addressing).
%define PROG_NAME "data"
%include "lib.inc"

MEM             equ     0x0900
SEG_A           equ     0x1000                  ; scratch segment at 10000h

main:
        call    dt_mov
        call    dt_ext
        call    dt_lea
        call    dt_misc
        call    dt_seg
        call    dt_limit
        ret

dt_mov:
        GROUP   "mov"
        mov     al, 0x12
        mov     ah, 0x34
        CHECK16 ax, 0x3412, "mov r8,imm8"
        mov     bx, 0xBEEF
        mov     ecx, 0x12345678
        mov     dx, cx
        CHECK16 dx, 0x5678, "mov r16,r16"
        mov     dl, ch
        CHECK16 dx, 0x5656, "mov r8,r8 high"
        mov     byte [MEM], 0xA5                ; C6 /0
        mov     word [MEM+2], 0x1234            ; C7 /0
        mov     dword [MEM+4], 0xCAFEBABE       ; 66 C7 /0
        CHECK8  byte [MEM], 0xA5, "mov m8,imm8"
        CHECK16 word [MEM+2], 0x1234, "mov m16,imm16"
        CHECK32 dword [MEM+4], 0xCAFEBABE, "mov m32,imm32"
        mov     al, [MEM+2]                     ; A0 moffs8
        CHECK8  al, 0x34, "mov al,moffs"
        mov     ax, [MEM+4]                     ; A1 moffs16
        CHECK16 ax, 0xBABE, "mov ax,moffs"
        mov     eax, [MEM+4]                    ; 66 A1
        CHECK32 eax, 0xCAFEBABE, "mov eax,moffs"
        mov     eax, 0x87654321
        mov     [MEM+8], eax                    ; 66 A3
        mov     [MEM+12], ax                    ; A3
        mov     [MEM+14], al                    ; A2
        CHECK32 dword [MEM+8], 0x87654321, "mov moffs,eax"
        CHECK16 word [MEM+12], 0x4321, "mov moffs,ax"
        CHECK8  byte [MEM+14], 0x21, "mov moffs,al"
        mov     eax, [dword MEM+4]              ; 67 66 A1 moffs32
        CHECK32 eax, 0xCAFEBABE, "mov eax,moffs32 (a32)"
        mov     si, MEM
        mov     cx, [si+2]                      ; 8B
        CHECK16 cx, 0x1234, "mov r16,[si+d8]"
        mov     [si+16], cx                     ; 89
        mov     dh, [si+17]                     ; 8A
        CHECK8  dh, 0x12, "mov r8,[si+d8]"
        mov     [si+18], dh                     ; 88
        CHECK16 word [MEM+16], 0x1234, "mov [si+d8],r16"
        CHECK8  byte [MEM+18], 0x12, "mov [si+d8],r8"
        mov     ax, SEG_A
        mov     es, ax                          ; 8E
        mov     dx, es                          ; 8C
        CHECK16 dx, SEG_A, "mov r16,sreg"
        mov     [MEM+20], es                    ; 8C to memory
        CHECK16 word [MEM+20], SEG_A, "mov m16,sreg"
        mov     word [MEM+22], 0x2000
        mov     fs, [MEM+22]                    ; 8E from memory
        mov     ax, fs
        CHECK16 ax, 0x2000, "mov sreg,m16"
        xor     ax, ax
        mov     es, ax
        mov     fs, ax
        GROUP_END
        ret

dt_ext:
        GROUP   "movzx/movsx/cbw..."
        XT {movzx eax, dl}, 0xFFFFFFFF, 0, 0, 0x80, 0, 0x00000080, 0x80, 0, 0
        XT {movzx ax, dh},  0xFFFFFFFF, 0, 0, 0xF000, 0, 0xFFFF00F0, 0xF000, 0, 0
        XT {movzx eax, dx}, 0xFFFFFFFF, 0, 0, 0xABCD8000, 0, 0x00008000, 0xABCD8000, 0, 0
        XT {movsx eax, dl}, 0, 0, 0, 0x80, 0, 0xFFFFFF80, 0x80, 0, 0
        XT {movsx ax, dl},  0x12345678, 0, 0, 0x7F, 0, 0x1234007F, 0x7F, 0, 0
        XT {movsx edx, ax}, 0x8001, 0, 0, 0, 0, 0x8001, 0xFFFF8001, 0, 0
        XT {cbw},  0x12345680, 0, 0, 0x77, 0, 0x1234FF80, 0x77, 0, 0
        XT {cbw},  0x1234567F, 0, 0, 0x77, 0, 0x1234007F, 0x77, 0, 0
        XT {cwd},  0x00008000, 0, 0, 0x12340000, 0, 0x8000, 0x1234FFFF, 0, 0
        XT {cwd},  0xFFFF7FFF, 0, 0, 0x1234FFFF, 0, 0xFFFF7FFF, 0x12340000, 0, 0
        XT {cwde}, 0x0000FFFE, 0, 0, 0, 0, 0xFFFFFFFE, 0, 0, 0
        XT {cdq},  0x80000000, 0, 0, 0, 0, 0x80000000, 0xFFFFFFFF, 0, 0
        XT {cdq},  0x7FFFFFFF, 0, 0, 0xFFFFFFFF, 0, 0x7FFFFFFF, 0, 0, 0
        mov     word [MEM], 0x80FF
        movzx   ecx, byte [MEM]
        CHECK32 ecx, 0xFF, "movzx r32,m8"
        movsx   ecx, word [MEM]
        CHECK32 ecx, 0xFFFF80FF, "movsx r32,m16"
        movsx   cx, byte [MEM+1]
        CHECK32 ecx, 0xFFFFFF80, "movsx r16,m8"
        GROUP_END
        ret

dt_lea:
        GROUP   "lea"
        mov     bx, 0x1000
        mov     si, 0x0200
        mov     di, 0x0030
        mov     bp, 0x4000
        lea     ax, [bx+si]
        CHECK16 ax, 0x1200, "lea [bx+si]"
        lea     ax, [bx+di+5]
        CHECK16 ax, 0x1035, "lea [bx+di+d8]"
        lea     ax, [bp+si-1]
        CHECK16 ax, 0x41FF, "lea [bp+si-d8]"
        lea     ax, [bp+di+0x1234]
        CHECK16 ax, 0x5264, "lea [bp+di+d16]"
        lea     ax, [si]
        CHECK16 ax, 0x0200, "lea [si]"
        lea     ax, [di-0x31]
        CHECK16 ax, 0xFFFF, "lea [di-d8]"
        lea     ax, [bp]
        CHECK16 ax, 0x4000, "lea [bp+0]"
        lea     ax, [0x7777]
        CHECK16 ax, 0x7777, "lea [d16]"
        mov     bx, 0xFFFF
        mov     si, 0x0020
        lea     ax, [bx+si+0x10]                ; 16-bit address wraps
        CHECK16 ax, 0x002F, "lea 16-bit wrap"
        mov     eax, 0xFFFFFFFF
        lea     eax, [bx+si]                    ; 16-bit address zero-extended
        CHECK32 eax, 0x0000001F, "lea r32,[bx+si]"
        XT {lea eax, [ebx+ecx*4+8]}, 0, 0x1000, 0x10, 0, 0, 0x1048, 0, 0, 0
        XT {lea edx, [eax+eax*2]},   0x11111111, 0, 0, 0, 0, 0x11111111, 0x33333333, 0, 0
        XT {lea eax, [ecx*8+0x12345678]}, 0, 0, 2, 0, 0, 0x12345688, 0, 0, 0
        XT {lea eax, [dword 0x89ABCDEF]},  0, 0, 0, 0, 0, 0x89ABCDEF, 0, 0, 0 ; nohost: 64-bit mode makes this RIP-relative
        XT {lea eax, [ebx+edx*2-1]}, 0, 0xFFFFFFFF, 0, 1, 0, 0, 1, 0, 0
        XT {lea ax, [ebx+ecx+0x100]}, 0xFFFFFFFF, 0x0000FF00, 0x00010000, 0, 0, 0xFFFF0000, 0, 0, 0
        XT {lea edx, [ebx]},         0, 0xDEADBEEF, 0, 0, 0, 0, 0xDEADBEEF, 0, 0
        mov     ebp, 0x10000
        movzx   esp, sp                         ; ESP base: results relative to SP
        movzx   edx, sp
        lea     eax, [esp+ebp*1+4]
        sub     eax, edx
        CHECK32 eax, 0x10004, "lea [esp+ebp*1+d8]"
        lea     eax, [esp+ebp*2-8]
        sub     eax, edx
        CHECK32 eax, 0x1FFF8, "lea [esp+ebp*2-d8]"
        GROUP_END
        ret

dt_misc:
        GROUP   "xchg/xlat/lahf/sahf"
        XT {xchg eax, edx}, 0x11111111, 0, 0, 0x22222222, 0, 0x22222222, 0x11111111, 0, 0
        XT {xchg ax, dx},   0x11111111, 0, 0, 0x22222222, 0, 0x11112222, 0x22221111, 0, 0
        XT {xchg al, dh},   0x11111111, 0, 0, 0x22222222, 0, 0x11111122, 0x22221122, 0, 0
        XT {xchg ax, bx},   0x1234, 0x5678, 0, 0, 0, 0x5678, 0, 0, 0
        XT {lahf}, 0x1234, 0, 0, 0, F_SF|F_ZF|F_AF|F_PF|F_CF|F_OF, 0xD734, 0, F_ARITH, F_ARITH
        XT {lahf}, 0xFFFF, 0, 0, 0, 0, 0x02FF, 0, 0, F_ARITH
        XT {sahf}, 0xFF00, 0, 0, 0, 0, 0xFF00, 0, F_SF|F_ZF|F_AF|F_PF|F_CF, F_ARITH
        XT {sahf}, 0x0000, 0, 0, 0, F_ARITH, 0, 0, F_OF, F_ARITH
        mov     dword [MEM], 0x11223344
        mov     cx, 0xAABB
        xchg    [MEM+1], cx
        CHECK16 cx, 0x2233, "xchg m16,r16"
        CHECK32 dword [MEM], 0x11AABB44, "xchg m16,r16 memory"
        mov     bx, xlat_table
        mov     al, 3
        cs xlatb                                ; CS: override on XLAT's DS:[BX+AL]
        CHECK8  al, 0x40, "xlat cs:"
        mov     bx, MEM
        mov     al, 2
        xlatb
        CHECK8  al, 0xAA, "xlat ds:"
        GROUP_END
        ret

xlat_table:     db 0x10, 0x20, 0x30, 0x40, 0x50

dt_seg:
        GROUP   "segments"
        mov     ax, SEG_A
        mov     es, ax
        mov     word [es:0x0010], 0x1111        ; physical 10010h
        mov     ax, SEG_A + 1
        mov     fs, ax
        CHECK16 word [fs:0x0000], 0x1111, "fs: alias of es:"
        mov     ax, [es:0x0010]                 ; 26 A1 moffs
        CHECK16 ax, 0x1111, "es: moffs"
        mov     ax, SEG_A - 1
        mov     gs, ax
        mov     word [gs:0x0022], 0x2222        ; physical 10012h
        CHECK32 dword [es:0x0010], 0x22221111, "gs: write"
        mov     ax, [cs:xlat_table]
        CHECK16 ax, 0x2010, "cs: read"
        ; default segments: BP-based addresses use SS, others DS
        mov     word [MEM+0x40], 0x5555         ; 0:0940h (SS = 0)
        mov     word [es:MEM+0x40], 0x6666      ; 1000:0940h
        mov     ax, SEG_A
        mov     ds, ax
        mov     bp, MEM+0x40
        mov     di, MEM+0x40
        mov     ax, [bp]
        CHECK16 ax, 0x5555, "[bp] uses ss"
        mov     ax, [di]
        CHECK16 ax, 0x6666, "[di] uses ds"
        mov     ax, [ds:bp]
        CHECK16 ax, 0x6666, "ds:[bp] override"
        xor     si, si
        mov     ax, [bp+si]
        CHECK16 ax, 0x5555, "[bp+si] uses ss"
        mov     ebp, MEM+0x40
        mov     ax, [ebp]
        CHECK16 ax, 0x5555, "[ebp] uses ss"
        mov     eax, MEM+0x40
        mov     ax, [eax]
        CHECK16 ax, 0x6666, "[eax] uses ds"
        mov     word [ss:MEM+0x42], 0x7777
        movzx   esp, sp
        mov     eax, MEM+0x42
        sub     eax, esp
        mov     ax, [esp+eax]
        CHECK16 ax, 0x7777, "[esp+eax] uses ss"
        mov     ax, [ss:di]
        CHECK16 ax, 0x5555, "ss:[di] override"
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        GROUP_END
        ret

; real-mode limit 0FFFFh: a word at offset FFFFh faults (#GP, or #SS through SS)
dt_limit:
        GROUP   "segment limit"
        mov     byte [0xFFFF], 0x5A             ; a byte at FFFFh is inside the limit
        CHECK8  byte [0xFFFF], 0x5A, "byte at ffff"
%ifndef ORACLE_QEMU
        ; QEMU TCG does not check real-mode segment limits
        SET_VEC 13, lib_trap
        mov     word [0xFFFE], 0x1234
        TRAP_ARM .rd_end - .rd
        mov     ax, 0xAAAA
.rd:    mov     ax, [0xFFFF]
.rd_end:
        CHECK16 word [TRAP_COUNT], 1, "word read at ffff: #GP count"
        CHECK16 word [TRAP_IP], .rd, "word read at ffff: pushed IP"
        CHECK16 ax, 0xAAAA, "word read at ffff: ax kept"
        TRAP_ARM .wr_end - .wr
        mov     bx, 0xFFFF
.wr:    mov     word [bx], 0x9999
.wr_end:
        CHECK16 word [TRAP_COUNT], 1, "word write at ffff: #GP count"
        CHECK16 word [TRAP_IP], .wr, "word write at ffff: pushed IP"
        CHECK8  byte [0xFFFF], 0x12, "word write at ffff: no partial write"
        TRAP_ARM .dw_end - .dw
.dw:    mov     eax, [0xFFFE]
.dw_end:
        CHECK16 word [TRAP_COUNT], 1, "dword read at fffe: #GP count"
        CHECK16 word [TRAP_IP], .dw, "dword read at fffe: pushed IP"
        RESET_VEC 13
%endif
        GROUP_END
        ret

ROM_END
