#!/usr/bin/env bash
# Command-line tests of the trapdoor binary: usage: test_cli.sh TRAPDOOR CASE.
# Each case runs trapdoor and checks its exit status, stdout and stderr. Tiny
# BIOS images are built here: 64 KiB of HLT with a few bytes at the reset vector.
# $TRAPDOOR_WRAPPER (default: meson's $MESON_EXE_WRAPPER of a cross build, such
# as qemu-aarch64) runs trapdoor when it is a binary for another host.
set -uo pipefail

read -r -a wrapper <<<"${TRAPDOOR_WRAPPER-${MESON_EXE_WRAPPER:-}}"
td=$1
case_name=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
    echo "FAIL [$case_name]: $*"
    echo "--- command: ${last_cmd[*]}"
    echo "--- exit status: $status"
    echo "--- stdout:"; head -c 4000 "$work/out"
    echo "--- stderr:"; head -c 4000 "$work/err"
    exit 1
}

# run ARGS...: run trapdoor, keep status, stdout and stderr; never reads stdin,
# never opens a window (no $DISPLAY: the default display is none).
run() {
    last_cmd=("$td" "$@")
    timeout 60 env -u DISPLAY -u WAYLAND_DISPLAY "${wrapper[@]}" "$td" "$@" >"$work/out" 2>"$work/err" </dev/null
    status=$?
    if grep -qE 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:' "$work/err"; then
        fail "sanitizer report"
    fi
}

expect_status() { [[ $status -eq $1 ]] || fail "expected exit status $1"; }
expect_failure() {
    [[ $status -ne 0 && $status -lt 124 ]] || fail "expected an error exit status"
}
expect_out() { grep -qF -- "$1" "$work/out" || fail "stdout lacks '$1'"; }
expect_err() { grep -qF -- "$1" "$work/err" || fail "stderr lacks '$1'"; }
expect_no_out() { [[ ! -s $work/out ]] || fail "expected no output on stdout"; }

# make_rom FILE HEXBYTES: 64 KiB of F4 (HLT) with HEXBYTES at offset FFF0h,
# where the CPU starts (F000:FFF0, CS base FFFF0000h).
make_rom() {
    head -c 65536 /dev/zero | tr '\0' '\364' >"$1"
    printf "$(sed 's/\([0-9a-fA-F][0-9a-fA-F]\)/\\x\1/g' <<<"$2")" |
        dd of="$1" bs=1 seek=$((0xFFF0)) conv=notrunc status=none
}

# mov al,'A'; out 0E9h,al; mov al,10; out 0E9h,al; cli; hlt
ROM_HELLO="B041E6E9B00AE6E9FAF4"
# mov dx,0501h; mov al,5; out dx,al; hlt
ROM_EXIT_501="BA0105B005EEF4"
# mov al,5; out 0F4h,al; hlt
ROM_EXIT_F4="B005E6F4F4"
# sti; hlt
ROM_IDLE="FBF4"
# jmp $
ROM_LOOP="EBFE"
# the demo disk retires well under a million instructions: a broken CPU that
# loops stops at this budget (exit status 2) instead of at the timeout
DEMO_BUDGET=(--max-insns 10000000)

