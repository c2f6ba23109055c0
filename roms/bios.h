/* The trapdoor BIOS, VMM half: the services the 16-bit stubs of bios.asm trap
 * into, written in C against the machine's state (docs/internals.md, "BIOS"). */
#ifndef TD_BIOS_H
#define TD_BIOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpu;
struct bus;
struct ioports;
struct log;
struct block;

enum { BIOS_IMAGE_SIZE = 64 * 1024, BIOS_HC_PORT = 0xEF };

struct bios_config {
    struct cpu *cpu;
    struct bus *bus;
    struct ioports *io;
    struct log *log;
    uint32_t ram_size;
    /* disk images (NULL: absent); the BIOS reads and writes them directly */
    struct block *floppy[2];
    struct block *disk[2];
    struct block *cdrom;
    /* QEMU -boot order: letters a (floppy), c (hard disk), d (CD-ROM) */
    const char *boot_order;
    /* a Multiboot kernel to load and enter at INT 19h instead of booting a
     * disk (NULL: none), and the text after its path on its command line */
    const char *kernel;
    const char *kernel_cmdline;
};

struct bios;

/* Check the 64 KiB image (built from bios.asm), write the fonts into it (the
 * caller maps it afterwards), read and check the Multiboot kernel if any, and
 * register the hypercall port. NULL and a message in err on a bad image, a
 * missing or unusable kernel, a port conflict or no memory. The config's
 * pointers must outlive the BIOS. */
struct bios *bios_create(const struct bios_config *cfg, uint8_t *image, size_t size, char *err,
                         size_t errlen) __attribute__((warn_unused_result));
void bios_destroy(struct bios *b);

/* The image embedded in the executable (roms/bios_rom.S). */
extern const uint8_t td_bios_rom[];
extern const uint32_t td_bios_rom_size;

#endif
