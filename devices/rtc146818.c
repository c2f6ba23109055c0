/* MC146818A RTC (Motorola datasheet): time registers in the guest's chosen format
 * (BCD/binary, 12/24 h) updated once per virtual second, alarm, periodic and
 * update-ended interrupts, 114 bytes of CMOS RAM; PC/AT port and century conventions. */
#include "rtc146818.h"

#include <assert.h>
#include <stdlib.h>

#include "clock.h"
#include "ioport.h"
#include "log.h"

enum {
    RTC_NS_PER_SEC = 1000000000,
    RTC_HZ = 32768,
    /* datasheet "UIP bit": set at least 244 us (tBUC) before the update cycle */
    RTC_UIP_LEAD_NS = 244000,
    /* datasheet "Divider Control": first update 500 ms after the divider reset ends */
    RTC_FIRST_UPDATE_NS = 500000000,
};

/* Things logged once each. */
enum rtc_note {
    RTC_NOTE_INDEX_READ = 1u << 0,
    RTC_NOTE_READ_ONLY = 1u << 1,
    RTC_NOTE_TIME_BASE = 1u << 2,
    RTC_NOTE_TIMER = 1u << 3,
};

/* Periodic rate of RS3-RS0 with the 32.768 kHz time base, in time-base cycles
 * (datasheet Table 5; 0 = none). */
static const uint16_t rtc_rate_cycles[16] = {
    0, 128, 256, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384,
};

/* The time registers decoded to binary, 24-hour. */
struct rtc_time {
    unsigned sec, min, hour, wday, mday, mon, year, century;
};

struct rtc146818 {
    struct vclock *clk;
    struct irq_line irq;
    struct log *log;
    struct timer update_timer;
    struct timer periodic_timer;
    /* registers 0-0Dh and CMOS RAM; IRQF and UIP are computed, not stored */
    uint8_t cmos[RTC146818_CMOS_SIZE];
    uint8_t index;
    bool nmi_disabled;
    bool irq_level;
    /* divider chain running from the 32.768 kHz time base (DV = 010) */
    bool running;
    /* divider chain origin: periodic ticks at origin + k * period */
    uint64_t origin_ns;
    uint64_t next_update_ns;
    /* PF has been evaluated up to this time */
    uint64_t pf_checked_ns;
    /* DSE: the October fall-back already happened today (datasheet: "only once") */
    bool dse_fell_back;
    uint32_t noted;
};

static void rtc_note(struct rtc146818 *rtc, enum rtc_note note, const char *what)
{
    if (rtc->noted & note)
        return;
    rtc->noted |= note;
    log_printf(rtc->log, LOG_UNIMP, "rtc146818: %s (logged once)\n", what);
}

/* ---- time-base arithmetic: exact 32.768 kHz cycles, no 64-bit overflow ---- */

static uint64_t rtc_cycles_at(const struct rtc146818 *rtc, uint64_t now_ns)
{
    uint64_t d = now_ns - rtc->origin_ns;

    return d / RTC_NS_PER_SEC * RTC_HZ + d % RTC_NS_PER_SEC * RTC_HZ / RTC_NS_PER_SEC;
}

/* First time at which rtc_cycles_at() reaches cycles. */
static uint64_t rtc_ns_of_cycles(const struct rtc146818 *rtc, uint64_t cycles)
{
    uint64_t frac = (cycles % RTC_HZ * RTC_NS_PER_SEC + RTC_HZ - 1) / RTC_HZ;

    return rtc->origin_ns + cycles / RTC_HZ * RTC_NS_PER_SEC + frac;
}

static unsigned rtc_period(const struct rtc146818 *rtc)
{
    return rtc->running ? rtc_rate_cycles[rtc->cmos[RTC_REG_A] & RTC_A_RS_MASK] : 0;
}

/* ---- register format (datasheet Table 3: BCD or binary, 12- or 24-hour) ---- */

static bool rtc_binary(const struct rtc146818 *rtc)
{
    return rtc->cmos[RTC_REG_B] & RTC_B_DM;
}

static unsigned rtc_decode(const struct rtc146818 *rtc, uint8_t v)
{
    return rtc_binary(rtc) ? v : (v >> 4) * 10u + (v & 0x0F);
}

