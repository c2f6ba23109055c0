/* VMM call accounting and the -d trap log (vmm_trace.h). A call's outcome is
 * known only later: it is settled as "reflected" when an exception is
 * delivered at the same instruction, and as "emulated" when anything else
 * happens next (another VMM call, an interrupt, the end of the run). The log
 * line is written when the call settles, so it carries the outcome. */
#include "vmm_trace.h"

#include <inttypes.h>
#include <stdlib.h>

#include "bus.h"
#include "cpu.h"
#include "disasm.h"
#include "log.h"
#include "mem.h"

/* helper_vmm's info word (translator.c builds it) */
enum { INFO_OP_MASK = 0xFFFF, INFO_LEN_SHIFT = 16, INFO_LEN_MASK = 0xFF, INFO_REP = 1u << 24 };

struct vmm_trace {
    struct cpu *cpu;
    uint64_t op_calls[X86_OP_COUNT];
    uint64_t class_calls[CLASS_COUNT];
    /* the part of those made by accesses to the VMM info port */
    uint64_t internal_op[X86_OP_COUNT];
    uint64_t internal_class[CLASS_COUNT];
    struct vmm_record pending;
    bool has_pending, pending_internal;
    /* the last VMM_HISTORY settled calls, info-port accesses left out;
     * history[(head - 1 - k) % VMM_HISTORY] is the k-th most recent */
    struct vmm_record history[VMM_HISTORY];
    unsigned head, nhistory;
    /* Capstone handles for the log, made on first use */
    struct disasm *dis16, *dis32;
};

static const char *const vector_names[] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#CSO",
    "#TS", "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM",
};

const char *vmm_vector_name(int vector)
{
    if (vector < 0 || (size_t)vector >= sizeof(vector_names) / sizeof(vector_names[0]))
        return "#??";
    return vector_names[vector];
}

static void log_record(struct vmm_trace *vt, const struct vmm_record *r)
{
    struct log *log = vt->cpu->log;
    struct disasm **dis = r->code32 ? &vt->dis32 : &vt->dis16;
    char hex[3 * sizeof(r->bytes) + 1] = "", text[96], outcome[48];

    if (!*dis)
        *dis = disasm_create(r->code32);
    if (!*dis || !disasm_one(*dis, r->bytes, r->len, r->eip, text, sizeof(text)))
        snprintf(text, sizeof(text), "(%s)", x86_op_name(r->op));
    for (unsigned i = 0; i < r->len; i++)
        snprintf(hex + 3 * i, 4, "%02x ", r->bytes[i]);
    if (r->outcome == VMM_EMULATED)
        snprintf(outcome, sizeof(outcome), "emulated");
    else if (r->error >= 0)
        snprintf(outcome, sizeof(outcome), "reflected as %s(%04x)", vmm_vector_name(r->vector),
                 (unsigned)r->error);
    else
        snprintf(outcome, sizeof(outcome), "reflected as %s", vmm_vector_name(r->vector));
    log_printf(log, LOG_TRAP, "trap: %04x:%08x  %-21s %-28s %-10s %-13s %-22s %s\n", r->cs,
               r->eip, hex, text, insn_class_name(x86_op_class(r->op)), x86_op_id(r->op), outcome,
               x86_op_reason(r->op));
}

static void settle(struct vmm_trace *vt, enum vmm_outcome outcome, int vector, int32_t error)
{
    if (!vt->has_pending)
        return;
    vt->pending.outcome = outcome;
    vt->pending.vector = vector;
    vt->pending.error = error;
    vt->has_pending = false;
    if (log_enabled(vt->cpu->log, LOG_TRAP))
        log_record(vt, &vt->pending);
    if (vt->pending_internal)
        return;
    vt->history[vt->head] = vt->pending;
    vt->head = (vt->head + 1) % VMM_HISTORY;
    if (vt->nhistory < VMM_HISTORY)
        vt->nhistory++;
}

void vmm_trace_settle(struct vmm_trace *vt)
{
    settle(vt, VMM_EMULATED, -1, -1);
}

void vmm_trace_exception(struct vmm_trace *vt, int vector, int32_t error)
{
    const struct cpu *cpu = vt->cpu;
    if (vt->has_pending && vt->pending.eip == cpu->eip &&
        vt->pending.cs == cpu->seg[SEG_CS].sel)
        settle(vt, VMM_REFLECTED, vector, error);
    else
        settle(vt, VMM_EMULATED, -1, -1);
}

/* The instruction's bytes as the CPU fetched them (a byte that cannot be
 * fetched now ends the copy). */
static uint8_t fetch_bytes(struct cpu *cpu, uint8_t *out, unsigned len)
{
    uint32_t mask = (cpu->mode & MODE_CS32) ? 0xFFFFFFFFu : 0xFFFFu;
    unsigned n;
    for (n = 0; n < len && n < 15; n++) {
        uint32_t p;
        if (!cpu_probe_code(cpu, cpu->seg[SEG_CS].base + ((cpu->eip + n) & mask), &p))
            break;
        out[n] = bus_read8(cpu->bus, p);
    }
    return (uint8_t)n;
}

