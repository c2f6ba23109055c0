/* A legacy IDE channel (ATA/ATAPI-4, PIO only) with a master and a slave: hard
 * disks on block.h images and ATAPI CD-ROMs on ISO images (atapi.h). */
#ifndef TD_IDE_H
#define TD_IDE_H

#include <stdbool.h>
#include <stdint.h>

#include "irq.h"

struct block;
struct ioports;
struct log;

/* ISA compatibility-mode resources of a PC chipset's two channels. The control
 * block is one port: ctl_base + 1 (3F7h/377h) belongs to the floppy controller. */
enum {
    IDE_PRIMARY_CMD = 0x1F0,
    IDE_PRIMARY_CTL = 0x3F6,
    IDE_PRIMARY_IRQ = 14,
    IDE_SECONDARY_CMD = 0x170,
    IDE_SECONDARY_CTL = 0x376,
    IDE_SECONDARY_IRQ = 15,
    /* command block: 8 ports from cmd_base */
    IDE_CMD_PORTS = 8,
    /* largest READ/WRITE MULTIPLE block (IDENTIFY word 47) */
    IDE_MAX_MULTIPLE = 16,
};

struct ide;

/* Register the command block [cmd_base, cmd_base + 8) and the device control /
 * alternate status port ctl_base. irq is INTRQ of the selected device, gated by
 * nIEN. log may be NULL. NULL if a port is taken or memory runs out. A channel
 * with no drive reads 7Fh from every register (DD7 pulled down, as ATA-4 requires of hosts). */
struct ide *ide_create(struct ioports *io, uint16_t cmd_base, uint16_t ctl_base,
                       struct irq_line irq, struct log *log);
/* Frees the channel; the attached images stay open (the caller closes them). */
void ide_destroy(struct ide *ide);
/* Hardware reset (RESET-): signatures, master selected, multiple mode off and
 * the default geometry restored; power_on also clears CD-ROM sense data. */
void ide_reset(struct ide *ide, bool power_on);

/* Attach a hard disk (unit 0 master, 1 slave). The image must stay open while
 * the channel lives. Its geometry: 16 heads, 63 sectors per track, cylinders
 * from the size (at least 1, at most 16383); LBA28 covers up to 128 GiB.
 * false if unit > 1 or the unit is taken. */
bool ide_attach_disk(struct ide *ide, unsigned unit, struct block *b)
    __attribute__((warn_unused_result));
/* Attach an ATAPI CD-ROM whose medium is the ISO image iso. false as for a
 * disk, or when memory runs out. */
bool ide_attach_cdrom(struct ide *ide, unsigned unit, struct block *iso)
    __attribute__((warn_unused_result));

#endif