static uint8_t rtc_encode(const struct rtc146818 *rtc, unsigned v)
{
    return (uint8_t)(rtc_binary(rtc) ? v : (v / 10 % 10) << 4 | v % 10);
}

/* Hours: in 12-hour mode 1-12 with bit 7 = PM. */
static unsigned rtc_decode_hour(const struct rtc146818 *rtc, uint8_t v)
{
    if (rtc->cmos[RTC_REG_B] & RTC_B_24H)
        return rtc_decode(rtc, v);
    return rtc_decode(rtc, v & 0x7F) % 12 + (v & 0x80 ? 12 : 0);
}

static uint8_t rtc_encode_hour(const struct rtc146818 *rtc, unsigned hour)
{
    if (rtc->cmos[RTC_REG_B] & RTC_B_24H)
        return rtc_encode(rtc, hour);
    return (uint8_t)(rtc_encode(rtc, hour % 12 ? hour % 12 : 12) | (hour >= 12 ? 0x80 : 0));
}

static void rtc_time_load(const struct rtc146818 *rtc, struct rtc_time *t)
{
    t->sec = rtc_decode(rtc, rtc->cmos[RTC_SECONDS]);
    t->min = rtc_decode(rtc, rtc->cmos[RTC_MINUTES]);
    t->hour = rtc_decode_hour(rtc, rtc->cmos[RTC_HOURS]);
    t->wday = rtc_decode(rtc, rtc->cmos[RTC_DAY_OF_WEEK]);
    t->mday = rtc_decode(rtc, rtc->cmos[RTC_DAY_OF_MONTH]);
    t->mon = rtc_decode(rtc, rtc->cmos[RTC_MONTH]);
    t->year = rtc_decode(rtc, rtc->cmos[RTC_YEAR]);
    t->century = rtc_decode(rtc, rtc->cmos[CMOS_CENTURY]);
}

static void rtc_time_store(struct rtc146818 *rtc, const struct rtc_time *t)
{
    rtc->cmos[RTC_SECONDS] = rtc_encode(rtc, t->sec);
    rtc->cmos[RTC_MINUTES] = rtc_encode(rtc, t->min);
    rtc->cmos[RTC_HOURS] = rtc_encode_hour(rtc, t->hour);
    rtc->cmos[RTC_DAY_OF_WEEK] = rtc_encode(rtc, t->wday);
    rtc->cmos[RTC_DAY_OF_MONTH] = rtc_encode(rtc, t->mday);
    rtc->cmos[RTC_MONTH] = rtc_encode(rtc, t->mon);
    rtc->cmos[RTC_YEAR] = rtc_encode(rtc, t->year);
    rtc->cmos[CMOS_CENTURY] = rtc_encode(rtc, t->century);
}

/* ---- the update cycle ---- */

static unsigned rtc_days_in_month(const struct rtc_time *t)
{
    static const uint8_t days[13] = { 31, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    unsigned year = t->century * 100 + t->year;
    bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);

    if (t->mon == 2 && leap)
        return 29;
    return t->mon <= 12 ? days[t->mon] : 31;
}

/* One second forward. Out-of-range values written by the guest wrap at the limit. */
static void rtc_time_tick(struct rtc_time *t)
{
    if (++t->sec < 60)
        return;
    t->sec = 0;
    if (++t->min < 60)
        return;
    t->min = 0;
    if (++t->hour < 24)
        return;
    t->hour = 0;
    t->wday = t->wday >= 7 ? 1 : t->wday + 1;
    if (++t->mday <= rtc_days_in_month(t))
        return;
    t->mday = 1;
    if (++t->mon <= 12)
        return;
    t->mon = 1;
    if (++t->year < 100)
        return;
    t->year = 0;
    t->century++;
}

/* Datasheet "DSE": last Sunday in April 1:59:59 -> 3:00:00; last Sunday in October
 * the first 1:59:59 -> 1:00:00. Sunday is day 1. */
static void rtc_time_dse(struct rtc146818 *rtc, struct rtc_time *t)
{
    bool two_am_sunday = t->hour == 2 && t->min == 0 && t->sec == 0 && t->wday == 1;

    if (t->hour == 0 && t->min == 0 && t->sec == 0)
        rtc->dse_fell_back = false;
    if (two_am_sunday && t->mon == 4 && t->mday >= 24)
        t->hour = 3;
    if (two_am_sunday && t->mon == 10 && t->mday >= 25 && !rtc->dse_fell_back) {
        t->hour = 1;
        rtc->dse_fell_back = true;
    }
}

