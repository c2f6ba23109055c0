/* x87 state: reset/FNINIT, the tag word, the register stack, exception
 * recording and the FSTENV/FSAVE/FXSAVE images. Intel SDM vol. 1 8.1-8.6,
 * figures 8-9..8-12; vol. 2 FXSAVE; vol. 3 table 9-1. */
#include "fpu.h"

#include <string.h>

void fpu_reset(struct fpu *f)
{
    fpu_init(f);
    f->fcw = FCW_RESET;
    /* SDM vol. 3 table 9-1: after RESET every register holds +0, tag 5555h */
    for (unsigned i = 0; i < 8; i++)
        f->regs[i] = fx80_make(false, 0, 0);
    f->ftw = 0x5555;
}

void fpu_init(struct fpu *f)
{
    bool was_es = f->fsw & FSW_ES;
    f->fcw = FCW_INIT;
    f->fsw = 0;
    f->ftw = 0xFFFF;
    f->fop = 0;
    f->fip = f->fdp = 0;
    f->fcs = f->fds = 0;
    if (was_es && f->ferr)
        f->ferr(f->ferr_opaque, false);
}

unsigned fpu_tag(const struct fpu *f, unsigned phys)
{
    return (f->ftw >> (2 * phys)) & 3;
}

bool fpu_empty(const struct fpu *f, unsigned i)
{
    return fpu_tag(f, fpu_phys(f, i)) == FTAG_EMPTY;
}

unsigned fpu_tag_of(struct fx80 v)
{
    switch (sf80_classify(v)) {
    case SF_CL_NORMAL: return FTAG_VALID;
    case SF_CL_ZERO: return FTAG_ZERO;
    default: return FTAG_SPECIAL;
    }
}

static void set_tag(struct fpu *f, unsigned phys, unsigned tag)
{
    f->ftw = (uint16_t)((f->ftw & ~(3u << (2 * phys))) | (tag << (2 * phys)));
}

void fpu_set_st(struct fpu *f, unsigned i, struct fx80 v)
{
    unsigned p = fpu_phys(f, i);
    f->regs[p] = v;
    set_tag(f, p, fpu_tag_of(v));
}

void fpu_free(struct fpu *f, unsigned i)
{
    set_tag(f, fpu_phys(f, i), FTAG_EMPTY);
}

void fpu_set_top(struct fpu *f, unsigned top)
{
    f->fsw = (uint16_t)((f->fsw & ~FSW_TOP) | ((top & 7) << FSW_TOP_SHIFT));
}

void fpu_push(struct fpu *f, struct fx80 v)
{
    fpu_set_top(f, fpu_top(f) - 1);
    fpu_set_st(f, 0, v);
}

void fpu_pop(struct fpu *f)
{
    fpu_free(f, 0);
    fpu_set_top(f, fpu_top(f) + 1);
}

void fpu_raise(struct fpu *f, unsigned flags)
{
    f->fsw |= (uint16_t)(flags & (FSW_EXC | FSW_SF));
    if (flags & ~f->fcw & FSW_EXC)
        f->fsw |= FSW_ES | FSW_B;
}

bool fpu_stack_fault(struct fpu *f, bool overflow)
{
    fpu_raise(f, FSW_IE | FSW_SF);
    fpu_set_cc(f, FSW_C1, overflow ? FSW_C1 : 0);
    return f->fcw & FSW_IE;
}

void fpu_update_es(struct fpu *f)
{
    bool was = f->fsw & FSW_ES;
    if (f->fsw & ~f->fcw & FSW_EXC)
        f->fsw |= FSW_ES | FSW_B;
    else
        f->fsw &= (uint16_t)~(FSW_ES | FSW_B);
    if (was && !(f->fsw & FSW_ES) && f->ferr)
        f->ferr(f->ferr_opaque, false);
}

void fpu_set_fcw(struct fpu *f, uint16_t fcw)
{
    f->fcw = (uint16_t)((fcw & FCW_WRITABLE) | FCW_FIXED1);
    fpu_update_es(f);
}

struct sf_env fpu_env(const struct fpu *f, bool prec_ctl)
{
    /* PC: 00 single, 01 reserved (taken as double extended), 10 double, 11 extended */
    static const uint8_t prec[4] = { 24, 64, 53, 64 };
    struct sf_env env = {
        .rc = (uint8_t)((f->fcw >> FCW_RC_SHIFT) & 3),
        .prec = prec_ctl ? prec[(f->fcw >> FCW_PC_SHIFT) & 3] : 64,
        .masks = (uint8_t)(f->fcw & FSW_EXC),
    };
    return env;
}

