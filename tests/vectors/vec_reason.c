/* Known-failure categories and the first guess at a failing test's category.
 * Facts: SingleStepTests 80286 README.md, metadata.json; Intel SDM vol. 2
 * (LOCK, MOV Sreg, real-address-mode exceptions of each instruction). */
#include "vec_reason.h"
#include "cpu.h"
#include "vec_meta.h"
#include "vec_run.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct vec_category {
    const char *tag;
    const char *header;
};

/* In the order known_failures.txt lists them. */
static const struct vec_category vec_categories[] = {
    { "lock",
      "# lock: LOCK (F0) on an instruction that is not a read-modify-write of memory.\n"
      "# The generator prepends F0 at random (README \"Prefixes\") and a 286 runs the\n"
      "# instruction; a 386 and later raise #UD (SDM vol. 2 LOCK).\n" },
    { "fsgs",
      "# fsgs: MOV r/m,Sreg / MOV Sreg,r/m (8C, 8E) with ModRM reg 4 or 5: #UD on a\n"
      "# 286, FS and GS on a 386 and later (SDM vol. 2 MOV).\n" },
    { "insn-len",
      "# insn-len: an instruction of 11 to 15 bytes (redundant prefixes). The 286\n"
      "# limits instructions to 10 bytes and raises #GP (13); a 386 and later allow\n"
      "# 15 (SDM vol. 2 2.3.11). The \"286\" model (--cpu 286) does the same.\n" },
    { "string-fault",
      "# string-fault: a string instruction hits the segment limit (word at offset\n"
      "# FFFFh). The 286 has already stepped SI/DI (and CX under REP) when it raises\n"
      "# #GP; a 386 and later fault before changing anything (SDM vol. 3 6.5,\n"
      "# faults are restartable). With --cpu 286 only REP cases where the 286's CX\n"
      "# bookkeeping differs remain.\n" },
    { "wrap",
      "# wrap: a word access at offset FFFFh through SS. The 286 raises #GP (13);\n"
      "# a 386 and later raise #SS (12) for the stack segment (SDM vol. 2,\n"
      "# real-address-mode exceptions). The vectors install no #SS handler, so the\n"
      "# run ends elsewhere.\n" },
    { "shift-of",
      "# shift-of: OF after a shift or rotate by a count above 1. The SDM leaves it\n"
      "# undefined; the 286 sets it by a rule of its own, and metadata.json does not\n"
      "# mask it for every form (C0 /3 RCR, C0 /5 SHR).\n" },
    { "fpu",
      "# fpu: ESC (D8-DF) on a 286 with no 287 fitted; trapdoor's model has an x87,\n"
      "# so differences come from the x87 side, not the integer unit.\n" },
    { "undefined",
      "# undefined: a form metadata.json marks undefined (e.g. 8F/C6/C7 with reg != 0);\n"
      "# the 286 raised #UD (6) or did something of its own.\n" },
    { "undocumented",
      "# undocumented: an undocumented form (D6 SALC, shift group /6) whose 286\n"
      "# behaviour the SDM does not define.\n" },
    { "alias",
      "# alias: an alias encoding (82 = 80, F6/F7 /1 = /0) that the 286 accepts.\n" },
    { "unexplained",
      "# unexplained: not investigated yet. Each must become a fix, or move to a\n"
      "# category above with its reason.\n" },
};

enum { VEC_NCATEGORIES = sizeof vec_categories / sizeof vec_categories[0] };

/* One-byte opcodes LOCK may precede when the destination is memory (SDM vol. 2
 * LOCK): ADD/OR/ADC/SBB/AND/SUB/XOR r/m,r; XCHG. Bit n of entry [op >> 5] is op. */
static const uint32_t vec_lockable_rm[8] = {
    [0] = (3u << 0x00) | (3u << 0x08) | (3u << 0x10) | (3u << 0x18),
    [1] = (3u << (0x20 - 0x20)) | (3u << (0x28 - 0x20)) | (3u << (0x30 - 0x20)),
    [4] = 3u << (0x86 - 0x80),
};

static bool lockable(const uint8_t *bytes, size_t nbytes, size_t at)
{
    if (at + 1 >= nbytes)
        return false;
    uint8_t op = bytes[at], modrm = bytes[at + 1];
    unsigned reg = (modrm >> 3) & 7;
    if ((modrm >> 6) == 3)
        return false;
    if (vec_lockable_rm[op >> 5] & (1u << (op & 31)))
        return true;
    if (op >= 0x80 && op <= 0x83)
        return reg != 7;
    if (op == 0xF6 || op == 0xF7)
        return reg == 2 || reg == 3;
    if (op == 0xFE || op == 0xFF)
        return reg <= 1;
    return false;
}