static bool rtc_alarm_matches(const struct rtc146818 *rtc)
{
    static const uint8_t pairs[3][2] = {
        { RTC_SECONDS_ALARM, RTC_SECONDS },
        { RTC_MINUTES_ALARM, RTC_MINUTES },
        { RTC_HOURS_ALARM, RTC_HOURS },
    };

    for (unsigned i = 0; i < 3; i++) {
        uint8_t alarm = rtc->cmos[pairs[i][0]];
        if (alarm < RTC_ALARM_DONT_CARE && alarm != rtc->cmos[pairs[i][1]])
            return false;
    }
    return true;
}

static void rtc_update_cycle(struct rtc146818 *rtc)
{
    struct rtc_time t;

    if (rtc->cmos[RTC_REG_B] & RTC_B_SET)
        return;
    rtc_time_load(rtc, &t);
    rtc_time_tick(&t);
    if (rtc->cmos[RTC_REG_B] & RTC_B_DSE)
        rtc_time_dse(rtc, &t);
    rtc_time_store(rtc, &t);
    rtc->cmos[RTC_REG_C] |= RTC_C_UF;
    if (rtc_alarm_matches(rtc))
        rtc->cmos[RTC_REG_C] |= RTC_C_AF;
}

/* ---- bringing the chip up to the virtual time ---- */

/* Datasheet "PF": set at every periodic tick whatever PIE says. */
static void rtc_sync_periodic(struct rtc146818 *rtc, uint64_t now_ns)
{
    unsigned period = rtc_period(rtc);

    if (period && rtc_cycles_at(rtc, now_ns) / period > rtc_cycles_at(rtc, rtc->pf_checked_ns) / period)
        rtc->cmos[RTC_REG_C] |= RTC_C_PF;
    rtc->pf_checked_ns = now_ns;
}

static void rtc_sync(struct rtc146818 *rtc, uint64_t now_ns)
{
    if (!rtc->running)
        return;
    rtc_sync_periodic(rtc, now_ns);
    while (rtc->next_update_ns <= now_ns) {
        rtc_update_cycle(rtc);
        rtc->next_update_ns += RTC_NS_PER_SEC;
    }
}

static uint8_t rtc_irqf(const struct rtc146818 *rtc)
{
    uint8_t c = rtc->cmos[RTC_REG_C], b = rtc->cmos[RTC_REG_B];

    /* datasheet "IRQF": PF.PIE + AF.AIE + UF.UIE; the flag and enable bits line up */
    return c & b & (RTC_C_PF | RTC_C_AF | RTC_C_UF) ? RTC_C_IRQF : 0;
}

static void rtc_arm(struct rtc146818 *rtc, struct timer *t, bool armed, uint64_t deadline_ns)
{
    if (!armed)
        timer_del(t);
    else if (!timer_mod(t, deadline_ns))
        rtc_note(rtc, RTC_NOTE_TIMER, "timer heap full, interrupts lost");
}

/* Re-arm the timers and drive IRQ 8 from the current state. The update timer only
 * matters for UF/AF interrupts (reads catch up by themselves) but is cheap at 1 Hz. */
static void rtc_settle(struct rtc146818 *rtc)
{
    unsigned period = rtc_period(rtc);
    bool pie = rtc->cmos[RTC_REG_B] & RTC_B_PIE;
    bool level = rtc_irqf(rtc) != 0;
    uint64_t tick = 0;

    if (period && pie)
        tick = (rtc_cycles_at(rtc, rtc->pf_checked_ns) / period + 1) * period;
    rtc_arm(rtc, &rtc->update_timer, rtc->running, rtc->next_update_ns);
    rtc_arm(rtc, &rtc->periodic_timer, period && pie, rtc_ns_of_cycles(rtc, tick));
    if (level != rtc->irq_level) {
        rtc->irq_level = level;
        irq_set(&rtc->irq, level);
    }
}

