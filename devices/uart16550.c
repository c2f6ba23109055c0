/* NS16550A UART (National Semiconductor datasheet): FIFOs with trigger levels and
 * character timeout, prioritised interrupts, loopback, line timing from the divisor
 * and LCR on the virtual clock; the PC's OUT2 gate on the interrupt output. */
#include "uart16550.h"

#include <stdlib.h>

#include "clock.h"
#include "ioport.h"
#include "log.h"

enum {
    UART_NS_PER_SEC = 1000000000,
    /* datasheet "FIFO Interrupt Mode Operation": timeout after 4 character times */
    UART_TIMEOUT_CHARS = 4,
    UART_POWER_ON_DIVISOR = 12,
};

/* Things logged once each. */
enum uart_note {
    UART_NOTE_TX_OVERFLOW = 1u << 0,
    UART_NOTE_TEST_WRITE = 1u << 1,
    UART_NOTE_TIMER = 1u << 2,
};

/* RCVR trigger level by FCR bits 7-6 (datasheet Table "FIFO Control Register"). */
static const uint8_t uart_rx_triggers[4] = { 1, 4, 8, 14 };

struct uart_fifo {
    uint8_t data[UART16550_FIFO_SIZE];
    uint8_t head;
    uint8_t count;
};

struct uart16550 {
    struct vclock *clk;
    struct irq_line irq;
    const struct uart_backend *backend;
    void *backend_opaque;
    struct log *log;
    uint16_t base;
    /* end of the character in the transmit shift register */
    struct timer tx_timer;
    /* RX character timeout (FIFO mode) */
    struct timer timeout_timer;
    /* with FIFOs off each holds at most one byte: RBR and THR */
    struct uart_fifo rx;
    struct uart_fifo tx;
    uint8_t ier, fcr, lcr, mcr, scr, dll, dlm;
    /* LSR bits 1-4 latched until LSR is read; the others are computed */
    uint8_t lsr_errors;
    /* MSR bits 4-7 (the modem inputs) and bits 0-3 (their changes since MSR was read) */
    uint8_t modem_in;
    uint8_t msr_delta;
    /* last byte read from RBR: what an empty RBR keeps returning */
    uint8_t rbr;
    uint8_t tsr;
    bool tsr_busy;
    /* the character in TSR loops back to the receiver (MCR.LOOP when it started) */
    bool tsr_loop;
    bool thre_pending;
    bool timeout_pending;
    bool irq_level;
    uint32_t noted;
};

static void uart_note(struct uart16550 *uart, enum uart_note note, const char *what)
{
    if (uart->noted & note)
        return;
    uart->noted |= note;
    log_printf(uart->log, LOG_UNIMP, "uart16550 %03xh: %s (logged once)\n", uart->base, what);
}

static void uart_arm(struct uart16550 *uart, struct timer *t, uint64_t deadline_ns)
{
    if (!timer_mod(t, deadline_ns))
        uart_note(uart, UART_NOTE_TIMER, "timer heap full, line timing lost");
}

/* ---- FIFOs ---- */

static bool uart_fifo_mode(const struct uart16550 *uart)
{
    return uart->fcr & UART_FCR_ENABLE;
}

static unsigned uart_capacity(const struct uart16550 *uart)
{
    return uart_fifo_mode(uart) ? UART16550_FIFO_SIZE : 1;
}

static void uart_fifo_push(struct uart_fifo *f, uint8_t byte)
{
    f->data[(f->head + f->count) % UART16550_FIFO_SIZE] = byte;
    f->count++;
}

static uint8_t uart_fifo_pop(struct uart_fifo *f)
{
    uint8_t byte = f->data[f->head];

    f->head = (f->head + 1) % UART16550_FIFO_SIZE;
    f->count--;
    return byte;
}

