/* National Semiconductor NS16550A UART with 16-byte FIFOs, wired as a PC serial
 * port: eight ports at base (COM1 3F8h IRQ 4, COM2 2F8h IRQ 3), IRQ gated by OUT2. */
#ifndef TD_UART16550_H
#define TD_UART16550_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "irq.h"

struct ioports;
struct vclock;
struct log;
struct uart16550;

enum {
    UART16550_COM1_BASE = 0x3F8,
    UART16550_COM1_IRQ = 4,
    UART16550_COM2_BASE = 0x2F8,
    UART16550_COM2_IRQ = 3,
    UART16550_PORT_COUNT = 8,
    UART16550_FIFO_SIZE = 16,
    /* input clock 1.8432 MHz / 16 */
    UART16550_BAUD_BASE = 115200,
};

/* Register offsets from base (NS16550A datasheet Table II). */
enum uart_reg {
    /* DLAB = 0: RBR (read) / THR (write); DLAB = 1: DLL */
    UART_RBR = 0,
    UART_THR = 0,
    UART_DLL = 0,
    /* DLAB = 0: IER; DLAB = 1: DLM */
    UART_IER = 1,
    UART_DLM = 1,
    /* IIR (read) / FCR (write) */
    UART_IIR = 2,
    UART_FCR = 2,
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCR = 7,
};

/* Register bits. */
enum {
    UART_IER_ERBFI = 0x01,
    UART_IER_ETBEI = 0x02,
    UART_IER_ELSI = 0x04,
    UART_IER_EDSSI = 0x08,

    UART_IIR_NO_INT = 0x01,
    UART_IIR_ID_MASK = 0x0E,
    UART_IIR_MSR = 0x00,
    UART_IIR_THRE = 0x02,
    UART_IIR_RDA = 0x04,
    UART_IIR_RLS = 0x06,
    UART_IIR_TIMEOUT = 0x0C,
    UART_IIR_FIFOS = 0xC0,

    UART_FCR_ENABLE = 0x01,
    UART_FCR_RX_RESET = 0x02,
    UART_FCR_TX_RESET = 0x04,
    UART_FCR_DMA = 0x08,
    UART_FCR_TRIGGER_MASK = 0xC0,

    UART_LCR_WLS_MASK = 0x03,
    UART_LCR_STB = 0x04,
    UART_LCR_PEN = 0x08,
    UART_LCR_EPS = 0x10,
    UART_LCR_SP = 0x20,
    UART_LCR_BREAK = 0x40,
    UART_LCR_DLAB = 0x80,

    UART_MCR_DTR = 0x01,
    UART_MCR_RTS = 0x02,
    UART_MCR_OUT1 = 0x04,
    UART_MCR_OUT2 = 0x08,
    UART_MCR_LOOP = 0x10,

    UART_LSR_DR = 0x01,
    UART_LSR_OE = 0x02,
    UART_LSR_PE = 0x04,
    UART_LSR_FE = 0x08,
    UART_LSR_BI = 0x10,
    UART_LSR_THRE = 0x20,
    UART_LSR_TEMT = 0x40,
    UART_LSR_FIFO_ERR = 0x80,

    UART_MSR_DCTS = 0x01,
    UART_MSR_DDSR = 0x02,
    UART_MSR_TERI = 0x04,
    UART_MSR_DDCD = 0x08,
    UART_MSR_CTS = 0x10,
    UART_MSR_DSR = 0x20,
    UART_MSR_RI = 0x40,
    UART_MSR_DCD = 0x80,
};

/* Where transmitted characters go (a host terminal, a file, a socket). */
struct uart_backend {
    /* called with each character as it enters the transmit shift register */
    void (*write)(void *opaque, uint8_t byte);
};

/* Register ports [base, base + 8). Characters take virtual time on the line at the
 * programmed rate and format, but reach backend (may be NULL: discarded) as soon as
 * they start. The modem inputs seen outside loopback are those of a connected
 * terminal: CTS, DSR and DCD asserted, RI not. irq is driven high while the chip
 * has an enabled interrupt pending, MCR.OUT2 = 1 and loopback is off (the PC's
 * OUT2 gate). log may be NULL. Returns NULL if a port is taken or memory runs out. */
struct uart16550 *uart16550_create(struct ioports *io, uint16_t base, struct vclock *clk,
                                   struct irq_line irq, const struct uart_backend *backend,
                                   void *backend_opaque, struct log *log)
    __attribute__((warn_unused_result));

/* Disarm the timers and free the state (the ports stay registered). */
void uart16550_destroy(struct uart16550 *uart);

/* The MR pin: registers to their datasheet reset values (IER, FCR, LCR, MCR = 0,
 * LSR = 60h), FIFOs and transmitter emptied, IRQ lowered. power_on also clears SCR
 * and sets the divisor to 12 (9600 baud); a warm reset keeps them. */
void uart16550_reset(struct uart16550 *uart, bool power_on);

/* Characters arriving on the serial input. Accepts as many as the receiver has room
 * for (the RX FIFO's free space, or 1 if RBR is empty with FIFOs off; 0 in loopback,
 * where the input is disconnected) and returns that count; the frontend keeps the rest
 * and offers them again later, so nothing is lost to overrun. */
size_t uart16550_receive(struct uart16550 *uart, const uint8_t *bytes, size_t n);

#endif
