/* Boot test helpers (boot_util.h). */
#include "boot_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keymap.h"

enum { STEP_MS = 50, KEY_MS = 30, NS_PER_MS = 1000000 };

const char *boot_shared_file(const char *rel, char *buf, size_t size)
{
    const char *shared = getenv("TRAPDOOR_SHARED");

    if (!shared) {
        printf("SKIP: TRAPDOOR_SHARED is not set\n");
        return NULL;
    }
    snprintf(buf, size, "%s/guests/%s", shared, rel);
    if (access(buf, R_OK) != 0) {
        printf("SKIP: %s is missing\n", buf);
        return NULL;
    }
    return buf;
}

struct machine *boot_floppy(const char *fda)
{
    struct machine_config cfg = {
        .ram_size = 64u << 20,
        .fda = fda,
        .snapshot = true,
        .speed = MACHINE_SPEED_MAX,
    };
    char err[512];
    struct machine *m = machine_create(&cfg, err, sizeof(err));

    if (!m)
        fprintf(stderr, "machine_create: %s\n", err);
    return m;
}

bool boot_wait_text(struct machine *m, const char *text, unsigned max_ms, char *screen)
{
    for (unsigned t = 0; t <= max_ms; t += STEP_MS) {
        machine_screen_text(m, screen, BOOT_SCREEN_MAX);
        if (strstr(screen, text))
            return true;
        struct machine_result r = machine_run_for(m, (uint64_t)STEP_MS * NS_PER_MS);
        if (r.stop != MACHINE_STOP_TIME) {
            fprintf(stderr, "the machine stopped: %s\n", machine_stop_reason(r.stop));
            machine_screen_text(m, screen, BOOT_SCREEN_MAX);
            return strstr(screen, text) != NULL;
        }
    }
    return false;
}

static void press(struct machine *m, enum key key, bool down)
{
    machine_key(m, key, down);
    (void)machine_run_for(m, (uint64_t)KEY_MS * NS_PER_MS);
}

bool boot_type(struct machine *m, const char *s)
{
    for (; *s; s++) {
        bool shift;
        enum key key = keymap_from_char(*s == '\r' ? '\n' : *s, &shift);
        if (key == KEY_NONE)
            return false;
        if (shift)
            press(m, KEY_SHIFT, true);
        press(m, key, true);
        press(m, key, false);
        if (shift)
            press(m, KEY_SHIFT, false);
    }
    return true;
}

char *boot_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) != NULL) {
        size_t got = fread(buf, 1, (size_t)n, f);
        buf[got] = '\0';
    }
    fclose(f);
    return buf;
}

bool boot_lines_present(const char *screen, const char *expected)
{
    const char *p = expected;

    while (*p) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char line[256];
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\r'))
            len--;
        if (len > 0 && len < sizeof(line)) {
            memcpy(line, p, len);
            line[len] = '\0';
            if (!strstr(screen, line)) {
                fprintf(stderr, "missing on the screen: \"%s\"\n", line);
                return false;
            }
        }
        p = end ? end + 1 : p + strlen(p);
    }
    return true;
}
