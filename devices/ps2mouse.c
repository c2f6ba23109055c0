/* PS/2 mouse: IBM PS/2 Hardware Interface Technical Reference, "Pointing Device"
 * (commands, status bytes, 2:1 scaling table), and Microsoft's IntelliMouse
 * extensions (sample-rate knock 200,100,80 -> ID 03; 200,200,80 -> ID 04). */
#include "ps2mouse.h"

#include <stdlib.h>

#include "log.h"

enum {
    PS2MOUSE_DEFAULT_RATE = 100,
    /* 4 counts per millimetre */
    PS2MOUSE_DEFAULT_RESOLUTION = 2,
    PS2MOUSE_XY_MIN = -256,
    PS2MOUSE_XY_MAX = 255,
    PS2MOUSE_Z_MIN = -8,
    PS2MOUSE_Z_MAX = 7,
};

/* Status request (E9) byte 0. */
enum {
    PS2MOUSE_STATUS_RIGHT = 1u << 0,
    PS2MOUSE_STATUS_MIDDLE = 1u << 1,
    PS2MOUSE_STATUS_LEFT = 1u << 2,
    PS2MOUSE_STATUS_SCALING = 1u << 4,
    PS2MOUSE_STATUS_ENABLED = 1u << 5,
    PS2MOUSE_STATUS_REMOTE = 1u << 6,
};

enum { PS2MOUSE_LOGGED_UNKNOWN = 1u << 0 };

struct ps2mouse {
    struct log *log;
    ps2mouse_notify_fn *notify;
    void *notify_opaque;
    uint8_t queue[PS2MOUSE_QUEUE_SIZE];
    unsigned head;
    unsigned count;
    /* for the resend command */
    uint8_t last_sent;
    /* command waiting for its parameter byte (F3, E8), 0 when none */
    uint8_t pending;
    bool reporting;
    bool remote;
    bool wrap;
    bool scaling_2_1;
    uint8_t rate;
    uint8_t resolution;
    uint8_t id;
    /* last three sample rates set, oldest first: the IntelliMouse knock */
    uint8_t rate_history[3];
    /* motion not yet reported, packet convention (Y up) */
    int dx, dy, dz;
    unsigned buttons;
    /* buttons in the last packet sent */
    unsigned reported_buttons;
    uint32_t logged;
};

static void ps2mouse_push(struct ps2mouse *m, uint8_t byte)
{
    if (m->count < PS2MOUSE_QUEUE_SIZE) {
        m->queue[(m->head + m->count) % PS2MOUSE_QUEUE_SIZE] = byte;
        m->count++;
    }
}

static void ps2mouse_notify(struct ps2mouse *m)
{
    if (m->notify && m->count > 0)
        m->notify(m->notify_opaque);
}

static int ps2mouse_clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static unsigned ps2mouse_packet_size(const struct ps2mouse *m)
{
    return m->id == PS2MOUSE_ID_STANDARD ? 3 : 4;
}

/* IBM 2:1 scaling: 1->1, 2->1, 3->3, 4->6, 5->9, otherwise doubled. */
static int ps2mouse_scale(int v)
{
    static const int table[6] = { 0, 1, 1, 3, 6, 9 };
    int mag = v < 0 ? -v : v;
    int out = mag < 6 ? table[mag] : 2 * mag;

    return v < 0 ? -out : out;
}

/* Byte 0 bits for one axis value: sign, and overflow (value clamped). */
static uint8_t ps2mouse_axis_bits(int *v, uint8_t sign, uint8_t ovf)
{
    uint8_t bits = *v < 0 ? sign : 0;

    if (*v < PS2MOUSE_XY_MIN || *v > PS2MOUSE_XY_MAX) {
        bits |= ovf;
        *v = ps2mouse_clamp(*v, PS2MOUSE_XY_MIN, PS2MOUSE_XY_MAX);
    }
    return bits;
}

static uint8_t ps2mouse_byte3(const struct ps2mouse *m, int z)
{
    if (m->id == PS2MOUSE_ID_5BUTTON)
        return (uint8_t)((z & 0x0F) | ((m->buttons & (PS2MOUSE_BUTTON_4 | PS2MOUSE_BUTTON_5)) << 1));
    return (uint8_t)z;
}

