/* Unit tests for devices/rtc146818.c, driven through ports 70h/71h like a BIOS or
 * an OS driver: time formats, SET, UIP timing, periodic/alarm/update interrupts,
 * register C, the NMI bit, CMOS RAM and its checksum. Time moves by vclock only. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "clock.h"
#include "ioport.h"
#include "rtc146818.h"

static const uint64_t US = 1000, MS = 1000000, SEC = 1000000000;

struct fixture {
    struct ioports *io;
    struct vclock *clk;
    struct rtc146818 *rtc;
    bool irq;
    unsigned raises;
};

static void irq_changed(void *opaque, unsigned n, bool level)
{
    struct fixture *f = opaque;

    assert_int_equal(n, RTC146818_IRQ);
    if (level && !f->irq)
        f->raises++;
    f->irq = level;
}

/* Thursday 29 February 2024, hh:mm:ss. */
static struct tm leap_day(int hour, int min, int sec)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = 124;
    tm.tm_mon = 1;
    tm.tm_mday = 29;
    tm.tm_wday = 4;
    tm.tm_hour = hour;
    tm.tm_min = min;
    tm.tm_sec = sec;
    return tm;
}

static void fixture_init(struct fixture *f, const struct tm *start)
{
    struct irq_line line;

    memset(f, 0, sizeof(*f));
    line = (struct irq_line){ .set = irq_changed, .opaque = f, .n = RTC146818_IRQ };
    f->io = ioports_create(NULL);
    f->clk = vclock_create();
    assert_non_null(f->io);
    assert_non_null(f->clk);
    f->rtc = rtc146818_create(f->io, f->clk, line, start, NULL);
    assert_non_null(f->rtc);
}

static void fixture_fini(struct fixture *f)
{
    rtc146818_destroy(f->rtc);
    ioports_destroy(f->io);
    vclock_destroy(f->clk);
}

static uint8_t cmos_read(struct fixture *f, uint8_t index)
{
    ioports_write(f->io, RTC146818_PORT_INDEX, 1, index);
    return (uint8_t)ioports_read(f->io, RTC146818_PORT_DATA, 1);
}

static void cmos_write(struct fixture *f, uint8_t index, uint8_t value)
{
    ioports_write(f->io, RTC146818_PORT_INDEX, 1, index);
    ioports_write(f->io, RTC146818_PORT_DATA, 1, value);
}

static void advance(struct fixture *f, uint64_t ns)
{
    vclock_advance_to(f->clk, vclock_now(f->clk) + ns);
}

/* Seconds, minutes, hours, day of week, day of month, month, year, century. */
static void expect_time(struct fixture *f, const uint8_t want[8])
{
    static const uint8_t index[8] = { RTC_SECONDS, RTC_MINUTES, RTC_HOURS, RTC_DAY_OF_WEEK,
                                      RTC_DAY_OF_MONTH, RTC_MONTH, RTC_YEAR, CMOS_CENTURY };

    for (unsigned i = 0; i < 8; i++)
        assert_int_equal(cmos_read(f, index[i]), want[i]);
}

static void write_time(struct fixture *f, const uint8_t t[8])
{
    static const uint8_t index[8] = { RTC_SECONDS, RTC_MINUTES, RTC_HOURS, RTC_DAY_OF_WEEK,
                                      RTC_DAY_OF_MONTH, RTC_MONTH, RTC_YEAR, CMOS_CENTURY };

    for (unsigned i = 0; i < 8; i++)
        cmos_write(f, index[i], t[i]);
}

