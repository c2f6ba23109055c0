/* The BIOS's VMM half: the hypercall port, the dispatch of service codes, and
 * the frame and memory accessors the services share (docs/internals.md,
 * "BIOS"). The services themselves are in bios_*.c, one area a file. */
#include "bios.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bios_internal.h"
#include "font.h"
#include "ioport.h"
#include "log.h"
#include "mem.h"

static bios_service_fn *const services[BIOS_CODES] = {
    [0x08] = bios_int08, [0x09] = bios_int09, [0x0E] = bios_int0e, [0x10] = bios_int10,
    [0x11] = bios_int11, [0x12] = bios_int12, [0x13] = bios_int13, [0x14] = bios_int14,
    [0x15] = bios_int15, [0x16] = bios_int16, [0x17] = bios_int17, [0x18] = bios_int18,
    [0x19] = bios_int19, [0x1A] = bios_int1a, [0x70] = bios_int70,
    [BIOS_POST_CODE] = bios_post,
};

static uint32_t linear(uint16_t seg, uint16_t off)
{
    return ((uint32_t)seg << 4) + off;
}

uint8_t bios_rd8(struct bios *b, uint16_t seg, uint16_t off)
{
    return (uint8_t)cpu_read_linear(b->cpu, linear(seg, off), 1);
}

uint16_t bios_rd16(struct bios *b, uint16_t seg, uint16_t off)
{
    return (uint16_t)(bios_rd8(b, seg, off) | bios_rd8(b, seg, (uint16_t)(off + 1)) << 8);
}

uint32_t bios_rd32(struct bios *b, uint16_t seg, uint16_t off)
{
    return bios_rd16(b, seg, off) | (uint32_t)bios_rd16(b, seg, (uint16_t)(off + 2)) << 16;
}

void bios_wr8(struct bios *b, uint16_t seg, uint16_t off, uint8_t v)
{
    cpu_write_linear(b->cpu, linear(seg, off), 1, v);
}

void bios_wr16(struct bios *b, uint16_t seg, uint16_t off, uint16_t v)
{
    bios_wr8(b, seg, off, (uint8_t)v);
    bios_wr8(b, seg, (uint16_t)(off + 1), (uint8_t)(v >> 8));
}

void bios_wr32(struct bios *b, uint16_t seg, uint16_t off, uint32_t v)
{
    bios_wr16(b, seg, off, (uint16_t)v);
    bios_wr16(b, seg, (uint16_t)(off + 2), (uint16_t)(v >> 16));
}

void bios_copy_to_guest(struct bios *b, uint32_t laddr, const void *src, uint32_t len)
{
    const uint8_t *p = src;
    uint32_t i = 0;

    for (; i + 4 <= len; i += 4)
        cpu_write_linear(b->cpu, laddr + i, 4,
                         (uint32_t)p[i] | p[i + 1] << 8 | p[i + 2] << 16 | (uint32_t)p[i + 3] << 24);
    for (; i < len; i++)
        cpu_write_linear(b->cpu, laddr + i, 1, p[i]);
}

void bios_copy_from_guest(struct bios *b, uint32_t laddr, void *dst, uint32_t len)
{
    uint8_t *p = dst;
    uint32_t i = 0;

    for (; i + 4 <= len; i += 4) {
        uint32_t v = cpu_read_linear(b->cpu, laddr + i, 4);
        p[i] = (uint8_t)v;
        p[i + 1] = (uint8_t)(v >> 8);
        p[i + 2] = (uint8_t)(v >> 16);
        p[i + 3] = (uint8_t)(v >> 24);
    }
    for (; i < len; i++)
        p[i] = (uint8_t)cpu_read_linear(b->cpu, laddr + i, 1);
}

uint8_t bios_in8(struct bios *b, uint16_t port)
{
    return (uint8_t)ioports_read(b->cfg.io, port, 1);
}

void bios_out8(struct bios *b, uint16_t port, uint8_t v)
{
    ioports_write(b->cfg.io, port, 1, v);
}

uint8_t bios_cmos_read(struct bios *b, uint8_t index)
{
    bios_out8(b, 0x70, index & 0x7F);
    return bios_in8(b, 0x71);
}