/* ---- memory images ---- */

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v);
    put16(p + 2, v >> 16);
}

static uint32_t get16(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
    return get16(p) | get16(p + 2) << 16;
}

void fpu_put80(uint8_t *p, struct fx80 v)
{
    put32(p, (uint32_t)v.sig);
    put32(p + 4, (uint32_t)(v.sig >> 32));
    put16(p + 8, v.se);
}

struct fx80 fpu_get80(const uint8_t *p)
{
    return (struct fx80){ get32(p) | (uint64_t)get32(p + 4) << 32, (uint16_t)get16(p + 8) };
}

/* Tags as FSTENV reports them: recomputed from the contents of non-empty
 * registers (SDM vol. 1 8.1.7). */
static uint16_t full_tags(const struct fpu *f)
{
    uint16_t t = 0;
    for (unsigned p = 0; p < 8; p++) {
        unsigned tag = fpu_tag(f, p) == FTAG_EMPTY ? FTAG_EMPTY : fpu_tag_of(f->regs[p]);
        t |= (uint16_t)(tag << (2 * p));
    }
    return t;
}

/* Real-mode formats hold 20/32-bit linear pointers (SDM figures 8-10, 8-12). */
static uint32_t linear_ip(const struct fpu *f)
{
    return ((uint32_t)f->fcs << 4) + f->fip;
}

static uint32_t linear_dp(const struct fpu *f)
{
    return ((uint32_t)f->fds << 4) + f->fdp;
}

static void store_env32(const struct fpu *f, uint8_t *img, bool pm)
{
    /* reserved upper halves are written as ones, as the processors do */
    put32(img + 0, 0xFFFF0000u | f->fcw);
    put32(img + 4, 0xFFFF0000u | f->fsw);
    put32(img + 8, 0xFFFF0000u | full_tags(f));
    if (pm) {
        put32(img + 12, f->fip);
        put32(img + 16, f->fcs | (uint32_t)(f->fop & 0x7FF) << 16);
        put32(img + 20, f->fdp);
        put32(img + 24, 0xFFFF0000u | f->fds);
    } else {
        uint32_t ip = linear_ip(f), dp = linear_dp(f);
        put32(img + 12, 0xFFFF0000u | (ip & 0xFFFF));
        put32(img + 16, (f->fop & 0x7FFu) | (ip >> 16) << 12);
        put32(img + 20, 0xFFFF0000u | (dp & 0xFFFF));
        put32(img + 24, (dp >> 16) << 12);
    }
}

static void store_env16(const struct fpu *f, uint8_t *img, bool pm)
{
    put16(img + 0, f->fcw);
    put16(img + 2, f->fsw);
    put16(img + 4, full_tags(f));
    if (pm) {
        put16(img + 6, f->fip);
        put16(img + 8, f->fcs);
        put16(img + 10, f->fdp);
        put16(img + 12, f->fds);
    } else {
        uint32_t ip = linear_ip(f), dp = linear_dp(f);
        put16(img + 6, ip);
        put16(img + 8, (f->fop & 0x7FFu) | ((ip >> 16) & 0xF) << 12);
        put16(img + 10, dp);
        put16(img + 12, ((dp >> 16) & 0xF) << 12);
    }
}

void fpu_store_env(const struct fpu *f, uint8_t *img, bool o32, bool pm)
{
    if (o32)
        store_env32(f, img, pm);
    else
        store_env16(f, img, pm);
}

/* Tags loaded: only "empty" is taken from the image; the others follow the
 * register contents, as FSTENV after FLDENV shows on real processors. */
static void load_tags(struct fpu *f, uint16_t tw)
{
    f->ftw = 0;
    for (unsigned p = 0; p < 8; p++) {
        unsigned tag = ((tw >> (2 * p)) & 3) == FTAG_EMPTY ? FTAG_EMPTY : fpu_tag_of(f->regs[p]);
        set_tag(f, p, tag);
    }
}

static void load_env32(struct fpu *f, const uint8_t *img, bool pm)
{
    f->fcw = (uint16_t)((get16(img) & FCW_WRITABLE) | FCW_FIXED1);
    f->fsw = (uint16_t)get16(img + 4);
    load_tags(f, (uint16_t)get16(img + 8));
    if (pm) {
        f->fip = get32(img + 12);
        f->fcs = (uint16_t)get16(img + 16);
        f->fop = (uint16_t)(get16(img + 18) & 0x7FF);
        f->fdp = get32(img + 20);
        f->fds = (uint16_t)get16(img + 24);
    } else {
        f->fip = get16(img + 12) | (get32(img + 16) >> 12) << 16;
        f->fop = (uint16_t)(get16(img + 16) & 0x7FF);
        f->fdp = get16(img + 20) | (get32(img + 24) >> 12) << 16;
        f->fcs = f->fds = 0;
    }
}