# expect_demo_steps: the walk-through's outcomes as the VMM info port reported
# them (roms/demo_disk/steps_*.asm), and no step that differed
expect_demo_steps() {
    local step
    for step in "CLI in real mode: emulated" "STI in real mode: emulated" \
                "PUSHF in real mode: emulated, FLAGS pushed 00000206" \
                "OUT 70h (CMOS index 0: seconds): emulated" "INT 60h to the guest's own handler: emulated" \
                "LGDT in real mode: emulated" "MOV CR0 setting PE: emulated" \
                "far JMP into the 32-bit code segment: emulated" \
                "SGDT at ring 3: emulated, GDT base revealed 00001000" \
                "SIDT at ring 3: emulated, IDT base revealed 00001800" \
                "SMSW at ring 3: emulated, MSW revealed 00000011" \
                "STR at ring 3: emulated, TR revealed 00000038" \
                "POPF setting IF at ring 3: emulated, IF after it 00000000" \
                "CLI at ring 3: reflected as #GP(0000)" "MOV CR0 at ring 3: reflected as #GP(0000)" \
                "INT 21h in v86 mode with IOPL 0: reflected as #GP(0000)" \
                "IRET in v86 mode with IOPL 0: reflected as #GP(0000)"; do
        expect_out "$step"
    done
    # the VMM's counters: the first SGDT of the run, one call; the ring-3 CLI
    # one call and one exception delivered
    expect_out "SGDT (sgdt), SENSITIVE: VMM calls 0 -> 1, exceptions"
    grep -A1 -F "CLI at ring 3:" "$work/out" |
        grep -qE 'CLI \(cli\), PRIVILEGED: VMM calls ([0-9]+) -> [0-9]+, exceptions' ||
        fail "no VMM record line for the ring-3 CLI"
    local cli_line
    cli_line=$(grep -A1 -F "CLI at ring 3:" "$work/out" | tail -1)
    [[ $cli_line =~ calls\ ([0-9]+)\ -\>\ ([0-9]+),\ exceptions\ ([0-9]+)\ -\>\ ([0-9]+) ]] ||
        fail "unreadable VMM record line '$cli_line'"
    (( BASH_REMATCH[2] == BASH_REMATCH[1] + 1 && BASH_REMATCH[4] == BASH_REMATCH[3] + 1 )) ||
        fail "ring-3 CLI: expected one VMM call and one exception: '$cli_line'"
    local cli_exc_after=${BASH_REMATCH[4]}
    # each faulting step runs once: the next one starts where the ring-3 CLI's
    # exceptions count ended
    local cr0_line
    cr0_line=$(grep -A1 -F "MOV CR0 at ring 3:" "$work/out" | tail -1)
    [[ $cr0_line =~ exceptions\ ([0-9]+)\ -\>\ ([0-9]+) ]] ||
        fail "unreadable VMM record line '$cr0_line'"
    (( BASH_REMATCH[1] == cli_exc_after && BASH_REMATCH[2] == cli_exc_after + 1 )) ||
        fail "ring-3 MOV CR0 did not follow the CLI's single run: '$cr0_line'"
    expect_out "why: clears IF: faults when CPL > IOPL"
    # the debug console copy of a long reason stays on one line
    expect_out "why: silently ignores IF/IOPL changes outside ring 0 instead of trapping (Popek-Goldberg violation)"
    grep -qE 'SMC invalidations [0-9]+ -> [1-9]' "$work/out" || fail "no SMC invalidation"
    grep -qE '^  blocks translated +[1-9]' "$work/out" || fail "no translation statistics"
    grep -qE '^  PRIVILEGED +[1-9]' "$work/out" || fail "no VMM calls by class"
    expect_out "demo complete: every step did what was expected"
    ! grep -qF "NOT AS EXPECTED" "$work/out" || fail "a step differed"
}

case_help() {
    run --help
    expect_status 0
    for opt in "-bios FILE" "-m SIZE" "-cpu MODEL" "-debugcon" "-device isa-debug-exit" \
               "-d ITEMS" "-D FILE" "--max-insns N" "--help" "--version" "Exit status"; do
        expect_out "$opt"
    done
    run -h
    expect_status 0
    expect_out "Usage: trapdoor"
}

case_version() {
    run --version
    expect_status 0
    grep -qE '^trapdoor [0-9]+\.[0-9]+' "$work/out" || fail "no version line"
}

case_d_help() {
    run -d help
    expect_status 0
    expect_out "in_asm"
    expect_out "stats"
}

case_cpu_help() {
    run -cpu help
    expect_status 0
    expect_out "[default]"
}

case_bad_cpu() {
    run -cpu no-such-cpu
    expect_failure
    expect_err "no-such-cpu"
}

