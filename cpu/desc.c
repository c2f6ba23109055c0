/* Descriptor-table access: reading GDT/LDT entries, setting the accessed and
 * busy bits, and filling segment caches. Intel SDM vol. 3 3.4.2 (selectors),
 * 3.5.1 (GDT/LDT), 5.3 (limit checking of the tables). */
#include "desc.h"

#include "mem.h"

int32_t desc_error(const struct cpu *cpu, uint16_t sel)
{
    return (int32_t)((sel & 0xFFFCu) | cpu->exc_ext);
}

bool desc_read(struct cpu *cpu, uint16_t sel, struct desc *d)
{
    uint32_t base, limit, index = sel & 0xFFF8u;

    if (sel & 4) {
        /* an LDT selector with a null LDTR has no table to index */
        if ((cpu->ldtr.sel & 0xFFFCu) == 0 || !(cpu->ldtr.ar & AR_P))
            return false;
        base = cpu->ldtr.base;
        limit = cpu->ldtr.limit;
    } else {
        base = cpu->gdtr.base;
        limit = cpu->gdtr.limit;
    }
    if (index + 7 > limit)
        return false;
    d->lo = cpu_read_linear(cpu, base + index, 4);
    d->hi = cpu_read_linear(cpu, base + index + 4, 4);
    return true;
}

void desc_fetch(struct cpu *cpu, uint16_t sel, struct desc *d, int vector)
{
    if (!desc_read(cpu, sel, d))
        cpu_raise_exception(cpu, vector, desc_error(cpu, sel));
}

static uint32_t table_base(const struct cpu *cpu, uint16_t sel)
{
    return ((sel & 4) ? cpu->ldtr.base : cpu->gdtr.base) + (sel & 0xFFF8u);
}

void desc_write_hi(struct cpu *cpu, uint16_t sel, uint32_t hi)
{
    cpu_write_linear(cpu, table_base(cpu, sel) + 4, 4, hi);
}

/* SDM vol. 3 3.4.5.1: the CPU sets the accessed bit when it loads a segment
 * register with the descriptor; the byte is written only when it changes. */
void desc_set_accessed(struct cpu *cpu, uint16_t sel, struct desc *d)
{
    if (d->hi & (AR_A << 8))
        return;
    d->hi |= AR_A << 8;
    cpu_write_linear(cpu, table_base(cpu, sel) + 5, 1, (d->hi >> 8) & 0xFF);
}

void seg_from_desc(struct seg *s, uint16_t sel, const struct desc *d)
{
    s->sel = sel;
    s->base = desc_base(d);
    s->limit = desc_limit(d);
    s->ar = desc_ar(d);
}
