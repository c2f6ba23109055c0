/* Intel 82077AA floppy disk controller (datasheet 290166), PC-AT mode, with the
 * uPD765 command set it extends. Execution is instantaneous: a command runs when
 * its last byte is written, data moving through DMA channel 2 in one go. */
#include "fdc82077.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "dma8237.h"
#include "ioport.h"
#include "log.h"

/* Register and status bits (82077AA datasheet, section 2 and table 5-1). */
enum { FDC_DOR_DSEL = 0x03, FDC_DOR_NRESET = 0x04, FDC_DOR_DMAGATE = 0x08 };
enum { FDC_MSR_RQM = 0x80, FDC_MSR_DIO = 0x40, FDC_MSR_CB = 0x10 };
enum { FDC_DSR_SWRESET = 0x80, FDC_RATE_MASK = 0x03, FDC_DIR_DSKCHG = 0x80 };
enum { FDC_CMD_MT = 0x80, FDC_CMD_MFM = 0x40, FDC_SEEK_RELATIVE = 0x80, FDC_SEEK_DIR_IN = 0x40 };
enum {
    FDC_ST0_IC_ABNORMAL = 0x40, FDC_ST0_IC_INVALID = 0x80, FDC_ST0_IC_POLL = 0xC0,
    FDC_ST0_SE = 0x20, FDC_ST0_EC = 0x10, FDC_ST0_NR = 0x08,
};
enum {
    FDC_ST1_EN = 0x80, FDC_ST1_DE = 0x20, FDC_ST1_OR = 0x10, FDC_ST1_ND = 0x04,
    FDC_ST1_NW = 0x02, FDC_ST1_MA = 0x01,
};
enum { FDC_ST2_DD = 0x20, FDC_ST2_WC = 0x10, FDC_ST2_BC = 0x02 };
enum { FDC_ST3_WP = 0x40, FDC_ST3_RDY = 0x20, FDC_ST3_T0 = 0x10, FDC_ST3_TS = 0x08 };
/* CONFIGURE byte 2 (POLL, bit 4, has no effect here: drive status never changes) */
enum { FDC_CONF_EIS = 0x40, FDC_CONF_EFIFO = 0x20, FDC_CONF_FIFOTHR = 0x0F };
enum { FDC_PERP_OW = 0x80, FDC_SPEC_ND = 0x01, FDC_VERSION_82077 = 0x90 };
/* N = 2: the 512-byte sectors every PC format uses */
enum { FDC_SECTOR_N = 2, FDC_MAX_DRIVES = 4 };

/* Data rate codes of DSR/CCR bits 1-0, as bits of fdc_format.rates. */
enum { RATE_500K = 1u << 0, RATE_300K = 1u << 1, RATE_250K = 1u << 2, RATE_1M = 1u << 3 };

enum {
    FDC_NOTE_PHASE = 1u << 0, FDC_NOTE_NDMA = 1u << 1, FDC_NOTE_FORMAT = 1u << 2,
    FDC_NOTE_IO = 1u << 3, FDC_NOTE_INVALID = 1u << 4,
};

struct fdc_format {
    uint32_t size;
    uint8_t cyls, heads, spt;
    /* CMOS register 10h drive type */
    uint8_t cmos_type;
    /* RATE_* codes at which the medium reads (5.25" DD: 360K or 1.2M drive) */
    uint8_t rates;
};

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

struct fdc_drive {
    struct block *blk;
    const struct fdc_format *fmt;
    /* head position, which is also the controller's PCN */
    uint8_t cyl;
    /* rotation: index of the next sector ID to pass under the head */
    uint8_t next_sector;
    /* DSKCHG: set on media change, cleared by a step with a disk in */
    bool changed;
    /* seek/recalibrate ended: SENSE INTERRUPT STATUS owed (MSR drive busy) */
    bool seek_pending;
    uint8_t seek_st0;
};