static void test_bcd_time_and_rollover(void **state)
{
    struct tm start = leap_day(23, 59, 58);
    struct fixture f;

    fixture_init(&f, &start);
    assert_int_equal(cmos_read(&f, RTC_REG_A), 0x26);
    assert_int_equal(cmos_read(&f, RTC_REG_B), RTC_B_24H);
    assert_int_equal(cmos_read(&f, RTC_REG_D), RTC_D_VRT);
    expect_time(&f, (const uint8_t[8]){ 0x58, 0x59, 0x23, 0x05, 0x29, 0x02, 0x24, 0x20 });
    advance(&f, SEC - 1);
    assert_int_equal(cmos_read(&f, RTC_SECONDS), 0x58);
    advance(&f, 1);
    assert_int_equal(cmos_read(&f, RTC_SECONDS), 0x59);
    /* leap day -> 1 March, Thursday -> Friday */
    advance(&f, SEC);
    expect_time(&f, (const uint8_t[8]){ 0x00, 0x00, 0x00, 0x06, 0x01, 0x03, 0x24, 0x20 });
    /* end of a century: Thursday 31 Dec 2099 -> Friday 1 Jan 2100 */
    cmos_write(&f, RTC_REG_B, RTC_B_SET | RTC_B_24H);
    write_time(&f, (const uint8_t[8]){ 0x59, 0x59, 0x23, 0x05, 0x31, 0x12, 0x99, 0x20 });
    cmos_write(&f, RTC_REG_B, RTC_B_24H);
    advance(&f, SEC);
    expect_time(&f, (const uint8_t[8]){ 0x00, 0x00, 0x00, 0x06, 0x01, 0x01, 0x00, 0x21 });
    /* 2100 is not a leap year: Sunday 28 Feb -> Monday 1 Mar */
    cmos_write(&f, RTC_REG_B, RTC_B_SET | RTC_B_24H);
    write_time(&f, (const uint8_t[8]){ 0x59, 0x59, 0x23, 0x01, 0x28, 0x02, 0x00, 0x21 });
    cmos_write(&f, RTC_REG_B, RTC_B_24H);
    advance(&f, SEC);
    expect_time(&f, (const uint8_t[8]){ 0x00, 0x00, 0x00, 0x02, 0x01, 0x03, 0x00, 0x21 });
    fixture_fini(&f);
}

static void test_binary_and_12_hour(void **state)
{
    struct tm start = leap_day(8, 0, 0);
    struct fixture f;

    fixture_init(&f, &start);
    /* binary, 12-hour: 11:59:59 PM Sunday 31 Dec 2023 -> Monday 1 Jan 2024 */
    cmos_write(&f, RTC_REG_B, RTC_B_SET | RTC_B_DM);
    write_time(&f, (const uint8_t[8]){ 59, 59, 0x80 | 11, 1, 31, 12, 23, 20 });
    cmos_write(&f, RTC_REG_B, RTC_B_DM);
    advance(&f, SEC);
    /* midnight is 12 AM; binary values, no BCD digits */
    expect_time(&f, (const uint8_t[8]){ 0, 0, 12, 2, 1, 1, 24, 20 });
    /* 11:59:59 AM -> 12:00:00 PM */
    cmos_write(&f, RTC_REG_B, RTC_B_SET | RTC_B_DM);
    cmos_write(&f, RTC_HOURS, 11);
    cmos_write(&f, RTC_MINUTES, 59);
    cmos_write(&f, RTC_SECONDS, 59);
    cmos_write(&f, RTC_REG_B, RTC_B_DM);
    advance(&f, SEC);
    assert_int_equal(cmos_read(&f, RTC_HOURS), 0x80 | 12);
    /* 12:59:59 PM -> 1 PM, BCD 12-hour */
    cmos_write(&f, RTC_REG_B, RTC_B_SET);
    cmos_write(&f, RTC_HOURS, 0x80 | 0x12);
    cmos_write(&f, RTC_MINUTES, 0x59);
    cmos_write(&f, RTC_SECONDS, 0x59);
    cmos_write(&f, RTC_REG_B, 0);
    advance(&f, SEC);
    assert_int_equal(cmos_read(&f, RTC_HOURS), 0x81);
    assert_int_equal(cmos_read(&f, RTC_MINUTES), 0x00);
    fixture_fini(&f);
}

