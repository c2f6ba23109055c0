/* Unit tests for devices/pic8259.c, programmed through its ports as a PC BIOS and
 * OS do: init sequences, masks, priority and nesting, EOIs, rotation, AEOI, edge vs
 * level (ELCR), poll, IRR/ISR reads, special modes, spurious IRQ 7/15, cascade. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "ioport.h"
#include "irq.h"
#include "pic8259.h"

struct fixture {
    struct ioports *io;
    struct pic8259 *pic;
    bool intr;
    unsigned intr_calls;
};

static void on_intr(void *opaque, bool level)
{
    struct fixture *f = opaque;

    assert_true(level != f->intr);
    f->intr = level;
    f->intr_calls++;
}

static void out8(struct fixture *f, uint16_t port, uint8_t value)
{
    ioports_write(f->io, port, 1, value);
}

static uint8_t in8(struct fixture *f, uint16_t port)
{
    return (uint8_t)ioports_read(f->io, port, 1);
}

static void line_set(struct fixture *f, unsigned irq, bool level)
{
    struct irq_line line = pic8259_line(f->pic, irq);

    irq_set(&line, level);
}

static void pulse(struct fixture *f, unsigned irq)
{
    struct irq_line line = pic8259_line(f->pic, irq);

    irq_pulse(&line);
}

static uint8_t read_irr(struct fixture *f, uint16_t port)
{
    out8(f, port, 0x0A);
    return in8(f, port);
}

static uint8_t read_isr(struct fixture *f, uint16_t port)
{
    out8(f, port, 0x0B);
    return in8(f, port);
}

static void init_pair(struct fixture *f, uint8_t icw4_primary, uint8_t icw4_secondary)
{
    out8(f, 0x20, 0x11);
    out8(f, 0x21, 0x08);
    out8(f, 0x21, 0x04);
    out8(f, 0x21, icw4_primary);
    out8(f, 0xA0, 0x11);
    out8(f, 0xA1, 0x70);
    out8(f, 0xA1, 0x02);
    out8(f, 0xA1, icw4_secondary);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    f->io = ioports_create(NULL);
    assert_non_null(f->io);
    f->pic = pic8259_create(f->io, NULL, on_intr, f);
    assert_non_null(f->pic);
    init_pair(f, 0x01, 0x01);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    pic8259_destroy(f->pic);
    ioports_destroy(f->io);
    free(f);
    return 0;
}

static void assert_intr(struct fixture *f, bool level)
{
    assert_int_equal(f->intr, level);
    assert_int_equal(pic8259_pending(f->pic), level);
}

static void test_ports_registered(void **state)
{
    struct fixture *f = *state;

    assert_string_equal(ioports_owner(f->io, 0x21), "8259 PIC primary");
    assert_string_equal(ioports_owner(f->io, 0xA0), "8259 PIC secondary");
    assert_string_equal(ioports_owner(f->io, 0x4D1), "8259 ELCR");
    assert_null(pic8259_create(f->io, NULL, NULL, NULL));
}

static void test_ack_and_eoi(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(in8(f, 0x21), 0x00);
    assert_intr(f, false);
    pulse(f, 1);
    assert_intr(f, true);
    assert_int_equal(read_irr(f, 0x20), 0x02);
    assert_int_equal(pic8259_ack(f->pic), 0x09);
    assert_intr(f, false);
    assert_int_equal(read_irr(f, 0x20), 0x00);
    assert_int_equal(read_isr(f, 0x20), 0x02);
    /* the read selection sticks: a later read still gives ISR */
    assert_int_equal(in8(f, 0x20), 0x02);
    out8(f, 0x20, 0x20);
    assert_int_equal(in8(f, 0x20), 0x00);
    assert_int_equal(f->intr_calls, 2);
}

