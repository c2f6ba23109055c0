/* A run with a user interface (session.h). */
#include "session.h"

#include <string.h>

#include "display.h"
#include "runloop.h"

bool session_interactive(const struct session_config *cfg)
{
    return cfg->has_monitor || (cfg->display[0] && strcmp(cfg->display, "none") != 0);
}

static bool run_loop(const struct session_config *cfg, struct machine *m,
                     const struct display_ops *ops, void *state, struct monitor *mon,
                     struct runloop_result *res, char *err, size_t errlen)
{
    struct runloop rl;

    if (!runloop_init(&rl, m, ops, state, mon, cfg->real_time)) {
        snprintf(err, errlen, "out of memory setting up the display");
        return false;
    }
    rl.serial_stdin = cfg->serial_stdin;
    *res = runloop_run(&rl);
    runloop_fini(&rl);
    return true;
}

bool session_run(const struct session_config *cfg, struct machine *m, struct machine_result *r,
                 bool *quit, char *err, size_t errlen)
{
    const struct display_ops *ops = display_find(cfg->display);
    const struct display_config dcfg = {
        .title = "trapdoor",
        .keep_aspect = cfg->keep_aspect,
        .integer_scale = cfg->integer_scale,
        .linear = cfg->linear,
    };
    struct monitor *mon = NULL;
    struct runloop_result res;
    void *state;
    bool ok;

    *quit = false;
    if (!ops) {
        snprintf(err, errlen, "display '%s' is not built in (available: %s)", cfg->display,
                 display_names());
        return false;
    }
    if (ops->text_mode && ((cfg->has_monitor && cfg->monitor.kind == MONITOR_STDIO) ||
                           cfg->serial_stdin)) {
        snprintf(err, errlen, "-display %s uses the terminal: -monitor stdio and -serial "
                 "stdio cannot share it", cfg->display);
        return false;
    }
    if (cfg->has_monitor && cfg->monitor.kind == MONITOR_STDIO && cfg->serial_stdin) {
        snprintf(err, errlen, "-monitor stdio and -serial stdio cannot share stdin");
        return false;
    }
    if (cfg->has_monitor && !(mon = monitor_create(&cfg->monitor, err, errlen)))
        return false;
    state = ops->create(&dcfg, err, errlen);
    ok = state && run_loop(cfg, m, ops, state, mon, &res, err, errlen);
    if (state)
        ops->destroy(state);
    monitor_destroy(mon);
    if (ok) {
        *quit = res.quit;
        *r = res.stop;
    }
    return ok;
}
