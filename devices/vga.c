/* IBM VGA registers: general registers, sequencer, graphics and attribute
 * controllers, CRTC and DAC at their ports, CPU access to the four planes, and
 * the display timing behind input status 1 (IBM VGA technical reference;
 * register names as in FreeVGA). */
#include "vga.h"

#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "clock.h"
#include "ioport.h"
#include "log.h"
#include "vga_regs.h"

/* Valid bits of each attribute register: palette entries are 6-bit. */
static const uint8_t vga_attr_mask[VGA_AR_COUNT] = {
    0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F,
    0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F,
    0xEF, 0xFF, 0x3F, 0x0F, 0x0F,
};

/* Misc Output clock select: 25.175 MHz (640 dots), 28.322 MHz (720 dots); 2 and 3
 * are external clocks on the feature connector, taken as 25.175 MHz. */
static const uint32_t vga_clock_hz[4] = { 25175000, 28322000, 25175000, 25175000 };

enum { VGA_NS_PER_S = 1000000000u };

void vga_note(struct vga *vga, enum vga_note note, const char *what, unsigned value)
{
    if (vga->noted & note)
        return;
    vga->noted |= note;
    log_printf(vga->log, LOG_UNIMP, "vga: %s 0x%x (logged once)\n", what, value);
}

/* ---- display timing ---- */

/* A 10-bit vertical value: 8 low bits plus overflow bits 8 and 9 from CR07. */
static unsigned vga_cr_vertical(const struct vga *vga, enum vga_cr reg, unsigned bit8,
                                unsigned bit9)
{
    unsigned ov = vga->crtc[VGA_CR_OVERFLOW];

    return vga->crtc[reg] | ((ov >> bit8) & 1) << 8 | ((ov >> bit9) & 1) << 9;
}

void vga_timing_get(const struct vga *vga, struct vga_timing *t)
{
    const uint8_t *cr = vga->crtc;
    /* CR17 bit 2: the vertical counter advances every second scan line */
    unsigned vscale = (cr[VGA_CR_MODE] & VGA_CR17_SLDIV) ? 2 : 1;
    unsigned vrs = vga_cr_vertical(vga, VGA_CR_VRETRACE_START, 2, 7);
    unsigned vre_len = (cr[VGA_CR_VRETRACE_END] - vrs) & VGA_CR11_VRE;

    t->dot_hz = vga_clock_hz[(vga->misc >> VGA_MISC_CS_SHIFT) & 3];
    if (vga->seq[VGA_SR_CLOCKING_MODE] & VGA_SR01_DCR)
        t->dot_hz /= 2;
    t->char_dots = (vga->seq[VGA_SR_CLOCKING_MODE] & VGA_SR01_D89) ? 8 : 9;
    /* IBM: horizontal total is programmed minus 5, vertical total minus 2 */
    t->htotal = cr[VGA_CR_HTOTAL] + 5u;
    t->hdisp = cr[VGA_CR_HDISP_END] + 1u;
    t->vtotal = (vga_cr_vertical(vga, VGA_CR_VTOTAL, 0, 5) + 2) * vscale;
    t->vdisp = (vga_cr_vertical(vga, VGA_CR_VDISP_END, 1, 6) + 1) * vscale;
    t->vretrace_start = vrs * vscale;
    /* retrace ends when the counter's low 4 bits match CR11: 16 lines at most */
    t->vretrace_len = (vre_len ? vre_len : 16) * vscale;
}

static uint64_t vga_dots_at(uint32_t dot_hz, uint64_t now_ns)
{
    return now_ns / VGA_NS_PER_S * dot_hz + now_ns % VGA_NS_PER_S * dot_hz / VGA_NS_PER_S;
}

static uint64_t vga_now(const struct vga *vga)
{
    return vga->clk ? vclock_now(vga->clk) : 0;
}

