/* A legacy IDE channel following ATA/ATAPI-4 (T13 1153D): the task file, PIO
 * data-in/data-out/packet protocols, software reset and signatures. Commands
 * complete at once, so BSY is only seen while SRST is held. */
#include "ide.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atapi.h"
#include "block.h"
#include "ioport.h"
#include "log.h"

/* Task file registers: offsets from cmd_base, also indices of ide_drive.tf
 * (the read side: error at 1, status at 7). */
enum ata_reg {
    ATA_REG_DATA = 0,
    ATA_REG_ERROR = 1,
    ATA_REG_FEATURES = 1,
    ATA_REG_NSECTOR = 2,
    ATA_REG_SECTOR = 3,
    ATA_REG_LCYL = 4,
    ATA_REG_HCYL = 5,
    ATA_REG_SELECT = 6,
    ATA_REG_STATUS = 7,
    ATA_REG_COMMAND = 7,
};

enum ata_status {
    ATA_STAT_ERR = 0x01,
    ATA_STAT_IDX = 0x02,
    ATA_STAT_CORR = 0x04,
    ATA_STAT_DRQ = 0x08,
    ATA_STAT_DSC = 0x10,
    ATA_STAT_DF = 0x20,
    ATA_STAT_DRDY = 0x40,
    ATA_STAT_BSY = 0x80,
    ATA_STAT_READY = ATA_STAT_DRDY | ATA_STAT_DSC,
};

enum ata_error {
    ATA_ERR_ABRT = 0x04,
    ATA_ERR_IDNF = 0x10,
    ATA_ERR_UNC = 0x40,
    /* diagnostic code after reset or EXECUTE DEVICE DIAGNOSTIC: passed */
    ATA_ERR_DIAG_PASSED = 0x01,
};

enum {
    ATA_CTL_NIEN = 0x02,
    ATA_CTL_SRST = 0x04,
    ATA_DEV_DEV = 0x10,
    ATA_DEV_LBA = 0x40,
    /* ATAPI interrupt reason in the sector count register (SFF-8020i, interrupt reason) */
    ATAPI_IR_COD = 0x01,
    ATAPI_IR_IO = 0x02,
    /* DRQ data block buffer: an ATAPI byte count is at most FFFEh */
    IDE_BUF_SIZE = 0x10000,
    /* ATA-4 IDENTIFY DEVICE words 57-58: largest CHS capacity, 16383 * 16 * 63 sectors */
    IDE_CHS_MAX_SECTORS = 16514064,
    IDE_DEFAULT_HEADS = 16,
    IDE_DEFAULT_SPT = 63,
    /* channel with no device: the DD7 pull-down makes every register 7Fh */
    IDE_NO_DEVICE = 0x7F,
};

enum ide_kind { IDE_NONE, IDE_DISK, IDE_CDROM };

enum ata_cmd {
    ATA_CMD_DEVICE_RESET = 0x08,
    ATA_CMD_RECALIBRATE = 0x10,
    ATA_CMD_READ_SECTORS = 0x20,
    ATA_CMD_READ_SECTORS_NR = 0x21,
    ATA_CMD_WRITE_SECTORS = 0x30,
    ATA_CMD_WRITE_SECTORS_NR = 0x31,
    ATA_CMD_READ_VERIFY = 0x40,
    ATA_CMD_READ_VERIFY_NR = 0x41,
    ATA_CMD_SEEK = 0x70,
    ATA_CMD_DIAGNOSTIC = 0x90,
    ATA_CMD_INIT_PARAMS = 0x91,
    ATA_CMD_PACKET = 0xA0,
    ATA_CMD_IDENTIFY_PACKET = 0xA1,
    ATA_CMD_READ_MULTIPLE = 0xC4,
    ATA_CMD_WRITE_MULTIPLE = 0xC5,
    ATA_CMD_SET_MULTIPLE = 0xC6,
    ATA_CMD_STANDBY_IMMEDIATE = 0xE0,
    ATA_CMD_IDLE_IMMEDIATE = 0xE1,
    ATA_CMD_STANDBY = 0xE2,
    ATA_CMD_IDLE = 0xE3,
    ATA_CMD_CHECK_POWER_MODE = 0xE5,
    ATA_CMD_FLUSH_CACHE = 0xE7,
    ATA_CMD_IDENTIFY = 0xEC,
    ATA_CMD_SET_FEATURES = 0xEF,
};

struct ide;
struct ide_drive;

/* Called when the host has moved a whole DRQ data block. */
typedef void ide_block_fn(struct ide *ide, struct ide_drive *d);

