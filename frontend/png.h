/* A minimal PNG writer (PNG specification, 2nd edition, W3C/ISO 15948): one
 * IHDR, one zlib-compressed IDAT and IEND, 8-bit RGB without interlace. */
#ifndef TD_PNG_H
#define TD_PNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Write the width x height picture in pixels (0x00RRGGBB, stride pixels per
 * line) to path as a truecolour PNG. Returns false with a message naming the
 * file in err when the file cannot be written or memory runs out. */
bool png_write_xrgb(const char *path, const uint32_t *pixels, unsigned stride,
                    unsigned width, unsigned height, char *err, size_t errlen)
    __attribute__((warn_unused_result));

#endif
