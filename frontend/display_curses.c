/* The terminal display (ncurses): text modes as characters with their colours
 * (CP437 shown as Unicode on a UTF-8 terminal), the cursor, and terminal input
 * as PC key chords; graphics modes as a one-line notice. Ctrl+A x quits (as
 * QEMU's character-device mux), Ctrl+A Ctrl+A sends Ctrl+A. */
#include "display.h"

#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp437.h"
#include "term_keys.h"

#ifndef HAVE_CURSES
#define HAVE_CURSES 0
#endif

#if HAVE_CURSES
#define NCURSES_WIDECHAR 1
/* After display.h: curses' KEY_UP etc. macros hide a few enum key names, so
 * this file names keys through term_keys.h only. */
#include <curses.h>

/* The host escape character: Ctrl+A. */
enum { CURSES_ESCAPE = 0x01, CURSES_ESC_DELAY_MS = 25 };

/* VGA colour numbers (IBM VGA attribute bits: blue, green, red) to curses'. */
static const short vga_to_curses[8] = {
    COLOR_BLACK, COLOR_BLUE, COLOR_GREEN, COLOR_CYAN,
    COLOR_RED, COLOR_MAGENTA, COLOR_YELLOW, COLOR_WHITE,
};

struct curses_key {
    int code;
    enum term_key key;
};

static const struct curses_key curses_keys[] = {
    {KEY_UP, TERM_KEY_UP}, {KEY_DOWN, TERM_KEY_DOWN}, {KEY_LEFT, TERM_KEY_LEFT},
    {KEY_RIGHT, TERM_KEY_RIGHT}, {KEY_HOME, TERM_KEY_HOME}, {KEY_END, TERM_KEY_END},
    {KEY_PPAGE, TERM_KEY_PGUP}, {KEY_NPAGE, TERM_KEY_PGDN}, {KEY_IC, TERM_KEY_INSERT},
    {KEY_DC, TERM_KEY_DELETE}, {KEY_BACKSPACE, TERM_KEY_BACKSPACE},
    {KEY_ENTER, TERM_KEY_ENTER}, {KEY_BTAB, TERM_KEY_BACKTAB},
    {KEY_F(1), TERM_KEY_F1}, {KEY_F(2), TERM_KEY_F2}, {KEY_F(3), TERM_KEY_F3},
    {KEY_F(4), TERM_KEY_F4}, {KEY_F(5), TERM_KEY_F5}, {KEY_F(6), TERM_KEY_F6},
    {KEY_F(7), TERM_KEY_F7}, {KEY_F(8), TERM_KEY_F8}, {KEY_F(9), TERM_KEY_F9},
    {KEY_F(10), TERM_KEY_F10}, {KEY_F(11), TERM_KEY_F11}, {KEY_F(12), TERM_KEY_F12},
};

struct curses_display {
    SCREEN *screen;
    bool utf8;
    /* colour pairs are 1 + fg + fg_count * bg; fg_count 16 or 8 (bright by bold) */
    bool colour;
    unsigned fg_count;
    /* Ctrl+A was typed: the next character is a host command */
    bool escape;
    /* the graphics notice shown last (0 x 0: a text screen was shown) */
    unsigned notice_width, notice_height;
    /* the text screen shown last, drawn again when the terminal is resized */
    struct display_text last;
    uint16_t *cells;
    size_t cells_cap;
};

static void init_colours(struct curses_display *d)
{
    d->colour = has_colors() && start_color() == OK;
    if (!d->colour)
        return;
    d->fg_count = COLORS >= 16 && COLOR_PAIRS > 128 ? 16 : 8;
    for (unsigned bg = 0; bg < 8; bg++) {
        for (unsigned fg = 0; fg < d->fg_count; fg++) {
            int pair = (int)(1 + fg + d->fg_count * bg);
            short curses_fg = (short)(vga_to_curses[fg & 7] + (fg >= 8 ? 8 : 0));
            if (pair < COLOR_PAIRS)
                init_pair((short)pair, curses_fg, vga_to_curses[bg]);
        }
    }
}

static void *curses_create(const struct display_config *cfg, char *err, size_t errlen)
{
    struct curses_display *d;

    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        snprintf(err, errlen, "-display curses needs a terminal on stdin and stdout");
        return NULL;
    }
    d = calloc(1, sizeof(*d));
    if (!d) {
        snprintf(err, errlen, "out of memory opening the curses display");
        return NULL;
    }
    setlocale(LC_CTYPE, "");
    d->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    d->screen = newterm(NULL, stdout, stdin);
    if (!d->screen) {
        snprintf(err, errlen, "cannot start curses on terminal type '%s'",
                 getenv("TERM") ? getenv("TERM") : "(unset)");
        free(d);
        return NULL;
    }
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(CURSES_ESC_DELAY_MS);
    init_colours(d);
    return d;
}

static void curses_destroy(void *state)
{
    struct curses_display *d = state;

    endwin();
    delscreen(d->screen);
    free(d->cells);
    free(d);
}

