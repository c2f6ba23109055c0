/* The project's key naming: every key of a 104/105-key PC keyboard (plus keypad,
 * Japanese and media keys) with its QEMU `sendkey` name, its scan code set 2 and
 * set 1 make sequences, and the 8042's set 2 -> set 1 translation table. */
#ifndef TD_KEYMAP_H
#define TD_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Keys, named after QEMU's sendkey (QKeyCode) names: KEY_KP_ADD is "kp_add". */
enum key {
    KEY_NONE,
    KEY_ESC, KEY_F1, KEY_F2, KEY_F3, KEY_F4, KEY_F5, KEY_F6, KEY_F7, KEY_F8,
    KEY_F9, KEY_F10, KEY_F11, KEY_F12, KEY_PRINT, KEY_SCROLL_LOCK, KEY_PAUSE,
    KEY_GRAVE_ACCENT, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8,
    KEY_9, KEY_0, KEY_MINUS, KEY_EQUAL, KEY_BACKSPACE,
    KEY_TAB, KEY_Q, KEY_W, KEY_E, KEY_R, KEY_T, KEY_Y, KEY_U, KEY_I, KEY_O, KEY_P,
    KEY_BRACKET_LEFT, KEY_BRACKET_RIGHT, KEY_BACKSLASH,
    KEY_CAPS_LOCK, KEY_A, KEY_S, KEY_D, KEY_F, KEY_G, KEY_H, KEY_J, KEY_K, KEY_L,
    KEY_SEMICOLON, KEY_APOSTROPHE, KEY_RET,
    KEY_SHIFT, KEY_LESS, KEY_Z, KEY_X, KEY_C, KEY_V, KEY_B, KEY_N, KEY_M,
    KEY_COMMA, KEY_DOT, KEY_SLASH, KEY_SHIFT_R,
    KEY_CTRL, KEY_META_L, KEY_ALT, KEY_SPC, KEY_ALT_R, KEY_META_R, KEY_MENU, KEY_CTRL_R,
    KEY_INSERT, KEY_HOME, KEY_PGUP, KEY_DELETE, KEY_END, KEY_PGDN,
    KEY_UP, KEY_LEFT, KEY_DOWN, KEY_RIGHT,
    KEY_NUM_LOCK, KEY_KP_DIVIDE, KEY_KP_MULTIPLY, KEY_KP_SUBTRACT, KEY_KP_ADD,
    KEY_KP_ENTER, KEY_KP_DECIMAL, KEY_KP_0, KEY_KP_1, KEY_KP_2, KEY_KP_3, KEY_KP_4,
    KEY_KP_5, KEY_KP_6, KEY_KP_7, KEY_KP_8, KEY_KP_9,
    KEY_SYSRQ,
    KEY_RO, KEY_YEN, KEY_HENKAN, KEY_MUHENKAN, KEY_KATAKANAHIRAGANA,
    KEY_AUDIONEXT, KEY_AUDIOPREV, KEY_AUDIOSTOP, KEY_AUDIOPLAY, KEY_AUDIOMUTE,
    KEY_VOLUMEUP, KEY_VOLUMEDOWN, KEY_POWER, KEY_SLEEP, KEY_WAKE,
    KEY_COUNT
};

/* Longest make or break sequence of any key, in bytes (Pause in set 2: 8). */
enum { KEYMAP_SEQ_MAX = 8 };

/* QEMU sendkey name of key ("kp_add"), or NULL for KEY_NONE / out of range. */
const char *keymap_name(enum key key);

/* The key named name (QEMU sendkey names, case-insensitive; also the aliases
 * "asterisk", "altgr", "compose"), or KEY_NONE. */
enum key keymap_find(const char *name);

/* The key that types c on a US layout, with *shift set when Shift must be held
 * ('A' -> KEY_A with shift, '\n' -> KEY_RET, ':' -> KEY_SEMICOLON with shift).
 * KEY_NONE for characters no key types. */
enum key keymap_from_char(char c, bool *shift);

/* Make (down) or break (up) sequence of key in scan code set 1 or 2 into out
 * (KEYMAP_SEQ_MAX bytes). Returns its length; 0 for an unknown key or set, and
 * for the break of Pause, which has none. */
size_t keymap_sequence(enum key key, unsigned set, bool down, uint8_t *out);

/* Whether holding key repeats it (every key except Pause). */
bool keymap_repeats(enum key key);

/* The 8042's translation of one set 2 byte to set 1 (all 256 codes, as the
 * hardware table does). The F0 break prefix is handled by the caller: it is
 * swallowed and the next translated byte gets bit 7 set. */
uint8_t keymap_set2_to_set1(uint8_t code);

#endif
