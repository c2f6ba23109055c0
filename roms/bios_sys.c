/* System services: INT 11h (equipment), 12h (memory size), 14h (serial ports),
 * 15h (A20, waits, block move, extended memory sizes and the E820h map), 17h
 * (printer), 18h (no boot device). IBM PC/AT technical reference; RBIL INT 15h. */
#include <string.h>

#include "bios_internal.h"
#include "bus.h"
#include "uart16550.h"

enum {
    SYS_PORT92 = 0x92,
    PORT92_A20 = 0x02,
    KBC_COMMAND = 0x64,
    KBC_A20_OFF = 0xDD,
    KBC_A20_ON = 0xDF,
    SMAP = 0x534D4150,
    E820_RAM = 1,
    E820_RESERVED = 2,
    /* INT 15h AH=88h: the AT BIOS reports at most 63 MiB (CMOS 17h/18h) */
    EXT_KB_MAX = 0xFC00,
    /* RTC periodic rate 1024 Hz: microseconds per interrupt */
    RTC_PERIOD_US = 976,
};

void bios_int11(struct bios *b)
{
    bios_set_reg16(b, R_EAX, bios_rd16(b, BDA_SEG, BDA_EQUIPMENT));
}

void bios_int12(struct bios *b)
{
    bios_set_reg16(b, R_EAX, bios_rd16(b, BDA_SEG, BDA_MEM_KB));
}

/* ---------------------------------------------------------------- A20 */

void bios_a20_set(struct bios *b, bool on)
{
    uint8_t p92 = bios_in8(b, SYS_PORT92);
    /* both gates: the board ORs the 8042's output port with port 92h */
    bios_out8(b, SYS_PORT92, (uint8_t)((on ? p92 | PORT92_A20 : p92 & ~PORT92_A20) & ~1u));
    bios_out8(b, KBC_COMMAND, on ? KBC_A20_ON : KBC_A20_OFF);
}

static void int15_a20(struct bios *b)
{
    switch (bios_lo(b, R_EAX)) {
    case 0x00:
    case 0x01:
        bios_a20_set(b, bios_lo(b, R_EAX) == 0x01);
        bios_status(b, 0);
        break;
    case 0x02:
        bios_set_lo(b, R_EAX, bus_a20(b->cfg.bus));
        bios_status(b, 0);
        break;
    case 0x03:
        /* supported through the keyboard controller and port 92h */
        bios_set_reg16(b, R_EBX, 3);
        bios_status(b, 0);
        break;
    default:
        bios_unsupported(b, 0x15);
    }
}

/* ---------------------------------------------------------------- waits */

static void rtc_periodic(struct bios *b, bool on)
{
    uint8_t reg_b = bios_cmos_read(b, 0x0B);
    bios_cmos_write(b, 0x0B, on ? reg_b | 0x40 : reg_b & ~0x40);
    if (on) {
        /* unmask IRQ 8 on the secondary and the cascade on the primary */
        bios_out8(b, 0xA1, bios_in8(b, 0xA1) & ~0x01);
        bios_out8(b, 0x21, bios_in8(b, 0x21) & ~0x04);
    }
}

static void wait_start(struct bios *b, uint16_t flag_seg, uint16_t flag_off)
{
    uint32_t us = (uint32_t)bios_reg16(b, R_ECX) << 16 | bios_reg16(b, R_EDX);
    bios_wr16(b, BDA_SEG, BDA_WAIT_USER_FLAG, flag_off);
    bios_wr16(b, BDA_SEG, BDA_WAIT_USER_FLAG + 2, flag_seg);
    bios_wr32(b, BDA_SEG, BDA_WAIT_COUNT, us);
    bios_wr8(b, BDA_SEG, BDA_WAIT_FLAG, 0x01);
    rtc_periodic(b, true);
}

