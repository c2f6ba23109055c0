/* Keyboard controller: IBM PS/2 Hardware Interface Technical Reference, "Keyboard
 * and Auxiliary Device Controller" (status, command byte, commands, output and
 * input ports), IBM PC AT Technical Reference (8042 firmware, A20 on P21). */
#include "i8042.h"

#include <stdlib.h>

#include "ioport.h"
#include "keymap.h"
#include "log.h"
#include "ps2kbd.h"
#include "ps2mouse.h"

enum {
    I8042_RAM_SIZE = 32,
    /* controller replies and D2/D3 bytes waiting for the output buffer */
    I8042_PENDING_MAX = 4,
    I8042_POWER_ON_CB = I8042_CB_XLAT | I8042_CB_AUX_DISABLE | I8042_CB_KBD_INT,
    I8042_POWER_ON_OUT = I8042_OUT_KBD_DATA | I8042_OUT_KBD_CLOCK | I8042_OUT_AUX_CLOCK |
                         I8042_OUT_AUX_DATA | I8042_OUT_A20 | I8042_OUT_RESET,
    /* input port: keyboard not inhibited, no manufacturing jumper, 512 KiB on
     * the board, colour display (bit 6 clear) */
    I8042_INPUT_PORT = 0x80 | 0x20 | 0x10,
    /* E0 test inputs: T0 keyboard clock, T1 keyboard data */
    I8042_TEST_T0 = 1u << 0,
    I8042_TEST_T1 = 1u << 1,
    I8042_SET2_BREAK = 0xF0,
};

struct i8042_byte {
    uint8_t value;
    bool aux;
};

struct i8042 {
    struct irq_line irq1;
    struct irq_line irq12;
    struct ps2kbd *kbd;
    struct ps2mouse *mouse;
    const struct i8042_board_ops *ops;
    void *opaque;
    struct log *log;
    /* internal RAM; byte 0 is the command byte */
    uint8_t ram[I8042_RAM_SIZE];
    uint8_t output_port;
    /* the data register at 60h and who filled it */
    uint8_t out;
    bool obf;
    bool out_aux;
    struct i8042_byte pending[I8042_PENDING_MAX];
    unsigned pending_count;
    /* command waiting for its data byte at 60h, 0 when none */
    uint8_t cmd;
    /* status bits A2 and TIMEOUT */
    uint8_t status_flags;
    /* translation saw F0: the next key code is a break */
    bool xlat_break;
    bool irq1_level;
    bool irq12_level;
    bool logged_unknown;
};

static void i8042_update_irq(struct i8042 *c)
{
    bool kbd = c->obf && !c->out_aux && (c->ram[0] & I8042_CB_KBD_INT);
    bool aux = c->obf && c->out_aux && (c->ram[0] & I8042_CB_AUX_INT);

    if (kbd != c->irq1_level) {
        c->irq1_level = kbd;
        irq_set(&c->irq1, kbd);
    }
    if (aux != c->irq12_level) {
        c->irq12_level = aux;
        irq_set(&c->irq12, aux);
    }
}

/* One byte from the keyboard, translated to set 1 when the command byte asks:
 * F0 is swallowed and sets bit 7 of the next byte. */
static bool i8042_pull_kbd(struct i8042 *c, uint8_t *byte)
{
    if (!c->kbd || (c->ram[0] & I8042_CB_KBD_DISABLE))
        return false;
    while (ps2kbd_read(c->kbd, byte)) {
        if (!(c->ram[0] & I8042_CB_XLAT))
            return true;
        if (*byte == I8042_SET2_BREAK) {
            c->xlat_break = true;
            continue;
        }
        *byte = keymap_set2_to_set1(*byte) | (c->xlat_break ? 0x80 : 0);
        c->xlat_break = false;
        return true;
    }
    return false;
}

static bool i8042_pull_aux(struct i8042 *c, uint8_t *byte)
{
    if (!c->mouse || (c->ram[0] & I8042_CB_AUX_DISABLE))
        return false;
    return ps2mouse_read(c->mouse, byte);
}

/* With the output buffer empty, take the next byte: the controller's own
 * replies first, then the keyboard, then the mouse. */
