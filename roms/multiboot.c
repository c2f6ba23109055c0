/* Multiboot v1 image parsing and the boot information block, on host buffers only
 * (Multiboot Specification 0.6.96 3.1-3.3; ELF: System V ABI, Intel386
 * supplement). Loading into the guest and the hand-off are in bios_multiboot.c. */
#include "multiboot.h"

#include <stdio.h>
#include <string.h>

enum {
    ELF_HEADER_SIZE = 52,
    ELF_PHDR_SIZE = 32,
    ELFCLASS32 = 1,
    ELFDATA2LSB = 1,
    ET_EXEC = 2,
    EM_386 = 3,
    PT_LOAD = 1,
    /* the a.out kludge fields follow magic, flags and checksum (spec 3.1.3) */
    KLUDGE_SIZE = 32,
    /* flag bits 0-15 are requirements a loader must understand (spec 3.1.2) */
    MB_FLAGS_REQUIRED = 0xFFFF,
    MB_FLAGS_KNOWN = MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO | MB_FLAG_VIDEO_MODE,
    KIB = 1024,
    MEM_LOWER_KB = 640,
    EBDA_START = 0x9FC00,
    BIOS_AREA_START = 0xF0000,
    MMAP_USABLE = 1,
    MMAP_RESERVED = 2,
};

static uint32_t le32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* Offset of the first header whose checksum holds; -1 with a message if none. */
static long find_header(const uint8_t *data, size_t size, char *err, size_t errlen)
{
    size_t limit = size < MB_SEARCH_LIMIT ? size : MB_SEARCH_LIMIT;
    bool bad_sum = false;

    for (size_t off = 0; off + 12 <= limit; off += 4) {
        if (le32(data + off) != MB_HEADER_MAGIC)
            continue;
        if ((uint32_t)(le32(data + off) + le32(data + off + 4) + le32(data + off + 8)) == 0)
            return (long)off;
        bad_sum = true;
    }
    if (bad_sum)
        snprintf(err, errlen, "bad multiboot header checksum (magic + flags + checksum "
                 "must be 0)");
    else
        snprintf(err, errlen, "no multiboot header (magic 1BADB002h) in the first 8 KiB");
    return -1;
}

static bool add_segment(struct mb_image *img, uint32_t offset, uint32_t paddr, uint32_t filesz,
                        uint32_t memsz, char *err, size_t errlen)
{
    if (img->nseg == MB_MAX_SEGMENTS) {
        snprintf(err, errlen, "more than %d loadable segments", MB_MAX_SEGMENTS);
        return false;
    }
    img->seg[img->nseg++] = (struct mb_segment){offset, paddr, filesz, memsz};
    return true;
}

/* Header flag bit 16: load_addr..load_end_addr from the file, zeros to
 * bss_end_addr (spec 3.1.3). The file offset of load_addr follows from where
 * the header is in the file and in memory. */
static bool parse_kludge(const uint8_t *data, size_t size, size_t hdr, struct mb_image *img,
                         char *err, size_t errlen)
{
    if (hdr + KLUDGE_SIZE > size) {
        snprintf(err, errlen, "the multiboot header's address fields are cut off");
        return false;
    }
    const uint8_t *h = data + hdr;
    uint32_t header_addr = le32(h + 12), load_addr = le32(h + 16);
    uint32_t load_end = le32(h + 20), bss_end = le32(h + 24);
    img->entry = le32(h + 28);
    if (header_addr < load_addr || header_addr - load_addr > hdr) {
        snprintf(err, errlen, "address fields: load_addr %08Xh is not before header_addr "
                 "%08Xh within the file", load_addr, header_addr);
        return false;
    }
    uint32_t offset = (uint32_t)hdr - (header_addr - load_addr);
    uint32_t filesz = load_end ? load_end - load_addr : (uint32_t)(size - offset);
    if (load_end && (load_end < load_addr || (uint64_t)offset + filesz > size)) {
        snprintf(err, errlen, "address fields: load_end_addr %08Xh is before load_addr or "
                 "past the end of the file", load_end);
        return false;
    }
    uint32_t memsz = bss_end ? bss_end - load_addr : filesz;
    if (bss_end && (bss_end < load_addr || memsz < filesz)) {
        snprintf(err, errlen, "address fields: bss_end_addr %08Xh is before load_end_addr",
                 bss_end);
        return false;
    }
    if (img->entry < load_addr || img->entry - load_addr >= memsz) {
        snprintf(err, errlen, "address fields: entry_addr %08Xh is outside the loaded image",
                 img->entry);
        return false;
    }
    return add_segment(img, offset, load_addr, filesz, memsz, err, errlen);
}

