/* Command-line parsing in QEMU's vocabulary (qemu-options.hx): -opt and --opt are
 * the same option; each option's value is the next argument. */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "debugexit.h"
#include "log.h"
#include "machine.h"

struct option_spec {
    /* without the leading dash */
    const char *name;
    bool has_arg;
    bool (*parse)(struct options *o, const char *arg, char *err, size_t errlen);
};

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

static const struct option_spec option_specs[] = {
    {"bios", true, parse_bios},
    {"m", true, parse_ram},
    {"cpu", true, parse_cpu},
    {"debugcon", true, parse_debugcon},
    {"device", true, parse_device},
    {"d", true, parse_log_items},
    {"D", true, parse_log_file},
    {"max-insns", true, parse_max_insns},
    {"h", false, set_help},
    {"help", false, set_help},
    {"version", false, set_version},
};

static const struct option_spec *find_option(const char *arg)
{
    const char *name = arg + (strncmp(arg, "--", 2) == 0 ? 2 : 1);

    for (size_t i = 0; i < sizeof(option_specs) / sizeof(option_specs[0]); i++) {
        if (strcmp(name, option_specs[i].name) == 0)
            return &option_specs[i];
    }
    return NULL;
}

bool options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen)
{
    for (int i = 1; i < argc && o->action == OPTIONS_RUN; i++) {
        const char *arg = argv[i];
        const struct option_spec *spec;

        if (arg[0] != '-') {
            snprintf(err, errlen, "disk images are not supported yet: '%s' "
                     "(only -bios FILE, a raw firmware image, can be run)", arg);
            return false;
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
    return true;
}

static const char usage_text[] =
    "Usage: trapdoor [options]\n"
    "\n"
    "trapdoor is a pure-software x86 PC emulator. Without -bios it runs its built-in\n"
    "demo ROM: a real-mode program that reports what it does on the debug console.\n"
    "\n"
    "Options (QEMU's vocabulary; -opt and --opt are the same):\n"
    "  -bios FILE        firmware image of 64, 128, 192 or 256 KiB, mapped to end at\n"
    "                    4 GiB and (its last 128 KiB at most) at 1 MiB\n"
    "                    (default: the built-in demo ROM)\n"
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
    "  -h, --help        show this help and exit\n"
    "  --version         show the version and exit\n"
    "\n"
    "Exit status:\n"
    "  %-5d the guest halted with interrupts disabled (HLT with IF=0): the demo\n"
    "        ROM ends this way\n"
    "  2V+1  the guest wrote V to the isa-debug-exit device\n"
    "  %-5d bad option, unreadable or bad BIOS image, or machine setup failed\n"
    "  %-5d --max-insns instructions retired before the guest stopped\n"
    "  %-5d the guest halted with interrupts enabled, but no device on this\n"
    "        board can interrupt it\n";

void options_print_usage(FILE *f)
{
    fprintf(f, usage_text, OPTIONS_EXIT_HALTED, OPTIONS_EXIT_ERROR, OPTIONS_EXIT_BUDGET,
            OPTIONS_EXIT_IDLE);
}
