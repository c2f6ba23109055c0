/* cpu_exec: find or translate the block at CS:EIP, run it, take interrupts
 * and exceptions at block boundaries (docs/internals.md, "Execution"). */
#include "exec.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "bus.h"
#include "classify.h"
#include "cpu.h"
#include "debug.h"
#include "helpers.h"
#include "log.h"
#include "mem.h"
#include "tb.h"
#include "translator.h"
#include "vmm_trace.h"

enum {
    DEFAULT_CACHE_SIZE = 32u << 20,
    DEFAULT_BLOCK_INSNS = 32,
    MAX_TBS = EXEC_MAX_BLOCKS,
};

struct exec {
    struct cpu *cpu;
    const struct backend_ops *backend;
    struct tb_cache *cache;
    struct translator *translator;
    struct backend_ctx ctx;
    struct exec_stats stats;
    unsigned max_block_insns;
    /* the direct exit the last block left through, to chain on the next lookup */
    struct tb *link_from;
    int link_slot;
    /* --lockstep: the shadow engine (exec_lockstep.c), else NULL */
    struct lockstep *lockstep;
    /* VMM calls counted and logged (-d trap) */
    struct vmm_trace *vmm;
};

_Static_assert(HELPER_COUNT <= sizeof(((struct exec_stats *)0)->helper_calls) /
                                   sizeof(uint64_t), "exec_stats.helper_calls too small");

static void exec_code_write(void *opaque, uint32_t paddr, unsigned len)
{
    struct exec *ex = opaque;
    if (tb_invalidate_range(ex->cache, paddr, len, ex->ctx.current))
        ex->ctx.smc_self = true;
}

/* ---- backend selection and backend hooks ---- */

static const struct backend_ops *const backends[] = {
#if defined(__x86_64__)
    &backend_x86_64,
#endif
    &backend_portable,
};

const char *exec_default_backend(void)
{
    return backends[0]->name;
}

bool exec_backend_known(const char *name)
{
    for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
        if (strcmp(backends[i]->name, name) == 0)
            return true;
    }
    return false;
}

/* cfg->backend, else $TRAPDOOR_BACKEND, else the host's native backend. */
static const struct backend_ops *pick_backend(const struct exec_config *cfg)
{
    const char *name = cfg && cfg->backend ? cfg->backend : getenv("TRAPDOOR_BACKEND");
    if (!name || !*name)
        return backends[0];
    for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
        if (strcmp(backends[i]->name, name) == 0)
            return backends[i];
    }
    return NULL;
}

static void exec_unlink_hook(void *opaque, struct tb *from, unsigned slot)
{
    struct exec *ex = opaque;
    if (ex->backend->unlink)
        ex->backend->unlink(&ex->ctx, from, slot);
}

/* The block at CS:EIP if it is translated and may be entered by an in-code
 * jump (the checks of exec_find, without translating or faulting). */
static struct tb *exec_lookup_nofault(struct backend_ctx *ctx)
{
    struct exec *ex = (struct exec *)((char *)ctx - offsetof(struct exec, ctx));
    struct cpu *cpu = ex->cpu;
    uint32_t laddr = cpu->seg[SEG_CS].base + cpu->eip;
    uint32_t paddr0;
    if (cpu->mode & (MODE_PG | MODE_DEBUG | MODE_TF) || !cpu_probe_code(cpu, laddr, &paddr0))
        return NULL;
    ex->stats.lookups++;
    struct tb *tb = tb_lookup(ex->cache, cpu->eip, cpu->seg[SEG_CS].base, cpu->mode, paddr0);
    if (tb)
        ex->stats.lookup_hits++;
    return tb;
}

static bool exec_backend_init(struct exec *ex, uint32_t cache_size)
{
    ex->ctx.cpu = ex->cpu;
    ex->ctx.stats = &ex->stats;
    ex->ctx.cache = ex->cache;
    ex->ctx.lookup = exec_lookup_nofault;
    tb_cache_set_unlink_hook(ex->cache, exec_unlink_hook, ex);
    return !ex->backend->create || ex->backend->create(&ex->ctx, cache_size);
}