static bool is_elf32_i386(const uint8_t *data, size_t size)
{
    return size >= ELF_HEADER_SIZE && memcmp(data, "\x7F" "ELF", 4) == 0 &&
           data[4] == ELFCLASS32 && data[5] == ELFDATA2LSB && le16(data + 18) == EM_386;
}

/* One program header: PT_LOAD segments are loaded at their physical address
 * (p_paddr), as GRUB does. */
static bool parse_phdr(const uint8_t *ph, size_t size, struct mb_image *img, char *err,
                       size_t errlen)
{
    uint32_t offset = le32(ph + 4), paddr = le32(ph + 12);
    uint32_t filesz = le32(ph + 16), memsz = le32(ph + 20);

    if (le32(ph) != PT_LOAD || memsz == 0)
        return true;
    if (filesz > memsz || (uint64_t)offset + filesz > size) {
        snprintf(err, errlen, "ELF segment at %08Xh: file size %u is larger than its memory "
                 "size %u or runs past the end of the file", paddr, filesz, memsz);
        return false;
    }
    return add_segment(img, offset, paddr, filesz, memsz, err, errlen);
}

static bool parse_elf(const uint8_t *data, size_t size, struct mb_image *img, char *err,
                      size_t errlen)
{
    uint32_t phoff = le32(data + 28);
    unsigned phentsize = le16(data + 42), phnum = le16(data + 44);

    if (le16(data + 16) != ET_EXEC) {
        snprintf(err, errlen, "the ELF file is not an executable (e_type %u)", le16(data + 16));
        return false;
    }
    if (phentsize < ELF_PHDR_SIZE || (uint64_t)phoff + (uint64_t)phnum * phentsize > size) {
        snprintf(err, errlen, "the ELF program header table is cut off or malformed");
        return false;
    }
    img->entry = le32(data + 24);
    for (unsigned i = 0; i < phnum; i++) {
        if (!parse_phdr(data + phoff + (size_t)i * phentsize, size, img, err, errlen))
            return false;
    }
    if (img->nseg == 0) {
        snprintf(err, errlen, "the ELF file has no loadable (PT_LOAD) segments");
        return false;
    }
    return true;
}

static bool check_segment(const struct mb_segment *s, uint32_t ram_size, char *err,
                          size_t errlen)
{
    uint64_t end = (uint64_t)s->paddr + s->memsz;

    if (end > ram_size) {
        snprintf(err, errlen, "segment %08Xh-%08llXh lies outside RAM (%u KiB)", s->paddr,
                 (unsigned long long)end - 1, ram_size / KIB);
        return false;
    }
    if (s->paddr < MB_HOLE_END && end > MB_HOLE_START) {
        snprintf(err, errlen, "segment %08Xh-%08llXh overlaps the 640 KiB-1 MiB hole "
                 "(A0000h-FFFFFh)", s->paddr, (unsigned long long)end - 1);
        return false;
    }
    return true;
}

static bool check_ram(const struct mb_image *img, uint32_t ram_size, char *err, size_t errlen)
{
    uint64_t total = 0;

    for (unsigned i = 0; i < img->nseg; i++)
        total += img->seg[i].memsz;
    if (total > ram_size) {
        snprintf(err, errlen, "the kernel needs %llu KiB, more than the %u KiB of RAM",
                 (unsigned long long)(total + KIB - 1) / KIB, ram_size / KIB);
        return false;
    }
    for (unsigned i = 0; i < img->nseg; i++) {
        if (!check_segment(&img->seg[i], ram_size, err, errlen))
            return false;
    }
    return true;
}

static bool overlaps_kernel(const struct mb_image *img, uint32_t base, uint32_t len)
{
    for (unsigned i = 0; i < img->nseg; i++) {
        const struct mb_segment *s = &img->seg[i];
        if (s->paddr < base + len && (uint64_t)s->paddr + s->memsz > base)
            return true;
    }
    return false;
}

/* The first 4 KiB-aligned stretch of conventional memory the kernel leaves free. */
static bool place_area(struct mb_image *img, char *err, size_t errlen)
{
    for (uint32_t base = MB_LOW_START; base + MB_AREA_SIZE <= MB_LOW_END; base += 0x1000) {
        if (!overlaps_kernel(img, base, MB_AREA_SIZE)) {
            img->area = base;
            return true;
        }
    }
    snprintf(err, errlen, "the kernel leaves no %u KiB of conventional memory free for "
             "the multiboot information", MB_AREA_SIZE / KIB);
    return false;
}

