/* The table of displays built into this trapdoor, and the choice of the default
 * one (QEMU's rule: a window when a graphical session is there). */
#include "display.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"

#ifndef HAVE_CURSES
#define HAVE_CURSES 0
#endif

static const struct display_ops *const displays[] = {
#if HAVE_SDL2
    &display_sdl_ops,
#endif
#if HAVE_CURSES
    &display_curses_ops,
#endif
    &display_none_ops,
};

static const char display_name_list[] =
#if HAVE_SDL2
    "sdl, "
#endif
#if HAVE_CURSES
    "curses, "
#endif
    "none";

const struct display_ops *display_find(const char *name)
{
    for (size_t i = 0; i < sizeof(displays) / sizeof(displays[0]); i++) {
        if (strcmp(displays[i]->name, name) == 0)
            return displays[i];
    }
    return NULL;
}

static bool env_set(const char *name)
{
    const char *v = getenv(name);

    return v != NULL && v[0] != '\0';
}

const char *display_default_name(void)
{
    if (HAVE_SDL2 && (env_set("DISPLAY") || env_set("WAYLAND_DISPLAY")))
        return "sdl";
    return "none";
}

const char *display_names(void)
{
    return display_name_list;
}
