/* Unit tests for devices/ide.c: a primary channel with a 4 MiB disk image in /tmp,
 * driven through its ports like a BIOS or driver: probing with IDENTIFY, PIO
 * reads and writes in CHS and LBA with their DRQ blocks and interrupts,
 * multiple mode, translation, errors, software reset and absent devices. */
#include <fcntl.h>
#include <string.h>

#include "block.h"

#define IDE_FIXTURE_CMD IDE_PRIMARY_CMD
#define IDE_FIXTURE_CTL IDE_PRIMARY_CTL
#define IDE_FIXTURE_IRQ IDE_PRIMARY_IRQ
#include "ide_fixture.h"

enum {
    DISK_SECTORS = 8192,
    ERR_ABRT = 0x04,
    ERR_IDNF = 0x10,
};

struct fixture {
    struct ide_channel ch;
    char path[64];
    struct block *disk;
};

static uint8_t pattern(uint64_t lba, unsigned off)
{
    return (uint8_t)(lba * 29 + off * 13 + (lba >> 8) + 3);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    static uint8_t data[DISK_SECTORS * BLOCK_SECTOR];
    char err[256];

    assert_non_null(f);
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = pattern(i / BLOCK_SECTOR, (unsigned)(i % BLOCK_SECTOR));
    write_image(f->path, sizeof(f->path), "ide", data, sizeof(data));
    f->disk = block_open(f->path, false, err, sizeof(err));
    assert_non_null(f->disk);
    ide_channel_open(&f->ch);
    assert_true(ide_attach_disk(f->ch.ide, 0, f->disk));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    ide_channel_close(&f->ch);
    block_close(f->disk);
    unlink(f->path);
    free(f);
    return 0;
}

/* Read one DRQ block of words with 16- or 32-bit accesses. */
static void read_block(struct fixture *f, uint8_t *buf, size_t len, unsigned size)
{
    for (size_t i = 0; i < len; i += size) {
        uint32_t v = ioports_read(f->ch.io, CMD, size);

        memcpy(buf + i, &v, size);
    }
}

static void write_block(struct fixture *f, const uint8_t *buf, size_t len, unsigned size)
{
    for (size_t i = 0; i < len; i += size) {
        uint32_t v = 0;

        memcpy(&v, buf + i, size);
        ioports_write(f->ch.io, CMD, size, v);
    }
}

static void identify(struct fixture *f, uint16_t *w, unsigned size)
{
    unsigned edges = f->ch.irq.edges;

    outb(&f->ch, REG_COMMAND, 0xEC);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY | ST_DRQ);
    read_block(f, (uint8_t *)w, 512, size);
    assert_int_equal(inb(&f->ch, REG_STATUS), ST_READY);
    assert_int_equal(f->ch.irq.edges, edges);
}

/* The task file of an LBA28 command. */
static void lba_setup(struct fixture *f, uint32_t lba, uint8_t count)
{
    outb(&f->ch, REG_NSECTOR, count);
    outb(&f->ch, REG_SECTOR, (uint8_t)lba);
    outb(&f->ch, REG_LCYL, (uint8_t)(lba >> 8));
    outb(&f->ch, REG_HCYL, (uint8_t)(lba >> 16));
    outb(&f->ch, REG_SELECT, (uint8_t)(0xE0 | (lba >> 24)));
}

static void check_sectors(const uint8_t *buf, uint64_t lba, unsigned count)
{
    for (unsigned s = 0; s < count; s++) {
        for (unsigned i = 0; i < BLOCK_SECTOR; i++)
            assert_int_equal(buf[s * BLOCK_SECTOR + i], pattern(lba + s, i));
    }
}

static void ata_string(const uint16_t *w, unsigned nwords, char *out)
{
    for (unsigned i = 0; i < nwords; i++) {
        out[2 * i] = (char)(w[i] >> 8);
        out[2 * i + 1] = (char)w[i];
    }
    out[2 * nwords] = 0;
}

