; Multiboot test kernel as an ELF32 i386 executable (Multiboot Specification
; 0.6.96 3.1; System V ABI ELF header and program headers written out by hand):
; a text segment at 1 MiB (with 8 KiB of bss for the stack) and a data segment at
; 400h, over the BIOS data area POST filled in: its 16 file bytes must arrive and
; the 240 bss bytes after them must be zeroed by the loader.
; Run as: trapdoor -kernel mb_elf.bin -append "hello multiboot world" -m 40
        bits    32
        cpu     486

MB_RAM_MB       equ     40
%define MB_APPEND "hello multiboot world"
MB_FLAGS        equ     0x00000003      ; page-aligned modules, memory info
TEXT_BASE       equ     0x100000
DATA_BASE       equ     0x400
DATA_FILESZ     equ     16
DATA_MEMSZ      equ     0x100
STACK_SIZE      equ     8192

        section text start=0 vstart=TEXT_BASE
elf_header:
        db      0x7F, "ELF", 1, 1, 1, 0         ; ELFCLASS32, ELFDATA2LSB, EV_CURRENT
        times   8 db 0
        dw      2                               ; e_type ET_EXEC
        dw      3                               ; e_machine EM_386
        dd      1                               ; e_version
        dd      mb_entry                        ; e_entry
        dd      program_headers - elf_header    ; e_phoff
        dd      0                               ; e_shoff
        dd      0                               ; e_flags
        dw      52                              ; e_ehsize
        dw      32                              ; e_phentsize
        dw      2                               ; e_phnum
        dw      40, 0, 0                        ; e_shentsize, e_shnum, e_shstrndx
program_headers:
        ; p_type PT_LOAD, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align
        dd      1, 0, TEXT_BASE, TEXT_BASE, text_end - elf_header
        dd      text_end - elf_header + STACK_SIZE, 5, 0x1000
        dd      1, section.data.start, DATA_BASE, DATA_BASE, DATA_FILESZ, DATA_MEMSZ, 6, 4

mb_header:
        dd      0x1BADB002
        dd      MB_FLAGS
        dd      -(0x1BADB002 + MB_FLAGS)

STACK_TOP       equ     text_end + STACK_SIZE

%include "mb.inc"

        MB_ENTRY
        call    mb_check_entry
        GROUP   "elf segments"
        CHECK   [DATA_BASE], 0x61746164, "data segment loaded"
        CHECK   [DATA_BASE + 12], 0x216B6F2D, "data segment end"
        ; the bss over the BIOS data area: every byte zero
        mov     esi, DATA_BASE + DATA_FILESZ
        xor     eax, eax
.bss:   or      al, [esi]
        inc     esi
        cmp     esi, DATA_BASE + DATA_MEMSZ
        jb      .bss
        CHECK   eax, 0, "data bss zeroed"
        GROUP_END
        jmp     mb_finish

        align   4
text_end:

        section data follows=text vstart=DATA_BASE
        db      "data-segment-ok!"
