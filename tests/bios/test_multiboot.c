/* Unit tests for roms/multiboot.c on crafted images: the header search, flags,
 * the a.out-kludge address fields and ELF32 program headers, RAM and hole checks,
 * the area placement and the information block (Multiboot Specification 0.6.96). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "multiboot.h"

enum {
    IMG_SIZE = 16384,
    RAM_16M = 16u << 20,
    PHDR_AT = 52,
    ELF_HDR_AT = 0x200,
    KLUDGE_HDR_AT = 8,
};

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static uint32_t get32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_header(uint8_t *img, size_t at, uint32_t flags)
{
    put32(img + at, MB_HEADER_MAGIC);
    put32(img + at + 4, flags);
    put32(img + at + 8, 0u - MB_HEADER_MAGIC - flags);
}

/* A kludge image: the file loads at load_addr, the header 8 bytes in. */
static void make_kludge(uint8_t *img, uint32_t load_addr, uint32_t load_end, uint32_t bss_end,
                        uint32_t entry)
{
    memset(img, 0, IMG_SIZE);
    put_header(img, KLUDGE_HDR_AT, MB_FLAG_ADDRESS | MB_FLAG_MEMORY_INFO);
    put32(img + KLUDGE_HDR_AT + 12, load_addr + KLUDGE_HDR_AT);
    put32(img + KLUDGE_HDR_AT + 16, load_addr);
    put32(img + KLUDGE_HDR_AT + 20, load_end);
    put32(img + KLUDGE_HDR_AT + 24, bss_end);
    put32(img + KLUDGE_HDR_AT + 28, entry);
}

static void put_phdr(uint8_t *img, unsigned i, uint32_t type, uint32_t offset, uint32_t paddr,
                     uint32_t filesz, uint32_t memsz)
{
    uint8_t *ph = img + PHDR_AT + i * 32;

    put32(ph, type);
    put32(ph + 4, offset);
    put32(ph + 8, paddr + 0xC0000000u);
    put32(ph + 12, paddr);
    put32(ph + 16, filesz);
    put32(ph + 20, memsz);
}

/* An ELF32 i386 executable with phnum program headers (filled by the caller)
 * and the multiboot header (flags 3) at ELF_HDR_AT. */
static void make_elf(uint8_t *img, unsigned phnum, uint32_t entry)
{
    memset(img, 0, IMG_SIZE);
    memcpy(img, "\x7F" "ELF\x01\x01\x01", 7);
    put16(img + 16, 2);
    put16(img + 18, 3);
    put32(img + 24, entry);
    put32(img + 28, PHDR_AT);
    put16(img + 42, 32);
    put16(img + 44, (uint16_t)phnum);
    put_header(img, ELF_HDR_AT, MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO);
}

static void expect_error(const uint8_t *img, size_t size, uint32_t ram, const char *text)
{
    struct mb_image mb;
    char err[256] = "";

    assert_false(mb_parse(img, size, ram, &mb, err, sizeof(err)));
    if (!strstr(err, text))
        fail_msg("error '%s' lacks '%s'", err, text);
}

static void expect_ok(const uint8_t *img, size_t size, uint32_t ram, struct mb_image *mb)
{
    char err[256] = "";

    if (!mb_parse(img, size, ram, mb, err, sizeof(err)))
        fail_msg("mb_parse failed: %s", err);
}

static void test_kludge_good(void **state)
{
    static uint8_t img[IMG_SIZE];
    struct mb_image mb;

    make_kludge(img, 0x100000, 0x103000, 0x108000, 0x100040);
    expect_ok(img, IMG_SIZE, RAM_16M, &mb);
    assert_int_equal(mb.entry, 0x100040);
    assert_int_equal(mb.nseg, 1);
    assert_int_equal(mb.seg[0].offset, 0);
    assert_int_equal(mb.seg[0].paddr, 0x100000);
    assert_int_equal(mb.seg[0].filesz, 0x3000);
    assert_int_equal(mb.seg[0].memsz, 0x8000);
    assert_int_equal(mb.area, MB_LOW_START);
    /* load_end 0: the rest of the file; bss_end 0: no bss */
    make_kludge(img, 0x100000, 0, 0, 0x100040);
    expect_ok(img, IMG_SIZE, RAM_16M, &mb);
    assert_int_equal(mb.seg[0].filesz, IMG_SIZE);
    assert_int_equal(mb.seg[0].memsz, IMG_SIZE);
}