uint64_t vga_frame_at(const struct vga *vga, uint64_t now_ns)
{
    struct vga_timing t;

    vga_timing_get(vga, &t);
    return vga_dots_at(t.dot_hz, now_ns) / ((uint64_t)t.htotal * t.char_dots * t.vtotal);
}

/* Input status 1: where the beam is at the current virtual time. Frames start
 * at time 0 with the first displayed line. */
static uint8_t vga_status1(const struct vga *vga)
{
    struct vga_timing t;
    uint64_t line_dots, pos;
    unsigned line, column;
    uint8_t st = 0;

    vga_timing_get(vga, &t);
    line_dots = (uint64_t)t.htotal * t.char_dots;
    pos = vga_dots_at(t.dot_hz, vga_now(vga)) % (line_dots * t.vtotal);
    line = (unsigned)(pos / line_dots);
    column = (unsigned)(pos % line_dots / t.char_dots);
    if (line >= t.vretrace_start && line - t.vretrace_start < t.vretrace_len)
        st |= VGA_ST1_VR;
    if (line >= t.vdisp || column >= t.hdisp)
        st |= VGA_ST1_DD;
    return st;
}

/* ---- attribute controller ---- */

static void vga_attr_write(struct vga *vga, uint8_t value)
{
    unsigned index = vga->attr_index & VGA_AR_INDEX;

    vga->attr_flipflop = !vga->attr_flipflop;
    if (vga->attr_flipflop) {
        vga->attr_index = value & (VGA_AR_INDEX | VGA_AR_PAS);
        return;
    }
    if (index >= VGA_AR_COUNT) {
        vga_note(vga, VGA_NOTE_ATTR_INDEX, "write to attribute register", index);
        return;
    }
    /* the palette is the display's while PAS is set: host writes are ignored */
    if (index < VGA_AR_PALETTE_COUNT && (vga->attr_index & VGA_AR_PAS)) {
        vga_note(vga, VGA_NOTE_PALETTE_PAS, "palette write ignored with PAS set, register",
                 index);
        return;
    }
    vga->attr[index] = value & vga_attr_mask[index];
}

static uint8_t vga_attr_read(struct vga *vga)
{
    unsigned index = vga->attr_index & VGA_AR_INDEX;

    return index < VGA_AR_COUNT ? vga->attr[index] : 0;
}

/* ---- sequencer, graphics controller, CRTC ---- */

static uint8_t vga_seq_read(struct vga *vga)
{
    return vga->seq_index < VGA_SR_COUNT ? vga->seq[vga->seq_index] : 0xFF;
}

static void vga_seq_write(struct vga *vga, uint8_t value)
{
    if (vga->seq_index >= VGA_SR_COUNT) {
        vga_note(vga, VGA_NOTE_SEQ_INDEX, "write to sequencer register", vga->seq_index);
        return;
    }
    vga->seq[vga->seq_index] = value;
}

static uint8_t vga_gc_read(struct vga *vga)
{
    return vga->gc_index < VGA_GR_COUNT ? vga->gc[vga->gc_index] : 0xFF;
}

static void vga_gc_write(struct vga *vga, uint8_t value)
{
    if (vga->gc_index >= VGA_GR_COUNT) {
        vga_note(vga, VGA_NOTE_GC_INDEX, "write to graphics register", vga->gc_index);
        return;
    }
    vga->gc[vga->gc_index] = value;
}

static uint8_t vga_crtc_read(struct vga *vga)
{
    return vga->crtc_index < VGA_CR_COUNT ? vga->crtc[vga->crtc_index] : 0xFF;
}

static void vga_crtc_write(struct vga *vga, uint8_t value)
{
    unsigned index = vga->crtc_index;

    if (index >= VGA_CR_COUNT) {
        vga_note(vga, VGA_NOTE_CRTC_INDEX, "write to CRTC register", index);
        return;
    }
    /* CR11 bit 7 write-protects CR00-CR07, except the line compare bit of CR07 */
    if (index <= VGA_CR_OVERFLOW && (vga->crtc[VGA_CR_VRETRACE_END] & VGA_CR11_PROTECT)) {
        if (index == VGA_CR_OVERFLOW)
            vga->crtc[index] = (vga->crtc[index] & ~VGA_CR07_LC8) | (value & VGA_CR07_LC8);
        return;
    }
    vga->crtc[index] = value;
}

