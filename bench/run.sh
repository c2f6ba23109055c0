#!/usr/bin/env bash
# Guest benchmarks (docs/performance.md): each bench/*.asm ROM runs under
# trapdoor with the x86_64 and the portable backend, under QEMU TCG when
# qemu-system-i386 is installed (same ROM, -bios, isa-debug-exit), and the
# integer mix natively (bench/int.c). Runs alternate; the best of N is kept.
# Prints seconds, ratios and, with valgrind, host instructions per guest
# instruction for trapdoor (callgrind, a shorter run).
# Usage: bench/run.sh TRAPDOOR_BINARY [ROUNDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
td=$1
rounds=${2:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

declare -A iters=([int]=10000000 [mem]=20000000 [string]=4000)
# x87 and paging benchmarks plug in here once those land (fpu.asm, paging.asm).
benches=(int mem string)

best() {  # best wall time of "$@" in seconds
    local b=999999 t s e
    for ((r = 0; r < rounds; r++)); do
        s=$(date +%s.%N)
        "$@" >/dev/null 2>&1 || true
        e=$(date +%s.%N)
        t=$(echo "$e - $s" | bc)
        b=$(echo "if ($t < $b) $t else $b" | bc)
    done
    printf '%.3f' "$b"
}

run_td() { TRAPDOOR_BACKEND="$1" "$td" -bios "$2" -m 16 -device isa-debug-exit,iobase=0xf4 -debugcon none; }
run_qemu() { qemu-system-i386 -accel tcg -bios "$1" -m 16 -device isa-debug-exit,iobase=0xf4 \
    -display none -nodefaults; }

cc -O2 -o "$work/int_native" "$here/int.c"
printf '%-8s %10s %10s %10s %10s %9s %9s %9s\n' bench x86_64 portable qemu-tcg native \
    port/x64 qemu/x64 x64/nat
for b in "${benches[@]}"; do
    nasm -f bin -I"$here/" -DITERS="${iters[$b]}" -o "$work/$b.bin" "$here/$b.asm"
    x=0 p=0 q=- n=-
    for ((r = 0; r < rounds; r++)); do   # alternate the engines round by round
        x1=$(rounds=1 best run_td x86_64 "$work/$b.bin")
        p1=$(rounds=1 best run_td portable "$work/$b.bin")
        [[ $x == 0 || $(echo "$x1 < $x" | bc) == 1 ]] && x=$x1
        [[ $p == 0 || $(echo "$p1 < $p" | bc) == 1 ]] && p=$p1
        if command -v qemu-system-i386 >/dev/null; then
            q1=$(rounds=1 best run_qemu "$work/$b.bin")
            [[ $q == - || $(echo "$q1 < $q" | bc) == 1 ]] && q=$q1
        fi
    done
    [[ $b == int ]] && n=$(best "$work/int_native" "${iters[$b]}")
    ratio() { [[ $1 == - || $2 == - ]] && { echo -; return; }; printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }
    printf '%-8s %10s %10s %10s %10s %9s %9s %9s\n' "$b" "$x" "$p" "$q" "$n" \
        "$(ratio "$p" "$x")" "$(ratio "$q" "$x")" "$(ratio "$x" "$n")"
done

if command -v valgrind >/dev/null; then
    echo "host instructions per guest instruction (callgrind, 1/20 of the iterations):"
    for b in "${benches[@]}"; do
        nasm -f bin -I"$here/" -DITERS=$((iters[$b] / 20)) -o "$work/s_$b.bin" "$here/$b.asm"
        for be in x86_64 portable; do
            out=$(TRAPDOOR_BACKEND="$be" valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$td" \
                -bios "$work/s_$b.bin" -m 16 -device isa-debug-exit,iobase=0xf4 \
                -debugcon none -d stats 2>&1 || true)
            ir=$(echo "$out" | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p')
            gi=$(echo "$out" | sed -n 's/.*guest instructions *\([0-9]*\).*/\1/p' | tail -1)
            [[ -n $ir && -n $gi && $gi != 0 ]] &&
                printf '  %-8s %-9s %6.2f  (%s / %s)\n' "$b" "$be" "$(echo "$ir / $gi" | bc -l)" "$ir" "$gi"
        done
    done
fi