static void test_kludge_text_before_header(void **state)
{
    static uint8_t img[IMG_SIZE];
    struct mb_image mb;

    /* the header 8 bytes into the file, load_addr 4 bytes before the header:
     * the file's first 4 bytes are not loaded */
    make_kludge(img, 0x100000, 0, 0, 0x100010);
    put32(img + KLUDGE_HDR_AT + 16, 0x100004);
    expect_ok(img, IMG_SIZE, RAM_16M, &mb);
    assert_int_equal(mb.seg[0].offset, 4);
    assert_int_equal(mb.seg[0].paddr, 0x100004);
}

static void test_kludge_bad_fields(void **state)
{
    static uint8_t img[IMG_SIZE];

    make_kludge(img, 0x100000, 0, 0, 0x100040);
    put32(img + KLUDGE_HDR_AT + 16, 0x100100);
    expect_error(img, IMG_SIZE, RAM_16M, "load_addr");
    make_kludge(img, 0x100000, 0x100000 + IMG_SIZE + 1, 0, 0x100040);
    expect_error(img, IMG_SIZE, RAM_16M, "load_end_addr");
    make_kludge(img, 0x100000, 0x102000, 0x101000, 0x100040);
    expect_error(img, IMG_SIZE, RAM_16M, "bss_end_addr");
    make_kludge(img, 0x100000, 0x102000, 0, 0x200000);
    expect_error(img, IMG_SIZE, RAM_16M, "entry_addr");
    make_kludge(img, 0x100000, 0, 0, 0x100040);
    expect_error(img, KLUDGE_HDR_AT + 20, RAM_16M, "address fields are cut off");
}

static void test_elf_good(void **state)
{
    static uint8_t img[IMG_SIZE];
    struct mb_image mb;

    make_elf(img, 4, 0x100100);
    put_phdr(img, 0, 1, 0, 0x100000, 0x2000, 0x2000);
    put_phdr(img, 1, 4, 0x2000, 0, 0x10, 0x10);            /* PT_NOTE: skipped */
    put_phdr(img, 2, 1, 0x2000, 0x200000, 0x1000, 0x5000); /* data and bss */
    put_phdr(img, 3, 1, 0, 0x300000, 0, 0);                /* empty: skipped */
    expect_ok(img, IMG_SIZE, RAM_16M, &mb);
    assert_int_equal(mb.entry, 0x100100);
    assert_int_equal(mb.nseg, 2);
    assert_int_equal(mb.seg[1].offset, 0x2000);
    /* the physical address, not the virtual one */
    assert_int_equal(mb.seg[1].paddr, 0x200000);
    assert_int_equal(mb.seg[1].filesz, 0x1000);
    assert_int_equal(mb.seg[1].memsz, 0x5000);
}

static void test_elf_bad(void **state)
{
    static uint8_t img[IMG_SIZE];

    make_elf(img, 1, 0x100000);
    put_phdr(img, 0, 1, 0, 0x100000, 0x2000, 0x1000);
    expect_error(img, IMG_SIZE, RAM_16M, "larger than its memory size");
    put_phdr(img, 0, 1, IMG_SIZE - 0x100, 0x100000, 0x200, 0x1000);
    expect_error(img, IMG_SIZE, RAM_16M, "past the end of the file");
    put_phdr(img, 0, 4, 0, 0x100000, 0x200, 0x1000);
    expect_error(img, IMG_SIZE, RAM_16M, "no loadable (PT_LOAD) segments");
    put32(img + 28, IMG_SIZE - 16);
    expect_error(img, IMG_SIZE, RAM_16M, "program header table");
    make_elf(img, 1, 0x100000);
    put16(img + 16, 3);
    expect_error(img, IMG_SIZE, RAM_16M, "not an executable");
}

