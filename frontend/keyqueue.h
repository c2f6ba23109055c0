/* Key events waiting for the guest's keyboard: the monitor's sendkey and type
 * commands and a terminal's typed characters arrive faster than a PS/2
 * keyboard (16-byte buffer) could take them, so the run loop feeds them one by
 * one as the keyboard empties. */
#ifndef TD_KEYQUEUE_H
#define TD_KEYQUEUE_H

#include <stdbool.h>
#include <stddef.h>

#include "keymap.h"

enum { KEYQUEUE_SIZE = 4096 };

struct key_event {
    enum key key;
    bool down;
};

struct keyqueue {
    struct key_event events[KEYQUEUE_SIZE];
    size_t head, count;
};

void keyqueue_init(struct keyqueue *q);

/* Append one event. false (nothing queued) when the queue is full. */
bool keyqueue_push(struct keyqueue *q, enum key key, bool down);

/* A chord: keys[0..n) pressed in order, then released in reverse order, as
 * QEMU's sendkey does ("ctrl-alt-delete"). false (nothing queued) when it does
 * not fit. */
bool keyqueue_chord(struct keyqueue *q, const enum key *keys, size_t n);

/* Take the oldest event. false when empty. */
bool keyqueue_pop(struct keyqueue *q, struct key_event *ev);

bool keyqueue_empty(const struct keyqueue *q);

#endif
