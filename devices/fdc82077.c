/* Intel 82077AA floppy disk controller (datasheet 290166), PC-AT mode, with the
 * uPD765 command set it extends. Execution is instantaneous: a command runs when
 * its last byte is written, data moving through DMA channel 2 in one go. */
#include "fdc82077.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "fdc82077_internal.h"
#include "ioport.h"
#include "log.h"

/* ---- interrupts and the result phase ---- */

void fdc_note(struct fdc82077 *fdc, uint32_t what, const char *msg, unsigned value)
{
    if (fdc->noted & what)
        return;
    fdc->noted |= what;
    log_printf(fdc->log, LOG_UNIMP, "fdc82077: %s (0x%02x; logged once)\n", msg, value);
}

static bool fdc_in_reset(const struct fdc82077 *fdc)
{
    return !(fdc->dor & FDC_DOR_NRESET);
}

void fdc_update_irq(struct fdc82077 *fdc)
{
    bool level = fdc->result_irq || fdc->poll_irq;

    for (unsigned i = 0; i < FDC_MAX_DRIVES; i++)
        level |= fdc->drive[i].seek_pending;
    /* AT mode: DOR DMAGATE gates the INT and DRQ outputs */
    level = level && !fdc_in_reset(fdc) && (fdc->dor & FDC_DOR_DMAGATE);
    if (level != fdc->irq_level) {
        fdc->irq_level = level;
        irq_set(&fdc->irq, level);
    }
}

/* A new interrupt: statuses left from the reset poll are dropped, as BIOSes
 * that sense only once after a reset (SeaBIOS) rely on. */
void fdc_new_interrupt(struct fdc82077 *fdc)
{
    fdc->reset_poll = 0;
    fdc->poll_irq = false;
}

void fdc_results(struct fdc82077 *fdc, const uint8_t *bytes, unsigned len, bool irq)
{
    if (irq)
        fdc_new_interrupt(fdc);
    memcpy(fdc->result, bytes, len);
    fdc->res_len = len;
    fdc->res_pos = 0;
    fdc->result_phase = true;
    fdc->result_irq = irq;
    fdc_update_irq(fdc);
}

struct fdc_drive *fdc_installed(struct fdc82077 *fdc, unsigned ds)
{
    return ds < FDC82077_DRIVES ? &fdc->drive[ds] : NULL;
}

/* ---- registers ---- */

static void fdc_fifo_write(struct fdc82077 *fdc, uint8_t value)
{
    if (fdc->result_phase) {
        fdc_note(fdc, FDC_NOTE_PHASE, "data register written during result phase", value);
        return;
    }
    if (fdc->cmd_pos == 0) {
        fdc->cmd = fdc_cmd_find(value);
        if (!fdc->cmd) {
            uint8_t st0 = FDC_ST0_IC_INVALID;

            fdc_note(fdc, FDC_NOTE_INVALID, "invalid command", value);
            fdc_results(fdc, &st0, 1, false);
            return;
        }
    }
    fdc->cmd_bytes[fdc->cmd_pos++] = value;
    if (fdc->cmd_pos == fdc->cmd->length) {
        fdc->cmd_pos = 0;
        fdc->cmd->run(fdc);
    }
}

static uint8_t fdc_fifo_read(struct fdc82077 *fdc)
{
    uint8_t value;

    if (!fdc->result_phase) {
        fdc_note(fdc, FDC_NOTE_PHASE, "data register read outside the result phase", 0);
        return 0;
    }
    value = fdc->result[fdc->res_pos++];
    if (fdc->result_irq) {
        fdc->result_irq = false;
        fdc_update_irq(fdc);
    }
    if (fdc->res_pos == fdc->res_len)
        fdc->result_phase = false;
    return value;
}

static uint8_t fdc_msr(const struct fdc82077 *fdc)
{
    uint8_t msr = FDC_MSR_RQM;

    if (fdc_in_reset(fdc))
        return 0;
    for (unsigned i = 0; i < FDC_MAX_DRIVES; i++)
        msr |= (uint8_t)(fdc->drive[i].seek_pending << i);
    if (fdc->result_phase)
        msr |= FDC_MSR_DIO | FDC_MSR_CB;
    else if (fdc->cmd_pos > 0)
        msr |= FDC_MSR_CB;
    return msr;
}

/* Software reset (DOR bit 2 low or DSR bit 7): the state machine and the
 * CONFIGURE defaults, except what LOCK protects (EFIFO, FIFOTHR, PRETRK). */
static void fdc_soft_reset(struct fdc82077 *fdc)
{
    uint8_t locked = fdc->config & (FDC_CONF_EFIFO | FDC_CONF_FIFOTHR);

    fdc->cmd_pos = 0;
    fdc->result_phase = false;
    fdc->result_irq = false;
    fdc_new_interrupt(fdc);
    for (unsigned i = 0; i < FDC_MAX_DRIVES; i++)
        fdc->drive[i].seek_pending = false;
    fdc->config = fdc->lock ? locked : FDC_CONF_EFIFO;
    if (!fdc->lock)
        fdc->pretrk = 0;
    fdc_update_irq(fdc);
}

/* Leaving reset, the 82077AA polls the four drives (a reset always re-enables
 * polling) and interrupts once: four SENSE INTERRUPT STATUS results are owed. */
static void fdc_leave_reset(struct fdc82077 *fdc)
{
    fdc->reset_poll = 0x0F;
    fdc->poll_irq = true;
    fdc_update_irq(fdc);
}

static void fdc_write_dor(struct fdc82077 *fdc, uint8_t value)
{
    bool was_reset = fdc_in_reset(fdc);

    fdc->dor = value;
    if (fdc_in_reset(fdc))
        fdc_soft_reset(fdc);
    else if (was_reset)
        fdc_leave_reset(fdc);
    else
        fdc_update_irq(fdc);
}

