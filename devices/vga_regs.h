/* VGA chip internals shared by vga.c (ports, timing, CPU access to the planes)
 * and vga_render.c (scan-out): register indices and bits with the
 * names of the IBM VGA technical reference (as FreeVGA lists them), and the state.
 * Not for the board or frontends: they use vga.h and vga_render.h. */
#ifndef TD_VGA_REGS_H
#define TD_VGA_REGS_H

#include <stdbool.h>
#include <stdint.h>

struct vclock;
struct log;

enum { VGA_PLANES = 4, VGA_PLANE_SIZE = 0x10000, VGA_DAC_ENTRIES = 256 };

/* Sequencer (3C4h/3C5h) */
enum vga_sr {
    VGA_SR_RESET, VGA_SR_CLOCKING_MODE, VGA_SR_MAP_MASK, VGA_SR_CHAR_MAP_SELECT,
    VGA_SR_MEMORY_MODE, VGA_SR_COUNT
};
enum {
    VGA_SR00_AR = 0x01, VGA_SR00_SR = 0x02,
    /* 1: 8-dot characters, 0: 9-dot */
    VGA_SR01_D89 = 0x01,
    /* dot clock divided by 2 (320- and 360-wide modes) */
    VGA_SR01_DCR = 0x08,
    VGA_SR01_SD = 0x20,
    VGA_SR04_EXT_MEM = 0x02,
    /* 1: sequential host writes, 0: odd/even */
    VGA_SR04_OE_DIS = 0x04,
    VGA_SR04_CHAIN4 = 0x08,
};

/* Graphics controller (3CEh/3CFh) */
enum vga_gr {
    VGA_GR_SET_RESET, VGA_GR_ENABLE_SET_RESET, VGA_GR_COLOR_COMPARE, VGA_GR_DATA_ROTATE,
    VGA_GR_READ_MAP_SELECT, VGA_GR_MODE, VGA_GR_MISC, VGA_GR_COLOR_DONT_CARE,
    VGA_GR_BIT_MASK, VGA_GR_COUNT
};
enum {
    VGA_GR03_ROTATE = 0x07, VGA_GR03_FUNC_SHIFT = 3,
    VGA_GR05_WRITE_MODE = 0x03, VGA_GR05_READ_MODE = 0x08, VGA_GR05_HOST_OE = 0x10,
    VGA_GR05_SHIFT_INTERLEAVE = 0x20, VGA_GR05_SHIFT_256 = 0x40,
    VGA_GR06_GRAPHICS = 0x01, VGA_GR06_CHAIN_OE = 0x02, VGA_GR06_MAP_SHIFT = 2,
};

/* CRT controller (3B4h/3B5h or 3D4h/3D5h) */
enum vga_cr {
    VGA_CR_HTOTAL, VGA_CR_HDISP_END, VGA_CR_HBLANK_START, VGA_CR_HBLANK_END,
    VGA_CR_HRETRACE_START, VGA_CR_HRETRACE_END, VGA_CR_VTOTAL, VGA_CR_OVERFLOW,
    VGA_CR_PRESET_ROW_SCAN, VGA_CR_MAX_SCAN_LINE, VGA_CR_CURSOR_START, VGA_CR_CURSOR_END,
    VGA_CR_START_HI, VGA_CR_START_LO, VGA_CR_CURSOR_HI, VGA_CR_CURSOR_LO,
    VGA_CR_VRETRACE_START, VGA_CR_VRETRACE_END, VGA_CR_VDISP_END, VGA_CR_OFFSET,
    VGA_CR_UNDERLINE, VGA_CR_VBLANK_START, VGA_CR_VBLANK_END, VGA_CR_MODE,
    VGA_CR_LINE_COMPARE, VGA_CR_COUNT
};
enum {
    VGA_CR08_ROW_SCAN = 0x1F, VGA_CR08_BYTE_PAN_SHIFT = 5,
    VGA_CR09_MSL = 0x1F, VGA_CR09_LC9 = 0x40, VGA_CR09_SD = 0x80,
    VGA_CR0A_CD = 0x20, VGA_CR0B_SKEW_SHIFT = 5,
    /* vertical retrace end: low 4 bits of the line counter that end retrace */
    VGA_CR11_VRE = 0x0F, VGA_CR11_PROTECT = 0x80,
    VGA_CR14_UNDERLINE = 0x1F, VGA_CR14_CB4 = 0x20, VGA_CR14_DW = 0x40,
    /* CR17: 0 substitutes row scan bit 0 for address bit 13 (CGA), bit 1 for 14 */
    VGA_CR17_MAP13 = 0x01, VGA_CR17_MAP14 = 0x02, VGA_CR17_SLDIV = 0x04,
    VGA_CR17_CB2 = 0x08, VGA_CR17_AW = 0x20, VGA_CR17_WB = 0x40,
    /* CR07 overflow bits: CR07_LC8 stays writable under CR11_PROTECT */
    VGA_CR07_LC8 = 0x10,
};