/* The sector walk of READ/WRITE DATA: command fields as they advance. */
struct fdc_xfer {
    unsigned ds;
    unsigned head;
    uint8_t c, h, r, n, eot;
    bool mt;
    uint8_t st0, st1, st2;
};

struct fdc_cmd;

struct fdc82077 {
    struct dma8237 *dma;
    struct irq_line irq;
    struct log *log;
    struct fdc_drive drive[FDC_MAX_DRIVES];
    uint8_t dor, tdr;
    /* data rate code (DSR/CCR bits 1-0) */
    uint8_t rate;
    /* SPECIFY, CONFIGURE, PERPENDICULAR MODE and LOCK state, as DUMPREG shows it */
    uint8_t specify[2], config, pretrk, perp, last_eot;
    bool lock;
    /* command phase: the command being received and its bytes so far */
    const struct fdc_cmd *cmd;
    uint8_t cmd_bytes[9];
    unsigned cmd_pos;
    bool result_phase;
    uint8_t result[10];
    unsigned res_len, res_pos;
    /* INT from a result phase, cleared by reading the first result byte */
    bool result_irq;
    /* drives whose ready-change status is owed after a reset */
    uint8_t reset_poll;
    /* the reset's interrupt, cleared by the first SENSE INTERRUPT STATUS */
    bool poll_irq;
    bool irq_level;
    uint32_t noted;
    uint8_t buf[BLOCK_SECTOR];
};

struct fdc_cmd {
    uint8_t opcode;
    /* bits of the first byte that select the command (the rest are MT/MFM/SK) */
    uint8_t mask;
    uint8_t length;
    void (*run)(struct fdc82077 *fdc);
};

static void fdc_note(struct fdc82077 *fdc, uint32_t what, const char *msg, unsigned value)
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

static void fdc_update_irq(struct fdc82077 *fdc)
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
static void fdc_new_interrupt(struct fdc82077 *fdc)
{
    fdc->reset_poll = 0;
    fdc->poll_irq = false;
}

static void fdc_results(struct fdc82077 *fdc, const uint8_t *bytes, unsigned len, bool irq)
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

static struct fdc_drive *fdc_installed(struct fdc82077 *fdc, unsigned ds)
{
    return ds < FDC82077_DRIVES ? &fdc->drive[ds] : NULL;
}

/* Move the heads; steps with a disk in clear the disk-change line. */
static void fdc_step_to(struct fdc_drive *dr, unsigned cyl)
{
    if (dr->cyl != cyl && dr->blk)
        dr->changed = false;
    dr->cyl = (uint8_t)cyl;
}

/* Does the track under the head hold IDs readable in this mode? */
static bool fdc_track_readable(const struct fdc82077 *fdc, const struct fdc_drive *dr,
                               unsigned head, bool mfm)
{
    const struct fdc_format *fmt = dr->fmt;

    return fmt && mfm && dr->cyl < fmt->cyls && head < fmt->heads &&
           (fmt->rates & (1u << fdc->rate));
}

/* ---- commands without data ---- */

static void fdc_cmd_specify(struct fdc82077 *fdc)
{
    fdc->specify[0] = fdc->cmd_bytes[1];
    fdc->specify[1] = fdc->cmd_bytes[2];
    if (fdc->specify[1] & FDC_SPEC_ND)
        fdc_note(fdc, FDC_NOTE_NDMA, "non-DMA mode not supported, transfers use DMA",
                 fdc->specify[1]);
}

static void fdc_cmd_sense_drive(struct fdc82077 *fdc)
{
    unsigned ds = fdc->cmd_bytes[1] & 3;
    unsigned head = (fdc->cmd_bytes[1] >> 2) & 1;
    const struct fdc_drive *dr = fdc_installed(fdc, ds);
    uint8_t st3 = (uint8_t)(head << 2 | ds);

    if (dr) {
        st3 |= FDC_ST3_TS | (dr->cyl == 0 ? FDC_ST3_T0 : 0);
        if (dr->blk)
            st3 |= FDC_ST3_RDY | (block_read_only(dr->blk) ? FDC_ST3_WP : 0);
    }
    fdc_results(fdc, &st3, 1, false);
}