static uint32_t fdc_read(void *opaque, uint16_t port, unsigned size)
{
    struct fdc82077 *fdc = opaque;
    const struct fdc_drive *sel;

    switch (port & 7) {
    case 2:
        return fdc->dor;
    case 3:
        return fdc->tdr;
    case 4:
        return fdc_msr(fdc);
    case 5:
        return fdc_fifo_read(fdc);
    case 7:
        sel = fdc_installed(fdc, fdc->dor & FDC_DOR_DSEL);
        return sel && sel->changed ? FDC_DIR_DSKCHG : 0;
    default:
        /* SRA/SRB exist in PS/2 mode only: the AT-mode bus floats */
        return 0xFF;
    }
}

static void fdc_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct fdc82077 *fdc = opaque;

    switch (port & 7) {
    case 2:
        fdc_write_dor(fdc, (uint8_t)value);
        break;
    case 3:
        fdc->tdr = value & 3;
        break;
    case 4:
        fdc->rate = value & FDC_RATE_MASK;
        if ((value & FDC_DSR_SWRESET) && !fdc_in_reset(fdc)) {
            fdc_soft_reset(fdc);
            fdc_leave_reset(fdc);
        }
        break;
    case 5:
        if (!fdc_in_reset(fdc))
            fdc_fifo_write(fdc, (uint8_t)value);
        break;
    case 7:
        fdc->rate = value & FDC_RATE_MASK;
        break;
    default:
        break;
    }
}

static const struct ioport_ops fdc_ops = {
    .read = fdc_read,
    .write = fdc_write,
    .sizes = 1,
};

/* ---- lifecycle ---- */

void fdc82077_reset(struct fdc82077 *fdc, bool power_on)
{
    fdc->lock = false;
    fdc->dor = 0;
    fdc->tdr = 0;
    /* 82077AA: hardware reset selects 250 kbps */
    fdc->rate = 2;
    fdc->specify[0] = fdc->specify[1] = 0;
    fdc->perp = 0;
    fdc->last_eot = 0;
    fdc_soft_reset(fdc);
    for (unsigned i = 0; power_on && i < FDC_MAX_DRIVES; i++) {
        fdc->drive[i].cyl = 0;
        fdc->drive[i].next_sector = 0;
        /* a drive's DSKCHG is active from power-on until a step with a disk in */
        fdc->drive[i].changed = true;
    }
}

struct fdc82077 *fdc82077_create(struct ioports *io, struct dma8237 *dma, struct irq_line irq6,
                                 struct log *log)
{
    struct fdc82077 *fdc = calloc(1, sizeof(*fdc));

    if (!fdc)
        return NULL;
    fdc->dma = dma;
    fdc->irq = irq6;
    fdc->log = log;
    if (!ioports_register(io, FDC82077_BASE, 6, &fdc_ops, fdc, "82077 FDC") ||
        !ioports_register(io, FDC82077_BASE + 7, 1, &fdc_ops, fdc, "82077 FDC DIR")) {
        free(fdc);
        return NULL;
    }
    fdc82077_reset(fdc, true);
    return fdc;
}

void fdc82077_destroy(struct fdc82077 *fdc)
{
    free(fdc);
}

/* ---- drives and media ---- */

static const struct fdc_format fdc_formats[] = {
    { 163840, 40, 1, 8, 1, RATE_250K | RATE_300K },
    { 184320, 40, 1, 9, 1, RATE_250K | RATE_300K },
    { 327680, 40, 2, 8, 1, RATE_250K | RATE_300K },
    { 368640, 40, 2, 9, 1, RATE_250K | RATE_300K },
    { 737280, 80, 2, 9, 3, RATE_250K },
    { 1228800, 80, 2, 15, 2, RATE_500K },
    { 1474560, 80, 2, 18, 4, RATE_500K },
    { 1720320, 80, 2, 21, 4, RATE_500K },
    { 1763328, 82, 2, 21, 4, RATE_500K },
    { 2949120, 80, 2, 36, 5, RATE_1M },
};

static const struct fdc_format *fdc_format_of(uint64_t size)
{
    for (size_t i = 0; i < sizeof(fdc_formats) / sizeof(fdc_formats[0]); i++) {
        if (fdc_formats[i].size == size)
            return &fdc_formats[i];
    }
    return NULL;
}

bool fdc82077_change_media(struct fdc82077 *fdc, unsigned drive, struct block *b)
{
    struct fdc_drive *dr = fdc_installed(fdc, drive);
    const struct fdc_format *fmt = b ? fdc_format_of(block_size(b)) : NULL;

    if (!dr)
        return false;
    dr->blk = fmt ? b : NULL;
    dr->fmt = fmt;
    dr->next_sector = 0;
    dr->changed = true;
    return b == NULL || fmt != NULL;
}

bool fdc82077_attach(struct fdc82077 *fdc, unsigned drive, struct block *b, char *err,
                     size_t errlen)
{
    if (drive >= FDC82077_DRIVES) {
        snprintf(err, errlen, "floppy drive %u does not exist (A: and B: only)", drive);
        return false;
    }
    if (fdc82077_change_media(fdc, drive, b))
        return true;
    snprintf(err, errlen,
             "%s: %llu bytes is not a floppy image size (160K, 180K, 320K, 360K, 720K, "
             "1.2M, 1.44M, 1.68M, 1.72M or 2.88M)",
             block_path(b), (unsigned long long)block_size(b));
    return false;
}

unsigned fdc82077_drive_type(const struct fdc82077 *fdc, unsigned drive)
{
    if (drive >= FDC82077_DRIVES || !fdc->drive[drive].fmt)
        return 0;
    return fdc->drive[drive].fmt->cmos_type;
}