static bool exec_compile(struct exec *ex, struct tb *tb, const struct ir_block *ir)
{
    if (ex->backend->compile_ctx)
        return ex->backend->compile_ctx(&ex->ctx, tb, ir);
    return ex->backend->compile(ex->cache, tb, ir);
}

/* Make tb findable; a backend with a store fast path learns of its code. */
static void exec_insert(struct exec *ex, struct tb *tb)
{
    tb_insert(ex->cache, tb);
    for (unsigned i = 0; i < TB_MAX_PAGES && ex->backend->code_added; i++) {
        if (tb->paddr[i] != TB_NO_PAGE)
            ex->backend->code_added(&ex->ctx, tb->paddr[i], tb->plen[i]);
    }
}

static void exec_link(struct exec *ex, struct tb *from, unsigned slot, struct tb *to)
{
    tb_link(from, slot, to);
    if (ex->backend->link && from->jmp_target[slot] == to)
        ex->backend->link(&ex->ctx, from, slot, to);
}

static void exec_flush_all(struct exec *ex)
{
    tb_flush(ex->cache);
    if (ex->backend->flush)
        ex->backend->flush(&ex->ctx);
    ex->link_from = NULL;
}

struct exec *exec_create(struct cpu *cpu, const struct exec_config *cfg)
{
    struct exec *ex = calloc(1, sizeof(*ex));
    if (!ex)
        return NULL;
    ex->cpu = cpu;
    ex->backend = pick_backend(cfg);
    if (!ex->backend) {
        free(ex);
        return NULL;
    }
    uint32_t cache_size = cfg && cfg->cache_size ? cfg->cache_size : DEFAULT_CACHE_SIZE;
    ex->max_block_insns =
        cfg && cfg->max_block_insns ? cfg->max_block_insns : DEFAULT_BLOCK_INSNS;
    ex->cache = tb_cache_create(cpu->bus, MAX_TBS, cache_size, &ex->stats);
    ex->translator = translator_create(cpu);
    ex->vmm = vmm_trace_create(cpu);
    if (!ex->cache || !ex->translator || !ex->vmm || !exec_backend_init(ex, cache_size)) {
        exec_destroy(ex);
        return NULL;
    }
    bus_set_code_write_hook(cpu->bus, exec_code_write, ex);
    int ls = cfg ? cfg->lockstep : 0;
    if (ls > 0 || (ls == 0 && getenv("TRAPDOOR_LOCKSTEP"))) {
        ex->lockstep = exec_lockstep_create(cpu);
        if (!ex->lockstep) {
            exec_destroy(ex);
            return NULL;
        }
    }
    return ex;
}

void exec_destroy(struct exec *ex)
{
    if (!ex)
        return;
    bus_set_code_write_hook(ex->cpu->bus, NULL, NULL);
    exec_lockstep_destroy(ex->lockstep);
    if (ex->backend->destroy)
        ex->backend->destroy(&ex->ctx);
    translator_destroy(ex->translator);
    tb_cache_destroy(ex->cache);
    vmm_trace_destroy(ex->vmm);
    free(ex);
}

void exec_flush(struct exec *ex)
{
    exec_flush_all(ex);
}

const struct exec_stats *exec_stats(const struct exec *ex)
{
    return &ex->stats;
}

const char *exec_backend_name(const struct exec *ex)
{
    return ex->backend->name;
}

struct vmm_trace *exec_vmm_trace(struct exec *ex)
{
    return ex->vmm;
}

/* Translate the block at the CPU's CS:EIP; flushes the cache when full. */
static struct tb *exec_translate(struct exec *ex)
{
    struct cpu *cpu = ex->cpu;
    for (int attempt = 0; attempt < 2; attempt++) {
        struct tb *tb = tb_alloc(ex->cache);
        if (tb) {
            tb->pc = cpu->eip;
            tb->cs_base = cpu->seg[SEG_CS].base;
            tb->mode = cpu->mode;
            const struct ir_block *ir =
                translator_build(ex->translator, tb, ex->max_block_insns, &ex->stats);
            if (exec_compile(ex, tb, ir)) {
                exec_insert(ex, tb);
                return tb;
            }
        }
        exec_flush_all(ex);
    }
    abort(); /* an empty cache always has room for one block */
}

