/* Shared by the BIOS service files: the BIOS state, register and stack-frame
 * access for services, and the BIOS data area layout (IBM PC/AT technical
 * reference; RBIL memory map). */
#ifndef TD_BIOS_INTERNAL_H
#define TD_BIOS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "bios.h"
#include "cpu.h"
#include "log.h"
#include "mem.h"
#include "multiboot.h"

/* Offsets in the header at F000:0000 (bios.asm). */
enum {
    HDR_STUB_TABLE = 8, HDR_DEFAULT_INT = 10, HDR_DEFAULT_IRQ_MASTER = 12,
    HDR_DEFAULT_IRQ_SLAVE = 14, HDR_WAIT = 16, HDR_BOOT = 18, HDR_HALT = 20,
    HDR_FONT8 = 22, HDR_FONT14 = 24, HDR_FONT16 = 26, HDR_CONFIG = 28,
};

enum { BIOS_SEG = 0xF000, BIOS_POST_CODE = 0x100, BIOS_CODES = 0x101 };

/* Tables the VMM writes into free space of the image before it is mapped, at
 * the PC/AT BIOS's fixed addresses where programs expect them (IBM PC/AT
 * technical reference, BIOS listing), and the project's own area. */
enum {
    ROM_CONFIG_TABLE = 0xE6F5,      /* INT 15h AH=C0h table, classic copy */
    ROM_DISKETTE_TABLE = 0xEFC7,    /* INT 1Eh: diskette parameters, 11 bytes */
    ROM_VIDEO_PARAMS = 0xF0A4,      /* INT 1Dh: 6845 parameters, 88 bytes */
    ROM_FONT8_LOW = 0xFA6E,         /* 8x8 glyphs 00h-7Fh (CGA graphics text) */
    ROM_OWN_AREA = 0xC000,          /* the project's tables below */
    ROM_FUNC_TABLE = ROM_OWN_AREA,          /* INT 10h AH=1Bh, 16 bytes */
    ROM_EMPTY_ALT_FONT = ROM_OWN_AREA + 0x10, /* AX=1130h BH=5/7: no alternates */
    ROM_OWN_AREA_END = ROM_OWN_AREA + 0x20,
};

/* The extended BIOS data area: 1 KiB at the top of conventional memory. */
enum {
    EBDA_SEG = 0x9FC0, EBDA_KB = 1, BASE_MEM_KB = 639,
    /* IBM PS/2 layout: fixed disk parameter tables for INT 41h and 46h */
    EBDA_FDPT0 = 0x3D, EBDA_FDPT1 = 0x4D,
};

/* BIOS data area, segment 40h. */
enum {
    BDA_COM = 0x00, BDA_LPT = 0x08, BDA_EBDA_SEG = 0x0E, BDA_EQUIPMENT = 0x10,
    BDA_MEM_KB = 0x13, BDA_KBD_FLAGS0 = 0x17, BDA_KBD_FLAGS1 = 0x18, BDA_KBD_HEAD = 0x1A,
    BDA_KBD_TAIL = 0x1C, BDA_KBD_BUF = 0x1E, BDA_FDC_RECAL = 0x3E, BDA_FDC_MOTOR = 0x3F,
    BDA_FDC_MOTOR_TIMEOUT = 0x40, BDA_FDC_STATUS = 0x41, BDA_VIDEO_MODE = 0x49,
    BDA_COLUMNS = 0x4A, BDA_PAGE_SIZE = 0x4C, BDA_PAGE_START = 0x4E, BDA_CURSOR_POS = 0x50,
    BDA_CURSOR_SHAPE = 0x60, BDA_ACTIVE_PAGE = 0x62, BDA_CRTC_BASE = 0x63,
    BDA_MODE_CTL = 0x65, BDA_PALETTE = 0x66, BDA_TICKS = 0x6C, BDA_MIDNIGHT = 0x70,
    BDA_BREAK = 0x71, BDA_RESET_FLAG = 0x72, BDA_HD_STATUS = 0x74, BDA_HD_COUNT = 0x75,
    BDA_KBD_START = 0x80, BDA_KBD_END = 0x82, BDA_ROWS = 0x84, BDA_CHAR_HEIGHT = 0x85,
    BDA_VIDEO_CTL = 0x87, BDA_VIDEO_SWITCHES = 0x88, BDA_VGA_FLAGS = 0x89,
    BDA_KBD_FLAGS3 = 0x96, BDA_KBD_FLAGS2 = 0x97, BDA_WAIT_FLAG = 0xA0,
    BDA_ALT_KEYPAD = 0x19, BDA_RESET_PTR = 0x67, BDA_SERIAL_TIMEOUT = 0x7C,
    BDA_PRINTER_TIMEOUT = 0x78, BDA_DCC = 0x8A, BDA_WAIT_USER_FLAG = 0x98,
    BDA_WAIT_COUNT = 0x9C, BDA_FLOPPY_MEDIA = 0x90, BDA_SAVE_PTR = 0xA8,
};
enum { BDA_SEG = 0x40 };

