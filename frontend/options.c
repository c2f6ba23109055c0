/* Command-line parsing in QEMU's vocabulary (qemu-options.hx): -opt and --opt are
 * the same option; each option's value is the next argument. The option table,
 * the machine and debug options, and --help; disks and display are split out. */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "debugexit.h"
#include "exec.h"
#include "display.h"
#include "log.h"
#include "machine.h"
#include "options_spec.h"

/* Size suffixes of -m (QEMU's qemu_strtosz_MiB: a bare number is MiB). */
struct size_suffix {
    char letter;
    unsigned shift;
};

static const struct size_suffix size_suffixes[] = {
    {'\0', 20}, {'K', 10}, {'M', 20}, {'G', 30}, {'T', 40},
};

void options_init(struct options *o)
{
    *o = (struct options){
        .action = OPTIONS_RUN,
        .ram_size = OPTIONS_DEFAULT_RAM,
        .debugcon = OPTIONS_DEBUGCON_STDIO,
        .debug_exit_iobase = OPTIONS_DEBUG_EXIT_IOBASE,
        .session = {.keep_aspect = true},
    };
}

/* Parse "N[KMGT]" into bytes, saturating at UINT64_MAX. False if malformed. */
static bool parse_size(const char *s, uint64_t *bytes)
{
    char *end;
    unsigned long long n;

    if (!isdigit((unsigned char)s[0]))
        return false;
    errno = 0;
    n = strtoull(s, &end, 10);
    if (end[0] != '\0' && end[1] != '\0')
        return false;
    for (size_t i = 0; i < sizeof(size_suffixes) / sizeof(size_suffixes[0]); i++) {
        if (toupper((unsigned char)end[0]) != size_suffixes[i].letter)
            continue;
        unsigned shift = size_suffixes[i].shift;
        bool overflow = errno == ERANGE || n > (UINT64_MAX >> shift);
        *bytes = overflow ? UINT64_MAX : (uint64_t)n << shift;
        return true;
    }
    return false;
}

static bool parse_ram(struct options *o, const char *arg, char *err, size_t errlen)
{
    uint64_t bytes;

    if (!parse_size(arg, &bytes)) {
        snprintf(err, errlen,
                 "invalid -m value '%s': expected a size such as 64 (MiB), 512K, 64M or 1G",
                 arg);
        return false;
    }
    if (bytes < MACHINE_RAM_MIN) {
        snprintf(err, errlen, "-m value '%s' is too small: the minimum is 1 MiB", arg);
        return false;
    }
    if (bytes > MACHINE_RAM_MAX) {
        snprintf(err, errlen, "-m value '%s' is too large: the maximum is 3 GiB", arg);
        return false;
    }
    o->ram_size = (uint32_t)((bytes + 4095) & ~(uint64_t)4095);
    return true;
}

static bool parse_bios(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->bios_path = arg;
    return true;
}

static bool parse_cpu(struct options *o, const char *arg, char *err, size_t errlen)
{
    if (strcmp(arg, "help") == 0)
        o->action = OPTIONS_CPU_HELP;
    else
        o->cpu_model = arg;
    return true;
}

static bool parse_debugcon(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->debugcon_given = true;
    if (strcmp(arg, "stdio") == 0) {
        o->debugcon = OPTIONS_DEBUGCON_STDIO;
    } else if (strcmp(arg, "none") == 0) {
        o->debugcon = OPTIONS_DEBUGCON_NONE;
    } else if (strncmp(arg, "file:", 5) == 0 && arg[5] != '\0') {
        o->debugcon = OPTIONS_DEBUGCON_FILE;
        o->debugcon_path = arg + 5;
    } else {
        snprintf(err, errlen,
                 "unsupported -debugcon value '%s': use stdio, file:PATH or none", arg);
        return false;
    }
    return true;
}

/* A port number or size: decimal or 0x-prefixed hex, at most max. */
static bool parse_uint(const char *s, unsigned long max, unsigned long *value)
{
    char *end;

    if (!isdigit((unsigned char)s[0]))
        return false;
    errno = 0;
    *value = strtoul(s, &end, 0);
    return errno == 0 && end != s && *end == '\0' && *value <= max;
}

