/* The trapdoor binary's monitor, driven like a user would: over stdio (pipes)
 * and over a unix socket (one client at a time, a client that never reads is
 * dropped, ",server" without ",nowait" waits for the first client), against
 * tests/frontend/textrom.asm. Every wait is bounded. trapdoor starts under
 * $TRAPDOOR_WRAPPER, else meson's $MESON_EXE_WRAPPER (qemu-aarch64 in a cross
 * build), like tests/guest/test_cli.sh.
 * Usage: test_monitor TRAPDOOR TEXTROM.BIN */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "png_decode.h"

extern char **environ;

enum { TIMEOUT_MS = 20000, REPLY_MAX = 1 << 20 };

static const char *trapdoor, *rom;
static const char prompt[] = "(trapdoor) ";

struct client {
    pid_t pid;
    /* commands go to wfd, replies come from rfd (the same socket for unix:) */
    int wfd, rfd;
    char *buf;
    size_t len;
};

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* The wrapper's words, split at blanks like bash's read -a, into argv;
 * returns how many. buf holds the words. */
static int wrapper_words(const char **argv, int max, char *buf, size_t size)
{
    const char *w = getenv("TRAPDOOR_WRAPPER");
    char *save = NULL;
    int n = 0;

    if (!w)
        w = getenv("MESON_EXE_WRAPPER");
    snprintf(buf, size, "%s", w ? w : "");
    for (char *t = strtok_r(buf, " \t\n", &save); t && n < max;
         t = strtok_r(NULL, " \t\n", &save))
        argv[n++] = t;
    return n;
}

/* Start trapdoor with extra arguments; with stdio, its stdin and stdout are
 * pipes to c. stderr goes to err_path. */
