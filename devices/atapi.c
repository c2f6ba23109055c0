/* ATAPI CD-ROM packet commands (SFF-8020i; MMC-2 for READ TOC, MODE SENSE
 * and GET CONFIGURATION; SPC-2 for sense data) over an ISO image. The medium is
 * always present: no media change, no unit attention. */
#include "atapi.h"

#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "log.h"

enum atapi_cmd {
    ATAPI_CMD_TEST_UNIT_READY = 0x00,
    ATAPI_CMD_REQUEST_SENSE = 0x03,
    ATAPI_CMD_INQUIRY = 0x12,
    ATAPI_CMD_START_STOP_UNIT = 0x1B,
    ATAPI_CMD_PREVENT_ALLOW = 0x1E,
    ATAPI_CMD_READ_CAPACITY = 0x25,
    ATAPI_CMD_READ_10 = 0x28,
    ATAPI_CMD_READ_TOC = 0x43,
    ATAPI_CMD_GET_CONFIGURATION = 0x46,
    ATAPI_CMD_MODE_SENSE_10 = 0x5A,
    ATAPI_CMD_READ_12 = 0xA8,
};

/* Additional sense codes (SPC-2) */
enum atapi_asc {
    ATAPI_ASC_NONE = 0x00,
    ATAPI_ASC_UNRECOVERED_READ = 0x11,
    ATAPI_ASC_INVALID_OPCODE = 0x20,
    ATAPI_ASC_LBA_OUT_OF_RANGE = 0x21,
    ATAPI_ASC_INVALID_FIELD = 0x24,
    ATAPI_ASC_SAVING_UNSUPPORTED = 0x39,
    ATAPI_ASC_NO_MEDIUM = 0x3A,
};

enum {
    ATAPI_REPLY_MAX = 64,
    /* block.h sectors per CD sector */
    ATAPI_BLOCKS = ATAPI_SECTOR / BLOCK_SECTOR,
    /* MMC-2: lead-in of 2 seconds before LBA 0 */
    ATAPI_MSF_OFFSET = 150,
    /* MMC-2 profile 0008h: CD-ROM */
    ATAPI_PROFILE_CDROM = 0x0008,
    /* READ TOC format 0 ADR/control: ADR 1 (Q sub-channel position), control 4 (data track) */
    ATAPI_TOC_ADR_CONTROL = 0x14,
    ATAPI_TOC_LEAD_OUT = 0xAA,
};

struct atapi {
    struct block *iso;
    struct log *log;
    /* medium size in 2048-byte sectors */
    uint64_t sectors;
    uint8_t sense_key;
    uint8_t asc;
    bool locked;
    /* data phase of a reply built in memory */
    uint8_t reply[ATAPI_REPLY_MAX];
    uint32_t reply_len;
    uint32_t reply_pos;
    /* data phase of a READ: next sector to fetch; sector buffer and position in it */
    bool reading;
    uint64_t read_lba;
    uint8_t sector[ATAPI_SECTOR];
    uint32_t sector_pos;
    /* opcodes already logged as unsupported */
    uint8_t noted[32];
    bool eject_noted;
};

typedef bool atapi_cmd_fn(struct atapi *a, const uint8_t *cdb, uint64_t *length);

static uint16_t get_be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    put_be16(p, v >> 16);
    put_be16(p + 2, v);
}

static bool atapi_fail(struct atapi *a, uint8_t key, uint8_t asc)
{
    a->sense_key = key;
    a->asc = asc;
    return false;
}

/* The reply is len bytes of a->reply, cut to the host's allocation length. */
static bool atapi_reply(struct atapi *a, uint32_t len, uint32_t alloc, uint64_t *length)
{
    a->reply_len = len < alloc ? len : alloc;
    a->reply_pos = 0;
    *length = a->reply_len;
    return true;
}

static bool atapi_test_unit_ready(struct atapi *a, const uint8_t *cdb, uint64_t *length)
{
    return true;
}

/* SPC-2 REQUEST SENSE: fixed-format sense data; reporting it clears it. */
static bool atapi_request_sense(struct atapi *a, const uint8_t *cdb, uint64_t *length)
{
    uint8_t *r = a->reply;

    memset(r, 0, 18);
    r[0] = 0x70;
    r[2] = a->sense_key;
    r[7] = 10;
    r[12] = a->asc;
    a->sense_key = ATAPI_SENSE_NONE;
    a->asc = ATAPI_ASC_NONE;
    return atapi_reply(a, 18, cdb[4], length);
}

