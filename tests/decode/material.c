/* Test material loaders: files, ELF32 .text (System V gABI), FAT12 program files
 * (Microsoft FAT specification). */
#include "material.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    if (fseek(f, 0, SEEK_END) != 0)
        goto out;
    long n = ftell(f);
    if (n <= 0 || fseek(f, 0, SEEK_SET) != 0)
        goto out;
    buf = malloc((size_t)n);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    *size = (size_t)n;
out:
    fclose(f);
    return buf;
}

uint32_t rd16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

uint32_t rd32(const uint8_t *p)
{
    return rd16(p) | rd16(p + 2) << 16;
}

bool elf_text(const uint8_t *img, size_t size, size_t *off, size_t *len, uint32_t *addr)
{
    if (size < 52 || memcmp(img, "\177ELF", 4) != 0 || img[4] != 1 || rd16(img + 18) != 3)
        return false;
    uint32_t shoff = rd32(img + 32), shentsize = rd16(img + 46), shnum = rd16(img + 48);
    uint32_t shstrndx = rd16(img + 50);
    if (shentsize < 40 || shstrndx >= shnum || shoff + (uint64_t)shnum * shentsize > size)
        return false;
    const uint8_t *strsh = img + shoff + shstrndx * shentsize;
    uint32_t stroff = rd32(strsh + 16);
    for (uint32_t i = 0; i < shnum; i++) {
        const uint8_t *sh = img + shoff + i * shentsize;
        uint32_t name = stroff + rd32(sh);
        if (name + 6 > size || memcmp(img + name, ".text", 6) != 0)
            continue;
        *addr = rd32(sh + 12);
        *off = rd32(sh + 16);
        *len = rd32(sh + 20);
        return *off + (uint64_t)*len <= size;
    }
    return false;
}

/* ---- FAT12 floppy images ---- */

bool fat_open(struct fat *f, const uint8_t *img, size_t size)
{
    if (size < 512)
        return false;
    uint32_t bps = rd16(img + 11), spc = img[13], res = rd16(img + 14), nfats = img[16];
    uint32_t spf = rd16(img + 22);
    f->img = img;
    f->size = size;
    f->cluster_bytes = bps * spc;
    f->fat_off = res * bps;
    f->root_off = (res + nfats * spf) * bps;
    f->root_entries = rd16(img + 17);
    f->data_off = f->root_off + f->root_entries * 32;
    return bps == 512 && spc && f->data_off < size;
}

static unsigned fat_next(const struct fat *f, unsigned cl)
{
    size_t at = f->fat_off + cl * 3 / 2;
    if (at + 2 > f->size)
        return 0xFFF;
    unsigned v = rd16(f->img + at);
    return cl & 1 ? v >> 4 : v & 0xFFF;
}

/* Copy a cluster chain (at most max bytes) into a new buffer. */
static uint8_t *fat_read_chain(const struct fat *f, unsigned cl, size_t max, size_t *len)
{
    uint8_t *buf = malloc(max ? max : 1);
    size_t n = 0;
    for (unsigned guard = 0; buf && cl >= 2 && cl < 0xFF8 && n < max && guard < 4096; guard++) {
        size_t at = f->data_off + (size_t)(cl - 2) * f->cluster_bytes;
        size_t chunk = max - n < f->cluster_bytes ? max - n : f->cluster_bytes;
        if (at + chunk > f->size)
            break;
        memcpy(buf + n, f->img + at, chunk);
        n += chunk;
        cl = fat_next(f, cl);
    }
    *len = n;
    return buf;
}

static bool is_code_file(const uint8_t *ent)
{
    return memcmp(ent + 8, "COM", 3) == 0 || memcmp(ent + 8, "EXE", 3) == 0 ||
           memcmp(ent, "KERNEL  SYS", 11) == 0;
}

struct fat_walk {
    const struct fat *fat;
    void (*code_file)(void *opaque, const uint8_t *buf, size_t len);
    void *opaque;
};

static void fat_walk_dir(struct fat_walk *w, const uint8_t *dir, size_t n, int depth);

static void fat_visit(struct fat_walk *w, const uint8_t *ent, int depth)
{
    unsigned attr = ent[11], cl = rd16(ent + 26);
    size_t len;
    if (attr & 0x10) {
        if (ent[0] == '.' || depth >= 4)
            return;
        uint8_t *sub = fat_read_chain(w->fat, cl, 64 * 1024, &len);
        if (sub)
            fat_walk_dir(w, sub, len / 32, depth + 1);
        free(sub);
    } else if (is_code_file(ent)) {
        uint8_t *buf = fat_read_chain(w->fat, cl, rd32(ent + 28), &len);
        if (buf)
            w->code_file(w->opaque, buf, len);
        free(buf);
    }
}

static void fat_walk_dir(struct fat_walk *w, const uint8_t *dir, size_t n, int depth)
{
    for (size_t i = 0; i < n; i++) {
        const uint8_t *ent = dir + 32 * i;
        if (ent[0] == 0)
            return;
        /* deleted entries, long-name pieces (attr 0x0F) and the volume label */
        if (ent[0] == 0xE5 || (ent[11] & 0x08))
            continue;
        fat_visit(w, ent, depth);
    }
}

void fat_for_each_code_file(const struct fat *f,
                            void (*code_file)(void *opaque, const uint8_t *buf, size_t len),
                            void *opaque)
{
    struct fat_walk w = { .fat = f, .code_file = code_file, .opaque = opaque };
    fat_walk_dir(&w, f->img + f->root_off, f->root_entries, 0);
}
