/* Unit tests for devices/keymap.c: sendkey names, US-layout characters, set 1 and
 * set 2 make/break sequences, and the 8042 translation table agreeing with them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "keymap.h"

static void test_find_names(void **state)
{
    static const struct {
        const char *name;
        enum key key;
    } cases[] = {
        { "a", KEY_A }, { "ret", KEY_RET }, { "esc", KEY_ESC }, { "shift", KEY_SHIFT },
        { "ctrl", KEY_CTRL }, { "alt", KEY_ALT }, { "f1", KEY_F1 }, { "f12", KEY_F12 },
        { "kp_add", KEY_KP_ADD }, { "spc", KEY_SPC }, { "backspace", KEY_BACKSPACE },
        { "tab", KEY_TAB }, { "caps_lock", KEY_CAPS_LOCK }, { "up", KEY_UP },
        { "pgdn", KEY_PGDN }, { "pgup", KEY_PGUP }, { "delete", KEY_DELETE },
        { "ctrl_r", KEY_CTRL_R }, { "shift_r", KEY_SHIFT_R }, { "kp_0", KEY_KP_0 },
        { "semicolon", KEY_SEMICOLON }, { "grave_accent", KEY_GRAVE_ACCENT },
        { "print", KEY_PRINT }, { "pause", KEY_PAUSE }, { "less", KEY_LESS },
        { "F1", KEY_F1 }, { "Ctrl", KEY_CTRL },
        { "asterisk", KEY_KP_MULTIPLY }, { "altgr", KEY_ALT_R }, { "compose", KEY_MENU },
        { "bogus", KEY_NONE }, { "", KEY_NONE }, { "kp_", KEY_NONE },
    };

    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(keymap_find(cases[i].name), cases[i].key);
    assert_string_equal(keymap_name(KEY_KP_ADD), "kp_add");
    assert_null(keymap_name(KEY_NONE));
    assert_null(keymap_name(KEY_COUNT));
}

/* Every key has a unique name that finds it again and a set 1 and set 2 make. */
static void test_every_key_named(void **state)
{
    uint8_t seq[KEYMAP_SEQ_MAX];

    for (unsigned k = KEY_NONE + 1; k < KEY_COUNT; k++) {
        const char *name = keymap_name((enum key)k);

        assert_non_null(name);
        assert_int_equal(keymap_find(name), k);
        for (unsigned j = k + 1; j < KEY_COUNT; j++)
            assert_string_not_equal(name, keymap_name((enum key)j));
        assert_true(keymap_sequence((enum key)k, 1, true, seq) > 0);
        assert_true(keymap_sequence((enum key)k, 2, true, seq) > 0);
    }
}

static void test_from_char(void **state)
{
    static const struct {
        char c;
        enum key key;
        bool shift;
    } cases[] = {
        { 'a', KEY_A, false }, { 'A', KEY_A, true }, { 'z', KEY_Z, false },
        { 'Q', KEY_Q, true }, { '\n', KEY_RET, false }, { ':', KEY_SEMICOLON, true },
        { ';', KEY_SEMICOLON, false }, { '1', KEY_1, false }, { '!', KEY_1, true },
        { ')', KEY_0, true }, { ' ', KEY_SPC, false }, { '~', KEY_GRAVE_ACCENT, true },
        { '"', KEY_APOSTROPHE, true }, { '|', KEY_BACKSLASH, true }, { '?', KEY_SLASH, true },
        { '_', KEY_MINUS, true }, { '+', KEY_EQUAL, true }, { '\t', KEY_TAB, false },
        { '{', KEY_BRACKET_LEFT, true }, { '>', KEY_DOT, true },
    };
    bool shift = true;

    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(keymap_from_char(cases[i].c, &shift), cases[i].key);
        assert_int_equal(shift, cases[i].shift);
    }
    /* every printable ASCII character is typeable */
    for (int c = 0x20; c < 0x7F; c++)
        assert_int_not_equal(keymap_from_char((char)c, &shift), KEY_NONE);
    assert_int_equal(keymap_from_char('\x01', &shift), KEY_NONE);
    assert_false(shift);
    assert_int_equal(keymap_from_char((char)0xE9, &shift), KEY_NONE);
}

static void expect_seq(enum key key, unsigned set, bool down, const uint8_t *want, size_t len)
{
    uint8_t seq[KEYMAP_SEQ_MAX];

    assert_int_equal(keymap_sequence(key, set, down, seq), len);
    assert_memory_equal(seq, want, len);
}

