/* The frontends against a whole machine running tests/frontend/textrom.asm:
 * the SDL window shows exactly vga_render's picture (read back with
 * SDL_RenderReadPixels; SDL_VIDEODRIVER=dummy, or x11 under Xvfb), SDL key
 * events become PS/2 keys, and the monitor's screendump, screentext, type,
 * sendkey, xp, stop/cont and errors, run in process.
 * Usage: test_screen TEXTROM.BIN */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "display.h"
#include "machine.h"
#include "monitor.h"
#include "png_decode.h"
#include "runloop.h"
#include "vga_render.h"

#if HAVE_SDL2
#include <SDL.h>
#endif

enum { W = VGA_RENDER_MAX_WIDTH, H = VGA_RENDER_MAX_HEIGHT, MAX_FRAMES = 3000 };

static const char *rom_path;

struct fixture {
    uint8_t rom[65536];
    struct machine *m;
    const struct display_ops *ops;
    void *display;
    struct runloop rl;
    uint32_t expected[W * H];
};

static void load_rom(struct fixture *f)
{
    FILE *file = fopen(rom_path, "rb");

    assert_non_null(file);
    assert_int_equal(fread(f->rom, 1, sizeof(f->rom), file), sizeof(f->rom));
    fclose(file);
}

/* The machine and a run loop on display ops (created with cfg). */
static bool start(struct fixture *f, const struct display_ops *ops,
                  const struct display_config *cfg)
{
    struct machine_config mc = {
        .ram_size = 16u << 20, .bios = f->rom, .bios_size = sizeof(f->rom),
        .bios_name = rom_path, .speed = MACHINE_SPEED_MAX,
    };
    char err[256];

    load_rom(f);
    f->m = machine_create(&mc, err, sizeof(err));
    if (!f->m)
        fail_msg("machine_create: %s", err);
    f->ops = ops;
    f->display = ops->create(cfg, err, sizeof(err));
    if (!f->display) {
        print_message("cannot open display '%s': %s\n", ops->name, err);
        machine_destroy(f->m);
        return false;
    }
    assert_true(runloop_init(&f->rl, f->m, ops, f->display, NULL, false));
    return true;
}

static void stop(struct fixture *f)
{
    runloop_fini(&f->rl);
    f->ops->destroy(f->display);
    machine_destroy(f->m);
}

static bool screen_has(struct fixture *f, const char *text)
{
    char screen[8192];

    machine_screen_text(f->m, screen, sizeof(screen));
    return strstr(screen, text) != NULL;
}

/* Run frames until text is on the screen. */
static void run_until_text(struct fixture *f, const char *text)
{
    struct runloop_result res;

    for (unsigned i = 0; i < MAX_FRAMES && !screen_has(f, text); i++)
        assert_false(runloop_frame(&f->rl, RUNLOOP_FRAME_NS, &res));
    if (!screen_has(f, text)) {
        char screen[8192];
        machine_screen_text(f->m, screen, sizeof(screen));
        fail_msg("'%s' never appeared; the screen:\n%s", text, screen);
    }
}

/* vga_render's picture at the current virtual time. */
static struct vga_render_info render_expected(struct fixture *f)
{
    struct vga_render_info info;

    vga_render(machine_vga(f->m), f->expected, W, W, H, machine_time_ns(f->m), &info);
    return info;
}

/* Show the current picture without letting virtual time move. */
static void present_now(struct fixture *f)
{
    struct runloop_result res;

    f->rl.paused = true;
    f->rl.redraw = true;
    assert_false(runloop_frame(&f->rl, RUNLOOP_FRAME_NS, &res));
}

static char *run_command(struct fixture *f, const char *line, bool expect_ok)
{
    char *reply = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&reply, &len);

    assert_non_null(out);
    bool ok = monitor_execute(&f->rl, line, out);
    fclose(out);
    if (ok != expect_ok)
        fail_msg("'%s' %s: %s", line, ok ? "succeeded" : "failed", reply);
    return reply;
}

static void expect_reply(struct fixture *f, const char *line, bool ok, const char *needle)
{
    char *reply = run_command(f, line, ok);

    if (!strstr(reply, needle))
        fail_msg("'%s' replied '%s', without '%s'", line, reply, needle);
    free(reply);
}

/* ---- monitor, in process ---- */

