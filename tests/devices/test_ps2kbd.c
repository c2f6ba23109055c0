/* Unit tests for devices/ps2kbd.c alone (no controller): BAT, command replies,
 * LEDs, scan code sets, set 2 key sequences, the 16-byte buffer and its overrun
 * code, scanning on/off, and typematic repeat timed on the virtual clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "clock.h"
#include "ps2kbd.h"

static const uint64_t MS = 1000000;

struct fixture {
    struct vclock *clock;
    struct ps2kbd *kbd;
    unsigned notified;
};

static void count_notify(void *opaque)
{
    struct fixture *f = opaque;

    f->notified++;
}

static int setup(void **state)
{
    static struct fixture f;

    memset(&f, 0, sizeof(f));
    f.clock = vclock_create();
    f.kbd = ps2kbd_create(f.clock, NULL);
    if (!f.clock || !f.kbd)
        return -1;
    ps2kbd_set_notify(f.kbd, count_notify, &f);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    ps2kbd_destroy(f->kbd);
    vclock_destroy(f->clock);
    return 0;
}

/* Everything the keyboard has queued, into buf; returns the count. */
static size_t drain(struct ps2kbd *kbd, uint8_t *buf, size_t size)
{
    size_t n = 0;

    while (n < size && ps2kbd_read(kbd, &buf[n]))
        n++;
    return n;
}

#define EXPECT_BYTES(kbd, ...)                                              \
    do {                                                                    \
        const uint8_t want_[] = { __VA_ARGS__ };                            \
        uint8_t got_[64];                                                   \
        size_t n_ = drain((kbd), got_, sizeof(got_));                       \
        assert_int_equal(n_, sizeof(want_));                                \
        assert_memory_equal(got_, want_, sizeof(want_));                    \
    } while (0)

#define EXPECT_NOTHING(kbd) assert_false(ps2kbd_has_data(kbd))

static void test_power_on_and_commands(void **state)
{
    struct fixture *f = *state;

    EXPECT_BYTES(f->kbd, PS2KBD_BAT_OK);
    ps2kbd_write(f->kbd, PS2KBD_CMD_RESET);
    assert_true(f->notified > 0);
    EXPECT_BYTES(f->kbd, 0xFA, 0xAA);
    ps2kbd_write(f->kbd, PS2KBD_CMD_IDENTIFY);
    EXPECT_BYTES(f->kbd, 0xFA, 0xAB, 0x83);
    ps2kbd_write(f->kbd, PS2KBD_CMD_ECHO);
    EXPECT_BYTES(f->kbd, 0xEE);
    /* resend repeats the last byte sent */
    ps2kbd_write(f->kbd, PS2KBD_CMD_RESEND);
    EXPECT_BYTES(f->kbd, 0xEE);
    ps2kbd_write(f->kbd, 0x42);
    EXPECT_BYTES(f->kbd, PS2KBD_RESEND);
    ps2kbd_write(f->kbd, PS2KBD_CMD_ENABLE);
    EXPECT_BYTES(f->kbd, 0xFA);
    ps2kbd_write(f->kbd, PS2KBD_CMD_DEFAULT);
    EXPECT_BYTES(f->kbd, 0xFA);
}

static void test_leds(void **state)
{
    struct fixture *f = *state;

    drain(f->kbd, (uint8_t[8]){ 0 }, 8);
    ps2kbd_write(f->kbd, PS2KBD_CMD_SET_LEDS);
    EXPECT_BYTES(f->kbd, 0xFA);
    assert_int_equal(ps2kbd_leds(f->kbd), 0);
    ps2kbd_write(f->kbd, PS2KBD_LED_NUM | PS2KBD_LED_CAPS);
    EXPECT_BYTES(f->kbd, 0xFA);
    assert_int_equal(ps2kbd_leds(f->kbd), PS2KBD_LED_NUM | PS2KBD_LED_CAPS);
    /* a command in place of the option byte is run as a command */
    ps2kbd_write(f->kbd, PS2KBD_CMD_SET_LEDS);
    ps2kbd_write(f->kbd, PS2KBD_CMD_ECHO);
    EXPECT_BYTES(f->kbd, 0xFA, 0xEE);
    assert_int_equal(ps2kbd_leds(f->kbd), PS2KBD_LED_NUM | PS2KBD_LED_CAPS);
    /* reset turns them off */
    ps2kbd_write(f->kbd, PS2KBD_CMD_RESET);
    EXPECT_BYTES(f->kbd, 0xFA, 0xAA);
    assert_int_equal(ps2kbd_leds(f->kbd), 0);
}

