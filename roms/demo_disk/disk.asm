; The trapdoor demo disk: a bootable 1.44 MB floppy image. Sector 0 is the boot
; sector (boot.asm), which loads the program (demo.asm and its parts, sectors
; 1..n) to PROG_ADDR with INT 13h. -DDEMO_DISK_TRIM stops after the program's
; last sector instead of padding to the whole 2880 sectors (the frontend pads).
%include "disk.inc"

        section boot start=0 vstart=BOOT_ADDR
%include "boot.asm"

        section prog start=512 vstart=PROG_ADDR
prog_start:
%include "demo.asm"
prog_end:
prog_sectors    equ     (prog_end - prog_start + 511) / 512
%if prog_end - prog_start > PROG_MAX
%error "the demo program outgrew its 28 KiB"
%endif
        times   prog_sectors * 512 - (prog_end - prog_start) db 0
%ifndef DEMO_DISK_TRIM
        times   (DISK_TOTAL_SECTORS - 1 - prog_sectors) * 512 db 0
%endif
