/* Debug and diagnostic logging: the -d item mask and the -D output file.
 * One struct log per machine; no global state. */
#ifndef TD_LOG_H
#define TD_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* -d items, as in QEMU's vocabulary. The table in log.c names them. */
enum log_item {
    LOG_IN_ASM = 1u << 0,   /* guest code of each translated block */
    LOG_OP = 1u << 1,       /* IR of each translated block */
    LOG_IOPORT = 1u << 2,   /* each I/O port access */
    LOG_INT = 1u << 3,      /* interrupts and exceptions */
    LOG_EXEC = 1u << 4,     /* each block executed */
    LOG_TRAP = 1u << 5,     /* each VMM call (translate/vmm_trace.c) */
    LOG_UNIMP = 1u << 6,    /* unimplemented or guest-misbehaviour notes */
    LOG_STATS = 1u << 7,    /* exit report: VMM calls and translation statistics */
};

struct log {
    /* where -d output goes (stderr unless -D FILE) */
    FILE *out;
    /* enabled enum log_item bits */
    uint32_t mask;
};

/* Initialise to stderr, nothing enabled. */
void log_init(struct log *log);

/* Parse a comma-separated -d list ("in_asm,op,int") into *mask.
 * Returns false and names the bad item in err (size errlen) on failure.
 * "help" is not an item: the caller prints log_items_help(). */
bool log_parse_items(const char *list, uint32_t *mask, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Print the list of -d items with their descriptions to f. */
void log_items_help(FILE *f);

static inline bool log_enabled(const struct log *log, enum log_item item)
{
    return log && (log->mask & item) != 0;
}

/* Print to log->out if item is enabled. */
void log_printf(const struct log *log, enum log_item item, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A diagnostic that is always printed to stderr ("trapdoor: ..."). */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
