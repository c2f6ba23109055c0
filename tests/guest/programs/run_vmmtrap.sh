#!/bin/sh
# Runs vmmtrap.bin with -d trap,stats and judges three views of the VMM against
# each other: the guest's own checks (run_guest.sh: exit status, "ok all"), its
# "vmm-expect OP N" lines against the -d stats report's "VMM calls by
# instruction" counts, and that report against the number of -d trap lines of
# each op. usage: run_vmmtrap.sh EMULATOR vmmtrap.bin
set -u
here=$(dirname "$0")
emu=$1
bin=$2
log=$(mktemp "${TMPDIR:-/tmp}/vmmtrap.XXXXXX") || exit 2
out=$(mktemp "${TMPDIR:-/tmp}/vmmtrap_out.XXXXXX") || exit 2
trap 'rm -f "$log" "$out"' EXIT
"$here/run_guest.sh" "$emu" "$bin" -d trap,stats -D "$log" > "$out"
status=$?
cat "$out"
fail=$status
# the report: "  OP  CLASS  N" lines after "VMM calls by instruction:"
report() {
    awk -v op="$1" 'f && $1 == op { print $3; exit } /^VMM calls by instruction:/ { f = 1 }' "$log"
}
traps() {
    awk -v op="$1" '/^trap: / { for (i = 1; i <= NF; i++) if ($i == op) { n++; break } }
                   END { print n + 0 }' "$log"
}
expects=$(grep -c '^vmm-expect ' "$out")
if [ "$expects" -lt 9 ]; then
    echo "run_vmmtrap: only $expects vmm-expect lines" >&2
    fail=1
fi
grep '^vmm-expect ' "$out" | while read -r _ op n; do
    got=$(report "$op")
    lines=$(traps "$op")
    if [ "$got" != "$n" ] || [ "$lines" != "$n" ]; then
        echo "run_vmmtrap: $op: guest expects $n, -d stats reports ${got:-none}, -d trap shows $lines lines" >&2
        exit 1
    fi
    echo "checked $op: $n calls in the guest's view, the report and the trap log"
done || fail=1
# every op in the report has as many trap lines
awk '/^VMM calls by instruction:/ { f = 1; next } f && /^  [A-Z_0-9]+ / { print $1, $3 }
     f && !/^  / { f = 0 }' "$log" > "$out.ops"
while read -r op n; do
    lines=$(traps "$op")
    if [ "$lines" != "$n" ]; then
        echo "run_vmmtrap: $op: report says $n, trap log has $lines lines" >&2
        fail=1
    fi
done < "$out.ops"
# one line read whole: CS:EIP, bytes, disassembly, class, op, outcome, reason
if ! grep -qE '^trap: 002b:[0-9a-f]{8}  fa +cli +PRIVILEGED +CLI +reflected as #GP\(0000\) +clears IF' "$log"; then
    echo "run_vmmtrap: no complete -d trap line for CLI at ring 3" >&2
    fail=1
fi
[ -s "$out.ops" ] || { echo "run_vmmtrap: no VMM report in the log" >&2; fail=1; }
rm -f "$out.ops"
exit $fail
