/* One machine for the SingleStepTests runner (16 MiB RAM, A20 on, empty port
 * space, the CPU and the execution engine) and the run of one test on it:
 * load the initial state, run to the terminating HLT, compare the final state. */
#ifndef TD_VEC_RUN_H
#define TD_VEC_RUN_H

#include <stdbool.h>
#include <stdint.h>

struct json_object;
struct vec_machine;

/* Create the machine. model_name selects the CPU model (cpu_model_find; NULL:
 * cpu_model_default); log_mask enables -d items (enum log_item) on stderr.
 * Returns NULL after printing a message on failure. */
struct vec_machine *vec_machine_create(const char *model_name, uint32_t log_mask);
void vec_machine_destroy(struct vec_machine *m);

enum { VEC_MAX_MISMATCH = 8 };

/* One field that differs: a register ("ax", "flags"), a RAM byte ("ram[0x1234]")
 * or "halted" (the CPU never reached the terminating HLT). */
struct vec_mismatch {
    char field[24];
    uint32_t expected;
    uint32_t got;
    /* bits compared (FLAGS and pushed-FLAGS bytes are masked) */
    uint32_t mask;
};

struct vec_result {
    /* number of differing fields (may exceed VEC_MAX_MISMATCH) */
    unsigned nmismatch;
    /* the first VEC_MAX_MISMATCH of them */
    struct vec_mismatch mismatch[VEC_MAX_MISMATCH];
};

/* Run one test object of a SingleStepTests file. flags_mask: FLAGS bits the
 * metadata defines for this instruction. Returns false (printing a message) if
 * the test is malformed; otherwise fills *res (nmismatch == 0: passed). */
bool vec_run_test(struct vec_machine *m, const struct json_object *test, uint16_t flags_mask,
                  struct vec_result *res) __attribute__((warn_unused_result));

#endif
