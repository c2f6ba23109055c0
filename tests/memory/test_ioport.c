/* Unit tests for memory/ioport.c: registration and overlap, size splitting,
 * unmapped all-ones, the -d ioport trace text and once-only unmapped logging. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ioport.h"
#include "log.h"

enum { FAKE_MAX_CALLS = 16 };

struct fake_call {
    int write;
    uint16_t port;
    unsigned size;
    uint32_t value;
};

struct fake_dev {
    struct fake_call calls[FAKE_MAX_CALLS];
    unsigned ncalls;
};

static uint32_t fake_read(void *opaque, uint16_t port, unsigned size)
{
    struct fake_dev *dev = opaque;

    assert_true(dev->ncalls < FAKE_MAX_CALLS);
    dev->calls[dev->ncalls++] = (struct fake_call){ 0, port, size, 0 };
    /* the low byte names the port, bits above it are noise to be masked off */
    return 0xDEAD0000u | (size << 8) | (port & 0xFF);
}

static void fake_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct fake_dev *dev = opaque;

    assert_true(dev->ncalls < FAKE_MAX_CALLS);
    dev->calls[dev->ncalls++] = (struct fake_call){ 1, port, size, value };
}

static const struct ioport_ops byte_ops = { fake_read, fake_write, 1 };
static const struct ioport_ops all_ops = { fake_read, fake_write, 1 | 2 | 4 };

static void assert_call(const struct fake_dev *dev, unsigned i, int write, uint16_t port,
                        unsigned size, uint32_t value)
{
    assert_true(i < dev->ncalls);
    assert_int_equal(dev->calls[i].write, write);
    assert_int_equal(dev->calls[i].port, port);
    assert_int_equal(dev->calls[i].size, size);
    if (write)
        assert_int_equal(dev->calls[i].value, value);
}

static void test_register(void **state)
{
    struct fake_dev a = { 0 }, b = { 0 };
    struct ioports *io = ioports_create(NULL);

    assert_non_null(io);
    assert_true(ioports_register(io, 0x20, 2, &byte_ops, &a, "8259 PIC"));
    assert_true(ioports_register(io, 0x40, 4, &byte_ops, &b, "8254 PIT"));
    assert_string_equal(ioports_owner(io, 0x20), "8259 PIC");
    assert_string_equal(ioports_owner(io, 0x21), "8259 PIC");
    assert_string_equal(ioports_owner(io, 0x43), "8254 PIT");
    assert_null(ioports_owner(io, 0x22));
    assert_null(ioports_owner(io, 0x44));
    /* overlaps, partial or whole, register nothing */
    assert_false(ioports_register(io, 0x1F, 2, &byte_ops, &b, "overlap low"));
    assert_false(ioports_register(io, 0x43, 8, &byte_ops, &b, "overlap high"));
    assert_null(ioports_owner(io, 0x1F));
    assert_null(ioports_owner(io, 0x44));
    /* ranges past 0xFFFF and empty ranges */
    assert_false(ioports_register(io, 0xFFFF, 2, &byte_ops, &b, "wrap"));
    assert_false(ioports_register(io, 0x100, 0x10000, &byte_ops, &b, "huge"));
    assert_false(ioports_register(io, 0x100, 0, &byte_ops, &b, "empty"));
    assert_null(ioports_owner(io, 0xFFFF));
    assert_true(ioports_register(io, 0xFFFF, 1, &byte_ops, &b, "top"));
    assert_string_equal(ioports_owner(io, 0xFFFF), "top");
    assert_true(ioports_register(io, 0x22, 0x1E, &byte_ops, &b, "gap"));
    ioports_destroy(io);
}

static void test_dispatch_whole(void **state)
{
    struct fake_dev dev = { 0 };
    struct ioports *io = ioports_create(NULL);

    assert_true(ioports_register(io, 0xCF8, 8, &all_ops, &dev, "pci"));
    assert_int_equal(ioports_read(io, 0xCF8, 4), 0xDEAD04F8);
    assert_call(&dev, 0, 0, 0xCF8, 4, 0);
    assert_int_equal(ioports_read(io, 0xCFC, 2), 0x02FC);
    assert_int_equal(ioports_read(io, 0xCFD, 1), 0xFD);
    ioports_write(io, 0xCF8, 4, 0x80001234);
    assert_call(&dev, 3, 1, 0xCF8, 4, 0x80001234);
    ioports_write(io, 0xCFE, 2, 0xABCDEF12);
    assert_call(&dev, 4, 1, 0xCFE, 2, 0xEF12);
    assert_int_equal(dev.ncalls, 5);
    ioports_destroy(io);
}

