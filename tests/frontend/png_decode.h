/* A PNG reader for tests: just enough to read back what frontend/png.c writes
 * (8-bit RGB, no interlace, any of the five filters), checking every chunk's
 * CRC, with zlib's inflate. */
#ifndef TD_TEST_PNG_DECODE_H
#define TD_TEST_PNG_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decode the PNG file at path into a malloc'd array of 0x00RRGGBB pixels
 * (*width x *height, stride *width). NULL with a reason in why on any
 * deviation (signature, chunk order, CRC, header fields, zlib data). */
uint32_t *png_decode_file(const char *path, unsigned *width, unsigned *height, char *why,
                          size_t whylen);

#endif