static bool has_lock(const uint8_t *bytes, size_t at)
{
    return memchr(bytes, 0xF0, at) != NULL;
}

/* Does the mismatch list name CS or IP (the CPU ended somewhere else)? */
static bool ended_elsewhere(const struct vec_result *res)
{
    for (unsigned i = 0; i < res->nmismatch && i < VEC_MAX_MISMATCH; i++)
        if (!strcmp(res->mismatch[i].field, "cs") || !strcmp(res->mismatch[i].field, "ip"))
            return true;
    return false;
}

/* Are all differing fields among the space-separated names? */
static bool only_fields(const struct vec_result *res, const char *names)
{
    if (res->nmismatch == 0 || res->nmismatch > VEC_MAX_MISMATCH)
        return false;
    for (unsigned i = 0; i < res->nmismatch; i++) {
        const char *field = res->mismatch[i].field, *at = strstr(names, field);
        size_t n = strlen(field);
        if (!at || (at != names && at[-1] != ' ') || (at[n] != ' ' && at[n] != '\0'))
            return false;
    }
    return true;
}

/* Only FLAGS differs, and only in OF. */
static bool only_of(const struct vec_result *res)
{
    const struct vec_mismatch *mm = &res->mismatch[0];
    return only_fields(res, "flags") &&
           ((mm->expected ^ mm->got) & mm->mask) == (uint32_t)EFLAGS_OF;
}

static bool is_shift(const char *opcode)
{
    static const char shifts[][3] = { "C0", "C1", "D0", "D1", "D2", "D3" };
    for (size_t i = 0; i < sizeof shifts / sizeof shifts[0]; i++)
        if (!strcmp(opcode, shifts[i]))
            return true;
    return false;
}

static bool is_string(const char *opcode)
{
    static const char strings[][3] = { "6C", "6D", "6E", "6F", "A4", "A5", "A6", "A7",
                                       "AA", "AB", "AC", "AD", "AE", "AF" };
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        if (!strcmp(opcode, strings[i]))
            return true;
    return false;
}

void vec_reason_guess(const uint8_t *bytes, size_t nbytes, const struct vec_meta_info *info,
                      int exception, const struct vec_result *res, char *reason, size_t len)
{
    char form[24], what[40];
    const char *first = res->nmismatch ? res->mismatch[0].field : "nothing";
    if (!strcmp(first, "halted"))
        snprintf(what, sizeof what, "never reached HLT");
    else
        snprintf(what, sizeof what, "%s differs", first);
    if (info->reg >= 0)
        snprintf(form, sizeof form, "%s.%d", info->opcode, info->reg);
    else
        snprintf(form, sizeof form, "%s", info->opcode);
    if (has_lock(bytes, info->opcode_at) && !lockable(bytes, nbytes, info->opcode_at))
        snprintf(reason, len, "lock: LOCK %s: #UD on 386+", form);
    else if ((!strcmp(info->opcode, "8C") || !strcmp(info->opcode, "8E")) &&
             info->opcode_at + 1 < nbytes && ((bytes[info->opcode_at + 1] >> 3) & 6) == 4)
        snprintf(reason, len, "fsgs: %s reg %d names FS/GS on 386+", form,
                 (bytes[info->opcode_at + 1] >> 3) & 7);
    else if (exception == 13 && nbytes - 1 > 10)
        snprintf(reason, len, "insn-len: %s: %zu bytes, #GP(13) on 286; %s", form, nbytes - 1,
                 what);
    else if (exception == 13 && is_string(info->opcode))
        snprintf(reason, len, "string-fault: %s: 286 state at #GP(13); %s", form, what);
    else if (exception == 13 && ended_elsewhere(res))
        snprintf(reason, len, "wrap: %s: #GP(13) on 286, #SS on 386+; %s", form, what);
    else if (is_shift(info->opcode) && only_of(res))
        snprintf(reason, len, "shift-of: %s: OF differs", form);
    else if (vec_reason_header(info->status) && strcmp(info->status, "unexplained"))
        snprintf(reason, len, "%s: %s: %s", info->status, form, what);
    else
        snprintf(reason, len, "unexplained: %s: %s", form, what);
}

const char *vec_reason_header(const char *tag)
{
    for (size_t i = 0; i < VEC_NCATEGORIES; i++)
        if (!strcmp(vec_categories[i].tag, tag))
            return vec_categories[i].header;
    return NULL;
}

const char *vec_reason_tag(size_t i)
{
    return i < VEC_NCATEGORIES ? vec_categories[i].tag : NULL;
}

size_t vec_reason_tag_len(const char *reason)
{
    return strcspn(reason, ": \t");
}
