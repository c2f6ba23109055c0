/* Guest-physical bus: one RAM array at 0, a sorted table of ROM/MMIO regions that
 * shadow it, the A20 gate (PC/AT: address line 20 forced low) and the map of RAM
 * chunks holding translated code. Accesses are little-endian, as on x86. */
#include "bits.h"
#include "bus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

enum {
    BUS_MAX_REGIONS = 64,
    BUS_NAME_LEN = 32,
    BUS_PAGE_SHIFT = 12,
    BUS_PAGE_SIZE = 1u << BUS_PAGE_SHIFT,
    BUS_A20_BIT = 1u << 20,
    BUS_RAM_MIN = 64u * 1024,
    /* one "noted" bit per page for reads, one for writes */
    BUS_NOTED_BYTES = (1u << (32 - BUS_PAGE_SHIFT)) / 8 * 2,
};

#define BUS_RAM_MAX (3u * 1024 * 1024 * 1024)

enum bus_kind { BUS_RAM, BUS_ROM, BUS_MMIO, BUS_UNMAPPED };

struct bus_region {
    /* first and last (inclusive, so a region may end at 4 GiB) address */
    uint32_t start;
    uint32_t last;
    enum bus_kind kind;
    /* BUS_ROM: the bus's own copy of the contents */
    uint8_t *rom;
    /* BUS_MMIO */
    const struct mmio_ops *ops;
    void *opaque;
    char name[BUS_NAME_LEN];
};

/* The homogeneous stretch of address space holding an address. */
struct bus_span {
    enum bus_kind kind;
    const struct bus_region *region;
    uint32_t last;
};

struct bus {
    uint8_t *ram;
    uint32_t ram_size;
    uint32_t a20_mask;
    /* an access of n bytes at paddr < fast_end[n] is plain RAM: no lookup */
    uint32_t fast_end[5];
    /* one bit per BUS_CODE_CHUNK of RAM: the chunk holds translated code */
    uint8_t *code_map;
    bus_code_write_fn *code_hook;
    void *code_opaque;
    /* pages whose unmapped/ROM accesses were already logged (read, write bits) */
    uint8_t *noted;
    struct log *log;
    unsigned nregions;
    /* sorted by start, never overlapping */
    struct bus_region regions[BUS_MAX_REGIONS];
};

static uint32_t load_le(const uint8_t *p, unsigned size)
{
    uint32_t value = 0;

    for (unsigned i = 0; i < size; i++)
        value |= (uint32_t)p[i] << (8 * i);
    return value;
}

static void store_le(uint8_t *p, unsigned size, uint32_t value)
{
    for (unsigned i = 0; i < size; i++)
        p[i] = (uint8_t)(value >> (8 * i));
}

static void bus_update_fast(struct bus *bus)
{
    uint32_t end = bus->ram_size;

    if (bus->nregions > 0 && bus->regions[0].start < end)
        end = bus->regions[0].start;
    /* with A20 off, a multi-byte access may wrap at 1 MiB: keep those slow */
    if (bus->a20_mask != UINT32_MAX && end > BUS_A20_BIT)
        end = BUS_A20_BIT;
    for (unsigned size = 1; size <= 4; size++)
        bus->fast_end[size] = end >= size - 1 ? end - (size - 1) : 0;
}

struct bus *bus_create(uint32_t ram_size, struct log *log)
{
    struct bus *bus;

    if (ram_size % BUS_PAGE_SIZE != 0 || ram_size < BUS_RAM_MIN || ram_size > BUS_RAM_MAX)
        return NULL;
    bus = calloc(1, sizeof(*bus));
    if (!bus)
        return NULL;
    bus->ram = calloc(ram_size, 1);
    bus->code_map = calloc(ram_size >> BUS_CODE_CHUNK_SHIFT >> 3, 1);
    bus->noted = calloc(BUS_NOTED_BYTES, 1);
    if (!bus->ram || !bus->code_map || !bus->noted) {
        bus_destroy(bus);
        return NULL;
    }
    bus->ram_size = ram_size;
    bus->a20_mask = UINT32_MAX;
    bus->log = log;
    bus_update_fast(bus);
    return bus;
}

void bus_destroy(struct bus *bus)
{
    if (!bus)
        return;
    for (unsigned i = 0; i < bus->nregions; i++)
        free(bus->regions[i].rom);
    free(bus->noted);
    free(bus->code_map);
    free(bus->ram);
    free(bus);
}

