/* 128-bit unsigned arithmetic for the software floating point (softfloat80.c,
 * fpu_trans.c): shifts, leading zeros, 64x64 multiply, 128/64 divide. */
#include "softfloat80.h"

unsigned clz64(uint64_t v)
{
    unsigned n = 0;
    if (!v)
        return 64;
    while (!(v >> 63)) {
        v <<= 1;
        n++;
    }
    return n;
}

unsigned u128_clz(struct u128 a)
{
    return a.hi ? clz64(a.hi) : 64 + clz64(a.lo);
}

struct u128 u128_shl(struct u128 a, unsigned n)
{
    if (n == 0)
        return a;
    if (n >= 64)
        return u128_make(n >= 128 ? 0 : a.lo << (n - 64), 0);
    return u128_make((a.hi << n) | (a.lo >> (64 - n)), a.lo << n);
}

struct u128 u128_shr_jam(struct u128 a, unsigned n)
{
    struct u128 r;
    bool lost;
    if (n == 0)
        return a;
    if (n >= 128) {
        r = u128_make(0, 0);
        lost = !u128_is_zero(a);
    } else if (n >= 64) {
        r = u128_make(0, a.hi >> (n - 64));
        lost = a.lo || (n > 64 && (a.hi << (128 - n)));
    } else {
        r = u128_make(a.hi >> n, (a.lo >> n) | (a.hi << (64 - n)));
        lost = (a.lo << (64 - n)) != 0;
    }
    r.lo |= lost;
    return r;
}

#if defined(__SIZEOF_INT128__) && !defined(SF80_PORTABLE)
struct u128 u128_mul64(uint64_t a, uint64_t b)
{
    unsigned __int128 p = (unsigned __int128)a * b;
    return u128_make((uint64_t)(p >> 64), (uint64_t)p);
}

uint64_t u128_div64(struct u128 n, uint64_t d, uint64_t *rem)
{
    unsigned __int128 x = ((unsigned __int128)n.hi << 64) | n.lo;
    *rem = (uint64_t)(x % d);
    return (uint64_t)(x / d);
}
#else
struct u128 u128_mul64(uint64_t a, uint64_t b)
{
    uint64_t al = a & 0xFFFFFFFFu, ah = a >> 32, bl = b & 0xFFFFFFFFu, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (lh & 0xFFFFFFFFu) + (hl & 0xFFFFFFFFu);
    return u128_make(hh + (lh >> 32) + (hl >> 32) + (mid >> 32),
                     (mid << 32) | (ll & 0xFFFFFFFFu));
}

/* One 96/64 step of long division in base 2^32 (Knuth vol. 2 4.3.1 D). */
static uint64_t div_digit(uint64_t top, uint64_t next, uint64_t v, uint64_t *rem)
{
    const uint64_t b = 1ull << 32;
    uint64_t vh = v >> 32, vl = v & 0xFFFFFFFFu;
    uint64_t q = top / vh, rhat = top - q * vh;
    while (q >= b || q * vl > ((rhat << 32) | next)) {
        q--;
        rhat += vh;
        if (rhat >= b)
            break;
    }
    *rem = ((top << 32) | next) - q * v;
    return q;
}

uint64_t u128_div64(struct u128 n, uint64_t d, uint64_t *rem)
{
    unsigned s = clz64(d);
    uint64_t v = d << s;
    uint64_t hi = s ? (n.hi << s) | (n.lo >> (64 - s)) : n.hi;
    uint64_t lo = n.lo << s;
    uint64_t r1, r0;
    uint64_t q1 = div_digit(hi, lo >> 32, v, &r1);
    uint64_t q0 = div_digit(r1, lo & 0xFFFFFFFFu, v, &r0);
    *rem = r0 >> s;
    return (q1 << 32) | q0;
}
#endif