/* Queue one packet of x, y (may overflow), z (in range) and the buttons. */
static void ps2mouse_push_packet(struct ps2mouse *m, int x, int y, int z)
{
    uint8_t b0 = PS2MOUSE_PKT_ALWAYS1 | (m->buttons & 7u);

    b0 |= ps2mouse_axis_bits(&x, PS2MOUSE_PKT_XSIGN, PS2MOUSE_PKT_XOVF);
    b0 |= ps2mouse_axis_bits(&y, PS2MOUSE_PKT_YSIGN, PS2MOUSE_PKT_YOVF);
    ps2mouse_push(m, b0);
    ps2mouse_push(m, (uint8_t)x);
    ps2mouse_push(m, (uint8_t)y);
    if (ps2mouse_packet_size(m) == 4)
        ps2mouse_push(m, ps2mouse_byte3(m, z));
    m->reported_buttons = m->buttons;
}

static void ps2mouse_clear_motion(struct ps2mouse *m)
{
    m->dx = m->dy = m->dz = 0;
}

static bool ps2mouse_motion_pending(const struct ps2mouse *m)
{
    return m->dx || m->dy || m->dz || m->buttons != m->reported_buttons;
}

/* Stream mode: report pending motion in packets of what one packet can hold,
 * as long as whole packets fit in the queue. */
static void ps2mouse_stream(struct ps2mouse *m)
{
    if (!m->reporting || m->remote || m->wrap)
        return;
    while (ps2mouse_motion_pending(m) && m->count + ps2mouse_packet_size(m) <= PS2MOUSE_QUEUE_SIZE) {
        int x = ps2mouse_clamp(m->dx, PS2MOUSE_XY_MIN, PS2MOUSE_XY_MAX);
        int y = ps2mouse_clamp(m->dy, PS2MOUSE_XY_MIN, PS2MOUSE_XY_MAX);
        int z = ps2mouse_packet_size(m) == 4 ? ps2mouse_clamp(m->dz, PS2MOUSE_Z_MIN, PS2MOUSE_Z_MAX) : 0;

        m->dx -= x;
        m->dy -= y;
        m->dz -= z;
        if (m->scaling_2_1) {
            x = ps2mouse_scale(x);
            y = ps2mouse_scale(y);
        }
        ps2mouse_push_packet(m, x, y, z);
    }
}

void ps2mouse_move(struct ps2mouse *m, int dx, int dy, int dz, unsigned buttons)
{
    m->dx += dx;
    m->dy -= dy;
    m->dz += dz;
    m->buttons = buttons & 0x1Fu;
    if (m->id == PS2MOUSE_ID_STANDARD)
        m->dz = 0;
    ps2mouse_stream(m);
    ps2mouse_notify(m);
}

static void ps2mouse_defaults(struct ps2mouse *m)
{
    m->rate = PS2MOUSE_DEFAULT_RATE;
    m->resolution = PS2MOUSE_DEFAULT_RESOLUTION;
    m->scaling_2_1 = false;
    m->reporting = false;
    m->remote = false;
    m->wrap = false;
    ps2mouse_clear_motion(m);
}

static void ps2mouse_ack(struct ps2mouse *m)
{
    ps2mouse_push(m, PS2MOUSE_ACK);
}

static void ps2mouse_cmd_scaling_1_1(struct ps2mouse *m)
{
    m->scaling_2_1 = false;
    ps2mouse_ack(m);
}

static void ps2mouse_cmd_scaling_2_1(struct ps2mouse *m)
{
    m->scaling_2_1 = true;
    ps2mouse_ack(m);
}

static void ps2mouse_cmd_with_param(struct ps2mouse *m)
{
    ps2mouse_ack(m);
}

static void ps2mouse_param_resolution(struct ps2mouse *m, uint8_t param)
{
    if (param > 3) {
        ps2mouse_push(m, PS2MOUSE_RESEND);
        return;
    }
    m->resolution = param;
    ps2mouse_ack(m);
}

static void ps2mouse_cmd_status(struct ps2mouse *m)
{
    uint8_t status = 0;

    status |= (m->buttons & PS2MOUSE_BUTTON_LEFT) ? PS2MOUSE_STATUS_LEFT : 0;
    status |= (m->buttons & PS2MOUSE_BUTTON_MIDDLE) ? PS2MOUSE_STATUS_MIDDLE : 0;
    status |= (m->buttons & PS2MOUSE_BUTTON_RIGHT) ? PS2MOUSE_STATUS_RIGHT : 0;
    status |= m->scaling_2_1 ? PS2MOUSE_STATUS_SCALING : 0;
    status |= m->reporting ? PS2MOUSE_STATUS_ENABLED : 0;
    status |= m->remote ? PS2MOUSE_STATUS_REMOTE : 0;
    ps2mouse_ack(m);
    ps2mouse_push(m, status);
    ps2mouse_push(m, m->resolution);
    ps2mouse_push(m, m->rate);
}