struct ide_drive {
    enum ide_kind kind;
    struct block *blk;
    struct atapi *atapi;
    /* this device's task file, indexed by enum ata_reg */
    uint8_t tf[8];
    bool irq_pending;
    uint64_t sectors;
    /* default geometry (IDENTIFY words 1, 3, 6) and current translation (54-56) */
    uint16_t cyls, heads, spt;
    uint16_t cur_cyls, cur_heads, cur_spt;
    /* sectors per READ/WRITE MULTIPLE block; 0: multiple mode disabled */
    unsigned multiple;
    /* PIO data phase: NULL when none; out: the host writes */
    ide_block_fn *end_block;
    bool out;
    uint32_t pos, len;
    /* sector transfer: next sector, sectors left, sectors per DRQ block */
    uint64_t lba;
    uint32_t left;
    unsigned per_block;
    /* packet data phase: bytes left and the host's byte count limit */
    uint64_t packet_left;
    uint32_t byte_limit;
    uint8_t buf[IDE_BUF_SIZE];
};

struct ide {
    uint16_t cmd_base;
    struct irq_line irq;
    struct log *log;
    struct ide_drive drive[2];
    /* selected device (DEV bit) */
    unsigned unit;
    uint8_t features;
    uint8_t devctl;
    /* level driven on irq */
    bool irq_level;
    /* commands already logged as unsupported */
    uint8_t noted[32];
};

static struct ide_drive *ide_selected(struct ide *ide)
{
    return &ide->drive[ide->unit];
}

static bool ide_present(const struct ide *ide)
{
    return ide->drive[0].kind != IDE_NONE || ide->drive[1].kind != IDE_NONE;
}

static void ide_update_irq(struct ide *ide)
{
    bool level = !(ide->devctl & ATA_CTL_NIEN) && ide_selected(ide)->irq_pending;

    if (level != ide->irq_level) {
        ide->irq_level = level;
        irq_set(&ide->irq, level);
    }
}

static void ide_raise(struct ide *ide, struct ide_drive *d)
{
    d->irq_pending = true;
    ide_update_irq(ide);
}

static void ide_done(struct ide *ide, struct ide_drive *d)
{
    d->tf[ATA_REG_STATUS] = ATA_STAT_READY;
    ide_raise(ide, d);
}

static void ide_fail(struct ide *ide, struct ide_drive *d, uint8_t error)
{
    d->end_block = NULL;
    d->tf[ATA_REG_ERROR] = error;
    d->tf[ATA_REG_STATUS] = ATA_STAT_READY | ATA_STAT_ERR;
    ide_raise(ide, d);
}

/* The last data-in block has been read: no interrupt, the host has the data. */
static void ide_pio_end(struct ide *ide, struct ide_drive *d)
{
    d->tf[ATA_REG_STATUS] = ATA_STAT_READY;
}

/* Start a DRQ data block of len bytes in d->buf. */
static void ide_pio(struct ide *ide, struct ide_drive *d, uint32_t len, bool out,
                    ide_block_fn *end_block, bool irq)
{
    d->pos = 0;
    d->len = len;
    d->out = out;
    d->end_block = end_block;
    d->tf[ATA_REG_STATUS] = ATA_STAT_READY | ATA_STAT_DRQ;
    if (irq)
        ide_raise(ide, d);
}

/* ATA-4 signatures (reset protocol): ATA 01/01/00/00, packet device 01/01/14/EB. */
static void ide_signature(struct ide_drive *d)
{
    bool cd = d->kind == IDE_CDROM;

    d->tf[ATA_REG_NSECTOR] = 1;
    d->tf[ATA_REG_SECTOR] = 1;
    d->tf[ATA_REG_LCYL] = cd ? 0x14 : 0;
    d->tf[ATA_REG_HCYL] = cd ? 0xEB : 0;
    d->tf[ATA_REG_SELECT] = 0;
}

/* After reset a packet device leaves DRDY clear (ATA-4 reset protocol). */
static void ide_drive_reset(struct ide_drive *d, bool hard)
{
    d->end_block = NULL;
    d->irq_pending = false;
    ide_signature(d);
    d->tf[ATA_REG_ERROR] = ATA_ERR_DIAG_PASSED;
    d->tf[ATA_REG_STATUS] = d->kind == IDE_DISK ? ATA_STAT_READY : 0;
    if (!hard)
        return;
    d->multiple = 0;
    d->cur_cyls = d->cyls;
    d->cur_heads = d->heads;
    d->cur_spt = d->spt;
}

/* Cylinders for a translation, within ATA-4's CHS capacity limit. */
static uint16_t ide_cylinders(uint64_t sectors, unsigned heads, unsigned spt)
{
    uint64_t chs = sectors < IDE_CHS_MAX_SECTORS ? sectors : IDE_CHS_MAX_SECTORS;
    uint64_t cyls = chs / (heads * spt);

    return cyls > 0xFFFF ? 0xFFFF : (uint16_t)cyls;
}

/* ---- address translation ---- */

static uint32_t ide_count(const struct ide_drive *d)
{
    return d->tf[ATA_REG_NSECTOR] ? d->tf[ATA_REG_NSECTOR] : 256;
}

