/* SingleStepTests 80286 runner: every real-mode test vector captured from a
 * Harris 80C286 (json500/<opcode>.json.gz) run on trapdoor's CPU and compared, with
 * the committed known_failures.txt. Format: the suite's README.md. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "vec_json.h"
#include "vec_known.h"
#include "vec_meta.h"
#include "vec_reason.h"
#include "vec_run.h"

#ifndef VEC_KNOWN_FAILURES
#define VEC_KNOWN_FAILURES "tests/vectors/known_failures.txt"
#endif

enum {
    /* exit status meson reads as "skipped" */
    VEC_EXIT_SKIP = 77,
    /* failing tests detailed per file with -v; one-line reports without -v */
    VEC_DETAILS_PER_FILE = 5,
    VEC_ONE_LINE_REPORTS = 50,
};

/* A file (and optionally one test) named on the command line: "80.3", "80.3:17". */
struct vec_selector {
    char file[16];
    int32_t idx;
    bool matched;
};

struct vec_options {
    bool verbose;
    bool write_known;
    const char *known_path;
    const char *model;
    const char *data_dir;
    /* -d items for the emulator's log (stderr) */
    uint32_t log_mask;
    struct vec_selector *selectors;
    size_t nselectors;
};

struct vec_counts {
    unsigned long passed, failed, revoked, known, unexpected, now_passing;
};

struct vec_runner {
    struct vec_options opt;
    struct vec_meta *meta;
    struct vec_known known;
    struct vec_machine *machine;
    struct vec_known_failure *failures;
    size_t nfailures, cap;
    struct vec_counts total;
    unsigned one_line_reports;
    bool host_error;
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: singlestep [options] [FILE[:IDX]...]\n"
            "  FILE          test file without .json.gz (80.3, F6.7); default: all\n"
            "  -v            detail the first %d failing tests of each file\n"
            "  --write-known rewrite the known-failures file from this run\n"
            "  --known PATH  known-failures file (default %s)\n"
            "  --cpu NAME    CPU model (default: the emulator's default model)\n"
            "  -d ITEMS      emulator log items on stderr (in_asm,op,int,exec,...)\n"
            "  --data DIR    suite folder holding json500/ (default\n"
            "                $TRAPDOOR_SHARED/guests/singlestep/80286)\n",
            VEC_DETAILS_PER_FILE, VEC_KNOWN_FAILURES);
}

static bool add_selector(struct vec_options *opt, const char *arg)
{
    struct vec_selector *grown =
        realloc(opt->selectors, (opt->nselectors + 1) * sizeof *grown);
    if (!grown)
        return false;
    opt->selectors = grown;
    struct vec_selector *s = &opt->selectors[opt->nselectors++];
    *s = (struct vec_selector){ .idx = -1 };
    const char *colon = strchr(arg, ':');
    size_t len = colon ? (size_t)(colon - arg) : strlen(arg);
    if (len >= 8 && !strcmp(arg + len - 8, ".json.gz"))
        len -= 8;
    snprintf(s->file, sizeof s->file, "%.*s", (int)len, arg);
    if (colon) {
        char *end;
        long idx = strtol(colon + 1, &end, 10);
        if (*end || end == colon + 1 || idx < 0)
            return false;
        s->idx = (int32_t)idx;
    }
    return len > 0 && len < sizeof s->file;
}

/* Options taking a value: "--known PATH" or "--known=PATH". */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n))
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] == '\0' && *i + 1 < argc)
        return argv[++*i];
    return NULL;
}

static bool parse_log_items(struct vec_options *opt, const char *list)
{
    char err[128];
    if (log_parse_items(list, &opt->log_mask, err, sizeof err))
        return true;
    fprintf(stderr, "singlestep: -d: %s\n", err);
    log_items_help(stderr);
    return false;
}

static bool parse_options(struct vec_options *opt, int argc, char **argv)
{
    bool ok = true;
    *opt = (struct vec_options){ .known_path = VEC_KNOWN_FAILURES };
    for (int i = 1; i < argc && ok; i++) {
        const char *a = argv[i], *value;
        if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
            opt->verbose = true;
        else if (!strcmp(a, "--write-known"))
            opt->write_known = true;
        else if ((value = option_value(argc, argv, &i, "--known")))
            opt->known_path = value;
        else if ((value = option_value(argc, argv, &i, "--cpu")))
            opt->model = value;
        else if ((value = option_value(argc, argv, &i, "--data")))
            opt->data_dir = value;
        else if ((value = option_value(argc, argv, &i, "-d")))
            ok = parse_log_items(opt, value);
        else if (a[0] == '-' || !add_selector(opt, a)) {
            fprintf(stderr, "singlestep: bad argument '%s'\n", a);
            return false;
        }
    }
    return ok;
}

