/* PS/2 keyboard: IBM PS/2 Hardware Interface Technical Reference, "Keyboard and
 * Auxiliary Device Controller" / "101/102-Key Keyboard" (commands, typematic
 * rate table, BAT, 16-byte buffer with overrun code). */
#include "ps2kbd.h"

#include <stdlib.h>

#include "clock.h"
#include "log.h"

enum {
    PS2KBD_REPLY_MAX = 8,
    /* F3 option byte: 10.9 characters per second after 500 ms */
    PS2KBD_TYPEMATIC_DEFAULT = 0x2B,
    /* overrun code written in place of a sequence that does not fit */
    PS2KBD_OVERRUN_SET1 = 0xFF,
    PS2KBD_OVERRUN_SET2 = 0x00,
    PS2KBD_HELD_BYTES = (KEY_COUNT + 7) / 8,
    /* the 16-byte buffer plus the place of the overrun code */
    PS2KBD_STORE_SIZE = PS2KBD_QUEUE_SIZE + 1,
};

/* Guest misbehaviour logged once each. */
enum {
    PS2KBD_LOGGED_SET3 = 1u << 0,
    PS2KBD_LOGGED_UNKNOWN = 1u << 1,
    PS2KBD_LOGGED_TIMER = 1u << 2,
    PS2KBD_LOGGED_SET3_CMD = 1u << 3,
};

struct ps2kbd {
    struct vclock *clock;
    struct log *log;
    struct timer repeat;
    ps2kbd_notify_fn *notify;
    void *notify_opaque;
    /* key codes waiting for the controller (ring) */
    uint8_t keys[PS2KBD_STORE_SIZE];
    unsigned key_head;
    unsigned key_count;
    /* command replies, sent before key codes */
    uint8_t reply[PS2KBD_REPLY_MAX];
    unsigned reply_count;
    /* for the resend command */
    uint8_t last_sent;
    /* command waiting for its parameter byte, 0 when none */
    uint8_t pending;
    bool scanning;
    unsigned scan_set;
    uint8_t leds;
    /* F3 option byte */
    uint8_t typematic;
    /* last key pressed and still held: the one that repeats */
    enum key repeat_key;
    uint8_t held[PS2KBD_HELD_BYTES];
    uint32_t logged;
};

static void ps2kbd_log_once(struct ps2kbd *kbd, uint32_t what, const char *msg, uint8_t val)
{
    if (kbd->logged & what)
        return;
    kbd->logged |= what;
    log_printf(kbd->log, LOG_UNIMP, "ps2kbd: %s %02Xh\n", msg, val);
}

static void ps2kbd_reply(struct ps2kbd *kbd, uint8_t byte)
{
    if (kbd->reply_count < PS2KBD_REPLY_MAX)
        kbd->reply[kbd->reply_count++] = byte;
}

static void ps2kbd_push(struct ps2kbd *kbd, uint8_t byte)
{
    kbd->keys[(kbd->key_head + kbd->key_count) % PS2KBD_STORE_SIZE] = byte;
    kbd->key_count++;
}

static uint8_t ps2kbd_overrun_code(const struct ps2kbd *kbd)
{
    return kbd->scan_set == 1 ? PS2KBD_OVERRUN_SET1 : PS2KBD_OVERRUN_SET2;
}

static bool ps2kbd_overrun(const struct ps2kbd *kbd)
{
    unsigned last = (kbd->key_head + kbd->key_count - 1) % PS2KBD_STORE_SIZE;

    return kbd->key_count > 0 && kbd->keys[last] == ps2kbd_overrun_code(kbd);
}

/* A whole sequence, or else the overrun code after the last one that fitted;
 * nothing more is queued until the host has read the overrun code. */
static void ps2kbd_push_seq(struct ps2kbd *kbd, const uint8_t *seq, size_t len)
{
    if (len == 0 || ps2kbd_overrun(kbd))
        return;
    if (kbd->key_count + len > PS2KBD_QUEUE_SIZE) {
        ps2kbd_push(kbd, ps2kbd_overrun_code(kbd));
        return;
    }
    for (size_t i = 0; i < len; i++)
        ps2kbd_push(kbd, seq[i]);
}

static void ps2kbd_notify(struct ps2kbd *kbd)
{
    if (kbd->notify && ps2kbd_has_data(kbd))
        kbd->notify(kbd->notify_opaque);
}