# no arguments: the built-in demo disk, headless, powered off with status 0
case_demo() {
    run
    expect_status 0
    expect_out "trapdoor demo disk"
    expect_out " CPU      GenuineIntel"
    expect_out " model    pentium-pro"
    expect_out "floppy drives: 1 (A: type 4, 80 cylinders, 2 heads, 18 sectors)"
    expect_out "usable"
    expect_out "translated-code backend: "
    expect_demo_steps
    [[ ! -s $work/err ]] || fail "expected nothing on stderr"
}

case_demo_portable() {
    TRAPDOOR_BACKEND=portable run "${DEMO_BUDGET[@]}"
    expect_status 0
    expect_out "translated-code backend: portable"
    expect_demo_steps
    run --backend portable -display none "${DEMO_BUDGET[@]}"
    expect_status 0
    expect_out "translated-code backend: portable"
}

case_demo_small_ram() {
    run -m 1 "${DEMO_BUDGET[@]}"
    expect_status 0
    expect_out "00000000-0009FBFF  usable"
    expect_demo_steps
}

# the demo's exit status: a failing step is isa-debug-exit value 1 (status 3);
# only its success becomes 0. With the device moved away, its write is lost
# and the demo halts (status 0 too, as any HLT with IF=0).
case_demo_exit() {
    run -device isa-debug-exit,iobase=0x600 "${DEMO_BUDGET[@]}"
    expect_status 0
    expect_err "guest halted with interrupts disabled"
    run --max-insns 20000
    expect_status 2
}

case_debugcon_file() {
    run -debugcon "file:$work/con.txt" "${DEMO_BUDGET[@]}"
    expect_status 0
    expect_no_out
    grep -qF "trapdoor demo disk" "$work/con.txt" || fail "debugcon file lacks the banner"
}

case_debugcon_none() {
    run -debugcon none "${DEMO_BUDGET[@]}"
    expect_status 0
    expect_no_out
}

case_max_insns() {
    make_rom "$work/loop.bin" "$ROM_LOOP"
    run -bios "$work/loop.bin" --max-insns 1000
    expect_status 2
    expect_err "max-insns"
    run --max-insns 0
    expect_failure
    expect_err "'0'"
}

case_custom_rom() {
    make_rom "$work/hello.bin" "$ROM_HELLO"
    run -bios "$work/hello.bin"
    expect_status 0
    [[ $(cat "$work/out") == "A" ]] || fail "expected the ROM to print A"
    expect_err "guest halted with interrupts disabled"
}

case_idle() {
    make_rom "$work/idle.bin" "$ROM_IDLE"
    run -bios "$work/idle.bin"
    expect_status 4
    expect_err "no device"
}

case_debug_exit() {
    make_rom "$work/exit501.bin" "$ROM_EXIT_501"
    run -bios "$work/exit501.bin" -device isa-debug-exit
    expect_status 11
    make_rom "$work/exitf4.bin" "$ROM_EXIT_F4"
    run -bios "$work/exitf4.bin" -device isa-debug-exit,iobase=0xf4,iosize=4
    expect_status 11
    # without the device the write is dropped and the ROM halts
    run -bios "$work/exitf4.bin"
    expect_status 0
}

case_bad_device() {
    local arg
    for arg in foo isa-debug-exit,iobase=zz isa-debug-exit,iosize=3 isa-debug-exit,bar=1; do
        run -device "$arg"
        expect_failure
        expect_err "${arg##*,}"
    done
    run -device isa-debug-exit -device isa-debug-exit
    expect_failure
    expect_err "twice"
    # overlaps the debug console at 0xE9
    run -device isa-debug-exit,iobase=0xe8
    expect_failure
    expect_err "isa-debug-exit"
}

case_missing_rom() {
    run -bios "$work/no-such-rom.bin"
    expect_failure
    expect_err "no-such-rom.bin"
    expect_err "cannot open"
}

case_empty_rom() {
    : >"$work/empty.bin"
    run -bios "$work/empty.bin"
    expect_failure
    expect_err "empty.bin"
    expect_err "empty"
}

case_oversized_rom() {
    head -c $((1024 * 1024)) /dev/zero >"$work/big.bin"
    run -bios "$work/big.bin"
    expect_failure
    expect_err "big.bin"
    expect_err "too large"
}

