/* Intel 82077AA floppy disk controller in PC-AT mode with two drives (A:, B:):
 * ports 3F0h-3F5h and 3F7h (3F6h belongs to the primary IDE channel), IRQ 6 and
 * DMA channel 2. Commands complete at once: no rotation or step timing. */
#ifndef TD_FDC82077_H
#define TD_FDC82077_H

#include <stdbool.h>
#include <stddef.h>

#include "irq.h"

struct ioports;
struct dma8237;
struct block;
struct log;
struct fdc82077;

enum {
    FDC82077_BASE = 0x3F0,
    FDC82077_DRIVES = 2,
    FDC82077_IRQ = 6,
    FDC82077_DMA_CHANNEL = 2,
};

/* Register the ports. Data moves through dma8237_transfer on channel 2; irq6 is
 * the controller's INT output (gated by DOR bit 3, as on the AT). log may be
 * NULL. Returns NULL if a port is taken or memory runs out. Starts as after
 * fdc82077_reset(fdc, true): held in reset (DOR 00h) until the guest sets DOR
 * bit 2, which polls the drives and interrupts, as after the RESET pin. */
struct fdc82077 *fdc82077_create(struct ioports *io, struct dma8237 *dma, struct irq_line irq6,
                                 struct log *log) __attribute__((warn_unused_result));
/* Does not close the attached images. Destroy after io is no longer used. */
void fdc82077_destroy(struct fdc82077 *fdc);

/* RESET pin: DOR 00h (controller held in reset), CONFIGURE/SPECIFY defaults,
 * LOCK cleared. power_on also returns the heads to cylinder 0. Media stay. */
void fdc82077_reset(struct fdc82077 *fdc, bool power_on);

/* Put image b in drive (0 or 1); b stays owned by the caller and must outlive
 * its use here. The geometry follows the size: 160K, 180K, 320K, 360K, 720K,
 * 1.2M, 1.44M, 1.68M (DMF), 1.72M, 2.88M. A read-only image is write-protected.
 * Returns false, with a message naming the file in err, for any other size
 * (the drive is then left empty). Sets the disk-change line. */
bool fdc82077_attach(struct fdc82077 *fdc, unsigned drive, struct block *b, char *err,
                     size_t errlen) __attribute__((warn_unused_result));

/* Swap media at run time: eject (b NULL) or insert b. The disk-change line (DIR
 * bit 7) stays set until the drive steps with a disk in it. Returns false (drive
 * left empty) if b's size is no floppy format: use fdc82077_attach for the
 * message. */
bool fdc82077_change_media(struct fdc82077 *fdc, unsigned drive, struct block *b);

/* CMOS register 10h nibble for the drive holding the current medium: 1 = 360K
 * 5.25", 2 = 1.2M 5.25", 3 = 720K 3.5", 4 = 1.44M 3.5", 5 = 2.88M 3.5"; 0 when
 * the drive is empty. */
unsigned fdc82077_drive_type(const struct fdc82077 *fdc, unsigned drive);

#endif
