/* Key names and scan codes: IBM PS/2 Technical Reference (keyboard scan code sets
 * 1 and 2), Microsoft "Keyboard Scan Code Specification" (Windows, Japanese and
 * media keys) and the 8042 translation table; names follow QEMU's QKeyCode. */
#include "keymap.h"

#include <strings.h>

/* Scan code bytes that are not key codes. */
enum {
    KEYMAP_E0 = 0xE0,
    KEYMAP_SET2_BREAK = 0xF0,
    KEYMAP_SET1_BREAK = 0x80,
};

struct keymap_entry {
    const char *name;
    /* make sequences, zero-terminated unless full */
    uint8_t set2[KEYMAP_SEQ_MAX];
    uint8_t set1[KEYMAP_SEQ_MAX];
    /* Pause: make only, never repeats */
    bool make_only;
};

static const struct keymap_entry keymap_table[KEY_COUNT] = {
    [KEY_ESC] = { "esc", { 0x76 }, { 0x01 } },
    [KEY_F1] = { "f1", { 0x05 }, { 0x3B } },
    [KEY_F2] = { "f2", { 0x06 }, { 0x3C } },
    [KEY_F3] = { "f3", { 0x04 }, { 0x3D } },
    [KEY_F4] = { "f4", { 0x0C }, { 0x3E } },
    [KEY_F5] = { "f5", { 0x03 }, { 0x3F } },
    [KEY_F6] = { "f6", { 0x0B }, { 0x40 } },
    [KEY_F7] = { "f7", { 0x83 }, { 0x41 } },
    [KEY_F8] = { "f8", { 0x0A }, { 0x42 } },
    [KEY_F9] = { "f9", { 0x01 }, { 0x43 } },
    [KEY_F10] = { "f10", { 0x09 }, { 0x44 } },
    [KEY_F11] = { "f11", { 0x78 }, { 0x57 } },
    [KEY_F12] = { "f12", { 0x07 }, { 0x58 } },
    /* PrintScreen sends a fake left shift before its code */
    [KEY_PRINT] = { "print", { 0xE0, 0x12, 0xE0, 0x7C }, { 0xE0, 0x2A, 0xE0, 0x37 } },
    [KEY_SCROLL_LOCK] = { "scroll_lock", { 0x7E }, { 0x46 } },
    /* Pause is Ctrl+NumLock behind E1, with its break sent right after the make */
    [KEY_PAUSE] = { "pause", { 0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77 },
                    { 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5 }, true },
    [KEY_GRAVE_ACCENT] = { "grave_accent", { 0x0E }, { 0x29 } },
    [KEY_1] = { "1", { 0x16 }, { 0x02 } },
    [KEY_2] = { "2", { 0x1E }, { 0x03 } },
    [KEY_3] = { "3", { 0x26 }, { 0x04 } },
    [KEY_4] = { "4", { 0x25 }, { 0x05 } },
    [KEY_5] = { "5", { 0x2E }, { 0x06 } },
    [KEY_6] = { "6", { 0x36 }, { 0x07 } },
    [KEY_7] = { "7", { 0x3D }, { 0x08 } },
    [KEY_8] = { "8", { 0x3E }, { 0x09 } },
    [KEY_9] = { "9", { 0x46 }, { 0x0A } },
    [KEY_0] = { "0", { 0x45 }, { 0x0B } },
    [KEY_MINUS] = { "minus", { 0x4E }, { 0x0C } },
    [KEY_EQUAL] = { "equal", { 0x55 }, { 0x0D } },
    [KEY_BACKSPACE] = { "backspace", { 0x66 }, { 0x0E } },
    [KEY_TAB] = { "tab", { 0x0D }, { 0x0F } },
    [KEY_Q] = { "q", { 0x15 }, { 0x10 } },
    [KEY_W] = { "w", { 0x1D }, { 0x11 } },
    [KEY_E] = { "e", { 0x24 }, { 0x12 } },
    [KEY_R] = { "r", { 0x2D }, { 0x13 } },
    [KEY_T] = { "t", { 0x2C }, { 0x14 } },
    [KEY_Y] = { "y", { 0x35 }, { 0x15 } },
    [KEY_U] = { "u", { 0x3C }, { 0x16 } },
    [KEY_I] = { "i", { 0x43 }, { 0x17 } },
    [KEY_O] = { "o", { 0x44 }, { 0x18 } },
    [KEY_P] = { "p", { 0x4D }, { 0x19 } },
    [KEY_BRACKET_LEFT] = { "bracket_left", { 0x54 }, { 0x1A } },
    [KEY_BRACKET_RIGHT] = { "bracket_right", { 0x5B }, { 0x1B } },
    [KEY_BACKSLASH] = { "backslash", { 0x5D }, { 0x2B } },
    [KEY_CAPS_LOCK] = { "caps_lock", { 0x58 }, { 0x3A } },
    [KEY_A] = { "a", { 0x1C }, { 0x1E } },
    [KEY_S] = { "s", { 0x1B }, { 0x1F } },
    [KEY_D] = { "d", { 0x23 }, { 0x20 } },
    [KEY_F] = { "f", { 0x2B }, { 0x21 } },
    [KEY_G] = { "g", { 0x34 }, { 0x22 } },
    [KEY_H] = { "h", { 0x33 }, { 0x23 } },
    [KEY_J] = { "j", { 0x3B }, { 0x24 } },
    [KEY_K] = { "k", { 0x42 }, { 0x25 } },
    [KEY_L] = { "l", { 0x4B }, { 0x26 } },
    [KEY_SEMICOLON] = { "semicolon", { 0x4C }, { 0x27 } },
    [KEY_APOSTROPHE] = { "apostrophe", { 0x52 }, { 0x28 } },
    [KEY_RET] = { "ret", { 0x5A }, { 0x1C } },
    [KEY_SHIFT] = { "shift", { 0x12 }, { 0x2A } },
    /* the 105th key, between left Shift and Z on ISO keyboards */
    [KEY_LESS] = { "less", { 0x61 }, { 0x56 } },
    [KEY_Z] = { "z", { 0x1A }, { 0x2C } },
    [KEY_X] = { "x", { 0x22 }, { 0x2D } },
    [KEY_C] = { "c", { 0x21 }, { 0x2E } },
    [KEY_V] = { "v", { 0x2A }, { 0x2F } },
    [KEY_B] = { "b", { 0x32 }, { 0x30 } },
    [KEY_N] = { "n", { 0x31 }, { 0x31 } },
    [KEY_M] = { "m", { 0x3A }, { 0x32 } },
    [KEY_COMMA] = { "comma", { 0x41 }, { 0x33 } },
    [KEY_DOT] = { "dot", { 0x49 }, { 0x34 } },
    [KEY_SLASH] = { "slash", { 0x4A }, { 0x35 } },
    [KEY_SHIFT_R] = { "shift_r", { 0x59 }, { 0x36 } },
    [KEY_CTRL] = { "ctrl", { 0x14 }, { 0x1D } },
    [KEY_META_L] = { "meta_l", { 0xE0, 0x1F }, { 0xE0, 0x5B } },
    [KEY_ALT] = { "alt", { 0x11 }, { 0x38 } },
    [KEY_SPC] = { "spc", { 0x29 }, { 0x39 } },
    [KEY_ALT_R] = { "alt_r", { 0xE0, 0x11 }, { 0xE0, 0x38 } },
    [KEY_META_R] = { "meta_r", { 0xE0, 0x27 }, { 0xE0, 0x5C } },
    [KEY_MENU] = { "menu", { 0xE0, 0x2F }, { 0xE0, 0x5D } },
    [KEY_CTRL_R] = { "ctrl_r", { 0xE0, 0x14 }, { 0xE0, 0x1D } },
    [KEY_INSERT] = { "insert", { 0xE0, 0x70 }, { 0xE0, 0x52 } },
    [KEY_HOME] = { "home", { 0xE0, 0x6C }, { 0xE0, 0x47 } },
    [KEY_PGUP] = { "pgup", { 0xE0, 0x7D }, { 0xE0, 0x49 } },
    [KEY_DELETE] = { "delete", { 0xE0, 0x71 }, { 0xE0, 0x53 } },
    [KEY_END] = { "end", { 0xE0, 0x69 }, { 0xE0, 0x4F } },
    [KEY_PGDN] = { "pgdn", { 0xE0, 0x7A }, { 0xE0, 0x51 } },
    [KEY_UP] = { "up", { 0xE0, 0x75 }, { 0xE0, 0x48 } },
    [KEY_LEFT] = { "left", { 0xE0, 0x6B }, { 0xE0, 0x4B } },
    [KEY_DOWN] = { "down", { 0xE0, 0x72 }, { 0xE0, 0x50 } },
    [KEY_RIGHT] = { "right", { 0xE0, 0x74 }, { 0xE0, 0x4D } },
    [KEY_NUM_LOCK] = { "num_lock", { 0x77 }, { 0x45 } },
    [KEY_KP_DIVIDE] = { "kp_divide", { 0xE0, 0x4A }, { 0xE0, 0x35 } },
    [KEY_KP_MULTIPLY] = { "kp_multiply", { 0x7C }, { 0x37 } },
    [KEY_KP_SUBTRACT] = { "kp_subtract", { 0x7B }, { 0x4A } },
    [KEY_KP_ADD] = { "kp_add", { 0x79 }, { 0x4E } },
    [KEY_KP_ENTER] = { "kp_enter", { 0xE0, 0x5A }, { 0xE0, 0x1C } },
    [KEY_KP_DECIMAL] = { "kp_decimal", { 0x71 }, { 0x53 } },
    [KEY_KP_0] = { "kp_0", { 0x70 }, { 0x52 } },
    [KEY_KP_1] = { "kp_1", { 0x69 }, { 0x4F } },
    [KEY_KP_2] = { "kp_2", { 0x72 }, { 0x50 } },
    [KEY_KP_3] = { "kp_3", { 0x7A }, { 0x51 } },
    [KEY_KP_4] = { "kp_4", { 0x6B }, { 0x4B } },
    [KEY_KP_5] = { "kp_5", { 0x73 }, { 0x4C } },
    [KEY_KP_6] = { "kp_6", { 0x74 }, { 0x4D } },
    [KEY_KP_7] = { "kp_7", { 0x6C }, { 0x47 } },
    [KEY_KP_8] = { "kp_8", { 0x75 }, { 0x48 } },
    [KEY_KP_9] = { "kp_9", { 0x7D }, { 0x49 } },
    /* what PrintScreen sends while Alt is held */
    [KEY_SYSRQ] = { "sysrq", { 0x84 }, { 0x54 } },
    [KEY_RO] = { "ro", { 0x51 }, { 0x73 } },
    [KEY_YEN] = { "yen", { 0x6A }, { 0x7D } },
    [KEY_HENKAN] = { "henkan", { 0x64 }, { 0x79 } },
    [KEY_MUHENKAN] = { "muhenkan", { 0x67 }, { 0x7B } },
    [KEY_KATAKANAHIRAGANA] = { "katakanahiragana", { 0x13 }, { 0x70 } },
    [KEY_AUDIONEXT] = { "audionext", { 0xE0, 0x4D }, { 0xE0, 0x19 } },
    [KEY_AUDIOPREV] = { "audioprev", { 0xE0, 0x15 }, { 0xE0, 0x10 } },
    [KEY_AUDIOSTOP] = { "audiostop", { 0xE0, 0x3B }, { 0xE0, 0x24 } },
    [KEY_AUDIOPLAY] = { "audioplay", { 0xE0, 0x34 }, { 0xE0, 0x22 } },
    [KEY_AUDIOMUTE] = { "audiomute", { 0xE0, 0x23 }, { 0xE0, 0x20 } },
    [KEY_VOLUMEUP] = { "volumeup", { 0xE0, 0x32 }, { 0xE0, 0x30 } },
    [KEY_VOLUMEDOWN] = { "volumedown", { 0xE0, 0x21 }, { 0xE0, 0x2E } },
    [KEY_POWER] = { "power", { 0xE0, 0x37 }, { 0xE0, 0x5E } },
    [KEY_SLEEP] = { "sleep", { 0xE0, 0x3F }, { 0xE0, 0x5F } },
    [KEY_WAKE] = { "wake", { 0xE0, 0x5E }, { 0xE0, 0x63 } },
};

