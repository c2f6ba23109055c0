/* known_failures.txt: reading, lookup, and regeneration grouped by category
 * (the committed known-failures file idea of QuickJS's test262_errors.txt). */
#include "vec_known.h"
#include "vec_reason.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char vec_known_preamble[] =
    "# Known failures of the SingleStepTests 80286 real-mode runner (singlestep.c).\n"
    "# One line per test: <file> <idx> <reason>; the reason starts with a category\n"
    "# tag, and each section of one tag starts with a comment explaining it.\n"
    "# Regenerate with `singlestep --write-known` (README.md), then review the diff.\n";

/* A test listed in the rewritten file. */
struct vec_known_line {
    const char *file;
    int32_t idx;
    const char *reason;
};

static int cmp_test(const char *fa, int32_t ia, const char *fb, int32_t ib)
{
    int c = strcmp(fa, fb);
    if (c)
        return c;
    return ia < ib ? -1 : ia > ib;
}

static int cmp_entry(const void *pa, const void *pb)
{
    const struct vec_known_entry *a = pa, *b = pb;
    return cmp_test(a->file, a->idx, b->file, b->idx);
}

static int cmp_line(const void *pa, const void *pb)
{
    const struct vec_known_line *a = pa, *b = pb;
    return cmp_test(a->file, a->idx, b->file, b->idx);
}

static bool same_tag(const char *reason, const char *tag)
{
    size_t n = vec_reason_tag_len(reason);
    return n == strlen(tag) && !strncmp(reason, tag, n);
}

static struct vec_known_section *find_section(const struct vec_known *known, const char *reason)
{
    for (size_t i = 0; i < known->nsections; i++)
        if (same_tag(reason, known->sections[i].tag))
            return &known->sections[i];
    return NULL;
}

/* Remember the category of reason (with the comment block above it, if any). */
static bool add_section(struct vec_known *known, const char *reason, const char *header)
{
    if (find_section(known, reason))
        return true;
    struct vec_known_section *grown =
        realloc(known->sections, (known->nsections + 1) * sizeof *grown);
    if (!grown)
        return false;
    known->sections = grown;
    struct vec_known_section *s = &known->sections[known->nsections];
    s->tag = strndup(reason, vec_reason_tag_len(reason));
    s->header = header && header[0] ? strdup(header) : NULL;
    if (!s->tag)
        return false;
    known->nsections++;
    return true;
}

static bool add_entry(struct vec_known *known, const char *file, int32_t idx, const char *reason)
{
    if (known->nentries == known->cap) {
        size_t cap = known->cap ? known->cap * 2 : 256;
        struct vec_known_entry *grown = realloc(known->entries, cap * sizeof *grown);
        if (!grown)
            return false;
        known->entries = grown;
        known->cap = cap;
    }
    struct vec_known_entry *e = &known->entries[known->nentries];
    *e = (struct vec_known_entry){ .idx = idx, .reason = strdup(reason) };
    snprintf(e->file, sizeof e->file, "%s", file);
    if (!e->reason)
        return false;
    known->nentries++;
    return true;
}

/* Parse "<file> <idx> <reason>" (reason may be empty: then unexplained). */
static bool parse_entry(struct vec_known *known, char *line, const char *header)
{
    char file[16];
    int idx, at = 0;
    if (sscanf(line, "%15s %d %n", file, &idx, &at) != 2 || at == 0)
        return false;
    const char *reason = line[at] ? line + at : "unexplained: no reason given";
    return add_entry(known, file, idx, reason) && add_section(known, reason, header);
}

static void chomp(char *line)
{
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '))
        line[--n] = '\0';
}

/* The comment block directly above a run of entries is its section's header; a
 * blank line ends a block (so the preamble belongs to no section). */
static bool read_lines(struct vec_known *known, FILE *f, const char *path)
{
    char line[1024], header[4096] = "";
    for (unsigned lineno = 1; fgets(line, sizeof line, f); lineno++) {
        chomp(line);
        if (!line[0]) {
            header[0] = '\0';
        } else if (line[0] == '#') {
            size_t used = strlen(header);
            snprintf(header + used, sizeof header - used, "%s\n", line);
        } else if (parse_entry(known, line, header)) {
            header[0] = '\0';
        } else {
            fprintf(stderr, "%s:%u: expected '<file> <idx> <reason>'\n", path, lineno);
            return false;
        }
    }
    return true;
}

bool vec_known_load(struct vec_known *known, const char *path)
{
    memset(known, 0, sizeof *known);
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return true;
        fprintf(stderr, "singlestep: cannot read %s: %s\n", path, strerror(errno));
        return false;
    }
    bool ok = read_lines(known, f, path);
    fclose(f);
    if (ok && known->nentries)
        qsort(known->entries, known->nentries, sizeof *known->entries, cmp_entry);
    return ok;
}

