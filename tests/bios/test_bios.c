/* Runs one BIOS test program (a bootable floppy image assembled from
 * tests/bios/NAME.asm) on the PC board with the trapdoor BIOS. The program
 * checks the services itself and ends through isa-debug-exit: 0 = pass. The
 * driver adds what the program cannot do alone: a hard disk image ("disk"),
 * keys typed at virtual times ("kbd"), a look at the text screen ("video"),
 * an El Torito ISO built around the boot image ("cdrom"; ECMA-119 volume
 * descriptors, El Torito 1.0 boot record and catalog). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keymap.h"
#include "machine.h"

enum { MS = 1000000, HD_SECTORS = 2 * 16 * 63 };

/* A 2-cylinder disk whose sectors start with their LBA. */
static bool make_disk(char *path)
{
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    uint8_t sector[512] = {0};
    bool ok = f != NULL;

    for (uint32_t lba = 0; ok && lba < HD_SECTORS; lba++) {
        for (int i = 0; i < 4; i++)
            sector[i] = (uint8_t)(lba >> (8 * i));
        ok = fwrite(sector, sizeof(sector), 1, f) == 1;
    }
    if (f && fclose(f) != 0)
        ok = false;
    return ok;
}

enum { ISO_SECTOR = 2048, ISO_CATALOG = 19, ISO_IMAGE = 20, ISO_SECTORS = 21 };

static void iso_descriptor(uint8_t *s, uint8_t type)
{
    s[0] = type;
    memcpy(s + 1, "CD001", 5);
    s[6] = 1;
}

/* An ISO of 21 sectors: primary and boot record volume descriptors, the
 * terminator, the boot catalog (validation entry, default no-emulation entry
 * of 4 virtual sectors) and the boot image at sector 20. */
static bool make_iso(const char *boot_path, char *path)
{
    static uint8_t iso[ISO_SECTORS * ISO_SECTOR];
    FILE *in = fopen(boot_path, "rb");
    uint8_t *cat = iso + ISO_CATALOG * ISO_SECTOR;
    uint16_t sum = 0;

    if (!in || fread(iso + ISO_IMAGE * ISO_SECTOR, 1, ISO_SECTOR, in) != ISO_SECTOR)
        return false;
    fclose(in);
    iso_descriptor(iso + 16 * ISO_SECTOR, 1);
    iso_descriptor(iso + 17 * ISO_SECTOR, 0);
    memcpy(iso + 17 * ISO_SECTOR + 7, "EL TORITO SPECIFICATION", 23);
    iso[17 * ISO_SECTOR + 0x47] = ISO_CATALOG;
    iso_descriptor(iso + 18 * ISO_SECTOR, 255);
    cat[0] = 1;
    cat[30] = 0x55;
    cat[31] = 0xAA;
    for (int i = 0; i < 32; i += 2)
        sum = (uint16_t)(sum + (cat[i] | cat[i + 1] << 8));
    cat[28] = (uint8_t)-sum;
    cat[29] = (uint8_t)(-sum >> 8);
    cat[32] = 0x88;
    cat[38] = 4;
    cat[40] = ISO_IMAGE;
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    bool ok = f && fwrite(iso, sizeof(iso), 1, f) == 1;
    if (f && fclose(f) != 0)
        ok = false;
    return ok;
}

static void tap(struct machine *m, enum key key)
{
    machine_key(m, key, true);
    (void)machine_run_for(m, 30 * MS);
    machine_key(m, key, false);
    (void)machine_run_for(m, 30 * MS);
}

static void hold(struct machine *m, enum key key, bool down)
{
    machine_key(m, key, down);
    (void)machine_run_for(m, 30 * MS);
}

/* The keys kbd.asm expects, in order. */
static void type_keys(struct machine *m)
{
    (void)machine_run_for(m, 500 * MS);
    tap(m, KEY_A);
    hold(m, KEY_SHIFT, true);
    tap(m, KEY_A);
    hold(m, KEY_SHIFT, false);
    tap(m, KEY_UP);
    tap(m, KEY_UP);
    hold(m, KEY_CTRL, true);
    tap(m, KEY_C);
    hold(m, KEY_CTRL, false);
    tap(m, KEY_KP_1);
    tap(m, KEY_SPC);
    (void)machine_run_for(m, 100 * MS);
    hold(m, KEY_SHIFT, true);
    tap(m, KEY_CAPS_LOCK);
    tap(m, KEY_RET);
    (void)machine_run_for(m, 100 * MS);
    tap(m, KEY_Q);
    hold(m, KEY_SHIFT, false);
}

static int finish(struct machine *m, const char *name, FILE *con)
{
    struct machine_result r = machine_run_for(m, 20000ull * MS);
    char out[4096] = {0}, screen[4096];

    rewind(con);
    size_t n = fread(out, 1, sizeof(out) - 1, con);
    out[n] = '\0';
    printf("%s", out);
    if (r.stop != MACHINE_STOP_DEBUG_EXIT) {
        fprintf(stderr, "FAIL: %s: %s\n", name, machine_stop_reason(r.stop));
        return 1;
    }
    if (strcmp(name, "video") == 0) {
        machine_screen_text(m, screen, sizeof(screen));
        if (!strstr(screen, "video test done")) {
            fprintf(stderr, "FAIL: the screen lacks the test's last line:\n%s\n", screen);
            return 1;
        }
    }
    return r.exit_code == 1 && strstr(out, "PASS") ? 0 : 1;
}

int main(int argc, char **argv)
{
    char disk[] = "/tmp/trapdoor-bios-disk-XXXXXX", iso[] = "/tmp/trapdoor-bios-iso-XXXXXX";
    char err[512];
    bool with_disk = argc == 3 && strcmp(argv[2], "disk") == 0;
    bool with_cd = argc == 3 && strcmp(argv[2], "cdrom") == 0;
    FILE *con = tmpfile();

    if (argc != 3 || !con || (with_disk && !make_disk(disk)) ||
        (with_cd && !make_iso(argv[1], iso))) {
        fprintf(stderr, "usage: test_bios IMAGE NAME (or no temporary files)\n");
        return 1;
    }
    struct machine_config cfg = {
        .ram_size = 64u << 20, .fda = with_cd ? NULL : argv[1],
        .hda = with_disk ? disk : NULL, .cdrom = with_cd ? iso : NULL,
        .boot_order = with_cd ? "d" : NULL, .snapshot = true, .debugcon = con,
        .debug_exit = true, .debug_exit_iobase = 0x501,
    };
    struct machine *m = machine_create(&cfg, err, sizeof(err));
    if (with_disk)
        unlink(disk);
    if (with_cd)
        unlink(iso);
    if (!m) {
        fprintf(stderr, "machine_create: %s\n", err);
        return 1;
    }
    if (strcmp(argv[2], "kbd") == 0)
        type_keys(m);
    int status = finish(m, argv[2], con);
    machine_destroy(m);
    fclose(con);
    return status;
}
