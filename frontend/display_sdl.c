/* The SDL2 window: the picture scaled to its monitor shape, host keys as PS/2
 * keys (SDL scan codes are USB HID usages, HID Usage Tables 10), and a mouse
 * grabbed on click and released with Ctrl+Alt, as QEMU's SDL display does. */
#include "display.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"

#if HAVE_SDL2
#include <SDL.h>

#include "ps2mouse.h"

/* Window size before the first picture (the VGA's 640x480). */
enum { SDL_INITIAL_WIDTH = 640, SDL_INITIAL_HEIGHT = 480 };

static const uint8_t sdl_keys[SDL_NUM_SCANCODES] = {
    [SDL_SCANCODE_A] = KEY_A, [SDL_SCANCODE_B] = KEY_B, [SDL_SCANCODE_C] = KEY_C,
    [SDL_SCANCODE_D] = KEY_D, [SDL_SCANCODE_E] = KEY_E, [SDL_SCANCODE_F] = KEY_F,
    [SDL_SCANCODE_G] = KEY_G, [SDL_SCANCODE_H] = KEY_H, [SDL_SCANCODE_I] = KEY_I,
    [SDL_SCANCODE_J] = KEY_J, [SDL_SCANCODE_K] = KEY_K, [SDL_SCANCODE_L] = KEY_L,
    [SDL_SCANCODE_M] = KEY_M, [SDL_SCANCODE_N] = KEY_N, [SDL_SCANCODE_O] = KEY_O,
    [SDL_SCANCODE_P] = KEY_P, [SDL_SCANCODE_Q] = KEY_Q, [SDL_SCANCODE_R] = KEY_R,
    [SDL_SCANCODE_S] = KEY_S, [SDL_SCANCODE_T] = KEY_T, [SDL_SCANCODE_U] = KEY_U,
    [SDL_SCANCODE_V] = KEY_V, [SDL_SCANCODE_W] = KEY_W, [SDL_SCANCODE_X] = KEY_X,
    [SDL_SCANCODE_Y] = KEY_Y, [SDL_SCANCODE_Z] = KEY_Z,
    [SDL_SCANCODE_1] = KEY_1, [SDL_SCANCODE_2] = KEY_2, [SDL_SCANCODE_3] = KEY_3,
    [SDL_SCANCODE_4] = KEY_4, [SDL_SCANCODE_5] = KEY_5, [SDL_SCANCODE_6] = KEY_6,
    [SDL_SCANCODE_7] = KEY_7, [SDL_SCANCODE_8] = KEY_8, [SDL_SCANCODE_9] = KEY_9,
    [SDL_SCANCODE_0] = KEY_0,
    [SDL_SCANCODE_RETURN] = KEY_RET, [SDL_SCANCODE_ESCAPE] = KEY_ESC,
    [SDL_SCANCODE_BACKSPACE] = KEY_BACKSPACE, [SDL_SCANCODE_TAB] = KEY_TAB,
    [SDL_SCANCODE_SPACE] = KEY_SPC, [SDL_SCANCODE_MINUS] = KEY_MINUS,
    [SDL_SCANCODE_EQUALS] = KEY_EQUAL, [SDL_SCANCODE_LEFTBRACKET] = KEY_BRACKET_LEFT,
    [SDL_SCANCODE_RIGHTBRACKET] = KEY_BRACKET_RIGHT, [SDL_SCANCODE_BACKSLASH] = KEY_BACKSLASH,
    /* the ISO key left of Enter sends the same code as the US backslash key */
    [SDL_SCANCODE_NONUSHASH] = KEY_BACKSLASH,
    [SDL_SCANCODE_SEMICOLON] = KEY_SEMICOLON, [SDL_SCANCODE_APOSTROPHE] = KEY_APOSTROPHE,
    [SDL_SCANCODE_GRAVE] = KEY_GRAVE_ACCENT, [SDL_SCANCODE_COMMA] = KEY_COMMA,
    [SDL_SCANCODE_PERIOD] = KEY_DOT, [SDL_SCANCODE_SLASH] = KEY_SLASH,
    [SDL_SCANCODE_CAPSLOCK] = KEY_CAPS_LOCK,
    [SDL_SCANCODE_F1] = KEY_F1, [SDL_SCANCODE_F2] = KEY_F2, [SDL_SCANCODE_F3] = KEY_F3,
    [SDL_SCANCODE_F4] = KEY_F4, [SDL_SCANCODE_F5] = KEY_F5, [SDL_SCANCODE_F6] = KEY_F6,
    [SDL_SCANCODE_F7] = KEY_F7, [SDL_SCANCODE_F8] = KEY_F8, [SDL_SCANCODE_F9] = KEY_F9,
    [SDL_SCANCODE_F10] = KEY_F10, [SDL_SCANCODE_F11] = KEY_F11, [SDL_SCANCODE_F12] = KEY_F12,
    [SDL_SCANCODE_PRINTSCREEN] = KEY_PRINT, [SDL_SCANCODE_SCROLLLOCK] = KEY_SCROLL_LOCK,
    [SDL_SCANCODE_PAUSE] = KEY_PAUSE, [SDL_SCANCODE_INSERT] = KEY_INSERT,
    [SDL_SCANCODE_HOME] = KEY_HOME, [SDL_SCANCODE_PAGEUP] = KEY_PGUP,
    [SDL_SCANCODE_DELETE] = KEY_DELETE, [SDL_SCANCODE_END] = KEY_END,
    [SDL_SCANCODE_PAGEDOWN] = KEY_PGDN, [SDL_SCANCODE_RIGHT] = KEY_RIGHT,
    [SDL_SCANCODE_LEFT] = KEY_LEFT, [SDL_SCANCODE_DOWN] = KEY_DOWN, [SDL_SCANCODE_UP] = KEY_UP,
    [SDL_SCANCODE_NUMLOCKCLEAR] = KEY_NUM_LOCK, [SDL_SCANCODE_KP_DIVIDE] = KEY_KP_DIVIDE,
    [SDL_SCANCODE_KP_MULTIPLY] = KEY_KP_MULTIPLY, [SDL_SCANCODE_KP_MINUS] = KEY_KP_SUBTRACT,
    [SDL_SCANCODE_KP_PLUS] = KEY_KP_ADD, [SDL_SCANCODE_KP_ENTER] = KEY_KP_ENTER,
    [SDL_SCANCODE_KP_1] = KEY_KP_1, [SDL_SCANCODE_KP_2] = KEY_KP_2,
    [SDL_SCANCODE_KP_3] = KEY_KP_3, [SDL_SCANCODE_KP_4] = KEY_KP_4,
    [SDL_SCANCODE_KP_5] = KEY_KP_5, [SDL_SCANCODE_KP_6] = KEY_KP_6,
    [SDL_SCANCODE_KP_7] = KEY_KP_7, [SDL_SCANCODE_KP_8] = KEY_KP_8,
    [SDL_SCANCODE_KP_9] = KEY_KP_9, [SDL_SCANCODE_KP_0] = KEY_KP_0,
    [SDL_SCANCODE_KP_PERIOD] = KEY_KP_DECIMAL, [SDL_SCANCODE_NONUSBACKSLASH] = KEY_LESS,
    [SDL_SCANCODE_APPLICATION] = KEY_MENU, [SDL_SCANCODE_POWER] = KEY_POWER,
    [SDL_SCANCODE_SYSREQ] = KEY_SYSRQ, [SDL_SCANCODE_MUTE] = KEY_AUDIOMUTE,
    [SDL_SCANCODE_VOLUMEUP] = KEY_VOLUMEUP, [SDL_SCANCODE_VOLUMEDOWN] = KEY_VOLUMEDOWN,
    [SDL_SCANCODE_INTERNATIONAL1] = KEY_RO, [SDL_SCANCODE_INTERNATIONAL2] =
        KEY_KATAKANAHIRAGANA, [SDL_SCANCODE_INTERNATIONAL3] = KEY_YEN,
    [SDL_SCANCODE_INTERNATIONAL4] = KEY_HENKAN, [SDL_SCANCODE_INTERNATIONAL5] = KEY_MUHENKAN,
    [SDL_SCANCODE_LCTRL] = KEY_CTRL, [SDL_SCANCODE_LSHIFT] = KEY_SHIFT,
    [SDL_SCANCODE_LALT] = KEY_ALT, [SDL_SCANCODE_LGUI] = KEY_META_L,
    [SDL_SCANCODE_RCTRL] = KEY_CTRL_R, [SDL_SCANCODE_RSHIFT] = KEY_SHIFT_R,
    [SDL_SCANCODE_RALT] = KEY_ALT_R, [SDL_SCANCODE_RGUI] = KEY_META_R,
    [SDL_SCANCODE_AUDIONEXT] = KEY_AUDIONEXT, [SDL_SCANCODE_AUDIOPREV] = KEY_AUDIOPREV,
    [SDL_SCANCODE_AUDIOSTOP] = KEY_AUDIOSTOP, [SDL_SCANCODE_AUDIOPLAY] = KEY_AUDIOPLAY,
    [SDL_SCANCODE_AUDIOMUTE] = KEY_AUDIOMUTE, [SDL_SCANCODE_SLEEP] = KEY_SLEEP,
};

