#!/usr/bin/env bash
# -display curses in a detached tmux session: the text screen of textrom.asm
# appears in the terminal with its colours and CP437 characters, keys typed
# into the terminal (letters, Shift, Enter, Ctrl+C) reach the guest's keyboard,
# and Ctrl+A x quits with status 0. Skips (77) without tmux. trapdoor starts
# under $TRAPDOOR_WRAPPER, else $MESON_EXE_WRAPPER (qemu-aarch64 in a cross
# build), like tests/guest/test_cli.sh.
# Usage: test_curses.sh TRAPDOOR TEXTROM.BIN
set -uo pipefail

td=$1
rom=$2
read -r -a wrapper <<<"${TRAPDOOR_WRAPPER-${MESON_EXE_WRAPPER:-}}"
# the command line for tmux's shell, each word quoted
run=$(printf '%q ' "${wrapper[@]}" "$td" -bios "$rom" -display curses)
command -v tmux >/dev/null || { echo "SKIP: tmux is not installed"; exit 77; }
session=td_curses_$$
work=$(mktemp -d)
export TMUX_TMPDIR=$work
cleanup() { tmux kill-server 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

fail() {
    echo "FAIL: $*"
    echo "--- the terminal:"; tmux capture-pane -p -t "$session" 2>/dev/null
    echo "--- stderr:"; cat "$work/err" 2>/dev/null
    exit 1
}

# wait_for TEXT: poll the pane (10 s at most) until it shows TEXT.
wait_for() {
    for _ in $(seq 200); do
        tmux capture-pane -p -t "$session" | grep -qF -- "$1" && return 0
        sleep 0.05
    done
    fail "'$1' never appeared"
}

tmux new-session -d -s "$session" -x 100 -y 30 \
    "LANG=C.UTF-8 $run 2>'$work/err';
     echo \"EXIT=\$?\"; sleep 60" || fail "cannot start tmux"
wait_for "TRAPDOOR FRONTEND TEST"
wait_for "Type here:"
wait_for "╔═╗ café αß"
# colours: the title is bright white (SGR 97, or bold and 37 on an 8-colour
# terminal) on blue (SGR 44)
title=$(tmux capture-pane -p -e -t "$session" | head -1)
[[ $title == *$'\e[44m'* ]] || fail "the title's background is not blue"
[[ $title == *$'\e[97m'* || ($title == *$'\e[1m'* && $title == *$'\e[37m'*) ]] ||
    fail "the title is not bright white"

tmux send-keys -t "$session" -l "Hello, World!"
tmux send-keys -t "$session" Enter
wait_for "Hello, World!"
tmux send-keys -t "$session" -l "x"
tmux send-keys -t "$session" C-c
wait_for "x^C"
# Ctrl+A x: the host escape quits
tmux send-keys -t "$session" C-a x
wait_for "EXIT=0"
if grep -qE 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:' "$work/err"; then
    fail "sanitizer report"
fi
echo "ok"