static void on_trap(void *opaque, struct cpu *cpu, uint32_t info)
{
    struct vmm_trace *vt = opaque;
    enum x86_op op = (enum x86_op)(info & INFO_OP_MASK);

    if (op >= X86_OP_COUNT)
        return;
    /* a REP INS/OUTS re-enters between chunks: one instruction, one call */
    if ((info & INFO_REP) && vt->has_pending && vt->pending.op == op &&
        vt->pending.eip == cpu->eip && vt->pending.cs == cpu->seg[SEG_CS].sel)
        return;
    settle(vt, VMM_EMULATED, -1, -1);
    vt->op_calls[op]++;
    vt->class_calls[x86_op_class(op)]++;
    vt->pending = (struct vmm_record){
        .op = op, .cs = cpu->seg[SEG_CS].sel, .eip = cpu->eip,
        .code32 = (cpu->mode & MODE_CS32) != 0, .vector = -1, .error = -1,
    };
    /* the bytes are for the -d trap line only: not fetched on every call */
    if (log_enabled(cpu->log, LOG_TRAP))
        vt->pending.len =
            fetch_bytes(cpu, vt->pending.bytes, (info >> INFO_LEN_SHIFT) & INFO_LEN_MASK);
    vt->has_pending = true;
    vt->pending_internal = false;
}

static const struct cpu_vmm_ops vmm_ops = {.trap = on_trap};

struct vmm_trace *vmm_trace_create(struct cpu *cpu)
{
    struct vmm_trace *vt = calloc(1, sizeof(*vt));
    if (!vt)
        return NULL;
    vt->cpu = cpu;
    cpu->vmm_ops = &vmm_ops;
    cpu->vmm_opaque = vt;
    return vt;
}

void vmm_trace_destroy(struct vmm_trace *vt)
{
    if (!vt)
        return;
    if (vt->cpu->vmm_opaque == vt) {
        vt->cpu->vmm_ops = NULL;
        vt->cpu->vmm_opaque = NULL;
    }
    disasm_destroy(vt->dis16);
    disasm_destroy(vt->dis32);
    free(vt);
}

void vmm_trace_mark_internal(struct vmm_trace *vt)
{
    if (!vt->has_pending || vt->pending_internal)
        return;
    vt->pending_internal = true;
    vt->internal_op[vt->pending.op]++;
    vt->internal_class[x86_op_class(vt->pending.op)]++;
}

uint64_t vmm_trace_op_calls(const struct vmm_trace *vt, enum x86_op op, bool guest_view)
{
    if ((unsigned)op >= X86_OP_COUNT)
        return 0;
    return vt->op_calls[op] - (guest_view ? vt->internal_op[op] : 0);
}

uint64_t vmm_trace_class_calls(const struct vmm_trace *vt, enum insn_class c, bool guest_view)
{
    if ((unsigned)c >= CLASS_COUNT)
        return 0;
    return vt->class_calls[c] - (guest_view ? vt->internal_class[c] : 0);
}

const struct vmm_record *vmm_trace_recent(const struct vmm_trace *vt, unsigned k)
{
    if (k >= vt->nhistory)
        return NULL;
    return &vt->history[(vt->head + VMM_HISTORY - 1 - k) % VMM_HISTORY];
}

static int by_calls(const void *a, const void *b, void *arg)
{
    const uint64_t *calls = arg;
    uint64_t x = calls[*(const uint16_t *)a], y = calls[*(const uint16_t *)b];
    if (x != y)
        return x < y ? 1 : -1;
    return *(const uint16_t *)a - *(const uint16_t *)b;
}

void vmm_trace_print(const struct vmm_trace *vt, FILE *f)
{
    uint16_t order[X86_OP_COUNT];
    unsigned n = 0;
    uint64_t total = 0;

    for (unsigned i = 0; i < X86_OP_COUNT; i++) {
        if (vt->op_calls[i])
            order[n++] = (uint16_t)i;
    }
    qsort_r(order, n, sizeof(order[0]), by_calls, (void *)vt->op_calls);
    for (unsigned c = 0; c < CLASS_COUNT; c++)
        total += vt->class_calls[c];
    fprintf(f, "VMM calls: %" PRIu64 "\n", total);
    for (unsigned c = 0; c < CLASS_COUNT; c++) {
        if (c != CLASS_SAFE)
            fprintf(f, "  %-12s %" PRIu64 "\n", insn_class_name((enum insn_class)c),
                    vt->class_calls[c]);
    }
    fprintf(f, "VMM calls by instruction:\n");
    for (unsigned i = 0; i < n; i++) {
        enum x86_op op = (enum x86_op)order[i];
        fprintf(f, "  %-14s %-10s %" PRIu64 "\n", x86_op_id(op),
                insn_class_name(x86_op_class(op)), vt->op_calls[op]);
    }
}
