; Multiboot test kernel with the header's address fields (flag bit 16, the "a.out
; kludge"; Multiboot Specification 0.6.96 3.1.3): a flat binary loaded at 1 MiB.
; Run as: trapdoor -kernel mb_kludge.bin -append "hello multiboot world" -m 16
; with the debug console and isa-debug-exit at F4h (run_guest.sh --kernel).
        bits    32
        cpu     486
        org     0x100000

MB_RAM_MB       equ     16
%define MB_APPEND "hello multiboot world"
MB_FLAGS        equ     0x00010003      ; page-aligned modules, memory info, address fields
IMAGE_MARKER    equ     0x4B4C5544

mb_header:
        dd      0x1BADB002
        dd      MB_FLAGS
        dd      -(0x1BADB002 + MB_FLAGS)
        dd      mb_header               ; header_addr
        dd      0x100000                ; load_addr: the file's first byte
        dd      load_end                ; load_end_addr
        dd      bss_end                 ; bss_end_addr
        dd      mb_entry                ; entry_addr

%include "mb.inc"

        MB_ENTRY
        call    mb_check_entry
        GROUP   "image"
        ; the whole file was loaded, not only its first pages
        CHECK   [image_marker], IMAGE_MARKER, "last dword of the file"
        GROUP_END
        jmp     mb_finish


        align   4
        times   12288 db 0x90
image_marker:
        dd      IMAGE_MARKER
load_end:

        absolute load_end
        resb    8192
STACK_TOP:
bss_end:
