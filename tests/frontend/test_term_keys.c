/* Unit tests for frontend/term_keys.c (terminal input to key chords),
 * frontend/keyqueue.c (event order of chords) and frontend/cp437.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cp437.h"
#include "keyqueue.h"
#include "term_keys.h"

static void expect_chord(const struct term_chord *c, size_t n, const enum key *keys)
{
    assert_int_equal(c->n, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(c->keys[i], keys[i]);
}

static void test_chars(void **state)
{
    struct term_chord c;

    assert_true(term_keys_char('a', false, &c));
    expect_chord(&c, 1, (enum key[]){KEY_A});
    assert_true(term_keys_char('A', false, &c));
    expect_chord(&c, 2, (enum key[]){KEY_SHIFT, KEY_A});
    assert_true(term_keys_char(':', false, &c));
    expect_chord(&c, 2, (enum key[]){KEY_SHIFT, KEY_SEMICOLON});
    assert_true(term_keys_char(' ', false, &c));
    expect_chord(&c, 1, (enum key[]){KEY_SPC});
    assert_true(term_keys_char('x', true, &c));
    expect_chord(&c, 2, (enum key[]){KEY_ALT, KEY_X});
    assert_false(term_keys_char(0xC3, false, &c));
}

static void test_control_codes(void **state)
{
    struct term_chord c;

    assert_true(term_keys_char(0x03, false, &c));
    expect_chord(&c, 2, (enum key[]){KEY_CTRL, KEY_C});
    assert_true(term_keys_char('\r', false, &c));
    expect_chord(&c, 1, (enum key[]){KEY_RET});
    assert_true(term_keys_char('\n', false, &c));
    expect_chord(&c, 1, (enum key[]){KEY_RET});
    assert_true(term_keys_char('\t', false, &c));
    expect_chord(&c, 1, (enum key[]){KEY_TAB});
    assert_true(term_keys_char(0x7F, false, &c));
    expect_chord(&c, 1, (enum key[]){KEY_BACKSPACE});
    assert_true(term_keys_char(0x1B, false, &c));
    expect_chord(&c, 1, (enum key[]){KEY_ESC});
    assert_true(term_keys_char(0x1D, false, &c));
    expect_chord(&c, 2, (enum key[]){KEY_CTRL, KEY_BRACKET_RIGHT});
    /* 00h is Ctrl+@, and @ is Shift+2 */
    assert_true(term_keys_char(0x00, false, &c));
    expect_chord(&c, 3, (enum key[]){KEY_CTRL, KEY_SHIFT, KEY_2});
    assert_true(term_keys_char(0x18, true, &c));
    expect_chord(&c, 3, (enum key[]){KEY_ALT, KEY_CTRL, KEY_X});
}

static void test_special(void **state)
{
    struct term_chord c;

    assert_true(term_keys_special(TERM_KEY_UP, false, &c));
    expect_chord(&c, 1, (enum key[]){KEY_UP});
    assert_true(term_keys_special(TERM_KEY_F12, false, &c));
    expect_chord(&c, 1, (enum key[]){KEY_F12});
    assert_true(term_keys_special(TERM_KEY_BACKTAB, false, &c));
    expect_chord(&c, 2, (enum key[]){KEY_SHIFT, KEY_TAB});
    assert_true(term_keys_special(TERM_KEY_DELETE, true, &c));
    expect_chord(&c, 2, (enum key[]){KEY_ALT, KEY_DELETE});
    for (unsigned k = 0; k < TERM_KEY_COUNT; k++) {
        assert_true(term_keys_special((enum term_key)k, false, &c));
        assert_int_not_equal(c.keys[c.n - 1], KEY_NONE);
    }
    assert_false(term_keys_special(TERM_KEY_COUNT, false, &c));
}

