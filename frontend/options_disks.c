/* Disk and boot options in QEMU's vocabulary (qemu-options.hx): -fda/-fdb,
 * -hda/-hdb, -cdrom, positional images by size and suffix, -boot, -snapshot,
 * -kernel/-append (Multiboot). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "options.h"
#include "options_spec.h"

static bool set_image(const char **slot, const char *opt, const char *arg, char *err,
                      size_t errlen)
{
    if (*slot) {
        snprintf(err, errlen, "%s given twice ('%s' and '%s')", opt, *slot, arg);
        return false;
    }
    if (arg[0] == '\0') {
        snprintf(err, errlen, "%s needs a file name", opt);
        return false;
    }
    *slot = arg;
    return true;
}

static bool parse_fda(struct options *o, const char *arg, char *err, size_t errlen)
{
    return set_image(&o->fda, "-fda", arg, err, errlen);
}

static bool parse_fdb(struct options *o, const char *arg, char *err, size_t errlen)
{
    return set_image(&o->fdb, "-fdb", arg, err, errlen);
}

static bool parse_hda(struct options *o, const char *arg, char *err, size_t errlen)
{
    return set_image(&o->hda, "-hda", arg, err, errlen);
}

static bool parse_hdb(struct options *o, const char *arg, char *err, size_t errlen)
{
    return set_image(&o->hdb, "-hdb", arg, err, errlen);
}

static bool parse_cdrom(struct options *o, const char *arg, char *err, size_t errlen)
{
    return set_image(&o->cdrom, "-cdrom", arg, err, errlen);
}

/* -boot ORDER or -boot order=ORDER[,...] (QEMU): letters a (floppy), c (hard
 * disk), d (CD-ROM); b is the second floppy in QEMU, booted here as A:. */
static bool parse_boot(struct options *o, const char *arg, char *err, size_t errlen)
{
    const char *order = strncmp(arg, "order=", 6) == 0 ? arg + 6 : arg;
    size_t n = 0;

    for (const char *p = order; *p && *p != ','; p++) {
        char c = (char)tolower((unsigned char)*p);
        if (c == 'b')
            c = 'a';
        if ((c != 'a' && c != 'c' && c != 'd') || n + 1 >= sizeof(o->boot_order)) {
            snprintf(err, errlen, "invalid -boot value '%s': expected drive letters a, c, d "
                     "(as in -boot order=cad)", arg);
            return false;
        }
        if (!memchr(o->boot_order, c, n))
            o->boot_order[n++] = c;
    }
    if (n == 0) {
        snprintf(err, errlen, "invalid -boot value '%s': no drive letter", arg);
        return false;
    }
    o->boot_order[n] = '\0';
    return true;
}

static bool set_snapshot(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->snapshot = true;
    return true;
}


/* Floppy image sizes in KiB (the 82077's formats). */
static const unsigned floppy_kb[] = {160, 180, 320, 360, 720, 1200, 1440, 1680, 1722, 2880};

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* A positional image: .iso is a CD-ROM, a file of a floppy size a floppy, any
 * other a hard disk (QEMU treats it as -hda). */
bool options_parse_positional(struct options *o, const char *arg, char *err, size_t errlen)
{
    struct stat st;

    if (stat(arg, &st) != 0) {
        snprintf(err, errlen, "cannot open disk image '%s': %s", arg, strerror(errno));
        return false;
    }
    if (has_suffix(arg, ".iso"))
        return set_image(&o->cdrom, "a CD-ROM image", arg, err, errlen);
    for (size_t i = 0; i < sizeof(floppy_kb) / sizeof(floppy_kb[0]); i++) {
        if ((uint64_t)st.st_size == floppy_kb[i] * 1024ull && !o->fda)
            return set_image(&o->fda, "a floppy image", arg, err, errlen);
    }
    return set_image(&o->hda, "a hard disk image", arg, err, errlen);
}

bool options_wants_boot(const struct options *o)
{
    return o->fda || o->fdb || o->hda || o->hdb || o->cdrom || o->boot_order[0] || o->kernel;
}

static bool parse_kernel(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->kernel = arg;
    return true;
}

static bool parse_append(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->kernel_cmdline = arg;
    return true;
}

const struct option_spec options_disk_specs[] = {
    {"fda", true, parse_fda},
    {"fdb", true, parse_fdb},
    {"hda", true, parse_hda},
    {"hdb", true, parse_hdb},
    {"cdrom", true, parse_cdrom},
    {"boot", true, parse_boot},
    {"kernel", true, parse_kernel},
    {"append", true, parse_append},
    {"snapshot", false, set_snapshot},
};
const size_t options_disk_spec_count = sizeof(options_disk_specs) / sizeof(options_disk_specs[0]);