static void test_mask(void **state)
{
    struct fixture *f = *state;

    out8(f, 0x21, 0x03);
    assert_int_equal(in8(f, 0x21), 0x03);
    pulse(f, 1);
    pulse(f, 0);
    assert_intr(f, false);
    assert_int_equal(read_irr(f, 0x20), 0x03);
    out8(f, 0x21, 0x02);
    assert_intr(f, true);
    assert_int_equal(pic8259_ack(f->pic), 0x08);
    assert_intr(f, false);
    assert_int_equal(read_irr(f, 0x20), 0x02);
}

static void test_priority_and_nesting(void **state)
{
    struct fixture *f = *state;

    pulse(f, 3);
    pulse(f, 1);
    assert_int_equal(pic8259_ack(f->pic), 0x09);
    /* IRQ3 waits behind IRQ1 in service; IRQ0 nests above it */
    assert_intr(f, false);
    pulse(f, 0);
    assert_intr(f, true);
    assert_int_equal(pic8259_ack(f->pic), 0x08);
    assert_int_equal(read_isr(f, 0x20), 0x03);
    out8(f, 0x20, 0x20);
    assert_int_equal(in8(f, 0x20), 0x02);
    assert_intr(f, false);
    out8(f, 0x20, 0x20);
    assert_intr(f, true);
    assert_int_equal(pic8259_ack(f->pic), 0x0B);
}

static void test_specific_eoi(void **state)
{
    struct fixture *f = *state;

    pulse(f, 3);
    assert_int_equal(pic8259_ack(f->pic), 0x0B);
    pulse(f, 1);
    assert_int_equal(pic8259_ack(f->pic), 0x09);
    assert_int_equal(read_isr(f, 0x20), 0x0A);
    out8(f, 0x20, 0x63);
    assert_int_equal(in8(f, 0x20), 0x02);
    out8(f, 0x20, 0x61);
    assert_int_equal(in8(f, 0x20), 0x00);
}

static void test_rotation(void **state)
{
    struct fixture *f = *state;

    pulse(f, 1);
    assert_int_equal(pic8259_ack(f->pic), 0x09);
    /* rotate on non-specific EOI: IRQ1 becomes the lowest, IRQ2 the highest */
    out8(f, 0x20, 0xA0);
    pulse(f, 0);
    pulse(f, 5);
    assert_int_equal(pic8259_ack(f->pic), 0x0D);
    /* IRQ0 now ranks below IRQ5 in service */
    assert_intr(f, false);
    out8(f, 0x20, 0x20);
    assert_int_equal(pic8259_ack(f->pic), 0x08);
    out8(f, 0x20, 0x20);
    /* set priority: IRQ4 lowest, so IRQ5 beats IRQ3 */
    out8(f, 0x20, 0xC4);
    pulse(f, 3);
    pulse(f, 5);
    assert_int_equal(pic8259_ack(f->pic), 0x0D);
    /* rotate on specific EOI for IRQ6: IRQ7 becomes the highest, IRQ3 still waits */
    out8(f, 0x20, 0xE6);
    assert_int_equal(read_isr(f, 0x20), 0x20);
    out8(f, 0x20, 0x65);
    pulse(f, 7);
    assert_int_equal(pic8259_ack(f->pic), 0x0F);
    assert_int_equal(read_isr(f, 0x20), 0x80);
    out8(f, 0x20, 0x20);
    assert_int_equal(pic8259_ack(f->pic), 0x0B);
    /* ICW1 restores IR7 as the lowest */
    init_pair(f, 0x01, 0x01);
    pulse(f, 7);
    pulse(f, 6);
    assert_int_equal(pic8259_ack(f->pic), 0x0E);
}

