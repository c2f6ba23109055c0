/* 82077AA floppy controller internals shared by fdc82077.c (registers, FIFO
 * phases, reset, drives and media) and fdc82077_cmd.c (the commands): register
 * and status bits of the 82077AA datasheet (290166) and the controller state. */
#ifndef TD_FDC82077_INTERNAL_H
#define TD_FDC82077_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "block.h"
#include "irq.h"

struct dma8237;
struct log;

/* Register and status bits (82077AA datasheet, section 2 and table 5-1). */
enum { FDC_DOR_DSEL = 0x03, FDC_DOR_NRESET = 0x04, FDC_DOR_DMAGATE = 0x08 };
enum { FDC_MSR_RQM = 0x80, FDC_MSR_DIO = 0x40, FDC_MSR_CB = 0x10 };
enum { FDC_DSR_SWRESET = 0x80, FDC_RATE_MASK = 0x03, FDC_DIR_DSKCHG = 0x80 };
enum { FDC_CMD_MT = 0x80, FDC_CMD_MFM = 0x40, FDC_SEEK_RELATIVE = 0x80, FDC_SEEK_DIR_IN = 0x40 };
enum {
    FDC_ST0_IC_ABNORMAL = 0x40, FDC_ST0_IC_INVALID = 0x80, FDC_ST0_IC_POLL = 0xC0,
    FDC_ST0_SE = 0x20, FDC_ST0_EC = 0x10, FDC_ST0_NR = 0x08,
};
enum {
    FDC_ST1_EN = 0x80, FDC_ST1_DE = 0x20, FDC_ST1_OR = 0x10, FDC_ST1_ND = 0x04,
    FDC_ST1_NW = 0x02, FDC_ST1_MA = 0x01,
};
enum { FDC_ST2_DD = 0x20, FDC_ST2_WC = 0x10, FDC_ST2_BC = 0x02 };
enum { FDC_ST3_WP = 0x40, FDC_ST3_RDY = 0x20, FDC_ST3_T0 = 0x10, FDC_ST3_TS = 0x08 };
/* CONFIGURE byte 2 (POLL, bit 4, has no effect here: drive status never changes) */
enum { FDC_CONF_EIS = 0x40, FDC_CONF_EFIFO = 0x20, FDC_CONF_FIFOTHR = 0x0F };
enum { FDC_PERP_OW = 0x80, FDC_SPEC_ND = 0x01, FDC_VERSION_82077 = 0x90 };
/* N = 2: the 512-byte sectors every PC format uses */
enum { FDC_SECTOR_N = 2, FDC_MAX_DRIVES = 4 };

/* Data rate codes of DSR/CCR bits 1-0, as bits of fdc_format.rates. */
enum { RATE_500K = 1u << 0, RATE_300K = 1u << 1, RATE_250K = 1u << 2, RATE_1M = 1u << 3 };

enum {
    FDC_NOTE_PHASE = 1u << 0, FDC_NOTE_NDMA = 1u << 1, FDC_NOTE_FORMAT = 1u << 2,
    FDC_NOTE_IO = 1u << 3, FDC_NOTE_INVALID = 1u << 4,
};

struct fdc_format {
    uint32_t size;
    uint8_t cyls, heads, spt;
    /* CMOS register 10h drive type */
    uint8_t cmos_type;
    /* RATE_* codes at which the medium reads (5.25" DD: 360K or 1.2M drive) */
    uint8_t rates;
};

struct fdc_drive {
    struct block *blk;
    const struct fdc_format *fmt;
    /* head position, which is also the controller's PCN */
    uint8_t cyl;
    /* rotation: index of the next sector ID to pass under the head */
    uint8_t next_sector;
    /* DSKCHG: set on media change, cleared by a step with a disk in */
    bool changed;
    /* seek/recalibrate ended: SENSE INTERRUPT STATUS owed (MSR drive busy) */
    bool seek_pending;
    uint8_t seek_st0;
};

struct fdc_cmd;

struct fdc82077 {
    struct dma8237 *dma;
    struct irq_line irq;
    struct log *log;
    struct fdc_drive drive[FDC_MAX_DRIVES];
    uint8_t dor, tdr;
    /* data rate code (DSR/CCR bits 1-0) */
    uint8_t rate;
    /* SPECIFY, CONFIGURE, PERPENDICULAR MODE and LOCK state, as DUMPREG shows it */
    uint8_t specify[2], config, pretrk, perp, last_eot;
    bool lock;
    /* command phase: the command being received and its bytes so far */
    const struct fdc_cmd *cmd;
    uint8_t cmd_bytes[9];
    unsigned cmd_pos;
    bool result_phase;
    uint8_t result[10];
    unsigned res_len, res_pos;
    /* INT from a result phase, cleared by reading the first result byte */
    bool result_irq;
    /* drives whose ready-change status is owed after a reset */
    uint8_t reset_poll;
    /* the reset's interrupt, cleared by the first SENSE INTERRUPT STATUS */
    bool poll_irq;
    bool irq_level;
    uint32_t noted;
    uint8_t buf[BLOCK_SECTOR];
};

struct fdc_cmd {
    uint8_t opcode;
    /* bits of the first byte that select the command (the rest are MT/MFM/SK) */
    uint8_t mask;
    uint8_t length;
    void (*run)(struct fdc82077 *fdc);
};

/* Log what once per controller (FDC_NOTE_* bit), with the offending value. */
void fdc_note(struct fdc82077 *fdc, uint32_t what, const char *msg, unsigned value);
/* Drive the INT line from the pending interrupt sources. */
void fdc_update_irq(struct fdc82077 *fdc);
/* A new interrupt condition replaces what the reset poll still owed. */
void fdc_new_interrupt(struct fdc82077 *fdc);
/* Enter the result phase with len bytes; irq: with an interrupt, cleared when
 * the first result byte is read. */
void fdc_results(struct fdc82077 *fdc, const uint8_t *bytes, unsigned len, bool irq);
/* Drive ds, or NULL if no such drive is installed. */
struct fdc_drive *fdc_installed(struct fdc82077 *fdc, unsigned ds);

/* The command (fdc82077_cmd.c) whose opcode the first command byte carries;
 * NULL for an invalid command. */
const struct fdc_cmd *fdc_cmd_find(uint8_t first);

#endif