static void rtc_timer_fired(void *opaque, uint64_t now_ns)
{
    struct rtc146818 *rtc = opaque;

    rtc_sync(rtc, now_ns);
    rtc_settle(rtc);
}

/* ---- registers ---- */

static bool rtc_uip(const struct rtc146818 *rtc, uint64_t now_ns)
{
    /* datasheet "SET": while SET is 1 no update cycle happens and UIP stays 0 */
    return rtc->running && !(rtc->cmos[RTC_REG_B] & RTC_B_SET) &&
           now_ns + RTC_UIP_LEAD_NS >= rtc->next_update_ns;
}

static uint8_t rtc_read_reg(struct rtc146818 *rtc, uint8_t index)
{
    uint64_t now_ns = vclock_now(rtc->clk);
    uint8_t value;

    rtc_sync(rtc, now_ns);
    switch (index) {
    case RTC_REG_A:
        return (uint8_t)(rtc->cmos[RTC_REG_A] | (rtc_uip(rtc, now_ns) ? RTC_A_UIP : 0));
    case RTC_REG_C:
        /* datasheet "Register C": reading clears all flags, IRQ goes inactive */
        value = rtc->cmos[RTC_REG_C] | rtc_irqf(rtc);
        rtc->cmos[RTC_REG_C] = 0;
        rtc_settle(rtc);
        return value;
    case RTC_REG_D:
        return RTC_D_VRT;
    default:
        return rtc->cmos[index];
    }
}

static void rtc_write_a(struct rtc146818 *rtc, uint8_t value, uint64_t now_ns)
{
    uint8_t dv = value & RTC_A_DV_MASK;
    bool was_running = rtc->running;

    rtc->cmos[RTC_REG_A] = value & (uint8_t)~RTC_A_UIP;
    rtc->running = dv == RTC_A_DV_32K;
    /* DV = 11x is the divider reset; 000/001 select 4.19/1.05 MHz time bases the PC
     * does not have, which leave the divider without a usable clock */
    if (dv != RTC_A_DV_32K && dv < 0x60)
        rtc_note(rtc, RTC_NOTE_TIME_BASE, "register A selects a time base other than 32.768 kHz");
    if (rtc->running && !was_running) {
        rtc->origin_ns = now_ns;
        rtc->pf_checked_ns = now_ns;
        rtc->next_update_ns = now_ns + RTC_FIRST_UPDATE_NS;
    }
}

static void rtc_write_b(struct rtc146818 *rtc, uint8_t value)
{
    /* datasheet "UIE": SET going high clears UIE */
    if (value & RTC_B_SET)
        value &= (uint8_t)~RTC_B_UIE;
    rtc->cmos[RTC_REG_B] = value;
}

static void rtc_write_reg(struct rtc146818 *rtc, uint8_t index, uint8_t value)
{
    uint64_t now_ns = vclock_now(rtc->clk);

    rtc_sync(rtc, now_ns);
    if (index == RTC_REG_A)
        rtc_write_a(rtc, value, now_ns);
    else if (index == RTC_REG_B)
        rtc_write_b(rtc, value);
    else if (index == RTC_REG_C || index == RTC_REG_D)
        rtc_note(rtc, RTC_NOTE_READ_ONLY, "write to read-only register C or D ignored");
    else
        rtc->cmos[index] = value;
    rtc_settle(rtc);
}

static uint32_t rtc_port_read(void *opaque, uint16_t port, unsigned size)
{
    struct rtc146818 *rtc = opaque;

    if (port == RTC146818_PORT_DATA)
        return rtc_read_reg(rtc, rtc->index);
    /* the AT's index latch is write-only; the bus floats */
    rtc_note(rtc, RTC_NOTE_INDEX_READ, "read of the write-only index port 70h");
    return 0xFF;
}

static void rtc_port_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct rtc146818 *rtc = opaque;

    if (port == RTC146818_PORT_DATA) {
        rtc_write_reg(rtc, rtc->index, (uint8_t)value);
        return;
    }
    rtc->index = value & 0x7F;
    rtc->nmi_disabled = value & 0x80;
}

static const struct ioport_ops rtc_ops = {
    .read = rtc_port_read,
    .write = rtc_port_write,
    .sizes = 1,
};

/* ---- lifecycle and board interface ---- */

