#!/usr/bin/env bash
# Guest benchmarks (docs/performance.md): each bench/*.asm ROM runs under
# trapdoor with the x86_64 and the portable backend, under QEMU TCG when
# qemu-system-i386 is installed (same ROM, -bios, isa-debug-exit), and the
# integer and x87 loops natively (bench/int.c, bench/fpu.c). Runs alternate
# engine by engine, round by round; the best of N is kept, for wall seconds
# and for CPU seconds (user + system, less disturbed by other load).
# Then the FreeDOS boot to A:\> (bench/dosboot.py) and, with valgrind, host
# instructions per guest instruction without start-up: two callgrind runs at
# 1/20 and 1/40 of the iterations, (Ir_long - Ir_short) / (insns_long -
# insns_short), guest instructions from -d stats.
# Usage: bench/run.sh TRAPDOOR_BINARY [ROUNDS]
# BENCH_DIV=n divides every iteration count by n (a quick check of the script);
# BENCH_PARTS picks parts among "time boot callgrind" (default: all three).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
td=$1
rounds=${2:-3}
shared=${TRAPDOOR_SHARED:-$here/../../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

declare -A iters=([int]=10000000 [mem]=20000000 [string]=4000 [paging]=10000000 [fpu]=2000000)
benches=(int mem string paging fpu)
for b in "${benches[@]}"; do
    iters[$b]=$((iters[$b] / ${BENCH_DIV:-1}))
done
declare -A native=([int]="cc -O2" [fpu]="cc -O2 -fno-math-errno")
have_qemu=$(command -v qemu-system-i386 >/dev/null && echo 1 || echo 0)

# one run of "$@": prints "wall cpu" in seconds
measure() {
    /usr/bin/time -f '%e %U %S' -o "$work/time" "$@" >/dev/null 2>&1 || true
    tail -1 "$work/time" | awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }'
}

# keep the smaller of two "wall cpu" pairs; "-" is no measurement yet
better() {
    [[ $1 == - ]] && { echo "$2"; return; }
    echo "$1 $2" | awk '{ printf "%s %s\n", ($3 < $1 ? $3 : $1), ($4 < $2 ? $4 : $2) }'
}

td_args=(-m 16 -device "isa-debug-exit,iobase=0xf4" -debugcon none)
qemu_args=(-accel tcg -m 16 -device "isa-debug-exit,iobase=0xf4" -display none -nodefaults)

ratio() {
    [[ $1 == - || $2 == - ]] && { echo -; return; }
    echo "$1 $2" | awk '{ if ($2 > 0) printf "%.2f", $1 / $2; else printf "-" }'
}

parts=" ${BENCH_PARTS:-time boot callgrind} "
engines=(x86_64 portable qemu native)
[[ $parts == *" time "* ]] && echo "best of $rounds rounds; wall seconds (CPU seconds, user + system)"
[[ $parts == *" time "* ]] &&
    printf '%-8s %15s %15s %15s %15s %8s %8s %8s\n' bench "${engines[@]}" port/x64 qemu/x64 x64/nat
for b in "${benches[@]}"; do
    [[ $parts == *" time "* ]] || break
    nasm -f bin -I"$here/" -DITERS="${iters[$b]}" -o "$work/$b.bin" "$here/$b.asm"
    declare -A best=([x86_64]=- [portable]=- [qemu]=- [native]=-)
    [[ -n ${native[$b]:-} ]] && ${native[$b]} -o "$work/${b}_native" "$here/$b.c" -lm
    for ((r = 0; r < rounds; r++)); do
        best[x86_64]=$(better "${best[x86_64]}" "$(measure env TRAPDOOR_BACKEND=x86_64 "$td" -bios "$work/$b.bin" "${td_args[@]}")")
        best[portable]=$(better "${best[portable]}" "$(measure env TRAPDOOR_BACKEND=portable "$td" -bios "$work/$b.bin" "${td_args[@]}")")
        ((have_qemu)) && best[qemu]=$(better "${best[qemu]}" "$(measure qemu-system-i386 -bios "$work/$b.bin" "${qemu_args[@]}")")
        [[ -n ${native[$b]:-} ]] &&
            best[native]=$(better "${best[native]}" "$(measure "$work/${b}_native" "${iters[$b]}")")
    done
    cells=()
    for e in "${engines[@]}"; do
        [[ ${best[$e]} == - ]] && { cells+=(-); continue; }
        read -r w c <<<"${best[$e]}"
        cells+=("$w ($c)")
    done
    wall() { [[ ${best[$1]} == - ]] && echo - || echo "${best[$1]% *}"; }
    printf '%-8s %15s %15s %15s %15s %8s %8s %8s\n' "$b" "${cells[@]}" \
        "$(ratio "$(wall portable)" "$(wall x86_64)")" "$(ratio "$(wall qemu)" "$(wall x86_64)")" \
        "$(ratio "$(wall x86_64)" "$(wall native)")"
