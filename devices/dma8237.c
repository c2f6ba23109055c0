/* Intel 8237A DMA controllers as wired in the IBM PC/AT (Technical Reference,
 * "DMA Controller"): DMA1 8-bit, DMA2 16-bit with its A0-A3 on SA1-SA4 (so word
 * addresses, odd ports alias even ones), page registers for A16-A23. */
#include "dma8237.h"

#include <stdint.h>
#include <stdlib.h>

#include "bus.h"
#include "ioport.h"
#include "log.h"

/* Register offsets inside one controller (8237A datasheet, Table 2 and 3). */
enum {
    DMA_REG_STATUS = 0x8,   /* read; write: command */
    DMA_REG_REQUEST = 0x9,
    DMA_REG_MASK_SINGLE = 0xA,
    DMA_REG_MODE = 0xB,
    DMA_REG_CLEAR_FF = 0xC,
    DMA_REG_TEMP = 0xD,     /* read; write: master clear */
    DMA_REG_CLEAR_MASK = 0xE,
    DMA_REG_MASK_ALL = 0xF,
};

enum {
    DMA_CMD_MEM2MEM = 1u << 0,
    DMA_CMD_COND = 1u << 2,         /* controller disable */
    DMA_MODE_TYPE = 3u << 2,        /* 00 verify, 01 write, 10 read, 11 illegal */
    DMA_MODE_VERIFY = 0u << 2,
    DMA_MODE_WRITE = 1u << 2,
    DMA_MODE_READ = 2u << 2,
    DMA_MODE_AUTOINIT = 1u << 4,
    DMA_MODE_DECREMENT = 1u << 5,
    DMA_MODE_SEL = 3u << 6,         /* 00 demand, 01 single, 10 block, 11 cascade */
    DMA_MODE_CASCADE = 3u << 6,
    DMA_REQ_SET = 1u << 2,          /* request and single-mask writes: bit 2 sets */
};

enum {
    DMA_NOTE_RAM = 1u << 0,
    DMA_NOTE_MEM2MEM = 1u << 1,
    DMA_NOTE_ILLEGAL_TYPE = 1u << 2,
    DMA_NOTE_BAD_READ = 1u << 3,
};

struct dma_channel {
    uint16_t base_addr;
    uint16_t base_count;
    uint16_t cur_addr;
    uint16_t cur_count;
    uint8_t mode;
};

struct dma_ctrl {
    struct dma_channel ch[4];
    uint8_t command;
    /* bits 0-3 TC reached, bits 4-7 requests */
    uint8_t status;
    uint8_t request;
    uint8_t mask;
    /* channels whose mode register was written since power-on */
    uint8_t mode_set;
    uint8_t temp;
    /* byte pointer flip-flop: false = low byte next */
    bool flip_flop;
};

struct dma8237 {
    struct bus *bus;
    struct log *log;
    struct dma_ctrl ctrl[2];
    /* latches at 80h-8Fh; 80h itself is not ours */
    uint8_t page_latch[16];
    uint32_t noted;
};

/* PC/AT page register port (low nibble) of each channel. */
static const uint8_t dma_page_port[DMA8237_CHANNELS] = { 0x7, 0x3, 0x1, 0x2, 0xF, 0xB, 0x9, 0xA };

static void dma_note(struct dma8237 *d, uint32_t what, const char *msg, unsigned channel)
{
    if (d->noted & what)
        return;
    d->noted |= what;
    log_printf(d->log, LOG_UNIMP, "dma8237: %s (channel %u; logged once)\n", msg, channel);
}

static void dma_ctrl_master_clear(struct dma_ctrl *c)
{
    c->command = 0;
    c->status = 0;
    c->request = 0;
    c->temp = 0;
    c->flip_flop = false;
    c->mask = 0xF;
}

