/* The ATA commands of an IDE channel (ATA/ATAPI-4, T13 1153D): CHS/LBA28 address
 * translation, PIO data-in/data-out sector transfers, non-data commands, IDENTIFY
 * DEVICE / IDENTIFY PACKET DEVICE and the PACKET protocol (SFF-8020i). */
#include <stdio.h>

#include "atapi.h"
#include "block.h"
#include "ide.h"
#include "ide_internal.h"

/* ---- geometry and address translation ---- */

/* Cylinders for a translation, within ATA-4's CHS capacity limit. */
uint16_t ide_cylinders(uint64_t sectors, unsigned heads, unsigned spt)
{
    uint64_t chs = sectors < IDE_CHS_MAX_SECTORS ? sectors : IDE_CHS_MAX_SECTORS;
    uint64_t cyls = chs / (heads * spt);

    return cyls > 0xFFFF ? 0xFFFF : (uint16_t)cyls;
}

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

void ide_cmd_read_sectors(struct ide *ide, struct ide_drive *d)
{
    ide_transfer(ide, d, false, 1);
}

void ide_cmd_write_sectors(struct ide *ide, struct ide_drive *d)
{
    ide_transfer(ide, d, true, 1);
}

void ide_cmd_read_multiple(struct ide *ide, struct ide_drive *d)
{
    if (d->multiple)
        ide_transfer(ide, d, false, d->multiple);
    else
        ide_fail(ide, d, ATA_ERR_ABRT);
}

void ide_cmd_write_multiple(struct ide *ide, struct ide_drive *d)
{
    if (d->multiple)
        ide_transfer(ide, d, true, d->multiple);
    else
        ide_fail(ide, d, ATA_ERR_ABRT);
}

/* ---- non-data commands ---- */

void ide_cmd_read_verify(struct ide *ide, struct ide_drive *d)
{
    uint64_t lba;

    if (!ide_media_range(ide, d, &lba))
        return;
    ide_set_address(d, lba + ide_count(d) - 1);
    d->tf[ATA_REG_NSECTOR] = 0;
    ide_done(ide, d);
}

void ide_cmd_seek(struct ide *ide, struct ide_drive *d)
{
    uint64_t lba;

    if (ide_address(d, &lba) && lba < d->sectors)
        ide_done(ide, d);
    else
        ide_fail(ide, d, ATA_ERR_IDNF);
}

void ide_cmd_done(struct ide *ide, struct ide_drive *d)
{
    ide_done(ide, d);
}

/* ATA-4 INITIALIZE DEVICE PARAMETERS: heads from the device/head register,
 * sectors per track from the sector count; an impossible translation fails
 * media commands until replaced. */
void ide_cmd_init_params(struct ide *ide, struct ide_drive *d)
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
void ide_cmd_set_multiple(struct ide *ide, struct ide_drive *d)
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
void ide_cmd_set_features(struct ide *ide, struct ide_drive *d)
{
    uint8_t mode = d->tf[ATA_REG_NSECTOR];
    bool pio = mode <= 0x01 || (mode >= 0x08 && mode <= 0x0C);

    if (!ide_feature_ok[ide->features] || (ide->features == 0x03 && !pio))
        ide_fail(ide, d, ATA_ERR_ABRT);
    else
        ide_done(ide, d);
}

void ide_cmd_check_power_mode(struct ide *ide, struct ide_drive *d)
{
    /* FFh: active or idle */
    d->tf[ATA_REG_NSECTOR] = 0xFF;
    ide_done(ide, d);
}

void ide_cmd_flush_cache(struct ide *ide, struct ide_drive *d)
{
    if (d->kind == IDE_DISK && !block_flush(d->blk))
        ide_fail(ide, d, ATA_ERR_ABRT);
    else
        ide_done(ide, d);
}

/* ATA-4 EXECUTE DEVICE DIAGNOSTIC: both devices run the diagnostic; device 0 reports it. */
void ide_cmd_diagnostic(struct ide *ide, struct ide_drive *d)
{
    for (unsigned i = 0; i < 2; i++)
        ide_drive_reset(&ide->drive[i], false);
    ide->unit = 0;
    ide_raise(ide, &ide->drive[0]);
}

/* ATA-4 DEVICE RESET: the packet device resets itself; no interrupt. */
void ide_cmd_device_reset(struct ide *ide, struct ide_drive *d)
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

void ide_cmd_identify(struct ide *ide, struct ide_drive *d)
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
void ide_cmd_packet(struct ide *ide, struct ide_drive *d)
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

