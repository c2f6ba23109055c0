/* Unit tests for devices/pit8254.c through ports 40h-43h, with time driven by the
 * virtual clock: each mode's OUT waveform and counts at chosen CLK edges, BCD,
 * latch and read-back, gates, IRQ0 edges at the programmed rate. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "clock.h"
#include "ioport.h"
#include "irq.h"
#include "pit8254.h"

enum { MAX_EDGES = 64 };

struct edge {
    uint64_t ns;
    bool level;
};

struct fixture {
    struct ioports *io;
    struct vclock *clk;
    struct pit8254 *pit;
    struct edge irq[MAX_EDGES];
    unsigned nirq;
    struct edge out2[MAX_EDGES];
    unsigned nout2;
};

/* CLK edge k of the 14.31818 MHz / 12 clock: the first ns with k * 3e9 / 3579545 <= ns */
static uint64_t ns_of_tick(uint64_t tick)
{
    unsigned __int128 num = (unsigned __int128)tick * 3000000000u;

    return (uint64_t)((num + 3579544) / 3579545);
}

static void record(struct edge *log, unsigned *n, bool level, uint64_t ns)
{
    assert_true(*n < MAX_EDGES);
    log[*n].ns = ns;
    log[*n].level = level;
    (*n)++;
}

static void on_irq(void *opaque, unsigned n, bool level)
{
    struct fixture *f = opaque;

    assert_int_equal(n, 0);
    record(f->irq, &f->nirq, level, vclock_now(f->clk));
}

static void on_out2(void *opaque, bool level, uint64_t now_ns)
{
    struct fixture *f = opaque;

    assert_int_equal(now_ns, vclock_now(f->clk));
    record(f->out2, &f->nout2, level, now_ns);
}

static int setup_with(void **state, bool irq_connected)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct irq_line irq0 = { .set = irq_connected ? on_irq : NULL, .opaque = f, .n = 0 };

    assert_non_null(f);
    f->io = ioports_create(NULL);
    f->clk = vclock_create();
    assert_non_null(f->io);
    assert_non_null(f->clk);
    f->pit = pit8254_create(f->io, f->clk, irq0, NULL);
    assert_non_null(f->pit);
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_with(state, true);
}

static int setup_no_irq(void **state)
{
    return setup_with(state, false);
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    pit8254_destroy(f->pit);
    assert_int_equal(vclock_next_deadline(f->clk), UINT64_MAX);
    vclock_destroy(f->clk);
    ioports_destroy(f->io);
    free(f);
    return 0;
}

static void out8(struct fixture *f, uint16_t port, uint8_t value)
{
    ioports_write(f->io, port, 1, value);
}

static uint8_t in8(struct fixture *f, uint16_t port)
{
    return (uint8_t)ioports_read(f->io, port, 1);
}

static void at_tick(struct fixture *f, uint64_t tick)
{
    vclock_advance_to(f->clk, ns_of_tick(tick));
}

/* Program channel ch: control word (mode, LSB then MSB) and a 16-bit count. */
static void program(struct fixture *f, unsigned ch, unsigned mode, uint16_t count)
{
    out8(f, 0x43, (uint8_t)(ch << 6 | 0x30 | mode << 1));
    out8(f, (uint16_t)(0x40 + ch), (uint8_t)count);
    out8(f, (uint16_t)(0x40 + ch), (uint8_t)(count >> 8));
}

/* Counter latch command, then LSB and MSB. */
static uint16_t read_count(struct fixture *f, unsigned ch)
{
    uint8_t lo;

    out8(f, 0x43, (uint8_t)(ch << 6));
    lo = in8(f, (uint16_t)(0x40 + ch));
    return (uint16_t)(lo | in8(f, (uint16_t)(0x40 + ch)) << 8);
}

static uint8_t read_status(struct fixture *f, unsigned ch)
{
    out8(f, 0x43, (uint8_t)(0xE0 | 2u << ch));
    return in8(f, (uint16_t)(0x40 + ch));
}

