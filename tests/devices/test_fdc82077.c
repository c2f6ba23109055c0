/* Unit tests for devices/fdc82077.c: the controller programmed through its
 * ports as a BIOS or driver does, data moving through a real 8237 on DMA
 * channel 2 into guest RAM, images opened with the real block.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "block.h"
#include "bus.h"
#include "dma8237.h"
#include "fdc82077.h"
#include "ioport.h"

enum {
    DOR = 0x3F2, MSR = 0x3F4, DSR = 0x3F4, FIFO = 0x3F5, DIR = 0x3F7, CCR = 0x3F7,
    SIZE_1440K = 1474560, SIZE_720K = 737280, SIZE_360K = 368640,
    /* DMA channel 2 modes: single, write (disk to memory) / read (memory to disk) */
    DMA_TO_MEM = 0x46, DMA_FROM_MEM = 0x4A,
    BUF = 0x10000,
};

struct irq_probe {
    bool level;
    unsigned rises;
};

struct rig {
    struct ioports *io;
    struct bus *bus;
    struct dma8237 *dma;
    struct fdc82077 *fdc;
    struct irq_probe irq;
    char path[2][64];
    struct block *blk[2];
};

static void probe_set(void *opaque, unsigned n, bool level)
{
    struct irq_probe *p = opaque;

    if (level && !p->level)
        p->rises++;
    p->level = level;
}

/* Byte i of sector lba in the images the tests make: the LBA, then a pattern. */
static uint8_t image_byte(uint64_t lba, unsigned i)
{
    if (i < 4)
        return (uint8_t)(lba >> (8 * i));
    return (uint8_t)(lba * 13 + i * 7);
}

