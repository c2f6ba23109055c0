/* Unit tests for devices/i8042.c driven through ports 60h/64h with a real PS/2
 * keyboard and mouse behind it: BIOS-style init, set 2 -> set 1 translation,
 * IRQ 1/12, keyboard and mouse commands, typematic on the virtual clock, the
 * output port (A20, reset), D2/D3 loopback, and missing devices. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "clock.h"
#include "i8042.h"
#include "ioport.h"
#include "ps2kbd.h"
#include "ps2mouse.h"

static const uint64_t MS = 1000000;

struct fixture {
    struct ioports *io;
    struct vclock *clock;
    struct ps2kbd *kbd;
    struct ps2mouse *mouse;
    struct i8042 *c;
    /* IRQ inputs 1 and 12 as a PIC would see them */
    bool level[16];
    unsigned rises[16];
    /* board */
    unsigned resets;
    unsigned a20_calls;
    bool a20;
};

static void fake_irq(void *opaque, unsigned n, bool level)
{
    struct fixture *f = opaque;

    if (level && !f->level[n])
        f->rises[n]++;
    f->level[n] = level;
}

static void fake_reset(void *opaque)
{
    struct fixture *f = opaque;

    f->resets++;
    /* the board resets the machine, the controller included */
    i8042_reset(f->c, false);
}

static void fake_set_a20(void *opaque, bool on)
{
    struct fixture *f = opaque;

    f->a20_calls++;
    f->a20 = on;
}

static const struct i8042_board_ops board_ops = {
    .reset = fake_reset,
    .set_a20 = fake_set_a20,
};

static int setup_devices(void **state, bool with_devices)
{
    static struct fixture f;

    memset(&f, 0, sizeof(f));
    f.io = ioports_create(NULL);
    f.clock = vclock_create();
    if (with_devices) {
        f.kbd = ps2kbd_create(f.clock, NULL);
        f.mouse = ps2mouse_create(NULL);
    }
    f.c = i8042_create(f.io, (struct irq_line){ fake_irq, &f, 1 },
                       (struct irq_line){ fake_irq, &f, 12 }, f.kbd, f.mouse, &board_ops, &f, NULL);
    if (!f.c)
        return -1;
    *state = &f;
    return 0;
}

static int setup(void **state)
{
    return setup_devices(state, true);
}

static int setup_bare(void **state)
{
    return setup_devices(state, false);
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    i8042_destroy(f->c);
    ps2kbd_destroy(f->kbd);
    ps2mouse_destroy(f->mouse);
    ioports_destroy(f->io);
    vclock_destroy(f->clock);
    return 0;
}

static uint8_t status(struct fixture *f)
{
    return (uint8_t)ioports_read(f->io, I8042_STATUS_PORT, 1);
}

static void command(struct fixture *f, uint8_t cmd)
{
    ioports_write(f->io, I8042_STATUS_PORT, 1, cmd);
}

static void data(struct fixture *f, uint8_t value)
{
    ioports_write(f->io, I8042_DATA_PORT, 1, value);
}

/* Read one byte the way a driver does: wait for OBF, check where it came from. */
static uint8_t read_byte(struct fixture *f, bool aux)
{
    uint8_t st = status(f);

    assert_true(st & I8042_STR_OBF);
    assert_int_equal(!!(st & I8042_STR_AUXB), aux);
    return (uint8_t)ioports_read(f->io, I8042_DATA_PORT, 1);
}

#define EXPECT_BYTES(f, aux, ...)                                           \
    do {                                                                    \
        const uint8_t want_[] = { __VA_ARGS__ };                            \
        for (size_t i_ = 0; i_ < sizeof(want_); i_++)                       \
            assert_int_equal(read_byte((f), (aux)), want_[i_]);             \
        assert_false(status(f) & I8042_STR_OBF);                            \
    } while (0)

static void flush(struct fixture *f)
{
    while (status(f) & I8042_STR_OBF)
        ioports_read(f->io, I8042_DATA_PORT, 1);
}

