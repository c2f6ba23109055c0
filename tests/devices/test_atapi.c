/* Unit tests for devices/atapi.c through an IDE channel (devices/ide.c): a disk
 * master and a CD-ROM slave on an ISO-like image of 100 2048-byte sectors in
 * /tmp. Packets go through the PIO packet protocol: interrupt reason in the
 * sector count, byte count limit in the cylinder registers. */
#include <string.h>

#include "atapi.h"
#include "block.h"

#define IDE_FIXTURE_CMD IDE_SECONDARY_CMD
#define IDE_FIXTURE_CTL IDE_SECONDARY_CTL
#define IDE_FIXTURE_IRQ IDE_SECONDARY_IRQ
#include "ide_fixture.h"

enum {
    ISO_SECTORS = 100,
    DISK_SECTORS = 2048,
    IR_COD = 0x01,
    IR_IO = 0x02,
    SELECT_SLAVE = 0xB0,
    REPLY_MAX = 8 * 2048,
};

struct fixture {
    struct ide_channel ch;
    char disk_path[64], iso_path[64];
    struct block *disk, *iso;
    /* data of the last packet command */
    uint8_t reply[REPLY_MAX];
    size_t reply_len;
    /* DRQ block sizes seen */
    unsigned blocks;
    uint32_t block_len[16];
};

static uint8_t pattern(uint64_t sector, unsigned off)
{
    return (uint8_t)(sector * 19 + off * 3 + (off >> 8) + 7);
}

static void make_image(char *path, size_t pathlen, size_t sectors, size_t sector_size)
{
    uint8_t *data = malloc(sectors * sector_size);

    assert_non_null(data);
    for (size_t i = 0; i < sectors * sector_size; i++)
        data[i] = pattern(i / sector_size, (unsigned)(i % sector_size));
    /* an ISO 9660 primary volume descriptor signature at sector 16 */
    if (sectors > 16)
        memcpy(data + 16 * sector_size, "\001CD001\001", 7);
    write_image(path, pathlen, "atapi", data, sectors * sector_size);
    free(data);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    char err[256];

    assert_non_null(f);
    make_image(f->iso_path, sizeof(f->iso_path), ISO_SECTORS, ATAPI_SECTOR);
    make_image(f->disk_path, sizeof(f->disk_path), DISK_SECTORS, BLOCK_SECTOR);
    f->iso = block_open(f->iso_path, false, err, sizeof(err));
    f->disk = block_open(f->disk_path, false, err, sizeof(err));
    assert_non_null(f->iso);
    assert_non_null(f->disk);
    ide_channel_open(&f->ch);
    assert_true(ide_attach_disk(f->ch.ide, 0, f->disk));
    assert_true(ide_attach_cdrom(f->ch.ide, 1, f->iso));
    assert_false(ide_attach_cdrom(f->ch.ide, 1, f->iso));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    ide_channel_close(&f->ch);
    block_close(f->disk);
    block_close(f->iso);
    unlink(f->disk_path);
    unlink(f->iso_path);
    free(f);
    return 0;
}

