/* Capstone wrapper: the only file that includes capstone.h (Capstone 4 API:
 * cs_open, cs_disasm_iter, detail mode). */
#include "disasm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>

struct disasm {
    csh handle;
    cs_insn *insn;
};

struct disasm *disasm_create(bool code32)
{
    struct disasm *dis = calloc(1, sizeof *dis);
    if (!dis)
        return NULL;
    if (cs_open(CS_ARCH_X86, code32 ? CS_MODE_32 : CS_MODE_16, &dis->handle) != CS_ERR_OK)
        goto err_free;
    /* detail must be on before cs_malloc so that insn->detail is allocated */
    if (cs_option(dis->handle, CS_OPT_DETAIL, CS_OPT_ON) != CS_ERR_OK)
        goto err_close;
    dis->insn = cs_malloc(dis->handle);
    if (!dis->insn)
        goto err_close;
    return dis;

err_close:
    cs_close(&dis->handle);
err_free:
    free(dis);
    return NULL;
}

void disasm_destroy(struct disasm *dis)
{
    if (!dis)
        return;
    cs_free(dis->insn, 1);
    cs_close(&dis->handle);
    free(dis);
}

static const cs_insn *disasm_raw(struct disasm *dis, const uint8_t *buf, size_t avail,
                                 uint32_t pc)
{
    const uint8_t *code = buf;
    size_t size = avail;
    uint64_t addr = pc;
    return cs_disasm_iter(dis->handle, &code, &size, &addr, dis->insn) ? dis->insn : NULL;
}

unsigned disasm_one(struct disasm *dis, const uint8_t *buf, size_t avail, uint32_t pc,
                    char *text, size_t text_size)
{
    const cs_insn *ci = disasm_raw(dis, buf, avail, pc);
    if (!ci) {
        if (text_size)
            snprintf(text, text_size, "(bad)");
        return 0;
    }
    if (text_size)
        snprintf(text, text_size, "%s%s%s", ci->mnemonic, ci->op_str[0] ? " " : "",
                 ci->op_str);
    return ci->size;
}

struct reg_info {
    uint8_t cls;
    uint8_t num;
};

/* Capstone's register enum is alphabetical: map the 8086-486 registers by name. */
static const struct reg_info gprs[X86_REG_ENDING] = {
    [X86_REG_AL] = { DIS_REG_GPR, 0 }, [X86_REG_CL] = { DIS_REG_GPR, 1 },
    [X86_REG_DL] = { DIS_REG_GPR, 2 }, [X86_REG_BL] = { DIS_REG_GPR, 3 },
    [X86_REG_AH] = { DIS_REG_GPR, 4 }, [X86_REG_CH] = { DIS_REG_GPR, 5 },
    [X86_REG_DH] = { DIS_REG_GPR, 6 }, [X86_REG_BH] = { DIS_REG_GPR, 7 },
    [X86_REG_AX] = { DIS_REG_GPR, 0 }, [X86_REG_CX] = { DIS_REG_GPR, 1 },
    [X86_REG_DX] = { DIS_REG_GPR, 2 }, [X86_REG_BX] = { DIS_REG_GPR, 3 },
    [X86_REG_SP] = { DIS_REG_GPR, 4 }, [X86_REG_BP] = { DIS_REG_GPR, 5 },
    [X86_REG_SI] = { DIS_REG_GPR, 6 }, [X86_REG_DI] = { DIS_REG_GPR, 7 },
    [X86_REG_EAX] = { DIS_REG_GPR, 0 }, [X86_REG_ECX] = { DIS_REG_GPR, 1 },
    [X86_REG_EDX] = { DIS_REG_GPR, 2 }, [X86_REG_EBX] = { DIS_REG_GPR, 3 },
    [X86_REG_ESP] = { DIS_REG_GPR, 4 }, [X86_REG_EBP] = { DIS_REG_GPR, 5 },
    [X86_REG_ESI] = { DIS_REG_GPR, 6 }, [X86_REG_EDI] = { DIS_REG_GPR, 7 },
    [X86_REG_ES] = { DIS_REG_SEG, 0 }, [X86_REG_CS] = { DIS_REG_SEG, 1 },
    [X86_REG_SS] = { DIS_REG_SEG, 2 }, [X86_REG_DS] = { DIS_REG_SEG, 3 },
    [X86_REG_FS] = { DIS_REG_SEG, 4 }, [X86_REG_GS] = { DIS_REG_SEG, 5 },
    [X86_REG_IP] = { DIS_REG_PC, 0 }, [X86_REG_EIP] = { DIS_REG_PC, 0 },
};

/* Contiguous runs of Capstone's register enum. */
static const struct {
    unsigned first, last;
    uint8_t cls;
} reg_runs[] = {
    { X86_REG_CR0, X86_REG_CR15, DIS_REG_CR },
    { X86_REG_DR0, X86_REG_DR15, DIS_REG_DR },
    { X86_REG_ST0, X86_REG_ST7, DIS_REG_X87 },
    { X86_REG_FP0, X86_REG_FP7, DIS_REG_X87 },
    { X86_REG_MM0, X86_REG_MM7, DIS_REG_SIMD },
    { X86_REG_XMM0, X86_REG_ZMM31, DIS_REG_SIMD },
    { X86_REG_K0, X86_REG_K7, DIS_REG_SIMD },
};

