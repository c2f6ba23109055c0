/* Internal interface of the command-line parser: the option table entry and
 * the tables of options_disks.c and options_display.c (qemu-options.hx names). */
#ifndef TD_OPTIONS_SPEC_H
#define TD_OPTIONS_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "options.h"

struct option_spec {
    /* without the leading dash */
    const char *name;
    bool has_arg;
    bool (*parse)(struct options *o, const char *arg, char *err, size_t errlen);
};

/* -fda -fdb -hda -hdb -cdrom -boot -kernel -append -snapshot */
extern const struct option_spec options_disk_specs[];
extern const size_t options_disk_spec_count;
/* -display -nographic -monitor -speed */
extern const struct option_spec options_display_specs[];
extern const size_t options_display_spec_count;

/* A positional image: .iso is a CD-ROM, a file of a floppy size a floppy, any
 * other a hard disk (QEMU treats it as -hda). False with a message in err. */
bool options_parse_positional(struct options *o, const char *arg, char *err, size_t errlen);
/* After parsing: -display none / -nographic, else the default display; a
 * terminal display turns the default debug console (stdio) off. */
void options_finish_display(struct options *o);

#endif