static void spawn(struct client *c, bool stdio, const char *err_path, const char *const *args)
{
    const char *argv[48];
    char wrapper[512];
    int in[2], out[2], n = wrapper_words(argv, 8, wrapper, sizeof(wrapper));
    posix_spawn_file_actions_t fa;

    argv[n++] = trapdoor;
    argv[n++] = "-bios";
    argv[n++] = rom;
    argv[n++] = "-display";
    argv[n++] = "none";
    while (*args)
        argv[n++] = *args++;
    argv[n] = NULL;
    assert_int_equal(pipe(in), 0);
    assert_int_equal(pipe(out), 0);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_int_equal(posix_spawnp(&c->pid, argv[0], &fa, NULL, (char **)argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    c->buf = calloc(1, REPLY_MAX + 1);
    c->len = 0;
    if (stdio) {
        c->wfd = in[1];
        c->rfd = out[0];
    } else {
        close(in[1]);
        close(out[0]);
        c->wfd = c->rfd = -1;
    }
}

/* Read until the buffer ends with the prompt; false on timeout or EOF. */
static bool read_to_prompt(struct client *c, unsigned timeout_ms)
{
    uint64_t end = now_ms() + timeout_ms;
    size_t plen = strlen(prompt);

    c->len = 0;
    while (!(c->len >= plen && memcmp(c->buf + c->len - plen, prompt, plen) == 0)) {
        struct pollfd p = {.fd = c->rfd, .events = POLLIN};
        uint64_t now = now_ms();
        if (now >= end || poll(&p, 1, (int)(end - now)) <= 0)
            return false;
        ssize_t n = read(c->rfd, c->buf + c->len, REPLY_MAX - c->len);
        if (n <= 0)
            return false;
        c->len += (size_t)n;
        c->buf[c->len] = '\0';
    }
    c->len -= plen;
    c->buf[c->len] = '\0';
    return true;
}

/* Send one command line; the reply (without the prompt) is in c->buf. */
static const char *command(struct client *c, const char *line)
{
    size_t len = strlen(line);

    assert_int_equal(write(c->wfd, line, len), (ssize_t)len);
    assert_int_equal(write(c->wfd, "\n", 1), 1);
    if (!read_to_prompt(c, TIMEOUT_MS))
        fail_msg("no reply to '%s' (got '%s')", line, c->buf);
    return c->buf;
}

static void expect(struct client *c, const char *line, const char *needle)
{
    const char *reply = command(c, line);

    if (!strstr(reply, needle))
        fail_msg("'%s' replied '%s', without '%s'", line, reply, needle);
}

/* Ask screentext until text appears. */
static void wait_screen(struct client *c, const char *text)
{
    uint64_t end = now_ms() + TIMEOUT_MS;

    while (!strstr(command(c, "screentext"), text)) {
        if (now_ms() > end)
            fail_msg("'%s' never appeared; the screen:\n%s", text, c->buf);
        sleep_ms(20);
    }
}

/* The process ends (within the timeout) with status. */
static void expect_exit(struct client *c, int status)
{
    uint64_t end = now_ms() + TIMEOUT_MS;
    int ws;

    while (waitpid(c->pid, &ws, WNOHANG) == 0) {
        if (now_ms() > end) {
            kill(c->pid, SIGKILL);
            waitpid(c->pid, &ws, 0);
            fail_msg("trapdoor did not exit");
        }
        sleep_ms(10);
    }
    assert_true(WIFEXITED(ws));
    assert_int_equal(WEXITSTATUS(ws), status);
}

static void close_client(struct client *c)
{
    if (c->wfd >= 0)
        close(c->wfd);
    if (c->rfd >= 0 && c->rfd != c->wfd)
        close(c->rfd);
    c->wfd = c->rfd = -1;
}

static void temp_path(char *buf, size_t size, const char *what)
{
    snprintf(buf, size, "/tmp/td_test_monitor_%ld_%s", (long)getpid(), what);
}

/* The common session: screen, typing, keys, registers, memory, a picture. */
static void exercise(struct client *c)
{
    char png[128], cmd[160], why[256];
    unsigned w, h;

    wait_screen(c, "TRAPDOOR FRONTEND TEST\nType here:");
    command(c, "type Hello, World!\\n");
    wait_screen(c, "Hue\n\xE2\x95\x94\xE2\x95\x90\xE2\x95\x97 caf\xC3\xA9 \xCE\xB1\xC3\x9F\n"
                   "Hello, World!\n");
    command(c, "sendkey ctrl-c");
    wait_screen(c, "Hello, World!\n^C");
    expect(c, "info registers", "CS =f000 000f0000 0000ffff");
    expect(c, "xp /3xb 0xffff0", "00000000000ffff0: 0xea 0x00 0x00\n");
    expect(c, "xp /1xw 0xb8000", "0x1f521f54");
    expect(c, "nope", "unknown command: 'nope'");
    expect(c, "sendkey ctrl-nokey", "unknown key 'nokey'");
    temp_path(png, sizeof(png), "shot.png");
    snprintf(cmd, sizeof(cmd), "screendump %s", png);
    assert_string_equal(command(c, cmd), "");
    uint32_t *px = png_decode_file(png, &w, &h, why, sizeof(why));
    if (!px)
        fail_msg("%s", why);
    unlink(png);
    assert_int_equal(w, 720);
    assert_int_equal(h, 400);
    /* the ninth dot of the title's first cell: blue background; the bottom
     * right is black */
    assert_int_equal(px[8], 0x0000AA);
    assert_int_equal(px[399 * 720 + 719], 0x000000);
    free(px);
}

static void test_stdio(void **state)
{
    struct client c;
    char err[128];
    static const char *const args[] = {"-monitor", "stdio", "-debugcon", "none", NULL};

    temp_path(err, sizeof(err), "stdio.err");
    spawn(&c, true, err, args);
    assert_true(read_to_prompt(&c, TIMEOUT_MS));
    assert_non_null(strstr(c.buf, "monitor - type 'help' for more information"));
    exercise(&c);
    assert_int_equal(write(c.wfd, "quit\n", 5), 5);
    expect_exit(&c, 0);
    close_client(&c);
    free(c.buf);
    unlink(err);
}

static int connect_unix(const char *path, unsigned timeout_ms)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    uint64_t end = now_ms() + timeout_ms;

    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
            return fd;
        if (fd >= 0)
            close(fd);
        if (now_ms() > end)
            return -1;
        sleep_ms(10);
    }
}

static struct client attach(const char *path)
{
    struct client c = {.buf = calloc(1, REPLY_MAX + 1)};

    c.wfd = c.rfd = connect_unix(path, TIMEOUT_MS);
    assert_true(c.rfd >= 0);
    return c;
}

static void test_unix_socket(void **state)
{
    struct client proc, a, b;
    char sock[128], spec[160], err[128];
    struct stat st;

    temp_path(sock, sizeof(sock), "mon.sock");
    temp_path(err, sizeof(err), "unix.err");
    snprintf(spec, sizeof(spec), "unix:%s,server,nowait", sock);
    const char *const args[] = {"-monitor", spec, "-debugcon", "none", NULL};
    spawn(&proc, false, err, args);
    a = attach(sock);
    assert_true(read_to_prompt(&a, TIMEOUT_MS));
    assert_non_null(strstr(a.buf, "monitor - type 'help'"));
    /* one client at a time: the second waits, unserved */
    b = attach(sock);
    assert_false(read_to_prompt(&b, 300));
    exercise(&a);
    close_client(&a);
    assert_true(read_to_prompt(&b, TIMEOUT_MS));
    expect(&b, "info status", "VM status: running");
    assert_int_equal(write(b.wfd, "quit\n", 5), 5);
    expect_exit(&proc, 0);
    assert_true(stat(sock, &st) != 0);
    close_client(&b);
    free(a.buf);
    free(b.buf);
    free(proc.buf);
    unlink(err);
}

/* A client that sends commands and never reads its replies is dropped once
 * a megabyte of replies waits; the guest and the next client go on. */