static void ps2mouse_cmd_stream(struct ps2mouse *m)
{
    m->remote = false;
    ps2mouse_clear_motion(m);
    ps2mouse_ack(m);
}

/* EB: a packet of all motion since the last one, whether or not it moved. */
static void ps2mouse_cmd_read_data(struct ps2mouse *m)
{
    int z = ps2mouse_clamp(m->dz, PS2MOUSE_Z_MIN, PS2MOUSE_Z_MAX);

    ps2mouse_ack(m);
    ps2mouse_push_packet(m, m->dx, m->dy, ps2mouse_packet_size(m) == 4 ? z : 0);
    ps2mouse_clear_motion(m);
}

static void ps2mouse_cmd_reset_wrap(struct ps2mouse *m)
{
    m->wrap = false;
    ps2mouse_clear_motion(m);
    ps2mouse_ack(m);
}

static void ps2mouse_cmd_wrap(struct ps2mouse *m)
{
    m->wrap = true;
    ps2mouse_clear_motion(m);
    ps2mouse_ack(m);
}

static void ps2mouse_cmd_remote(struct ps2mouse *m)
{
    m->remote = true;
    ps2mouse_clear_motion(m);
    ps2mouse_ack(m);
}

static void ps2mouse_cmd_get_id(struct ps2mouse *m)
{
    ps2mouse_ack(m);
    ps2mouse_push(m, m->id);
}

static bool ps2mouse_history_is(const struct ps2mouse *m, uint8_t a, uint8_t b, uint8_t c)
{
    return m->rate_history[0] == a && m->rate_history[1] == b && m->rate_history[2] == c;
}

static void ps2mouse_param_rate(struct ps2mouse *m, uint8_t param)
{
    static const uint8_t valid[] = { 10, 20, 40, 60, 80, 100, 200 };
    bool ok = false;

    for (unsigned i = 0; i < sizeof(valid); i++)
        ok |= valid[i] == param;
    if (!ok) {
        ps2mouse_push(m, PS2MOUSE_RESEND);
        return;
    }
    m->rate = param;
    m->rate_history[0] = m->rate_history[1];
    m->rate_history[1] = m->rate_history[2];
    m->rate_history[2] = param;
    if (m->id == PS2MOUSE_ID_STANDARD && ps2mouse_history_is(m, 200, 100, 80))
        m->id = PS2MOUSE_ID_WHEEL;
    else if (m->id == PS2MOUSE_ID_WHEEL && ps2mouse_history_is(m, 200, 200, 80))
        m->id = PS2MOUSE_ID_5BUTTON;
    ps2mouse_ack(m);
}

static void ps2mouse_cmd_enable(struct ps2mouse *m)
{
    m->reporting = true;
    ps2mouse_clear_motion(m);
    m->reported_buttons = m->buttons;
    ps2mouse_ack(m);
}

static void ps2mouse_cmd_disable(struct ps2mouse *m)
{
    m->reporting = false;
    ps2mouse_clear_motion(m);
    ps2mouse_ack(m);
}

static void ps2mouse_cmd_default(struct ps2mouse *m)
{
    ps2mouse_defaults(m);
    ps2mouse_ack(m);
}

static void ps2mouse_cmd_resend(struct ps2mouse *m)
{
    ps2mouse_push(m, m->last_sent);
}

/* Self test passed (AA) and device ID; the IntelliMouse mode is lost. */
static void ps2mouse_restart(struct ps2mouse *m)
{
    ps2mouse_defaults(m);
    m->id = PS2MOUSE_ID_STANDARD;
    for (unsigned i = 0; i < 3; i++)
        m->rate_history[i] = 0;
    ps2mouse_push(m, PS2MOUSE_BAT_OK);
    ps2mouse_push(m, m->id);
}

static void ps2mouse_cmd_reset(struct ps2mouse *m)
{
    ps2mouse_ack(m);
    ps2mouse_restart(m);
}

struct ps2mouse_command {
    void (*run)(struct ps2mouse *m);
    void (*param)(struct ps2mouse *m, uint8_t param);
};