static bool check_flags(uint32_t flags, char *err, size_t errlen)
{
    /* Bit 2 (a video mode) is not supported and ignored: the kernel starts in
     * the BIOS's text mode 3, as on a loader without graphics. Bit 0 (modules
     * on page boundaries) holds trivially: no modules are loaded. */
    uint32_t unknown = flags & MB_FLAGS_REQUIRED & ~(uint32_t)MB_FLAGS_KNOWN;

    if (unknown) {
        snprintf(err, errlen, "the multiboot header requires features this loader does "
                 "not know (flags %04Xh)", unknown);
        return false;
    }
    return true;
}

bool mb_parse(const uint8_t *data, size_t size, uint32_t ram_size, struct mb_image *img,
              char *err, size_t errlen)
{
    long hdr = find_header(data, size, err, errlen);

    memset(img, 0, sizeof(*img));
    if (hdr < 0)
        return false;
    img->header_flags = le32(data + hdr + 4);
    if (!check_flags(img->header_flags, err, errlen))
        return false;
    if (img->header_flags & MB_FLAG_ADDRESS) {
        if (!parse_kludge(data, size, (size_t)hdr, img, err, errlen))
            return false;
    } else if (!is_elf32_i386(data, size)) {
        snprintf(err, errlen, "not an ELF32 i386 executable, and the multiboot header has "
                 "no address fields (flag bit 16)");
        return false;
    } else if (!parse_elf(data, size, img, err, errlen)) {
        return false;
    }
    return check_ram(img, ram_size, err, errlen) && place_area(img, err, errlen);
}

/* ---------------------------------------------------------------- info block */

/* Flat 4 GiB segments, base 0, G = 1, D = 1, accessed (SDM vol. 3 3.4.5). */
static const uint8_t gdt[3][8] = {
    {0},
    {0xFF, 0xFF, 0x00, 0x00, 0x00, 0x9B, 0xCF, 0x00},
    {0xFF, 0xFF, 0x00, 0x00, 0x00, 0x93, 0xCF, 0x00},
};

static unsigned put_mmap(uint8_t *p, uint32_t base, uint32_t len, uint32_t type)
{
    /* size excludes the size field itself (spec 3.3) */
    put32(p, MB_MMAP_ENTRY - 4);
    put32(p + 4, base);
    put32(p + 8, 0);
    put32(p + 12, len);
    put32(p + 16, 0);
    put32(p + 20, type);
    return MB_MMAP_ENTRY;
}

/* The map the BIOS's INT 15h E820h reports: the EBDA and the BIOS area reserved. */
static unsigned build_mmap(uint8_t *p, uint32_t ram_size)
{
    unsigned n = 0;

    n += put_mmap(p + n, 0, EBDA_START, MMAP_USABLE);
    n += put_mmap(p + n, EBDA_START, MB_HOLE_START - EBDA_START, MMAP_RESERVED);
    n += put_mmap(p + n, BIOS_AREA_START, MB_HOLE_END - BIOS_AREA_START, MMAP_RESERVED);
    if (ram_size > MB_HOLE_END)
        n += put_mmap(p + n, MB_HOLE_END, ram_size - MB_HOLE_END, MMAP_USABLE);
    return n;
}

void mb_build_area(const struct mb_image *img, uint32_t ram_size, const char *cmdline,
                   uint8_t *area)
{
    uint8_t *info = area + MB_AREA_INFO;
    size_t len = strlen(cmdline);

    memset(area, 0, MB_AREA_STACK);
    memcpy(area + MB_AREA_GDT, gdt, sizeof(gdt));
    put32(info, MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MMAP | MB_INFO_LOADER_NAME);
    put32(info + 4, MEM_LOWER_KB);
    put32(info + 8, ram_size > MB_HOLE_END ? (ram_size - MB_HOLE_END) / KIB : 0);
    put32(info + 16, img->area + MB_AREA_CMDLINE);
    put32(info + 44, build_mmap(area + MB_AREA_MMAP, ram_size));
    put32(info + 48, img->area + MB_AREA_MMAP);
    put32(info + 64, img->area + MB_AREA_NAME);
    memcpy(area + MB_AREA_NAME, "trapdoor", sizeof("trapdoor"));
    if (len >= MB_CMDLINE_MAX)
        len = MB_CMDLINE_MAX - 1;
    memcpy(area + MB_AREA_CMDLINE, cmdline, len);
}