void dma8237_reset(struct dma8237 *d, bool power_on)
{
    for (unsigned i = 0; i < 2; i++) {
        if (power_on) {
            for (unsigned ch = 0; ch < 4; ch++)
                d->ctrl[i].ch[ch] = (struct dma_channel){ 0 };
            d->ctrl[i].mode_set = 0;
        }
        dma_ctrl_master_clear(&d->ctrl[i]);
    }
    if (power_on) {
        for (unsigned i = 0; i < 16; i++)
            d->page_latch[i] = 0;
    }
}

/* Address/count registers: two byte accesses through the flip-flop. */
static void dma_write_addr_count(struct dma_ctrl *c, unsigned reg, uint8_t value)
{
    struct dma_channel *ch = &c->ch[reg >> 1];
    uint16_t *base = (reg & 1) ? &ch->base_count : &ch->base_addr;
    uint16_t *cur = (reg & 1) ? &ch->cur_count : &ch->cur_addr;

    if (c->flip_flop)
        *base = (uint16_t)((*base & 0x00FF) | (value << 8));
    else
        *base = (uint16_t)((*base & 0xFF00) | value);
    *cur = *base;
    c->flip_flop = !c->flip_flop;
}

static uint8_t dma_read_addr_count(struct dma_ctrl *c, unsigned reg)
{
    const struct dma_channel *ch = &c->ch[reg >> 1];
    uint16_t value = (reg & 1) ? ch->cur_count : ch->cur_addr;
    bool high = c->flip_flop;

    c->flip_flop = !c->flip_flop;
    return (uint8_t)(high ? value >> 8 : value);
}

static void dma_write_control(struct dma8237 *d, unsigned idx, unsigned reg, uint8_t value)
{
    struct dma_ctrl *c = &d->ctrl[idx];
    unsigned sel = value & 3;

    switch (reg) {
    case DMA_REG_STATUS:
        c->command = value;
        if (value & DMA_CMD_MEM2MEM)
            dma_note(d, DMA_NOTE_MEM2MEM, "memory-to-memory mode not supported", idx * 4);
        break;
    case DMA_REG_REQUEST:
        c->request = (uint8_t)((value & DMA_REQ_SET) ? c->request | (1u << sel)
                                                     : c->request & ~(1u << sel));
        break;
    case DMA_REG_MASK_SINGLE:
        c->mask = (uint8_t)((value & DMA_REQ_SET) ? c->mask | (1u << sel) : c->mask & ~(1u << sel));
        break;
    case DMA_REG_MODE:
        c->ch[sel].mode = value;
        c->mode_set |= (uint8_t)(1u << sel);
        break;
    case DMA_REG_CLEAR_FF:
        c->flip_flop = false;
        break;
    case DMA_REG_TEMP:
        dma_ctrl_master_clear(c);
        break;
    case DMA_REG_CLEAR_MASK:
        c->mask = 0;
        break;
    default:
        c->mask = value & 0xF;
        break;
    }
}

static uint8_t dma_read_control(struct dma8237 *d, unsigned idx, unsigned reg)
{
    struct dma_ctrl *c = &d->ctrl[idx];
    uint8_t value;

    switch (reg) {
    case DMA_REG_STATUS:
        /* 8237A: the TC bits are cleared by reading the status register */
        value = (uint8_t)(c->status | (c->request << 4));
        c->status &= 0xF0;
        return value;
    case DMA_REG_TEMP:
        return c->temp;
    case DMA_REG_MASK_ALL:
        /* undocumented on the 8237A; the AT-compatible chipsets (82374EB) read the
         * mask bits here */
        return (uint8_t)(0xF0 | c->mask);
    default:
        dma_note(d, DMA_NOTE_BAD_READ, "read of a write-only register", idx * 4 + (reg & 3));
        return 0xFF;
    }
}

static unsigned dma_port_ctrl(uint16_t port, unsigned *reg)
{
    if (port < 0x10) {
        *reg = port;
        return 0;
    }
    *reg = (unsigned)((port - 0xC0) >> 1) & 0xF;
    return 1;
}

