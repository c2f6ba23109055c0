/* Virtual clock and timer min-heap (docs/internals.md, "Time"). */
#include "clock.h"

#include <stdlib.h>

struct vclock {
    uint64_t now_ns;
    size_t count;
    struct timer *heap[VCLOCK_MAX_TIMERS];
};

struct vclock *vclock_create(void)
{
    return calloc(1, sizeof(struct vclock));
}

void vclock_destroy(struct vclock *c)
{
    free(c);
}

uint64_t vclock_now(const struct vclock *c)
{
    return c->now_ns;
}

uint64_t vclock_next_deadline(const struct vclock *c)
{
    return c->count ? c->heap[0]->deadline_ns : UINT64_MAX;
}

static void heap_set(struct vclock *c, size_t i, struct timer *t)
{
    c->heap[i] = t;
    t->heap_index = i;
}

static void sift_up(struct vclock *c, size_t i)
{
    struct timer *t = c->heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (c->heap[parent]->deadline_ns <= t->deadline_ns)
            break;
        heap_set(c, i, c->heap[parent]);
        i = parent;
    }
    heap_set(c, i, t);
}

static void sift_down(struct vclock *c, size_t i)
{
    struct timer *t = c->heap[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= c->count)
            break;
        if (child + 1 < c->count && c->heap[child + 1]->deadline_ns < c->heap[child]->deadline_ns)
            child++;
        if (t->deadline_ns <= c->heap[child]->deadline_ns)
            break;
        heap_set(c, i, c->heap[child]);
        i = child;
    }
    heap_set(c, i, t);
}

void timer_init(struct timer *t, struct vclock *c, timer_fn *fn, void *opaque)
{
    t->clock = c;
    t->fn = fn;
    t->opaque = opaque;
    t->deadline_ns = 0;
    t->heap_index = SIZE_MAX;
}

bool timer_pending(const struct timer *t)
{
    return t->heap_index != SIZE_MAX;
}

void timer_del(struct timer *t)
{
    struct vclock *c = t->clock;
    if (!timer_pending(t))
        return;
    size_t i = t->heap_index;
    t->heap_index = SIZE_MAX;
    c->count--;
    if (i == c->count)
        return;
    heap_set(c, i, c->heap[c->count]);
    /* the moved timer may belong above or below its new place */
    sift_down(c, i);
    sift_up(c, c->heap[i]->heap_index);
}

bool timer_mod(struct timer *t, uint64_t deadline_ns)
{
    struct vclock *c = t->clock;
    timer_del(t);
    if (c->count == VCLOCK_MAX_TIMERS)
        return false;
    t->deadline_ns = deadline_ns;
    heap_set(c, c->count++, t);
    sift_up(c, t->heap_index);
    return true;
}

void vclock_advance_to(struct vclock *c, uint64_t now_ns)
{
    if (now_ns < c->now_ns)
        return;
    while (c->count && c->heap[0]->deadline_ns <= now_ns) {
        struct timer *t = c->heap[0];
        timer_del(t);
        /* callbacks see the time their timer was due, so periodic timers
         * re-armed from it do not drift */
        c->now_ns = t->deadline_ns > c->now_ns ? t->deadline_ns : c->now_ns;
        t->fn(t->opaque, c->now_ns);
    }
    c->now_ns = now_ns;
}
