/* Small bit helpers shared by every layer. */
#ifndef TD_BITS_H
#define TD_BITS_H

#include <stdint.h>

/* All ones in the low `size` bytes (1, 2 or 4; 4 and more: all 32 bits). */
static inline uint32_t size_mask(unsigned size)
{
    return size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

#endif