static uint32_t dma_read(void *opaque, uint16_t port, unsigned size)
{
    struct dma8237 *d = opaque;
    unsigned reg;
    unsigned idx;

    if (port >= 0x80 && port < 0x90)
        return d->page_latch[port & 0xF];
    idx = dma_port_ctrl(port, &reg);
    if (reg < 8)
        return dma_read_addr_count(&d->ctrl[idx], reg);
    return dma_read_control(d, idx, reg);
}

static void dma_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct dma8237 *d = opaque;
    unsigned reg;
    unsigned idx;

    if (port >= 0x80 && port < 0x90) {
        d->page_latch[port & 0xF] = (uint8_t)value;
        return;
    }
    idx = dma_port_ctrl(port, &reg);
    if (reg < 8)
        dma_write_addr_count(&d->ctrl[idx], reg, (uint8_t)value);
    else
        dma_write_control(d, idx, reg, (uint8_t)value);
}

static const struct ioport_ops dma_ops = {
    .read = dma_read,
    .write = dma_write,
    .sizes = 1,
};

struct dma8237 *dma8237_create(struct ioports *io, struct bus *bus, struct log *log)
{
    struct dma8237 *d = calloc(1, sizeof(*d));

    if (!d)
        return NULL;
    d->bus = bus;
    d->log = log;
    if (!ioports_register(io, 0x00, 0x10, &dma_ops, d, "8237 DMA1") ||
        !ioports_register(io, 0x81, 0x0F, &dma_ops, d, "DMA page") ||
        !ioports_register(io, 0xC0, 0x20, &dma_ops, d, "8237 DMA2")) {
        free(d);
        return NULL;
    }
    dma8237_reset(d, true);
    return d;
}

void dma8237_destroy(struct dma8237 *d)
{
    free(d);
}

static bool dma_ctrl_channel_ready(const struct dma_ctrl *c, unsigned sel)
{
    return !(c->command & DMA_CMD_COND) && !(c->mask & (1u << sel)) &&
           (c->mode_set & (1u << sel)) && (c->ch[sel].mode & DMA_MODE_SEL) != DMA_MODE_CASCADE;
}

bool dma8237_channel_ready(const struct dma8237 *d, unsigned channel)
{
    const struct dma_ctrl *dma2 = &d->ctrl[1];

    if (channel >= DMA8237_CHANNELS)
        return false;
    if (channel >= 4)
        return dma_ctrl_channel_ready(dma2, channel & 3);
    /* AT: DMA1's hold request reaches the CPU through DMA2 channel 4 (cascade) */
    return dma_ctrl_channel_ready(&d->ctrl[0], channel) && !(dma2->command & DMA_CMD_COND) &&
           !(dma2->mask & 1) && (dma2->ch[0].mode & DMA_MODE_SEL) == DMA_MODE_CASCADE;
}

/* Physical address of unit addr on channel: 8-bit A0-A15 + page A16-A23;
 * 16-bit A1-A16 + page bits 1-7 as A17-A23 (page bit 0 unused). */
static uint32_t dma_paddr(const struct dma8237 *d, unsigned channel, uint16_t addr)
{
    uint32_t page = d->page_latch[dma_page_port[channel]];

    if (channel >= 4)
        return ((page & 0xFE) << 16) | ((uint32_t)addr << 1);
    return (page << 16) | addr;
}

/* Units in the next contiguous run from addr, and its lowest address. The
 * address counter is 16 bits: runs stop where it wraps. */
static uint32_t dma_run(uint16_t addr, uint32_t left, bool down, uint16_t *lowest)
{
    uint32_t room = down ? (uint32_t)addr + 1 : 0x10000u - addr;
    uint32_t run = left < room ? left : room;

    *lowest = down ? (uint16_t)(addr - run + 1) : addr;
    return run;
}

