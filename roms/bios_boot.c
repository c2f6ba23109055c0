/* INT 19h, the bootstrap loader: try the devices of the boot order (QEMU's
 * letters: a floppy, c hard disk, d CD-ROM), load the boot sector at 0000:7C00
 * (hard disks: MBR signature 55AAh) or an El Torito no-emulation image, and
 * return into it with DL = the drive. IBM PC/AT technical reference; "El Torito"
 * Bootable CD-ROM Format Specification 1.0 (Phoenix/IBM, 1995). */
#include <stdio.h>
#include <string.h>

#include "block.h"
#include "bios_internal.h"

enum {
    BOOT_SEG = 0x0000,
    BOOT_OFF = 0x7C00,
    ISO_SECTOR = 2048,
    /* the boot record volume descriptor is at ISO sector 17 */
    ISO_BOOT_RECORD = 17,
    ELTORITO_NO_EMULATION = 0,
    ELTORITO_BOOTABLE = 0x88,
    CD_LOAD_SEG_DEFAULT = 0x07C0,
};

static bool read_iso(struct block *cd, uint32_t lba, uint8_t *buf)
{
    return block_read(cd, (uint64_t)lba * (ISO_SECTOR / BLOCK_SECTOR), ISO_SECTOR / BLOCK_SECTOR,
                      buf);
}

static uint32_t le32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* The boot catalog's validation entry and default entry (El Torito 2.1, 2.2). */
static const char *cd_find_image(struct bios *b, uint8_t *buf)
{
    static const char vd_id[] = "\0CD001\1EL TORITO SPECIFICATION";

    if (!read_iso(b->cfg.cdrom, ISO_BOOT_RECORD, buf) || memcmp(buf, vd_id, sizeof(vd_id) - 1))
        return "no El Torito boot record";
    if (!read_iso(b->cfg.cdrom, le32(buf + 0x47), buf))
        return "cannot read the boot catalog";
    if (buf[0] != 1 || buf[0x1E] != 0x55 || buf[0x1F] != 0xAA)
        return "bad boot catalog";
    const uint8_t *e = buf + 32;
    if (e[0] != ELTORITO_BOOTABLE || (e[1] & 0x0F) != ELTORITO_NO_EMULATION)
        return "only no-emulation boot images are supported";
    b->cd_load_seg = le16(e + 2) ? le16(e + 2) : CD_LOAD_SEG_DEFAULT;
    b->cd_load_count = le16(e + 6);
    b->cd_boot_lba = le32(e + 8);
    return NULL;
}

static const char *boot_cdrom(struct bios *b)
{
    uint8_t buf[ISO_SECTOR];
    const char *why;

    if (!b->cfg.cdrom)
        return "no CD-ROM";
    if ((why = cd_find_image(b, buf)) != NULL)
        return why;
    uint32_t bytes = b->cd_load_count * 512u, laddr = bios_laddr(b->cd_load_seg, 0);
    for (uint32_t done = 0, lba = b->cd_boot_lba; done < bytes; done += ISO_SECTOR, lba++) {
        if (!read_iso(b->cfg.cdrom, lba, buf))
            return "cannot read the boot image";
        uint32_t n = bytes - done < ISO_SECTOR ? bytes - done : ISO_SECTOR;
        bios_copy_to_guest(b, laddr + done, buf, n);
    }
    b->cd_booted = true;
    bios_set_lo(b, R_EDX, 0xE0);
    bios_set_return(b, b->cd_load_seg, 0);
    return NULL;
}

static const char *boot_sector(struct bios *b, struct block *blk, uint8_t drive)
{
    uint8_t sector[BLOCK_SECTOR];

    if (!blk)
        return drive ? "no hard disk" : "no floppy disk";
    if (!block_read(blk, 0, 1, sector))
        return "cannot read the boot sector";
    if (drive == 0x80 && (sector[510] != 0x55 || sector[511] != 0xAA))
        return "not a bootable disk";
    bios_copy_to_guest(b, bios_laddr(BOOT_SEG, BOOT_OFF), sector, sizeof(sector));
    bios_set_lo(b, R_EDX, drive);
    bios_set_return(b, BOOT_SEG, BOOT_OFF);
    return NULL;
}

static const struct {
    char letter;
    const char *name;
} boot_devices[] = {
    {'a', "Floppy"}, {'c', "Hard Disk"}, {'d', "CD-ROM"},
};

static bool present(const struct bios *b, char letter)
{
    return letter == 'a' ? b->cfg.floppy[0] != NULL
                         : letter == 'c' ? b->cfg.disk[0] != NULL : b->cfg.cdrom != NULL;
}

static const char *boot_one(struct bios *b, char letter)
{
    if (letter == 'a')
        return boot_sector(b, b->cfg.floppy[0], 0x00);
    if (letter == 'c')
        return boot_sector(b, b->cfg.disk[0], 0x80);
    return boot_cdrom(b);
}

static void boot_message(struct bios *b, const char *name, const char *why)
{
    char line[128];

    if (why)
        snprintf(line, sizeof(line), "Boot failed: %s: %s\r\n", name, why);
    else
        snprintf(line, sizeof(line), "Booting from %s...\r\n", name);
    bios_video_puts(b, line);
}

/* Returns (through IRET) into the boot sector, or to boot_stub's INT 18h when
 * nothing could be booted. Devices the board does not have are passed over.
 * With a Multiboot kernel it enters the kernel instead (bios_multiboot.c). */
void bios_int19(struct bios *b)
{
    if (b->kernel) {
        bios_multiboot_boot(b);
        return;
    }
    const char *order = b->cfg.boot_order && *b->cfg.boot_order ? b->cfg.boot_order : "acd";

    for (const char *p = order; *p; p++) {
        for (size_t i = 0; i < sizeof(boot_devices) / sizeof(boot_devices[0]); i++) {
            if (boot_devices[i].letter != *p || !present(b, *p))
                continue;
            boot_message(b, boot_devices[i].name, NULL);
            const char *why = boot_one(b, *p);
            if (!why)
                return;
            boot_message(b, boot_devices[i].name, why);
        }
    }
}
