/* Block translation: fetch guest bytes at CS:EIP, decode, and call each
 * instruction's gen function until the block ends (docs/internals.md). */
#include "translator.h"

#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "classify.h"
#include "cpuid.h"
#include "disasm.h"
#include "exec.h"
#include "gen.h"
#include "log.h"
#include "mem.h"
#include "tb.h"

enum { PAGE_SHIFT = 12, MAX_INSN_LEN = 15, IR_HEADROOM = 256 };

struct translator {
    struct cpu *cpu;
    /* Capstone handles for 16- and 32-bit code (-d in_asm); NULL if unavailable */
    struct disasm *disasm16;
    struct disasm *disasm32;
    struct ir_block ir;
};

static gen_fn *const gen_table[X86_OP_COUNT] = {
#define X86_OP(id, mnem, cls, gen, reason) [X86_OP_##id] = gen,
#include "x86_ops.def"
#undef X86_OP
};

struct translator *translator_create(struct cpu *cpu)
{
    struct translator *tr = calloc(1, sizeof(*tr));
    if (!tr)
        return NULL;
    tr->cpu = cpu;
    tr->disasm16 = disasm_create(false);
    tr->disasm32 = disasm_create(true);
    return tr;
}

void translator_destroy(struct translator *tr)
{
    if (!tr)
        return;
    disasm_destroy(tr->disasm16);
    disasm_destroy(tr->disasm32);
    free(tr);
}

/* Guest code pages a block may touch, each with the byte range it uses. */
struct code_span {
    unsigned n;
    uint32_t lo[TB_MAX_PAGES];
    uint32_t hi[TB_MAX_PAGES];
};

/* Add physical byte p to the span; false if it would need a third page. */
static bool span_add(struct code_span *s, uint32_t p)
{
    for (unsigned i = 0; i < s->n; i++) {
        if ((s->lo[i] >> PAGE_SHIFT) == (p >> PAGE_SHIFT)) {
            s->lo[i] = p < s->lo[i] ? p : s->lo[i];
            s->hi[i] = p > s->hi[i] ? p : s->hi[i];
            return true;
        }
    }
    if (s->n == TB_MAX_PAGES)
        return false;
    s->lo[s->n] = s->hi[s->n] = p;
    s->n++;
    return true;
}

/* Fetch up to 15 bytes of the instruction at offset eip. Bytes in a page the
 * block cannot take, or whose fetch would fault (paging), are not fetched;
 * *fault_laddr is then the unfetchable byte's linear address (else 0 and
 * *faulted false). Returns the count fetched; the span is updated only for
 * bytes the decoded instruction really uses (see commit). */
static size_t fetch(struct translator *tr, const struct tcx *t, uint32_t eip, uint8_t *buf,
                    uint32_t *phys, const struct code_span *span, bool *faulted,
                    uint32_t *fault_laddr)
{
    struct code_span trial = *span;
    uint32_t mask = (t->mode & MODE_CS32) ? 0xFFFFFFFFu : 0xFFFFu;
    size_t n;
    *faulted = false;
    for (n = 0; n < MAX_INSN_LEN; n++) {
        uint32_t laddr = t->cs_base + ((eip + (uint32_t)n) & mask);
        uint32_t p;
        if (!cpu_probe_code(tr->cpu, laddr, &p)) {
            *faulted = true;
            *fault_laddr = laddr;
            break;
        }
        if (!span_add(&trial, p))
            break;
        phys[n] = p;
        buf[n] = bus_read8(tr->cpu->bus, p);
    }
    return n;
}

static void log_insn(struct translator *tr, const struct tcx *t, const struct x86_insn *in,
                     const uint8_t *bytes)
{
    struct log *log = tr->cpu->log;
    char text[128];
    struct disasm *dis = (t->mode & MODE_CS32) ? tr->disasm32 : tr->disasm16;
    if (!dis || !disasm_one(dis, bytes, in->len, in->pc, text, sizeof(text)))
        snprintf(text, sizeof(text), "(%s)", x86_op_name(in->op));
    char hex[3 * MAX_INSN_LEN + 1] = "";
    for (unsigned i = 0; i < in->len; i++)
        snprintf(hex + 3 * i, 4, "%02x ", bytes[i]);
    log_printf(log, LOG_IN_ASM, "  %04x:%08x  %-30s %-40s %s\n", tr->cpu->seg[SEG_CS].sel, in->pc,
               hex, text, insn_class_name(x86_op_class(in->op)));
}

static bool uses_fs_gs(const struct x86_insn *in)
{
    for (unsigned i = 0; i < in->nopnd; i++) {
        if (in->opnd[i].kind == OPND_SREG && in->opnd[i].reg >= SEG_FS)
            return true;
    }
    return false;
}

/* Where the CPU model makes a decoded instruction fault (or not) differently
 * from the 386 and later (cpu/cpuid.h). */
