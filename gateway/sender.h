/*
 * The sender drains the outbound queue: the next due message by priority
 * and age is claimed (marked sending, committed), handed to a channel, and
 * its result recorded in its own transaction. A temporary failure is
 * retried with exponential backoff; after SENDER_MAX_AGE it fails for good.
 * In system-clock mode a timer wakes it for the next due message; in manual
 * mode whoever moves the clock calls sender_run().
 */
#ifndef BX_SENDER_H
#define BX_SENDER_H

#include <stddef.h>

struct event_base;
struct store;
struct clock;
struct channel;
struct sender;
struct quiet;

#define SENDER_MAX_AGE (48 * 3600)

/* quiet (borrowed, may be NULL): only replies leave during quiet hours. */
struct sender *sender_new(struct event_base *, struct store *,
    const struct clock *, const struct quiet *, struct channel **,
    size_t nchannels);
void sender_free(struct sender *);
/* Runs soon from the event loop (after the current callback returns). */
void sender_wake(struct sender *);
/* Sends everything that is due now; returns how many were handed over. */
int sender_run(struct sender *);

#endif