/* With paging, a block that spans two pages is valid only while its second
 * page still maps to the physical page it was translated from (the lookup
 * key checks only the first). */
static bool second_page_ok(struct cpu *cpu, const struct tb *tb, uint32_t laddr)
{
    uint32_t paddr1;

    if (tb->paddr[1] == TB_NO_PAGE || !(cpu->mode & MODE_PG))
        return true;
    return cpu_probe_code(cpu, (laddr & ~0xFFFu) + 0x1000u, &paddr1) &&
           (paddr1 >> 12) == (tb->paddr[1] >> 12);
}

/* May the previous block chain into tb? Without paging always. With paging a
 * chained jump skips the lookup's check of the mapping, so only a single-page
 * block in the same linear page as the previous block's start qualifies: a
 * block is entered only through a checked lookup of that page, or a chain
 * from one. Breakpoints need every boundary (MODE_DEBUG: no chaining). */
static bool may_link(const struct cpu *cpu, const struct tb *from, const struct tb *tb,
                     uint32_t laddr)
{
    if (cpu->mode & MODE_DEBUG)
        return false;
    if (!(cpu->mode & MODE_PG))
        return true;
    return tb->paddr[1] == TB_NO_PAGE && ((from->pc + from->cs_base) >> 12) == (laddr >> 12);
}

static struct tb *exec_find(struct exec *ex)
{
    struct cpu *cpu = ex->cpu;
    uint32_t laddr = cpu->seg[SEG_CS].base + cpu->eip;
    if (cpu->mode & MODE_DEBUG)
        cpu_debug_before_insn(cpu);
    uint32_t paddr0 = cpu_translate_code(cpu, laddr);
    ex->stats.lookups++;
    struct tb *tb = tb_lookup(ex->cache, cpu->eip, cpu->seg[SEG_CS].base, cpu->mode, paddr0);
    if (tb && !second_page_ok(cpu, tb, laddr)) {
        tb_discard(ex->cache, tb);
        tb = NULL;
    }
    if (!tb)
        tb = exec_translate(ex);
    else
        ex->stats.lookup_hits++;
    if (ex->link_from && !may_link(cpu, ex->link_from, tb, laddr))
        ex->link_from = NULL;
    return tb;
}

/* Take a pending external interrupt if the CPU accepts one now. */
static void exec_check_irq(struct exec *ex)
{
    struct cpu *cpu = ex->cpu;
    if (cpu->inhibit_irq) {
        cpu->inhibit_irq = false;
        return;
    }
    if (!cpu->intr || !(cpu->eflags & EFLAGS_IF) || !cpu->irq_ops)
        return;
    cpu->halted = false;
    uint8_t vector = cpu->irq_ops->ack(cpu->irq_opaque);
    cpu->stats.interrupts++;
    ex->link_from = NULL;
    vmm_trace_settle(ex->vmm);
    cpu_deliver_interrupt(cpu, vector, -1, cpu->eip);
}

/* Run one block (or chain of blocks) at CS:EIP. */
static void exec_block(struct exec *ex)
{
    struct cpu *cpu = ex->cpu;
    bool single_step = cpu->mode & MODE_TF;
    struct tb *tb = exec_find(ex);
    if (ex->link_from && ex->link_from->valid && tb->valid)
        exec_link(ex, ex->link_from, (unsigned)ex->link_slot, tb);
    ex->link_from = NULL;
    int slot;
    ex->ctx.current = tb;
    ex->ctx.smc_self = false;
    ex->stats.blocks_executed++;
    struct tb *last = ex->backend->run(&ex->ctx, tb, &slot);
    ex->ctx.current = NULL;
    /* chained entries counted by generated code */
    ex->stats.chained += ex->ctx.chained;
    ex->stats.blocks_executed += ex->ctx.chained;
    ex->ctx.chained = 0;
    if (single_step) {
        /* SDM vol. 3 17.3.1.4: the single-step trap comes after the instruction */
        cpu->dr[6] |= 1u << 14;
        vmm_trace_settle(ex->vmm);
        cpu_deliver_interrupt(cpu, EXC_DB, -1, cpu->eip);
        return;
    }
    if (slot >= 0 && last->valid) {
        ex->link_from = last;
        ex->link_slot = slot;
    }
}

