/* The VMM made visible: every call into the VMM (an instruction the class
 * table, x86_ops.def, does not mark SAFE) is counted by x86 op and class and,
 * under -d trap, logged with its guest address, bytes, disassembly, class,
 * reason and outcome: emulated, or reflected to the guest as an exception. */
#ifndef TD_VMM_TRACE_H
#define TD_VMM_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "classify.h"
#include "decode.h"

struct cpu;

enum vmm_outcome {
    VMM_EMULATED,
    VMM_REFLECTED,
};

/* One VMM call. */
struct vmm_record {
    enum x86_op op;
    uint16_t cs;
    uint32_t eip;
    bool code32;
    /* the instruction's bytes, fetched only under -d trap (else len 0) */
    uint8_t len;
    uint8_t bytes[15];
    enum vmm_outcome outcome;
    /* VMM_REFLECTED: the exception and its error code (-1: none) */
    int vector;
    int32_t error;
};

struct vmm_trace;

/* Create the trace for cpu and install it as cpu's VMM hook. NULL when out
 * of memory. */
struct vmm_trace *vmm_trace_create(struct cpu *cpu);
void vmm_trace_destroy(struct vmm_trace *vt);

/* An exception is being delivered with cpu->eip at the faulting instruction:
 * the VMM call made by that instruction, if any, was reflected to the guest. */
void vmm_trace_exception(struct vmm_trace *vt, int vector, int32_t error);

/* The pending VMM call completed (an external interrupt is taken, or the run
 * returns): record it as emulated. */
void vmm_trace_settle(struct vmm_trace *vt);

/* The VMM call being made is an access to the VMM info port: the guest's
 * view (guest_view below, vmm_trace_recent) leaves it out, so reading the
 * counters does not change them. -d trap and -d stats still show it. */
void vmm_trace_mark_internal(struct vmm_trace *vt);

/* VMM calls so far; guest_view: without the info port's own accesses. */
uint64_t vmm_trace_op_calls(const struct vmm_trace *vt, enum x86_op op, bool guest_view);
uint64_t vmm_trace_class_calls(const struct vmm_trace *vt, enum insn_class c, bool guest_view);

/* How many settled calls vmm_trace_recent remembers. */
enum { VMM_HISTORY = 32 };

/* The k-th most recent VMM call whose outcome is known (k = 0: the last),
 * info-port accesses left out; NULL when there are not that many. */
const struct vmm_record *vmm_trace_recent(const struct vmm_trace *vt, unsigned k);

/* "#GP" and friends: the mnemonic of an exception vector. */
const char *vmm_vector_name(int vector);

/* The -d stats section: VMM calls by instruction (busiest first) and class. */
void vmm_trace_print(const struct vmm_trace *vt, FILE *f);

#endif