/* Send a packet and collect its data phase; returns the final status. */
static uint8_t packet(struct fixture *f, const uint8_t *cdb, uint16_t limit)
{
    unsigned edges = f->ch.irq.edges;
    uint8_t status;

    outb(&f->ch, REG_SELECT, SELECT_SLAVE);
    outb(&f->ch, REG_FEATURES, 0);
    outb(&f->ch, REG_LCYL, (uint8_t)limit);
    outb(&f->ch, REG_HCYL, (uint8_t)(limit >> 8));
    outb(&f->ch, REG_COMMAND, 0xA0);
    /* the device asks for the packet without an interrupt */
    assert_int_equal(f->ch.irq.edges, edges);
    assert_int_equal(inb(&f->ch, CTL) & ST_DRQ, ST_DRQ);
    assert_int_equal(inb(&f->ch, REG_NSECTOR) & 3, IR_COD);
    for (unsigned i = 0; i < ATAPI_PACKET_SIZE; i += 2)
        ioports_write(f->ch.io, CMD, 2, (uint32_t)(cdb[i] | cdb[i + 1] << 8));
    f->reply_len = 0;
    f->blocks = 0;
    for (;;) {
        uint32_t len;

        status = take_irq(&f->ch, &edges);
        if (!(status & ST_DRQ))
            break;
        assert_int_equal(inb(&f->ch, REG_NSECTOR) & 3, IR_IO);
        len = inb(&f->ch, REG_LCYL) | inb(&f->ch, REG_HCYL) << 8;
        assert_true(len > 0 && len <= limit);
        assert_true(f->reply_len + len <= REPLY_MAX && f->blocks < 16);
        f->block_len[f->blocks++] = len;
        for (uint32_t i = 0; i < len; i += 2) {
            uint32_t w = ioports_read(f->ch.io, CMD, 2);

            f->reply[f->reply_len + i] = (uint8_t)w;
            if (i + 1 < len)
                f->reply[f->reply_len + i + 1] = (uint8_t)(w >> 8);
        }
        f->reply_len += len;
    }
    assert_int_equal(inb(&f->ch, REG_NSECTOR) & 3, IR_IO | IR_COD);
    return status;
}

static void cdb_read10(uint8_t *cdb, uint32_t lba, uint16_t count)
{
    memset(cdb, 0, ATAPI_PACKET_SIZE);
    cdb[0] = 0x28;
    cdb[2] = (uint8_t)(lba >> 24);
    cdb[3] = (uint8_t)(lba >> 16);
    cdb[4] = (uint8_t)(lba >> 8);
    cdb[5] = (uint8_t)lba;
    cdb[7] = (uint8_t)(count >> 8);
    cdb[8] = (uint8_t)count;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The slave shows the packet signature; IDENTIFY DEVICE is aborted with it;
 * IDENTIFY PACKET DEVICE returns a CD-ROM. */
static void test_signature_identify(void **state)
{
    struct fixture *f = *state;
    unsigned edges = f->ch.irq.edges;
    uint16_t w[256];
    char model[16];

    outb(&f->ch, REG_SELECT, SELECT_SLAVE);
    assert_int_equal(inb(&f->ch, REG_LCYL), 0x14);
    assert_int_equal(inb(&f->ch, REG_HCYL), 0xEB);
    assert_int_equal(inb(&f->ch, REG_NSECTOR), 1);
    assert_int_equal(inb(&f->ch, REG_SECTOR), 1);
    /* packet devices keep DRDY clear after reset */
    assert_int_equal(inb(&f->ch, REG_STATUS), 0);
    outb(&f->ch, REG_LCYL, 0);
    outb(&f->ch, REG_HCYL, 0);
    outb(&f->ch, REG_COMMAND, 0xEC);
    assert_int_equal(take_irq(&f->ch, &edges) & (ST_ERR | ST_DRQ), ST_ERR);
    assert_int_equal(inb(&f->ch, REG_ERROR), 0x04);
    assert_int_equal(inb(&f->ch, REG_LCYL), 0x14);
    assert_int_equal(inb(&f->ch, REG_HCYL), 0xEB);
    outb(&f->ch, REG_COMMAND, 0xA1);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY | ST_DRQ);
    for (unsigned i = 0; i < 256; i++)
        w[i] = (uint16_t)ioports_read(f->ch.io, CMD, 2);
    assert_int_equal(inb(&f->ch, REG_STATUS), ST_READY);
    assert_int_equal(w[0], 0x85C0);
    assert_true(w[49] & 0x0200);
    for (unsigned i = 0; i < 7; i++) {
        model[2 * i] = (char)(w[27 + i] >> 8);
        model[2 * i + 1] = (char)w[27 + i];
    }
    model[14] = 0;
    assert_string_equal(model, "TRAPDOOR CD-RO");
    /* the disk master is still a disk: its own status and signature */
    outb(&f->ch, REG_SELECT, 0xA0);
    assert_int_equal(inb(&f->ch, REG_STATUS), ST_READY);
    outb(&f->ch, REG_COMMAND, 0xA1);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY | ST_ERR);
}

