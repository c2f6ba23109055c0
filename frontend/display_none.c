/* The headless display: pictures go nowhere and there is no host input (the
 * monitor and the serial port remain). */
#include "display.h"

#include <stdlib.h>

/* create must return a non-NULL state: any unique address will do */
static const char none_state;

static void *none_create(const struct display_config *cfg, char *err, size_t errlen)
{
    return (void *)&none_state;
}

static void none_destroy(void *state)
{
}

static void none_poll_input(void *state, const struct display_input *in)
{
}

const struct display_ops display_none_ops = {
    .name = "none",
    .create = none_create,
    .destroy = none_destroy,
    .poll_input = none_poll_input,
};
