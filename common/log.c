/* Debug logging: the -d item table (QEMU's vocabulary, "-d help" lists it),
 * the item-list parser and the printing helpers of log.h. */
#include "log.h"

#include <string.h>

struct log_item_desc {
    const char *name;
    uint32_t bit;
    const char *help;
};

static const struct log_item_desc log_items[] = {
    { "in_asm", LOG_IN_ASM, "show guest code of each translated block" },
    { "op", LOG_OP, "show the IR of each translated block" },
    { "ioport", LOG_IOPORT, "trace each I/O port access" },
    { "int", LOG_INT, "show interrupts and exceptions" },
    { "exec", LOG_EXEC, "trace each block executed" },
    { "trap", LOG_TRAP, "log each VMM call: address, bytes, disassembly, class, outcome, reason" },
    { "unimp", LOG_UNIMP, "log unimplemented features and guest misbehaviour" },
    { "stats", LOG_STATS, "print VMM call and translation statistics at exit" },
};

enum { LOG_ITEM_COUNT = sizeof(log_items) / sizeof(log_items[0]) };

void log_init(struct log *log)
{
    log->out = stderr;
    log->mask = 0;
}

static const struct log_item_desc *log_find_item(const char *name, size_t len)
{
    for (unsigned i = 0; i < LOG_ITEM_COUNT; i++) {
        if (strlen(log_items[i].name) == len && memcmp(log_items[i].name, name, len) == 0)
            return &log_items[i];
    }
    return NULL;
}

static void log_set_err(char *err, size_t errlen, const char *name, size_t len)
{
    if (!err || errlen == 0)
        return;
    if (len == 0)
        snprintf(err, errlen, "empty -d item");
    else
        snprintf(err, errlen, "unknown -d item '%.*s'", (int)len, name);
}

bool log_parse_items(const char *list, uint32_t *mask, char *err, size_t errlen)
{
    uint32_t bits = 0;
    const char *item = list;

    for (;;) {
        size_t len = strcspn(item, ",");
        const struct log_item_desc *desc = log_find_item(item, len);

        if (!desc) {
            log_set_err(err, errlen, item, len);
            return false;
        }
        bits |= desc->bit;
        if (item[len] == '\0')
            break;
        item += len + 1;
    }
    *mask = bits;
    return true;
}

void log_items_help(FILE *f)
{
    fprintf(f, "Log items (comma separated):\n");
    for (unsigned i = 0; i < LOG_ITEM_COUNT; i++)
        fprintf(f, "%-10s %s\n", log_items[i].name, log_items[i].help);
}

void log_printf(const struct log *log, enum log_item item, const char *fmt, ...)
{
    va_list ap;

    if (!log_enabled(log, item))
        return;
    va_start(ap, fmt);
    vfprintf(log->out ? log->out : stderr, fmt, ap);
    va_end(ap);
}

void log_warn(const char *fmt, ...)
{
    va_list ap;
    size_t len = strlen(fmt);

    fputs("trapdoor: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (len == 0 || fmt[len - 1] != '\n')
        fputc('\n', stderr);
}