struct sdl_button {
    uint32_t sdl_mask;
    unsigned ps2;
};

static const struct sdl_button sdl_buttons[] = {
    {SDL_BUTTON_LMASK, PS2MOUSE_BUTTON_LEFT},
    {SDL_BUTTON_RMASK, PS2MOUSE_BUTTON_RIGHT},
    {SDL_BUTTON_MMASK, PS2MOUSE_BUTTON_MIDDLE},
    {SDL_BUTTON_X1MASK, PS2MOUSE_BUTTON_4},
    {SDL_BUTTON_X2MASK, PS2MOUSE_BUTTON_5},
};

struct sdl_display {
    struct display_config cfg;
    SDL_Window *window;
    SDL_Renderer *renderer;
    /* the last picture, its size and shape */
    SDL_Texture *texture;
    unsigned width, height, aspect_num, aspect_den;
    /* the window size the last picture asked for */
    unsigned natural_width, natural_height;
    bool grabbed;
    /* keys the guest holds down, released when the window loses focus */
    bool down[KEY_COUNT];
};

static void *sdl_create(const struct display_config *cfg, char *err, size_t errlen)
{
    struct sdl_display *d = calloc(1, sizeof(*d));

    if (!d) {
        snprintf(err, errlen, "out of memory opening the SDL display");
        return NULL;
    }
    d->cfg = *cfg;
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        snprintf(err, errlen, "cannot initialise SDL video: %s", SDL_GetError());
        free(d);
        return NULL;
    }
    d->window = SDL_CreateWindow(cfg->title ? cfg->title : "trapdoor", SDL_WINDOWPOS_UNDEFINED,
                                 SDL_WINDOWPOS_UNDEFINED, SDL_INITIAL_WIDTH,
                                 SDL_INITIAL_HEIGHT, SDL_WINDOW_RESIZABLE);
    d->renderer = d->window ? SDL_CreateRenderer(d->window, -1, 0) : NULL;
    if (!d->renderer) {
        snprintf(err, errlen, "cannot open the SDL window: %s", SDL_GetError());
        if (d->window)
            SDL_DestroyWindow(d->window);
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        free(d);
        return NULL;
    }
    SDL_SetRenderDrawColor(d->renderer, 0, 0, 0, 255);
    return d;
}

