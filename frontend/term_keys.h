/* Terminal input as PC key chords: a terminal sends characters (Ctrl+C is 03h,
 * Alt+x is ESC x) and decoded special keys, never key ups; each becomes the
 * keys a US-layout PC keyboard needs to type it. */
#ifndef TD_TERM_KEYS_H
#define TD_TERM_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "keymap.h"

/* Keys a terminal library decodes from escape sequences. */
enum term_key {
    TERM_KEY_UP, TERM_KEY_DOWN, TERM_KEY_LEFT, TERM_KEY_RIGHT,
    TERM_KEY_HOME, TERM_KEY_END, TERM_KEY_PGUP, TERM_KEY_PGDN,
    TERM_KEY_INSERT, TERM_KEY_DELETE, TERM_KEY_BACKSPACE, TERM_KEY_ENTER,
    /* Shift+Tab */
    TERM_KEY_BACKTAB,
    TERM_KEY_F1, TERM_KEY_F2, TERM_KEY_F3, TERM_KEY_F4, TERM_KEY_F5, TERM_KEY_F6,
    TERM_KEY_F7, TERM_KEY_F8, TERM_KEY_F9, TERM_KEY_F10, TERM_KEY_F11, TERM_KEY_F12,
    TERM_KEY_COUNT
};

enum { TERM_CHORD_MAX = 4 };

/* Keys pressed in order and released in reverse (keyqueue_chord). */
struct term_chord {
    enum key keys[TERM_CHORD_MAX];
    size_t n;
};

/* The chord for byte c typed on the terminal, with Alt when alt (an ESC
 * prefix). Control codes are Ctrl+letter except Tab, Enter (CR and LF),
 * Backspace (BS and DEL) and Escape. false for bytes no key types (UTF-8
 * sequences of non-ASCII characters). */
bool term_keys_char(unsigned char c, bool alt, struct term_chord *out);

/* The chord for a decoded special key. */
bool term_keys_special(enum term_key k, bool alt, struct term_chord *out);

#endif
