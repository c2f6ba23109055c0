/* A PNG reader for tests (png_decode.h), written from the PNG specification,
 * 2nd edition: chunks (5.3), IHDR (11.2.2), filters (9.2), CRC (annex D). */
#include "png_decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long size;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)size)) != NULL && fread(buf, 1, (size_t)size, f) == (size_t)size)
        *len = (size_t)size;
    else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

static int paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Undo the filter of one scanline of 3-byte pixels in place (prev: the line
 * above, unfiltered, or NULL for the first). */
static bool unfilter(uint8_t type, uint8_t *line, const uint8_t *prev, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int a = i >= 3 ? line[i - 3] : 0, b = prev ? prev[i] : 0;
        int c = prev && i >= 3 ? prev[i - 3] : 0;
        int add[5] = {0, a, b, (a + b) / 2, paeth(a, b, c)};
        if (type > 4)
            return false;
        line[i] = (uint8_t)(line[i] + add[type]);
    }
    return true;
}

static uint32_t *to_pixels(uint8_t *raw, unsigned w, unsigned h, char *why, size_t whylen)
{
    size_t line = 1 + (size_t)w * 3;
    uint32_t *px = malloc(sizeof(uint32_t) * w * h);

    for (unsigned y = 0; px && y < h; y++) {
        uint8_t *l = raw + y * line;
        if (!unfilter(l[0], l + 1, y ? raw + (y - 1) * line + 1 : NULL, line - 1)) {
            snprintf(why, whylen, "bad filter type %u on line %u", l[0], y);
            free(px);
            return NULL;
        }
        for (unsigned x = 0; x < w; x++)
            px[y * w + x] = (uint32_t)l[1 + 3 * x] << 16 | l[2 + 3 * x] << 8 | l[3 + 3 * x];
    }
    return px;
}

/* Walk the chunks: IHDR first, IDATs concatenated, IEND last; CRCs checked. */
static bool walk_chunks(const uint8_t *p, size_t len, uint8_t *ihdr, uint8_t **idat,
                        size_t *idat_len, char *why, size_t whylen)
{
    size_t pos = 8;
    unsigned n = 0;

    while (pos + 12 <= len) {
        uint32_t clen = be32(p + pos);
        const uint8_t *type = p + pos + 4, *data = p + pos + 8;
        if (clen > len - pos - 12) {
            snprintf(why, whylen, "chunk %u overruns the file", n);
            return false;
        }
        if (crc32(crc32(0, NULL, 0), type, clen + 4) != be32(data + clen)) {
            snprintf(why, whylen, "bad CRC in chunk %.4s", (const char *)type);
            return false;
        }
        if (n == 0 && (memcmp(type, "IHDR", 4) != 0 || clen != 13)) {
            snprintf(why, whylen, "first chunk is not a 13-byte IHDR");
            return false;
        }
        if (n == 0)
            memcpy(ihdr, data, 13);
        if (memcmp(type, "IDAT", 4) == 0) {
            *idat = realloc(*idat, *idat_len + clen + 1);
            memcpy(*idat + *idat_len, data, clen);
            *idat_len += clen;
        }
        pos += 12 + clen;
        n++;
        if (memcmp(type, "IEND", 4) == 0)
            return pos == len || (snprintf(why, whylen, "data after IEND"), false);
    }
    snprintf(why, whylen, "no IEND chunk");
    return false;
}

uint32_t *png_decode_file(const char *path, unsigned *width, unsigned *height, char *why,
                          size_t whylen)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    size_t len = 0, idat_len = 0;
    uint8_t *file = read_all(path, &len), *idat = NULL, *raw = NULL, ihdr[13];
    uint32_t *px = NULL;
    uLongf raw_len;

    if (!file || len < 8 || memcmp(file, sig, 8) != 0) {
        snprintf(why, whylen, "'%s' is missing or has no PNG signature", path);
        goto done;
    }
    if (!walk_chunks(file, len, ihdr, &idat, &idat_len, why, whylen))
        goto done;
    *width = be32(ihdr);
    *height = be32(ihdr + 4);
    if (ihdr[8] != 8 || ihdr[9] != 2 || ihdr[10] || ihdr[11] || ihdr[12] || !*width ||
        !*height || *width > 16384 || *height > 16384) {
        snprintf(why, whylen, "unexpected IHDR fields");
        goto done;
    }
    raw_len = (uLongf)(1 + *width * 3) * *height;
    raw = malloc(raw_len + 1);
    uLongf got = raw_len + 1;
    if (uncompress(raw, &got, idat, idat_len) != Z_OK || got != raw_len) {
        snprintf(why, whylen, "IDAT does not inflate to %lu bytes", (unsigned long)raw_len);
        goto done;
    }
    px = to_pixels(raw, *width, *height, why, whylen);
done:
    free(file);
    free(idat);
    free(raw);
    return px;
}