static enum decode_status model_check(const struct cpu_model *m, const struct x86_insn *in,
                                      enum decode_status st)
{
    if (st == DECODE_UD && in->lock_invalid && m->lock_any)
        st = DECODE_OK;
    if (st != DECODE_OK)
        return st;
    if (m->max_insn_len && in->len > m->max_insn_len)
        return DECODE_TOO_LONG;
    if (m->no_fs_gs && uses_fs_gs(in))
        return DECODE_UD;
    return st;
}

/* Every instruction that is not SAFE starts with a call into the VMM's
 * accounting (vmm_trace.c): the point where a trap-and-emulate VMM would take
 * control. info: op | length << 16 | REP << 24. */
static void gen_vmm_entry(struct tcx *t, const struct x86_insn *in)
{
    uint32_t info = (uint32_t)in->op | (uint32_t)in->len << 16 | (in->rep ? 1u << 24 : 0);
    gen_helper(t, HELPER_vmm, 0, 0, 0, info);
}

/* Translate one decoded (or undecodable) instruction. */
static void translate_insn(struct tcx *t, struct x86_insn *in, enum decode_status st)
{
    struct ir_op *mark = ir_emit(t->ir, IR_insn);
    mark->imm = in->pc;
    mark->size = in->len;
    uint32_t mask = (t->mode & MODE_CS32) ? 0xFFFFFFFFu : 0xFFFFu;
    t->next_eip = (in->pc + in->len) & mask;
    t->in = in;
    st = model_check(t->cpu->model, in, st);
    if (st == DECODE_TOO_LONG) {
        /* SDM vol. 2 2.3.11: more than 15 bytes raises #GP(0) */
        gen_helper(t, HELPER_raise, 0, 0, 0, EXC_GP | 0x100u);
        gen_exit_cur(t);
    } else if (st == DECODE_UD) {
        gen_raise(t, EXC_UD);
    } else {
        if (x86_op_class(in->op) != CLASS_SAFE)
            gen_vmm_entry(t, in);
        gen_table[in->op](t, in);
    }
}

const struct ir_block *translator_build(struct translator *tr, struct tb *tb, unsigned max_insns,
                                        struct exec_stats *stats)
{
    struct cpu *cpu = tr->cpu;
    struct tcx t = {.ir = &tr->ir, .cpu = cpu, .mode = tb->mode, .cs_base = tb->cs_base};
    struct code_span span = {0};
    uint32_t eip = tb->pc;
    unsigned count = 0;
    /* single-step and debug breakpoints see every instruction boundary */
    if (tb->mode & (MODE_TF | MODE_DEBUG))
        max_insns = 1;
    ir_reset(&tr->ir);
    log_printf(cpu->log, LOG_IN_ASM, "IN: %04x:%08x\n", cpu->seg[SEG_CS].sel, eip);
    while (!t.ended) {
        uint8_t buf[MAX_INSN_LEN];
        uint32_t phys[MAX_INSN_LEN];
        bool faulted;
        uint32_t fault_laddr = 0;
        size_t avail = fetch(tr, &t, eip, buf, phys, &span, &faulted, &fault_laddr);
        struct x86_insn in;
        enum decode_status st = x86_decode(buf, avail, eip, (t.mode & MODE_CS32) != 0, &in);
        if (st == DECODE_NEED_MORE && count > 0) {
            /* the rest lies in a third page or faults: the next block */
            gen_exit_jmp(&t, eip);
            break;
        }
        if (st == DECODE_NEED_MORE && faulted)
            cpu_translate_code(cpu, fault_laddr);  /* raises the fetch's #PF */
        if (st == DECODE_TOO_LONG || st == DECODE_NEED_MORE) {
            in.len = (uint8_t)avail;
            in.pc = eip;
            st = DECODE_TOO_LONG;
        }
        for (unsigned i = 0; i < in.len; i++)
            span_add(&span, phys[i]);
        if (log_enabled(cpu->log, LOG_IN_ASM))
            log_insn(tr, &t, &in, buf);
        translate_insn(&t, &in, st);
        eip = t.next_eip;
        count++;
        if (!t.ended && (count >= max_insns || tr->ir.nops > IR_MAX_OPS - IR_HEADROOM))
            gen_exit_jmp(&t, eip);
    }
    for (unsigned i = 0; i < span.n; i++) {
        tb->paddr[i] = span.lo[i];
        tb->plen[i] = (uint16_t)(span.hi[i] - span.lo[i] + 1);
    }
    tb->ninsns = (uint16_t)count;
    stats->blocks_translated++;
    stats->insns_translated += count;
    stats->flag_ops_removed += ir_flags_liveness(&tr->ir);
    if (log_enabled(cpu->log, LOG_OP)) {
        log_printf(cpu->log, LOG_OP, "OP: %04x:%08x\n", cpu->seg[SEG_CS].sel, tb->pc);
        ir_dump(&tr->ir, cpu->log->out);
    }
    return &tr->ir;
}