void bios_cmos_write(struct bios *b, uint8_t index, uint8_t v)
{
    bios_out8(b, 0x70, index & 0x7F);
    bios_out8(b, 0x71, v);
}

bool bios_resumed(const struct bios *b)
{
    return b->cpu->seg[SEG_CS].sel == BIOS_SEG && (uint16_t)b->cpu->eip == b->wait_resume;
}

void bios_set_seg(struct bios *b, int seg, uint16_t sel)
{
    cpu_load_seg_real(b->cpu, seg, sel);
}

uint16_t bios_seg(const struct bios *b, int seg)
{
    return b->cpu->seg[seg].sel;
}

/* The interrupt frame: IP at SS:SP, CS at +2, FLAGS at +4. */
static uint16_t frame_off(const struct bios *b, unsigned at)
{
    return (uint16_t)(bios_reg16(b, R_ESP) + at);
}

static void frame_flag(struct bios *b, uint16_t flag, bool set)
{
    uint16_t ss = b->cpu->seg[SEG_SS].sel;
    uint16_t flags = bios_rd16(b, ss, frame_off(b, 4));
    flags = set ? (uint16_t)(flags | flag) : (uint16_t)(flags & ~flag);
    bios_wr16(b, ss, frame_off(b, 4), flags);
}

void bios_set_cf(struct bios *b, bool cf)
{
    frame_flag(b, EFLAGS_CF, cf);
}

void bios_set_zf(struct bios *b, bool zf)
{
    frame_flag(b, EFLAGS_ZF, zf);
}

void bios_status(struct bios *b, uint8_t ah)
{
    bios_set_hi(b, R_EAX, ah);
    bios_set_cf(b, ah != 0);
}

void bios_unsupported(struct bios *b, unsigned code)
{
    uint8_t ah = bios_hi(b, R_EAX);
    if (code < BIOS_CODES && !(b->warned[code][ah / 8] & (1u << (ah % 8)))) {
        b->warned[code][ah / 8] |= (uint8_t)(1u << (ah % 8));
        log_printf(b->cfg.log, LOG_UNIMP, "bios: INT %02Xh AH=%02Xh not supported\n", code, ah);
    }
    bios_status(b, 0x86);
}

void bios_wait(struct bios *b)
{
    /* put the service code back and let wait_stub halt and call again */
    uint16_t sp = (uint16_t)(bios_reg16(b, R_ESP) - 2);
    bios_set_reg16(b, R_ESP, sp);
    b->cpu->eip = b->wait_stub;
}

void bios_set_return(struct bios *b, uint16_t cs, uint16_t ip)
{
    uint16_t ss = b->cpu->seg[SEG_SS].sel;
    bios_wr16(b, ss, frame_off(b, 0), ip);
    bios_wr16(b, ss, frame_off(b, 2), cs);
}

/* OUT to the hypercall port: pop the service code and run the service. */
static void hypercall(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct bios *b = opaque;
    uint16_t ss = b->cpu->seg[SEG_SS].sel;
    uint16_t code = bios_rd16(b, ss, bios_reg16(b, R_ESP));
    bios_set_reg16(b, R_ESP, (uint16_t)(bios_reg16(b, R_ESP) + 2));
    if (code < BIOS_CODES && services[code]) {
        log_printf(b->cfg.log, LOG_TRAP, "bios: service %03Xh AX=%04X\n", code,
                   bios_reg16(b, R_EAX));
        services[code](b);
        return;
    }
    log_printf(b->cfg.log, LOG_UNIMP, "bios: hypercall with unknown service code %04Xh\n", code);
}

static uint32_t hypercall_read(void *opaque, uint16_t port, unsigned size)
{
    return 0xFFFFFFFFu;
}

static const struct ioport_ops hypercall_ops = {
    .read = hypercall_read,
    .write = hypercall,
    .sizes = 1 | 2 | 4,
};

static uint16_t header_word(const uint8_t *image, unsigned at)
{
    return (uint16_t)(image[at] | image[at + 1] << 8);
}