static void i8042_refill(struct i8042 *c)
{
    if (!c->obf && c->pending_count > 0) {
        c->out = c->pending[0].value;
        c->out_aux = c->pending[0].aux;
        c->obf = true;
        c->pending_count--;
        for (unsigned i = 0; i < c->pending_count; i++)
            c->pending[i] = c->pending[i + 1];
    }
    if (!c->obf && i8042_pull_kbd(c, &c->out)) {
        c->obf = true;
        c->out_aux = false;
    }
    if (!c->obf && i8042_pull_aux(c, &c->out)) {
        c->obf = true;
        c->out_aux = true;
    }
    i8042_update_irq(c);
}

static void i8042_notify(void *opaque)
{
    i8042_refill(opaque);
}

static void i8042_queue(struct i8042 *c, uint8_t value, bool aux)
{
    if (c->pending_count < I8042_PENDING_MAX)
        c->pending[c->pending_count++] = (struct i8042_byte){ value, aux };
    i8042_refill(c);
}

static void i8042_reply(struct i8042 *c, uint8_t value)
{
    i8042_queue(c, value, false);
}

static void i8042_set_command_byte(struct i8042 *c, uint8_t value)
{
    c->ram[0] = value;
    i8042_refill(c);
}

static void i8042_write_output_port(struct i8042 *c, uint8_t value)
{
    bool a20_changed = (value ^ c->output_port) & I8042_OUT_A20;

    /* the CPU comes out of reset at once: the line reads back released */
    c->output_port = value | I8042_OUT_RESET;
    if (a20_changed && c->ops && c->ops->set_a20)
        c->ops->set_a20(c->opaque, value & I8042_OUT_A20);
    if (!(value & I8042_OUT_RESET) && c->ops && c->ops->reset)
        c->ops->reset(c->opaque);
}

static uint8_t i8042_read_output_port(const struct i8042 *c)
{
    uint8_t value = c->output_port & ~(I8042_OUT_KBD_OBF | I8042_OUT_AUX_OBF);

    if (c->obf)
        value |= c->out_aux ? I8042_OUT_AUX_OBF : I8042_OUT_KBD_OBF;
    return value;
}

static void i8042_cmd_aux_disable(struct i8042 *c)
{
    i8042_set_command_byte(c, c->ram[0] | I8042_CB_AUX_DISABLE);
}

static void i8042_cmd_aux_enable(struct i8042 *c)
{
    i8042_set_command_byte(c, c->ram[0] & ~I8042_CB_AUX_DISABLE);
}

static void i8042_cmd_interface_test(struct i8042 *c)
{
    i8042_reply(c, I8042_INTERFACE_OK);
}

/* IBM: the system flag is set after a successful self test. */
static void i8042_cmd_self_test(struct i8042 *c)
{
    c->ram[0] |= I8042_CB_SYS;
    i8042_reply(c, I8042_SELF_TEST_OK);
}

static void i8042_cmd_kbd_disable(struct i8042 *c)
{
    i8042_set_command_byte(c, c->ram[0] | I8042_CB_KBD_DISABLE);
}

static void i8042_cmd_kbd_enable(struct i8042 *c)
{
    i8042_set_command_byte(c, c->ram[0] & ~I8042_CB_KBD_DISABLE);
}

static void i8042_cmd_read_input(struct i8042 *c)
{
    i8042_reply(c, I8042_INPUT_PORT);
}

static void i8042_cmd_read_output(struct i8042 *c)
{
    i8042_reply(c, i8042_read_output_port(c));
}

static void i8042_cmd_a20_off(struct i8042 *c)
{
    i8042_write_output_port(c, c->output_port & ~I8042_OUT_A20);
}

static void i8042_cmd_a20_on(struct i8042 *c)
{
    i8042_write_output_port(c, c->output_port | I8042_OUT_A20);
}

static void i8042_cmd_read_test(struct i8042 *c)
{
    uint8_t t = I8042_TEST_T1;

    if (!(c->ram[0] & I8042_CB_KBD_DISABLE))
        t |= I8042_TEST_T0;
    i8042_reply(c, t);
}

static void i8042_data_write_output(struct i8042 *c, uint8_t value)
{
    i8042_write_output_port(c, value);
}

