/* The decoder (translate/decode.c) against Capstone 4 on real 16- and 32-bit code
 * and on random bytes: instruction lengths (>= 99.9% agreement where both decode),
 * verdicts (valid or #UD), operands and mnemonics. Every disagreement must fall
 * into a category of capstone_categories.c that says who is right according to the
 * Intel SDM; an unclassified one fails the test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capstone_categories.h"
#include "decode.h"
#include "disasm.h"
#include "material.h"

/* agreement required, in parts per 100000 */
enum { MIN_AGREE_PPM100K = 99900 };
enum { RANDOM_COUNT = 100000, MAX_REPORTED = 20 };

/* ---- statistics ---- */

struct stats {
    const char *name;
    unsigned long insns, bytes;
    /* both decode, and of those, with the same length: the length agreement */
    unsigned long both_ok, both_ok_agree;
    /* both refuse the bytes */
    unsigned long both_refuse;
    unsigned long out_of_scope;
    unsigned long cat[ARRAY_SIZE(len_categories)];
    unsigned long unclassified;
    unsigned long opnd_checked, opnd_agree, opnd_unclassified;
    unsigned long opnd_cat[ARRAY_SIZE(opnd_categories)];
};

static void print_bytes(const struct cmp *c)
{
    for (size_t i = 0; i < c->avail && i < 12; i++)
        fprintf(stderr, " %02x", c->bytes[i]);
}

static void report(const char *what, const struct cmp *c, unsigned long count)
{
    if (count > MAX_REPORTED)
        return;
    fprintf(stderr, "unclassified %s at %08x (%d-bit):", what, c->pc, c->code32 ? 32 : 16);
    print_bytes(c);
    fprintf(stderr, "\n  ours: status %d len %u op %s nopnd %u | capstone: %s len %u %s %s\n",
            c->st, c->in.len, x86_op_name(c->in.op), c->in.nopnd, c->cs_ok ? "ok" : "fails",
            c->cs.len, c->cs.mnemonic, c->cs.operands);
}

static void compare_operands(struct stats *s, const struct cmp *c)
{
    int i = find_opnd_category(c);
    if (i == OPND_NOT_COMPARED)
        return;
    s->opnd_checked++;
    if (i == OPND_SAME)
        s->opnd_agree++;
    else if (i == OPND_UNCLASSIFIED)
        report("operand difference", c, ++s->opnd_unclassified);
    else
        s->opnd_cat[i]++;
}

static void classify(struct stats *s, const struct cmp *c)
{
    int i = find_len_category(c);
    if (i < 0) {
        report("length difference", c, ++s->unclassified);
        return;
    }
    s->cat[i]++;
    s->out_of_scope += !len_categories[i].in_scope;
}

/* Decode one instruction both ways, account for it; returns how far to advance. */
static unsigned compare_one(struct stats *s, struct disasm *dis, const uint8_t *buf,
                            size_t avail, uint32_t pc, bool code32)
{
    struct cmp c = { .dis = dis, .bytes = buf, .avail = avail, .pc = pc, .code32 = code32 };
    run_cmp(&c);
    bool ok = c.st == DECODE_OK;
    s->insns++;
    s->both_ok += ok && c.cs_ok;
    if (ok && c.cs_ok && c.in.len == c.cs.len) {
        s->both_ok_agree++;
        compare_operands(s, &c);
    } else if (c.st == DECODE_UD && !c.cs_ok) {
        s->both_refuse++;
    } else {
        classify(s, &c);
    }
    /* stay in step with Capstone past instructions the decoder does not model */
    return ok ? c.in.len : c.cs_ok ? c.cs.len : 1;
}

static void sweep(struct stats *s, struct disasm *dis, const uint8_t *buf, size_t size,
                  uint32_t pc, bool code32)
{
    size_t off = 0;
    /* IP wraps at 64 KiB in 16-bit code */
    uint32_t pc_mask = code32 ? 0xFFFFFFFFu : 0xFFFFu;
    while (off < size)
        off += compare_one(s, dis, buf + off, size - off, (pc + (uint32_t)off) & pc_mask, code32);
    s->bytes += size;
}

