; trapdoor BIOS: the 16-bit half. Every service is a stub of a few bytes that
; pushes a service code and writes the hypercall port; the VMM (roms/bios.c)
; does the work in C against the virtual machine's state and returns. This is
; trap-and-emulate applied to firmware: the OUT is an I/O instruction, so the
; translator turns it into a VMM call (docs/internals.md, "BIOS").
;
; Protocol: on the OUT, the word at SS:SP is the service code (an interrupt
; vector, or BIOS_POST); above it is the interrupt frame (IP, CS, FLAGS) when the
; stub was entered by INT. The VMM pops the code (SP += 2) when the service is
; done and execution continues after the OUT; for a service that must wait (a
; key, a tick) it leaves the code in place and sends the CPU to wait_stub, which
; enables interrupts, halts, and re-issues the call.
;
; The image is the 64 KiB F000 segment. Offsets the VMM needs are in the header
; at F000:0000; the classic fixed entry points of the IBM PC/AT BIOS that
; programs rely on are kept (POST at E05Bh, reset vector at FFF0h, date, model).

bits 16
org 0

HC_PORT         equ 0xEF            ; hypercall port (unused on PC/AT boards)
BIOS_POST       equ 0x100           ; service code of the power-on self test
PIC1            equ 0x20
PIC2            equ 0xA0
EOI             equ 0x20

; ---------------------------------------------------------------- header
header:
        db 'TDBIOS', 1, 0           ; magic, layout version, reserved
        dw stub_table               ; (vector byte, offset word) pairs, FFh ends
        dw default_int              ; vectors without a stub
        dw default_irq_master       ; IRQ 0-7 without a stub (EOI to the master)
        dw default_irq_slave        ; IRQ 8-15 without a stub (EOI to both)
        dw wait_stub                ; where a waiting service sends the CPU
        dw boot_stub                ; where POST ends: INT 19h
        dw halt_stub                ; nothing left to do: CLI; HLT
        dw font8x8                  ; 256 x 8 bytes, filled in by the VMM
        dw font8x14                 ; 256 x 14 bytes
        dw font8x16                 ; 256 x 16 bytes
        dw config_table             ; INT 15h AH=C0h
        dw 0                        ; end

; (vector, handler) for every vector with a stub of its own
stub_table:
        db 0x08
        dw int08
        db 0x09
        dw int09
        db 0x0E
        dw int0e
        db 0x10
        dw int10
        db 0x11
        dw int11
        db 0x12
        dw int12
        db 0x13
        dw int13
        db 0x14
        dw int14
        db 0x15
        dw int15
        db 0x16
        dw int16
        db 0x17
        dw int17
        db 0x18
        dw int18
        db 0x19
        dw int19
        db 0x1A
        dw int1a
        db 0x70
        dw int70
        db 0xFF

; ---------------------------------------------------------------- services
; A plain service: the VMM does everything, then IRET returns to the caller.
%macro SERVICE 1
int%1:
        push word 0x%1
        out HC_PORT, al
        iret
%endmacro

SERVICE 10                          ; video
SERVICE 11                          ; equipment list
SERVICE 12                          ; memory size
SERVICE 13                          ; disk
SERVICE 14                          ; serial ports
SERVICE 15                          ; system services (A20, memory map, ...)
SERVICE 16                          ; keyboard
SERVICE 17                          ; printer
SERVICE 18                          ; no bootable device
SERVICE 19                          ; bootstrap loader
SERVICE 1a                          ; time of day

; IRQ 0: the VMM counts the tick; then the user hook INT 1Ch, then EOI.
int08:
        push word 0x08
        out HC_PORT, al
        int 0x1C
        push ax
        mov al, EOI
        out PIC1, al
        pop ax
        iret

; IRQ 1: read the scan code, offer it to INT 15h AH=4Fh (CF clear = consumed),
; then the VMM turns it into a key in the BDA buffer.
int09:
        push ax
        in al, 0x60
        mov ah, 0x4F
        stc
        int 0x15
        jnc .done
        push word 0x09
        out HC_PORT, al
.done:
        mov al, EOI
        out PIC1, al
        pop ax
        iret

; IRQ 6: the floppy controller's interrupt flag in the BDA.
int0e:
        push word 0x0E
        out HC_PORT, al
        push ax
        mov al, EOI
        out PIC1, al
        pop ax
        iret

; IRQ 8: the RTC (periodic wait of INT 15h AH=83h/86h), then EOI to both PICs.
int70:
        push word 0x70
        out HC_PORT, al
        push ax
        mov al, EOI
        out PIC2, al
        out PIC1, al
        pop ax
        iret

default_int:
        iret

default_irq_master:
        push ax
        mov al, EOI
        out PIC1, al
        pop ax
        iret

default_irq_slave:
        push ax
        mov al, EOI
        out PIC2, al
        out PIC1, al
        pop ax
        iret

; A service that must wait (INT 16h AH=00h with an empty buffer, INT 15h
; AH=86h, ...) comes here with its code still on the stack; interrupts run
; while the CPU halts, then the call is made again.
wait_stub:
        sti
        hlt
        cli
        out HC_PORT, al
        iret

; End of POST: load the boot sector and jump to it; INT 19h returns only when
; no device could be booted, and INT 18h then reports it.
boot_stub:
        sti
        int 0x19
        int 0x18
halt_stub:
        cli
        hlt
        jmp halt_stub

; INT 15h AH=C0h: system configuration parameters (IBM PC/AT model FCh).
config_table:
        dw 8                        ; bytes that follow
        db 0xFC, 0x01, 0x00         ; model, submodel, BIOS revision
        db 0x74                     ; EBDA allocated, slave PIC, RTC, INT 15h/4Fh by INT 09h
        db 0x40, 0x00, 0x00, 0x00   ; INT 16h AH=09h supported

; ---------------------------------------------------------------- fonts
; Filled in by the VMM from the project's own font tables (roms/font.c)
; before the image is mapped, so INT 10h AX=1130h can hand out pointers.
        align 16
font8x8:
        times 256 * 8 db 0
font8x14:
        times 256 * 14 db 0
font8x16:
        times 256 * 16 db 0

; ---------------------------------------------------------------- fixed points
        times 0xE05B - ($ - $$) db 0
post:                               ; F000:E05B, the PC/AT POST entry
        cli
        cld
        xor ax, ax
        mov ss, ax
        mov sp, 0x7C00
        push word BIOS_POST
        out HC_PORT, al             ; the VMM runs POST, then sends the CPU to boot_stub
        jmp halt_stub

        times 0xFFF0 - ($ - $$) db 0
reset:                              ; F000:FFF0, the reset vector
        jmp 0xF000:post
        db '11/24/26'               ; F000:FFF5, BIOS date
        db 0
        db 0xFC                     ; F000:FFFE, model byte: PC/AT
        db 0
