/* The monitor's channels (monitor.h): stdio, or a listening unix socket
 * (unix(7)) with one client at a time, non-blocking both ways; complete lines
 * go to monitor_execute (monitor_cmds.c), replies are followed by a prompt. */
#include "monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "runloop.h"

enum {
    MONITOR_LINE_MAX = 4096,
    /* replies a socket client leaves unread beyond this drop the client: the
     * guest never waits for a monitor client */
    MONITOR_OUT_MAX = 1 << 20,
};

static const char monitor_prompt[] = "(trapdoor) ";

struct monitor {
    enum monitor_kind kind;
    char path[MONITOR_PATH_MAX];
    /* the listening socket, or -1 */
    int listen_fd;
    /* the client (the socket, or stdin), or -1 */
    int fd;
    char line[MONITOR_LINE_MAX];
    size_t line_len;
    bool line_too_long;
    /* replies not yet sent to the socket client */
    char *out;
    size_t out_len, out_cap;
};

/* ---- -monitor parsing ---- */

static bool parse_unix_option(const char *opt, bool *server, bool *wait)
{
    static const struct {
        const char *name;
        bool is_server, value;
    } opts[] = {
        {"server", true, true}, {"server=on", true, true}, {"server=off", true, false},
        {"wait", false, true}, {"wait=on", false, true}, {"nowait", false, false},
        {"wait=off", false, false},
    };

    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        if (strcmp(opt, opts[i].name) == 0) {
            *(opts[i].is_server ? server : wait) = opts[i].value;
            return true;
        }
    }
    return false;
}

static bool parse_unix(const char *spec, struct monitor_config *cfg, char *err, size_t errlen)
{
    const char *comma = strchr(spec, ',');
    size_t len = comma ? (size_t)(comma - spec) : strlen(spec);
    bool server = false;
    char opts[256];

    if (len == 0 || len >= sizeof(cfg->path)) {
        snprintf(err, errlen, "-monitor unix: the socket path must have 1 to %zu characters",
                 sizeof(cfg->path) - 1);
        return false;
    }
    memcpy(cfg->path, spec, len);
    cfg->path[len] = '\0';
    cfg->wait = true;
    snprintf(opts, sizeof(opts), "%s", comma ? comma + 1 : "");
    char *save = NULL;
    for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
        if (!parse_unix_option(o, &server, &cfg->wait)) {
            snprintf(err, errlen, "-monitor unix: unknown option '%s' (use server, nowait)", o);
            return false;
        }
    }
    if (!server) {
        snprintf(err, errlen, "-monitor unix:%s needs ',server': trapdoor listens on the "
                 "socket and does not connect to one", cfg->path);
        return false;
    }
    return true;
}

bool monitor_parse(const char *spec, struct monitor_config *cfg, char *err, size_t errlen)
{
    *cfg = (struct monitor_config){.kind = MONITOR_STDIO};
    if (strcmp(spec, "stdio") == 0)
        return true;
    if (strncmp(spec, "unix:", 5) == 0) {
        cfg->kind = MONITOR_UNIX;
        return parse_unix(spec + 5, cfg, err, errlen);
    }
    snprintf(err, errlen, "unsupported -monitor value '%s': use stdio or "
             "unix:PATH,server[,nowait]", spec);
    return false;
}

/* ---- output ---- */

