/* The decoder (translate/decode.c) against Capstone on one instruction, and the
 * categories a disagreement must fall into, each saying who is right according to
 * the Intel SDM: length or verdict differences, operand or mnemonic differences. */
#ifndef TD_CAPSTONE_CATEGORIES_H
#define TD_CAPSTONE_CATEGORIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "disasm.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum { PREFIX_BYTES = 11, LEN_CATEGORIES = 15, OPND_CATEGORIES = 6 };

/* the legacy prefixes (SDM vol. 2 2.1.1) */
extern const uint8_t prefix_bytes[PREFIX_BYTES];

struct cmp {
    struct disasm *dis;
    const uint8_t *bytes;
    size_t avail;
    uint32_t pc;
    bool code32;
    enum decode_status st;
    struct x86_insn in;
    bool cs_ok;
    struct disasm_insn cs;
};

/* Decode c->bytes both ways: fills st, in, cs_ok and cs. */
void run_cmp(struct cmp *c);

struct category {
    const char *name;
    /* who is right, per the SDM */
    const char *why;
    /* false: an extension the decoder does not model (left out of "same verdict") */
    bool in_scope;
    bool (*match)(const struct cmp *c);
};

extern const struct category len_categories[LEN_CATEGORIES];

/* The first length category that explains c, or -1. */
int find_len_category(const struct cmp *c);

struct items;

struct opnd_category {
    const char *name;
    const char *why;
    /* the category explains a different mnemonic (else: same mnemonic, other operands) */
    bool mnemonic;
    bool (*match)(const struct cmp *c, const struct items *o, const struct items *s);
};

extern const struct opnd_category opnd_categories[OPND_CATEGORIES];

enum { OPND_UNCLASSIFIED = -1, OPND_SAME = -2, OPND_NOT_COMPARED = -3 };

/* Operands and mnemonic of an instruction whose length both decoders agree on:
 * OPND_NOT_COMPARED (they describe it differently by design), OPND_SAME, the
 * index of the opnd_categories entry that explains the difference, or
 * OPND_UNCLASSIFIED. */
int find_opnd_category(const struct cmp *c);

#endif
