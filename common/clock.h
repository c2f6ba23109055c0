/* Virtual time: a clock in nanoseconds advanced by the board (from retired
 * guest instructions, or paced to the wall clock), and timers ordered in a
 * min-heap. Same inputs at the same instruction counts give the same run. */
#ifndef TD_CLOCK_H
#define TD_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vclock;
struct timer;

typedef void timer_fn(void *opaque, uint64_t now_ns);

struct timer {
    struct vclock *clock;
    timer_fn *fn;
    void *opaque;
    uint64_t deadline_ns;
    /* position in the clock's heap, or SIZE_MAX when not armed */
    size_t heap_index;
};

enum { VCLOCK_MAX_TIMERS = 64 };

/* NULL on allocation failure. Time starts at 0. */
struct vclock *vclock_create(void);
void vclock_destroy(struct vclock *c);

uint64_t vclock_now(const struct vclock *c);

/* Move time forward to now_ns (never backwards), running every timer whose
 * deadline has passed, earliest first; a callback may re-arm its timer. */
void vclock_advance_to(struct vclock *c, uint64_t now_ns);

/* Earliest armed deadline, or UINT64_MAX when none. */
uint64_t vclock_next_deadline(const struct vclock *c);

/* Prepare t (not armed). */
void timer_init(struct timer *t, struct vclock *c, timer_fn *fn, void *opaque);
/* Arm (or re-arm) t to fire at deadline_ns. Returns false if the heap is full. */
bool timer_mod(struct timer *t, uint64_t deadline_ns) __attribute__((warn_unused_result));
void timer_del(struct timer *t);
bool timer_pending(const struct timer *t);

#endif