/* Is test idx of file selected? Marks the selectors that match the file. */
static bool selected(struct vec_options *opt, const char *file, int32_t idx)
{
    bool any = opt->nselectors == 0;
    for (size_t i = 0; i < opt->nselectors; i++) {
        struct vec_selector *s = &opt->selectors[i];
        if (strcmp(s->file, file))
            continue;
        s->matched = true;
        if (idx < 0 || s->idx < 0 || s->idx == idx)
            any = true;
    }
    return any;
}

/* The instruction bytes of a test (for the metadata lookup and reports). */
static size_t test_bytes(const struct json_object *test, uint8_t *out, size_t max)
{
    struct json_object *bytes = vec_json_get(test, "bytes");
    size_t n = 0;
    if (!bytes || !json_object_is_type(bytes, json_type_array))
        return 0;
    for (; n < max && n < json_object_array_length(bytes); n++)
        out[n] = (uint8_t)json_object_get_int(json_object_array_get_idx(bytes, n));
    return n;
}

static const char *test_string(const struct json_object *test, const char *key)
{
    struct json_object *member = vec_json_get(test, key);
    return member ? json_object_get_string(member) : "";
}

/* "flags expected 0x0013 got 0x0017 (compared bits 0x08d5)" */
static void format_mismatch(const struct vec_mismatch *mm, char *out, size_t len)
{
    bool byte = !strncmp(mm->field, "ram[", 4);
    int width = byte ? 2 : 4;
    int n;
    if (!strcmp(mm->field, "halted")) {
        snprintf(out, len, "never reached the terminating HLT");
        return;
    }
    n = snprintf(out, len, "%-5s expected 0x%0*x got 0x%0*x", mm->field, width,
                 (unsigned)mm->expected, width, (unsigned)mm->got);
    if (n > 0 && (size_t)n < len && (byte ? mm->mask != 0xFF : mm->mask != 0xFFFFFFFFu))
        snprintf(out + n, len - (size_t)n, " (compared bits 0x%0*x)", width,
                 (unsigned)mm->mask);
}

static void print_mismatch(const struct vec_mismatch *mm)
{
    char text[128];
    format_mismatch(mm, text, sizeof text);
    printf("      %s\n", text);
}

static void print_details(const char *file, const struct json_object *test, int32_t idx,
                          const uint8_t *bytes, size_t nbytes, const struct vec_result *res,
                          const char *reason)
{
    printf("  %s #%d %s [", file, (int)idx, test_string(test, "name"));
    for (size_t i = 0; i < nbytes; i++)
        printf(i ? " %02x" : "%02x", bytes[i]);
    printf("]%s%s\n", reason ? " known: " : "", reason ? reason : "");
    for (unsigned i = 0; i < res->nmismatch && i < VEC_MAX_MISMATCH; i++)
        print_mismatch(&res->mismatch[i]);
    if (res->nmismatch > VEC_MAX_MISMATCH)
        printf("      ... %u more\n", res->nmismatch - VEC_MAX_MISMATCH);
}

static bool record_failure(struct vec_runner *r, const char *file, int32_t idx,
                           const char *reason)
{
    if (r->nfailures == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 1024;
        struct vec_known_failure *grown = realloc(r->failures, cap * sizeof *grown);
        if (!grown)
            return false;
        r->failures = grown;
        r->cap = cap;
    }
    struct vec_known_failure *f = &r->failures[r->nfailures++];
    snprintf(f->file, sizeof f->file, "%s", file);
    f->idx = idx;
    snprintf(f->reason, sizeof f->reason, "%s", reason);
    return true;
}

/* Per-file tallies, printed as "80.3: 498/500". */
struct vec_file_counts {
    unsigned run, passed, known, revoked, detailed;
};

/* Report a failing test: details with -v (a few per file), else one line for
 * the first unexpected ones. */
