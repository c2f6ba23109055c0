/* Unit tests for devices/block.c: raw images in /tmp (mkstemp) with known
 * content, read/write/flush, range checks, the snapshot overlay, open errors,
 * (as an unprivileged user, forked off when run as root) read-only images, and
 * images in memory. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "block.h"

enum { NSECT = 64, NOBODY = 65534 };

static uint8_t pattern(uint64_t lba, unsigned off)
{
    return (uint8_t)(lba * 37 + off * 11 + (off >> 8) + 1);
}

static void fill_sector(uint8_t *buf, uint64_t lba)
{
    for (unsigned i = 0; i < BLOCK_SECTOR; i++)
        buf[i] = pattern(lba, i);
}

/* A temporary image of size bytes; whole sectors hold pattern(). */
static void make_image(char *path, size_t pathlen, size_t size)
{
    uint8_t *data = malloc(size ? size : 1);
    int fd;

    assert_non_null(data);
    snprintf(path, pathlen, "/tmp/td-block-XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    for (size_t i = 0; i < size; i++)
        data[i] = pattern(i / BLOCK_SECTOR, (unsigned)(i % BLOCK_SECTOR));
    assert_int_equal(write(fd, data, size), (ssize_t)size);
    close(fd);
    free(data);
}

static void read_file(const char *path, uint8_t *buf, size_t size)
{
    int fd = open(path, O_RDONLY);

    assert_true(fd >= 0);
    assert_int_equal(pread(fd, buf, size, 0), (ssize_t)size);
    close(fd);
}

static void test_read_write_flush(void **state)
{
    char path[64], err[256];
    uint8_t buf[4 * BLOCK_SECTOR], expect[BLOCK_SECTOR];
    static uint8_t file[NSECT * BLOCK_SECTOR];
    struct block *b;

    make_image(path, sizeof(path), NSECT * BLOCK_SECTOR);
    b = block_open(path, false, err, sizeof(err));
    assert_non_null(b);
    assert_int_equal(block_size(b), NSECT * BLOCK_SECTOR);
    assert_false(block_read_only(b));
    assert_string_equal(block_path(b), path);
    assert_true(block_read(b, 10, 4, buf));
    for (unsigned s = 0; s < 4; s++) {
        fill_sector(expect, 10 + s);
        assert_memory_equal(buf + s * BLOCK_SECTOR, expect, BLOCK_SECTOR);
    }
    memset(buf, 0xA5, sizeof(buf));
    buf[0] = 1;
    buf[3 * BLOCK_SECTOR + 511] = 2;
    assert_true(block_write(b, 20, 4, buf));
    assert_true(block_flush(b));
    memset(buf, 0, sizeof(buf));
    assert_true(block_read(b, 20, 4, buf));
    assert_int_equal(buf[0], 1);
    assert_int_equal(buf[1], 0xA5);
    assert_int_equal(buf[3 * BLOCK_SECTOR + 511], 2);
    block_close(b);
    /* the file itself holds the write, and nothing else changed */
    read_file(path, file, sizeof(file));
    assert_int_equal(file[20 * BLOCK_SECTOR], 1);
    assert_int_equal(file[20 * BLOCK_SECTOR + 1], 0xA5);
    assert_int_equal(file[24 * BLOCK_SECTOR - 1], 2);
    fill_sector(expect, 19);
    assert_memory_equal(file + 19 * BLOCK_SECTOR, expect, BLOCK_SECTOR);
    fill_sector(expect, 24);
    assert_memory_equal(file + 24 * BLOCK_SECTOR, expect, BLOCK_SECTOR);
    unlink(path);
}

static void test_range(void **state)
{
    char path[64], err[256];
    uint8_t buf[2 * BLOCK_SECTOR] = { 0 };
    struct block *b;

    make_image(path, sizeof(path), NSECT * BLOCK_SECTOR);
    b = block_open(path, false, err, sizeof(err));
    assert_non_null(b);
    assert_true(block_read(b, NSECT - 1, 1, buf));
    assert_false(block_read(b, NSECT, 1, buf));
    assert_false(block_read(b, NSECT - 1, 2, buf));
    assert_false(block_read(b, UINT64_MAX, 1, buf));
    assert_false(block_read(b, 1, UINT32_MAX, buf));
    assert_false(block_write(b, NSECT - 1, 2, buf));
    assert_false(block_write(b, UINT64_MAX - 1, 2, buf));
    assert_true(block_read(b, 0, 0, buf));
    block_close(b);
    unlink(path);
}

/* Writes land in memory only: read back through the image, never in the file;
 * 300 scattered sectors make the overlay's table grow several times. */
static void test_snapshot(void **state)
{
    char path[64], err[256];
    static uint8_t before[NSECT * 8 * BLOCK_SECTOR], after[NSECT * 8 * BLOCK_SECTOR];
    uint8_t buf[BLOCK_SECTOR], expect[BLOCK_SECTOR];
    uint64_t total = NSECT * 8;
    struct block *b;

    make_image(path, sizeof(path), sizeof(before));
    read_file(path, before, sizeof(before));
    b = block_open(path, true, err, sizeof(err));
    assert_non_null(b);
    assert_false(block_read_only(b));
    for (unsigned i = 0; i < 300; i++) {
        uint64_t lba = (i * 97u) % total;

        memset(buf, (int)(i & 0xFF), sizeof(buf));
        buf[0] = (uint8_t)lba;
        buf[1] = (uint8_t)(lba >> 8);
        assert_true(block_write(b, lba, 1, buf));
    }
    assert_true(block_flush(b));
    for (uint64_t lba = 0; lba < total; lba++) {
        unsigned last = UINT32_MAX;

        for (unsigned i = 0; i < 300; i++) {
            if ((i * 97u) % total == lba)
                last = i;
        }
        assert_true(block_read(b, lba, 1, buf));
        if (last == UINT32_MAX) {
            fill_sector(expect, lba);
            assert_memory_equal(buf, expect, BLOCK_SECTOR);
        } else {
            assert_int_equal(buf[0], (uint8_t)lba);
            assert_int_equal(buf[1], (uint8_t)(lba >> 8));
            assert_int_equal(buf[2], (uint8_t)last);
        }
    }
    /* a multi-sector read mixes overlay (96, 97, 100) and file (98, 99) sectors */
    {
        static uint8_t run[5 * BLOCK_SECTOR];

        assert_true(block_read(b, 96, 5, run));
        for (unsigned s = 0; s < 5; s++) {
            assert_true(block_read(b, 96 + s, 1, buf));
            assert_memory_equal(run + s * BLOCK_SECTOR, buf, BLOCK_SECTOR);
        }
        fill_sector(expect, 98);
        assert_memory_equal(run + 2 * BLOCK_SECTOR, expect, BLOCK_SECTOR);
        assert_int_equal(run[BLOCK_SECTOR], 97);
    }
    block_close(b);
    read_file(path, after, sizeof(after));
    assert_memory_equal(before, after, sizeof(before));
    unlink(path);
}

static void test_open_errors(void **state)
{
    char path[64], err[256], dir[] = "/tmp/td-blockdir-XXXXXX";
    struct block *b;

    b = block_open("/tmp/td-block-does-not-exist", false, err, sizeof(err));
    assert_null(b);
    assert_non_null(strstr(err, "/tmp/td-block-does-not-exist"));
    assert_non_null(strstr(err, strerror(ENOENT)));

    make_image(path, sizeof(path), 0);
    assert_null(block_open(path, false, err, sizeof(err)));
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "empty"));
    unlink(path);

    make_image(path, sizeof(path), 1000);
    assert_null(block_open(path, true, err, sizeof(err)));
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "1000"));
    assert_non_null(strstr(err, "multiple of 512"));
    unlink(path);

    assert_non_null(mkdtemp(dir));
    assert_null(block_open(dir, false, err, sizeof(err)));
    assert_non_null(strstr(err, dir));
    rmdir(dir);
}

