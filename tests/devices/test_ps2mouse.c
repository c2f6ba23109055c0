/* Unit tests for devices/ps2mouse.c alone (no controller): reset and ID, stream
 * packets with sign bits and splitting, remote mode with overflow bits, status,
 * 2:1 scaling, wrap mode, IntelliMouse knocks and 4-byte packets. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ps2mouse.h"

static int setup(void **state)
{
    struct ps2mouse *m = ps2mouse_create(NULL);

    *state = m;
    return m ? 0 : -1;
}

static int teardown(void **state)
{
    ps2mouse_destroy(*state);
    return 0;
}

static size_t drain(struct ps2mouse *m, uint8_t *buf, size_t size)
{
    size_t n = 0;

    while (n < size && ps2mouse_read(m, &buf[n]))
        n++;
    return n;
}

#define EXPECT_BYTES(m, ...)                                                \
    do {                                                                    \
        const uint8_t want_[] = { __VA_ARGS__ };                            \
        uint8_t got_[64];                                                   \
        size_t n_ = drain((m), got_, sizeof(got_));                         \
        assert_int_equal(n_, sizeof(want_));                                \
        assert_memory_equal(got_, want_, sizeof(want_));                    \
    } while (0)

static void send(struct ps2mouse *m, uint8_t byte)
{
    ps2mouse_write(m, byte);
}

/* Reset, then enable streaming; leaves the queue empty. */
static void start_stream(struct ps2mouse *m)
{
    send(m, PS2MOUSE_CMD_RESET);
    EXPECT_BYTES(m, 0xFA, 0xAA, 0x00);
    send(m, PS2MOUSE_CMD_ENABLE);
    EXPECT_BYTES(m, 0xFA);
}

static void set_rate(struct ps2mouse *m, uint8_t rate)
{
    send(m, PS2MOUSE_CMD_SAMPLE_RATE);
    send(m, rate);
    EXPECT_BYTES(m, 0xFA, 0xFA);
}

static void test_reset_and_id(void **state)
{
    struct ps2mouse *m = *state;

    EXPECT_BYTES(m, 0xAA, 0x00);
    send(m, PS2MOUSE_CMD_RESET);
    EXPECT_BYTES(m, 0xFA, 0xAA, 0x00);
    send(m, PS2MOUSE_CMD_GET_ID);
    EXPECT_BYTES(m, 0xFA, 0x00);
    send(m, PS2MOUSE_CMD_RESEND);
    EXPECT_BYTES(m, 0x00);
    send(m, 0x12);
    EXPECT_BYTES(m, 0xFE);
    /* reporting is off after reset: motion is not sent */
    ps2mouse_move(m, 5, 5, 0, PS2MOUSE_BUTTON_LEFT);
    assert_false(ps2mouse_has_data(m));
}

static void test_stream_packets(void **state)
{
    struct ps2mouse *m = *state;

    start_stream(m);
    /* right 10, up 5 (screen dy -5), left button */
    ps2mouse_move(m, 10, -5, 0, PS2MOUSE_BUTTON_LEFT);
    EXPECT_BYTES(m, 0x09, 10, 5);
    ps2mouse_move(m, -3, 4, 0, PS2MOUSE_BUTTON_RIGHT | PS2MOUSE_BUTTON_MIDDLE);
    EXPECT_BYTES(m, 0x08 | 0x10 | 0x20 | 0x06, 0xFD, 0xFC);
    /* a button change alone is reported */
    ps2mouse_move(m, 0, 0, 0, 0);
    EXPECT_BYTES(m, 0x08, 0, 0);
    /* beyond the 9-bit range: split over packets, nothing lost */
    ps2mouse_move(m, 300, 0, 0, 0);
    EXPECT_BYTES(m, 0x08, 0xFF, 0x00, 0x08, 45, 0x00);
    ps2mouse_move(m, -300, 0, 0, 0);
    EXPECT_BYTES(m, 0x18, 0x00, 0x00, 0x18, 0xD4, 0x00);
    /* the wheel is ignored on a standard mouse */
    ps2mouse_move(m, 0, 0, 3, 0);
    assert_false(ps2mouse_has_data(m));
}

/* Motion beyond what the queue holds waits there until the host reads. */
static void test_stream_backpressure(void **state)
{
    struct ps2mouse *m = *state;
    uint8_t got[64];
    int sum = 0;
    size_t n;

    start_stream(m);
    ps2mouse_move(m, 255 * 7, 0, 0, 0);
    n = drain(m, got, sizeof(got));
    assert_int_equal(n, 21);
    for (size_t i = 0; i < n; i += 3)
        sum += got[i + 1];
    assert_int_equal(sum, 255 * 7);
}

/* The host's command cuts off a packet being sent. */
static void test_command_drops_packet(void **state)
{
    struct ps2mouse *m = *state;
    uint8_t b;

    start_stream(m);
    ps2mouse_move(m, 1, 1, 0, 0);
    assert_true(ps2mouse_read(m, &b));
    send(m, PS2MOUSE_CMD_DISABLE);
    EXPECT_BYTES(m, 0xFA);
}