/* Move run units of one contiguous run starting at addr (its first unit). */
static bool dma_copy_run(struct dma8237 *d, unsigned channel, uint16_t addr, uint32_t run,
                         uint8_t *host, bool to_mem, bool down)
{
    unsigned shift = channel >= 4;
    bool ok = true;

    if (!down) {
        uint32_t paddr = dma_paddr(d, channel, addr);

        return to_mem ? bus_write_ram(d->bus, paddr, host, (size_t)run << shift)
                      : bus_read_ram(d->bus, paddr, host, (size_t)run << shift);
    }
    for (uint32_t i = 0; i < run; i++) {
        uint32_t paddr = dma_paddr(d, channel, (uint16_t)(addr - i));

        ok &= to_mem ? bus_write_ram(d->bus, paddr, host + (i << shift), 1u << shift)
                     : bus_read_ram(d->bus, paddr, host + (i << shift), 1u << shift);
    }
    return ok;
}

/* Check (copy == false) or perform the moves of n units starting at addr. */
static bool dma_walk(struct dma8237 *d, unsigned channel, uint16_t addr, uint32_t n,
                     uint8_t *buf, bool to_mem, bool copy)
{
    unsigned shift = channel >= 4;
    bool down = d->ctrl[channel >> 2].ch[channel & 3].mode & DMA_MODE_DECREMENT;
    uint32_t done = 0;

    while (done < n) {
        uint16_t lowest;
        uint32_t run = dma_run(addr, n - done, down, &lowest);
        uint64_t end = (uint64_t)dma_paddr(d, channel, lowest) + ((uint64_t)run << shift);

        if (!copy && end > bus_ram_size(d->bus))
            return false;
        if (copy && !dma_copy_run(d, channel, addr, run, buf + (done << shift), to_mem, down))
            return false;
        done += run;
        addr = (uint16_t)(down ? addr - run : addr + run);
    }
    return true;
}

/* Advance the channel by n units; true when that reached terminal count. */
static bool dma_advance(struct dma_ctrl *c, unsigned sel, uint32_t n)
{
    struct dma_channel *ch = &c->ch[sel];
    bool tc = n == (uint32_t)ch->cur_count + 1;

    ch->cur_addr = (uint16_t)((ch->mode & DMA_MODE_DECREMENT) ? ch->cur_addr - n : ch->cur_addr + n);
    ch->cur_count = (uint16_t)(ch->cur_count - n);
    if (!tc)
        return false;
    c->status |= (uint8_t)(1u << sel);
    c->request &= (uint8_t)~(1u << sel);
    if (ch->mode & DMA_MODE_AUTOINIT) {
        ch->cur_addr = ch->base_addr;
        ch->cur_count = ch->base_count;
    } else {
        /* 8237A: EOP sets the mask bit of a channel without autoinitialize */
        c->mask |= (uint8_t)(1u << sel);
    }
    return true;
}

size_t dma8237_transfer(struct dma8237 *d, unsigned channel, void *buf, size_t len, bool *tc)
{
    struct dma_ctrl *c;
    struct dma_channel *ch;
    unsigned shift = channel >= 4;
    uint32_t n;
    uint8_t type;
    bool reached;

    if (tc)
        *tc = false;
    if (!dma8237_channel_ready(d, channel))
        return 0;
    c = &d->ctrl[channel >> 2];
    ch = &c->ch[channel & 3];
    n = (uint32_t)ch->cur_count + 1;
    if ((len >> shift) < n)
        n = (uint32_t)(len >> shift);
    if (n == 0)
        return 0;
    type = ch->mode & DMA_MODE_TYPE;
    if (type != DMA_MODE_WRITE && type != DMA_MODE_READ) {
        if (type != DMA_MODE_VERIFY)
            dma_note(d, DMA_NOTE_ILLEGAL_TYPE, "illegal transfer type treated as verify", channel);
    } else if (!dma_walk(d, channel, ch->cur_addr, n, buf, type == DMA_MODE_WRITE, false)) {
        dma_note(d, DMA_NOTE_RAM, "transfer outside guest RAM refused", channel);
        return 0;
    } else if (!dma_walk(d, channel, ch->cur_addr, n, buf, type == DMA_MODE_WRITE, true)) {
        return 0;
    }
    reached = dma_advance(c, channel & 3, n);
    if (tc)
        *tc = reached;
    return (size_t)n << shift;
}
