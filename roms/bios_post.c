/* The power-on self test: interrupt vectors, BIOS data area, interrupt
 * controllers, timer, keyboard controller, disks, video mode 03h and a banner,
 * then INT 19h through boot_stub. A reset with CMOS shutdown code 05h or 0Ah
 * resumes at 40:67h instead (the AT's return from protected mode). IBM PC/AT
 * technical reference "POST" and "BIOS data area"; RBIL CMOS 0Fh. */
#include <stdio.h>

#include "bios_internal.h"
#include "cpuid.h"
#include "rtc146818.h"

enum {
    PIC1 = 0x20, PIC2 = 0xA0,
    ICW1_ICW4 = 0x11, ICW4_8086 = 0x01, PIC_EOI = 0x20,
    /* unmasked: IRQ 0 timer, 1 keyboard, 2 cascade, 6 floppy; 8 RTC, 14 disk */
    PIC1_MASK = (uint8_t)~(0x01 | 0x02 | 0x04 | 0x40),
    PIC2_MASK = (uint8_t)~(0x01 | 0x40),
    SHUTDOWN_EOI_JMP = 0x05, SHUTDOWN_JMP = 0x0A,
    /* equipment word bits (INT 11h) */
    EQ_FLOPPY = 0x0001, EQ_FPU = 0x0002, EQ_MOUSE = 0x0004, EQ_VIDEO_80COLOR = 0x0020,
    EQ_SERIAL_SHIFT = 9, EQ_FLOPPIES_SHIFT = 6,
    STACK_TOP = 0x7C00,
};

static void set_vector(struct bios *b, unsigned v, uint16_t seg, uint16_t off)
{
    bios_wr16(b, 0, (uint16_t)(v * 4), off);
    bios_wr16(b, 0, (uint16_t)(v * 4 + 2), seg);
}

static void init_ivt(struct bios *b)
{
    for (unsigned v = 0; v < 256; v++) {
        uint16_t off = b->default_int;
        if (v >= 0x08 && v <= 0x0F)
            off = b->default_irq_master;
        else if (v >= 0x70 && v <= 0x77)
            off = b->default_irq_slave;
        set_vector(b, v, BIOS_SEG, off);
    }
    /* the user vectors 60h-67h stay free, as on the AT */
    for (unsigned v = 0x60; v <= 0x67; v++)
        set_vector(b, v, 0, 0);
    for (uint16_t at = b->stub_table;; at = (uint16_t)(at + 3)) {
        uint8_t v = bios_rd8(b, BIOS_SEG, at);
        if (v == 0xFF)
            break;
        set_vector(b, v, BIOS_SEG, bios_rd16(b, BIOS_SEG, (uint16_t)(at + 1)));
    }
    set_vector(b, 0x1D, BIOS_SEG, ROM_VIDEO_PARAMS);
    set_vector(b, 0x1F, BIOS_SEG, (uint16_t)(b->font8 + 128 * 8));
    set_vector(b, 0x43, BIOS_SEG, b->font8);
}

static uint16_t equipment(const struct bios *b)
{
    unsigned floppies = b->cfg.floppy[1] ? 2 : b->cfg.floppy[0] ? 1 : 0;
    uint16_t eq = EQ_VIDEO_80COLOR | EQ_MOUSE | 1u << EQ_SERIAL_SHIFT;

    if (floppies)
        eq |= (uint16_t)(EQ_FLOPPY | (floppies - 1) << EQ_FLOPPIES_SHIFT);
    if (b->cpu->model->features & CPUID_FPU)
        eq |= EQ_FPU;
    return eq;
}

static void init_bda(struct bios *b)
{
    for (uint16_t off = 0; off < 0x100; off += 2)
        bios_wr16(b, BDA_SEG, off, 0);
    for (uint16_t off = 0; off < EBDA_KB * 1024; off += 2)
        bios_wr16(b, EBDA_SEG, off, 0);
    bios_wr8(b, EBDA_SEG, 0, EBDA_KB);
    bios_wr16(b, BDA_SEG, BDA_COM, 0x3F8);
    bios_wr16(b, BDA_SEG, BDA_EBDA_SEG, EBDA_SEG);
    bios_wr16(b, BDA_SEG, BDA_EQUIPMENT, equipment(b));
    bios_wr16(b, BDA_SEG, BDA_MEM_KB, BASE_MEM_KB);
    for (uint16_t i = 0; i < 4; i++) {
        bios_wr8(b, BDA_SEG, (uint16_t)(BDA_SERIAL_TIMEOUT + i), 1);
        bios_wr8(b, BDA_SEG, (uint16_t)(BDA_PRINTER_TIMEOUT + i), 20);
    }
}

static void init_pic(struct bios *b)
{
    static const uint8_t icw[2][4] = {
        {ICW1_ICW4, 0x08, 0x04, ICW4_8086}, /* primary: vectors 08h-0Fh, slave on IR2 */
        {ICW1_ICW4, 0x70, 0x02, ICW4_8086}, /* secondary: vectors 70h-77h, ID 2 */
    };
    static const uint16_t base[2] = {PIC1, PIC2};

    for (unsigned p = 0; p < 2; p++) {
        bios_out8(b, base[p], icw[p][0]);
        for (unsigned i = 1; i < 4; i++)
            bios_out8(b, (uint16_t)(base[p] + 1), icw[p][i]);
    }
    bios_out8(b, PIC1 + 1, PIC1_MASK);
    bios_out8(b, PIC2 + 1, PIC2_MASK);
}

static void banner(struct bios *b)
{
    char line[160];
    uint32_t ext = b->cfg.ram_size > 0x100000 ? (b->cfg.ram_size - 0x100000) >> 10 : 0;

    snprintf(line, sizeof(line),
             "trapdoor BIOS\r\nMemory: %u KiB base, %u KiB extended\r\n\r\n",
             (unsigned)BASE_MEM_KB, (unsigned)ext);
    bios_video_puts(b, line);
}

/* The 8042's A20 gate and port 92h both off: real-mode address wrap, as the AT
 * starts (HIMEM and INT 15h AH=24h turn it on). */
static void a20_off(struct bios *b)
{
    bios_out8(b, 0x92, bios_in8(b, 0x92) & ~0x03);
    bios_out8(b, 0x64, 0xDD);
}

/* A reset asked for by a program leaving protected mode: jump through 40:67h. */
static bool shutdown_resume(struct bios *b)
{
    uint8_t code = bios_cmos_read(b, CMOS_SHUTDOWN_STATUS);

    if (code != SHUTDOWN_EOI_JMP && code != SHUTDOWN_JMP)
        return false;
    bios_cmos_write(b, CMOS_SHUTDOWN_STATUS, 0);
    if (code == SHUTDOWN_EOI_JMP) {
        bios_out8(b, PIC2, PIC_EOI);
        bios_out8(b, PIC1, PIC_EOI);
    }
    bios_set_seg(b, SEG_CS, bios_rd16(b, BDA_SEG, BDA_RESET_PTR + 2));
    b->cpu->eip = bios_rd16(b, BDA_SEG, BDA_RESET_PTR);
    return true;
}

void bios_post(struct bios *b)
{
    if (shutdown_resume(b))
        return;
    init_ivt(b);
    init_bda(b);
    init_pic(b);
    bios_time_post(b);
    bios_kbd_post(b);
    bios_disk_post(b);
    a20_off(b);
    bios_video_set_mode(b, 0x03);
    banner(b);
    b->cd_booted = false;
    bios_set_seg(b, SEG_SS, 0);
    bios_set_reg16(b, R_ESP, STACK_TOP);
    b->cpu->eip = b->boot_stub;
}