case_odd_size_rom() {
    head -c $((100 * 1024)) /dev/zero >"$work/odd.bin"
    run -bios "$work/odd.bin"
    expect_failure
    expect_err "odd.bin"
    expect_err "multiple of 64 KiB"
}

case_unknown_option() {
    run -foo
    expect_status 1
    expect_err "trapdoor: unknown option '-foo'"
    expect_err "--help"
}

case_missing_argument() {
    run -m
    expect_status 1
    expect_err "'-m' needs an argument"
}

case_positional_image() {
    run disk.img
    expect_status 1
    expect_err "'disk.img'"
    expect_err "cannot open"
}

# make_floppy FILE: a 1.44M floppy whose boot sector sets COM1 to 9600 8N1
# (INT 14h AH=00h), writes 'K' to its data port, sends 'Z' through INT 14h
# AH=01h, waits for the transmitter to empty and writes 2 to isa-debug-exit:
#   mov ax,00E3h; xor dx,dx; int 14h; mov dx,3F8h; mov al,'K'; out dx,al;
#   mov ax,015Ah; xor dx,dx; int 14h; mov dx,3FDh; w: in al,dx; test al,40h;
#   jz w; mov dx,501h; mov al,2; out dx,al; hlt
make_floppy() {
    head -c 1474560 /dev/zero >"$1"
    printf '\xB8\xE3\x00\x31\xD2\xCD\x14\xBA\xF8\x03\xB0\x4B\xEE\xB8\x5A\x01\x31\xD2\xCD\x14\xBA\xFD\x03\xEC\xA8\x40\x74\xFB\xBA\x01\x05\xB0\x02\xEE\xF4' |
        dd of="$1" bs=1 conv=notrunc status=none
    printf '\x55\xAA' | dd of="$1" bs=1 seek=510 conv=notrunc status=none
}

case_boot_floppy() {
    make_floppy "$work/boot.img"
    run -fda "$work/boot.img" -device isa-debug-exit -serial "file:$work/com1.txt"
    expect_status 5
    grep -qx "KZ" "$work/com1.txt" || fail "COM1 output is not 'KZ'"
    # the same image as a positional argument: a floppy by its size
    run "$work/boot.img" -device isa-debug-exit -snapshot --speed max
    expect_status 5
}

case_boot_nothing() {
    # -boot c with no disk: the BIOS says so and halts (INT 18h)
    run -boot c --speed max
    expect_status 0
    expect_err "halted with interrupts disabled"
}

case_bad_images() {
    run -fda "$work/none.img"
    expect_failure
    expect_err "none.img"
    head -c 1000 /dev/zero >"$work/odd.img"
    run -fda "$work/odd.img"
    expect_failure
    expect_err "odd.img"
    head -c 4096 /dev/zero >"$work/small.img"
    run -fda "$work/small.img"
    expect_failure
    expect_err "small.img"
    run -hda "$work/odd.img"
    expect_failure
    expect_err "odd.img"
}

case_bad_boot_options() {
    run -boot x
    expect_failure
    expect_err "-boot value 'x'"
    run --speed warp
    expect_failure
    expect_err "--speed value 'warp'"
    run -serial tcp:1234
    expect_failure
    expect_err "-serial value"
}

case_bad_m() {
    local v
    for v in 0 -5 1X 99999G "" 12KB; do
        run -m "$v"
        expect_status 1
        expect_err "-m value '$v'"
    done
}

case_good_m() {
    local v
    make_rom "$work/hello.bin" "$ROM_HELLO"
    for v in 1 2048K 16M 1G 1025k; do
        run -m "$v" -bios "$work/hello.bin"
        expect_status 0
    done
}

case_bad_d() {
    run -d in_asm,bogus
    expect_status 1
    expect_err "bogus"
}

case_bad_debugcon() {
    run -debugcon pty
    expect_status 1
    expect_err "'pty'"
    run -debugcon "file:$work/no-such-dir/con.txt"
    expect_status 1
    expect_err "no-such-dir/con.txt"
}