static void test_unix_unread_client(void **state)
{
    struct client proc, a, b;
    char sock[128], spec[160], err[128];
    static char lines[64 * 1024];

    temp_path(sock, sizeof(sock), "unread.sock");
    temp_path(err, sizeof(err), "unread.err");
    snprintf(spec, sizeof(spec), "unix:%s,server=on,wait=off", sock);
    const char *const args[] = {"-monitor", spec, "-debugcon", "none", NULL};
    spawn(&proc, false, err, args);
    a = attach(sock);
    for (size_t i = 0; i + 5 <= sizeof(lines); i += 5)
        memcpy(lines + i, "help\n", 5);
    /* the writes fail once trapdoor has dropped the client: that is the point */
    for (unsigned i = 0; i < 4; i++)
        if (write(a.wfd, lines, sizeof(lines)) < 0)
            break;
    b = attach(sock);
    assert_true(read_to_prompt(&b, TIMEOUT_MS));
    wait_screen(&b, "TRAPDOOR FRONTEND TEST");
    command(&b, "quit");
    expect_exit(&proc, 0);
    close_client(&a);
    close_client(&b);
    free(a.buf);
    free(b.buf);
    free(proc.buf);
    FILE *f = fopen(err, "r");
    char msg[512] = "";
    assert_non_null(f);
    assert_non_null(fgets(msg, sizeof(msg), f));
    fclose(f);
    assert_non_null(strstr(msg, "monitor client does not read its replies"));
    unlink(err);
}

/* ",server" without ",nowait": the guest starts only once a client is there. */
static void test_unix_wait(void **state)
{
    struct client proc, a;
    char sock[128], spec[160], err[128], con[128], dbg[160];
    struct stat st;

    temp_path(sock, sizeof(sock), "wait.sock");
    temp_path(err, sizeof(err), "wait.err");
    temp_path(con, sizeof(con), "wait.con");
    snprintf(spec, sizeof(spec), "unix:%s,server", sock);
    snprintf(dbg, sizeof(dbg), "file:%s", con);
    const char *const args[] = {"-monitor", spec, "-debugcon", dbg, NULL};
    spawn(&proc, false, err, args);
    sleep_ms(500);
    /* the ROM writes "ready" to the debug console first thing */
    assert_true(stat(con, &st) != 0 || st.st_size == 0);
    a = attach(sock);
    assert_true(read_to_prompt(&a, TIMEOUT_MS));
    wait_screen(&a, "TRAPDOOR FRONTEND TEST");
    command(&a, "quit");
    expect_exit(&proc, 0);
    close_client(&a);
    free(a.buf);
    free(proc.buf);
    unlink(err);
    unlink(con);
}

/* Bad -monitor and -display values end the run at once with a message
 * naming them (the later -display overrides spawn's "-display none"). */
static void test_bad_option(void **state)
{
    /* alt: the message when that display is not built in */
    static const struct {
        const char *opt, *value, *msg, *alt;
    } cases[] = {
        {"-monitor", "tcp:localhost:4444", "unsupported -monitor value 'tcp:localhost:4444'",
         NULL},
        {"-monitor", "unix:/tmp/x.sock", "needs ',server'", NULL},
        {"-monitor", "unix:/tmp/x.sock,server,bogus", "unknown option 'bogus'", NULL},
        {"-monitor", "unix:", "socket path must have", NULL},
        {"-display", "vnc", "unsupported -display 'vnc'", NULL},
        {"-display", "none,scale=linear", "-display none has no property 'scale=linear'",
         NULL},
        {"-display", "sdl,scale=huge", "unknown -display sdl property 'scale=huge'",
         "unsupported -display 'sdl'"},
        {"-display", "curses", "-display curses needs a terminal",
         "unsupported -display 'curses'"},
    };
    char err[128], msg[512];

    temp_path(err, sizeof(err), "bad.err");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct client c;
        const char *const args[] = {cases[i].opt, cases[i].value, NULL};
        spawn(&c, false, err, args);
        expect_exit(&c, 1);
        free(c.buf);
        FILE *f = fopen(err, "r");
        assert_non_null(f);
        msg[0] = '\0';
        assert_non_null(fgets(msg, sizeof(msg), f));
        fclose(f);
        if (!strstr(msg, cases[i].msg) && !(cases[i].alt && strstr(msg, cases[i].alt)))
            fail_msg("%s %s: '%s' lacks '%s'", cases[i].opt, cases[i].value, msg,
                     cases[i].msg);
    }
    unlink(err);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stdio),
        cmocka_unit_test(test_unix_socket),
        cmocka_unit_test(test_unix_unread_client),
        cmocka_unit_test(test_unix_wait),
        cmocka_unit_test(test_bad_option),
    };

    if (argc != 3) {
        fprintf(stderr, "usage: test_monitor TRAPDOOR TEXTROM.BIN\n");
        return 1;
    }
    trapdoor = argv[1];
    rom = argv[2];
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