uint32_t bus_ram_size(const struct bus *bus)
{
    return bus->ram_size;
}

/* ---- region table ---- */

static bool bus_insert_region(struct bus *bus, const struct bus_region *region)
{
    unsigned at = 0;

    if (bus->nregions == BUS_MAX_REGIONS)
        return false;
    for (unsigned i = 0; i < bus->nregions; i++) {
        const struct bus_region *r = &bus->regions[i];

        if (region->start <= r->last && r->start <= region->last)
            return false;
        if (r->start < region->start)
            at = i + 1;
    }
    memmove(&bus->regions[at + 1], &bus->regions[at],
            (bus->nregions - at) * sizeof(bus->regions[0]));
    bus->regions[at] = *region;
    bus->nregions++;
    bus_update_fast(bus);
    return true;
}

static bool bus_region_init(struct bus_region *region, uint32_t paddr, uint32_t size,
                            enum bus_kind kind, const char *name)
{
    if (size == 0 || size - 1 > UINT32_MAX - paddr)
        return false;
    memset(region, 0, sizeof(*region));
    region->start = paddr;
    region->last = paddr + (size - 1);
    region->kind = kind;
    snprintf(region->name, sizeof(region->name), "%s", name ? name : "?");
    return true;
}

bool bus_add_rom(struct bus *bus, uint32_t paddr, const uint8_t *data, uint32_t size,
                 const char *name)
{
    struct bus_region region;

    if (!bus_region_init(&region, paddr, size, BUS_ROM, name))
        return false;
    region.rom = malloc(size);
    if (!region.rom)
        return false;
    memcpy(region.rom, data, size);
    if (!bus_insert_region(bus, &region)) {
        free(region.rom);
        return false;
    }
    return true;
}

bool bus_add_mmio(struct bus *bus, uint32_t paddr, uint32_t size, const struct mmio_ops *ops,
                  void *opaque, const char *name)
{
    struct bus_region region;

    if (!ops || !bus_region_init(&region, paddr, size, BUS_MMIO, name))
        return false;
    region.ops = ops;
    region.opaque = opaque;
    return bus_insert_region(bus, &region);
}

static struct bus_span bus_span_at(const struct bus *bus, uint32_t paddr)
{
    unsigned lo = 0, hi = bus->nregions;
    uint32_t gap_last;

    /* lo becomes the first region starting above paddr */
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;

        if (bus->regions[mid].start <= paddr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && paddr <= bus->regions[lo - 1].last) {
        const struct bus_region *r = &bus->regions[lo - 1];

        return (struct bus_span){ r->kind, r, r->last };
    }
    gap_last = lo < bus->nregions ? bus->regions[lo].start - 1 : UINT32_MAX;
    if (paddr < bus->ram_size) {
        uint32_t ram_last = bus->ram_size - 1;

        return (struct bus_span){ BUS_RAM, NULL, gap_last < ram_last ? gap_last : ram_last };
    }
    return (struct bus_span){ BUS_UNMAPPED, NULL, gap_last };
}

/* Can [paddr, paddr+size) be done as one access to span? */
static bool bus_span_holds(const struct bus *bus, const struct bus_span *span, uint32_t paddr,
                           unsigned size)
{
    if (span->last - paddr < size - 1)
        return false;
    /* A20 off: paddr has bit 20 clear; a carry into it means the access wraps */
    return ((paddr + (size - 1)) & ~bus->a20_mask) == 0;
}

/* ---- A20 ---- */

void bus_set_a20(struct bus *bus, bool enabled)
{
    bus->a20_mask = enabled ? UINT32_MAX : ~(uint32_t)BUS_A20_BIT;
    bus_update_fast(bus);
}

bool bus_a20(const struct bus *bus)
{
    return bus->a20_mask == UINT32_MAX;
}

uint32_t bus_a20_mask(const struct bus *bus)
{
    return bus->a20_mask;
}

/* ---- logging of guest misbehaviour, once per page and direction ---- */

static void bus_note(struct bus *bus, uint32_t paddr, bool write, const struct bus_region *rom)
{
    uint32_t bit = ((paddr >> BUS_PAGE_SHIFT) << 1) | write;

    if (!log_enabled(bus->log, LOG_UNIMP) || (bus->noted[bit >> 3] & (1u << (bit & 7))))
        return;
    bus->noted[bit >> 3] |= (uint8_t)(1u << (bit & 7));
    if (rom)
        log_printf(bus->log, LOG_UNIMP,
                   "bus: write to ROM '%s' at 0x%08x dropped (once per page)\n", rom->name,
                   paddr);
    else
        log_printf(bus->log, LOG_UNIMP, "bus: unmapped %s at 0x%08x (once per page)\n",
                   write ? "write" : "read", paddr);
}

