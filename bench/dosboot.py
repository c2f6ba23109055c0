#!/usr/bin/env python3
"""DOS boot benchmark (docs/performance.md): host seconds from starting the
emulator to the FreeDOS A:\\> prompt waiting for input: the last non-blank
line of the text screen is A:\\> (AUTOEXEC.BAT's own A:\\>ECHO OFF does not
count). The screen is polled the same way on both emulators, through their
monitor on a unix socket every POLL seconds: trapdoor's `screentext`, QEMU's
`xp` of the text buffer at B8000h (even bytes are the characters). Prints the seconds, or a line saying
why there is no figure.
Usage: dosboot.py trapdoor|qemu EMULATOR IMAGE [EXTRA_ARGS...]
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

POLL = 0.01
LIMIT = 120.0
PROMPT = "A:\\>"
# the dump lines only: QEMU's readline echoes the command, 0xb8000 included
XP_RE = re.compile(r"^[0-9a-f]+:((?: 0x[0-9a-f]{4})+)", re.M)


def command_line(kind, emu, image, sock, extra):
    if kind == "trapdoor":
        return [emu, "-fda", image, "-snapshot", "-m", "64", "-display", "none",
                "-debugcon", "none", "--speed", "max",
                "-monitor", f"unix:{sock},server,nowait"] + extra
    return [emu, "-accel", "tcg", "-fda", image, "-snapshot", "-m", "64",
            "-display", "none", "-monitor", f"unix:{sock},server,nowait"] + extra


def connect(path, proc, start):
    while time.monotonic() - start < LIMIT:
        if proc.poll() is not None:
            return None
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s
        except OSError:
            s.close()
            time.sleep(0.001)
    return None


def ask(s, prompt, cmd):
    """Send cmd, return the reply up to the next prompt."""
    s.sendall(cmd.encode() + b"\n")
    buf = b""
    while not buf.endswith(prompt):
        chunk = s.recv(65536)
        if not chunk:
            raise OSError("monitor closed")
        buf += chunk
    return buf.decode("latin-1")


def screen_lines(kind, s, prompt):
    if kind == "trapdoor":
        return ask(s, prompt, "screentext")[:-len(prompt)].splitlines()
    dump = XP_RE.findall(ask(s, prompt, "xp /2000hx 0xb8000"))
    text = "".join(chr(int(w, 16) & 0xFF) for line in dump for w in line.split())
    return [text[i:i + 80] for i in range(0, len(text), 80)]


def at_prompt(lines):
    filled = [line.strip() for line in lines if line.strip()]
    return bool(filled) and filled[-1] == PROMPT


def main():
    kind, emu, image = sys.argv[1:4]
    extra = sys.argv[4:]
    prompt = b"(trapdoor) " if kind == "trapdoor" else b"(qemu) "
    with tempfile.TemporaryDirectory() as tmp:
        sock = os.path.join(tmp, "mon")
        start = time.monotonic()
        proc = subprocess.Popen(command_line(kind, emu, image, sock, extra),
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        try:
            s = connect(sock, proc, start)
            if s is None:
                err = proc.stderr.read().decode(errors="replace") if proc.poll() is not None else ""
                print(f"no monitor connection: {err.strip()}")
                return 1
            ask(s, prompt, "")
            while time.monotonic() - start < LIMIT:
                if at_prompt(screen_lines(kind, s, prompt)):
                    print(f"{time.monotonic() - start:.3f}")
                    return 0
                time.sleep(POLL)
            print(f"no {PROMPT} prompt within {LIMIT:.0f} s")
            return 1
        finally:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    sys.exit(main())