static void assert_count_at(struct fixture *f, unsigned ch, uint64_t tick, uint16_t count)
{
    at_tick(f, tick);
    assert_int_equal(read_count(f, ch), count);
}

static void assert_out_at(struct fixture *f, unsigned ch, uint64_t tick, bool level)
{
    at_tick(f, tick);
    assert_int_equal(pit8254_out(f->pit, ch), level);
}

static void test_power_on(void **state)
{
    struct fixture *f = *state;

    assert_string_equal(ioports_owner(f->io, 0x43), "8254 PIT");
    assert_null(pit8254_create(f->io, f->clk, (struct irq_line){ 0 }, NULL));
    /* mode 3, LSB/MSB, binary, waiting for a count; IRQ0 follows OUT0 (high) */
    assert_int_equal(read_status(f, 0), 0xF6);
    assert_true(pit8254_out(f->pit, 2));
    assert_int_equal(f->nirq, 1);
    assert_true(f->irq[0].level);
    assert_int_equal(vclock_next_deadline(f->clk), UINT64_MAX);
    assert_int_equal(in8(f, 0x43), 0xFF);
}

static void test_irq0_default_rate(void **state)
{
    struct fixture *f = *state;
    const uint64_t t0 = 1000;

    at_tick(f, t0);
    /* a BIOS's 18.2 Hz timer: mode 3, divisor 0 = 65536 */
    program(f, 0, 3, 0);
    assert_int_equal(vclock_next_deadline(f->clk), ns_of_tick(t0 + 1 + 32768));
    vclock_advance_to(f->clk, 1000000000);
    /* power-on high, then 18 full periods in the first second */
    assert_int_equal(f->nirq, 1 + 2 * 18);
    for (unsigned i = 1; i < f->nirq; i++) {
        uint64_t k = (i + 1) / 2;

        assert_int_equal(f->irq[i].level, i % 2 == 0);
        assert_int_equal(f->irq[i].ns, ns_of_tick(t0 + 1 + 32768 * (2 * k - (i % 2))));
    }
    /* 65536 / 1193181.67 Hz = 54.925417 ms between rising edges */
    assert_in_range(f->irq[4].ns - f->irq[2].ns, 54925417 - 1, 54925417 + 1);
}

static void test_no_listener_no_timer(void **state)
{
    struct fixture *f = *state;

    program(f, 0, 2, 100);
    program(f, 2, 3, 100);
    pit8254_set_gate(f->pit, 2, true);
    assert_int_equal(vclock_next_deadline(f->clk), UINT64_MAX);
    /* counts still come from elapsed time */
    assert_count_at(f, 0, 51, 50);
    assert_false(pit8254_out(f->pit, 2));
}

static void test_mode0(void **state)
{
    struct fixture *f = *state;
    const uint64_t t = 500;

    at_tick(f, t);
    out8(f, 0x43, 0x30);
    assert_false(pit8254_out(f->pit, 0));
    assert_int_equal(read_status(f, 0) & 0xC0, 0x40);
    out8(f, 0x40, 100);
    out8(f, 0x40, 0);
    /* NULL COUNT until the next CLK edge loads the count */
    assert_int_equal(read_status(f, 0), 0x70);
    assert_count_at(f, 0, t + 1, 100);
    assert_int_equal(read_status(f, 0), 0x30);
    assert_count_at(f, 0, t + 41, 60);
    assert_out_at(f, 0, t + 100, false);
    assert_out_at(f, 0, t + 101, true);
    /* the counter wraps on, OUT stays high */
    assert_count_at(f, 0, t + 106, 0xFFFB);
    assert_int_equal(f->nirq, 3);
    assert_int_equal(f->irq[1].ns, ns_of_tick(t));
    assert_false(f->irq[1].level);
    assert_int_equal(f->irq[2].ns, ns_of_tick(t + 101));
    assert_true(f->irq[2].level);
    /* a new count: OUT low again, N+1 edges after the write */
    program(f, 0, 0, 3);
    assert_out_at(f, 0, t + 109, false);
    assert_out_at(f, 0, t + 110, true);
}

