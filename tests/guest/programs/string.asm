; Real-mode self-check of string instructions: MOVS CMPS STOS LODS SCAS at byte, word
; and dword size, DF=0 and DF=1, REP/REPE/REPNE termination, a source segment
; override (and ES:DI ignoring one), a zero count, 16-bit SI/DI wrap-around, and the
; 32-bit address size (ESI/EDI/ECX) (Intel SDM vol. 2 MOVS, CMPS, STOS, LODS, SCAS,
; REP/REPE/REPNE: CMPS flags as [SI] - ES:[DI], SCAS as AL/AX/EAX - ES:[DI]).
%define PROG_NAME "string"
%include "lib.inc"

SRC_SEG         equ     0x1000
DST_SEG         equ     0x2000
OTHER_SEG       equ     0x3000

main:
        mov     ax, SRC_SEG
        mov     ds, ax
        mov     ax, DST_SEG
        mov     es, ax
        call    str_movs
        call    str_stos_lods
        call    str_scas_cmps
        call    str_edges
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        cld
        ret

text:   db      "trapdoor", 0
TEXT_LEN        equ     9

str_movs:
        GROUP   "movs"
        cld
        mov     si, text
        mov     di, 0x0100
        mov     cx, TEXT_LEN
        rep cs movsb                            ; source override: CS:SI -> ES:DI
        CHECK16 si, text + TEXT_LEN, "rep movsb si"
        CHECK16 di, 0x0100 + TEXT_LEN, "rep movsb di"
        CHECK16 cx, 0, "rep movsb cx"
        CHECK32 dword [es:0x0100], 'trap', "rep cs movsb data 1"
        CHECK32 dword [es:0x0104], 'door', "rep cs movsb data 2"
        mov     dword [0x0000], 0x11223344      ; DS:0 = 10000h
        mov     dword [0x0004], 0x55667788
        mov     dword [0x0008], 0x99AABBCC
        xor     si, si
        mov     di, 0x0200
        mov     cx, 3
        rep movsd                               ; 66 A5
        CHECK16 si, 12, "rep movsd si"
        CHECK32 dword [es:0x0208], 0x99AABBCC, "rep movsd data"
        std                                     ; backwards, word size
        mov     si, 0x0004
        mov     di, 0x0304
        mov     cx, 3
        rep movsw
        cld
        CHECK16 si, 0xFFFE, "rep movsw DF=1 si (wraps)"
        CHECK16 di, 0x02FE, "rep movsw DF=1 di"
        CHECK16 word [es:0x0300], 0x3344, "rep movsw DF=1 data 0"
        CHECK16 word [es:0x0304], 0x7788, "rep movsw DF=1 data 2"
        mov     si, 0x0008
        mov     di, 0x0400
        movsb                                   ; no REP: one element
        CHECK8  byte [es:0x0400], 0xCC, "movsb"
        CHECK16 si, 0x0009, "movsb si"
        GROUP_END
        ret

str_stos_lods:
        GROUP   "stos/lods"
        cld
        mov     di, 0x0500
        mov     al, 0xAB
        mov     cx, 5
        rep stosb
        CHECK16 di, 0x0505, "rep stosb di"
        CHECK32 dword [es:0x0501], 0xABABABAB, "rep stosb data"
        mov     ax, 0x1234
        stosw
        CHECK16 word [es:0x0505], 0x1234, "stosw"
        std
        mov     eax, 0xCAFEF00D
        mov     di, 0x0600
        mov     cx, 2
        rep stosd
        cld
        CHECK16 di, 0x05F8, "rep stosd DF=1 di"
        CHECK32 dword [es:0x05FC], 0xCAFEF00D, "rep stosd DF=1 data"
        mov     ax, OTHER_SEG
        mov     fs, ax
        mov     di, 0x0700
        mov     al, 0x5A
        fs stosb                                ; ES:DI cannot be overridden
        CHECK8  byte [es:0x0700], 0x5A, "fs stosb still writes es"
        mov     si, 0x0000                      ; DS:0 = 44 33 22 11 88 77 66 55
        lodsb
        CHECK8  al, 0x44, "lodsb"
        lodsw
        CHECK16 ax, 0x2233, "lodsw"
        lodsd
        CHECK32 eax, 0x66778811, "lodsd"
        CHECK16 si, 7, "lods si"
        std
        lodsb
        cld
        CHECK8  al, 0x55, "lodsb DF=1"
        CHECK16 si, 6, "lodsb DF=1 si"
        mov     byte [es:0x0010], 0x77
        mov     si, 0x0010
        es lodsb                                ; override on the source
        CHECK8  al, 0x77, "es lodsb"
        GROUP_END
        ret