/* ---- DAC ---- */

static uint8_t vga_dac_read(struct vga *vga)
{
    uint8_t value = vga->dac[vga->dac_read_index][vga->dac_step];

    if (++vga->dac_step == 3) {
        vga->dac_step = 0;
        vga->dac_read_index++;
    }
    return value;
}

static void vga_dac_write(struct vga *vga, uint8_t value)
{
    vga->dac_latch[vga->dac_step] = value & 0x3F;
    if (++vga->dac_step == 3) {
        memcpy(vga->dac[vga->dac_write_index], vga->dac_latch, 3);
        vga->dac_step = 0;
        vga->dac_write_index++;
    }
}

/* ---- the 3C0h-3CFh block: one reader and one writer per port ---- */

typedef uint8_t vga_read_fn(struct vga *vga);
typedef void vga_write_fn(struct vga *vga, uint8_t value);

static uint8_t vga_rd_attr_index(struct vga *vga) { return vga->attr_index; }
static uint8_t vga_rd_status0(struct vga *vga) { return 0; }
static uint8_t vga_rd_enable(struct vga *vga) { return vga->enable; }
static uint8_t vga_rd_seq_index(struct vga *vga) { return vga->seq_index; }
static uint8_t vga_rd_dac_mask(struct vga *vga) { return vga->dac_mask; }
static uint8_t vga_rd_dac_state(struct vga *vga) { return vga->dac_state; }
static uint8_t vga_rd_dac_write_index(struct vga *vga) { return vga->dac_write_index; }
static uint8_t vga_rd_feature(struct vga *vga) { return vga->feature; }
static uint8_t vga_rd_misc(struct vga *vga) { return vga->misc; }
static uint8_t vga_rd_gc_index(struct vga *vga) { return vga->gc_index; }
static uint8_t vga_rd_none(struct vga *vga) { return 0xFF; }

static void vga_wr_misc(struct vga *vga, uint8_t value)
{
    if (((value >> VGA_MISC_CS_SHIFT) & 3) >= 2)
        vga_note(vga, VGA_NOTE_CLOCK, "external dot clock selected, misc", value);
    vga->misc = value;
}

static void vga_wr_attr_data(struct vga *vga, uint8_t value)
{
    vga_note(vga, VGA_NOTE_PORT, "write to read-only port", 0x3C1);
}

static void vga_wr_enable(struct vga *vga, uint8_t value) { vga->enable = value & 1; }
static void vga_wr_seq_index(struct vga *vga, uint8_t value) { vga->seq_index = value & 7; }
static void vga_wr_gc_index(struct vga *vga, uint8_t value) { vga->gc_index = value & 0xF; }
static void vga_wr_dac_mask(struct vga *vga, uint8_t value) { vga->dac_mask = value; }

static void vga_wr_dac_read_index(struct vga *vga, uint8_t value)
{
    vga->dac_read_index = value;
    vga->dac_step = 0;
    vga->dac_state = 3;
}

static void vga_wr_dac_write_index(struct vga *vga, uint8_t value)
{
    vga->dac_write_index = value;
    vga->dac_step = 0;
    vga->dac_state = 0;
}

static void vga_wr_none(struct vga *vga, uint8_t value) {}

static vga_read_fn *const vga_readers[VGA_PORT_COUNT] = {
    vga_rd_attr_index, vga_attr_read, vga_rd_status0, vga_rd_enable,
    vga_rd_seq_index, vga_seq_read, vga_rd_dac_mask, vga_rd_dac_state,
    vga_rd_dac_write_index, vga_dac_read, vga_rd_feature, vga_rd_none,
    vga_rd_misc, vga_rd_none, vga_rd_gc_index, vga_gc_read,
};

