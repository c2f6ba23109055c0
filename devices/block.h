/* Disk images: raw files read and written by sector, read-only when the file
 * is, or with writes kept in an in-memory copy-on-write overlay (-snapshot);
 * or images held in memory. */
#ifndef TD_BLOCK_H
#define TD_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { BLOCK_SECTOR = 512 };

struct block;

/* Open path. snapshot: writes go to memory only. A file that cannot be opened
 * for writing is opened read-only (writes then fail with false). Returns NULL
 * and a message naming the file and the problem in err: missing, unreadable,
 * empty, or a size that is not a multiple of 512 bytes. */
struct block *block_open(const char *path, bool snapshot, char *err, size_t errlen)
    __attribute__((warn_unused_result));
/* An image held in memory: a copy of size bytes of data (the caller's buffer
 * is not kept), named name in messages and by block_path. Writes change the
 * copy (false when read_only); flush does nothing. Returns NULL and a message
 * in err when size is 0 or not a multiple of 512 bytes, or out of memory. */
struct block *block_open_memory(const uint8_t *data, size_t size, bool read_only,
                                const char *name, char *err, size_t errlen)
    __attribute__((warn_unused_result));
void block_close(struct block *b);

uint64_t block_size(const struct block *b);
bool block_read_only(const struct block *b);
const char *block_path(const struct block *b);

/* Whole sectors: count sectors from lba. false if out of range or on an I/O
 * error (reported once on stderr) or, for writes, if the image is read-only.
 * A write reaches the file (or overlay) before it returns. */
bool block_read(struct block *b, uint64_t lba, unsigned count, void *buf)
    __attribute__((warn_unused_result));
bool block_write(struct block *b, uint64_t lba, unsigned count, const void *buf)
    __attribute__((warn_unused_result));
/* Flush written data to stable storage. */
bool block_flush(struct block *b) __attribute__((warn_unused_result));

#endif