str_scas_cmps:
        GROUP   "scas/cmps"
        cld
        mov     di, 0x0100                      ; ES:0100 = "trapdoor",0
        mov     al, 'd'
        mov     cx, 20
        repne scasb
        CHECKF  F_ZF, F_ZF, "repne scasb found"
        CHECK16 di, 0x0105, "repne scasb di"
        CHECK16 cx, 15, "repne scasb cx"
        mov     di, 0x0501                      ; ES:0501 = AB AB AB AB 34 12
        mov     al, 0xAB
        mov     cx, 10
        repe scasb
        CHECKF  F_ZF|F_CF, 0, "repe scasb mismatch"
        CHECK16 di, 0x0506, "repe scasb di"
        CHECK16 cx, 5, "repe scasb cx"
        mov     di, 0x0505
        mov     ax, 0x1234
        scasw
        CHECKF  F_ZF, F_ZF, "scasw equal"
        mov     di, 0x0200
        mov     eax, 0x55667789
        scasd                                   ; 55667789h - 11223344h
        CHECKF  F_ZF|F_CF|F_SF, 0, "scasd"
        ; CMPS: DS:SI "trapdoor" copy at DS:0100, ES:0100 "trapdoor"
        mov     dword [0x0100], 'trap'
        mov     dword [0x0104], 'dump'
        mov     si, 0x0100
        mov     di, 0x0100
        mov     cx, 8
        repe cmpsb                              ; stops after 'u' vs 'o'
        CHECKF  F_ZF|F_CF, 0, "repe cmpsb u>o"
        CHECK16 si, 0x0106, "repe cmpsb si"
        CHECK16 di, 0x0106, "repe cmpsb di"
        CHECK16 cx, 2, "repe cmpsb cx"
        mov     si, 0x0100
        mov     di, 0x0100
        mov     cx, 4
        repne cmpsw                             ; first words equal: stops at once
        CHECK16 cx, 3, "repne cmpsw cx"
        CHECKF  F_ZF, F_ZF, "repne cmpsw ZF"
        mov     si, 0x0104
        mov     di, 0x0104
        cmpsd                                   ; 706D7564h ('dump') - 726F6F64h ('door')
        CHECKF  F_ZF|F_CF, F_CF, "cmpsd"
        std
        mov     si, 0x0103
        mov     di, 0x0103
        mov     cx, 4
        repe cmpsb                              ; "trap" backwards: all equal
        cld
        CHECKF  F_ZF, F_ZF, "repe cmpsb DF=1 equal"
        CHECK16 si, 0x00FF, "repe cmpsb DF=1 si"
        CHECK16 cx, 0, "repe cmpsb DF=1 cx"
        mov     si, text
        mov     di, 0x0100
        mov     cx, TEXT_LEN
        repe cs cmpsb                           ; CS:text vs ES:0100
        CHECKF  F_ZF, F_ZF, "repe cs cmpsb equal"
        CHECK16 cx, 0, "repe cs cmpsb cx"
        GROUP_END
        ret

str_edges:
        GROUP   "count 0/wrap/a32"
        cld
        mov     si, 0x0020
        mov     di, 0x0800
        xor     cx, cx
        mov     byte [es:0x0800], 0xEE
        rep movsb                               ; CX = 0: nothing
        CHECK16 si, 0x0020, "rep cx=0 si"
        CHECK16 di, 0x0800, "rep cx=0 di"
        CHECK8  byte [es:0x0800], 0xEE, "rep cx=0 no store"
        SETF    F_CF|F_ZF|F_SF
        repe cmpsb
        CHECKF  F_ARITH, F_CF|F_ZF|F_SF, "repe cmpsb cx=0 keeps flags"
        SETF    0
        repne scasb
        CHECKF  F_ARITH, 0, "repne scasb cx=0 keeps flags"
        ; SI/DI wrap at 64 KiB (byte elements: no access crosses FFFFh)
        mov     byte [0xFFFF], 0xA1
        mov     byte [0x0000], 0xA2
        mov     si, 0xFFFF
        mov     di, 0xFFFF
        mov     cx, 2
        rep movsb
        CHECK16 si, 0x0001, "si wraps"
        CHECK16 di, 0x0001, "di wraps"
        CHECK8  byte [es:0xFFFF], 0xA1, "wrap copy 1"
        CHECK8  byte [es:0x0000], 0xA2, "wrap copy 2"
        std
        xor     di, di
        mov     al, 0x3C
        stosb                                   ; DI 0000h -> FFFFh
        cld
        CHECK16 di, 0xFFFF, "di wraps down"
        mov     esi, 0xABCD0000                 ; 16-bit address size: upper kept
        mov     edi, 0x12340000
        mov     ecx, 0x77770001
        rep movsb
        CHECK32 esi, 0xABCD0001, "a16 keeps esi upper"
        CHECK32 edi, 0x12340001, "a16 keeps edi upper"
        CHECK32 ecx, 0x77770000, "a16 keeps ecx upper"
        mov     esi, 0x0000
        mov     edi, 0x0900
        mov     ecx, 12
        a32 rep movsb                           ; ESI/EDI/ECX
        CHECK32 esi, 12, "a32 rep movsb esi"
        CHECK32 edi, 0x090C, "a32 rep movsb edi"
        CHECK32 ecx, 0, "a32 rep movsb ecx"
        CHECK32 dword [es:0x0908], 0x99AABBCC, "a32 rep movsb data"
        GROUP_END
        ret

ROM_END
