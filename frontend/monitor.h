/* The monitor: QEMU's human monitor command language (sendkey, type,
 * screendump, info registers, xp, stop/cont, system_reset, quit) on stdio or on
 * a unix socket that serves one client at a time. Commands run between
 * execution slices; reading and writing never block the guest. */
#ifndef TD_MONITOR_H
#define TD_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct runloop;
struct monitor;

enum monitor_kind {
    MONITOR_STDIO,
    MONITOR_UNIX,
};

/* sun_path's size on Linux (unix(7)) */
enum { MONITOR_PATH_MAX = 108 };

struct monitor_config {
    enum monitor_kind kind;
    /* MONITOR_UNIX: the socket's path */
    char path[MONITOR_PATH_MAX];
    /* MONITOR_UNIX: wait for the first client before the guest starts */
    bool wait;
};

/* Parse a -monitor value: "stdio" or "unix:PATH,server[,nowait]" (also QEMU's
 * newer "server=on", "wait=off"). false with a message in err. */
bool monitor_parse(const char *spec, struct monitor_config *cfg, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Open the monitor: print the banner on stdio, or create and listen on the
 * socket (replacing a stale socket file) and, with wait, accept the first
 * client. NULL with a message naming the path in err. */
struct monitor *monitor_create(const struct monitor_config *cfg, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Close the channel; the socket file is removed. */
void monitor_destroy(struct monitor *mon);

/* Accept a waiting client, read what has arrived, run each complete command
 * line against rl, and send the replies that fit. Never blocks. */
void monitor_poll(struct monitor *mon, struct runloop *rl);

/* Run one command line against rl, writing its reply (without a prompt) to out.
 * Returns false for an unknown command or bad arguments (the reply says why). */
bool monitor_execute(struct runloop *rl, const char *line, FILE *out);

#endif