/* Attribute controller (3C0h/3C1h) */
enum {
    VGA_AR_PALETTE_COUNT = 16, VGA_AR_MODE = 0x10, VGA_AR_OVERSCAN, VGA_AR_PLANE_ENABLE,
    VGA_AR_PEL_PAN, VGA_AR_COLOR_SELECT, VGA_AR_COUNT
};
enum {
    VGA_AR_INDEX = 0x1F, VGA_AR_PAS = 0x20,
    VGA_AR10_GRAPHICS = 0x01, VGA_AR10_MONO = 0x02, VGA_AR10_LGE = 0x04,
    VGA_AR10_BLINK = 0x08, VGA_AR10_PPM = 0x20, VGA_AR10_PCS8 = 0x40, VGA_AR10_P54S = 0x80,
};

/* Miscellaneous output (3C2h write, 3CCh read) and input status registers */
enum {
    VGA_MISC_IOS = 0x01, VGA_MISC_ERAM = 0x02, VGA_MISC_CS_SHIFT = 2,
    VGA_ST1_DD = 0x01, VGA_ST1_VR = 0x08,
};

/* Guest oddities logged once (LOG_UNIMP). */
enum vga_note {
    VGA_NOTE_SEQ_INDEX = 1u << 0, VGA_NOTE_GC_INDEX = 1u << 1, VGA_NOTE_CRTC_INDEX = 1u << 2,
    VGA_NOTE_ATTR_INDEX = 1u << 3, VGA_NOTE_CLOCK = 1u << 4, VGA_NOTE_PORT = 1u << 5,
    VGA_NOTE_PALETTE_PAS = 1u << 6,
};

struct vga {
    struct vclock *clk;
    struct log *log;
    /* display memory, plane-major: plane[p][offset] */
    uint8_t plane[VGA_PLANES][VGA_PLANE_SIZE];
    /* the four data latches, loaded by every CPU read of display memory */
    uint8_t latch[VGA_PLANES];

    uint8_t misc;
    uint8_t feature;
    /* 3C3h video subsystem enable */
    uint8_t enable;
    uint8_t seq_index;
    uint8_t seq[VGA_SR_COUNT];
    uint8_t gc_index;
    uint8_t gc[VGA_GR_COUNT];
    uint8_t crtc_index;
    uint8_t crtc[VGA_CR_COUNT];
    /* attribute index register: index (bits 0-4) and PAS (bit 5) */
    uint8_t attr_index;
    /* false: the next 3C0h write is an index, true: it is data */
    bool attr_flipflop;
    uint8_t attr[VGA_AR_COUNT];

    uint8_t dac_mask;
    uint8_t dac_read_index;
    uint8_t dac_write_index;
    /* 0-2: which of R, G, B the next 3C9h access reaches */
    uint8_t dac_step;
    /* 3C7h read value: 0 after a 3C8h write, 3 after a 3C7h write */
    uint8_t dac_state;
    uint8_t dac_latch[3];
    /* 6-bit R, G, B */
    uint8_t dac[VGA_DAC_ENTRIES][3];

    /* set by VRAM and register writes, cleared by vga_render */
    bool dirty;
    /* vga_render bookkeeping: renders so far and the blink phases last drawn */
    uint64_t render_count;
    uint8_t render_blink;
    /* enum vga_note bits already logged */
    uint32_t noted;
};

/* Display timing derived from the CRTC, the clocking mode and Misc Output. */
struct vga_timing {
    /* dots per second (after the clocking mode's divide by 2) */
    uint32_t dot_hz;
    /* dots per character clock: 8 or 9 */
    unsigned char_dots;
    /* character clocks per line: total and displayed */
    unsigned htotal, hdisp;
    /* scan lines per frame: total, displayed, first retrace line, retrace length */
    unsigned vtotal, vdisp, vretrace_start, vretrace_len;
};

/* vga.c */
void vga_timing_get(const struct vga *vga, struct vga_timing *t);
/* Frames begun since virtual time 0 with the current timing, at now_ns. */
uint64_t vga_frame_at(const struct vga *vga, uint64_t now_ns);
void vga_note(struct vga *vga, enum vga_note note, const char *what, unsigned value);

#endif
