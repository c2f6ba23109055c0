/* Embeds the trapdoor BIOS image (roms/bios.asm, assembled by nasm) in the
 * program's read-only data with GNU as .incbin: td_bios_rom[td_bios_rom_size].
 * BIOS_ROM_BIN, the image's quoted path, comes from roms/meson.build. */
        .section .rodata
        .balign 16
        .globl  td_bios_rom
td_bios_rom:
        .incbin BIOS_ROM_BIN
td_bios_rom_end:
        .balign 4
        .globl  td_bios_rom_size
td_bios_rom_size:
        .4byte  td_bios_rom_end - td_bios_rom

#ifdef __ELF__
        /* no executable stack needed */
        .section .note.GNU-stack, "", %progbits
#endif
