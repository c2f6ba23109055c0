/* Guest-physical memory bus: RAM, ROM and MMIO regions, the A20 gate, and the
 * map of RAM chunks that hold translated code (for self-modifying code). */
#ifndef TD_BUS_H
#define TD_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct log;

/* MMIO callbacks. sizes is a mask of supported access sizes (1|2|4): an access of
 * another size is split into byte accesses by the bus. */
struct mmio_ops {
    uint32_t (*read)(void *opaque, uint32_t offset, unsigned size);
    void (*write)(void *opaque, uint32_t offset, unsigned size, uint32_t value);
    uint8_t sizes;
};

/* Size of a code-tracking chunk: a write into a chunk that holds translated code
 * invalidates the blocks overlapping it. */
enum { BUS_CODE_CHUNK_SHIFT = 7, BUS_CODE_CHUNK = 1u << BUS_CODE_CHUNK_SHIFT };

/* Called on a write to RAM that touches a marked code chunk, before the write is
 * done. paddr/len describe the write. */
typedef void bus_code_write_fn(void *opaque, uint32_t paddr, unsigned len);

struct bus;

/* Create a bus with ram_size bytes of zeroed RAM at physical address 0.
 * ram_size must be a multiple of 4 KiB, at least 64 KiB and at most 3 GiB.
 * Returns NULL on bad size or allocation failure. log may be NULL. */
struct bus *bus_create(uint32_t ram_size, struct log *log);
void bus_destroy(struct bus *bus);

uint32_t bus_ram_size(const struct bus *bus);

/* Map a read-only copy of data[0..size) at paddr (overrides RAM there). Writes are
 * ignored. The same ROM may be mapped at several addresses (aliases).
 * Returns false if the region overlaps another ROM/MMIO region or wraps 4 GiB. */
bool bus_add_rom(struct bus *bus, uint32_t paddr, const uint8_t *data, uint32_t size,
                 const char *name) __attribute__((warn_unused_result));

/* Map an MMIO region. Same overlap rules as bus_add_rom. */
bool bus_add_mmio(struct bus *bus, uint32_t paddr, uint32_t size, const struct mmio_ops *ops,
                  void *opaque, const char *name) __attribute__((warn_unused_result));

/* A20 gate. When disabled, address bit 20 is forced to 0 on every access. */
void bus_set_a20(struct bus *bus, bool enabled);
bool bus_a20(const struct bus *bus);
/* The current mask applied to every physical address (0xFFFFFFFF or ~(1<<20)). */
uint32_t bus_a20_mask(const struct bus *bus);

/* Physical accesses (the A20 mask is applied here). Unmapped addresses read as
 * all ones; writes to them and to ROM are dropped. Accesses may be unaligned and
 * may straddle regions. */
uint8_t bus_read8(struct bus *bus, uint32_t paddr);
uint16_t bus_read16(struct bus *bus, uint32_t paddr);
uint32_t bus_read32(struct bus *bus, uint32_t paddr);
void bus_write8(struct bus *bus, uint32_t paddr, uint8_t value);
void bus_write16(struct bus *bus, uint32_t paddr, uint16_t value);
void bus_write32(struct bus *bus, uint32_t paddr, uint32_t value);

/* Bulk copies for DMA and loaders, bounds-checked: false if any byte of
 * [paddr, paddr+len) is outside RAM (nothing is copied then). Writes notify
 * the code-write hook. No A20 masking. */
bool bus_read_ram(struct bus *bus, uint32_t paddr, void *dst, size_t len)
    __attribute__((warn_unused_result));
bool bus_write_ram(struct bus *bus, uint32_t paddr, const void *src, size_t len)
    __attribute__((warn_unused_result));

/* Host pointer to [paddr, paddr+len) if that range is plain RAM or ROM contents
 * (no MMIO) and does not cross a 4 KiB page; NULL otherwise. A20 is NOT applied:
 * callers pass a masked address. For reads only when the range is ROM. */
uint8_t *bus_host_ptr(struct bus *bus, uint32_t paddr, uint32_t len, bool for_write);

/* Code-chunk map. mark: chunks overlapping [paddr, paddr+len) hold code.
 * is_code: does any chunk of [paddr, paddr+len) hold code (cheap; used by the
 * CPU's store fast path). clear: forget marks for [paddr, paddr+len). */
void bus_code_mark(struct bus *bus, uint32_t paddr, uint32_t len);
bool bus_code_is_marked(const struct bus *bus, uint32_t paddr, uint32_t len);
void bus_code_clear(struct bus *bus, uint32_t paddr, uint32_t len);
void bus_code_clear_all(struct bus *bus);
void bus_set_code_write_hook(struct bus *bus, bus_code_write_fn *fn, void *opaque);

#endif