/* The most recently pushed byte (what a 16450 overwrites). */
static uint8_t *uart_fifo_last(struct uart_fifo *f)
{
    return &f->data[(f->head + f->count - 1) % UART16550_FIFO_SIZE];
}

/* ---- line timing ---- */

static uint8_t uart_data_mask(const struct uart16550 *uart)
{
    return (uint8_t)(0xFF >> (3 - (uart->lcr & UART_LCR_WLS_MASK)));
}

/* One character on the line: start bit, 5-8 data bits, parity, 1/1.5/2 stop bits,
 * each bit lasting divisor / 115200 s. */
static uint64_t uart_char_ns(const struct uart16550 *uart)
{
    unsigned word = 5u + (uart->lcr & UART_LCR_WLS_MASK);
    unsigned stop_halves = !(uart->lcr & UART_LCR_STB) ? 2 : word == 5 ? 3 : 4;
    unsigned half_bits = 2 * (1 + word + (uart->lcr & UART_LCR_PEN ? 1 : 0)) + stop_halves;
    /* a divisor of 0 counts through all 65536 states */
    uint64_t divisor = (unsigned)uart->dll | (unsigned)uart->dlm << 8;

    if (divisor == 0)
        divisor = 65536;
    return (half_bits * divisor * UART_NS_PER_SEC + 2 * UART16550_BAUD_BASE - 1) /
           (2 * UART16550_BAUD_BASE);
}

/* ---- interrupts ---- */

static unsigned uart_rx_trigger(const struct uart16550 *uart)
{
    return uart_fifo_mode(uart) ? uart_rx_triggers[uart->fcr >> 6] : 1;
}

/* Datasheet Table IV: line status > received data / timeout > THRE > modem status. */
static uint8_t uart_iir_id(const struct uart16550 *uart)
{
    uint8_t ier = uart->ier;

    if ((ier & UART_IER_ELSI) && uart->lsr_errors)
        return UART_IIR_RLS;
    if ((ier & UART_IER_ERBFI) && uart->timeout_pending)
        return UART_IIR_TIMEOUT;
    if ((ier & UART_IER_ERBFI) && uart->rx.count >= uart_rx_trigger(uart))
        return UART_IIR_RDA;
    if ((ier & UART_IER_ETBEI) && uart->thre_pending)
        return UART_IIR_THRE;
    if ((ier & UART_IER_EDSSI) && uart->msr_delta)
        return UART_IIR_MSR;
    return UART_IIR_NO_INT;
}

static void uart_update_irq(struct uart16550 *uart)
{
    /* the PC enables the IRQ driver with the OUT2 pin, which loopback forces
     * inactive (datasheet "Loopback": MODEM control output pins forced high) */
    bool level = uart_iir_id(uart) != UART_IIR_NO_INT && (uart->mcr & UART_MCR_OUT2) &&
                 !(uart->mcr & UART_MCR_LOOP);

    if (level != uart->irq_level) {
        uart->irq_level = level;
        irq_set(&uart->irq, level);
    }
}

/* ---- receiver ---- */

/* Datasheet: the timeout counter restarts whenever a character enters the RCVR FIFO
 * or the CPU reads one; it only runs while the FIFO holds something. */
static void uart_restart_timeout(struct uart16550 *uart)
{
    if (uart_fifo_mode(uart) && uart->rx.count > 0)
        uart_arm(uart, &uart->timeout_timer,
                 vclock_now(uart->clk) + UART_TIMEOUT_CHARS * uart_char_ns(uart));
    else
        timer_del(&uart->timeout_timer);
}

static void uart_timeout_fired(void *opaque, uint64_t now_ns)
{
    struct uart16550 *uart = opaque;

    if (uart_fifo_mode(uart) && uart->rx.count > 0)
        uart->timeout_pending = true;
    uart_update_irq(uart);
}

