/* The class table, generated from x86_ops.def (docs/internals.md explains it). */
#include "classify.h"

#include <assert.h>

struct op_class {
    enum insn_class cls;
    const char *id;
    const char *reason;
};

static const struct op_class op_classes[X86_OP_COUNT] = {
#define X86_OP(id, mnem, cls, gen, reason) [X86_OP_##id] = {CLASS_##cls, #id, reason},
#include "x86_ops.def"
#undef X86_OP
};

static const char *const class_names[CLASS_COUNT] = {
    [CLASS_SAFE] = "SAFE",
    [CLASS_SENSITIVE] = "SENSITIVE",
    [CLASS_PRIVILEGED] = "PRIVILEGED",
    [CLASS_IO] = "IO",
    [CLASS_CONTROL] = "CONTROL",
};

enum insn_class x86_op_class(enum x86_op op)
{
    assert(op < X86_OP_COUNT);
    return op_classes[op].cls;
}

const char *x86_op_reason(enum x86_op op)
{
    assert(op < X86_OP_COUNT);
    return op_classes[op].reason;
}

const char *x86_op_id(enum x86_op op)
{
    assert(op < X86_OP_COUNT);
    return op_classes[op].id;
}

const char *insn_class_name(enum insn_class c)
{
    assert(c < CLASS_COUNT);
    return class_names[c];
}