static void test_mode0_first_byte_stops(void **state)
{
    struct fixture *f = *state;

    program(f, 0, 0, 1000);
    at_tick(f, 11);
    out8(f, 0x40, 0x10);
    assert_count_at(f, 0, 50, 990);
    assert_false(pit8254_out(f->pit, 0));
    out8(f, 0x40, 0x00);
    assert_count_at(f, 0, 51, 16);
    assert_out_at(f, 0, 66, false);
    assert_out_at(f, 0, 67, true);
}

static void test_mode0_gate(void **state)
{
    struct fixture *f = *state;

    /* channel 2's gate starts low: the count is loaded but not decremented */
    program(f, 2, 0, 20);
    assert_count_at(f, 2, 10, 20);
    pit8254_set_gate(f->pit, 2, true);
    assert_count_at(f, 2, 15, 15);
    pit8254_set_gate(f->pit, 2, false);
    assert_count_at(f, 2, 100, 15);
    assert_false(pit8254_out(f->pit, 2));
    pit8254_set_gate(f->pit, 2, true);
    assert_out_at(f, 2, 114, false);
    assert_out_at(f, 2, 115, true);
}

static void test_mode1_one_shot(void **state)
{
    struct fixture *f = *state;

    pit8254_set_out_callback(f->pit, 2, on_out2, f);
    program(f, 2, 1, 4);
    assert_out_at(f, 2, 10, true);
    assert_int_equal(read_status(f, 2) & 0x40, 0x40);
    pit8254_set_gate(f->pit, 2, true);
    assert_out_at(f, 2, 11, false);
    assert_int_equal(read_status(f, 2) & 0xC0, 0x00);
    assert_out_at(f, 2, 14, false);
    assert_out_at(f, 2, 15, true);
    /* retrigger during the pulse: the count restarts from the next edge */
    pit8254_set_gate(f->pit, 2, false);
    at_tick(f, 20);
    pit8254_set_gate(f->pit, 2, true);
    at_tick(f, 22);
    pit8254_set_gate(f->pit, 2, false);
    pit8254_set_gate(f->pit, 2, true);
    assert_count_at(f, 2, 24, 3);
    assert_out_at(f, 2, 26, false);
    assert_out_at(f, 2, 27, true);
    vclock_advance_to(f->clk, ns_of_tick(100));
    assert_int_equal(f->nout2, 4);
    assert_int_equal(f->out2[0].ns, ns_of_tick(11));
    assert_int_equal(f->out2[1].ns, ns_of_tick(15));
    assert_int_equal(f->out2[2].ns, ns_of_tick(21));
    assert_int_equal(f->out2[3].ns, ns_of_tick(27));
}

static void test_mode2_rate(void **state)
{
    struct fixture *f = *state;
    const uint64_t t = 200;

    at_tick(f, t);
    program(f, 0, 2, 10);
    assert_count_at(f, 0, t + 1, 10);
    assert_count_at(f, 0, t + 5, 6);
    assert_out_at(f, 0, t + 9, true);
    assert_count_at(f, 0, t + 10, 1);
    assert_false(pit8254_out(f->pit, 0));
    assert_count_at(f, 0, t + 11, 10);
    assert_true(pit8254_out(f->pit, 0));
    assert_out_at(f, 0, t + 20, false);
    assert_out_at(f, 0, t + 21, true);
    /* IRQ0 rising edges every 10 CLKs */
    vclock_advance_to(f->clk, ns_of_tick(t + 41));
    assert_int_equal(f->nirq, 1 + 2 * 4);
    assert_int_equal(f->irq[8].ns, ns_of_tick(t + 41));
    assert_int_equal(f->irq[7].ns, ns_of_tick(t + 40));
    /* a new count takes effect at the end of the running cycle */
    at_tick(f, t + 45);
    out8(f, 0x40, 4);
    out8(f, 0x40, 0);
    assert_count_at(f, 0, t + 50, 1);
    assert_count_at(f, 0, t + 51, 4);
    assert_out_at(f, 0, t + 54, false);
    assert_out_at(f, 0, t + 55, true);
}

