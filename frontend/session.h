/* A run with a user interface: the display and the monitor the options ask
 * for around the run loop, or the plain batch run when there is neither. */
#ifndef TD_SESSION_H
#define TD_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "machine.h"
#include "monitor.h"

struct session_config {
    /* the -display name (display_find) */
    char display[16];
    /* SDL: keep the 4:3 shape, whole-multiple scaling, linear filter */
    bool keep_aspect, integer_scale, linear;
    /* the monitor, when has_monitor */
    bool has_monitor;
    struct monitor_config monitor;
    /* frames paced to the wall clock (the machine runs with MACHINE_SPEED_REAL) */
    bool real_time;
    /* COM1 reads stdin (-serial stdio) */
    bool serial_stdin;
};

/* Does cfg ask for a display or a monitor (otherwise the caller's batch run
 * is all there is to do)? */
bool session_interactive(const struct session_config *cfg);

/* Run m with the display and monitor of cfg (opened here and closed before
 * returning). *quit tells whether the user or the monitor ended the run;
 * otherwise *r says why the guest stopped. false with a message in err when
 * the display or the monitor cannot be opened. */
bool session_run(const struct session_config *cfg, struct machine *m, struct machine_result *r,
                 bool *quit, char *err, size_t errlen) __attribute__((warn_unused_result));

#endif
