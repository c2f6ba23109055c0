/* Unit tests for devices/speaker.c (port 61h) with a real 8254: bits as written, the
 * refresh toggle from virtual time, PIT channel 2's gate and output bit, and the
 * speaker level (OUT2 AND data enable) reported and counted. */
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
#include "speaker.h"

enum { MAX_EDGES = 64 };

struct fixture {
    struct ioports *io;
    struct vclock *clk;
    struct pit8254 *pit;
    struct speaker *spk;
    uint64_t edge_ns[MAX_EDGES];
    bool edge_level[MAX_EDGES];
    unsigned nedges;
};

static uint64_t ns_of_tick(uint64_t tick)
{
    unsigned __int128 num = (unsigned __int128)tick * 3000000000u;

    return (uint64_t)((num + 3579544) / 3579545);
}

static void on_speaker(void *opaque, bool level, uint64_t now_ns)
{
    struct fixture *f = opaque;

    if (f->nedges < MAX_EDGES) {
        f->edge_ns[f->nedges] = now_ns;
        f->edge_level[f->nedges] = level;
    }
    f->nedges++;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    f->io = ioports_create(NULL);
    f->clk = vclock_create();
    assert_non_null(f->io);
    assert_non_null(f->clk);
    /* IRQ0 unconnected: the only timers are the ones the speaker asks for */
    f->pit = pit8254_create(f->io, f->clk, (struct irq_line){ 0 }, NULL);
    assert_non_null(f->pit);
    f->spk = speaker_create(f->io, f->clk, f->pit, NULL);
    assert_non_null(f->spk);
    speaker_set_callback(f->spk, on_speaker, f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    speaker_destroy(f->spk);
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

static void program_ch2(struct fixture *f, unsigned mode, uint16_t count)
{
    out8(f, 0x43, (uint8_t)(0xB0 | mode << 1));
    out8(f, 0x42, (uint8_t)count);
    out8(f, 0x42, (uint8_t)(count >> 8));
}

static void test_bits_as_written(void **state)
{
    struct fixture *f = *state;

    assert_string_equal(ioports_owner(f->io, 0x61), "port B (speaker)");
    assert_null(speaker_create(f->io, f->clk, f->pit, NULL));
    assert_int_equal(in8(f, 0x61) & 0x0F, 0x00);
    out8(f, 0x61, 0x0C);
    assert_int_equal(in8(f, 0x61) & 0xCF, 0x0C);
    /* bits 4-7 are status: writes do not stick, 6 and 7 read 0 here */
    out8(f, 0x61, 0xF0);
    assert_int_equal(in8(f, 0x61) & 0xCF, 0x00);
    out8(f, 0x61, 0x0C);
    speaker_reset(f->spk, false);
    assert_int_equal(in8(f, 0x61) & 0x0F, 0x0C);
    speaker_reset(f->spk, true);
    assert_int_equal(in8(f, 0x61) & 0x0F, 0x00);
}

static void test_refresh_toggle(void **state)
{
    struct fixture *f = *state;
    unsigned flips = 0;
    uint8_t last = in8(f, 0x61) & 0x10;

    assert_int_equal(last, 0);
    vclock_advance_to(f->clk, 15084);
    assert_int_equal(in8(f, 0x61) & 0x10, 0x00);
    vclock_advance_to(f->clk, 15085);
    assert_int_equal(in8(f, 0x61) & 0x10, 0x10);
    vclock_advance_to(f->clk, 30169);
    assert_int_equal(in8(f, 0x61) & 0x10, 0x10);
    vclock_advance_to(f->clk, 30170);
    assert_int_equal(in8(f, 0x61) & 0x10, 0x00);
    /* a BIOS delay loop: 1 ms holds 66 flips of 15.085 us, 2 of them before 30.17 us */
    for (uint64_t ns = 30170; ns <= 1000000; ns += 1000) {
        uint8_t bit;

        vclock_advance_to(f->clk, ns);
        bit = in8(f, 0x61) & 0x10;
        flips += bit != last;
        last = bit;
    }
    assert_int_equal(flips, 1000000 / 15085 - 2);
}

static void test_gate_and_out2(void **state)
{
    struct fixture *f = *state;

    /* mode 0 count 100: gate 2 is bit 0, OUT2 is bit 5 */
    program_ch2(f, 0, 100);
    vclock_advance_to(f->clk, ns_of_tick(500));
    assert_int_equal(in8(f, 0x61) & 0x20, 0x00);
    out8(f, 0x43, 0x80);
    assert_int_equal(in8(f, 0x42), 100);
    assert_int_equal(in8(f, 0x42), 0);
    out8(f, 0x61, 0x01);
    vclock_advance_to(f->clk, ns_of_tick(599));
    assert_int_equal(in8(f, 0x61) & 0x20, 0x00);
    vclock_advance_to(f->clk, ns_of_tick(600));
    assert_int_equal(in8(f, 0x61) & 0x21, 0x21);
    /* gate alone moves no speaker */
    assert_int_equal(f->nedges, 0);
    assert_int_equal(speaker_edges(f->spk), 0);
    assert_int_equal(vclock_next_deadline(f->clk), UINT64_MAX);
}

static void test_tone(void **state)
{
    struct fixture *f = *state;

    /* a BIOS beep: mode 3, 1193 (about 1 kHz), then gate and data on */
    program_ch2(f, 3, 1193);
    out8(f, 0x61, 0x03);
    assert_true(speaker_level(f->spk));
    vclock_advance_to(f->clk, 10000000);
    /* on, then 10 falling (1 + 597 + 1193 m) and 10 rising (1 + 1193 + 1193 m) edges
     * in the 11931 CLKs of 10 ms */
    assert_int_equal(speaker_edges(f->spk), 21);
    assert_int_equal(f->nedges, 21);
    assert_true(f->edge_level[0]);
    assert_int_equal(f->edge_ns[0], 0);
    assert_false(f->edge_level[1]);
    assert_int_equal(f->edge_ns[1], ns_of_tick(598));
    assert_true(f->edge_level[2]);
    assert_int_equal(f->edge_ns[2], ns_of_tick(1194));
    assert_int_equal(f->edge_ns[20], ns_of_tick(11931));
    /* data off: the speaker goes quiet and OUT2 edges are no longer timed */
    out8(f, 0x61, 0x01);
    assert_false(speaker_level(f->spk));
    assert_int_equal(speaker_edges(f->spk), 22);
    assert_int_equal(vclock_next_deadline(f->clk), UINT64_MAX);
    vclock_advance_to(f->clk, 20000000);
    assert_int_equal(speaker_edges(f->spk), 22);
    /* OUT2 still runs and shows in bit 5: it rose at 1 + 20 * 1193, falls 597 later */
    vclock_advance_to(f->clk, ns_of_tick(23862));
    assert_int_equal(in8(f, 0x61) & 0x20, 0x20);
    vclock_advance_to(f->clk, ns_of_tick(23861 + 596));
    assert_int_equal(in8(f, 0x61) & 0x20, 0x20);
    vclock_advance_to(f->clk, ns_of_tick(23861 + 597));
    assert_int_equal(in8(f, 0x61) & 0x20, 0x00);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bits_as_written, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh_toggle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gate_and_out2, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tone, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