/* SPC-2 standard INQUIRY data; SFF-8020i: version 0, response format 1,
 * ATAPI version 2 in the high nibble. */
static bool atapi_inquiry(struct atapi *a, const uint8_t *cdb, uint64_t *length)
{
    uint8_t *r = a->reply;

    if (cdb[1] & 1)
        return atapi_fail(a, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_FIELD);
    memset(r, 0, 36);
    r[0] = 0x05;
    r[1] = 0x80;
    r[3] = 0x21;
    r[4] = 36 - 5;
    memcpy(r + 8, "TRAPDOORCD-ROM          1.0 ", 28);
    return atapi_reply(a, 36, get_be16(cdb + 3), length);
}

static bool atapi_start_stop_unit(struct atapi *a, const uint8_t *cdb, uint64_t *length)
{
    if ((cdb[4] & 2) && !a->eject_noted) {
        a->eject_noted = true;
        log_printf(a->log, LOG_UNIMP, "atapi: eject ignored, the medium stays (logged once)\n");
    }
    return true;
}

static bool atapi_prevent_allow(struct atapi *a, const uint8_t *cdb, uint64_t *length)
{
    a->locked = cdb[4] & 1;
    return true;
}

static bool atapi_read_capacity(struct atapi *a, const uint8_t *cdb, uint64_t *length)
{
    uint64_t last = a->sectors - 1;

    if (a->sectors == 0)
        return atapi_fail(a, ATAPI_SENSE_NOT_READY, ATAPI_ASC_NO_MEDIUM);
    put_be32(a->reply, last > UINT32_MAX ? UINT32_MAX : (uint32_t)last);
    put_be32(a->reply + 4, ATAPI_SECTOR);
    return atapi_reply(a, 8, 8, length);
}

static bool atapi_start_read(struct atapi *a, uint32_t lba, uint32_t count, uint64_t *length)
{
    if ((uint64_t)lba + count > a->sectors)
        return atapi_fail(a, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_LBA_OUT_OF_RANGE);
    a->reading = true;
    a->read_lba = lba;
    a->sector_pos = ATAPI_SECTOR;
    *length = (uint64_t)count * ATAPI_SECTOR;
    return true;
}

static bool atapi_read_10(struct atapi *a, const uint8_t *cdb, uint64_t *length)
{
    return atapi_start_read(a, get_be32(cdb + 2), get_be16(cdb + 7), length);
}

static bool atapi_read_12(struct atapi *a, const uint8_t *cdb, uint64_t *length)
{
    return atapi_start_read(a, get_be32(cdb + 2), get_be32(cdb + 6), length);
}

/* A track start address, as LBA or as minute/second/frame (MMC-2). */
static void atapi_put_address(uint8_t *p, uint64_t lba, bool msf)
{
    uint64_t frames = lba + ATAPI_MSF_OFFSET;

    if (!msf) {
        put_be32(p, (uint32_t)lba);
        return;
    }
    p[0] = 0;
    p[1] = (uint8_t)(frames / (75 * 60));
    p[2] = (uint8_t)(frames / 75 % 60);
    p[3] = (uint8_t)(frames % 75);
}

static void atapi_put_track(uint8_t *p, uint8_t track, uint64_t lba, bool msf)
{
    p[0] = 0;
    p[1] = ATAPI_TOC_ADR_CONTROL;
    p[2] = track;
    p[3] = 0;
    atapi_put_address(p + 4, lba, msf);
}

/* MMC-2 READ TOC: format 0 (TOC) and 1 (session info) of a one-track data disc.
 * Old ATAPI hosts put the format in bits 7:6 of byte 9 (SFF-8020i READ TOC). */