static void test_inquiry_capacity(void **state)
{
    struct fixture *f = *state;
    uint8_t cdb[ATAPI_PACKET_SIZE] = { 0x12, 0, 0, 0, 96 };

    assert_int_equal(packet(f, cdb, 0xFFFF), ST_READY);
    assert_int_equal(f->reply_len, 36);
    assert_int_equal(f->reply[0], 0x05);
    assert_int_equal(f->reply[1], 0x80);
    assert_memory_equal(f->reply + 8, "TRAPDOORCD-ROM", 14);
    /* the allocation length cuts the reply */
    cdb[4] = 5;
    assert_int_equal(packet(f, cdb, 0xFFFF), ST_READY);
    assert_int_equal(f->reply_len, 5);
    memset(cdb, 0, sizeof(cdb));
    cdb[0] = 0x25;
    assert_int_equal(packet(f, cdb, 8), ST_READY);
    assert_int_equal(f->reply_len, 8);
    assert_int_equal(be32(f->reply), ISO_SECTORS - 1);
    assert_int_equal(be32(f->reply + 4), 2048);
    memset(cdb, 0, sizeof(cdb));
    assert_int_equal(packet(f, cdb, 0), ST_READY);
    assert_int_equal(f->reply_len, 0);
}

static void check_cd_sectors(const uint8_t *buf, uint32_t lba, unsigned count)
{
    for (unsigned s = 0; s < count; s++) {
        for (unsigned i = 0; i < ATAPI_SECTOR; i++) {
            uint8_t want = pattern(lba + s, i);

            if (lba + s == 16 && i < 7)
                want = (uint8_t) "\001CD001\001"[i];
            assert_int_equal(buf[s * ATAPI_SECTOR + i], want);
        }
    }
}

/* READ(10) in DRQ blocks of the byte count limit: one sector per block at 2048,
 * blocks straddling sectors at 3000, one block at FFFFh (taken as FFFEh), even
 * blocks at an odd limit. */
static void test_read10(void **state)
{
    struct fixture *f = *state;
    uint8_t cdb[ATAPI_PACKET_SIZE];

    cdb_read10(cdb, 16, 3);
    assert_int_equal(packet(f, cdb, 2048), ST_READY);
    assert_int_equal(f->reply_len, 3 * 2048);
    assert_int_equal(f->blocks, 3);
    assert_memory_equal(f->reply + 1, "CD001", 5);
    check_cd_sectors(f->reply, 16, 3);
    assert_int_equal(packet(f, cdb, 3000), ST_READY);
    assert_int_equal(f->blocks, 3);
    assert_int_equal(f->block_len[0], 3000);
    assert_int_equal(f->block_len[1], 3000);
    assert_int_equal(f->block_len[2], 144);
    check_cd_sectors(f->reply, 16, 3);
    cdb_read10(cdb, ISO_SECTORS - 8, 8);
    assert_int_equal(packet(f, cdb, 0xFFFF), ST_READY);
    assert_int_equal(f->blocks, 1);
    assert_int_equal(f->reply_len, 8 * 2048);
    check_cd_sectors(f->reply, ISO_SECTORS - 8, 8);
    /* an odd limit gives even blocks but for the last */
    cdb_read10(cdb, 3, 1);
    assert_int_equal(packet(f, cdb, 1001), ST_READY);
    assert_int_equal(f->blocks, 3);
    assert_int_equal(f->block_len[0], 1000);
    assert_int_equal(f->block_len[2], 48);
    check_cd_sectors(f->reply, 3, 1);
    /* READ(12) */
    memset(cdb, 0, sizeof(cdb));
    cdb[0] = 0xA8;
    cdb[5] = 40;
    cdb[9] = 2;
    assert_int_equal(packet(f, cdb, 0x8000), ST_READY);
    assert_int_equal(f->reply_len, 2 * 2048);
    check_cd_sectors(f->reply, 40, 2);
}