static void test_screendump_matches_render(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    const struct display_config cfg = {0};
    unsigned w, h;
    char path[64], cmd[96], why[256];

    assert_true(start(f, &display_none_ops, &cfg));
    run_until_text(f, "TRAPDOOR FRONTEND TEST");
    snprintf(path, sizeof(path), "/tmp/td_test_screen_%ld.png", (long)getpid());
    snprintf(cmd, sizeof(cmd), "screendump %s", path);
    free(run_command(f, cmd, true));
    struct vga_render_info info = render_expected(f);
    uint32_t *png = png_decode_file(path, &w, &h, why, sizeof(why));
    if (!png)
        fail_msg("%s", why);
    unlink(path);
    assert_int_equal(w, 720);
    assert_int_equal(h, 400);
    assert_int_equal(info.width, w);
    assert_int_equal(info.height, h);
    for (unsigned y = 0; y < h; y++)
        assert_memory_equal(png + y * w, f->expected + y * W, w * sizeof(uint32_t));
    /* the title's first cell: attribute 1Fh; its ninth dot column is background,
     * blue (EGA colour 1) */
    assert_int_equal(png[8], 0x0000AA);
    free(png);
    stop(f);
    free(f);
}

static void test_monitor_keys_and_text(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    const struct display_config cfg = {0};

    assert_true(start(f, &display_none_ops, &cfg));
    run_until_text(f, "Type here:");
    free(run_command(f, "type Hi there, 42!\\nnext", true));
    run_until_text(f, "Hi there, 42!\nnext");
    free(run_command(f, "sendkey ctrl-x", true));
    free(run_command(f, "sendkey shift-q", true));
    run_until_text(f, "next^XQ");
    expect_reply(f, "screentext", true, "TRAPDOOR FRONTEND TEST\nType here:\n");
    expect_reply(f, "screentext", true, "\xE2\x95\x94\xE2\x95\x90\xE2\x95\x97 caf\xC3\xA9");
    stop(f);
    free(f);
}

static void test_monitor_memory_and_registers(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    const struct display_config cfg = {0};

    assert_true(start(f, &display_none_ops, &cfg));
    run_until_text(f, "TRAPDOOR");
    /* the reset vector: JMP F000:start (EA, offset, F000) */
    expect_reply(f, "xp /3xb 0xffff0", true, "00000000000ffff0: 0xea 0x00 0x00\n");
    expect_reply(f, "xp /2xh 0xffff3", true, "00000000000ffff3: 0xf000 0xf4f4\n");
    expect_reply(f, "xp /1xw 0xb8000", true, "00000000000b8000: 0x1f521f54\n");
    expect_reply(f, "xp /4cb 0xb8000", true, "'T' '\\x1f' 'R' '\\x1f'");
    expect_reply(f, "xp /2ub 0xb8000", true, ": 84 31\n");
    expect_reply(f, "xp 0xb8000", true, "0x1f521f54");
    char *many = run_command(f, "xp /20xb 0", true);
    assert_non_null(strstr(many, "0000000000000010:"));
    free(many);
    expect_reply(f, "info registers", true, "CS =f000 000f0000 0000ffff");
    expect_reply(f, "info registers", true, "EIP=");
    expect_reply(f, "info status", true, "VM status: running");
    free(run_command(f, "stop", true));
    expect_reply(f, "info status", true, "VM status: paused");
    char *before = run_command(f, "info registers", true);
    present_now(f);
    char *after = run_command(f, "info registers", true);
    assert_string_equal(before, after);
    free(before);
    free(after);
    free(run_command(f, "c", true));
    expect_reply(f, "info status", true, "running");
    stop(f);
    free(f);
}

static void test_monitor_errors(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    const struct display_config cfg = {0};
    static const struct {
        const char *line, *reply;
    } cases[] = {
        {"frobnicate", "unknown command: 'frobnicate'"},
        {"sendkey", "sendkey: missing keys"},
        {"sendkey ctrl-nosuchkey", "sendkey: unknown key 'nosuchkey'"},
        {"type", "type: missing text"},
        {"type \\q", "type: unknown escape"},
        {"type caf\xC3\xA9", "type: no key types character 0xc3"},
        {"screendump", "screendump: missing file name"},
        {"screendump /nonexistent-dir/x.png", "cannot open '/nonexistent-dir/x.png'"},
        {"xp /4zb 0", "xp: bad format '/4zb'"},
        {"xp /4xb", "xp: bad or missing address"},
        {"xp /4xb 0x1000000000", "beyond the physical address space"},
        {"xp /0xb 0", "xp: the count must be"},
        {"info nothing", "info: unknown subcommand 'nothing'"},
        {"stop now", "stop: unexpected argument 'now'"},
        {"help nothing", "help: unknown command 'nothing'"},
    };

    assert_true(start(f, &display_none_ops, &cfg));
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_reply(f, cases[i].line, false, cases[i].reply);
    expect_reply(f, "help", true, "sendkey KEYS");
    expect_reply(f, "help xp", true, "xp /FMT ADDR");
    expect_reply(f, "", true, "");
    assert_true(keyqueue_empty(&f->rl.keys));
    free(run_command(f, "quit", true));
    assert_true(f->rl.quit);
    stop(f);
    free(f);
}