/* First sector of a media command from the task file (CHS or LBA28). */
static bool ide_address(const struct ide_drive *d, uint64_t *lba)
{
    const uint8_t *tf = d->tf;
    unsigned head = tf[ATA_REG_SELECT] & 0x0F, sector = tf[ATA_REG_SECTOR];
    unsigned cyl = tf[ATA_REG_LCYL] | tf[ATA_REG_HCYL] << 8;

    if (tf[ATA_REG_SELECT] & ATA_DEV_LBA) {
        *lba = (uint64_t)head << 24 | (uint32_t)cyl << 8 | sector;
        return true;
    }
    if (d->cur_spt == 0 || sector == 0 || sector > d->cur_spt || head >= d->cur_heads)
        return false;
    *lba = ((uint64_t)cyl * d->cur_heads + head) * d->cur_spt + sector - 1;
    return true;
}

/* Put lba back in the task file, in the addressing mode of the command. */
static void ide_set_address(struct ide_drive *d, uint64_t lba)
{
    uint8_t *tf = d->tf;
    uint32_t sector = (uint32_t)lba & 0xFF, cyl = (uint32_t)(lba >> 8) & 0xFFFF;
    uint32_t head = (uint32_t)(lba >> 24) & 0x0F;

    if (!(tf[ATA_REG_SELECT] & ATA_DEV_LBA) && d->cur_spt) {
        sector = (uint32_t)(lba % d->cur_spt) + 1;
        head = (uint32_t)(lba / d->cur_spt % d->cur_heads);
        cyl = (uint32_t)(lba / d->cur_spt / d->cur_heads);
    }
    tf[ATA_REG_SECTOR] = (uint8_t)sector;
    tf[ATA_REG_LCYL] = (uint8_t)cyl;
    tf[ATA_REG_HCYL] = (uint8_t)(cyl >> 8);
    tf[ATA_REG_SELECT] = (uint8_t)((tf[ATA_REG_SELECT] & 0xF0) | head);
}

/* Range check of the command's sectors; on failure the command ends with IDNF. */
static bool ide_media_range(struct ide *ide, struct ide_drive *d, uint64_t *lba)
{
    if (ide_address(d, lba) && *lba + ide_count(d) <= d->sectors)
        return true;
    ide_fail(ide, d, ATA_ERR_IDNF);
    return false;
}

/* ---- sector transfers (ATA-4 PIO data-in and PIO data-out protocols) ---- */

static unsigned ide_block_sectors(const struct ide_drive *d)
{
    return d->left < d->per_block ? d->left : d->per_block;
}

/* Account for a transferred block: the task file names its last sector. */
static void ide_advance(struct ide_drive *d, unsigned n)
{
    d->lba += n;
    d->left -= n;
    ide_set_address(d, d->lba - 1);
    d->tf[ATA_REG_NSECTOR] = (uint8_t)d->left;
}

static void ide_read_next(struct ide *ide, struct ide_drive *d);

static void ide_read_block(struct ide *ide, struct ide_drive *d)
{
    unsigned n = ide_block_sectors(d);

    if (!block_read(d->blk, d->lba, n, d->buf)) {
        ide_set_address(d, d->lba);
        ide_fail(ide, d, ATA_ERR_UNC);
        return;
    }
    ide_pio(ide, d, n * BLOCK_SECTOR, false, ide_read_next, true);
}

static void ide_read_next(struct ide *ide, struct ide_drive *d)
{
    ide_advance(d, ide_block_sectors(d));
    if (d->left)
        ide_read_block(ide, d);
    else
        ide_pio_end(ide, d);
}

static void ide_write_next(struct ide *ide, struct ide_drive *d)
{
    unsigned n = ide_block_sectors(d);

    if (!block_write(d->blk, d->lba, n, d->buf)) {
        ide_set_address(d, d->lba);
        ide_fail(ide, d, ATA_ERR_ABRT);
        return;
    }
    ide_advance(d, n);
    if (d->left)
        ide_pio(ide, d, ide_block_sectors(d) * BLOCK_SECTOR, true, ide_write_next, true);
    else
        ide_done(ide, d);
}

/* The first data-out block is requested without an interrupt (ATA-4 PIO data-out). */
static void ide_transfer(struct ide *ide, struct ide_drive *d, bool out, unsigned per_block)
{
    if (!ide_media_range(ide, d, &d->lba))
        return;
    d->left = ide_count(d);
    d->per_block = per_block;
    if (out)
        ide_pio(ide, d, ide_block_sectors(d) * BLOCK_SECTOR, true, ide_write_next, false);
    else
        ide_read_block(ide, d);
}

static void ide_cmd_read_sectors(struct ide *ide, struct ide_drive *d)
{
    ide_transfer(ide, d, false, 1);
}