static void test_mode2_gate(void **state)
{
    struct fixture *f = *state;

    pit8254_set_gate(f->pit, 2, true);
    program(f, 2, 2, 5);
    assert_out_at(f, 2, 5, false);
    /* GATE low: OUT high at once, counting stops */
    pit8254_set_gate(f->pit, 2, false);
    assert_true(pit8254_out(f->pit, 2));
    assert_count_at(f, 2, 30, 1);
    assert_true(pit8254_out(f->pit, 2));
    /* GATE high: the count reloads on the next edge */
    pit8254_set_gate(f->pit, 2, true);
    assert_count_at(f, 2, 31, 5);
    assert_out_at(f, 2, 34, true);
    assert_out_at(f, 2, 35, false);
}

static void test_mode3_square(void **state)
{
    struct fixture *f = *state;
    static const uint16_t odd_counts[] = { 4, 2, 0, 4, 2, 4, 2, 0 };
    static const bool odd_out[] = { 1, 1, 1, 0, 0, 1, 1, 1 };

    pit8254_set_gate(f->pit, 2, true);
    pit8254_set_out_callback(f->pit, 2, on_out2, f);
    /* odd N = 5: high for 3 CLKs, low for 2, the CE counting down by two */
    program(f, 2, 3, 5);
    for (unsigned i = 0; i < 8; i++) {
        assert_count_at(f, 2, 1 + i, odd_counts[i]);
        assert_int_equal(pit8254_out(f->pit, 2), odd_out[i]);
    }
    assert_int_equal(f->nout2, 2);
    assert_int_equal(f->out2[0].ns, ns_of_tick(4));
    assert_int_equal(f->out2[1].ns, ns_of_tick(6));
    /* even N = 6 written as OUT falls: the running low half ends first, then 3 high,
     * 3 low */
    at_tick(f, 9);
    out8(f, 0x42, 6);
    out8(f, 0x42, 0);
    assert_out_at(f, 2, 10, false);
    assert_count_at(f, 2, 11, 6);
    assert_true(pit8254_out(f->pit, 2));
    assert_count_at(f, 2, 12, 4);
    assert_count_at(f, 2, 13, 2);
    assert_out_at(f, 2, 14, false);
    assert_count_at(f, 2, 14, 6);
    assert_out_at(f, 2, 16, false);
    assert_out_at(f, 2, 17, true);
}

static void test_mode4_strobe(void **state)
{
    struct fixture *f = *state;

    at_tick(f, 10);
    program(f, 0, 4, 3);
    assert_out_at(f, 0, 13, true);
    assert_out_at(f, 0, 14, false);
    assert_out_at(f, 0, 15, true);
    vclock_advance_to(f->clk, ns_of_tick(1000));
    /* one strobe only: the counter wraps without reloading */
    assert_int_equal(f->nirq, 3);
    assert_int_equal(f->irq[1].ns, ns_of_tick(14));
    assert_int_equal(f->irq[2].ns, ns_of_tick(15));
    assert_int_equal(read_count(f, 0), (uint16_t)(3 - (1000 - 11)));
}

static void test_mode5_strobe(void **state)
{
    struct fixture *f = *state;

    pit8254_set_out_callback(f->pit, 2, on_out2, f);
    program(f, 2, 5, 2);
    at_tick(f, 50);
    assert_true(pit8254_out(f->pit, 2));
    pit8254_set_gate(f->pit, 2, true);
    vclock_advance_to(f->clk, ns_of_tick(60));
    assert_int_equal(f->nout2, 2);
    assert_int_equal(f->out2[0].ns, ns_of_tick(53));
    assert_false(f->out2[0].level);
    assert_int_equal(f->out2[1].ns, ns_of_tick(54));
}

