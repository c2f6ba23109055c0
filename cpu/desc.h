/* Protected-mode descriptors and segment registers: descriptor layout and
 * fields, GDT/LDT access, segment-register loads with their checks, and
 * stack frames on an explicit stack (privilege changes). Intel SDM vol. 3
 * 3.4-3.5 (descriptors), 5.5-5.8 (privilege checks), 6.12 (interrupt stacks). */
#ifndef TD_DESC_H
#define TD_DESC_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"

/* A raw descriptor: lo = bytes 0-3, hi = bytes 4-7. */
struct desc {
    uint32_t lo, hi;
};

/* struct seg.ar: descriptor bits 40-47 (access byte) and 52-55 (flags). */
enum {
    AR_A = 1u << 0,       /* accessed (code/data); busy bit 1 of a TSS type */
    AR_RW = 1u << 1,      /* readable code / writable data */
    AR_DC = 1u << 2,      /* conforming code / expand-down data */
    AR_CODE = 1u << 3,
    AR_S = 1u << 4,       /* code or data (not system) */
    AR_DPL_SHIFT = 5,
    AR_P = 1u << 7,
    AR_B = 1u << 14,      /* D/B: 32-bit default size / big stack */
    AR_G = 1u << 15,
    AR_TYPE = 0x1F,       /* S and the 4-bit type */
    /* what real-mode and v86 loads give (SDM vol. 3 20.1.1, 20.2.1) */
    AR_REAL_DATA = 0x93,
    AR_V86 = 0xF3,
};

/* System descriptor types (S = 0; SDM vol. 3 table 3-2). */
enum {
    SYS_TSS16 = 1, SYS_LDT = 2, SYS_TSS16_BUSY = 3, SYS_CALL16 = 4, SYS_TASK = 5,
    SYS_INT16 = 6, SYS_TRAP16 = 7, SYS_TSS32 = 9, SYS_TSS32_BUSY = 11, SYS_CALL32 = 12,
    SYS_INT32 = 14, SYS_TRAP32 = 15,
};

static inline uint16_t desc_ar(const struct desc *d)
{
    return (uint16_t)((d->hi >> 8) & 0xF0FF);
}
static inline uint32_t desc_base(const struct desc *d)
{
    return (d->lo >> 16) | ((d->hi & 0xFF) << 16) | (d->hi & 0xFF000000u);
}
/* The limit in bytes (G scales by 4 KiB, low 12 bits ones). */
static inline uint32_t desc_limit(const struct desc *d)
{
    uint32_t limit = (d->lo & 0xFFFF) | (d->hi & 0xF0000);
    return (d->hi & (1u << 23)) ? (limit << 12) | 0xFFF : limit;
}
static inline unsigned desc_dpl(const struct desc *d)
{
    return (d->hi >> 13) & 3;
}
static inline bool desc_present(const struct desc *d)
{
    return d->hi & (1u << 15);
}
/* S and type, as AR_TYPE: system types are 0-15, code/data 16-31. */
static inline unsigned desc_type(const struct desc *d)
{
    return (d->hi >> 8) & AR_TYPE;
}
static inline bool desc_is_code(const struct desc *d)
{
    return (desc_type(d) & (AR_S | AR_CODE)) == (AR_S | AR_CODE);
}
static inline bool desc_is_data(const struct desc *d)
{
    return (desc_type(d) & (AR_S | AR_CODE)) == AR_S;
}
static inline bool desc_conforming(const struct desc *d)
{
    return desc_is_code(d) && (desc_type(d) & AR_DC);
}
/* Gate fields: target selector, offset, parameter count (call gates). */
static inline uint16_t gate_sel(const struct desc *d)
{
    return (uint16_t)(d->lo >> 16);
}
static inline uint32_t gate_offset(const struct desc *d)
{
    return (d->lo & 0xFFFF) | (d->hi & 0xFFFF0000u);
}
static inline unsigned gate_params(const struct desc *d)
{
    return d->hi & 0x1F;
}

static inline unsigned cpu_cpl_of(const struct cpu *cpu)
{
    return (cpu->mode & MODE_CPL) >> MODE_CPL_SHIFT;
}

/* Is [offset, offset + size - 1] inside a segment with these rights and
 * limit? Expand-down data segments hold limit+1 .. FFFFh or FFFFFFFFh. */