/* ---- code-chunk map ---- */

/* Clamp [paddr, paddr+len) to RAM as chunk indices; false if empty. */
static bool bus_code_range(const struct bus *bus, uint32_t paddr, uint64_t len, uint32_t *first,
                           uint32_t *last)
{
    uint64_t end = (uint64_t)paddr + len;

    if (len == 0 || paddr >= bus->ram_size)
        return false;
    if (end > bus->ram_size)
        end = bus->ram_size;
    *first = paddr >> BUS_CODE_CHUNK_SHIFT;
    *last = (uint32_t)(end - 1) >> BUS_CODE_CHUNK_SHIFT;
    return true;
}

void bus_code_mark(struct bus *bus, uint32_t paddr, uint32_t len)
{
    uint32_t first, last;

    if (!bus_code_range(bus, paddr, len, &first, &last))
        return;
    for (uint32_t c = first; c <= last; c++)
        bus->code_map[c >> 3] |= (uint8_t)(1u << (c & 7));
}

static bool bus_code_any(const struct bus *bus, uint32_t paddr, uint64_t len)
{
    uint32_t first, last;

    if (!bus_code_range(bus, paddr, len, &first, &last))
        return false;
    for (uint32_t c = first; c <= last; c++) {
        if (bus->code_map[c >> 3] & (1u << (c & 7)))
            return true;
    }
    return false;
}

bool bus_code_is_marked(const struct bus *bus, uint32_t paddr, uint32_t len)
{
    return bus_code_any(bus, paddr, len);
}

void bus_code_clear(struct bus *bus, uint32_t paddr, uint32_t len)
{
    uint32_t first, last;

    if (!bus_code_range(bus, paddr, len, &first, &last))
        return;
    for (uint32_t c = first; c <= last; c++)
        bus->code_map[c >> 3] &= (uint8_t)~(1u << (c & 7));
}

void bus_code_clear_all(struct bus *bus)
{
    memset(bus->code_map, 0, bus->ram_size >> BUS_CODE_CHUNK_SHIFT >> 3);
}

void bus_set_code_write_hook(struct bus *bus, bus_code_write_fn *fn, void *opaque)
{
    bus->code_hook = fn;
    bus->code_opaque = opaque;
}

/* The hook runs before the store: it may invalidate blocks and clear marks. */
static void bus_code_notify(struct bus *bus, uint32_t paddr, uint64_t len)
{
    if (bus->code_hook && bus_code_any(bus, paddr, len))
        bus->code_hook(bus->code_opaque, paddr, (unsigned)len);
}

static void bus_ram_store(struct bus *bus, uint32_t paddr, unsigned size, uint32_t value)
{
    bus_code_notify(bus, paddr, size);
    store_le(bus->ram + paddr, size, value);
}

/* ---- slow paths: region lookup, then one access or byte by byte ---- */

static bool bus_read_whole(struct bus *bus, const struct bus_span *span, uint32_t paddr,
                           unsigned size, uint32_t *value)
{
    const struct bus_region *r = span->region;

    switch (span->kind) {
    case BUS_RAM:
        *value = load_le(bus->ram + paddr, size);
        return true;
    case BUS_ROM:
        *value = load_le(r->rom + (paddr - r->start), size);
        return true;
    case BUS_MMIO:
        if (size > 1 && !(r->ops->sizes & size))
            return false;
        *value = r->ops->read ? r->ops->read(r->opaque, paddr - r->start, size) & size_mask(size)
                              : size_mask(size);
        return true;
    case BUS_UNMAPPED:
        break;
    }
    bus_note(bus, paddr, false, NULL);
    *value = size_mask(size);
    return true;
}

static bool bus_write_whole(struct bus *bus, const struct bus_span *span, uint32_t paddr,
                            unsigned size, uint32_t value)
{
    const struct bus_region *r = span->region;

    switch (span->kind) {
    case BUS_RAM:
        bus_ram_store(bus, paddr, size, value);
        return true;
    case BUS_ROM:
        bus_note(bus, paddr, true, r);
        return true;
    case BUS_MMIO:
        if (size > 1 && !(r->ops->sizes & size))
            return false;
        if (r->ops->write)
            r->ops->write(r->opaque, paddr - r->start, size, value & size_mask(size));
        return true;
    case BUS_UNMAPPED:
        break;
    }
    bus_note(bus, paddr, true, NULL);
    return true;
}