done

# FreeDOS to A:\>: both emulators polled through their monitor (dosboot.py).
img=$shared/guests/floppy/freedos-minimal-1440k.img
if [[ $parts != *" boot "* ]]; then
    :
elif [[ -f $img ]]; then
    echo "FreeDOS boot to A:\\> (host seconds, best of $rounds, process start included):"
    declare -A boot=()
    boot_rows=(x86_64 portable)
    ((have_qemu)) && boot_rows+=(qemu-realtime qemu-icount)
    for ((r = 0; r < rounds; r++)); do
        for e in "${boot_rows[@]}"; do
            case $e in
            x86_64 | portable) t=$(TRAPDOOR_BACKEND=$e "$here/dosboot.py" trapdoor "$td" "$img" || true) ;;
            qemu-realtime) t=$("$here/dosboot.py" qemu qemu-system-i386 "$img" -net none || true) ;;
            qemu-icount) t=$("$here/dosboot.py" qemu qemu-system-i386 "$img" -net none \
                -icount shift=3,sleep=off || true) ;;
            esac
            [[ $t =~ ^[0-9.]+$ ]] || { boot[$e]=$t; continue; }
            [[ -z ${boot[$e]:-} || $(echo "$t ${boot[$e]}" | awk '{ print ($1 < $2) }') == 1 ]] &&
                boot[$e]=$t
        done
    done
    for e in "${boot_rows[@]}"; do
        printf '  %-14s %s\n' "$e" "${boot[$e]}"
    done
    echo "  (trapdoor: its BIOS, --speed max: idle and timed waits take virtual time only;"
    echo "   QEMU: SeaBIOS; realtime: the guest's timed waits take wall time, so it is not"
    echo "   comparable; icount shift=3,sleep=off: virtual time from the instruction count,"
    echo "   the closest to trapdoor's --speed max, but QEMU's icount mode is slower TCG)"
else
    echo "FreeDOS boot: not measured ($img is missing; set TRAPDOOR_SHARED)"
fi

if [[ $parts == *" callgrind "* ]] && command -v valgrind >/dev/null; then
    echo "host instructions per guest instruction, start-up excluded (callgrind,"
    echo "(Ir at 1/20 - Ir at 1/40 of the iterations) / (guest instructions likewise)):"
    # --smc-check=all: the x86_64 backend patches chained jumps through the
    # writable view of its memfd code memory, which valgrind's default check
    # (code in non-file mappings) misses: it would keep running unchained code
    cg() {  # backend rom: prints "Ir guest_instructions"
        local out
        out=$(TRAPDOOR_BACKEND="$1" valgrind --tool=callgrind --smc-check=all \
            --callgrind-out-file="$work/cg.out" \
            "$td" -bios "$2" "${td_args[@]}" -d stats 2>&1 || true)
        echo "$(echo "$out" | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p')" \
            "$(echo "$out" | sed -n 's/.*guest instructions *\([0-9]*\).*/\1/p' | tail -1)"
    }
    for b in "${benches[@]}"; do
        for d in 20 40; do
            nasm -f bin -I"$here/" -DITERS=$((iters[$b] / d)) -o "$work/cg$d.bin" "$here/$b.asm"
        done
        for be in x86_64 portable; do
            read -r il gl <<<"$(cg "$be" "$work/cg20.bin")"
            read -r is gs <<<"$(cg "$be" "$work/cg40.bin")"
            [[ -n $il && -n $is && -n $gl && -n $gs && $gl != "$gs" ]] &&
                printf '  %-8s %-9s %7.2f  (%s - %s Ir / %s - %s insns)\n' "$b" "$be" \
                    "$(echo "($il - $is) / ($gl - $gs)" | bc -l)" "$il" "$is" "$gl" "$gs"
        done
    done
fi
