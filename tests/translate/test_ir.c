/* Unit tests of the IR: emission, temps, labels, flag liveness. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flags.h"
#include "helpers.h"
#include "ir.h"

static struct ir_block *new_block(void)
{
    struct ir_block *b = malloc(sizeof(*b));
    assert_non_null(b);
    ir_reset(b);
    return b;
}

static struct ir_op *flags_op(struct ir_block *b)
{
    struct ir_op *op = ir_emit(b, IR_flags);
    op->imm = CC_OP(CC_ADD, 4);
    return op;
}

static void test_temps_start_at_one(void **state)
{
    (void)state;
    struct ir_block *b = new_block();
    assert_int_equal(ir_new_temp(b), 1);
    assert_int_equal(ir_new_temp(b), 2);
    assert_int_equal(ir_new_label(b), 0);
    assert_int_equal(ir_new_label(b), 1);
    free(b);
}

static void test_overflow_is_flagged_not_fatal(void **state)
{
    (void)state;
    struct ir_block *b = new_block();
    for (unsigned i = 0; i < IR_MAX_OPS + 10; i++)
        ir_emit(b, IR_movi);
    assert_true(b->overflow);
    assert_true(b->nops < IR_MAX_OPS);
    free(b);
}

/* Two flag writes in a row: the first is dead. */
static void test_overwritten_flags_are_dead(void **state)
{
    (void)state;
    struct ir_block *b = new_block();
    struct ir_op *first = flags_op(b);
    ir_emit(b, IR_add);
    flags_op(b);
    ir_emit(b, IR_exit_cur);
    unsigned first_idx = (unsigned)(first - b->ops);
    assert_int_equal(ir_flags_liveness(b), 1);
    assert_true(b->ops[first_idx].dead);
    assert_false(b->ops[2].dead);
    free(b);
}

/* A flags reader, a may-fault op or a branch between two writes keeps the first. */
static void test_observers_keep_flags_live(void **state)
{
    (void)state;
    static const enum ir_opc observers[] = {IR_getcf, IR_cond, IR_getflags, IR_ld, IR_st,
                                            IR_brz, IR_label, IR_exit_jmp};
    for (size_t i = 0; i < sizeof(observers) / sizeof(observers[0]); i++) {
        struct ir_block *b = new_block();
        flags_op(b);
        ir_emit(b, observers[i]);
        flags_op(b);
        ir_emit(b, IR_exit_cur);
        assert_int_equal(ir_flags_liveness(b), 0);
        free(b);
    }
}

/* Helper calls: one that reads flags keeps them; one that only writes them kills them. */
static void test_helper_flags(void **state)
{
    (void)state;
    struct ir_block *b = new_block();
    flags_op(b);
    ir_emit(b, IR_call)->hid = HELPER_rcl;
    ir_emit(b, IR_exit_cur);
    assert_int_equal(ir_flags_liveness(b), 0);
    free(b);

    b = new_block();
    flags_op(b);
    ir_emit(b, IR_call)->hid = HELPER_mul;
    ir_emit(b, IR_exit_cur);
    assert_int_equal(ir_flags_liveness(b), 1);
    free(b);
}

/* The last flag write of a block is live: flags are visible after the block. */
static void test_last_write_live(void **state)
{
    (void)state;
    struct ir_block *b = new_block();
    flags_op(b);
    assert_int_equal(ir_flags_liveness(b), 0);
    assert_false(b->ops[0].dead);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_temps_start_at_one),
        cmocka_unit_test(test_overflow_is_flagged_not_fatal),
        cmocka_unit_test(test_overwritten_flags_are_dead),
        cmocka_unit_test(test_observers_keep_flags_live),
        cmocka_unit_test(test_helper_flags),
        cmocka_unit_test(test_last_write_live),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
