/* A ring buffer of key events (keyqueue.h). */
#include "keyqueue.h"

void keyqueue_init(struct keyqueue *q)
{
    q->head = 0;
    q->count = 0;
}

bool keyqueue_push(struct keyqueue *q, enum key key, bool down)
{
    if (q->count == KEYQUEUE_SIZE)
        return false;
    q->events[(q->head + q->count) % KEYQUEUE_SIZE] = (struct key_event){key, down};
    q->count++;
    return true;
}

bool keyqueue_chord(struct keyqueue *q, const enum key *keys, size_t n)
{
    if (KEYQUEUE_SIZE - q->count < 2 * n)
        return false;
    for (size_t i = 0; i < n; i++)
        (void)keyqueue_push(q, keys[i], true);
    for (size_t i = n; i-- > 0;)
        (void)keyqueue_push(q, keys[i], false);
    return true;
}

bool keyqueue_pop(struct keyqueue *q, struct key_event *ev)
{
    if (q->count == 0)
        return false;
    *ev = q->events[q->head];
    q->head = (q->head + 1) % KEYQUEUE_SIZE;
    q->count--;
    return true;
}

bool keyqueue_empty(const struct keyqueue *q)
{
    return q->count == 0;
}