static void test_set_halts_updates(void **state)
{
    struct tm start = leap_day(10, 20, 30);
    struct fixture f;

    fixture_init(&f, &start);
    cmos_write(&f, RTC_REG_B, RTC_B_24H | RTC_B_UIE);
    /* SET going high clears UIE */
    cmos_write(&f, RTC_REG_B, RTC_B_SET | RTC_B_24H | RTC_B_UIE);
    assert_int_equal(cmos_read(&f, RTC_REG_B), RTC_B_SET | RTC_B_24H);
    cmos_write(&f, RTC_HOURS, 0x15);
    cmos_write(&f, RTC_MINUTES, 0x45);
    cmos_write(&f, RTC_SECONDS, 0x00);
    advance(&f, 5 * SEC);
    assert_int_equal(cmos_read(&f, RTC_SECONDS), 0x00);
    assert_int_equal(cmos_read(&f, RTC_REG_C) & RTC_C_UF, 0);
    /* the divider kept running: the next update comes on its second boundary */
    cmos_write(&f, RTC_REG_B, RTC_B_24H);
    advance(&f, SEC - 1);
    assert_int_equal(cmos_read(&f, RTC_SECONDS), 0x00);
    advance(&f, 1);
    assert_int_equal(cmos_read(&f, RTC_SECONDS), 0x01);
    assert_int_equal(cmos_read(&f, RTC_MINUTES), 0x45);
    assert_int_equal(cmos_read(&f, RTC_HOURS), 0x15);
    fixture_fini(&f);
}

/* Poll register A as a BIOS does: wait for UIP to rise, then to fall. */
static void test_uip_window(void **state)
{
    struct tm start = leap_day(1, 2, 3);
    struct fixture f;
    uint64_t rose = 0, fell = 0;

    fixture_init(&f, &start);
    vclock_advance_to(f.clk, SEC - 245 * US);
    assert_int_equal(cmos_read(&f, RTC_REG_A), 0x26);
    while (!(cmos_read(&f, RTC_REG_A) & RTC_A_UIP))
        advance(&f, 1 * US);
    rose = vclock_now(f.clk);
    assert_int_equal(cmos_read(&f, RTC_SECONDS), 0x03);
    while (cmos_read(&f, RTC_REG_A) & RTC_A_UIP)
        advance(&f, 1 * US);
    fell = vclock_now(f.clk);
    assert_int_equal(rose, SEC - 244 * US);
    assert_int_equal(fell, SEC);
    assert_int_equal(cmos_read(&f, RTC_SECONDS), 0x04);
    /* no UIP while SET holds updates off */
    vclock_advance_to(f.clk, 2 * SEC - 100 * US);
    assert_true(cmos_read(&f, RTC_REG_A) & RTC_A_UIP);
    cmos_write(&f, RTC_REG_B, RTC_B_SET | RTC_B_24H);
    assert_false(cmos_read(&f, RTC_REG_A) & RTC_A_UIP);
    fixture_fini(&f);
}

/* Count periodic interrupts over one second, serving each like an ISR (read C). */
static unsigned count_periodic(struct fixture *f, uint64_t step_ns)
{
    uint64_t end = vclock_now(f->clk) + SEC;
    unsigned served = 0;

    while (vclock_now(f->clk) < end) {
        advance(f, step_ns);
        if (f->irq) {
            assert_int_equal(cmos_read(f, RTC_REG_C) & (RTC_C_IRQF | RTC_C_PF), RTC_C_IRQF | RTC_C_PF);
            assert_false(f->irq);
            served++;
        }
    }
    return served;
}

static void test_periodic_rate(void **state)
{
    struct tm start = leap_day(1, 2, 3);
    struct fixture f;

    fixture_init(&f, &start);
    /* PF is set at the rate even with PIE off, without interrupting */
    advance(&f, 2 * MS);
    assert_false(f.irq);
    assert_int_equal(cmos_read(&f, RTC_REG_C), RTC_C_PF);
    assert_int_equal(cmos_read(&f, RTC_REG_C), 0);
    cmos_write(&f, RTC_REG_B, RTC_B_24H | RTC_B_PIE);
    assert_int_equal(count_periodic(&f, 50 * US), 1024);
    cmos_write(&f, RTC_REG_A, RTC_A_DV_32K | 0x0F);
    assert_int_equal(count_periodic(&f, 10 * MS), 2);
    cmos_write(&f, RTC_REG_A, RTC_A_DV_32K | 0x03);
    assert_int_equal(count_periodic(&f, 10 * US), 8192);
    /* RS = 0: no periodic interrupt */
    cmos_write(&f, RTC_REG_A, RTC_A_DV_32K);
    assert_int_equal(count_periodic(&f, 1 * MS), 0);
    fixture_fini(&f);
}

