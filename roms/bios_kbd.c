/* Keyboard: INT 09h (IRQ 1: scan code set 1 -> shift states and the key buffer
 * at 40:1Eh), INT 16h (read, peek, shift states, typematic, store key) and the
 * POST's controller set-up. IBM PC/AT technical reference "Keyboard"; RBIL
 * INT 16h and the BIOS data area (40:17h, 40:18h, 40:96h). The US layout
 * tables below are the project's own transcription of the IBM key codes. */
#include "bios_internal.h"
#include "i8042.h"
#include "ps2kbd.h"

/* 40:17h */
enum {
    KF_RSHIFT = 0x01, KF_LSHIFT = 0x02, KF_CTRL = 0x04, KF_ALT = 0x08,
    KF_SCROLL = 0x10, KF_NUM = 0x20, KF_CAPS = 0x40, KF_INSERT = 0x80,
};
/* 40:18h: keys held */
enum {
    KF1_LCTRL = 0x01, KF1_LALT = 0x02, KF1_SYSRQ = 0x04, KF1_PAUSE = 0x08,
    KF1_SCROLL = 0x10, KF1_NUM = 0x20, KF1_CAPS = 0x40, KF1_INSERT = 0x80,
};
/* 40:96h */
enum {
    KF3_E1 = 0x01, KF3_E0 = 0x02, KF3_RCTRL = 0x04, KF3_RALT = 0x08, KF3_101 = 0x10,
};

/* Scan code set 1 make codes of the keys with a meaning of their own. */
enum {
    SC_ESC = 0x01, SC_CTRL = 0x1D, SC_LSHIFT = 0x2A, SC_RSHIFT = 0x36, SC_ALT = 0x38,
    SC_CAPS = 0x3A, SC_NUM = 0x45, SC_SCROLL = 0x46, SC_KP7 = 0x47, SC_KP_DEL = 0x53,
    SC_INSERT = 0x52, SC_SYSRQ = 0x54, SC_MAX = 0x58,
};

/* Key words (scan << 8 | character) for normal, Shift, Ctrl and Alt. 0: none. */
struct key_codes {
    uint16_t normal, shift, ctrl, alt;
};

