/* Time services: INT 08h (IRQ 0, the 18.2 Hz tick count at 40:6Ch), INT 1Ah
 * (tick count and the MC146818 real-time clock) and INT 70h (IRQ 8: the RTC's
 * periodic interrupt for INT 15h waits). IBM PC/AT technical reference; RBIL. */
#include "bios_internal.h"
#include "rtc146818.h"

enum {
    /* ticks in a day: 24 h * 3600 s * 1193180 Hz / 65536 */
    TICKS_PER_DAY = 0x1800B0,
    PIT_CONTROL = 0x43,
    PIT_CH0 = 0x40,
    /* channel 0, LSB then MSB, mode 3 (square wave), binary */
    PIT_CH0_MODE3 = 0x36,
    FDC_DOR = 0x3F2,
    /* DOR with the controller running, DMA and IRQ enabled, motors off */
    FDC_DOR_IDLE = 0x0C,
};

void bios_time_post(struct bios *b)
{
    bios_out8(b, PIT_CONTROL, PIT_CH0_MODE3);
    bios_out8(b, PIT_CH0, 0);
    bios_out8(b, PIT_CH0, 0);
    /* 24-hour BCD, no interrupts; reading C and D clears the flags */
    bios_cmos_write(b, RTC_REG_B, RTC_B_24H);
    (void)bios_cmos_read(b, RTC_REG_C);
    (void)bios_cmos_read(b, RTC_REG_D);

    uint8_t h = bios_cmos_read(b, RTC_HOURS), m = bios_cmos_read(b, RTC_MINUTES);
    uint8_t s = bios_cmos_read(b, RTC_SECONDS);
    uint32_t secs = ((h >> 4) * 10u + (h & 15)) * 3600u + ((m >> 4) * 10u + (m & 15)) * 60u +
                    (s >> 4) * 10u + (s & 15);
    /* the tick count of the time of day, as the AT BIOS sets it at POST */
    bios_wr32(b, BDA_SEG, BDA_TICKS, (uint32_t)((uint64_t)secs * 1193180u / 65536u));
}

void bios_int08(struct bios *b)
{
    uint32_t ticks = bios_rd32(b, BDA_SEG, BDA_TICKS) + 1;

    if (ticks >= TICKS_PER_DAY) {
        ticks = 0;
        bios_wr8(b, BDA_SEG, BDA_MIDNIGHT, 1);
    }
    bios_wr32(b, BDA_SEG, BDA_TICKS, ticks);
    uint8_t motor = bios_rd8(b, BDA_SEG, BDA_FDC_MOTOR_TIMEOUT);
    if (motor) {
        bios_wr8(b, BDA_SEG, BDA_FDC_MOTOR_TIMEOUT, (uint8_t)(motor - 1));
        if (motor == 1) {
            bios_wr8(b, BDA_SEG, BDA_FDC_MOTOR, bios_rd8(b, BDA_SEG, BDA_FDC_MOTOR) & 0xF0);
            bios_out8(b, FDC_DOR, FDC_DOR_IDLE);
        }
    }
}

/* ---------------------------------------------------------------- INT 1Ah */

static void rtc_set_begin(struct bios *b)
{
    bios_cmos_write(b, RTC_REG_B, bios_cmos_read(b, RTC_REG_B) | RTC_B_SET);
}

static void rtc_set_end(struct bios *b)
{
    bios_cmos_write(b, RTC_REG_B, bios_cmos_read(b, RTC_REG_B) & ~RTC_B_SET);
}

static void time_get_ticks(struct bios *b)
{
    uint32_t ticks = bios_rd32(b, BDA_SEG, BDA_TICKS);
    bios_set_reg16(b, R_ECX, (uint16_t)(ticks >> 16));
    bios_set_reg16(b, R_EDX, (uint16_t)ticks);
    bios_set_lo(b, R_EAX, bios_rd8(b, BDA_SEG, BDA_MIDNIGHT));
    bios_wr8(b, BDA_SEG, BDA_MIDNIGHT, 0);
    bios_set_cf(b, false);
}

static void time_set_ticks(struct bios *b)
{
    uint32_t ticks = (uint32_t)bios_reg16(b, R_ECX) << 16 | bios_reg16(b, R_EDX);
    bios_wr32(b, BDA_SEG, BDA_TICKS, ticks);
    bios_wr8(b, BDA_SEG, BDA_MIDNIGHT, 0);
    bios_status(b, 0);
}