static void ide_cmd_write_sectors(struct ide *ide, struct ide_drive *d)
{
    ide_transfer(ide, d, true, 1);
}

static void ide_cmd_read_multiple(struct ide *ide, struct ide_drive *d)
{
    if (d->multiple)
        ide_transfer(ide, d, false, d->multiple);
    else
        ide_fail(ide, d, ATA_ERR_ABRT);
}

static void ide_cmd_write_multiple(struct ide *ide, struct ide_drive *d)
{
    if (d->multiple)
        ide_transfer(ide, d, true, d->multiple);
    else
        ide_fail(ide, d, ATA_ERR_ABRT);
}

/* ---- non-data commands ---- */

static void ide_cmd_read_verify(struct ide *ide, struct ide_drive *d)
{
    uint64_t lba;

    if (!ide_media_range(ide, d, &lba))
        return;
    ide_set_address(d, lba + ide_count(d) - 1);
    d->tf[ATA_REG_NSECTOR] = 0;
    ide_done(ide, d);
}

static void ide_cmd_seek(struct ide *ide, struct ide_drive *d)
{
    uint64_t lba;

    if (ide_address(d, &lba) && lba < d->sectors)
        ide_done(ide, d);
    else
        ide_fail(ide, d, ATA_ERR_IDNF);
}

static void ide_cmd_done(struct ide *ide, struct ide_drive *d)
{
    ide_done(ide, d);
}

/* ATA-4 INITIALIZE DEVICE PARAMETERS: heads from the device/head register,
 * sectors per track from the sector count; an impossible translation fails
 * media commands until replaced. */
static void ide_cmd_init_params(struct ide *ide, struct ide_drive *d)
{
    d->cur_heads = (d->tf[ATA_REG_SELECT] & 0x0F) + 1;
    d->cur_spt = d->tf[ATA_REG_NSECTOR];
    if (d->cur_spt == 0) {
        d->cur_cyls = 0;
        ide_fail(ide, d, ATA_ERR_ABRT);
        return;
    }
    d->cur_cyls = ide_cylinders(d->sectors, d->cur_heads, d->cur_spt);
    ide_done(ide, d);
}

/* Block sizes: a power of two up to IDE_MAX_MULTIPLE; 0 turns multiple mode off. */
static void ide_cmd_set_multiple(struct ide *ide, struct ide_drive *d)
{
    unsigned n = d->tf[ATA_REG_NSECTOR];

    if (n > IDE_MAX_MULTIPLE || (n & (n - 1))) {
        ide_fail(ide, d, ATA_ERR_ABRT);
        return;
    }
    d->multiple = n;
    ide_done(ide, d);
}

/* SET FEATURES subcommands accepted (ATA-4 SET FEATURES): transfer mode, write cache
 * and read look-ahead on/off, reverting to defaults; they change nothing here. */
static const bool ide_feature_ok[256] = {
    [0x02] = true, [0x03] = true, [0x55] = true, [0x66] = true,
    [0x82] = true, [0xAA] = true, [0xCC] = true,
};

/* Transfer modes (sector count): PIO default (00h/01h) or PIO flow control
 * modes 0-4 (08h-0Ch); there is no DMA. */
static void ide_cmd_set_features(struct ide *ide, struct ide_drive *d)
{
    uint8_t mode = d->tf[ATA_REG_NSECTOR];
    bool pio = mode <= 0x01 || (mode >= 0x08 && mode <= 0x0C);

    if (!ide_feature_ok[ide->features] || (ide->features == 0x03 && !pio))
        ide_fail(ide, d, ATA_ERR_ABRT);
    else
        ide_done(ide, d);
}

static void ide_cmd_check_power_mode(struct ide *ide, struct ide_drive *d)
{
    /* FFh: active or idle */
    d->tf[ATA_REG_NSECTOR] = 0xFF;
    ide_done(ide, d);
}

static void ide_cmd_flush_cache(struct ide *ide, struct ide_drive *d)
{
    if (d->kind == IDE_DISK && !block_flush(d->blk))
        ide_fail(ide, d, ATA_ERR_ABRT);
    else
        ide_done(ide, d);
}

/* ATA-4 EXECUTE DEVICE DIAGNOSTIC: both devices run the diagnostic; device 0 reports it. */
static void ide_cmd_diagnostic(struct ide *ide, struct ide_drive *d)
{
    for (unsigned i = 0; i < 2; i++)
        ide_drive_reset(&ide->drive[i], false);
    ide->unit = 0;
    ide_raise(ide, &ide->drive[0]);
}

/* ATA-4 DEVICE RESET: the packet device resets itself; no interrupt. */
static void ide_cmd_device_reset(struct ide *ide, struct ide_drive *d)
{
    ide_drive_reset(d, false);
    d->tf[ATA_REG_SELECT] = (uint8_t)(ide->unit << 4);
}