static unsigned long in_scope(const struct stats *s)
{
    return s->insns - s->out_of_scope;
}

static double percent(unsigned long part, unsigned long whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 100.0;
}

static void print_categories(const struct stats *s)
{
    for (size_t i = 0; i < ARRAY_SIZE(len_categories); i++)
        if (s->cat[i])
            printf("    %-13s %8lu  %s\n", len_categories[i].name, s->cat[i],
                   len_categories[i].why);
    for (size_t i = 0; i < ARRAY_SIZE(opnd_categories); i++)
        if (s->opnd_cat[i])
            printf("    operands %-13s %8lu  %s\n", opnd_categories[i].name, s->opnd_cat[i],
                   opnd_categories[i].why);
}

static unsigned long same_verdict(const struct stats *s)
{
    return s->both_ok_agree + s->both_refuse;
}

static void print_stats(const struct stats *s)
{
    printf("decode-vs-capstone %s: %lu instructions, %lu bytes\n"
           "  length agreement where both decode: %lu/%lu = %.4f%%\n"
           "  same verdict (same length or both invalid), excluding %lu outside the "
           "modelled ISA: %lu/%lu = %.4f%%\n"
           "  operands and mnemonic identical: %lu/%lu = %.4f%%\n",
           s->name, s->insns, s->bytes, s->both_ok_agree, s->both_ok,
           percent(s->both_ok_agree, s->both_ok), s->out_of_scope, same_verdict(s),
           in_scope(s), percent(same_verdict(s), in_scope(s)), s->opnd_agree,
           s->opnd_checked, percent(s->opnd_agree, s->opnd_checked));
    print_categories(s);
}

static void add_stats(struct stats *to, const struct stats *from)
{
    to->insns += from->insns;
    to->bytes += from->bytes;
    to->both_ok += from->both_ok;
    to->both_ok_agree += from->both_ok_agree;
    to->both_refuse += from->both_refuse;
    to->out_of_scope += from->out_of_scope;
    to->opnd_checked += from->opnd_checked;
    to->opnd_agree += from->opnd_agree;
    for (size_t i = 0; i < ARRAY_SIZE(len_categories); i++)
        to->cat[i] += from->cat[i];
    for (size_t i = 0; i < ARRAY_SIZE(opnd_categories); i++)
        to->opnd_cat[i] += from->opnd_cat[i];
}

/* Lengths must agree where both decode; every difference in lengths, verdicts,
 * operands or mnemonics must fall in a category. Operand agreement has no
 * threshold: Capstone's CBW/CWD naming in 16-bit code alone costs 0.5%. */
static void check_stats(const struct stats *s)
{
    print_stats(s);
    assert_int_equal(s->unclassified, 0);
    assert_int_equal(s->opnd_unclassified, 0);
    assert_true(s->both_ok_agree * 100000 >= s->both_ok * MIN_AGREE_PPM100K);
}

/* ---- real code: i686 glibc and SeaBIOS ---- */

struct totals {
    struct stats real16, real32;
    /* some material was missing */
    bool skipped;
};

static const char i686_lib_dir[] = "/usr/i686-linux-gnu/lib";

static bool sweep_elf(struct stats *s, struct disasm *dis, const char *path)
{
    struct stat st;
    size_t size, off, len;
    uint32_t addr;
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    uint8_t *img = read_file(path, &size);
    bool ok = img && elf_text(img, size, &off, &len, &addr);
    if (ok)
        sweep(s, dis, img + off, len, addr, true);
    free(img);
    return ok;
}

static void test_i686_libs(void **state)
{
    struct totals *t = *state;
    struct stats s = { .name = "i686 glibc .text (32-bit)" };
    DIR *dir = opendir(i686_lib_dir);
    if (!dir) {
        t->skipped = true;
        printf("SKIP: %s absent (package libc6-dev-i386-cross)\n", i686_lib_dir);
        skip();
    }
    struct disasm *dis = disasm_create(true);
    assert_non_null(dis);
    unsigned files = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        char path[512];
        if (!strstr(e->d_name, ".so"))
            continue;
        snprintf(path, sizeof path, "%s/%s", i686_lib_dir, e->d_name);
        files += sweep_elf(&s, dis, path);
    }
    closedir(dir);
    disasm_destroy(dis);
    printf("%u ELF files\n", files);
    add_stats(&t->real32, &s);
    check_stats(&s);
}

