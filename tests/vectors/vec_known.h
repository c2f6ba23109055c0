/* The committed known-failures list (tests/vectors/known_failures.txt): one
 * line "<file> <idx> <reason>" per test expected to fail, grouped in sections
 * by the category tag that starts the reason, each under a comment block that
 * explains the category. A changed list is a regression or a fix. */
#ifndef TD_VEC_KNOWN_H
#define TD_VEC_KNOWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vec_known_entry {
    /* test file name without ".json.gz" ("80.3") and test index */
    char file[16];
    int32_t idx;
    char *reason;
    /* set by the runner: the test ran, and it failed */
    bool ran;
    bool failed;
};

struct vec_known_section {
    /* category tag and the comment block above its entries in the file */
    char *tag;
    char *header;
};

struct vec_known {
    struct vec_known_entry *entries;
    size_t nentries, cap;
    struct vec_known_section *sections;
    size_t nsections;
};

/* A test that fails now, with the reason to record if it is not listed yet. */
struct vec_known_failure {
    char file[16];
    int32_t idx;
    char reason[128];
};

/* Read path into *known (zeroed first). A missing file is an empty list.
 * Returns false after printing a message on a malformed line or no memory. */
bool vec_known_load(struct vec_known *known, const char *path)
    __attribute__((warn_unused_result));
void vec_known_free(struct vec_known *known);

/* The entry for (file, idx), or NULL. */
struct vec_known_entry *vec_known_find(struct vec_known *known, const char *file, int32_t idx);

/* Rewrite path: entries of known that did not run are kept; the failures
 * replace those that ran, keeping the listed reason of a test already listed.
 * Sections keep their file order and comment blocks; new categories get their
 * built-in explanation. Returns false after printing a message on error. */
bool vec_known_write(const struct vec_known *known, const struct vec_known_failure *failures,
                     size_t nfailures, const char *path) __attribute__((warn_unused_result));

#endif