/* ---- IDENTIFY DEVICE / IDENTIFY PACKET DEVICE (ATA-4) ---- */

/* ATA strings: two characters per word, the first in the high byte. */
static void ide_put_string(uint16_t *w, unsigned nwords, const char *s)
{
    for (unsigned i = 0; i < 2 * nwords; i++) {
        unsigned c = *s ? (unsigned char)*s++ : ' ';

        w[i / 2] |= (uint16_t)(i & 1 ? c : c << 8);
    }
}

static void ide_identify_disk(const struct ide_drive *d, uint16_t *w)
{
    uint32_t chs = (uint32_t)d->cur_cyls * d->cur_heads * d->cur_spt;
    uint64_t lba28 = d->sectors < 0x0FFFFFFF ? d->sectors : 0x0FFFFFFF;

    w[0] = 0x0040;
    w[1] = d->cyls;
    w[3] = d->heads;
    w[4] = (uint16_t)(BLOCK_SECTOR * d->spt);
    w[5] = BLOCK_SECTOR;
    w[6] = d->spt;
    /* buffer type 3 (read cache), 256 KiB, 4 ECC bytes (obsolete, still read) */
    w[20] = 3;
    w[21] = 512;
    w[22] = 4;
    ide_put_string(&w[27], 20, "TRAPDOOR HARDDISK");
    w[47] = 0x8000 | IDE_MAX_MULTIPLE;
    /* 32-bit data port transfers */
    w[48] = 1;
    w[53] = 0x0003;
    w[54] = d->cur_cyls;
    w[55] = d->cur_heads;
    w[56] = d->cur_spt;
    w[57] = (uint16_t)chs;
    w[58] = (uint16_t)(chs >> 16);
    w[59] = (uint16_t)(d->multiple ? 0x0100 | d->multiple : 0);
    w[60] = (uint16_t)lba28;
    w[61] = (uint16_t)(lba28 >> 16);
}

/* Word 0 of a packet device: ATAPI, CD-ROM (05h), removable, DRQ within 50 us,
 * 12-byte packets (SFF-8020i IDENTIFY PACKET DEVICE). */
static void ide_identify_cdrom(uint16_t *w)
{
    w[0] = 2 << 14 | 0x05 << 8 | 1 << 7 | 2 << 5;
    ide_put_string(&w[27], 20, "TRAPDOOR CD-ROM");
    w[53] = 0x0002;
}

static void ide_identify(struct ide *ide, struct ide_drive *d)
{
    uint16_t w[256] = { 0 };
    char serial[21];

    snprintf(serial, sizeof(serial), "TD%04X-%u", (unsigned)ide->cmd_base, ide->unit);
    ide_put_string(&w[10], 10, serial);
    ide_put_string(&w[23], 4, "1.0");
    if (d->kind == IDE_DISK)
        ide_identify_disk(d, w);
    else
        ide_identify_cdrom(w);
    /* LBA; ATA-4: word 50 bit 14 set; PIO mode 2 timing; advanced PIO 3 and 4 */
    w[49] = 0x0200;
    w[50] = 0x4000;
    w[51] = 0x0200;
    w[64] = 0x0003;
    w[65] = w[66] = w[67] = w[68] = 120;
    /* ATA-1 to ATA-4; words 82-87 valid (bit 14 set, bit 15 clear) */
    w[80] = 0x001E;
    w[83] = w[84] = w[87] = 0x4000;
    for (unsigned i = 0; i < 256; i++) {
        d->buf[2 * i] = (uint8_t)w[i];
        d->buf[2 * i + 1] = (uint8_t)(w[i] >> 8);
    }
    ide_pio(ide, d, 512, false, ide_pio_end, true);
}

static void ide_cmd_identify(struct ide *ide, struct ide_drive *d)
{
    ide_identify(ide, d);
}

/* ---- PACKET (ATA-4 PACKET protocol): 12-byte packet out, then DRQ blocks of at most the
 * byte count limit, with the interrupt reason in the sector count ---- */

static void ide_packet_fail(struct ide *ide, struct ide_drive *d)
{
    d->tf[ATA_REG_NSECTOR] = ATAPI_IR_IO | ATAPI_IR_COD;
    ide_fail(ide, d, (uint8_t)(atapi_sense_key(d->atapi) << 4));
    d->tf[ATA_REG_STATUS] = ATA_STAT_DRDY | ATA_STAT_ERR;
}