static void sdl_destroy(void *state)
{
    struct sdl_display *d = state;

    if (d->texture)
        SDL_DestroyTexture(d->texture);
    SDL_DestroyRenderer(d->renderer);
    SDL_DestroyWindow(d->window);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    SDL_Quit();
    free(d);
}

/* The size the picture is seen at with no scaling: its pixels, or, keeping the
 * aspect, stretched (never shrunk) to aspect_num:aspect_den. */
static void natural_size(const struct sdl_display *d, unsigned *w, unsigned *h)
{
    *w = d->width;
    *h = d->height;
    if (!d->cfg.keep_aspect || d->aspect_num == 0 || d->aspect_den == 0)
        return;
    unsigned stretched = (unsigned)(((uint64_t)d->height * d->aspect_num + d->aspect_den / 2) /
                                    d->aspect_den);
    if (stretched > *w)
        *w = stretched;
    *h = (unsigned)(((uint64_t)*w * d->aspect_den + d->aspect_num / 2) / d->aspect_num);
}

/* Where the picture goes in an out_w x out_h window: as large as fits with its
 * natural shape (by whole multiples with integer_scale), centred. */
static SDL_Rect dest_rect(const struct sdl_display *d, int out_w, int out_h)
{
    unsigned nw, nh;
    int64_t w, h;

    natural_size(d, &nw, &nh);
    if (d->cfg.integer_scale) {
        int64_t s = (int64_t)out_w / nw < (int64_t)out_h / nh ? (int64_t)out_w / nw
                                                                : (int64_t)out_h / nh;
        s = s < 1 ? 1 : s;
        w = s * nw;
        h = s * nh;
    } else if ((int64_t)out_w * nh <= (int64_t)out_h * nw) {
        w = out_w;
        h = (int64_t)out_w * nh / nw;
    } else {
        h = out_h;
        w = (int64_t)out_h * nw / nh;
    }
    return (SDL_Rect){(int)((out_w - w) / 2), (int)((out_h - h) / 2), (int)w, (int)h};
}