/* A complete character arrives in the receiver shift register. */
static void uart_rx_char(struct uart16550 *uart, uint8_t byte)
{
    byte &= uart_data_mask(uart);
    if (uart->rx.count < uart_capacity(uart)) {
        uart_fifo_push(&uart->rx, byte);
        uart_restart_timeout(uart);
        return;
    }
    /* datasheet "LSR bit 1": a 16450 overwrites RBR; in FIFO mode the new character
     * is lost and the FIFO kept */
    uart->lsr_errors |= UART_LSR_OE;
    if (!uart_fifo_mode(uart))
        *uart_fifo_last(&uart->rx) = byte;
}

/* ---- transmitter ---- */

/* Move the next character from THR / the TX FIFO into the shift register. */
static void uart_tx_start(struct uart16550 *uart)
{
    if (uart->tsr_busy || uart->tx.count == 0)
        return;
    uart->tsr = uart_fifo_pop(&uart->tx) & uart_data_mask(uart);
    uart->tsr_busy = true;
    uart->tsr_loop = uart->mcr & UART_MCR_LOOP;
    if (uart->tx.count == 0)
        uart->thre_pending = true;
    if (!uart->tsr_loop && uart->backend && uart->backend->write)
        uart->backend->write(uart->backend_opaque, uart->tsr);
    uart_arm(uart, &uart->tx_timer, vclock_now(uart->clk) + uart_char_ns(uart));
}

static void uart_tx_fired(void *opaque, uint64_t now_ns)
{
    struct uart16550 *uart = opaque;

    uart->tsr_busy = false;
    if (uart->tsr_loop)
        uart_rx_char(uart, uart->tsr);
    uart_tx_start(uart);
    uart_update_irq(uart);
}

static void uart_write_thr(struct uart16550 *uart, uint8_t value)
{
    if (uart->tx.count < uart_capacity(uart))
        uart_fifo_push(&uart->tx, value);
    else if (uart_fifo_mode(uart))
        uart_note(uart, UART_NOTE_TX_OVERFLOW, "write to a full TX FIFO lost");
    else
        *uart_fifo_last(&uart->tx) = value;
    uart->thre_pending = false;
    /* let the line fall before THR empties again into an idle TSR, so an
     * edge-triggered PIC sees the next THRE interrupt */
    uart_update_irq(uart);
    uart_tx_start(uart);
}

/* ---- modem lines ---- */

static uint8_t uart_modem_inputs(const struct uart16550 *uart)
{
    static const uint8_t loop_map[4][2] = {
        { UART_MCR_DTR, UART_MSR_DSR },
        { UART_MCR_RTS, UART_MSR_CTS },
        { UART_MCR_OUT1, UART_MSR_RI },
        { UART_MCR_OUT2, UART_MSR_DCD },
    };
    uint8_t in = 0;

    if (!(uart->mcr & UART_MCR_LOOP))
        return UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;
    /* datasheet "Loopback": DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD */
    for (unsigned i = 0; i < 4; i++)
        if (uart->mcr & loop_map[i][0])
            in |= loop_map[i][1];
    return in;
}

static void uart_set_modem_inputs(struct uart16550 *uart, uint8_t in)
{
    uint8_t changed = uart->modem_in ^ in;
    uint8_t ri_fell = uart->modem_in & (uint8_t)~in & UART_MSR_RI;

    /* each delta bit sits 4 below its line; TERI is the trailing edge of RI only */
    uart->msr_delta |= (uint8_t)((changed >> 4) & (UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD));
    uart->msr_delta |= (uint8_t)(ri_fell >> 4);
    uart->modem_in = in;
}

/* ---- register reads ---- */

static uint8_t uart_read_rbr(struct uart16550 *uart)
{
    if (uart->lcr & UART_LCR_DLAB)
        return uart->dll;
    if (uart->rx.count > 0)
        uart->rbr = uart_fifo_pop(&uart->rx);
    uart->timeout_pending = false;
    uart_restart_timeout(uart);
    return uart->rbr;
}