/* Runs in a child without root's override: returns an exit code (0 = pass). */
static int read_only_child(const char *path)
{
    char err[256], log_path[] = "/tmp/td-block-log-XXXXXX";
    uint8_t buf[BLOCK_SECTOR], expect[BLOCK_SECTOR], text[4096] = { 0 };
    struct block *b;
    int log_fd;

    if (geteuid() == 0 && (setgid(NOBODY) != 0 || setuid(NOBODY) != 0))
        return 77;
    log_fd = mkstemp(log_path);
    if (log_fd < 0 || dup2(log_fd, STDERR_FILENO) < 0)
        return 2;
    b = block_open(path, false, err, sizeof(err));
    if (!b || !block_read_only(b))
        return 3;
    fill_sector(expect, 5);
    if (!block_read(b, 5, 1, buf) || memcmp(buf, expect, sizeof(buf)) != 0)
        return 4;
    if (block_write(b, 5, 1, buf) || block_write(b, 6, 1, buf) || !block_flush(b))
        return 5;
    block_close(b);
    /* the refused write is reported once, naming the file */
    if (pread(log_fd, text, sizeof(text) - 1, 0) <= 0 || !strstr((char *)text, path))
        return 6;
    if (strstr(strstr((char *)text, "read-only") + 1, "read-only"))
        return 7;
    unlink(log_path);
    return 0;
}

