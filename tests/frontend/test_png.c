/* Unit tests for frontend/png.c: pictures written and read back by an
 * independent decoder (png_decode.c, zlib inflate), strides, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <zlib.h>

#include "png.h"
#include "png_decode.h"

static void temp_path(char *buf, size_t size)
{
    snprintf(buf, size, "/tmp/td_test_png_%ld.png", (long)getpid());
}

/* A picture of width x height in a buffer of stride pixels, the padding
 * filled with a value that must not appear in the file. */
static void roundtrip(unsigned width, unsigned height, unsigned stride, uint32_t seed)
{
    uint32_t *px = malloc(sizeof(uint32_t) * stride * height), *back;
    unsigned w, h;
    char path[64], err[256], why[256];

    for (unsigned y = 0; y < height; y++)
        for (unsigned x = 0; x < stride; x++)
            px[y * stride + x] = x < width ? (seed * (y * 977 + x * 131 + 7)) & 0xFFFFFF
                                           : 0xFF123456;
    temp_path(path, sizeof(path));
    assert_true(png_write_xrgb(path, px, stride, width, height, err, sizeof(err)));
    back = png_decode_file(path, &w, &h, why, sizeof(why));
    if (!back)
        fail_msg("decode: %s", why);
    assert_int_equal(w, width);
    assert_int_equal(h, height);
    for (unsigned y = 0; y < height; y++)
        assert_memory_equal(back + y * width, px + y * stride, width * sizeof(uint32_t));
    free(back);
    free(px);
    unlink(path);
}

static void test_roundtrip(void **state)
{
    roundtrip(1, 1, 1, 0x9E3779B1u);
    roundtrip(720, 400, 1024, 0x01000193u);
    roundtrip(320, 200, 320, 0xDEADBEEFu);
    roundtrip(17, 3, 40, 0x00010001u);
}

/* A flat picture compresses: the IDAT really is deflated. */
static void test_compresses(void **state)
{
    uint32_t *px = calloc(640 * 480, sizeof(uint32_t));
    char path[64], err[256];
    FILE *f;
    long size;

    temp_path(path, sizeof(path));
    assert_true(png_write_xrgb(path, px, 640, 640, 480, err, sizeof(err)));
    f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fclose(f);
    assert_true(size > 57 && size < 640 * 480 * 3 / 50);
    free(px);
    unlink(path);
}

/* Known answer: a 1x1 red picture starts with the signature and the IHDR
 * every 1x1 RGB PNG has (CRC 907753DEh), and its IDAT inflates to the filter
 * byte 0 and R, G, B = FF 00 00 (PNG spec 7.2: red first). */
static void test_known_bytes(void **state)
{
    static const uint8_t head[33] = {
        0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
        0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xDE,
    };
    static const uint8_t raw_expected[4] = {0x00, 0xFF, 0x00, 0x00};
    uint32_t red = 0x00FF0000;
    uint8_t file[256], raw[16];
    uLongf raw_len = sizeof(raw);
    char path[64], err[256];
    size_t len;
    FILE *f;

    temp_path(path, sizeof(path));
    assert_true(png_write_xrgb(path, &red, 1, 1, 1, err, sizeof(err)));
    f = fopen(path, "rb");
    assert_non_null(f);
    len = fread(file, 1, sizeof(file), f);
    fclose(f);
    unlink(path);
    assert_true(len > 33 + 12 + 12);
    assert_memory_equal(file, head, sizeof(head));
    assert_memory_equal(file + 37, "IDAT", 4);
    uint32_t idat_len = (uint32_t)file[33] << 24 | file[34] << 16 | file[35] << 8 | file[36];
    assert_int_equal(uncompress(raw, &raw_len, file + 41, idat_len), Z_OK);
    assert_int_equal(raw_len, 4);
    assert_memory_equal(raw, raw_expected, 4);
    assert_memory_equal(file + len - 12, "\0\0\0\0IEND\xAE\x42\x60\x82", 12);
}

static void test_errors(void **state)
{
    uint32_t px[4] = {0};
    char err[256];

    assert_false(png_write_xrgb("/nonexistent-dir/x.png", px, 2, 2, 2, err, sizeof(err)));
    assert_non_null(strstr(err, "/nonexistent-dir/x.png"));
    assert_false(png_write_xrgb("/tmp/td_empty.png", px, 2, 0, 2, err, sizeof(err)));
    assert_non_null(strstr(err, "empty"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_compresses),
        cmocka_unit_test(test_known_bytes),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
