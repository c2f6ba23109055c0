/* W^X code memory through a memfd dual mapping (see jitmem.h). DESIGN.md
 * measured an mprotect RW->RX pair at 60-127 us, too slow per block; two
 * views of one memfd cost nothing per block. */
#include "jitmem.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

struct jitmem {
    uint8_t *rw;
    uint8_t *rx;
    size_t size;
    size_t used;
};

static void unmap(struct jitmem *j)
{
    if (j->rw && j->rw != MAP_FAILED)
        munmap(j->rw, j->size);
    if (j->rx && j->rx != MAP_FAILED)
        munmap(j->rx, j->size);
}

struct jitmem *jitmem_create(size_t size)
{
    long page = sysconf(_SC_PAGESIZE);
    struct jitmem *j = calloc(1, sizeof(*j));
    if (!j || page <= 0)
        goto fail_alloc;
    j->size = (size + (size_t)page - 1) & ~((size_t)page - 1);
    int fd = memfd_create("trapdoor-jit", MFD_CLOEXEC);
    if (fd < 0)
        goto fail_alloc;
    if (ftruncate(fd, (off_t)j->size) != 0)
        goto fail_fd;
    j->rw = mmap(NULL, j->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    j->rx = mmap(NULL, j->size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    if (j->rw == MAP_FAILED || j->rx == MAP_FAILED)
        goto fail_map;
    close(fd);
    return j;

fail_map:
    unmap(j);
fail_fd:
    close(fd);
fail_alloc:
    free(j);
    return NULL;
}

void jitmem_destroy(struct jitmem *j)
{
    if (!j)
        return;
    unmap(j);
    free(j);
}

uint8_t *jitmem_alloc(struct jitmem *j, size_t n)
{
    size_t at = (j->used + 15) & ~(size_t)15;
    if (at > j->size || n > j->size - at)
        return NULL;
    j->used = at + n;
    return j->rw + at;
}

void jitmem_trim(struct jitmem *j, const uint8_t *end_rw)
{
    size_t end = (size_t)(end_rw - j->rw);
    if (end <= j->used)
        j->used = end;
}

void jitmem_reset(struct jitmem *j, size_t keep)
{
    j->used = keep < j->used ? keep : j->used;
}

size_t jitmem_used(const struct jitmem *j)
{
    return j->used;
}

size_t jitmem_size(const struct jitmem *j)
{
    return j->size;
}

const uint8_t *jitmem_rx(const struct jitmem *j, const uint8_t *rw)
{
    return j->rx + (rw - j->rw);
}

uint8_t *jitmem_rw(const struct jitmem *j, const uint8_t *rx)
{
    return j->rw + (rx - j->rx);
}
