/* A legacy IDE channel following ATA/ATAPI-4 (T13 1153D): ports and the task file,
 * PIO data blocks, interrupts, software reset and signatures, command dispatch (the
 * commands are in ide_ata.c). Commands complete at once, so BSY is only seen while
 * SRST is held. */
#include "ide.h"

#include <stdlib.h>

#include "atapi.h"
#include "block.h"
#include "ide_internal.h"
#include "ioport.h"
#include "log.h"

/* ---- interrupts, command completion and reset ---- */

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

void ide_raise(struct ide *ide, struct ide_drive *d)
{
    d->irq_pending = true;
    ide_update_irq(ide);
}

void ide_done(struct ide *ide, struct ide_drive *d)
{
    d->tf[ATA_REG_STATUS] = ATA_STAT_READY;
    ide_raise(ide, d);
}

void ide_fail(struct ide *ide, struct ide_drive *d, uint8_t error)
{
    d->end_block = NULL;
    d->tf[ATA_REG_ERROR] = error;
    d->tf[ATA_REG_STATUS] = ATA_STAT_READY | ATA_STAT_ERR;
    ide_raise(ide, d);
}

/* The last data-in block has been read: no interrupt, the host has the data. */
void ide_pio_end(struct ide *ide, struct ide_drive *d)
{
    d->tf[ATA_REG_STATUS] = ATA_STAT_READY;
}

/* Start a DRQ data block of len bytes in d->buf. */
void ide_pio(struct ide *ide, struct ide_drive *d, uint32_t len, bool out,
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
void ide_drive_reset(struct ide_drive *d, bool hard)
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
