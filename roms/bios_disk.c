/* Disk services: INT 13h for floppies (00h-01h), hard disks (80h-81h) and the
 * El Torito no-emulation CD-ROM (E0h), read and written straight from the
 * block images (no controller programming), INT 0Eh (IRQ 6). IBM PC/AT technical
 * reference "Diskette" and "Fixed disk"; RBIL INT 13h; Phoenix "BIOS Enhanced
 * Disk Drive Specification" 3.0 (AH=41h-48h); El Torito 1.0 (AX=4B01h). */
#include <string.h>

#include "block.h"
#include "bios_internal.h"

enum {
    FLOPPY_FILL = 0xF6,
    CD_SECTOR = 2048,
    CD_DRIVE = 0xE0,
    /* most sectors one CHS call moves (AL) */
    MAX_CHS_COUNT = 128,
};

struct drive {
    struct block *blk;
    uint32_t cyls, heads, spt;
    uint32_t sector_size;
    uint64_t sectors;
    /* INT 13h AH=08h BL for floppies */
    uint8_t type;
    bool floppy, cdrom;
};

/* Floppy formats by image size (IBM and RBIL drive types; DMF 1.68M). */
static const struct {
    uint32_t kb;
    uint8_t cyls, heads, spt, type;
} floppy_formats[] = {
    {160, 40, 1, 8, 1}, {180, 40, 1, 9, 1}, {320, 40, 2, 8, 1}, {360, 40, 2, 9, 1},
    {720, 80, 2, 9, 3}, {1200, 80, 2, 15, 2}, {1440, 80, 2, 18, 4}, {1680, 80, 2, 21, 4},
    {1722, 82, 2, 21, 4}, {2880, 80, 2, 36, 6},
};

static bool floppy_geometry(struct drive *d)
{
    uint64_t kb = block_size(d->blk) / 1024;

    for (size_t i = 0; i < sizeof(floppy_formats) / sizeof(floppy_formats[0]); i++) {
        if (floppy_formats[i].kb == kb) {
            d->cyls = floppy_formats[i].cyls;
            d->heads = floppy_formats[i].heads;
            d->spt = floppy_formats[i].spt;
            d->type = floppy_formats[i].type;
            return true;
        }
    }
    return false;
}

/* Hard disks: 16 heads, 63 sectors, cylinders capped at 1024 for CHS. */
static void disk_geometry(struct drive *d)
{
    uint64_t cyls = d->sectors / (16 * 63);
    d->heads = 16;
    d->spt = 63;
    d->cyls = (uint32_t)(cyls > 1024 ? 1024 : cyls ? cyls : 1);
}

static bool drive_get(const struct bios *b, uint8_t dl, struct drive *d)
{
    memset(d, 0, sizeof(*d));
    d->sector_size = BLOCK_SECTOR;
    if (dl < 2) {
        d->blk = b->cfg.floppy[dl];
        d->floppy = true;
    } else if (dl == 0x80 || dl == 0x81) {
        d->blk = b->cfg.disk[dl - 0x80];
    } else if (dl == CD_DRIVE && b->cd_booted) {
        d->blk = b->cfg.cdrom;
        d->cdrom = true;
        d->sector_size = CD_SECTOR;
    }
    if (!d->blk)
        return false;
    d->sectors = block_size(d->blk) / d->sector_size;
    if (d->floppy)
        return floppy_geometry(d);
    if (!d->cdrom)
        disk_geometry(d);
    return true;
}

static uint8_t drive_count(const struct bios *b, bool floppy)
{
    struct block *const *list = floppy ? b->cfg.floppy : b->cfg.disk;
    return (uint8_t)(list[1] ? 2 : list[0] ? 1 : 0);
}

/* ---------------------------------------------------------------- status */

static void disk_status(struct bios *b, uint8_t dl, uint8_t status)
{
    bios_wr8(b, BDA_SEG, dl & 0x80 ? BDA_HD_STATUS : BDA_FDC_STATUS, status);
    bios_status(b, status);
}