/* AH=83h: event wait, AL=00h start (flag byte ES:BX gets bit 7), 01h cancel. */
static void int15_event_wait(struct bios *b)
{
    if (bios_lo(b, R_EAX) == 0x01) {
        bios_wr8(b, BDA_SEG, BDA_WAIT_FLAG, 0);
        rtc_periodic(b, false);
        bios_status(b, 0);
        return;
    }
    if (bios_rd8(b, BDA_SEG, BDA_WAIT_FLAG) & 0x01) {
        bios_set_cf(b, true);
        return;
    }
    wait_start(b, bios_seg(b, SEG_ES), bios_reg16(b, R_EBX));
    bios_set_cf(b, false);
}

/* AH=86h: wait CX:DX microseconds on the RTC's periodic interrupt (INT 70h
 * counts down and sets bit 7 of the flag at 40:A0). */
static void int15_wait(struct bios *b)
{
    uint8_t flag = bios_rd8(b, BDA_SEG, BDA_WAIT_FLAG);

    if (bios_resumed(b)) {
        if (!(flag & 0x80)) {
            bios_wait(b);
            return;
        }
        bios_wr8(b, BDA_SEG, BDA_WAIT_FLAG, 0);
        bios_status(b, 0);
        return;
    }
    if (flag & 0x01) {
        bios_status(b, 0x83);
        return;
    }
    wait_start(b, BDA_SEG, BDA_WAIT_FLAG);
    bios_wait(b);
}

/* Called by INT 70h at each periodic interrupt (bios_time.c). */
void bios_wait_tick(struct bios *b)
{
    if (!(bios_rd8(b, BDA_SEG, BDA_WAIT_FLAG) & 0x01))
        return;
    int32_t left = (int32_t)bios_rd32(b, BDA_SEG, BDA_WAIT_COUNT) - RTC_PERIOD_US;
    bios_wr32(b, BDA_SEG, BDA_WAIT_COUNT, (uint32_t)left);
    if (left > 0)
        return;
    uint16_t off = bios_rd16(b, BDA_SEG, BDA_WAIT_USER_FLAG);
    uint16_t seg = bios_rd16(b, BDA_SEG, BDA_WAIT_USER_FLAG + 2);
    bios_wr8(b, BDA_SEG, BDA_WAIT_FLAG, 0);
    bios_wr8(b, seg, off, bios_rd8(b, seg, off) | 0x80);
    rtc_periodic(b, false);
}

/* ---------------------------------------------------------------- memory */

static uint32_t desc_base(struct bios *b, uint32_t laddr)
{
    return cpu_read_linear(b->cpu, laddr + 2, 2) |
           cpu_read_linear(b->cpu, laddr + 4, 1) << 16 |
           cpu_read_linear(b->cpu, laddr + 7, 1) << 24;
}

/* AH=87h: copy CX words between the descriptors at ES:SI+10h (source) and
 * +18h (destination), with A20 on during the move as the AT BIOS does. */
static void int15_block_move(struct bios *b)
{
    uint32_t gdt = bios_laddr(bios_seg(b, SEG_ES), bios_reg16(b, R_ESI));
    uint32_t src = desc_base(b, gdt + 0x10), dst = desc_base(b, gdt + 0x18);
    uint32_t words = bios_reg16(b, R_ECX);
    bool a20 = bus_a20(b->cfg.bus);

    if (words > 0x8000) {
        bios_status(b, 0x01);
        return;
    }
    bus_set_a20(b->cfg.bus, true);
    for (uint32_t i = 0; i < words * 2; i += 2)
        bus_write16(b->cfg.bus, dst + i, bus_read16(b->cfg.bus, src + i));
    bus_set_a20(b->cfg.bus, a20);
    bios_status(b, 0);
}

static uint32_t ext_kb(const struct bios *b)
{
    return b->cfg.ram_size > 0x100000 ? (b->cfg.ram_size - 0x100000) >> 10 : 0;
}

static void int15_ext_memory(struct bios *b)
{
    uint32_t kb = ext_kb(b);
    bios_set_reg16(b, R_EAX, (uint16_t)(kb > EXT_KB_MAX ? EXT_KB_MAX : kb));
    bios_set_cf(b, false);
}