static void test_alarm(void **state)
{
    struct tm start = leap_day(12, 0, 0);
    struct fixture f;

    fixture_init(&f, &start);
    /* RS = 0: no PF in the register C values below */
    cmos_write(&f, RTC_REG_A, RTC_A_DV_32K);
    cmos_write(&f, RTC_SECONDS_ALARM, 0x03);
    cmos_write(&f, RTC_MINUTES_ALARM, 0x00);
    cmos_write(&f, RTC_HOURS_ALARM, 0x12);
    cmos_write(&f, RTC_REG_B, RTC_B_24H | RTC_B_AIE);
    advance(&f, 2 * SEC + 500 * MS);
    assert_false(f.irq);
    advance(&f, 500 * MS);
    assert_true(f.irq);
    assert_int_equal(cmos_read(&f, RTC_REG_C), RTC_C_IRQF | RTC_C_AF | RTC_C_UF);
    assert_false(f.irq);
    advance(&f, SEC);
    assert_false(f.irq);
    /* hours and minutes don't care: once a minute, at :30 */
    cmos_write(&f, RTC_SECONDS_ALARM, 0x30);
    cmos_write(&f, RTC_MINUTES_ALARM, 0xC0);
    cmos_write(&f, RTC_HOURS_ALARM, 0xFF);
    f.raises = 0;
    for (unsigned s = 0; s < 120; s++) {
        advance(&f, SEC);
        if (f.irq) {
            assert_int_equal(cmos_read(&f, RTC_SECONDS), 0x30);
            cmos_read(&f, RTC_REG_C);
        }
    }
    assert_int_equal(f.raises, 2);
    fixture_fini(&f);
}

static void test_update_interrupt_and_register_c(void **state)
{
    struct tm start = leap_day(12, 0, 0);
    struct fixture f;

    fixture_init(&f, &start);
    /* RS = 0: no PF in the register C values below */
    cmos_write(&f, RTC_REG_A, RTC_A_DV_32K);
    /* UF is set at each update; enabling UIE afterwards raises IRQ at once */
    advance(&f, SEC);
    assert_false(f.irq);
    cmos_write(&f, RTC_REG_B, RTC_B_24H | RTC_B_UIE);
    assert_true(f.irq);
    assert_int_equal(cmos_read(&f, RTC_REG_C), RTC_C_IRQF | RTC_C_UF);
    assert_false(f.irq);
    assert_int_equal(cmos_read(&f, RTC_REG_C), 0);
    /* the line stays up until C is read, however long that takes */
    advance(&f, SEC);
    assert_true(f.irq);
    advance(&f, 3 * SEC);
    assert_true(f.irq);
    assert_int_equal(f.raises, 2);
    assert_int_equal(cmos_read(&f, RTC_REG_C), RTC_C_IRQF | RTC_C_UF);
    assert_false(f.irq);
    /* clearing the enable drops IRQF (and the line) but keeps the flag */
    advance(&f, SEC);
    assert_true(f.irq);
    cmos_write(&f, RTC_REG_B, RTC_B_24H);
    assert_false(f.irq);
    assert_int_equal(cmos_read(&f, RTC_REG_C), RTC_C_UF);
    /* C and D are read-only */
    cmos_write(&f, RTC_REG_D, 0);
    cmos_write(&f, RTC_REG_C, 0xF0);
    assert_int_equal(cmos_read(&f, RTC_REG_D), RTC_D_VRT);
    assert_int_equal(cmos_read(&f, RTC_REG_C), 0);
    fixture_fini(&f);
}