/* As SeaBIOS probes: select, check status, IDENTIFY, read 256 words. */
static void test_probe_identify(void **state)
{
    struct fixture *f = *state;
    uint16_t w[256], w32[256];
    char model[41];

    outb(&f->ch, REG_SELECT, 0xA0);
    assert_int_equal(inb(&f->ch, REG_STATUS), ST_READY);
    outb(&f->ch, REG_NSECTOR, 0x55);
    outb(&f->ch, REG_SECTOR, 0xAA);
    assert_int_equal(inb(&f->ch, REG_NSECTOR), 0x55);
    assert_int_equal(inb(&f->ch, REG_SECTOR), 0xAA);
    identify(f, w, 2);
    /* 8192 sectors / (16 * 63) = 8 cylinders */
    assert_int_equal(w[1], 8);
    assert_int_equal(w[3], 16);
    assert_int_equal(w[6], 63);
    assert_int_equal(w[60] | (uint32_t)w[61] << 16, DISK_SECTORS);
    assert_int_equal(w[57] | (uint32_t)w[58] << 16, 8 * 16 * 63);
    assert_int_equal(w[0] & 0x8000, 0);
    assert_true(w[49] & 0x0200);
    assert_int_equal(w[47], 0x8000 | IDE_MAX_MULTIPLE);
    assert_int_equal(w[59], 0);
    ata_string(&w[27], 20, model);
    assert_string_equal(model, "TRAPDOOR HARDDISK                       ");
    ata_string(&w[10], 10, model);
    assert_int_equal(strncmp(model, "TD", 2), 0);
    /* 32-bit PIO gives the same block */
    identify(f, w32, 4);
    assert_memory_equal(w, w32, sizeof(w));
}

/* LBA28 READ SECTORS: one interrupt and DRQ block per sector, none at the end;
 * the task file then names the last sector and a zero count. */
static void test_read_lba(void **state)
{
    struct fixture *f = *state;
    uint8_t buf[BLOCK_SECTOR];
    unsigned edges = f->ch.irq.edges;

    lba_setup(f, 8000, 3);
    outb(&f->ch, REG_COMMAND, 0x20);
    for (unsigned s = 0; s < 3; s++) {
        assert_int_equal(take_irq(&f->ch, &edges), ST_READY | ST_DRQ);
        read_block(f, buf, sizeof(buf), 2);
        check_sectors(buf, 8000 + s, 1);
    }
    assert_int_equal(f->ch.irq.edges, edges);
    assert_int_equal(inb(&f->ch, REG_STATUS), ST_READY);
    assert_int_equal(inb(&f->ch, REG_NSECTOR), 0);
    assert_int_equal(inb(&f->ch, REG_SECTOR) | inb(&f->ch, REG_LCYL) << 8, 8002);
    /* no data phase any more: the data port floats */
    assert_int_equal(ioports_read(f->ch.io, CMD, 2), 0xFFFF);
}

/* CHS (C 1, H 2, S 5) with the default 16/63 geometry is LBA (1*16+2)*63+4. */
static void test_read_chs(void **state)
{
    struct fixture *f = *state;
    uint8_t buf[2 * BLOCK_SECTOR];
    unsigned edges = f->ch.irq.edges;

    outb(&f->ch, REG_NSECTOR, 2);
    outb(&f->ch, REG_SECTOR, 5);
    outb(&f->ch, REG_LCYL, 1);
    outb(&f->ch, REG_HCYL, 0);
    outb(&f->ch, REG_SELECT, 0xA2);
    outb(&f->ch, REG_COMMAND, 0x21);
    for (unsigned s = 0; s < 2; s++) {
        assert_int_equal(take_irq(&f->ch, &edges), ST_READY | ST_DRQ);
        read_block(f, buf + s * BLOCK_SECTOR, BLOCK_SECTOR, 4);
    }
    check_sectors(buf, 1138, 2);
    assert_int_equal(inb(&f->ch, REG_SECTOR), 6);
    assert_int_equal(inb(&f->ch, REG_SELECT) & 0x0F, 2);
    /* sector 0 and head 16 do not exist */
    outb(&f->ch, REG_SECTOR, 0);
    outb(&f->ch, REG_COMMAND, 0x20);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY | ST_ERR);
    assert_int_equal(inb(&f->ch, REG_ERROR), ERR_IDNF);
}