/* AX=E801h: KiB from 1 to 16 MiB (AX, CX) and 64 KiB blocks above (BX, DX). */
static void int15_e801(struct bios *b)
{
    uint32_t kb = ext_kb(b);
    uint16_t low = (uint16_t)(kb > 0x3C00 ? 0x3C00 : kb);
    uint32_t high = b->cfg.ram_size > 0x1000000 ? (b->cfg.ram_size - 0x1000000) >> 16 : 0;

    bios_set_reg16(b, R_EAX, low);
    bios_set_reg16(b, R_ECX, low);
    bios_set_reg16(b, R_EBX, (uint16_t)high);
    bios_set_reg16(b, R_EDX, (uint16_t)high);
    bios_set_cf(b, false);
}

struct e820_entry {
    uint64_t base, len;
    uint32_t type;
};

static unsigned e820_map(const struct bios *b, struct e820_entry *e)
{
    uint32_t conv = (uint32_t)EBDA_SEG << 4;
    unsigned n = 0;

    e[n++] = (struct e820_entry){0, conv, E820_RAM};
    e[n++] = (struct e820_entry){conv, 0xA0000 - conv, E820_RESERVED};
    e[n++] = (struct e820_entry){0xF0000, 0x10000, E820_RESERVED};
    if (b->cfg.ram_size > 0x100000)
        e[n++] = (struct e820_entry){0x100000, b->cfg.ram_size - 0x100000, E820_RAM};
    e[n++] = (struct e820_entry){0xFFFF0000u, 0x10000, E820_RESERVED};
    return n;
}

/* AX=E820h: one entry of the memory map per call, EBX the continuation. */
static void int15_e820(struct bios *b)
{
    struct e820_entry map[8];
    unsigned n = e820_map(b, map), i = b->cpu->regs[R_EBX];

    if (b->cpu->regs[R_EDX] != SMAP || b->cpu->regs[R_ECX] < 20 || i >= n) {
        bios_unsupported(b, 0x15);
        return;
    }
    uint8_t buf[20];
    for (unsigned k = 0; k < 8; k++) {
        buf[k] = (uint8_t)(map[i].base >> (8 * k));
        buf[8 + k] = (uint8_t)(map[i].len >> (8 * k));
    }
    for (unsigned k = 0; k < 4; k++)
        buf[16 + k] = (uint8_t)(map[i].type >> (8 * k));
    bios_copy_to_guest(b, bios_laddr(bios_seg(b, SEG_ES), bios_reg16(b, R_EDI)), buf, 20);
    b->cpu->regs[R_EAX] = SMAP;
    b->cpu->regs[R_ECX] = 20;
    b->cpu->regs[R_EBX] = i + 1 < n ? i + 1 : 0;
    bios_set_cf(b, false);
}

static void int15_config(struct bios *b)
{
    bios_set_seg(b, SEG_ES, BIOS_SEG);
    bios_set_reg16(b, R_EBX, b->config_table);
    bios_status(b, 0);
}

static void int15_ebda(struct bios *b)
{
    bios_set_seg(b, SEG_ES, bios_rd16(b, BDA_SEG, BDA_EBDA_SEG));
    bios_set_cf(b, false);
}

static void int15_ok(struct bios *b)
{
    bios_status(b, 0);
}

/* AH=4Fh, the keyboard intercept: not consumed (CF set, AL unchanged). */
static void int15_key_intercept(struct bios *b)
{
    bios_set_cf(b, true);
}

static void int15_e8(struct bios *b)
{
    if (bios_lo(b, R_EAX) == 0x01)
        int15_e801(b);
    else if (bios_lo(b, R_EAX) == 0x20)
        int15_e820(b);
    else
        bios_unsupported(b, 0x15);
}

static bios_service_fn *const int15_fns[256] = {
    [0x24] = int15_a20, [0x4F] = int15_key_intercept, [0x83] = int15_event_wait,
    [0x85] = int15_ok, [0x86] = int15_wait, [0x87] = int15_block_move,
    [0x88] = int15_ext_memory, [0x90] = int15_ok, [0x91] = int15_ok,
    [0xC0] = int15_config, [0xC1] = int15_ebda, [0xE8] = int15_e8,
};

void bios_int15(struct bios *b)
{
    bios_service_fn *fn = int15_fns[bios_hi(b, R_EAX)];
    if (fn)
        fn(b);
    else
        bios_unsupported(b, 0x15);
}