/* SeaBIOS keeps its 16-bit entry code in the last 64 KiB (the F segment) and
 * links the 32-bit flat code below it; both regions also hold data, which both
 * decoders see alike. */
static const char seabios_path[] = "/usr/share/seabios/bios-256k.bin";
enum { SEABIOS_16BIT_TAIL = 0x10000 };

static void test_seabios(void **state)
{
    struct totals *t = *state;
    size_t size, start = 0;
    uint8_t *img = read_file(seabios_path, &size);
    if (!img || size < 2 * SEABIOS_16BIT_TAIL) {
        free(img);
        t->skipped = true;
        printf("SKIP: %s absent (package seabios)\n", seabios_path);
        skip();
    }
    while (start < size - SEABIOS_16BIT_TAIL && img[start] == 0)
        start++;
    struct stats s32 = { .name = "SeaBIOS flat code (32-bit)" };
    struct stats s16 = { .name = "SeaBIOS F segment (16-bit)" };
    struct disasm *d32 = disasm_create(true), *d16 = disasm_create(false);
    assert_non_null(d32);
    assert_non_null(d16);
    size_t tail = size - SEABIOS_16BIT_TAIL;
    sweep(&s32, d32, img + start, tail - start, 0xFFFFFFFFu - (uint32_t)(size - 1 - start), true);
    sweep(&s16, d16, img + tail, SEABIOS_16BIT_TAIL, 0, false);
    disasm_destroy(d32);
    disasm_destroy(d16);
    free(img);
    add_stats(&t->real32, &s32);
    add_stats(&t->real16, &s16);
    check_stats(&s32);
    check_stats(&s16);
}

/* ---- FreeDOS floppy images ---- */

struct swept_file {
    size_t size;
    uint32_t hash;
};

/* The same KERNEL.SYS and COMMAND.COM are on both images: sweep each content once. */
struct file_set {
    struct swept_file files[256];
    unsigned n;
};

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    while (n--)
        h = (h ^ *p++) * 16777619u;
    return h;
}

static bool file_seen(struct file_set *set, const uint8_t *buf, size_t len)
{
    struct swept_file sf = { len, fnv1a(buf, len) };
    for (unsigned i = 0; i < set->n; i++)
        if (set->files[i].size == sf.size && set->files[i].hash == sf.hash)
            return true;
    if (set->n < ARRAY_SIZE(set->files))
        set->files[set->n++] = sf;
    return false;
}

struct dos_sweep {
    struct stats *s;
    struct disasm *dis;
    struct file_set *seen;
    unsigned files;
};

/* MZ executables: code starts after the header (header size in paragraphs at 8). */
static void sweep_dos_file(void *opaque, const uint8_t *buf, size_t len)
{
    struct dos_sweep *w = opaque;
    size_t start = 0;
    if (len >= 28 && buf[0] == 'M' && buf[1] == 'Z')
        start = rd16(buf + 8) * 16u;
    if (start >= len || file_seen(w->seen, buf, len))
        return;
    sweep(w->s, w->dis, buf + start, len - start, 0x100, false);
    w->files++;
}

static const char *const floppies[] = {
    "guests/floppy/freedos-minimal-1440k.img",
    "guests/floppy/freedos-ripcord-v86-720k.img",
};