static void report_failure(struct vec_runner *r, struct vec_file_counts *fc, const char *file,
                           const struct json_object *test, int32_t idx, const uint8_t *bytes,
                           size_t nbytes, const struct vec_result *res,
                           const struct vec_known_entry *entry)
{
    if (r->opt.verbose && fc->detailed < VEC_DETAILS_PER_FILE) {
        fc->detailed++;
        print_details(file, test, idx, bytes, nbytes, res, entry ? entry->reason : NULL);
    } else if (!r->opt.verbose && !entry && r->one_line_reports < VEC_ONE_LINE_REPORTS) {
        char text[128];
        r->one_line_reports++;
        format_mismatch(&res->mismatch[0], text, sizeof text);
        printf("FAIL %s #%d %s: %s\n", file, (int)idx, test_string(test, "name"), text);
    }
}

/* The vector the 286 took according to the test, or -1. */
static int test_exception(const struct json_object *test)
{
    int32_t number;
    if (!vec_json_int(vec_json_get(test, "exception"), "number", &number))
        return -1;
    return number;
}

/* Run one test; false on a host error (malformed test, no memory). */
static bool run_one(struct vec_runner *r, struct vec_file_counts *fc, const char *file,
                    const struct json_object *test, int32_t idx)
{
    uint8_t bytes[32];
    struct vec_meta_info info;
    struct vec_result res;
    if (vec_meta_revoked(r->meta, test_string(test, "hash"))) {
        fc->revoked++;
        return true;
    }
    size_t nbytes = test_bytes(test, bytes, sizeof bytes);
    vec_meta_lookup(r->meta, bytes, nbytes, &info);
    if (!vec_run_test(r->machine, test, info.flags_mask, &res)) {
        fprintf(stderr, "singlestep: %s #%d: malformed test\n", file, (int)idx);
        return false;
    }
    fc->run++;
    struct vec_known_entry *entry = vec_known_find(&r->known, file, idx);
    if (entry) {
        entry->ran = true;
        entry->failed = res.nmismatch != 0;
    }
    if (res.nmismatch == 0) {
        fc->passed++;
        return true;
    }
    char reason[128];
    vec_reason_guess(bytes, nbytes, &info, test_exception(test), &res, reason, sizeof reason);
    fc->known += entry != NULL;
    r->total.unexpected += entry == NULL;
    report_failure(r, fc, file, test, idx, bytes, nbytes, &res, entry);
    return record_failure(r, file, idx, reason);
}

/* Run the selected tests of dir/json500/<file>.json.gz; false on a host error. */
static bool run_file(struct vec_runner *r, const char *dir, const char *file)
{
    char path[4096];
    struct vec_file_counts fc = { 0 };
    if (snprintf(path, sizeof path, "%s/json500/%s.json.gz", dir, file) >= (int)sizeof path)
        return false;
    struct json_object *root = vec_json_load(path);
    if (!root || !json_object_is_type(root, json_type_array)) {
        fprintf(stderr, "singlestep: %s: not a JSON array of tests\n", path);
        json_object_put(root);
        return false;
    }
    bool ok = true;
    size_t n = json_object_array_length(root);
    for (size_t i = 0; i < n && ok; i++) {
        const struct json_object *test = json_object_array_get_idx(root, i);
        int32_t idx;
        if (!vec_json_int(test, "idx", &idx))
            idx = (int32_t)i;
        if (selected(&r->opt, file, idx))
            ok = run_one(r, &fc, file, test, idx);
    }
    json_object_put(root);
    printf("%s: %u/%u", file, fc.passed, fc.run);
    if (fc.known)
        printf(" (%u known failures)", fc.known);
    if (fc.revoked)
        printf(" (%u revoked, skipped)", fc.revoked);
    printf("\n");
    fflush(stdout);
    r->total.passed += fc.passed;
    r->total.failed += fc.run - fc.passed;
    r->total.known += fc.known;
    r->total.revoked += fc.revoked;
    return ok;
}

static int is_test_file(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return n > 8 && !strcmp(d->d_name + n - 8, ".json.gz");
}

