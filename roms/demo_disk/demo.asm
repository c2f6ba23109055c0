; The demo program, loaded by the boot sector at PROG_ADDR and entered in real
; mode with DL = the boot drive. It shows the machine it runs on (machine_info),
; then walks through trap-and-emulate: sensitive and privileged instructions in
; real mode, at ring 0 and ring 3 and in virtual-8086 mode (steps_real,
; steps_pm), each with what trapdoor's VMM did (read from the VMM info port,
; vmminfo), then a summary (summary). With a display it waits for a key
; between pages; it powers off through QEMU's isa-debug-exit device.
        cpu     686
%include "x86_ops.inc"               ; generated: translate/x86_ops.inc

EXIT_OK         equ     0               ; isa-debug-exit value: all as expected
EXIT_FAILED     equ     1               ; a step's record differs from the expected
WAIT_TICKS      equ     546             ; 30 s of 18.2 Hz BIOS timer ticks
BDA_TICKS       equ     0x46C
STR_BUF_LEN     equ     160             ; the longest VMM info string shown

; variables
        absolute VARS
con_pos:        resd    1               ; the next character cell on the screen
con_attr:       resd    1
vmm_present:    resd    1
cur_rec:        resd    1               ; the step record being filled
cur_op:         resd    1               ; its op id
exc_armed:      resd    1               ; an exception is expected (exc_common)
r0_esp:         resd    1               ; ring-0 ESP to resume at after ring 3 / v86
pm_target:      resd    1
pm_real_sp:     resd    1
boot_from:      resd    1
wait_flag:      resd    1               ; DISK_FLAG_WAIT from the boot sector
failures:       resd    1               ; steps whose record was not the expected one
pic_masks:      resd    1
info_mem_kb:    resd    1               ; INT 12h
info_equip:     resd    1               ; INT 11h
info_e820_n:    resd    1
info_fd_type:   resd    1               ; INT 13h AH=08h, drive 0: BL, CX, DH, DL
info_fd_cx:     resd    1
info_fd_dh:     resd    1
info_fd_count:  resd    1
info_hd_count:  resd    1
info_video:     resd    1               ; INT 10h AH=0Fh: AL mode, AH columns
smc_before:     resd    1               ; SMC invalidations before / after
smc_after:      resd    1
smc_first:      resd    1               ; what the code returned before / after
smc_second:     resd    1
page_first:     resd    1               ; print_page's range of steps
page_count:     resd    1
final_wait:     resd    1               ; the next wait_key is the last one
cpu_vendor:     resb    16
r3_buf:         resb    16              ; what ring-3 code stores
str_buf:        resb    STR_BUF_LEN     ; con_vmm_str_wrap's string
vars_end:
        section prog

        bits    16
        jmp     main

main:
        cli
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     sp, STACK0_TOP
        cld
        mov     di, VARS
        mov     cx, vars_end - VARS
        rep     stosb
        mov     byte [con_attr], ATTR_NORMAL
        mov     [boot_from], dl
        mov     al, [BOOT_ADDR + DISK_CONFIG_FLAGS]
        and     al, DISK_FLAG_WAIT
        mov     [wait_flag], al
        sti
        call    vmm_detect
        call    gather_info
        call    pm_setup
        mov     eax, print_machine
        call    pm_run
        call    wait_key
        call    walk_through                    ; returns in real mode
        call    pic_restore
        mov     dword [page_first], 0
.page:  mov     eax, print_page
        call    pm_run
        mov     eax, [page_first]
        add     eax, STEPS_PER_PAGE
        mov     [page_first], eax
        cmp     eax, STEP_COUNT
        jae     .summary
        call    wait_key
        jmp     .page
.summary:
        call    wait_key
        mov     eax, print_summary
        call    pm_run
        mov     byte [final_wait], 1
        call    wait_key
        mov     eax, print_power_off
        call    pm_run
        mov     al, EXIT_OK
        cmp     dword [failures], 0
        je      .exit
        mov     al, EXIT_FAILED
.exit:  mov     dx, DEBUG_EXIT
        out     dx, al
.halt:  cli                                     ; no isa-debug-exit: just stop
        hlt
        jmp     .halt

; wait_key: with a display, wait for a key or WAIT_TICKS (the BIOS's INT 16h
; and its timer tick count); headless, return at once
wait_key:
        cmp     byte [wait_flag], 0
        je      .done
        mov     eax, wait_prompt
        call    pm_run
        sti
        mov     ebx, [BDA_TICKS]
.poll:  mov     ah, 0x01
        int     0x16
        jnz     .key
        mov     eax, [BDA_TICKS]
        sub     eax, ebx
        cmp     eax, WAIT_TICKS
        jae     .done
        hlt
        jmp     .poll
.key:   mov     ah, 0x00
        int     0x16
.done:  ret

%include "vmminfo.asm"
%include "console.asm"
%include "pm.asm"
%include "machine_info.asm"
%include "steps_real.asm"
%include "steps_pm.asm"
%include "summary.asm"

        bits    32
; wait_prompt: the "press a key" line (32-bit, under pm_run)
wait_prompt:
        COLOR   ATTR_DIM
        cmp     byte [final_wait], 0
        jne     .off
        PUTS    "-- press any key to continue --", 10
        jmp     .done
.off:   PUTS    "-- press any key to power off --", 10
.done:  COLOR   ATTR_NORMAL
        ret

print_power_off:
        COLOR   ATTR_NORMAL
        cmp     dword [failures], 0
        jne     .failed
        PUTS    "demo complete: every step did what was expected; powering off", 10
        ret
.failed:
        COLOR   ATTR_TRAP
        PUTS    "demo complete, but "
        mov     eax, [failures]
        call    con_dec
        PUTS    " step(s) differed from what was expected; powering off", 10
        COLOR   ATTR_NORMAL
        ret
