/* INT 19h for a Multiboot kernel (-kernel), as QEMU's multiboot option ROM:
 * load its segments, write the GDT and information area in low memory and
 * enter the kernel in 32-bit protected mode with the machine state of the
 * Multiboot Specification 0.6.96 section 3.2. The image checks are multiboot.c's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bios_internal.h"
#include "bus.h"
#include "desc.h"

/* A kernel file larger than this is refused before reading it. */
enum { KERNEL_FILE_MAX = 1u << 30 };

static bool read_kernel(struct bios *b, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    long size;

    if (!f) {
        snprintf(err, errlen, "cannot open kernel '%s': %s", path, strerror(errno));
        return false;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        snprintf(err, errlen, "cannot read kernel '%s': %s", path, strerror(errno));
        goto fail_close;
    }
    if ((unsigned long)size > KERNEL_FILE_MAX) {
        snprintf(err, errlen, "kernel '%s' is larger than 1 GiB", path);
        goto fail_close;
    }
    b->kernel_size = (size_t)size;
    b->kernel = malloc(b->kernel_size ? b->kernel_size : 1);
    if (!b->kernel) {
        snprintf(err, errlen, "out of memory reading kernel '%s'", path);
        goto fail_close;
    }
    if (fread(b->kernel, 1, b->kernel_size, f) != b->kernel_size) {
        snprintf(err, errlen, "cannot read kernel '%s': %s", path,
                 ferror(f) ? strerror(errno) : "the file shrank while being read");
        goto fail_close;
    }
    fclose(f);
    return true;
fail_close:
    fclose(f);
    return false;
}

/* GRUB's convention: the command line is the kernel's path, then the arguments. */
static bool make_cmdline(struct bios *b, char *err, size_t errlen)
{
    const char *path = b->cfg.kernel, *args = b->cfg.kernel_cmdline;
    size_t len = strlen(path) + (args ? 1 + strlen(args) : 0);

    if (len >= MB_CMDLINE_MAX) {
        snprintf(err, errlen, "the kernel command line is %zu bytes: at most %d fit", len,
                 MB_CMDLINE_MAX - 1);
        return false;
    }
    b->mb_cmdline = malloc(len + 1);
    if (!b->mb_cmdline) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    snprintf(b->mb_cmdline, len + 1, "%s%s%s", path, args ? " " : "", args ? args : "");
    return true;
}

bool bios_multiboot_init(struct bios *b, char *err, size_t errlen)
{
    char why[256];

    if (!b->cfg.kernel)
        return true;
    if (!read_kernel(b, b->cfg.kernel, err, errlen) || !make_cmdline(b, err, errlen))
        return false;
    if (!mb_parse(b->kernel, b->kernel_size, b->cfg.ram_size, &b->mb, why, sizeof(why))) {
        snprintf(err, errlen, "kernel '%s': %s", b->cfg.kernel, why);
        return false;
    }
    return true;
}

void bios_multiboot_free(struct bios *b)
{
    free(b->kernel);
    free(b->mb_cmdline);
}

static bool load_segment(struct bios *b, const struct mb_segment *s)
{
    static const uint8_t zeros[4096];
    uint32_t done = s->filesz;

    if (!bus_write_ram(b->cfg.bus, s->paddr, b->kernel + s->offset, s->filesz))
        return false;
    while (done < s->memsz) {
        uint32_t n = s->memsz - done < sizeof(zeros) ? s->memsz - done : sizeof(zeros);
        if (!bus_write_ram(b->cfg.bus, s->paddr + done, zeros, n))
            return false;
        done += n;
    }
    return true;
}

static void gdt_entry(const uint8_t *area, uint16_t sel, struct desc *d)
{
    const uint8_t *p = area + MB_AREA_GDT + sel;

    d->lo = p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
    d->hi = p[4] | p[5] << 8 | p[6] << 16 | (uint32_t)p[7] << 24;
}

/* Spec 3.2: CS a 32-bit read/execute segment with offset 0 and limit FFFFFFFFh,
 * DS/ES/FS/GS/SS read/write with the same range, CR0.PE = 1 and PG = 0,
 * EFLAGS.VM = 0 and IF = 0, EAX the magic, EBX the info's physical address.
 * The segment caches are filled from the GDT in memory, which the kernel may
 * keep using. ESP (undefined by the spec) is the top of the area's stack. */
static void enter_kernel(struct bios *b, const uint8_t *area)
{
    struct cpu *cpu = b->cpu;
    struct desc code, data;

    gdt_entry(area, MB_SEL_CODE, &code);
    gdt_entry(area, MB_SEL_DATA, &data);
    cpu->gdtr = (struct dtr){.base = b->mb.area + MB_AREA_GDT, .limit = MB_GDT_LIMIT};
    cpu->cr[0] = (cpu->cr[0] | CR0_PE) & ~(uint32_t)CR0_PG;
    mmu_tlb_flush(&cpu->tlb, false);
    for (int s = 0; s < SEG_COUNT; s++)
        seg_from_desc(&cpu->seg[s], s == SEG_CS ? MB_SEL_CODE : MB_SEL_DATA,
                      s == SEG_CS ? &code : &data);
    cpu_set_eflags(cpu, EFLAGS_FIXED1, 0xFFFFFFFFu);
    memset(cpu->regs, 0, sizeof(cpu->regs));
    cpu->regs[R_EAX] = MB_BOOT_MAGIC;
    cpu->regs[R_EBX] = b->mb.area + MB_AREA_INFO;
    cpu->regs[R_ESP] = b->mb.area + MB_AREA_SIZE;
    cpu->eip = b->mb.entry;
    cpu->inhibit_irq = false;
    cpu_update_mode(cpu);
}

/* Loading happens here, not at machine creation: POST has run and used low
 * memory by now, and a reset loads the kernel afresh. */
void bios_multiboot_boot(struct bios *b)
{
    uint8_t area[MB_AREA_STACK];
    bool ok = true;

    bios_video_puts(b, "Booting Multiboot kernel...\r\n");
    for (unsigned i = 0; i < b->mb.nseg; i++)
        ok = ok && load_segment(b, &b->mb.seg[i]);
    mb_build_area(&b->mb, b->cfg.ram_size, b->mb_cmdline, area);
    ok = ok && bus_write_ram(b->cfg.bus, b->mb.area, area, sizeof(area));
    if (!ok) {
        /* mb_parse checked every range against RAM: this cannot happen */
        bios_video_puts(b, "Boot failed: Multiboot kernel: does not fit in RAM\r\n");
        return;
    }
    bios_a20_set(b, true);
    log_printf(b->cfg.log, LOG_TRAP, "bios: multiboot entry %08Xh, info at %08Xh\n",
               b->mb.entry, b->mb.area + MB_AREA_INFO);
    enter_kernel(b, area);
}
