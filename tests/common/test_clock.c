/* Unit tests of the virtual clock and its timer heap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "clock.h"

struct record {
    unsigned n;
    uint64_t at[16];
    int who[16];
};

struct probe {
    struct record *rec;
    int id;
    struct timer timer;
    /* re-arm this far after each expiry (0: one-shot) */
    uint64_t period;
};

static void on_fire(void *opaque, uint64_t now)
{
    struct probe *p = opaque;
    struct record *r = p->rec;
    if (r->n < 16) {
        r->at[r->n] = now;
        r->who[r->n] = p->id;
        r->n++;
    }
    if (p->period)
        assert_true(timer_mod(&p->timer, now + p->period));
}

static void test_fires_in_deadline_order(void **state)
{
    (void)state;
    struct vclock *c = vclock_create();
    struct record rec = {0};
    struct probe p[4];
    static const uint64_t deadlines[4] = {300, 100, 400, 200};
    for (int i = 0; i < 4; i++) {
        p[i] = (struct probe){.rec = &rec, .id = i};
        timer_init(&p[i].timer, c, on_fire, &p[i]);
        assert_true(timer_mod(&p[i].timer, deadlines[i]));
    }
    assert_int_equal(vclock_next_deadline(c), 100);
    vclock_advance_to(c, 250);
    assert_int_equal(rec.n, 2);
    assert_int_equal(rec.who[0], 1);
    assert_int_equal(rec.who[1], 3);
    assert_int_equal(rec.at[1], 200);
    assert_int_equal(vclock_now(c), 250);
    timer_del(&p[0].timer);
    vclock_advance_to(c, 1000);
    assert_int_equal(rec.n, 3);
    assert_int_equal(rec.who[2], 2);
    assert_int_equal(vclock_next_deadline(c), UINT64_MAX);
    vclock_destroy(c);
}

static void test_periodic_rearm_does_not_drift(void **state)
{
    (void)state;
    struct vclock *c = vclock_create();
    struct record rec = {0};
    struct probe p = {.rec = &rec, .id = 0, .period = 10};
    timer_init(&p.timer, c, on_fire, &p);
    assert_true(timer_mod(&p.timer, 10));
    vclock_advance_to(c, 55);
    assert_int_equal(rec.n, 5);
    assert_int_equal(rec.at[4], 50);
    assert_true(timer_pending(&p.timer));
    assert_int_equal(vclock_next_deadline(c), 60);
    vclock_destroy(c);
}

static void test_rearm_and_delete_keep_heap_order(void **state)
{
    (void)state;
    struct vclock *c = vclock_create();
    struct record rec = {0};
    struct probe p[8];
    for (int i = 0; i < 8; i++) {
        p[i] = (struct probe){.rec = &rec, .id = i};
        timer_init(&p[i].timer, c, on_fire, &p[i]);
        assert_true(timer_mod(&p[i].timer, 100 + (uint64_t)i * 10));
    }
    assert_true(timer_mod(&p[7].timer, 5));   /* moves to the top */
    timer_del(&p[0].timer);
    timer_del(&p[0].timer);                   /* deleting twice is harmless */
    assert_true(timer_mod(&p[1].timer, 1000)); /* moves to the bottom */
    vclock_advance_to(c, 2000);
    static const int order[] = {7, 2, 3, 4, 5, 6, 1};
    assert_int_equal(rec.n, 7);
    for (int i = 0; i < 7; i++)
        assert_int_equal(rec.who[i], order[i]);
    vclock_destroy(c);
}

static void test_time_never_goes_back(void **state)
{
    (void)state;
    struct vclock *c = vclock_create();
    vclock_advance_to(c, 100);
    vclock_advance_to(c, 50);
    assert_int_equal(vclock_now(c), 100);
    vclock_destroy(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fires_in_deadline_order),
        cmocka_unit_test(test_periodic_rearm_does_not_drift),
        cmocka_unit_test(test_rearm_and_delete_keep_heap_order),
        cmocka_unit_test(test_time_never_goes_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