/* sendkey ctrl-alt-delete: downs in order, ups in reverse. */
static void test_keyqueue_chord(void **state)
{
    static const enum key chord[3] = {KEY_CTRL, KEY_ALT, KEY_DELETE};
    static const struct key_event expected[6] = {
        {KEY_CTRL, true}, {KEY_ALT, true}, {KEY_DELETE, true},
        {KEY_DELETE, false}, {KEY_ALT, false}, {KEY_CTRL, false},
    };
    static struct keyqueue q;
    struct key_event ev;

    keyqueue_init(&q);
    assert_true(keyqueue_empty(&q));
    assert_true(keyqueue_chord(&q, chord, 3));
    for (unsigned i = 0; i < 6; i++) {
        assert_true(keyqueue_pop(&q, &ev));
        assert_int_equal(ev.key, expected[i].key);
        assert_int_equal(ev.down, expected[i].down);
    }
    assert_false(keyqueue_pop(&q, &ev));
}

static void test_keyqueue_full(void **state)
{
    static struct keyqueue q;
    static const enum key two[2] = {KEY_SHIFT, KEY_A};
    struct key_event ev;

    keyqueue_init(&q);
    for (unsigned i = 0; i < KEYQUEUE_SIZE - 3; i++)
        assert_true(keyqueue_push(&q, KEY_B, i & 1));
    /* a chord is all or nothing */
    assert_false(keyqueue_chord(&q, two, 2));
    assert_int_equal(q.count, KEYQUEUE_SIZE - 3);
    assert_true(keyqueue_push(&q, KEY_C, true));
    assert_true(keyqueue_push(&q, KEY_C, false));
    assert_true(keyqueue_push(&q, KEY_D, true));
    assert_false(keyqueue_push(&q, KEY_D, false));
    /* wraps around */
    assert_true(keyqueue_pop(&q, &ev));
    assert_true(keyqueue_push(&q, KEY_E, true));
    for (unsigned i = 0; i < KEYQUEUE_SIZE; i++)
        assert_true(keyqueue_pop(&q, &ev));
    assert_int_equal(ev.key, KEY_E);
    assert_true(keyqueue_empty(&q));
}

static void test_cp437(void **state)
{
    char out[4];

    assert_int_equal(cp437_to_unicode('A'), 'A');
    assert_int_equal(cp437_to_unicode(0x00), ' ');
    assert_int_equal(cp437_to_unicode(0x01), 0x263A);
    assert_int_equal(cp437_to_unicode(0x7F), 0x2302);
    assert_int_equal(cp437_to_unicode(0x82), 0x00E9);
    assert_int_equal(cp437_to_unicode(0xB0), 0x2591);
    assert_int_equal(cp437_to_unicode(0xC9), 0x2554);
    assert_int_equal(cp437_to_unicode(0xDB), 0x2588);
    assert_int_equal(cp437_to_unicode(0xE1), 0x00DF);
    assert_int_equal(cp437_to_unicode(0xFF), 0x00A0);
    assert_int_equal(cp437_to_utf8('z', out), 1);
    assert_int_equal(cp437_to_utf8(0x82, out), 2);
    assert_memory_equal(out, "\xC3\xA9", 2);
    assert_int_equal(cp437_to_utf8(0xC9, out), 3);
    assert_memory_equal(out, "\xE2\x95\x94", 3);
    /* 80h-FFh map to distinct characters outside ASCII */
    for (unsigned a = 0x80; a < 0x100; a++) {
        assert_true(cp437_to_unicode((uint8_t)a) >= 0x80);
        for (unsigned b = a + 1; b < 0x100; b++)
            assert_int_not_equal(cp437_to_unicode((uint8_t)a), cp437_to_unicode((uint8_t)b));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chars),
        cmocka_unit_test(test_control_codes),
        cmocka_unit_test(test_special),
        cmocka_unit_test(test_keyqueue_chord),
        cmocka_unit_test(test_keyqueue_full),
        cmocka_unit_test(test_cp437),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
