/* The 8254's six counting modes in closed form (Intel 8254 datasheet, 231164,
 * "Modes"): a channel's count and OUT k CLK edges into its segment, and the k of
 * its next OUT change, in binary or BCD. */
#include "pit8254_internal.h"

/* ---- counting arithmetic ---- */

uint32_t pit_modulus(const struct pit_channel *c)
{
    return c->bcd ? PIT_MODULUS_BCD : PIT_MODULUS_BIN;
}

/* A CE of 0 is the full count: the terminal count is a whole wrap away. */
uint32_t pit_full(const struct pit_channel *c, uint32_t ce)
{
    return ce ? ce : pit_modulus(c);
}

static uint32_t pit_minus(const struct pit_channel *c, uint32_t ce, uint64_t k)
{
    uint32_t m = pit_modulus(c);

    return (uint32_t)((ce + m - k % m) % m);
}

/* ---- the modes: state k counted edges after seg.start, and the next OUT change ---- */

/* Modes 0 and 1: OUT low until the terminal count, then high; the CE wraps on. */
static struct pit_view pit_eval_oneshot(const struct pit_channel *c, uint64_t k)
{
    const struct pit_seg *s = &c->seg;
    struct pit_view v = s->at;

    v.ce = pit_minus(c, s->at.ce, k);
    if (s->at.armed && k >= pit_full(c, s->at.ce)) {
        v.armed = false;
        v.out = true;
    }
    return v;
}

static uint64_t pit_next_oneshot(const struct pit_channel *c, uint64_t k)
{
    uint32_t tc = pit_full(c, c->seg.at.ce);

    return c->seg.at.armed && k < tc ? tc : PIT_NEVER;
}

/* Modes 4 and 5: OUT low for the one edge at which the CE reaches 0. A segment
 * starting with OUT low starts inside that strobe. */
static struct pit_view pit_eval_strobe(const struct pit_channel *c, uint64_t k)
{
    const struct pit_seg *s = &c->seg;
    uint32_t tc = pit_full(c, s->at.ce);
    struct pit_view v = s->at;

    v.ce = pit_minus(c, s->at.ce, k);
    v.out = !((!s->at.out && k == 0) || (s->at.armed && k == tc));
    v.armed = s->at.armed && k < tc;
    return v;
}

static uint64_t pit_next_strobe(const struct pit_channel *c, uint64_t k)
{
    uint32_t tc = pit_full(c, c->seg.at.ce);

    if (!c->seg.at.out && k == 0)
        return 1;
    if (!c->seg.at.armed || k > tc)
        return PIT_NEVER;
    return k < tc ? tc : tc + 1;
}

/* Mode 2: the CE runs from N down to 1, OUT is low while it is 1, then N reloads. */
static uint32_t pit_rate_count(const struct pit_channel *c, uint64_t k)
{
    uint32_t first = pit_full(c, c->seg.at.ce);

    if (k < first)
        return (uint32_t)(first - k);
    return (uint32_t)(c->seg.n - (k - first) % c->seg.n);
}

static struct pit_view pit_eval_rate(const struct pit_channel *c, uint64_t k)
{
    struct pit_view v = c->seg.at;
    uint32_t count = pit_rate_count(c, k);

    v.ce = count % pit_modulus(c);
    /* GATE low holds OUT high (seg.at.out) */
    v.out = c->seg.active ? count != 1 : c->seg.at.out;
    return v;
}

static uint64_t pit_next_rate(const struct pit_channel *c, uint64_t k)
{
    uint32_t count = pit_rate_count(c, k);

    if (count > 1)
        return k + count - 1;
    return c->seg.n == 1 ? PIT_NEVER : k + 1;
}

/* Mode 3: halves of ceil(N/2) edges high and floor(N/2) low, the CE counting down
 * by two from N (N-1 for odd N) in each; the running half ends after at.rem. */
static struct pit_view pit_eval_square(const struct pit_channel *c, uint64_t k)
{
    const struct pit_seg *s = &c->seg;
    struct pit_view v = s->at;
    uint32_t n = s->n;
    uint32_t len;
    uint64_t j;

    if (!s->active || k < s->at.rem) {
        v.ce = pit_minus(c, s->at.ce, 2 * k);
        v.rem = (uint32_t)(s->at.rem - k);
        return v;
    }
    j = (k - s->at.rem) % n;
    v.out = !s->at.out;
    len = v.out ? n - n / 2 : n / 2;
    if (j >= len) {
        j -= len;
        v.out = s->at.out;
        len = n - len;
    }
    v.ce = pit_minus(c, (n & ~1u) % pit_modulus(c), 2 * j);
    v.rem = (uint32_t)(len - j);
    return v;
}

static uint64_t pit_next_square(const struct pit_channel *c, uint64_t k)
{
    if (c->seg.n < 2 && k >= c->seg.at.rem)
        return PIT_NEVER;
    return k + pit_eval_square(c, k).rem;
}

/* ---- the mode table ---- */

/* 8254 datasheet, "Modes" and "Gate Pin Operations Summary" */
const struct pit_mode pit_modes[PIT_MODES] = {
    /*       eval              next              gated  trig   cycle  cw_out load   armed */
    [0] = { pit_eval_oneshot, pit_next_oneshot, true,  false, false, false, false, true },
    [1] = { pit_eval_oneshot, pit_next_oneshot, false, true,  false, true,  false, true },
    [2] = { pit_eval_rate,    pit_next_rate,    true,  true,  true,  true,  true,  false },
    [3] = { pit_eval_square,  pit_next_square,  true,  true,  true,  true,  true,  false },
    [4] = { pit_eval_strobe,  pit_next_strobe,  true,  false, false, true,  true,  true },
    [5] = { pit_eval_strobe,  pit_next_strobe,  false, true,  false, true,  true,  true },
};