/* Move count sectors from lba between the image and guest memory at laddr. */
static uint8_t transfer(struct bios *b, const struct drive *d, uint64_t lba, uint32_t count,
                        uint32_t laddr, bool write)
{
    uint8_t buf[CD_SECTOR];
    unsigned per = d->sector_size / BLOCK_SECTOR;

    if (lba + count > d->sectors || lba + count < lba)
        return DISK_SECTOR_NOT_FOUND;
    for (uint32_t i = 0; i < count; i++, laddr += d->sector_size) {
        uint64_t at = (lba + i) * per;
        if (write) {
            bios_copy_from_guest(b, laddr, buf, d->sector_size);
            if (block_read_only(d->blk))
                return DISK_WRITE_PROTECT;
            if (!block_write(d->blk, at, per, buf))
                return DISK_BAD_MEDIA;
        } else {
            if (!block_read(d->blk, at, per, buf))
                return DISK_BAD_MEDIA;
            bios_copy_to_guest(b, laddr, buf, d->sector_size);
        }
    }
    return DISK_OK;
}

/* ---------------------------------------------------------------- CHS functions */

struct chs {
    uint32_t c, h, s;
};

static struct chs chs_of(const struct bios *b)
{
    uint8_t cl = bios_lo(b, R_ECX);
    return (struct chs){
        .c = bios_hi(b, R_ECX) | (uint32_t)(cl & 0xC0) << 2,
        .h = bios_hi(b, R_EDX),
        .s = cl & 0x3Fu,
    };
}

static bool chs_to_lba(const struct drive *d, struct chs a, uint64_t *lba)
{
    if (a.s == 0 || a.s > d->spt || a.h >= d->heads || a.c >= d->cyls)
        return false;
    *lba = ((uint64_t)a.c * d->heads + a.h) * d->spt + a.s - 1;
    return true;
}

/* AH=02h-05h: read, write, verify, format. */
static void disk_rw(struct bios *b, const struct drive *d, uint8_t ah)
{
    uint8_t dl = bios_lo(b, R_EDX), count = bios_lo(b, R_EAX);
    uint32_t laddr = bios_laddr(bios_seg(b, SEG_ES), bios_reg16(b, R_EBX));
    uint64_t lba;

    if (ah == 0x05)
        count = (uint8_t)d->spt;
    if (d->cdrom || count == 0 || count > MAX_CHS_COUNT) {
        disk_status(b, dl, DISK_BAD_COMMAND);
        return;
    }
    if (!chs_to_lba(d, chs_of(b), &lba)) {
        bios_set_lo(b, R_EAX, 0);
        disk_status(b, dl, DISK_SECTOR_NOT_FOUND);
        return;
    }
    /* the floppy's DMA channel cannot cross a 64 KiB page (AT BIOS error 09h) */
    if (d->floppy && ah != 0x04 && (laddr & 0xFFFF) + count * 512u > 0x10000) {
        bios_set_lo(b, R_EAX, 0);
        disk_status(b, dl, DISK_DMA_BOUNDARY);
        return;
    }
    uint8_t status = DISK_OK;
    if (ah == 0x04)
        status = lba + count > d->sectors ? DISK_SECTOR_NOT_FOUND : DISK_OK;
    else if (ah == 0x05 && d->floppy)
        status = block_read_only(d->blk) ? DISK_WRITE_PROTECT : DISK_OK;
    else if (ah != 0x05)
        status = transfer(b, d, lba, count, laddr, ah == 0x03);
    if (ah == 0x05 && d->floppy && status == DISK_OK) {
        uint8_t fill[BLOCK_SECTOR];
        memset(fill, FLOPPY_FILL, sizeof(fill));
        for (uint32_t i = 0; i < count && status == DISK_OK; i++)
            status = block_write(d->blk, lba + i, 1, fill) ? DISK_OK : DISK_BAD_MEDIA;
    }
    bios_set_lo(b, R_EAX, status == DISK_OK ? count : 0);
    disk_status(b, dl, status);
}