static const struct key_codes keys[SC_MAX + 1] = {
    [0x01] = {0x011B, 0x011B, 0x011B, 0x0100},
    [0x02] = {0x0231, 0x0221, 0, 0x7800}, [0x03] = {0x0332, 0x0340, 0x0300, 0x7900},
    [0x04] = {0x0433, 0x0423, 0, 0x7A00}, [0x05] = {0x0534, 0x0524, 0, 0x7B00},
    [0x06] = {0x0635, 0x0625, 0, 0x7C00}, [0x07] = {0x0736, 0x075E, 0x071E, 0x7D00},
    [0x08] = {0x0837, 0x0826, 0, 0x7E00}, [0x09] = {0x0938, 0x092A, 0, 0x7F00},
    [0x0A] = {0x0A39, 0x0A28, 0, 0x8000}, [0x0B] = {0x0B30, 0x0B29, 0, 0x8100},
    [0x0C] = {0x0C2D, 0x0C5F, 0x0C1F, 0x8200}, [0x0D] = {0x0D3D, 0x0D2B, 0, 0x8300},
    [0x0E] = {0x0E08, 0x0E08, 0x0E7F, 0x0E00}, [0x0F] = {0x0F09, 0x0F00, 0x9400, 0xA500},
    [0x10] = {0x1071, 0x1051, 0x1011, 0x1000}, [0x11] = {0x1177, 0x1157, 0x1117, 0x1100},
    [0x12] = {0x1265, 0x1245, 0x1205, 0x1200}, [0x13] = {0x1372, 0x1352, 0x1312, 0x1300},
    [0x14] = {0x1474, 0x1454, 0x1414, 0x1400}, [0x15] = {0x1579, 0x1559, 0x1519, 0x1500},
    [0x16] = {0x1675, 0x1655, 0x1615, 0x1600}, [0x17] = {0x1769, 0x1749, 0x1709, 0x1700},
    [0x18] = {0x186F, 0x184F, 0x180F, 0x1800}, [0x19] = {0x1970, 0x1950, 0x1910, 0x1900},
    [0x1A] = {0x1A5B, 0x1A7B, 0x1A1B, 0x1A00}, [0x1B] = {0x1B5D, 0x1B7D, 0x1B1D, 0x1B00},
    [0x1C] = {0x1C0D, 0x1C0D, 0x1C0A, 0x1C00},
    [0x1E] = {0x1E61, 0x1E41, 0x1E01, 0x1E00}, [0x1F] = {0x1F73, 0x1F53, 0x1F13, 0x1F00},
    [0x20] = {0x2064, 0x2044, 0x2004, 0x2000}, [0x21] = {0x2166, 0x2146, 0x2106, 0x2100},
    [0x22] = {0x2267, 0x2247, 0x2207, 0x2200}, [0x23] = {0x2368, 0x2348, 0x2308, 0x2300},
    [0x24] = {0x246A, 0x244A, 0x240A, 0x2400}, [0x25] = {0x256B, 0x254B, 0x250B, 0x2500},
    [0x26] = {0x266C, 0x264C, 0x260C, 0x2600}, [0x27] = {0x273B, 0x273A, 0, 0x2700},
    [0x28] = {0x2827, 0x2822, 0, 0x2800}, [0x29] = {0x2960, 0x297E, 0, 0x2900},
    [0x2B] = {0x2B5C, 0x2B7C, 0x2B1C, 0x2B00},
    [0x2C] = {0x2C7A, 0x2C5A, 0x2C1A, 0x2C00}, [0x2D] = {0x2D78, 0x2D58, 0x2D18, 0x2D00},
    [0x2E] = {0x2E63, 0x2E43, 0x2E03, 0x2E00}, [0x2F] = {0x2F76, 0x2F56, 0x2F16, 0x2F00},
    [0x30] = {0x3062, 0x3042, 0x3002, 0x3000}, [0x31] = {0x316E, 0x314E, 0x310E, 0x3100},
    [0x32] = {0x326D, 0x324D, 0x320D, 0x3200}, [0x33] = {0x332C, 0x333C, 0, 0x3300},
    [0x34] = {0x342E, 0x343E, 0, 0x3400}, [0x35] = {0x352F, 0x353F, 0, 0x3500},
    [0x37] = {0x372A, 0x372A, 0x9600, 0x3700}, [0x39] = {0x3920, 0x3920, 0x3920, 0x3920},
    [0x3B] = {0x3B00, 0x5400, 0x5E00, 0x6800}, [0x3C] = {0x3C00, 0x5500, 0x5F00, 0x6900},
    [0x3D] = {0x3D00, 0x5600, 0x6000, 0x6A00}, [0x3E] = {0x3E00, 0x5700, 0x6100, 0x6B00},
    [0x3F] = {0x3F00, 0x5800, 0x6200, 0x6C00}, [0x40] = {0x4000, 0x5900, 0x6300, 0x6D00},
    [0x41] = {0x4100, 0x5A00, 0x6400, 0x6E00}, [0x42] = {0x4200, 0x5B00, 0x6500, 0x6F00},
    [0x43] = {0x4300, 0x5C00, 0x6600, 0x7000}, [0x44] = {0x4400, 0x5D00, 0x6700, 0x7100},
    /* keypad: "shift" is the digit (Num Lock XOR Shift), normal the cursor key */
    [0x47] = {0x4700, 0x4737, 0x7700, 0}, [0x48] = {0x4800, 0x4838, 0x8D00, 0},
    [0x49] = {0x4900, 0x4939, 0x8400, 0}, [0x4A] = {0x4A2D, 0x4A2D, 0x8E00, 0x4A00},
    [0x4B] = {0x4B00, 0x4B34, 0x7300, 0}, [0x4C] = {0x4C00, 0x4C35, 0x8F00, 0},
    [0x4D] = {0x4D00, 0x4D36, 0x7400, 0}, [0x4E] = {0x4E2B, 0x4E2B, 0x9000, 0x4E00},
    [0x4F] = {0x4F00, 0x4F31, 0x7500, 0}, [0x50] = {0x5000, 0x5032, 0x9100, 0},
    [0x51] = {0x5100, 0x5133, 0x7600, 0}, [0x52] = {0x5200, 0x5230, 0x9200, 0},
    [0x53] = {0x5300, 0x532E, 0x9300, 0},
    [0x56] = {0x565C, 0x567C, 0, 0},
    [0x57] = {0x8500, 0x8700, 0x8900, 0x8B00}, [0x58] = {0x8600, 0x8800, 0x8A00, 0x8C00},
};

