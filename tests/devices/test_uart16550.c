/* Unit tests for devices/uart16550.c, programmed through its ports like a DOS or
 * Linux driver: divisor and line format, transmit timing (THRE/TEMT), RX FIFO trigger
 * levels and character timeout, IIR priorities, loopback, OUT2 gating, overrun. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "clock.h"
#include "ioport.h"
#include "uart16550.h"

enum { BASE = UART16550_COM1_BASE, SENT_MAX = 64 };

/* One 8N1 character: 10 bits of 12/115200 s (9600 baud), and of 1/115200 s. */
static const uint64_t CHAR_9600 = 1041667, CHAR_115200 = 86806;

struct fixture {
    struct ioports *io;
    struct vclock *clk;
    struct uart16550 *uart;
    bool irq;
    unsigned raises;
    uint8_t sent[SENT_MAX];
    uint64_t sent_at[SENT_MAX];
    unsigned nsent;
};

static void irq_changed(void *opaque, unsigned n, bool level)
{
    struct fixture *f = opaque;

    assert_int_equal(n, UART16550_COM1_IRQ);
    assert_true(level != f->irq);
    if (level)
        f->raises++;
    f->irq = level;
}

static void backend_write(void *opaque, uint8_t byte)
{
    struct fixture *f = opaque;

    assert_true(f->nsent < SENT_MAX);
    f->sent_at[f->nsent] = vclock_now(f->clk);
    f->sent[f->nsent++] = byte;
}

static const struct uart_backend test_backend = { .write = backend_write };

static void fixture_init(struct fixture *f)
{
    struct irq_line line;

    memset(f, 0, sizeof(*f));
    line = (struct irq_line){ .set = irq_changed, .opaque = f, .n = UART16550_COM1_IRQ };
    f->io = ioports_create(NULL);
    f->clk = vclock_create();
    assert_non_null(f->io);
    assert_non_null(f->clk);
    f->uart = uart16550_create(f->io, BASE, f->clk, line, &test_backend, f, NULL);
    assert_non_null(f->uart);
}

static void fixture_fini(struct fixture *f)
{
    uart16550_destroy(f->uart);
    ioports_destroy(f->io);
    vclock_destroy(f->clk);
}

static uint8_t rd(struct fixture *f, unsigned reg)
{
    return (uint8_t)ioports_read(f->io, (uint16_t)(BASE + reg), 1);
}

static void wr(struct fixture *f, unsigned reg, uint8_t value)
{
    ioports_write(f->io, (uint16_t)(BASE + reg), 1, value);
}

static void advance(struct fixture *f, uint64_t ns)
{
    vclock_advance_to(f->clk, vclock_now(f->clk) + ns);
}

