/* x86-64 backend: guest loads and stores. In real mode (no paging, no
 * breakpoints) an inline fast path does the segment limit check (SDM vol. 3
 * 20.1: offset + size - 1 <= limit, else #GP/#SS), forms the linear address
 * and probes backend_ctx.tlb, which only maps plain RAM/ROM pages with the A20
 * mask applied and, for stores, pages holding no translated code. Everything
 * else goes to cpu_read/cpu_write through an out-of-line stub that first makes
 * the guest state precise. */
#include <stddef.h>

#include "backend_x86_64.h"
#include "bus.h"
#include "cpu.h"
#include "mem.h"

/* ---- run time ---- */

void x64_rt_check_a20(struct backend_ctx *ctx)
{
    struct x64_state *st = ctx->priv;
    uint32_t mask = bus_a20_mask(ctx->cpu->bus);
    if (mask != st->a20_mask) {
        backend_tlb_flush(ctx);
        st->a20_mask = mask;
    }
}

/* Map the page of seg:offset after a slow access to it succeeded. */
static void tlb_fill(struct backend_ctx *ctx, uint32_t seg, uint32_t offset)
{
    struct cpu *cpu = ctx->cpu;
    struct x64_state *st = ctx->priv;
    if (cpu->mode & (MODE_PE | MODE_DEBUG))
        return;
    x64_rt_check_a20(ctx);
    uint32_t lpage = (cpu->seg[seg].base + offset) & ~0xFFFu;
    uint32_t ppage = lpage & st->a20_mask;
    unsigned i = (lpage >> 12) & (BACKEND_TLB_SIZE - 1);
    struct backend_tlb_entry *e = &ctx->tlb[i];
    uint8_t *host = bus_host_ptr(cpu->bus, ppage, 0x1000, false);
    if (!host) {
        e->tag_read = e->tag_write = BACKEND_TLB_INVALID;
        ctx->tlb_ppage[i] = BACKEND_TLB_INVALID;
        return;
    }
    bool writable = bus_host_ptr(cpu->bus, ppage, 0x1000, true) &&
                    !bus_code_is_marked(cpu->bus, ppage, 0x1000);
    e->addend = (uintptr_t)host - lpage;
    e->tag_read = lpage;
    e->tag_write = writable ? lpage : BACKEND_TLB_INVALID;
    ctx->tlb_ppage[i] = ppage;
}

uint32_t x64_rt_read(struct backend_ctx *ctx, uint32_t seg, uint32_t offset, uint32_t size)
{
    uint32_t v = cpu_read(ctx->cpu, (int)seg, offset, size);
    tlb_fill(ctx, seg, offset);
    return v;
}

void x64_rt_write(struct backend_ctx *ctx, uint32_t seg, uint32_t offset, uint32_t size,
                  uint32_t value)
{
    cpu_write(ctx->cpu, (int)seg, offset, size, value);
    tlb_fill(ctx, seg, offset);
}

/* ---- code ---- */

static int32_t seg_field(uint32_t seg, size_t field)
{
    return (int32_t)(offsetof(struct cpu, seg) + seg * sizeof(struct seg) + field);
}

/* The slow path: sync, call cpu_read/cpu_write, put the result in d. In a stub
 * (cold code) the main path's view of the state is left as it was. */
static void mem_call(struct xc *x, struct x64_buf *b, const struct ir_op *op, bool stub)
{
    bool load = op->opc == IR_ld;
    uint16_t saved;
    int rd = load ? xc_dst(x, op->d) : -1;
    xc_sync_all(x, b, stub);
    xc_save_live(x, b, rd, &saved);
    xc_load_into(x, b, op->a, X64_R11);
    if (!load)
        xc_load_into(x, b, op->b, X64_RAX);
    x64_mov_rr(b, 4, X64_RDX, X64_R11);
    if (!load)
        x64_mov_rr(b, 4, X64_R8, X64_RAX);
    x64_mov_rr(b, 8, X64_RDI, XR_CTX);
    x64_mov_ri(b, X64_RSI, op->imm);
    x64_mov_ri(b, X64_RCX, op->size);
    x64_call_abs(b, load ? (const void *)x64_rt_read : (const void *)x64_rt_write);
    xc_restore_live(x, b, saved);
    if (load && x->loc[op->d].kind == TL_SPILL)
        x64_store(b, 4, x64_m(X64_RSP, 8 * (int32_t)x->loc[op->d].slot), X64_RAX);
    else if (load && rd != X64_RAX)
        x64_mov_rr(b, 4, rd, X64_RAX);
    if (stub)
        xc_icount_undo(x, b);
}