/* ---------------------------------------------------------------- serial */

static uint16_t com_port(struct bios *b)
{
    uint16_t dx = bios_reg16(b, R_EDX);
    return dx < 4 ? bios_rd16(b, BDA_SEG, (uint16_t)(BDA_COM + dx * 2)) : 0;
}

static void serial_status(struct bios *b, uint16_t port, uint8_t extra)
{
    bios_set_hi(b, R_EAX, (uint8_t)(bios_in8(b, port + UART_LSR) | extra));
    bios_set_lo(b, R_EAX, bios_in8(b, port + UART_MSR));
}

/* AH=00h: AL = baud (bits 7-5), parity (4-3), stop bits (2), length (1-0). */
static void serial_init(struct bios *b, uint16_t port)
{
    static const uint16_t divisors[8] = {1047, 768, 384, 192, 96, 48, 24, 12};
    uint8_t al = bios_lo(b, R_EAX);
    uint16_t div = divisors[al >> 5];

    bios_out8(b, port + UART_LCR, UART_LCR_DLAB);
    bios_out8(b, port + UART_DLL, (uint8_t)div);
    bios_out8(b, port + UART_DLM, (uint8_t)(div >> 8));
    /* the parameter bits 4-0 are the line control register's */
    bios_out8(b, port + UART_LCR, al & 0x1F);
    bios_out8(b, port + UART_IER, 0);
    serial_status(b, port, 0);
}

/* Ticks a receive may wait: the BDA timeout (seconds) at 18.2 ticks/s. */
static bool serial_timed_out(struct bios *b)
{
    uint16_t dx = bios_reg16(b, R_EDX) & 3;
    uint32_t limit = bios_rd8(b, BDA_SEG, (uint16_t)(BDA_SERIAL_TIMEOUT + dx)) * 18u;
    uint32_t now = bios_rd32(b, BDA_SEG, BDA_TICKS);

    if (!bios_resumed(b))
        b->serial_wait_start = now;
    return now - b->serial_wait_start >= limit;
}

static void serial_send(struct bios *b, uint16_t port)
{
    if (!(bios_in8(b, port + UART_LSR) & UART_LSR_THRE)) {
        /* the transmitter drains in virtual time: halt until a tick */
        bios_wait(b);
        return;
    }
    bios_out8(b, port + UART_THR, bios_lo(b, R_EAX));
    bios_set_hi(b, R_EAX, bios_in8(b, port + UART_LSR));
}

static void serial_receive(struct bios *b, uint16_t port)
{
    uint8_t lsr = bios_in8(b, port + UART_LSR);

    if (lsr & UART_LSR_DR) {
        bios_set_lo(b, R_EAX, bios_in8(b, port + UART_RBR));
        bios_set_hi(b, R_EAX, lsr & 0x1E);
    } else if (serial_timed_out(b)) {
        bios_set_hi(b, R_EAX, (uint8_t)(lsr | 0x80));
    } else {
        bios_wait(b);
    }
}

void bios_int14(struct bios *b)
{
    uint16_t port = com_port(b);

    if (!port) {
        bios_set_hi(b, R_EAX, 0x80);
        return;
    }
    switch (bios_hi(b, R_EAX)) {
    case 0x00:
        serial_init(b, port);
        break;
    case 0x01:
        serial_send(b, port);
        break;
    case 0x02:
        serial_receive(b, port);
        break;
    case 0x03:
        serial_status(b, port, 0);
        break;
    default:
        bios_unsupported(b, 0x14);
    }
}

/* ---------------------------------------------------------------- printer, boot */

/* No parallel port on this board: every call times out (AH bit 0). */
void bios_int17(struct bios *b)
{
    if (bios_hi(b, R_EAX) <= 0x02)
        bios_set_hi(b, R_EAX, 0x01);
    else
        bios_unsupported(b, 0x17);
}

void bios_int18(struct bios *b)
{
    bios_video_puts(b, "No bootable device.\r\n");
    b->cpu->eip = b->halt_stub;
}