static void test_bcd(void **state)
{
    struct fixture *f = *state;

    pit8254_set_gate(f->pit, 2, true);
    /* channel 2, LSB/MSB, mode 0, BCD; count 0100 */
    out8(f, 0x43, 0xB1);
    out8(f, 0x42, 0x00);
    out8(f, 0x42, 0x01);
    assert_count_at(f, 2, 4, 0x0097);
    assert_out_at(f, 2, 100, false);
    assert_out_at(f, 2, 101, true);
    /* BCD 0 is 10000 */
    at_tick(f, 200);
    out8(f, 0x42, 0x00);
    out8(f, 0x42, 0x00);
    assert_count_at(f, 2, 201, 0x0000);
    assert_count_at(f, 2, 202, 0x9999);
    assert_count_at(f, 2, 1201, 0x9000);
    assert_int_equal(read_status(f, 2), 0x31);
}

static void test_latch_and_byte_modes(void **state)
{
    struct fixture *f = *state;

    program(f, 0, 2, 0x1234);
    at_tick(f, 11);
    out8(f, 0x43, 0x00);
    at_tick(f, 20);
    /* a second latch command is ignored until the first is read */
    out8(f, 0x43, 0x00);
    assert_int_equal(in8(f, 0x40), 0x2A);
    assert_int_equal(in8(f, 0x40), 0x12);
    /* unlatched: the live counter */
    at_tick(f, 0x100);
    assert_int_equal(in8(f, 0x40), 0x35);
    assert_int_equal(in8(f, 0x40), 0x11);
    /* LSB only, then MSB only formats */
    at_tick(f, 0x200);
    out8(f, 0x43, 0x14);
    out8(f, 0x40, 0x80);
    at_tick(f, 0x210);
    assert_int_equal(in8(f, 0x40), 0x71);
    assert_int_equal(in8(f, 0x40), 0x71);
    out8(f, 0x43, 0x24);
    out8(f, 0x40, 0x02);
    at_tick(f, 0x211);
    assert_int_equal(in8(f, 0x40), 0x02);
    at_tick(f, 0x212);
    assert_int_equal(in8(f, 0x40), 0x01);
}

static void test_read_back(void **state)
{
    struct fixture *f = *state;

    at_tick(f, 100);
    out8(f, 0x43, 0x34);
    assert_int_equal(read_status(f, 0), 0xF4);
    out8(f, 0x40, 0x00);
    out8(f, 0x40, 0x01);
    at_tick(f, 101);
    assert_int_equal(read_status(f, 0), 0xB4);
    /* count and status of channels 0 and 2: status first, then the count */
    program(f, 2, 0, 50);
    at_tick(f, 110);
    out8(f, 0x43, 0xCA);
    at_tick(f, 150);
    assert_int_equal(in8(f, 0x40), 0xB4);
    assert_int_equal(in8(f, 0x40), 0xF7);
    assert_int_equal(in8(f, 0x40), 0x00);
    assert_int_equal(in8(f, 0x42), 0x30);
    assert_int_equal(in8(f, 0x42), 50);
    assert_int_equal(in8(f, 0x42), 0);
    /* mode bits 11x read back as written */
    out8(f, 0x43, 0x3E);
    assert_int_equal(read_status(f, 0) & 0x3F, 0x3E);
}

static void test_reset(void **state)
{
    struct fixture *f = *state;

    program(f, 0, 2, 100);
    pit8254_reset(f->pit, false);
    assert_count_at(f, 0, 51, 50);
    pit8254_reset(f->pit, true);
    assert_int_equal(read_status(f, 0), 0xF6);
    assert_int_equal(vclock_next_deadline(f->clk), UINT64_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_power_on, setup, teardown),
        cmocka_unit_test_setup_teardown(test_irq0_default_rate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_listener_no_timer, setup_no_irq, teardown),
        cmocka_unit_test_setup_teardown(test_mode0, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mode0_first_byte_stops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mode0_gate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mode1_one_shot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mode2_rate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mode2_gate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mode3_square, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mode4_strobe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mode5_strobe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bcd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_latch_and_byte_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