/* Out of range: CHECK CONDITION with the sense key in the error register, then
 * REQUEST SENSE reports ILLEGAL REQUEST / LBA out of range, once. */
static void test_out_of_range_sense(void **state)
{
    struct fixture *f = *state;
    uint8_t cdb[ATAPI_PACKET_SIZE];
    uint8_t sense[ATAPI_PACKET_SIZE] = { 0x03, 0, 0, 0, 18 };

    cdb_read10(cdb, ISO_SECTORS - 1, 2);
    assert_int_equal(packet(f, cdb, 2048) & (ST_ERR | ST_DRQ), ST_ERR);
    assert_int_equal(f->reply_len, 0);
    assert_int_equal(inb(&f->ch, REG_ERROR) >> 4, ATAPI_SENSE_ILLEGAL_REQUEST);
    assert_int_equal(packet(f, sense, 0xFFFF), ST_READY);
    assert_int_equal(f->reply_len, 18);
    assert_int_equal(f->reply[0], 0x70);
    assert_int_equal(f->reply[2] & 0x0F, ATAPI_SENSE_ILLEGAL_REQUEST);
    assert_int_equal(f->reply[7], 10);
    assert_int_equal(f->reply[12], 0x21);
    assert_int_equal(packet(f, sense, 0xFFFF), ST_READY);
    assert_int_equal(f->reply[2], 0);
    assert_int_equal(f->reply[12], 0);
    /* an unknown opcode: invalid command operation code */
    memset(cdb, 0, sizeof(cdb));
    cdb[0] = 0xBB;
    assert_int_equal(packet(f, cdb, 0xFFFF) & ST_ERR, ST_ERR);
    assert_int_equal(packet(f, sense, 0xFFFF), ST_READY);
    assert_int_equal(f->reply[2], ATAPI_SENSE_ILLEGAL_REQUEST);
    assert_int_equal(f->reply[12], 0x20);
    /* a good command clears older sense */
    assert_int_equal(packet(f, cdb, 0xFFFF) & ST_ERR, ST_ERR);
    memset(cdb, 0, sizeof(cdb));
    assert_int_equal(packet(f, cdb, 0xFFFF), ST_READY);
    assert_int_equal(packet(f, sense, 0xFFFF), ST_READY);
    assert_int_equal(f->reply[2], 0);
}

/* READ TOC format 0: track 1 at 0 and the lead-out at 100, as LBA and MSF
 * (00:02:00 and 150 + 100 frames = 00:03:25). */
static void test_read_toc(void **state)
{
    struct fixture *f = *state;
    uint8_t cdb[ATAPI_PACKET_SIZE] = { 0x43, 0, 0, 0, 0, 0, 0, 0, 100 };
    static const uint8_t lba_toc[20] = {
        0, 18, 1, 1, 0, 0x14, 1, 0, 0, 0, 0, 0, 0, 0x14, 0xAA, 0, 0, 0, 0, 100,
    };
    static const uint8_t msf_toc[20] = {
        0, 18, 1, 1, 0, 0x14, 1, 0, 0, 0, 2, 0, 0, 0x14, 0xAA, 0, 0, 0, 3, 25,
    };

    assert_int_equal(packet(f, cdb, 0xFFFF), ST_READY);
    assert_int_equal(f->reply_len, 20);
    assert_memory_equal(f->reply, lba_toc, 20);
    cdb[1] = 2;
    assert_int_equal(packet(f, cdb, 0xFFFF), ST_READY);
    assert_memory_equal(f->reply, msf_toc, 20);
    /* starting at the lead-out gives it alone */
    cdb[6] = 0xAA;
    assert_int_equal(packet(f, cdb, 0xFFFF), ST_READY);
    assert_int_equal(f->reply_len, 12);
    assert_int_equal(f->reply[6], 0xAA);
    cdb[6] = 2;
    assert_int_equal(packet(f, cdb, 0xFFFF) & ST_ERR, ST_ERR);
}

