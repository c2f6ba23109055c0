/* IDE channel internals shared by ide.c (ports, task file, reset, interrupts,
 * PIO data blocks, command dispatch) and ide_ata.c (the ATA commands): register
 * names and bits of ATA/ATAPI-4 (T13 1153D) and the channel state. Not for the board. */
#ifndef TD_IDE_INTERNAL_H
#define TD_IDE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "irq.h"

struct atapi;
struct block;
struct log;

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

/* ---- channel services (ide.c) ---- */

/* Interrupt pending on d; INTRQ follows if d is selected and nIEN is clear. */
void ide_raise(struct ide *ide, struct ide_drive *d);
/* End the command without error (DRDY DSC) and interrupt. */
void ide_done(struct ide *ide, struct ide_drive *d);
/* End the command with ERR and error in the error register, and interrupt. */
void ide_fail(struct ide *ide, struct ide_drive *d, uint8_t error);
/* end_block of the last data-in block: the command ends without an interrupt. */
void ide_pio_end(struct ide *ide, struct ide_drive *d);
/* Start a DRQ data block of len bytes in d->buf (out: the host writes it);
 * end_block runs once the host has moved it; irq: interrupt now. */
void ide_pio(struct ide *ide, struct ide_drive *d, uint32_t len, bool out,
             ide_block_fn *end_block, bool irq);
/* Reset one device: no data phase or interrupt pending, signature, diagnostic
 * code "passed"; hard also restores the default geometry and turns multiple mode off. */
void ide_drive_reset(struct ide_drive *d, bool hard);

/* ---- commands (ide_ata.c), run by the dispatch table in ide.c ---- */

/* Cylinders for a translation of heads and spt, within ATA-4's CHS capacity limit. */
uint16_t ide_cylinders(uint64_t sectors, unsigned heads, unsigned spt);

void ide_cmd_read_sectors(struct ide *ide, struct ide_drive *d);
void ide_cmd_write_sectors(struct ide *ide, struct ide_drive *d);
void ide_cmd_read_multiple(struct ide *ide, struct ide_drive *d);
void ide_cmd_write_multiple(struct ide *ide, struct ide_drive *d);
void ide_cmd_read_verify(struct ide *ide, struct ide_drive *d);
void ide_cmd_seek(struct ide *ide, struct ide_drive *d);
/* the commands that only succeed (RECALIBRATE, power management) */
void ide_cmd_done(struct ide *ide, struct ide_drive *d);
void ide_cmd_init_params(struct ide *ide, struct ide_drive *d);
void ide_cmd_set_multiple(struct ide *ide, struct ide_drive *d);
void ide_cmd_set_features(struct ide *ide, struct ide_drive *d);
void ide_cmd_check_power_mode(struct ide *ide, struct ide_drive *d);
void ide_cmd_flush_cache(struct ide *ide, struct ide_drive *d);
/* EXECUTE DEVICE DIAGNOSTIC: both devices, whichever is selected (d unused) */
void ide_cmd_diagnostic(struct ide *ide, struct ide_drive *d);
void ide_cmd_device_reset(struct ide *ide, struct ide_drive *d);
/* IDENTIFY DEVICE for a disk, IDENTIFY PACKET DEVICE for a CD-ROM */
void ide_cmd_identify(struct ide *ide, struct ide_drive *d);
void ide_cmd_packet(struct ide *ide, struct ide_drive *d);

#endif
