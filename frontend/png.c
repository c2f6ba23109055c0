/* PNG writer (PNG specification, 2nd edition): signature, IHDR, one IDAT holding
 * the zlib stream of the filtered scanlines (filter type 0 on every line), IEND.
 * Chunk CRCs are zlib's crc32, the CRC-32 the specification's annex D defines. */
#include "png.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* PNG spec 5.2: the eight signature bytes. */
static const uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

enum {
    PNG_BIT_DEPTH = 8,
    /* PNG spec 11.2.2: colour type 2 is truecolour (RGB) */
    PNG_COLOUR_RGB = 2,
    PNG_IHDR_LEN = 13,
};

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* One chunk: length, type, data, CRC over type and data (PNG spec 5.3). */
static bool write_chunk(FILE *f, const char type[4], const uint8_t *data, size_t len)
{
    uint8_t head[8], tail[4];
    uLong crc = crc32(0L, (const Bytef *)type, 4);

    if (len > 0)
        crc = crc32(crc, data, (uInt)len);
    put_be32(head, (uint32_t)len);
    memcpy(head + 4, type, 4);
    put_be32(tail, (uint32_t)crc);
    return fwrite(head, 1, 8, f) == 8 && (len == 0 || fwrite(data, 1, len, f) == len) &&
           fwrite(tail, 1, 4, f) == 4;
}

/* The scanlines as PNG wants them before compression: a filter-type byte (0,
 * None) then R, G, B per pixel. */
static uint8_t *raw_scanlines(const uint32_t *pixels, unsigned stride, unsigned width,
                              unsigned height, size_t *len)
{
    size_t line = 1 + (size_t)width * 3;
    uint8_t *raw = malloc(line * height);

    if (!raw)
        return NULL;
    for (unsigned y = 0; y < height; y++) {
        uint8_t *out = raw + line * y;
        const uint32_t *in = pixels + (size_t)stride * y;

        *out++ = 0;
        for (unsigned x = 0; x < width; x++) {
            *out++ = (uint8_t)(in[x] >> 16);
            *out++ = (uint8_t)(in[x] >> 8);
            *out++ = (uint8_t)in[x];
        }
    }
    *len = line * height;
    return raw;
}

static uint8_t *deflate_scanlines(const uint32_t *pixels, unsigned stride, unsigned width,
                                  unsigned height, size_t *len)
{
    size_t raw_len = 0;
    uint8_t *raw = raw_scanlines(pixels, stride, width, height, &raw_len);
    uLongf zlen = compressBound((uLong)raw_len);
    uint8_t *z = raw ? malloc(zlen) : NULL;

    if (z && compress2(z, &zlen, raw, (uLong)raw_len, Z_DEFAULT_COMPRESSION) != Z_OK) {
        free(z);
        z = NULL;
    }
    free(raw);
    *len = zlen;
    return z;
}

static bool write_png(FILE *f, unsigned width, unsigned height, const uint8_t *idat,
                      size_t idat_len)
{
    uint8_t ihdr[PNG_IHDR_LEN] = {0};

    put_be32(ihdr, width);
    put_be32(ihdr + 4, height);
    ihdr[8] = PNG_BIT_DEPTH;
    ihdr[9] = PNG_COLOUR_RGB;
    /* bytes 10-12: deflate compression, adaptive filtering, no interlace: all 0 */
    return fwrite(png_signature, 1, sizeof(png_signature), f) == sizeof(png_signature) &&
           write_chunk(f, "IHDR", ihdr, sizeof(ihdr)) &&
           write_chunk(f, "IDAT", idat, idat_len) && write_chunk(f, "IEND", NULL, 0);
}

bool png_write_xrgb(const char *path, const uint32_t *pixels, unsigned stride,
                    unsigned width, unsigned height, char *err, size_t errlen)
{
    size_t idat_len;
    uint8_t *idat;
    FILE *f;
    bool ok;

    if (width == 0 || height == 0) {
        snprintf(err, errlen, "cannot write '%s': the picture is empty", path);
        return false;
    }
    idat = deflate_scanlines(pixels, stride, width, height, &idat_len);
    if (!idat) {
        snprintf(err, errlen, "out of memory compressing the picture for '%s'", path);
        return false;
    }
    f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        free(idat);
        return false;
    }
    ok = write_png(f, width, height, idat, idat_len);
    ok = fclose(f) == 0 && ok;
    if (!ok)
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
    free(idat);
    return ok;
}