static void load_env16(struct fpu *f, const uint8_t *img, bool pm)
{
    f->fcw = (uint16_t)((get16(img) & FCW_WRITABLE) | FCW_FIXED1);
    f->fsw = (uint16_t)get16(img + 2);
    load_tags(f, (uint16_t)get16(img + 4));
    if (pm) {
        f->fip = get16(img + 6);
        f->fcs = (uint16_t)get16(img + 8);
        f->fdp = get16(img + 10);
        f->fds = (uint16_t)get16(img + 12);
        f->fop = 0;
    } else {
        f->fip = get16(img + 6) | (get16(img + 8) >> 12) << 16;
        f->fop = (uint16_t)(get16(img + 8) & 0x7FF);
        f->fdp = get16(img + 10) | (get16(img + 12) >> 12) << 16;
        f->fcs = f->fds = 0;
    }
}

/* ES and B follow the loaded flags and masks (SDM FLDENV, FRSTOR) */
static void reload_es(struct fpu *f, bool was_es)
{
    f->fsw = (uint16_t)((f->fsw & ~FSW_ES) | (was_es ? FSW_ES : 0));
    fpu_update_es(f);
}

void fpu_load_env(struct fpu *f, const uint8_t *img, bool o32, bool pm)
{
    bool was_es = f->fsw & FSW_ES;
    if (o32)
        load_env32(f, img, pm);
    else
        load_env16(f, img, pm);
    reload_es(f, was_es);
}

void fpu_store_state(const struct fpu *f, uint8_t *img, bool o32, bool pm)
{
    unsigned env = o32 ? FPU_ENV32 : FPU_ENV16;
    fpu_store_env(f, img, o32, pm);
    for (unsigned i = 0; i < 8; i++)
        fpu_put80(img + env + 10 * i, fpu_st(f, i));
}

void fpu_load_state(struct fpu *f, const uint8_t *img, bool o32, bool pm)
{
    unsigned env = o32 ? FPU_ENV32 : FPU_ENV16;
    /* registers first: the tags loaded with the environment follow them */
    unsigned top = (get16(img + (o32 ? 4 : 2)) >> FSW_TOP_SHIFT) & 7;
    for (unsigned i = 0; i < 8; i++)
        f->regs[(top + i) & 7] = fpu_get80(img + env + 10 * i);
    fpu_load_env(f, img, o32, pm);
}

void fpu_fxsave(const struct fpu *f, uint8_t *img)
{
    uint8_t abridged = 0;
    for (unsigned p = 0; p < 8; p++)
        if (fpu_tag(f, p) != FTAG_EMPTY)
            abridged |= (uint8_t)(1u << p);
    put16(img + 0, f->fcw);
    put16(img + 2, f->fsw);
    img[4] = abridged;
    img[5] = 0;
    put16(img + 6, f->fop & 0x7FFu);
    put32(img + 8, f->fip);
    put32(img + 12, f->fcs);
    put32(img + 16, f->fdp);
    put32(img + 20, f->fds);
    for (unsigned i = 0; i < 8; i++) {
        memset(img + 32 + 16 * i, 0, 16);
        fpu_put80(img + 32 + 16 * i, fpu_st(f, i));
    }
}

void fpu_fxrstor(struct fpu *f, const uint8_t *img)
{
    unsigned top = (get16(img + 2) >> FSW_TOP_SHIFT) & 7;
    bool was_es = f->fsw & FSW_ES;
    uint16_t tw = 0;
    for (unsigned i = 0; i < 8; i++)
        f->regs[(top + i) & 7] = fpu_get80(img + 32 + 16 * i);
    for (unsigned p = 0; p < 8; p++)
        if (!(img[4] & (1u << p)))
            tw |= (uint16_t)(FTAG_EMPTY << (2 * p));
    f->fcw = (uint16_t)((get16(img) & FCW_WRITABLE) | FCW_FIXED1);
    f->fsw = (uint16_t)get16(img + 2);
    load_tags(f, tw);
    f->fop = (uint16_t)(get16(img + 6) & 0x7FF);
    f->fip = get32(img + 8);
    f->fcs = (uint16_t)get16(img + 12);
    f->fdp = get32(img + 16);
    f->fds = (uint16_t)get16(img + 20);
    reload_es(f, was_es);
}
