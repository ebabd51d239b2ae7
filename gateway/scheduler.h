/*
 * The scheduler runs the ladder: task reminders and case climbs whose time
 * has come, each in its own transaction, in time order, once each (every
 * step moves or clears the time that made it due); and the weekly digest,
 * a few recipients a transaction with the place reached (digest_progress);
 * and, hourly, the retention pass that wipes words older than the
 * configured days, a batch a transaction.
 * It keeps one libevent timer for the earliest due item and rebuilds from
 * the store at start, so a daemon that was down catches up when it comes
 * back. In manual-clock mode whoever moves the clock calls
 * scheduler_run().
 */
#ifndef BX_SCHEDULER_H
#define BX_SCHEDULER_H

#include <stdint.h>

struct event_base;
struct store;
struct clock;
struct casework;
struct sender;
struct scheduler;

/* digest_weekday 1..7 (Monday first) and digest_minute (local) say when
 * the weekly digest is due; 0 weekday: no digests. Words people wrote are
 * wiped after content_days (store_retention_step); 0: kept. */
struct scheduler *scheduler_new(struct event_base *, struct store *,
    const struct clock *, struct casework *, struct sender *,
    int digest_weekday, int digest_minute, int content_days);
void scheduler_free(struct scheduler *);
/*
 * Runs what is due now, in slices: a few ladder steps, or one slice of
 * the weekly digest (scheduler.c). In real time it runs one slice and
 * has the timer run the next at once, after the loop has seen to the
 * events ready meanwhile (inbound messages wait no longer than a slice);
 * in manual-clock mode it runs them all. Returns the steps taken (ladder
 * steps and digest slices), or -1.
 */
int scheduler_run(struct scheduler *);
/* One slice at clock time now; *more when work due remains. Steps taken,
 * or -1. */
int scheduler_slice(struct scheduler *, int64_t now, int *more);
/* Re-arms the timer (after an inbound message changed the schedule). */
void scheduler_wake(struct scheduler *);

#endif