/* A DRQ block is even unless it is the last (SFF-8020i byte count limit). */
static void ide_packet_data(struct ide *ide, struct ide_drive *d)
{
    uint32_t limit = d->byte_limit & ~1u;
    uint32_t n = d->packet_left <= d->byte_limit ? (uint32_t)d->packet_left : limit;

    if (d->packet_left == 0) {
        d->tf[ATA_REG_NSECTOR] = ATAPI_IR_IO | ATAPI_IR_COD;
        ide_done(ide, d);
        return;
    }
    if (!atapi_read_data(d->atapi, d->buf, n)) {
        ide_packet_fail(ide, d);
        return;
    }
    d->packet_left -= n;
    d->tf[ATA_REG_NSECTOR] = ATAPI_IR_IO;
    d->tf[ATA_REG_LCYL] = (uint8_t)n;
    d->tf[ATA_REG_HCYL] = (uint8_t)(n >> 8);
    ide_pio(ide, d, n, false, ide_packet_data, true);
}

static void ide_packet_received(struct ide *ide, struct ide_drive *d)
{
    if (!atapi_command(d->atapi, d->buf, &d->packet_left))
        ide_packet_fail(ide, d);
    else
        ide_packet_data(ide, d);
}

/* Byte count limit 0 or below 2 cannot move data; take FFFEh as QEMU does. */
static void ide_cmd_packet(struct ide *ide, struct ide_drive *d)
{
    uint32_t limit = d->tf[ATA_REG_LCYL] | d->tf[ATA_REG_HCYL] << 8;

    if (ide->features & 1) {
        /* DMA requested: not supported */
        ide_fail(ide, d, ATA_ERR_ABRT);
        return;
    }
    d->byte_limit = limit < 2 || limit == 0xFFFF ? 0xFFFE : limit;
    d->tf[ATA_REG_NSECTOR] = ATAPI_IR_COD;
    ide_pio(ide, d, ATAPI_PACKET_SIZE, true, ide_packet_received, false);
}

/* ---- command dispatch ---- */

typedef void ide_cmd_fn(struct ide *ide, struct ide_drive *d);

enum { IDE_FOR_DISK = 1u << IDE_DISK, IDE_FOR_CD = 1u << IDE_CDROM };

struct ide_command {
    ide_cmd_fn *fn;
    /* IDE_FOR_* bits: device kinds that implement it */
    uint8_t kinds;
};

static const struct ide_command ide_commands[256] = {
    [ATA_CMD_DEVICE_RESET] = { ide_cmd_device_reset, IDE_FOR_CD },
    [ATA_CMD_RECALIBRATE] = { ide_cmd_done, IDE_FOR_DISK },
    [ATA_CMD_READ_SECTORS] = { ide_cmd_read_sectors, IDE_FOR_DISK },
    [ATA_CMD_READ_SECTORS_NR] = { ide_cmd_read_sectors, IDE_FOR_DISK },
    [ATA_CMD_WRITE_SECTORS] = { ide_cmd_write_sectors, IDE_FOR_DISK },
    [ATA_CMD_WRITE_SECTORS_NR] = { ide_cmd_write_sectors, IDE_FOR_DISK },
    [ATA_CMD_READ_VERIFY] = { ide_cmd_read_verify, IDE_FOR_DISK },
    [ATA_CMD_READ_VERIFY_NR] = { ide_cmd_read_verify, IDE_FOR_DISK },
    [ATA_CMD_SEEK] = { ide_cmd_seek, IDE_FOR_DISK },
    [ATA_CMD_DIAGNOSTIC] = { ide_cmd_diagnostic, IDE_FOR_DISK | IDE_FOR_CD },
    [ATA_CMD_INIT_PARAMS] = { ide_cmd_init_params, IDE_FOR_DISK },
    [ATA_CMD_PACKET] = { ide_cmd_packet, IDE_FOR_CD },
    [ATA_CMD_IDENTIFY_PACKET] = { ide_cmd_identify, IDE_FOR_CD },
    [ATA_CMD_READ_MULTIPLE] = { ide_cmd_read_multiple, IDE_FOR_DISK },
    [ATA_CMD_WRITE_MULTIPLE] = { ide_cmd_write_multiple, IDE_FOR_DISK },
    [ATA_CMD_SET_MULTIPLE] = { ide_cmd_set_multiple, IDE_FOR_DISK },
    [ATA_CMD_STANDBY_IMMEDIATE] = { ide_cmd_done, IDE_FOR_DISK },
    [ATA_CMD_IDLE_IMMEDIATE] = { ide_cmd_done, IDE_FOR_DISK },
    [ATA_CMD_STANDBY] = { ide_cmd_done, IDE_FOR_DISK },
    [ATA_CMD_IDLE] = { ide_cmd_done, IDE_FOR_DISK },
    [ATA_CMD_CHECK_POWER_MODE] = { ide_cmd_check_power_mode, IDE_FOR_DISK | IDE_FOR_CD },
    [ATA_CMD_FLUSH_CACHE] = { ide_cmd_flush_cache, IDE_FOR_DISK | IDE_FOR_CD },
    [ATA_CMD_IDENTIFY] = { ide_cmd_identify, IDE_FOR_DISK },
    [ATA_CMD_SET_FEATURES] = { ide_cmd_set_features, IDE_FOR_DISK | IDE_FOR_CD },
};