/* INT 13h status codes (RBIL table 00234). */
enum {
    DISK_OK = 0x00, DISK_BAD_COMMAND = 0x01, DISK_ADDRESS_MARK = 0x02,
    DISK_WRITE_PROTECT = 0x03, DISK_SECTOR_NOT_FOUND = 0x04, DISK_DMA_BOUNDARY = 0x09,
    DISK_MEDIA_CHANGED = 0x06, DISK_BAD_MEDIA = 0x0C, DISK_NOT_READY = 0xAA,
    DISK_TIMEOUT = 0x80, DISK_UNDEFINED = 0xBB,
};

struct bios;

/* A service: runs with the service code already popped; SS:SP points at the
 * interrupt frame (IP, CS, FLAGS) of the INT that entered the stub. */
typedef void bios_service_fn(struct bios *b);

struct bios {
    struct bios_config cfg;
    struct cpu *cpu;
    /* offsets of bios.asm's pieces, read from its header */
    uint16_t wait_stub, boot_stub, halt_stub, stub_table;
    uint16_t default_int, default_irq_master, default_irq_slave;
    uint16_t font8, font14, font16, config_table;
    /* one warning per unimplemented service function */
    uint8_t warned[BIOS_CODES][256 / 8];
    /* EIP after the OUT of wait_stub: a service called from there resumes */
    uint16_t wait_resume;
    /* El Torito no-emulation boot: the image's first 2048-byte sector and
     * the 512-byte sectors loaded (INT 13h AX=4B01h reports them) */
    uint32_t cd_boot_lba;
    uint16_t cd_load_seg, cd_load_count;
    bool cd_booted;
    /* tick count when a serial receive started waiting (INT 14h AH=02h) */
    uint32_t serial_wait_start;
    /* the Multiboot kernel's file (NULL: none), how to load it, and its
     * command line (the path, then the -append text) */
    uint8_t *kernel;
    size_t kernel_size;
    struct mb_image mb;
    char *mb_cmdline;
};

/* Guest memory at seg:off (real-mode addressing through the CPU's linear
 * accesses, so paging under a v86 monitor applies). */
uint8_t bios_rd8(struct bios *b, uint16_t seg, uint16_t off);
uint16_t bios_rd16(struct bios *b, uint16_t seg, uint16_t off);
uint32_t bios_rd32(struct bios *b, uint16_t seg, uint16_t off);
void bios_wr8(struct bios *b, uint16_t seg, uint16_t off, uint8_t v);
void bios_wr16(struct bios *b, uint16_t seg, uint16_t off, uint16_t v);
void bios_wr32(struct bios *b, uint16_t seg, uint16_t off, uint32_t v);

