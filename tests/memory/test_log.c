/* Unit tests for common/log.c: -d list parsing, help text, printing by mask. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "log.h"

static void test_parse_good(void **state)
{
    uint32_t mask = 0;
    char err[64] = "";

    assert_true(log_parse_items("in_asm", &mask, err, sizeof(err)));
    assert_int_equal(mask, LOG_IN_ASM);
    assert_true(log_parse_items("int,ioport", &mask, err, sizeof(err)));
    assert_int_equal(mask, LOG_INT | LOG_IOPORT);
    assert_true(log_parse_items("in_asm,op,ioport,int,exec,trap,unimp,stats", &mask, err,
                                sizeof(err)));
    assert_int_equal(mask, LOG_IN_ASM | LOG_OP | LOG_IOPORT | LOG_INT | LOG_EXEC | LOG_TRAP |
                               LOG_UNIMP | LOG_STATS);
    assert_true(log_parse_items("op,op", &mask, NULL, 0));
    assert_int_equal(mask, LOG_OP);
}

static void test_parse_bad(void **state)
{
    static const char *const bad[] = { "bogus", "in_as", "in_asmx", "help", "OP", "",
                                       "op,", ",op", "op,,int", "op int" };
    uint32_t mask = 0x1234;
    char err[64];

    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(log_parse_items(bad[i], &mask, err, sizeof(err)));
        assert_int_equal(mask, 0x1234);
    }
    assert_false(log_parse_items("int,bogus,op", &mask, err, sizeof(err)));
    assert_non_null(strstr(err, "'bogus'"));
    assert_false(log_parse_items("in_asm,nope", &mask, err, sizeof(err)));
    assert_non_null(strstr(err, "'nope'"));
    assert_null(strstr(err, "in_asm"));
    /* a short or missing error buffer is not overrun */
    memset(err, 'x', sizeof(err));
    assert_false(log_parse_items("averyveryverylongitemname", &mask, err, 8));
    assert_int_equal(strlen(err), 7);
    assert_int_equal(err[8], 'x');
    assert_false(log_parse_items("bogus", &mask, NULL, 0));
    assert_int_equal(mask, 0x1234);
}

static void test_help_lists_items(void **state)
{
    static const char *const names[] = { "in_asm", "op", "ioport", "int",
                                         "exec", "trap", "unimp", "stats" };
    char buf[2048];
    FILE *f = tmpfile();
    size_t n;

    assert_non_null(f);
    log_items_help(f);
    rewind(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char line_start[32];

        snprintf(line_start, sizeof(line_start), "\n%s ", names[i]);
        assert_non_null(strstr(buf, line_start));
    }
    fclose(f);
}

static void test_printf_mask(void **state)
{
    struct log log;
    char buf[128];
    size_t n;

    log_init(&log);
    assert_true(log.out == stderr);
    assert_int_equal(log.mask, 0);
    log.out = tmpfile();
    assert_non_null(log.out);
    log_printf(&log, LOG_INT, "hidden %d\n", 1);
    log.mask = LOG_INT | LOG_TRAP;
    log_printf(&log, LOG_INT, "shown %d\n", 2);
    log_printf(&log, LOG_EXEC, "hidden %d\n", 3);
    log_printf(NULL, LOG_INT, "no log\n");
    assert_false(log_enabled(NULL, LOG_INT));
    assert_true(log_enabled(&log, LOG_TRAP));
    rewind(log.out);
    n = fread(buf, 1, sizeof(buf) - 1, log.out);
    buf[n] = '\0';
    assert_string_equal(buf, "shown 2\n");
    fclose(log.out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_good),
        cmocka_unit_test(test_parse_bad),
        cmocka_unit_test(test_help_lists_items),
        cmocka_unit_test(test_printf_mask),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