/* Keys after an E0 prefix: the grey cursor block and the keypad's / and Enter. */
static const struct key_codes e0_keys[SC_MAX + 1] = {
    [0x1C] = {0xE00D, 0xE00D, 0xE00A, 0xA600}, [0x35] = {0xE02F, 0xE02F, 0x9500, 0xA400},
    [0x47] = {0x47E0, 0x47E0, 0x77E0, 0x9700}, [0x48] = {0x48E0, 0x48E0, 0x8DE0, 0x9800},
    [0x49] = {0x49E0, 0x49E0, 0x84E0, 0x9900}, [0x4B] = {0x4BE0, 0x4BE0, 0x73E0, 0x9B00},
    [0x4D] = {0x4DE0, 0x4DE0, 0x74E0, 0x9D00}, [0x4F] = {0x4FE0, 0x4FE0, 0x75E0, 0x9F00},
    [0x50] = {0x50E0, 0x50E0, 0x91E0, 0xA000}, [0x51] = {0x51E0, 0x51E0, 0x76E0, 0xA100},
    [0x52] = {0x52E0, 0x52E0, 0x92E0, 0xA200}, [0x53] = {0x53E0, 0x53E0, 0x93E0, 0xA300},
};

/* ---------------------------------------------------------------- buffer */

static uint8_t bda8(struct bios *b, uint16_t off)
{
    return bios_rd8(b, BDA_SEG, off);
}

static void set_bda8(struct bios *b, uint16_t off, uint8_t v)
{
    bios_wr8(b, BDA_SEG, off, v);
}

static uint16_t buf_next(struct bios *b, uint16_t ptr)
{
    ptr = (uint16_t)(ptr + 2);
    return ptr >= bios_rd16(b, BDA_SEG, BDA_KBD_END) ? bios_rd16(b, BDA_SEG, BDA_KBD_START)
                                                      : ptr;
}

/* Append a key word; false when the buffer is full. */
static bool buf_put(struct bios *b, uint16_t key)
{
    uint16_t tail = bios_rd16(b, BDA_SEG, BDA_KBD_TAIL), next = buf_next(b, tail);

    if (next == bios_rd16(b, BDA_SEG, BDA_KBD_HEAD))
        return false;
    bios_wr16(b, BDA_SEG, tail, key);
    bios_wr16(b, BDA_SEG, BDA_KBD_TAIL, next);
    return true;
}

static bool buf_empty(struct bios *b)
{
    return bios_rd16(b, BDA_SEG, BDA_KBD_HEAD) == bios_rd16(b, BDA_SEG, BDA_KBD_TAIL);
}

static uint16_t buf_peek(struct bios *b)
{
    return bios_rd16(b, BDA_SEG, bios_rd16(b, BDA_SEG, BDA_KBD_HEAD));
}

static void buf_drop(struct bios *b)
{
    bios_wr16(b, BDA_SEG, BDA_KBD_HEAD, buf_next(b, bios_rd16(b, BDA_SEG, BDA_KBD_HEAD)));
}

/* ---------------------------------------------------------------- INT 09h */