static void fdc_seek_done(struct fdc82077 *fdc, unsigned ds, uint8_t st0)
{
    fdc_new_interrupt(fdc);
    fdc->drive[ds].seek_pending = true;
    fdc->drive[ds].seek_st0 = st0;
    fdc_update_irq(fdc);
}

static void fdc_cmd_recalibrate(struct fdc82077 *fdc)
{
    unsigned ds = fdc->cmd_bytes[1] & 3;
    struct fdc_drive *dr = fdc_installed(fdc, ds);

    if (!dr) {
        /* no TRK0 signal after the 79 steps: equipment check */
        fdc_seek_done(fdc, ds, FDC_ST0_IC_ABNORMAL | FDC_ST0_SE | FDC_ST0_EC | ds);
        return;
    }
    fdc_step_to(dr, 0);
    fdc_seek_done(fdc, ds, FDC_ST0_SE | ds);
}

static void fdc_cmd_seek(struct fdc82077 *fdc)
{
    const uint8_t *b = fdc->cmd_bytes;
    unsigned ds = b[1] & 3;
    int target = b[2];

    if (b[0] & FDC_SEEK_RELATIVE) {
        target = fdc->drive[ds].cyl + ((b[0] & FDC_SEEK_DIR_IN) ? b[2] : -(int)b[2]);
        target = target < 0 ? 0 : target > 255 ? 255 : target;
    }
    fdc_step_to(&fdc->drive[ds], (unsigned)target);
    fdc_seek_done(fdc, ds, (uint8_t)(FDC_ST0_SE | (b[1] & 7)));
}

static void fdc_cmd_sense_interrupt(struct fdc82077 *fdc)
{
    uint8_t res[2];

    fdc->poll_irq = false;
    for (unsigned ds = 0; ds < FDC_MAX_DRIVES; ds++) {
        if (fdc->reset_poll & (1u << ds)) {
            fdc->reset_poll &= (uint8_t)~(1u << ds);
            res[0] = (uint8_t)(FDC_ST0_IC_POLL | ds);
            res[1] = fdc->drive[ds].cyl;
            fdc_results(fdc, res, 2, false);
            return;
        }
    }
    for (unsigned ds = 0; ds < FDC_MAX_DRIVES; ds++) {
        if (fdc->drive[ds].seek_pending) {
            fdc->drive[ds].seek_pending = false;
            res[0] = fdc->drive[ds].seek_st0;
            res[1] = fdc->drive[ds].cyl;
            fdc_results(fdc, res, 2, false);
            return;
        }
    }
    res[0] = FDC_ST0_IC_INVALID;
    fdc_results(fdc, res, 1, false);
}

static void fdc_cmd_version(struct fdc82077 *fdc)
{
    uint8_t v = FDC_VERSION_82077;

    fdc_results(fdc, &v, 1, false);
}

static void fdc_cmd_configure(struct fdc82077 *fdc)
{
    fdc->config = fdc->cmd_bytes[2] & 0x7F;
    fdc->pretrk = fdc->cmd_bytes[3];
}

static void fdc_cmd_dumpreg(struct fdc82077 *fdc)
{
    const uint8_t res[10] = {
        fdc->drive[0].cyl, fdc->drive[1].cyl, fdc->drive[2].cyl, fdc->drive[3].cyl,
        fdc->specify[0], fdc->specify[1], fdc->last_eot,
        (uint8_t)((fdc->lock ? 0x80 : 0) | (fdc->perp & 0x3F)), fdc->config, fdc->pretrk,
    };

    fdc_results(fdc, res, sizeof(res), false);
}

static void fdc_cmd_lock(struct fdc82077 *fdc)
{
    uint8_t res;

    fdc->lock = (fdc->cmd_bytes[0] & 0x80) != 0;
    res = (uint8_t)(fdc->lock ? 0x10 : 0);
    fdc_results(fdc, &res, 1, false);
}