/* AH=08h: geometry; floppies also the drive type and ES:DI = INT 1Eh table. */
static void disk_params(struct bios *b, const struct drive *d)
{
    uint8_t dl = bios_lo(b, R_EDX);
    uint32_t maxc = d->cyls - 1;

    if (d->cdrom) {
        disk_status(b, dl, DISK_BAD_COMMAND);
        return;
    }
    bios_set_hi(b, R_ECX, (uint8_t)maxc);
    bios_set_lo(b, R_ECX, (uint8_t)(d->spt | (maxc >> 8) << 6));
    bios_set_hi(b, R_EDX, (uint8_t)(d->heads - 1));
    bios_set_lo(b, R_EDX, drive_count(b, d->floppy));
    if (d->floppy) {
        bios_set_lo(b, R_EBX, d->type);
        bios_set_seg(b, SEG_ES, BIOS_SEG);
        bios_set_reg16(b, R_EDI, ROM_DISKETTE_TABLE);
    }
    bios_set_lo(b, R_EAX, 0);
    disk_status(b, dl, DISK_OK);
}

/* AH=15h: type; hard disks also CX:DX = sectors. */
static void disk_type(struct bios *b, const struct drive *d)
{
    if (d->floppy) {
        bios_set_hi(b, R_EAX, 0x02);
    } else {
        uint32_t n = d->cdrom ? 0 : d->cyls * d->heads * d->spt;
        bios_set_hi(b, R_EAX, 0x03);
        bios_set_reg16(b, R_ECX, (uint16_t)(n >> 16));
        bios_set_reg16(b, R_EDX, (uint16_t)n);
    }
    bios_set_cf(b, false);
}

/* ---------------------------------------------------------------- extensions */

struct dap {
    uint32_t laddr;
    uint32_t count;
    uint64_t lba;
};

static void read_dap(struct bios *b, struct dap *p)
{
    uint16_t ds = bios_seg(b, SEG_DS), si = bios_reg16(b, R_ESI);
    uint16_t off = bios_rd16(b, ds, (uint16_t)(si + 4)), seg = bios_rd16(b, ds, (uint16_t)(si + 6));

    p->count = bios_rd16(b, ds, (uint16_t)(si + 2));
    p->lba = bios_rd32(b, ds, (uint16_t)(si + 8)) |
             (uint64_t)bios_rd32(b, ds, (uint16_t)(si + 12)) << 32;
    p->laddr = bios_laddr(seg, off);
    /* EDD 3.0: FFFF:FFFF means the 64-bit flat address at offset 10h */
    if (seg == 0xFFFF && off == 0xFFFF && bios_rd8(b, ds, si) >= 0x18)
        p->laddr = bios_rd32(b, ds, (uint16_t)(si + 0x10));
}

/* AH=42h-44h: extended read, write, verify through the packet at DS:SI. */
static void ext_rw(struct bios *b, const struct drive *d, uint8_t ah)
{
    uint8_t dl = bios_lo(b, R_EDX), status = DISK_OK;
    struct dap p;

    read_dap(b, &p);
    if (ah == 0x44)
        status = p.lba + p.count > d->sectors ? DISK_SECTOR_NOT_FOUND : DISK_OK;
    else if (ah == 0x43 && d->cdrom)
        status = DISK_WRITE_PROTECT;
    else
        status = transfer(b, d, p.lba, p.count, p.laddr, ah == 0x43);
    if (status != DISK_OK)
        bios_wr16(b, bios_seg(b, SEG_DS), (uint16_t)(bios_reg16(b, R_ESI) + 2), 0);
    disk_status(b, dl, status);
}

static void ext_check(struct bios *b, const struct drive *d)
{
    if (bios_reg16(b, R_EBX) != 0x55AA || d->floppy) {
        disk_status(b, bios_lo(b, R_EDX), DISK_BAD_COMMAND);
        return;
    }
    bios_set_reg16(b, R_EBX, 0xAA55);
    /* EDD 3.0; packet functions (42h-44h, 47h, 48h), removable for the CD */
    bios_set_reg16(b, R_ECX, d->cdrom ? 0x0003 : 0x0001);
    bios_set_hi(b, R_EAX, 0x30);
    bios_set_cf(b, false);
}