static void test_scan_sets(void **state)
{
    struct fixture *f = *state;

    drain(f->kbd, (uint8_t[8]){ 0 }, 8);
    ps2kbd_write(f->kbd, PS2KBD_CMD_SCAN_SET);
    ps2kbd_write(f->kbd, 0);
    EXPECT_BYTES(f->kbd, 0xFA, 0xFA, 0x02);
    ps2kbd_write(f->kbd, PS2KBD_CMD_SCAN_SET);
    ps2kbd_write(f->kbd, 1);
    EXPECT_BYTES(f->kbd, 0xFA, 0xFA);
    assert_int_equal(ps2kbd_scan_set(f->kbd), 1);
    ps2kbd_key(f->kbd, KEY_A, true);
    ps2kbd_key(f->kbd, KEY_A, false);
    ps2kbd_key(f->kbd, KEY_LEFT, true);
    ps2kbd_key(f->kbd, KEY_LEFT, false);
    EXPECT_BYTES(f->kbd, 0x1E, 0x9E, 0xE0, 0x4B, 0xE0, 0xCB);
    /* set 3 is acknowledged but not entered */
    ps2kbd_write(f->kbd, PS2KBD_CMD_SCAN_SET);
    ps2kbd_write(f->kbd, 3);
    ps2kbd_write(f->kbd, PS2KBD_CMD_SCAN_SET);
    ps2kbd_write(f->kbd, 0);
    EXPECT_BYTES(f->kbd, 0xFA, 0xFA, 0xFA, 0xFA, 0x01);
    ps2kbd_write(f->kbd, PS2KBD_CMD_SCAN_SET);
    ps2kbd_write(f->kbd, 7);
    EXPECT_BYTES(f->kbd, 0xFA, 0xFE);
    /* reset returns to set 2 */
    ps2kbd_write(f->kbd, PS2KBD_CMD_RESET);
    ps2kbd_key(f->kbd, KEY_A, true);
    EXPECT_BYTES(f->kbd, 0xFA, 0xAA, 0x1C);
    assert_int_equal(ps2kbd_scan_set(f->kbd), 2);
}

static void test_set2_keys(void **state)
{
    struct fixture *f = *state;

    drain(f->kbd, (uint8_t[8]){ 0 }, 8);
    ps2kbd_key(f->kbd, KEY_CTRL_R, true);
    ps2kbd_key(f->kbd, KEY_A, true);
    ps2kbd_key(f->kbd, KEY_A, true);
    ps2kbd_key(f->kbd, KEY_A, false);
    ps2kbd_key(f->kbd, KEY_A, false);
    ps2kbd_key(f->kbd, KEY_CTRL_R, false);
    EXPECT_BYTES(f->kbd, 0xE0, 0x14, 0x1C, 0xF0, 0x1C, 0xE0, 0xF0, 0x14);
    ps2kbd_key(f->kbd, KEY_PAUSE, true);
    ps2kbd_key(f->kbd, KEY_PAUSE, false);
    EXPECT_BYTES(f->kbd, 0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77);
    /* a key not held is not released */
    ps2kbd_key(f->kbd, KEY_B, false);
    EXPECT_NOTHING(f->kbd);
}

/* Replies go ahead of key codes already queued. */
static void test_reply_first(void **state)
{
    struct fixture *f = *state;

    drain(f->kbd, (uint8_t[8]){ 0 }, 8);
    ps2kbd_key(f->kbd, KEY_B, true);
    ps2kbd_write(f->kbd, PS2KBD_CMD_ECHO);
    EXPECT_BYTES(f->kbd, 0xEE, 0x32);
}

static void test_overrun(void **state)
{
    struct fixture *f = *state;
    static const enum key keys[] = { KEY_Q, KEY_W, KEY_E, KEY_R, KEY_T, KEY_Y, KEY_U, KEY_I };
    uint8_t got[32];

    drain(f->kbd, (uint8_t[8]){ 0 }, 8);
    /* 8 keys down and up: 8 + 16 bytes for a 16-byte buffer */
    for (unsigned i = 0; i < 8; i++)
        ps2kbd_key(f->kbd, keys[i], true);
    for (unsigned i = 0; i < 8; i++)
        ps2kbd_key(f->kbd, keys[i], false);
    assert_int_equal(drain(f->kbd, got, sizeof(got)), 17);
    assert_int_equal(got[7], 0x43);
    assert_memory_equal(&got[8], ((const uint8_t[]){ 0xF0, 0x15, 0xF0, 0x1D, 0xF0, 0x24,
                                                      0xF0, 0x2D, 0x00 }), 9);
    /* after the overrun code is read, keys are queued again */
    ps2kbd_key(f->kbd, KEY_Q, true);
    EXPECT_BYTES(f->kbd, 0x15);
}

