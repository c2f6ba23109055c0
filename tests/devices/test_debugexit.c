/* Unit tests for devices/debugexit.c: a write of v gives exit code (v << 1) | 1
 * through the callback, for each access size. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "debugexit.h"
#include "ioport.h"

struct exit_rec {
    unsigned calls;
    int code;
};

static void on_exit_fn(void *opaque, int code)
{
    struct exit_rec *rec = opaque;

    rec->calls++;
    rec->code = code;
}

static void test_exit_codes(void **state)
{
    struct exit_rec rec = { 0 };
    struct ioports *io = ioports_create(NULL);
    struct debugexit *dev = debugexit_create(io, DEBUGEXIT_PORT, on_exit_fn, &rec);
    int code = -7;

    assert_non_null(dev);
    assert_false(debugexit_exited(dev, &code));
    assert_int_equal(code, -7);
    assert_int_equal(rec.calls, 0);
    ioports_write(io, 0xF4, 1, 0x00);
    assert_int_equal(rec.calls, 1);
    assert_int_equal(rec.code, 1);
    assert_true(debugexit_exited(dev, &code));
    assert_int_equal(code, 1);
    ioports_write(io, 0xF4, 1, 0x21);
    assert_int_equal(rec.code, 0x43);
    ioports_write(io, 0xF4, 2, 0x1234);
    assert_int_equal(rec.code, 0x2469);
    ioports_write(io, 0xF4, 4, 0x00012345);
    assert_int_equal(rec.code, 0x2468B);
    assert_int_equal(rec.calls, 4);
    assert_true(debugexit_exited(dev, &code));
    assert_int_equal(code, 0x2468B);
    assert_int_equal(ioports_read(io, 0xF4, 1), 0);
    debugexit_destroy(dev);
    ioports_destroy(io);
}

static void test_no_callback_and_conflict(void **state)
{
    struct ioports *io = ioports_create(NULL);
    struct debugexit *dev = debugexit_create(io, 0x501, NULL, NULL);
    int code = 0;

    assert_non_null(dev);
    assert_null(debugexit_create(io, 0x503, NULL, NULL));
    ioports_write(io, 0x501, 2, 3);
    assert_true(debugexit_exited(dev, &code));
    assert_int_equal(code, 7);
    debugexit_destroy(dev);
    ioports_destroy(io);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_no_callback_and_conflict),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