static void flush_out(struct monitor *mon)
{
    size_t done = 0;

    while (mon->fd >= 0 && done < mon->out_len) {
        ssize_t n = send(mon->fd, mon->out + done, mon->out_len - done,
                         MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    memmove(mon->out, mon->out + done, mon->out_len - done);
    mon->out_len -= done;
}

static void drop_client(struct monitor *mon)
{
    if (mon->fd >= 0 && mon->kind == MONITOR_UNIX)
        close(mon->fd);
    mon->fd = -1;
    mon->out_len = 0;
    mon->line_len = 0;
    mon->line_too_long = false;
}

/* Queue text for the socket client (stdio writes at once). */
static void send_text(struct monitor *mon, const char *text, size_t len)
{
    if (mon->kind == MONITOR_STDIO) {
        fwrite(text, 1, len, stdout);
        fflush(stdout);
        return;
    }
    if (mon->fd < 0)
        return;
    if (mon->out_len + len > MONITOR_OUT_MAX) {
        fprintf(stderr, "trapdoor: monitor client does not read its replies: disconnected\n");
        drop_client(mon);
        return;
    }
    if (mon->out_len + len > mon->out_cap) {
        size_t cap = (mon->out_len + len) * 2;
        char *out = realloc(mon->out, cap);
        if (!out) {
            drop_client(mon);
            return;
        }
        mon->out = out;
        mon->out_cap = cap;
    }
    memcpy(mon->out + mon->out_len, text, len);
    mon->out_len += len;
    flush_out(mon);
}

static void send_str(struct monitor *mon, const char *s)
{
    send_text(mon, s, strlen(s));
}

static void send_banner(struct monitor *mon)
{
    send_str(mon, "trapdoor " TRAPDOOR_VERSION " monitor - type 'help' for more information\n");
    send_str(mon, monitor_prompt);
}

/* ---- setup ---- */

static bool listen_unix(struct monitor *mon, char *err, size_t errlen)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    struct stat st;

    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", mon->path);
    mon->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (mon->listen_fd < 0) {
        snprintf(err, errlen, "cannot create the monitor socket: %s", strerror(errno));
        return false;
    }
    /* a socket file left by an earlier run would make bind fail (QEMU unlinks too) */
    if (stat(mon->path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(mon->path);
    if (bind(mon->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
        listen(mon->listen_fd, 1) != 0) {
        snprintf(err, errlen, "cannot listen on monitor socket '%s': %s", mon->path,
                 strerror(errno));
        return false;
    }
    return true;
}

static void accept_client(struct monitor *mon)
{
    if (mon->fd >= 0 || mon->listen_fd < 0)
        return;
    mon->fd = accept4(mon->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (mon->fd >= 0)
        send_banner(mon);
}

static void wait_for_client(struct monitor *mon)
{
    struct pollfd p = {.fd = mon->listen_fd, .events = POLLIN};

    fprintf(stderr, "trapdoor: waiting for a monitor connection on unix:%s\n", mon->path);
    while (mon->fd < 0) {
        if (poll(&p, 1, -1) < 0 && errno != EINTR)
            return;
        accept_client(mon);
    }
}

struct monitor *monitor_create(const struct monitor_config *cfg, char *err, size_t errlen)
{
    struct monitor *mon = calloc(1, sizeof(*mon));

    if (!mon) {
        snprintf(err, errlen, "out of memory creating the monitor");
        return NULL;
    }
    mon->kind = cfg->kind;
    mon->listen_fd = -1;
    mon->fd = -1;
    if (cfg->kind == MONITOR_STDIO) {
        mon->fd = STDIN_FILENO;
        send_banner(mon);
        return mon;
    }
    snprintf(mon->path, sizeof(mon->path), "%s", cfg->path);
    if (!listen_unix(mon, err, errlen)) {
        monitor_destroy(mon);
        return NULL;
    }
    if (cfg->wait)
        wait_for_client(mon);
    return mon;
}

void monitor_destroy(struct monitor *mon)
{
    if (!mon)
        return;
    if (mon->kind == MONITOR_UNIX) {
        drop_client(mon);
        if (mon->listen_fd >= 0) {
            close(mon->listen_fd);
            unlink(mon->path);
        }
    }
    free(mon->out);
    free(mon);
}

/* ---- input ---- */

static void run_line(struct monitor *mon, struct runloop *rl)
{
    char *reply = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&reply, &len);

    if (!out) {
        send_str(mon, "out of memory\n");
    } else {
        if (mon->line_too_long)
            fprintf(out, "command line too long (at most %d characters)\n",
                    MONITOR_LINE_MAX - 1);
        else
            (void)monitor_execute(rl, mon->line, out);
        fclose(out);
        send_text(mon, reply, len);
    }
    free(reply);
    send_str(mon, monitor_prompt);
    mon->line_len = 0;
    mon->line_too_long = false;
}

static void take_bytes(struct monitor *mon, struct runloop *rl, const char *buf, size_t n)
{
    /* nothing after quit runs: the process is about to end */
    for (size_t i = 0; i < n && mon->fd >= 0 && !rl->quit; i++) {
        if (buf[i] == '\n') {
            mon->line[mon->line_len] = '\0';
            run_line(mon, rl);
        } else if (buf[i] == '\r') {
            continue;
        } else if (mon->line_len + 1 < sizeof(mon->line)) {
            mon->line[mon->line_len++] = buf[i];
        } else {
            mon->line_too_long = true;
        }
    }
}

/* Read what has arrived; 0 at end of input, -1 when nothing is there. */
static ssize_t read_some(struct monitor *mon, char *buf, size_t size)
{
    struct pollfd p = {.fd = mon->fd, .events = POLLIN};

    if (mon->kind == MONITOR_UNIX) {
        ssize_t n = recv(mon->fd, buf, size, MSG_DONTWAIT);
        if (n >= 0)
            return n;
        /* an error other than "nothing yet" ends the connection */
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? -1 : 0;
    }
    /* stdin stays blocking (it may be the user's terminal): read only what
     * poll says is there */
    if (poll(&p, 1, 0) <= 0)
        return -1;
    return read(mon->fd, buf, size);
}

void monitor_poll(struct monitor *mon, struct runloop *rl)
{
    char buf[4096];
    ssize_t n;

    accept_client(mon);
    if (mon->kind == MONITOR_UNIX)
        flush_out(mon);
    while (mon->fd >= 0 && !rl->quit && (n = read_some(mon, buf, sizeof(buf))) != -1) {
        if (n <= 0) {
            /* end of input: a socket client went away; stdin is done */
            drop_client(mon);
            break;
        }
        take_bytes(mon, rl, buf, (size_t)n);
    }
}