/* One "name=value" property of -device isa-debug-exit. */
static bool parse_debug_exit_prop(struct options *o, const char *prop, char *err,
                                  size_t errlen)
{
    unsigned long value;

    if (strncmp(prop, "iobase=", 7) == 0) {
        if (parse_uint(prop + 7, 0x10000 - DEBUGEXIT_IOSIZE, &value)) {
            o->debug_exit_iobase = (uint16_t)value;
            return true;
        }
        snprintf(err, errlen, "invalid isa-debug-exit property '%s': iobase must be "
                 "a port number up to 0x%x", prop, 0x10000 - DEBUGEXIT_IOSIZE);
        return false;
    }
    if (strncmp(prop, "iosize=", 7) == 0) {
        if (parse_uint(prop + 7, 4, &value) && value != 0 && value != 3)
            return true;
        snprintf(err, errlen, "invalid isa-debug-exit property '%s': iosize must be "
                 "1, 2 or 4", prop);
        return false;
    }
    snprintf(err, errlen, "isa-debug-exit has no property '%s' (it has iobase and iosize)",
             prop);
    return false;
}

static bool parse_device(struct options *o, const char *arg, char *err, size_t errlen)
{
    const char *driver = "isa-debug-exit";
    size_t len = strlen(driver);
    char props[256];

    if (strncmp(arg, driver, len) != 0 || (arg[len] != '\0' && arg[len] != ',')) {
        snprintf(err, errlen, "unsupported -device '%s': trapdoor has isa-debug-exit only",
                 arg);
        return false;
    }
    if (o->debug_exit) {
        snprintf(err, errlen, "-device isa-debug-exit given twice");
        return false;
    }
    o->debug_exit = true;
    if (arg[len] == '\0')
        return true;
    if (strlen(arg + len + 1) >= sizeof(props)) {
        snprintf(err, errlen, "-device value too long: '%s'", arg);
        return false;
    }
    strcpy(props, arg + len + 1);
    char *save = NULL;
    for (char *p = strtok_r(props, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        if (!parse_debug_exit_prop(o, p, err, errlen))
            return false;
    }
    return true;
}

static bool parse_log_items(struct options *o, const char *arg, char *err, size_t errlen)
{
    char why[200];

    if (strcmp(arg, "help") == 0) {
        o->action = OPTIONS_LOG_HELP;
        return true;
    }
    if (!log_parse_items(arg, &o->log_mask, why, sizeof(why))) {
        snprintf(err, errlen, "%s (-d help lists the items)", why);
        return false;
    }
    return true;
}

static bool parse_log_file(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->log_path = arg;
    return true;
}

static bool parse_max_insns(struct options *o, const char *arg, char *err, size_t errlen)
{
    char *end;
    unsigned long long n;

    errno = 0;
    n = isdigit((unsigned char)arg[0]) ? strtoull(arg, &end, 10) : 0;
    if (n == 0 || errno != 0 || *end != '\0') {
        snprintf(err, errlen, "invalid --max-insns value '%s': expected a positive integer",
                 arg);
        return false;
    }
    o->max_insns = n;
    return true;
}

bool options_wants_demo(const struct options *o)
{
    return !o->bios_path && !options_wants_boot(o);
}

bool options_demo_waits(const struct options *o)
{
    return strcmp(o->session.display, "none") != 0;
}

static bool parse_serial(struct options *o, const char *arg, char *err, size_t errlen)
{
    if (strcmp(arg, "stdio") == 0) {
        o->serial = OPTIONS_SERIAL_STDIO;
    } else if (strcmp(arg, "none") == 0 || strcmp(arg, "null") == 0) {
        o->serial = OPTIONS_SERIAL_NONE;
    } else if (strncmp(arg, "file:", 5) == 0 && arg[5] != '\0') {
        o->serial = OPTIONS_SERIAL_FILE;
        o->serial_path = arg + 5;
    } else {
        snprintf(err, errlen, "unsupported -serial value '%s': use stdio, file:PATH or none",
                 arg);
        return false;
    }
    return true;
}

static bool set_help(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->action = OPTIONS_HELP;
    return true;
}

static bool set_version(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->action = OPTIONS_VERSION;
    return true;
}

static bool parse_backend(struct options *o, const char *arg, char *err, size_t errlen)
{
    if (!exec_backend_known(arg)) {
        snprintf(err, errlen, "unknown --backend '%s': expected portable%s", arg,
                 strcmp(exec_default_backend(), "portable") != 0 ? " or x86_64" : "");
        return false;
    }
    o->backend = arg;
    return true;
}

static bool set_lockstep(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->lockstep = true;
    return true;
}

static const struct option_spec option_specs[] = {
    {"backend", true, parse_backend},
    {"lockstep", false, set_lockstep},
    {"bios", true, parse_bios},
    {"m", true, parse_ram},
    {"cpu", true, parse_cpu},
    {"debugcon", true, parse_debugcon},
    {"device", true, parse_device},
    {"d", true, parse_log_items},
    {"D", true, parse_log_file},
    {"max-insns", true, parse_max_insns},
    {"serial", true, parse_serial},
    {"h", false, set_help},
    {"help", false, set_help},
    {"version", false, set_version},
};

static const struct option_spec *find_in(const struct option_spec *specs, size_t count,
                                         const char *name)
{
    for (size_t i = 0; i < count; i++) {
        if (strcmp(name, specs[i].name) == 0)
            return &specs[i];
    }
    return NULL;
}

static const struct option_spec *find_option(const char *arg)
{
    const char *name = arg + (strncmp(arg, "--", 2) == 0 ? 2 : 1);
    const struct option_spec *spec =
        find_in(option_specs, sizeof(option_specs) / sizeof(option_specs[0]), name);

    if (!spec)
        spec = find_in(options_disk_specs, options_disk_spec_count, name);
    if (!spec)
        spec = find_in(options_display_specs, options_display_spec_count, name);
    return spec;
}

bool options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen)
{
    for (int i = 1; i < argc && o->action == OPTIONS_RUN; i++) {
        const char *arg = argv[i];
        const struct option_spec *spec;

        if (arg[0] != '-' || arg[1] == '\0') {
            if (!options_parse_positional(o, arg, err, errlen))
                return false;
            continue;
        }
        spec = find_option(arg);
        if (!spec) {
            snprintf(err, errlen, "unknown option '%s'", arg);
            return false;
        }
        if (spec->has_arg && i + 1 >= argc) {
            snprintf(err, errlen, "option '%s' needs an argument", arg);
            return false;
        }
        if (!spec->parse(o, spec->has_arg ? argv[++i] : NULL, err, errlen))
            return false;
    }
    if (o->action == OPTIONS_RUN && o->kernel_cmdline && !o->kernel) {
        snprintf(err, errlen, "-append only works with -kernel");
        return false;
    }
    options_finish_display(o);
    return true;
}