/* WRITE SECTORS with 32-bit PIO: the first block is requested without an
 * interrupt, the next and the completion with one; FLUSH CACHE; the data are in
 * the file. */
static void test_write_lba(void **state)
{
    struct fixture *f = *state;
    uint8_t out[2 * BLOCK_SECTOR], back[2 * BLOCK_SECTOR];
    unsigned edges = f->ch.irq.edges;
    int fd;

    for (unsigned i = 0; i < sizeof(out); i++)
        out[i] = (uint8_t)(i * 5 + 1);
    lba_setup(f, 77, 2);
    outb(&f->ch, REG_COMMAND, 0x30);
    assert_int_equal(f->ch.irq.edges, edges);
    assert_int_equal(inb(&f->ch, CTL), ST_READY | ST_DRQ);
    write_block(f, out, BLOCK_SECTOR, 4);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY | ST_DRQ);
    write_block(f, out + BLOCK_SECTOR, BLOCK_SECTOR, 2);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY);
    outb(&f->ch, REG_COMMAND, 0xE7);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY);
    fd = open(f->path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, back, sizeof(back), 77 * BLOCK_SECTOR), (ssize_t)sizeof(back));
    close(fd);
    assert_memory_equal(out, back, sizeof(out));
    /* the neighbours are untouched */
    assert_true(block_read(f->disk, 76, 1, back));
    check_sectors(back, 76, 1);
    assert_true(block_read(f->disk, 79, 1, back));
    check_sectors(back, 79, 1);
}

/* READ/WRITE MULTIPLE: refused until SET MULTIPLE MODE; then one interrupt per
 * block of 4 sectors, the last block short. */
static void test_multiple(void **state)
{
    struct fixture *f = *state;
    static uint8_t buf[10 * BLOCK_SECTOR];
    uint16_t w[256];
    unsigned edges = f->ch.irq.edges, sizes[] = { 4, 4, 2 };
    uint8_t *p = buf;

    lba_setup(f, 100, 10);
    outb(&f->ch, REG_COMMAND, 0xC4);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY | ST_ERR);
    assert_int_equal(inb(&f->ch, REG_ERROR), ERR_ABRT);
    outb(&f->ch, REG_NSECTOR, 3);
    outb(&f->ch, REG_COMMAND, 0xC6);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY | ST_ERR);
    outb(&f->ch, REG_NSECTOR, 4);
    outb(&f->ch, REG_COMMAND, 0xC6);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY);
    identify(f, w, 2);
    edges = f->ch.irq.edges;
    assert_int_equal(w[59], 0x0104);
    lba_setup(f, 100, 10);
    outb(&f->ch, REG_COMMAND, 0xC4);
    for (unsigned b = 0; b < 3; b++) {
        assert_int_equal(take_irq(&f->ch, &edges), ST_READY | ST_DRQ);
        read_block(f, p, sizes[b] * BLOCK_SECTOR, 2);
        p += sizes[b] * BLOCK_SECTOR;
        if (b < 2)
            assert_int_equal(inb(&f->ch, CTL) & ST_DRQ, ST_DRQ);
    }
    assert_int_equal(f->ch.irq.edges, edges);
    assert_int_equal(inb(&f->ch, REG_STATUS), ST_READY);
    check_sectors(buf, 100, 10);
    /* write 6 sectors back 1000 sectors later: blocks of 4 and 2 */
    lba_setup(f, 1100, 6);
    outb(&f->ch, REG_COMMAND, 0xC5);
    assert_int_equal(inb(&f->ch, CTL), ST_READY | ST_DRQ);
    write_block(f, buf, 4 * BLOCK_SECTOR, 2);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY | ST_DRQ);
    write_block(f, buf + 4 * BLOCK_SECTOR, 2 * BLOCK_SECTOR, 4);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY);
    memset(buf, 0, sizeof(buf));
    assert_true(block_read(f->disk, 1100, 6, buf));
    check_sectors(buf, 100, 6);
}