/* Other names QEMU accepts for the same keys. */
static const struct {
    const char *name;
    enum key key;
} keymap_aliases[] = {
    { "asterisk", KEY_KP_MULTIPLY },
    { "altgr", KEY_ALT_R },
    { "compose", KEY_MENU },
};

/* The 8042 translation table (IBM PS/2 Technical Reference, keyboard controller):
 * each set 2 key code becomes the set 1 code of the same key; codes of no key
 * map to set 1 codes 54h-7Fh, and 85h-FFh (E0, E1, F0, FA, AA, ...) pass as is. */
static const uint8_t keymap_xlat[256] = {
    /* 00 */ 0xFF, 0x43, 0x41, 0x3F, 0x3D, 0x3B, 0x3C, 0x58,
    /* 08 */ 0x64, 0x44, 0x42, 0x40, 0x3E, 0x0F, 0x29, 0x59,
    /* 10 */ 0x65, 0x38, 0x2A, 0x70, 0x1D, 0x10, 0x02, 0x5A,
    /* 18 */ 0x66, 0x71, 0x2C, 0x1F, 0x1E, 0x11, 0x03, 0x5B,
    /* 20 */ 0x67, 0x2E, 0x2D, 0x20, 0x12, 0x05, 0x04, 0x5C,
    /* 28 */ 0x68, 0x39, 0x2F, 0x21, 0x14, 0x13, 0x06, 0x5D,
    /* 30 */ 0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5E,
    /* 38 */ 0x6A, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5F,
    /* 40 */ 0x6B, 0x33, 0x25, 0x17, 0x18, 0x0B, 0x0A, 0x60,
    /* 48 */ 0x6C, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0C, 0x61,
    /* 50 */ 0x6D, 0x73, 0x28, 0x74, 0x1A, 0x0D, 0x62, 0x6E,
    /* 58 */ 0x3A, 0x36, 0x1C, 0x1B, 0x75, 0x2B, 0x63, 0x76,
    /* 60 */ 0x55, 0x56, 0x77, 0x78, 0x79, 0x7A, 0x0E, 0x7B,
    /* 68 */ 0x7C, 0x4F, 0x7D, 0x4B, 0x47, 0x7E, 0x7F, 0x6F,
    /* 70 */ 0x52, 0x53, 0x50, 0x4C, 0x4D, 0x48, 0x01, 0x45,
    /* 78 */ 0x57, 0x4E, 0x51, 0x4A, 0x37, 0x49, 0x46, 0x54,
    /* 80 */ 0x80, 0x81, 0x82, 0x41, 0x54, 0x85, 0x86, 0x87,
    /* 88 */ 0x88, 0x89, 0x8A, 0x8B, 0x8C, 0x8D, 0x8E, 0x8F,
    /* 90 */ 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97,
    /* 98 */ 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F,
    /* A0 */ 0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7,
    /* A8 */ 0xA8, 0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF,
    /* B0 */ 0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7,
    /* B8 */ 0xB8, 0xB9, 0xBA, 0xBB, 0xBC, 0xBD, 0xBE, 0xBF,
    /* C0 */ 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7,
    /* C8 */ 0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF,
    /* D0 */ 0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7,
    /* D8 */ 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF,
    /* E0 */ 0xE0, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7,
    /* E8 */ 0xE8, 0xE9, 0xEA, 0xEB, 0xEC, 0xED, 0xEE, 0xEF,
    /* F0 */ 0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7,
    /* F8 */ 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF,
};