/* Commands E6-FF, indexed by command - E6. */
static const struct ps2mouse_command ps2mouse_commands[0x100 - PS2MOUSE_CMD_SCALING_1_1] = {
    [0xE6 - 0xE6] = { ps2mouse_cmd_scaling_1_1, NULL },
    [0xE7 - 0xE6] = { ps2mouse_cmd_scaling_2_1, NULL },
    [0xE8 - 0xE6] = { ps2mouse_cmd_with_param, ps2mouse_param_resolution },
    [0xE9 - 0xE6] = { ps2mouse_cmd_status, NULL },
    [0xEA - 0xE6] = { ps2mouse_cmd_stream, NULL },
    [0xEB - 0xE6] = { ps2mouse_cmd_read_data, NULL },
    [0xEC - 0xE6] = { ps2mouse_cmd_reset_wrap, NULL },
    [0xEE - 0xE6] = { ps2mouse_cmd_wrap, NULL },
    [0xF0 - 0xE6] = { ps2mouse_cmd_remote, NULL },
    [0xF2 - 0xE6] = { ps2mouse_cmd_get_id, NULL },
    [0xF3 - 0xE6] = { ps2mouse_cmd_with_param, ps2mouse_param_rate },
    [0xF4 - 0xE6] = { ps2mouse_cmd_enable, NULL },
    [0xF5 - 0xE6] = { ps2mouse_cmd_disable, NULL },
    [0xF6 - 0xE6] = { ps2mouse_cmd_default, NULL },
    [0xFE - 0xE6] = { ps2mouse_cmd_resend, NULL },
    [0xFF - 0xE6] = { ps2mouse_cmd_reset, NULL },
};

static const struct ps2mouse_command *ps2mouse_find_command(uint8_t byte)
{
    if (byte < PS2MOUSE_CMD_SCALING_1_1 || !ps2mouse_commands[byte - PS2MOUSE_CMD_SCALING_1_1].run)
        return NULL;
    return &ps2mouse_commands[byte - PS2MOUSE_CMD_SCALING_1_1];
}

static void ps2mouse_command(struct ps2mouse *m, uint8_t byte)
{
    const struct ps2mouse_command *cmd = ps2mouse_find_command(byte);
    uint8_t pending = m->pending;

    m->pending = 0;
    if (pending) {
        ps2mouse_find_command(pending)->param(m, byte);
    } else if (cmd) {
        cmd->run(m);
        if (cmd->param)
            m->pending = byte;
    } else {
        if (!(m->logged & PS2MOUSE_LOGGED_UNKNOWN))
            log_printf(m->log, LOG_UNIMP, "ps2mouse: unknown command %02Xh\n", byte);
        m->logged |= PS2MOUSE_LOGGED_UNKNOWN;
        ps2mouse_push(m, PS2MOUSE_RESEND);
    }
}

void ps2mouse_write(struct ps2mouse *m, uint8_t byte)
{
    if (m->wrap && byte != PS2MOUSE_CMD_RESET_WRAP && byte != PS2MOUSE_CMD_RESET) {
        ps2mouse_push(m, byte);
    } else {
        /* a new command interrupts any packet being sent: it is dropped */
        if (!m->pending && byte != PS2MOUSE_CMD_RESEND)
            m->count = 0;
        ps2mouse_command(m, byte);
    }
    ps2mouse_notify(m);
}

bool ps2mouse_has_data(const struct ps2mouse *m)
{
    return m->count > 0;
}

bool ps2mouse_read(struct ps2mouse *m, uint8_t *byte)
{
    if (m->count == 0)
        return false;
    *byte = m->queue[m->head];
    m->head = (m->head + 1) % PS2MOUSE_QUEUE_SIZE;
    m->count--;
    m->last_sent = *byte;
    ps2mouse_stream(m);
    return true;
}

void ps2mouse_reset(struct ps2mouse *m, bool power_on)
{
    if (!power_on)
        return;
    m->count = 0;
    m->pending = 0;
    m->buttons = m->reported_buttons = 0;
    ps2mouse_restart(m);
    ps2mouse_notify(m);
}

struct ps2mouse *ps2mouse_create(struct log *log)
{
    struct ps2mouse *m = calloc(1, sizeof(*m));

    if (!m)
        return NULL;
    m->log = log;
    ps2mouse_reset(m, true);
    return m;
}

void ps2mouse_destroy(struct ps2mouse *m)
{
    free(m);
}

void ps2mouse_set_notify(struct ps2mouse *m, ps2mouse_notify_fn *fn, void *opaque)
{
    m->notify = fn;
    m->notify_opaque = opaque;
}

uint8_t ps2mouse_id(const struct ps2mouse *m)
{
    return m->id;
}