static void test_divider_reset(void **state)
{
    struct tm start = leap_day(12, 0, 0);
    struct fixture f;

    fixture_init(&f, &start);
    cmos_write(&f, RTC_REG_A, 0x70 | 0x06);
    advance(&f, 5 * SEC);
    assert_int_equal(cmos_read(&f, RTC_SECONDS), 0x00);
    assert_int_equal(cmos_read(&f, RTC_REG_C), 0);
    /* first update half a second after the reset ends */
    cmos_write(&f, RTC_REG_A, 0x26);
    advance(&f, 500 * MS - 1);
    assert_int_equal(cmos_read(&f, RTC_SECONDS), 0x00);
    advance(&f, 1);
    assert_int_equal(cmos_read(&f, RTC_SECONDS), 0x01);
    advance(&f, SEC);
    assert_int_equal(cmos_read(&f, RTC_SECONDS), 0x02);
    fixture_fini(&f);
}

static void test_daylight_saving(void **state)
{
    struct tm start = leap_day(0, 0, 0);
    struct fixture f;

    fixture_init(&f, &start);
    /* Sunday 28 April 2024 1:59:59 -> 3:00:00 */
    cmos_write(&f, RTC_REG_B, RTC_B_SET | RTC_B_24H | RTC_B_DSE);
    write_time(&f, (const uint8_t[8]){ 0x59, 0x59, 0x01, 0x01, 0x28, 0x04, 0x24, 0x20 });
    cmos_write(&f, RTC_REG_B, RTC_B_24H | RTC_B_DSE);
    advance(&f, SEC);
    assert_int_equal(cmos_read(&f, RTC_HOURS), 0x03);
    /* Sunday 27 October 2024: 1:59:59 -> 1:00:00 once, then on to 2:00:00 */
    cmos_write(&f, RTC_REG_B, RTC_B_SET | RTC_B_24H | RTC_B_DSE);
    write_time(&f, (const uint8_t[8]){ 0x59, 0x59, 0x01, 0x01, 0x27, 0x10, 0x24, 0x20 });
    cmos_write(&f, RTC_REG_B, RTC_B_24H | RTC_B_DSE);
    advance(&f, SEC);
    assert_int_equal(cmos_read(&f, RTC_HOURS), 0x01);
    assert_int_equal(cmos_read(&f, RTC_MINUTES), 0x00);
    advance(&f, 3600ull * SEC);
    assert_int_equal(cmos_read(&f, RTC_HOURS), 0x02);
    assert_int_equal(cmos_read(&f, RTC_MINUTES), 0x00);
    fixture_fini(&f);
}

static void test_index_port_and_nmi_bit(void **state)
{
    struct tm start = leap_day(12, 0, 0);
    struct fixture f;

    fixture_init(&f, &start);
    assert_false(rtc146818_nmi_disabled(f.rtc));
    ioports_write(f.io, RTC146818_PORT_INDEX, 1, 0x80 | RTC_REG_A);
    assert_true(rtc146818_nmi_disabled(f.rtc));
    assert_int_equal(ioports_read(f.io, RTC146818_PORT_DATA, 1), 0x26);
    ioports_write(f.io, RTC146818_PORT_INDEX, 1, 0x80 | 0x50);
    ioports_write(f.io, RTC146818_PORT_DATA, 1, 0xA5);
    assert_true(rtc146818_nmi_disabled(f.rtc));
    ioports_write(f.io, RTC146818_PORT_INDEX, 1, 0x50);
    assert_false(rtc146818_nmi_disabled(f.rtc));
    assert_int_equal(ioports_read(f.io, RTC146818_PORT_DATA, 1), 0xA5);
    /* the index latch is write-only */
    assert_int_equal(ioports_read(f.io, RTC146818_PORT_INDEX, 1), 0xFF);
    fixture_fini(&f);
}

