/* Boots the FreeDOS 1.44M floppy (kernel 2040, FreeCOM, no HIMEM) with the
 * trapdoor BIOS, types "ver" and "dir" on the PS/2 keyboard and compares the
 * text screen with the screen QEMU 7.2 + SeaBIOS shows (guests/expected:
 * every line must appear; the BIOS banner differs and is not compared). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "boot_util.h"

static double host_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what, const char *screen)
{
    fprintf(stderr, "FAIL: %s\nscreen:\n%s\n", what, screen);
    return 1;
}

int main(void)
{
    char img_path[512], exp_path[512];
    static char screen[BOOT_SCREEN_MAX];
    const char *img = boot_shared_file("floppy/freedos-minimal-1440k.img", img_path,
                                       sizeof(img_path));
    const char *exp = img ? boot_shared_file("expected/freedos-minimal_ver_dir.qemu.txt",
                                             exp_path, sizeof(exp_path)) : NULL;
    if (!img || !exp)
        return 77;
    char *expected = boot_read_file(exp);
    struct machine *m = boot_floppy(img);
    if (!expected || !m)
        return 1;

    double t0 = host_seconds();
    if (!boot_wait_text(m, "A:\\>", 30000, screen))
        return fail("no A:\\> prompt within 30 s of virtual time", screen);
    printf("boot to A:\\> in %.2f s host, %.2f s virtual\n", host_seconds() - t0,
           (double)machine_time_ns(m) / 1e9);
    if (!boot_type(m, "ver\r") ||
        !boot_wait_text(m, "FreeCom version 0.82 pl 3", 10000, screen))
        return fail("ver did not print the FreeCOM version", screen);
    if (!boot_type(m, "dir\r") || !boot_wait_text(m, "bytes free", 10000, screen))
        return fail("dir did not finish", screen);
    (void)machine_run_for(m, 200000000);
    machine_screen_text(m, screen, sizeof(screen));
    if (!boot_lines_present(screen, expected))
        return fail("the screen differs from QEMU's", screen);
    printf("%s", screen);
    printf("PASS (%.2f s host in all)\n", host_seconds() - t0);
    machine_destroy(m);
    free(expected);
    return 0;
}