static void test_auto_eoi(void **state)
{
    struct fixture *f = *state;

    init_pair(f, 0x03, 0x01);
    pulse(f, 3);
    assert_int_equal(pic8259_ack(f->pic), 0x0B);
    assert_int_equal(read_isr(f, 0x20), 0x00);
    /* nothing in service, so a lower priority interrupts at once */
    pulse(f, 5);
    assert_intr(f, true);
    assert_int_equal(pic8259_ack(f->pic), 0x0D);
    /* rotate in AEOI mode: each acknowledged IR becomes the lowest */
    out8(f, 0x20, 0x80);
    pulse(f, 1);
    assert_int_equal(pic8259_ack(f->pic), 0x09);
    pulse(f, 0);
    pulse(f, 3);
    assert_int_equal(pic8259_ack(f->pic), 0x0B);
    assert_int_equal(pic8259_ack(f->pic), 0x08);
    /* clear rotation: acknowledging IRQ0 (lowest was 3) left priorities from IRQ1 */
    out8(f, 0x20, 0x00);
    pulse(f, 0);
    pulse(f, 7);
    assert_int_equal(pic8259_ack(f->pic), 0x0F);
    assert_int_equal(pic8259_ack(f->pic), 0x08);
    pulse(f, 0);
    pulse(f, 7);
    assert_int_equal(pic8259_ack(f->pic), 0x0F);
}

static void test_edge_latch(void **state)
{
    struct fixture *f = *state;

    /* a pulse is latched although the line is low again */
    pulse(f, 4);
    assert_intr(f, true);
    assert_int_equal(pic8259_ack(f->pic), 0x0C);
    out8(f, 0x20, 0x20);
    /* a line held high requests once */
    line_set(f, 3, true);
    assert_int_equal(pic8259_ack(f->pic), 0x0B);
    out8(f, 0x20, 0x20);
    assert_intr(f, false);
    line_set(f, 3, true);
    assert_intr(f, false);
    line_set(f, 3, false);
    line_set(f, 3, true);
    assert_intr(f, true);
    /* ICW1 resets the edge sense: a high line needs a new rising edge */
    init_pair(f, 0x01, 0x01);
    assert_intr(f, false);
    assert_int_equal(read_irr(f, 0x20), 0x00);
}

static void test_level_elcr(void **state)
{
    struct fixture *f = *state;

    out8(f, 0x4D0, 0xFF);
    out8(f, 0x4D1, 0xFF);
    assert_int_equal(in8(f, 0x4D0), 0xF8);
    assert_int_equal(in8(f, 0x4D1), 0xDE);
    out8(f, 0x4D0, 0x08);
    line_set(f, 3, true);
    assert_int_equal(pic8259_ack(f->pic), 0x0B);
    out8(f, 0x20, 0x20);
    /* still high: requests again after the EOI */
    assert_intr(f, true);
    assert_int_equal(pic8259_ack(f->pic), 0x0B);
    line_set(f, 3, false);
    out8(f, 0x20, 0x20);
    assert_intr(f, false);
    assert_int_equal(read_irr(f, 0x20), 0x00);
    /* a level request that goes away before INTA: spurious IRQ 7, no ISR bit */
    line_set(f, 3, true);
    assert_intr(f, true);
    line_set(f, 3, false);
    assert_intr(f, false);
    assert_int_equal(pic8259_ack(f->pic), 0x0F);
    assert_int_equal(read_isr(f, 0x20), 0x00);
    /* IRQ0 stays edge-triggered */
    line_set(f, 0, true);
    assert_int_equal(pic8259_ack(f->pic), 0x08);
    out8(f, 0x20, 0x20);
    assert_intr(f, false);
}

static void test_ltim_all_level(void **state)
{
    struct fixture *f = *state;

    out8(f, 0x20, 0x19);
    out8(f, 0x21, 0x08);
    out8(f, 0x21, 0x04);
    out8(f, 0x21, 0x01);
    line_set(f, 0, true);
    assert_int_equal(pic8259_ack(f->pic), 0x08);
    out8(f, 0x20, 0x20);
    assert_intr(f, true);
    line_set(f, 0, false);
    assert_intr(f, false);
}

