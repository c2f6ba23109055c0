/* The integer-mix workload of int.asm in C, for the native ratio: the same
 * xorshift32, table update with carry, and the compare-and-branch helper. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint16_t table[256];

static __attribute__((noinline)) uint16_t mix(uint16_t ax, uint16_t dx, uint16_t di)
{
    uint16_t cx = ax ^ dx;
    cx = cx >= 0x8000 ? cx - 0x1234 : cx + 0x4321;
    return (uint16_t)(di + cx + 1);
}

int main(int argc, char **argv)
{
    uint32_t iters = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 1000000;
    uint32_t esi = 0x12345678;
    uint16_t dx = 0, di = 0;
    for (uint32_t n = 0; n < iters; n++) {
        esi ^= esi << 13;
        esi ^= esi >> 17;
        esi ^= esi << 5;
        uint16_t *slot = &table[(esi & 0x1FE) >> 1];
        uint32_t sum = (uint32_t)*slot + (uint16_t)esi;
        dx = (uint16_t)(dx + (sum >> 16));
        *slot = (uint16_t)sum;
        di = mix((uint16_t)sum, dx, di);
    }
    printf("%u\n", (unsigned)(di + dx));
    return 0;
}
