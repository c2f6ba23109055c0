/* Executable memory for generated code, W^X through a memfd dual mapping: the
 * same pages mapped once read-write (where the backend writes) and once
 * read-execute (where the CPU runs them). Bounded; bump-allocated; freed all
 * at once (flush). Linux memfd_create(2), mmap(2). */
#ifndef TD_JITMEM_H
#define TD_JITMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jitmem;

/* size bytes (rounded up to pages). NULL if the host refuses. */
struct jitmem *jitmem_create(size_t size);
void jitmem_destroy(struct jitmem *j);

/* n bytes aligned to 16 in the writable view; NULL when full. */
uint8_t *jitmem_alloc(struct jitmem *j, size_t n);
/* Give back the unused tail of the last allocation (it ends at end_rw). */
void jitmem_trim(struct jitmem *j, const uint8_t *end_rw);
/* Forget every allocation made after the first keep bytes. */
void jitmem_reset(struct jitmem *j, size_t keep);
size_t jitmem_used(const struct jitmem *j);
size_t jitmem_size(const struct jitmem *j);

/* The executable address of a writable one and back. */
const uint8_t *jitmem_rx(const struct jitmem *j, const uint8_t *rw);
uint8_t *jitmem_rw(const struct jitmem *j, const uint8_t *rx);

#endif