enum exec_status exec_run(struct exec *ex, uint64_t max_insns)
{
    if (ex->lockstep)
        return exec_lockstep_run(ex->lockstep, ex, ex->cpu, ex->backend->name, max_insns);
    return exec_run_plain(ex, max_insns);
}

enum exec_status exec_run_plain(struct exec *ex, uint64_t max_insns)
{
    struct cpu *cpu = ex->cpu;
    sigjmp_buf jb;
    sigjmp_buf *volatile saved = cpu->exc_jmp;
    volatile uint64_t limit = cpu->icount + max_insns;
    /* exceptions delivered since an instruction last retired: a guest that
     * faults again in its handler before any instruction completes (an
     * instruction breakpoint on the #DB handler, a data breakpoint on its
     * vector) never moves icount, so it spends the budget instead */
    volatile uint64_t stalled = 0, stall_icount = cpu->icount;
    volatile enum exec_status status = EXEC_BUDGET;
    cpu->exc_jmp = &jb;
    ex->ctx.icount_limit = limit;
    /* the caller may have moved CS:EIP since the last block left: a link
     * made now from that block's exit would be wrong */
    ex->link_from = NULL;
    if (sigsetjmp(jb, 0)) {
        /* a guest exception: cpu->eip is at the faulting instruction */
        ex->ctx.current = NULL;
        ex->link_from = NULL;
        cpu->stats.exceptions++;
        vmm_trace_exception(ex->vmm, cpu->exc_vector, cpu->exc_error);
        cpu_deliver_interrupt(cpu, cpu->exc_vector, cpu->exc_error, cpu->eip);
        cpu->exc_depth = 0;
        stalled = cpu->icount == stall_icount ? stalled + 1 : 1;
        stall_icount = cpu->icount;
    }
    while (cpu->icount < limit && stalled < max_insns) {
        if (cpu->exit_request) {
            cpu->exit_request = 0;
            status = EXEC_REQUEST;
            break;
        }
        exec_check_irq(ex);
        if (cpu->halted) {
            status = EXEC_HALTED;
            break;
        }
        exec_block(ex);
    }
    cpu->exc_jmp = saved;
    vmm_trace_settle(ex->vmm);
    return status;
}

void exec_print_stats(const struct exec *ex, FILE *f)
{
    const struct exec_stats *s = &ex->stats;
    fprintf(f, "translation statistics:\n");
    fprintf(f, "  blocks translated   %" PRIu64 " (%" PRIu64 " guest instructions)\n",
            s->blocks_translated, s->insns_translated);
    fprintf(f, "  block lookups       %" PRIu64 " (%" PRIu64 " hits)\n", s->lookups,
            s->lookup_hits);
    fprintf(f, "  blocks executed     %" PRIu64 " (%" PRIu64 " entered by chaining)\n",
            s->blocks_executed, s->chained);
    fprintf(f, "  SMC invalidations   %" PRIu64 "\n", s->smc_invalidations);
    fprintf(f, "  cache flushes       %" PRIu64 "\n", s->flushes);
    fprintf(f, "  dead flag ops       %" PRIu64 "\n", s->flag_ops_removed);
    fprintf(f, "  guest instructions  %" PRIu64 "\n", ex->cpu->icount);
    vmm_trace_print(ex->vmm, f);
    fprintf(f, "helper calls from translated code:\n");
    for (unsigned i = 0; i < HELPER_COUNT; i++) {
        if (s->helper_calls[i])
            fprintf(f, "  %-10s %" PRIu64 "\n", helper_table[i].name, s->helper_calls[i]);
    }
}