static void i8042_data_kbd_obuf(struct i8042 *c, uint8_t value)
{
    i8042_queue(c, value, false);
}

static void i8042_data_aux_obuf(struct i8042 *c, uint8_t value)
{
    i8042_queue(c, value, true);
}

static void i8042_data_write_aux(struct i8042 *c, uint8_t value)
{
    if (!c->mouse) {
        c->status_flags |= I8042_STR_TIMEOUT;
        return;
    }
    c->status_flags &= ~I8042_STR_TIMEOUT;
    ps2mouse_write(c->mouse, value);
}

struct i8042_command {
    uint8_t code;
    void (*run)(struct i8042 *c);
    /* handler of the data byte written next to 60h, if any */
    void (*data)(struct i8042 *c, uint8_t value);
};

static const struct i8042_command i8042_commands[] = {
    { I8042_CMD_AUX_DISABLE, i8042_cmd_aux_disable, NULL },
    { I8042_CMD_AUX_ENABLE, i8042_cmd_aux_enable, NULL },
    { I8042_CMD_AUX_TEST, i8042_cmd_interface_test, NULL },
    { I8042_CMD_SELF_TEST, i8042_cmd_self_test, NULL },
    { I8042_CMD_KBD_TEST, i8042_cmd_interface_test, NULL },
    { I8042_CMD_KBD_DISABLE, i8042_cmd_kbd_disable, NULL },
    { I8042_CMD_KBD_ENABLE, i8042_cmd_kbd_enable, NULL },
    { I8042_CMD_READ_INPUT, i8042_cmd_read_input, NULL },
    { I8042_CMD_READ_OUTPUT, i8042_cmd_read_output, NULL },
    { I8042_CMD_WRITE_OUTPUT, NULL, i8042_data_write_output },
    { I8042_CMD_WRITE_KBD_OBUF, NULL, i8042_data_kbd_obuf },
    { I8042_CMD_WRITE_AUX_OBUF, NULL, i8042_data_aux_obuf },
    { I8042_CMD_WRITE_AUX, NULL, i8042_data_write_aux },
    { I8042_CMD_A20_OFF, i8042_cmd_a20_off, NULL },
    { I8042_CMD_A20_ON, i8042_cmd_a20_on, NULL },
    { I8042_CMD_READ_TEST, i8042_cmd_read_test, NULL },
};

enum { I8042_COMMAND_COUNT = sizeof(i8042_commands) / sizeof(i8042_commands[0]) };

static const struct i8042_command *i8042_find_command(uint8_t code)
{
    for (unsigned i = 0; i < I8042_COMMAND_COUNT; i++) {
        if (i8042_commands[i].code == code)
            return &i8042_commands[i];
    }
    return NULL;
}

static bool i8042_is_ram_write(uint8_t code)
{
    return (code & 0xE0) == I8042_CMD_WRITE_RAM;
}

/* F0h-FFh: output port bits 0-3 that are 0 in the command are pulsed low for
 * 6 us; only the reset line (bit 0) has an effect worth modelling. */
static void i8042_pulse(struct i8042 *c, uint8_t code)
{
    if (!(code & I8042_OUT_RESET) && c->ops && c->ops->reset)
        c->ops->reset(c->opaque);
}

static void i8042_command(struct i8042 *c, uint8_t code)
{
    const struct i8042_command *cmd = i8042_find_command(code);

    c->cmd = 0;
    if ((code & 0xE0) == I8042_CMD_READ_RAM) {
        i8042_reply(c, c->ram[code & (I8042_RAM_SIZE - 1)]);
    } else if (i8042_is_ram_write(code)) {
        c->cmd = code;
    } else if (code >= I8042_CMD_PULSE) {
        i8042_pulse(c, code);
    } else if (cmd && cmd->data) {
        c->cmd = code;
    } else if (cmd) {
        cmd->run(c);
    } else if (!c->logged_unknown) {
        c->logged_unknown = true;
        log_printf(c->log, LOG_UNIMP, "i8042: unknown controller command %02Xh ignored\n", code);
    }
}