static void test_spurious_masked(void **state)
{
    struct fixture *f = *state;

    pulse(f, 4);
    assert_intr(f, true);
    /* the OS masks the line between INTR and INTA */
    out8(f, 0x21, 0x10);
    assert_int_equal(pic8259_ack(f->pic), 0x0F);
    assert_int_equal(read_isr(f, 0x20), 0x00);
    out8(f, 0x21, 0x00);
    assert_int_equal(pic8259_ack(f->pic), 0x0C);
}

static void test_cascade(void **state)
{
    struct fixture *f = *state;

    pulse(f, 8);
    assert_intr(f, true);
    assert_int_equal(read_irr(f, 0x20), 0x04);
    assert_int_equal(pic8259_ack(f->pic), 0x70);
    assert_int_equal(read_isr(f, 0x20), 0x04);
    assert_int_equal(read_isr(f, 0xA0), 0x01);
    /* lower on the secondary waits; higher on the primary nests; IRQ3 waits */
    pulse(f, 14);
    pulse(f, 3);
    assert_intr(f, false);
    pulse(f, 1);
    assert_int_equal(pic8259_ack(f->pic), 0x09);
    out8(f, 0x20, 0x20);
    assert_intr(f, false);
    /* EOI to the secondary: IRQ14 is requested again, but IR2 is still in service */
    out8(f, 0xA0, 0x20);
    assert_intr(f, false);
    out8(f, 0x20, 0x20);
    assert_intr(f, true);
    assert_int_equal(pic8259_ack(f->pic), 0x76);
    out8(f, 0xA0, 0x20);
    out8(f, 0x20, 0x20);
    assert_int_equal(pic8259_ack(f->pic), 0x0B);
    out8(f, 0x20, 0x20);
    /* an AT-bus IRQ2 arrives as IRQ 9 */
    pulse(f, 2);
    assert_int_equal(pic8259_ack(f->pic), 0x71);
    assert_int_equal(read_isr(f, 0xA0), 0x02);
}

static void test_spurious_secondary(void **state)
{
    struct fixture *f = *state;

    pulse(f, 12);
    assert_intr(f, true);
    out8(f, 0xA1, 0x10);
    assert_int_equal(pic8259_ack(f->pic), 0x77);
    /* the primary set IR2 in service; the secondary set nothing */
    assert_int_equal(read_isr(f, 0x20), 0x04);
    assert_int_equal(read_isr(f, 0xA0), 0x00);
    assert_intr(f, false);
    out8(f, 0x20, 0x20);
    assert_int_equal(in8(f, 0x20), 0x00);
}

static void test_cascade_auto_eoi(void **state)
{
    struct fixture *f = *state;

    init_pair(f, 0x03, 0x03);
    pulse(f, 12);
    pulse(f, 8);
    assert_int_equal(pic8259_ack(f->pic), 0x70);
    /* the secondary still requests: IR2 is latched again */
    assert_intr(f, true);
    assert_int_equal(pic8259_ack(f->pic), 0x74);
    assert_intr(f, false);
    assert_int_equal(read_isr(f, 0x20), 0x00);
    assert_int_equal(read_isr(f, 0xA0), 0x00);
}

static void test_fully_nested_special(void **state)
{
    struct fixture *f = *state;

    pulse(f, 12);
    assert_int_equal(pic8259_ack(f->pic), 0x74);
    pulse(f, 8);
    /* fully nested: IR2 in service blocks the secondary's higher request */
    assert_intr(f, false);
    out8(f, 0xA0, 0x20);
    out8(f, 0x20, 0x20);
    assert_int_equal(pic8259_ack(f->pic), 0x70);
    out8(f, 0xA0, 0x20);
    out8(f, 0x20, 0x20);
    /* special fully nested mode on the primary lets it through */
    init_pair(f, 0x11, 0x01);
    pulse(f, 12);
    assert_int_equal(pic8259_ack(f->pic), 0x74);
    pulse(f, 8);
    assert_intr(f, true);
    assert_int_equal(pic8259_ack(f->pic), 0x70);
    assert_int_equal(read_isr(f, 0xA0), 0x11);
}

