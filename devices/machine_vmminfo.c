/* The trapdoor VMM info port: a paravirtual device through which a guest reads
 * the VMM's own counters and trap records (docs/internals.md, "The VMM info
 * port"). Port 5D0h (write 16 bits) selects an index; port 5D4h reads the
 * value (32 bits) or, for a string index, the next character (8 bits). Values
 * are sampled when the index is selected, so a count includes that OUT. */
#include "machine.h"
#include "machine_internal.h"

#include <stdlib.h>

#include "bits.h"
#include "classify.h"
#include "cpuid.h"
#include "exec.h"
#include "ioport.h"
#include "vmm_trace.h"

#include "config.h"

enum {
    VMMINFO_PORT_INDEX = 0x5D0,
    VMMINFO_PORT_DATA = 0x5D4,
    VMMINFO_PORTS = 8,
    IDX_CLASS = 0x0000,
    IDX_OP = 0x0100,
    IDX_STATS = 0x0200,
    IDX_RECORD = 0x0300,
    IDX_OP_ID = 0x4000,
    IDX_OP_MNEMONIC = 0x6000,
    IDX_CLASS_NAME = 0x7000,
    IDX_BACKEND = 0x7100,
    IDX_VERSION = 0x7101,
    IDX_MODEL = 0x7102,
    IDX_REASON = 0x8000,
    IDX_RANGE = 0x1000,
};

struct vmminfo {
    struct machine *m;
    uint32_t value;
    /* the selected string and the next character to read */
    const char *str;
};

static uint32_t stat_value(const struct machine *m, unsigned i)
{
    const struct exec_stats *s = exec_stats(m->exec);
    const uint64_t values[] = {
        s->blocks_translated, s->insns_translated, s->lookups, s->lookup_hits, s->chained,
        s->smc_invalidations, s->flushes, s->blocks_executed, m->cpu.icount,
        m->cpu.stats.exceptions, m->cpu.stats.interrupts,
    };
    return i < sizeof(values) / sizeof(values[0]) ? (uint32_t)values[i] : 0xFFFFFFFFu;
}

static uint32_t record_value(const struct vmm_record *r, unsigned i)
{
    if (!r)
        return 0xFFFFFFFFu;
    const uint32_t values[] = {
        (uint32_t)r->op, (uint32_t)x86_op_class(r->op), r->eip, r->cs,
        r->outcome == VMM_REFLECTED, (uint32_t)r->vector, (uint32_t)r->error,
    };
    return i < sizeof(values) / sizeof(values[0]) ? values[i] : 0xFFFFFFFFu;
}

/* A counter or record field: its value. */
static uint32_t number(struct machine *m, unsigned idx)
{
    struct vmm_trace *vt = exec_vmm_trace(m->exec);
    if (idx < IDX_CLASS + CLASS_COUNT)
        return (uint32_t)vmm_trace_class_calls(vt, (enum insn_class)idx);
    if (idx >= IDX_OP && idx < IDX_OP + X86_OP_COUNT)
        return (uint32_t)vmm_trace_op_calls(vt, (enum x86_op)(idx - IDX_OP));
    if (idx >= IDX_STATS && idx < IDX_RECORD)
        return stat_value(m, idx - IDX_STATS);
    if (idx >= IDX_RECORD && idx < IDX_RECORD + 0x100)
        return record_value(vmm_trace_last(vt), idx - IDX_RECORD);
    return 0xFFFFFFFFu;
}

/* A string index: its text, or NULL. */
static const char *string(const struct machine *m, unsigned idx)
{
    unsigned op = idx % IDX_RANGE;
    if (idx >= IDX_OP_ID && idx < IDX_OP_ID + X86_OP_COUNT)
        return x86_op_id((enum x86_op)op);
    if (idx >= IDX_OP_MNEMONIC && idx < IDX_OP_MNEMONIC + X86_OP_COUNT)
        return x86_op_name((enum x86_op)op);
    if (idx >= IDX_REASON && idx < IDX_REASON + X86_OP_COUNT)
        return x86_op_reason((enum x86_op)op);
    if (idx >= IDX_CLASS_NAME && idx < IDX_CLASS_NAME + CLASS_COUNT)
        return insn_class_name((enum insn_class)(idx - IDX_CLASS_NAME));
    if (idx == IDX_BACKEND)
        return exec_backend_name(m->exec);
    if (idx == IDX_VERSION)
        return TRAPDOOR_VERSION;
    if (idx == IDX_MODEL)
        return m->cpu.model->name;
    return NULL;
}

static void vmminfo_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct vmminfo *vi = opaque;
    if (port != VMMINFO_PORT_INDEX)
        return;
    unsigned idx = value & 0xFFFF;
    vi->str = string(vi->m, idx);
    vi->value = vi->str ? 0 : number(vi->m, idx);
}

static uint32_t vmminfo_read(void *opaque, uint16_t port, unsigned size)
{
    struct vmminfo *vi = opaque;
    if (port != VMMINFO_PORT_DATA)
        return 0xFFFFFFFFu;
    if (!vi->str)
        return vi->value & size_mask(size);
    if (size != 1)
        return 0xFFFFFFFFu;
    uint8_t c = (uint8_t)*vi->str;
    if (c)
        vi->str++;
    return c;
}

static const struct ioport_ops vmminfo_ops = {
    .read = vmminfo_read, .write = vmminfo_write, .sizes = 1 | 2 | 4,
};

bool machine_add_vmminfo(struct machine *m)
{
    m->vmminfo = calloc(1, sizeof(*m->vmminfo));
    if (!m->vmminfo)
        return false;
    m->vmminfo->m = m;
    return ioports_register(m->io, VMMINFO_PORT_INDEX, VMMINFO_PORTS, &vmminfo_ops, m->vmminfo,
                            "vmminfo");
}

void machine_free_vmminfo(struct machine *m)
{
    free(m->vmminfo);
    m->vmminfo = NULL;
}