static vga_write_fn *const vga_writers[VGA_PORT_COUNT] = {
    vga_attr_write, vga_wr_attr_data, vga_wr_misc, vga_wr_enable,
    vga_wr_seq_index, vga_seq_write, vga_wr_dac_mask, vga_wr_dac_read_index,
    vga_wr_dac_write_index, vga_dac_write, vga_wr_none, vga_wr_none,
    vga_wr_none, vga_wr_none, vga_wr_gc_index, vga_gc_write,
};

static uint32_t vga_port_read(void *opaque, uint16_t port, unsigned size)
{
    return vga_readers[port - VGA_PORT_FIRST](opaque);
}

static void vga_port_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct vga *vga = opaque;

    vga_writers[port - VGA_PORT_FIRST](vga, (uint8_t)value);
    vga->dirty = true;
}

static const struct ioport_ops vga_port_ops = {
    .read = vga_port_read,
    .write = vga_port_write,
    .sizes = 1,
};

/* ---- CRTC and input status 1: answer only at the base Misc Output selects ---- */

static bool vga_crtc_port_active(const struct vga *vga, uint16_t port)
{
    uint16_t base = (vga->misc & VGA_MISC_IOS) ? 0x3D0 : 0x3B0;

    return (port & 0xFFF0) == base;
}

static uint32_t vga_crtc_port_read(void *opaque, uint16_t port, unsigned size)
{
    struct vga *vga = opaque;

    if (!vga_crtc_port_active(vga, port))
        return 0xFF;
    switch (port & 0xF) {
    case 0x4:
        return vga->crtc_index;
    case 0x5:
        return vga_crtc_read(vga);
    default:
        /* reading input status 1 resets the attribute flip-flop to index */
        vga->attr_flipflop = false;
        return vga_status1(vga);
    }
}

static void vga_crtc_port_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct vga *vga = opaque;

    if (!vga_crtc_port_active(vga, port))
        return;
    switch (port & 0xF) {
    case 0x4:
        vga->crtc_index = value & 0x1F;
        return;
    case 0x5:
        vga_crtc_write(vga, (uint8_t)value);
        break;
    default:
        vga->feature = (uint8_t)value;
        break;
    }
    vga->dirty = true;
}

static const struct ioport_ops vga_crtc_port_ops = {
    .read = vga_crtc_port_read,
    .write = vga_crtc_port_write,
    .sizes = 1,
};

/* ---- display memory: memory map select, chain-4, odd/even and planar
 * addressing, the latches, write modes 0-3 and read modes 0-1 ---- */

/* Graphics controller misc bits 2-3: where the window sits inside A0000h-BFFFFh. */
static const struct {
    uint32_t base, size;
} vga_memory_maps[4] = {
    { 0x00000, 0x20000 }, { 0x00000, 0x10000 }, { 0x10000, 0x8000 }, { 0x18000, 0x8000 },
};

/* Offset from A0000h to the address inside the selected window; false when the
 * window does not cover it or host access to display memory is disabled. */
static bool vga_mem_window(const struct vga *vga, uint32_t offset, uint32_t *addr)
{
    unsigned map = (vga->gc[VGA_GR_MISC] >> VGA_GR06_MAP_SHIFT) & 3;
    uint32_t rel = offset - vga_memory_maps[map].base;

    if (!(vga->misc & VGA_MISC_ERAM) || rel >= vga_memory_maps[map].size)
        return false;
    *addr = rel;
    return true;
}

/* Chain 4: address bits 0-1 pick the plane and bits 14-15 take their place, the
 * mirror of the CRTC's doubleword mode (MA12-13 on address bits 0-1), so each
 * plane holds every fourth byte of a 64 KiB picture. */
static uint32_t vga_chain4_addr(uint32_t addr)
{
    return (addr & ~3u) | ((addr >> 14) & 3);
}