/* Run every selected file of dir/json500 in name order; false on a host error. */
static bool run_files(struct vec_runner *r, const char *dir)
{
    char path[4096];
    struct dirent **names;
    if (snprintf(path, sizeof path, "%s/json500", dir) >= (int)sizeof path)
        return false;
    int n = scandir(path, &names, is_test_file, alphasort);
    if (n < 0) {
        fprintf(stderr, "singlestep: cannot list %s\n", path);
        return false;
    }
    bool ok = true;
    for (int i = 0; i < n; i++) {
        char file[16];
        snprintf(file, sizeof file, "%.*s", (int)(strlen(names[i]->d_name) - 8),
                 names[i]->d_name);
        if (ok && selected(&r->opt, file, -1))
            ok = run_file(r, dir, file);
        free(names[i]);
    }
    free(names);
    for (size_t i = 0; i < r->opt.nselectors; i++)
        if (!r->opt.selectors[i].matched) {
            fprintf(stderr, "singlestep: no test file %s in %s\n", r->opt.selectors[i].file, path);
            ok = false;
        }
    return ok;
}

/* Listed tests that ran and passed must leave the list. */
static void report_now_passing(struct vec_runner *r)
{
    for (size_t i = 0; i < r->known.nentries; i++) {
        const struct vec_known_entry *e = &r->known.entries[i];
        if (e->ran && !e->failed) {
            printf("now passing, remove from known failures: %s %d\n", e->file, (int)e->idx);
            r->total.now_passing++;
        }
    }
}

static void print_summary(const struct vec_runner *r)
{
    const struct vec_counts *t = &r->total;
    unsigned long run = t->passed + t->failed;
    printf("%lu passed, %lu failed\n", t->passed, t->failed);
    printf("pass rate: %.2f%% of %lu tests (%lu known failures, %lu unexpected, "
           "%lu revoked tests skipped)\n",
           run ? 100.0 * (double)t->passed / (double)run : 0.0, run, t->known, t->unexpected,
           t->revoked);
    if (t->now_passing)
        printf("%lu listed tests now pass: remove them from the known failures\n",
               t->now_passing);
}

/* The suite folder: --data, else $TRAPDOOR_SHARED/guests/singlestep/80286. */
static bool find_data(const struct vec_options *opt, char *dir, size_t len)
{
    const char *shared = getenv("TRAPDOOR_SHARED");
    int n;
    if (opt->data_dir)
        n = snprintf(dir, len, "%s", opt->data_dir);
    else if (shared && shared[0])
        n = snprintf(dir, len, "%s/guests/singlestep/80286", shared);
    else
        return false;
    if (n < 0 || (size_t)n >= len)
        return false;
    char json500[4096];
    if (snprintf(json500, sizeof json500, "%s/json500", dir) >= (int)sizeof json500)
        return false;
    DIR *d = opendir(json500);
    if (d)
        closedir(d);
    return d != NULL;
}

static void runner_free(struct vec_runner *r)
{
    vec_machine_destroy(r->machine);
    vec_known_free(&r->known);
    vec_meta_destroy(r->meta);
    free(r->failures);
    free(r->opt.selectors);
}

int main(int argc, char **argv)
{
    struct vec_runner r = { 0 };
    char dir[4096];
    int status = 1;
    if (!parse_options(&r.opt, argc, argv)) {
        usage(stderr);
        free(r.opt.selectors);
        return 2;
    }
    if (!find_data(&r.opt, dir, sizeof dir)) {
        printf("SKIP: ../shared/guests not found (set TRAPDOOR_SHARED or --data)\n");
        free(r.opt.selectors);
        return VEC_EXIT_SKIP;
    }
    r.meta = vec_meta_load(dir);
    if (!r.meta || !vec_known_load(&r.known, r.opt.known_path))
        goto out;
    r.machine = vec_machine_create(r.opt.model, r.opt.log_mask);
    if (!r.machine)
        goto out;
    bool ok = run_files(&r, dir);
    report_now_passing(&r);
    print_summary(&r);
    if (ok && r.opt.write_known) {
        ok = vec_known_write(&r.known, r.failures, r.nfailures, r.opt.known_path);
        if (ok)
            printf("wrote %s (%zu failing tests)\n", r.opt.known_path, r.nfailures);
        status = ok ? 0 : 1;
    } else if (ok) {
        status = r.total.unexpected || r.total.now_passing ? 1 : 0;
    }
out:
    runner_free(&r);
    return status;
}