static void test_remote_mode(void **state)
{
    struct ps2mouse *m = *state;

    start_stream(m);
    send(m, PS2MOUSE_CMD_REMOTE);
    EXPECT_BYTES(m, 0xFA);
    ps2mouse_move(m, 300, -600, 0, PS2MOUSE_BUTTON_LEFT);
    assert_false(ps2mouse_has_data(m));
    send(m, PS2MOUSE_CMD_READ_DATA);
    EXPECT_BYTES(m, 0xFA, 0x08 | 0x40 | 0x80 | 0x01, 0xFF, 0xFF);
    send(m, PS2MOUSE_CMD_READ_DATA);
    EXPECT_BYTES(m, 0xFA, 0x09, 0x00, 0x00);
    ps2mouse_move(m, -2, 1, 0, 0);
    send(m, PS2MOUSE_CMD_READ_DATA);
    EXPECT_BYTES(m, 0xFA, 0x38, 0xFE, 0xFF);
    send(m, PS2MOUSE_CMD_STREAM);
    EXPECT_BYTES(m, 0xFA);
    ps2mouse_move(m, 1, 0, 0, 0);
    EXPECT_BYTES(m, 0x08, 0x01, 0x00);
}

static void test_status_resolution_scaling(void **state)
{
    struct ps2mouse *m = *state;

    start_stream(m);
    send(m, PS2MOUSE_CMD_STATUS);
    EXPECT_BYTES(m, 0xFA, 0x20, 0x02, 100);
    send(m, PS2MOUSE_CMD_SET_RESOLUTION);
    send(m, 3);
    EXPECT_BYTES(m, 0xFA, 0xFA);
    set_rate(m, 40);
    send(m, PS2MOUSE_CMD_SCALING_2_1);
    EXPECT_BYTES(m, 0xFA);
    ps2mouse_move(m, 0, 0, 0, PS2MOUSE_BUTTON_LEFT);
    EXPECT_BYTES(m, 0x09, 0, 0);
    send(m, PS2MOUSE_CMD_STATUS);
    EXPECT_BYTES(m, 0xFA, 0x20 | 0x10 | 0x04, 0x03, 40);
    /* 2:1 scaling: 1->1, 2->1, 3->3, 4->6, 5->9, 10->20 */
    ps2mouse_move(m, 4, -10, 0, 1);
    EXPECT_BYTES(m, 0x09, 6, 20);
    ps2mouse_move(m, -5, 2, 0, 1);
    EXPECT_BYTES(m, 0x39, 0xF7, 0xFF);
    send(m, PS2MOUSE_CMD_SCALING_1_1);
    EXPECT_BYTES(m, 0xFA);
    ps2mouse_move(m, 4, 0, 0, 1);
    EXPECT_BYTES(m, 0x09, 4, 0);
    /* invalid parameters are refused */
    send(m, PS2MOUSE_CMD_SET_RESOLUTION);
    send(m, 9);
    EXPECT_BYTES(m, 0xFA, 0xFE);
    send(m, PS2MOUSE_CMD_SAMPLE_RATE);
    send(m, 33);
    EXPECT_BYTES(m, 0xFA, 0xFE);
    /* defaults */
    send(m, PS2MOUSE_CMD_DEFAULT);
    EXPECT_BYTES(m, 0xFA);
    send(m, PS2MOUSE_CMD_STATUS);
    EXPECT_BYTES(m, 0xFA, 0x04, 0x02, 100);
}

static void test_wrap_mode(void **state)
{
    struct ps2mouse *m = *state;

    start_stream(m);
    send(m, PS2MOUSE_CMD_WRAP);
    EXPECT_BYTES(m, 0xFA);
    send(m, 0x12);
    send(m, PS2MOUSE_CMD_GET_ID);
    EXPECT_BYTES(m, 0x12, 0xF2);
    ps2mouse_move(m, 5, 0, 0, 0);
    assert_false(ps2mouse_has_data(m));
    send(m, PS2MOUSE_CMD_RESET_WRAP);
    EXPECT_BYTES(m, 0xFA);
    send(m, PS2MOUSE_CMD_GET_ID);
    EXPECT_BYTES(m, 0xFA, 0x00);
}

static void test_intellimouse(void **state)
{
    struct ps2mouse *m = *state;

    start_stream(m);
    /* the wrong order does nothing */
    set_rate(m, 100);
    set_rate(m, 200);
    set_rate(m, 80);
    assert_int_equal(ps2mouse_id(m), 0);
    set_rate(m, 200);
    set_rate(m, 100);
    set_rate(m, 80);
    send(m, PS2MOUSE_CMD_GET_ID);
    EXPECT_BYTES(m, 0xFA, 0x03);
    ps2mouse_move(m, 1, 0, 2, 0);
    EXPECT_BYTES(m, 0x08, 0x01, 0x00, 0x02);
    ps2mouse_move(m, 0, 0, -20, 0);
    EXPECT_BYTES(m, 0x08, 0, 0, 0xF8, 0x08, 0, 0, 0xF8, 0x08, 0, 0, 0xFC);
    /* Explorer knock: ID 04, buttons 4 and 5 in byte 3 */
    set_rate(m, 200);
    set_rate(m, 200);
    set_rate(m, 80);
    send(m, PS2MOUSE_CMD_GET_ID);
    EXPECT_BYTES(m, 0xFA, 0x04);
    ps2mouse_move(m, 0, 0, -1, PS2MOUSE_BUTTON_4 | PS2MOUSE_BUTTON_LEFT);
    EXPECT_BYTES(m, 0x09, 0, 0, 0x1F);
    /* reset forgets it */
    send(m, PS2MOUSE_CMD_RESET);
    EXPECT_BYTES(m, 0xFA, 0xAA, 0x00);
    assert_int_equal(ps2mouse_id(m), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reset_and_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stream_packets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stream_backpressure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_command_drops_packet, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remote_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_resolution_scaling, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrap_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_intellimouse, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