static void make_image(char *path, uint32_t size)
{
    uint8_t sector[BLOCK_SECTOR];
    int fd;
    FILE *f;

    strcpy(path, "/tmp/test_fdc82077_XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "wb");
    assert_non_null(f);
    for (uint64_t lba = 0; lba < size / BLOCK_SECTOR; lba++) {
        for (unsigned i = 0; i < BLOCK_SECTOR; i++)
            sector[i] = image_byte(lba, i);
        assert_int_equal(fwrite(sector, 1, sizeof(sector), f), sizeof(sector));
    }
    assert_int_equal(fclose(f), 0);
}

static struct block *open_image(const char *path)
{
    char err[256];
    struct block *b = block_open(path, false, err, sizeof(err));

    if (!b)
        fail_msg("%s", err);
    return b;
}

static void out(struct rig *r, uint16_t port, uint8_t value)
{
    ioports_write(r->io, port, 1, value);
}

static uint8_t in(struct rig *r, uint16_t port)
{
    return (uint8_t)ioports_read(r->io, port, 1);
}

/* A command: each byte only when MSR says RQM with DIO clear. */
static void command(struct rig *r, const uint8_t *bytes, unsigned len)
{
    for (unsigned i = 0; i < len; i++) {
        assert_int_equal(in(r, MSR) & 0xC0, 0x80);
        out(r, FIFO, bytes[i]);
    }
}

/* Read the result phase; returns the byte count. */
static unsigned results(struct rig *r, uint8_t *res, unsigned max)
{
    unsigned n = 0;

    while ((in(r, MSR) & 0xD0) == 0xD0) {
        assert_true(n < max);
        res[n++] = in(r, FIFO);
    }
    assert_int_equal(in(r, MSR) & 0xF0, 0x80);
    return n;
}

static void sense_interrupt(struct rig *r, uint8_t st0, uint8_t pcn)
{
    uint8_t res[2];

    command(r, (const uint8_t[]){ 0x08 }, 1);
    assert_int_equal(results(r, res, 2), 2);
    assert_int_equal(res[0], st0);
    assert_int_equal(res[1], pcn);
}

static void seek(struct rig *r, unsigned drive, unsigned head, unsigned cyl)
{
    unsigned rises = r->irq.rises;

    command(r, (const uint8_t[]){ 0x0F, (uint8_t)(head << 2 | drive), (uint8_t)cyl }, 3);
    assert_int_equal(r->irq.rises, rises + 1);
    sense_interrupt(r, (uint8_t)(0x20 | head << 2 | drive), (uint8_t)cyl);
    assert_false(r->irq.level);
}

static void dma_setup(struct rig *r, uint8_t mode, uint32_t paddr, uint32_t bytes)
{
    out(r, 0x0A, 0x06);
    out(r, 0x0C, 0);
    out(r, 0x0B, mode);
    out(r, 0x04, (uint8_t)paddr);
    out(r, 0x04, (uint8_t)(paddr >> 8));
    out(r, 0x81, (uint8_t)(paddr >> 16));
    out(r, 0x05, (uint8_t)(bytes - 1));
    out(r, 0x05, (uint8_t)((bytes - 1) >> 8));
    out(r, 0x0A, 0x02);
}

/* READ DATA (0x06) / WRITE DATA (0x05) with MT/MFM/SK bits in op. */
static void rw_command(struct rig *r, uint8_t op, unsigned drive, unsigned head, unsigned c,
                       unsigned h, unsigned sec, unsigned eot, uint8_t *res)
{
    unsigned rises = r->irq.rises;
    const uint8_t cmd[9] = {
        op, (uint8_t)(head << 2 | drive), (uint8_t)c, (uint8_t)h, (uint8_t)sec, 2,
        (uint8_t)eot, 0x1B, 0xFF,
    };

    command(r, cmd, sizeof(cmd));
    assert_int_equal(r->irq.rises, rises + 1);
    assert_int_equal(results(r, res, 7), 7);
    assert_false(r->irq.level);
}

static void expect_result(const uint8_t *res, uint8_t st0, uint8_t st1, uint8_t st2, uint8_t c,
                          uint8_t h, uint8_t sec)
{
    const uint8_t want[7] = { st0, st1, st2, c, h, sec, 2 };

    assert_memory_equal(res, want, sizeof(want));
}

/* Guest RAM at paddr holds count sectors from lba on. */
static void expect_sectors(struct rig *r, uint32_t paddr, uint64_t lba, unsigned count)
{
    for (unsigned s = 0; s < count; s++) {
        for (unsigned i = 0; i < BLOCK_SECTOR; i++)
            assert_int_equal(bus_read8(r->bus, paddr + s * BLOCK_SECTOR + i), image_byte(lba + s, i));
    }
}

static uint64_t lba_of(unsigned c, unsigned h, unsigned sec, unsigned heads, unsigned spt)
{
    return ((uint64_t)c * heads + h) * spt + sec - 1;
}

static void rig_init(struct rig *r, uint32_t size0)
{
    char err[256];

    memset(r, 0, sizeof(*r));
    r->io = ioports_create(NULL);
    r->bus = bus_create(1u << 20, NULL);
    assert_non_null(r->io);
    assert_non_null(r->bus);
    r->dma = dma8237_create(r->io, r->bus, NULL);
    assert_non_null(r->dma);
    r->fdc = fdc82077_create(r->io, r->dma,
                             (struct irq_line){ .set = probe_set, .opaque = &r->irq, .n = 6 }, NULL);
    assert_non_null(r->fdc);
    out(r, 0xD6, 0xC0);
    out(r, 0xD4, 0x00);
    if (size0) {
        make_image(r->path[0], size0);
        r->blk[0] = open_image(r->path[0]);
        if (!fdc82077_attach(r->fdc, 0, r->blk[0], err, sizeof(err)))
            fail_msg("%s", err);
    }
}

static void rig_free(struct rig *r)
{
    fdc82077_destroy(r->fdc);
    dma8237_destroy(r->dma);
    bus_destroy(r->bus);
    ioports_destroy(r->io);
    for (unsigned i = 0; i < 2; i++) {
        block_close(r->blk[i]);
        if (r->path[i][0])
            unlink(r->path[i]);
    }
}

static void expect_invalid(struct rig *r, uint8_t op)
{
    uint8_t res[2];

    command(r, &op, 1);
    assert_int_equal(results(r, res, 2), 1);
    assert_int_equal(res[0], 0x80);
}

/* Reset as a BIOS does: DOR reset pulse, one interrupt, four SENSE INTERRUPT
 * STATUS (one per polled drive), then SPECIFY, data rate and recalibrate. */
static void bios_init(struct rig *r, uint8_t rate)
{
    unsigned rises = r->irq.rises;

    out(r, DOR, 0x08);
    assert_int_equal(in(r, MSR), 0);
    assert_false(r->irq.level);
    out(r, DOR, 0x1C);
    assert_int_equal(r->irq.rises, rises + 1);
    assert_true(r->irq.level);
    /* the first SENSE INTERRUPT STATUS clears the interrupt */
    for (unsigned d = 0; d < 4; d++) {
        sense_interrupt(r, (uint8_t)(0xC0 | d), 0);
        assert_false(r->irq.level);
    }
    expect_invalid(r, 0x08);
    command(r, (const uint8_t[]){ 0x03, 0xDF, 0x02 }, 3);
    assert_int_equal(in(r, MSR), 0x80);
    out(r, CCR, rate);
    command(r, (const uint8_t[]){ 0x07, 0x00 }, 2);
    assert_true(r->irq.level);
    /* drive 0 busy until its SENSE INTERRUPT STATUS */
    assert_int_equal(in(r, MSR), 0x81);
    sense_interrupt(r, 0x20, 0);
    assert_int_equal(in(r, MSR), 0x80);
}

static void test_reset_seek_sense(void **state)
{
    struct rig r;
    uint8_t res[10];

    rig_init(&r, SIZE_1440K);
    /* held in reset from power-on until DOR bit 2 is set */
    assert_int_equal(in(&r, MSR), 0);
    assert_int_equal(in(&r, 0x3F0), 0xFF);
    assert_null(ioports_owner(r.io, 0x3F6));
    bios_init(&r, 0x00);
    assert_int_equal(in(&r, DOR), 0x1C);
    seek(&r, 0, 0, 5);
    seek(&r, 0, 1, 79);
    /* relative seek: in (toward the hub) by 3, then out by 10 */
    command(&r, (const uint8_t[]){ 0xCF, 0x00, 3 }, 3);
    sense_interrupt(&r, 0x20, 82);
    command(&r, (const uint8_t[]){ 0x8F, 0x00, 10 }, 3);
    sense_interrupt(&r, 0x20, 72);
    /* SENSE DRIVE STATUS: ready, two-sided; track 0 only after recalibrate */
    command(&r, (const uint8_t[]){ 0x04, 0x04 }, 2);
    assert_int_equal(results(&r, res, 1), 1);
    assert_int_equal(res[0], 0x2C);
    command(&r, (const uint8_t[]){ 0x07, 0x00 }, 2);
    sense_interrupt(&r, 0x20, 0);
    command(&r, (const uint8_t[]){ 0x04, 0x00 }, 2);
    assert_int_equal(results(&r, res, 1), 1);
    assert_int_equal(res[0], 0x38);
    /* two drives seek, two statuses in drive order; drive 2 is not installed */
    command(&r, (const uint8_t[]){ 0x0F, 0x01, 7 }, 3);
    command(&r, (const uint8_t[]){ 0x07, 0x02 }, 2);
    assert_int_equal(in(&r, MSR), 0x86);
    sense_interrupt(&r, 0x21, 7);
    sense_interrupt(&r, 0x72, 0);
    assert_false(r.irq.level);
    /* a software reset through DSR polls again */
    out(&r, DSR, 0x80);
    assert_true(r.irq.level);
    for (unsigned d = 0; d < 4; d++)
        sense_interrupt(&r, (uint8_t)(0xC0 | d), d == 1 ? 7 : 0);
    /* sensing once only (as SeaBIOS does): the next interrupt is a new edge
     * and its status is not hidden behind the rest of the poll */
    out(&r, DOR, 0x08);
    out(&r, DOR, 0x0C);
    sense_interrupt(&r, 0xC0, 0);
    seek(&r, 0, 0, 3);
    expect_invalid(&r, 0x08);
    rig_free(&r);
}

static void test_read_data(void **state)
{
    struct rig r;
    uint8_t res[7];

    rig_init(&r, SIZE_1440K);
    bios_init(&r, 0x00);
    seek(&r, 0, 0, 1);
    /* two sectors, TC at the end of the second: normal termination, R advanced */
    dma_setup(&r, DMA_TO_MEM, BUF, 2 * BLOCK_SECTOR);
    rw_command(&r, 0xE6, 0, 0, 1, 0, 1, 18, res);
    expect_result(res, 0x00, 0x00, 0x00, 1, 0, 3);
    expect_sectors(&r, BUF, lba_of(1, 0, 1, 2, 18), 2);
    assert_int_equal(bus_read8(r.bus, BUF + 2 * BLOCK_SECTOR), 0);
    assert_int_equal(in(&r, 0x08) & 0x04, 0x04);
    /* the last sector of the track with TC: C+1, R=1 (uPD765 table) */
    dma_setup(&r, DMA_TO_MEM, BUF, BLOCK_SECTOR);
    rw_command(&r, 0x66, 0, 1, 1, 1, 18, 18, res);
    expect_result(res, 0x04, 0x00, 0x00, 2, 1, 1);
    expect_sectors(&r, BUF, lba_of(1, 1, 18, 2, 18), 1);
    rig_free(&r);
}

static void test_multitrack_and_eot(void **state)
{
    struct rig r;
    uint8_t res[7];

    rig_init(&r, SIZE_1440K);
    bios_init(&r, 0x00);
    seek(&r, 0, 0, 3);
    /* MT: sectors 17-18 of head 0, then 1-2 of head 1 */
    dma_setup(&r, DMA_TO_MEM, BUF, 4 * BLOCK_SECTOR);
    rw_command(&r, 0xC6, 0, 0, 3, 0, 17, 18, res);
    expect_result(res, 0x04, 0x00, 0x00, 3, 1, 3);
    expect_sectors(&r, BUF, lba_of(3, 0, 17, 2, 18), 4);
    /* MT ending on head 0's last sector with TC: H complemented, R=1, same C
     * (the head has already switched to 1 when TC ends the command) */
    dma_setup(&r, DMA_TO_MEM, BUF, BLOCK_SECTOR);
    rw_command(&r, 0xC6, 0, 0, 3, 0, 18, 18, res);
    expect_result(res, 0x04, 0x00, 0x00, 3, 1, 1);
    /* no MT, DMA count beyond EOT: abnormal termination, ST1 EN, C+1 R=1 */
    memset(bus_host_ptr(r.bus, BUF, 4096, true), 0, 4096);
    dma_setup(&r, DMA_TO_MEM, BUF, 8 * BLOCK_SECTOR);
    assert_int_equal(in(&r, 0x08) & 0x04, 0x04);
    rw_command(&r, 0x46, 0, 0, 3, 0, 16, 18, res);
    expect_result(res, 0x40, 0x80, 0x00, 4, 0, 1);
    expect_sectors(&r, BUF, lba_of(3, 0, 16, 2, 18), 3);
    assert_int_equal(bus_read8(r.bus, BUF + 3 * BLOCK_SECTOR + 4), 0);
    assert_int_equal(in(&r, 0x08) & 0x04, 0x00);
    /* MT past the end of head 1: EN with C+1, H back to 0 */
    dma_setup(&r, DMA_TO_MEM, BUF, 8 * BLOCK_SECTOR);
    rw_command(&r, 0xC6, 0, 1, 3, 1, 18, 18, res);
    expect_result(res, 0x44, 0x80, 0x00, 4, 0, 1);
    /* EOT below the last sector of the track ends the walk there */
    dma_setup(&r, DMA_TO_MEM, BUF, 8 * BLOCK_SECTOR);
    rw_command(&r, 0x46, 0, 0, 3, 0, 1, 2, res);
    expect_result(res, 0x40, 0x80, 0x00, 4, 0, 1);
    rig_free(&r);
}

static void test_read_errors(void **state)
{
    struct rig r;
    uint8_t res[7];

    rig_init(&r, SIZE_1440K);
    bios_init(&r, 0x00);
    seek(&r, 0, 0, 2);
    dma_setup(&r, DMA_TO_MEM, BUF, BLOCK_SECTOR);
    /* wrong cylinder in the command: no data, wrong cylinder */
    rw_command(&r, 0x46, 0, 0, 5, 0, 1, 18, res);
    expect_result(res, 0x40, 0x04, 0x10, 5, 0, 1);
    /* sector 19 does not exist */
    rw_command(&r, 0x46, 0, 0, 2, 0, 19, 19, res);
    expect_result(res, 0x40, 0x04, 0x00, 2, 0, 19);
    /* wrong data rate (250 kbps on HD media): missing address mark */
    out(&r, CCR, 0x02);
    rw_command(&r, 0x46, 0, 0, 2, 0, 1, 18, res);
    expect_result(res, 0x40, 0x01, 0x00, 2, 0, 1);
    out(&r, CCR, 0x00);
    /* FM mode finds no MFM IDs */
    rw_command(&r, 0x06, 0, 0, 2, 0, 1, 18, res);
    expect_result(res, 0x40, 0x01, 0x00, 2, 0, 1);
    /* DMA channel masked: the data is lost, overrun */
    out(&r, 0x0A, 0x06);
    rw_command(&r, 0x46, 0, 0, 2, 0, 1, 18, res);
    expect_result(res, 0x40, 0x10, 0x00, 2, 0, 1);
    /* no disk in drive B: not ready */
    rw_command(&r, 0x46, 1, 0, 0, 0, 1, 18, res);
    expect_result(res, 0x49, 0x00, 0x00, 0, 0, 1);
    rig_free(&r);
}

static void test_write_data(void **state)
{
    struct rig r;
    uint8_t res[7];
    uint8_t data[2 * BLOCK_SECTOR], file[2 * BLOCK_SECTOR];
    FILE *f;

    rig_init(&r, SIZE_1440K);
    bios_init(&r, 0x00);
    seek(&r, 0, 1, 10);
    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 3 + 1);
    assert_true(bus_write_ram(r.bus, BUF, data, sizeof(data)));
    dma_setup(&r, DMA_FROM_MEM, BUF, sizeof(data));
    rw_command(&r, 0xC5, 0, 1, 10, 1, 4, 18, res);
    expect_result(res, 0x04, 0x00, 0x00, 10, 1, 6);
    f = fopen(r.path[0], "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, (long)lba_of(10, 1, 4, 2, 18) * BLOCK_SECTOR, SEEK_SET), 0);
    assert_int_equal(fread(file, 1, sizeof(file), f), sizeof(file));
    fclose(f);
    assert_memory_equal(file, data, sizeof(data));
    /* read back through the controller */
    memset(bus_host_ptr(r.bus, BUF, 4096, true), 0, 4096);
    dma_setup(&r, DMA_TO_MEM, BUF, sizeof(data));
    rw_command(&r, 0xE6, 0, 1, 10, 1, 4, 18, res);
    expect_result(res, 0x04, 0x00, 0x00, 10, 1, 6);
    assert_memory_equal(bus_host_ptr(r.bus, BUF, 1024, false), data, sizeof(data));
    /* TC inside a write sector: the rest of the sector is zero-filled */
    dma_setup(&r, DMA_FROM_MEM, BUF, 100);
    rw_command(&r, 0xC5, 0, 1, 10, 1, 4, 18, res);
    expect_result(res, 0x04, 0x00, 0x00, 10, 1, 5);
    f = fopen(r.path[0], "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, (long)lba_of(10, 1, 4, 2, 18) * BLOCK_SECTOR, SEEK_SET), 0);
    assert_int_equal(fread(file, 1, sizeof(file), f), sizeof(file));
    fclose(f);
    assert_memory_equal(file, data, 100);
    assert_int_equal(file[100], 0);
    assert_int_equal(file[511], 0);
    assert_memory_equal(file + 512, data + 512, 512);
    rig_free(&r);
}

static void test_read_id_and_format(void **state)
{
    struct rig r;
    uint8_t res[7];
    uint8_t ids[18 * 4];
    uint8_t first;
    FILE *f;
    uint8_t sector[BLOCK_SECTOR];

    rig_init(&r, SIZE_1440K);
    bios_init(&r, 0x00);
    seek(&r, 0, 1, 6);
    command(&r, (const uint8_t[]){ 0x4A, 0x04 }, 2);
    assert_true(r.irq.level);
    assert_int_equal(results(&r, res, 7), 7);
    first = res[5];
    assert_true(first >= 1 && first <= 18);
    expect_result(res, 0x04, 0x00, 0x00, 6, 1, first);
    /* the next ID under the head is the next sector */
    command(&r, (const uint8_t[]){ 0x4A, 0x04 }, 2);
    assert_int_equal(results(&r, res, 7), 7);
    assert_int_equal(res[5], first % 18 + 1);
    /* FORMAT TRACK cylinder 6 head 1 with filler F6 */
    for (unsigned s = 0; s < 18; s++) {
        ids[4 * s] = 6;
        ids[4 * s + 1] = 1;
        ids[4 * s + 2] = (uint8_t)(s + 1);
        ids[4 * s + 3] = 2;
    }
    assert_true(bus_write_ram(r.bus, BUF, ids, sizeof(ids)));
    dma_setup(&r, DMA_FROM_MEM, BUF, sizeof(ids));
    command(&r, (const uint8_t[]){ 0x4D, 0x04, 2, 18, 0x54, 0xF6 }, 6);
    assert_true(r.irq.level);
    assert_int_equal(results(&r, res, 7), 7);
    assert_int_equal(res[0], 0x04);
    assert_int_equal(res[1], 0x00);
    f = fopen(r.path[0], "rb");
    assert_non_null(f);
    for (unsigned s = 1; s <= 18; s++) {
        assert_int_equal(fseek(f, (long)lba_of(6, 1, s, 2, 18) * BLOCK_SECTOR, SEEK_SET), 0);
        assert_int_equal(fread(sector, 1, sizeof(sector), f), sizeof(sector));
        for (unsigned i = 0; i < BLOCK_SECTOR; i++)
            assert_int_equal(sector[i], 0xF6);
    }
    /* head 0 of the cylinder untouched */
    assert_int_equal(fseek(f, (long)lba_of(6, 0, 18, 2, 18) * BLOCK_SECTOR + 4, SEEK_SET), 0);
    assert_int_equal(fgetc(f), image_byte(lba_of(6, 0, 18, 2, 18), 4));
    fclose(f);
    rig_free(&r);
}

static void test_write_protected(void **state)
{
    struct rig r;
    uint8_t res[7];
    char err[256];
    bool dropped = false;

    rig_init(&r, 0);
    make_image(r.path[0], SIZE_1440K);
    assert_int_equal(chmod(r.path[0], 0444), 0);
    /* root ignores the mode bits: open as nobody */
    if (geteuid() == 0)
        dropped = seteuid(65534) == 0;
    r.blk[0] = open_image(r.path[0]);
    if (dropped)
        assert_int_equal(seteuid(0), 0);
    if (!block_read_only(r.blk[0])) {
        rig_free(&r);
        skip();
    }
    assert_true(fdc82077_attach(r.fdc, 0, r.blk[0], err, sizeof(err)));
    bios_init(&r, 0x00);
    command(&r, (const uint8_t[]){ 0x04, 0x00 }, 2);
    assert_int_equal(results(&r, res, 1), 1);
    assert_int_equal(res[0], 0x78);
    dma_setup(&r, DMA_FROM_MEM, BUF, BLOCK_SECTOR);
    rw_command(&r, 0xC5, 0, 0, 0, 0, 1, 18, res);
    expect_result(res, 0x40, 0x02, 0x00, 0, 0, 1);
    command(&r, (const uint8_t[]){ 0x4D, 0x00, 2, 18, 0x54, 0xF6 }, 6);
    assert_int_equal(results(&r, res, 7), 7);
    assert_int_equal(res[0], 0x40);
    assert_int_equal(res[1], 0x02);
    /* reading still works */
    dma_setup(&r, DMA_TO_MEM, BUF, BLOCK_SECTOR);
    rw_command(&r, 0x46, 0, 0, 0, 0, 1, 18, res);
    expect_result(res, 0x00, 0x00, 0x00, 0, 0, 2);
    expect_sectors(&r, BUF, 0, 1);
    rig_free(&r);
}

static void test_disk_change(void **state)
{
    struct rig r;
    uint8_t res[7];

    rig_init(&r, SIZE_1440K);
    make_image(r.path[1], SIZE_720K);
    r.blk[1] = open_image(r.path[1]);
    bios_init(&r, 0x00);
    /* set since the disk went in; a recalibrate at track 0 does not step */
    assert_int_equal(in(&r, DIR) & 0x80, 0x80);
    seek(&r, 0, 0, 1);
    assert_int_equal(in(&r, DIR) & 0x80, 0x00);
    seek(&r, 0, 0, 0);
    assert_int_equal(in(&r, DIR) & 0x80, 0x00);
    /* eject: the line stays set while no disk is in, even across steps */
    assert_true(fdc82077_change_media(r.fdc, 0, NULL));
    assert_int_equal(fdc82077_drive_type(r.fdc, 0), 0);
    assert_int_equal(in(&r, DIR) & 0x80, 0x80);
    seek(&r, 0, 0, 4);
    assert_int_equal(in(&r, DIR) & 0x80, 0x80);
    command(&r, (const uint8_t[]){ 0x04, 0x00 }, 2);
    assert_int_equal(results(&r, res, 1), 1);
    assert_int_equal(res[0], 0x08);
    command(&r, (const uint8_t[]){ 0x4A, 0x00 }, 2);
    assert_int_equal(results(&r, res, 7), 7);
    assert_int_equal(res[0], 0x48);
    /* insert a 720K disk: a step clears the line; drive B is separate */
    assert_true(fdc82077_change_media(r.fdc, 0, r.blk[1]));
    assert_int_equal(fdc82077_drive_type(r.fdc, 0), 3);
    assert_int_equal(in(&r, DIR) & 0x80, 0x80);
    seek(&r, 0, 0, 5);
    assert_int_equal(in(&r, DIR) & 0x80, 0x00);
    out(&r, DOR, 0x1D);
    assert_int_equal(in(&r, DIR) & 0x80, 0x80);
    out(&r, DOR, 0x1C);
    out(&r, CCR, 0x02);
    dma_setup(&r, DMA_TO_MEM, BUF, BLOCK_SECTOR);
    rw_command(&r, 0x46, 0, 0, 5, 0, 9, 9, res);
    expect_result(res, 0x00, 0x00, 0x00, 6, 0, 1);
    expect_sectors(&r, BUF, lba_of(5, 0, 9, 2, 9), 1);
    rig_free(&r);
}

/* The last sector of the disk reads at rate; one past it, the cylinder past
 * the last and the wrong rate fail. */
static void check_geometry(uint32_t size, unsigned type, uint8_t rate, unsigned cyls,
                           unsigned spt)
{
    struct rig r;
    uint8_t res[7];

    rig_init(&r, size);
    assert_int_equal(fdc82077_drive_type(r.fdc, 0), type);
    bios_init(&r, rate);
    seek(&r, 0, 1, cyls - 1);
    dma_setup(&r, DMA_TO_MEM, BUF, BLOCK_SECTOR);
    rw_command(&r, 0x66, 0, 1, cyls - 1, 1, spt, spt, res);
    expect_result(res, 0x04, 0x00, 0x00, (uint8_t)cyls, 1, 1);
    expect_sectors(&r, BUF, (uint64_t)size / BLOCK_SECTOR - 1, 1);
    rw_command(&r, 0x66, 0, 1, cyls - 1, 1, spt + 1, spt + 1, res);
    expect_result(res, 0x44, 0x04, 0x00, (uint8_t)(cyls - 1), 1, (uint8_t)(spt + 1));
    seek(&r, 0, 1, cyls);
    rw_command(&r, 0x66, 0, 1, cyls, 1, 1, spt, res);
    expect_result(res, 0x44, 0x01, 0x00, (uint8_t)cyls, 1, 1);
    seek(&r, 0, 1, cyls - 1);
    out(&r, CCR, 0x00);
    rw_command(&r, 0x66, 0, 1, cyls - 1, 1, 1, spt, res);
    expect_result(res, 0x44, 0x01, 0x00, (uint8_t)(cyls - 1), 1, 1);
    rig_free(&r);
}

static void test_geometries(void **state)
{
    check_geometry(SIZE_720K, 3, 0x02, 80, 9);
    check_geometry(SIZE_360K, 1, 0x02, 40, 9);
}

static void test_attach_sizes(void **state)
{
    struct rig r;
    char err[256];
    static const struct {
        uint32_t size;
        unsigned type;
    } sizes[] = {
        { 163840, 1 }, { 184320, 1 }, { 327680, 1 }, { 1228800, 2 }, { 1474560, 4 },
        { 1720320, 4 }, { 2949120, 5 },
    };

    rig_init(&r, 0);
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        make_image(r.path[1], sizes[i].size);
        r.blk[1] = open_image(r.path[1]);
        assert_true(fdc82077_attach(r.fdc, 1, r.blk[1], err, sizeof(err)));
        assert_int_equal(fdc82077_drive_type(r.fdc, 1), sizes[i].type);
        block_close(r.blk[1]);
        unlink(r.path[1]);
    }
    make_image(r.path[1], 1000 * BLOCK_SECTOR);
    r.blk[1] = open_image(r.path[1]);
    assert_false(fdc82077_attach(r.fdc, 1, r.blk[1], err, sizeof(err)));
    assert_non_null(strstr(err, r.path[1]));
    assert_int_equal(fdc82077_drive_type(r.fdc, 1), 0);
    assert_false(fdc82077_attach(r.fdc, 2, r.blk[1], err, sizeof(err)));
    rig_free(&r);
}

static void test_controller_commands(void **state)
{
    struct rig r;
    uint8_t res[10];

    rig_init(&r, SIZE_1440K);
    bios_init(&r, 0x00);
    command(&r, (const uint8_t[]){ 0x10 }, 1);
    assert_int_equal(results(&r, res, 1), 1);
    assert_int_equal(res[0], 0x90);
    expect_invalid(&r, 0x01);
    expect_invalid(&r, 0x1F);
    /* CONFIGURE: EIS, FIFO on, threshold 8, precomp from track 40 */
    command(&r, (const uint8_t[]){ 0x13, 0x00, 0x47, 40 }, 4);
    assert_int_equal(in(&r, MSR), 0x80);
    command(&r, (const uint8_t[]){ 0x12, 0x84 }, 2);
    assert_int_equal(in(&r, MSR), 0x80);
    seek(&r, 0, 0, 9);
    command(&r, (const uint8_t[]){ 0x94 }, 1);
    assert_int_equal(results(&r, res, 1), 1);
    assert_int_equal(res[0], 0x10);
    command(&r, (const uint8_t[]){ 0x0E }, 1);
    assert_int_equal(results(&r, res, 10), 10);
    assert_memory_equal(res, ((const uint8_t[]){ 9, 0, 0, 0, 0xDF, 0x02, 0, 0x84, 0x47, 40 }),
                        10);
    /* LOCK keeps EFIFO/FIFOTHR/PRETRK across a software reset, not EIS */
    seek(&r, 0, 0, 0);
    bios_init(&r, 0x00);
    command(&r, (const uint8_t[]){ 0x0E }, 1);
    assert_int_equal(results(&r, res, 10), 10);
    assert_int_equal(res[8], 0x07);
    assert_int_equal(res[9], 40);
    command(&r, (const uint8_t[]){ 0x14 }, 1);
    assert_int_equal(results(&r, res, 1), 1);
    assert_int_equal(res[0], 0x00);
    /* POLL (polling off) does not survive a reset, which polls and interrupts */
    command(&r, (const uint8_t[]){ 0x13, 0x00, 0x10, 5 }, 4);
    bios_init(&r, 0x00);
    command(&r, (const uint8_t[]){ 0x0E }, 1);
    assert_int_equal(results(&r, res, 10), 10);
    assert_int_equal(res[8], 0x20);
    assert_int_equal(res[9], 0);
    /* implied seek (EIS) reads cylinder 7 without a SEEK */
    command(&r, (const uint8_t[]){ 0x13, 0x00, 0x40, 0 }, 4);
    out(&r, CCR, 0x00);
    dma_setup(&r, DMA_TO_MEM, BUF, BLOCK_SECTOR);
    rw_command(&r, 0x46, 0, 0, 7, 0, 3, 18, res);
    expect_result(res, 0x00, 0x00, 0x00, 7, 0, 4);
    expect_sectors(&r, BUF, lba_of(7, 0, 3, 2, 18), 1);
    /* DOR DMA gate off: no interrupt reaches the line */
    out(&r, DOR, 0x04);
    command(&r, (const uint8_t[]){ 0x07, 0x00 }, 2);
    assert_false(r.irq.level);
    out(&r, DOR, 0x0C);
    assert_true(r.irq.level);
    sense_interrupt(&r, 0x20, 0);
    rig_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reset_seek_sense),
        cmocka_unit_test(test_read_data),
        cmocka_unit_test(test_multitrack_and_eot),
        cmocka_unit_test(test_read_errors),
        cmocka_unit_test(test_write_data),
        cmocka_unit_test(test_read_id_and_format),
        cmocka_unit_test(test_write_protected),
        cmocka_unit_test(test_disk_change),
        cmocka_unit_test(test_geometries),
        cmocka_unit_test(test_attach_sizes),
        cmocka_unit_test(test_controller_commands),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