static bool atapi_read_toc(struct atapi *a, const uint8_t *cdb, uint64_t *length)
{
    bool msf = cdb[1] & 2;
    unsigned format = (cdb[2] & 0x0F) ? (cdb[2] & 0x0F) : (unsigned)(cdb[9] >> 6);
    uint8_t start = cdb[6];
    uint8_t *p = a->reply + 4;

    if (format > 1 || (format == 0 && start > 1 && start != ATAPI_TOC_LEAD_OUT))
        return atapi_fail(a, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_FIELD);
    a->reply[2] = 1;
    a->reply[3] = 1;
    if (format == 1 || start <= 1) {
        atapi_put_track(p, 1, 0, msf);
        p += 8;
    }
    if (format == 0) {
        atapi_put_track(p, ATAPI_TOC_LEAD_OUT, a->sectors, msf);
        p += 8;
    }
    put_be16(a->reply, (uint32_t)(p - a->reply - 2));
    return atapi_reply(a, (uint32_t)(p - a->reply), get_be16(cdb + 7), length);
}

/* MMC-2 mode page 01h, read error recovery parameters: retry count 5. */
static const uint8_t atapi_page_error_recovery[8] = { 0x01, 0x06, 0x00, 0x05 };

/* MMC-2 mode page 2Ah, CD capabilities: lock and eject supported, tray loader, 16x
 * (2822 KB/s), 512 KB buffer. Byte 6 bit 1 (locked) is filled in. */
static const uint8_t atapi_page_capabilities[20] = {
    0x2A, 0x12, 0x00, 0x00, 0x00, 0x00, 0x29, 0x00, 0x0B, 0x06,
    0x00, 0x00, 0x02, 0x00, 0x0B, 0x06,
};

/* Append page to p; changeable values (PC 1) are all zero: nothing is settable. */
static uint8_t *atapi_put_page(uint8_t *p, const uint8_t *page, size_t len, bool changeable)
{
    memset(p, 0, len);
    memcpy(p, page, changeable ? 2 : len);
    return p + len;
}

static bool atapi_mode_sense_10(struct atapi *a, const uint8_t *cdb, uint64_t *length)
{
    unsigned control = cdb[2] >> 6, page = cdb[2] & 0x3F;
    bool changeable = control == 1;
    uint8_t *p = a->reply + 8;

    if (control == 3)
        return atapi_fail(a, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_SAVING_UNSUPPORTED);
    if (page != 0x01 && page != 0x2A && page != 0x3F)
        return atapi_fail(a, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_FIELD);
    memset(a->reply, 0, 8);
    /* medium type 01h: 120 mm CD-ROM, data only (SFF-8020i table 90) */
    a->reply[2] = 0x01;
    if (page == 0x01 || page == 0x3F)
        p = atapi_put_page(p, atapi_page_error_recovery, sizeof(atapi_page_error_recovery),
                           changeable);
    if (page == 0x2A || page == 0x3F) {
        uint8_t *caps = p;

        p = atapi_put_page(p, atapi_page_capabilities, sizeof(atapi_page_capabilities),
                           changeable);
        if (!changeable && a->locked)
            caps[6] |= 0x02;
    }
    put_be16(a->reply, (uint32_t)(p - a->reply - 2));
    return atapi_reply(a, (uint32_t)(p - a->reply), get_be16(cdb + 7), length);
}

/* MMC-2 GET CONFIGURATION: feature 0000h (profile list: CD-ROM, current) and 0001h (core,
 * physical interface ATAPI), both persistent and current. */
static const uint8_t atapi_features[2][8] = {
    { 0x00, 0x00, 0x03, 0x04, 0x00, 0x08, 0x01, 0x00 },
    { 0x00, 0x01, 0x03, 0x04, 0x00, 0x00, 0x00, 0x02 },
};

static bool atapi_get_configuration(struct atapi *a, const uint8_t *cdb, uint64_t *length)
{
    unsigned rt = cdb[1] & 3, start = get_be16(cdb + 2);
    uint8_t *p = a->reply + 8;

    if (rt == 3)
        return atapi_fail(a, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_FIELD);
    memset(a->reply, 0, 8);
    put_be16(a->reply + 6, ATAPI_PROFILE_CDROM);
    for (unsigned f = 0; f < 2; f++) {
        if (rt == 2 ? f != start : f < start)
            continue;
        memcpy(p, atapi_features[f], 8);
        p += 8;
    }
    put_be32(a->reply, (uint32_t)(p - a->reply - 4));
    return atapi_reply(a, (uint32_t)(p - a->reply), get_be16(cdb + 7), length);
}