/* Shift-type keys: which bit of 40:17h (toggle for locks) and 40:18h/40:96h. */
static bool shift_key(struct bios *b, uint8_t code, bool e0, bool up)
{
    uint8_t f0 = bda8(b, BDA_KBD_FLAGS0), f1 = bda8(b, BDA_KBD_FLAGS1);
    uint8_t f3 = bda8(b, BDA_KBD_FLAGS3);

    switch (code) {
    case SC_LSHIFT:
    case SC_RSHIFT: {
        if (e0)
            return true; /* the E0 2A "fake shift" of the grey keys */
        uint8_t bit = code == SC_LSHIFT ? KF_LSHIFT : KF_RSHIFT;
        f0 = up ? (uint8_t)(f0 & ~bit) : (uint8_t)(f0 | bit);
        break;
    }
    case SC_CTRL:
    case SC_ALT: {
        uint8_t side = code == SC_CTRL ? (e0 ? KF3_RCTRL : KF1_LCTRL) : (e0 ? KF3_RALT : KF1_LALT);
        uint8_t *held = e0 ? &f3 : &f1;
        *held = up ? (uint8_t)(*held & ~side) : (uint8_t)(*held | side);
        bool any = code == SC_CTRL ? (f1 & KF1_LCTRL) || (f3 & KF3_RCTRL)
                                   : (f1 & KF1_LALT) || (f3 & KF3_RALT);
        uint8_t bit = code == SC_CTRL ? KF_CTRL : KF_ALT;
        f0 = any ? (uint8_t)(f0 | bit) : (uint8_t)(f0 & ~bit);
        break;
    }
    case SC_CAPS:
    case SC_NUM:
    case SC_SCROLL: {
        if (e0 || (code == SC_NUM && (f0 & KF_CTRL)) || (code == SC_SCROLL && (f0 & KF_CTRL)))
            return false; /* Ctrl-NumLock is Pause, Ctrl-ScrollLock Break */
        uint8_t held = code == SC_CAPS ? KF1_CAPS : code == SC_NUM ? KF1_NUM : KF1_SCROLL;
        uint8_t lock = code == SC_CAPS ? KF_CAPS : code == SC_NUM ? KF_NUM : KF_SCROLL;
        if (!up && !(f1 & held))
            f0 ^= lock;
        f1 = up ? (uint8_t)(f1 & ~held) : (uint8_t)(f1 | held);
        break;
    }
    default:
        return false;
    }
    set_bda8(b, BDA_KBD_FLAGS0, f0);
    set_bda8(b, BDA_KBD_FLAGS1, f1);
    set_bda8(b, BDA_KBD_FLAGS3, f3);
    return true;
}

/* Alt released after digits typed on the keypad: the character they name. */
static void alt_released(struct bios *b)
{
    uint8_t value = bda8(b, BDA_ALT_KEYPAD);
    if (value) {
        (void)buf_put(b, value);
        set_bda8(b, BDA_ALT_KEYPAD, 0);
    }
}

