/* The built-in demo disk (roms/demo_disk/): its sectors in use, embedded by
 * demo_disk.S, and the configuration block the frontend patches in its boot
 * sector (the layout is disk.inc's DISK_CONFIG_* in the boot sector). */
#ifndef TD_DEMO_DISK_H
#define TD_DEMO_DISK_H

#include <stdint.h>

extern const uint8_t td_demo_disk[];
extern const uint32_t td_demo_disk_size;

enum {
    /* a 1.44 MB floppy: the embedded sectors, then zeros */
    DEMO_DISK_SIZE = 1474560,
    /* DEMO_DISK_MAGIC at this boot-sector offset, the flags byte after it */
    DEMO_DISK_MAGIC_OFFSET = 3,
    DEMO_DISK_FLAGS_OFFSET = 11,
    /* a display shows the screen: wait for a key before powering off */
    DEMO_DISK_FLAG_WAIT = 1u << 0,
};

#define DEMO_DISK_MAGIC "TDDEMO01"

#endif
