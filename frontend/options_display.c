/* Display and input options in QEMU's vocabulary (qemu-options.hx): -display
 * NAME[,props], -nographic, -monitor, and --speed. */
#include <stdio.h>
#include <string.h>

#include "display.h"
#include "monitor.h"
#include "options.h"
#include "options_spec.h"

/* One property of -display sdl: aspect=on|off, scale=nearest|linear|integer. */
static bool parse_sdl_prop(struct session_config *sc, const char *prop, char *err,
                           size_t errlen)
{
    static const struct {
        const char *prop;
        bool is_scale, keep_aspect, integer_scale, linear;
    } props[] = {
        {"aspect=on", false, true, false, false}, {"aspect=off", false, false, false, false},
        {"scale=nearest", true, false, false, false}, {"scale=linear", true, false, false, true},
        {"scale=integer", true, false, true, false},
    };

    for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
        if (strcmp(prop, props[i].prop) != 0)
            continue;
        if (props[i].is_scale) {
            sc->integer_scale = props[i].integer_scale;
            sc->linear = props[i].linear;
        } else {
            sc->keep_aspect = props[i].keep_aspect;
        }
        return true;
    }
    snprintf(err, errlen, "unknown -display sdl property '%s' (use aspect=on|off, "
             "scale=nearest|linear|integer)", prop);
    return false;
}

static bool parse_display(struct options *o, const char *arg, char *err, size_t errlen)
{
    struct session_config *sc = &o->session;
    size_t len = strcspn(arg, ",");
    char props[256];
    char *save = NULL;

    if (len >= sizeof(sc->display)) {
        snprintf(err, errlen, "unsupported -display '%s' (this trapdoor has: %s)", arg,
                 display_names());
        return false;
    }
    memcpy(sc->display, arg, len);
    sc->display[len] = '\0';
    if (!display_find(sc->display)) {
        snprintf(err, errlen, "unsupported -display '%s' (this trapdoor has: %s)",
                 sc->display, display_names());
        return false;
    }
    o->display_none = strcmp(sc->display, "none") == 0;
    snprintf(props, sizeof(props), "%s", arg[len] ? arg + len + 1 : "");
    for (char *p = strtok_r(props, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        if (strcmp(sc->display, "sdl") != 0) {
            snprintf(err, errlen, "-display %s has no property '%s'", sc->display, p);
            return false;
        }
        if (!parse_sdl_prop(sc, p, err, errlen))
            return false;
    }
    return true;
}

static bool parse_monitor(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->session.has_monitor = strcmp(arg, "none") != 0;
    return !o->session.has_monitor || monitor_parse(arg, &o->session.monitor, err, errlen);
}

/* After parsing: -display none / -nographic, else the default display; a
 * terminal display turns the default debug console (stdio) off. */
void options_finish_display(struct options *o)
{
    struct session_config *sc = &o->session;
    const struct display_ops *ops;

    if (o->display_none)
        snprintf(sc->display, sizeof(sc->display), "none");
    else if (sc->display[0] == '\0')
        snprintf(sc->display, sizeof(sc->display), "%s", display_default_name());
    ops = display_find(sc->display);
    if (ops && ops->text_mode && !o->debugcon_given)
        o->debugcon = OPTIONS_DEBUGCON_NONE;
}

static bool set_nographic(struct options *o, const char *arg, char *err, size_t errlen)
{
    o->display_none = true;
    o->serial = OPTIONS_SERIAL_STDIO;
    return true;
}

static bool parse_speed(struct options *o, const char *arg, char *err, size_t errlen)
{
    if (strcmp(arg, "max") == 0) {
        o->speed = OPTIONS_SPEED_MAX;
    } else if (strcmp(arg, "real") == 0) {
        o->speed = OPTIONS_SPEED_REAL;
    } else {
        snprintf(err, errlen, "invalid --speed value '%s': use max or real", arg);
        return false;
    }
    return true;
}

const struct option_spec options_display_specs[] = {
    {"display", true, parse_display},
    {"nographic", false, set_nographic},
    {"monitor", true, parse_monitor},
    {"speed", true, parse_speed},
};
const size_t options_display_spec_count =
    sizeof(options_display_specs) / sizeof(options_display_specs[0]);