static void test_freedos(void **state)
{
    struct totals *t = *state;
    const char *shared = getenv("TRAPDOOR_SHARED");
    if (!shared) {
        t->skipped = true;
        printf("SKIP: TRAPDOOR_SHARED is not set: no FreeDOS images to sweep\n");
        skip();
    }
    struct stats s = { .name = "FreeDOS programs (16-bit)" };
    struct file_set *seen = calloc(1, sizeof *seen);
    struct disasm *dis = disasm_create(false);
    assert_non_null(seen);
    assert_non_null(dis);
    struct dos_sweep w = { .s = &s, .dis = dis, .seen = seen };
    for (size_t i = 0; i < ARRAY_SIZE(floppies); i++) {
        char path[1024];
        size_t size;
        struct fat fat;
        snprintf(path, sizeof path, "%s/%s", shared, floppies[i]);
        uint8_t *img = read_file(path, &size);
        if (img && fat_open(&fat, img, size)) {
            fat_for_each_code_file(&fat, sweep_dos_file, &w);
        } else {
            t->skipped = true;
            printf("SKIP: cannot read FAT12 image %s\n", path);
        }
        free(img);
    }
    disasm_destroy(dis);
    free(seen);
    printf("%u distinct DOS programs\n", w.files);
    if (w.files == 0)
        skip();
    add_stats(&t->real16, &s);
    check_stats(&s);
}

/* ---- random bytes ---- */

static uint64_t xorshift64(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Random bytes; with prefixed, 1-4 random legacy prefixes in front. */
static void random_fill(uint8_t buf[16], uint64_t *x, bool prefixed)
{
    uint64_t a = xorshift64(x), b = xorshift64(x);
    memcpy(buf, &a, 8);
    memcpy(buf + 8, &b, 8);
    if (!prefixed)
        return;
    unsigned n = 1 + (unsigned)(xorshift64(x) & 3);
    for (unsigned i = 0; i < n; i++)
        buf[i] = prefix_bytes[xorshift64(x) % ARRAY_SIZE(prefix_bytes)];
}

static void random_sweep(bool code32, bool prefixed)
{
    const char *env = getenv("TD_DECODE_SEED");
    uint64_t seed = env ? strtoull(env, NULL, 0) : 0x7D15EA5Eu;
    uint64_t x = seed ? seed : 1;
    char name[64];
    snprintf(name, sizeof name, "random bytes%s (%d-bit)", prefixed ? " after prefixes" : "",
             code32 ? 32 : 16);
    struct stats s = { .name = name };
    struct disasm *dis = disasm_create(code32);
    assert_non_null(dis);
    for (unsigned i = 0; i < RANDOM_COUNT; i++) {
        uint8_t buf[16];
        random_fill(buf, &x, prefixed);
        compare_one(&s, dis, buf, sizeof buf, 0x1000, code32);
        s.bytes += sizeof buf;
    }
    disasm_destroy(dis);
    printf("random seed %#llx (set TD_DECODE_SEED to change)\n", (unsigned long long)seed);
    check_stats(&s);
}

static void test_random32(void **state)
{
    random_sweep(true, false);
}

static void test_random16(void **state)
{
    random_sweep(false, false);
}

static void test_random_prefixed32(void **state)
{
    random_sweep(true, true);
}

static void test_random_prefixed16(void **state)
{
    random_sweep(false, true);
}

/* ---- totals ---- */

static void test_totals(void **state)
{
    struct totals *t = *state;
    struct stats all = { .name = "real code, total" };
    add_stats(&all, &t->real16);
    add_stats(&all, &t->real32);
    t->real16.name = "real code, 16-bit total";
    t->real32.name = "real code, 32-bit total";
    print_stats(&t->real16);
    print_stats(&t->real32);
    print_stats(&all);
    assert_true(all.both_ok_agree * 100000 >= all.both_ok * MIN_AGREE_PPM100K);
    if (all.bytes < 1024 * 1024 && t->skipped) {
        printf("SKIP: material missing, less than the 1 MiB minimum was swept\n");
        skip();
    }
    assert_true(all.bytes >= 1024 * 1024);
}

static int group_setup(void **state)
{
    *state = calloc(1, sizeof(struct totals));
    return *state ? 0 : -1;
}

static int group_teardown(void **state)
{
    free(*state);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_i686_libs),
        cmocka_unit_test(test_seabios),
        cmocka_unit_test(test_freedos),
        cmocka_unit_test(test_random32),
        cmocka_unit_test(test_random16),
        cmocka_unit_test(test_random_prefixed32),
        cmocka_unit_test(test_random_prefixed16),
        cmocka_unit_test(test_totals),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
