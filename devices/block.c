/* Raw disk images (block.h): whole 512-byte sectors through pread/pwrite, with an
 * optional in-memory copy-on-write overlay so a -snapshot run never writes the file;
 * or an image held in memory (block_open_memory), behind the same contract.
 *
 * No torn sectors if trapdoor is killed: every write is one pwrite of whole,
 * 512-byte-aligned sectors. Linux copies a write into the page cache page by page
 * under the page lock and only stops between pages on a fatal signal
 * (generic_perform_write); a page holds whole aligned sectors, so a kill leaves
 * each sector old or new, never mixed. Data reach the disk only with block_flush
 * (fdatasync); after a host crash, unflushed sectors may be old. */
#include "block.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

/* Each kind of host error is reported once per image. */
enum block_warn {
    BLOCK_WARN_READ = 1u << 0,
    BLOCK_WARN_WRITE = 1u << 1,
    BLOCK_WARN_READ_ONLY = 1u << 2,
    BLOCK_WARN_FLUSH = 1u << 3,
    BLOCK_WARN_MEMORY = 1u << 4,
};

enum { OVERLAY_MIN_SLOTS = 64 };

/* Sparse copy-on-write overlay: an open-addressing hash from sector number to
 * an index into a pool of written sectors. */
struct overlay {
    /* lba + 1 of each slot; 0 marks an empty slot */
    uint64_t *keys;
    /* pool index of each slot's sector */
    uint32_t *index;
    /* slot count, a power of two */
    size_t slots;
    /* sectors held in the pool */
    size_t used;
    uint8_t *pool;
    /* sectors the pool can hold */
    size_t pool_cap;
};

/* Where the sectors live: a host file or a memory buffer. Offsets and lengths
 * are whole sectors, in range. */
struct block_backend {
    bool (*read)(struct block *b, uint8_t *buf, size_t len, uint64_t offset);
    bool (*write)(struct block *b, const uint8_t *buf, size_t len, uint64_t offset);
    bool (*flush)(struct block *b);
    void (*close)(struct block *b);
};

struct block {
    const struct block_backend *ops;
    /* the host file (file backend) */
    int fd;
    /* the image (memory backend) */
    uint8_t *mem;
    bool read_only;
    bool snapshot;
    uint64_t size;
    char *path;
    struct overlay ov;
    /* enum block_warn bits already reported */
    unsigned warned;
};

static const struct block_backend file_backend, memory_backend;

static void block_warn_once(struct block *b, enum block_warn kind, const char *what, int err)
{
    if (b->warned & kind)
        return;
    b->warned |= kind;
    log_warn("%s: %s%s%s (further errors of this kind not reported)", b->path, what,
             err ? ": " : "", err ? strerror(err) : "");
}

static size_t overlay_slot(const struct overlay *ov, uint64_t lba)
{
    /* Fibonacci hashing: multiply by 2^64 / golden ratio */
    return (size_t)((lba * 0x9E3779B97F4A7C15ull) >> 20) & (ov->slots - 1);
}

/* Pool sector for lba, or NULL if the sector was never written. */
static uint8_t *overlay_find(const struct overlay *ov, uint64_t lba)
{
    if (!ov->slots)
        return NULL;
    for (size_t i = overlay_slot(ov, lba);; i = (i + 1) & (ov->slots - 1)) {
        if (ov->keys[i] == 0)
            return NULL;
        if (ov->keys[i] == lba + 1)
            return ov->pool + (size_t)ov->index[i] * BLOCK_SECTOR;
    }
}

static void overlay_insert(struct overlay *ov, uint64_t lba, uint32_t index)
{
    size_t i = overlay_slot(ov, lba);

    while (ov->keys[i] != 0)
        i = (i + 1) & (ov->slots - 1);
    ov->keys[i] = lba + 1;
    ov->index[i] = index;
}

static bool overlay_rehash(struct overlay *ov, size_t slots)
{
    struct overlay old = *ov;

    ov->keys = calloc(slots, sizeof(*ov->keys));
    ov->index = calloc(slots, sizeof(*ov->index));
    if (!ov->keys || !ov->index) {
        free(ov->keys);
        free(ov->index);
        *ov = old;
        return false;
    }
    ov->slots = slots;
    for (size_t i = 0; i < old.slots; i++) {
        if (old.keys[i])
            overlay_insert(ov, old.keys[i] - 1, old.index[i]);
    }
    free(old.keys);
    free(old.index);
    return true;
}