static void test_sequences(void **state)
{
    expect_seq(KEY_A, 2, true, (const uint8_t[]){ 0x1C }, 1);
    expect_seq(KEY_A, 2, false, (const uint8_t[]){ 0xF0, 0x1C }, 2);
    expect_seq(KEY_A, 1, true, (const uint8_t[]){ 0x1E }, 1);
    expect_seq(KEY_A, 1, false, (const uint8_t[]){ 0x9E }, 1);
    expect_seq(KEY_UP, 2, true, (const uint8_t[]){ 0xE0, 0x75 }, 2);
    expect_seq(KEY_UP, 2, false, (const uint8_t[]){ 0xE0, 0xF0, 0x75 }, 3);
    expect_seq(KEY_UP, 1, false, (const uint8_t[]){ 0xE0, 0xC8 }, 2);
    expect_seq(KEY_F7, 2, true, (const uint8_t[]){ 0x83 }, 1);
    expect_seq(KEY_PRINT, 2, true, (const uint8_t[]){ 0xE0, 0x12, 0xE0, 0x7C }, 4);
    expect_seq(KEY_PRINT, 2, false, (const uint8_t[]){ 0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12 }, 6);
    expect_seq(KEY_PRINT, 1, false, (const uint8_t[]){ 0xE0, 0xB7, 0xE0, 0xAA }, 4);
    expect_seq(KEY_PAUSE, 2, true,
               (const uint8_t[]){ 0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77 }, 8);
    expect_seq(KEY_PAUSE, 1, true, (const uint8_t[]){ 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5 }, 6);
    expect_seq(KEY_PAUSE, 2, false, NULL, 0);
    expect_seq(KEY_PAUSE, 1, false, NULL, 0);
    expect_seq(KEY_A, 3, true, NULL, 0);
    expect_seq(KEY_NONE, 2, true, NULL, 0);
    assert_false(keymap_repeats(KEY_PAUSE));
    assert_true(keymap_repeats(KEY_A));
}

/* What the 8042 does to a set 2 stream: F0 swallowed, next byte | 80h. */
static size_t translate(const uint8_t *in, size_t len, uint8_t *out)
{
    size_t n = 0;
    bool brk = false;

    for (size_t i = 0; i < len; i++) {
        if (in[i] == 0xF0) {
            brk = true;
            continue;
        }
        out[n++] = keymap_set2_to_set1(in[i]) | (brk ? 0x80 : 0);
        brk = false;
    }
    return n;
}

/* The two code tables and the translation table are written independently;
 * for every key, translating its set 2 make and break gives its set 1 ones. */
static void test_translation_matches_set1(void **state)
{
    for (unsigned k = KEY_NONE + 1; k < KEY_COUNT; k++) {
        for (int down = 0; down < 2; down++) {
            uint8_t s2[KEYMAP_SEQ_MAX], s1[KEYMAP_SEQ_MAX], t[KEYMAP_SEQ_MAX];
            size_t n2 = keymap_sequence((enum key)k, 2, down, s2);
            size_t n1 = keymap_sequence((enum key)k, 1, down, s1);

            assert_int_equal(translate(s2, n2, t), n1);
            assert_memory_equal(t, s1, n1);
        }
    }
}

static void test_translation_table(void **state)
{
    bool seen[0x80] = { false };

    /* replies and prefixes pass through; the keyboard ID's 83h becomes 41h */
    assert_int_equal(keymap_set2_to_set1(0xFA), 0xFA);
    assert_int_equal(keymap_set2_to_set1(0xAA), 0xAA);
    assert_int_equal(keymap_set2_to_set1(0xE0), 0xE0);
    assert_int_equal(keymap_set2_to_set1(0xAB), 0xAB);
    assert_int_equal(keymap_set2_to_set1(0x83), 0x41);
    assert_int_equal(keymap_set2_to_set1(0x84), 0x54);
    assert_int_equal(keymap_set2_to_set1(0x02), 0x41);
    /* the set 2 overrun code becomes the set 1 one */
    assert_int_equal(keymap_set2_to_set1(0x00), 0xFF);
    /* codes 01h-7Fh map one-to-one onto set 1 codes 01h-7Fh */
    for (unsigned c = 1; c < 0x80; c++) {
        uint8_t t = keymap_set2_to_set1((uint8_t)c);

        assert_true(t >= 1 && t < 0x80);
        assert_false(seen[t]);
        seen[t] = true;
    }
    for (unsigned c = 0x85; c < 0x100; c++)
        assert_int_equal(keymap_set2_to_set1((uint8_t)c), c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_names),
        cmocka_unit_test(test_every_key_named),
        cmocka_unit_test(test_from_char),
        cmocka_unit_test(test_sequences),
        cmocka_unit_test(test_translation_matches_set1),
        cmocka_unit_test(test_translation_table),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
