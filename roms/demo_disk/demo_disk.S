/* Embeds the demo disk's sectors in use (roms/demo_disk/disk.asm assembled with
 * -DDEMO_DISK_TRIM) in read-only data with GNU as .incbin: td_demo_disk[
 * td_demo_disk_size]. DEMO_DISK_BIN, the image's quoted path, comes from
 * roms/meson.build. */
        .section .rodata
        .balign 16
        .globl  td_demo_disk
td_demo_disk:
        .incbin DEMO_DISK_BIN
td_demo_disk_end:
        .balign 4
        .globl  td_demo_disk_size
td_demo_disk_size:
        .4byte  td_demo_disk_end - td_demo_disk

#ifdef __ELF__
        /* no executable stack needed */
        .section .note.GNU-stack, "", %progbits
#endif