static struct reg_info reg_info(unsigned reg)
{
    if (reg < X86_REG_ENDING && gprs[reg].cls != DIS_REG_NONE)
        return gprs[reg];
    for (size_t i = 0; i < sizeof reg_runs / sizeof reg_runs[0]; i++)
        if (reg >= reg_runs[i].first && reg <= reg_runs[i].last)
            return (struct reg_info){ reg_runs[i].cls, (uint8_t)(reg - reg_runs[i].first) };
    return (struct reg_info){ reg == X86_REG_INVALID ? DIS_REG_NONE : DIS_REG_OTHER, 0 };
}

/* GPR number of a base/index register, -1 for none or another register class. */
static int8_t gpr_num(unsigned reg)
{
    struct reg_info r = reg_info(reg);
    return r.cls == DIS_REG_GPR ? (int8_t)r.num : -1;
}

static void convert_opnd(const cs_x86_op *op, struct disasm_opnd *o)
{
    memset(o, 0, sizeof *o);
    o->size = op->size;
    o->base = o->index = -1;
    o->seg = 7;
    if (op->type == X86_OP_REG) {
        struct reg_info r = reg_info(op->reg);
        o->kind = DIS_OPND_REG;
        o->reg_class = r.cls;
        o->reg = r.num;
    } else if (op->type == X86_OP_IMM) {
        o->kind = DIS_OPND_IMM;
        o->imm = op->imm;
    } else if (op->type == X86_OP_MEM) {
        o->kind = DIS_OPND_MEM;
        o->base = gpr_num(op->mem.base);
        o->index = gpr_num(op->mem.index);
        o->scale = (uint8_t)op->mem.scale;
        o->disp = op->mem.disp;
        if (op->mem.segment != X86_REG_INVALID)
            o->seg = reg_info(op->mem.segment).num;
    } else {
        o->kind = DIS_OPND_OTHER;
    }
}

static uint32_t group_ext(unsigned grp)
{
    static const uint8_t ext[X86_GRP_ENDING] = {
        [X86_GRP_3DNOW] = DIS_EXT_SIMD, [X86_GRP_AES] = DIS_EXT_SIMD,
        [X86_GRP_AVX] = DIS_EXT_SIMD, [X86_GRP_AVX2] = DIS_EXT_SIMD,
        [X86_GRP_AVX512] = DIS_EXT_SIMD, [X86_GRP_F16C] = DIS_EXT_SIMD,
        [X86_GRP_FMA] = DIS_EXT_SIMD, [X86_GRP_FMA4] = DIS_EXT_SIMD,
        [X86_GRP_MMX] = DIS_EXT_SIMD, [X86_GRP_SHA] = DIS_EXT_SIMD,
        [X86_GRP_SSE1] = DIS_EXT_SIMD, [X86_GRP_SSE2] = DIS_EXT_SIMD,
        [X86_GRP_SSE3] = DIS_EXT_SIMD, [X86_GRP_SSE41] = DIS_EXT_SIMD,
        [X86_GRP_SSE42] = DIS_EXT_SIMD, [X86_GRP_SSE4A] = DIS_EXT_SIMD,
        [X86_GRP_SSSE3] = DIS_EXT_SIMD, [X86_GRP_PCLMUL] = DIS_EXT_SIMD,
        [X86_GRP_XOP] = DIS_EXT_SIMD, [X86_GRP_CDI] = DIS_EXT_SIMD,
        [X86_GRP_ERI] = DIS_EXT_SIMD, [X86_GRP_DQI] = DIS_EXT_SIMD,
        [X86_GRP_BWI] = DIS_EXT_SIMD, [X86_GRP_PFI] = DIS_EXT_SIMD,
        [X86_GRP_VLX] = DIS_EXT_SIMD,
        [X86_GRP_VM] = DIS_EXT_OTHER, [X86_GRP_ADX] = DIS_EXT_OTHER,
        [X86_GRP_BMI] = DIS_EXT_OTHER, [X86_GRP_BMI2] = DIS_EXT_OTHER,
        [X86_GRP_TBM] = DIS_EXT_OTHER, [X86_GRP_RTM] = DIS_EXT_OTHER,
        [X86_GRP_HLE] = DIS_EXT_OTHER, [X86_GRP_SGX] = DIS_EXT_OTHER,
        [X86_GRP_SMAP] = DIS_EXT_OTHER, [X86_GRP_FSGSBASE] = DIS_EXT_OTHER,
        [X86_GRP_FPU] = DIS_EXT_FPU, [X86_GRP_CMOV] = DIS_EXT_CMOV,
    };
    return grp < X86_GRP_ENDING ? ext[grp] : 0;
}

bool disasm_decode(struct disasm *dis, const uint8_t *buf, size_t avail, uint32_t pc,
                   struct disasm_insn *out)
{
    memset(out, 0, sizeof *out);
    const cs_insn *ci = disasm_raw(dis, buf, avail, pc);
    if (!ci)
        return false;
    const cs_detail *det = ci->detail;
    out->len = ci->size;
    snprintf(out->mnemonic, sizeof out->mnemonic, "%s", ci->mnemonic);
    snprintf(out->operands, sizeof out->operands, "%s", ci->op_str);
    for (unsigned i = 0; i < det->groups_count; i++)
        out->ext |= group_ext(det->groups[i]);
    unsigned n = det->x86.op_count;
    out->nopnd = (uint8_t)(n < 8 ? n : 8);
    for (unsigned i = 0; i < out->nopnd; i++)
        convert_opnd(&det->x86.operands[i], &out->opnd[i]);
    return true;
}