/* INITIALIZE DEVICE PARAMETERS: 8 heads, 32 sectors per track; CHS (0, 1, 1)
 * is then LBA 32. */
static void test_translation(void **state)
{
    struct fixture *f = *state;
    uint8_t buf[BLOCK_SECTOR];
    uint16_t w[256];
    unsigned edges = f->ch.irq.edges;

    outb(&f->ch, REG_NSECTOR, 32);
    outb(&f->ch, REG_SELECT, 0xA7);
    outb(&f->ch, REG_COMMAND, 0x91);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY);
    identify(f, w, 2);
    edges = f->ch.irq.edges;
    assert_int_equal(w[54], DISK_SECTORS / (8 * 32));
    assert_int_equal(w[55], 8);
    assert_int_equal(w[56], 32);
    assert_int_equal(w[1], 8);
    outb(&f->ch, REG_NSECTOR, 1);
    outb(&f->ch, REG_SECTOR, 1);
    outb(&f->ch, REG_LCYL, 0);
    outb(&f->ch, REG_HCYL, 0);
    outb(&f->ch, REG_SELECT, 0xA1);
    outb(&f->ch, REG_COMMAND, 0x20);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY | ST_DRQ);
    read_block(f, buf, sizeof(buf), 2);
    check_sectors(buf, 32, 1);
    /* head 8 is out of range now */
    outb(&f->ch, REG_SELECT, 0xA8);
    outb(&f->ch, REG_COMMAND, 0x40);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY | ST_ERR);
    assert_int_equal(inb(&f->ch, REG_ERROR), ERR_IDNF);
}

static void test_errors_and_misc(void **state)
{
    struct fixture *f = *state;
    unsigned edges = f->ch.irq.edges;

    /* past the end: IDNF before any data */
    lba_setup(f, DISK_SECTORS - 1, 2);
    outb(&f->ch, REG_COMMAND, 0x20);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY | ST_ERR);
    assert_int_equal(inb(&f->ch, REG_ERROR), ERR_IDNF);
    lba_setup(f, DISK_SECTORS - 1, 1);
    outb(&f->ch, REG_COMMAND, 0x40);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY);
    outb(&f->ch, REG_COMMAND, 0x70);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY);
    outb(&f->ch, REG_COMMAND, 0x10);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY);
    /* unknown command and packet commands on a disk abort */
    outb(&f->ch, REG_COMMAND, 0xFF);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY | ST_ERR);
    assert_int_equal(inb(&f->ch, REG_ERROR), ERR_ABRT);
    outb(&f->ch, REG_COMMAND, 0xA0);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY | ST_ERR);
    /* SET FEATURES: PIO mode 4 accepted, UDMA refused */
    outb(&f->ch, REG_FEATURES, 0x03);
    outb(&f->ch, REG_NSECTOR, 0x0C);
    outb(&f->ch, REG_COMMAND, 0xEF);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY);
    outb(&f->ch, REG_NSECTOR, 0x42);
    outb(&f->ch, REG_COMMAND, 0xEF);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY | ST_ERR);
    /* EXECUTE DEVICE DIAGNOSTIC: signature, error 01h */
    outb(&f->ch, REG_COMMAND, 0x90);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY);
    assert_int_equal(inb(&f->ch, REG_ERROR), 0x01);
    assert_int_equal(inb(&f->ch, REG_NSECTOR), 1);
    assert_int_equal(inb(&f->ch, REG_SECTOR), 1);
}

