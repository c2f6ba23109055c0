/* Terminal characters and decoded keys to US-layout PC key chords
 * (term_keys.h). Control codes follow ASCII: Ctrl+letter is the letter's
 * code AND 1Fh (ECMA-48 / ANSI X3.4). */
#include "term_keys.h"

static const enum key special_keys[TERM_KEY_COUNT] = {
    [TERM_KEY_UP] = KEY_UP, [TERM_KEY_DOWN] = KEY_DOWN,
    [TERM_KEY_LEFT] = KEY_LEFT, [TERM_KEY_RIGHT] = KEY_RIGHT,
    [TERM_KEY_HOME] = KEY_HOME, [TERM_KEY_END] = KEY_END,
    [TERM_KEY_PGUP] = KEY_PGUP, [TERM_KEY_PGDN] = KEY_PGDN,
    [TERM_KEY_INSERT] = KEY_INSERT, [TERM_KEY_DELETE] = KEY_DELETE,
    [TERM_KEY_BACKSPACE] = KEY_BACKSPACE, [TERM_KEY_ENTER] = KEY_RET,
    [TERM_KEY_BACKTAB] = KEY_TAB,
    [TERM_KEY_F1] = KEY_F1, [TERM_KEY_F2] = KEY_F2, [TERM_KEY_F3] = KEY_F3,
    [TERM_KEY_F4] = KEY_F4, [TERM_KEY_F5] = KEY_F5, [TERM_KEY_F6] = KEY_F6,
    [TERM_KEY_F7] = KEY_F7, [TERM_KEY_F8] = KEY_F8, [TERM_KEY_F9] = KEY_F9,
    [TERM_KEY_F10] = KEY_F10, [TERM_KEY_F11] = KEY_F11, [TERM_KEY_F12] = KEY_F12,
};

/* Control codes that are keys of their own rather than Ctrl+something. */
static const enum key control_keys[32] = {
    ['\b'] = KEY_BACKSPACE, ['\t'] = KEY_TAB, ['\n'] = KEY_RET, ['\r'] = KEY_RET,
    [0x1B] = KEY_ESC,
};

static void add(struct term_chord *out, enum key key)
{
    out->keys[out->n++] = key;
}

/* Ctrl plus the character whose code AND 1Fh is c: 00h is Ctrl+@ (Shift+2),
 * 01h-1Ah Ctrl+A..Z, 1Ch-1Fh Ctrl+\ ] ^ _. */
static bool control_chord(unsigned char c, struct term_chord *out)
{
    static const char base[32] = "@abcdefghijklmnopqrstuvwxyz[\\]^_";
    bool shift;
    enum key key = keymap_from_char(base[c], &shift);

    if (key == KEY_NONE)
        return false;
    add(out, KEY_CTRL);
    if (shift)
        add(out, KEY_SHIFT);
    add(out, key);
    return true;
}

/* The key (and Shift) that types c by itself; KEY_NONE for Ctrl chords. */
static enum key plain_key(unsigned char c, bool *shift)
{
    *shift = false;
    if (c < 0x20)
        return control_keys[c];
    if (c == 0x7F)
        return KEY_BACKSPACE;
    if (c >= 0x80)
        return KEY_NONE;
    return keymap_from_char((char)c, shift);
}

bool term_keys_char(unsigned char c, bool alt, struct term_chord *out)
{
    bool shift;
    enum key key = plain_key(c, &shift);

    out->n = 0;
    if (alt)
        add(out, KEY_ALT);
    if (key == KEY_NONE)
        return c < 0x20 && control_chord(c, out);
    if (shift)
        add(out, KEY_SHIFT);
    add(out, key);
    return true;
}

bool term_keys_special(enum term_key k, bool alt, struct term_chord *out)
{
    out->n = 0;
    if ((unsigned)k >= TERM_KEY_COUNT)
        return false;
    if (alt)
        add(out, KEY_ALT);
    if (k == TERM_KEY_BACKTAB)
        add(out, KEY_SHIFT);
    add(out, special_keys[k]);
    return true;
}