static uint8_t uart_read_ier(struct uart16550 *uart)
{
    return uart->lcr & UART_LCR_DLAB ? uart->dlm : uart->ier;
}

static uint8_t uart_read_iir(struct uart16550 *uart)
{
    uint8_t id = uart_iir_id(uart);

    /* datasheet Table IV: reading IIR while THRE is the source resets it */
    if (id == UART_IIR_THRE)
        uart->thre_pending = false;
    return (uint8_t)(id | (uart_fifo_mode(uart) ? UART_IIR_FIFOS : 0));
}

static uint8_t uart_read_lcr(struct uart16550 *uart)
{
    return uart->lcr;
}

static uint8_t uart_read_mcr(struct uart16550 *uart)
{
    return uart->mcr;
}

static uint8_t uart_read_lsr(struct uart16550 *uart)
{
    uint8_t lsr = uart->lsr_errors;

    if (uart->rx.count > 0)
        lsr |= UART_LSR_DR;
    if (uart->tx.count == 0)
        lsr |= UART_LSR_THRE;
    if (uart->tx.count == 0 && !uart->tsr_busy)
        lsr |= UART_LSR_TEMT;
    uart->lsr_errors = 0;
    return lsr;
}

static uint8_t uart_read_msr(struct uart16550 *uart)
{
    uint8_t msr = uart->modem_in | uart->msr_delta;

    uart->msr_delta = 0;
    return msr;
}

static uint8_t uart_read_scr(struct uart16550 *uart)
{
    return uart->scr;
}

static uint8_t (*const uart_readers[UART16550_PORT_COUNT])(struct uart16550 *) = {
    [UART_RBR] = uart_read_rbr, [UART_IER] = uart_read_ier, [UART_IIR] = uart_read_iir,
    [UART_LCR] = uart_read_lcr, [UART_MCR] = uart_read_mcr, [UART_LSR] = uart_read_lsr,
    [UART_MSR] = uart_read_msr, [UART_SCR] = uart_read_scr,
};

/* ---- register writes ---- */

static void uart_write_data(struct uart16550 *uart, uint8_t value)
{
    if (uart->lcr & UART_LCR_DLAB)
        uart->dll = value;
    else
        uart_write_thr(uart, value);
}

static void uart_write_ier(struct uart16550 *uart, uint8_t value)
{
    if (uart->lcr & UART_LCR_DLAB) {
        uart->dlm = value;
        return;
    }
    /* enabling ETBEI while THR is empty raises a THRE interrupt at once */
    if ((value & ~uart->ier & UART_IER_ETBEI) && uart->tx.count == 0)
        uart->thre_pending = true;
    uart->ier = value & 0x0F;
}

static void uart_clear_rx(struct uart16550 *uart)
{
    uart->rx.count = 0;
    uart->timeout_pending = false;
}

static void uart_clear_tx(struct uart16550 *uart)
{
    if (uart->tx.count > 0)
        uart->thre_pending = true;
    uart->tx.count = 0;
}

/* Datasheet "FIFO Control Register": changing FCR0 clears both FIFOs; the other bits
 * are only written while FCR0 is (being set to) 1. The shift registers are kept. */
static void uart_write_fcr(struct uart16550 *uart, uint8_t value)
{
    if ((value ^ uart->fcr) & UART_FCR_ENABLE) {
        uart_clear_rx(uart);
        uart_clear_tx(uart);
    }
    if (!(value & UART_FCR_ENABLE)) {
        uart->fcr = 0;
    } else {
        if (value & UART_FCR_RX_RESET)
            uart_clear_rx(uart);
        if (value & UART_FCR_TX_RESET)
            uart_clear_tx(uart);
        uart->fcr = value & (UART_FCR_ENABLE | UART_FCR_DMA | UART_FCR_TRIGGER_MASK);
    }
    uart_restart_timeout(uart);
}

static void uart_write_lcr(struct uart16550 *uart, uint8_t value)
{
    uart->lcr = value;
}