/* Typematic period (1/240 s units): (8 + A) * 2^B, A = bits 0-2, B = bits 3-4. */
static uint64_t ps2kbd_period_ns(uint8_t typematic)
{
    uint64_t units = (8u + (typematic & 7u)) << ((typematic >> 3) & 3u);

    return units * 1000000000ull / 240u;
}

/* Typematic delay: (1 + D) * 250 ms, D = bits 5-6. */
static uint64_t ps2kbd_delay_ns(uint8_t typematic)
{
    return (1u + ((typematic >> 5) & 3u)) * 250000000ull;
}

static void ps2kbd_arm_repeat(struct ps2kbd *kbd, uint64_t deadline_ns)
{
    if (!kbd->clock)
        return;
    if (!timer_mod(&kbd->repeat, deadline_ns))
        ps2kbd_log_once(kbd, PS2KBD_LOGGED_TIMER, "no timer left for typematic repeat", 0);
}

static void ps2kbd_stop_repeat(struct ps2kbd *kbd)
{
    kbd->repeat_key = KEY_NONE;
    if (kbd->clock)
        timer_del(&kbd->repeat);
}

static void ps2kbd_send_key(struct ps2kbd *kbd, enum key key, bool down)
{
    uint8_t seq[KEYMAP_SEQ_MAX];

    ps2kbd_push_seq(kbd, seq, keymap_sequence(key, kbd->scan_set, down, seq));
}

static void ps2kbd_repeat_fire(void *opaque, uint64_t now_ns)
{
    struct ps2kbd *kbd = opaque;

    if (kbd->repeat_key == KEY_NONE || !kbd->scanning)
        return;
    ps2kbd_send_key(kbd, kbd->repeat_key, true);
    ps2kbd_arm_repeat(kbd, now_ns + ps2kbd_period_ns(kbd->typematic));
    ps2kbd_notify(kbd);
}

static bool ps2kbd_held(const struct ps2kbd *kbd, enum key key)
{
    return (kbd->held[key / 8] >> (key % 8)) & 1u;
}

static void ps2kbd_set_held(struct ps2kbd *kbd, enum key key, bool down)
{
    if (down)
        kbd->held[key / 8] |= (uint8_t)(1u << (key % 8));
    else
        kbd->held[key / 8] &= (uint8_t)~(1u << (key % 8));
}

void ps2kbd_key(struct ps2kbd *kbd, enum key key, bool down)
{
    if (key <= KEY_NONE || key >= KEY_COUNT || ps2kbd_held(kbd, key) == down)
        return;
    /* Pause has no break: it is never "held" */
    if (keymap_repeats(key))
        ps2kbd_set_held(kbd, key, down);
    if (!kbd->scanning)
        return;
    ps2kbd_send_key(kbd, key, down);
    if (down && keymap_repeats(key)) {
        kbd->repeat_key = key;
        if (kbd->clock)
            ps2kbd_arm_repeat(kbd, vclock_now(kbd->clock) + ps2kbd_delay_ns(kbd->typematic));
    } else if (!down && key == kbd->repeat_key) {
        ps2kbd_stop_repeat(kbd);
    }
    ps2kbd_notify(kbd);
}

/* Power-on conditions restored by F5, F6 and FF (the scan set only by FF). */
static void ps2kbd_defaults(struct ps2kbd *kbd)
{
    kbd->typematic = PS2KBD_TYPEMATIC_DEFAULT;
    kbd->key_count = 0;
    kbd->key_head = 0;
    kbd->pending = 0;
    ps2kbd_stop_repeat(kbd);
}

/* ED, F0, F3: ACK, then wait for the option byte. */
static void ps2kbd_cmd_ack(struct ps2kbd *kbd)
{
    ps2kbd_reply(kbd, PS2KBD_ACK);
}

static void ps2kbd_param_set_leds(struct ps2kbd *kbd, uint8_t param)
{
    kbd->leds = param & (PS2KBD_LED_SCROLL | PS2KBD_LED_NUM | PS2KBD_LED_CAPS);
    ps2kbd_reply(kbd, PS2KBD_ACK);
}

static void ps2kbd_cmd_echo(struct ps2kbd *kbd)
{
    ps2kbd_reply(kbd, PS2KBD_ECHO);
}

