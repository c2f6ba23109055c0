/* An ATAPI CD-ROM's packet command layer (SFF-8020i, MMC-2 subset) over an ISO
 * image of 2048-byte sectors. The IDE channel (ide.c) carries the packets and
 * the data over its PIO protocol; this module only interprets them. */
#ifndef TD_ATAPI_H
#define TD_ATAPI_H

#include <stdbool.h>
#include <stdint.h>

struct block;
struct log;

enum {
    ATAPI_PACKET_SIZE = 12,
    ATAPI_SECTOR = 2048,
};

/* SCSI sense keys (SPC-2) */
enum atapi_sense_key {
    ATAPI_SENSE_NONE = 0x0,
    ATAPI_SENSE_NOT_READY = 0x2,
    ATAPI_SENSE_MEDIUM_ERROR = 0x3,
    ATAPI_SENSE_ILLEGAL_REQUEST = 0x5,
    ATAPI_SENSE_UNIT_ATTENTION = 0x6,
};

struct atapi;

/* iso: the medium, always present; the caller keeps ownership and must keep it
 * open while the device lives. Its size is rounded down to whole 2048-byte
 * sectors. log may be NULL. NULL on allocation failure. */
struct atapi *atapi_create(struct block *iso, struct log *log);
void atapi_destroy(struct atapi *a);
/* Clears sense data, the medium lock and any data phase in progress. */
void atapi_reset(struct atapi *a, bool power_on);

/* Execute one 12-byte command packet. true (GOOD status): *length bytes of data
 * follow for the host (0: none), fetched with atapi_read_data. false (CHECK
 * CONDITION): the sense key (atapi_sense_key) says why; REQUEST SENSE reports
 * the details. */
bool atapi_command(struct atapi *a, const uint8_t packet[ATAPI_PACKET_SIZE], uint64_t *length);

/* Copy the next len bytes of the data phase to buf (len at most what is left).
 * false on a medium read error: the sense data is set and the command fails. */
bool atapi_read_data(struct atapi *a, uint8_t *buf, uint32_t len);

/* Sense key of the last command (ATAPI_SENSE_NONE after success). */
enum atapi_sense_key atapi_sense_key(const struct atapi *a);

#endif