static void uart_write_mcr(struct uart16550 *uart, uint8_t value)
{
    uart->mcr = value & 0x1F;
    uart_set_modem_inputs(uart, uart_modem_inputs(uart));
}

static void uart_write_test(struct uart16550 *uart, uint8_t value)
{
    uart_note(uart, UART_NOTE_TEST_WRITE, "write to LSR/MSR (factory test) ignored");
}

static void uart_write_scr(struct uart16550 *uart, uint8_t value)
{
    uart->scr = value;
}

static void (*const uart_writers[UART16550_PORT_COUNT])(struct uart16550 *, uint8_t) = {
    [UART_THR] = uart_write_data, [UART_IER] = uart_write_ier, [UART_FCR] = uart_write_fcr,
    [UART_LCR] = uart_write_lcr, [UART_MCR] = uart_write_mcr, [UART_LSR] = uart_write_test,
    [UART_MSR] = uart_write_test, [UART_SCR] = uart_write_scr,
};

static uint32_t uart_port_read(void *opaque, uint16_t port, unsigned size)
{
    struct uart16550 *uart = opaque;
    uint8_t value = uart_readers[(port - uart->base) & 7](uart);

    uart_update_irq(uart);
    return value;
}

static void uart_port_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct uart16550 *uart = opaque;

    uart_writers[(port - uart->base) & 7](uart, (uint8_t)value);
    uart_update_irq(uart);
}

static const struct ioport_ops uart_ops = {
    .read = uart_port_read,
    .write = uart_port_write,
    .sizes = 1,
};

/* ---- lifecycle and frontend interface ---- */

struct uart16550 *uart16550_create(struct ioports *io, uint16_t base, struct vclock *clk,
                                   struct irq_line irq, const struct uart_backend *backend,
                                   void *backend_opaque, struct log *log)
{
    struct uart16550 *uart = calloc(1, sizeof(*uart));

    if (!uart)
        return NULL;
    uart->clk = clk;
    uart->irq = irq;
    uart->backend = backend;
    uart->backend_opaque = backend_opaque;
    uart->log = log;
    uart->base = base;
    timer_init(&uart->tx_timer, clk, uart_tx_fired, uart);
    timer_init(&uart->timeout_timer, clk, uart_timeout_fired, uart);
    uart16550_reset(uart, true);
    if (!ioports_register(io, base, UART16550_PORT_COUNT, &uart_ops, uart, "16550A UART")) {
        free(uart);
        return NULL;
    }
    return uart;
}

void uart16550_destroy(struct uart16550 *uart)
{
    if (!uart)
        return;
    timer_del(&uart->tx_timer);
    timer_del(&uart->timeout_timer);
    free(uart);
}

void uart16550_reset(struct uart16550 *uart, bool power_on)
{
    timer_del(&uart->tx_timer);
    timer_del(&uart->timeout_timer);
    uart->ier = uart->fcr = uart->lcr = uart->mcr = 0;
    uart->lsr_errors = 0;
    uart->rx.count = uart->tx.count = 0;
    uart->tsr_busy = uart->thre_pending = uart->timeout_pending = false;
    uart->modem_in = uart_modem_inputs(uart);
    uart->msr_delta = 0;
    if (power_on) {
        uart->scr = 0;
        uart->dll = UART_POWER_ON_DIVISOR;
        uart->dlm = 0;
    }
    uart_update_irq(uart);
}

size_t uart16550_receive(struct uart16550 *uart, const uint8_t *bytes, size_t n)
{
    size_t accepted = 0;

    /* datasheet "Loopback": the serial input is disconnected */
    if (uart->mcr & UART_MCR_LOOP)
        return 0;
    while (accepted < n && uart->rx.count < uart_capacity(uart))
        uart_rx_char(uart, bytes[accepted++]);
    uart_update_irq(uart);
    return accepted;
}