/* AH=02h: CH hours, CL minutes, DH seconds (BCD), DL daylight saving. */
static void time_get_rtc(struct bios *b)
{
    bios_set_hi(b, R_ECX, bios_cmos_read(b, RTC_HOURS));
    bios_set_lo(b, R_ECX, bios_cmos_read(b, RTC_MINUTES));
    bios_set_hi(b, R_EDX, bios_cmos_read(b, RTC_SECONDS));
    bios_set_lo(b, R_EDX, bios_cmos_read(b, RTC_REG_B) & RTC_B_DSE);
    bios_status(b, 0);
}

static void time_set_rtc(struct bios *b)
{
    rtc_set_begin(b);
    bios_cmos_write(b, RTC_HOURS, bios_hi(b, R_ECX));
    bios_cmos_write(b, RTC_MINUTES, bios_lo(b, R_ECX));
    bios_cmos_write(b, RTC_SECONDS, bios_hi(b, R_EDX));
    uint8_t reg_b = bios_cmos_read(b, RTC_REG_B);
    reg_b = (uint8_t)((reg_b & ~(RTC_B_DSE | RTC_B_DM)) | RTC_B_24H | (bios_lo(b, R_EDX) & 1));
    bios_cmos_write(b, RTC_REG_B, reg_b);
    rtc_set_end(b);
    bios_status(b, 0);
}

/* AH=04h: CH century, CL year, DH month, DL day (BCD). */
static void time_get_date(struct bios *b)
{
    bios_set_hi(b, R_ECX, bios_cmos_read(b, CMOS_CENTURY));
    bios_set_lo(b, R_ECX, bios_cmos_read(b, RTC_YEAR));
    bios_set_hi(b, R_EDX, bios_cmos_read(b, RTC_MONTH));
    bios_set_lo(b, R_EDX, bios_cmos_read(b, RTC_DAY_OF_MONTH));
    bios_status(b, 0);
}

static void time_set_date(struct bios *b)
{
    rtc_set_begin(b);
    bios_cmos_write(b, CMOS_CENTURY, bios_hi(b, R_ECX));
    bios_cmos_write(b, RTC_YEAR, bios_lo(b, R_ECX));
    bios_cmos_write(b, RTC_MONTH, bios_hi(b, R_EDX));
    bios_cmos_write(b, RTC_DAY_OF_MONTH, bios_lo(b, R_EDX));
    rtc_set_end(b);
    bios_status(b, 0);
}

/* AH=06h: alarm at CH:CL:DH (BCD); CF set if one is already set. The alarm
 * interrupt is acknowledged by INT 70h (the user's INT 4Ah is not called). */
static void time_set_alarm(struct bios *b)
{
    uint8_t reg_b = bios_cmos_read(b, RTC_REG_B);

    if (reg_b & RTC_B_AIE) {
        bios_set_cf(b, true);
        return;
    }
    bios_cmos_write(b, RTC_HOURS_ALARM, bios_hi(b, R_ECX));
    bios_cmos_write(b, RTC_MINUTES_ALARM, bios_lo(b, R_ECX));
    bios_cmos_write(b, RTC_SECONDS_ALARM, bios_hi(b, R_EDX));
    bios_cmos_write(b, RTC_REG_B, reg_b | RTC_B_AIE);
    bios_out8(b, 0xA1, bios_in8(b, 0xA1) & ~0x01);
    bios_set_cf(b, false);
}

static void time_cancel_alarm(struct bios *b)
{
    bios_cmos_write(b, RTC_REG_B, bios_cmos_read(b, RTC_REG_B) & ~RTC_B_AIE);
    bios_set_cf(b, false);
}

static bios_service_fn *const int1a_fns[] = {
    time_get_ticks, time_set_ticks, time_get_rtc, time_set_rtc,
    time_get_date, time_set_date, time_set_alarm, time_cancel_alarm,
};

void bios_int1a(struct bios *b)
{
    uint8_t ah = bios_hi(b, R_EAX);

    if (ah < sizeof(int1a_fns) / sizeof(int1a_fns[0]))
        int1a_fns[ah](b);
    else
        bios_unsupported(b, 0x1A);
}

/* IRQ 8: reading register C acknowledges the RTC; a periodic interrupt counts
 * down the INT 15h wait. */
void bios_int70(struct bios *b)
{
    uint8_t flags = bios_cmos_read(b, RTC_REG_C);

    if (flags & RTC_C_PF)
        bios_wait_tick(b);
}