static void test_poll(void **state)
{
    struct fixture *f = *state;

    pulse(f, 3);
    pulse(f, 5);
    out8(f, 0x20, 0x0C);
    assert_int_equal(in8(f, 0x20), 0x83);
    assert_int_equal(read_isr(f, 0x20), 0x08);
    /* IRQ5 ranks below IRQ3 in service: the poll finds nothing */
    out8(f, 0x20, 0x0C);
    assert_int_equal(in8(f, 0x21), 0x00);
    out8(f, 0x20, 0x20);
    out8(f, 0x20, 0x0C);
    assert_int_equal(in8(f, 0x21), 0x85);
    /* a plain read after the poll is IRR/ISR again */
    assert_int_equal(in8(f, 0x20), 0x20);
    /* polling the secondary */
    out8(f, 0x20, 0x20);
    pulse(f, 13);
    out8(f, 0xA0, 0x0C);
    assert_int_equal(in8(f, 0xA0), 0x85);
    assert_int_equal(read_isr(f, 0xA0), 0x20);
}

static void test_special_mask(void **state)
{
    struct fixture *f = *state;

    pulse(f, 1);
    assert_int_equal(pic8259_ack(f->pic), 0x09);
    out8(f, 0x21, 0x02);
    pulse(f, 5);
    assert_intr(f, false);
    /* ESMM+SMM: levels not in service and not masked are enabled, lower too */
    out8(f, 0x20, 0x68);
    assert_intr(f, true);
    assert_int_equal(pic8259_ack(f->pic), 0x0D);
    assert_int_equal(read_isr(f, 0x20), 0x22);
    /* a non-specific EOI in special mask mode skips the masked IRQ1 */
    out8(f, 0x20, 0x20);
    assert_int_equal(in8(f, 0x20), 0x02);
    out8(f, 0x20, 0x48);
    out8(f, 0x21, 0x00);
    out8(f, 0x20, 0x20);
    assert_int_equal(in8(f, 0x20), 0x00);
}

static void test_single_without_icw3(void **state)
{
    struct fixture *f = *state;

    /* SNGL and IC4: ICW2 then ICW4, no ICW3 */
    out8(f, 0x20, 0x13);
    out8(f, 0x21, 0x20);
    out8(f, 0x21, 0x01);
    out8(f, 0x21, 0xFF);
    assert_int_equal(in8(f, 0x21), 0xFF);
    /* IRQ 9 on the secondary raises its INT, which is the primary's IR2 */
    pulse(f, 9);
    pulse(f, 0);
    assert_intr(f, false);
    out8(f, 0x21, 0x00);
    assert_int_equal(pic8259_ack(f->pic), 0x20);
    /* no cascade in single mode: IR2 gets the primary's own vector */
    out8(f, 0x20, 0x20);
    assert_int_equal(pic8259_ack(f->pic), 0x22);
}

static void test_reset(void **state)
{
    struct fixture *f = *state;

    out8(f, 0x21, 0xB8);
    pic8259_reset(f->pic, false);
    assert_int_equal(in8(f, 0x21), 0xB8);
    pulse(f, 0);
    assert_int_equal(pic8259_ack(f->pic), 0x08);
    pic8259_reset(f->pic, true);
    assert_intr(f, false);
    assert_int_equal(in8(f, 0x21), 0x00);
    assert_int_equal(in8(f, 0x20), 0x00);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ports_registered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ack_and_eoi, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_priority_and_nesting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_specific_eoi, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rotation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auto_eoi, setup, teardown),
        cmocka_unit_test_setup_teardown(test_edge_latch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_level_elcr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ltim_all_level, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spurious_masked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cascade, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spurious_secondary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cascade_auto_eoi, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fully_nested_special, setup, teardown),
        cmocka_unit_test_setup_teardown(test_poll, setup, teardown),
        cmocka_unit_test_setup_teardown(test_special_mask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_single_without_icw3, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