void vec_known_free(struct vec_known *known)
{
    for (size_t i = 0; i < known->nentries; i++)
        free(known->entries[i].reason);
    for (size_t i = 0; i < known->nsections; i++) {
        free(known->sections[i].tag);
        free(known->sections[i].header);
    }
    free(known->entries);
    free(known->sections);
    memset(known, 0, sizeof *known);
}

struct vec_known_entry *vec_known_find(struct vec_known *known, const char *file, int32_t idx)
{
    struct vec_known_entry key = { .idx = idx };
    snprintf(key.file, sizeof key.file, "%s", file);
    if (!known->nentries)
        return NULL;
    return bsearch(&key, known->entries, known->nentries, sizeof key, cmp_entry);
}

/* The lines of the new file, sorted: listed tests that did not run, then the
 * current failures with their listed reason if they have one. */
static struct vec_known_line *collect_lines(const struct vec_known *known,
                                            const struct vec_known_failure *failures,
                                            size_t nfailures, size_t *count)
{
    struct vec_known_line *lines = malloc((known->nentries + nfailures + 1) * sizeof *lines);
    size_t n = 0;
    if (!lines)
        return NULL;
    for (size_t i = 0; i < known->nentries; i++) {
        const struct vec_known_entry *e = &known->entries[i];
        if (!e->ran)
            lines[n++] = (struct vec_known_line){ e->file, e->idx, e->reason };
    }
    for (size_t i = 0; i < nfailures; i++) {
        const struct vec_known_failure *f = &failures[i];
        const struct vec_known_entry *e =
            vec_known_find((struct vec_known *)known, f->file, f->idx);
        lines[n++] = (struct vec_known_line){ f->file, f->idx, e ? e->reason : f->reason };
    }
    qsort(lines, n, sizeof *lines, cmp_line);
    *count = n;
    return lines;
}

/* Write the section of tag (if it has lines) under its comment block. */
static void write_section(FILE *out, const char *tag, const char *header,
                          const struct vec_known_line *lines, size_t n)
{
    bool any = false;
    for (size_t i = 0; i < n && !any; i++)
        any = same_tag(lines[i].reason, tag);
    if (!any)
        return;
    if (!header)
        header = vec_reason_header(tag);
    if (header)
        fprintf(out, "%s", header);
    else
        fprintf(out, "# %s: (explain this category)\n", tag);
    for (size_t i = 0; i < n; i++)
        if (same_tag(lines[i].reason, tag))
            fprintf(out, "%s %d %s\n", lines[i].file, (int)lines[i].idx, lines[i].reason);
    fprintf(out, "\n");
}

/* Is tag a section written before line i's turn: an old section, a built-in
 * category, or the tag of an earlier line? */
static bool tag_written(const struct vec_known *known, const struct vec_known_line *lines,
                        size_t i, const char *tag)
{
    if (find_section(known, tag) || vec_reason_header(tag))
        return true;
    for (size_t j = 0; j < i; j++)
        if (same_tag(lines[j].reason, tag))
            return true;
    return false;
}

/* Old sections in file order, then new built-in categories, then other tags. */
static void write_sections(FILE *out, const struct vec_known *known,
                           const struct vec_known_line *lines, size_t n)
{
    for (size_t i = 0; i < known->nsections; i++)
        write_section(out, known->sections[i].tag, known->sections[i].header, lines, n);
    for (size_t i = 0; vec_reason_tag(i); i++)
        if (!find_section(known, vec_reason_tag(i)))
            write_section(out, vec_reason_tag(i), NULL, lines, n);
    for (size_t i = 0; i < n; i++) {
        char tag[64];
        snprintf(tag, sizeof tag, "%.*s", (int)vec_reason_tag_len(lines[i].reason),
                 lines[i].reason);
        if (!tag_written(known, lines, i, tag))
            write_section(out, tag, NULL, lines, n);
    }
}

bool vec_known_write(const struct vec_known *known, const struct vec_known_failure *failures,
                     size_t nfailures, const char *path)
{
    char tmp[4096];
    size_t n = 0;
    struct vec_known_line *lines = collect_lines(known, failures, nfailures, &n);
    if (!lines) {
        fprintf(stderr, "singlestep: out of memory writing %s\n", path);
        return false;
    }
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *out = fopen(tmp, "w");
    if (!out)
        goto fail_open;
    fprintf(out, "%s\n", vec_known_preamble);
    write_sections(out, known, lines, n);
    if (fclose(out) != 0 || rename(tmp, path) != 0)
        goto fail_write;
    free(lines);
    return true;
fail_write:
    remove(tmp);
fail_open:
    fprintf(stderr, "singlestep: cannot write %s: %s\n", path, strerror(errno));
    free(lines);
    return false;
}