static void draw_cell(const struct curses_display *d, int y, int x, uint16_t cell)
{
    uint8_t c = (uint8_t)cell, attr = (uint8_t)(cell >> 8);
    unsigned fg = attr & 0x0F, bg = (attr >> 4) & 7;
    attr_t attrs = A_NORMAL;
    short pair = 0;
    wchar_t wch[2] = {0, 0};
    cchar_t cc;

    if (d->utf8)
        wch[0] = (wchar_t)cp437_to_unicode(c);
    else
        wch[0] = c >= 0x20 && c < 0x7F ? (wchar_t)c : c == 0 ? L' ' : L'?';
    if (d->colour) {
        if (d->fg_count == 8 && fg >= 8)
            attrs |= A_BOLD;
        int p = (int)(1 + (fg % d->fg_count) + d->fg_count * bg);
        pair = p < COLOR_PAIRS ? (short)p : 0;
    } else if (attr & 0x08) {
        attrs |= A_BOLD;
    }
    setcchar(&cc, wch, attrs, pair, NULL);
    mvadd_wch(y, x, &cc);
}

static void draw_text(struct curses_display *d, const struct display_text *t)
{
    unsigned rows = t->rows < (unsigned)LINES ? t->rows : (unsigned)LINES;
    unsigned cols = t->cols < (unsigned)COLS ? t->cols : (unsigned)COLS;

    erase();
    for (unsigned y = 0; y < rows; y++) {
        for (unsigned x = 0; x < cols; x++)
            draw_cell(d, (int)y, (int)x, t->cells[(size_t)y * t->cols + x]);
    }
    bool cursor = t->cursor_visible && t->cursor_row < rows && t->cursor_col < cols;
    curs_set(cursor ? 1 : 0);
    if (cursor)
        move((int)t->cursor_row, (int)t->cursor_col);
    refresh();
}

/* Keep a copy of t for redrawing after a resize. */
static void remember_text(struct curses_display *d, const struct display_text *t)
{
    size_t n = (size_t)t->cols * t->rows;

    if (n > d->cells_cap) {
        uint16_t *cells = realloc(d->cells, n * sizeof(*cells));
        if (!cells) {
            d->last.cells = NULL;
            return;
        }
        d->cells = cells;
        d->cells_cap = n;
    }
    memcpy(d->cells, t->cells, n * sizeof(*d->cells));
    d->last = *t;
    d->last.cells = d->cells;
}

static void curses_text_mode(void *state, const struct display_text *t)
{
    struct curses_display *d = state;

    d->notice_width = d->notice_height = 0;
    remember_text(d, t);
    draw_text(d, t);
}

static void show_notice(const struct curses_display *d)
{
    erase();
    curs_set(0);
    mvprintw(0, 0, "graphics mode %ux%u (use -display sdl)", d->notice_width,
             d->notice_height);
    refresh();
}

/* After a terminal resize: draw what was shown again. */
static void redraw(struct curses_display *d)
{
    clearok(stdscr, TRUE);
    if (d->notice_width != 0)
        show_notice(d);
    else if (d->last.cells)
        draw_text(d, &d->last);
}

static void curses_present(void *state, const uint32_t *pixels, unsigned stride,
                           unsigned width, unsigned height, unsigned aspect_num,
                           unsigned aspect_den)
{
    struct curses_display *d = state;

    if (d->notice_width == width && d->notice_height == height)
        return;
    d->notice_width = width;
    d->notice_height = height;
    show_notice(d);
}

static void send_chord(const struct display_input *in, const struct term_chord *c)
{
    if (!in->key)
        return;
    for (size_t i = 0; i < c->n; i++)
        in->key(in->opaque, c->keys[i], true);
    for (size_t i = c->n; i-- > 0;)
        in->key(in->opaque, c->keys[i], false);
}

/* A curses key code or a byte, with Alt when alt. */
static void send_input(const struct display_input *in, int ch, bool alt)
{
    struct term_chord chord;

    if (ch >= 0 && ch <= 0xFF) {
        if (term_keys_char((unsigned char)ch, alt, &chord))
            send_chord(in, &chord);
        return;
    }
    for (size_t i = 0; i < sizeof(curses_keys) / sizeof(curses_keys[0]); i++) {
        if (curses_keys[i].code == ch && term_keys_special(curses_keys[i].key, alt, &chord))
            send_chord(in, &chord);
    }
}

/* Ctrl+A then x: quit; Ctrl+A twice: one Ctrl+A for the guest. */
static bool host_escape(struct curses_display *d, const struct display_input *in, int ch)
{
    if (!d->escape) {
        d->escape = ch == CURSES_ESCAPE;
        return d->escape;
    }
    d->escape = false;
    if (ch == 'x' && in->quit)
        in->quit(in->opaque);
    else if (ch == CURSES_ESCAPE)
        send_input(in, ch, false);
    return true;
}

static void curses_poll_input(void *state, const struct display_input *in)
{
    struct curses_display *d = state;
    int ch;

    while ((ch = getch()) != ERR) {
        if (ch == KEY_RESIZE) {
            redraw(d);
            continue;
        }
        if (host_escape(d, in, ch))
            continue;
        /* ESC followed at once by another key is Alt+that key */
        int next = ch == 0x1B ? getch() : ERR;
        if (next != ERR)
            send_input(in, next, true);
        else
            send_input(in, ch, false);
    }
}

const struct display_ops display_curses_ops = {
    .name = "curses",
    .create = curses_create,
    .destroy = curses_destroy,
    .present = curses_present,
    .text_mode = curses_text_mode,
    .poll_input = curses_poll_input,
};

#endif
