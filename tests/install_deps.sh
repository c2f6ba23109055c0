#!/usr/bin/env bash
# Install what trapdoor needs to build and test on Debian 12 (run as root).
# The README's two commands and .ci/run all start with this script.
set -euo pipefail

packages=(build-essential meson ninja-build nasm pkg-config libcapstone-dev libffi-dev
          libsdl2-dev libcmocka-dev libjson-c-dev zlib1g-dev libc6-dev-i386-cross seabios
          libncurses-dev tmux xvfb xauth)

export DEBIAN_FRONTEND=noninteractive
sudo=()
if (($(id -u) != 0)); then
    sudo=(sudo -n)
fi
log=$(mktemp)
if ! { "${sudo[@]}" apt-get update -qq &&
       "${sudo[@]}" apt-get install -y -qq "${packages[@]}"; } >"$log" 2>&1 </dev/null; then
    cat "$log" >&2
    echo "install_deps.sh: installing packages failed" >&2
    rm -f "$log"
    exit 1
fi
rm -f "$log"