/* What a BIOS does: self test, interface test, command byte, keyboard reset. */
static void test_bios_init(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(f->a20_calls, 1);
    assert_true(f->a20);
    /* the keyboard's power-on BAT code, with IRQ 1 (enabled at power-on) */
    assert_false(status(f) & I8042_STR_SYSF);
    assert_true(f->level[1]);
    EXPECT_BYTES(f, false, 0xAA);
    assert_false(f->level[1]);
    assert_int_equal(status(f), I8042_STR_INH);

    command(f, I8042_CMD_SELF_TEST);
    assert_true(status(f) & I8042_STR_A2);
    EXPECT_BYTES(f, false, 0x55);
    assert_true(status(f) & I8042_STR_SYSF);
    command(f, I8042_CMD_KBD_TEST);
    EXPECT_BYTES(f, false, 0x00);
    command(f, I8042_CMD_AUX_TEST);
    EXPECT_BYTES(f, false, 0x00);
    command(f, I8042_CMD_READ_RAM);
    EXPECT_BYTES(f, false, 0x61 | I8042_CB_SYS);

    command(f, I8042_CMD_WRITE_RAM);
    data(f, I8042_CB_XLAT | I8042_CB_SYS | I8042_CB_KBD_INT);
    assert_false(status(f) & I8042_STR_A2);
    /* the auxiliary port is enabled now: the mouse's BAT code and ID come in,
     * without IRQ 12 */
    EXPECT_BYTES(f, true, 0xAA, 0x00);
    assert_int_equal(f->rises[12], 0);
    command(f, I8042_CMD_READ_RAM);
    EXPECT_BYTES(f, false, 0x45);
    /* the other RAM bytes are plain storage */
    command(f, I8042_CMD_WRITE_RAM + 5);
    data(f, 0x5A);
    command(f, I8042_CMD_READ_RAM + 5);
    EXPECT_BYTES(f, false, 0x5A);

    data(f, PS2KBD_CMD_RESET);
    EXPECT_BYTES(f, false, 0xFA, 0xAA);
    data(f, PS2KBD_CMD_ENABLE);
    EXPECT_BYTES(f, false, 0xFA);
    /* an empty data register reads back its last value */
    assert_int_equal(ioports_read(f->io, I8042_DATA_PORT, 1), 0xFA);
    assert_string_equal(ioports_owner(f->io, 0x60), "i8042");
    assert_string_equal(ioports_owner(f->io, 0x64), "i8042");
    assert_null(ioports_owner(f->io, 0x61));
}

static void test_typing_translated(void **state)
{
    struct fixture *f = *state;
    unsigned rises;

    flush(f);
    rises = f->rises[1];
    ps2kbd_key(f->kbd, KEY_A, true);
    assert_true(f->level[1]);
    assert_int_equal(f->rises[1], rises + 1);
    EXPECT_BYTES(f, false, 0x1E);
    assert_false(f->level[1]);
    ps2kbd_key(f->kbd, KEY_A, false);
    EXPECT_BYTES(f, false, 0x9E);
    assert_int_equal(f->rises[1], rises + 2);
    /* queued bytes: each read lowers IRQ 1 and the next byte raises it again */
    ps2kbd_key(f->kbd, KEY_SHIFT, true);
    ps2kbd_key(f->kbd, KEY_B, true);
    ps2kbd_key(f->kbd, KEY_B, false);
    ps2kbd_key(f->kbd, KEY_SHIFT, false);
    EXPECT_BYTES(f, false, 0x2A, 0x30, 0xB0, 0xAA);
    assert_int_equal(f->rises[1], rises + 6);
}

static void test_extended_keys(void **state)
{
    struct fixture *f = *state;

    flush(f);
    ps2kbd_key(f->kbd, KEY_UP, true);
    ps2kbd_key(f->kbd, KEY_UP, false);
    EXPECT_BYTES(f, false, 0xE0, 0x48, 0xE0, 0xC8);
    ps2kbd_key(f->kbd, KEY_CTRL_R, true);
    ps2kbd_key(f->kbd, KEY_CTRL_R, false);
    EXPECT_BYTES(f, false, 0xE0, 0x1D, 0xE0, 0x9D);
    ps2kbd_key(f->kbd, KEY_KP_DIVIDE, true);
    EXPECT_BYTES(f, false, 0xE0, 0x35);
    ps2kbd_key(f->kbd, KEY_PAUSE, true);
    EXPECT_BYTES(f, false, 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5);
    ps2kbd_key(f->kbd, KEY_PRINT, true);
    ps2kbd_key(f->kbd, KEY_PRINT, false);
    EXPECT_BYTES(f, false, 0xE0, 0x2A, 0xE0, 0x37, 0xE0, 0xB7, 0xE0, 0xAA);
    ps2kbd_key(f->kbd, KEY_F7, true);
    EXPECT_BYTES(f, false, 0x41);
}