case_stats() {
    make_rom "$work/hello.bin" "$ROM_HELLO"
    run -bios "$work/hello.bin" -d stats -D "$work/log.txt"
    expect_status 0
    grep -qF "exceptions" "$work/log.txt" || fail "-D file lacks the -d stats report"
    run -bios "$work/hello.bin" -D "$work/no-such-dir/log.txt"
    expect_status 1
    expect_err "no-such-dir/log.txt"
}

# hex32 N: the 4 bytes of N little-endian, as hex digits.
hex32() { printf '%02x%02x%02x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) \
    $(($1 >> 24 & 255)); }

# make_kernel FILE FLAGS CHECKSUM [FIELDS...]: a multiboot header at offset 8
# (after 8 zero bytes) with the given dwords, padded to 4 KiB.
make_kernel() {
    local f=$1 hex=0000000000000000$(hex32 0x1BADB002)
    shift
    for v in "$@"; do hex+=$(hex32 "$v"); done
    printf "$(sed 's/\([0-9a-f][0-9a-f]\)/\\x\1/g' <<<"$hex")" >"$f"
    truncate -s 4096 "$f"
}

# a header with address fields (flag bit 16) loading the file at ADDR with the
# bss up to BSS_END (0: none)
make_kludge_kernel() {
    local addr=$(($2)) bss=$(($3))
    make_kernel "$1" 0x10000 $((-(0x1BADB002 + 0x10000) & 0xFFFFFFFF)) \
        $((addr + 8)) "$addr" 0 "$bss" $((addr + 40))
}

case_kernel_missing() {
    run -kernel "$work/no-such-kernel.elf"
    expect_status 1
    expect_err "cannot open kernel '$work/no-such-kernel.elf'"
}

case_kernel_not_multiboot() {
    head -c 16384 /dev/zero >"$work/zeros.bin"
    run -kernel "$work/zeros.bin"
    expect_status 1
    expect_err "kernel '$work/zeros.bin': no multiboot header"
    expect_err "first 8 KiB"
}

case_kernel_bad_checksum() {
    make_kernel "$work/k.bin" 0 0x12345678
    run -kernel "$work/k.bin"
    expect_status 1
    expect_err "bad multiboot header checksum"
}

case_kernel_not_elf() {
    make_kernel "$work/k.bin" 0 $((-0x1BADB002 & 0xFFFFFFFF))
    run -kernel "$work/k.bin"
    expect_status 1
    expect_err "not an ELF32 i386 executable, and the multiboot header has no address fields"
}

case_kernel_bad_segments() {
    make_kludge_kernel "$work/k.bin" 0x2000000 0
    run -kernel "$work/k.bin" -m 16
    expect_status 1
    expect_err "segment 02000000h-02000FFFh lies outside RAM"
    make_kludge_kernel "$work/k.bin" 0x9F800 0
    run -kernel "$work/k.bin"
    expect_status 1
    expect_err "segment 0009F800h-000A07FFh overlaps the 640 KiB-1 MiB hole"
    make_kludge_kernel "$work/k.bin" 0x100000 0x1500000
    run -kernel "$work/k.bin" -m 16
    expect_status 1
    expect_err "the kernel needs 20480 KiB, more than the 16384 KiB of RAM"
}

case_append_without_kernel() {
    run -append "console=ttyS0"
    expect_status 1
    expect_err "-append only works with -kernel"
}

case_kernel_other_bios() {
    make_rom "$work/hello.bin" "$ROM_HELLO"
    make_kludge_kernel "$work/k.bin" 0x100000 0
    run -bios "$work/hello.bin" -kernel "$work/k.bin"
    expect_status 1
    expect_err "-kernel needs the trapdoor BIOS, and '$work/hello.bin' is another firmware"
    expect_no_out
}

if ! declare -F "case_${case_name//-/_}" >/dev/null; then
    echo "test_cli.sh: unknown case '$case_name'"
    exit 1
fi
status=0
last_cmd=()
"case_${case_name//-/_}"
echo "PASS [$case_name]"