/* AH=48h: drive parameters into the buffer at DS:SI (26 or 30 bytes). */
static void ext_params(struct bios *b, const struct drive *d)
{
    uint16_t ds = bios_seg(b, SEG_DS), si = bios_reg16(b, R_ESI);
    uint16_t size = bios_rd16(b, ds, si);
    uint8_t buf[30] = {0};
    uint16_t flags = d->cdrom ? 0x0074 : 0x0002;
    uint32_t fields[3] = {d->cyls, d->heads, d->spt};

    if (size < 26) {
        disk_status(b, bios_lo(b, R_EDX), DISK_BAD_COMMAND);
        return;
    }
    size = size >= 30 ? 30 : 26;
    buf[0] = (uint8_t)size;
    buf[2] = (uint8_t)flags;
    for (unsigned i = 0; i < 3; i++)
        for (unsigned k = 0; k < 4; k++)
            buf[4 + i * 4 + k] = (uint8_t)(fields[i] >> (8 * k));
    for (unsigned k = 0; k < 8; k++)
        buf[16 + k] = (uint8_t)(d->sectors >> (8 * k));
    buf[24] = (uint8_t)d->sector_size;
    buf[25] = (uint8_t)(d->sector_size >> 8);
    /* no device parameter table extension */
    memset(buf + 26, 0xFF, 4);
    bios_copy_to_guest(b, bios_laddr(ds, si), buf, size);
    disk_status(b, bios_lo(b, R_EDX), DISK_OK);
}

/* AX=4B01h: El Torito emulation status into the 13h-byte packet at DS:SI. */
static void cd_status(struct bios *b, const struct drive *d)
{
    uint8_t buf[0x13] = {0x13, 0x00, CD_DRIVE, 0};

    if (bios_lo(b, R_EAX) > 0x01 || !d->cdrom) {
        disk_status(b, bios_lo(b, R_EDX), DISK_BAD_COMMAND);
        return;
    }
    for (unsigned k = 0; k < 4; k++)
        buf[4 + k] = (uint8_t)(b->cd_boot_lba >> (8 * k));
    buf[0x0C] = (uint8_t)b->cd_load_seg;
    buf[0x0D] = (uint8_t)(b->cd_load_seg >> 8);
    buf[0x0E] = (uint8_t)b->cd_load_count;
    buf[0x0F] = (uint8_t)(b->cd_load_count >> 8);
    bios_copy_to_guest(b, bios_laddr(bios_seg(b, SEG_DS), bios_reg16(b, R_ESI)), buf,
                       sizeof(buf));
    disk_status(b, bios_lo(b, R_EDX), DISK_OK);
}

/* ---------------------------------------------------------------- dispatch */

static void disk_nop(struct bios *b, uint8_t dl)
{
    bios_set_hi(b, R_EAX, 0);
    disk_status(b, dl, DISK_OK);
}

static void disk_last_status(struct bios *b, uint8_t dl)
{
    uint8_t st = bios_rd8(b, BDA_SEG, dl & 0x80 ? BDA_HD_STATUS : BDA_FDC_STATUS);
    bios_set_hi(b, R_EAX, st);
    bios_set_cf(b, st != 0);
}

static void disk_call(struct bios *b, const struct drive *d, uint8_t ah)
{
    uint8_t dl = bios_lo(b, R_EDX);

    switch (ah) {
    case 0x02: case 0x03: case 0x04: case 0x05:
        disk_rw(b, d, ah);
        break;
    case 0x08:
        disk_params(b, d);
        break;
    case 0x0C: case 0x0D: case 0x10: case 0x11: case 0x14: case 0x17: case 0x47:
        disk_nop(b, dl);
        break;
    case 0x16:
        /* the media never change behind the BIOS's back */
        disk_nop(b, dl);
        break;
    case 0x18:
        bios_set_seg(b, SEG_ES, BIOS_SEG);
        bios_set_reg16(b, R_EDI, ROM_DISKETTE_TABLE);
        disk_nop(b, dl);
        break;
    case 0x41:
        ext_check(b, d);
        break;
    case 0x42: case 0x43: case 0x44:
        ext_rw(b, d, ah);
        break;
    case 0x48:
        ext_params(b, d);
        break;
    case 0x4B:
        cd_status(b, d);
        break;
    default:
        bios_unsupported(b, 0x13);
    }
}

