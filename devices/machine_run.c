/* The board's run loop: slices of guest instructions between timer deadlines,
 * virtual time driven by retired instructions (and skipped while halted),
 * optional pacing against the wall clock, warm resets and translation flushes
 * requested by the chips. */
#include "machine.h"
#include "machine_internal.h"

#include <inttypes.h>
#include <time.h>

#include "clock.h"
#include "exec.h"
#include "log.h"
#include "pic8259.h"

static const char *const stop_reasons[] = {
    [MACHINE_STOP_DEBUG_EXIT] = "guest wrote the isa-debug-exit port",
    [MACHINE_STOP_HALTED] = "guest halted with interrupts disabled",
    [MACHINE_STOP_IDLE] = "guest halted waiting for an interrupt, but no device "
                          "raised one in 10 s of virtual time",
    [MACHINE_STOP_BUDGET] = "instruction budget (--max-insns) exhausted",
    [MACHINE_STOP_TIME] = "the virtual time asked for has passed",
};

uint64_t machine_wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---------------------------------------------------------------- time */

/* --speed real: sleep while virtual time is ahead of the wall clock. */
static void pace(struct machine *m)
{
    uint64_t v = machine_vtime(m) - m->vt_base, w = machine_wall_ns() - m->wall_base;

    if (m->speed != MACHINE_SPEED_REAL)
        return;
    if (v > w + PACE_AHEAD_NS) {
        uint64_t ns = v - w;
        struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000u),
                              .tv_nsec = (long)(ns % 1000000000u)};
        nanosleep(&ts, NULL);
    } else if (w > v + PACE_BEHIND_NS) {
        m->wall_base = machine_wall_ns() - v;
    }
}

static void clock_sync(struct machine *m)
{
    vclock_advance_to(m->clock, machine_vtime(m));
    pace(m);
}

/* The CPU halted with interrupts enabled: let virtual time jump to the next
 * timer deadline. false when nothing has interrupted it for too long. */
static bool idle_skip(struct machine *m, uint64_t until)
{
    uint64_t now = machine_vtime(m), next = vclock_next_deadline(m->clock);

    if (m->cpu.intr)
        return true;
    if (m->cpu.stats.interrupts != m->halt_irqs || m->halt_since > now) {
        m->halt_irqs = m->cpu.stats.interrupts;
        m->halt_since = now;
    }
    if (next == UINT64_MAX || next - m->halt_since > MACHINE_IDLE_LIMIT_S * 1000000000ull)
        return false;
    if (next > until)
        next = until;
    if (next > now)
        m->idle_ns += next - now;
    clock_sync(m);
    return true;
}

/* A reset of the CPU alone (8042 pulse, port 92h, triple fault): RAM and the
 * chips keep their state, as on the AT; the BIOS's POST starts again. */
static void warm_reset(struct machine *m)
{
    m->resets++;
    log_printf(m->log, LOG_INT, "machine: CPU %s, warm reset %" PRIu64 "\n",
               m->cpu.shutdown ? "shutdown" : "reset requested", m->resets);
    m->reset_pending = false;
    cpu_reset(&m->cpu);
    m->cpu.intr = pic8259_pending(m->pic);
}

static struct machine_result result(const struct machine *m, enum machine_stop stop,
                                    uint64_t start)
{
    return (struct machine_result){
        .stop = stop,
        .exit_code = stop == MACHINE_STOP_DEBUG_EXIT ? m->exit_code : 0,
        .insns = m->cpu.icount - start,
    };
}

/* Instructions to run before the next timer deadline (or stop). */
static uint64_t slice_insns(const struct machine *m, uint64_t until)
{
    uint64_t now = machine_vtime(m), next = vclock_next_deadline(m->clock), n;

    if (next > until)
        next = until;
    n = next > now ? (next - now + m->ns_per_insn - 1) / m->ns_per_insn : 1;
    if (n > MACHINE_SLICE)
        n = MACHINE_SLICE;
    if (m->max_insns && m->max_insns - m->cpu.icount < n)
        n = m->max_insns - m->cpu.icount;
    return n ? n : 1;
}

static bool stop_now(struct machine *m, uint64_t until, enum machine_stop *stop)
{
    if (m->exited)
        *stop = MACHINE_STOP_DEBUG_EXIT;
    else if (m->max_insns && m->cpu.icount >= m->max_insns)
        *stop = MACHINE_STOP_BUDGET;
    else if (machine_vtime(m) >= until)
        *stop = MACHINE_STOP_TIME;
    else
        return false;
    return true;
}

static struct machine_result run_until(struct machine *m, uint64_t until)
{
    uint64_t start = m->cpu.icount;
    enum machine_stop stop;

    m->vt_base = machine_vtime(m);
    m->wall_base = machine_wall_ns();
    while (!stop_now(m, until, &stop)) {
        if (m->cpu.shutdown || m->reset_pending)
            warm_reset(m);
        if (m->flush_pending) {
            m->flush_pending = false;
            exec_flush(m->exec);
        }
        m->in_exec = true;
        enum exec_status status = exec_run(m->exec, slice_insns(m, until));
        m->in_exec = false;
        if (status == EXEC_REQUEST)
            m->cpu.exit_request = 0;
        clock_sync(m);
        if (status == EXEC_HALTED && !m->cpu.shutdown && !m->exited && !m->reset_pending) {
            if (!(m->cpu.eflags & EFLAGS_IF)) {
                stop = MACHINE_STOP_HALTED;
                break;
            }
            if (!idle_skip(m, until)) {
                stop = MACHINE_STOP_IDLE;
                break;
            }
        }
    }
    if (m->serial)
        fflush(m->serial);
    return result(m, stop, start);
}

struct machine_result machine_run(struct machine *m)
{
    return run_until(m, UINT64_MAX);
}

struct machine_result machine_run_for(struct machine *m, uint64_t ns)
{
    uint64_t now = machine_vtime(m);
    return run_until(m, ns > UINT64_MAX - now ? UINT64_MAX : now + ns);
}

uint64_t machine_time_ns(const struct machine *m)
{
    return machine_vtime(m);
}

const char *machine_stop_reason(enum machine_stop stop)
{
    if ((size_t)stop >= sizeof(stop_reasons) / sizeof(stop_reasons[0]))
        return "unknown stop";
    return stop_reasons[stop];
}