static uint8_t vga_ror8(uint8_t value, unsigned count)
{
    return (uint8_t)((value >> count) | (value << ((8 - count) & 7)));
}

/* Each bit of a 4-bit value widened to a byte of all ones or all zeros. */
static uint8_t vga_expand_bit(uint8_t bits, unsigned plane)
{
    return (bits >> plane) & 1 ? 0xFF : 0x00;
}

/* Read mode 1: a bit is 1 where every plane not ignored by Color Don't Care
 * matches Color Compare. */
static uint8_t vga_color_compare(const struct vga *vga)
{
    uint8_t care = vga->gc[VGA_GR_COLOR_DONT_CARE];
    uint8_t color = vga->gc[VGA_GR_COLOR_COMPARE];
    uint8_t differ = 0;

    for (unsigned p = 0; p < VGA_PLANES; p++) {
        if ((care >> p) & 1)
            differ |= vga->latch[p] ^ vga_expand_bit(color, p);
    }
    return (uint8_t)~differ;
}

static uint8_t vga_mem_read(struct vga *vga, uint32_t offset)
{
    uint32_t addr;
    unsigned plane;

    if (!vga_mem_window(vga, offset, &addr))
        return 0xFF;
    if (vga->seq[VGA_SR_MEMORY_MODE] & VGA_SR04_CHAIN4) {
        plane = addr & 3;
        addr = vga_chain4_addr(addr);
    } else if (vga->gc[VGA_GR_MODE] & VGA_GR05_HOST_OE) {
        /* odd/even: A0 picks the plane within the pair Read Map Select names */
        plane = (vga->gc[VGA_GR_READ_MAP_SELECT] & 2) | (addr & 1);
        addr &= ~1u;
    } else {
        plane = vga->gc[VGA_GR_READ_MAP_SELECT] & 3;
    }
    addr &= VGA_PLANE_SIZE - 1;
    for (unsigned p = 0; p < VGA_PLANES; p++)
        vga->latch[p] = vga->plane[p][addr];
    if (vga->gc[VGA_GR_MODE] & VGA_GR05_READ_MODE)
        return vga_color_compare(vga);
    return vga->latch[plane];
}

/* The logical function of Data Rotate bits 3-4: none, AND, OR, XOR with the latch. */
static uint8_t vga_alu(unsigned function, uint8_t data, uint8_t latch)
{
    switch (function & 3) {
    case 1:
        return data & latch;
    case 2:
        return data | latch;
    case 3:
        return data ^ latch;
    default:
        return data;
    }
}

/* The byte write mode gc[MODE] sends to plane p, before the plane mask. */
static uint8_t vga_write_data(const struct vga *vga, unsigned p, uint8_t value)
{
    const uint8_t *gc = vga->gc;
    unsigned function = gc[VGA_GR_DATA_ROTATE] >> VGA_GR03_FUNC_SHIFT;
    uint8_t rotated = vga_ror8(value, gc[VGA_GR_DATA_ROTATE] & VGA_GR03_ROTATE);
    uint8_t mask = gc[VGA_GR_BIT_MASK];
    uint8_t data;

    switch (gc[VGA_GR_MODE] & VGA_GR05_WRITE_MODE) {
    case 0:
        data = (gc[VGA_GR_ENABLE_SET_RESET] >> p) & 1 ? vga_expand_bit(gc[VGA_GR_SET_RESET], p)
                                                      : rotated;
        break;
    case 1:
        return vga->latch[p];
    case 2:
        data = vga_expand_bit(value, p);
        break;
    default:
        /* write mode 3: the rotated data ANDed with Bit Mask is the bit mask */
        mask &= rotated;
        data = vga_expand_bit(gc[VGA_GR_SET_RESET], p);
        break;
    }
    data = vga_alu(function, data, vga->latch[p]);
    return (uint8_t)((data & mask) | (vga->latch[p] & ~mask));
}