/* Room for one more sector: the table stays at most half full. */
static bool overlay_reserve(struct overlay *ov)
{
    if (ov->used >= UINT32_MAX)
        return false;
    if (2 * (ov->used + 1) > ov->slots &&
        !overlay_rehash(ov, ov->slots ? 2 * ov->slots : OVERLAY_MIN_SLOTS))
        return false;
    if (ov->used == ov->pool_cap) {
        size_t cap = ov->pool_cap ? 2 * ov->pool_cap : OVERLAY_MIN_SLOTS;
        uint8_t *pool = realloc(ov->pool, cap * BLOCK_SECTOR);

        if (!pool)
            return false;
        ov->pool = pool;
        ov->pool_cap = cap;
    }
    return true;
}

static bool overlay_write(struct overlay *ov, uint64_t lba, const uint8_t *data)
{
    uint8_t *sector = overlay_find(ov, lba);

    if (!sector) {
        if (!overlay_reserve(ov))
            return false;
        overlay_insert(ov, lba, (uint32_t)ov->used);
        sector = ov->pool + ov->used * BLOCK_SECTOR;
        ov->used++;
    }
    memcpy(sector, data, BLOCK_SECTOR);
    return true;
}

static void overlay_free(struct overlay *ov)
{
    free(ov->keys);
    free(ov->index);
    free(ov->pool);
}

/* Open for writing if allowed, else read-only; the snapshot never writes. */
static int block_open_fd(const char *path, bool snapshot, bool *read_only)
{
    int fd;

    *read_only = true;
    if (snapshot)
        return open(path, O_RDONLY | O_CLOEXEC);
    fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
        *read_only = false;
        return fd;
    }
    if (errno != EACCES && errno != EROFS && errno != EPERM && errno != ETXTBSY)
        return -1;
    return open(path, O_RDONLY | O_CLOEXEC);
}

/* Size of the open image, checked: > 0 and whole sectors. */
static bool block_probe_size(int fd, const char *path, uint64_t *size, char *err, size_t errlen)
{
    struct stat st;
    off_t end;

    if (fstat(fd, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: is a directory, not a disk image", path);
        return false;
    }
    /* lseek rather than st_size: host block devices report their size this way */
    end = lseek(fd, 0, SEEK_END);
    if (end < 0) {
        snprintf(err, errlen, "%s: cannot find the size: %s", path, strerror(errno));
        return false;
    }
    if (end == 0) {
        snprintf(err, errlen, "%s: the image is empty (0 bytes)", path);
        return false;
    }
    if (end % BLOCK_SECTOR != 0) {
        snprintf(err, errlen, "%s: size %lld bytes is not a multiple of %d", path,
                 (long long)end, BLOCK_SECTOR);
        return false;
    }
    *size = (uint64_t)end;
    return true;
}

struct block *block_open(const char *path, bool snapshot, char *err, size_t errlen)
{
    struct block *b = calloc(1, sizeof(*b));

    if (!b || !(b->path = strdup(path))) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto fail_alloc;
    }
    b->ops = &file_backend;
    b->snapshot = snapshot;
    b->fd = block_open_fd(path, snapshot, &b->read_only);
    if (b->fd < 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        goto fail_alloc;
    }
    if (!block_probe_size(b->fd, path, &b->size, err, errlen))
        goto fail_open;
    if (snapshot)
        b->read_only = false;
    return b;

fail_open:
    close(b->fd);
fail_alloc:
    if (b)
        free(b->path);
    free(b);
    return NULL;
}

struct block *block_open_memory(const uint8_t *data, size_t size, bool read_only,
                                const char *name, char *err, size_t errlen)
{
    struct block *b;

    if (size == 0 || size % BLOCK_SECTOR != 0) {
        snprintf(err, errlen, "%s: size %zu bytes is not a whole number of %d-byte sectors",
                 name, size, BLOCK_SECTOR);
        return NULL;
    }
    b = calloc(1, sizeof(*b));
    if (!b || !(b->path = strdup(name)) || !(b->mem = malloc(size))) {
        snprintf(err, errlen, "%s: out of memory", name);
        if (b)
            free(b->path);
        free(b);
        return NULL;
    }
    memcpy(b->mem, data, size);
    b->ops = &memory_backend;
    b->fd = -1;
    b->read_only = read_only;
    b->size = size;
    return b;
}