/* Registers. */
static inline uint16_t bios_reg16(const struct bios *b, int r)
{
    return (uint16_t)b->cpu->regs[r];
}
static inline void bios_set_reg16(struct bios *b, int r, uint16_t v)
{
    b->cpu->regs[r] = (b->cpu->regs[r] & 0xFFFF0000u) | v;
}
static inline uint8_t bios_lo(const struct bios *b, int r)
{
    return (uint8_t)b->cpu->regs[r];
}
static inline uint8_t bios_hi(const struct bios *b, int r)
{
    return (uint8_t)(b->cpu->regs[r] >> 8);
}
static inline void bios_set_lo(struct bios *b, int r, uint8_t v)
{
    b->cpu->regs[r] = (b->cpu->regs[r] & 0xFFFFFF00u) | v;
}
static inline void bios_set_hi(struct bios *b, int r, uint8_t v)
{
    b->cpu->regs[r] = (b->cpu->regs[r] & 0xFFFF00FFu) | ((uint32_t)v << 8);
}

/* The caller's FLAGS in the interrupt frame: what IRET restores. */
void bios_set_cf(struct bios *b, bool cf);
void bios_set_zf(struct bios *b, bool zf);
/* Return CF and AH = status, as most services do. */
void bios_status(struct bios *b, uint8_t ah);
/* Unsupported function AH of service code: CF set, AH = 86h, logged once. */
void bios_unsupported(struct bios *b, unsigned code);
/* The service cannot finish yet: halt with interrupts on and call it again. */
void bios_wait(struct bios *b);
/* Replace the return address of the interrupt frame (INT 19h jumps to the
 * boot sector this way). */
void bios_set_return(struct bios *b, uint16_t cs, uint16_t ip);

/* Is this the same call again after bios_wait (from wait_stub)? */
bool bios_resumed(const struct bios *b);
/* Load a segment register with a real-mode (or v86) selector, e.g. ES for
 * services that return a far pointer in ES. */
void bios_set_seg(struct bios *b, int seg, uint16_t sel);
uint16_t bios_seg(const struct bios *b, int seg);

/* Port I/O and CMOS (port 70h with NMI kept enabled, then 71h). */
uint8_t bios_in8(struct bios *b, uint16_t port);
void bios_out8(struct bios *b, uint16_t port, uint8_t v);
uint8_t bios_cmos_read(struct bios *b, uint8_t index);
void bios_cmos_write(struct bios *b, uint8_t index, uint8_t v);

/* Copy between host memory and guest linear memory at seg:off (laddr =
 * seg * 16 + off, no wrap at 64 KiB, as a DMA or a 32-bit string move). */
void bios_copy_to_guest(struct bios *b, uint32_t laddr, const void *src, uint32_t len);
void bios_copy_from_guest(struct bios *b, uint32_t laddr, void *dst, uint32_t len);
static inline uint32_t bios_laddr(uint16_t seg, uint16_t off)
{
    return ((uint32_t)seg << 4) + off;
}

/* ---- video (bios_video.c, bios_vga_modes.c) ---- */

/* How a mode lays out display memory. */
enum vmode_kind {
    VMODE_TEXT,
    /* CGA 320x200x4: 2 bits a pixel, even lines at 0, odd lines at 2000h */
    VMODE_CGA2,
    /* CGA 640x200x2: 1 bit a pixel, interleaved the same way */
    VMODE_CGA1,
    /* EGA/VGA planar: 4 planes, 8 pixels a byte */
    VMODE_PLANAR,
    /* mode 13h: one byte a pixel, chain-4 */
    VMODE_LINEAR,
};

/* DAC contents a mode loads. */
enum vmode_dac { VDAC_EGA, VDAC_MONO, VDAC_VGA256 };

/* A standard mode: geometry and every VGA register (IBM VGA technical
 * reference, "BIOS video modes"; values written for this project). */