/* Clear and copy the picture into the back buffer (not presented). */
static void draw(struct sdl_display *d)
{
    int out_w, out_h;

    SDL_RenderClear(d->renderer);
    if (!d->texture || SDL_GetRendererOutputSize(d->renderer, &out_w, &out_h) != 0)
        return;
    SDL_Rect dst = dest_rect(d, out_w, out_h);
    SDL_RenderCopy(d->renderer, d->texture, NULL, &dst);
}

static bool ensure_texture(struct sdl_display *d, unsigned width, unsigned height)
{
    if (d->texture && d->width == width && d->height == height)
        return true;
    if (d->texture)
        SDL_DestroyTexture(d->texture);
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, d->cfg.linear ? "linear" : "nearest");
    d->texture = SDL_CreateTexture(d->renderer, SDL_PIXELFORMAT_RGB888,
                                   SDL_TEXTUREACCESS_STREAMING, (int)width, (int)height);
    d->width = width;
    d->height = height;
    return d->texture != NULL;
}

/* A picture of a new natural size (a mode change) resizes the window to it. */
static void fit_window(struct sdl_display *d)
{
    unsigned nw, nh;

    natural_size(d, &nw, &nh);
    if (nw == d->natural_width && nh == d->natural_height)
        return;
    d->natural_width = nw;
    d->natural_height = nh;
    SDL_SetWindowSize(d->window, (int)nw, (int)nh);
}

static void sdl_present(void *state, const uint32_t *pixels, unsigned stride, unsigned width,
                        unsigned height, unsigned aspect_num, unsigned aspect_den)
{
    struct sdl_display *d = state;

    if (width == 0 || height == 0 || !ensure_texture(d, width, height))
        return;
    d->aspect_num = aspect_num;
    d->aspect_den = aspect_den;
    fit_window(d);
    SDL_UpdateTexture(d->texture, NULL, pixels, (int)(stride * sizeof(uint32_t)));
    draw(d);
    SDL_RenderPresent(d->renderer);
}

static bool sdl_read_back(void *state, uint32_t *pixels, unsigned max_width,
                          unsigned max_height, unsigned *width, unsigned *height)
{
    struct sdl_display *d = state;
    int out_w, out_h;

    if (SDL_GetRendererOutputSize(d->renderer, &out_w, &out_h) != 0 ||
        (unsigned)out_w > max_width || (unsigned)out_h > max_height)
        return false;
    /* the back buffer is undefined after SDL_RenderPresent: draw it again */
    draw(d);
    if (SDL_RenderReadPixels(d->renderer, NULL, SDL_PIXELFORMAT_RGB888, pixels,
                             (int)(max_width * sizeof(uint32_t))) != 0)
        return false;
    *width = (unsigned)out_w;
    *height = (unsigned)out_h;
    return true;
}

static void set_grab(struct sdl_display *d, bool on)
{
    const char *title = d->cfg.title ? d->cfg.title : "trapdoor";
    char buf[256];

    d->grabbed = on && SDL_SetRelativeMouseMode(SDL_TRUE) == 0;
    if (!on)
        SDL_SetRelativeMouseMode(SDL_FALSE);
    snprintf(buf, sizeof(buf), "%s%s", title,
             d->grabbed ? " - press Ctrl+Alt to release the mouse" : "");
    SDL_SetWindowTitle(d->window, buf);
}