/* US layout: the unshifted and shifted character of each printable key. */
static const struct {
    char plain;
    char shifted;
    enum key key;
} keymap_chars[] = {
    { 'a', 'A', KEY_A }, { 'b', 'B', KEY_B }, { 'c', 'C', KEY_C }, { 'd', 'D', KEY_D },
    { 'e', 'E', KEY_E }, { 'f', 'F', KEY_F }, { 'g', 'G', KEY_G }, { 'h', 'H', KEY_H },
    { 'i', 'I', KEY_I }, { 'j', 'J', KEY_J }, { 'k', 'K', KEY_K }, { 'l', 'L', KEY_L },
    { 'm', 'M', KEY_M }, { 'n', 'N', KEY_N }, { 'o', 'O', KEY_O }, { 'p', 'P', KEY_P },
    { 'q', 'Q', KEY_Q }, { 'r', 'R', KEY_R }, { 's', 'S', KEY_S }, { 't', 'T', KEY_T },
    { 'u', 'U', KEY_U }, { 'v', 'V', KEY_V }, { 'w', 'W', KEY_W }, { 'x', 'X', KEY_X },
    { 'y', 'Y', KEY_Y }, { 'z', 'Z', KEY_Z },
    { '1', '!', KEY_1 }, { '2', '@', KEY_2 }, { '3', '#', KEY_3 }, { '4', '$', KEY_4 },
    { '5', '%', KEY_5 }, { '6', '^', KEY_6 }, { '7', '&', KEY_7 }, { '8', '*', KEY_8 },
    { '9', '(', KEY_9 }, { '0', ')', KEY_0 },
    { '-', '_', KEY_MINUS }, { '=', '+', KEY_EQUAL }, { '[', '{', KEY_BRACKET_LEFT },
    { ']', '}', KEY_BRACKET_RIGHT }, { '\\', '|', KEY_BACKSLASH },
    { ';', ':', KEY_SEMICOLON }, { '\'', '"', KEY_APOSTROPHE },
    { '`', '~', KEY_GRAVE_ACCENT }, { ',', '<', KEY_COMMA }, { '.', '>', KEY_DOT },
    { '/', '?', KEY_SLASH },
    { ' ', 0, KEY_SPC }, { '\n', 0, KEY_RET }, { '\r', 0, KEY_RET },
    { '\t', 0, KEY_TAB }, { '\b', 0, KEY_BACKSPACE }, { 0x1B, 0, KEY_ESC },
};