static void test_split(void **state)
{
    struct fake_dev dev = { 0 };
    struct ioports *io = ioports_create(NULL);

    assert_true(ioports_register(io, 0x60, 4, &byte_ops, &dev, "bytes"));
    assert_int_equal(ioports_read(io, 0x60, 2), 0x6160);
    assert_call(&dev, 0, 0, 0x60, 1, 0);
    assert_call(&dev, 1, 0, 0x61, 1, 0);
    ioports_write(io, 0x60, 4, 0x44332211);
    assert_call(&dev, 2, 1, 0x60, 1, 0x11);
    assert_call(&dev, 3, 1, 0x61, 1, 0x22);
    assert_call(&dev, 4, 1, 0x62, 1, 0x33);
    assert_call(&dev, 5, 1, 0x63, 1, 0x44);
    /* a word at the last port: the second byte is unmapped */
    assert_int_equal(ioports_read(io, 0x63, 2), 0xFF63);
    assert_int_equal(dev.ncalls, 7);
    ioports_destroy(io);
}

static void test_split_across_owners(void **state)
{
    struct fake_dev a = { 0 }, b = { 0 };
    struct ioports *io = ioports_create(NULL);

    assert_true(ioports_register(io, 0x1F0, 2, &all_ops, &a, "a"));
    assert_true(ioports_register(io, 0x1F2, 2, &all_ops, &b, "b"));
    assert_int_equal(ioports_read(io, 0x1F0, 4), 0xF3F2F1F0);
    assert_int_equal(a.ncalls, 2);
    assert_int_equal(b.ncalls, 2);
    assert_call(&a, 0, 0, 0x1F0, 1, 0);
    assert_call(&b, 1, 0, 0x1F3, 1, 0);
    ioports_write(io, 0x1F1, 2, 0xBBAA);
    assert_call(&a, 2, 1, 0x1F1, 1, 0xAA);
    assert_call(&b, 2, 1, 0x1F2, 1, 0xBB);
    ioports_destroy(io);
}

static void test_unmapped(void **state)
{
    struct ioports *io = ioports_create(NULL);

    assert_int_equal(ioports_read(io, 0x80, 1), 0xFF);
    assert_int_equal(ioports_read(io, 0x80, 2), 0xFFFF);
    assert_int_equal(ioports_read(io, 0x80, 4), 0xFFFFFFFF);
    assert_int_equal(ioports_read(io, 0xFFFF, 4), 0xFFFFFFFF);
    ioports_write(io, 0x80, 1, 0x12);
    assert_int_equal(ioports_read(io, 0x80, 1), 0xFF);
    ioports_destroy(io);
}

static char *read_all(FILE *f, char *buf, size_t size)
{
    size_t n;

    fflush(f);
    rewind(f);
    n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    return buf;
}

static void test_trace(void **state)
{
    struct fake_dev dev = { 0 };
    struct log log;
    struct ioports *io;
    char buf[512];

    log_init(&log);
    log.out = tmpfile();
    assert_non_null(log.out);
    io = ioports_create(&log);
    assert_true(ioports_register(io, 0xE9, 1, &byte_ops, &dev, "debugcon"));
    ioports_write(io, 0xE9, 1, 0x41);
    assert_string_equal(read_all(log.out, buf, sizeof(buf)), "");
    log.mask = LOG_IOPORT;
    ioports_write(io, 0xE9, 1, 0x41);
    ioports_read(io, 0xE9, 1);
    ioports_read(io, 0x80, 2);
    ioports_write(io, 0x1234, 4, 0xCAFEF00D);
    assert_string_equal(read_all(log.out, buf, sizeof(buf)),
                        "ioport: out 0x00e9 size 1 value 0x41 (debugcon)\n"
                        "ioport: in 0x00e9 size 1 value 0xe9 (debugcon)\n"
                        "ioport: in 0x0080 size 2 value 0xffff (unmapped)\n"
                        "ioport: out 0x1234 size 4 value 0xcafef00d (unmapped)\n");
    ioports_destroy(io);
    fclose(log.out);
}

static unsigned count_substr(const char *s, const char *needle)
{
    unsigned n = 0;

    while ((s = strstr(s, needle)) != NULL) {
        n++;
        s += strlen(needle);
    }
    return n;
}

static void test_unmapped_logged_once(void **state)
{
    struct log log;
    struct ioports *io;
    char buf[1024];

    log_init(&log);
    log.out = tmpfile();
    assert_non_null(log.out);
    io = ioports_create(&log);
    ioports_read(io, 0x80, 1);
    assert_string_equal(read_all(log.out, buf, sizeof(buf)), "");
    log.mask = LOG_UNIMP;
    ioports_read(io, 0x80, 1);
    ioports_read(io, 0x80, 1);
    ioports_write(io, 0x80, 1, 0);
    read_all(log.out, buf, sizeof(buf));
    assert_int_equal(count_substr(buf, "\n"), 1);
    assert_int_equal(count_substr(buf, "0x0080"), 1);
    ioports_read(io, 0x81, 1);
    ioports_write(io, 0x81, 1, 0);
    read_all(log.out, buf, sizeof(buf));
    assert_int_equal(count_substr(buf, "\n"), 2);
    assert_int_equal(count_substr(buf, "0x0081"), 1);
    ioports_destroy(io);
    fclose(log.out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register),
        cmocka_unit_test(test_dispatch_whole),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_split_across_owners),
        cmocka_unit_test(test_unmapped),
        cmocka_unit_test(test_trace),
        cmocka_unit_test(test_unmapped_logged_once),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