static void fdc_cmd_perpendicular(struct fdc82077 *fdc)
{
    uint8_t b = fdc->cmd_bytes[1];

    /* 82077AA: D0-D3 change only when OW is set; GAP and WGATE always */
    fdc->perp = (uint8_t)(((b & FDC_PERP_OW) ? b & 0x3C : fdc->perp & 0x3C) | (b & 0x03));
}

/* ---- data commands ---- */

static void fdc_xfer_result(struct fdc82077 *fdc, const struct fdc_xfer *x)
{
    const uint8_t res[7] = {
        (uint8_t)(x->st0 | x->head << 2 | x->ds), x->st1, x->st2, x->c, x->h, x->r, x->n,
    };

    fdc_results(fdc, res, sizeof(res), true);
}

/* Common checks before touching the medium; false ends the command. */
static bool fdc_xfer_ready(struct fdc82077 *fdc, struct fdc_xfer *x, bool write)
{
    struct fdc_drive *dr = fdc_installed(fdc, x->ds);

    if (!dr || !dr->blk) {
        x->st0 |= FDC_ST0_IC_ABNORMAL | FDC_ST0_NR;
        return false;
    }
    if (write && block_read_only(dr->blk)) {
        x->st0 |= FDC_ST0_IC_ABNORMAL;
        x->st1 |= FDC_ST1_NW;
        return false;
    }
    return true;
}

/* Find sector (C,H,R,N) on the track under the head; sets the error bits the
 * uPD765 reports when the ID search fails. */
static bool fdc_find_sector(struct fdc82077 *fdc, struct fdc_xfer *x, bool mfm, uint64_t *lba)
{
    struct fdc_drive *dr = &fdc->drive[x->ds];
    const struct fdc_format *fmt = dr->fmt;

    if (!fdc_track_readable(fdc, dr, x->head, mfm)) {
        x->st1 |= FDC_ST1_MA;
    } else if (x->c != dr->cyl) {
        x->st1 |= FDC_ST1_ND;
        x->st2 |= x->c == 0xFF ? FDC_ST2_BC : FDC_ST2_WC;
    } else if (x->h != x->head || x->r < 1 || x->r > fmt->spt || x->n != FDC_SECTOR_N) {
        x->st1 |= FDC_ST1_ND;
    } else {
        *lba = ((uint64_t)dr->cyl * fmt->heads + x->head) * fmt->spt + (x->r - 1u);
        dr->next_sector = (uint8_t)(x->r % fmt->spt);
        return true;
    }
    x->st0 |= FDC_ST0_IC_ABNORMAL;
    return false;
}

/* The sector's bytes over DMA channel 2 (only while DOR lets DRQ out). */
static size_t fdc_dma(struct fdc82077 *fdc, void *buf, size_t len, bool *tc)
{
    *tc = false;
    if (!(fdc->dor & FDC_DOR_DMAGATE))
        return 0;
    return dma8237_transfer(fdc->dma, FDC82077_DMA_CHANNEL, buf, len, tc);
}

static bool fdc_sector_io(struct fdc82077 *fdc, struct fdc_xfer *x, uint64_t lba, bool write,
                          bool *tc)
{
    struct block *blk = fdc->drive[x->ds].blk;
    size_t moved;

    memset(fdc->buf, 0, sizeof(fdc->buf));
    if (!write && !block_read(blk, lba, 1, fdc->buf)) {
        fdc_note(fdc, FDC_NOTE_IO, "image read failed, reported as a CRC error", x->r);
        x->st1 |= FDC_ST1_DE;
        x->st2 |= FDC_ST2_DD;
        x->st0 |= FDC_ST0_IC_ABNORMAL;
        return false;
    }
    moved = fdc_dma(fdc, fdc->buf, sizeof(fdc->buf), tc);
    /* uPD765: without TC the DMA must keep up, else overrun (underrun for writes);
     * TC inside a write sector pads it with zeros */
    if (moved < sizeof(fdc->buf) && !*tc) {
        x->st0 |= FDC_ST0_IC_ABNORMAL;
        x->st1 |= FDC_ST1_OR;
        return false;
    }
    if (write && !block_write(blk, lba, 1, fdc->buf)) {
        fdc_note(fdc, FDC_NOTE_IO, "image write failed, reported as a CRC error", x->r);
        x->st1 |= FDC_ST1_DE;
        x->st0 |= FDC_ST0_IC_ABNORMAL;
        return false;
    }
    return true;
}

