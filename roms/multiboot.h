/* Multiboot v1 kernels: finding and checking the header, the ELF32 or a.out-kludge
 * load segments, and building the boot information block, all on host buffers
 * (Multiboot Specification 0.6.96, sections 3.1-3.3). The BIOS loads and enters. */
#ifndef TD_MULTIBOOT_H
#define TD_MULTIBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    MB_HEADER_MAGIC = 0x1BADB002,
    /* EAX at entry (spec 3.2) */
    MB_BOOT_MAGIC = 0x2BADB002,
    /* the header must lie in the first 8 KiB, 4-byte aligned (spec 3.1.1) */
    MB_SEARCH_LIMIT = 8192,
    /* header flags (spec 3.1.2) */
    MB_FLAG_PAGE_ALIGN = 1u << 0,
    MB_FLAG_MEMORY_INFO = 1u << 1,
    MB_FLAG_VIDEO_MODE = 1u << 2,
    MB_FLAG_ADDRESS = 1u << 16,
    MB_MAX_SEGMENTS = 16,
};

/* Info structure flags (spec 3.3). */
enum {
    MB_INFO_MEMORY = 1u << 0,
    MB_INFO_CMDLINE = 1u << 2,
    MB_INFO_MMAP = 1u << 6,
    MB_INFO_LOADER_NAME = 1u << 9,
};

/* The area the loader fills in low memory: a GDT, the info structure, the
 * memory map, the boot loader name, the command line, then a small stack.
 * Offsets from the area's base. */
enum {
    MB_AREA_GDT = 0x0000,
    MB_AREA_INFO = 0x0020,
    MB_AREA_MMAP = 0x0080,
    MB_AREA_NAME = 0x0100,
    MB_AREA_CMDLINE = 0x0110,
    MB_AREA_STACK = 0x2000,
    MB_AREA_SIZE = 0x3000,
    MB_CMDLINE_MAX = MB_AREA_STACK - MB_AREA_CMDLINE,
    /* the GDT's selectors: null, flat 32-bit code, flat data */
    MB_SEL_CODE = 0x08,
    MB_SEL_DATA = 0x10,
    MB_GDT_LIMIT = 3 * 8 - 1,
    MB_INFO_SIZE = 88,
    MB_MMAP_ENTRY = 24,
};

/* The hole between conventional memory and 1 MiB (VGA memory, ROMs), and the
 * low memory the loader's area may use (above the IVT and BIOS data area, below
 * the EBDA). */
enum {
    MB_HOLE_START = 0xA0000,
    MB_HOLE_END = 0x100000,
    MB_LOW_START = 0x1000,
    MB_LOW_END = 0x9F000,
};

/* One piece of the image to place in guest memory: filesz bytes of the file
 * from offset, then zeros up to memsz (the bss). */
struct mb_segment {
    uint32_t offset, paddr, filesz, memsz;
};

struct mb_image {
    uint32_t header_flags;
    uint32_t entry;
    unsigned nseg;
    struct mb_segment seg[MB_MAX_SEGMENTS];
    /* base of the loader's area (MB_AREA_*) in free conventional memory */
    uint32_t area;
};

/* Check a kernel image of size bytes for a machine with ram_size bytes of RAM
 * and describe how to load it. false with a message naming the problem in err
 * (no header, bad checksum, unsupported required feature, not ELF32 i386 and no
 * address fields, a truncated file, a segment outside RAM or in the 640 KiB-1 MiB
 * hole, a kernel larger than RAM, no room left in low memory). */
bool mb_parse(const uint8_t *data, size_t size, uint32_t ram_size, struct mb_image *img,
              char *err, size_t errlen) __attribute__((warn_unused_result));

/* Fill area (MB_AREA_STACK bytes, for the area at img->area) with the GDT, the
 * info structure (memory sizes and map for ram_size bytes of RAM, cmdline, the
 * loader name "trapdoor"). cmdline must be shorter than MB_CMDLINE_MAX. */
void mb_build_area(const struct mb_image *img, uint32_t ram_size, const char *cmdline,
                   uint8_t *area);

#endif