static void test_untranslated(void **state)
{
    struct fixture *f = *state;

    flush(f);
    command(f, I8042_CMD_WRITE_RAM);
    data(f, I8042_CB_AUX_DISABLE | I8042_CB_SYS | I8042_CB_KBD_INT);
    ps2kbd_key(f->kbd, KEY_A, true);
    ps2kbd_key(f->kbd, KEY_A, false);
    EXPECT_BYTES(f, false, 0x1C, 0xF0, 0x1C);
    data(f, PS2KBD_CMD_IDENTIFY);
    EXPECT_BYTES(f, false, 0xFA, 0xAB, 0x83);
}

static void test_keyboard_commands(void **state)
{
    struct fixture *f = *state;

    flush(f);
    /* the ID's 83h and the scan set's 02h reach the host translated */
    data(f, PS2KBD_CMD_IDENTIFY);
    EXPECT_BYTES(f, false, 0xFA, 0xAB, 0x41);
    data(f, PS2KBD_CMD_SCAN_SET);
    EXPECT_BYTES(f, false, 0xFA);
    data(f, 0);
    EXPECT_BYTES(f, false, 0xFA, 0x41);
    data(f, PS2KBD_CMD_SET_LEDS);
    EXPECT_BYTES(f, false, 0xFA);
    data(f, PS2KBD_LED_CAPS | PS2KBD_LED_SCROLL);
    EXPECT_BYTES(f, false, 0xFA);
    assert_int_equal(ps2kbd_leds(f->kbd), PS2KBD_LED_CAPS | PS2KBD_LED_SCROLL);
    data(f, PS2KBD_CMD_ECHO);
    EXPECT_BYTES(f, false, 0xEE);
    data(f, PS2KBD_CMD_TYPEMATIC);
    data(f, 0x20);
    EXPECT_BYTES(f, false, 0xFA, 0xFA);
}

static void test_typematic(void **state)
{
    struct fixture *f = *state;
    unsigned rises;

    flush(f);
    ps2kbd_key(f->kbd, KEY_DOWN, true);
    EXPECT_BYTES(f, false, 0xE0, 0x50);
    rises = f->rises[1];
    vclock_advance_to(f->clock, 499 * MS);
    assert_false(status(f) & I8042_STR_OBF);
    vclock_advance_to(f->clock, 500 * MS);
    assert_int_equal(f->rises[1], rises + 1);
    EXPECT_BYTES(f, false, 0xE0, 0x50);
    /* default rate 10.9/s: the next one 91.7 ms later */
    vclock_advance_to(f->clock, 591 * MS);
    assert_false(status(f) & I8042_STR_OBF);
    vclock_advance_to(f->clock, 592 * MS);
    EXPECT_BYTES(f, false, 0xE0, 0x50);
    ps2kbd_key(f->kbd, KEY_DOWN, false);
    vclock_advance_to(f->clock, 2000 * MS);
    EXPECT_BYTES(f, false, 0xE0, 0xD0);
}

static void test_kbd_disable_and_int(void **state)
{
    struct fixture *f = *state;
    unsigned rises;

    flush(f);
    command(f, I8042_CMD_KBD_DISABLE);
    command(f, I8042_CMD_READ_RAM);
    EXPECT_BYTES(f, false, 0x61 | I8042_CB_KBD_DISABLE);
    ps2kbd_key(f->kbd, KEY_Z, true);
    assert_false(status(f) & I8042_STR_OBF);
    command(f, I8042_CMD_KBD_ENABLE);
    EXPECT_BYTES(f, false, 0x2C);
    /* with the interrupt disabled the byte is there but IRQ 1 stays low */
    command(f, I8042_CMD_WRITE_RAM);
    data(f, I8042_CB_XLAT | I8042_CB_AUX_DISABLE);
    rises = f->rises[1];
    ps2kbd_key(f->kbd, KEY_Z, false);
    assert_false(f->level[1]);
    assert_int_equal(f->rises[1], rises);
    EXPECT_BYTES(f, false, 0xAC);
}

static void enable_mouse(struct fixture *f)
{
    flush(f);
    command(f, I8042_CMD_AUX_ENABLE);
    command(f, I8042_CMD_WRITE_RAM);
    data(f, I8042_CB_XLAT | I8042_CB_SYS | I8042_CB_AUX_INT | I8042_CB_KBD_INT);
    flush(f);
}

static void mouse_cmd(struct fixture *f, uint8_t byte)
{
    command(f, I8042_CMD_WRITE_AUX);
    data(f, byte);
}