static void send_key(struct sdl_display *d, const struct display_input *in, enum key key,
                     bool down)
{
    if (key == KEY_NONE || d->down[key] == down)
        return;
    d->down[key] = down;
    if (in->key)
        in->key(in->opaque, key, down);
}

static void release_all_keys(struct sdl_display *d, const struct display_input *in)
{
    for (unsigned k = 0; k < KEY_COUNT; k++)
        send_key(d, in, (enum key)k, false);
}

static void on_key(struct sdl_display *d, const struct display_input *in,
                   const SDL_KeyboardEvent *ev)
{
    bool down = ev->type == SDL_KEYDOWN;
    SDL_Scancode sc = ev->keysym.scancode;

    /* the PS/2 keyboard repeats held keys itself */
    if (ev->repeat)
        return;
    if ((unsigned)sc < SDL_NUM_SCANCODES)
        send_key(d, in, (enum key)sdl_keys[sc], down);
    if (down && d->grabbed && (SDL_GetModState() & KMOD_CTRL) &&
        (SDL_GetModState() & KMOD_ALT))
        set_grab(d, false);
}

static unsigned ps2_buttons(uint32_t sdl_state)
{
    unsigned buttons = 0;

    for (size_t i = 0; i < sizeof(sdl_buttons) / sizeof(sdl_buttons[0]); i++) {
        if (sdl_state & sdl_buttons[i].sdl_mask)
            buttons |= sdl_buttons[i].ps2;
    }
    return buttons;
}

static void send_mouse(const struct display_input *in, int dx, int dy, int dz)
{
    if (in->mouse)
        in->mouse(in->opaque, dx, dy, dz, ps2_buttons(SDL_GetRelativeMouseState(NULL, NULL)));
}

static void on_mouse(struct sdl_display *d, const struct display_input *in,
                     const SDL_Event *ev)
{
    if (ev->type == SDL_MOUSEBUTTONDOWN && !d->grabbed) {
        /* the click that grabs the mouse is not the guest's */
        set_grab(d, true);
        return;
    }
    if (!d->grabbed)
        return;
    if (ev->type == SDL_MOUSEMOTION) {
        if (in->mouse)
            in->mouse(in->opaque, ev->motion.xrel, ev->motion.yrel, 0,
                      ps2_buttons(ev->motion.state));
    } else if (ev->type == SDL_MOUSEWHEEL) {
        int notches = ev->wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? ev->wheel.y : -ev->wheel.y;
        send_mouse(in, 0, 0, notches);
    } else {
        send_mouse(in, 0, 0, 0);
    }
}

static void on_window(struct sdl_display *d, const struct display_input *in,
                      const SDL_WindowEvent *ev)
{
    if (ev->event == SDL_WINDOWEVENT_FOCUS_LOST) {
        release_all_keys(d, in);
        if (d->grabbed)
            set_grab(d, false);
    } else if (ev->event == SDL_WINDOWEVENT_EXPOSED ||
               ev->event == SDL_WINDOWEVENT_SIZE_CHANGED) {
        draw(d);
        SDL_RenderPresent(d->renderer);
    }
}

static void sdl_poll_input(void *state, const struct display_input *in)
{
    struct sdl_display *d = state;
    SDL_Event ev;

    while (SDL_PollEvent(&ev)) {
        switch (ev.type) {
        case SDL_QUIT:
            if (in->quit)
                in->quit(in->opaque);
            break;
        case SDL_KEYDOWN:
        case SDL_KEYUP:
            on_key(d, in, &ev.key);
            break;
        case SDL_MOUSEMOTION:
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP:
        case SDL_MOUSEWHEEL:
            on_mouse(d, in, &ev);
            break;
        case SDL_WINDOWEVENT:
            on_window(d, in, &ev.window);
            break;
        }
    }
}

const struct display_ops display_sdl_ops = {
    .name = "sdl",
    .create = sdl_create,
    .destroy = sdl_destroy,
    .present = sdl_present,
    .poll_input = sdl_poll_input,
    .read_back = sdl_read_back,
};

#endif