static void ide_note_command(struct ide *ide, uint8_t cmd)
{
    if (ide->noted[cmd >> 3] & (1u << (cmd & 7)))
        return;
    ide->noted[cmd >> 3] |= (uint8_t)(1u << (cmd & 7));
    log_printf(ide->log, LOG_UNIMP, "ide %03x: command 0x%02x aborted (logged once)\n",
               ide->cmd_base, cmd);
}

/* A packet device aborts IDENTIFY DEVICE and READ SECTORS with its signature in
 * the task file, which is how drivers tell it from a disk (ATA-4 IDENTIFY DEVICE). */
static void ide_reject(struct ide *ide, struct ide_drive *d, uint8_t cmd)
{
    if (d->kind == IDE_CDROM && (cmd == ATA_CMD_IDENTIFY || cmd == ATA_CMD_READ_SECTORS ||
                                 cmd == ATA_CMD_READ_SECTORS_NR))
        ide_signature(d);
    else if (!ide_commands[cmd].fn)
        ide_note_command(ide, cmd);
    ide_fail(ide, d, ATA_ERR_ABRT);
}

/* EXECUTE DEVICE DIAGNOSTIC runs whichever device is selected; other commands
 * to an absent device are ignored. 1xh are all RECALIBRATE (ATA-4). */
static void ide_command(struct ide *ide, uint8_t cmd)
{
    struct ide_drive *d = ide_selected(ide);
    uint8_t op = (cmd & 0xF0) == ATA_CMD_RECALIBRATE ? ATA_CMD_RECALIBRATE : cmd;
    const struct ide_command *c = &ide_commands[op];

    if ((ide->devctl & ATA_CTL_SRST) || !ide_present(ide))
        return;
    if (op == ATA_CMD_DIAGNOSTIC) {
        ide_cmd_diagnostic(ide, d);
        return;
    }
    if (d->kind == IDE_NONE)
        return;
    d->end_block = NULL;
    d->irq_pending = false;
    d->tf[ATA_REG_ERROR] = 0;
    ide_update_irq(ide);
    if (c->fn && (c->kinds & (1u << d->kind)))
        c->fn(ide, d);
    else
        ide_reject(ide, d, op);
}

/* ---- ports ---- */

/* Move size bytes through the data register; the block's end runs the next step. */
static uint32_t ide_data(struct ide *ide, unsigned size, bool out, uint32_t value)
{
    struct ide_drive *d = ide_selected(ide);
    ide_block_fn *end_block = d->end_block;
    uint32_t result = 0;

    if (!end_block || d->out != out)
        return UINT32_MAX;
    for (unsigned i = 0; i < size && d->pos < d->len; i++, d->pos++) {
        if (out)
            d->buf[d->pos] = (uint8_t)(value >> 8 * i);
        else
            result |= (uint32_t)d->buf[d->pos] << 8 * i;
    }
    if (d->pos >= d->len) {
        d->end_block = NULL;
        end_block(ide, d);
    }
    return result;
}

static uint32_t ide_read_register(struct ide *ide, unsigned reg)
{
    struct ide_drive *d = ide_selected(ide);

    if (!ide_present(ide))
        return IDE_NO_DEVICE;
    if (reg != ATA_REG_STATUS)
        return d->tf[reg];
    /* ATA-4: device 0 answers 00h for an absent device 1 (and vice versa) */
    if (d->kind == IDE_NONE)
        return 0;
    if (ide->devctl & ATA_CTL_SRST)
        return ATA_STAT_BSY;
    d->irq_pending = false;
    ide_update_irq(ide);
    return d->tf[ATA_REG_STATUS];
}

/* One registration covers the command block so that 16/32-bit data accesses
 * arrive whole; a wide access to another register is split here, as the bus would. */
static uint32_t ide_cmd_port_read(void *opaque, uint16_t port, unsigned size)
{
    struct ide *ide = opaque;
    unsigned reg = port - ide->cmd_base;
    uint32_t value = 0;

    if (reg == ATA_REG_DATA)
        return ide_data(ide, size, false, 0);
    for (unsigned i = 0; i < size; i++)
        value |= (reg + i < IDE_CMD_PORTS ? ide_read_register(ide, reg + i) : 0xFF) << 8 * i;
    return value;
}

static void ide_write_register(struct ide *ide, unsigned reg, uint8_t value)
{
    if (reg == ATA_REG_FEATURES) {
        ide->features = value;
    } else if (reg == ATA_REG_COMMAND) {
        ide_command(ide, value);
    } else {
        ide->drive[0].tf[reg] = ide->drive[1].tf[reg] = value;
        if (reg == ATA_REG_SELECT) {
            ide->unit = (value & ATA_DEV_DEV) ? 1 : 0;
            ide_update_irq(ide);
        }
    }
}

