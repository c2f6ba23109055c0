/* The monitor's commands, in the syntax of QEMU's human monitor
 * (hmp-commands.hx): sendkey, screendump, info, xp, stop, cont, system_reset,
 * quit, plus trapdoor's type and screentext. */
#include "monitor.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cp437.h"
#include "png.h"
#include "runloop.h"
#include "vga_render.h"

/* Most keys one sendkey chord may hold (QEMU allows 16 too). */
enum { MONITOR_CHORD_MAX = 16, MONITOR_XP_MAX_BYTES = 64 * 1024 };

typedef bool monitor_cmd_fn(struct runloop *rl, char *args, FILE *out);

struct monitor_cmd {
    const char *name;
    /* a short alias ("q", "c"), or NULL */
    const char *alias;
    const char *params;
    const char *help;
    monitor_cmd_fn *fn;
};

static bool fail(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(FILE *out, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
    return false;
}

static char *skip_spaces(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return s;
}

/* Cut the first word off *s (NUL-terminating it) and return it ("" at the end). */
static char *next_word(char **s)
{
    char *word = skip_spaces(*s), *end = word;

    while (*end && !isspace((unsigned char)*end))
        end++;
    *s = *end ? end + 1 : end;
    *end = '\0';
    return word;
}

static bool no_more_args(char *args, const char *cmd, FILE *out)
{
    args = skip_spaces(args);
    if (*args == '\0')
        return true;
    return fail(out, "%s: unexpected argument '%s'", cmd, args);
}

/* ---- keyboard ---- */

static bool cmd_sendkey(struct runloop *rl, char *args, FILE *out)
{
    char *keys = next_word(&args);
    enum key chord[MONITOR_CHORD_MAX];
    size_t n = 0;
    char *save = NULL;

    if (*keys == '\0')
        return fail(out, "sendkey: missing keys (example: sendkey ctrl-alt-delete)");
    if (!no_more_args(args, "sendkey", out))
        return false;
    for (char *name = strtok_r(keys, "-", &save); name; name = strtok_r(NULL, "-", &save)) {
        if (n == MONITOR_CHORD_MAX)
            return fail(out, "sendkey: too many keys (at most %d)", MONITOR_CHORD_MAX);
        chord[n] = keymap_find(name);
        if (chord[n] == KEY_NONE)
            return fail(out, "sendkey: unknown key '%s'", name);
        n++;
    }
    if (n == 0)
        return fail(out, "sendkey: missing keys (example: sendkey ctrl-alt-delete)");
    if (!keyqueue_chord(&rl->keys, chord, n))
        return fail(out, "sendkey: the key queue is full");
    return true;
}

/* TEXT's escapes: \n and \r (Enter), \t (Tab), \e (Escape), \\ and \s (space). */
static bool unescape(const char *text, char *buf, size_t size, FILE *out)
{
    static const char escapes[][2] = {
        {'n', '\n'}, {'r', '\n'}, {'t', '\t'}, {'e', 0x1B}, {'\\', '\\'}, {'s', ' '},
    };
    size_t len = 0;

    for (const char *p = text; *p; p++) {
        char c = *p;
        if (c == '\\') {
            size_t i = 0;
            while (i < sizeof(escapes) / sizeof(escapes[0]) && escapes[i][0] != p[1])
                i++;
            if (i == sizeof(escapes) / sizeof(escapes[0]))
                return fail(out, "type: unknown escape '\\%c' (use \\n \\t \\e \\s \\\\)",
                            p[1] ? p[1] : ' ');
            c = escapes[i][1];
            p++;
        }
        if (len + 1 < size)
            buf[len++] = c;
    }
    buf[len] = '\0';
    return true;
}

static enum key key_for_char(char c, bool *shift)
{
    *shift = false;
    return c == 0x1B ? KEY_ESC : keymap_from_char(c, shift);
}

static bool cmd_type(struct runloop *rl, char *args, FILE *out)
{
    char text[1024];
    size_t events = 0;
    bool shift;

    if (!unescape(skip_spaces(args), text, sizeof(text), out))
        return false;
    if (text[0] == '\0')
        return fail(out, "type: missing text (example: type dir\\n)");
    for (const char *p = text; *p; p++) {
        if (key_for_char(*p, &shift) == KEY_NONE)
            return fail(out, "type: no key types character 0x%02x", (unsigned char)*p);
        events += shift ? 4 : 2;
    }
    if (KEYQUEUE_SIZE - rl->keys.count < events)
        return fail(out, "type: the key queue is full");
    for (const char *p = text; *p; p++) {
        enum key chord[2] = {KEY_SHIFT, key_for_char(*p, &shift)};
        (void)keyqueue_chord(&rl->keys, shift ? chord : chord + 1, shift ? 2 : 1);
    }
    return true;
}

/* ---- screen ---- */

static bool cmd_screentext(struct runloop *rl, char *args, FILE *out)
{
    struct vga *vga = machine_vga(rl->machine);
    size_t len;
    char *text;

    if (!no_more_args(args, "screentext", out))
        return false;
    if (!vga)
        return fail(out, "screentext: this machine has no display adapter");
    len = vga_text_snapshot(vga, NULL, 0);
    if (len == 0)
        return fail(out, "screentext: the screen is in a graphics mode (screendump saves it)");
    text = malloc(len + 1);
    if (!text)
        return fail(out, "screentext: out of memory");
    vga_text_snapshot(vga, text, len + 1);
    for (size_t i = 0; i < len; i++) {
        char utf8[3];
        if (text[i] == '\n')
            fputc('\n', out);
        else
            fwrite(utf8, 1, cp437_to_utf8((uint8_t)text[i], utf8), out);
    }
    free(text);
    return true;
}

static bool cmd_screendump(struct runloop *rl, char *args, FILE *out)
{
    char *path = next_word(&args);
    unsigned width, height;
    char err[512];

    if (*path == '\0')
        return fail(out, "screendump: missing file name (example: screendump screen.png)");
    if (!no_more_args(args, "screendump", out))
        return false;
    if (!runloop_render(rl, &width, &height))
        return fail(out, "screendump: this machine has no display adapter");
    if (!png_write_xrgb(path, rl->pixels, VGA_RENDER_MAX_WIDTH, width, height, err,
                        sizeof(err)))
        return fail(out, "screendump: %s", err);
    return true;
}

/* ---- memory ---- */

/* QEMU's /FMT: a count, a format letter (x d u o c) and a unit size letter
 * (b h w g), each optional, the letters in either order. */
struct xp_format {
    unsigned long count;
    char format;
    unsigned size;
};

static bool parse_xp_format(const char *s, struct xp_format *f, FILE *out)
{
    static const char sizes[] = "bhwg";
    const char *p = s;

    *f = (struct xp_format){.count = 1, .format = 'x', .size = 4};
    if (isdigit((unsigned char)*p))
        f->count = strtoul(p, (char **)&p, 10);
    for (; *p; p++) {
        const char *unit = strchr(sizes, *p);
        if (unit)
            f->size = 1u << (unit - sizes);
        else if (strchr("xduoc", *p))
            f->format = *p;
        else
            return fail(out, "xp: bad format '/%s' (example: /16xb)", s);
    }
    if (f->format == 'c')
        f->size = 1;
    if (f->count == 0 || f->count * f->size > MONITOR_XP_MAX_BYTES)
        return fail(out, "xp: the count must be 1 to %u bytes' worth",
                    (unsigned)MONITOR_XP_MAX_BYTES);
    return true;
}

static uint64_t get_le(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = size; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

static void print_unit(FILE *out, const struct xp_format *f, uint64_t v)
{
    unsigned bits = f->size * 8;
    int64_t sv = bits == 64 ? (int64_t)v : (int64_t)(v << (64 - bits)) >> (64 - bits);

    switch (f->format) {
    case 'd':
        fprintf(out, " %" PRId64, sv);
        break;
    case 'u':
        fprintf(out, " %" PRIu64, v);
        break;
    case 'o':
        fprintf(out, " 0%" PRIo64, v);
        break;
    case 'c':
        fprintf(out, isprint((int)v) ? " '%c'" : " '\\x%02x'", (unsigned)v);
        break;
    default:
        fprintf(out, " 0x%0*" PRIx64, (int)(f->size * 2), v);
    }
}

/* Lines of 8 bytes for byte units, 16 otherwise, each led by its address. */
static void dump_units(FILE *out, uint64_t paddr, const uint8_t *buf, const struct xp_format *f)
{
    unsigned per_line = f->size == 1 ? 8 : 16 / f->size;

    for (unsigned long i = 0; i < f->count; i++) {
        if (i % per_line == 0)
            fprintf(out, "%s%016" PRIx64 ":", i ? "\n" : "", paddr + i * f->size);
        print_unit(out, f, get_le(buf + i * f->size, f->size));
    }
    fputc('\n', out);
}

static bool cmd_xp(struct runloop *rl, char *args, FILE *out)
{
    char *word = next_word(&args), *end;
    struct xp_format f;
    uint64_t paddr;
    uint8_t *buf;

    if (!parse_xp_format(word[0] == '/' ? word + 1 : "", &f, out))
        return false;
    if (word[0] == '/')
        word = next_word(&args);
    errno = 0;
    paddr = strtoull(word, &end, 0);
    if (*word == '\0' || *end != '\0' || errno != 0)
        return fail(out, "xp: bad or missing address '%s' (example: xp /8xb 0x7c00)", word);
    if (!no_more_args(args, "xp", out))
        return false;
    buf = malloc(f.count * f.size);
    if (!buf)
        return fail(out, "xp: out of memory");
    if (!machine_read_phys(rl->machine, paddr, buf, f.count * f.size)) {
        free(buf);
        return fail(out, "xp: address 0x%" PRIx64 " is beyond the physical address space",
                    paddr);
    }
    dump_units(out, paddr, buf, &f);
    free(buf);
    return true;
}

/* ---- info ---- */

static bool info_registers(struct runloop *rl, FILE *out)
{
    machine_print_registers(rl->machine, out);
    return true;
}

static bool info_status(struct runloop *rl, FILE *out)
{
    if (rl->stopped)
        fprintf(out, "VM status: halted (%s)\n", machine_stop_reason(rl->stop.stop));
    else
        fprintf(out, "VM status: %s\n", rl->paused ? "paused" : "running");
    return true;
}

struct info_cmd {
    const char *name;
    const char *help;
    bool (*fn)(struct runloop *rl, FILE *out);
};

static const struct info_cmd info_cmds[] = {
    {"registers", "the CPU's registers", info_registers},
    {"status", "whether the guest runs", info_status},
};

static bool cmd_info(struct runloop *rl, char *args, FILE *out)
{
    char *what = next_word(&args);

    if (!no_more_args(args, "info", out))
        return false;
    for (size_t i = 0; i < sizeof(info_cmds) / sizeof(info_cmds[0]); i++) {
        if (strcmp(what, info_cmds[i].name) == 0)
            return info_cmds[i].fn(rl, out);
    }
    if (*what)
        fprintf(out, "info: unknown subcommand '%s'; there are:\n", what);
    for (size_t i = 0; i < sizeof(info_cmds) / sizeof(info_cmds[0]); i++)
        fprintf(out, "info %-10s -- %s\n", info_cmds[i].name, info_cmds[i].help);
    return *what == '\0';
}

/* ---- run control ---- */

static bool cmd_stop(struct runloop *rl, char *args, FILE *out)
{
    if (!no_more_args(args, "stop", out))
        return false;
    rl->paused = true;
    return true;
}

static bool cmd_cont(struct runloop *rl, char *args, FILE *out)
{
    if (!no_more_args(args, "cont", out))
        return false;
    rl->paused = false;
    return true;
}

static bool cmd_system_reset(struct runloop *rl, char *args, FILE *out)
{
    if (!no_more_args(args, "system_reset", out))
        return false;
    machine_reset(rl->machine);
    rl->stopped = false;
    rl->redraw = true;
    return true;
}

static bool cmd_quit(struct runloop *rl, char *args, FILE *out)
{
    if (!no_more_args(args, "quit", out))
        return false;
    rl->quit = true;
    return true;
}

static bool cmd_help(struct runloop *rl, char *args, FILE *out);

static const struct monitor_cmd monitor_cmds[] = {
    {"help", "?", "[COMMAND]", "show the commands, or one command's help", cmd_help},
    {"sendkey", NULL, "KEYS", "press keys together and release them "
     "(QEMU key names joined by '-', e.g. ctrl-alt-delete)", cmd_sendkey},
    {"type", NULL, "TEXT", "type TEXT on the keyboard (US layout); "
     "\\n is Enter, \\t Tab, \\e Escape, \\s a space, \\\\ a backslash", cmd_type},
    {"screentext", NULL, "", "print the text screen", cmd_screentext},
    {"screendump", NULL, "FILE", "save the screen as a PNG picture", cmd_screendump},
    {"info", NULL, "WHAT", "show machine state (info lists what)", cmd_info},
    {"xp", NULL, "/FMT ADDR", "dump physical memory: FMT is a count, a format "
     "(x d u o c) and a unit (b h w g), e.g. xp /16xb 0x7c00", cmd_xp},
    {"stop", NULL, "", "pause the guest", cmd_stop},
    {"cont", "c", "", "resume the guest", cmd_cont},
    {"system_reset", NULL, "", "reset the machine (as the reset button)", cmd_system_reset},
    {"quit", "q", "", "quit trapdoor", cmd_quit},
};

static const struct monitor_cmd *find_cmd(const char *name)
{
    for (size_t i = 0; i < sizeof(monitor_cmds) / sizeof(monitor_cmds[0]); i++) {
        const struct monitor_cmd *c = &monitor_cmds[i];
        if (strcmp(name, c->name) == 0 || (c->alias && strcmp(name, c->alias) == 0))
            return c;
    }
    return NULL;
}

static void print_help(FILE *out, const struct monitor_cmd *c)
{
    char head[64];

    snprintf(head, sizeof(head), "%s%s%s%s%s", c->name, c->alias ? "|" : "",
             c->alias ? c->alias : "", *c->params ? " " : "", c->params);
    fprintf(out, "%-22s -- %s\n", head, c->help);
}

static bool cmd_help(struct runloop *rl, char *args, FILE *out)
{
    char *name = next_word(&args);
    const struct monitor_cmd *c = *name ? find_cmd(name) : NULL;

    if (*name && !c)
        return fail(out, "help: unknown command '%s'", name);
    if (c) {
        print_help(out, c);
        return true;
    }
    for (size_t i = 0; i < sizeof(monitor_cmds) / sizeof(monitor_cmds[0]); i++)
        print_help(out, &monitor_cmds[i]);
    return true;
}

bool monitor_execute(struct runloop *rl, const char *line, FILE *out)
{
    char buf[4096];
    char *args = buf, *name;
    const struct monitor_cmd *c;

    if (strlen(line) >= sizeof(buf))
        return fail(out, "command line too long (at most %zu characters)", sizeof(buf) - 1);
    strcpy(buf, line);
    name = next_word(&args);
    if (*name == '\0')
        return true;
    c = find_cmd(name);
    if (!c)
        return fail(out, "unknown command: '%s' (help lists the commands)", name);
    return c->fn(rl, args, out);
}
