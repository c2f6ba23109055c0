/* Helpers for whole-system boot tests: a PC board with the trapdoor BIOS and a
 * disk image, run in virtual time, watched through its text screen and driven
 * through its PS/2 keyboard. */
#ifndef TD_BOOT_UTIL_H
#define TD_BOOT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine.h"

enum { BOOT_SCREEN_MAX = 8192 };

/* Path of a file under $TRAPDOOR_SHARED/guests, or NULL (and a message) when
 * the variable is unset or the file missing: the test should exit 77. */
const char *boot_shared_file(const char *rel, char *buf, size_t size);

/* A 64 MiB machine booting floppy image fda (writes kept in memory). */
struct machine *boot_floppy(const char *fda);

/* Run until the screen contains text, at most max_ms of virtual time;
 * returns true when it appeared. screen gets the last snapshot. */
bool boot_wait_text(struct machine *m, const char *text, unsigned max_ms, char *screen);

/* Type s on the keyboard: each character pressed and released (with Shift
 * when needed), 30 ms of virtual time apart. false for a character no key
 * types. */
bool boot_type(struct machine *m, const char *s);

/* Read a text file whole (NUL-terminated, malloc'd); NULL on error. */
char *boot_read_file(const char *path);

/* Every non-blank line of expected (trailing blanks ignored) appears in
 * screen; the first missing line is printed to stderr. */
bool boot_lines_present(const char *screen, const char *expected);

#endif