/* Both devices latch task file writes; only the command goes to one device. */
static void ide_cmd_port_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct ide *ide = opaque;
    unsigned reg = port - ide->cmd_base;

    if (reg == ATA_REG_DATA) {
        ide_data(ide, size, true, value);
        return;
    }
    for (unsigned i = 0; i < size && reg + i < IDE_CMD_PORTS; i++)
        ide_write_register(ide, reg + i, (uint8_t)(value >> 8 * i));
}

/* Alternate status: the status without clearing the interrupt. */
static uint32_t ide_ctl_port_read(void *opaque, uint16_t port, unsigned size)
{
    struct ide *ide = opaque;
    const struct ide_drive *d = ide_selected(ide);

    if (!ide_present(ide))
        return IDE_NO_DEVICE;
    if (d->kind == IDE_NONE)
        return 0;
    return ide->devctl & ATA_CTL_SRST ? ATA_STAT_BSY : d->tf[ATA_REG_STATUS];
}

/* SRST set: both devices go busy; SRST cleared: they finish the reset
 * (ATA-4 software reset), device 0 selected. nIEN gates INTRQ. */
static void ide_ctl_port_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct ide *ide = opaque;
    bool was_reset = ide->devctl & ATA_CTL_SRST;

    ide->devctl = (uint8_t)value;
    if (was_reset && !(value & ATA_CTL_SRST)) {
        for (unsigned i = 0; i < 2; i++)
            ide_drive_reset(&ide->drive[i], false);
        ide->unit = 0;
    } else if (!was_reset && (value & ATA_CTL_SRST)) {
        for (unsigned i = 0; i < 2; i++) {
            ide->drive[i].end_block = NULL;
            ide->drive[i].irq_pending = false;
        }
    }
    ide_update_irq(ide);
}

static const struct ioport_ops ide_cmd_ops = {
    .read = ide_cmd_port_read,
    .write = ide_cmd_port_write,
    .sizes = 1 | 2 | 4,
};

static const struct ioport_ops ide_ctl_ops = {
    .read = ide_ctl_port_read,
    .write = ide_ctl_port_write,
    .sizes = 1,
};

/* ---- construction ---- */

struct ide *ide_create(struct ioports *io, uint16_t cmd_base, uint16_t ctl_base,
                       struct irq_line irq, struct log *log)
{
    struct ide *ide = calloc(1, sizeof(*ide));

    if (!ide)
        return NULL;
    ide->cmd_base = cmd_base;
    ide->irq = irq;
    ide->log = log;
    /* check both ranges first: a registration cannot be undone */
    if (ioports_owner(io, ctl_base))
        goto fail;
    for (unsigned i = 0; i < IDE_CMD_PORTS; i++) {
        if (ioports_owner(io, (uint16_t)(cmd_base + i)))
            goto fail;
    }
    if (!ioports_register(io, cmd_base, IDE_CMD_PORTS, &ide_cmd_ops, ide, "ide") ||
        !ioports_register(io, ctl_base, 1, &ide_ctl_ops, ide, "ide-ctl"))
        goto fail;
    ide_reset(ide, true);
    return ide;

fail:
    free(ide);
    return NULL;
}

void ide_destroy(struct ide *ide)
{
    if (!ide)
        return;
    for (unsigned i = 0; i < 2; i++)
        atapi_destroy(ide->drive[i].atapi);
    free(ide);
}

void ide_reset(struct ide *ide, bool power_on)
{
    for (unsigned i = 0; i < 2; i++) {
        ide_drive_reset(&ide->drive[i], true);
        if (ide->drive[i].atapi)
            atapi_reset(ide->drive[i].atapi, power_on);
    }
    ide->unit = 0;
    ide->devctl = 0;
    ide->features = 0;
    ide_update_irq(ide);
}

static bool ide_attach(struct ide *ide, unsigned unit, enum ide_kind kind, struct block *b)
{
    struct ide_drive *d;

    if (unit > 1 || ide->drive[unit].kind != IDE_NONE)
        return false;
    d = &ide->drive[unit];
    if (kind == IDE_CDROM && !(d->atapi = atapi_create(b, ide->log)))
        return false;
    d->kind = kind;
    d->blk = b;
    d->sectors = block_size(b) / BLOCK_SECTOR;
    d->heads = IDE_DEFAULT_HEADS;
    d->spt = IDE_DEFAULT_SPT;
    d->cyls = ide_cylinders(d->sectors, d->heads, d->spt);
    if (d->cyls == 0)
        d->cyls = 1;
    ide_drive_reset(d, true);
    return true;
}

bool ide_attach_disk(struct ide *ide, unsigned unit, struct block *b)
{
    return ide_attach(ide, unit, IDE_DISK, b);
}

bool ide_attach_cdrom(struct ide *ide, unsigned unit, struct block *iso)
{
    return ide_attach(ide, unit, IDE_CDROM, iso);
}
