#!/usr/bin/env python3
"""Write x86_ops.inc, a nasm include giving guests the VMM's numbering: one
%define VMM_OP_<ID> <n> per X86_OP line of x86_ops.def (n is the enum x86_op
value: the line order) and VMM_CLASS_<NAME> for the classes (classify.h).
Guests read counters by these numbers through the VMM info port."""
import re
import sys

CLASSES = ["SAFE", "SENSITIVE", "PRIVILEGED", "IO", "CONTROL"]


def main(src, dst):
    ops = []
    with open(src, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\s*X86_OP\(\s*(\w+)\s*,", line)
            if m:
                ops.append(m.group(1))
    with open(dst, "w", encoding="utf-8") as out:
        out.write("; generated from translate/x86_ops.def by x86_ops_inc.py\n")
        for i, name in enumerate(CLASSES):
            out.write(f"%define VMM_CLASS_{name} {i}\n")
        for i, name in enumerate(ops):
            out.write(f"%define VMM_OP_{name} {i}\n")
        out.write(f"%define VMM_OP_COUNT {len(ops)}\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