/* Advance C/H/R past the sector just moved (uPD765 datasheet, table "ID
 * information when processing is terminated"). True when that was the last
 * sector the command may reach. */
static bool fdc_next_sector(struct fdc_xfer *x)
{
    if (x->r != x->eot) {
        x->r++;
        return false;
    }
    x->r = 1;
    x->h ^= 1;
    if (x->mt && x->head == 0) {
        x->head = 1;
        return false;
    }
    if (!x->mt)
        x->h ^= 1;
    x->c++;
    return true;
}

static void fdc_xfer_begin(struct fdc82077 *fdc, struct fdc_xfer *x)
{
    const uint8_t *b = fdc->cmd_bytes;

    *x = (struct fdc_xfer){
        .ds = b[1] & 3, .head = (b[1] >> 2) & 1, .c = b[2], .h = b[3], .r = b[4], .n = b[5],
        .eot = b[6], .mt = (b[0] & FDC_CMD_MT) != 0,
    };
    fdc->last_eot = b[6];
}

static void fdc_read_write(struct fdc82077 *fdc, bool write)
{
    bool mfm = (fdc->cmd_bytes[0] & FDC_CMD_MFM) != 0;
    struct fdc_xfer x;
    uint64_t lba;
    bool tc = false;

    fdc_xfer_begin(fdc, &x);
    if (fdc_xfer_ready(fdc, &x, write)) {
        /* CONFIGURE EIS: implied seek to the command's cylinder */
        if (fdc->config & FDC_CONF_EIS)
            fdc_step_to(&fdc->drive[x.ds], x.c);
        while (fdc_find_sector(fdc, &x, mfm, &lba) && fdc_sector_io(fdc, &x, lba, write, &tc)) {
            bool last = fdc_next_sector(&x);

            if (tc)
                break;
            if (last) {
                x.st0 |= FDC_ST0_IC_ABNORMAL;
                x.st1 |= FDC_ST1_EN;
                break;
            }
        }
    }
    fdc_xfer_result(fdc, &x);
}

static void fdc_cmd_read(struct fdc82077 *fdc)
{
    fdc_read_write(fdc, false);
}

static void fdc_cmd_write(struct fdc82077 *fdc)
{
    fdc_read_write(fdc, true);
}

static void fdc_cmd_read_id(struct fdc82077 *fdc)
{
    struct fdc_xfer x = { .ds = fdc->cmd_bytes[1] & 3u, .head = (fdc->cmd_bytes[1] >> 2) & 1u };
    struct fdc_drive *dr = &fdc->drive[x.ds];

    if (fdc_xfer_ready(fdc, &x, false)) {
        if (fdc_track_readable(fdc, dr, x.head, fdc->cmd_bytes[0] & FDC_CMD_MFM)) {
            x.c = dr->cyl;
            x.h = (uint8_t)x.head;
            x.r = (uint8_t)(dr->next_sector + 1);
            x.n = FDC_SECTOR_N;
            dr->next_sector = (uint8_t)((dr->next_sector + 1) % dr->fmt->spt);
        } else {
            x.st0 |= FDC_ST0_IC_ABNORMAL;
            x.st1 |= FDC_ST1_MA;
        }
    }
    fdc_xfer_result(fdc, &x);
}

