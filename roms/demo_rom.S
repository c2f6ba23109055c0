/* Embeds the demo ROM image (roms/demo.asm, assembled by nasm) in the program's
 * read-only data with GNU as .incbin: td_demo_rom[td_demo_rom_size].
 * DEMO_ROM_BIN, the image's quoted path, comes from roms/meson.build. */
        .section .rodata
        .balign 16
        .globl  td_demo_rom
td_demo_rom:
        .incbin DEMO_ROM_BIN
td_demo_rom_end:
        .balign 4
        .globl  td_demo_rom_size
td_demo_rom_size:
        .4byte  td_demo_rom_end - td_demo_rom

#ifdef __ELF__
        /* no executable stack needed */
        .section .note.GNU-stack, "", %progbits
#endif