void block_close(struct block *b)
{
    if (!b)
        return;
    b->ops->close(b);
    overlay_free(&b->ov);
    free(b->path);
    free(b);
}

uint64_t block_size(const struct block *b)
{
    return b->size;
}

bool block_read_only(const struct block *b)
{
    return b->read_only;
}

const char *block_path(const struct block *b)
{
    return b->path;
}

static bool block_in_range(const struct block *b, uint64_t lba, unsigned count)
{
    uint64_t total = b->size / BLOCK_SECTOR;

    return count <= total && lba <= total - count;
}

/* pread until done: short reads are retried, EOF is an error (file shrank). */
static bool block_pread_all(struct block *b, uint8_t *buf, size_t len, uint64_t offset)
{
    while (len > 0) {
        ssize_t n = pread(b->fd, buf, len, (off_t)offset);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            block_warn_once(b, BLOCK_WARN_READ, n < 0 ? "read error" : "read past end of file",
                            n < 0 ? errno : 0);
            return false;
        }
        buf += n;
        len -= (size_t)n;
        offset += (uint64_t)n;
    }
    return true;
}

static bool block_pwrite_all(struct block *b, const uint8_t *buf, size_t len, uint64_t offset)
{
    while (len > 0) {
        ssize_t n = pwrite(b->fd, buf, len, (off_t)offset);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            block_warn_once(b, BLOCK_WARN_WRITE, "write error", n < 0 ? errno : ENOSPC);
            return false;
        }
        buf += n;
        len -= (size_t)n;
        offset += (uint64_t)n;
    }
    return true;
}

bool block_read(struct block *b, uint64_t lba, unsigned count, void *buf)
{
    uint8_t *out = buf;

    if (!block_in_range(b, lba, count))
        return false;
    if (!b->ops->read(b, out, (size_t)count * BLOCK_SECTOR, lba * BLOCK_SECTOR))
        return false;
    for (unsigned i = 0; i < count && b->ov.used; i++) {
        const uint8_t *sector = overlay_find(&b->ov, lba + i);

        if (sector)
            memcpy(out + (size_t)i * BLOCK_SECTOR, sector, BLOCK_SECTOR);
    }
    return true;
}

bool block_write(struct block *b, uint64_t lba, unsigned count, const void *buf)
{
    const uint8_t *in = buf;

    if (!block_in_range(b, lba, count))
        return false;
    if (b->read_only) {
        block_warn_once(b, BLOCK_WARN_READ_ONLY, "write to a read-only image refused", 0);
        return false;
    }
    if (!b->snapshot)
        return b->ops->write(b, in, (size_t)count * BLOCK_SECTOR, lba * BLOCK_SECTOR);
    for (unsigned i = 0; i < count; i++) {
        if (!overlay_write(&b->ov, lba + i, in + (size_t)i * BLOCK_SECTOR)) {
            block_warn_once(b, BLOCK_WARN_MEMORY, "snapshot overlay", ENOMEM);
            return false;
        }
    }
    return true;
}

bool block_flush(struct block *b)
{
    if (b->read_only || b->snapshot)
        return true;
    return b->ops->flush(b);
}

static bool file_flush(struct block *b)
{
    while (fdatasync(b->fd) != 0) {
        if (errno != EINTR) {
            block_warn_once(b, BLOCK_WARN_FLUSH, "flush (fdatasync) failed", errno);
            return false;
        }
    }
    return true;
}

static void file_close(struct block *b)
{
    close(b->fd);
}

static const struct block_backend file_backend = {
    .read = block_pread_all,
    .write = block_pwrite_all,
    .flush = file_flush,
    .close = file_close,
};

/* ---- memory backend: writes change the buffer, nothing to flush ---- */

static bool memory_read(struct block *b, uint8_t *buf, size_t len, uint64_t offset)
{
    memcpy(buf, b->mem + offset, len);
    return true;
}

static bool memory_write(struct block *b, const uint8_t *buf, size_t len, uint64_t offset)
{
    memcpy(b->mem + offset, buf, len);
    return true;
}

static bool memory_flush(struct block *b)
{
    return true;
}

static void memory_close(struct block *b)
{
    free(b->mem);
}

static const struct block_backend memory_backend = {
    .read = memory_read,
    .write = memory_write,
    .flush = memory_flush,
    .close = memory_close,
};
