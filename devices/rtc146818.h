/* Motorola MC146818A real-time clock and CMOS RAM as wired in the PC/AT: index
 * port 70h (bit 7 = NMI disable), data port 71h, IRQ 8, century byte at 32h. */
#ifndef TD_RTC146818_H
#define TD_RTC146818_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "irq.h"

struct ioports;
struct vclock;
struct log;
struct rtc146818;

enum {
    RTC146818_PORT_INDEX = 0x70,
    RTC146818_PORT_DATA = 0x71,
    RTC146818_IRQ = 8,
    RTC146818_CMOS_SIZE = 128,
};

/* Clock and control registers (MC146818A datasheet, "Address Map"). */
enum rtc_index {
    RTC_SECONDS = 0x00,
    RTC_SECONDS_ALARM = 0x01,
    RTC_MINUTES = 0x02,
    RTC_MINUTES_ALARM = 0x03,
    RTC_HOURS = 0x04,
    RTC_HOURS_ALARM = 0x05,
    RTC_DAY_OF_WEEK = 0x06,
    RTC_DAY_OF_MONTH = 0x07,
    RTC_MONTH = 0x08,
    RTC_YEAR = 0x09,
    RTC_REG_A = 0x0A,
    RTC_REG_B = 0x0B,
    RTC_REG_C = 0x0C,
    RTC_REG_D = 0x0D,
    /* first byte of battery-backed RAM */
    RTC_NVRAM_FIRST = 0x0E,
};

/* PC/AT CMOS layout (IBM AT Technical Reference; 30h-35h as Bochs/SeaBIOS use). */
enum cmos_index {
    CMOS_DIAG_STATUS = 0x0E,
    CMOS_SHUTDOWN_STATUS = 0x0F,
    CMOS_FLOPPY_TYPES = 0x10,
    CMOS_DISK_TYPES = 0x12,
    CMOS_EQUIPMENT = 0x14,
    CMOS_BASE_MEM_LO = 0x15,
    CMOS_BASE_MEM_HI = 0x16,
    CMOS_EXT_MEM_LO = 0x17,
    CMOS_EXT_MEM_HI = 0x18,
    CMOS_DISK0_TYPE = 0x19,
    CMOS_DISK1_TYPE = 0x1A,
    /* the checksum covers CMOS_CHECKSUM_FIRST..CMOS_CHECKSUM_LAST */
    CMOS_CHECKSUM_FIRST = 0x10,
    CMOS_CHECKSUM_LAST = 0x2D,
    CMOS_CHECKSUM_HI = 0x2E,
    CMOS_CHECKSUM_LO = 0x2F,
    CMOS_EXT_MEM2_LO = 0x30,
    CMOS_EXT_MEM2_HI = 0x31,
    CMOS_CENTURY = 0x32,
    /* memory above 16 MiB in 64 KiB units */
    CMOS_MEM_16M_LO = 0x34,
    CMOS_MEM_16M_HI = 0x35,
};

/* Register bits. */
enum {
    RTC_A_UIP = 0x80,
    RTC_A_DV_MASK = 0x70,
    /* DV2-DV0 = 010: 32.768 kHz time base, divider running */
    RTC_A_DV_32K = 0x20,
    RTC_A_RS_MASK = 0x0F,
    RTC_B_SET = 0x80,
    RTC_B_PIE = 0x40,
    RTC_B_AIE = 0x20,
    RTC_B_UIE = 0x10,
    RTC_B_SQWE = 0x08,
    RTC_B_DM = 0x04,
    RTC_B_24H = 0x02,
    RTC_B_DSE = 0x01,
    RTC_C_IRQF = 0x80,
    RTC_C_PF = 0x40,
    RTC_C_AF = 0x20,
    RTC_C_UF = 0x10,
    RTC_D_VRT = 0x80,
    /* "don't care" alarm bytes are 11xxxxxx */
    RTC_ALARM_DONT_CARE = 0xC0,
};

/* Register ports 70h-71h. The clock starts at *start (a local broken-down time:
 * tm_sec..tm_year and tm_wday are used), or at the host's local time now when start
 * is NULL, and then advances only with clk: an update cycle every virtual second.
 * The registers start as a BIOS leaves them: A = 26h (32.768 kHz, 1024 Hz periodic
 * rate), B = 02h (24-hour, BCD), D = VRT; the century is stored at CMOS_CENTURY.
 * irq8 is driven high while IRQF is set (the PC inverts the chip's active-low IRQ).
 * log may be NULL. Returns NULL if a port is taken or memory runs out. */
struct rtc146818 *rtc146818_create(struct ioports *io, struct vclock *clk, struct irq_line irq8,
                                   const struct tm *start, struct log *log)
    __attribute__((warn_unused_result));

/* Disarm the timers and free the state (the ports stay registered: destroy after the
 * port space is no longer used). */
void rtc146818_destroy(struct rtc146818 *rtc);

/* The RESET pin (both kinds): clears PIE, AIE, UIE, SQWE and the register C flags,
 * lowering IRQ 8; time, divider and RAM are battery-backed and kept. power_on also
 * clears the board's index/NMI-disable latch. */
void rtc146818_reset(struct rtc146818 *rtc, bool power_on);

/* Battery-backed RAM, index RTC_NVRAM_FIRST..127 (asserted), for the board's setup
 * (memory size, equipment, drive types). Does not touch the checksum. */
void rtc146818_nvram_set(struct rtc146818 *rtc, uint8_t index, uint8_t value);
uint8_t rtc146818_nvram_get(const struct rtc146818 *rtc, uint8_t index);

/* Store the AT checksum (16-bit sum of bytes 10h-2Dh) at 2Eh (high) and 2Fh (low). */
void rtc146818_update_checksum(struct rtc146818 *rtc);

/* Bit 7 of the last write to port 70h: the board masks NMI while it is set. */
bool rtc146818_nmi_disabled(const struct rtc146818 *rtc);

#endif