/* An in-memory image: a private copy of the caller's bytes, the same
 * read/write/flush contract, range checks and read-only refusal. */
static void test_memory(void **state)
{
    static uint8_t data[NSECT * BLOCK_SECTOR], copy[NSECT * BLOCK_SECTOR];
    uint8_t buf[3 * BLOCK_SECTOR], expect[BLOCK_SECTOR];
    char err[256];
    struct block *b;

    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = pattern(i / BLOCK_SECTOR, (unsigned)(i % BLOCK_SECTOR));
    memcpy(copy, data, sizeof(data));
    b = block_open_memory(data, sizeof(data), false, "test image", err, sizeof(err));
    assert_non_null(b);
    assert_int_equal(block_size(b), sizeof(data));
    assert_false(block_read_only(b));
    assert_string_equal(block_path(b), "test image");
    assert_true(block_read(b, 5, 3, buf));
    for (unsigned s = 0; s < 3; s++) {
        fill_sector(expect, 5 + s);
        assert_memory_equal(buf + s * BLOCK_SECTOR, expect, BLOCK_SECTOR);
    }
    memset(buf, 0x5A, sizeof(buf));
    assert_true(block_write(b, NSECT - 3, 3, buf));
    assert_true(block_flush(b));
    /* the caller's buffer is not written */
    assert_memory_equal(data, copy, sizeof(data));
    memset(buf, 0, sizeof(buf));
    assert_true(block_read(b, NSECT - 2, 1, buf));
    memset(expect, 0x5A, sizeof(expect));
    assert_memory_equal(buf, expect, BLOCK_SECTOR);
    assert_true(block_read(b, NSECT - 4, 1, buf));
    fill_sector(expect, NSECT - 4);
    assert_memory_equal(buf, expect, BLOCK_SECTOR);
    assert_false(block_read(b, NSECT - 1, 2, buf));
    assert_false(block_write(b, NSECT, 1, buf));
    assert_false(block_read(b, UINT64_MAX, 1, buf));
    /* nor kept */
    memset(data, 0, sizeof(data));
    assert_true(block_read(b, 5, 1, buf));
    fill_sector(expect, 5);
    assert_memory_equal(buf, expect, BLOCK_SECTOR);
    block_close(b);

    b = block_open_memory(copy, sizeof(copy), true, "rom image", err, sizeof(err));
    assert_non_null(b);
    assert_true(block_read_only(b));
    memset(buf, 0xEE, sizeof(buf));
    assert_false(block_write(b, 0, 1, buf));
    assert_true(block_flush(b));
    assert_true(block_read(b, 0, 1, buf));
    fill_sector(expect, 0);
    assert_memory_equal(buf, expect, BLOCK_SECTOR);
    block_close(b);
}

/* Sizes that are not whole sectors are refused with a message naming the image. */
static void test_memory_errors(void **state)
{
    static const uint8_t data[2 * BLOCK_SECTOR];
    char err[256];

    assert_null(block_open_memory(data, 0, false, "empty", err, sizeof(err)));
    assert_non_null(strstr(err, "empty"));
    assert_null(block_open_memory(data, BLOCK_SECTOR + 1, true, "odd", err, sizeof(err)));
    assert_non_null(strstr(err, "odd"));
    assert_non_null(strstr(err, "513"));
}

/* Root opens a 0444 file for writing anyway, so the read-only fallback is
 * exercised as user nobody in a child; skipped where setuid is not allowed. */
static void test_read_only(void **state)
{
    char path[64];
    static uint8_t before[NSECT * BLOCK_SECTOR], after[NSECT * BLOCK_SECTOR];
    pid_t pid;
    int status;

    make_image(path, sizeof(path), sizeof(before));
    read_file(path, before, sizeof(before));
    assert_int_equal(chmod(path, 0444), 0);
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(read_only_child(path));
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    read_file(path, after, sizeof(after));
    unlink(path);
    if (WEXITSTATUS(status) == 77)
        skip();
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_memory_equal(before, after, sizeof(before));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_write_flush),
        cmocka_unit_test(test_range),
        cmocka_unit_test(test_snapshot),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_read_only),
        cmocka_unit_test(test_memory),
        cmocka_unit_test(test_memory_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