enum {
    KEYMAP_ALIAS_COUNT = sizeof(keymap_aliases) / sizeof(keymap_aliases[0]),
    KEYMAP_CHAR_COUNT = sizeof(keymap_chars) / sizeof(keymap_chars[0]),
};

static const struct keymap_entry *keymap_entry(enum key key)
{
    if (key <= KEY_NONE || key >= KEY_COUNT)
        return NULL;
    return &keymap_table[key];
}

const char *keymap_name(enum key key)
{
    const struct keymap_entry *e = keymap_entry(key);

    return e ? e->name : NULL;
}

enum key keymap_find(const char *name)
{
    for (unsigned k = KEY_NONE + 1; k < KEY_COUNT; k++) {
        if (strcasecmp(keymap_table[k].name, name) == 0)
            return (enum key)k;
    }
    for (unsigned i = 0; i < KEYMAP_ALIAS_COUNT; i++) {
        if (strcasecmp(keymap_aliases[i].name, name) == 0)
            return keymap_aliases[i].key;
    }
    return KEY_NONE;
}

enum key keymap_from_char(char c, bool *shift)
{
    *shift = false;
    if (c == 0)
        return KEY_NONE;
    for (unsigned i = 0; i < KEYMAP_CHAR_COUNT; i++) {
        if (keymap_chars[i].plain == c)
            return keymap_chars[i].key;
        if (keymap_chars[i].shifted == c) {
            *shift = true;
            return keymap_chars[i].key;
        }
    }
    return KEY_NONE;
}