static void vga_mem_write(struct vga *vga, uint32_t offset, uint8_t value)
{
    uint32_t addr;
    uint8_t planes = vga->seq[VGA_SR_MAP_MASK] & 0xF;

    if (!vga_mem_window(vga, offset, &addr))
        return;
    if (vga->seq[VGA_SR_MEMORY_MODE] & VGA_SR04_CHAIN4) {
        planes &= 1u << (addr & 3);
        addr = vga_chain4_addr(addr);
    } else if (!(vga->seq[VGA_SR_MEMORY_MODE] & VGA_SR04_OE_DIS)) {
        /* odd/even: even addresses reach planes 0 and 2, odd ones 1 and 3 */
        planes &= (addr & 1) ? 0xA : 0x5;
        addr &= ~1u;
    }
    addr &= VGA_PLANE_SIZE - 1;
    for (unsigned p = 0; p < VGA_PLANES; p++) {
        if ((planes >> p) & 1)
            vga->plane[p][addr] = vga_write_data(vga, p, value);
    }
    vga->dirty = true;
}


static uint32_t vga_mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    return vga_mem_read(opaque, offset);
}

static void vga_mmio_write(void *opaque, uint32_t offset, unsigned size, uint32_t value)
{
    vga_mem_write(opaque, offset, (uint8_t)value);
}

static const struct mmio_ops vga_mmio_ops = {
    .read = vga_mmio_read,
    .write = vga_mmio_write,
    .sizes = 1,
};

/* ---- lifecycle ---- */

static bool vga_register(struct vga *vga, struct ioports *io, struct bus *bus)
{
    static const uint16_t crtc_bases[] = { VGA_PORT_CRTC_MONO, VGA_PORT_CRTC_COLOR };
    static const uint16_t status_ports[] = { VGA_PORT_STATUS1_MONO, VGA_PORT_STATUS1_COLOR };

    if (!ioports_register(io, VGA_PORT_FIRST, VGA_PORT_COUNT, &vga_port_ops, vga, "vga"))
        return false;
    for (unsigned i = 0; i < 2; i++) {
        if (!ioports_register(io, crtc_bases[i], 2, &vga_crtc_port_ops, vga, "vga crtc") ||
            !ioports_register(io, status_ports[i], 1, &vga_crtc_port_ops, vga, "vga crtc"))
            return false;
    }
    return bus_add_mmio(bus, VGA_MEM_BASE, VGA_MEM_SIZE, &vga_mmio_ops, vga, "vga memory");
}

struct vga *vga_create(struct ioports *io, struct bus *bus, struct vclock *clk,
                       struct log *log)
{
    struct vga *vga = calloc(1, sizeof(*vga));

    if (!vga)
        return NULL;
    vga->clk = clk;
    vga->log = log;
    if (!vga_register(vga, io, bus)) {
        free(vga);
        return NULL;
    }
    vga_reset(vga, true);
    return vga;
}

void vga_destroy(struct vga *vga)
{
    free(vga);
}

void vga_reset(struct vga *vga, bool power_on)
{
    if (power_on) {
        memset(vga->plane, 0, sizeof(vga->plane));
        memset(vga->dac, 0, sizeof(vga->dac));
    }
    memset(vga->latch, 0, sizeof(vga->latch));
    vga->misc = vga->feature = vga->enable = 0;
    vga->seq_index = vga->gc_index = vga->crtc_index = vga->attr_index = 0;
    memset(vga->seq, 0, sizeof(vga->seq));
    vga->seq[VGA_SR_RESET] = VGA_SR00_AR | VGA_SR00_SR;
    memset(vga->gc, 0, sizeof(vga->gc));
    memset(vga->crtc, 0, sizeof(vga->crtc));
    memset(vga->attr, 0, sizeof(vga->attr));
    vga->attr_flipflop = false;
    vga->dac_mask = 0xFF;
    vga->dac_read_index = vga->dac_write_index = vga->dac_step = vga->dac_state = 0;
    vga->dirty = true;
}
