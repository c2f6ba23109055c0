#!/bin/sh
# Runs one real-mode guest test program and judges it: the emulator must exit with
# status 1 (the program wrote 0 to the debug-exit port: (0 << 1) | 1), print no
# "FAIL" line and print the final "ok all" line. With --kernel the program is a
# Multiboot kernel run with -kernel (on the trapdoor BIOS) instead of -bios.
# usage: run_guest.sh [--kernel] EMULATOR PROGRAM.bin [extra emulator arguments...]
# $TRAPDOOR_WRAPPER (default: meson's $MESON_EXE_WRAPPER of a cross build, such
# as qemu-aarch64) runs the emulator when it is a binary for another host.
set -u
load=-bios
if [ "${1:-}" = "--kernel" ]; then
    load=-kernel
    shift
fi
if [ $# -lt 2 ]; then
    echo "usage: $0 [--kernel] EMULATOR PROGRAM.bin [args...]" >&2
    exit 2
fi
emu=$1
bin=$2
shift 2
out=$(mktemp "${TMPDIR:-/tmp}/run_guest.XXXXXX") || exit 2
trap 'rm -f "$out"' EXIT
# shellcheck disable=SC2086 # the wrapper is a command with arguments
timeout "${GUEST_TIMEOUT:-50}" ${TRAPDOOR_WRAPPER-${MESON_EXE_WRAPPER:-}} "$emu" "$load" "$bin" -m 16 -debugcon stdio \
    -device isa-debug-exit,iobase=0xf4 "$@" > "$out" < /dev/null
status=$?
cat "$out"
fail=0
if [ "$status" -ne 1 ]; then
    echo "run_guest: exit status $status, want 1 (124 = timeout)" >&2
    fail=1
fi
if grep -q FAIL "$out"; then
    echo "run_guest: output has FAIL lines" >&2
    fail=1
fi
if ! grep -qx "ok all" "$out"; then
    echo "run_guest: no final 'ok all' line" >&2
    fail=1
fi
exit $fail