/* MODE SENSE(10) page 2Ah reflects PREVENT ALLOW MEDIUM REMOVAL; GET
 * CONFIGURATION reports the CD-ROM profile; START STOP UNIT is accepted. */
static void test_mode_sense_config(void **state)
{
    struct fixture *f = *state;
    uint8_t cdb[ATAPI_PACKET_SIZE] = { 0x5A, 0, 0x2A, 0, 0, 0, 0, 0, 64 };
    uint8_t lock[ATAPI_PACKET_SIZE] = { 0x1E, 0, 0, 0, 1 };
    uint8_t config[ATAPI_PACKET_SIZE] = { 0x46, 0, 0, 0, 0, 0, 0, 0, 64 };
    uint8_t stop[ATAPI_PACKET_SIZE] = { 0x1B, 0, 0, 0, 0 };

    assert_int_equal(packet(f, cdb, 0xFFFF), ST_READY);
    assert_int_equal(f->reply_len, 28);
    assert_int_equal(f->reply[1], 26);
    assert_int_equal(f->reply[8], 0x2A);
    assert_int_equal(f->reply[9], 0x12);
    assert_int_equal(f->reply[14] & 0x02, 0);
    assert_int_equal(packet(f, lock, 0xFFFF), ST_READY);
    assert_int_equal(packet(f, cdb, 0xFFFF), ST_READY);
    assert_int_equal(f->reply[14] & 0x02, 0x02);
    cdb[2] = 0x3F;
    assert_int_equal(packet(f, cdb, 0xFFFF), ST_READY);
    assert_int_equal(f->reply_len, 36);
    assert_int_equal(f->reply[8], 0x01);
    assert_int_equal(f->reply[16], 0x2A);
    cdb[2] = 0x05;
    assert_int_equal(packet(f, cdb, 0xFFFF) & ST_ERR, ST_ERR);
    assert_int_equal(packet(f, config, 0xFFFF), ST_READY);
    assert_int_equal(f->reply_len, 24);
    assert_int_equal(be32(f->reply), 20);
    assert_int_equal(f->reply[6] << 8 | f->reply[7], 0x0008);
    assert_int_equal(f->reply[12] << 8 | f->reply[13], 0x0008);
    assert_int_equal(packet(f, stop, 0xFFFF), ST_READY);
}

/* DEVICE RESET of the packet device: signature back, no interrupt; an ATAPI
 * packet asking for DMA is aborted. */
static void test_device_reset(void **state)
{
    struct fixture *f = *state;
    unsigned edges = f->ch.irq.edges;

    outb(&f->ch, REG_SELECT, SELECT_SLAVE);
    outb(&f->ch, REG_LCYL, 0x34);
    outb(&f->ch, REG_FEATURES, 1);
    outb(&f->ch, REG_COMMAND, 0xA0);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY | ST_ERR);
    outb(&f->ch, REG_COMMAND, 0x08);
    assert_int_equal(f->ch.irq.edges, edges);
    assert_int_equal(inb(&f->ch, REG_STATUS), 0);
    assert_int_equal(inb(&f->ch, REG_LCYL), 0x14);
    assert_int_equal(inb(&f->ch, REG_HCYL), 0xEB);
    assert_int_equal(inb(&f->ch, REG_SELECT) & 0x10, 0x10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_signature_identify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inquiry_capacity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read10, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_range_sense, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_toc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mode_sense_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_device_reset, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
