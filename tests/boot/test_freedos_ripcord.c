/* Boots the FreeDOS 720K floppy of copy.sh/v86 (kernel 2040, HIMEM, FreeCOM)
 * with the trapdoor BIOS and checks, against QEMU 7.2 + SeaBIOS's screens
 * (guests/expected): the boot messages (HIMEM needs A20 and INT 15h; the
 * kernel's buffers in the HMA prove A20 works), HELLO, the CPU-independent
 * lines of CPULEVEL and the digits PI prints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* The boot screen from the kernel's banner on (the BIOS lines above differ). */
static const char *from_kernel(const char *expected)
{
    const char *p = strstr(expected, "FreeDOS kernel");
    return p ? p : expected;
}

/* CPULEVEL's lines that do not name the CPU: the banner, the CPUID table
 * header, the feature list headings. Vendor, family/model, the register values,
 * the feature names and the brand string are the emulated CPU's own. */
static const char cpulevel_lines[] =
    "CPULEVEL - public domain by Eric Auer 2004\n"
    "        CPUID level 1 EAX_.... EBX_.... ECX_.... EDX_....\n"
    "          values are: \n"
    "List of supported CPUID level 1 defined features:\n";

/* PI's digits: the expected screen's last 21 lines (digits and the prompt),
 * which both 25-row screens still show after PI scrolled. */
static bool pi_digits_match(const char *screen, const char *expected)
{
    const char *start = expected + strlen(expected);
    unsigned rows = 0;

    while (start > expected && rows < 22)
        if (*--start == '\n')
            rows++;
    return boot_lines_present(screen, start);
}

static int run(struct machine *m, const char *expected_boot, const char *expected_pi)
{
    static char screen[BOOT_SCREEN_MAX];
    double t0 = host_seconds();

    if (!boot_wait_text(m, "A:\\>", 60000, screen))
        return fail("no A:\\> prompt within 60 s of virtual time", screen);
    printf("boot to A:\\> in %.2f s host, %.2f s virtual\n", host_seconds() - t0,
           (double)machine_time_ns(m) / 1e9);
    if (!boot_lines_present(screen, from_kernel(expected_boot)))
        return fail("the boot screen differs from QEMU's", screen);
    if (!boot_type(m, "hello\r") || !boot_wait_text(m, "Hello, World!", 10000, screen))
        return fail("HELLO printed nothing", screen);
    /* whether the AMD and brand lines follow depends on the CPU's extended
     * leaves: wait for the prompt after the feature list */
    if (!boot_type(m, "cls\r") || !boot_type(m, "cpulevel\r") ||
        !boot_wait_text(m, "defined features:", 10000, screen) ||
        !boot_wait_text(m, "]\n\nA:\\>", 10000, screen) ||
        !boot_lines_present(screen, cpulevel_lines))
        return fail("CPULEVEL's output differs", screen);
    printf("%s", screen);
    double tp = host_seconds();
    if (!boot_type(m, "cls\r") || !boot_type(m, "pi\r") ||
        !boot_wait_text(m, "2823608963208068222468012248", 600000, screen))
        return fail("PI did not finish its digits", screen);
    printf("pi in %.2f s host\n", host_seconds() - tp);
    if (!pi_digits_match(screen, expected_pi))
        return fail("PI's digits differ from QEMU's", screen);
    printf("%s", screen);
    return 0;
}

int main(void)
{
    char img_path[512], boot_path[512], pi_path[512];
    const char *img = boot_shared_file("floppy/freedos-ripcord-v86-720k.img", img_path,
                                       sizeof(img_path));
    const char *exp_boot = img ? boot_shared_file("expected/freedos-ripcord_boot.qemu.txt",
                                                  boot_path, sizeof(boot_path)) : NULL;
    const char *exp_pi = exp_boot ? boot_shared_file("expected/freedos-ripcord_pi.qemu.txt",
                                                     pi_path, sizeof(pi_path)) : NULL;
    if (!exp_pi)
        return 77;
    char *boot_text = boot_read_file(exp_boot), *pi_text = boot_read_file(exp_pi);
    struct machine *m = boot_floppy(img);
    if (!boot_text || !pi_text || !m)
        return 1;
    int status = run(m, boot_text, pi_text);
    if (status == 0)
        printf("PASS\n");
    machine_destroy(m);
    free(boot_text);
    free(pi_text);
    return status;
}