static void test_not_elf32_i386(void **state)
{
    static uint8_t img[IMG_SIZE];
    static const char *const want = "not an ELF32 i386 executable";

    make_elf(img, 1, 0x100000);
    put_phdr(img, 0, 1, 0, 0x100000, 0x1000, 0x1000);
    img[4] = 2;
    expect_error(img, IMG_SIZE, RAM_16M, want);
    img[4] = 1;
    img[5] = 2;
    expect_error(img, IMG_SIZE, RAM_16M, want);
    img[5] = 1;
    put16(img + 18, 62);
    expect_error(img, IMG_SIZE, RAM_16M, want);
    memset(img, 0, 4);
    expect_error(img, IMG_SIZE, RAM_16M, want);
}

static void test_header_search(void **state)
{
    static uint8_t img[IMG_SIZE];
    struct mb_image mb;

    make_elf(img, 1, 0x100000);
    put_phdr(img, 0, 1, 0, 0x100000, 0x1000, 0x1000);
    memset(img + ELF_HDR_AT, 0, 12);
    expect_error(img, IMG_SIZE, RAM_16M, "no multiboot header");
    /* not 4-byte aligned */
    put_header(img, ELF_HDR_AT + 2, MB_FLAG_MEMORY_INFO);
    expect_error(img, IMG_SIZE, RAM_16M, "no multiboot header");
    /* the last aligned place inside the first 8 KiB, then just past it */
    memset(img + ELF_HDR_AT, 0, 16);
    put_header(img, MB_SEARCH_LIMIT - 12, MB_FLAG_MEMORY_INFO);
    expect_ok(img, IMG_SIZE, RAM_16M, &mb);
    memset(img + MB_SEARCH_LIMIT - 12, 0, 12);
    put_header(img, MB_SEARCH_LIMIT, MB_FLAG_MEMORY_INFO);
    expect_error(img, IMG_SIZE, RAM_16M, "first 8 KiB");
    expect_error(img, 8, RAM_16M, "no multiboot header");
}

static void test_checksum_and_flags(void **state)
{
    static uint8_t img[IMG_SIZE];
    struct mb_image mb;

    make_elf(img, 1, 0x100000);
    put_phdr(img, 0, 1, 0, 0x100000, 0x1000, 0x1000);
    put32(img + ELF_HDR_AT + 8, get32(img + ELF_HDR_AT + 8) + 1);
    expect_error(img, IMG_SIZE, RAM_16M, "bad multiboot header checksum");
    /* bit 3 is a requirement the loader does not know */
    put_header(img, ELF_HDR_AT, MB_FLAG_MEMORY_INFO | 1u << 3);
    expect_error(img, IMG_SIZE, RAM_16M, "flags 0008h");
    /* bit 2 (video mode) is accepted and ignored; bits above 15 are optional */
    put_header(img, ELF_HDR_AT, MB_FLAG_VIDEO_MODE | 1u << 20);
    expect_ok(img, IMG_SIZE, RAM_16M, &mb);
}

static void test_ram_checks(void **state)
{
    static uint8_t img[IMG_SIZE];

    make_kludge(img, 0x100000, 0, 0x100000 + (20u << 20), 0x100040);
    expect_error(img, IMG_SIZE, RAM_16M, "the kernel needs 20480 KiB, more than the 16384 KiB");
    make_kludge(img, 0xFFF000, 0, 0, 0xFFF040);
    expect_error(img, IMG_SIZE, RAM_16M, "segment 00FFF000h-01002FFFh lies outside RAM");
    make_kludge(img, 0x9E000, 0, 0, 0x9E040);
    expect_error(img, IMG_SIZE, RAM_16M, "overlaps the 640 KiB-1 MiB hole");
    make_kludge(img, 0xFF000, 0, 0, 0xFF040);
    expect_error(img, IMG_SIZE, RAM_16M, "overlaps the 640 KiB-1 MiB hole");
}

