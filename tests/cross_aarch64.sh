#!/usr/bin/env bash
# Cross-build trapdoor for aarch64 (no x86-64 backend: the portable one runs)
# and run the unit and vector suites under qemu-aarch64 (the guest and cli
# suites start the binary from scripts, which needs binfmt_misc). A separate CI
# step from tests/run_all.sh. Needs root for apt (Debian 12 multiarch).
# Usage: tests/cross_aarch64.sh [BUILD_DIR]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-aarch64}

export DEBIAN_FRONTEND=noninteractive
sudo=()
(($(id -u) != 0)) && sudo=(sudo -n)
log=$(mktemp)
if ! { "${sudo[@]}" dpkg --add-architecture arm64 &&
       "${sudo[@]}" apt-get update -qq &&
       "${sudo[@]}" apt-get install -y -qq gcc-aarch64-linux-gnu pkg-config qemu-user \
           libcapstone-dev:arm64 libcmocka-dev:arm64 zlib1g-dev:arm64 libjson-c-dev:arm64 \
           libffi-dev:arm64; } >"$log" 2>&1 </dev/null; then
    cat "$log" >&2
    echo "cross_aarch64.sh: installing the arm64 packages failed" >&2
    rm -f "$log"
    exit 1
fi
rm -f "$log"

if [[ ! -f $build/build.ninja ]]; then
    meson setup "$build" "$src" --cross-file "$src/tests/aarch64-cross.ini" -Dsdl=disabled
fi
ninja -C "$build"
status=0
meson test -C "$build" --print-errorlogs --timeout-multiplier 4 \
    --suite common --suite memory --suite devices --suite cpu --suite decode \
    --suite translate --suite vectors || status=$?
log=$build/meson-logs/testlog.json
passed=$(grep -cE '"result": "(OK|EXPECTEDFAIL)"' "$log" || true)
failed=$(grep -cE '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$log" || true)
((status != 0 && failed == 0)) && failed=1
echo "aarch64: $passed passed, $failed failed"
((failed == 0))