/* One ID field of FORMAT TRACK: fill its sector if the image can hold it. */
static bool fdc_format_sector(struct fdc82077 *fdc, struct fdc_xfer *x, uint8_t fill)
{
    struct fdc_drive *dr = &fdc->drive[x->ds];
    const struct fdc_format *fmt = dr->fmt;
    uint64_t lba;

    if (dr->cyl >= fmt->cyls || x->head >= fmt->heads || x->r < 1 || x->r > fmt->spt ||
        x->n != FDC_SECTOR_N) {
        fdc_note(fdc, FDC_NOTE_FORMAT, "format layout does not fit the image, sector skipped",
                 x->r);
        return true;
    }
    lba = ((uint64_t)dr->cyl * fmt->heads + x->head) * fmt->spt + (x->r - 1u);
    memset(fdc->buf, fill, sizeof(fdc->buf));
    if (block_write(dr->blk, lba, 1, fdc->buf))
        return true;
    x->st0 |= FDC_ST0_IC_ABNORMAL;
    x->st1 |= FDC_ST1_DE;
    return false;
}

static void fdc_cmd_format(struct fdc82077 *fdc)
{
    const uint8_t *b = fdc->cmd_bytes;
    struct fdc_xfer x = { .ds = b[1] & 3u, .head = (b[1] >> 2) & 1u, .n = b[2] };
    uint8_t id[4];
    bool tc = false;

    if (fdc_xfer_ready(fdc, &x, true)) {
        if (b[2] != FDC_SECTOR_N || b[3] != fdc->drive[x.ds].fmt->spt)
            fdc_note(fdc, FDC_NOTE_FORMAT, "format geometry differs from the image", b[3]);
        for (unsigned i = 0; i < b[3] && !tc; i++) {
            if (fdc_dma(fdc, id, sizeof(id), &tc) < sizeof(id) && !tc) {
                x.st0 |= FDC_ST0_IC_ABNORMAL;
                x.st1 |= FDC_ST1_OR;
                break;
            }
            x.c = id[0], x.h = id[1], x.r = id[2], x.n = id[3];
            if (!fdc_format_sector(fdc, &x, b[5]))
                break;
        }
    }
    fdc_xfer_result(fdc, &x);
}

static const struct fdc_cmd fdc_cmds[] = {
    { 0x06, 0x1F, 9, fdc_cmd_read },
    { 0x05, 0x3F, 9, fdc_cmd_write },
    { 0x0A, 0xBF, 2, fdc_cmd_read_id },
    { 0x0D, 0xBF, 6, fdc_cmd_format },
    { 0x07, 0xFF, 2, fdc_cmd_recalibrate },
    { 0x08, 0xFF, 1, fdc_cmd_sense_interrupt },
    { 0x03, 0xFF, 3, fdc_cmd_specify },
    { 0x04, 0xFF, 2, fdc_cmd_sense_drive },
    { 0x0F, 0x3F, 3, fdc_cmd_seek },
    { 0x10, 0xFF, 1, fdc_cmd_version },
    { 0x13, 0xFF, 4, fdc_cmd_configure },
    { 0x0E, 0xFF, 1, fdc_cmd_dumpreg },
    { 0x14, 0x7F, 1, fdc_cmd_lock },
    { 0x12, 0xFF, 2, fdc_cmd_perpendicular },
};

/* ---- registers ---- */

static void fdc_fifo_write(struct fdc82077 *fdc, uint8_t value)
{
    if (fdc->result_phase) {
        fdc_note(fdc, FDC_NOTE_PHASE, "data register written during result phase", value);
        return;
    }
    if (fdc->cmd_pos == 0) {
        fdc->cmd = NULL;
        for (size_t i = 0; i < sizeof(fdc_cmds) / sizeof(fdc_cmds[0]); i++) {
            if ((value & fdc_cmds[i].mask) == fdc_cmds[i].opcode)
                fdc->cmd = &fdc_cmds[i];
        }
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