static uint32_t bus_read_slow(struct bus *bus, uint32_t paddr, unsigned size)
{
    struct bus_span span = bus_span_at(bus, paddr);
    uint32_t value = 0;

    if (bus_span_holds(bus, &span, paddr, size) &&
        bus_read_whole(bus, &span, paddr, size, &value))
        return value;
    value = 0;
    for (unsigned i = 0; i < size; i++)
        value |= (uint32_t)bus_read8(bus, paddr + i) << (8 * i);
    return value;
}

static void bus_write_slow(struct bus *bus, uint32_t paddr, unsigned size, uint32_t value)
{
    struct bus_span span = bus_span_at(bus, paddr);

    if (bus_span_holds(bus, &span, paddr, size) &&
        bus_write_whole(bus, &span, paddr, size, value))
        return;
    for (unsigned i = 0; i < size; i++)
        bus_write8(bus, paddr + i, (uint8_t)(value >> (8 * i)));
}

/* ---- public accessors ---- */

uint8_t bus_read8(struct bus *bus, uint32_t paddr)
{
    paddr &= bus->a20_mask;
    if (paddr < bus->fast_end[1])
        return bus->ram[paddr];
    return (uint8_t)bus_read_slow(bus, paddr, 1);
}

uint16_t bus_read16(struct bus *bus, uint32_t paddr)
{
    paddr &= bus->a20_mask;
    if (paddr < bus->fast_end[2])
        return (uint16_t)load_le(bus->ram + paddr, 2);
    return (uint16_t)bus_read_slow(bus, paddr, 2);
}

uint32_t bus_read32(struct bus *bus, uint32_t paddr)
{
    paddr &= bus->a20_mask;
    if (paddr < bus->fast_end[4])
        return load_le(bus->ram + paddr, 4);
    return bus_read_slow(bus, paddr, 4);
}

void bus_write8(struct bus *bus, uint32_t paddr, uint8_t value)
{
    paddr &= bus->a20_mask;
    if (paddr < bus->fast_end[1])
        bus_ram_store(bus, paddr, 1, value);
    else
        bus_write_slow(bus, paddr, 1, value);
}

void bus_write16(struct bus *bus, uint32_t paddr, uint16_t value)
{
    paddr &= bus->a20_mask;
    if (paddr < bus->fast_end[2])
        bus_ram_store(bus, paddr, 2, value);
    else
        bus_write_slow(bus, paddr, 2, value);
}

void bus_write32(struct bus *bus, uint32_t paddr, uint32_t value)
{
    paddr &= bus->a20_mask;
    if (paddr < bus->fast_end[4])
        bus_ram_store(bus, paddr, 4, value);
    else
        bus_write_slow(bus, paddr, 4, value);
}

/* ---- bulk RAM copies (DMA, loaders) ---- */

/* These touch the RAM array itself: ROM/MMIO regions shadowing it are not consulted. */
static bool bus_ram_range_ok(const struct bus *bus, uint32_t paddr, size_t len)
{
    return len <= bus->ram_size && paddr <= bus->ram_size - len;
}

bool bus_read_ram(struct bus *bus, uint32_t paddr, void *dst, size_t len)
{
    if (!bus_ram_range_ok(bus, paddr, len))
        return false;
    if (len > 0)
        memcpy(dst, bus->ram + paddr, len);
    return true;
}

bool bus_write_ram(struct bus *bus, uint32_t paddr, const void *src, size_t len)
{
    if (!bus_ram_range_ok(bus, paddr, len))
        return false;
    if (len > 0) {
        bus_code_notify(bus, paddr, len);
        memcpy(bus->ram + paddr, src, len);
    }
    return true;
}

uint8_t *bus_host_ptr(struct bus *bus, uint32_t paddr, uint32_t len, bool for_write)
{
    struct bus_span span;

    if (len == 0 || (paddr & (BUS_PAGE_SIZE - 1)) + (uint64_t)len > BUS_PAGE_SIZE)
        return NULL;
    span = bus_span_at(bus, paddr);
    if (span.last - paddr < len - 1)
        return NULL;
    if (span.kind == BUS_RAM)
        return bus->ram + paddr;
    if (span.kind == BUS_ROM && !for_write)
        return span.region->rom + (paddr - span.region->start);
    return NULL;
}
