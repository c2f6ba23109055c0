; trapdoor demo ROM: a 64 KiB real-mode guest that starts at the reset vector and
; reports what it does through the debug console (port E9h, as QEMU's isa-debugcon).
; Intel SDM vol. 3 9.1.4 (first instruction at FFFFFFF0h), 20.1.4 (real-mode IVT).
        bits    16
        cpu     686
        org     0

DEBUGCON        equ     0xE9
STACK_TOP       equ     0x7000
; RAM variables, addressed through SS (= 0)
CHECKS          equ     0x0500
FAILS           equ     0x0502
DE_IP           equ     0x0504
; scratch RAM at 10000h: sieve at offset 0, string copy at STR_COPY
WORK_SEG        equ     0x1000
SIEVE_LIMIT     equ     10000
STR_COPY        equ     0x3000
; self-modifying-code routine at 0000:0600
SMC_ADDR        equ     0x0600
SOFT_INT        equ     0x60

; PRINT "text", 10: print a literal through the debug console.
%macro PRINT 1+
        jmp     %%after
%%text: db      %1, 0
%%after:
        push    si
        mov     si, %%text
        call    puts
        pop     si
%endmacro

start:
        cli
        mov     ebp, edx                ; EDX holds the processor signature at reset
        xor     ax, ax
        mov     ss, ax
        mov     sp, STACK_TOP
        mov     ax, cs
        mov     ds, ax
        cld
        mov     word [ss:CHECKS], 0
        mov     word [ss:FAILS], 0

        PRINT   "trapdoor demo ROM: a real-mode guest started at the reset vector F000:FFF0", 10
        PRINT   "reset: EDX (processor signature) = "
        mov     eax, ebp
        call    print_hex32
        PRINT   "h", 10

        call    demo_cpuid
        call    demo_arith
        call    demo_primes
        call    demo_crc32
        call    demo_string
        call    demo_soft_int
        call    demo_divide_error
        call    demo_smc
        call    summary

        PRINT   "demo: halting with interrupts disabled (CLI; HLT)", 10
        cli
.halt:  hlt
        jmp     .halt

; ---------------------------------------------------------------- CPUID
; CPUID exists when software can toggle EFLAGS.ID (SDM vol. 1 3.4.3.3).
demo_cpuid:
        pushfd
        pop     eax
        mov     ecx, eax
        xor     eax, 1 << 21
        push    eax
        popfd
        pushfd
        pop     eax
        push    ecx
        popfd
        xor     eax, ecx
        test    eax, 1 << 21
        jnz     .has_cpuid
        PRINT   "cpuid: EFLAGS.ID cannot be toggled: no CPUID on this CPU", 10
        ret
.has_cpuid:
        xor     eax, eax
        cpuid
        mov     [ss:0x0510], ebx        ; vendor string is EBX, EDX, ECX
        mov     [ss:0x0514], edx
        mov     [ss:0x0518], ecx
        mov     byte [ss:0x051C], 0
        push    eax
        PRINT   'cpuid: vendor "'
        push    ds
        push    ss
        pop     ds
        mov     si, 0x0510
        call    puts
        pop     ds
        PRINT   '", highest leaf '
        pop     eax
        call    print_dec32
        PRINT   10
        mov     eax, 1
        cpuid
        push    edx
        PRINT   "cpuid: family "
        mov     ebx, eax
        shr     eax, 8
        and     eax, 0x0F
        call    print_dec32
        PRINT   ", model "
        mov     eax, ebx
        shr     eax, 4
        and     eax, 0x0F
        call    print_dec32
        PRINT   ", stepping "
        mov     eax, ebx
        and     eax, 0x0F
        call    print_dec32
        PRINT   ", feature flags EDX = "
        pop     eax
        call    print_hex32
        PRINT   "h", 10
        ret

; ---------------------------------------------------------------- arithmetic
demo_arith:
        PRINT   "arith: sum of squares 1..100 = "
        xor     ebx, ebx
        mov     ecx, 100
.square:
        mov     eax, ecx
        imul    eax, eax
        add     ebx, eax
        loop    .square
        mov     eax, ebx
        call    print_dec32
        mov     ebx, 338350
        call    check

        PRINT   "arith: 12! = "
        mov     eax, 1
        mov     ecx, 12
.fact:  mul     ecx
        loop    .fact
        call    print_dec32
        mov     ebx, 479001600
        call    check

        PRINT   "arith: gcd(1071, 462) = "
        mov     eax, 1071
        mov     ecx, 462
.gcd:   xor     edx, edx
        div     ecx
        mov     eax, ecx
        mov     ecx, edx
        test    ecx, ecx
        jnz     .gcd
        call    print_dec32
        mov     ebx, 21
        call    check

        PRINT   "arith: -1000 / 7 = "
        mov     eax, -1000
        cdq
        mov     ecx, 7
        idiv    ecx
        call    print_sdec32
        mov     ebx, -142
        call    check
        PRINT   "arith: -1000 % 7 = "
        mov     eax, edx
        call    print_sdec32
        mov     ebx, -6
        call    check
        ret

; ---------------------------------------------------------------- primes
; Sieve of Eratosthenes over SIEVE_LIMIT bytes of RAM at WORK_SEG:0.
demo_primes:
        push    es
        mov     ax, WORK_SEG
        mov     es, ax
        xor     di, di
        mov     cx, SIEVE_LIMIT
        xor     al, al
        rep     stosb
        mov     bx, 2
.outer: mov     ax, bx
        mul     bx
        cmp     ax, SIEVE_LIMIT
        jae     .count
        cmp     byte [es:bx], 0
        jne     .next
        mov     di, ax
.mark:  mov     byte [es:di], 1
        add     di, bx
        cmp     di, SIEVE_LIMIT
        jb      .mark
.next:  inc     bx
        jmp     .outer
.count:
        PRINT   "primes: the first ten are"
        xor     eax, eax
        mov     bx, 2
.scan:  cmp     byte [es:bx], 0
        jne     .composite
        inc     eax
        cmp     eax, 10
        ja      .composite
        PRINT   " "
        push    eax
        movzx   eax, bx
        call    print_dec32
        pop     eax
.composite:
        inc     bx
        cmp     bx, SIEVE_LIMIT
        jb      .scan
        PRINT   10, "primes: below 10000 there are "
        call    print_dec32
        mov     ebx, 1229
        call    check
        pop     es
        ret

; ---------------------------------------------------------------- CRC-32
; Bitwise CRC-32 (IEEE 802.3, reflected polynomial EDB88320h); the check value
; of "123456789" is CBF43926h.
demo_crc32:
        PRINT   'crc32: CRC-32 of "123456789" = '
        mov     si, crc_input
        mov     cx, crc_input_len
        mov     eax, 0xFFFFFFFF
.byte:  xor     al, [si]
        inc     si
        mov     dx, 8
.bit:   shr     eax, 1
        jnc     .no_xor
        xor     eax, 0xEDB88320
.no_xor:
        dec     dx
        jnz     .bit
        loop    .byte
        not     eax
        call    print_hex32
        PRINT   "h"
        mov     ebx, 0xCBF43926
        call    check
        ret

crc_input:      db      "123456789"
crc_input_len   equ     $ - crc_input

; ---------------------------------------------------------------- strings
; REPNE SCASB measures a ROM string, REP MOVSB copies it into RAM, REPE CMPSB
; compares the copy, and a LODSB/STOSB loop upper-cases it in place.
demo_string:
        push    es
        push    cs
        pop     es
        mov     di, message
        mov     cx, 0xFFFF
        xor     al, al
        repne   scasb
        not     cx
        dec     cx                      ; length without the terminator
        mov     dx, cx
        PRINT   "string: REPNE SCASB measured the message: "
        movzx   eax, dx
        call    print_dec32
        PRINT   " bytes"
        mov     ebx, message_len
        call    check

        mov     ax, WORK_SEG
        mov     es, ax
        mov     si, message
        mov     di, STR_COPY
        mov     cx, dx
        inc     cx
        rep     movsb
        mov     si, message
        mov     di, STR_COPY
        mov     cx, dx
        repe    cmpsb
        setne   al                      ; before PRINT, which changes the flags
        movzx   eax, al
        PRINT   "string: REP MOVSB copied it to 1000:3000, REPE CMPSB compares equal"
        xor     ebx, ebx
        call    check

        push    ds
        push    es
        pop     ds
        mov     si, STR_COPY
        mov     di, STR_COPY
.upper: lodsb
        cmp     al, 'a'
        jb      .store
        cmp     al, 'z'
        ja      .store
        sub     al, 'a' - 'A'
.store: stosb
        test    al, al
        jnz     .upper
        pop     ds
        PRINT   'string: upper-cased copy reads "'
        push    ds
        push    es
        pop     ds
        mov     si, STR_COPY
        call    puts
        pop     ds
        PRINT   '"', 10
        pop     es
        ret

message:        db      "hello from ROM, copied into RAM", 0
message_len     equ     $ - message - 1

; ---------------------------------------------------------------- INT n
; Install a handler for vector 60h in the interrupt vector table at 0000:0000
; (4 bytes per vector: offset, then segment) and call it with INT.
demo_soft_int:
        push    es
        xor     ax, ax
        mov     es, ax
        mov     word [es:SOFT_INT * 4], int60_handler
        mov     [es:SOFT_INT * 4 + 2], cs
        pop     es
        PRINT   "int: installed a handler for INT 60h at 0000:0180 (IVT)", 10
        mov     ax, 21
        int     SOFT_INT
        PRINT   "int: INT 60h returned AX = "
        movzx   eax, ax
        call    print_dec32
        mov     ebx, 42
        call    check
        ret

; INT 60h: AX <- AX * 2. INT pushed FLAGS, CS and IP and cleared IF and TF.
int60_handler:
        PRINT   "int:   in the handler with AX = "
        push    eax
        movzx   eax, ax
        call    print_dec32
        pop     eax
        PRINT   ", doubling it and returning with IRET", 10
        add     ax, ax
        iret

; ---------------------------------------------------------------- #DE
; A divide error pushes the address of the faulting DIV itself (286 and later),
; so the handler must step over it to resume (SDM vol. 3 6.5, interrupt 0).
demo_divide_error:
        push    es
        xor     ax, ax
        mov     es, ax
        mov     word [es:0], de_handler
        mov     [es:2], cs
        pop     es
        mov     word [ss:DE_IP], 0
        PRINT   "#DE: installed a divide-error handler, now dividing 1234 by zero", 10
        mov     ax, 1234
        xor     bl, bl
.fault: div     bl                      ; F6 F3: two bytes, skipped by the handler
        PRINT   "#DE: resumed after the DIV; the handler saw IP = "
        movzx   eax, word [ss:DE_IP]
        call    print_hex16
        PRINT   "h"
        mov     ebx, .fault
        call    check
        ret

de_handler:
        push    bp
        mov     bp, sp
        mov     ax, [bp + 2]            ; the pushed IP
        mov     [ss:DE_IP], ax
        add     word [bp + 2], 2
        pop     bp
        PRINT   "#DE:   handler caught the fault, stepping over the DIV", 10
        iret

; ---------------------------------------------------------------- SMC
; Copy a routine into RAM, run it, patch its immediate and run it again: the
; second call must see the new code (a translator must drop the stale block).
demo_smc:
        push    es
        xor     ax, ax
        mov     es, ax
        mov     si, smc_template
        mov     di, SMC_ADDR
        mov     cx, smc_template_len
        rep     movsb
        call    0x0000:SMC_ADDR
        PRINT   "smc: routine copied to 0000:0600 returns "
        movzx   eax, ax
        call    print_hex16
        PRINT   "h"
        mov     ebx, 0x1111
        call    check
        mov     word [es:SMC_ADDR + 1], 0x2222
        call    0x0000:SMC_ADDR
        PRINT   "smc: after patching its immediate it returns "
        movzx   eax, ax
        call    print_hex16
        PRINT   "h"
        mov     ebx, 0x2222
        call    check
        pop     es
        ret

smc_template:
        mov     ax, 0x1111
        retf
smc_template_len equ    $ - smc_template

; ---------------------------------------------------------------- summary
summary:
        PRINT   "demo: "
        movzx   eax, word [ss:CHECKS]
        call    print_dec32
        PRINT   " checks, "
        movzx   eax, word [ss:FAILS]
        test    eax, eax
        jnz     .failed
        PRINT   "all passed", 10
        ret
.failed:
        call    print_dec32
        PRINT   " FAILED", 10
        ret

; ---------------------------------------------------------------- output
; check: print " [ok]" if EAX == EBX, else the expected value; count both.
check:
        inc     word [ss:CHECKS]
        cmp     eax, ebx
        jne     .bad
        PRINT   " [ok]", 10
        ret
.bad:   inc     word [ss:FAILS]
        PRINT   " [MISMATCH: expected "
        push    eax
        mov     eax, ebx
        call    print_hex32
        pop     eax
        PRINT   "h]", 10
        ret

; puts: print the zero-terminated string at DS:SI.
puts:
        push    ax
        push    si
.next:  lodsb
        test    al, al
        jz      .done
        out     DEBUGCON, al
        jmp     .next
.done:  pop     si
        pop     ax
        ret

; print_hex32 / print_hex16: EAX / AX as 8 / 4 upper-case hex digits.
print_hex32:
        push    eax
        push    cx
        mov     cx, 8
.digit: rol     eax, 4
        call    hex_digit
        loop    .digit
        pop     cx
        pop     eax
        ret

print_hex16:
        push    ax
        push    cx
        mov     cx, 4
.digit: rol     ax, 4
        call    hex_digit
        loop    .digit
        pop     cx
        pop     ax
        ret

; hex_digit: print the low nibble of AL.
hex_digit:
        push    ax
        and     al, 0x0F
        add     al, '0'
        cmp     al, '9'
        jbe     .out
        add     al, 'A' - '9' - 1
.out:   out     DEBUGCON, al
        pop     ax
        ret

; print_dec32: EAX as an unsigned decimal number.
print_dec32:
        pushad
        mov     ecx, 10
        xor     bx, bx
.divide:
        xor     edx, edx
        div     ecx
        push    dx
        inc     bx
        test    eax, eax
        jnz     .divide
.out:   pop     ax
        add     al, '0'
        out     DEBUGCON, al
        dec     bx
        jnz     .out
        popad
        ret

; print_sdec32: EAX as a signed decimal number.
print_sdec32:
        test    eax, eax
        jns     print_dec32
        push    eax
        mov     al, '-'
        out     DEBUGCON, al
        pop     eax
        push    eax
        neg     eax
        call    print_dec32
        pop     eax
        ret

; ---------------------------------------------------------------- reset vector
; The CPU starts at CS:IP = F000:FFF0 with CS base FFFF0000h, i.e. 16 bytes below
; 4 GiB; the board maps this image there and at F0000h, so a far jump reloads
; CS with a real-mode base and execution continues in the low copy.
        times   0xFFF0 - ($ - $$) db 0xFF
reset_vector:
        jmp     0xF000:start
        times   0x10000 - ($ - $$) db 0