/* Limit check of the fast path: jumps to cold when offset + size - 1 > limit. */
static void limit_check(struct xc *x, const struct ir_op *op, int roff, uint32_t cold)
{
    struct x64_buf *b = &x->b;
    struct x64_mem limit = x64_m(XR_CPU, seg_field(op->imm, offsetof(struct seg, limit)));
    if (op->size == 1) {
        x64_alu_rm(b, X64_CMP, 4, roff, limit);
    } else if (xc_fits(x, op->a, 2)) {
        /* a 16-bit offset + size - 1 cannot wrap 32 bits */
        x64_lea(b, 4, X64_RAX, x64_m(roff, (int32_t)op->size - 1));
        x64_alu_rm(b, X64_CMP, 4, X64_RAX, limit);
    } else {
        x64_lea(b, 8, X64_RAX, x64_m(roff, (int32_t)op->size - 1));
        x64_load(b, 4, X64_RCX, limit);
        x64_alu_rr(b, X64_CMP, 8, X64_RAX, X64_RCX);
    }
    xc_jcc_to_cold(x, X64_CC_A, cold);
}

/* rax = host address of the access, or a jump to cold. */
static void fast_address(struct xc *x, const struct ir_op *op, uint32_t cold, bool write)
{
    struct x64_buf *b = &x->b;
    int roff = xc_src(x, b, op->a, X64_R11);
    limit_check(x, op, roff, cold);
    x64_mov_rr(b, 4, X64_RAX, roff);
    x64_alu_rm(b, X64_ADD, 4, X64_RAX,
               x64_m(XR_CPU, seg_field(op->imm, offsetof(struct seg, base))));
    /* entry index * 16 from bits 12-19 of the linear address */
    x64_mov_rr(b, 4, X64_RCX, X64_RAX);
    x64_shift_ri(b, X64_SHR, 4, X64_RCX, 12 - 4);
    x64_alu_ri(b, X64_AND, 4, X64_RCX, (BACKEND_TLB_SIZE - 1) << 4);
    /* the page of the last byte must be the entry's page (no page crossing) */
    x64_lea(b, 4, X64_R11, x64_m(X64_RAX, (int32_t)op->size - 1));
    x64_alu_ri(b, X64_AND, 4, X64_R11, (int32_t)0xFFFFF000u);
    int32_t tlb = (int32_t)offsetof(struct backend_ctx, tlb);
    int32_t tag = write ? (int32_t)offsetof(struct backend_tlb_entry, tag_write)
                        : (int32_t)offsetof(struct backend_tlb_entry, tag_read);
    x64_alu_rm(b, X64_CMP, 4, X64_R11, x64_mi(XR_CTX, X64_RCX, 1, tlb + tag));
    xc_jcc_to_cold(x, X64_CC_NE, cold);
    x64_alu_rm(b, X64_ADD, 8, X64_RAX,
               x64_mi(XR_CTX, X64_RCX, 1,
                      tlb + (int32_t)offsetof(struct backend_tlb_entry, addend)));
}

static void mem_op(struct xc *x, const struct ir_op *op)
{
    bool load = op->opc == IR_ld;
    if (load)
        xc_alloc(x, op->d);
    else
        x->insn_may_smc = x->block_may_smc = true;
    /* a constant offset near 4 GiB would overflow the 32-bit limit compare */
    if (!x->fastmem || (xc_is_const(x, op->a) && xc_const(x, op->a) > 0xFFFFFFF0u)) {
        mem_call(x, &x->b, op, false);
        return;
    }
    uint32_t cold = x64_pos(&x->cold);
    mem_call(x, &x->cold, op, true);
    uint32_t back_field = x64_jmp32(&x->cold);
    fast_address(x, op, cold, !load);
    if (load) {
        int rd = xc_dst(x, op->d);
        x64_load(&x->b, op->size, rd, x64_m(X64_RAX, 0));
        xc_commit(x, op->d, rd);
    } else if (xc_is_const(x, op->b)) {
        x64_store_imm(&x->b, op->size, x64_m(X64_RAX, 0), (int32_t)xc_const(x, op->b));
    } else {
        x64_store(&x->b, op->size, x64_m(X64_RAX, 0), xc_src(x, &x->b, op->b, X64_R11));
    }
    xc_add_fix(x, FIX_COLD_TO_MAIN, back_field, x64_pos(&x->b));
}

void xc_emit_ld(struct xc *x, const struct ir_op *op)
{
    mem_op(x, op);
}

void xc_emit_st(struct xc *x, const struct ir_op *op)
{
    mem_op(x, op);
}