static void test_nvram_and_checksum(void **state)
{
    struct tm start = leap_day(12, 0, 0);
    struct fixture f;
    unsigned sum = 0;

    fixture_init(&f, &start);
    for (unsigned i = RTC_NVRAM_FIRST; i < RTC146818_CMOS_SIZE; i++)
        cmos_write(&f, (uint8_t)i, (uint8_t)(i * 7 + 3));
    for (unsigned i = RTC_NVRAM_FIRST; i < RTC146818_CMOS_SIZE; i++) {
        if (i == CMOS_CENTURY)
            continue;
        assert_int_equal(cmos_read(&f, (uint8_t)i), (uint8_t)(i * 7 + 3));
        assert_int_equal(rtc146818_nvram_get(f.rtc, (uint8_t)i), (uint8_t)(i * 7 + 3));
    }
    /* the board's memory size: 640 KiB base, 15 MiB extended */
    rtc146818_nvram_set(f.rtc, CMOS_BASE_MEM_LO, 0x80);
    rtc146818_nvram_set(f.rtc, CMOS_BASE_MEM_HI, 0x02);
    rtc146818_nvram_set(f.rtc, CMOS_EXT_MEM_LO, 0x00);
    rtc146818_nvram_set(f.rtc, CMOS_EXT_MEM_HI, 0x3C);
    assert_int_equal(cmos_read(&f, CMOS_BASE_MEM_LO), 0x80);
    assert_int_equal(cmos_read(&f, CMOS_EXT_MEM_HI), 0x3C);
    rtc146818_update_checksum(f.rtc);
    for (unsigned i = CMOS_CHECKSUM_FIRST; i <= CMOS_CHECKSUM_LAST; i++)
        sum += cmos_read(&f, (uint8_t)i);
    assert_true(sum > 0xFF);
    assert_int_equal(cmos_read(&f, CMOS_CHECKSUM_HI), sum >> 8);
    assert_int_equal(cmos_read(&f, CMOS_CHECKSUM_LO), sum & 0xFF);
    /* RAM and time survive a reset; the interrupt enables do not */
    cmos_write(&f, RTC_REG_B, RTC_B_24H | RTC_B_PIE | RTC_B_UIE);
    advance(&f, SEC);
    assert_true(f.irq);
    rtc146818_reset(f.rtc, true);
    assert_false(f.irq);
    assert_int_equal(cmos_read(&f, RTC_REG_B), RTC_B_24H);
    assert_int_equal(cmos_read(&f, RTC_REG_C), 0);
    assert_int_equal(cmos_read(&f, CMOS_EXT_MEM_HI), 0x3C);
    assert_int_equal(cmos_read(&f, RTC_SECONDS), 0x01);
    fixture_fini(&f);
}

static bool is_bcd(uint8_t v)
{
    return (v & 0x0F) <= 9 && (v >> 4) <= 9;
}

static void test_host_time_and_port_clash(void **state)
{
    struct fixture f;
    struct irq_line none = { 0 };

    fixture_init(&f, NULL);
    assert_true(is_bcd(cmos_read(&f, RTC_SECONDS)));
    assert_true(is_bcd(cmos_read(&f, RTC_HOURS)));
    assert_true(cmos_read(&f, RTC_MONTH) >= 0x01 && cmos_read(&f, RTC_MONTH) <= 0x12);
    assert_true(cmos_read(&f, CMOS_CENTURY) >= 0x20);
    assert_null(rtc146818_create(f.io, f.clk, none, NULL, NULL));
    assert_string_equal(ioports_owner(f.io, 0x71), "MC146818 RTC");
    fixture_fini(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bcd_time_and_rollover),
        cmocka_unit_test(test_binary_and_12_hour),
        cmocka_unit_test(test_set_halts_updates),
        cmocka_unit_test(test_uip_window),
        cmocka_unit_test(test_periodic_rate),
        cmocka_unit_test(test_alarm),
        cmocka_unit_test(test_update_interrupt_and_register_c),
        cmocka_unit_test(test_divider_reset),
        cmocka_unit_test(test_daylight_saving),
        cmocka_unit_test(test_index_port_and_nmi_bit),
        cmocka_unit_test(test_nvram_and_checksum),
        cmocka_unit_test(test_host_time_and_port_clash),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
