/* Unit tests for devices/debugcon.c: bytes reach the stream, flushed at newline
 * and on destroy; reads return 0xE9; the port cannot be taken twice. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "debugcon.h"
#include "ioport.h"

/* What reached the file itself, bypassing the FILE buffer. */
static const char *file_contents(FILE *f, char *buf, size_t size)
{
    ssize_t n = pread(fileno(f), buf, size - 1, 0);

    assert_true(n >= 0);
    buf[n] = '\0';
    return buf;
}

static void test_bytes_reach_stream(void **state)
{
    struct ioports *io = ioports_create(NULL);
    FILE *out = tmpfile();
    struct debugcon *con;
    char buf[64];

    assert_non_null(out);
    con = debugcon_create(io, DEBUGCON_PORT, out);
    assert_non_null(con);
    assert_string_equal(ioports_owner(io, 0xE9), "debugcon");
    ioports_write(io, 0xE9, 1, 'o');
    ioports_write(io, 0xE9, 1, 'k');
    assert_string_equal(file_contents(out, buf, sizeof(buf)), "");
    ioports_write(io, 0xE9, 1, '\n');
    assert_string_equal(file_contents(out, buf, sizeof(buf)), "ok\n");
    /* a word write reaches the console as its low byte; 0xEA is not the console's */
    ioports_write(io, 0xE9, 2, 0x4241);
    ioports_write(io, 0xE9, 1, 0x100 | 'C');
    debugcon_destroy(con);
    assert_string_equal(file_contents(out, buf, sizeof(buf)), "ok\nAC");
    ioports_destroy(io);
    fclose(out);
}

static void test_read_returns_e9(void **state)
{
    struct ioports *io = ioports_create(NULL);
    FILE *out = tmpfile();
    struct debugcon *con = debugcon_create(io, DEBUGCON_PORT, out);

    assert_non_null(con);
    assert_int_equal(ioports_read(io, 0xE9, 1), 0xE9);
    debugcon_destroy(con);
    ioports_destroy(io);
    fclose(out);
}

static void test_port_taken(void **state)
{
    struct ioports *io = ioports_create(NULL);
    FILE *out = tmpfile();
    struct debugcon *con = debugcon_create(io, 0x402, out);

    assert_non_null(con);
    assert_null(debugcon_create(io, 0x402, out));
    assert_null(debugcon_create(io, 0x403, NULL));
    debugcon_destroy(con);
    ioports_destroy(io);
    fclose(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bytes_reach_stream),
        cmocka_unit_test(test_read_returns_e9),
        cmocka_unit_test(test_port_taken),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