static void ps2kbd_param_scan_set(struct ps2kbd *kbd, uint8_t param)
{
    if (param > 3) {
        ps2kbd_reply(kbd, PS2KBD_RESEND);
        return;
    }
    ps2kbd_reply(kbd, PS2KBD_ACK);
    if (param == 0)
        ps2kbd_reply(kbd, (uint8_t)kbd->scan_set);
    else if (param == 3)
        ps2kbd_log_once(kbd, PS2KBD_LOGGED_SET3, "scan code set 3 unsupported, staying in set",
                        (uint8_t)kbd->scan_set);
    else
        kbd->scan_set = param;
}

static void ps2kbd_cmd_identify(struct ps2kbd *kbd)
{
    ps2kbd_reply(kbd, PS2KBD_ACK);
    ps2kbd_reply(kbd, PS2KBD_ID0);
    ps2kbd_reply(kbd, PS2KBD_ID1);
}

static void ps2kbd_param_typematic(struct ps2kbd *kbd, uint8_t param)
{
    kbd->typematic = param & 0x7F;
    ps2kbd_reply(kbd, PS2KBD_ACK);
}

/* F4: clears the buffer and the typematic key, starts scanning. */
static void ps2kbd_cmd_enable(struct ps2kbd *kbd)
{
    kbd->key_count = 0;
    kbd->key_head = 0;
    ps2kbd_stop_repeat(kbd);
    kbd->scanning = true;
    ps2kbd_reply(kbd, PS2KBD_ACK);
}

static void ps2kbd_cmd_disable(struct ps2kbd *kbd)
{
    ps2kbd_defaults(kbd);
    kbd->scanning = false;
    ps2kbd_reply(kbd, PS2KBD_ACK);
}

static void ps2kbd_cmd_default(struct ps2kbd *kbd)
{
    ps2kbd_defaults(kbd);
    kbd->scanning = true;
    ps2kbd_reply(kbd, PS2KBD_ACK);
}

/* F7-FD configure set 3 key types; set 2 keyboards acknowledge them. FB-FD are
 * followed by a list of keys, acknowledged one by one until the next command. */
static void ps2kbd_cmd_set3_only(struct ps2kbd *kbd)
{
    ps2kbd_log_once(kbd, PS2KBD_LOGGED_SET3_CMD, "set 3 key-type command ignored", 0);
    ps2kbd_reply(kbd, PS2KBD_ACK);
}

static void ps2kbd_param_set3_list(struct ps2kbd *kbd, uint8_t param)
{
    ps2kbd_reply(kbd, PS2KBD_ACK);
    kbd->pending = 0xFB;
}

static void ps2kbd_cmd_resend(struct ps2kbd *kbd)
{
    ps2kbd_reply(kbd, kbd->last_sent);
}

/* The basic assurance test passes at once (AA). */
static void ps2kbd_restart(struct ps2kbd *kbd)
{
    ps2kbd_defaults(kbd);
    kbd->scanning = true;
    kbd->scan_set = 2;
    kbd->leds = 0;
    ps2kbd_reply(kbd, PS2KBD_BAT_OK);
}

static void ps2kbd_cmd_reset(struct ps2kbd *kbd)
{
    kbd->reply_count = 0;
    ps2kbd_reply(kbd, PS2KBD_ACK);
    ps2kbd_restart(kbd);
}

struct ps2kbd_command {
    void (*run)(struct ps2kbd *kbd);
    /* handler of the parameter byte that follows, if any */
    void (*param)(struct ps2kbd *kbd, uint8_t param);
};