static void test_system_reset(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    const struct display_config cfg = {0};
    struct runloop_result res;

    assert_true(start(f, &display_none_ops, &cfg));
    run_until_text(f, "Type here:");
    free(run_command(f, "type before reset", true));
    run_until_text(f, "before reset");
    free(run_command(f, "system_reset", true));
    /* the ROM starts again and clears the screen */
    for (unsigned i = 0; i < MAX_FRAMES && screen_has(f, "before reset"); i++)
        assert_false(runloop_frame(&f->rl, RUNLOOP_FRAME_NS, &res));
    assert_false(screen_has(f, "before reset"));
    run_until_text(f, "Type here:");
    stop(f);
    free(f);
}

/* ---- SDL ---- */

#if HAVE_SDL2
static bool sdl_start(struct fixture *f, bool keep_aspect)
{
    const struct display_config cfg = {.title = "trapdoor test", .keep_aspect = keep_aspect};

    if (!start(f, &display_sdl_ops, &cfg))
        return false;
    run_until_text(f, "TRAPDOOR FRONTEND TEST");
    present_now(f);
    return true;
}

/* Without aspect correction the window is the picture, pixel for pixel. */
static void test_sdl_pixels(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    uint32_t *shown = calloc((size_t)W * H, sizeof(uint32_t));
    unsigned w, h;

    if (!sdl_start(f, false)) {
        free(f);
        free(shown);
        skip();
        return;
    }
    struct vga_render_info info = render_expected(f);
    assert_true(display_sdl_ops.read_back(f->display, shown, W, H, &w, &h));
    assert_int_equal(w, info.width);
    assert_int_equal(h, info.height);
    for (unsigned y = 0; y < h; y++)
        assert_memory_equal(shown + y * W, f->expected + y * W, w * sizeof(uint32_t));
    stop(f);
    free(shown);
    free(f);
}

/* 720x400 text is shown 4:3, 720x540: shown line y is picture line
 * y * 400 / 540, give or take one for the scaler's rounding. */
static void test_sdl_aspect(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    uint32_t *shown = calloc((size_t)W * H, sizeof(uint32_t));
    unsigned w, h;

    if (!sdl_start(f, true)) {
        free(f);
        free(shown);
        skip();
        return;
    }
    struct vga_render_info info = render_expected(f);
    assert_int_equal(info.aspect_num * 3, info.aspect_den * 4);
    assert_true(display_sdl_ops.read_back(f->display, shown, W, H, &w, &h));
    assert_int_equal(w, 720);
    assert_int_equal(h, 540);
    for (unsigned y = 0; y < h; y++) {
        unsigned src = y * info.height / h;
        bool found = false;
        for (unsigned s = src ? src - 1 : 0; s <= src + 1 && s < info.height && !found; s++)
            found = memcmp(shown + y * W, f->expected + s * W, w * sizeof(uint32_t)) == 0;
        if (!found)
            fail_msg("shown line %u is not picture line %u (+-1)", y, src);
    }
    stop(f);
    free(shown);
    free(f);
}

struct key_log {
    enum key keys[16];
    bool downs[16];
    unsigned n;
    bool quit;
};

static void log_key(void *opaque, enum key key, bool down)
{
    struct key_log *l = opaque;

    if (l->n < 16) {
        l->keys[l->n] = key;
        l->downs[l->n++] = down;
    }
}

static void log_quit(void *opaque)
{
    struct key_log *l = opaque;
    l->quit = true;
}

static void push_key(SDL_Scancode sc, bool down, bool repeat)
{
    SDL_Event ev = {.type = down ? SDL_KEYDOWN : SDL_KEYUP};

    ev.key.keysym.scancode = sc;
    ev.key.repeat = repeat;
    ev.key.state = down ? SDL_PRESSED : SDL_RELEASED;
    assert_true(SDL_PushEvent(&ev) == 1);
}

/* SDL scan codes become PS/2 keys; SDL's repeats are dropped (the keyboard
 * repeats itself); losing focus releases held keys; closing quits. */