static size_t keymap_seq_len(const uint8_t *seq)
{
    size_t n = 0;

    while (n < KEYMAP_SEQ_MAX && seq[n] != 0)
        n++;
    return n;
}

/* Break of a make sequence: its (E0-prefixed) codes released in reverse order,
 * each as F0 code in set 2 or as code|80h in set 1. */
static size_t keymap_break(const uint8_t *make, size_t len, unsigned set, uint8_t *out)
{
    size_t n = 0;
    size_t end = len;

    while (end > 0) {
        size_t start = end - 1;

        if (start > 0 && make[start - 1] == KEYMAP_E0)
            start--;
        if (start < end - 1)
            out[n++] = KEYMAP_E0;
        if (set == 2) {
            out[n++] = KEYMAP_SET2_BREAK;
            out[n++] = make[end - 1];
        } else {
            out[n++] = make[end - 1] | KEYMAP_SET1_BREAK;
        }
        end = start;
    }
    return n;
}

size_t keymap_sequence(enum key key, unsigned set, bool down, uint8_t *out)
{
    const struct keymap_entry *e = keymap_entry(key);
    const uint8_t *make;
    size_t len;

    if (!e || (set != 1 && set != 2))
        return 0;
    make = set == 2 ? e->set2 : e->set1;
    len = keymap_seq_len(make);
    if (!down)
        return e->make_only ? 0 : keymap_break(make, len, set, out);
    for (size_t i = 0; i < len; i++)
        out[i] = make[i];
    return len;
}

bool keymap_repeats(enum key key)
{
    const struct keymap_entry *e = keymap_entry(key);

    return e && !e->make_only;
}

uint8_t keymap_set2_to_set1(uint8_t code)
{
    return keymap_xlat[code];
}
