/* PC/AT system control port B at 61h (PIIX "NMI status and control register"): the
 * PIT channel 2 gate, the speaker data enable, the refresh toggle and OUT2 status.
 * The speaker itself is a level (OUT2 AND data enable) reported to a callback. */
#ifndef TD_SPEAKER_H
#define TD_SPEAKER_H

#include <stdbool.h>
#include <stdint.h>

struct ioports;
struct log;
struct pit8254;
struct vclock;
struct speaker;

enum {
    SPEAKER_PORT = 0x61,
    /* the refresh toggle (bit 4) flips every 15.085 us of virtual time */
    SPEAKER_REFRESH_NS = 15085,
};

/* The speaker cone moved to level at now_ns. */
typedef void speaker_fn(void *opaque, bool level, uint64_t now_ns);

/* Register port 61h. pit is the timer whose channel 2 gate and output the port
 * controls and reads; it must outlive the speaker. Returns NULL if the port is
 * taken or memory runs out. log may be NULL. */
struct speaker *speaker_create(struct ioports *io, struct vclock *clk, struct pit8254 *pit,
                               struct log *log) __attribute__((warn_unused_result));

/* Detach from the PIT and free the state (before destroying the PIT). */
void speaker_destroy(struct speaker *spk);

/* power_on: bits 0-3 cleared (gate 2 low, speaker off). Warm (CPU-only) reset keeps
 * them. */
void speaker_reset(struct speaker *spk, bool power_on);

/* Report every change of the speaker level to fn (NULL: stop reporting). */
void speaker_set_callback(struct speaker *spk, speaker_fn *fn, void *opaque);

/* The speaker level now: PIT OUT2 AND port 61h bit 1. */
bool speaker_level(const struct speaker *spk);

/* Changes of the speaker level since creation (for tests and the -d stats report). */
uint64_t speaker_edges(const struct speaker *spk);

#endif
