/* Code page 437, the IBM PC's character set (the VGA's ROM font), as Unicode:
 * for showing the text screen on a terminal and in the monitor. */
#ifndef TD_CP437_H
#define TD_CP437_H

#include <stddef.h>
#include <stdint.h>

/* The Unicode code point of CP437 character c, with the graphic forms of
 * 01h-1Fh and 7Fh (00h is a space). */
uint16_t cp437_to_unicode(uint8_t c);

/* c as UTF-8 into out (at least 3 bytes, no NUL). Returns the length. */
size_t cp437_to_utf8(uint8_t c, char *out);

#endif
