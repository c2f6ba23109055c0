#!/usr/bin/env bash
# Cross-build trapdoor for aarch64 with Debian's cross toolchain and arm64
# libraries (no x86-64 backend there: the portable one runs) and run every
# suite under qemu-aarch64 (qemu-user; meson's exe_wrapper, which the guest,
# cli, monitor and curses tests also put before the trapdoor binary they start,
# from $MESON_EXE_WRAPPER). tests/run_all.sh runs this and counts its results.
# Missing packages are installed with apt (root, or sudo -n); when that is not
# possible the script prints "aarch64: SKIPPED (...)" and exits 77.
# Usage: tests/cross_aarch64.sh [BUILD_DIR]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-aarch64}

packages=(gcc-aarch64-linux-gnu pkg-config qemu-user libcapstone-dev:arm64
          libcmocka-dev:arm64 zlib1g-dev:arm64 libjson-c-dev:arm64 libffi-dev:arm64
          libncurses-dev:arm64)

skip() {
    echo "aarch64: SKIPPED ($*)"
    exit 77
}

installed() {
    local p
    for p in "${packages[@]}"; do
        [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == "install ok installed" ]] ||
            return 1
    done
}

install_packages() {
    local sudo=() log
    command -v apt-get >/dev/null || skip "no apt-get to install ${packages[*]}"
    if (($(id -u) != 0)); then
        sudo -n true 2>/dev/null || skip "not root and no sudo to install ${packages[*]}"
        sudo=(sudo -n)
    fi
    log=$(mktemp)
    if ! { "${sudo[@]}" dpkg --add-architecture arm64 &&
           "${sudo[@]}" apt-get update -qq &&
           DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${packages[@]}"
         } >"$log" 2>&1 </dev/null; then
        tail -5 "$log" >&2
        rm -f "$log"
        skip "installing the arm64 packages failed (offline?)"
    fi
    rm -f "$log"
}

installed || install_packages

if [[ ! -f $build/build.ninja ]]; then
    meson setup "$build" "$src" --cross-file "$src/tests/aarch64-cross.ini" \
        --buildtype=debugoptimized -Dsdl=disabled
fi
log=$build/meson-logs/testlog.json
rm -f "$log"
ninja -C "$build"
status=0
# qemu-user runs the portable backend 5-10x slower than natively
meson test -C "$build" --no-rebuild --print-errorlogs --timeout-multiplier 4 || status=$?
passed=$(grep -cE '"result": "(OK|EXPECTEDFAIL)"' "$log" || true)
failed=$(grep -cE '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$log" || true)
skipped=$(grep -cE '"result": "SKIP"' "$log" || true)
((status != 0 && failed == 0)) && failed=1
echo "aarch64: $passed passed, $failed failed, $skipped skipped"
((failed == 0))