static void test_mouse(void **state)
{
    struct fixture *f = *state;
    unsigned rises;

    enable_mouse(f);
    rises = f->rises[12];
    mouse_cmd(f, PS2MOUSE_CMD_RESET);
    assert_true(f->level[12]);
    assert_false(f->level[1]);
    EXPECT_BYTES(f, true, 0xFA, 0xAA, 0x00);
    assert_int_equal(f->rises[12], rises + 3);
    mouse_cmd(f, PS2MOUSE_CMD_GET_ID);
    EXPECT_BYTES(f, true, 0xFA, 0x00);
    mouse_cmd(f, PS2MOUSE_CMD_ENABLE);
    EXPECT_BYTES(f, true, 0xFA);
    ps2mouse_move(f->mouse, 10, -5, 0, PS2MOUSE_BUTTON_LEFT);
    assert_true(f->level[12]);
    EXPECT_BYTES(f, true, 0x09, 0x0A, 0x05);
    /* mouse data is not translated */
    ps2mouse_move(f->mouse, 0x1C, 0, 0, PS2MOUSE_BUTTON_LEFT);
    EXPECT_BYTES(f, true, 0x08 | 0x01, 0x1C, 0x00);
    /* auxiliary port disabled: the data waits */
    command(f, I8042_CMD_AUX_DISABLE);
    ps2mouse_move(f->mouse, 1, 0, 0, PS2MOUSE_BUTTON_LEFT);
    assert_false(status(f) & I8042_STR_OBF);
    command(f, I8042_CMD_AUX_ENABLE);
    EXPECT_BYTES(f, true, 0x09, 0x01, 0x00);
}

/* The keyboard goes first whenever the output buffer frees up. */
static void test_kbd_before_mouse(void **state)
{
    struct fixture *f = *state;

    enable_mouse(f);
    mouse_cmd(f, PS2MOUSE_CMD_ENABLE);
    EXPECT_BYTES(f, true, 0xFA);
    ps2mouse_move(f->mouse, 2, 0, 0, 0);
    ps2kbd_key(f->kbd, KEY_A, true);
    assert_int_equal(read_byte(f, true), 0x08);
    assert_int_equal(read_byte(f, false), 0x1E);
    EXPECT_BYTES(f, true, 0x02, 0x00);
}

static void test_intellimouse_knock(void **state)
{
    struct fixture *f = *state;
    static const uint8_t knock[] = { 200, 100, 80 };

    enable_mouse(f);
    mouse_cmd(f, PS2MOUSE_CMD_RESET);
    EXPECT_BYTES(f, true, 0xFA, 0xAA, 0x00);
    for (unsigned i = 0; i < 3; i++) {
        mouse_cmd(f, PS2MOUSE_CMD_SAMPLE_RATE);
        EXPECT_BYTES(f, true, 0xFA);
        mouse_cmd(f, knock[i]);
        EXPECT_BYTES(f, true, 0xFA);
    }
    mouse_cmd(f, PS2MOUSE_CMD_GET_ID);
    EXPECT_BYTES(f, true, 0xFA, 0x03);
    mouse_cmd(f, PS2MOUSE_CMD_ENABLE);
    EXPECT_BYTES(f, true, 0xFA);
    ps2mouse_move(f->mouse, -1, 0, -1, 0);
    EXPECT_BYTES(f, true, 0x18, 0xFF, 0x00, 0xFF);
}

static void test_loopback_d2_d3(void **state)
{
    struct fixture *f = *state;
    unsigned r1, r12;

    enable_mouse(f);
    r1 = f->rises[1];
    r12 = f->rises[12];
    command(f, I8042_CMD_WRITE_KBD_OBUF);
    data(f, 0x1C);
    assert_int_equal(f->rises[1], r1 + 1);
    EXPECT_BYTES(f, false, 0x1C);
    command(f, I8042_CMD_WRITE_AUX_OBUF);
    data(f, 0x5A);
    assert_int_equal(f->rises[12], r12 + 1);
    EXPECT_BYTES(f, true, 0x5A);
}