static const char usage_text[] =
    "Usage: trapdoor [options] [disk image]\n"
    "\n"
    "trapdoor is a pure-software x86 PC emulator. Given a disk image (or -boot) it\n"
    "boots it with its own BIOS. With no image, -boot or -bios it boots its built-in\n"
    "demo disk (read-only, as A:): a program that shows the machine and walks\n"
    "through trap-and-emulate, executing sensitive and privileged instructions and\n"
    "showing what the VMM did, on the screen and the debug console. With a display\n"
    "it waits for a key between pages (30 s at most); it powers off through an\n"
    "isa-debug-exit device it adds (exit status 0 when every step was as expected).\n"
    "\n"
    "Options (QEMU's vocabulary; -opt and --opt are the same):\n"
    "  -bios FILE        firmware image of 64, 128, 192 or 256 KiB, mapped to end at\n"
    "                    4 GiB and (its last 128 KiB at most) at 1 MiB (default:\n"
    "                    the trapdoor BIOS)\n"
    "  -fda FILE, -fdb FILE\n"
    "                    floppy images A: and B: (160K, 180K, 320K, 360K, 720K,\n"
    "                    1.2M, 1.44M, 1.68M, 1.72M or 2.88M)\n"
    "  -hda FILE, -hdb FILE\n"
    "                    hard disk images (IDE primary master and slave)\n"
    "  -cdrom FILE       ISO image (IDE secondary master; El Torito boot)\n"
    "  -boot ORDER       boot order: letters a (floppy), c (hard disk), d (CD-ROM),\n"
    "                    as in -boot cad or -boot order=cad (default: a, c, d)\n"
    "  -kernel FILE      boot a Multiboot kernel (ELF32 or a.out kludge) in 32-bit\n"
    "                    protected mode instead of a disk (trapdoor BIOS only)\n"
    "  -append ARGS      the kernel's command line (after its path, as in GRUB)\n"
    "  -snapshot         keep writes to the disk images in memory\n"
    "  -serial DEV       COM1: stdio, file:PATH or none (default: none)\n"
    "  -display TYPE     sdl[,aspect=on|off][,scale=nearest|linear|integer]: a window\n"
    "                    (click grabs the mouse, Ctrl+Alt releases it); curses: text\n"
    "                    modes in this terminal (Ctrl+A x quits); none. Default: sdl\n"
    "                    when $DISPLAY or $WAYLAND_DISPLAY is set, else none\n"
    "  -nographic        no display, COM1 on stdio\n"
    "  -monitor DEV      QEMU-style monitor on stdio or unix:PATH,server[,nowait]\n"
    "                    (its 'help' lists the commands)\n"
    "  --speed MODE      max: run flat out; real: pace virtual time to the wall\n"
    "                    clock (default: real on a terminal or with a display or a\n"
    "                    monitor, else max). Virtual\n"
    "                    time advances 10 ns per guest instruction (100 MIPS)\n"
    "  FILE              a disk image: .iso is a CD-ROM, a file of a floppy size\n"
    "                    is A:, any other file a hard disk\n"
    "  -m SIZE           RAM size: a number of MiB, or a number with a K, M or G\n"
    "                    suffix; 1 MiB to 3 GiB, rounded up to 4 KiB (default: 128M)\n"
    "  -cpu MODEL        CPU model (-cpu help lists them)\n"
    "  -debugcon DEV     debug console at port 0xE9: stdio, file:PATH or none\n"
    "                    (default: stdio; QEMU's default is none)\n"
    "  -device isa-debug-exit[,iobase=PORT][,iosize=N]\n"
    "                    add QEMU's debug-exit device: writing V to it ends the run\n"
    "                    with exit status (V << 1) | 1. iobase defaults to 0x501, as\n"
    "                    in QEMU; the device always decodes 4 ports, and iosize\n"
    "                    (1, 2 or 4) is accepted only for QEMU command lines\n"
    "  -d ITEMS          comma-separated log items (-d help lists them)\n"
    "  -D FILE           write the -d log to FILE instead of stderr\n"
    "  --max-insns N     stop after N guest instructions (for tests)\n"
    "  --backend NAME    translated-code backend: x86_64 (the default on x86-64\n"
    "                    hosts) or portable; also $TRAPDOOR_BACKEND\n"
    "  --lockstep        run every block on the chosen and the portable backend\n"
    "                    and stop at the first difference (debugging)\n"
    "  -h, --help        show this help and exit\n"
    "  --version         show the version and exit\n"
    "\n"
    "Exit status:\n"
    "  %-5d the guest halted with interrupts disabled (HLT with IF=0), or the\n"
    "        demo disk powered off with every step as expected\n"
    "  2V+1  the guest wrote V to the isa-debug-exit device (the demo disk: 3\n"
    "        when a step differed from what was expected)\n"
    "  %-5d bad option, unreadable or bad BIOS image, or machine setup failed\n"
    "  %-5d --max-insns instructions retired before the guest stopped\n"
    "  %-5d the guest halted with interrupts enabled, but no device on this\n"
    "        board can interrupt it\n";

void options_print_usage(FILE *f)
{
    fprintf(f, usage_text, OPTIONS_EXIT_HALTED, OPTIONS_EXIT_ERROR, OPTIONS_EXIT_BUDGET,
            OPTIONS_EXIT_IDLE);
}
