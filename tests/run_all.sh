#!/usr/bin/env bash
# Configure (once), build and run every test suite, then print the closing line
# "N passed, N failed[, N skipped]" computed from meson-logs/testlog.json.
# The README's test command and .ci/run both run this script.
# Usage: tests/run_all.sh [BUILD_DIR [MESON_SETUP_OPTIONS...]]
# Default: build-test, configured with AddressSanitizer and UndefinedBehaviorSanitizer.
# Then tests/cross_aarch64.sh cross-builds BUILD_DIR-aarch64 and runs the suites
# under qemu-aarch64; its results count in the closing line. When it cannot
# run (no root or sudo for apt, offline) it is reported as SKIPPED and counts
# as one skipped item, never as passed. TRAPDOOR_CROSS=0 leaves it out (also
# reported as skipped).
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
if (($# == 0)); then
    set -- build-test -Db_sanitize=address,undefined -Db_lundef=false
fi
build=$1
shift

if [[ ! -f $build/build.ninja ]]; then
    meson setup "$build" "$src" "$@"
elif (($# > 0)); then
    meson configure "$build" "$@"
fi
ninja -C "$build"

status=0
meson test -C "$build" --print-errorlogs || status=$?
# Every suite that runs guest code again on the portable backend (the default
# is the host's native one where there is one): every suite must pass on both.
# (Tests that name a backend themselves, like translate's exec-x86_64, keep it.)
portable_suites=(translate vectors guest cli bios boot frontend)
if grep -q "backend_x86_64" "$build/build.ninja" 2>/dev/null; then
    TRAPDOOR_BACKEND=portable meson test -C "$build" --print-errorlogs --logbase portable \
        "${portable_suites[@]/#/--suite=}" || status=$?
fi

# aarch64 (issue 5): the portable backend on a host without the x86-64 one
cross=$build-aarch64
cross_status=77
if [[ ${TRAPDOOR_CROSS:-1} != 0 ]]; then
    cross_status=0
    "$src/tests/cross_aarch64.sh" "$cross" || cross_status=$?
else
    echo "aarch64: SKIPPED (TRAPDOOR_CROSS=0)"
fi

# testlog.json holds one JSON object per test; quotes inside a test's captured
# output are escaped, so only the "result" field itself matches.
logs=("$build/meson-logs/testlog.json" "$build/meson-logs/portable.json")
((cross_status == 77)) || logs+=("$cross/meson-logs/testlog.json")
count() {
    local n=0 log
    for log in "${logs[@]}"; do
        [[ -f $log ]] && n=$((n + $(grep -cE "\"result\": \"($1)\"" "$log" || true)))
    done
    echo "$n"
}
passed=$(count 'OK|EXPECTEDFAIL')
failed=$(count 'FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS')
skipped=$(count 'SKIP')
if ((cross_status == 77)); then
    skipped=$((skipped + 1))
elif ((cross_status != 0)) && ! grep -qE '"result": "(FAIL|TIMEOUT|ERROR)"' \
        "$cross/meson-logs/testlog.json" 2>/dev/null; then
    echo "run_all.sh: tests/cross_aarch64.sh failed (status $cross_status) without a failed test" >&2
    failed=$((failed + 1))
fi

if ((passed + failed == 0)); then
    echo "run_all.sh: no test ran" >&2
    failed=1
elif ((status != 0 && failed == 0)); then
    echo "run_all.sh: meson test failed (status $status) without a failed test" >&2
    failed=1
fi
line="$passed passed, $failed failed"
((skipped > 0)) && line+=", $skipped skipped"
echo "$line"
((failed == 0))