/* What a DOS driver does: DLAB, divisor, 8N1, FIFOs, DTR/RTS/OUT2. */
static void dos_init(struct fixture *f, uint16_t divisor, uint8_t fcr)
{
    wr(f, UART_LCR, UART_LCR_DLAB);
    wr(f, UART_DLL, (uint8_t)divisor);
    wr(f, UART_DLM, (uint8_t)(divisor >> 8));
    wr(f, UART_LCR, 0x03);
    wr(f, UART_FCR, fcr);
    wr(f, UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
}

static void test_reset_state_and_divisor(void **state)
{
    struct fixture f;

    fixture_init(&f);
    assert_int_equal(rd(&f, UART_IER), 0);
    assert_int_equal(rd(&f, UART_IIR), UART_IIR_NO_INT);
    assert_int_equal(rd(&f, UART_LCR), 0);
    assert_int_equal(rd(&f, UART_MCR), 0);
    assert_int_equal(rd(&f, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
    assert_int_equal(rd(&f, UART_MSR), UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
    dos_init(&f, 0x0180, 0);
    /* the divisor latch reads back under DLAB and hides RBR/IER */
    wr(&f, UART_SCR, 0x5A);
    wr(&f, UART_IER, 0x0F);
    wr(&f, UART_LCR, UART_LCR_DLAB | 0x03);
    assert_int_equal(rd(&f, UART_DLL), 0x80);
    assert_int_equal(rd(&f, UART_DLM), 0x01);
    wr(&f, UART_LCR, 0x03);
    assert_int_equal(rd(&f, UART_IER), 0x0F);
    assert_int_equal(rd(&f, UART_SCR), 0x5A);
    /* a warm reset keeps the divisor and scratch, clears the rest */
    uart16550_reset(f.uart, false);
    assert_int_equal(rd(&f, UART_IER), 0);
    assert_int_equal(rd(&f, UART_SCR), 0x5A);
    wr(&f, UART_LCR, UART_LCR_DLAB);
    assert_int_equal(rd(&f, UART_DLL), 0x80);
    assert_int_equal(rd(&f, UART_DLM), 0x01);
    assert_null(uart16550_create(f.io, BASE + 4, f.clk, (struct irq_line){ 0 }, NULL, NULL, NULL));
    assert_string_equal(ioports_owner(f.io, BASE + 7), "16550A UART");
    fixture_fini(&f);
}

/* 16450 mode at 9600 8N1: bytes reach the backend as they start; THRE when THR
 * empties into the shift register, TEMT one character time after the last start. */
static void test_transmit_timing(void **state)
{
    struct fixture f;

    fixture_init(&f);
    dos_init(&f, 12, 0);
    wr(&f, UART_THR, 'H');
    assert_int_equal(f.nsent, 1);
    assert_int_equal(f.sent[0], 'H');
    assert_int_equal(rd(&f, UART_LSR), UART_LSR_THRE);
    wr(&f, UART_THR, 'i');
    assert_int_equal(rd(&f, UART_LSR), 0);
    assert_int_equal(f.nsent, 1);
    advance(&f, CHAR_9600 - 1);
    assert_int_equal(rd(&f, UART_LSR), 0);
    advance(&f, 1);
    assert_int_equal(rd(&f, UART_LSR), UART_LSR_THRE);
    assert_int_equal(f.nsent, 2);
    assert_int_equal(f.sent[1], 'i');
    assert_int_equal(f.sent_at[1], CHAR_9600);
    advance(&f, CHAR_9600 - 1);
    assert_int_equal(rd(&f, UART_LSR), UART_LSR_THRE);
    advance(&f, 1);
    assert_int_equal(rd(&f, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
    /* 8 data bits, parity, 2 stop bits at 115200: 12 bits; 7-bit words lose bit 7 */
    dos_init(&f, 1, 0);
    wr(&f, UART_LCR, 0x0F);
    wr(&f, UART_THR, 'a');
    advance(&f, 104166);
    assert_int_equal(rd(&f, UART_LSR), UART_LSR_THRE);
    advance(&f, 1);
    assert_int_equal(rd(&f, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
    wr(&f, UART_LCR, 0x02);
    wr(&f, UART_THR, 0xC1);
    assert_int_equal(f.sent[f.nsent - 1], 0x41);
    fixture_fini(&f);
}

/* FIFO mode: a burst of 17 fills the shift register and the FIFO; the driver is
 * told THRE only when all have left the FIFO. */
static void test_transmit_fifo(void **state)
{
    struct fixture f;

    fixture_init(&f);
    dos_init(&f, 1, UART_FCR_ENABLE | UART_FCR_RX_RESET | UART_FCR_TX_RESET);
    for (unsigned i = 0; i < 18; i++)
        wr(&f, UART_THR, (uint8_t)('A' + i));
    /* the 18th write found the FIFO full and was lost */
    assert_int_equal(rd(&f, UART_LSR), 0);
    advance(&f, 16 * CHAR_115200 - 1);
    assert_int_equal(rd(&f, UART_LSR), 0);
    advance(&f, 1);
    assert_int_equal(rd(&f, UART_LSR), UART_LSR_THRE);
    advance(&f, CHAR_115200);
    assert_int_equal(rd(&f, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
    assert_int_equal(f.nsent, 17);
    for (unsigned i = 0; i < 17; i++)
        assert_int_equal(f.sent[i], 'A' + i);
    /* TX FIFO reset drops what is queued, not the character on the line */
    for (unsigned i = 0; i < 5; i++)
        wr(&f, UART_THR, 'x');
    wr(&f, UART_FCR, UART_FCR_ENABLE | UART_FCR_TX_RESET);
    assert_int_equal(rd(&f, UART_LSR), UART_LSR_THRE);
    advance(&f, 10 * CHAR_115200);
    assert_int_equal(f.nsent, 18);
    fixture_fini(&f);
}

static void test_rx_trigger_levels(void **state)
{
    static const uint8_t trigger[4] = { 1, 4, 8, 14 };
    uint8_t bytes[20];
    struct fixture f;

    for (unsigned i = 0; i < sizeof(bytes); i++)
        bytes[i] = (uint8_t)(0x30 + i);
    fixture_init(&f);
    dos_init(&f, 12, UART_FCR_ENABLE);
    wr(&f, UART_IER, UART_IER_ERBFI);
    for (unsigned level = 0; level < 4; level++) {
        wr(&f, UART_FCR, (uint8_t)(level << 6 | UART_FCR_ENABLE | UART_FCR_RX_RESET));
        assert_int_equal(uart16550_receive(f.uart, bytes, trigger[level] - 1u), trigger[level] - 1u);
        assert_false(f.irq);
        assert_int_equal(rd(&f, UART_IIR), UART_IIR_FIFOS | UART_IIR_NO_INT);
        assert_int_equal(uart16550_receive(f.uart, bytes + trigger[level] - 1, 1), 1);
        assert_true(f.irq);
        assert_int_equal(rd(&f, UART_IIR), UART_IIR_FIFOS | UART_IIR_RDA);
        /* below the trigger again after one read */
        assert_int_equal(rd(&f, UART_RBR), 0x30);
        assert_false(f.irq);
    }
    /* the FIFO takes 16; the frontend keeps the rest */
    wr(&f, UART_FCR, UART_FCR_ENABLE | UART_FCR_RX_RESET);
    assert_int_equal(uart16550_receive(f.uart, bytes, 20), 16);
    assert_int_equal(uart16550_receive(f.uart, bytes + 16, 4), 0);
    for (unsigned i = 0; i < 16; i++) {
        assert_true(rd(&f, UART_LSR) & UART_LSR_DR);
        assert_int_equal(rd(&f, UART_RBR), bytes[i]);
    }
    assert_false(rd(&f, UART_LSR) & (UART_LSR_DR | UART_LSR_OE));
    /* with FIFOs off the receiver holds one character */
    wr(&f, UART_FCR, 0);
    assert_int_equal(uart16550_receive(f.uart, bytes, 20), 1);
    assert_int_equal(rd(&f, UART_IIR), UART_IIR_RDA);
    fixture_fini(&f);
}

/* Below the trigger level, data is reported after 4 character times of silence. */
static void test_rx_timeout(void **state)
{
    static const uint8_t bytes[3] = { 'a', 'b', 'c' };
    struct fixture f;

    fixture_init(&f);
    dos_init(&f, 12, UART_FCR_ENABLE | 0x80);
    wr(&f, UART_IER, UART_IER_ERBFI);
    assert_int_equal(uart16550_receive(f.uart, bytes, 2), 2);
    advance(&f, 2 * CHAR_9600);
    /* a new character restarts the count */
    assert_int_equal(uart16550_receive(f.uart, bytes + 2, 1), 1);
    advance(&f, 4 * CHAR_9600 - 1);
    assert_false(f.irq);
    advance(&f, 1);
    assert_true(f.irq);
    assert_int_equal(rd(&f, UART_IIR), UART_IIR_FIFOS | UART_IIR_TIMEOUT);
    /* a read clears it and restarts the count */
    assert_int_equal(rd(&f, UART_RBR), 'a');
    assert_false(f.irq);
    advance(&f, 4 * CHAR_9600 - 1);
    assert_false(f.irq);
    advance(&f, 1);
    assert_int_equal(rd(&f, UART_IIR), UART_IIR_FIFOS | UART_IIR_TIMEOUT);
    assert_int_equal(rd(&f, UART_RBR), 'b');
    assert_int_equal(rd(&f, UART_RBR), 'c');
    /* an empty FIFO never times out */
    advance(&f, 100 * CHAR_9600);
    assert_false(f.irq);
    assert_int_equal(rd(&f, UART_IIR), UART_IIR_FIFOS | UART_IIR_NO_INT);
    fixture_fini(&f);
}

/* All four sources at once (in loopback, which makes OE and modem changes): IIR
 * reports them in priority order, each cleared by its own action. */
static void test_iir_priorities(void **state)
{
    struct fixture f;

    fixture_init(&f);
    dos_init(&f, 1, 0);
    wr(&f, UART_MCR, UART_MCR_LOOP);
    rd(&f, UART_MSR);
    wr(&f, UART_IER, 0x0F);
    assert_int_equal(rd(&f, UART_IIR), UART_IIR_THRE);
    wr(&f, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR);
    wr(&f, UART_THR, 0x11);
    wr(&f, UART_THR, 0x22);
    advance(&f, 2 * CHAR_115200);
    /* the second character overran the first in the 16450 RBR */
    assert_int_equal(rd(&f, UART_IIR), UART_IIR_RLS);
    assert_int_equal(rd(&f, UART_IIR), UART_IIR_RLS);
    assert_int_equal(rd(&f, UART_LSR), UART_LSR_DR | UART_LSR_OE | UART_LSR_THRE | UART_LSR_TEMT);
    assert_int_equal(rd(&f, UART_IIR), UART_IIR_RDA);
    assert_int_equal(rd(&f, UART_RBR), 0x22);
    assert_int_equal(rd(&f, UART_IIR), UART_IIR_THRE);
    assert_int_equal(rd(&f, UART_IIR), UART_IIR_MSR);
    assert_int_equal(rd(&f, UART_MSR), UART_MSR_DSR | UART_MSR_DDSR);
    assert_int_equal(rd(&f, UART_IIR), UART_IIR_NO_INT);
    /* masked sources do not show */
    wr(&f, UART_MCR, UART_MCR_LOOP);
    wr(&f, UART_IER, UART_IER_ERBFI);
    assert_int_equal(rd(&f, UART_IIR), UART_IIR_NO_INT);
    fixture_fini(&f);
}

static void test_loopback(void **state)
{
    static const uint8_t outside[1] = { 'z' };
    struct fixture f;

    fixture_init(&f);
    dos_init(&f, 1, UART_FCR_ENABLE | UART_FCR_RX_RESET | UART_FCR_TX_RESET);
    rd(&f, UART_MSR);
    /* outputs appear on the inputs: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD */
    wr(&f, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS);
    assert_int_equal(rd(&f, UART_MSR), UART_MSR_CTS | UART_MSR_DDSR | UART_MSR_DDCD);
    wr(&f, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT1 | UART_MCR_OUT2 | UART_MCR_DTR);
    assert_int_equal(rd(&f, UART_MSR),
                     UART_MSR_DSR | UART_MSR_RI | UART_MSR_DCD | UART_MSR_DCTS | UART_MSR_DDSR |
                         UART_MSR_DDCD);
    /* RI falling is the trailing edge */
    wr(&f, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_DTR);
    assert_int_equal(rd(&f, UART_MSR), UART_MSR_DSR | UART_MSR_DCD | UART_MSR_TERI);
    /* 17 characters looped into a 16-byte FIFO: the last is lost to overrun */
    for (unsigned i = 0; i < 17; i++)
        wr(&f, UART_THR, (uint8_t)(0x40 + i));
    assert_int_equal(uart16550_receive(f.uart, outside, 1), 0);
    advance(&f, 17 * CHAR_115200);
    assert_int_equal(f.nsent, 0);
    assert_int_equal(rd(&f, UART_LSR), UART_LSR_DR | UART_LSR_OE | UART_LSR_THRE | UART_LSR_TEMT);
    assert_int_equal(rd(&f, UART_LSR), UART_LSR_DR | UART_LSR_THRE | UART_LSR_TEMT);
    for (unsigned i = 0; i < 16; i++)
        assert_int_equal(rd(&f, UART_RBR), 0x40 + i);
    assert_false(rd(&f, UART_LSR) & UART_LSR_DR);
    /* back to normal: the terminal's lines, input connected, output to the backend */
    wr(&f, UART_MCR, UART_MCR_OUT2);
    assert_int_equal(rd(&f, UART_MSR), UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD | UART_MSR_DCTS);
    assert_int_equal(uart16550_receive(f.uart, outside, 1), 1);
    wr(&f, UART_THR, '!');
    assert_int_equal(f.nsent, 1);
    fixture_fini(&f);
}

/* The PC gates the chip's INTRPT output with OUT2 (and loopback forces OUT2 off). */
static void test_out2_gating(void **state)
{
    struct fixture f;

    fixture_init(&f);
    dos_init(&f, 12, 0);
    wr(&f, UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
    wr(&f, UART_IER, UART_IER_ETBEI);
    assert_false(f.irq);
    wr(&f, UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
    assert_true(f.irq);
    wr(&f, UART_MCR, UART_MCR_OUT2 | UART_MCR_LOOP);
    assert_false(f.irq);
    assert_int_equal(rd(&f, UART_IIR), UART_IIR_THRE);
    wr(&f, UART_MCR, UART_MCR_OUT2);
    assert_false(f.irq);
    fixture_fini(&f);
}

/* THRE interrupt: raised by enabling ETBEI with THR empty, cleared by reading IIR,
 * re-raised (a fresh edge) each time THR empties again. */
static void test_thre_rearm(void **state)
{
    struct fixture f;

    fixture_init(&f);
    dos_init(&f, 12, 0);
    wr(&f, UART_IER, UART_IER_ETBEI);
    assert_true(f.irq);
    assert_int_equal(f.raises, 1);
    assert_int_equal(rd(&f, UART_IIR), UART_IIR_THRE);
    assert_false(f.irq);
    assert_int_equal(rd(&f, UART_IIR), UART_IIR_NO_INT);
    /* idle TSR: THR empties at once, the line falls and rises */
    wr(&f, UART_THR, '1');
    assert_true(f.irq);
    assert_int_equal(f.raises, 2);
    /* THR full: no interrupt until it moves on */
    wr(&f, UART_THR, '2');
    assert_false(f.irq);
    advance(&f, CHAR_9600);
    assert_true(f.irq);
    assert_int_equal(f.raises, 3);
    /* unserved and the line still up: a write to an idle TSR makes a fresh edge */
    advance(&f, CHAR_9600);
    assert_true(f.irq);
    wr(&f, UART_THR, '3');
    assert_true(f.irq);
    assert_int_equal(f.raises, 4);
    /* masking it drops the line; re-enabling ETBEI with THR empty raises it again */
    wr(&f, UART_IER, 0);
    assert_false(f.irq);
    wr(&f, UART_IER, UART_IER_ETBEI);
    assert_true(f.irq);
    fixture_fini(&f);
}

static void test_fifo_enable_and_iir_bits(void **state)
{
    static const uint8_t bytes[3] = { 1, 2, 3 };
    struct fixture f;

    fixture_init(&f);
    dos_init(&f, 12, UART_FCR_ENABLE);
    assert_int_equal(rd(&f, UART_IIR), UART_IIR_FIFOS | UART_IIR_NO_INT);
    assert_int_equal(uart16550_receive(f.uart, bytes, 3), 3);
    /* RX reset empties the FIFO */
    wr(&f, UART_FCR, UART_FCR_ENABLE | UART_FCR_RX_RESET);
    assert_false(rd(&f, UART_LSR) & UART_LSR_DR);
    assert_int_equal(uart16550_receive(f.uart, bytes, 3), 3);
    /* clearing FCR0 empties both FIFOs and the IIR FIFO bits */
    wr(&f, UART_FCR, 0);
    assert_false(rd(&f, UART_LSR) & UART_LSR_DR);
    assert_int_equal(rd(&f, UART_IIR), UART_IIR_NO_INT);
    /* a write with FCR0 = 0 leaves the FIFOs off whatever the other bits say */
    wr(&f, UART_FCR, 0xC0);
    assert_int_equal(rd(&f, UART_IIR), UART_IIR_NO_INT);
    fixture_fini(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reset_state_and_divisor),
        cmocka_unit_test(test_transmit_timing),
        cmocka_unit_test(test_transmit_fifo),
        cmocka_unit_test(test_rx_trigger_levels),
        cmocka_unit_test(test_rx_timeout),
        cmocka_unit_test(test_iir_priorities),
        cmocka_unit_test(test_loopback),
        cmocka_unit_test(test_out2_gating),
        cmocka_unit_test(test_thre_rearm),
        cmocka_unit_test(test_fifo_enable_and_iir_bits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