static bool rtc_start_time(const struct tm *start, struct tm *out)
{
    time_t now;

    if (start) {
        *out = *start;
        return true;
    }
    now = time(NULL);
    return now != (time_t)-1 && localtime_r(&now, out) != NULL;
}

static void rtc_set_time(struct rtc146818 *rtc, const struct tm *tm)
{
    unsigned year = (unsigned)(tm->tm_year + 1900);
    struct rtc_time t = {
        /* a leap second (tm_sec = 60) is shown as 59 */
        .sec = tm->tm_sec > 59 ? 59u : (unsigned)tm->tm_sec,
        .min = (unsigned)tm->tm_min,
        .hour = (unsigned)tm->tm_hour,
        .wday = (unsigned)tm->tm_wday + 1,
        .mday = (unsigned)tm->tm_mday,
        .mon = (unsigned)tm->tm_mon + 1,
        .year = year % 100,
        .century = year / 100,
    };

    rtc_time_store(rtc, &t);
}

struct rtc146818 *rtc146818_create(struct ioports *io, struct vclock *clk, struct irq_line irq8,
                                   const struct tm *start, struct log *log)
{
    struct rtc146818 *rtc = calloc(1, sizeof(*rtc));
    struct tm tm;

    if (!rtc)
        return NULL;
    rtc->clk = clk;
    rtc->irq = irq8;
    rtc->log = log;
    timer_init(&rtc->update_timer, clk, rtc_timer_fired, rtc);
    timer_init(&rtc->periodic_timer, clk, rtc_timer_fired, rtc);
    rtc->cmos[RTC_REG_A] = RTC_A_DV_32K | 0x06;
    rtc->cmos[RTC_REG_B] = RTC_B_24H;
    rtc->running = true;
    rtc->origin_ns = rtc->pf_checked_ns = vclock_now(clk);
    rtc->next_update_ns = rtc->origin_ns + RTC_NS_PER_SEC;
    if (!rtc_start_time(start, &tm) || !timer_mod(&rtc->update_timer, rtc->next_update_ns))
        goto fail_free;
    rtc_set_time(rtc, &tm);
    if (!ioports_register(io, RTC146818_PORT_INDEX, 2, &rtc_ops, rtc, "MC146818 RTC"))
        goto fail_disarm;
    return rtc;

fail_disarm:
    timer_del(&rtc->update_timer);
fail_free:
    free(rtc);
    return NULL;
}

void rtc146818_destroy(struct rtc146818 *rtc)
{
    if (!rtc)
        return;
    timer_del(&rtc->update_timer);
    timer_del(&rtc->periodic_timer);
    free(rtc);
}

void rtc146818_reset(struct rtc146818 *rtc, bool power_on)
{
    rtc_sync(rtc, vclock_now(rtc->clk));
    rtc->cmos[RTC_REG_B] &= (uint8_t)~(RTC_B_PIE | RTC_B_AIE | RTC_B_UIE | RTC_B_SQWE);
    rtc->cmos[RTC_REG_C] = 0;
    if (power_on) {
        rtc->index = 0;
        rtc->nmi_disabled = false;
    }
    rtc_settle(rtc);
}

void rtc146818_nvram_set(struct rtc146818 *rtc, uint8_t index, uint8_t value)
{
    assert(index >= RTC_NVRAM_FIRST && index < RTC146818_CMOS_SIZE);
    rtc->cmos[index] = value;
}

uint8_t rtc146818_nvram_get(const struct rtc146818 *rtc, uint8_t index)
{
    assert(index >= RTC_NVRAM_FIRST && index < RTC146818_CMOS_SIZE);
    return rtc->cmos[index];
}

void rtc146818_update_checksum(struct rtc146818 *rtc)
{
    unsigned sum = 0;

    for (unsigned i = CMOS_CHECKSUM_FIRST; i <= CMOS_CHECKSUM_LAST; i++)
        sum += rtc->cmos[i];
    rtc->cmos[CMOS_CHECKSUM_HI] = (uint8_t)(sum >> 8);
    rtc->cmos[CMOS_CHECKSUM_LO] = (uint8_t)sum;
}

bool rtc146818_nmi_disabled(const struct rtc146818 *rtc)
{
    return rtc->nmi_disabled;
}