/* SRST: BSY while held, then the ATA signature and device 0 selected; nIEN
 * keeps INTRQ low until cleared. */
static void test_reset_and_nien(void **state)
{
    struct fixture *f = *state;
    unsigned edges = f->ch.irq.edges;

    lba_setup(f, 5, 1);
    outb(&f->ch, REG_COMMAND, 0x20);
    assert_true(f->ch.irq.level);
    outb(&f->ch, CTL, 0x04);
    assert_false(f->ch.irq.level);
    assert_int_equal(inb(&f->ch, CTL), ST_BSY);
    assert_int_equal(inb(&f->ch, REG_STATUS), ST_BSY);
    outb(&f->ch, CTL, 0x00);
    assert_int_equal(inb(&f->ch, REG_STATUS), ST_READY);
    assert_int_equal(inb(&f->ch, REG_ERROR), 0x01);
    assert_int_equal(inb(&f->ch, REG_NSECTOR), 1);
    assert_int_equal(inb(&f->ch, REG_SECTOR), 1);
    assert_int_equal(inb(&f->ch, REG_LCYL), 0);
    assert_int_equal(inb(&f->ch, REG_HCYL), 0);
    assert_int_equal(inb(&f->ch, REG_SELECT), 0);
    assert_int_equal(ioports_read(f->ch.io, CMD, 2), 0xFFFF);
    edges = f->ch.irq.edges;
    outb(&f->ch, CTL, 0x02);
    outb(&f->ch, REG_COMMAND, 0x10);
    assert_false(f->ch.irq.level);
    outb(&f->ch, CTL, 0x00);
    assert_int_equal(take_irq(&f->ch, &edges), ST_READY);
}

/* No slave: status and alternate status read 00h, commands are ignored, the
 * task file still echoes; a channel with no device reads 7Fh everywhere. */
static void test_absent_devices(void **state)
{
    struct fixture *f = *state;
    struct ide *empty = ide_create(f->ch.io, IDE_SECONDARY_CMD, IDE_SECONDARY_CTL,
                                   (struct irq_line){ 0 }, NULL);
    unsigned edges = f->ch.irq.edges;

    outb(&f->ch, REG_SELECT, 0xB0);
    assert_int_equal(inb(&f->ch, REG_STATUS), 0);
    assert_int_equal(inb(&f->ch, CTL), 0);
    outb(&f->ch, REG_NSECTOR, 0x55);
    assert_int_equal(inb(&f->ch, REG_NSECTOR), 0x55);
    outb(&f->ch, REG_COMMAND, 0xEC);
    assert_int_equal(f->ch.irq.edges, edges);
    assert_int_equal(inb(&f->ch, REG_STATUS), 0);
    assert_false(ide_attach_disk(f->ch.ide, 0, f->disk));
    assert_false(ide_attach_disk(f->ch.ide, 2, f->disk));
    /* the ports are taken once */
    assert_null(ide_create(f->ch.io, CMD, CTL, (struct irq_line){ 0 }, NULL));
    assert_non_null(empty);
    for (uint16_t port = IDE_SECONDARY_CMD + 1; port < IDE_SECONDARY_CMD + 8; port++)
        assert_int_equal(inb(&f->ch, port), 0x7F);
    assert_int_equal(inb(&f->ch, IDE_SECONDARY_CTL), 0x7F);
    assert_null(ioports_owner(f->ch.io, IDE_PRIMARY_CTL + 1));
    ide_destroy(empty);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_probe_identify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_lba, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_chs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_lba, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multiple, setup, teardown),
        cmocka_unit_test_setup_teardown(test_translation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_and_misc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_and_nien, setup, teardown),
        cmocka_unit_test_setup_teardown(test_absent_devices, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