static void test_area_placement(void **state)
{
    static uint8_t img[IMG_SIZE];
    struct mb_image mb;

    make_elf(img, 2, 0x100000);
    put_phdr(img, 0, 1, 0, 0x100000, 0x1000, 0x1000);
    put_phdr(img, 1, 1, 0, 0x800, 0, 0x4800);
    expect_ok(img, IMG_SIZE, RAM_16M, &mb);
    assert_int_equal(mb.area, 0x5000);
    put_phdr(img, 1, 1, 0, 0x800, 0, MB_LOW_END - 0x1000);
    expect_error(img, IMG_SIZE, RAM_16M, "no 12 KiB of conventional memory free");
}

static void check_mmap(const uint8_t *e, uint32_t base, uint32_t len, uint32_t type)
{
    assert_int_equal(get32(e), 20);
    assert_int_equal(get32(e + 4), base);
    assert_int_equal(get32(e + 8), 0);
    assert_int_equal(get32(e + 12), len);
    assert_int_equal(get32(e + 16), 0);
    assert_int_equal(get32(e + 20), type);
}

static void test_build_area(void **state)
{
    static const uint8_t code[8] = {0xFF, 0xFF, 0, 0, 0, 0x9B, 0xCF, 0};
    static const uint8_t data[8] = {0xFF, 0xFF, 0, 0, 0, 0x93, 0xCF, 0};
    static uint8_t area[MB_AREA_STACK];
    struct mb_image mb = {.area = 0x5000};
    const uint8_t *info = area + MB_AREA_INFO, *mmap = area + MB_AREA_MMAP;

    memset(area, 0xAA, sizeof(area));
    mb_build_area(&mb, RAM_16M, "/boot/kernel root=hd0", area);
    assert_int_equal(get32(area), 0);
    assert_memory_equal(area + MB_SEL_CODE, code, 8);
    assert_memory_equal(area + MB_SEL_DATA, data, 8);
    assert_int_equal(get32(info), 0x245);
    assert_int_equal(get32(info + 4), 640);
    assert_int_equal(get32(info + 8), 15 * 1024);
    assert_int_equal(get32(info + 16), 0x5000 + MB_AREA_CMDLINE);
    assert_string_equal((const char *)area + MB_AREA_CMDLINE, "/boot/kernel root=hd0");
    assert_int_equal(get32(info + 44), 4 * MB_MMAP_ENTRY);
    assert_int_equal(get32(info + 48), 0x5000 + MB_AREA_MMAP);
    assert_int_equal(get32(info + 64), 0x5000 + MB_AREA_NAME);
    assert_string_equal((const char *)area + MB_AREA_NAME, "trapdoor");
    check_mmap(mmap, 0, 0x9FC00, 1);
    check_mmap(mmap + 24, 0x9FC00, 0x400, 2);
    check_mmap(mmap + 48, 0xF0000, 0x10000, 2);
    check_mmap(mmap + 72, 0x100000, 15u << 20, 1);
    /* 1 MiB of RAM: nothing above 1 MiB */
    mb_build_area(&mb, 1u << 20, "", area);
    assert_int_equal(get32(info + 8), 0);
    assert_int_equal(get32(info + 44), 3 * MB_MMAP_ENTRY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kludge_good),
        cmocka_unit_test(test_kludge_text_before_header),
        cmocka_unit_test(test_kludge_bad_fields),
        cmocka_unit_test(test_elf_good),
        cmocka_unit_test(test_elf_bad),
        cmocka_unit_test(test_not_elf32_i386),
        cmocka_unit_test(test_header_search),
        cmocka_unit_test(test_checksum_and_flags),
        cmocka_unit_test(test_ram_checks),
        cmocka_unit_test(test_area_placement),
        cmocka_unit_test(test_build_area),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