static void test_disable_enable(void **state)
{
    struct fixture *f = *state;

    drain(f->kbd, (uint8_t[8]){ 0 }, 8);
    ps2kbd_key(f->kbd, KEY_A, true);
    ps2kbd_write(f->kbd, PS2KBD_CMD_DISABLE);
    /* F5 clears the buffer */
    EXPECT_BYTES(f->kbd, 0xFA);
    ps2kbd_key(f->kbd, KEY_B, true);
    vclock_advance_to(f->clock, 2000 * MS);
    EXPECT_NOTHING(f->kbd);
    ps2kbd_write(f->kbd, PS2KBD_CMD_ENABLE);
    ps2kbd_key(f->kbd, KEY_C, true);
    EXPECT_BYTES(f->kbd, 0xFA, 0x21);
}

static void test_typematic_default(void **state)
{
    struct fixture *f = *state;
    /* 2Bh: 500 ms, then (8 + 3) * 2 / 240 s */
    const uint64_t period = 11ull * 2 * 1000000000 / 240;

    drain(f->kbd, (uint8_t[8]){ 0 }, 8);
    ps2kbd_key(f->kbd, KEY_A, true);
    EXPECT_BYTES(f->kbd, 0x1C);
    vclock_advance_to(f->clock, 500 * MS - 1);
    EXPECT_NOTHING(f->kbd);
    vclock_advance_to(f->clock, 500 * MS);
    EXPECT_BYTES(f->kbd, 0x1C);
    vclock_advance_to(f->clock, 500 * MS + period - 1);
    EXPECT_NOTHING(f->kbd);
    vclock_advance_to(f->clock, 500 * MS + 3 * period);
    EXPECT_BYTES(f->kbd, 0x1C, 0x1C, 0x1C);
    ps2kbd_key(f->kbd, KEY_A, false);
    vclock_advance_to(f->clock, 5000 * MS);
    EXPECT_BYTES(f->kbd, 0xF0, 0x1C);
}

static void test_typematic_rate(void **state)
{
    struct fixture *f = *state;
    uint64_t t0;

    drain(f->kbd, (uint8_t[8]){ 0 }, 8);
    /* fastest: 250 ms, 30 per second; then slowest: 1 s, 2 per second */
    ps2kbd_write(f->kbd, PS2KBD_CMD_TYPEMATIC);
    ps2kbd_write(f->kbd, 0x00);
    EXPECT_BYTES(f->kbd, 0xFA, 0xFA);
    ps2kbd_key(f->kbd, KEY_UP, true);
    vclock_advance_to(f->clock, 250 * MS + 1000 * MS / 30 * 2 + MS);
    EXPECT_BYTES(f->kbd, 0xE0, 0x75, 0xE0, 0x75, 0xE0, 0x75, 0xE0, 0x75);
    /* a second key takes over; releasing the first does not stop it */
    ps2kbd_key(f->kbd, KEY_X, true);
    ps2kbd_key(f->kbd, KEY_UP, false);
    t0 = vclock_now(f->clock);
    vclock_advance_to(f->clock, t0 + 250 * MS);
    EXPECT_BYTES(f->kbd, 0x22, 0xE0, 0xF0, 0x75, 0x22);
    ps2kbd_key(f->kbd, KEY_X, false);
    EXPECT_BYTES(f->kbd, 0xF0, 0x22);

    ps2kbd_write(f->kbd, PS2KBD_CMD_TYPEMATIC);
    ps2kbd_write(f->kbd, 0x7F);
    EXPECT_BYTES(f->kbd, 0xFA, 0xFA);
    t0 = vclock_now(f->clock);
    ps2kbd_key(f->kbd, KEY_Z, true);
    vclock_advance_to(f->clock, t0 + 1000 * MS - 1);
    EXPECT_BYTES(f->kbd, 0x1A);
    vclock_advance_to(f->clock, t0 + 2000 * MS);
    EXPECT_BYTES(f->kbd, 0x1A, 0x1A, 0x1A);
    /* Pause never repeats */
    ps2kbd_key(f->kbd, KEY_Z, false);
    drain(f->kbd, (uint8_t[8]){ 0 }, 8);
    ps2kbd_key(f->kbd, KEY_PAUSE, true);
    drain(f->kbd, (uint8_t[8]){ 0 }, 8);
    vclock_advance_to(f->clock, t0 + 9000 * MS);
    EXPECT_NOTHING(f->kbd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_power_on_and_commands, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_sets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set2_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reply_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overrun, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disable_enable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_typematic_default, setup, teardown),
        cmocka_unit_test_setup_teardown(test_typematic_rate, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