static inline bool seg_range_ok(uint16_t ar, uint32_t limit, uint32_t offset, unsigned size)
{
    uint32_t last = offset + size - 1;

    if ((ar & (AR_S | AR_CODE | AR_DC)) == (AR_S | AR_DC)) {
        uint32_t top = (ar & AR_B) ? 0xFFFFFFFFu : 0xFFFFu;
        return offset > limit && last >= offset && last <= top;
    }
    return offset <= limit && limit - offset >= size - 1;
}

/* ---- descriptor tables (desc.c) ---- */

/* Error code naming a selector (index, TI) plus the EXT bit (SDM vol. 3 6.13). */
int32_t desc_error(const struct cpu *cpu, uint16_t sel);
/* Read the GDT/LDT descriptor of sel (supervisor accesses; may raise #PF).
 * false when it lies past the table limit or the LDT is null. */
bool desc_read(struct cpu *cpu, uint16_t sel, struct desc *d);
/* desc_read, raising vector(desc_error(sel)) when it fails. */
void desc_fetch(struct cpu *cpu, uint16_t sel, struct desc *d, int vector);
/* Write back the high dword (accessed and busy bits). */
void desc_write_hi(struct cpu *cpu, uint16_t sel, uint32_t hi);
/* Set the accessed bit of a code/data descriptor if clear. */
void desc_set_accessed(struct cpu *cpu, uint16_t sel, struct desc *d);
/* A segment cache from a descriptor. */
void seg_from_desc(struct seg *s, uint16_t sel, const struct desc *d);

/* ---- segment-register loads (seg.c) ---- */

/* Load DS/ES/FS/GS/SS in protected mode with every check at privilege cpl
 * (SDM vol. 2 MOV, POP). fault is EXC_GP for instructions, EXC_TS for task
 * switches (which report every problem as #TS(sel) except not-present). */
void seg_load_pm(struct cpu *cpu, int seg, uint16_t sel, int fault, unsigned cpl);
/* Real-mode or v86 load: base = sel * 16; v86 also sets limit FFFFh and DPL 3. */
void seg_load_v86(struct cpu *cpu, int seg, uint16_t sel);
/* Any mode: what MOV/POP/LxS do. */
void seg_load(struct cpu *cpu, int seg, uint16_t sel);
/* Make seg a null selector (unusable). */
void seg_load_null(struct cpu *cpu, int seg, uint16_t sel);
/* CS from a checked code descriptor, selector RPL = cpl; sets accessed. */
void seg_load_cs(struct cpu *cpu, uint16_t sel, struct desc *d, unsigned cpl);
/* After a return to an outer level: null DS/ES/FS/GS that the new CPL may
 * not use (data or non-conforming code with DPL < CPL; SDM vol. 2 RET, IRET). */
void seg_invalidate_outer(struct cpu *cpu);
/* Check a descriptor for SS at privilege cpl (RPL = DPL = cpl, writable data,
 * present): raises fault(sel) or #SS(sel) when not present. */
void seg_check_ss(struct cpu *cpu, uint16_t sel, const struct desc *d, unsigned cpl, int fault);

/* ---- stack frames on an explicit stack (seg.c) ---- */

struct pm_stack {
    uint32_t base, limit, sp;
    /* 0xFFFF or 0xFFFFFFFF by the stack's B bit */
    uint32_t mask;
    uint16_t ar;
    /* #SS error code on a limit violation (0 for the current stack) */
    int32_t error;
    /* accesses are at CPL 3 for paging */
    bool user;
};

/* The current SS:(E)SP. */
void pm_stack_current(const struct cpu *cpu, struct pm_stack *st);
/* A new stack from a loaded descriptor (its selector for #SS errors). */
void pm_stack_new(const struct cpu *cpu, struct pm_stack *st, uint16_t sel,
                  const struct desc *d, uint32_t sp);
void pm_stack_push(struct cpu *cpu, struct pm_stack *st, unsigned size, uint32_t value);
uint32_t pm_stack_pop(struct cpu *cpu, struct pm_stack *st, unsigned size);
/* (E)SP from the frame (only the bits of the stack size change). */
void pm_stack_set_sp(struct cpu *cpu, const struct pm_stack *st);

#endif