void bios_int13(struct bios *b)
{
    uint8_t ah = bios_hi(b, R_EAX), dl = bios_lo(b, R_EDX);
    struct drive d;

    if (ah == 0x00) {
        disk_nop(b, dl);
    } else if (ah == 0x01) {
        disk_last_status(b, dl);
    } else if (!drive_get(b, dl, &d)) {
        if (ah == 0x15) {
            bios_set_hi(b, R_EAX, 0);
            bios_set_cf(b, false);
        } else if (ah == 0x08 && dl < 0x80) {
            bios_set_reg16(b, R_ECX, 0);
            bios_set_reg16(b, R_EDX, drive_count(b, true));
            disk_status(b, dl, DISK_BAD_COMMAND);
        } else {
            disk_status(b, dl, dl & 0x80 ? DISK_BAD_COMMAND : DISK_TIMEOUT);
        }
    } else if (ah == 0x15) {
        disk_type(b, &d);
    } else {
        disk_call(b, &d, ah);
    }
}

/* IRQ 6: the diskette interrupt flag (40:3Eh bit 7), for programs that drive
 * the controller themselves. */
void bios_int0e(struct bios *b)
{
    bios_wr8(b, BDA_SEG, BDA_FDC_RECAL, bios_rd8(b, BDA_SEG, BDA_FDC_RECAL) | 0x80);
}

/* ---------------------------------------------------------------- tables */

void bios_disk_rom_init(uint8_t *image)
{
    /* step rate / head unload, head load / DMA, motor off delay (ticks), 512-byte
     * sectors, 18 sectors, gap, data length, format gap, fill byte, head settle
     * (ms), motor start (1/8 s): the AT BIOS's values for a 1.44M drive */
    static const uint8_t table[11] = {0xAF, 0x02, 0x25, 0x02, 0x12, 0x1B,
                                      0xFF, 0x6C, FLOPPY_FILL, 0x0F, 0x08};
    memcpy(image + ROM_DISKETTE_TABLE, table, sizeof(table));
}

/* The fixed disk parameter table (IBM AT format) of hard disk unit at EBDA off. */
static void write_fdpt(struct bios *b, const struct drive *d, uint16_t off)
{
    uint8_t t[16] = {0};
    t[0] = (uint8_t)d->cyls;
    t[1] = (uint8_t)(d->cyls >> 8);
    t[2] = (uint8_t)d->heads;
    t[5] = t[6] = 0xFF;
    /* control byte: more than 8 heads */
    t[8] = d->heads > 8 ? 0x08 : 0;
    t[12] = t[0];
    t[13] = t[1];
    t[14] = (uint8_t)d->spt;
    bios_copy_to_guest(b, bios_laddr(EBDA_SEG, off), t, sizeof(t));
}

void bios_disk_post(struct bios *b)
{
    static const struct { uint8_t vector; uint16_t off; } fdpt[2] = {
        {0x41, EBDA_FDPT0}, {0x46, EBDA_FDPT1},
    };
    uint8_t disks = drive_count(b, false);
    struct drive d;

    bios_wr8(b, BDA_SEG, BDA_HD_COUNT, disks);
    for (unsigned i = 0; i < 2; i++) {
        if (!drive_get(b, (uint8_t)(0x80 + i), &d))
            continue;
        write_fdpt(b, &d, fdpt[i].off);
        bios_wr16(b, 0, fdpt[i].vector * 4, fdpt[i].off);
        bios_wr16(b, 0, (uint16_t)(fdpt[i].vector * 4 + 2), EBDA_SEG);
    }
    bios_wr16(b, 0, 0x1E * 4, ROM_DISKETTE_TABLE);
    bios_wr16(b, 0, 0x1E * 4 + 2, BIOS_SEG);
}