/* Commands ED-FF, indexed by command - ED. */
static const struct ps2kbd_command ps2kbd_commands[0x100 - PS2KBD_CMD_SET_LEDS] = {
    [0xED - 0xED] = { ps2kbd_cmd_ack, ps2kbd_param_set_leds },
    [0xEE - 0xED] = { ps2kbd_cmd_echo, NULL },
    [0xF0 - 0xED] = { ps2kbd_cmd_ack, ps2kbd_param_scan_set },
    [0xF2 - 0xED] = { ps2kbd_cmd_identify, NULL },
    [0xF3 - 0xED] = { ps2kbd_cmd_ack, ps2kbd_param_typematic },
    [0xF4 - 0xED] = { ps2kbd_cmd_enable, NULL },
    [0xF5 - 0xED] = { ps2kbd_cmd_disable, NULL },
    [0xF6 - 0xED] = { ps2kbd_cmd_default, NULL },
    [0xF7 - 0xED] = { ps2kbd_cmd_set3_only, NULL },
    [0xF8 - 0xED] = { ps2kbd_cmd_set3_only, NULL },
    [0xF9 - 0xED] = { ps2kbd_cmd_set3_only, NULL },
    [0xFA - 0xED] = { ps2kbd_cmd_set3_only, NULL },
    [0xFB - 0xED] = { ps2kbd_cmd_set3_only, ps2kbd_param_set3_list },
    [0xFC - 0xED] = { ps2kbd_cmd_set3_only, ps2kbd_param_set3_list },
    [0xFD - 0xED] = { ps2kbd_cmd_set3_only, ps2kbd_param_set3_list },
    [0xFE - 0xED] = { ps2kbd_cmd_resend, NULL },
    [0xFF - 0xED] = { ps2kbd_cmd_reset, NULL },
};

static const struct ps2kbd_command *ps2kbd_find_command(uint8_t byte)
{
    if (byte < PS2KBD_CMD_SET_LEDS || !ps2kbd_commands[byte - PS2KBD_CMD_SET_LEDS].run)
        return NULL;
    return &ps2kbd_commands[byte - PS2KBD_CMD_SET_LEDS];
}

void ps2kbd_write(struct ps2kbd *kbd, uint8_t byte)
{
    const struct ps2kbd_command *cmd = ps2kbd_find_command(byte);
    uint8_t pending = kbd->pending;

    kbd->pending = 0;
    /* a command byte in place of a parameter aborts the waiting command */
    if (pending && !cmd) {
        ps2kbd_find_command(pending)->param(kbd, byte);
    } else if (cmd) {
        cmd->run(kbd);
        if (cmd->param)
            kbd->pending = byte;
    } else {
        ps2kbd_log_once(kbd, PS2KBD_LOGGED_UNKNOWN, "unknown command", byte);
        ps2kbd_reply(kbd, PS2KBD_RESEND);
    }
    ps2kbd_notify(kbd);
}

bool ps2kbd_has_data(const struct ps2kbd *kbd)
{
    return kbd->reply_count > 0 || kbd->key_count > 0;
}

bool ps2kbd_read(struct ps2kbd *kbd, uint8_t *byte)
{
    if (kbd->reply_count > 0) {
        *byte = kbd->reply[0];
        kbd->reply_count--;
        for (unsigned i = 0; i < kbd->reply_count; i++)
            kbd->reply[i] = kbd->reply[i + 1];
    } else if (kbd->key_count > 0) {
        *byte = kbd->keys[kbd->key_head];
        kbd->key_head = (kbd->key_head + 1) % PS2KBD_STORE_SIZE;
        kbd->key_count--;
    } else {
        return false;
    }
    kbd->last_sent = *byte;
    return true;
}

void ps2kbd_reset(struct ps2kbd *kbd, bool power_on)
{
    if (!power_on)
        return;
    for (unsigned i = 0; i < PS2KBD_HELD_BYTES; i++)
        kbd->held[i] = 0;
    kbd->last_sent = 0;
    kbd->reply_count = 0;
    ps2kbd_restart(kbd);
    ps2kbd_notify(kbd);
}

struct ps2kbd *ps2kbd_create(struct vclock *clock, struct log *log)
{
    struct ps2kbd *kbd = calloc(1, sizeof(*kbd));

    if (!kbd)
        return NULL;
    kbd->clock = clock;
    kbd->log = log;
    if (clock)
        timer_init(&kbd->repeat, clock, ps2kbd_repeat_fire, kbd);
    ps2kbd_reset(kbd, true);
    return kbd;
}

void ps2kbd_destroy(struct ps2kbd *kbd)
{
    if (!kbd)
        return;
    if (kbd->clock)
        timer_del(&kbd->repeat);
    free(kbd);
}

void ps2kbd_set_notify(struct ps2kbd *kbd, ps2kbd_notify_fn *fn, void *opaque)
{
    kbd->notify = fn;
    kbd->notify_opaque = opaque;
}

uint8_t ps2kbd_leds(const struct ps2kbd *kbd)
{
    return kbd->leds;
}

unsigned ps2kbd_scan_set(const struct ps2kbd *kbd)
{
    return kbd->scan_set;
}