static atapi_cmd_fn *const atapi_commands[256] = {
    [ATAPI_CMD_TEST_UNIT_READY] = atapi_test_unit_ready,
    [ATAPI_CMD_REQUEST_SENSE] = atapi_request_sense,
    [ATAPI_CMD_INQUIRY] = atapi_inquiry,
    [ATAPI_CMD_START_STOP_UNIT] = atapi_start_stop_unit,
    [ATAPI_CMD_PREVENT_ALLOW] = atapi_prevent_allow,
    [ATAPI_CMD_READ_CAPACITY] = atapi_read_capacity,
    [ATAPI_CMD_READ_10] = atapi_read_10,
    [ATAPI_CMD_READ_TOC] = atapi_read_toc,
    [ATAPI_CMD_GET_CONFIGURATION] = atapi_get_configuration,
    [ATAPI_CMD_MODE_SENSE_10] = atapi_mode_sense_10,
    [ATAPI_CMD_READ_12] = atapi_read_12,
};

struct atapi *atapi_create(struct block *iso, struct log *log)
{
    struct atapi *a = calloc(1, sizeof(*a));

    if (!a)
        return NULL;
    a->iso = iso;
    a->log = log;
    a->sectors = block_size(iso) / ATAPI_SECTOR;
    atapi_reset(a, true);
    return a;
}

void atapi_destroy(struct atapi *a)
{
    free(a);
}

void atapi_reset(struct atapi *a, bool power_on)
{
    a->sense_key = ATAPI_SENSE_NONE;
    a->asc = ATAPI_ASC_NONE;
    a->locked = false;
    a->reply_len = a->reply_pos = 0;
    a->reading = false;
}

static void atapi_note_opcode(struct atapi *a, uint8_t op)
{
    if (a->noted[op >> 3] & (1u << (op & 7)))
        return;
    a->noted[op >> 3] |= (uint8_t)(1u << (op & 7));
    log_printf(a->log, LOG_UNIMP, "atapi: unsupported packet command 0x%02x (logged once)\n", op);
}

bool atapi_command(struct atapi *a, const uint8_t packet[ATAPI_PACKET_SIZE], uint64_t *length)
{
    atapi_cmd_fn *fn = atapi_commands[packet[0]];

    *length = 0;
    a->reply_len = a->reply_pos = 0;
    a->reading = false;
    if (packet[0] != ATAPI_CMD_REQUEST_SENSE) {
        a->sense_key = ATAPI_SENSE_NONE;
        a->asc = ATAPI_ASC_NONE;
    }
    if (!fn) {
        atapi_note_opcode(a, packet[0]);
        return atapi_fail(a, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_OPCODE);
    }
    return fn(a, packet, length);
}

/* Whole sectors straight to buf when the sector buffer is empty, else through it. */
static bool atapi_read_sectors(struct atapi *a, uint8_t *buf, uint32_t len)
{
    while (len > 0) {
        uint32_t n;

        if (a->sector_pos == ATAPI_SECTOR && len >= ATAPI_SECTOR) {
            n = len / ATAPI_SECTOR;
            if (!block_read(a->iso, a->read_lba * ATAPI_BLOCKS, n * ATAPI_BLOCKS, buf))
                return atapi_fail(a, ATAPI_SENSE_MEDIUM_ERROR, ATAPI_ASC_UNRECOVERED_READ);
            a->read_lba += n;
            n *= ATAPI_SECTOR;
        } else {
            if (a->sector_pos == ATAPI_SECTOR) {
                if (!block_read(a->iso, a->read_lba * ATAPI_BLOCKS, ATAPI_BLOCKS, a->sector))
                    return atapi_fail(a, ATAPI_SENSE_MEDIUM_ERROR, ATAPI_ASC_UNRECOVERED_READ);
                a->read_lba++;
                a->sector_pos = 0;
            }
            n = ATAPI_SECTOR - a->sector_pos;
            n = n < len ? n : len;
            memcpy(buf, a->sector + a->sector_pos, n);
            a->sector_pos += n;
        }
        buf += n;
        len -= n;
    }
    return true;
}

bool atapi_read_data(struct atapi *a, uint8_t *buf, uint32_t len)
{
    uint32_t left = a->reply_len - a->reply_pos;

    if (a->reading)
        return atapi_read_sectors(a, buf, len);
    memcpy(buf, a->reply + a->reply_pos, len < left ? len : left);
    a->reply_pos += len < left ? len : left;
    return true;
}

enum atapi_sense_key atapi_sense_key(const struct atapi *a)
{
    return (enum atapi_sense_key)a->sense_key;
}
