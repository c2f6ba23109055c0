/* The 82077AA's commands (datasheet 290166, with the uPD765 command set it
 * extends): seeks, sense and configuration commands, and READ/WRITE DATA, READ ID
 * and FORMAT TRACK moving whole sectors through DMA channel 2 at once. */
#include <string.h>

#include "block.h"
#include "dma8237.h"
#include "fdc82077.h"
#include "fdc82077_internal.h"

/* The sector walk of READ/WRITE DATA: command fields as they advance. */
struct fdc_xfer {
    unsigned ds;
    unsigned head;
    uint8_t c, h, r, n, eot;
    bool mt;
    uint8_t st0, st1, st2;
};

/* ---- the drive under the heads ---- */

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

/* ---- command decoding ---- */

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

const struct fdc_cmd *fdc_cmd_find(uint8_t first)
{
    for (size_t i = 0; i < sizeof(fdc_cmds) / sizeof(fdc_cmds[0]); i++) {
        if ((first & fdc_cmds[i].mask) == fdc_cmds[i].opcode)
            return &fdc_cmds[i];
    }
    return NULL;
}