static bool read_header(struct bios *b, const uint8_t *image, char *err, size_t errlen)
{
    if (memcmp(image, "TDBIOS\x01", 7) != 0) {
        snprintf(err, errlen, "the BIOS image is not a trapdoor BIOS (layout 1)");
        return false;
    }
    b->stub_table = header_word(image, HDR_STUB_TABLE);
    b->default_int = header_word(image, HDR_DEFAULT_INT);
    b->default_irq_master = header_word(image, HDR_DEFAULT_IRQ_MASTER);
    b->default_irq_slave = header_word(image, HDR_DEFAULT_IRQ_SLAVE);
    b->wait_stub = header_word(image, HDR_WAIT);
    b->boot_stub = header_word(image, HDR_BOOT);
    b->halt_stub = header_word(image, HDR_HALT);
    b->font8 = header_word(image, HDR_FONT8);
    b->font14 = header_word(image, HDR_FONT14);
    b->font16 = header_word(image, HDR_FONT16);
    b->config_table = header_word(image, HDR_CONFIG);
    return true;
}

static void install_fonts(const struct bios *b, uint8_t *image)
{
    bool ok = font_render(8, image + b->font8) && font_render(14, image + b->font14) &&
              font_render(16, image + b->font16);

    assert(ok);
    (void)ok;
    /* the PC's 8x8 glyphs 00h-7Fh at F000:FA6E, where CGA-era programs read them */
    memcpy(image + ROM_FONT8_LOW, image + b->font8, 128 * 8);
}

static bool area_free(const uint8_t *image, unsigned at, unsigned len)
{
    for (unsigned i = 0; i < len; i++) {
        if (image[at + i] != 0)
            return false;
    }
    return true;
}

/* The tables the VMM places at fixed addresses must land in bytes bios.asm
 * left empty. */
static bool install_tables(const struct bios *b, uint8_t *image, char *err, size_t errlen)
{
    static const struct { uint16_t at, len; } areas[] = {
        {ROM_CONFIG_TABLE, 10}, {ROM_DISKETTE_TABLE, 11}, {ROM_VIDEO_PARAMS, 88},
        {ROM_FONT8_LOW, 1024}, {ROM_OWN_AREA, ROM_OWN_AREA_END - ROM_OWN_AREA},
    };

    for (size_t i = 0; i < sizeof(areas) / sizeof(areas[0]); i++) {
        if (!area_free(image, areas[i].at, areas[i].len)) {
            snprintf(err, errlen, "the BIOS image uses F000:%04X, where the VMM's tables go",
                     areas[i].at);
            return false;
        }
    }
    memcpy(image + ROM_CONFIG_TABLE, image + b->config_table, 10);
    bios_disk_rom_init(image);
    bios_video_rom_init(image);
    return true;
}

/* Where wait_stub's OUT ends: services called from there are resumed waits. */
static bool find_wait_resume(struct bios *b, const uint8_t *image)
{
    for (unsigned at = b->wait_stub; at + 1 < b->wait_stub + 8u; at++) {
        if (image[at] == 0xE6 && image[at + 1] == BIOS_HC_PORT) {
            b->wait_resume = (uint16_t)(at + 2);
            return true;
        }
    }
    return false;
}

struct bios *bios_create(const struct bios_config *cfg, uint8_t *image, size_t size, char *err,
                         size_t errlen)
{
    if (size != BIOS_IMAGE_SIZE) {
        snprintf(err, errlen, "the trapdoor BIOS image must be 64 KiB, not %zu bytes", size);
        return NULL;
    }
    struct bios *b = calloc(1, sizeof(*b));
    if (!b) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    b->cfg = *cfg;
    b->cpu = cfg->cpu;
    if (!read_header(b, image, err, errlen) || !install_tables(b, image, err, errlen))
        goto fail_free;
    if (!find_wait_resume(b, image)) {
        snprintf(err, errlen, "the BIOS image's wait_stub has no OUT to port %02Xh",
                 BIOS_HC_PORT);
        goto fail_free;
    }
    install_fonts(b, image);
    if (!bios_multiboot_init(b, err, errlen))
        goto fail_free;
    if (!ioports_register(cfg->io, BIOS_HC_PORT, 1, &hypercall_ops, b, "bios hypercall")) {
        snprintf(err, errlen, "port 0x%x for the BIOS hypercall is taken", BIOS_HC_PORT);
        goto fail_free;
    }
    return b;
fail_free:
    bios_multiboot_free(b);
    free(b);
    return NULL;
}

void bios_destroy(struct bios *b)
{
    bios_multiboot_free(b);
    free(b);
}
