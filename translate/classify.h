/* How trapdoor runs each x86 instruction: the class table (x86_ops.def) that
 * makes the trap-and-emulate structure explicit (docs/internals.md). */
#ifndef TD_CLASSIFY_H
#define TD_CLASSIFY_H

#include "decode.h"

enum insn_class {
    CLASS_SAFE,
    CLASS_SENSITIVE,
    CLASS_PRIVILEGED,
    CLASS_IO,
    CLASS_CONTROL,
    CLASS_COUNT,
};

enum insn_class x86_op_class(enum x86_op op);
/* Why the op is not SAFE ("" for SAFE ops). */
const char *x86_op_reason(enum x86_op op);
/* The op's name in the table ("MOV_TO_SREG"), finer than its mnemonic. */
const char *x86_op_id(enum x86_op op);
const char *insn_class_name(enum insn_class c);

#endif