struct vga_mode {
    uint8_t mode, kind, dac;
    uint8_t cols, rows, char_height;
    uint16_t seg, page_size;
    uint16_t width, height;
    /* CGA mode control and colour select values for 40:65h and 40:66h */
    uint8_t cga_mode, cga_palette;
    uint8_t misc;
    /* sequencer registers 1-4 */
    uint8_t seq[4];
    uint8_t crtc[25];
    uint8_t attr[21];
    uint8_t gc[9];
};

/* The mode table entry for mode (low 7 bits), NULL if unsupported. */
const struct vga_mode *bios_vga_mode(uint8_t mode);
/* The entry of the current mode (40:49h); never NULL. */
const struct vga_mode *bios_vga_current(struct bios *b);
/* Program every register of m, load its DAC palette. */
void bios_vga_program(struct bios *b, const struct vga_mode *m);
/* Load count glyphs of height bytes from guest linear laddr into character
 * block blk of plane 2, from character first (INT 10h AH=11h). */
void bios_vga_load_font(struct bios *b, uint32_t laddr, unsigned first, unsigned count,
                        unsigned height, unsigned blk);
/* Linear address of the ROM font of this height (8, 14, 16). */
uint32_t bios_rom_font(const struct bios *b, unsigned height);
/* CRTC index port of the current mode (3B4h or 3D4h). */
uint16_t bios_crtc_port(struct bios *b);
void bios_crtc_write(struct bios *b, uint8_t index, uint8_t v);
/* INT 10h AH=10h (palette and DAC), 11h (fonts), 12h (alternate select),
 * 1Ah (display combination), 1Bh (state information). */
bios_service_fn bios_video_palette, bios_video_font, bios_video_alt, bios_video_dcc,
    bios_video_state;

/* Video helpers for POST, INT 18h and INT 19h (bios_video.c): set a mode as
 * INT 10h AH=00h does, and print a string at the cursor as AH=0Eh does. */
void bios_video_set_mode(struct bios *b, uint8_t mode);
void bios_video_puts(struct bios *b, const char *s);
/* Write the video parameter table (INT 1Dh) into the image (bios_vga_modes.c). */
void bios_video_rom_init(uint8_t *image);
/* The diskette parameter table (INT 1Eh) into the image (bios_disk.c). */
void bios_disk_rom_init(uint8_t *image);
/* POST's disk part: BDA counts, fixed disk parameter tables (bios_disk.c). */
void bios_disk_post(struct bios *b);
/* POST's keyboard part: controller and keyboard initialisation (bios_kbd.c). */
void bios_kbd_post(struct bios *b);
/* POST's timer part: PIT channel 0 at 18.2 Hz, RTC flags (bios_time.c). */
void bios_time_post(struct bios *b);

/* Read and check cfg.kernel (bios_multiboot.c): false with a message naming
 * the file and the problem. Without a kernel, true and nothing to do. */
bool bios_multiboot_init(struct bios *b, char *err, size_t errlen)
    __attribute__((warn_unused_result));
void bios_multiboot_free(struct bios *b);
/* INT 19h with a kernel: load it, build the information area and enter it in
 * 32-bit protected mode (Multiboot 3.2). */
void bios_multiboot_boot(struct bios *b);
/* Both A20 gates on or off, as INT 15h AX=2401h/2400h (bios_sys.c). */
void bios_a20_set(struct bios *b, bool on);

/* One RTC periodic interrupt for INT 15h AH=83h/86h waits (bios_sys.c). */
void bios_wait_tick(struct bios *b);

/* Services (bios_*.c); each sets AH/CF as the PC/AT BIOS does. */
bios_service_fn bios_post;
bios_service_fn bios_int08, bios_int09, bios_int0e, bios_int10, bios_int11, bios_int12,
    bios_int13, bios_int14, bios_int15, bios_int16, bios_int17, bios_int18, bios_int19,
    bios_int1a, bios_int70;

#endif