static void test_sdl_input(void **state)
{
    const struct display_config cfg = {.keep_aspect = true};
    struct key_log log = {0};
    const struct display_input in = {.opaque = &log, .key = log_key, .quit = log_quit};
    char err[256];
    void *d = display_sdl_ops.create(&cfg, err, sizeof(err));

    if (!d) {
        print_message("cannot open the SDL display: %s\n", err);
        skip();
        return;
    }
    display_sdl_ops.poll_input(d, &in);
    log.n = 0;
    push_key(SDL_SCANCODE_A, true, false);
    push_key(SDL_SCANCODE_A, true, true);
    push_key(SDL_SCANCODE_A, false, false);
    push_key(SDL_SCANCODE_RCTRL, true, false);
    push_key(SDL_SCANCODE_KP_ENTER, true, false);
    SDL_Event focus = {.type = SDL_WINDOWEVENT};
    focus.window.event = SDL_WINDOWEVENT_FOCUS_LOST;
    assert_true(SDL_PushEvent(&focus) == 1);
    SDL_Event quit = {.type = SDL_QUIT};
    assert_true(SDL_PushEvent(&quit) == 1);
    display_sdl_ops.poll_input(d, &in);
    static const enum key keys[] = {KEY_A, KEY_A, KEY_CTRL_R, KEY_KP_ENTER, KEY_KP_ENTER,
                                    KEY_CTRL_R};
    static const bool downs[] = {true, false, true, true, false, false};
    assert_int_equal(log.n, 6);
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(log.keys[i], keys[i]);
        assert_int_equal(log.downs[i], downs[i]);
    }
    /* the focus loss releases both held keys (in key order) */
    assert_false(log.downs[4]);
    assert_false(log.downs[5]);
    assert_true((log.keys[4] == KEY_CTRL_R && log.keys[5] == KEY_KP_ENTER) ||
                (log.keys[5] == KEY_CTRL_R && log.keys[4] == KEY_KP_ENTER));
    assert_true(log.quit);
    display_sdl_ops.destroy(d);
}
struct mouse_log {
    int dx, dy, dz;
    unsigned buttons, calls;
};

static void log_mouse(void *opaque, int dx, int dy, int dz, unsigned buttons)
{
    struct mouse_log *l = opaque;

    l->dx += dx;
    l->dy += dy;
    l->dz += dz;
    l->buttons = buttons;
    l->calls++;
}

/* The first click grabs the mouse and is not the guest's; then motion and
 * the wheel go to the guest (wheel up is dz -1: toward the user is +). */
static void test_sdl_mouse(void **state)
{
    const struct display_config cfg = {.keep_aspect = true};
    struct mouse_log log = {0};
    const struct display_input in = {.opaque = &log, .mouse = log_mouse};
    char err[256];
    void *d = display_sdl_ops.create(&cfg, err, sizeof(err));

    if (!d) {
        print_message("cannot open the SDL display: %s\n", err);
        skip();
        return;
    }
    display_sdl_ops.poll_input(d, &in);
    SDL_Event click = {.type = SDL_MOUSEBUTTONDOWN};
    click.button.button = SDL_BUTTON_LEFT;
    assert_true(SDL_PushEvent(&click) == 1);
    display_sdl_ops.poll_input(d, &in);
    assert_int_equal(log.calls, 0);
    if (!SDL_GetRelativeMouseMode()) {
        print_message("this SDL video driver cannot grab the mouse\n");
        display_sdl_ops.destroy(d);
        skip();
        return;
    }
    SDL_Event move = {.type = SDL_MOUSEMOTION};
    move.motion.xrel = 5;
    move.motion.yrel = -3;
    move.motion.state = SDL_BUTTON_RMASK;
    assert_true(SDL_PushEvent(&move) == 1);
    SDL_Event wheel = {.type = SDL_MOUSEWHEEL};
    wheel.wheel.y = 1;
    wheel.wheel.direction = SDL_MOUSEWHEEL_NORMAL;
    assert_true(SDL_PushEvent(&wheel) == 1);
    display_sdl_ops.poll_input(d, &in);
    assert_int_equal(log.calls, 2);
    assert_int_equal(log.dx, 5);
    assert_int_equal(log.dy, -3);
    assert_int_equal(log.dz, -1);
    display_sdl_ops.destroy(d);
}
#else
static void test_sdl_mouse(void **state)
{
    skip();
}

static void test_sdl_pixels(void **state)
{
    print_message("SDL2 is not built in\n");
    skip();
}

static void test_sdl_aspect(void **state)
{
    skip();
}

static void test_sdl_input(void **state)
{
    skip();
}
#endif

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_screendump_matches_render),
        cmocka_unit_test(test_monitor_keys_and_text),
        cmocka_unit_test(test_monitor_memory_and_registers),
        cmocka_unit_test(test_monitor_errors),
        cmocka_unit_test(test_system_reset),
        cmocka_unit_test(test_sdl_pixels),
        cmocka_unit_test(test_sdl_aspect),
        cmocka_unit_test(test_sdl_input),
        cmocka_unit_test(test_sdl_mouse),
    };

    if (argc != 2) {
        fprintf(stderr, "usage: test_screen TEXTROM.BIN\n");
        return 1;
    }
    rom_path = argv[1];
    if (!getenv("SDL_VIDEODRIVER"))
        setenv("SDL_VIDEODRIVER", "dummy", 1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
