/* Test material for test_decode_capstone: whole files, the .text section of an
 * i386 ELF32 file (System V gABI), and the program files on a FAT12 floppy image
 * (Microsoft FAT specification: BPB, FAT12 chains). */
#ifndef TD_DECODE_MATERIAL_H
#define TD_DECODE_MATERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The whole file in a malloc'd buffer (size set), or NULL. */
uint8_t *read_file(const char *path, size_t *size);

/* little-endian fields */
uint32_t rd16(const uint8_t *p);
uint32_t rd32(const uint8_t *p);

/* ELF32 (System V gABI): find .text; returns false if absent or not i386 ELF. */
bool elf_text(const uint8_t *img, size_t size, size_t *off, size_t *len, uint32_t *addr);

struct fat {
    const uint8_t *img;
    size_t size;
    uint32_t cluster_bytes, fat_off, root_off, root_entries, data_off;
};

/* Read the BPB of the image img (which must outlive f); false if it is not a
 * FAT volume with 512-byte sectors. */
bool fat_open(struct fat *f, const uint8_t *img, size_t size);

/* Call code_file with the contents of every COM, EXE and KERNEL.SYS file, in the
 * root directory and up to four directory levels below it. */
void fat_for_each_code_file(const struct fat *f,
                            void (*code_file)(void *opaque, const uint8_t *buf, size_t len),
                            void *opaque);

#endif