static bool is_letter(uint16_t word)
{
    uint8_t c = (uint8_t)word;
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_keypad(uint8_t code)
{
    return code >= SC_KP7 && code <= SC_KP_DEL && code != 0x4A && code != 0x4E;
}

static uint16_t translate(struct bios *b, uint8_t code, bool e0)
{
    const struct key_codes *k = e0 ? &e0_keys[code] : &keys[code];
    uint8_t f0 = bda8(b, BDA_KBD_FLAGS0);
    bool shift = f0 & (KF_LSHIFT | KF_RSHIFT);

    if (f0 & KF_ALT)
        return k->alt;
    if (f0 & KF_CTRL)
        return k->ctrl;
    if (!e0 && is_keypad(code))
        shift = shift != ((f0 & KF_NUM) != 0);
    else if ((f0 & KF_CAPS) && is_letter(k->normal))
        shift = !shift;
    return shift ? k->shift : k->normal;
}

/* Ctrl-Alt-Del: the warm-boot flag and a reset through the keyboard
 * controller's output port. */
static void ctrl_alt_del(struct bios *b)
{
    bios_wr16(b, BDA_SEG, BDA_RESET_FLAG, 0x1234);
    bios_out8(b, I8042_STATUS_PORT, I8042_CMD_PULSE | 0x0E);
}

/* Ctrl-Break: empty the buffer, store a null key and set the break flag. INT 1Bh
 * is called only in real mode (not from a v86 monitor's reflected IRQ). */
static void ctrl_break(struct bios *b)
{
    bios_wr16(b, BDA_SEG, BDA_KBD_TAIL, bios_rd16(b, BDA_SEG, BDA_KBD_HEAD));
    (void)buf_put(b, 0);
    set_bda8(b, BDA_BREAK, 0x80);
    if (!(b->cpu->cr[0] & CR0_PE))
        cpu_deliver_interrupt(b->cpu, 0x1B, -1, b->cpu->eip);
}

static bool special_key(struct bios *b, uint8_t code, bool e0)
{
    uint8_t f0 = bda8(b, BDA_KBD_FLAGS0);

    if (code == SC_KP_DEL && (f0 & KF_CTRL) && (f0 & KF_ALT)) {
        ctrl_alt_del(b);
        return true;
    }
    if (code == SC_SCROLL && (e0 || (f0 & KF_CTRL))) {
        ctrl_break(b);
        return true;
    }
    if (code == SC_INSERT && !(f0 & (KF_ALT | KF_CTRL))) {
        uint8_t f1 = bda8(b, BDA_KBD_FLAGS1);
        if (!(f1 & KF1_INSERT))
            set_bda8(b, BDA_KBD_FLAGS0, f0 ^ KF_INSERT);
        set_bda8(b, BDA_KBD_FLAGS1, f1 | KF1_INSERT);
    }
    if (!e0 && (f0 & KF_ALT) && is_keypad(code) && (keys[code].shift & 0xFF) >= '0' &&
        (keys[code].shift & 0xFF) <= '9' && code != SC_KP_DEL) {
        uint8_t v = bda8(b, BDA_ALT_KEYPAD);
        set_bda8(b, BDA_ALT_KEYPAD, (uint8_t)(v * 10 + ((keys[code].shift & 0xFF) - '0')));
        return true;
    }
    return false;
}

static void key_event(struct bios *b, uint8_t scan, bool e0)
{
    uint8_t code = scan & 0x7F;
    bool up = scan & 0x80;

    if (shift_key(b, code, e0, up)) {
        if (up && code == SC_ALT)
            alt_released(b);
        return;
    }
    if (up) {
        if (code == SC_INSERT)
            set_bda8(b, BDA_KBD_FLAGS1, bda8(b, BDA_KBD_FLAGS1) & ~KF1_INSERT);
        return;
    }
    if (code > SC_MAX || special_key(b, code, e0))
        return;
    uint16_t word = translate(b, code, e0);
    if (word)
        (void)buf_put(b, word);
}

/* IRQ 1 with AL = the scan code (set 1, translated by the 8042). */
void bios_int09(struct bios *b)
{
    uint8_t scan = bios_lo(b, R_EAX), f3 = bda8(b, BDA_KBD_FLAGS3);

    if (scan == 0xE0 || scan == 0xE1) {
        set_bda8(b, BDA_KBD_FLAGS3, (uint8_t)((f3 & ~(KF3_E0 | KF3_E1)) |
                                              (scan == 0xE0 ? KF3_E0 : KF3_E1)));
        return;
    }
    set_bda8(b, BDA_KBD_FLAGS3, f3 & ~(KF3_E0 | KF3_E1));
    /* keyboard replies (ACK, resend, overrun) and the E1 Pause sequence; the
     * BAT code AAh is also left Shift's break code and goes on as such */
    if (scan == PS2KBD_ACK || scan == PS2KBD_RESEND || scan == 0x00 || scan == 0xFF ||
        (f3 & KF3_E1))
        return;
    key_event(b, scan, f3 & KF3_E0);
}

/* ---------------------------------------------------------------- INT 16h */

/* The conventional functions (00h, 01h) hide the enhanced keyboard: grey keys
 * look like the keypad's, and keys the 83-key keyboard lacks are dropped. */
static bool conventional(uint16_t *key)
{
    uint8_t scan = (uint8_t)(*key >> 8), c = (uint8_t)*key;

    if (scan == 0xE0)
        *key = c == 0x2F ? 0x352F : (uint16_t)(0x1C00 | c);
    else if (c == 0xE0 && scan)
        *key = (uint16_t)(scan << 8);
    return (*key >> 8) <= 0x84 || *key == 0;
}

static bool next_key(struct bios *b, bool enhanced, uint16_t *key)
{
    while (!buf_empty(b)) {
        *key = buf_peek(b);
        if (enhanced || conventional(key))
            return true;
        buf_drop(b);
    }
    return false;
}

static void kbd_read(struct bios *b, bool enhanced)
{
    uint16_t key;

    if (!next_key(b, enhanced, &key)) {
        bios_wait(b);
        return;
    }
    buf_drop(b);
    bios_set_reg16(b, R_EAX, key);
}

static void kbd_peek(struct bios *b, bool enhanced)
{
    uint16_t key;
    bool have = next_key(b, enhanced, &key);

    if (have)
        bios_set_reg16(b, R_EAX, key);
    bios_set_zf(b, !have);
}

static void kbd_shift_flags(struct bios *b, bool enhanced)
{
    uint8_t f1 = bda8(b, BDA_KBD_FLAGS1), f3 = bda8(b, BDA_KBD_FLAGS3);

    bios_set_lo(b, R_EAX, bda8(b, BDA_KBD_FLAGS0));
    if (enhanced)
        bios_set_hi(b, R_EAX, (uint8_t)((f1 & (KF1_LCTRL | KF1_LALT)) |
                                        (f3 & (KF3_RCTRL | KF3_RALT)) |
                                        (f1 & (KF1_SCROLL | KF1_NUM | KF1_CAPS)) |
                                        (f1 & KF1_SYSRQ ? 0x80 : 0)));
}

/* AH=03h AL=05h: typematic delay BH (0-3) and rate BL (0-1Fh), sent to the
 * keyboard; its ACKs arrive through IRQ 1 and are ignored there. */
static void kbd_typematic(struct bios *b)
{
    uint8_t al = bios_lo(b, R_EAX);
    uint8_t value = al == 0x05 ? (uint8_t)((bios_hi(b, R_EBX) & 3) << 5 | (bios_lo(b, R_EBX) & 0x1F))
                               : 0x2B;

    if (al != 0x05 && al != 0x00) {
        bios_unsupported(b, 0x16);
        return;
    }
    bios_out8(b, I8042_DATA_PORT, PS2KBD_CMD_TYPEMATIC);
    bios_out8(b, I8042_DATA_PORT, value);
}

void bios_int16(struct bios *b)
{
    uint8_t ah = bios_hi(b, R_EAX);

    switch (ah) {
    case 0x00:
    case 0x10:
        kbd_read(b, ah == 0x10);
        break;
    case 0x01:
    case 0x11:
        kbd_peek(b, ah == 0x11);
        break;
    case 0x02:
    case 0x12:
        kbd_shift_flags(b, ah == 0x12);
        break;
    case 0x03:
        kbd_typematic(b);
        break;
    case 0x05:
        bios_set_lo(b, R_EAX, buf_put(b, bios_reg16(b, R_ECX)) ? 0 : 1);
        break;
    case 0x09:
        /* AX=0305h, 0Ah and 10h-12h supported */
        bios_set_lo(b, R_EAX, 0x34);
        break;
    case 0x0A:
        bios_set_reg16(b, R_EBX, (uint16_t)(PS2KBD_ID1 << 8 | PS2KBD_ID0));
        break;
    default:
        bios_unsupported(b, 0x16);
    }
}

/* ---------------------------------------------------------------- POST */

/* Wait (bounded: the controller answers at once) for a byte at port 60h. */
static bool kbc_read(struct bios *b, uint8_t *byte)
{
    for (int i = 0; i < 64; i++) {
        if (bios_in8(b, I8042_STATUS_PORT) & I8042_STR_OBF) {
            *byte = bios_in8(b, I8042_DATA_PORT);
            return true;
        }
    }
    return false;
}

static void kbc_flush(struct bios *b)
{
    uint8_t byte;
    while (kbc_read(b, &byte))
        ;
}

static void kbc_command(struct bios *b, uint8_t cmd, int data)
{
    bios_out8(b, I8042_STATUS_PORT, cmd);
    if (data >= 0)
        bios_out8(b, I8042_DATA_PORT, (uint8_t)data);
}

void bios_kbd_post(struct bios *b)
{
    uint8_t byte = 0;

    kbc_flush(b);
    kbc_command(b, I8042_CMD_SELF_TEST, -1);
    if (!kbc_read(b, &byte) || byte != I8042_SELF_TEST_OK)
        log_printf(b->cfg.log, LOG_UNIMP, "bios: keyboard controller self test failed\n");
    /* interrupts off while the keyboard resets, translation on */
    kbc_command(b, I8042_CMD_WRITE_RAM, I8042_CB_XLAT | I8042_CB_SYS | I8042_CB_AUX_DISABLE);
    kbc_command(b, I8042_CMD_KBD_ENABLE, -1);
    bios_out8(b, I8042_DATA_PORT, PS2KBD_CMD_RESET);
    kbc_flush(b);
    kbc_command(b, I8042_CMD_WRITE_RAM,
                I8042_CB_XLAT | I8042_CB_SYS | I8042_CB_AUX_DISABLE | I8042_CB_KBD_INT);
    bios_wr16(b, BDA_SEG, BDA_KBD_START, BDA_KBD_BUF);
    bios_wr16(b, BDA_SEG, BDA_KBD_END, BDA_KBD_BUF + 32);
    bios_wr16(b, BDA_SEG, BDA_KBD_HEAD, BDA_KBD_BUF);
    bios_wr16(b, BDA_SEG, BDA_KBD_TAIL, BDA_KBD_BUF);
    set_bda8(b, BDA_KBD_FLAGS3, KF3_101);
}