static void i8042_data(struct i8042 *c, uint8_t value)
{
    uint8_t code = c->cmd;

    c->cmd = 0;
    if (i8042_is_ram_write(code)) {
        if ((code & (I8042_RAM_SIZE - 1)) == 0)
            i8042_set_command_byte(c, value);
        else
            c->ram[code & (I8042_RAM_SIZE - 1)] = value;
    } else if (code) {
        i8042_find_command(code)->data(c, value);
    } else if (c->kbd) {
        c->status_flags &= ~I8042_STR_TIMEOUT;
        ps2kbd_write(c->kbd, value);
    } else {
        c->status_flags |= I8042_STR_TIMEOUT;
    }
}

static uint8_t i8042_status(const struct i8042 *c)
{
    uint8_t status = c->status_flags | I8042_STR_INH;

    if (c->obf)
        status |= I8042_STR_OBF | (c->out_aux ? I8042_STR_AUXB : 0);
    if (c->ram[0] & I8042_CB_SYS)
        status |= I8042_STR_SYSF;
    return status;
}

/* Reading 60h empties the output buffer (the IRQ line drops) and lets the
 * next byte in; with none, the register keeps its last value. */
static uint8_t i8042_read_data(struct i8042 *c)
{
    uint8_t value = c->out;

    if (c->obf) {
        c->obf = false;
        i8042_update_irq(c);
        i8042_refill(c);
    }
    return value;
}

static uint32_t i8042_read(void *opaque, uint16_t port, unsigned size)
{
    struct i8042 *c = opaque;

    if (port == I8042_DATA_PORT)
        return i8042_read_data(c);
    return i8042_status(c);
}

static void i8042_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct i8042 *c = opaque;

    if (port == I8042_DATA_PORT) {
        c->status_flags &= ~I8042_STR_A2;
        i8042_data(c, (uint8_t)value);
    } else {
        c->status_flags |= I8042_STR_A2;
        i8042_command(c, (uint8_t)value);
    }
}

static const struct ioport_ops i8042_ops = {
    .read = i8042_read,
    .write = i8042_write,
    .sizes = 1,
};

void i8042_reset(struct i8042 *c, bool power_on)
{
    c->cmd = 0;
    if (!power_on)
        return;
    for (unsigned i = 0; i < I8042_RAM_SIZE; i++)
        c->ram[i] = 0;
    c->ram[0] = I8042_POWER_ON_CB;
    c->output_port = I8042_POWER_ON_OUT;
    c->out = 0;
    c->obf = false;
    c->pending_count = 0;
    c->status_flags = 0;
    c->xlat_break = false;
    if (c->ops && c->ops->set_a20)
        c->ops->set_a20(c->opaque, true);
    i8042_refill(c);
}

struct i8042 *i8042_create(struct ioports *io, struct irq_line irq1, struct irq_line irq12,
                           struct ps2kbd *kbd, struct ps2mouse *mouse,
                           const struct i8042_board_ops *ops, void *opaque, struct log *log)
{
    struct i8042 *c = calloc(1, sizeof(*c));

    /* no unregistration: check both ports before taking either */
    if (!c || ioports_owner(io, I8042_DATA_PORT) || ioports_owner(io, I8042_STATUS_PORT)) {
        free(c);
        return NULL;
    }
    *c = (struct i8042){ .irq1 = irq1, .irq12 = irq12, .kbd = kbd, .mouse = mouse,
                         .ops = ops, .opaque = opaque, .log = log };
    if (!ioports_register(io, I8042_DATA_PORT, 1, &i8042_ops, c, "i8042") ||
        !ioports_register(io, I8042_STATUS_PORT, 1, &i8042_ops, c, "i8042")) {
        free(c);
        return NULL;
    }
    if (kbd)
        ps2kbd_set_notify(kbd, i8042_notify, c);
    if (mouse)
        ps2mouse_set_notify(mouse, i8042_notify, c);
    i8042_reset(c, true);
    return c;
}

void i8042_destroy(struct i8042 *c)
{
    if (!c)
        return;
    if (c->kbd)
        ps2kbd_set_notify(c->kbd, NULL, NULL);
    if (c->mouse)
        ps2mouse_set_notify(c->mouse, NULL, NULL);
    free(c);
}
