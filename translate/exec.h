/* The execution engine: translation-block cache, backend, and cpu_exec, the
 * loop that finds or translates blocks and runs them. */
#ifndef TD_EXEC_H
#define TD_EXEC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct cpu;

struct exec_config {
    /* bytes of translated code the cache may hold before a flush-all (0: default) */
    uint32_t cache_size;
    /* maximum guest instructions per block (0: default, 32) */
    unsigned max_block_insns;
    /* "portable" or "x86_64" (NULL: $TRAPDOOR_BACKEND if set, else the
     * host's native backend where there is one) */
    const char *backend;
    /* lock-step against the portable backend: 1 on, -1 off, 0 when
     * $TRAPDOOR_LOCKSTEP is set */
    int lockstep;
};

/* Translation statistics (-d stats). */
struct exec_stats {
    uint64_t blocks_translated;
    uint64_t insns_translated;
    uint64_t lookups;
    uint64_t lookup_hits;
    uint64_t chained;
    uint64_t smc_invalidations;
    uint64_t flushes;
    uint64_t flag_ops_removed;
    uint64_t blocks_executed;
    /* the most blocks and bytes of block code the cache held at once (between
     * flushes; bounded by EXEC_MAX_BLOCKS and exec_config.cache_size) */
    uint64_t cache_blocks_peak;
    uint64_t cache_code_peak;
    /* VMM helper calls, by helper id (cpu/helpers.def) */
    uint64_t helper_calls[128];
};

struct exec;

/* Blocks the code cache holds before a flush-all. */
enum { EXEC_MAX_BLOCKS = 1u << 16 };

/* The backend used when none is named, and whether name is a backend. */
const char *exec_default_backend(void);
bool exec_backend_known(const char *name);

/* Create the engine for cpu (which must outlive it). Registers the bus's
 * code-write hook. Returns NULL on allocation failure or an unknown backend. */
struct exec *exec_create(struct cpu *cpu, const struct exec_config *cfg);
void exec_destroy(struct exec *ex);

enum exec_status {
    EXEC_BUDGET,      /* max_insns retired */
    EXEC_HALTED,      /* HLT with no interrupt to wake it */
    EXEC_REQUEST,     /* cpu->exit_request was set */
};

/* Run until at least max_insns more instructions have retired (blocks are not
 * split), the CPU halts, or an exit is requested. Interrupts are taken at block
 * boundaries when EFLAGS.IF is set and cpu->intr is raised. */
enum exec_status exec_run(struct exec *ex, uint64_t max_insns);

/* exec_run without lock-step (exec_lockstep.c runs the two engines with it). */
enum exec_status exec_run_plain(struct exec *ex, uint64_t max_insns);

/* Lock-step (exec_lockstep.c): a shadow machine on the portable backend that
 * replays each block of cpu's engine ex and compares (see that file). */
struct lockstep;
struct lockstep *exec_lockstep_create(struct cpu *cpu);
void exec_lockstep_destroy(struct lockstep *ls);
enum exec_status exec_lockstep_run(struct lockstep *ls, struct exec *ex, struct cpu *cpu,
                                   const char *backend, uint64_t max_insns);

/* Throw away every translated block. */
void exec_flush(struct exec *ex);

const struct exec_stats *exec_stats(const struct exec *ex);
/* The backend in use ("x86_64", "portable"). */
const char *exec_backend_name(const struct exec *ex);
/* The VMM call counts and trap records (vmm_trace.h). */
struct vmm_trace *exec_vmm_trace(struct exec *ex);
/* Print the translation statistics and VMM calls to f. */
void exec_print_stats(const struct exec *ex, FILE *f);

#endif