static void test_a20_and_output_port(void **state)
{
    struct fixture *f = *state;
    unsigned calls = f->a20_calls;

    flush(f);
    command(f, I8042_CMD_READ_OUTPUT);
    assert_int_equal(read_byte(f, false) & (I8042_OUT_A20 | I8042_OUT_RESET),
                     I8042_OUT_A20 | I8042_OUT_RESET);
    /* HIMEM's sequence: D1, DDh (A20 off) then D1, DFh (A20 on) */
    command(f, I8042_CMD_WRITE_OUTPUT);
    data(f, 0xDD);
    assert_false(f->a20);
    assert_int_equal(f->a20_calls, calls + 1);
    command(f, I8042_CMD_READ_OUTPUT);
    assert_int_equal(read_byte(f, false) & I8042_OUT_A20, 0);
    command(f, I8042_CMD_WRITE_OUTPUT);
    data(f, 0xDF);
    assert_true(f->a20);
    command(f, I8042_CMD_READ_OUTPUT);
    assert_int_equal(read_byte(f, false), 0xDF & ~(I8042_OUT_KBD_OBF | I8042_OUT_AUX_OBF));
    /* unchanged: no call */
    command(f, I8042_CMD_WRITE_OUTPUT);
    data(f, 0xDF);
    assert_int_equal(f->a20_calls, calls + 2);
    /* the DDh/DFh commands */
    command(f, I8042_CMD_A20_OFF);
    assert_false(f->a20);
    command(f, I8042_CMD_A20_ON);
    assert_true(f->a20);
    assert_int_equal(f->a20_calls, calls + 4);
    /* the output-buffer-full bit reflects a byte waiting for the host */
    command(f, I8042_CMD_WRITE_KBD_OBUF);
    data(f, 0x11);
    command(f, I8042_CMD_READ_OUTPUT);
    assert_int_equal(read_byte(f, false), 0x11);
    assert_true(read_byte(f, false) & I8042_OUT_KBD_OBF);
    assert_int_equal(f->resets, 0);
}

static void test_reset_line(void **state)
{
    struct fixture *f = *state;

    flush(f);
    command(f, 0xFF);
    assert_int_equal(f->resets, 0);
    command(f, 0xFE);
    assert_int_equal(f->resets, 1);
    command(f, I8042_CMD_PULSE);
    assert_int_equal(f->resets, 2);
    command(f, I8042_CMD_WRITE_OUTPUT);
    data(f, 0xDE);
    assert_int_equal(f->resets, 3);
    assert_true(f->a20);
    /* the reset line reads back released */
    command(f, I8042_CMD_READ_OUTPUT);
    assert_true(read_byte(f, false) & I8042_OUT_RESET);
}

static void test_reset_kinds(void **state)
{
    struct fixture *f = *state;

    flush(f);
    command(f, I8042_CMD_SELF_TEST);
    flush(f);
    /* a half-written two-byte command is dropped by a warm reset */
    command(f, I8042_CMD_WRITE_RAM);
    i8042_reset(f->c, false);
    data(f, PS2KBD_CMD_ECHO);
    EXPECT_BYTES(f, false, 0xEE);
    assert_true(status(f) & I8042_STR_SYSF);
    i8042_reset(f->c, true);
    assert_false(status(f) & I8042_STR_SYSF);
    command(f, I8042_CMD_READ_RAM);
    EXPECT_BYTES(f, false, 0x61);
}

static void test_input_port_and_test_inputs(void **state)
{
    struct fixture *f = *state;

    flush(f);
    command(f, I8042_CMD_READ_INPUT);
    assert_true(read_byte(f, false) & 0x80);
    command(f, I8042_CMD_READ_TEST);
    EXPECT_BYTES(f, false, 0x03);
    command(f, I8042_CMD_KBD_DISABLE);
    command(f, I8042_CMD_READ_TEST);
    EXPECT_BYTES(f, false, 0x02);
    /* unknown commands do nothing */
    command(f, 0x05);
    assert_false(status(f) & I8042_STR_OBF);
}

static void test_no_devices(void **state)
{
    struct fixture *f = *state;

    assert_false(status(f) & I8042_STR_OBF);
    data(f, PS2KBD_CMD_IDENTIFY);
    assert_true(status(f) & I8042_STR_TIMEOUT);
    assert_false(status(f) & I8042_STR_OBF);
    command(f, I8042_CMD_SELF_TEST);
    EXPECT_BYTES(f, false, 0x55);
    command(f, I8042_CMD_WRITE_AUX);
    data(f, PS2MOUSE_CMD_GET_ID);
    assert_true(status(f) & I8042_STR_TIMEOUT);
    assert_false(status(f) & I8042_STR_OBF);
    /* the ports are taken */
    assert_null(i8042_create(f->io, (struct irq_line){ 0 }, (struct irq_line){ 0 }, NULL, NULL,
                             NULL, NULL, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bios_init, setup, teardown),
        cmocka_unit_test_setup_teardown(test_typing_translated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_extended_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_untranslated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keyboard_commands, setup, teardown),
        cmocka_unit_test_setup_teardown(test_typematic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kbd_disable_and_int, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mouse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kbd_before_mouse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_intellimouse_knock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loopback_d2_d3, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a20_and_output_port, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_kinds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_input_port_and_test_inputs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_devices, setup_bare, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
